/**
 * net/ipv4/ip_input.c: ip_rcv() (header checks, drops with reasons), NF PRE_ROUTING,
 * ip_rcv_finish() (input route), ip_local_deliver() (defrag, NF LOCAL_IN) and the delivery to
 * raw sockets and the protocol handlers (inet_protos). Also the IP MIB counters.
 */
import { ipRcvOptions } from "./ip_options.ts";
import type { SkBuff } from "../core/skbuff.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import { PACKET_OTHERHOST, PACKET_BROADCAST, PACKET_MULTICAST } from "../uapi/if.ts";
import { RTN_BROADCAST, RTN_MULTICAST } from "../uapi/rtnetlink.ts";
import { nfHook, NFPROTO_IPV4, NF_INET_PRE_ROUTING, NF_INET_LOCAL_IN } from "../netfilter/core.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { readU16, readU32 } from "../../wire/addr.ts";
import { ipFastCsumOk, IP_MF, IP_OFFSET } from "../../wire/ipv4.ts";
import { ICMP_DEST_UNREACH, ICMP_PROT_UNREACH } from "../../wire/icmp.ts";
import { type Rtable, ipRouteInputNoref, lastInputReason, dstInput } from "./route.ts";
import { inDevConf, IN_DEV } from "./devinet.ts";
import { ipDefrag } from "./ip_fragment.ts";
import { icmpSend } from "./icmp.ts";
import { rawLocalDeliver } from "./raw.ts";
import { tcpExtInc } from "./tcp.ts";

/** the Ip: line of /proc/net/snmp (+ IpExt) */
export interface IpMib {
  InReceives: number; InHdrErrors: number; InAddrErrors: number; ForwDatagrams: number;
  InUnknownProtos: number; InDiscards: number; InDelivers: number; OutRequests: number;
  OutDiscards: number; OutNoRoutes: number; ReasmTimeout: number; ReasmReqds: number;
  ReasmOKs: number; ReasmFails: number; FragOKs: number; FragFails: number; FragCreates: number;
  OutTransmits: number; InNoRoutes: number; InTruncatedPkts: number; InCsumErrors: number;
  InBcastPkts: number; OutBcastPkts: number; InOctets: number; OutOctets: number;
  OutForwDatagrams: number;
  /** IpExt of /proc/net/netstat */
  InMcastPkts: number; OutMcastPkts: number; InMcastOctets: number; OutMcastOctets: number;
  InBcastOctets: number; OutBcastOctets: number;
  /** IPSTATS_MIB_NOECTPKTS + (tos & INET_ECN_MASK): NoECT, ECT(1), ECT(0), CE */
  InNoECTPkts: number; InECT1Pkts: number; InECT0Pkts: number; InCEPkts: number;
  ReasmOverlaps: number;
}

const mibs = new NetGeneric<IpMib>();
export function ipStats(net: Net): IpMib {
  let m = mibs.get(net);
  if (!m) {
    m = {
      InReceives: 0, InHdrErrors: 0, InAddrErrors: 0, ForwDatagrams: 0, InUnknownProtos: 0,
      InDiscards: 0, InDelivers: 0, OutRequests: 0, OutDiscards: 0, OutNoRoutes: 0, ReasmTimeout: 0,
      ReasmReqds: 0, ReasmOKs: 0, ReasmFails: 0, FragOKs: 0, FragFails: 0, FragCreates: 0,
      OutTransmits: 0, InNoRoutes: 0, InTruncatedPkts: 0, InCsumErrors: 0, InBcastPkts: 0,
      OutBcastPkts: 0, InOctets: 0, OutOctets: 0, OutForwDatagrams: 0,
      InMcastPkts: 0, OutMcastPkts: 0, InMcastOctets: 0, OutMcastOctets: 0, InBcastOctets: 0,
      OutBcastOctets: 0, InNoECTPkts: 0, InECT1Pkts: 0, InECT0Pkts: 0, InCEPkts: 0, ReasmOverlaps: 0,
    };
    mibs.set(net, m);
  }
  return m;
}

/** struct net_protocol handlers by IP protocol number (inet_protos[]) */
type ProtoHandler = (skb: SkBuff) => void;
const inetProtos: (ProtoHandler | undefined)[] = new Array(256);

/** net/ipv4/protocol.c: inet_add_protocol() */
export function inetAddProtocol(protocol: number, handler: ProtoHandler): void {
  inetProtos[protocol] = handler;
}

