/**
 * net/ipv4/raw.c: raw IP sockets (SOCK_RAW): delivery of a copy of every matching incoming
 * datagram (raw_local_deliver, with the ICMP_FILTER of ICMP sockets), their ICMP errors
 * (raw_icmp_error -> raw_err), and raw_sendmsg (IP_HDRINCL or not).
 */
import { inetAddrValidOrNonlocal } from "./inet_sock.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SockAddr, SockAddrIn, SockOpt } from "../uapi/socket.ts";
import { SO_EE_ORIGIN_ICMP, IP_PMTUDISC_DONT } from "../uapi/socket.ts";
import { kerr, isKErr, errnoNumbers, type KErr } from "../uapi/errno.ts";
import { RTN_MULTICAST, RTN_BROADCAST, RT_SCOPE_UNIVERSE } from "../uapi/rtnetlink.ts";
import { InetSock, TCP_ESTABLISHED } from "../socket/sock.ts";
import { inetRouteDgram, inetPushDgram, ip4DatagramConnect } from "../socket/inet_dgram.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { netSched } from "../core/dev_path.ts";
import { readU32, writeU16, writeU32 } from "../../wire/addr.ts";
import { ipSendCheck } from "../../wire/ipv4.ts";
import { ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_TIME_EXCEEDED, ICMP_SOURCE_QUENCH, ICMP_PARAMETERPROB, ICMP_REDIRECT, NR_ICMP_UNREACH } from "../../wire/icmp.ts";
import { type Flowi4, ipv4Mtu, inetIif } from "./route.ts";
import { inetAddrType } from "./devinet.ts";
import { ipSelectIdent, ipLocalOut, ipLocalOutErrno } from "./ip_output.ts";
import { icmpOutCount } from "./icmp.ts";
import { SkBuff as SkBuffCtor } from "../core/skbuff.ts";
import { copyBytes } from "../../wire/bytes.ts";

/** icmp_err_convert[]: errno and fatality of each DEST_UNREACH code */
export const ICMP_ERR_CONVERT: [number, boolean][] = [
  [errnoNumbers.ENETUNREACH, false], // NET_UNREACH
  [errnoNumbers.EHOSTUNREACH, false], // HOST_UNREACH
  [errnoNumbers.ENOPROTOOPT, true], // PROT_UNREACH
  [errnoNumbers.ECONNREFUSED, true], // PORT_UNREACH
  [errnoNumbers.EMSGSIZE, false], // FRAG_NEEDED
  [errnoNumbers.EOPNOTSUPP, false], // SR_FAILED
  [errnoNumbers.ENETUNREACH, true], // NET_UNKNOWN
  [errnoNumbers.EHOSTDOWN, true], // HOST_UNKNOWN
  [errnoNumbers.ENONET, true], // HOST_ISOLATED
  [errnoNumbers.ENETUNREACH, true], // NET_ANO
  [errnoNumbers.EHOSTUNREACH, true], // HOST_ANO
  [errnoNumbers.ENETUNREACH, false], // NET_UNR_TOS
  [errnoNumbers.EHOSTUNREACH, false], // HOST_UNR_TOS
  [errnoNumbers.EHOSTUNREACH, true], // PKT_FILTERED
  [errnoNumbers.EHOSTUNREACH, true], // PREC_VIOLATION
  [errnoNumbers.EHOSTUNREACH, true], // PREC_CUTOFF
];

const rawHash = new NetGeneric<RawSock[]>();
/** the raw sockets of a namespace (for /proc/net/raw) */
export function rawSockets(net: Net): readonly RawSock[] {
  return rawHash.get(net) ?? [];
}

function rawList(net: Net): RawSock[] {
  let l = rawHash.get(net);
  if (!l) rawHash.set(net, (l = []));
  return l;
}

/** a raw IPv4 socket */
export class RawSock extends InetSock {
  readonly type = 3;
  /** ICMP_FILTER: bit set = type filtered out */
  icmpFilter = 0;
  private readonly fl4 = {} as Flowi4;

  constructor(net: Net, protocol: number) {
    super(net, protocol);
    this.inetNum = protocol;
    this.inetSport = protocol;
    if (protocol === 255) this.hdrincl = true;
    rawList(net).push(this);
  }

  protected unhash(): void {
    const l = rawList(this.net);
    const i = l.indexOf(this);
    if (i >= 0) l.splice(i, 1);
  }

  /** net/ipv4/raw.c: raw_bind() */
  bind(addr: SockAddr): KErr | undefined {
    if (addr.family !== 2) return kerr("EINVAL");
    const a = addr as SockAddrIn;
    const t = inetAddrType(this.net, a.addr);
    if (!inetAddrValidOrNonlocal(this.net, a.addr, t)) return kerr("EADDRNOTAVAIL");
    this.inetRcvSaddr = this.inetSaddr = a.addr;
    if (t === RTN_MULTICAST || t === RTN_BROADCAST) this.inetSaddr = 0;
    return undefined;
  }

