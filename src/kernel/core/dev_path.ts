/**
 * The packet-path half of net/core/dev.c: dev_queue_xmit(), the packet taps (ptype_all,
 * dev_add_pack), netif_rx() onto the backlog, net_rx_action() (the NET_RX softirq, run on the
 * world's scheduler with a budget), __netif_receive_skb_core() (taps, rx_handler, protocol
 * handlers by ethertype), and eth_type_trans() (net/ethernet/eth.c).
 *
 * Device stats: Linux drivers count their own packets; here the core counts for every driver:
 * tx when ndo_start_xmit accepts a frame (whole frame bytes), rx in netif_receive_skb (whole
 * frame bytes), except the bridge device (IFF_EBRIDGE), which counts in br_pass_frame_up as
 * Linux does, and drivers that count their own (IFF_DRIVER_TX_STATS, IFF_DRIVER_RX_STATS).
 */
import { CHECKSUM_PARTIAL, skbChecksumHelp, type SkBuff } from "./skbuff.ts";
import type { NetDevice } from "./netdevice.ts";
import { netdevCsumOffload } from "./netdev_features.ts";
import { NetGeneric, type Net } from "./net_namespace.ts";
import type { Scheduler, Timer } from "../../sim/scheduler.ts";
import type { Rng } from "../../sim/rng.ts";
import {
  NETDEV_TX_OK, RX_HANDLER_CONSUMED, RX_HANDLER_ANOTHER, IFF_EBRIDGE, IFF_DRIVER_TX_STATS, IFF_DRIVER_RX_STATS,
} from "./netdevice.ts";
import {
  IFF_UP, IFF_LOOPBACK, ETH_P_ALL, ETH_P_802_2, ETH_P_802_3, ETH_P_802_3_MIN,
  PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST, PACKET_OTHERHOST, PACKET_OUTGOING, PACKET_LOOPBACK,
} from "../uapi/if.ts";
import { kfreeSkbReason, dropTraced } from "./drop.ts";
import { readU16 } from "../../wire/addr.ts";

// ------------------------------------------------------------------ world access

/** the scheduler of the world a namespace lives in (net->host->world) */
export function netSched(net: Net): Scheduler {
  return net.host.world.sched;
}

/** the world's seeded random source */
export function netRng(net: Net): Rng {
  return net.host.world.rng;
}

// ------------------------------------------------------------------ packet types

/**
 * include/linux/netdevice.h: struct packet_type. `type` is ETH_P_ALL for a tap (AF_PACKET,
 * tcpdump) or an ethertype; `dev` restricts it to one device. `func` must not keep or modify
 * the skb: a tap copies the bytes it wants. `origDev` is the device the frame arrived on
 * before an rx_handler (bridge) moved it.
 */
export interface PacketType {
  type: number;
  dev?: NetDevice | undefined;
  func(skb: SkBuff, dev: NetDevice, pt: PacketType, origDev: NetDevice): void;
  /** AF_PACKET: see frames sent by this host too (dev_queue_xmit_nit); default true for ETH_P_ALL */
  ignoreOutgoing?: boolean;
}

/** per-netns tap lists (net->ptype_all, net->ptype_specific) */
interface NetPtypes {
  all: PacketType[];
  specific: PacketType[];
}
const netPtypes = new NetGeneric<NetPtypes>();

/** the protocol handlers (ptype_base, one per ethertype; registered by inetInit) */
const ptypeBase = new Map<number, (skb: SkBuff, dev: NetDevice, origDev: NetDevice) => void>();

function ptypesOf(net: Net): NetPtypes {
  let p = netPtypes.get(net);
  if (!p) netPtypes.set(net, (p = { all: [], specific: [] }));
  return p;
}

/** how many taps / specific handlers are registered in all namespaces: with none (no
 * tcpdump, no dhclient anywhere) the packet path skips looking for them per frame, as
 * Linux's static keys (netstamp_needed, ptype lists checked with list_empty) do */
let ptypeCount = 0;

