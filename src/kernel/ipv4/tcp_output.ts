/**
 * net/ipv4/tcp_output.c: building and sending segments — tcp_transmit_skb() (header, options
 * as tcp_options_write() lays them out, checksum, ip_queue_xmit), tcp_select_window(),
 * tcp_connect() (the SYN), tcp_make_synack(), tcp_send_ack(), tcp_send_fin(),
 * tcp_write_xmit() (MSS segmentation, the peer's window, Nagle), tcp_retransmit_skb() and
 * tcp_send_active_reset().
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import { isKErr } from "../uapi/errno.ts";
import { writeU16, writeU32 } from "../../wire/addr.ts";
import { TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK, TCP_ECE } from "../../wire/tcp.ts";
import { csumPartial, csumFold, csumTcpudpNofold } from "../../wire/checksum.ts";
import { flowi4, ipRouteOutputKey, ipv4Mtu, type Rtable } from "./route.ts";
import { ipSendData } from "./ip_output.ts";
import { ipv4Sysctl } from "./icmp.ts";
import {
  type TcpSock, tcpStats, tcpExtInc, TCP_SYN_SENT, TCP_SYN_RECV, TCP_MSS_DEFAULT, TCP_RMEM_TO_WIN_SCALE, TCP_DEFAULT_SCALING_RATIO,
} from "./tcp.ts";
import { netCoreSysctl } from "../core/sysctl.ts";
import { SOCK_RCVBUF_LOCK } from "../socket/sock.ts";
import { tcpResetXmitTimer } from "./tcp_timer.ts";

// include/net/tcp.h: option kinds and lengths
export const TCPOPT_NOP = 1;
export const TCPOPT_EOL = 0;
export const TCPOPT_MSS = 2;
export const TCPOPT_WINDOW = 3;
export const TCPOPT_SACK_PERM = 4;
export const TCPOPT_SACK = 5;
export const TCPOPT_TIMESTAMP = 8;
/** include/net/tcp.h: U16_MAX (the largest unscaled window), TCP_MAX_WSCALE,
 * MAX_TCP_WINDOW (the cap tcp_workaround_signed_windows puts on an unscaled window) */
const U16_MAX = 65535;
const TCP_MAX_WSCALE = 14;
const MAX_TCP_WINDOW = 32767;
/** TCPOLEN_TSTAMP_ALIGNED */
export const TCPOLEN_TSTAMP_ALIGNED = 12;

/** include/net/tcp.h: tcp_win_from_space() (a signed 64-bit product shifted: floors) */
export function tcpWinFromSpace(space: number): number {
  return Math.floor((space * TCP_DEFAULT_SCALING_RATIO) / (1 << TCP_RMEM_TO_WIN_SCALE));
}

/** tcp_space(): the window the free receive memory is worth (may be negative) */
export function tcpSpace(sk: TcpSock): number {
  return tcpWinFromSpace(sk.rcvbuf - sk.rmemAlloc);
}

/** tcp_full_space(): the window the whole receive buffer is worth */
export function tcpFullSpace(sk: TcpSock): number {
  return tcpWinFromSpace(sk.rcvbuf);
}

/** tcp_receive_window(): what is left of the window last advertised */
export function tcpReceiveWindow(sk: TcpSock): number {
  const win = (sk.rcvWup + sk.rcvWnd - sk.rcvNxt) | 0;
  return win < 0 ? 0 : win;
}

/** tcp_connect_init() / tcp_openreq_init_rwin(): a receive buffer the user fixed (SO_RCVBUF)
 * bounds the window clamp of `sk`'s connections */
export function tcpUserClamp(sk: TcpSock, clamp: number): number {
  if (sk.userlocks & SOCK_RCVBUF_LOCK && (clamp > tcpFullSpace(sk) || clamp === 0)) return tcpFullSpace(sk);
  return clamp;
}

/**
 * net/ipv4/tcp_output.c: tcp_select_initial_window(): the window of a SYN or SYN-ACK (a
 * multiple of the MSS within `space`), the window clamp, and the window scale that lets the
 * largest buffer the socket may grow to (tcp_rmem[2], net.core.rmem_max) be advertised.
 */
