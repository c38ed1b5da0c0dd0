/**
 * net/core/dev.c (control half) + net/core/link_watch.c: registering devices, names and
 * ifindexes, open/close, flags, promiscuity/allmulti, carrier and operstate, mtu, MAC, rename,
 * moving between namespaces, upper/lower links and rx handlers. The packet path is dev_path.ts.
 */
import { utf8Length } from "../../wire/bytes.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import {
  IFF_UP, IFF_DEBUG, IFF_NOTRAILERS, IFF_NOARP, IFF_DYNAMIC, IFF_MULTICAST, IFF_PORTSEL,
  IFF_AUTOMEDIA, IFF_PROMISC, IFF_ALLMULTI, IFF_RUNNING, IFF_LOWER_UP, IFF_DORMANT, IFF_SLAVE,
  IFF_MASTER, IFF_ECHO, IFF_LOOPBACK, IFF_POINTOPOINT, IFF_BROADCAST, IFNAMSIZ, IF_OPER_UP,
  IF_OPER_UNKNOWN, IF_OPER_DOWN, IF_OPER_LOWERLAYERDOWN, IF_OPER_DORMANT, IF_OPER_TESTING,
} from "../uapi/if.ts";
import { NetDevice, NET_ADDR_SET, IFF_LIVE_ADDR_CHANGE, IFF_NO_QUEUE, type RxHandler } from "./netdevice.ts";
import type { Net } from "./net_namespace.ts";
import { USEC_PER_SEC, type Scheduler, type Timer, type Micros } from "../../sim/scheduler.ts";
import { peernet2idAlloc } from "./net_namespace.ts";
import {
  callNetdeviceNotifiers, notifierRefused, NETDEV_REGISTER, NETDEV_UNREGISTER, NETDEV_UP, NETDEV_DOWN,
  NETDEV_GOING_DOWN, NETDEV_CHANGE, NETDEV_PRE_UP, NETDEV_CHANGEMTU, NETDEV_PRECHANGEMTU,
  NETDEV_CHANGEADDR, NETDEV_PRE_CHANGEADDR, NETDEV_CHANGENAME, NETDEV_CHANGEUPPER,
  NETDEV_PRECHANGEUPPER, NETDEV_CHANGE_TX_QUEUE_LEN, NETDEV_POST_INIT,
} from "./notifier.ts";
import { rtmsgIfinfo, rtnlLinkInitializing } from "./rtnetlink.ts";

/** include/uapi/linux/if.h: IFF_VOLATILE */
export const IFF_VOLATILE = IFF_LOOPBACK | IFF_POINTOPOINT | IFF_BROADCAST | IFF_ECHO | IFF_MASTER |
  IFF_SLAVE | IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT;

/** IF_LINK_MODE_* */
export const IF_LINK_MODE_DEFAULT = 0;
export const IF_LINK_MODE_DORMANT = 1;
export const IF_LINK_MODE_TESTING = 2;

/** the default root qdisc a device gets on first open (net.core.default_qdisc) */
export const DEFAULT_QDISC = "pfifo_fast";

function dmesg(dev: NetDevice, msg: string): void {
  dev.net?.host.dmesgLog(`${dev.name}: ${msg}`);
}

// ------------------------------------------------------------------------------- lookups

/** net/core/dev.c: __dev_get_by_name() */
export function devGetByName(net: Net, name: string): NetDevice | undefined {
  return net.devByName.get(name);
}

/** net/core/dev.c: __dev_get_by_index() */
export function devGetByIndex(net: Net, ifindex: number): NetDevice | undefined {
  return net.devByIndex.get(ifindex);
}


/** net/core/dev.c: dev_valid_name() */
export function devValidName(name: string): boolean {
  if (name === "") return false;
  if (utf8Length(name) >= IFNAMSIZ) return false;
  if (name === "." || name === "..") return false;
  return !/[/:\s]/.test(name);
}

/** net/core/dev.c: __dev_alloc_name(): the lowest free unit for a "%d" pattern */
function devAllocNameNs(net: Net, pattern: string): string | KErr {
  const p = pattern.indexOf("%");
  if (p < 0 || pattern[p + 1] !== "d" || pattern.indexOf("%", p + 1) >= 0) return kerr("EINVAL");
  const pre = pattern.slice(0, p);
  const post = pattern.slice(p + 2);
  for (let i = 0; i < 32768; i++) {
    const name = pre + i + post;
    if (utf8Length(name) >= IFNAMSIZ) return kerr("EINVAL");
    if (!net.devByName.has(name)) return name;
  }
  return kerr("ENFILE");
}

/** net/core/dev.c: dev_get_valid_name() */
export function devGetValidName(net: Net, name: string): string | KErr {
  if (!devValidName(name)) return kerr("EINVAL");
  if (name.includes("%")) return devAllocNameNs(net, name);
  if (net.devByName.has(name)) return kerr("EEXIST");
  return name;
}

/** net/core/dev.c: dev_index_reserve(): an explicit index must be free; 0 picks the next one
 * cyclically from net->ifindex (xa_alloc_cyclic over 1..INT_MAX) */
export function devIndexReserve(net: Net, ifindex: number): number | KErr {
  if (ifindex > 0x7fffffff || ifindex < 0) return kerr("EINVAL");
  if (ifindex) {
    if (net.devByIndex.has(ifindex)) return kerr("EBUSY");
    return ifindex;
  }
  let i = Math.max(1, net.ifindex);
  for (let n = 0; n < 0x7fffffff; n++, i = i >= 0x7fffffff ? 1 : i + 1) {
    if (!net.devByIndex.has(i)) {
      net.ifindex = i + 1;
      return i;
    }
  }
  return kerr("ENOSPC");
}

