/**
 * net/ipv6/ip6_input.c: ipv6_rcv() for ETH_P_IPV6 (checked like ip6_rcv_core() does; what is
 * not for this host ends early in ipv6RcvPeek()), ip6_route_input() of a packet for another
 * address and ip6_forward(), and local delivery of ICMPv6 (net/ipv6/icmp.c: icmpv6_rcv():
 * the raw sockets' copies, ND to ndisc_rcv(), echo requests answered, echo replies to the
 * ping sockets, errors to icmpv6_notify()), with icmp6_send() for the errors this host sends.
 *
 * Not modelled: extension headers, UDP/TCP over IPv6, MLD queries, router advertisements,
 * redirects.
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { devAddProtocol, PACKET_OTHERHOST, PACKET_LOOPBACK, type SharedRx } from "../core/dev_path.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { devInet6, ipv6ChkAddr, ip6RouteLookup, addrconfAllCnf, ipv6AddrNeedsScopeId } from "./addrconf.ts";
import { ipv6ChkAcastAddr } from "./anycast.ts";
import { ipv6FragRcv, setFragTimeExceeded } from "./reassembly.ts";
import { ipv6SysctlGet } from "./sysctl_net_ipv6.ts";
import { ETH_P_IPV6, PACKET_HOST } from "../uapi/if.ts";
import { RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW, RTN_BLACKHOLE } from "../uapi/rtnetlink.ts";
import {
  IPV6_HDRLEN, NEXTHDR_ICMP, NEXTHDR_FRAGMENT, ipv6AddrAny, icmpv6Csum, ip6LocalOut, ip6LoopedIif, ip6FinishOutputCounted, ip6AllocSkb,
} from "./ip6_output.ts";
import { ipv6ChkMcastAddrAt, ipv6ChkMcastAddrTail, ipv6McastTail } from "./mcast.ts";
import { ipv6Stats, icmp6MsgInInc, icmp6MsgOutInc, type Ipv6Mib } from "./proc.ts";
import { NDISC_NEIGHBOUR_SOLICITATION, NDISC_NEIGHBOUR_ADVERTISEMENT, ndiscRcv, setNdiscErrorReport } from "./ndisc.ts";
import { SO_EE_ORIGIN_ICMP6 } from "../uapi/socket.ts";
import { errnoNumbers, isKErr, type Errno } from "../uapi/errno.ts";
import { ip6DstLookup, ip6UpdatePmtu } from "./route.ts";
import { icmpv6XrlimAllow } from "./icmp.ts";
import { udpv6Rcv, udpv6Err, udpv6Init } from "./udp.ts";
import { tcpV6Rcv, tcpV6Err, tcpv6Init } from "./tcp_ipv6.ts";
import { ping6Rcv, raw6LocalDeliver, raw6IcmpError, ip6DstHoplimit, ICMPV6_ECHO_REQUEST, ICMPV6_ECHO_REPLY } from "./ping.ts";
import {
  nfHook, nfHookActive, NFPROTO_IPV6, NF_INET_PRE_ROUTING, NF_INET_LOCAL_IN, NF_INET_FORWARD, NF_INET_POST_ROUTING,
} from "../netfilter/core.ts";

const IPPROTO_UDP = 17;
const IPPROTO_TCP = 6;

/** ipv6RcvPeek(): how a frame ended there */
const PEEK_OTHERHOST = 1;
const PEEK_MC_NOT_JOINED = 2;

/** ipv6PeekFrame(): a valid packet to a group, not ECT / ECT (or CE) */
const PEEK_FRAME_NOT_ECT = 1;
const PEEK_FRAME_ECT = 2;

/**
 * ipv6RcvPeek()'s look at the frame alone: 0 unless it is a packet ip6_rcv_core() passes
 * (not looped back, version 6, the payload there) to a group; else PEEK_FRAME_*
 */
