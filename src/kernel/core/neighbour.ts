/**
 * net/core/neighbour.c: neighbour tables, the NUD state machine on the world's scheduler,
 * the queue of packets waiting for resolution, neigh_update(), and the RTM_*NEIGH handlers.
 * A table is generic over its key (NeighKey: an IPv4 number for arp_tbl, the
 * UTF-16 form of an IPv6 address for nd_tbl); its protocol half (constructor, solicit, error
 * report, the key's bytes) is ipv4/arp.ts's or ipv6/ndisc.ts's. The tables'
 * own messages (RTM_GETNEIGHTBL / RTM_SETNEIGHTBL, `ip ntable`) are at the end.
 */
import { rtnlHasListeners, rtnlNotify } from "./rtnl_notify.ts";
import { RTNLGRP_NEIGH } from "../uapi/rtnetlink.ts";
import type { SkBuff } from "./skbuff.ts";
import type { NetDevice } from "./netdevice.ts";
import { registerPernetOps, type Net } from "./net_namespace.ts";
import type { Timer } from "../../sim/scheduler.ts";
import { HZ, USEC_PER_SEC } from "../../sim/scheduler.ts";
import {
  NUD_INCOMPLETE, NUD_REACHABLE, NUD_STALE, NUD_DELAY, NUD_PROBE, NUD_FAILED, NUD_NOARP,
  NUD_PERMANENT, NUD_NONE, NTF_ROUTER, NTF_PROXY, NTF_USE, NTF_EXT_LEARNED, AF_INET, AF_INET6,
  type NeighMsg, type NlAck, type NeightblMsg, type NdtpaAttrs, type NdtStats,
} from "../uapi/rtnetlink.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { procDointvecMinmax, type CtlTable } from "./sysctl.ts";
import { IFF_LOOPBACK, IFF_UP } from "../uapi/if.ts";
import { netSched, netRng, devQueueXmit, devHardHeader } from "./dev_path.ts";
import { kfreeSkbReason } from "./drop.ts";

/**
 * A table's primary key: an IPv4 address as a number (arp_tbl: the hot path keys its Map by
 * the int32, building nothing per packet), an IPv6 address as the 8 UTF-16 units of its 16
 * bytes (nd_tbl: in6Key()).
 */
export type NeighKey = number | string;

export const NUD_IN_TIMER = NUD_INCOMPLETE | NUD_REACHABLE | NUD_DELAY | NUD_PROBE;
export const NUD_VALID = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY;
export const NUD_CONNECTED = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE;

/** neigh_update() flags (NEIGH_UPDATE_F_*) */
export const NEIGH_UPDATE_F_OVERRIDE = 1 << 0;
export const NEIGH_UPDATE_F_WEAK_OVERRIDE = 1 << 1;
export const NEIGH_UPDATE_F_OVERRIDE_ISROUTER = 1 << 2;
export const NEIGH_UPDATE_F_USE = 1 << 3;
export const NEIGH_UPDATE_F_MANAGED = 1 << 4;
export const NEIGH_UPDATE_F_EXT_LEARNED = 1 << 5;
export const NEIGH_UPDATE_F_ISROUTER = 1 << 6;
export const NEIGH_UPDATE_F_ADMIN = 1 << 7;

const MS = 1000;

/** struct neigh_parms: the per-device (and per-table default) tunables, in µs / counts */
export class NeighParms {
  dev: NetDevice | undefined;
  baseReachableTime = 30 * USEC_PER_SEC;
  retransTime = 1 * USEC_PER_SEC;
  delayProbeTime = 5 * USEC_PER_SEC;
  gcStaleTime = 60 * USEC_PER_SEC;
  ucastProbes = 3;
  appProbes = 0;
  mcastProbes = 3;
  mcastReprobes = 0;
  queueLenBytes = 212992;
  proxyQlen = 64;
  anycastDelay = 1 * USEC_PER_SEC;
  proxyDelay = (8 * USEC_PER_SEC) / 10;
  locktime = 1 * USEC_PER_SEC;
  intervalProbeTimeMs = 5 * USEC_PER_SEC;
  /** reachable_time: neigh_rand_reach_time(base) */
  reachableTime = 0;
  /** when reachable_time was last drawn (neigh_periodic_work redraws it every 300 s) */
  reachableDrawn = 0;
  /** reachable_time is drawn when first read (nd_tbl's parms: the draw the kernel makes at
   * boot or ipv6_add_dev() is made here when something needs it, so that a table made by the
   * first packet does not move the namespace's random stream) */
  reachablePending = false;
  constructor(dev: NetDevice | undefined) {
    this.dev = dev;
  }
  copyFrom(p: NeighParms): void {
    this.baseReachableTime = p.baseReachableTime;
    this.retransTime = p.retransTime;
    this.delayProbeTime = p.delayProbeTime;
    this.gcStaleTime = p.gcStaleTime;
    this.ucastProbes = p.ucastProbes;
    this.appProbes = p.appProbes;
    this.mcastProbes = p.mcastProbes;
    this.mcastReprobes = p.mcastReprobes;
    this.queueLenBytes = p.queueLenBytes;
    this.proxyQlen = p.proxyQlen;
    this.anycastDelay = p.anycastDelay;
    this.proxyDelay = p.proxyDelay;
    this.locktime = p.locktime;
    this.reachableTime = p.reachableTime;
    this.reachablePending = p.reachablePending;
  }
}

/** the protocol half of a table (struct neigh_ops + constructor + key handling), filled by
 * arp.ts and ndisc.ts */
export interface NeighOps<K extends NeighKey = number> {
  /** arp_constructor() / ndisc_constructor(): set type, nud_state (NOARP …) and ha */
  constructor(n: Neighbour<K>): void;
  /** arp_solicit() / ndisc_solicit(): send a probe; `skb` is the newest queued packet (for the source address) */
  solicit(n: Neighbour<K>, skb: SkBuff | undefined): void;
  /** arp_error_report() / ndisc_error_report(): a queued packet could not be resolved */
  errorReport(n: Neighbour<K>, skb: SkBuff): void;
  /** tbl->id ("arp_cache", "ndisc_cache") */
  id: string;
  /** tbl->key_len */
  keyLen: number;
  /** the key of an NDA_DST (its first key_len bytes) and back */
  keyFromBytes(b: Uint8Array): K;
  keyToBytes(k: K): Uint8Array;
  /** tbl->is_multicast(): such entries are always collectable */
  isMulticast?(key: K): boolean;
  /** neigh_add() refuses a permanent entry for this key (arp_tbl: an IPv4 multicast address;
   * nd_tbl takes a permanent ff02::X, as the kernel does) */
  permanentRefused?(key: K): boolean;
  /** tbl->pconstructor() / pdestructor(): a proxy entry made / gone (pndisc_constructor
   * joins the address's solicited-node group); false refuses the entry */
  pconstructor?(p: PneighEntry<K>): boolean;
  pdestructor?(p: PneighEntry<K>): void;
  /** tbl->allow_add(): may netlink add an entry on this device (ndisc_allow_add) */
  allowAdd?(dev: NetDevice): KErr | undefined;
  /** the link-layer protocol of the packets this table resolves for (ETH_P_IP, ETH_P_IPV6) */
  protocol: number;
}

/** any table / entry, for the code that does not look at the key's type */
type AnyTable = NeighTable<NeighKey>;
type AnyNeigh = Neighbour<NeighKey>;

/** the Map key of a primary key: an IPv4 number as the int32 V8 keeps small */
function hk<K extends NeighKey>(key: K): K {
  return (typeof key === "number" ? key | 0 : key) as K;
}

/** struct neighbour */
export class Neighbour<K extends NeighKey = number> {
  readonly tbl: NeighTable<K>;
  readonly net: Net;
  readonly dev: NetDevice;
  /** primary_key: arp_constructor() rewrites it to 0.0.0.0 on loopback/point-to-point devices */
  key: K;
  parms: NeighParms;
  ha = new Uint8Array(6);
  nudState = NUD_NONE;
  /** NTF_ROUTER (and NTF_EXT_LEARNED …) */
  flags = 0;
  /** RTN_* of the key (arp_constructor) */
  type = 1;
  confirmed = 0;
  updated = 0;
  used = 0;
  probes = 0;
  dead = false;
  protocol = 0;
  arpQueue: SkBuff[] = [];
  arpQueueLen = 0;
  /** n->timer, made when first armed: most entries never are (a NOARP entry of every group a
   * device sends to, a permanent one) */
  private tm: Timer | undefined = undefined;
  constructor(tbl: NeighTable<K>, dev: NetDevice, key: K, parms: NeighParms) {
    this.tbl = tbl;
    this.net = dev.net;
    this.dev = dev;
    this.key = key;
    this.parms = parms;
  }
  /** mod_timer(&n->timer, when) */
  timerMod(when: number): void {
    (this.tm ??= netSched(this.net).timer(() => neighTimerHandler(this), "neigh")).mod(when);
  }
  /** timer_delete(&n->timer) */
  timerCancel(): void {
    this.tm?.cancel();
  }
  /** timer_pending(&n->timer) */
  get timerPending(): boolean {
    return this.tm?.pending ?? false;
  }
}

