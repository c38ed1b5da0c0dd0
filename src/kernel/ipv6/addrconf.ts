/**
 * net/ipv6/addrconf.c, reduced to what a box with IPv6 left at its defaults shows: per-device
 * inet6_dev, the link-local fe80::/64 EUI-64 address made when a device becomes ready (up
 * with carrier), ::1/128 on lo, their routes (fe80::/64 in main, local and ff00::/8 in local),
 * RTM_GETADDR/RTM_GETROUTE dumps for AF_INET6, IFLA_AF_SPEC AF_INET6 (addrgenmode), the
 * net/ipv6/conf/{all,default,DEV}/* sysctls (disable_ipv6 acts), the interface token (`ip
 * token`: IFLA_INET6_TOKEN) and /proc/net/if_inet6. The address-label table is addrlabel.ts's.
 * DAD, solicited-node joins, MLD and router solicitations are ndisc.ts's (and mcast.ts's).
 */
import { ipv6SysctlNetInit, ndiscParms, ndiscSysctlRegister, ndiscSysctlUnregister } from "./sysctl_net_ipv6.ts";
import type { NeighParms } from "../core/neighbour.ts";
import { registerFamilyIoctl } from "../core/dev_ioctl.ts";
import { snmp6SeqShow, ipv6MibFoldDev } from "./proc.ts";
import { sysctlDevNameIsAllowed, type NetDevice } from "../core/netdevice.ts";
import { NetGeneric, registerPernetOps, type Net } from "../core/net_namespace.ts";
import { registerNetdeviceNotifier, NETDEV_REGISTER, NETDEV_UNREGISTER, NETDEV_UP, NETDEV_DOWN, NETDEV_CHANGE,
  NETDEV_CHANGENAME, NETDEV_CHANGEMTU, NOTIFY_DONE, NOTIFY_BAD } from "../core/notifier.ts";
import { rtnlRegister, registerRtnlAfOps, rtnetlinkRcvMsg } from "../core/rtnetlink.ts";
import { rtnlHasListeners, rtnlNotify } from "../core/rtnl_notify.ts";
import { registerNetSysctl, unregisterNetSysctl, procParseInts, type CtlTable } from "../core/sysctl.ts";
import { registerProcNet } from "../core/procfs.ts";
import { netifOperUp, netifRunning, devGetFlags, devGetIflink, devGetByIndex } from "../core/dev.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import { netSched } from "../core/dev_path.ts";
import { usToClockT } from "../core/jiffies.ts";
import { USEC_PER_SEC } from "../../sim/scheduler.ts";
import {
  AF_INET6, IFA_F_PERMANENT, IFA_F_TENTATIVE, IFA_F_NODAD, IFA_F_OPTIMISTIC, IFA_F_NOPREFIXROUTE, IFA_F_DADFAILED, IFA_F_DEPRECATED,
  IFA_F_MANAGETEMPADDR, IFA_F_MCAUTOJOIN, RT_SCOPE_LINK, RT_SCOPE_HOST, RT_SCOPE_UNIVERSE, RT_TABLE_MAIN,
  RT_TABLE_LOCAL, RTN_UNICAST, RTN_LOCAL, RTN_MULTICAST, RTPROT_KERNEL, RTNH_F_LINKDOWN, RTNH_F_ONLINK, RTN_BLACKHOLE,
  RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW, RTN_ANYCAST, RTM_F_FIB_MATCH, RTM_F_CLONED, NETCONFA_IFINDEX_ALL, NETCONFA_IFINDEX_DEFAULT,
  RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV6_NETCONF,
  type AddrMsg, type RouteMsg, type RtnlMsg, type IflaAttrs, type LinkMsg, type NetconfMsg, type NlAck, type RtaCacheInfo,
} from "../uapi/rtnetlink.ts";
import { IFF_LOOPBACK, IFF_NOARP, IFF_UP, ARPHRD_ETHER, ARPHRD_LOOPBACK, IF_OPER_UP, IF_OPER_UNKNOWN, IFF_MULTICAST } from "../uapi/if.ts";
import {
  addrconfDadStart as ndiscDadStart, addrconfLeaveSolict, ndiscIfdown, ndiscDevReady, ipv6AcceptRa, addrconfRsRestart,
  ndiscNeighIfdown, type DadState, type NdDev,
} from "./ndisc.ts";
import { ipv6AddrLabelInit, ipv6AddrLabelRtnlRegister } from "./addrlabel.ts";
import { ipv6AddrEqual as sameAddr, in6addrLoopback } from "./ip6_output.ts";
import { __ipv6DevAcInc, __ipv6DevAcDec, procAnycast6, type Ifacaddr6 } from "./anycast.ts";
import { __ipv6DevMcInc, __ipv6DevMcDec } from "./mcast.ts";
import { rt6Key, rt6HasExceptions, rt6FindCachedRt, rt6ExceptionsOf, rt6FlushExceptions, rt6RemoveException, rt6ExceptionsUpdatePmtu, type Rt6Exception } from "./rt6_exception.ts";

export const IN6_ADDR_GEN_MODE_EUI64 = 0;
export const IN6_ADDR_GEN_MODE_NONE = 1;
export const IN6_ADDR_GEN_MODE_STABLE_PRIVACY = 2;
export const IN6_ADDR_GEN_MODE_RANDOM = 3;
const IPV6_MIN_MTU = 1280;
const INFINITY_LIFE_TIME = 0xffffffff;

/** struct inet6_ifaddr, reduced */
export interface Inet6Ifaddr {
  addr: Uint8Array;
  prefixLen: number;
  scope: number; // RT_SCOPE_*
  flags: number; // IFA_F_*
  idev: Inet6Dev;
  cstamp: number;
  tstamp: number;
  /** valid_lft / prefered_lft in seconds from tstamp (INFINITY_LIFE_TIME: forever) */
  validLft: number;
  preferedLft: number;
  /** IFA_RT_PRIORITY: the metric of its prefix route (0: IP6_RT_PRIO_ADDRCONF) */
  rtPriority: number;
  /** its local route (ifp->rt) is in the fib: inserted once DAD is over (__ipv6_ifa_notify()) */
  rtIn: boolean;
  /** ndisc.ts's DAD state of the address (ifp->state, dad_probes, dad_work…), made when first
   * needed */
  dad: DadState | undefined;
}

/** a prefix route addrconf_prefix_route() made; `expires` (simulated µs) with RTF_EXPIRES */
interface PrefixRoute {
  dst: Uint8Array;
  plen: number;
  metric: number;
  seq: number;
  expires?: number;
}

/** struct inet6_dev, reduced */
export interface Inet6Dev {
  dev: NetDevice;
  addrList: Inet6Ifaddr[];
  cnf: Inet6Cnf;
  /** IF_READY */
  ready: boolean;
  /** the multicast route ff00::/8 and fe80::/64 prefix route exist */
  routes: { mroute: boolean };
  /** the prefix routes addrconf_prefix_route() made (fe80::/64, an added address's prefix) */
  prefixRoutes: PrefixRoute[];
  /** order in which routes were inserted (fib6 keeps insertion order among equals) */
  mrouteSeq: number;
  llSeq: number;
  dadTimer: { cancel(): void } | undefined;
  /** the interface identifier `ip token` sets (its low 8 bytes; :: when none) */
  token: Uint8Array;
  /** nd_parms: the device's neighbour discovery parameters (net/ipv6/neigh/DEV) */
  ndParms: NeighParms;
  /** mcast.ts's state of the device (struct inet6_dev's mc_list & co.), set on first use */
  mc?: unknown;
  /** ac_list: the device's anycast addresses, newest first (anycast.ts) */
  acList: Ifacaddr6[];
  /** ndisc.ts's RS and readiness state (if_flags, rs_timer…), made when first needed */
  nd: NdDev | undefined;
}

interface AddrconfNet {
  all: Inet6Cnf;
  dflt: Inet6Cnf;
  seq: number;
  /** fib6_new_table(): the tables beyond main and local a route was ever added to */
  tables?: Set<number>;
  /** net->ipv6.ip6_fib_timer while pending */
  gcTimer?: { cancel(): void };
}

const pernet = new NetGeneric<AddrconfNet>();

/** net/ipv6/addrconf.c: ipv6_devconf / ipv6_devconf_dflt (Linux 6.18), as `sysctl` shows them */
const DEVCONF_DEFAULTS: [string, number | string][] = [
  ["accept_dad", 1], ["accept_ra", 1], ["accept_ra_defrtr", 1], ["accept_ra_from_local", 0],
  ["accept_ra_min_hop_limit", 1], ["accept_ra_min_lft", 0], ["accept_ra_mtu", 1], ["accept_ra_pinfo", 1],
  ["accept_ra_rt_info_max_plen", 0], ["accept_ra_rt_info_min_plen", 0], ["accept_ra_rtr_pref", 1],
  ["accept_redirects", 1], ["accept_source_route", 0], ["accept_untracked_na", 0], ["addr_gen_mode", 0],
  ["autoconf", 1], ["dad_transmits", 1], ["disable_ipv6", 0], ["disable_policy", 0],
  ["drop_unicast_in_l2_multicast", 0], ["drop_unsolicited_na", 0], ["enhanced_dad", 1], ["force_forwarding", 0],
  ["force_mld_version", 0], ["force_tllao", 0], ["forwarding", 0], ["hop_limit", 64],
  ["ignore_routes_with_linkdown", 0], ["ioam6_enabled", 0], ["ioam6_id", 65535], ["ioam6_id_wide", 4294967295],
  ["keep_addr_on_down", 0], ["max_addresses", 16], ["max_desync_factor", 600], ["mc_forwarding", 0],
  ["mldv1_unsolicited_report_interval", 10000], ["mldv2_unsolicited_report_interval", 1000], ["mtu", 1280],
  ["ndisc_evict_nocarrier", 1], ["ndisc_notify", 0], ["ndisc_tclass", 0], ["optimistic_dad", 0], ["proxy_ndp", 0],
  ["ra_defrtr_metric", 1024], ["ra_honor_pio_life", 0], ["ra_honor_pio_pflag", 0], ["regen_max_retry", 3],
  ["regen_min_advance", 2], ["router_probe_interval", 60], ["router_solicitation_delay", 1],
  ["router_solicitation_interval", 4], ["router_solicitation_max_interval", 3600], ["router_solicitations", -1],
  ["rpl_seg_enabled", 0], ["seg6_enabled", 0], ["seg6_require_hmac", 0], ["stable_secret", ""],
  ["suppress_frag_ndisc", 1], ["temp_prefered_lft", 86400], ["temp_valid_lft", 604800], ["use_oif_addrs_only", 0],
  ["use_optimistic", 0], ["use_tempaddr", 0],
];
const RO_ENTRIES = new Set(["mc_forwarding"]);

function addrconfNet(net: Net): AddrconfNet {
  let s = pernet.get(net);
  if (!s) {
    // ipv6_devconf (all) differs from ipv6_devconf_dflt in accept_dad
    s = { all: new Inet6Cnf(DEVCONF_ALL_CNF), dflt: new Inet6Cnf(), seq: 0 };
    pernet.set(net, s);
  }
  return s;
}

/** net->ipv6.devconf_all's value of `name` */
export function addrconfAllCnf(net: Net, name: string): number {
  return Number(addrconfNet(net).all.get(name) ?? 0);
}

export function devInet6(dev: NetDevice): Inet6Dev | undefined {
  return dev.ip6Ptr as Inet6Dev | undefined;
}

function now(net: Net): number {
  const h = net.host as unknown as { world?: { sched?: { now: number } } };
  return h.world?.sched?.now ?? 0;
}

// ---------------------------------------------------------------------------- inet6_dev

const DEVCONF_INDEX = new Map(DEVCONF_DEFAULTS.map(([name], i) => [name, i]));
const DEVCONF_DISABLE_IPV6 = DEVCONF_INDEX.get("disable_ipv6")!;
const DEVCONF_MTU = DEVCONF_INDEX.get("mtu")!;

/** the built-in defaults (ipv6_devconf_dflt), which new confs share until written (set
 * once the class below exists) */
let DEVCONF_DEFAULT_CNF: Inet6Cnf | undefined;

/**
 * struct ipv6_devconf (a namespace's all and default, each device's own), read and written by
 * name: one slot per entry of DEVCONF_DEFAULTS, as the C struct has one field per sysctl. (A
 * Map per conf cost a namespace with one device ~6 KB and its copying most of ipv6_add_dev().)
 * A device's disable_ipv6, which every frame it sends or receives asks for, is also kept on
 * the device (NetDevice.ip6Disabled).
 */
