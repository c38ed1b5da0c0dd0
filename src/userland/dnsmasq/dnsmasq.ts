/**
 * dnsmasq 2.89: the DHCPv4 server (src/dhcp.c, src/rfc2131.c, src/lease.c) and the DNS server
 * on UDP and TCP 53 for its own data (hosts files, leases, --address/--local/--host-record/
 * --cname; dns.ts), without forwarding to upstream servers.
 *
 * The daemon is event driven, as dnsmasq's poll() loop: after start-up the command returns 0
 * ("forks") and the sockets' onReadable callbacks and simulator timers keep serving on the
 * world's clock. -d/-k keep it in the foreground until the process is signalled.
 *
 * Address choice follows address_allocate(): the sdbm hash of the hardware address picks the
 * start inside the range, then the first free address upwards; a DHCPDISCOVER for a new address
 * is delayed by the ICMP echo check (do_icmp_ping, PING_WAIT 3 s).
 */
import type { Process, CommandTable } from "../process.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import type { SockAddr, Socket } from "../../kernel/uapi/socket.ts";
import { SOCK_DGRAM, SOCK_RAW, SOCK_STREAM, IPPROTO_ICMP } from "../../kernel/uapi/socket.ts";
import { AF_INET } from "../../kernel/uapi/rtnetlink.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import { ipv4Parse, ipv4ToString, macParse, macToString, readU32, writeU16 } from "../../wire/addr.ts";
import type { Timer } from "../../sim/scheduler.ts";
import {
  type DhcpPacket, BOOTREQUEST, BOOTREPLY, DHCPDISCOVER, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK,
  DHCPNAK, DHCPRELEASE, DHCPINFORM, OPTION_MESSAGE_TYPE, OPTION_SERVER_IDENTIFIER, OPTION_LEASE_TIME,
  OPTION_T1, OPTION_T2, OPTION_NETMASK, OPTION_BROADCAST, OPTION_ROUTER, OPTION_DNSSERVER, OPTION_DOMAINNAME,
  OPTION_HOSTNAME, OPTION_REQUESTED_IP, OPTION_CLIENT_ID, OPTION_MESSAGE, DHCP_SERVER_PORT, DHCP_CLIENT_PORT,
  parseDhcp, buildDhcp, newPacket, msgType, getU32, getStr, optU8, optU32, optAddrs, optStr,
} from "./dhcp_packet.ts";
import { listIfaces, listIfaddrs, prefixMask, type Iface, type Ifaddr } from "./netif.ts";
import {
  type AnswerContext, type DnsConfig, type HostRecord, type ServerEntry, DnsCache, answerQuery, canonicalise, parseServerOption,
  serverLogLines,
} from "./dns.ts";
import { inetPton4Strict, inetPton6 } from "../lib/utils.ts";

const VERSION = "2.89";
/** Debian 12's dnsmasq-base build */
const COMPILE_OPTS = "IPv6 GNU-getopt DBus no-UBus i18n IDN2 DHCP DHCPv6 no-Lua TFTP conntrack ipset nftset auth cryptohash DNSSEC loop-detect inotify dumpfile";
/** config.h */
const PING_WAIT = 3;
const PING_CACHE_TIME = 30;
const DEFLEASE = 3600;
const LEASEFILE = "/var/lib/misc/dnsmasq.leases";
const RUNFILE = "/var/run/dnsmasq.pid";
const CONFFILE = "/etc/dnsmasq.conf";

/** exit codes (dnsmasq.h EC_*) */
const EC_BADCONF = 1;
const EC_BADNET = 2;

export interface DhcpRange {
  start: number;
  end: number;
  netmask: number; // 0 = from the interface
  lease: number; // seconds, 0xffffffff = infinite
  static: boolean;
}

export interface DhcpHost {
  mac?: Uint8Array;
  addr?: number;
  name?: string;
  lease?: number;
  ignore?: boolean;
}

export interface Lease {
  mac: Uint8Array;
  addr: number;
  hostname: string;
  clientid: Uint8Array | undefined;
  expires: number; // wall-clock seconds, 0 = infinite
  iface: string;
}

interface Options {
  conffile: string | undefined;
  foreground: boolean;
  debug: boolean;
  interfaces: string[];
  exceptInterfaces: string[];
  listenAddresses: number[];
  bindInterfaces: boolean;
  ranges: DhcpRange[];
  hosts: DhcpHost[];
  leasefile: string;
  pidfile: string;
  port: number;
  domain: string | undefined;
  noHosts: boolean;
  noPing: boolean;
  authoritative: boolean;
  leaseMax: number;
  leasefileRo: boolean;
  noResolv: boolean;
  dhcpScript: string | undefined;
  hostsFiles: string[];
  addnHosts: string[];
  /** the DNS options (--address, --local, --server, --local-ttl, --expand-hosts …) */
  dns: DnsConfig;
  /** --log-queries */
  logQueries: boolean;
}

class BadOption extends Error {}

/** a running dnsmasq (for virsh net-dhcp-leases / net-destroy and a second instance's checks) */
export class DnsmasqDaemon {
  leases: Lease[] = [];
  private sockets: Socket[] = [];
  private timers: Timer[] = [];
  private writeChain: Promise<unknown> = Promise.resolve();
  /** cache.c: the names it answers for */
  readonly cache: DnsCache;
  readonly dnsCfg: DnsConfig;
  private pingSock: Socket | undefined;
  private pingId = 0;
  private pings = new Map<number, { timer: Timer; waiters: ((inUse: boolean) => void)[] }>();
  private pingCache = new Map<number, number>();
  /** ping_results: addresses recently found in use */
  private inUse = new Map<number, number>();
  alive = true;
  /** the --conf-file it was started with (libvirt finds its dnsmasq by it) */
  confFile: string | undefined;

  constructor(readonly p: Process, readonly sys: Syscalls, readonly opts: Options) {
    this.dnsCfg = opts.dns;
    this.cache = new DnsCache(opts.dns.noRoundRobin);
  }

