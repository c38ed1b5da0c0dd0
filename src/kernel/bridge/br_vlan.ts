/**
 * net/bridge/br_vlan.c (CONFIG_BRIDGE_VLAN_FILTERING): the VLAN groups of a bridge and of its
 * ports (struct net_bridge_vlan_group: the vlans sorted by vid, the pvid, num_vlans), adding
 * and deleting entries with their local fdb entries (__vlan_add/__vlan_del, br_vlan_add,
 * nbp_vlan_add …), the default pvid, the filtering toggle and protocol, and the data path
 * checks (br_allowed_ingress, br_should_learn, br_allowed_egress, br_handle_vlan).
 *
 * A machine whose kernel configuration lacks the option (the lab kernel: src/kernel/kconfig.ts)
 * gets no group at all (br->vlgrp NULL, as the stubs of br_private.h give), so nothing here
 * runs for it.
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { type KErr, kerr } from "../uapi/errno.ts";
import { IFF_PROMISC } from "../uapi/if.ts";
import { readU16, writeU16 } from "../../wire/addr.ts";
import {
  BR_FDB_ADDED_BY_USER, BR_FDB_LOCAL, BRIDGE_VLAN_INFO_BRENTRY, BRIDGE_VLAN_INFO_MASTER, BRIDGE_VLAN_INFO_PVID,
  BRIDGE_VLAN_INFO_UNTAGGED, type NetBridge, type NetBridgePort,
} from "./br_private.ts";
import { brFdbDeleteByPort, brFdbFind, fdbAddLocal, fdbDeleteLocal } from "./br_fdb.ts";
import { netPrintk } from "./br_compat.ts";

export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;
export const VLAN_VID_MASK = 0x0fff;
export const VLAN_N_VID = 4096;
const VLAN_HLEN = 4;

/** struct br_vlan_stats */
export interface BrVlanStats { rxBytes: number; rxPackets: number; txBytes: number; txPackets: number }

/** struct net_bridge_vlan */
export interface NetBridgeVlan {
  vid: number;
  flags: number;
  /** the bridge of a master (global) entry, the port of a port's */
  br: NetBridge | undefined;
  port: NetBridgePort | undefined;
  /** a port entry's master entry */
  brvlan: NetBridgeVlan | undefined;
  /** a master entry's users: its ports' entries and its BRENTRY */
  refcnt: number;
  /** the master's counters, shared by its port entries (a port's own with vlan_stats_per_port) */
  stats: BrVlanStats;
}

/** struct net_bridge_vlan_group */
export class NetBridgeVlanGroup {
  /** vlan_hash */
  readonly hash = new Map<number, NetBridgeVlan>();
  /** vlan_list: sorted by vid */
  readonly list: NetBridgeVlan[] = [];
  numVlans = 0;
  pvid = 0;
}

/** the machine's kernel was built with CONFIG_BRIDGE_VLAN_FILTERING */
export function brVlanConfigured(dev: NetDevice): boolean {
  return dev.net?.host?.kconfig?.CONFIG_BRIDGE_VLAN_FILTERING === true;
}

const newStats = (): BrVlanStats => ({ rxBytes: 0, rxPackets: 0, txBytes: 0, txPackets: 0 });

/** br_vlan_is_master() */
export const brVlanIsMaster = (v: NetBridgeVlan): boolean => (v.flags & BRIDGE_VLAN_INFO_MASTER) !== 0;
/** br_vlan_is_brentry() */
export const brVlanIsBrentry = (v: NetBridgeVlan): boolean => (v.flags & BRIDGE_VLAN_INFO_BRENTRY) !== 0;
/** br_vlan_should_use(): a master entry is used for filtering only as a BRENTRY */
export function brVlanShouldUse(v: NetBridgeVlan): boolean {
  return brVlanIsMaster(v) ? brVlanIsBrentry(v) : true;
}

/** br_vlan_find() */
export function brVlanFind(vg: NetBridgeVlanGroup | undefined, vid: number): NetBridgeVlan | undefined {
  return vg?.hash.get(vid);
}

/** br_get_pvid() */
export function brGetPvid(vg: NetBridgeVlanGroup | undefined): number {
  return vg ? vg.pvid : 0;
}

