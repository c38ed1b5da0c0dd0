/** Sockets as userland sees them: the calls ping, arping, traceroute, nc, dnsmasq make. */
import type { KErr } from "./errno.ts";
import type { Ipv4 } from "./rtnetlink.ts";

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;

export const IPPROTO_IP = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_GRE = 47;
export const IPPROTO_RAW = 255;
export const IPPROTO_ICMPV6 = 58;

export interface SockAddrIn {
  family: 2; // AF_INET
  addr: Ipv4;
  port: number;
}

export interface SockAddrLl {
  family: 17; // AF_PACKET
  ifindex: number;
  protocol: number; // ETH_P_*
  pkttype?: number; // PACKET_*
  hatype?: number;
  addr?: Uint8Array;
}

/** a NETLINK_NETFILTER socket's binding: nfnetlink_log's NFULNL_CFG_CMD_BIND of a group, or
 * nfnetlink_queue's NFQNL_CFG_CMD_BIND of a queue, with the packet copied up to `copyRange`
 * bytes (what libpcap's nflog and nfqueue devices send) */
export interface SockAddrNfnl {
  family: 16; // AF_NETLINK
  nflogGroup?: number;
  nfqueueNum?: number;
  copyRange: number;
}

/** struct sockaddr_in6 */
export interface SockAddrIn6 {
  family: 10; // AF_INET6
  addr6: Uint8Array;
  port: number;
  /** sin6_scope_id: the device of a link-local address */
  scopeId: number;
}

export type SockAddr = SockAddrIn | SockAddrLl | SockAddrNfnl | SockAddrIn6;

/** socket options, by their C names; values are numbers, strings (SO_BINDTODEVICE) or booleans */
export type SockOpt =
  | "SO_BROADCAST"
  | "SO_BINDTODEVICE"
  | "SO_RCVBUF"
  | "SO_SNDBUF"
  | "SO_TIMESTAMP"
  | "SO_MARK"
  | "SO_DEBUG"
  | "SO_REUSEADDR"
  | "SO_REUSEPORT"
  | "SO_KEEPALIVE"
  | "SO_LINGER"
  | "IP_TTL"
  | "IP_TOS"
  | "IP_RECVERR"
  | "IP_RECVTTL"
  | "IP_RETOPTS"
  /** the options every datagram carries (bytes, at most 40) */
  | "IP_OPTIONS"
  | "IP_MTU_DISCOVER"
  /** getsockopt only: the path MTU of a connected socket's route (ENOTCONN without one) */
  | "IP_MTU"
  | "IP_MULTICAST_TTL"
  | "IP_MULTICAST_LOOP"
  | "IP_MULTICAST_IF"
  | "IP_HDRINCL"
  | "IP_PKTINFO"
  | "ICMP_FILTER"
  | "IPV6_RECVERR"
  | "IPV6_RECVHOPLIMIT"
  | "IPV6_UNICAST_HOPS"
  | "IPV6_MULTICAST_HOPS"
  | "IPV6_MULTICAST_LOOP"
  | "IPV6_MTU_DISCOVER"
  | "IPV6_PKTINFO"
  | "IPV6_TCLASS"
  /** getsockopt only: the MTU of a connected socket's route (ENOTCONN without one) */
  | "IPV6_MTU"
  | "IPV6_V6ONLY"
  /** a routing header for every packet (bytes) */
  | "IPV6_RTHDR"
  | "ICMP6_FILTER"
  | "PACKET_ADD_MEMBERSHIP"
  | "TCP_NODELAY"
  /** getsockopt only: the pending error (errno number), cleared by reading */
  | "SO_ERROR";

export const IP_PMTUDISC_DONT = 0;
export const IP_PMTUDISC_WANT = 1;
export const IP_PMTUDISC_DO = 2;
export const IP_PMTUDISC_PROBE = 3;