/** net/core/dev.c: dev_add_pack() for a namespace's taps / specific handlers */
export function devAddPack(net: Net, pt: PacketType): void {
  const p = ptypesOf(net);
  if (pt.type === ETH_P_ALL) p.all.push(pt);
  else p.specific.push(pt);
  ptypeCount++;
}

/** net/core/dev.c: dev_remove_pack() */
export function devRemovePack(net: Net, pt: PacketType): void {
  const p = netPtypes.get(net);
  if (!p) return;
  const list = pt.type === ETH_P_ALL ? p.all : p.specific;
  const i = list.indexOf(pt);
  if (i >= 0) {
    list.splice(i, 1);
    ptypeCount--;
  }
}

/**
 * A protocol handler's look at a frame it would end without keeping it (not for this host):
 * given the bytes from the network header (`b[off..off+len)`), the pkt_type, the receiving
 * device and the skb's mark there, it either does what the handler does on that way (counts,
 * and what it changes that keeps nothing of the frame) and returns non-zero (the handler's own
 * code for how it ended), or returns 0 having done nothing. Lets a frame queued unbuilt
 * (SharedRx) be received without being built.
 */
export type PtypePeek = (b: Uint8Array, off: number, len: number, pktType: number, dev: NetDevice, mark: number, run?: SharedRx) => number;
const ptypePeek = new Map<number, PtypePeek>();

/** net/core/dev.c: dev_add_pack() for the global protocol handlers (ARP, IPv4) */
export function devAddProtocol(type: number, fn: (skb: SkBuff, dev: NetDevice, origDev: NetDevice) => void, peek?: PtypePeek): void {
  ptypeBase.set(type, fn);
  if (peek !== undefined) ptypePeek.set(type, peek);
  else ptypePeek.delete(type);
}

// ------------------------------------------------------------------ transmit

/** net/core/dev.c: dev_queue_xmit_nit(): show an outgoing frame to the taps */
function devQueueXmitNit(skb: SkBuff, dev: NetDevice, taps: PacketType[]): void {
  const saved = skb.pktType;
  skb.pktType = PACKET_OUTGOING;
  for (let i = 0; i < taps.length; i++) {
    const pt = taps[i]!;
    if (pt.ignoreOutgoing) continue;
    if (pt.dev !== undefined && pt.dev !== dev) continue;
    pt.func(skb, dev, pt, dev);
  }
  skb.pktType = saved;
}

/** dev_recursion_level(): how many devices' xmit the current code runs inside (a tunnel's
 * own packets are sent from its ndo_start_xmit) */
let xmitRecursion = 0;
export function devRecursionLevel(): number {
  return xmitRecursion;
}

/**
 * net/core/dev.c: __dev_queue_xmit(). The frame starts at skb.data with its link-layer
 * header. No qdisc (noqueue / a queue that never fills): taps, then ndo_start_xmit.
 */
export function devQueueXmit(skb: SkBuff): number {
  const dev = skb.dev!;
  if (!(dev.flags & IFF_UP)) {
    // dev_queue_xmit on a down device: __dev_xmit_skb fails, counted as tx_dropped
    dev.stats.tx_dropped++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_DEV_READY", "__dev_queue_xmit");
    return -100; // -ENETDOWN
  }
  if (!dev.txActive) {
    // noop_qdisc (no carrier, or not yet activated): noop_enqueue() drops it, as tx_dropped
    dev.stats.tx_dropped++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_QDISC_DROP", "noop_enqueue");
    return 2; // NET_XMIT_CN
  }
  if (skb.macHeader < 0) skb.macHeader = skb.data;
  // validate_xmit_skb(): a device that cannot finish a partial checksum gets it done here
  if (skb.ipSummed === CHECKSUM_PARTIAL && !netdevCsumOffload(dev)) skbChecksumHelp(skb);
  const taps = ptypeCount === 0 ? undefined : netPtypes.get(dev.net)?.all;
  if (taps !== undefined && taps.length) devQueueXmitNit(skb, dev, taps);
  const len = skb.tail - skb.data;
  xmitRecursion++;
  let rc: number;
  try {
    rc = dev.ops.startXmit(skb, dev);
  } finally {
    xmitRecursion--;
  }
  if (rc === NETDEV_TX_OK) countTx(dev, len);
  return rc;
}