/** a proxy entry (struct pneigh_entry): `ip neigh add proxy X dev D` */
export interface PneighEntry<K extends NeighKey = number> {
  key: K;
  dev: NetDevice | undefined;
  flags: number;
  protocol: number;
}

/**
 * The part of struct neigh_table that is one per kernel, shared by every namespace of a host
 * (arp_tbl is global; its entries are keyed by net): the garbage collector's thresholds,
 * its list and its periodic work. A host's 100 namespaces that each learn 99 neighbours
 * fill one table of 1024, as they do on Linux.
 */
export class NeighGc {
  gcThresh1 = 128;
  gcThresh2 = 512;
  gcThresh3 = 1024;
  gcInterval = 30 * USEC_PER_SEC;
  /** tbl->last_flush: the last forced collection */
  lastFlush = 0;
  /** tbl->gc_list (its size is tbl->gc_entries): the entries the collector may remove, oldest first */
  readonly gcList = new Set<AnyNeigh>();
  /** tbl->entries: every entry, exempt ones too */
  entries = 0;
  /** the namespaces' tables */
  readonly tables = new Set<AnyTable>();
  /** tbl->gc_work, armed while the table holds gc_thresh1 entries or more */
  work: Timer | undefined;
  /** when the periodic work first ran (neigh_table_init(): after reachable_time); it recurs every base_reachable_time/2 */
  workEpoch = -1;
  /** net_ratelimit() of "neighbor table overflow!": messages in the current 5 s window */
  rlBegin = -1;
  rlPrinted = 0;
  rlMissed = 0;
  /** nht->hash_shift: the hash starts with 8 buckets and doubles when entries outgrow it
   * (neigh_hash_grow(); it never shrinks) */
  hashShift = 3;
}

const gcs = new WeakMap<object, Map<number, NeighGc>>();

function neighGcOf(net: Net, family: number): NeighGc {
  let m = gcs.get(net.host);
  if (!m) gcs.set(net.host, (m = new Map()));
  let g = m.get(family);
  if (!g) m.set(family, (g = new NeighGc()));
  return g;
}

/** the namespace's tables by family (neigh_tables[], as a namespace sees them) */
const netTables = new WeakMap<Net, Map<number, AnyTable>>();

/** struct neigh_table, per namespace (the kernel's is global and keyed by net; its global part is NeighGc) */
export class NeighTable<K extends NeighKey = number> {
  readonly net: Net;
  readonly family: number;
  readonly ops: NeighOps<K>;
  /** the entries in creation order (the dump order) */
  readonly hash = new Set<Neighbour<K>>();
  /** device -> key -> its entry: neigh_lookup()'s hash, which mixes the device into the key's
   * (a group's address has an entry on every device that sends to it: a bridge's thousand
   * ports each have one for ff02::16, which a chain per key walked at every lookup). The key
   * as an int32, which V8 keeps as a small integer */
  readonly byDev = new Map<NetDevice, Map<K, Neighbour<K>>>();
  readonly phash: PneighEntry<K>[] = [];
  readonly parms: NeighParms;
  readonly devParms = new Map<NetDevice, NeighParms>();
  readonly gc: NeighGc;
  /** statistics (ndt_stats) */
  stats = {
    allocs: 0, destroys: 0, hashGrows: 0, resFailed: 0, lookups: 0, hits: 0, forcedGcRuns: 0, periodicGcRuns: 0,
    unresDiscards: 0, tableFulls: 0, rcvProbesMcast: 0, rcvProbesUcast: 0,
  };
  constructor(net: Net, family: number, ops: NeighOps<K>, lazyReachable = false) {
    this.net = net;
    this.family = family;
    this.ops = ops;
    this.parms = new NeighParms(undefined);
    if (lazyReachable) this.parms.reachablePending = true;
    else this.parms.reachableTime = neighRandReachTime(net, this.parms.baseReachableTime);
    this.gc = neighGcOf(net, family);
    this.gc.tables.add(this as unknown as AnyTable);
    let m = netTables.get(net);
    if (!m) netTables.set(net, (m = new Map()));
    m.set(family, this as unknown as AnyTable);
  }
  /* the thresholds are the kernel's, whichever namespace's sysctl sets them */
  get gcThresh1(): number { return this.gc.gcThresh1; }
  set gcThresh1(v: number) { this.gc.gcThresh1 = v; }
  get gcThresh2(): number { return this.gc.gcThresh2; }
  set gcThresh2(v: number) { this.gc.gcThresh2 = v; }
  get gcThresh3(): number { return this.gc.gcThresh3; }
  set gcThresh3(v: number) { this.gc.gcThresh3 = v; }
  get gcInterval(): number { return this.gc.gcInterval; }
  set gcInterval(v: number) { this.gc.gcInterval = v; }
}

/** the namespace is gone: its table leaves the kernel's (its entries went with neigh_ifdown) */
export function neighTableRelease(tbl: AnyTable): void {
  for (const n of [...tbl.hash.values()]) neighDel(n);
  tbl.gc.tables.delete(tbl);
}

function hashGet<K extends NeighKey>(tbl: NeighTable<K>, dev: NetDevice, key: K): Neighbour<K> | undefined {
  return tbl.byDev.get(dev)?.get(hk(key));
}

function hashAdd<K extends NeighKey>(tbl: NeighTable<K>, n: Neighbour<K>): void {
  let m = tbl.byDev.get(n.dev);
  if (m === undefined) tbl.byDev.set(n.dev, (m = new Map()));
  m.set(hk(n.key), n);
  tbl.hash.add(n);
}

function hashDel(n: AnyNeigh): void {
  const tbl = n.tbl;
  const m = tbl.byDev.get(n.dev);
  const k = hk(n.key);
  if (m !== undefined && m.get(k) === n) {
    m.delete(k);
    if (m.size === 0) tbl.byDev.delete(n.dev);
  }
  tbl.hash.delete(n);
}

/** net/core/neighbour.c: neigh_rand_reach_time(): base * [0.5, 1.5) */
export function neighRandReachTime(net: Net, base: number): number {
  if (!base) return 0;
  const j = Math.floor(base / (USEC_PER_SEC / HZ)); // in jiffies, as the kernel draws it
  const r = netRng(net).below(j) + (j >> 1);
  return r * (USEC_PER_SEC / HZ);
}

/** the current reachable_time of a parms, redrawn every 300 s as neigh_periodic_work does */
function reachableTime(n: AnyNeigh): number {
  const p = n.parms;
  parmsReachableTime(n.net, p);
  const now = netSched(n.net).now;
  if (now - p.reachableDrawn >= 300 * USEC_PER_SEC) {
    p.reachableDrawn = now;
    p.reachableTime = neighRandReachTime(n.net, p.baseReachableTime);
  }
  return p.reachableTime;
}

/** a parms' reachable_time, drawn now if it was left for its first use */
export function parmsReachableTime(net: Net, p: NeighParms): number {
  if (p.reachablePending) {
    p.reachablePending = false;
    p.reachableTime = neighRandReachTime(net, p.baseReachableTime);
  }
  return p.reachableTime;
}

/** net/core/neighbour.c: neigh_parms_alloc() for a device (inherits the table's defaults) */
export function neighParmsOf(tbl: AnyTable, dev: NetDevice | undefined): NeighParms {
  if (!dev) return tbl.parms;
  if (tbl.family === AF_INET6) return neighDevParms(tbl, dev) ?? tbl.parms;
  let p = tbl.devParms.get(dev);
  if (!p) {
    p = new NeighParms(dev);
    p.copyFrom(tbl.parms);
    tbl.devParms.set(dev, p);
  }
  return p;
}

