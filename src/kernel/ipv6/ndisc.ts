/**
 * net/ipv6/ndisc.c: nd_tbl's protocol half (ndisc_constructor, ndisc_solicit,
 * ndisc_error_report, pndisc_constructor), neighbour solicitations and advertisements sent
 * and received (ndisc_send_ns/na, ndisc_recv_ns/na), router solicitations, and the packet-sending half
 * of net/ipv6/addrconf.c that runs when a link comes up: Duplicate Address Detection
 * (addrconf_dad_start/_begin/_kick/_work/_completed, one NS from :: to the solicited-node
 * group with a nonce after a random delay below rtr_solicit_delay, the address tentative
 * until retrans_time later), the solicited-node group joins (addrconf_join_solict), router
 * solicitations after DAD of the first link-local address (rtr_solicits -1: forever, with the
 * RFC 3315 s14 backoff up to rtr_solicit_max_interval), and the MLD hooks of addrconf_notify /
 * addrconf_ifdown (ipv6_mc_up/down/destroy).
 *
 * addrconf.ts owns the addresses (struct inet6_ifaddr) and their netlink side; this file
 * keeps the DAD/RS state beside them in WeakMaps. `ndiscInit()` registers a netdevice
 * notifier after addrconf's that drives the link-up work; addrconf calls
 * `addrconfDadStart(ifp)` for an address it adds and `addrconfLeaveSolict(ifp)` for one it
 * deletes.
 */
import type { NetDevice } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import type { Timer } from "../../sim/scheduler.ts";
import type { Inet6Dev, Inet6Ifaddr } from "./addrconf.ts";
import { devInet6, dadConfig, addrconfAllCnf, ipv6IfaNotify, ipv6DelAddr, ipv6DevGetSaddr } from "./addrconf.ts";
import {
  registerNetdeviceNotifier, NETDEV_REGISTER, NETDEV_UNREGISTER, NETDEV_UP, NETDEV_DOWN, NETDEV_CHANGE, NETDEV_CHANGEADDR, NOTIFY_DONE,
} from "../core/notifier.ts";
import { netSched, netRng } from "../core/dev_path.ts";
import { netifOperUp } from "../core/dev.ts";
import { IFA_F_TENTATIVE, IFA_F_OPTIMISTIC, IFA_F_DADFAILED, IFA_F_NODAD, IFA_F_PERMANENT, RT_SCOPE_LINK } from "../uapi/rtnetlink.ts";
import { IFF_UP, IFF_LOOPBACK, IFF_NOARP, IFF_MULTICAST, IFF_SLAVE, ARPHRD_TUNNEL } from "../uapi/if.ts";
import { HZ } from "../../sim/scheduler.ts";
import {
  ip6AllocSkb, ip6PushHdr, icmpv6Csum, ip6OutputMulticast, ip6OutputNdisc, ipv6AddrAny, ipv6AddrEqual, NEXTHDR_ICMP, IN6ADDR_ANY,
  ndiscMcMapTo, ipv6AddrIsMulticast,
} from "./ip6_output.ts";
import {
  __ipv6DevMcInc, __ipv6DevMcDec, ipv6McUp, ipv6McDown, ipv6McInitDev, ipv6McDestroyDev, ipv6McDadComplete,
  ipv6GetLladdr, igmp6Init, IN6ADDR_LINKLOCAL_ALLROUTERS,
} from "./mcast.ts";
import { modDelayedWork, randomBelow, msecsToJiffies } from "../core/jiffies.ts";
import {
  NeighTable, type Neighbour, type NeighOps, type PneighEntry, registerNeighTableMaker, neighIfdown, neighTableRelease, neighChangeaddr,
  neighCarrierDown, neighLookup, neighCreate, neighUpdate, NUD_VALID, NEIGH_UPDATE_F_OVERRIDE, NEIGH_UPDATE_F_WEAK_OVERRIDE,
  NEIGH_UPDATE_F_OVERRIDE_ISROUTER, NEIGH_UPDATE_F_ISROUTER, pneighLookup,
} from "../core/neighbour.ts";
import { NetGeneric, registerPernetOps, type Net } from "../core/net_namespace.ts";
import { AF_INET6, RTN_MULTICAST, RTN_UNICAST, RTN_LOCAL, NUD_NOARP, NUD_STALE, NUD_REACHABLE, NUD_FAILED, NTF_ROUTER } from "../uapi/rtnetlink.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { ETH_P_IPV6, IFF_POINTOPOINT, PACKET_LOOPBACK, PACKET_HOST } from "../uapi/if.ts";
import { ipv6ChkAcastAddr } from "./anycast.ts";
import { USEC_PER_JIFFY } from "../../sim/scheduler.ts";

/** ICMPv6 ND message types (include/net/ndisc.h) */
export const NDISC_ROUTER_SOLICITATION = 133;
export const NDISC_ROUTER_ADVERTISEMENT = 134;
export const NDISC_NEIGHBOUR_SOLICITATION = 135;
export const NDISC_NEIGHBOUR_ADVERTISEMENT = 136;
export const NDISC_REDIRECT = 137;
/** ND options */
export const ND_OPT_SOURCE_LL_ADDR = 1;
export const ND_OPT_TARGET_LL_ADDR = 2;
export const ND_OPT_NONCE = 14;

/** neigh_parms RETRANS_TIME of nd_tbl: 1000 ms */
const ND_RETRANS_TIME_MS = 1000;

/** inet6_ifaddr.state */
const enum IfaState { PREDAD, DAD, POSTDAD, ERRDAD, DEAD }

/** the DAD half of struct inet6_ifaddr */
export interface DadState {
  state: IfaState;
  probes: number;
  nonce: Uint8Array | undefined;
  timer: Timer;
  /** addrconf_join_solict() ran for this address */
  solicitJoined: boolean;
}

/** the RS/readiness half of struct inet6_dev */
export interface NdDev {
  idev: Inet6Dev;
  ready: boolean;
  rsTimer: Timer;
  rsInterval: number;
  rsProbes: number;
  rsSent: boolean;
  raRcvd: boolean;
  /** the addresses whose DAD state lives here */
  ifas: Set<Inet6Ifaddr>;
}

/* the DAD state of an address is its Inet6Ifaddr.dad, the RS state of a device its
 * Inet6Dev.nd, the inet6_dev a device had last its NetDevice.ip6Last (addrconf clears
 * dev.ip6Ptr before our NETDEV_UNREGISTER): fields, as struct inet6_ifaddr and inet6_dev have
 * them, not side tables every collection traces as ephemerons */

