/**
 * net/ipv4/inet_diag.c (inet_diag_dump_icsk(), inet_sk_diag_fill(), inet_twsk_diag_fill()),
 * tcp_diag.c (tcp_diag_get_info()'s queues), udp_diag.c and raw_diag.c: the socket dump ss
 * asks NETLINK_SOCK_DIAG for. The walk is the one of /proc/net/{tcp,udp,raw}: TCP listeners
 * then the established hash (timewait sockets included), UDP by hash slot, raw sockets.
 */
import type { Net } from "../core/net_namespace.ts";
import type { InetDiagBc, InetDiagMsg, InetDiagReq } from "../uapi/inet_diag.ts";
import type { InetSock } from "../socket/sock.ts";
import { SOCK_BINDPORT_LOCK } from "../socket/sock.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { tcpSockets } from "./inet_hashtables.ts";
import { TCP_LISTEN, TCP_TIME_WAIT, TCP_FIN_WAIT2, type TcpSock } from "./tcp.ts";
import { udpSockets } from "./udp.ts";
import { rawSockets } from "./raw.ts";
import { udp6Sockets } from "../ipv6/udp.ts";

const AF_INET = 2;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_RAW = 255;
const IPPROTO_DCCP = 33;
const AF_INET6 = 10;
/** the root cgroup's id (kernfs node 1): sockets are charged to it, no hierarchy is modelled */
const ROOT_CGROUP_ID = 1;

/** net/core/sock_diag.c: sock_gen_cookie(): a socket's cookie, given on first use */
const cookies = new WeakMap<object, number>();
let cookieNext = 0;
function sockGenCookie(sk: object): number {
  let c = cookies.get(sk);
  if (c === undefined) cookies.set(sk, (c = ++cookieNext));
  return c;
}

/** jiffies_to_msecs() of a timer's remaining time (HZ 1000: whole milliseconds) */
const msLeft = (when: number, now: number): number => Math.max(0, Math.floor((when - now) / 1000));

function common(sk: InetSock): Omit<InetDiagMsg, "state" | "timer" | "retrans" | "expires" | "rqueue" | "wqueue" | "uid" | "inode" | "protocol"> {
  /* inet_diag_msg_common_fill() */
  return {
    family: AF_INET,
    sport: sk.inetNum,
    dport: sk.inetDport,
    src: sk.inetRcvSaddr >>> 0,
    dst: sk.inetDaddr >>> 0,
    ifindex: sk.boundDevIf,
    cookie: sockGenCookie(sk),
  };
}

/**
 * net/core/sock.c: sk_get_meminfo(): the receive queue's charge, the buffer sizes, the write
 * queue (no skbs linger in a qdisc, no memory is forward-allocated or on the option area)
 */
function skMeminfo(sk: InetSock, wmemQueued: number): number[] {
  return [sk.rmemAlloc, sk.rcvbuf, 0, sk.sndbuf, 0, wmemQueued, 0, 0, sk.drops];
}

/** inet_twsk_diag_fill(): a timewait socket (the emulated sock stays in its place) */
function twskFill(sk: TcpSock, now: number): InetDiagMsg {
  return {
    ...common(sk),
    state: sk.state,
    timer: 3,
    retrans: 0,
    expires: sk.twTimer?.pending ? msLeft(sk.twTimer.when, now) : 0,
    rqueue: 0,
    wqueue: 0,
    uid: 0,
    inode: 0,
    protocol: IPPROTO_TCP,
  };
}

/** inet_sk_diag_fill() with tcp_diag_get_info()'s queues */
function tcpFill(sk: TcpSock, now: number): InetDiagMsg {
  let timer = 0;
  let expires = 0;
  let retrans = 0;
  if (sk.retransmitTimer?.pending) {
    /* ICSK_TIME_RETRANS */
    timer = 1;
    retrans = sk.retransmits;
    expires = msLeft(sk.retransmitTimer.when, now);
  }
  const listen = sk.state === TCP_LISTEN;
  return {
    ...common(sk),
    state: sk.state,
    timer,
    retrans,
    expires,
    rqueue: listen ? sk.acceptQueue.length : Math.max(0, (sk.rcvNxt - sk.copiedSeq) | 0),
    wqueue: listen ? sk.maxAckBacklog : (sk.writeSeq - sk.sndUna) >>> 0,
    uid: 0,
    inode: sk.ino,
    protocol: IPPROTO_TCP,
    shutdown: sk.shutdownFlags,
    mark: sk.mark,
    skmem: skMeminfo(sk, listen ? 0 : sk.wqLen),
    cgroupId: ROOT_CGROUP_ID,
  };
}