/** br_vlan_valid_id() */
export function brVlanValidId(vid: number): boolean {
  return vid > 0 && vid < VLAN_VID_MASK;
}

function groupOf(v: NetBridgeVlan): NetBridgeVlanGroup {
  return brVlanIsMaster(v) ? v.br!.vlgrp! : v.port!.vlgrp!;
}

/** __vlan_add_pvid() / __vlan_delete_pvid() through __vlan_add_flags(): did anything change */
function vlanAddFlags(v: NetBridgeVlan, flags: number): boolean {
  const vg = groupOf(v);
  const old = v.flags;
  let ret: boolean;
  if (flags & BRIDGE_VLAN_INFO_PVID) {
    ret = vg.pvid !== v.vid;
    vg.pvid = v.vid;
  } else {
    ret = vg.pvid === v.vid;
    if (ret) vg.pvid = 0;
  }
  if (flags & BRIDGE_VLAN_INFO_UNTAGGED) v.flags |= BRIDGE_VLAN_INFO_UNTAGGED;
  else v.flags &= ~BRIDGE_VLAN_INFO_UNTAGGED;
  return ret || old !== v.flags;
}

/** __vlan_add_list(): in vid order */
function vlanAddList(vg: NetBridgeVlanGroup, v: NetBridgeVlan): void {
  let i = vg.list.length;
  while (i > 0 && vg.list[i - 1]!.vid > v.vid) i--;
  vg.list.splice(i, 0, v);
}

function vlanDelList(vg: NetBridgeVlanGroup, v: NetBridgeVlan): void {
  const i = vg.list.indexOf(v);
  if (i >= 0) vg.list.splice(i, 1);
  vg.hash.delete(v.vid);
}

/** br_vlan_get_master(): the master entry of a vid, made (not as a BRENTRY) if missing; a
 * reference taken */
function brVlanGetMaster(br: NetBridge, vid: number): NetBridgeVlan | undefined {
  let m = brVlanFind(br.vlgrp, vid);
  if (!m) {
    if (brVlanAdd(br, vid, 0).err) return undefined;
    m = brVlanFind(br.vlgrp, vid);
    if (!m) return undefined;
    m.refcnt = 1;
    return m;
  }
  m.refcnt++;
  return m;
}

/** br_vlan_put_master() */
function brVlanPutMaster(m: NetBridgeVlan): void {
  if (!brVlanIsMaster(m)) return;
  if (--m.refcnt === 0) vlanDelList(m.br!.vlgrp!, m);
}

/** __vlan_add() */
function vlanAdd(v: NetBridgeVlan, flags: number): KErr | undefined {
  const p = v.port;
  const br = p ? p.br : v.br!;
  const dev = p ? p.dev : br.dev;
  const vg = groupOf(v);
  if (p) {
    // the master vlan too (`bridge vlan add … master` sets BRIDGE_VLAN_INFO_MASTER)
    if (flags & BRIDGE_VLAN_INFO_MASTER) {
      const r = brVlanAdd(br, v.vid, flags | BRIDGE_VLAN_INFO_BRENTRY);
      if (r.err) return r.err;
    }
    const m = brVlanGetMaster(br, v.vid);
    if (!m) return kerr("ENOMEM");
    v.brvlan = m;
    v.stats = br.vlanStatsPerPort ? newStats() : m.stats;
  }
  /* Add the dev mac and count the vlan only if it's usable */
  if (brVlanShouldUse(v)) {
    fdbAddLocal(br, p, dev.devAddr, v.vid);
    vg.numVlans++;
  }
  vg.hash.set(v.vid, v);
  vlanAddList(vg, v);
  vlanAddFlags(v, flags);
  return undefined;
}

/** __vlan_del() */
function vlanDel(v: NetBridgeVlan): void {
  const vg = groupOf(v);
  const master = brVlanIsMaster(v) ? v : v.brvlan;
  if (vg.pvid === v.vid) vg.pvid = 0;
  if (brVlanShouldUse(v)) {
    v.flags &= ~BRIDGE_VLAN_INFO_BRENTRY;
    vg.numVlans--;
  }
  if (master !== v) vlanDelList(vg, v);
  if (master) brVlanPutMaster(master);
}

