/**
 * net/ipv4/nexthop.c: nexthop objects (`ip nexthop`): a next hop of its own (a gateway and/or a
 * device, a blackhole, an fdb nexthop) or a group of them (hash-threshold multipath, with
 * weights), kept per namespace by id. Routes point at one with RTA_NH_ID (fib_info.nh); the
 * FIB reads the object's current paths (fib_info_nhc()), so replacing a nexthop or a group
 * member changes every route through it at once.
 *
 * The kernel's life cycle is kept: deleting a nexthop kills the routes that use it and takes it
 * out of its groups (a group left empty goes too, and its routes with it); a device going down,
 * losing its carrier or going away removes the nexthops on it (blackholes stay unless their
 * device, lo, is unregistered). IPv4 only: an IPv6 nexthop is refused. Resilient groups are
 * refused once past the checks the kernel makes before creating one (their bucket tables and
 * timers are not modelled), so `ip nexthop bucket` only ever finds none.
 *
 * Path selection within a group: the kernel hashes the flow (fib_multipath_hash(), keyed with
 * a per-boot random seed) against each member's upper bound; the emulator takes the first
 * member that is alive and matches the flow's oif (what fib_table_lookup()'s
 * nexthop_get_nhc_lookup() returns), as it does for multipath routes.
 */
import type { NetDevice } from "../core/netdevice.ts";
import { NetGeneric, registerPernetOps, type Net } from "../core/net_namespace.ts";
import { registerNetdeviceNotifier, NETDEV_DOWN, NETDEV_UNREGISTER, NETDEV_CHANGE, NETDEV_CHANGEMTU, NOTIFY_DONE } from "../core/notifier.ts";
import { rtnlRegister } from "../core/rtnetlink.ts";
import { devGetFlags } from "../core/dev.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import {
  AF_INET, AF_INET6, AF_UNSPEC, RT_SCOPE_HOST, RT_SCOPE_LINK, RT_TABLE_MAIN, RTNH_F_DEAD, RTNH_F_ONLINK,
  NEXTHOP_GRP_TYPE_MPATH, NEXTHOP_GRP_TYPE_RES, NEXTHOP_GRP_TYPE_MAX,
  type NexthopMsg, type NhaAttrs, type NexthopGrp, type RtnlMsg,
} from "../uapi/rtnetlink.ts";
import { IFF_UP, IFF_RUNNING, IFF_LOWER_UP } from "../uapi/if.ts";
import { glue_devGetByIndex, glue_rtCacheFlush, ipv4FromBytes, ipv4ToBytes } from "./devinet.ts";
import { fibCheckNh, fibInfoUpdateNhSaddr, type FibInfo, type FibNh } from "./fib_semantics.ts";
import { fibFlush, fibNet } from "./fib.ts";

/** include/net/nexthop.h: NEXTHOP_VALID_USER_FLAGS */
const NEXTHOP_VALID_USER_FLAGS = RTNH_F_ONLINK;
const INT_MAX = 0x7fffffff;

/** struct nh_info: a single next hop (the fib_nh it resolves to) */
export interface NhInfo {
  family: number;
  /** reject_nh: a blackhole */
  reject: boolean;
  /** fdb_nh: for the bridge/vxlan fdb, never for routes */
  fdb: boolean;
  fibNh: FibNh;
}

/** struct nh_grp_entry */
export interface NhGrpEntry {
  nh: Nexthop;
  weight: number;
  /** hthr.upper_bound (nh_hthr_group_rebalance()) */
  upperBound: number;
  /** nh_parent: the group this entry belongs to */
  parent: Nexthop;
}

/** struct nh_group */
export interface NhGroup {
  entries: NhGrpEntry[];
  hashThreshold: boolean;
  resilient: boolean;
  isMultipath: boolean;
  fdb: boolean;
  hasV4: boolean;
}

/** struct nexthop */
export class Nexthop {
  id = 0;
  protocol = 0;
  nhFlags = 0;
  readonly net: Net;
  readonly isGroup: boolean;
  info: NhInfo | undefined;
  grp: NhGroup | undefined;
  /** grp_list: the entries of the groups this nexthop is a member of */
  grpList: NhGrpEntry[] = [];
  /**
   * the fib_nh of each path, in order (fib_info_nhc(fi, i) of a route through this nexthop):
   * a route's fib_info shares this very array as its fibNh, so it is updated in place
   */
  readonly paths: FibNh[] = [];
  constructor(net: Net, isGroup: boolean) {
    this.net = net;
    this.isGroup = isGroup;
  }

  /** include/net/nexthop.h: nexthop_is_blackhole() */
  isBlackhole(): boolean {
    let nh: Nexthop = this;
    if (nh.grp) {
      if (nh.grp.entries.length > 1) return false;
      nh = nh.grp.entries[0]!.nh;
    }
    return !!nh.info?.reject;
  }

  /** include/net/nexthop.h: nexthop_num_path() */
  numPath(): number {
    return this.grp && this.grp.isMultipath ? this.grp.entries.length : 1;
  }