/** a frame of `len` bytes the driver took: tx stats (the bridge counts in br_dev_xmit,
 * loopback in loopback_xmit, tunnels in iptunnel_xmit) */
function countTx(dev: NetDevice, len: number): void {
  if (dev.privFlags & (IFF_EBRIDGE | IFF_DRIVER_TX_STATS) || dev.flags & IFF_LOOPBACK) return;
  dev.stats.tx_packets++;
  dev.stats.tx_bytes += len;
}

/** netif_receive_skb()'s rx stats of a frame of `len` bytes (lo counts in loopback_xmit(); the
 * other drivers count the whole frame here; rx multicast is a driver counter: veth, lo, vxlan
 * and tun do not keep it) */
function countRx(dev: NetDevice, pktType: number, len: number): void {
  if (dev.privFlags & (IFF_EBRIDGE | IFF_DRIVER_RX_STATS) || dev.flags & IFF_LOOPBACK || pktType === PACKET_LOOPBACK) return;
  dev.stats.rx_packets++;
  dev.stats.rx_bytes += len;
}

/** is_skb_forwardable()'s size test: does a frame of `len` bytes fit `dev`'s MTU, link-layer
 * header and a VLAN tag? */
export function devForwardable(dev: NetDevice, len: number): boolean {
  return len <= dev.mtu + dev.hardHeaderLen + 4;
}

/** net/core/dev.c: dev_hard_header(): write the Ethernet header in front of skb.data */
export function devHardHeader(skb: SkBuff, dev: NetDevice, type: number, daddr: Uint8Array, saddr?: Uint8Array): void {
  if (dev.hardHeaderLen < 14) return; // eth_header_ops (Ethernet and loopback)
  const o = skb.push(14);
  const b = skb.buf;
  const s = saddr ?? dev.devAddr;
  // (byte by byte: two subarray views per frame cost more than the twelve bytes)
  for (let i = 0; i < 6; i++) {
    b[o + i] = daddr[i]!;
    b[o + 6 + i] = s[i]!;
  }
  b[o + 12] = type >>> 8;
  b[o + 13] = type & 0xff;
  skb.macHeader = o;
  skb.protocol = type;
}

// ------------------------------------------------------------------ receive: backlog + softirq

/** net/core/dev.c sysctls (net.core.netdev_max_backlog, netdev_budget, dev_weight) */
export const NETDEV_MAX_BACKLOG = 1000;
export const NETDEV_BUDGET = 300;
export const DEV_WEIGHT = 64;
/** simulated time from netif_rx() to the softirq that processes the frame (wire + IRQ), and
 * the CPU time one frame costs the softirq: a storm advances the clock instead of freezing it */
export const NET_RX_DELAY_US = 5;
export const NET_RX_COST_US = 1;

/**
 * struct softnet_data: one per world (one CPU). A ring of skbs; the NET_RX softirq runs as a
 * scheduler event at the current time, processes at most NETDEV_BUDGET frames, and re-arms
 * itself when work is left (so a storm advances in bounded steps, never recursively).
 */
