/**
 * net/core/sock.c + include/net/inet_sock.h: the state every emulated socket shares (the
 * receive queue and its rcvbuf accounting, the error queue, SOL_SOCKET/SOL_IP options) and
 * the wake-up of a reader (sk_data_ready -> the onReadable callback).
 */
import type { IpOptions } from "../ipv4/ip_options.ts";
import { netNow } from "../core/dev_path.ts";
import type { Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import type { Socket, SockAddr, SockOpt, RecvMsg, SockExtendedErr } from "../uapi/socket.ts";
import { IP_PMTUDISC_WANT } from "../uapi/socket.ts";
import { errnoNumbers, kerr, type KErr } from "../uapi/errno.ts";

/** net.core.rmem_default / wmem_default / rmem_max */
export const SK_RMEM_DEFAULT = 212992;
export const SK_WMEM_DEFAULT = 212992;
export const SK_RMEM_MAX = 212992;
export const SK_WMEM_MAX = 212992;
export const SOCK_SNDBUF_LOCK = 1;
export const SOCK_RCVBUF_LOCK = 2;
export const SOCK_BINDPORT_LOCK = 8;

/** what one queued datagram costs against rcvbuf (its skb truesize) */
export function truesize(len: number): number {
  return ((len + 14 + 63) & ~63) + 576;
}

let inoNext = 20000;

export const TCP_ESTABLISHED = 1;
export const TCP_CLOSE = 7;


/** ip_options_get(), set by ipv4/ip_options.ts when it loads (it depends on the routing code,
 * which depends on the socket classes: a static import here would be a cycle) */
type IpOptionsGet = (net: Net, data: Uint8Array, capNetRaw: boolean) => IpOptions | undefined | "EINVAL" | "EPERM";
let ipOptionsGetHook: IpOptionsGet = () => "EINVAL";
export function setIpOptionsGet(fn: IpOptionsGet): void {
  ipOptionsGetHook = fn;
}

/** struct inet_sock + struct sock, the parts the datagram protocols use */
export abstract class InetSock implements Socket {
  readonly family: number = 2;
  abstract readonly type: number;
  readonly protocol: number;
  readonly net: Net;
  /** sk_state: TCP_ESTABLISHED once connected */
  state = TCP_CLOSE;
  // addresses (host order)
  inetSaddr = 0;
  inetRcvSaddr = 0;
  inetDaddr = 0;
  inetDport = 0;
  /** inet_num: the local port / ICMP ident / raw protocol */
  inetNum = 0;
  inetSport = 0;
  inetId = 0;
  // options
  ucTtl = -1;
  tos = 0;
  mcTtl = 1;
  mcLoop = true;
  mcIndex = 0;
  recverr = false;
  /** sk_dst_get()'s dst_mtu(): the MTU of the route a datagram connect() cached */
  dstMtu: (() => number) | undefined = undefined;
  recvttl = false;
  pktinfo = false;
  broadcast = false;
  boundDevIf = 0;
  mark = 0;
  /** inet_opt: IP_OPTIONS, compiled */
  inetOpt: IpOptions | undefined = undefined;
  /** cork->addr: where the datagram being sent goes in the end (past a source route) */
  corkAddr = 0;
  capNetRaw = true;
  /** sk_userlocks: SOCK_SNDBUF_LOCK (1) / SOCK_RCVBUF_LOCK (2) after SO_SNDBUF / SO_RCVBUF,
   * SOCK_BINDADDR_LOCK (4) and SOCK_BINDPORT_LOCK (8) after a bind() that named them
   * (inet_diag's "autobound" is a socket without the port lock) */
  userlocks = 0;
  pmtudisc = IP_PMTUDISC_WANT;
  hdrincl = false;
  timestamp = false;
  reuseaddr = false;
  reuseport = false;
  debug = false;
  rcvbuf = SK_RMEM_DEFAULT;
  sndbuf = SK_WMEM_DEFAULT;
  rmemAlloc = 0;
  /** sk_err: a pending hard error, returned by the next send */
  skErr: KErr | undefined;
  closed = false;
  /** sock_i_ino(): the socket inode number /proc/net/* shows */
  readonly ino = ++inoNext;
  /** sk_drops */
  drops = 0;
  protected rq: RecvMsg[] = [];
  protected rqHead = 0;
  protected eq: SockExtendedErr[] = [];
  private cb: (() => void) | undefined;

  constructor(net: Net, protocol: number) {
    this.net = net;
    this.protocol = protocol;
  }

  // -------------------------------------------------------------- queues

  /** sock_queue_rcv_skb(): false when the receive buffer is full (the caller drops) */
  queueRcv(m: RecvMsg): boolean {
    const ts = truesize(m.data.length);
    if (this.rmemAlloc + ts > this.rcvbuf && this.rq.length - this.rqHead > 0) {
      this.drops++;
      return false;
    }
    this.rmemAlloc += ts;
    const at = this.arrival();
    if (at !== undefined && at > this.net.host.world.sched.now) m.at = at;
    this.rq.push(m);
    this.dataReady(at);
    return true;
  }

  /** sock_queue_err_skb() */
  queueErr(e: SockExtendedErr): void {
    if (this.eq.length > 64) return;
    const at = this.arrival();
    if (e.stamp === undefined) e.stamp = at;
    this.eq.push(e);
    this.dataReady(at);
  }

  /** when what is queued now can be read: the end of the flight that brought it inside a
   * sender's syscall (netNow); undefined for a socket outside a world (unit tests) */
  private arrival(): number | undefined {
    return this.net?.host?.world ? netNow(this.net) : undefined;
  }

  /**
   * sk_data_ready / sk_error_report: wake the process. It runs once the softirq that queued
   * the data is over (the NET_RX run drains every frame its own processing queued), not in
   * the middle of it: a reader sees everything that softirq delivered, e.g. the sk_err of an
   * ICMP error that came in behind a queued packet, which recvmsg() reports first
   */
  dataReady(at = this.arrival()): void {
    if (!this.cb) return;
    if (at === undefined) {
      this.cb();
      return;
    }
    this.wakeAt(at);
  }

  /** wake the reader at `t` unless a wake-up at or before it is already due */
  private wakeAt(t: number): void {
    if (this.wakePending && this.wakeWhen <= t) return;
    const sched = this.net.host.world.sched;
    this.wakePending = true;
    this.wakeWhen = t;
    sched.after(t - sched.now, () => {
      if (this.wakeWhen !== t) return;
      this.wakePending = false;
      this.cb?.();
    }, "sk_data_ready");
  }
  private wakePending = false;
  private wakeWhen = 0;

  recvfrom(): RecvMsg | undefined {
    if (this.rqHead >= this.rq.length) return undefined;
    const m = this.rq[this.rqHead]!;
    if (m.at !== undefined && m.at > this.net.host.world.sched.now) {
      // still in flight: poll() sleeps until it lands
      if (this.cb) this.wakeAt(m.at);
      return undefined;
    }
    this.rq[this.rqHead++] = undefined as unknown as RecvMsg;
    if (this.rqHead > 64 && this.rqHead * 2 > this.rq.length) {
      this.rq = this.rq.slice(this.rqHead);
      this.rqHead = 0;
    }
    this.rmemAlloc -= truesize(m.data.length);
    return m;
  }

  /** the error queue is readable as soon as an error is queued (stamped with its arrival
   * time): only data waits for its flight to land */
  recvErr(): SockExtendedErr | undefined {
    const e = this.eq.shift();
    if (e && this.skErr && this.eq.length === 0) this.skErr = undefined;
    return e;
  }

  /** poll(): a reader that starts waiting while data is already queued wakes at once */
  onReadable(cb: (() => void) | undefined): void {
    this.cb = cb;
    if (cb && (this.rqHead < this.rq.length || this.eq.length > 0)) this.dataReady();
  }

  close(): void {
    this.cb = undefined;
    this.closed = true;
    this.unhash();
  }

  /** remove the socket from its protocol's lookup table */
  protected abstract unhash(): void;

  // -------------------------------------------------------------- addresses

  getsockname(): SockAddr | KErr {
    return { family: 2, addr: this.inetRcvSaddr || this.inetSaddr, port: this.inetSport };
  }

  getpeername(): SockAddr | KErr {
    if (this.state !== TCP_ESTABLISHED) return kerr("ENOTCONN");
    return { family: 2, addr: this.inetDaddr, port: this.inetDport };
  }

  abstract bind(addr: SockAddr): KErr | undefined;
  abstract connect(addr: SockAddr): KErr | undefined;
  abstract sendto(data: Uint8Array, addr?: SockAddr): number | KErr;

  /** the device SO_BINDTODEVICE names */
  boundDev(): NetDevice | undefined {
    return this.boundDevIf ? this.net.devByIndex.get(this.boundDevIf) : undefined;
  }

  // -------------------------------------------------------------- options

  /** sock_setsockopt() + do_ip_setsockopt() */
  setsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined {
    const v = typeof value === "boolean" ? (value ? 1 : 0) : typeof value === "number" ? value : 0;
    switch (name) {
      case "SO_BROADCAST":
        this.broadcast = v !== 0;
        return undefined;
      case "SO_BINDTODEVICE": {
        const nm = typeof value === "string" ? value : "";
        if (nm === "") {
          this.boundDevIf = 0;
          return undefined;
        }
        const d = this.net.devByName.get(nm);
        if (!d) return kerr("ENODEV");
        this.boundDevIf = d.ifindex;
        return undefined;
      }
      case "SO_RCVBUF":
        this.userlocks |= SOCK_RCVBUF_LOCK;
        this.rcvbuf = Math.max(2304, Math.min(v, SK_RMEM_MAX) * 2);
        return undefined;
      case "SO_SNDBUF":
        this.userlocks |= SOCK_SNDBUF_LOCK;
        this.sndbuf = Math.max(4608, Math.min(v, SK_WMEM_MAX) * 2);
        return undefined;
      case "SO_TIMESTAMP":
        this.timestamp = v !== 0;
        return undefined;
      case "SO_MARK":
        this.mark = v >>> 0;
        return undefined;
      case "SO_DEBUG":
        this.debug = v !== 0;
        return undefined;
      case "SO_REUSEADDR":
        this.reuseaddr = v !== 0;
        return undefined;
      case "SO_REUSEPORT":
        this.reuseport = v !== 0;
        return undefined;
      case "SO_KEEPALIVE":
      case "SO_LINGER":
        return undefined;
      case "IP_TTL":
        if (v === -1) this.ucTtl = -1;
        else if (v < 1 || v > 255) return kerr("EINVAL");
        else this.ucTtl = v;
        return undefined;
      case "IP_TOS":
        // __ip_sock_set_tos(): a stream socket keeps its own ECN bits (TCP owns them); a
        // datagram or raw socket sends what it was given, ECT/CE included
        this.tos = this.type === 1 ? (v & ~3) | (this.tos & 3) : v & 0xff;
        return undefined;
      case "IP_RECVERR":
        this.recverr = v !== 0;
        if (!this.recverr) this.eq.length = 0;
        return undefined;
      case "IP_RECVTTL":
        this.recvttl = v !== 0;
        return undefined;
      case "IP_RETOPTS":
      case "TCP_NODELAY":
        return undefined;
      case "IP_PKTINFO":
        this.pktinfo = v !== 0;
        return undefined;
      case "IP_MTU_DISCOVER":
        if (v < 0 || v > 5) return kerr("EINVAL");
        this.pmtudisc = v;
        return undefined;
      case "IP_MULTICAST_TTL":
        if (v < -1 || v > 255) return kerr("EINVAL");
        this.mcTtl = v === -1 ? 1 : v;
        return undefined;
      case "IP_MULTICAST_LOOP":
        this.mcLoop = v !== 0;
        return undefined;
      case "IP_MULTICAST_IF":
        this.mcIndex = v;
        return undefined;
      case "IP_HDRINCL":
        if (this.type !== 3) return kerr("ENOPROTOOPT");
        this.hdrincl = v !== 0;
        return undefined;
      case "IP_OPTIONS": {
        const r = ipOptionsGetHook(this.net, value instanceof Uint8Array ? value : new Uint8Array(0), this.capNetRaw);
        if (typeof r === "string") return kerr(r);
        this.inetOpt = r;
        return undefined;
      }
      default:
        return this.protoSetsockopt(name, value);
    }
  }

  protected protoSetsockopt(_name: SockOpt, _value: number | string | boolean | Uint8Array): KErr | undefined {
    return kerr("ENOPROTOOPT");
  }

  getsockopt(name: SockOpt): number | string | KErr {
    switch (name) {
      case "SO_RCVBUF":
        return this.rcvbuf;
      case "SO_SNDBUF":
        return this.sndbuf;
      case "SO_BROADCAST":
        return this.broadcast ? 1 : 0;
      case "SO_MARK":
        return this.mark;
      case "SO_BINDTODEVICE":
        return this.boundDev()?.name ?? "";
      case "IP_TTL":
        return this.ucTtl === -1 ? 64 : this.ucTtl;
      case "IP_TOS":
        return this.tos;
      case "IP_MTU_DISCOVER":
        return this.pmtudisc;
      case "IP_MTU":
        // ip_sockglue.c: do_ip_getsockopt(): no cached route, ENOTCONN
        return this.dstMtu ? this.dstMtu() : kerr("ENOTCONN");
      case "IP_RECVERR":
        return this.recverr ? 1 : 0;
      case "IP_MULTICAST_TTL":
        return this.mcTtl;
      case "IP_MULTICAST_LOOP":
        return this.mcLoop ? 1 : 0;
      case "SO_ERROR": {
        // net/core/sock.c: sk_getsockopt() SO_ERROR -> sock_error()
        const e = this.sockError();
        return e ? (errnoNumbers[e.errno as keyof typeof errnoNumbers] ?? 0) : 0;
      }
      default:
        return kerr("ENOPROTOOPT");
    }
  }

  /** sock_error(): take the pending error */
  sockError(): KErr | undefined {
    const e = this.skErr;
    this.skErr = undefined;
    return e;
  }
}
