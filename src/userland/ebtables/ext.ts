/**
 * The ebtables extensions ebtables-nft 1.8.9 loads (xtables-eb.c ebt_load_match_extensions()),
 * those modelled here: matches ip (libebt_ip.c), ip6 (libebt_ip6.c: a name for an address is
 * not looked up), mark_m (libebt_mark_m.c), pkttype
 * (libebt_pkttype.c); target mark (libebt_mark.c). Each has its getopt options (the codes its
 * parse() switches on), init, parse, final check and print, as the C extension has them.
 */
import {
  EBT_IP_DEST, EBT_IP_DPORT, EBT_IP_PROTO, EBT_IP_SOURCE, EBT_IP_SPORT, EBT_IP_TOS, EBT_MARK_AND, EBT_MARK_OR,
  EBT_IP6_SOURCE, EBT_IP6_DEST, EBT_IP6_TCLASS, EBT_IP6_PROTO, EBT_IP6_SPORT, EBT_IP6_DPORT, EBT_IP6_ICMP6, type EbtIp6Info,
  EBT_ACCEPT, EBT_VERDICT_BITS, MARK_AND_VALUE, MARK_OR_VALUE, MARK_SET_VALUE, MARK_XOR_VALUE, NAT_ARP_BIT,
  EBT_LOG_ARP, EBT_LOG_IP, EBT_LOG_IP6, EBT_LOG_PREFIX_SIZE, type EbtLogInfo, type EbtLimitInfo, EBT_VLAN_ENCAP, EBT_VLAN_ID, EBT_VLAN_PRIO, type EbtVlanInfo, EBT_ARP_OPCODE, EBT_ARP_HTYPE, EBT_ARP_PTYPE, EBT_ARP_SRC_IP, EBT_ARP_DST_IP, EBT_ARP_SRC_MAC,
  EBT_ARP_DST_MAC, EBT_ARP_GRAT, type EbtArpInfo, type EbtAmongInfo, type EbtAmongSide, XT_LIMIT_SCALE, type EbtIpInfo, type EbtMarkMInfo, type EbtMarkTInfo, type EbtNatInfo, type EbtPkttypeInfo, type EbtRedirectInfo,
} from "../../kernel/uapi/ebtables.ts";

import { ethertypeByName as ethertypeByNameExt } from "./ethertypes.ts";
import { SERVICES } from "../iptables/services.ts";
import { getprotobyname, getprotobynumber } from "../lib/etc_files.ts";
import { ipv4ToString } from "../../wire/addr.ts";
import { inetPton6, inetNtop6 } from "../lib/utils.ts";

export const PARAMETER_PROBLEM = 2;

export class EbError extends Error {
  constructor(public readonly status: number, public readonly text: string, public readonly plain = false) {
    super(text);
  }
}

/** xtables_error() */
export function xtError(status: number, msg: string): never {
  throw new EbError(status, msg);
}

const ULONG_MAX = (1n << 64n) - 1n;

/** strtoul()/strtol() over 64 bits: [value, index where parsing stopped]; the stop index is 0 when nothing was read */
export function strtoul(s: string, base: number): [bigint, number] {
  let i = 0;
  while (i < s.length && " \t\n\v\f\r".includes(s[i]!)) i++;
  let neg = false;
  if (s[i] === "+" || s[i] === "-") {
    neg = s[i] === "-";
    i++;
  }
  if ((base === 0 || base === 16) && s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X") && /[0-9a-fA-F]/.test(s[i + 2] ?? "")) {
    base = 16;
    i += 2;
  } else if (base === 0) base = s[i] === "0" ? 8 : 10;
  const start = i;
  let v = 0n;
  let over = false;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, 36);
    if (Number.isNaN(d) || d >= base) break;
    v = v * BigInt(base) + BigInt(d);
    if (v > ULONG_MAX) over = true;
  }
  if (i === start) {
    // "0x" without hex digits reads the 0
    return [0n, 0];
  }
  if (over) return [ULONG_MAX, i];
  if (neg) v = (ULONG_MAX + 1n - v) & ULONG_MAX;
  return [v, i];
}

/** strtol(s, &end, 16) as the callers use it: [value as a signed long, fully consumed] */
function strtolFull(s: string, base: number): [bigint, boolean] {
  let [v, end] = strtoul(s, base);
  // as a signed long
  if (v >= 1n << 63n) v -= 1n << 64n;
  return [v, end === s.length && s.length > 0 && end > 0];
}


export interface ExtOpt {
  name: string;
  hasArg: 0 | 1;
  code: string;
}

/** one extension: a match, or a target (which may also sit in a rule as a watcher) */
export interface Extension<D> {
  name: string;
  kind: "match" | "target";
  /** a target read back among the matches (nft_bridge_parse_target()'s log and nflog) */
  watcher?: boolean;
  opts: ExtOpt[];
  init(): D;
  /** false: not this extension's option; `files`: the contents of the files the command line names */
  parse(code: string, optarg: string, invert: boolean, st: { flags: number }, data: D, files?: Map<string, string>): boolean;
  finalCheck?(flags: number): void;
  print(data: D): string;
}

// ------------------------------------------------------------------------------------ ip

function parseDotted(s: string): number | undefined {
  const p = s.split(".");
  if (p.length !== 4 || !p.every((x) => /^\d{1,3}$/.test(x) && Number(x) <= 255)) return undefined;
  return p.reduce((a, x) => ((a << 8) | Number(x)) >>> 0, 0);
}

/** xtables_ipmask_to_numeric() */
function maskStr(m: number): string {
  if (m === 0xffffffff) return "";
  let bits = 0;
  while (bits < 32 && (m & (0x80000000 >>> bits)) !== 0) bits++;
  if (((0xffffffff << (32 - bits)) >>> 0) === m || (bits === 0 && m === 0)) return `/${bits}`;
  return `/${ipv4ToString(m)}`;
}

/** xtables_parse_port(): a number up to 65535 or a service name of /etc/services */
function parsePort(s: string): number {
  const n = strtouiFullExt(s, 0, 65535);
  if (n !== undefined) return n;
  for (const proto of ["tcp", "udp"]) {
    for (const [port, name] of Object.entries(SERVICES[proto] ?? {})) if (name === s) return Number(port);
  }
  xtError(PARAMETER_PROBLEM, `invalid port/service \`${s}' specified`);
}

/** xtables_strtoui(s, NULL, …) */
function strtouiFullExt(s: string, min: number, max: number): number | undefined {
  if (/^\s*-/.test(s)) return undefined;
  const [v, end] = strtoul(s, 0);
  if (end === 0 || end !== s.length || v < BigInt(min) || v > BigInt(max)) return undefined;
  return Number(v);
}

/** libebt_ip.c parse_port_range() */
function parsePortRange(s: string): [number, number] {
  const c = s.indexOf(":");
  if (c < 0) {
    const p = parsePort(s);
    return [p, p];
  }
  const lo = c === 0 ? 0 : parsePort(s.slice(0, c));
  const hi = c === s.length - 1 ? 65535 : parsePort(s.slice(c + 1));
  if (lo > hi) xtError(PARAMETER_PROBLEM, "invalid portrange (min > max)");
  return [lo, hi];
}

