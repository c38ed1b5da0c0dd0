/**
 * net/bridge/br_private.h: struct net_bridge, struct net_bridge_port, struct
 * net_bridge_fdb_entry and the constants shared by the bridge files.
 * Times are kept in jiffies-free form: µs of the world's scheduler; reported as clock_t.
 */
import type { NetDevice } from "../core/netdevice.ts";
import type { Timer } from "../../sim/scheduler.ts";
import { USEC_PER_SEC, HZ, USEC_PER_JIFFY } from "../../sim/scheduler.ts";

export const BR_STATE_DISABLED = 0;
export const BR_STATE_LISTENING = 1;
export const BR_STATE_LEARNING = 2;
export const BR_STATE_FORWARDING = 3;
export const BR_STATE_BLOCKING = 4;
export const brPortStateNames = ["disabled", "listening", "learning", "forwarding", "blocking"];

export const BR_NO_STP = 0;
export const BR_KERNEL_STP = 1;
export const BR_USER_STP = 2;

export const BR_PORT_BITS = 10;
export const BR_MAX_PORTS = 1 << BR_PORT_BITS;

/** port flags (include/linux/if_bridge.h BR_*) */
export const BR_HAIRPIN_MODE = 1 << 0;
export const BR_BPDU_GUARD = 1 << 1;
export const BR_ROOT_BLOCK = 1 << 2;
export const BR_MULTICAST_FAST_LEAVE = 1 << 3;
export const BR_ADMIN_COST = 1 << 4;
export const BR_LEARNING = 1 << 5;
export const BR_FLOOD = 1 << 6;
export const BR_PROMISC = 1 << 7;
export const BR_PROXYARP = 1 << 8;
export const BR_LEARNING_SYNC = 1 << 9;
export const BR_PROXYARP_WIFI = 1 << 10;
export const BR_MCAST_FLOOD = 1 << 11;
export const BR_MULTICAST_TO_UNICAST = 1 << 12;
export const BR_VLAN_TUNNEL = 1 << 13;
export const BR_BCAST_FLOOD = 1 << 14;
export const BR_NEIGH_SUPPRESS = 1 << 15;
export const BR_ISOLATED = 1 << 16;
export const BR_MRP_AWARE = 1 << 17;
export const BR_MRP_LOST_CONT = 1 << 18;
export const BR_MRP_LOST_IN_CONT = 1 << 19;
export const BR_TX_FWD_OFFLOAD = 1 << 20;
export const BR_PORT_LOCKED = 1 << 21;

/** fdb entry flags (BR_FDB_*) */
export const BR_FDB_LOCAL = 1 << 0;
export const BR_FDB_STATIC = 1 << 1;
export const BR_FDB_STICKY = 1 << 2;
export const BR_FDB_ADDED_BY_USER = 1 << 3;
export const BR_FDB_ADDED_BY_EXT_LEARN = 1 << 4;
export const BR_FDB_OFFLOADED = 1 << 5;
export const BR_FDB_NOTIFY = 1 << 6;

/** bridge vlan flags (BRIDGE_VLAN_INFO_*, include/uapi/linux/if_bridge.h) */
export {
  BRIDGE_VLAN_INFO_MASTER, BRIDGE_VLAN_INFO_PVID, BRIDGE_VLAN_INFO_UNTAGGED, BRIDGE_VLAN_INFO_BRENTRY,
} from "../uapi/rtnetlink.ts";

export const jiffies = (n: number): number => n * USEC_PER_JIFFY;
/** TICK_NSEC: nanoseconds per jiffy */
const TICK_NSEC = Math.floor((1_000_000_000 + HZ / 2) / HZ);
const USER_HZ = 100;
const U64 = (1n << 64n) - 1n;

/**
 * kernel/time/time.c: jiffies_to_clock_t(). HZ 250 is no multiple of USER_HZ, so it is
 * (u64)x * TICK_NSEC / (NSEC_PER_SEC / USER_HZ), a product that wraps at 2^64 once x is
 * over 4.6e12 jiffies (an ageing time of 10^12 s reads back as 3875820018.68 s)
 */
