/**
 * net/ipv4/route.c: routing decisions for packets: output routes (ip_route_output_key),
 * input routes (ip_route_input_slow: local deliver / forward / ip_error / broadcast),
 * next-hop exceptions (PMTU from frag-needed, redirects) with expiry, ip_error() with its
 * rate limit, and the RTM_GETROUTE doit behind `ip route get`.
 *
 * The kernel caches a struct rtable per next hop; here a route is built per lookup (cheap
 * object, no closures) and sockets keep their own (sk_dst_cache), so the effect is the same.
 */
import { SkBuff } from "../core/skbuff.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import {
  RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST, RTN_MULTICAST, RTN_UNREACHABLE, RTN_BLACKHOLE,
  RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, RT_SCOPE_HOST, RT_TABLE_MAIN, RT_TABLE_LOCAL, RT_TABLE_COMPAT, RTPROT_UNSPEC, AF_INET,
  RTCF_LOCAL, RTCF_BROADCAST, RTCF_MULTICAST, RTCF_DOREDIRECT, RTCF_REDIRECTED, RTM_F_CLONED, RTM_F_LOOKUP_TABLE, RTM_F_FIB_MATCH,
  RTAX, type RouteMsg, type NlAck, type RtaMetrics,
} from "../uapi/rtnetlink.ts";
import { kerr, errnoNumbers, type KErr, type Errno, isKErr } from "../uapi/errno.ts";
import { IFF_UP, IFF_LOOPBACK, ETH_P_IP } from "../uapi/if.ts";
import { USEC_PER_SEC, HZ } from "../../sim/scheduler.ts";
import { usToClockT } from "../core/jiffies.ts";
import { netSched } from "../core/dev_path.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import {
  ipv4IsMulticast, ipv4IsLbcast, ipv4IsZeronet, ipv4IsLoopback, ipv4IsLocalMulticast,
  ipv4FromBytes, ipv4ToBytes,
} from "../../wire/addr.ts";
import { inetSelectAddr, devInDevice, inDevConf, inDevForward, inetAddrType, ipDevFind, IN_DEV } from "./devinet.ts";
import { neighLookup, neighCreate, neighEventSend, NUD_VALID } from "../core/neighbour.ts";
import { arpTable } from "./arp.ts";
import { fibLookup, fibValidateSource } from "./fib_frontend.ts";
import { fibHasCustomRules } from "./fib_rules.ts";
import { fibGetTable, fibTableDump, isFibResult, type FibResult } from "./fib.ts";
import { rtnetlinkPutMetrics } from "./fib_semantics.ts";
import { ipLocalDeliver, ipStats } from "./ip_input.ts";
import { ipForward } from "./ip_forward.ts";
import { ipOutput, ipMcOutput, ipRtBug } from "./ip_output.ts";
import { icmpSend } from "./icmp.ts";
import { ipCheckMc } from "./igmp.ts";
import { ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, ICMP_NET_UNREACH, ICMP_PKT_FILTERED } from "../../wire/icmp.ts";

/** struct flowi4 */
export interface Flowi4 {
  daddr: number;
  saddr: number;
  oif: number;
  iif: number;
  tos: number;
  mark: number;
  scope: number;
  proto: number;
  uid: number;
  /** FLOWI_FLAG_ANYSRC (IP_TRANSPARENT / IP_FREEBIND) */
  anysrc?: boolean;
}

export function flowi4(daddr: number, saddr = 0, oif = 0): Flowi4 {
  return { daddr, saddr, oif, iif: 1, tos: 0, mark: 0, scope: RT_SCOPE_UNIVERSE, proto: 0, uid: 0 };
}

/** what fib_lookup() gives back (struct fib_result, flattened), without its fib_info/nexthop */
export type FibRes = Omit<FibResult, "fi" | "nh">;

export const ROUTE_INPUT_LOCAL = 0;
export const ROUTE_INPUT_FORWARD = 1;
export const ROUTE_INPUT_ERROR = 2;

/** struct rtable (with its struct dst_entry) */
export class Rtable {
  /** dst.dev */
  dev: NetDevice;
  /** which dst.input: ROUTE_INPUT_* (ip_local_deliver, ip_forward, ip_error) */
  inputKind = ROUTE_INPUT_LOCAL;
  /** dst.error (positive errno number) for ip_error / RTN_UNREACHABLE */
  error = 0;
  rtType: number;
  rtFlags: number;
  rtIsInput = false;
  rtUsesGateway = false;
  rtGw4 = 0;
  rtIif = 0;
  rtPmtu = 0;
  rtMtuLocked = false;
  /** dst.expires in µs (0 = never) */
  expires = 0;
  lastuse = 0;
  use = 0;
  /** the route's metrics (dst_init_metrics() of the fib_info's), undefined for none */
  metrics: RtaMetrics | undefined = undefined;
  /** the fib table it came from (0 when none) */
  table = 0;
  /** broadcast/multicast output through ip_mc_output (loops a copy back) */
  mcOutput = false;
  /** the fib result it was made from (RTM_F_FIB_MATCH) */
  fibRes: FibRes | undefined;
  constructor(dev: NetDevice, flags: number, type: number) {
    this.dev = dev;
    this.rtFlags = flags;
    this.rtType = type;
  }
}

/** include/net/route.h: inet_iif(): the input interface sockets match SO_BINDTODEVICE against */
export function inetIif(skb: SkBuff): number {
  const rt = skb.dst as Rtable | undefined;
  if (rt !== undefined && rt.rtIif) return rt.rtIif;
  return skb.skbIif || (skb.dev ? skb.dev.ifindex : 0);
}

/** the skb's route (skb_rtable) */
export function skbRtable(skb: SkBuff): Rtable {
  return skb.dst as Rtable;
}

/** net/ipv4/route.c: dst_input() */
export function dstInput(skb: SkBuff): void {
  const rt = skb.dst as Rtable;
  if (rt.inputKind === ROUTE_INPUT_LOCAL) ipLocalDeliver(skb);
  else if (rt.inputKind === ROUTE_INPUT_FORWARD) ipForward(skb);
  else ipError(skb);
}

/** net/ipv4/route.c: dst_output() */
export function dstOutput(net: Net, skb: SkBuff): number {
  const rt = skb.dst as Rtable;
  if (rt.rtIsInput && rt.inputKind !== ROUTE_INPUT_FORWARD) return ipRtBug(net, skb);
  if (rt.mcOutput) return ipMcOutput(net, skb);
  return ipOutput(net, skb);
}