export class Inet6Cnf {
  /** the values but mtu; shared with the conf this one was copied from (or the built-in
   * defaults) until either writes a value it does not hold already: a namespace's all and
   * default and each device's conf are copies of ~60 values that most never change */
  private vals: (number | string)[];
  private cow: boolean;
  /** mtu6: every device's conf writes its own at ipv6_add_dev(), so not in the shared values */
  private mtu6: number | string;
  /** the device whose conf this is (a namespace's all and default have none) */
  owner: NetDevice | undefined = undefined;

  /** a copy of `from`, or the built-in defaults */
  constructor(from?: Inet6Cnf) {
    const src = from ?? DEVCONF_DEFAULT_CNF;
    if (src === undefined) {
      this.vals = DEVCONF_DEFAULTS.map(([, v]) => v);
      this.cow = false;
      this.mtu6 = this.vals[DEVCONF_MTU]!;
    } else {
      this.vals = src.vals;
      this.cow = src.cow = true;
      this.mtu6 = src.mtu6;
    }
  }

  /** this conf holds `o`'s values (mtu aside) because it shares them */
  sharesValuesOf(o: Inet6Cnf): boolean {
    return this.vals === o.vals;
  }

  get(name: string): number | string | undefined {
    const i = DEVCONF_INDEX.get(name);
    return i === undefined ? undefined : i === DEVCONF_MTU ? this.mtu6 : this.vals[i];
  }

  set(name: string, v: number | string): this {
    const i = DEVCONF_INDEX.get(name);
    if (i === undefined) throw new Error(`ipv6_devconf has no ${name}`);
    if (i === DEVCONF_MTU) this.mtu6 = v;
    else if (this.vals[i] !== v) {
      if (this.cow) {
        this.vals = this.vals.slice();
        this.cow = false;
      }
      this.vals[i] = v;
    }
    if (i === DEVCONF_DISABLE_IPV6 && this.owner !== undefined) this.owner.ip6Disabled = Number(v);
    return this;
  }
}

DEVCONF_DEFAULT_CNF = new Inet6Cnf();
/** ipv6_devconf (all): the defaults but accept_dad */
const DEVCONF_ALL_CNF = new Inet6Cnf().set("accept_dad", 0);
/** what ipv6_add_dev() makes of the defaults for a loopback device (below) */
const DEVCONF_LOOPBACK_CNF = new Inet6Cnf().set("accept_dad", -1).set("use_tempaddr", -1);

/** the token of every inet6_dev no `ip token` has set (::): one for all, never written
 * (inet6SetIftoken() gives the device its own first) */
const NO_TOKEN = new Uint8Array(16);

/** net/ipv6/addrconf.c: ipv6_add_dev() */
function ipv6AddDev(dev: NetDevice): Inet6Dev | undefined | KErr {
  if (dev.mtu < IPV6_MIN_MTU && !(dev.flags & IFF_LOOPBACK)) return undefined;
  const s = addrconfNet(dev.net);
  // (a loopback device of a namespace whose default conf is still the built-in one shares
  // the values the two writes below make of it: every namespace's lo)
  const loDefaults = dev.flags & IFF_LOOPBACK && s.dflt.sharesValuesOf(DEVCONF_DEFAULT_CNF!);
  const cnf = new Inet6Cnf(loDefaults ? DEVCONF_LOOPBACK_CNF : s.dflt);
  cnf.set("mtu", dev.mtu);
  if (dev.flags & IFF_LOOPBACK) {
    // ipv6_add_dev(): no DAD and no temporary addresses on loopback
    cnf.set("accept_dad", -1);
    cnf.set("use_tempaddr", -1);
  }
  const idev: Inet6Dev = {
    dev, addrList: [], cnf, ready: false, routes: { mroute: false }, prefixRoutes: [], mrouteSeq: 0, llSeq: 0,
    dadTimer: undefined, token: NO_TOKEN, ndParms: ndiscParms(dev),
    // (set on first use, but a field of the object from the start: not a properties store of
    // its own to reach for every multicast frame received)
    mc: undefined,
    acList: [],
    nd: undefined,
  };
  cnf.owner = dev;
  // addrconf_sysctl_register(): a name the sysctl tree refuses gets no inet6_dev (EINVAL)
  if (!sysctlDevNameIsAllowed(dev.name)) return kerr("EINVAL");
  dev.ip6Ptr = idev;
  // the receive path's summary of it on the device (a new inet6_dev: no group)
  dev.ip6Disabled = Number(cnf.get("disable_ipv6"));
  dev.ip6McBits = 0;
  addrconfSysctlRegister(idev);
  return idev;
}

/** net/ipv6/addrconf.c: addrconf_sysctl_register(): neigh/DEV and conf/DEV, the latter
 * announced to RTNLGRP_IPV6_NETCONF (on the lab kernel without NETCONFA_MC_FORWARDING, which
 * RTM_GETNETCONF answers carry) */
function addrconfSysctlRegister(idev: Inet6Dev): void {
  const dev = idev.dev;
  ndiscSysctlRegister(dev, idev.ndParms);
  registerNetSysctl(dev.net, `net/ipv6/conf/${dev.name}`, () => confTable(dev.net, idev.cnf, idev));
  if (rtnlHasListeners(dev.net, RTNLGRP_IPV6_NETCONF)) {
    const m = inet6NetconfFill(dev.ifindex, idev.cnf);
    delete m.attrs.NETCONFA_MC_FORWARDING;
    rtnlNotify(dev.net, RTNLGRP_IPV6_NETCONF, m);
  }
}

/** net/ipv6/addrconf.c: addrconf_sysctl_unregister() of what was registered under `name`,
 * with its RTM_DELNETCONF */
function addrconfSysctlUnregister(idev: Inet6Dev, name: string): void {
  const net = idev.dev.net;
  unregisterNetSysctl(net, `net/ipv6/conf/${name}`);
  if (rtnlHasListeners(net, RTNLGRP_IPV6_NETCONF)) {
    rtnlNotify(net, RTNLGRP_IPV6_NETCONF, { type: "RTM_DELNETCONF", flags: {}, ncm: { family: AF_INET6 }, attrs: { NETCONFA_IFINDEX: idev.dev.ifindex } });
  }
  ndiscSysctlUnregister(net, name);
}

/** net/ipv6/addrconf.c: addrconf_link_ready() */
function addrconfLinkReady(dev: NetDevice): boolean {
  return netifOperUp(dev) && dev.qdisc !== "noop";
}

/** net/ipv6/addrconf.c: ipv6_generate_eui64() for Ethernet-like devices */
function ipv6GenerateEui64(dev: NetDevice): Uint8Array | undefined {
  if (dev.type !== ARPHRD_ETHER || dev.addrLen !== 6) return undefined;
  const a = dev.devAddr;
  return Uint8Array.of(a[0]! ^ 2, a[1]!, a[2]!, 0xff, 0xfe, a[3]!, a[4]!, a[5]!);
}

function addAddr(idev: Inet6Dev, addr: Uint8Array, plen: number, scope: number, flags: number): Inet6Ifaddr {
  const t = now(idev.dev.net);
  const ifp: Inet6Ifaddr = {
    addr, prefixLen: plen, scope, flags, idev, cstamp: t, tstamp: t, validLft: INFINITY_LIFE_TIME, preferedLft: INFINITY_LIFE_TIME,
    rtPriority: 0, rtIn: false, dad: undefined,
  };
  // ipv6_link_dev_addr(): before the first address of the same or a smaller source scope
  const sc = ipv6AddrSrcScope(addr);
  let i = 0;
  while (i < idev.addrList.length && sc < ipv6AddrSrcScope(idev.addrList[i]!.addr)) i++;
  idev.addrList.splice(i, 0, ifp);
  return ifp;
}

/** include/net/ipv6.h: ipv6_addr_src_scope() (IPV6_ADDR_SCOPE_*) */
function ipv6AddrSrcScope(a: Uint8Array): number {
  if (a.slice(0, 15).every((b) => b === 0) && a[15] === 1) return 0x01;
  if (a[0] === 0xfe && (a[1]! & 0xc0) === 0x80) return 0x02;
  if (a[0] === 0xfe && (a[1]! & 0xc0) === 0xc0) return 0x05;
  if (a[0] === 0xff) return a[1]! & 0x0f;
  return 0x0e;
}

/** net/ipv6/addrconf.c: ipv6_addr_scope() as RT_SCOPE_* (what RTM_NEWADDR reports) */
function ipv6AddrRtScope(a: Uint8Array): number {
  switch (ipv6AddrSrcScope(a)) {
    case 0x01: return RT_SCOPE_HOST;
    case 0x02: return RT_SCOPE_LINK;
    case 0x05: return 200; // RT_SCOPE_SITE
    default: return RT_SCOPE_UNIVERSE;
  }
}

function prefixOf(a: Uint8Array, plen: number): Uint8Array {
  const p = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const bits = Math.max(0, Math.min(8, plen - i * 8));
    p[i] = a[i]! & ((0xff << (8 - bits)) & 0xff);
  }
  return p;
}


/**
 * net/ipv6/addrconf.c: addrconf_prefix_route() (metric IP6_RT_PRIO_ADDRCONF unless given),
 * `expires` µs from now with RTF_EXPIRES (undefined: none); the route already there takes the
 * new one's expiry (fib6_add_rt2node()), and an expiring one starts fib6's gc timer
 */
function addrconfPrefixRoute(idev: Inet6Dev, addr: Uint8Array, plen: number, metric: number, expires?: number): void {
  // ip6_route_add() → fib6_nh_init(): "Nexthop device is not up" (addrconf_permanent_addr()
  // makes it when the device comes up)
  if (!(idev.dev.flags & IFF_UP)) return;
  const dst = prefixOf(addr, plen);
  const m = metric || 256;
  const at = expires === undefined ? undefined : now(idev.dev.net) + expires;
  const old = idev.prefixRoutes.find((r) => r.plen === plen && r.metric === m && sameAddr(r.dst, dst));
  if (old) old.expires = at;
  else {
    const pr: PrefixRoute = { dst, plen, metric: m, seq: ++addrconfNet(idev.dev.net).seq, expires: at };
    idev.prefixRoutes.push(pr);
    inet6RtNotify("RTM_NEWROUTE", prefixRt6(idev, pr));
  }
  if (at !== undefined) fib6StartGc(idev.dev.net);
}

/** net/ipv6/addrconf.c: addrconf_add_mroute(): ff00::/8 in the local table */
function addrconfAddMroute(idev: Inet6Dev): void {
  if (idev.routes.mroute) return;
  idev.routes.mroute = true;
  idev.mrouteSeq = ++addrconfNet(idev.dev.net).seq;
  inet6RtNotify("RTM_NEWROUTE", mrouteRt6(idev));
}

/** net/ipv6/addrconf.c: inet6_ifa_notify() — the address to RTNLGRP_IPV6_IFADDR */
function inet6IfaNotify(type: "RTM_NEWADDR" | "RTM_DELADDR", ifp: Inet6Ifaddr): void {
  const net = ifp.idev.dev.net;
  if (!rtnlHasListeners(net, RTNLGRP_IPV6_IFADDR)) return;
  rtnlNotify(net, RTNLGRP_IPV6_IFADDR, { ...inet6FillIfaddr(ifp), type });
}

/** net/ipv6/route.c: inet6_rt_notify() — the route to RTNLGRP_IPV6_ROUTE */
function inet6RtNotify(type: "RTM_NEWROUTE" | "RTM_DELROUTE", r: Rt6, carrier?: boolean): void {
  const net = r.dev.net;
  // fib6_del_route() -> fib6_purge_rt() -> fib6_nh_flush_exceptions(): its exceptions go with it
  if (type === "RTM_DELROUTE" && rt6HasExceptions(net)) rt6FlushExceptions(net, rt6Key(r));
  if (!rtnlHasListeners(net, RTNLGRP_IPV6_ROUTE)) return;
  rtnlNotify(net, RTNLGRP_IPV6_ROUTE, { ...rt6FillNode(r, carrier), type });
}

/**
 * net/ipv6/addrconf.c: ipv6_ifa_notify() / __ipv6_ifa_notify(): the address's message
 * (RTM_NEWADDR for event 0), then for RTM_NEWADDR its local route into the fib unless there,
 * for RTM_DELADDR the local route out
 */
