/**
 * net/ipv4/udp.c: UDP sockets: port allocation (ip_local_port_range, random start as
 * udp_lib_get_port), bind/connect, udp_sendmsg (header + checksum), udp_rcv (checksum,
 * socket lookup with the kernel's scoring, ICMP port unreachable when nobody listens) and
 * __udp4_lib_err (errors to the socket: traceroute's ECONNREFUSED / EHOSTUNREACH).
 */
import { inetAddrValidOrNonlocal } from "./inet_sock.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { CHECKSUM_PARTIAL } from "../core/skbuff.ts";
import { copyBytes } from "../../wire/bytes.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SockAddr, SockAddrIn } from "../uapi/socket.ts";
import { IP_PMTUDISC_DONT } from "../uapi/socket.ts";
import { kerr, isKErr, errnoNumbers, type KErr } from "../uapi/errno.ts";
import { RTN_MULTICAST, RTN_BROADCAST, RTCF_BROADCAST, RTCF_MULTICAST } from "../uapi/rtnetlink.ts";
import { InetSock, TCP_ESTABLISHED } from "../socket/sock.ts";
import {
  inetRouteDgram, inetPushDgram, ip4DatagramConnect, portHash, skAddNode, skDelNode, dgramQueueRcv, type PortHash,
} from "../socket/inet_dgram.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { netRng } from "../core/dev_path.ts";
import { readU16, readU32 } from "../../wire/addr.ts";
import { csumPartial, csumFold, csumTcpudpNofold } from "../../wire/checksum.ts";
import { udpWrite } from "../../wire/udp.ts";
import {
  ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, ICMP_FRAG_NEEDED, ICMP_TIME_EXCEEDED, ICMP_SOURCE_QUENCH,
  ICMP_PARAMETERPROB, ICMP_REDIRECT, NR_ICMP_UNREACH,
} from "../../wire/icmp.ts";
import { type Rtable, type Flowi4, inetIif } from "./route.ts";
import { inetAddrType } from "./devinet.ts";
import { ipv4Sysctl, icmpSend, inetAddErrHandler, icmpStats } from "./icmp.ts";
import { inetAddProtocol } from "./ip_input.ts";
import { ipIcmpError, ICMP_ERR_CONVERT, errnoName } from "./raw.ts";

/** the Udp: line of /proc/net/snmp */
export interface UdpMib {
  InDatagrams: number; NoPorts: number; InErrors: number; OutDatagrams: number;
  RcvbufErrors: number; SndbufErrors: number; InCsumErrors: number; IgnoredMulti: number; MemErrors: number;
}
const udpMibs = new NetGeneric<UdpMib>();
export function udpStats(net: Net): UdpMib {
  let m = udpMibs.get(net);
  if (!m) {
    m = { InDatagrams: 0, NoPorts: 0, InErrors: 0, OutDatagrams: 0, RcvbufErrors: 0, SndbufErrors: 0, InCsumErrors: 0, IgnoredMulti: 0, MemErrors: 0 };
    udpMibs.set(net, m);
  }
  return m;
}

/** udp_table: port -> sockets */
const udpTables = new NetGeneric<PortHash<UdpSock>>();
function udpTable(net: Net): PortHash<UdpSock> {
  return portHash(udpTables, net);
}

/** the AF_INET6 half of udp_lib_lport_inuse() (ipv6/udp.ts sets it): does an IPv6 socket on
 * `port` keep `sk` from binding it? (Linux has one table for both families) */
let udpV6PortConflict: ((sk: UdpSock, port: number) => boolean) | undefined;
export function setUdpV6PortConflict(fn: (sk: UdpSock, port: number) => boolean): void {
  udpV6PortConflict = fn;
}

/** an AF_INET6 socket that takes IPv4 datagrams (not IPV6_V6ONLY): what __udp4_lib_lookup()
 * finds of it (ipv6/udp.ts sets the lookup) */
export interface UdpV4MappedSock {
  deliver4(skb: SkBuff, saddr: number, sport: number): boolean;
}
let udpV6Lookup4: ((net: Net, saddr: number, sport: number, daddr: number, dport: number, dif: number) => (InetSock & UdpV4MappedSock) | undefined) | undefined;
export function setUdpV6Lookup4(fn: typeof udpV6Lookup4): void {
  udpV6Lookup4 = fn;
}

