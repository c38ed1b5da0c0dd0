/**
 * The kernel side of the iptables extensions (connection tracking): connmark (match), helper, connbytes, connlimit
 * (net/netfilter/xt_*.c), registered with x_tables.
 *
 * connbytes reads the accounting extension (nf_conntrack_acct.c): a conn gets its counters
 * when it is created while net.netfilter.nf_conntrack_acct is on, and every packet that
 * nf_conntrack_in() attaches to it (nf_ct_refresh_acct) adds one packet and its length to its
 * direction (NfConn.acct).
 * connlimit counts, per rule and per masked address, the connections it has seen
 * (nf_conncount.c), dropping those that left the table or closed.
 */
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { kerr } from "../uapi/errno.ts";
import { IPS_CONFIRMED } from "../uapi/xtables.ts";
import { NFPROTO_IPV4 } from "./core.ts";
import { ipHdrOff } from "./ip_tables.ts";
import { ctNet, getTuple, NfConn, nfCtNetnsGet, nfCtNetnsPut, type Tuple } from "./nf_conntrack.ts";
import { nfIpv4Ops } from "./nf_glue.ts";
import { xtRegisterMatch, type XtActionParam, type XtChkParam } from "./x_tables.ts";

/** nf_ct_get(): the conntrack entry of the packet (not a template, not untracked) */
function nfCtGet(skb: SkBuff): NfConn | undefined {
  return skb.nfct instanceof NfConn ? skb.nfct : undefined;
}

const ctGet = (p: XtChkParam): undefined => {
  nfCtNetnsGet(p.net);
  return undefined;
};
const ctPut = (p: XtChkParam): void => nfCtNetnsPut(p.net);

// ---- xt_connmark.c (match, revision 1) ----

/** connmark_mt() */
function connmarkMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const ct = nfCtGet(skb);
  if (!ct) return false;
  return (((ct.mark & d.mask) >>> 0) === d.mark) !== !!d.invert;
}

// ---- xt_helper.c ----

/** helper_mt(): the helper of the conn's master (an expected conn). No conn here is expected
 * (no helper assigns expectations), so the answer is the inversion flag. */
function helperMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const ret = !!d.invert;
  const ct = nfCtGet(skb) as (NfConn & { master?: { helper?: string } }) | undefined;
  if (!ct || !ct.master) return ret;
  const helper = ct.master.helper;
  if (!helper) return ret;
  const name: string = d.name.slice(0, 29);
  if (name === "") return !ret;
  // strncmp(helper->name, info->name, strlen(helper->name))
  return ret !== (name.slice(0, helper.length) === helper && (name.length >= helper.length));
}


// ---- xt_connbytes.c ----

const XT_CONNBYTES_PKTS = 0;
const XT_CONNBYTES_BYTES = 1;
const XT_CONNBYTES_AVGPKT = 2;
const XT_CONNBYTES_DIR_ORIGINAL = 0;
const XT_CONNBYTES_DIR_REPLY = 1;
const XT_CONNBYTES_DIR_BOTH = 2;

/** connbytes_mt(): the conn's acct extension (nf_conntrack.ts keeps it) */
function connbytesMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const ct = nfCtGet(skb);
  const a = ct?.acct;
  if (!a) return false;
  const pick = (i: number): number =>
    d.direction === XT_CONNBYTES_DIR_ORIGINAL ? a[i]! : d.direction === XT_CONNBYTES_DIR_REPLY ? a[2 + i]! : a[i]! + a[2 + i]!;
  let what = 0;
  if (d.what === XT_CONNBYTES_PKTS) what = pick(0);
  else if (d.what === XT_CONNBYTES_BYTES) what = pick(1);
  else {
    const pkts = pick(0);
    if (pkts !== 0) what = Math.floor(pick(1) / pkts);
  }
  const from = Number(d.from);
  const to = Number(d.to);
  if (to >= from) return what <= to && what >= from;
  return what < to || what > from;
}

