/**
 * net/ipv4/tcp_ipv4.c: TCP over IPv4 — tcp_v4_connect() (route, source address, ephemeral
 * port, ISN, the SYN), tcp_v4_rcv() (checksum, socket lookup: established, then TIME_WAIT,
 * then listeners; RST to closed ports), tcp_v4_send_reset(), tcp_v4_err() (ICMP errors) and
 * the registration with the IP layer (tcp_protocol) and /proc/net/tcp.
 */
import { CHECKSUM_PARTIAL, type SkBuff } from "../core/skbuff.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SockAddrIn } from "../uapi/socket.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import { RTCF_BROADCAST, RTCF_MULTICAST } from "../uapi/rtnetlink.ts";
import { readU16, readU32 } from "../../wire/addr.ts";
import { TCP_FIN, TCP_SYN, TCP_RST, TCP_ACK } from "../../wire/tcp.ts";
import { csumPartial, csumFold, csumTcpudpNofold } from "../../wire/checksum.ts";
import { ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_TIME_EXCEEDED, ICMP_PARAMETERPROB, ICMP_SOURCE_QUENCH, NR_ICMP_UNREACH } from "../../wire/icmp.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { netRng } from "../core/dev_path.ts";
import { registerProcNet } from "../core/procfs.ts";
import { nfSetIpv4Ops } from "../netfilter/nf_glue.ts";
import { flowi4, ipRouteOutputKey, inetIif, type Rtable } from "./route.ts";
import { inetAddProtocol } from "./ip_input.ts";
import { inetAddErrHandler, icmpStats, ipv4Sysctl } from "./icmp.ts";
import { ICMP_ERR_CONVERT, errnoName } from "./raw.ts";
import {
  TcpSock, tcpStats, tcpCurrEstab, tcp4SeqShow, TCP_SYN_SENT, TCP_SYN_RECV, TCP_TIME_WAIT, TCP_LISTEN, TCP_CLOSE,
} from "./tcp.ts";
import { inetLookupEstablished, inetLookupListener, inetHashConnect } from "./inet_hashtables.ts";
import { tcpParseOptions, tcpRcvStateProcess, tcpTimewaitStateProcess, tcpConnRequest, setTcpSendReset, type TcpSeg } from "./tcp_input.ts";
import { tcpConnect, tcpTransmit } from "./tcp_output.ts";

/** net/ipv4/tcp_ipv4.c: tcp_v4_connect() */
export function tcpV4Connect(sk: TcpSock, usin: SockAddrIn): KErr | undefined {
  const net = sk.net;
  const fl4 = flowi4(usin.addr, sk.inetSaddr, sk.boundDevIf);
  fl4.proto = 6;
  fl4.mark = sk.mark;
  fl4.tos = sk.tos & 0x1e;
  const rt = ipRouteOutputKey(net, fl4);
  if (isKErr(rt)) {
    if (rt.errno === "ENETUNREACH") return rt;
    return rt;
  }
  if ((rt as Rtable).rtFlags & (RTCF_MULTICAST | RTCF_BROADCAST)) return kerr("ENETUNREACH");
  if (!sk.inetSaddr) sk.inetSaddr = fl4.saddr;
  if (!sk.inetRcvSaddr) sk.inetRcvSaddr = fl4.saddr;
  sk.inetDaddr = usin.addr;
  sk.inetDport = usin.port;
  sk.state = TCP_SYN_SENT;
  const e = inetHashConnect(sk);
  if (e) {
    sk.state = TCP_CLOSE;
    sk.inetDport = 0;
    return e;
  }
  tcpConnectSecure(sk);
  return undefined;
}

/** the end of tcp_v4_connect() and tcp_v6_connect() once the socket is hashed: the ISN and
 * timestamp offset (secure_tcp_seq() / secure_tcp_ts_off()), the options the SYN offers, the
 * SYN (tcp_connect()) */
export function tcpConnectSecure(sk: TcpSock): void {
  const net = sk.net;
  const rng = netRng(net);
  // secure_tcp_seq() / secure_tcp_ts_off(): keyed hashes of the 4-tuple plus the clock
  const sys = ipv4Sysctl(net);
  sk.iss = rng.u32();
  // secure_tcp_ts_off() is 0 unless tcp_timestamps is 1 (2: timestamps without offsets)
  const tsOff = rng.u32();
  sk.tsOffset = sys.tcpTimestamps === 1 ? tsOff : 0;
  sk.inetId = rng.u32() & 0xffff;
  // tcp_connect_init() / tcp_syn_options(): what this SYN offers
  sk.tstampOk = sys.tcpTimestamps !== 0;
  sk.wscaleOk = sys.tcpWindowScaling !== 0;
  sk.sackOk = sys.tcpSack !== 0;
  tcpStats(net).ActiveOpens++;
  tcpConnect(sk);
}

