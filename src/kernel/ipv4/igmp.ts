/**
 * net/ipv4/igmp.c: each in_device's multicast group list (struct ip_mc_list, newest first),
 * ip_mc_up()/ip_mc_down() joining 224.0.0.1 (IGMP_ALL_HOSTS) when a device goes up,
 * ip_mc_inc_group()/ip_mc_dec_group() for other joiners (the bridge's snooper group
 * 224.0.0.106, a vxlan device's group), the device filter (ip_mc_filter_add -> dev_mc_add of
 * 01:00:5e:xx:xx:xx), ip_check_mc_rcu() for the routes, /proc/net/igmp, and the unsolicited
 * reports a join or a leave sends: IGMPv3 state-change reports (mr_ifc_timer: the first at
 * once, then again at random within igmpv3_unsolicited_report_interval, igmp_qrv times in all;
 * left groups wait on the tomb list as TO_IN records), or with force_igmp_version 1 or 2 the
 * per-group report timer and the v2 leave.
 *
 * Not modelled: queries (no querier is ever heard; a received IGMP message is checked and
 * consumed), source filters (INCLUDE mode, ALLOW/BLOCK records), sockets joining groups
 * (IP_ADD_MEMBERSHIP).
 */
import type { NetDevice } from "../core/netdevice.ts";
import type { Net } from "../core/net_namespace.ts";
import { type Timer, USEC_PER_JIFFY } from "../../sim/scheduler.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { SkBuff as SkBufCtor } from "../core/skbuff.ts";
import {
  registerNetdeviceNotifier, NETDEV_REGISTER, NETDEV_UNREGISTER, NETDEV_UP, NETDEV_DOWN, NOTIFY_DONE,
} from "../core/notifier.ts";
import { devMcAdd, devMcDel } from "../core/dev_addr_lists.ts";
import { registerProcNet } from "../core/procfs.ts";
import { netSched } from "../core/dev_path.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { jiffiesNow, modDelayedWork, randomBelow, msecsToJiffies } from "../core/jiffies.ts";
import { ARPHRD_ETHER, ETH_P_IP, PACKET_BROADCAST, PACKET_MULTICAST } from "../uapi/if.ts";
import { isKErr } from "../uapi/errno.ts";
import { ipv4IsLocalMulticast, writeU16, writeU32, readU32 } from "../../wire/addr.ts";
import { ipComputeCsum } from "../../wire/checksum.ts";
import { IP_DF } from "../../wire/ipv4.ts";
import { inetConfGet, devInDevice, type InDevice } from "./devinet.ts";
import { ipv4Sysctl } from "./icmp.ts";
import { ipRouteOutputKey, type Rtable, type Flowi4 } from "./route.ts";
import { RT_SCOPE_UNIVERSE } from "../uapi/rtnetlink.ts";
import { ipSelectIdent, ipLocalOut } from "./ip_output.ts";
import { ipStats, inetAddProtocol } from "./ip_input.ts";

/** include/linux/igmp.h: IGMP_ALL_HOSTS (224.0.0.1), host order */
export const IGMP_ALL_HOSTS = 0xe0000001;
/** IGMP_ALL_ROUTER (224.0.0.2): where a v2 leave goes */
export const IGMP_ALL_ROUTER = 0xe0000002;
/** IGMPV3_ALL_MCR (224.0.0.22): where v3 reports go */
export const IGMPV3_ALL_MCR = 0xe0000016;
/** INADDR_ALLSNOOPERS_GROUP (224.0.0.106) */
export const INADDR_ALLSNOOPERS_GROUP = 0xe000006a;

/** include/uapi/linux/igmp.h: message types */
export const IGMP_HOST_MEMBERSHIP_QUERY = 0x11;
export const IGMP_HOST_MEMBERSHIP_REPORT = 0x12;
export const IGMPV2_HOST_MEMBERSHIP_REPORT = 0x16;
export const IGMP_HOST_LEAVE_MESSAGE = 0x17;
export const IGMPV3_HOST_MEMBERSHIP_REPORT = 0x22;
/** IGMPv3 group record types */
export const IGMPV3_CHANGE_TO_INCLUDE = 3;
export const IGMPV3_CHANGE_TO_EXCLUDE = 4;

export const MCAST_EXCLUDE = 0;
export const MCAST_INCLUDE = 1;

const IPPROTO_IGMP = 2;
/** IGMP_INITIAL_REPORT_DELAY (jiffies) */
const IGMP_INITIAL_REPORT_DELAY = 1;
/** IPOPT_RA */
const IPOPT_RA = 148;

