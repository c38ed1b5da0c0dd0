/**
 * net/ipv4/tcp_timer.c: the retransmission timer (tcp_retransmit_timer, exponential backoff,
 * tcp_write_timeout: tcp_syn_retries / tcp_synack_retries / tcp_retries2, then ETIMEDOUT),
 * the delayed-ACK timer (tcp_delack_timer_handler) and, from tcp_minisocks.c, TIME_WAIT
 * (tcp_time_wait / inet_twsk_schedule) and the orphaned FIN_WAIT2 timeout.
 */
import { kerr } from "../uapi/errno.ts";
import {
  type TcpSock, TCP_SYN_SENT, TCP_SYN_RECV, TCP_TIME_WAIT, TCP_FIN_WAIT2, TCP_RTO_MAX,
  TCP_SYN_RETRIES, TCP_SYNACK_RETRIES, TCP_RETRIES2, TCP_DELACK_MIN, tcpStats,
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

/** net/ipv4/tcp_timer.c: retransmits_timed_out() for SYNs: the total time of `boundary` backoffs */
function tcpWriteTimeout(sk: TcpSock): boolean {
  let limit: number;
  if (sk.state === TCP_SYN_SENT) limit = TCP_SYN_RETRIES;
  else if (sk.state === TCP_SYN_RECV) limit = TCP_SYNACK_RETRIES;
  else limit = TCP_RETRIES2;
  if (sk.retransmits >= limit) {
    // tcp_write_err()
    if (sk.state === TCP_SYN_RECV) {
      sk.tcpDone(undefined);
      return true;
    }
    if (sk.state === TCP_SYN_SENT) tcpStats(sk.net).AttemptFails++;
    sk.tcpDone(kerr("ETIMEDOUT"));
    return true;
  }
  return false;
}

/** net/ipv4/tcp_timer.c: tcp_retransmit_timer() */
export function tcpRetransmitTimer(sk: TcpSock): void {
  if (sk.sndUna === sk.sndNxt && sk.state !== TCP_SYN_SENT && sk.state !== TCP_SYN_RECV) return;
  if (tcpWriteTimeout(sk)) return;
  // tcp_enter_loss(): halve ssthresh, restart from one segment
  if (sk.retransmits === 0 && sk.state !== TCP_SYN_SENT && sk.state !== TCP_SYN_RECV) {
    const inflight = Math.max(1, Math.ceil(((sk.sndNxt - sk.sndUna) | 0) / Math.max(sk.mssCache, 1)));
    sk.sndSsthresh = Math.max(Math.floor(Math.min(sk.sndCwnd, inflight) / 2), 2);
  }
  sk.sndCwnd = 1;
  sk.sndCwndCnt = 0;
  tcpRetransmitSkb(sk);
  sk.retransmits++;
  sk.backoff++;
  sk.rto = Math.min(sk.rto * 2, TCP_RTO_MAX);
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
