/**
 * What BIND 9.18's nslookup and host share (bin/dig/dighost.c): the servers and search list
 * of /etc/resolv.conf, one query over UDP with its timeout and tries, and the reply's
 * sections as records.
 */
import type { Process } from "../process.ts";
import { SOCK_DGRAM, SOCK_STREAM, type Socket } from "../../kernel/uapi/socket.ts";
import { AF_INET } from "../../kernel/uapi/rtnetlink.ts";
import { isKErr } from "../../kernel/uapi/errno.ts";
import { dnExpand, mkquery, resInit } from "../lib/resolv.ts";
import { inetNtop6, inetPton6 } from "../lib/utils.ts";
import { EAI_NONAME, getaddrinfo } from "../iputils/common.ts";

export const T_A = 1;
export const T_NS = 2;
export const T_CNAME = 5;
export const T_PTR = 12;
export const T_MX = 15;
export const T_TXT = 16;
export const T_SOA = 6;
export const T_AAAA = 28;
export const T_SRV = 33;
export const T_ANY = 255;
export const TYPE_NAMES: Record<string, number> = {
  A: T_A, NS: T_NS, CNAME: T_CNAME, SOA: T_SOA, PTR: T_PTR, MX: T_MX, TXT: T_TXT, AAAA: T_AAAA, SRV: T_SRV, ANY: T_ANY,
};

/** lib/isc/netmgr: isc__nm_socket_disable_pmtud(): IP_MTU_DISCOVER = IP_PMTUDISC_OMIT on every
 * UDP socket, so queries leave without DF */
const IP_PMTUDISC_OMIT = 5;

/** dns_rcode_totext() */
export const RCODE_NAMES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"];

export interface Rr {
  name: string;
  type: number;
  /** A: dotted quad; PTR/CNAME/NS: a name with its final dot; MX: "PREF NAME." */
  data: string;
}

export interface Reply {
  rcode: number;
  aa: boolean;
  answers: Rr[];
}

/** /etc/resolv.conf as dighost.c reads it: the servers (127.0.0.1 without any), search, ndots */
export async function resolvConf(p: Process): Promise<{ servers: number[]; search: string[]; ndots: number }> {
  const st = resInit((await p.readFile("/etc/resolv.conf")) ?? "", p.sys.hostname());
  return { servers: st.ns, search: st.dnsrch, ndots: st.ndots };
}

export const ipStr = (a: number): string => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;

/** inet_pton(AF_INET) of a dotted quad */
export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
}

