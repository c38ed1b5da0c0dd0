/**
 * net/ipv4/ip_forward.c: ip_forward() (TTL, MTU/DF -> frag needed, redirects, NF FORWARD)
 * and ip_forward_finish(); the redirect sender with its inet_peer rate limit is
 * net/ipv4/route.c: ip_rt_send_redirect().
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import { PACKET_HOST } from "../uapi/if.ts";
import { nfHook, NFPROTO_IPV4, NF_INET_FORWARD } from "../netfilter/core.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { HZ } from "../../sim/scheduler.ts";
import { readU16, readU32 } from "../../wire/addr.ts";
import { ipDecreaseTtl, IP_DF } from "../../wire/ipv4.ts";
import { ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_REDIRECT, ICMP_REDIR_HOST, ICMP_SR_FAILED } from "../../wire/icmp.ts";
import { type Rtable, ipv4Mtu, dstOutput, IPSKB_FORWARDED, IPSKB_DOREDIRECT, inetGetpeerV4, jiffies } from "./route.ts";
import { icmpSend } from "./icmp.ts";
import { ipStats } from "./ip_input.ts";
import { inDevConf, devInDevice, IN_DEV } from "./devinet.ts";
import { IGNORE_DF } from "./ip_fragment.ts";
import { ipForwardOptions } from "./ip_options.ts";

/** net/ipv4/ip_forward.c: ip_exceeds_mtu() */
function ipExceedsMtu(skb: SkBuff, mtu: number): boolean {
  const len = skb.tail - skb.networkHeader;
  if (len <= mtu) return false;
  if (!(readU16(skb.buf, skb.networkHeader + 6) & IP_DF)) return false;
  if (skb.ipcbFlags & IGNORE_DF) return false;
  return true;
}

/** net/ipv4/ip_forward.c: ip_forward() */
export function ipForward(skb: SkBuff): void {
  const dev = skb.dev!;
  const net = dev.net;
  let reason = "SKB_DROP_REASON_NOT_SPECIFIED";
  drop: {
    if (skb.sk) break drop;
    if (skb.pktType !== PACKET_HOST) {
      reason = "SKB_DROP_REASON_OTHERHOST";
      break drop;
    }
    const o = skb.networkHeader;
    if (skb.buf[o + 8]! <= 1) {
      // too_many_hops
      ipStats(net).InHdrErrors++;
      icmpSend(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
      reason = "SKB_DROP_REASON_IP_INHDR";
      break drop;
    }
    const rt = skb.dst as Rtable;
    if (skb.ipOpt?.isStrictroute && rt.rtUsesGateway) {
      // sr_failed: strict routing permits no gatewaying
      icmpSend(skb, ICMP_DEST_UNREACH, ICMP_SR_FAILED, 0);
      break drop;
    }
    // ForwDatagrams: every datagram that passed the TTL check (IPSTATS_MIB_INFORWDATAGRAMS in
    // 6.x; the transcripts count the ones that then fail the MTU check too)
    ipStats(net).ForwDatagrams++;
    skb.ipcbFlags |= IPSKB_FORWARDED;
    const mtu = ipv4Mtu(rt);
    if (ipExceedsMtu(skb, mtu)) {
      ipStats(net).FragFails++;
      icmpSend(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu);
      reason = "SKB_DROP_REASON_PKT_TOO_BIG";
      break drop;
    }
    ipDecreaseTtl(skb.buf, o);
    if (skb.ipcbFlags & IPSKB_DOREDIRECT) ipRtSendRedirect(skb);
    nfHook(NFPROTO_IPV4, NF_INET_FORWARD, net, skb, dev, rt.dev, ipForwardFinish);
    return;
  }
  kfreeSkbReason(skb, reason, "ip_forward");
}

/** net/ipv4/ip_forward.c: ip_forward_finish() */
function ipForwardFinish(skb: SkBuff): void {
  const rt = skb.dst as Rtable;
  const net = rt.dev.net;
  ipStats(net).OutForwDatagrams++;
  if (skb.ipOpt !== undefined && skb.ipOpt.optlen) ipForwardOptions(skb);
  skb.data = skb.networkHeader;
  dstOutput(net, skb);
}

// ------------------------------------------------------------------ redirects

const IP_RT_REDIRECT_NUMBER = 9;
const IP_RT_REDIRECT_LOAD = HZ / 50;
const IP_RT_REDIRECT_SILENCE = IP_RT_REDIRECT_LOAD << (IP_RT_REDIRECT_NUMBER + 1);

/** net/ipv4/route.c: ip_rt_send_redirect() */
export function ipRtSendRedirect(skb: SkBuff): void {
  const rt = skb.dst as Rtable;
  const out = rt.dev;
  if (!devInDevice(out) || !inDevConf(out, IN_DEV.send_redirects)) return;
  const net = out.net;
  const saddr = readU32(skb.buf, skb.networkHeader + 12);
  const daddr = readU32(skb.buf, skb.networkHeader + 16);
  const peer = inetGetpeerV4(net, saddr);
  const now = jiffies(net);
  if (now > peer.rateLast + IP_RT_REDIRECT_SILENCE) {
    peer.rateTokens = 0;
    peer.nRedirects = 0;
  }
  if (peer.nRedirects >= IP_RT_REDIRECT_NUMBER) {
    peer.rateLast = now;
    return;
  }
  if (peer.nRedirects === 0 || now > peer.rateLast + (IP_RT_REDIRECT_LOAD << peer.nRedirects)) {
    const gw = rt.rtUsesGateway ? rt.rtGw4 : daddr;
    icmpSend(skb, ICMP_REDIRECT, ICMP_REDIR_HOST, gw);
    peer.rateLast = now;
    peer.nRedirects++;
  }
}
