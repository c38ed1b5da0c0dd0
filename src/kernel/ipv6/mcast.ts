/**
 * net/ipv6/mcast.c: the per-device multicast group list of IPv6 (struct ifmcaddr6 on
 * idev->mc_list, newest first), the device filter (igmp6_group_added -> dev_mc_add of
 * 33:33:xx:xx:xx:xx), and MLDv2's unsolicited reports: mld_ifc_work (change records, sent
 * mc_qrv times, the first at once and the rest at random within the unsolicited report
 * interval) and mld_dad_work (the initial report again once DAD gave the link-local source
 * address), the deleted-group tomb list (TO_IN records), and /proc/net/igmp6.
 *
 * Not modelled: MLDv1 mode, queries (we never receive them: ip6_input does not deliver MLD),
 * source filters (INCLUDE mode, ALLOW/BLOCK records), sockets joining groups.
 */
import type { NetDevice } from "../core/netdevice.ts";
import type { Net } from "../core/net_namespace.ts";
import type { Timer } from "../../sim/scheduler.ts";
import type { Inet6Dev } from "./addrconf.ts";
import { devInet6 } from "./addrconf.ts";
import { devMcAdd, devMcDel } from "../core/dev_addr_lists.ts";
import { netSched } from "../core/dev_path.ts";
import { registerProcNet } from "../core/procfs.ts";
import { IFA_F_TENTATIVE, RT_SCOPE_LINK } from "../uapi/rtnetlink.ts";
import { IFF_UP } from "../uapi/if.ts";
import {
  in6Addr, ipv6AddrEqual, ipv6AddrMcScope, ndiscMcMap, ip6AllocSkb, ip6PushHdr, icmpv6Csum,
  ip6OutputMulticast, NEXTHDR_HOP, IN6ADDR_ANY,
} from "./ip6_output.ts";
import { modDelayedWork, randomBelow, msecsToJiffies } from "../core/jiffies.ts";

/** ifmcaddr6.mca_flags */
export const MAF_TIMER_RUNNING = 0x01;
export const MAF_LAST_REPORTER = 0x02;
export const MAF_LOADED = 0x04;
export const MAF_NOREPORT = 0x08;
export const MAF_GSQUERY = 0x10;

export const MCAST_EXCLUDE = 0;
export const MCAST_INCLUDE = 1;

/** include/net/mld.h: MLDv2 record types */
export const MLD2_MODE_IS_INCLUDE = 1;
export const MLD2_MODE_IS_EXCLUDE = 2;
export const MLD2_CHANGE_TO_INCLUDE = 3;
export const MLD2_CHANGE_TO_EXCLUDE = 4;
export const MLD2_ALLOW_NEW_SOURCES = 5;
export const MLD2_BLOCK_OLD_SOURCES = 6;
export const ICMPV6_MLD2_REPORT = 143;

const IPV6_ADDR_SCOPE_LINKLOCAL = 0x02;
/** net/ipv6/mcast.c: sysctl_mld_qrv (net.ipv6.mld_qrv) */
const MLD_QRV_DEFAULT = 2;

export const IN6ADDR_INTERFACELOCAL_ALLNODES = in6Addr("ff01::1");
export const IN6ADDR_LINKLOCAL_ALLNODES = in6Addr("ff02::1");
export const IN6ADDR_LINKLOCAL_ALLROUTERS = in6Addr("ff02::2");
/** mld2_all_mcr: ff02::16, all MLDv2-capable routers */
export const MLD2_ALL_MCR = in6Addr("ff02::16");

/** struct ifmcaddr6, reduced (no source lists) */
export interface Ifmcaddr6 {
  addr: Uint8Array;
  /** the group's last 32 bits (addrTail()): the first thing a received frame's group is
   * compared with, as most groups a device sees are not its own */
  tail: number;
  users: number;
  flags: number;
  sfmode: number;
  crcount: number;
}