class SoftnetData {
  /** the frames, or for a copy queued unbuilt its receiving device (with its SharedRx in `runs`);
   * a ring whose size is a power of two (an index wraps with a mask, not a division) */
  q: (SkBuff | NetDevice | undefined)[] = new Array(1024);
  runs: (SharedRx | undefined)[] = new Array(1024);
  /** the SharedRx of the entry shift() last returned (undefined: that was an skb) */
  shifted: SharedRx | undefined = undefined;
  head = 0;
  count = 0;
  timer: Timer;
  /** softnet_stat: processed, dropped, time_squeeze */
  processed = 0;
  dropped = 0;
  timeSqueeze = 0;
  /** net_rx_action() is on the stack (softirq context) */
  running = false;
  /** in a syscall's do_softirq(): how far past `now` the CPU has got with the frames */
  busy = 0;
  constructor(sched: Scheduler) {
    this.timer = sched.timer(() => netRxAction(this), "NET_RX");
  }
  push(e: SkBuff | NetDevice, run?: SharedRx): void {
    if (this.count === this.q.length) {
      const n = this.q.length;
      const nq: (SkBuff | NetDevice | undefined)[] = new Array(n * 2);
      const nr: (SharedRx | undefined)[] = new Array(n * 2);
      for (let i = 0; i < this.count; i++) {
        nq[i] = this.q[(this.head + i) & (n - 1)];
        nr[i] = this.runs[(this.head + i) & (n - 1)];
      }
      this.q = nq;
      this.runs = nr;
      this.head = 0;
    }
    const i = (this.head + this.count) & (this.q.length - 1);
    this.q[i] = e;
    this.runs[i] = run;
    this.count++;
  }
  shift(): SkBuff | NetDevice {
    const e = this.q[this.head]!;
    this.shifted = this.runs[this.head];
    this.q[this.head] = undefined;
    this.runs[this.head] = undefined;
    this.head = (this.head + 1) & (this.q.length - 1);
    this.count--;
    return e;
  }
}

const softnet = new WeakMap<Scheduler, SoftnetData>();

// the world of the last frame (there is usually one): its softnet without a WeakMap lookup
let lastSched: Scheduler | undefined;
let lastSd: SoftnetData | undefined;

function softnetOf(sched: Scheduler): SoftnetData {
  if (sched === lastSched) return lastSd!;
  let sd = softnet.get(sched);
  if (!sd) softnet.set(sched, (sd = new SoftnetData(sched)));
  lastSched = sched;
  lastSd = sd;
  return sd;
}

/** the time a frame being handled now carries (netif_rx stamps, socket error queues) */
export function netNow(net: Net): number {
  const sched = netSched(net);
  const sd = softnet.get(sched);
  return sd === undefined ? sched.now : sched.now + sd.busy;
}

/** the softnet statistics of a world (/proc/net/softnet_stat) */
export function softnetStat(sched: Scheduler): { processed: number; dropped: number; timeSqueeze: number; backlog: number } {
  const sd = softnetOf(sched);
  return { processed: sd.processed, dropped: sd.dropped, timeSqueeze: sd.timeSqueeze, backlog: sd.count };
}

/**
 * net/ethernet/eth.c: eth_type_trans(): set the mac header, pull it, classify the frame
 * (pkt_type) and return the ethertype (also stored in skb.protocol).
 */
export function ethTypeTrans(skb: SkBuff, dev: NetDevice): number {
  skb.dev = dev;
  skb.macHeader = skb.data;
  const b = skb.buf;
  const o = skb.data;
  skb.pull(14);
  skb.pktType = ethPktType(b, o, dev);
  const proto = readU16(b, o + 12);
  // an 802.3 length, not a type: IPX's raw 802.3 (no LLC header: FFFF there), or 802.2 LLC
  skb.protocol = proto >= ETH_P_802_3_MIN ? proto : skb.len >= 2 && b[o + 14] === 0xff && b[o + 15] === 0xff ? ETH_P_802_3 : ETH_P_802_2;
  return skb.protocol;
}

/** eth_type_trans()'s pkt_type of the frame whose Ethernet header is at `b[o]`, received on `dev` */
function ethPktType(b: Uint8Array, o: number, dev: NetDevice): number {
  if (b[o]! & 1) {
    let bc = 0xff;
    for (let i = 0; i < 6; i++) bc &= b[o + i]!;
    return bc === 0xff ? PACKET_BROADCAST : PACKET_MULTICAST;
  }
  const a = dev.devAddr;
  for (let i = 0; i < 6; i++) if (b[o + i] !== a[i]) return PACKET_OTHERHOST;
  return PACKET_HOST;
}

/**
 * net/core/dev.c: __dev_forward_skb() + netif_rx(): what veth does with a frame it sends:
 * scrub it for the new namespace (skb_scrub_packet), classify it on `dev`, queue it.
 * Returns NET_RX_SUCCESS (0) or NET_RX_DROP (1).
 */
