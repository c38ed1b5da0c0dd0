/**
 * iptables extensions/libxt_*.c and libipt_*.c: per match/target, its options (parse),
 * its `-L` text (print) and its `-S`/iptables-save text (save), as in iptables 1.8.9.
 */
import { gaiService, getservbyname } from "../lib/etc_files.ts";
import { SERVICES } from "./services.ts";
import { xtablesError, PARAMETER_PROBLEM } from "./xshared.ts";
import * as HELP from "./ext-help.ts";
import { XTOPT_INVERT as INV, XTOPT_MAND as MAND, parseMintRange, strtoumax, xflagsOf, type XtOpt } from "./xtoptions.ts";
import { atoi } from "../lib/utils.ts";

export interface Ext {
  name: string;
  /** the kernel's name when this is an alias (NOTRACK -> CT) */
  realName?: string;
  revision: number;
  kind: "match" | "target";
  /** long options: name -> takes an argument */
  opts: Record<string, boolean>;
  /**
   * its xt_option_entry table, for an extension whose parse() reads the values itself:
   * iptables runs xtables_option_parse()'s checks (once, inversion) before parse() and
   * xtables_options_fcheck() (mandatory, also, excl) after final()
   */
  x6?: XtOpt[];
  init(): Record<string, any>;
  parse(opt: string, arg: string, invert: boolean, d: Record<string, any>, ctx: ParseCtx): void;
  final?(d: Record<string, any>, ctx: ParseCtx): void;
  print(d: Record<string, any>, numeric: boolean, proto: number): string;
  save(d: Record<string, any>): string;
  /** the target name -S prints (alias) */
  saveName?(d: Record<string, any>): string;
  /** what -h prints for it once loaded */
  help?: string;
  /** a libipt_* (4) or libip6t_* (6) extension; undefined: libxt_*, both families */
  family?: 4 | 6;
  /** its userspacesize is 0 (libxt_helper.c sets none): -D/-C compare none of its data
   * (nft-shared.c compare_matches() memcmp()s userspacesize bytes) */
  noCompare?: boolean;
}

export interface ParseCtx {
  proto: number;
  invflags: number;
  seen: Set<string>;
  /** argv[optind++] for options with two arguments (--tcp-flags MASK COMP) */
  nextArg(): string | undefined;
  /** a warning on stderr (the command goes on) */
  warn?(msg: string): void;
}

export function portToService(port: number, proto: string): string | undefined {
  return SERVICES[proto]?.[port];
}

/** getservbyname(): a service name or alias of /etc/services */
const serviceToPort = getservbyname;

/** xtables_strtoui(s, NULL, &v, min, max) with base 0: the whole string a number in range */
function strtoui0(s: string, max: number): number | undefined {
  const m = /^[ \t\n\v\f\r]*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const t = m[1]!;
  const v = /^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : t.length > 1 && t[0] === "0" ? parseInt(t, 8) : Number(t);
  return v <= max ? v : undefined;
}

/** xtables_parse_port(): a number (any base) up to 65535, or a service of `proto` */
function parsePort(s: string, proto: string): number {
  const n = strtoui0(s, 65535);
  if (n !== undefined) return n;
  const p = serviceToPort(s, proto);
  if (p !== undefined) return p;
  xtablesError(PARAMETER_PROBLEM, `invalid port/service \`${s}' specified`);
}

/**
 * xtoptions.c: xtables_getportbyname() — getaddrinfo(NULL, NAME): a service number is
 * strtoul(s, 10) kept in an int (a negative one is looked up as a name), its low 16 bits the
 * port; else a service of any protocol. -1 when nothing resolves.
 */
export function getportbyname(s: string): number {
  return gaiService(s, "tcp") ?? getservbyname(s, "udp") ?? -1;
}

/** xtoptions.c: xtopt_parse_mport() (XTTYPE_PORTRC): "PORT", "PORT:PORT", either side empty */
export function parseMport(s: string, ext: string, opt: string): [number, number] {
  const parts = s.split(":");
  if (parts.length > 2) xtablesError(PARAMETER_PROBLEM, `${ext}: Too many components for option "--${opt}" (max: 2)\n`);
  const r: [number, number] = [0, 0xffff];
  parts.forEach((arg, i) => {
    if (arg === "") return;
    const v = getportbyname(arg);
    if (v < 0) xtablesError(PARAMETER_PROBLEM, `Port "${arg}" does not resolve to anything.\n`);
    r[i] = v;
  });
  if (parts.length === 1) r[1] = r[0];
  return r;
}

/** xtables_parse_port range "a:b" */
function parsePorts(s: string, proto: string): [number, number] {
  const i = s.indexOf(":");
  if (i < 0) {
    const p = parsePort(s, proto);
    return [p, p];
  }
  const a = i === 0 ? 0 : parsePort(s.slice(0, i), proto);
  const b = i === s.length - 1 ? 65535 : parsePort(s.slice(i + 1), proto);
  if (a > b) xtablesError(PARAMETER_PROBLEM, `invalid portrange (min > max)`);
  return [a, b];
}

function printPort(port: number, numeric: boolean, proto: string): string {
  const s = numeric ? undefined : portToService(port, proto);
  return s ?? String(port);
}

function printPorts(name: string, min: number, max: number, invert: boolean, numeric: boolean, proto: string): string {
  const inv = invert ? "!" : "";
  if (min !== 0 || max !== 0xffff || invert) {
    if (min === max) return ` ${name}:${inv}${printPort(min, numeric, proto)}`;
    return ` ${name}s:${inv}${printPort(min, numeric, proto)}:${printPort(max, numeric, proto)}`;
  }
  return "";
}

const TCP_FLAGS: [string, number][] = [["FIN", 0x01], ["SYN", 0x02], ["RST", 0x04], ["PSH", 0x08], ["ACK", 0x10], ["URG", 0x20], ["ALL", 0x3f], ["NONE", 0]];

function printTcpf(flags: number): string {
  const out: string[] = [];
  while (flags) {
    let i = 0;
    while ((flags & TCP_FLAGS[i]![1]) === 0) i++;
    out.push(TCP_FLAGS[i]![0]);
    flags &= ~TCP_FLAGS[i]![1];
  }
  return out.length ? out.join(",") : "NONE";
}

function parseTcpFlags(s: string): number {
  let r = 0;
  for (const f of s.split(",")) {
    const e = TCP_FLAGS.find(([n]) => n === f.toUpperCase());
    if (!e) xtablesError(PARAMETER_PROBLEM, `Unknown TCP flag \`${f}'`);
    r |= e[1];
  }
  return r;
}

export function hex(n: number): string {
  return "0x" + (n >>> 0).toString(16);
}