export function ipv6IfaNotify(event: 0 | "RTM_NEWADDR" | "RTM_DELADDR", ifp: Inet6Ifaddr): void {
  inet6IfaNotify(event || "RTM_NEWADDR", ifp);
  const forwarding = Number(ifp.idev.cnf.get("forwarding")) !== 0;
  if (event === "RTM_NEWADDR") {
    if (!ifp.rtIn) {
      ifp.rtIn = true;
      inet6RtNotify("RTM_NEWROUTE", localRt6(ifp));
    }
    if (forwarding) addrconfJoinAnycast(ifp);
  } else if (event === "RTM_DELADDR") {
    if (forwarding) addrconfLeaveAnycast(ifp);
    if (ifp.rtIn) {
      ifp.rtIn = false;
      inet6RtNotify("RTM_DELROUTE", localRt6(ifp));
    }
  }
}

/** net/ipv6/addrconf.c: addrconf_join_anycast() / addrconf_leave_anycast(): the subnet-router
 * anycast address of the address's prefix (none for a /127 or /128, RFC 6164, nor for ::) */
function anycastOf(ifp: Inet6Ifaddr): Uint8Array | undefined {
  if (ifp.prefixLen >= 127) return undefined;
  const a = prefixOf(ifp.addr, ifp.prefixLen);
  return a.some((b) => b !== 0) ? a : undefined;
}

function addrconfJoinAnycast(ifp: Inet6Ifaddr): void {
  const a = anycastOf(ifp);
  if (a) __ipv6DevAcInc(ifp.idev, a);
}

function addrconfLeaveAnycast(ifp: Inet6Ifaddr): void {
  const a = anycastOf(ifp);
  if (a) __ipv6DevAcDec(ifp.idev, a);
}

/** anycast.c's aca_rt: into the fib when the anycast address is made, out when it goes
 * (unless the link going down took it already) */
export function addrconfAnycastRoute(idev: Inet6Dev, aca: Ifacaddr6, add: boolean): void {
  if (add === aca.rtIn) return;
  aca.rtIn = add;
  inet6RtNotify(add ? "RTM_NEWROUTE" : "RTM_DELROUTE", anycastRt6(idev, aca));
}

/**
 * net/ipv6/addrconf.c: dev_forward_change(): a device's forwarding turned on joins the
 * all-routers groups and the subnet-router anycast address of each of its prefixes (its
 * tentative addresses' when their DAD ends); off, it leaves them; then RTM_NEWNETCONF
 */
function devForwardChange(idev: Inet6Dev): void {
  const dev = idev.dev;
  const on = Number(idev.cnf.get("forwarding")) !== 0;
  if (dev.flags & IFF_MULTICAST) {
    for (const g of ALL_ROUTERS) (on ? __ipv6DevMcInc : __ipv6DevMcDec)(idev, g);
  }
  for (const ifp of idev.addrList) {
    if (ifp.flags & IFA_F_TENTATIVE) continue;
    if (on) addrconfJoinAnycast(ifp);
    else addrconfLeaveAnycast(ifp);
  }
  inet6NetconfNotify(dev.net, dev.ifindex, idev.cnf, "forwarding");
}

/** in6addr_linklocal_allrouters, in6addr_interfacelocal_allrouters, in6addr_sitelocal_allrouters */
const ALL_ROUTERS = [0x02, 0x01, 0x05].map((scope) => Uint8Array.of(0xff, scope, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2));

/** the NETCONFA_* attribute a conf/ entry reports (inet6_netconf_notify_devconf()'s type) */
const NETCONF_ATTR: Record<string, "NETCONFA_FORWARDING" | "NETCONFA_PROXY_NEIGH" | "NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN"> = {
  forwarding: "NETCONFA_FORWARDING",
  proxy_ndp: "NETCONFA_PROXY_NEIGH",
  ignore_routes_with_linkdown: "NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN",
};

/** net/ipv6/addrconf.c: inet6_netconf_notify_devconf() of one setting */
function inet6NetconfNotify(net: Net, ifindex: number, cnf: Inet6Cnf, name: string): void {
  if (!rtnlHasListeners(net, RTNLGRP_IPV6_NETCONF)) return;
  rtnlNotify(net, RTNLGRP_IPV6_NETCONF, {
    type: "RTM_NEWNETCONF", flags: {}, ncm: { family: AF_INET6 },
    attrs: { NETCONFA_IFINDEX: ifindex, [NETCONF_ATTR[name]!]: Number(cnf.get(name)) },
  });
}

/**
 * net/ipv6/addrconf.c: addrconf_fixup_forwarding() / addrconf_fixup_linkdown() and the
 * proxy_ndp handler: a new value of forwarding, ignore_routes_with_linkdown or proxy_ndp in
 * `which`'s conf. default's is announced when it changes; all's goes to default and every
 * device (forwarding announces default too), each device that changed announced (forwarding
 * through dev_forward_change()), then all's when it changed.
 */
function addrconfFixupNetconf(net: Net, cnf: Inet6Cnf, which: Inet6Dev | "all" | "default", name: string, v: number): void {
  const old = Number(cnf.get(name));
  cnf.set(name, v);
  const changed = (a: number, b: number) => !a !== !b;
  if (which === "default") {
    if (changed(old, v)) inet6NetconfNotify(net, NETCONFA_IFINDEX_DEFAULT, cnf, name);
    return;
  }
  if (which === "all" && name !== "proxy_ndp") {
    const s = addrconfNet(net);
    const oldDflt = Number(s.dflt.get(name));
    s.dflt.set(name, v);
    if (name === "forwarding" && changed(oldDflt, v)) inet6NetconfNotify(net, NETCONFA_IFINDEX_DEFAULT, s.dflt, name);
    for (const d of net.devices()) {
      const idev = devInet6(d);
      if (!idev) continue;
      const was = Number(idev.cnf.get(name));
      idev.cnf.set(name, v);
      if (!changed(was, v)) continue;
      if (name === "forwarding") devForwardChange(idev);
      else inet6NetconfNotify(net, d.ifindex, idev.cnf, name);
    }
  }
  if (!changed(old, v)) return;
  if (which === "all") inet6NetconfNotify(net, NETCONFA_IFINDEX_ALL, cnf, name);
  else if (name === "forwarding") devForwardChange(which);
  else inet6NetconfNotify(net, which.dev.ifindex, cnf, name);
}

/** ip6_fib.c: fib6_start_gc(): the gc timer armed gc_interval (30 s) on, unless pending */
function fib6StartGc(net: Net): void {
  const an = addrconfNet(net);
  if (an.gcTimer) return;
  an.gcTimer = netSched(net).after(FIB6_GC_INTERVAL, () => fib6RunGc(net), "ip6_fib_timer");
}

/** ip6_fib.c: fib6_gc_timer_cb() → fib6_run_gc(): expired routes go; again while any expires */
function fib6RunGc(net: Net): void {
  const an = addrconfNet(net);
  an.gcTimer = undefined;
  const t = now(net);
  let more = false;
  for (const dev of net.devices()) {
    const idev = devInet6(dev);
    if (!idev) continue;
    // fib6_age() → fib6_del(): each announced
    for (const r of idev.prefixRoutes) if (r.expires !== undefined && r.expires <= t) inet6RtNotify("RTM_DELROUTE", prefixRt6(idev, r));
    idev.prefixRoutes = idev.prefixRoutes.filter((r) => r.expires === undefined || r.expires > t);
    if (idev.prefixRoutes.some((r) => r.expires !== undefined)) more = true;
  }
  if (more) fib6StartGc(net);
}

/** net/ipv6/addrconf.c: addrconf_timeout_fixup() + addrconf_finite_timeout(): a lifetime in
 * µs, or undefined for forever */
function finiteLifetime(lft: number): number | undefined {
  return lft === INFINITY_LIFE_TIME ? undefined : lft * USEC_PER_SEC;
}

/** what inet6_addr_add() / inet6_addr_modify() make of the lifetimes: PERMANENT without a
 * valid lifetime, DEPRECATED with a preferred one of 0 */
function lifetimeFlags(valid: number, prefered: number): number {
  return (valid === INFINITY_LIFE_TIME ? IFA_F_PERMANENT : 0) | (prefered === 0 ? IFA_F_DEPRECATED : 0);
}

/** net/ipv6/addrconf.c: addrconf_verify_rtnl() for one address: deprecated when its
 * preferred lifetime has passed, deleted with its valid one (the work's wakeup rounded up to a
 * whole second, ages counted with ADDRCONF_TIMER_FUZZ_MINUS) */
function addrconfVerify(ifp: Inet6Ifaddr): void {
  const net = ifp.idev.dev.net;
  lifetimeTimers.get(ifp)?.cancel();
  lifetimeTimers.delete(ifp);
  if (ifp.flags & IFA_F_PERMANENT && ifp.preferedLft === INFINITY_LIFE_TIME) return;
  const t = now(net);
  const age = Math.floor((t - ifp.tstamp + ADDRCONF_TIMER_FUZZ_MINUS) / USEC_PER_SEC);
  if (ifp.validLft !== INFINITY_LIFE_TIME && age >= ifp.validLft) {
    if (ifp.idev.addrList.includes(ifp)) ipv6DelAddr(ifp);
    return;
  }
  let next: number | undefined;
  if (ifp.preferedLft !== INFINITY_LIFE_TIME) {
    if (age >= ifp.preferedLft) {
      if (!(ifp.flags & IFA_F_DEPRECATED)) {
        ifp.flags |= IFA_F_DEPRECATED;
        ipv6IfaNotify(0, ifp);
      }
    } else next = ifp.tstamp + ifp.preferedLft * USEC_PER_SEC;
  }
  if (ifp.validLft !== INFINITY_LIFE_TIME) {
    const v = ifp.tstamp + ifp.validLft * USEC_PER_SEC;
    if (next === undefined || v < next) next = v;
  }
  if (next === undefined) return;
  const wake = Math.max(Math.ceil(next / USEC_PER_SEC) * USEC_PER_SEC, t + ADDRCONF_TIMER_FUZZ_MAX);
  lifetimeTimers.set(ifp, netSched(net).after(wake - t, () => addrconfVerify(ifp), "addr_chk_work"));
}

const lifetimeTimers = new WeakMap<Inet6Ifaddr, { cancel(): void }>();
/** ADDRCONF_TIMER_FUZZ_MINUS (HZ/50) and ADDRCONF_TIMER_FUZZ_MAX (HZ), in µs */
const ADDRCONF_TIMER_FUZZ_MINUS = 20_000;
const ADDRCONF_TIMER_FUZZ_MAX = USEC_PER_SEC;
/** net.ipv6.route.gc_interval's default (30 s) */
const FIB6_GC_INTERVAL = 30 * USEC_PER_SEC;

/** net/ipv6/addrconf.c: ipv6_del_addr() + cleanup_prefix_route() */
export function ipv6DelAddr(ifp: Inet6Ifaddr): void {
  const idev = ifp.idev;
  idev.addrList = idev.addrList.filter((x) => x !== ifp);
  lifetimeTimers.get(ifp)?.cancel();
  lifetimeTimers.delete(ifp);
  ipv6IfaNotify("RTM_DELADDR", ifp);
  addrconfLeaveSolict(ifp);
  if (ifp.flags & IFA_F_PERMANENT && !(ifp.flags & IFA_F_NOPREFIXROUTE)) {
    const dst = prefixOf(ifp.addr, ifp.prefixLen);
    const stillUsed = idev.addrList.some((x) => x.prefixLen === ifp.prefixLen && sameAddr(prefixOf(x.addr, x.prefixLen), dst));
    if (!stillUsed) {
      for (const r of idev.prefixRoutes) if (r.plen === ifp.prefixLen && sameAddr(r.dst, dst)) inet6RtNotify("RTM_DELROUTE", prefixRt6(idev, r));
      idev.prefixRoutes = idev.prefixRoutes.filter((r) => !(r.plen === ifp.prefixLen && sameAddr(r.dst, dst)));
    }
  }
}

