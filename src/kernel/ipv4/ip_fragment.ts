/**
 * net/ipv4/ip_output.c: ip_fragment() / ip_do_fragment() (the slow path: copy the payload
 * into new skbs of at most mtu bytes, 8-byte aligned offsets, MF on all but the last) and
 * a minimal net/ipv4/ip_fragment.c reassembly (ip_defrag) with the 30 s timer.
 */
import { SkBuff, skbChecksumHelp } from "../core/skbuff.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { ipv4Sysctl } from "./icmp.ts";
import { netSched } from "../core/dev_path.ts";
import type { Timer } from "../../sim/scheduler.ts";
import { readU16, readU32, writeU16 } from "../../wire/addr.ts";
import { iphHlen, ipSendCheck, IP_DF, IP_MF, IP_OFFSET } from "../../wire/ipv4.ts";
import { ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME } from "../../wire/icmp.ts";
import { icmpSend } from "./icmp.ts";
import { ipStats } from "./ip_input.ts";

/** net/ipv4/ip_output.c: ip_fragment(): DF set and not allowed -> frag needed */
export function ipFragment(net: Net, skb: SkBuff, mtu: number, output: (skb: SkBuff) => void): number {
  // ip_do_fragment(): a partial checksum is finished before the packet is cut
  skbChecksumHelp(skb);
  const b = skb.buf;
  const o = skb.networkHeader;
  const fragOff = readU16(b, o + 6);
  if (fragOff & IP_DF && !(skb.ipcbFlags & IGNORE_DF)) {
    ipStats(net).FragFails++;
    icmpSend(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu);
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_BIG", "ip_fragment");
    return -90; // -EMSGSIZE
  }
  return ipDoFragment(net, skb, mtu, output);
}

/** IPCB flag of this emulator: skb->ignore_df (a local socket allowed fragmentation) */
export const IGNORE_DF = 1 << 12;

/** net/ipv4/ip_output.c: ip_do_fragment() — slow path */
export function ipDoFragment(net: Net, skb: SkBuff, mtu: number, output: (skb: SkBuff) => void): number {
  const b = skb.buf;
  const o = skb.networkHeader;
  const hlen = iphHlen(b, o);
  let left = skb.tail - o - hlen;
  let ptr = o + hlen;
  const origOff = readU16(b, o + 6);
  let offset = (origOff & IP_OFFSET) << 3;
  const notLastFrag = (origOff & IP_MF) !== 0;
  const st = ipStats(net);
  let first = true;
  while (left > 0) {
    let len = left;
    if (len > mtu - hlen) len = mtu - hlen;
    if (len < left) len &= ~7;
    const f = new SkBuff(hlen + len);
    f.networkHeader = f.data;
    f.buf.set(b.subarray(o, o + hlen), f.data);
    f.buf.set(b.subarray(ptr, ptr + len), f.data + hlen);
    // ip_copy_metadata()
    f.dev = skb.dev;
    f.dst = skb.dst;
    f.mark = skb.mark;
    f.priority = skb.priority;
    f.protocol = skb.protocol;
    f.sk = skb.sk;
    f.nfct = skb.nfct;
    f.ctinfo = skb.ctinfo;
    f.ipcbFlags = skb.ipcbFlags;
    if (!first && hlen > 20) ipOptionsFragment(f.buf, f.data, hlen);
    left -= len;
    let fo = (offset >> 3) | (origOff & IP_DF);
    if (left > 0 || notLastFrag) fo |= IP_MF;
    writeU16(f.buf, f.data + 6, fo);
    writeU16(f.buf, f.data + 2, hlen + len);
    ipSendCheck(f.buf, f.data);
    ptr += len;
    offset += len;
    first = false;
    st.FragCreates++;
    output(f);
  }
  st.FragOKs++;
  return 0;
}

/** net/ipv4/ip_options.c: ip_options_fragment(): options not copied (copy bit clear) become NOPs */
function ipOptionsFragment(b: Uint8Array, o: number, hlen: number): void {
  let i = o + 20;
  const end = o + hlen;
  while (i < end) {
    const t = b[i]!;
    if (t === 0) return;
    if (t === 1) {
      i++;
      continue;
    }
    const l = b[i + 1]!;
    if (l < 2 || i + l > end) return;
    if (!(t & 0x80)) b.fill(1, i, i + l);
    i += l;
  }
}

