/**
 * net/ipv4/ip_output.c: local output (__ip_local_out / ip_local_out), ip_output,
 * ip_finish_output(2) to the neighbour layer, ip_mc_output (broadcast loopback copy), the IP
 * ID selection (ip_select_ident) and ip_build_and_send_pkt-style header building for the
 * kernel's own packets (ICMP, raw/ping/UDP sockets).
 */
import { SkBuff, SkBuff as SkBufCtor, CHECKSUM_PARTIAL } from "../core/skbuff.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import { ETH_P_IP, PACKET_LOOPBACK } from "../uapi/if.ts";
import { RTCF_BROADCAST, RTCF_MULTICAST, RTN_MULTICAST, RTN_BROADCAST } from "../uapi/rtnetlink.ts";
import { nfHook, NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING } from "../netfilter/core.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { netifRx, netSched, netRng, devRecursionLevel, devLoopbackXmit } from "../core/dev_path.ts";
import { neighLookup, neighCreate, neighOutput } from "../core/neighbour.ts";
import { USEC_PER_SEC, HZ } from "../../sim/scheduler.ts";
import { readU32, writeU16, writeU32 } from "../../wire/addr.ts";
import { ipSendCheck, iphHlen, iphTotLen, IP_DF } from "../../wire/ipv4.ts";
import { type Rtable, ipv4Mtu, dstOutput, IPSKB_REROUTED, IPSKB_FRAG_PMTU } from "./route.ts";
import { ipFragment, IGNORE_DF } from "./ip_fragment.ts";
import { ipStats } from "./ip_input.ts";
import { icmpOutCount } from "./icmp.ts";
import { arpTable } from "./arp.ts";
import { type IpOptions, ipOptionsBuild } from "./ip_options.ts";

/** net/ipv4/ip_output.c: __ip_local_out(): finish the header, NF LOCAL_OUT */
export function ipLocalOut(net: Net, skb: SkBuff): number {
  const b = skb.buf;
  const o = skb.networkHeader;
  writeU16(b, o + 2, skb.tail - o);
  ipSendCheck(b, o);
  skb.protocol = ETH_P_IP;
  const rt = skb.dst as Rtable;
  nfHook(NFPROTO_IPV4, NF_INET_LOCAL_OUT, net, skb, undefined, rt.dev, dstOutputOk);
  return 0;
}

function dstOutputOk(skb: SkBuff): void {
  dstOutput((skb.dst as Rtable).dev.net, skb);
}

/** net/ipv4/ip_output.c: ip_output() */
export function ipOutput(net: Net, skb: SkBuff): number {
  const rt = skb.dst as Rtable;
  const dev = rt.dev;
  skb.dev = dev;
  skb.protocol = ETH_P_IP;
  if (skb.ipcbFlags & IPSKB_REROUTED) ipFinishOutput(skb);
  else nfHook(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, skb, undefined, dev, ipFinishOutput);
  return 0;
}

/** net/ipv4/ip_output.c: ip_mc_output(): a multicast to a group this host joined loops a
 * copy back unless its socket turned IP_MULTICAST_LOOP off (a tunnel's packet, sent from a
 * device's xmit, never: sk_mc_loop() under dev_recursion_level()); a broadcast always does */
export function ipMcOutput(net: Net, skb: SkBuff): number {
  const rt = skb.dst as Rtable;
  const dev = rt.dev;
  skb.dev = dev;
  skb.protocol = ETH_P_IP;
  if (rt.rtFlags & RTCF_MULTICAST) {
    const sk = skb.sk as { mcLoop?: boolean } | undefined;
    if (devRecursionLevel() === 0 && (!sk || sk.mcLoop !== false)) {
      const n = skb.copy();
      nfHook(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, n, undefined, dev, devLoopbackXmit);
    }
    // multicasts with TTL 0 do not leave the host
    if (skb.buf[skb.networkHeader + 8] === 0) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ip_mc_output");
      return 0;
    }
  }
  if (rt.rtFlags & RTCF_BROADCAST) {
    const n = skb.copy();
    nfHook(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, n, undefined, dev, devLoopbackXmit);
  }
  nfHook(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, skb, undefined, dev, ipFinishOutput);
  return 0;
}

/** include/net/ip.h: ip_skb_dst_mtu() */
function ipSkbDstMtu(skb: SkBuff): number {
  return ipv4Mtu(skb.dst as Rtable);
}

