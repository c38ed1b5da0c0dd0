/**
 * net/ipv4/tcp.c: struct tcp_sock (reduced) and the socket calls of a SOCK_STREAM socket:
 * tcp_sendmsg() (the write queue), tcp_recvmsg() (the receive queue, EOF), tcp_close(),
 * tcp_shutdown(), tcp_done(), tcp_set_state(), the Tcp MIB and /proc/net/tcp (tcp4_seq_show).
 *
 * Stream contract for userland (uapi/socket.ts): connect() returns EINPROGRESS and the
 * socket becomes readable when the handshake ends (getpeername() succeeds) or fails
 * (getsockopt("SO_ERROR") gives the errno); recvfrom() returns the queued bytes, a zero-length
 * message once at end of stream (read(2) returning 0), then undefined; recvErr() reports the
 * hang-up (ee_origin NONE, ee_errno = the error or 0) once the stream is over, as poll's
 * POLLHUP/POLLERR would.
 */
import { inetAddrValidOrNonlocal } from "./inet_sock.ts";
import { ipv4Sysctl } from "./icmp.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { Timer } from "../../sim/scheduler.ts";
import type { Socket, SockAddr, SockAddrIn, SockOpt, RecvMsg, SockExtendedErr } from "../uapi/socket.ts";
import { kerr, errnoNumbers, type KErr } from "../uapi/errno.ts";
import { RTN_MULTICAST, RTN_BROADCAST } from "../uapi/rtnetlink.ts";
import { InetSock, truesize } from "../socket/sock.ts";
import { netSched } from "../core/dev_path.ts";
import { inetAddrType } from "./devinet.ts";
import { inetUnhash, inetPutPort, tcpSockets, ehashKey } from "./inet_hashtables.ts";
import { inetCskGetPort, inetCskListenStart, inetCskAccept } from "./inet_connection_sock.ts";
import { tcpV4Connect } from "./tcp_ipv4.ts";
import { tcpPush, tcpSendFin, tcpSendActiveReset, tcpSendAck, tcpReceiveWindow, __tcpSelectWindow, tcpRoute, tcpAdvmss } from "./tcp_output.ts";
import { tcpClearXmitTimers, tcpTimeWait } from "./tcp_timer.ts";

// include/net/tcp_states.h
export const TCP_ESTABLISHED = 1;
export const TCP_SYN_SENT = 2;
export const TCP_SYN_RECV = 3;
export const TCP_FIN_WAIT1 = 4;
export const TCP_FIN_WAIT2 = 5;
export const TCP_TIME_WAIT = 6;
export const TCP_CLOSE = 7;
export const TCP_CLOSE_WAIT = 8;
export const TCP_LAST_ACK = 9;
export const TCP_LISTEN = 10;
export const TCP_CLOSING = 11;

export const RCV_SHUTDOWN = 1;
export const SEND_SHUTDOWN = 2;

/** include/net/tcp.h */
export const TCP_TIMEOUT_INIT = 1_000_000;
export const TCP_RTO_MIN = 200_000;
export const TCP_RTO_MAX = 120_000_000;
export const TCP_DELACK_MIN = 40_000;
export const TCP_TIMEWAIT_LEN = 60_000_000;
export const TCP_SYN_RETRIES = 6;
export const TCP_SYNACK_RETRIES = 5;
export const TCP_RETRIES2 = 15;
export const TCP_MSS_DEFAULT = 536;
/** TCP_RMEM_TO_WIN_SCALE and TCP_DEFAULT_SCALING_RATIO: a window is this share (x/256) of
 * the receive memory that holds it. Linux starts every socket's scaling_ratio at 50 % and
 * tcp_measure_rcv_mss() learns the real len/truesize from full-sized segments; that learning
 * is not modelled, so the ratio is this constant */
export const TCP_RMEM_TO_WIN_SCALE = 8;
export const TCP_DEFAULT_SCALING_RATIO = 1 << (TCP_RMEM_TO_WIN_SCALE - 1);
export const SOMAXCONN = 4096;

/** before()/after() on 32-bit sequence numbers */
export const before = (a: number, b: number): boolean => ((a - b) | 0) < 0;
export const after = (a: number, b: number): boolean => ((b - a) | 0) < 0;