  /** include/net/nexthop.h: nexthop_uses_dev() */
  usesDev(dev: NetDevice): boolean {
    return this.paths.some((nh) => nh.nhDev === dev);
  }
}

/** the group weights of a route's multipath dump (each entry's weight), or undefined */
export function nexthopPathWeights(nh: Nexthop): number[] | undefined {
  return nh.grp ? nh.grp.entries.map((e) => e.weight) : undefined;
}

/** refresh the paths of `nh` (in place) and of the groups it belongs to */
function nhUpdatePaths(nh: Nexthop): void {
  const p = nh.paths;
  p.length = 0;
  if (nh.grp) for (const e of nh.grp.entries) p.push(e.nh.info!.fibNh);
  else if (nh.info) p.push(nh.info.fibNh);
  for (const e of nh.grpList) nhUpdatePaths(e.parent);
}

// --------------------------------------------------------------------------- per netns

/** struct netns_nexthop */
interface NetnsNexthop {
  /** rb_root, keyed by id (walked in id order) */
  tree: Map<number, Nexthop>;
  lastIdAllocated: number;
  seq: number;
}

const pernet = new NetGeneric<NetnsNexthop>();

function nhNet(net: Net): NetnsNexthop {
  let s = pernet.get(net);
  if (!s) pernet.set(net, (s = { tree: new Map(), lastIdAllocated: 0, seq: 0 }));
  return s;
}

/** nexthop_find_by_id() */
export function nexthopFindById(net: Net, id: number): Nexthop | undefined {
  return pernet.get(net)?.tree.get(id >>> 0);
}

/** the nexthops in id order (rb_first() .. rb_next()) */
function nexthopsInOrder(net: Net): Nexthop[] {
  const t = pernet.get(net)?.tree;
  if (!t) return [];
  return [...t.values()].sort((a, b) => a.id - b.id);
}

/** nh_base_seq_inc() */
function nhBaseSeqInc(net: Net): void {
  const s = nhNet(net);
  s.seq = (s.seq + 1) >>> 0 || 1;
}

/** nh_find_unused_id(): 0 when every id is taken */
function nhFindUnusedId(net: Net): number {
  const s = nhNet(net);
  const start = s.lastIdAllocated;
  for (;;) {
    s.lastIdAllocated = (s.lastIdAllocated + 1) >>> 0;
    if (s.lastIdAllocated === start) break;
    if (s.lastIdAllocated && !s.tree.has(s.lastIdAllocated)) return s.lastIdAllocated;
  }
  return 0;
}

/** the routes' fib_info that use `nh` (nh->fi_list) */
function fibInfosOf(net: Net, nh: Nexthop): FibInfo[] {
  const out: FibInfo[] = [];
  for (const tb of fibNet(net).tables.values()) for (const fa of tb.aliases()) if (fa.faInfo.nh === nh && !out.includes(fa.faInfo)) out.push(fa.faInfo);
  return out;
}

// ------------------------------------------------------------------- fib_check_nexthop

/** nexthop_check_scope() */
function nexthopCheckScope(nhi: NhInfo, scope: number): KErr | undefined {
  if (scope === RT_SCOPE_HOST && nhi.fibNh.nhGwFamily) return kerr("EINVAL", "Route with host scope can not have a gateway");
  if (nhi.fibNh.nhFlags & RTNH_F_ONLINK && scope >= RT_SCOPE_LINK) return kerr("EINVAL", "Scope mismatch with nexthop");
  return undefined;
}

/** fib_check_nexthop(): is `nh` fit for a route of `scope`? (what fib_check_nh() does for a
 * route with its own next hops, the nexthop object did when it was made) */
export function fibCheckNexthop(nh: Nexthop, scope: number): KErr | undefined {
  if (nh.grp) {
    if (nh.grp.fdb) return kerr("EINVAL", "Route cannot point to a fdb nexthop");
    if (scope === RT_SCOPE_HOST) return kerr("EINVAL", "Route with host scope can not have multiple nexthops");
    /* all nexthops in a group have the same scope */
    return nexthopCheckScope(nh.grp.entries[0]!.nh.info!, scope);
  }
  if (nh.info!.fdb) return kerr("EINVAL", "Route cannot point to a fdb nexthop");
  return nexthopCheckScope(nh.info!, scope);
}

/** fib_check_nh_list() */
function fibCheckNhList(old: Nexthop, nw: Nexthop): KErr | undefined {
  for (const fi of fibInfosOf(old.net, old)) {
    const e = fibCheckNexthop(nw, fi.fibScope);
    if (e) return e;
  }
  return undefined;
}

// --------------------------------------------------------------------------- removal