function ndDev(idev: Inet6Dev): NdDev {
  let s = idev.nd;
  if (!s) {
    s = {
      idev, ready: false, rsTimer: netSched(idev.dev.net).timer(() => addrconfRsTimer(idev), "addrconf_rs_timer"),
      rsInterval: 0, rsProbes: 0, rsSent: false, raRcvd: false, ifas: new Set(),
    };
    idev.nd = s;
  }
  return s;
}

function cnf(idev: Inet6Dev, name: string, dflt: number): number {
  const v = idev.cnf.get(name);
  return v === undefined ? dflt : Number(v);
}

/** DAD timings collapse to 0 unless addrconf's dadConfig says the clock runs as on Linux */
function dadDelay(j: number): number {
  return dadConfig.realistic ? j : 0;
}

/**
 * addrconf_dad_kick()'s wait before the first NS, collapsed (dadConfig.realistic off) to
 * DAD_KICK_JIFFIES: Linux waits a random part of rtr_solicit_delay (1 s), so the link-up's
 * first MLD report (mld_ifc_start_work(): 2 jiffies) nearly always goes first, and with it
 * its neighbour entry (ff02::16 before the solicited-node group in nd_tbl)
 */
const DAD_KICK_JIFFIES = 3;
function dadKickDelay(j: number): number {
  return dadConfig.realistic ? j : Math.min(j, DAD_KICK_JIFFIES);
}

// ---------------------------------------------------------------------------- addresses

/** net/ipv6/addrconf.c: addrconf_addr_solict_mult(): ff02::1:ffXX:XXXX */
export function addrconfAddrSolictMult(addr: Uint8Array): Uint8Array {
  const m = new Uint8Array(16);
  m[0] = 0xff;
  m[1] = 0x02;
  m[11] = 0x01;
  m[12] = 0xff;
  m[13] = addr[13]!;
  m[14] = addr[14]!;
  m[15] = addr[15]!;
  return m;
}

/** include/net/addrconf.h: ipv6_addr_is_solict_mult() */
export function ipv6AddrIsSolictMult(a: Uint8Array): boolean {
  return a[0] === 0xff && a[1] === 0x02 && a.subarray(2, 11).every((x) => x === 0) && a[11] === 1 && a[12] === 0xff;
}

/** net/ipv6/addrconf.c: addrconf_join_solict() */
function addrconfJoinSolict(idev: Inet6Dev, addr: Uint8Array): void {
  if (idev.dev.flags & (IFF_LOOPBACK | IFF_NOARP)) return;
  __ipv6DevMcInc(idev, addrconfAddrSolictMult(addr));
}

/** net/ipv6/addrconf.c: addrconf_leave_solict() */
function addrconfLeaveSolictAddr(idev: Inet6Dev, addr: Uint8Array): void {
  if (idev.dev.flags & (IFF_LOOPBACK | IFF_NOARP)) return;
  __ipv6DevMcDec(idev, addrconfAddrSolictMult(addr));
}

function dadOf(ifp: Inet6Ifaddr): DadState {
  let d = ifp.dad;
  if (!d) {
    const net = ifp.idev.dev.net;
    d = { state: IfaState.PREDAD, probes: 0, nonce: undefined, timer: netSched(net).timer(() => addrconfDadWork(ifp), "addrconf_dad_work"), solicitJoined: false };
    ifp.dad = d;
    ndDev(ifp.idev).ifas.add(ifp);
  }
  return d;
}

/**
 * __ipv6_ifa_notify(RTM_DELADDR)'s addrconf_leave_solict() and the DAD work's end: addrconf
 * calls this when it removes an address (ipv6_del_addr, addrconf_ifdown).
 */
export function addrconfLeaveSolict(ifp: Inet6Ifaddr): void {
  const d = ifp.dad;
  if (!d) return;
  d.timer.cancel();
  d.state = IfaState.DEAD;
  ifp.idev.nd?.ifas.delete(ifp);
  if (d.solicitJoined) {
    d.solicitJoined = false;
    addrconfLeaveSolictAddr(ifp.idev, ifp.addr);
  }
}

/** net/ipv6/addrconf.c: addrconf_dad_start() — addrconf calls it for a new address (instead
 * of clearing IFA_F_TENTATIVE itself); the address must carry IFA_F_TENTATIVE unless NODAD */
export function addrconfDadStart(ifp: Inet6Ifaddr): void {
  const d = dadOf(ifp);
  if (d.state === IfaState.DEAD) return;
  d.state = IfaState.PREDAD;
  modDelayedWork(ifp.idev.dev.net, d.timer, 0);
}

/** net/ipv6/addrconf.c: addrconf_dad_begin() */
function addrconfDadBegin(ifp: Inet6Ifaddr): void {
  const idev = ifp.idev;
  const dev = idev.dev;
  const d = dadOf(ifp);
  if (!d.solicitJoined) {
    d.solicitJoined = true;
    addrconfJoinSolict(idev, ifp.addr);
  }
  if (d.state === IfaState.DEAD) return;
  // (net.ipv6.conf.all.accept_dad is 0 by default and addrconf keeps it private: the device's
  // value decides)
  const acceptDad = cnf(idev, "accept_dad", 1);
  if (dev.flags & (IFF_NOARP | IFF_LOOPBACK) || acceptDad < 1 ||
      !(ifp.flags & IFA_F_TENTATIVE) || ifp.flags & IFA_F_NODAD) {
    const sendNa = (ifp.flags & IFA_F_TENTATIVE) !== 0 && !(ifp.flags & IFA_F_OPTIMISTIC);
    ifp.flags &= ~(IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED);
    addrconfDadCompleted(ifp, sendNa);
    return;
  }
  if (!ndDev(idev).ready || !(dev.flags & IFF_UP)) {
    // addrconf_dad_stop(ifp, 0): a permanent address stays tentative until the link is ready
    addrconfDadStop(ifp, false);
    return;
  }
  addrconfDadKick(ifp);
}

/** net/ipv6/addrconf.c: addrconf_dad_stop(): a permanent address stays, tentative (and
 * announced when DAD failed); any other goes */