/** xtables_chain_protos, then getprotobyname() */
const CHAIN_PROTOS: [string, number][] = [
  ["tcp", 6], ["sctp", 132], ["udp", 17], ["udplite", 136], ["icmp", 1], ["ipv6-icmp", 58], ["esp", 50], ["ah", 51],
  ["ipv6-mh", 135], ["mh", 135], ["all", 0],
];

/** xtables_parse_protocol() */
function parseProtocol(s: string): number {
  const n = strtouiFullExt(s, 0, 255);
  if (n !== undefined) return n;
  const c = CHAIN_PROTOS.find(([x]) => x === s);
  if (c) return c[1];
  // getprotobyname(): a name of /etc/protocols or an alias (its capitals)
  const p = getprotobyname(s);
  if (p !== undefined) return p;
  xtError(PARAMETER_PROBLEM, `unknown protocol "${s}" specified`);
}

/** print_port_range() of libebt_ip.c and libebt_ip6.c: "N" or "N:M" */
function portRangeStr(r: [number, number]): string {
  return r[0] === r[1] ? `${r[0]}` : `${r[0]}:${r[1]}`;
}

/** an option's bit set in an ip/ip6 match, and in its inversions when "!" came before it */
function setBit(info: { bitmask: number; invflags: number }, bit: number, inv: boolean): void {
  info.bitmask |= bit;
  if (inv) info.invflags |= bit;
}

export const ipExt: Extension<EbtIpInfo> = {
  name: "ip",
  kind: "match",
  opts: [
    { name: "ip-source", hasArg: 1, code: "1" }, { name: "ip-src", hasArg: 1, code: "1" },
    { name: "ip-destination", hasArg: 1, code: "2" }, { name: "ip-dst", hasArg: 1, code: "2" },
    { name: "ip-tos", hasArg: 1, code: "3" },
    { name: "ip-protocol", hasArg: 1, code: "4" }, { name: "ip-proto", hasArg: 1, code: "4" },
    { name: "ip-source-port", hasArg: 1, code: "5" }, { name: "ip-sport", hasArg: 1, code: "5" },
    { name: "ip-destination-port", hasArg: 1, code: "6" }, { name: "ip-dport", hasArg: 1, code: "6" },
  ],
  init: () => ({ saddr: 0, daddr: 0, smsk: 0, dmsk: 0, tos: 0, protocol: 0, bitmask: 0, invflags: 0, sport: [0, 0], dport: [0, 0] }),
  parse(code, val, inv, st, ip) {
    const set = (bit: number) => setBit(ip, bit, inv);
    switch (code) {
      case "1":
      case "2": {
        const r = ipparseAny(val);
        if (code === "1") {
          set(EBT_IP_SOURCE);
          [ip.saddr, ip.smsk] = r;
        } else {
          set(EBT_IP_DEST);
          [ip.daddr, ip.dmsk] = r;
        }
        break;
      }
      case "3": {
        const n = strtouiFullExt(val, 0, 255);
        if (n === undefined) xtError(PARAMETER_PROBLEM, "Problem with specified IP tos");
        set(EBT_IP_TOS);
        ip.tos = n;
        break;
      }
      case "4":
        set(EBT_IP_PROTO);
        ip.protocol = parseProtocol(val);
        break;
      case "5":
        set(EBT_IP_SPORT);
        ip.sport = parsePortRange(val);
        break;
      case "6":
        set(EBT_IP_DPORT);
        ip.dport = parsePortRange(val);
        break;
      default:
        return false;
    }
    st.flags |= ip.bitmask;
    return true;
  },
  finalCheck(flags) {
    if (!flags) xtError(PARAMETER_PROBLEM, "You must specify proper arguments");
  },
  print(ip) {
    let s = "";
    const inv = (f: number) => (ip.invflags & f ? "! " : "");
    if (ip.bitmask & EBT_IP_SOURCE) s += `--ip-src ${inv(EBT_IP_SOURCE)}${ipv4ToString(ip.saddr)}${maskStr(ip.smsk)} `;
    if (ip.bitmask & EBT_IP_DEST) s += `--ip-dst ${inv(EBT_IP_DEST)}${ipv4ToString(ip.daddr)}${maskStr(ip.dmsk)} `;
    if (ip.bitmask & EBT_IP_TOS) s += `--ip-tos ${inv(EBT_IP_TOS)}0x${ip.tos.toString(16).padStart(2, "0").toUpperCase()} `;
    if (ip.bitmask & EBT_IP_PROTO) {
      const n = getprotobynumber(ip.protocol);
      s += `--ip-proto ${inv(EBT_IP_PROTO)}${n ?? ip.protocol} `;
    }
    if (ip.bitmask & EBT_IP_SPORT) s += `--ip-sport ${inv(EBT_IP_SPORT)}${portRangeStr(ip.sport)} `;
    if (ip.bitmask & EBT_IP_DPORT) s += `--ip-dport ${inv(EBT_IP_DPORT)}${portRangeStr(ip.dport)} `;
    return s;
  },
};

// -------------------------------------------------------------------------------- ip6

/** xtables' parse_ip6mask(): no mask is /128; a mask in address form as it is; else bits */
function parseIp6Mask(mask: string | undefined): Uint8Array {
  if (mask === undefined) return new Uint8Array(16).fill(0xff);
  const a = inetPton6(mask);
  if (a) return a;
  const bits = strtouiFullExt(mask, 0, 128);
  if (bits === undefined) xtError(PARAMETER_PROBLEM, `invalid mask \`${mask}' specified`);
  const m = new Uint8Array(16);
  for (let i = 0; i < bits; i++) m[i >> 3]! |= 0x80 >> (i & 7);
  return m;
}

/** xtables_ip6parse_any(): address[/mask], the address masked; a zero mask takes any name as
 * "::"; a name that is no IPv6 address is looked up (here: none is found) */
function ip6parseAny(s: string): [Uint8Array, Uint8Array] {
  const slash = s.lastIndexOf("/");
  let name = slash < 0 ? s : s.slice(0, slash);
  const mask = parseIp6Mask(slash < 0 ? undefined : s.slice(slash + 1));
  if (mask.every((b) => b === 0)) name = "::";
  const addr = inetPton6(name);
  if (!addr) xtError(PARAMETER_PROBLEM, `host/network \`${name}' not found`);
  for (let i = 0; i < 16; i++) addr[i]! &= mask[i]!;
  return [addr, mask];
}

/** xtables_ip6mask_to_numeric(): "" for /128, /N for a prefix, else the mask as an address */
function ip6MaskStr(m: Uint8Array): string {
  let bits = 0;
  while (bits < 128 && m[bits >> 3]! & (0x80 >> (bits & 7))) bits++;
  for (let i = bits; i < 128; i++) if (m[i >> 3]! & (0x80 >> (i & 7))) return `/${inetNtop6(m)}`;
  return bits === 128 ? "" : `/${bits}`;
}

