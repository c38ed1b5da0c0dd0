/**
 * net/ipv4/ping.c: ICMP "ping" sockets (SOCK_DGRAM, IPPROTO_ICMP), allowed by
 * net.ipv4.ping_group_range: the kernel owns the echo identifier (the socket's port),
 * checks and checksums what is sent, delivers echo replies by identifier and the ICMP errors
 * about our echo requests.
 */
import { inetAddrValidOrNonlocal } from "./inet_sock.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { copyBytes } from "../../wire/bytes.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SockAddr, SockAddrIn } from "../uapi/socket.ts";
import { IP_PMTUDISC_DONT } from "../uapi/socket.ts";
import { kerr, isKErr, errnoNumbers, type KErr } from "../uapi/errno.ts";
import { RTN_MULTICAST, RTN_BROADCAST } from "../uapi/rtnetlink.ts";
import { InetSock, TCP_ESTABLISHED } from "../socket/sock.ts";
import {
  pingGetPort,
  inetRouteDgram, inetPushDgram, ip4DatagramConnect, portHash, skDelNode, dgramQueueRcv, type PortHash,
} from "../socket/inet_dgram.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { netRng } from "../core/dev_path.ts";
import { readU16, readU32, writeU16 } from "../../wire/addr.ts";
import { ipComputeCsum } from "../../wire/checksum.ts";
import {
  ICMP_ECHO, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_TIME_EXCEEDED, ICMP_SOURCE_QUENCH,
  ICMP_PARAMETERPROB, ICMP_REDIRECT, NR_ICMP_UNREACH,
} from "../../wire/icmp.ts";
import { type Flowi4, inetIif } from "./route.ts";
import { inetAddrType } from "./devinet.ts";
import { ipv4Sysctl } from "./icmp.ts";
import { ipIcmpError, ICMP_ERR_CONVERT, errnoName } from "./raw.ts";

const pingTables = new NetGeneric<PortHash<PingSock>>();
function pingTable(net: Net): PortHash<PingSock> {
  return portHash(pingTables, net);
}

/** net/ipv4/ping.c: ping_group_range check (the caller is root: gid 0) */
export function pingAllowed(net: Net, gid = 0): boolean {
  const [lo, hi] = ipv4Sysctl(net).pingGroupRange;
  return gid >= lo && gid <= hi;
}

export class PingSock extends InetSock {
  readonly type = 2;
  private readonly fl4 = {} as Flowi4;
  private scratch = new Uint8Array(128);

  constructor(net: Net) {
    super(net, 1);
  }

  protected unhash(): void {
    if (this.inetNum) skDelNode(pingTable(this.net), this.inetNum, this);
  }

  /** net/ipv4/ping.c: ping_get_port(): ident 0 picks the next free one */
  private getPort(ident: number): KErr | undefined {
    return pingGetPort(pingTable(this.net), this, ident, netRng(this.net));
  }

  /** net/ipv4/ping.c: ping_bind() */
  bind(addr: SockAddr): KErr | undefined {
    if (addr.family !== 2) return kerr("EAFNOSUPPORT");
    const a = addr as SockAddrIn;
    const t = inetAddrType(this.net, a.addr);
    if (!inetAddrValidOrNonlocal(this.net, a.addr, t)) return kerr("EADDRNOTAVAIL");
    if (this.inetNum) return kerr("EINVAL");
    const e = this.getPort(a.port);
    if (e) return e;
    this.inetRcvSaddr = this.inetSaddr = a.addr;
    if (t === RTN_MULTICAST || t === RTN_BROADCAST) this.inetSaddr = 0;
    return undefined;
  }

  connect(addr: SockAddr): KErr | undefined {
    return ip4DatagramConnect(this, addr, 1, () => (this.inetNum ? undefined : this.getPort(0)));
  }