/** the MLD half of struct inet6_dev */
export interface Mc6Dev {
  dev: NetDevice;
  /** newest first */
  mcList: Ifmcaddr6[];
  /** each group's `tail`, in mcList's order: what the receive path reads of a group it is
   * not for (one array, not an object per group) */
  mcTails: number[];
  /** deleted groups still to be reported (idev->mc_tomb), newest first */
  mcTomb: Ifmcaddr6[];
  qrv: number;
  ifcCount: number;
  dadCount: number;
  ifcTimer: Timer | undefined;
  dadTimer: Timer | undefined;
  /** ipv6_mc_init_dev() ran */
  inited: boolean;
  dead: boolean;
}

function mcDev(idev: Inet6Dev): Mc6Dev {
  // on the inet6_dev itself, as Linux has it: every multicast frame a device receives asks
  // (and no side table whose entries every collection would trace as ephemerons)
  let s = idev.mc as Mc6Dev | undefined;
  if (s !== undefined) return s;
  s = { dev: idev.dev, mcList: [], mcTails: [], mcTomb: [], qrv: MLD_QRV_DEFAULT, ifcCount: 0, dadCount: 0, ifcTimer: undefined, dadTimer: undefined, inited: false, dead: false };
  idev.mc = s;
  return s;
}

/** the device's groups, newest first (tests, /proc/net/igmp6) */
export function ipv6McList(dev: NetDevice): readonly Ifmcaddr6[] {
  const idev = devInet6(dev);
  return idev ? mcDev(idev).mcList : [];
}

// ------------------------------------------------------------------------------ the filter

/** net/ipv6/mcast.c: mld_in_v1_mode() (force_mld_version 1; no v1 querier is ever seen) */
function mldInV1Mode(idev: Inet6Dev): boolean {
  return Number(idev.cnf.get("force_mld_version") ?? 0) === 1;
}

/** net/ipv6/mcast.c: unsolicited_report_interval() in jiffies */
function unsolicitedReportInterval(idev: Inet6Dev): number {
  const ms = mldInV1Mode(idev)
    ? Number(idev.cnf.get("mldv1_unsolicited_report_interval") ?? 10000)
    : Number(idev.cnf.get("mldv2_unsolicited_report_interval") ?? 1000);
  const iv = msecsToJiffies(ms);
  return iv > 0 ? iv : 1;
}

/** net/ipv6/mcast.c: igmp6_group_added() */
function igmp6GroupAdded(idev: Inet6Dev, mc: Ifmcaddr6): void {
  const dev = idev.dev;
  if (ipv6AddrMcScope(mc.addr) < IPV6_ADDR_SCOPE_LINKLOCAL) return;
  if (!(mc.flags & MAF_LOADED)) {
    mc.flags |= MAF_LOADED;
    const buf = ndiscMcMap(mc.addr, dev, 0);
    if (buf) devMcAdd(dev, buf);
  }
  if (!(dev.flags & IFF_UP) || mc.flags & MAF_NOREPORT) return;
  if (mldInV1Mode(idev)) return; // igmp6_join_group(): MLDv1 is not modelled
  if (mc.sfmode === MCAST_EXCLUDE) mc.crcount = mcDev(idev).qrv;
  mldIfcEvent(idev);
}

/** net/ipv6/mcast.c: igmp6_group_dropped() */
function igmp6GroupDropped(idev: Inet6Dev, mc: Ifmcaddr6): void {
  const dev = idev.dev;
  if (ipv6AddrMcScope(mc.addr) < IPV6_ADDR_SCOPE_LINKLOCAL) return;
  if (mc.flags & MAF_LOADED) {
    mc.flags &= ~MAF_LOADED;
    const buf = ndiscMcMap(mc.addr, dev, 0);
    if (buf) devMcDel(dev, buf);
  }
  if (mc.flags & MAF_NOREPORT) return;
  const s = mcDev(idev);
  if (!s.dead) igmp6LeaveGroup(idev, mc);
}

/** net/ipv6/mcast.c: igmp6_leave_group() (MLDv2: a tomb, then a change report) */
function igmp6LeaveGroup(idev: Inet6Dev, mc: Ifmcaddr6): void {
  if (mldInV1Mode(idev)) return;
  mldAddDelrec(idev, mc);
  mldIfcEvent(idev);
}