/** struct ip_mc_list, reduced (no source lists: every join is (EXCLUDE, {})) */
export interface IpMcList {
  /** host order */
  multiaddr: number;
  users: number;
  loaded: boolean;
  /** the per-group report timer (IGMPv1/v2) is armed */
  tmRunning: boolean;
  reporter: number;
  sfmode: number;
  /** state-change reports still to send for this group (v3) */
  crcount: number;
  unsolicitCount: number;
  /** im->timer (v1/v2 reports), made on first use */
  timer: Timer | undefined;
}

/** the IGMP half of struct in_device (InDevice.mc) */
export interface InDevMc {
  dev: NetDevice;
  /** newest first (in_dev->mc_list) */
  mcList: IpMcList[];
  /** groups left and still to be reported (in_dev->mc_tomb), newest first */
  tomb: IpMcList[];
  dead: boolean;
  /** in_dev->mr_qrv */
  qrv: number;
  /** in_dev->mr_ifc_count: change reports still to send */
  ifcCount: number;
  /** in_dev->mr_ifc_timer, made when first armed: most devices never send a change report
   * (the scheduler orders events by arming, so nothing else changes) */
  ifcTimer: Timer | undefined;
}

/** the device's state, made by ip_mc_init_dev() when first needed: on the in_device
 * (dev.ipPtr), so a new in_device starts with an empty list */
