/**
 * net/ipv4/tcp_input.c: the receive side — tcp_parse_options(), tcp_rcv_synsent_state_process(),
 * tcp_rcv_state_process() (sequence check, RST, ACK processing with tcp_ack() and
 * tcp_clean_rtx_queue(), tcp_data_queue(), tcp_fin()), __tcp_ack_snd_check() (quick ACKs,
 * delayed ACKs), tcp_reset(); and tcp_minisocks.c's tcp_timewait_state_process() and the
 * listener's SYN handling (tcp_conn_request / tcp_check_req).
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import { kerr } from "../uapi/errno.ts";
import { readU16, readU32 } from "../../wire/addr.ts";
import { TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK, TCP_URG, TCP_ECE, TCP_CWR } from "../../wire/tcp.ts";
import {
  TcpSock, type TcpOptionsReceived, before, after, tcpStats,
  TCP_ESTABLISHED, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_TIME_WAIT,
  TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_CLOSING, TCP_TIMEWAIT_LEN, tcpFinTime,
  TCP_TIMEOUT_INIT, TCP_RTO_MIN, RCV_SHUTDOWN, TCP_MSS_DEFAULT,
} from "./tcp.ts";
import {
  TCPOPT_EOL, TCPOPT_NOP, TCPOPT_MSS, TCPOPT_WINDOW, TCPOPT_SACK_PERM, TCPOPT_TIMESTAMP,
  tcpSendAck, tcpSendSynack, tcpWriteXmit, tcpSelectInitialWindow, tcpUserClamp, tcpFullSpace, tcpSpace, tcpWinFromSpace, tcpReceiveWindow,
  TCPOLEN_TSTAMP_ALIGNED,
  tcpSendActiveReset,
} from "./tcp_output.ts";
import { tcpResetXmitTimer, tcpSendDelayedAck, tcpTimeWait } from "./tcp_timer.ts";
import { inetEhashInsert, inetBindHash } from "./inet_hashtables.ts";
import { skAcceptqIsFull, inetCskReqskQueueAdd } from "./inet_connection_sock.ts";
import { netRng } from "../core/dev_path.ts";
import { ipv4Sysctl } from "./icmp.ts";
import { SOCK_SNDBUF_LOCK, SOCK_BINDPORT_LOCK, truesize } from "../socket/sock.ts";

/** include/net/tcp.h: TCP_INIT_CWND */
const TCP_INIT_CWND = 10;

/** include/net/tcp.h */
const TCP_MAX_QUICKACKS = 16;
/** include/net/tcp.h: TCP_MIN_MSS */
const TCP_MIN_MSS = 88;
const TCP_ATO_MIN = 40_000;

/** one received segment, parsed (TCP_SKB_CB) */
export interface TcpSeg {
  skb: SkBuff;
  saddr: number;
  daddr: number;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** the tcp header's offset in skb.buf */
  th: number;
  /** an IPv6 segment's addresses (saddr/daddr 0) and the device it came in by */
  saddr6?: Uint8Array;
  daddr6?: Uint8Array;
  iif?: number;
  /** payload offset and length in skb.buf */
  doff: number;
  len: number;
  opt: TcpOptionsReceived;
}

/** net/ipv4/tcp_input.c: tcp_parse_options() — a SYN's window scale, SACK and timestamp
 * offers count only where tcp_window_scaling, tcp_sack and tcp_timestamps allow them */
