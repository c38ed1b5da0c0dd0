/**
 * lib/utils.c of iproute2: argument helpers (matches, get_unsigned, get_prefix …), the error
 * exits (invarg, duparg, incomplete_command …) and address formatting.
 */
import type { IpCtx } from "./context.ts";
import { PRINT_FP } from "./json_print.ts";
import { AF_BRIDGE, AF_INET, AF_INET6, AF_PACKET, AF_UNSPEC } from "../../kernel/uapi/rtnetlink.ts";
import { IFNAMSIZ } from "../../kernel/uapi/if.ts";
import { strtod } from "./xstrtol.ts";
import { utf8Length } from "../../wire/bytes.ts";

export const AF_MPLS = 28;

export const PREFIXLEN_SPECIFIED = 1 << 0;
export const ADDRTYPE_INET = 1 << 1;
export const ADDRTYPE_UNSPEC = 1 << 2;
export const ADDRTYPE_MULTI = 1 << 3;
export const ADDRTYPE_INET_UNSPEC = ADDRTYPE_INET | ADDRTYPE_UNSPEC;
export const ADDRTYPE_INET_MULTI = ADDRTYPE_INET | ADDRTYPE_MULTI;

/** include/utils.h: inet_prefix */
export interface InetPrefix {
  flags: number;
  bytelen: number;
  bitlen: number;
  family: number;
  data: Uint8Array; // 16 bytes
}

export function newPrefix(family = AF_UNSPEC): InetPrefix {
  return { flags: 0, bytelen: 0, bitlen: 0, family, data: new Uint8Array(16) };
}

/** the address bytes of a parsed prefix (bytelen of them) */
export function prefixBytes(p: InetPrefix): Uint8Array {
  return p.data.slice(0, p.bytelen);
}

// ------------------------------------------------------------------------------ matching

/** lib/utils.c: matches() — true when `prefix` is NOT a prefix of `string` (C's !=0) */
export function matches(prefix: string, string: string): boolean {
  if (prefix === "") return true;
  return !(string.startsWith(prefix));
}

// ------------------------------------------------------------------------------ numbers

/** C strtoul/strtol digit parse with base 0/8/10/16 semantics; undefined when garbage */
export function strtoNum(arg: string, base: number): { v: bigint; rest: string } | undefined {
  let s = arg.replace(/^[\s]+/, "");
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  let b = base;
  if ((b === 0 || b === 16) && /^0[xX][0-9a-fA-F]/.test(s)) {
    s = s.slice(2);
    b = 16;
  } else if (b === 0) b = s.startsWith("0") ? 8 : 10;
  const digits = b === 16 ? /^[0-9a-fA-F]+/ : b === 8 ? /^[0-7]+/ : /^[0-9]+/;
  const m = digits.exec(s);
  if (!m) return undefined;
  let v = 0n;
  for (const c of m[0]) v = v * BigInt(b) + BigInt(parseInt(c, 16));
  return { v: neg ? -v : v, rest: s.slice(m[0].length) };
}

/** C strtoul(): strtoNum() with a leading '-' negating in unsigned arithmetic; undefined for
 * garbage or a value past ULONG_MAX (ERANGE) */
function strtoul(arg: string, base: number): { v: bigint; rest: string } | undefined {
  const r = strtoNum(arg, base);
  if (!r) return undefined;
  const v = r.v < 0n ? (1n << 64n) + r.v : r.v;
  return v > 0xffffffffffffffffn ? undefined : { v, rest: r.rest };
}

function getUnsignedN(arg: string | undefined, base: number, max: bigint): number | undefined {
  if (!arg) return undefined;
  const r = strtoul(arg, base);
  if (!r || r.rest !== "" || r.v > max) return undefined;
  return Number(r.v);
}

/**
 * lib/utils.c: get_time_rtt(): a number (strtod when it has a '.', else strtoul base 0) with
 * an optional unit, s/sec/secs (to ms) or ms/msec/msecs; no unit is `raw`. The value is rounded
 * up to an unsigned int. undefined: not a time.
 */
