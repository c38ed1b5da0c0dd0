/**
 * The kernel side of the iptables extensions (targets): CLASSIFY, CHECKSUM, AUDIT, TEE, SYNPROXY, HMARK, IDLETIMER, LED, RATEEST (and the rateest match), TPROXY
 * (net/netfilter/xt_*.c, net/ipv4/netfilter/ipt_*.c), registered with x_tables.
 *
 * CHECKSUM, CLASSIFY, TEE (net/ipv4/netfilter/nf_dup_ipv4.c) and AUDIT act on packets as Linux
 * does. HMARK, IDLETIMER, LED, RATEEST/rateest, SYNPROXY and TPROXY have their checkentry (and
 * its shared state: idle timer labels, LED triggers, rate estimators) but no packet work:
 * HMARK sets no mark, no idle timer fires (no /sys/class/xt_idletimer), estimators measure
 * nothing (the rateest match sees rates of 0), SYNPROXY lets packets through, and TPROXY drops
 * them as Linux does when no transparent socket is found (there are none here). LED is not
 * registered: the kernel emulated has no xt_LED module.
 */
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { CHECKSUM_PARTIAL, skbChecksumHelp } from "../core/skbuff.ts";
import { devGetByName } from "../core/dev.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import { ETH_P_IP } from "../uapi/if.ts";
import { flowi4, ipRouteOutputKey, Rtable } from "../ipv4/route.ts";
import { ipLocalOut } from "../ipv4/ip_output.ts";
import {
  NF_DROP, NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_INET_PRE_ROUTING, HOOK_PRE as PRE, HOOK_IN as IN, HOOK_FWD as FWD, HOOK_OUT as OUT, HOOK_POST as POST,
} from "./core.ts";
import { ipHdrOff } from "./ip_tables.ts";
import { nfCtNetnsGet, nfCtNetnsPut } from "./nf_conntrack.ts";
import { XT_CONTINUE, xtRegisterMatch, xtRegisterTarget, type XtActionParam, type XtChkParam } from "./x_tables.ts";
import { NF_CT_UNTRACKED } from "./xt_targets.ts";

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPT_INV_PROTO = 0x40;

const num = (v: unknown): number => Number(v ?? 0);
const str = (v: unknown): string => String(v ?? "");

// ---- xt_CHECKSUM.c ----
const XT_CHECKSUM_OP_FILL = 1;
/** checksum_tg(): finish a checksum left to the device (no GSO here) */
function checksumTg(skb: SkBuff): number {
  if (skb.ipSummed === CHECKSUM_PARTIAL) skbChecksumHelp(skb);
  return XT_CONTINUE;
}
/** checksum_tg_check() (its "CHECKSUM should be avoided" warning is printed once per boot) */
function checksumCheck(_p: XtChkParam, d: Record<string, unknown>): KErr | undefined {
  const op = num(d["operation"]);
  if (op & ~XT_CHECKSUM_OP_FILL) return kerr("EINVAL");
  if (!op) return kerr("EINVAL");
  return undefined;
}

// ---- xt_CLASSIFY.c ----
function classifyTg(skb: SkBuff, _par: XtActionParam, d: any): number {
  skb.priority = d.priority >>> 0;
  return XT_CONTINUE;
}

// ---- xt_TEE.c + net/ipv4/netfilter/nf_dup_ipv4.c ----
/** current->in_nf_duplicate: a copy going out does not duplicate itself again */
let inNfDuplicate = false;
/** nf_dup_ipv4_route(): the route to the gateway (FLOWI_FLAG_KNOWN_NH: an uncached route whose
 * next hop is the gateway even when it is on-link) */
function nfDupIpv4Route(net: Net, skb: SkBuff, gw: number, oif: number): boolean {
  const fl4 = flowi4(gw);
  if (oif !== -1) fl4.oif = oif;
  fl4.tos = skb.buf[ipHdrOff(skb) + 1]! & 0xfc;
  const rt = ipRouteOutputKey(net, fl4);
  if (isKErr(rt)) return false;
  const r: Rtable = Object.assign(Object.create(Rtable.prototype) as Rtable, rt);
  if (!r.rtUsesGateway) {
    r.rtGw4 = gw;
    r.rtUsesGateway = true;
  }
  skb.dst = r;
  skb.dev = r.dev;
  skb.protocol = ETH_P_IP;
  return true;
}
/** nf_dup_ipv4() */
function nfDupIpv4(net: Net, skb: SkBuff, hooknum: number, gw: number, oif: number): void {
  if (inNfDuplicate) return;
  const c = skb.copy();
  // not counted towards the original connection
  c.nfct = NF_CT_UNTRACKED;
  c.sk = undefined;
  const nh = ipHdrOff(c);
  c.buf[nh + 6] = c.buf[nh + 6]! | 0x40; // IP_DF
  if (hooknum === NF_INET_PRE_ROUTING || hooknum === NF_INET_LOCAL_IN) c.buf[nh + 8] = (c.buf[nh + 8]! - 1) & 0xff;
  if (!nfDupIpv4Route(net, c, gw, oif)) return;
  inNfDuplicate = true;
  try {
    ipLocalOut(net, c);
  } finally {
    inNfDuplicate = false;
  }
}
/** tee_tg4(); the --oif device is the one carrying that name now (tee_netdev_event() follows
 * registrations and renames), -1 when there is none */
