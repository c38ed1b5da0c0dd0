/**
 * net/ipv6/ping.c: ICMPv6 "ping" sockets (SOCK_DGRAM, IPPROTO_ICMPV6) and the datagram
 * socket half of net/ipv6/datagram.c they stand on (ip6_datagram_connect(), the source a
 * connect picks): the kernel owns the echo identifier, checksums what is sent and delivers
 * echo replies by identifier, with the hop limit (IPV6_RECVHOPLIMIT). (UDP's
 * socket on the same base is udp.ts's Udp6Sock.)
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SockAddr, SockAddrIn6, SockOpt, SockExtendedErr } from "../uapi/socket.ts";
import { errnoName } from "../ipv4/raw.ts";
import { kerr, isKErr, errnoNumbers, type KErr, type Errno } from "../uapi/errno.ts";
import { SO_EE_ORIGIN_LOCAL } from "../uapi/socket.ts";
import { InetSock, TCP_ESTABLISHED } from "../socket/sock.ts";
import { pingGetPort, portHash, skDelNode, type PortHash } from "../socket/inet_dgram.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { netRng, netSched } from "../core/dev_path.ts";
import { copyBytes } from "../../wire/bytes.ts";
import { devInet6, ipv6AddrNeedsScopeId, ipv6ChkAddr } from "./addrconf.ts";
import { ip6DstLookup, ip6DstMtu, type Dst6 } from "./route.ts";
import {
  ip6LocalOut, icmpv6Csum, NEXTHDR_ICMP, IPV6_HDRLEN, ipv6AddrAny as isAny, in6addrLoopback, ipv6AddrIsMulticast as isMulticast,
  ipv6AddrV4Mapped as isV4Mapped,
} from "./ip6_output.ts";
import { ipv6Stats, icmp6MsgOutInc } from "./proc.ts";

/** include/uapi/linux/in6.h: IPV6_PMTUDISC_* */
const IPV6_PMTUDISC_DO = 2;
const IPV6_PMTUDISC_PROBE = 3;
const IPV6_PMTUDISC_OMIT = 5;

export const AF_INET6_NUM = 10;
export const ICMPV6_ECHO_REQUEST = 128;
export const ICMPV6_ECHO_REPLY = 129;


/** the hop limit of a packet out of `dev` (ip6_dst_hoplimit(): the device's hop_limit) */
export function ip6DstHoplimit(dev: NetDevice): number {
  const v = devInet6(dev)?.cnf.get("hop_limit");
  return v === undefined ? 64 : Number(v);
}

/** an AF_INET6 datagram socket's addresses and IPv6 options (struct ipv6_pinfo, reduced) */
export abstract class Inet6DgramSock extends InetSock {
  /** the destination of a send: the address given (AF_INET6 only), else the connected one
   * (`unconnected` without one: ping says EDESTADDRREQ, raw ENOTCONN) */
  protected sendDest(addr: SockAddr | undefined, unconnected: "EDESTADDRREQ" | "ENOTCONN"): { daddr: Uint8Array; scopeId: number } | KErr {
    if (addr) {
      if (addr.family !== AF_INET6_NUM) return kerr("EAFNOSUPPORT");
      return { daddr: (addr as SockAddrIn6).addr6, scopeId: (addr as SockAddrIn6).scopeId };
    }
    if (this.state !== TCP_ESTABLISHED) return kerr(unconnected);
    return { daddr: this.daddr6, scopeId: this.scope };
  }

