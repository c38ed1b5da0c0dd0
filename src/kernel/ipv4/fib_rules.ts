/**
 * net/core/fib_rules.c + net/ipv4/fib_rules.c: the IPv4 policy routing rules — the default
 * rules (0 local, 32766 main, 32767 default), RTM_NEWRULE/DELRULE/GETRULE, and the lookup
 * that walks the rules (fib_rules_lookup -> fib4_rule_match/action/suppress).
 * IPv6 rules are listed (the two default rules `ip -6 rule` shows) but never looked up.
 */
import { rtnlHasListeners, rtnlNotify } from "../core/rtnl_notify.ts";
import { RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE } from "../uapi/rtnetlink.ts";
import { NetGeneric, registerPernetOps, type Net } from "../core/net_namespace.ts";
import { registerNetdeviceNotifier, NETDEV_REGISTER, NETDEV_UNREGISTER, NETDEV_CHANGENAME } from "../core/notifier.ts";
import { rtnlRegister } from "../core/rtnetlink.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import {
  AF_INET, AF_INET6, FR_ACT_TO_TBL, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_BLACKHOLE, FR_ACT_UNREACHABLE, FR_ACT_PROHIBIT,
  RT_TABLE_LOCAL, RT_TABLE_MAIN, RT_TABLE_DEFAULT, RT_TABLE_UNSPEC, RT_TABLE_COMPAT, RTPROT_KERNEL,
  type RuleMsg, type FraAttrs, type NlAck,
} from "../uapi/rtnetlink.ts";
import { ipv4FromBytes, ipv4ToBytes, inetMakeMask, glue_devGetByName, glue_forEachNetdev } from "./devinet.ts";
import { fibTableLookupById, fibEmptyTable, type Flowi4, type FibResult } from "./fib.ts";

export const FIB_RULE_PERMANENT = 0x00000001;
export const FIB_RULE_INVERT = 0x00000002;
export const FIB_RULE_UNRESOLVED = 0x00000004;
export const FIB_RULE_IIF_DETACHED = 0x00000008;
export const FIB_RULE_OIF_DETACHED = 0x00000010;
const LOOPBACK_IFINDEX = 1;

/** struct fib_rule + struct fib4_rule */
export interface FibRule {
  pref: number;
  table: number;
  action: number;
  flags: number;
  mark: number;
  markMask: number;
  iifname: string;
  oifname: string;
  /** 0: any; -1: named but detached */
  iifindex: number;
  oifindex: number;
  target: number;
  suppressPrefixlen: number;
  suppressIfgroup: number;
  proto: number;
  l3mdev: number;
  uidRange: { start: number; end: number } | undefined;
  /** ip_proto, sport_range, dport_range (0 / undefined: any) */
  ipProto: number;
  sportRange: { start: number; end: number } | undefined;
  dportRange: { start: number; end: number } | undefined;
  /** fib4_rule: tclassid (FRA_FLOW, the realms) */
  tclassid: number;
  src: number;
  srcLen: number;
  dst: number;
  dstLen: number;
  tos: number;
  /** IPv6 rules: the prefixes as given */
  src6?: Uint8Array;
  dst6?: Uint8Array;
}

interface RulesNet {
  v4: FibRule[];
  v6: FibRule[];
  customRules: boolean;
}

const pernet = new NetGeneric<RulesNet>();

function rulesNet(net: Net): RulesNet {
  let s = pernet.get(net);
  if (!s) {
    s = { v4: [], v6: [], customRules: false };
    pernet.set(net, s);
  }
  return s;
}

/** net->ipv4.fib_has_custom_rules */
export function fibHasCustomRules(net: Net): boolean {
  return rulesNet(net).customRules;
}

