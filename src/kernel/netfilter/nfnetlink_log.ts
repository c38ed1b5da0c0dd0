/**
 * net/netfilter/nfnetlink_log.c: the ULOG logger behind the NFLOG target. A NETLINK_NETFILTER
 * socket binds a group (instance_create(): one listener per group, EBUSY for a second) and
 * receives, for every packet logged to it, an NFULNL_MSG_PACKET: the nfgenmsg (family, version,
 * group) and the attributes __build_packet_message() puts, in its order — the packet header,
 * the prefix, in/out interfaces, mark, hardware address/type/header (on input), a timestamp
 * (hooks up to FORWARD), the sender's uid/gid, then the payload. What userland reads is the
 * message after its nlmsghdr (libpcap's DLT_NFLOG); the attributes keep netlink's host byte
 * order (little-endian here) for their headers and network order in their values.
 * Messages are batched per group as in the kernel: sent when qthreshold (100, or a rule's
 * lower --nflog-threshold) are queued, when the next would overflow the buffer, or when the
 * flush timer (1 s) fires; timers due in the same wheel bucket run newest first.
 */
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import type { Socket, SockAddr, SockOpt, RecvMsg, SockExtendedErr, SockAddrNfnl } from "../uapi/socket.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { netSched } from "../core/dev_path.ts";
import { jiffiesNow, timerWheelExpiry } from "../core/jiffies.ts";
import { HZ, USEC_PER_JIFFY } from "../../sim/scheduler.ts";
import { nfLogBindPf } from "./nf_log.ts";
import { truesize, SK_RMEM_DEFAULT } from "../socket/sock.ts";

export const AF_NETLINK = 16;
export const NETLINK_NETFILTER = 12;
/** include/uapi/linux/netfilter/nfnetlink_log.h */
const NFULA_PACKET_HDR = 1;
const NFULA_MARK = 2;
const NFULA_TIMESTAMP = 3;
const NFULA_IFINDEX_INDEV = 4;
const NFULA_IFINDEX_OUTDEV = 5;
const NFULA_HWADDR = 8;
const NFULA_PAYLOAD = 9;
const NFULA_PREFIX = 10;
const NFULA_UID = 11;
const NFULA_GID = 14;
const NFULA_HWTYPE = 15;
const NFULA_HWHEADER = 16;
const NFULA_HWLEN = 17;
/** NFULNL_COPY_RANGE_MAX: what fits a netlink attribute */
const NFULNL_COPY_RANGE_MAX = 0xffff - 4;
const NF_INET_FORWARD = 2;

/** an nfnetlink_log listener: the socket bound to one group */
export class NfulnlSock implements Socket {
  readonly family = AF_NETLINK;
  readonly type = 3;
  readonly protocol = NETLINK_NETFILTER;
  readonly net: Net;
  /** the groups bound, each an instance */
  readonly insts = new Map<number, NfulnlInstance>();
  drops = 0;
  /** the netlink port id: netlink_autobind() gives a process's first socket its pid */
  portid = 0;
  private rq: RecvMsg[] = [];
  private rmem = 0;
  private cb: (() => void) | undefined;

  constructor(net: Net) {
    this.net = net;
  }

  /** NFULNL_CFG_CMD_BIND of one more group, or NFQNL_CFG_CMD_BIND of a queue (with the
   * PF_BIND and the copy mode folded in) */
  bind(addr: SockAddr): KErr | undefined {
    if (addr.family !== AF_NETLINK) return kerr("EINVAL");
    const a = addr as SockAddrNfnl;
    if (a.nfqueueNum !== undefined) return nfqnlBind ? nfqnlBind(this, a.nfqueueNum, a.copyRange) : kerr("EOPNOTSUPP");
    if (a.nflogGroup === undefined) return kerr("EINVAL");
    // libpcap's NFULNL_CFG_CMD_PF_UNBIND + PF_BIND for AF_INET: nfnetlink_log becomes the
    // namespace's IPv4 logger (nf_log_bind_pf), and stays so
    nfLogBindPf(this.net, 2, "nfnetlink_log");
    const insts = instances(this.net);
    const cur = insts.get(a.nflogGroup);
    // instance_create(): a group has one listener
    if (cur && cur.sock !== this) return kerr("EBUSY");
    const inst: NfulnlInstance = cur ?? { sock: this, group: a.nflogGroup, copyRange: 0, pending: [], bytes: 0, expires: -1, seq: instSeq++ };
    inst.copyRange = Math.min(a.copyRange, NFULNL_COPY_RANGE_MAX);
    insts.set(a.nflogGroup, inst);
    this.insts.set(a.nflogGroup, inst);
    return undefined;
  }

