/**
 * iptables extensions (other matches): time, socket, cgroup, bpf, cluster, nfacct, osf, ipvs, set.
 * Each as libxt_*.c of iptables 1.8.9 has it, in the revision it picks on Linux 6.18: options
 * (parse), -L text (print), -S text (save).
 */
import { parseHostmask } from "./xtaddr.ts";
import { registerExts, saveString, getportbyname, type Ext } from "./extensions.ts";
import { xtablesError, PARAMETER_PROBLEM, OTHER_PROBLEM } from "./xshared.ts";
import { parseProtocol } from "./ext_route.ts";
import { XTOPT_INVERT, XTOPT_MAND, xtoptParse, xtoptFcheck, xflagsOf, optsOf, strtoulWhole, type XtOpt } from "./ext_pkt.ts";
import * as HELP from "./ext-help-misc.ts";
import { XT_TIME_ALL_MONTHDAYS, XT_TIME_ALL_WEEKDAYS, XT_TIME_CONTIGUOUS, XT_TIME_LOCAL_TZ, XT_TIME_MAX_DAYTIME } from "../../kernel/uapi/xt_time.ts";

const U64 = 0x10000000000000000n;

/** C strtoul(s, &e, base) for base 10 or 0: [value as an unsigned long, rest]; no digits give
 * [0, s] (e = s) */
function cStrtoul(s: string, base: 0 | 10): [bigint, string] {
  const re = base === 10 ? /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/ : /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/;
  const m = re.exec(s);
  if (!m) {
    // "0x" alone: strtoul reads the 0
    const z = base === 0 ? /^[ \t\n\v\f\r]*[+-]?0[xX]/.exec(s) : null;
    return z ? [0n, s.slice(z[0].length - 1)] : [0n, s];
  }
  const t = m[2]!;
  let v = base === 0 && /^0[xX]/.test(t) ? BigInt(t) : base === 0 && t.length > 1 && t[0] === "0" ? BigInt("0o" + t.slice(1)) : BigInt(t);
  if (v >= U64) v = U64 - 1n; // ERANGE: ULONG_MAX
  else if (m[1] === "-") v = (U64 - v) % U64;
  return [v, s.slice(m[0].length)];
}
/** the unsigned long into an unsigned int */
const u32 = (v: bigint): number => Number(v & 0xffffffffn);

// ---- time (libxt_time.c) ----
const INT_MAX = 0x7fffffff;
const WEEK_DAYS = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const F_LOCAL_TZ = 1 << 7;
const F_UTC = 1 << 8;
const F_KERNEL_TZ = 1 << 9;
const F_TIME_CONTIGUOUS = 1 << 4;
const TIME_OPTS: XtOpt[] = [
  { name: "datestart", id: 0, type: "string" },
  { name: "datestop", id: 1, type: "string" },
  { name: "timestart", id: 2, type: "string" },
  { name: "timestop", id: 3, type: "string" },
  { name: "contiguous", id: 4, type: "none" },
  { name: "weekdays", id: 6, type: "string", flags: XTOPT_INVERT },
  { name: "monthdays", id: 5, type: "string", flags: XTOPT_INVERT },
  { name: "localtz", id: 7, type: "none", excl: F_UTC },
  { name: "utc", id: 8, type: "none", excl: F_LOCAL_TZ | F_KERNEL_TZ },
  { name: "kerneltz", id: 9, type: "none", excl: F_UTC },
];

