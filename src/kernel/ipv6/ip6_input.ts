/**
 * net/ipv6/ip6_input.c: ipv6_rcv() for ETH_P_IPV6, reduced to what link-up traffic needs:
 * a frame is handled (so no rx_nohandler), checked like ip6_rcv_core() does, and consumed.
 * The one thing acted on is Duplicate Address Detection (net/ipv6/ndisc.c: ndisc_recv_ns()):
 * a neighbour solicitation from :: for one of our tentative addresses fails our DAD, unless it
 * carries our own nonce (our NS looped back).
 *
 * Not modelled: routing and delivery of IPv6 (ICMPv6 echo, NA replies, UDP/TCP over IPv6),
 * MLD queries, router advertisements, the Ip6In* SNMP counters.
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { devAddProtocol, PACKET_OTHERHOST, PACKET_LOOPBACK } from "../core/dev_path.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { devInet6 } from "./addrconf.ts";
import { ETH_P_IPV6 } from "../uapi/if.ts";
import { IFA_F_TENTATIVE, IFA_F_OPTIMISTIC } from "../uapi/rtnetlink.ts";
import { IPV6_HDRLEN, NEXTHDR_ICMP, ipv6AddrAny, ipv6AddrIsMulticast, icmpv6Csum } from "./ip6_output.ts";
import { ipv6ChkMcastAddrAt } from "./mcast.ts";
import { ipv6Stats, type Ipv6Mib } from "./proc.ts";
import { NDISC_NEIGHBOUR_SOLICITATION, NDISC_NEIGHBOUR_ADVERTISEMENT, ndiscRcv } from "./ndisc.ts";

/** ipv6RcvPeek(): how a frame ended there */
const PEEK_OTHERHOST = 1;
const PEEK_MC_NOT_JOINED = 2;

/** IPSTATS_MIB_NOECTPKTS + (ipv6_get_dsfield(hdr) & INET_ECN_MASK) */
function countEcn(ip: Ipv6Mib["ip"], b: Uint8Array, o: number): void {
  switch ((b[o + 1]! >>> 4) & 3) {
    case 0: ip.InNoECTPkts++; break;
    case 1: ip.InECT1Pkts++; break;
    case 2: ip.InECT0Pkts++; break;
    default: ip.InCEPkts++;
  }
}

/**
 * ipv6_rcv()'s end of a frame that is not for this host, on the bytes alone (`b[o..o+len)`,
 * the IPv6 header on): another host's (PACKET_OTHERHOST), or a valid packet to a group nobody
 * here joined (ip6_mc_input(): the link-up chatter of every other port of a bridge ends so).
 * Counts what ipv6_rcv() counts on that way and returns how it ended; else 0, nothing done.
 * ipv6Rcv() starts with it; a frame queued unbuilt is received by it alone (PtypePeek).
 */
function ipv6RcvPeek(b: Uint8Array, o: number, len: number, pktType: number, dev: NetDevice): number {
  if (pktType === PACKET_OTHERHOST) return PEEK_OTHERHOST;
  const idev = devInet6(dev);
  if (!idev || dev.ip6Disabled || pktType === PACKET_LOOPBACK) return 0;
  if (len < IPV6_HDRLEN || b[o]! >>> 4 !== 6 || b[o + 24] !== 0xff) return 0;
  if (((b[o + 4]! << 8) | b[o + 5]!) + IPV6_HDRLEN > len) return 0;
  // read in place: no copies of the addresses for it
  if (ipv6ChkMcastAddrAt(dev, b, o + 24)) return 0;
  const ip = (dev.ip6MibIp ??= ipv6Stats(dev.net).ip) as Ipv6Mib["ip"];
  /* __IP6_UPD_PO_STATS(net, idev, IPSTATS_MIB_IN, skb->len) */
  ip.InReceives++;
  ip.InOctets += len;
  countEcn(ip, b, o);
  /* ip6_mc_input(): IPSTATS_MIB_INMCAST */
  ip.InMcastPkts++;
  ip.InMcastOctets += len;
  return PEEK_MC_NOT_JOINED;
}