/** remove_nh_grp_entry() */
function removeNhGrpEntry(net: Net, nhge: NhGrpEntry): void {
  const nhp = nhge.parent;
  const nhg = nhp.grp!;
  /* last entry, keep it visible and remove the parent */
  if (nhg.entries.length === 1) {
    removeNexthop(net, nhp);
    return;
  }
  nhg.entries = nhg.entries.filter((e) => e !== nhge);
  nhg.hasV4 = nhg.entries.some((e) => e.nh.info?.family === AF_INET);
  if (nhg.hashThreshold) nhHthrGroupRebalance(nhg);
  const l = nhge.nh.grpList;
  const i = l.indexOf(nhge);
  if (i >= 0) l.splice(i, 1);
  nhUpdatePaths(nhp);
}

/** remove_nexthop_from_groups() */
function removeNexthopFromGroups(net: Net, nh: Nexthop): void {
  for (const nhge of nh.grpList.slice()) removeNhGrpEntry(net, nhge);
}

/** remove_nexthop_group(): the members forget this group */
function removeNexthopGroup(nh: Nexthop): void {
  for (const nhge of nh.grp!.entries) {
    const l = nhge.nh.grpList;
    const i = l.indexOf(nhge);
    if (i >= 0) l.splice(i, 1);
  }
}

/** __remove_nexthop_fib(): the routes through it die (not called for a replace) */
function removeNexthopFib(net: Net, nh: Nexthop): void {
  let doFlush = false;
  for (const fi of fibInfosOf(net, nh)) {
    fi.fibFlags |= RTNH_F_DEAD;
    doFlush = true;
  }
  if (doFlush) fibFlush(net);
}

/** __remove_nexthop() */
function removeNexthopInner(net: Net, nh: Nexthop): void {
  removeNexthopFib(net, nh);
  if (nh.isGroup) removeNexthopGroup(nh);
  else removeNexthopFromGroups(net, nh);
}

/** remove_nexthop() */
function removeNexthop(net: Net, nh: Nexthop): void {
  const t = nhNet(net).tree;
  if (t.get(nh.id) !== nh) return;
  t.delete(nh.id);
  removeNexthopInner(net, nh);
  nhBaseSeqInc(net);
}

// ----------------------------------------------------------------------------- replace

/** nh_hthr_group_rebalance() */
function nhHthrGroupRebalance(nhg: NhGroup): void {
  let total = 0;
  for (const e of nhg.entries) total += e.weight;
  let w = 0;
  for (const e of nhg.entries) {
    w += e.weight;
    /* DIV_ROUND_CLOSEST_ULL((u64)w << 31, total) - 1 */
    e.upperBound = Math.floor((w * 2 ** 31 + total / 2) / total) - 1;
  }
}

/** replace_nexthop_grp() */
function replaceNexthopGrp(old: Nexthop, nw: Nexthop): KErr | undefined {
  if (!nw.isGroup) return kerr("EINVAL", "Can not replace a nexthop group with a nexthop.");
  const oldg = old.grp!;
  const newg = nw.grp!;
  if (newg.hashThreshold !== oldg.hashThreshold) return kerr("EINVAL", "Can not replace a nexthop group with one of a different type.");
  /* update parents - used by nexthop code for cleanup */
  for (const e of newg.entries) e.parent = old;
  old.grp = newg;
  for (const e of oldg.entries) e.parent = nw;
  nw.grp = oldg;
  return undefined;
}

/** replace_nexthop_single() */
function replaceNexthopSingle(old: Nexthop, nw: Nexthop): KErr | undefined {
  if (nw.isGroup) return kerr("EINVAL", "Can not replace a nexthop with a nexthop group.");
  const oldi = old.info!;
  old.info = nw.info;
  nw.info = oldi;
  old.protocol = nw.protocol;
  old.nhFlags = nw.nhFlags;
  return undefined;
}

/** replace_nexthop() */
function replaceNexthop(net: Net, old: Nexthop, nw: Nexthop): KErr | undefined {
  /* check that existing FIB entries are ok with the new nexthop definition */
  let err = fibCheckNhList(old, nw);
  if (err) return err;
  const newIsReject = !nw.isGroup && !!nw.info?.reject;
  for (const nhge of old.grpList) {
    /* if new nexthop is a blackhole, any groups using this nexthop cannot have more than 1 path */
    if (newIsReject && nhge.parent.numPath() > 1)
      return kerr("EINVAL", "Blackhole nexthop can not be a member of a group with more than one path");
    err = fibCheckNhList(nhge.parent, nw);
    if (err) return err;
  }
  err = old.isGroup ? replaceNexthopGrp(old, nw) : replaceNexthopSingle(old, nw);
  if (err) return err;
  nhUpdatePaths(old);
  /* nh_rt_cache_flush() */
  if (fibInfosOf(net, old).length) glue_rtCacheFlush(net);
  removeNexthopInner(net, nw);
  return undefined;
}

// ------------------------------------------------------------------------------ create

/** struct nh_config */
interface NhConfig {
  id: number;
  family: number;
  protocol: number;
  flags: number;
  ifindex: number;
  dev: NetDevice | undefined;
  gw4: number;
  blackhole: boolean;
  fdb: boolean;
  grp: NexthopGrp[] | undefined;
  grpType: number;
  resHasNumBuckets: boolean;
  nlflags: NexthopMsg["flags"];
}