/**
 * net/ipv4/tcp_ipv4.c: tcp_v4_send_reset() — answer a segment nobody wants. `skb` is the
 * offending segment (skb.data at its TCP header); exported for iptables' REJECT
 * --reject-with tcp-reset (nf_send_reset builds the same packet).
 */
export function tcpV4SendReset(skb: SkBuff, anysrc = false): void {
  const b = skb.buf;
  const th = skb.transportHeader >= 0 ? skb.transportHeader : skb.data;
  const nh = skb.networkHeader;
  const flags = b[th + 13]!;
  if (flags & TCP_RST) return;
  const rt = skb.dst as Rtable | undefined;
  if (rt && rt.rtFlags & (RTCF_BROADCAST | RTCF_MULTICAST)) return;
  const saddr = readU32(b, nh + 12);
  const daddr = readU32(b, nh + 16);
  const totLen = readU16(b, nh + 2);
  const ihl = (b[nh]! & 0xf) << 2;
  const doff = (b[th + 12]! >>> 4) << 2;
  const dlen = totLen - ihl - doff;
  const net = skb.dev!.net;
  let seq = 0;
  let ack = 0;
  let f = TCP_RST;
  if (flags & TCP_ACK) seq = readU32(b, th + 8);
  else {
    ack = (readU32(b, th + 4) + dlen + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0)) >>> 0;
    f |= TCP_ACK;
  }
  const ctl = ctlSock(net);
  ctl.boundDevIf = 0;
  tcpStats(net).OutRsts++;
  tcpTransmit(net, ctl, daddr, saddr, readU16(b, th + 2), readU16(b, th), seq, ack, f, 0,
    { flags: 0, mss: 0, wscale: 0, tsval: 0, tsecr: 0 }, undefined, undefined, ipv4Sysctl(net).ipDefaultTtl, anysrc,
    // nf_send_reset() attaches its reset to the offending packet's conntrack
    anysrc ? skb : undefined);
}

/** the per-namespace control socket resets are sent from (net->ipv4.tcp_sk) */
const ctlSocks = new NetGeneric<TcpSock>();
function ctlSock(net: Net): TcpSock {
  let s = ctlSocks.get(net);
  if (!s) {
    ctlSocks.set(net, (s = new TcpSock(net)));
    s.ctl = true;
  }
  return s;
}

/** net/ipv4/tcp_ipv4.c: tcp_v4_rcv() — skb.data at the TCP header */
export function tcpV4Rcv(skb: SkBuff): void {
  const net = skb.dev!.net;
  const st = tcpStats(net);
  const b = skb.buf;
  const o = skb.data;
  const n = skb.networkHeader;
  const len = skb.tail - o;
  if (len < 20) {
    st.InErrs++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "tcp_v4_rcv");
    return;
  }
  const hlen = (b[o + 12]! >>> 4) << 2;
  if (hlen < 20 || hlen > len) {
    st.InErrs++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_TCP_INVALID_HDRLEN", "tcp_v4_rcv");
    return;
  }
  const saddr = readU32(b, n + 12);
  const daddr = readU32(b, n + 16);
  // skb_csum_unnecessary(): a CHECKSUM_PARTIAL segment from this machine is not checked
  if (skb.ipSummed !== CHECKSUM_PARTIAL && csumFold(csumTcpudpNofold(saddr, daddr, len, 6, csumPartial(b, o, len))) !== 0) {
    st.InCsumErrors++;
    st.InErrs++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_TCP_CSUM", "tcp_v4_rcv");
    return;
  }
  st.InSegs++;
  const rt = skb.dst as Rtable;
  if (rt && rt.rtFlags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "tcp_v4_rcv");
    return;
  }
  const flags = b[o + 13]!;
  const seg: TcpSeg = {
    skb, saddr, daddr, sport: readU16(b, o), dport: readU16(b, o + 2), seq: readU32(b, o + 4),
    ack: readU32(b, o + 8), flags, window: readU16(b, o + 14), th: o, doff: o + hlen, len: len - hlen,
    opt: tcpParseOptions(net, b, o, hlen, (flags & TCP_SYN) !== 0),
  };
  let sk = inetLookupEstablished(net, saddr, seg.sport, daddr, seg.dport);
  if (sk && sk.state === TCP_TIME_WAIT) {
    if (!tcpTimewaitStateProcess(sk, seg)) {
      consumeSkb(skb);
      return;
    }
    sk = undefined;
  }
  if (sk && sk.state !== TCP_CLOSE) {
    tcpRcvStateProcess(sk, seg);
    consumeSkb(skb);
    return;
  }
  const lsk = inetLookupListener(net, daddr, seg.dport, inetIif(skb));
  if (lsk && lsk.state === TCP_LISTEN) {
    // tcp_v4_do_rcv() on a listener: tcp_rcv_state_process(LISTEN)
    if (flags & TCP_ACK) {
      tcpV4SendReset(skb);
      kfreeSkbReason(skb, "SKB_DROP_REASON_TCP_FLAGS", "tcp_rcv_state_process");
      return;
    }
    if (flags & TCP_RST) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_TCP_RESET", "tcp_rcv_state_process");
      return;
    }
    if (flags & TCP_SYN && !(flags & TCP_FIN)) {
      tcpConnRequest(lsk, seg);
      consumeSkb(skb);
      return;
    }
    kfreeSkbReason(skb, "SKB_DROP_REASON_TCP_FLAGS", "tcp_rcv_state_process");
    return;
  }
  // no socket: tcp_v4_send_reset()
  tcpV4SendReset(skb);
  kfreeSkbReason(skb, "SKB_DROP_REASON_NO_SOCKET", "tcp_v4_rcv");
}

