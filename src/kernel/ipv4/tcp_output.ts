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
import { TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK } from "../../wire/tcp.ts";
import { csumPartial, csumFold, csumTcpudpNofold } from "../../wire/checksum.ts";
import { flowi4, ipRouteOutputKey, ipv4Mtu, type Rtable } from "./route.ts";
import { ipSendData } from "./ip_output.ts";
import { ipv4Sysctl } from "./icmp.ts";
import { type TcpSock, tcpStats, tcpExtInc, TCP_SYN_SENT, TCP_SYN_RECV } from "./tcp.ts";
import { tcpResetXmitTimer } from "./tcp_timer.ts";

// include/net/tcp.h: option kinds and lengths
export const TCPOPT_NOP = 1;
export const TCPOPT_EOL = 0;
export const TCPOPT_MSS = 2;
export const TCPOPT_WINDOW = 3;
export const TCPOPT_SACK_PERM = 4;
export const TCPOPT_SACK = 5;
export const TCPOPT_TIMESTAMP = 8;
/**
 * tcp_select_initial_window()'s rcv_wscale: ilog2(max(tcp_rmem[2], net.core.rmem_max)) - 15.
 * The lab machines (kernel 6.18) raise rmem_max to 32 MB, so their SYNs say "wscale 10"
 * (a stock Debian 12 host with rmem_max 208 kB and tcp_rmem[2] 6 MB would say 7).
 */
export const TCP_RCV_WSCALE = 10;
const MAX_TCP_WINDOW = 65535;

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

/** tcp_select_initial_window(): the window of a SYN or SYN-ACK (unscaled) */
export function tcpSelectInitialWindow(mss: number): number {
  return Math.floor(MAX_TCP_WINDOW / mss) * mss;
}

/** tcp_time_stamp_ts(): the TSval clock (ms) plus the connection's offset */
export function tcpTimeStamp(sk: TcpSock): number {
  return (Math.floor(sk.sched.now / 1000) + sk.tsOffset) >>> 0;
}

/** net/ipv4/tcp_output.c: tcp_select_window() */
function tcpSelectWindow(sk: TcpSock): number {
  const free = Math.max(0, sk.rcvbuf / 2 - sk.rmemAlloc);
  let win = Math.min(sk.rcvWnd, free);
  if (win < sk.rcvWnd) sk.rcvWndShrunk = true;
  if (sk.wscaleOk) {
    const s = sk.rcvWscale;
    if ((win >> s) << s !== win) win = ((win >> s) + 1) << s;
    win = Math.min(win >> s, 0xffff);
  } else win = Math.min(win, 0xffff);
  sk.rcvWup = sk.rcvNxt;
  return win;
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
  const fl4 = flowi4(daddr, saddr, sk.boundDevIf);
  fl4.proto = 6;
  fl4.mark = sk.mark;
  fl4.anysrc = anysrc;
  const rt = ipRouteOutputKey(net, fl4);
  if (isKErr(rt)) return false;
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
  const src = saddr || fl4.saddr;
  // tcp_v4_send_check(): a socket's segments leave CHECKSUM_PARTIAL, the field holding the
  // pseudo-header sum; the replies of the control socket (RST, TIME_WAIT ACK:
  // ip_send_unicast_reply()) are summed in full
  const partial = !sk.ctl;
  writeU16(b, 16, partial ? ~csumFold(csumTcpudpNofold(src, daddr, len, 6)) & 0xffff : csumFold(csumTcpudpNofold(src, daddr, len, 6, csumPartial(b, 0, len))));
  ipSendData(net, rt, {
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
  const rt = tcpRoute(sk);
  sk.advmss = rt ? tcpAdvmss(rt) : 536;
  sk.rcvWnd = tcpSelectInitialWindow(sk.advmss);
  sk.rcvWscale = sk.wscaleOk ? TCP_RCV_WSCALE : 0;
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
    Math.min(sk.rcvWnd, MAX_TCP_WINDOW), opts, undefined, sk, ttlOf(sk));
}

/** net/ipv4/tcp_output.c: tcp_make_synack() + tcp_v4_send_synack() for a SYN_RECV child */
export function tcpSendSynack(req: TcpSock): void {
  let f = OPT_MSS;
  if (req.tstampOk) f |= OPT_TS;
  if (req.sackOk) f |= OPT_SACK_PERM;
  if (req.wscaleOk) f |= OPT_WSCALE;
  const opts: TcpOutOptions = { flags: f, mss: req.advmss, wscale: req.rcvWscale, tsval: tcpTimeStamp(req), tsecr: req.tsRecent };
  if (req.rttStamp < 0) req.rttStamp = req.sched.now;
  tcpTransmit(req.net, req, req.inetSaddr, req.inetDaddr, req.inetSport, req.inetDport, req.iss, req.rcvNxt,
    TCP_SYN | TCP_ACK, Math.min(req.rcvWnd, MAX_TCP_WINDOW), opts, undefined, undefined, ttlOf(req));
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