// ------------------------------------------------------------------ next-hop exceptions

/** struct fib_nh_exception: learned per destination (PMTU, redirect gateway) */
interface Fnhe {
  daddr: number;
  dev: NetDevice | undefined;
  gw: number;
  pmtu: number;
  mtuLocked: boolean;
  /** µs; 0 = no expiry */
  expires: number;
  stamp: number;
  /** a route was built through it (fnhe_rth_output/input): only those are dumped */
  bound: boolean;
  /** the table of the route it hangs off (its fib_nh's table) */
  table: number;
}

/** struct inet_peer: per remote address, shared by ip_error, redirects and icmp_ratelimit */
export interface InetPeer {
  rateTokens: number;
  /** jiffies */
  rateLast: number;
  nRedirects: number;
}

interface RouteNet {
  fnhe: Map<number, Fnhe>;
  peers: Map<number, InetPeer>;
  /** RT_CACHE_STAT: in_slow_tot, in_no_route, in_brd, in_martian_dst, in_martian_src, out_slow_tot */
  stat: { inSlowTot: number; inNoRoute: number; inBrd: number; inMartianDst: number; inMartianSrc: number; outSlowTot: number };
}
const routeNets = new NetGeneric<RouteNet>();
export function routeNet(net: Net): RouteNet {
  let r = routeNets.get(net);
  if (!r) {
    r = {
      fnhe: new Map(),
      peers: new Map(),
      stat: { inSlowTot: 0, inNoRoute: 0, inBrd: 0, inMartianDst: 0, inMartianSrc: 0, outSlowTot: 0 },
    };
    routeNets.set(net, r);
  }
  return r;
}

/** jiffies of the world clock */
export function jiffies(net: Net): number {
  return Math.floor(netSched(net).now / (USEC_PER_SEC / HZ));
}

/** net/ipv4/inetpeer.c: inet_getpeer_v4() (a new peer's rate_last is 60 s in the past, so its
 * first token count is at the maximum) */
export function inetGetpeerV4(net: Net, addr: number): InetPeer {
  const m = routeNet(net).peers;
  let p = m.get(addr);
  if (!p) m.set(addr, (p = { rateTokens: 0, rateLast: jiffies(net) - 60 * HZ, nRedirects: 0 }));
  return p;
}

/** net/ipv4/inetpeer.c: inet_peer_xrlim_allow() */
export function inetPeerXrlimAllow(net: Net, peer: InetPeer, timeout: number): boolean {
  const now = jiffies(net);
  let token = peer.rateTokens + now - peer.rateLast;
  peer.rateLast = now;
  if (token > 6 * timeout) token = 6 * timeout;
  let rc = false;
  if (token >= timeout) {
    token -= timeout;
    rc = true;
  }
  peer.rateTokens = token;
  return rc;
}

/** net.ipv4.route.* sysctls (defaults) */
export const IP_RT_MTU_EXPIRES = 600 * USEC_PER_SEC;
export const IP_RT_MIN_PMTU = 552;
const IP_RT_MIN_ADVMSS = 256;

/** the per-namespace values of ipv4_route_netns_table (net->ipv4.ip_rt_*) */
interface RtSysctl {
  minPmtu: number;
  /** µs */
  mtuExpires: number;
  minAdvmss: number;
}
const rtSysctls = new NetGeneric<RtSysctl>();
function rtSysctl(net: Net): RtSysctl {
  let s = rtSysctls.get(net);
  if (!s) rtSysctls.set(net, (s = { minPmtu: IP_RT_MIN_PMTU, mtuExpires: IP_RT_MTU_EXPIRES, minAdvmss: IP_RT_MIN_ADVMSS }));
  return s;
}

/** include/net/net_namespace.h: fnhe_genid_bump() — every next-hop exception (learned PMTU,
 * redirect) goes stale: rt_bind_exception() resets a stale one and the dump skips it, which is
 * what dropping them does */
export function fnheGenidBump(net: Net): void {
  routeNet(net).fnhe.clear();
}

/** a sysctl entry as core/sysctl.ts takes it */
export interface RtCtlEntry {
  procname: string;
  mode: number;
  read(): string | KErr;
  write?(data: string): KErr | undefined;
}

/** proc_dointvec(): one integer, leading/trailing white space allowed */
function parseOneInt(data: string): number | KErr {
  const m = /^\s*([+-]?\d+)\s*$/.exec(data);
  return m ? Number(m[1]) : kerr("EINVAL");
}

/** net/ipv4/route.c: ipv4_route_netns_table (sysctl_route_net_init) — net/ipv4/route/ of a namespace */
export function ipRtNetnsSysctlTable(net: Net, flush: () => void): RtCtlEntry[] {
  const s = rtSysctl(net);
  const int = (procname: string, get: () => number, set: (v: number) => void, min?: number): RtCtlEntry => ({
    procname,
    mode: 0o644,
    read: () => `${get()}\n`,
    write: (data) => {
      const v = parseOneInt(data);
      if (isKErr(v)) return v;
      if (min !== undefined && v < min) return kerr("EINVAL");
      set(v);
      return undefined;
    },
  });
  return [
    {
      /* ipv4_sysctl_rtcache_flush(): write-only, any write flushes the cache */
      procname: "flush",
      mode: 0o200,
      read: () => kerr("EACCES"),
      write: () => {
        flush();
        fnheGenidBump(net);
        return undefined;
      },
    },
    int("min_pmtu", () => s.minPmtu, (v) => void (s.minPmtu = v), 68),
    /* proc_dointvec_jiffies: seconds */
    int("mtu_expires", () => Math.floor(s.mtuExpires / USEC_PER_SEC), (v) => void (s.mtuExpires = v * USEC_PER_SEC)),
    int("min_adv_mss", () => s.minAdvmss, (v) => void (s.minAdvmss = v)),
  ];
}
export const IP_RT_GC_TIMEOUT = 300 * USEC_PER_SEC;
export const IP_RT_ERROR_COST = HZ;
export const IP_RT_ERROR_BURST = 5 * HZ;

/** route.c: find_exception() (expired ones are removed on the way) */
function findException(net: Net, daddr: number): Fnhe | undefined {
  const rn = routeNet(net);
  const f = rn.fnhe.get(daddr);
  if (!f) return undefined;
  if (f.expires && netSched(net).now >= f.expires) {
    rn.fnhe.delete(daddr);
    return undefined;
  }
  return f;
}