function newRule(pref: number, table: number): FibRule {
  return {
    pref, table, action: FR_ACT_TO_TBL, flags: 0, mark: 0, markMask: 0, iifname: "", oifname: "", iifindex: 0,
    oifindex: 0, target: 0, suppressPrefixlen: -1, suppressIfgroup: -1, proto: 0, l3mdev: 0, uidRange: undefined,
    ipProto: 0, sportRange: undefined, dportRange: undefined, tclassid: 0,
    src: 0, srcLen: 0, dst: 0, dstLen: 0, tos: 0,
  };
}

/** net/ipv4/fib_rules.c: fib_default_rules_init() (and fib6_default_rules_init) */
export function fib4RulesInit(net: Net): void {
  const s = rulesNet(net);
  if (s.v4.length) return;
  // (new arrays of their size: pushed onto the empty ones, each took room for 20 rules in
  // every namespace; the lists are new, nobody holds the empty ones)
  if (s.v4.length === 0 && s.v6.length === 0) {
    s.v4 = [defaultRule(0, RT_TABLE_LOCAL), defaultRule(0x7ffe, RT_TABLE_MAIN), defaultRule(0x7fff, RT_TABLE_DEFAULT)];
    s.v6 = [defaultRule(0, RT_TABLE_LOCAL), defaultRule(0x7ffe, RT_TABLE_MAIN)];
    return;
  }
  s.v4.push(defaultRule(0, RT_TABLE_LOCAL), defaultRule(0x7ffe, RT_TABLE_MAIN), defaultRule(0x7fff, RT_TABLE_DEFAULT));
  s.v6.push(defaultRule(0, RT_TABLE_LOCAL), defaultRule(0x7ffe, RT_TABLE_MAIN));
}

/** fib_default_rule_add(): a rule of the kernel's own (FR_ACT_TO_TBL, RTPROT_KERNEL) */
function defaultRule(pref: number, table: number): FibRule {
  const r = newRule(pref, table);
  r.proto = RTPROT_KERNEL;
  return r;
}

// ----------------------------------------------------------------------------- lookup

const MASKS: number[] = Array.from({ length: 33 }, (_, i) => inetMakeMask(i));

/** include/net/fib_rules.h: fib_rule_port_inrange() */
function portInRange(a: { start: number; end: number }, port: number): boolean {
  return port >= a.start && port <= a.end;
}

/** include/net/fib_rules.h: fib_rule_port_range_valid() */
function portRangeValid(a: { start: number; end: number }): boolean {
  return a.start !== 0 && a.end !== 0 && a.end < 0xffff && a.start <= a.end;
}

function samePortRange(a: FibRule["sportRange"], b: FibRule["sportRange"]): boolean {
  return (!a && !b) || (!!a && !!b && a.start === b.start && a.end === b.end);
}

/** net/core/fib_rules.c: fib_rule_match() + net/ipv4/fib_rules.c: fib4_rule_match() */
function fibRuleMatch(r: FibRule, fl: Flowi4): boolean {
  let ret = true;
  const iif = fl.iif ?? LOOPBACK_IFINDEX;
  if (r.iifindex && r.iifindex !== iif) ret = false;
  else if (r.oifindex && r.oifindex !== (fl.oif ?? 0)) ret = false;
  else if (((r.mark ^ (fl.mark ?? 0)) & r.markMask) !== 0) ret = false;
  else if (r.uidRange && ((fl.uid ?? 0) < r.uidRange.start || (fl.uid ?? 0) > r.uidRange.end)) ret = false;
  else if (r.ipProto && r.ipProto !== (fl.proto ?? 0)) ret = false;
  else if (r.sportRange && !portInRange(r.sportRange, fl.sport ?? 0)) ret = false;
  else if (r.dportRange && !portInRange(r.dportRange, fl.dport ?? 0)) ret = false;
  else {
    const srcmask = MASKS[r.srcLen]!;
    const dstmask = MASKS[r.dstLen]!;
    if ((((fl.saddr ?? 0) ^ r.src) & srcmask) !== 0 || ((fl.daddr ^ r.dst) & dstmask) !== 0) ret = false;
    else if (r.tos && r.tos !== ((fl.tos ?? 0) & 0xfc)) ret = false;
  }
  return r.flags & FIB_RULE_INVERT ? !ret : ret;
}