  /** nfnetlink_queue's instance teardown (its held packets dropped) */
  onClose: (() => void) | undefined;

  /** wake the reader once a batch is in */
  wake(): void {
    this.cb?.();
  }

  /** __nfulnl_send(): the message reaches the socket, or is dropped when its buffer is full */
  deliver(msg: Uint8Array): void {
    const ts = truesize(msg.length);
    if (this.rmem + ts > SK_RMEM_DEFAULT) {
      this.drops++;
      return;
    }
    this.rmem += ts;
    this.rq.push({ data: msg, from: { family: AF_NETLINK, copyRange: 0 }, stamp: netSched(this.net).now });
  }

  connect(): KErr | undefined {
    return kerr("EOPNOTSUPP");
  }
  getsockname(): SockAddr | KErr {
    const first = this.insts.values().next().value;
    return { family: AF_NETLINK, nflogGroup: first?.group ?? 0, copyRange: first?.copyRange ?? 0 };
  }
  getpeername(): SockAddr | KErr {
    return kerr("EOPNOTSUPP");
  }
  setsockopt(_name: SockOpt, _value: number | string | boolean | Uint8Array): KErr | undefined {
    return undefined;
  }
  getsockopt(_name: SockOpt): number | string | KErr {
    return 0;
  }
  sendto(): number | KErr {
    return kerr("EOPNOTSUPP");
  }
  recvfrom(): RecvMsg | undefined {
    const m = this.rq.shift();
    if (m) this.rmem -= truesize(m.data.length);
    return m;
  }
  recvErr(): SockExtendedErr | undefined {
    return undefined;
  }
  onReadable(cb: (() => void) | undefined): void {
    this.cb = cb;
    if (cb && this.rq.length) netSched(this.net).after(0, () => this.cb?.(), "sk_data_ready");
  }
  /** nfulnl_rcv_nl_event(NETLINK_URELEASE): the instance goes with its socket */
  close(): void {
    this.onClose?.();
    const insts = instances(this.net);
    for (const [g, inst] of this.insts) {
      if (insts.get(g) === inst) insts.delete(g);
      inst.pending = [];
      inst.expires = -1;
    }
    this.insts.clear();
    this.cb = undefined;
  }
}

/** struct nfulnl_instance: a group's listener and its batch */
interface NfulnlInstance {
  sock: NfulnlSock;
  group: number;
  copyRange: number;
  /** the messages of the skb being filled (inst->skb), their bytes, the flush timer's jiffy */
  pending: Uint8Array[];
  bytes: number;
  expires: number;
  /** creation order (the hash chains take new instances at their head) */
  seq: number;
}
let instSeq = 0;

/** nfnetlink_log.c: seq_show() of /proc/net/netfilter/nfnetlink_log — the instances by hash
 * bucket (group % 16), newest first within one: group, portid, queued messages, copy mode
 * (NFULNL_COPY_PACKET), copy range, flush timeout, use */
export function nfulnlSeqShow(net: Net): string {
  const insts = [...(byNet.get(net)?.values() ?? [])].sort((a, b) => a.group % 16 - b.group % 16 || b.seq - a.seq);
  const p = (v: number, w: number) => String(v).padStart(w);
  return insts.map((i) => `${p(i.group, 5)} ${p(i.sock.portid, 6)} ${p(i.pending.length, 5)} 2 ${p(i.copyRange, 5)} ${p(NFULNL_TIMEOUT_DEFAULT, 6)} ${p(1, 2)}\n`).join("");
}

