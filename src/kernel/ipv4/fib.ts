/**
 * net/ipv4/fib_trie.c (tables, longest-prefix match, insert/delete/dump/flush, /proc/net/route)
 * + the lookup entry points of include/net/ip_fib.h (fib_lookup through the rules).
 *
 * A table keeps one Map per prefix length (key = the masked prefix) and the list of prefix
 * lengths in use, longest first: a lookup probes at most 33 maps. Within one prefix the
 * aliases (struct fib_alias) are ordered as fib_trie orders them: dscp descending, then
 * priority ascending, then insertion (append/prepend) order.
 */
import type { NetDevice } from "../core/netdevice.ts";
import { NetGeneric, registerPernetOps, type Net } from "../core/net_namespace.ts";
import { kerr, isKErr, type KErr, type Errno } from "../uapi/errno.ts";
import {
  RT_TABLE_MAIN, RT_TABLE_LOCAL, RT_TABLE_DEFAULT, RTN_UNICAST, RTN_BROADCAST, RTN_MULTICAST, RTN_UNREACHABLE,
  RTN_PROHIBIT, RTN_BLACKHOLE, RTNH_F_DEAD, RTNH_F_LINKDOWN, RT_SCOPE_UNIVERSE,
} from "../uapi/rtnetlink.ts";
import { inetMakeMask } from "./devinet.ts";
import {
  fibProps, fibInfoEqual, ipIgnoreLinkdown, fibCreateInfo, fibNhMatch, fibMetricsMatch, fibDumpInfo, fibResultPrefsrc,
  type FibInfo, type FibNh, type FibConfig,
} from "./fib_semantics.ts";
import { fibRulesLookup, fib4RulesInit, fibHasCustomRules, fibRulesInit } from "./fib_rules.ts";
import { fibFrontendInit } from "./fib_frontend.ts";
import { nexthopInit } from "./nexthop.ts";
import { rtnlHasListeners, rtnlNotify } from "../core/rtnl_notify.ts";
import { RTNLGRP_IPV4_ROUTE, type RtaMetrics } from "../uapi/rtnetlink.ts";

/** struct fib_alias */
export interface FibAlias {
  faInfo: FibInfo;
  faDscp: number;
  faType: number;
  faSlen: number;
  tbId: number;
  key: number;
  plen: number;
  /** the lookup results through each next hop (fibTableLookup()), made at the first */
  results: FibResult[] | undefined;
}

/** the most leaves a table keeps in its flat list (FibTable.flatKeys) */
const FLAT_MAX = 16;

/** struct fib_table (with its trie) */
export class FibTable {
  readonly id: number;
  /** byLen[plen]: key -> aliases, keyed by the key as a signed 32-bit integer (`key | 0`):
   * V8 keeps those as small integers, where an address over 127.255.255.255 as an unsigned
   * number is a heap number, allocated and hashed on every lookup */
  readonly byLen: (Map<number, FibAlias[]> | undefined)[] = new Array(33);
  /** prefix lengths in use, longest first */
  lens: number[] = [];
  /**
   * A small table's leaves in one flat list, longest prefix first: key, plen, key, plen, …
   * with their alias lists in flatLeaves; undefined past FLAT_MAX leaves. A lookup in a table
   * of a handful of routes (every namespace's local and main) reads one array instead of a Map
   * per prefix length, each of them a cache miss with hundreds of namespaces.
   */
  flatKeys: number[] | undefined = [];
  flatLeaves: FibAlias[][] = [];
  private leafCount = 0;
  constructor(id: number) {
    this.id = id;
  }

  aliases(): FibAlias[] {
    const out: FibAlias[] = [];
    for (const m of this.byLen) if (m) for (const l of m.values()) out.push(...l);
    return out;
  }

