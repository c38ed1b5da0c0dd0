/**
 * net/ipv6/udp.c: UDP over IPv6 — the AF_INET6 SOCK_DGRAM socket (bind and port allocation,
 * connect through datagram.c's ip6_datagram_connect(), udpv6_sendmsg() with the header and its
 * mandatory checksum, the local EMSGSIZE of ip6_append_data()), __udp6_lib_rcv() (length and
 * checksum checks, __udp6_lib_lookup()'s scoring, ICMPv6 port unreachable when nobody
 * listens) and __udp6_lib_err() (an ICMPv6 error to the socket: sk_err, and with IPV6_RECVERR
 * the error queue — ipv6_icmp_error(), SO_EE_ORIGIN_ICMP6 with the sender as offender).
 *
 * The port space is shared with IPv4 as udp_lib_get_port() shares it, and a socket on :: that
 * is not IPV6_V6ONLY takes IPv4 datagrams (the sender v4-mapped), connects and sends to
 * v4-mapped addresses over IPv4 (udp_sendmsg()); ICMP errors about those datagrams do not
 * reach it. Datagrams larger than the route's MTU are not fragmented.
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SockAddr, SockAddrIn, SockAddrIn6, SockOpt } from "../uapi/socket.ts";
import { SO_EE_ORIGIN_ICMP6 } from "../uapi/socket.ts";
import { kerr, isKErr, errnoNumbers, type KErr, type Errno } from "../uapi/errno.ts";
import { TCP_ESTABLISHED, type InetSock } from "../socket/sock.ts";
import { udpSockets, udpStats, setUdpV6PortConflict, setUdpV6Lookup4, udpLibGetPort, type UdpV4MappedSock } from "../ipv4/udp.ts";
import { inetRouteDgram, inetPushDgram, ip4DatagramConnect } from "../socket/inet_dgram.ts";
import type { Flowi4, Rtable } from "../ipv4/route.ts";
import { udpWrite } from "../../wire/udp.ts";
import { portHash, skDelNode, type PortHash } from "../socket/inet_dgram.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { netSched } from "../core/dev_path.ts";
import { copyBytes } from "../../wire/bytes.ts";
import { csumPartial } from "../../wire/checksum.ts";
import { ipv6AddrNeedsScopeId } from "./addrconf.ts";
import { ip6DstLookup, ip6DstMtu, ip6UpdatePmtu, type Dst6 } from "./route.ts";
import {
  ip6LocalOut, csumIpv6Magic, IPV6_HDRLEN, ipv6AddrAny as isAny, in6addrLoopback, ipv6AddrEqual as eq6, ipv6AddrV4Mapped as isV4Mapped,
} from "./ip6_output.ts";
import { errnoName } from "../ipv4/raw.ts";
import { ipv6Stats } from "./proc.ts";
import { Inet6DgramSock, AF_INET6_NUM } from "./ping.ts";
import { registerProcNet } from "../core/procfs.ts";

export const IPPROTO_UDP6 = 17;
const ICMPV6_DEST_UNREACH = 1;
const ICMPV6_PKT_TOOBIG = 2;
const ICMPV6_PORT_UNREACH = 4;
const IPV6_PMTUDISC_DONT = 0;
const IPV6_PMTUDISC_PROBE = 3;
const IPV6_PMTUDISC_INTERFACE = 4;
const IPV6_PMTUDISC_OMIT = 5;


/** the UDP checksum over IPv6's pseudo-header (0 computed is sent as 0xffff) */
export function udp6Csum(b: Uint8Array, o: number, len: number, saddr: Uint8Array, daddr: Uint8Array): number {
  const c = csumIpv6Magic(saddr, daddr, len, IPPROTO_UDP6, csumPartial(b, o, len));
  return c === 0 ? 0xffff : c;
}

/** udp_lib_lport_inuse(): two sockets may share a port (both SO_REUSEADDR, both
 * SO_REUSEPORT, or bound to different devices) */