function inDev(dev: NetDevice): InDevMc | undefined {
  const ip = dev.ipPtr as InDevice | undefined;
  if (!ip) return undefined;
  let s = ip.mc;
  if (!s) {
    s = { dev, mcList: [], tomb: [], dead: false, qrv: ipv4Sysctl(dev.net).igmpQrv, ifcCount: 0, ifcTimer: undefined };
    ip.mc = s;
  }
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

// ------------------------------------------------------------------------ version, timing

/** IGMP_V1_SEEN() / IGMP_V2_SEEN(): forced (no querier of an older version is ever heard) */
function igmpVersionSeen(s: InDevMc, v: 1 | 2): boolean {
  return inetConfGet(s.dev.net, "force_igmp_version") === v || inetConfGet(s.dev, "force_igmp_version") === v;
}

/** net/ipv4/igmp.c: unsolicited_report_interval() in jiffies */
function unsolicitedReportInterval(s: InDevMc): number {
  const v12 = igmpVersionSeen(s, 1) || igmpVersionSeen(s, 2);
  const ms = inetConfGet(s.dev, v12 ? "igmpv2_unsolicited_report_interval" : "igmpv3_unsolicited_report_interval");
  const j = msecsToJiffies(ms);
  return j > 0 ? j : 1;
}

/** sysctl_igmp_llm_reports == 0 keeps 224.0.0.x groups unreported */
function unreported(s: InDevMc, addr: number): boolean {
  return addr === IGMP_ALL_HOSTS || (ipv4IsLocalMulticast(addr) && !ipv4Sysctl(s.dev.net).igmpLlmReports);
}

function qrvOf(s: InDevMc): number {
  return s.qrv || ipv4Sysctl(s.dev.net).igmpQrv;
}

/** net/ipv4/igmp.c: igmp_ifc_start_timer() */
function igmpIfcStartTimer(s: InDevMc, delay: number): void {
  const t = (s.ifcTimer ??= netSched(s.dev.net).timer(() => igmpIfcTimerExpire(s), "igmp_ifc_timer"));
  modDelayedWork(s.dev.net, t, randomBelow(s.dev.net, delay) + 2);
}

/** net/ipv4/igmp.c: igmp_ifc_event() */
function igmpIfcEvent(s: InDevMc): void {
  if (igmpVersionSeen(s, 1) || igmpVersionSeen(s, 2)) return;
  s.ifcCount = qrvOf(s);
  igmpIfcStartTimer(s, 1);
}

/** net/ipv4/igmp.c: igmp_ifc_timer_expire() */
function igmpIfcTimerExpire(s: InDevMc): void {
  igmpv3SendCr(s);
  if (s.ifcCount) {
    s.ifcCount--;
    igmpIfcStartTimer(s, unsolicitedReportInterval(s));
  }
}

/** net/ipv4/igmp.c: igmp_start_timer() */
function igmpStartTimer(s: InDevMc, im: IpMcList, maxDelay: number): void {
  im.tmRunning = true;
  im.timer ??= netSched(s.dev.net).timer(() => igmpTimerExpire(s, im), "igmp_timer");
  modDelayedWork(s.dev.net, im.timer, randomBelow(s.dev.net, maxDelay) + 2);
}

/** net/ipv4/igmp.c: igmp_stop_timer() */
function igmpStopTimer(im: IpMcList): void {
  im.timer?.cancel();
  im.tmRunning = false;
  im.reporter = 0;
  im.unsolicitCount = 0;
}

/** net/ipv4/igmp.c: igmp_timer_expire() */
function igmpTimerExpire(s: InDevMc, im: IpMcList): void {
  im.tmRunning = false;
  if (im.unsolicitCount && --im.unsolicitCount) igmpStartTimer(s, im, unsolicitedReportInterval(s));
  im.reporter = 1;
  if (igmpVersionSeen(s, 1)) igmpSendReport(s, im, IGMP_HOST_MEMBERSHIP_REPORT);
  else if (igmpVersionSeen(s, 2)) igmpSendReport(s, im, IGMPV2_HOST_MEMBERSHIP_REPORT);
  else igmpv3SendCr(s);
}

// ------------------------------------------------------------------------ groups

/** net/ipv4/igmp.c: igmp_group_added() */
function igmpGroupAdded(s: InDevMc, im: IpMcList): void {
  if (!im.loaded) {
    im.loaded = true;
    ipMcFilterAdd(s, im.multiaddr);
  }
  if (unreported(s, im.multiaddr) || s.dead) return;
  im.unsolicitCount = ipv4Sysctl(s.dev.net).igmpQrv;
  if (igmpVersionSeen(s, 1) || igmpVersionSeen(s, 2)) {
    igmpStartTimer(s, im, IGMP_INITIAL_REPORT_DELAY);
    return;
  }
  if (im.sfmode === MCAST_EXCLUDE) im.crcount = qrvOf(s);
  igmpIfcEvent(s);
}

/** net/ipv4/igmp.c: __igmp_group_dropped() */
function igmpGroupDropped(s: InDevMc, im: IpMcList): void {
  if (im.loaded) {
    im.loaded = false;
    ipMcFilterDel(s, im.multiaddr);
  }
  if (unreported(s, im.multiaddr)) return;
  const reporter = im.reporter;
  igmpStopTimer(im);
  if (s.dead) return;
  if (igmpVersionSeen(s, 1)) return;
  if (igmpVersionSeen(s, 2)) {
    if (reporter) igmpSendReport(s, im, IGMP_HOST_LEAVE_MESSAGE);
    return;
  }
  igmpv3AddDelrec(s, im);
  igmpIfcEvent(s);
}

/** net/ipv4/igmp.c: igmpv3_add_delrec() */
function igmpv3AddDelrec(s: InDevMc, im: IpMcList): void {
  s.tomb.unshift({
    multiaddr: im.multiaddr, users: 0, loaded: false, tmRunning: false, reporter: 0, sfmode: im.sfmode,
    crcount: qrvOf(s), unsolicitCount: 0, timer: undefined,
  });
}

/** net/ipv4/igmp.c: igmpv3_del_delrec() — a group joined again takes its tomb's place */
function igmpv3DelDelrec(s: InDevMc, im: IpMcList): void {
  const i = s.tomb.findIndex((p) => p.multiaddr === im.multiaddr);
  if (i < 0) return;
  s.tomb.splice(i, 1);
  if (im.sfmode === MCAST_EXCLUDE) im.crcount = qrvOf(s);
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
  const im: IpMcList = {
    multiaddr: addr, users: 1, loaded: false, tmRunning: false, reporter: 0, sfmode: MCAST_EXCLUDE, crcount: 0,
    unsolicitCount: 0, timer: undefined,
  };
  s.mcList.unshift(im);
  igmpv3DelDelrec(s, im);
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

/** net/ipv4/igmp.c: ip_mc_up() — the device went up: join all-hosts, reload the filter,
 * report the groups again */
export function ipMcUp(dev: NetDevice): void {
  const s = inDev(dev);
  if (!s) return;
  s.qrv = ipv4Sysctl(dev.net).igmpQrv; // ip_mc_reset()
  ipMcIncGroup(dev, IGMP_ALL_HOSTS);
  for (const im of s.mcList) {
    igmpv3DelDelrec(s, im);
    igmpGroupAdded(s, im);
  }
}

/** net/ipv4/igmp.c: ip_mc_down() — the device went down: unload the filter, stop the
 * reports (the left groups stay on the tomb), leave all-hosts */
export function ipMcDown(dev: NetDevice): void {
  const s = inDev(dev);
  if (!s) return;
  for (const im of s.mcList) igmpGroupDropped(s, im);
  s.ifcCount = 0;
  s.ifcTimer?.cancel();
  ipMcDecGroup(dev, IGMP_ALL_HOSTS);
}

/** net/ipv4/igmp.c: ip_mc_destroy_dev() */
export function ipMcDestroyDev(dev: NetDevice): void {
  const s = inDev(dev);
  if (!s) return;
  ipMcDown(dev);
  s.tomb = []; // igmpv3_clear_delrec()
  s.dead = true;
  for (const im of s.mcList) igmpStopTimer(im);
  s.mcList = [];
  // the in_device is gone; a new one (netns move) starts afresh
  const ip = dev.ipPtr as InDevice | undefined;
  if (ip) ip.mc = undefined;
}

/** the groups of a device, newest first (for `ip maddr` via /proc/net/igmp, and tests) */
export function ipMcList(dev: NetDevice): readonly IpMcList[] {
  return inDev(dev)?.mcList ?? [];
}

/** net/ipv4/igmp.c: ip_check_mc_rcu() — is `mcAddr` a group of this device (for IGMP any
 * member; with no source filters a member is also one for every source) */
export function ipCheckMc(dev: NetDevice, mcAddr: number, _srcAddr: number, _proto: number): boolean {
  const s = devInDevice(dev) ? (dev.ipPtr as InDevice).mc : undefined;
  if (!s) return false;
  mcAddr >>>= 0;
  for (const im of s.mcList) if (im.multiaddr === mcAddr) return true;
  return false;
}

// ------------------------------------------------------------------------ reports

/**
 * net/ipv4/igmp.c: igmpv3_newpack() / igmp_send_report()'s header: an IP header with the
 * router alert option, TOS 0xc0, TTL 1, DF, from the address the route picked if it is one
 * of the device's (igmpv3_get_srcaddr) or 0.0.0.0; undefined when there is no route (the
 * device is down).
 */
function igmpNewpack(s: InDevMc, daddr: number, igmpLen: number, v3: boolean): { skb: SkBuff; rt: Rtable } | undefined {
  const dev = s.dev;
  const fl4: Flowi4 = { daddr, saddr: 0, oif: dev.ifindex, iif: 0, tos: 0, mark: 0, scope: RT_SCOPE_UNIVERSE, proto: IPPROTO_IGMP, uid: 0 };
  const rt = ipRouteOutputKey(dev.net, fl4);
  if (isKErr(rt)) return undefined;
  let saddr = fl4.saddr;
  if (v3 && !(devInDevice(dev)?.ifaList ?? []).some((ifa) => ifa.ifaLocal === saddr)) saddr = 0;
  const hlen = 24;
  const skb = new SkBufCtor(hlen + igmpLen);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  skb.transportHeader = o + hlen;
  b[o] = 0x40 | (hlen >> 2);
  b[o + 1] = 0xc0;
  writeU16(b, o + 2, hlen + igmpLen);
  writeU16(b, o + 6, IP_DF);
  b[o + 8] = 1;
  b[o + 9] = IPPROTO_IGMP;
  writeU32(b, o + 12, saddr);
  writeU32(b, o + 16, fl4.daddr);
  b[o + 20] = IPOPT_RA;
  b[o + 21] = 4;
  skb.dst = rt;
  skb.dev = dev;
  skb.protocol = ETH_P_IP;
  ipSelectIdent(dev.net, skb, undefined);
  return { skb, rt };
}

/** ip_local_out() of a finished report (__ip_local_out counts OutRequests) */
function igmpSend(s: InDevMc, skb: SkBuff, igmpLen: number): void {
  const b = skb.buf;
  const t = skb.transportHeader;
  const csum = ipComputeCsum(b, t, igmpLen);
  b[t + 2] = csum >>> 8;
  b[t + 3] = csum & 0xff;
  ipStats(s.dev.net).OutRequests++;
  ipLocalOut(s.dev.net, skb);
}

/** net/ipv4/igmp.c: igmp_send_report() for IGMPv1/v2 reports and the v2 leave */
function igmpSendReport(s: InDevMc, im: IpMcList, type: number): void {
  if (ipv4IsLocalMulticast(im.multiaddr) && !ipv4Sysctl(s.dev.net).igmpLlmReports) return;
  const dst = type === IGMP_HOST_LEAVE_MESSAGE ? IGMP_ALL_ROUTER : im.multiaddr;
  const p = igmpNewpack(s, dst, 8, false);
  if (!p) return;
  const b = p.skb.buf;
  const t = p.skb.transportHeader;
  b[t] = type;
  writeU32(b, t + 4, im.multiaddr);
  igmpSend(s, p.skb, 8);
}

/**
 * net/ipv4/igmp.c: igmpv3_send_cr() — one report of the change records due: TO_IN for the
 * left groups of the tomb (dropped once reported qrv times), then TO_EX for the joined groups
 * whose crcount is not spent. No report when no record is due.
 */
function igmpv3SendCr(s: InDevMc): void {
  const recs: [number, number][] = [];
  for (const pmc of s.tomb.slice()) {
    if (pmc.crcount) {
      if (pmc.sfmode === MCAST_EXCLUDE && !unreported(s, pmc.multiaddr)) recs.push([IGMPV3_CHANGE_TO_INCLUDE, pmc.multiaddr]);
      pmc.crcount--;
    }
    if (pmc.crcount === 0) s.tomb.splice(s.tomb.indexOf(pmc), 1);
  }
  for (const pmc of s.mcList) {
    if (pmc.crcount) {
      const type = pmc.sfmode === MCAST_EXCLUDE ? IGMPV3_CHANGE_TO_EXCLUDE : IGMPV3_CHANGE_TO_INCLUDE;
      if (!unreported(s, pmc.multiaddr)) recs.push([type, pmc.multiaddr]);
      pmc.crcount--;
    }
  }
  if (!recs.length) return;
  const len = 8 + recs.length * 8;
  const p = igmpNewpack(s, IGMPV3_ALL_MCR, len, true);
  if (!p) return;
  const b = p.skb.buf;
  const t = p.skb.transportHeader;
  b[t] = IGMPV3_HOST_MEMBERSHIP_REPORT;
  writeU16(b, t + 6, recs.length);
  let g = t + 8;
  for (const [type, addr] of recs) {
    b[g] = type;
    writeU32(b, g + 4, addr);
    g += 8;
  }
  igmpSend(s, p.skb, len);
}

/** net/ipv4/igmp.c: igmp_rcv() — checked and consumed: a v1/v2 report another member sent
 * cancels our own pending one for that group (igmp_heard_report); queries are not modelled */
function igmpRcv(skb: SkBuff): void {
  const s = inDev(skb.dev!);
  const t = skb.transportHeader;
  const len = skb.tail - t;
  if (!s || len < 8 || ipComputeCsum(skb.buf, t, len) !== 0) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "igmp_rcv");
    return;
  }
  let dropped = true;
  const type = skb.buf[t]!;
  if (type === IGMP_HOST_MEMBERSHIP_QUERY) dropped = false;
  else if (type === IGMP_HOST_MEMBERSHIP_REPORT || type === IGMPV2_HOST_MEMBERSHIP_REPORT) {
    // not our own report looped back, and not one sent to us alone
    if ((skb.dst as Rtable | undefined)?.rtIsInput && (skb.pktType === PACKET_MULTICAST || skb.pktType === PACKET_BROADCAST)) {
      const group = readU32(skb.buf, t + 4);
      const im = unreported(s, group) ? undefined : s.mcList.find((m) => m.multiaddr === group);
      if (im) igmpStopTimer(im);
      dropped = false;
    }
  }
  if (dropped) kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "igmp_rcv");
  else consumeSkb(skb);
}