/** br_vlan_add_existing() */
function brVlanAddExisting(br: NetBridge, vg: NetBridgeVlanGroup, v: NetBridgeVlan, flags: number): { err?: KErr; changed: boolean } {
  let changed = false;
  if (!brVlanIsBrentry(v)) {
    /* Trying to change flags of non-existent bridge vlan */
    if (!(flags & BRIDGE_VLAN_INFO_BRENTRY)) return { err: kerr("EINVAL"), changed };
    /* It was only kept for port vlans, now make it real */
    fdbAddLocal(br, undefined, br.dev.devAddr, v.vid);
    v.refcnt++;
    v.flags |= BRIDGE_VLAN_INFO_BRENTRY;
    vg.numVlans++;
    changed = true;
  }
  if (vlanAddFlags(v, flags)) changed = true;
  return { changed };
}

/** br_vlan_add(): the bridge's (master) entry */
export function brVlanAdd(br: NetBridge, vid: number, flags: number): { err?: KErr; changed: boolean } {
  const vg = br.vlgrp!;
  const existing = brVlanFind(vg, vid);
  if (existing) return brVlanAddExisting(br, vg, existing, flags);
  const v: NetBridgeVlan = {
    vid, flags: (flags | BRIDGE_VLAN_INFO_MASTER) & ~BRIDGE_VLAN_INFO_PVID, br, port: undefined, brvlan: undefined,
    refcnt: flags & BRIDGE_VLAN_INFO_BRENTRY ? 1 : 0, stats: newStats(),
  };
  const err = vlanAdd(v, flags);
  return err ? { err, changed: false } : { changed: true };
}

/** br_vlan_delete() */
export function brVlanDelete(br: NetBridge, vid: number): KErr | undefined {
  const v = brVlanFind(br.vlgrp, vid);
  if (!v || !brVlanIsBrentry(v)) return kerr("ENOENT");
  brFdbFindDeleteLocal(br, undefined, br.dev.devAddr, vid);
  brFdbDeleteByPort(br, undefined, vid, false);
  vlanDel(v);
  return undefined;
}

/** nbp_vlan_add() */
export function nbpVlanAdd(p: NetBridgePort, vid: number, flags: number): { err?: KErr; changed: boolean } {
  const existing = brVlanFind(p.vlgrp, vid);
  if (existing) return { changed: vlanAddFlags(existing, flags) };
  const v: NetBridgeVlan = { vid, flags: 0, br: undefined, port: p, brvlan: undefined, refcnt: 0, stats: newStats() };
  const err = vlanAdd(v, flags);
  return err ? { err, changed: false } : { changed: true };
}

/** nbp_vlan_delete() */
export function nbpVlanDelete(p: NetBridgePort, vid: number): KErr | undefined {
  const v = brVlanFind(p.vlgrp, vid);
  if (!v) return kerr("ENOENT");
  brFdbFindDeleteLocal(p.br, p, p.dev.devAddr, vid);
  brFdbDeleteByPort(p.br, p, vid, false);
  vlanDel(v);
  return undefined;
}

/** br_fdb_find_delete_local() */
function brFdbFindDeleteLocal(br: NetBridge, p: NetBridgePort | undefined, addr: Uint8Array, vid: number): void {
  const f = brFdbFind(br, addr, vid);
  if (f && f.flags & BR_FDB_LOCAL && !(f.flags & BR_FDB_ADDED_BY_USER) && f.dst === p) fdbDeleteLocal(br, p, f);
}

/** __vlan_flush() */
function vlanFlush(vg: NetBridgeVlanGroup): void {
  vg.pvid = 0;
  for (const v of [...vg.list]) vlanDel(v);
}

/** br_vlan_init(): at bridge creation, vid 1 PVID untagged on the bridge itself */
export function brVlanInit(br: NetBridge): void {
  if (!brVlanConfigured(br.dev)) return;
  br.vlgrp = new NetBridgeVlanGroup();
  br.vlanProto = ETH_P_8021Q;
  br.defaultPvid = 1;
  brVlanAdd(br, 1, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED | BRIDGE_VLAN_INFO_BRENTRY);
}

/** br_vlan_flush(): the bridge going away */
export function brVlanFlush(br: NetBridge): void {
  if (!br.vlgrp) return;
  brFdbDeleteByPort(br, undefined, 0, true);
  vlanFlush(br.vlgrp);
  br.vlgrp = undefined;
}