/** net/ipv4/ip_input.c: ip_rcv() + ip_rcv_core(); called by netif_receive_skb for ETH_P_IP */
export function ipRcv(skb: SkBuff, dev: NetDevice, _origDev: NetDevice): void {
  const net = dev.net;
  const st = ipStats(net);
  if (skb.pktType === PACKET_OTHERHOST) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_OTHERHOST", "ip_rcv_core");
    return;
  }
  st.InReceives++;
  st.InOctets += skb.len;
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  skb.ipOpt = undefined; // memset(IPCB(skb), 0, ...)
  let reason = "SKB_DROP_REASON_IP_INHDR";
  hdr: {
    if (skb.len < 20) break hdr;
    const ihl = b[o]! & 0xf;
    if (ihl < 5 || b[o]! >>> 4 !== 4) break hdr;
    /* __IP_ADD_STATS(net, IPSTATS_MIB_NOECTPKTS + (iph->tos & INET_ECN_MASK), 1) */
    switch (b[o + 1]! & 3) {
      case 0: st.InNoECTPkts++; break;
      case 1: st.InECT1Pkts++; break;
      case 2: st.InECT0Pkts++; break;
      default: st.InCEPkts++;
    }
    if (skb.len < ihl * 4) break hdr;
    if (!ipFastCsumOk(b, o)) {
      st.InCsumErrors++;
      reason = "SKB_DROP_REASON_IP_CSUM";
      break hdr;
    }
    const len = readU16(b, o + 2);
    if (skb.len < len) {
      st.InTruncatedPkts++;
      kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "ip_rcv_core");
      return;
    }
    if (len < ihl * 4) break hdr;
    skb.trim(len);
    skb.transportHeader = o + ihl * 4;
    nfHook(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, skb, dev, undefined, ipRcvFinish);
    return;
  }
  st.InHdrErrors++;
  kfreeSkbReason(skb, reason, "ip_rcv_core");
}

/** net/ipv4/ip_input.c: ip_rcv_finish() / ip_rcv_finish_core() */
export function ipRcvFinish(skb: SkBuff): void {
  const dev = skb.dev!;
  const b = skb.buf;
  const o = skb.networkHeader;
  if (skb.dst === undefined) {
    const err = ipRouteInputNoref(skb, readU32(b, o + 16), readU32(b, o + 12), b[o + 1]! & 0xfc, dev);
    if (err) {
      if (lastInputReason === "SKB_DROP_REASON_IP_RPFILTER") tcpExtInc(dev.net, "IPReversePathFilter");
      kfreeSkbReason(skb, lastInputReason, "ip_rcv_finish_core");
      return;
    }
  }
  if ((b[o]! & 0xf) > 5 && !ipRcvOptions(skb, dev, ipStats(dev.net))) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ip_rcv_finish_core");
    return;
  }
  const rt = skb.dst as Rtable;
  if (rt.rtType === RTN_MULTICAST) {
    /* __IP_UPD_PO_STATS(net, IPSTATS_MIB_INMCAST, skb->len) */
    const st = ipStats(dev.net);
    st.InMcastPkts++;
    st.InMcastOctets += skb.len;
  } else if (rt.rtType === RTN_BROADCAST) {
    const st = ipStats(dev.net);
    st.InBcastPkts++;
    st.InBcastOctets += skb.len;
  } else if (rt.rtType !== RTN_MULTICAST && (skb.pktType === PACKET_BROADCAST || skb.pktType === PACKET_MULTICAST)) {
    if (inDevConf(dev, IN_DEV.drop_unicast_in_l2_multicast)) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_UNICAST_IN_L2_MULTICAST", "ip_rcv_finish_core");
      return;
    }
  }
  dstInput(skb);
}

/** net/ipv4/ip_input.c: ip_local_deliver() */
export function ipLocalDeliver(skb: SkBuff): void {
  const net = skb.dev!.net;
  const fo = readU16(skb.buf, skb.networkHeader + 6);
  if (fo & (IP_MF | IP_OFFSET)) {
    const whole = ipDefrag(net, skb);
    if (!whole) return;
    skb = whole;
    skb.transportHeader = skb.networkHeader + ((skb.buf[skb.networkHeader]! & 0xf) << 2);
  }
  nfHook(NFPROTO_IPV4, NF_INET_LOCAL_IN, net, skb, skb.dev, undefined, ipLocalDeliverFinish);
}

/** net/ipv4/ip_input.c: ip_local_deliver_finish() + ip_protocol_deliver_rcu() */
export function ipLocalDeliverFinish(skb: SkBuff): void {
  const net = skb.dev!.net;
  const hlen = (skb.buf[skb.networkHeader]! & 0xf) << 2;
  skb.data = skb.networkHeader + hlen;
  skb.transportHeader = skb.data;
  const protocol = skb.buf[skb.networkHeader + 9]!;
  const raw = rawLocalDeliver(skb, protocol);
  const h = inetProtos[protocol];
  const st = ipStats(net);
  if (h !== undefined) {
    st.InDelivers++;
    h(skb);
    return;
  }
  if (!raw) {
    st.InUnknownProtos++;
    icmpSend(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
    kfreeSkbReason(skb, "SKB_DROP_REASON_IP_NOPROTO", "ip_protocol_deliver_rcu");
  } else {
    st.InDelivers++;
    consumeSkb(skb);
  }
}
