/**
 * net/ipv6/reassembly.c: ipv6_frag_rcv() — a packet whose next header is a Fragment header
 * (right after the IPv6 header: the only place the stack's own packets carry one) is queued
 * by (source, destination, identification) until its fragments are all there, then handed on
 * whole: the IPv6 header of the first fragment with the Fragment header's next header and the
 * joined payload. ip6frag_time (60 s) ends a queue that never fills (ReasmTimeout, an ICMPv6
 * "fragment reassembly time exceeded" when its first fragment came); ip6frag_high_thresh 0
 * refuses every fragment. An atomic fragment (offset 0, no more) is taken as it is.
 */
import type { Net } from "../core/net_namespace.ts";
import { NetGeneric } from "../core/net_namespace.ts";
import { SkBuff } from "../core/skbuff.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { netSched } from "../core/dev_path.ts";
import type { Timer } from "../../sim/scheduler.ts";
import { USEC_PER_SEC } from "../../sim/scheduler.ts";
import { ipv6Stats } from "./proc.ts";
import { ipv6SysctlGet, ipv6FragThresh } from "./sysctl_net_ipv6.ts";

const FRAG_HDRLEN = 8;
const IP6_MF = 0x0001;
const IP6_OFFSET = 0xfff8;

interface FragQueue {
  key: string;
  frags: { off: number; data: Uint8Array }[];
  /** the payload's length once known (the last fragment), else the furthest end seen */
  len: number;
  meat: number;
  lastIn: boolean;
  first: SkBuff | undefined;
  timer: Timer;
}

const queues = new NetGeneric<Map<string, FragQueue>>();

/** what ip6_expire_frag_queue() sends the first fragment's source */
let timeExceeded: (skb: SkBuff) => void = () => {};
export function setFragTimeExceeded(fn: (skb: SkBuff) => void): void {
  timeExceeded = fn;
}

/**
 * ipv6_frag_rcv() of the packet at skb.networkHeader (40-byte header, then the Fragment
 * header): the whole packet when this fragment completed it (or was atomic), else undefined
 * (queued, or dropped as the kernel drops it)
 */
export function ipv6FragRcv(net: Net, skb: SkBuff): SkBuff | undefined {
  const b = skb.buf;
  const o = skb.networkHeader;
  const st = ipv6Stats(net).ip;
  st.ReasmReqds++;
  const plen = (b[o + 4]! << 8) | b[o + 5]!;
  if (plen < FRAG_HDRLEN) {
    st.InHdrErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "ipv6_frag_rcv");
    return undefined;
  }
  const f = o + 40;
  const fragOff = (b[f + 2]! << 8) | b[f + 3]!;
  if (!(fragOff & (IP6_OFFSET | IP6_MF))) {
    // an atomic fragment: the packet without its Fragment header
    st.ReasmOKs++;
    return joined(skb, b[f]!, [{ off: 0, data: b.slice(f + FRAG_HDRLEN, o + 40 + plen) }], plen - FRAG_HDRLEN);
  }
  if (!ipv6FragThresh(net).high) {
    st.ReasmFails++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_FRAG_REASM_TIMEOUT", "ipv6_frag_rcv");
    return undefined;
  }
  const hex = (a: number, n: number) => [...b.subarray(a, a + n)].join(".");
  const key = `${hex(o + 8, 32)}/${hex(f + 4, 4)}`;
  let m = queues.get(net);
  if (!m) queues.set(net, (m = new Map()));
  let q = m.get(key);
  if (!q) {
    const nq: FragQueue = {
      key, frags: [], len: 0, meat: 0, lastIn: false, first: undefined,
      timer: netSched(net).timer(() => ip6FragExpire(net, nq), "ip6_frag_expire"),
    };
    q = nq;
    m.set(key, q);
    q.timer.mod(netSched(net).now + ipv6SysctlGet(net, "ip6frag_time") * USEC_PER_SEC);
  }
  const off = fragOff & IP6_OFFSET;
  const dlen = plen - FRAG_HDRLEN;
  const end = off + dlen;
  if (!(fragOff & IP6_MF)) {
    q.lastIn = true;
    q.len = end;
  } else {
    // ip6_frag_queue(): a fragment that is not the last comes in multiples of 8 bytes
    if (end & 7) {
      st.InHdrErrors++;
      kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "ip6_frag_queue");
      return undefined;
    }
    if (end > q.len) q.len = end;
  }
  if (q.frags.some((x) => x.off === off)) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_DUP_FRAG", "ip6_frag_queue");
    return undefined;
  }
  q.frags.push({ off, data: b.slice(f + FRAG_HDRLEN, f + FRAG_HDRLEN + dlen) });
  q.meat += dlen;
  if (off === 0) q.first = skb;
  if (!q.lastIn || q.meat !== q.len || !q.first) return undefined;
  // ip6_frag_reasm()
  q.timer.cancel();
  m.delete(key);
  st.ReasmOKs++;
  const first = q.first;
  return joined(first, first.buf[first.networkHeader + 40]!, q.frags, q.len);
}

/** the whole packet: `from`'s IPv6 header with `nexthdr` and the payload `frags` make */
function joined(from: SkBuff, nexthdr: number, frags: { off: number; data: Uint8Array }[], len: number): SkBuff {
  const out = new SkBuff(40 + len, 16);
  const o = out.data;
  out.buf.set(from.buf.subarray(from.networkHeader, from.networkHeader + 40), o);
  out.buf[o + 4] = len >>> 8;
  out.buf[o + 5] = len & 0xff;
  out.buf[o + 6] = nexthdr;
  for (const x of frags) out.buf.set(x.data, o + 40 + x.off);
  out.networkHeader = o;
  out.dev = from.dev;
  out.skbIif = from.skbIif;
  out.pktType = from.pktType;
  out.protocol = from.protocol;
  out.mark = from.mark;
  out.tstamp = from.tstamp;
  out.macHeader = -1;
  return out;
}

/** net/ipv6/reassembly.c: ip6_frag_expire() */
function ip6FragExpire(net: Net, q: FragQueue): void {
  queues.get(net)?.delete(q.key);
  const st = ipv6Stats(net).ip;
  st.ReasmFails++;
  st.ReasmTimeout++;
  if (q.first) {
    timeExceeded(q.first);
    kfreeSkbReason(q.first, "SKB_DROP_REASON_FRAG_REASM_TIMEOUT", "ip6_expire_frag_queue");
  }
}
