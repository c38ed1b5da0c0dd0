/**
 * net/packet/af_packet.c: AF_PACKET sockets (SOCK_RAW: whole frames; SOCK_DGRAM: without the
 * link-layer header) for arping, tcpdump-like taps: a packet_type registered on the
 * namespace's taps (ETH_P_ALL) or handlers (one ethertype), bind to a device, send through
 * dev_queue_xmit.
 */
import type { Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { SkBuff as SkBuffCtor } from "../core/skbuff.ts";
import type { Socket, SockAddr, SockAddrLl, SockOpt, RecvMsg, SockExtendedErr } from "../uapi/socket.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { ETH_P_ALL, IFF_UP, PACKET_OUTGOING, PACKET_LOOPBACK, PACKET_HOST } from "../uapi/if.ts";
import { devAddPack, devRemovePack, devQueueXmit, devHardHeader, netSched, type PacketType } from "../core/dev_path.ts";
import { truesize, SK_RMEM_DEFAULT } from "./sock.ts";

export class PacketSock implements Socket, PacketType {
  readonly family = 17;
  readonly type: number;
  readonly protocol: number;
  readonly net: Net;
  /** packet_type fields */
  type_ = 0;
  dev: NetDevice | undefined;
  ifindex = 0;
  private running = false;
  private rq: RecvMsg[] = [];
  private rmem = 0;
  private rcvbuf = SK_RMEM_DEFAULT;
  private cb: (() => void) | undefined;
  /** PACKET_ADD_MEMBERSHIP promiscuous etc. are accepted without effect */
  ignoreOutgoingFlag = false;
  drops = 0;

  constructor(net: Net, type: number, protocol: number) {
    this.net = net;
    this.type = type;
    this.protocol = protocol;
    if (protocol) this.register(protocol);
  }

  /** packet_type.type as dev_add_pack sees it */
  get ptype(): number {
    return this.type_;
  }

  private register(proto: number): void {
    if (this.running) devRemovePack(this.net, this.pt);
    this.type_ = proto;
    this.pt.type = proto;
    this.pt.dev = this.dev;
    devAddPack(this.net, this.pt);
    this.running = true;
  }

  /** the packet_type registered for this socket */
  private readonly pt: PacketType = {
    type: 0,
    dev: undefined,
    func: (skb: SkBuff, dev: NetDevice, _pt: PacketType, origDev: NetDevice) => this.packetRcv(skb, dev, origDev),
  };

  // PacketType interface (unused directly; `pt` is what is registered)
  func(skb: SkBuff, dev: NetDevice, _pt: PacketType, origDev: NetDevice): void {
    this.packetRcv(skb, dev, origDev);
  }

  /** net/packet/af_packet.c: packet_rcv() */
  private packetRcv(skb: SkBuff, dev: NetDevice, origDev: NetDevice): void {
    if (skb.pktType === PACKET_LOOPBACK) return;
    const mac = skb.macHeader >= 0 ? skb.macHeader : skb.data;
    const start = this.type === 3 ? mac : skb.pktType === PACKET_OUTGOING ? mac + 14 : skb.data;
    const data = skb.buf.slice(start, skb.tail);
    const ts = truesize(data.length);
    if (this.rmem + ts > this.rcvbuf) {
      this.drops++;
      return;
    }
    this.rmem += ts;
    const ll: SockAddrLl = {
      family: 17,
      ifindex: origDev.ifindex,
      protocol: skb.protocol,
      pkttype: skb.pktType,
      hatype: dev.type,
      addr: skb.buf.slice(mac + 6, mac + 12),
    };
    // rx frames carry the netif_rx() time; tx frames are seen as they leave (now)
    const stamp = skb.pktType === PACKET_OUTGOING || !skb.tstamp ? netSched(this.net).now : skb.tstamp;
    this.rq.push({ data, from: ll, ifindex: origDev.ifindex, stamp, outgoing: skb.pktType === PACKET_OUTGOING });
    this.cb?.();
  }

  /** net/packet/af_packet.c: packet_bind() */
  bind(addr: SockAddr): KErr | undefined {
    if (addr.family !== 17) return kerr("EINVAL");
    const a = addr as SockAddrLl;
    let dev: NetDevice | undefined;
    if (a.ifindex) {
      dev = this.net.devByIndex.get(a.ifindex);
      if (!dev) return kerr("ENODEV");
    }
    this.dev = dev;
    this.ifindex = a.ifindex;
    const proto = a.protocol || this.type_;
    if (proto) this.register(proto);
    return undefined;
  }

  connect(): KErr | undefined {
    return kerr("EOPNOTSUPP");
  }

  getsockname(): SockAddr | KErr {
    const dev = this.dev;
    return { family: 17, ifindex: this.ifindex, protocol: this.type_, hatype: dev?.type ?? 0, pkttype: PACKET_HOST, addr: dev ? dev.devAddr.slice() : new Uint8Array(0) };
  }

  getpeername(): SockAddr | KErr {
    return kerr("EOPNOTSUPP");
  }

  setsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined {
    if (name === "SO_RCVBUF") this.rcvbuf = Math.max(2304, Number(value) * 2);
    if (name === "SO_BINDTODEVICE") {
      const d = typeof value === "string" && value ? this.net.devByName.get(value) : undefined;
      if (typeof value === "string" && value && !d) return kerr("ENODEV");
      this.dev = d;
      this.ifindex = d?.ifindex ?? 0;
      if (this.running) this.register(this.type_);
    }
    return undefined;
  }

  getsockopt(name: SockOpt): number | string | KErr {
    if (name === "SO_RCVBUF") return this.rcvbuf;
    return 0;
  }

  /** net/packet/af_packet.c: packet_sendmsg() (packet_snd) */
  sendto(data: Uint8Array, addr?: SockAddr): number | KErr {
    let ifindex = this.ifindex;
    let proto = this.type_;
    let daddr: Uint8Array | undefined;
    if (addr) {
      if (addr.family !== 17) return kerr("EINVAL");
      const a = addr as SockAddrLl;
      ifindex = a.ifindex;
      proto = a.protocol;
      daddr = a.addr;
    }
    const dev = ifindex ? this.net.devByIndex.get(ifindex) : undefined;
    if (!dev) return kerr("ENXIO");
    if (!(dev.flags & IFF_UP)) return kerr("ENETDOWN");
    const reserve = this.type === 3 ? 0 : dev.hardHeaderLen;
    if (data.length + reserve > dev.mtu + dev.hardHeaderLen) return kerr("EMSGSIZE");
    const skb = SkBuffCtor.from(data);
    skb.dev = dev;
    skb.protocol = proto;
    skb.sk = this;
    skb.networkHeader = skb.data;
    if (this.type === 2) {
      if (!daddr) return kerr("EINVAL");
      devHardHeader(skb, dev, proto, daddr);
    } else {
      skb.macHeader = skb.data;
    }
    devQueueXmit(skb);
    return data.length;
  }

  recvfrom(): RecvMsg | undefined {
    const m = this.rq.shift();
    if (m) this.rmem -= truesize(m.data.length);
    return m;
  }

  recvErr(): SockExtendedErr | undefined {
    return undefined;
  }

  /** poll(): a reader that starts waiting while frames are already queued wakes at once */
  onReadable(cb: (() => void) | undefined): void {
    this.cb = cb;
    if (cb && this.rq.length) netSched(this.net).after(0, () => this.cb?.(), "sk_data_ready");
  }

  close(): void {
    if (this.running) devRemovePack(this.net, this.pt);
    this.running = false;
    this.cb = undefined;
  }
}

export { ETH_P_ALL };