export function jiffiesToClockT(j: number): number {
  const p = j * TICK_NSEC;
  if (p <= Number.MAX_SAFE_INTEGER) return Math.floor(p / (1_000_000_000 / USER_HZ));
  return Number(((BigInt(j) * BigInt(TICK_NSEC)) & U64) / BigInt(1_000_000_000 / USER_HZ));
}

/** kernel/time/time.c: clock_t_to_jiffies(): ~0UL from ~0UL / HZ * USER_HZ on, below that
 * div_u64((u64)x * HZ, USER_HZ), whose product wraps too */
export function clockTToJiffies(x: number): number {
  const bx = BigInt.asUintN(64, BigInt(Math.trunc(x)));
  if (bx >= (U64 / BigInt(HZ)) * BigInt(USER_HZ)) return Number(U64);
  const p = x * HZ;
  if (p <= Number.MAX_SAFE_INTEGER && x >= 0) return Math.floor(p / USER_HZ);
  return Number(((bx * BigInt(HZ)) & U64) / BigInt(USER_HZ));
}

/** jiffies_to_clock_t() of a duration in µs (USER_HZ 100 → centiseconds) */
export function usToClockT(us: number): number {
  return jiffiesToClockT(Math.floor(us / USEC_PER_JIFFY));
}
/** clock_t_to_jiffies() as µs */
export function clockTToUs(c: number): number {
  return clockTToJiffies(c) * USEC_PER_JIFFY;
}
export const SEC = USEC_PER_SEC;

/** a bridge id: a value, never changed in place (a port's designated bridge and root share the
 * bridge's own object while they are equal to it: comparing them then reads neither) */
export interface BridgeId {
  readonly prio: number; // 16 bits
  readonly addr: Uint8Array; // 6 bytes
}

export interface FdbEntry {
  addr: Uint8Array;
  vid: number;
  dst: NetBridgePort | undefined;
  flags: number;
  /** µs of the last time it was refreshed / used */
  updated: number;
  used: number;
}

/** struct br_mcast_stats: per direction [RX, TX] */
export interface BrMcastStats {
  igmpV1queries: [number, number]; igmpV2queries: [number, number]; igmpV3queries: [number, number];
  igmpLeaves: [number, number];
  igmpV1reports: [number, number]; igmpV2reports: [number, number]; igmpV3reports: [number, number];
  igmpParseErrors: number;
  mldV1queries: [number, number]; mldV2queries: [number, number]; mldLeaves: [number, number];
  mldParseErrors: number;
  mldV1reports: [number, number]; mldV2reports: [number, number];
}

export function newMcastStats(): BrMcastStats {
  return {
    igmpV1queries: [0, 0], igmpV2queries: [0, 0], igmpV3queries: [0, 0], igmpLeaves: [0, 0],
    igmpV1reports: [0, 0], igmpV2reports: [0, 0], igmpV3reports: [0, 0], igmpParseErrors: 0,
    mldV1queries: [0, 0], mldV2queries: [0, 0], mldLeaves: [0, 0], mldParseErrors: 0,
    mldV1reports: [0, 0], mldV2reports: [0, 0],
  };
}

/** struct bridge_stp_xstats */
export interface BrStpXstats {
  transitionBlk: number; transitionFwd: number; rxBpdu: number; txBpdu: number; rxTcn: number; txTcn: number;
}