export function tcpSelectInitialWindow(
  sk: TcpSock,
  fullSpace: number,
  mss: number,
  windowClamp: number,
  wscaleOk: boolean,
): { rcvWnd: number; windowClamp: number; rcvWscale: number } {
  const s = ipv4Sysctl(sk.net);
  let space = Math.max(fullSpace, 0);
  /* If no clamp set the clamp to the max possible scaled window */
  const clamp = windowClamp || U16_MAX * 2 ** TCP_MAX_WSCALE;
  space = Math.min(clamp, space);
  /* Quantize space offering to a multiple of mss if possible. */
  if (space > mss) space = Math.floor(space / mss) * mss;
  const rcvWnd = s.tcpWorkaroundSignedWindows ? Math.min(space, MAX_TCP_WINDOW) : Math.min(space, U16_MAX);
  let rcvWscale = 0;
  if (wscaleOk) {
    /* Set window scaling on max possible window */
    space = Math.max(space, s.tcpRmem[2], netCoreSysctl(sk.net).rmemMax);
    space = Math.min(space, clamp);
    rcvWscale = Math.min(Math.max(31 - Math.clz32(space) - 15, 0), TCP_MAX_WSCALE);
  }
  /* Set the clamp no higher than max representable value */
  return { rcvWnd, windowClamp: Math.min(U16_MAX * 2 ** rcvWscale, clamp), rcvWscale };
}

const OPT_MSS = 1;
const OPT_WSCALE = 2;
const OPT_SACK_PERM = 4;
const OPT_TS = 8;

interface TcpOutOptions {
  flags: number;
  mss: number;
  wscale: number;
  tsval: number;
  tsecr: number;
}

/** the advertised MSS of a route: dst_metric_advmss() (ipv4_default_advmss) */
export function tcpAdvmss(rt: Rtable): number {
  return Math.min(ipv4Mtu(rt) - 40, 65535 - 40);
}

/** tcp_time_stamp_ts(): the TSval clock (ms) plus the connection's offset */
export function tcpTimeStamp(sk: TcpSock): number {
  return (Math.floor(sk.sched.now / 1000) + sk.tsOffset) >>> 0;
}

/**
 * net/ipv4/tcp_output.c: __tcp_select_window(): the window the free receive memory allows,
 * no more than rcv_ssthresh; with little memory left, a zero window rather than one too small
 * to use. Without window scaling, a multiple of the peer's MSS.
 */
export function __tcpSelectWindow(sk: TcpSock, shrinkWindow = ipv4Sysctl(sk.net).tcpShrinkWindow): number {
  let mss = sk.rcvMss || TCP_MSS_DEFAULT;
  let freeSpace = tcpSpace(sk);
  const allowedSpace = tcpFullSpace(sk);
  const fullSpace = Math.min(sk.windowClamp, allowedSpace);
  const scale = 2 ** sk.rcvWscale;
  if (mss > fullSpace) {
    mss = fullSpace;
    if (mss <= 0) return 0;
  }
  if (shrinkWindow && sk.rcvWscale) {
    /* shrink_window_allowed: a window is always a whole number of scale units */
    freeSpace = Math.floor(freeSpace / scale) * scale;
    if (freeSpace < fullSpace >> 1) {
      sk.quick = 0;
      if (freeSpace < allowedSpace >> 4 || freeSpace < mss || freeSpace < scale) return 0;
    }
    if (freeSpace > sk.rcvSsthresh) freeSpace = Math.ceil(sk.rcvSsthresh / scale) * scale;
    return freeSpace;
  }
  /* do not allow window to shrink */
  if (freeSpace < fullSpace >> 1) {
    sk.quick = 0;
    /* free_space might become our new window, make sure we don't increase it due to wscale */
    freeSpace = Math.floor(freeSpace / scale) * scale;
    /* below an MSS or 1/16th of the buffer: move to a zero window */
    if (freeSpace < allowedSpace >> 4 || freeSpace < mss) return 0;
  }
  if (freeSpace > sk.rcvSsthresh) freeSpace = sk.rcvSsthresh;
  if (sk.rcvWscale) {
    /* Advertise enough space so that it won't get scaled away */
    return Math.ceil(freeSpace / scale) * scale;
  }
  let window = sk.rcvWnd;
  /* the largest multiple of the MSS, unless the window offered is within an MSS of the space */
  if (window <= freeSpace - mss || window > freeSpace) window = Math.floor(freeSpace / mss) * mss;
  else if (mss === fullSpace && freeSpace > window + (fullSpace >> 1)) window = freeSpace;
  return window;
}