export function devForwardSkb(dev: NetDevice, skb: SkBuff): number {
  if (!(dev.flags & IFF_UP)) {
    // (6.18 counts it on the sender alone, as veth's tx_dropped: the down peer's rx_dropped
    // stays 0 — measured, test/labs/devices/veth-down-peer-drops)
    kfreeSkbReason(skb, "SKB_DROP_REASON_DEV_READY", "__dev_forward_skb");
    return 1;
  }
  // is_skb_forwardable(): a frame bigger than the receiver's MTU (+ header + VLAN) is dropped
  if (!devForwardable(dev, skb.tail - skb.data)) {
    dev.stats.rx_dropped++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_BIG", "__dev_forward_skb");
    return 1;
  }
  skbScrubPacket(skb, skb.dev?.net !== dev.net);
  ethTypeTrans(skb, dev);
  return netifRx(skb);
}

/** net/core/skbuff.c: skb_scrub_packet() */
export function skbScrubPacket(skb: SkBuff, xnet: boolean): void {
  skb.dst = undefined;
  skb.sk = undefined;
  skb.pktType = PACKET_HOST;
  skb.skbIif = 0;
  skb.ipcbFlags = 0;
  skb.nfBridge = undefined;
  if (xnet) {
    skb.nfct = undefined;
    skb.ctinfo = 0;
    skb.mark = 0;
  }
}

/**
 * Whether a frame dev_queue_xmit() hands to a device of `net` goes to the driver with nobody
 * else seeing it on the way (for a device that is up with its qdisc attached): no tap listens
 * there (tcpdump, packet sockets) and no drop is traced. A caller that knows the driver will
 * drop it (a full backlog) may then count the drop without building the frame (a flood of
 * thousands of copies into a full backlog).
 */
export function netXmitUnobserved(net: Net): boolean {
  if (dropTraced()) return false;
  if (ptypeCount === 0) return true;
  const taps = netPtypes.get(net)?.all;
  return taps === undefined || taps.length === 0;
}

/**
 * would enqueue_to_backlog() refuse a frame now (the backlog is full)? The backlog is the
 * world's (one CPU, one scheduler), so `net` may be any namespace of it: a sender passes its
 * own, which it has at hand, rather than the receiver's (a flood asks this for every port)
 */
export function netifRxFull(net: Net): boolean {
  return softnetOf(netSched(net)).count >= NETDEV_MAX_BACKLOG;
}

/** enqueue_to_backlog()'s drop of a frame for `dev`, counted without the frame (netifRxFull(net)) */
export function netifRxCountDrop(dev: NetDevice, net: Net): void {
  softnetOf(netSched(net)).dropped++;
  dev.stats.rx_dropped++;
}

/** net/core/dev.c: dev_loopback_xmit(): the looped copy of a multicast or broadcast, back up
 * the stack of the device it was sent on */
export function devLoopbackXmit(skb: SkBuff): void {
  skb.push(14); // make sure there is room for the (fake) mac header
  skb.pull(14);
  skb.macHeader = skb.data - 14;
  skb.pktType = PACKET_LOOPBACK;
  netifRx(skb);
}

/**
 * net/core/dev.c: netif_rx(): queue a received frame on the backlog. `skb.dev` is the
 * receiving device. A frame still at its link-layer header (a driver that did not call
 * eth_type_trans) is classified here.
 */
export function netifRx(skb: SkBuff): number {
  const dev = skb.dev!;
  /* (a device without a link-layer header — ip tunnels — has nothing to classify) */
  if (dev.hardHeaderLen >= 14 && (skb.macHeader < 0 || skb.data === skb.macHeader)) ethTypeTrans(skb, dev);
  const sched = netSched(dev.net);
  const sd = softnetOf(sched);
  if (sd.count >= NETDEV_MAX_BACKLOG) {
    sd.dropped++;
    dev.stats.rx_dropped++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_CPU_BACKLOG", "enqueue_to_backlog");
    return 1;
  }
  skb.tstamp = sched.now + sd.busy;
  enqueueToBacklog(sched, sd, skb);
  return 0;
}