function sharesPort(a: InetSock, b: InetSock): boolean {
  if (a.reuseaddr && b.reuseaddr) return true;
  if (a.reuseport && b.reuseport) return true;
  return !!a.boundDevIf && !!b.boundDevIf && a.boundDevIf !== b.boundDevIf;
}

/** the IPv4 side (setUdpV6PortConflict()): ipv4_rcv_saddr_equal() of an IPv4 socket against
 * an IPv6 one that is not IPv6's alone — its rcv_saddr 0 for ::, and either wildcard matches */
function udpV6PortConflict(sk: InetSock, port: number): boolean {
  for (const s of udp6Table(sk.net).get(port) ?? []) {
    if (s.v6only || sharesPort(s, sk)) continue;
    if (!sk.inetRcvSaddr || isAny(s.rcvSaddr6)) return true;
  }
  return false;
}

/** udp_table for AF_INET6 sockets: port -> sockets */
const udp6Tables = new NetGeneric<PortHash<Udp6Sock>>();
const udp6Table = (net: Net): PortHash<Udp6Sock> => portHash(udp6Tables, net);

/** every UDPv6 socket of a namespace (for /proc/net/udp6) */
export function udp6Sockets(net: Net): Udp6Sock[] {
  const out: Udp6Sock[] = [];
  for (const l of udp6Tables.get(net)?.values() ?? []) out.push(...l);
  return out;
}

/** dst_mtu(): the route's MTU (a learned path MTU, else its device's IPv6 mtu) */
function dst6Mtu(dst: Dst6): number {
  return ip6DstMtu(dst);
}

const v4Of = (a: Uint8Array): number => ((a[12]! << 24) | (a[13]! << 16) | (a[14]! << 8) | a[15]!) >>> 0;
/** ipv6_addr_set_v4mapped() */
function v4Mapped(v4: number): Uint8Array<ArrayBuffer> {
  const a = new Uint8Array(16);
  a[10] = 0xff;
  a[11] = 0xff;
  a[12] = v4 >>> 24;
  a[13] = (v4 >>> 16) & 0xff;
  a[14] = (v4 >>> 8) & 0xff;
  a[15] = v4 & 0xff;
  return a;
}

export class Udp6Sock extends Inet6DgramSock implements UdpV4MappedSock {
  readonly type = 2;
  /** sk_ipv6only: IPV6_V6ONLY, or bound to an IPv6 address (IPv4 does not reach IPv6 sockets
   * here either way; ss prints :: as * without it) */
  v6only = false;
  /** the route connect() cached (sk_dst_cache) */
  private dst: Dst6 | undefined;

  constructor(net: Net) {
    super(net, IPPROTO_UDP6);
  }

  protected unhash(): void {
    if (this.inetNum) skDelNode(udp6Table(this.net), this.inetNum, this);
  }

  /** net/ipv4/udp.c: udp_lib_get_port() with ipv6_rcv_saddr_equal() */
  getPort(snum: number): KErr | undefined {
    const t = udp6Table(this.net);
    const conflict = (port: number): boolean => {
      for (const s of t.get(port) ?? []) {
        if (sharesPort(s, this)) continue;
        if (!isAny(s.rcvSaddr6) && !isAny(this.rcvSaddr6) && !eq6(s.rcvSaddr6, this.rcvSaddr6)) continue;
        return true;
      }
      // the IPv4 sockets of the port: ipv6_rcv_saddr_equal() against a v4-mapped address,
      // which only a wildcard that is not IPv6's alone takes
      if (isAny(this.rcvSaddr6) && !this.v6only) {
        for (const s of udpSockets(this.net)) if (s.inetNum === port && !sharesPort(s, this)) return true;
      }
      return false;
    };
    return udpLibGetPort(this, t, snum, conflict);
  }

  protected override autobind(): KErr | undefined {
    return this.inetNum ? undefined : this.getPort(0);
  }