function listNetdevice(net: Net, dev: NetDevice): void {
  dev.net = net;
  net.devByName.set(dev.name, dev);
  // (the name hash holds every name node: altnames find the device as its name does)
  if (dev.altnames) for (const a of dev.altnames) net.devByName.set(a, dev);
  net.devByIndex.set(dev.ifindex, dev);
  net.devBaseSeq++;
}

function unlistNetdevice(dev: NetDevice): void {
  const net = dev.net;
  net.devByName.delete(dev.name);
  if (dev.altnames) for (const a of dev.altnames) net.devByName.delete(a);
  net.devByIndex.delete(dev.ifindex);
  net.devBaseSeq++;
}

/** net/core/dev.c: netdev_name_node_alt_create(): EEXIST when any device of the namespace has
 * the name, as its name or an altname */
export function devAltnameCreate(dev: NetDevice, name: string): KErr | undefined {
  const net = dev.net;
  if (net.devByName.has(name)) return kerr("EEXIST");
  (dev.altnames ??= []).push(name);
  net.devByName.set(name, dev);
  return undefined;
}

/** net/core/dev.c: netdev_name_node_alt_destroy(): ENOENT for a name nobody has, EINVAL for the
 * device's own name or another device's */
export function devAltnameDestroy(dev: NetDevice, name: string): KErr | undefined {
  const net = dev.net;
  const owner = net.devByName.get(name);
  if (!owner) return kerr("ENOENT");
  if (owner !== dev || name === dev.name) return kerr("EINVAL");
  dev.altnames = dev.altnames!.filter((a) => a !== name);
  if (dev.altnames.length === 0) dev.altnames = undefined;
  net.devByName.delete(name);
  return undefined;
}

/** core state of a device that struct net_device keeps but NetDevice does not expose */
interface DevCore {
  registered: boolean;
  uppers: NetDevice[];
  lowers: NetDevice[];
  /** the device is on the link watch's lweventlist (!list_empty(&dev->link_watch_list)) */
  lwListed: boolean;
}
function devCore(dev: NetDevice): DevCore {
  let c = dev.core as DevCore | undefined;
  if (!c) dev.core = c = { registered: false, uppers: [], lowers: [], lwListed: false };
  return c;
}

export function devIsRegistered(dev: NetDevice): boolean {
  return (dev.core as DevCore | undefined)?.registered ?? false;
}

// --------------------------------------------------------------------- register / unregister

/** net/core/dev.c: register_netdevice() */
export function registerNetdevice(net: Net, dev: NetDevice): KErr | undefined {
  const name = devGetValidName(net, dev.name);
  if (typeof name !== "string") return name;
  dev.name = name;
  const idx = devIndexReserve(net, dev.ifindex);
  if (typeof idx !== "number") return idx;
  dev.ifindex = idx;
  listNetdevice(net, dev);
  devCore(dev).registered = true;
  dev.dismantle = false;
  /* linkwatch_init_dev(): pre-registration link state */
  linkwatchInitDev(dev);
  callNetdeviceNotifiers(NETDEV_POST_INIT, dev);
  const ret = callNetdeviceNotifiers(NETDEV_REGISTER, dev);
  if (notifierRefused(ret)) {
    rollbackRegistered(dev);
    return kerr("EINVAL");
  }
  /* a device rtnl_newlink() creates announces itself in rtnl_configure_link() */
  if (!rtnlLinkInitializing(dev)) rtmsgIfinfo("RTM_NEWLINK", dev);
  return undefined;
}

function rollbackRegistered(dev: NetDevice): void {
  if (dev.isUp()) devClose(dev);
  dev.dismantle = true;
  callNetdeviceNotifiers(NETDEV_UNREGISTER, dev);
  dev.ops.uninit?.(dev);
  unlistNetdevice(dev);
  devCore(dev).registered = false;
}

/** the list_kill of a batch (rtnl_delete_link()): devices queued for unregister_netdevice_many() */
let unregisterQueue: NetDevice[] | undefined;

/** net/core/dev.c: unregister_netdevice_queue() — at once, or queued on the current batch */
export function unregisterNetdevice(dev: NetDevice): void {
  if (unregisterQueue) {
    if (!unregisterQueue.includes(dev)) unregisterQueue.push(dev);
    return;
  }
  unregisterNetdeviceMany([dev]);
}

/** run `fn` (a driver's dellink) with its unregister_netdevice_queue() calls collected, then
 * unregister_netdevice_many() them: the caller's batch if one is open */
export function unregisterNetdeviceBatch(fn: () => void): void {
  if (unregisterQueue) {
    fn();
    return;
  }
  unregisterQueue = [];
  let q: NetDevice[];
  try {
    fn();
  } finally {
    q = unregisterQueue;
    unregisterQueue = undefined;
  }
  unregisterNetdeviceMany(q);
}

/** net/core/dev.c: unregister_netdevice_many() — dev_close_many() of them all, then each torn down */
function unregisterNetdeviceMany(list: NetDevice[]): void {
  const devs = list.filter(devIsRegistered);
  for (const dev of devs) if (dev.isUp()) devClose(dev);
  for (const dev of devs) unregisterOne(dev);
}