/** libebt_ip6.c icmpv6_codes[]: name, type, code range */
const ICMPV6_CODES: [string, number, number, number][] = [
  ["destination-unreachable", 1, 0, 0xff], ["no-route", 1, 0, 0], ["communication-prohibited", 1, 1, 1],
  ["address-unreachable", 1, 3, 3], ["port-unreachable", 1, 4, 4], ["packet-too-big", 2, 0, 0xff],
  ["time-exceeded", 3, 0, 0xff], ["ttl-exceeded", 3, 0, 0xff], ["ttl-zero-during-transit", 3, 0, 0],
  ["ttl-zero-during-reassembly", 3, 1, 1], ["parameter-problem", 4, 0, 0xff], ["bad-header", 4, 0, 0],
  ["unknown-header-type", 4, 1, 1], ["unknown-option", 4, 2, 2], ["echo-request", 128, 0, 0xff], ["ping", 128, 0, 0xff],
  ["echo-reply", 129, 0, 0xff], ["pong", 129, 0, 0xff], ["router-solicitation", 133, 0, 0xff],
  ["router-advertisement", 134, 0, 0xff], ["neighbour-solicitation", 135, 0, 0xff], ["neighbor-solicitation", 135, 0, 0xff],
  ["neighbour-advertisement", 136, 0, 0xff], ["neighbor-advertisement", 136, 0, 0xff], ["redirect", 137, 0, 0xff],
];

/** xtables_strtoui(s, &end, …, 0, 255): a number at the start of s and where it ends */
function strtouiPrefix(s: string): [number, number] | undefined {
  if (/^\s*-/.test(s)) return undefined;
  const [v, end] = strtoul(s, 0);
  if (end === 0 || v > 255n) return undefined;
  return [Number(v), end];
}

/** libebt_ip6.c parse_icmpv6(): a name (any unambiguous prefix, any case) or type[:type][/code[:code]] */
function parseIcmpv6(s: string): { type: [number, number]; code: [number, number] } | undefined {
  let match = -1;
  ICMPV6_CODES.forEach(([name], i) => {
    if (name.slice(0, s.length).toLowerCase() !== s.toLowerCase() || s.length > name.length) return;
    if (match >= 0) xtError(PARAMETER_PROBLEM, `Ambiguous ICMPv6 type \`${s}': \`${ICMPV6_CODES[match]![0]}' or \`${name}'?`);
    match = i;
  });
  if (match >= 0) {
    const [, t, lo, hi] = ICMPV6_CODES[match]!;
    return { type: [t, t], code: [lo, hi] };
  }
  const range = (str: string): [[number, number], number] | undefined => {
    const a = strtouiPrefix(str);
    if (!a) return undefined;
    let hi = a[0];
    let end = a[1];
    if (str[end] === ":") {
      const b = strtouiPrefix(str.slice(end + 1));
      if (!b) return undefined;
      hi = b[0];
      end += 1 + b[1];
    }
    return [[a[0], hi], end];
  };
  const t = range(s);
  if (!t) xtError(PARAMETER_PROBLEM, `Unknown ICMPv6 type \`${s}'`);
  const rest = s.slice(t[1]);
  if (rest === "") return { type: t[0], code: [0, 255] };
  if (rest[0] === "/") {
    const c = range(rest.slice(1));
    // (an unreadable code range: parse_icmpv6() fails, and the option goes unclaimed)
    if (!c) return undefined;
    if (c[1] === rest.length - 1) return { type: t[0], code: c[0] };
    xtError(PARAMETER_PROBLEM, `unknown character ${rest[1 + c[1]]}`);
  }
  xtError(PARAMETER_PROBLEM, `unknown character ${rest[0]}`);
}

export const ip6Ext: Extension<EbtIp6Info> = {
  name: "ip6",
  kind: "match",
  opts: [
    { name: "ip6-source", hasArg: 1, code: "1" }, { name: "ip6-src", hasArg: 1, code: "1" },
    { name: "ip6-destination", hasArg: 1, code: "2" }, { name: "ip6-dst", hasArg: 1, code: "2" },
    { name: "ip6-tclass", hasArg: 1, code: "3" },
    { name: "ip6-protocol", hasArg: 1, code: "4" }, { name: "ip6-proto", hasArg: 1, code: "4" },
    { name: "ip6-source-port", hasArg: 1, code: "5" }, { name: "ip6-sport", hasArg: 1, code: "5" },
    { name: "ip6-destination-port", hasArg: 1, code: "6" }, { name: "ip6-dport", hasArg: 1, code: "6" },
    { name: "ip6-icmp-type", hasArg: 1, code: "7" },
  ],
  init: () => ({
    saddr: new Uint8Array(16), daddr: new Uint8Array(16), smsk: new Uint8Array(16), dmsk: new Uint8Array(16),
    tclass: 0, protocol: 0, bitmask: 0, invflags: 0, sport: [0, 0], dport: [0, 0], icmpv6Type: [0, 0], icmpv6Code: [0, 0],
  }),
  parse(code, val, inv, st, ip) {
    const set = (bit: number) => setBit(ip, bit, inv);
    switch (code) {
      case "1":
        [ip.saddr, ip.smsk] = ip6parseAny(val);
        set(EBT_IP6_SOURCE);
        break;
      case "2":
        [ip.daddr, ip.dmsk] = ip6parseAny(val);
        set(EBT_IP6_DEST);
        break;
      case "3": {
        const n = strtouiPrefix(val);
        if (n === undefined) xtError(PARAMETER_PROBLEM, `Problem with specified IPv6 traffic class '${val}'`);
        ip.tclass = n[0];
        set(EBT_IP6_TCLASS);
        break;
      }
      case "4":
        ip.protocol = parseProtocol(val);
        set(EBT_IP6_PROTO);
        break;
      case "5":
        ip.sport = parsePortRange(val);
        set(EBT_IP6_SPORT);
        break;
      case "6":
        ip.dport = parsePortRange(val);
        set(EBT_IP6_DPORT);
        break;
      case "7": {
        const r = parseIcmpv6(val);
        if (!r) return false;
        ip.icmpv6Type = r.type;
        ip.icmpv6Code = r.code;
        set(EBT_IP6_ICMP6);
        break;
      }
      default:
        return false;
    }
    st.flags |= ip.bitmask;
    return true;
  },
  finalCheck(flags) {
    if (!flags) xtError(PARAMETER_PROBLEM, "You must specify proper arguments");
  },
  print(ip) {
    let s = "";
    const inv = (f: number) => (ip.invflags & f ? "! " : "");
    if (ip.bitmask & EBT_IP6_SOURCE) s += `--ip6-src ${inv(EBT_IP6_SOURCE)}${inetNtop6(ip.saddr)}${ip6MaskStr(ip.smsk)} `;
    if (ip.bitmask & EBT_IP6_DEST) s += `--ip6-dst ${inv(EBT_IP6_DEST)}${inetNtop6(ip.daddr)}${ip6MaskStr(ip.dmsk)} `;
    if (ip.bitmask & EBT_IP6_TCLASS) s += `--ip6-tclass ${inv(EBT_IP6_TCLASS)}0x${ip.tclass.toString(16).padStart(2, "0").toUpperCase()} `;
    if (ip.bitmask & EBT_IP6_PROTO) s += `--ip6-proto ${inv(EBT_IP6_PROTO)}${getprotobynumber(ip.protocol) ?? ip.protocol} `;
    if (ip.bitmask & EBT_IP6_SPORT) s += `--ip6-sport ${inv(EBT_IP6_SPORT)}${portRangeStr(ip.sport)} `;
    if (ip.bitmask & EBT_IP6_DPORT) s += `--ip6-dport ${inv(EBT_IP6_DPORT)}${portRangeStr(ip.dport)} `;
    if (ip.bitmask & EBT_IP6_ICMP6) {
      s += `--ip6-icmp-type ${inv(EBT_IP6_ICMP6)}`;
      const [t0, t1] = ip.icmpv6Type;
      const [c0, c1] = ip.icmpv6Code;
      const codeStr = c0 === c1 ? `/${c0} ` : `/${c0}:${c1} `;
      const named = t0 === t1 ? ICMPV6_CODES.find(([, t, lo, hi]) => t === t0 && lo === c0 && hi === c1) : undefined;
      s += t0 !== t1 ? `${t0}:${t1}${codeStr}` : named ? `${named[0]} ` : `${t0}${codeStr}`;
    }
    return s;
  },
};