/** net/ipv6/mcast.c: mld_add_delrec() */
function mldAddDelrec(idev: Inet6Dev, im: Ifmcaddr6): void {
  const s = mcDev(idev);
  s.mcTomb.unshift({ addr: im.addr.slice(), tail: im.tail, users: 0, flags: 0, sfmode: im.sfmode, crcount: s.qrv });
}

/** net/ipv6/mcast.c: mld_del_delrec() */
function mldDelDelrec(idev: Inet6Dev, im: Ifmcaddr6): void {
  const s = mcDev(idev);
  const i = s.mcTomb.findIndex((p) => ipv6AddrEqual(p.addr, im.addr));
  if (i < 0) return;
  s.mcTomb.splice(i, 1);
  if (im.sfmode === MCAST_EXCLUDE) im.crcount = s.qrv;
}

/** net/ipv6/mcast.c: mca_alloc() */
function addrTail(b: Uint8Array, off: number): number {
  // signed: a small integer in the entry (a solicited-node group's ff… tail unsigned would be a
  // boxed heap number, one more object to read for every multicast frame a device receives)
  return (b[off + 12]! << 24) | (b[off + 13]! << 16) | (b[off + 14]! << 8) | b[off + 15]!;
}

/** a group's bit in NetDevice.ip6McBits (a small integer: 29 bits) */
function tailBit(tail: number): number {
  return 1 << ((tail >>> 0) % 29);
}

/** the device's groups changed: their bits again */
function setTailBits(idev: Inet6Dev, s: Mc6Dev): void {
  let bits = 0;
  for (const t of s.mcTails) bits |= tailBit(t);
  idev.dev.ip6McBits = bits;
}

function mcaAlloc(addr: Uint8Array, mode: number): Ifmcaddr6 {
  const mc: Ifmcaddr6 = { addr: addr.slice(0, 16), tail: addrTail(addr, 0), users: 1, flags: 0, sfmode: mode, crcount: 0 };
  if (ipv6AddrEqual(addr, IN6ADDR_LINKLOCAL_ALLNODES) || ipv6AddrMcScope(addr) < IPV6_ADDR_SCOPE_LINKLOCAL) {
    mc.flags |= MAF_NOREPORT;
  }
  return mc;
}

/** net/ipv6/mcast.c: __ipv6_dev_mc_inc() on an inet6_dev */
export function __ipv6DevMcInc(idev: Inet6Dev, addr: Uint8Array): number {
  const s = mcDev(idev);
  if (s.dead) return -19; // -ENODEV
  const found = s.mcList.find((m) => ipv6AddrEqual(m.addr, addr));
  if (found) {
    found.users++;
    return 0;
  }
  const mc = mcaAlloc(addr, MCAST_EXCLUDE);
  s.mcList.unshift(mc);
  s.mcTails.unshift(mc.tail);
  setTailBits(idev, s);
  mldDelDelrec(idev, mc);
  igmp6GroupAdded(idev, mc);
  return 0;
}

/** net/ipv6/mcast.c: ipv6_dev_mc_inc() — join `addr` on `dev` (e.g. the bridge's ff02::6a) */
export function ipv6DevMcInc(dev: NetDevice, addr: Uint8Array): number {
  const idev = devInet6(dev);
  if (!idev) return -19;
  return __ipv6DevMcInc(idev, addr);
}

/** net/ipv6/mcast.c: __ipv6_dev_mc_dec() */
export function __ipv6DevMcDec(idev: Inet6Dev, addr: Uint8Array): number {
  const s = mcDev(idev);
  const i = s.mcList.findIndex((m) => ipv6AddrEqual(m.addr, addr));
  if (i < 0) return -2; // -ENOENT
  const mc = s.mcList[i]!;
  if (--mc.users) return 0;
  s.mcList.splice(i, 1);
  s.mcTails.splice(i, 1);
  setTailBits(idev, s);
  igmp6GroupDropped(idev, mc);
  return 0;
}

/** net/ipv6/mcast.c: ipv6_dev_mc_dec() */
export function ipv6DevMcDec(dev: NetDevice, addr: Uint8Array): number {
  const idev = devInet6(dev);
  if (!idev) return -19;
  return __ipv6DevMcDec(idev, addr);
}