  /** net/ipv6/af_inet6.c: __inet6_bind() */
  bind(addr: SockAddr): KErr | undefined {
    if (addr.family !== AF_INET6_NUM) return kerr("EAFNOSUPPORT");
    const a = addr as SockAddrIn6;
    if (this.inetNum) return kerr("EINVAL");
    const dev = this.boundDevIf;
    const e = this.bindAddr(a);
    if (e) return e;
    // a socket bound to an address of its own (not v4-mapped) is IPv6's alone, before the
    // port is taken
    const savedV6only = this.v6only;
    if (!isAny(a.addr6)) this.v6only = true;
    const pe = this.getPort(a.port);
    if (pe) {
      this.v6only = savedV6only;
      this.rcvSaddr6 = new Uint8Array(16);
      this.saddr6 = new Uint8Array(16);
      this.boundDevIf = dev;
      return pe;
    }
    if (!isAny(a.addr6)) this.userlocks |= 4;
    if (a.port) this.userlocks |= 8;
    return undefined;
  }

  /** inet_dgram_connect(): inet_autobind() first, then ip6_datagram_connect() */
  override connect(addr: SockAddr): KErr | undefined {
    if ((addr.family as number) !== 0 && !this.inetNum) {
      const e = this.getPort(0);
      if (e) return kerr("EAGAIN");
    }
    // __ip6_datagram_connect(): a v4-mapped peer is __ip4_datagram_connect()'s, the
    // socket's IPv6 addresses its mapped ones
    // (an AF_INET address as well, where the socket is not IPv6's alone)
    const v4 = addr.family === 2;
    if (v4 || (addr.family === AF_INET6_NUM && isV4Mapped((addr as SockAddrIn6).addr6))) {
      if (this.v6only) return kerr(v4 ? "EAFNOSUPPORT" : "ENETUNREACH");
      if (isV4Mapped(this.saddr6)) this.inetSaddr = v4Of(this.saddr6);
      const to = v4 ? (addr as SockAddrIn).addr : v4Of((addr as SockAddrIn6).addr6);
      const e = ip4DatagramConnect(this, { family: 2, addr: to, port: (addr as SockAddrIn | SockAddrIn6).port }, IPPROTO_UDP6);
      if (e) return e;
      this.daddr6 = v4Mapped(this.inetDaddr);
      if (isAny(this.saddr6) || isV4Mapped(this.saddr6)) this.saddr6 = v4Mapped(this.inetSaddr);
      if (isAny(this.rcvSaddr6) || isV4Mapped(this.rcvSaddr6)) this.rcvSaddr6 = v4Mapped(this.inetRcvSaddr);
      this.dst = undefined;
      return undefined;
    }
    const e = super.connect(addr);
    if (e) return e;
    if (this.state !== TCP_ESTABLISHED) {
      this.dst = undefined;
      this.dstMtu = undefined;
      return undefined;
    }
    // ip6_datagram_dst_update(): the route stays cached on the socket
    const oifIdx = this.boundDevIf || (ipv6AddrNeedsScopeId(this.daddr6) ? this.scope : 0);
    const dst = ip6DstLookup(this.net, this.daddr6, oifIdx ? this.net.devByIndex.get(oifIdx) : undefined, this.saddr6);
    if (!isKErr(dst)) {
      this.dst = dst;
      this.dstMtu = () => dst6Mtu(dst);
    }
    return undefined;
  }

  override setsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined {
    if (name === "IPV6_V6ONLY") {
      if (this.inetNum) return kerr("EINVAL");
      this.v6only = !!value;
      return undefined;
    }
    return super.setsockopt(name, value);
  }