/** net/ipv4/fib_rules.c: fib4_rule_action() */
function fib4RuleAction(net: Net, r: FibRule, fl: Flowi4, flags: number): FibResult | KErr {
  switch (r.action) {
    case FR_ACT_TO_TBL: break;
    case FR_ACT_UNREACHABLE: return kerr("ENETUNREACH");
    case FR_ACT_PROHIBIT: return kerr("EACCES");
    case FR_ACT_BLACKHOLE:
    default: return kerr("EINVAL");
  }
  return fibTableLookupById(net, r.table, fl, flags);
}

/** net/ipv4/fib_rules.c: fib4_rule_suppress() */
function fib4RuleSuppress(r: FibRule, res: FibResult): boolean {
  if (res.prefixlen <= r.suppressPrefixlen) return true;
  if (r.suppressIfgroup !== -1 && res.nhDev && res.nhDev.group === r.suppressIfgroup) return true;
  return false;
}

/** net/core/fib_rules.c: fib_rules_lookup() — ESRCH when no rule decided */
export function fibRulesLookup(net: Net, fl: Flowi4, flags: number): FibResult | KErr {
  const rules = rulesNet(net).v4;
  for (let i = 0; i < rules.length; i++) {
    let r = rules[i]!;
    if (!fibRuleMatch(r, fl)) continue;
    if (r.action === FR_ACT_GOTO) {
      const ti = rules.findIndex((x) => x.pref === r.target);
      if (ti < 0) continue;
      // jumped: the target itself must match too
      i = ti - 1;
      continue;
    } else if (r.action === FR_ACT_NOP) continue;
    const res = fib4RuleAction(net, r, fl, flags);
    if (!isKErr(res) && fib4RuleSuppress(r, res)) continue;
    if (isKErr(res) && res.errno === "EAGAIN") continue;
    r = r;
    return res;
  }
  return E_SRCH;
}
const E_SRCH: KErr = Object.freeze({ errno: "ESRCH" }) as KErr;

// ---------------------------------------------------------------------------- netlink

/** net/core/fib_rules.c: fib_default_rule_pref() */
function fibDefaultRulePref(rules: FibRule[]): number {
  if (rules.length >= 2 && rules[1]!.pref) return rules[1]!.pref - 1;
  return 0;
}