function addrconfDadStop(ifp: Inet6Ifaddr, dadFailed: boolean): void {
  const d = dadOf(ifp);
  d.timer.cancel();
  if (ifp.flags & IFA_F_PERMANENT) {
    ifp.flags |= IFA_F_TENTATIVE;
    if (dadFailed) ifp.flags |= IFA_F_DADFAILED;
    if (dadFailed) ipv6IfaNotify(0, ifp);
  } else if (ifp.idev.addrList.includes(ifp)) ipv6DelAddr(ifp);
}

/** net/ipv6/addrconf.c: addrconf_dad_kick() */
function addrconfDadKick(ifp: Inet6Ifaddr): void {
  const idev = ifp.idev;
  const net = idev.dev.net;
  const d = dadOf(ifp);
  const rtrSolicitDelay = cnf(idev, "router_solicitation_delay", 1) * HZ;
  const randNum = ifp.flags & IFA_F_OPTIMISTIC ? 0 : randomBelow(net, rtrSolicitDelay || 1);
  d.nonce = undefined;
  if (cnf(idev, "enhanced_dad", 1)) {
    let n: Uint8Array;
    do n = netRng(net).bytes(6);
    while (n.every((x) => x === 0));
    d.nonce = n;
  }
  d.probes = cnf(idev, "dad_transmits", 1);
  d.state = IfaState.DAD;
  modDelayedWork(net, d.timer, dadKickDelay(randNum));
}

/** net/ipv6/addrconf.c: addrconf_dad_work() */
function addrconfDadWork(ifp: Inet6Ifaddr): void {
  const idev = ifp.idev;
  const d = dadOf(ifp);
  if (!idev.addrList.includes(ifp)) {
    // deleted behind our back (INET6_IFADDR_STATE_DEAD)
    addrconfLeaveSolict(ifp);
    return;
  }
  if (d.state === IfaState.PREDAD) {
    d.state = IfaState.DAD;
    addrconfDadBegin(ifp);
    return;
  }
  if (d.state === IfaState.ERRDAD) {
    d.state = IfaState.POSTDAD;
    addrconfDadStop(ifp, true);
    return;
  }
  if (d.state !== IfaState.DAD) return;
  if (!ndDev(idev).ready) {
    addrconfDadStop(ifp, false);
    return;
  }
  if (ifp.flags & IFA_F_DADFAILED) return;
  if (d.probes === 0) {
    // DAD was successful
    const sendNa = (ifp.flags & IFA_F_TENTATIVE) !== 0 && !(ifp.flags & IFA_F_OPTIMISTIC);
    ifp.flags &= ~(IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED);
    addrconfDadCompleted(ifp, sendNa);
    return;
  }
  d.probes--;
  modDelayedWork(idev.dev.net, d.timer, dadDelay(Math.max(msecsToJiffies(ND_RETRANS_TIME_MS), HZ / 100)));
  // send a neighbour solicitation for our addr
  ndiscSendNs(idev.dev, ifp.addr, addrconfAddrSolictMult(ifp.addr), IN6ADDR_ANY, d.nonce);
}

/** net/ipv6/addrconf.c: ipv6_lonely_lladdr() */
function ipv6LonelyLladdr(ifp: Inet6Ifaddr): boolean {
  for (const it of ifp.idev.addrList) {
    if (it !== ifp && it.scope === RT_SCOPE_LINK &&
        (it.flags & (IFA_F_PERMANENT | IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED)) === IFA_F_PERMANENT) {
      return false;
    }
  }
  return true;
}

/** net/ipv6/addrconf.c: ipv6_accept_ra() */
export function ipv6AcceptRa(idev: Inet6Dev): boolean {
  return cnf(idev, "forwarding", 0) ? cnf(idev, "accept_ra", 1) === 2 : cnf(idev, "accept_ra", 1) !== 0;
}

/** net/ipv6/addrconf.c: addrconf_dad_completed() */
function addrconfDadCompleted(ifp: Inet6Ifaddr, sendNa: boolean): void {
  const idev = ifp.idev;
  const dev = idev.dev;
  const d = dadOf(ifp);
  d.timer.cancel();
  d.state = IfaState.POSTDAD;
  // ipv6_ifa_notify(RTM_NEWADDR): the address announced, its local route into the fib
  ipv6IfaNotify("RTM_NEWADDR", ifp);
  const sendMld = ifp.scope === RT_SCOPE_LINK && ipv6LonelyLladdr(ifp);
  const sendRs = sendMld && ipv6AcceptRa(idev) && cnf(idev, "router_solicitations", -1) !== 0 &&
    !(dev.flags & IFF_LOOPBACK) && dev.type !== ARPHRD_TUNNEL;
  // while DAD is in progress the MLD reports' source is ::; report again from the new address
  if (sendMld) ipv6McDadComplete(idev);
  if (sendNa && cnf(idev, "ndisc_notify", 0)) {
    // unsolicited NA (ndisc_notify): not modelled
  }
  if (sendRs) {
    const lladdr = ipv6GetLladdr(idev, IFA_F_TENTATIVE);
    if (!lladdr) return;
    ndiscSendRs(dev, lladdr, IN6ADDR_LINKLOCAL_ALLROUTERS);
    const s = ndDev(idev);
    s.rsInterval = rfc3315S14BackoffInit(dev, cnf(idev, "router_solicitation_interval", 4) * HZ);
    s.rsProbes = 1;
    s.rsSent = true;
    modDelayedWork(dev.net, s.rsTimer, s.rsInterval);
  }
}

/**
 * net/ipv6/addrconf.c: inet6_set_iftoken()'s router solicitation once a token is set on a
 * ready device: one RS from a link-local address past DAD, then the RS timer from the start
 * (IF_RS_SENT, rs_probes 1)
 */
export function addrconfRsRestart(idev: Inet6Dev): void {
  const dev = idev.dev;
  const lladdr = ipv6GetLladdr(idev, IFA_F_TENTATIVE | IFA_F_OPTIMISTIC);
  if (!lladdr) return;
  ndiscSendRs(dev, lladdr, IN6ADDR_LINKLOCAL_ALLROUTERS);
  const s = ndDev(idev);
  s.rsSent = true;
  s.rsInterval = rfc3315S14BackoffInit(dev, cnf(idev, "router_solicitation_interval", 4) * HZ);
  s.rsProbes = 1;
  modDelayedWork(dev.net, s.rsTimer, s.rsInterval);
}

/** net/ipv6/addrconf.c: rfc3315_s14_backoff_init() */
function rfc3315S14BackoffInit(dev: NetDevice, irt: number): number {
  return Math.floor(((900000 + randomBelow(dev.net, 200001)) * irt) / 1000000);
}