/** net/ipv4/tcp_ipv4.c: tcp_v4_err() — skb.data at the ICMP header */
export function tcpV4Err(skb: SkBuff, _info: number): void {
  const net = skb.dev!.net;
  const b = skb.buf;
  const o = skb.data;
  const inner = o + 8;
  const ihl = (b[inner]! & 0xf) << 2;
  const th = inner + ihl;
  const type = b[o]!;
  const code = b[o + 1]!;
  // the quoted segment went from us (saddr:sport) to daddr:dport
  const sk = inetLookupEstablished(net, readU32(b, inner + 16), readU16(b, th + 2), readU32(b, inner + 12), readU16(b, th));
  if (!sk) {
    icmpStats(net).InErrors++;
    return;
  }
  if (sk.state === TCP_TIME_WAIT) return;
  let err: number;
  switch (type) {
    case ICMP_SOURCE_QUENCH:
      return;
    case ICMP_PARAMETERPROB:
      err = 71; // EPROTO
      break;
    case ICMP_DEST_UNREACH:
      if (code > NR_ICMP_UNREACH) return;
      if (code === ICMP_FRAG_NEEDED) return; // PMTU: learned by icmp_socket_deliver
      err = ICMP_ERR_CONVERT[code]![0];
      break;
    case ICMP_TIME_EXCEEDED:
      err = 113; // EHOSTUNREACH
      break;
    default:
      return;
  }
  const e = { errno: errnoName(err) };
  if (sk.state === TCP_SYN_SENT || sk.state === TCP_SYN_RECV) {
    // a connection attempt fails at once (only hard errors reach here)
    if (sk.state === TCP_SYN_SENT) tcpStats(net).AttemptFails++;
    sk.tcpDone(sk.state === TCP_SYN_RECV ? undefined : e);
    return;
  }
  // established: a soft error, reported only with IP_RECVERR
  if (sk.recverr) {
    sk.skErr = e;
    sk.dataReady();
  }
}

/** net/ipv4/proc.c: the values of the Tcp: line of /proc/net/snmp */
export function tcpSnmpLine(net: Net): string {
  const t = tcpStats(net);
  return `Tcp: 1 200 120000 -1 ${t.ActiveOpens} ${t.PassiveOpens} ${t.AttemptFails} ${t.EstabResets} ${tcpCurrEstab(net)} ` +
    `${t.InSegs} ${t.OutSegs} ${t.RetransSegs} ${t.InErrs} ${t.OutRsts} ${t.InCsumErrors}\n`;
}

let done = false;
/** net/ipv4/af_inet.c: inet_init()'s part for TCP: inet_add_protocol(&tcp_protocol) */
export function tcpInit(): void {
  if (done) return;
  done = true;
  inetAddProtocol(6, tcpV4Rcv);
  inetAddErrHandler(6, tcpV4Err);
  registerProcNet("tcp", tcp4SeqShow);
  setTcpSendReset((seg) => tcpV4SendReset(seg.skb));
  // net/ipv4/netfilter/nf_reject_ipv4.c: nf_send_reset() for REJECT --reject-with tcp-reset
  // (the reset may leave from an address that is not ours when forwarding: FLOWI_FLAG_ANYSRC)
  nfSetIpv4Ops({ sendReset: (_net, skb) => tcpV4SendReset(skb, true) });
}