// -------------------------------------------------------------------------------- mark_m

const hex = (v: bigint) => `0x${v.toString(16)}`;

export const markMExt: Extension<EbtMarkMInfo> = {
  name: "mark_m",
  kind: "match",
  opts: [{ name: "mark", hasArg: 1, code: "1" }],
  init: () => ({ mark: 0n, mask: 0n, invert: 0, bitmask: 0 }),
  parse(code, val, inv, st, info) {
    if (code !== "1") return false;
    if (inv) info.invert = 1;
    let [v, end] = strtoul(val, 0);
    info.mark = v;
    info.bitmask = EBT_MARK_AND;
    if (val[end] === "/") {
      if (end === 0) info.bitmask = EBT_MARK_OR;
      const rest = val.slice(end + 1);
      const [m, e2] = strtoul(rest, 0);
      info.mask = m;
      end = end + 1 + e2;
    } else info.mask = 0xffffffffn;
    if (end !== val.length || end === 0) xtError(PARAMETER_PROBLEM, `Bad mark value '${val}'`);
    st.flags |= info.bitmask;
    return true;
  },
  finalCheck(flags) {
    if (!flags) xtError(PARAMETER_PROBLEM, "You must specify proper arguments");
  },
  print(info) {
    let s = "--mark ";
    if (info.invert) s += "! ";
    if (info.bitmask === EBT_MARK_OR) s += `/${hex(info.mask)} `;
    else if (info.mask !== 0xffffffffn) s += `${hex(info.mark)}/${hex(info.mask)} `;
    else s += `${hex(info.mark)} `;
    return s;
  },
};

// --------------------------------------------------------------------------------- limit

/** libxt_limit.c: parse_rate() */
function parseRate(rate: string): number | undefined {
  const slash = rate.indexOf("/");
  let mult = 1;
  if (slash >= 0) {
    const u = rate.slice(slash + 1).toLowerCase();
    if (u.length === 0) return undefined;
    if ("second".startsWith(u)) mult = 1;
    else if ("minute".startsWith(u)) mult = 60;
    else if ("hour".startsWith(u)) mult = 3600;
    else if ("day".startsWith(u)) mult = 86400;
    else return undefined;
  }
  // atoi()
  const m = /^\s*([+-]?\d+)/.exec(rate);
  const r = m ? Number(BigInt.asUintN(32, BigInt(Math.trunc(Number(m[1]))))) : 0;
  if (!r) return undefined;
  const v = Math.floor((XT_LIMIT_SCALE * mult) / r) >>> 0;
  if (v === 0) xtError(PARAMETER_PROBLEM, `Rate too fast "${rate}"`);
  return v;
}

const RATES: [string, number][] = [
  ["day", XT_LIMIT_SCALE * 24 * 60 * 60], ["hour", XT_LIMIT_SCALE * 60 * 60], ["min", XT_LIMIT_SCALE * 60], ["sec", XT_LIMIT_SCALE],
];

/** nft.c add_nft_limit(): [packets, per seconds] of an xt_rateinfo avg */
export function limitRateUnit(avg: number): [number, number] {
  const mult = RATES.map(([, m]) => m);
  let i = 1;
  for (; i < mult.length; i++) if (avg > mult[i]! || Math.floor(mult[i]! / avg) < mult[i]! % avg) break;
  return [Math.floor(mult[i - 1]! / avg), mult[i - 1]! / XT_LIMIT_SCALE];
}

/** libxt_limit.c: print_rate() */
function rateText(period: number): string {
  if (period === 0) return " inf";
  let i = 1;
  for (; i < RATES.length; ++i) {
    const mult = RATES[i]![1];
    if (period > mult || Math.floor(mult / period) < mult % period) break;
  }
  return ` ${Math.floor(RATES[i - 1]![1] / period)}/${RATES[i - 1]![0]}`;
}

export const limitExt: Extension<EbtLimitInfo> = {
  name: "limit",
  kind: "match",
  opts: [{ name: "limit", hasArg: 1, code: "1" }, { name: "limit-burst", hasArg: 1, code: "2" }],
  init: () => ({ avg: parseRate("3/hour")!, burst: 5 }),
  parse(code, val, inv, st, r) {
    switch (code) {
      case "1": {
        checkOption(st, 0x01);
        if (inv) xtError(PARAMETER_PROBLEM, "Unexpected `!' after --limit");
        const v = parseRate(val);
        if (v === undefined) xtError(PARAMETER_PROBLEM, `bad rate \`${val}'`);
        r.avg = v;
        return true;
      }
      case "2": {
        checkOption(st, 0x02);
        if (inv) xtError(PARAMETER_PROBLEM, "Unexpected `!' after --limit-burst");
        const n = /^\s*-/.test(val) ? undefined : strtoul(val, 0);
        if (!n || n[1] !== val.length || n[1] === 0 || n[0] > 10000n) xtError(PARAMETER_PROBLEM, `bad --limit-burst \`${val}'`);
        r.burst = Number(n[0]);
        return true;
      }
    }
    return false;
  },
  print(r) {
    // as read back from the nft limit expression add_nft_limit() made of it (a rate per unit)
    const [rate, unit] = limitRateUnit(r.avg);
    const avg = rate === 0 ? 0 : Math.floor((XT_LIMIT_SCALE * unit) / rate);
    return `--limit${rateText(avg)} --limit-burst ${r.burst} `;
  },
};

const MAC_TYPES: [string, number[], number[]][] = [
  ["Unicast", [0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0]],
  ["Multicast", [1, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0]],
  ["Broadcast", [255, 255, 255, 255, 255, 255], [255, 255, 255, 255, 255, 255]],
  ["BGA", [1, 0x80, 0xc2, 0, 0, 0], [255, 255, 255, 255, 255, 255]],
];