/** the v1/v2 timer column of /proc/net/igmp: "running:ticks left (clock_t, 100 Hz)" */
function timerColumn(s: InDevMc, im: IpMcList): string {
  if (!im.tmRunning || !im.timer?.pending) return `0:${hex8(0)}`;
  const left = Math.max(0, Math.ceil(im.timer.when / USEC_PER_JIFFY) - jiffiesNow(s.dev.net));
  return `1:${hex8(Math.floor((left * 100) / 250))}`;
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
    const querier = igmpVersionSeen(s, 1) ? "V1" : igmpVersionSeen(s, 2) ? "V2" : "V3";
    out += `${dev.ifindex}\t${dev.name.padEnd(10, " ")}: ${String(s.mcList.length).padStart(5, " ")} ${querier.padStart(7, " ")}\n`;
    for (const im of s.mcList) {
      // im->multiaddr is __be32 printed with %08X on a little-endian machine
      const a = im.multiaddr;
      const le = ((a & 0xff) << 24 | ((a >>> 8) & 0xff) << 16 | ((a >>> 16) & 0xff) << 8 | (a >>> 24)) >>> 0;
      out += `\t\t\t\t${hex8(le)} ${String(im.users).padStart(5, " ")} ${timerColumn(s, im)}\t\t${im.reporter}\n`;
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
  inetAddProtocol(IPPROTO_IGMP, igmpRcv);
  registerProcNet("igmp", igmpMcSeqShow);
  // igmp_mcf_seq_show(): one line per source of a group's filter; no group has sources here
  registerProcNet("mcfilter", () => "Idx Device        MCA        SRC    INC    EXC\n");
}