function teeTg(skb: SkBuff, par: XtActionParam, d: any): number {
  let oif = 0;
  if (d.oif) oif = devGetByName(par.net, d.oif)?.ifindex ?? -1;
  nfDupIpv4(par.net, skb, par.hooknum, d.gw >>> 0, oif);
  return XT_CONTINUE;
}

// ---- xt_AUDIT.c ----
const XT_AUDIT_TYPE_MAX = 2;
/** audit_tg(): the record goes to the audit subsystem (nothing reaches a namespace's log) */
function auditTg(): number {
  return XT_CONTINUE;
}

// ---- xt_HMARK.c ----
const XT_HMARK_SPI = 2, XT_HMARK_SPI_MASK = 3, XT_HMARK_SPORT = 4, XT_HMARK_DPORT = 5, XT_HMARK_SPORT_MASK = 6, XT_HMARK_DPORT_MASK = 7;
const XT_HMARK_METHOD_L3 = 13;
const hf = (b: number): number => 1 << b;
/** hmark_tg_check() */
function hmarkCheck(_p: XtChkParam, d: Record<string, unknown>): KErr | undefined {
  const f = num(d["flags"]);
  if (!num(d["hmodulus"])) return kerr("EINVAL");
  // "proto mask must be zero with L3 mode"
  if (num(d["proto_mask"]) && f & hf(XT_HMARK_METHOD_L3)) return kerr("EINVAL");
  if (f & hf(XT_HMARK_SPI_MASK) && f & (hf(XT_HMARK_SPORT_MASK) | hf(XT_HMARK_DPORT_MASK))) return kerr("EINVAL");
  // "spi-set and port-set can't be combined"
  if (f & hf(XT_HMARK_SPI) && f & (hf(XT_HMARK_SPORT) | hf(XT_HMARK_DPORT))) return kerr("EINVAL");
  return undefined;
}

// ---- xt_IDLETIMER.c: the timers are global (one sysfs directory), shared by label ----
const XT_IDLETIMER_ALARM = 1;
const MAX_IDLETIMER_LABEL_SIZE = 28;
const idletimers = new Map<string, { refcnt: number; type: number }>();
/** xt_check_proc_name() + idletimer_check_sysfs_name() */
function idletimerCheckName(name: string): KErr | undefined {
  if (name === "") return kerr("EINVAL");
  if (name.length >= MAX_IDLETIMER_LABEL_SIZE) return kerr("ENAMETOOLONG");
  if (name === "." || name === ".." || name.includes("/")) return kerr("EINVAL");
  if (name === "power" || name === "subsystem" || name === "uevent") return kerr("EINVAL");
  return undefined;
}
/** idletimer_tg_checkentry() / _v1() */
function idletimerCheck(rev: number): (p: XtChkParam, d: Record<string, unknown>) => KErr | undefined {
  return (_p, d) => {
    if (rev === 1 && num(d["send_nl_msg"])) return kerr("EOPNOTSUPP");
    const timeout = num(d["timeout"]);
    const label = str(d["label"]);
    // idletimer_tg_helper()
    if (timeout === 0 || timeout >= Math.floor(0x7fffffff / 1000)) return kerr("EINVAL");
    if (label === "" || label.length >= MAX_IDLETIMER_LABEL_SIZE) return kerr("EINVAL");
    const type = rev === 1 ? num(d["timer_type"]) : 0;
    if (type > XT_IDLETIMER_ALARM) return kerr("EINVAL");
    const t = idletimers.get(label);
    if (t) {
      // "Adding/Replacing rule with same label and different timer type is not allowed"
      if (rev === 1 ? t.type !== type : t.type & XT_IDLETIMER_ALARM) return kerr("EINVAL");
      t.refcnt++;
      return undefined;
    }
    const bad = idletimerCheckName(label);
    if (bad) return bad;
    idletimers.set(label, { refcnt: 1, type });
    return undefined;
  };
}
function idletimerDestroy(_p: XtChkParam, d: Record<string, unknown>): void {
  const label = str(d["label"]);
  const t = idletimers.get(label);
  if (t && --t.refcnt <= 0) idletimers.delete(label);
}