/** net/ipv6/addrconf.c: inet6_rtm_newaddr() */
export function inet6RtmNewaddr(net: Net, m: AddrMsg): KErr | undefined {
  const ifm = m.ifa;
  const pfx = m.attrs.IFA_ADDRESS ?? m.attrs.IFA_LOCAL;
  if (!pfx || pfx.length !== 16) return kerr("EINVAL");
  if (ifm.prefixlen > 128) return kerr("EINVAL", "ipv6: Invalid prefix length");
  const dev = net.devices().find((d) => d.ifindex === ifm.index);
  if (!dev) return kerr("ENODEV", "ipv6: Unable to find the interface");
  const idev = devInet6(dev);
  if (!idev) return kerr("ENOBUFS");
  if (idev.cnf.get("disable_ipv6")) return kerr("EACCES", "ipv6: IPv6 is disabled on this device");
  const flags = (m.attrs.IFA_FLAGS ?? ifm.flags) & (IFA_F_NODAD | IFA_F_OPTIMISTIC | IFA_F_NOPREFIXROUTE | IFA_F_MANAGETEMPADDR | IFA_F_MCAUTOJOIN);
  const ci = m.attrs.IFA_CACHEINFO;
  const validLft = ci ? ci.ifa_valid >>> 0 : INFINITY_LIFE_TIME;
  const preferedLft = ci ? ci.ifa_prefered >>> 0 : INFINITY_LIFE_TIME;
  // inet6_rtm_newaddr(): "address lifetime invalid"
  if (!validLft || preferedLft > validLft) return kerr("EINVAL", "ipv6: address lifetime invalid");
  const existing = idev.addrList.find((x) => sameAddr(x.addr, pfx));
  if (existing) {
    if (m.flags.excl || !m.flags.replace) return kerr("EEXIST", "ipv6: address already assigned");
    inet6AddrModify(existing, flags, validLft, preferedLft, m.attrs.IFA_RT_PRIORITY ?? 0);
    return undefined;
  }
  // ipv6_add_addr(): the address types no device takes, and ::1 only on a loopback device
  if (pfx.every((b) => b === 0)) return kerr("EADDRNOTAVAIL", "ipv6: Invalid address");
  if (pfx[0] === 0xff && !(flags & IFA_F_MCAUTOJOIN)) {
    return kerr("EADDRNOTAVAIL", 'ipv6: Cannot assign multicast address without "IFA_F_MCAUTOJOIN" flag');
  }
  if (!(dev.flags & IFF_LOOPBACK) && pfx[15] === 1 && pfx.subarray(0, 15).every((b) => b === 0)) {
    return kerr("EADDRNOTAVAIL", "ipv6: Cannot assign loopback address on this device");
  }
  // inet6_addr_add() → addrconf_add_dev(): the default multicast route, carrier or not (on a
  // device that is down, ip6_route_add() fails: "Nexthop device is not up")
  if (!(dev.flags & IFF_LOOPBACK) && dev.flags & IFF_UP) addrconfAddMroute(idev);
  const metric = m.attrs.IFA_RT_PRIORITY ?? 0;
  const ifp = addAddr(idev, pfx.slice(), ifm.prefixlen, ipv6AddrRtScope(pfx), lifetimeFlags(validLft, preferedLft) | flags);
  ifp.validLft = validLft;
  ifp.preferedLft = preferedLft;
  ifp.rtPriority = metric;
  if (!(flags & IFA_F_NOPREFIXROUTE)) addrconfPrefixRoute(idev, pfx, ifm.prefixlen, metric, finiteLifetime(validLft));
  // Linux starts DAD for every new address; it stays tentative until the link is ready
  if (!(flags & IFA_F_NODAD)) ifp.flags |= IFA_F_TENTATIVE;
  // inet6_addr_add(): "Send a netlink notification if DAD is enabled and optimistic flag is
  // not set" (a nodad address is announced when its DAD completes, at once)
  if (!(ifp.flags & (IFA_F_OPTIMISTIC | IFA_F_NODAD))) ipv6IfaNotify(0, ifp);
  addrconfDadStart(ifp);
  addrconfVerify(ifp);
  return undefined;
}

/**
 * net/ipv6/addrconf.c: inet6_addr_modify() (`ip -6 addr change|replace` of an address there):
 * the request's flags and lifetimes replace the address's, counted from now; its prefix route
 * takes the new expiry (or is made again)
 */
function inet6AddrModify(ifp: Inet6Ifaddr, flags: number, validLft: number, preferedLft: number, metric: number): void {
  const idev = ifp.idev;
  ifp.flags &= ~(IFA_F_DEPRECATED | IFA_F_PERMANENT | IFA_F_NODAD | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE);
  ifp.flags |= lifetimeFlags(validLft, preferedLft) | (flags & (IFA_F_NODAD | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE));
  ifp.tstamp = now(idev.dev.net);
  ifp.validLft = validLft;
  ifp.preferedLft = preferedLft;
  if (metric) ifp.rtPriority = metric;
  if (!(flags & IFA_F_NOPREFIXROUTE)) addrconfPrefixRoute(idev, ifp.addr, ifp.prefixLen, metric, finiteLifetime(validLft));
  if (!(ifp.flags & IFA_F_TENTATIVE) || ifp.flags & IFA_F_DADFAILED) ipv6IfaNotify(0, ifp);
  addrconfVerify(ifp);
}

/**
 * net/ipv6/addrconf.c: addrconf_add_ifaddr() / addrconf_del_ifaddr(): SIOCSIFADDR and
 * SIOCDIFADDR of an AF_INET6 socket (struct in6_ifreq: ifindex, address, prefix length) are
 * inet6_addr_add() / inet6_addr_del(), as RTM_NEWADDR / RTM_DELADDR do them
 */
function addrconfIfaddrIoctl(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const del = req.request === "SIOCDIFADDR";
  const addr = req.ifr6_addr instanceof Uint8Array ? req.ifr6_addr : new Uint8Array(16);
  const m: AddrMsg = {
    type: del ? "RTM_DELADDR" : "RTM_NEWADDR",
    flags: del ? {} : { create: true, excl: true },
    ifa: { family: AF_INET6, prefixlen: Number(req.ifr6_prefixlen ?? 0), flags: 0, scope: 0, index: Number(req.ifr6_ifindex ?? 0) },
    attrs: { IFA_LOCAL: addr, IFA_ADDRESS: addr },
  };
  const e = del ? inet6RtmDeladdr(net, m) : inet6RtmNewaddr(net, m);
  return e ?? {};
}

/** net/ipv6/addrconf.c: inet6_rtm_deladdr() / inet6_addr_del() */
export function inet6RtmDeladdr(net: Net, m: AddrMsg): KErr | undefined {
  const pfx = m.attrs.IFA_LOCAL ?? m.attrs.IFA_ADDRESS;
  if (!pfx || pfx.length !== 16) return kerr("EINVAL");
  if (m.ifa.prefixlen > 128) return kerr("EINVAL", "ipv6: Invalid prefix length");
  const dev = net.devices().find((d) => d.ifindex === m.ifa.index);
  if (!dev) return kerr("ENODEV", "ipv6: Unable to find the interface");
  const idev = devInet6(dev);
  if (!idev) return kerr("ENXIO", "ipv6: IPv6 is disabled on this device");
  const ifp = idev.addrList.find((x) => x.prefixLen === m.ifa.prefixlen && sameAddr(x.addr, pfx));
  if (!ifp) return kerr("EADDRNOTAVAIL", "ipv6: address not found");
  ipv6DelAddr(ifp);
  return undefined;
}

/**
 * How long Duplicate Address Detection takes. On Linux an address stays tentative for a
 * random [0, rtr_solicit_delay) wait plus one retrans_time (1-2 s); its local route appears
 * when DAD completes. ndisc.ts runs DAD; with `realistic` false its delays collapse to 0 (the
 * address leaves tentative on the next scheduler run), with it true they are Linux's.
 * Measured with the lab runner's clock (30 ms a command, 70 ms a dump): test/labs score the
 * same either way, while `true` loses commands in the kernel-ipv4 k1b-i/j labs (fe80:: local
 * routes still tentative when dumped — the real runner is slower) and shifts Rng draws (ovs
 * UUIDs), so it stays off.
 */
export const dadConfig = { realistic: false };

/** net/ipv6/addrconf.c: addrconf_dad_start() — ndisc.ts sends the NS and ends DAD */
function addrconfDadStart(ifp: Inet6Ifaddr): void {
  ndiscDadStart(ifp);
}

/** net/ipv6/addrconf.c: addrconf_dev_config() / init_loopback() */
function addrconfDevConfig(idev: Inet6Dev): void {
  const dev = idev.dev;
  if (idev.cnf.get("disable_ipv6")) return;
  if (dev.type === ARPHRD_LOOPBACK || dev.flags & IFF_LOOPBACK) {
    // init_loopback(): ::1/128
    const lo = in6addrLoopback();
    if (!idev.addrList.some((a) => sameAddr(a.addr, lo))) {
      // add_addr(): not tentative, announced with its local route
      ipv6IfaNotify("RTM_NEWADDR", addAddr(idev, lo, 128, RT_SCOPE_HOST, IFA_F_PERMANENT));
    }
    return;
  }
  if (dev.type !== ARPHRD_ETHER) return;
  // addrconf_add_dev(): the default multicast route
  addrconfAddMroute(idev);
  if (idev.cnf.get("addr_gen_mode") === IN6_ADDR_GEN_MODE_NONE) return;
  const eui = ipv6GenerateEui64(dev);
  if (!eui) return;
  const a = new Uint8Array(16);
  a[0] = 0xfe;
  a[1] = 0x80;
  a.set(eui, 8);
  if (idev.addrList.some((x) => x.addr.every((b, i) => b === a[i]))) return;
  // addrconf_add_linklocal()
  const ifp = addAddr(idev, a, 64, RT_SCOPE_LINK, IFA_F_PERMANENT | IFA_F_TENTATIVE);
  addrconfPrefixRoute(idev, a, 64, 0);
  addrconfDadStart(ifp);
}

/**
 * net/ipv6/route.c: rt6_disable_ip(): rt6_sync_down_dev() takes every route through the
 * device out of the fib, each announced (fib6_clean_all() walks main, then local, in tree
 * order), then nd_tbl's entries of the device go (neigh_ifdown())
 */
function rt6DisableIp(dev: NetDevice): void {
  if (rtnlHasListeners(dev.net, RTNLGRP_IPV6_ROUTE)) {
    // RTNH_F_LINKDOWN is what the last NETDEV_CHANGE left (linkwatch's operstate), not the
    // carrier dev_close() has just dropped
    const carrier = dev.operstate === IF_OPER_UP || dev.operstate === IF_OPER_UNKNOWN;
    for (const r of rt6Routes(dev.net, dev)) inet6RtNotify("RTM_DELROUTE", r, carrier);
  }
  const idev = devInet6(dev);
  if (idev) {
    for (const ifp of idev.addrList) ifp.rtIn = false;
    for (const aca of idev.acList) aca.rtIn = false;
    idev.routes = { mroute: false };
    idev.prefixRoutes = [];
  }
  rt6FlushDev(dev);
  ndiscNeighIfdown(dev);
}

/** net/ipv6/addrconf.c: addrconf_ifdown() after rt6_disable_ip(): the addresses go (unless
 * keep_addr_on_down), each announced */
function addrconfIfdown(idev: Inet6Dev, unregister: boolean): void {
  idev.ready = false;
  idev.dadTimer?.cancel();
  idev.dadTimer = undefined;
  if (!idev.cnf.get("keep_addr_on_down") || unregister) {
    const gone = idev.addrList;
    idev.addrList = [];
    for (const ifp of gone) ipv6IfaNotify("RTM_DELADDR", ifp);
  }
  idev.routes = { mroute: false };
  idev.prefixRoutes = [];
}

/**
 * net/ipv6/addrconf.c: addrconf_permanent_addr() on NETDEV_UP: each permanent address gets
 * back its prefix route (fixup_permanent_addr(); its local route comes with DAD)
 */
function addrconfPermanentAddr(idev: Inet6Dev): void {
  for (const ifp of idev.addrList) {
    if (!(ifp.flags & IFA_F_PERMANENT) || ifp.flags & IFA_F_NOPREFIXROUTE) continue;
    addrconfPrefixRoute(idev, ifp.addr, ifp.prefixLen, ifp.rtPriority);
  }
}

