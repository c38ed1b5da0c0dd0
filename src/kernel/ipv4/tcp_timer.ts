/**
 * net/ipv4/tcp_timer.c: the retransmission timer (tcp_retransmit_timer, exponential backoff,
 * tcp_write_timeout: tcp_syn_retries / tcp_synack_retries / tcp_retries2, then ETIMEDOUT),
 * the delayed-ACK timer (tcp_delack_timer_handler) and, from tcp_minisocks.c, TIME_WAIT
 * (tcp_time_wait / inet_twsk_schedule) and the orphaned FIN_WAIT2 timeout.
 */
import { ipv4Sysctl } from "./icmp.ts";
import { kerr } from "../uapi/errno.ts";
import {
  type TcpSock, TCP_SYN_SENT, TCP_SYN_RECV, TCP_TIME_WAIT, TCP_FIN_WAIT2, TCP_RTO_MAX,
  TCP_DELACK_MIN, TCP_TIMEOUT_INIT, TCP_RTO_MIN, tcpStats, tcpExtInc,
} from "./tcp.ts";
import { tcpRetransmitSkb, tcpSendAck } from "./tcp_output.ts";
import { inetUnhash, inetPutPort } from "./inet_hashtables.ts";

/** inet_csk_reset_xmit_timer(ICSK_TIME_RETRANS) */
export function tcpResetXmitTimer(sk: TcpSock, when: number): void {
  if (!sk.retransmitTimer) sk.retransmitTimer = sk.sched.timer(() => tcpRetransmitTimer(sk), "tcp_retransmit_timer");
  sk.retransmitTimer.mod(sk.sched.now + Math.min(when, TCP_RTO_MAX));
}

/** inet_csk_clear_xmit_timers() */
export function tcpClearXmitTimers(sk: TcpSock): void {
  sk.retransmitTimer?.cancel();
  sk.delackTimer?.cancel();
  sk.ackPending = false;
}

/** net/ipv4/tcp_timer.c: tcp_model_timeout() — the time (ms) `boundary` exponential backoffs from
 * `rtoBase` take, RTOs capped at TCP_RTO_MAX */
function tcpModelTimeout(boundary: number, rtoBase: number): number {
  const thresh = Math.floor(Math.log2(Math.floor(TCP_RTO_MAX / rtoBase)));
  const t = boundary <= thresh
    ? ((2 << boundary) - 1) * rtoBase
    : ((2 << thresh) - 1) * rtoBase + (boundary - thresh) * TCP_RTO_MAX;
  return Math.floor(t / 1000);
}

/** net/ipv4/tcp_timer.c: retransmits_timed_out() — has the retransmission begun at
 * retrans_stamp lasted as long as `boundary` backoffs would? (millisecond timestamps) */
function retransmitsTimedOut(sk: TcpSock, boundary: number): boolean {
  if (!sk.retransmits || sk.retransStamp < 0) return false;
  const rtoBase = sk.state === TCP_SYN_SENT || sk.state === TCP_SYN_RECV ? TCP_TIMEOUT_INIT : TCP_RTO_MIN;
  const timeout = tcpModelTimeout(boundary, rtoBase);
  return Math.floor(sk.sched.now / 1000) - Math.floor(sk.retransStamp / 1000) - timeout >= 0;
}

/** net/ipv4/tcp_timer.c: tcp_orphan_retries() */
function tcpOrphanRetries(sk: TcpSock, alive: boolean): number {
  const r = ipv4Sysctl(sk.net).tcpOrphanRetries;
  return r === 0 && alive ? 8 : r;
}

/** net/ipv4/tcp_timer.c: tcp_write_timeout() — give up? A SYN after tcp_syn_retries (plus the
 * tcp_syn_linear_timeouts retries at a constant RTO) or as long as that many backoffs take; a
 * SYN-ACK after tcp_synack_retries; data after tcp_retries2 backoffs' time (an orphan's after
 * tcp_orphan_retries') */