/** xtables_parse_mac_and_mask(): the MAC and mask, or the text as the C code leaves it (cut at its last '/') */
export function parseMacAndMask(s: string): [number[], number[]] | { bad: string } {
  for (const [n, mac, msk] of MAC_TYPES) if (n.toLowerCase() === s.toLowerCase()) return [[...mac], [...msk]];
  const slash = s.lastIndexOf("/");
  let mask = [255, 255, 255, 255, 255, 255];
  let macs = s;
  if (slash >= 0) {
    macs = s.slice(0, slash);
    const m = etherAton(s.slice(slash + 1));
    if (!m) return { bad: macs };
    mask = m;
  }
  const mac = etherAton(macs);
  if (!mac) return { bad: macs };
  return [mac.map((b, i) => b & mask[i]!), mask];
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, "0");
}

/** xtables_print_mac(): six two-digit groups */
function macStr(m: number[]): string {
  return m.map(hex2).join(":");
}

/** libxtables' xtables_print_mac_and_mask(): the MAC, and its mask unless all ones */
function xtPrintMacAndMask(mac: number[], msk: number[]): string {
  return macStr(mac) + (msk.every((b) => b === 255) ? "" : `/${macStr(msk)}`);
}

/** nft-bridge.c ebt_print_mac_and_mask(): the names of the MAC types first */
export function printMacAndMask(mac: number[], msk: number[]): string {
  for (const [n, m, k] of MAC_TYPES) if (m.every((b, i) => b === mac[i]) && k.every((b, i) => b === msk[i])) return n;
  let s = macStr(mac);
  if (!msk.every((b) => b === 255)) s += `/${macStr(msk)}`;
  return s;
}

// ----------------------------------------------------------------------------------- arp

const ARP_OPCODES = ["Request", "Reply", "Request_Reverse", "Reply_Reverse", "DRARP_Request", "DRARP_Reply", "DRARP_Error", "InARP_Request", "ARP_NAK"];

/** xtables_ipparse_any() for a dotted address and mask (names are not resolved): [addr & mask, mask] */
function ipparseAny(s: string): [number, number] {
  const slash = s.indexOf("/");
  let msk = 0xffffffff;
  if (slash >= 0) {
    const m = s.slice(slash + 1);
    if (/^\d+$/.test(m) && Number(m) <= 32) msk = Number(m) === 0 ? 0 : (0xffffffff << (32 - Number(m))) >>> 0;
    else {
      const d = parseDotted(m);
      if (d === undefined) xtError(PARAMETER_PROBLEM, `invalid mask \`${m}' specified`);
      msk = d;
    }
  }
  const host = slash >= 0 ? s.slice(0, slash) : s;
  // xtables_numeric_to_ipaddr(): one to four dotted numbers, the missing ones 0
  const parts = host.split(".");
  const a =
    parts.length <= 4 && parts.every((x) => /^\d{1,3}$/.test(x) && Number(x) <= 255)
      ? parts.reduce((acc, x, i) => (acc | (Number(x) << (24 - 8 * i))) >>> 0, 0)
      : undefined;
  if (a === undefined) xtError(PARAMETER_PROBLEM, `host/network \`${host}' not found`);
  return [(a & msk) >>> 0, msk];
}

export const arpExt: Extension<EbtArpInfo> = {
  name: "arp",
  kind: "match",
  opts: [
    { name: "arp-opcode", hasArg: 1, code: "1" }, { name: "arp-op", hasArg: 1, code: "1" },
    { name: "arp-htype", hasArg: 1, code: "2" }, { name: "arp-ptype", hasArg: 1, code: "3" },
    { name: "arp-ip-src", hasArg: 1, code: "4" }, { name: "arp-ip-dst", hasArg: 1, code: "5" },
    { name: "arp-mac-src", hasArg: 1, code: "6" }, { name: "arp-mac-dst", hasArg: 1, code: "7" },
    { name: "arp-gratuitous", hasArg: 0, code: "8" },
  ],
  init: () => ({
    opcode: 0, htype: 0, ptype: 0, saddr: 0, smsk: 0, daddr: 0, dmsk: 0, smaddr: [0, 0, 0, 0, 0, 0], smmsk: [0, 0, 0, 0, 0, 0],
    dmaddr: [0, 0, 0, 0, 0, 0], dmmsk: [0, 0, 0, 0, 0, 0], bitmask: 0, invflags: 0,
  }),
  parse(code, val, inv, st, a) {
    const bit = (b: number) => {
      a.bitmask |= b;
      if (inv) a.invflags |= b;
    };
    const num = (base: number): number | undefined => {
      const [v, ok] = strtolFull(val, base);
      return ok && v >= 0n && v < 0x10000n ? Number(v) : undefined;
    };
    switch (code) {
      case "1": {
        checkOption(st, 0x01);
        if (inv) a.invflags |= EBT_ARP_OPCODE;
        let i = num(10);
        if (i === undefined) {
          const k = ARP_OPCODES.findIndex((o) => o.toLowerCase() === val.toLowerCase());
          if (k < 0) xtError(PARAMETER_PROBLEM, "Problem with specified ARP opcode");
          i = k + 1;
        }
        a.opcode = i;
        a.bitmask |= EBT_ARP_OPCODE;
        return true;
      }
      case "2": {
        checkOption(st, 0x02);
        if (inv) a.invflags |= EBT_ARP_HTYPE;
        let i = num(10);
        if (i === undefined) {
          if (val.toLowerCase() !== "ethernet") xtError(PARAMETER_PROBLEM, "Problem with specified ARP hardware type");
          i = 1;
        }
        a.htype = i;
        a.bitmask |= EBT_ARP_HTYPE;
        return true;
      }
      case "3": {
        checkOption(st, 0x04);
        if (inv) a.invflags |= EBT_ARP_PTYPE;
        let i = num(16);
        if (i === undefined) {
          const e = ethertypeByNameExt(val);
          if (e === undefined) xtError(PARAMETER_PROBLEM, "Problem with specified ARP protocol type");
          i = e;
        }
        a.ptype = i;
        a.bitmask |= EBT_ARP_PTYPE;
        return true;
      }
      case "4":
      case "5": {
        const r = ipparseAny(val);
        if (code === "4") {
          checkOption(st, 0x08);
          [a.saddr, a.smsk] = r;
          bit(EBT_ARP_SRC_IP);
        } else {
          checkOption(st, 0x10);
          [a.daddr, a.dmsk] = r;
          bit(EBT_ARP_DST_IP);
        }
        return true;
      }
      case "6":
      case "7": {
        checkOption(st, code === "6" ? 0x20 : 0x40);
        bit(code === "6" ? EBT_ARP_SRC_MAC : EBT_ARP_DST_MAC);
        const r = parseMacAndMask(val);
        if ("bad" in r) xtError(PARAMETER_PROBLEM, "Problem with ARP MAC address argument");
        if (code === "6") [a.smaddr, a.smmsk] = r;
        else [a.dmaddr, a.dmmsk] = r;
        return true;
      }
      case "8":
        checkOption(st, 0x80);
        bit(EBT_ARP_GRAT);
        return true;
    }
    return false;
  },
  print(a) {
    let s = "";
    const inv = (f: number) => (a.invflags & f ? "! " : "");
    if (a.bitmask & EBT_ARP_OPCODE)
      s += `--arp-op ${inv(EBT_ARP_OPCODE)}${a.opcode > 0 && a.opcode <= ARP_OPCODES.length ? ARP_OPCODES[a.opcode - 1] : a.opcode} `;
    if (a.bitmask & EBT_ARP_HTYPE) s += `--arp-htype ${inv(EBT_ARP_HTYPE)}${a.htype} `;
    if (a.bitmask & EBT_ARP_PTYPE) s += `--arp-ptype ${inv(EBT_ARP_PTYPE)}0x${a.ptype.toString(16)} `;
    if (a.bitmask & EBT_ARP_SRC_IP) s += `--arp-ip-src ${inv(EBT_ARP_SRC_IP)}${ipv4ToString(a.saddr)}${maskStr(a.smsk)} `;
    if (a.bitmask & EBT_ARP_DST_IP) s += `--arp-ip-dst ${inv(EBT_ARP_DST_IP)}${ipv4ToString(a.daddr)}${maskStr(a.dmsk)} `;
    if (a.bitmask & EBT_ARP_SRC_MAC) s += `--arp-mac-src ${inv(EBT_ARP_SRC_MAC)}${xtPrintMacAndMask(a.smaddr, a.smmsk)} `;
    if (a.bitmask & EBT_ARP_DST_MAC) s += `--arp-mac-dst ${inv(EBT_ARP_DST_MAC)}${xtPrintMacAndMask(a.dmaddr, a.dmmsk)} `;
    if (a.bitmask & EBT_ARP_GRAT) s += `${inv(EBT_ARP_GRAT)}--arp-gratuitous `;
    return s;
  },
};