/** insert_nexthop() */
function insertNexthop(net: Net, nw: Nexthop, cfg: NhConfig): KErr | undefined {
  const t = nhNet(net).tree;
  const replace = !!cfg.nlflags.replace;
  const create = !!cfg.nlflags.create;
  const old = t.get(nw.id);
  if (old) {
    if (!replace) return kerr("EEXIST");
    const e = replaceNexthop(net, old, nw);
    if (!e) nhBaseSeqInc(net);
    return e;
  }
  if (replace && !create) return kerr("ENOENT", "Replace specified without create and no entry exists");
  if (nw.grp?.resilient) {
    /* Not passing the number of buckets is OK when replacing, but not when creating a new group. */
    if (!cfg.resHasNumBuckets) return kerr("EINVAL", "Number of buckets not specified for nexthop group insertion");
    return kerr("EOPNOTSUPP", "Resilient nexthop groups are not supported by this emulator");
  }
  t.set(nw.id, nw);
  nhBaseSeqInc(net);
  return undefined;
}

/** nexthop_create_group() */
function nexthopCreateGroup(net: Net, cfg: NhConfig): Nexthop | KErr {
  const nh = new Nexthop(net, true);
  const nhg: NhGroup = { entries: [], hashThreshold: false, resilient: false, isMultipath: false, fdb: false, hasV4: false };
  for (const g of cfg.grp!) {
    const nhe = nexthopFindById(net, g.id);
    if (!nhe) {
      for (const e of nhg.entries) e.nh.grpList.splice(e.nh.grpList.indexOf(e), 1);
      return kerr("ENOENT");
    }
    if (nhe.info?.family === AF_INET) nhg.hasV4 = true;
    const e: NhGrpEntry = { nh: nhe, weight: g.weight + 1, upperBound: 0, parent: nh };
    nhg.entries.push(e);
    nhe.grpList.unshift(e);
  }
  if (cfg.grpType === NEXTHOP_GRP_TYPE_MPATH) {
    nhg.hashThreshold = true;
    nhg.isMultipath = true;
  } else if (cfg.grpType === NEXTHOP_GRP_TYPE_RES) {
    nhg.resilient = true;
    nhg.isMultipath = true;
  }
  if (nhg.hashThreshold) nhHthrGroupRebalance(nhg);
  if (cfg.fdb) nhg.fdb = true;
  nh.grp = nhg;
  return nh;
}

/** nh_create_ipv4() */
function nhCreateIpv4(net: Net, nh: Nexthop, nhi: NhInfo, cfg: NhConfig): KErr | undefined {
  const fibNh = nhi.fibNh;
  /* fib_nh_init() */
  fibNh.nhOif = cfg.ifindex;
  fibNh.nhGw4 = cfg.gw4;
  fibNh.nhGwFamily = cfg.gw4 ? AF_INET : 0;
  fibNh.nhFlags = cfg.flags;
  fibNh.nhWeight = 1;
  if (nhi.fdb) return undefined;
  /* sets nh_dev if successful */
  const err = fibCheckNh(net, fibNh, RT_TABLE_MAIN, 0);
  if (err) return err;
  nh.nhFlags = fibNh.nhFlags;
  fibInfoUpdateNhSaddr(net, fibNh, fibNh.nhScope);
  return undefined;
}

/** nexthop_create() */
function nexthopCreate(net: Net, cfg: NhConfig): Nexthop | KErr {
  const nh = new Nexthop(net, false);
  nh.nhFlags = cfg.flags;
  const nhi: NhInfo = {
    family: cfg.family, reject: false, fdb: cfg.fdb,
    fibNh: { nhDev: undefined, nhOif: 0, nhGw4: 0, nhGwFamily: 0, nhScope: RT_SCOPE_LINK, nhFlags: 0, nhWeight: 1, nhSaddr: 0 },
  };
  if (cfg.blackhole) {
    nhi.reject = true;
    cfg.ifindex = net.loopbackDev?.ifindex ?? 1;
  }
  if (cfg.family === AF_INET) {
    const e = nhCreateIpv4(net, nh, nhi, cfg);
    if (e) return e;
  } else return kerr("EAFNOSUPPORT", "IPv6 nexthops are not supported by this emulator");
  nh.info = nhi;
  return nh;
}

/** nexthop_add() */
function nexthopAdd(net: Net, cfg: NhConfig): Nexthop | KErr {
  if (!cfg.id) {
    cfg.id = nhFindUnusedId(net);
    if (!cfg.id) return kerr("EINVAL", "No unused id");
  }
  const nh = cfg.grp ? nexthopCreateGroup(net, cfg) : nexthopCreate(net, cfg);
  if (isKErr(nh)) return nh;
  nh.id = cfg.id;
  nh.protocol = cfg.protocol;
  nhUpdatePaths(nh);
  const err = insertNexthop(net, nh, cfg);
  if (err) {
    removeNexthopInner(net, nh);
    return err;
  }
  return nh;
}