  /**
   * cache.c: cache_reload() — /etc/hosts (unless --no-hosts), then the --addn-hosts files (the
   * last given first, as option.c prepends them); the log lines it gives
   */
  loadHosts(etcHosts: string | undefined, addn: [string, string | undefined][]): string[] {
    const rhash = new Set<string>();
    this.cache.loadConfig(this.dnsCfg, rhash);
    if (this.opts.noHosts && !addn.length) return ["cleared cache"];
    const log: string[] = [];
    if (!this.opts.noHosts) log.push(...this.cache.readHostsFile(etcHosts, "/etc/hosts", this.dnsCfg, rhash));
    for (const [f, text] of addn) log.push(...this.cache.readHostsFile(text, f, this.dnsCfg, rhash));
    return log;
  }

  private wallNow(): number {
    return Math.floor(this.sys.wallclock());
  }

  // ------------------------------------------------------------------- start-up

  /** returns an exit status when start-up fails */
  start(existing: string | undefined): number | undefined {
    const o = this.opts;
    if (existing) this.readLeases(existing);
    if (o.ranges.length) {
      // dhcp.c: dhcp_init() — the DHCP socket on INADDR_ANY:67
      const s = this.sys.socket(AF_INET, SOCK_DGRAM, 17);
      if (isKErr(s)) return this.die(`cannot create DHCP socket: ${strerror(s.errno)}`, EC_BADNET);
      if (o.bindInterfaces) s.setsockopt("SO_REUSEADDR", 1);
      s.setsockopt("IP_PKTINFO", 1);
      s.setsockopt("SO_BROADCAST", 1);
      const e = s.bind({ family: 2, addr: 0, port: DHCP_SERVER_PORT });
      if (e) {
        s.close();
        return this.die(`failed to bind DHCP server socket: ${strerror(e.errno)}`, EC_BADNET);
      }
      this.sockets.push(s);
      s.onReadable(() => this.dhcpPacket(s));
      if (!o.noPing) {
        const ps = this.sys.socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
        if (!isKErr(ps)) {
          this.pingSock = ps;
          this.sockets.push(ps);
          ps.onReadable(() => this.pingReply(ps));
        }
      }
    }
    if (o.port) {
      // network.c: create_bound_listeners() / create_wildcard_listeners(): UDP and TCP on each
      // address. enumerate_interfaces() prepends, so addresses come in reverse dump order; an
      // --interface list implies lo unless excepted; listen addresses on no interface last.
      const addrs: number[] = [];
      if (o.bindInterfaces) {
        const ifs = listIfaces(this.sys);
        const name = new Map(ifs.map((i) => [i.index, i.name]));
        const found = listIfaddrs(this.sys).reverse();
        for (const a of found) {
          const n = name.get(a.index) ?? "";
          if (o.exceptInterfaces.includes(n)) continue;
          const byIface = o.interfaces.includes(n) || (o.interfaces.length > 0 && n === "lo");
          const byAddr = o.listenAddresses.includes(a.addr);
          const all = !o.interfaces.length && !o.listenAddresses.length;
          if ((byIface || byAddr || all) && !addrs.includes(a.addr)) addrs.push(a.addr);
        }
        for (const a of [...o.listenAddresses].reverse()) if (!addrs.includes(a)) addrs.push(a);
      } else addrs.push(0);
      for (const a of addrs) {
        const what = a ? ipv4ToString(a) : `port ${o.port}`;
        // TCP first decides whether SO_REUSEADDR may be used on UDP (it lets two UDP sockets
        // share a port; without a TCP listener to fail, the UDP bind must report the clash)
        const t = this.sys.socket(AF_INET, SOCK_STREAM, 6);
        const haveTcp = !isKErr(t);
        const s = this.sys.socket(AF_INET, SOCK_DGRAM, 17);
        if (isKErr(s)) continue;
        if (haveTcp) s.setsockopt("SO_REUSEADDR", 1);
        let e = s.bind({ family: 2, addr: a, port: o.port });
        if (!e && haveTcp) {
          t.setsockopt("SO_REUSEADDR", 1);
          e = t.bind({ family: 2, addr: a, port: o.port }) ?? t.listen?.(32);
        }
        if (e) {
          s.close();
          if (haveTcp) t.close();
          this.stop();
          return this.die(`failed to create listening socket for ${what}: ${strerror(e.errno)}`, EC_BADNET);
        }
        this.sockets.push(s);
        if (haveTcp) {
          this.sockets.push(t);
          t.onReadable(() => this.tcpAccept(t));
        }
        s.onReadable(() => this.dnsPacket(s));
      }
    }
    return undefined;
  }

  /** log.c: my_syslog() — to stderr in debug mode (-d), to syslog (not modelled) otherwise */
  log(line: string): void {
    if (this.opts.debug && this.alive) this.p.stderr.write(line + "\n");
  }

  /** rfc2131.c: log_packet() */
  private logPacket(type: string, iface: string, addr: number | undefined, mac: Uint8Array, text?: string): void {
    this.log(`dnsmasq-dhcp: ${type}(${iface}) ${addr ? ipv4ToString(addr) + " " : ""}${macToString(mac)} ${text ?? ""}`);
  }

  private die(msg: string, code: number): number {
    this.p.stderr.write(`\ndnsmasq: ${msg}\n`);
    return code;
  }

  stop(): void {
    this.alive = false;
    for (const s of this.sockets) {
      s.onReadable(undefined);
      s.close();
    }
    for (const t of this.timers) t.cancel();
    for (const pg of this.pings.values()) pg.timer.cancel();
    this.sockets = [];
    unregister(this);
  }

  private timer(fn: () => void): Timer {
    const t = this.sys.timer!(fn, "dnsmasq");
    this.timers.push(t);
    return t;
  }

  // ------------------------------------------------------------------- leases (lease.c)