/** net/ipv6/addrconf.c: addrconf_notify() */
function addrconfNotify(event: number, dev: NetDevice): number {
  let idev = devInet6(dev);
  switch (event) {
    case NETDEV_REGISTER:
      if (!idev && (dev.mtu >= IPV6_MIN_MTU || dev.flags & IFF_LOOPBACK)) {
        const r = ipv6AddDev(dev);
        if (isKErr(r)) return NOTIFY_BAD;
      }
      break;
    case NETDEV_UP:
    case NETDEV_CHANGE:
      if (idev && idev.cnf.get("disable_ipv6")) break;
      if (event === NETDEV_UP) {
        if (idev) addrconfPermanentAddr(idev);
        if (!addrconfLinkReady(dev)) break;
        if (!idev) {
          const r = ipv6AddDev(dev);
          if (isKErr(r)) return NOTIFY_BAD;
          idev = r;
        }
        if (idev) idev.ready = true;
      } else {
        if (!addrconfLinkReady(dev)) break;
        if (idev) {
          if (idev.ready) break;
          idev.ready = true;
        }
      }
      if (idev) addrconfDevConfig(idev);
      break;
    case NETDEV_CHANGEMTU:
      /* if MTU under IPV6_MIN_MTU stop IPv6 on this interface. */
      if (dev.mtu < IPV6_MIN_MTU) {
        if (idev) {
          /* addrconf_ifdown(dev, dev != net->loopback_dev): lo keeps its inet6_dev (and its
           * conf/), not its addresses, until it next comes up */
          const unregister = !(dev.flags & IFF_LOOPBACK);
          rt6DisableIp(dev);
          addrconfIfdown(idev, unregister);
          if (unregister) {
            addrconfSysctlUnregister(idev, dev.name);
            dev.ip6Ptr = undefined;
          }
        }
        break;
      }
      if (idev) {
        // rt6_mtu_change(): the exceptions of the routes through the device
        // (rt6_exceptions_update_pmtu()), then the device's IPv6 mtu follows
        const old = Number(idev.cnf.get("mtu") ?? 0);
        for (const r of rt6Routes(dev.net, dev)) rt6ExceptionsUpdatePmtu(dev.net, rt6Key(r), dev.mtu, old);
        idev.cnf.set("mtu", dev.mtu);
        break;
      }
      /* allocate new idev */
      {
        const r = ipv6AddDev(dev);
        if (isKErr(r)) return NOTIFY_BAD;
        idev = r;
      }
      if (!idev) break;
      /* device is still not ready */
      if (!(dev.flags & IFF_UP) || !addrconfLinkReady(dev)) break;
      idev.ready = true;
      addrconfDevConfig(idev);
      break;
    case NETDEV_DOWN:
      rt6DisableIp(dev);
      if (idev) addrconfIfdown(idev, false);
      break;
    case NETDEV_UNREGISTER:
      // (what the device counted for the namespace it leaves goes to that namespace's MIB)
      ipv6MibFoldDev(dev);
      rt6DisableIp(dev);
      if (idev) {
        addrconfIfdown(idev, true);
        addrconfSysctlUnregister(idev, dev.name);
        dev.ip6Ptr = undefined;
      }
      break;
    case NETDEV_CHANGENAME:
      if (idev) {
        const d = idev;
        // (what a refused name registered: nothing; dev_change_name() renames back)
        if (sysctlDevNameIsAllowed(lastOldName)) addrconfSysctlUnregister(d, lastOldName);
        if (!sysctlDevNameIsAllowed(dev.name)) return NOTIFY_BAD;
        addrconfSysctlRegister(d);
      }
      break;
  }
  return NOTIFY_DONE;
}

let lastOldName = "";

// ------------------------------------------------------------------------------ sysctl

/** net/ipv6/addrconf.c: addrconf_disable_ipv6() for one device */
function devDisableChange(idev: Inet6Dev): void {
  const dev = idev.dev;
  if (idev.cnf.get("disable_ipv6")) {
    // addrconf_notify(NETDEV_DOWN) → addrconf_ifdown() → rt6_disable_ip(): the routes
    // through the device go first
    rt6DisableIp(dev);
    addrconfIfdown(idev, false);
    ndiscIfdown(idev, false);
  } else if (dev.flags & IFF_UP && addrconfLinkReady(dev)) {
    idev.ready = true;
    addrconfDevConfig(idev);
    ndiscDevReady(idev);
  }
}

function confTable(net: Net, cnf: Inet6Cnf, which: Inet6Dev | "all" | "default"): CtlTable[] {
  return DEVCONF_DEFAULTS.map(([name]): CtlTable => ({
    procname: name,
    mode: RO_ENTRIES.has(name) ? 0o444 : name === "stable_secret" ? 0o600 : 0o644,
    read: () => {
      const v = cnf.get(name);
      if (name === "stable_secret") return v ? `${v}\n` : kerr("EIO");
      return `${v}\n`;
    },
    write: (data: string): KErr | undefined => {
      if (RO_ENTRIES.has(name)) return kerr("EPERM");
      if (name === "stable_secret") return kerr("EINVAL");
      const vals = procParseInts(data);
      if (isKErr(vals)) return vals;
      const v = vals[0]!;
      if (name === "addr_gen_mode" && (v < 0 || v > 3)) return kerr("EINVAL");
      if (name === "disable_ipv6") {
        const nv = v ? 1 : 0;
        const old = cnf.get(name);
        cnf.set(name, v);
        if (which === "all") {
          // addrconf_disable_change(): all devices and default follow
          const s = addrconfNet(net);
          s.dflt.set(name, v);
          for (const d of net.devices()) {
            const idev = devInet6(d);
            if (!idev) continue;
            const changed = (idev.cnf.get(name) ? 1 : 0) !== nv;
            idev.cnf.set(name, v);
            if (changed) devDisableChange(idev);
          }
        } else if (which !== "default") {
          if ((old ? 1 : 0) !== nv) devDisableChange(which);
        }
        return undefined;
      }
      if (name in NETCONF_ATTR) {
        addrconfFixupNetconf(net, cnf, which, name, v);
        return undefined;
      }
      cnf.set(name, v);
      return undefined;
    },
  }));
}

function addrconfInitNet(net: Net): void {
  const s = addrconfNet(net);
  registerNetSysctl(net, "net/ipv6/conf/all", () => confTable(net, s.all, "all"));
  registerNetSysctl(net, "net/ipv6/conf/default", () => confTable(net, s.dflt, "default"));
  ipv6SysctlNetInit(net);
}

// ------------------------------------------------------------------------------ netlink

/** net/ipv6/addrconf.c: inet6_fill_ifaddr() */
function inet6FillIfaddr(ifp: Inet6Ifaddr): AddrMsg {
  return {
    type: "RTM_NEWADDR",
    flags: {},
    ifa: { family: AF_INET6, prefixlen: ifp.prefixLen, flags: ifp.flags & 0xff, scope: ifp.scope, index: ifp.idev.dev.ifindex },
    attrs: {
      IFA_ADDRESS: ifp.addr.slice(),
      IFA_CACHEINFO: { ...inet6IfaLifetimes(ifp), cstamp: Math.floor(ifp.cstamp / 10_000), tstamp: Math.floor(ifp.tstamp / 10_000) },
      IFA_FLAGS: ifp.flags,
    },
  };
}

/** inet6_fill_ifaddr()'s lifetimes: what is left of them (the valid one counted down only
 * with a finite preferred one, as the kernel does) */
function inet6IfaLifetimes(ifp: Inet6Ifaddr): { ifa_prefered: number; ifa_valid: number } {
  if (ifp.flags & IFA_F_PERMANENT && ifp.preferedLft === INFINITY_LIFE_TIME) return { ifa_prefered: INFINITY_LIFE_TIME, ifa_valid: INFINITY_LIFE_TIME };
  let preferred = ifp.preferedLft;
  let valid = ifp.validLft;
  if (preferred !== INFINITY_LIFE_TIME) {
    const tval = Math.floor((now(ifp.idev.dev.net) - ifp.tstamp) / USEC_PER_SEC);
    preferred = preferred > tval ? preferred - tval : 0;
    if (valid !== INFINITY_LIFE_TIME) valid = valid > tval ? valid - tval : 0;
  }
  return { ifa_prefered: preferred, ifa_valid: valid };
}

/** net/ipv6/addrconf.c: inet6_dump_ifaddr() */
export function inet6DumpIfaddr(net: Net, req: AddrMsg): AddrMsg[] {
  const out: AddrMsg[] = [];
  for (const dev of net.devices()) {
    if (req.ifa.index && dev.ifindex !== req.ifa.index) continue;
    const idev = devInet6(dev);
    if (!idev) continue;
    for (const ifp of idev.addrList) out.push(inet6FillIfaddr(ifp));
  }
  return out;
}

interface Rt6 {
  table: number;
  type: number;
  dst: Uint8Array;
  dstLen: number;
  dev: NetDevice;
  metric: number;
  seq: number;
  local: boolean;
  gw?: Uint8Array;
  protocol?: number;
  /** RTNH_F_ONLINK: the gateway is taken as on the link, not checked */
  onlink?: boolean;
  /** fib6_flags beyond RTF_UP that route(8)'s in6_rtmsg asked for (RTF_HOST, RTF_MODIFIED,
   * RTF_DYNAMIC): /proc/net/ipv6_route shows them */
  rtf?: number;
  /** RTF_EXPIRES: when (simulated µs) */
  expires?: number;
}

/** net/ipv6/route.c's static routes (ip -6 route add/del), listed with addrconf's own and
 * looked up with them (ip6RouteLookup) */
const staticRoutes = new NetGeneric<Rt6[]>();

function staticRoutesOf(net: Net): Rt6[] {
  let l = staticRoutes.get(net);
  if (!l) staticRoutes.set(net, (l = []));
  return l;
}

function bitAt(a: Uint8Array, i: number): number {
  return (a[i >> 3]! >> (7 - (i & 7))) & 1;
}

/** fib6 tree walk order: by address bits; a prefix after the more specific ones it holds */
function cmpFib6(a: Rt6, b: Rt6): number {
  const n = Math.min(a.dstLen, b.dstLen);
  for (let i = 0; i < n; i++) {
    const x = bitAt(a.dst, i);
    const y = bitAt(b.dst, i);
    if (x !== y) return x - y;
  }
  if (a.dstLen !== b.dstLen) return b.dstLen - a.dstLen;
  return a.metric - b.metric || a.seq - b.seq;
}

function prefixCovers(r: Rt6, addr: Uint8Array): boolean {
  for (let i = 0; i < r.dstLen; i++) if (bitAt(r.dst, i) !== bitAt(addr, i)) return false;
  return true;
}

/** net/ipv6/route.c: ip6_route_add() (rtm_to_fib6_config + ip6_route_info_create) */
export function inet6RtmNewroute(net: Net, m: RouteMsg, rtf = 0): KErr | undefined {
  const r = m.rtm;
  const a = m.attrs;
  const table = a.RTA_TABLE ?? (r.table || RT_TABLE_MAIN);
  const dst = a.RTA_DST ? prefixOf(a.RTA_DST, r.dst_len) : new Uint8Array(16);
  if (r.dst_len > 128) return kerr("EINVAL");
  const reject = r.type === RTN_BLACKHOLE || r.type === RTN_UNREACHABLE || r.type === RTN_PROHIBIT || r.type === RTN_THROW;
  let dev = a.RTA_OIF ? net.devices().find((d) => d.ifindex === a.RTA_OIF) : undefined;
  if (a.RTA_OIF && !dev) return kerr("ENODEV");
  const gw = a.RTA_GATEWAY && a.RTA_GATEWAY.length === 16 && a.RTA_GATEWAY.some((x) => x) ? a.RTA_GATEWAY.slice() : undefined;
  // fib6_nh_init(): an onlink next hop needs its device, up
  const onlink = !reject && (r.flags & RTNH_F_ONLINK) !== 0;
  if (onlink) {
    if (!dev) return kerr("ENODEV", "Nexthop device required for onlink");
    if (!(dev.flags & IFF_UP)) return kerr("ENETDOWN", "Nexthop device is not up");
  }
  if (reject) dev = net.loopbackDev ?? net.devices()[0];
  else if (gw) {
    // ip6_validate_gw(): not one of our addresses (any device's, a link-local one dev's);
    // the gateway must be on a connected prefix (of dev, when given), or, onlink, not on a
    // route of another device or type (ip6_route_check_nh_onlink)
    const isLL = gw[0] === 0xfe && (gw[1]! & 0xc0) === 0x80;
    const local = (d: NetDevice | undefined) =>
      net.devices().some((x) => (!isLL || x === d) && (devInet6(x)?.addrList.some((ifp) => sameAddr(ifp.addr, gw)) ?? false));
    const LOCAL_GW = "Gateway can not be a local address";
    if (dev && local(dev)) return kerr("EINVAL", LOCAL_GW);
    if (!isLL && onlink) {
      const hit = rt6Routes(net).filter((x) => x.table === RT_TABLE_MAIN && x.dstLen > 0 && prefixCovers(x, gw))
        .sort((x, y) => y.dstLen - x.dstLen)[0];
      if (hit && (hit.type !== RTN_UNICAST || hit.dev !== dev)) return kerr("EINVAL", "Nexthop has invalid gateway or device mismatch");
    } else if (!isLL) {
      // ip6_route_check_nh(): a lookup of the gateway (one of our addresses is its local
      // route, ::1's on lo)
      const localRt = !dev ? rt6Routes(net).find((x) => x.local && sameAddr(x.dst, gw)) : undefined;
      const conn = localRt ?? rt6Routes(net).filter((x) => !x.gw && x.type === RTN_UNICAST && (!dev || x.dev === dev) && prefixCovers(x, gw))
        .sort((x, y) => y.dstLen - x.dstLen)[0];
      if (!conn) return kerr("EHOSTUNREACH");
      const given = dev;
      dev = dev ?? conn.dev;
      if (dev.flags & IFF_LOOPBACK) return kerr("EINVAL", "Egress device can not be loopback device for this route");
      // the address check once the device is known (need_addr_check)
      if (!given && local(dev)) return kerr("EINVAL", LOCAL_GW);
    }
    if (!dev) return kerr("EINVAL", "Egress device not specified");
    if (dev.flags & IFF_LOOPBACK) return kerr("EINVAL", "Egress device can not be loopback device for this route");
  } else if (!dev) return kerr("ENODEV");
  if (!dev) return kerr("ENODEV");
  if (!reject && devInet6(dev)?.cnf.get("disable_ipv6")) return kerr("EACCES", "IPv6 is disabled on nexthop device");
  if (!reject && !(dev.flags & IFF_UP)) return kerr("ENETDOWN", "Nexthop device is not up");
  const metric = a.RTA_PRIORITY || 1024;
  const list = staticRoutesOf(net);
  const nr: Rt6 = {
    table, type: r.type || RTN_UNICAST, dst, dstLen: r.dst_len, dev, metric, seq: ++addrconfNet(net).seq, local: false,
    protocol: r.protocol || 3 /* RTPROT_BOOT */,
  };
  if (gw) nr.gw = gw;
  if (onlink) nr.onlink = true;
  if (rtf) nr.rtf = rtf;
  const same = rt6Routes(net).find((x) => x.table === table && x.dstLen === r.dst_len && x.metric === metric && sameAddr(x.dst, dst));
  if (same) {
    if (m.flags.excl || !m.flags.replace) return kerr("EEXIST");
    const i = list.indexOf(same);
    if (i >= 0) list[i] = nr;
    inet6RtNotify("RTM_NEWROUTE", i >= 0 ? nr : same);
    return undefined;
  }
  if (!m.flags.create) return kerr("ENOENT");
  (addrconfNet(net).tables ??= new Set()).add(table);
  list.push(nr);
  inet6RtNotify("RTM_NEWROUTE", nr);
  return undefined;
}