/** net/ipv4/tcp_output.c: tcp_select_window(): the window field of a segment (scaled) */
function tcpSelectWindow(sk: TcpSock): number {
  const s = ipv4Sysctl(sk.net);
  const oldWin = sk.rcvWnd;
  const curWin = tcpReceiveWindow(sk);
  let newWin = __tcpSelectWindow(sk, s.tcpShrinkWindow);
  const scale = 2 ** sk.rcvWscale;
  if (newWin < curWin && (!s.tcpShrinkWindow || !sk.rcvWscale)) {
    /* Never shrink the offered window */
    if (newWin === 0) tcpExtInc(sk.net, "TCPWantZeroWindowAdv");
    newWin = Math.ceil(curWin / scale) * scale;
  }
  sk.rcvWnd = newWin;
  sk.rcvWup = sk.rcvNxt;
  /* Make sure we do not exceed the maximum possible scaled window */
  if (!sk.rcvWscale && s.tcpWorkaroundSignedWindows) newWin = Math.min(newWin, MAX_TCP_WINDOW);
  else newWin = Math.min(newWin, U16_MAX * scale);
  /* RFC1323 scaling applied */
  newWin = Math.floor(newWin / scale);
  if (newWin === 0) {
    if (oldWin) tcpExtInc(sk.net, "TCPToZeroWindowAdv");
  } else if (oldWin === 0) tcpExtInc(sk.net, "TCPFromZeroWindowAdv");
  return newWin;
}

/** net/ipv4/tcp_output.c: tcp_options_write() — returns the options' length */
function tcpOptionsWrite(b: Uint8Array, o: number, opts: TcpOutOptions): number {
  let p = o;
  if (opts.flags & OPT_MSS) {
    b[p++] = TCPOPT_MSS;
    b[p++] = 4;
    writeU16(b, p, opts.mss);
    p += 2;
  }
  if (opts.flags & OPT_TS) {
    if (opts.flags & OPT_SACK_PERM) {
      b[p++] = TCPOPT_SACK_PERM;
      b[p++] = 2;
    } else {
      b[p++] = TCPOPT_NOP;
      b[p++] = TCPOPT_NOP;
    }
    b[p++] = TCPOPT_TIMESTAMP;
    b[p++] = 10;
    writeU32(b, p, opts.tsval);
    writeU32(b, p + 4, opts.tsecr);
    p += 8;
  } else if (opts.flags & OPT_SACK_PERM) {
    b[p++] = TCPOPT_NOP;
    b[p++] = TCPOPT_NOP;
    b[p++] = TCPOPT_SACK_PERM;
    b[p++] = 2;
  }
  if (opts.flags & OPT_WSCALE) {
    b[p++] = TCPOPT_NOP;
    b[p++] = TCPOPT_WINDOW;
    b[p++] = 3;
    b[p++] = opts.wscale;
  }
  return p - o;
}

const scratch = { b: new Uint8Array(4096) };

/** set by tcp_ipv6.ts: the IPv6 half of sending a segment (`b` holds its `len` bytes, the
 * checksum field 0) from an AF_INET6 socket's addresses */
let tcpV6Xmit: (net: Net, sk: TcpSock, b: Uint8Array, len: number) => boolean = () => false;
export function setTcpV6Xmit(fn: typeof tcpV6Xmit): void {
  tcpV6Xmit = fn;
}

