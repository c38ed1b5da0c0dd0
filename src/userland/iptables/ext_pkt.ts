/**
 * iptables extensions (packet fields): pkttype, statistic, quota, dscp, tos, owner, sctp; the targets DSCP, TOS, TCPMSS.
 * Each as libxt_*.c of iptables 1.8.9 has it: options (parse), -L text (print), -S text (save).
 */
import { registerExts, portToService, type Ext } from "./extensions.ts";
import { SERVICES } from "./services.ts";
import { xtablesError, PARAMETER_PROBLEM } from "./xshared.ts";
import { ETC_FILES } from "../lib/etc_files.ts";
import * as HELP from "./ext-help-pkt.ts";
import { parseHost, parsePlen, plenToMask } from "./xtaddr.ts";
import { XT_SCTP_SRC_PORTS, XT_SCTP_DEST_PORTS, XT_SCTP_CHUNK_TYPES, SCTP_CHUNK_MATCH_ANY, SCTP_CHUNK_MATCH_ALL, SCTP_CHUNK_MATCH_ONLY } from "../../kernel/uapi/xt_sctp.ts";

// ---- libxtables/xtoptions.c: the generic part lives in xtoptions.ts; the types' parsers here ----

import { strtoumax, XTOPT_INVERT, XTOPT_MAND, XTOPT_MULTI, xtoptCheck, xtoptFcheck, xtoptFcheckFlags, xflagsOf, takeXflags, optsOf, type XtOpt } from "./xtoptions.ts";
import { XT_OWNER_GID, XT_OWNER_SOCKET, XT_OWNER_SUPPL_GROUPS, XT_OWNER_UID } from "../../kernel/uapi/xt_owner.ts";
export { strtoumax, XTOPT_INVERT, XTOPT_MAND, XTOPT_MULTI, xflagsOf, takeXflags, xtoptFcheck, xtoptFcheckFlags, optsOf, type XtType, type XtOpt } from "./xtoptions.ts";

/** the value xtables_option_parse() leaves in cb->val */
export interface XtVal {
  num: number;
  big: bigint;
  dbl: number;
  tosValue: number;
  tosMask: number;
  str: string;
  haddr: number;
  hmask: number;
  hlen: number;
}

const TYPE_MAX: Record<string, bigint> = { uint8: 0xffn, uint16: 0xffffn, uint32: 0xffffffffn, uint64: 0xffffffffffffffffn };

/** xtables_strtoul(): the whole string, min..max */
export function strtoulWhole(s: string, min: bigint, max: bigint): bigint | undefined {
  const r = strtoumax(s);
  if (!r || r[1] !== "" || r[0] < min || r[0] > max) return undefined;
  return r[0];
}

/** xtables_strtoui() with an end: [value, rest] when the prefix is in range */
function strtouiEnd(s: string, max: number): [number, string] | undefined {
  const r = strtoumax(s);
  if (!r || r[0] > BigInt(max)) return undefined;
  return [Number(r[0]), r[1]];
}

/** tos_values.c */
const TOS_SYMBOLS: [number, string][] = [[0x10, "Minimize-Delay"], [0x08, "Maximize-Throughput"], [0x04, "Maximize-Reliability"], [0x02, "Minimize-Cost"], [0x00, "Normal-Service"]];

/** xtopt_parse_tosmask() */
function parseTosmask(arg: string, entryMax: number, v: XtVal): void {
  const p = strtouiEnd(arg, 0xff);
  if (p) {
    // tos_parse_numeric(str, cb, UINT8_MAX)
    const a = strtoumax(arg);
    let end = a ? a[1] : arg;
    v.tosValue = a ? Number(a[0] & 0xffffffffn) & 0xff : 0;
    v.tosMask = 0xff;
    if (end[0] === "/") {
      const b = strtouiEnd(end.slice(1), 0xff);
      if (!b) xtablesError(PARAMETER_PROBLEM, `Illegal value: "${arg}"`);
      v.tosMask = b[0];
      end = b[1];
    }
    if (end !== "") xtablesError(PARAMETER_PROBLEM, `Illegal value: "${arg}"`);
    return;
  }
  v.tosMask = entryMax;
  for (const [val, name] of TOS_SYMBOLS) {
    if (name.toLowerCase() === arg.toLowerCase()) {
      v.tosValue = val;
      return;
    }
  }
  xtablesError(PARAMETER_PROBLEM, `Symbolic name "${arg}" is unknown`);
}

/** C's strtod() over the whole string (decimal, hex floats and inf/nan are rare enough) */
function strtodWhole(s: string): number | undefined {
  const t = s.replace(/^[ \t\n\v\f\r]+/, "");
  if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(t)) return Number(t);
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t[0] === "-" ? -Infinity : Infinity;
  return undefined;
}

