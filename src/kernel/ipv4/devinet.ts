/**
 * net/ipv4/devinet.c: IPv4 per-device state (struct in_device), its addresses
 * (struct in_ifaddr: primary/secondary, promotion, labels, peer, broadcast, lifetimes),
 * RTM_NEWADDR/DELADDR/GETADDR for AF_INET, the inetaddr notifier chain, the per-device
 * sysctls net/ipv4/conf/{all,default,DEV}/* with devinet_sysctl_forward's interplay with
 * net/ipv4/ip_forward, and the legacy SIOC[GS]IF{ADDR,NETMASK,BRDADDR,DSTADDR} ioctls.
 */
import { ipv4IsZeronet } from "../../wire/addr.ts";
import { sysctlDevNameIsAllowed, type NetDevice } from "../core/netdevice.ts";
import { NetGeneric, registerPernetOps, type Net } from "../core/net_namespace.ts";
import {
  registerNetdeviceNotifier, callInetaddrNotifiers, NETDEV_REGISTER, NETDEV_UNREGISTER, NETDEV_UP,
  NETDEV_DOWN, NETDEV_CHANGENAME, NETDEV_CHANGEMTU, NETDEV_CHANGEADDR, NETDEV_NOTIFY_PEERS,
  NETDEV_PRE_TYPE_CHANGE, NOTIFY_DONE, NOTIFY_BAD,
} from "../core/notifier.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import {
  AF_INET, IFA_F_SECONDARY, IFA_F_PERMANENT, IFA_F_NOPREFIXROUTE, IFA_F_MCAUTOJOIN, IFA_F_DEPRECATED,
  RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE, RT_TABLE_LOCAL, RTN_LOCAL,
  NETCONFA_IFINDEX_ALL, NETCONFA_IFINDEX_DEFAULT, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_NETCONF,
  type AddrMsg, type IfaAttrs, type NetconfMsg, type NlAck, type RtnlMsg,
} from "../uapi/rtnetlink.ts";
import { IFF_LOOPBACK, IFF_POINTOPOINT, IFF_BROADCAST, IFF_UP } from "../uapi/if.ts";
import { fibGetTable, fibTableLookup } from "./fib.ts";
import { fibAddIfaddr, fibDelIfaddr, fibModifyPrefixMetric, inetAddrType as fibInetAddrType } from "./fib_frontend.ts";
import { devGetByIndex, devGetByName, devChangeFlags } from "../core/dev.ts";
import { rtnlRegister } from "../core/rtnetlink.ts";
import { rtnlHasListeners, rtnlNotify } from "../core/rtnl_notify.ts";
import { registerNetSysctl, unregisterNetSysctl, procParseInts } from "../core/sysctl.ts";
import { registerIoctl } from "../core/dev_ioctl.ts";
import { ipRtNetnsSysctlTable } from "./route.ts";
import type { InDevMc } from "./igmp.ts";

// ------------------------------------------------------------------------- address helpers

/** 4 network-order bytes -> host-order u32 */
export function ipv4FromBytes(b: Uint8Array, off = 0): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