/** net/ipv6/addrconf.c: rfc3315_s14_backoff_update() */
function rfc3315S14BackoffUpdate(dev: NetDevice, rt: number, mrt: number): number {
  let tmp = Math.floor(((1900000 + randomBelow(dev.net, 200001)) * rt) / 1000000);
  if (tmp > mrt) tmp = Math.floor(((900000 + randomBelow(dev.net, 200001)) * mrt) / 1000000);
  return tmp;
}

/** net/ipv6/addrconf.c: addrconf_rs_timer() */
function addrconfRsTimer(idev: Inet6Dev): void {
  const s = ndDev(idev);
  const dev = idev.dev;
  if (!s.ready || !ipv6AcceptRa(idev) || s.raRcvd) return;
  const rtrSolicits = cnf(idev, "router_solicitations", -1);
  if (s.rsProbes++ < rtrSolicits || rtrSolicits < 0) {
    const lladdr = ipv6GetLladdr(idev, IFA_F_TENTATIVE);
    if (!lladdr) return;
    ndiscSendRs(dev, lladdr, IN6ADDR_LINKLOCAL_ALLROUTERS);
    s.rsInterval = rfc3315S14BackoffUpdate(dev, s.rsInterval, cnf(idev, "router_solicitation_max_interval", 3600) * HZ);
    // the wait after the last probe can be shorter
    modDelayedWork(dev.net, s.rsTimer, s.rsProbes === rtrSolicits ? cnf(idev, "router_solicitation_delay", 1) * HZ : s.rsInterval);
  }
  // else: pr_debug("%s: no IPv6 routers present\n")
}

/** net/ipv6/addrconf.c: addrconf_dad_run() — the link became ready: DAD every tentative address */
function addrconfDadRun(idev: Inet6Dev): void {
  for (const ifp of idev.addrList.slice()) {
    const d = ifp.dad;
    if (!d) {
      // an address addrconf made without calling addrconfDadStart (it cleared TENTATIVE
      // itself): give it the DAD Linux would have run
      if (idev.dev.flags & IFF_LOOPBACK) continue;
      if (!(ifp.flags & IFA_F_NODAD)) ifp.flags |= IFA_F_TENTATIVE;
      addrconfDadStart(ifp);
      continue;
    }
    if (ifp.flags & IFA_F_TENTATIVE && d.state === IfaState.DAD) addrconfDadKick(ifp);
  }
}

/** net/ipv6/addrconf.c: addrconf_dad_failure() — another node uses (or tests) our address */
export function addrconfDadFailure(skb: SkBuff, ifp: Inet6Ifaddr): void {
  const dev = ifp.idev.dev;
  const src = skb.macHeader >= 0 ? skb.buf.subarray(skb.macHeader + 6, skb.macHeader + 12) : new Uint8Array(6);
  const mac = [...src].map((x) => x.toString(16).padStart(2, "0")).join(":");
  dev.net.host.dmesgLog(`IPv6: ${dev.name}: IPv6 duplicate address ${in6Ntop(ifp.addr)} used by ${mac} detected!`);
  const d = dadOf(ifp);
  if (d.state !== IfaState.DEAD) d.state = IfaState.ERRDAD;
  modDelayedWork(dev.net, d.timer, 0);
}

/** %pI6c: RFC 5952 text of an IPv6 address */
export function in6Ntop(a: Uint8Array): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((a[i * 2]! << 8) | a[i * 2 + 1]!);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  if (bestLen < 2) return hex(w);
  return `${hex(w.slice(0, best))}::${hex(w.slice(best + bestLen))}`;
}

/** the address of `dev` equal to `addr` (ipv6_get_ifaddr on one device) */
export function ipv6GetIfaddr(dev: NetDevice, addr: Uint8Array): Inet6Ifaddr | undefined {
  return devInet6(dev)?.addrList.find((x) => ipv6AddrEqual(x.addr, addr));
}

/** the DAD nonce an address sent its NS with (ifp->dad_nonce) */
export function ifaDadNonce(ifp: Inet6Ifaddr): Uint8Array | undefined {
  return ifp.dad?.nonce;
}

// ----------------------------------------------------------------------------- sending

/** net/ipv6/ndisc.c: ndisc_fill_addr_option(): type, length in 8-octet units, the first
 * `len` bytes of `addr` (the device's address, read in place) */
function ndiscFillAddrOption(b: Uint8Array, o: number, type: number, addr: Uint8Array, len: number): number {
  const n = Math.min(len, addr.length);
  const space = (n + 2 + 7) & ~7;
  b[o] = type;
  b[o + 1] = space >>> 3;
  for (let i = 0; i < n; i++) b[o + 2 + i] = addr[i]!;
  return space;
}

/** net/ipv6/ndisc.c: ndisc_send_skb(): the ICMPv6 checksum, ip6_nd_hdr (hop limit 255), out */
function ndiscSendSkb(skb: SkBuff, dev: NetDevice, daddr: Uint8Array, saddr: Uint8Array): void {
  const b = skb.buf;
  const o = skb.data;
  const len = skb.len;
  const csum = icmpv6Csum(b, o, len, saddr, daddr);
  b[o + 2] = csum >>> 8;
  b[o + 3] = csum & 0xff;
  const idev = devInet6(dev);
  ip6PushHdr(skb, saddr, daddr, NEXTHDR_ICMP, 255, idev ? cnf(idev, "ndisc_tclass", 0) : 0);
  if (daddr[0] === 0xff) ip6OutputMulticast(skb, dev, daddr);
  else ip6OutputNdisc(skb, dev, daddr);
}

/** net/ipv6/ndisc.c: ndisc_send_ns(): to a solicited-node group or (a probe) to the target;
 * without a source, the device's link-local address */
export function ndiscSendNs(dev: NetDevice, solicit: Uint8Array, daddr: Uint8Array, saddr: Uint8Array | undefined, nonce?: Uint8Array): void {
  if (!(dev.flags & IFF_UP)) return;
  if (!saddr) {
    const idev = devInet6(dev);
    saddr = idev && ipv6GetLladdr(idev, IFA_F_TENTATIVE | IFA_F_OPTIMISTIC);
    if (!saddr) return;
  }
  const incOpt = !ipv6AddrAny(saddr);
  let optlen = 0;
  if (incOpt) optlen += (dev.addrLen + 2 + 7) & ~7;
  if (nonce) optlen += 8;
  const skb = ip6AllocSkb(24 + optlen);
  const b = skb.buf;
  let o = skb.data;
  b[o] = NDISC_NEIGHBOUR_SOLICITATION;
  for (let i = 0; i < 16; i++) b[o + 8 + i] = solicit[i]!;
  o += 24;
  if (incOpt) o += ndiscFillAddrOption(b, o, ND_OPT_SOURCE_LL_ADDR, dev.devAddr, dev.addrLen);
  if (nonce) {
    b[o] = ND_OPT_NONCE;
    b[o + 1] = 1;
    for (let i = 0; i < 6; i++) b[o + 2 + i] = nonce[i]!;
  }
  ndiscSendSkb(skb, dev, daddr, saddr);
}