function ipv6PeekFrame(b: Uint8Array, o: number, len: number, pktType: number): number {
  if (pktType === PACKET_LOOPBACK) return 0;
  if (len < IPV6_HDRLEN || b[o]! >>> 4 !== 6 || b[o + 24] !== 0xff) return 0;
  if (((b[o + 4]! << 8) | b[o + 5]!) + IPV6_HDRLEN > len) return 0;
  return (b[o + 1]! >>> 4) & 3 ? PEEK_FRAME_ECT : PEEK_FRAME_NOT_ECT;
}

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
 * ipv6Rcv() starts with it; a frame queued unbuilt is received by it alone (PtypePeek), and
 * what the frame alone decides is looked at once for all the copies of `run`.
 */
function ipv6RcvPeek(b: Uint8Array, o: number, len: number, pktType: number, dev: NetDevice, _mark?: number, run?: SharedRx): number {
  if (pktType === PACKET_OTHERHOST) return PEEK_OTHERHOST;
  // (NF_INET_PRE_ROUTING sees a group's packet before ip6_mc_input() drops it)
  if (nfHookActive(dev.net, NFPROTO_IPV6, NF_INET_PRE_ROUTING)) return 0;
  const idev = devInet6(dev);
  if (!idev || dev.ip6Disabled) return 0;
  let frame: number;
  let tail: number;
  if (run === undefined) {
    frame = ipv6PeekFrame(b, o, len, pktType);
    tail = frame === 0 ? 0 : ipv6McastTail(b, o + 24);
  } else {
    if (run.peekFrame < 0) {
      run.peekFrame = ipv6PeekFrame(b, o, len, pktType);
      run.peekTail = run.peekFrame === 0 ? 0 : ipv6McastTail(b, o + 24);
    }
    frame = run.peekFrame;
    tail = run.peekTail;
  }
  if (frame === 0) return 0;
  // read in place: no copies of the addresses for it
  if (ipv6ChkMcastAddrTail(dev, b, o + 24, tail)) return 0;
  /* __IP6_UPD_PO_STATS(net, idev, IPSTATS_MIB_IN, skb->len), IPSTATS_MIB_NOECTPKTS +
   * ECN, and ip6_mc_input()'s IPSTATS_MIB_INMCAST: on the device until the MIB is read
   * (ipv6MibFoldDev()), a not-ECT packet's (every link-up message) all of them */
  if (frame === PEEK_FRAME_ECT) {
    const ip = ipv6Stats(dev.net).ip;
    ip.InReceives++;
    ip.InOctets += len;
    countEcn(ip, b, o);
    ip.InMcastPkts++;
    ip.InMcastOctets += len;
  } else {
    dev.ip6McDropPkts++;
    dev.ip6McDropOctets += len;
  }
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
  if (nfHookActive(dev.net, NFPROTO_IPV6, NF_INET_PRE_ROUTING)) {
    nfHook(NFPROTO_IPV6, NF_INET_PRE_ROUTING, dev.net, skb, dev, undefined, (s) => ip6RcvFinish(s, dev, true));
    return;
  }
  ip6RcvFinish(skb, dev, false);
}

/**
 * net/ipv6/ip6_input.c: ip6_rcv_finish(): the route (ip6_route_input()) and its input: a
 * group's packet to ip6_mc_input() (one not joined here already ended in ipv6RcvPeek(), unless
 * PRE_ROUTING hooks (`hooked`) let it this far), a local one through NF_INET_LOCAL_IN to
 * ip6_input_finish(), others to ip6_forward()
 */
