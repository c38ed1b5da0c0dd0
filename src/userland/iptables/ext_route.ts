/**
 * iptables extensions (routing, devices and IPsec): rpfilter, realm, devgroup, cpu, u32, ecn, ah, esp, policy.
 * Each as libxt_*.c of iptables 1.8.9 has it: options (parse), -L text (print), -S text (save).
 */
import { ipToStr as ipStr, parseHostmask } from "./xtaddr.ts";
import { registerExts, parseUintRange, type Ext } from "./extensions.ts";
import { xtablesError, PARAMETER_PROBLEM } from "./xshared.ts";
import { getprotobyname, getprotobynumber } from "../lib/etc_files.ts";
import { xtoptParse, xtoptFcheck, xflagsOf, optsOf, strtoumax, XTOPT_INVERT, XTOPT_MAND, XTOPT_MULTI, type XtOpt } from "./ext_pkt.ts";
import * as HELP from "./ext-help-route.ts";

const hexU = (n: number): string => "0x" + (n >>> 0).toString(16);

/** xtables_strtoui(s, &end, &v, 0, UINT32_MAX): [value, rest] or undefined */
function strtoui32(s: string): [number, string] | undefined {
  const r = strtoumax(s);
  if (!r || r[0] > 0xffffffffn) return undefined;
  return [Number(r[0]), r[1]];
}

// ---- xtables_lmap: /etc/iproute2/group and rt_realms as Debian 12's iproute2 ships them ----
/** xtables_lmap_init(): "id name" lines, comments and blank lines skipped */
type Lmap = [number, string][];
const LMAP_GROUP: Lmap = [[0, "default"]];
const LMAP_REALMS: Lmap = [[0, "cosmos"]];

/** xtables_parse_val_mask() */
function parseValMask(arg: string, ext: string, opt: string, lmap: Lmap | undefined): [number, number] {
  const name2val = (): [number, number] => {
    const e = lmap!.find(([, n]) => n === arg);
    if (!e) xtablesError(PARAMETER_PROBLEM, `${ext}: could not map name ${arg} to an integer value for option "--${opt}".\n`);
    return [e[0], 0xffffffff];
  };
  const badVal = (): never => xtablesError(PARAMETER_PROBLEM, `${ext}: bad integer value for option "--${opt}", or out of range.\n`);
  const v = strtoui32(arg);
  if (!v) return lmap ? name2val() : badVal();
  if (v[1] === "") return [v[0], 0xffffffff];
  if (v[1][0] !== "/") {
    if (lmap) return name2val();
    xtablesError(PARAMETER_PROBLEM, `${ext}: trailing garbage after value for option "--${opt}".\n`);
  }
  const m = strtoui32(v[1].slice(1));
  if (!m) badVal();
  if (m![1] !== "") xtablesError(PARAMETER_PROBLEM, `${ext}: trailing garbage after value for option "--${opt}".\n`);
  return [v[0], m![0]];
}

/** xtables_print_val_mask() */
function printValMask(val: number, mask: number, lmap: Lmap | undefined): string {
  if (mask >>> 0 !== 0xffffffff) return ` ${hexU(val)}/${hexU(mask)}`;
  const e = lmap?.find(([id]) => id === val >>> 0);
  return e ? ` ${e[1]}` : ` ${hexU(val)}`;
}

// ---- rpfilter (libxt_rpfilter.c) ----
const XT_RPFILTER_LOOSE = 1;
const XT_RPFILTER_VALID_MARK = 2;
const XT_RPFILTER_ACCEPT_LOCAL = 4;
const XT_RPFILTER_INVERT = 8;
const RPFILTER_OPTS: XtOpt[] = [
  { name: "loose", id: 0, type: "none" },
  { name: "validmark", id: 1, type: "none" },
  { name: "accept-local", id: 2, type: "none" },
  { name: "invert", id: 3, type: "none" },
];
const RPF_BITS: [number, string][] = [[XT_RPFILTER_LOOSE, "loose"], [XT_RPFILTER_VALID_MARK, "validmark"], [XT_RPFILTER_ACCEPT_LOCAL, "accept-local"], [XT_RPFILTER_INVERT, "invert"]];
const rpfilterText = (d: Record<string, any>, prefix: string): string => RPF_BITS.filter(([b]) => d["flags"] & b).map(([, n]) => ` ${prefix}${n}`).join("");
const rpfilter: Ext = {
  name: "rpfilter", revision: 0, kind: "match", opts: optsOf(RPFILTER_OPTS),
  help: HELP.RPFILTER_HELP,
  init: () => ({ flags: 0 }),
  parse(o, arg, invert, d) {
    const [e] = xtoptParse("rpfilter", RPFILTER_OPTS, o, arg, invert, d);
    d["flags"] |= RPF_BITS[e.id]![0];
  },
  final(d) {
    xtoptFcheck("rpfilter", RPFILTER_OPTS, d);
  },
  print: (d) => " rpfilter" + rpfilterText(d, ""),
  save: (d) => rpfilterText(d, "--"),
};

