/**
 * glibc's stub resolver as far as a reverse lookup needs it: resolv/res_init.c (resolv.conf:
 * `nameserver`, `options timeout:/attempts:`; no nameserver line means 127.0.0.1),
 * res_mkquery.c (header with RD, one question, no EDNS unless asked), res_send.c
 * (__res_context_send: `retry` rounds over the servers; send_dg: a connected UDP socket per
 * try, poll() for `retrans << ns` seconds; POLLERR — the ICMP port unreachable a server
 * address without a listener answers — or a timeout closes the socket and moves on) and
 * nss_dns's _nss_dns_gethostbyaddr2_r (a PTR query for d.c.b.a.in-addr.arpa).
 *
 * The queries are real datagrams through the emulated kernel: on a host whose resolv.conf is
 * empty they go to 127.0.0.1:53 over lo and pass the filter OUTPUT and INPUT hooks, as they do
 * on Linux.
 */
import type { Process } from "../process.ts";
import type { Socket } from "../../kernel/uapi/socket.ts";
import { SOCK_DGRAM } from "../../kernel/uapi/socket.ts";
import { AF_INET } from "../../kernel/uapi/rtnetlink.ts";
import { isKErr } from "../../kernel/uapi/errno.ts";

const NS_DEFAULTPORT = 53;
const MAXNS = 3;
const RES_TIMEOUT = 5; // seconds
const RES_DFLRETRY = 2;
const T_PTR = 12;
const C_IN = 1;

interface ResState {
  ns: number[];
  retrans: number;
  retry: number;
}