/** struct sock_extended_err, as read from the error queue (IP_RECVERR) */
export interface SockExtendedErr {
  ee_errno: number; // errno number (e.g. EHOSTUNREACH)
  ee_origin: number; // SO_EE_ORIGIN_ICMP = 2, SO_EE_ORIGIN_LOCAL = 1
  ee_type: number; // ICMP type
  ee_code: number; // ICMP code
  ee_info: number; // e.g. the MTU for frag-needed
  ee_data: number;
  /** the address of the node that sent the error (SO_EE_OFFENDER) */
  offender?: Ipv4;
  /** an IPv6 offender (SO_EE_ORIGIN_ICMP6) and its sin6_scope_id */
  offender6?: Uint8Array;
  offenderScope?: number;
  /** the original datagram's payload as it was sent (what MSG_ERRQUEUE returns) */
  payload: Uint8Array;
  /** when it was queued (SO_TIMESTAMP on MSG_ERRQUEUE) */
  stamp?: number;
  /** the TTL of the ICMP error that brought it (IP_RECVTTL on MSG_ERRQUEUE) */
  ttl?: number;
  /** the destination port of the datagram it is about (msg_name of MSG_ERRQUEUE) */
  port?: number;
}

export const SO_EE_ORIGIN_NONE = 0;
export const SO_EE_ORIGIN_LOCAL = 1;
export const SO_EE_ORIGIN_ICMP = 2;
export const SO_EE_ORIGIN_ICMP6 = 3;

export interface RecvMsg {
  data: Uint8Array;
  from: SockAddr;
  /** IP_RECVTTL */
  ttl?: number;
  /** the receiving device (IP_PKTINFO / packet sockets) */
  ifindex?: number;
  /** simulated receive timestamp in µs (SO_TIMESTAMP) */
  stamp: number;
  /** (kernel) not readable before this time: the end of the flight that delivered it inside
   * another process's syscall */
  at?: number;
  /** packet sockets: the frame went out of this host (PACKET_OUTGOING) */
  outgoing?: boolean;
}

export interface Socket {
  readonly family: number;
  readonly type: number;
  readonly protocol: number;
  bind(addr: SockAddr): KErr | undefined;
  connect(addr: SockAddr): KErr | undefined;
  getsockname(): SockAddr | KErr;
  getpeername(): SockAddr | KErr;
  setsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined;
  /** the caller's effective CAP_NET_RAW (true for root; false once a tool dropped it, as
   * ping does at start: limit_capabilities()) */
  capNetRaw?: boolean;
  getsockopt(name: SockOpt): number | string | KErr;
  /** returns the bytes sent, or an error (ENETUNREACH, EMSGSIZE, EACCES for broadcast …) */
  sendto(data: Uint8Array, addr?: SockAddr): number | KErr;
  /** non-blocking receive; undefined when nothing is queued */
  recvfrom(): RecvMsg | undefined;
  /** non-blocking read of the error queue (MSG_ERRQUEUE) */
  recvErr(): SockExtendedErr | undefined;
  /**
   * stream sockets (SOCK_STREAM): connect() answers EINPROGRESS and the socket turns
   * readable when the handshake is over — getpeername() then succeeds, or
   * getsockopt("SO_ERROR") says why not. recvfrom() gives a zero-length message once at end of
   * stream (read(2) = 0), then undefined; recvErr() then reports the hang-up (ee_origin 0,
   * ee_errno = the connection's error or 0), as poll's POLLHUP/POLLERR. accept() is
   * non-blocking (undefined = EAGAIN); the listener turns readable when a connection is queued.
   */
  listen?(backlog: number): KErr | undefined;
  accept?(): Socket | undefined;
  /** shutdown(2): how = SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2 */
  shutdown?(how: number): KErr | undefined;
  /** called (in simulator context) whenever data, an error or a connection arrives */
  onReadable(cb: (() => void) | undefined): void;
  close(): void;
}