/** route.c: update_or_create_fnhe() */
function updateOrCreateFnhe(net: Net, dev: NetDevice | undefined, daddr: number, gw: number, pmtu: number, lock: boolean, expires: number): void {
  const rn = routeNet(net);
  let f = rn.fnhe.get(daddr);
  if (!f) {
    f = { daddr, dev, gw: 0, pmtu: 0, mtuLocked: false, expires: 0, stamp: netSched(net).now, bound: false, table: RT_TABLE_MAIN };
    rn.fnhe.set(daddr, f);
  }
  if (gw) f.gw = gw;
  if (pmtu) {
    f.pmtu = pmtu;
    f.mtuLocked = lock;
  }
  f.expires = Math.max(1, expires);
  f.stamp = netSched(net).now;
}

/** route.c: __ip_rt_update_pmtu(): an ICMP frag-needed (or a local EMSGSIZE probe) said mtu */
export function ipRtUpdatePmtu(net: Net, rt: Rtable | undefined, daddr: number, mtu: number): void {
  const old = rt ? ipv4Mtu(rt) : 0x7fffffff;
  if (rt?.rtMtuLocked) return;
  if (old < mtu) return;
  let lock = false;
  const rs = rtSysctl(net);
  if (mtu < rs.minPmtu) {
    lock = true;
    mtu = Math.min(old, rs.minPmtu);
  }
  const now = netSched(net).now;
  const f = findException(net, daddr);
  if (f && f.pmtu === mtu && !lock && now < f.expires - rs.mtuExpires / 2) return;
  const res = fibLookup(net, flowi4(daddr));
  if (isKErr(res)) return;
  updateOrCreateFnhe(net, (res as FibRes).nhDev, daddr, 0, mtu, lock, now + rs.mtuExpires);
}

/** route.c: __ip_do_redirect(): a router (`oldGw`) said to use `newGw` for `daddr` */
export function ipDoRedirect(net: Net, dev: NetDevice, daddr: number, oldGw: number, newGw: number): void {
  const cur = ipRouteOutputKey(net, flowi4(daddr));
  if (isKErr(cur) || !cur.rtUsesGateway || cur.rtGw4 !== oldGw) return;
  const rdev = cur.dev;
  if (rdev !== dev || !devInDevice(dev)) return;
  if (oldGw === newGw || !inDevConf(dev, IN_DEV.accept_redirects) || ipv4IsMulticast(newGw) || ipv4IsLbcast(newGw) || ipv4IsZeronet(newGw)) return;
  if (!inDevConf(dev, IN_DEV.shared_media)) {
    if (!inetAddrOnlink(dev, newGw, oldGw)) return;
  } else if (inetAddrType(net, newGw) !== RTN_UNICAST) return;
  const tbl = arpTable(net);
  const n = neighLookup(tbl, newGw, dev) ?? neighCreate(tbl, newGw, dev);
  if (!n) return;
  if (!(n.nudState & NUD_VALID)) {
    neighEventSend(n, undefined);
    return;
  }
  updateOrCreateFnhe(net, dev, daddr, newGw, 0, false, netSched(net).now + IP_RT_GC_TIMEOUT);
}

/** include/net/ip.h: ipv4_mtu() / dst_mtu() */
export function ipv4Mtu(rt: Rtable): number {
  let mtu = rt.rtPmtu;
  if (!mtu || (rt.expires && netSched(rt.dev.net).now >= rt.expires)) mtu = rt.metrics?.RTAX_MTU ?? 0;
  if (mtu) return mtu;
  mtu = rt.dev.mtu;
  if (rt.rtMtuLocked && rt.rtUsesGateway && mtu > 576) mtu = 576;
  return Math.min(mtu, 0xffff);
}

/** res->table->tb_id: without custom rules the local table is merged into main (fib_trie's
 * table merging), so a lookup that hits a local route reports the main table */
function resTableId(net: Net, res: FibRes): number {
  if (res.table === RT_TABLE_LOCAL && !fibHasCustomRules(net)) return RT_TABLE_MAIN;
  return res.table;
}

/** route.c: rt_set_nexthop() (+ rt_bind_exception) */
function rtSetNexthop(net: Net, rt: Rtable, daddr: number, res: FibRes | undefined): void {
  if (res) {
    if (res.nhGw && res.nhScope === RT_SCOPE_LINK) {
      rt.rtGw4 = res.nhGw;
      rt.rtUsesGateway = true;
    }
    rt.metrics = res.metrics;
    rt.table = resTableId(net, res);
    rt.fibRes = res;
  }
  const f = findException(net, daddr);
  if (f && (!f.dev || f.dev === rt.dev)) {
    f.bound = true;
    if (res) f.table = resTableId(net, res);
    if (f.pmtu) {
      rt.rtPmtu = f.pmtu;
      rt.rtMtuLocked = f.mtuLocked;
    }
    if (f.gw) {
      rt.rtGw4 = f.gw;
      rt.rtUsesGateway = true;
      rt.rtFlags |= RTCF_REDIRECTED;
    }
    rt.expires = f.expires;
  }
}

// ------------------------------------------------------------------ output

/** route.c: fib_result_prefsrc() via fib_select_path() */
function fibResultPrefsrc(res: FibRes): number {
  if (res.prefsrc) return res.prefsrc;
  return res.nhDev ? inetSelectAddr(res.nhDev, res.nhGw, res.scope) : 0;
}

/** route.c: __mkroute_output() */
function mkrouteOutput(net: Net, res: FibRes | undefined, fl4: Flowi4, origOif: number, devOut: NetDevice, flags: number, type: number): Rtable | KErr {
  if (ipv4IsLoopback(fl4.saddr) && !(devOut.flags & IFF_LOOPBACK)) return kerr("EINVAL");
  if (ipv4IsLbcast(fl4.daddr)) type = RTN_BROADCAST;
  else if (ipv4IsMulticast(fl4.daddr)) type = RTN_MULTICAST;
  else if (ipv4IsZeronet(fl4.daddr)) return kerr("EINVAL");
  if (!devInDevice(devOut)) return kerr("EINVAL");
  if (devOut.flags & IFF_LOOPBACK) flags |= RTCF_LOCAL;
  if (type === RTN_BROADCAST) {
    flags |= RTCF_BROADCAST | RTCF_LOCAL;
    res = undefined;
  } else if (type === RTN_MULTICAST) {
    flags |= RTCF_MULTICAST | RTCF_LOCAL;
    // a group the device has not joined: nothing here to loop a copy back to
    if (!ipCheckMc(devOut, fl4.daddr, fl4.saddr, fl4.proto)) flags &= ~RTCF_LOCAL;
    res = undefined;
  }
  const rt = new Rtable(devOut, flags, type);
  rt.rtIif = origOif;
  rt.lastuse = netSched(net).now;
  routeNet(net).stat.outSlowTot++;
  if (flags & (RTCF_BROADCAST | RTCF_MULTICAST) && !(devOut.flags & IFF_LOOPBACK)) rt.mcOutput = (flags & RTCF_LOCAL) !== 0;
  rtSetNexthop(net, rt, fl4.daddr, res);
  return rt;
}