/** res_init.c: __res_vinit() over the text of /etc/resolv.conf */
export function resInit(conf: string): ResState {
  const st: ResState = { ns: [], retrans: RES_TIMEOUT, retry: RES_DFLRETRY };
  for (const raw of conf.split("\n")) {
    const line = raw.replace(/[;#].*$/, "");
    const f = line.trim().split(/[ \t]+/);
    if (f[0] === "nameserver" && f[1] !== undefined && st.ns.length < MAXNS) {
      const a = parseDotted(f[1]);
      if (a !== undefined) st.ns.push(a);
    } else if (f[0] === "options") {
      for (const o of f.slice(1)) {
        let m = /^timeout:(\d+)$/.exec(o);
        if (m) st.retrans = Math.min(Number(m[1]), 30);
        m = /^attempts:(\d+)$/.exec(o);
        if (m) st.retry = Math.min(Number(m[1]), 5);
      }
    }
  }
  // no nameserver line: the server on this host (INADDR_LOOPBACK)
  if (st.ns.length === 0) st.ns.push(0x7f000001);
  return st;
}

function parseDotted(s: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
}

/** res_mkquery.c: __res_context_mkquery(QUERY, name, C_IN, type) */
function mkquery(id: number, name: string, type: number): Uint8Array {
  const labels = name.split(".").filter((l) => l !== "");
  let len = 12 + 1 + 4;
  for (const l of labels) len += 1 + l.length;
  const b = new Uint8Array(len);
  b[0] = id >>> 8;
  b[1] = id & 0xff;
  b[2] = 0x01; // RD
  b[5] = 1; // QDCOUNT
  let o = 12;
  for (const l of labels) {
    b[o++] = l.length;
    for (let i = 0; i < l.length; i++) b[o++] = l.charCodeAt(i);
  }
  b[o++] = 0;
  b[o++] = type >>> 8;
  b[o++] = type & 0xff;
  b[o++] = C_IN >>> 8;
  b[o++] = C_IN & 0xff;
  return b;
}

/** dn_expand(): the name at `off` (compression pointers followed), and the offset after it */
function dnExpand(b: Uint8Array, off: number): { name: string; next: number } | undefined {
  const parts: string[] = [];
  let next = -1;
  let o = off;
  for (let hops = 0; hops < 64; hops++) {
    const n = b[o];
    if (n === undefined) return undefined;
    if ((n & 0xc0) === 0xc0) {
      if (o + 1 >= b.length) return undefined;
      if (next < 0) next = o + 2;
      o = ((n & 0x3f) << 8) | b[o + 1]!;
      continue;
    }
    if (n === 0) {
      if (next < 0) next = o + 1;
      return { name: parts.join("."), next };
    }
    if (o + 1 + n > b.length) return undefined;
    parts.push(String.fromCharCode(...b.subarray(o + 1, o + 1 + n)));
    o += 1 + n;
  }
  return undefined;
}

type Answer = { kind: "name"; name: string } | { kind: "notfound" } | { kind: "next" };

/** what the nss module makes of a reply: the first PTR of the answer section */
function parseReply(b: Uint8Array, type: number): Answer {
  const rcode = b[3]! & 0x0f;
  if (rcode === 3) return { kind: "notfound" }; // NXDOMAIN
  if (rcode !== 0) return { kind: "next" }; // SERVFAIL, NOTIMP, REFUSED: next server
  const qd = (b[4]! << 8) | b[5]!;
  const an = (b[6]! << 8) | b[7]!;
  let o = 12;
  for (let i = 0; i < qd; i++) {
    const q = dnExpand(b, o);
    if (!q) return { kind: "notfound" };
    o = q.next + 4;
  }
  for (let i = 0; i < an; i++) {
    const r = dnExpand(b, o);
    if (!r || r.next + 10 > b.length) return { kind: "notfound" };
    o = r.next;
    const t = (b[o]! << 8) | b[o + 1]!;
    const rdlen = (b[o + 8]! << 8) | b[o + 9]!;
    o += 10;
    if (t === type) {
      const n = dnExpand(b, o);
      if (n) return { kind: "name", name: n.name };
    }
    o += rdlen;
  }
  return { kind: "notfound" };
}

/** the resolver of one process (struct __res_state) */
export class StubResolver {
  private constructor(private p: Process, private st: ResState) {}

  static async load(p: Process): Promise<StubResolver> {
    return new StubResolver(p, resInit((await p.readFile("/etc/resolv.conf")) ?? ""));
  }

  /** poll(2) for POLLIN|POLLERR on one socket for `ms` milliseconds */
  private async waitReadable(s: Socket, ms: number): Promise<boolean> {
    const sys = this.p.sys;
    const b = sys.block();
    let timedOut = false;
    const t = sys.timer?.(() => {
      timedOut = true;
      b.unblock();
    }, "res_send");
    t?.mod(sys.now() + ms * 1000);
    const onAbort = () => b.unblock();
    this.p.signal.addEventListener("abort", onAbort);
    s.onReadable(() => b.unblock());
    await b.promise;
    s.onReadable(undefined);
    t?.cancel();
    this.p.signal.removeEventListener("abort", onAbort);
    return !timedOut && !this.p.signal.aborted;
  }

  /** res_send.c: send_dg() — one try to one server; an answer, or undefined to go on */
  private async sendDg(ns: number, nsIndex: number, query: Uint8Array, id: number, type: number): Promise<Answer | "fail" | undefined> {
    const sys = this.p.sys;
    const s = sys.socket(AF_INET, SOCK_DGRAM, 0);
    // no socket: send_dg() returns -1 and the whole query fails at once
    if (isKErr(s)) return "fail";
    try {
      if (s.connect({ family: AF_INET, addr: ns, port: NS_DEFAULTPORT })) return undefined;
      const sent = s.sendto(query);
      if (isKErr(sent)) return undefined;
      let seconds = this.st.retrans << nsIndex;
      if (nsIndex > 0) seconds = Math.floor(seconds / this.st.ns.length);
      if (seconds <= 0) seconds = 1;
      const deadline = sys.now() + seconds * 1_000_000;
      for (;;) {
        const m = s.recvfrom();
        if (m) {
          const b = m.data;
          // a reply to another query (or too short): keep waiting
          if (b.length < 12 || ((b[0]! << 8) | b[1]!) !== id || !(b[2]! & 0x80)) continue;
          const a = parseReply(b, type);
          return a.kind === "next" ? undefined : a;
        }
        const err = s.getsockopt("SO_ERROR");
        if (typeof err === "number" && err !== 0) return undefined; // POLLERR
        const left = deadline - sys.now();
        if (left <= 0 || this.p.signal.aborted) return undefined;
        if (!(await this.waitReadable(s, Math.ceil(left / 1000)))) {
          if (sys.now() >= deadline || this.p.signal.aborted) return undefined;
        }
      }
    } finally {
      s.close();
    }
  }

  /** res_query(name, C_IN, type) through __res_context_send's retry loop */
  private async query(name: string, type: number): Promise<string | undefined> {
    const id = this.p.sys.random32() & 0xffff;
    const q = mkquery(id, name, type);
    for (let tries = 0; tries < this.st.retry; tries++) {
      for (let i = 0; i < this.st.ns.length; i++) {
        if (this.p.signal.aborted) return undefined;
        const a = await this.sendDg(this.st.ns[i]!, i, q, id, type);
        if (!a) continue;
        if (a === "fail") return undefined;
        return a.kind === "name" ? a.name : undefined;
      }
    }
    return undefined;
  }

  /** nss_dns: _nss_dns_gethostbyaddr2_r() for AF_INET (host-order address) */
  async gethostbyaddr(addr: number): Promise<string | undefined> {
    const qname = `${addr & 0xff}.${(addr >>> 8) & 0xff}.${(addr >>> 16) & 0xff}.${addr >>> 24}.in-addr.arpa`;
    return this.query(qname, T_PTR);
  }
}
