/**
 * Helpers shared by the iputils ports (ping, arping, traceroute): glibc's error(3) and the
 * strto*_or_err() of iputils_common.c, inet_aton(3), a getaddrinfo(3)/getnameinfo(3) over
 * /etc/hosts, getopt(3), and the simulator timer the poll() loops run on.
 */
import { inetAton, inetAtonExact } from "../lib/inet_addr.ts";
import { inetPton6 } from "../lib/utils.ts";
import { StubResolver } from "../lib/resolv.ts";
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import type { Micros } from "../../sim/scheduler.ts";
import { errnoNumbers, strerrorText, type Errno } from "../../kernel/uapi/errno.ts";

// ------------------------------------------------------------------------------ errors

/** program_invocation_short_name */
export function progName(p: Process): string {
  const a0 = p.argv[0] ?? "";
  const i = a0.lastIndexOf("/");
  return i >= 0 ? a0.slice(i + 1) : a0;
}

const errnoByNumber: Record<number, Errno> = {};
for (const [k, v] of Object.entries(errnoNumbers)) errnoByNumber[v] = k as Errno;

/** strerror(3) of an errno given by name or number */
export function strerr(e: Errno | number): string {
  if (typeof e === "number") {
    const name = errnoByNumber[e];
    return name ? strerrorText[name] : `Unknown error ${e}`;
  }
  return strerrorText[e];
}

/** glibc error(3): "prog: msg[: strerror]\n" on stderr, exit(status) when status != 0 */
export function error(p: Process, status: number, errnum: Errno | number | 0, msg: string): void {
  p.stderr.write(`${progName(p)}: ${msg}${errnum ? `: ${strerr(errnum)}` : ""}\n`);
  if (status) throw new Exit(status);
}

/** C strtol(str, &end, 10) on the whole string: the value, or undefined when garbage */
function strtolFull(s: string, base: number): number | undefined {
  const m = base === 10 ? /^\s*[+-]?\d+$/.exec(s) : /^\s*[+-]?(0[xX])?[0-9a-fA-F]+$/.exec(s);
  if (!m) return undefined;
  return base === 10 ? Number(s.trim()) : parseInt(s.trim(), 16);
}

const LONG_MAX = 9223372036854775807n;

/** iputils_common.c: strtol_or_err() */
export function strtolOrErr(p: Process, str: string, errmesg: string, min: number | bigint, max: number | bigint): number {
  const v = str === "" ? undefined : strtolFull(str, 10);
  if (v === undefined) error(p, 1, 0, `${errmesg}: '${str}'`);
  const big = BigInt(str.trim());
  if (big > LONG_MAX || big < -LONG_MAX - 1n) error(p, 1, "ERANGE", `${errmesg}: '${str}'`);
  if (big < BigInt(min) || BigInt(max) < big) error(p, 1, 0, `${errmesg}: '${str}': out of range: ${min} <= value <= ${max}`);
  return v!;
}

/** iputils_common.c: strtoul_or_err() */
export function strtoulOrErr(p: Process, str: string, errmesg: string, min: number, max: number): number {
  // strtoul accepts a leading '-' (negating modulo 2^64); such values are out of any range here
  const v = str === "" ? undefined : strtolFull(str, 10);
  if (v === undefined) error(p, 1, 0, `${errmesg}: '${str}'`);
  let big = BigInt(str.trim());
  if (big < 0n) big += 1n << 64n;
  if (big >= 1n << 64n) error(p, 1, "ERANGE", `${errmesg}: '${str}'`);
  if (big < BigInt(min) || BigInt(max) < big) error(p, 1, 0, `${errmesg}: '${str}': out of range: ${min} <= value <= ${max}`);
  return Number(big);
}

export { strtod } from "../lib/xstrtol.ts";

// ------------------------------------------------------------------------------ addresses

export { inetAton };