/** nbp_vlan_init(): a port joining gets the default pvid, PVID untagged */
export function nbpVlanInit(p: NetBridgePort): void {
  if (!p.br.vlgrp) return;
  p.vlgrp = new NetBridgeVlanGroup();
  if (p.br.defaultPvid) nbpVlanAdd(p, p.br.defaultPvid, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED);
}

/** nbp_vlan_flush(): a port leaving */
export function nbpVlanFlush(p: NetBridgePort): void {
  if (!p.vlgrp) return;
  vlanFlush(p.vlgrp);
  p.vlgrp = undefined;
}

/** br_manage_promisc(): with vlan filtering off (or the bridge promiscuous) every port is
 * promiscuous; on, a port with unicast filtering could leave it — no emulated driver that
 * can be a port has IFF_UNICAST_FLT but macvlan, so every port stays so */
function brManagePromisc(_br: NetBridge): void {}

/** br_vlan_filter_toggle() */
export function brVlanFilterToggle(br: NetBridge, val: number): KErr | undefined {
  if (!br.vlgrp) return kerr("EOPNOTSUPP");
  if (br.vlanEnabled === (val ? 1 : 0)) return undefined;
  br.vlanEnabled = val ? 1 : 0;
  brManagePromisc(br);
  recalculateGroupAddr(br);
  if (!val && br.mcastVlanSnooping) {
    // br_info(), then br_multicast_toggle_vlan_snooping(br, false)
    netPrintk(br.dev.net!, `${br.dev.name}: vlan filtering disabled, automatically disabling multicast vlan snooping`);
    br.mcastVlanSnooping = 0;
  }
  return undefined;
}

/** recalculate_group_addr(): the provider bridge group address under 802.1ad filtering */
function recalculateGroupAddr(br: NetBridge): void {
  if (br.groupAddrSet) return;
  br.groupAddr[5] = !br.vlanEnabled || br.vlanProto === ETH_P_8021Q ? 0x00 : 0x08;
}

/** __br_vlan_set_proto() */
export function brVlanSetProto(br: NetBridge, proto: number): KErr | undefined {
  if (proto !== ETH_P_8021Q && proto !== ETH_P_8021AD) return kerr("EPROTONOSUPPORT");
  if (br.vlanProto === proto) return undefined;
  br.vlanProto = proto;
  recalculateGroupAddr(br);
  return undefined;
}

/** br_vlan_set_proto() (sysfs): the value as the number written */
export function brVlanSetProtoSysfs(br: NetBridge, val: number): KErr | undefined {
  if (val !== ETH_P_8021Q && val !== ETH_P_8021AD) return kerr("EPROTONOSUPPORT");
  return brVlanSetProto(br, val);
}

/** br_vlan_set_stats() */
export function brVlanSetStats(br: NetBridge, val: number): KErr | undefined {
  if (val !== 0 && val !== 1) return kerr("EINVAL");
  br.vlanStatsEnabled = val;
  return undefined;
}

/** br_vlan_set_stats_per_port(): only while no port has a vlan */
export function brVlanSetStatsPerPort(br: NetBridge, val: number): KErr | undefined {
  for (const p of br.ports) if (p.vlgrp?.numVlans) return kerr("EBUSY");
  if (val !== 0 && val !== 1) return kerr("EINVAL");
  br.vlanStatsPerPort = val;
  return undefined;
}

/** vlan_default_pvid(): is vid the group's pvid as the default left it (used, untagged) */
function vlanDefaultPvid(vg: NetBridgeVlanGroup, vid: number): boolean {
  if (vid !== vg.pvid) return false;
  const v = vg.hash.get(vid);
  return !!v && brVlanShouldUse(v) && (v.flags & BRIDGE_VLAN_INFO_UNTAGGED) !== 0;
}

/** br_vlan_disable_default_pvid() */
function brVlanDisableDefaultPvid(br: NetBridge): void {
  const pvid = br.defaultPvid;
  if (vlanDefaultPvid(br.vlgrp!, pvid)) brVlanDelete(br, pvid);
  for (const p of br.ports) if (vlanDefaultPvid(p.vlgrp!, pvid)) nbpVlanDelete(p, pvid);
  br.defaultPvid = 0;
}

