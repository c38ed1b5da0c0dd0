/**
 * iptables 1.8.9 (nf_tables variant output): iptables/xshared.c do_parse() and
 * iptables/xtables.c do_commandx(), the listing (nft-shared.c print_rule_details,
 * xshared.c print_header/print_ifaces, nft-ipv4.c) and the -S/iptables-save format.
 * ip6tables is the same program for AF_INET6 (IptCtx.v6): nft-ipv6.c's addresses, the
 * family's extensions (libip6t_*), ipv6_post_parse() and the IPv6 tables (libip6tc).
 */
import type { Process } from "../process.ts";
import { isKErr, strerror, type Errno } from "../../kernel/uapi/errno.ts";
import {
  IPT_F_FRAG, IPT_F_GOTO, IP6T_F_GOTO, IP6T_F_PROTO, IPT_INV_DSTIP, IPT_INV_FRAG, IPT_INV_PROTO, IPT_INV_SRCIP, IPT_INV_VIA_IN,
  IPT_INV_VIA_OUT, isIp6, type IptIp, type Ip6tIp6, type XtEntryExt,
} from "../../kernel/uapi/xtables.ts";
import { parseProtocol as xtablesParseProtocol } from "./ext_route.ts";
import { extForEntry, findMatch, findTarget, numericToIpaddr, parseIp, strtouiMax, type Ext, type ParseCtx } from "./extensions.ts";
import { takeXflags, xtoptCheck, xtoptFcheckFlags, xtoptSeen } from "./xtoptions.ts";
import { iptablesHelp } from "./help.ts";
import { getprotobynumber } from "../lib/etc_files.ts";
// the extensions in modules of their own register with extensions.ts when loaded
import "./ext_conn.ts";
import "./ext_pkt.ts";
import "./ext_state.ts";
import "./ext_route.ts";
import "./ext_tg.ts";
import "./ext_misc.ts";
import "./ext_ip6.ts";
import { bytesToWords6, ip6maskToCidr, ip6maskToNumeric, ip6parseMultiple, ip6ToStr, type Ip6Words } from "./xtaddr.ts";
import { inetPton6 } from "../lib/utils.ts";
import { noOptionsHelp, PROTO_ONLY_HELP, STANDARD_HELP } from "./ext-help.ts";
import { StubResolver } from "../lib/resolv.ts";
import { getaddrinfo } from "../iputils/common.ts";
import { inetAtonExact } from "../lib/inet_addr.ts";
import { IptcHandle, STANDARD_TARGETS, isGoto, sameRule, zeroIp, type Chain, type Rule } from "./libiptc.ts";
import {
  OTHER_PROBLEM, PARAMETER_PROBLEM, RESOURCE_PROBLEM, VERSION_PROBLEM, XtablesError, renderXtablesError, xtablesError,
} from "./xshared.ts";

// command bits (xshared.h)
const CMD_NONE = 0;
const CMD_INSERT = 1 << 0;
const CMD_DELETE = 1 << 1;
const CMD_DELETE_NUM = 1 << 2;
const CMD_REPLACE = 1 << 3;
const CMD_APPEND = 1 << 4;
const CMD_LIST = 1 << 5;
const CMD_FLUSH = 1 << 6;
const CMD_ZERO = 1 << 7;
const CMD_NEW_CHAIN = 1 << 8;
const CMD_DELETE_CHAIN = 1 << 9;
const CMD_SET_POLICY = 1 << 10;
const CMD_RENAME_CHAIN = 1 << 11;
const CMD_LIST_RULES = 1 << 12;
const CMD_ZERO_NUM = 1 << 13;
const CMD_CHECK = 1 << 14;
const CMD_CHARS: [number, string][] = [
  [CMD_INSERT, "I"], [CMD_DELETE, "D"], [CMD_DELETE_NUM, "D"], [CMD_REPLACE, "R"], [CMD_APPEND, "A"],
  [CMD_LIST, "L"], [CMD_FLUSH, "F"], [CMD_ZERO, "Z"], [CMD_NEW_CHAIN, "N"], [CMD_DELETE_CHAIN, "X"],
  [CMD_SET_POLICY, "P"], [CMD_RENAME_CHAIN, "E"], [CMD_LIST_RULES, "S"], [CMD_ZERO_NUM, "Z"], [CMD_CHECK, "C"],
];

// format flags (xtables.h)
export const FMT_NUMERIC = 0x0001;
export const FMT_NOCOUNTS = 0x0002;
export const FMT_KILOMEGAGIGA = 0x0004;
export const FMT_OPTIONS = 0x0008;
export const FMT_NOTABLE = 0x0010;
export const FMT_NOTARGET = 0x0020;
export const FMT_VIA = 0x0040;
export const FMT_NONEWLINE = 0x0080;
export const FMT_LINENUMBERS = 0x0100;

/** getprotobynumber() for -L without -n */
function protoName(n: number): string | undefined {
  if (n === 0) return "all";
  return getprotobynumber(n);
}

/** -p: "Canonicalize into lower case" (tolower(), ASCII), then xtables_parse_protocol() */
export function parseProtocol(s: string): number {
  return xtablesParseProtocol(s.replace(/[A-Z]/g, (c) => c.toLowerCase()));
}

