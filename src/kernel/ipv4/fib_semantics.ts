/**
 * net/ipv4/fib_semantics.c: struct fib_info / fib_nh (what a route points to), their creation
 * and validation (fib_create_info, fib_check_nh), matching for deletes (fib_nh_match), the
 * netlink encoding of a route (fib_dump_info), and the reaction to devices going down/up
 * (fib_sync_down_dev / fib_sync_up: RTNH_F_DEAD and RTNH_F_LINKDOWN).
 */
import type { NetDevice } from "../core/netdevice.ts";
import type { Net } from "../core/net_namespace.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import {
  AF_INET, RTN_UNSPEC, RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST, RTN_ANYCAST, RTN_MULTICAST, RTN_BLACKHOLE,
  RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW, RTN_NAT, RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, RT_SCOPE_HOST,
  RT_SCOPE_NOWHERE, RT_TABLE_MAIN, RT_TABLE_LOCAL, RT_TABLE_COMPAT, RTNH_F_DEAD, RTNH_F_LINKDOWN, RTNH_F_ONLINK, RTNH_F_PERVASIVE,
  RTNH_F_OFFLOAD, type RouteMsg, type RtaAttrs, type RtaMetrics,
} from "../uapi/rtnetlink.ts";
import { IFF_UP } from "../uapi/if.ts";
import { devInDevice, inDevConf, ipv4ToBytes, inetSelectAddr, glue_devGetByIndex, IN_DEV } from "./devinet.ts";
import { fibCheckNexthop, nexthopFindById, type Nexthop } from "./nexthop.ts";

export const RTNH_F_TRAP = 64;

/** struct fib_config: a route request, from rtnetlink, ioctl or fib_magic */
export interface FibConfig {
  dstLen: number;
  dscp: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number; // RTNH_F_ONLINK ...
  nlflags: { create?: boolean; excl?: boolean; replace?: boolean; append?: boolean };
  dst: number;
  gw4: number;
  gwFamily: number;
  oif: number;
  priority: number;
  prefsrc: number;
  mx: RtaMetrics | undefined;
  /** multipath: each nexthop's oif, gw, flags, weight */
  mp: { oif: number; gw4: number; flags: number; weight: number }[] | undefined;
  /** fc_nh_id: the nexthop object the route uses (0: none) */
  nhId: number;
}

export function emptyFibConfig(): FibConfig {
  return {
    dstLen: 0, dscp: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0, nlflags: {}, dst: 0, gw4: 0,
    gwFamily: 0, oif: 0, priority: 0, prefsrc: 0, mx: undefined, mp: undefined, nhId: 0,
  };
}

/** struct fib_nh */
export interface FibNh {
  nhDev: NetDevice | undefined;
  nhOif: number;
  nhGw4: number;
  nhGwFamily: number;
  nhScope: number;
  nhFlags: number;
  nhWeight: number;
  /** fib_nh_common's saddr cache (fib_info_update_nhc_saddr) */
  nhSaddr: number;
}

/** struct fib_info */
export interface FibInfo {
  net: Net;
  fibProtocol: number;
  fibScope: number;
  fibType: number;
  fibFlags: number;
  fibPrefsrc: number;
  fibPriority: number;
  fibTbId: number;
  metrics: RtaMetrics;
  /** the next hops; for a route through a nexthop object, the object's own `paths` array
   * (fib_info_nhc() reads through fi->nh), which it keeps up to date */
  fibNh: FibNh[];
  fibDead: boolean;
  /** fi->nh: the nexthop object (`nhid`), if the route uses one */
  nh?: Nexthop;
}