  /** do_ipv6_getsockopt() */
  override getsockopt(name: SockOpt): number | string | KErr {
    switch (name) {
      case "IPV6_MTU": {
        const v = this.dst ? dst6Mtu(this.dst) : 0;
        return v ? v : kerr("ENOTCONN");
      }
      case "IPV6_MTU_DISCOVER":
        return this.pmtudisc;
      case "IPV6_UNICAST_HOPS":
        return this.hopLimit < 0 ? (this.dst ? this.sendHops(this.daddr6, this.dst) : 64) : this.hopLimit;
      case "IPV6_RECVERR":
        return this.recverr6 ? 1 : 0;
      case "IPV6_V6ONLY":
        return this.v6only ? 1 : 0;
      case "IP_MTU":
      case "IP_TTL":
      case "IP_MTU_DISCOVER":
      case "IP_RECVERR":
        return kerr("ENOPROTOOPT");
    }
    return super.getsockopt(name);
  }

  /** net/ipv6/udp.c: udpv6_sendmsg() */
  sendto(data: Uint8Array, addr?: SockAddr): number | KErr {
    const len = data.length;
    if (len > 0x7fffffff - 8) return kerr("EMSGSIZE");
    let daddr: Uint8Array;
    let dport: number;
    let scopeId: number;
    if (addr) {
      // an AF_INET destination is udp_sendmsg()'s (unless the socket is IPv6's alone)
      if (addr.family === 2) {
        if (this.v6only) return kerr("ENETUNREACH");
        const a4 = addr as SockAddrIn;
        if (a4.port === 0) return kerr("EINVAL");
        return this.sendto4(data, a4.addr, a4.port);
      }
      if (addr.family !== AF_INET6_NUM) return kerr("EINVAL");
      const a = addr as SockAddrIn6;
      daddr = a.addr6;
      dport = a.port;
      scopeId = a.scopeId;
      if (dport === 0) return kerr("EINVAL");
      // sendto(::) goes to the loopback address
      if (isAny(daddr)) daddr = in6addrLoopback();
    } else {
      if (this.state !== TCP_ESTABLISHED) return kerr("EDESTADDRREQ");
      daddr = this.daddr6;
      dport = this.inetDport;
      scopeId = this.scope;
    }
    // a v4-mapped destination goes out as IPv4 (udp_sendmsg())
    if (isV4Mapped(daddr)) {
      if (this.v6only) return kerr("ENETUNREACH");
      return this.sendto4(data, v4Of(daddr), dport);
    }
    const f = this.flowOif(scopeId, daddr, false);
    if (isKErr(f)) return f;
    if (!this.inetNum) {
      const e = this.getPort(0);
      if (e) return kerr("EAGAIN");
    }
    const dst = ip6DstLookup(this.net, daddr, f.oif, isAny(this.saddr6) ? undefined : this.saddr6);
    if (isKErr(dst)) {
      if (dst.errno === "ENETUNREACH") ipv6Stats(this.net).ip.OutNoRoutes++;
      return dst;
    }
    const big = this.appendDataMtu(dst, 8 + len, dport);
    if (big) return big;
    const pending = this.sockError();
    if (pending) return pending;
    const ulen = 8 + len;
    const b = new Uint8Array(ulen);
    b[0] = this.inetSport >>> 8;
    b[1] = this.inetSport & 0xff;
    b[2] = dport >>> 8;
    b[3] = dport & 0xff;
    b[4] = ulen >>> 8;
    b[5] = ulen & 0xff;
    b.set(data, 8);
    const c = udp6Csum(b, 0, ulen, dst.saddr, daddr);
    b[6] = c >>> 8;
    b[7] = c & 0xff;
    const r = ip6LocalOut(dst, daddr, IPPROTO_UDP6, this.sendHops(daddr, dst), b, this.tos, this.pmtudisc >= IPV6_PMTUDISC_PROBE);
    if (r === -105 && this.recverr6) {
      ipv6Stats(this.net).udp.SndbufErrors++;
      return kerr("ENOBUFS");
    }
    ipv6Stats(this.net).udp.OutDatagrams++;
    return len;
  }