function unregisterOne(dev: NetDevice): void {
  if (!devIsRegistered(dev)) return;
  if (dev.isUp()) devClose(dev);
  dev.dismantle = true;
  /* a master's ports are released first (netdev_upper_dev_unlink through ndo_del_slave) */
  for (const lower of devCore(dev).lowers.slice()) {
    if (dev.ops.delSlave) dev.ops.delSlave(dev, lower);
    else netdevUpperDevUnlink(lower, dev);
  }
  if (dev.master) {
    const m = dev.master;
    if (m.ops.delSlave) m.ops.delSlave(m, dev);
    else netdevUpperDevUnlink(dev, m);
  }
  linkwatchForgetDev(dev);
  /* Shutdown queueing discipline. */
  devShutdown(dev);
  /* Notify protocols, that we are about to destroy this device. They should clean all the
   * things (the addresses' RTM_DELADDR come before the link's RTM_DELLINK). */
  callNetdeviceNotifiers(NETDEV_UNREGISTER, dev);
  if (!rtnlLinkInitializing(dev)) rtmsgIfinfo("RTM_DELLINK", dev);
  dev.ops.uninit?.(dev);
  unlistNetdevice(dev);
  devCore(dev).registered = false;
}

// ------------------------------------------------------------------------------ open/close

/**
 * The tx queue's qdisc pair: `dev.qdisc` is the root qdisc (txq->qdisc_sleeping, what `ip link`
 * shows); `dev.txActive` says whether txq->qdisc points at it (dev_activate() with carrier) or
 * at noop_qdisc (never opened, deactivated, or opened without carrier), which drops.
 */

/** include/net/sch_generic.h: qdisc_tx_changing() — txq->qdisc != txq->qdisc_sleeping */
export function qdiscTxChanging(dev: NetDevice): boolean {
  return dev.qdisc !== "noop" && !dev.txActive;
}

/** net/sched/sch_generic.c: dev_activate() — the first open attaches the default qdisc;
 * the queues switch to it only with carrier ("delay activation until next carrier-on event") */
function devActivate(dev: NetDevice): void {
  if (dev.qdisc === "noop") {
    dev.qdisc = dev.privFlags & IFF_NO_QUEUE || dev.txQueueLen === 0 ? "noqueue" : DEFAULT_QDISC;
  }
  if (!dev.carrier) return;
  dev.txActive = true;
}

/** net/sched/sch_generic.c: dev_deactivate() — the queues go back to noop_qdisc */
function devDeactivate(dev: NetDevice): void {
  dev.txActive = false;
}

/** net/sched/sch_generic.c: dev_shutdown() — the root qdisc goes back to noop */
function devShutdown(dev: NetDevice): void {
  dev.txActive = false;
  dev.qdisc = "noop";
}

/** net/core/dev.c: __dev_open() */
function __devOpen(dev: NetDevice): KErr | undefined {
  if (!devIsRegistered(dev)) return kerr("ENODEV");
  const ret = callNetdeviceNotifiers(NETDEV_PRE_UP, dev);
  if (notifierRefused(ret)) return kerr("EPERM");
  dev.flags |= IFF_UP;
  const err = dev.ops.open?.(dev);
  if (err) {
    dev.flags &= ~IFF_UP;
    return err;
  }
  devActivate(dev);
  return undefined;
}

/** net/core/dev.c: dev_open() */
export function devOpen(dev: NetDevice): KErr | undefined {
  if (dev.isUp()) return undefined;
  const err = __devOpen(dev);
  if (err) return err;
  rtmsgIfinfo("RTM_NEWLINK", dev, IFF_UP | IFF_RUNNING);
  callNetdeviceNotifiers(NETDEV_UP, dev);
  return undefined;
}

/** net/core/dev.c: __dev_close() */
function __devClose(dev: NetDevice): void {
  if (!dev.isUp()) return;
  callNetdeviceNotifiers(NETDEV_GOING_DOWN, dev);
  devDeactivate(dev);
  dev.flags &= ~IFF_UP;
  dev.ops.stop?.(dev);
}

/** net/core/dev.c: dev_close() */
export function devClose(dev: NetDevice): void {
  if (!dev.isUp()) return;
  __devClose(dev);
  rtmsgIfinfo("RTM_NEWLINK", dev, IFF_UP | IFF_RUNNING);
  callNetdeviceNotifiers(NETDEV_DOWN, dev);
}

// ----------------------------------------------------------------------------------- flags

/** net/core/dev.c: dev_get_flags() */
export function devGetFlags(dev: NetDevice): number {
  let flags = (dev.flags & ~(IFF_PROMISC | IFF_ALLMULTI | IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT)) |
    (dev.gflags & (IFF_PROMISC | IFF_ALLMULTI));
  if (dev.isUp()) {
    if (netifOperUp(dev)) flags |= IFF_RUNNING;
    if (dev.carrier) flags |= IFF_LOWER_UP;
    if (dev.dormant) flags |= IFF_DORMANT;
  }
  return flags >>> 0;
}

/** include/linux/netdevice.h: netif_oper_up() */
export function netifOperUp(dev: NetDevice): boolean {
  return dev.operstate === IF_OPER_UP || dev.operstate === IF_OPER_UNKNOWN;
}

/** include/linux/netdevice.h: netif_running() */
export function netifRunning(dev: NetDevice): boolean {
  return dev.isUp();
}