/** net/ipv6/route.c: ip6_route_del() */
export function inet6RtmDelroute(net: Net, m: RouteMsg): KErr | undefined {
  const r = m.rtm;
  const a = m.attrs;
  const table = a.RTA_TABLE ?? (r.table || RT_TABLE_MAIN);
  const dst = a.RTA_DST ? prefixOf(a.RTA_DST, r.dst_len) : new Uint8Array(16);
  const gw = a.RTA_GATEWAY;
  const list = staticRoutesOf(net);
  const all = rt6Routes(net);
  if (r.flags & RTM_F_CLONED) {
    // RTF_CACHE: fib6_locate() without an exact match (the longest prefix holding dst), then
    // each of its routes' exception for dst: ip6_del_cached_rt() when device and gateway match
    const covering = all.filter((x) => x.table === table && prefixCovers(x, dst));
    const len = Math.max(-1, ...covering.map((x) => x.dstLen));
    for (const x of covering) {
      if (x.dstLen !== len) continue;
      if ((a.RTA_OIF && x.dev.ifindex !== a.RTA_OIF) || (gw && !(x.gw && sameAddr(x.gw, gw)))) continue;
      if (rt6RemoveException(net, rt6Key(x), dst)) return undefined;
    }
    return kerr("ESRCH");
  }
  const hit = all.find((x) => x.table === table && x.dstLen === r.dst_len && sameAddr(x.dst, dst) &&
    (!a.RTA_OIF || x.dev.ifindex === a.RTA_OIF) && (!gw || (!!x.gw && sameAddr(x.gw, gw))) &&
    (!a.RTA_PRIORITY || x.metric === a.RTA_PRIORITY) && (!r.protocol || (x.protocol ?? RTPROT_KERNEL) === r.protocol) && !x.local);
  if (!hit) {
    // fib6_get_table(): a table no route was ever added to
    if (table !== RT_TABLE_MAIN && table !== RT_TABLE_LOCAL && !addrconfNet(net).tables?.has(table)) return kerr("ESRCH", "FIB table does not exist");
    // a table without a default route has fib6_null_entry at its root: ::/0 with nothing to
    // tell it apart (lo, no gateway, metric ~0, proto kernel) finds it, and fib6_del() will
    // not delete it
    const lo = net.loopbackDev?.ifindex;
    if (r.dst_len === 0 && !all.some((x) => x.table === table && x.dstLen === 0) && (!a.RTA_OIF || a.RTA_OIF === lo) && !gw &&
      (!a.RTA_PRIORITY || a.RTA_PRIORITY === 0xffffffff) && (!r.protocol || r.protocol === RTPROT_KERNEL)) return kerr("ENOENT");
    return kerr("ESRCH");
  }
  const i = list.indexOf(hit);
  inet6RtNotify("RTM_DELROUTE", hit);
  if (i >= 0) list.splice(i, 1);
  else {
    // an addrconf prefix route
    const idev = devInet6(hit.dev);
    if (idev) idev.prefixRoutes = idev.prefixRoutes.filter((p) => !(p.plen === hit.dstLen && sameAddr(p.dst, hit.dst)));
    if (idev && hit.type === RTN_MULTICAST) idev.routes.mroute = false;
  }
  return undefined;
}

/** include/uapi/linux/route.h (RTF_*) and ipv6/ip6_route.h (IP6_RT_PRIO_USER) */
const RTF_UP_FLAG = 0x0001;
const RTF_GATEWAY_FLAG = 0x0002;
const IP6_RT_PRIO_USER = 1024;

/**
 * net/ipv6/route.c: ipv6_route_ioctl() — SIOCADDRT / SIOCDELRT with a struct in6_rtmsg
 * (route -A inet6), through rtmsg_to_fib6_config(): the main table, the flags as they are
 * (RTF_HOST is RTNH_F_ONLINK's bit, so a host route's next hop is onlink), a metric of 0
 * is IP6_RT_PRIO_USER when adding and "any" when deleting, the gateway only with RTF_GATEWAY
 */
function ipv6RouteIoctl(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const n = (k: string) => (typeof req[k] === "number" ? (req[k] as number) : 0);
  const bytes = (k: string) => (req[k] instanceof Uint8Array ? (req[k] as Uint8Array) : new Uint8Array(16));
  const flags = n("rtmsg_flags");
  const ifindex = n("rtmsg_ifindex");
  const add = req.request === "SIOCADDRT";
  const metric = n("rtmsg_metric") || (add ? IP6_RT_PRIO_USER : 0);
  const m: RouteMsg = {
    type: add ? "RTM_NEWROUTE" : "RTM_DELROUTE",
    // no nlh: fib6_add_rt2node() adds, as NLM_F_CREATE without NLM_F_EXCL
    flags: add ? { create: true } : {},
    rtm: {
      family: AF_INET6, dst_len: n("rtmsg_dst_len"), src_len: 0, tos: 0, table: RT_TABLE_MAIN, protocol: 0, scope: 0,
      type: n("rtmsg_type"), flags: flags & RTNH_F_ONLINK,
    },
    attrs: {
      RTA_DST: bytes("rtmsg_dst").slice(0, 16),
      ...(ifindex ? { RTA_OIF: ifindex } : {}),
      ...(flags & RTF_GATEWAY_FLAG ? { RTA_GATEWAY: bytes("rtmsg_gateway").slice(0, 16) } : {}),
      ...(metric ? { RTA_PRIORITY: metric } : {}),
    },
  };
  const e = add ? inet6RtmNewroute(net, m, flags & ~(RTF_UP_FLAG | RTF_GATEWAY_FLAG)) : inet6RtmDelroute(net, m);
  return e ? { errno: e.errno } : {};
}

/** rt6_sync_down_dev() for NETDEV_DOWN/UNREGISTER (fib6_ifdown()): every static route whose
 * next hop is the device goes — a reject route's is lo */
function rt6FlushDev(dev: NetDevice): void {
  const list = staticRoutes.get(dev.net);
  if (!list) return;
  if (rt6HasExceptions(dev.net)) for (const r of list) if (r.dev === dev) rt6FlushExceptions(dev.net, rt6Key(r));
  staticRoutes.set(dev.net, list.filter((x) => x.dev !== dev));
}