/** ipv6_chk_mcast_addr() on the group at `b[off..off+16)`, read in place (the receive path) */
export function ipv6ChkMcastAddrAt(dev: NetDevice, b: Uint8Array, off: number): boolean {
  return ipv6ChkMcastAddrTail(dev, b, off, addrTail(b, off));
}

/** the group's last 32 bits as ipv6ChkMcastAddrTail() takes them (the copies of a flood
 * read them once) */
export function ipv6McastTail(b: Uint8Array, off: number): number {
  return addrTail(b, off);
}

/** ipv6ChkMcastAddrAt() of a group whose addrTail() is `t` */
export function ipv6ChkMcastAddrTail(dev: NetDevice, b: Uint8Array, off: number, t: number): boolean {
  const idev = devInet6(dev);
  if (!idev) return false;
  if (!(dev.ip6McBits & tailBit(t))) return false;
  const s = mcDev(idev);
  const tails = s.mcTails;
  outer: for (let i = 0; i < tails.length; i++) {
    if (tails[i] !== t) continue;
    const a = s.mcList[i]!.addr;
    for (let j = 11; j >= 0; j--) if (a[j] !== b[off + j]) continue outer;
    return true;
  }
  return false;
}

/** net/ipv6/mcast.c: ipv6_chk_mcast_addr() (no source filter) */
export function ipv6ChkMcastAddr(dev: NetDevice, group: Uint8Array): boolean {
  const idev = devInet6(dev);
  if (!idev) return false;
  const l = mcDev(idev).mcList;
  for (let i = 0; i < l.length; i++) if (ipv6AddrEqual(l[i]!.addr, group)) return true;
  return false;
}

// --------------------------------------------------------------------- device up/down/init

/** net/ipv6/mcast.c: ipv6_mc_reset() */
function ipv6McReset(idev: Inet6Dev): void {
  mcDev(idev).qrv = MLD_QRV_DEFAULT;
}

/** net/ipv6/mcast.c: ipv6_mc_up() — install the filter, report every group */
export function ipv6McUp(idev: Inet6Dev): void {
  ipv6McReset(idev);
  const s = mcDev(idev);
  for (const mc of s.mcList) {
    mldDelDelrec(idev, mc);
    igmp6GroupAdded(idev, mc);
  }
}

/** net/ipv6/mcast.c: ipv6_mc_down() — withdraw the filter, stop the reports */
export function ipv6McDown(idev: Inet6Dev): void {
  const s = mcDev(idev);
  for (const mc of s.mcList) igmp6GroupDropped(idev, mc);
  s.ifcCount = 0;
  s.ifcTimer?.cancel();
  s.dadCount = 0;
  s.dadTimer?.cancel();
}

/** net/ipv6/mcast.c: ipv6_mc_init_dev() + ipv6_add_dev()'s joins of ff01::1 and ff02::1 (and
 * ff02::2 when forwarding) */
export function ipv6McInitDev(idev: Inet6Dev): void {
  const s = mcDev(idev);
  if (s.inited) return;
  s.inited = true;
  // (mc_ifc_work and mc_dad_work are made when first queued: most devices never queue one
  // of them, lo neither; the scheduler orders events by arming, so nothing else changes)
  ipv6McReset(idev);
  __ipv6DevMcInc(idev, IN6ADDR_INTERFACELOCAL_ALLNODES);
  __ipv6DevMcInc(idev, IN6ADDR_LINKLOCAL_ALLNODES);
  if (Number(idev.cnf.get("forwarding") ?? 0) && idev.dev.flags & 0x1000 /* IFF_MULTICAST */) {
    __ipv6DevMcInc(idev, IN6ADDR_LINKLOCAL_ALLROUTERS);
  }
}