/** net/ipv4/tcp.h: tcp_fin_time() — how long an orphan waits in FIN_WAIT2: tcp_fin_timeout,
 * but never under 3.5 RTOs */
export function tcpFinTime(sk: TcpSock): number {
  const rto = sk.rto;
  return Math.max(ipv4Sysctl(sk.net).tcpFinTimeout, rto * 4 - Math.floor(rto / 2));
}

/** the TcpExt counters of /proc/net/netstat that are kept (LINUX_MIB_*, by their proc name);
 * the others read 0 */
export type TcpExtCounter =
  | "TCPTimeouts" | "TCPSynRetrans" | "TCPAbortOnTimeout" | "TCPWantZeroWindowAdv" | "TCPToZeroWindowAdv" | "TCPFromZeroWindowAdv"
  | "IPReversePathFilter" | "ArpFilter";
const extMibs = new NetGeneric<Partial<Record<TcpExtCounter, number>>>();
export function tcpExtStats(net: Net): Partial<Record<TcpExtCounter, number>> {
  let m = extMibs.get(net);
  if (!m) extMibs.set(net, (m = {}));
  return m;
}
export function tcpExtInc(net: Net, c: TcpExtCounter): void {
  const m = tcpExtStats(net);
  m[c] = (m[c] ?? 0) + 1;
}

/** the Tcp: line of /proc/net/snmp */
export interface TcpMib {
  ActiveOpens: number; PassiveOpens: number; AttemptFails: number; EstabResets: number;
  InSegs: number; OutSegs: number; RetransSegs: number; InErrs: number; OutRsts: number; InCsumErrors: number;
  ListenOverflows: number; ListenDrops: number;
}
const mibs = new NetGeneric<TcpMib>();
export function tcpStats(net: Net): TcpMib {
  let m = mibs.get(net);
  if (!m) {
    m = {
      ActiveOpens: 0, PassiveOpens: 0, AttemptFails: 0, EstabResets: 0, InSegs: 0, OutSegs: 0,
      RetransSegs: 0, InErrs: 0, OutRsts: 0, InCsumErrors: 0, ListenOverflows: 0, ListenDrops: 0,
    };
    mibs.set(net, m);
  }
  return m;
}
/** CurrEstab */
export function tcpCurrEstab(net: Net): number {
  return tcpSockets(net).filter((s) => s.state === TCP_ESTABLISHED || s.state === TCP_CLOSE_WAIT).length;
}

/** the options of a received SYN (struct tcp_options_received) */
export interface TcpOptionsReceived {
  mss: number;
  wscaleOk: boolean;
  sndWscale: number;
  sackOk: boolean;
  tstampOk: boolean;
  tsval: number;
  tsecr: number;
  sawTstamp: boolean;
}