function cmpAddr(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** a prefix route addrconf made, as the fib holds it */
function prefixRt6(idev: Inet6Dev, r: PrefixRoute): Rt6 {
  return { table: RT_TABLE_MAIN, type: RTN_UNICAST, dst: r.dst, dstLen: r.plen, dev: idev.dev, metric: r.metric, seq: r.seq, local: false, expires: r.expires };
}

/** the device's ff00::/8 (addrconf_add_mroute()) */
function mrouteRt6(idev: Inet6Dev): Rt6 {
  const p = new Uint8Array(16);
  p[0] = 0xff;
  return { table: RT_TABLE_LOCAL, type: RTN_MULTICAST, dst: p, dstLen: 8, dev: idev.dev, metric: 256, seq: idev.mrouteSeq, local: false };
}

/** an anycast address's route (addrconf_f6i_alloc(anycast)): delivered here, as a local one */
function anycastRt6(idev: Inet6Dev, aca: Ifacaddr6): Rt6 {
  return { table: RT_TABLE_LOCAL, type: RTN_ANYCAST, dst: aca.addr, dstLen: 128, dev: idev.dev, metric: 0, seq: 0, local: true };
}

/** the address's local route (addrconf_f6i_alloc()) */
function localRt6(ifp: Inet6Ifaddr): Rt6 {
  return { table: RT_TABLE_LOCAL, type: RTN_LOCAL, dst: ifp.addr, dstLen: 128, dev: ifp.idev.dev, metric: 0, seq: 0, local: true };
}

/** the routes addrconf made and the static ones, in fib6 dump order; with `only`, those
 * through that device, up or not (what rt6_sync_down_dev() finds) */
function rt6Routes(net: Net, only?: NetDevice): Rt6[] {
  const out: Rt6[] = [];
  for (const dev of only ? [only] : net.devices()) {
    const idev = devInet6(dev);
    if (!idev) continue;
    for (const r of idev.prefixRoutes) out.push(prefixRt6(idev, r));
    if (idev.routes.mroute) out.push(mrouteRt6(idev));
    // __ipv6_ifa_notify(RTM_NEWADDR) inserts the local route once DAD has completed (also on a
    // device that is down: a nodad address's)
    for (const ifp of idev.addrList) if (ifp.rtIn) out.push(localRt6(ifp));
    for (const aca of idev.acList) if (aca.rtIn) out.push(anycastRt6(idev, aca));
  }
  for (const r of staticRoutes.get(net) ?? []) if (!only || r.dev === only) out.push(r);
  return out.sort((a, b) => (a.table & 255) - (b.table & 255) || a.table - b.table || cmpFib6(a, b));
}

/** net/ipv6/route.c: rt6_fill_node() */
function rt6FillNode(r: Rt6, carrier = r.dev.carrier): RouteMsg {
  let flags = 0;
  if (!r.local && r.type !== RTN_BLACKHOLE && r.type !== RTN_UNREACHABLE && r.type !== RTN_PROHIBIT && !carrier) flags |= RTNH_F_LINKDOWN;
  if (r.onlink) flags |= RTNH_F_ONLINK;
  return {
    type: "RTM_NEWROUTE",
    flags: {},
    rtm: {
      family: AF_INET6, dst_len: r.dstLen, src_len: 0, tos: 0, table: r.table < 256 ? r.table : 252, protocol: r.protocol ?? RTPROT_KERNEL,
      scope: RT_SCOPE_UNIVERSE, type: r.type, flags,
    },
    attrs: {
      RTA_TABLE: r.table, ...(r.dstLen ? { RTA_DST: r.dst.slice() } : {}), ...(r.gw ? { RTA_GATEWAY: r.gw.slice() } : {}),
      RTA_OIF: r.dev.ifindex, RTA_PRIORITY: r.metric,
      RTA_CACHEINFO: {
        rta_clntref: 0, rta_lastuse: 0, rta_expires: r.expires === undefined ? 0 : usToClockT(r.expires - now(r.dev.net)),
        rta_error: 0, rta_used: 0, rta_id: 0, rta_ts: 0, rta_tsage: 0,
      },
      RTA_PREF: 0,
    },
  };
}


/**
 * net/ipv6/route.c: rt6_fill_node() of an exception (an RTF_CACHE rt6_info cloned from `r`):
 * the destination as a /128, RTM_F_CLONED, the route's gateway, device and metric, the
 * learned MTU as RTAX_MTU and the time left (RTF_EXPIRES)
 */
function rt6FillException(r: Rt6, e: Rt6Exception): RouteMsg {
  return {
    type: "RTM_NEWROUTE",
    flags: {},
    rtm: {
      family: AF_INET6, dst_len: 128, src_len: 0, tos: 0, table: r.table < 256 ? r.table : 252, protocol: r.protocol ?? RTPROT_KERNEL,
      scope: RT_SCOPE_UNIVERSE, type: r.type, flags: RTM_F_CLONED,
    },
    attrs: {
      RTA_TABLE: r.table, RTA_DST: e.daddr.slice(), ...(r.gw ? { RTA_GATEWAY: r.gw.slice() } : {}),
      RTA_OIF: r.dev.ifindex, RTA_PRIORITY: r.metric, RTA_METRICS: { RTAX_MTU: e.pmtu },
      RTA_CACHEINFO: rt6ExceptionCacheinfo(r.dev.net, e),
      RTA_PREF: 0,
    },
  };
}

/** rtnl_put_cacheinfo() of an exception: the time it has left */
function rt6ExceptionCacheinfo(net: Net, e: Rt6Exception): RtaCacheInfo {
  return {
    rta_clntref: 0, rta_lastuse: 0, rta_expires: usToClockT(Math.max(1, e.expires - now(net))),
    rta_error: 0, rta_used: 0, rta_id: 0, rta_ts: 0, rta_tsage: 0,
  };
}

/** net/ipv6/ip6_fib.c: inet6_dump_fib(): the routes, or with RTM_F_CLONED (filter.dump_exceptions
 * without dump_routes) each route's live exceptions (rt6_nh_dump_exceptions()) */
export function inet6DumpFib(net: Net, req: RouteMsg): RouteMsg[] {
  const table = req.attrs.RTA_TABLE ?? req.rtm.table;
  const oif = req.attrs.RTA_OIF;
  const routes = rt6Routes(net).filter((r) => (!table || r.table === table) && (!oif || r.dev.ifindex === oif));
  if (req.rtm.flags & RTM_F_CLONED) return routes.flatMap((r) => rt6ExceptionsOf(net, rt6Key(r)).map((e) => rt6FillException(r, e)));
  return routes.map((r) => rt6FillNode(r));
}

/** net/ipv6/route.c: ipv6_route_native_seq_show() — /proc/net/ipv6_route (route -A inet6):
 * every table (main, local, others by id) in fib6 walk order, each ending with its root's
 * null entry when it has no default route */
function procIpv6Route(net: Net): string {
  const hex = (a: Uint8Array) => [...a].map((b) => b.toString(16).padStart(2, "0")).join("");
  const h8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
  const zero = "0".repeat(32);
  const RTF_UP = 0x1;
  const RTF_GATEWAY = 0x2;
  const RTF_REJECT = 0x200;
  const RTF_NONEXTHOP = 0x200000;
  const RTF_LOCAL = 0x80000000;
  const all = rt6Routes(net);
  const tables = [...new Set([RT_TABLE_MAIN, RT_TABLE_LOCAL, ...all.map((r) => r.table)])].sort((a, b) => (a & 255) - (b & 255) || a - b);
  const lo = net.loopbackDev?.name ?? "lo";
  let out = "";
  for (const t of tables) {
    const rs = all.filter((r) => r.table === t);
    for (const r of rs) {
      // fc_flags keep RTNH_F_ONLINK, RTF_HOST's bit: an onlink route reads as a host route
      let flags = RTF_UP | (r.rtf ?? 0) | (r.onlink ? 0x4 : 0);
      if (r.gw) flags |= RTF_GATEWAY;
      if (r.local) flags |= RTF_LOCAL | RTF_NONEXTHOP;
      if (r.type === RTN_BLACKHOLE || r.type === RTN_UNREACHABLE || r.type === RTN_PROHIBIT) flags = RTF_REJECT | RTF_NONEXTHOP;
      out += `${hex(r.dst)} ${h8(r.dstLen).slice(6)} ${zero} 00 ${r.gw ? hex(r.gw) : zero} ${h8(r.metric)} ${h8(r.local ? 2 : 1)} ${h8(0)} ${h8(flags)} ${r.dev.name.padStart(8, " ")}\n`;
    }
    if (!rs.some((r) => r.dstLen === 0)) {
      out += `${zero} 00 ${zero} 00 ${zero} ffffffff 00000001 00000000 00200200 ${lo.padStart(8, " ")}\n`;
    }
  }
  return out;
}

/** net/ipv6/addrconf.c: if6_seq_show() — /proc/net/if_inet6 */
function procIfInet6(net: Net): string {
  let out = "";
  for (const dev of net.devices()) {
    const idev = devInet6(dev);
    if (!idev) continue;
    for (const ifp of idev.addrList) {
      const hex = [...ifp.addr].map((b) => b.toString(16).padStart(2, "0")).join("");
      const scope = ifp.scope === RT_SCOPE_HOST ? 0x10 : ifp.scope === RT_SCOPE_LINK ? 0x20 : 0;
      const h2 = (n: number) => (n & 0xff).toString(16).padStart(2, "0");
      out += `${hex} ${h2(dev.ifindex)} ${h2(ifp.prefixLen)} ${h2(scope)} ${h2(ifp.flags)} ${dev.name.padStart(8, " ")}\n`;
    }
  }
  return out;
}

/** net/ipv6/addrconf.c: inet6_set_iftoken() — the token of a device that does router
 * discovery; a non-zero one starts router solicitations again if the link is ready */
function inet6SetIftoken(idev: Inet6Dev, token: Uint8Array): KErr | undefined {
  const dev = idev.dev;
  if (dev.flags & IFF_LOOPBACK) return kerr("EINVAL", "ipv6: Device is loopback");
  if (dev.flags & IFF_NOARP) return kerr("EINVAL", "ipv6: Device does not do neighbour discovery");
  if (!ipv6AcceptRa(idev)) return kerr("EINVAL", "ipv6: Router advertisement is disabled on device");
  if (Number(idev.cnf.get("router_solicitations")) === 0) return kerr("EINVAL", "Router solicitation is disabled on device");
  if (idev.token === NO_TOKEN) idev.token = new Uint8Array(16);
  idev.token.set(token.subarray(8, 16), 8);
  const clearToken = token.every((b) => b === 0);
  // if we're not ready, then normal ifup will take care of this; otherwise request our RS here
  if (!clearToken && idev.ready) addrconfRsRestart(idev);
  // the addresses made from the token (none: SLAAC is not modelled) would expire now
  return undefined;
}

/** net/ipv6/addrconf.c: inet6_fill_ifinfo() — what an AF_INET6 link dump (`ip -6 addr`) gets */
function inet6FillIfinfo(idev: Inet6Dev): LinkMsg {
  const dev = idev.dev;
  const attrs: IflaAttrs = { IFLA_IFNAME: dev.name };
  if (dev.addrLen) attrs.IFLA_ADDRESS = dev.devAddr.slice(0, dev.addrLen);
  attrs.IFLA_MTU = dev.mtu;
  const iflink = devGetIflink(dev);
  if (dev.ifindex !== iflink) attrs.IFLA_LINK = iflink;
  attrs.IFLA_OPERSTATE = netifRunning(dev) ? dev.operstate : 2 /* IF_OPER_DOWN */;
  /* IFLA_PROTINFO: inet6_fill_ifla6_attrs() */
  attrs.IFLA_INET6_TOKEN = idev.token.slice();
  return {
    type: "RTM_NEWLINK",
    flags: {},
    ifi: { family: AF_INET6, type: dev.type, index: dev.ifindex, flags: devGetFlags(dev), change: 0 },
    attrs,
  };
}

/** net/ipv6/addrconf.c: inet6_dump_ifinfo() */
export function inet6DumpIfinfo(net: Net, req: LinkMsg): LinkMsg[] {
  const out: LinkMsg[] = [];
  for (const dev of net.devices()) {
    if (req.ifi.index && dev.ifindex !== req.ifi.index) continue;
    const idev = devInet6(dev);
    if (idev) out.push(inet6FillIfinfo(idev));
  }
  return out;
}

let inited = false;

// ------------------------------------------------------------------ RTM_GETNETCONF

/** inet6_netconf_fill_devconf(NETCONFA_ALL) */
function inet6NetconfFill(ifindex: number, cnf: Inet6Cnf): NetconfMsg {
  const v = (n: string) => Number(cnf.get(n) ?? 0);
  return {
    type: "RTM_NEWNETCONF",
    flags: {},
    ncm: { family: AF_INET6 },
    attrs: {
      NETCONFA_IFINDEX: ifindex,
      NETCONFA_FORWARDING: v("forwarding"),
      NETCONFA_MC_FORWARDING: v("mc_forwarding"),
      NETCONFA_PROXY_NEIGH: v("proxy_ndp"),
      NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN: v("ignore_routes_with_linkdown"),
    },
  };
}

/** inet6_netconf_get_devconf() */
function inet6NetconfGet(net: Net, m: NetconfMsg): { ack: NlAck; answer: NetconfMsg } | KErr {
  const ifindex = m.attrs.NETCONFA_IFINDEX;
  if (ifindex === undefined) return kerr("EINVAL");
  const s = addrconfNet(net);
  if (ifindex === NETCONFA_IFINDEX_ALL) return { ack: { ok: true }, answer: inet6NetconfFill(ifindex, s.all) };
  if (ifindex === NETCONFA_IFINDEX_DEFAULT) return { ack: { ok: true }, answer: inet6NetconfFill(ifindex, s.dflt) };
  const dev = devGetByIndex(net, ifindex);
  const idev = dev && devInet6(dev);
  if (!idev) return kerr("ENODEV");
  return { ack: { ok: true }, answer: inet6NetconfFill(ifindex, idev.cnf) };
}

/** inet6_netconf_dump_devconf() */
function inet6NetconfDump(net: Net): NetconfMsg[] {
  const s = addrconfNet(net);
  const out: NetconfMsg[] = [];
  for (const dev of net.devices()) {
    const idev = devInet6(dev);
    if (idev) out.push(inet6NetconfFill(dev.ifindex, idev.cnf));
  }
  out.push(inet6NetconfFill(NETCONFA_IFINDEX_ALL, s.all), inet6NetconfFill(NETCONFA_IFINDEX_DEFAULT, s.dflt));
  return out;
}

/** net/ipv6/addrconf.c: addrconf_init() */
export function addrconfInit(): void {
  if (inited) return;
  inited = true;
  ipv6AddrLabelInit();
  registerPernetOps({ init: addrconfInitNet, exit: (net) => pernet.delete(net) });
  registerNetdeviceNotifier((event, dev, info) => {
    if (event === NETDEV_CHANGENAME) lastOldName = info?.oldName ?? "";
    return addrconfNotify(event, dev);
  });
  rtnlRegister(AF_INET6, "RTM_NEWADDR", { doit: (net: Net, m: AddrMsg) => inet6RtmNewaddr(net, m) });
  rtnlRegister(AF_INET6, "RTM_DELADDR", { doit: (net: Net, m: AddrMsg) => inet6RtmDeladdr(net, m) });
  registerFamilyIoctl(AF_INET6, "SIOCSIFADDR", addrconfIfaddrIoctl);
  registerFamilyIoctl(AF_INET6, "SIOCDIFADDR", addrconfIfaddrIoctl);
  registerFamilyIoctl(AF_INET6, "SIOCADDRT", ipv6RouteIoctl);
  registerFamilyIoctl(AF_INET6, "SIOCDELRT", ipv6RouteIoctl);
  rtnlRegister(AF_INET6, "RTM_GETADDR", { dumpit: (net: Net, m: AddrMsg) => inet6DumpIfaddr(net, m) });
  rtnlRegister(AF_INET6, "RTM_GETLINK", {
    dumpit: (net: Net, m: LinkMsg) => inet6DumpIfinfo(net, m),
    // rtnetlink_rcv_msg(): no AF_INET6 doit, so the PF_UNSPEC one answers
    doit: (net: Net, m: LinkMsg) => rtnetlinkRcvMsg(net, { ...m, ifi: { ...m.ifi, family: 0 } }),
  });
  rtnlRegister(AF_INET6, "RTM_GETROUTE", {
    doit: (net: Net, m: RouteMsg) => inet6RtmGetroute(net, m),
    dumpit: (net: Net, m: RouteMsg) => inet6DumpFib(net, m),
  });
  rtnlRegister(AF_INET6, "RTM_GETNETCONF", {
    doit: (net: Net, m: RtnlMsg) => inet6NetconfGet(net, m as NetconfMsg),
    dumpit: (net: Net) => inet6NetconfDump(net),
  });
  rtnlRegister(AF_INET6, "RTM_NEWROUTE", { doit: (net: Net, m: RouteMsg) => inet6RtmNewroute(net, m) });
  rtnlRegister(AF_INET6, "RTM_DELROUTE", { doit: (net: Net, m: RouteMsg) => inet6RtmDelroute(net, m) });
  ipv6AddrLabelRtnlRegister();
  registerRtnlAfOps({
    family: AF_INET6,
    fillLinkAf(dev: NetDevice, attrs: IflaAttrs): void {
      const idev = devInet6(dev);
      if (idev) attrs.IFLA_INET6_ADDR_GEN_MODE = Number(idev.cnf.get("addr_gen_mode") ?? 0);
    },
    /* inet6_validate_link_af() + inet6_set_link_af() */
    setLinkAf(dev: NetDevice, attrs: IflaAttrs): KErr | undefined {
      const token = attrs.IFLA_INET6_TOKEN;
      if (attrs.IFLA_INET6_ADDR_GEN_MODE === undefined && token === undefined) return undefined;
      const idev = devInet6(dev);
      if (!idev) return kerr("EAFNOSUPPORT");
      /* inet6_af_policy: [IFLA_INET6_TOKEN] = { .len = sizeof(struct in6_addr) } */
      if (token !== undefined && token.length < 16) return kerr("ERANGE", "Attribute failed policy validation");
      if (token !== undefined) {
        const e = inet6SetIftoken(idev, token);
        if (e) return e;
      }
      if (attrs.IFLA_INET6_ADDR_GEN_MODE === undefined) return undefined;
      const mode = attrs.IFLA_INET6_ADDR_GEN_MODE;
      if (mode < 0 || mode > 3) return kerr("EINVAL");
      idev.cnf.set("addr_gen_mode", mode);
      return undefined;
    },
  });
  registerProcNet("if_inet6", procIfInet6);
  registerProcNet("anycast6", procAnycast6);
  registerProcNet("ipv6_route", procIpv6Route);
  registerProcNet("snmp6", snmp6SeqShow, "proc_create_net_single"); /* net/ipv6/proc.c: ipv6_proc_init_net() */
}

export { RT_SCOPE_UNIVERSE };

// ------------------------------------------------------------------ lookups for the data path

/** what a route lookup found: the route (its device, gateway, type) */
export interface Rt6Info {
  type: number;
  /** rt6i_dst.plen: the prefix length of the route */
  dstLen?: number;
  dev: NetDevice;
  gw: Uint8Array | undefined;
  local: boolean;
  table: number;
  /** the route's identity, which its exceptions hang off (rt6Key()) */
  key: string;
}

/** include/net/ipv6.h: __ipv6_addr_needs_scope_id(): link-local unicast, link/interface-local
 * multicast */
export function ipv6AddrNeedsScopeId(a: Uint8Array): boolean {
  if (a[0] === 0xfe && (a[1]! & 0xc0) === 0x80) return true;
  if (a[0] === 0xff) {
    const sc = a[1]! & 0x0f;
    return sc === 1 || sc === 2;
  }
  return false;
}

/**
 * net/ipv6/route.c: ip6_pol_route() through fib6_rule_lookup()'s default rules — the local
 * table, then main: the longest prefix that covers `daddr`, the lowest metric among equals;
 * with an output device (a socket's, a scope id) only the routes through it (a local route
 * whatever the device: ip6_rt_get_dev_rcu() sends those through lo anyway). A link-local
 * or multicast destination without a device takes the first device's route, as the strict
 * lookup without an oif does. undefined: no route (ip6_null_entry, ENETUNREACH).
 */
export function ip6RouteLookup(net: Net, daddr: Uint8Array, oif: NetDevice | undefined): Rt6Info | undefined {
  const best = fib6Lookup(net, daddr, (r) => !!oif && !r.local && r.type !== RTN_BLACKHOLE && r.type !== RTN_UNREACHABLE && r.type !== RTN_PROHIBIT && r.dev !== oif);
  // the key is built only when asked (an exception is looked for): not on every packet's lookup
  return best && { type: best.type, dev: best.dev, gw: best.gw, local: best.local, table: best.table, dstLen: best.dstLen, get key() { return rt6Key(best); } };
}

/**
 * fib6_table_lookup() over the local table, then main: the longest prefix covering `daddr`,
 * then the lowest metric, of the routes `skip` does not pass over; an expired route is passed
 * over until gc takes it (fib6_check_expired())
 */
function fib6Lookup(net: Net, daddr: Uint8Array, skip: (r: Rt6) => boolean): Rt6 | undefined {
  const all = rt6Routes(net);
  const t = now(net);
  for (const table of [RT_TABLE_LOCAL, RT_TABLE_MAIN]) {
    let best: Rt6 | undefined;
    for (const r of all) {
      if (r.table !== table || !prefixCovers(r, daddr)) continue;
      if ((r.expires !== undefined && r.expires <= t) || skip(r)) continue;
      if (!best || r.dstLen > best.dstLen || (r.dstLen === best.dstLen && r.metric < best.metric)) best = r;
    }
    if (best) return best;
  }
  return undefined;
}

/** include/net/ipv6.h: the scope of an address for source selection (RFC 6724: 1
 * interface-local / loopback, 2 link-local, 5 site, 14 global) */
function ipv6AddrScope(a: Uint8Array): number {
  if (a[0] === 0xff) return a[1]! & 0x0f;
  if (a[0] === 0xfe && (a[1]! & 0xc0) === 0x80) return 2;
  if (a.every((x, i) => (i === 15 ? x === 1 : x === 0))) return 1; // ::1
  return 14;
}

function commonPrefixLen(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 128; i++) if (bitAt(a, i) !== bitAt(b, i)) return i;
  return 128;
}