/** __br_vlan_set_default_pvid(): moves the default entries that were not changed by the user */
export function brVlanSetDefaultPvid(br: NetBridge, pvid: number): KErr | undefined {
  if (!pvid) {
    brVlanDisableDefaultPvid(br);
    return undefined;
  }
  const old = br.defaultPvid;
  const vg = br.vlgrp!;
  const pvent = brVlanFind(vg, pvid);
  const PU = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED;
  if ((!old || vlanDefaultPvid(vg, old)) && (!pvent || !brVlanShouldUse(pvent))) {
    const r = brVlanAdd(br, pvid, PU | BRIDGE_VLAN_INFO_BRENTRY);
    if (r.err) return r.err;
    if (old) brVlanDelete(br, old);
  }
  for (const p of br.ports) {
    const pvg = p.vlgrp!;
    if ((old && !vlanDefaultPvid(pvg, old)) || brVlanFind(pvg, pvid)) continue;
    const r = nbpVlanAdd(p, pvid, PU);
    if (r.err) return r.err;
    if (old) nbpVlanDelete(p, old);
  }
  br.defaultPvid = pvid;
  return undefined;
}

/** pr_info_once(): the machines that printed it since boot */
const pvidInfoOnce = new WeakSet<object>();

/** br_vlan_set_default_pvid() (sysfs): not while filtering */
export function brVlanSetDefaultPvidSysfs(br: NetBridge, val: number): KErr | undefined {
  if (val >= VLAN_VID_MASK) return kerr("EINVAL");
  if (val === br.defaultPvid) return undefined;
  if (br.vlanEnabled) {
    const host = br.dev.net!.host;
    if (!pvidInfoOnce.has(host)) {
      pvidInfoOnce.add(host);
      netPrintk(br.dev.net!, "Please disable vlan filtering to change default_pvid");
    }
    return kerr("EPERM");
  }
  return brVlanSetDefaultPvid(br, val);
}

// ------------------------------------------------------------------------------ data path

/** br_vlan_get_tag(): the frame's vid (0 and false when it has no tag) */
function brVlanGetTag(skb: SkBuff): { tagged: boolean; vid: number } {
  return skb.vlanPresent ? { tagged: true, vid: skb.vlanTci & VLAN_VID_MASK } : { tagged: false, vid: 0 };
}

/**
 * skb_vlan_untag(): the tag of a frame whose protocol is a VLAN one moves out of band
 * (skb.vlanPresent/vlanTci/vlanProto). skb.data is past the Ethernet header, at the tag.
 */
export function skbVlanUntag(skb: SkBuff): boolean {
  if (skb.len < VLAN_HLEN) return false;
  const b = skb.buf;
  const tci = readU16(b, skb.data);
  const encap = readU16(b, skb.data + 2);
  const mac = skb.macHeader >= 0 ? skb.macHeader : skb.data - 14;
  b.copyWithin(mac + VLAN_HLEN, mac, mac + 12);
  skb.macHeader = mac + VLAN_HLEN;
  skb.data += VLAN_HLEN;
  skb.vlanPresent = true;
  skb.vlanTci = tci;
  skb.vlanProto = skb.protocol;
  skb.protocol = encap;
  writeU16(b, skb.macHeader + 12, encap);
  return true;
}

/**
 * __vlan_hwaccel_push_inside(): an out-of-band tag written back into the frame (what a device
 * without tx VLAN offload gets, and what the emulated devices and protocol handlers read).
 * skb.data is past the Ethernet header; after it, at the tag.
 */
export function skbVlanPushInside(skb: SkBuff): void {
  if (!skb.vlanPresent) return;
  // room for the tag in front of the Ethernet header (skb_cow_head()): push() reallocates
  // when the headroom is short of the header and the tag
  skb.push(VLAN_HLEN + 14);
  skb.pull(14);
  const b = skb.buf;
  const mac = skb.data - 14;
  // the addresses down by 4, then the tag between them and the type
  b.copyWithin(mac, mac + VLAN_HLEN, mac + VLAN_HLEN + 12);
  writeU16(b, mac + 12, skb.vlanProto);
  writeU16(b, mac + 14, skb.vlanTci);
  skb.macHeader = mac;
  skb.protocol = skb.vlanProto;
  skb.vlanPresent = false;
  skb.vlanTci = 0;
  skb.vlanProto = 0;
}