/** xtables_save_string() */
export function saveString(v: string): string {
  if (/^[_\-0-9a-zA-Z]+$/.test(v)) return " " + v;
  return ' "' + v.replace(/(["\\'])/g, "\\$1") + '"';
}


/** xtables_strtoui() with an end: strtoumax(s, base 0) of a prefix, [value, rest] in 0..UINT32_MAX */
export function strtouiPrefix(s: string): [number, string] | undefined {
  const r = strtoumax(s);
  return r && r[0] <= 0xffffffffn ? [Number(r[0]), r[1]] : undefined;
}

/** xtables_parse_val_mask() for an XTTYPE_MARKMASK32 option: VALUE[/MASK] */
export function parseMarkMask(s: string, ext: string, opt: string): [number, number] {
  const bad = (): never => xtablesError(PARAMETER_PROBLEM, `${ext}: bad integer value for option "--${opt}", or out of range.\n`);
  const garbage = (): never => xtablesError(PARAMETER_PROBLEM, `${ext}: trailing garbage after value for option "--${opt}".\n`);
  const v = strtouiPrefix(s) ?? bad();
  if (v[1] === "") return [v[0], 0xffffffff];
  if (v[1][0] !== "/") garbage();
  const k = strtouiPrefix(v[1].slice(1)) ?? bad();
  if (k[1] !== "") garbage();
  return [v[0], k[0]];
}

/** xtopt_parse_int() for an XTTYPE_UINT32 option */
function parseU32Opt(s: string, ext: string, opt: string): number {
  return parseUintOpt(s, 0xffffffff, ext, opt);
}

/** xtopt_parse_mint() for XTTYPE_UINT16RC/UINT32RC: up to two ':'-separated values 0..max */
export function parseUintRange(s: string, max: number, ext: string, opt: string): number[] {
  return parseMintRange(s, BigInt(max), ext, opt).map(Number);
}

/** xtopt_parse_int() for an XTTYPE_UINT8/16/32 option: 0..max */
export function parseUintOpt(s: string, max: number, ext: string, opt: string, min = 0): number {
  const v = strtouiPrefix(s);
  if (!v || v[1] !== "" || v[0] > max || v[0] < min)
    xtablesError(PARAMETER_PROBLEM, `${ext}: bad value for option "--${opt}", or out of range (${min}-${max}).\n`);
  return v[0];
}

function ipToStr(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** xtables.c: xtables_strtoui(s, NULL, &v, 0, max): strtoumax base 0 over the whole string,
 * no minus sign */
export function strtouiMax(s: string, max: number): number | undefined {
  const r = strtoumax(s);
  return r && r[1] === "" && r[0] <= BigInt(max) ? Number(r[0]) : undefined;
}

const strtonumByte = (s: string) => strtouiMax(s, 255);

/**
 * xtables.c: __numeric_to_ipaddr(): up to four dotted bytes, each a C number (0x10, 010);
 * an address with fewer is completed with zeros ("10.1" is 10.1.0.0), a mask is not
 */
export function numericToIpaddr(dotted: string, isMask: boolean): number | undefined {
  const parts = dotted.slice(0, 19).split(".");
  const bytes: number[] = [];
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    if (part === undefined) {
      if (isMask) return undefined;
      bytes.push(0);
      continue;
    }
    // the fourth byte is the rest of the string (a fifth dot makes it no number)
    const b = strtonumByte(i === 3 ? parts.slice(3).join(".") : part);
    if (b === undefined) return undefined;
    bytes.push(b);
  }
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

export function parseIp(s: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m) return undefined;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return undefined;
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

// ---- tcp / udp (libxt_tcp.c, libxt_udp.c) ----
/** an xt_option_entry: name, id, flags (XTOPT_*), excl and also (masks of ids) */
function xo(name: string, id: number, flags = 0, excl = 0, also = 0, type: "string" | "none" = "string"): XtOpt {
  return { name, id, type, flags, excl, also };
}
const xn = (name: string, id: number, flags = 0, excl = 0, also = 0): XtOpt => xo(name, id, flags, excl, also, "none");

function tcpudp(name: "tcp" | "udp"): Ext {
  const isTcp = name === "tcp";
  const opts: Record<string, boolean> = { "source-port": true, sport: true, "destination-port": true, dport: true };
  if (isTcp) Object.assign(opts, { syn: false, "tcp-flags": true, "tcp-option": true });
  return {
    name, revision: 0, kind: "match", opts,
    // libxt_tcp.c parses its options itself (its own 'Only one' messages); libxt_udp.c is x6
    ...(isTcp ? {} : { x6: [xo("source-port", 0, INV), xo("sport", 0, INV), xo("destination-port", 1, INV), xo("dport", 1, INV)] }),
    help: isTcp ? HELP.TCP_HELP : HELP.UDP_HELP,
    init: () => (isTcp ? { spts: [0, 0xffff], dpts: [0, 0xffff], option: 0, flg_mask: 0, flg_cmp: 0, invflags: 0 } : { spts: [0, 0xffff], dpts: [0, 0xffff], invflags: 0 }),
    parse(opt, arg, invert, d, ctx) {
      const once = (k: string, what: string) => {
        if (ctx.seen.has(name + k)) xtablesError(PARAMETER_PROBLEM, `Only one \`${what}' allowed`);
        ctx.seen.add(name + k);
      };
      if (opt === "sport" || opt === "source-port") {
        once("s", "--source-port");
        // (udp's are x6 options, XTTYPE_PORTRC; tcp parses its own)
        d["spts"] = isTcp ? parsePorts(arg, name) : parseMport(arg, name, "source-port");
        if (invert) d["invflags"] |= 1;
      } else if (opt === "dport" || opt === "destination-port") {
        once("d", "--destination-port");
        d["dpts"] = isTcp ? parsePorts(arg, name) : parseMport(arg, name, "destination-port");
        if (invert) d["invflags"] |= 2;
      } else if (opt === "syn") {
        if (ctx.seen.has(name + "f")) xtablesError(PARAMETER_PROBLEM, "Only one of `--syn' or `--tcp-flags'  allowed");
        ctx.seen.add(name + "f");
        d["flg_mask"] = 0x17;
        d["flg_cmp"] = 0x02;
        if (invert) d["invflags"] |= 4;
      } else if (opt === "tcp-flags") {
        if (ctx.seen.has(name + "f")) xtablesError(PARAMETER_PROBLEM, "Only one of `--syn' or `--tcp-flags'  allowed");
        ctx.seen.add(name + "f");
        const c = ctx.nextArg();
        if (c === undefined) xtablesError(PARAMETER_PROBLEM, "--tcp-flags requires two args.");
        d["flg_mask"] = parseTcpFlags(arg);
        d["flg_cmp"] = parseTcpFlags(c);
        if (invert) d["invflags"] |= 4;
      } else if (opt === "tcp-option") {
        once("o", "--tcp-option");
        // parse_tcp_option(): xtables_strtoui(option, NULL, &ret, 1, UINT8_MAX)
        const v = strtouiMax(arg, 255);
        if (!v) xtablesError(PARAMETER_PROBLEM, `Bad TCP option "${arg}"`);
        d["option"] = v;
        if (invert) d["invflags"] |= 8;
      }
    },
    print(d, numeric) {
      let s = ` ${name}`;
      s += printPorts("spt", d["spts"][0], d["spts"][1], !!(d["invflags"] & 1), numeric, name);
      s += printPorts("dpt", d["dpts"][0], d["dpts"][1], !!(d["invflags"] & 2), numeric, name);
      if (isTcp) {
        if (d["option"] || d["invflags"] & 8) s += ` option=${d["invflags"] & 8 ? "!" : ""}${d["option"]}`;
        if (d["flg_mask"] || d["invflags"] & 4) {
          s += ` flags:${d["invflags"] & 4 ? "!" : ""}`;
          if (numeric) s += `0x${d["flg_mask"].toString(16).toUpperCase().padStart(2, "0")}/0x${d["flg_cmp"].toString(16).toUpperCase().padStart(2, "0")}`;
          else s += `${printTcpf(d["flg_mask"])}/${printTcpf(d["flg_cmp"])}`;
        }
      }
      return s;
    },
    save(d) {
      let s = "";
      for (const [k, opt, bit] of [["spts", "sport", 1], ["dpts", "dport", 2]] as const) {
        const p = d[k];
        if (p[0] !== 0 || p[1] !== 0xffff) {
          if (d["invflags"] & bit) s += " !";
          s += p[0] !== p[1] ? ` --${opt} ${p[0]}:${p[1]}` : ` --${opt} ${p[0]}`;
        }
      }
      if (isTcp) {
        if (d["option"] || d["invflags"] & 8) s += `${d["invflags"] & 8 ? " !" : ""} --tcp-option ${d["option"]}`;
        if (d["flg_mask"] || d["invflags"] & 4) s += `${d["invflags"] & 4 ? " !" : ""} --tcp-flags ${printTcpf(d["flg_mask"])} ${printTcpf(d["flg_cmp"])}`;
      }
      return s;
    },
  };
}

// ---- icmp (libipt_icmp.c) ----
const ICMP_CODES: [string, number, number, number][] = [
  ["any", 0xff, 0, 0xff], ["echo-reply", 0, 0, 0xff], ["destination-unreachable", 3, 0, 0xff],
  ["network-unreachable", 3, 0, 0], ["host-unreachable", 3, 1, 1], ["protocol-unreachable", 3, 2, 2],
  ["port-unreachable", 3, 3, 3], ["fragmentation-needed", 3, 4, 4], ["source-route-failed", 3, 5, 5],
  ["network-unknown", 3, 6, 6], ["host-unknown", 3, 7, 7], ["network-prohibited", 3, 9, 9],
  ["host-prohibited", 3, 10, 10], ["TOS-network-unreachable", 3, 11, 11], ["TOS-host-unreachable", 3, 12, 12],
  ["communication-prohibited", 3, 13, 13], ["host-precedence-violation", 3, 14, 14], ["precedence-cutoff", 3, 15, 15],
  ["source-quench", 4, 0, 0xff], ["redirect", 5, 0, 0xff], ["network-redirect", 5, 0, 0], ["host-redirect", 5, 1, 1],
  ["TOS-network-redirect", 5, 2, 2], ["TOS-host-redirect", 5, 3, 3], ["echo-request", 8, 0, 0xff],
  ["router-advertisement", 9, 0, 0xff], ["router-solicitation", 10, 0, 0xff], ["time-exceeded", 11, 0, 0xff],
  ["ttl-zero-during-transit", 11, 0, 0], ["ttl-zero-during-reassembly", 11, 1, 1], ["parameter-problem", 12, 0, 0xff],
  ["ip-header-bad", 12, 0, 0], ["required-option-missing", 12, 1, 1], ["timestamp-request", 13, 0, 0xff],
  ["timestamp-reply", 14, 0, 0xff], ["address-mask-request", 17, 0, 0xff], ["address-mask-reply", 18, 0, 0xff],
];
/** libxt_icmp.h: parse_range(): N[:M], each 0..255 (strtoui, base 0), and what follows */
function icmpParseRange(s: string): [number, number, string] | undefined {
  const a = strtouiPrefix(s);
  if (!a || a[0] > 255) return undefined;
  if (a[1][0] !== ":") return [a[0], a[0], a[1]];
  const b = strtouiPrefix(a[1].slice(1));
  if (!b || b[0] > 255) return undefined;
  return [a[0], b[0], b[1]];
}
/** icmp_codes[] as libipt_icmp.c lists it for the help: each alias right after its name */
function icmpHelpTypes(): [string, number, number, number][] {
  const aliases: Record<string, string> = { "echo-reply": "pong", "echo-request": "ping", "time-exceeded": "ttl-exceeded" };
  return ICMP_CODES.flatMap((c) => (aliases[c[0]] ? [c, [aliases[c[0]]!, c[1], c[2], c[3]] as [string, number, number, number]] : [c]));
}

/**
 * libxt_icmp.h: __parse_icmp() for ICMP and ICMPv6 (`label`): a prefix of a name or alias
 * (any case), unambiguous over the whole table; else TYPE[:TYPE][/CODE[:CODE]], where a type
 * range is refused. Sets d.type and d.code.
 */
export function parseIcmpType(arg: string, codes: readonly (readonly [string, number, number, number])[], label: string, d: Record<string, any>): void {
  let match: readonly [string, number, number, number] | undefined;
  for (const c of codes) {
    if (!c[0].startsWith(arg.toLowerCase())) continue;
    if (match) xtablesError(PARAMETER_PROBLEM, `Ambiguous ${label} type \`${arg}': \`${match[0]}' or \`${c[0]}'?`);
    match = c;
  }
  if (match) {
    d["type"] = match[1];
    d["code"] = [match[2], match[3]];
    return;
  }
  const t = icmpParseRange(arg);
  if (!t) xtablesError(PARAMETER_PROBLEM, `Unknown ${label} type \`${arg}'`);
  let code = [0, 255];
  let next = t[2];
  if (next[0] === "/") {
    const c = icmpParseRange(next.slice(1));
    if (!c) xtablesError(PARAMETER_PROBLEM, `Unknown ${label} code \`${arg}'`);
    code = [c[0], c[1]];
    next = c[2];
  }
  if (next !== "") xtablesError(PARAMETER_PROBLEM, `unknown character ${next[0]}`);
  if (t[0] !== t[1]) xtablesError(PARAMETER_PROBLEM, `${label} type range not supported`);
  d["type"] = t[0];
  d["code"] = code;
}

/** libipt_icmp.c print_icmptype() / libip6t_icmp6.c print_icmpv6type() after `name` */
export function printIcmpType(name: string, codes: readonly (readonly [string, number, number, number])[], d: Record<string, any>, numeric: boolean): string {
  const inv = !!(d["invflags"] & 1);
  let s = ` ${name}`;
  if (!numeric) {
    const e = codes.find(([, t, a, b]) => t === d["type"] && a === d["code"][0] && b === d["code"][1]);
    if (e) return `${s} ${inv ? "!" : ""}${e[0]}`;
  }
  if (inv) s += " !";
  s += `type ${d["type"]}`;
  if (d["code"][0] === d["code"][1]) s += ` code ${d["code"][0]}`;
  else if (d["code"][0] !== 0 || d["code"][1] !== 0xff) s += ` codes ${d["code"][0]}-${d["code"][1]}`;
  return s;
}

const icmp: Ext = {
  name: "icmp", revision: 0, kind: "match", opts: { "icmp-type": true }, family: 4,
  x6: [xo("icmp-type", 0, MAND | INV)],
  help: HELP.icmpHelp(icmpHelpTypes()),
  init: () => ({ type: 0xff, code: [0, 0xff], invflags: 0 }),
  parse(_o, arg, invert, d) {
    parseIcmpType(arg, icmpHelpTypes(), "ICMP", d);
    if (invert) d["invflags"] |= 1;
  },
  print: (d, numeric) => printIcmpType("icmp", ICMP_CODES, d, numeric),
  save(d) {
    let s = d["invflags"] & 1 ? " !" : "";
    if (d["type"] === 0xff) return s + " --icmp-type any";
    s += ` --icmp-type ${d["type"]}`;
    if (d["code"][0] !== 0 || d["code"][1] !== 0xff) s += `/${d["code"][0]}`;
    return s;
  },
};

// ---- comment ----
const comment: Ext = {
  name: "comment", revision: 0, kind: "match", opts: { comment: true },
  x6: [xo("comment", 0, MAND)],
  help: HELP.COMMENT_HELP,
  init: () => ({ comment: "" }),
  parse(_o, arg, invert, d, ctx) {
    if (invert) xtablesError(PARAMETER_PROBLEM, "comment: unexpected `!'");
    if (arg.length > 255) xtablesError(PARAMETER_PROBLEM, `comment: argument too long (${arg.length} > 255)`);
    d["comment"] = arg;
    ctx.seen.add("comment");
  },
  final(d, ctx) {
    if (!ctx.seen.has("comment")) xtablesError(PARAMETER_PROBLEM, 'comment: option "--comment" must be specified\n');
    void d;
  },
  print: (d) => ` /* ${d["comment"]} */`,
  save: (d) => ` --comment${saveString(d["comment"])}`,
};

// ---- state / conntrack (libxt_conntrack.c) ----
const STATES: [string, number][] = [["INVALID", 1], ["NEW", 8], ["RELATED", 4], ["ESTABLISHED", 2], ["UNTRACKED", 64], ["SNAT", 128], ["DNAT", 256]];
export function parseStates(s: string, ct: boolean): number {
  let m = 0;
  for (const w of s.split(",")) {
    const e = STATES.find(([n]) => n === w.toUpperCase() && (ct || n !== "SNAT" && n !== "DNAT"));
    if (!e) xtablesError(PARAMETER_PROBLEM, ct ? `Bad ctstate "${w}"` : `Bad state "${w}"`);
    m |= e[1];
  }
  return m;
}
export function printStates(m: number): string {
  const out = STATES.filter(([, b]) => m & b).map(([n]) => n);
  return out.length ? out.join(",") : "NONE";
}
const state: Ext = {
  name: "state", revision: 0, kind: "match", opts: { state: true },
  x6: [xo("state", 0, MAND | INV)],
  help: HELP.STATE_HELP,
  init: () => ({ statemask: 0, invert: 0 }),
  parse(_o, arg, invert, d) {
    d["statemask"] = parseStates(arg, false);
    if (invert) d["invert"] = 1;
  },
  final(d) {
    if (!d["statemask"]) xtablesError(PARAMETER_PROBLEM, 'state: option "--state" must be specified\n');
  },
  print: (d) => `${d["invert"] ? " !" : ""} state ${printStates(d["statemask"])}`,
  save: (d) => `${d["invert"] ? " !" : ""} --state ${printStates(d["statemask"])}`,
};
export function statusNames(m: number): string {
  const out = [["EXPECTED", 1], ["SEEN_REPLY", 2], ["ASSURED", 4], ["CONFIRMED", 8]].filter(([, b]) => m & (b as number)).map(([n]) => n);
  return out.length ? out.join(",") : "NONE";
}

// ---- multiport (libxt_multiport.c, revision 1) ----
const multiport: Ext = {
  name: "multiport", revision: 1, kind: "match",
  // F_ANY: one of the three
  x6: [xo("source-ports", 0, INV, 7), xo("sports", 0, INV, 7), xo("destination-ports", 1, INV, 7), xo("dports", 1, INV, 7), xo("ports", 2, INV, 7)],
  help: HELP.MULTIPORT_HELP_V1,
  opts: { "source-ports": true, sports: true, "destination-ports": true, dports: true, ports: true },
  init: () => ({ flags: 0, count: 0, ports: [], pflags: [], invert: 0 }),
  parse(o, arg, invert, d, ctx) {
    const proto = ctx.proto === 6 ? "tcp" : ctx.proto === 17 ? "udp" : "";
    if (!proto) xtablesError(PARAMETER_PROBLEM, "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
    d["flags"] = o.startsWith("s") ? 0 : o.startsWith("d") ? 1 : 2;
    const ports: number[] = [];
    const pflags: number[] = [];
    for (const part of arg.split(",")) {
      const i = part.indexOf(":");
      if (i >= 0) {
        const a = parsePort(part.slice(0, i), proto);
        const b = parsePort(part.slice(i + 1), proto);
        if (a >= b) xtablesError(PARAMETER_PROBLEM, "invalid portrange specified");
        ports.push(a, b);
        pflags.push(1, 0);
      } else {
        ports.push(parsePort(part, proto));
        pflags.push(0);
      }
    }
    if (ports.length > 15) xtablesError(PARAMETER_PROBLEM, "too many ports specified");
    d["ports"] = ports;
    d["pflags"] = pflags;
    d["count"] = ports.length;
    if (invert) d["invert"] = 1;
  },
  final(d) {
    if (!d["count"]) xtablesError(PARAMETER_PROBLEM, "multiport expection an option");
  },
  print(d, numeric, ipproto) {
    const proto = ipproto === 17 ? "udp" : "tcp";
    let s = " multiport " + ["sports ", "dports ", "ports "][d["flags"]]! + (d["invert"] ? " !" : "");
    s += joinPorts(d, (p) => printPort(p, numeric, proto));
    return s;
  },
  save(d) {
    return `${d["invert"] ? " !" : ""} --${["sports", "dports", "ports"][d["flags"]]} ${joinPorts(d, String)}`;
  },
};
function joinPorts(d: Record<string, any>, f: (p: number) => string): string {
  const out: string[] = [];
  for (let i = 0; i < d["count"]; i++) {
    if (d["pflags"][i]) {
      out.push(`${f(d["ports"][i])}:${f(d["ports"][i + 1])}`);
      i++;
    } else out.push(f(d["ports"][i]));
  }
  return out.join(",");
}

// ---- iprange (libxt_iprange.c, revision 1) ----
const iprange: Ext = {
  name: "iprange", revision: 1, kind: "match", opts: { "src-range": true, "dst-range": true },
  x6: [xo("src-range", 0, INV), xo("dst-range", 1, INV)],
  help: HELP.IPRANGE_HELP,
  init: () => ({ flags: 0, src_min: 0, src_max: 0, dst_min: 0, dst_max: 0 }),
  parse(o, arg, invert, d) {
    const [a, b] = arg.split("-");
    const lo = parseIp(a!);
    const hi = b === undefined ? lo : parseIp(b);
    if (lo === undefined) xtablesError(PARAMETER_PROBLEM, `iprange: Bad value for "--${o}" option: "${a}"`);
    if (hi === undefined) xtablesError(PARAMETER_PROBLEM, `iprange: Bad value for "--${o}" option: "${b}"`);
    if (o === "src-range") {
      d["flags"] |= 1 | (invert ? 0x10 : 0);
      d["src_min"] = lo;
      d["src_max"] = hi;
    } else {
      d["flags"] |= 2 | (invert ? 0x20 : 0);
      d["dst_min"] = lo;
      d["dst_max"] = hi;
    }
  },
  final(d) {
    if (!(d["flags"] & 3)) xtablesError(PARAMETER_PROBLEM, "iprange match: You must specify `--src-range' or `--dst-range'");
  },
  print(d) {
    let s = "";
    if (d["flags"] & 1) s += ` source IP range${d["flags"] & 0x10 ? " !" : ""} ${ipToStr(d["src_min"])}-${ipToStr(d["src_max"])}`;
    if (d["flags"] & 2) s += ` destination IP range${d["flags"] & 0x20 ? " !" : ""} ${ipToStr(d["dst_min"])}-${ipToStr(d["dst_max"])}`;
    return s;
  },
  save(d) {
    let s = "";
    if (d["flags"] & 1) s += `${d["flags"] & 0x10 ? " !" : ""} --src-range ${ipToStr(d["src_min"])}-${ipToStr(d["src_max"])}`;
    if (d["flags"] & 2) s += `${d["flags"] & 0x20 ? " !" : ""} --dst-range ${ipToStr(d["dst_min"])}-${ipToStr(d["dst_max"])}`;
    return s;
  },
};

// ---- addrtype (libxt_addrtype.c, revision 1) ----
const RTN_NAMES = ["UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE"];
function parseTypes(s: string): number {
  let m = 0;
  for (const w of s.split(",")) {
    const i = RTN_NAMES.indexOf(w.toUpperCase());
    if (i < 0) xtablesError(PARAMETER_PROBLEM, `addrtype: bad type "${w}"`);
    m |= 1 << i;
  }
  return m;
}
function printTypes(m: number): string {
  return RTN_NAMES.filter((_, i) => m & (1 << i)).join(",");
}
const addrtype: Ext = {
  name: "addrtype", revision: 1, kind: "match", opts: { "src-type": true, "dst-type": true, "limit-iface-in": false, "limit-iface-out": false },
  x6: [xo("src-type", 0, INV), xo("dst-type", 1, INV), xn("limit-iface-in", 2, 0, 1 << 3), xn("limit-iface-out", 3, 0, 1 << 2)],
  help: HELP.addrtypeHelp(RTN_NAMES),
  init: () => ({ source: 0, dest: 0, flags: 0 }),
  parse(o, arg, invert, d) {
    if (o === "src-type") {
      d["source"] = parseTypes(arg);
      if (invert) d["flags"] |= 1;
    } else if (o === "dst-type") {
      d["dest"] = parseTypes(arg);
      if (invert) d["flags"] |= 2;
    } else if (o === "limit-iface-in") d["flags"] |= 4;
    else d["flags"] |= 8;
  },
  final(d) {
    if (!d["source"] && !d["dest"]) xtablesError(PARAMETER_PROBLEM, "addrtype: you must specify --src-type or --dst-type");
  },
  print(d) {
    let s = " ADDRTYPE match";
    if (d["source"]) s += ` src-type ${d["flags"] & 1 ? "!" : ""}${printTypes(d["source"])}`;
    if (d["dest"]) s += ` dst-type ${d["flags"] & 2 ? "!" : ""}${printTypes(d["dest"])}`;
    if (d["flags"] & 4) s += " limit-in";
    if (d["flags"] & 8) s += " limit-out";
    return s;
  },
  save(d) {
    let s = "";
    if (d["source"]) s += `${d["flags"] & 1 ? " !" : ""} --src-type ${printTypes(d["source"])}`;
    if (d["dest"]) s += `${d["flags"] & 2 ? " !" : ""} --dst-type ${printTypes(d["dest"])}`;
    if (d["flags"] & 4) s += " --limit-iface-in";
    if (d["flags"] & 8) s += " --limit-iface-out";
    return s;
  },
};

// ---- mac ----
const mac: Ext = {
  name: "mac", revision: 0, kind: "match", opts: { "mac-source": true },
  x6: [xo("mac-source", 0, MAND | INV)],
  help: HELP.MAC_HELP,
  init: () => ({ srcaddr: [0, 0, 0, 0, 0, 0], invert: 0 }),
  parse(_o, arg, invert, d) {
    const p = arg.split(":");
    if (p.length !== 6 || p.some((x) => !/^[0-9a-fA-F]{1,2}$/.test(x))) xtablesError(PARAMETER_PROBLEM, "Invalid MAC address specified.");
    d["srcaddr"] = p.map((x) => parseInt(x, 16));
    if (invert) d["invert"] = 1;
    d["__set"] = 1;
  },
  final(d) {
    if (!d["__set"]) xtablesError(PARAMETER_PROBLEM, 'mac: option "--mac-source" must be specified\n');
    delete d["__set"];
  },
  print: (d) => ` MAC${d["invert"] ? " !" : ""} ${macStr(d["srcaddr"])}`,
  save: (d) => `${d["invert"] ? " !" : ""} --mac-source ${macStr(d["srcaddr"])}`,
};
function macStr(a: number[]): string {
  return a.map((x) => x.toString(16).padStart(2, "0")).join(":");
}

// ---- mark (match, revision 1) ----
const markMatch: Ext = {
  name: "mark", revision: 1, kind: "match", opts: { mark: true },
  x6: [xo("mark", 0, MAND | INV)],
  help: HELP.MARK_MT_HELP,
  init: () => ({ mark: 0, mask: 0xffffffff, invert: 0 }),
  parse(_o, arg, invert, d) {
    const [m, k] = parseMarkMask(arg, "mark", "mark");
    d["mark"] = m;
    d["mask"] = k;
    if (invert) d["invert"] = 1;
    d["__set"] = 1;
  },
  final(d) {
    if (!d["__set"]) xtablesError(PARAMETER_PROBLEM, 'mark: option "--mark" must be specified\n');
    delete d["__set"];
  },
  print: (d) => ` mark match${d["invert"] ? " !" : ""} ${hex(d["mark"])}${d["mask"] !== 0xffffffff ? "/" + hex(d["mask"]) : ""}`,
  save: (d) => `${d["invert"] ? " !" : ""} --mark ${hex(d["mark"])}${d["mask"] !== 0xffffffff ? "/" + hex(d["mask"]) : ""}`,
};

// ---- physdev ----
const physdev: Ext = {
  name: "physdev", revision: 0, kind: "match",
  x6: [xo("physdev-in", 0, INV), xo("physdev-out", 1, INV), xn("physdev-is-in", 2, INV), xn("physdev-is-out", 3, INV), xn("physdev-is-bridged", 4, INV)],
  help: HELP.PHYSDEV_HELP,
  opts: { "physdev-in": true, "physdev-out": true, "physdev-is-in": false, "physdev-is-out": false, "physdev-is-bridged": false },
  init: () => ({ physindev: "", physoutdev: "", invert: 0, bitmask: 0 }),
  parse(o, arg, invert, d) {
    const bit = { "physdev-in": 1, "physdev-out": 2, "physdev-is-bridged": 4, "physdev-is-in": 8, "physdev-is-out": 16 }[o]!;
    if (o === "physdev-in") d["physindev"] = arg;
    if (o === "physdev-out") d["physoutdev"] = arg;
    d["bitmask"] |= bit;
    if (invert) d["invert"] |= bit;
  },
  final(d) {
    if (!d["bitmask"]) xtablesError(PARAMETER_PROBLEM, "PHYSDEV: no physdev option specified");
  },
  print(d) {
    return " PHYSDEV match" + physdevOpts(d);
  },
  save: (d) => physdevOpts(d),
};
function physdevOpts(d: Record<string, any>): string {
  let s = "";
  const inv = (b: number) => (d["invert"] & b ? " !" : "");
  if (d["bitmask"] & 8) s += `${inv(8)} --physdev-is-in`;
  if (d["bitmask"] & 1) s += `${inv(1)} --physdev-in ${d["physindev"]}`;
  if (d["bitmask"] & 16) s += `${inv(16)} --physdev-is-out`;
  if (d["bitmask"] & 2) s += `${inv(2)} --physdev-out ${d["physoutdev"]}`;
  if (d["bitmask"] & 4) s += `${inv(4)} --physdev-is-bridged`;
  return s;
}

// ---- length ----
const length: Ext = {
  name: "length", revision: 0, kind: "match", opts: { length: true },
  x6: [xo("length", 0, MAND | INV)],
  help: HELP.LENGTH_HELP,
  init: () => ({ min: 0, max: 0xffff, invert: 0 }),
  parse(_o, arg, invert, d) {
    // XTTYPE_UINT16RC: MIN, MIN:MAX, :MAX or MIN: (xtopt_parse_mint())
    const r = parseUintRange(arg, 0xffff, "length", "length");
    d["min"] = r[0];
    d["max"] = r[1] ?? r[0];
    if (invert) d["invert"] = 1;
    d["__set"] = 1;
  },
  final(d) {
    if (!d["__set"]) xtablesError(PARAMETER_PROBLEM, 'length: option "--length" must be specified\n');
    delete d["__set"];
  },
  print: (d) => ` length ${d["invert"] ? "!" : ""}${d["min"] === d["max"] ? d["min"] : `${d["min"]}:${d["max"]}`}`,
  save: (d) => `${d["invert"] ? " !" : ""} --length ${d["min"] === d["max"] ? d["min"] : `${d["min"]}:${d["max"]}`}`,
};

// ---- ttl (libipt_ttl.c) ----
const ttl: Ext = {
  name: "ttl", revision: 0, kind: "match", family: 4, opts: { "ttl-eq": true, "ttl-lt": true, "ttl-gt": true, ttl: true },
  // F_ANY: one of them, in libipt_ttl.c's table order (--ttl is --ttl-eq's other name)
  x6: [xo("ttl-lt", 1, 0, 7), xo("ttl-gt", 2, 0, 7), xo("ttl-eq", 0, INV, 7), xo("ttl", 0, 0, 7)],
  help: HELP.TTL_MT_HELP,
  init: () => ({ mode: 0, ttl: 0 }),
  parse(o, arg, invert, d) {
    d["ttl"] = parseUintOpt(arg, 255, "ttl", o);
    d["mode"] = o === "ttl-eq" ? (invert ? 1 : 0) : o === "ttl-lt" ? 2 : 3;
    d["__set"] = 1;
  },
  final(d) {
    if (!d["__set"]) xtablesError(PARAMETER_PROBLEM, "TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt");
    delete d["__set"];
  },
  print: (d) => ` TTL match TTL ${["==", "!=", "<", ">"][d["mode"]]} ${d["ttl"]}`,
  save: (d) => [` --ttl-eq ${d["ttl"]}`, ` ! --ttl-eq ${d["ttl"]}`, ` --ttl-lt ${d["ttl"]}`, ` --ttl-gt ${d["ttl"]}`][d["mode"]]!,
};

// ---- limit ----
const XT_LIMIT_SCALE = 10000;
const RATES: [string, number][] = [["day", XT_LIMIT_SCALE * 86400], ["hour", XT_LIMIT_SCALE * 3600], ["min", XT_LIMIT_SCALE * 60], ["sec", XT_LIMIT_SCALE]];
function printRate(period: number): string {
  let i = 1;
  for (; i < RATES.length; i++) {
    const mult = RATES[i]![1];
    if (period > mult || Math.floor(mult / period) < mult % period) break;
  }
  return ` ${Math.floor(RATES[i - 1]![1] / period)}/${RATES[i - 1]![0]}`;
}
/** libxt_limit.c: parse_rate(): atoi() of the number, then a unit any prefix of second,
 * minute, hour or day (in that order, any case); undefined for what it refuses */
function parseRate(rate: string): number | undefined {
  const slash = rate.indexOf("/");
  let mult = 1;
  if (slash >= 0) {
    const u = rate.slice(slash + 1).toLowerCase();
    if (u === "") return undefined;
    const unit = ([["second", 1], ["minute", 60], ["hour", 3600], ["day", 86400]] as const).find(([w]) => u.length <= w.length && w.startsWith(u));
    if (!unit) return undefined;
    mult = unit[1];
  }
  // atoi() into a uint32_t
  const r = atoi(rate) >>> 0;
  if (r === 0) return undefined;
  const val = Math.floor((XT_LIMIT_SCALE * mult) / r);
  if (val === 0) xtablesError(PARAMETER_PROBLEM, `Rate too fast "${rate}"`);
  return val;
}

const limit: Ext = {
  name: "limit", revision: 0, kind: "match", opts: { limit: true, "limit-burst": true },
  x6: [xo("limit", 0), xo("limit-burst", 1)],
  help: HELP.LIMIT_HELP,
  init: () => ({ avg: (XT_LIMIT_SCALE * 3600) / 3, burst: 5 }),
  parse(o, arg, invert, d) {
    if (invert) xtablesError(PARAMETER_PROBLEM, "limit does not support invert");
    if (o === "limit") {
      const avg = parseRate(arg);
      if (avg === undefined) xtablesError(PARAMETER_PROBLEM, `bad rate "${arg}"'`);
      d["avg"] = avg;
    } else d["burst"] = parseUintOpt(arg, 10000, "limit", "limit-burst") || 5;
  },
  print: (d) => ` limit: avg${printRate(d["avg"])} burst ${d["burst"]}`,
  save: (d) => ` --limit${printRate(d["avg"])}${d["burst"] !== 5 ? ` --limit-burst ${d["burst"]}` : ""}`,
};

// ================= targets =================
const REJECT_WITH: [string, string][] = [
  ["icmp-net-unreachable", "net-unreach"], ["icmp-host-unreachable", "host-unreach"],
  ["icmp-proto-unreachable", "proto-unreach"], ["icmp-port-unreachable", "port-unreach"],
  ["echo-reply", "echoreply"], ["icmp-net-prohibited", "net-prohib"], ["icmp-host-prohibited", "host-prohib"],
  ["tcp-reset", "tcp-rst"], ["icmp-admin-prohibited", "admin-prohib"],
];
/** reject_table[] for print_reject_types(): echo-reply is left out of it (#if 0) */
const REJECT_HELP_TYPES: [string, string, string][] = REJECT_WITH.filter((_, i) => i !== 4).map(([n, a], i) => [n, a, [
  "ICMP network unreachable", "ICMP host unreachable", "ICMP protocol unreachable", "ICMP port unreachable (default)",
  "ICMP network prohibited", "ICMP host prohibited", "TCP RST packet", "ICMP administratively prohibited (*)",
][i]!]);
const REJECT: Ext = {
  name: "REJECT", revision: 0, kind: "target", opts: { "reject-with": true }, family: 4,
  x6: [xo("reject-with", 0)],
  help: HELP.rejectHelp(REJECT_HELP_TYPES),
  init: () => ({ with: 3 }),
  parse(_o, arg, _i, d) {
    const i = REJECT_WITH.findIndex(([a, b]) => a === arg || b === arg);
    if (i < 0 || i === 4) xtablesError(PARAMETER_PROBLEM, `unknown reject type "${arg}"`);
    d["with"] = i;
  },
  print: (d) => ` reject-with ${REJECT_WITH[d["with"]]![0]}`,
  save: (d) => ` --reject-with ${REJECT_WITH[d["with"]]![0]}`,
};

/** priority2name(): the first of <syslog.h>'s prioritynames[] with the level's value */
const LOG_LEVELS = ["emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"];
/** xtopt_parse_sysloglevel()'s log_names[] (matched with strcmp) */
const SYSLOG_LEVEL_NAMES = new Map([
  ["alert", 1], ["crit", 2], ["debug", 7], ["emerg", 0], ["error", 3], ["info", 6], ["notice", 5], ["panic", 0], ["warning", 4],
]);
const LOG: Ext = {
  name: "LOG", revision: 0, kind: "target",
  x6: [
    xo("log-level", 6), xo("log-prefix", 7), xn("log-tcp-sequence", 0), xn("log-tcp-options", 1), xn("log-ip-options", 2),
    xn("log-uid", 3), xn("log-macdecode", 5),
  ],
  help: HELP.LOG_HELP,
  opts: { "log-level": true, "log-prefix": true, "log-tcp-sequence": false, "log-tcp-options": false, "log-ip-options": false, "log-uid": false, "log-macdecode": false },
  init: () => ({ level: 4, logflags: 0, prefix: "" }),
  parse(o, arg, _i, d) {
    if (o === "log-level") {
      // XTTYPE_SYSLOGLEVEL: a number 0-7 (strtoui, any base) or one of the names
      const i = strtouiMax(arg, 7) ?? SYSLOG_LEVEL_NAMES.get(arg);
      if (i === undefined) xtablesError(PARAMETER_PROBLEM, `log level "${arg}" unknown\n`);
      d["level"] = i;
    } else if (o === "log-prefix") {
      // xtables copies the prefix into a 30-byte field: longer ones are cut
      d["prefix"] = arg.slice(0, 29);
    } else {
      d["logflags"] |= { "log-tcp-sequence": 1, "log-tcp-options": 2, "log-ip-options": 4, "log-uid": 8, "log-macdecode": 0x20 }[o]!;
    }
  },
  print(d, numeric) {
    let s = " LOG";
    if (numeric) s += ` flags ${d["logflags"]} level ${d["level"]}`;
    else {
      s += ` level ${LOG_LEVELS[d["level"]]}`;
      if (d["logflags"] & 1) s += " tcp-sequence";
      if (d["logflags"] & 2) s += " tcp-options";
      if (d["logflags"] & 4) s += " ip-options";
      if (d["logflags"] & 8) s += " uid";
      if (d["logflags"] & 0x20) s += " macdecode";
    }
    if (d["prefix"]) s += ` prefix "${d["prefix"]}"`;
    return s;
  },
  save(d) {
    let s = "";
    if (d["prefix"]) s += ` --log-prefix${saveString(d["prefix"])}`;
    if (d["level"] !== 4) s += ` --log-level ${d["level"]}`;
    if (d["logflags"] & 1) s += " --log-tcp-sequence";
    if (d["logflags"] & 2) s += " --log-tcp-options";
    if (d["logflags"] & 4) s += " --log-ip-options";
    if (d["logflags"] & 8) s += " --log-uid";
    if (d["logflags"] & 0x20) s += " --log-macdecode";
    return s;
  },
};


/** libxt_NFLOG.c through xtables_option_parse() (each option once, none inverted) and its
 * fcheck, as iptables-nft keeps it: an nft `log` statement (the prefix is its udata copy, up
 * to NF_LOG_PREFIXLEN 128; --nflog-range has no place there and is lost — the legacy names here
 * are aliases of the nft tool, as everywhere in this iptables) */
const NFLOG_OPTS = ["nflog-group", "nflog-prefix", "nflog-range", "nflog-size", "nflog-threshold"];
const NFLOG: Ext = {
  name: "NFLOG", revision: 0, kind: "target",
  opts: Object.fromEntries(NFLOG_OPTS.map((o) => [o, true])),
  // F_RANGE and F_SIZE exclude each other
  x6: [xo("nflog-group", 0), xo("nflog-prefix", 1), xo("nflog-range", 2, 0, 1 << 3), xo("nflog-size", 3, 0, 1 << 2), xo("nflog-threshold", 4)],
  init: () => ({ group: 0, prefix: "", len: 0, threshold: 0, flags: 0 }),
  help: HELP.NFLOG_HELP,
  parse(o, arg, invert, d) {
    switch (o) {
      case "nflog-group":
        d["group"] = parseUintOpt(arg, 0xffff, "NFLOG", o);
        break;
      case "nflog-prefix":
        // XTTYPE_STRING, .min 1, cut to the field; NFLOG_parse() refuses a newline
        if (arg.length < 1) xtablesError(PARAMETER_PROBLEM, "Argument must have a minimum length of 1 characters\n");
        d["prefix"] = arg.slice(0, 127);
        if (arg.includes("\n")) xtablesError(PARAMETER_PROBLEM, "Newlines not allowed in --log-prefix");
        break;
      case "nflog-range":
        parseUintOpt(arg, 0xffffffff, "NFLOG", o);
        break;
      case "nflog-size":
        d["len"] = parseUintOpt(arg, 0xffffffff, "NFLOG", o);
        break;
      default:
        d["threshold"] = parseUintOpt(arg, 0xffff, "NFLOG", o);
    }
  },
  final(d, ctx) {
    // NFLOG_check() (xtables_options_fcheck()'s exclusions come after it)
    if (xflagsOf(d) & (1 << 2)) ctx.warn?.("warn: --nflog-range has never worked and is no longer supported, please use --nflog-size instead\n");
    if (xflagsOf(d) & (1 << 3)) d["flags"] |= 1;
  },
  print: (d) => nflogPrint(d, ""),
  save: (d) => nflogPrint(d, "--"),
};
function nflogPrint(d: Record<string, any>, prefix: string): string {
  let s = "";
  if (d["prefix"]) s += ` ${prefix}nflog-prefix${saveString(d["prefix"])}`;
  if (d["group"]) s += ` ${prefix}nflog-group ${d["group"]}`;
  if (d["flags"] & 1) s += ` ${prefix}nflog-size ${d["len"]}`;
  if (d["threshold"]) s += ` ${prefix}nflog-threshold ${d["threshold"]}`;
  return s;
}

/** libxt_NFQUEUE.c, revision 3 (xt_NFQ_info_v3: queuenum, queues_total, flags) */
const NFQ_FLAG_BYPASS = 0x01;
const NFQ_FLAG_CPU_FANOUT = 0x02;
const NFQUEUE: Ext = {
  name: "NFQUEUE", revision: 3, kind: "target",
  opts: { "queue-num": true, "queue-balance": true, "queue-bypass": false, "queue-cpu-fanout": false },
  // num and balance exclude each other; cpu-fanout needs balance
  x6: [xo("queue-num", 0, 0, 1 << 1), xo("queue-balance", 1, 0, 1 << 0), xn("queue-bypass", 2), xn("queue-cpu-fanout", 3, 0, 0, 1 << 1)],
  init: () => ({ queuenum: 0, queues_total: 1, flags: 0 }),
  help: HELP.NFQUEUE_HELP,
  parse(o, arg, invert, d) {
    switch (o) {
      case "queue-num":
        d["queuenum"] = parseUintOpt(arg, 0xffff, "NFQUEUE", o);
        break;
      case "queue-balance": {
        // XTTYPE_UINT16RC, then NFQUEUE_parse_v3()
        const r = parseUintRange(arg, 0xffff, "NFQUEUE", o);
        if (r.length !== 2) xtablesError(PARAMETER_PROBLEM, `Bad range "${arg}"`);
        if (r[0]! >= r[1]!) xtablesError(PARAMETER_PROBLEM, `${r[0]} should be less than ${r[1]}`);
        d["queuenum"] = r[0];
        d["queues_total"] = r[1]! - r[0]! + 1;
        break;
      }
      case "queue-bypass":
        d["flags"] |= NFQ_FLAG_BYPASS;
        break;
      default:
        d["flags"] |= NFQ_FLAG_CPU_FANOUT;
    }
  },
  print: (d) => nfqueuePrint(d, [" NFQUEUE balance ", " NFQUEUE num ", " bypass", " cpu-fanout"]),
  save: (d) => nfqueuePrint(d, [" --queue-balance ", " --queue-num ", " --queue-bypass", " --queue-cpu-fanout"]),
};
function nfqueuePrint(d: Record<string, any>, w: string[]): string {
  const total: number = d["queues_total"];
  let s = total > 1 ? `${w[0]}${d["queuenum"]}:${d["queuenum"] + total - 1}` : `${w[1]}${d["queuenum"]}`;
  if (d["flags"] & NFQ_FLAG_BYPASS) s += w[2];
  if (d["flags"] & NFQ_FLAG_CPU_FANOUT) s += w[3];
  return s;
}

const MARK: Ext = {
  name: "MARK", revision: 2, kind: "target", opts: { "set-mark": true, "set-xmark": true, "and-mark": true, "or-mark": true, "xor-mark": true },
  // mark_tg_opts[]: F_ANY, one of them
  x6: [xo("set-xmark", 4, 0, 31), xo("set-mark", 0, 0, 31), xo("and-mark", 1, 0, 31), xo("or-mark", 2, 0, 31), xo("xor-mark", 3, 0, 31)],
  help: HELP.MARK_TG_HELP,
  init: () => ({ mark: 0, mask: 0 }),
  parse(o, arg, _i, d) {
    // set-xmark and set-mark are XTTYPE_MARKMASK32, the others XTTYPE_UINT32
    const [m, k] = o === "set-xmark" || o === "set-mark" ? parseMarkMask(arg, "MARK", o) : [parseU32Opt(arg, "MARK", o), 0xffffffff];
    if (o === "set-xmark") { d["mark"] = m; d["mask"] = k; }
    else if (o === "set-mark") { d["mark"] = m; d["mask"] = (m | k) >>> 0; }
    else if (o === "and-mark") { d["mark"] = 0; d["mask"] = (~m) >>> 0; }
    else if (o === "or-mark") { d["mark"] = d["mask"] = m; }
    else { d["mark"] = m; d["mask"] = 0; }
    d["__set"] = 1;
  },
  final(d) {
    if (!d["__set"]) xtablesError(PARAMETER_PROBLEM, "MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required");
    delete d["__set"];
  },
  print(d) {
    if (d["mark"] === 0) return ` MARK and ${hex(~d["mask"])}`;
    if (d["mark"] === d["mask"]) return ` MARK or ${hex(d["mark"])}`;
    if (d["mask"] === 0) return ` MARK xor ${hex(d["mark"])}`;
    if (d["mask"] === 0xffffffff) return ` MARK set ${hex(d["mark"])}`;
    return ` MARK xset ${hex(d["mark"])}/${hex(d["mask"])}`;
  },
  save: (d) => ` --set-xmark ${hex(d["mark"])}/${hex(d["mask"])}`,
};

/** libxt_CONNMARK.c, revision 2 (xt_connmark_tginfo2: the shift options), through
 * xtables_option_parse() and its fcheck; options in connmark_tg_opts_v2's order */
const CONNMARK_OPS = ["set-xmark", "set-mark", "and-mark", "or-mark", "xor-mark", "save-mark", "restore-mark"];
const CONNMARK_OPTS = [...CONNMARK_OPS, "left-shift-mark", "right-shift-mark", "ctmask", "nfmask", "mask"];
/** connmark_tg_opts_v2[]'s ids (O_SET_MARK…), by name; F_OP_ANY is the operations' */
const CONNMARK_IDS: Record<string, number> = {
  "set-mark": 0, "save-mark": 1, "restore-mark": 2, "and-mark": 3, "or-mark": 4, "xor-mark": 5,
  "left-shift-mark": 6, "right-shift-mark": 7, "set-xmark": 8, ctmask: 9, nfmask: 10, mask: 11,
};
const F_OP_ANY = CONNMARK_OPS.reduce((m, o) => m | (1 << CONNMARK_IDS[o]!), 0);
const F_MASK = 1 << 11;
const CONNMARK: Ext = {
  name: "CONNMARK", revision: 2, kind: "target",
  help: HELP.CONNMARK_HELP_V2,
  x6: CONNMARK_OPTS.map((o) => {
    const id = CONNMARK_IDS[o]!;
    const excl = CONNMARK_OPS.includes(o) ? F_OP_ANY : o === "mask" ? (1 << 9) | (1 << 10) : o === "ctmask" || o === "nfmask" ? F_MASK : 0;
    return o === "save-mark" || o === "restore-mark" ? xn(o, id, 0, excl) : xo(o, id, 0, excl);
  }),
  opts: Object.fromEntries(CONNMARK_OPTS.map((o) => [o, o !== "save-mark" && o !== "restore-mark"])),
  init: () => ({ ctmark: 0, ctmask: 0xffffffff, nfmask: 0xffffffff, mode: 0, shiftDir: 0, shiftBits: 0 }),
  parse(o, arg, invert, d) {
    switch (o) {
      case "set-xmark":
      case "set-mark": {
        const [m, k] = parseMarkMask(arg, "CONNMARK", o);
        d["mode"] = 0;
        d["ctmark"] = m;
        d["ctmask"] = o === "set-mark" ? (m | k) >>> 0 : k;
        break;
      }
      case "and-mark":
      case "or-mark":
      case "xor-mark": {
        const v = parseU32Opt(arg, "CONNMARK", o);
        d["mode"] = 0;
        d["ctmark"] = o === "and-mark" ? 0 : v;
        d["ctmask"] = o === "and-mark" ? ~v >>> 0 : o === "or-mark" ? v : 0;
        break;
      }
      case "save-mark":
        d["mode"] = 1;
        break;
      case "restore-mark":
        d["mode"] = 2;
        break;
      case "left-shift-mark":
      case "right-shift-mark":
        d["shiftBits"] = parseUintOpt(arg, 32, "CONNMARK", o);
        d["shiftDir"] = o === "left-shift-mark" ? 0 : 1;
        break;
      case "ctmask":
        d["ctmask"] = parseU32Opt(arg, "CONNMARK", o);
        break;
      case "nfmask":
        d["nfmask"] = parseU32Opt(arg, "CONNMARK", o);
        break;
      default:
        d["nfmask"] = d["ctmask"] = parseU32Opt(arg, "CONNMARK", o);
    }
  },
  final(d) {
    // connmark_tg_check() (xtables_options_fcheck()'s exclusions come after it)
    if (!(xflagsOf(d) & F_OP_ANY)) xtablesError(PARAMETER_PROBLEM, "CONNMARK target: No operation specified");
  },
  print(d) {
    let s: string;
    if (d["mode"] === 0) {
      if (d["ctmark"] === 0) s = ` CONNMARK and ${hex(~d["ctmask"])}`;
      else if (d["ctmark"] === d["ctmask"]) s = ` CONNMARK or ${hex(d["ctmark"])}`;
      else if (d["ctmask"] === 0) s = ` CONNMARK xor ${hex(d["ctmark"])}`;
      else if (d["ctmask"] === 0xffffffff) s = ` CONNMARK set ${hex(d["ctmark"])}`;
      else s = ` CONNMARK xset ${hex(d["ctmark"])}/${hex(d["ctmask"])}`;
    } else if (d["nfmask"] === 0xffffffff && d["ctmask"] === 0xffffffff) s = ` CONNMARK ${d["mode"] === 1 ? "save" : "restore"}`;
    else if (d["nfmask"] === d["ctmask"]) s = ` CONNMARK ${d["mode"] === 1 ? "save" : "restore"} mask ${hex(d["nfmask"])}`;
    else if (d["mode"] === 1) s = ` CONNMARK save nfmask ${hex(d["nfmask"])} ctmask ~${hex(d["ctmask"])}`;
    else s = ` CONNMARK restore ctmask ${hex(d["ctmask"])} nfmask ~${hex(d["nfmask"])}`;
    return s + connmarkShift(d, " ");
  },
  save(d) {
    const s = d["mode"] === 0
      ? ` --set-xmark ${hex(d["ctmark"])}/${hex(d["ctmask"])}`
      : ` --${d["mode"] === 1 ? "save" : "restore"}-mark --nfmask ${hex(d["nfmask"])} --ctmask ${hex(d["ctmask"])}`;
    return s + connmarkShift(d, " --");
  },
};
function connmarkShift(d: Record<string, any>, prefix: string): string {
  return d["shiftBits"] ? `${prefix}${d["shiftDir"] ? "right" : "left"}-shift-mark ${d["shiftBits"]}` : "";
}

const TTL: Ext = {
  name: "TTL", revision: 0, kind: "target", family: 4, opts: { "ttl-set": true, "ttl-inc": true, "ttl-dec": true },
  // F_ANY: one of them, in libipt_TTL.c's table order
  x6: [xo("ttl-set", 0, 0, 7), xo("ttl-dec", 2, 0, 7), xo("ttl-inc", 1, 0, 7)],
  help: HELP.TTL_TG_HELP,
  init: () => ({ mode: 0, ttl: 0 }),
  parse(o, arg, _i, d) {
    // XTTYPE_UINT8; --ttl-inc and --ttl-dec from 1
    d["ttl"] = parseUintOpt(arg, 255, "TTL", o, o === "ttl-set" ? 0 : 1);
    d["mode"] = o === "ttl-set" ? 0 : o === "ttl-inc" ? 1 : 2;
    d["__set"] = 1;
  },
  final(d) {
    if (!d["__set"]) xtablesError(PARAMETER_PROBLEM, "TTL: You must specify an action");
    delete d["__set"];
  },
  print: (d) => [` TTL set to ${d["ttl"]}`, ` TTL increment by ${d["ttl"]}`, ` TTL decrement by ${d["ttl"]}`][d["mode"]]!,
  save: (d) => [` --ttl-set ${d["ttl"]}`, ` --ttl-inc ${d["ttl"]}`, ` --ttl-dec ${d["ttl"]}`][d["mode"]]!,
};

// ---- CT (libxt_CT.c, revision 2 as iptables 1.8.9 picks it; NOTRACK is its alias) ----
const XT_CT_NOTRACK = 1;
const XT_CT_NOTRACK_ALIAS = 1 << 1;
const XT_CT_ZONE_DIR_ORIG = 1 << 2;
const XT_CT_ZONE_DIR_REPL = 1 << 3;
const XT_CT_ZONE_MARK = 1 << 4;
/** ct_opts_v1[]: name -> option id (O_NOTRACK…) */
const CT_OPT_IDS: Record<string, number> = { notrack: 0, helper: 1, timeout: 2, ctevents: 3, expevents: 4, zone: 5, "zone-orig": 6, "zone-reply": 7 };
/** ct_event_tbl[] (IPCT_* bit numbers) and exp_event_tbl[] (IPEXP_NEW) */
const CT_EVENTS: [string, number][] = [
  ["new", 0], ["related", 1], ["destroy", 2], ["reply", 3], ["assured", 4], ["protoinfo", 5],
  ["helper", 6], ["mark", 7], ["natseqinfo", 8], ["secmark", 9],
];
const CT_EXP_EVENTS: [string, number][] = [["new", 0]];
/** ct_parse_events(): a comma list, each name exactly as in the table */
function ctParseEvents(tbl: [string, number][], events: string): number {
  let mask = 0;
  for (const t of events.split(",")) {
    const e = tbl.find(([n]) => n === t);
    if (!e) xtablesError(PARAMETER_PROBLEM, `Unknown event type "${t}"`);
    mask |= 1 << e[1];
  }
  return mask >>> 0;
}
function ctPrintEvents(pfx: string, tbl: [string, number][], mask: number): string {
  return ` ${pfx} ` + tbl.filter(([, b]) => mask & (1 << b)).map(([n]) => n).join(",");
}
function ctPrintZone(pfx: string, zone: number, flags: number): string {
  let s = ` ${pfx}`;
  const dir = flags & (XT_CT_ZONE_DIR_ORIG | XT_CT_ZONE_DIR_REPL);
  if (dir === XT_CT_ZONE_DIR_ORIG) s += "-orig";
  if (dir === XT_CT_ZONE_DIR_REPL) s += "-reply";
  return s + (flags & XT_CT_ZONE_MARK ? " mark" : ` ${zone}`);
}
/** ct_print_v1() / ct_save_v1() */
function ctText(d: Record<string, any>, p: string): string {
  let s = "";
  if (d["flags"] & XT_CT_NOTRACK) s += ` ${p}notrack`;
  if (d["helper"]) s += ` ${p}helper ${d["helper"]}`;
  if (d["timeout"]) s += ` ${p}timeout ${d["timeout"]}`;
  if (d["ct_events"]) s += ctPrintEvents(`${p}ctevents`, CT_EVENTS, d["ct_events"]);
  if (d["exp_events"]) s += ctPrintEvents(`${p}expevents`, CT_EXP_EVENTS, d["exp_events"]);
  if (d["flags"] & XT_CT_ZONE_MARK || d["zone"]) s += ctPrintZone(`${p}zone`, d["zone"], d["flags"]);
  return s;
}
const CT: Ext = {
  name: "CT", revision: 2, kind: "target",
  opts: { notrack: false, helper: true, timeout: true, ctevents: true, expevents: true, "zone-orig": true, "zone-reply": true, zone: true },
  help: HELP.CT_HELP_V1,
  init: () => ({ flags: 0, zone: 0, ct_events: 0, exp_events: 0, helper: "", timeout: "" }),
  parse(o, arg, invert, d) {
    // xtables_option_parse(): each option once, none invertible
    const bit = 1 << CT_OPT_IDS[o]!;
    const xflags: number = d["__xflags"] ?? 0;
    if (xflags & bit) xtablesError(PARAMETER_PROBLEM, `CT: option "--${o}" can only be used once.\n`);
    if (invert) xtablesError(PARAMETER_PROBLEM, `CT: option "--${o}" cannot be inverted.\n`);
    d["__xflags"] = xflags | bit;
    switch (o) {
      case "notrack":
        d["flags"] |= XT_CT_NOTRACK;
        break;
      // XTOPT_PUT into char helper[16] / timeout[32]: cut to fit
      case "helper":
        d["helper"] = arg.slice(0, 15);
        break;
      case "timeout":
        d["timeout"] = arg.slice(0, 31);
        break;
      case "ctevents":
        d["ct_events"] = ctParseEvents(CT_EVENTS, arg);
        break;
      case "expevents":
        d["exp_events"] = ctParseEvents(CT_EXP_EVENTS, arg);
        break;
      default: {
        // ct_parse_zone_id()
        if (o === "zone-orig") d["flags"] |= XT_CT_ZONE_DIR_ORIG;
        if (o === "zone-reply") d["flags"] |= XT_CT_ZONE_DIR_REPL;
        d["zone"] = 0;
        if (arg.toLowerCase() === "mark") d["flags"] |= XT_CT_ZONE_MARK;
        else {
          const v = strtoui0(arg, 0xffff);
          if (v === undefined) xtablesError(PARAMETER_PROBLEM, `Cannot parse ${arg} as a zone ID`);
          d["zone"] = v;
        }
      }
    }
  },
  final(d) {
    delete d["__xflags"];
  },
  print: (d) => (d["flags"] & XT_CT_NOTRACK_ALIAS ? " NOTRACK" : " CT" + ctText(d, "")),
  save: (d) => (d["flags"] & XT_CT_NOTRACK_ALIAS ? "" : ctText(d, "--")),
  saveName: (d) => (d["flags"] & XT_CT_NOTRACK_ALIAS ? "NOTRACK" : "CT"),
};
const NOTRACK: Ext = {
  ...CT, name: "NOTRACK", realName: "CT", opts: {},
  // libxt_CT.c gives NOTRACK no help function
  help: undefined,
  init: () => ({ flags: XT_CT_NOTRACK | XT_CT_NOTRACK_ALIAS, zone: 0, ct_events: 0, exp_events: 0, helper: "", timeout: "" }),
};

/** NF_NAT_RANGE_PROTO_OFFSET: a shifted portmap (PORT-PORT/BASE) */
const NF_NAT_RANGE_PROTO_OFFSET = 0x20;

/** libxt_NAT.c: parse_ports(): PORT (a number or a service), PORT-PORT (numbers) and a
 * shifted portmap's /BASE (a number or a service) */
function parseNatPorts(arg: string): { min: number; max: number; base?: number } {
  const notValid = (a: string): never => xtablesError(PARAMETER_PROBLEM, `Port \`${a}' not valid`);
  // xtables_strtoui(arg, &end, …, 0, UINT16_MAX), else getservbyname() of all of it
  let lo = strtouiPrefix(arg);
  if (!lo || lo[0] > 0xffff) {
    const sv = serviceToPort(arg, "tcp") ?? serviceToPort(arg, "udp");
    lo = sv === undefined ? notValid(arg) : [sv, ""];
  }
  const [port, end] = lo;
  if (end === "") return { min: port, max: port };
  if (end[0] === ":") xtablesError(PARAMETER_PROBLEM, "Invalid port:port syntax - use dash");
  if (end[0] !== "-") xtablesError(PARAMETER_PROBLEM, `Garbage after port value: \`${end}'`);
  // a range: no service names
  const rest = end.slice(1);
  const hi = strtouiPrefix(rest);
  if (!hi || hi[0] > 0xffff) return notValid(rest);
  if (hi[0] < port) xtablesError(PARAMETER_PROBLEM, `Port range \`${rest}' funky`);
  if (hi[1] === "") return { min: port, max: hi[0] };
  if (hi[1][0] !== "/") xtablesError(PARAMETER_PROBLEM, `Garbage after port range: \`${hi[1]}'`);
  const b = hi[1].slice(1);
  const bv = strtouiPrefix(b);
  const base = bv && bv[1] === "" && bv[0] >= 1 && bv[0] <= 0xffff ? bv[0] : (serviceToPort(b, "tcp") ?? serviceToPort(b, "udp") ?? notValid(b));
  return { min: port, max: hi[0], base };
}

/** nf_nat_range parsing: ADDR[-ADDR][:PORT[-PORT]] */
function parseToRange(arg: string, ctx: ParseCtx, what: string): Record<string, number> {
  const r = { flags: 0, min_addr: 0, max_addr: 0, min_proto: 0, max_proto: 0, base_proto: 0 };
  let addr = arg;
  let ports: string | undefined;
  const c = arg.indexOf(":");
  if (c >= 0) {
    addr = arg.slice(0, c);
    ports = arg.slice(c + 1);
  }
  if (ports !== undefined) {
    if (ctx.proto !== 6 && ctx.proto !== 17 && ctx.proto !== 132 && ctx.proto !== 33 && ctx.proto !== 1)
      xtablesError(PARAMETER_PROBLEM, "Need TCP, UDP, SCTP or DCCP with port specification");
    const pr = parseNatPorts(ports);
    r.min_proto = pr.min;
    r.max_proto = pr.max;
    r.flags |= 2;
    if (pr.base !== undefined) {
      r.flags |= NF_NAT_RANGE_PROTO_OFFSET;
      r.base_proto = pr.base;
    }
  }
  if (addr !== "") {
    const [a, b] = addr.split("-");
    const lo = parseIp(a!);
    const hi = b === undefined ? lo : parseIp(b);
    if (lo === undefined || hi === undefined) xtablesError(PARAMETER_PROBLEM, `Bad IP address "${a}"`);
    r.min_addr = lo;
    r.max_addr = hi;
    r.flags |= 1;
  }
  void what;
  return r;
}
function printRange(d: Record<string, any>): string {
  let s = "";
  if (d["flags"] & 1) {
    s += ipToStr(d["min_addr"]);
    if (d["max_addr"] !== d["min_addr"]) s += "-" + ipToStr(d["max_addr"]);
  }
  if (d["flags"] & 2) {
    s += ":" + d["min_proto"];
    if (d["max_proto"] !== d["min_proto"]) s += "-" + d["max_proto"];
    if (d["flags"] & NF_NAT_RANGE_PROTO_OFFSET) s += "/" + (d["base_proto"] ?? 0);
  }
  return s;
}
function natTarget(name: "SNAT" | "DNAT"): Ext {
  const opt = name === "SNAT" ? "to-source" : "to-destination";
  return {
    name, revision: name === "SNAT" ? 1 : 2, kind: "target",
    // SNAT_opts[] and DNAT_opts[] (DNAT has no --random-fully)
    opts: name === "SNAT" ? { [opt]: true, random: false, "random-fully": false, persistent: false } : { [opt]: true, random: false, persistent: false },
    x6: name === "SNAT"
      ? [xo(opt, 1, MAND), xn("random", 3), xn("random-fully", 4), xn("persistent", 5)]
      : [xo(opt, 0, MAND), xn("random", 3), xn("persistent", 5)],
    help: name === "SNAT" ? HELP.SNAT_HELP : HELP.DNAT_HELP_V2,
    init: () => ({ flags: 0, min_addr: 0, max_addr: 0, min_proto: 0, max_proto: 0 }),
    parse(o, arg, _i, d, ctx) {
      if (o === opt) {
        const r = parseToRange(arg, ctx, name);
        // SNAT revision 1 carries an nf_nat_ipv4_multi_range_compat: the flags, not the base
        if (name === "SNAT") r["base_proto"] = 0;
        Object.assign(d, r, { flags: (d["flags"] & ~3) | r["flags"]! });
      } else if (o === "random") d["flags"] |= 4;
      else if (o === "persistent") d["flags"] |= 8;
      else d["flags"] |= 16;
    },
    final(d) {
      if (!(d["flags"] & 3)) xtablesError(PARAMETER_PROBLEM, `${name}: option "--${opt}" must be specified\n`);
    },
    print(d) {
      let s = ` to:${printRange(d)}`;
      if (d["flags"] & 4) s += " random";
      if (d["flags"] & 16) s += " random-fully";
      if (d["flags"] & 8) s += " persistent";
      return s;
    },
    save(d) {
      let s = ` --${opt} ${printRange(d)}`;
      if (d["flags"] & 4) s += " --random";
      if (d["flags"] & 16) s += " --random-fully";
      if (d["flags"] & 8) s += " --persistent";
      return s;
    },
  };
}
/** MIN[-MAX][/0]: a compat range's ports (its shifted portmap flag shows with base 0) */
function portsText(r: { flags: number; min: number; max: number }): string {
  return `${r.min}${r.max !== r.min ? "-" + r.max : ""}${r.flags & NF_NAT_RANGE_PROTO_OFFSET ? "/0" : ""}`;
}
function portsTarget(name: "MASQUERADE" | "REDIRECT"): Ext {
  return {
    name, revision: 0, kind: "target",
    // MASQUERADE_opts[] and REDIRECT_opts[] (REDIRECT has no --random-fully)
    opts: name === "MASQUERADE" ? { "to-ports": true, random: false, "random-fully": false } : { "to-ports": true, random: false },
    x6: name === "MASQUERADE" ? [xo("to-ports", 2), xn("random", 3), xn("random-fully", 4)] : [xo("to-ports", 2), xn("random", 3)],
    help: name === "MASQUERADE" ? HELP.MASQUERADE_HELP : HELP.REDIRECT_HELP,
    init: () => ({ rangesize: 1, range: [{ flags: 0, min_ip: 0, max_ip: 0, min: 0, max: 0 }] }),
    parse(o, arg, _i, d, ctx) {
      const r = d["range"][0];
      if (o === "to-ports") {
        if (ctx.proto !== 6 && ctx.proto !== 17 && ctx.proto !== 132 && ctx.proto !== 33)
          xtablesError(PARAMETER_PROBLEM, "Need TCP, UDP, SCTP or DCCP with port specification");
        const pr = parseNatPorts(arg);
        r.min = pr.min;
        r.max = pr.max;
        r.flags |= 2;
        // the compat range of revision 0 has the flag but not the base
        if (pr.base !== undefined) r.flags |= NF_NAT_RANGE_PROTO_OFFSET;
      } else if (o === "random") r.flags |= 4;
      else r.flags |= 16;
    },
    final(d) {
      if (name === "REDIRECT" && d["range"][0].flags & NF_NAT_RANGE_PROTO_OFFSET)
        xtablesError(PARAMETER_PROBLEM, "Shifted portmap ranges not supported with this kernel");
    },
    print(d) {
      const r = d["range"][0];
      let s = "";
      if (r.flags & 2) s += ` ${name === "MASQUERADE" ? "masq" : "redir"} ports: ${portsText(r)}`;
      if (name === "REDIRECT" && r.flags & 2) s = ` redir ports ${portsText(r)}`;
      if (r.flags & 4) s += " random";
      if (r.flags & 16) s += " random-fully";
      return s;
    },
    save(d) {
      const r = d["range"][0];
      let s = "";
      if (r.flags & 2) s += ` --to-ports ${portsText(r)}`;
      if (r.flags & 4) s += " --random";
      if (r.flags & 16) s += " --random-fully";
      return s;
    },
  };
}

export const MATCHES: Ext[] = [tcpudp("tcp"), tcpudp("udp"), icmp, comment, state, multiport, iprange, addrtype, mac, markMatch, physdev, length, ttl, limit];
export const TARGETS: Ext[] = [REJECT, LOG, NFLOG, NFQUEUE, MARK, CONNMARK, TTL, CT, NOTRACK, natTarget("SNAT"), natTarget("DNAT"), portsTarget("MASQUERADE"), portsTarget("REDIRECT")];

/** extensions defined in modules of their own (ext_*.ts) add themselves here */
export function registerExts(exts: Ext[]): void {
  for (const e of exts) (e.kind === "match" ? MATCHES : TARGETS).push(e);
}

/** an extension of `family` (4: iptables, 6: ip6tables) */
function ofFamily(e: Ext, family: 4 | 6): boolean {
  return e.family === undefined || e.family === family;
}

/** libxtables: xtables_find_match(): "icmpv6" and "ipv6-icmp" are icmp6 */
export function findMatch(name: string, family: 4 | 6 = 4): Ext | undefined {
  if (name === "icmpv6" || name === "ipv6-icmp") name = "icmp6";
  return MATCHES.find((m) => m.name === name && ofFamily(m, family));
}
export function findTarget(name: string, family: 4 | 6 = 4): Ext | undefined {
  return TARGETS.find((t) => t.name === name && ofFamily(t, family));
}
/** the userland extension for a kernel match/target entry (alias-aware) */
export function extForEntry(kind: "match" | "target", name: string, data: Record<string, any>, family: 4 | 6 = 4): Ext | undefined {
  if (kind === "match") {
    return findMatch(name, family);
  }
  if (name === "CT" && data["flags"] & XT_CT_NOTRACK_ALIAS) return NOTRACK;
  return findTarget(name, family);
}