  private readLeases(text: string): void {
    for (const line of text.split("\n")) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4) continue;
      const mac = macParse(f[1]!);
      const addr = ipv4Parse(f[2]!);
      if (!mac || addr === undefined) continue;
      const exp = Number(f[0]);
      if (exp && exp < this.wallNow()) continue;
      this.leases.push({ mac, addr, hostname: f[3] === "*" ? "" : f[3]!, clientid: undefined, expires: exp, iface: "" });
    }
  }

  /** lease.c: lease_update_file(), and the --dhcp-script run for each change */
  private writeLeases(): void {
    if (this.opts.dhcpScript === "/usr/lib/libvirt/libvirt_leaseshelper") this.libvirtLeases();
    if (this.opts.leasefileRo) return;
    let out = "";
    for (const l of this.leases) {
      const cid = l.clientid ? Array.from(l.clientid, (b) => b.toString(16).padStart(2, "0")).join(":") : "*";
      out += `${l.expires} ${macToString(l.mac)} ${ipv4ToString(l.addr)} ${l.hostname || "*"} ${cid}\n`;
    }
    const file = this.opts.leasefile;
    this.writeChain = this.writeChain.then(() => this.p.writeFile(file, out));
  }

  /**
   * libvirt's src/network/leaseshelper.c: the bridge's status file, a JSON array of the
   * leases (oldest first), kept by the helper dnsmasq runs on every lease change.
   */
  private libvirtLeases(): void {
    const br = this.opts.interfaces[0];
    if (!br) return;
    const arr = [...this.leases].reverse().map((l) => {
      const e: Record<string, string | number> = { "ip-address": ipv4ToString(l.addr), "mac-address": macToString(l.mac) };
      if (l.hostname) e["hostname"] = l.hostname;
      if (l.clientid) e["client-id"] = Array.from(l.clientid, (b) => b.toString(16).padStart(2, "0")).join(":");
      e["expiry-time"] = l.expires;
      return e;
    });
    const text = arr.length ? JSON.stringify(arr, null, 2) + "\n" : "[\n\n]\n";
    const file = `/var/lib/libvirt/dnsmasq/${br}.status`;
    this.writeChain = this.writeChain.then(() => this.p.writeFile(file, text));
  }

  /** lease.c: lease_prune() */
  private prune(): void {
    const now = this.wallNow();
    this.leases = this.leases.filter((l) => !l.expires || l.expires > now);
  }

  private leaseByMac(mac: Uint8Array): Lease | undefined {
    return this.leases.find((l) => macEq(l.mac, mac));
  }
  private leaseByAddr(a: number): Lease | undefined {
    return this.leases.find((l) => l.addr === a);
  }

  // ------------------------------------------------------------------- DHCP (dhcp.c: dhcp_packet)

  private allowedIface(ifc: Iface, addrs: Ifaddr[]): boolean {
    const o = this.opts;
    if (o.exceptInterfaces.includes(ifc.name)) return false;
    if (!o.interfaces.length && !o.listenAddresses.length) return true;
    if (o.interfaces.includes(ifc.name)) return true;
    return addrs.some((a) => a.index === ifc.index && o.listenAddresses.includes(a.addr));
  }

  private dhcpPacket(s: Socket): void {
    for (let m = s.recvfrom(); m; m = s.recvfrom()) {
      if (!this.alive) return;
      const pkt = parseDhcp(m.data);
      if (!pkt || pkt.op !== BOOTREQUEST || pkt.hlen > 16) continue;
      const ifs = listIfaces(this.sys);
      const ifc = ifs.find((i) => i.index === m.ifindex);
      if (!ifc) continue;
      const addrs = listIfaddrs(this.sys);
      if (!this.allowedIface(ifc, addrs)) continue;
      // complete_context(): the interface's address and the range on its subnet
      let ctx: { range: DhcpRange; local: number; netmask: number; broadcast: number } | undefined;
      for (const a of addrs) {
        if (a.index !== ifc.index) continue;
        const mask = prefixMask(a.prefixlen);
        for (const r of this.opts.ranges) {
          const nm = r.netmask || mask;
          if ((r.start & nm) === (a.addr & nm) && (r.end & nm) === (a.addr & nm)) {
            ctx = { range: r, local: a.addr, netmask: nm, broadcast: a.broadcast || ((a.addr & nm) | ~nm) >>> 0 };
            break;
          }
        }
        if (ctx) break;
      }
      if (!ctx) continue;
      this.prune();
      this.dhcpReply(s, ifc, ctx, pkt, m.from.family === 2 ? m.from : undefined);
    }
  }

  private configFor(mac: Uint8Array): DhcpHost | undefined {
    return this.opts.hosts.find((h) => h.mac && macEq(h.mac, mac));
  }
  private configByAddr(a: number): DhcpHost | undefined {
    return this.opts.hosts.find((h) => h.addr === a);
  }

  private inRange(r: DhcpRange, a: number): boolean {
    return a >= r.start && a <= r.end;
  }

  /** rfc2131.c: address_allocate() */
  private addressAllocate(r: DhcpRange, local: number, mac: Uint8Array, hlen: number): number | undefined {
    const j = hwaddrHash(mac, hlen);
    const size = r.end - r.start + 1;
    const start = r.start + (j % size);
    let a = start;
    do {
      if (a !== local && !this.leaseByAddr(a) && !this.configByAddr(a) && !this.recentlyInUse(a)) return a;
      a++;
      if (a === r.end + 1) a = r.start;
    } while (a !== start);
    return undefined;
  }

  private recentlyInUse(a: number): boolean {
    const t = this.inUse.get(a);
    return t !== undefined && this.sys.now() - t < 30_000_000;
  }

  private dhcpReply(s: Socket, ifc: Iface, ctx: { range: DhcpRange; local: number; netmask: number; broadcast: number }, mess: DhcpPacket, from: { addr: number; port: number } | undefined): void {
    const type = msgType(mess);
    const mac = mess.chaddr.slice(0, mess.hlen);
    const config = this.configFor(mac);
    const lease = this.leaseByMac(mac);
    const r = ctx.range;
    const leaseTime = config?.lease ?? r.lease;
    void from;
    switch (type) {
      case DHCPDISCOVER: {
        this.logPacket("DHCPDISCOVER", ifc.name, getU32(mess, OPTION_REQUESTED_IP), mac, config?.ignore ? "ignored" : undefined);
        if (config?.ignore) return;
        // only an address picked by address_allocate() is pinged (config, lease and requested
        // addresses are offered at once)
        let addr: number | undefined;
        let ping = false;
        const req = getU32(mess, OPTION_REQUESTED_IP);
        if (config?.addr !== undefined) {
          const other = this.leaseByAddr(config.addr);
          if (!other || macEq(other.mac, mac)) addr = config.addr;
        }
        if (addr === undefined && lease && this.inRange(r, lease.addr)) addr = lease.addr;
        if (addr === undefined && req !== undefined && this.inRange(r, req) && !this.leaseByAddr(req) && !this.configByAddr(req) && req !== ctx.local) addr = req;
        if (addr === undefined) {
          addr = this.addressAllocate(r, ctx.local, mac, mess.hlen);
          ping = true;
        }
        if (addr === undefined) return; // "no address available"
        const chosen = addr;
        const offer = () => {
          if (!this.alive) return;
          this.logPacket("DHCPOFFER", ifc.name, chosen, mac);
          this.sendReply(s, ifc, ctx, mess, DHCPOFFER, chosen, leaseTime, config);
        };
        if (ping && this.pingSock && !this.opts.noPing) {
          this.doIcmpPing(chosen, (inUse) => {
            if (!inUse) return offer();
            // the address answered: mark it and choose again (the client retransmits too)
            this.inUse.set(chosen, this.sys.now());
            this.dhcpReply(s, ifc, ctx, mess, from);
          });
        } else offer();
        return;
      }
      case DHCPREQUEST: {
        if (config?.ignore) return;
        const sid = getU32(mess, OPTION_SERVER_IDENTIFIER);
        const req = getU32(mess, OPTION_REQUESTED_IP);
        if (sid === undefined || sid === ctx.local) this.logPacket("DHCPREQUEST", ifc.name, req ?? mess.ciaddr, mac);
        let addr: number;
        if (req !== undefined) {
          if (sid !== undefined && sid !== ctx.local) {
            // the client chose another server: forget any offer
            return;
          }
          addr = req;
        } else addr = mess.ciaddr;
        let message: string | undefined;
        if ((addr & ctx.netmask) !== (ctx.local & ctx.netmask)) message = "wrong network";
        else {
          const other = this.leaseByAddr(addr);
          const cfgAddr = this.configByAddr(addr);
          if (other && !macEq(other.mac, mac)) message = "address in use";
          else if (config?.addr !== undefined && config.addr !== addr) message = "static lease available";
          else if (cfgAddr && cfgAddr !== config) message = "address reserved";
          else if (config?.addr !== addr && !this.inRange(r, addr) && !lease) message = "address not available";
        }
        if (message) {
          if (sid === undefined && !this.opts.authoritative && !lease) return;
          this.logPacket("DHCPNAK", ifc.name, req ?? mess.ciaddr, mac, message);
          this.sendNak(s, ifc, ctx, mess, message);
          return;
        }
        let l = lease;
        if (l && l.addr !== addr) {
          this.leases.splice(this.leases.indexOf(l), 1);
          l = undefined;
        }
        if (!l) {
          // lease4_allocate(): new leases go to the head of the list
          l = { mac, addr, hostname: "", clientid: undefined, expires: 0, iface: ifc.name };
          this.leases.unshift(l);
        }
        const cid = mess.options.get(OPTION_CLIENT_ID);
        l.clientid = cid ? cid.slice() : undefined;
        const hn = config?.name ?? getStr(mess, OPTION_HOSTNAME);
        if (hn) l.hostname = hn.split(".")[0]!;
        l.expires = leaseTime === 0xffffffff ? 0 : this.wallNow() + leaseTime;
        l.iface = ifc.name;
        this.writeLeases();
        this.logPacket("DHCPACK", ifc.name, addr, mac, l.hostname || undefined);
        this.sendReply(s, ifc, ctx, mess, DHCPACK, addr, leaseTime, config);
        return;
      }
      case DHCPRELEASE: {
        const sid = getU32(mess, OPTION_SERVER_IDENTIFIER);
        if (sid !== undefined && sid !== ctx.local) return;
        this.logPacket("DHCPRELEASE", ifc.name, mess.ciaddr, mac);
        const l = this.leaseByAddr(mess.ciaddr);
        if (l && macEq(l.mac, mac)) {
          this.leases.splice(this.leases.indexOf(l), 1);
          this.writeLeases();
        }
        return;
      }
      case DHCPDECLINE: {
        const req = getU32(mess, OPTION_REQUESTED_IP);
        if (req === undefined) return;
        const l = this.leaseByAddr(req);
        if (l && macEq(l.mac, mac)) {
          this.leases.splice(this.leases.indexOf(l), 1);
          this.writeLeases();
        }
        this.inUse.set(req, this.sys.now());
        return;
      }
      case DHCPINFORM: {
        if (!mess.ciaddr) return;
        this.sendReply(s, ifc, ctx, mess, DHCPACK, 0, 0, config, true);
        return;
      }
    }
  }

  /**
   * dhcp.c: do_icmp_ping() — an echo request, then PING_WAIT seconds for an answer. dnsmasq
   * blocks meanwhile, so requests that arrive during the wait are answered right after it;
   * an address found free stays so for PING_CACHE_TIME (ping_results).
   */
  private doIcmpPing(addr: number, done: (inUse: boolean) => void): void {
    const cached = this.pingCache.get(addr);
    if (cached !== undefined && this.sys.now() - cached < PING_CACHE_TIME * 1_000_000) return done(false);
    const pending = this.pings.get(addr);
    if (pending) {
      pending.waiters.push(done);
      return;
    }
    const ps = this.pingSock!;
    const id = (this.pingId = (this.pingId + 1) & 0xffff) || 1;
    const b = new Uint8Array(8);
    b[0] = 8;
    writeU16(b, 4, id);
    writeU16(b, 6, 0);
    let sum = 0;
    for (let i = 0; i < 8; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    writeU16(b, 2, ~sum & 0xffff);
    ps.sendto(b, { family: 2, addr, port: 0 });
    // measured on 2.90: the offer leaves ~3.05-3.1 s after the DISCOVER
    const end = this.sys.now() + PING_WAIT * 1_000_000 + 50_000;
    const entry = {
      timer: this.timer(() => {
        this.pings.delete(addr);
        this.pingCache.set(addr, this.sys.now());
        for (const w of entry.waiters) w(false);
      }),
      waiters: [done],
    };
    entry.timer.mod(end);
    this.pings.set(addr, entry);
  }

  private pingReply(ps: Socket): void {
    for (let m = ps.recvfrom(); m; m = ps.recvfrom()) {
      const d = m.data;
      const ihl = (d[0]! & 0xf) * 4;
      if (d.length < ihl + 8 || d[ihl] !== 0) continue;
      const src = readU32(d, 12);
      const pg = this.pings.get(src);
      if (!pg) continue;
      pg.timer.cancel();
      this.pings.delete(src);
      for (const w of pg.waiters) w(true);
    }
  }

  /** rfc2131.c: do_options() + dhcp.c: the send half of dhcp_packet() */
  private sendReply(
    s: Socket, ifc: Iface, ctx: { local: number; netmask: number; broadcast: number }, mess: DhcpPacket,
    type: number, yiaddr: number, leaseTime: number, config: DhcpHost | undefined, inform = false,
  ): void {
    const r = newPacket(BOOTREPLY, mess.xid, mess.chaddr.slice(0, mess.hlen));
    r.htype = mess.htype;
    r.flags = mess.flags;
    r.ciaddr = mess.ciaddr;
    r.yiaddr = yiaddr;
    r.giaddr = mess.giaddr;
    r.siaddr = ctx.local;
    r.options.set(OPTION_MESSAGE_TYPE, optU8(type));
    r.options.set(OPTION_SERVER_IDENTIFIER, optU32(ctx.local));
    if (!inform) {
      r.options.set(OPTION_LEASE_TIME, optU32(leaseTime));
      if (leaseTime !== 0xffffffff) {
        r.options.set(OPTION_T1, optU32(Math.floor(leaseTime / 2)));
        r.options.set(OPTION_T2, optU32(Math.floor(leaseTime / 8) * 7));
      }
    }
    r.options.set(OPTION_NETMASK, optU32(ctx.netmask));
    r.options.set(OPTION_BROADCAST, optU32(ctx.broadcast));
    r.options.set(OPTION_ROUTER, optAddrs([ctx.local]));
    if (this.opts.port) r.options.set(OPTION_DNSSERVER, optAddrs([ctx.local]));
    if (this.opts.domain) r.options.set(OPTION_DOMAINNAME, optStr(this.opts.domain));
    if (config?.name) r.options.set(OPTION_HOSTNAME, optStr(config.name));
    this.send(s, ifc, mess, r);
  }

  private sendNak(s: Socket, ifc: Iface, ctx: { local: number }, mess: DhcpPacket, message: string): void {
    const r = newPacket(BOOTREPLY, mess.xid, mess.chaddr.slice(0, mess.hlen));
    r.htype = mess.htype;
    r.flags = mess.flags | 0x8000; // NAKs are broadcast
    r.giaddr = mess.giaddr;
    r.options.set(OPTION_MESSAGE_TYPE, optU8(DHCPNAK));
    r.options.set(OPTION_SERVER_IDENTIFIER, optU32(ctx.local));
    r.options.set(OPTION_MESSAGE, optStr(message));
    this.send(s, ifc, mess, r);
  }

  private send(s: Socket, ifc: Iface, mess: DhcpPacket, r: DhcpPacket): void {
    const data = buildDhcp(r, 300);
    let daddr: number;
    if (mess.giaddr) daddr = mess.giaddr;
    else if (mess.ciaddr) daddr = mess.ciaddr;
    else if (r.flags & 0x8000 || mess.hlen === 0 || mess.htype === 0 || !r.yiaddr) daddr = 0xffffffff;
    else {
      // unicast to an unconfigured client: inject its MAC into the ARP cache (SIOCSARP, ATF_COM)
      daddr = r.yiaddr;
      this.sys.ioctl({ request: "SIOCSARP", ifname: ifc.name, arp_dev: ifc.name, arp_pa: daddr, arp_ha: mess.chaddr.slice(0, mess.hlen), arp_ha_family: mess.htype, arp_flags: 0x02 });
    }
    const port = mess.giaddr ? DHCP_SERVER_PORT : DHCP_CLIENT_PORT;
    // IP_PKTINFO ipi_ifindex: out of the interface the request came in on
    s.setsockopt("SO_BINDTODEVICE", ifc.name);
    s.sendto(data, { family: 2, addr: daddr, port });
    s.setsockopt("SO_BINDTODEVICE", "");
  }

  // ------------------------------------------------------------------- DNS (dns.ts)

  /** the cache's DHCP names follow the leases (lease_update_dns()) */
  private syncDhcpNames(): void {
    for (const line of this.cache.syncDhcp(this.leases, this.dnsCfg.domain)) this.log(line);
  }

  private dnsContext(udp: boolean, from: SockAddr): AnswerContext {
    // (an expired lease's names are expired records: not answered)
    this.syncDhcpNames();
    const ctx: AnswerContext = { cache: this.cache, cfg: this.dnsCfg, now: this.wallNow(), udp };
    if (this.opts.logQueries) {
      ctx.log = (line) => this.log(`dnsmasq: ${line}`);
      ctx.from = from.family === 2 ? ipv4ToString(from.addr) : "";
    }
    return ctx;
  }

  /** forward.c: receive_query() */
  private dnsPacket(s: Socket): void {
    for (let m = s.recvfrom(); m; m = s.recvfrom()) {
      if (!this.alive) return;
      // a source port of 0 cannot be answered
      if (m.from.family !== 2 || m.from.port === 0) continue;
      const r = answerQuery(m.data, this.dnsContext(true, m.from));
      if (r) s.sendto(r, m.from);
    }
  }

  /** dnsmasq.c: check_dns_listeners() — a TCP connection, served by tcp_request(): queries
   * with their two-byte length, each answered in turn, until the client closes */
  private tcpAccept(t: Socket): void {
    for (let c = t.accept?.(); c; c = t.accept?.()) {
      const conn = c;
      this.sockets.push(conn);
      let buf = new Uint8Array(0);
      const done = () => {
        conn.onReadable(undefined);
        conn.close();
        const i = this.sockets.indexOf(conn);
        if (i >= 0) this.sockets.splice(i, 1);
      };
      conn.onReadable(() => {
        for (let m = conn.recvfrom(); m; m = conn.recvfrom()) {
          if (!this.alive) return;
          if (m.data.length === 0) return done();
          const nb = new Uint8Array(buf.length + m.data.length);
          nb.set(buf);
          nb.set(m.data, buf.length);
          buf = nb;
          while (buf.length >= 2 && buf.length >= 2 + ((buf[0]! << 8) | buf[1]!)) {
            const len = (buf[0]! << 8) | buf[1]!;
            const q = buf.slice(2, 2 + len);
            buf = buf.slice(2 + len);
            const peer = conn.getpeername();
            const r = answerQuery(q, this.dnsContext(false, isKErr(peer) ? { family: 2, addr: 0, port: 0 } : peer));
            if (!r) return done();
            const out = new Uint8Array(r.length + 2);
            out[0] = r.length >> 8;
            out[1] = r.length & 0xff;
            out.set(r, 2);
            conn.sendto(out);
          }
        }
        if (conn.recvErr()) done();
      });
    }
  }
}