export class TcpSock extends InetSock implements Socket {
  readonly type = 1;
  /** the namespace's control socket (net->ipv4.tcp_sk): RSTs and TIME_WAIT ACKs */
  ctl = false;
  // sequence space (struct tcp_sock)
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  /** write_seq: the end of what the application wrote (incl. SYN and FIN) */
  writeSeq = 0;
  sndWnd = 0;
  maxWindow = 0;
  rcvNxt = 0;
  /** rcv_wup: rcv_nxt at the last window update sent */
  rcvWup = 0;
  rcvWnd = 0;
  copiedSeq = 0;
  /** window_clamp: the largest window to advertise; rcv_ssthresh: the window's slow-start
   * bound (tcp_grow_window() raises it) */
  windowClamp = 0;
  rcvSsthresh = 0;
  // negotiated options
  advmss = 1460;
  mssCache = TCP_MSS_DEFAULT;
  mssClamp = 65535;
  sndWscale = 0;
  rcvWscale = 0;
  wscaleOk = false;
  sackOk = false;
  /** inet_request_sock.ecn_ok: the SYN-ACK sets ECE (tcp_ecn_make_synack()) */
  ecnOk = false;
  tstampOk = false;
  tsRecent = 0;
  tsOffset = 0;
  nodelay = false;
  // the write queue: bytes from snd_una up to write_seq (data only)
  wq: Uint8Array = new Uint8Array(0);
  wqLen = 0;
  /** our FIN is queued (its sequence number is writeSeq - 1) */
  finQueued = false;
  /** end of stream reached (FIN received or reset) */
  rcvEof = false;
  eofReported = false;
  shutdownFlags = 0;
  /** the user has closed it (orphan) */
  orphan = false;
  // timers (struct inet_connection_sock)
  retransmitTimer: Timer | undefined;
  delackTimer: Timer | undefined;
  twTimer: Timer | undefined;
  rto = TCP_TIMEOUT_INIT;
  retransmits = 0;
  backoff = 0;
  /** retrans_stamp (µs; -1: none): when the segment now being retransmitted first went out;
   * total_rto: RTO timeouts over the connection's life */
  retransStamp = -1;
  totalRto = 0;
  ackPending = false;
  /** quickack credit (icsk_ack.quick), pingpong mode and icsk_ack.ato (0 until data came) */
  quick = 0;
  ato = 0;
  pingpong = false;
  /** icsk_ack.rcv_mss (0 until tcp_initialize_rcv_mss()) and icsk_ack.last_seg_size */
  rcvMss = 0;
  lastSegSize = 0;
  srtt = 0;
  /** snd_cwnd (TCP_INIT_CWND 10), snd_ssthresh (TCP_INFINITE_SSTHRESH until a loss) */
  sndCwnd = 10;
  sndSsthresh = 0x7fffffff;
  sndCwndCnt = 0;
  rttSeq = 0;
  rttStamp = -1;
  // hashing
  hashed = false;
  /** the port came from connect() (__inet_hash_connect), not bind() */
  connectBound = false;
  // listen
  maxAckBacklog = 0;
  acceptQueue: TcpSock[] = [];
  /** SYN_RECV children not yet established */
  reqs: TcpSock[] = [];
  parent: TcpSock | undefined;

  constructor(net: Net) {
    super(net, 6);
    this.pmtudisc = 1;
    // tcp_init_sock()
    const s = ipv4Sysctl(net);
    this.sndbuf = s.tcpWmem[1];
    this.rcvbuf = s.tcpRmem[1];
    this.reordering = s.tcpReordering;
  }
  /** tp->reordering */
  reordering = 3;

  get sched() {
    return netSched(this.net);
  }

  /** the peer's initial sequence number is known (tcp_rcv_synsent_state_process) */
  irsSet(seq: number): void {
    this.rcvNxt = this.copiedSeq = this.rcvWup = (seq + 1) >>> 0;
  }

  /** tcp_set_state() */
  setState(state: number): void {
    this.state = state;
    if (state === TCP_CLOSE) {
      inetUnhash(this);
      if (this.inetNum) inetPutPort(this);
    }
  }

  protected unhash(): void {
    inetUnhash(this);
  }

  // ------------------------------------------- the family's part (struct inet_connection_sock_af_ops)

  /** the ehash key of this socket's 4-tuple with local port `lport` (INET_MATCH / INET6_MATCH) */
  ehashKeyOf(lport = this.inetNum): string {
    return ehashKey(this.inetRcvSaddr, lport, this.inetDaddr, this.inetDport);
  }

  /** the advertised MSS of the route to the peer (dst_metric_advmss(): ipv4_default_advmss) */
  routeAdvmss(): number {
    const rt = tcpRoute(this);
    return rt ? tcpAdvmss(rt) : 536;
  }

  /** tcp_v4_syn_recv_sock()'s addresses: a child of this listener for `seg` */
  newChild(seg: { saddr: number; daddr: number; sport: number }): TcpSock {
    const c = new TcpSock(this.net);
    c.inetRcvSaddr = c.inetSaddr = seg.daddr;
    c.inetDaddr = seg.saddr;
    c.inetDport = seg.sport;
    return c;
  }

  /** the peer as recvfrom()/getpeername() give it */
  peerAddr(): SockAddr {
    return { family: 2, addr: this.inetDaddr, port: this.inetDport };
  }

  // -------------------------------------------------------------- bind / connect / listen