function ip6RcvFinish(skb: SkBuff, dev: NetDevice, hooked: boolean): void {
  const b = skb.buf;
  const o = skb.networkHeader;
  const st = ipv6Stats(dev.net);
  if (b[o + 24] === 0xff) {
    /* ip6_mc_input(): IPSTATS_MIB_INMCAST (a group joined here: ipv6RcvPeek() ended the others) */
    st.ip.InMcastPkts++;
    st.ip.InMcastOctets += skb.len;
    if (hooked && !ipv6ChkMcastAddrAt(dev, b, o + 24)) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ip6_mc_input");
      return;
    }
  }
  const plen = (b[o + 4]! << 8) | b[o + 5]!;
  const saddr = b.slice(o + 8, o + 24);
  const daddr = b.slice(o + 24, o + 40);
  // ip6_route_input(): a unicast destination is delivered when it is one of the namespace's
  // addresses (the local table); else the route decides (ip6_forward(), ip6_pkt_discard())
  if (b[o + 24] !== 0xff && !ipv6ChkAddr(dev.net, daddr) && !ipv6ChkAcastAddr(dev.net, undefined, daddr)) {
    ip6RouteInputForward(skb, dev, o, plen, saddr, daddr);
    return;
  }
  // ip6_input()
  if (nfHookActive(dev.net, NFPROTO_IPV6, NF_INET_LOCAL_IN)) {
    nfHook(NFPROTO_IPV6, NF_INET_LOCAL_IN, dev.net, skb, dev, undefined, (s) => ip6InputFinish(s, dev, o, plen, saddr, daddr));
    return;
  }
  ip6InputFinish(skb, dev, o, plen, saddr, daddr);
}

/** net/ipv6/ip6_input.c: ip6_input_finish(): the raw sockets' copies, then the protocol */
function ip6InputFinish(skb: SkBuff, dev: NetDevice, o: number, plen: number, saddr: Uint8Array, daddr: Uint8Array): void {
  const b = skb.buf;
  const st = ipv6Stats(dev.net);
  if (b[o + 6] === NEXTHDR_FRAGMENT) {
    // ipv6_frag_rcv(): the whole packet once its last piece is in, then on as one
    const whole = ipv6FragRcv(dev.net, skb);
    if (whole) ip6InputFinish(whole, dev, whole.networkHeader, (whole.buf[whole.networkHeader + 4]! << 8) | whole.buf[whole.networkHeader + 5]!, saddr, daddr);
    return;
  }
  const t = o + IPV6_HDRLEN;
  if (b[o + 6] === IPPROTO_UDP) {
    /* ip6_input_finish(): InDelivers; udpv6_rcv() (a looped packet: the address's device) */
    st.ip.InDelivers++;
    udpv6Rcv(skb, ip6LoopedIif(skb) ?? dev, t, plen, saddr, daddr, icmp6Send);
    return;
  }
  if (b[o + 6] === IPPROTO_TCP) {
    /* ip6_input_finish(): InDelivers; tcp_v6_rcv() (a looped packet: the address's device) */
    st.ip.InDelivers++;
    tcpV6Rcv(skb, ip6LoopedIif(skb) ?? dev, t, plen, saddr, daddr);
    return;
  }
  if (b[o + 6] !== NEXTHDR_ICMP) return; // consumed: no other transport handler is modelled
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
  icmp6MsgInInc(st, b[t]!);
  // IP6CB(skb)->iif: a packet looped through lo to a local address came in by the address's device
  const iif = ip6LoopedIif(skb) ?? dev;
  // ip6_input_finish(): the raw sockets' copies before the protocol handler
  raw6LocalDeliver(skb, iif, t, plen, saddr, daddr);
  icmpv6Rcv(skb, iif, t, plen, saddr, daddr, b[o + 7]!);
}

const ICMPV6_NOROUTE = 0;
const ICMPV6_ADM_PROHIBITED = 1;
const ICMPV6_NOT_NEIGHBOUR = 2;

