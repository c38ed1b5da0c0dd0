/**
 * net/ipv4/datagram.c (ip4_datagram_connect) + the sendmsg half shared by raw, ping and UDP
 * sockets: the output route for a datagram (oif from SO_BINDTODEVICE, broadcast permission),
 * and ip_append_data()'s MTU rules (EMSGSIZE + a local error with IP_PMTUDISC_DO, DF choice,
 * TTL from IP_TTL / ip_default_ttl).
 */
import { netdevCsumOffload } from "../core/netdev_features.ts";
import { csumFold, csumTcpudpNofold } from "../../wire/checksum.ts";
import type { InetSock } from "./sock.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { netSched } from "../core/dev_path.ts";
import { TCP_ESTABLISHED } from "./sock.ts";
import type { SockAddr, SockAddrIn } from "../uapi/socket.ts";
import { IP_PMTUDISC_DO, IP_PMTUDISC_PROBE, IP_PMTUDISC_WANT, SO_EE_ORIGIN_LOCAL } from "../uapi/socket.ts";
import { kerr, isKErr, errnoNumbers, type KErr } from "../uapi/errno.ts";
import { RTCF_BROADCAST, RT_SCOPE_UNIVERSE, RT_SCOPE_LINK } from "../uapi/rtnetlink.ts";
import { ipv4IsMulticast, readU32 } from "../../wire/addr.ts";
import { type Rtable, type Flowi4, ipRouteOutputKey, ipv4Mtu } from "../ipv4/route.ts";
import { ipSendData } from "../ipv4/ip_output.ts";
import { ipv4Sysctl } from "../ipv4/icmp.ts";
import { ipStats } from "../ipv4/ip_input.ts";

const IP_PMTUDISC_OMIT = 5;

/**
 * the output route for a datagram of `sk` to daddr (ip_route_output_flow + the broadcast
 * check); `connect`: ip_route_connect() of __ip4_datagram_connect(), which routes to daddr
 * itself — only sendmsg() sends a source-routed datagram to its first hop
 */
export function inetRouteDgram(sk: InetSock, daddr: number, proto: number, fl4out: Flowi4, connect = false): Rtable | KErr {
  let oif = sk.boundDevIf;
  let saddr = sk.inetSaddr;
  if (ipv4IsMulticast(daddr)) {
    if (!oif) oif = sk.mcIndex;
  }
  // a source route goes to its first hop (ipc.opt->opt.faddr); a strict one on link scope
  const opt = connect ? undefined : sk.inetOpt;
  sk.corkAddr = daddr;
  fl4out.daddr = opt !== undefined && opt.srr ? opt.faddr : daddr;
  fl4out.saddr = saddr;
  fl4out.oif = oif;
  fl4out.iif = 1;
  fl4out.tos = sk.tos & 0x1e;
  fl4out.mark = sk.mark;
  fl4out.scope = opt !== undefined && opt.isStrictroute ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
  fl4out.proto = proto;
  fl4out.uid = 0;
  fl4out.anysrc = false;
  const rt = ipRouteOutputKey(sk.net, fl4out);
  if (isKErr(rt)) {
    if (rt.errno === "ENETUNREACH") ipStats(sk.net).OutNoRoutes++;
    return rt;
  }
  if (rt.rtFlags & RTCF_BROADCAST && !sk.broadcast) return kerr("EACCES");
  void saddr;
  return rt;
}

/** include/net/ip.h: ip_sk_use_pmtu() / ip_sk_ignore_df() / ip_dont_fragment() */
function useDstMtu(sk: InetSock): boolean {
  return sk.pmtudisc < IP_PMTUDISC_PROBE;
}
function ignoreDf(sk: InetSock): boolean {
  return sk.pmtudisc < IP_PMTUDISC_DO || sk.pmtudisc === IP_PMTUDISC_OMIT;
}

