/**
 * net-tools lib/inet.c (INET_resolve, INET_rresolve, INET_getnetmask, INET_sprint) with the
 * name services it calls, as glibc's "files dns" does them on these hosts: /etc/hosts and
 * /etc/networks are read from the host's filesystem. A reverse lookup that reaches DNS asks the
 * servers of resolv.conf (lib/resolv.ts; 127.0.0.1 when it names none) through the kernel where
 * the caller prefetches it (prefetchRresolve); so does a forward lookup of a host name (an A
 * query: with no server listening it fails with TRY_AGAIN, "Host name lookup failure").
 */
import type { Process } from "../../process.ts";
import { isdigit, strtol } from "./util.ts";
import { inetAton } from "../../lib/inet_addr.ts";
import { StubResolver } from "../../lib/resolv.ts";

/** <netdb.h> h_errno values */
export const HOST_NOT_FOUND = 1;
export const TRY_AGAIN = 2;
export const NO_RECOVERY = 3;
export const NO_DATA = 4;

/** glibc herror() texts */
const hstrerrors = ["Resolver Error 0 (no error)", "Unknown host", "Host name lookup failure", "Unknown server error", "No address associated with name"];

function hstrerror(h: number): string {
  return hstrerrors[h] ?? "Unknown resolver error";
}

/** glibc herror(text)'s line: "text: " only when there is a text */
export function herrorLine(text: string, h: number): string {
  return `${text ? `${text}: ` : ""}${hstrerror(h)}\n`;
}