/** enqueue_to_backlog() of a frame it takes (`e` a device: a copy of `run`'s frame for it) */
function enqueueToBacklog(sched: Scheduler, sd: SoftnetData, e: SkBuff | NetDevice, run?: SharedRx): void {
  sd.push(e, run);
  if (!sd.timer.pending) sd.timer.mod(sched.now + NET_RX_DELAY_US); // ____napi_schedule + raise NET_RX
}

/**
 * Copies of a frame on the backlog that were not built: what a flood sends to ports with
 * nobody watching (queued by devQueueXmitShared()). `src` holds the frame as the sender has
 * it, its Ethernet header just before src.data, and is never written while shared; the
 * backlog holds each copy's receiving device, with this. `fromNet` (for skb_scrub_packet()'s
 * xnet), `pktType` (eth_type_trans()) and `tstamp` (netif_rx()) are what the copies share: a
 * flood's copies to a thousand ports are one SharedRx (the same frame, the same time, a group
 * address), not a thousand objects for young collections. Its turn come, a copy is counted
 * in place when its protocol handler ends it on the bytes alone with nobody watching the
 * receive (PtypePeek), or else built (sharedRxSkb()) and received as any frame.
 */
export class SharedRx {
  /** its ethertype's PtypePeek (null: none), looked up for the first copy received */
  peek: PtypePeek | null | undefined = undefined;
  /** what the peek made of the bytes alone at the first copy it saw, for the others (the
   * peek's own encoding; -1: not yet): every copy has the same bytes */
  peekFrame = -1;
  peekTail = 0;
  constructor(
    readonly src: SkBuff,
    readonly fromNet: Net,
    readonly pktType: number,
    readonly tstamp: number,
  ) {}
}

/** the SharedRx queued last: a flood's next copy of the same frame shares it */
let lastShared: SharedRx | undefined;

/** the skb a copy of `d`'s frame for `dev` stands for: the copy, pushed to its Ethernet header
 * (br_dev_queue_push_xmit()), as __dev_queue_xmit() and __dev_forward_skb() left it */
function sharedRxSkb(d: SharedRx, dev: NetDevice): SkBuff {
  const skb = d.src.copy();
  skb.push(14);
  skbScrubPacket(skb, d.fromNet !== dev.net);
  ethTypeTrans(skb, dev);
  skb.pktType = d.pktType;
  skb.tstamp = d.tstamp;
  return skb;
}

/**
 * __dev_queue_xmit() of a copy of `src` (at its network header, the Ethernet header in front)
 * through `dev` without building it, when the driver can queue it on a backlog as it stands
 * (ndo xmitShared: veth into a peer that takes it); false, with nothing done, when the caller
 * must build the copy and send it. The caller has made sure that nothing sees frames leave
 * through `dev` (netXmitUnobserved()).
 */
export function devQueueXmitShared(dev: NetDevice, src: SkBuff): boolean {
  const xs = dev.ops.xmitShared;
  if (xs === undefined || !(dev.flags & IFF_UP) || !dev.txActive || src.ipSummed === CHECKSUM_PARTIAL) return false;
  if (!xs(dev, src)) return false;
  countTx(dev, src.tail - src.data + 14);
  return true;
}

/**
 * __dev_forward_skb() + netif_rx() of a copy of `src` sent by `from` to `dev`, queued as a
 * SharedRx; false, with nothing done, when that would not simply queue it (a device down, a
 * frame too big, a full backlog: the caller's built copy takes the normal way).
 */
export function devForwardShared(dev: NetDevice, src: SkBuff, from: NetDevice): boolean {
  if (!(dev.flags & IFF_UP) || dev.hardHeaderLen !== 14 || !devForwardable(dev, src.tail - src.data + 14)) return false;
  // (the sender's namespace for the world's backlog: see netifRxFull())
  const sched = netSched(from.net);
  const sd = softnetOf(sched);
  if (sd.count >= NETDEV_MAX_BACKLOG) return false;
  const pktType = ethPktType(src.buf, src.data - 14, dev);
  const tstamp = sched.now + sd.busy;
  let run = lastShared;
  if (run === undefined || run.src !== src || run.fromNet !== from.net || run.pktType !== pktType || run.tstamp !== tstamp) {
    run = lastShared = new SharedRx(src, from.net, pktType, tstamp);
  }
  enqueueToBacklog(sched, sd, dev, run);
  return true;
}