// ---- u32 (libxt_u32.c) ----
const XT_U32_MAXSIZE = 10;
const XT_U32_AND = 0;
const XT_U32_LEFTSH = 1;
const XT_U32_RIGHTSH = 2;
const XT_U32_AT = 3;
interface U32Test {
  location: { number: number; nextop: number }[];
  value: { min: number; max: number }[];
  nnums: number;
  nvalues: number;
}
const U32_OPTS: XtOpt[] = [{ name: "u32", id: 0, type: "string", flags: XTOPT_MAND | XTOPT_INVERT }];
const isspace = (c: string | undefined): boolean => c !== undefined && " \t\n\v\f\r".includes(c);
/** u32_parse() over the whole argument */
function u32Parse(arg: string): U32Test[] {
  const tests: U32Test[] = [];
  const newTest = (): U32Test => ({ location: [], value: [], nnums: 0, nvalues: 0 });
  let ct = newTest();
  tests.push(ct);
  let testind = 0;
  let locind = 0;
  let valind = 0;
  let state = 0;
  let i = 0;
  const err = (msg: string): never => xtablesError(PARAMETER_PROBLEM, msg);
  /** parse_number(): pos is where the number was looked for */
  const parseNumber = (pos: number): number => {
    const r = strtoui32(arg.slice(i));
    if (!r || r[1].length === arg.length - i) err(`u32: at char ${pos}: not a number or out of range`);
    i = arg.length - r![1].length;
    return r![0];
  };
  for (;;) {
    while (isspace(arg[i])) ++i;
    if (i >= arg.length) {
      if (state === 0) err("u32: abrupt end of input after location specifier");
      if (valind === 0) err("u32: test ended with no value specified");
      ct.nnums = locind;
      ct.nvalues = valind;
      ++testind;
      if (testind > XT_U32_MAXSIZE) err(`u32: at char ${i}: too many "&&"s`);
      return tests.slice(0, testind);
    }
    const c = arg[i]!;
    if (state === 0) {
      if (c === "=") {
        if (locind === 0) err(`u32: at char ${i}: location spec missing`);
        ++i;
        state = 1;
      } else {
        let nextop = 0;
        if (locind !== 0) {
          if (c === "&") nextop = XT_U32_AND;
          else if (c === "<") {
            if (arg[++i] !== "<") err(`u32: at char ${i}: a second '<' was expected`);
            nextop = XT_U32_LEFTSH;
          } else if (c === ">") {
            if (arg[++i] !== ">") err(`u32: at char ${i}: a second '>' was expected`);
            nextop = XT_U32_RIGHTSH;
          } else if (c === "@") nextop = XT_U32_AT;
          else err(`u32: at char ${i}: operator expected`);
          ++i;
        }
        const number = parseNumber(i);
        ct.location[locind] = { number, nextop };
        if (++locind > XT_U32_MAXSIZE) err(`u32: at char ${i}: too many operators`);
      }
    } else {
      if (c === "&") {
        if (arg[++i] !== "&") err(`u32: at char ${i}: a second '&' was expected`);
        if (valind === 0) err(`u32: at char ${i}: value spec missing`);
        ct.nnums = locind;
        ct.nvalues = valind;
        ct = newTest();
        tests.push(ct);
        ++testind;
        if (testind > XT_U32_MAXSIZE) err(`u32: at char ${i}: too many "&&"s`);
        ++i;
        state = 0;
        locind = 0;
        valind = 0;
      } else {
        if (valind > 0) {
          if (c !== ",") err(`u32: at char ${i}: expected "," or "&&"`);
          ++i;
        }
        const min = parseNumber(i);
        while (isspace(arg[i])) ++i;
        let max = min;
        if (arg[i] === ":") {
          ++i;
          max = parseNumber(i);
        }
        ct.value[valind] = { min, max };
        if (++valind > XT_U32_MAXSIZE) err(`u32: at char ${i}: too many ","s`);
      }
    }
  }
}
/** u32_dump() */
function u32Dump(d: Record<string, any>): string {
  const ops = ["&", "<<", ">>", "@"];
  const tests = (d["tests"] as U32Test[]).map((t) => {
    let s = hexU(t.location[0]!.number);
    for (let i = 1; i < t.nnums; i++) s += ops[t.location[i]!.nextop]! + hexU(t.location[i]!.number);
    s += "=";
    s += t.value.slice(0, t.nvalues).map((v) => (v.min === v.max ? hexU(v.min) : `${hexU(v.min)}:${hexU(v.max)}`)).join(",");
    return s;
  });
  return ` "${tests.join("&&")}"`;
}
const u32: Ext = {
  name: "u32", revision: 0, kind: "match", opts: optsOf(U32_OPTS),
  help: HELP.U32_HELP,
  init: () => ({ tests: [], ntests: 0, invert: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("u32", U32_OPTS, o, arg, invert, d);
    d["invert"] = invert ? 1 : 0;
    const tests = u32Parse(arg);
    d["tests"] = tests;
    d["ntests"] = tests.length;
  },
  final(d) {
    xtoptFcheck("u32", U32_OPTS, d);
  },
  print: (d) => " u32" + (d["invert"] ? " !" : "") + u32Dump(d),
  save: (d) => (d["invert"] ? " !" : "") + " --u32" + u32Dump(d),
};

// ---- ecn (libxt_ecn.c) ----
const XT_ECN_OP_MATCH_IP = 0x01;
const XT_ECN_OP_MATCH_ECE = 0x10;
const XT_ECN_OP_MATCH_CWR = 0x20;
const ECN_OPTS: XtOpt[] = [
  { name: "ecn-tcp-cwr", id: 0, type: "none", flags: XTOPT_INVERT },
  { name: "ecn-tcp-ece", id: 1, type: "none", flags: XTOPT_INVERT },
  { name: "ecn-ip-ect", id: 2, type: "uint8", min: 0, max: 3, flags: XTOPT_INVERT },
];
const ecn: Ext = {
  name: "ecn", revision: 0, kind: "match", opts: optsOf(ECN_OPTS),
  help: HELP.ECN_HELP,
  init: () => ({ operation: 0, invert: 0, ip_ect: 0 }),
  parse(o, arg, invert, d) {
    const [e, v] = xtoptParse("ecn", ECN_OPTS, o, arg, invert, d);
    const bit = [XT_ECN_OP_MATCH_CWR, XT_ECN_OP_MATCH_ECE, XT_ECN_OP_MATCH_IP][e.id]!;
    d["operation"] |= bit;
    if (invert) d["invert"] |= bit;
    if (e.id === 2) d["ip_ect"] = v.num;
  },
  final(d) {
    if (!xflagsOf(d)) xtablesError(PARAMETER_PROBLEM, "ECN match: some option required");
    xtoptFcheck("ecn", ECN_OPTS, d);
  },
  print(d) {
    let s = " ECN match";
    const inv = (b: number) => (d["invert"] & b ? "!" : "");
    if (d["operation"] & XT_ECN_OP_MATCH_ECE) s += ` ${inv(XT_ECN_OP_MATCH_ECE)}ECE`;
    if (d["operation"] & XT_ECN_OP_MATCH_CWR) s += ` ${inv(XT_ECN_OP_MATCH_CWR)}CWR`;
    if (d["operation"] & XT_ECN_OP_MATCH_IP) s += ` ${inv(XT_ECN_OP_MATCH_IP)}ECT=${d["ip_ect"]}`;
    return s;
  },
  save(d) {
    let s = "";
    const inv = (b: number) => (d["invert"] & b ? " !" : "");
    if (d["operation"] & XT_ECN_OP_MATCH_ECE) s += `${inv(XT_ECN_OP_MATCH_ECE)} --ecn-tcp-ece`;
    if (d["operation"] & XT_ECN_OP_MATCH_CWR) s += `${inv(XT_ECN_OP_MATCH_CWR)} --ecn-tcp-cwr`;
    if (d["operation"] & XT_ECN_OP_MATCH_IP) s += `${inv(XT_ECN_OP_MATCH_IP)} --ecn-ip-ect ${d["ip_ect"]}`;
    return s;
  },
};

// ---- devgroup (libxt_devgroup.c) ----
const XT_DEVGROUP_MATCH_SRC = 1;
const XT_DEVGROUP_INVERT_SRC = 2;
const XT_DEVGROUP_MATCH_DST = 4;
const XT_DEVGROUP_INVERT_DST = 8;
const DEVGROUP_OPTS: XtOpt[] = [
  { name: "src-group", id: 0, type: "string", flags: XTOPT_INVERT },
  { name: "dst-group", id: 1, type: "string", flags: XTOPT_INVERT },
];
function devgroupShow(pfx: string, d: Record<string, any>, numeric: boolean): string {
  let s = "";
  if (d["flags"] & XT_DEVGROUP_MATCH_SRC) {
    if (d["flags"] & XT_DEVGROUP_INVERT_SRC) s += " !";
    s += ` ${pfx}src-group` + printValMask(d["src_group"], d["src_mask"], numeric ? undefined : LMAP_GROUP);
  }
  if (d["flags"] & XT_DEVGROUP_MATCH_DST) {
    if (d["flags"] & XT_DEVGROUP_INVERT_DST) s += " !";
    s += ` ${pfx}dst-group` + printValMask(d["dst_group"], d["dst_mask"], numeric ? undefined : LMAP_GROUP);
  }
  return s;
}
const devgroup: Ext = {
  name: "devgroup", revision: 0, kind: "match", opts: optsOf(DEVGROUP_OPTS),
  help: HELP.DEVGROUP_HELP,
  init: () => ({ flags: 0, src_group: 0, src_mask: 0, dst_group: 0, dst_mask: 0 }),
  parse(o, arg, invert, d) {
    const [e] = xtoptParse("devgroup", DEVGROUP_OPTS, o, arg, invert, d);
    const [group, mask] = parseValMask(arg, "devgroup", o, LMAP_GROUP);
    if (e.id === 0) {
      d["src_group"] = group;
      d["src_mask"] = mask;
      d["flags"] |= XT_DEVGROUP_MATCH_SRC | (invert ? XT_DEVGROUP_INVERT_SRC : 0);
    } else {
      d["dst_group"] = group;
      d["dst_mask"] = mask;
      d["flags"] |= XT_DEVGROUP_MATCH_DST | (invert ? XT_DEVGROUP_INVERT_DST : 0);
    }
  },
  final(d) {
    if (!xflagsOf(d)) xtablesError(PARAMETER_PROBLEM, "devgroup match: You must specify either '--src-group' or '--dst-group'");
    xtoptFcheck("devgroup", DEVGROUP_OPTS, d);
  },
  print: (d, numeric) => devgroupShow("", d, numeric),
  save: (d) => devgroupShow("--", d, false),
};

// ---- realm (libipt_realm.c) ----
const REALM_OPTS: XtOpt[] = [{ name: "realm", id: 0, type: "string", flags: XTOPT_MAND | XTOPT_INVERT }];
const realm: Ext = {
  name: "realm", revision: 0, kind: "match", family: 4, opts: optsOf(REALM_OPTS),
  help: HELP.REALM_HELP,
  init: () => ({ id: 0, mask: 0, invert: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("realm", REALM_OPTS, o, arg, invert, d);
    const [id, mask] = parseValMask(arg, "realm", o, LMAP_REALMS);
    d["id"] = id;
    d["mask"] = mask;
    if (invert) d["invert"] = 1;
  },
  final(d) {
    xtoptFcheck("realm", REALM_OPTS, d);
  },
  print: (d, numeric) => (d["invert"] ? " !" : "") + " realm" + printValMask(d["id"], d["mask"], numeric ? undefined : LMAP_REALMS),
  save: (d) => (d["invert"] ? " !" : "") + " --realm" + printValMask(d["id"], d["mask"], LMAP_REALMS),
};

// ---- cpu (libxt_cpu.c) ----
const CPU_OPTS: XtOpt[] = [{ name: "cpu", id: 0, type: "uint32", flags: XTOPT_INVERT | XTOPT_MAND }];
const cpu: Ext = {
  name: "cpu", revision: 0, kind: "match", opts: optsOf(CPU_OPTS),
  help: HELP.CPU_HELP,
  init: () => ({ cpu: 0, invert: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("cpu", CPU_OPTS, o, arg, invert, d);
    d["cpu"] = v.num;
    if (invert) d["invert"] = 1;
  },
  final(d) {
    xtoptFcheck("cpu", CPU_OPTS, d);
  },
  print: (d) => ` cpu ${d["invert"] ? "! " : ""}${d["cpu"] >>> 0}`,
  save: (d) => `${d["invert"] ? " !" : ""} --cpu ${d["cpu"] >>> 0}`,
};

// ---- ah (libipt_ah.c) and esp (libxt_esp.c): an XTTYPE_UINT32RC spi range ----
function spiExt(name: "ah" | "esp"): Ext {
  const opt = name + "spi";
  const OPTS: XtOpt[] = [{ name: opt, id: 0, type: "string", flags: XTOPT_INVERT }];
  const saveText = (d: Record<string, any>): string => {
    const [a, b] = d["spis"] as number[];
    if (a === 0 && b === 0xffffffff) return "";
    return `${d["invflags"] & 1 ? " !" : ""} --${opt} ${a !== b ? `${a}:${b}` : a}`;
  };
  return {
    name, revision: 0, kind: "match", opts: optsOf(OPTS),
    help: name === "ah" ? HELP.AH_HELP : HELP.ESP_HELP,
    init: () => ({ spis: [0, 0xffffffff], invflags: 0 }),
    parse(o, arg, invert, d) {
      xtoptParse(name, OPTS, o, arg, invert, d);
      const vals = parseUintRange(arg, 0xffffffff, name, o);
      d["spis"] = vals.length === 1 ? [vals[0], vals[0]] : [vals[0], vals[1]];
      if (invert) d["invflags"] |= 1;
    },
    final(d) {
      xtoptFcheck(name, OPTS, d);
    },
    print(d) {
      const [min, max] = d["spis"] as number[];
      const inv = d["invflags"] & 1 ? "!" : "";
      let s = name === "ah" ? " ah " : " esp";
      if (min !== 0 || max !== 0xffffffff || inv) {
        const sp = name === "ah" ? "" : " ";
        s += min === max ? `${sp}spi:${inv}${min}` : `${sp}spis:${inv}${min}:${max}`;
      }
      if (d["invflags"] & ~1) s += ` Unknown invflags: 0x${(d["invflags"] & ~1).toString(16).toUpperCase()}`;
      return s;
    },
    save: saveText,
  };
}

// ---- policy (libxt_policy.c) ----
const XT_POLICY_MATCH_IN = 1;
const XT_POLICY_MATCH_OUT = 2;
const XT_POLICY_MATCH_NONE = 4;
const XT_POLICY_MATCH_STRICT = 8;
const XT_POLICY_MAX_ELEM = 4;
const XT_POLICY_MODE_TRANSPORT = 0;
const XT_POLICY_MODE_TUNNEL = 1;
const IPPROTO_AH = 51;
const IPPROTO_ESP = 50;
const IPPROTO_COMP = 108;
const POLICY_OPTS: XtOpt[] = [
  { name: "dir", id: 0, type: "string" },
  { name: "pol", id: 1, type: "string" },
  { name: "strict", id: 2, type: "none" },
  { name: "reqid", id: 3, type: "uint32", flags: XTOPT_MULTI | XTOPT_INVERT },
  { name: "spi", id: 4, type: "uint32", flags: XTOPT_MULTI | XTOPT_INVERT },
  { name: "proto", id: 5, type: "string", flags: XTOPT_MULTI | XTOPT_INVERT },
  { name: "mode", id: 6, type: "string", flags: XTOPT_MULTI | XTOPT_INVERT },
  { name: "tunnel-src", id: 7, type: "string", flags: XTOPT_MULTI | XTOPT_INVERT },
  { name: "tunnel-dst", id: 8, type: "string", flags: XTOPT_MULTI | XTOPT_INVERT },
  { name: "next", id: 9, type: "none", flags: XTOPT_MULTI, also: 1 << 2 },
];
type Spec = { saddr: number; daddr: number; proto: number; mode: number; spi: number; reqid: number };
interface PolicyElem {
  saddr: number; smask: number; daddr: number; dmask: number; spi: number; reqid: number; proto: number; mode: number;
  match: Spec; invert: Spec;
}
const emptySpec = (): Spec => ({ saddr: 0, daddr: 0, proto: 0, mode: 0, spi: 0, reqid: 0 });
const emptyElem = (): PolicyElem => ({ saddr: 0, smask: 0, daddr: 0, dmask: 0, spi: 0, reqid: 0, proto: 0, mode: 0, match: emptySpec(), invert: emptySpec() });

/** xtables_parse_protocol() */
export function parseProtocol(s: string): number {
  const n = strtoui32(s);
  if (n && n[1] === "" && n[0] <= 255) return n[0];
  if (s === "all") return 0;
  const e = getprotobyname(s);
  if (e !== undefined) return e;
  const chain: [string, number][] = [["tcp", 6], ["sctp", 132], ["udp", 17], ["udplite", 136], ["icmp", 1], ["icmpv6", 58], ["esp", 50], ["ah", 51], ["mh", 135], ["all", 0]];
  const c = chain.find(([name]) => name === s);
  if (c) return c[1];
  xtablesError(PARAMETER_PROBLEM, `unknown protocol "${s}" specified`);
}
/** xtables_ipmask_to_numeric() */
function maskToNumeric(m: number): string {
  m >>>= 0;
  if (m === 0xffffffff) return "";
  const inv = ~m >>> 0;
  if ((inv & (inv + 1)) !== 0) return "/" + ipStr(m);
  return "/" + (32 - Math.log2(inv + 1));
}
function policyEntry(prefix: string, e: PolicyElem, numeric: boolean): string {
  let s = "";
  const inv = (x: number) => (x ? " !" : "");
  if (e.match.reqid) s += `${inv(e.invert.reqid)} ${prefix}reqid ${e.reqid >>> 0}`;
  if (e.match.spi) s += `${inv(e.invert.spi)} ${prefix}spi ${hexU(e.spi)}`;
  if (e.match.proto) {
    const p = numeric ? undefined : getprotobynumber(e.proto);
    s += `${inv(e.invert.proto)} ${prefix}proto ${p ?? e.proto}`;
  }
  if (e.match.mode) s += `${inv(e.invert.mode)} ${prefix}mode ${e.mode === XT_POLICY_MODE_TRANSPORT ? "transport" : e.mode === XT_POLICY_MODE_TUNNEL ? "tunnel" : "???"}`;
  if (e.match.daddr) s += `${inv(e.invert.daddr)} ${prefix}tunnel-dst ${ipStr(e.daddr)}${maskToNumeric(e.dmask)}`;
  if (e.match.saddr) s += `${inv(e.invert.saddr)} ${prefix}tunnel-src ${ipStr(e.saddr)}${maskToNumeric(e.smask)}`;
  return s;
}
function policyFlags(prefix: string, d: Record<string, any>): string {
  let s = d["flags"] & XT_POLICY_MATCH_IN ? ` ${prefix}dir in` : ` ${prefix}dir out`;
  s += d["flags"] & XT_POLICY_MATCH_NONE ? ` ${prefix}pol none` : ` ${prefix}pol ipsec`;
  if (d["flags"] & XT_POLICY_MATCH_STRICT) s += ` ${prefix}strict`;
  return s;
}
const policy: Ext = {
  name: "policy", revision: 0, kind: "match", opts: optsOf(POLICY_OPTS),
  help: HELP.POLICY_HELP,
  init: () => ({ pol: Array.from({ length: XT_POLICY_MAX_ELEM }, emptyElem), flags: 0, len: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("policy", POLICY_OPTS, o, arg, invert, d);
    const e: PolicyElem = d["pol"][d["len"]];
    const inv = invert ? 1 : 0;
    const dbl = (what: string) => xtablesError(PARAMETER_PROBLEM, `policy match: double --${what} option`);
    switch (o) {
      case "dir":
        if (arg === "in") d["flags"] |= XT_POLICY_MATCH_IN;
        else if (arg === "out") d["flags"] |= XT_POLICY_MATCH_OUT;
        else xtablesError(PARAMETER_PROBLEM, `policy_match: invalid dir "${arg}"`);
        break;
      case "pol":
        if (arg === "none") d["flags"] |= XT_POLICY_MATCH_NONE;
        else if (arg !== "ipsec") xtablesError(PARAMETER_PROBLEM, `policy match: invalid policy "${arg}"`);
        break;
      case "strict":
        d["flags"] |= XT_POLICY_MATCH_STRICT;
        break;
      case "reqid":
        if (e.match.reqid) dbl("reqid");
        e.match.reqid = 1;
        e.invert.reqid = inv;
        e.reqid = v.num;
        break;
      case "spi":
        if (e.match.spi) dbl("spi");
        e.match.spi = 1;
        e.invert.spi = inv;
        e.spi = v.num;
        break;
      case "tunnel-src":
      case "tunnel-dst": {
        const src = o === "tunnel-src";
        const [a, m] = parseHostmask(arg, "policy", o);
        if (src ? e.match.saddr : e.match.daddr) dbl(o);
        if (src) {
          e.match.saddr = 1;
          e.invert.saddr = inv;
          e.saddr = a;
          e.smask = m;
        } else {
          e.match.daddr = 1;
          e.invert.daddr = inv;
          e.daddr = a;
          e.dmask = m;
        }
        break;
      }
      case "proto": {
        const p = parseProtocol(arg);
        if (e.match.proto) dbl("proto");
        e.proto = p;
        if (p !== IPPROTO_AH && p !== IPPROTO_ESP && p !== IPPROTO_COMP) xtablesError(PARAMETER_PROBLEM, "policy match: protocol must be ah/esp/ipcomp");
        e.match.proto = 1;
        e.invert.proto = inv;
        break;
      }
      case "mode":
        if (e.match.mode) dbl("mode");
        e.match.mode = 1;
        e.invert.mode = inv;
        if (arg === "transport") e.mode = XT_POLICY_MODE_TRANSPORT;
        else if (arg === "tunnel") e.mode = XT_POLICY_MODE_TUNNEL;
        else xtablesError(PARAMETER_PROBLEM, `policy match: invalid mode "${arg}"`);
        break;
      case "next":
        if (++d["len"] === XT_POLICY_MAX_ELEM) xtablesError(PARAMETER_PROBLEM, "policy match: maximum policy depth reached");
        break;
    }
  },
  final(d) {
    // policy_check() runs before the generic xtables_options_fcheck()
    const xflags = xflagsOf(d);
    if (!(d["flags"] & (XT_POLICY_MATCH_IN | XT_POLICY_MATCH_OUT))) xtablesError(PARAMETER_PROBLEM, "policy match: neither --dir in nor --dir out specified");
    if (d["flags"] & XT_POLICY_MATCH_NONE) {
      if (d["flags"] & XT_POLICY_MATCH_STRICT) xtablesError(PARAMETER_PROBLEM, "policy match: policy none but --strict given");
      if (d["len"] !== 0) xtablesError(PARAMETER_PROBLEM, "policy match: policy none but policy given");
    } else d["len"]++;
    for (let i = 0; i < d["len"]; i++) {
      const e: PolicyElem = d["pol"][i];
      const m = e.match;
      if (d["flags"] & XT_POLICY_MATCH_STRICT && !(m.reqid || m.spi || m.saddr || m.daddr || m.proto || m.mode))
        xtablesError(PARAMETER_PROBLEM, `policy match: empty policy element ${i}. --strict is in effect, but at least one of reqid, spi, tunnel-src, tunnel-dst, proto or mode is required.`);
      if ((m.saddr || m.daddr) && ((e.mode === XT_POLICY_MODE_TUNNEL && e.invert.mode) || (e.mode === XT_POLICY_MODE_TRANSPORT && !e.invert.mode)))
        xtablesError(PARAMETER_PROBLEM, "policy match: --tunnel-src/--tunnel-dst is only valid in tunnel mode");
    }
    void xflags;
    xtoptFcheck("policy", POLICY_OPTS, d);
  },
  print(d, numeric) {
    let s = " policy match" + policyFlags("", d);
    for (let i = 0; i < d["len"]; i++) {
      if (d["len"] > 1) s += ` [${i}]`;
      s += policyEntry("", d["pol"][i], numeric);
    }
    return s;
  },
  save(d) {
    let s = policyFlags("--", d);
    for (let i = 0; i < d["len"]; i++) {
      s += policyEntry("--", d["pol"][i], false);
      if (i + 1 < d["len"]) s += " --next";
    }
    return s;
  },
};

export const EXTS_ROUTE: Ext[] = [rpfilter, u32, ecn, devgroup, realm, cpu, spiExt("ah"), spiExt("esp"), policy];

registerExts(EXTS_ROUTE);