/** net/core/fib_rules.c: fib_nl2rule() + fib4_rule_configure() */
function fibNl2rule(net: Net, m: RuleMsg, rules: FibRule[]): { rule: FibRule; userPriority: boolean } | KErr {
  const frh = m.frh;
  const tb = m.attrs;
  const r = newRule(0, 0);
  let userPriority = false;
  if (tb.FRA_PRIORITY !== undefined) {
    r.pref = tb.FRA_PRIORITY;
    userPriority = true;
  } else r.pref = fibDefaultRulePref(rules);
  r.proto = tb.FRA_PROTOCOL ?? 0;
  if (tb.FRA_IIFNAME !== undefined) {
    r.iifname = tb.FRA_IIFNAME;
    r.iifindex = -1;
    const dev = glue_devGetByName(net, r.iifname);
    if (dev) r.iifindex = dev.ifindex;
  }
  if (tb.FRA_OIFNAME !== undefined) {
    r.oifname = tb.FRA_OIFNAME;
    r.oifindex = -1;
    const dev = glue_devGetByName(net, r.oifname);
    if (dev) r.oifindex = dev.ifindex;
  }
  if (tb.FRA_FWMARK !== undefined) {
    r.mark = tb.FRA_FWMARK >>> 0;
    if (r.mark) r.markMask = 0xffffffff;
  }
  if (tb.FRA_FWMASK !== undefined) r.markMask = tb.FRA_FWMASK >>> 0;
  r.action = frh.action;
  r.flags = frh.flags;
  r.table = tb.FRA_TABLE ?? frh.table;
  if (tb.FRA_SUPPRESS_PREFIXLEN !== undefined) r.suppressPrefixlen = tb.FRA_SUPPRESS_PREFIXLEN | 0;
  if (tb.FRA_SUPPRESS_IFGROUP !== undefined) r.suppressIfgroup = tb.FRA_SUPPRESS_IFGROUP | 0;
  if (tb.FRA_GOTO !== undefined) {
    if (r.action !== FR_ACT_GOTO) return kerr("EINVAL", "Unexpected goto");
    r.target = tb.FRA_GOTO;
    if (r.target <= r.pref) return kerr("EINVAL", "Backward goto not supported");
  } else if (r.action === FR_ACT_GOTO) return kerr("EINVAL", "Missing goto target for action goto");
  if (tb.FRA_L3MDEV !== undefined) r.l3mdev = tb.FRA_L3MDEV;
  if (r.l3mdev && r.table) return kerr("EINVAL", "l3mdev and table are mutually exclusive");
  if (tb.FRA_UID_RANGE) r.uidRange = { ...tb.FRA_UID_RANGE };
  if (tb.FRA_IP_PROTO !== undefined) r.ipProto = tb.FRA_IP_PROTO & 0xff;
  if (tb.FRA_SPORT_RANGE) {
    if (!portRangeValid(tb.FRA_SPORT_RANGE)) return kerr("EINVAL", "Invalid sport range");
    r.sportRange = { ...tb.FRA_SPORT_RANGE };
  }
  if (tb.FRA_DPORT_RANGE) {
    if (!portRangeValid(tb.FRA_DPORT_RANGE)) return kerr("EINVAL", "Invalid dport range");
    r.dportRange = { ...tb.FRA_DPORT_RANGE };
  }
  // fib4_rule_configure()
  if (frh.family === AF_INET && tb.FRA_FLOW !== undefined) r.tclassid = tb.FRA_FLOW >>> 0;
  if (frh.tos & 0x03) return kerr("EINVAL", "Invalid tos");
  if (frh.family === AF_INET && (frh.src_len > 32 || frh.dst_len > 32)) return kerr("EINVAL");
  if (frh.family === AF_INET6) {
    if (frh.src_len > 128 || frh.dst_len > 128) return kerr("EINVAL");
    if (frh.src_len && tb.FRA_SRC) r.src6 = tb.FRA_SRC.slice();
    if (frh.dst_len && tb.FRA_DST) r.dst6 = tb.FRA_DST.slice();
    r.srcLen = frh.src_len;
    r.dstLen = frh.dst_len;
    r.tos = frh.tos;
    return { rule: r, userPriority };
  }
  if (frh.src_len && tb.FRA_SRC) r.src = ipv4FromBytes(tb.FRA_SRC);
  if (frh.dst_len && tb.FRA_DST) r.dst = ipv4FromBytes(tb.FRA_DST);
  r.srcLen = frh.src_len;
  r.dstLen = frh.dst_len;
  r.tos = frh.tos;
  return { rule: r, userPriority };
}

function sameUid(a: FibRule["uidRange"], b: FibRule["uidRange"]): boolean {
  return (!a && !b) || (!!a && !!b && a.start === b.start && a.end === b.end);
}

function samePrefix(family: number, v4: number, v6: Uint8Array | undefined, b: Uint8Array): boolean {
  if (family === AF_INET) return v4 === ipv4FromBytes(b);
  return !!v6 && v6.length === b.length && v6.every((x, i) => x === b[i]);
}

/**
 * net/ipv4/fib_rules.c: fib4_rule_compare() (fib6_rule_compare() for AF_INET6 rules): the
 * ops->compare that rule_exists() and rule_find() end with; `rule` holds the parsed FRA_FLOW
 */
