/**
 * net/ipv6/tcp_ipv6.c: TCP over IPv6 on the engine of net/ipv4/tcp*.c — the AF_INET6 stream
 * socket (inet6_bind() over inet_csk_get_port(), the port space shared with IPv4;
 * tcp_v6_connect() with ip6_dst_lookup_flow()'s source), the family's half of sending a
 * segment (inet6_csk_xmit(): the checksum over IPv6's pseudo-header, ip6_xmit()),
 * tcp_v6_rcv() (checksum, established/TIME_WAIT/listener lookup by the IPv6 4-tuple, SYN to
 * a listener: tcp_v6_syn_recv_sock()'s child), tcp_v6_send_reset(), tcp_v6_err() (ICMPv6
 * errors to the socket) and /proc/net/tcp6 (tcp6_seq_show()).
 *
 * Not modelled: the v4-mapped side (ipv6_mapped af_ops) — a listener on :: takes no IPv4
 * connections and connect() to a v4-mapped address is ENETUNREACH; Path MTU from Packet Too
 * Big (tcp_v6_mtu_reduced()).
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SockAddr, SockAddrIn6, SockOpt } from "../uapi/socket.ts";
import { kerr, isKErr, type KErr, type Errno } from "../uapi/errno.ts";
import { readU16, readU32 } from "../../wire/addr.ts";
import { TCP_FIN, TCP_SYN, TCP_RST, TCP_ACK } from "../../wire/tcp.ts";
import { csumPartial } from "../../wire/checksum.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { registerProcNet } from "../core/procfs.ts";
import {
  TcpSock, tcpStats, tcpSeqShowFamily, TCP_SYN_SENT, TCP_SYN_RECV, TCP_TIME_WAIT, TCP_LISTEN, TCP_CLOSE,
} from "../ipv4/tcp.ts";
import { tcpHashinfo, inetHashConnect } from "../ipv4/inet_hashtables.ts";
import { inetCskGetPort } from "../ipv4/inet_connection_sock.ts";
import { tcpParseOptions, tcpRcvStateProcess, tcpTimewaitStateProcess, tcpConnRequest, setTcpV6SendReset, type TcpSeg } from "../ipv4/tcp_input.ts";
import { tcpTransmit, setTcpV6Xmit } from "../ipv4/tcp_output.ts";
import { tcpConnectSecure } from "../ipv4/tcp_ipv4.ts";
import { ipv6AddrNeedsScopeId, ipv6ChkAddr } from "./addrconf.ts";
import { ip6DstLookup, type Dst6 } from "./route.ts";
import {
  ip6LocalOut, csumIpv6Magic, ip6DevMtu, ipv6AddrAny as isAny, in6addrLoopback, ipv6AddrIsMulticast as isMulticast,
  ipv6AddrV4Mapped as isV4Mapped, ipv6AddrEqual as eq6,
} from "./ip6_output.ts";
import { ip6DstHoplimit } from "./ping.ts";

const AF_INET6 = 10;
const IPPROTO_TCP = 6;
/** include/net/ipv6.h: LOOPBACK4_IPV6, the inet_rcv_saddr of a socket bound to an IPv6
 * address (no IPv4 address ever equals it) */
const LOOPBACK4_IPV6 = 0x7f000006;

const hex6 = (a: Uint8Array): string => Array.from(a, (x) => x.toString(16).padStart(2, "0")).join("");

/** INET6_MATCH: the ehash key of an IPv6 4-tuple */
function ehashKey6(laddr: Uint8Array, lport: number, raddr: Uint8Array, rport: number): string {
  return `6:${hex6(laddr)}:${lport}:${hex6(raddr)}:${rport}`;
}

/** an AF_INET6 SOCK_STREAM socket (struct tcp6_sock: tcp_sock + ipv6_pinfo, reduced) */
export class Tcp6Sock extends TcpSock {
  override readonly family: number = AF_INET6;
  saddr6 = new Uint8Array(16);
  rcvSaddr6 = new Uint8Array(16);
  daddr6 = new Uint8Array(16);
  /** sk_ipv6only: IPV6_V6ONLY, or bound to an IPv6 address */
  v6only = false;
  hopLimit = -1;
  recverr6 = false;

  override ehashKeyOf(lport = this.inetNum): string {
    return ehashKey6(this.rcvSaddr6, lport, this.daddr6, this.inetDport);
  }

