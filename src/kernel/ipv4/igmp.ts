/**
 * net/ipv4/igmp.c, the part a box at its defaults shows: each in_device's multicast group
 * list (struct ip_mc_list), ip_mc_up()/ip_mc_down() joining 224.0.0.1 (IGMP_ALL_HOSTS) when a
 * device goes up, ip_mc_inc_group()/ip_mc_dec_group() for other joiners (the bridge's
 * snooper group 224.0.0.106), the device filter (ip_mc_filter_add -> dev_mc_add of
 * 01:00:5e:xx:xx:xx) and /proc/net/igmp.
 *
 * Not modelled: IGMP packets (reports for groups other than 224.0.0.1, queries), source
 * filters, sockets joining groups (IP_ADD_MEMBERSHIP).
 */
import type { NetDevice } from "../core/netdevice.ts";
import type { Net } from "../core/net_namespace.ts";
import {
  registerNetdeviceNotifier, NETDEV_REGISTER, NETDEV_UNREGISTER, NETDEV_UP, NETDEV_DOWN, NOTIFY_DONE,
} from "../core/notifier.ts";
import { devMcAdd, devMcDel } from "../core/dev_addr_lists.ts";
import { registerProcNet } from "../core/procfs.ts";
import { ARPHRD_ETHER } from "../uapi/if.ts";

/** include/linux/igmp.h: IGMP_ALL_HOSTS (224.0.0.1), host order */
export const IGMP_ALL_HOSTS = 0xe0000001;
/** INADDR_ALLSNOOPERS_GROUP (224.0.0.106) */
export const INADDR_ALLSNOOPERS_GROUP = 0xe000006a;

/** struct ip_mc_list, reduced */
export interface IpMcList {
  /** host order */
  multiaddr: number;
  users: number;
  loaded: boolean;
  tmRunning: boolean;
  reporter: number;
}

/** the IGMP half of struct in_device */
interface InDevMc {
  dev: NetDevice;
  /** newest first (in_dev->mc_list) */
  mcList: IpMcList[];
  dead: boolean;
}

/** keyed by the in_device object (dev.ipPtr): a new in_device starts with an empty list */
const mcState = new WeakMap<object, InDevMc>();

function inDev(dev: NetDevice): InDevMc | undefined {
  const ip = dev.ipPtr as object | undefined;
  if (!ip) return undefined;
  let s = mcState.get(ip);
  if (!s) mcState.set(ip, (s = { dev, mcList: [], dead: false }));
  return s;
}

/** net/ipv4/arp.c: arp_mc_map() for dir 0 / include/net/ip.h: ip_eth_mc_map() */
export function arpMcMap(addr: number, dev: NetDevice): Uint8Array | undefined {
  if (dev.type !== ARPHRD_ETHER) return undefined; // (FDDI, IEEE802 alike; others -EINVAL)
  return Uint8Array.of(0x01, 0x00, 0x5e, (addr >>> 16) & 0x7f, (addr >>> 8) & 0xff, addr & 0xff);
}

/** net/ipv4/igmp.c: ip_mc_filter_add() */
function ipMcFilterAdd(s: InDevMc, addr: number): void {
  const buf = arpMcMap(addr, s.dev);
  if (buf) devMcAdd(s.dev, buf);
}

/** net/ipv4/igmp.c: ip_mc_filter_del() */
function ipMcFilterDel(s: InDevMc, addr: number): void {
  const buf = arpMcMap(addr, s.dev);
  if (buf) devMcDel(s.dev, buf);
}

/** net/ipv4/igmp.c: igmp_group_added() (reports are not sent) */
function igmpGroupAdded(s: InDevMc, im: IpMcList): void {
  if (!im.loaded) {
    im.loaded = true;
    ipMcFilterAdd(s, im.multiaddr);
  }
}

/** net/ipv4/igmp.c: igmp_group_dropped() */
function igmpGroupDropped(s: InDevMc, im: IpMcList): void {
  if (im.loaded) {
    im.loaded = false;
    ipMcFilterDel(s, im.multiaddr);
  }
}

/** net/ipv4/igmp.c: ip_mc_inc_group() / ____ip_mc_inc_group() */
export function ipMcIncGroup(dev: NetDevice, addr: number): void {
  const s = inDev(dev);
  if (!s || s.dead) return;
  addr >>>= 0;
  const found = s.mcList.find((im) => im.multiaddr === addr);
  if (found) {
    found.users++;
    return;
  }
  const im: IpMcList = { multiaddr: addr, users: 1, loaded: false, tmRunning: false, reporter: 0 };
  s.mcList.unshift(im);
  igmpGroupAdded(s, im);
}