// --------------------------------------------------------------------------------- among

/** the pairs sorted as nft_among_insert_pair() keeps them (memcmp of MAC, padding, address) */
export function amongSorted(pairs: [number[], number][]): [number[], number][] {
  const key = (p: [number[], number]) => [...p[0], 0, 0, p[1] >>> 24, (p[1] >>> 16) & 255, (p[1] >>> 8) & 255, p[1] & 255];
  return [...pairs].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return 0;
  });
}

/** inet_pton(AF_INET) */
function inetPton4(s: string): number | undefined {
  const p = s.split(".");
  if (p.length !== 4 || !p.every((x) => /^\d{1,3}$/.test(x) && Number(x) <= 255 && !(x.length > 1 && x[0] === "0"))) return undefined;
  return p.reduce((a, x) => ((a << 8) | Number(x)) >>> 0, 0);
}

export const amongExt: Extension<EbtAmongInfo> = {
  name: "among",
  kind: "match",
  opts: [
    { name: "among-dst", hasArg: 1, code: "1" }, { name: "among-src", hasArg: 1, code: "2" },
    { name: "among-dst-file", hasArg: 1, code: "3" }, { name: "among-src-file", hasArg: 1, code: "4" },
  ],
  init: () => ({ src: { pairs: [], inv: false, ip: false }, dst: { pairs: [], inv: false, ip: false } }),
  parse(code, val, inv, _st, data, files) {
    if (code === "3" || code === "4") {
      // the list from a file of one line
      const t = files?.get(val);
      if (t === undefined) xtError(PARAMETER_PROBLEM, `Couldn't open file '${val}'`);
      if (t.length === 0) xtError(PARAMETER_PROBLEM, "Couldn't map file to memory");
      if (t[t.length - 1] !== "\n") xtError(PARAMETER_PROBLEM, "File should end with a newline");
      if (t.indexOf("\n") !== t.length - 1) xtError(PARAMETER_PROBLEM, "File should only contain one line");
      val = t.slice(0, -1);
    } else if (code !== "1" && code !== "2") return false;
    // count_nft_among_pairs(): one more than the commas after the first character
    let cnt = 0;
    if (val.length) {
      cnt = 1;
      for (let i = 1; i < val.length; i++) if (val[i] === ",") cnt++;
    }
    if (cnt === 0) return false;
    const haveIp = val.includes("=");
    const pairs: [number[], number][] = [];
    // strtok(buf, ","): the empty fields are skipped; the pairs they leave stay zero
    for (const tok of val.split(",").filter((t) => t.length)) {
      const eq = tok.indexOf("=");
      let ip = 0;
      let mac = tok;
      if (eq >= 0) {
        mac = tok.slice(0, eq);
        const a = inetPton4(tok.slice(eq + 1));
        if (a === undefined) xtError(PARAMETER_PROBLEM, `Invalid IP address '${tok.slice(eq + 1)}'`);
        ip = a;
      }
      const m = etherAton(mac);
      if (!m) xtError(PARAMETER_PROBLEM, `Invalid MAC address '${mac}'`);
      pairs.push([m, ip]);
    }
    const sorted = amongSorted(pairs);
    while (sorted.length < cnt) sorted.push([[0, 0, 0, 0, 0, 0], 0]);
    const side: EbtAmongSide = { pairs: sorted, inv, ip: haveIp };
    if (code === "1" || code === "3") data.dst = side;
    else data.src = side;
    return true;
  },
  print(data) {
    // as read back from the sets: in their order, a MAC as ether_ntoa() writes it
    const side = (sd: EbtAmongSide) => {
      const items = amongSorted(sd.pairs).map(([m, ip]) => m.map((b) => b.toString(16)).join(":") + (ip ? `=${ipv4ToString(ip)}` : ""));
      return `${sd.inv ? "! " : ""}${items.join(",")} `;
    };
    let s = "";
    if (data.src.pairs.length) s += `--among-src ${side(data.src)}`;
    if (data.dst.pairs.length) s += `--among-dst ${side(data.dst)}`;
    return s;
  },
};

// ---------------------------------------------------------------------------------- vlan

export const vlanExt: Extension<EbtVlanInfo> = {
  name: "vlan",
  kind: "match",
  opts: [
    { name: "vlan-id", hasArg: 1, code: "1" }, { name: "vlan-prio", hasArg: 1, code: "2" },
    { name: "vlan-encap", hasArg: 1, code: "3" },
  ],
  init: () => ({ id: 0, prio: 0, encap: 0, bitmask: 0, invflags: 0 }),
  parse(code, val, inv, st, v) {
    // strtoul() into the struct's fields: id a u16, prio a u8, encap a u16
    switch (code) {
      case "1": {
        checkOption(st, EBT_VLAN_ID);
        if (inv) v.invflags |= EBT_VLAN_ID;
        const [n, end] = strtoul(val, 10);
        const id = Number(n & 0xffffn);
        if (id > 4094 || end !== val.length) xtError(PARAMETER_PROBLEM, `Invalid --vlan-id range ('${val}')`);
        v.id = id;
        v.bitmask |= EBT_VLAN_ID;
        return true;
      }
      case "2": {
        checkOption(st, EBT_VLAN_PRIO);
        if (inv) v.invflags |= EBT_VLAN_PRIO;
        const [n, end] = strtoul(val, 10);
        const prio = Number(n & 0xffn);
        if (prio >= 8 || end !== val.length) xtError(PARAMETER_PROBLEM, `Invalid --vlan-prio range ('${val}')`);
        v.prio = prio;
        v.bitmask |= EBT_VLAN_PRIO;
        return true;
      }
      case "3": {
        checkOption(st, EBT_VLAN_ENCAP);
        if (inv) v.invflags |= EBT_VLAN_ENCAP;
        const [n, end] = strtoul(val, 16);
        let encap = Number(n & 0xffffn);
        if (end !== val.length) {
          const e = ethertypeByNameExt(val);
          if (e === undefined) xtError(PARAMETER_PROBLEM, `Unknown --vlan-encap value ('${val}')`);
          encap = e;
        }
        if (encap < 60) xtError(PARAMETER_PROBLEM, `Invalid --vlan-encap range ('${val}')`);
        v.encap = encap;
        v.bitmask |= EBT_VLAN_ENCAP;
        return true;
      }
    }
    return false;
  },
  print(v) {
    let s = "";
    if (v.bitmask & EBT_VLAN_ID) s += `--vlan-id ${v.invflags & EBT_VLAN_ID ? "! " : ""}${v.id} `;
    if (v.bitmask & EBT_VLAN_PRIO) s += `--vlan-prio ${v.invflags & EBT_VLAN_PRIO ? "! " : ""}${v.prio} `;
    if (v.bitmask & EBT_VLAN_ENCAP) s += `--vlan-encap ${v.invflags & EBT_VLAN_ENCAP ? "! " : ""}${v.encap.toString(16).toUpperCase().padStart(4, "0")} `;
    return s;
  },
};

