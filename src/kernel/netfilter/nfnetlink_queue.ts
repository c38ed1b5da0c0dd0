/**
 * net/netfilter/nfnetlink_queue.c (and nf_queue.c): packets an NF_QUEUE verdict sends to
 * userspace. A NETLINK_NETFILTER socket binds a queue number (one listener per queue, EBUSY
 * for a second); each queued packet reaches it as an NFQNL_MSG_PACKET (nfgenmsg, the packet
 * header with its id, the payload) and is held for a verdict. With nobody bound nf_queue()
 * fails: the packet is dropped, or goes on when the rule said --queue-bypass.
 *
 * The only listener here is tcpdump's nfqueue device, and on the kernel it was checked against
 * (libpcap 1.10.3, Linux 6.18) the packets it read were never let go: they stay queued until
 * the socket closes, when they are dropped. That is what happens here.
 */
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { NfulnlSock, setNfqnlBind } from "./nfnetlink_log.ts";
import { setNfQueueHandler, type NfHookState } from "./core.ts";

/** include/uapi/linux/netfilter/nfnetlink_queue.h */
const NFQA_PACKET_HDR = 1;
const NFQA_PAYLOAD = 10;
/** NFQNL_QMAX_DEFAULT */
const NFQNL_QMAX_DEFAULT = 1024;
const NFQNL_COPY_RANGE_MAX = 0xffff - 4;

interface NfqnlInstance {
  sock: NfulnlSock;
  queue: number;
  copyRange: number;
  /** the packets waiting for a verdict */
  held: SkBuff[];
  idSequence: number;
  queueDropped: number;
  /** creation order (the hash chains take new instances at their head) */
  seq: number;
}
let instSeq = 0;

/** nfnetlink_queue.c: seq_show() of /proc/net/netfilter/nfnetlink_queue — by hash bucket
 * (queue % 16), newest first within one: queue, portid, queued, copy mode, copy range, queue
 * and user drops, the last packet id, 1 */
export function nfqnlSeqShow(net: Net): string {
  const insts = [...(byNet.get(net)?.values() ?? [])].sort((a, b) => a.queue % 16 - b.queue % 16 || b.seq - a.seq);
  const p = (v: number, w: number) => String(v).padStart(w);
  return insts.map((i) => `${p(i.queue, 5)} ${p(i.sock.portid, 6)} ${p(i.held.length, 5)} 2 ${p(i.copyRange, 5)} ${p(i.queueDropped, 5)} ${p(0, 5)} ${p(i.idSequence, 8)} ${p(1, 2)}\n`).join("");
}

const byNet = new NetGeneric<Map<number, NfqnlInstance>>();
function instances(net: Net): Map<number, NfqnlInstance> {
  let m = byNet.get(net);
  if (!m) byNet.set(net, (m = new Map()));
  return m;
}

/** NFQNL_CFG_CMD_BIND + NFQNL_CFG_CMD_PARAMS (NFQNL_COPY_PACKET) */
function nfqnlBind(sock: NfulnlSock, queue: number, copyRange: number): KErr | undefined {
  const insts = instances(sock.net);
  const cur = insts.get(queue);
  if (cur && cur.sock !== sock) return kerr("EBUSY");
  const inst = cur ?? { sock, queue, copyRange: 0, held: [], idSequence: 0, queueDropped: 0, seq: instSeq++ };
  inst.copyRange = Math.min(copyRange, NFQNL_COPY_RANGE_MAX);
  insts.set(queue, inst);
  const prev = sock.onClose;
  // instance_destroy() when the socket goes (NETLINK_URELEASE): nfqnl_flush() drops what it held
  sock.onClose = () => {
    prev?.();
    if (insts.get(queue) !== inst) return;
    insts.delete(queue);
    for (const skb of inst.held) kfreeSkbReason(skb, "SKB_DROP_REASON_NETFILTER_DROP", "nfqnl_flush");
    inst.held = [];
  };
  return undefined;
}

/** nf_queue() -> __nfqnl_enqueue_packet(): 0 the skb was taken, -1 no listener on the queue */
function nfQueue(skb: SkBuff, state: NfHookState, verdict: number): number {
  const queue = verdict >>> 16;
  const inst = byNet.get(state.net)?.get(queue);
  if (!inst) return -1;
  if (inst.held.length >= NFQNL_QMAX_DEFAULT) {
    inst.queueDropped++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NETFILTER_DROP", "__nfqnl_enqueue_packet");
    return 0;
  }
  const id = ++inst.idSequence;
  const dataLen = Math.min(inst.copyRange, skb.len);
  // struct nfqnl_msg_packet_hdr: packet_id (be32), hw_protocol (be16), hook
  const hdr = new Uint8Array([id >>> 24, (id >>> 16) & 255, (id >>> 8) & 255, id & 255, (skb.protocol >>> 8) & 255, skb.protocol & 255, state.hook]);
  const attrs: [number, Uint8Array][] = [[NFQA_PACKET_HDR, hdr]];
  if (dataLen) attrs.push([NFQA_PAYLOAD, skb.buf.slice(skb.data, skb.data + dataLen)]);
  let size = 4;
  for (const [, v] of attrs) size += (4 + v.length + 3) & ~3;
  const msg = new Uint8Array(size);
  msg[0] = state.pf;
  msg[2] = (queue >>> 8) & 255;
  msg[3] = queue & 255;
  let o = 4;
  for (const [type, v] of attrs) {
    const len = 4 + v.length;
    msg[o] = len & 255;
    msg[o + 1] = len >>> 8;
    msg[o + 2] = type;
    msg.set(v, o + 4);
    o += (len + 3) & ~3;
  }
  inst.held.push(skb);
  inst.sock.deliver(msg);
  inst.sock.wake();
  return 0;
}

/** module init: the queue half of the NETLINK_NETFILTER socket, and nf_queue() */
export function nfnetlinkQueueInit(): void {
  setNfqnlBind(nfqnlBind);
  setNfQueueHandler(nfQueue);
}