  private leaf(plen: number, key: number, create: boolean): FibAlias[] | undefined {
    let m = this.byLen[plen];
    if (!m) {
      if (!create) return undefined;
      m = this.byLen[plen] = new Map();
      // (slice(): an array of its size; the filtered one keeps room for 17, in every table)
      this.lens = this.byLen.map((x, i) => (x ? i : -1)).filter((i) => i >= 0).sort((a, b) => b - a).slice();
    }
    let l = m.get(key | 0);
    if (!l && create) {
      l = [];
      m.set(key | 0, l);
      this.leafCount++;
      this.reflat();
    }
    return l;
  }

  private reflat(): void {
    if (this.leafCount > FLAT_MAX) {
      this.flatKeys = undefined;
      this.flatLeaves = [];
      return;
    }
    const keys: number[] = [];
    const leaves: FibAlias[][] = [];
    for (const plen of this.lens) {
      // (forEach: no [key, leaf] pair made per entry, as for…of over the Map makes)
      this.byLen[plen]!.forEach((l, key) => {
        keys.push(key, plen);
        leaves.push(l);
      });
    }
    // (copies of their size, at most 2 × FLAT_MAX: the pushed-to arrays keep room for 17 or
    // more, and every namespace has a local and a main table)
    this.flatKeys = keys.slice();
    this.flatLeaves = leaves.slice();
  }

  /** the leaf's alias list for key/plen */
  find(key: number, plen: number): FibAlias[] | undefined {
    return this.leaf(plen, key, false);
  }

  getOrCreate(key: number, plen: number): FibAlias[] {
    return this.leaf(plen, key, true)!;
  }

  remove(fa: FibAlias): void {
    const m = this.byLen[fa.plen];
    const l = m?.get(fa.key | 0);
    if (!m || !l) return;
    const i = l.indexOf(fa);
    if (i >= 0) l.splice(i, 1);
    if (l.length) return;
    m.delete(fa.key | 0);
    if (!m.size) {
      this.byLen[fa.plen] = undefined;
      this.lens = this.lens.filter((x) => x !== fa.plen);
    }
    this.leafCount--;
    this.reflat();
  }
}

interface FibNet {
  tables: Map<number, FibTable>;
  /** net->ipv4.fib_main, fib_default and the local table once made (the lookup without custom
   * rules reads them without a Map) */
  local: FibTable | undefined;
  main: FibTable | undefined;
  dflt: FibTable | undefined;
  /** fib_has_custom_local_routes */
  customLocalRoutes: boolean;
}

const pernet = new NetGeneric<FibNet>();

export function fibNet(net: Net): FibNet {
  let s = pernet.get(net);
  if (!s) {
    s = { tables: new Map(), local: undefined, main: undefined, dflt: undefined, customLocalRoutes: false };
    pernet.set(net, s);
  }
  return s;
}

/** net/ipv4/fib_frontend.c: fib_get_table() */
export function fibGetTable(net: Net, id: number): FibTable | undefined {
  return fibNet(net).tables.get(id === 0 ? RT_TABLE_MAIN : id);
}

/** net/ipv4/fib_frontend.c: fib_new_table() */
export function fibNewTable(net: Net, id: number): FibTable {
  if (id === 0) id = RT_TABLE_MAIN;
  const s = fibNet(net);
  let tb = s.tables.get(id);
  if (!tb) {
    tb = new FibTable(id);
    s.tables.set(id, tb);
    if (id === RT_TABLE_LOCAL) s.local = tb;
    else if (id === RT_TABLE_MAIN) s.main = tb;
    else if (id === RT_TABLE_DEFAULT) s.dflt = tb;
  }
  return tb;
}

/** fib_empty_table(): the first unused id from RT_TABLE_MIN (for rules without a table) */
export function fibEmptyTable(net: Net): FibTable | undefined {
  for (let id = 1; id <= RT_TABLE_LOCAL; id++) if (!fibGetTable(net, id)) return fibNewTable(net, id);
  return undefined;
}