/** net/ipv6/ndisc.c: ndisc_send_rs() */
export function ndiscSendRs(dev: NetDevice, saddr: Uint8Array, daddr: Uint8Array): void {
  if (!(dev.flags & IFF_UP)) return;
  const sendSllao = !ipv6AddrAny(saddr);
  const optlen = sendSllao ? (dev.addrLen + 2 + 7) & ~7 : 0;
  const skb = ip6AllocSkb(8 + optlen);
  const b = skb.buf;
  const o = skb.data;
  b[o] = NDISC_ROUTER_SOLICITATION;
  if (sendSllao) ndiscFillAddrOption(b, o + 8, ND_OPT_SOURCE_LL_ADDR, dev.devAddr, dev.addrLen);
  ndiscSendSkb(skb, dev, daddr, saddr);
}

// ------------------------------------------------------------------ the netdevice events

/** net/ipv6/addrconf.c: addrconf_link_ready() (carrier too: operstate follows it only once the
 * link watch has run) */
function addrconfLinkReady(dev: NetDevice): boolean {
  return dev.carrier && netifOperUp(dev) && dev.qdisc !== "noop";
}

/** the link became ready (IF_READY): addrconf_dev_config() -> ipv6_find_idev() ->
 * ipv6_mc_up(), then addrconf_dad_run(). The notifier calls it; addrconf calls it where it
 * configures a device outside the notifier (disable_ipv6 back to 0). */
export function ndiscDevReady(idev: Inet6Dev): void {
  const dev = idev.dev;
  ipv6McInitDev(idev);
  dev.ip6Last = idev;
  const s = ndDev(idev);
  if (s.ready) return;
  s.ready = true;
  if (dev.flags & IFF_UP && dev.flags & IFF_MULTICAST) ipv6McUp(idev);
  addrconfDadRun(idev);
}

/** ipv6_add_dev()'s multicast part, once per inet6_dev */
function ensureMcInit(dev: NetDevice): Inet6Dev | undefined {
  const idev = devInet6(dev);
  if (!idev) return undefined;
  dev.ip6Last = idev;
  ipv6McInitDev(idev);
  return idev;
}

/** net/ipv6/addrconf.c: addrconf_ifdown()'s address, RS and MLD steps (the notifier calls it
 * on NETDEV_DOWN/UNREGISTER; addrconf calls it where it runs addrconf_ifdown itself, e.g.
 * disable_ipv6) */
export function ndiscIfdown(idev: Inet6Dev, unregister: boolean): void {
  const s = ndDev(idev);
  const wasReady = s.ready;
  s.rsTimer.cancel();
  s.ready = false;
  s.rsSent = false;
  s.raRcvd = false;
  for (const ifp of [...s.ifas]) {
    const d = ifp.dad!;
    d.timer.cancel();
    const kept = !unregister && idev.addrList.includes(ifp);
    if (kept) {
      d.state = IfaState.PREDAD;
      if (!(ifp.flags & IFA_F_NODAD)) ifp.flags |= IFA_F_TENTATIVE;
    } else {
      addrconfLeaveSolict(ifp);
    }
  }
  // a device that never became ready (disable_ipv6 set while it is down) keeps the groups
  // ipv6_add_dev() joined in its filter: ff02::1 stays as 33:33:00:00:00:01
  if (unregister) ipv6McDestroyDev(idev);
  else if (wasReady) ipv6McDown(idev);
}

/** net/ipv6/addrconf.c: addrconf_notify(), the steps after addrconf.ts's own */
function ndiscNetdevEvent(event: number, dev: NetDevice): number {
  switch (event) {
    case NETDEV_REGISTER:
      ensureMcInit(dev);
      break;
    case NETDEV_UP:
    case NETDEV_CHANGE: {
      if (dev.flags & IFF_SLAVE) break;
      const idev = ensureMcInit(dev);
      if (!idev || idev.cnf.get("disable_ipv6")) break;
      const s = ndDev(idev);
      if (!addrconfLinkReady(dev)) break;
      if (s.ready) {
        // already configured: resend MLD reports (we may have roamed)
        if (event === NETDEV_CHANGE) ipv6McUp(idev);
        break;
      }
      ndiscDevReady(idev);
      break;
    }
    case NETDEV_DOWN: {
      const idev = devInet6(dev) ?? (dev.ip6Last as Inet6Dev | undefined);
      if (idev) ndiscIfdown(idev, false);
      break;
    }
    case NETDEV_UNREGISTER: {
      const idev = dev.ip6Last as Inet6Dev | undefined;
      if (idev) ndiscIfdown(idev, true);
      dev.ip6Last = undefined;
      break;
    }
  }
  return NOTIFY_DONE;
}

let inited = false;

/** net/ipv6/ndisc.c: ndisc_init() + the addrconf hooks; call after addrconfInit() */
export function ndiscInit(): void {
  if (inited) return;
  inited = true;
  igmp6Init();
  registerNetdeviceNotifier(ndiscNetdevEvent);
  registerNetdeviceNotifier(ndiscNetdevTblEvent);
  registerNeighTableMaker(AF_INET6, ndTable);
  registerPernetOps({
    exit(net: Net): void {
      const t = ndTables.get(net);
      if (t) {
        neighIfdown(t, undefined, false);
        neighTableRelease(t);
      }
      ndTables.delete(net);
    },
  });
}

/** net/ipv6/ndisc.c: ndisc_netdev_event() (nd_tbl's part) */
function ndiscNetdevTblEvent(event: number, dev: NetDevice): number {
  const t = ndTables.get(dev.net);
  if (!t) return NOTIFY_DONE;
  switch (event) {
    case NETDEV_CHANGEADDR:
      neighChangeaddr(t, dev);
      break;
    case NETDEV_CHANGE: {
      const idev = devInet6(dev);
      const all = addrconfAllCnf(dev.net, "ndisc_evict_nocarrier");
      const evict = !idev || cnf(idev, "ndisc_evict_nocarrier", 1) !== 0 || all !== 0;
      if (evict && !dev.carrier) neighCarrierDown(t, dev);
      break;
    }
  }
  return NOTIFY_DONE;
}

