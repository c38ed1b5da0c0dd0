/**
 * glibc's stub resolver as far as a reverse lookup needs it: resolv/res_init.c (resolv.conf:
 * `nameserver`, `options timeout:/attempts:`; no nameserver line means 127.0.0.1),
 * res_mkquery.c (header with RD, one question, no EDNS unless asked), res_send.c
 * (__res_context_send: `retry` rounds over the servers; send_dg: a connected UDP socket per
 * try, poll() for `retrans << ns` seconds; POLLERR — the ICMP port unreachable a server
 * address without a listener answers — or a timeout closes the socket and moves on) and
 * nss_dns's _nss_dns_gethostbyaddr2_r (a PTR query for d.c.b.a.in-addr.arpa) and
 * _nss_dns_gethostbyname4_r / gethostbyname3_r (A and AAAA, or A alone, sent back to back on
 * one socket; res_search.c's search list and ndots).
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
const T_A = 1;
const T_PTR = 12;
const T_AAAA = 28;
const C_IN = 1;

interface ResState {
  ns: number[];
  retrans: number;
  retry: number;
  /** the search list (`search`, or the last `domain`, else the host name's domain) */
  dnsrch: string[];
  ndots: number;
}

/** res_init.c: __res_vinit() over the text of /etc/resolv.conf */
export function resInit(conf: string, hostname = ""): ResState {
  const st: ResState = { ns: [], retrans: RES_TIMEOUT, retry: RES_DFLRETRY, dnsrch: [], ndots: 1 };
  let haveSearch = false;
  for (const raw of conf.split("\n")) {
    const line = raw.replace(/[;#].*$/, "");
    const f = line.trim().split(/[ \t]+/);
    if (f[0] === "nameserver" && f[1] !== undefined && st.ns.length < MAXNS) {
      const a = parseDotted(f[1]);
      if (a !== undefined) st.ns.push(a);
    } else if ((f[0] === "domain" || f[0] === "search") && f[1] !== undefined) {
      // the last of `domain` and `search` wins
      st.dnsrch = f[0] === "domain" ? [f[1]] : f.slice(1).filter((x) => x !== "").slice(0, 6);
      haveSearch = true;
    } else if (f[0] === "options") {
      for (const o of f.slice(1)) {
        let m = /^timeout:(\d+)$/.exec(o);
        if (m) st.retrans = Math.min(Number(m[1]), 30);
        m = /^attempts:(\d+)$/.exec(o);
        if (m) st.retry = Math.min(Number(m[1]), 5);
        m = /^ndots:(\d+)$/.exec(o);
        if (m) st.ndots = Math.min(Number(m[1]), 15);
      }
    }
  }
  // no search list: the domain of the host's own name
  const dot = hostname.indexOf(".");
  if (!haveSearch && dot > 0 && dot < hostname.length - 1) st.dnsrch = [hostname.slice(dot + 1)];
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

/**
 * ns_name.c: ns_name_pton() — the labels of a presentation-format name (`\\.` and `\\DDD`
 * escapes; a final dot; each label at most 63 bytes, the whole at most 255), or undefined
 */
function nsNamePton(name: string): number[][] | undefined {
  if (name === ".") return [];
  const labels: number[][] = [];
  let label: number[] = [];
  let total = 1;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c /* \\ */) {
      const d = /^[0-9]{3}/.exec(name.slice(i + 1));
      if (d) {
        const v = Number(d[0]);
        if (v > 255) return undefined;
        label.push(v);
        i += 3;
      } else if (i + 1 < name.length) label.push(name.charCodeAt(++i));
      else return undefined;
    } else if (c === 0x2e /* . */) {
      // an empty label is only the root's (a final dot)
      if (label.length === 0 || label.length > 63) return undefined;
      labels.push(label);
      total += label.length + 1;
      label = [];
      if (i === name.length - 1) return total > 255 ? undefined : labels;
      continue;
    } else label.push(c);
    if (label.length > 63) return undefined;
  }
  if (label.length === 0) return undefined;
  labels.push(label);
  total += label.length + 1;
  return total > 255 ? undefined : labels;
}

/**
 * res-name-checking.c: res_hnok() — may `name` be a host name? Printable ASCII, a valid
 * domain name whose first label does not start with '-', each label of [0-9A-Za-z_-]. nss_dns
 * asks no server for a name that is not (check_name(): HOST_NOT_FOUND).
 */
export function resHnok(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 0x20 || c > 0x7e) return false;
  }
  const labels = nsNamePton(name);
  if (!labels) return false;
  if (labels[0]?.[0] === 0x2d) return false;
  const ok = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f;
  return labels.every((l) => l.every(ok));
}