/** net/ipv6/mcast.c: ipv6_mc_destroy_dev() */
export function ipv6McDestroyDev(idev: Inet6Dev): void {
  const s = idev.mc as Mc6Dev | undefined;
  if (!s) return;
  ipv6McDown(idev);
  s.mcTomb = [];
  s.dead = true;
  __ipv6DevMcDec(idev, IN6ADDR_LINKLOCAL_ALLNODES);
  for (const mc of s.mcList) igmp6GroupDropped(idev, mc);
  s.mcList = [];
  s.mcTails = [];
  setTailBits(idev, s);
}

// ------------------------------------------------------------------------------- reports

/** net/ipv6/mcast.c: mld_ifc_start_work() */
function mldIfcStartWork(idev: Inet6Dev, delay: number): void {
  const s = mcDev(idev);
  if (!s.inited) return;
  const tv = randomBelow(idev.dev.net, delay);
  s.ifcTimer ??= netSched(idev.dev.net).timer(() => mldIfcWork(idev), "mld_ifc_work");
  modDelayedWork(idev.dev.net, s.ifcTimer, tv + 2);
}

/** net/ipv6/mcast.c: mld_dad_start_work() */
function mldDadStartWork(idev: Inet6Dev, delay: number): void {
  const s = mcDev(idev);
  if (!s.inited) return;
  const tv = randomBelow(idev.dev.net, delay);
  s.dadTimer ??= netSched(idev.dev.net).timer(() => mldDadWork(idev), "mld_dad_work");
  modDelayedWork(idev.dev.net, s.dadTimer, tv + 2);
}

/** net/ipv6/mcast.c: mld_ifc_event() */
function mldIfcEvent(idev: Inet6Dev): void {
  if (mldInV1Mode(idev)) return;
  const s = mcDev(idev);
  s.ifcCount = s.qrv;
  mldIfcStartWork(idev, 1);
}

/** net/ipv6/mcast.c: mld_ifc_work() */
function mldIfcWork(idev: Inet6Dev): void {
  const s = mcDev(idev);
  mldSendCr(idev);
  if (s.ifcCount) {
    s.ifcCount--;
    if (s.ifcCount) mldIfcStartWork(idev, unsolicitedReportInterval(idev));
  }
}

/** net/ipv6/mcast.c: mld_dad_work() */
function mldDadWork(idev: Inet6Dev): void {
  const s = mcDev(idev);
  mldSendInitialCr(idev);
  if (s.dadCount) {
    s.dadCount--;
    if (s.dadCount) mldDadStartWork(idev, unsolicitedReportInterval(idev));
  }
}

/** net/ipv6/mcast.c: ipv6_mc_dad_complete() — DAD gave us a source address: report again */
export function ipv6McDadComplete(idev: Inet6Dev): void {
  const s = mcDev(idev);
  s.dadCount = s.qrv;
  if (s.dadCount) {
    mldSendInitialCr(idev);
    s.dadCount--;
    if (s.dadCount) mldDadStartWork(idev, unsolicitedReportInterval(idev));
  }
}

type Grec = { type: number; addr: Uint8Array };

/** net/ipv6/mcast.c: add_grec() for a group without sources: only filter-mode records */
function addGrec(recs: Grec[], pmc: Ifmcaddr6, type: number, crsend: boolean): void {
  if (pmc.flags & MAF_NOREPORT) return;
  if (type === MLD2_ALLOW_NEW_SOURCES || type === MLD2_BLOCK_OLD_SOURCES) return;
  if (pmc.crcount || crsend) recs.push({ type, addr: pmc.addr });
}

/** net/ipv6/mcast.c: mld_send_initial_cr() */
function mldSendInitialCr(idev: Inet6Dev): void {
  if (mldInV1Mode(idev)) return;
  const recs: Grec[] = [];
  for (const pmc of mcDev(idev).mcList) {
    const type = pmc.sfmode === MCAST_EXCLUDE ? MLD2_CHANGE_TO_EXCLUDE : MLD2_ALLOW_NEW_SOURCES;
    addGrec(recs, pmc, type, true);
  }
  if (recs.length) mldSendpack(idev, recs);
}