  /** net/ipv4/af_inet.c: __inet_bind() */
  bind(addr: SockAddr): KErr | undefined {
    if (addr.family !== 2) return kerr("EAFNOSUPPORT");
    const a = addr as SockAddrIn;
    const t = inetAddrType(this.net, a.addr);
    if (!inetAddrValidOrNonlocal(this.net, a.addr, t)) return kerr("EADDRNOTAVAIL");
    if (this.state !== TCP_CLOSE || this.inetNum) return kerr("EINVAL");
    this.inetRcvSaddr = this.inetSaddr = a.addr;
    if (t === RTN_MULTICAST || t === RTN_BROADCAST) this.inetSaddr = 0;
    const e = inetCskGetPort(this, a.port);
    if (e) {
      this.inetRcvSaddr = this.inetSaddr = 0;
      return e;
    }
    if (this.inetRcvSaddr) this.userlocks |= 4;
    if (a.port) this.userlocks |= 8;
    return undefined;
  }

  /** net/ipv4/af_inet.c: __inet_stream_connect() (always non-blocking here) */
  connect(addr: SockAddr): KErr | undefined {
    if ((addr.family as number) === 0) {
      // AF_UNSPEC: disconnect
      if (this.state === TCP_LISTEN || this.state === TCP_CLOSE) return undefined;
      tcpSendActiveReset(this);
      this.tcpDone(undefined);
      return undefined;
    }
    switch (this.state) {
      case TCP_ESTABLISHED:
      case TCP_CLOSE_WAIT:
        return kerr("EISCONN");
      case TCP_SYN_SENT:
        return kerr("EALREADY");
      case TCP_CLOSE:
        break;
      default:
        return kerr("EINVAL");
    }
    const e = this.connectFamily(addr);
    if (e) return e;
    return kerr("EINPROGRESS");
  }

  /** icsk_af_ops->connect-time part: tcp_v4_connect() */
  protected connectFamily(addr: SockAddr): KErr | undefined {
    if (addr.family !== 2) return kerr("EAFNOSUPPORT");
    return tcpV4Connect(this, addr as SockAddrIn);
  }

  /** net/ipv4/af_inet.c: inet_listen() */
  listen(backlog: number): KErr | undefined {
    if (this.state !== TCP_CLOSE && this.state !== TCP_LISTEN) return kerr("EINVAL");
    // (unsigned) backlog, capped by net.core.somaxconn
    this.maxAckBacklog = backlog < 0 ? SOMAXCONN : Math.min(backlog, SOMAXCONN);
    if (this.state === TCP_LISTEN) return undefined;
    return inetCskListenStart(this);
  }

  /** net/ipv4/inet_connection_sock.c: inet_csk_accept() (non-blocking: undefined = EAGAIN) */
  accept(): Socket | undefined {
    return inetCskAccept(this);
  }

  override getpeername(): SockAddr | KErr {
    if (!this.inetDport || this.state === TCP_CLOSE || this.state === TCP_SYN_SENT || this.state === TCP_LISTEN) return kerr("ENOTCONN");
    return this.peerAddr();
  }

  // -------------------------------------------------------------- data

  /** net/ipv4/tcp.c: tcp_sendmsg_locked() */
  sendto(data: Uint8Array, _addr?: SockAddr): number | KErr {
    const err = this.sockError();
    if (err) return err;
    if (this.shutdownFlags & SEND_SHUTDOWN) return kerr("EPIPE");
    if (this.state === TCP_SYN_SENT || this.state === TCP_SYN_RECV) return kerr("EAGAIN");
    // sk_stream_wait_connect(): any other state is EPIPE (never connected included)
    if (this.state !== TCP_ESTABLISHED && this.state !== TCP_CLOSE_WAIT) return kerr("EPIPE");
    if (!data.length) return 0;
    const need = this.wqLen + data.length;
    if (need > this.wq.length) {
      const n = new Uint8Array(Math.max(need, this.wq.length * 2, 4096));
      n.set(this.wq.subarray(0, this.wqLen));
      this.wq = n;
    }
    this.wq.set(data, this.wqLen);
    this.wqLen += data.length;
    this.writeSeq = (this.writeSeq + data.length) >>> 0;
    tcpPush(this, true);
    return data.length;
  }