  /** net/ipv4/ping.c: ping_v4_sendmsg() */
  sendto(data: Uint8Array, addr?: SockAddr): number | KErr {
    const len = data.length;
    if (len > 0xffff) return kerr("EMSGSIZE");
    if (len < 8 || data[0] !== ICMP_ECHO || data[1] !== 0) return kerr("EINVAL");
    let daddr: number;
    if (addr) {
      if (addr.family !== 2) return kerr("EAFNOSUPPORT");
      daddr = (addr as SockAddrIn).addr;
    } else {
      if (this.state !== TCP_ESTABLISHED) return kerr("ENOTCONN");
      daddr = this.inetDaddr;
    }
    if (!this.inetNum) {
      const e = this.getPort(0);
      if (e) return e;
    }
    const fl4 = this.fl4;
    const rt = inetRouteDgram(this, daddr, 1, fl4);
    if (isKErr(rt)) return rt;
    const pending = this.sockError();
    if (pending) return pending;
    if (this.scratch.length < len) this.scratch = new Uint8Array(len * 2);
    const b = this.scratch;
    b.set(data);
    writeU16(b, 4, this.inetSport); // the kernel's ident
    b[2] = 0;
    b[3] = 0;
    writeU16(b, 2, ipComputeCsum(b, 0, len));
    return inetPushDgram(this, rt, fl4, 1, b, len, 0, true);
  }

  /** ping_queue_rcv_skb(): the ICMP message without the IP header */
  deliver(skb: SkBuff): boolean {
    return dgramQueueRcv(this, skb, copyBytes(skb.buf.subarray(skb.transportHeader, skb.tail)), 0);
  }
}

/** net/ipv4/ping.c: ping_lookup() */
function pingLookup(net: Net, ident: number, daddr: number, dif: number): PingSock | undefined {
  const l = pingTables.get(net)?.get(ident);
  if (!l) return undefined;
  for (const sk of l) {
    if (sk.inetRcvSaddr && sk.inetRcvSaddr !== daddr) continue;
    if (sk.boundDevIf && sk.boundDevIf !== dif) continue;
    return sk;
  }
  return undefined;
}

/** net/ipv4/ping.c: ping_rcv(): an echo reply for a ping socket (skb.data at the ICMP header) */
export function pingRcv(skb: SkBuff): void {
  const net = skb.dev!.net;
  const ident = readU16(skb.buf, skb.data + 4);
  const sk = pingLookup(net, ident, readU32(skb.buf, skb.networkHeader + 16), inetIif(skb));
  if (!sk) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NO_SOCKET", "ping_rcv");
    return;
  }
  if (!sk.deliver(skb)) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_SOCKET_RCVBUFF", "ping_rcv");
    return;
  }
  consumeSkb(skb);
}

/** net/ipv4/ping.c: ping_err(): an ICMP error about one of our echo requests */
export function pingErr(skb: SkBuff, info: number): void {
  const net = skb.dev!.net;
  const b = skb.buf;
  const o = skb.data;
  const inner = o + 8;
  const ihl = (b[inner]! & 0xf) << 2;
  const icmph = inner + ihl;
  if (skb.tail < icmph + 8) return;
  const ident = readU16(b, icmph + 4);
  const sk = pingLookup(net, ident, readU32(b, inner + 12), inetIif(skb));
  if (!sk) return;
  const type = b[o]!;
  const code = b[o + 1]!;
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
        err = errnoNumbers.EMSGSIZE;
        harderr = sk.pmtudisc !== IP_PMTUDISC_DONT;
      } else {
        err = errnoNumbers.EHOSTUNREACH;
        if (code <= NR_ICMP_UNREACH) {
          harderr = ICMP_ERR_CONVERT[code]![1];
          err = ICMP_ERR_CONVERT[code]![0];
        }
      }
      break;
    case ICMP_REDIRECT:
      err = errnoNumbers.EIO; // EREMOTEIO is not in uapi/errno.ts
      break;
  }
  if (!sk.recverr) {
    if (!harderr || sk.state !== TCP_ESTABLISHED) return;
  } else {
    ipIcmpError(sk, skb, err, 0, info, icmph);
  }
  sk.skErr = { errno: errnoName(err) };
  sk.dataReady();
}