// ------------------------------------------------------------------------------- pkttype

const CLASSES = ["host", "broadcast", "multicast", "otherhost", "outgoing", "loopback", "fastroute"];

export const pkttypeExt: Extension<EbtPkttypeInfo> = {
  name: "pkttype",
  kind: "match",
  opts: [{ name: "pkttype-type", hasArg: 1, code: "1" }],
  init: () => ({ pktType: 0, invert: 0 }),
  parse(code, val, inv, _st, info) {
    if (code !== "1") return false;
    if (inv) info.invert = 1;
    let [i, ok] = strtolFull(val, 16);
    if (!ok) {
      const k = CLASSES.findIndex((c) => c.toLowerCase() === val.toLowerCase());
      if (k < 0) xtError(PARAMETER_PROBLEM, `Could not parse class '${val}'`);
      i = BigInt(k);
    }
    if (i < 0n || i > 255n) xtError(PARAMETER_PROBLEM, "Problem with specified pkttype class");
    info.pktType = Number(i);
    return true;
  },
  print(info) {
    const n = info.pktType < CLASSES.length ? CLASSES[info.pktType] : `${info.pktType}`;
    return `--pkttype-type ${info.invert ? "! " : ""}${n} `;
  },
};

// ------------------------------------------------------------------------------ mark (target)

export const STANDARD_TARGETS = ["ACCEPT", "DROP", "CONTINUE", "RETURN"];

/** ebt_fill_target(): the verdict (-1 ACCEPT … -4 RETURN) of a standard target's name */
export function ebtFillTarget(s: string): number | undefined {
  const i = STANDARD_TARGETS.indexOf(s);
  return i < 0 ? undefined : -i - 1;
}

/** ebt_target_name() */
export function ebtTargetName(verdict: number): string | undefined {
  return STANDARD_TARGETS[-verdict - 1];
}

const OPT_MARK_TARGET = 0x01;
const OPT_MARK_SETMARK = 0x02;
const OPT_MARK_ORMARK = 0x04;
const OPT_MARK_ANDMARK = 0x08;
const OPT_MARK_XORMARK = 0x10;

function checkOption(st: { flags: number }, mask: number): void {
  if (st.flags & mask) xtError(PARAMETER_PROBLEM, "Multiple use of same option not allowed");
  st.flags |= mask;
}

export const markTExt: Extension<EbtMarkTInfo> = {
  name: "mark",
  kind: "target",
  opts: [
    { name: "mark-target", hasArg: 1, code: "1" }, { name: "set-mark", hasArg: 1, code: "2" },
    { name: "mark-set", hasArg: 1, code: "2" }, { name: "mark-or", hasArg: 1, code: "3" },
    { name: "mark-and", hasArg: 1, code: "4" }, { name: "mark-xor", hasArg: 1, code: "5" },
  ],
  init: () => ({ target: EBT_ACCEPT | 0, mark: 0n }),
  parse(code, val, _inv, st, info) {
    const ops: Record<string, [number, number, string, number]> = {
      "2": [OPT_MARK_SETMARK, OPT_MARK_ORMARK | OPT_MARK_ANDMARK | OPT_MARK_XORMARK, "--mark-set", MARK_SET_VALUE],
      "3": [OPT_MARK_ORMARK, OPT_MARK_SETMARK | OPT_MARK_ANDMARK | OPT_MARK_XORMARK, "--mark-or", MARK_OR_VALUE],
      "4": [OPT_MARK_ANDMARK, OPT_MARK_SETMARK | OPT_MARK_ORMARK | OPT_MARK_XORMARK, "--mark-and", MARK_AND_VALUE],
      "5": [OPT_MARK_XORMARK, OPT_MARK_SETMARK | OPT_MARK_ANDMARK | OPT_MARK_ORMARK, "--mark-xor", MARK_XOR_VALUE],
    };
    if (code === "1") {
      checkOption(st, OPT_MARK_TARGET);
      const tmp = ebtFillTarget(val);
      if (tmp === undefined) xtError(PARAMETER_PROBLEM, "Illegal --mark-target target");
      info.target = (info.target & ~EBT_VERDICT_BITS) | (tmp & EBT_VERDICT_BITS);
      return true;
    }
    const op = ops[code];
    if (!op) return false;
    checkOption(st, op[0]);
    if (st.flags & op[1]) xtError(PARAMETER_PROBLEM, `${op[2]} cannot be used together with specific --mark option`);
    info.target = (info.target & EBT_VERDICT_BITS) | op[3];
    const [v, end] = strtoul(val, 0);
    if (end !== val.length || end === 0) xtError(PARAMETER_PROBLEM, `Bad MARK value '${val}'`);
    info.mark = v;
    return true;
  },
  finalCheck(flags) {
    if (!flags) xtError(PARAMETER_PROBLEM, "You must specify some option");
  },
  print(info) {
    const tmp = info.target & ~EBT_VERDICT_BITS;
    let s: string;
    if (tmp === MARK_SET_VALUE) s = "--mark-set";
    else if (tmp === MARK_OR_VALUE) s = "--mark-or";
    else if (tmp === MARK_XOR_VALUE) s = "--mark-xor";
    else if (tmp === MARK_AND_VALUE) s = "--mark-and";
    else xtError(PARAMETER_PROBLEM, "Unknown mark action");
    return `${s} ${hex(info.mark)} --mark-target ${ebtTargetName(info.target | ~EBT_VERDICT_BITS)}`;
  },
};

// ------------------------------------------------------------------- snat, dnat, redirect

/**
 * glibc ether_aton(): six groups of one or two hex digits, ':' between them; after a last
 * group of two digits the rest of the string is not looked at
 */