/** the output route of a connected socket (__sk_dst_check + ip_route_output_ports) */
export function tcpRoute(sk: TcpSock): Rtable | undefined {
  const fl4 = flowi4(sk.inetDaddr, sk.inetSaddr, sk.boundDevIf);
  fl4.proto = 6;
  fl4.mark = sk.mark;
  fl4.tos = sk.tos & 0x1e;
  const rt = ipRouteOutputKey(sk.net, fl4);
  if (isKErr(rt)) return undefined;
  return rt;
}

/**
 * Build one segment and hand it to IP: net/ipv4/tcp_output.c: __tcp_transmit_skb() +
 * net/ipv4/ip_output.c: __ip_queue_xmit(). `idSk` is the socket whose inet_id numbers the
 * packet (none for SYN-ACKs and resets: their DF packets carry id 0).
 */
export function tcpTransmit(
  net: Net, sk: TcpSock, saddr: number, daddr: number, sport: number, dport: number,
  seq: number, ack: number, flags: number, window: number, opts: TcpOutOptions,
  payload: Uint8Array | undefined, idSk: TcpSock | undefined, ttl: number, anysrc = false, ctFrom?: SkBuff,
): boolean {
  const v6 = sk.family === 10;
  let rt: Rtable | undefined;
  const fl4 = flowi4(daddr, saddr, sk.boundDevIf);
  if (!v6) {
    fl4.proto = 6;
    fl4.mark = sk.mark;
    fl4.anysrc = anysrc;
    const r = ipRouteOutputKey(net, fl4);
    if (isKErr(r)) return false;
    rt = r;
  }
  const plen = payload ? payload.length : 0;
  if (scratch.b.length < 60 + plen) scratch.b = new Uint8Array((60 + plen) * 2);
  const b = scratch.b;
  writeU16(b, 0, sport);
  writeU16(b, 2, dport);
  writeU32(b, 4, seq >>> 0);
  writeU32(b, 8, flags & TCP_ACK ? ack >>> 0 : 0);
  const olen = tcpOptionsWrite(b, 20, opts);
  const hlen = 20 + olen;
  b[12] = (hlen >> 2) << 4;
  b[13] = flags;
  writeU16(b, 14, window);
  b[16] = 0;
  b[17] = 0;
  b[18] = 0;
  b[19] = 0;
  if (payload) b.set(payload, hlen);
  const len = hlen + plen;
  // an AF_INET6 socket's segment: inet6_csk_xmit() / tcp_v6_send_response()
  if (v6) {
    if (!tcpV6Xmit(net, sk, b, len)) return false;
    tcpStats(net).OutSegs++;
    return true;
  }
  const src = saddr || fl4.saddr;
  // tcp_v4_send_check(): a socket's segments leave CHECKSUM_PARTIAL, the field holding the
  // pseudo-header sum; the replies of the control socket (RST, TIME_WAIT ACK:
  // ip_send_unicast_reply()) are summed in full
  const partial = !sk.ctl;
  writeU16(b, 16, partial ? ~csumFold(csumTcpudpNofold(src, daddr, len, 6)) & 0xffff : csumFold(csumTcpudpNofold(src, daddr, len, 6, csumPartial(b, 0, len))));
  ipSendData(net, rt!, {
    saddr: src, daddr, protocol: 6, tos: sk.tos, ttl, df: true,
    sk: idSk, owner: sk, mark: sk.mark, ...(partial ? { csumOffset: 16 } : {}), ...(ctFrom ? { ctFrom } : {}),
  }, b, len);
  tcpStats(net).OutSegs++;
  return true;
}

function ttlOf(sk: TcpSock): number {
  return sk.ucTtl === -1 ? ipv4Sysctl(sk.net).ipDefaultTtl : sk.ucTtl;
}

/** options of a segment of an established connection (timestamps only) */
function establishedOptions(sk: TcpSock): TcpOutOptions {
  return { flags: sk.tstampOk ? OPT_TS : 0, mss: 0, wscale: 0, tsval: tcpTimeStamp(sk), tsecr: sk.tsRecent };
}

