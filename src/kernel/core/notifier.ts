/**
 * include/linux/netdevice.h (NETDEV_* events) + net/core/dev.c: the netdevice notifier chain,
 * and net/ipv4/devinet.c's inetaddr chain. Module-level registries filled by each part's init.
 */
import type { NetDevice } from "./netdevice.ts";

export const NETDEV_UP = 0x0001;
export const NETDEV_DOWN = 0x0002;
export const NETDEV_REBOOT = 0x0003;
export const NETDEV_CHANGE = 0x0004;
export const NETDEV_REGISTER = 0x0005;
export const NETDEV_UNREGISTER = 0x0006;
export const NETDEV_CHANGEMTU = 0x0007;
export const NETDEV_CHANGEADDR = 0x0008;
export const NETDEV_PRE_CHANGEADDR = 0x0009;
export const NETDEV_GOING_DOWN = 0x000a;
export const NETDEV_CHANGENAME = 0x000b;
export const NETDEV_FEAT_CHANGE = 0x000c;
export const NETDEV_BONDING_FAILOVER = 0x000d;
export const NETDEV_PRE_UP = 0x000e;
export const NETDEV_PRE_TYPE_CHANGE = 0x000f;
export const NETDEV_POST_TYPE_CHANGE = 0x0010;
export const NETDEV_POST_INIT = 0x0011;
export const NETDEV_PRE_UNINIT = 0x0012;
export const NETDEV_RELEASE = 0x0013;
export const NETDEV_NOTIFY_PEERS = 0x0014;
export const NETDEV_JOIN = 0x0015;
export const NETDEV_CHANGEUPPER = 0x0016;
export const NETDEV_RESEND_IGMP = 0x0017;
export const NETDEV_PRECHANGEMTU = 0x0018;
export const NETDEV_CHANGEINFODATA = 0x0019;
export const NETDEV_BONDING_INFO = 0x001a;
export const NETDEV_PRECHANGEUPPER = 0x001b;
export const NETDEV_CHANGELOWERSTATE = 0x001c;
export const NETDEV_UDP_TUNNEL_PUSH_INFO = 0x001d;
export const NETDEV_UDP_TUNNEL_DROP_INFO = 0x001e;
export const NETDEV_CHANGE_TX_QUEUE_LEN = 0x001f;

/** NOTIFY_* return values */
export const NOTIFY_DONE = 0x0000;
export const NOTIFY_OK = 0x0001;
export const NOTIFY_STOP_MASK = 0x8000;
export const NOTIFY_BAD = NOTIFY_STOP_MASK | 0x0002;

/** extra information some events carry (netdev_notifier_changeupper_info, changemtu info) */
export interface NotifierInfo {
  upperDev?: NetDevice;
  linking?: boolean;
  /** NETDEV_CHANGEMTU: the previous mtu */
  prevMtu?: number;
  /** NETDEV_CHANGENAME: the previous name */
  oldName?: string;
  /** NETDEV_CHANGE: flags that changed (netdev_notifier_change_info.flags_changed) */
  flagsChanged?: number;
  /** extack text a notifier may set when it refuses (NOTIFY_BAD) */
  extack?: string;
}

/** a notifier returns NOTIFY_* (undefined = NOTIFY_DONE) */
export type NetdevNotifier = (event: number, dev: NetDevice, info?: NotifierInfo) => number | void;

/** the chain is replaced, never changed in place (copy on write): a walk goes over the chain
 * as it was when the event started, whatever its notifiers register or unregister meanwhile,
 * without copying it for every event (a namespace and its devices raise dozens) */
let netdevChain: readonly NetdevNotifier[] = [];

/** net/core/dev.c: register_netdevice_notifier() (without the replay of existing devices:
 * parts register at init, before any device exists) */
export function registerNetdeviceNotifier(fn: NetdevNotifier): void {
  if (!netdevChain.includes(fn)) netdevChain = [...netdevChain, fn];
}

export function unregisterNetdeviceNotifier(fn: NetdevNotifier): void {
  if (netdevChain.includes(fn)) netdevChain = netdevChain.filter((f) => f !== fn);
}

/** net/core/dev.c: call_netdevice_notifiers_info(): runs the chain, stops at NOTIFY_STOP_MASK */
export function callNetdeviceNotifiers(event: number, dev: NetDevice, info?: NotifierInfo): number {
  let ret = NOTIFY_DONE;
  const chain = netdevChain;
  for (let i = 0; i < chain.length; i++) {
    ret = chain[i]!(event, dev, info) ?? NOTIFY_DONE;
    if (ret & NOTIFY_STOP_MASK) break;
  }
  return ret;
}

/** include/linux/notifier.h: notifier_to_errno() — true when the chain refused */
export function notifierRefused(ret: number): boolean {
  return (ret & NOTIFY_STOP_MASK) !== 0 && ret !== NOTIFY_STOP_MASK;
}

/** net/ipv4/devinet.c: the inetaddr chain (an address went up/down). `ifa` is devinet's
 * struct in_ifaddr; typed loosely so core does not depend on ipv4. */
export type InetaddrNotifier = (event: number, ifa: unknown) => number | void;
/** copy on write, as netdevChain */
let inetaddrChain: readonly InetaddrNotifier[] = [];

export function registerInetaddrNotifier(fn: InetaddrNotifier): void {
  if (!inetaddrChain.includes(fn)) inetaddrChain = [...inetaddrChain, fn];
}

export function callInetaddrNotifiers(event: number, ifa: unknown): number {
  let ret = NOTIFY_DONE;
  const chain = inetaddrChain;
  for (let i = 0; i < chain.length; i++) {
    ret = chain[i]!(event, ifa) ?? NOTIFY_DONE;
    if (ret & NOTIFY_STOP_MASK) break;
  }
  return ret;
}