// ------------------------------------------------------------------------- rtnetlink

/** nh_check_attr_group() before the lookups (what needs no RTNL) */
function nhCheckAttrGroup(a: NhaAttrs, grpType: number): KErr | undefined {
  const g = a.NHA_GROUP!;
  if (!g.length) return kerr("EINVAL", "Invalid length for nexthop group attribute");
  for (let i = 0; i < g.length; i++) {
    if (g[i]!.resvd1 || g[i]!.resvd2) return kerr("EINVAL", "Reserved fields in nexthop_grp must be 0");
    if (g[i]!.weight > 254) return kerr("EINVAL", "Invalid value for weight");
    for (let j = i + 1; j < g.length; j++) if (g[i]!.id === g[j]!.id) return kerr("EINVAL", "Nexthop id can not be used twice in a group");
  }
  /* the attributes after NHA_GROUP_TYPE: NHA_BLACKHOLE, NHA_OIF, NHA_GATEWAY, NHA_ENCAP_TYPE,
   * NHA_ENCAP, (NHA_GROUPS, NHA_MASTER: not in the policy), NHA_FDB, NHA_RES_GROUP */
  const others: (keyof NhaAttrs)[] = ["NHA_BLACKHOLE", "NHA_OIF", "NHA_GATEWAY", "NHA_ENCAP_TYPE", "NHA_ENCAP", "NHA_RES_GROUP"];
  for (const k of others) {
    if (a[k] === undefined) continue;
    if (k === "NHA_RES_GROUP" && grpType === NEXTHOP_GRP_TYPE_RES) continue;
    return kerr("EINVAL", "No other attributes can be set in nexthop groups");
  }
  return undefined;
}

/** nh_check_attr_group_rtnl(): the members exist and may be members */
function nhCheckAttrGroupRtnl(net: Net, a: NhaAttrs): KErr | undefined {
  const g = a.NHA_GROUP!;
  const nhgFdb = a.NHA_FDB !== undefined;
  let nhFamily = AF_UNSPEC;
  for (const m of g) {
    const nh = nexthopFindById(net, m.id);
    if (!nh) return kerr("EINVAL", "Invalid nexthop id");
    /* valid_group_nh() */
    let isFdb: boolean;
    if (nh.grp) {
      /* Nesting groups within groups is not supported. */
      if (nh.grp.hashThreshold) return kerr("EINVAL", "Hash-threshold group can not be a nexthop within a group");
      if (nh.grp.resilient) return kerr("EINVAL", "Resilient group can not be a nexthop within a group");
      isFdb = nh.grp.fdb;
    } else {
      if (nh.info!.reject && g.length > 1) return kerr("EINVAL", "Blackhole nexthop can not be used in a group with more than 1 path");
      isFdb = nh.info!.fdb;
    }
    if (nhgFdb) {
      /* nh_check_attr_fdb_group() */
      if (!nh.info?.fdb) return kerr("EINVAL", "FDB nexthop group can only have fdb nexthops");
      if (nhFamily === AF_UNSPEC) nhFamily = nh.info.family;
      else if (nhFamily !== nh.info.family) return kerr("EINVAL", "FDB nexthop group cannot have mixed family nexthops");
    }
    if (!nhgFdb && isFdb) return kerr("EINVAL", "Non FDB nexthop group cannot have fdb nexthops");
  }
  return undefined;
}