/** net/core/dev.c: dev_change_rx_flags() */
function devChangeRxFlags(dev: NetDevice, flags: number): void {
  dev.ops.changeRxFlags?.(dev, flags);
}

/** net/core/dev.c: __dev_set_promiscuity() */
function __devSetPromiscuity(dev: NetDevice, inc: number, notify: boolean): KErr | undefined {
  const oldFlags = dev.flags;
  dev.flags |= IFF_PROMISC;
  dev.promiscuity += inc;
  if (dev.promiscuity === 0) {
    if (inc < 0) dev.flags &= ~IFF_PROMISC;
    else {
      dev.promiscuity -= inc;
      dmesg(dev, "promiscuity touches roof, set promiscuity failed. promiscuity feature of device might be broken.");
      return kerr("EOVERFLOW");
    }
  }
  if (dev.flags !== oldFlags) {
    dmesg(dev, `${dev.flags & IFF_PROMISC ? "entered" : "left"} promiscuous mode`);
    devChangeRxFlags(dev, IFF_PROMISC);
  }
  if (notify) __devNotifyFlags(dev, oldFlags, IFF_PROMISC);
  return undefined;
}

/** net/core/dev.c: dev_set_promiscuity() */
export function devSetPromiscuity(dev: NetDevice, inc: number): KErr | undefined {
  return __devSetPromiscuity(dev, inc, true);
}

/** net/core/dev.c: __dev_set_allmulti() */
function __devSetAllmulti(dev: NetDevice, inc: number, notify: boolean): KErr | undefined {
  const oldFlags = dev.flags;
  const oldGflags = dev.gflags;
  dev.flags |= IFF_ALLMULTI;
  const allmulti = dev.allmulti + inc;
  if (allmulti === 0) {
    if (inc < 0) dev.flags &= ~IFF_ALLMULTI;
    else {
      dmesg(dev, "allmulti touches roof, set allmulti failed. allmulti feature of device might be broken.");
      return kerr("EOVERFLOW");
    }
  }
  dev.allmulti = allmulti;
  if (dev.flags !== oldFlags) {
    dmesg(dev, `${allmulti ? "entered" : "left"} allmulticast mode`);
    devChangeRxFlags(dev, IFF_ALLMULTI);
    if (notify) __devNotifyFlags(dev, oldFlags, dev.gflags ^ oldGflags);
  }
  return undefined;
}

/** net/core/dev.c: dev_set_allmulti() */
export function devSetAllmulti(dev: NetDevice, inc: number): KErr | undefined {
  return __devSetAllmulti(dev, inc, true);
}

/** net/core/dev.c: __dev_change_flags() */
function __devChangeFlags(dev: NetDevice, flags: number): KErr | undefined {
  const oldFlags = dev.flags;
  dev.flags = (flags & (IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_DYNAMIC | IFF_MULTICAST | IFF_PORTSEL | IFF_AUTOMEDIA)) |
    (dev.flags & (IFF_UP | IFF_VOLATILE | IFF_PROMISC | IFF_ALLMULTI));
  if ((oldFlags ^ flags) & IFF_MULTICAST) devChangeRxFlags(dev, IFF_MULTICAST);
  let ret: KErr | undefined;
  if ((oldFlags ^ flags) & IFF_UP) {
    if (oldFlags & IFF_UP) __devClose(dev);
    else ret = __devOpen(dev);
  }
  if ((flags ^ dev.gflags) & IFF_PROMISC) {
    const inc = flags & IFF_PROMISC ? 1 : -1;
    dev.gflags ^= IFF_PROMISC;
    __devSetPromiscuity(dev, inc, false);
  }
  /* NOTE: order of synchronization of IFF_PROMISC and IFF_ALLMULTI is important (see dev.c) */
  if ((flags ^ dev.gflags) & IFF_ALLMULTI) {
    const inc = flags & IFF_ALLMULTI ? 1 : -1;
    dev.gflags ^= IFF_ALLMULTI;
    __devSetAllmulti(dev, inc, false);
  }
  return ret;
}

/** net/core/dev.c: __dev_notify_flags() */
function __devNotifyFlags(dev: NetDevice, oldFlags: number, gchanges: number): void {
  const changes = dev.flags ^ oldFlags;
  if (gchanges) rtmsgIfinfo("RTM_NEWLINK", dev, gchanges);
  if (changes & IFF_UP) {
    if (dev.flags & IFF_UP) callNetdeviceNotifiers(NETDEV_UP, dev);
    else callNetdeviceNotifiers(NETDEV_DOWN, dev);
  }
  if (dev.flags & IFF_UP && changes & ~(IFF_UP | IFF_PROMISC | IFF_ALLMULTI | IFF_VOLATILE)) {
    callNetdeviceNotifiers(NETDEV_CHANGE, dev, { flagsChanged: changes });
  }
}

/** net/core/dev.c: dev_change_flags() */
export function devChangeFlags(dev: NetDevice, flags: number): KErr | undefined {
  const oldFlags = dev.flags;
  const ret = __devChangeFlags(dev, flags);
  if (ret) return ret;
  const changes = (oldFlags ^ dev.flags) | ((flags ^ dev.gflags) & (IFF_PROMISC | IFF_ALLMULTI));
  __devNotifyFlags(dev, oldFlags, changes);
  return undefined;
}

// ------------------------------------------------------------------- carrier and operstate

/** net/core/link_watch.c: default_operstate() (6.18: LOWERLAYERDOWN only when the lower
 * device is in the same namespace and has no carrier either) */