  /** net/ipv4/udp.c: udp_sendmsg() of this socket's datagram to a v4-mapped address: the
   * IPv4 route and header, IPv4's counters */
  private sendto4(data: Uint8Array, daddr: number, dport: number): number | KErr {
    const len = data.length;
    if (len > 0xffff - 28) return kerr("EMSGSIZE");
    const pending = this.sockError();
    if (pending) return pending;
    if (!this.inetNum) {
      const e = this.getPort(0);
      if (e) return kerr("EAGAIN");
    }
    const fl4 = {} as Flowi4;
    const rt = inetRouteDgram(this, daddr, IPPROTO_UDP6, fl4);
    if (isKErr(rt)) return rt;
    const ulen = 8 + len;
    const b = new Uint8Array(ulen);
    b.set(data, 8);
    udpWrite(b, 0, this.inetSport, dport, ulen, fl4.saddr, fl4.daddr);
    const r = inetPushDgram(this, rt as Rtable, fl4, IPPROTO_UDP6, b, ulen, dport, false, true);
    if (isKErr(r)) return r;
    udpStats(this.net).OutDatagrams++;
    return len;
  }

  /** udpv6_recvmsg() of an IPv4 datagram (its UDP header at the transport header): the
   * sender as a v4-mapped address */
  deliver4(skb: SkBuff, saddr: number, sport: number): boolean {
    const t = skb.transportHeader;
    const b = skb.buf;
    return this.queueRcv({
      data: copyBytes(b.subarray(t + 8, t + ((b[t + 4]! << 8) | b[t + 5]!))),
      from: { family: AF_INET6_NUM, addr6: v4Mapped(saddr), port: sport, scopeId: 0 },
      ifindex: skb.skbIif || skb.dev?.ifindex,
      stamp: skb.tstamp || netSched(this.net).now,
    });
  }

  /** __udpv6_queue_rcv_skb(): the payload, its sender (its scope for a link-local one), the
   * hop limit with IPV6_RECVHOPLIMIT */
  deliver(skb: SkBuff, t: number, ulen: number, saddr: Uint8Array, dev: NetDevice): boolean {
    const b = skb.buf;
    return this.queueRcv({
      data: copyBytes(b.subarray(t + 8, t + ulen)),
      from: { family: AF_INET6_NUM, addr6: saddr.slice(), port: (b[t]! << 8) | b[t + 1]!, scopeId: ipv6AddrNeedsScopeId(saddr) ? dev.ifindex : 0 },
      ttl: this.recvHoplimit ? b[skb.networkHeader + 7] : undefined,
      ifindex: dev.ifindex,
      stamp: skb.tstamp || netSched(this.net).now,
    });
  }

  /** the error half of __udp6_lib_err(): sk_err, and the error queue with IPV6_RECVERR */
  err(skb: SkBuff, t: number, len: number, uh: number, type: number, code: number, info: number, errno: Errno, harderr: boolean, dev: NetDevice): void {
    const b = skb.buf;
    if (type === ICMPV6_PKT_TOOBIG) {
      if (this.pmtudisc !== IPV6_PMTUDISC_DONT) harderr = true;
    }
    if (!this.recverr6) {
      if (!harderr || this.state !== TCP_ESTABLISHED) return;
    } else {
      const n = skb.networkHeader;
      const off = b.subarray(n + 8, n + 24);
      const ll = off[0] === 0xfe && (off[1]! & 0xc0) === 0x80;
      this.queueErr({
        ee_errno: errnoNumbers[errno], ee_origin: SO_EE_ORIGIN_ICMP6, ee_type: type, ee_code: code, ee_info: info, ee_data: 0,
        offender6: off.slice(), offenderScope: ll ? dev.ifindex : 0,
        payload: b.slice(uh + 8, t + len),
        ttl: this.recvHoplimit ? b[n + 7] : undefined,
        port: (b[uh + 2]! << 8) | b[uh + 3]!,
      });
    }
    this.skErr = { errno: errnoName(errnoNumbers[errno]) };
    this.dataReady();
  }
}