function tcpWriteTimeout(sk: TcpSock): boolean {
  const sys = ipv4Sysctl(sk.net);
  let expired = false;
  let retryUntil: number;
  if (sk.state === TCP_SYN_RECV) {
    // the request's own timer (reqsk_timer_handler): a count of SYN-ACKs
    if (sk.retransmits < sys.tcpSynackRetries) return false;
    sk.tcpDone(undefined);
    return true;
  }
  if (sk.state === TCP_SYN_SENT) {
    retryUntil = sys.tcpSynRetries;
    expired = sk.retransmits >= retryUntil + sys.tcpSynLinearTimeouts;
  } else {
    retryUntil = sys.tcpRetries2;
    if (sk.orphan) retryUntil = tcpOrphanRetries(sk, sk.rto < TCP_RTO_MAX);
  }
  if (!expired) expired = retransmitsTimedOut(sk, retryUntil);
  if (!expired) return false;
  // tcp_write_err()
  if (sk.state === TCP_SYN_SENT) tcpStats(sk.net).AttemptFails++;
  sk.tcpDone(kerr("ETIMEDOUT"));
  tcpExtInc(sk.net, "TCPAbortOnTimeout");
  return true;
}

/** net/ipv4/tcp_timer.c: tcp_retransmit_timer() */
export function tcpRetransmitTimer(sk: TcpSock): void {
  if (sk.sndUna === sk.sndNxt && sk.state !== TCP_SYN_SENT && sk.state !== TCP_SYN_RECV) return;
  if (sk.state !== TCP_SYN_RECV) tcpExtInc(sk.net, "TCPTimeouts");
  if (tcpWriteTimeout(sk)) return;
  // tcp_enter_loss(): halve ssthresh, restart from one segment
  if (sk.retransmits === 0 && sk.state !== TCP_SYN_SENT && sk.state !== TCP_SYN_RECV) {
    const inflight = Math.max(1, Math.ceil(((sk.sndNxt - sk.sndUna) | 0) / Math.max(sk.mssCache, 1)));
    sk.sndSsthresh = Math.max(Math.floor(Math.min(sk.sndCwnd, inflight) / 2), 2);
  }
  sk.sndCwnd = 1;
  sk.sndCwndCnt = 0;
  // tcp_update_rto_stats(); tcp_retransmit_skb() stamps retrans_stamp with the segment's first
  // transmission, one RTO ago
  sk.retransmits++;
  sk.totalRto++;
  if (sk.retransStamp < 0) sk.retransStamp = sk.sched.now - sk.rto;
  tcpRetransmitSkb(sk);
  // SYNs keep their RTO for the first tcp_syn_linear_timeouts retries, the rest back off
  if (sk.state !== TCP_SYN_SENT || sk.totalRto > ipv4Sysctl(sk.net).tcpSynLinearTimeouts) {
    sk.backoff++;
    sk.rto = Math.min(sk.rto * 2, TCP_RTO_MAX);
  } else sk.backoff = 0;
  tcpResetXmitTimer(sk, sk.rto);
}

/** inet_csk_schedule_ack() + inet_csk_reset_xmit_timer(ICSK_TIME_DACK) */
export function tcpSendDelayedAck(sk: TcpSock): void {
  sk.ackPending = true;
  if (!sk.delackTimer) sk.delackTimer = sk.sched.timer(() => tcpDelackTimer(sk), "tcp_delack_timer");
  if (!sk.delackTimer.pending) sk.delackTimer.mod(sk.sched.now + TCP_DELACK_MIN);
}

/** net/ipv4/tcp_timer.c: tcp_delack_timer_handler() */
function tcpDelackTimer(sk: TcpSock): void {
  if (!sk.ackPending) return;
  sk.ackPending = false;
  tcpSendAck(sk);
}

/**
 * net/ipv4/tcp_minisocks.c: tcp_time_wait(): the connection lingers in TIME_WAIT (or an
 * orphan in FIN_WAIT2) for `timeo`, answering retransmitted FINs, then it is gone.
 */
export function tcpTimeWait(sk: TcpSock, state: number, timeo: number): void {
  tcpClearXmitTimers(sk);
  sk.state = state === TCP_FIN_WAIT2 ? TCP_FIN_WAIT2 : TCP_TIME_WAIT;
  if (!sk.twTimer) {
    sk.twTimer = sk.sched.timer(() => {
      sk.state = 7;
      inetUnhash(sk);
      inetPutPort(sk);
    }, "tcp_tw_timer");
  }
  sk.twTimer.mod(sk.sched.now + timeo);
}