/**
 * net/ipv4/route.c: ip_route_output_key_hash_rcu(). Fills fl4.saddr (and oif) as the kernel
 * does; returns the route or the error (ENETUNREACH, EHOSTUNREACH, EACCES, EINVAL, ENODEV).
 */
export function ipRouteOutputKey(net: Net, fl4: Flowi4): Rtable | KErr {
  const origOif = fl4.oif;
  let devOut: NetDevice | undefined;
  let flags = 0;
  let res: FibRes | undefined;
  let type = RTN_UNICAST;
  fl4.iif = 1; // LOOPBACK_IFINDEX
  if (fl4.saddr) {
    if (ipv4IsMulticast(fl4.saddr) || ipv4IsLbcast(fl4.saddr) || ipv4IsZeronet(fl4.saddr)) return kerr("EINVAL");
    if (fl4.oif === 0 && (ipv4IsMulticast(fl4.daddr) || ipv4IsLbcast(fl4.daddr))) {
      devOut = ipDevFind(net, fl4.saddr);
      if (!devOut) return kerr("ENETUNREACH");
      fl4.oif = devOut.ifindex;
      return mkrouteOutput(net, undefined, fl4, origOif, devOut, flags, type);
    }
    if (!fl4.anysrc && !ipDevFind(net, fl4.saddr)) return kerr("ENETUNREACH");
  }
  if (fl4.oif) {
    devOut = net.devByIndex.get(fl4.oif);
    if (!devOut) return kerr("ENODEV");
    if (!(devOut.flags & IFF_UP) || !devInDevice(devOut)) return kerr("ENETUNREACH");
    if (ipv4IsLocalMulticast(fl4.daddr) || ipv4IsLbcast(fl4.daddr) || fl4.proto === 2 /* IPPROTO_IGMP */) {
      if (!fl4.saddr) fl4.saddr = inetSelectAddr(devOut, 0, RT_SCOPE_LINK);
      return mkrouteOutput(net, undefined, fl4, origOif, devOut, flags, type);
    }
    if (!fl4.saddr) {
      if (ipv4IsMulticast(fl4.daddr)) fl4.saddr = inetSelectAddr(devOut, 0, fl4.scope);
      else if (!fl4.daddr) fl4.saddr = inetSelectAddr(devOut, 0, RT_SCOPE_HOST);
    }
  }
  if (!fl4.daddr) {
    fl4.daddr = fl4.saddr;
    if (!fl4.daddr) fl4.daddr = fl4.saddr = 0x7f000001;
    devOut = net.loopbackDev!;
    fl4.oif = 1;
    return mkrouteOutput(net, undefined, fl4, origOif, devOut, flags | RTCF_LOCAL, RTN_LOCAL);
  }
  const r = fibLookup(net, fl4);
  if (isKErr(r)) {
    if (fl4.oif && devOut) {
      // "Apparently, routing tables are wrong. Assume, that the destination is on link."
      if (!fl4.saddr) fl4.saddr = inetSelectAddr(devOut, 0, RT_SCOPE_LINK);
      return mkrouteOutput(net, undefined, fl4, origOif, devOut, flags, RTN_UNICAST);
    }
    return r;
  }
  res = r as FibRes;
  type = res.type;
  if (type === RTN_LOCAL) {
    if (!fl4.saddr) fl4.saddr = res.prefsrc || fl4.daddr;
    devOut = net.loopbackDev!;
    fl4.oif = devOut.ifindex;
    flags |= RTCF_LOCAL;
    // "make sure orig_oif points to fib result device even though packet rx/tx happens over
    // loopback": sockets bound to that device receive what comes back through lo
    return mkrouteOutput(net, res, fl4, res.nhDev ? res.nhDev.ifindex : origOif, devOut, flags, type);
  }
  if (!fl4.saddr) fl4.saddr = fibResultPrefsrc(res);
  devOut = res.nhDev;
  if (!devOut) return kerr("ENETUNREACH");
  fl4.oif = devOut.ifindex;
  return mkrouteOutput(net, res, fl4, origOif, devOut, flags, type);
}

function emptyRes(): FibRes {
  return { type: RTN_UNICAST, table: 255, prefix: 0, prefixlen: 0, scope: RT_SCOPE_HOST, nhGw: 0, nhDev: undefined, nhScope: 0, nhFlags: 0, prefsrc: 0, priority: 0, tos: 0, metrics: {} };
}

// ------------------------------------------------------------------ input

/** the outcome of an input lookup: 0, or a negative errno with the drop reason */
export interface RouteInputErr {
  err: number;
  reason: string;
}

/** route.c: ip_rt_get_dev(): where locally delivered packets "are" (loopback) */
function localDev(net: Net, res: FibRes | undefined, dev: NetDevice): NetDevice {
  return net.loopbackDev ?? res?.nhDev ?? dev;
}

/** route.c: ip_handle_martian_source() (log_martians: the line and the MAC header's hex dump) */
function martianSource(net: Net, dev: NetDevice, daddr: number, saddr: number, skb?: SkBuff): void {
  routeNet(net).stat.inMartianSrc++;
  if (inDevConf(dev, IN_DEV.log_martians)) {
    const h = net.host as unknown as { dmesgLog?: (m: string) => void };
    h.dmesgLog?.(`IPv4: martian source ${ip4(daddr)} from ${ip4(saddr)}, on dev ${dev.name}`);
    if (skb && dev.hardHeaderLen && skb.macHeader >= 0) {
      // print_hex_dump(KERN_WARNING, "ll header: ", DUMP_PREFIX_OFFSET, 16, 1, mac, hard_header_len, false)
      for (let off = 0; off < dev.hardHeaderLen; off += 16) {
        let line = `ll header: ${off.toString(16).padStart(8, "0")}:`;
        for (let i = off; i < Math.min(off + 16, dev.hardHeaderLen); i++) line += " " + skb.buf[skb.macHeader + i]!.toString(16).padStart(2, "0");
        h.dmesgLog?.(line);
      }
    }
  }
}