/** net/ipv6/udp.c: compute_score() + __udp6_lib_lookup() */
export function udp6LibLookup(net: Net, saddr: Uint8Array, sport: number, daddr: Uint8Array, dport: number, dif: number): Udp6Sock | undefined {
  const l = udp6Tables.get(net)?.get(dport);
  if (!l) return undefined;
  let best: Udp6Sock | undefined;
  let bestScore = -1;
  for (const sk of l) {
    if (sk.closed) continue;
    let score = 0;
    if (!isAny(sk.rcvSaddr6)) {
      if (!eq6(sk.rcvSaddr6, daddr)) continue;
      score++;
    }
    if (sk.inetDport) {
      if (sk.inetDport !== sport) continue;
      score++;
    }
    if (sk.state === TCP_ESTABLISHED && !isAny(sk.daddr6)) {
      if (!eq6(sk.daddr6, saddr)) continue;
      score++;
    }
    if (sk.boundDevIf) {
      if (sk.boundDevIf !== dif) continue;
      score++;
    }
    if (score > bestScore) {
      best = sk;
      bestScore = score;
    }
  }
  return best;
}

/**
 * net/ipv6/udp.c: udpv6_rcv() / __udp6_lib_rcv() of the UDP datagram at `t` (`plen` bytes to
 * the end of the IPv6 payload), come in by `dev`; `icmp6Send` answers port unreachable
 */
export function udpv6Rcv(
  skb: SkBuff, dev: NetDevice, t: number, plen: number, saddr: Uint8Array, daddr: Uint8Array,
  icmp6Send: (skb: SkBuff, type: number, code: number, info: number) => void,
): void {
  const net = dev.net;
  const st = ipv6Stats(net).udp;
  const b = skb.buf;
  if (plen < 8) {
    st.InErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "__udp6_lib_rcv");
    return;
  }
  let ulen = (b[t + 4]! << 8) | b[t + 5]!;
  // a jumbogram's length is 0: the payload's
  if (ulen === 0) ulen = plen;
  if (ulen > plen || ulen < 8) {
    st.InErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "__udp6_lib_rcv");
    return;
  }
  // udp6_csum_init(): the checksum is mandatory over IPv6 (udp6_csum_zero_error())
  const zero = b[t + 6] === 0 && b[t + 7] === 0;
  if (zero || csumIpv6Magic(saddr, daddr, ulen, IPPROTO_UDP6, csumPartial(b, t, ulen)) !== 0) {
    st.InCsumErrors++;
    st.InErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_UDP_CSUM", "__udp6_lib_rcv");
    return;
  }
  const sport = (b[t]! << 8) | b[t + 1]!;
  const dport = (b[t + 2]! << 8) | b[t + 3]!;
  const sk = udp6LibLookup(net, saddr, sport, daddr, dport, dev.ifindex);
  if (sk) {
    if (!sk.deliver(skb, t, ulen, saddr, dev)) {
      st.RcvbufErrors++;
      st.InErrors++;
      kfreeSkbReason(skb, "SKB_DROP_REASON_SOCKET_RCVBUFF", "udpv6_queue_rcv_one_skb");
      return;
    }
    st.InDatagrams++;
    consumeSkb(skb);
    return;
  }
  if (daddr[0] === 0xff) {
    // __udp6_lib_mcast_deliver(): nobody joined with this port
    st.IgnoredMulti++;
    consumeSkb(skb);
    return;
  }
  st.NoPorts++;
  icmp6Send(skb, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0);
  kfreeSkbReason(skb, "SKB_DROP_REASON_NO_SOCKET", "__udp6_lib_rcv");
}

/**
 * net/ipv6/udp.c: __udp6_lib_err() of an ICMPv6 error (at `t`, `len` bytes) quoting a UDP
 * datagram (its header at `uh`) that went from inner saddr:sport to daddr:dport; false when
 * no socket sent it
 */