export function tcpParseOptions(net: Net, b: Uint8Array, o: number, hlen: number, syn: boolean): TcpOptionsReceived {
  const sys = ipv4Sysctl(net);
  const r: TcpOptionsReceived = { mss: 0, wscaleOk: false, sndWscale: 0, sackOk: false, tstampOk: false, tsval: 0, tsecr: 0, sawTstamp: false };
  let p = o + 20;
  const end = o + hlen;
  while (p < end) {
    const kind = b[p]!;
    if (kind === TCPOPT_EOL) break;
    if (kind === TCPOPT_NOP) {
      p++;
      continue;
    }
    if (p + 1 >= end) break;
    const size = b[p + 1]!;
    if (size < 2 || p + size > end) break;
    switch (kind) {
      case TCPOPT_MSS:
        if (size === 4 && syn) r.mss = readU16(b, p + 2);
        break;
      case TCPOPT_WINDOW:
        if (size === 3 && syn && sys.tcpWindowScaling) {
          r.wscaleOk = true;
          r.sndWscale = Math.min(b[p + 2]!, 14);
        }
        break;
      case TCPOPT_TIMESTAMP:
        if (size === 10 && (!syn || sys.tcpTimestamps)) {
          r.sawTstamp = true;
          r.tstampOk = syn;
          r.tsval = readU32(b, p + 2);
          r.tsecr = readU32(b, p + 6);
        }
        break;
      case TCPOPT_SACK_PERM:
        if (size === 2 && syn && sys.tcpSack) r.sackOk = true;
        break;
    }
    p += size;
  }
  return r;
}

/** net/ipv4/tcp_input.c: tcp_reset() — the peer reset the connection */
function tcpReset(sk: TcpSock): void {
  let err: string;
  switch (sk.state) {
    case TCP_SYN_SENT:
      err = "ECONNREFUSED";
      break;
    case TCP_CLOSE_WAIT:
      err = "EPIPE";
      break;
    case TCP_CLOSE:
      return;
    default:
      err = "ECONNRESET";
  }
  if (sk.state === TCP_ESTABLISHED || sk.state === TCP_CLOSE_WAIT) tcpStats(sk.net).EstabResets++;
  sk.rcvEof = true;
  sk.tcpDone(sk.orphan ? undefined : kerr(err as "ECONNRESET"));
}

/** tcp_ack_update_rtt() + tcp_set_rto(): srtt from the timed segment, rto = srtt + 200 ms */
function tcpAckUpdateRtt(sk: TcpSock): void {
  if (sk.rttStamp < 0) return;
  const m = Math.max(sk.sched.now - sk.rttStamp, 1);
  sk.rttStamp = -1;
  sk.srtt = sk.srtt ? (7 * sk.srtt + m) / 8 : m;
  sk.rto = Math.floor(sk.srtt + TCP_RTO_MIN);
}

/** net/ipv4/tcp_input.c: tcp_ack() + tcp_clean_rtx_queue(); false: drop the segment */
function tcpAck(sk: TcpSock, seg: TcpSeg): boolean {
  const ack = seg.ack;
  if (after(ack, sk.sndNxt)) {
    // it acks what we never sent
    tcpSendAck(sk);
    return false;
  }
  sk.sndWnd = seg.window << sk.sndWscale;
  if (sk.sndWnd > sk.maxWindow) sk.maxWindow = sk.sndWnd;
  if (!after(ack, sk.sndUna)) return true;
  let acked = (ack - sk.sndUna) >>> 0;
  const data = Math.min(acked, sk.wqLen);
  if (data > 0) {
    sk.wq.copyWithin(0, data, sk.wqLen);
    sk.wqLen -= data;
  }
  sk.sndUna = ack >>> 0;
  acked -= data;
  // tcp_cong_avoid(): Reno's slow start and congestion avoidance, per acked segment
  const segs = Math.max(1, Math.ceil(data / Math.max(sk.mssCache, 1)));
  if (sk.sndCwnd < sk.sndSsthresh) sk.sndCwnd = Math.min(sk.sndCwnd + segs, sk.sndSsthresh);
  else if (++sk.sndCwndCnt >= sk.sndCwnd) {
    sk.sndCwndCnt = 0;
    sk.sndCwnd++;
  }
  tcpAckUpdateRtt(sk);
  sk.retransmits = 0;
  sk.retransStamp = -1;
  sk.backoff = 0;
  if (sk.sndUna === sk.sndNxt) sk.retransmitTimer?.cancel();
  else tcpResetXmitTimer(sk, sk.rto);
  return true;
}

/** is our FIN acknowledged? */
function finAcked(sk: TcpSock): boolean {
  return sk.finQueued && sk.sndUna === sk.writeSeq;
}