// ---- xt_LED.c: the triggers are global, shared by name (not registered by xtTgInit()) ----
const ledTriggers = new Map<string, number>();
/** led_tg_check() */
function ledCheck(_p: XtChkParam, d: Record<string, unknown>): KErr | undefined {
  const id = str(d["id"]);
  if (id === "" || id.length >= 27) return kerr("EINVAL");
  ledTriggers.set(id, (ledTriggers.get(id) ?? 0) + 1);
  return undefined;
}
function ledDestroy(_p: XtChkParam, d: Record<string, unknown>): void {
  const id = str(d["id"]);
  const n = (ledTriggers.get(id) ?? 1) - 1;
  if (n > 0) ledTriggers.set(id, n);
  else ledTriggers.delete(id);
}

// ---- xt_RATEEST.c / xt_rateest.c: the estimators of a namespace, by name ----
interface RateEst {
  refcnt: number;
  interval: number;
  ewmaLog: number;
}
const estimators = new NetGeneric<Map<string, RateEst>>();
function estOf(net: Net): Map<string, RateEst> {
  let m = estimators.get(net);
  if (!m) estimators.set(net, (m = new Map()));
  return m;
}
/** xt_rateest_tg_checkentry() */
function rateestTgCheck(p: XtChkParam, d: Record<string, unknown>): KErr | undefined {
  const name = str(d["name"]);
  if (name.length >= 16) return kerr("ENAMETOOLONG");
  const interval = num(d["interval"]);
  const ewma = num(d["ewma_log"]);
  const m = estOf(p.net);
  const est = m.get(name);
  if (est) {
    // estimator parameters given must match the existing estimator
    if ((!interval && !ewma) || interval !== est.interval || ewma !== est.ewmaLog) return kerr("EINVAL");
    est.refcnt++;
    return undefined;
  }
  // gen_new_estimator()
  if (interval < -2 || interval > 3) return kerr("EINVAL");
  if (ewma === 0 || ewma >= 31) return kerr("EINVAL");
  m.set(name, { refcnt: 1, interval, ewmaLog: ewma });
  return undefined;
}
function rateestPut(net: Net, name: string): void {
  const m = estOf(net);
  const est = m.get(name);
  if (est && --est.refcnt <= 0) m.delete(name);
}
const XT_RATEEST_MATCH_INVERT = 1, XT_RATEEST_MATCH_ABS = 2, XT_RATEEST_MATCH_REL = 4, XT_RATEEST_MATCH_DELTA = 8;
const XT_RATEEST_MATCH_BPS = 16, XT_RATEEST_MATCH_PPS = 32;
const XT_RATEEST_MATCH_EQ = 1, XT_RATEEST_MATCH_LT = 2, XT_RATEEST_MATCH_GT = 3;
/** xt_rateest_mt_checkentry() */
function rateestMtCheck(p: XtChkParam, d: Record<string, unknown>): KErr | undefined {
  const f = num(d["flags"]);
  const absRel = f & (XT_RATEEST_MATCH_ABS | XT_RATEEST_MATCH_REL);
  if (absRel !== XT_RATEEST_MATCH_ABS && absRel !== XT_RATEEST_MATCH_REL) return kerr("EINVAL");
  if (!(f & (XT_RATEEST_MATCH_BPS | XT_RATEEST_MATCH_PPS))) return kerr("EINVAL");
  const mode = num(d["mode"]);
  if (mode !== XT_RATEEST_MATCH_EQ && mode !== XT_RATEEST_MATCH_LT && mode !== XT_RATEEST_MATCH_GT) return kerr("EINVAL");
  const n1 = str(d["name1"]);
  const n2 = str(d["name2"]);
  if (n1.length >= 16 || n2.length >= 16) return kerr("ENAMETOOLONG");
  const m = estOf(p.net);
  const e1 = m.get(n1);
  if (!e1) return kerr("ENOENT");
  if (f & XT_RATEEST_MATCH_REL && !m.get(n2)) return kerr("ENOENT");
  e1.refcnt++;
  if (f & XT_RATEEST_MATCH_REL) m.get(n2)!.refcnt++;
  return undefined;
}
function rateestMtDestroy(p: XtChkParam, d: Record<string, unknown>): void {
  rateestPut(p.net, str(d["name1"]));
  if (num(d["flags"]) & XT_RATEEST_MATCH_REL) rateestPut(p.net, str(d["name2"]));
}
/** xt_rateest_mt() with the estimators' rates, which are 0 here (nothing is measured) */
function rateestMt(_skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const f: number = d.flags;
  let bps1 = 0, pps1 = 0, bps2: number, pps2: number;
  if (f & XT_RATEEST_MATCH_ABS) {
    bps2 = d.bps1;
    pps2 = d.pps1;
  } else {
    bps2 = 0;
    pps2 = 0;
  }
  if (f & XT_RATEEST_MATCH_DELTA) {
    bps1 = d.bps1 >= bps1 ? d.bps1 - bps1 : 0;
    pps1 = d.pps1 >= pps1 ? d.pps1 - pps1 : 0;
    bps2 = d.bps2 >= bps2 ? d.bps2 - bps2 : 0;
    pps2 = d.pps2 >= pps2 ? d.pps2 - pps2 : 0;
  }
  let ret = true;
  const cmp = (a: number, b: number) => (d.mode === XT_RATEEST_MATCH_LT ? a < b : d.mode === XT_RATEEST_MATCH_GT ? a > b : a === b);
  if (f & XT_RATEEST_MATCH_BPS) ret &&= cmp(bps1, bps2);
  if (f & XT_RATEEST_MATCH_PPS) ret &&= cmp(pps1, pps2);
  return ret !== !!(f & XT_RATEEST_MATCH_INVERT);
}