  /** the route to the peer (the connected socket's dst) */
  dst(): Dst6 | undefined {
    const oif = this.boundDevIf ? this.net.devByIndex.get(this.boundDevIf) : undefined;
    const d = ip6DstLookup(this.net, this.daddr6, oif, isAny(this.saddr6) ? undefined : this.saddr6);
    return isKErr(d) ? undefined : d;
  }

  /** ip6_default_advmss(): the route's MTU less the IPv6 and TCP headers */
  override routeAdvmss(): number {
    const d = this.dst();
    return d ? Math.min(ip6DevMtu(d.rt.local ? d.dev : d.rt.dev) - 60, 65535 - 60) : 536;
  }

  /** tcp_v6_syn_recv_sock(): the child's addresses; one talking to a link-local peer is
   * bound to the device the SYN came in by (ireq->ir_iif) */
  override newChild(seg: TcpSeg): TcpSock {
    const c = new Tcp6Sock(this.net);
    c.rcvSaddr6 = seg.daddr6!.slice();
    c.saddr6 = seg.daddr6!.slice();
    c.daddr6 = seg.saddr6!.slice();
    c.inetRcvSaddr = c.inetSaddr = LOOPBACK4_IPV6;
    c.inetDport = seg.sport;
    c.v6only = this.v6only;
    if (ipv6AddrNeedsScopeId(c.daddr6)) c.boundDevIf = seg.iif ?? 0;
    c.hopLimit = this.hopLimit;
    c.recverr6 = this.recverr6;
    return c;
  }

  /** the link-local peer's device (sin6_scope_id) */
  private scopeOf(a: Uint8Array): number {
    return ipv6AddrNeedsScopeId(a) ? this.boundDevIf : 0;
  }

  override peerAddr(): SockAddr {
    return { family: AF_INET6, addr6: this.daddr6.slice(), port: this.inetDport, scopeId: this.scopeOf(this.daddr6) };
  }

  override getsockname(): SockAddr | KErr {
    return { family: AF_INET6, addr6: this.rcvSaddr6.slice(), port: this.inetSport, scopeId: this.scopeOf(this.rcvSaddr6) };
  }

  /** net/ipv6/af_inet6.c: __inet6_bind() */
  override bind(addr: SockAddr): KErr | undefined {
    if (addr.family !== AF_INET6) return kerr("EAFNOSUPPORT");
    const a = addr as SockAddrIn6;
    // a v4-mapped address binds the IPv4 side, which is not modelled
    if (isV4Mapped(a.addr6)) return kerr(this.v6only ? "EINVAL" : "EAFNOSUPPORT");
    if (this.state !== TCP_CLOSE || this.inetNum) return kerr("EINVAL");
    const savedDev = this.boundDevIf;
    if (!isAny(a.addr6)) {
      let dev: NetDevice | undefined;
      if (ipv6AddrNeedsScopeId(a.addr6)) {
        if (a.scopeId) {
          if (this.boundDevIf && this.boundDevIf !== a.scopeId) return kerr("EINVAL");
          this.boundDevIf = a.scopeId;
        }
        if (!this.boundDevIf) return kerr("EINVAL");
        dev = this.net.devByIndex.get(this.boundDevIf);
        if (!dev) {
          this.boundDevIf = savedDev;
          return kerr("ENODEV");
        }
      }
      if (!isMulticast(a.addr6) && !ipv6ChkAddr(this.net, a.addr6, dev)) {
        this.boundDevIf = savedDev;
        return kerr("EADDRNOTAVAIL");
      }
    }
    const savedV6only = this.v6only;
    this.rcvSaddr6 = a.addr6.slice();
    this.saddr6 = isMulticast(a.addr6) ? new Uint8Array(16) : a.addr6.slice();
    this.inetRcvSaddr = this.inetSaddr = isAny(a.addr6) ? 0 : LOOPBACK4_IPV6;
    if (!isAny(a.addr6)) this.v6only = true;
    const e = inetCskGetPort(this, a.port);
    if (e) {
      this.rcvSaddr6 = new Uint8Array(16);
      this.saddr6 = new Uint8Array(16);
      this.inetRcvSaddr = this.inetSaddr = 0;
      this.v6only = savedV6only;
      this.boundDevIf = savedDev;
      return e;
    }
    if (!isAny(a.addr6)) this.userlocks |= 4;
    if (a.port) this.userlocks |= 8;
    return undefined;
  }