/** net/ipv4/ip_output.c: ip_finish_output() / __ip_finish_output() */
export function ipFinishOutput(skb: SkBuff): void {
  const rt = skb.dst as Rtable;
  const mtu = ipSkbDstMtu(skb);
  if (skb.tail - skb.networkHeader > mtu || skb.ipcbFlags & IPSKB_FRAG_PMTU && skb.tail - skb.networkHeader > mtu) {
    ipFragment(rt.dev.net, skb, mtu, ipFinishOutput2);
    return;
  }
  ipFinishOutput2(skb);
}

/** net/ipv4/ip_output.c: ip_finish_output2(): the next hop's neighbour */
export function ipFinishOutput2(skb: SkBuff): void {
  const rt = skb.dst as Rtable;
  const dev = rt.dev;
  const st = ipStats(dev.net);
  st.OutTransmits++;
  if (rt.rtType === RTN_MULTICAST) {
    /* IP_UPD_PO_STATS(net, IPSTATS_MIB_OUTMCAST, skb->len) */
    st.OutMcastPkts++;
    st.OutMcastOctets += skb.tail - skb.networkHeader;
  } else if (rt.rtType === RTN_BROADCAST) {
    st.OutBcastPkts++;
    st.OutBcastOctets += skb.tail - skb.networkHeader;
  }
  const nexthop = rt.rtUsesGateway ? rt.rtGw4 : readU32(skb.buf, skb.networkHeader + 16);
  const tbl = arpTable(dev.net);
  let n = neighLookup(tbl, nexthop, dev);
  if (!n) n = neighCreate(tbl, nexthop, dev);
  if (!n) {
    // "No header cache and no neighbour!": the neighbour table is full
    kfreeSkbReason(skb, "SKB_DROP_REASON_NEIGH_CREATEFAIL", "ip_finish_output2");
    return;
  }
  skb.data = skb.networkHeader;
  st.OutOctets += skb.tail - skb.data;
  skb.protocol = ETH_P_IP;
  neighOutput(n, skb);
}

/** net/ipv4/route.c: ip_rt_bug(): an input route used for output */
export function ipRtBug(_net: Net, skb: SkBuff): number {
  kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ip_rt_bug");
  return 0;
}

// ------------------------------------------------------------------ IP ID

const IP_IDENTS_SZ = 2048;
interface Idents {
  ids: Uint16Array;
  stamps: Float64Array;
}
const idents = new NetGeneric<Idents>();

/** net/ipv4/route.c: ip_idents_reserve() (the buckets start random, as at boot) */
function ipIdentsReserve(net: Net, hash: number, segs: number): number {
  let t = idents.get(net);
  if (!t) {
    t = { ids: new Uint16Array(IP_IDENTS_SZ), stamps: new Float64Array(IP_IDENTS_SZ) };
    const rng = netRng(net);
    for (let i = 0; i < IP_IDENTS_SZ; i++) t.ids[i] = rng.u32() & 0xffff;
    idents.set(net, t);
  }
  const bucket = hash % IP_IDENTS_SZ;
  const now = Math.floor(netSched(net).now / (USEC_PER_SEC / HZ));
  const old = t.stamps[bucket]!;
  let delta = 0;
  if (old !== now) {
    t.stamps[bucket] = now;
    delta = netRng(net).below(now - old);
  }
  const id = (t.ids[bucket]! + segs + delta) & 0xffff;
  t.ids[bucket] = id;
  return (id - segs) & 0xffff;
}