  /** icmpv6_push_pending_frames() / rawv6_send_hdrinc()'s ICMPv6 part: the checksum over the
   * pseudo-header, ICMP6MSGOUT_INC_STATS + ICMP6_MIB_OUTMSGS, then ip6_local_out() */
  protected sendIcmp6(daddr: Uint8Array, dst: Dst6, b: Uint8Array): number | KErr {
    const len = b.length;
    const big = this.appendDataMtu(dst, len, 0);
    if (big) return big;
    if (len >= 4) {
      b[2] = 0;
      b[3] = 0;
      const csum = icmpv6Csum(b, 0, len, dst.saddr, daddr);
      b[2] = csum >>> 8;
      b[3] = csum & 0xff;
    }
    const st = ipv6Stats(this.net);
    if (len > 0) icmp6MsgOutInc(st, b[0]!);
    st.icmp.OutMsgs++;
    const r = ip6LocalOut(dst, daddr, NEXTHDR_ICMP, this.sendHops(daddr, dst), b, this.tos, this.pmtudisc >= IPV6_PMTUDISC_PROBE);
    // (-1: a netfilter hook dropped it, nf_hook_slow()'s -EPERM)
    return r < 0 ? kerr(r === -1 ? "EPERM" : "EINVAL") : len;
  }

  /**
   * ip6_setup_cork() / __ip6_append_data(): the MTU (the device's with IPV6_PMTUDISC_PROBE);
   * a socket that may not fragment (ip6_sk_ignore_df() false: IPV6_PMTUDISC_DO or PROBE)
   * refuses a datagram of `len` bytes (its transport header included) the MTU does not take,
   * with a local error carrying that MTU (ipv6_local_error(), for `dport`)
   */
  protected appendDataMtu(dst: Dst6, len: number, dport: number): KErr | undefined {
    const mtu = this.pmtudisc === IPV6_PMTUDISC_PROBE ? dst.dev.mtu : ip6DstMtu(dst);
    const ignoreDf = this.pmtudisc < IPV6_PMTUDISC_DO || this.pmtudisc === IPV6_PMTUDISC_OMIT;
    const maxnonfrag = ignoreDf ? IPV6_HDRLEN + 0xffff : mtu;
    if (len <= maxnonfrag - IPV6_HDRLEN) return undefined;
    this.localError("EMSGSIZE", mtu, dport);
    return kerr("EMSGSIZE");
  }

  /** net/ipv6/datagram.c: ipv6_local_error() (IPV6_RECVERR only) */
  protected localError(err: Errno, info: number, dport: number): void {
    if (!this.recverr6) return;
    this.queueErr({ ee_errno: errnoNumbers[err], ee_origin: SO_EE_ORIGIN_LOCAL, ee_type: 0, ee_code: 0, ee_info: info, ee_data: 0, payload: new Uint8Array(0), port: dport });
  }

  /** ip6_sk_dst_hoplimit(): IPV6_MULTICAST_HOPS (1 unset) to a group, else IPV6_UNICAST_HOPS
   * or the route's (the address's device for a local destination sent through lo) */
  protected sendHops(daddr: Uint8Array, dst: Dst6): number {
    if (isMulticast(daddr)) return this.mcastHops < 0 ? 1 : this.mcastHops;
    return this.hopLimit < 0 ? ip6DstHoplimit(dst.dev === this.net.loopbackDev ? dst.rt.dev : dst.dev) : this.hopLimit;
  }

  override readonly family: number = AF_INET6_NUM;
  saddr6 = new Uint8Array(16);
  rcvSaddr6 = new Uint8Array(16);
  daddr6 = new Uint8Array(16);
  /** sk_bound_dev_if of a connected link-local destination (sin6_scope_id) */
  scope = 0;
  hopLimit = -1;
  mcastHops = -1;
  recvHoplimit = false;
  recverr6 = false;
  mcastLoop6 = true;

  override getsockname(): SockAddr | KErr {
    const a = isAny(this.rcvSaddr6) ? this.saddr6 : this.rcvSaddr6;
    const ll = ipv6AddrNeedsScopeId(a);
    return { family: AF_INET6_NUM, addr6: a.slice(), port: this.inetSport, scopeId: ll ? this.boundDevIf || this.scope : 0 };
  }

  override getpeername(): SockAddr | KErr {
    if (this.state !== TCP_ESTABLISHED) return kerr("ENOTCONN");
    return { family: AF_INET6_NUM, addr6: this.daddr6.slice(), port: this.inetDport, scopeId: ipv6AddrNeedsScopeId(this.daddr6) ? this.scope : 0 };
  }