/** NFULNL_QTHRESH_DEFAULT, NFULNL_TIMEOUT_DEFAULT (1/100 s), NFULNL_NLBUFSIZ_DEFAULT
 * (NLMSG_GOODSIZE with 4 KiB pages; the nlmsghdr of each message counted) */
const NFULNL_QTHRESH_DEFAULT = 100;
const NFULNL_TIMEOUT_DEFAULT = 100;
const NFULNL_NLBUFSIZ_DEFAULT = 3776;
const NLMSG_HDRLEN = 16;

/** nfnetlink_queue registers its binding here (the socket is one for both subsystems) */
let nfqnlBind: ((sock: NfulnlSock, queue: number, copyRange: number) => KErr | undefined) | undefined;
export function setNfqnlBind(fn: typeof nfqnlBind): void {
  nfqnlBind = fn;
}

const byNet = new NetGeneric<Map<number, NfulnlInstance>>();
function instances(net: Net): Map<number, NfulnlInstance> {
  let m = byNet.get(net);
  if (!m) byNet.set(net, (m = new Map()));
  return m;
}

/** __nfulnl_flush(): the batch goes to the socket */
function nfulnlFlush(inst: NfulnlInstance): void {
  inst.expires = -1;
  if (!inst.pending.length) return;
  for (const m of inst.pending) inst.sock.deliver(m);
  inst.pending = [];
  inst.bytes = 0;
  inst.sock.wake();
}

/** the flush timers of a namespace by expiry jiffy, in the order they were armed */
const wheel = new NetGeneric<Map<number, NfulnlInstance[]>>();
function armFlushTimer(net: Net, inst: NfulnlInstance): void {
  const j = timerWheelExpiry(jiffiesNow(net), (NFULNL_TIMEOUT_DEFAULT * HZ) / 100);
  inst.expires = j;
  let w = wheel.get(net);
  if (!w) wheel.set(net, (w = new Map()));
  const bucket = w.get(j);
  if (bucket) {
    bucket.push(inst);
    return;
  }
  w.set(j, [inst]);
  const sched = netSched(net);
  sched.at(Math.max(sched.now, j * USEC_PER_JIFFY), () => {
    const list = w.get(j) ?? [];
    w.delete(j);
    // expire_timers(): a bucket's timers run from the head, where the last armed was added
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.expires === j) nfulnlFlush(list[i]!);
  }, "nfulnl_timer");
}

/** what the NFLOG target asks (struct nf_loginfo's ulog part) */
export interface NfulnlLogInfo {
  group: number;
  prefix: string;
  /** NF_LOG_F_COPY_LEN: copy at most this much */
  copyLen?: number;
  /** the rule's queue threshold (0: the instance's) */
  qthreshold?: number;
}

/**
 * net/netfilter/nfnetlink_log.c: nfulnl_log_packet() — `skb.data` at the network header; `pf`
 * the NFPROTO_ family (IPv4: 2). Nothing happens unless a socket listens on the group.
 */