  /** net/ipv4/tcp.c: tcp_recvmsg() (non-blocking) */
  override recvfrom(): RecvMsg | undefined {
    const m = super.recvfrom();
    if (m) {
      this.copiedSeq = (this.copiedSeq + m.data.length) >>> 0;
      // __tcp_cleanup_rbuf(): a window update once the read freed lots of space (a window at
      // least twice what is left of the one offered), unless no more data can come
      if (m.data.length > 0 && !(this.shutdownFlags & RCV_SHUTDOWN) && this.state !== TCP_CLOSE) {
        const now = tcpReceiveWindow(this);
        if (2 * now <= this.windowClamp) {
          const win = __tcpSelectWindow(this);
          if (win && win >= 2 * now) tcpSendAck(this);
        }
      }
      return m;
    }
    if ((this.rcvEof || this.shutdownFlags & RCV_SHUTDOWN) && !this.eofReported) {
      this.eofReported = true;
      return { data: new Uint8Array(0), from: this.peerAddr(), stamp: this.sched.now };
    }
    return undefined;
  }

  rqEmpty(): boolean {
    return this.rqHead >= this.rq.length;
  }
  /** bytes queued for the reader */
  rqBytes(): number {
    let n = 0;
    for (let i = this.rqHead; i < this.rq.length; i++) n += this.rq[i]!.data.length;
    return n;
  }

  /** the stream is over: report the hang-up (and the error, if any) like POLLHUP/POLLERR */
  override recvErr(): SockExtendedErr | undefined {
    if (!this.rqEmpty()) return undefined;
    if (this.skErr) {
      const e = this.skErr;
      return { ee_errno: errnoNumbers[e.errno as keyof typeof errnoNumbers] ?? 0, ee_origin: 0, ee_type: 0, ee_code: 0, ee_info: 0, ee_data: 0, payload: new Uint8Array(0) };
    }
    if (this.eofReported || (this.state === TCP_CLOSE && this.inetDport)) {
      return { ee_errno: 0, ee_origin: 0, ee_type: 0, ee_code: 0, ee_info: 0, ee_data: 0, payload: new Uint8Array(0) };
    }
    return undefined;
  }

  /** tcp_data_queue(): in-order payload to the reader */
  queueData(data: Uint8Array): void {
    this.rq.push({ data, from: this.peerAddr(), stamp: this.sched.now });
    this.rmemAlloc += truesize(data.length);
    this.dataReady();
  }

  protected override protoSetsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined {
    if (name === "TCP_NODELAY") {
      this.nodelay = value === true || (typeof value === "number" && value !== 0);
      if (this.nodelay) tcpPush(this, false);
      return undefined;
    }
    return kerr("ENOPROTOOPT");
  }

  override setsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined {
    if (name === "TCP_NODELAY") return this.protoSetsockopt(name, value);
    return super.setsockopt(name, value);
  }

  override getsockopt(name: SockOpt): number | string | KErr {
    if (name === "SO_ERROR") {
      const e = this.sockError();
      return e ? (errnoNumbers[e.errno as keyof typeof errnoNumbers] ?? 0) : 0;
    }
    if (name === "TCP_NODELAY") return this.nodelay ? 1 : 0;
    return super.getsockopt(name);
  }

  // -------------------------------------------------------------- closing

  /** net/ipv4/tcp.c: tcp_shutdown() */
  shutdown(how: number): KErr | undefined {
    // how: SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2
    if (how < 0 || how > 2) return kerr("EINVAL");
    if (this.state === TCP_CLOSE || this.state === TCP_SYN_SENT && !this.inetDport) return kerr("ENOTCONN");
    const mask = how + 1;
    this.shutdownFlags |= mask;
    if (mask & SEND_SHUTDOWN && (this.state === TCP_ESTABLISHED || this.state === TCP_CLOSE_WAIT || this.state === TCP_SYN_RECV)) {
      if (this.tcpCloseState()) tcpSendFin(this);
    }
    if (this.state === TCP_LISTEN && mask & RCV_SHUTDOWN) this.close();
    return undefined;
  }