/** net/ipv6/mcast.c: mld_send_cr() — deleted groups (TO_IN), then filter-mode changes (TO_EX) */
function mldSendCr(idev: Inet6Dev): void {
  const s = mcDev(idev);
  const recs: Grec[] = [];
  for (const pmc of s.mcTomb.slice()) {
    if (pmc.crcount) {
      if (pmc.sfmode === MCAST_EXCLUDE) recs.push({ type: MLD2_CHANGE_TO_INCLUDE, addr: pmc.addr });
      pmc.crcount--;
    }
    if (pmc.crcount === 0) s.mcTomb.splice(s.mcTomb.indexOf(pmc), 1);
  }
  for (const pmc of s.mcList) {
    if (pmc.crcount) {
      addGrec(recs, pmc, pmc.sfmode === MCAST_EXCLUDE ? MLD2_CHANGE_TO_EXCLUDE : MLD2_CHANGE_TO_INCLUDE, false);
      pmc.crcount--;
    }
  }
  if (recs.length) mldSendpack(idev, recs);
}

/** net/ipv6/addrconf.c: ipv6_get_lladdr(): the first link-local address without `banned` flags */
export function ipv6GetLladdr(idev: Inet6Dev, banned: number): Uint8Array | undefined {
  for (const ifp of idev.addrList) {
    if (ifp.scope === RT_SCOPE_LINK && !(ifp.flags & banned)) return ifp.addr;
  }
  return undefined;
}

/**
 * net/ipv6/mcast.c: mld_newpack() + add_grhead() + mld_sendpack(): one MLDv2 report to
 * ff02::16 with a hop-by-hop router alert, from the link-local address (:: while DAD runs).
 */
function mldSendpack(idev: Inet6Dev, recs: Grec[]): void {
  const dev = idev.dev;
  if (!(dev.flags & IFF_UP)) return;
  const saddr = ipv6GetLladdr(idev, IFA_F_TENTATIVE) ?? IN6ADDR_ANY;
  const daddr = MLD2_ALL_MCR;
  const mldlen = 8 + recs.length * 20;
  const skb = ip6AllocSkb(8 + mldlen);
  const b = skb.buf;
  const o = skb.data;
  // the hop-by-hop header: next ICMPv6, router alert (MLD), PadN (the zeros are the buffer's)
  b[o] = 58;
  b[o + 2] = 5;
  b[o + 3] = 2;
  b[o + 6] = 1;
  const m = o + 8;
  b[m] = ICMPV6_MLD2_REPORT;
  b[m + 6] = recs.length >>> 8;
  b[m + 7] = recs.length & 0xff;
  let g = m + 8;
  for (const r of recs) {
    b[g] = r.type;
    b.set(r.addr, g + 4);
    g += 20;
  }
  const csum = icmpv6Csum(b, m, mldlen, saddr, daddr);
  b[m + 2] = csum >>> 8;
  b[m + 3] = csum & 0xff;
  ip6PushHdr(skb, saddr, daddr, NEXTHDR_HOP, 1);
  ip6OutputMulticast(skb, dev, daddr);
}

// -------------------------------------------------------------------------------- procfs

/** net/ipv6/mcast.c: igmp6_mc_seq_show() — /proc/net/igmp6 */
function igmp6McSeqShow(net: Net): string {
  let out = "";
  for (const dev of net.devices()) {
    const idev = devInet6(dev);
    if (!idev) continue;
    for (const im of mcDev(idev).mcList) {
      const hex = [...im.addr].map((x) => x.toString(16).padStart(2, "0")).join("");
      out += `${String(dev.ifindex).padEnd(4, " ")} ${dev.name.padEnd(15, " ")} ${hex} ${String(im.users).padStart(5, " ")} ` +
        `${im.flags.toString(16).toUpperCase().padStart(8, "0")} 0\n`;
    }
  }
  return out;
}

let inited = false;

/** net/ipv6/mcast.c: igmp6_init() (the proc file; the device hooks are ndisc.ts's notifier) */
export function igmp6Init(): void {
  if (inited) return;
  inited = true;
  registerProcNet("igmp6", igmp6McSeqShow);
  // igmp6_mcf_seq_show(): one line per source of a group's filter; no group has sources here
  registerProcNet("mcfilter6", () => "Idx Device                Multicast Address                   Source Address    INC    EXC\n");
}