function ipStr(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

function maskLen(m: number): number {
  if (m === 0) return 0;
  const inv = (~m) >>> 0;
  if ((inv & (inv + 1)) !== 0) return -1;
  return 32 - Math.log2(inv + 1);
}

/** xtables_ipmask_to_numeric() */
function maskToNumeric(m: number): string {
  const l = maskLen(m);
  if (l === 32) return "";
  if (l < 0) return "/" + ipStr(m);
  return "/" + l;
}

/** a name of -s/-d that neither /etc/hosts nor a numeric form gives: the caller asks DNS
 * (host_to_ipaddr()'s getaddrinfo) and parses the command line again */
class NeedLookup {
  constructor(readonly name: string) {}
}

/** xtables_ipparse_multiple(): "a[/m],b…"; with `asked`, a name DNS was not asked about yet
 * is a NeedLookup (glibc never asks about digits and dots) */
function parseAddrs(s: string, hosts: Map<string, number>, asked?: Set<string>): { addr: number; mask: number }[] {
  const out: { addr: number; mask: number }[] = [];
  for (const part of s.split(",")) {
    const slash = part.indexOf("/");
    const host = slash >= 0 ? part.slice(0, slash) : part;
    const maskS = slash >= 0 ? part.slice(slash + 1) : undefined;
    let mask = 0xffffffff;
    let bits: number | undefined;
    if (maskS !== undefined) {
      const ip = numericToIpaddr(maskS, true);
      if (ip !== undefined) mask = ip;
      else if ((bits = strtouiMax(maskS, 32)) !== undefined) mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      else xtablesError(PARAMETER_PROBLEM, `invalid mask \`${maskS}' specified`);
    }
    let addr = numericToIpaddr(host, false);
    if (addr === undefined) addr = hosts.get(host);
    // host_to_ipaddr()'s getaddrinfo(): what inet_aton() takes whole ("4294967295",
    // "0x7f000001") is an address without any lookup; other digits and dots are not asked
    if (addr === undefined) addr = inetAtonExact(host);
    if (addr === undefined && asked && !asked.has(host) && !/^[\d.]*$/.test(host)) throw new NeedLookup(host);
    if (addr === undefined) xtablesError(PARAMETER_PROBLEM, `host/network \`${host}' not found`);
    out.push({ addr: (addr & mask) >>> 0, mask });
  }
  return out;
}

interface LongOpt {
  name: string;
  /** 0 none, 1 required, 2 optional */
  hasArg: number;
  val: string;
}

const LONG_OPTS: LongOpt[] = [
  { name: "append", hasArg: 1, val: "A" }, { name: "delete", hasArg: 1, val: "D" }, { name: "check", hasArg: 1, val: "C" },
  { name: "insert", hasArg: 1, val: "I" }, { name: "replace", hasArg: 1, val: "R" }, { name: "list", hasArg: 2, val: "L" },
  { name: "list-rules", hasArg: 2, val: "S" }, { name: "flush", hasArg: 2, val: "F" }, { name: "zero", hasArg: 2, val: "Z" },
  { name: "new-chain", hasArg: 1, val: "N" }, { name: "delete-chain", hasArg: 2, val: "X" },
  { name: "rename-chain", hasArg: 1, val: "E" }, { name: "policy", hasArg: 1, val: "P" },
  { name: "source", hasArg: 1, val: "s" }, { name: "destination", hasArg: 1, val: "d" },
  { name: "src", hasArg: 1, val: "s" }, { name: "dst", hasArg: 1, val: "d" }, { name: "protocol", hasArg: 1, val: "p" },
  { name: "in-interface", hasArg: 1, val: "i" }, { name: "jump", hasArg: 1, val: "j" }, { name: "table", hasArg: 1, val: "t" },
  { name: "match", hasArg: 1, val: "m" }, { name: "numeric", hasArg: 0, val: "n" },
  { name: "out-interface", hasArg: 1, val: "o" }, { name: "verbose", hasArg: 0, val: "v" }, { name: "wait", hasArg: 2, val: "w" },
  { name: "wait-interval", hasArg: 2, val: "W" }, { name: "exact", hasArg: 0, val: "x" }, { name: "fragments", hasArg: 0, val: "f" },
  { name: "version", hasArg: 0, val: "V" }, { name: "help", hasArg: 2, val: "h" }, { name: "line-numbers", hasArg: 0, val: "0" },
  { name: "modprobe", hasArg: 1, val: "M" }, { name: "set-counters", hasArg: 1, val: "c" }, { name: "goto", hasArg: 1, val: "g" },
  { name: "ipv4", hasArg: 0, val: "4" }, { name: "ipv6", hasArg: 0, val: "6" },
];
/** "-:A:C:D:R:I:L::S::M:F::Z::N:X::E:P:Vh::o:p:s:d:j:i:fbvw::W::nt:m:xc:g:46" */
const SHORT: Record<string, number> = {
  A: 1, C: 1, D: 1, R: 1, I: 1, L: 2, S: 2, M: 1, F: 2, Z: 2, N: 1, X: 2, E: 1, P: 1, V: 0, h: 2, o: 1, p: 1, s: 1, d: 1,
  j: 1, i: 1, f: 0, b: 0, v: 0, w: 2, W: 2, n: 0, t: 1, m: 1, x: 0, c: 1, g: 1, "4": 0, "6": 0,
};

/** struct iptables_command_state + xt_cmd_parse */
interface CmdState {
  command: number;
  /** the chain operand; undefined when none was given ('' is a name, as in C) */
  chain: string | undefined;
  newname: string;
  policy: string;
  rulenum: number;
  table: string;
  verbose: number;
  numeric: boolean;
  exact: boolean;
  linenumbers: boolean;
  ip: IptIp;
  saddrs: string | undefined;
  daddrs: string | undefined;
  jumpto: string;
  target: { ext: Ext; data: Record<string, any> } | undefined;
  matches: { ext: Ext; data: Record<string, any> }[];
  options: Set<string>;
  protoUsed: boolean;
  /** -p's argument, lower-cased (cs->protocol) */
  protocol?: string;
  /** -j named a standard verdict: xtables_find_target() marked the "standard" target used */
  standardUsed?: boolean;
  /** -c PKTS BYTES */
  counters: { pcnt: number; bcnt: number } | undefined;
}

/** a getopt_long over argv, with iptables' "-" (in order) and ":" (silent) conventions */
class Getopt {
  optind = 1;
  private sub = 0;
  optarg: string | undefined;
  constructor(private argv: string[], private ext: () => Ext[]) {}

  /** returns the option char/name, "\x01" for a non-option, ":" missing arg, "?" unknown; undefined at end */
  next(): { c: string; long?: string; extOpt?: { ext: Ext; name: string } } | undefined {
    const argv = this.argv;
    this.optarg = undefined;
    if (this.sub === 0) {
      if (this.optind >= argv.length) return undefined;
      const a = argv[this.optind]!;
      if (a === "--") {
        this.optind++;
        return undefined;
      }
      if (a.startsWith("--")) {
        this.optind++;
        const eq = a.indexOf("=");
        const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
        const inline = eq >= 0 ? a.slice(eq + 1) : undefined;
        // extension options loaded so far, then the built-in ones (getopt's merged table)
        const cands: { lo?: LongOpt; ext?: Ext; en?: string; hasArg: number; full: string }[] = [];
        for (const lo of LONG_OPTS) cands.push({ lo, hasArg: lo.hasArg, full: lo.name });
        for (const e of this.ext()) for (const [en, ha] of Object.entries(e.opts)) cands.push({ ext: e, en, hasArg: ha ? 1 : 0, full: en });
        let hit = cands.find((c) => c.full === name);
        if (!hit) {
          const pre = cands.filter((c) => c.full.startsWith(name));
          const uniq = new Set(pre.map((c) => (c.lo ? c.lo.val : c.ext!.name + c.en)));
          if (pre.length && uniq.size === 1) hit = pre[0];
        }
        if (!hit) return { c: "?" };
        if (hit.hasArg === 1) {
          if (inline !== undefined) this.optarg = inline;
          else if (this.optind < argv.length) this.optarg = argv[this.optind++];
          else return { c: ":" };
        } else if (hit.hasArg === 2) this.optarg = inline;
        if (hit.lo) return { c: hit.lo.val, long: hit.lo.name };
        return { c: "ext", extOpt: { ext: hit.ext!, name: hit.en! } };
      }
      if (a.startsWith("-") && a.length > 1) {
        this.sub = 1;
      } else {
        this.optind++;
        this.optarg = a;
        return { c: "\x01" };
      }
    }
    const a = argv[this.optind]!;
    const ch = a[this.sub]!;
    this.sub++;
    const kind = SHORT[ch];
    const atEnd = this.sub >= a.length;
    if (kind === undefined) {
      if (atEnd) {
        this.sub = 0;
        this.optind++;
      }
      return { c: "?" };
    }
    if (kind === 0) {
      if (atEnd) {
        this.sub = 0;
        this.optind++;
      }
      return { c: ch };
    }
    if (!atEnd) {
      this.optarg = a.slice(this.sub);
      this.sub = 0;
      this.optind++;
      return { c: ch };
    }
    this.sub = 0;
    this.optind++;
    if (kind === 1) {
      if (this.optind >= argv.length) return { c: ":" };
      this.optarg = argv[this.optind++];
    }
    return { c: ch };
  }
}

function cmd2char(cmd: number): string {
  for (const [b, c] of CMD_CHARS) if (cmd & b) return c;
  return "?";
}

/** xshared.c: add_command() */
function addCommand(cs: CmdState, newcmd: number, othercmds: number, invert: boolean): void {
  if (invert) xtablesError(PARAMETER_PROBLEM, "unexpected '!' flag");
  if (cs.command & ~othercmds) xtablesError(PARAMETER_PROBLEM, `Cannot use -${cmd2char(newcmd)} with -${cmd2char(cs.command & ~othercmds)}`);
  cs.command |= newcmd;
}

/** xshared.c: parse_rulenumber() */
function parseRulenumber(s: string): number {
  if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 0x7fffffff) xtablesError(PARAMETER_PROBLEM, `Invalid rule number \`${s}'`);
  return Number(s);
}

const isspace = (c: string) => c === " " || (c >= "\t" && c <= "\r");

/** xshared.c: assert_valid_chain_name() (-N only) */
function assertValidChainName(s: string, fam: 4 | 6): void {
  if (s.length >= 29) xtablesError(PARAMETER_PROBLEM, `chain name \`${s}' too long (must be under 29 chars)`);
  if (s[0] === "-" || s[0] === "!") xtablesError(PARAMETER_PROBLEM, `chain name not allowed to start with \`${s[0]}'`);
  // xtables_find_target(): "" is the standard target too
  if (s === "" || findTarget(s, fam) || s in STANDARD_TARGETS) xtablesError(PARAMETER_PROBLEM, "chain name may not clash with target name");
  for (const c of s) if (isspace(c)) xtablesError(PARAMETER_PROBLEM, `Invalid chain name \`${s}'`);
}

/** xshared.c: xt_parse_target() (-j, -g) */
function parseTarget(s: string): string {
  if (s.length < 1) xtablesError(PARAMETER_PROBLEM, "Invalid target name (too short)");
  if (s.length >= 29) xtablesError(PARAMETER_PROBLEM, `Invalid target name \`${s}' (28 chars max)`);
  for (const c of s) if (isspace(c)) xtablesError(PARAMETER_PROBLEM, `Invalid target name \`${s}'`);
  return s;
}

/** libxtables: xtables_parse_interface() */
function parseInterface(s: string, warn: (msg: string) => void): string {
  if (s.length > 15) xtablesError(PARAMETER_PROBLEM, `interface name \`${s}' must be shorter than IFNAMSIZ (15)`);
  // libxtables 1.8.9 only warns of these
  for (const c of s) {
    if (c === "/" || c === " ") {
      warn(`Warning: weird character in interface \`${s}' ('/' and ' ' are not allowed by the kernel).\n`);
      break;
    }
  }
  return s;
}

const OPT_CHARS: Record<string, string> = { n: "n", s: "s", d: "d", p: "p", j: "j", v: "v", x: "x", i: "i", o: "o", "0": "0", c: "c", f: "f", g: "g" };

function setOption(cs: CmdState, opt: string, inv: number | undefined, invert: boolean): void {
  if (cs.options.has(opt)) xtablesError(PARAMETER_PROBLEM, `multiple -${opt} flags not allowed`);
  cs.options.add(opt);
  if (invert) {
    if (inv === undefined) xtablesError(PARAMETER_PROBLEM, `cannot have ! before -${OPT_CHARS[opt] ?? opt}`);
    cs.ip.invflags |= inv;
  }
}

/** the hosts /etc/hosts names (localhost …) for -s/-d and -L without -n: IPv4 ones, and
 * (for ip6tables) the IPv6 ones */