/** net/ipv4/fib_semantics.c: fib_props[]: the error of reject types and the minimal scope */
export const fibProps: { error: KErr["errno"] | undefined; scope: number }[] = [
  /* RTN_UNSPEC */ { error: undefined, scope: RT_SCOPE_NOWHERE },
  /* RTN_UNICAST */ { error: undefined, scope: RT_SCOPE_UNIVERSE },
  /* RTN_LOCAL */ { error: undefined, scope: RT_SCOPE_HOST },
  /* RTN_BROADCAST */ { error: undefined, scope: RT_SCOPE_LINK },
  /* RTN_ANYCAST */ { error: undefined, scope: RT_SCOPE_LINK },
  /* RTN_MULTICAST */ { error: undefined, scope: RT_SCOPE_UNIVERSE },
  /* RTN_BLACKHOLE */ { error: "EINVAL", scope: RT_SCOPE_UNIVERSE },
  /* RTN_UNREACHABLE */ { error: "EHOSTUNREACH", scope: RT_SCOPE_UNIVERSE },
  /* RTN_PROHIBIT */ { error: "EACCES", scope: RT_SCOPE_UNIVERSE },
  /* RTN_THROW */ { error: "EAGAIN", scope: RT_SCOPE_UNIVERSE },
  /* RTN_NAT */ { error: "EINVAL", scope: RT_SCOPE_NOWHERE },
  /* RTN_XRESOLVE */ { error: "EINVAL", scope: RT_SCOPE_NOWHERE },
];
const RTN_MAX = 11;

/** include/net/ip_fib.h: ip_ignore_linkdown() */
export function ipIgnoreLinkdown(dev: NetDevice | undefined): boolean {
  return !!dev && !!devInDevice(dev) && inDevConf(dev, IN_DEV.ignore_routes_with_linkdown) !== 0;
}

function metricsEqual(a: RtaMetrics, b: RtaMetrics): boolean {
  // the metrics set (not undefined) in each are the same, with the same values (no key lists
  // made: a kernel route's metrics are empty, and every fib_magic() re-add compares them)
  const ra = a as Record<string, number | string | undefined>;
  const rb = b as Record<string, number | string | undefined>;
  let na = 0;
  for (const k in ra) {
    if (!Object.hasOwn(ra, k) || ra[k] === undefined) continue;
    if (ra[k] !== rb[k]) return false;
    na++;
  }
  let nb = 0;
  for (const k in rb) if (Object.hasOwn(rb, k) && rb[k] !== undefined) nb++;
  return na === nb;
}

/** net/ipv4/fib_semantics.c: fib_info_nh_uses_dev() / nh_comp(): two fib_info are "the same"
 * (fib_find_info) when every field and nexthop agrees */
export function fibInfoEqual(a: FibInfo, b: FibInfo): boolean {
  if (a.fibProtocol !== b.fibProtocol || a.fibScope !== b.fibScope || a.fibPrefsrc !== b.fibPrefsrc ||
    a.fibPriority !== b.fibPriority || a.fibType !== b.fibType || a.fibTbId !== b.fibTbId ||
    (a.fibFlags & ~RTNH_F_LINKDOWN) !== (b.fibFlags & ~RTNH_F_LINKDOWN) || !metricsEqual(a.metrics, b.metrics)) return false;
  /* nh_comp(): routes through nexthop objects are the same when the object is */
  if (a.nh || b.nh) return a.nh === b.nh;
  if (a.fibNh.length !== b.fibNh.length) return false;
  for (let i = 0; i < a.fibNh.length; i++) {
    const x = a.fibNh[i]!;
    const y = b.fibNh[i]!;
    if (x.nhOif !== y.nhOif || x.nhGw4 !== y.nhGw4 || x.nhWeight !== y.nhWeight ||
      ((x.nhFlags ^ y.nhFlags) & ~(RTNH_F_DEAD | RTNH_F_LINKDOWN))) return false;
  }
  return true;
}

/** net/ipv4/fib_semantics.c: fib_valid_prefsrc() */
function fibValidPrefsrc(net: Net, cfg: FibConfig, prefsrc: number): boolean {
  if (cfg.type !== RTN_LOCAL || !cfg.dst || prefsrc !== cfg.dst) {
    let tbId = cfg.table;
    if (tbId === RT_TABLE_MAIN) tbId = RT_TABLE_LOCAL;
    let rc = hooks.inetAddrTypeTable(net, prefsrc, tbId);
    if (rc !== RTN_LOCAL && tbId !== RT_TABLE_LOCAL) rc = hooks.inetAddrTypeTable(net, prefsrc, RT_TABLE_LOCAL);
    if (rc !== RTN_LOCAL) return false;
  }
  return true;
}