function fib4RuleCompare(r: FibRule, frh: RuleMsg["frh"], tb: FraAttrs, rule: FibRule): boolean {
  if (frh.src_len && r.srcLen !== frh.src_len) return false;
  if (frh.dst_len && r.dstLen !== frh.dst_len) return false;
  if (frh.tos && r.tos !== frh.tos) return false;
  if (tb.FRA_FLOW !== undefined && r.tclassid !== rule.tclassid) return false;
  if (frh.src_len && tb.FRA_SRC && !samePrefix(frh.family, r.src, r.src6, tb.FRA_SRC)) return false;
  if (frh.dst_len && tb.FRA_DST && !samePrefix(frh.family, r.dst, r.dst6, tb.FRA_DST)) return false;
  return true;
}

/** net/core/fib_rules.c: rule_exists() */
function ruleExists(rules: FibRule[], frh: RuleMsg["frh"], tb: FraAttrs, rule: FibRule): boolean {
  for (const r of rules) {
    if (r.action !== rule.action || r.table !== rule.table || r.pref !== rule.pref || r.iifname !== rule.iifname ||
      r.oifname !== rule.oifname || r.mark !== rule.mark || r.suppressIfgroup !== rule.suppressIfgroup ||
      r.suppressPrefixlen !== rule.suppressPrefixlen || r.markMask !== rule.markMask || r.l3mdev !== rule.l3mdev ||
      !sameUid(r.uidRange, rule.uidRange) || r.proto !== rule.proto || r.target !== rule.target ||
      r.ipProto !== rule.ipProto || !samePortRange(r.sportRange, rule.sportRange) ||
      !samePortRange(r.dportRange, rule.dportRange)) continue;
    if (!fib4RuleCompare(r, frh, tb, rule)) continue;
    return true;
  }
  return false;
}

/** net/core/fib_rules.c: rule_find() */
function ruleFind(rules: FibRule[], frh: RuleMsg["frh"], tb: FraAttrs, rule: FibRule, userPriority: boolean): FibRule | undefined {
  for (const r of rules) {
    if (rule.action && r.action !== rule.action) continue;
    if (rule.table && r.table !== rule.table) continue;
    if (userPriority && r.pref !== rule.pref) continue;
    if (rule.iifname && r.iifname !== rule.iifname) continue;
    if (rule.oifname && r.oifname !== rule.oifname) continue;
    if (rule.mark && r.mark !== rule.mark) continue;
    if (rule.suppressIfgroup !== -1 && r.suppressIfgroup !== rule.suppressIfgroup) continue;
    if (rule.suppressPrefixlen !== -1 && r.suppressPrefixlen !== rule.suppressPrefixlen) continue;
    if (rule.markMask && r.markMask !== rule.markMask) continue;
    if (rule.l3mdev && r.l3mdev !== rule.l3mdev) continue;
    if (rule.uidRange && !sameUid(r.uidRange, rule.uidRange)) continue;
    if (rule.proto && r.proto !== rule.proto) continue;
    if (rule.ipProto && r.ipProto !== rule.ipProto) continue;
    if (rule.sportRange && !samePortRange(r.sportRange, rule.sportRange)) continue;
    if (rule.dportRange && !samePortRange(r.dportRange, rule.dportRange)) continue;
    if (!fib4RuleCompare(r, frh, tb, rule)) continue;
    return r;
  }
  return undefined;
}

function ack(e: KErr | undefined): NlAck {
  return e ? { ok: false, ...e } : { ok: true };
}

function rulesOf(net: Net, family: number): FibRule[] | undefined {
  const s = rulesNet(net);
  return family === AF_INET ? s.v4 : family === AF_INET6 ? s.v6 : undefined;
}