/** days from 1970-01-01 to y-m-d (proleptic Gregorian; m, d may run out of range as mktime's do) */
function daysFromCivil(y: number, m: number, d: number): number {
  y += Math.floor((m - 1) / 12);
  m = ((m - 1) % 12 + 12) % 12 + 1;
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** time_parse_date(): mktime() of the fields in UTC */
function timeParseDate(os: string): number {
  const bad = (): never => xtablesError(PARAMETER_PROBLEM, `Invalid date "${os}" specified. Should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]]`);
  const f = [1970, 1, 1, 0, 0, 0];
  const seps = ["-", "-", "T", ":", ":", ""];
  const lim = [0, 12, 31, 23, 59, 59];
  let s = os;
  for (let i = 0; i < 6; i++) {
    const [v, e] = cStrtoul(s, 10);
    const n = u32(v);
    f[i] = n;
    const c = e[0] ?? "";
    if ((c !== seps[i] && c !== "") || (i === 0 ? n < 1970 || n > 2038 : n > lim[i]!)) bad();
    if (c === "") break;
    s = e.slice(1);
  }
  const t = daysFromCivil(f[0]!, f[1]!, f[2]!) * 86400 + f[3]! * 3600 + f[4]! * 60 + f[5]!;
  if (t < 0) xtablesError(OTHER_PROBLEM, "mktime returned an error");
  return t >>> 0;
}

/** time_parse_minutes(): the error names the part being parsed */
function timeParseMinutes(arg: string): number {
  let s = arg;
  const bad = (): never => xtablesError(PARAMETER_PROBLEM, `invalid time "${s}" specified, should be hh:mm[:ss] format and within the boundaries`);
  let [v, e] = cStrtoul(s, 10);
  const hour = u32(v);
  if (e[0] !== ":" || hour > 23) bad();
  s = e.slice(1);
  [v, e] = cStrtoul(s, 10);
  const minute = u32(v);
  if ((e[0] !== ":" && e !== "") || minute > 59) bad();
  let second = 0;
  if (e !== "") {
    s = e.slice(1);
    [v, e] = cStrtoul(s, 10);
    second = u32(v);
    if (e !== "" || second > 59) bad();
  }
  return 3600 * hour + 60 * minute + second;
}

/** my_strseg(): the comma-separated segments, each cut to buflen-1 characters */
function strsegs(arg: string, buflen: number): string[] {
  const out: string[] = [];
  let a: string | undefined = arg;
  while (a !== undefined && a !== "") {
    const i: number = a.indexOf(",");
    if (i < 0) {
      out.push(a.slice(0, buflen - 1));
      a = undefined;
    } else {
      out.push(a.slice(0, Math.min(i, buflen - 1)));
      a = a.slice(i + 1);
    }
  }
  return out;
}

function timeParseMonthdays(arg: string): number {
  let ret = 0;
  for (const day of strsegs(arg, 3)) {
    const [v, e] = cStrtoul(day, 0);
    const i = u32(v);
    if ((e[0] !== "," && e !== "") || i > 31) xtablesError(PARAMETER_PROBLEM, `${day} is not a valid day for --monthdays`);
    ret |= 1 << i;
  }
  return ret >>> 0;
}

function timeParseWeekdays(arg: string): number {
  let ret = 0;
  for (const day of strsegs(arg, 4)) {
    const [v, e] = cStrtoul(day, 0);
    const i = u32(v);
    if (e === "") {
      if (i === 0) xtablesError(PARAMETER_PROBLEM, "No, the week does NOT begin with Sunday.");
      ret |= 1 << (i & 31);
      continue;
    }
    let valid = false;
    for (let k = 1; k < WEEK_DAYS.length; k++) {
      if (day.slice(0, 2) === WEEK_DAYS[k]!.slice(0, 2)) {
        ret |= 1 << k;
        valid = true;
      }
    }
    if (!valid) xtablesError(PARAMETER_PROBLEM, `${day} is not a valid day specifier`);
  }
  return ret >>> 0;
}

const p2 = (n: number): string => String(n).padStart(2, "0");
function gmDate(t: number, iso: boolean): string {
  const d = new Date(t * 1000);
  return `${String(d.getUTCFullYear()).padStart(4, "0")}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}${iso ? "T" : " "}${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}
const hms = (t: number): string => `${p2(Math.floor(t / 3600))}:${p2(Math.floor(t / 60) % 60)}:${p2(t % 60)}`;
function monthdaysText(mask: number, human: boolean): string {
  const out: string[] = [];
  for (let i = 1; i <= 31; i++) {
    if (!((mask >>> i) & 1)) continue;
    out.push(String(i) + (human ? (["th", "st", "nd", "rd"][i % 10] ?? "th") : ""));
  }
  return " " + out.join(",");
}
function weekdaysText(mask: number): string {
  const out: string[] = [];
  for (let i = 1; i <= 7; i++) if ((mask >>> i) & 1) out.push(WEEK_DAYS[i]!);
  return " " + out.join(",");
}
const timeDefaultDaytime = (d: Record<string, any>): boolean => d["daytime_start"] === 0 && d["daytime_stop"] === XT_TIME_MAX_DAYTIME;

const time: Ext = {
  name: "time", revision: 0, kind: "match", opts: optsOf(TIME_OPTS),
  help: HELP.TIME_HELP,
  init: () => ({ date_start: 0, date_stop: INT_MAX, daytime_start: 0, daytime_stop: XT_TIME_MAX_DAYTIME, monthdays_match: XT_TIME_ALL_MONTHDAYS, weekdays_match: XT_TIME_ALL_WEEKDAYS, flags: 0 }),
  parse(o, arg, invert, d, ctx) {
    xtoptParse("time", TIME_OPTS, o, arg, invert, d);
    switch (o) {
      case "datestart":
        d["date_start"] = timeParseDate(arg);
        break;
      case "datestop":
        d["date_stop"] = timeParseDate(arg);
        break;
      case "timestart":
        d["daytime_start"] = timeParseMinutes(arg);
        break;
      case "timestop":
        d["daytime_stop"] = timeParseMinutes(arg);
        break;
      case "contiguous":
        d["flags"] |= XT_TIME_CONTIGUOUS;
        break;
      case "localtz":
        ctx.warn?.('WARNING: --localtz is being replaced by --kerneltz, since "local" is ambiguous. Note the kernel timezone has caveats - see manpage for details.\n');
        d["flags"] |= XT_TIME_LOCAL_TZ;
        break;
      case "kerneltz":
        d["flags"] |= XT_TIME_LOCAL_TZ;
        break;
      case "monthdays":
        d["monthdays_match"] = timeParseMonthdays(arg);
        if (invert) d["monthdays_match"] = (d["monthdays_match"] ^ XT_TIME_ALL_MONTHDAYS) >>> 0;
        break;
      case "weekdays":
        d["weekdays_match"] = timeParseWeekdays(arg);
        if (invert) d["weekdays_match"] = (d["weekdays_match"] ^ XT_TIME_ALL_WEEKDAYS) >>> 0;
        break;
    }
  },
  final(d) {
    if (xflagsOf(d) & F_TIME_CONTIGUOUS && d["daytime_start"] < d["daytime_stop"])
      xtablesError(PARAMETER_PROBLEM, "time: --contiguous only makes sense when stoptime is smaller than starttime");
    xtoptFcheck("time", TIME_OPTS, d);
  },
  print(d) {
    let s = " TIME";
    if (!timeDefaultDaytime(d)) s += ` from ${hms(d["daytime_start"])} to ${hms(d["daytime_stop"])}`;
    if (d["weekdays_match"] !== XT_TIME_ALL_WEEKDAYS) s += " on" + weekdaysText(d["weekdays_match"]);
    if (d["monthdays_match"] !== XT_TIME_ALL_MONTHDAYS) s += " on" + monthdaysText(d["monthdays_match"], true);
    if (d["date_start"] !== 0) s += " starting from " + gmDate(d["date_start"], false);
    if (d["date_stop"] !== INT_MAX) s += " until date " + gmDate(d["date_stop"], false);
    if (!(d["flags"] & XT_TIME_LOCAL_TZ)) s += " UTC";
    if (d["flags"] & XT_TIME_CONTIGUOUS) s += " contiguous";
    return s;
  },
  save(d) {
    let s = "";
    if (!timeDefaultDaytime(d)) s += ` --timestart ${hms(d["daytime_start"])} --timestop ${hms(d["daytime_stop"])}`;
    if (d["monthdays_match"] !== XT_TIME_ALL_MONTHDAYS) s += " --monthdays" + monthdaysText(d["monthdays_match"], false);
    if (d["weekdays_match"] !== XT_TIME_ALL_WEEKDAYS) s += " --weekdays" + weekdaysText(d["weekdays_match"]);
    // time_print_date() skips 0 and LONG_MAX: the default stop (INT_MAX) is printed
    if (d["date_start"] !== 0) s += " --datestart " + gmDate(d["date_start"], true);
    if (d["date_stop"] !== 0) s += " --datestop " + gmDate(d["date_stop"], true);
    if (d["flags"] & XT_TIME_LOCAL_TZ) s += " --kerneltz";
    if (d["flags"] & XT_TIME_CONTIGUOUS) s += " --contiguous";
    return s;
  },
};

// ---- set (libxt_set.c, revision 4; libxt_set.h) ----
const IPSET_MAXNAMELEN = 32;
const SET_OPTS = ["match-set", "set", "return-nomatch", "update-counters", "packets-eq", "packets-lt", "packets-gt", "bytes-eq", "bytes-lt", "bytes-gt", "update-subcounters"];
const IPSET_COUNTER_NONE = 0;
const IPSET_COUNTER_EQ = 1;
const IPSET_COUNTER_NE = 2;
const IPSET_COUNTER_LT = 3;
const IPSET_COUNTER_GT = 4;
const IPSET_INV_MATCH = 1;
const IPSET_FLAG_RETURN_NOMATCH = 1 << 7;
const IPSET_FLAG_SKIP_COUNTER_UPDATE = 1 << 8;
const IPSET_FLAG_SKIP_SUBCOUNTER_UPDATE = 1 << 9;
function parseCounter(opt: string): string {
  const v = strtoulWhole(opt, 0n, 0xffffffffffffffffn);
  if (v === undefined) xtablesError(PARAMETER_PROBLEM, `Cannot parse ${opt} as a counter value`);
  return v.toString();
}
function setCounterText(c: { op: number; value: string }, name: string, sep: string): string {
  switch (c.op) {
    case IPSET_COUNTER_EQ: return ` ${sep}${name}-eq ${c.value}`;
    case IPSET_COUNTER_NE: return ` ! ${sep}${name}-eq ${c.value}`;
    case IPSET_COUNTER_LT: return ` ${sep}${name}-lt ${c.value}`;
    case IPSET_COUNTER_GT: return ` ${sep}${name}-gt ${c.value}`;
  }
  return "";
}
function setText(d: Record<string, any>, opt: string, sep: string): string {
  const ms = d["match_set"];
  let s = `${ms.flags & IPSET_INV_MATCH ? " !" : ""} ${opt} ${d["setname"] ?? ""}`;
  for (let i = 1; i <= ms.dim; i++) s += (i === 1 ? " " : ",") + (ms.flags & (1 << i) ? "src" : "dst");
  if (d["flags"] & IPSET_FLAG_RETURN_NOMATCH) s += ` ${sep}return-nomatch`;
  if (d["flags"] & IPSET_FLAG_SKIP_COUNTER_UPDATE) s += ` ! ${sep}update-counters`;
  if (d["flags"] & IPSET_FLAG_SKIP_SUBCOUNTER_UPDATE) s += ` ! ${sep}update-subcounters`;
  return s + setCounterText(d["packets"], "packets", sep) + setCounterText(d["bytes"], "bytes", sep);
}
const set: Ext = {
  name: "set", revision: 4, kind: "match", opts: Object.fromEntries(SET_OPTS.map((o) => [o, !["return-nomatch", "update-counters", "update-subcounters"].includes(o)])),
  help: HELP.SET_HELP,
  init: () => ({ match_set: { index: 0, dim: 0, flags: 0 }, flags: 0, packets: { op: 0, value: "0" }, bytes: { op: 0, value: "0" } }),
  parse(o, arg, invert, d, ctx) {
    const counter = (k: "packets" | "bytes", op: number, what: string) => {
      if (d[k].op !== IPSET_COUNTER_NONE) xtablesError(PARAMETER_PROBLEM, `only one of the --${k}-[eq|lt|gt] is allowed`);
      if (invert && op !== IPSET_COUNTER_EQ) xtablesError(PARAMETER_PROBLEM, `--${k}-${what} option cannot be inverted`);
      d[k] = { op: invert ? IPSET_COUNTER_NE : op, value: parseCounter(arg) };
    };
    switch (o) {
      case "update-subcounters":
        if (invert) d["flags"] |= IPSET_FLAG_SKIP_SUBCOUNTER_UPDATE;
        break;
      case "bytes-gt": counter("bytes", IPSET_COUNTER_GT, "gt"); break;
      case "bytes-lt": counter("bytes", IPSET_COUNTER_LT, "lt"); break;
      case "bytes-eq": counter("bytes", IPSET_COUNTER_EQ, "eq"); break;
      case "packets-gt": counter("packets", IPSET_COUNTER_GT, "gt"); break;
      case "packets-lt": counter("packets", IPSET_COUNTER_LT, "lt"); break;
      case "packets-eq": counter("packets", IPSET_COUNTER_EQ, "eq"); break;
      case "update-counters":
        if (invert) d["flags"] |= IPSET_FLAG_SKIP_COUNTER_UPDATE;
        break;
      case "return-nomatch":
        if (invert) xtablesError(PARAMETER_PROBLEM, "--return-nomatch flag cannot be inverted");
        d["flags"] |= IPSET_FLAG_RETURN_NOMATCH;
        break;
      default: {
        if (o === "set") ctx.warn?.("--set option deprecated, please use --match-set\n");
        const ms = d["match_set"];
        if (ms.dim) xtablesError(PARAMETER_PROBLEM, "--match-set can be specified only once");
        if (invert) ms.flags |= IPSET_INV_MATCH;
        const next = ctx.nextArg();
        if (next === undefined || next[0] === "-" || next[0] === "!") xtablesError(PARAMETER_PROBLEM, "--match-set requires two args.");
        if (arg.length > IPSET_MAXNAMELEN - 1) xtablesError(PARAMETER_PROBLEM, `setname \`${arg}' too long, max ${IPSET_MAXNAMELEN - 1} characters.`);
        // get_set_byname(): this system has no ipset, so no set of any name
        xtablesError(PARAMETER_PROBLEM, `Set ${arg} doesn't exist.\n`);
      }
    }
  },
  final(d) {
    if (!d["match_set"].dim) xtablesError(PARAMETER_PROBLEM, "You must specify `--match-set' with proper arguments");
  },
  print: (d) => setText(d, "match-set", ""),
  save: (d) => setText(d, "--match-set", "--"),
};