// ---- ipt_SYNPROXY.c ----
/** synproxy_tg4_check(): TCP only, and conntrack */
function synproxyCheck(p: XtChkParam): KErr | undefined {
  if (p.proto !== IPPROTO_TCP || p.invflags & IPT_INV_PROTO) return kerr("EINVAL");
  nfCtNetnsGet(p.net);
  return undefined;
}

// ---- xt_TPROXY.c ----
/** tproxy_tg4_check(): "Can be used only with -p tcp or -p udp" */
function tproxyCheck(p: XtChkParam): KErr | undefined {
  if ((p.proto === IPPROTO_TCP || p.proto === IPPROTO_UDP) && !(p.invflags & IPT_INV_PROTO)) return undefined;
  return kerr("EINVAL");
}

let done = false;

export function xtTgInit(): void {
  if (done) return;
  done = true;
  const F = NFPROTO_IPV4;
  xtRegisterTarget({ name: "CHECKSUM", revision: 0, family: F, table: "mangle", target: checksumTg, checkentry: checksumCheck });
  xtRegisterTarget({ name: "CLASSIFY", revision: 0, family: F, hooks: OUT | FWD | POST, target: classifyTg });
  xtRegisterTarget({
    name: "TEE", revision: 1, family: F, target: teeTg,
    // tee_tg_check(): 0.0.0.0 is no gateway; the oif name must fit IFNAMSIZ
    checkentry: (_p, d) => (num(d["gw"]) === 0 || str(d["oif"]).length >= 16 ? kerr("EINVAL") : undefined),
  });
  xtRegisterTarget({
    name: "AUDIT", revision: 0, family: F, target: auditTg,
    checkentry: (_p, d) => (num(d["type"]) > XT_AUDIT_TYPE_MAX ? kerr("ERANGE") : undefined),
  });
  xtRegisterTarget({ name: "HMARK", revision: 0, family: F, target: () => XT_CONTINUE, checkentry: hmarkCheck });
  for (const r of [0, 1]) {
    xtRegisterTarget({ name: "IDLETIMER", revision: r, family: F, target: () => XT_CONTINUE, checkentry: idletimerCheck(r), destroy: idletimerDestroy });
  }
  // xt_LED is not built in the kernel emulated (CONFIG_NETFILTER_XT_TARGET_LED needs
  // CONFIG_LEDS_TRIGGERS): iptables warns "Extension LED revision 0 not supported, missing kernel
  // module?" and the rule fails with ENOENT; xtLedRegister() would add it
  xtRegisterTarget({
    name: "RATEEST", revision: 0, family: F, target: () => XT_CONTINUE, checkentry: rateestTgCheck,
    destroy: (p, d) => rateestPut(p.net, str(d["name"])),
  });
  xtRegisterMatch({ name: "rateest", revision: 0, family: F, match: rateestMt, checkentry: rateestMtCheck, destroy: rateestMtDestroy });
  xtRegisterTarget({
    name: "SYNPROXY", revision: 0, family: F, hooks: IN | FWD, target: () => XT_CONTINUE,
    checkentry: synproxyCheck, destroy: (p) => nfCtNetnsPut(p.net),
  });
  for (const r of [0, 1]) {
    xtRegisterTarget({ name: "TPROXY", revision: r, family: F, table: "mangle", hooks: PRE, target: () => NF_DROP, checkentry: tproxyCheck });
  }
}

/** net/netfilter/xt_LED.c: led_tg_init(), for a kernel that has the module */
export function xtLedRegister(): void {
  xtRegisterTarget({ name: "LED", revision: 0, family: NFPROTO_IPV4, target: () => XT_CONTINUE, checkentry: ledCheck, destroy: ledDestroy });
}