export function nfulnlLogPacket(net: Net, pf: number, hooknum: number, skb: SkBuff, indev: NetDevice | undefined, outdev: NetDevice | undefined, li: NfulnlLogInfo): void {
  const inst = byNet.get(net)?.get(li.group);
  if (!inst) return;
  let dataLen = inst.copyRange;
  if (li.copyLen !== undefined && li.copyLen < dataLen) dataLen = li.copyLen;
  if (dataLen > skb.len) dataLen = skb.len;
  const attrs: [number, Uint8Array][] = [];
  const be32 = (v: number) => new Uint8Array([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
  const be16 = (v: number) => new Uint8Array([(v >>> 8) & 255, v & 255]);
  // struct nfulnl_msg_packet_hdr: hw_protocol (be16), hook, pad
  attrs.push([NFULA_PACKET_HDR, new Uint8Array([(skb.protocol >>> 8) & 255, skb.protocol & 255, hooknum, 0])]);
  const prefix = new TextEncoder().encode(li.prefix);
  const p = new Uint8Array(prefix.length + 1);
  p.set(prefix);
  attrs.push([NFULA_PREFIX, p]);
  if (indev) attrs.push([NFULA_IFINDEX_INDEV, be32(indev.ifindex)]);
  if (outdev) attrs.push([NFULA_IFINDEX_OUTDEV, be32(outdev.ifindex)]);
  if (skb.mark) attrs.push([NFULA_MARK, be32(skb.mark)]);
  const dev = skb.dev;
  const macSet = skb.macHeader >= 0;
  const macLen = macSet ? skb.data - skb.macHeader : 0;
  if (indev && dev && macSet && macLen !== 0 && dev.hardHeaderLen >= 14 && dev.addrLen === 6) {
    // dev_parse_header() (eth_header_parse: the source address); struct nfulnl_msg_packet_hw
    const hw = new Uint8Array(12);
    hw[1] = 6;
    hw.set(skb.buf.subarray(skb.macHeader + 6, skb.macHeader + 12), 4);
    attrs.push([NFULA_HWADDR, hw]);
  }
  if (indev && dev && macSet) {
    attrs.push([NFULA_HWTYPE, be16(dev.type)]);
    attrs.push([NFULA_HWLEN, be16(dev.hardHeaderLen)]);
    if (dev.hardHeaderLen) attrs.push([NFULA_HWHEADER, skb.buf.slice(skb.macHeader, skb.macHeader + dev.hardHeaderLen)]);
  }
  if (hooknum <= NF_INET_FORWARD) {
    // struct nfulnl_msg_packet_timestamp: be64 seconds and microseconds of the skb's stamp
    const us = skb.tstamp || netSched(net).now;
    const ts = new Uint8Array(16);
    const sec = Math.floor(us / 1e6);
    ts.set(be32(sec), 4);
    ts.set(be32(us % 1e6), 12);
    attrs.push([NFULA_TIMESTAMP, ts]);
  }
  // a full socket with a file: its owner's fsuid/fsgid (root here)
  if (skb.sk) {
    attrs.push([NFULA_UID, be32(0)]);
    attrs.push([NFULA_GID, be32(0)]);
  }
  if (dataLen) attrs.push([NFULA_PAYLOAD, skb.buf.slice(skb.data, skb.data + dataLen)]);
  let size = 4;
  for (const [, v] of attrs) size += (4 + v.length + 3) & ~3;
  const msg = new Uint8Array(size);
  // struct nfgenmsg: family, version NFNETLINK_V0, res_id (be16 group)
  msg[0] = pf;
  msg[1] = 0;
  msg[2] = (li.group >>> 8) & 255;
  msg[3] = li.group & 255;
  let o = 4;
  for (const [type, v] of attrs) {
    const len = 4 + v.length;
    // struct nlattr in host order (little-endian)
    msg[o] = len & 255;
    msg[o + 1] = len >>> 8;
    msg[o + 2] = type & 255;
    msg[o + 3] = type >>> 8;
    msg.set(v, o + 4);
    o += (len + 3) & ~3;
  }
  // the message does not fit what the batch has left: that goes first
  if (inst.pending.length && inst.bytes + NLMSG_HDRLEN + size > NFULNL_NLBUFSIZ_DEFAULT) nfulnlFlush(inst);
  inst.pending.push(msg);
  inst.bytes += NLMSG_HDRLEN + size;
  let qthreshold = NFULNL_QTHRESH_DEFAULT;
  if (li.qthreshold && qthreshold > li.qthreshold) qthreshold = li.qthreshold;
  if (inst.pending.length >= qthreshold) nfulnlFlush(inst);
  else if (inst.expires < 0) armFlushTimer(net, inst);
}