export function ntoa(a: number): string {
  return `${(a >>> 24) & 255}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}


/** inet_pton(AF_INET): strict dotted quad */
export function inetPton4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let a = 0;
  for (let i = 1; i <= 4; i++) {
    const v = Number(m[i]);
    if (v > 255 || (m[i]!.length > 1 && m[i]![0] === "0" && false)) return undefined;
    a = a * 256 + v;
  }
  return a >>> 0;
}

interface HostsEntry {
  addr: number;
  names: string[];
}

async function readHosts(p: Process): Promise<HostsEntry[]> {
  const text = (await p.readFile("/etc/hosts")) ?? "";
  const out: HostsEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const f = line.split(/\s+/);
    const a = inetPton4(f[0]!);
    if (a === undefined || f.length < 2) continue;
    out.push({ addr: a, names: f.slice(1) });
  }
  return out;
}

/** gai_strerror() texts */
export const EAI_NONAME = "Name or service not known";
export const EAI_AGAIN = "Temporary failure in name resolution";
export const EAI_NODATA = "No address associated with hostname";
export const EAI_ADDRFAMILY = "Address family for hostname not supported";

export interface AddrInfo {
  addr: number;
  canonname: string;
}

/**
 * getaddrinfo(3) with AI_CANONNAME as glibc does it for IPv4 targets: numeric forms
 * (inet_aton), then nsswitch's `hosts: files dns` — /etc/hosts, then the stub resolver
 * (lib/resolv.ts: the servers of /etc/resolv.conf, 127.0.0.1 without any; A and AAAA queries). Returns the gai_strerror() text on failure: EAI_AGAIN when no server
 * answered (the lab machines have none), EAI_NONAME for NXDOMAIN, EAI_NODATA for a name
 * without addresses.
 */
export async function getaddrinfo(p: Process, node: string, family: "unspec" | "inet" = "unspec", hop = false): Promise<AddrInfo | string> {
  const a = inetAtonExact(node);
  if (a !== undefined) return { addr: a, canonname: node };
  if (node === "") return EAI_NONAME;
  // an IPv6 literal asked for as AF_INET (ping's hops, -4)
  if (family === "inet" && inetPton6(node)) return EAI_ADDRFAMILY;
  const hosts = await readHosts(p);
  const want = node.toLowerCase().replace(/\.$/, "");
  for (const h of hosts) {
    if (h.names.some((n) => n.toLowerCase() === want)) return { addr: h.addr, canonname: h.names[0]! };
  }
  // A and AAAA after check_name() (gethostbyname4_r: `ping -4 NAME` sends both too); ping's
  // hops (hints with IPPROTO_UDP) go through gethostbyname3_r: A alone, any name
  const r = await (await StubResolver.load(p)).gethostbyname(node, !hop, !hop);
  if (typeof r !== "string") return { addr: r.addrs[0]!, canonname: r.canonname };
  return r === "HOST_NOT_FOUND" ? EAI_NONAME : r === "NO_DATA" ? EAI_NODATA : EAI_AGAIN;
}

/** gethostbyname(3) for AF_INET: a name of digits and dots is parsed, not looked up
 * (__nss_hostname_digits_dots()); anything else goes to /etc/hosts, then DNS (an A query) */
export async function gethostbyname(p: Process, node: string): Promise<number | undefined> {
  if (/^[0-9.]+$/.test(node)) return inetAton(node);
  const want = node.toLowerCase().replace(/\.$/, "");
  for (const h of await readHosts(p)) if (h.names.some((n) => n.toLowerCase() === want)) return h.addr;
  const r = await (await StubResolver.load(p)).gethostbyname(node, false, false);
  return typeof r === "string" ? undefined : r.addrs[0];
}

/** getnameinfo(3) without NI_NUMERICHOST: the /etc/hosts name, or "" when it cannot resolve */
export async function getnameinfo(p: Process, addr: number): Promise<string> {
  const hosts = await readHosts(p);
  for (const h of hosts) if (h.addr === addr) return h.names[0]!;
  return "";
}

/**
 * A synchronous reverse-lookup cache: /etc/hosts, loaded before the simulator-driven loop
 * runs, and the DNS answers (getnameinfo's dns source) fetched with ensure() before a name
 * is printed.
 */
export class NameCache {
  private hosts: HostsEntry[] | undefined;
  private readonly dns = new Map<number, string>();
  async load(p: Process): Promise<void> {
    this.hosts = await readHosts(p);
  }
  private fromFiles(addr: number): string | undefined {
    for (const h of this.hosts ?? []) if (h.addr === addr) return h.names[0]!;
    return undefined;
  }
  /** is the name of `addr` (or its absence) known without a query? */
  known(addr: number): boolean {
    return this.fromFiles(addr) !== undefined || this.dns.has(addr);
  }
  /** getnameinfo()'s dns source for `addr`: a PTR query through the stub resolver */
  async ensure(p: Process, addr: number): Promise<void> {
    if (this.known(addr)) return;
    const name = await (await StubResolver.load(p)).gethostbyaddr(addr);
    this.dns.set(addr, name ?? "");
  }
  lookup(addr: number): string {
    return this.fromFiles(addr) ?? this.dns.get(addr) ?? "";
  }
}

// ------------------------------------------------------------------------------ getopt

/**
 * getopt(3) as glibc does it (permuting: options may follow operands, `--` ends them).
 * `spec` is the optstring; returns the options in order and the operands. An unknown option or
 * a missing argument is `{ opt: "?", arg: <the letter>, msg }`: the caller prints glibc's `msg`
 * when it reaches it (getopt prints it as it parses, and tools stop at the first one).
 */
export interface GetoptResult {
  opts: { opt: string; arg: string; msg?: string }[];
  operands: string[];
}

/** an optstring's letters and whether each takes an argument, made once per optstring */
const compiledSpecs = new Map<string, Map<string, boolean>>();

function compileSpec(spec: string): Map<string, boolean> {
  let takes = compiledSpecs.get(spec);
  if (takes) return takes;
  takes = new Map<string, boolean>();
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c === ":") continue;
    takes.set(c, spec[i + 1] === ":");
  }
  compiledSpecs.set(spec, takes);
  return takes;
}

export function getopt(p: Process, args: string[], spec: string): GetoptResult {
  const takes = compileSpec(spec);
  const opts: GetoptResult["opts"] = [];
  const operands: string[] = [];
  const name = progName(p);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.length < 2 || a[0] !== "-") {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const t = takes.get(c);
      if (t === undefined) {
        opts.push({ opt: "?", arg: c, msg: `${name}: invalid option -- '${c}'\n` });
        continue;
      }
      if (!t) {
        opts.push({ opt: c, arg: "" });
        continue;
      }
      if (j + 1 < a.length) {
        opts.push({ opt: c, arg: a.slice(j + 1) });
      } else if (i + 1 < args.length) {
        opts.push({ opt: c, arg: args[++i]! });
      } else {
        opts.push({ opt: "?", arg: c, msg: `${name}: option requires an argument -- '${c}'\n` });
      }
      break;
    }
  }
  return { opts, operands };
}

// ------------------------------------------------------------------------------ time

/** gettimeofday(2) on the simulated clock, as microseconds since the epoch */
export class WallClock {
  private readonly offset: number;
  constructor(private readonly sys: Syscalls) {
    this.offset = Math.round(sys.wallclock() * 1e6) - sys.now();
  }
  /** epoch µs at simulated time `t` (default now) */
  us(t: Micros = this.sys.now()): number {
    return t + this.offset;
  }
}

/**
 * A timer that fires in simulator context, which the poll()-with-timeout loops of these tools
 * need (a process that waits for "a packet or a timeout"): Syscalls' `timer(fn)`, the world's
 * cancellable Timer (mod(when)/cancel()).
 */
export interface ProcTimer {
  mod(when: Micros): void;
  cancel(): void;
  readonly pending: boolean;
}

export function procTimer(sys: Syscalls, fn: () => void, label: string): ProcTimer {
  if (!sys.timer) throw new Error("iputils: Syscalls offers no simulator timer (sys.timer)");
  return sys.timer(fn, label);
}

/** the ICMP/IP checksum (RFC 1071) over b[off, off+len) */
export function inCksum(b: Uint8Array, off: number, len: number): number {
  let sum = 0;
  let i = off;
  const end = off + len;
  for (; i + 1 < end; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < end) sum += b[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