/** the lookups fib_semantics needs from fib.ts/fib_frontend.ts (set there to avoid a cycle at load) */
export const hooks = {
  inetAddrTypeTable: (_net: Net, _addr: number, _tb: number): number => RTN_UNICAST,
  inetAddrTypeDevTable: (_net: Net, _dev: NetDevice, _addr: number): number => RTN_UNICAST,
  /** fib_table_lookup on one table (0 when the table does not exist) then fib_lookup */
  gwLookup: (_net: Net, _daddr: number, _scope: number, _oif: number, _table: number):
    { ok: true; type: number; scope: number; dev: NetDevice | undefined; oif: number } | { ok: false; errno: KErr["errno"] } =>
    ({ ok: false, errno: "ENETUNREACH" }),
};

/** net/ipv4/fib_semantics.c: fib_check_nh_v4_gw() */
function fibCheckNhV4Gw(net: Net, nh: FibNh, table: number, scope: number): KErr | undefined {
  if (nh.nhFlags & RTNH_F_ONLINK) {
    if (scope >= RT_SCOPE_LINK) return kerr("EINVAL", "Nexthop has invalid scope");
    const dev = glue_devGetByIndex(net, nh.nhOif);
    if (!dev) return kerr("ENODEV", "Nexthop device required for onlink");
    if (!(dev.flags & IFF_UP)) return kerr("ENETDOWN", "Nexthop device is not up");
    if (hooks.inetAddrTypeDevTable(net, dev, nh.nhGw4) !== RTN_UNICAST) return kerr("EINVAL", "Nexthop has invalid gateway");
    if (!dev.carrier) nh.nhFlags |= RTNH_F_LINKDOWN;
    nh.nhDev = dev;
    nh.nhScope = RT_SCOPE_LINK;
    return undefined;
  }
  let fscope = scope + 1;
  if (fscope < RT_SCOPE_LINK) fscope = RT_SCOPE_LINK;
  const res = hooks.gwLookup(net, nh.nhGw4, fscope, nh.nhOif, table && table !== RT_TABLE_MAIN ? table : 0);
  if (!res.ok) return kerr(res.errno, "Nexthop has invalid gateway");
  if (res.type !== RTN_UNICAST && res.type !== RTN_LOCAL) return kerr("EINVAL", "Nexthop has invalid gateway");
  nh.nhScope = res.scope;
  nh.nhOif = res.oif;
  nh.nhDev = res.dev;
  const dev = res.dev;
  if (!dev) return kerr("EINVAL", "No egress device for nexthop gateway");
  if (!dev.carrier) nh.nhFlags |= RTNH_F_LINKDOWN;
  return dev.flags & IFF_UP ? undefined : kerr("ENETDOWN");
}

/** net/ipv4/fib_semantics.c: fib_check_nh_nongw() */
function fibCheckNhNongw(net: Net, nh: FibNh): KErr | undefined {
  if (nh.nhFlags & (RTNH_F_PERVASIVE | RTNH_F_ONLINK)) return kerr("EINVAL", "Invalid flags for nexthop - PERVASIVE and ONLINK can not be set");
  nh.nhScope = RT_SCOPE_HOST;
  const dev = glue_devGetByIndex(net, nh.nhOif);
  if (!dev || !devInDevice(dev)) return kerr("ENODEV");
  if (!(dev.flags & IFF_UP)) return kerr("ENETDOWN", "Device for nexthop is not up");
  nh.nhDev = dev;
  /* 6.x: the 2022 change to RT_SCOPE_LINK was reverted ("Revert fib_check_nh_nongw scope") */
  nh.nhScope = RT_SCOPE_HOST;
  if (!dev.carrier) nh.nhFlags |= RTNH_F_LINKDOWN;
  return undefined;
}

