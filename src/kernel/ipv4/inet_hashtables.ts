/**
 * net/ipv4/inet_hashtables.c: the TCP socket tables of a namespace — ehash (established,
 * SYN_RECV and TIME_WAIT sockets by their 4-tuple), the listening hash (by local port) and the
 * bind hash (every socket holding a local port) — with __inet_lookup_established(),
 * __inet_lookup_listener() and __inet_hash_connect() (the ephemeral port of a connect()).
 */
import { NetGeneric, registerPernetOps, type Net } from "../core/net_namespace.ts";
import { netRng } from "../core/dev_path.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { ipv4Sysctl } from "./icmp.ts";
import type { TcpSock } from "./tcp.ts";

export interface InetHashinfo {
  /** ehash: "laddr:lport:raddr:rport" -> socket */
  ehash: Map<string, TcpSock>;
  /** lhash2 (by port) */
  listening: Map<number, TcpSock[]>;
  /** bhash: local port -> sockets holding it */
  bhash: Map<number, TcpSock[]>;
  /** the per-destination perturbation of __inet_hash_connect (table_perturb[]) */
  perturb: Map<number, number>;
}

const tables = new NetGeneric<InetHashinfo>();
registerPernetOps({
  init(net: Net) {
    tables.set(net, { ehash: new Map(), listening: new Map(), bhash: new Map(), perturb: new Map() });
  },
  exit(net: Net) {
    // tcp_sk_exit() / inet_twsk_purge(): the namespace's connections die with it
    const t = tables.get(net);
    if (t) {
      for (const sk of [...t.ehash.values(), ...[...t.listening.values()].flat()]) {
        sk.retransmitTimer?.cancel();
        sk.delackTimer?.cancel();
        sk.twTimer?.cancel();
        sk.state = 7;
        sk.hashed = false;
      }
    }
    tables.delete(net);
  },
});

export function tcpHashinfo(net: Net): InetHashinfo {
  let t = tables.get(net);
  if (!t) {
    t = { ehash: new Map(), listening: new Map(), bhash: new Map(), perturb: new Map() };
    tables.set(net, t);
  }
  return t;
}

/** INET_MATCH key */
export function ehashKey(laddr: number, lport: number, raddr: number, rport: number): string {
  return `${laddr >>> 0}:${lport}:${raddr >>> 0}:${rport}`;
}

/** net/ipv4/inet_hashtables.c: inet_bind_hash() */
export function inetBindHash(sk: TcpSock, port: number): void {
  const h = tcpHashinfo(sk.net);
  let l = h.bhash.get(port);
  if (!l) h.bhash.set(port, (l = []));
  if (!l.includes(sk)) l.push(sk);
  sk.inetNum = port;
  sk.inetSport = port;
}

/** net/ipv4/inet_hashtables.c: __inet_put_port() */
export function inetPutPort(sk: TcpSock): void {
  const h = tcpHashinfo(sk.net);
  const l = h.bhash.get(sk.inetNum);
  if (!l) return;
  const i = l.indexOf(sk);
  if (i >= 0) l.splice(i, 1);
  if (!l.length) h.bhash.delete(sk.inetNum);
}

/** net/ipv4/inet_hashtables.c: inet_ehash_insert() */
export function inetEhashInsert(sk: TcpSock): void {
  tcpHashinfo(sk.net).ehash.set(sk.ehashKeyOf(), sk);
  sk.hashed = true;
}

/** net/ipv4/inet_hashtables.c: __inet_hash() for a listener */
export function inetHashListener(sk: TcpSock): void {
  const h = tcpHashinfo(sk.net);
  let l = h.listening.get(sk.inetNum);
  if (!l) h.listening.set(sk.inetNum, (l = []));
  l.push(sk);
  sk.hashed = true;
}