/** every table in fib_table_hash order (id & 255 bucket, newest first within a bucket) */
export function fibTablesInDumpOrder(net: Net): FibTable[] {
  const all = [...fibNet(net).tables.values()];
  const order = new Map(all.map((t, i) => [t, i]));
  return all.sort((a, b) => (a.id & 255) - (b.id & 255) || order.get(b)! - order.get(a)!);
}

/** all fib_info of a namespace with next hops of their own (the fib_info_devhash walk of
 * fib_sync_*: a route through a nexthop object is not in it, the object's own notifier acts) */
export function fibAllInfos(net: Net): FibInfo[] {
  // (the leaves read in place, in aliases()' order: every device event of a namespace asks,
  // and a copy of each table's aliases per event was most of its garbage)
  const out: FibInfo[] = [];
  const add = (l: FibAlias[]): void => {
    for (let i = 0; i < l.length; i++) {
      const fi = l[i]!.faInfo;
      if (fi.nh === undefined) out.push(fi);
    }
  };
  for (const tb of fibNet(net).tables.values()) {
    const byLen = tb.byLen;
    for (let plen = 0; plen < byLen.length; plen++) byLen[plen]?.forEach(add);
  }
  return out;
}

// ---------------------------------------------------------------------------- lookups

/** struct flowi4, as far as routing reads it */
export interface Flowi4 {
  daddr: number;
  saddr?: number;
  oif?: number;
  iif?: number;
  tos?: number;
  mark?: number;
  scope?: number;
  uid?: number;
  proto?: number;
  /** fl4_sport / fl4_dport (fib rule port ranges) */
  sport?: number;
  dport?: number;
  anysrc?: boolean;
}

/** FIB_LOOKUP_* flags */
export const FIB_LOOKUP_NOREF = 1;
export const FIB_LOOKUP_IGNORE_LINKSTATE = 2;

/** struct fib_result, flattened (res->fi and res->nhc are kept for callers that need more) */
export interface FibResult {
  readonly type: number;
  readonly table: number;
  readonly prefix: number;
  readonly prefixlen: number;
  readonly scope: number;
  /** the next hop gateway, 0 if none */
  readonly nhGw: number;
  readonly nhDev: NetDevice | undefined;
  readonly nhScope: number;
  readonly nhFlags: number;
  /** FIB_RES_PREFSRC(): the route's src or the address inet_select_addr() picks */
  readonly prefsrc: number;
  readonly priority: number;
  readonly tos: number;
  /** the route's metrics (fib_info's fib_metrics, which the dst takes: dst_init_metrics()) */
  readonly metrics: RtaMetrics;
  readonly fi: FibInfo;
  readonly nh: FibNh;
}

/**
 * a fib_result: the alias's and its info's fields, the next hop read through (as Linux's
 * res->nhc: the flags, device and scope are the next hop's now), prefsrc computed on demand
 * (FIB_RES_PREFSRC)
 */
class FibResultImpl implements FibResult {
  readonly type: number;
  readonly table: number;
  readonly prefix: number;
  readonly prefixlen: number;
  readonly scope: number;
  readonly priority: number;
  readonly tos: number;
  readonly metrics: RtaMetrics;
  readonly fi: FibInfo;
  readonly nh: FibNh;
  constructor(tb: FibTable, fa: FibAlias, nh: FibNh) {
    const fi = fa.faInfo;
    this.type = fa.faType;
    this.table = tb.id;
    this.prefix = fa.key;
    this.prefixlen = fa.plen;
    this.scope = fi.fibScope;
    this.priority = fi.fibPriority;
    this.tos = fa.faDscp;
    this.metrics = fi.metrics;
    this.fi = fi;
    this.nh = nh;
  }
  get nhGw(): number {
    return this.nh.nhGw4;
  }
  get nhDev(): NetDevice | undefined {
    return this.nh.nhDev;
  }
  get nhScope(): number {
    return this.nh.nhScope;
  }
  get nhFlags(): number {
    return this.nh.nhFlags;
  }
  get prefsrc(): number {
    return fibResultPrefsrc(this.fi, this.nh);
  }
}