/** net/ipv4/fib_semantics.c: fib_check_nh() (nexthop.c's nh_create_ipv4() calls it too) */
export function fibCheckNh(net: Net, nh: FibNh, table: number, scope: number): KErr | undefined {
  if (nh.nhGwFamily === AF_INET) return fibCheckNhV4Gw(net, nh, table, scope);
  return fibCheckNhNongw(net, nh);
}

/** net/ipv4/fib_semantics.c: fib_info_update_nhc_saddr() */
export function fibInfoUpdateNhSaddr(net: Net, nh: FibNh, scope: number): number {
  void net;
  nh.nhSaddr = nh.nhDev ? inetSelectAddr(nh.nhDev, nh.nhGw4, scope) : 0;
  return nh.nhSaddr;
}

/** net/ipv4/fib_semantics.c: fib_result_prefsrc(): FIB_RES_PREFSRC */
export function fibResultPrefsrc(fi: FibInfo, nh: FibNh): number {
  if (fi.fibPrefsrc) return fi.fibPrefsrc;
  return fibInfoUpdateNhSaddr(fi.net, nh, fi.fibScope >= RT_SCOPE_LINK ? RT_SCOPE_LINK : fi.fibScope);
}

function newNh(oif: number, gw4: number, flags: number, weight: number): FibNh {
  return { nhDev: undefined, nhOif: oif, nhGw4: gw4, nhGwFamily: gw4 ? AF_INET : 0, nhScope: 0, nhFlags: flags, nhWeight: weight, nhSaddr: 0 };
}

/** net/ipv4/fib_semantics.c: fib_create_info() */
export function fibCreateInfo(net: Net, cfg: FibConfig): FibInfo | KErr {
  if (cfg.type > RTN_MAX) return kerr("EINVAL", "Invalid route type");
  if (fibProps[cfg.type]!.scope > cfg.scope) return kerr("EINVAL", "Invalid scope");
  if (cfg.flags & (RTNH_F_DEAD | RTNH_F_LINKDOWN)) return kerr("EINVAL", "Invalid rtm_flags - can not contain DEAD or LINKDOWN");

  let nhObj: Nexthop | undefined;
  if (cfg.nhId) {
    nhObj = nexthopFindById(net, cfg.nhId);
    if (!nhObj) return kerr("EINVAL", "Nexthop id does not exist");
  }
  const nhs: FibNh[] = [];
  if (nhObj) {
    /* the nexthop object's paths, shared */
  } else if (cfg.mp) {
    for (const m of cfg.mp) nhs.push(newNh(m.oif, m.gw4, m.flags | (cfg.flags & RTNH_F_ONLINK), m.weight));
    if (!nhs.length) return kerr("EINVAL", "Invalid nexthop configuration - no valid nexthops");
  } else {
    nhs.push(newNh(cfg.oif, cfg.gwFamily === AF_INET ? cfg.gw4 : 0, cfg.flags & RTNH_F_ONLINK, 1));
  }
  const metrics = ipMetricsConvert(cfg.mx);
  if (isKErr(metrics)) return metrics;
  const fi: FibInfo = {
    net, fibProtocol: cfg.protocol, fibScope: cfg.scope, fibType: cfg.type, fibFlags: cfg.flags & ~RTNH_F_ONLINK,
    fibPrefsrc: cfg.prefsrc, fibPriority: cfg.priority, fibTbId: cfg.table, metrics,
    fibNh: nhObj ? nhObj.paths : nhs, fibDead: false, nh: nhObj,
  };

  if (fibProps[cfg.type]!.error) {
    if (cfg.gwFamily || cfg.oif || cfg.mp) return kerr("EINVAL", "Gateway, device and multipath can not be specified for this route type");
    return fi;
  }
  switch (cfg.type) {
    case RTN_UNICAST: case RTN_LOCAL: case RTN_BROADCAST: case RTN_ANYCAST: case RTN_MULTICAST:
      break;
    default:
      return kerr("EINVAL", "Invalid route type");
  }
  if (cfg.scope > RT_SCOPE_HOST) return kerr("EINVAL", "Invalid scope");
  if (nhObj) {
    const e = fibCheckNexthop(nhObj, cfg.scope);
    if (e) return e;
    if (fi.fibPrefsrc && !fibValidPrefsrc(net, cfg, fi.fibPrefsrc)) return kerr("EINVAL", "Invalid prefsrc address");
    return fi;
  }
  if (cfg.scope === RT_SCOPE_HOST) {
    const nh = nhs[0]!;
    if (nhs.length !== 1) return kerr("EINVAL", "Route with host scope can not have multiple nexthops");
    if (nh.nhGwFamily) return kerr("EINVAL", "Route with host scope can not have a gateway");
    nh.nhScope = RT_SCOPE_NOWHERE;
    nh.nhDev = glue_devGetByIndex(net, nh.nhOif);
    if (!nh.nhDev) return kerr("ENODEV");
  } else {
    let linkdown = 0;
    for (const nh of nhs) {
      const e = fibCheckNh(net, nh, cfg.table, cfg.scope);
      if (e) return e;
      if (nh.nhFlags & RTNH_F_LINKDOWN) linkdown++;
    }
    if (linkdown === nhs.length) fi.fibFlags |= RTNH_F_LINKDOWN;
  }
  if (fi.fibPrefsrc && !fibValidPrefsrc(net, cfg, fi.fibPrefsrc)) return kerr("EINVAL", "Invalid prefsrc address");
  for (const nh of nhs) fibInfoUpdateNhSaddr(net, nh, fi.fibScope);
  return fi;
}