export function getTimeRtt(arg: string): { val: number; raw: boolean } | undefined {
  let t: number;
  let rest: string;
  if (arg.includes(".")) {
    [t, rest] = strtod(arg);
    if (t < 0 || rest === arg) return undefined;
  } else {
    const r = arg ? strtoul(arg, 0) : undefined;
    if (!r) return undefined;
    t = Number(r.v);
    rest = r.rest;
  }
  let raw = true;
  if (rest !== "") {
    raw = false;
    const u = rest.toLowerCase();
    if (u === "s" || u === "sec" || u === "secs") t *= 1000;
    else if (u !== "ms" && u !== "msec" && u !== "msecs") return undefined;
  }
  // *val = t (a double to unsigned int), then one more when that cut a fraction off
  let val = Number(BigInt.asUintN(32, BigInt(Math.trunc(Math.min(t, 2 ** 64 - 1)))));
  if (val < t) val += 1;
  return { val: val >>> 0, raw };
}

/** lib/utils.c: get_unsigned() */
export function getUnsigned(arg: string | undefined, base = 0): number | undefined {
  return getUnsignedN(arg, base, 0xffffffffn);
}
/** lib/utils.c: get_u32() */
export const getU32 = getUnsigned;
/** lib/utils.c: get_u16() */
export function getU16(arg: string | undefined, base = 0): number | undefined {
  return getUnsignedN(arg, base, 0xffffn);
}
/** lib/utils.c: get_u8() */
export function getU8(arg: string | undefined, base = 0): number | undefined {
  return getUnsignedN(arg, base, 0xffn);
}
/** lib/utils.c: get_u64() */
export function getU64(arg: string | undefined, base = 0): number | undefined {
  return getUnsignedN(arg, base, 0xffffffffffffffffn);
}

/** lib/utils.c: get_integer() */
export function getInteger(arg: string | undefined, base = 0): number | undefined {
  if (!arg) return undefined;
  const r = strtoNum(arg, base);
  if (!r || r.rest !== "") return undefined;
  if (r.v < -2147483648n || r.v > 2147483647n) return undefined;
  return Number(r.v);
}
/** lib/utils.c: get_s32() */
export const getS32 = getInteger;

/** C atoi(): (int)strtol(s, NULL, 10) — the leading decimal number (0 without one), held at
 * LONG_MIN/LONG_MAX past them (ERANGE), then cut to 32 bits */
export function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  if (!m) return 0;
  let v = BigInt(m[1]!);
  if (v > 0x7fffffffffffffffn) v = 0x7fffffffffffffffn;
  else if (v < -0x8000000000000000n) v = -0x8000000000000000n;
  return Number(BigInt.asIntN(32, v));
}

// ------------------------------------------------------------------------------ addresses

/** inet_pton(AF_INET6) */
export function inetPton6(s: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  let str = s;
  let tail: number[] = [];
  // embedded IPv4 at the end
  const v4m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(str);
  if (v4m) {
    const v4 = inetPton4Strict(v4m[2]!);
    if (!v4) return undefined;
    str = v4m[1]!.endsWith("::") ? v4m[1]! : v4m[1]!.slice(0, -1);
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
  }
  const parts = str.split("::");
  if (parts.length > 2) return undefined;
  const parseGroups = (g: string): number[] | undefined => {
    if (g === "") return [];
    const r: number[] = [];
    for (const x of g.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(x)) return undefined;
      r.push(parseInt(x, 16));
    }
    return r;
  };
  const head = parseGroups(parts[0]!);
  if (!head) return undefined;
  let words: number[];
  if (parts.length === 2) {
    const t = parseGroups(parts[1]!);
    if (!t) return undefined;
    const total = head.length + t.length + tail.length;
    if (total > 7) return undefined;
    words = [...head, ...new Array<number>(8 - total).fill(0), ...t, ...tail];
  } else {
    words = [...head, ...tail];
    if (words.length !== 8) return undefined;
  }
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i]! >> 8;
    out[2 * i + 1] = words[i]! & 0xff;
  }
  return out;
}