/** net/core/fib_rules.c: fib_nl_newrule() */
export function fibNlNewrule(net: Net, m: RuleMsg): NlAck {
  const rules = rulesOf(net, m.frh.family);
  if (!rules) return ack(kerr("EAFNOSUPPORT", "Rule family not supported"));
  const p = fibNl2rule(net, m, rules);
  if (isKErr(p)) return ack(p);
  const rule = p.rule;
  if (m.frh.family === AF_INET && rule.table === RT_TABLE_UNSPEC && !rule.l3mdev && rule.action === FR_ACT_TO_TBL) {
    const t = fibEmptyTable(net);
    if (!t) return ack(kerr("ENOBUFS"));
    rule.table = t.id;
  }
  if (ruleExists(rules, m.frh, m.attrs, rule)) {
    if (m.flags.excl) return ack(kerr("EEXIST"));
    return ack(undefined);
  }
  let last = -1;
  for (let i = 0; i < rules.length; i++) {
    if (rules[i]!.pref > rule.pref) break;
    last = i;
  }
  rules.splice(last + 1, 0, rule);
  if (m.frh.family === AF_INET) rulesNet(net).customRules = true;
  notifyRule(net, m.frh.family, rule, rules, "RTM_NEWRULE");
  return ack(undefined);
}

/** net/core/fib_rules.c: fib_nl_delrule() */
export function fibNlDelrule(net: Net, m: RuleMsg): NlAck {
  const rules = rulesOf(net, m.frh.family);
  if (!rules) return ack(kerr("EAFNOSUPPORT", "Rule family not supported"));
  const p = fibNl2rule(net, m, rules);
  if (isKErr(p)) return ack(p);
  const r = ruleFind(rules, m.frh, m.attrs, p.rule, p.userPriority);
  if (!r) return ack(kerr("ENOENT"));
  if (r.flags & FIB_RULE_PERMANENT) return ack(kerr("EPERM"));
  rules.splice(rules.indexOf(r), 1);
  if (m.frh.family === AF_INET) rulesNet(net).customRules = true;
  notifyRule(net, m.frh.family, r, rules, "RTM_DELRULE");
  return ack(undefined);
}

/** net/core/fib_rules.c: notify_rule() — to the family's group (ops->nlgroup) */
function notifyRule(net: Net, family: number, rule: FibRule, rules: FibRule[], event: "RTM_NEWRULE" | "RTM_DELRULE"): void {
  const group = family === AF_INET ? RTNLGRP_IPV4_RULE : RTNLGRP_IPV6_RULE;
  if (!rtnlHasListeners(net, group)) return;
  const m = fibNlFillRule(family, rule, rules);
  rtnlNotify(net, group, event === "RTM_NEWRULE" ? m : { ...m, type: event });
}

/** net/core/fib_rules.c: fib_nl_fill_rule() */
function fibNlFillRule(family: number, rule: FibRule, rules: FibRule[]): RuleMsg {
  const a: FraAttrs = {};
  let flags = rule.flags;
  a.FRA_TABLE = rule.table;
  if (rule.suppressPrefixlen !== -1) a.FRA_SUPPRESS_PREFIXLEN = rule.suppressPrefixlen;
  if (rule.action === FR_ACT_GOTO && !rules.some((r) => r.pref === rule.target)) flags |= FIB_RULE_UNRESOLVED;
  if (rule.iifname) {
    a.FRA_IIFNAME = rule.iifname;
    if (rule.iifindex === -1) flags |= FIB_RULE_IIF_DETACHED;
  }
  if (rule.oifname) {
    a.FRA_OIFNAME = rule.oifname;
    if (rule.oifindex === -1) flags |= FIB_RULE_OIF_DETACHED;
  }
  if (rule.pref) a.FRA_PRIORITY = rule.pref;
  if (rule.mark) a.FRA_FWMARK = rule.mark;
  if (rule.markMask || rule.mark) a.FRA_FWMASK = rule.markMask;
  if (rule.target) a.FRA_GOTO = rule.target;
  if (rule.suppressIfgroup !== -1) a.FRA_SUPPRESS_IFGROUP = rule.suppressIfgroup;
  if (rule.l3mdev) a.FRA_L3MDEV = rule.l3mdev;
  if (rule.uidRange) a.FRA_UID_RANGE = { ...rule.uidRange };
  a.FRA_PROTOCOL = rule.proto;
  if (rule.ipProto) a.FRA_IP_PROTO = rule.ipProto;
  if (rule.sportRange) a.FRA_SPORT_RANGE = { ...rule.sportRange };
  if (rule.dportRange) a.FRA_DPORT_RANGE = { ...rule.dportRange };
  /* fib4_rule_fill(): FRA_FLOW when the rule has realms */
  if (family === AF_INET && rule.tclassid) a.FRA_FLOW = rule.tclassid;
  if (rule.dstLen) a.FRA_DST = family === AF_INET ? ipv4ToBytes(rule.dst) : (rule.dst6 ?? new Uint8Array(16)).slice();
  if (rule.srcLen) a.FRA_SRC = family === AF_INET ? ipv4ToBytes(rule.src) : (rule.src6 ?? new Uint8Array(16)).slice();
  return {
    type: "RTM_NEWRULE",
    flags: {},
    frh: {
      family, dst_len: rule.dstLen, src_len: rule.srcLen, tos: rule.tos,
      table: rule.table < 256 ? rule.table : RT_TABLE_COMPAT, action: rule.action, flags,
    },
    attrs: a,
  };
}