/** the turn of a copy of `d`'s frame for `dev` in process_backlog(): counted in place, or
 * built and received */
function sharedRxReceive(d: SharedRx, dev: NetDevice): void {
  const src = d.src;
  const b = src.buf;
  const o = src.data;
  // (its handler's peek, the same for every copy of the flood)
  let peek = d.peek;
  if (peek === undefined) peek = d.peek = ptypePeek.get(readU16(b, o - 2)) ?? null;
  // what __netif_receive_skb_core() would show it to before the protocol handler: the taps,
  // the rx_handler, the handlers of its type in this namespace; and the drop tracepoint
  // (the mark the built copy would have: skb_scrub_packet() clears it across namespaces)
  if (peek !== null && dev.rxHandler === undefined && !dropTraced() && (ptypeCount === 0 || rxUntapped(dev, readU16(b, o - 2))) && peek(b, o, src.tail - o, d.pktType, dev, src.mark === 0 || d.fromNet !== dev.net ? 0 : src.mark, d) !== 0) {
    countRx(dev, d.pktType, src.tail - o + 14);
    return;
  }
  netifReceiveSkb(sharedRxSkb(d, dev));
}

/** no tap of dev's namespace, and no handler of ethertype `proto` there, would see a frame */
function rxUntapped(dev: NetDevice, proto: number): boolean {
  const p = netPtypes.get(dev.net);
  if (p === undefined) return true;
  if (p.all.length) return false;
  for (const pt of p.specific) if (pt.type === proto) return false;
  return true;
}

/** net/core/dev.c: net_rx_action() + process_backlog(): drain with a budget, re-arm if left */
function netRxAction(sd: SoftnetData): void {
  sd.running = true;
  const n = netRxBatch(sd);
  sd.running = false;
  if (sd.count > 0) {
    // budget exhausted: ksoftirqd runs again once the CPU time of this batch has passed
    sd.timeSqueeze++;
    sd.timer.mod(sd.timer.when + n * NET_RX_COST_US);
  }
}

/** kernel/softirq.c: MAX_SOFTIRQ_RESTART */
const MAX_SOFTIRQ_RESTART = 10;

/**
 * kernel/softirq.c: do_softirq() from local_bh_enable() when a system call's transmit path
 * (rcu_read_unlock_bh() in __dev_queue_xmit()) leaves NET_RX pending: the frame a process
 * sends crosses veths, bridges and routers, and any reply comes back, inside the syscall,
 * before the process sends its next one. __do_softirq() restarts at most
 * MAX_SOFTIRQ_RESTART times; what is left waits for ksoftirqd (the timer).
 */
export function doSoftirq(net: Net): void {
  const sd = softnet.get(netSched(net));
  if (sd === undefined || sd.running || !sd.timer.pending || sd.count === 0) return;
  sd.timer.cancel();
  sd.running = true;
  const now = netSched(net).now;
  for (let i = 0; i < MAX_SOFTIRQ_RESTART && sd.count > 0; i++) netRxBatch(sd, now);
  sd.running = false;
  sd.busy = 0;
  if (sd.count > 0) {
    sd.timeSqueeze++;
    sd.timer.mod(netSched(net).now + NET_RX_COST_US);
  }
}

/**
 * process_backlog() for one budget; returns the frames processed. In a syscall's softirq
 * (`now` given) each frame is handled NET_RX_DELAY_US after it was queued, on a clock of its
 * own (sd.busy): what it sends on and what it delivers carry that time, so an RTT measured
 * from timestamps is the flight's, not zero.
 */