/** net/ipv4/tcp_input.c: tcp_initialize_rcv_mss() (tcp_init_transfer(), here at the first data) */
function tcpInitializeRcvMss(sk: TcpSock): void {
  let hint = Math.min(sk.advmss, sk.mssCache);
  hint = Math.min(hint, Math.floor(sk.rcvWnd / 2));
  hint = Math.min(hint, TCP_MSS_DEFAULT);
  sk.rcvMss = Math.max(hint, TCP_MIN_MSS);
}

/** net/ipv4/tcp_input.c: tcp_measure_rcv_mss(); `len` bytes of data, a header of `hdrLen` */
function tcpMeasureRcvMss(sk: TcpSock, len: number, hdrLen: number, flags: number): void {
  if (!sk.rcvMss) tcpInitializeRcvMss(sk);
  const lss = sk.lastSegSize;
  sk.lastSegSize = 0;
  if (len >= sk.rcvMss) {
    sk.rcvMss = Math.min(len, sk.advmss);
    return;
  }
  // a small segment: a full-sized one of a peer with a small MSS (not a FIN/URG/SYN/PSH remnant)
  len += hdrLen;
  const remnant = (flags & (TCP_FIN | TCP_SYN | TCP_PSH | TCP_URG)) !== 0;
  if (len >= TCP_MSS_DEFAULT + 20 || (len >= TCP_MIN_MSS + 20 && !remnant)) {
    len -= sk.tstampOk ? 32 : 20;
    sk.lastSegSize = len;
    if (len === lss) sk.rcvMss = len;
  }
}

/** net/ipv4/tcp_input.c: tcp_incr_quickack() */
function tcpIncrQuickack(sk: TcpSock, maxQuickacks: number): void {
  let quickacks = Math.floor(sk.rcvWnd / (2 * sk.rcvMss));
  if (quickacks === 0) quickacks = 2;
  quickacks = Math.min(quickacks, maxQuickacks);
  if (quickacks > sk.quick) sk.quick = quickacks;
}

/** net/ipv4/tcp_input.c: __tcp_ack_snd_check() */
function tcpAckSndCheck(sk: TcpSock, ofo: boolean): void {
  if (!sk.ackPending) return;
  if (ofo || ((sk.rcvNxt - sk.rcvWup) >>> 0) > sk.mssCache || (sk.quick > 0 && !sk.pingpong)) {
    sk.ackPending = false;
    tcpSendAck(sk);
    return;
  }
  tcpSendDelayedAck(sk);
}

/** net/ipv4/tcp_input.c: tcp_fin() */
function tcpFin(sk: TcpSock): void {
  sk.shutdownFlags |= RCV_SHUTDOWN;
  sk.rcvEof = true;
  switch (sk.state) {
    case TCP_SYN_RECV:
    case TCP_ESTABLISHED:
      sk.setState(TCP_CLOSE_WAIT);
      sk.pingpong = true;
      sk.ackPending = true;
      break;
    case TCP_FIN_WAIT1:
      sk.ackPending = false;
      tcpSendAck(sk);
      sk.state = TCP_CLOSING;
      break;
    case TCP_FIN_WAIT2:
      sk.ackPending = false;
      tcpSendAck(sk);
      tcpTimeWait(sk, TCP_TIME_WAIT, TCP_TIMEWAIT_LEN);
      break;
    default:
      break;
  }
  sk.dataReady();
}