/** net/core/neighbour.c: neigh_lookup() */
export function neighLookup<K extends NeighKey>(tbl: NeighTable<K>, key: K, dev: NetDevice): Neighbour<K> | undefined {
  tbl.stats.lookups++;
  const n = hashGet(tbl, dev, key);
  if (n) tbl.stats.hits++;
  return n;
}

/** net/core/neighbour.c: neigh_forced_gc(): drop old unreferenced entries, oldest first,
 * down to gc_thresh2; returns how many went */
function neighForcedGc(tbl: AnyTable, gcEntries: number): number {
  const g = tbl.gc;
  const now = netSched(tbl.net).now;
  const tref = now - 5 * USEC_PER_SEC;
  const maxClean = gcEntries - g.gcThresh2;
  let shrunk = 0;
  tbl.stats.forcedGcRuns++;
  for (const n of g.gcList) {
    // refcount 1: nothing but the table holds it (a pending timer holds a reference)
    if (n.nudState & NUD_IN_TIMER) continue;
    if (n.nudState === NUD_FAILED || n.nudState === NUD_NOARP || n.tbl.ops.isMulticast?.(n.key) || !(n.updated >= tref && n.updated <= now)) {
      neighDel(n);
      neighNotify(n, "RTM_DELNEIGH");
      shrunk++;
    }
    if (shrunk >= maxClean) break;
  }
  g.lastFlush = now;
  return shrunk;
}

/** net_info_ratelimited() (net_ratelimit: 10 messages per 5 s, then a count of those missed) */
function neighOverflowMessage(tbl: AnyTable): void {
  const g = tbl.gc;
  const now = netSched(tbl.net).now;
  const log = (net: Net, msg: string) => net.host.dmesgLog(msg);
  if (g.rlBegin < 0 || now >= g.rlBegin + 5 * USEC_PER_SEC) {
    if (g.rlMissed) log(tbl.net, `net_ratelimit: ${g.rlMissed} callbacks suppressed`);
    g.rlBegin = now;
    g.rlPrinted = 0;
    g.rlMissed = 0;
  }
  if (g.rlPrinted < 10) {
    g.rlPrinted++;
    log(tbl.net, `neighbour: ${tbl.ops.id}: neighbor table overflow!`);
  } else g.rlMissed++;
}

/**
 * net/core/neighbour.c: neigh_periodic_work(): every base_reachable_time/2 while the kernel's
 * table holds gc_thresh1 entries or more, entries nobody holds that failed or were not used
 * for gc_staletime go.
 */
function neighPeriodicWork(g: NeighGc, tbl: AnyTable): void {
  const now = netSched(tbl.net).now;
  g.work = undefined;
  for (const t of g.tables) t.stats.periodicGcRuns++;
  if (g.entries < g.gcThresh1) return;
  for (const t of [...g.tables]) {
    for (const n of [...t.hash.values()]) {
      const state = n.nudState;
      if (state & (NUD_PERMANENT | NUD_IN_TIMER) || n.flags & NTF_EXT_LEARNED) continue;
      if (n.used < n.confirmed && n.confirmed <= now) n.used = n.confirmed;
      if (state === NUD_FAILED || !(now >= n.used && now < n.used + n.parms.gcStaleTime)) {
        neighDel(n);
        neighNotify(n, "RTM_DELNEIGH");
      }
    }
  }
  neighArmPeriodic(g, tbl);
}

/** keep gc_work queued while it has something to look at (it recurs on the boot-time grid) */
function neighArmPeriodic(g: NeighGc, tbl: AnyTable): void {
  if (g.work?.pending || g.entries < g.gcThresh1) return;
  const sched = netSched(tbl.net);
  const now = sched.now;
  const period = Math.max(tbl.parms.baseReachableTime >> 1, 1);
  // neigh_table_init() queues the first run after reachable_time, from boot (time 0)
  if (g.workEpoch < 0) g.workEpoch = parmsReachableTime(tbl.net, tbl.parms);
  const when = now < g.workEpoch ? g.workEpoch : g.workEpoch + Math.ceil((now - g.workEpoch + 1) / period) * period;
  g.work = sched.timer(() => neighPeriodicWork(g, tbl), "neigh_periodic_work");
  g.work.mod(when);
}

/**
 * net/core/neighbour.c: __neigh_create() (___neigh_create() + neigh_alloc()). An entry that
 * is not exempt from garbage collection counts against the kernel's gc_thresh2/3: past
 * gc_thresh3 with nothing to collect there is none (ENOBUFS: undefined).
 */
export function neighCreate<K extends NeighKey>(tbl: NeighTable<K>, key: K, dev: NetDevice, exemptFromGc = (dev.flags & IFF_LOOPBACK) !== 0): Neighbour<K> | undefined {
  const existing = hashGet(tbl, dev, key);
  if (existing) return existing;
  const now = netSched(tbl.net).now;
  const g = tbl.gc;
  if (!exemptFromGc) {
    const entries = g.gcList.size;
    if (entries >= g.gcThresh3 || (entries >= g.gcThresh2 && now > g.lastFlush + 5 * USEC_PER_SEC)) {
      if (!neighForcedGc(tbl as unknown as AnyTable, entries + 1) && entries >= g.gcThresh3) {
        neighOverflowMessage(tbl as unknown as AnyTable);
        tbl.stats.tableFulls++;
        return undefined;
      }
    }
  }
  const n = new Neighbour<K>(tbl, dev, key, neighParmsOf(tbl as unknown as AnyTable, dev));
  n.updated = now;
  n.used = now;
  tbl.ops.constructor(n);
  /* the hash is taken after the constructor (which may rewrite the key): an entry with the
   * final key that already exists is the one returned */
  if (n.key !== key) {
    const same = hashGet(tbl, dev, n.key);
    if (same) return same;
  }
  // neigh_alloc(): confirmed = jiffies - (BASE_REACHABLE_TIME << 1)
  n.confirmed = now - (n.parms.baseReachableTime << 1);
  tbl.stats.allocs++;
  hashAdd(tbl, n);
  if (!exemptFromGc) g.gcList.add(n as unknown as AnyNeigh);
  g.entries++;
  // ___neigh_create(): more entries than buckets grows the hash
  if (g.entries > 1 << g.hashShift) {
    g.hashShift++;
    tbl.stats.hashGrows++;
  }
  neighArmPeriodic(g, tbl as unknown as AnyTable);
  return n;
}

/** net/core/neighbour.c: neigh_update_gc_list(): permanent (or externally learned) entries are not collected */
function neighUpdateGcList(n: AnyNeigh): void {
  const g = n.tbl.gc;
  const exempt = (n.nudState & NUD_PERMANENT) !== 0 || (n.flags & NTF_EXT_LEARNED) !== 0;
  if (exempt) g.gcList.delete(n);
  else if (!g.gcList.has(n)) g.gcList.add(n);
}

/** net/core/neighbour.c: neigh_del(): unhash and mark dead */
function neighDel(n: AnyNeigh): void {
  if (n.dead) return;
  const g = n.tbl.gc;
  g.gcList.delete(n);
  g.entries--;
  hashDel(n);
  n.timerCancel();
  n.dead = true;
  neighPurgeQueue(n, "SKB_DROP_REASON_NEIGH_DEAD");
  n.tbl.stats.destroys++;
}

/** net/core/neighbour.c: neigh_remove_one(): unhash an entry now (arp -d, ip neigh del) */
export function neighRemoveOne(n: AnyNeigh): void {
  if (!n.dead) neighDel(n);
}

function neighPurgeQueue(n: AnyNeigh, reason: string): void {
  const q = n.arpQueue;
  n.arpQueueLen = 0;
  // (an entry that never queued, as every group's, keeps its empty queue)
  if (q.length === 0) return;
  n.arpQueue = [];
  n.arpQueueLen = 0;
  for (const skb of q) kfreeSkbReason(skb, reason, "neigh_purge");
}

/** SKB_TRUESIZE() of a queued packet: what unres_qlen_bytes counts */
function skbTruesize(skb: SkBuff): number {
  return ((skb.len + 63) & ~63) + 576;
}

/** net/core/neighbour.c: neigh_max_probes() */
function neighMaxProbes(n: AnyNeigh): number {
  const p = n.parms;
  return p.ucastProbes + p.appProbes + (n.nudState & NUD_PROBE ? p.mcastReprobes : p.mcastProbes);
}

/** net/core/neighbour.c: neigh_probe() */
function neighProbe(n: AnyNeigh): void {
  const skb = n.arpQueue.length ? n.arpQueue[n.arpQueue.length - 1] : undefined;
  n.tbl.ops.solicit(n, skb);
  n.probes++;
}

