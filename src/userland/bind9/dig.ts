/**
 * BIND 9.18 dig (bin/dig/dig.c + dighost.c): one query (EDNS with a client cookie unless
 * +noedns or +nocookie) to @SERVER (-p PORT) or the first nameserver of /etc/resolv.conf, over
 * UDP sent without DF, or TCP with +tcp/+vc and for ANY; the reply printed in dig's sections
 * (+cmd, comments, question, answer, stats), +short, +noall/+answer…, -x (IPv4 and IPv6), -t and
 * bare type words, +time/+tries. The name is asked as it is (+nosearch).
 */
import type { Command } from "../process.ts";
import { dnExpand, mkquery } from "../lib/resolv.ts";
import { inetNtop6 } from "../lib/utils.ts";
import {
  RCODE_NAMES, TYPE_NAMES, T_ANY, exchange, ipStr, parseIpv4, parseIpv6, resolvConf, reverseName, reverseName6, serverAddress,
} from "./dnsclient.ts";

const VERSION = "9.18.49-1~deb12u1-Debian";
const TYPE_TEXT: Record<number, string> = Object.fromEntries(Object.entries(TYPE_NAMES).map(([k, v]) => [v, k]));
const EDE_TEXT: Record<number, string> = { 14: "Not Ready", 18: "Prohibited", 20: "Not Authoritative", 21: "Not Supported", 23: "Network Error" };

interface Display {
  cmd: boolean;
  comments: boolean;
  question: boolean;
  answer: boolean;
  authority: boolean;
  additional: boolean;
  stats: boolean;
  short: boolean;
}

/** a wire name with its final dot; "." for the root */
const fqdn = (n: string) => (n === "" ? "." : `${n}.`);

/** masterdump.c: indent(): tabs (8 wide) then spaces from column `cur` to column `to`, at
 * least one blank past a column already reached; the text and the new column */
function indent(cur: number, col: number): [string, number] {
  const to = col < cur + 1 ? cur + 1 : col;
  const ntabs = Math.max(0, Math.floor(to / 8) - Math.floor(cur / 8));
  const from = ntabs > 0 ? Math.floor(to / 8) * 8 : cur;
  return ["\t".repeat(ntabs) + " ".repeat(to - from), to];
}

/** one resource record in dig's default style (rdataset_totext(): columns 24, 32, 40, 48); a
 * question (question_totext(): the ";" before it is not counted) has no TTL and no data */
function rrLine(name: string, ttl: number | undefined, type: number, data: string): string {
  let s = name;
  let col = name.length;
  const add = (to: number, text: string) => {
    const [pad, c] = indent(col, to);
    s += pad + text;
    col = c + text.length;
  };
  if (ttl !== undefined) add(24, String(ttl));
  add(32, "IN");
  add(40, TYPE_TEXT[type] ?? `TYPE${type}`);
  if (ttl !== undefined) add(48, data);
  return s;
}

/** the query: res_mkquery's, and with EDNS an OPT record (udp 1232) with an 8-byte client
 * cookie unless +nocookie */
function mkQuery(id: number, name: string, type: number, edns: boolean, cookie: Uint8Array | undefined): Uint8Array {
  const q = mkquery(id, name, type);
  if (!edns) return q;
  const b = new Uint8Array(q.length + 11 + (cookie ? 12 : 0));
  b.set(q);
  b[11] = 1; // ARCOUNT
  b.set([0, 0, 41, 1232 >>> 8, 1232 & 0xff, 0, 0, 0, 0, 0, cookie ? 12 : 0], q.length); // OPT
  if (cookie) {
    b.set([0, 10, 0, 8], q.length + 11); // COOKIE
    b.set(cookie, q.length + 15);
  }
  return b;
}

interface Parsed {
  id: number;
  flags: string[];
  rcode: number;
  counts: number[];
  question: { name: string; type: number } | undefined;
  answers: { name: string; ttl: number; type: number; data: string }[];
  opt: { udp: number; version: number; ede: number[] } | undefined;
}