  /** do_ipv6_setsockopt() for what ping sets; the rest as sock_setsockopt() */
  override setsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined {
    const v = typeof value === "boolean" ? (value ? 1 : 0) : typeof value === "number" ? value : 0;
    switch (name) {
      case "IPV6_RECVERR":
        this.recverr6 = v !== 0;
        return undefined;
      case "IPV6_RECVHOPLIMIT":
        this.recvHoplimit = v !== 0;
        return undefined;
      case "IPV6_UNICAST_HOPS":
        if (v < -1 || v > 255) return kerr("EINVAL");
        this.hopLimit = v;
        return undefined;
      case "IPV6_MULTICAST_HOPS":
        if (v < -1 || v > 255) return kerr("EINVAL");
        this.mcastHops = v === -1 ? 1 : v;
        return undefined;
      case "IPV6_MULTICAST_LOOP":
        if (v !== 0 && v !== 1) return kerr("EINVAL");
        this.mcastLoop6 = v === 1;
        return undefined;
      case "IPV6_MTU_DISCOVER":
        if (v < 0 || v > 5) return kerr("EINVAL");
        this.pmtudisc = v;
        return undefined;
      case "IPV6_TCLASS":
        if (v < -1 || v > 0xff) return kerr("EINVAL");
        this.tos = v === -1 ? 0 : v;
        return undefined;
      case "IPV6_PKTINFO":
      case "ICMP6_FILTER":
        return undefined;
      case "IPV6_RTHDR":
        // do_ipv6_setsockopt(): only a type 2 (Mobile IPv6) or segment routing header may be
        // sticky — a type 0 one is EINVAL (those two are not modelled: EINVAL as well); an
        // empty one removes it
        return value instanceof Uint8Array && value.length === 0 ? undefined : kerr("EINVAL");
      case "IP_TTL":
      case "IP_TOS":
      case "IP_RECVERR":
      case "IP_RECVTTL":
      case "IP_MTU_DISCOVER":
      case "IP_MULTICAST_TTL":
      case "IP_MULTICAST_LOOP":
      case "IP_OPTIONS":
        return kerr("ENOPROTOOPT");
    }
    return super.setsockopt(name, value);
  }

  /** the output device a send names (sin6_scope_id, else the bound one); a ping socket
   * refuses a link-local destination without one (`strict`), a raw socket sends it through
   * the route the lookup finds */
  protected flowOif(scopeId: number, daddr: Uint8Array, strict = true): { oif: NetDevice | undefined } | KErr {
    let oif = 0;
    if (ipv6AddrNeedsScopeId(daddr)) oif = scopeId;
    if (strict && oif && this.boundDevIf && oif !== this.boundDevIf) return kerr("EINVAL");
    if (!oif) oif = this.boundDevIf || (ipv6AddrNeedsScopeId(daddr) ? this.scope : 0);
    if (strict && ipv6AddrNeedsScopeId(daddr) && !oif) return kerr("EINVAL");
    const dev = oif ? this.net.devByIndex.get(oif) : undefined;
    if (oif && !dev) return kerr("ENODEV");
    return { oif: dev };
  }

  /** net/ipv6/datagram.c: __ip6_datagram_connect() */
  override connect(addr: SockAddr): KErr | undefined {
    if ((addr.family as number) === 0) {
      this.daddr6 = new Uint8Array(16);
      this.inetDport = 0;
      this.state = 7;
      return undefined;
    }
    if (addr.family !== AF_INET6_NUM) return kerr("EAFNOSUPPORT");
    const a = addr as SockAddrIn6;
    let daddr = a.addr6;
    // connect to :: is a connect to the loopback address
    if (isAny(daddr)) daddr = in6addrLoopback();
    if (isV4Mapped(daddr)) return kerr("ENETUNREACH");
    if (ipv6AddrNeedsScopeId(daddr)) {
      if (a.scopeId) {
        if (this.boundDevIf && this.boundDevIf !== a.scopeId) return kerr("EINVAL");
        this.scope = a.scopeId;
      }
      if (!this.boundDevIf && !this.scope && !isMulticast(daddr)) return kerr("EINVAL");
    }
    const oifIdx = this.boundDevIf || (ipv6AddrNeedsScopeId(daddr) ? this.scope : 0);
    const oif = oifIdx ? this.net.devByIndex.get(oifIdx) : undefined;
    const dst = ip6DstLookup(this.net, daddr, oif, isAny(this.saddr6) ? undefined : this.saddr6);
    if (isKErr(dst)) return dst;
    if (isAny(this.saddr6)) this.saddr6 = dst.saddr.slice();
    if (isAny(this.rcvSaddr6)) this.rcvSaddr6 = dst.saddr.slice();
    const e = this.autobind();
    if (e) return e;
    this.daddr6 = daddr.slice();
    this.inetDport = a.port;
    this.state = TCP_ESTABLISHED;
    return undefined;
  }