  connect(addr: SockAddr): KErr | undefined {
    return ip4DatagramConnect(this, addr, this.protocol);
  }

  protected override protoSetsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined {
    if (name === "ICMP_FILTER") {
      if (this.protocol !== 1) return kerr("EOPNOTSUPP");
      this.icmpFilter = typeof value === "number" ? value >>> 0 : 0;
      return undefined;
    }
    return kerr("ENOPROTOOPT");
  }

  override getsockopt(name: SockOpt): number | string | KErr {
    if (name === "ICMP_FILTER") return this.protocol === 1 ? this.icmpFilter : kerr("EOPNOTSUPP");
    return super.getsockopt(name);
  }

  /** net/ipv4/raw.c: raw_sendmsg() */
  sendto(data: Uint8Array, addr?: SockAddr): number | KErr {
    // no sock_error() here: raw datagrams are built by ip_append_data() with transhdrlen 0,
    // which allocates with sock_wmalloc() and never looks at sk_err (ping and UDP do)
    const len = data.length;
    if (len > 0xffff) return kerr("EMSGSIZE");
    let daddr: number;
    if (addr) {
      if (addr.family !== 2) return kerr("EAFNOSUPPORT");
      daddr = (addr as SockAddrIn).addr;
    } else {
      if (this.state !== TCP_ESTABLISHED) return kerr("ENOTCONN"); // EDESTADDRREQ is not in uapi/errno.ts yet
      daddr = this.inetDaddr;
    }
    const fl4 = this.fl4;
    const rt = inetRouteDgram(this, daddr, this.protocol, fl4);
    if (isKErr(rt)) return rt;
    if (this.hdrincl) return this.sendHdrinc(rt, fl4, data);
    return inetPushDgram(this, rt, fl4, this.protocol, data, len);
  }

  /** net/ipv4/raw.c: raw_send_hdrinc() */
  private sendHdrinc(rt: import("./route.ts").Rtable, fl4: Flowi4, data: Uint8Array): number | KErr {
    const len = data.length;
    const mtu = ipv4Mtu(rt);
    if (len > mtu) {
      // ip_local_error(sk, EMSGSIZE, fl4->daddr, inet->inet_dport, mtu)
      if (this.recverr) this.queueErr({ ee_errno: errnoNumbers.EMSGSIZE, ee_origin: 1, ee_type: 0, ee_code: 0, ee_info: mtu, ee_data: 0, payload: new Uint8Array(0) });
      return kerr("EMSGSIZE");
    }
    if (len < 20) return kerr("EINVAL");
    const skb = new SkBuffCtor(len);
    const o = skb.data;
    skb.networkHeader = o;
    skb.buf.set(data, o);
    const b = skb.buf;
    const ihl = (b[o]! & 0xf) << 2;
    if (ihl < 20 || ihl > len) return kerr("EINVAL");
    if (!readU32(b, o + 12)) writeU32(b, o + 12, fl4.saddr);
    writeU16(b, o + 2, len);
    if (!(b[o + 4]! | b[o + 5]!)) ipSelectIdent(this.net, skb, undefined);
    ipSendCheck(b, o);
    skb.transportHeader = o + ihl;
    skb.dst = rt;
    skb.dev = rt.dev;
    skb.sk = this;
    skb.mark = this.mark;
    if (b[o + 9] === 1 && len >= ihl + 1) icmpOutCount(this.net, b[o + ihl]!);
    ipLocalOut(this.net, skb);
    const err = ipLocalOutErrno(skb);
    if (err === -1) return kerr("EPERM");
    if (err === -105 && this.recverr) return kerr("ENOBUFS");
    return len;
  }
}

/** net/ipv4/raw.c: icmp_filter() */
function icmpFilter(sk: RawSock, skb: SkBuff): boolean {
  if (skb.tail - skb.transportHeader < 1) return true;
  const type = skb.buf[skb.transportHeader]!;
  if (type < 32) return ((sk.icmpFilter >>> type) & 1) !== 0;
  return false;
}

/** net/ipv4/raw.c: raw_v4_match() */
function rawV4Match(sk: RawSock, num: number, raddr: number, laddr: number, dif: number): boolean {
  return sk.inetNum === num && !(sk.inetDaddr && sk.inetDaddr !== raddr) &&
    !(sk.inetRcvSaddr && sk.inetRcvSaddr !== laddr) && (!sk.boundDevIf || sk.boundDevIf === dif);
}