/** res_mkquery.c: __res_context_mkquery(QUERY, name, C_IN, type) */
export function mkquery(id: number, name: string, type: number): Uint8Array {
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
export function dnExpand(b: Uint8Array, off: number): { name: string; next: number } | undefined {
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

type Answer =
  | { kind: "name"; name: string }
  | { kind: "addrs"; addrs: number[]; owner: string; rcode: number; ancount: number }
  | { kind: "notfound" }
  | { kind: "next" };

/** an A or AAAA reply as res_queriesmatch()/getanswer_r() see it: the rcode, the IPv4
 * addresses with the owner name of the first, how many answers */
function parseAddrs(b: Uint8Array): Answer {
  const rcode = b[3]! & 0x0f;
  if (rcode !== 0 && rcode !== 3) return { kind: "next" }; // SERVFAIL, NOTIMP, REFUSED: next server
  const qd = (b[4]! << 8) | b[5]!;
  const an = (b[6]! << 8) | b[7]!;
  const addrs: number[] = [];
  let owner = "";
  let o = 12;
  for (let i = 0; i < qd; i++) {
    const q = dnExpand(b, o);
    if (!q) return { kind: "addrs", addrs, owner, rcode, ancount: an };
    o = q.next + 4;
  }
  for (let i = 0; i < an; i++) {
    const r = dnExpand(b, o);
    if (!r || r.next + 10 > b.length) break;
    o = r.next;
    const t = (b[o]! << 8) | b[o + 1]!;
    const rdlen = (b[o + 8]! << 8) | b[o + 9]!;
    o += 10;
    if (t === T_A && rdlen === 4 && o + 4 <= b.length) {
      if (!addrs.length) owner = r.name;
      addrs.push(((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0);
    }
    o += rdlen;
  }
  return { kind: "addrs", addrs, owner, rcode, ancount: an };
}

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

/** h_errno of a failed query (REFUSED: TRY_AGAIN with errno ECONNREFUSED) */
type HErrno = "HOST_NOT_FOUND" | "NO_DATA" | "TRY_AGAIN" | "REFUSED";

/** the resolver of one process (struct __res_state) */
export class StubResolver {
  private constructor(private p: Process, private st: ResState) {}

  static async load(p: Process): Promise<StubResolver> {
    return new StubResolver(p, resInit((await p.readFile("/etc/resolv.conf")) ?? "", p.sys.hostname()));
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

  /** res_query(name, C_IN, type) through __res_context_send's retry loop: the first name of
   * the answer (a SERVFAIL/NOTIMP/REFUSED reply: the next server) */
  private async query(name: string, type: number): Promise<string | undefined> {
    const id = this.p.sys.random32() & 0xffff;
    const qs = [{ id, buf: mkquery(id, name, type) }];
    for (let tries = 0; tries < this.st.retry; tries++) {
      for (let i = 0; i < this.st.ns.length; i++) {
        if (this.p.signal.aborted) return undefined;
        const r = await this.sendDgAll(this.st.ns[i]!, i, qs);
        if (r === "fail") return undefined;
        if (!r || r === "refused") continue;
        const a = parseReply(r[0]!, type);
        if (a.kind === "next") continue;
        return a.kind === "name" ? a.name : undefined;
      }
    }
    return undefined;
  }

  /** res_send.c: send_dg() — one try to one server with the queries of one res_query (A, or A
   * and AAAA back to back) on one socket: the replies in query order, undefined to go on (a
   * timeout), "refused" (POLLERR: the ICMP port unreachable of an address without a listener),
   * or "fail" (no socket: the whole query fails at once) */
  private async sendDgAll(ns: number, nsIndex: number, qs: { id: number; buf: Uint8Array }[]): Promise<Uint8Array[] | "fail" | "refused" | undefined> {
    const sys = this.p.sys;
    const s = sys.socket(AF_INET, SOCK_DGRAM, 0);
    if (isKErr(s)) return "fail";
    try {
      if (s.connect({ family: AF_INET, addr: ns, port: NS_DEFAULTPORT })) return undefined;
      // A and AAAA go out in one sendmmsg(): the port unreachable the first one meets over lo
      // is taken (and cleared) by the second, sendmmsg() reports one sent, and send_dg() sends
      // the second with send() (`just_one`)
      for (let k = 0; k < qs.length; k++) {
        let r = s.sendto(qs[k]!.buf);
        if (isKErr(r) && k > 0 && r.errno === "ECONNREFUSED") r = s.sendto(qs[k]!.buf);
        if (isKErr(r)) return undefined;
      }
      let seconds = this.st.retrans << nsIndex;
      if (nsIndex > 0) seconds = Math.floor(seconds / this.st.ns.length);
      if (seconds <= 0) seconds = 1;
      const deadline = sys.now() + seconds * 1_000_000;
      const got: (Uint8Array | undefined)[] = qs.map(() => undefined);
      for (;;) {
        for (let m = s.recvfrom(); m; m = s.recvfrom()) {
          const b = m.data;
          if (b.length < 12 || !(b[2]! & 0x80)) continue;
          const i = qs.findIndex((q) => q.id === ((b[0]! << 8) | b[1]!));
          if (i >= 0 && !got[i]) got[i] = b;
        }
        if (got.every((b) => b !== undefined)) return got as Uint8Array[];
        const err = s.getsockopt("SO_ERROR");
        if (typeof err === "number" && err !== 0) return "refused"; // POLLERR: ECONNREFUSED
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

  /**
   * __res_context_query() of one name for its addresses (A, and AAAA when `both`): the A
   * records, or the h_errno of the failure (HOST_NOT_FOUND, NO_DATA, TRY_AGAIN)
   */
  private async queryAddrs(name: string, types: readonly number[]): Promise<{ addrs: number[]; owner: string } | HErrno> {
    const qs = types.map((t) => {
      const id = this.p.sys.random32() & 0xffff;
      return { id, buf: mkquery(id, name, t) };
    });
    // errno after the last try: ECONNREFUSED when a server's port answered unreachable
    let refused = false;
    for (let tries = 0; tries < this.st.retry; tries++) {
      for (let i = 0; i < this.st.ns.length; i++) {
        if (this.p.signal.aborted) return "TRY_AGAIN";
        const r = await this.sendDgAll(this.st.ns[i]!, i, qs);
        if (r === "fail") return "TRY_AGAIN";
        refused = r === "refused";
        if (!r || r === "refused") continue;
        const as = r.map(parseAddrs);
        const ok = as.filter((a): a is Extract<Answer, { kind: "addrs" }> => a.kind === "addrs");
        // every reply a SERVFAIL/NOTIMP/REFUSED: the next server
        if (!ok.length) continue;
        const withA = ok.find((a) => a.addrs.length);
        if (withA) return { addrs: withA.addrs, owner: withA.owner };
        if (ok.some((a) => a.rcode === 0 && a.ancount > 0)) return "NO_DATA";
        return ok[0]!.rcode === 3 ? "HOST_NOT_FOUND" : "NO_DATA";
      }
    }
    return refused ? "REFUSED" : "TRY_AGAIN";
  }

  /**
   * res_search.c: __res_context_search() over the search list: a name with ndots dots or a
   * trailing dot as it is first; then each search domain; then as it is, if not tried yet.
   * `checkName`: nss_dns's check_name() first, as gethostbyname_r, gethostbyname2_r and
   * gethostbyname4_r (getaddrinfo for both families) do; gethostbyname3_r (getaddrinfo for one
   * family) asks for any name
   */
  async gethostbyname(name: string, both: boolean, checkName = both): Promise<{ addrs: number[]; canonname: string } | "HOST_NOT_FOUND" | "NO_DATA" | "TRY_AGAIN"> {
    if (checkName && !resHnok(name)) return "HOST_NOT_FOUND";
    return this.search(name, both ? [T_A, T_AAAA] : [T_A]);
  }

  /** _nss_dns_gethostbyname3_r(AF_INET6): AAAA alone (IPv6 answers are not modelled: a name
   * has none, so this ends in NO_DATA, HOST_NOT_FOUND or TRY_AGAIN) */
  async gethostbyname6(name: string, checkName: boolean): Promise<"HOST_NOT_FOUND" | "NO_DATA" | "TRY_AGAIN"> {
    if (checkName && !resHnok(name)) return "HOST_NOT_FOUND";
    const r = await this.search(name, [T_AAAA]);
    return typeof r === "string" ? r : "NO_DATA";
  }

  private async search(name: string, types: readonly number[]): Promise<{ addrs: number[]; canonname: string } | "HOST_NOT_FOUND" | "NO_DATA" | "TRY_AGAIN"> {
    const trailing = name.endsWith(".");
    const bare = name.replace(/\.$/, "");
    const dots = bare.split(".").length - 1;
    const herr = (r: HErrno) => (r === "REFUSED" ? "TRY_AGAIN" : r);
    let saved: HErrno | undefined;
    let triedAsIs = false;
    let gotNodata = false;
    let gotServfail = false;
    if (dots >= this.st.ndots || trailing) {
      const r = await this.queryAddrs(bare, types);
      if (typeof r !== "string") return { addrs: r.addrs, canonname: r.owner };
      if (trailing) return herr(r);
      saved = r;
      triedAsIs = true;
    }
    // RES_DEFNAMES (no dot) / RES_DNSRCH (dots, no trailing one): the search list
    if (!trailing) {
      for (const dom of this.st.dnsrch) {
        const r = await this.queryAddrs(`${bare}.${dom}`, types);
        if (typeof r !== "string") return { addrs: r.addrs, canonname: r.owner };
        // errno ECONNREFUSED: TRY_AGAIN at once
        if (r === "REFUSED") return "TRY_AGAIN";
        if (r === "NO_DATA") gotNodata = true;
        else if (r === "TRY_AGAIN") break;
        else if (r !== "HOST_NOT_FOUND") gotServfail = true;
      }
    }
    if (!triedAsIs) {
      const r = await this.queryAddrs(bare, types);
      if (typeof r !== "string") return { addrs: r.addrs, canonname: r.owner };
      if (saved === undefined && !gotNodata && !gotServfail) return herr(r);
    }
    if (saved !== undefined) return herr(saved);
    return gotNodata ? "NO_DATA" : gotServfail ? "TRY_AGAIN" : "HOST_NOT_FOUND";
  }

  /** nss_dns: _nss_dns_gethostbyaddr2_r() for AF_INET (host-order address) */
  async gethostbyaddr(addr: number): Promise<string | undefined> {
    const qname = `${addr & 0xff}.${(addr >>> 8) & 0xff}.${(addr >>> 16) & 0xff}.${addr >>> 24}.in-addr.arpa`;
    return this.query(qname, T_PTR);
  }

  /** _nss_dns_gethostbyaddr2_r() for AF_INET6: a PTR query for the nibbles under ip6.arpa */
  async gethostbyaddr6(addr: Uint8Array): Promise<string | undefined> {
    let qname = "";
    for (let i = 15; i >= 0; i--) qname += `${(addr[i]! & 0xf).toString(16)}.${(addr[i]! >> 4).toString(16)}.`;
    return this.query(qname + "ip6.arpa", T_PTR);
  }
}