function parse(b: Uint8Array): Parsed | undefined {
  if (b.length < 12) return undefined;
  const r16 = (o: number) => (b[o]! << 8) | b[o + 1]!;
  const flags: string[] = ["qr"];
  if (b[2]! & 0x04) flags.push("aa");
  if (b[2]! & 0x02) flags.push("tc");
  if (b[2]! & 0x01) flags.push("rd");
  if (b[3]! & 0x80) flags.push("ra");
  if (b[3]! & 0x20) flags.push("ad");
  if (b[3]! & 0x10) flags.push("cd");
  const counts = [r16(4), r16(6), r16(8), r16(10)];
  let o = 12;
  let question: Parsed["question"];
  for (let i = 0; i < counts[0]!; i++) {
    const q = dnExpand(b, o);
    if (!q) return undefined;
    question = { name: q.name, type: r16(q.next) };
    o = q.next + 4;
  }
  const answers: Parsed["answers"] = [];
  let opt: Parsed["opt"];
  const rrs = counts[1]! + counts[2]! + counts[3]!;
  for (let i = 0; i < rrs; i++) {
    const r = dnExpand(b, o);
    if (!r || r.next + 10 > b.length) break;
    o = r.next;
    const type = r16(o);
    const klass = r16(o + 2);
    const ttl = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
    const rdlen = r16(o + 8);
    o += 10;
    if (type === 41) {
      const ede: number[] = [];
      for (let q = o; q + 4 <= o + rdlen; ) {
        const code = r16(q);
        const len = r16(q + 2);
        if (code === 15 && len >= 2) ede.push(r16(q + 4));
        q += 4 + len;
      }
      opt = { udp: klass, version: (ttl >>> 16) & 0xff, ede };
    } else if (i < counts[1]!) {
      let data = "";
      if (type === 1 && rdlen === 4) data = `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
      else if (type === 28 && rdlen === 16) data = inetNtop6(b.subarray(o, o + 16));
      else if (type === 12 || type === 5 || type === 2) data = fqdn(dnExpand(b, o)?.name ?? "");
      else if (type === 15) data = `${r16(o)} ${fqdn(dnExpand(b, o + 2)?.name ?? "")}`;
      answers.push({ name: fqdn(r.name), ttl, type, data });
    }
    o += rdlen;
  }
  return { id: r16(0), flags, rcode: b[3]! & 0x0f, counts, question, answers, opt };
}

/** the date of dig's WHEN line: "Tue Dec 01 20:13:27 UTC 2026" */
function when(t: number): string {
  const d = new Date(Math.floor(t) * 1000);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

export const dig: Command = async (p) => {
  const args = p.argv.slice(1);
  const disp: Display = { cmd: true, comments: true, question: true, answer: true, authority: true, additional: true, stats: true, short: false };
  let server: string | undefined;
  let name: string | undefined;
  let type: number | undefined;
  let edns = true;
  let sendCookie = true;
  let tcp = false;
  let tcpSet = false;
  let timeoutMs = 5000;
  let tries = 3;
  let port = 53;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("@")) server = a.slice(1);
    else if (a.startsWith("-p")) {
      const v = a.length > 2 ? a.slice(2) : (args[++i] ?? "");
      const n = Number(v);
      if (!/^\d+$/.test(v) || n > 65535) {
        p.stderr.write(`dig: port '${v}' out of range\n`);
        return 1;
      }
      port = n;
    }
    else if (a === "-x") {
      const v = args[++i] ?? "";
      const ad = parseIpv4(v);
      const ad6 = ad === undefined ? parseIpv6(v) : undefined;
      if (ad === undefined && !ad6) {
        p.stderr.write(`Invalid IP address ${v}\n`);
        return 1;
      }
      name = ad !== undefined ? reverseName(ad) : reverseName6(ad6!);
      type = 12;
    } else if (a === "-t") {
      const t = TYPE_NAMES[(args[++i] ?? "").toUpperCase()];
      if (t !== undefined) type = t;
    } else if (a.startsWith("+")) {
      const m = /^\+(no)?([a-z]+)(?:=(.*))?$/.exec(a);
      const on = !m?.[1];
      const opt = m?.[2] ?? "";
      const val = m?.[3];
      if (opt === "short") disp.short = on;
      else if (opt === "all") for (const k of ["cmd", "comments", "question", "answer", "authority", "additional", "stats"] as const) disp[k] = on;
      else if (opt === "cmd" || opt === "comments" || opt === "question" || opt === "answer" || opt === "authority" || opt === "additional" || opt === "stats") disp[opt] = on;
      else if (opt === "edns") edns = on;
      else if (opt === "cookie") sendCookie = on;
      else if (opt === "tcp" || opt === "vc") {
        tcp = on;
        tcpSet = true;
      }
      else if (opt === "time" && val) timeoutMs = Math.max(1, Number(val) || 1) * 1000;
      else if ((opt === "tries" || opt === "retry") && val !== undefined) tries = opt === "tries" ? Math.max(1, Number(val) || 1) : Math.max(0, Number(val) || 0) + 1;
    } else if (TYPE_NAMES[a.toUpperCase()] !== undefined && name !== undefined) type = TYPE_NAMES[a.toUpperCase()];
    else name = a;
  }
  name ??= "";
  type ??= name === "" ? 2 : 1;
  // dig.c: an ANY query goes over TCP unless +[no]tcp said otherwise
  if (type === T_ANY && !tcpSet) tcp = true;
  const conf = await resolvConf(p);
  let addr = conf.servers[0]!;
  if (server !== undefined) {
    const s = await serverAddress(p, server);
    if (typeof s === "string") {
      p.stderr.write(`dig: couldn't get address for '${server}': ${s}\n`);
      return 10;
    }
    addr = s;
  }
  // the communications errors come as they happen; the command's header once it is done
  let out = "";
  const header = `\n; <<>> DiG ${VERSION} <<>> ${args.join(" ")}\n${server !== undefined ? "; (1 server found)\n" : ""};; global options: +cmd\n`;
  const sys = p.sys;
  const id = sys.random32() & 0xffff;
  const cookie = new Uint8Array(8).map(() => sys.random32() & 0xff);
  const query = mkQuery(id, name, type, edns, sendCookie ? cookie : undefined);
  const r = await exchange(p, addr, query, id, {
    timeoutMs, tries, tcp, port,
    onTryFailed: (why) => {
      // dighost.c: a TCP connection that fails ends its try with its own report
      if (tcp) out += `;; Connection to ${ipStr(addr)}#${port}(${ipStr(addr)}) for ${name} failed: ${why}.\n;; no servers could be reached\n`;
      else out += `;; communications error to ${ipStr(addr)}#${port}: ${why}\n`;
    },
  });
  const parsed = r === "unreachable" ? undefined : parse(r.reply);
  if (r !== "unreachable" && parsed) {
    if (disp.cmd && !disp.short) out += header;
    out += printReply(parsed, r.reply.length, disp, addr, port, Math.floor((sys.now() - r.sent) / 1000), sys.wallclock(), tcp);
    p.stdout.write(out);
    return 0;
  }
  p.stdout.write(tcp ? out : out + header + ";; no servers could be reached\n");
  return 9;
};

