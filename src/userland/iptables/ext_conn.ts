/**
 * iptables extensions (connection tracking): connmark (match), helper, connbytes, connlimit.
 * Each as libxt_*.c of iptables 1.8.9 has it: options (parse), -L text (print), -S text (save).
 * They are x6 extensions: xtables_option_parse() checks each option (once, `!`), and
 * xtables_option_mfcall() runs the extension's own final check, then the table's (XTOPT_MAND,
 * .excl) in the table's order.
 */
import { numericHost as inetAton } from "./xtaddr.ts";
import {
  hex, parseMarkMask, parseMport, parseStates, parseUintOpt, parseUintRange, printStates, registerExts, saveString, statusNames, type Ext,
} from "./extensions.ts";
import { parseMintRange, xtoptCheck, xtoptSeen } from "./xtoptions.ts";
import { ipmaskToCidr, ipToStr, parseHostmask } from "./xtaddr.ts";
import { parseProtocol } from "./ext_route.ts";
import { CONNTRACK_HELP } from "./ext-help.ts";
import { XTOPT_INVERT, XTOPT_MAND, optsOf, xflagsOf, xtoptFcheck, xtoptParse, type XtOpt } from "./ext_pkt.ts";
import { PARAMETER_PROBLEM, xtablesError } from "./xshared.ts";
import {
  XT_CONNTRACK_STATE, XT_CONNTRACK_PROTO, XT_CONNTRACK_ORIGSRC, XT_CONNTRACK_ORIGDST, XT_CONNTRACK_REPLSRC, XT_CONNTRACK_REPLDST,
  XT_CONNTRACK_STATUS, XT_CONNTRACK_EXPIRES, XT_CONNTRACK_ORIGSRC_PORT, XT_CONNTRACK_ORIGDST_PORT, XT_CONNTRACK_REPLSRC_PORT,
  XT_CONNTRACK_REPLDST_PORT, XT_CONNTRACK_DIRECTION,
} from "../../kernel/uapi/xt_conntrack.ts";

// ---- the help functions' texts ----
/** libxt_connmark.c: connmark_mt_help() */
const CONNMARK_MT_HELP =
  "connmark match options:\n" +
  "[!] --mark value[/mask]    Match ctmark value with optional mask\n";
/** libxt_helper.c: helper_help() */
const HELPER_HELP =
  "helper match options:\n" +
  "[!] --helper string        Match helper identified by string\n";
/** libxt_connbytes.c: connbytes_help() */
const CONNBYTES_HELP =
  "connbytes match options:\n" +
  " [!] --connbytes from:[to]\n" +
  "     --connbytes-dir [original, reply, both]\n" +
  "     --connbytes-mode [packets, bytes, avgpkt]\n";
/** libxt_connlimit.c: connlimit_help() */
const CONNLIMIT_HELP =
  "connlimit match options:\n" +
  "  --connlimit-upto n     match if the number of existing connections is 0..n\n" +
  "  --connlimit-above n    match if the number of existing connections is >n\n" +
  "  --connlimit-mask n     group hosts using prefix length (default: max len)\n" +
  "  --connlimit-saddr      select source address for grouping\n" +
  "  --connlimit-daddr      select destination addresses for grouping\n";


/** xtables_print_mark_mask() */
function markMask(mark: number, mask: number): string {
  return mask !== 0xffffffff ? ` ${hex(mark)}/${hex(mask)}` : ` ${hex(mark)}`;
}