/** net/ipv4/fib_semantics.c: fib_nh_match() — 0 when the request names this route's nexthops */
export function fibNhMatch(cfg: FibConfig, fi: FibInfo): boolean {
  if (cfg.priority && cfg.priority !== fi.fibPriority) return false;
  if (cfg.nhId) return fi.nh !== undefined && fi.nh.id === cfg.nhId;
  if (fi.nh) return !(cfg.oif || cfg.gwFamily || cfg.mp);
  if (cfg.oif || cfg.gwFamily) {
    const nh = fi.fibNh[0]!;
    if ((cfg.oif && cfg.oif !== nh.nhOif) || (cfg.gwFamily && cfg.gwFamily !== nh.nhGwFamily)) return false;
    if (cfg.gwFamily === AF_INET && cfg.gw4 !== nh.nhGw4) return false;
    return true;
  }
  if (cfg.mp) {
    if (cfg.mp.length !== fi.fibNh.length) return false;
    for (let i = 0; i < cfg.mp.length; i++) {
      const m = cfg.mp[i]!;
      const nh = fi.fibNh[i]!;
      if (m.oif && m.oif !== nh.nhOif) return false;
      if (m.gw4 && m.gw4 !== nh.nhGw4) return false;
    }
  }
  return true;
}

/** include/uapi/linux/rtnetlink.h: RTAX_FEATURE_MASK (ECN, SACK, TIMESTAMP, ALLFRAG, TCP_USEC_TS) */
const RTAX_FEATURE_MASK = 0x1f;
/** the congestion control algorithms a lab machine's kernel has (tcp_ca_get_key_by_name()) */
const TCP_CONG_ALGOS = new Set(["cubic", "reno"]);

/** net/ipv4/metrics.c: ip_metrics_convert(): mtu, advmss and hoplimit capped, the feature mask
 * and the congestion control's name checked */
function ipMetricsConvert(mx: RtaMetrics | undefined): RtaMetrics | KErr {
  const m: RtaMetrics = { ...mx };
  if (m.RTAX_CC_ALGO !== undefined && !TCP_CONG_ALGOS.has(m.RTAX_CC_ALGO)) return kerr("EINVAL", "Unknown tcp congestion algorithm");
  if (m.RTAX_ADVMSS !== undefined && m.RTAX_ADVMSS > 65535 - 40) m.RTAX_ADVMSS = 65535 - 40;
  if (m.RTAX_MTU !== undefined && m.RTAX_MTU > 65535 - 15) m.RTAX_MTU = 65535 - 15;
  if (m.RTAX_HOPLIMIT !== undefined && m.RTAX_HOPLIMIT > 255) m.RTAX_HOPLIMIT = 255;
  if (m.RTAX_FEATURES !== undefined && m.RTAX_FEATURES & ~RTAX_FEATURE_MASK)
    return kerr("EINVAL", "Unknown flag set in feature mask in metrics attribute");
  return m;
}