/** udp_diag.c / raw_diag.c: sk_diag_fill() -> inet_sk_diag_fill() (rmem/wmem as the queues) */
function dgramFill(sk: InetSock): InetDiagMsg {
  return {
    ...common(sk),
    state: sk.state,
    timer: 0,
    retrans: 0,
    expires: 0,
    rqueue: sk.rmemAlloc,
    wqueue: 0,
    uid: 0,
    inode: sk.ino,
    protocol: sk.protocol,
    shutdown: (sk as InetSock & { shutdownFlags?: number }).shutdownFlags ?? 0,
    mark: sk.mark,
    skmem: skMeminfo(sk, 0),
    cgroupId: ROOT_CGROUP_ID,
  };
}

/** an AF_INET6 socket's common part: its addresses in 16 bytes, IPV6_V6ONLY */
/** an AF_INET6 socket's addresses (struct ipv6_pinfo's) */
interface Sk6 {
  rcvSaddr6: Uint8Array;
  daddr6: Uint8Array;
  v6only: boolean;
}

function common6(sk: InetSock, s6: Sk6): ReturnType<typeof common> & { src6: Uint8Array; dst6: Uint8Array; v6only: boolean } {
  return { ...common(sk), family: AF_INET6, src: 0, dst: 0, src6: s6.rcvSaddr6.slice(), dst6: s6.daddr6.slice(), v6only: s6.v6only };
}

/** struct inet_diag_entry: what the bytecode sees of a socket (an IPv6 one's addresses in
 * 16 bytes) */
interface InetDiagEntry {
  family: number;
  saddr: number | Uint8Array;
  daddr: number | Uint8Array;
  sport: number;
  dport: number;
  ifindex: number;
  mark: number;
  userlocks: number;
}

/** bitstring_match() of a host-order IPv4 address (or an IPv6 one's bytes) against a prefix */
function prefixMatch(a: number | Uint8Array, p: Uint8Array, plen: number): boolean {
  const b = typeof a === "number" ? Uint8Array.from([a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff]) : a;
  for (let i = 0; i < plen; i++) {
    const bit = 7 - (i & 7);
    if (((b[i >> 3]! >> bit) & 1) !== (((p[i >> 3] ?? 0) >> bit) & 1)) return false;
  }
  return true;
}

/** net/ipv4/inet_diag.c: inet_diag_bc_run() */
function bcRun(bc: InetDiagBc, e: InetDiagEntry): boolean {
  switch (bc.op) {
    case "and": return bcRun(bc.a, e) && bcRun(bc.b, e);
    case "or": return bcRun(bc.a, e) || bcRun(bc.b, e);
    case "not": return !bcRun(bc.a, e);
    case "auto": return !(e.userlocks & SOCK_BINDPORT_LOCK);
    case "s_ge": return e.sport >= bc.port;
    case "s_le": return e.sport <= bc.port;
    case "d_ge": return e.dport >= bc.port;
    case "d_le": return e.dport <= bc.port;
    case "dev": return e.ifindex === bc.ifindex;
    case "mark": return ((e.mark & bc.mask) >>> 0) === bc.mark;
    case "s_cond":
    case "d_cond": {
      const src = bc.op === "s_cond";
      return bc.conds.some((c) => {
        if (c.port !== -1 && c.port !== (src ? e.sport : e.dport)) return false;
        if (c.family !== 0 && c.family !== e.family) return false;
        if (c.prefixLen === 0) return true;
        return prefixMatch(src ? e.saddr : e.daddr, c.addr, c.prefixLen);
      });
    }
  }
}

/** inet_diag_bc_sk(): a full socket shows its userlocks and mark, a timewait one neither */
function bcSk(bc: InetDiagBc | undefined, sk: InetSock, tw: boolean, v6?: Sk6): boolean {
  if (!bc) return true;
  return bcRun(bc, {
    family: v6 ? AF_INET6 : AF_INET, saddr: v6 ? v6.rcvSaddr6 : sk.inetRcvSaddr >>> 0, daddr: v6 ? v6.daddr6 : sk.inetDaddr >>> 0,
    sport: sk.inetNum, dport: sk.inetDport,
    ifindex: sk.boundDevIf, mark: tw ? 0 : sk.mark, userlocks: tw ? 0 : sk.userlocks,
  });
}

/**
 * net/core/sock_diag.c: __sock_diag_cmd() + inet_diag_dump() for one (family, protocol): the
 * matching sockets of `net`. A family without a diag handler answers ENOENT; so does a
 * protocol whose diag module does not exist (SCTP, MPTCP); DCCP, gone since Linux 6.16,
 * answers EINVAL.
 */
