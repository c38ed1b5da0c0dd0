/**
 * include/uapi/linux/inet_diag.h + sock_diag.h: what a SOCK_DIAG_BY_FAMILY dump of inet
 * sockets answers (struct inet_diag_msg and the attributes ss reads), one record a socket.
 */

/** struct inet_diag_hostcond: a port (-1: any) and an address prefix (family 0: any) */
export interface InetDiagHostcond {
  family: number;
  prefixLen: number;
  port: number;
  /** network-order bytes (4 for AF_INET) */
  addr: Uint8Array;
}

/**
 * INET_DIAG_REQ_BYTECODE as a tree: the program inet_diag_bc_run() runs on each socket
 * (INET_DIAG_BC_AUTO, S_COND/D_COND (a list: any may match), S_GE/S_LE/D_GE/D_LE, DEV_COND,
 * MARK_COND, with the JMPs of and/or/not)
 */
export type InetDiagBc =
  | { op: "and" | "or"; a: InetDiagBc; b: InetDiagBc }
  | { op: "not"; a: InetDiagBc }
  | { op: "auto" }
  | { op: "s_cond" | "d_cond"; conds: InetDiagHostcond[] }
  | { op: "s_ge" | "s_le" | "d_ge" | "d_le"; port: number }
  | { op: "dev"; ifindex: number }
  | { op: "mark"; mark: number; mask: number };

/** struct inet_diag_req_v2 (the fields the dump honours: family, protocol, state mask) */
export interface InetDiagReq {
  /** sdiag_family: AF_INET or AF_INET6 */
  family: number;
  /** sdiag_protocol: IPPROTO_TCP, IPPROTO_UDP or IPPROTO_RAW (every raw socket) */
  protocol: number;
  /** idiag_states: bit (1 << TCP_STATE) per state wanted */
  states: number;
  /** INET_DIAG_REQ_BYTECODE */
  bc?: InetDiagBc;
}

/** struct inet_diag_msg (addresses and ports in host order) plus its attributes */
export interface InetDiagMsg {
  family: number;
  /** idiag_state (tw_substate for a timewait socket) */
  state: number;
  /** idiag_timer: 0 none, 1 retransmit, 2 keepalive, 3 timewait, 4 zero window probe */
  timer: number;
  /** idiag_retrans */
  retrans: number;
  /** idiag_expires, milliseconds */
  expires: number;
  rqueue: number;
  wqueue: number;
  uid: number;
  inode: number;
  /** id.idiag_sport / idiag_dport */
  sport: number;
  dport: number;
  /** id.idiag_src / idiag_dst (IPv4, host order) */
  src: number;
  dst: number;
  /** an AF_INET6 socket's id.idiag_src / idiag_dst (16 bytes) */
  src6?: Uint8Array;
  dst6?: Uint8Array;
  /** INET_DIAG_SKV6ONLY (AF_INET6 sockets) */
  v6only?: boolean;
  /** id.idiag_if: SO_BINDTODEVICE's ifindex */
  ifindex: number;
  /** id.idiag_cookie: sock_gen_cookie() */
  cookie: number;
  /** INET_DIAG_PROTOCOL: sk_protocol */
  protocol: number;
  /** INET_DIAG_SHUTDOWN: sk_shutdown (absent for a timewait socket) */
  shutdown?: number;
  /** INET_DIAG_MARK: sk_mark (sent to CAP_NET_ADMIN callers) */
  mark?: number;
  /** INET_DIAG_SKMEMINFO (full sockets only): SK_MEMINFO_RMEM_ALLOC, RCVBUF, WMEM_ALLOC, SNDBUF,
   * FWD_ALLOC, WMEM_QUEUED, OPTMEM, BACKLOG, DROPS */
  skmem?: number[];
  /** INET_DIAG_CGROUP_ID (full sockets only) */
  cgroupId?: number;
}