/** every UDP socket of a namespace (for /proc/net/udp and ss) */
export function udpSockets(net: Net): UdpSock[] {
  const out: UdpSock[] = [];
  for (const l of udpTable(net).values()) out.push(...l);
  return out;
}

/**
 * net/ipv4/udp.c: udp_lib_get_port() for both families: `snum`, or with 0 the first port of
 * ip_local_port_range from a random start that `conflict` leaves free (EADDRINUSE when none
 * is); the socket hashed in `table` under it
 */
export function udpLibGetPort<S extends InetSock>(sk: S, table: PortHash<S>, snum: number, conflict: (port: number) => boolean): KErr | undefined {
  if (!snum) {
    const [low, high] = ipv4Sysctl(sk.net).ipLocalPortRange;
    const remaining = high - low + 1;
    const first = low + netRng(sk.net).below(remaining);
    let found = 0;
    for (let i = 0; i < remaining; i++) {
      const p = low + ((first - low + i) % remaining);
      if (!conflict(p)) {
        found = p;
        break;
      }
    }
    if (!found) return kerr("EADDRINUSE");
    snum = found;
  } else if (conflict(snum)) {
    return kerr("EADDRINUSE");
  }
  sk.inetNum = snum;
  sk.inetSport = snum;
  skAddNode(table, snum, sk);
  return undefined;
}

export class UdpSock extends InetSock {
  readonly type = 2;
  private readonly fl4 = {} as Flowi4;
  /** the datagram being built (made at the first send: a socket only connect()ed, as ping's
   * source-address probe, needs none) */
  private scratch: Uint8Array | undefined;

  constructor(net: Net) {
    super(net, 17);
  }

  protected unhash(): void {
    if (this.inetNum) skDelNode(udpTable(this.net), this.inetNum, this);
  }

  /** net/ipv4/udp.c: udp_lib_get_port() */
  getPort(snum: number): KErr | undefined {
    const t = udpTable(this.net);
    const conflict = (port: number): boolean => {
      if (udpV6PortConflict?.(this, port)) return true;
      const l = t.get(port);
      if (!l) return false;
      for (const s of l) {
        if (s.reuseaddr && this.reuseaddr) continue;
        if (s.reuseport && this.reuseport) continue;
        if (s.boundDevIf && this.boundDevIf && s.boundDevIf !== this.boundDevIf) continue;
        if (s.inetRcvSaddr && this.inetRcvSaddr && s.inetRcvSaddr !== this.inetRcvSaddr) continue;
        return true;
      }
      return false;
    };
    return udpLibGetPort(this, t, snum, conflict);
  }

  /** net/ipv4/af_inet.c: __inet_bind() */
  bind(addr: SockAddr): KErr | undefined {
    if (addr.family !== 2) return kerr("EAFNOSUPPORT");
    const a = addr as SockAddrIn;
    const t = inetAddrType(this.net, a.addr);
    if (!inetAddrValidOrNonlocal(this.net, a.addr, t)) return kerr("EADDRNOTAVAIL");
    if (this.inetNum) return kerr("EINVAL");
    this.inetRcvSaddr = this.inetSaddr = a.addr;
    if (t === RTN_MULTICAST || t === RTN_BROADCAST) this.inetSaddr = 0;
    const e = this.getPort(a.port);
    if (e) {
      this.inetRcvSaddr = this.inetSaddr = 0;
      return e;
    }
    if (this.inetRcvSaddr) this.userlocks |= 4;
    if (a.port) this.userlocks |= 8;
    return undefined;
  }

  connect(addr: SockAddr): KErr | undefined {
    return ip4DatagramConnect(this, addr, 17, () => (this.inetNum ? undefined : this.getPort(0)));
  }