/** rfc2131.c: address_allocate()'s sdbm hash of the hardware address (0 is a marker -> 1) */
export function hwaddrHash(mac: Uint8Array, hlen = mac.length): number {
  let j = 0;
  for (let i = 0; i < hlen; i++) j = (mac[i]! + (j << 6) + (j << 16) - j) >>> 0;
  return j === 0 ? 1 : j;
}

function macEq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// --------------------------------------------------------------------------- registry

const running = new WeakMap<Syscalls, DnsmasqDaemon[]>();
function register(d: DnsmasqDaemon): void {
  let l = running.get(d.sys.ns ?? d.sys);
  if (!l) running.set(d.sys.ns ?? d.sys, (l = []));
  l.push(d);
}
function unregister(d: DnsmasqDaemon): void {
  const l = running.get(d.sys.ns ?? d.sys);
  if (!l) return;
  const i = l.indexOf(d);
  if (i >= 0) l.splice(i, 1);
}
/** the dnsmasq daemons running in a namespace */
export function dnsmasqDaemons(sys: Syscalls): DnsmasqDaemon[] {
  return running.get(sys.ns ?? sys) ?? [];
}

// --------------------------------------------------------------------------- option.c

/** option.c: the long options this port knows, with has_arg (0 none, 1 required, 2 optional) */
const LONGOPTS: Record<string, [number, string]> = {
  "conf-file": [2, "C"], "no-daemon": [0, "d"], "keep-in-foreground": [0, "k"], interface: [1, "i"],
  "except-interface": [1, "I"], "listen-address": [1, "a"], "bind-interfaces": [0, "z"], "bind-dynamic": [0, "z"],
  "dhcp-range": [1, "F"], "dhcp-host": [1, "G"], "dhcp-leasefile": [1, "l"], "dhcp-lease-file": [1, "l"],
  "pid-file": [2, "x"], "strict-order": [0, "o"], "dhcp-lease-max": [1, "X"], "dhcp-no-override": [0, "nooverride"],
  port: [1, "p"], "no-resolv": [0, "R"], "no-hosts": [0, "h"], domain: [1, "s"], "log-queries": [2, "q"],
  "log-dhcp": [0, "logdhcp"], user: [1, "u"], group: [1, "g"], "dhcp-authoritative": [0, "K"],
  "no-ping": [0, "noping"], "local-service": [0, "localservice"], "addn-hosts": [1, "H"], server: [1, "S"],
  "dhcp-option": [1, "O"], "quiet-dhcp": [0, "quietdhcp"], "log-facility": [1, "8"], "cache-size": [1, "c"],
  "no-poll": [0, "n"], "dhcp-script": [1, "6"], "leasefile-ro": [0, "leasefilero"], address: [1, "A"],
  "expand-hosts": [0, "E"], "domain-needed": [0, "D"], "bogus-priv": [0, "b"], "enable-ra": [0, "ra"],
  "dhcp-hostsfile": [1, "dhcphostsfile"], local: [1, "local"], "dhcp-sequential-ip": [0, "seqip"],
  "listen-address ": [1, "a"], "local-ttl": [1, "T"], "dhcp-ttl": [1, "dhcpttl"], "no-round-robin": [0, "norr"],
  "edns-packet-max": [1, "P"], "host-record": [1, "hostrec"], cname: [1, "cname"],
};
const SHORT_ARG = new Set("CixlpsqugaIFGXHSOc8A6TP".split(""));
const SHORT_NOARG = new Set("dkzohRKnEDb".split(""));