/** net/core/neighbour.c: neigh_invalidate(): resolution failed, report the queued packets */
function neighInvalidate(n: AnyNeigh): void {
  n.tbl.stats.resFailed++;
  while (n.nudState === NUD_FAILED && n.arpQueue.length) {
    const skb = n.arpQueue.shift()!;
    n.arpQueueLen -= skbTruesize(skb);
    n.tbl.ops.errorReport(n, skb);
    kfreeSkbReason(skb, "SKB_DROP_REASON_NEIGH_FAILED", "neigh_invalidate");
  }
  n.arpQueue = [];
  n.arpQueueLen = 0;
}

const retrans = (n: AnyNeigh): number => Math.max(n.parms.retransTime, USEC_PER_SEC / 100);

/** net/core/neighbour.c: neigh_timer_handler() */
function neighTimerHandler(n: AnyNeigh): void {
  const now = netSched(n.net).now;
  let state = n.nudState;
  let next = now + USEC_PER_SEC;
  let notify = false;
  if (!(state & NUD_IN_TIMER)) return;
  if (state & NUD_REACHABLE) {
    const rt = reachableTime(n);
    if (now <= n.confirmed + rt) {
      next = n.confirmed + rt;
    } else if (now <= n.used + n.parms.delayProbeTime) {
      n.nudState = NUD_DELAY;
      n.updated = now;
      next = now + n.parms.delayProbeTime;
    } else {
      n.nudState = NUD_STALE;
      n.updated = now;
      notify = true;
    }
  } else if (state & NUD_DELAY) {
    if (now <= n.confirmed + n.parms.delayProbeTime) {
      n.nudState = NUD_REACHABLE;
      n.updated = now;
      notify = true;
      next = n.confirmed + reachableTime(n);
    } else {
      n.nudState = NUD_PROBE;
      n.updated = now;
      n.probes = 0;
      notify = true;
      next = now + retrans(n);
    }
  } else {
    next = now + retrans(n);
  }
  state = n.nudState;
  if (state & (NUD_INCOMPLETE | NUD_PROBE) && n.probes >= neighMaxProbes(n)) {
    n.nudState = NUD_FAILED;
    n.updated = now;
    notify = true;
    neighInvalidate(n);
    if (notify) neighNotify(n, "RTM_NEWNEIGH");
    return;
  }
  if (n.nudState & NUD_IN_TIMER) n.timerMod(next < now + USEC_PER_SEC / 2 / HZ ? now + USEC_PER_SEC / 2 / HZ : next);
  if (n.nudState & (NUD_INCOMPLETE | NUD_PROBE)) neighProbe(n);
  if (notify) neighNotify(n, "RTM_NEWNEIGH");
}

/**
 * net/core/neighbour.c: __neigh_event_send(): start or continue resolution for an outgoing
 * packet. Returns 0 when the entry can be used now, 1 when the skb was queued (or dropped).
 */
export function neighEventSend(n: AnyNeigh, skb: SkBuff | undefined): number {
  const now = netSched(n.net).now;
  n.used = now;
  if (n.nudState & (NUD_CONNECTED | NUD_DELAY | NUD_PROBE)) return 0;
  if (n.dead) {
    if (skb) kfreeSkbReason(skb, "SKB_DROP_REASON_NEIGH_DEAD", "__neigh_event_send");
    return 1;
  }
  let immediateProbe = false;
  if (!(n.nudState & (NUD_STALE | NUD_INCOMPLETE))) {
    if (n.parms.mcastProbes + n.parms.appProbes) {
      n.probes = n.parms.ucastProbes;
      n.timerCancel();
      n.nudState = NUD_INCOMPLETE;
      n.updated = now;
      immediateProbe = true;
      n.timerMod(now + retrans(n));
    } else {
      n.nudState = NUD_FAILED;
      n.updated = now;
      if (skb) kfreeSkbReason(skb, "SKB_DROP_REASON_NEIGH_FAILED", "__neigh_event_send");
      return 1;
    }
  } else if (n.nudState & NUD_STALE) {
    n.timerCancel();
    n.nudState = NUD_DELAY;
    n.updated = now;
    n.timerMod(now + n.parms.delayProbeTime);
  }
  if (n.nudState === NUD_INCOMPLETE) {
    if (skb) {
      const ts = skbTruesize(skb);
      while (n.arpQueueLen + ts > n.parms.queueLenBytes) {
        const old = n.arpQueue.shift();
        if (!old) break;
        n.arpQueueLen -= skbTruesize(old);
        n.tbl.stats.unresDiscards++;
        kfreeSkbReason(old, "SKB_DROP_REASON_NEIGH_QUEUEFULL", "__neigh_event_send");
      }
      n.arpQueue.push(skb);
      n.arpQueueLen += ts;
    }
    if (immediateProbe) neighProbe(n);
    return 1;
  }
  return 0;
}

/** net/core/neighbour.c: neigh_resolve_output() / neigh_connected_output() / neigh_hh_output() */
export function neighOutput(n: AnyNeigh, skb: SkBuff): number {
  if (!(n.nudState & NUD_CONNECTED) && neighEventSend(n, skb)) return 0;
  devHardHeader(skb, n.dev, skb.protocol || 0x0800, n.ha);
  skb.dev = n.dev;
  return devQueueXmit(skb);
}

/**
 * net/core/neighbour.c: __neigh_update(). `lladdr` undefined keeps the current address.
 * Returns 0 or a negative errno.
 */
export function neighUpdate(n: AnyNeigh, lladdr: Uint8Array | undefined, newState: number, flags: number): number {
  const now = netSched(n.net).now;
  const old = n.nudState;
  let notify = false;
  let updateIsrouter = flags & NEIGH_UPDATE_F_OVERRIDE_ISROUTER ? 1 : 0;
  if (!(flags & NEIGH_UPDATE_F_ADMIN) && old & (NUD_NOARP | NUD_PERMANENT)) return 0;
  if (n.dead) return -22;

  if (!(newState & NUD_VALID)) {
    n.timerCancel();
    n.nudState = newState;
    notify = (old & NUD_VALID) !== 0;
    if (old & (NUD_INCOMPLETE | NUD_PROBE) && newState & NUD_FAILED) {
      neighInvalidate(n);
      notify = true;
    }
    if (newState !== old) n.updated = now;
    if ((newState ^ old) & NUD_PERMANENT) neighUpdateGcList(n);
    if (notify) neighNotify(n, "RTM_NEWNEIGH");
    return 0;
  }

  let ll: Uint8Array;
  let sameAddr: boolean;
  if (!n.dev.addrLen) {
    ll = n.ha;
    sameAddr = true;
  } else if (lladdr) {
    sameAddr = (old & NUD_VALID) !== 0 && macEq(lladdr, n.ha);
    ll = sameAddr ? n.ha : lladdr;
  } else {
    if (!(old & NUD_VALID)) return -22;
    ll = n.ha;
    sameAddr = true;
  }
  if (newState & NUD_CONNECTED) n.confirmed = now;

  if (old & NUD_VALID) {
    if (!sameAddr && !(flags & NEIGH_UPDATE_F_OVERRIDE)) {
      updateIsrouter = 0;
      if (flags & NEIGH_UPDATE_F_WEAK_OVERRIDE && old & NUD_CONNECTED) {
        ll = n.ha;
        sameAddr = true;
        newState = NUD_STALE;
      } else {
        return 0;
      }
    } else if (sameAddr && newState === NUD_STALE && !(flags & NEIGH_UPDATE_F_ADMIN)) {
      newState = old;
    }
  }
  if (newState !== old || !sameAddr) n.updated = now;
  if (newState !== old) {
    n.timerCancel();
    if (newState & NUD_PROBE) n.probes = 0;
    if (newState & NUD_IN_TIMER) n.timerMod(now + (newState & NUD_REACHABLE ? reachableTime(n) : 0));
    n.nudState = newState;
    notify = true;
  }
  if (!sameAddr) {
    n.ha.set(ll.subarray(0, 6));
    if (!(newState & NUD_CONNECTED)) n.confirmed = now - (n.parms.baseReachableTime << 1);
    notify = true;
  }
  if (newState !== old && !(old & NUD_VALID)) {
    // resolved: send what waited (neigh->output for each queued skb)
    const q = n.arpQueue;
    n.arpQueue = [];
    n.arpQueueLen = 0;
    for (const skb of q) {
      devHardHeader(skb, n.dev, skb.protocol || 0x0800, n.ha);
      skb.dev = n.dev;
      devQueueXmit(skb);
    }
  }
  if ((newState ^ old) & NUD_PERMANENT) neighUpdateGcList(n);
  if (updateIsrouter) {
    const r = flags & NEIGH_UPDATE_F_ISROUTER ? NTF_ROUTER : 0;
    if ((n.flags & NTF_ROUTER) !== r) {
      n.flags = (n.flags & ~NTF_ROUTER) | r;
      notify = true;
    }
  }
  if (notify) neighNotify(n, "RTM_NEWNEIGH");
  return 0;
}