  /** net/ipv6/tcp_ipv6.c: tcp_v6_connect() (through __inet_stream_connect()'s states) */
  protected override connectFamily(addr: SockAddr): KErr | undefined {
    if (addr.family !== AF_INET6) return kerr("EAFNOSUPPORT");
    const a = addr as SockAddrIn6;
    let daddr = a.addr6;
    // connect() to :: means the loopback address
    if (isAny(daddr)) daddr = in6addrLoopback();
    if (isMulticast(daddr)) return kerr("ENETUNREACH");
    if (ipv6AddrNeedsScopeId(daddr)) {
      if (a.scopeId) {
        if (this.boundDevIf && this.boundDevIf !== a.scopeId) return kerr("EINVAL");
        this.boundDevIf = a.scopeId;
      }
      /* Connect to link-local address requires an interface */
      if (!this.boundDevIf) return kerr("EINVAL");
    }
    // the IPv4 side (tcp_v4_connect() through ipv6_mapped) is not modelled
    if (isV4Mapped(daddr)) return kerr("ENETUNREACH");
    const oif = this.boundDevIf ? this.net.devByIndex.get(this.boundDevIf) : undefined;
    const dst = ip6DstLookup(this.net, daddr, oif, isAny(this.saddr6) ? undefined : this.saddr6);
    if (isKErr(dst)) return dst;
    if (isAny(this.saddr6)) {
      this.saddr6 = dst.saddr.slice();
      this.rcvSaddr6 = dst.saddr.slice();
    }
    this.daddr6 = daddr.slice();
    this.inetDport = a.port;
    this.state = TCP_SYN_SENT;
    const e = inetHashConnect(this);
    if (e) {
      this.state = TCP_CLOSE;
      this.inetDport = 0;
      return e;
    }
    tcpConnectSecure(this);
    return undefined;
  }

  /** do_ipv6_setsockopt() for a stream socket */
  override setsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined {
    const v = typeof value === "boolean" ? (value ? 1 : 0) : typeof value === "number" ? value : 0;
    switch (name) {
      case "IPV6_V6ONLY":
        if (this.inetNum) return kerr("EINVAL");
        this.v6only = v !== 0;
        return undefined;
      case "IPV6_UNICAST_HOPS":
        if (v < -1 || v > 255) return kerr("EINVAL");
        this.hopLimit = v;
        return undefined;
      case "IPV6_RECVERR":
        this.recverr6 = v !== 0;
        return undefined;
      case "IPV6_TCLASS":
        if (v < -1 || v > 0xff) return kerr("EINVAL");
        this.tos = v === -1 ? 0 : v;
        return undefined;
      case "IP_TTL":
      case "IP_TOS":
      case "IP_RECVERR":
        return kerr("ENOPROTOOPT");
    }
    return super.setsockopt(name, value);
  }

  override getsockopt(name: SockOpt): number | string | KErr {
    switch (name) {
      case "IPV6_V6ONLY":
        return this.v6only ? 1 : 0;
      case "IPV6_RECVERR":
        return this.recverr6 ? 1 : 0;
      case "IPV6_UNICAST_HOPS": {
        if (this.hopLimit >= 0) return this.hopLimit;
        const d = this.dst();
        return d ? hopsOf(d) : 64;
      }
    }
    return super.getsockopt(name);
  }
}

/** ip6_dst_hoplimit() of a route (a local destination: its address's device) */
function hopsOf(d: Dst6): number {
  return ip6DstHoplimit(d.rt.local ? d.rt.dev : d.dev);
}

/**
 * inet6_csk_xmit() + tcp_v6_send_check() / tcp_v6_send_response(): the segment from the
 * socket's addresses — the checksum over IPv6's pseudo-header, then ip6_xmit()
 */
function tcpV6Xmit(_net: Net, sk: TcpSock, b: Uint8Array, len: number): boolean {
  const s6 = sk as Tcp6Sock;
  const d = s6.dst();
  if (!d) return false;
  const c = csumIpv6Magic(d.saddr, s6.daddr6, len, IPPROTO_TCP, csumPartial(b, 0, len));
  b[16] = c >>> 8;
  b[17] = c & 0xff;
  const hops = s6.hopLimit >= 0 ? s6.hopLimit : hopsOf(d);
  ip6LocalOut(d, s6.daddr6, IPPROTO_TCP, hops, b.slice(0, len), sk.tos);
  return true;
}