function printReply(r: Parsed, size: number, d: Display, server: number, port: number, ms: number, now: number, tcp: boolean): string {
  if (d.short) {
    let s = "";
    for (const a of r.answers) s += `${a.data}\n`;
    return s;
  }
  let s = "";
  if (d.comments) {
    s += ";; Got answer:\n";
    s += `;; ->>HEADER<<- opcode: QUERY, status: ${RCODE_NAMES[r.rcode] ?? r.rcode}, id: ${r.id}\n`;
    s += `;; flags: ${r.flags.join(" ")}; QUERY: ${r.counts[0]}, ANSWER: ${r.counts[1]}, AUTHORITY: ${r.counts[2]}, ADDITIONAL: ${r.counts[3]}\n\n`;
    if (r.opt) {
      s += `;; OPT PSEUDOSECTION:\n; EDNS: version: ${r.opt.version}, flags:; udp: ${r.opt.udp}\n`;
      for (const e of r.opt.ede) s += `; EDE: ${e} (${EDE_TEXT[e] ?? "Unknown"})\n`;
    }
  }
  if (d.question && r.question) {
    if (d.comments) s += ";; QUESTION SECTION:\n";
    s += ";" + rrLine(fqdn(r.question.name), undefined, r.question.type, "") + "\n";
    if (d.comments) s += "\n";
  }
  if (d.answer && r.answers.length) {
    if (d.comments) s += ";; ANSWER SECTION:\n";
    for (const a of r.answers) s += rrLine(a.name, a.ttl, a.type, a.data) + "\n";
    if (d.comments) s += "\n";
  }
  if (d.stats) {
    s += `;; Query time: ${ms} msec\n;; SERVER: ${ipStr(server)}#${port}(${ipStr(server)}) (${tcp ? "TCP" : "UDP"})\n;; WHEN: ${when(now)}\n;; MSG SIZE  rcvd: ${size}\n\n`;
  }
  return s;
}