/** rt6_disable_ip()'s neigh_ifdown(&nd_tbl, dev): the device's entries go (NETDEV_DOWN, UNREGISTER) */
export function ndiscNeighIfdown(dev: NetDevice): void {
  const t = ndTables.get(dev.net);
  if (t) neighIfdown(t, dev, false);
}

// ------------------------------------------------------------------------------ nd_tbl

/** an IPv6 address as nd_tbl's key: its eight 16-bit words as UTF-16 units */
export function in6Key(b: Uint8Array, o = 0): string {
  return String.fromCharCode(
    (b[o]! << 8) | b[o + 1]!, (b[o + 2]! << 8) | b[o + 3]!, (b[o + 4]! << 8) | b[o + 5]!, (b[o + 6]! << 8) | b[o + 7]!,
    (b[o + 8]! << 8) | b[o + 9]!, (b[o + 10]! << 8) | b[o + 11]!, (b[o + 12]! << 8) | b[o + 13]!, (b[o + 14]! << 8) | b[o + 15]!,
  );
}

/** the address of an nd_tbl key */
export function in6KeyBytes(k: string): Uint8Array {
  const a = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const w = k.charCodeAt(i);
    a[i * 2] = w >>> 8;
    a[i * 2 + 1] = w & 0xff;
  }
  return a;
}

/** net/ipv6/ndisc.c: ndisc_is_multicast() */
function ndiscIsMulticast(k: string): boolean {
  return k.charCodeAt(0) >>> 8 === 0xff;
}

/** net/ipv6/ndisc.c: ndisc_allow_add() */
function ndiscAllowAdd(dev: NetDevice): KErr | undefined {
  const idev = devInet6(dev);
  if (!idev || dev.ip6Disabled) return kerr("EINVAL", "IPv6 is disabled on this device");
  return undefined;
}

/** net/ipv6/ndisc.c: ndisc_constructor() (the entry takes its device's nd_parms) */
function ndiscConstructor(n: Neighbour<string>): void {
  const dev = n.dev;
  const isMulticast = ndiscIsMulticast(n.key);
  n.type = isMulticast ? RTN_MULTICAST : RTN_UNICAST;
  if (dev.hardHeaderLen < 14) {
    // no header_ops: ndisc_direct_ops
    n.nudState = NUD_NOARP;
    return;
  }
  if (isMulticast) {
    n.nudState = NUD_NOARP;
    ndiscMcMapTo(in6KeyBytes(n.key), n.ha, dev, 1);
  } else if (dev.flags & (IFF_NOARP | IFF_LOOPBACK)) {
    n.nudState = NUD_NOARP;
    n.ha.set(dev.devAddr.subarray(0, 6));
    if (dev.flags & IFF_LOOPBACK) n.type = RTN_LOCAL;
  } else if (dev.flags & IFF_POINTOPOINT) {
    n.nudState = NUD_NOARP;
    n.ha.set(dev.broadcast.subarray(0, 6));
  }
}

/** net/ipv6/ndisc.c: ndisc_solicit(): unicast probes to the entry's address while it had one,
 * else to the target's solicited-node group; from the queued packet's source when it is ours */
function ndiscSolicit(n: Neighbour<string>, skb: SkBuff | undefined): void {
  const dev = n.dev;
  const target = in6KeyBytes(n.key);
  let saddr: Uint8Array | undefined;
  if (skb && skb.networkHeader >= 0) {
    const src = skb.buf.slice(skb.networkHeader + 8, skb.networkHeader + 24);
    const ifp = ipv6GetIfaddr(dev, src);
    if (ifp && !(ifp.flags & (IFA_F_TENTATIVE | IFA_F_OPTIMISTIC))) saddr = src;
  }
  let probes = n.probes - n.parms.ucastProbes;
  if (probes < 0) {
    ndiscSendNs(dev, target, target, saddr);
  } else if ((probes -= n.parms.appProbes) < 0) {
    // neigh_app_ns(): no user-space resolver
  } else {
    ndiscSendNs(dev, target, addrconfAddrSolictMult(target), saddr);
  }
}

/** ndisc_error_report() -> icmp6_send(ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH); ip6_input.ts
 * sets it (ICMPv6 errors are sent from there) */
let ndiscErrorHook: ((skb: SkBuff) => void) | undefined;
export function setNdiscErrorReport(fn: (skb: SkBuff) => void): void {
  ndiscErrorHook = fn;
}

/** net/ipv6/ndisc.c: ndisc_error_report() */
function ndiscErrorReport(_n: Neighbour<string>, skb: SkBuff): void {
  ndiscErrorHook?.(skb);
}

/** net/ipv6/ndisc.c: pndisc_constructor(): a proxied address's solicited-node group is joined */
function pndiscConstructor(p: PneighEntry<string>): boolean {
  const idev = p.dev && devInet6(p.dev);
  if (!idev) return false;
  __ipv6DevMcInc(idev, addrconfAddrSolictMult(in6KeyBytes(p.key)));
  return true;
}

/** net/ipv6/ndisc.c: pndisc_destructor() */
function pndiscDestructor(p: PneighEntry<string>): void {
  const idev = p.dev && devInet6(p.dev);
  if (idev) __ipv6DevMcDec(idev, addrconfAddrSolictMult(in6KeyBytes(p.key)));
}

const ndiscOps: NeighOps<string> = {
  id: "ndisc_cache",
  keyLen: 16,
  protocol: ETH_P_IPV6,
  keyFromBytes: (b) => in6Key(b),
  keyToBytes: in6KeyBytes,
  isMulticast: ndiscIsMulticast,
  allowAdd: ndiscAllowAdd,
  pconstructor: pndiscConstructor,
  pdestructor: pndiscDestructor,
  constructor: ndiscConstructor,
  solicit: ndiscSolicit,
  errorReport: ndiscErrorReport,
};

const ndTables = new NetGeneric<NeighTable<string>>();

/** the namespace's nd_tbl */
export function ndTable(net: Net): NeighTable<string> {
  let t = ndTables.get(net);
  if (!t) {
    t = new NeighTable<string>(net, AF_INET6, ndiscOps, true);
    t.parms.locktime = 0; // nd_tbl.parms sets no LOCKTIME
    ndTables.set(net, t);
  }
  return t;
}