export function etherAton(s: string): number[] | undefined {
  const out: number[] = [];
  const isHex = (ch: string | undefined) => ch !== undefined && /^[0-9a-f]$/.test(ch);
  let i = 0;
  for (let cnt = 0; cnt < 6; cnt++) {
    let ch = s[i++]?.toLowerCase();
    if (!isHex(ch)) return undefined;
    let n = parseInt(ch!, 16);
    ch = s[i]?.toLowerCase();
    if ((cnt < 5 && ch !== ":") || (cnt === 5 && ch !== undefined && !" \t\n\v\f\r".includes(ch))) {
      i++;
      if (!isHex(ch)) return undefined;
      n = n * 16 + parseInt(ch!, 16);
      if (cnt < 5 && s[i] !== ":") return undefined;
    }
    out.push(n);
    i++;
  }
  return out;
}

function natTarget(val: string, what: string): number {
  const v = ebtFillTarget(val);
  if (v === undefined) xtError(PARAMETER_PROBLEM, `Illegal --${what}-target target`);
  return v;
}

/** ebt_snat.c / ebt_dnat.c: the --to-source / --to-destination MAC (once) */
function natMac(st: Parameters<typeof checkOption>[0], val: string, opt: string): number[] {
  checkOption(st, 0x01);
  const m = etherAton(val);
  if (!m) xtError(PARAMETER_PROBLEM, `Problem with specified --${opt} mac`);
  return m;
}

export const snatExt: Extension<EbtNatInfo> = {
  name: "snat",
  kind: "target",
  opts: [
    { name: "to-source", hasArg: 1, code: "1" }, { name: "to-src", hasArg: 1, code: "1" },
    { name: "snat-target", hasArg: 1, code: "2" }, { name: "snat-arp", hasArg: 0, code: "3" },
  ],
  init: () => ({ mac: [0, 0, 0, 0, 0, 0], target: EBT_ACCEPT }),
  parse(code, val, _inv, st, info) {
    switch (code) {
      case "1":
        info.mac = natMac(st, val, "to-source");
        return true;
      case "2": {
        checkOption(st, 0x02);
        const t = natTarget(val, "snat");
        info.target = (info.target & ~EBT_VERDICT_BITS) | (t & EBT_VERDICT_BITS);
        return true;
      }
      case "3":
        checkOption(st, 0x04);
        info.target ^= NAT_ARP_BIT;
        return true;
    }
    return false;
  },
  finalCheck(flags) {
    if (!flags) xtError(PARAMETER_PROBLEM, "You must specify proper arguments");
  },
  print(info) {
    let s = `--to-src ${macStr(info.mac)}`;
    if (!(info.target & NAT_ARP_BIT)) s += " --snat-arp";
    return `${s} --snat-target ${ebtTargetName(info.target | ~EBT_VERDICT_BITS)}`;
  },
};

export const dnatExt: Extension<EbtNatInfo> = {
  name: "dnat",
  kind: "target",
  opts: [
    { name: "to-destination", hasArg: 1, code: "1" }, { name: "to-dst", hasArg: 1, code: "1" },
    { name: "dnat-target", hasArg: 1, code: "2" },
  ],
  init: () => ({ mac: [0, 0, 0, 0, 0, 0], target: EBT_ACCEPT }),
  parse(code, val, _inv, st, info) {
    switch (code) {
      case "1":
        info.mac = natMac(st, val, "to-destination");
        return true;
      case "2":
        checkOption(st, 0x02);
        info.target = natTarget(val, "dnat");
        return true;
    }
    return false;
  },
  finalCheck(flags) {
    if (!flags) xtError(PARAMETER_PROBLEM, "You must specify proper arguments");
  },
  print(info) {
    return `--to-dst ${macStr(info.mac)} --dnat-target ${ebtTargetName(info.target)}`;
  },
};

export const redirectExt: Extension<EbtRedirectInfo> = {
  name: "redirect",
  kind: "target",
  opts: [{ name: "redirect-target", hasArg: 1, code: "1" }],
  init: () => ({ target: EBT_ACCEPT }),
  parse(code, val, _inv, st, info) {
    if (code !== "1") return false;
    checkOption(st, 0x01);
    info.target = natTarget(val, "redirect");
    return true;
  },
  print(info) {
    return info.target === EBT_ACCEPT ? "" : `--redirect-target ${ebtTargetName(info.target)}`;
  },
};

// ------------------------------------------------------------------------------ log (watcher)

const LOG_LEVELS = ["emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"];

function logChkInv(inv: boolean, bit: number, suffix: string): number {
  if (inv) xtError(PARAMETER_PROBLEM, `Unexpected \`!' after --log${suffix}`);
  return bit;
}

export const logExt: Extension<EbtLogInfo> = {
  name: "log",
  kind: "target",
  watcher: true,
  opts: [
    { name: "log-prefix", hasArg: 1, code: "1" }, { name: "log-level", hasArg: 1, code: "2" },
    { name: "log-arp", hasArg: 0, code: "3" }, { name: "log-ip", hasArg: 0, code: "4" },
    { name: "log", hasArg: 0, code: "5" }, { name: "log-ip6", hasArg: 0, code: "6" },
  ],
  init: () => ({ loglevel: 5, bitmask: 0, prefix: "" }),
  parse(code, val, inv, st, info) {
    switch (code) {
      case "1":
        if (inv) xtError(PARAMETER_PROBLEM, "Unexpected `!` after --log-prefix");
        if (val.length > EBT_LOG_PREFIX_SIZE - 1) xtError(PARAMETER_PROBLEM, "Prefix too long");
        if (val.includes('"')) xtError(PARAMETER_PROBLEM, 'Use of \\" is not allowed in the prefix');
        info.prefix = val;
        break;
      case "2": {
        const [i, ok] = strtolFull(val, 16);
        info.loglevel = !ok || i < 0n || i > 7n ? LOG_LEVELS.indexOf(val) : Number(i);
        if (info.loglevel < 0) xtError(PARAMETER_PROBLEM, "Problem with the log-level");
        break;
      }
      case "3":
        info.bitmask |= logChkInv(inv, EBT_LOG_ARP, "-arp");
        break;
      case "4":
        info.bitmask |= logChkInv(inv, EBT_LOG_IP, "-ip");
        break;
      case "5":
        info.bitmask |= logChkInv(inv, 0, "");
        break;
      case "6":
        info.bitmask |= logChkInv(inv, EBT_LOG_IP6, "-ip6");
        break;
      default:
        return false;
    }
    st.flags |= info.bitmask;
    return true;
  },
  print(info) {
    let s = `--log-level ${LOG_LEVELS[info.loglevel]}`;
    if (info.prefix) s += ` --log-prefix "${info.prefix}"`;
    if (info.bitmask & EBT_LOG_IP) s += " --log-ip";
    if (info.bitmask & EBT_LOG_ARP) s += " --log-arp";
    if (info.bitmask & EBT_LOG_IP6) s += " --log-ip6";
    return `${s} `;
  },
};

/** in ebt_load_match_extensions() order; the targets after the matches */
export const EXTENSIONS: Extension<any>[] = [arpExt, ipExt, ip6Ext, markMExt, limitExt, pkttypeExt, vlanExt, amongExt, logExt, markTExt, dnatExt, snatExt, redirectExt];

export function extByName(name: string): Extension<any> | undefined {
  return EXTENSIONS.find((e) => e.name === name);
}