export class NetBridgePort {
  // (declared fields: constructor parameter properties would come after every field) the
  // state and flags are also kept in the bridge's per-port arrays (brPortsAdd()), which is
  // what a flood reads instead of the port
  readonly br: NetBridge;
  readonly dev: NetDevice;
  private st = BR_STATE_DISABLED;
  private fl = BR_LEARNING | BR_FLOOD | BR_MCAST_FLOOD | BR_BCAST_FLOOD;
  /** the port's index in br.ports (-1 while it is not in it) */
  idx = -1;
  /** p->state */
  get state(): number {
    return this.st;
  }
  set state(v: number) {
    this.st = v;
    if (this.idx >= 0) this.br.portState[this.idx] = v;
  }
  /** p->flags (BR_*) */
  get flags(): number {
    return this.fl;
  }
  set flags(v: number) {
    this.fl = v;
    if (this.idx >= 0) this.br.portFlags[this.idx] = v;
  }
  // what br_port_state_selection() reads of every port of the bridge (state above, the port's
  // number and id, whether it is the designated port, its message age timer) next to each
  // other: a thousand-port bridge runs it for each port that comes up
  portNo = 0;
  portId = 0;
  designatedBridge: BridgeId = { prio: 0, addr: new Uint8Array(6) };
  designatedPort = 0;
  /** made when first armed (a BPDU recorded: brMessageAgeTimer()); until then there is nothing
   * to stop, and a port state selection over a thousand ports reads no timer */
  messageAgeTimer: Timer | undefined = undefined;
  topologyChangeAck = 0;
  configPending = 0;
  priority = 0x20;
  pathCost = 100;
  designatedRoot: BridgeId = { prio: 0, addr: new Uint8Array(6) };
  designatedCost = 0;
  /** designated_age: when the designated bridge's info was born (µs) */
  designatedAge = 0;
  groupFwdMask = 0;
  multicastRouter = 1;
  forwardDelayTimer: Timer;
  holdTimer: Timer;
  /** the port's timer maker (the bridge namespace's scheduler) */
  readonly mkTimer: (fn: () => void, label: string) => Timer;
  /** p->vlgrp: its VLANs (CONFIG_BRIDGE_VLAN_FILTERING only: br_vlan.ts) */
  vlgrp: import("./br_vlan.ts").NetBridgeVlanGroup | undefined = undefined;
  /** p->mcast_stats (counted while the bridge's mcast_stats_enabled is on) */
  mcastStats = newMcastStats();
  /** p->stp_xstats */
  stpXstats: BrStpXstats = { transitionBlk: 0, transitionFwd: 0, rxBpdu: 0, txBpdu: 0, rxTcn: 0, txTcn: 0 };
  constructor(br: NetBridge, dev: NetDevice, mk: (fn: () => void, label: string) => Timer) {
    this.br = br;
    this.dev = dev;
    this.mkTimer = mk;
    this.forwardDelayTimer = mk(() => {}, "br_forward_delay_timer");
    this.holdTimer = mk(() => {}, "br_hold_timer");
  }
}

export class NetBridge {
  /** br->port_list, in the order the ports were added (brPortsAdd(), brPortsDel()) */
  readonly ports: NetBridgePort[] = [];
  /** each port's device, state and flags, by its index in `ports`: a flood over a thousand
   * ports walks these three arrays (a cache line holds eight ports' worth of each) and reads a
   * port's own object only for a copy it builds, not one cache line more per port */
  readonly portDev: NetDevice[] = [];
  readonly portState: number[] = [];
  readonly portFlags: number[] = [];
  /** the port numbers in use (find_portno()'s bitmap, kept: adding a port reads no other port) */
  readonly portNoUsed = new Uint8Array(BR_MAX_PORTS);
  /** br_stp_recalculate_bridge_id()'s lowest port MAC so far: the port that has it among the
   * first `lowestAddrCount` ports (brStpForgetLowestAddr() when a port goes or a port's MAC
   * changes), so that adding a port compares one address, not every port's */
  lowestAddrPort: NetBridgePort | undefined = undefined;
  lowestAddrCount = 0;
  /** fdb in insertion order; dumps walk it newest first (hlist_add_head) */
  fdb = new Map<string, FdbEntry>();
  bridgeId: BridgeId = { prio: 0x8000, addr: new Uint8Array(6) };
  designatedRoot: BridgeId = { prio: 0x8000, addr: new Uint8Array(6) };
  rootPort = 0;
  rootPathCost = 0;
  maxAge = 20 * SEC;
  helloTime = 2 * SEC;
  forwardDelay = 15 * SEC;
  bridgeMaxAge = 20 * SEC;
  bridgeHelloTime = 2 * SEC;
  bridgeForwardDelay = 15 * SEC;
  ageingTime = 300 * SEC;
  /** bridge_ageing_time: the configured value (ageing_time is shortened during a topology change) */
  bridgeAgeingTime = 300 * SEC;
  stpEnabled = BR_NO_STP;
  topologyChange = 0;
  topologyChangeDetected = 0;
  groupAddr = new Uint8Array([0x01, 0x80, 0xc2, 0, 0, 0]);
  groupFwdMask = 0;
  vlanEnabled = 0;
  vlanProto = 0x8100;
  defaultPvid = 1;
  vlanStatsEnabled = 0;
  vlanStatsPerPort = 0;
  multicastSnooping = 1;
  multicastRouter = 1;
  multicastQuerier = 0;
  multicastQueryUseIfaddr = 0;
  hashElasticity = 16;
  hashMax = 4096;
  lastMemberCount = 2;
  startupQueryCount = 2;
  lastMemberInterval = 100; // clock_t
  membershipInterval = 26000;
  querierInterval = 25500;
  queryInterval = 12500;
  queryResponseInterval = 1000;
  startupQueryInterval = 3124;
  multicastStatsEnabled = 0;
  /** br->mdb_list / mdb_hash_tbl: the multicast groups known, oldest first (a dump walks it
   * newest first: hlist_add_head) */
  mdb = new Map<string, import("./br_multicast.ts").MdbEntry>();
  /** br->mcast_stats */
  mcastStats = newMcastStats();
  igmpVersion = 2;
  mldVersion = 1;
  nfCallIptables = 0;
  nfCallIp6tables = 0;
  nfCallArptables = 0;
  noLinklocalLearn = 0;
  mcastVlanSnooping = 0;
  /** br->vlgrp: the bridge's own VLANs (CONFIG_BRIDGE_VLAN_FILTERING only: br_vlan.ts) */
  vlgrp: import("./br_vlan.ts").NetBridgeVlanGroup | undefined = undefined;
  /** BROPT_GROUP_ADDR_SET: group_address set by the user */
  groupAddrSet = false;
  /** BROPT_MTU_SET_BY_USER */
  mtuSetByUser = false;
  mtuAdjusting = false;
  gcTimer!: Timer;
  helloTimer!: Timer;
  tcnTimer!: Timer;
  topologyChangeTimer!: Timer;
  constructor(readonly dev: NetDevice) {}
}