/**
 * net/ipv6/route.c: ip6_route_input() of a packet not for us, then its dst's input: no
 * route or an unreachable/prohibit one answers with ICMPv6 (ip6_pkt_discard/_prohibit,
 * InNoRoutes), a blackhole drops; a route out is net/ipv6/ip6_output.c: ip6_forward():
 * refused with forwarding off (InAddrErrors), hop limit exceeded (ICMPv6 time exceeded,
 * InHdrErrors), a link-local source (not a neighbour), too big for the way out (packet too
 * big, InTooBigErrors); else one hop less and out through the route's neighbour
 * (OutForwDatagrams). (Redirects to a host on the same link are not sent.)
 */
function ip6RouteInputForward(skb: SkBuff, dev: NetDevice, o: number, plen: number, saddr: Uint8Array, daddr: Uint8Array): void {
  const net = dev.net;
  const st = ipv6Stats(net);
  const b = skb.buf;
  const rt = ip6RouteLookup(net, daddr, undefined);
  if (!rt || rt.type === RTN_UNREACHABLE || rt.type === RTN_PROHIBIT || rt.type === RTN_THROW) {
    st.ip.InNoRoutes++;
    icmp6Send(skb, ICMPV6_DEST_UNREACH, rt?.type === RTN_PROHIBIT ? ICMPV6_ADM_PROHIBITED : ICMPV6_NOROUTE, 0);
    kfreeSkbReason(skb, "SKB_DROP_REASON_IP_INNOROUTES", "ip6_pkt_drop");
    return;
  }
  if (rt.type === RTN_BLACKHOLE) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "dst_discard");
    return;
  }
  const idev = devInet6(dev);
  if (!addrconfAllCnf(net, "forwarding") && !(idev && Number(idev.cnf.get("force_forwarding") ?? 0))) {
    st.ip.InAddrErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_IPV6_FORWARDING_DISABLED", "ip6_forward");
    return;
  }
  if (skb.pktType !== PACKET_HOST) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ip6_forward");
    return;
  }
  if (b[o + 7]! <= 1) {
    icmp6Send(skb, ICMPV6_TIME_EXCEED, 0, 0);
    st.ip.InHdrErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_IP_INHDR", "ip6_forward");
    return;
  }
  // this check is security critical: never forward from ::, a group, loopback or a link-local source
  const loopback = saddr.every((x, i) => (i === 15 ? x === 1 : x === 0));
  if (ipv6AddrAny(saddr) || saddr[0] === 0xff || loopback) {
    st.ip.InAddrErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_IP_INADDRERRORS", "ip6_forward");
    return;
  }
  if (saddr[0] === 0xfe && (saddr[1]! & 0xc0) === 0x80) {
    icmp6Send(skb, ICMPV6_DEST_UNREACH, ICMPV6_NOT_NEIGHBOUR, 0);
    st.ip.InAddrErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_IP_INADDRERRORS", "ip6_forward");
    return;
  }
  const out = rt.dev;
  const mtu = Math.max(out.mtu, 1280);
  const len = IPV6_HDRLEN + plen;
  if (len > mtu) {
    icmp6Send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
    st.ip.InTooBigErrors++;
    st.ip.FragFails++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_BIG", "ip6_forward");
    return;
  }
  const fwd = ip6AllocSkb(len - IPV6_HDRLEN);
  const f = fwd.push(IPV6_HDRLEN);
  fwd.buf.set(b.subarray(o, o + len), f);
  fwd.buf[f + 7]!--;
  fwd.networkHeader = f;
  fwd.dev = dev;
  fwd.mark = skb.mark;
  consumeSkb(skb);
  const nexthop = rt.gw ?? daddr;
  if (nfHookActive(net, NFPROTO_IPV6, NF_INET_FORWARD) || nfHookActive(net, NFPROTO_IPV6, NF_INET_POST_ROUTING)) {
    nfHook(NFPROTO_IPV6, NF_INET_FORWARD, net, fwd, dev, out, (s) => ip6ForwardFinish(s, out, daddr, nexthop, len));
    return;
  }
  ip6ForwardFinish(fwd, out, daddr, nexthop, len);
}