  /** net/ipv4/tcp.c: tcp_close_state(): the next state on close; true when a FIN is due */
  tcpCloseState(): boolean {
    const next: Record<number, number> = {
      [TCP_ESTABLISHED]: TCP_FIN_WAIT1, [TCP_SYN_SENT]: TCP_CLOSE, [TCP_SYN_RECV]: TCP_FIN_WAIT1,
      [TCP_FIN_WAIT1]: TCP_FIN_WAIT1, [TCP_FIN_WAIT2]: TCP_FIN_WAIT2, [TCP_CLOSE]: TCP_CLOSE,
      [TCP_TIME_WAIT]: TCP_CLOSE, [TCP_CLOSE_WAIT]: TCP_LAST_ACK, [TCP_LAST_ACK]: TCP_LAST_ACK,
      [TCP_LISTEN]: TCP_CLOSE, [TCP_CLOSING]: TCP_CLOSING,
    };
    const ns = next[this.state] ?? TCP_CLOSE;
    const sendFin = ns !== this.state && (ns === TCP_FIN_WAIT1 || ns === TCP_LAST_ACK);
    this.setState(ns);
    return sendFin;
  }

  /** net/ipv4/tcp.c: tcp_close() */
  override close(): void {
    if (this.orphan) return;
    this.onReadable(undefined);
    this.closed = true;
    this.orphan = true;
    this.shutdownFlags = RCV_SHUTDOWN | SEND_SHUTDOWN;
    if (this.state === TCP_LISTEN) {
      this.setState(TCP_CLOSE);
      // inet_csk_listen_stop(): children not accepted are reset
      for (const c of [...this.acceptQueue, ...this.reqs]) {
        c.parent = undefined;
        c.orphan = true;
        tcpSendActiveReset(c);
        c.tcpDone(undefined);
      }
      this.acceptQueue = [];
      this.reqs = [];
      return;
    }
    const unread = this.rqBytes();
    this.rq = [];
    this.rqHead = 0;
    // tcp_time_wait() handed the connection to a timewait sock and closed the socket the
    // program holds: here one object is both, and the TIME_WAIT half lives on
    if (this.state === TCP_TIME_WAIT) return;
    if (this.state === TCP_CLOSE) {
      this.tcpDone(undefined);
      return;
    }
    if (unread > 0) {
      // "data was lost": RFC 2525 — reset instead of FIN
      this.setState(TCP_CLOSE);
      tcpSendActiveReset(this);
      this.tcpDone(undefined);
      return;
    }
    if (this.state === TCP_SYN_SENT) {
      this.tcpDone(undefined);
      return;
    }
    if (this.tcpCloseState()) tcpSendFin(this);
    if (this.state === TCP_FIN_WAIT2) tcpTimeWait(this, TCP_FIN_WAIT2, tcpFinTime(this));
  }

  /** net/ipv4/tcp.c: tcp_done() (with the error to report, tcp_reset style) */
  tcpDone(err: KErr | undefined): void {
    if (err) this.skErr = err;
    tcpClearXmitTimers(this);
    this.twTimer?.cancel();
    this.setState(TCP_CLOSE);
    this.shutdownFlags = RCV_SHUTDOWN | SEND_SHUTDOWN;
    if (this.parent) {
      const p = this.parent;
      p.reqs = p.reqs.filter((s) => s !== this);
      p.acceptQueue = p.acceptQueue.filter((s) => s !== this);
      this.parent = undefined;
    }
    this.dataReady();
  }
}

// ------------------------------------------------------------------ /proc/net/tcp

function hexAddr(a: number): string {
  const le = (((a & 0xff) << 24) | (((a >>> 8) & 0xff) << 16) | (((a >>> 16) & 0xff) << 8) | (a >>> 24)) >>> 0;
  return le.toString(16).toUpperCase().padStart(8, "0");
}
const hex = (v: number, w: number): string => (v >>> 0).toString(16).toUpperCase().padStart(w, "0");
/** jiffies_delta_to_clock_t(): USER_HZ 100 */
const clockT = (us: number): number => Math.max(0, Math.floor(us / 10_000));