function parseTime(s: string): number | undefined {
  if (s === "infinite") return 0xffffffff;
  const m = /^(\d+)([smhdw]?)$/i.exec(s);
  if (!m) return undefined;
  const mult: Record<string, number> = { "": 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  return Number(m[1]) * mult[m[2]!.toLowerCase()]!;
}

function parseRange(arg: string): DhcpRange {
  const bad = () => new BadOption("bad dhcp-range");
  let parts = arg.split(",");
  parts = parts.filter((p) => !/^(tag|set|net):/.test(p));
  const start = ipv4Parse(parts[0] ?? "");
  if (start === undefined) throw bad();
  let i = 1;
  let end = start;
  let isStatic = false;
  if (parts[i] !== undefined && ipv4Parse(parts[i]!) !== undefined) end = ipv4Parse(parts[i++]!)!;
  else if (parts[i] === "static") {
    isStatic = true;
    i++;
  } else throw bad();
  if (parts[i] === "static" || parts[i] === "proxy") {
    isStatic = parts[i] === "static";
    i++;
  }
  let netmask = 0;
  if (parts[i] !== undefined && ipv4Parse(parts[i]!) !== undefined) {
    netmask = ipv4Parse(parts[i++]!)!;
    if (parts[i] !== undefined && ipv4Parse(parts[i]!) !== undefined) i++; // broadcast
  }
  let lease = DEFLEASE;
  if (parts[i] !== undefined) {
    const t = parseTime(parts[i]!);
    if (t === undefined) throw bad();
    lease = t !== 0xffffffff && t < 120 ? 120 : t;
    i++;
  }
  if (i < parts.length) throw bad();
  if (start > end) [/* dnsmasq swaps */] = [];
  const s = Math.min(start, end);
  const e = Math.max(start, end);
  if (netmask && (s & netmask) !== (e & netmask)) throw new BadOption("inconsistent DHCP range");
  return { start: s, end: e, netmask, lease, static: isStatic };
}

function parseHost(arg: string): DhcpHost {
  const h: DhcpHost = {};
  for (const f of arg.split(",")) {
    if (!f) continue;
    if (/^(tag|set|id):/.test(f)) continue;
    if (f === "ignore") {
      h.ignore = true;
      continue;
    }
    const mac = /^([0-9a-f]{1,2}[:-]){5}[0-9a-f]{1,2}$/i.test(f) ? macParse(f.replace(/-/g, ":")) : undefined;
    if (mac) {
      h.mac = mac;
      continue;
    }
    const a = ipv4Parse(f);
    if (a !== undefined) {
      h.addr = a;
      continue;
    }
    const t = parseTime(f);
    if (t !== undefined && /^\d/.test(f)) {
      h.lease = t;
      continue;
    }
    h.name = f;
  }
  return h;
}

function applyOption(o: Options, key: string, arg: string | undefined, confQueue: string[]): void {
  const need = (): string => {
    if (arg === undefined) throw new BadOption("try --help");
    return arg;
  };
  switch (key) {
    case "C":
      o.conffile = arg ?? CONFFILE;
      if (arg) confQueue.push(arg);
      break;
    case "d":
      o.foreground = true;
      o.debug = true;
      break;
    case "k":
      o.foreground = true;
      break;
    case "i":
      o.interfaces.push(...need().split(","));
      break;
    case "I":
      o.exceptInterfaces.push(...need().split(","));
      break;
    case "a":
      for (const s of need().split(",")) {
        const a = ipv4Parse(s);
        if (a === undefined) throw new BadOption("try --help");
        o.listenAddresses.push(a);
      }
      break;
    case "z":
      o.bindInterfaces = true;
      break;
    case "F":
      o.ranges.push(parseRange(need()));
      break;
    case "G":
      o.hosts.push(parseHost(need()));
      break;
    case "l":
      o.leasefile = need();
      break;
    case "x":
      o.pidfile = arg ?? "";
      break;
    case "p": {
      const n = Number(need());
      if (!/^\d+$/.test(arg ?? "") || n > 65535) throw new BadOption("try --help");
      o.port = n;
      break;
    }
    case "s":
      o.domain = need();
      break;
    case "h":
      o.noHosts = true;
      break;
    case "K":
      o.authoritative = true;
      break;
    case "noping":
      o.noPing = true;
      break;
    case "X":
      o.leaseMax = Number(need());
      break;
    case "leasefilero":
      o.leasefileRo = true;
      break;
    case "R":
      o.noResolv = true;
      break;
    case "6":
      o.dhcpScript = need();
      break;
    case "dhcphostsfile":
      o.hostsFiles.push(need());
      break;
    case "H":
      // option.c: prepended, so the last one given is read first
      o.addnHosts.unshift(need());
      break;
    case "A":
    case "S":
    case "local": {
      let entries: ServerEntry[];
      try {
        entries = parseServerOption(key, arg ?? "", () => o.dns.servers.length + o.dns.localDomains.length);
      } catch (e) {
        throw new BadOption(e instanceof Error && e.message !== "error" ? e.message : "try --help");
      }
      for (const e of entries) {
        // add_update_server(): answers and resolv.conf domains go on local_domains (prepended)
        if (e.server === undefined) o.dns.localDomains.unshift(e);
        else o.dns.servers.push(e);
      }
      break;
    }
    case "T":
    case "dhcpttl": {
      const v = need();
      if (!/^\d+$/.test(v)) throw new BadOption("try --help");
      if (key === "T") o.dns.localTtl = Number(v);
      else o.dns.dhcpTtl = Number(v);
      break;
    }
    case "P": {
      const v = need();
      if (!/^\d+$/.test(v)) throw new BadOption("try --help");
      o.dns.ednsPktsz = Number(v);
      break;
    }
    case "E":
      o.dns.expandHosts = true;
      break;
    case "D":
      o.dns.domainNeeded = true;
      break;
    case "b":
      o.dns.bogusPriv = true;
      break;
    case "norr":
      o.dns.noRoundRobin = true;
      break;
    case "q":
      o.logQueries = true;
      break;
    case "hostrec": {
      // option.c: LOPT_HOST_REC
      const parts = need().split(",");
      if (parts.length < 2) throw new BadOption("Bad host-record");
      const hr: HostRecord = { names: [], ttl: -1 };
      for (const a of parts) {
        let v: Uint8Array | undefined;
        if (/^\d*$/.test(a)) hr.ttl = Number(a || "0");
        else if ((v = inetPton4Strict(a))) hr.addr4 = v;
        else if ((v = inetPton6(a))) hr.addr6 = v;
        else {
          const c = canonicalise(a);
          if (c === undefined) throw new BadOption("Bad name in host-record");
          hr.names.push(c);
        }
      }
      o.dns.hostRecords.push(hr);
      break;
    }
    case "cname": {
      // option.c: LOPT_CNAME — ALIAS[,ALIAS…],TARGET[,TTL]
      const parts = need().split(",");
      if (parts.length < 2) throw new BadOption("bad CNAME");
      let ttl = -1;
      if (parts.length > 2 && /^\d+$/.test(parts[parts.length - 1]!)) ttl = Number(parts.pop());
      const target = canonicalise(parts.pop()!.trim());
      for (const a of parts) {
        const alias = canonicalise(a.trim());
        if (alias === undefined || target === undefined) throw new BadOption("bad CNAME");
        if (o.dns.cnames.some((c) => c.alias === alias)) throw new BadOption("duplicate CNAME");
        o.dns.cnames.unshift({ alias, target, ttl });
      }
      break;
    }
    default:
      // accepted without effect here (strict-order, no-resolv, user, log-*, server, …)
      break;
  }
}

/** option.c: read_opts() for argv; returns the options or throws BadOption */
function parseArgv(argv: string[], o: Options, confQueue: string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const spec = LONGOPTS[name];
      if (!spec) throw new BadOption("try --help");
      let arg: string | undefined;
      if (eq >= 0) {
        if (spec[0] === 0) throw new BadOption("try --help");
        arg = a.slice(eq + 1);
      } else if (spec[0] === 1) {
        if (i + 1 >= argv.length) throw new BadOption("try --help");
        arg = argv[++i]!;
      }
      applyOption(o, spec[1], arg, confQueue);
    } else if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (SHORT_NOARG.has(c)) applyOption(o, c, undefined, confQueue);
        else if (SHORT_ARG.has(c)) {
          let arg = a.slice(j + 1);
          if (!arg) {
            if (c === "C" || c === "x" || c === "q") arg = "";
            else {
              if (i + 1 >= argv.length) throw new BadOption("try --help");
              arg = argv[++i]!;
            }
          }
          applyOption(o, c, arg || (c === "C" || c === "x" ? undefined : arg), confQueue);
          break;
        } else throw new BadOption("try --help");
      }
    } else throw new BadOption("junk found in command line");
  }
}