function netRxBatch(sd: SoftnetData, now?: number): number {
  let budget = NETDEV_BUDGET;
  let n = 0;
  while (sd.count > 0 && budget-- > 0) {
    const e = sd.shift();
    const shared = sd.shifted;
    // a copy queued unbuilt: `e` is its device
    const dev = shared !== undefined ? (e as NetDevice) : (e as SkBuff).dev!;
    if (now !== undefined) sd.busy = Math.max(sd.busy, (shared ?? (e as SkBuff)).tstamp - now + NET_RX_DELAY_US);
    sd.processed++;
    n++;
    if (dev.dismantle || !(dev.flags & IFF_UP)) {
      // flush_backlog(): the device went away (or down) while the frame waited
      if (shared !== undefined) {
        if (dropTraced()) kfreeSkbReason(sharedRxSkb(shared, dev), "SKB_DROP_REASON_DEV_READY", "flush_backlog");
      } else kfreeSkbReason(e as SkBuff, "SKB_DROP_REASON_DEV_READY", "flush_backlog");
      continue;
    }
    if (shared !== undefined) sharedRxReceive(shared, dev);
    else netifReceiveSkb(e as SkBuff);
  }
  return n;
}

/** net/core/dev.c: deliver_skb() to the taps of a list */
function deliverTaps(skb: SkBuff, dev: NetDevice, origDev: NetDevice, list: PacketType[]): void {
  for (let i = 0; i < list.length; i++) {
    const pt = list[i]!;
    if (pt.dev !== undefined && pt.dev !== dev) continue;
    pt.func(skb, dev, pt, origDev);
  }
}

/**
 * net/core/dev.c: netif_receive_skb() / __netif_receive_skb_core(): rx stats, the taps,
 * the device's rx_handler (bridge), then the protocol handler by ethertype.
 */
export function netifReceiveSkb(skb: SkBuff): void {
  const origDev = skb.dev!;
  countRx(origDev, skb.pktType, skb.tail - skb.macHeader);
  skb.networkHeader = skb.data;
  skb.transportHeader = -1;
  let tapped = false;
  let ptypes: NetPtypes | undefined;
  let ptypesNet: Net | undefined;
  for (;;) {
    const dev = skb.dev!;
    skb.skbIif = dev.ifindex; // another_round: skb->skb_iif = skb->dev->ifindex
    ptypesNet = dev.net;
    ptypes = ptypeCount === 0 ? undefined : netPtypes.get(ptypesNet);
    if (ptypes !== undefined && ptypes.all.length) {
      deliverTaps(skb, dev, origDev, ptypes.all);
      tapped = true;
    }
    const rxh = dev.rxHandler;
    if (rxh !== undefined) {
      const ret = rxh(skb);
      if (ret === RX_HANDLER_CONSUMED) return;
      if (ret === RX_HANDLER_ANOTHER) continue; // another_round with skb.dev changed
    }
    break;
  }
  const dev = skb.dev!;
  const handler = ptypeBase.get(skb.protocol);
  // (the namespace's lists were looked up above unless the rx_handler moved the skb)
  if (dev.net !== ptypesNet || (ptypes === undefined && ptypeCount !== 0)) ptypes = ptypeCount === 0 ? undefined : netPtypes.get(dev.net);
  if (ptypes !== undefined && ptypes.specific.length) {
    for (const pt of ptypes.specific) {
      if (pt.type === skb.protocol && (pt.dev === undefined || pt.dev === dev)) {
        pt.func(skb, dev, pt, origDev);
        tapped = true;
      }
    }
  }
  if (handler !== undefined) {
    handler(skb, dev, origDev);
    return;
  }
  if (tapped) return; // the last tap was pt_prev: delivered, not dropped
  // no pt_prev: dev_core_stats_rx_nohandler_inc() and drop
  dev.stats.rx_nohandler++;
  kfreeSkbReason(skb, "SKB_DROP_REASON_UNHANDLED_PROTO", "__netif_receive_skb_core");
}

/** PACKET_OTHERHOST and friends, re-exported for the protocol layers */
export { PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST, PACKET_OTHERHOST, PACKET_OUTGOING, PACKET_LOOPBACK, IFF_LOOPBACK };