/** inet_ntoa() of a host-order address */
export function inetNtoa(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** glibc inet_network(): "a[.b[.c[.d]]]", parts right-aligned */
function inetNetwork(cp: string): number | undefined {
  const parts = cp.split(".");
  if (parts.length > 4) return undefined;
  let v = 0;
  for (const s of parts) {
    const r = strtol(s, 0);
    if (!r.ok || r.rest !== "" || r.v < 0 || r.v > 255) return undefined;
    v = v * 256 + r.v;
  }
  return v >>> 0;
}

interface HostEnt {
  addr: number;
  names: string[];
}
interface NetEnt {
  net: number;
  names: string[];
}

function fields(line: string): string[] {
  const h = line.indexOf("#");
  return (h >= 0 ? line.slice(0, h) : line).split(/[ \t]+/).filter((s) => s !== "");
}

/** The name services of one process: /etc/hosts, /etc/networks, and the (absent) DNS. */
export class Resolver {
  hErrno = 0;
  private hosts: HostEnt[] = [];
  private nets: NetEnt[] = [];
  /** INET_nn: the addr-to-name cache of INET_rresolve */
  private cache: { addr: number; host: boolean; name: string }[] = [];

  static async load(p: Process): Promise<Resolver> {
    const r = new Resolver();
    const hosts = (await p.readFile("/etc/hosts")) ?? "";
    for (const line of hosts.split("\n")) {
      const f = fields(line);
      if (f.length < 2) continue;
      const a = inetAton(f[0]!);
      if (a === undefined || !/^\d+\.\d+\.\d+\.\d+$/.test(f[0]!)) continue;
      r.hosts.push({ addr: a, names: f.slice(1) });
    }
    const networks = (await p.readFile("/etc/networks")) ?? "";
    for (const line of networks.split("\n")) {
      const f = fields(line);
      if (f.length < 2) continue;
      let addr = f[1]!;
      const n = addr.split(".").length;
      for (let k = n; k < 4; k++) addr += ".0";
      const net = inetNetwork(addr);
      if (net === undefined) continue;
      r.nets.push({ net, names: [f[0]!, ...f.slice(2)] });
    }
    return r;
  }

  /**
   * gethostbyname(): digits-and-dots (not ending in a dot) are numeric only; then files, then
   * dns — nothing asked for a name that is not a host name (res_hnok: HOST_NOT_FOUND), else an
   * A query through the kernel to the servers of resolv.conf
   */
  async gethostbyname(p: Process, name: string): Promise<number | undefined> {
    if (isdigit(name[0]) && /^[0-9.]+$/.test(name) && !name.endsWith(".")) {
      const a = inetAton(name);
      if (a === undefined) this.hErrno = HOST_NOT_FOUND;
      return a;
    }
    const lc = name.toLowerCase();
    for (const h of this.hosts) if (h.names.some((n) => n.toLowerCase() === lc)) return h.addr;
    // an empty name reaches no server: NO_RECOVERY
    if (name === "") {
      this.hErrno = NO_RECOVERY;
      return undefined;
    }
    this.dns ??= await StubResolver.load(p);
    const r = await this.dns.gethostbyname(name, false, true);
    if (typeof r !== "string") return r.addrs[0];
    this.hErrno = r === "HOST_NOT_FOUND" ? HOST_NOT_FOUND : r === "NO_DATA" ? NO_DATA : TRY_AGAIN;
    return undefined;
  }

  /** gethostbyaddr(): files, then dns (the answer prefetchRresolve() got, if it asked) */
  gethostbyaddr(addr: number): string | undefined {
    for (const h of this.hosts) if (h.addr === addr) return h.names[0];
    const n = this.dnsNames.get(addr);
    if (n) return n;
    this.hErrno = TRY_AGAIN;
    return undefined;
  }

  private dns: StubResolver | undefined;
  private dnsNames = new Map<number, string | undefined>();

  /**
   * The DNS query gethostbyaddr() makes inside INET_rresolve(ad, numeric, netmask), run ahead of
   * that synchronous call: a PTR query through the kernel (glibc's stub resolver) when the
   * address is a host, not cached, and not in /etc/hosts.
   */
  async prefetchRresolve(p: Process, ad: number, numeric: number, netmask: number): Promise<void> {
    if (numeric & 0x0fff || ad === 0) return;
    const host = (ad & ~netmask) !== 0 || (numeric & 0x4000) !== 0;
    if (!host || this.dnsNames.has(ad)) return;
    if (this.cache.some((c) => c.addr === ad && c.host)) return;
    if (this.hosts.some((h) => h.addr === ad)) return;
    this.dns ??= await StubResolver.load(p);
    this.dnsNames.set(ad, await this.dns.gethostbyaddr(ad));
  }

  /** getnameinfo() of an IPv6 address, its dns part (a PTR query under ip6.arpa). Not modelled:
   * the files part — an IPv6 line of /etc/hosts (ff02::1 ip6-allnodes) is not consulted */
  async gethostbyaddr6(p: Process, addr: Uint8Array): Promise<string | undefined> {
    this.dns ??= await StubResolver.load(p);
    return this.dns.gethostbyaddr6(addr);
  }

  /** getnetbyname(): files only */
  getnetbyname(name: string): number | undefined {
    const lc = name.toLowerCase();
    for (const n of this.nets) if (n.names.some((x) => x.toLowerCase() === lc)) return n.net;
    this.hErrno = HOST_NOT_FOUND;
    return undefined;
  }

  getnetbyaddr(net: number): string | undefined {
    for (const n of this.nets) if (n.net === net) return n.names[0];
    this.hErrno = HOST_NOT_FOUND;
    return undefined;
  }

  /** herror(text) */
  herror(p: Process, text: string): void {
    p.stderr.write(herrorLine(text, this.hErrno));
  }

  /**
   * lib/inet.c: INET_resolve() — 0 for a host, 1 for a network ("default" or /etc/networks),
   * -1 when the name does not resolve (h_errno set).
   */
  async inetResolve(p: Process, name: string, hostfirst: boolean): Promise<{ rc: number; addr: number }> {
    if (name === "default") return { rc: 1, addr: 0 };
    const a = inetAton(name);
    if (a !== undefined) return { rc: 0, addr: a };
    if (hostfirst) {
      const h = await this.gethostbyname(p, name);
      if (h !== undefined) return { rc: 0, addr: h };
    }
    const n = this.getnetbyname(name);
    if (n !== undefined) return { rc: 1, addr: n };
    if (hostfirst) return { rc: -1, addr: 0 };
    const h = await this.gethostbyname(p, name);
    if (h === undefined) return { rc: -1, addr: 0 };
    return { rc: 0, addr: h };
  }

  /** INET_input(type, buf): type 256 prefers host names; 0 tries networks first */
  inetInput(p: Process, type: number, name: string): Promise<{ rc: number; addr: number }> {
    return this.inetResolve(p, name, type === 256);
  }

  /**
   * lib/inet.c: INET_rresolve(). numeric & 0x8000: "default" instead of "*"; & 0x4000: a host
   * even without host bits; & 0x0fff: no names at all.
   */
  inetRresolve(ad: number, numeric: number, netmask: number): string {
    if (numeric & 0x0fff) return inetNtoa(ad);
    if (ad === 0) {
      if (netmask === 0) return numeric & 0x8000 ? "default" : "*";
      return "0.0.0.0";
    }
    const host = (ad & ~netmask) !== 0 || (numeric & 0x4000) !== 0;
    for (const c of this.cache) if (c.addr === ad && c.host === host) return c.name;
    const name = (host ? this.gethostbyaddr(ad) : this.getnetbyaddr(ad)) ?? inetNtoa(ad);
    this.cache.unshift({ addr: ad, host, name });
    return name;
  }

  /** INET_sprint(sa, numeric): as INET_rresolve with netmask 0xffffff00 */
  inetSprint(ad: number, numeric: number): string {
    return this.inetRresolve(ad, numeric, 0xffffff00);
  }
}

/**
 * lib/inet.c: INET_getnetmask() — splits "addr/prefix": 0 without a slash, 1 with a valid one,
 * -1 when the prefix is not a number. The mask is computed as the C code does on x86 (the
 * shift count is taken mod 32).
 */
export function inetGetnetmask(adr: string): { rc: number; addr: string; mask: number; name: string } {
  const slash = adr.indexOf("/");
  if (slash < 0) return { rc: 0, addr: adr, mask: 0, name: "" };
  const r = strtol(adr.slice(slash + 1), 0);
  if (r.rest !== "" && r.ok) return { rc: -1, addr: adr.slice(0, slash), mask: 0, name: "" };
  if (!r.ok && adr.slice(slash + 1) !== "") return { rc: -1, addr: adr.slice(0, slash), mask: 0, name: "" };
  const prefix = r.v >>> 0;
  const mask = ~(0xffffffff >>> (prefix & 31)) >>> 0;
  return { rc: 1, addr: adr.slice(0, slash), mask, name: `/${prefix | 0}` };
}