  /** net/ipv4/udp.c: udp_sendmsg() */
  sendto(data: Uint8Array, addr?: SockAddr): number | KErr {
    const len = data.length;
    if (len > 0xffff - 28) return kerr("EMSGSIZE");
    let daddr: number;
    let dport: number;
    if (addr) {
      if (addr.family !== 2) return kerr("EAFNOSUPPORT");
      daddr = (addr as SockAddrIn).addr;
      dport = (addr as SockAddrIn).port;
      if (dport === 0) return kerr("EINVAL");
    } else {
      if (this.state !== TCP_ESTABLISHED) return kerr("ENOTCONN"); // EDESTADDRREQ
      daddr = this.inetDaddr;
      dport = this.inetDport;
    }
    const pending = this.sockError();
    if (pending) return pending;
    if (!this.inetNum) {
      const e = this.getPort(0);
      if (e) return e;
    }
    const fl4 = this.fl4;
    const rt = inetRouteDgram(this, daddr, 17, fl4);
    if (isKErr(rt)) return rt;
    const ulen = 8 + len;
    if (this.scratch === undefined || this.scratch.length < ulen) this.scratch = new Uint8Array(Math.max(2048, ulen * 2));
    const b = this.scratch;
    b.set(data, 8);
    udpWrite(b, 0, this.inetSport, dport, ulen, fl4.saddr, fl4.daddr);
    const r = inetPushDgram(this, rt as Rtable, fl4, 17, b, ulen, dport, false, true);
    if (isKErr(r)) return r;
    udpStats(this.net).OutDatagrams++;
    return len;
  }

  deliver(skb: SkBuff): boolean {
    const t = skb.transportHeader;
    return dgramQueueRcv(this, skb, copyBytes(skb.buf.subarray(t + 8, t + readU16(skb.buf, t + 4))), readU16(skb.buf, t));
  }
}