function defaultOperstate(dev: NetDevice): number {
  if (dev.operstate === IF_OPER_TESTING && dev.linkmode === IF_LINK_MODE_TESTING) return IF_OPER_TESTING;
  if (!dev.carrier) {
    const iflink = devGetIflink(dev);
    if (iflink === dev.ifindex) return IF_OPER_DOWN;
    const peer = devGetByIndex(dev.net, iflink);
    if (!peer) return IF_OPER_DOWN;
    return peer.carrier ? IF_OPER_DOWN : IF_OPER_LOWERLAYERDOWN;
  }
  if (dev.dormant) return IF_OPER_DORMANT;
  return IF_OPER_UP;
}

/** net/core/link_watch.c: rfc2863_policy() */
function rfc2863Policy(dev: NetDevice): void {
  let operstate = defaultOperstate(dev);
  if (operstate === dev.operstate) return;
  if (dev.linkmode === IF_LINK_MODE_TESTING && operstate === IF_OPER_UP) operstate = IF_OPER_TESTING;
  if (dev.linkmode === IF_LINK_MODE_DORMANT && operstate === IF_OPER_UP) operstate = IF_OPER_DORMANT;
  dev.operstate = operstate;
}

/** net/core/link_watch.c: linkwatch_init_dev() */
export function linkwatchInitDev(dev: NetDevice): void {
  if (!dev.carrier || dev.dormant) rfc2863Policy(dev);
}

/** net/core/link_watch.c: linkwatch_do_dev() */
function linkwatchDoDev(dev: NetDevice): void {
  /* We are about to handle this device, so new events can be accepted */
  lwPending.delete(dev);
  rfc2863Policy(dev);
  if (dev.flags & IFF_UP) {
    if (dev.carrier) devActivate(dev);
    else devDeactivate(dev);
    netdevStateChange(dev);
  }
}

/**
 * The link watch of one kernel (all hosts of a world share it, as all namespaces of a machine
 * share Linux's): lweventlist, LW_URGENT, linkwatch_nextevent and the delayed work
 * linkwatch_work, a timer on the world's scheduler. Linux runs the work from a kworker that
 * waits for RTNL; here the work runs when its timer fires or, when it is already due, as soon
 * as the system call that holds "RTNL" returns (linkwatchRunPending).
 */
interface LinkWatch {
  sched: Scheduler;
  /** lweventlist */
  list: NetDevice[];
  /** LW_URGENT in linkwatch_flags */
  urgent: boolean;
  /** linkwatch_nextevent (µs): at most one non-urgent run per second */
  nextevent: Micros;
  /** linkwatch_work */
  work: Timer;
}
const linkwatches = new WeakMap<Scheduler, LinkWatch>();
/** __LINK_STATE_LINKWATCH_PENDING */
const lwPending = new WeakSet<NetDevice>();

function linkwatchOf(sched: Scheduler): LinkWatch {
  let lw = linkwatches.get(sched);
  if (!lw) {
    const w: LinkWatch = {
      sched,
      list: [],
      urgent: false,
      /* the machine booted long ago: the first event may run at once */
      nextevent: sched.now - 2 * USEC_PER_SEC,
      work: sched.timer(() => linkwatchEvent(w), "linkwatch"),
    };
    linkwatches.set(sched, (lw = w));
  }
  return lw;
}

function devSched(dev: NetDevice): Scheduler | undefined {
  return dev.net?.host?.world?.sched;
}

/** net/core/link_watch.c: linkwatch_urgent_event() */
function linkwatchUrgentEvent(dev: NetDevice): boolean {
  if (!netifRunning(dev)) return false;
  if (dev.ifindex !== devGetIflink(dev)) return true;
  /* netif_is_lag_port() / netif_is_lag_master(): no bonding or team here */
  return dev.carrier && qdiscTxChanging(dev);
}

/** net/core/link_watch.c: linkwatch_add_event() */
function linkwatchAddEvent(lw: LinkWatch, dev: NetDevice): void {
  // list_empty(&dev->link_watch_list): a flag on the device, not a search of the list (which
  // holds every device of the world with an event not yet run: thousands, when a script makes
  // veths faster than the once-a-second work takes them)
  const c = devCore(dev);
  if (c.lwListed) return;
  c.lwListed = true;
  lw.list.push(dev);
}

/** list_del_init(&dev->link_watch_list) of a device found on it */
function linkwatchUnlist(lw: LinkWatch, dev: NetDevice): boolean {
  const c = dev.core as DevCore | undefined;
  if (!c?.lwListed) return false;
  c.lwListed = false;
  const i = lw.list.indexOf(dev);
  if (i < 0) return false;
  lw.list.splice(i, 1);
  return true;
}

/** net/core/link_watch.c: linkwatch_schedule_work() */
function linkwatchScheduleWork(lw: LinkWatch, urgent: boolean): void {
  const now = lw.sched.now;
  /* unsigned long delay = linkwatch_nextevent - jiffies: a past nextevent wraps to huge */
  let delay = lw.nextevent - now;
  if (lw.urgent) return;
  /* Minimise down-time: drop delay for up event. */
  if (urgent) {
    lw.urgent = true;
    delay = 0;
  }
  /* If we wrap around we'll delay it by at most HZ. */
  if (delay < 0 || delay > USEC_PER_SEC) delay = 0;
  /* If urgent, schedule immediate execution; otherwise, don't override the existing timer. */
  if (lw.urgent) lw.work.mod(now);
  else if (!lw.work.pending) lw.work.mod(now + delay);
}