/** net/ipv4/inet_hashtables.c: inet_unhash() */
export function inetUnhash(sk: TcpSock): void {
  if (!sk.hashed) return;
  sk.hashed = false;
  const h = tcpHashinfo(sk.net);
  const l = h.listening.get(sk.inetNum);
  if (l) {
    const i = l.indexOf(sk);
    if (i >= 0) {
      l.splice(i, 1);
      if (!l.length) h.listening.delete(sk.inetNum);
      return;
    }
  }
  const k = sk.ehashKeyOf();
  if (h.ehash.get(k) === sk) h.ehash.delete(k);
}

/** net/ipv4/inet_hashtables.c: __inet_lookup_established() */
export function inetLookupEstablished(net: Net, saddr: number, sport: number, daddr: number, dport: number): TcpSock | undefined {
  return tables.get(net)?.ehash.get(ehashKey(daddr, dport, saddr, sport));
}

/** net/ipv4/inet_hashtables.c: compute_score() + inet_lhash2_lookup() */
export function inetLookupListener(net: Net, daddr: number, dport: number, dif: number): TcpSock | undefined {
  const l = tables.get(net)?.listening.get(dport);
  if (!l) return undefined;
  let best: TcpSock | undefined;
  let hiscore = 0;
  for (const sk of l) {
    // an AF_INET6 listener takes no IPv4 connections here (no v4-mapped children)
    if (sk.family !== 2) continue;
    let score = 1;
    if (sk.inetRcvSaddr) {
      if (sk.inetRcvSaddr !== daddr) continue;
      score++;
    }
    if (sk.boundDevIf) {
      if (sk.boundDevIf !== dif) continue;
      score++;
    }
    if (score > hiscore) {
      best = sk;
      hiscore = score;
    }
  }
  return best;
}

/** every TCP socket of a namespace, listeners first (for /proc/net/tcp) */
export function tcpSockets(net: Net): TcpSock[] {
  const h = tables.get(net);
  if (!h) return [];
  const out: TcpSock[] = [];
  for (const p of [...h.listening.keys()].sort((a, b) => a - b)) out.push(...h.listening.get(p)!);
  out.push(...h.ehash.values());
  return out;
}

/**
 * net/ipv4/inet_hashtables.c: __inet_hash_connect(): pick the local port of a connect()
 * (ip_local_port_range; the start is a keyed hash of the destination plus a per-destination
 * perturbation — here the world's Rng; even ports first, odd ports are left to bind(0)),
 * check the 4-tuple is unique (__inet_check_established) and hash the socket.
 */
export function inetHashConnect(sk: TcpSock): KErr | undefined {
  const net = sk.net;
  const h = tcpHashinfo(net);
  if (sk.inetNum) {
    if (h.ehash.has(sk.ehashKeyOf())) return kerr("EADDRNOTAVAIL");
    inetEhashInsert(sk);
    return undefined;
  }
  const [low, high] = ipv4Sysctl(net).ipLocalPortRange;
  let remaining = high - low + 1;
  if (remaining > 1) remaining &= ~1;
  const dkey = sk.inetDaddr >>> 0;
  let perturb = h.perturb.get(dkey);
  if (perturb === undefined) perturb = netRng(net).u32();
  let offset = (perturb + sk.inetDport) % remaining;
  offset &= ~1;
  for (let parity = 0; parity < 2; parity++) {
    for (let i = 0; i < remaining; i += 2) {
      const port = low + ((offset + i + parity) % remaining);
      const owners = h.bhash.get(port);
      if (owners) {
        // a port bound by bind() is not shared; one taken by connect() is, if the 4-tuple differs
        if (owners.some((o) => !o.connectBound)) continue;
        if (h.ehash.has(sk.ehashKeyOf(port))) continue;
      }
      h.perturb.set(dkey, (perturb + i + 2) >>> 0);
      sk.connectBound = true;
      inetBindHash(sk, port);
      inetEhashInsert(sk);
      return undefined;
    }
  }
  return kerr("EADDRNOTAVAIL");
}