/** net/ipv4/udp.c: compute_score() + __udp4_lib_lookup() */
export function udp4LibLookup(net: Net, saddr: number, sport: number, daddr: number, dport: number, dif: number): UdpSock | undefined {
  const l = udpTables.get(net)?.get(dport);
  if (!l) return undefined;
  let best: UdpSock | undefined;
  let bestScore = -1;
  for (const sk of l) {
    let score = 1;
    if (sk.inetRcvSaddr) {
      if (sk.inetRcvSaddr !== daddr) continue;
      score += 4;
    }
    if (sk.inetDaddr) {
      if (sk.inetDaddr !== saddr) continue;
      score += 4;
    }
    if (sk.inetDport) {
      if (sk.inetDport !== sport) continue;
      score += 4;
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

/** udp_tunnel_sock_cfg.encap_rcv of the kernel's UDP tunnel sockets, by (netns, port) */
export type UdpEncapRcv = (skb: SkBuff) => void;
const udpEncap = new NetGeneric<Map<number, UdpEncapRcv>>();

/** net/ipv4/udp_tunnel_core.c: udp_sock_create4() + setup_udp_tunnel_sock(), reduced to the
 * receive hook of a socket bound to INADDR_ANY:port (undefined closes it) */
export function udpTunnelSockSet(net: Net, port: number, fn: UdpEncapRcv | undefined): void {
  let m = udpEncap.get(net);
  if (!m) udpEncap.set(net, (m = new Map()));
  if (fn) m.set(port, fn);
  else m.delete(port);
}

/** net/ipv4/udp.c: udp_rcv() / __udp4_lib_rcv() — skb.data at the UDP header */
export function udpRcv(skb: SkBuff): void {
  const net = skb.dev!.net;
  const st = udpStats(net);
  const b = skb.buf;
  const o = skb.data;
  const n = skb.networkHeader;
  const avail = skb.tail - o;
  if (avail < 8) {
    st.InErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "__udp4_lib_rcv");
    return;
  }
  const ulen = readU16(b, o + 4);
  if (ulen > avail || ulen < 8) {
    st.InErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "__udp4_lib_rcv");
    return;
  }
  const saddr = readU32(b, n + 12);
  const daddr = readU32(b, n + 16);
  if (readU16(b, o + 6) !== 0 && skb.ipSummed !== CHECKSUM_PARTIAL) {
    const c = csumFold(csumTcpudpNofold(saddr, daddr, ulen, 17, csumPartial(b, o, ulen)));
    if (c !== 0) {
      st.InCsumErrors++;
      st.InErrors++;
      kfreeSkbReason(skb, "SKB_DROP_REASON_UDP_CSUM", "__udp4_lib_rcv");
      return;
    }
  }
  const rt = skb.dst as Rtable;
  const sport = readU16(b, o);
  const dport = readU16(b, o + 2);
  /* a kernel UDP tunnel socket (vxlan): udp_queue_rcv_one_skb() -> encap_rcv */
  const encap = udpEncap.get(net)?.get(dport);
  if (encap !== undefined) {
    st.InDatagrams++;
    encap(skb);
    return;
  }
  const sk4 = udp4LibLookup(net, saddr, sport, daddr, dport, inetIif(skb));
  // compute_score(): an IPv4 socket before an IPv6 one that takes IPv4 too
  const sk = sk4 ?? udpV6Lookup4?.(net, saddr, sport, daddr, dport, inetIif(skb));
  if (sk) {
    if (!(sk4 ? sk4.deliver(skb) : (sk as UdpV4MappedSock).deliver4(skb, saddr, sport))) {
      st.RcvbufErrors++;
      st.InErrors++;
      kfreeSkbReason(skb, "SKB_DROP_REASON_SOCKET_RCVBUFF", "udp_queue_rcv_skb");
      return;
    }
    st.InDatagrams++;
    consumeSkb(skb);
    return;
  }
  if (rt.rtFlags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
    st.IgnoredMulti++;
    consumeSkb(skb);
    return;
  }
  st.NoPorts++;
  icmpSend(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
  kfreeSkbReason(skb, "SKB_DROP_REASON_NO_SOCKET", "__udp4_lib_rcv");
}

/** net/ipv4/udp.c: __udp4_lib_err() — skb.data at the ICMP header */
export function udpErr(skb: SkBuff, info: number): void {
  const net = skb.dev!.net;
  const b = skb.buf;
  const o = skb.data;
  const inner = o + 8;
  const ihl = (b[inner]! & 0xf) << 2;
  const uh = inner + ihl;
  const type = b[o]!;
  const code = b[o + 1]!;
  // the quoted datagram went from us (its saddr:sport) to daddr:dport
  // __udp4_lib_err() looks up by skb->dev->ifindex, not inet_iif(): an error looped back
  // over lo does not reach a socket bound to another device
  const sk: InetSock | undefined = udp4LibLookup(net, readU32(b, inner + 16), readU16(b, uh + 2), readU32(b, inner + 12), readU16(b, uh), skb.dev!.ifindex) ??
    udpV6Lookup4?.(net, readU32(b, inner + 16), readU16(b, uh + 2), readU32(b, inner + 12), readU16(b, uh), skb.dev!.ifindex);
  if (!sk) {
    icmpStats(net).InErrors++;
    return;
  }
  let err = 0;
  let harderr = false;
  switch (type) {
    default:
    case ICMP_TIME_EXCEEDED:
      err = errnoNumbers.EHOSTUNREACH;
      break;
    case ICMP_SOURCE_QUENCH:
      return;
    case ICMP_PARAMETERPROB:
      err = errnoNumbers.EPROTO;
      harderr = true;
      break;
    case ICMP_DEST_UNREACH:
      if (code === ICMP_FRAG_NEEDED) {
        if (sk.pmtudisc !== IP_PMTUDISC_DONT) {
          err = errnoNumbers.EMSGSIZE;
          harderr = true;
          break;
        }
        return;
      }
      err = errnoNumbers.EHOSTUNREACH;
      if (code <= NR_ICMP_UNREACH) {
        harderr = ICMP_ERR_CONVERT[code]![1];
        err = ICMP_ERR_CONVERT[code]![0];
      }
      break;
    case ICMP_REDIRECT:
      return;
  }
  if (!sk.recverr) {
    if (!harderr || sk.state !== TCP_ESTABLISHED) return;
  } else {
    ipIcmpError(sk, skb, err, readU16(b, uh + 2), info, uh + 8);
  }
  sk.skErr = { errno: errnoName(err) };
  sk.dataReady();
}

/** register UDP with the IP layer (inet_add_protocol(&udp_protocol, IPPROTO_UDP)) */
export function udpInit(): void {
  inetAddProtocol(17, udpRcv);
  inetAddErrHandler(17, udpErr);
}