/** net/core/rtnetlink.c: rtnetlink_put_metrics(): the metrics a message carries, those that are
 * not zero (undefined for none) */
export function rtnetlinkPutMetrics(m: RtaMetrics | undefined): RtaMetrics | undefined {
  if (!m) return undefined;
  const out: Record<string, number | string> = {};
  let any = false;
  for (const [k, v] of Object.entries(m)) {
    if (!v) continue;
    out[k] = v;
    any = true;
  }
  return any ? (out as RtaMetrics) : undefined;
}

/** net/ipv4/fib_semantics.c: fib_metrics_match() */
export function fibMetricsMatch(cfg: FibConfig, fi: FibInfo): boolean {
  if (!cfg.mx) return true;
  for (const [k, v] of Object.entries(cfg.mx)) {
    if (v === undefined) continue;
    if ((fi.metrics as Record<string, number | undefined>)[k] !== v) return false;
  }
  return true;
}

/** net/ipv4/fib_semantics.c: fib_nexthop_info() flags part */
function nhFlagsForDump(nh: FibNh): number {
  let flags = 0;
  if (nh.nhFlags & RTNH_F_DEAD) flags |= RTNH_F_DEAD;
  if (nh.nhFlags & RTNH_F_LINKDOWN) {
    flags |= RTNH_F_LINKDOWN;
    if (ipIgnoreLinkdown(nh.nhDev)) flags |= RTNH_F_DEAD;
  }
  flags |= nh.nhFlags & (RTNH_F_ONLINK | RTNH_F_OFFLOAD | RTNH_F_TRAP);
  return flags;
}

/** net/ipv4/fib_semantics.c: fib_dump_info() */
export function fibDumpInfo(
  type: "RTM_NEWROUTE" | "RTM_DELROUTE", tbId: number, faType: number, dst: number, dstLen: number, dscp: number,
  fi: FibInfo,
): RouteMsg {
  const attrs: RtaAttrs = {};
  let flags = fi.fibFlags & ~RTNH_F_LINKDOWN;
  attrs.RTA_TABLE = tbId;
  if (dstLen) attrs.RTA_DST = ipv4ToBytes(dst);
  if (fi.fibPriority) attrs.RTA_PRIORITY = fi.fibPriority;
  attrs.RTA_METRICS = rtnetlinkPutMetrics(fi.metrics);
  if (fi.fibPrefsrc) attrs.RTA_PREFSRC = ipv4ToBytes(fi.fibPrefsrc);
  /* the nexthop object's id, and a blackhole object makes the route one (the next hops follow:
   * net.ipv4.nexthop_compat_mode is 1) */
  let weights: number[] | undefined;
  if (fi.nh) {
    attrs.RTA_NH_ID = fi.nh.id;
    if (fi.nh.isBlackhole()) faType = RTN_BLACKHOLE;
    if (fi.nh.grp) weights = fi.nh.grp.entries.map((e) => e.weight);
  }
  if (fi.fibNh.length === 1) {
    const nh = fi.fibNh[0]!;
    flags |= nhFlagsForDump(nh);
    if (nh.nhGwFamily === AF_INET) attrs.RTA_GATEWAY = ipv4ToBytes(nh.nhGw4);
    if (nh.nhDev) attrs.RTA_OIF = nh.nhDev.ifindex;
  } else {
    const mp = fi.fibNh.map((nh, i) => ({
      rtnh_flags: nhFlagsForDump(nh), rtnh_hops: (weights ? weights[i]! : nh.nhWeight) - 1, rtnh_ifindex: nh.nhDev ? nh.nhDev.ifindex : 0,
      RTA_GATEWAY: nh.nhGwFamily === AF_INET ? ipv4ToBytes(nh.nhGw4) : undefined,
    }));
    attrs.RTA_MULTIPATH = mp.map((n) => (n.RTA_GATEWAY ? n : { rtnh_flags: n.rtnh_flags, rtnh_hops: n.rtnh_hops, rtnh_ifindex: n.rtnh_ifindex }));
    if (!fi.nh && fi.fibNh.every((nh) => nh.nhFlags & RTNH_F_LINKDOWN)) flags |= RTNH_F_LINKDOWN;
  }
  return {
    type,
    flags: {},
    rtm: {
      family: AF_INET, dst_len: dstLen, src_len: 0, tos: dscp, table: tbId < 256 ? tbId : RT_TABLE_COMPAT,
      protocol: fi.fibProtocol, scope: fi.fibScope, type: faType, flags,
    },
    attrs,
  };
}