/** net/ipv6/ip6_output.c: ip6_forward_finish() -> dst_output() -> ip6_output():
 * NF_INET_POST_ROUTING, then ip6_finish_output2() */
function ip6ForwardFinish(skb: SkBuff, out: NetDevice, daddr: Uint8Array, nexthop: Uint8Array, len: number): void {
  const st = ipv6Stats(out.net);
  /* ip6_forward_finish(): OUTFORWDATAGRAMS, OUTOCTETS */
  st.ip.OutForwDatagrams++;
  st.ip.OutOctets += len;
  if (nfHookActive(out.net, NFPROTO_IPV6, NF_INET_POST_ROUTING)) {
    nfHook(NFPROTO_IPV6, NF_INET_POST_ROUTING, out.net, skb, undefined, out, (s) => ip6FinishOutputCounted(s, out, daddr, nexthop));
    return;
  }
  ip6FinishOutputCounted(skb, out, daddr, nexthop);
}

/** net/ipv6/icmp.c: icmpv6_rcv(), past the checksum: ND messages to ndisc_rcv() */
function icmpv6Rcv(skb: SkBuff, dev: NetDevice, t: number, len: number, saddr: Uint8Array, daddr: Uint8Array, hopLimit: number): void {
  const type = skb.buf[t]!;
  if (type === NDISC_NEIGHBOUR_SOLICITATION || type === NDISC_NEIGHBOUR_ADVERTISEMENT) {
    if (!ndiscRcv(skb, dev, t, len, saddr, daddr, hopLimit)) kfreeSkbReason(skb, "SKB_DROP_REASON_IPV6_NDISC_BAD_CODE", "ndisc_rcv");
  } else if (type === ICMPV6_ECHO_REQUEST) {
    if (len >= 8) icmpv6EchoReply(skb, dev, t, len, saddr, daddr);
  } else if (type === ICMPV6_ECHO_REPLY) {
    if (len >= 8) ping6Rcv(skb, dev, t, len, saddr, daddr);
  } else if (type >= ICMPV6_DEST_UNREACH && type <= ICMPV6_PARAMPROB) {
    icmpv6Notify(skb, dev, t, len, saddr);
  }
}

const ICMPV6_DEST_UNREACH = 1;
const ICMPV6_PKT_TOOBIG = 2;
const ICMPV6_TIME_EXCEED = 3;
const ICMPV6_EXC_FRAGTIME = 1;
const ICMPV6_PARAMPROB = 4;
const ICMPV6_ADDR_UNREACH = 3;

/** net/ipv6/icmp.c: tab_unreach[]: errno and fatality of each destination-unreachable code */
const TAB_UNREACH: [Errno, boolean][] = [
  ["ENETUNREACH", false], ["EACCES", true], ["EHOSTUNREACH", false], ["EHOSTUNREACH", false],
  ["ECONNREFUSED", true], ["EACCES", true], ["EACCES", true],
];

/** net/ipv6/icmp.c: icmpv6_err_convert() */
function icmpv6ErrConvert(type: number, code: number): [Errno, boolean] {
  switch (type) {
    case ICMPV6_DEST_UNREACH: return TAB_UNREACH[code] ?? ["EPROTO", true];
    case ICMPV6_PKT_TOOBIG: return ["EMSGSIZE", false];
    case ICMPV6_PARAMPROB: return ["EPROTO", true];
    case ICMPV6_TIME_EXCEED: return ["EHOSTUNREACH", false];
  }
  return ["EPROTO", false];
}

/**
 * net/ipv6/icmp.c: icmpv6_notify() of an ICMPv6 error: the packet it is about (its IPv6
 * header after the 8 bytes of ours); about an ICMPv6 message, the raw sockets hear of it
 * (raw6_icmp_error(): SO_EE_ORIGIN_ICMP6 with the sender as offender). (Errors about other
 * protocols, and ping sockets' ping_err(), are not modelled.)
 */