/** is a lookup's answer a result (not an errno)? (instanceof: one prototype check, where
 * isKErr()'s `in` on the many shapes of both is a megamorphic lookup) */
export function isFibResult(r: FibResult | KErr): r is FibResult {
  return r instanceof FibResultImpl;
}

/** the result of an alias through its i-th next hop: made once and kept on the alias (nothing
 * in it changes but what it reads through), where Linux fills one on the stack per lookup */
function makeResult(tb: FibTable, fa: FibAlias, nh: FibNh, i: number): FibResult {
  const c = (fa.results ??= []);
  const r = c[i];
  if (r !== undefined && r.nh === nh) return r;
  return (c[i] = new FibResultImpl(tb, fa, nh));
}

/** the lookup misses are common (local table first): one shared, frozen error each */
const E_AGAIN: KErr = Object.freeze({ errno: "EAGAIN" }) as KErr;
const E_NETUNREACH: KErr = Object.freeze({ errno: "ENETUNREACH" }) as KErr;
const MASKS: number[] = Array.from({ length: 33 }, (_, i) => inetMakeMask(i) | 0);

/** net/ipv4/fib_trie.c: fib_table_lookup() — a result, a reject type's errno, or EAGAIN
 * when nothing matched */
export function fibTableLookup(tb: FibTable, fl: Flowi4, flags = 0): FibResult | KErr {
  const daddr = fl.daddr | 0;
  const fk = tb.flatKeys;
  if (fk !== undefined) {
    for (let i = 0; i < fk.length; i += 2) {
      if ((daddr & MASKS[fk[i + 1]!]!) !== fk[i]) continue;
      const r = fibLeafLookup(tb, tb.flatLeaves[i >> 1]!, fl, flags);
      if (r !== undefined) return r;
    }
    return E_AGAIN;
  }
  for (const plen of tb.lens) {
    const l = tb.byLen[plen]?.get(daddr & MASKS[plen]!);
    if (!l) continue;
    const r = fibLeafLookup(tb, l, fl, flags);
    if (r !== undefined) return r;
  }
  return E_AGAIN;
}

/** the next leaf of a flat list from `i` on (an even index) that `daddr` matches, or -1 */
function flatNextMatch(fk: number[], i: number, daddr: number): number {
  for (; i < fk.length; i += 2) if ((daddr & MASKS[fk[i + 1]!]!) === fk[i]) return i;
  return -1;
}

/**
 * fib_table_lookup() in main while there are no custom rules: fib_new_table() then makes the
 * local table an alias of main's trie, so one walk sees the routes of both and the longest
 * prefix of either wins (a main route to 127.0.0.5/32 beats local's 127.0.0.0/8); within one
 * leaf the local table's aliases come first (fib_find_alias() orders them by tb_id, highest
 * first). Each result is still the one its own table gives (its table id: route.ts's
 * rt_table shows such a local route as main's, as Linux does).
 */