/** the per-namespace control socket of tcp_v6_send_response() (net->ipv6.tcp_sk) */
const ctlSocks = new NetGeneric<Tcp6Sock>();
function ctlSock(net: Net): Tcp6Sock {
  let s = ctlSocks.get(net);
  if (!s) {
    ctlSocks.set(net, (s = new Tcp6Sock(net)));
    s.ctl = true;
  }
  return s;
}

/**
 * net/ipv6/tcp_ipv6.c: tcp_v6_send_reset(): answer a segment nobody wants (never a reset, nor
 * one to a group): from its destination to its source, through the device it came by when
 * the peer is link-local
 */
function tcpV6SendReset(skb: SkBuff, th: number, plen: number, saddr: Uint8Array, daddr: Uint8Array, iif: number): void {
  const b = skb.buf;
  const flags = b[th + 13]!;
  if (flags & TCP_RST) return;
  if (isMulticast(daddr)) return;
  const net = skb.dev!.net;
  const doff = (b[th + 12]! >>> 4) << 2;
  const dlen = plen - doff;
  let seq = 0;
  let ack = 0;
  let f = TCP_RST;
  if (flags & TCP_ACK) seq = readU32(b, th + 8);
  else {
    ack = (readU32(b, th + 4) + dlen + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0)) >>> 0;
    f |= TCP_ACK;
  }
  const ctl = ctlSock(net);
  ctl.saddr6 = daddr.slice();
  ctl.daddr6 = saddr.slice();
  ctl.boundDevIf = ipv6AddrNeedsScopeId(saddr) ? iif : 0;
  tcpStats(net).OutRsts++;
  tcpTransmit(net, ctl, 0, 0, readU16(b, th + 2), readU16(b, th), seq, ack, f, 0,
    { flags: 0, mss: 0, wscale: 0, tsval: 0, tsecr: 0 }, undefined, undefined, 0);
}

/** __inet6_lookup_established() */
function inet6LookupEstablished(net: Net, saddr: Uint8Array, sport: number, daddr: Uint8Array, dport: number): TcpSock | undefined {
  return tcpHashinfo(net).ehash.get(ehashKey6(daddr, dport, saddr, sport));
}

/** inet6_lhash2_lookup() with compute_score(): an AF_INET6 listener of the port, one bound to
 * the address or the device preferred */
function inet6LookupListener(net: Net, daddr: Uint8Array, dport: number, dif: number): Tcp6Sock | undefined {
  let best: Tcp6Sock | undefined;
  let hiscore = 0;
  for (const sk of tcpHashinfo(net).listening.get(dport) ?? []) {
    if (sk.family !== AF_INET6) continue;
    const s6 = sk as Tcp6Sock;
    let score = 1;
    if (!isAny(s6.rcvSaddr6)) {
      if (!eq6(s6.rcvSaddr6, daddr)) continue;
      score++;
    }
    if (sk.boundDevIf) {
      if (sk.boundDevIf !== dif) continue;
      score++;
    }
    if (score > hiscore) {
      best = s6;
      hiscore = score;
    }
  }
  return best;
}