function icmpv6Notify(skb: SkBuff, dev: NetDevice, t: number, len: number, saddr: Uint8Array): void {
  const b = skb.buf;
  if (len < 8 + IPV6_HDRLEN) return;
  const inner = t + 8;
  const type = b[t]!;
  const code = b[t + 1]!;
  const info = ((b[t + 4]! << 24) | (b[t + 5]! << 16) | (b[t + 6]! << 8) | b[t + 7]!) >>> 0;
  const [err, harderr] = icmpv6ErrConvert(type, code);
  // ipv6_skip_exthdr(): past a Fragment header to the protocol of a first fragment (a later
  // one's has no handler)
  let nexthdr = b[inner + 6]!;
  let thoff = inner + IPV6_HDRLEN;
  if (nexthdr === NEXTHDR_FRAGMENT) {
    if (thoff + 8 > t + len || ((b[thoff + 2]! << 8) | b[thoff + 3]!) & ~7) return;
    nexthdr = b[thoff]!;
    thoff += 8;
  }
  /* ipprot->err_handler: __udp6_lib_err() */
  if (nexthdr === IPPROTO_UDP) {
    if (!udpv6Err(skb, dev, t, len, inner, type, code, info, err, harderr, thoff)) ipv6Stats(dev.net).icmp.InErrors++;
    return;
  }
  /* tcp_v6_err() */
  if (nexthdr === IPPROTO_TCP) {
    if (!tcpV6Err(dev.net, b, inner, type, err)) ipv6Stats(dev.net).icmp.InErrors++;
    return;
  }
  if (nexthdr !== NEXTHDR_ICMP) return;
  // icmpv6_err(): a Packet Too Big about an ICMPv6 message updates the path MTU (ip6_update_pmtu())
  if (type === ICMPV6_PKT_TOOBIG) ip6UpdatePmtu(dev.net, b.slice(inner + 24, inner + 40), b.slice(inner + 8, inner + 24), info, dev);
  const ll = saddr[0] === 0xfe && (saddr[1]! & 0xc0) === 0x80;
  raw6IcmpError(dev.net, { saddr: b.slice(inner + 8, inner + 24), daddr: b.slice(inner + 24, inner + 40), dif: dev.ifindex }, {
    ee_errno: errnoNumbers[err], ee_origin: SO_EE_ORIGIN_ICMP6, ee_type: type, ee_code: code, ee_info: info, ee_data: 0,
    offender6: saddr.slice(), offenderScope: ll ? dev.ifindex : 0, payload: b.slice(thoff, t + len),
  }, harderr);
}

/**
 * net/ipv6/icmp.c: icmp6_send() of an error about `skb` (its IPv6 header at networkHeader,
 * its device the one it was to leave or came in by): from the offending packet's destination
 * when that is ours, else the source the route back picks; the packet quoted up to the
 * minimum MTU. Never about a packet from :: or a group, nor about an ICMPv6 error.
 */