/** connbytes_mt_check() */
function connbytesCheck(p: XtChkParam, d: Record<string, unknown>): ReturnType<typeof kerr> | undefined {
  const what = Number(d["what"]);
  const dir = Number(d["direction"]);
  if (what !== XT_CONNBYTES_PKTS && what !== XT_CONNBYTES_BYTES && what !== XT_CONNBYTES_AVGPKT) return kerr("EINVAL");
  if (dir !== XT_CONNBYTES_DIR_ORIGINAL && dir !== XT_CONNBYTES_DIR_REPLY && dir !== XT_CONNBYTES_DIR_BOTH) return kerr("EINVAL");
  nfCtNetnsGet(p.net);
  if (!ctNet(p.net).sysctl["nf_conntrack_acct"]) {
    // pr_warn("Forcing CT accounting to be enabled\n"); nf_ct_set_acct(net, true)
    nfIpv4Ops.printk(p.net, 4, "xt_connbytes: Forcing CT accounting to be enabled");
    ctNet(p.net).sysctl["nf_conntrack_acct"] = 1;
  }
  return undefined;
}

// ---- xt_connlimit.c + nf_conncount.c ----

const XT_CONNLIMIT_INVERT = 1 << 0;
const XT_CONNLIMIT_DADDR = 1 << 1;
/** CONNCOUNT_GC_MAX_COLLECT */
const GC_MAX_COLLECT = 8;
const JIFFY_US = 4000;

interface ConnTuple {
  tuple: Tuple;
  jiffies: number;
}
interface ConnList {
  conns: ConnTuple[];
  lastGc: number;
  lastGcCount: number;
}
/** struct nf_conncount_data: the lists by key (masked address) */
interface ConnCountData {
  lists: Map<number, ConnList>;
}

function tupleEq(a: Tuple, b: Tuple): boolean {
  return a.src === b.src && a.dst === b.dst && a.proto === b.proto && a.sport === b.sport && a.dport === b.dport;
}

/** already_closed() */
function alreadyClosed(ct: NfConn): boolean {
  return ct.tuplehash[0].proto === 6 && (ct.tcpState === "TIME_WAIT" || ct.tcpState === "CLOSE");
}

/** find_or_evict(): the conn of a saved tuple, or undefined (then it is gone from the list:
 * one CPU here, so the entry was added by "this cpu") */
function findOrEvict(net: Net, list: ConnList, c: ConnTuple): NfConn | undefined {
  const h = ctNet(net).find(c.tuple);
  if (h) return h.ct;
  list.conns.splice(list.conns.indexOf(c), 1);
  return undefined;
}

/** get_ct_or_tuple_from_skb() */
function ctOrTuple(net: Net, skb: SkBuff): { ct: NfConn | undefined; tuple: Tuple } | undefined {
  const ct = nfCtGet(skb);
  if (ct) return { ct, tuple: ct.tuplehash[0] };
  const tuple = getTuple(skb.buf, ipHdrOff(skb), skb.tail);
  if (!tuple) return undefined;
  return { ct: ctNet(net).find(tuple)?.ct, tuple };
}

/** __nf_conncount_gc_list() */
function gcList(net: Net, list: ConnList, now: number): void {
  if (now === list.lastGc) return;
  let collected = 0;
  for (const c of [...list.conns]) {
    const ct = findOrEvict(net, list, c);
    if (!ct) {
      collected++;
      continue;
    }
    if (alreadyClosed(ct)) {
      list.conns.splice(list.conns.indexOf(c), 1);
      collected++;
      continue;
    }
    if (collected > GC_MAX_COLLECT) break;
  }
  list.lastGc = now;
  list.lastGcCount = list.conns.length;
}

/** __nf_conncount_add(): 0, or -EEXIST (a confirmed conn not from loopback: not added) */
function conncountAdd(net: Net, skb: SkBuff, list: ConnList, now: number): number | undefined {
  const got = ctOrTuple(net, skb);
  if (!got) return -2; // -ENOENT
  const { ct, tuple } = got;
  let check = true;
  if (ct && ct.status & IPS_CONFIRMED) {
    // local connections are confirmed in postrouting, so confirmation might have happened
    // before hitting connlimit
    if (skb.skbIif !== 1 /* LOOPBACK_IFINDEX */) return -17; // -EEXIST
  } else if (now === list.lastGc && list.conns.length - list.lastGcCount < GC_MAX_COLLECT) check = false;
  if (check) {
    let collect = 0;
    for (const c of [...list.conns]) {
      if (collect > GC_MAX_COLLECT) break;
      const found = findOrEvict(net, list, c);
      if (!found) {
        collect++;
        continue;
      }
      if (tupleEq(c.tuple, tuple)) return 0; // already counted
      if (alreadyClosed(found)) {
        list.conns.splice(list.conns.indexOf(c), 1);
        collect++;
      }
    }
    list.lastGc = now;
    list.lastGcCount = list.conns.length;
  }
  list.conns.push({ tuple: { ...tuple }, jiffies: now });
  return 0;
}