/** option.c: one_file(): option lines of a configuration file */
function parseConf(text: string, file: string, o: Options, confQueue: string[]): string | undefined {
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    const name = (eq >= 0 ? line.slice(0, eq) : line).trim();
    const arg = eq >= 0 ? line.slice(eq + 1).trim() : undefined;
    const spec = LONGOPTS[name];
    if (!spec) return `bad option at line ${n + 1} of ${file}`;
    try {
      applyOption(o, spec[1], arg, confQueue);
    } catch (e) {
      if (e instanceof BadOption) return `${e.message} at line ${n + 1} of ${file}`;
      throw e;
    }
  }
  return undefined;
}

export async function dnsmasq(p: Process): Promise<number> {
  const o: Options = {
    conffile: CONFFILE, foreground: false, debug: false, interfaces: [], exceptInterfaces: [],
    listenAddresses: [], bindInterfaces: false, ranges: [], hosts: [], leasefile: LEASEFILE,
    pidfile: RUNFILE, port: 53, domain: undefined, noHosts: false, noPing: false, authoritative: false, leaseMax: 1000,
    leasefileRo: false, noResolv: false, dhcpScript: undefined, hostsFiles: [], addnHosts: [],
    dns: {
      localTtl: 0, dhcpTtl: undefined, expandHosts: false, domain: undefined, domainNeeded: false, bogusPriv: false,
      noRoundRobin: false, ednsPktsz: 1232, localDomains: [], servers: [], hostRecords: [], cnames: [],
    },
    logQueries: false,
  };
  const args = p.argv.slice(1);
  if (args.includes("--version") || args.includes("-v")) {
    p.stdout.write(
      `Dnsmasq version ${VERSION}  Copyright (c) 2000-2022 Simon Kelley\n` +
        `Compile time options: ${COMPILE_OPTS}\n\n` +
        "This software comes with ABSOLUTELY NO WARRANTY.\n" +
        "Dnsmasq is free software, and you are welcome to redistribute it\n" +
        "under the terms of the GNU General Public License, version 2 or 3.\n",
    );
    return 0;
  }
  const confQueue: string[] = [];
  try {
    parseArgv(args, o, confQueue);
  } catch (e) {
    if (e instanceof BadOption) {
      p.stderr.write(`\ndnsmasq: bad command line options: ${e.message}\n`);
      return EC_BADCONF;
    }
    throw e;
  }
  // the configuration file (default /etc/dnsmasq.conf, silently absent)
  if (o.conffile) {
    const files = confQueue.length ? confQueue : [o.conffile];
    for (const f of files) {
      const text = await p.readFile(f);
      if (text === undefined) {
        if (confQueue.length) {
          p.stderr.write(`\ndnsmasq: cannot read ${f}: No such file or directory\n`);
          return 3;
        }
        continue;
      }
      const err = parseConf(text, f, o, []);
      if (err) {
        p.stderr.write(`\ndnsmasq: ${err}\n`);
        return EC_BADCONF;
      }
    }
  }
  for (const f of o.hostsFiles) {
    for (const line of ((await p.readFile(f)) ?? "").split("\n")) {
      const t = line.replace(/#.*/, "").trim();
      if (t) o.hosts.push(parseHost(t));
    }
  }
  o.dns.domain = o.domain?.split(",")[0] || undefined;
  const existing = o.ranges.length && !o.leasefileRo ? await p.readFile(o.leasefile) : undefined;
  const d = new DnsmasqDaemon(p, p.sys, o);
  d.confFile = o.conffile;
  const rc = d.start(existing);
  if (rc !== undefined) return rc;
  if (o.ranges.length && existing === undefined && !o.leasefileRo) await p.writeFile(o.leasefile, "");
  if (o.pidfile) await p.writeFile(o.pidfile, `${1000 + (p.sys.random32() % 30000)}\n`);
  register(d);
  // the hosts files are read once the daemon runs (EVENT_INIT: cache_reload())
  let hostsLog: string[] = [];
  if (o.port) {
    const etc = o.noHosts ? undefined : await p.readFile("/etc/hosts");
    const addn: [string, string | undefined][] = [];
    for (const f of o.addnHosts) addn.push([f, await p.readFile(f)]);
    hostsLog = d.loadHosts(etc, addn);
  }
  if (o.debug) {
    // dnsmasq.c: main()'s start-up log
    d.log(o.port ? `dnsmasq: started, version ${VERSION} cachesize 150` : `dnsmasq: started, version ${VERSION} DNS disabled`);
    d.log(`dnsmasq: compile time options: ${COMPILE_OPTS}`);
    if (o.port && o.noResolv && !o.dns.servers.length) d.log("dnsmasq: warning: no upstream servers configured");
    for (const r of o.ranges) {
      d.log(`dnsmasq-dhcp: DHCP, IP range ${ipv4ToString(r.start)} -- ${ipv4ToString(r.end)}, lease time ${prettyTime(r.lease)}`);
    }
    if (o.port) {
      // check_servers(), then poll_resolv()
      for (const line of serverLogLines(o.dns)) d.log(`dnsmasq: ${line}`);
      if (!o.noResolv) {
        const rc = (await p.readFile("/etc/resolv.conf")) ?? "";
        if (!/^\s*nameserver\s/m.test(rc)) d.log("dnsmasq: no servers found in /etc/resolv.conf, will retry");
      }
      for (const line of hostsLog) d.log(`dnsmasq: ${line}`);
    }
  }
  if (!o.foreground) return 0;
  // -d / -k: serve until signalled
  if (!p.signal.aborted) {
    const b = p.sys.block();
    p.signal.addEventListener("abort", () => b.unblock());
    await b.promise;
  }
  d.log("dnsmasq: exiting on receipt of SIGTERM");
  d.stop();
  return 0;
}

/** util.c: prettyprint_time() */
function prettyTime(t: number): string {
  if (t === 0xffffffff) return "infinite";
  let out = "";
  const d = Math.floor(t / 86400), h = Math.floor((t % 86400) / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
  if (d) out += `${d}d`;
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s) out += `${s}s`;
  return out || "0s";
}

export const dnsmasqCommands: CommandTable = { dnsmasq };