export function inetDiagDump(net: Net, req: InetDiagReq, now: number): InetDiagMsg[] | KErr {
  const out: InetDiagMsg[] = [];
  if (req.family !== AF_INET && req.family !== AF_INET6) return kerr("ENOENT");
  if (req.protocol === IPPROTO_DCCP) return kerr("EINVAL");
  if (req.protocol !== IPPROTO_TCP && req.protocol !== IPPROTO_UDP && req.protocol !== IPPROTO_RAW) return kerr("ENOENT");
  const want = (state: number) => (req.states & (1 << state)) !== 0;
  if (req.family === AF_INET6) {
    /* tcp_diag / udp_diag: the AF_INET6 TCP and UDP sockets (no raw sockets over IPv6 are modelled) */
    if (req.protocol === IPPROTO_TCP) {
      for (const sk of tcpSockets(net)) {
        if (sk.ctl || sk.family !== AF_INET6) continue;
        const s6 = sk as unknown as Sk6;
        const tw = sk.state === TCP_TIME_WAIT || (sk.state === TCP_FIN_WAIT2 && sk.orphan && !!sk.twTimer?.pending);
        if (!want(tw ? TCP_TIME_WAIT : sk.state) || !bcSk(req.bc, sk, tw, s6)) continue;
        out.push({ ...(tw ? twskFill(sk, now) : tcpFill(sk, now)), ...common6(sk, s6) });
      }
    }
    if (req.protocol === IPPROTO_UDP) {
      const socks = udp6Sockets(net).sort((x, y) => (x.inetNum & 127) - (y.inetNum & 127));
      for (const sk of socks) if (want(sk.state) && bcSk(req.bc, sk, false, sk)) out.push({ ...dgramFill(sk), ...common6(sk, sk) });
    }
    return out;
  }
  if (req.protocol === IPPROTO_TCP) {
    for (const sk of tcpSockets(net)) {
      if (sk.ctl || sk.family !== AF_INET) continue;
      const tw = sk.state === TCP_TIME_WAIT || (sk.state === TCP_FIN_WAIT2 && sk.orphan && !!sk.twTimer?.pending);
      if (!want(tw ? TCP_TIME_WAIT : sk.state) || !bcSk(req.bc, sk, tw)) continue;
      out.push(tw ? twskFill(sk, now) : tcpFill(sk, now));
    }
  } else if (req.protocol === IPPROTO_UDP) {
    const socks = udpSockets(net).slice().sort((x, y) => (x.inetNum & 127) - (y.inetNum & 127));
    for (const sk of socks) if (want(sk.state) && bcSk(req.bc, sk, false)) out.push(dgramFill(sk));
  } else if (req.protocol === IPPROTO_RAW) {
    for (const sk of rawSockets(net)) if (want(sk.state) && bcSk(req.bc, sk, false)) out.push(dgramFill(sk));
  }
  return out;
}

// ------------------------------------------------------------------ /proc/net/sockstat

/** a timewait socket: TIME_WAIT, or an orphan in FIN_WAIT2 waiting on its timer */
function isTw(sk: TcpSock): boolean {
  return sk.state === TCP_TIME_WAIT || (sk.state === TCP_FIN_WAIT2 && sk.orphan && !!sk.twTimer?.pending);
}

/** net/ipv4/proc.c: sockstat_seq_show() (no memory accounting is modelled: mem 0) */
export function sockstatSeqShow(net: Net): string {
  // TCP: inuse counts tcp_prot's sockets (IPv4), orphan, tw and alloc both families'
  const tcp = tcpSockets(net).filter((s) => !s.ctl);
  const full = tcp.filter((s) => !isTw(s));
  const tw = tcp.length - full.length;
  const orphans = full.filter((s) => s.orphan).length;
  const inuse4 = full.filter((s) => s.family === AF_INET).length;
  const udp = udpSockets(net).length;
  const raw = rawSockets(net).length;
  // sock_inuse_get(): every socket of the namespace, IPv6's UDP ones too
  return `sockets: used ${full.length + udp + raw + udp6Sockets(net).length}\n` +
    `TCP: inuse ${inuse4} orphan ${orphans} tw ${tw} alloc ${full.length} mem 0\n` +
    `UDP: inuse ${udp} mem 0\n` +
    `UDPLITE: inuse 0\n` +
    `RAW: inuse ${raw}\n` +
    `FRAG: inuse 0 memory 0\n`;
}

/** net/ipv6/proc.c: sockstat6_seq_show() (of the IPv6 sockets, TCP's and UDP's are counted) */
export function sockstat6SeqShow(net: Net): string {
  const tcp6 = tcpSockets(net).filter((s) => !s.ctl && s.family === AF_INET6 && !isTw(s)).length;
  return `TCP6: inuse ${tcp6}\nUDP6: inuse ${udp6Sockets(net).length}\nUDPLITE6: inuse 0\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n`;
}