/** inet_pton(AF_INET): exactly four decimal octets */
export function inetPton4Strict(s: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  if (b.some((x) => x > 255)) return undefined;
  return Uint8Array.from(b);
}

/** inet_ntop(AF_INET6) as glibc formats it */
export function inetNtop6(a: Uint8Array): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((a[2 * i]! << 8) | a[2 * i + 1]!);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] === 0) {
      let j = i;
      while (j < 8 && w[j] === 0) j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    } else i++;
  }
  if (bestLen < 2) best = -1;
  let s = "";
  for (let i = 0; i < 8; i++) {
    if (best >= 0 && i >= best && i < best + bestLen) {
      if (i === best) s += ":";
      continue;
    }
    if (i !== 0) s += ":";
    if (i === 6 && best === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      s += `${a[12]}.${a[13]}.${a[14]}.${a[15]}`;
      break;
    }
    s += w[i]!.toString(16);
  }
  if (best >= 0 && best + bestLen === 8) s += ":";
  return s;
}

export function inetNtop4(a: Uint8Array): string {
  return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
}

/** lib/utils.c: get_addr_ipv4() — inet_aton-like with strtoul(…, 0) per part */
function getAddrIpv4(ap: Uint8Array, cp: string): boolean {
  let s = cp;
  for (let i = 0; i < 4; i++) {
    const r = strtoNum(s, 0);
    if (!r || /^[\s+-]/.test(s)) {
      if (!r) return false;
    }
    let n = r.v;
    if (n < 0n) n = (1n << 64n) + n;
    if (n > 255n) return false;
    ap[i] = Number(n);
    if (r.rest === "") return true;
    if (i === 3 || r.rest[0] !== ".") return false;
    s = r.rest.slice(1);
  }
  return true;
}

/** lib/utils.c: af_bit_len() */
export function afBitLen(af: number): number {
  switch (af) {
    case AF_INET6:
      return 128;
    case AF_INET:
      return 32;
    case AF_MPLS:
      return 20;
  }
  return 0;
}

/** lib/utils.c: af_byte_len() */
export function afByteLen(af: number): number {
  return afBitLen(af) / 8;
}

/** lib/utils.c: set_address_type() */
function setAddressType(addr: InetPrefix): void {
  if (addr.family === AF_INET) {
    const d = addr.data;
    if (!d[0] && !d[1] && !d[2] && !d[3]) addr.flags |= ADDRTYPE_INET_UNSPEC;
    else if ((d[0]! & 0xf0) === 0xe0) addr.flags |= ADDRTYPE_INET_MULTI;
    else addr.flags |= ADDRTYPE_INET;
  } else if (addr.family === AF_INET6) {
    if (addr.data.every((b) => b === 0)) addr.flags |= ADDRTYPE_INET_UNSPEC;
    else if (addr.data[0] === 0xff) addr.flags |= ADDRTYPE_INET_MULTI;
    else addr.flags |= ADDRTYPE_INET;
  }
}