// ---- libxt_connmark.c (match, revision 1: struct xt_connmark_mtinfo1) ----
const CONNMARK_OPTS: XtOpt[] = [{ name: "mark", id: 0, type: "string", flags: XTOPT_INVERT | XTOPT_MAND }];
const connmarkMatch: Ext = {
  name: "connmark", revision: 1, kind: "match", opts: optsOf(CONNMARK_OPTS),
  help: CONNMARK_MT_HELP,
  init: () => ({ mark: 0, mask: 0, invert: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("connmark", CONNMARK_OPTS, o, "", invert, d);
    const [m, k] = parseMarkMask(arg, "connmark", o);
    if (invert) d["invert"] = 1;
    d["mark"] = m;
    d["mask"] = k;
  },
  final(d) {
    xtoptFcheck("connmark", CONNMARK_OPTS, d);
  },
  print: (d) => ` connmark match ${d["invert"] ? "!" : ""}${markMask(d["mark"], d["mask"])}`,
  save: (d) => `${d["invert"] ? " !" : ""} --mark${markMask(d["mark"], d["mask"])}`,
};

// ---- libxt_helper.c (struct xt_helper_info: int invert; char name[30]) ----
const HELPER_OPTS: XtOpt[] = [{ name: "helper", id: 0, type: "string", flags: XTOPT_INVERT | XTOPT_MAND }];
const helper: Ext = {
  name: "helper", revision: 0, kind: "match", opts: optsOf(HELPER_OPTS),
  help: HELPER_HELP,
  noCompare: true,
  init: () => ({ invert: 0, name: "" }),
  parse(o, arg, invert, d) {
    xtoptParse("helper", HELPER_OPTS, o, "", invert, d);
    // xtopt_parse_string() with XTOPT_PUT: strncpy into the 30-byte field, NUL-terminated
    d["name"] = truncBytes(arg, 29);
    if (invert) d["invert"] = 1;
  },
  final(d) {
    xtoptFcheck("helper", HELPER_OPTS, d);
  },
  print: (d) => ` helper match ${d["invert"] ? "! " : ""}"${d["name"]}"`,
  save: (d) => `${d["invert"] ? " !" : ""} --helper${saveString(d["name"])}`,
};

/** the first `n` bytes of `s` in UTF-8 (a C string cut there) */
function truncBytes(s: string, n: number): string {
  const b = new TextEncoder().encode(s);
  if (b.length <= n) return s;
  return new TextDecoder().decode(b.subarray(0, n));
}

// ---- libxt_connbytes.c (struct xt_connbytes_info: u64 count.from/to, u8 what, direction) ----
const U64_MAX = (1n << 64n) - 1n;
const CONNBYTES_OPTS: XtOpt[] = [
  { name: "connbytes", id: 0, type: "string", flags: XTOPT_INVERT | XTOPT_MAND },
  { name: "connbytes-dir", id: 1, type: "string", flags: XTOPT_MAND },
  { name: "connbytes-mode", id: 2, type: "string", flags: XTOPT_MAND },
];


const CONNBYTES_DIRS = ["original", "reply", "both"];
const CONNBYTES_MODES = ["packets", "bytes", "avgpkt"];

/** print_from_to() */
function connbytesFromTo(d: Record<string, any>, prefix: string): string {
  let from = BigInt(d["from"]);
  let to = BigInt(d["to"]);
  let s = "";
  if (from > to) {
    s += " !";
    [from, to] = [to, from];
  }
  s += ` ${prefix}connbytes ${from}`;
  if (to && to < U64_MAX) s += `:${to}`;
  return s;
}

const connbytes: Ext = {
  name: "connbytes", revision: 0, kind: "match", opts: optsOf(CONNBYTES_OPTS),
  help: CONNBYTES_HELP,
  // u64 counts as decimal strings (the rule is compared and copied as JSON)
  init: () => ({ from: "0", to: "0", what: 0, direction: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("connbytes", CONNBYTES_OPTS, o, "", invert, d);
    if (o === "connbytes") {
      const v = parseMintRange(arg, U64_MAX, "connbytes", o);
      let from = v[0]!;
      let to = v.length === 2 ? v[1]! : U64_MAX;
      if (to < from) xtablesError(PARAMETER_PROBLEM, `${from} should be less than ${to}`);
      if (invert) [from, to] = [to, from];
      d["from"] = String(from);
      d["to"] = String(to);
    } else if (o === "connbytes-dir") {
      const i = CONNBYTES_DIRS.indexOf(arg);
      if (i < 0) xtablesError(PARAMETER_PROBLEM, `Unknown --connbytes-dir \`${arg}'`);
      d["direction"] = i;
    } else {
      const i = CONNBYTES_MODES.indexOf(arg);
      if (i < 0) xtablesError(PARAMETER_PROBLEM, `Unknown --connbytes-mode \`${arg}'`);
      d["what"] = i;
    }
  },
  final(d) {
    xtoptFcheck("connbytes", CONNBYTES_OPTS, d);
  },
  print: (d) =>
    `${connbytesFromTo(d, "")} connbytes mode ${CONNBYTES_MODES[d["what"]] ?? "unknown"} connbytes direction ${CONNBYTES_DIRS[d["direction"]] ?? "unknown"}`,
  save: (d) =>
    `${connbytesFromTo(d, "--")} --connbytes-mode ${CONNBYTES_MODES[d["what"]] ?? "unknown"} --connbytes-dir ${CONNBYTES_DIRS[d["direction"]] ?? "unknown"}`,
};

// ---- libxt_connlimit.c (revision 1: struct xt_connlimit_info) ----
const XT_CONNLIMIT_INVERT = 1;
const XT_CONNLIMIT_DADDR = 2;
const CONNLIMIT_OPTS: XtOpt[] = [
  { name: "connlimit-upto", id: 0, type: "string", flags: XTOPT_INVERT, excl: 1 << 1 },
  { name: "connlimit-above", id: 1, type: "string", flags: XTOPT_INVERT, excl: 1 << 0 },
  { name: "connlimit-mask", id: 2, type: "string" },
  { name: "connlimit-saddr", id: 3, type: "none", excl: 1 << 4 },
  { name: "connlimit-daddr", id: 4, type: "none", excl: 1 << 3 },
];


/** xtables_ipmask_to_cidr(): -1 for a mask that is no prefix */
function maskToCidr(mask: number): number {
  for (let i = 32, bits = 0xffffffff; i >= 0; i--, bits = (bits << 1) >>> 0) if (bits === mask) return i;
  return -1;
}

/** xtopt_parse_plenmask() for IPv4: a prefix length 0..32 or a dotted mask; a mask that is no
 * prefix gives hlen (unsigned)-1, which leaves the mask all ones */
function parsePlenmask(arg: string, ext: string, opt: string): number {
  let hlen: number;
  const v = /^[ \t\n\v\f\r]*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(arg) && !/^\s*-/.test(arg) ? numericValue(arg) : undefined;
  if (v !== undefined && v <= 32) hlen = v;
  else {
    const m = inetAton(arg);
    if (m === undefined)
      xtablesError(PARAMETER_PROBLEM, `${ext}: bad value for option "--${opt}", neither a valid network mask nor valid CIDR (0-32).\n`);
    hlen = maskToCidr(m);
  }
  if (hlen === 0) return 0;
  if (hlen > 0 && hlen <= 32) return (0xffffffff << (32 - hlen)) >>> 0;
  return 0xffffffff;
}
function numericValue(s: string): number {
  const t = s.trim().replace(/^\+/, "");
  return /^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : t.length > 1 && t[0] === "0" ? parseInt(t, 8) : Number(t);
}

/** count_bits4() */
function countBits4(mask: number): number {
  let bits = 0;
  for (let m = ~mask >>> 0; m !== 0; m >>>= 1) ++bits;
  return 32 - bits;
}

const connlimit: Ext = {
  name: "connlimit", revision: 1, kind: "match", opts: optsOf(CONNLIMIT_OPTS),
  help: CONNLIMIT_HELP,
  // connlimit_init(): the v6 mask all ones (the v4 mask with it)
  init: () => ({ mask: 0xffffffff, limit: 0, flags: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("connlimit", CONNLIMIT_OPTS, o, "", invert, d);
    switch (o) {
      case "connlimit-upto":
      case "connlimit-above":
        d["limit"] = parseUintOpt(arg, 0xffffffff, "connlimit", o);
        if (invert === (o === "connlimit-above")) d["flags"] |= XT_CONNLIMIT_INVERT;
        break;
      case "connlimit-mask":
        d["mask"] = parsePlenmask(arg, "connlimit", o);
        break;
      case "connlimit-saddr":
        d["flags"] &= ~XT_CONNLIMIT_DADDR;
        break;
      default:
        d["flags"] |= XT_CONNLIMIT_DADDR;
    }
  },
  final(d) {
    // connlimit_check(), then the table's checks
    if (!(xflagsOf(d) & 0b11)) xtablesError(PARAMETER_PROBLEM, 'You must specify "--connlimit-above" or "--connlimit-upto".');
    xtoptFcheck("connlimit", CONNLIMIT_OPTS, d);
  },
  print: (d) =>
    ` #conn ${d["flags"] & XT_CONNLIMIT_DADDR ? "dst" : "src"}/${countBits4(d["mask"])} ${d["flags"] & XT_CONNLIMIT_INVERT ? "<=" : ">"} ${d["limit"]}`,
  save: (d) =>
    ` --connlimit-${d["flags"] & XT_CONNLIMIT_INVERT ? "upto" : "above"} ${d["limit"]} --connlimit-mask ${countBits4(d["mask"])}` +
    ` --connlimit-${d["flags"] & XT_CONNLIMIT_DADDR ? "daddr" : "saddr"}`,
};


// ---- conntrack (libxt_conntrack.c, revision 3: conntrack3_mt_opts[], conntrack_dump()) ----
/** the address options: name, id, match flag, the field prefix of xt_conntrack_mtinfo3 */
const CT_ADDRS: [string, number, number, string][] = [
  ["ctorigsrc", 2, XT_CONNTRACK_ORIGSRC, "origsrc"], ["ctorigdst", 3, XT_CONNTRACK_ORIGDST, "origdst"],
  ["ctreplsrc", 4, XT_CONNTRACK_REPLSRC, "replsrc"], ["ctrepldst", 5, XT_CONNTRACK_REPLDST, "repldst"],
];
const CT_PORTS: [string, number, number, string][] = [
  ["ctorigsrcport", 6, XT_CONNTRACK_ORIGSRC_PORT, "origsrc_port"], ["ctorigdstport", 7, XT_CONNTRACK_ORIGDST_PORT, "origdst_port"],
  ["ctreplsrcport", 8, XT_CONNTRACK_REPLSRC_PORT, "replsrc_port"], ["ctrepldstport", 9, XT_CONNTRACK_REPLDST_PORT, "repldst_port"],
];
const CONNTRACK_OPTS: XtOpt[] = [
  { name: "ctstate", id: 0, type: "string", flags: XTOPT_INVERT },
  { name: "ctproto", id: 1, type: "string", flags: XTOPT_INVERT },
  ...CT_ADDRS.map(([name, id]): XtOpt => ({ name, id, type: "string", flags: XTOPT_INVERT })),
  { name: "ctstatus", id: 10, type: "string", flags: XTOPT_INVERT },
  { name: "ctexpire", id: 11, type: "string", flags: XTOPT_INVERT },
  ...CT_PORTS.map(([name, id]): XtOpt => ({ name, id, type: "string", flags: XTOPT_INVERT })),
  { name: "ctdir", id: 12, type: "string" },
];
const CT_STATUSES: Record<string, number> = { NONE: 0, EXPECTED: 1, SEEN_REPLY: 2, ASSURED: 4, CONFIRMED: 8 };

/** xtables_ipmask_to_numeric(): "" for /32, "/N" for a prefix, "/a.b.c.d" for another mask */
function maskText(m: number): string {
  if (m === 0xffffffff) return "";
  const n = ipmaskToCidr(m);
  return n >= 0 ? `/${n}` : `/${ipToStr(m)}`;
}

/** conntrack_dump(): -L (prefix "", addresses as names unless -n) and -S (prefix "--") */
function conntrackDump(d: Record<string, any>, prefix: string, numeric: boolean): string {
  const mf: number = d["match_flags"];
  const inv = (f: number): string => (d["invert_flags"] & f ? " !" : "");
  let s = "";
  if (mf & XT_CONNTRACK_STATE) s += `${inv(XT_CONNTRACK_STATE)} ${prefix}ctstate ${printStates(d["state_mask"])}`;
  if (mf & XT_CONNTRACK_PROTO) s += `${inv(XT_CONNTRACK_PROTO)} ${prefix}ctproto ${d["l4proto"]}`;
  for (const [name, , f, k] of CT_ADDRS) {
    if (!(mf & f)) continue;
    const a: number = d[`${k}_addr`];
    // conntrack_dump_addr(): no names here (xtables_ipaddr_to_anyname() of an address no
    // host file names is the number)
    s += `${inv(f)} ${prefix}${name}` + (!numeric && a === 0 ? " anywhere" : ` ${ipToStr(a)}${maskText(d[`${k}_mask`])}`);
  }
  for (const [name, , f, k] of CT_PORTS) {
    if (!(mf & f)) continue;
    const lo: number = d[k];
    const hi: number = d[`${k}_high`];
    s += `${inv(f)} ${prefix}${name} ${hi === 0 || lo === hi ? lo : `${lo}:${hi}`}`;
  }
  if (mf & XT_CONNTRACK_STATUS) s += `${inv(XT_CONNTRACK_STATUS)} ${prefix}ctstatus ${statusNames(d["status_mask"])}`;
  if (mf & XT_CONNTRACK_EXPIRES) {
    const lo: number = d["expires_min"];
    const hi: number = d["expires_max"];
    s += `${inv(XT_CONNTRACK_EXPIRES)} ${prefix}ctexpire ${hi === lo ? lo : `${lo}:${hi}`}`;
  }
  if (mf & XT_CONNTRACK_DIRECTION) s += ` ${prefix}ctdir ${d["invert_flags"] & XT_CONNTRACK_DIRECTION ? "REPLY" : "ORIGINAL"}`;
  return s;
}

const conntrack: Ext = {
  name: "conntrack", revision: 3, kind: "match",
  opts: optsOf(CONNTRACK_OPTS),
  help: CONNTRACK_HELP,
  init: () => ({
    match_flags: 0, invert_flags: 0, state_mask: 0, status_mask: 0, l4proto: 0,
    origsrc_addr: 0, origsrc_mask: 0, origdst_addr: 0, origdst_mask: 0, replsrc_addr: 0, replsrc_mask: 0, repldst_addr: 0, repldst_mask: 0,
    origsrc_port: 0, origsrc_port_high: 0, origdst_port: 0, origdst_port_high: 0,
    replsrc_port: 0, replsrc_port_high: 0, repldst_port: 0, repldst_port_high: 0, expires_min: 0, expires_max: 0,
  }),
  /** conntrack_mt_parse(): xtables_option_parse(), then the option */
  parse(o, arg, invert, d) {
    const e = xtoptCheck("conntrack", CONNTRACK_OPTS, o, invert, d);
    const flag = (f: number): void => {
      d["match_flags"] |= f;
      if (invert) d["invert_flags"] |= f;
    };
    const addr = CT_ADDRS.find(([n]) => n === e.name);
    const port = CT_PORTS.find(([n]) => n === e.name);
    if (addr) {
      // XTTYPE_HOSTMASK
      const [a, m] = parseHostmask(arg, "conntrack", e.name);
      // (kept as given: the kernel masks when it compares)
      d[`${addr[3]}_addr`] = a;
      d[`${addr[3]}_mask`] = m;
      flag(addr[2]);
    } else if (port) {
      // XTTYPE_PORTRC
      const [lo, hi] = parseMport(arg, "conntrack", e.name);
      d[port[3]] = lo;
      d[`${port[3]}_high`] = hi;
      flag(port[2]);
    } else if (e.name === "ctstate") {
      d["state_mask"] = parseStates(arg, true);
      flag(XT_CONNTRACK_STATE);
    } else if (e.name === "ctproto") {
      // XTTYPE_PROTOCOL; XT_INV_PROTO is 0x40 in libxt_conntrack's test: ctstatus' bit
      d["l4proto"] = parseProtocol(arg);
      if (d["l4proto"] === 0 && d["invert_flags"] & XT_CONNTRACK_STATUS) xtablesError(PARAMETER_PROBLEM, "conntrack: rule would never match protocol");
      flag(XT_CONNTRACK_PROTO);
    } else if (e.name === "ctstatus") {
      let m = 0;
      for (const w of arg.split(",")) {
        const v = Object.hasOwn(CT_STATUSES, w.toUpperCase()) ? CT_STATUSES[w.toUpperCase()] : undefined;
        if (v === undefined) xtablesError(PARAMETER_PROBLEM, `Bad ctstatus "${w}"`);
        m |= v;
      }
      d["status_mask"] = m;
      flag(XT_CONNTRACK_STATUS);
    } else if (e.name === "ctexpire") {
      // XTTYPE_UINT32RC
      const r = parseUintRange(arg, 0xffffffff, "conntrack", "ctexpire");
      d["expires_min"] = r[0];
      d["expires_max"] = r[1] ?? r[0];
      flag(XT_CONNTRACK_EXPIRES);
    } else {
      const dir = arg.toUpperCase();
      if (dir !== "ORIGINAL" && dir !== "REPLY") xtablesError(PARAMETER_PROBLEM, `conntrack: Bad value for "--ctdir" option: "${arg}"`);
      d["match_flags"] |= XT_CONNTRACK_DIRECTION;
      if (dir === "REPLY") d["invert_flags"] |= XT_CONNTRACK_DIRECTION;
      else d["invert_flags"] &= ~XT_CONNTRACK_DIRECTION;
    }
    xtoptSeen(d, e);
  },
  final(d) {
    // conntrack_mt_check(), then xtables_options_fcheck()
    if (!xflagsOf(d)) xtablesError(PARAMETER_PROBLEM, "conntrack: At least one option is required");
    xtoptFcheck("conntrack", CONNTRACK_OPTS, d);
  },
  print: (d, numeric) => conntrackDump(d, "", numeric),
  save: (d) => conntrackDump(d, "--", true),
};

export const EXTS_CONN: Ext[] = [connmarkMatch, helper, connbytes, connlimit, conntrack];

registerExts(EXTS_CONN);