/** net/core/fib_rules.c: fib_nl_dumprule() */
export function fibNlDumprule(net: Net, m: RuleMsg): RuleMsg[] {
  const out: RuleMsg[] = [];
  const fams = m.frh.family ? [m.frh.family] : [AF_INET, AF_INET6];
  for (const fam of fams) {
    const rules = rulesOf(net, fam);
    if (!rules) continue;
    for (const r of rules) out.push(fibNlFillRule(fam, r, rules));
  }
  return out;
}

/** net/core/fib_rules.c: fib_rules_event(): attach/detach rules naming a device */
function fibRulesEvent(event: number, devName: string, ifindex: number, net: Net): void {
  const s = pernet.get(net);
  if (!s) return;
  for (const rules of [s.v4, s.v6]) {
    for (const r of rules) {
      if (event === NETDEV_REGISTER) {
        if (r.iifname === devName) r.iifindex = ifindex;
        if (r.oifname === devName) r.oifindex = ifindex;
      } else if (event === NETDEV_UNREGISTER) {
        if (r.iifindex === ifindex) r.iifindex = -1;
        if (r.oifindex === ifindex) r.oifindex = -1;
      }
    }
  }
}

let inited = false;
/** net/core/fib_rules.c: fib_rules_init() + net/ipv4/fib_rules.c registration */
export function fibRulesInit(): void {
  if (inited) return;
  inited = true;
  registerPernetOps({ init: (net) => fib4RulesInit(net), exit: (net) => pernet.delete(net) });
  registerNetdeviceNotifier((event, dev, info) => {
    if (event === NETDEV_REGISTER || event === NETDEV_UNREGISTER) fibRulesEvent(event, dev.name, dev.ifindex, dev.net);
    else if (event === NETDEV_CHANGENAME) {
      fibRulesEvent(NETDEV_UNREGISTER, info?.oldName ?? "", dev.ifindex, dev.net);
      fibRulesEvent(NETDEV_REGISTER, dev.name, dev.ifindex, dev.net);
    }
  });
  for (const fam of [AF_INET, AF_INET6, 0]) {
    rtnlRegister(fam, "RTM_NEWRULE", { doit: (net: Net, m: RuleMsg) => ({ ack: fibNlNewrule(net, m) }) });
    rtnlRegister(fam, "RTM_DELRULE", { doit: (net: Net, m: RuleMsg) => ({ ack: fibNlDelrule(net, m) }) });
    rtnlRegister(fam, "RTM_GETRULE", { dumpit: (net: Net, m: RuleMsg) => fibNlDumprule(net, m) });
  }
  void glue_forEachNetdev;
}