/** tcp6_seq_show()'s address: the four 32-bit words of the address as the host loads them */
function hexAddr6(a: Uint8Array): string {
  let s = "";
  for (let w = 0; w < 16; w += 4) s += hexAddr(((a[w]! << 24) | (a[w + 1]! << 16) | (a[w + 2]! << 8) | a[w + 3]!) >>> 0);
  return s;
}

/** net/ipv4/tcp_ipv4.c: tcp4_seq_show() / get_tcp4_sock() / get_timewait4_sock() / get_openreq4() */
export function tcp4SeqShow(net: Net): string {
  return tcpSeqShowFamily(net, 2);
}

/**
 * The rows of /proc/net/tcp (AF_INET: tcp4_seq_show(), lines padded to TMPSZ) or
 * /proc/net/tcp6 (AF_INET6: net/ipv6/tcp_ipv6.c: tcp6_seq_show() / get_tcp6_sock() /
 * get_timewait6_sock() / get_openreq6(), the same fields, the addresses in 32 hex digits)
 */
export function tcpSeqShowFamily(net: Net, family: number): string {
  const TMPSZ = 150;
  const v6 = family === 10;
  const pad = (l: string): string => (v6 ? l : l.padEnd(TMPSZ - 1));
  let out = v6
    ? "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    : "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode".padEnd(TMPSZ - 1) + "\n";
  const now = netSched(net).now;
  let i = 0;
  for (const sk of tcpSockets(net)) {
    if (sk.family !== family || sk.ctl) continue;
    const s6 = sk as unknown as { rcvSaddr6: Uint8Array; daddr6: Uint8Array };
    const src = `${v6 ? hexAddr6(s6.rcvSaddr6) : hexAddr(sk.inetRcvSaddr)}:${hex(sk.inetNum, 4)}`;
    const dst = `${v6 ? hexAddr6(s6.daddr6) : hexAddr(sk.inetDaddr)}:${hex(sk.inetDport, 4)}`;
    const sl = String(i++).padStart(4);
    let line: string;
    if (sk.state === TCP_TIME_WAIT) {
      const ttd = sk.twTimer?.pending ? sk.twTimer.when - now : 0;
      line = `${sl}: ${src} ${dst} ${hex(TCP_TIME_WAIT, 2)} ${hex(0, 8)}:${hex(0, 8)} 03:${hex(clockT(ttd), 8)} ${hex(0, 8)} ${"0".padStart(5)} ${"0".padStart(8)} 0 3 0000000000000000`;
    } else if (sk.state === TCP_SYN_RECV) {
      const ttd = sk.retransmitTimer?.pending ? sk.retransmitTimer.when - now : 0;
      line = `${sl}: ${src} ${dst} ${hex(TCP_SYN_RECV, 2)} ${hex(0, 8)}:${hex(0, 8)} 01:${hex(clockT(ttd), 8)} ${hex(sk.retransmits, 8)} ${"0".padStart(5)} ${"0".padStart(8)} 0 0 0000000000000000`;
    } else {
      let tr = 0;
      let when = 0;
      if (sk.retransmitTimer?.pending) {
        tr = 1;
        when = sk.retransmitTimer.when - now;
      }
      const listen = sk.state === TCP_LISTEN;
      const txq = listen ? 0 : (sk.writeSeq - sk.sndUna) >>> 0;
      const rxq = listen ? sk.acceptQueue.length : Math.max(0, (sk.rcvNxt - sk.copiedSeq) | 0);
      const rto = clockT(sk.rto);
      const ato = listen ? 0 : clockT(sk.ato);
      const qp = listen ? 0 : (sk.quick << 1) | (sk.pingpong ? 1 : 0);
      const ssthresh = listen ? 0 : sk.sndSsthresh >= 0x7fffffff ? -1 : sk.sndSsthresh;
      line = `${sl}: ${src} ${dst} ${hex(sk.state, 2)} ${hex(txq, 8)}:${hex(rxq, 8)} ${hex(tr, 2)}:${hex(clockT(when), 8)} ${hex(sk.retransmits, 8)} ${"0".padStart(5)} ${"0".padStart(8)} ${sk.ino} 1 0000000000000000 ${rto} ${ato} ${qp} ${sk.sndCwnd} ${ssthresh}`;
    }
    out += pad(line) + "\n";
  }
  return out;
}