/** xtables_option_parse(): the generic checks and the type's parser */
export function xtoptParse(ext: string, table: XtOpt[], o: string, arg: string, invert: boolean, d: Record<string, any>): [XtOpt, XtVal] {
  const e = xtoptCheck(ext, table, o, invert, d);
  const bit = 1 << e.id;
  const xflags: number = d["__xflags"] ?? 0;
  // the messages name the option as its entry does (an alias is looked up by id)
  o = e.name;
  const v: XtVal = { num: 0, big: 0n, dbl: 0, tosValue: 0, tosMask: 0, str: "", haddr: 0, hmask: 0, hlen: 0 };
  switch (e.type) {
    case "uint8":
    case "uint16":
    case "uint32":
    case "uint64": {
      const lmin = BigInt(e.min ?? 0);
      const lmax = e.max ? BigInt(e.max) : TYPE_MAX[e.type]!;
      const r = strtoulWhole(arg, lmin, lmax);
      if (r === undefined) xtablesError(PARAMETER_PROBLEM, `${ext}: bad value for option "--${o}", or out of range (${lmin}-${lmax}).\n`);
      v.big = r;
      v.num = Number(r);
      break;
    }
    case "double": {
      const r = strtodWhole(arg);
      const min = e.min ?? 0;
      const max = e.max ?? 0;
      if (r === undefined || (min !== max && (r < min || r > max)))
        xtablesError(PARAMETER_PROBLEM, `${ext}: bad value for option "--${o}", or out of range (${min}-${max}).\n`);
      v.dbl = r;
      break;
    }
    case "tosmask":
      parseTosmask(arg, e.max ?? 0, v);
      break;
    case "string": {
      // xtopt_parse_string(): the length limits in bytes, XTOPT_PUT's cut to the field
      const bytes = new TextEncoder().encode(arg);
      if (e.min && bytes.length < e.min) xtablesError(PARAMETER_PROBLEM, `Argument must have a minimum length of ${e.min} characters\n`);
      if (e.max && bytes.length > e.max) xtablesError(PARAMETER_PROBLEM, `Argument must have a maximum length of ${e.max} characters\n`);
      v.str = e.size ? String.fromCharCode(...bytes.subarray(0, e.size - 1)) : arg;
      break;
    }
    case "host":
      v.haddr = parseHost(arg);
      v.hmask = 0xffffffff;
      v.hlen = 32;
      break;
    case "hostmask": {
      const slash = arg.indexOf("/");
      v.haddr = parseHost(slash < 0 ? arg : arg.slice(0, slash));
      v.hlen = slash < 0 ? 32 : parsePlen(ext, o, arg.slice(slash + 1));
      v.hmask = plenToMask(v.hlen);
      break;
    }
    case "plen":
      v.hlen = parsePlen(ext, o, arg);
      break;
    default:
      break;
  }
  d["__xflags"] = xflags | bit;
  return [e, v];
}

const hex2 = (n: number): string => "0x" + (n & 0xff).toString(16).padStart(2, "0");