  /** inet_autobind() where the protocol has one */
  protected autobind(): KErr | undefined {
    return undefined;
  }

  /** net/ipv6/af_inet6.c: __inet6_bind(): one of ours (on the scope's device for a
   * link-local one) or :: */
  protected bindAddr(a: SockAddrIn6): KErr | undefined {
    if (!isAny(a.addr6) && !isMulticast(a.addr6)) {
      let dev: NetDevice | undefined;
      if (ipv6AddrNeedsScopeId(a.addr6)) {
        if (a.scopeId) {
          if (this.boundDevIf && this.boundDevIf !== a.scopeId) return kerr("EINVAL");
          this.boundDevIf = a.scopeId;
        }
        if (!this.boundDevIf) return kerr("EINVAL");
        dev = this.net.devByIndex.get(this.boundDevIf);
        if (!dev) return kerr("ENODEV");
      }
      if (!ipv6ChkAddr(this.net, a.addr6, dev)) return kerr("EADDRNOTAVAIL");
    }
    this.rcvSaddr6 = a.addr6.slice();
    if (!isMulticast(a.addr6)) this.saddr6 = a.addr6.slice();
    return undefined;
  }
}

const pingTables = new NetGeneric<PortHash<Ping6Sock>>();
const pingTable = (net: Net): PortHash<Ping6Sock> => portHash(pingTables, net);

export class Ping6Sock extends Inet6DgramSock {
  readonly type = 2;

  constructor(net: Net) {
    super(net, 58);
  }

  protected unhash(): void {
    if (this.inetNum) skDelNode(pingTable(this.net), this.inetNum, this);
  }

  /** net/ipv4/ping.c: ping_get_port() (shared by both families there; one table each here) */
  private getPort(ident: number): KErr | undefined {
    return pingGetPort(pingTable(this.net), this, ident, netRng(this.net));
  }

  protected override autobind(): KErr | undefined {
    return this.inetNum ? undefined : this.getPort(0);
  }

  /** net/ipv4/ping.c: ping_bind() for AF_INET6 (ping_check_bind_addr()) */
  bind(addr: SockAddr): KErr | undefined {
    if (addr.family !== AF_INET6_NUM) return kerr("EAFNOSUPPORT");
    const a = addr as SockAddrIn6;
    if (this.inetNum) return kerr("EINVAL");
    const e = this.bindAddr(a);
    if (e) return e;
    return this.getPort(a.port);
  }

  /** net/ipv6/ping.c: ping_v6_sendmsg() */
  sendto(data: Uint8Array, addr?: SockAddr): number | KErr {
    const len = data.length;
    if (len > 0xffff) return kerr("EMSGSIZE");
    // ping_common_sendmsg(): an echo request, code 0
    if (len < 8 || data[0] !== ICMPV6_ECHO_REQUEST || data[1] !== 0) return kerr("EINVAL");
    const to = this.sendDest(addr, "EDESTADDRREQ");
    if (isKErr(to)) return to;
    const { daddr, scopeId } = to;
    if (isV4Mapped(daddr)) return kerr("EINVAL");
    const f = this.flowOif(scopeId, daddr);
    if (isKErr(f)) return f;
    if (!this.inetNum) {
      const e = this.getPort(0);
      if (e) return e;
    }
    const dst = ip6DstLookup(this.net, daddr, f.oif, isAny(this.saddr6) ? undefined : this.saddr6);
    if (isKErr(dst)) return dst;
    const pending = this.sockError();
    if (pending) return pending;
    const b = copyBytes(data);
    b[4] = this.inetSport >>> 8;
    b[5] = this.inetSport & 0xff;
    return this.sendIcmp6(daddr, dst, b);
  }