// ---- socket (libxt_socket.c, revision 3) ----
const XT_SOCKET_TRANSPARENT = 1;
const XT_SOCKET_NOWILDCARD = 2;
const XT_SOCKET_RESTORESKMARK = 4;
const SOCKET_OPTS: XtOpt[] = [
  { name: "transparent", id: 0, type: "none" },
  { name: "nowildcard", id: 1, type: "none" },
  { name: "restore-skmark", id: 2, type: "none" },
];
function socketSave(d: Record<string, any>): string {
  let s = "";
  if (d["flags"] & XT_SOCKET_TRANSPARENT) s += " --transparent";
  if (d["flags"] & XT_SOCKET_NOWILDCARD) s += " --nowildcard";
  if (d["flags"] & XT_SOCKET_RESTORESKMARK) s += " --restore-skmark";
  return s;
}
const socket: Ext = {
  name: "socket", revision: 3, kind: "match", opts: optsOf(SOCKET_OPTS),
  help: HELP.SOCKET_HELP,
  init: () => ({ flags: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("socket", SOCKET_OPTS, o, arg, invert, d);
    d["flags"] |= o === "transparent" ? XT_SOCKET_TRANSPARENT : o === "nowildcard" ? XT_SOCKET_NOWILDCARD : XT_SOCKET_RESTORESKMARK;
  },
  final(d) {
    xtoptFcheck("socket", SOCKET_OPTS, d);
  },
  print: (d) => " socket" + socketSave(d),
  save: socketSave,
};

// ---- cgroup (libxt_cgroup.c, revision 2) ----
const XT_CGROUP_PATH_MAX = 512;
const CGROUP_OPTS: XtOpt[] = [
  { name: "path", id: 1, type: "string", flags: XTOPT_INVERT },
  { name: "cgroup", id: 0, type: "uint32", flags: XTOPT_INVERT },
];
const cgroup: Ext = {
  name: "cgroup", revision: 2, kind: "match", opts: optsOf(CGROUP_OPTS),
  help: HELP.CGROUP_HELP,
  init: () => ({ has_path: 0, has_classid: 0, invert_path: 0, invert_classid: 0, path: "", classid: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("cgroup", CGROUP_OPTS, o, arg, invert, d);
    if (o === "path") {
      // XTOPT_PUT into path[XT_CGROUP_PATH_MAX]
      d["path"] = arg.slice(0, XT_CGROUP_PATH_MAX - 1);
      d["has_path"] = 1;
      if (invert) d["invert_path"] = 1;
    } else {
      // (path and classid share a union)
      d["classid"] = v.num;
      d["has_classid"] = 1;
      if (invert) d["invert_classid"] = 1;
    }
  },
  final(d) {
    xtoptFcheck("cgroup", CGROUP_OPTS, d);
  },
  print(d) {
    let s = " cgroup";
    if (d["has_path"]) s += ` ${d["invert_path"] ? "! " : ""}${d["path"]}`;
    if (d["has_classid"]) s += ` ${d["invert_classid"] ? "! " : ""}${d["classid"]}`;
    return s;
  },
  save(d) {
    let s = "";
    if (d["has_path"]) s += `${d["invert_path"] ? " !" : ""} --path` + saveString(d["path"]);
    if (d["has_classid"]) s += `${d["invert_classid"] ? " !" : ""} --cgroup ${d["classid"]}`;
    return s;
  },
};

// ---- bpf (libxt_bpf.c, revision 1) ----
const XT_BPF_MAX_NUM_INSTR = 64;
const XT_BPF_MODE_BYTECODE = 0;
const XT_BPF_MODE_FD_PINNED = 1;
const BPF_OPTS: XtOpt[] = [
  { name: "bytecode", id: 0, type: "string" },
  { name: "object-pinned", id: 1, type: "string" },
];
/** sscanf("%hu"/"%hhu"/"%u"): whitespace, a sign, decimal digits, wrapped to the width */
function scanU(s: string, bits: number): [number, string] | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/.exec(s);
  if (!m) return undefined;
  let v = BigInt(m[2]!);
  if (v >= U64) v = U64 - 1n;
  if (m[1] === "-") v = (U64 - v) % U64;
  return [Number(v & ((1n << BigInt(bits)) - 1n)), s.slice(m[0].length)];
}
/** bpf_parse_string() */
function bpfParseString(prog: string): number[][] {
  const head = scanU(prog, 16);
  if (!head || head[1][0] !== ",") xtablesError(PARAMETER_PROBLEM, "bpf: error parsing program length");
  const len = head[0];
  if (!len) xtablesError(PARAMETER_PROBLEM, "bpf: illegal zero length program");
  if (len > XT_BPF_MAX_NUM_INSTR) xtablesError(PARAMETER_PROBLEM, "bpf: number of instructions exceeds maximum");
  const out: number[][] = [];
  let token = prog;
  for (;;) {
    const c = token.indexOf(",");
    if (c < 0) break;
    token = token.slice(c + 1);
    if (token === "") break;
    if (out.length >= len) xtablesError(PARAMETER_PROBLEM, "bpf: real program length exceeds the encoded length parameter");
    const code = scanU(token, 16);
    const jt = code && scanU(code[1], 8);
    const jf = jt && scanU(jt[1], 8);
    const k = jf && scanU(jf[1], 32);
    if (!k) xtablesError(PARAMETER_PROBLEM, `bpf: error at instr ${out.length}`);
    out.push([code![0], jt![0], jf![0], k[0]]);
  }
  if (out.length !== len) xtablesError(PARAMETER_PROBLEM, "bpf: parsed program length is less than the encoded length parameter");
  return out;
}
const bpfCode = (p: number[][]): string => p.map((i) => i.join(" ")).join(",");
const bpf: Ext = {
  name: "bpf", revision: 1, kind: "match", opts: optsOf(BPF_OPTS),
  help: HELP.BPF_HELP,
  init: () => ({ mode: 0, bpf_program_num_elem: 0, bpf_program: [], path: "" }),
  parse(o, arg, invert, d) {
    xtoptParse("bpf", BPF_OPTS, o, arg, invert, d);
    if (o === "bytecode") {
      const p = bpfParseString(arg);
      d["bpf_program"] = p;
      d["bpf_program_num_elem"] = p.length;
      d["mode"] = XT_BPF_MODE_BYTECODE;
    } else {
      // bpf_obj_get_readonly(): no BPF file system here, so no pinned object
      d["path"] = arg.slice(0, 511);
      xtablesError(PARAMETER_PROBLEM, "bpf: failed to get bpf object");
    }
  },
  final(d) {
    const f = xflagsOf(d) & 3;
    if (f !== 1 && f !== 2) xtablesError(PARAMETER_PROBLEM, "bpf: one of --bytecode or --pinned is required");
    xtoptFcheck("bpf", BPF_OPTS, d);
  },
  print(d) {
    // bpf_print_code(…, '\\0'): the last instruction is followed by a NUL byte
    if (d["mode"] === XT_BPF_MODE_BYTECODE) return "match bpf " + bpfCode(d["bpf_program"]) + "\0";
    if (d["mode"] === XT_BPF_MODE_FD_PINNED) return "match bpf pinned " + d["path"];
    return "match bpf unknown";
  },
  save(d) {
    if (d["mode"] === XT_BPF_MODE_BYTECODE) return ` --bytecode "${d["bpf_program_num_elem"]},${bpfCode(d["bpf_program"])}"`;
    return ` --object-pinned ${d["path"]}`;
  },
};

// ---- cluster (libxt_cluster.c) ----
const XT_CLUSTER_NODES_MAX = 32;
const XT_CLUSTER_F_INV = 1;
const CLUSTER_OPTS: XtOpt[] = [
  { name: "cluster-total-nodes", id: 0, type: "uint32", min: 1, max: XT_CLUSTER_NODES_MAX, flags: XTOPT_MAND },
  { name: "cluster-local-node", id: 1, type: "uint32", min: 1, max: XT_CLUSTER_NODES_MAX, flags: XTOPT_INVERT, excl: 1 << 2 },
  { name: "cluster-local-nodemask", id: 2, type: "uint32", min: 1, max: XT_CLUSTER_NODES_MAX, flags: XTOPT_INVERT, excl: 1 << 1 },
  { name: "cluster-hash-seed", id: 3, type: "uint32", flags: XTOPT_MAND },
];
const hex8 = (n: number): string => "0x" + (n >>> 0).toString(16).padStart(8, "0");
const cluster: Ext = {
  name: "cluster", revision: 0, kind: "match", opts: optsOf(CLUSTER_OPTS),
  help: HELP.CLUSTER_HELP,
  init: () => ({ total_nodes: 0, node_mask: 0, hash_seed: 0, flags: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("cluster", CLUSTER_OPTS, o, arg, invert, d);
    if (o === "cluster-total-nodes") d["total_nodes"] = v.num;
    else if (o === "cluster-hash-seed") d["hash_seed"] = v.num;
    else {
      if (invert) d["flags"] |= XT_CLUSTER_F_INV;
      d["node_mask"] = o === "cluster-local-node" ? (1 << (v.num - 1)) >>> 0 : v.num;
    }
  },
  final(d) {
    const x = xflagsOf(d);
    const big = BigInt(d["node_mask"]) >= 1n << BigInt(d["total_nodes"]);
    if ((x & 0b1011) === 0b1011) {
      if (big) xtablesError(PARAMETER_PROBLEM, "cluster match: `--cluster-local-node' must be <= `--cluster-total-nodes'");
    } else if ((x & 0b1101) === 0b1101) {
      if (big) xtablesError(PARAMETER_PROBLEM, "cluster match: `--cluster-local-nodemask' too big for `--cluster-total-nodes'");
    } else if (!(x & 0b110)) xtablesError(PARAMETER_PROBLEM, "cluster match: `--cluster-local-node' or`--cluster-local-nodemask' is missing");
    xtoptFcheck("cluster", CLUSTER_OPTS, d);
  },
  print: (d) => ` cluster ${d["flags"] & XT_CLUSTER_F_INV ? "!" : ""}node_mask=${hex8(d["node_mask"])} total_nodes=${d["total_nodes"]} hash_seed=${hex8(d["hash_seed"])}`,
  save: (d) => `${d["flags"] & XT_CLUSTER_F_INV ? " !" : ""} --cluster-local-nodemask ${hex8(d["node_mask"])} --cluster-total-nodes ${d["total_nodes"]} --cluster-hash-seed ${hex8(d["hash_seed"])}`,
};

// ---- nfacct (libxt_nfacct.c, revision 1) ----
const NFACCT_NAME_MAX = 32;
const NFACCT_OPTS: XtOpt[] = [{ name: "nfacct-name", id: 0, type: "string", flags: XTOPT_MAND }];
const nfacct: Ext = {
  name: "nfacct", revision: 1, kind: "match", opts: optsOf(NFACCT_OPTS),
  help: HELP.NFACCT_HELP,
  init: () => ({ name: "" }),
  parse(o, arg, invert, d) {
    xtoptParse("nfacct", NFACCT_OPTS, o, arg, invert, d);
    if (arg.length < 1) xtablesError(PARAMETER_PROBLEM, "Argument must have a minimum length of 1 characters\n");
    d["name"] = arg.slice(0, NFACCT_NAME_MAX - 1);
    if (arg.includes("\n")) xtablesError(PARAMETER_PROBLEM, "Newlines not allowed in --nfacct-name");
  },
  final(d) {
    xtoptFcheck("nfacct", NFACCT_OPTS, d);
  },
  print: (d) => " nfacct-name " + saveString(d["name"]).slice(1),
  save: (d) => " --nfacct-name " + saveString(d["name"]).slice(1),
};

// ---- osf (libxt_osf.c) ----
const MAXGENRELEN = 32;
const XT_OSF_TTL = 2;
const XT_OSF_LOG = 4;
const XT_OSF_INVERT = 8;
const OSF_OPTS: XtOpt[] = [
  { name: "genre", id: 0, type: "string", flags: XTOPT_MAND | XTOPT_INVERT },
  { name: "ttl", id: 1, type: "uint32", min: 0, max: 2 },
  { name: "log", id: 2, type: "uint32", min: 0, max: 2 },
];
const osf: Ext = {
  name: "osf", revision: 0, kind: "match", opts: optsOf(OSF_OPTS),
  help: HELP.OSF_HELP,
  init: () => ({ genre: "", len: 0, flags: 0, loglevel: 0, ttl: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("osf", OSF_OPTS, o, arg, invert, d);
    if (o === "genre") {
      d["genre"] = arg.slice(0, MAXGENRELEN - 1);
      if (invert) d["flags"] |= XT_OSF_INVERT;
      d["len"] = d["genre"].length;
    } else if (o === "ttl") {
      d["ttl"] = v.num;
      d["flags"] |= XT_OSF_TTL;
    } else {
      d["loglevel"] = v.num;
      d["flags"] |= XT_OSF_LOG;
    }
  },
  final(d) {
    xtoptFcheck("osf", OSF_OPTS, d);
  },
  print: (d) => ` OS fingerprint match ${d["flags"] & XT_OSF_INVERT ? "! " : ""}${d["genre"]}`,
  save(d) {
    let s = d["flags"] & XT_OSF_INVERT ? " !" : "";
    s += ` --genre ${d["genre"]}`;
    if (d["flags"] & XT_OSF_TTL) s += ` --ttl ${d["ttl"]}`;
    if (d["flags"] & XT_OSF_LOG) s += ` --log ${d["loglevel"]}`;
    return s;
  },
};

// ---- ipvs (libxt_ipvs.c) ----
const XT_IPVS_IPVS_PROPERTY = 1;
const XT_IPVS_PROTO = 2;
const XT_IPVS_VADDR = 4;
const XT_IPVS_VPORT = 8;
const XT_IPVS_DIR = 16;
const XT_IPVS_METHOD = 32;
const XT_IPVS_VPORTCTL = 64;
const XT_IPVS_ONCE_MASK = 0x7f & ~XT_IPVS_IPVS_PROPERTY;
const IP_VS_CONN_F_MASQ = 0;
const IP_VS_CONN_F_TUNNEL = 2;
const IP_VS_CONN_F_DROUTE = 3;
const IPVS_OPTS: XtOpt[] = [
  { name: "ipvs", id: 0, type: "none", flags: XTOPT_INVERT },
  { name: "vproto", id: 1, type: "string", flags: XTOPT_INVERT },
  { name: "vaddr", id: 2, type: "string", flags: XTOPT_INVERT },
  { name: "vport", id: 3, type: "string", flags: XTOPT_INVERT },
  { name: "vdir", id: 4, type: "string" },
  { name: "vmethod", id: 5, type: "string", flags: XTOPT_INVERT },
  { name: "vportctl", id: 6, type: "string", flags: XTOPT_INVERT },
];
const dotted = (a: number): string => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
function maskText(m: number): string {
  if (m === 0xffffffff) return "";
  const inv = ~m >>> 0;
  if ((inv & (inv + 1)) === 0) return "/" + (32 - Math.log2(inv + 1));
  return "/" + dotted(m);
}
function ipvsPort(arg: string): number {
  const p = getportbyname(arg);
  if (p < 0) xtablesError(PARAMETER_PROBLEM, `Port "${arg}" does not resolve to anything.\n`);
  return p;
}
function ipvsDump(d: Record<string, any>, numeric: boolean, prefix: string): string {
  let s = "";
  const bm: number = d["bitmask"];
  const inv: number = d["invert"];
  const neg = (f: number) => (inv & f ? " !" : "");
  if (bm === XT_IPVS_IPVS_PROPERTY) s += `${neg(XT_IPVS_IPVS_PROPERTY)} ${prefix}ipvs`;
  if (bm & XT_IPVS_PROTO) s += `${neg(XT_IPVS_PROTO)} ${prefix}vproto ${d["l4proto"]}`;
  if (bm & XT_IPVS_VADDR) {
    s += `${neg(XT_IPVS_VADDR)} ${prefix}vaddr`;
    if (!numeric && d["vaddr"] === 0) s += " anywhere";
    else s += ` ${dotted(d["vaddr"])}${maskText(d["vmask"])}`;
  }
  if (bm & XT_IPVS_VPORT) s += `${neg(XT_IPVS_VPORT)} ${prefix}vport ${d["vport"]}`;
  if (bm & XT_IPVS_DIR) s += ` ${prefix}vdir ${inv & XT_IPVS_DIR ? "REPLY" : "ORIGINAL"}`;
  if (bm & XT_IPVS_METHOD) {
    s += `${neg(XT_IPVS_METHOD)} ${prefix}vmethod`;
    s += ({ [IP_VS_CONN_F_DROUTE]: " GATE", [IP_VS_CONN_F_TUNNEL]: " IPIP", [IP_VS_CONN_F_MASQ]: " MASQ" } as Record<number, string>)[d["fwd_method"]] ?? " UNKNOWN";
  }
  if (bm & XT_IPVS_VPORTCTL) s += `${neg(XT_IPVS_VPORTCTL)} ${prefix}vportctl ${d["vportctl"]}`;
  return s;
}
/** Linux 6.18 here has no xt_ipvs: iptables.ts's loadExt() warns when -m ipvs loads it */
const ipvs: Ext = {
  name: "ipvs", revision: 0, kind: "match", opts: optsOf(IPVS_OPTS),
  help: HELP.IPVS_HELP,
  init: () => ({ vaddr: 0, vmask: 0, vport: 0, l4proto: 0, fwd_method: 0, vportctl: 0, invert: 0, bitmask: 0 }),
  parse(o, arg, invert, d) {
    const [e] = xtoptParse("ipvs", IPVS_OPTS, o, arg, invert, d);
    switch (o) {
      case "vproto":
        d["l4proto"] = parseProtocol(arg);
        break;
      case "vaddr":
        [d["vaddr"], d["vmask"]] = parseHostmask(arg, "ipvs", "vaddr");
        break;
      case "vport":
        d["vport"] = ipvsPort(arg);
        break;
      case "vportctl":
        d["vportctl"] = ipvsPort(arg);
        break;
      case "vdir":
        if (arg.toUpperCase() === "ORIGINAL") {
          d["bitmask"] |= XT_IPVS_DIR;
          d["invert"] &= ~XT_IPVS_DIR;
        } else if (arg.toUpperCase() === "REPLY") {
          d["bitmask"] |= XT_IPVS_DIR;
          d["invert"] |= XT_IPVS_DIR;
        } else xtablesError(PARAMETER_PROBLEM, `ipvs: Bad value for "--vdir" option: "${arg}"`);
        break;
      case "vmethod": {
        const m = ({ GATE: IP_VS_CONN_F_DROUTE, IPIP: IP_VS_CONN_F_TUNNEL, MASQ: IP_VS_CONN_F_MASQ } as Record<string, number>)[arg.toUpperCase()];
        if (m === undefined) xtablesError(PARAMETER_PROBLEM, `ipvs: Bad value for "--vmethod" option: "${arg}"`);
        d["fwd_method"] = m;
        break;
      }
    }
    d["bitmask"] |= 1 << e.id;
    if (invert) d["invert"] |= 1 << e.id;
  },
  final(d) {
    if (xflagsOf(d) === 0) xtablesError(PARAMETER_PROBLEM, "IPVS: At least one option is required");
    if (d["bitmask"] & XT_IPVS_ONCE_MASK) {
      if (d["invert"] & XT_IPVS_IPVS_PROPERTY) xtablesError(PARAMETER_PROBLEM, "! --ipvs cannot be together with other options");
      d["bitmask"] |= XT_IPVS_IPVS_PROPERTY;
    }
    xtoptFcheck("ipvs", IPVS_OPTS, d);
  },
  print: (d, numeric) => ipvsDump(d, numeric, ""),
  save: (d) => ipvsDump(d, true, "--"),
};

export const EXTS_MISC: Ext[] = [time, set, socket, cgroup, bpf, cluster, nfacct, osf, ipvs];

registerExts(EXTS_MISC);