/** __tcp_transmit_skb() for a socket of its own connection */
function tcpTransmitSkb(sk: TcpSock, seq: number, flags: number, payload?: Uint8Array): boolean {
  if (flags & TCP_ACK) tcpEventAckSent(sk);
  return tcpTransmit(sk.net, sk, sk.inetSaddr, sk.inetDaddr, sk.inetSport, sk.inetDport, seq, sk.rcvNxt, flags,
    tcpSelectWindow(sk), establishedOptions(sk), payload, sk, ttlOf(sk));
}

/** tcp_event_ack_sent(): an ACK went out, the delayed one is no longer due */
function tcpEventAckSent(sk: TcpSock): void {
  // tcp_dec_quickack_mode()
  if (sk.quick > 0) sk.quick--;
  sk.ackPending = false;
  sk.delackTimer?.cancel();
}

/** net/ipv4/tcp_output.c: tcp_connect() — send the SYN */
export function tcpConnect(sk: TcpSock): void {
  sk.advmss = sk.routeAdvmss();
  const w = tcpSelectInitialWindow(sk, tcpFullSpace(sk), sk.advmss, tcpUserClamp(sk, sk.windowClamp), sk.wscaleOk);
  sk.rcvWnd = w.rcvWnd;
  sk.windowClamp = w.windowClamp;
  sk.rcvWscale = w.rcvWscale;
  sk.rcvSsthresh = sk.rcvWnd;
  sk.sndUna = sk.iss;
  sk.sndNxt = (sk.iss + 1) >>> 0;
  sk.writeSeq = sk.sndNxt;
  sk.rcvNxt = 0;
  sk.retransStamp = sk.sched.now;
  tcpSendSyn(sk);
  tcpResetXmitTimer(sk, sk.rto);
}

function tcpSendSyn(sk: TcpSock): void {
  let f = OPT_MSS;
  if (sk.tstampOk) f |= OPT_TS;
  if (sk.sackOk) f |= OPT_SACK_PERM;
  if (sk.wscaleOk) f |= OPT_WSCALE;
  const opts: TcpOutOptions = {
    flags: f, mss: sk.advmss, wscale: sk.rcvWscale,
    tsval: tcpTimeStamp(sk), tsecr: 0,
  };
  if (sk.rttStamp < 0) sk.rttStamp = sk.sched.now;
  tcpTransmit(sk.net, sk, sk.inetSaddr, sk.inetDaddr, sk.inetSport, sk.inetDport, sk.iss, 0, TCP_SYN,
    Math.min(sk.rcvWnd, U16_MAX), opts, undefined, sk, ttlOf(sk));
}

/** net/ipv4/tcp_output.c: tcp_make_synack() + tcp_v4_send_synack() for a SYN_RECV child */
export function tcpSendSynack(req: TcpSock): void {
  let f = OPT_MSS;
  if (req.tstampOk) f |= OPT_TS;
  if (req.sackOk) f |= OPT_SACK_PERM;
  if (req.wscaleOk) f |= OPT_WSCALE;
  const opts: TcpOutOptions = { flags: f, mss: req.advmss, wscale: req.rcvWscale, tsval: tcpTimeStamp(req), tsecr: req.tsRecent };
  if (req.rttStamp < 0) req.rttStamp = req.sched.now;
  // tcp_ecn_make_synack()
  const flags = TCP_SYN | TCP_ACK | (req.ecnOk ? TCP_ECE : 0);
  tcpTransmit(req.net, req, req.inetSaddr, req.inetDaddr, req.inetSport, req.inetDport, req.iss, req.rcvNxt,
    flags, Math.min(req.rcvWnd, U16_MAX), opts, undefined, undefined, ttlOf(req));
}

/** net/ipv4/tcp_output.c: tcp_send_ack() */
export function tcpSendAck(sk: TcpSock): void {
  tcpTransmitSkb(sk, sk.sndNxt, TCP_ACK);
}