/**
 * net/ipv6/addrconf.c: ipv6_dev_get_saddr(): the source address for `daddr` out of `dev`
 * (RFC 6724's rules as the kernel orders them: the same address, the appropriate scope, not
 * deprecated, the outgoing device's, the longest matching prefix). The candidates are the
 * device's addresses and, for a destination that needs no scope, every device's; tentative
 * and DAD-failed ones never.
 */
export function ipv6DevGetSaddr(net: Net, dev: NetDevice | undefined, daddr: Uint8Array): Uint8Array | undefined {
  const dstScope = ipv6AddrScope(daddr);
  const devs = dev && (dstScope <= 2 || dev.flags & IFF_LOOPBACK) ? [dev] : net.devices();
  let best: { ifp: Inet6Ifaddr; score: number[] } | undefined;
  for (const d of devs) {
    const idev = devInet6(d);
    if (!idev || d.ip6Disabled) continue;
    for (const ifp of idev.addrList) {
      if (ifp.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) continue;
      const sc = ipv6AddrScope(ifp.addr);
      // a link-local source only on its own device
      if (sc <= 2 && dev && d !== dev && !(dev.flags & IFF_LOOPBACK)) continue;
      const same = sameAddr(ifp.addr, daddr) ? 1 : 0;
      // rule 2: the smallest scope at least the destination's, else the largest
      const scopeScore = sc >= dstScope ? 1000 - sc : sc;
      const deprecated = ifp.flags & IFA_F_DEPRECATED ? 0 : 1;
      const oif = dev && d === dev ? 1 : 0;
      const score = [same, scopeScore, deprecated, oif, commonPrefixLen(ifp.addr, daddr)];
      if (!best || cmpScore(score, best.score) > 0) best = { ifp, score };
    }
  }
  return best?.ifp.addr.slice();
}

function cmpScore(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** net/ipv6/addrconf.c: ipv6_chk_addr(): is `addr` one of the namespace's addresses (past
 * DAD), on `dev` when given */
export function ipv6ChkAddr(net: Net, addr: Uint8Array, dev?: NetDevice): Inet6Ifaddr | undefined {
  for (const d of dev ? [dev] : net.devices()) {
    const idev = devInet6(d);
    if (!idev) continue;
    for (const ifp of idev.addrList) {
      if (ifp.flags & IFA_F_TENTATIVE && !(ifp.flags & IFA_F_OPTIMISTIC)) continue;
      if (sameAddr(ifp.addr, addr)) return ifp;
    }
  }
  return undefined;
}

/** net/ipv6/route.c: fib6_prop[]: the error a reject route answers with */
export function rt6TypeError(type: number): KErr | undefined {
  switch (type) {
    case RTN_UNREACHABLE: return kerr("EHOSTUNREACH");
    case RTN_BLACKHOLE: return kerr("EINVAL");
    case RTN_PROHIBIT: return kerr("EACCES");
    case RTN_THROW: return kerr("EAGAIN");
  }
  return undefined;
}

/**
 * net/ipv6/route.c: inet6_rtm_getroute() (`ip -6 route get`): the output route of RTA_DST
 * (through RTA_OIF), or with RTA_IIF the input one, filled by rt6_fill_node() as a dst:
 * the address asked and the source (:: when none), the device the packet would leave by (lo
 * for a local one), the gateway, the source address the route picks (output only); with
 * RTM_F_FIB_MATCH the matched route itself.
 */
export function inet6RtmGetroute(net: Net, req: RouteMsg): { ack: NlAck; answer?: RouteMsg } {
  const a = req.attrs;
  const fail = (e: KErr) => ({ ack: { ok: false as const, ...e } });
  const dst = a.RTA_DST && a.RTA_DST.length === 16 ? a.RTA_DST : new Uint8Array(16);
  const src = a.RTA_SRC && a.RTA_SRC.length === 16 ? a.RTA_SRC : new Uint8Array(16);
  const iif = a.RTA_IIF ?? 0;
  const oifIdx = a.RTA_OIF ?? 0;
  let oif: NetDevice | undefined;
  if (iif) {
    if (!net.devByIndex.get(iif)) return fail(kerr("ENODEV"));
  } else if (oifIdx) {
    oif = net.devByIndex.get(oifIdx);
    if (!oif) return fail(kerr("ENODEV"));
  }
  const best = fib6Lookup(net, dst, (r) => !!oif && !r.local && r.type === RTN_UNICAST && r.dev !== oif);
  if (!best) return fail(kerr("ENETUNREACH"));
  const e = rt6TypeError(best.type);
  if (e) return fail(e);
  if (req.rtm.flags & RTM_F_FIB_MATCH) return { ack: { ok: true }, answer: rt6FillNode(best) };
  const dev = best.local ? (net.loopbackDev ?? best.dev) : best.dev;
  const prefsrc = iif ? undefined : best.local ? dst.slice() : ipv6DevGetSaddr(net, best.dev, dst);
  // ip6_pol_route() -> rt6_find_cached_rt(): the destination's exception is the dst, if any
  const exc = best.local ? undefined : rt6FindCachedRt(net, rt6Key(best), dst);
  const answer: RouteMsg = {
    type: "RTM_NEWROUTE",
    flags: {},
    rtm: {
      family: AF_INET6, dst_len: 128, src_len: 128, tos: 0, table: best.table < 256 ? best.table : 252,
      protocol: best.local ? RTPROT_KERNEL : best.protocol ?? RTPROT_KERNEL, scope: RT_SCOPE_UNIVERSE, type: best.type,
      flags: exc ? RTM_F_CLONED : 0,
    },
    attrs: {
      RTA_TABLE: best.table, RTA_DST: dst.slice(), RTA_SRC: src.slice(),
      ...(iif ? { RTA_IIF: iif } : {}),
      ...(prefsrc ? { RTA_PREFSRC: prefsrc } : {}),
      RTA_PRIORITY: best.metric,
      ...(best.gw ? { RTA_GATEWAY: best.gw.slice() } : {}),
      RTA_OIF: dev.ifindex,
      ...(exc ? { RTA_METRICS: { RTAX_MTU: exc.pmtu } } : {}),
      RTA_CACHEINFO: exc ? rt6ExceptionCacheinfo(net, exc)
        : { rta_clntref: 0, rta_lastuse: 0, rta_expires: 0, rta_error: 0, rta_used: 0, rta_id: 0, rta_ts: 0, rta_tsage: 0 },
      RTA_PREF: 0,
    },
  };
  return { ack: { ok: true }, answer };
}