const ip4 = (a: number): string => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;

/**
 * net/ipv4/route.c: ip_route_input_noref() / ip_route_input_slow(). On success sets skb.dst
 * and returns 0; otherwise a negative errno (the caller drops with `lastInputReason`).
 */
export let lastInputReason = "SKB_DROP_REASON_NOT_SPECIFIED";

/** martian_source: (label of ip_route_input_slow) */
function inMartianSource(net: Net, dev: NetDevice, daddr: number, saddr: number, skb?: SkBuff, validateErr = 0): number {
  martianSource(net, dev, daddr, saddr, skb);
  // fib_validate_source_reason(): the reverse path check's failure is a reason of its own
  lastInputReason = validateErr === -errnoNumbers.EXDEV ? "SKB_DROP_REASON_IP_RPFILTER" : "SKB_DROP_REASON_IP_INVALID_SOURCE";
  return -errnoNumbers.EINVAL;
}

/** martian_destination: */
function inMartianDest(net: Net, dev: NetDevice, daddr: number, saddr: number): number {
  routeNet(net).stat.inMartianDst++;
  if (inDevConf(dev, IN_DEV.log_martians)) {
    (net.host as unknown as { dmesgLog?: (m: string) => void }).dmesgLog?.(`IPv4: martian destination ${ip4(daddr)} from ${ip4(saddr)}, dev ${dev.name}`);
  }
  lastInputReason = "SKB_DROP_REASON_IP_INVALID_DEST";
  return -errnoNumbers.EINVAL;
}

/** local_input: */
function inLocalInput(skb: SkBuff, dev: NetDevice, res: FibRes | undefined, flags: number, type: number, error: number): number {
  const net = dev.net;
  const rt = new Rtable(localDev(net, res, dev), flags | RTCF_LOCAL, type);
  rt.rtIsInput = true;
  rt.rtIif = dev.ifindex;
  rt.lastuse = netSched(net).now;
  rt.table = res ? resTableId(net, res) : 0;
  routeNet(net).stat.inSlowTot++;
  rt.inputKind = ROUTE_INPUT_LOCAL;
  if (type === RTN_UNREACHABLE) {
    rt.inputKind = ROUTE_INPUT_ERROR;
    rt.error = error;
    rt.rtFlags &= ~RTCF_LOCAL;
  }
  skb.dst = rt;
  return 0;
}

/** brd_input: */
function inBrdInput(skb: SkBuff, dev: NetDevice, daddr: number, saddr: number, tos: number): number {
  if (skb.protocol !== ETH_P_IP) return -errnoNumbers.EINVAL;
  if (!ipv4IsZeronet(saddr)) {
    const e = fibValidateSource(skb, saddr, 0, tos, 0, dev);
    if (e < 0) return inMartianSource(dev.net, dev, daddr, saddr, skb, e);
  }
  routeNet(dev.net).stat.inBrd++;
  return inLocalInput(skb, dev, undefined, RTCF_BROADCAST, RTN_BROADCAST, 0);
}

/** route.c: ip_route_input_mc() with ip_mc_validate_source(): a local multicast route */
function inMcInput(skb: SkBuff, dev: NetDevice, daddr: number, saddr: number, tos: number): number {
  const fail = (reason: string): number => {
    lastInputReason = reason;
    return -errnoNumbers.EINVAL;
  };
  if (ipv4IsMulticast(saddr) || ipv4IsLbcast(saddr)) return fail("SKB_DROP_REASON_IP_INVALID_SOURCE");
  if (skb.protocol !== ETH_P_IP) return fail("SKB_DROP_REASON_INVALID_PROTO");
  if (ipv4IsLoopback(saddr) && !inDevConf(dev, IN_DEV.route_localnet)) return fail("SKB_DROP_REASON_IP_LOCALNET");
  if (ipv4IsZeronet(saddr)) {
    if (!ipv4IsLocalMulticast(daddr) && skb.buf[skb.networkHeader + 9] !== 2 /* IPPROTO_IGMP */) return fail("SKB_DROP_REASON_IP_INVALID_SOURCE");
  } else {
    const e = fibValidateSource(skb, saddr, 0, tos, 0, dev);
    if (e < 0) return fail(e === -errnoNumbers.EXDEV ? "SKB_DROP_REASON_IP_RPFILTER" : "SKB_DROP_REASON_IP_INVALID_SOURCE");
  }
  return inLocalInput(skb, dev, undefined, RTCF_MULTICAST, RTN_MULTICAST, 0);
}

/** no_route: */
function inNoRoute(skb: SkBuff, dev: NetDevice, e: number): number {
  routeNet(dev.net).stat.inNoRoute++;
  return inLocalInput(skb, dev, undefined, 0, RTN_UNREACHABLE, e);
}


/** the input route's flow key: filled for each lookup, read by it alone (the kernel's is on
 * ip_route_input_slow()'s stack) */
const inputFl4: Flowi4 = { daddr: 0, saddr: 0, oif: 0, iif: 0, tos: 0, mark: 0, scope: RT_SCOPE_UNIVERSE, proto: 0, uid: -1 };

/** ip_route_input_slow()'s fib_lookup() of a packet arriving on `dev` */
function inputFibLookup(dev: NetDevice, daddr: number, saddr: number, tos: number, mark: number): FibResult | KErr {
  const fl4 = inputFl4;
  fl4.daddr = daddr;
  fl4.saddr = saddr;
  fl4.iif = dev.ifindex;
  fl4.tos = tos;
  fl4.mark = mark;
  return fibLookup(dev.net, fl4);
}

/**
 * ip_route_input_noref() of `daddr` from `saddr` arriving on `dev`, for a receive path that has
 * no skb (ARP's PtypePeek), when it would end in no_route with nothing kept: a destination
 * that is neither local nor a broadcast (or has no route), on a device that does not forward,
 * neither address martian. Counts what that way counts (in_no_route, in_slow_tot) and returns
 * true; returns false with nothing done for any other way (the caller then builds the skb and
 * takes the full one, whose lookup finds the same).
 */