/** lib/utils.c: __get_addr_1() + set_address_type(): 0 on success */
export function getAddr1(ctx: IpCtx | undefined, addr: InetPrefix, name: string, family: number): number {
  addr.flags = 0;
  addr.bytelen = 0;
  addr.bitlen = 0;
  addr.family = AF_UNSPEC;
  addr.data.fill(0);
  if (name === "default") {
    if (family === AF_MPLS) return -1;
    addr.family = family;
    addr.bytelen = afByteLen(family);
    addr.bitlen = -2;
    addr.flags |= PREFIXLEN_SPECIFIED;
    setAddressType(addr);
    return 0;
  }
  if (name === "all" || name === "any") {
    if (family === AF_MPLS) return -1;
    addr.family = family;
    addr.bytelen = 0;
    addr.bitlen = -2;
    setAddressType(addr);
    return 0;
  }
  if (family === AF_PACKET) {
    const ll = llAddrA2n(ctx, name, 16);
    if (!ll) return -1;
    addr.family = AF_PACKET;
    addr.data.set(ll);
    addr.bytelen = ll.length;
    addr.bitlen = ll.length * 8;
    return 0;
  }
  if (name.includes(":")) {
    addr.family = AF_INET6;
    if (family !== AF_UNSPEC && family !== AF_INET6) return -1;
    const a = inetPton6(name);
    if (!a) return -1;
    addr.data.set(a);
    addr.bytelen = 16;
    addr.bitlen = -1;
    setAddressType(addr);
    return 0;
  }
  if (family === AF_MPLS) return -1;
  addr.family = AF_INET;
  if (family !== AF_UNSPEC && family !== AF_INET) return -1;
  if (!getAddrIpv4(addr.data, name)) return -1;
  addr.bytelen = 4;
  addr.bitlen = -1;
  setAddressType(addr);
  return 0;
}

/** lib/utils.c: mask2bits() */
function mask2bits(m: Uint8Array): number {
  const mask = ((m[0]! << 24) | (m[1]! << 16) | (m[2]! << 8) | m[3]!) >>> 0;
  const host = ~mask >>> 0;
  if (((host & ((host + 1) >>> 0)) >>> 0) !== 0) return -1;
  let bits = 0;
  for (let x = mask; x; x = (x << 1) >>> 0) ++bits;
  return bits;
}

/** lib/utils.c: get_netmask() */
function getNetmask(arg: string): number | undefined {
  const v = getUnsigned(arg, 0);
  if (v !== undefined) return v;
  const addr = newPrefix();
  if (!getAddr1(undefined, addr, arg, AF_INET) && addr.family === AF_INET) {
    const b = mask2bits(addr.data);
    if (b >= 0) return b;
  }
  return undefined;
}

/** lib/utils.c: get_prefix_1(): 0 on success */
export function getPrefix1(ctx: IpCtx | undefined, dst: InetPrefix, arg: string, family: number): number {
  const slash = arg.indexOf("/");
  const err = getAddr1(ctx, dst, slash >= 0 ? arg.slice(0, slash) : arg, family);
  if (err) return err;
  let bitlen = afBitLen(dst.family);
  let flags = 0;
  if (slash >= 0) {
    if (dst.bitlen === -2) return -1;
    const plen = getNetmask(arg.slice(slash + 1));
    if (plen === undefined) return -1;
    if (plen > bitlen) return -1;
    flags |= PREFIXLEN_SPECIFIED;
    bitlen = plen;
  } else if (dst.bitlen === -2) bitlen = 0;
  dst.flags |= flags;
  dst.bitlen = bitlen;
  return 0;
}

/** lib/utils.c: family_name_verbose() */
function familyNameVerbose(family: number): string {
  if (family === AF_UNSPEC) return "any valid";
  return familyName(family);
}

/** lib/utils.c: get_addr() — exits 1 with the message */
export function getAddr(ctx: IpCtx, arg: string, family: number): InetPrefix {
  const dst = newPrefix();
  if (getAddr1(ctx, dst, arg, family)) {
    ctx.err('Error: %s address is expected rather than "%s".\n', familyNameVerbose(family), arg);
    ctx.exit(1);
  }
  return dst;
}

/** lib/utils.c: get_prefix() — exits 1 with the message */
export function getPrefix(ctx: IpCtx, arg: string, family: number, dst: InetPrefix = newPrefix()): InetPrefix {
  if (family === AF_PACKET) {
    ctx.err('Error: "%s" may be inet prefix, but it is not allowed in this context.\n', arg);
    ctx.exit(1);
  }
  if (getPrefix1(ctx, dst, arg, family)) {
    ctx.err('Error: %s prefix is expected rather than "%s".\n', familyNameVerbose(family), arg);
    ctx.exit(1);
  }
  return dst;
}