export function udpv6Err(skb: SkBuff, dev: NetDevice, t: number, len: number, inner: number, type: number, code: number, info: number, errno: Errno, harderr: boolean,
  uh = inner + IPV6_HDRLEN): boolean {
  const b = skb.buf;
  if (uh + 8 > t + len) return false;
  const sk = udp6LibLookup(dev.net, b.subarray(inner + 24, inner + 40), (b[uh + 2]! << 8) | b[uh + 3]!, b.subarray(inner + 8, inner + 24), (b[uh]! << 8) | b[uh + 1]!, dev.ifindex);
  if (!sk) return false;
  // ip6_sk_update_pmtu() of a Packet Too Big, unless the socket takes no path MTU
  // (ip6_sk_accept_pmtu(): IPV6_PMTUDISC_INTERFACE, _OMIT)
  if (type === ICMPV6_PKT_TOOBIG && sk.pmtudisc !== IPV6_PMTUDISC_INTERFACE && sk.pmtudisc !== IPV6_PMTUDISC_OMIT)
    ip6UpdatePmtu(dev.net, b.slice(inner + 24, inner + 40), b.slice(inner + 8, inner + 24), info, dev);
  sk.err(skb, t, len, uh, type, code, info, errno, harderr, dev);
  return true;
}

/** %08X of each of an address's four 32-bit words as the machine (little-endian) reads them */
function hexAddr6(a: Uint8Array): string {
  let out = "";
  for (let w = 0; w < 16; w += 4) {
    for (let i = 3; i >= 0; i--) out += a[w + i]!.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}
const hex = (v: number, w: number): string => v.toString(16).toUpperCase().padStart(w, "0");

/** net/ipv6/udp.c: udp6_seq_show() -> net/ipv6/datagram.c: __ip6_dgram_sock_seq_show() */
function udp6SeqShow(net: Net): string {
  let out = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";
  const socks = udp6Sockets(net).sort((x, y) => (x.inetNum & 127) - (y.inetNum & 127));
  for (const sk of socks) {
    out += `${String(sk.inetNum & 127).padStart(5)}: ${hexAddr6(sk.rcvSaddr6)}:${hex(sk.inetNum, 4)} ${hexAddr6(sk.daddr6)}:${hex(sk.inetDport, 4)} ` +
      `${hex(sk.state, 2)} ${hex(0, 8)}:${hex(sk.rmemAlloc, 8)} 00:00000000 00000000 ${"0".padStart(5)} ${"0".padStart(8)} ${sk.ino} 2 0000000000000000 ${sk.drops}\n`;
  }
  return out;
}

/** net/ipv6/af_inet6.c: udpv6_init() + udp6_proc_init() */
/** compute_score() of __udp4_lib_lookup() over the IPv6 sockets that take IPv4: on :: (or a
 * v4-mapped address), connected to a v4-mapped peer if at all */
function udp6Lookup4(net: Net, saddr: number, sport: number, daddr: number, dport: number, dif: number): Udp6Sock | undefined {
  let best: Udp6Sock | undefined;
  let bestScore = -1;
  for (const sk of udp6Tables.get(net)?.get(dport) ?? []) {
    if (sk.closed || sk.v6only) continue;
    let score = 0;
    if (!isAny(sk.rcvSaddr6)) {
      if (!isV4Mapped(sk.rcvSaddr6) || v4Of(sk.rcvSaddr6) !== daddr) continue;
      score += 4;
    }
    if (sk.state === TCP_ESTABLISHED) {
      if (!isV4Mapped(sk.daddr6) || v4Of(sk.daddr6) !== saddr) continue;
      score += 4;
      if (sk.inetDport) {
        if (sk.inetDport !== sport) continue;
        score += 4;
      }
    }
    if (sk.boundDevIf) {
      if (sk.boundDevIf !== dif) continue;
      score += 4;
    }
    if (score > bestScore) {
      best = sk;
      bestScore = score;
    }
  }
  return best;
}

export function udpv6Init(): void {
  registerProcNet("udp6", udp6SeqShow);
  setUdpV6Lookup4(udp6Lookup4);
  setUdpV6PortConflict(udpV6PortConflict);
}