export function ipv4ToBytes(a: number): Uint8Array {
  return Uint8Array.of((a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255);
}

export function ipv4Str(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** include/linux/inetdevice.h: inet_make_mask() */
export function inetMakeMask(logmask: number): number {
  return logmask === 0 ? 0 : (0xffffffff << (32 - logmask)) >>> 0;
}

/** include/linux/inetdevice.h: inet_mask_len() */
export function inetMaskLen(mask: number): number {
  const hmask = mask >>> 0;
  if (!hmask) return 0;
  return 32 - ctz(hmask);
}

function ctz(x: number): number {
  if (x === 0) return 32;
  return 31 - Math.clz32((x & -x) >>> 0);
}

/** include/linux/inetdevice.h: bad_mask() */
export function badMask(mask: number, addr: number): boolean {
  if ((addr & mask) !== addr && addr !== 0) return true;
  const hmask = (~mask) >>> 0;
  return ((hmask + 1) & hmask) !== 0;
}

export { ipv4IsZeronet };
export const ipv4IsLoopback = (a: number): boolean => (a & 0xff000000) >>> 0 === 0x7f000000;
export const ipv4IsMulticast = (a: number): boolean => (a & 0xf0000000) >>> 0 === 0xe0000000;
export const ipv4IsLbcast = (a: number): boolean => a >>> 0 === 0xffffffff;

// --------------------------------------------------------------------------------- devconf

/** include/uapi/linux/ip.h: IPV4_DEVCONF_* (index = value - 1) and their sysctl names */
export const IPV4_DEVCONF = {
  FORWARDING: 1, MC_FORWARDING: 2, PROXY_ARP: 3, ACCEPT_REDIRECTS: 4, SECURE_REDIRECTS: 5,
  SEND_REDIRECTS: 6, SHARED_MEDIA: 7, RP_FILTER: 8, ACCEPT_SOURCE_ROUTE: 9, BOOTP_RELAY: 10,
  LOG_MARTIANS: 11, TAG: 12, ARPFILTER: 13, MEDIUM_ID: 14, NOXFRM: 15, NOPOLICY: 16,
  FORCE_IGMP_VERSION: 17, ARP_ANNOUNCE: 18, ARP_IGNORE: 19, PROMOTE_SECONDARIES: 20, ARP_ACCEPT: 21,
  ARP_NOTIFY: 22, ACCEPT_LOCAL: 23, SRC_VMARK: 24, PROXY_ARP_PVLAN: 25, ROUTE_LOCALNET: 26,
  IGMPV2_UNSOLICITED_REPORT_INTERVAL: 27, IGMPV3_UNSOLICITED_REPORT_INTERVAL: 28,
  IGNORE_ROUTES_WITH_LINKDOWN: 29, DROP_UNICAST_IN_L2_MULTICAST: 30, DROP_GRATUITOUS_ARP: 31,
  BC_FORWARDING: 32, ARP_EVICT_NOCARRIER: 33,
} as const;
export const IPV4_DEVCONF_MAX = 33;

/** sysctl procname -> IPV4_DEVCONF_* (devinet_sysctl table) */
const DEVCONF_NAMES = [
  ["forwarding", IPV4_DEVCONF.FORWARDING, "fwd"],
  ["mc_forwarding", IPV4_DEVCONF.MC_FORWARDING, "ro"],
  ["accept_redirects", IPV4_DEVCONF.ACCEPT_REDIRECTS, "rw"],
  ["secure_redirects", IPV4_DEVCONF.SECURE_REDIRECTS, "rw"],
  ["shared_media", IPV4_DEVCONF.SHARED_MEDIA, "rw"],
  ["rp_filter", IPV4_DEVCONF.RP_FILTER, "rw"],
  ["send_redirects", IPV4_DEVCONF.SEND_REDIRECTS, "rw"],
  ["accept_source_route", IPV4_DEVCONF.ACCEPT_SOURCE_ROUTE, "rw"],
  ["accept_local", IPV4_DEVCONF.ACCEPT_LOCAL, "rw"],
  ["src_valid_mark", IPV4_DEVCONF.SRC_VMARK, "rw"],
  ["proxy_arp", IPV4_DEVCONF.PROXY_ARP, "rw"],
  ["medium_id", IPV4_DEVCONF.MEDIUM_ID, "rw"],
  ["bootp_relay", IPV4_DEVCONF.BOOTP_RELAY, "rw"],
  ["log_martians", IPV4_DEVCONF.LOG_MARTIANS, "rw"],
  ["tag", IPV4_DEVCONF.TAG, "rw"],
  ["arp_filter", IPV4_DEVCONF.ARPFILTER, "rw"],
  ["arp_announce", IPV4_DEVCONF.ARP_ANNOUNCE, "rw"],
  ["arp_ignore", IPV4_DEVCONF.ARP_IGNORE, "rw"],
  ["arp_accept", IPV4_DEVCONF.ARP_ACCEPT, "rw"],
  ["arp_notify", IPV4_DEVCONF.ARP_NOTIFY, "rw"],
  ["arp_evict_nocarrier", IPV4_DEVCONF.ARP_EVICT_NOCARRIER, "rw"],
  ["proxy_arp_pvlan", IPV4_DEVCONF.PROXY_ARP_PVLAN, "rw"],
  ["force_igmp_version", IPV4_DEVCONF.FORCE_IGMP_VERSION, "rw"],
  ["igmpv2_unsolicited_report_interval", IPV4_DEVCONF.IGMPV2_UNSOLICITED_REPORT_INTERVAL, "rw"],
  ["igmpv3_unsolicited_report_interval", IPV4_DEVCONF.IGMPV3_UNSOLICITED_REPORT_INTERVAL, "rw"],
  ["ignore_routes_with_linkdown", IPV4_DEVCONF.IGNORE_ROUTES_WITH_LINKDOWN, "rw"],
  ["drop_gratuitous_arp", IPV4_DEVCONF.DROP_GRATUITOUS_ARP, "rw"],
  ["bc_forwarding", IPV4_DEVCONF.BC_FORWARDING, "flush"],
  ["disable_xfrm", IPV4_DEVCONF.NOXFRM, "flush"],
  ["disable_policy", IPV4_DEVCONF.NOPOLICY, "flush"],
  ["promote_secondaries", IPV4_DEVCONF.PROMOTE_SECONDARIES, "flush"],
  ["route_localnet", IPV4_DEVCONF.ROUTE_LOCALNET, "flush"],
  ["drop_unicast_in_l2_multicast", IPV4_DEVCONF.DROP_UNICAST_IN_L2_MULTICAST, "rw"],
] as const satisfies readonly (readonly [string, number, "rw" | "ro" | "flush" | "fwd"])[];
/** a devinet sysctl's procname */
export type DevconfName = (typeof DEVCONF_NAMES)[number][0];
const DEVCONF_BY_NAME = new Map<string, number>(DEVCONF_NAMES.map(([n, i]) => [n, i]));

/** struct ipv4_devconf: data[] plus the "explicitly set" bitmap (state) */
export class Ipv4Devconf {
  /** the values; shared with the conf it was copied from until either is written (a device's
   * conf is its namespace's default as it was: ~30 numbers per device, most never changed) */
  private data: number[];
  private cow = false;
  /** the state bitmap (an entry set on this device: "default" no longer reaches it), entry i
   * at bit i - 1 of two words of 30 bits (a Set cost each device ~360 bytes) */
  private state0 = 0;
  private state1 = 0;
  constructor(src?: Ipv4Devconf) {
    if (src) {
      this.data = src.data;
      this.cow = src.cow = true;
    } else this.data = new Array<number>(IPV4_DEVCONF_MAX).fill(0);
  }
  get(i: number): number {
    return this.data[i - 1]!;
  }
  set(i: number, v: number): void {
    // (a value it holds already: nothing to write, and so nothing to copy)
    if (this.data[i - 1] === v) return;
    if (this.cow) {
      this.data = this.data.slice();
      this.cow = false;
    }
    this.data[i - 1] = v;
  }
  /** set_bit(i - 1, state) */
  markSet(i: number): void {
    if (i <= 30) this.state0 |= 1 << (i - 1);
    else this.state1 |= 1 << (i - 31);
  }
  /** test_bit(i - 1, state) */
  isSet(i: number): boolean {
    return ((i <= 30 ? this.state0 >> (i - 1) : this.state1 >> (i - 31)) & 1) === 1;
  }
}

/** net/ipv4/devinet.c: ipv4_devconf (the compiled "all" values) */
function ipv4DevconfAll(): Ipv4Devconf {
  const c = new Ipv4Devconf();
  c.set(IPV4_DEVCONF.ACCEPT_REDIRECTS, 1);
  c.set(IPV4_DEVCONF.SEND_REDIRECTS, 1);
  c.set(IPV4_DEVCONF.SECURE_REDIRECTS, 1);
  c.set(IPV4_DEVCONF.SHARED_MEDIA, 1);
  c.set(IPV4_DEVCONF.IGMPV2_UNSOLICITED_REPORT_INTERVAL, 10000);
  c.set(IPV4_DEVCONF.IGMPV3_UNSOLICITED_REPORT_INTERVAL, 1000);
  c.set(IPV4_DEVCONF.ARP_EVICT_NOCARRIER, 1);
  return c;
}

/** net/ipv4/devinet.c: ipv4_devconf_dflt */
function ipv4DevconfDflt(): Ipv4Devconf {
  const c = ipv4DevconfAll();
  c.set(IPV4_DEVCONF.ACCEPT_SOURCE_ROUTE, 1);
  return c;
}

// --------------------------------------------------------------------- in_device, in_ifaddr

export interface InIfaddr {
  ifaLocal: number;
  /** the peer (or the local address when there is no peer) */
  ifaAddress: number;
  ifaMask: number;
  ifaBroadcast: number;
  ifaPrefixlen: number;
  ifaScope: number;
  ifaFlags: number;
  ifaLabel: string;
  ifaDev: InDevice;
  ifaRtPriority: number;
  ifaProto: number;
  /** seconds; 0xffffffff = forever */
  ifaValidLft: number;
  ifaPreferredLft: number;
  /** µs of simulated time: created, last updated */
  ifaCstamp: number;
  ifaTstamp: number;
}

export interface InDevice {
  dev: NetDevice;
  ifaList: InIfaddr[];
  cnf: Ipv4Devconf;
  /** the namespace's "all" values (IPV4_DEVCONF_ALL(dev_net(dev))): an in_device lives and
   * dies in one namespace */
  all: Ipv4Devconf;
  dead: boolean;
  /** igmp.ts's half of the in_device (mc_list, mc_tomb, mr_*), made when first needed */
  mc: InDevMc | undefined;
}

interface DevinetNet {
  all: Ipv4Devconf;
  dflt: Ipv4Devconf;
}

const pernet = new NetGeneric<DevinetNet>();

export const INFINITY_LIFE_TIME = 0xffffffff;

/** __in_dev_get_rtnl() */
export function devInDevice(dev: NetDevice): InDevice | undefined {
  return dev.ipPtr as InDevice | undefined;
}

/** the compiled values, which every namespace's all and default share until written */
let devconfAll: Ipv4Devconf | undefined;
let devconfDflt: Ipv4Devconf | undefined;

export function devinetNet(net: Net): DevinetNet {
  let s = pernet.get(net);
  if (!s) {
    s = { all: new Ipv4Devconf((devconfAll ??= ipv4DevconfAll())), dflt: new Ipv4Devconf((devconfDflt ??= ipv4DevconfDflt())) };
    pernet.set(net, s);
  }
  return s;
}

/** raw devconf value: of `net` (all), of "default", or of a device */
export function inetConfGet(where: Net | NetDevice | "default", name: string, net?: Net): number {
  const i = DEVCONF_BY_NAME.get(name);
  if (i === undefined) throw new Error(`devinet: unknown conf ${name}`);
  if (where === "default") return devinetNet(net!).dflt.get(i);
  if (isNetDevice(where)) {
    const ind = devInDevice(where);
    return ind ? ind.cnf.get(i) : 0;
  }
  return devinetNet(where).all.get(i);
}

function isNetDevice(x: unknown): x is NetDevice {
  return typeof x === "object" && x !== null && "ifindex" in x && "devAddr" in x;
}

/** include/linux/inetdevice.h: IN_DEV_* macros: how "all" combines with the device value */
const DEV = 0;
const AND = 1;
const OR = 2;
const MAX = 3;
const COMBINE: Partial<Record<DevconfName, number>> = {
  forwarding: DEV, mc_forwarding: DEV, rp_filter: MAX, src_valid_mark: OR,
  accept_source_route: AND, bootp_relay: AND, accept_local: OR, log_martians: OR,
  proxy_arp: OR, proxy_arp_pvlan: OR, shared_media: OR, send_redirects: OR,
  secure_redirects: OR, route_localnet: OR, promote_secondaries: OR,
  arp_filter: OR, arp_accept: MAX, arp_announce: MAX, arp_ignore: MAX, arp_notify: MAX,
  arp_evict_nocarrier: AND, ignore_routes_with_linkdown: OR, drop_gratuitous_arp: OR,
  drop_unicast_in_l2_multicast: OR, bc_forwarding: AND, disable_xfrm: OR, disable_policy: OR,
  medium_id: DEV, tag: DEV, force_igmp_version: MAX,
};

/** an IN_DEV_<NAME>() macro: the conf's index and how "all" combines with it */
export interface InDevSpec {
  readonly i: number;
  readonly how: number;
}

/** the IN_DEV_* macros by procname, resolved once (`inDevConf(dev, IN_DEV.arp_accept)`: a
 * property of one object, not a lookup by name; inDevConf runs several times per packet) */
export const IN_DEV = Object.freeze(
  Object.fromEntries(DEVCONF_NAMES.map(([n, i]) => [n, { i, how: COMBINE[n] ?? DEV }])) as Record<DevconfName, InDevSpec>,
);

/** IN_DEV_<NAME>(in_dev): the effective value the stack uses (IN_DEV_ACCEPT_REDIRECTS depends
 * on forwarding: AND when forwarding, OR otherwise) */
export function inDevConf(dev: NetDevice, spec: InDevSpec): number {
  const ind = devInDevice(dev);
  if (!ind) return 0;
  const i = spec.i;
  const all = ind.all.get(i);
  const v = ind.cnf.get(i);
  let how = spec.how;
  if (i === IPV4_DEVCONF.ACCEPT_REDIRECTS) how = ind.cnf.get(IPV4_DEVCONF.FORWARDING) ? AND : OR;
  switch (how) {
    case AND: return all && v ? 1 : 0;
    case OR: return all || v ? 1 : 0;
    case MAX: return Math.max(all, v);
    default: return v;
  }
}

/** IN_DEV_FORWARD() */
export function inDevForward(dev: NetDevice): boolean {
  return inDevConf(dev, IN_DEV.forwarding) !== 0;
}

// ---------------------------------------------------------------------- creation / removal

/** net/ipv4/devinet.c: inetdev_init() (a name the sysctl tree refuses: no in_device, EINVAL) */
function inetdevInit(dev: NetDevice): InDevice | KErr {
  const s = devinetNet(dev.net);
  const inDev: InDevice = { dev, ifaList: [], cnf: new Ipv4Devconf(s.dflt), all: s.all, dead: false, mc: undefined };
  if (dev.flags & IFF_LOOPBACK) {
    inDev.cnf.set(IPV4_DEVCONF.NOXFRM, 1);
    inDev.cnf.set(IPV4_DEVCONF.NOPOLICY, 1);
  }
  const err = devinetSysctlRegister(inDev);
  if (err) return err;
  dev.ipPtr = inDev;
  return inDev;
}

/** include/linux/inetdevice.h: inetdev_valid_mtu(): IPv4 needs 68 bytes (IPV4_MIN_MTU) */
function inetdevValidMtu(mtu: number): boolean {
  return mtu >= 68;
}

/** net/ipv4/devinet.c: inetdev_destroy() */
function inetdevDestroy(inDev: InDevice): void {
  inDev.dead = true;
  while (inDev.ifaList.length) inetDelIfa(inDev, 0, true);
  devinetSysctlUnregister(inDev);
  inDev.dev.ipPtr = undefined;
}

function nowUs(net: Net): number {
  return glue_netNow(net);
}

function newIfa(inDev: InDevice): InIfaddr {
  const t = nowUs(inDev.dev.net);
  return {
    ifaLocal: 0, ifaAddress: 0, ifaMask: 0, ifaBroadcast: 0, ifaPrefixlen: 0, ifaScope: 0,
    ifaFlags: 0, ifaLabel: inDev.dev.name, ifaDev: inDev, ifaRtPriority: 0, ifaProto: 0,
    ifaValidLft: INFINITY_LIFE_TIME, ifaPreferredLft: INFINITY_LIFE_TIME, ifaCstamp: t, ifaTstamp: t,
  };
}

/** include/linux/inetdevice.h: inet_ifa_match() */
export function inetIfaMatch(addr: number, ifa: InIfaddr): boolean {
  return ((addr ^ ifa.ifaAddress) & ifa.ifaMask) === 0;
}

/** net/ipv4/devinet.c: __inet_del_ifa() — removes ifaList[idx]; promotes a secondary when
 * promote_secondaries is set, else deletes the secondaries of a deleted primary */
function inetDelIfaInner(inDev: InDevice, idx: number, destroy: boolean): void {
  const ifa1 = inDev.ifaList[idx]!;
  let promote: InIfaddr | undefined;
  let lastPrim: InIfaddr | undefined;
  const doPromote = inDevConf(inDev.dev, IN_DEV.promote_secondaries) !== 0;

  // 1. Deleting primary ifaddr forces deletion all secondaries unless alias promotion is set
  if (!(ifa1.ifaFlags & IFA_F_SECONDARY)) {
    for (let i = idx + 1; i < inDev.ifaList.length; ) {
      const ifa = inDev.ifaList[i]!;
      if (!(ifa.ifaFlags & IFA_F_SECONDARY) && ifa1.ifaScope <= ifa.ifaScope) lastPrim = ifa;
      if (!(ifa.ifaFlags & IFA_F_SECONDARY) || ifa1.ifaMask !== ifa.ifaMask || !inetIfaMatch(ifa1.ifaAddress, ifa)) {
        i++;
        continue;
      }
      if (!doPromote) {
        inDev.ifaList.splice(i, 1);
        rtmsgIfa("RTM_DELADDR", ifa);
        callInetaddrNotifiers(NETDEV_DOWN, ifa);
      } else {
        promote = ifa;
        break;
      }
    }
  }

  /* On promotion all secondaries from subnet are changing the primary IP, we must remove
   * all their routes silently and later add them back with new prefsrc. */
  if (promote) {
    for (let i = inDev.ifaList.indexOf(ifa1) + 1; i < inDev.ifaList.length; i++) {
      const ifa = inDev.ifaList[i]!;
      if (ifa1.ifaMask === ifa.ifaMask && inetIfaMatch(ifa.ifaAddress, ifa1)) fibDelIfaddr(ifa, ifa1);
    }
  }

  // 2. Unlink it
  inDev.ifaList.splice(inDev.ifaList.indexOf(ifa1), 1);

  // 3. Announce address deletion
  rtmsgIfa("RTM_DELADDR", ifa1);
  callInetaddrNotifiers(NETDEV_DOWN, ifa1);

  if (promote) {
    const pi = inDev.ifaList.indexOf(promote);
    const nextSec = inDev.ifaList[pi + 1];
    if (lastPrim) {
      inDev.ifaList.splice(pi, 1);
      const li = inDev.ifaList.indexOf(lastPrim);
      inDev.ifaList.splice(li + 1, 0, promote);
    }
    promote.ifaFlags &= ~IFA_F_SECONDARY;
    rtmsgIfa("RTM_NEWADDR", promote);
    callInetaddrNotifiers(NETDEV_UP, promote);
    let i = nextSec ? inDev.ifaList.indexOf(nextSec) : inDev.ifaList.length;
    for (; i >= 0 && i < inDev.ifaList.length; i++) {
      const ifa = inDev.ifaList[i]!;
      if (ifa1.ifaMask !== ifa.ifaMask || !inetIfaMatch(ifa.ifaAddress, ifa1)) continue;
      fibAddIfaddr(ifa);
    }
  }
  void destroy;
}

/** net/ipv4/devinet.c: inet_del_ifa() */
export function inetDelIfa(inDev: InDevice, idx: number, destroy: boolean): void {
  inetDelIfaInner(inDev, idx, destroy);
}

/** net/ipv4/devinet.c: __inet_insert_ifa() */
function inetInsertIfa(ifa: InIfaddr, extack?: { msg?: string }): KErr | undefined {
  const inDev = ifa.ifaDev;
  if (!ifa.ifaLocal) return undefined;
  ifa.ifaFlags &= ~IFA_F_SECONDARY;
  let lastPrimary = -1; // insert after this index
  for (let i = 0; i < inDev.ifaList.length; i++) {
    const ifa1 = inDev.ifaList[i]!;
    if (!(ifa1.ifaFlags & IFA_F_SECONDARY) && ifa.ifaScope <= ifa1.ifaScope) lastPrimary = i;
    if (ifa1.ifaMask === ifa.ifaMask && inetIfaMatch(ifa1.ifaAddress, ifa)) {
      if (ifa1.ifaLocal === ifa.ifaLocal) {
        if (extack) extack.msg = "ipv4: Address already assigned";
        return kerr("EEXIST", "ipv4: Address already assigned");
      }
      if (ifa1.ifaScope !== ifa.ifaScope) {
        return kerr("EINVAL", "ipv4: Invalid scope value");
      }
      ifa.ifaFlags |= IFA_F_SECONDARY;
    }
  }
  if (!(ifa.ifaFlags & IFA_F_SECONDARY)) inDev.ifaList.splice(lastPrimary + 1, 0, ifa);
  else inDev.ifaList.push(ifa);

  /* Send message first, then call notifier. Notifier will trigger FIB update, so that
   * listeners of netlink will know about new ifaddr */
  rtmsgIfa("RTM_NEWADDR", ifa);
  callInetaddrNotifiers(NETDEV_UP, ifa);
  return undefined;
}

/** net/ipv4/devinet.c: ipv4_devconf_setall() — once an address is configured, every conf
 * value of the device counts as set: later changes of "default" no longer reach it */
function ipv4DevconfSetall(inDev: InDevice): void {
  for (let i = 1; i <= IPV4_DEVCONF_MAX; i++) inDev.cnf.markSet(i);
}

/** net/ipv4/devinet.c: inet_set_ifa() */
function inetSetIfa(dev: NetDevice, ifa: InIfaddr): KErr | undefined {
  ipv4DevconfSetall(ifa.ifaDev);
  if (ipv4IsLoopback(ifa.ifaLocal)) ifa.ifaScope = RT_SCOPE_HOST;
  return inetInsertIfa(ifa);
}

/** net/ipv4/devinet.c: inet_ifa_byprefix() */
export function inetIfaByPrefix(inDev: InDevice, prefix: number, mask: number): InIfaddr | undefined {
  for (const ifa of inDev.ifaList) {
    if (ifa.ifaFlags & IFA_F_SECONDARY) continue;
    if (ifa.ifaMask === mask && inetIfaMatch(prefix, ifa)) return ifa;
  }
  return undefined;
}

/** net/ipv4/devinet.c: inet_select_addr() */
export function inetSelectAddr(dev: NetDevice, dst: number, scope: number): number {
  let addr = 0;
  let localnetScope = RT_SCOPE_HOST;
  const inDev = devInDevice(dev);
  if (inDev) {
    if (inDevConf(dev, IN_DEV.route_localnet)) localnetScope = RT_SCOPE_LINK;
    for (const ifa of inDev.ifaList) {
      if (ifa.ifaFlags & IFA_F_SECONDARY) continue;
      if (Math.min(ifa.ifaScope, localnetScope) > scope) continue;
      if (!dst || inetIfaMatch(dst, ifa)) {
        addr = ifa.ifaLocal;
        break;
      }
      if (!addr) addr = ifa.ifaLocal;
    }
  }
  if (addr) return addr;
  /* Not loopback addresses on loopback should be preferred in this case. It is important
   * that lo is the first interface in dev_base list. */
  for (const d of glue_forEachNetdev(dev.net)) {
    const ind = devInDevice(d);
    if (!ind) continue;
    for (const ifa of ind.ifaList) {
      if (ifa.ifaFlags & IFA_F_SECONDARY) continue;
      if (ifa.ifaScope !== RT_SCOPE_LINK && Math.min(ifa.ifaScope, localnetScope) <= scope) return ifa.ifaLocal;
    }
  }
  return 0;
}

/** net/ipv4/devinet.c: confirm_addr_indev() */
function confirmAddrIndev(inDev: InDevice, dst: number, local: number, scope: number): number {
  let same = false;
  let addr = 0;
  for (const ifa of inDev.ifaList) {
    if (!addr && (local === ifa.ifaLocal || !local) && ifa.ifaScope <= scope) {
      addr = ifa.ifaLocal;
      if (same) break;
    }
    if (!same) {
      same = (!local || inetIfaMatch(local, ifa)) && (!dst || inetIfaMatch(dst, ifa));
      if (same && addr) {
        if (local || !dst) break;
        if (inetIfaMatch(addr, ifa)) break;
        if (ifa.ifaScope <= scope) {
          addr = ifa.ifaLocal;
          break;
        }
        same = false;
      }
    }
  }
  return same ? addr : 0;
}

/** net/ipv4/devinet.c: inet_confirm_addr() (arp_ignore 3, arp_announce) */
export function inetConfirmAddr(net: Net, inDev: InDevice | undefined, dst: number, local: number, scope: number): number {
  if (scope !== RT_SCOPE_LINK && inDev) return confirmAddrIndev(inDev, dst, local, scope);
  for (const d of glue_forEachNetdev(net)) {
    const ind = devInDevice(d);
    if (!ind) continue;
    const a = confirmAddrIndev(ind, dst, local, scope);
    if (a) return a;
  }
  return 0;
}

/**
 * net/ipv4/devinet.c: __ip_dev_find(): the device that has `addr` as a local address, else
 * the device of a local route of the local table that covers it ("so that communication over
 * loopback subnets work": 127.0.0.2 is lo's). No allocation: it runs for every datagram sent
 * with a source address.
 */
export function ipDevFind(net: Net, addr: number): NetDevice | undefined {
  for (const d of net.devByIndex.values()) {
    const ind = devInDevice(d);
    if (ind === undefined) continue;
    const l = ind.ifaList;
    for (let i = 0; i < l.length; i++) if (l[i]!.ifaLocal === addr) return d;
  }
  const local = fibGetTable(net, RT_TABLE_LOCAL);
  const r = local ? fibTableLookup(local, { daddr: addr, saddr: 0, oif: 0, iif: 0, tos: 0, mark: 0, scope: 0, proto: 0, uid: 0 }) : undefined;
  return r && !isKErr(r) && r.type === RTN_LOCAL ? r.nhDev : undefined;
}

/** fib_frontend.c: inet_addr_type() re-exported for the packet path */
export function inetAddrType(net: Net, addr: number): number {
  return fibInetAddrType(net, addr);
}

// -------------------------------------------------------------------------------- netlink

/** net/ipv4/devinet.c: rtmsg_ifa() — the address's message to RTNLGRP_IPV4_IFADDR */
function rtmsgIfa(type: "RTM_NEWADDR" | "RTM_DELADDR", ifa: InIfaddr): void {
  const net = ifa.ifaDev.dev.net;
  if (!net || !rtnlHasListeners(net, RTNLGRP_IPV4_IFADDR)) return;
  rtnlNotify(net, RTNLGRP_IPV4_IFADDR, inetFillIfaddr(ifa, type));
}

/** net/ipv4/devinet.c: inet_fill_ifaddr() */
export function inetFillIfaddr(ifa: InIfaddr, type: "RTM_NEWADDR" | "RTM_DELADDR" = "RTM_NEWADDR"): AddrMsg {
  const attrs: IfaAttrs = {};
  const net = ifa.ifaDev.dev.net;
  if (ifa.ifaAddress) attrs.IFA_ADDRESS = ipv4ToBytes(ifa.ifaAddress);
  if (ifa.ifaLocal) attrs.IFA_LOCAL = ipv4ToBytes(ifa.ifaLocal);
  if (ifa.ifaBroadcast) attrs.IFA_BROADCAST = ipv4ToBytes(ifa.ifaBroadcast);
  if (ifa.ifaLabel) attrs.IFA_LABEL = ifa.ifaLabel;
  if (ifa.ifaProto) attrs.IFA_PROTO = ifa.ifaProto;
  attrs.IFA_FLAGS = ifa.ifaFlags;
  if (ifa.ifaRtPriority) attrs.IFA_RT_PRIORITY = ifa.ifaRtPriority;
  let preferred = INFINITY_LIFE_TIME;
  let valid = INFINITY_LIFE_TIME;
  if (!(ifa.ifaFlags & IFA_F_PERMANENT)) {
    preferred = ifa.ifaPreferredLft;
    valid = ifa.ifaValidLft;
    if (preferred !== INFINITY_LIFE_TIME) {
      const tval = Math.floor((nowUs(net) - ifa.ifaTstamp) / 1_000_000);
      preferred = preferred > tval ? preferred - tval : 0;
      if (valid !== INFINITY_LIFE_TIME) valid = valid > tval ? valid - tval : 0;
    }
  }
  attrs.IFA_CACHEINFO = {
    ifa_prefered: preferred >>> 0,
    ifa_valid: valid >>> 0,
    cstamp: Math.floor(ifa.ifaCstamp / 10_000),
    tstamp: Math.floor(ifa.ifaTstamp / 10_000),
  };
  return {
    type,
    flags: {},
    ifa: { family: AF_INET, prefixlen: ifa.ifaPrefixlen, flags: ifa.ifaFlags & 0xff, scope: ifa.ifaScope, index: ifa.ifaDev.dev.ifindex },
    attrs,
  };
}

/** net/ipv4/devinet.c: inet_dump_ifaddr() */
export function inetDumpIfaddr(net: Net, req: AddrMsg): AddrMsg[] {
  const out: AddrMsg[] = [];
  const filterIndex = req.ifa.index;
  for (const dev of glue_forEachNetdev(net)) {
    if (filterIndex && dev.ifindex !== filterIndex) continue;
    const inDev = devInDevice(dev);
    if (!inDev) continue;
    for (const ifa of inDev.ifaList) out.push(inetFillIfaddr(ifa));
  }
  return out;
}

function ack(e: KErr | undefined): NlAck {
  return e ? { ok: false, ...e } : { ok: true };
}

/** net/ipv4/devinet.c: set_ifa_lifetime() */
function setIfaLifetime(ifa: InIfaddr, validLft: number, preferedLft: number): void {
  ifa.ifaFlags &= ~(IFA_F_PERMANENT | IFA_F_DEPRECATED);
  let timeout = validLft;
  if (timeout === INFINITY_LIFE_TIME) ifa.ifaFlags |= IFA_F_PERMANENT;
  else ifa.ifaValidLft = timeout;
  timeout = preferedLft;
  if (!timeout) ifa.ifaFlags |= IFA_F_DEPRECATED;
  else ifa.ifaPreferredLft = timeout;
  ifa.ifaValidLft = validLft;
  ifa.ifaPreferredLft = preferedLft;
  ifa.ifaTstamp = nowUs(ifa.ifaDev.dev.net);
  if (!ifa.ifaCstamp) ifa.ifaCstamp = ifa.ifaTstamp;
  if (!(ifa.ifaFlags & IFA_F_PERMANENT)) scheduleCheckLifetime(ifa);
}

interface SchedLike {
  now: number;
  after(d: number, fn: () => void, label?: string): { cancel(): void };
}

const lifetimeTimers = new WeakMap<InIfaddr, { cancel(): void }>();

/** net/ipv4/devinet.c: check_lifetime() for one address, run when its next lifetime ends
 * (the kernel's addr_chk_work rounds the wakeup up to a whole second) */
function scheduleCheckLifetime(ifa: InIfaddr): void {
  const h = ifa.ifaDev.dev.net.host as unknown as { world?: { sched?: SchedLike } };
  const sched = h.world?.sched;
  if (!sched) return;
  lifetimeTimers.get(ifa)?.cancel();
  const age = (sched.now - ifa.ifaTstamp) / 1_000_000;
  let next = Infinity;
  if (ifa.ifaValidLft !== INFINITY_LIFE_TIME) next = Math.min(next, ifa.ifaValidLft - age);
  if (ifa.ifaPreferredLft !== INFINITY_LIFE_TIME && !(ifa.ifaFlags & IFA_F_DEPRECATED)) next = Math.min(next, ifa.ifaPreferredLft - age);
  if (!Number.isFinite(next)) return;
  const delay = Math.ceil(Math.max(0, next)) * 1_000_000;
  lifetimeTimers.set(ifa, sched.after(delay, () => {
    lifetimeTimers.delete(ifa);
    const inDev = ifa.ifaDev;
    const idx = inDev.ifaList.indexOf(ifa);
    if (idx < 0 || ifa.ifaFlags & IFA_F_PERMANENT) return;
    const a = (sched.now - ifa.ifaTstamp) / 1_000_000;
    if (ifa.ifaValidLft !== INFINITY_LIFE_TIME && a >= ifa.ifaValidLft) {
      inetDelIfa(inDev, idx, true);
      return;
    }
    if (ifa.ifaPreferredLft !== INFINITY_LIFE_TIME && a >= ifa.ifaPreferredLft && !(ifa.ifaFlags & IFA_F_DEPRECATED)) {
      ifa.ifaFlags |= IFA_F_DEPRECATED;
      rtmsgIfa("RTM_NEWADDR", ifa);
    }
    scheduleCheckLifetime(ifa);
  }, "check_lifetime"));
}

/** net/ipv4/devinet.c: find_matching_ifa() */
function findMatchingIfa(ifa: InIfaddr): InIfaddr | undefined {
  for (const ifa1 of ifa.ifaDev.ifaList) {
    if (ifa1.ifaMask === ifa.ifaMask && inetIfaMatch(ifa1.ifaAddress, ifa) && ifa1.ifaLocal === ifa.ifaLocal) return ifa1;
  }
  return undefined;
}

/** net/ipv4/devinet.c: ifa_ipv4_policy, as nlmsg_parse() applies it */
function ifaIpv4PolicyCheck(tb: IfaAttrs): KErr | undefined {
  const bad = kerr("EINVAL", "Attribute failed policy validation");
  if (tb.IFA_LABEL !== undefined && tb.IFA_LABEL.length > 15) return bad;
  for (const a of [tb.IFA_LOCAL, tb.IFA_ADDRESS, tb.IFA_BROADCAST]) if (a && a.length !== 4) return bad;
  return undefined;
}

/** net/ipv4/devinet.c: inet_rtm_newaddr() */
export function inetRtmNewaddr(net: Net, req: AddrMsg): NlAck {
  const ifm = req.ifa;
  const tb = req.attrs;
  const perr = ifaIpv4PolicyCheck(tb);
  if (perr) return ack(perr);
  if (ifm.prefixlen > 32) return ack(kerr("EINVAL", "ipv4: Invalid prefix length"));
  if (!tb.IFA_LOCAL) return ack(kerr("EINVAL", "ipv4: Local address is not supplied"));
  let validLft = INFINITY_LIFE_TIME;
  let preferedLft = INFINITY_LIFE_TIME;
  if (tb.IFA_CACHEINFO) {
    const ci = tb.IFA_CACHEINFO;
    if (!ci.ifa_valid || ci.ifa_prefered > ci.ifa_valid) return ack(kerr("EINVAL", "ipv4: address lifetime invalid"));
    validLft = ci.ifa_valid;
    preferedLft = ci.ifa_prefered;
  }
  // inet_rtm_to_ifa()
  const dev = glue_devGetByIndex(net, ifm.index);
  if (!dev) return ack(kerr("ENODEV", "ipv4: Device not found"));
  const inDev = devInDevice(dev);
  if (!inDev) return ack(kerr("ENOBUFS"));
  ipv4DevconfSetall(inDev);
  const ifa = newIfa(inDev);
  const address = tb.IFA_ADDRESS ?? tb.IFA_LOCAL;
  ifa.ifaPrefixlen = ifm.prefixlen;
  ifa.ifaMask = inetMakeMask(ifm.prefixlen);
  ifa.ifaFlags = tb.IFA_FLAGS ?? ifm.flags;
  ifa.ifaScope = ifm.scope;
  ifa.ifaLocal = ipv4FromBytes(tb.IFA_LOCAL);
  ifa.ifaAddress = ipv4FromBytes(address);
  if (tb.IFA_BROADCAST) ifa.ifaBroadcast = ipv4FromBytes(tb.IFA_BROADCAST);
  ifa.ifaLabel = tb.IFA_LABEL ?? dev.name;
  if (tb.IFA_RT_PRIORITY !== undefined) ifa.ifaRtPriority = tb.IFA_RT_PRIORITY;
  if (tb.IFA_PROTO !== undefined) ifa.ifaProto = tb.IFA_PROTO;

  const existing = findMatchingIfa(ifa);
  if (!existing) {
    setIfaLifetime(ifa, validLft, preferedLft);
    ifa.ifaCstamp = ifa.ifaTstamp;
    void IFA_F_MCAUTOJOIN;
    return ack(inetInsertIfa(ifa));
  }
  if (req.flags.excl || !req.flags.replace) return ack(kerr("EEXIST", "ipv4: Address already assigned"));
  if (existing.ifaRtPriority !== ifa.ifaRtPriority) {
    fibModifyPrefixMetric(existing, ifa.ifaRtPriority);
    existing.ifaRtPriority = ifa.ifaRtPriority;
  }
  existing.ifaProto = ifa.ifaProto;
  setIfaLifetime(existing, validLft, preferedLft);
  rtmsgIfa("RTM_NEWADDR", existing);
  return ack(undefined);
}

/** net/ipv4/devinet.c: inet_rtm_deladdr() */
export function inetRtmDeladdr(net: Net, req: AddrMsg): NlAck {
  const ifm = req.ifa;
  const tb = req.attrs;
  const perr = ifaIpv4PolicyCheck(tb);
  if (perr) return ack(perr);
  const dev = glue_devGetByIndex(net, ifm.index);
  const inDev = dev ? devInDevice(dev) : undefined;
  if (!inDev) return ack(kerr("ENODEV", "ipv4: Device not found"));
  for (let i = 0; i < inDev.ifaList.length; i++) {
    const ifa = inDev.ifaList[i]!;
    if (tb.IFA_LOCAL && ifa.ifaLocal !== ipv4FromBytes(tb.IFA_LOCAL)) continue;
    if (tb.IFA_LABEL !== undefined && tb.IFA_LABEL !== ifa.ifaLabel) continue;
    if (tb.IFA_ADDRESS && (ifm.prefixlen !== ifa.ifaPrefixlen || !inetIfaMatch(ipv4FromBytes(tb.IFA_ADDRESS), ifa))) continue;
    if (ipv4IsMulticast(ifa.ifaAddress)) {
      /* ip_mc_autojoin_config(): nothing to leave, we do not join */
    }
    inetDelIfa(inDev, i, true);
    return ack(undefined);
  }
  return ack(kerr("EADDRNOTAVAIL", "ipv4: Address not found"));
}

// -------------------------------------------------------------------------------- ioctls

/** net/ipv4/devinet.c: inet_abc_len() */
function inetAbcLen(addr: number): number {
  if (ipv4IsZeronet(addr) || ipv4IsLbcast(addr)) return 0;
  if ((addr & 0x80000000) === 0) return 8;
  if ((addr & 0xc0000000) >>> 0 === 0x80000000) return 16;
  if ((addr & 0xe0000000) >>> 0 === 0xc0000000) return 24;
  if ((addr & 0xf0000000) >>> 0 === 0xf0000000) return 32; // class E
  return -1; // something else, probably a multicast
}

export interface IfreqIn {
  request: string;
  ifname?: string;
  /** sockaddr_in: family and the address as dotted quad or u32 */
  family?: number;
  addr?: number | string;
  flags?: number;
}

function parseAddr(a: unknown): number {
  if (typeof a === "number") return a >>> 0;
  if (a instanceof Uint8Array) return ipv4FromBytes(a);
  if (typeof a === "string") {
    const p = a.split(".").map(Number);
    return (((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0);
  }
  return 0;
}

/** the ifreq field each request carries its address in (as userland names it) */
const IOCTL_FIELD: Record<string, string> = {
  SIOCGIFADDR: "addr", SIOCSIFADDR: "addr", SIOCGIFNETMASK: "netmask", SIOCSIFNETMASK: "netmask",
  SIOCGIFBRDADDR: "broadaddr", SIOCSIFBRDADDR: "broadaddr", SIOCGIFDSTADDR: "dstaddr", SIOCSIFDSTADDR: "dstaddr",
};

/** net/ipv4/devinet.c: devinet_ioctl() — SIOC[GS]IF{ADDR,BRDADDR,DSTADDR,NETMASK} and
 * SIOCSIFFLAGS on an alias label ("eth0:1"). Request: {ifname, addr|netmask|broadaddr|dstaddr
 * (host-order u32, dotted string or 4 bytes), family? (default AF_INET)}; answer: the same
 * field with a host-order u32. */
export function devinetIoctl(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const cmd = req.request as string;
  const field = IOCTL_FIELD[cmd] ?? "addr";
  const ifname = String(req.ifname ?? "").slice(0, 15);
  const family = (req.family as number | undefined) ?? AF_INET;
  const sinAddr = parseAddr(req[field] ?? req.addr);
  const colon = ifname.indexOf(":");
  const devName = colon >= 0 ? ifname.slice(0, colon) : ifname;
  let tryaddrmatch = false;
  switch (cmd) {
    case "SIOCGIFADDR": case "SIOCGIFBRDADDR": case "SIOCGIFDSTADDR": case "SIOCGIFNETMASK":
      tryaddrmatch = family === AF_INET;
      break;
    case "SIOCSIFFLAGS":
      break;
    case "SIOCSIFADDR": case "SIOCSIFBRDADDR": case "SIOCSIFDSTADDR": case "SIOCSIFNETMASK":
      if (family !== AF_INET) return kerr("EINVAL");
      break;
    default:
      return kerr("EINVAL");
  }
  const dev = glue_devGetByName(net, devName);
  if (!dev) return kerr("ENODEV");
  const inDev = devInDevice(dev);
  let idx = -1;
  if (inDev) {
    if (tryaddrmatch) idx = inDev.ifaList.findIndex((f) => f.ifaLabel === ifname && f.ifaLocal === sinAddr);
    if (idx < 0) idx = inDev.ifaList.findIndex((f) => f.ifaLabel === ifname);
  }
  let ifa = idx >= 0 ? inDev!.ifaList[idx] : undefined;
  if (!ifa && cmd !== "SIOCSIFADDR" && cmd !== "SIOCSIFFLAGS") return kerr("EADDRNOTAVAIL");
  const out = (a: number): Record<string, unknown> => ({ [field]: a >>> 0, family: AF_INET });
  switch (cmd) {
    case "SIOCGIFADDR": return out(ifa!.ifaLocal);
    case "SIOCGIFBRDADDR": return out(ifa!.ifaBroadcast);
    case "SIOCGIFDSTADDR": return out(ifa!.ifaAddress);
    case "SIOCGIFNETMASK": return out(ifa!.ifaMask);
    case "SIOCSIFFLAGS": {
      if (colon >= 0) {
        if (!ifa) return kerr("EADDRNOTAVAIL");
        if (!(((req.flags as number) ?? 0) & IFF_UP)) inetDelIfa(inDev!, idx, true);
        return {};
      }
      const e = glue_devChangeFlags(dev, ((req.flags as number) ?? 0) & 0xffff);
      return e ?? {};
    }
    case "SIOCSIFADDR": {
      if (inetAbcLen(sinAddr) < 0) return kerr("EINVAL");
      if (!inDev) return kerr("ENOBUFS");
      if (!ifa) {
        ifa = newIfa(inDev);
        ifa.ifaLabel = colon >= 0 ? ifname : dev.name;
      } else {
        if (ifa.ifaLocal === sinAddr) return {};
        inetDelIfa(inDev, idx, false);
        ifa.ifaBroadcast = 0;
        ifa.ifaScope = 0;
      }
      ifa.ifaAddress = ifa.ifaLocal = sinAddr;
      if (!(dev.flags & IFF_POINTOPOINT)) {
        ifa.ifaPrefixlen = inetAbcLen(ifa.ifaAddress);
        ifa.ifaMask = inetMakeMask(ifa.ifaPrefixlen);
        if (dev.flags & IFF_BROADCAST && ifa.ifaPrefixlen < 31) ifa.ifaBroadcast = (ifa.ifaAddress | ~ifa.ifaMask) >>> 0;
      } else {
        ifa.ifaPrefixlen = 32;
        ifa.ifaMask = inetMakeMask(32);
      }
      setIfaLifetime(ifa, INFINITY_LIFE_TIME, INFINITY_LIFE_TIME);
      const e = inetSetIfa(dev, ifa);
      return e ?? {};
    }
    case "SIOCSIFBRDADDR":
      if (ifa!.ifaBroadcast !== sinAddr) {
        inetDelIfa(inDev!, idx, false);
        ifa!.ifaBroadcast = sinAddr;
        inetInsertIfa(ifa!);
      }
      return {};
    case "SIOCSIFDSTADDR":
      if (ifa!.ifaAddress === sinAddr) return {};
      if (inetAbcLen(sinAddr) < 0) return kerr("EINVAL");
      inetDelIfa(inDev!, idx, false);
      ifa!.ifaAddress = sinAddr;
      inetInsertIfa(ifa!);
      return {};
    case "SIOCSIFNETMASK": {
      if (badMask(sinAddr, 0)) return kerr("EINVAL");
      if (ifa!.ifaMask !== sinAddr) {
        const oldMask = ifa!.ifaMask;
        inetDelIfa(inDev!, idx, false);
        ifa!.ifaMask = sinAddr;
        ifa!.ifaPrefixlen = inetMaskLen(sinAddr);
        /* See if current broadcast address matches with current netmask, then recalculate
         * the broadcast address. Otherwise it's a funny address, so don't touch it since
         * the user seems to know what (s)he's doing... */
        if (dev.flags & IFF_BROADCAST && ifa!.ifaPrefixlen < 31 && ifa!.ifaBroadcast === ((ifa!.ifaLocal | ~oldMask) >>> 0)) {
          ifa!.ifaBroadcast = (ifa!.ifaLocal | ~sinAddr) >>> 0;
        }
        inetInsertIfa(ifa!);
      }
      return {};
    }
  }
  return kerr("EINVAL");
}

/** net/ipv4/devinet.c: inet_gifconf() over every device — SIOCGIFCONF */
export function inetGifconf(net: Net, _req: Record<string, unknown>): Record<string, unknown> {
  const ifc: { ifname: string; addr: number }[] = [];
  for (const dev of glue_forEachNetdev(net)) {
    const inDev = devInDevice(dev);
    if (!inDev) continue;
    for (const ifa of inDev.ifaList) ifc.push({ ifname: ifa.ifaLabel || dev.name, addr: ifa.ifaLocal });
  }
  return { ifc };
}

// --------------------------------------------------------------------------------- sysctls

export interface ConfEntry {
  procname: string;
  mode: number;
  read(): string;
  write(data: string): KErr | undefined;
}

/** kernel/sysctl.c: proc_dointvec() parsing of one integer */
export function parseIntvec(data: string): number | KErr {
  const v = procParseInts(data);
  return isKErr(v) ? v : v[0]!;
}

/** net/ipv4/devinet.c: inet_forward_change() */
function inetForwardChange(net: Net): void {
  const s = devinetNet(net);
  const on = s.all.get(IPV4_DEVCONF.FORWARDING);
  s.all.set(IPV4_DEVCONF.ACCEPT_REDIRECTS, on ? 0 : 1);
  s.dflt.set(IPV4_DEVCONF.FORWARDING, on);
  inetNetconfNotifyDevconf(net, IPV4_DEVCONF.FORWARDING, NETCONFA_IFINDEX_ALL, s.all);
  inetNetconfNotifyDevconf(net, IPV4_DEVCONF.FORWARDING, NETCONFA_IFINDEX_DEFAULT, s.dflt);
  for (const dev of glue_forEachNetdev(net)) {
    const inDev = devInDevice(dev);
    if (!inDev) continue;
    if (on) glue_devDisableLro(dev);
    inDev.cnf.set(IPV4_DEVCONF.FORWARDING, on);
    inetNetconfNotifyDevconf(net, IPV4_DEVCONF.FORWARDING, dev.ifindex, inDev.cnf);
  }
}

/** net/ipv4/devinet.c: devinet_copy_dflt_conf() */
function devinetCopyDfltConf(net: Net, i: number): void {
  const s = devinetNet(net);
  for (const dev of glue_forEachNetdev(net)) {
    const inDev = devInDevice(dev);
    if (inDev && !inDev.cnf.isSet(i)) inDev.cnf.set(i, s.dflt.get(i));
  }
}

/** the conf table of one directory (all, default or a device): devinet_sysctl_register() */
function confTable(net: Net, cnf: Ipv4Devconf, which: "all" | "default" | NetDevice): ConfEntry[] {
  return DEVCONF_NAMES.map(([procname, i, kind]): ConfEntry => ({
    procname,
    mode: 0o644,
    read: () => `${cnf.get(i)}\n`,
    write: (data: string) => {
      // mc_forwarding belongs to the multicast routing daemon: a write is refused
      if (kind === "ro") return kerr("EINVAL");
      const v = parseIntvec(data);
      if (typeof v !== "number") return v;
      if (kind === "fwd") return devinetSysctlForward(net, cnf, which, v);
      const old = cnf.get(i);
      cnf.set(i, v);
      // devinet_conf_proc(): mark as set; default propagates to devices that did not set it
      cnf.markSet(i);
      if (which === "default") devinetCopyDfltConf(net, i);
      if (kind === "flush" && old !== v) glue_rtCacheFlush(net);
      if (old !== v && (i === IPV4_DEVCONF.RP_FILTER || i === IPV4_DEVCONF.PROXY_ARP || i === IPV4_DEVCONF.IGNORE_ROUTES_WITH_LINKDOWN))
        inetNetconfNotifyDevconf(net, i, devinetConfIfindex(which), cnf);
      return undefined;
    },
  }));
}

/** net/ipv4/devinet.c: devinet_sysctl_forward() */
function devinetSysctlForward(net: Net, cnf: Ipv4Devconf, which: "all" | "default" | NetDevice, v: number): KErr | undefined {
  const i = IPV4_DEVCONF.FORWARDING;
  const old = cnf.get(i);
  cnf.set(i, v);
  if (which === "default") {
    cnf.markSet(i);
    devinetCopyDfltConf(net, i);
    if (v !== old) inetNetconfNotifyDevconf(net, i, NETCONFA_IFINDEX_DEFAULT, cnf);
    return undefined;
  }
  if (v !== old) {
    if (which === "all") {
      inetForwardChange(net);
    } else {
      cnf.markSet(i);
      if (v) glue_devDisableLro(which);
      inetNetconfNotifyDevconf(net, i, which.ifindex, cnf);
    }
    glue_rtCacheFlush(net);
  }
  return undefined;
}

/** devinet_conf_ifindex() */
function devinetConfIfindex(which: "all" | "default" | NetDevice): number {
  return which === "all" ? NETCONFA_IFINDEX_ALL : which === "default" ? NETCONFA_IFINDEX_DEFAULT : which.ifindex;
}

/** net/ipv4/devinet.c: inet_netconf_notify_devconf() — one setting (IPV4_DEVCONF_* `i`) of one
 * devconf, to RTNLGRP_IPV4_NETCONF */
function inetNetconfNotifyDevconf(net: Net, i: number, ifindex: number, cnf: Ipv4Devconf): void {
  if (!rtnlHasListeners(net, RTNLGRP_IPV4_NETCONF)) return;
  const attrs: NetconfMsg["attrs"] = { NETCONFA_IFINDEX: ifindex };
  const v = cnf.get(i);
  if (i === IPV4_DEVCONF.FORWARDING) attrs.NETCONFA_FORWARDING = v;
  else if (i === IPV4_DEVCONF.RP_FILTER) attrs.NETCONFA_RP_FILTER = v;
  else if (i === IPV4_DEVCONF.PROXY_ARP) attrs.NETCONFA_PROXY_NEIGH = v;
  else if (i === IPV4_DEVCONF.IGNORE_ROUTES_WITH_LINKDOWN) attrs.NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN = v;
  rtnlNotify(net, RTNLGRP_IPV4_NETCONF, { type: "RTM_NEWNETCONF", flags: {}, ncm: { family: AF_INET }, attrs });
}

/** devinet_sysctl_register(): conf/NAME (the device's neigh/NAME is arp's notifier's) */
function devinetSysctlRegister(inDev: InDevice): KErr | undefined {
  const dev = inDev.dev;
  if (!sysctlDevNameIsAllowed(dev.name)) return kerr("EINVAL");
  glue_registerSysctl(dev.net, `net/ipv4/conf/${dev.name}`, () => confTable(dev.net, inDev.cnf, dev));
  // __devinet_sysctl_register(): the new devconf, whole, to RTNLGRP_IPV4_NETCONF
  if (rtnlHasListeners(dev.net, RTNLGRP_IPV4_NETCONF)) {
    rtnlNotify(dev.net, RTNLGRP_IPV4_NETCONF, inetNetconfFill(dev.ifindex, (n) => inDev.cnf.get(DEVCONF_BY_NAME.get(n)!)));
  }
  return undefined;
}

/** devinet_sysctl_unregister() of what devinet_sysctl_register() made under `name`, and
 * __devinet_sysctl_unregister()'s RTM_DELNETCONF of the device */
function devinetSysctlUnregister(inDev: InDevice, name = inDev.dev.name): void {
  const net = inDev.dev.net;
  if (!sysctlDevNameIsAllowed(name)) return;
  glue_unregisterSysctl(net, `net/ipv4/conf/${name}`);
  if (rtnlHasListeners(net, RTNLGRP_IPV4_NETCONF)) {
    rtnlNotify(net, RTNLGRP_IPV4_NETCONF, { type: "RTM_DELNETCONF", flags: {}, ncm: { family: AF_INET }, attrs: { NETCONFA_IFINDEX: inDev.dev.ifindex } });
  }
}

/** net/ipv4/devinet.c: devinet_init_net() */
function devinetInitNet(net: Net): void {
  const s = devinetNet(net);
  glue_registerSysctl(net, "net/ipv4/conf/all", () => confTable(net, s.all, "all"));
  glue_registerSysctl(net, "net/ipv4/conf/default", () => confTable(net, s.dflt, "default"));
  // ctl_forward_entry: net/ipv4/ip_forward is conf/all/forwarding. (This table and
  // net/ipv4/route are built when their directory is first read, as the others are: their
  // entries' closures and the knobs' map cost every namespace ~1.4 KB, and most are never
  // read; the values they show are the defaults until written, either way.)
  glue_registerSysctl(net, "net/ipv4", () => [{
    procname: "ip_forward",
    mode: 0o644,
    read: () => `${s.all.get(IPV4_DEVCONF.FORWARDING)}\n`,
    write: (data: string) => {
      const v = parseIntvec(data);
      if (typeof v !== "number") return v;
      return devinetSysctlForward(net, s.all, "all", v);
    },
  },
  /* sysctl_net_ipv4.c: ipv4_net_table's other forwarding knobs (stored; the forward path
   * neither re-maps skb->priority nor uses the PMTU differently in this model) */
  fwdKnob(net, "ip_forward_update_priority", 1, 0, 1),
  fwdKnob(net, "ip_forward_use_pmtu", 0, 0, 1)]);
  registerNetSysctl(net, "net/ipv4/route", () => ipRtNetnsSysctlTable(net, () => glue_rtCacheFlush(net)));
}

const fwdKnobs = new NetGeneric<Map<string, number>>();

/** an integer entry of ipv4_net_table kept per namespace (proc_dou8vec_minmax) */
function fwdKnob(net: Net, procname: string, dflt: number, min: number, max: number): ConfEntry {
  let m = fwdKnobs.get(net);
  if (!m) fwdKnobs.set(net, (m = new Map()));
  m.set(procname, dflt);
  const vals = m;
  return {
    procname,
    mode: 0o644,
    read: () => `${vals.get(procname)}\n`,
    write: (data: string) => {
      const v = parseIntvec(data);
      if (typeof v !== "number") return v;
      if (v < min || v > max) return kerr("EINVAL");
      vals.set(procname, v);
      return undefined;
    },
  };
}

function devinetExitNet(net: Net): void {
  pernet.delete(net);
}

// ------------------------------------------------------------------------ device notifier

/** net/ipv4/devinet.c: inetdev_event() */
function inetdevEvent(event: number, dev: NetDevice): number {
  let inDev = devInDevice(dev);
  if (!inDev) {
    if (event === NETDEV_REGISTER) {
      const r = inetdevInit(dev);
      if (isKErr(r)) return NOTIFY_BAD;
    } else if (event === NETDEV_CHANGEMTU) {
      /* Re-enabling IP: a fresh in_device, without addresses */
      if (inetdevValidMtu(dev.mtu)) inetdevInit(dev);
    }
    return NOTIFY_DONE;
  }
  switch (event) {
    case NETDEV_REGISTER:
      dev.ipPtr = undefined;
      break;
    case NETDEV_UP:
      if (!inetdevValidMtu(dev.mtu)) break;
      if (dev.flags & IFF_LOOPBACK && !inDev.ifaList.some((f) => f.ifaLocal === 0x7f000001)) {
        // lo gets 127.0.0.1/8 scope host when it first comes up
        const ifa = newIfa(inDev);
        ifa.ifaLocal = ifa.ifaAddress = 0x7f000001;
        ifa.ifaPrefixlen = 8;
        ifa.ifaMask = inetMakeMask(8);
        ifa.ifaScope = RT_SCOPE_HOST;
        ifa.ifaFlags = IFA_F_PERMANENT;
        ifa.ifaLabel = dev.name;
        inetSetIfa(dev, ifa);
      }
      break;
    case NETDEV_DOWN:
      break;
    case NETDEV_CHANGEADDR:
    case NETDEV_NOTIFY_PEERS:
      break;
    case NETDEV_CHANGEMTU:
      if (inetdevValidMtu(dev.mtu)) break;
      /* disable IP when MTU is not enough */
      inetdevDestroy(inDev);
      break;
    case NETDEV_PRE_TYPE_CHANGE:
      break;
    case NETDEV_UNREGISTER:
      inetdevDestroy(inDev);
      break;
    case NETDEV_CHANGENAME: {
      /* inetdev_changename(): the first address takes the new name, the others keep their
       * alias suffix or get ":N". Do not notify about label change, this event is not
       * interesting to applications. */
      const old = lastOldName;
      let named = 0;
      for (const ifa of inDev.ifaList) {
        const oldLabel = ifa.ifaLabel;
        ifa.ifaLabel = dev.name;
        if (named++ === 0) continue;
        const c = oldLabel.indexOf(":");
        const dot = c >= 0 ? oldLabel.slice(c) : `:${named}`;
        if (dot.length + dev.name.length < 16) ifa.ifaLabel = dev.name + dot;
        else ifa.ifaLabel = dev.name.slice(0, 16 - dot.length - 1) + dot;
      }
      // (a name the sysctl tree refuses is not registered; addrconf refuses the rename)
      devinetSysctlUnregister(inDev, old);
      devinetSysctlRegister(inDev);
      break;
    }
  }
  return NOTIFY_DONE;
}

// --------------------------------------------------------------------------------- init

// ------------------------------------------------------------------ RTM_GETNETCONF

/** inet_netconf_fill_devconf(NETCONFA_ALL): the raw values of one devconf */
function inetNetconfFill(ifindex: number, get: (name: string) => number): NetconfMsg {
  return {
    type: "RTM_NEWNETCONF",
    flags: {},
    ncm: { family: AF_INET },
    attrs: {
      NETCONFA_IFINDEX: ifindex,
      NETCONFA_FORWARDING: get("forwarding"),
      NETCONFA_RP_FILTER: get("rp_filter"),
      NETCONFA_MC_FORWARDING: get("mc_forwarding"),
      NETCONFA_BC_FORWARDING: get("bc_forwarding"),
      NETCONFA_PROXY_NEIGH: get("proxy_arp"),
      NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN: get("ignore_routes_with_linkdown"),
    },
  };
}

/** inet_netconf_get_devconf(): one device's, or "all"'s or "default"'s */
function inetNetconfGet(net: Net, m: NetconfMsg): { ack: NlAck; answer: NetconfMsg } | KErr {
  const ifindex = m.attrs.NETCONFA_IFINDEX;
  if (ifindex === undefined) return kerr("EINVAL");
  if (ifindex === NETCONFA_IFINDEX_ALL) return { ack: { ok: true }, answer: inetNetconfFill(ifindex, (n) => inetConfGet(net, n)) };
  if (ifindex === NETCONFA_IFINDEX_DEFAULT)
    return { ack: { ok: true }, answer: inetNetconfFill(ifindex, (n) => inetConfGet("default", n, net)) };
  const dev = devGetByIndex(net, ifindex);
  if (!dev || !devInDevice(dev)) return kerr("ENODEV");
  return { ack: { ok: true }, answer: inetNetconfFill(ifindex, (n) => inetConfGet(dev, n)) };
}

/** inet_netconf_dump_devconf(): every device's, then "all" and "default" */
function inetNetconfDump(net: Net): NetconfMsg[] {
  const out: NetconfMsg[] = [];
  for (const dev of net.devices()) if (devInDevice(dev)) out.push(inetNetconfFill(dev.ifindex, (n) => inetConfGet(dev, n)));
  out.push(inetNetconfFill(NETCONFA_IFINDEX_ALL, (n) => inetConfGet(net, n)));
  out.push(inetNetconfFill(NETCONFA_IFINDEX_DEFAULT, (n) => inetConfGet("default", n, net)));
  return out;
}

let inited = false;

/** net/ipv4/devinet.c: devinet_init() */
export function devinetInit(): void {
  if (inited) return;
  inited = true;
  registerPernetOps({ init: devinetInitNet, exit: devinetExitNet });
  registerNetdeviceNotifier((event, dev, info) => {
    if (event === NETDEV_CHANGENAME) lastOldName = info?.oldName ?? "";
    return inetdevEvent(event, dev);
  });
  glue_rtnlRegisterDoit(AF_INET, "RTM_NEWADDR", (net, msg) => inetRtmNewaddr(net, msg as AddrMsg));
  glue_rtnlRegisterDoit(AF_INET, "RTM_DELADDR", (net, msg) => inetRtmDeladdr(net, msg as AddrMsg));
  glue_rtnlRegisterDumpit(AF_INET, "RTM_GETADDR", (net, msg) => inetDumpIfaddr(net, msg as AddrMsg));
  rtnlRegister(AF_INET, "RTM_GETNETCONF", {
    doit: (net: Net, m: RtnlMsg) => inetNetconfGet(net, m as NetconfMsg),
    dumpit: (net: Net) => inetNetconfDump(net),
  });
  glue_registerIoctlHandler("SIOCGIFCONF", inetGifconf);
  // inet_ioctl(): an AF_INET socket's SIOCSIFFLAGS goes through devinet_ioctl (alias labels)
  glue_registerIoctlHandler("SIOCSIFFLAGS", devinetIoctl);
  for (const r of ["SIOCGIFADDR", "SIOCGIFBRDADDR", "SIOCGIFDSTADDR", "SIOCGIFNETMASK", "SIOCSIFADDR", "SIOCSIFBRDADDR", "SIOCSIFDSTADDR", "SIOCSIFNETMASK"]) {
    glue_registerIoctlHandler(r, devinetIoctl);
  }
}

export { IFA_F_NOPREFIXROUTE, RT_SCOPE_UNIVERSE };

// ------------------------------------------------------------------ glue to net/core (K1a)

let lastOldName = "";

/** the world's simulated time (µs) as seen from a namespace */
export function glue_netNow(net: Net): number {
  const h = net.host as unknown as { world?: { sched?: { now: number } } };
  return h.world?.sched?.now ?? 0;
}

/** for_each_netdev(): the namespace's devices in dev_base order (ifindex order) */
export function glue_forEachNetdev(net: Net): NetDevice[] {
  return net.devices();
}

export function glue_devGetByIndex(net: Net, ifindex: number): NetDevice | undefined {
  return devGetByIndex(net, ifindex);
}

export function glue_devGetByName(net: Net, name: string): NetDevice | undefined {
  return devGetByName(net, name);
}

export function glue_devChangeFlags(dev: NetDevice, flags: number): KErr | undefined {
  return devChangeFlags(dev, flags);
}

/** dev_disable_lro(): no offloads are emulated */
export function glue_devDisableLro(_dev: NetDevice): void {}

const rtGenid = new NetGeneric<number>();
const rtFlushHooks: ((net: Net) => void)[] = [];

/** net/ipv4/route.c: rt_cache_flush() — bumps net->ipv4.rt_genid; the route cache (K2) checks
 * rtGenidIpv4(net) or registers a hook with registerRtCacheFlush() */
export function glue_rtCacheFlush(net: Net): void {
  rtGenid.set(net, (rtGenid.get(net) ?? 0) + 1);
  for (const fn of rtFlushHooks) fn(net);
}

export function rtGenidIpv4(net: Net): number {
  return rtGenid.get(net) ?? 0;
}

export function registerRtCacheFlush(fn: (net: Net) => void): void {
  if (!rtFlushHooks.includes(fn)) rtFlushHooks.push(fn);
}

export function glue_registerSysctl(net: Net, path: string, table: ConfEntry[] | (() => ConfEntry[])): void {
  registerNetSysctl(net, path, table);
}

export function glue_unregisterSysctl(net: Net, path: string): void {
  unregisterNetSysctl(net, path);
}

export function glue_rtnlRegisterDoit(family: number, type: string, doit: (net: Net, msg: RtnlMsg) => NlAck): void {
  rtnlRegister(family, type, { doit: (net: Net, msg: RtnlMsg) => ({ ack: doit(net, msg) }) });
}

export function glue_rtnlRegisterDumpit(family: number, type: string, dumpit: (net: Net, msg: RtnlMsg) => RtnlMsg[]): void {
  rtnlRegister(family, type, { dumpit });
}

export function glue_registerIoctlHandler(request: string, fn: (net: Net, req: Record<string, unknown>) => Record<string, unknown> | KErr): void {
  registerIoctl(request, fn);
}