export function fibMergedLookup(local: FibTable, main: FibTable, fl: Flowi4, flags = 0): FibResult | KErr {
  const daddr = fl.daddr | 0;
  const lk = local.flatKeys;
  const mk = main.flatKeys;
  if (lk !== undefined && mk !== undefined) {
    let a = flatNextMatch(lk, 0, daddr);
    let b = flatNextMatch(mk, 0, daddr);
    while (a >= 0 || b >= 0) {
      let r: FibResult | KErr | undefined;
      if (a >= 0 && (b < 0 || lk[a + 1]! >= mk[b + 1]!)) {
        r = fibLeafLookup(local, local.flatLeaves[a >> 1]!, fl, flags);
        a = flatNextMatch(lk, a + 2, daddr);
      } else {
        r = fibLeafLookup(main, main.flatLeaves[b >> 1]!, fl, flags);
        b = flatNextMatch(mk, b + 2, daddr);
      }
      if (r !== undefined) return r;
    }
    return E_AGAIN;
  }
  // prefix lengths of both, longest first (a length in both: local's leaf, then main's)
  let i = 0;
  let j = 0;
  while (i < local.lens.length || j < main.lens.length) {
    const pl = i < local.lens.length ? local.lens[i]! : -1;
    const pm = j < main.lens.length ? main.lens[j]! : -1;
    const plen = Math.max(pl, pm);
    if (pl === plen) {
      i++;
      const l = local.byLen[plen]?.get(daddr & MASKS[plen]!);
      const r = l && fibLeafLookup(local, l, fl, flags);
      if (r !== undefined) return r;
    }
    if (pm === plen) {
      j++;
      const l = main.byLen[plen]?.get(daddr & MASKS[plen]!);
      const r = l && fibLeafLookup(main, l, fl, flags);
      if (r !== undefined) return r;
    }
  }
  return E_AGAIN;
}

/** fib_table_lookup()'s walk of the aliases of the leaf that matched: a result, a reject
 * type's errno, or undefined to go on to a shorter prefix */
function fibLeafLookup(tb: FibTable, l: FibAlias[], fl: Flowi4, flags: number): FibResult | KErr | undefined {
  const fscope = fl.scope ?? RT_SCOPE_UNIVERSE;
  const tos = fl.tos ?? 0;
  for (const fa of l) {
    const fi = fa.faInfo;
    if (fa.faDscp && fa.faDscp !== (tos & 0xfc)) continue;
    if (fi.fibDead) continue;
    if (fi.fibScope < fscope) continue;
    const err = fibProps[fa.faType]!.error;
    if (err) return kerr(err);
    if (fi.fibFlags & RTNH_F_DEAD) continue;
    if (fi.nh !== undefined && fi.nh.isBlackhole()) return kerr(fibProps[RTN_BLACKHOLE]!.error!);
    const nhs = fi.fibNh;
    for (let i = 0; i < nhs.length; i++) {
      const nh = nhs[i]!;
      if (nh.nhFlags & RTNH_F_DEAD) continue;
      if (nh.nhFlags & RTNH_F_LINKDOWN && !(flags & FIB_LOOKUP_IGNORE_LINKSTATE) && ipIgnoreLinkdown(nh.nhDev)) continue;
      if (fl.oif && fl.oif !== nh.nhOif && fl.oif !== (nh.nhDev?.ifindex ?? -1)) continue;
      return makeResult(tb, fa, nh, i);
    }
  }
  return undefined;
}

/** include/net/ip_fib.h: fib_lookup() / net/ipv4/fib_rules.c: __fib_lookup() — the rules,
 * then the tables they point to. ESRCH (no rule decided) becomes ENETUNREACH. */
export function fibLookup(net: Net, fl: Flowi4, flags = 0): FibResult | KErr {
  if (!fibHasCustomRules(net)) {
    // fib_lookup() without custom rules: main (local merged into it), then default
    const s = fibNet(net);
    const { local, main } = s;
    let r: FibResult | KErr = E_AGAIN;
    if (local && main) r = fibMergedLookup(local, main, fl, flags);
    else if (local ?? main) r = fibTableLookup((local ?? main)!, fl, flags);
    if (r !== E_AGAIN) return r; // (the lookups' only EAGAIN is this one)
    if (s.dflt) r = fibTableLookup(s.dflt, fl, flags);
    return r === E_AGAIN ? E_NETUNREACH : r;
  }
  const r = fibRulesLookup(net, fl, flags);
  if (isKErr(r) && (r.errno === "ESRCH" || r.errno === "EAGAIN")) return E_NETUNREACH;
  return r;
}

/** used by fib_rules: look one table up */
export function fibTableLookupById(net: Net, id: number, fl: Flowi4, flags: number): FibResult | KErr {
  const tb = fibGetTable(net, id);
  if (!tb) return E_AGAIN;
  return fibTableLookup(tb, fl, flags);
}