  /** ping_queue_rcv_skb(): the ICMPv6 message, its sender, the hop limit it came with */
  deliver(skb: SkBuff, t: number, len: number, saddr: Uint8Array, dev: NetDevice): boolean {
    const hop = skb.buf[skb.networkHeader + 7]!;
    return this.queueRcv({
      data: copyBytes(skb.buf.subarray(t, t + len)),
      from: { family: AF_INET6_NUM, addr6: saddr, port: 0, scopeId: ipv6AddrNeedsScopeId(saddr) ? dev.ifindex : 0 },
      ttl: this.recvHoplimit ? hop : undefined,
      ifindex: dev.ifindex,
      stamp: skb.tstamp || netSched(this.net).now,
    });
  }
}

/** net/ipv4/ping.c: ping_lookup() for an IPv6 packet */
function ping6Lookup(net: Net, ident: number, daddr: Uint8Array, dif: number): Ping6Sock | undefined {
  const l = pingTables.get(net)?.get(ident);
  if (!l) return undefined;
  for (const sk of l) {
    if (!isAny(sk.rcvSaddr6) && !sk.rcvSaddr6.every((x, i) => x === daddr[i])) continue;
    if (sk.boundDevIf && sk.boundDevIf !== dif) continue;
    return sk;
  }
  return undefined;
}

/** net/ipv4/ping.c: ping_rcv() of an ICMPv6 echo reply (`t`: its header, `len` bytes) */
export function ping6Rcv(skb: SkBuff, dev: NetDevice, t: number, len: number, saddr: Uint8Array, daddr: Uint8Array): void {
  const ident = (skb.buf[t + 4]! << 8) | skb.buf[t + 5]!;
  const sk = ping6Lookup(dev.net, ident, daddr, dev.ifindex);
  if (!sk) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NO_SOCKET", "ping_rcv");
    return;
  }
  if (!sk.deliver(skb, t, len, saddr, dev)) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_SOCKET_RCVBUFF", "ping_rcv");
    return;
  }
  consumeSkb(skb);
}

const rawSocks = new NetGeneric<Set<Raw6Sock>>();

/**
 * net/ipv6/raw.c: an ICMPv6 raw socket (SOCK_RAW, IPPROTO_ICMPV6), what ping uses with
 * CAP_NET_RAW: it sends the ICMPv6 message it is given (the kernel checksums it, as it always
 * does for ICMPv6), and gets a copy of each ICMPv6 message the namespace receives that its
 * ICMP6_FILTER passes, without the IPv6 header (the hop limit in IPV6_HOPLIMIT).
 */
export class Raw6Sock extends Inet6DgramSock {
  /** net/ipv6/raw.c: rawv6_err(): an ICMPv6 error about a packet this socket could have
   * sent (`inner`: its transport part) */
  err(e: SockExtendedErr, harderr: boolean): void {
    if (!this.recverr6 && this.state !== TCP_ESTABLISHED) return;
    if (this.recverr6) this.queueErr(e);
    if (this.recverr6 || harderr) {
      this.skErr = { errno: errnoName(e.ee_errno) };
      this.dataReady();
    }
  }

  readonly type = 3;
  /** struct icmp6_filter: a set bit blocks its type (bit t of byte t >> 3) */
  private filter = new Uint8Array(32);

  constructor(net: Net) {
    super(net, 58);
    this.inetNum = 58;
    let s = rawSocks.get(net);
    if (!s) rawSocks.set(net, (s = new Set()));
    s.add(this);
  }

  protected unhash(): void {
    rawSocks.get(this.net)?.delete(this);
  }

  override getsockname(): SockAddr | KErr {
    const r = super.getsockname();
    if (!isKErr(r)) (r as SockAddrIn6).port = 0;
    return r;
  }