/** net/ipv4/ip_sockglue.c: ip_local_error() */
export function ipLocalError(sk: InetSock, err: number, daddr: number, port: number, info: number): void {
  if (!sk.recverr) return;
  void daddr;
  void port;
  sk.queueErr({ ee_errno: err, ee_origin: SO_EE_ORIGIN_LOCAL, ee_type: 0, ee_code: 0, ee_info: info, ee_data: 0, payload: new Uint8Array(0) });
}

/**
 * ip_append_data() + ip_push_pending_frames() for one datagram whose transport part is
 * l4[0..len). Returns len or the error.
 */
export function inetPushDgram(sk: InetSock, rt: Rtable, fl4: Flowi4, proto: number, l4: Uint8Array, len: number, dport = 0, pingSock = false, udpCsum = false): number | KErr {
  const dstMtu = ipv4Mtu(rt);
  const mtu = useDstMtu(sk) ? dstMtu : rt.dev.mtu;
  const maxnonfrag = ignoreDf(sk) ? 0xffff : mtu;
  // fragheaderlen: the header with the socket's options
  const opt = sk.inetOpt;
  const hlen = 20 + (opt ? opt.optlen : 0);
  if (len > maxnonfrag - hlen) {
    ipLocalError(sk, errnoNumbers.EMSGSIZE, fl4.daddr, dport, mtu);
    return kerr("EMSGSIZE");
  }
  if (hlen + len > 0xffff) return kerr("EMSGSIZE");
  const df = sk.pmtudisc === IP_PMTUDISC_DO || sk.pmtudisc === IP_PMTUDISC_PROBE ||
    (hlen + len <= dstMtu && (sk.pmtudisc === IP_PMTUDISC_DO || (sk.pmtudisc === IP_PMTUDISC_WANT && !rt.rtMtuLocked)));
  let ttl: number;
  if (ipv4IsMulticast(fl4.daddr)) ttl = sk.mcTtl;
  else ttl = sk.ucTtl === -1 ? ipv4Sysctl(sk.net).ipDefaultTtl : sk.ucTtl;
  // __ip_append_data(): a datagram that fits the MTU, through a device that finishes
  // checksums, leaves CHECKSUM_PARTIAL (udp4_hwcsum(): the field holds the pseudo-header sum)
  const partial = udpCsum && hlen + len <= mtu && netdevCsumOffload(rt.dev) && (l4[6]! | l4[7]!) !== 0;
  if (partial) {
    const c = ~csumFold(csumTcpudpNofold(fl4.saddr, fl4.daddr, len, 17)) & 0xffff;
    l4[6] = c >> 8;
    l4[7] = c & 0xff;
  }
  const err = ipSendData(sk.net, rt, {
    saddr: fl4.saddr, daddr: fl4.daddr, protocol: proto, tos: sk.tos, ttl, df,
    sk: sk.state === TCP_ESTABLISHED ? sk : undefined, owner: sk, mark: sk.mark, ignoreDf: ignoreDf(sk),
    ...(partial ? { csumOffset: 6 } : {}),
    opt, finalDaddr: sk.corkAddr,
  }, l4, len);
  if (err === -1) return kerr("EPERM");
  // udp_send_skb(), raw_sendmsg(): ENOBUFS only to a socket that asked for errors (IP_RECVERR)
  if (err === -105 && (sk.recverr || pingSock /* ping_v4_sendmsg() always */)) return kerr("ENOBUFS");
  return len;
}

/** a protocol's port hash (udp_table, ping_table): port -> the sockets bound to it */
export type PortHash<S> = Map<number, S[]>;

/** net/ipv4/ping.c: ping_get_port() (both families' ping sockets, a table each here): ident 0
 * picks the next free one from a random start; a taken one is EADDRINUSE unless both reuse */