/** lib/utils.c: inet_addr_match(): 0 when the first `bits` bits agree */
export function inetAddrMatch(a: Uint8Array, b: Uint8Array, bits: number): number {
  const bytes = bits >> 3;
  for (let i = 0; i < bytes; i++) if (a[i] !== b[i]) return -1;
  const rem = bits & 7;
  if (rem) {
    const mask = (0xff << (8 - rem)) & 0xff;
    if (((a[bytes] ?? 0) ^ (b[bytes] ?? 0)) & mask) return 1;
  }
  return 0;
}

/** lib/utils.c: inet_addr_match_rta() */
export function inetAddrMatchRta(m: InetPrefix, rta: Uint8Array | undefined): number {
  if (!rta || m.family === AF_UNSPEC || m.bitlen <= 0) return 0;
  const fam = rta.length === 4 ? AF_INET : rta.length === 16 ? AF_INET6 : -1;
  if (fam < 0) return -1;
  if (m.family !== fam) return -1;
  return inetAddrMatch(rta, m.data, m.bitlen);
}

// ------------------------------------------------------------------------------ errors

/** lib/utils.c: incomplete_command() */
export function incompleteCommand(ctx: IpCtx): never {
  ctx.err('Command line is not complete. Try option "help"\n');
  return ctx.exit(-1);
}

/** lib/utils.c: missarg() */
export function missarg(ctx: IpCtx, key: string): never {
  ctx.err('Error: argument "%s" is required\n', key);
  return ctx.exit(-1);
}

/** lib/utils.c: invarg() */
export function invarg(ctx: IpCtx, msg: string, arg: string): never {
  ctx.err('Error: argument "%s" is wrong: %s\n', arg, msg);
  return ctx.exit(-1);
}

/** lib/utils.c: duparg() */
export function duparg(ctx: IpCtx, key: string, arg: string): never {
  ctx.err('Error: duplicate "%s": "%s" is the second value.\n', key, arg);
  return ctx.exit(-1);
}

/** lib/utils.c: duparg2() */
export function duparg2(ctx: IpCtx, key: string, arg: string): never {
  ctx.err('Error: either "%s" is duplicate, or "%s" is a garbage.\n', key, arg);
  return ctx.exit(-1);
}

/** lib/utils.c: nodev() */
export function nodev(ctx: IpCtx, dev: string): number {
  ctx.err('Cannot find device "%s"\n', dev);
  return -1;
}

/** lib/utils.c: check_ifname() */
export function checkIfname(name: string): number {
  if (utf8Length(name) >= IFNAMSIZ) return -1;
  return checkAltifname(name);
}

/** lib/utils.c: check_altifname() */
export function checkAltifname(name: string): number {
  if (name === "") return -1;
  if (/[/\s]/.test(name)) return -1;
  return 0;
}

/** lib/utils.c: parse_one_of() */
export function parseOneOf(ctx: IpCtx, msg: string, realval: string, list: readonly string[]): number | undefined {
  for (let i = 0; i < list.length; i++) if (!matches(realval, list[i]!)) return i;
  let s = `Error: argument of "${msg}" must be one of `;
  for (const l of list) s += `"${l}", `;
  ctx.err("%s", s + `not "${realval}"\n`);
  return undefined;
}

/** lib/utils.c: parse_on_off() */
export function parseOnOff(ctx: IpCtx, msg: string, realval: string): number | undefined {
  return parseOneOf(ctx, msg, realval, ["off", "on"]);
}

// ------------------------------------------------------------------------------ names

/** lib/utils.c: read_family() */
export function readFamily(name: string): number {
  if (name === "inet") return AF_INET;
  if (name === "inet6") return AF_INET6;
  if (name === "link") return AF_PACKET;
  if (name === "mpls") return AF_MPLS;
  if (name === "bridge") return AF_BRIDGE;
  return AF_UNSPEC;
}

/** lib/utils.c: family_name() */
export function familyName(family: number): string {
  if (family === AF_INET) return "inet";
  if (family === AF_INET6) return "inet6";
  if (family === AF_PACKET) return "link";
  if (family === AF_MPLS) return "mpls";
  if (family === AF_BRIDGE) return "bridge";
  return "???";
}