/** net/ipv4/tcp_input.c: tcp_rcv_synsent_state_process() */
function tcpRcvSynsentStateProcess(sk: TcpSock, seg: TcpSeg): void {
  if (seg.flags & TCP_ACK) {
    if (seg.ack !== sk.sndNxt) {
      if (!(seg.flags & TCP_RST)) tcpV4SendResetSeg(sk, seg);
      return;
    }
    if (seg.flags & TCP_RST) {
      tcpStats(sk.net).AttemptFails++;
      tcpReset(sk);
      return;
    }
    if (!(seg.flags & TCP_SYN)) return;
    const o = seg.opt;
    sk.irsSet(seg.seq);
    sk.sndUna = seg.ack;
    sk.sndWnd = seg.window; // a SYN's window is never scaled
    sk.wscaleOk = o.wscaleOk;
    sk.sndWscale = o.wscaleOk ? o.sndWscale : 0;
    if (!o.wscaleOk) sk.rcvWscale = 0;
    sk.sackOk = o.sackOk;
    sk.tstampOk = o.tstampOk;
    if (o.tstampOk) sk.tsRecent = o.tsval;
    tcpSyncMss(sk, o.mss);
    tcpAckUpdateRtt(sk);
    sk.retransmits = 0;
    sk.retransStamp = -1;
    sk.retransmitTimer?.cancel();
    sk.rto = Math.max(sk.rto, TCP_RTO_MIN);
    if (sk.rto === TCP_TIMEOUT_INIT && sk.srtt) sk.rto = Math.floor(sk.srtt + TCP_RTO_MIN);
    tcpEstablishedMss(sk);
    sk.setState(TCP_ESTABLISHED);
    tcpInitBufferSpace(sk);
    // tcp_finish_connect(); the third packet of the handshake
    tcpSendAck(sk);
    sk.dataReady();
    tcpWriteXmit(sk, false);
    return;
  }
  if (seg.flags & TCP_RST) return;
  // a SYN without ACK: simultaneous open, not emulated — drop
}

/** MAX_TCP_HEADER (L1_CACHE_ALIGN(128 + MAX_HEADER): 256 for the lab machines' kernel, whose
 * 1460-byte segments cost 2 kB heads) and the aligned sizes of struct skb_shared_info and
 * struct sk_buff on x86_64 */
const MAX_TCP_HEADER = 256;
const SHINFO_SIZE = 320;
const SKB_SIZE = 256;

/**
 * net/ipv4/tcp_input.c: tcp_init_buffer_space() -> tcp_sndbuf_expand() once the connection is
 * established: room for twice (bbr: three times, its sndbuf_expand) the initial window of
 * worst-case skbs, capped by tcp_wmem[2]; not when SO_SNDBUF fixed the size.
 */
function tcpInitBufferSpace(sk: TcpSock): void {
  const s = ipv4Sysctl(sk.net);
  if (!(sk.userlocks & SOCK_SNDBUF_LOCK)) {
    let perMss = Math.max(sk.mssClamp, sk.mssCache) + MAX_TCP_HEADER + SHINFO_SIZE;
    perMss = 2 ** Math.ceil(Math.log2(perMss)) + SKB_SIZE;
    const nrSegs = Math.max(TCP_INIT_CWND, sk.sndCwnd, sk.reordering + 1);
    const sndmem = (s.tcpCongestionControl === "bbr" ? 3 : 2) * nrSegs * perMss;
    if (sk.sndbuf < sndmem) sk.sndbuf = Math.min(sndmem, s.tcpWmem[2]);
  }
  // the window clamp leaves 1/2^tcp_app_win of the buffer to the application, and at least
  // one segment's room
  const appWin = s.tcpAppWin;
  const maxwin = tcpFullSpace(sk);
  if (sk.windowClamp >= maxwin) {
    sk.windowClamp = maxwin;
    if (appWin && maxwin > 4 * sk.advmss) sk.windowClamp = Math.max(maxwin - Math.floor(maxwin / 2 ** appWin), 4 * sk.advmss);
  }
  /* Force reservation of one segment. */
  if (appWin && sk.windowClamp > 2 * sk.advmss && sk.windowClamp + sk.advmss > maxwin) {
    sk.windowClamp = Math.max(2 * sk.advmss, maxwin - sk.advmss);
  }
  sk.rcvSsthresh = Math.min(sk.rcvSsthresh, sk.windowClamp);
}

/**
 * net/ipv4/tcp_input.c: tcp_grow_window(): a segment of data whose overhead would still fit
 * the buffer lets the window grow (rcv_ssthresh) towards the clamp, as far as memory allows
 */