// ------------------------------------------------------------------------- modification

/** net/ipv4/fib_trie.c: fib_valid_key_len() */
export function fibValidKeyLen(key: number, plen: number): KErr | undefined {
  if (plen > 32) return kerr("EINVAL", "Invalid prefix length");
  if (plen < 32 && plen > 0 && (key << plen) >>> 0 !== 0) return kerr("EINVAL", "Invalid prefix for given prefix length");
  if (plen === 0 && key !== 0) return kerr("EINVAL", "Invalid prefix for given prefix length");
  return undefined;
}

/** net/ipv4/fib_trie.c: fib_find_alias() within one leaf of one slen: the index of the first
 * alias with the same dscp and priority >= prio, or of the first with a lower dscp */
function fibFindAlias(l: FibAlias[], dscp: number, prio: number): number {
  for (let i = 0; i < l.length; i++) {
    const fa = l[i]!;
    if (fa.faDscp > dscp) continue;
    if (fa.faInfo.fibPriority >= prio || fa.faDscp < dscp) return i;
  }
  return -1;
}

/** net/ipv4/fib_trie.c: fib_table_insert() */
export function fibTableInsert(net: Net, tb: FibTable, cfg: FibConfig): KErr | undefined {
  const key = cfg.dst >>> 0;
  const plen = cfg.dstLen;
  const e = fibValidKeyLen(key, plen);
  if (e) return e;
  const fi = fibCreateInfo(net, cfg);
  if (isKErr(fi)) return fi;
  const dscp = cfg.dscp;
  const l = tb.find(key, plen);
  let idx = l ? fibFindAlias(l, dscp, fi.fibPriority) : -1;
  let fa = idx >= 0 ? l![idx] : undefined;
  if (fa && fa.faDscp === dscp && fa.faInfo.fibPriority === fi.fibPriority) {
    if (cfg.nlflags.excl) return kerr("EEXIST");
    const first = idx;
    let match = -1;
    let i = idx;
    for (; i < l!.length; i++) {
      const f = l![i]!;
      if (f.faDscp !== dscp || f.faInfo.fibPriority !== fi.fibPriority) break;
      if (f.faType === cfg.type && fibInfoEqual(f.faInfo, fi)) {
        match = i;
        break;
      }
    }
    if (cfg.nlflags.replace) {
      if (match >= 0) return undefined;
      const nfa: FibAlias = { faInfo: fi, faDscp: l![first]!.faDscp, faType: cfg.type, faSlen: 32 - plen, tbId: tb.id, key, plen, results: undefined };
      l![first] = nfa;
      if (tb.id === RT_TABLE_LOCAL && cfg.protocol !== 2) fibNet(net).customLocalRoutes = true;
      rtmsgFib(net, "RTM_NEWROUTE", nfa);
      return undefined;
    }
    if (match >= 0) return kerr("EEXIST");
    if (cfg.nlflags.append) {
      // insert before the first alias after the (dscp, priority) group
      idx = i;
      while (idx < l!.length && l![idx]!.faDscp === dscp && l![idx]!.faInfo.fibPriority === fi.fibPriority) idx++;
    } else idx = first;
  }
  if (!cfg.nlflags.create) return kerr("ENOENT");
  const nfa: FibAlias = { faInfo: fi, faDscp: dscp, faType: cfg.type, faSlen: 32 - plen, tbId: tb.id, key, plen, results: undefined };
  const list = tb.getOrCreate(key, plen);
  if (idx >= 0 && idx <= list.length) list.splice(idx, 0, nfa);
  else list.push(nfa);
  if (tb.id === RT_TABLE_LOCAL && cfg.protocol !== 2) fibNet(net).customLocalRoutes = true;
  fa = nfa;
  void fa;
  rtmsgFib(net, "RTM_NEWROUTE", nfa);
  return undefined;
}