/** net/ipv4/raw.c: raw_local_deliver() / raw_v4_input(): true when some raw socket took a copy */
export function rawLocalDeliver(skb: SkBuff, protocol: number): boolean {
  const l = rawHash.get(skb.dev!.net);
  if (l === undefined || l.length === 0) return false;
  const b = skb.buf;
  const n = skb.networkHeader;
  const saddr = readU32(b, n + 12);
  const daddr = readU32(b, n + 16);
  const dif = inetIif(skb);
  let delivered = false;
  for (const sk of l) {
    if (!rawV4Match(sk, protocol, saddr, daddr, dif)) continue;
    delivered = true;
    if (protocol === 1 && icmpFilter(sk, skb)) continue;
    rawRcv(sk, skb);
  }
  return delivered;
}

/** net/ipv4/raw.c: raw_rcv() / raw_rcv_skb(): queue a copy from the IP header on */
function rawRcv(sk: RawSock, skb: SkBuff): void {
  const n = skb.networkHeader;
  const data = copyBytes(skb.buf.subarray(n, skb.tail));
  const ok = sk.queueRcv({
    data,
    from: { family: 2, addr: readU32(skb.buf, n + 12), port: 0 },
    ttl: sk.recvttl ? skb.buf[n + 8] : undefined,
    ifindex: skb.skbIif || skb.dev?.ifindex,
    stamp: skb.tstamp || netSched(sk.net).now,
  });
  if (!ok) kfreeSkbReason(skb.copy(), "SKB_DROP_REASON_SOCKET_RCVBUFF", "raw_rcv");
}

/** net/ipv4/raw.c: raw_icmp_error(): skb.data at the ICMP header, the quoted IP header after it */
export function rawIcmpError(skb: SkBuff, protocol: number, info: number): void {
  const l = rawHash.get(skb.dev!.net);
  if (l === undefined || l.length === 0) return;
  const b = skb.buf;
  const inner = skb.data + 8;
  // the quoted datagram went from us (saddr) to daddr
  const daddr = readU32(b, inner + 16);
  const saddr = readU32(b, inner + 12);
  // skb->dev->ifindex, where raw_v4_input() takes inet_iif(): an error looped back over lo
  // does not reach a socket bound to another device
  const dif = skb.dev!.ifindex;
  for (const sk of l) {
    if (!rawV4Match(sk, protocol, daddr, saddr, dif)) continue;
    rawErr(sk, skb, info);
  }
}

/** net/ipv4/raw.c: raw_err() */
function rawErr(sk: RawSock, skb: SkBuff, info: number): void {
  const b = skb.buf;
  const o = skb.data;
  const type = b[o]!;
  const code = b[o + 1]!;
  if (type === ICMP_REDIRECT) return;
  if (!sk.recverr && sk.state !== TCP_ESTABLISHED) return;
  let err: number;
  let harderr = false;
  switch (type) {
    case ICMP_SOURCE_QUENCH:
      return;
    case ICMP_PARAMETERPROB:
      err = errnoNumbers.EPROTO;
      harderr = true;
      break;
    case ICMP_DEST_UNREACH:
      err = errnoNumbers.EHOSTUNREACH;
      if (code > NR_ICMP_UNREACH) break;
      if (code === ICMP_FRAG_NEEDED) {
        harderr = sk.pmtudisc !== IP_PMTUDISC_DONT;
        err = errnoNumbers.EMSGSIZE;
      } else {
        err = ICMP_ERR_CONVERT[code]![0];
        harderr = ICMP_ERR_CONVERT[code]![1];
      }
      break;
    case ICMP_TIME_EXCEEDED:
    default:
      err = errnoNumbers.EHOSTUNREACH;
      break;
  }
  if (sk.recverr) {
    const inner = o + 8;
    const ihl = (b[inner]! & 0xf) << 2;
    const payloadOff = sk.hdrincl ? inner : inner + ihl;
    ipIcmpError(sk, skb, err, 0, info, payloadOff);
  }
  if (sk.recverr || harderr) {
    sk.skErr = { errno: errnoName(err) };
    sk.dataReady();
  }
}

/** net/ipv4/ip_sockglue.c: ip_icmp_error(): queue on the error queue; `payloadOff` is where
 * the returned data starts in skb.buf */
export function ipIcmpError(sk: InetSock, skb: SkBuff, err: number, _port: number, info: number, payloadOff: number): void {
  const b = skb.buf;
  sk.queueErr({
    ee_errno: err,
    ee_origin: SO_EE_ORIGIN_ICMP,
    ee_type: b[skb.data]!,
    ee_code: b[skb.data + 1]!,
    ee_info: info,
    ee_data: 0,
    offender: readU32(b, skb.networkHeader + 12),
    payload: b.slice(payloadOff, skb.tail),
    ttl: b[skb.networkHeader + 8]!,
    port: _port,
  });
}

export function errnoName(n: number): import("../uapi/errno.ts").Errno {
  for (const [k, v] of Object.entries(errnoNumbers)) if (v === n) return k as import("../uapi/errno.ts").Errno;
  return "EIO";
}

export { RT_SCOPE_UNIVERSE };
