/**
 * include/linux/skbuff.h: struct sk_buff, reduced. Bytes are the truth: `buf[data..tail)` is
 * the packet as it is on the wire from the current layer down; headers are found by offsets.
 */
import type { NetDevice } from "./netdevice.ts";
import { allocBytes, copyBytes } from "../../wire/bytes.ts";

export const SKB_HEADROOM = 64;
const NO_BYTES = new Uint8Array(0);

export class SkBuff {
  buf: Uint8Array;
  /** start of the current layer's data */
  data: number;
  /** end of the packet */
  tail: number;
  macHeader = -1;
  networkHeader = -1;
  transportHeader = -1;
  /** the device it is on now (rx: the receiving device; tx: the device it is sent through) */
  dev: NetDevice | undefined;
  /** ifindex it arrived on first (skb->skb_iif) */
  skbIif = 0;
  /** PACKET_HOST / BROADCAST / MULTICAST / OTHERHOST / OUTGOING / LOOPBACK */
  pktType = 0;
  /** ETH_P_* in host order */
  protocol = 0;
  mark = 0;
  priority = 0;
  /** the route it follows (struct dst_entry *) */
  dst: unknown = undefined;
  /** conntrack (skb->_nfct) */
  nfct: unknown = undefined;
  ctinfo = 0;
  /** the socket that sent it */
  sk: unknown = undefined;
  /** IP-layer control block (IPCB): flags, options, frag_max_size */
  ipcbFlags = 0;
  /** IPCB(skb)->opt: the compiled IP options of a datagram that has some */
  ipOpt: import("../ipv4/ip_options.ts").IpOptions | undefined = undefined;
  /** bridge input control block (BR_INPUT_SKB_CB) */
  brInputCb: BrInputCb | undefined;
  /** VLAN tag carried out of band (skb->vlan_tci, with VLAN_TAG_PRESENT semantics via vlanPresent) */
  vlanPresent = false;
  vlanTci = 0;
  vlanProto = 0;
  /** br_netfilter state (nf_bridge_info) */
  nfBridge: unknown = undefined;
  /** the time (µs) the skb was created, for SO_TIMESTAMP */
  tstamp = 0;
  /** drop reason once freed with kfree_skb_reason */
  dropReason: string | undefined;
  /**
   * ip_summed: CHECKSUM_PARTIAL when the transport checksum at csumStart + csumOffset holds
   * only the pseudo-header sum, to be finished by the device (or skb_checksum_help())
   */
  ipSummed = 0;
  csumStart = 0;
  csumOffset = 0;

  constructor(len: number, headroom = SKB_HEADROOM) {
    // copy() replaces the buffer at once: no throw-away allocation for it
    this.buf = len === 0 && headroom === 0 ? NO_BYTES : allocBytes(headroom + len);
    this.data = headroom;
    this.tail = headroom + len;
  }

  /** an skb holding a copy of `bytes` with `headroom` bytes free in front */
  static from(bytes: Uint8Array, headroom = SKB_HEADROOM): SkBuff {
    const skb = new SkBuff(bytes.length, headroom);
    skb.buf.set(bytes, headroom);
    return skb;
  }

  get len(): number {
    return this.tail - this.data;
  }

  /** the bytes from `data` to `tail` (a view, not a copy) */
  bytes(): Uint8Array {
    return this.buf.subarray(this.data, this.tail);
  }

  headroom(): number {
    return this.data;
  }

  /** skb_push(): prepend n bytes; returns the new data offset */
  push(n: number): number {
    if (this.data < n) {
      const grow = Math.max(n, SKB_HEADROOM);
      const nb = allocBytes(this.buf.length + grow);
      nb.set(this.buf, grow);
      this.buf = nb;
      this.data += grow;
      this.tail += grow;
      if (this.macHeader >= 0) this.macHeader += grow;
      if (this.networkHeader >= 0) this.networkHeader += grow;
      if (this.transportHeader >= 0) this.transportHeader += grow;
    }
    this.data -= n;
    return this.data;
  }

  /** skb_pull(): drop n bytes from the front; returns the new data offset */
  pull(n: number): number {
    this.data += n;
    return this.data;
  }

  /** skb_trim() */
  trim(len: number): void {
    if (this.data + len < this.tail) this.tail = this.data + len;
  }

  resetMacHeader(): void {
    this.macHeader = this.data;
  }
  resetNetworkHeader(): void {
    this.networkHeader = this.data;
  }
  resetTransportHeader(): void {
    this.transportHeader = this.data;
  }

  /** skb_copy(): a full private copy (the emulator copies where Linux clones) */
  copy(): SkBuff {
    const c = new SkBuff(0, 0);
    c.buf = copyBytes(this.buf);
    c.data = this.data;
    c.tail = this.tail;
    c.macHeader = this.macHeader;
    c.networkHeader = this.networkHeader;
    c.transportHeader = this.transportHeader;
    c.dev = this.dev;
    c.skbIif = this.skbIif;
    c.pktType = this.pktType;
    c.protocol = this.protocol;
    c.mark = this.mark;
    c.priority = this.priority;
    c.dst = this.dst;
    c.nfct = this.nfct;
    c.ctinfo = this.ctinfo;
    c.ipcbFlags = this.ipcbFlags;
    c.ipOpt = this.ipOpt === undefined ? undefined : { ...this.ipOpt };
    // shared: a bridge gives an skb a new control block when it enters (br_handle_frame(),
    // br_dev_xmit()) and only writes that new one, before any copy of it is made
    c.brInputCb = this.brInputCb;
    c.vlanPresent = this.vlanPresent;
    c.vlanTci = this.vlanTci;
    c.vlanProto = this.vlanProto;
    c.nfBridge = this.nfBridge;
    c.tstamp = this.tstamp;
    c.ipSummed = this.ipSummed;
    c.csumStart = this.csumStart;
    c.csumOffset = this.csumOffset;
    return c;
  }
}

/** skb->ip_summed values */
export const CHECKSUM_NONE = 0;
export const CHECKSUM_UNNECESSARY = 1;
export const CHECKSUM_COMPLETE = 2;
export const CHECKSUM_PARTIAL = 3;

/**
 * net/core/dev.c: skb_checksum_help(): finish a CHECKSUM_PARTIAL checksum in software (a
 * device that cannot, IP fragmentation): the sum from csum_start to the end, folded, into
 * the field (0 becomes CSUM_MANGLED_0)
 */
export function skbChecksumHelp(skb: SkBuff): void {
  if (skb.ipSummed !== CHECKSUM_PARTIAL) return;
  const b = skb.buf;
  let sum = 0;
  let i = skb.csumStart;
  for (; i + 1 < skb.tail; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < skb.tail) sum += b[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  const c = ~sum & 0xffff || 0xffff;
  const at = skb.csumStart + skb.csumOffset;
  b[at] = c >> 8;
  b[at + 1] = c & 0xff;
  skb.ipSummed = CHECKSUM_NONE;
}

/**
 * struct br_input_skb_cb (BR_INPUT_SKB_CB): what the bridge notes on a frame it takes in.
 * Every field is set at construction, so the bridge's per-port reads of it (a flood's
 * should_deliver()) see one object shape.
 */
export class BrInputCb {
  /** igmp: the IGMP/MLD message type br_multicast_rcv() found (0: none) */
  igmp = 0;
  constructor(
    readonly brdev: NetDevice | undefined,
    readonly srcPortIsolated: boolean,
    /** the bridge filters by vlan (br_opt_get(br, BROPT_VLAN_ENABLED)) */
    readonly vlanFiltered: boolean,
  ) {}
}