/**
 * __allowed_ingress() via br_allowed_ingress(): the frame's vid, or -1 when it is dropped.
 * BR_INPUT_SKB_CB(skb)->vlan_filtered is br.vlanEnabled: the caller sets it with the control
 * block. A frame tagged with the bridge's protocol (in the frame: the Ethernet type at the MAC
 * header) has its tag taken out of band first.
 */
export function brAllowedIngress(br: NetBridge, vg: NetBridgeVlanGroup | undefined, skb: SkBuff): number {
  if (!br.vlanEnabled) return 0;
  const mac = skb.macHeader >= 0 ? skb.macHeader : skb.data - 14;
  if (!skb.vlanPresent && readU16(skb.buf, mac + 12) === br.vlanProto) {
    skb.protocol = br.vlanProto;
    if (!skbVlanUntag(skb)) return -1;
  }
  // a tag of another protocol (802.1ad on an 802.1Q bridge) is not taken out of the frame
  // here (the emulated devices carry tags in the frame): it is payload, the frame untagged
  const tag = brVlanGetTag(skb);
  const tagged = tag.tagged;
  let vid = tag.vid;
  if (!vid) {
    const pvid = brGetPvid(vg);
    if (!pvid) return -1;
    vid = pvid;
    if (!tagged) {
      skb.vlanPresent = true;
      skb.vlanProto = br.vlanProto;
      skb.vlanTci = pvid;
    } else skb.vlanTci |= pvid;
    if (!br.vlanStatsEnabled) return vid;
  }
  const v = brVlanFind(vg, vid);
  if (!v || !brVlanShouldUse(v)) return -1;
  if (br.vlanStatsEnabled) {
    v.stats.rxBytes += skb.len;
    v.stats.rxPackets++;
  }
  return vid;
}

/** br_should_learn(): the vid a frame teaches the fdb under, or -1 */
export function brShouldLearn(p: NetBridgePort, skb: SkBuff, vid: number): number {
  const br = p.br;
  if (!br.vlanEnabled) return vid;
  const vg = p.vlgrp;
  if (!vg || !vg.numVlans) return -1;
  if (skb.vlanPresent) vid = skb.vlanProto !== br.vlanProto ? 0 : skb.vlanTci & VLAN_VID_MASK;
  if (!vid) {
    vid = brGetPvid(vg);
    return vid ? vid : -1;
  }
  return brVlanFind(vg, vid) ? vid : -1;
}

/** br_allowed_egress() */
export function brAllowedEgress(vg: NetBridgeVlanGroup | undefined, skb: SkBuff): boolean {
  if (!skb.brInputCb?.vlanFiltered) return true;
  const v = brVlanFind(vg, brVlanGetTag(skb).vid);
  return !!v && brVlanShouldUse(v);
}

/** br_handle_vlan(): on the way out of a port (or up the bridge device, p undefined): the tag
 * stripped when the vlan is untagged there; false when the frame is dropped */
export function brHandleVlan(br: NetBridge, p: NetBridgePort | undefined, vg: NetBridgeVlanGroup | undefined, skb: SkBuff): boolean {
  if (!skb.brInputCb?.vlanFiltered) return true;
  const v = brVlanFind(vg, brVlanGetTag(skb).vid);
  if (!v || !brVlanShouldUse(v)) return (br.dev.flags & IFF_PROMISC) !== 0 && skb.dev === br.dev;
  if (br.vlanStatsEnabled) {
    v.stats.txBytes += skb.len;
    v.stats.txPackets++;
  }
  if (v.flags & BRIDGE_VLAN_INFO_UNTAGGED) {
    skb.vlanPresent = false;
    skb.vlanTci = 0;
    skb.vlanProto = 0;
  }
  // (p: a vlan tunnel port's egress, br_handle_egress_vlan_tunnel(), is not modelled)
  void p;
  return true;
}

/** the port entries, for a port's MAC change (br_fdb_changeaddr) and the bridge's */
export function brVlanUsedVids(vg: NetBridgeVlanGroup | undefined): number[] {
  return vg ? vg.list.filter(brVlanShouldUse).map((v) => v.vid) : [];
}