function tcpGrowWindow(sk: TcpSock, len: number): void {
  const room = Math.min(sk.windowClamp, tcpSpace(sk)) - sk.rcvSsthresh;
  if (room <= 0) return;
  const ts = truesize(len);
  let incr: number;
  /* Check #2. Increase window, if skb with such overhead will fit to rcvbuf in future. */
  if (tcpWinFromSpace(ts) <= len) incr = 2 * sk.advmss;
  else {
    // __tcp_grow_window()
    let t = tcpWinFromSpace(ts) >> 1;
    let window = tcpWinFromSpace(ipv4Sysctl(sk.net).tcpRmem[2]) >> 1;
    incr = 0;
    while (sk.rcvSsthresh <= window) {
      if (t <= len) {
        incr = 2 * sk.rcvMss;
        break;
      }
      t >>= 1;
      window >>= 1;
    }
  }
  if (incr) {
    incr = Math.max(incr, 2 * len);
    sk.rcvSsthresh += Math.min(room, incr);
    sk.quick |= 1;
  }
}

/** the connection is established: the timestamp option's room comes off the advertised MSS
 * (tp->advmss -= TCPOLEN_TSTAMP_ALIGNED), the receive MSS gets its first guess */
function tcpEstablishedMss(sk: TcpSock): void {
  if (sk.tstampOk) sk.advmss -= TCPOLEN_TSTAMP_ALIGNED;
  tcpInitializeRcvMss(sk);
}

/** tcp_sync_mss(): the segment size once the peer's MSS is known */
function tcpSyncMss(sk: TcpSock, peerMss: number): void {
  const mss = Math.min(peerMss || 536, sk.advmss);
  sk.mssClamp = peerMss || 536;
  sk.mssCache = mss - (sk.tstampOk ? 12 : 0);
}

/** net/ipv4/tcp_input.c: tcp_rcv_state_process() for synchronized states */
export function tcpRcvStateProcess(sk: TcpSock, seg: TcpSeg): void {
  if (sk.state === TCP_SYN_SENT) {
    tcpRcvSynsentStateProcess(sk, seg);
    return;
  }
  if (sk.state === TCP_TIME_WAIT) return;
  const b = seg.skb.buf;
  let seq = seg.seq;
  let doff = seg.doff;
  let len = seg.len;
  const fin = (seg.flags & TCP_FIN) !== 0;
  // tcp_sequence(): is it in the window?
  const rcvEnd = (sk.rcvNxt + Math.max(tcpReceiveWindow(sk), 1)) >>> 0;
  const segEnd = (seq + len + (fin ? 1 : 0)) >>> 0;
  if (before(segEnd, sk.rcvNxt) || (segEnd === sk.rcvNxt && len === 0 && !fin && seq !== sk.rcvNxt) || !before(seq, rcvEnd) && (len > 0 || fin)) {
    // tcp_send_dupack()
    if (!(seg.flags & TCP_RST)) tcpSendAck(sk);
    return;
  }
  if (seg.flags & TCP_RST) {
    if (seq === sk.rcvNxt) tcpReset(sk);
    else tcpSendAck(sk); // challenge ACK
    return;
  }
  if (seg.opt.sawTstamp && sk.tstampOk && !after(seq, sk.rcvWup)) sk.tsRecent = seg.opt.tsval;
  if (seg.flags & TCP_SYN) {
    // tcp_send_challenge_ack()
    tcpSendAck(sk);
    return;
  }
  if (!(seg.flags & TCP_ACK)) return;
  if (sk.state === TCP_SYN_RECV) {
    if (seg.ack !== sk.sndNxt) {
      tcpV4SendResetSeg(sk, seg);
      return;
    }
    sk.sndUna = seg.ack;
    sk.sndWnd = seg.window << sk.sndWscale;
    tcpAckUpdateRtt(sk);
    sk.retransmits = 0;
    sk.retransStamp = -1;
    sk.retransmitTimer?.cancel();
    sk.rto = sk.srtt ? Math.floor(sk.srtt + TCP_RTO_MIN) : TCP_TIMEOUT_INIT;
    tcpEstablishedMss(sk);
    sk.setState(TCP_ESTABLISHED);
    tcpInitBufferSpace(sk);
    if (sk.parent) inetCskReqskQueueAdd(sk.parent, sk);
  } else if (!tcpAck(sk, seg)) return;
  switch (sk.state) {
    case TCP_FIN_WAIT1:
      if (finAcked(sk)) {
        sk.state = TCP_FIN_WAIT2;
        sk.shutdownFlags |= 2;
        if (sk.orphan && !fin) tcpTimeWait(sk, TCP_FIN_WAIT2, tcpFinTime(sk));
      }
      break;
    case TCP_CLOSING:
      if (finAcked(sk)) {
        tcpTimeWait(sk, TCP_TIME_WAIT, TCP_TIMEWAIT_LEN);
        return;
      }
      break;
    case TCP_LAST_ACK:
      if (finAcked(sk)) {
        sk.tcpDone(undefined);
        return;
      }
      break;
  }
  // tcp_data_queue()
  let ofo = false;
  if (len > 0 || fin) {
    if (before(seq, sk.rcvNxt)) {
      const cut = (sk.rcvNxt - seq) >>> 0;
      doff += Math.min(cut, len);
      len -= Math.min(cut, len);
      seq = sk.rcvNxt;
    }
    if (seq !== sk.rcvNxt) {
      ofo = true; // out of order: dropped here, the peer retransmits; a dup ACK says where we are
      sk.ackPending = true;
    } else {
      if (len > 0) {
        if (sk.shutdownFlags & RCV_SHUTDOWN && sk.orphan) {
          // data after close(): tcp_reset() and RST (tcp_rcv_state_process, FIN_WAIT1/2)
          tcpSendActiveReset(sk);
          tcpReset(sk);
          return;
        }
        if (sk.state === TCP_ESTABLISHED || sk.state === TCP_FIN_WAIT1 || sk.state === TCP_FIN_WAIT2) {
          // tcp_event_data_recv(): the first data starts quickack mode
          tcpMeasureRcvMss(sk, len, seg.doff, seg.flags);
          if (!sk.ato) {
            tcpIncrQuickack(sk, TCP_MAX_QUICKACKS);
            sk.ato = TCP_ATO_MIN;
          }
          sk.queueData(b.slice(doff, doff + len));
          if (len >= 128) tcpGrowWindow(sk, len);
          sk.rcvNxt = (sk.rcvNxt + len) >>> 0;
          sk.ackPending = true;
        }
      }
      if (fin && sk.state !== TCP_CLOSE_WAIT && sk.state !== TCP_CLOSING && sk.state !== TCP_LAST_ACK) {
        sk.rcvNxt = (sk.rcvNxt + 1) >>> 0;
        tcpFin(sk);
      }
    }
  }
  if (sk.state !== TCP_CLOSE && sk.state !== TCP_TIME_WAIT) {
    tcpWriteXmit(sk, false);
    tcpAckSndCheck(sk, ofo);
  }
}