/** net/ipv4/fib_semantics.c: rtmsg_fib() — the route's message to RTNLGRP_IPV4_ROUTE (a
 * device's routes flushed by fib_table_flush() are not announced, as in Linux) */
function rtmsgFib(net: Net, event: "RTM_NEWROUTE" | "RTM_DELROUTE", fa: FibAlias): void {
  if (!rtnlHasListeners(net, RTNLGRP_IPV4_ROUTE)) return;
  const m = fibDumpInfo(event, fa.tbId, fa.faType, fa.key, fa.plen, fa.faDscp, fa.faInfo);
  rtnlNotify(net, RTNLGRP_IPV4_ROUTE, m);
}

/** net/ipv4/fib_trie.c: fib_table_delete() */
export function fibTableDelete(net: Net, tb: FibTable, cfg: FibConfig): KErr | undefined {
  const key = cfg.dst >>> 0;
  const plen = cfg.dstLen;
  const e = fibValidKeyLen(key, plen);
  if (e) return e;
  const l = tb.find(key, plen);
  if (!l) return kerr("ESRCH");
  const idx = fibFindAlias(l, cfg.dscp, 0);
  if (idx < 0) return kerr("ESRCH");
  for (let i = idx; i < l.length; i++) {
    const fa = l[i]!;
    const fi = fa.faInfo;
    if (fa.faDscp !== cfg.dscp) break;
    if ((!cfg.type || fa.faType === cfg.type) &&
      (cfg.scope === 255 || fi.fibScope === cfg.scope) &&
      (!cfg.prefsrc || fi.fibPrefsrc === cfg.prefsrc) &&
      (!cfg.protocol || fi.fibProtocol === cfg.protocol) &&
      fibNhMatch(cfg, fi) && fibMetricsMatch(cfg, fi)) {
      rtmsgFib(net, "RTM_DELROUTE", fa);
      tb.remove(fa);
      return undefined;
    }
  }
  return kerr("ESRCH");
}

/** net/ipv4/fib_trie.c: fib_table_flush() — drop aliases whose fib_info died */
export function fibTableFlush(tb: FibTable, flushAll = false): number {
  let found = 0;
  for (const fa of tb.aliases()) {
    if (flushAll || fa.faInfo.fibFlags & RTNH_F_DEAD) {
      tb.remove(fa);
      found++;
    }
  }
  return found;
}

/** net/ipv4/fib_frontend.c: fib_flush() */
export function fibFlush(net: Net): void {
  let flushed = 0;
  for (const tb of fibNet(net).tables.values()) flushed += fibTableFlush(tb);
  if (flushed) routeFlushHooks.forEach((fn) => fn(net));
}

const routeFlushHooks: ((net: Net) => void)[] = [];
/** rt_cache_flush() callers: the route cache (K2) registers here too */
export function onFibFlush(fn: (net: Net) => void): void {
  routeFlushHooks.push(fn);
}

/** the aliases of a table in fib_trie dump order: key ascending, then the leaf's list, which
 * fib_insert_alias() keeps by fa_slen ascending (the longer prefix first), then list order */
export function fibTableAliasesInOrder(tb: FibTable): FibAlias[] {
  const keys: [number, number, FibAlias[]][] = [];
  for (let plen = 0; plen <= 32; plen++) {
    const m = tb.byLen[plen];
    if (!m) continue;
    for (const [key, l] of m) keys.push([key >>> 0, plen, l]);
  }
  keys.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: FibAlias[] = [];
  for (const [, , l] of keys) out.push(...l);
  return out;
}