/** the namespace's nd_tbl if it has one yet */
export function ndTableIfAny(net: Net): NeighTable<string> | undefined {
  return ndTables.get(net);
}

/** the entry for `addr` on `dev`, made if there is none (__ipv6_neigh_lookup_noref() then
 * __neigh_create()); undefined when the table is full */
export function ndiscNeighFor(dev: NetDevice, addr: Uint8Array): Neighbour<string> | undefined {
  const tbl = ndTable(dev.net);
  const k = in6Key(addr);
  return neighLookup(tbl, k, dev) ?? neighCreate(tbl, k, dev);
}

// --------------------------------------------------------------------------- receiving

/** the ND options of a message (ndisc_parse_options()): the first of each kind; undefined
 * when one is malformed */
interface NdOpts {
  srcLladdr?: number;
  tgtLladdr?: number;
  nonce?: Uint8Array;
}

function ndiscParseOptions(b: Uint8Array, o: number, end: number): NdOpts | undefined {
  const opts: NdOpts = {};
  while (o < end) {
    if (end - o < 2) return undefined;
    const l = b[o + 1]! << 3;
    if (end - o < l || l === 0) return undefined;
    const type = b[o]!;
    if (type === ND_OPT_SOURCE_LL_ADDR) opts.srcLladdr ??= o;
    else if (type === ND_OPT_TARGET_LL_ADDR) opts.tgtLladdr ??= o;
    else if (type === ND_OPT_NONCE && l === 8) opts.nonce ??= b.slice(o + 2, o + 8);
    o += l;
  }
  return opts;
}

/** ndisc_opt_addr_data(): the link-layer address of an option, if its length fits the device */
function ndiscOptAddrData(b: Uint8Array, o: number, dev: NetDevice): Uint8Array | undefined {
  const space = (dev.addrLen + 2 + 7) & ~7;
  if (b[o + 1]! << 3 !== space) return undefined;
  return b.slice(o + 2, o + 2 + dev.addrLen);
}

/** IPv6 all-nodes (ff02::1) */
const IN6ADDR_LINKLOCAL_ALLNODES = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

/** net/ipv6/ndisc.c: ndisc_send_na() */
function ndiscSendNa(dev: NetDevice, daddr: Uint8Array, solicitedAddr: Uint8Array, router: boolean, solicited: boolean, override: boolean, incOpt: boolean): void {
  const ifp = ipv6GetIfaddr(dev, solicitedAddr);
  let src: Uint8Array | undefined;
  if (ifp) {
    src = solicitedAddr;
    if (ifp.flags & IFA_F_OPTIMISTIC) override = false;
    if (cnf(ifp.idev, "force_tllao", 0)) incOpt = true;
  } else {
    // an anycast target: the source the route to the solicitor would take
    src = ipv6DevGetSaddr(dev.net, dev, daddr);
    if (!src) return;
  }
  const optlen = incOpt ? (dev.addrLen + 2 + 7) & ~7 : 0;
  const skb = ip6AllocSkb(24 + optlen);
  const b = skb.buf;
  const o = skb.data;
  b[o] = NDISC_NEIGHBOUR_ADVERTISEMENT;
  b[o + 4] = (router ? 0x80 : 0) | (solicited ? 0x40 : 0) | (override ? 0x20 : 0);
  for (let i = 0; i < 16; i++) b[o + 8 + i] = solicitedAddr[i]!;
  if (incOpt) ndiscFillAddrOption(b, o + 24, ND_OPT_TARGET_LL_ADDR, dev.devAddr, dev.addrLen);
  ndiscSendSkb(skb, dev, daddr, src);
}

/**
 * net/ipv6/ndisc.c: ndisc_rcv() for solicitations and advertisements (`t`: the ICMPv6
 * header, `len` bytes of it; the packet's checksum was checked). Returns whether it was
 * taken (false: dropped as ndisc_rcv() drops an invalid one).
 */
export function ndiscRcv(skb: SkBuff, dev: NetDevice, t: number, len: number, saddr: Uint8Array, daddr: Uint8Array, hopLimit: number): boolean {
  // ndisc_rcv(): "NDISC: invalid hop-limit" / "NDISC: invalid ICMPv6 code"
  if (hopLimit !== 255 || skb.buf[t + 1] !== 0) return false;
  const type = skb.buf[t];
  if (type === NDISC_NEIGHBOUR_SOLICITATION) return ndiscRecvNs(skb, dev, t, len, saddr, daddr);
  if (type === NDISC_NEIGHBOUR_ADVERTISEMENT) return ndiscRecvNa(skb, dev, t, len, saddr, daddr);
  return true;
}