/** net/ipv6/tcp_ipv6.c: tcp_v6_rcv(): the segment at `t` (`plen` bytes) */
export function tcpV6Rcv(skb: SkBuff, dev: NetDevice, t: number, plen: number, saddr: Uint8Array, daddr: Uint8Array): void {
  const net = dev.net;
  const st = tcpStats(net);
  const b = skb.buf;
  skb.transportHeader = t;
  if (plen < 20) {
    st.InErrs++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "tcp_v6_rcv");
    return;
  }
  const hlen = (b[t + 12]! >>> 4) << 2;
  if (hlen < 20 || hlen > plen) {
    st.InErrs++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_TCP_INVALID_HDRLEN", "tcp_v6_rcv");
    return;
  }
  // a correct segment, pseudo-header included, folds to 0
  if (csumIpv6Magic(saddr, daddr, plen, IPPROTO_TCP, csumPartial(b, t, plen)) !== 0) {
    st.InCsumErrors++;
    st.InErrs++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_TCP_CSUM", "tcp_v6_rcv");
    return;
  }
  st.InSegs++;
  const flags = b[t + 13]!;
  const iif = dev.ifindex;
  const seg: TcpSeg = {
    skb, saddr: 0, daddr: 0, saddr6: saddr.slice(), daddr6: daddr.slice(), iif,
    sport: readU16(b, t), dport: readU16(b, t + 2), seq: readU32(b, t + 4),
    ack: readU32(b, t + 8), flags, window: readU16(b, t + 14), th: t, doff: t + hlen, len: plen - hlen,
    opt: tcpParseOptions(net, b, t, hlen, (flags & TCP_SYN) !== 0),
  };
  let sk = inet6LookupEstablished(net, saddr, seg.sport, daddr, seg.dport);
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
  const lsk = inet6LookupListener(net, daddr, seg.dport, iif);
  if (lsk && lsk.state === TCP_LISTEN) {
    // tcp_v6_do_rcv() on a listener: tcp_rcv_state_process(LISTEN)
    if (flags & TCP_ACK) {
      tcpV6SendReset(skb, t, plen, saddr, daddr, iif);
      kfreeSkbReason(skb, "SKB_DROP_REASON_TCP_FLAGS", "tcp_rcv_state_process");
      return;
    }
    if (flags & TCP_RST) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_TCP_RESET", "tcp_rcv_state_process");
      return;
    }
    if (flags & TCP_SYN && !(flags & TCP_FIN)) {
      // tcp_v6_conn_request(): never to a multicast destination
      if (isMulticast(daddr)) {
        kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "tcp_v6_conn_request");
        return;
      }
      tcpConnRequest(lsk, seg);
      consumeSkb(skb);
      return;
    }
    kfreeSkbReason(skb, "SKB_DROP_REASON_TCP_FLAGS", "tcp_rcv_state_process");
    return;
  }
  // no socket: tcp_v6_send_reset()
  tcpV6SendReset(skb, t, plen, saddr, daddr, iif);
  kfreeSkbReason(skb, "SKB_DROP_REASON_NO_SOCKET", "tcp_v6_rcv");
}

/**
 * net/ipv6/tcp_ipv6.c: tcp_v6_err(): an ICMPv6 error about a segment of ours (its IPv6 header
 * at `inner`): a connection being set up fails with the error, an established one takes it
 * as sk_err with IPV6_RECVERR (else a soft error). Packet Too Big is not acted on. False when
 * no socket owns the segment (ICMP6_MIB_INERRORS).
 */
export function tcpV6Err(net: Net, b: Uint8Array, inner: number, type: number, err: Errno): boolean {
  const th = inner + 40;
  const saddr = b.slice(inner + 8, inner + 24);
  const daddr = b.slice(inner + 24, inner + 40);
  // the quoted segment went from us (saddr:sport) to daddr:dport
  const sk = inet6LookupEstablished(net, daddr, readU16(b, th + 2), saddr, readU16(b, th));
  if (!sk) return false;
  if (sk.state === TCP_TIME_WAIT) return true;
  const ICMPV6_PKT_TOOBIG = 2;
  if (type === ICMPV6_PKT_TOOBIG) return true;
  const e = { errno: err };
  if (sk.state === TCP_SYN_SENT || sk.state === TCP_SYN_RECV) {
    if (sk.state === TCP_SYN_SENT) tcpStats(net).AttemptFails++;
    sk.tcpDone(sk.state === TCP_SYN_RECV ? undefined : e);
    return true;
  }
  if ((sk as Tcp6Sock).recverr6) {
    sk.skErr = e;
    sk.dataReady();
  }
  return true;
}

/** net/ipv6/tcp_ipv6.c: tcp6_seq_show() */
export function tcp6SeqShow(net: Net): string {
  return tcpSeqShowFamily(net, AF_INET6);
}

let done = false;
/** net/ipv6/tcp_ipv6.c: tcpv6_init(): the protocol handler, /proc/net/tcp6 */
export function tcpv6Init(): void {
  if (done) return;
  done = true;
  setTcpV6Xmit(tcpV6Xmit);
  setTcpV6SendReset((seg) => tcpV6SendReset(seg.skb, seg.th, seg.doff - seg.th + seg.len, seg.saddr6!, seg.daddr6!, seg.iif ?? 0));
  registerProcNet("tcp6", tcp6SeqShow);
}