/** rtm_to_nh_config() */
function rtmToNhConfig(m: NexthopMsg, cfg: NhConfig): KErr | undefined {
  const nhm = m.nhm;
  const a = m.attrs;
  if (nhm.resvd || nhm.scope) return kerr("EINVAL", "Invalid values in ancillary header");
  if (nhm.flags & ~NEXTHOP_VALID_USER_FLAGS) return kerr("EINVAL", "Invalid nexthop flags in ancillary header");
  switch (nhm.family) {
    case AF_INET:
    case AF_INET6:
      break;
    case AF_UNSPEC:
      if (a.NHA_GROUP) break;
      return kerr("EINVAL", "Invalid address family");
    default:
      return kerr("EINVAL", "Invalid address family");
  }
  cfg.family = nhm.family;
  cfg.protocol = nhm.protocol;
  cfg.flags = nhm.flags;
  cfg.nlflags = m.flags;
  if (a.NHA_ID !== undefined) cfg.id = a.NHA_ID >>> 0;
  if (a.NHA_FDB) {
    if (a.NHA_OIF !== undefined || a.NHA_BLACKHOLE || a.NHA_ENCAP || a.NHA_ENCAP_TYPE !== undefined)
      return kerr("EINVAL", "Fdb attribute can not be used with encap, oif or blackhole");
    if (nhm.flags) return kerr("EINVAL", "Unsupported nexthop flags in ancillary header");
    cfg.fdb = true;
  }
  if (a.NHA_GROUP) {
    if (nhm.family !== AF_UNSPEC) return kerr("EINVAL", "Invalid family for group");
    cfg.grp = a.NHA_GROUP;
    cfg.grpType = a.NHA_GROUP_TYPE ?? NEXTHOP_GRP_TYPE_MPATH;
    if (cfg.grpType > NEXTHOP_GRP_TYPE_MAX) return kerr("EINVAL", "Invalid group type");
    const e = nhCheckAttrGroup(a, cfg.grpType);
    if (e) return e;
    if (cfg.grpType === NEXTHOP_GRP_TYPE_RES) {
      /* rtm_to_nh_config_grp_res() */
      const b = a.NHA_RES_GROUP?.NHA_RES_GROUP_BUCKETS;
      if (b !== undefined) {
        cfg.resHasNumBuckets = true;
        if (!b) return kerr("EINVAL", "Number of buckets needs to be non-0");
      }
    }
    /* no other attributes should be set */
    return undefined;
  }
  if (a.NHA_BLACKHOLE) {
    if (a.NHA_GATEWAY || a.NHA_OIF !== undefined || a.NHA_ENCAP || a.NHA_ENCAP_TYPE !== undefined || a.NHA_FDB)
      return kerr("EINVAL", "Blackhole attribute can not be used with gateway, oif, encap or fdb");
    cfg.blackhole = true;
    return undefined;
  }
  if (!cfg.fdb && a.NHA_OIF === undefined) return kerr("EINVAL", "Device attribute required for non-blackhole and non-fdb nexthops");
  if (a.NHA_GATEWAY) {
    const gwa = a.NHA_GATEWAY;
    switch (cfg.family) {
      case AF_INET:
        if (gwa.length !== 4) return kerr("EINVAL", "Invalid gateway");
        cfg.gw4 = ipv4FromBytes(gwa);
        break;
      case AF_INET6:
        if (gwa.length !== 16) return kerr("EINVAL", "Invalid gateway");
        break;
      default:
        return kerr("EINVAL", "Unknown address family for gateway");
    }
  } else if (cfg.flags & RTNH_F_ONLINK) {
    /* device only nexthop (no gateway) */
    return kerr("EINVAL", "ONLINK flag can not be set for nexthop without a gateway");
  }
  if (a.NHA_ENCAP) {
    if (a.NHA_ENCAP_TYPE === undefined) return kerr("EINVAL", "LWT encapsulation type is missing");
    /* lwtunnel_valid_encap_type(): no encapsulation is built in here */
    return kerr("EOPNOTSUPP", "lwt encapsulation type not supported");
  } else if (a.NHA_ENCAP_TYPE !== undefined) return kerr("EINVAL", "LWT encapsulation attribute is missing");
  return undefined;
}

/** rtm_to_nh_config_rtnl(): the device, and the group's members */
function rtmToNhConfigRtnl(net: Net, a: NhaAttrs, cfg: NhConfig): KErr | undefined {
  if (a.NHA_GROUP) return nhCheckAttrGroupRtnl(net, a);
  if (!cfg.fdb && a.NHA_OIF !== undefined) {
    cfg.ifindex = a.NHA_OIF >>> 0;
    if (cfg.ifindex) cfg.dev = glue_devGetByIndex(net, cfg.ifindex);
    if (!cfg.dev) return kerr("EINVAL", "Invalid device index");
    if (!(cfg.dev.flags & IFF_UP)) return kerr("ENETDOWN", "Nexthop device is not up");
    if (!cfg.dev.carrier) return kerr("ENETDOWN", "Carrier for nexthop device is down");
  }
  return undefined;
}

/** rtm_new_nexthop() */
function rtmNewNexthop(net: Net, m: NexthopMsg): KErr | undefined {
  const cfg: NhConfig = {
    id: 0, family: 0, protocol: 0, flags: 0, ifindex: 0, dev: undefined, gw4: 0, blackhole: false, fdb: false,
    grp: undefined, grpType: NEXTHOP_GRP_TYPE_MPATH, resHasNumBuckets: false, nlflags: {},
  };
  let err = rtmToNhConfig(m, cfg);
  if (err) return err;
  if (cfg.nlflags.replace && !cfg.id) return kerr("EINVAL", "Replace requires nexthop id");
  err = rtmToNhConfigRtnl(net, m.attrs, cfg);
  if (err) return err;
  const nh = nexthopAdd(net, cfg);
  return isKErr(nh) ? nh : undefined;
}

/** nh_valid_get_del_req(): the id of a get or delete */
function nhValidGetDelReq(m: NexthopMsg, allowed: (keyof NhaAttrs)[] = ["NHA_ID"]): number | KErr {
  /* nlmsg_parse() with rtm_nh_policy_get: anything past NHA_ID is an unknown attribute */
  for (const k of Object.keys(m.attrs) as (keyof NhaAttrs)[]) {
    if (m.attrs[k] !== undefined && !allowed.includes(k)) return kerr("EINVAL", "Unknown attribute type");
  }
  const nhm = m.nhm;
  if (nhm.protocol || nhm.resvd || nhm.scope || nhm.flags) return kerr("EINVAL", "Invalid values in header");
  if (m.attrs.NHA_ID === undefined) return kerr("EINVAL", "Nexthop id is missing");
  const id = m.attrs.NHA_ID >>> 0;
  if (!id) return kerr("EINVAL", "Invalid nexthop id");
  return id;
}

