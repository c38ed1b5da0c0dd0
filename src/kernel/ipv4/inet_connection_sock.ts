/**
 * net/ipv4/inet_connection_sock.c: the local port of bind() and listen() (inet_csk_get_port,
 * inet_csk_bind_conflict, inet_csk_find_open_port), inet_csk_listen_start(), the accept
 * queue (inet_csk_reqsk_queue_add / inet_csk_accept).
 */
import { kerr, type KErr } from "../uapi/errno.ts";
import { netRng } from "../core/dev_path.ts";
import { ipv4Sysctl } from "./icmp.ts";
import { tcpHashinfo, inetBindHash, inetHashListener } from "./inet_hashtables.ts";
import { type TcpSock, TCP_LISTEN, TCP_CLOSE } from "./tcp.ts";

/** the IPv6 side of a socket (tcp_ipv6.ts's Tcp6Sock) */
interface Sk6 {
  rcvSaddr6: Uint8Array;
  v6only: boolean;
}
const isAny6 = (a: Uint8Array): boolean => !a.some((x) => x);

/**
 * net/ipv4/inet_connection_sock.c: inet_rcv_saddr_equal() (wildcards match): two IPv4
 * sockets by their addresses, two IPv6 ones by theirs (ipv6_rcv_saddr_equal()); across the
 * families only an IPv6 socket that is not IPv6's alone (bound to ::) meets an IPv4 one.
 */
function inetRcvSaddrEqual(sk: TcpSock, sk2: TcpSock): boolean {
  if (sk.family === 10 && sk2.family === 10) {
    const a = (sk as unknown as Sk6).rcvSaddr6;
    const b = (sk2 as unknown as Sk6).rcvSaddr6;
    return isAny6(a) || isAny6(b) || a.every((x, i) => x === b[i]);
  }
  if (sk.family === 10) return !(sk as unknown as Sk6).v6only;
  if (sk2.family === 10) return !(sk2 as unknown as Sk6).v6only;
  return !sk.inetRcvSaddr || !sk2.inetRcvSaddr || sk.inetRcvSaddr === sk2.inetRcvSaddr;
}

/** net/ipv4/inet_connection_sock.c: inet_csk_bind_conflict() (relax: listen() re-checking) */
function inetCskBindConflict(sk: TcpSock, port: number, relax: boolean): boolean {
  const owners = tcpHashinfo(sk.net).bhash.get(port);
  if (!owners) return false;
  for (const sk2 of owners) {
    if (sk2 === sk) continue;
    if (sk.boundDevIf && sk2.boundDevIf && sk.boundDevIf !== sk2.boundDevIf) continue;
    if (sk.reuseaddr && sk2.reuseaddr && sk2.state !== TCP_LISTEN) continue;
    if (relax && sk.reuseaddr && sk2.reuseaddr && sk2.state !== TCP_LISTEN) continue;
    if (sk.reuseport && sk2.reuseport) continue;
    if (!inetRcvSaddrEqual(sk, sk2)) continue;
    return true;
  }
  return false;
}

/** net/ipv4/inet_connection_sock.c: inet_csk_get_port() (+ inet_csk_find_open_port for 0) */
export function inetCskGetPort(sk: TcpSock, snum: number): KErr | undefined {
  if (!snum) {
    const [low, high] = ipv4Sysctl(sk.net).ipLocalPortRange;
    const remaining = high - low + 1;
    // bind(0) prefers odd ports (connect() takes the even ones)
    const offset = netRng(sk.net).below(remaining) | 1;
    for (let parity = 0; parity < 2; parity++) {
      for (let i = 0; i < remaining; i += 2) {
        const port = low + ((offset + i + (parity ? 1 : 0)) % remaining);
        if (tcpHashinfo(sk.net).bhash.has(port)) continue;
        inetBindHash(sk, port);
        return undefined;
      }
    }
    return kerr("EADDRINUSE");
  }
  if (inetCskBindConflict(sk, snum, false)) return kerr("EADDRINUSE");
  inetBindHash(sk, snum);
  return undefined;
}

/** net/ipv4/inet_connection_sock.c: inet_csk_listen_start() */
export function inetCskListenStart(sk: TcpSock): KErr | undefined {
  sk.state = TCP_LISTEN;
  if (!sk.inetNum) {
    const e = inetCskGetPort(sk, 0);
    if (e) {
      sk.state = TCP_CLOSE;
      return e;
    }
  } else if (inetCskBindConflict(sk, sk.inetNum, true)) {
    sk.state = TCP_CLOSE;
    return kerr("EADDRINUSE");
  }
  inetHashListener(sk);
  return undefined;
}

/** include/net/sock.h: sk_acceptq_is_full() */
export function skAcceptqIsFull(sk: TcpSock): boolean {
  return sk.acceptQueue.length > sk.maxAckBacklog;
}

/** net/ipv4/inet_connection_sock.c: inet_csk_reqsk_queue_add() — the child is established */
export function inetCskReqskQueueAdd(parent: TcpSock, child: TcpSock): void {
  parent.reqs = parent.reqs.filter((s) => s !== child);
  parent.acceptQueue.push(child);
  parent.dataReady();
}

/** net/ipv4/inet_connection_sock.c: inet_csk_accept() */
export function inetCskAccept(sk: TcpSock): TcpSock | undefined {
  if (sk.state !== TCP_LISTEN) return undefined;
  const c = sk.acceptQueue.shift();
  if (!c) return undefined;
  c.parent = undefined;
  return c;
}