/** net/ipv4/igmp.c: __ip_mc_dec_group() */
export function ipMcDecGroup(dev: NetDevice, addr: number): void {
  const s = inDev(dev);
  if (!s) return;
  addr >>>= 0;
  const i = s.mcList.findIndex((im) => im.multiaddr === addr);
  if (i < 0) return;
  const im = s.mcList[i]!;
  if (--im.users) return;
  s.mcList.splice(i, 1);
  igmpGroupDropped(s, im);
}

/** net/ipv4/igmp.c: ip_mc_up() — the device went up: join all-hosts, reload the filter */
export function ipMcUp(dev: NetDevice): void {
  const s = inDev(dev);
  if (!s) return;
  ipMcIncGroup(dev, IGMP_ALL_HOSTS);
  for (const im of s.mcList) igmpGroupAdded(s, im);
}

/** net/ipv4/igmp.c: ip_mc_down() — the device went down: unload the filter, leave all-hosts */
export function ipMcDown(dev: NetDevice): void {
  const s = inDev(dev);
  if (!s) return;
  for (const im of s.mcList) igmpGroupDropped(s, im);
  ipMcDecGroup(dev, IGMP_ALL_HOSTS);
}

/** net/ipv4/igmp.c: ip_mc_destroy_dev() */
export function ipMcDestroyDev(dev: NetDevice): void {
  const s = inDev(dev);
  if (!s) return;
  ipMcDown(dev);
  for (const im of s.mcList) igmpGroupDropped(s, im);
  s.mcList = [];
  // in_dev->dead: the in_device is gone; a new one (netns move) starts afresh
  mcState.delete(dev.ipPtr as object);
}

/** the groups of a device, newest first (for `ip maddr` via /proc/net/igmp, and tests) */
export function ipMcList(dev: NetDevice): readonly IpMcList[] {
  return inDev(dev)?.mcList ?? [];
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(8, "0");
}

/** net/ipv4/igmp.c: igmp_mc_seq_show() — /proc/net/igmp */
function igmpMcSeqShow(net: Net): string {
  let out = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n";
  for (const dev of net.devices()) {
    const s = inDev(dev);
    if (!s || !s.mcList.length) continue;
    out += `${dev.ifindex}\t${dev.name.padEnd(10, " ")}: ${String(s.mcList.length).padStart(5, " ")} ${"V3".padStart(7, " ")}\n`;
    for (const im of s.mcList) {
      // im->multiaddr is __be32 printed with %08X on a little-endian machine
      const a = im.multiaddr;
      const le = ((a & 0xff) << 24 | ((a >>> 8) & 0xff) << 16 | ((a >>> 16) & 0xff) << 8 | (a >>> 24)) >>> 0;
      out += `\t\t\t\t${hex8(le)} ${String(im.users).padStart(5, " ")} ${im.tmRunning ? 1 : 0}:${hex8(0)}\t\t${im.reporter}\n`;
    }
  }
  return out;
}

/** net/ipv4/devinet.c: inetdev_event(), the igmp calls: ip_mc_init_dev + ip_mc_up at register
 * of an up device, ip_mc_up at NETDEV_UP, ip_mc_down at NETDEV_DOWN, ip_mc_destroy_dev */
function igmpNetdevEvent(event: number, dev: NetDevice): number {
  switch (event) {
    case NETDEV_REGISTER:
      if (dev.ipPtr && dev.isUp()) ipMcUp(dev);
      break;
    case NETDEV_UP:
      ipMcUp(dev);
      break;
    case NETDEV_DOWN:
      ipMcDown(dev);
      break;
    case NETDEV_UNREGISTER:
      ipMcDestroyDev(dev);
      break;
  }
  return NOTIFY_DONE;
}

let inited = false;

/** net/ipv4/igmp.c: igmp_mc_init() (+ the inetdev_event hooks, registered after devinet's) */
export function igmpInit(): void {
  if (inited) return;
  inited = true;
  registerNetdeviceNotifier(igmpNetdevEvent);
  registerProcNet("igmp", igmpMcSeqShow);
}