/** net/core/link_watch.c: __linkwatch_run_queue() */
function __linkwatchRunQueue(lw: LinkWatch, urgentOnly: boolean): void {
  const MAX_DO_DEV_PER_LOOP = 100;
  let doDev = MAX_DO_DEV_PER_LOOP;
  /* Give urgent case more budget */
  if (urgentOnly) doDev += MAX_DO_DEV_PER_LOOP;
  const now = lw.sched.now;
  /* Limit the number of linkwatch events to one per second so that a runaway driver does
   * not cause a storm of messages on the netlink socket. This limit does not apply to up
   * events while the device qdisc is down. */
  if (!urgentOnly) lw.nextevent = now + USEC_PER_SEC;
  /* Limit wrap-around effect on delay. */
  else if (lw.nextevent > now + USEC_PER_SEC) lw.nextevent = now;
  lw.urgent = false;
  const wrk = lw.list;
  lw.list = [];
  let i = 0;
  while (i < wrk.length && doDev > 0) {
    const dev = wrk[i++]!;
    if (!devIsRegistered(dev) || (urgentOnly && !linkwatchUrgentEvent(dev))) {
      lw.list.push(dev);
      continue;
    }
    (dev.core as DevCore).lwListed = false;
    linkwatchDoDev(dev);
    doDev--;
  }
  /* Add the remaining work back to lweventlist */
  for (; i < wrk.length; i++) lw.list.push(wrk[i]!);
  if (lw.list.length) linkwatchScheduleWork(lw, false);
}

/** net/core/link_watch.c: linkwatch_event() — the work item, under RTNL */
function linkwatchEvent(lw: LinkWatch): void {
  lw.work.cancel();
  __linkwatchRunQueue(lw, lw.nextevent > lw.sched.now);
}

/** net/core/link_watch.c: linkwatch_fire_event() */
export function linkwatchFireEvent(dev: NetDevice): void {
  const sched = devSched(dev);
  if (!sched) return;
  const lw = linkwatchOf(sched);
  const urgent = linkwatchUrgentEvent(dev);
  if (!lwPending.has(dev)) {
    lwPending.add(dev);
    linkwatchAddEvent(lw, dev);
  } else if (!urgent) return;
  linkwatchScheduleWork(lw, urgent);
}

/**
 * The kworker running linkwatch_event() waits for RTNL: when a system call that may have
 * fired events returns, work that is due by now runs before the process goes on (the next
 * command of a script sees it done). Work delayed to linkwatch_nextevent waits for its time.
 */
export function linkwatchRunPending(net: Net): void {
  const sched = net.host?.world?.sched;
  if (!sched) return;
  const lw = linkwatches.get(sched);
  if (lw?.work.pending && lw.work.when <= sched.now) linkwatchEvent(lw);
}

/** net/core/link_watch.c: linkwatch_run_queue() — run everything now (unregister paths) */
export function linkwatchRunQueue(net?: Net): void {
  const sched = net?.host?.world?.sched;
  if (!sched) return;
  const lw = linkwatches.get(sched);
  if (lw) __linkwatchRunQueue(lw, false);
}

/** net/core/link_watch.c: linkwatch_sync_dev() */
export function linkwatchSyncDev(dev: NetDevice): void {
  const sched = devSched(dev);
  const lw = sched && linkwatches.get(sched);
  if (!lw || !linkwatchUnlist(lw, dev)) return;
  linkwatchDoDev(dev);
}

/** net/core/link_watch.c: linkwatch_forget_dev() */
function linkwatchForgetDev(dev: NetDevice): void {
  const sched = devSched(dev);
  const lw = sched && linkwatches.get(sched);
  if (!lw || !linkwatchUnlist(lw, dev)) return;
  lwPending.delete(dev);
  rfc2863Policy(dev);
}

/** net/core/dev.c: netdev_state_change() */
export function netdevStateChange(dev: NetDevice): void {
  if (dev.flags & IFF_UP) {
    callNetdeviceNotifiers(NETDEV_CHANGE, dev, { flagsChanged: 0 });
    rtmsgIfinfo("RTM_NEWLINK", dev, 0);
  }
}

/** net/sched/sch_generic.c: netif_carrier_on() */
export function netifCarrierOn(dev: NetDevice): void {
  if (dev.carrier) return;
  dev.carrier = true;
  if (!devIsRegistered(dev)) return;
  dev.carrierUpCount++;
  linkwatchFireEvent(dev);
}

/** net/sched/sch_generic.c: netif_carrier_off() */
export function netifCarrierOff(dev: NetDevice): void {
  if (!dev.carrier) return;
  dev.carrier = false;
  if (!devIsRegistered(dev)) return;
  dev.carrierDownCount++;
  linkwatchFireEvent(dev);
}

/** include/linux/netdevice.h: netif_dormant_on()/off() */
export function netifDormant(dev: NetDevice, on: boolean): void {
  if (dev.dormant === on) return;
  dev.dormant = on;
  linkwatchFireEvent(dev);
}

/** net/core/dev.c: dev_get_iflink() */
export function devGetIflink(dev: NetDevice): number {
  return dev.ops.getIflink ? dev.ops.getIflink(dev) : dev.ifindex;
}

// ------------------------------------------------------------------------ mtu, mac, qlen