// ---- pkttype (libxt_pkttype.c) ----
/** supported_types[] ("outgoing" is commented out there) */
const PKTTYPES: [string, number][] = [["unicast", 0], ["broadcast", 1], ["multicast", 2], ["otherhost", 3], ["bcast", 1], ["mcast", 2], ["host", 0]];
const PKTTYPE_OPTS: XtOpt[] = [{ name: "pkt-type", id: 0, type: "string", flags: XTOPT_MAND | XTOPT_INVERT }];
function pkttypeName(t: number): string {
  return PKTTYPES.find(([, v]) => v === t)?.[0] ?? String(t);
}
const pkttype: Ext = {
  name: "pkttype", revision: 0, kind: "match", opts: optsOf(PKTTYPE_OPTS),
  help: HELP.PKTTYPE_HELP,
  init: () => ({ pkttype: 0, invert: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("pkttype", PKTTYPE_OPTS, o, arg, invert, d);
    const e = PKTTYPES.find(([n]) => n.toLowerCase() === arg.toLowerCase());
    if (!e) xtablesError(PARAMETER_PROBLEM, `Bad packet type '${arg}'`);
    d["pkttype"] = e[1];
    if (invert) d["invert"] = 1;
  },
  final(d) {
    xtoptFcheck("pkttype", PKTTYPE_OPTS, d);
  },
  print: (d) => ` PKTTYPE ${d["invert"] ? "!" : ""}= ${pkttypeName(d["pkttype"])}`,
  save: (d) => `${d["invert"] ? " !" : ""} --pkt-type ${pkttypeName(d["pkttype"])}`,
};

// ---- statistic (libxt_statistic.c) ----
const XT_STATISTIC_MODE_RANDOM = 0;
const XT_STATISTIC_MODE_NTH = 1;
const XT_STATISTIC_INVERT = 1;
const STATISTIC_OPTS: XtOpt[] = [
  { name: "mode", id: 0, type: "string", flags: XTOPT_MAND },
  { name: "probability", id: 1, type: "double", flags: XTOPT_INVERT, min: 0, max: 1, excl: (1 << 2) | (1 << 3) },
  { name: "every", id: 2, type: "uint32", min: 1, flags: XTOPT_INVERT, excl: 1 << 1, also: 1 << 3 },
  { name: "packet", id: 3, type: "uint32", excl: 1 << 1, also: 1 << 2 },
];
function statisticText(d: Record<string, any>, prefix: string): string {
  const inv = d["flags"] & XT_STATISTIC_INVERT ? " !" : "";
  if (d["mode"] === XT_STATISTIC_MODE_RANDOM) return ` ${prefix}mode random${inv} ${prefix}probability ${(d["probability"] / 0x80000000).toFixed(11)}`;
  let s = ` ${prefix}mode nth${inv} ${prefix}every ${(d["every"] + 1) >>> 0}`;
  if (d["packet"] || prefix) s += ` ${prefix}packet ${d["packet"]}`;
  return s;
}
const statistic: Ext = {
  name: "statistic", revision: 0, kind: "match", opts: optsOf(STATISTIC_OPTS),
  help: HELP.STATISTIC_HELP,
  init: () => ({ mode: 0, flags: 0, probability: 0, every: 0, packet: 0, count: 0 }),
  parse(o, arg, invert, d) {
    if (invert) d["flags"] |= XT_STATISTIC_INVERT;
    const [, v] = xtoptParse("statistic", STATISTIC_OPTS, o, arg, invert, d);
    if (o === "mode") {
      if (arg === "random") d["mode"] = XT_STATISTIC_MODE_RANDOM;
      else if (arg === "nth") d["mode"] = XT_STATISTIC_MODE_NTH;
      else xtablesError(PARAMETER_PROBLEM, `Bad mode "${arg}"`);
    } else if (o === "probability") {
      // lround(0x80000000 * p), into a u32
      const x = 0x80000000 * v.dbl;
      d["probability"] = Math.sign(x) * Math.floor(Math.abs(x) + 0.5) >>> 0;
    } else if (o === "every") d["every"] = (v.num - 1) >>> 0;
    else d["packet"] = v.num;
  },
  final(d) {
    const xflags = xflagsOf(d);
    if (d["mode"] === XT_STATISTIC_MODE_RANDOM && !(xflags & (1 << 1)))
      xtablesError(PARAMETER_PROBLEM, "--probability must be specified when using random mode");
    if (d["mode"] === XT_STATISTIC_MODE_NTH && !(xflags & ((1 << 2) | (1 << 3))))
      xtablesError(PARAMETER_PROBLEM, "--every and --packet must be specified when using nth mode");
    // (the union: in random mode, every is the probability)
    const every = d["mode"] === XT_STATISTIC_MODE_RANDOM ? d["probability"] : d["every"];
    if (d["packet"] > every) xtablesError(PARAMETER_PROBLEM, "the --packet p must be 0 <= p <= n-1");
    d["count"] = (every - d["packet"]) >>> 0;
    xtoptFcheck("statistic", STATISTIC_OPTS, d);
  },
  print: (d) => " statistic" + statisticText(d, ""),
  save: (d) => statisticText(d, "--"),
};

// ---- quota (libxt_quota.c) ----
const XT_QUOTA_INVERT = 1;
const QUOTA_OPTS: XtOpt[] = [{ name: "quota", id: 0, type: "uint64", flags: XTOPT_MAND | XTOPT_INVERT }];
const quota: Ext = {
  name: "quota", revision: 0, kind: "match", opts: optsOf(QUOTA_OPTS),
  help: HELP.QUOTA_HELP,
  // the u64 kept as a decimal string (the rule data goes through JSON)
  init: () => ({ flags: 0, quota: "0" }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("quota", QUOTA_OPTS, o, arg, invert, d);
    d["quota"] = v.big.toString();
    if (invert) d["flags"] |= XT_QUOTA_INVERT;
  },
  final(d) {
    xtoptFcheck("quota", QUOTA_OPTS, d);
  },
  print: (d) => ` quota: ${d["quota"]} bytes`,
  save: (d) => `${d["flags"] & XT_QUOTA_INVERT ? " !" : ""} --quota ${d["quota"]}`,
};

// ---- dscp (libxt_dscp.c, dscp_helper.c) ----
const DS_CLASSES: [string, number][] = [
  ["CS0", 0x00], ["CS1", 0x08], ["CS2", 0x10], ["CS3", 0x18], ["CS4", 0x20], ["CS5", 0x28], ["CS6", 0x30], ["CS7", 0x38], ["BE", 0x00],
  ["AF11", 0x0a], ["AF12", 0x0c], ["AF13", 0x0e], ["AF21", 0x12], ["AF22", 0x14], ["AF23", 0x16], ["AF31", 0x1a], ["AF32", 0x1c],
  ["AF33", 0x1e], ["AF41", 0x22], ["AF42", 0x24], ["AF43", 0x26], ["EF", 0x2e],
];
/** class_to_dscp(): strncasecmp() over each class name's length */
function classToDscp(name: string): number {
  for (const [n, v] of DS_CLASSES) if (name.slice(0, n.length).toUpperCase() === n) return v;
  xtablesError(PARAMETER_PROBLEM, `Invalid DSCP value \`${name}'`);
}
const DSCP_MT_OPTS: XtOpt[] = [
  { name: "dscp", id: 0, type: "uint8", min: 0, max: 0x3f, flags: XTOPT_INVERT, excl: 1 << 1 },
  { name: "dscp-class", id: 1, type: "string", flags: XTOPT_INVERT, excl: 1 << 0 },
];
const dscp: Ext = {
  name: "dscp", revision: 0, kind: "match", opts: optsOf(DSCP_MT_OPTS),
  help: HELP.DSCP_MT_HELP,
  init: () => ({ dscp: 0, invert: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("dscp", DSCP_MT_OPTS, o, arg, invert, d);
    d["dscp"] = o === "dscp" ? v.num : classToDscp(arg);
    if (invert) d["invert"] = 1;
  },
  final(d) {
    if (!xflagsOf(d)) xtablesError(PARAMETER_PROBLEM, "DSCP match: Parameter --dscp is required");
    xtoptFcheck("dscp", DSCP_MT_OPTS, d);
  },
  print: (d) => ` DSCP match ${d["invert"] ? "!" : ""}${hex2(d["dscp"])}`,
  save: (d) => `${d["invert"] ? " !" : ""} --dscp ${hex2(d["dscp"])}`,
};

// ---- tos (libxt_tos.c, revision 1) ----
/** tos_try_print_symbolic() */
function tosSymbolic(prefix: string, value: number, mask: number): string | undefined {
  if (mask !== 0x3f) return undefined;
  const e = TOS_SYMBOLS.find(([v]) => v === value);
  return e ? ` ${prefix}${e[1]}` : undefined;
}
const TOS_MT_OPTS: XtOpt[] = [{ name: "tos", id: 1, type: "tosmask", flags: XTOPT_INVERT | XTOPT_MAND, max: 0x3f }];
const tos: Ext = {
  name: "tos", revision: 1, kind: "match", opts: optsOf(TOS_MT_OPTS),
  help: HELP.TOS_MT_HELP,
  init: () => ({ tos_value: 0, tos_mask: 0, invert: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("tos", TOS_MT_OPTS, o, arg, invert, d);
    d["tos_value"] = v.tosValue;
    d["tos_mask"] = v.tosMask;
    if (invert) d["invert"] = 1;
  },
  final(d) {
    xtoptFcheck("tos", TOS_MT_OPTS, d);
  },
  print(d, numeric) {
    let s = " tos match";
    if (d["invert"]) s += "!";
    const sym = numeric ? undefined : tosSymbolic("", d["tos_value"], d["tos_mask"]);
    return s + (sym ?? `${hex2(d["tos_value"])}/${hex2(d["tos_mask"])}`);
  },
  save: (d) => `${d["invert"] ? " !" : ""} --tos ${hex2(d["tos_value"])}/${hex2(d["tos_mask"])}`,
};

// ---- owner (libxt_owner.c, revision 1) ----
const OWNER_OPTS: XtOpt[] = [
  { name: "uid-owner", id: 0, type: "string", flags: XTOPT_INVERT },
  { name: "gid-owner", id: 1, type: "string", flags: XTOPT_INVERT },
  { name: "socket-exists", id: 5, type: "none", flags: XTOPT_INVERT },
  { name: "suppl-groups", id: 6, type: "none" },
];
/** getpwnam()/getgrnam() and back, over Debian's /etc/passwd and /etc/group */
function etcDb(path: string): [string, number][] {
  return (ETC_FILES[path] ?? "").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(":")).filter((f) => f.length >= 3).map((f) => [f[0]!, Number(f[2])]);
}
/** owner_parse_range() */
function ownerParseRange(s: string, opt: string): [number, number] {
  const bad = (): never => xtablesError(PARAMETER_PROBLEM, `owner: Bad value for "${opt}" option: "${s}"`);
  const a = strtouiEnd(s, 0xfffffffe) ?? bad();
  let to = a[0];
  let end = a[1];
  if (end[0] === "-" || end[0] === ":") {
    const b = strtouiEnd(end.slice(1), 0xfffffffe) ?? bad();
    to = b[0];
    end = b[1];
  }
  if (end !== "") bad();
  return [a[0], to];
}
function ownerItem(d: Record<string, any>, label: string, flag: number, numeric: boolean): string {
  if (!(d["match"] & flag)) return "";
  let s = d["invert"] & flag ? " !" : "";
  s += ` ${label}`;
  const item = (min: number, max: number, db: string) => {
    if (min !== max) return ` ${min}-${max}`;
    if (!numeric) {
      const e = etcDb(db).find(([, id]) => id === min);
      if (e) return ` ${e[0]}`;
    }
    return ` ${min}`;
  };
  if (flag === XT_OWNER_UID) s += item(d["uid_min"], d["uid_max"], "/etc/passwd");
  else if (flag === XT_OWNER_GID) s += item(d["gid_min"], d["gid_max"], "/etc/group");
  return s;
}
const owner: Ext = {
  name: "owner", revision: 1, kind: "match", opts: optsOf(OWNER_OPTS),
  help: HELP.OWNER_HELP,
  init: () => ({ uid_min: 0, uid_max: 0, gid_min: 0, gid_max: 0, match: 0, invert: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("owner", OWNER_OPTS, o, arg, invert, d);
    if (o === "uid-owner" || o === "gid-owner") {
      const u = o === "uid-owner";
      const e = etcDb(u ? "/etc/passwd" : "/etc/group").find(([n]) => n === arg);
      const [from, to] = e ? [e[1], e[1]] : ownerParseRange(arg, `--${o}`);
      const flag = u ? XT_OWNER_UID : XT_OWNER_GID;
      if (invert) d["invert"] |= flag;
      d["match"] |= flag;
      d[u ? "uid_min" : "gid_min"] = from;
      d[u ? "uid_max" : "gid_max"] = to;
    } else if (o === "socket-exists") {
      if (invert) d["invert"] |= XT_OWNER_SOCKET;
      d["match"] |= XT_OWNER_SOCKET;
    } else {
      if (!(d["match"] & XT_OWNER_GID)) xtablesError(PARAMETER_PROBLEM, `owner: Bad value for "--suppl-groups" option: "you need to use --gid-owner first"`);
      d["match"] |= XT_OWNER_SUPPL_GROUPS;
    }
  },
  final(d) {
    if (!xflagsOf(d)) xtablesError(PARAMETER_PROBLEM, "owner: At least one of --uid-owner, --gid-owner or --socket-exists is required");
    xtoptFcheck("owner", OWNER_OPTS, d);
  },
  print: (d, numeric) =>
    ownerItem(d, "owner socket exists", XT_OWNER_SOCKET, numeric) + ownerItem(d, "owner UID match", XT_OWNER_UID, numeric) +
    ownerItem(d, "owner GID match", XT_OWNER_GID, numeric) + ownerItem(d, "incl. suppl. groups", XT_OWNER_SUPPL_GROUPS, numeric),
  save: (d) =>
    ownerItem(d, "--socket-exists", XT_OWNER_SOCKET, true) + ownerItem(d, "--uid-owner", XT_OWNER_UID, true) +
    ownerItem(d, "--gid-owner", XT_OWNER_GID, true) + ownerItem(d, "--suppl-groups", XT_OWNER_SUPPL_GROUPS, true),
};

// ---- sctp (libxt_sctp.c) ----
const XT_NUM_SCTP_FLAGS = 4;
const SCTP_CHUNKS: [string, number, string][] = [
  ["DATA", 0, "----IUBE"], ["INIT", 1, "--------"], ["INIT_ACK", 2, "--------"], ["SACK", 3, "--------"], ["HEARTBEAT", 4, "--------"],
  ["HEARTBEAT_ACK", 5, "--------"], ["ABORT", 6, "-------T"], ["SHUTDOWN", 7, "--------"], ["SHUTDOWN_ACK", 8, "--------"],
  ["ERROR", 9, "--------"], ["COOKIE_ECHO", 10, "--------"], ["COOKIE_ACK", 11, "--------"], ["ECN_ECNE", 12, "--------"],
  ["ECN_CWR", 13, "--------"], ["SHUTDOWN_COMPLETE", 14, "-------T"], ["I_DATA", 64, "----IUBE"], ["RE_CONFIG", 130, "--------"],
  ["PAD", 132, "--------"], ["ASCONF", 193, "--------"], ["ASCONF_ACK", 128, "--------"], ["FORWARD_TSN", 192, "--------"],
  ["I_FORWARD_TSN", 194, "--------"],
];
/** xtables_parse_port(s, "sctp") */
function sctpParsePort(s: string): number {
  const r = strtoulWhole(s, 0n, 0xffffn);
  if (r !== undefined) return Number(r);
  for (const [p, n] of Object.entries(SERVICES["sctp"] ?? {})) if (n === s) return Number(p);
  xtablesError(PARAMETER_PROBLEM, `invalid port/service \`${s}' specified`);
}
function sctpParsePorts(s: string): [number, number] {
  const i = s.indexOf(":");
  if (i < 0) {
    const p = sctpParsePort(s);
    return [p, p];
  }
  const a = i === 0 ? 0 : sctpParsePort(s.slice(0, i));
  const b = i === s.length - 1 ? 0xffff : sctpParsePort(s.slice(i + 1));
  if (a > b) xtablesError(PARAMETER_PROBLEM, "invalid portrange (min > max)");
  return [a, b];
}
/** parse_sctp_chunk(): the chunk map (256 bits as 8 words) and the flag infos */
function sctpParseChunk(d: Record<string, any>, chunks: string): void {
  const map = new Array<number>(8).fill(0);
  d["chunkmap"] = map;
  if (chunks.toUpperCase() === "ALL") {
    map.fill(0xffffffff);
    return;
  }
  if (chunks.toUpperCase() === "NONE") return;
  const fi: { chunktype: number; flag: number; flag_mask: number }[] = d["flag_info"];
  for (const tok of chunks.split(",").filter((t) => t !== "")) {
    const c = tok.indexOf(":");
    const name = c >= 0 ? tok.slice(0, c) : tok;
    const flags = c >= 0 ? tok.slice(c + 1) : undefined;
    const i = SCTP_CHUNKS.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (i < 0) xtablesError(PARAMETER_PROBLEM, `Unknown sctp chunk \`${name}'`);
    const type = SCTP_CHUNKS[i]![1];
    map[type >> 5] = (map[type >> 5]! | (1 << (type & 31))) >>> 0;
    if (flags === undefined) continue;
    for (const ch of flags) {
      const p = SCTP_CHUNKS[i]![2].indexOf(ch.toUpperCase());
      if (p < 0 || ch.toUpperCase() === "-") xtablesError(PARAMETER_PROBLEM, `Invalid flags for chunk type ${i}`);
      const bit = 7 - p;
      const set = ch !== ch.toLowerCase();
      // save_chunk_flag_info(), keyed by the table index as iptables does
      let f = fi.find((x) => x.chunktype === i);
      if (!f) {
        if (d["flag_count"] === XT_NUM_SCTP_FLAGS)
          xtablesError(PARAMETER_PROBLEM, "Number of chunk types with flags exceeds currently allowed limit. Increasing this limit involves changing IPT_NUM_SCTP_FLAGS and recompiling both the kernel space and user space modules");
        f = fi[d["flag_count"]]!;
        f.chunktype = i;
        d["flag_count"]++;
      }
      f.flag_mask |= 1 << bit;
      if (set) f.flag |= 1 << bit;
    }
  }
}
function sctpPrintChunks(d: Record<string, any>, numeric: boolean): string {
  let s = ({ [SCTP_CHUNK_MATCH_ANY]: " any", [SCTP_CHUNK_MATCH_ALL]: " all", [SCTP_CHUNK_MATCH_ONLY]: " only" } as Record<number, string>)[d["chunk_match_type"]] ?? "Never reach here\n";
  const map: number[] = d["chunkmap"];
  if (map.every((w) => w === 0)) return s + " NONE";
  if (map.every((w) => w === 0xffffffff)) return s + " ALL";
  let first = true;
  for (let i = 0; i < 256; i++) {
    if (!((map[i >> 5]! >>> (i & 31)) & 1)) continue;
    s += first ? " " : ",";
    first = false;
    if (numeric) s += "0x" + i.toString(16).toUpperCase().padStart(4, "0");
    else for (const [n, t] of SCTP_CHUNKS) if (t === i) s += n;
    for (let j = 0; j < d["flag_count"]; j++) {
      const f = d["flag_info"][j];
      if (f.chunktype !== i) continue;
      if (f.flag_mask) s += ":";
      const valid = SCTP_CHUNKS[i]?.[2] ?? "--------";
      for (let b = 7; b >= 0; b--) {
        if (!(f.flag_mask & (1 << b))) continue;
        const ch = valid[7 - b]!;
        s += f.flag & (1 << b) ? ch : ch.toLowerCase();
      }
    }
  }
  return s;
}
function sctpPrintPorts(name: string, min: number, max: number, invert: boolean, numeric: boolean): string {
  if (min === 0 && max === 0xffff && !invert) return "";
  const pp = (p: number) => (numeric ? undefined : portToService(p, "sctp")) ?? String(p);
  const inv = invert ? "!" : "";
  return min === max ? ` ${name}:${inv}${pp(min)}` : ` ${name}s:${inv}${pp(min)}:${pp(max)}`;
}
const sctp: Ext = {
  name: "sctp", revision: 0, kind: "match",
  opts: { "source-port": true, sport: true, "destination-port": true, dport: true, "chunk-types": true },
  help: HELP.SCTP_HELP,
  init: () => ({
    spts: [0, 0xffff], dpts: [0, 0xffff], chunkmap: new Array<number>(8).fill(0), chunk_match_type: 0,
    flag_info: Array.from({ length: XT_NUM_SCTP_FLAGS }, () => ({ chunktype: -1, flag: 0, flag_mask: 0 })), flag_count: 0, flags: 0, invflags: 0,
  }),
  parse(o, arg, invert, d, ctx) {
    const once = (bit: number, what: string) => {
      if (ctx.seen.has("sctp" + bit)) xtablesError(PARAMETER_PROBLEM, `Only one \`${what}' allowed`);
      ctx.seen.add("sctp" + bit);
    };
    if (o === "source-port" || o === "sport") {
      once(XT_SCTP_SRC_PORTS, "--source-port");
      d["flags"] |= XT_SCTP_SRC_PORTS;
      d["spts"] = sctpParsePorts(arg);
      if (invert) d["invflags"] |= XT_SCTP_SRC_PORTS;
    } else if (o === "destination-port" || o === "dport") {
      once(XT_SCTP_DEST_PORTS, "--destination-port");
      d["flags"] |= XT_SCTP_DEST_PORTS;
      d["dpts"] = sctpParsePorts(arg);
      if (invert) d["invflags"] |= XT_SCTP_DEST_PORTS;
    } else {
      once(XT_SCTP_CHUNK_TYPES, "--chunk-types");
      const chunks = ctx.nextArg();
      if (chunks === undefined) xtablesError(PARAMETER_PROBLEM, "--chunk-types requires two args");
      d["flags"] |= XT_SCTP_CHUNK_TYPES;
      const t = arg.toUpperCase();
      if (t === "ANY") d["chunk_match_type"] = SCTP_CHUNK_MATCH_ANY;
      else if (t === "ALL") d["chunk_match_type"] = SCTP_CHUNK_MATCH_ALL;
      else if (t === "ONLY") d["chunk_match_type"] = SCTP_CHUNK_MATCH_ONLY;
      else xtablesError(PARAMETER_PROBLEM, 'Match type has to be one of "ALL", "ANY" or "ONLY"');
      sctpParseChunk(d, chunks);
      if (invert) d["invflags"] |= XT_SCTP_CHUNK_TYPES;
    }
  },
  print(d, numeric) {
    let s = " sctp";
    if (d["flags"] & XT_SCTP_SRC_PORTS) s += sctpPrintPorts("spt", d["spts"][0], d["spts"][1], !!(d["invflags"] & XT_SCTP_SRC_PORTS), numeric);
    if (d["flags"] & XT_SCTP_DEST_PORTS) s += sctpPrintPorts("dpt", d["dpts"][0], d["dpts"][1], !!(d["invflags"] & XT_SCTP_DEST_PORTS), numeric);
    if (d["flags"] & XT_SCTP_CHUNK_TYPES) {
      if (d["invflags"] & XT_SCTP_CHUNK_TYPES) s += " !";
      s += sctpPrintChunks(d, numeric);
    }
    return s;
  },
  save(d) {
    let s = "";
    for (const [bit, k, opt] of [[XT_SCTP_SRC_PORTS, "spts", "sport"], [XT_SCTP_DEST_PORTS, "dpts", "dport"]] as const) {
      if (!(d["flags"] & bit)) continue;
      if (d["invflags"] & bit) s += " !";
      const p = d[k];
      s += p[0] !== p[1] ? ` --${opt} ${p[0]}:${p[1]}` : ` --${opt} ${p[0]}`;
    }
    if (d["flags"] & XT_SCTP_CHUNK_TYPES) {
      if (d["invflags"] & XT_SCTP_CHUNK_TYPES) s += " !";
      s += " --chunk-types" + sctpPrintChunks(d, false);
    }
    return s;
  },
};

// ================= targets =================

// ---- DSCP (libxt_DSCP.c) ----
const DSCP_TG_OPTS: XtOpt[] = [
  { name: "set-dscp", id: 0, type: "uint8", min: 0, max: 0x3f, excl: 1 << 1 },
  { name: "set-dscp-class", id: 1, type: "string", excl: 1 << 0 },
];
const DSCP: Ext = {
  name: "DSCP", revision: 0, kind: "target", opts: optsOf(DSCP_TG_OPTS),
  help: HELP.DSCP_TG_HELP,
  init: () => ({ dscp: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("DSCP", DSCP_TG_OPTS, o, arg, invert, d);
    d["dscp"] = o === "set-dscp" ? v.num : classToDscp(arg);
  },
  final(d) {
    if (!xflagsOf(d)) xtablesError(PARAMETER_PROBLEM, "DSCP target: Parameter --set-dscp is required");
    xtoptFcheck("DSCP", DSCP_TG_OPTS, d);
  },
  print: (d) => ` DSCP set ${hex2(d["dscp"])}`,
  save: (d) => ` --set-dscp ${hex2(d["dscp"])}`,
};

// ---- TOS (libxt_TOS.c, revision 1) ----
const TOS_ANY = 0xf;
const TOS_TG_OPTS: XtOpt[] = [
  { name: "set-tos", id: 0, type: "tosmask", excl: TOS_ANY, max: 0x3f },
  { name: "and-tos", id: 1, type: "uint8", excl: TOS_ANY },
  { name: "or-tos", id: 2, type: "uint8", excl: TOS_ANY },
  { name: "xor-tos", id: 3, type: "uint8", excl: TOS_ANY },
];
const TOS: Ext = {
  name: "TOS", revision: 1, kind: "target", opts: optsOf(TOS_TG_OPTS),
  help: HELP.TOS_TG_HELP,
  init: () => ({ tos_value: 0, tos_mask: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("TOS", TOS_TG_OPTS, o, arg, invert, d);
    if (o === "set-tos") {
      d["tos_value"] = v.tosValue;
      d["tos_mask"] = v.tosMask;
    } else if (o === "and-tos") {
      d["tos_value"] = 0;
      d["tos_mask"] = ~v.num & 0xff;
    } else if (o === "or-tos") {
      d["tos_value"] = d["tos_mask"] = v.num;
    } else {
      d["tos_value"] = v.num;
      d["tos_mask"] = 0;
    }
  },
  final(d) {
    if (!(xflagsOf(d) & TOS_ANY)) xtablesError(PARAMETER_PROBLEM, "TOS: An action is required");
    xtoptFcheck("TOS", TOS_TG_OPTS, d);
  },
  print(d, numeric) {
    const v: number = d["tos_value"];
    const m: number = d["tos_mask"];
    if (numeric) return ` TOS set ${hex2(v)}/${hex2(m)}`;
    // tos_try_print_symbolic(" TOS set", …) prints " %s%s": "  TOS setMinimize-Cost"
    const sym = tosSymbolic(" TOS set", v, m);
    if (sym) return sym;
    if (v === 0) return ` TOS and ${hex2(~m)}`;
    if (v === m) return ` TOS or ${hex2(v)}`;
    if (m === 0) return ` TOS xor ${hex2(v)}`;
    return ` TOS set ${hex2(v)}/${hex2(m)}`;
  },
  save: (d) => ` --set-tos ${hex2(d["tos_value"])}/${hex2(d["tos_mask"])}`,
};

// ---- TCPMSS (libxt_TCPMSS.c) ----
const XT_TCPMSS_CLAMP_PMTU = 0xffff;
const TCPMSS_OPTS: XtOpt[] = [
  { name: "set-mss", id: 0, type: "uint16", min: 0, max: 0xffff - 20 },
  { name: "clamp-mss-to-pmtu", id: 1, type: "none" },
];
const TCPMSS: Ext = {
  name: "TCPMSS", revision: 0, kind: "target", opts: optsOf(TCPMSS_OPTS),
  help: HELP.TCPMSS_HELP,
  init: () => ({ mss: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("TCPMSS", TCPMSS_OPTS, o, arg, invert, d);
    d["mss"] = o === "set-mss" ? v.num : XT_TCPMSS_CLAMP_PMTU;
  },
  final(d) {
    if (!xflagsOf(d)) xtablesError(PARAMETER_PROBLEM, "TCPMSS target: At least one parameter is required");
    xtoptFcheck("TCPMSS", TCPMSS_OPTS, d);
  },
  print: (d) => (d["mss"] === XT_TCPMSS_CLAMP_PMTU ? " TCPMSS clamp to PMTU" : ` TCPMSS set ${d["mss"]}`),
  save: (d) => (d["mss"] === XT_TCPMSS_CLAMP_PMTU ? " --clamp-mss-to-pmtu" : ` --set-mss ${d["mss"]}`),
};

export const EXTS_PKT: Ext[] = [pkttype, statistic, quota, dscp, tos, owner, sctp, DSCP, TOS, TCPMSS];

registerExts(EXTS_PKT);