/** lib/utils.c: rt_addr_n2a() */
export function rtAddrN2a(af: number, addr: Uint8Array): string {
  switch (af) {
    case AF_INET:
      return inetNtop4(addr);
    case AF_INET6:
      return inetNtop6(addr);
    case AF_PACKET:
      return llAddrN2a(addr, addr.length, 0xffff);
  }
  return "???";
}

/** lib/utils.c: format_host() (no -r resolution) */
export function formatHost(af: number, addr: Uint8Array): string {
  return rtAddrN2a(af, addr);
}

/** lib/ll_addr.c: ll_addr_n2a() */
export function llAddrN2a(addr: Uint8Array, alen: number, type: number): string {
  // ARPHRD_TUNNEL 768, ARPHRD_SIT 776, ARPHRD_IPGRE 778
  if (alen === 4 && (type === 768 || type === 776 || type === 778)) return inetNtop4(addr);
  // ARPHRD_TUNNEL6 769, ARPHRD_IP6GRE 823
  if (alen === 16 && (type === 769 || type === 823)) return inetNtop6(addr);
  let s = "";
  for (let i = 0; i < alen; i++) s += (i ? ":" : "") + (addr[i] ?? 0).toString(16).padStart(2, "0");
  return s;
}

/** lib/ll_addr.c: ll_addr_a2n() — prints the error itself */
export function llAddrA2n(ctx: IpCtx | undefined, arg: string, len: number): Uint8Array | undefined {
  if (arg.includes(".")) {
    const pfx = newPrefix();
    if (getAddr1(ctx, pfx, arg, AF_INET)) {
      ctx?.err('"%s" is invalid lladdr.\n', arg);
      return undefined;
    }
    if (len < 4) return undefined;
    return pfx.data.slice(0, 4);
  }
  const out: number[] = [];
  let rest = arg;
  for (let i = 0; i < len; i++) {
    const cp = rest.indexOf(":");
    const part = cp >= 0 ? rest.slice(0, cp) : rest;
    // sscanf("%x"): optional spaces/sign/0x then hex digits, stops at the first non-digit
    const m = /^\s*([+-]?)(?:0[xX])?([0-9a-fA-F]+)/.exec(part);
    if (!m) {
      ctx?.err('"%s" is invalid lladdr.\n', part);
      return undefined;
    }
    let temp = parseInt(m[2]!, 16);
    if (m[1] === "-") temp = -temp;
    if (temp < 0 || temp > 255) {
      ctx?.err('"%s" is invalid lladdr.\n', part);
      return undefined;
    }
    out.push(temp);
    if (cp < 0) break;
    rest = rest.slice(cp + 1);
  }
  return Uint8Array.from(out);
}

/** ether_ntoa_r(): hex without leading zeros */
export function etherNtoa(a: Uint8Array): string {
  return Array.from(a.slice(0, 6), (b) => b.toString(16)).join(":");
}

/** lib/utils.c: hexstring_n2a() */
export function hexstringN2a(a: Uint8Array): string {
  return Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number): string => String(n).padStart(2, "0");

/** lib/utils.c: print_timestamp() — gettimeofday() and localtime() (UTC here): asctime()'s
 * "Timestamp: Www Mmm dd hh:mm:ss yyyy N usec" line, or with `short` (ip's -ts) an ISO prefix */
export function printTimestamp(ctx: IpCtx, short = false): void {
  const us = Math.floor(ctx.sys.wallclock() * 1e6);
  const sec = Math.floor(us / 1e6);
  const usec = us % 1e6;
  const d = new Date(sec * 1000);
  if (short) {
    const t = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
    ctx.printString(PRINT_FP, null, "%s", `[${t}.${String(usec).padStart(6, "0")}] `);
  } else {
    const t = `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
    ctx.printString(PRINT_FP, null, "%s", `Timestamp: ${t} ${usec} usec\n`);
  }
}