/** rtm_del_nexthop() */
function rtmDelNexthop(net: Net, m: NexthopMsg): KErr | undefined {
  const id = nhValidGetDelReq(m);
  if (isKErr(id)) return id;
  const nh = nexthopFindById(net, id);
  if (!nh) return kerr("ENOENT");
  removeNexthop(net, nh);
  return undefined;
}

/** nh_fill_node() */
function nhFillNode(nh: Nexthop): NexthopMsg {
  const attrs: NhaAttrs = { NHA_ID: nh.id };
  const msg: NexthopMsg = {
    type: "RTM_NEWNEXTHOP", flags: {}, nhm: { family: AF_UNSPEC, scope: 0, protocol: nh.protocol, resvd: 0, flags: nh.nhFlags }, attrs,
  };
  if (nh.grp) {
    const nhg = nh.grp;
    if (nhg.fdb) attrs.NHA_FDB = true;
    /* nla_put_nh_group() */
    attrs.NHA_GROUP_TYPE = nhg.hashThreshold ? NEXTHOP_GRP_TYPE_MPATH : NEXTHOP_GRP_TYPE_RES;
    attrs.NHA_GROUP = nhg.entries.map((e) => ({ id: e.nh.id, weight: e.weight - 1 }));
    return msg;
  }
  const nhi = nh.info!;
  msg.nhm.family = nhi.family;
  if (nhi.reject) {
    attrs.NHA_BLACKHOLE = true;
    return msg;
  } else if (nhi.fdb) attrs.NHA_FDB = true;
  else if (nhi.fibNh.nhDev) attrs.NHA_OIF = nhi.fibNh.nhDev.ifindex;
  msg.nhm.scope = nhi.fibNh.nhScope;
  if (nhi.family === AF_INET && nhi.fibNh.nhGwFamily) attrs.NHA_GATEWAY = ipv4ToBytes(nhi.fibNh.nhGw4);
  return msg;
}

/** rtm_get_nexthop() */
function rtmGetNexthop(net: Net, m: NexthopMsg): KErr | { answer: RtnlMsg } {
  const id = nhValidGetDelReq(m);
  if (isKErr(id)) return id;
  const nh = nexthopFindById(net, id);
  if (!nh) return kerr("ENOENT");
  return { answer: nhFillNode(nh) };
}

/** struct nh_dump_filter */
interface NhDumpFilter {
  nhId: number;
  devIdx: number;
  masterIdx: number;
  groupFilter: boolean;
  fdbFilter: boolean;
  resBucketNhId: number;
}

/** nh_dump_filtered() */
function nhDumpFiltered(nh: Nexthop, filter: NhDumpFilter, family: number): boolean {
  if (filter.groupFilter && !nh.isGroup) return true;
  if (!filter.devIdx && !filter.masterIdx && !family) return false;
  if (nh.isGroup) return true;
  const nhi = nh.info!;
  if (family && nhi.family !== family) return true;
  const dev = nhi.fibNh.nhDev;
  if (filter.devIdx && (!dev || dev.ifindex !== filter.devIdx)) return true;
  if (filter.masterIdx) {
    if (!dev) return true;
    const master = dev.master;
    if (!master || master.ifindex !== filter.masterIdx) return true;
  }
  return false;
}

/** __nh_valid_dump_req() */
function nhValidDumpReq(m: NexthopMsg, filter: NhDumpFilter): KErr | undefined {
  const a = m.attrs;
  if (a.NHA_OIF !== undefined) {
    if (a.NHA_OIF >>> 0 > INT_MAX) return kerr("EINVAL", "Invalid device index");
    filter.devIdx = a.NHA_OIF;
  }
  if (a.NHA_MASTER !== undefined) {
    if (a.NHA_MASTER >>> 0 > INT_MAX) return kerr("EINVAL", "Invalid master device index");
    filter.masterIdx = a.NHA_MASTER;
  }
  filter.groupFilter = !!a.NHA_GROUPS;
  filter.fdbFilter = !!a.NHA_FDB;
  const nhm = m.nhm;
  if (nhm.protocol || nhm.resvd || nhm.scope || nhm.flags) return kerr("EINVAL", "Invalid values in header for nexthop dump request");
  return undefined;
}

function newFilter(): NhDumpFilter {
  return { nhId: 0, devIdx: 0, masterIdx: 0, groupFilter: false, fdbFilter: false, resBucketNhId: 0 };
}

function dumpError(e: KErr): RtnlMsg[] {
  return Object.assign([] as RtnlMsg[], { error: e });
}