/** net/ipv4/tcp_output.c: tcp_send_fin() — queue the FIN behind the data and push */
export function tcpSendFin(sk: TcpSock): void {
  if (sk.finQueued) return;
  sk.finQueued = true;
  sk.writeSeq = (sk.writeSeq + 1) >>> 0;
  tcpWriteXmit(sk, true);
}

/** tcp_push(): send what the window and Nagle allow */
export function tcpPush(sk: TcpSock, _fromWrite: boolean): void {
  tcpWriteXmit(sk, false);
}

/** the sequence number just past the queued data (where the FIN goes) */
function dataEnd(sk: TcpSock): number {
  return (sk.sndUna + sk.wqLen) >>> 0;
}

/** net/ipv4/tcp_output.c: tcp_write_xmit() */
export function tcpWriteXmit(sk: TcpSock, push: boolean): void {
  if (sk.state === TCP_SYN_SENT || sk.state === TCP_SYN_RECV) return;
  let sent = false;
  for (;;) {
    const off = (sk.sndNxt - sk.sndUna) | 0;
    const avail = sk.wqLen - off;
    const end = dataEnd(sk);
    if (avail > 0) {
      const wndLeft = ((sk.sndUna + sk.sndWnd - sk.sndNxt) | 0);
      let len = Math.min(avail, sk.mssCache, Math.max(wndLeft, 0));
      if (len <= 0) break;
      // tcp_cwnd_test(): no more segments in flight than the congestion window
      if (Math.ceil(((sk.sndNxt - sk.sndUna) | 0) / sk.mssCache) >= sk.sndCwnd) break;
      // tcp_nagle_test(): a partial segment waits while data is in flight
      if (len < sk.mssCache && len === avail && !sk.nodelay && !push && sk.sndNxt !== sk.sndUna && !sk.finQueued) break;
      len = Math.max(len, 0);
      const last = off + len === sk.wqLen;
      let flags = TCP_ACK;
      if (last) flags |= TCP_PSH;
      const withFin = last && sk.finQueued;
      if (withFin) flags |= TCP_FIN;
      if (sk.rttStamp < 0) {
        sk.rttStamp = sk.sched.now;
        sk.rttSeq = sk.sndNxt;
      }
      tcpTransmitSkb(sk, sk.sndNxt, flags, sk.wq.subarray(off, off + len));
      sk.sndNxt = (sk.sndNxt + len + (withFin ? 1 : 0)) >>> 0;
      sent = true;
      continue;
    }
    if (sk.finQueued && sk.sndNxt === end) {
      tcpTransmitSkb(sk, sk.sndNxt, TCP_ACK | TCP_FIN);
      sk.sndNxt = (sk.sndNxt + 1) >>> 0;
      sent = true;
    }
    break;
  }
  if (sent && !sk.retransmitTimer?.pending) tcpResetXmitTimer(sk, sk.rto);
}

/** net/ipv4/tcp_output.c: tcp_retransmit_skb() after an RTO: go back to snd_una */
export function tcpRetransmitSkb(sk: TcpSock): void {
  tcpStats(sk.net).RetransSegs++;
  sk.rttStamp = -1;
  if (sk.state === TCP_SYN_SENT || sk.state === TCP_SYN_RECV) tcpExtInc(sk.net, "TCPSynRetrans");
  if (sk.state === TCP_SYN_SENT) {
    tcpSendSyn(sk);
    return;
  }
  if (sk.state === TCP_SYN_RECV) {
    tcpSendSynack(sk);
    return;
  }
  sk.sndNxt = sk.sndUna;
  tcpWriteXmit(sk, true);
}

/** net/ipv4/tcp_output.c: tcp_send_active_reset() */
export function tcpSendActiveReset(sk: TcpSock): void {
  if (!sk.inetDport) return;
  tcpStats(sk.net).OutRsts++;
  tcpTransmit(sk.net, sk, sk.inetSaddr, sk.inetDaddr, sk.inetSport, sk.inetDport, sk.sndNxt, sk.rcvNxt,
    TCP_RST | TCP_ACK, 0, establishedOptions(sk), undefined, sk, ttlOf(sk));
}