/** net/core/dev.c: dev_validate_mtu() */
export function devValidateMtu(dev: NetDevice, mtu: number): KErr | undefined {
  if (mtu < 0 || mtu < dev.minMtu) return kerr("EINVAL", "mtu less than device minimum");
  if (dev.maxMtu > 0 && mtu > dev.maxMtu) return kerr("EINVAL", "mtu greater than device maximum");
  return undefined;
}

/** net/core/dev.c: dev_set_mtu_ext() */
export function devSetMtu(dev: NetDevice, mtu: number): KErr | undefined {
  if (mtu === dev.mtu) return undefined;
  const e = devValidateMtu(dev, mtu);
  if (e) return e;
  const pre = callNetdeviceNotifiers(NETDEV_PRECHANGEMTU, dev, { prevMtu: dev.mtu });
  if (notifierRefused(pre)) return kerr("EINVAL");
  const orig = dev.mtu;
  if (dev.ops.changeMtu) {
    const err = dev.ops.changeMtu(dev, mtu);
    if (err) return err;
  } else dev.mtu = mtu;
  const ret = callNetdeviceNotifiers(NETDEV_CHANGEMTU, dev, { prevMtu: orig });
  if (notifierRefused(ret)) {
    /* setting mtu back and notifying everyone again, so that they have a chance to revert */
    if (dev.ops.changeMtu) dev.ops.changeMtu(dev, orig);
    else dev.mtu = orig;
    callNetdeviceNotifiers(NETDEV_CHANGEMTU, dev, { prevMtu: mtu });
    return kerr("EINVAL");
  }
  return undefined;
}

/** net/ethernet/eth.c: is_valid_ether_addr() */
export function isValidEtherAddr(a: Uint8Array): boolean {
  return (a[0]! & 1) === 0 && a.some((b) => b !== 0);
}

/** the IFLA_ADDRESS check each Ethernet kind's validate() makes (veth, dummy, macvlan, gretap,
 * bridge): six bytes (else EINVAL) of a unicast, non-zero address (else EADDRNOTAVAIL) */
export function validateEtherAddrAttr(a: Uint8Array | undefined): KErr | undefined {
  if (!a) return undefined;
  if (a.length !== 6) return kerr("EINVAL");
  if (!isValidEtherAddr(a)) return kerr("EADDRNOTAVAIL");
  return undefined;
}

/** net/ethernet/eth.c: eth_mac_addr() (eth_prepare_mac_addr_change + eth_commit_mac_addr_change) */
export function ethMacAddr(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  if (!(dev.privFlags & IFF_LIVE_ADDR_CHANGE) && dev.isUp()) return kerr("EBUSY");
  if (!isValidEtherAddr(addr)) return kerr("EADDRNOTAVAIL");
  dev.devAddr = addr.slice();
  return undefined;
}

/** net/core/dev.c: dev_set_mac_address() */
export function devSetMacAddress(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  if (!dev.ops.setMacAddress) return kerr("EOPNOTSUPP");
  if (addr.length < dev.addrLen) return kerr("EINVAL");
  const a = addr.slice(0, dev.addrLen);
  const pre = callNetdeviceNotifiers(NETDEV_PRE_CHANGEADDR, dev);
  if (notifierRefused(pre)) return kerr("EINVAL");
  if (!sameAddr(dev.devAddr, a)) {
    const err = dev.ops.setMacAddress(dev, a);
    if (err) return err;
  }
  dev.addrAssignType = NET_ADDR_SET;
  callNetdeviceNotifiers(NETDEV_CHANGEADDR, dev);
  return undefined;
}