/** net/ipv6/ndisc.c: ndisc_recv_ns() */
function ndiscRecvNs(skb: SkBuff, dev: NetDevice, t: number, len: number, saddr: Uint8Array, daddr: Uint8Array, requeued = false): boolean {
  const b = skb.buf;
  if (len < 24) return false;
  const target = b.slice(t + 8, t + 24);
  if (ipv6AddrIsMulticast(target)) return false; // "NS: multicast target address"
  const dad = ipv6AddrAny(saddr);
  // RFC2461 7.1.1: DAD has to be destined for solicited node multicast address
  if (dad && !ipv6AddrIsSolictMult(daddr)) return false;
  const opts = ndiscParseOptions(b, t + 24, t + len);
  if (!opts) return false;
  let lladdr: Uint8Array | undefined;
  if (opts.srcLladdr !== undefined) {
    lladdr = ndiscOptAddrData(b, opts.srcLladdr, dev);
    if (!lladdr) return false; // "NS: invalid link-layer address length"
    // RFC2461 7.1.1: no source link-layer address option from ::
    if (dad) return false;
  }
  const inc = ipv6AddrIsMulticast(daddr);
  const ifp = ipv6GetIfaddr(dev, target);
  let idev: Inet6Dev | undefined;
  if (ifp) {
    if (ifp.flags & (IFA_F_TENTATIVE | IFA_F_OPTIMISTIC)) {
      if (dad) {
        const ours = ifaDadNonce(ifp);
        if (opts.nonce && ours && opts.nonce.every((x, i) => x === ours[i])) return true; // our NS looped back
        // we are colliding with another node who is doing DAD
        addrconfDadFailure(skb, ifp);
        return true;
      }
      // not a DAD solicitation: an optimistic node answers, a tentative one does not
      if (!(ifp.flags & IFA_F_OPTIMISTIC)) return true;
    }
    idev = ifp.idev;
  }
  let isRouter = -1;
  if (!ifp) {
    idev = devInet6(dev);
    if (!idev) return true;
    // an anycast address of ours, or one proxied here (proxy_ndp on a forwarding device, an
    // `ip -6 neigh add proxy` entry: pndisc_is_router() gives its router flag)
    if (!ipv6ChkAcastAddr(dev.net, dev, target)) {
      if (!cnf(idev, "forwarding", 0) || !(addrconfAllCnf(dev.net, "proxy_ndp") || cnf(idev, "proxy_ndp", 0))) return true;
      const p = pneighLookup(ndTable(dev.net), in6Key(target), dev);
      if (!p) return true;
      isRouter = p.flags & NTF_ROUTER ? 1 : 0;
    }
    // "for anycast or proxy, sender should delay its response by a random time between 0 and
    // MAX_ANYCAST_DELAY_TIME seconds" (pneigh_enqueue(): up to proxy_delay, then again)
    const delay = idev.ndParms.proxyDelay;
    if (!requeued && skb.pktType !== PACKET_HOST && inc && delay !== 0) {
      const again = skb.copy();
      const j = randomBelow(dev.net, Math.floor(delay / USEC_PER_JIFFY));
      netSched(dev.net).after(j * USEC_PER_JIFFY, () => {
        if (dev.flags & IFF_UP) ndiscRecvNs(again, dev, t, len, saddr, daddr, true);
      }, "proxy_timer");
      return true;
    }
  }
  if (isRouter < 0) isRouter = cnf(idev!, "forwarding", 0) !== 0 ? 1 : 0;
  if (dad) {
    ndiscSendNa(dev, IN6ADDR_LINKLOCAL_ALLNODES, target, isRouter === 1, false, ifp !== undefined, true);
    return true;
  }
  const tbl = ndTable(dev.net);
  if (inc) tbl.stats.rcvProbesMcast++;
  else tbl.stats.rcvProbesUcast++;
  // update / create the cache entry for the source address (__neigh_lookup(creat))
  const k = in6Key(saddr);
  let n = neighLookup(tbl, k, dev);
  if (!n && (!inc || lladdr || !dev.addrLen)) n = neighCreate(tbl, k, dev);
  if (n) ndiscUpdate(n, lladdr, NUD_STALE, NEIGH_UPDATE_F_WEAK_OVERRIDE | NEIGH_UPDATE_F_OVERRIDE);
  if (n || dev.hardHeaderLen < 14) ndiscSendNa(dev, saddr, target, isRouter === 1, true, ifp !== undefined && inc, inc);
  return true;
}

/** net/ipv6/ndisc.c: ndisc_update() (no netlink ND user options: neigh_update()) */
function ndiscUpdate(n: Neighbour<string>, lladdr: Uint8Array | undefined, state: number, flags: number): void {
  neighUpdate(n, lladdr, state, flags);
}

/** net/ipv6/ndisc.c: ndisc_recv_na() */
function ndiscRecvNa(skb: SkBuff, dev: NetDevice, t: number, len: number, saddr: Uint8Array, daddr: Uint8Array): boolean {
  const b = skb.buf;
  if (len < 24) return false;
  const flags = b[t + 4]!;
  const router = (flags & 0x80) !== 0;
  const solicited = (flags & 0x40) !== 0;
  const override = (flags & 0x20) !== 0;
  const target = b.slice(t + 8, t + 24);
  if (ipv6AddrIsMulticast(target)) return false; // "NA: target address is multicast"
  if (ipv6AddrIsMulticast(daddr) && solicited) return false; // "NA: solicited NA is multicasted"
  const idev = devInet6(dev);
  if (!solicited && idev && cnf(idev, "drop_unsolicited_na", 0)) return false;
  const opts = ndiscParseOptions(b, t + 24, t + len);
  if (!opts) return false;
  let lladdr: Uint8Array | undefined;
  if (opts.tgtLladdr !== undefined) {
    lladdr = ndiscOptAddrData(b, opts.tgtLladdr, dev);
    if (!lladdr) return false; // "NA: invalid link-layer address length"
  }
  const ifp = ipv6GetIfaddr(dev, target);
  if (ifp) {
    if (skb.pktType !== PACKET_LOOPBACK && ifp.flags & IFA_F_TENTATIVE) addrconfDadFailure(skb, ifp);
    // else "NA: … advertised our address … on …!" (a rate-limited debug message)
    return true;
  }
  const tbl = ndTable(dev.net);
  const k = in6Key(target);
  let n = neighLookup(tbl, k, dev);
  let newState = solicited ? NUD_REACHABLE : NUD_STALE;
  // RFC 9131: a router may create a STALE entry from an unsolicited NA (accept_untracked_na)
  if (!n && lladdr && idev && cnf(idev, "forwarding", 0) && ndiscAcceptUntrackedNa(dev, idev, saddr)) {
    n = neighCreate(tbl, k, dev);
    newState = NUD_STALE;
  }
  if (!n || n.nudState & NUD_FAILED) return true;
  ndiscUpdate(n, lladdr, newState,
    NEIGH_UPDATE_F_WEAK_OVERRIDE | (override ? NEIGH_UPDATE_F_OVERRIDE : 0) | NEIGH_UPDATE_F_OVERRIDE_ISROUTER |
      (router ? NEIGH_UPDATE_F_ISROUTER : 0));
  // (a router that became a host: rt6_clean_tohost() has no RA-learnt routes to clean here)
  return true;
}

/** net/ipv6/ndisc.c: accept_untracked_na(): 1 any source, 2 a source on one of the device's prefixes */
function ndiscAcceptUntrackedNa(dev: NetDevice, idev: Inet6Dev, saddr: Uint8Array): boolean {
  const v = cnf(idev, "accept_untracked_na", 0);
  if (v === 1) return true;
  if (v !== 2) return false;
  return idev.addrList.some((ifp) => ipv6PrefixEqual(ifp.addr, saddr, ifp.prefixLen)) && dev === idev.dev;
}

function ipv6PrefixEqual(a: Uint8Array, b: Uint8Array, plen: number): boolean {
  for (let i = 0; i < plen; i++) if (((a[i >> 3]! ^ b[i >> 3]!) >> (7 - (i & 7))) & 1) return false;
  return true;
}