async function loadHosts(p: Process): Promise<{ v4: Map<string, number>; v6: Map<string, Ip6Words> }> {
  const m = new Map<string, number>([["localhost", 0x7f000001]]);
  const m6 = new Map<string, Ip6Words>();
  const txt = await p.readFile("/etc/hosts");
  if (txt) {
    for (const line of txt.split("\n")) {
      const f = line.replace(/#.*/, "").trim().split(/\s+/);
      const a = parseIp(f[0] ?? "");
      const a6 = a === undefined ? inetPton6(f[0] ?? "") : undefined;
      if (a6) for (const n of f.slice(1)) if (!m6.has(n)) m6.set(n, bytesToWords6(a6));
      if (a === undefined) continue;
      for (const n of f.slice(1)) if (!m.has(n)) m.set(n, a);
    }
  }
  return { v4: m, v6: m6 };
}

/** xshared.c: do_parse() */
/**
 * libxtables' loading of an extension (xtables_fully_register_pending_match/target): the first
 * time in a process, the nft variant asks the kernel which revisions it has
 * (nft_compatible_revision()); for revision 0 of one the kernel lacks it warns and goes on
 */
export interface ExtLoader {
  sys: Process["sys"];
  /** the extensions this process has loaded ("match:NAME", "target:NAME") */
  loaded: Set<string>;
  /** ip6tables: the revisions are asked of the IPv6 side */
  v6?: boolean;
}

function loadExt(ext: Ext, loader: ExtLoader | undefined, warn: (msg: string) => void): Ext {
  if (!loader) return ext;
  const key = `${ext.kind}:${ext.name}`;
  if (loader.loaded.has(key)) return ext;
  loader.loaded.add(key);
  const req = `${loader.v6 ? "IP6T" : "IPT"}_SO_GET_REVISION_${ext.kind === "match" ? "MATCH" : "TARGET"}`;
  const r = loader.sys.ioctl({ request: req, name: ext.realName ?? ext.name, revision: ext.revision });
  if (isKErr(r) && (r.errno === "ENOENT" || r.errno === "EPROTONOSUPPORT") && ext.revision === 0)
    warn(`Warning: Extension ${ext.name} revision 0 not supported, missing kernel module?\n`);
  return ext;
}

function doParse(argv: string[], ictx: Pick<IptCtx, "hosts" | "hosts6" | "v6">, restoreTable: string | undefined, warn: (msg: string) => void, asked?: Set<string>, loader?: ExtLoader): CmdState {
  const hosts = ictx.hosts;
  const fam = ictx.v6 ? 6 : 4;
  const cs: CmdState = {
    command: CMD_NONE, chain: undefined, newname: "", policy: "", rulenum: 0, table: restoreTable ?? "filter", verbose: 0,
    numeric: false, exact: false, linenumbers: false, ip: zeroIp(ictx.v6), saddrs: undefined, daddrs: undefined, jumpto: "",
    target: undefined, matches: [], options: new Set(), protoUsed: false, counters: undefined,
  };
  const loaded = (): Ext[] => [...cs.matches.map((m) => m.ext), ...(cs.target ? [cs.target.ext] : [])];
  const g = new Getopt(argv, loaded);
  const ctx: ParseCtx = {
    proto: 0, invflags: 0, seen: new Set(), warn,
    nextArg: () => (g.optind < argv.length && argv[g.optind]![0] !== "-" && argv[g.optind]![0] !== "!" ? argv[g.optind++] : undefined),
  };
  let invert = false;
  const optional = (): string | undefined => {
    if (g.optarg !== undefined) return g.optarg;
    const a = argv[g.optind];
    if (a !== undefined && a[0] !== "-" && a[0] !== "!") {
      g.optind++;
      return a;
    }
    return undefined;
  };
  for (;;) {
    const r = g.next();
    if (!r) break;
    const c = r.c;
    const optarg = g.optarg;
    switch (c) {
      case "A":
        addCommand(cs, CMD_APPEND, CMD_NONE, invert);
        cs.chain = optarg!;
        break;
      case "C":
        addCommand(cs, CMD_CHECK, CMD_NONE, invert);
        cs.chain = optarg!;
        break;
      case "D":
        addCommand(cs, CMD_DELETE, CMD_NONE, invert);
        cs.chain = optarg!;
        if (g.optind < argv.length && argv[g.optind]![0] !== "-" && argv[g.optind]![0] !== "!") {
          cs.rulenum = parseRulenumber(argv[g.optind++]!);
          cs.command = CMD_DELETE_NUM;
        }
        break;
      case "R":
        addCommand(cs, CMD_REPLACE, CMD_NONE, invert);
        cs.chain = optarg!;
        if (g.optind < argv.length && argv[g.optind]![0] !== "-" && argv[g.optind]![0] !== "!") cs.rulenum = parseRulenumber(argv[g.optind++]!);
        else xtablesError(PARAMETER_PROBLEM, `-R requires a rule number`);
        break;
      case "I":
        addCommand(cs, CMD_INSERT, CMD_NONE, invert);
        cs.chain = optarg!;
        if (g.optind < argv.length && argv[g.optind]![0] !== "-" && argv[g.optind]![0] !== "!") cs.rulenum = parseRulenumber(argv[g.optind++]!);
        else cs.rulenum = 1;
        break;
      case "L": {
        addCommand(cs, CMD_LIST, CMD_ZERO | CMD_ZERO_NUM, invert);
        const a = optional();
        if (a !== undefined) cs.chain = a;
        if (g.optind < argv.length && argv[g.optind]![0] !== "-" && argv[g.optind]![0] !== "!") cs.rulenum = parseRulenumber(argv[g.optind++]!);
        break;
      }
      case "S": {
        addCommand(cs, CMD_LIST_RULES, CMD_ZERO | CMD_ZERO_NUM, invert);
        const a = optional();
        if (a !== undefined) cs.chain = a;
        if (g.optind < argv.length && argv[g.optind]![0] !== "-" && argv[g.optind]![0] !== "!") cs.rulenum = parseRulenumber(argv[g.optind++]!);
        break;
      }
      case "F": {
        addCommand(cs, CMD_FLUSH, CMD_NONE, invert);
        const a = optional();
        if (a !== undefined) cs.chain = a;
        break;
      }
      case "Z": {
        addCommand(cs, CMD_ZERO, CMD_LIST | CMD_LIST_RULES, invert);
        const a = optional();
        if (a !== undefined) cs.chain = a;
        if (g.optind < argv.length && argv[g.optind]![0] !== "-" && argv[g.optind]![0] !== "!") {
          cs.rulenum = parseRulenumber(argv[g.optind++]!);
          cs.command = (cs.command & ~CMD_ZERO) | CMD_ZERO_NUM;
        }
        break;
      }
      case "N":
        assertValidChainName(optarg!, fam);
        addCommand(cs, CMD_NEW_CHAIN, CMD_NONE, invert);
        cs.chain = optarg!;
        break;
      case "X": {
        addCommand(cs, CMD_DELETE_CHAIN, CMD_NONE, invert);
        const a = optional();
        if (a !== undefined) cs.chain = a;
        break;
      }
      case "E":
        addCommand(cs, CMD_RENAME_CHAIN, CMD_NONE, invert);
        cs.chain = optarg!;
        if (g.optind < argv.length && argv[g.optind]![0] !== "-" && argv[g.optind]![0] !== "!") cs.newname = argv[g.optind++]!;
        else xtablesError(PARAMETER_PROBLEM, "-E requires old-chain-name and new-chain-name");
        break;
      case "P":
        addCommand(cs, CMD_SET_POLICY, CMD_NONE, invert);
        cs.chain = optarg!;
        if (g.optind < argv.length && argv[g.optind]![0] !== "-" && argv[g.optind]![0] !== "!") cs.policy = argv[g.optind++]!;
        else xtablesError(PARAMETER_PROBLEM, "-P requires a chain and a policy");
        break;
      case "h": {
        // do_parse(): with no match loaded, `-p PROTO -h` loads the match named as the protocol
        // was written; then xtables_printhelp(): print_extension_helps() gives the used target's
        // help, then each loaded match's in the order they were loaded (twice if loaded twice)
        const helps: string[] = [];
        if (cs.target) helps.push(cs.target.ext.help ?? noOptionsHelp(cs.target.ext.name));
        else if (cs.standardUsed) helps.push(STANDARD_HELP);
        for (const m of cs.matches) helps.push(m.ext.help ?? noOptionsHelp(m.ext.name));
        if (!cs.matches.length && cs.protocol !== undefined) {
          const pm = findMatch(cs.protocol, fam);
          const h = pm ? (pm.help ?? noOptionsHelp(pm.name)) : Object.hasOwn(PROTO_ONLY_HELP, cs.protocol) ? PROTO_ONLY_HELP[cs.protocol] : undefined;
          if (h !== undefined) helps.push(h);
        }
        throw new HelpRequest(helps);
      }
      case "p":
        setOption(cs, "p", IPT_INV_PROTO, invert);
        cs.protocol = optarg!.toLowerCase();
        cs.ip.proto = parseProtocol(optarg!);
        ctx.proto = cs.ip.proto;
        if (cs.ip.proto === 0 && cs.ip.invflags & IPT_INV_PROTO) xtablesError(PARAMETER_PROBLEM, "rule would never match protocol");
        break;
      case "s":
        setOption(cs, "s", IPT_INV_SRCIP, invert);
        cs.saddrs = optarg;
        break;
      case "d":
        setOption(cs, "d", IPT_INV_DSTIP, invert);
        cs.daddrs = optarg;
        break;
      case "j":
      case "g": {
        if (c === "g") {
          setOption(cs, "g", undefined, invert);
          cs.ip.flags |= ictx.v6 ? IP6T_F_GOTO : IPT_F_GOTO;
          cs.jumpto = parseTarget(optarg!);
          break;
        }
        setOption(cs, "j", undefined, invert);
        cs.jumpto = parseTarget(optarg!);
        const t = findTarget(optarg!, fam);
        if (t) cs.target = { ext: loadExt(t, loader, warn), data: t.init() };
        else if (Object.hasOwn(STANDARD_TARGETS, optarg!)) cs.standardUsed = true;
        break;
      }
      case "i":
        if (optarg === "") xtablesError(PARAMETER_PROBLEM, "Empty interface is likely to be undesired");
        setOption(cs, "i", IPT_INV_VIA_IN, invert);
        cs.ip.iniface = parseInterface(optarg!, warn);
        break;
      case "o":
        if (optarg === "") xtablesError(PARAMETER_PROBLEM, "Empty interface is likely to be undesired");
        setOption(cs, "o", IPT_INV_VIA_OUT, invert);
        cs.ip.outiface = parseInterface(optarg!, warn);
        break;
      case "f":
        if (ictx.v6) xtablesError(PARAMETER_PROBLEM, "`-f' is not supported in IPv6, use -m frag instead");
        setOption(cs, "f", IPT_INV_FRAG, invert);
        cs.ip.flags |= IPT_F_FRAG;
        break;
      case "v":
        if (!cs.verbose) cs.options.add("v");
        cs.verbose++;
        break;
      case "m": {
        if (invert) xtablesError(PARAMETER_PROBLEM, "unexpected ! flag before --match");
        const m = findMatch(optarg!, fam);
        if (!m) xtablesError(PARAMETER_PROBLEM, `Couldn't load match \`${optarg}':No such file or directory\n`);
        cs.matches.push({ ext: loadExt(m, loader, warn), data: m.init() });
        break;
      }
      case "n":
        setOption(cs, "n", undefined, invert);
        cs.numeric = true;
        break;
      case "t":
        if (invert) xtablesError(PARAMETER_PROBLEM, "unexpected ! flag before --table");
        if (restoreTable !== undefined) xtablesError(PARAMETER_PROBLEM, "The -t option cannot be used in iptables-restore.\n");
        cs.table = optarg!;
        break;
      case "x":
        setOption(cs, "x", undefined, invert);
        cs.exact = true;
        break;
      case "V":
        throw new VersionRequest();
      case "w":
      case "W":
        if (c === "w" && optarg === undefined) optional();
        break;
      case "0":
        setOption(cs, "0", undefined, invert);
        cs.linenumbers = true;
        break;
      case "M":
        break;
      case "c": {
        setOption(cs, "c", undefined, invert);
        const pcnt = optarg!;
        const comma = pcnt.indexOf(",", 1);
        let bcnt: string | undefined = comma >= 0 ? pcnt.slice(comma + 1) : undefined;
        if (bcnt === undefined && g.optind < argv.length && argv[g.optind]![0] !== "-" && argv[g.optind]![0] !== "!") bcnt = argv[g.optind++];
        if (bcnt === undefined) xtablesError(PARAMETER_PROBLEM, "-c requires packet and byte counter");
        const pm = /^\s*(\d+)/.exec(comma >= 0 ? pcnt.slice(0, comma) : pcnt);
        if (!pm) xtablesError(PARAMETER_PROBLEM, "-c packet counter not numeric");
        const bm = /^\s*(\d+)/.exec(bcnt);
        if (!bm) xtablesError(PARAMETER_PROBLEM, "-c byte counter not numeric");
        cs.counters = { pcnt: Number(pm[1]), bcnt: Number(bm[1]) };
        break;
      }
      case "4":
      case "6":
        // the other family's: exit_tryhelp(2), no message of its own (iptables-restore: the
        // rest of the line is not parsed)
        if ((c === "6") === ictx.v6) break;
        if (restoreTable !== undefined) return cs;
        throw new BadArgument();
      case "\x01":
        if (optarg === "!") {
          if (invert) xtablesError(PARAMETER_PROBLEM, "multiple consecutive ! not allowed");
          invert = true;
          continue;
        }
        throw new BadArgument(optarg!);
      case ":":
        xtablesError(PARAMETER_PROBLEM, `option "${argv[g.optind - 1]}" requires an argument`);
      case "ext": {
        const { ext, name } = r.extOpt!;
        const holder = ext.kind === "target" ? cs.target! : cs.matches.find((m) => m.ext === ext)!;
        ctx.invflags = cs.ip.invflags;
        // an extension that reads its values itself still gets xtables_option_parse()'s checks
        const entry = ext.x6 ? xtoptCheck(ext.name, ext.x6, name, invert, holder.data) : undefined;
        // (its parse sees the option by its entry's name, as cb->entry names it: --dport is
        // --destination-port)
        ext.parse(entry?.name ?? name, optarg ?? "", invert, holder.data, ctx);
        if (entry) xtoptSeen(holder.data, entry);
        break;
      }
      case "?":
      default: {
        // command_default(): the protocol's match loaded implicitly (-p tcp --dport)
        const bad = argv[g.optind - 1]!;
        const pname = protoName(cs.ip.proto);
        const pm = !cs.protoUsed && cs.ip.proto && !(cs.ip.invflags & IPT_INV_PROTO) && pname ? findMatch(pname, fam) : undefined;
        if (pm && bad.startsWith("--")) {
          cs.protoUsed = true;
          cs.matches.push({ ext: loadExt(pm, loader, warn), data: pm.init() });
          g.optind--;
          continue;
        }
        xtablesError(PARAMETER_PROBLEM, `unknown option "${bad}"`);
      }
    }
    invert = false;
  }
  // xtables_option_mfcheck()/tfcheck(): the extension's own check, then the table's
  const fcheck = (x: { ext: Ext; data: Record<string, any> }): void => {
    x.ext.final?.(x.data, ctx);
    if (x.ext.x6) xtoptFcheckFlags(x.ext.name, x.ext.x6, takeXflags(x.data));
  };
  for (const m of cs.matches) fcheck(m);
  if (cs.target) fcheck(cs.target);
  // (after "--" getopt_long() stops: what is left is no option)
  if (g.optind < argv.length) xtablesError(PARAMETER_PROBLEM, "unknown arguments found on commandline");
  if (cs.command === CMD_NONE) xtablesError(PARAMETER_PROBLEM, "no command specified");
  if (invert) xtablesError(PARAMETER_PROBLEM, "nothing appropriate following !");
  // ipv4_post_parse() / ipv6_post_parse(): -s and -d are resolved before the options are
  // checked against the command; ip6tables-legacy's IP6T_F_PROTO is set on every rule
  if (ictx.v6) {
    cs.ip.flags |= IP6T_F_PROTO;
    if (cs.saddrs !== undefined) ip6parseMultiple(cs.saddrs, ictx.hosts6);
    if (cs.daddrs !== undefined) ip6parseMultiple(cs.daddrs, ictx.hosts6);
  } else {
    if (cs.saddrs !== undefined) parseAddrs(cs.saddrs, hosts, asked);
    if (cs.daddrs !== undefined) parseAddrs(cs.daddrs, hosts, asked);
  }
  genericOptCheck(cs.command, cs.options);
  if (cs.chain === "PREROUTING" || cs.chain === "INPUT") {
    // -o is not valid with incoming packets
    if (cs.options.has("o")) xtablesError(PARAMETER_PROBLEM, `Can't use -o with ${cs.chain}\n`);
  }
  if (cs.chain === "POSTROUTING" || cs.chain === "OUTPUT") {
    if (cs.options.has("i")) xtablesError(PARAMETER_PROBLEM, `Can't use -i with ${cs.chain}\n`);
  }
  void hosts;
  return cs;
}

/** xshared.c: optflags[] and commands_v_options[][]: which options each command takes */
const OPTFLAGS = ["-n", "-s", "-d", "-p", "-j", "-v", "-x", "-i", "-o", "--line-numbers", "-c", "-f"];
const OPT_KEYS = ["n", "s", "d", "p", "j", "v", "x", "i", "o", "0", "c", "f"];
const COMMANDS_V_OPTIONS: [number, string][] = [
  /*                 -n  -s  -d  -p  -j  -v  -x  -i  -o --line -c -f */
  [CMD_INSERT,       "x     x  x  "],
  [CMD_DELETE,       "x     x  xx "],
  [CMD_DELETE_NUM,   "xxxxx xxxxxx"],
  [CMD_REPLACE,      "x     x  x  "],
  [CMD_APPEND,       "x     x  x  "],
  [CMD_LIST,         " xxxx  xx xx"],
  [CMD_FLUSH,        "xxxxx xxxxxx"],
  [CMD_ZERO,         "xxxxx xxxxxx"],
  [CMD_NEW_CHAIN,    "xxxxx xxxxxx"],
  [CMD_DELETE_CHAIN, "xxxxx xxxxxx"],
  [CMD_SET_POLICY,   "xxxxx xxxx x"],
  [CMD_RENAME_CHAIN, "xxxxx xxxxxx"],
  [CMD_LIST_RULES,   "xxxxx xxxxxx"],
  [CMD_ZERO_NUM,     "xxxxx xxxxxx"],
  [CMD_CHECK,        "x     x  xx "],
];

/** xshared.c: generic_opt_check() */
function genericOptCheck(command: number, options: Set<string>): void {
  OPT_KEYS.forEach((k, i) => {
    if (!options.has(k) && !(k === "j" && options.has("g"))) return;
    let legal = 0;
    for (const [cmd, row] of COMMANDS_V_OPTIONS) {
      if (!(command & cmd)) continue;
      if (row[i] !== "x") legal = 1;
      else if (legal === 0) legal = -1;
    }
    if (legal === -1) xtablesError(PARAMETER_PROBLEM, `Illegal option \`${OPTFLAGS[i]}' with this command`);
  });
}

class HelpRequest extends Error {
  /** each loaded extension's help text, in the order printed */
  constructor(readonly helps: string[] = []) {
    super();
  }
}
/** found when the command is run against the table (nft: when the batch is built), not at parse */
export class JumpMissing extends XtablesError {}
class VersionRequest extends Error {}
/** "Bad argument `ARG'" then exit_tryhelp(2); without an argument, exit_tryhelp(2) alone */
class BadArgument extends Error {
  constructor(public readonly arg?: string) {
    super(arg);
  }
}

/** the nft_strerror() table */
function nftStrerror(fn: string, errno: Errno): string {
  const table: [string | null, Errno, string][] = [
    ["chain_user_del", "ENOTEMPTY", "Chain is not empty"],
    ["chain_user_del", "EINVAL", "Can't delete built-in chain"],
    ["chain_user_del", "EBUSY", "Directory not empty"],
    ["chain_user_del", "EMLINK", "Can't delete chain with references left"],
    ["chain_user_add", "EEXIST", "Chain already exists"],
    ["chain_user_rename", "EEXIST", "File exists"],
    ["rule_insert", "E2BIG", "Index of insertion too big"],
    ["rule_check", "ENOENT", "Bad rule (does a matching rule exist in that chain?)"],
    ["rule_replace", "E2BIG", "Index of replacement too big"],
    ["rule_delete_num", "E2BIG", "Index of deletion too big"],
    ["rule_delete", "ENOENT", "Bad rule (does a matching rule exist in that chain?)"],
    ["chain_set", "ENOENT", "Bad built-in chain name"],
    ["chain_set", "EINVAL", "Bad policy name"],
    ["chain_set", "ENXIO", "Bad built-in chain name"],
    [null, "ELOOP", "Loop found in table"],
    [null, "EPERM", "Permission denied (you must be root)"],
    [null, "ENOPROTOOPT", "iptables who? (do you need to insmod?)"],
    [null, "ENOSYS", "Will be implemented real soon.  I promise ;)"],
    [null, "ENOMEM", "Memory allocation problem"],
    [null, "ENOENT", "No chain/target/match by that name"],
  ];
  for (const [f, e, s] of table) if ((f === null || f === fn) && e === errno) return s;
  return strerror(errno);
}

/** an nft_cmd_* failure: errno for the "iptables: %s." path */
class CmdFail extends Error {
  constructor(public readonly fn: string, public readonly errno: Errno) {
    super(errno);
  }
}

/** a batch (kernel) failure: exit 4 with "OP failed (strerror): what" */
class BatchFail extends Error {
  constructor(public readonly op: string, public readonly errno: Errno, public readonly what: string) {
    super(op);
  }
}

/** the rules a command adds: one per (source, destination) pair, as iptables expands -s/-d lists */
function buildRules(cs: CmdState, ctx: IptCtx): Rule[] {
  if (isIp6(cs.ip)) return buildRules6(cs, cs.ip, ctx.hosts6);
  const hosts = ctx.hosts;
  const srcs = cs.saddrs !== undefined ? parseAddrs(cs.saddrs, hosts) : [{ addr: 0, mask: 0 }];
  const dsts = cs.daddrs !== undefined ? parseAddrs(cs.daddrs, hosts) : [{ addr: 0, mask: 0 }];
  const { matches, target } = ruleExts(cs);
  const out: Rule[] = [];
  for (const s of srcs) {
    for (const d of dsts) {
      const ip = { ...cs.ip, src: s.addr, smsk: s.mask, dst: d.addr, dmsk: d.mask };
      out.push({ ip, matches, jumpto: target ? target.name : cs.jumpto, target, counters: { ...(cs.counters ?? { pcnt: 0, bcnt: 0 }) } });
    }
  }
  return out;
}

/** the matches and target of the rules a command adds */
function ruleExts(cs: CmdState): { matches: XtEntryExt[]; target: XtEntryExt | undefined } {
  const matches: XtEntryExt[] = cs.matches.map((m) => ({ name: m.ext.realName ?? m.ext.name, revision: m.ext.revision, data: JSON.parse(JSON.stringify(m.data)) }));
  const target: XtEntryExt | undefined = cs.target
    ? { name: cs.target.ext.realName ?? cs.target.ext.name, revision: cs.target.ext.revision, data: JSON.parse(JSON.stringify(cs.target.data)) }
    : undefined;
  return { matches, target };
}

/** ip6tables' rules: one per (source, destination) pair of xtables_ip6parse_multiple() */
function buildRules6(cs: CmdState, ip6: Ip6tIp6, hosts6: Map<string, Ip6Words>): Rule[] {
  const none = [{ addr: [0, 0, 0, 0], mask: [0, 0, 0, 0] }];
  const srcs = cs.saddrs !== undefined ? ip6parseMultiple(cs.saddrs, hosts6) : none;
  const dsts = cs.daddrs !== undefined ? ip6parseMultiple(cs.daddrs, hosts6) : none;
  const { matches, target } = ruleExts(cs);
  const out: Rule[] = [];
  for (const s of srcs) {
    for (const d of dsts) {
      const ip: Ip6tIp6 = { ...ip6, src6: s.addr, smsk6: s.mask, dst6: d.addr, dmsk6: d.mask };
      // (nft-ipv6.c's rule carries no counters: -c and a restore line's [p:b] give zero)
      out.push({ ip, matches, jumpto: target ? target.name : cs.jumpto, target, counters: { pcnt: 0, bcnt: 0 } });
    }
  }
  return out;
}

// ---------------- printing ----------------
function fmt(format: number, tab: string, notab: string): string {
  return format & FMT_NOTABLE ? notab : tab;
}
function padL(s: string, w: number): string {
  return s.length >= w ? s : " ".repeat(w - s.length) + s;
}
function padR(s: string, w: number): string {
  return s.length >= w ? s : s + " ".repeat(w - s.length);
}

/** libxtables: xtables_print_num() */
function printNum(n: number, format: number): string {
  if (!(format & FMT_KILOMEGAGIGA)) return fmt(format, padL(String(n), 8) + " ", `${n} `);
  if (n <= 99999) return fmt(format, padL(String(n), 5) + " ", `${n} `);
  for (const suf of ["K", "M", "G"]) {
    n = Math.floor((n + 500) / 1000);
    if (n <= 9999) return fmt(format, padL(String(n), 4) + suf + " ", `${n}${suf} `);
  }
  n = Math.floor((n + 500) / 1000);
  return fmt(format, padL(String(n), 4) + "T ", `${n}T `);
}

/** xshared.c: print_header() */
function printHeader(format: number, c: Chain, refs: number): string {
  let s = `Chain ${c.name}`;
  if (c.hook >= 0) {
    s += ` (policy ${c.policy}`;
    if (!(format & FMT_NOCOUNTS)) {
      s += " " + printNum(c.counters.pcnt, format | FMT_NOTABLE) + "packets, " + printNum(c.counters.bcnt, format | FMT_NOTABLE) + "bytes";
    }
    s += ")\n";
  } else {
    s += ` (${refs} references)\n`;
  }
  if (format & FMT_LINENUMBERS) s += fmt(format, padR("num", 4) + " ", "num ");
  if (!(format & FMT_NOCOUNTS)) {
    if (format & FMT_KILOMEGAGIGA) s += fmt(format, padL("pkts", 5) + " ", "pkts ") + fmt(format, padL("bytes", 5) + " ", "bytes ");
    else s += fmt(format, padL("pkts", 8) + " ", "pkts ") + fmt(format, padL("bytes", 10) + " ", "bytes ");
  }
  if (!(format & FMT_NOTARGET)) s += fmt(format, padR("target", 9) + " ", "target ");
  s += " prot ";
  if (format & FMT_OPTIONS) s += "opt";
  if (format & FMT_VIA) s += fmt(format, " " + padR("in", 6) + " ", "in ") + fmt(format, padR("out", 6) + " ", "out ");
  s += fmt(format, " " + padR("source", 19) + " ", "source ") + fmt(format, " " + padR("destination", 19) + " ", " destination ");
  return s + "\n";
}

/** xtables.c: xtables_ipaddr_to_anyname() (names looked up beforehand by resolveListNames) */
function addrName(a: number, numeric: boolean, hostsRev: Map<number, string>): string {
  if (!numeric) {
    const n = hostsRev.get(a);
    if (n) return n;
  }
  return ipStr(a);
}

/**
 * The name lookups list_entries() makes while it prints: ipaddr_to_host() (getnameinfo with
 * NI_NAMEREQD: /etc/hosts, then DNS) for every source and destination that is not "anywhere",
 * in print order, one lookup per occurrence as iptables keeps no cache. Done after the table
 * (and so its counters) was read, before printing; names DNS gives join ctx.hostsRev.
 */
async function resolveListNames(ctx: IptCtx, h: IptcHandle, cs: CmdState): Promise<void> {
  // (ip6tables: only the names /etc/hosts gives, see addrName6())
  if (cs.numeric || ctx.v6) return;
  const chains = cs.chain !== undefined ? [h.findChain(cs.chain)] : h.chains;
  const rules: Rule[] = [];
  for (const c of chains) {
    if (!c) return;
    if (cs.rulenum) {
      const r = c.rules[cs.rulenum - 1];
      if (r) rules.push(r);
    } else rules.push(...c.rules);
  }
  const files = new Set(ctx.hostsRev.keys());
  let dns: StubResolver | undefined;
  for (const r of rules) {
    for (const [a, m] of [[r.ip.src, r.ip.smsk], [r.ip.dst, r.ip.dmsk]] as const) {
      if (m === 0 || files.has(a)) continue;
      dns ??= await StubResolver.load(ctx.p);
      const name = await dns.gethostbyaddr(a);
      if (name) ctx.hostsRev.set(a, name);
    }
  }
}

/** nft-ipv6.c: xtables_ip6addr_to_anyname() (from /etc/hosts, else numeric) */
function addrName6(a: Ip6Words, numeric: boolean, hostsRev6: Map<string, string>): string {
  const t = ip6ToStr(a);
  return (!numeric && hostsRev6.get(t)) || t;
}

/** print_ipv4_addresses() / nft-ipv6.c print_ipv6_addresses(): one address column */
function printAddr(ip: IptIp, dst: boolean, format: number, ctx: Pick<IptCtx, "hostsRev" | "hostsRev6">): string {
  const numeric = !!(format & FMT_NUMERIC);
  let a: string;
  if (isIp6(ip)) {
    // (print_ipv6_addresses(): "anywhere" is the address ::, whatever its mask)
    const x = dst ? ip.dst6 : ip.src6;
    a = x.every((w) => w === 0) && !numeric ? "anywhere" : addrName6(x, numeric, ctx.hostsRev6) + ip6maskToNumeric(dst ? ip.dmsk6 : ip.smsk6);
  } else {
    const m = dst ? ip.dmsk : ip.smsk;
    a = m === 0 && !numeric ? "anywhere" : addrName(dst ? ip.dst : ip.src, numeric, ctx.hostsRev) + maskToNumeric(m);
  }
  return fmt(format, padR(a, 19) + " ", `${a} `);
}

/** nft-ipv4.c: nft_ipv4_print_rule() (nft-ipv6.c: nft_ipv6_print_rule()) through print_rule_details(), print_fragment(), print_ifaces(), print_ipv4_addresses() */
function printRule(r: Rule, num: number, format: number, ctx: Pick<IptCtx, "hostsRev" | "hostsRev6">): string {
  const ip = r.ip;
  const numeric = !!(format & FMT_NUMERIC);
  let s = "";
  if (format & FMT_LINENUMBERS) s += fmt(format, padR(String(num), 4) + " ", `${num} `);
  if (!(format & FMT_NOCOUNTS)) s += printNum(r.counters.pcnt, format) + printNum(r.counters.bcnt, format);
  if (!(format & FMT_NOTARGET)) s += fmt(format, padR(r.jumpto, 9) + " ", `${r.jumpto} `);
  s += ip.invflags & IPT_INV_PROTO ? "!" : " ";
  const pname = numeric ? undefined : protoName(ip.proto);
  s += pname ? fmt(format, padR(pname, 4) + " ", `${pname} `) : fmt(format, padR(String(ip.proto), 4) + " ", `${ip.proto} `);
  if (format & FMT_OPTIONS) {
    if (format & FMT_NOTABLE) s += "opt ";
    // (an ip6t_ip6 has no fragment flag: its IP6T_F_PROTO shares the bit)
    s += (ip.invflags & IPT_INV_FRAG ? "!" : "-") + (ip.flags & IPT_F_FRAG && !isIp6(ip) ? "f" : "-") + " ";
  }
  if (format & FMT_VIA) {
    const any = numeric ? "*" : "any";
    const i = (ip.invflags & IPT_INV_VIA_IN ? "!" : "") + (ip.iniface || any);
    const o = (ip.invflags & IPT_INV_VIA_OUT ? "!" : "") + (ip.outiface || any);
    s += fmt(format, " " + padR(i, 6) + " ", `in ${i} `) + fmt(format, padR(o, 6) + " ", `out ${o} `);
  }
  s += ip.invflags & IPT_INV_SRCIP ? "!" : " ";
  s += printAddr(ip, false, format, ctx);
  s += ip.invflags & IPT_INV_DSTIP ? "!" : " ";
  s += printAddr(ip, true, format, ctx);
  if (format & FMT_NOTABLE) s += "  ";
  if (isGoto(ip)) s += "[goto] ";
  const fam = isIp6(ip) ? 6 : 4;
  // print_matches_and_target()
  for (const m of r.matches) {
    const e = extForEntry("match", m.name, m.data, fam);
    s += e ? e.print(m.data, numeric, ip.proto) : `${m.name} `;
  }
  if (r.target) {
    const e = extForEntry("target", r.target.name, r.target.data, fam);
    if (e) s += e.print(r.target.data, numeric, ip.proto);
  }
  if (!(format & FMT_NONEWLINE)) s += "\n";
  return s;
}

/** nft-ipv4.c: nft_ipv4_save_rule() (after "-A chain"); -S -v puts the counters after the ip part */
function saveRule(r: Rule, counters = false): string {
  const ip = r.ip;
  let s = "";
  const addr = (flag: number, opt: string, a: number, m: number) => {
    if (!m && !(ip.invflags & flag)) return;
    s += `${ip.invflags & flag ? " !" : ""} ${opt} ${ipStr(a)}${maskLen(m) >= 0 ? "/" + maskLen(m) : "/" + ipStr(m)}`;
  };
  // nft-ipv6.c: save_ipv6_addr()
  const addr6 = (flag: number, opt: string, a: Ip6Words, m: Ip6Words) => {
    const l = ip6maskToCidr(m);
    if (!(ip.invflags & flag) && l === 0) return;
    s += `${ip.invflags & flag ? " !" : ""} ${opt} ${ip6ToStr(a)}/${l < 0 ? ip6ToStr(m) : l}`;
  };
  if (isIp6(ip)) {
    addr6(IPT_INV_SRCIP, "-s", ip.src6, ip.smsk6);
    addr6(IPT_INV_DSTIP, "-d", ip.dst6, ip.dmsk6);
  } else {
    addr(IPT_INV_SRCIP, "-s", ip.src, ip.smsk);
    addr(IPT_INV_DSTIP, "-d", ip.dst, ip.dmsk);
  }
  if (ip.iniface) s += `${ip.invflags & IPT_INV_VIA_IN ? " !" : ""} -i ${ip.iniface}`;
  if (ip.outiface) s += `${ip.invflags & IPT_INV_VIA_OUT ? " !" : ""} -o ${ip.outiface}`;
  if (ip.proto) s += `${ip.invflags & IPT_INV_PROTO ? " !" : ""} -p ${protoName(ip.proto) ?? ip.proto}`;
  if (ip.flags & IPT_F_FRAG && !isIp6(ip)) s += `${ip.invflags & IPT_INV_FRAG ? " !" : ""} -f`;
  if (counters) s += ` -c ${r.counters.pcnt} ${r.counters.bcnt}`;
  const fam = isIp6(ip) ? 6 : 4;
  for (const m of r.matches) {
    const e = extForEntry("match", m.name, m.data, fam);
    s += ` -m ${e ? e.name : m.name}`;
    if (e) s += e.save(m.data);
  }
  if (r.target) {
    const e = extForEntry("target", r.target.name, r.target.data, fam);
    s += ` -j ${e?.saveName ? e.saveName(r.target.data) : r.target.name}`;
    if (e) s += e.save(r.target.data);
  } else if (r.jumpto) {
    s += isGoto(ip) ? ` -g ${r.jumpto}` : ` -j ${r.jumpto}`;
  }
  return s;
}

export interface IptCtx {
  p: Process;
  /** the extensions loaded so far by this process */
  loader?: ExtLoader;
  prog: string;
  hostsRev: Map<number, string>;
  hosts: Map<string, number>;
  /** ip6tables (AF_INET6): the IPv6 tables, addresses and extensions */
  v6: boolean;
  /** /etc/hosts' IPv6 names, and the first name of each address (by its text) */
  hosts6: Map<string, Ip6Words>;
  hostsRev6: Map<string, string>;
}

function extLoader(ctx: IptCtx): ExtLoader {
  return (ctx.loader ??= { sys: ctx.p.sys, loaded: new Set(), v6: ctx.v6 });
}

function openTable(ctx: IptCtx, table: string): IptcHandle {
  const h = IptcHandle.init(ctx.p.sys, table, ctx.v6);
  if (isKErr(h)) {
    if (h.errno === "ENOENT") throw new XtablesError(VERSION_PROBLEM, `table '${table}' does not exist\nPerhaps ${ctx.v6 ? "ip6tables" : "iptables"} or your kernel needs to be upgraded.`);
    throw new XtablesError(OTHER_PROBLEM, `can't initialize iptables table \`${table}': ${strerror(h.errno)}`);
  }
  return h;
}

function commit(h: IptcHandle, op: string, what: string): void {
  const e = h.commit();
  if (e) throw new BatchFail(op, e.errno, what);
}

function needChain(h: IptcHandle, name: string, fn: string): Chain {
  const c = h.findChain(name);
  if (!c) throw new CmdFail(fn, "ENOENT");
  return c;
}

function checkJump(h: IptcHandle, cs: CmdState): void {
  if (cs.jumpto && !cs.target && !(cs.jumpto in STANDARD_TARGETS)) {
    const c = h.findChain(cs.jumpto);
    if (!c || c.hook >= 0) throw new JumpMissing(PARAMETER_PROBLEM, `Chain '${cs.jumpto}' does not exist`);
  }
}

/** xtables.c: do_commandx() on one table handle (commit left to the caller for restore) */
export function doCommand(ctx: IptCtx, cs: CmdState, h: IptcHandle, out: string[]): boolean {
  const cmd = cs.command;
  // (every command but -L -S -F -Z -X has its chain operand by now)
  const chain = cs.chain ?? "";
  if (cmd & (CMD_APPEND | CMD_INSERT | CMD_REPLACE | CMD_DELETE | CMD_CHECK)) {
    const rules = buildRules(cs, ctx);
    if (cmd === CMD_APPEND || cmd === CMD_INSERT) {
      const c = needChain(h, chain, cmd === CMD_APPEND ? "rule_append" : "rule_insert");
      checkJump(h, cs);
      c.created = true;
      if (cmd === CMD_APPEND) c.rules.push(...rules);
      else {
        if (cs.rulenum - 1 > c.rules.length) throw new CmdFail("rule_insert", "E2BIG");
        c.rules.splice(cs.rulenum - 1, 0, ...rules);
      }
      return true;
    }
    if (cmd === CMD_REPLACE) {
      const c = needChain(h, chain, "rule_replace");
      // nft_rule_replace(): nft_chain_find() knows only the base chains iptables-nft created
      if (c.hook >= 0 && !c.created) throw new CmdFail("rule_replace", "ENOENT");
      checkJump(h, cs);
      if (cs.rulenum > c.rules.length) throw new CmdFail("rule_replace", "E2BIG");
      c.rules[cs.rulenum - 1] = rules[0]!;
      return true;
    }
    const c = needChain(h, chain, cmd === CMD_DELETE ? "rule_delete" : "rule_check");
    checkJump(h, cs);
    for (const r of rules) {
      const i = c.rules.findIndex((x) => sameRule(x, r));
      if (i < 0) throw new CmdFail(cmd === CMD_DELETE ? "rule_delete" : "rule_check", "ENOENT");
      if (cmd === CMD_DELETE) c.rules.splice(i, 1);
    }
    return cmd === CMD_DELETE;
  }
  switch (cmd) {
    case CMD_DELETE_NUM: {
      const c = needChain(h, chain, "rule_delete_num");
      if (c.hook >= 0 && !c.created) throw new CmdFail("rule_delete_num", "ENOENT");
      if (cs.rulenum > c.rules.length) throw new CmdFail("rule_delete_num", "E2BIG");
      c.rules.splice(cs.rulenum - 1, 1);
      return true;
    }
    case CMD_FLUSH: {
      if (cs.chain !== undefined) needChain(h, chain, "rule_flush").rules = [];
      else for (const c of h.chains) c.rules = [];
      return true;
    }
    case CMD_ZERO:
    case CMD_ZERO_NUM:
      zero(h, cs, out);
      return true;
    case CMD_LIST:
    case CMD_LIST | CMD_ZERO:
    case CMD_LIST | CMD_ZERO_NUM:
      listEntries(ctx, h, cs, out);
      if (cmd & (CMD_ZERO | CMD_ZERO_NUM)) {
        zero(h, cs, out);
        return true;
      }
      return false;
    case CMD_LIST_RULES:
    case CMD_LIST_RULES | CMD_ZERO:
    case CMD_LIST_RULES | CMD_ZERO_NUM:
      listRules(h, cs, out);
      if (cmd & (CMD_ZERO | CMD_ZERO_NUM)) {
        zero(h, cs, out);
        return true;
      }
      return false;
    case CMD_NEW_CHAIN:
      if (h.findChain(chain)) throw new CmdFail("chain_user_add", "EEXIST");
      h.chains.push({ name: chain, hook: -1, policy: "-", counters: { pcnt: 0, bcnt: 0 }, rules: [] });
      sortChains(h);
      return true;
    case CMD_DELETE_CHAIN: {
      if (cs.chain !== undefined) {
        const c = needChain(h, chain, "chain_user_del");
        // (nf_tables refuses to delete a chain that still holds rules)
        if (c.hook >= 0 || c.rules.length) throw new BatchFail("CHAIN_DEL", "EBUSY", `chain ${chain}`);
        if (h.references(chain)) throw new BatchFail("CHAIN_DEL", "EBUSY", `chain ${chain}`);
        h.chains.splice(h.chains.indexOf(c), 1);
      } else {
        // every user chain, each empty and unreferenced (nf_tables refuses another: EBUSY)
        for (const c of h.chains.filter((x) => x.hook < 0)) {
          if (c.rules.length || h.references(c.name)) throw new BatchFail("CHAIN_DEL", "EBUSY", `chain ${c.name}`);
        }
        h.chains = h.chains.filter((x) => x.hook >= 0);
      }
      return true;
    }
    case CMD_RENAME_CHAIN: {
      // nft_cmd_chain_user_rename(): the new name must not exist, checked first
      if (h.findChain(cs.newname)) throw new CmdFail("chain_user_rename", "EEXIST");
      const c = needChain(h, chain, "chain_user_rename");
      if (c.hook >= 0) throw new CmdFail("chain_user_rename", "ENOENT");
      for (const x of h.chains) for (const r of x.rules) if (!r.target && r.jumpto === chain) r.jumpto = cs.newname;
      c.name = cs.newname;
      sortChains(h);
      return true;
    }
    case CMD_SET_POLICY: {
      // nft_chain_set(): the policy first (EINVAL), then nft_chain_new() finds the chain
      if (cs.policy !== "ACCEPT" && cs.policy !== "DROP") throw new CmdFail("chain_set", "EINVAL");
      const c = h.findChain(chain);
      if (!c || c.hook < 0) throw new CmdFail("chain_set", "ENOENT");
      c.policy = cs.policy;
      // nft_chain_new(): the base chain is sent again, its counters zero (-c or not)
      c.counters = { pcnt: 0, bcnt: 0 };
      c.countersOn = true;
      c.created = true;
      return true;
    }
  }
  return false;
}

function sortChains(h: IptcHandle): void {
  const b = h.chains.filter((c) => c.hook >= 0);
  const u = h.chains.filter((c) => c.hook < 0).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  h.chains = [...b, ...u];
}

function zero(h: IptcHandle, cs: CmdState, out?: string[]): void {
  // (without a chain: nft_chain_foreach() — the chains the table has, not the built-in ones
  // iptables-nft never created)
  // nft_rule_zero_counters() for -Z CHAIN NUM (it sets nft_fn = nft_rule_delete, whose
  // ENOENT is "Bad rule"), nft_chain_zero_counters() otherwise
  const fn = cs.command & CMD_ZERO_NUM ? "rule_delete" : "chain_zero_counters";
  const chains = cs.chain !== undefined ? [needChain(h, cs.chain, fn)] : h.chains.filter((c) => c.hook < 0 || c.created);
  // nft: zeroing a chain of a table iptables never wrote to fails in the kernel batch
  if (!h.exists && cs.chain !== undefined) throw new BatchFail("CHAIN_ZERO", "ENOENT", `chain ${cs.chain}`);
  // nft_chain_find(): a built-in chain never created in a table that exists is not there
  if (cs.chain !== undefined && chains[0]!.hook >= 0 && !chains[0]!.created) throw new CmdFail(fn, "ENOENT");
  for (const c of chains) {
    if (cs.verbose && out && !(cs.command & CMD_ZERO_NUM)) out.push(`Zeroing chain \`${c.name}'\n`);
    if (cs.command & CMD_ZERO_NUM) {
      const r = c.rules[cs.rulenum - 1];
      if (r) r.counters = { pcnt: 0, bcnt: 0 };
      continue;
    }
    c.counters = { pcnt: 0, bcnt: 0 };
    if (c.hook >= 0) c.countersOn = true;
    for (const r of c.rules) r.counters = { pcnt: 0, bcnt: 0 };
  }
}

function incompatible(cs: CmdState): never {
  throw new XtablesError(OTHER_PROBLEM, `chain \`${cs.chain}' in table \`${cs.table}' is incompatible, use 'nft' tool.`);
}

/** xtables.c: list_entries() -> nft_rule_list() */
function listEntries(ctx: IptCtx, h: IptcHandle, cs: CmdState, out: string[]): void {
  let format = FMT_OPTIONS;
  if (!cs.verbose) format |= FMT_NOCOUNTS;
  else format |= FMT_VIA;
  if (cs.numeric) format |= FMT_NUMERIC;
  if (!cs.exact) format |= FMT_KILOMEGAGIGA;
  if (cs.linenumbers) format |= FMT_LINENUMBERS;
  const chains = cs.chain !== undefined ? [h.findChain(cs.chain) ?? incompatible(cs)] : h.chains;
  let found = false;
  for (const c of chains) {
    if (cs.rulenum) {
      const r = c.rules[cs.rulenum - 1];
      if (r) out.push(printRule(r, cs.rulenum, format, ctx));
      continue;
    }
    if (found) out.push("\n");
    out.push(printHeader(format, c, h.references(c.name)));
    c.rules.forEach((r, i) => out.push(printRule(r, i + 1, format, ctx)));
    found = true;
  }
}

/** xtables.c: list_rules() -> nft_rule_list_save() */
function listRules(h: IptcHandle, cs: CmdState, out: string[]): void {
  const chains = cs.chain !== undefined ? [h.findChain(cs.chain) ?? incompatible(cs)] : h.chains;
  const counters = cs.verbose > 0;
  if (cs.rulenum) {
    const r = chains[0]!.rules[cs.rulenum - 1];
    if (r) out.push(`-A ${chains[0]!.name}${saveRule(r, counters)}\n`);
    return;
  }
  for (const c of chains) {
    if (c.hook >= 0) out.push(`-P ${c.name} ${c.policy}${counters ? ` -c ${c.counters.pcnt} ${c.counters.bcnt}` : ""}\n`);
    else out.push(`-N ${c.name}\n`);
  }
  for (const c of chains) for (const r of c.rules) out.push(`-A ${c.name}${saveRule(r, counters)}\n`);
}

/** iptables-save's body for one table */
export function saveTable(h: IptcHandle, counters: boolean): string {
  let s = `*${h.table}\n`;
  for (const c of h.chains) {
    if (c.hook >= 0) s += `:${c.name} ${c.policy} [${c.counters.pcnt}:${c.counters.bcnt}]\n`;
    else s += `:${c.name} - [0:0]\n`;
  }
  for (const c of h.chains) {
    for (const r of c.rules) s += `${counters ? `[${r.counters.pcnt}:${r.counters.bcnt}] ` : ""}-A ${c.name}${saveRule(r)}\n`;
  }
  return s + "COMMIT\n";
}

export async function makeCtx(p: Process, prog: string, v6 = false): Promise<IptCtx> {
  const { v4: hosts, v6: hosts6 } = await loadHosts(p);
  const hostsRev = new Map<number, string>();
  for (const [n, a] of hosts) if (!hostsRev.has(a)) hostsRev.set(a, n);
  const hostsRev6 = new Map<string, string>();
  for (const [n, a] of hosts6) if (!hostsRev6.has(ip6ToStr(a))) hostsRev6.set(ip6ToStr(a), n);
  return { p, prog, hosts, hostsRev, v6, hosts6, hostsRev6 };
}

function opName(cs: CmdState): string {
  switch (cs.command) {
    case CMD_APPEND: return "RULE_APPEND";
    case CMD_INSERT: return "RULE_INSERT";
    case CMD_REPLACE: return "RULE_REPLACE";
    case CMD_DELETE: case CMD_DELETE_NUM: return "RULE_DELETE";
    case CMD_NEW_CHAIN: return "CHAIN_USER_ADD";
    case CMD_DELETE_CHAIN: return "CHAIN_DEL";
    case CMD_RENAME_CHAIN: return "CHAIN_RENAME";
    case CMD_SET_POLICY: return "CHAIN_UPDATE";
    case CMD_FLUSH: return "RULE_FLUSH";
    default: return "TABLE_ADD";
  }
}

/** parse + run one iptables command line against a (cached) handle; restore passes its table */
export function runOne(ctx: IptCtx, argv: string[], handles: Map<string, IptcHandle>, restoreTable?: string, counters?: { pcnt: number; bcnt: number }, out?: string[]): RunResult;
export function runOne(ctx: IptCtx, argv: string[], handles: Map<string, IptcHandle>, restoreTable: string | undefined, counters: { pcnt: number; bcnt: number } | undefined, out: string[], lookups: true): Promise<RunResult>;
export function runOne(ctx: IptCtx, argv: string[], handles: Map<string, IptcHandle>, restoreTable?: string, counters?: { pcnt: number; bcnt: number }, out: string[] = [], lookups = false): RunResult | Promise<RunResult> {
  if (lookups) return parseWithLookups(ctx, argv, restoreTable).then((cs) => runParsed(ctx, cs, handles, counters, out, true));
  return runParsed(ctx, doParse(argv, ctx, restoreTable, (m) => ctx.p.stderr.write(m), undefined, extLoader(ctx)), handles, counters, out, false);
}

/**
 * do_parse() with the name lookups of -s and -d: each name not in /etc/hosts is asked of DNS
 * (getaddrinfo(AF_INET) in host_to_ipaddr(): A and AAAA queries through the resolver) when
 * parsing reaches it, in order; one that has no address is "host/network `X' not found"
 */
async function parseWithLookups(ctx: IptCtx, argv: string[], restoreTable: string | undefined): Promise<CmdState> {
  const asked = new Set<string>();
  for (;;) {
    const warnings: string[] = [];
    try {
      // a parse that stops for a lookup is done again: it loads (and warns) afresh
      const loader = extLoader(ctx);
      const loaded = new Set(loader.loaded);
      const cs = doParse(argv, ctx, restoreTable, (m) => warnings.push(m), asked, { sys: loader.sys, loaded, v6: ctx.v6 });
      for (const k of loaded) loader.loaded.add(k);
      ctx.p.stderr.write(warnings.join(""));
      return cs;
    } catch (e) {
      if (!(e instanceof NeedLookup)) {
        ctx.p.stderr.write(warnings.join(""));
        throw e;
      }
      asked.add(e.name);
      const r = await getaddrinfo(ctx.p, e.name, "inet");
      if (typeof r !== "string") ctx.hosts.set(e.name, r.addr);
    }
  }
}

function runParsed(ctx: IptCtx, cs: CmdState, handles: Map<string, IptcHandle>, counters: { pcnt: number; bcnt: number } | undefined, out: string[], lookups: boolean): RunResult | Promise<RunResult> {
  if (counters) cs.counters = counters;
  let h = handles.get(cs.table);
  if (!h) {
    h = openTable(ctx, cs.table);
    handles.set(cs.table, h);
  }
  if (lookups && cs.command & CMD_LIST) {
    const hh = h;
    return resolveListNames(ctx, hh, cs).then(() => finishOne(ctx, cs, hh, out));
  }
  return finishOne(ctx, cs, h, out);
}

type RunResult = { dirty: boolean; out: string; table: string; op: string; what: string };

function finishOne(ctx: IptCtx, cs: CmdState, h: IptcHandle, out: string[]): RunResult {
  const dirty = doCommand(ctx, cs, h, out);
  const what = cs.command & (CMD_APPEND | CMD_INSERT | CMD_REPLACE | CMD_DELETE | CMD_DELETE_NUM) ? `rule in chain ${cs.chain}` : `chain ${cs.chain}`;
  return { dirty, out: out.join(""), table: cs.table, op: opName(cs), what };
}

/** render the failures every iptables front end shares; returns the exit status */
export function renderFailure(ctx: IptCtx, e: unknown): number {
  const p = ctx.p;
  if (e instanceof XtablesError) return renderXtablesError(ctx.prog, e, p.stderr);
  if (e instanceof BadArgument) {
    p.stderr.write(`${e.arg !== undefined ? `Bad argument \`${e.arg}'\n` : ""}Try \`${ctx.prog} -h' or '${ctx.prog} --help' for more information.\n`);
    return PARAMETER_PROBLEM;
  }
  if (e instanceof CmdFail) {
    const msg = nftStrerror(e.fn, e.errno);
    if (e.errno === "EINVAL") p.stderr.write(`${ctx.prog}: ${msg}. Run \`dmesg' for more information.\n`);
    else p.stderr.write(`${ctx.prog}: ${msg}.\n`);
    return OTHER_PROBLEM;
  }
  if (e instanceof BatchFail) {
    p.stderr.write(`${ctx.prog} v1.8.9 (nf_tables):  ${e.op} failed (${strerror(e.errno)}): ${e.what}\n`);
    return RESOURCE_PROBLEM;
  }
  throw e;
}