  override setsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined {
    if (name === "ICMP6_FILTER") {
      if (!(value instanceof Uint8Array)) return kerr("EINVAL");
      this.filter = new Uint8Array(32);
      this.filter.set(value.subarray(0, 32));
      return undefined;
    }
    return super.setsockopt(name, value);
  }

  /** net/ipv6/raw.c: rawv6_bind() */
  bind(addr: SockAddr): KErr | undefined {
    if (addr.family !== AF_INET6_NUM) return kerr("EINVAL");
    return this.bindAddr(addr as SockAddrIn6);
  }

  /** net/ipv6/raw.c: rawv6_sendmsg() of an ICMPv6 message */
  sendto(data: Uint8Array, addr?: SockAddr): number | KErr {
    const len = data.length;
    if (len > 0xffff) return kerr("EMSGSIZE");
    const to = this.sendDest(addr, "ENOTCONN");
    if (isKErr(to)) return to;
    const { daddr, scopeId } = to;
    const f = this.flowOif(scopeId, daddr, false);
    if (isKErr(f)) return f;
    const dst = ip6DstLookup(this.net, daddr, f.oif, isAny(this.saddr6) ? undefined : this.saddr6);
    if (isKErr(dst)) return dst;
    return this.sendIcmp6(daddr, dst, copyBytes(data));
  }

  /** raw6_local_deliver() -> rawv6_rcv(): a copy of an ICMPv6 message for this socket? */
  match(type: number, saddr: Uint8Array, daddr: Uint8Array, dif: number): boolean {
    if (this.filter[type >> 3]! & (1 << (type & 7))) return false;
    if (this.boundDevIf && this.boundDevIf !== dif) return false;
    if (!isAny(this.rcvSaddr6) && !this.rcvSaddr6.every((x, i) => x === daddr[i])) return false;
    if (this.state === TCP_ESTABLISHED && !this.daddr6.every((x, i) => x === saddr[i])) return false;
    return true;
  }

  deliverCopy(skb: SkBuff, t: number, len: number, saddr: Uint8Array, dev: NetDevice): void {
    const hop = skb.buf[skb.networkHeader + 7]!;
    this.queueRcv({
      data: copyBytes(skb.buf.subarray(t, t + len)),
      from: { family: AF_INET6_NUM, addr6: saddr.slice(), port: 0, scopeId: ipv6AddrNeedsScopeId(saddr) ? dev.ifindex : 0 },
      ttl: this.recvHoplimit ? hop : undefined,
      ifindex: dev.ifindex,
      stamp: skb.tstamp || netSched(this.net).now,
    });
  }
}

/** net/ipv6/raw.c: raw6_icmp_error(): the raw sockets the offending packet may have come
 * from (their bound and connected addresses against its source and destination) */
export function raw6IcmpError(net: Net, inner: { saddr: Uint8Array; daddr: Uint8Array; dif: number }, e: SockExtendedErr, harderr: boolean): void {
  const s = rawSocks.get(net);
  if (!s) return;
  for (const sk of s) {
    if (sk.closed) continue;
    if (sk.boundDevIf && sk.boundDevIf !== inner.dif) continue;
    if (!isAny(sk.rcvSaddr6) && !sk.rcvSaddr6.every((x, i) => x === inner.saddr[i])) continue;
    if (sk.state === TCP_ESTABLISHED && !sk.daddr6.every((x, i) => x === inner.daddr[i])) continue;
    sk.err({ ...e, payload: e.payload.slice() }, harderr);
  }
}

/** net/ipv6/raw.c: raw6_local_deliver() for ICMPv6: every raw socket that wants it gets a copy */
export function raw6LocalDeliver(skb: SkBuff, dev: NetDevice, t: number, len: number, saddr: Uint8Array, daddr: Uint8Array): void {
  const s = rawSocks.get(dev.net);
  if (!s || !s.size) return;
  const type = skb.buf[t]!;
  for (const sk of s) if (!sk.closed && sk.match(type, saddr, daddr, dev.ifindex)) sk.deliverCopy(skb, t, len, saddr, dev);
}