/** a cheap stand-in for siphash_3u32(daddr, saddr, proto, ip_id_key) */
function idHash(daddr: number, saddr: number, proto: number): number {
  let h = Math.imul(daddr ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ saddr ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ proto ^ (h >>> 16), 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** include/net/ip.h: ip_select_ident_segs() — sk: a connected socket's inet_id counter */
export function ipSelectIdent(net: Net, skb: SkBuff, sk: { inetDaddr: number; inetId: number } | undefined, segs = 1): void {
  const b = skb.buf;
  const o = skb.networkHeader;
  let id: number;
  if (sk && sk.inetDaddr) {
    sk.inetId = (sk.inetId + segs) & 0xffff;
    id = sk.inetId;
  } else if ((b[o + 6]! << 8) & IP_DF && !(skb.ipcbFlags & IGNORE_DF)) {
    /* DF and no fragmenting allowed: the ID is never used */
    id = 0;
  } else {
    id = ipIdentsReserve(net, idHash(readU32(b, o + 16), readU32(b, o + 12), b[o + 9]!), segs);
  }
  writeU16(b, o + 4, id);
}

export { iphHlen, iphTotLen };

// ------------------------------------------------------------------ building packets

export interface IpSendParams {
  saddr: number;
  daddr: number;
  protocol: number;
  tos: number;
  ttl: number;
  /** set IP_DF */
  df: boolean;
  /** a connected socket's inet_id (ip_select_ident) */
  sk?: { inetDaddr: number; inetId: number } | undefined;
  /** skb->sk, for ip_mc_output's loop decision and errors */
  owner?: unknown;
  mark?: number;
  /** allow fragmenting although DF (skb->ignore_df) */
  ignoreDf?: boolean;
  /** the transport checksum is left to the device (CHECKSUM_PARTIAL): its offset in l4 */
  csumOffset?: number;
  /** IP options (ipc->opt), written by ip_options_build() */
  opt?: IpOptions | undefined;
  /** cork->addr: the final destination a source route ends at (daddr is its first hop) */
  finalDaddr?: number;
  /** nf_ct_attach(): the packet this one answers (an ICMP error, REJECT's reset), whose
   * conntrack it joins in the other direction */
  ctFrom?: SkBuff;
}

/** net/netfilter/nf_conntrack_core.c: nf_conntrack_attach(): the reply joins the conntrack of
 * the packet that caused it, RELATED in the opposite direction (IP_CT_RELATED 1,
 * IP_CT_RELATED_REPLY 4; a ctinfo from IP_CT_IS_REPLY 3 on is the reply direction) */
function nfCtAttach(skb: SkBuff, from: SkBuff): void {
  if (from.nfct === undefined) return;
  skb.nfct = from.nfct;
  skb.ctinfo = from.ctinfo >= 3 ? 1 : 4;
}

/**
 * ip_append_data() + ip_push_pending_frames() (__ip_make_skb + ip_send_skb) for one
 * datagram whose transport header and payload are `l4[0..len)` (already checksummed):
 * builds the IP header, picks the ID, and sends it through ip_local_out().
 */
export function ipSendData(net: Net, rt: Rtable, p: IpSendParams, l4: Uint8Array, len: number): number {
  const opt = p.opt !== undefined && p.opt.optlen ? p.opt : undefined;
  const hlen = 20 + (opt ? opt.optlen : 0);
  const skb = new SkBufCtor(hlen + len);
  const o = skb.data;
  skb.networkHeader = o;
  skb.transportHeader = o + hlen;
  const b = skb.buf;
  b[o] = 0x40 | (hlen >> 2);
  b[o + 1] = p.tos;
  writeU16(b, o + 2, hlen + len);
  writeU16(b, o + 6, p.df ? IP_DF : 0);
  b[o + 8] = p.ttl;
  b[o + 9] = p.protocol;
  writeU32(b, o + 12, p.saddr);
  writeU32(b, o + 16, p.daddr);
  b.set(l4.subarray(0, len), o + hlen);
  if (opt) ipOptionsBuild(skb, opt, p.finalDaddr ?? p.daddr, rt);
  skb.dst = rt;
  skb.dev = rt.dev;
  skb.sk = p.owner;
  if (p.ctFrom) nfCtAttach(skb, p.ctFrom);
  skb.mark = p.mark ?? 0;
  skb.protocol = ETH_P_IP;
  if (p.ignoreDf) skb.ipcbFlags |= IGNORE_DF;
  if (p.csumOffset !== undefined) {
    skb.ipSummed = CHECKSUM_PARTIAL;
    skb.csumStart = o + hlen;
    skb.csumOffset = p.csumOffset;
  }
  ipSelectIdent(net, skb, p.sk);
  const st = ipStats(net);
  st.OutRequests++;
  if (p.protocol === 1) icmpOutCount(net, l4[0]!);
  ipLocalOut(net, skb);
  return ipLocalOutErrno(skb);
}

/**
 * What a local sender's sendmsg() gets back for an skb ip_local_out() dropped on its way out
 * (the path is synchronous up to the device queue): a netfilter drop is -EPERM
 * (nf_hook_slow()), no room for a neighbour -ENOBUFS (ip_finish_output2()); else 0.
 */
export function ipLocalOutErrno(skb: SkBuff): number {
  switch (skb.dropReason) {
    case "SKB_DROP_REASON_NETFILTER_DROP":
      return -1; // -EPERM
    case "SKB_DROP_REASON_NEIGH_CREATEFAIL":
      return -105; // -ENOBUFS
    default:
      return 0;
  }
}