function macEq(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** net/core/neighbour.c: neigh_event_ns(): the peer told us its address (ARP request seen);
 * nothing when the table is full */
export function neighEventNs<K extends NeighKey>(tbl: NeighTable<K>, lladdr: Uint8Array, key: K, dev: NetDevice): Neighbour<K> | undefined {
  const n = neighCreate(tbl, key, dev);
  if (n) neighUpdate(n as unknown as AnyNeigh, lladdr, NUD_STALE, NEIGH_UPDATE_F_OVERRIDE);
  return n;
}

/**
 * net/core/neighbour.c: neigh_flush_dev(): the entries of `dev` (every device's when
 * undefined), permanent ones too unless `skipPerm`, each unhashed and announced with
 * RTM_DELNEIGH (neigh_cleanup_and_release()). Linux walks the device's own list, where new
 * entries go first: the newest goes first.
 */
function neighFlushDev(tbl: AnyTable, dev: NetDevice | undefined, skipPerm: boolean): void {
  const gone = [...tbl.hash.values()].filter((n) => (!dev || n.dev === dev) && !(skipPerm && n.nudState & NUD_PERMANENT));
  for (let i = gone.length - 1; i >= 0; i--) {
    const n = gone[i]!;
    neighDel(n);
    neighNotify(n, "RTM_DELNEIGH");
  }
}

/** net/core/neighbour.c: neigh_ifdown(): a device went down/away — its entries and, unless
 * `skipPerm`, its proxy entries */
export function neighIfdown(tbl: AnyTable, dev: NetDevice | undefined, skipPerm: boolean): void {
  neighFlushDev(tbl, dev, skipPerm);
  if (!skipPerm) {
    for (let i = tbl.phash.length - 1; i >= 0; i--) {
      const p = tbl.phash[i]!;
      if (dev && p.dev !== dev) continue;
      tbl.phash.splice(i, 1);
      tbl.ops.pdestructor?.(p);
    }
  }
}

/** net/core/neighbour.c: neigh_changeaddr(): the device's address (or NOARP) changed:
 * neigh_flush_dev(tbl, dev, false) — permanent entries go too; proxy entries stay */
export function neighChangeaddr(tbl: AnyTable, dev: NetDevice): void {
  neighFlushDev(tbl, dev, false);
}

/** net/core/neighbour.c: neigh_carrier_down(): __neigh_ifdown(tbl, dev, true) — what is not
 * permanent (pneigh_ifdown skips permanent proxy entries, which `ip neigh add proxy` makes) */
export function neighCarrierDown(tbl: AnyTable, dev: NetDevice): void {
  neighIfdown(tbl, dev, true);
}

/** net/core/neighbour.c: pneigh_lookup() */
export function pneighLookup<K extends NeighKey>(tbl: NeighTable<K>, key: K, dev: NetDevice | undefined): PneighEntry<K> | undefined {
  for (const p of tbl.phash) if (p.key === key && (p.dev === dev || p.dev === undefined)) return p;
  return undefined;
}

// --------------------------------------------------------------------------- notifications

export type NeighListener = (type: "RTM_NEWNEIGH" | "RTM_DELNEIGH", msg: NeighMsg, net: Net) => void;
const listeners: NeighListener[] = [];

/** subscribe to neighbour events (`ip monitor neigh`); the rtnetlink part may register here */
export function registerNeighListener(fn: NeighListener): void {
  listeners.push(fn);
}

/** net/core/neighbour.c: __neigh_notify() — to RTNLGRP_NEIGH (and in-kernel subscribers) */
function neighNotify(n: AnyNeigh, type: "RTM_NEWNEIGH" | "RTM_DELNEIGH"): void {
  const heard = rtnlHasListeners(n.net, RTNLGRP_NEIGH);
  if (!listeners.length && !heard) return;
  const msg = neighFillInfo(n, type);
  for (const l of listeners) l(type, msg, n.net);
  if (heard) rtnlNotify(n.net, RTNLGRP_NEIGH, msg);
}

// --------------------------------------------------------------------------- netlink

const toClock = (us: number): number => Math.floor(us / (USEC_PER_SEC / 100));

/** net/core/neighbour.c: neigh_fill_info() */
export function neighFillInfo(n: AnyNeigh, type: "RTM_NEWNEIGH" | "RTM_DELNEIGH" = "RTM_NEWNEIGH"): NeighMsg {
  const now = netSched(n.net).now;
  const valid = (n.nudState & NUD_VALID) !== 0;
  return {
    type,
    flags: {},
    ndm: { family: n.tbl.family, ifindex: n.dev.ifindex, state: n.nudState, flags: n.flags, type: n.type },
    attrs: {
      NDA_DST: n.tbl.ops.keyToBytes(n.key),
      NDA_LLADDR: valid ? n.ha.slice(0, n.dev.addrLen || 6) : undefined,
      NDA_PROBES: n.probes,
      NDA_CACHEINFO: {
        ndm_confirmed: toClock(now - n.confirmed),
        ndm_used: toClock(now - n.used),
        ndm_updated: toClock(now - n.updated),
        ndm_refcnt: n.timerPending ? 1 : 0,
      },
      NDA_PROTOCOL: n.protocol || undefined,
    },
  };
}

/** net/core/neighbour.c: pneigh_fill_info() */
export function pneighFillInfo(tbl: AnyTable, p: PneighEntry<NeighKey>): NeighMsg {
  return {
    type: "RTM_NEWNEIGH",
    flags: {},
    ndm: { family: tbl.family, ifindex: p.dev ? p.dev.ifindex : 0, state: NUD_NONE, flags: p.flags | NTF_PROXY, type: 0 },
    attrs: { NDA_DST: tbl.ops.keyToBytes(p.key), NDA_PROTOCOL: p.protocol || undefined },
  };
}

function ack(e?: KErr): NlAck {
  return e ? { ok: false, ...e } : { ok: true };
}

function devOf(net: Net, ifindex: number): NetDevice | undefined {
  return net.devByIndex.get(ifindex);
}

/** net/core/neighbour.c: neigh_add() (RTM_NEWNEIGH) */
export function neighAdd(tbl: AnyTable, req: NeighMsg): NlAck {
  const { ndm, attrs } = req;
  const net = tbl.net;
  let dev: NetDevice | undefined;
  if (!attrs.NDA_DST) return ack(kerr("EINVAL", "Network address not specified"));
  if (ndm.ifindex) {
    dev = devOf(net, ndm.ifindex);
    if (!dev) return ack(kerr("ENODEV"));
    if (attrs.NDA_LLADDR && attrs.NDA_LLADDR.length < dev.addrLen) return ack(kerr("EINVAL", "Invalid link address"));
  }
  if (attrs.NDA_DST.length < tbl.ops.keyLen) return ack(kerr("EINVAL", "Invalid network address"));
  const key = tbl.ops.keyFromBytes(attrs.NDA_DST);
  const proto = attrs.NDA_PROTOCOL ?? 0;
  if (ndm.flags & NTF_PROXY) {
    // pneigh_create(): an entry without a device answers for every device, so adding the
    // address on one finds it and makes no second (deleting matches the device exactly)
    let p = pneighLookup(tbl, key, dev);
    if (!p) {
      p = { key, dev, flags: 0, protocol: proto };
      // pneigh_create(): tbl->pconstructor() may refuse it (pndisc_constructor: no device)
      if (tbl.ops.pconstructor && !tbl.ops.pconstructor(p)) return ack(kerr("ENOBUFS"));
      tbl.phash.push(p);
    }
    p.flags = ndm.flags & NTF_ROUTER ? NTF_ROUTER : 0;
    if (proto) p.protocol = proto;
    return ack();
  }
  if (!dev) return ack(kerr("EINVAL", "Device not specified"));
  const refused = tbl.ops.allowAdd?.(dev);
  if (refused) return ack(refused);
  if (ndm.state & NUD_PERMANENT && tbl.ops.permanentRefused?.(key)) return ack(kerr("EINVAL", "Invalid state for multicast address"));
  let flags = NEIGH_UPDATE_F_ADMIN | NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_OVERRIDE_ISROUTER;
  let n = neighLookup(tbl, key, dev);
  let created = false;
  if (!n) {
    if (!req.flags.create) return ack(kerr("ENOENT"));
    // neigh_add(): a permanent (or externally learned) entry is exempt from the collector
    n = neighCreate(tbl, key, dev, (ndm.state & NUD_PERMANENT) !== 0);
    if (!n) return ack(kerr("ENOBUFS"));
    created = true;
  } else {
    if (req.flags.excl) return ack(kerr("EEXIST"));
    if (!req.flags.replace) flags &= ~(NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_OVERRIDE_ISROUTER);
  }
  if (proto) n.protocol = proto;
  if (ndm.flags & NTF_ROUTER) flags |= NEIGH_UPDATE_F_ISROUTER;
  if (ndm.flags & NTF_USE) {
    neighEventSend(n, undefined);
    return ack();
  }
  if (!attrs.NDA_LLADDR && dev.addrLen && !(n.nudState & NUD_VALID) && ndm.state & NUD_VALID) {
    // __neigh_update(): "No link layer address given"; the entry neigh_add() just made stays
    // (NUD_NONE, hidden from `ip neigh` until the collector takes it): a second add is EEXIST
    return ack(kerr("EINVAL", "No link layer address given"));
  }
  const err = neighUpdate(n, attrs.NDA_LLADDR, ndm.state, flags);
  return err ? ack(kerr("EINVAL")) : ack();
}

/** net/core/neighbour.c: neigh_delete() (RTM_DELNEIGH) */
export function neighDelete(tbl: AnyTable, req: NeighMsg): NlAck {
  const { ndm, attrs } = req;
  const net = tbl.net;
  if (!attrs.NDA_DST) return ack(kerr("EINVAL", "Network address not specified"));
  let dev: NetDevice | undefined;
  if (ndm.ifindex) {
    dev = devOf(net, ndm.ifindex);
    if (!dev) return ack(kerr("ENODEV"));
  }
  const key = tbl.ops.keyFromBytes(attrs.NDA_DST);
  if (ndm.flags & NTF_PROXY) {
    const i = tbl.phash.findIndex((p) => p.key === key && p.dev === dev);
    if (i < 0) return ack(kerr("ENOENT"));
    const [gone] = tbl.phash.splice(i, 1);
    tbl.ops.pdestructor?.(gone!);
    return ack();
  }
  if (!dev) return ack(kerr("EINVAL"));
  const n = neighLookup(tbl, key, dev);
  if (!n) return ack(kerr("ENOENT"));
  neighUpdate(n, undefined, NUD_FAILED, NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_ADMIN);
  neighNotify(n, "RTM_DELNEIGH");
  neighDel(n);
  return ack();
}

/** net/core/neighbour.c: neigh_dump_table() + pneigh_dump_table() (NTF_PROXY in the request) */
export function neighDump(tbl: AnyTable, req: NeighMsg | undefined): NeighMsg[] {
  const out: NeighMsg[] = [];
  if (req && req.ndm.flags & NTF_PROXY) {
    for (const p of tbl.phash) if (!req.ndm.ifindex || p.dev?.ifindex === req.ndm.ifindex) out.push(pneighFillInfo(tbl, p));
    return out;
  }
  const ifindex = req?.ndm.ifindex ?? 0;
  const master = req?.attrs.NDA_MASTER;
  for (const n of tbl.hash.values()) {
    if (ifindex && n.dev.ifindex !== ifindex) continue;
    if (master !== undefined && n.dev.master?.ifindex !== master) continue;
    out.push(neighFillInfo(n));
  }
  return out;
}

/** net/core/neighbour.c: neigh_get() (RTM_GETNEIGH of one entry) */
export function neighGet(tbl: AnyTable, req: NeighMsg): { ack: NlAck; answer?: NeighMsg } {
  const { ndm, attrs } = req;
  if (!attrs.NDA_DST) return { ack: ack(kerr("EINVAL", "Network address not specified")) };
  const key = tbl.ops.keyFromBytes(attrs.NDA_DST);
  let dev: NetDevice | undefined;
  if (ndm.ifindex) {
    dev = devOf(tbl.net, ndm.ifindex);
    if (!dev) return { ack: ack(kerr("ENODEV", "Unknown device ifindex")) };
  }
  if (ndm.flags & NTF_PROXY) {
    const p = pneighLookup(tbl, key, dev);
    if (!p) return { ack: ack(kerr("ENOENT", "Proxy neighbour entry not found")) };
    return { ack: ack(), answer: pneighFillInfo(tbl, p) };
  }
  if (!dev) return { ack: ack(kerr("EINVAL", "No device specified")) };
  const n = neighLookup(tbl, key, dev);
  if (!n) return { ack: ack(kerr("ENOENT", "Neighbour entry not found")) };
  return { ack: ack(), answer: neighFillInfo(n) };
}

/** a device is usable for ARP output */
export function neighDevUp(dev: NetDevice): boolean {
  return (dev.flags & IFF_UP) !== 0;
}

// --------------------------------------------------------------------------- neighbour tables

/** a jiffy (HZ=250, this kernel's), in µs: the unit the kernel keeps every neigh_parms time in */
const JIFFY = USEC_PER_SEC / HZ;
const MSEC_PER_JIFFY = 1000 / HZ;

/** SKB_TRUESIZE(ETH_FRAME_LEN) on 6.18: the packet the deprecated unres_qlen (NDTPA_QUEUE_LEN)
 * counts in, against unres_qlen_bytes (212992 bytes are 101 packets) */
export const NEIGH_QUEUE_LEN_UNIT = 2090;

/** what neigh_tables[] holds, in its order: tbl->family, tbl->id, key_len, entry_size (the
 * sizeof(struct neighbour) + key of this kernel's build, as NDTA_CONFIG reports it) */
const NEIGH_TABLES: readonly { family: number; id: string; keyLen: number; entrySize: number }[] = [
  { family: AF_INET, id: "arp_cache", keyLen: 4, entrySize: 336 },
  { family: AF_INET6, id: "ndisc_cache", keyLen: 16, entrySize: 344 },
];
type NeighTableInfo = (typeof NEIGH_TABLES)[number];

/** the makers of the tables made on first use (nd_tbl: ndisc.ts registers it) */
const tableMakers = new Map<number, (net: Net) => AnyTable>();

/** a family's table made on demand for its namespace (ndisc.ts: ndTable) */
export function registerNeighTableMaker(family: number, make: (net: Net) => AnyTable): void {
  tableMakers.set(family, make);
}

/** the namespace's table of `family`; nd_tbl's is made on first use */
export function neighTableOf(net: Net, family: number): AnyTable | undefined {
  const t = netTables.get(net)?.get(family);
  if (t) return t;
  return tableMakers.get(family)?.(net);
}

/**
 * A device's parms in a table, if the device has that family's per-device state (in_device,
 * inet6_dev), which is what holds them in the kernel.
 */
function neighDevParms(tbl: AnyTable, dev: NetDevice): NeighParms | undefined {
  if (tbl.family === AF_INET) return dev.ipPtr ? neighParmsOf(tbl, dev) : undefined;
  // the inet6_dev's nd_parms (ipv6_add_dev(): neigh_parms_alloc(dev, &nd_tbl)), drawn its
  // reachable_time when first used
  const idev = dev.ip6Ptr as { ndParms?: NeighParms } | undefined;
  const p = idev && typeof idev === "object" ? idev.ndParms : undefined;
  return p;
}

/**
 * tbl->parms_list as the namespace sees it: neigh_parms_alloc() puts a device's parms right
 * after the table's, so the newest device comes first. The devices come in the order their
 * ARP parms were made (at NETDEV_REGISTER, again after a move to another namespace), the ones
 * without any at the end in ifindex order; both families' parms are made at registration.
 */
function neighParmsList(tbl: AnyTable, net: Net): NeighParms[] {
  const arp = netTables.get(net)?.get(AF_INET);
  const known = arp ? [...arp.devParms.keys()].filter((d) => net.devByIndex.get(d.ifindex) === d) : [];
  const seen = new Set(known);
  const order = [...known, ...net.devices().filter((d) => !seen.has(d))].reverse();
  const out: NeighParms[] = [];
  for (const dev of order) {
    const p = neighDevParms(tbl, dev);
    if (p) out.push(p);
  }
  return out;
}

/**
 * net/core/neighbour.c: lookup_neigh_parms(). The table's own parms (ifindex 0) belong to
 * init_net, which no emulated namespace is: every host of a lab is a namespace of the machine
 * (its neigh/default sysctls do not exist either).
 */
function lookupNeighParms(tbl: AnyTable, net: Net, ifindex: number): NeighParms | undefined {
  if (!ifindex) return neighNetIsInitNet(net) ? tbl.parms : undefined;
  const dev = net.devByIndex.get(ifindex);
  return dev ? neighDevParms(tbl, dev) : undefined;
}

/** net_eq(net, &init_net): never for an emulated namespace (see lookupNeighParms) */
function neighNetIsInitNet(_net: Net): boolean {
  return false;
}

/** jiffies_to_msecs() of a stored time, as the u32 nla_put_msecs() carries */
function neighMsecs(us: number): number {
  return (Math.ceil(us / JIFFY) * MSEC_PER_JIFFY) >>> 0;
}

/** nla_get_msecs(): the u64 is cut to the unsigned int msecs_to_jiffies() takes, which rounds
 * up to a jiffy; past INT_MAX it is MAX_JIFFY_OFFSET, which the int of NEIGH_VAR_SET() holds
 * as -2. The result in µs. */
function nlaGetMsecs(v: number | bigint): number {
  const m = Number(BigInt.asUintN(32, BigInt(v)));
  const j = m >= 0x80000000 ? -2 : Math.ceil(m / MSEC_PER_JIFFY);
  return j * JIFFY;
}

/** NEIGH_VAR_SET() of a u32 attribute: the parms' ints */
const s32 = (v: number): number => v | 0;

/** net/core/neighbour.c: neightbl_fill_parms() */
function neightblFillParms(p: NeighParms, refcnt: number): NdtpaAttrs {
  const qbytes = p.queueLenBytes | 0;
  // QUEUE_LEN_BYTES / SKB_TRUESIZE(): an int divided by a size_t, put as a u32
  const qlen = qbytes >= 0
    ? Math.floor(qbytes / NEIGH_QUEUE_LEN_UNIT)
    : Number(BigInt.asUintN(32, BigInt.asUintN(64, BigInt(qbytes)) / BigInt(NEIGH_QUEUE_LEN_UNIT)));
  const a: NdtpaAttrs = {};
  if (p.dev) a.NDTPA_IFINDEX = p.dev.ifindex;
  a.NDTPA_REFCNT = refcnt;
  a.NDTPA_QUEUE_LENBYTES = qbytes >>> 0;
  a.NDTPA_QUEUE_LEN = qlen;
  a.NDTPA_PROXY_QLEN = p.proxyQlen >>> 0;
  a.NDTPA_APP_PROBES = p.appProbes >>> 0;
  a.NDTPA_UCAST_PROBES = p.ucastProbes >>> 0;
  a.NDTPA_MCAST_PROBES = p.mcastProbes >>> 0;
  a.NDTPA_MCAST_REPROBES = p.mcastReprobes >>> 0;
  a.NDTPA_REACHABLE_TIME = neighMsecs(p.reachableTime);
  a.NDTPA_BASE_REACHABLE_TIME = neighMsecs(p.baseReachableTime);
  a.NDTPA_GC_STALETIME = neighMsecs(p.gcStaleTime);
  a.NDTPA_DELAY_PROBE_TIME = neighMsecs(p.delayProbeTime);
  a.NDTPA_RETRANS_TIME = neighMsecs(p.retransTime);
  a.NDTPA_ANYCAST_DELAY = neighMsecs(p.anycastDelay);
  a.NDTPA_PROXY_DELAY = neighMsecs(p.proxyDelay);
  a.NDTPA_LOCKTIME = neighMsecs(p.locktime);
  a.NDTPA_INTERVAL_PROBE_TIME_MS = neighMsecs(p.intervalProbeTimeMs);
  return a;
}

/** parms->refcnt: the table's or device's own reference and one per entry using them */
function neighParmsRefcnt(tbl: AnyTable): Map<NeighParms, number> {
  const m = new Map<NeighParms, number>();
  for (const n of tbl.hash) m.set(n.parms, (m.get(n.parms) ?? 0) + 1);
  return m;
}

/** nht->hash_rnd[0]: drawn once at boot; here a fixed value per table (nothing depends on it) */
function neighHashRnd(family: number): number {
  let h = Math.imul(family ^ 0x6a09e667, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/** net/core/neighbour.c: neightbl_fill_info(): the table, its global part and its own parms */
function neightblFillInfo(tbl: AnyTable, info: NeighTableInfo, refs: Map<NeighParms, number>): NeightblMsg {
  const g = tbl.gc;
  const now = netSched(tbl.net).now;
  const ago = (t: number): number => neighMsecs(Math.max(Math.floor((now - t) / JIFFY), 1) * JIFFY);
  /* tbl->stats are per cpu and per kernel: every namespace's traffic counts */
  const st: NdtStats = {
    ndts_allocs: 0, ndts_destroys: 0, ndts_hash_grows: 0, ndts_res_failed: 0, ndts_lookups: 0, ndts_hits: 0,
    ndts_rcv_probes_mcast: 0, ndts_rcv_probes_ucast: 0, ndts_periodic_gc_runs: 0, ndts_forced_gc_runs: 0, ndts_table_fulls: 0,
  };
  for (const t of g.tables) {
    const s = t.stats;
    st.ndts_allocs += s.allocs;
    st.ndts_destroys += s.destroys;
    st.ndts_hash_grows += s.hashGrows;
    st.ndts_res_failed += s.resFailed;
    st.ndts_lookups += s.lookups;
    st.ndts_hits += s.hits;
    st.ndts_periodic_gc_runs += s.periodicGcRuns;
    st.ndts_forced_gc_runs += s.forcedGcRuns;
    st.ndts_table_fulls += s.tableFulls;
    st.ndts_rcv_probes_mcast += s.rcvProbesMcast;
    st.ndts_rcv_probes_ucast += s.rcvProbesUcast;
  }
  return {
    type: "RTM_NEWNEIGHTBL",
    flags: {},
    ndtm: { family: info.family },
    attrs: {
      NDTA_NAME: info.id,
      NDTA_GC_INTERVAL: neighMsecs(g.gcInterval),
      NDTA_THRESH1: g.gcThresh1 >>> 0,
      NDTA_THRESH2: g.gcThresh2 >>> 0,
      NDTA_THRESH3: g.gcThresh3 >>> 0,
      NDTA_CONFIG: {
        ndtc_key_len: info.keyLen,
        ndtc_entry_size: info.entrySize,
        ndtc_entries: g.entries,
        ndtc_last_flush: ago(g.lastFlush),
        ndtc_last_rand: ago(tbl.parms.reachableDrawn),
        ndtc_hash_rnd: neighHashRnd(info.family),
        ndtc_hash_mask: (1 << g.hashShift) - 1,
        ndtc_hash_chain_gc: 0,
        ndtc_proxy_qlen: 0,
      },
      NDTA_STATS: st,
      NDTA_PARMS: neightblFillParms(tbl.parms, 1 + (refs.get(tbl.parms) ?? 0)),
    },
  };
}

/** net/core/neighbour.c: neightbl_fill_param_info(): one device's parms */
function neightblFillParamInfo(info: NeighTableInfo, p: NeighParms, refcnt: number): NeightblMsg {
  return {
    type: "RTM_NEWNEIGHTBL",
    flags: {},
    ndtm: { family: info.family },
    attrs: { NDTA_NAME: info.id, NDTA_PARMS: neightblFillParms(p, refcnt) },
  };
}

/** net/core/neighbour.c: neightbl_dump_info() (RTM_GETNEIGHTBL): each table of the asked
 * family, then the parms of each of the namespace's devices */
export function neightblDumpInfo(net: Net, req: NeightblMsg): NeightblMsg[] {
  const family = req.ndtm.family;
  const out: NeightblMsg[] = [];
  for (const info of NEIGH_TABLES) {
    if (family && info.family !== family) continue;
    const tbl = neighTableOf(net, info.family);
    if (!tbl) continue;
    const refs = neighParmsRefcnt(tbl);
    parmsReachableTime(net, tbl.parms);
    out.push(neightblFillInfo(tbl, info, refs));
    const list = neighParmsList(tbl, net);
    for (const p of list) parmsReachableTime(net, p);
    for (const p of list) out.push(neightblFillParamInfo(info, p, 1 + (refs.get(p) ?? 0)));
  }
  return out;
}

/** net/core/neighbour.c: neightbl_set() (RTM_SETNEIGHTBL): a device's parms first, then the
 * table's thresholds (init_net's only: ENOENT, after the parms were changed) */
export function neightblSet(net: Net, req: NeightblMsg): KErr | undefined {
  const a = req.attrs;
  if (a.NDTA_NAME === undefined) return kerr("EINVAL");
  const info = NEIGH_TABLES.find((t) => !(req.ndtm.family && t.family !== req.ndtm.family) && t.id === a.NDTA_NAME);
  if (!info) return kerr("ENOENT");
  const tbl = neighTableOf(net, info.family);
  if (!tbl) return kerr("ENOENT");
  const tp = a.NDTA_PARMS;
  if (tp) {
    const p = lookupNeighParms(tbl, net, tp.NDTPA_IFINDEX ?? 0);
    if (!p) return kerr("ENOENT");
    // in NDTPA_* order (QUEUE_LENBYTES after QUEUE_LEN wins)
    if (tp.NDTPA_BASE_REACHABLE_TIME !== undefined) {
      p.baseReachableTime = nlaGetMsecs(tp.NDTPA_BASE_REACHABLE_TIME);
      // the new base takes effect now, not at the next periodic redraw
      p.reachablePending = false;
      p.reachableTime = neighRandReachTime(net, p.baseReachableTime);
    }
    if (tp.NDTPA_RETRANS_TIME !== undefined) p.retransTime = nlaGetMsecs(tp.NDTPA_RETRANS_TIME);
    if (tp.NDTPA_GC_STALETIME !== undefined) p.gcStaleTime = nlaGetMsecs(tp.NDTPA_GC_STALETIME);
    if (tp.NDTPA_DELAY_PROBE_TIME !== undefined) p.delayProbeTime = nlaGetMsecs(tp.NDTPA_DELAY_PROBE_TIME);
    if (tp.NDTPA_QUEUE_LEN !== undefined) {
      p.queueLenBytes = Number(BigInt.asIntN(32, BigInt(tp.NDTPA_QUEUE_LEN >>> 0) * BigInt(NEIGH_QUEUE_LEN_UNIT)));
    }
    if (tp.NDTPA_APP_PROBES !== undefined) p.appProbes = s32(tp.NDTPA_APP_PROBES);
    if (tp.NDTPA_UCAST_PROBES !== undefined) p.ucastProbes = s32(tp.NDTPA_UCAST_PROBES);
    if (tp.NDTPA_MCAST_PROBES !== undefined) p.mcastProbes = s32(tp.NDTPA_MCAST_PROBES);
    if (tp.NDTPA_ANYCAST_DELAY !== undefined) p.anycastDelay = nlaGetMsecs(tp.NDTPA_ANYCAST_DELAY);
    if (tp.NDTPA_PROXY_DELAY !== undefined) p.proxyDelay = nlaGetMsecs(tp.NDTPA_PROXY_DELAY);
    if (tp.NDTPA_PROXY_QLEN !== undefined) p.proxyQlen = s32(tp.NDTPA_PROXY_QLEN);
    if (tp.NDTPA_LOCKTIME !== undefined) p.locktime = nlaGetMsecs(tp.NDTPA_LOCKTIME);
    if (tp.NDTPA_QUEUE_LENBYTES !== undefined) p.queueLenBytes = s32(tp.NDTPA_QUEUE_LENBYTES);
    if (tp.NDTPA_MCAST_REPROBES !== undefined) p.mcastReprobes = s32(tp.NDTPA_MCAST_REPROBES);
    if (tp.NDTPA_INTERVAL_PROBE_TIME_MS !== undefined) p.intervalProbeTimeMs = nlaGetMsecs(tp.NDTPA_INTERVAL_PROBE_TIME_MS);
  }
  const gcAttrs = a.NDTA_THRESH1 !== undefined || a.NDTA_THRESH2 !== undefined || a.NDTA_THRESH3 !== undefined || a.NDTA_GC_INTERVAL !== undefined;
  if (gcAttrs && !neighNetIsInitNet(net)) return kerr("ENOENT");
  const g = tbl.gc;
  if (a.NDTA_THRESH1 !== undefined) g.gcThresh1 = s32(a.NDTA_THRESH1);
  if (a.NDTA_THRESH2 !== undefined) g.gcThresh2 = s32(a.NDTA_THRESH2);
  if (a.NDTA_THRESH3 !== undefined) g.gcThresh3 = s32(a.NDTA_THRESH3);
  if (a.NDTA_GC_INTERVAL !== undefined) g.gcInterval = nlaGetMsecs(a.NDTA_GC_INTERVAL);
  return undefined;
}

export { AF_INET, MS };

// ------------------------------------------------------------------ sysctls

const HZ_USER = 100;

/** net/core/neighbour.c: neigh_sysctl_register() — the entries of net/ipv4/neigh/DEV and
 * net/ipv6/neigh/DEV (the default table, with gc_interval and gc_thresh1..3, is init_net's
 * only) */
export function neighSysctlTable(net: Net, p: NeighParms): CtlTable[] {
  // neigh_proc_base_reachable_time(): a new base draws a new reachable_time at once
  const setBase = (us: number): void => {
    p.baseReachableTime = us;
    p.reachablePending = false;
    p.reachableTime = neighRandReachTime(net, us);
  };
  const secs = (name: string, get: () => number, set: (us: number) => void): CtlTable =>
    procDointvecMinmax(name, () => Math.floor(get() / USEC_PER_SEC), (v) => set(v * USEC_PER_SEC), { min: 0 });
  const userHz = (name: string, get: () => number, set: (us: number) => void): CtlTable =>
    procDointvecMinmax(name, () => Math.floor(get() / (USEC_PER_SEC / HZ_USER)), (v) => set(v * (USEC_PER_SEC / HZ_USER)), { min: 0 });
  const ms = (name: string, get: () => number, set: (us: number) => void): CtlTable =>
    procDointvecMinmax(name, () => Math.floor(get() / 1000), (v) => set(v * 1000), { min: 0 });
  const t: CtlTable[] = [
    userHz("anycast_delay", () => p.anycastDelay, (v) => void (p.anycastDelay = v)),
    procDointvecMinmax("app_solicit", () => p.appProbes, (v) => void (p.appProbes = v), { min: 0 }),
    secs("base_reachable_time", () => p.baseReachableTime, setBase),
    ms("base_reachable_time_ms", () => p.baseReachableTime, setBase),
    secs("delay_first_probe_time", () => p.delayProbeTime, (v) => void (p.delayProbeTime = v)),
    secs("gc_stale_time", () => p.gcStaleTime, (v) => void (p.gcStaleTime = v)),
    ms("interval_probe_time_ms", () => p.intervalProbeTimeMs, (v) => void (p.intervalProbeTimeMs = v)),
    userHz("locktime", () => p.locktime, (v) => void (p.locktime = v)),
    procDointvecMinmax("mcast_resolicit", () => p.mcastReprobes, (v) => void (p.mcastReprobes = v), { min: 0 }),
    procDointvecMinmax("mcast_solicit", () => p.mcastProbes, (v) => void (p.mcastProbes = v), { min: 0 }),
    userHz("proxy_delay", () => p.proxyDelay, (v) => void (p.proxyDelay = v)),
    procDointvecMinmax("proxy_qlen", () => p.proxyQlen, (v) => void (p.proxyQlen = v), { min: 0 }),
    userHz("retrans_time", () => p.retransTime, (v) => void (p.retransTime = v)),
    ms("retrans_time_ms", () => p.retransTime, (v) => void (p.retransTime = v)),
    procDointvecMinmax("ucast_solicit", () => p.ucastProbes, (v) => void (p.ucastProbes = v), { min: 0 }),
    // unres_qlen is unres_qlen_bytes / SKB_TRUESIZE(ETH_FRAME_LEN)
    procDointvecMinmax("unres_qlen", () => Math.floor(p.queueLenBytes / NEIGH_QUEUE_LEN_UNIT) || 0, (v) => void (p.queueLenBytes = v * NEIGH_QUEUE_LEN_UNIT), { min: 0 }),
    procDointvecMinmax("unres_qlen_bytes", () => p.queueLenBytes, (v) => void (p.queueLenBytes = v), { min: 0 }),
  ];
  return t.sort((a, b) => (a.procname < b.procname ? -1 : 1));
}