/** net/ipv4/tcp_minisocks.c: tcp_timewait_state_process(); true: the segment may open anew */
export function tcpTimewaitStateProcess(tw: TcpSock, seg: TcpSeg): boolean {
  if (seg.flags & TCP_RST) return false;
  if (seg.flags & TCP_SYN && !(seg.flags & TCP_ACK) && after(seg.seq, tw.rcvNxt)) {
    // a new incarnation: kill the TIME_WAIT socket, let the listener have the SYN
    tw.twTimer?.cancel();
    tw.tcpDone(undefined);
    return true;
  }
  if (seg.flags & TCP_FIN || seg.len > 0 || seg.flags & TCP_SYN) {
    // a retransmitted FIN: ACK it again and restart the 2MSL wait
    if (tw.state === TCP_TIME_WAIT) tw.twTimer?.mod(tw.sched.now + TCP_TIMEWAIT_LEN);
    tcpSendAck(tw);
  }
  return false;
}

/**
 * net/ipv4/tcp_input.c: tcp_conn_request() + tcp_minisocks.c: tcp_create_openreq_child():
 * a SYN to a listener makes a child in SYN_RECV (hashed in ehash as a request sock would be)
 * and answers with a SYN-ACK.
 */
export function tcpConnRequest(lsk: TcpSock, seg: TcpSeg): void {
  const net = lsk.net;
  if (skAcceptqIsFull(lsk) || lsk.reqs.length > lsk.maxAckBacklog) {
    tcpStats(net).ListenOverflows++;
    tcpStats(net).ListenDrops++;
    return;
  }
  const c = lsk.newChild(seg);
  c.parent = lsk;
  c.reuseaddr = lsk.reuseaddr;
  c.reuseport = lsk.reuseport;
  if (!c.boundDevIf) c.boundDevIf = lsk.boundDevIf;
  c.mark = lsk.mark;
  c.tos = lsk.tos;
  c.ucTtl = lsk.ucTtl;
  c.nodelay = lsk.nodelay;
  c.inetId = netRng(net).u32() & 0xffff;
  inetBindHash(c, lsk.inetNum);
  const o = seg.opt;
  c.wscaleOk = o.wscaleOk;
  c.sndWscale = o.wscaleOk ? o.sndWscale : 0;
  c.sackOk = o.sackOk;
  c.tstampOk = o.tstampOk;
  c.tsRecent = o.tsval;
  // tcp_ecn_create_request(): a SYN with ECE and CWR, not itself ECN-capable (or with the
  // reserved bits set), gets ECN when tcp_ecn allows it
  if ((seg.flags & (TCP_ECE | TCP_CWR)) === (TCP_ECE | TCP_CWR)) {
    const b = seg.skb.buf;
    // the ECN field: the low bits of the TOS, or of the IPv6 traffic class
    const nh = seg.skb.networkHeader;
    const ect = (c.family === 10 ? (b[nh + 1]! >>> 4) & 3 : b[nh + 1]! & 3) !== 0;
    const res1 = (b[seg.th + 12]! & 0x0f) !== 0;
    if ((!ect || res1) && ipv4Sysctl(net).tcpEcn !== 0) c.ecnOk = true;
  }
  if (o.tstampOk) {
    const tsOff = netRng(net).u32();
    c.tsOffset = ipv4Sysctl(net).tcpTimestamps === 1 ? tsOff : 0;
  } else c.tsOffset = 0;
  c.advmss = c.routeAdvmss();
  tcpSyncMss(c, o.mss);
  // sk_clone_lock(): the child has the listener's buffers and buffer locks, not its port
  // lock (ss counts it autobound); tcp_openreq_init_rwin(): its window from the listener's
  // full space (a fixed SO_RCVBUF also clamps it)
  c.rcvbuf = lsk.rcvbuf;
  c.sndbuf = lsk.sndbuf;
  c.userlocks = lsk.userlocks & ~SOCK_BINDPORT_LOCK;
  const clamp = tcpUserClamp(lsk, lsk.windowClamp);
  const w = tcpSelectInitialWindow(lsk, tcpFullSpace(lsk), c.advmss - (c.tstampOk ? TCPOLEN_TSTAMP_ALIGNED : 0), clamp, o.wscaleOk);
  c.rcvWnd = w.rcvWnd;
  c.windowClamp = w.windowClamp;
  c.rcvWscale = w.rcvWscale;
  c.rcvSsthresh = c.rcvWnd;
  c.rcvNxt = c.copiedSeq = c.rcvWup = (seg.seq + 1) >>> 0;
  c.iss = netRng(net).u32();
  c.sndUna = c.iss;
  c.sndNxt = c.writeSeq = (c.iss + 1) >>> 0;
  c.sndWnd = seg.window;
  c.state = TCP_SYN_RECV;
  inetEhashInsert(c);
  lsk.reqs.push(c);
  tcpStats(net).PassiveOpens++;
  tcpSendSynack(c);
  tcpResetXmitTimer(c, TCP_TIMEOUT_INIT);
}

// set by tcp_ipv4.ts (tcp_v4_send_reset for a segment that reached a socket)
let sendReset: (seg: TcpSeg) => void = () => undefined;
let sendReset6: (seg: TcpSeg) => void = () => undefined;
export function setTcpSendReset(fn: (seg: TcpSeg) => void): void {
  sendReset = fn;
}
/** set by tcp_ipv6.ts: tcp_v6_send_reset() */
export function setTcpV6SendReset(fn: (seg: TcpSeg) => void): void {
  sendReset6 = fn;
}
function tcpV4SendResetSeg(_sk: TcpSock, seg: TcpSeg): void {
  if (seg.saddr6) sendReset6(seg);
  else sendReset(seg);
}