/** rtm_dump_nexthop() */
function rtmDumpNexthop(net: Net, m: NexthopMsg): RtnlMsg[] {
  const filter = newFilter();
  const e = nhValidDumpReq(m, filter);
  if (e) return dumpError(e);
  const out: RtnlMsg[] = [];
  for (const nh of nexthopsInOrder(net)) {
    if (nhDumpFiltered(nh, filter, m.nhm.family)) continue;
    out.push(nhFillNode(nh));
  }
  return out;
}

/** nexthop_find_group_resilient() */
function nexthopFindGroupResilient(net: Net, id: number): Nexthop | KErr {
  const nh = nexthopFindById(net, id);
  if (!nh) return kerr("ENOENT");
  if (!nh.grp) return kerr("EINVAL", "Not a nexthop group");
  if (!nh.grp.resilient) return kerr("EINVAL", "Nexthop group not of type resilient");
  return nh;
}

/** rtm_dump_nexthop_bucket(): there are no resilient groups here, so no buckets */
function rtmDumpNexthopBucket(net: Net, m: NexthopMsg): RtnlMsg[] {
  const filter = newFilter();
  const a = m.attrs;
  /* nh_valid_dump_nhid() */
  if (a.NHA_ID !== undefined) {
    if (!(a.NHA_ID >>> 0)) return dumpError(kerr("EINVAL", "Invalid nexthop id"));
    filter.nhId = a.NHA_ID >>> 0;
  }
  if (a.NHA_RES_BUCKET?.NHA_RES_BUCKET_NH_ID !== undefined && !a.NHA_RES_BUCKET.NHA_RES_BUCKET_NH_ID)
    return dumpError(kerr("EINVAL", "Invalid nexthop id"));
  const e = nhValidDumpReq(m, filter);
  if (e) return dumpError(e);
  if (filter.nhId) {
    const nh = nexthopFindGroupResilient(net, filter.nhId);
    if (isKErr(nh)) return dumpError(nh);
  }
  return [];
}

/** rtm_get_nexthop_bucket() */
function rtmGetNexthopBucket(net: Net, m: NexthopMsg): KErr | undefined {
  const id = nhValidGetDelReq(m, ["NHA_ID", "NHA_RES_BUCKET"]);
  if (isKErr(id)) return id;
  if (!m.attrs.NHA_RES_BUCKET) return kerr("EINVAL", "Bucket information is missing");
  if (m.attrs.NHA_RES_BUCKET.NHA_RES_BUCKET_INDEX === undefined) return kerr("EINVAL", "Bucket index is missing");
  const nh = nexthopFindGroupResilient(net, id);
  if (isKErr(nh)) return nh;
  return kerr("ENOENT", "Bucket index out of bounds");
}

// -------------------------------------------------------------------------- notifiers

/** nexthop_flush_dev(): remove all nexthops tied to a device going down or away */
function nexthopFlushDev(dev: NetDevice, event: number): void {
  const net = dev.net;
  for (const nh of nexthopsInOrder(net)) {
    const nhi = nh.info;
    if (!nhi || nhi.fdb || nhi.fibNh.nhDev !== dev) continue;
    if (nhi.reject && (event === NETDEV_DOWN || event === NETDEV_CHANGE)) continue;
    removeNexthop(net, nh);
  }
}

/** nh_netdev_event() */
function nhNetdevEvent(event: number, dev: NetDevice): number {
  if (!pernet.get(dev.net)?.tree.size) return NOTIFY_DONE;
  switch (event) {
    case NETDEV_DOWN:
    case NETDEV_UNREGISTER:
      nexthopFlushDev(dev, event);
      break;
    case NETDEV_CHANGE:
      if (!(devGetFlags(dev) & (IFF_RUNNING | IFF_LOWER_UP))) nexthopFlushDev(dev, event);
      break;
    case NETDEV_CHANGEMTU:
      glue_rtCacheFlush(dev.net);
      break;
  }
  return NOTIFY_DONE;
}

let inited = false;
/** nexthop_init() */
export function nexthopInit(): void {
  if (inited) return;
  inited = true;
  registerPernetOps({ exit: (net) => void pernet.delete(net) });
  registerNetdeviceNotifier((event, dev) => nhNetdevEvent(event, dev));
  /* PF_INET and PF_INET6 register the same handlers; the family is the handler's to check */
  rtnlRegister(AF_UNSPEC, "RTM_NEWNEXTHOP", { doit: rtmNewNexthop });
  rtnlRegister(AF_UNSPEC, "RTM_DELNEXTHOP", { doit: rtmDelNexthop });
  rtnlRegister(AF_UNSPEC, "RTM_GETNEXTHOP", { doit: rtmGetNexthop, dumpit: rtmDumpNexthop });
  rtnlRegister(AF_UNSPEC, "RTM_GETNEXTHOPBUCKET", { doit: rtmGetNexthopBucket, dumpit: rtmDumpNexthopBucket });
}

export { AF_INET6 };