export function macKey(addr: Uint8Array, vid: number): string {
  // the fdb hash key (fdb_rhash_params: addr + vid): three 16-bit halves and the vid as
  // char codes, built per frame without garbage beyond the key itself
  return String.fromCharCode((addr[0]! << 8) | addr[1]!, (addr[2]! << 8) | addr[3]!, (addr[4]! << 8) | addr[5]!, vid);
}

export function macEqual(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function macCmp(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function isMulticastEther(a: Uint8Array): boolean {
  return (a[0]! & 1) !== 0;
}

export function isZeroEther(a: Uint8Array): boolean {
  return (a[0]! | a[1]! | a[2]! | a[3]! | a[4]! | a[5]!) === 0;
}

export function isValidEther(a: Uint8Array): boolean {
  return !isMulticastEther(a) && !isZeroEther(a);
}

export function brPortGet(dev: NetDevice): NetBridgePort | undefined {
  return dev.brPort instanceof NetBridgePort ? dev.brPort : undefined;
}

export function brFromDev(dev: NetDevice): NetBridge | undefined {
  return dev.priv instanceof NetBridge ? dev.priv : undefined;
}

/** br_make_port_id() */
export function brMakePortId(priority: number, portNo: number): number {
  return ((priority & 0x3f) << BR_PORT_BITS) | (portNo & (BR_MAX_PORTS - 1));
}

/** list_add_rcu(&p->list, &br->port_list): `p` goes last */
export function brPortsAdd(br: NetBridge, p: NetBridgePort): void {
  p.idx = br.ports.length;
  br.ports.push(p);
  br.portDev.push(p.dev);
  br.portState.push(p.state);
  br.portFlags.push(p.flags);
}

/** list_del_rcu(&p->list) */
export function brPortsDel(br: NetBridge, p: NetBridgePort): void {
  const i = p.idx;
  if (i < 0 || br.ports[i] !== p) return;
  br.ports.splice(i, 1);
  br.portDev.splice(i, 1);
  br.portState.splice(i, 1);
  br.portFlags.splice(i, 1);
  for (let j = i; j < br.ports.length; j++) br.ports[j]!.idx = j;
  p.idx = -1;
}