// ------------------------------------------------------------------ reassembly

/** struct ipq: one datagram being put back together */
interface Ipq {
  key: string;
  frags: { off: number; data: Uint8Array }[];
  len: number;
  meat: number;
  lastIn: boolean;
  firstSkb: SkBuff | undefined;
  timer: Timer;
}

const queues = new NetGeneric<Map<string, Ipq>>();

/**
 * net/ipv4/ip_fragment.c: ip_defrag(): returns the reassembled skb, or undefined while
 * fragments are missing (the fragment is kept) or when it was dropped.
 */
export function ipDefrag(net: Net, skb: SkBuff): SkBuff | undefined {
  const b = skb.buf;
  const o = skb.networkHeader;
  const hlen = iphHlen(b, o);
  const key = `${readU32(b, o + 12)}:${readU32(b, o + 16)}:${readU16(b, o + 4)}:${b[o + 9]}`;
  let m = queues.get(net);
  if (!m) queues.set(net, (m = new Map()));
  const st = ipStats(net);
  st.ReasmReqds++;
  let q = m.get(key);
  if (!q) {
    // inet_frag_find(): no memory may be used (ipfrag_high_thresh 0) — the fragment goes
    // (memory is not otherwise accounted here)
    if (!ipv4Sysctl(net).ipfragHighThresh) {
      st.ReasmFails++;
      kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ip_defrag");
      return undefined;
    }
    const nq: Ipq = {
      key, frags: [], len: 0, meat: 0, lastIn: false, firstSkb: undefined,
      timer: netSched(net).timer(() => ipExpire(net, nq), "ipfrag"),
    };
    q = nq;
    m.set(key, q);
    q.timer.mod(netSched(net).now + ipv4Sysctl(net).ipfragTime);
  }
  const fo = readU16(b, o + 6);
  const off = (fo & IP_OFFSET) << 3;
  const totLen = readU16(b, o + 2);
  const dlen = totLen - hlen;
  const end = off + dlen;
  if (!(fo & IP_MF)) {
    q.lastIn = true;
    q.len = end;
  } else if (end > q.len) q.len = end;
  for (const f of q.frags) {
    if (f.off === off) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_DUP_FRAG", "ip_frag_queue");
      return undefined;
    }
  }
  q.frags.push({ off, data: b.slice(o + hlen, o + hlen + dlen) });
  q.meat += dlen;
  if (off === 0) q.firstSkb = skb;
  if (!q.lastIn || q.meat !== q.len || !q.firstSkb) return undefined;
  // ip_frag_reasm()
  q.timer.cancel();
  m.delete(key);
  const first = q.firstSkb;
  const fh = iphHlen(first.buf, first.networkHeader);
  const out = new SkBuff(fh + q.len);
  out.networkHeader = out.data;
  out.buf.set(first.buf.subarray(first.networkHeader, first.networkHeader + fh), out.data);
  for (const f of q.frags) out.buf.set(f.data, out.data + fh + f.off);
  writeU16(out.buf, out.data + 2, fh + q.len);
  writeU16(out.buf, out.data + 6, 0);
  ipSendCheck(out.buf, out.data);
  out.dev = skb.dev;
  out.skbIif = skb.skbIif;
  out.dst = skb.dst;
  out.pktType = skb.pktType;
  out.protocol = skb.protocol;
  out.mark = skb.mark;
  out.tstamp = skb.tstamp;
  out.ipOpt = first.ipOpt;
  out.macHeader = -1;
  st.ReasmOKs++;
  return out;
}

/** net/ipv4/ip_fragment.c: ip_expire(): time exceeded (fragment reassembly) to the sender */
function ipExpire(net: Net, q: Ipq): void {
  queues.get(net)?.delete(q.key);
  const st = ipStats(net);
  st.ReasmFails++;
  st.ReasmTimeout++;
  if (q.firstSkb) {
    icmpSend(q.firstSkb, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
    kfreeSkbReason(q.firstSkb, "SKB_DROP_REASON_FRAG_REASM_TIMEOUT", "ip_expire");
  }
}