/** net/ipv4/fib_trie.c: fib_table_dump() */
export function fibTableDump(tb: FibTable, filter: { oif?: number; type?: number; protocol?: number; scope?: number } = {}) {
  const out = [];
  for (const fa of fibTableAliasesInOrder(tb)) {
    if (filter.type && fa.faType !== filter.type) continue;
    if (filter.protocol && fa.faInfo.fibProtocol !== filter.protocol) continue;
    if (filter.oif && !fa.faInfo.fibNh.some((nh) => nh.nhDev?.ifindex === filter.oif)) continue;
    out.push(fibDumpInfo("RTM_NEWROUTE", tb.id, fa.faType, fa.key, fa.plen, fa.faDscp, fa.faInfo));
  }
  return out;
}

// ------------------------------------------------------------------------ /proc/net/route

/** net/ipv4/fib_trie.c: fib_flag_trans() */
function fibFlagTrans(type: number, mask: number, fi: FibInfo | undefined): number {
  let flags = type === RTN_UNREACHABLE || type === RTN_PROHIBIT ? 0x0200 /* RTF_REJECT */ : 0;
  if (fi && fi.fibNh[0]?.nhGw4) flags |= 0x0002; // RTF_GATEWAY
  if (mask >>> 0 === 0xffffffff) flags |= 0x0004; // RTF_HOST
  flags |= 0x0001; // RTF_UP
  return flags;
}

/** __be32 printed with %08X on a little-endian machine */
function be32hex(a: number): string {
  const le = (((a & 0xff) << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24)) >>> 0;
  return le.toString(16).toUpperCase().padStart(8, "0");
}

/** net/ipv4/fib_trie.c: fib_route_seq_show() — /proc/net/route (table main only) */
export function procNetRoute(net: Net): string {
  const pad = (s: string) => s.padEnd(127, " ") + "\n";
  let out = pad("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
  const tb = fibGetTable(net, RT_TABLE_MAIN);
  if (!tb) return out;
  for (const fa of fibTableAliasesInOrder(tb)) {
    if (fa.faType === RTN_BROADCAST || fa.faType === RTN_MULTICAST) continue;
    const fi = fa.faInfo;
    const mask = inetMakeMask(fa.plen);
    const flags = fibFlagTrans(fa.faType, mask, fi);
    const nh = fi.fibNh[0];
    const advmss = fi.metrics.RTAX_ADVMSS ? fi.metrics.RTAX_ADVMSS + 40 : 0;
    out += pad([
      nh?.nhDev ? nh.nhDev.name : "*", be32hex(fa.key), be32hex(nh?.nhGw4 ?? 0), flags.toString(16).toUpperCase().padStart(4, "0"),
      "0", "0", String(fi.fibPriority), be32hex(mask), String(advmss), String(fi.metrics.RTAX_WINDOW ?? 0),
      String((fi.metrics.RTAX_RTT ?? 0) >>> 3),
    ].join("\t"));
  }
  return out;
}

// ------------------------------------------------------------------------------ pernet

function fibNetInit(net: Net): void {
  const s = fibNet(net);
  // fib4_rules_init(): local and main exist from the start; default only when used
  if (!s.tables.has(RT_TABLE_MAIN)) fibNewTable(net, RT_TABLE_MAIN);
  if (!s.tables.has(RT_TABLE_LOCAL)) fibNewTable(net, RT_TABLE_LOCAL);
  fib4RulesInit(net);
}

function fibNetExit(net: Net): void {
  pernet.delete(net);
}

let inited = false;
/** net/ipv4/fib_frontend.c: ip_fib_init() — tables, rules, the rtnetlink handlers, the
 * netdevice/inetaddr notifiers, SIOCADDRT/SIOCDELRT and /proc/net/route */
export function fibInit(): void {
  if (inited) return;
  inited = true;
  fibRulesInit();
  registerPernetOps({ init: fibNetInit, exit: fibNetExit });
  fibFrontendInit();
  /* net/ipv4/nexthop.c: nexthop_init() (a subsys_initcall of its own in Linux) */
  nexthopInit();
}

export { fibHasCustomRules, RT_TABLE_DEFAULT, RTN_UNICAST };
export type { Errno };