export function pingGetPort<S extends { reuseaddr: boolean; inetNum: number; inetSport: number }>(
  t: PortHash<S>, sk: S, ident: number, rng: { u32(): number },
): KErr | undefined {
  if (!ident) {
    let next = (rng.u32() & 0xffff) || 1;
    for (let i = 0; i < 0x10000; i++) {
      if (!t.has(next)) break;
      next = (next + 1) & 0xffff || 1;
    }
    ident = next;
  } else if (t.get(ident)?.some((s) => !(s.reuseaddr && sk.reuseaddr))) {
    return kerr("EADDRINUSE");
  }
  sk.inetNum = ident;
  sk.inetSport = ident;
  skAddNode(t, ident, sk);
  return undefined;
}

/** the namespace's port hash of a protocol, created on first use */
export function portHash<S>(tables: NetGeneric<PortHash<S>>, net: Net): PortHash<S> {
  let t = tables.get(net);
  if (!t) tables.set(net, (t = new Map()));
  return t;
}

/** include/net/sock.h: sk_add_node() — sk is now bound to port */
export function skAddNode<S>(t: PortHash<S>, port: number, sk: S): void {
  let l = t.get(port);
  if (!l) t.set(port, (l = []));
  l.push(sk);
}

/** include/net/sock.h: sk_del_node_init() — sk leaves its port's chain */
export function skDelNode<S>(t: PortHash<S>, port: number, sk: S): void {
  const l = t.get(port);
  if (!l) return;
  const i = l.indexOf(sk);
  if (i >= 0) l.splice(i, 1);
  if (!l.length) t.delete(port);
}

/** sock_queue_rcv_skb() of a datagram socket: the payload, its sender and the cmsg data */
export function dgramQueueRcv(sk: InetSock, skb: SkBuff, data: Uint8Array, sport: number): boolean {
  const n = skb.networkHeader;
  return sk.queueRcv({
    data,
    from: { family: 2, addr: readU32(skb.buf, n + 12), port: sport },
    ttl: sk.recvttl ? skb.buf[n + 8] : undefined,
    ifindex: skb.skbIif || skb.dev?.ifindex,
    stamp: skb.tstamp || netSched(sk.net).now,
  });
}

/** net/ipv4/datagram.c: __ip4_datagram_connect() */
export function ip4DatagramConnect(sk: InetSock, addr: SockAddr, proto: number, autobind?: () => KErr | undefined): KErr | undefined {
  if (addr.family !== 2) {
    if ((addr.family as number) === 0) {
      // AF_UNSPEC: disconnect
      sk.inetDaddr = 0;
      sk.inetDport = 0;
      sk.state = 7;
      sk.dstMtu = undefined;
      return undefined;
    }
    return kerr("EAFNOSUPPORT");
  }
  const a = addr as SockAddrIn;
  const fl4 = {} as Flowi4;
  const rt = inetRouteDgram(sk, a.addr, proto, fl4, true);
  if (isKErr(rt)) return rt;
  // ip_route_connect(): without a source yet, the first lookup picks one and the flow is
  // looked up again from it — a source that cannot be one (a device's 255.255.255.255) is
  // EINVAL there
  let dst = rt;
  if (!sk.inetSaddr && fl4.saddr) {
    sk.inetSaddr = fl4.saddr;
    const again = inetRouteDgram(sk, a.addr, proto, {} as Flowi4, true);
    sk.inetSaddr = 0;
    if (isKErr(again)) return again;
    dst = again;
  }
  if (!sk.inetSaddr) sk.inetSaddr = fl4.saddr;
  if (!sk.inetRcvSaddr) sk.inetRcvSaddr = fl4.saddr;
  sk.inetDaddr = a.addr;
  sk.inetDport = a.port;
  sk.state = TCP_ESTABLISHED;
  // sk_dst_set(): the route stays cached on the socket
  sk.dstMtu = () => ipv4Mtu(dst);
  sk.inetId = sk.net.host.world.rng.u32() & 0xffff;
  if (autobind) return autobind();
  return undefined;
}