export function ipRouteInputNoRoutePeek(dev: NetDevice, daddr: number, saddr: number, mark: number): boolean {
  if (!devInDevice(dev) || inDevForward(dev)) return false;
  if (ipv4IsMulticast(daddr) || ipv4IsLbcast(daddr) || ipv4IsZeronet(daddr) || ipv4IsLoopback(daddr)) return false;
  if (ipv4IsMulticast(saddr) || ipv4IsLbcast(saddr) || ipv4IsZeronet(saddr) || ipv4IsLoopback(saddr)) return false;
  const r = inputFibLookup(dev, daddr, saddr, 0, mark);
  if (isFibResult(r) && ((r as FibRes).type === RTN_LOCAL || (r as FibRes).type === RTN_BROADCAST)) return false;
  lastInputReason = "SKB_DROP_REASON_NOT_SPECIFIED";
  const st = routeNet(dev.net).stat;
  st.inNoRoute++;
  st.inSlowTot++;
  return true;
}

export function ipRouteInputNoref(skb: SkBuff, daddr: number, saddr: number, tos: number, dev: NetDevice): number {
  const net = dev.net;
  const rn = routeNet(net);
  const inDev = devInDevice(dev);
  let res: FibRes | undefined;
  let err = 0;
  lastInputReason = "SKB_DROP_REASON_NOT_SPECIFIED";
  if (!inDev) return -errnoNumbers.EINVAL;

  // ip_route_input_rcu(): a group this device joined is delivered (no multicast routing)
  if (ipv4IsMulticast(daddr)) {
    if (!ipCheckMc(dev, daddr, saddr, skb.buf[skb.networkHeader + 9]!)) return -errnoNumbers.EINVAL;
    return inMcInput(skb, dev, daddr, saddr, tos);
  }
  if (ipv4IsMulticast(saddr) || ipv4IsLbcast(saddr)) return inMartianSource(net, dev, daddr, saddr, skb);
  if (ipv4IsLbcast(daddr) || (saddr === 0 && daddr === 0)) return inBrdInput(skb, dev, daddr, saddr, tos);
  if (ipv4IsZeronet(saddr)) return inMartianSource(net, dev, daddr, saddr, skb);
  if (ipv4IsZeronet(daddr)) return inMartianDest(net, dev, daddr, saddr);
  if (ipv4IsLoopback(daddr)) {
    if (!inDevConf(dev, IN_DEV.route_localnet)) return inMartianDest(net, dev, daddr, saddr);
  } else if (ipv4IsLoopback(saddr)) {
    if (!inDevConf(dev, IN_DEV.route_localnet)) return inMartianSource(net, dev, daddr, saddr, skb);
  }
  const r = inputFibLookup(dev, daddr, saddr, tos, skb.mark);
  if (!isFibResult(r)) {
    err = errnoNumbers[(r as KErr).errno];
    if (!inDevForward(dev)) err = errnoNumbers.EHOSTUNREACH;
    return inNoRoute(skb, dev, err);
  }
  res = r as FibRes;
  if (res.type === RTN_BROADCAST) return inBrdInput(skb, dev, daddr, saddr, tos);
  if (res.type === RTN_LOCAL) {
    const e = fibValidateSource(skb, saddr, daddr, tos, 0, dev);
    if (e < 0) return inMartianSource(net, dev, daddr, saddr, skb, e);
    return inLocalInput(skb, dev, res, 0, RTN_LOCAL, 0);
  }
  if (!inDevForward(dev)) return inNoRoute(skb, dev, errnoNumbers.EHOSTUNREACH);
  if (res.type !== RTN_UNICAST) {
    if (res.type === RTN_BLACKHOLE || res.type === RTN_UNREACHABLE) return inNoRoute(skb, dev, errnoNumbers.EHOSTUNREACH);
    return inMartianDest(net, dev, daddr, saddr);
  }
  // __mkroute_input()
  const outDev = res.nhDev;
  if (!outDev || !devInDevice(outDev)) return -errnoNumbers.EINVAL;
  const v = fibValidateSource(skb, saddr, daddr, tos, outDev.ifindex, dev);
  if (v < 0) return inMartianSource(net, dev, daddr, saddr, skb, v);
  if (outDev === dev && v && inDevConf(dev, IN_DEV.send_redirects) && skb.protocol === ETH_P_IP) {
    const gw = res.nhGw;
    if (inDevConf(dev, IN_DEV.shared_media) || inetAddrOnlink(dev, saddr, gw)) skb.ipcbFlags |= IPSKB_DOREDIRECT;
  }
  if (skb.protocol !== ETH_P_IP) {
    // ARP: proxying back out of the same device needs proxy_arp_pvlan
    if (outDev === dev && !inDevConf(dev, IN_DEV.proxy_arp_pvlan)) return -errnoNumbers.EINVAL;
  }
  const rt = new Rtable(outDev, 0, res.type);
  rt.rtIsInput = true;
  rt.rtIif = dev.ifindex;
  rt.lastuse = netSched(net).now;
  rt.inputKind = ROUTE_INPUT_FORWARD;
  rn.stat.inSlowTot++;
  if (skb.ipcbFlags & IPSKB_DOREDIRECT) rt.rtFlags |= RTCF_DOREDIRECT;
  rtSetNexthop(net, rt, daddr, res);
  skb.dst = rt;
  return 0;
}

/** IPCB(skb)->flags */
export const IPSKB_FORWARDED = 1 << 0;
export const IPSKB_XFRM_TUNNEL_SIZE = 1 << 1;
export const IPSKB_XFRM_TRANSFORMED = 1 << 2;
export const IPSKB_FRAG_COMPLETE = 1 << 3;
export const IPSKB_REROUTED = 1 << 4;
export const IPSKB_DOREDIRECT = 1 << 5;
export const IPSKB_FRAG_PMTU = 1 << 6;
export const IPSKB_L3SLAVE = 1 << 7;

/** include/linux/inetdevice.h: inet_addr_onlink() */
function inetAddrOnlink(dev: NetDevice, a: number, b: number): boolean {
  const ind = devInDevice(dev);
  if (!ind) return false;
  for (const ifa of ind.ifaList) {
    const m = ifa.ifaMask >>> 0;
    if (((a ^ ifa.ifaAddress) & m) === 0 && (!b || ((b ^ ifa.ifaAddress) & m) === 0)) return true;
  }
  return false;
}