function sameAddr(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** net/core/dev.c: dev_change_tx_queue_len() */
export function devChangeTxQueueLen(dev: NetDevice, len: number): KErr | undefined {
  if (len !== (len >>> 0)) return kerr("ERANGE");
  if (len === dev.txQueueLen) return undefined;
  const orig = dev.txQueueLen;
  dev.txQueueLen = len;
  const ret = callNetdeviceNotifiers(NETDEV_CHANGE_TX_QUEUE_LEN, dev);
  if (notifierRefused(ret)) {
    dev.txQueueLen = orig;
    return kerr("EINVAL");
  }
  return undefined;
}

/** net/core/dev.c: dev_set_alias() */
export function devSetAlias(dev: NetDevice, alias: string): KErr | undefined {
  if (utf8Length(alias) >= 256) return kerr("EINVAL");
  dev.ifalias = alias === "" ? undefined : alias;
  return undefined;
}

/** net/core/dev.c: dev_set_group() */
export function devSetGroup(dev: NetDevice, group: number): void {
  dev.group = group >>> 0;
}

/** net/core/dev.c: dev_change_name() */
export function devChangeName(dev: NetDevice, newname: string): KErr | undefined {
  if (newname === dev.name) return undefined;
  const net = dev.net;
  const name = devGetValidName(net, newname);
  if (typeof name !== "string") return name;
  const oldname = dev.name;
  net.devByName.delete(oldname);
  dev.name = name;
  net.devByName.set(name, dev);
  net.devBaseSeq++;
  dmesg(dev, `renamed from ${oldname}${dev.flags & IFF_UP ? " (while UP)" : ""}`);
  const ret = callNetdeviceNotifiers(NETDEV_CHANGENAME, dev, { oldName: oldname });
  if (notifierRefused(ret)) {
    // rollback: the old name back, and every notifier told again
    net.devByName.delete(name);
    dev.name = oldname;
    net.devByName.set(oldname, dev);
    callNetdeviceNotifiers(NETDEV_CHANGENAME, dev, { oldName: name });
    return kerr("EINVAL");
  }
  return undefined;
}

/** net/core/dev.c: __dev_change_net_namespace() */
export function devChangeNetNamespace(dev: NetDevice, net: Net, pat?: string, newIfindex = 0): KErr | undefined {
  if (netnsLocal.has(dev) || dev === dev.net.loopbackDev) return kerr("EINVAL", "The interface netns is immutable");
  if (!devIsRegistered(dev)) return kerr("EINVAL");
  /* Get out if there is nothing todo */
  if (dev.net === net) return undefined;
  let name = dev.name;
  if (net.devByName.has(name)) {
    /* We get here if we can't use the current device name */
    if (!pat) return kerr("EEXIST", "An interface with the same name exists in the target netns");
    const n = devGetValidName(net, pat);
    if (typeof n !== "string") return { errno: n.errno, extack: `Unable to use '${pat}' for the new interface name in the target netns` };
    name = n;
  }
  /* Check that none of the altnames conflicts. */
  for (const a of dev.altnames ?? []) {
    if (net.devByName.has(a)) return kerr("EEXIST", `An interface with the altname ${a} exists in the target netns`);
  }
  if (newIfindex && net.devByIndex.has(newIfindex))
    return kerr("EBUSY", `The ifindex ${newIfindex} is not available in the target netns`);
  const oldNet = dev.net;
  /* If device is running close it first. */
  devClose(dev);
  /* And unlink it from device chain */
  unlistNetdevice(dev);
  /* Shutdown queueing discipline: the root qdisc goes back to noop until the next open */
  devShutdown(dev);
  dev.dismantle = true;
  /* Notify protocols, that we are about to destroy this device (a bridge releases its port) */
  callNetdeviceNotifiers(NETDEV_UNREGISTER, dev);
  if (dev.master) {
    const m = dev.master;
    if (m.ops.delSlave) m.ops.delSlave(m, dev);
    else netdevUpperDevUnlink(dev, m);
  }
  /* the id the old namespace gives the new one (IFLA_NEW_NETNSID of the RTM_DELLINK) */
  peernet2idAlloc(oldNet, net);
  rtmsgIfinfo("RTM_DELLINK", dev);
  if (!newIfindex) {
    if (net.devByIndex.has(dev.ifindex)) {
      const i = devIndexReserve(net, 0);
      if (typeof i !== "number") return i;
      newIfindex = i;
    } else newIfindex = dev.ifindex;
  }
  dev.name = name;
  dev.ifindex = newIfindex;
  listNetdevice(net, dev);
  dev.dismantle = false;
  callNetdeviceNotifiers(NETDEV_REGISTER, dev);
  rtmsgIfinfo("RTM_NEWLINK", dev);
  return undefined;
}

const netnsLocal = new WeakSet<NetDevice>();
/** NETIF_F_NETNS_LOCAL / dev->netns_immutable: the device may not change namespace */
export function setNetnsLocal(dev: NetDevice): void {
  netnsLocal.add(dev);
}

// -------------------------------------------------------------------- upper/lower, rx handler

/** net/core/dev.c: netdev_master_upper_dev_link() */
export function netdevMasterUpperDevLink(dev: NetDevice, upper: NetDevice): KErr | undefined {
  if (dev === upper) return kerr("EBUSY");
  if (dev.master) return kerr("EBUSY");
  /* no loops: upper must not be below dev */
  for (let u: NetDevice | undefined = upper; u; u = u.master) if (u === dev) return kerr("EBUSY");
  const pre = callNetdeviceNotifiers(NETDEV_PRECHANGEUPPER, dev, { upperDev: upper, linking: true });
  if (notifierRefused(pre)) return kerr("EBUSY");
  dev.master = upper;
  devCore(dev).uppers.push(upper);
  devCore(upper).lowers.push(dev);
  callNetdeviceNotifiers(NETDEV_CHANGEUPPER, dev, { upperDev: upper, linking: true });
  return undefined;
}

/** net/core/dev.c: netdev_upper_dev_unlink() */
export function netdevUpperDevUnlink(dev: NetDevice, upper: NetDevice): void {
  callNetdeviceNotifiers(NETDEV_PRECHANGEUPPER, dev, { upperDev: upper, linking: false });
  if (dev.master === upper) dev.master = undefined;
  const u = devCore(dev).uppers;
  if (u.includes(upper)) u.splice(u.indexOf(upper), 1);
  const l = devCore(upper).lowers;
  if (l.includes(dev)) l.splice(l.indexOf(dev), 1);
  callNetdeviceNotifiers(NETDEV_CHANGEUPPER, dev, { upperDev: upper, linking: false });
}

/** the devices enslaved to `dev` (netdev_for_each_lower_dev) */
export function netdevLowerDevs(dev: NetDevice): NetDevice[] {
  return devCore(dev).lowers.slice();
}

/** net/core/dev.c: netdev_rx_handler_register() */
export function netdevRxHandlerRegister(dev: NetDevice, handler: RxHandler, data: unknown): KErr | undefined {
  if (dev.rxHandler) return kerr("EBUSY");
  dev.rxHandlerData = data;
  dev.rxHandler = handler;
  return undefined;
}

/** net/core/dev.c: netdev_rx_handler_unregister() */
export function netdevRxHandlerUnregister(dev: NetDevice): void {
  dev.rxHandler = undefined;
  dev.rxHandlerData = undefined;
}