/** the answer section of a reply */
function parseReply(b: Uint8Array): Reply | undefined {
  if (b.length < 12) return undefined;
  const rcode = b[3]! & 0x0f;
  const aa = (b[2]! & 0x04) !== 0;
  const qd = (b[4]! << 8) | b[5]!;
  const an = (b[6]! << 8) | b[7]!;
  let o = 12;
  for (let i = 0; i < qd; i++) {
    const q = dnExpand(b, o);
    if (!q) return undefined;
    o = q.next + 4;
  }
  const answers: Rr[] = [];
  for (let i = 0; i < an; i++) {
    const r = dnExpand(b, o);
    if (!r || r.next + 10 > b.length) break;
    o = r.next;
    const type = (b[o]! << 8) | b[o + 1]!;
    const rdlen = (b[o + 8]! << 8) | b[o + 9]!;
    o += 10;
    let data = "";
    if (type === T_A && rdlen === 4) data = `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
    else if (type === T_AAAA && rdlen === 16) data = inetNtop6(b.subarray(o, o + 16));
    else if (type === T_PTR || type === T_CNAME || type === T_NS) data = `${dnExpand(b, o)?.name ?? ""}.`;
    else if (type === T_MX) data = `${(b[o]! << 8) | b[o + 1]!} ${dnExpand(b, o + 2)?.name ?? ""}.`;
    answers.push({ name: r.name, type, data });
    o += rdlen;
  }
  return { rcode, aa, answers };
}

/**
 * One query packet (`id` its ID) to one server, `tries` times with `timeoutMs` each: the raw
 * reply and when it was sent, or "unreachable" after each try failed (timed out, or the
 * server's port answered unreachable: "connection refused")
 */
export async function exchange(
  p: Process,
  server: number,
  packet: Uint8Array,
  id: number,
  opts: { timeoutMs: number; tries: number; tcp?: boolean; port?: number; onTryFailed?: (why: "timed out" | "connection refused") => void },
): Promise<{ reply: Uint8Array; sent: number } | "unreachable"> {
  const sys = p.sys;
  if (opts.tcp) return exchangeTcp(p, server, packet, id, opts);
  for (let t = 0; t < opts.tries; t++) {
    if (p.signal.aborted) return "unreachable";
    const s = sys.socket(AF_INET, SOCK_DGRAM, 0);
    if (isKErr(s)) return "unreachable";
    s.setsockopt("IP_MTU_DISCOVER", IP_PMTUDISC_OMIT);
    try {
      const sent = sys.now();
      if (s.connect({ family: AF_INET, addr: server, port: opts.port ?? 53 }) || isKErr(s.sendto(packet))) {
        opts.onTryFailed?.("connection refused");
        continue;
      }
      const r = await waitFor(p, s, sent + opts.timeoutMs * 1000, () => {
        for (let m = s.recvfrom(); m; m = s.recvfrom())
          if (m.data.length >= 12 && ((m.data[0]! << 8) | m.data[1]!) === id && m.data[2]! & 0x80) return m.data;
        return undefined;
      });
      if (r instanceof Uint8Array) return { reply: r, sent };
      opts.onTryFailed?.(r);
    } finally {
      s.close();
    }
  }
  return "unreachable";
}

/**
 * poll `ready` until it gives an answer, waking when `s` is readable: "connection refused" once
 * the socket has an error, "timed out" at the deadline or on a signal
 */
async function waitFor<T>(p: Process, s: Socket, deadline: number, ready: () => T | undefined): Promise<T | "timed out" | "connection refused"> {
  for (;;) {
    const r = ready();
    if (r !== undefined) return r;
    const err = s.getsockopt("SO_ERROR");
    if (typeof err === "number" && err !== 0) return "connection refused";
    if (p.sys.now() >= deadline || p.signal.aborted) return "timed out";
    await waitReadable(p, s, deadline);
  }
}

/** wait until `s` is readable, the deadline passes or the process is signalled */
async function waitReadable(p: Process, s: Socket, deadline: number): Promise<void> {
  const sys = p.sys;
  const b = sys.block();
  const timer = sys.timer?.(() => b.unblock(), "dns query");
  timer?.mod(deadline);
  const onAbort = () => b.unblock();
  p.signal.addEventListener("abort", onAbort);
  s.onReadable(() => b.unblock());
  await b.promise;
  s.onReadable(undefined);
  timer?.cancel();
  p.signal.removeEventListener("abort", onAbort);
}

/**
 * The same exchange over TCP (dighost.c: +tcp, or an ANY query): connect, the query with its
 * two-byte length, the reply read whole
 */
async function exchangeTcp(
  p: Process,
  server: number,
  packet: Uint8Array,
  id: number,
  opts: { timeoutMs: number; tries: number; port?: number; onTryFailed?: (why: "timed out" | "connection refused") => void },
): Promise<{ reply: Uint8Array; sent: number } | "unreachable"> {
  const sys = p.sys;
  for (let t = 0; t < opts.tries; t++) {
    if (p.signal.aborted) return "unreachable";
    const s = sys.socket(AF_INET, SOCK_STREAM, 6);
    if (isKErr(s)) return "unreachable";
    try {
      const sent = sys.now();
      const deadline = sent + opts.timeoutMs * 1000;
      const e = s.connect({ family: AF_INET, addr: server, port: opts.port ?? 53 });
      if (e && e.errno !== "EINPROGRESS") {
        opts.onTryFailed?.("connection refused");
        continue;
      }
      // the handshake
      const hs = await waitFor(p, s, deadline, () => (isKErr(s.getpeername()) ? undefined : "connected"));
      if (hs !== "connected") {
        opts.onTryFailed?.(hs);
        continue;
      }
      const msg = new Uint8Array(packet.length + 2);
      msg[0] = packet.length >> 8;
      msg[1] = packet.length & 0xff;
      msg.set(packet, 2);
      s.sendto(msg);
      let buf = new Uint8Array(0);
      let eof = false;
      for (;;) {
        for (let m = s.recvfrom(); m; m = s.recvfrom()) {
          if (m.data.length === 0) {
            eof = true;
            break;
          }
          const nb = new Uint8Array(buf.length + m.data.length);
          nb.set(buf);
          nb.set(m.data, buf.length);
          buf = nb;
        }
        if (buf.length >= 2 && buf.length >= 2 + ((buf[0]! << 8) | buf[1]!)) {
          const reply = buf.slice(2, 2 + ((buf[0]! << 8) | buf[1]!));
          if (reply.length >= 12 && ((reply[0]! << 8) | reply[1]!) === id) return { reply, sent };
          buf = buf.slice(2 + reply.length);
          continue;
        }
        if (eof || sys.now() >= deadline || p.signal.aborted) break;
        await waitReadable(p, s, deadline);
      }
      opts.onTryFailed?.(eof ? "connection refused" : "timed out");
    } finally {
      s.close();
    }
  }
  return "unreachable";
}

/** one query of `name`/`type` to one server: its reply's answers, or "unreachable" */
export async function query(
  p: Process,
  server: number,
  name: string,
  type: number,
  opts: { timeoutMs: number; tries: number; tcp?: boolean; port?: number; onTryFailed?: (why: "timed out" | "connection refused") => void },
): Promise<Reply | "unreachable"> {
  const id = p.sys.random32() & 0xffff;
  const r = await exchange(p, server, mkquery(id, name, type), id, opts);
  if (r === "unreachable") return r;
  return parseReply(r.reply) ?? "unreachable";
}

/** the names to try for `name` (dighost.c: setup_lookup(), next_origin()): a name with a
 * final dot or at least ndots dots as it is and nothing else; else the search list, then the
 * name as it is */
export function searchNames(name: string, search: string[], ndots: number): string[] {
  if (name.endsWith(".")) return [name.slice(0, -1)];
  const dots = name.split(".").length - 1;
  if (dots >= ndots) return [name];
  return [...search.map((d) => `${name}.${d}`), name];
}

/** the in-addr.arpa name of a dotted quad */
export function reverseName(a: number): string {
  return `${a & 255}.${(a >>> 8) & 255}.${(a >>> 16) & 255}.${a >>> 24}.in-addr.arpa`;
}

/** an IPv6 address (inet_pton(AF_INET6)), or undefined */
export function parseIpv6(s: string): Uint8Array | undefined {
  return s.includes(":") ? inetPton6(s) : undefined;
}

/** the ip6.arpa name of an IPv6 address: its nibbles, last first */
export function reverseName6(a: Uint8Array): string {
  const n: string[] = [];
  for (let i = 15; i >= 0; i--) n.push((a[i]! & 15).toString(16), (a[i]! >> 4).toString(16));
  return `${n.join(".")}.ip6.arpa`;
}

/** the SERVER operand: a dotted quad, or a name getaddrinfo() resolves; else the
 * isc_result text of the failure ("not found", "failure") */
export async function serverAddress(p: Process, s: string): Promise<number | string> {
  const a = parseIpv4(s);
  if (a !== undefined) return a;
  if (/^[\d.]+$/.test(s)) return "failure";
  const r = await getaddrinfo(p, s, "inet");
  if (typeof r !== "string") return r.addr;
  return r === EAI_NONAME ? "not found" : "failure";
}