/** route.c: ip_error(): an input route without a way (dst.error) */
export function ipError(skb: SkBuff): void {
  const rt = skb.dst as Rtable;
  const dev = skb.dev!;
  const net = dev.net;
  let reason = "SKB_DROP_REASON_NOT_SPECIFIED";
  if (!devInDevice(dev)) {
    kfreeSkbReason(skb, reason, "ip_error");
    return;
  }
  if (!inDevForward(dev)) {
    if (rt.error === errnoNumbers.EHOSTUNREACH) {
      reason = "SKB_DROP_REASON_IP_INADDRERRORS";
      ipStats(net).InAddrErrors++;
    } else if (rt.error === errnoNumbers.ENETUNREACH) {
      reason = "SKB_DROP_REASON_IP_INNOROUTES";
      ipStats(net).InNoRoutes++;
    }
    kfreeSkbReason(skb, reason, "ip_error");
    return;
  }
  let code: number;
  switch (rt.error) {
    case errnoNumbers.EHOSTUNREACH:
      code = ICMP_HOST_UNREACH;
      break;
    case errnoNumbers.ENETUNREACH:
      code = ICMP_NET_UNREACH;
      reason = "SKB_DROP_REASON_IP_INNOROUTES";
      ipStats(net).InNoRoutes++;
      break;
    case errnoNumbers.EACCES:
      code = ICMP_PKT_FILTERED;
      break;
    default:
      kfreeSkbReason(skb, reason, "ip_error");
      return;
  }
  // inet_peer rate limit on the source
  const saddr = ipv4FromBytes(skb.buf, skb.networkHeader + 12);
  const peer = inetGetpeerV4(net, saddr);
  const now = jiffies(net);
  let send = true;
  peer.rateTokens += now - peer.rateLast;
  if (peer.rateTokens > IP_RT_ERROR_BURST) peer.rateTokens = IP_RT_ERROR_BURST;
  peer.rateLast = now;
  if (peer.rateTokens >= IP_RT_ERROR_COST) peer.rateTokens -= IP_RT_ERROR_COST;
  else send = false;
  if (send) icmpSend(skb, ICMP_DEST_UNREACH, code, 0);
  kfreeSkbReason(skb, reason, "ip_error");
}

// ------------------------------------------------------------------ RTM_GETROUTE


/** route.c: rt_fill_info() */
function rtFillInfo(net: Net, dst: number, src: number, rt: Rtable, tableId: number, fl4: Flowi4 | undefined, iif: number, uidSet: boolean): RouteMsg {
  const now = netSched(net).now;
  let expires = 0;
  if (rt.expires) expires = Math.max(1, rt.expires - now);
  // the dst's metrics (the route's), the learned path MTU over its mtu while it lasts
  const metrics: RtaMetrics = { ...rt.metrics };
  if (rt.rtPmtu && expires) metrics.RTAX_MTU = rt.rtPmtu;
  if (rt.rtMtuLocked && expires) metrics.RTAX_LOCK = (metrics.RTAX_LOCK ?? 0) | (1 << RTAX.RTAX_MTU);
  const put = rtnetlinkPutMetrics(metrics);
  const msg: RouteMsg = {
    type: "RTM_NEWROUTE",
    flags: {},
    rtm: {
      family: AF_INET,
      dst_len: 32,
      src_len: src ? 32 : 0,
      tos: rt.fibRes?.tos ?? 0, // res.dscp: the matched route's tos, not the request's
      table: tableId < 256 ? tableId : RT_TABLE_COMPAT,
      protocol: RTPROT_UNSPEC,
      scope: RT_SCOPE_UNIVERSE,
      type: rt.rtType,
      flags: ((rt.rtFlags & ~0xffff) | RTM_F_CLONED) >>> 0,
    },
    attrs: {
      RTA_TABLE: tableId,
      RTA_DST: ipv4ToBytes(dst),
      RTA_SRC: src ? ipv4ToBytes(src) : undefined,
      RTA_OIF: rt.rtIsInput && rt.inputKind !== ROUTE_INPUT_FORWARD ? undefined : rt.dev.ifindex,
      RTA_PREFSRC: fl4 && !rt.rtIsInput && fl4.saddr !== src ? ipv4ToBytes(fl4.saddr) : undefined,
      RTA_GATEWAY: rt.rtUsesGateway ? ipv4ToBytes(rt.rtGw4) : undefined,
      RTA_METRICS: put,
      RTA_MARK: fl4?.mark || undefined,
      RTA_UID: fl4 && uidSet ? fl4.uid : undefined,
      RTA_IIF: fl4 && rt.rtIsInput ? iif : undefined,
      RTA_CACHEINFO: {
        rta_clntref: 1,
        rta_lastuse: usToClockT(now - rt.lastuse),
        rta_expires: expires ? usToClockT(expires) : 0,
        rta_error: rt.error ? -rt.error : 0,
        rta_used: rt.use,
        rta_id: 0,
        rta_ts: 0,
        rta_tsage: 0,
      },
    },
  };
  if (rt.rtIsInput && rt.inputKind !== ROUTE_INPUT_FORWARD) {
    // local delivery: the output device is the loopback (RTA_OIF is the dst dev)
    msg.attrs.RTA_OIF = rt.dev.ifindex;
  }
  return msg;
}

/** net/ipv4/route.c: fib_dump_info_fnhe() — `ip route show cache`: the live exceptions */
export function fnheDump(net: Net, _req: RouteMsg): RouteMsg[] {
  const out: RouteMsg[] = [];
  const now = netSched(net).now;
  for (const f of routeNet(net).fnhe.values()) {
    if (!f.bound || (f.expires && now >= f.expires) || !f.dev) continue;
    const rt = new Rtable(f.dev, f.gw ? RTCF_REDIRECTED : 0, RTN_UNICAST);
    rt.lastuse = f.stamp;
    rt.expires = f.expires;
    if (f.pmtu) {
      rt.rtPmtu = f.pmtu;
      rt.rtMtuLocked = f.mtuLocked;
    }
    const gw = f.gw || routeGateway(net, f.daddr);
    if (gw) {
      rt.rtGw4 = gw;
      rt.rtUsesGateway = true;
    }
    const m = rtFillInfo(net, f.daddr, 0, rt, f.table, undefined, 0, false);
    m.attrs.RTA_CACHEINFO!.rta_lastuse = 0;
    out.push(m);
  }
  return out;
}

/** the gateway of the route to daddr (the fib_nh an exception hangs off) */
function routeGateway(net: Net, daddr: number): number {
  const r = fibLookup(net, flowi4(daddr));
  if (isKErr(r)) return 0;
  const res = r as FibRes;
  return res.nhGw && res.nhScope === RT_SCOPE_LINK ? res.nhGw : 0;
}