export function icmp6Send(skb: SkBuff, type: number, code: number, info: number): void {
  const dev = skb.dev;
  const n = skb.networkHeader;
  if (!dev || n < 0 || skb.tail - n < IPV6_HDRLEN) return;
  const net = dev.net;
  const b = skb.buf;
  const hdrSaddr = b.slice(n + 8, n + 24);
  const hdrDaddr = b.slice(n + 24, n + 40);
  if (ipv6AddrAny(hdrSaddr) || hdrSaddr[0] === 0xff) return;
  // is_ineligible(): not about an ICMPv6 error or redirect
  if (b[n + 6] === NEXTHDR_ICMP && skb.tail - n > IPV6_HDRLEN && (b[n + IPV6_HDRLEN]! < 128 || b[n + IPV6_HDRLEN] === 137)) return;
  const src = ipv6ChkAddr(net, hdrDaddr, dev) ? hdrDaddr : undefined;
  // flowi6_oif: the device only for a source that needs a scope (icmp6_iif()); a global one
  // is routed back whatever device the packet was on (a forwarded one's way out, for
  // ip6_link_failure())
  const dst = ip6DstLookup(net, hdrSaddr, ipv6AddrNeedsScopeId(hdrSaddr) ? dev : undefined, src);
  if (isKErr(dst)) return;
  if (!icmpv6XrlimAllow(net, type, dst, hdrSaddr)) return;
  const plen = Math.min(skb.tail - n, 1280 - IPV6_HDRLEN - 8);
  const msg = new Uint8Array(8 + plen);
  msg[0] = type;
  msg[1] = code;
  msg[4] = info >>> 24;
  msg[5] = (info >>> 16) & 0xff;
  msg[6] = (info >>> 8) & 0xff;
  msg[7] = info & 0xff;
  msg.set(b.subarray(n, n + plen), 8);
  const csum = icmpv6Csum(msg, 0, msg.length, dst.saddr, hdrSaddr);
  msg[2] = csum >>> 8;
  msg[3] = csum & 0xff;
  const st = ipv6Stats(net);
  icmp6MsgOutInc(st, type);
  st.icmp.OutMsgs++;
  ip6LocalOut(dst, hdrSaddr, NEXTHDR_ICMP, ip6DstHoplimit(dst.dev === net.loopbackDev ? dst.rt.dev : dst.dev), msg);
}

/**
 * net/ipv6/icmp.c: icmpv6_echo_reply(): the same identifier, sequence and data back, from
 * the address asked (a group's echo is answered from the source the route picks), out of the
 * device it came in by (icmp6_iif()), with the device's hop limit
 */
function icmpv6EchoReply(skb: SkBuff, dev: NetDevice, t: number, len: number, saddr: Uint8Array, daddr: Uint8Array): void {
  const net = dev.net;
  // icmpv6_echo_reply(): to a group, or to an anycast address (unless anycast_src_echo_reply),
  // the reply takes the source the route gives
  const acast = daddr[0] !== 0xff && ipv6ChkAcastAddr(net, undefined, daddr);
  const src = daddr[0] === 0xff || (acast && !ipv6SysctlGet(net, "anycast_src_echo_reply")) ? undefined : daddr;
  // local delivery came in through lo: the device of the address is the route's
  const oif = dev;
  const dst = ip6DstLookup(net, saddr, oif, src);
  if (isKErr(dst)) return;
  const reply = skb.buf.slice(t, t + len);
  reply[0] = ICMPV6_ECHO_REPLY;
  reply[2] = 0;
  reply[3] = 0;
  const csum = icmpv6Csum(reply, 0, len, dst.saddr, saddr);
  reply[2] = csum >>> 8;
  reply[3] = csum & 0xff;
  const hop = saddr[0] === 0xff ? 1 : ip6DstHoplimit(dst.dev === net.loopbackDev ? dst.rt.dev : dst.dev);
  const st = ipv6Stats(net);
  icmp6MsgOutInc(st, ICMPV6_ECHO_REPLY);
  st.icmp.OutMsgs++;
  ip6LocalOut(dst, saddr, NEXTHDR_ICMP, hop, reply);
}

let inited = false;

/** net/ipv6/af_inet6.c: ipv6_packet_init(): dev_add_pack(&ipv6_packet_type) */
export function ipv6PacketInit(): void {
  if (inited) return;
  inited = true;
  devAddProtocol(ETH_P_IPV6, (skb, dev) => ipv6Rcv(skb, dev), ipv6RcvPeek);
  udpv6Init();
  tcpv6Init();
  // ndisc_error_report() -> ip6_link_failure(): address unreachable
  setNdiscErrorReport((skb) => icmp6Send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0));
  // ip6_expire_frag_queue(): fragment reassembly time exceeded
  setFragTimeExceeded((skb) => icmp6Send(skb, ICMPV6_TIME_EXCEED, ICMPV6_EXC_FRAGTIME, 0));
}