/** the fib_info_devhash bucket test of fib_sync_down_dev()/fib_sync_up(): a next hop through
 * `dev` (a loop, not some() with a closure made per route and event) */
function fibInfoUsesDev(fi: FibInfo, dev: NetDevice): boolean {
  const nhs = fi.fibNh;
  for (let i = 0; i < nhs.length; i++) if (nhs[i]!.nhDev === dev) return true;
  return false;
}

/** net/ipv4/fib_semantics.c: fib_sync_down_dev() — marks the nexthops through `dev`
 * (NETDEV_CHANGE: LINKDOWN; NETDEV_DOWN/UNREGISTER: DEAD|LINKDOWN); host-scope nexthops
 * (local routes) survive a down unless forced. Returns how many fib_info lost every nexthop. */
export function fibSyncDownDev(infos: Iterable<FibInfo>, dev: NetDevice, event: "down" | "change" | "unregister", force: boolean): number {
  let ret = 0;
  const scope = force ? -1 : RT_SCOPE_NOWHERE;
  for (const fi of infos) {
    if (!fibInfoUsesDev(fi, dev)) continue;
    let dead = 0;
    for (const nh of fi.fibNh) {
      if (nh.nhFlags & RTNH_F_DEAD) dead++;
      else if (nh.nhDev === dev && nh.nhScope !== scope) {
        if (event !== "change") nh.nhFlags |= RTNH_F_DEAD;
        nh.nhFlags |= RTNH_F_LINKDOWN;
        if (event === "unregister") {
          dead = fi.fibNh.length;
          break;
        }
        dead++;
      }
    }
    if (dead === fi.fibNh.length) {
      if (event !== "change") {
        fi.fibFlags |= RTNH_F_DEAD;
        fi.fibDead = true;
      }
      fi.fibFlags |= RTNH_F_LINKDOWN;
      ret++;
    }
  }
  return ret;
}

/** net/ipv4/fib_semantics.c: fib_sync_up() — the device came up (RTNH_F_DEAD) or got its
 * carrier back (RTNH_F_LINKDOWN) */
export function fibSyncUp(infos: Iterable<FibInfo>, dev: NetDevice, nhFlags: number, running: boolean): number {
  let ret = 0;
  if (!(dev.flags & IFF_UP)) return 0;
  if (nhFlags & RTNH_F_DEAD && running) nhFlags |= RTNH_F_LINKDOWN;
  for (const fi of infos) {
    if (!fibInfoUsesDev(fi, dev)) continue;
    let alive = 0;
    for (const nh of fi.fibNh) {
      if (!(nh.nhFlags & nhFlags)) {
        alive++;
        continue;
      }
      if (!nh.nhDev || !(nh.nhDev.flags & IFF_UP)) continue;
      if (nh.nhDev !== dev || !devInDevice(dev)) continue;
      alive++;
      nh.nhFlags &= ~nhFlags;
    }
    if (alive > 0) {
      fi.fibFlags &= ~nhFlags;
      if (!(fi.fibFlags & RTNH_F_DEAD)) fi.fibDead = false;
      ret++;
    }
  }
  return ret;
}

export { RTN_UNSPEC, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW, RTN_NAT, RTN_BROADCAST, RTN_ANYCAST, RTN_MULTICAST };