/** iptables: xtables_main() for AF_INET */
export function iptablesMain(p: Process): Promise<number> {
  return xtablesMain(p, "iptables", false);
}

/** ip6tables: xtables_main() for AF_INET6 */
export function ip6tablesMain(p: Process): Promise<number> {
  return xtablesMain(p, "ip6tables", true);
}

/** iptables-nft-multi.c: xtables_main() of a family */
async function xtablesMain(p: Process, prog: string, v6: boolean): Promise<number> {
  const ctx = await makeCtx(p, prog, v6);
  const out: string[] = [];
  try {
    const handles = new Map<string, IptcHandle>();
    const r = await runOne(ctx, p.argv, handles, undefined, undefined, out, true);
    if (r.out) p.stdout.write(r.out);
    if (r.dirty) commit(handles.get(r.table)!, r.op, r.what);
    return 0;
  } catch (e) {
    if (out.length) p.stdout.write(out.join(""));
    if (e instanceof HelpRequest) {
      // xtables_printhelp(): the general text, then a blank line before each extension's
      p.stdout.write(iptablesHelp(prog, v6) + e.helps.map((h) => `\n${h}`).join(""));
      return 0;
    }
    if (e instanceof VersionRequest) {
      p.stdout.write(`${prog} v1.8.9 (nf_tables)\n`);
      return 0;
    }
    return renderFailure(ctx, e);
  }
}

export { HelpRequest, VersionRequest, BadArgument, openTable, commit };