/** net/ipv4/route.c: inet_rtm_getroute() */
export function inetRtmGetroute(net: Net, req: RouteMsg): { ack: NlAck; answer?: RouteMsg } {
  const a = req.attrs;
  const fail = (e: KErr): { ack: NlAck } => ({ ack: { ok: false, ...e } });
  if (req.rtm.dst_len && req.rtm.dst_len !== 32) return fail(kerr("EINVAL", "ipv4: Invalid values in header for route get request"));
  if (req.rtm.src_len && req.rtm.src_len !== 32) return fail(kerr("EINVAL", "ipv4: Invalid values in header for route get request"));
  const src = a.RTA_SRC ? ipv4FromBytes(a.RTA_SRC) : 0;
  const dst = a.RTA_DST ? ipv4FromBytes(a.RTA_DST) : 0;
  const iif = a.RTA_IIF ?? 0;
  const mark = a.RTA_MARK ?? 0;
  const uidSet = a.RTA_UID !== undefined || !iif;
  const fl4: Flowi4 = {
    daddr: dst, saddr: src, tos: req.rtm.tos, oif: a.RTA_OIF ?? 0, iif, mark, scope: RT_SCOPE_UNIVERSE,
    proto: a.RTA_IP_PROTO ?? 0, uid: a.RTA_UID ?? 0,
  };
  let rt: Rtable;
  if (iif) {
    const dev = net.devByIndex.get(iif);
    if (!dev) return fail(kerr("ENODEV", "ipv4: Invalid input device"));
    const skb = new SkBuff(0);
    skb.protocol = ETH_P_IP;
    skb.dev = dev;
    skb.mark = mark;
    let err = ipRouteInputNoref(skb, dst, src, req.rtm.tos, dev);
    const r = skb.dst as Rtable | undefined;
    if (err === 0 && r && r.error) err = -r.error;
    if (err) return fail(kerr(errnoName(-err)));
    rt = r!;
    fl4.iif = iif;
  } else {
    fl4.iif = 1;
    const r = ipRouteOutputKey(net, fl4);
    if (isKErr(r)) return fail(r);
    rt = r;
  }
  // RT_TABLE_MAIN unless the request asks for the table that matched (RTM_F_LOOKUP_TABLE)
  const tableId = req.rtm.flags & RTM_F_LOOKUP_TABLE ? rt.table : RT_TABLE_MAIN;
  if (req.rtm.flags & RTM_F_FIB_MATCH) {
    // fib_dump_info() of the route that matched
    const res = rt.fibRes;
    if (!res) return fail(kerr("EHOSTUNREACH"));
    const tb = fibGetTable(net, res.table);
    const m = tb ? fibTableDump(tb).find((r) => r.rtm.dst_len === res.prefixlen && (r.attrs.RTA_DST ? ipv4FromBytes(r.attrs.RTA_DST) : 0) === res.prefix &&
      (r.attrs.RTA_PRIORITY ?? 0) === res.priority && r.rtm.tos === res.tos) : undefined;
    if (!m) return fail(kerr("EHOSTUNREACH"));
    // fri.tb_id = table_id: the table the lookup reports (main when local is merged into it)
    const fri = m as RouteMsg;
    return {
      ack: { ok: true },
      answer: { ...fri, rtm: { ...fri.rtm, table: tableId < 256 ? tableId : RT_TABLE_COMPAT }, attrs: { ...fri.attrs, RTA_TABLE: tableId } },
    };
  }
  return { ack: { ok: true }, answer: rtFillInfo(net, dst, src, rt, tableId, fl4, iif, uidSet) };
}


function errnoName(n: number): Errno {
  for (const [k, v] of Object.entries(errnoNumbers)) if (v === n) return k as Errno;
  return "EINVAL";
}

export { RTN_MULTICAST };

/**
 * net/ipv4/netfilter.c: ip_route_me_harder(): a netfilter hook changed the addresses (or the
 * mark) of a locally generated packet; route it again. Returns 0 or a negative errno (the
 * caller drops the skb with SKB_DROP_REASON_IP_OUTNOROUTES, as Linux does).
 */
export function ipRouteMeHarder(net: Net, skb: SkBuff): number {
  const b = skb.buf;
  const o = skb.networkHeader;
  const saddr = ipv4FromBytes(b, o + 12);
  const daddr = ipv4FromBytes(b, o + 16);
  const old = skb.dst as Rtable | undefined;
  const local = inetAddrType(net, saddr) === RTN_LOCAL;
  const fl4: Flowi4 = {
    daddr, saddr: local ? saddr : 0, oif: 0, iif: 1, tos: b[o + 1]! & 0x1e, mark: skb.mark,
    scope: RT_SCOPE_UNIVERSE, proto: b[o + 9]!, uid: 0, anysrc: true,
  };
  const r = ipRouteOutputKey(net, fl4);
  if (isKErr(r)) return -errnoNumbers[r.errno];
  skb.dst = r;
  skb.dev = r.dev;
  void old;
  return 0;
}

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, "0");

/**
 * net/ipv4/route.c: rt_cpu_seq_show(): /proc/net/stat/rt_cache, one line per possible CPU
 * (the counters are all on the first: this kernel does not spread work over CPUs). `entries`
 * (dst_entries_get_slow(), the machine's dst count) is not modelled: 0.
 */
export function rtCpuSeqShow(net: Net, cpus: number): string {
  const st = routeNet(net).stat;
  let out = "entries  in_hit   in_slow_tot in_slow_mc in_no_route in_brd   in_martian_dst in_martian_src out_hit  out_slow_tot out_slow_mc gc_total gc_ignored gc_goal_miss gc_dst_overflow in_hlist_search out_hlist_search\n";
  for (let cpu = 0; cpu < cpus; cpu++) {
    const c = cpu === 0 ? st : { inSlowTot: 0, inNoRoute: 0, inBrd: 0, inMartianDst: 0, inMartianSrc: 0, outSlowTot: 0 };
    out += `${hex8(0)} ${hex8(0)} ${hex8(c.inSlowTot)}    ${hex8(0)}   ${hex8(c.inNoRoute)}    ${hex8(c.inBrd)} ${hex8(c.inMartianDst)}       ` +
      `${hex8(c.inMartianSrc)}       ${hex8(0)} ${hex8(c.outSlowTot)}     ${hex8(0)}    ${hex8(0)} ${hex8(0)}   ` +
      `${hex8(0)}     ${hex8(0)}        ${hex8(0)}        ${hex8(0)}\n`;
  }
  return out;
}