/** net/ipv6/ip6_input.c: ipv6_rcv() / ip6_rcv_core() */
export function ipv6Rcv(skb: SkBuff, dev: NetDevice): void {
  const b = skb.buf;
  const o = skb.data;
  const peek = ipv6RcvPeek(b, o, skb.len, skb.pktType, dev);
  if (peek === PEEK_OTHERHOST) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_OTHERHOST", "ip6_rcv_core");
    return;
  }
  if (peek === PEEK_MC_NOT_JOINED) {
    skb.networkHeader = o;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ip6_mc_input");
    return;
  }
  const idev = devInet6(dev);
  const st = ipv6Stats(dev.net);
  /* __IP6_UPD_PO_STATS(net, idev, IPSTATS_MIB_IN, skb->len) */
  st.ip.InReceives++;
  st.ip.InOctets += skb.len;
  if (!idev || dev.ip6Disabled) {
    st.ip.InDiscards++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_IPV6DISABLED", "ip6_rcv_core");
    return;
  }
  if (skb.len < IPV6_HDRLEN || b[o]! >>> 4 !== 6) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_IP_INHDR", "ip6_rcv_core");
    return;
  }
  countEcn(st.ip, b, o);
  const plen = (b[o + 4]! << 8) | b[o + 5]!;
  if (plen + IPV6_HDRLEN > skb.len) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "ip6_rcv_core");
    return;
  }
  skb.networkHeader = o;
  if (skb.pktType === PACKET_LOOPBACK) return;
  if (b[o + 24] === 0xff) {
    /* ip6_mc_input(): IPSTATS_MIB_INMCAST (a group joined here: ipv6RcvPeek() ended the others) */
    st.ip.InMcastPkts++;
    st.ip.InMcastOctets += skb.len;
  }
  const saddr = b.slice(o + 8, o + 24);
  const daddr = b.slice(o + 24, o + 40);
  if (b[o + 6] !== NEXTHDR_ICMP) return; // consumed: no transport handler is modelled
  const t = o + IPV6_HDRLEN;
  // icmpv6_rcv(): the checksum over a correct packet, pseudo-header included, folds to 0
  /* ip6_input_finish(): InDelivers; icmpv6_rcv(): ICMP6_MIB_INMSGS, then the checksum */
  st.ip.InDelivers++;
  st.icmp.InMsgs++;
  if (plen < 4 || icmpv6Csum(b, t, plen, saddr, daddr) !== 0xffff) {
    st.icmp.InCsumErrors++;
    st.icmp.InErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_ICMP_CSUM", "icmpv6_rcv");
    return;
  }
  st.inType[b[t]!]!++;
  icmpv6Rcv(skb, dev, t, plen, saddr, daddr, b[o + 7]!);
}

/** net/ipv6/icmp.c: icmpv6_rcv(), past the checksum: ND messages to ndisc_rcv() */
function icmpv6Rcv(skb: SkBuff, dev: NetDevice, t: number, len: number, saddr: Uint8Array, daddr: Uint8Array, hopLimit: number): void {
  const type = skb.buf[t]!;
  if (type === NDISC_NEIGHBOUR_SOLICITATION || type === NDISC_NEIGHBOUR_ADVERTISEMENT) {
    if (!ndiscRcv(skb, dev, t, len, saddr, daddr, hopLimit)) kfreeSkbReason(skb, "SKB_DROP_REASON_IPV6_NDISC_BAD_CODE", "ndisc_rcv");
  }
}

let inited = false;

/** net/ipv6/af_inet6.c: ipv6_packet_init(): dev_add_pack(&ipv6_packet_type) */
export function ipv6PacketInit(): void {
  if (inited) return;
  inited = true;
  devAddProtocol(ETH_P_IPV6, (skb, dev) => ipv6Rcv(skb, dev), ipv6RcvPeek);
}