/** count_tree() / insert_tree(): the number of connections of `key`, 0 to hotdrop */
function conncountCount(net: Net, skb: SkBuff, data: ConnCountData, key: number): number {
  const now = Math.floor(nfIpv4Ops.now(net) / JIFFY_US);
  const list = data.lists.get(key);
  if (list && list.conns.length > 0) {
    const ret = conncountAdd(net, skb, list, now);
    if (ret === -17) {
      gcList(net, list, now);
      return list.conns.length;
    }
    if (ret) return 0;
    return list.conns.length;
  }
  // insert_tree(): a new node holding this packet's conn
  const got = ctOrTuple(net, skb);
  if (!got) return 0;
  data.lists.set(key, { conns: [{ tuple: { ...got.tuple }, jiffies: now }], lastGc: now, lastGcCount: 0 });
  return 1;
}

/**
 * per rule: nf_conncount_init()'s data. A table replace here checks and compiles every rule
 * again, where nf_tables keeps a rule (and its data) until it is deleted: the data is kept per
 * namespace and rule payload, taken by checkentry (before the old table's rules let go of it)
 * and freed by the last destroy.
 */
interface CcRef {
  data: ConnCountData;
  refs: number;
}
const ccByNet = new NetGeneric<Map<string, CcRef>>();
let lastChecked: ConnCountData | undefined;

function ccSig(d: Record<string, unknown>): string {
  return JSON.stringify([d["mask"], d["limit"], d["flags"]]);
}

/** connlimit_mt_check() */
function connlimitCheck(p: XtChkParam, d: Record<string, unknown>): undefined {
  nfCtNetnsGet(p.net);
  let m = ccByNet.get(p.net);
  if (!m) ccByNet.set(p.net, (m = new Map()));
  const sig = ccSig(d);
  let r = m.get(sig);
  if (!r) m.set(sig, (r = { data: { lists: new Map() }, refs: 0 }));
  r.refs++;
  lastChecked = r.data;
  return undefined;
}

/** connlimit_mt_destroy() */
function connlimitDestroy(p: XtChkParam, d: Record<string, unknown>): void {
  const m = ccByNet.get(p.net);
  const sig = ccSig(d);
  const r = m?.get(sig);
  if (r && --r.refs <= 0) m!.delete(sig);
  nfCtNetnsPut(p.net);
}

/** the data checkentry just took (ip_tables compiles a match right after checking it) */
function connlimitCompile(): ConnCountData {
  const d = lastChecked ?? { lists: new Map() };
  lastChecked = undefined;
  return d;
}

/** connlimit_mt() */
function connlimitMt(skb: SkBuff, par: XtActionParam, d: any, st: ConnCountData): boolean {
  const nh = ipHdrOff(skb);
  const off = d.flags & XT_CONNLIMIT_DADDR ? 16 : 12;
  const b = skb.buf;
  const addr = ((b[nh + off]! << 24) | (b[nh + off + 1]! << 16) | (b[nh + off + 2]! << 8) | b[nh + off + 3]!) >>> 0;
  const key = (addr & d.mask) >>> 0;
  const connections = conncountCount(par.net, skb, st, key);
  if (connections === 0) {
    par.hotdrop = true;
    return false;
  }
  return (connections > d.limit) !== !!(d.flags & XT_CONNLIMIT_INVERT);
}

let done = false;

export function xtConnInit(): void {
  if (done) return;
  done = true;
  const F = NFPROTO_IPV4;
  xtRegisterMatch({ name: "connmark", revision: 1, family: F, match: connmarkMt, checkentry: ctGet, destroy: ctPut });
  xtRegisterMatch({ name: "helper", revision: 0, family: F, match: helperMt, checkentry: ctGet, destroy: ctPut });
  xtRegisterMatch({ name: "connbytes", revision: 0, family: F, match: connbytesMt, checkentry: connbytesCheck, destroy: ctPut });
  xtRegisterMatch({ name: "connlimit", revision: 1, family: F, match: connlimitMt, compile: connlimitCompile, checkentry: connlimitCheck, destroy: connlimitDestroy });
}
