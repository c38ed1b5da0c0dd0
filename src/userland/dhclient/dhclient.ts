/**
 * ISC dhclient 4.4.3-P1 (Debian 12): client/dhclient.c's state machine for one interface over
 * LPF (common/lpf.c: a PF_PACKET socket sending whole frames from 0.0.0.0, receiving frames
 * for UDP port 68), plus the "Socket/fallback" UDP socket for unicast (DHCPRELEASE), and
 * Debian's /sbin/dhclient-script semantics (PREINIT, BOUND, RENEW, RELEASE …) run as the `ip`
 * commands the script runs.
 *
 * After binding, dhclient "forks": the foreground process exits 0, the client keeps its lease
 * in a per-namespace registry (dhclient -r / -x find it there, as through the pid file).
 */
import type { Process, CommandTable } from "../process.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import type { Socket } from "../../kernel/uapi/socket.ts";
import { SOCK_RAW, SOCK_DGRAM } from "../../kernel/uapi/socket.ts";
import { AF_INET, AF_PACKET, type AddrMsg } from "../../kernel/uapi/rtnetlink.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import { ipv4ToString, macToString } from "../../wire/addr.ts";
import type { Timer } from "../../sim/scheduler.ts";
import {
  type DhcpPacket, BOOTREQUEST, BOOTREPLY, DHCPDISCOVER, DHCPOFFER, DHCPREQUEST, DHCPACK, DHCPNAK, DHCPRELEASE,
  OPTION_MESSAGE_TYPE, OPTION_SERVER_IDENTIFIER, OPTION_LEASE_TIME, OPTION_T1, OPTION_T2, OPTION_NETMASK,
  OPTION_BROADCAST, OPTION_ROUTER, OPTION_DNSSERVER, OPTION_DOMAINNAME, OPTION_HOSTNAME, OPTION_REQUESTED_IP,
  OPTION_REQUESTED_OPTIONS, OPTION_DOMAIN_SEARCH, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, BOOTP_MIN_LEN,
  parseDhcp, buildDhcp, newPacket, msgType, getU32, getAddrs, getStr, optU8, optU32, optStr,
  buildUdpFrame, decodeUdpFrame,
} from "../dnsmasq/dhcp_packet.ts";
import { ifaceByName, maskLen, type Iface } from "../dnsmasq/netif.ts";

const ETH_P_ALL = 0x0003;
const BCAST_MAC = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/** clparse.c defaults */
const TIMEOUT = 60;
const INITIAL_INTERVAL = 3;
const BACKOFF_CUTOFF = 15;
const REBOOT_TIMEOUT = 10;

/** Debian's /etc/dhcp/dhclient.conf `request` list, in order (option codes) */
const PRL = [1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42];

const BANNER =
  "Internet Systems Consortium DHCP Client 4.4.3-P1\n" +
  "Copyright 2004-2022 Internet Systems Consortium.\n" +
  "All rights reserved.\n" +
  "For info, please visit https://www.isc.org/software/dhcp/\n\n";

export interface ClientLease {
  address: number;
  netmask: number;
  broadcast: number | undefined;
  routers: number[];
  dns: number[];
  domain: string | undefined;
  search: string | undefined;
  server: number;
  leaseTime: number;
  renewal: number; // absolute simulated µs
  rebind: number;
  expiry: number;
}

/** a dhclient that went to the background, by namespace and interface */
export interface RunningClient {
  ifname: string;
  lease: ClientLease | undefined;
  stop(): void;
}
const clients = new WeakMap<Syscalls, Map<string, RunningClient>>();
/** the lease database (-lf): last lease per interface, per namespace */
const leaseDb = new WeakMap<Syscalls, Map<string, ClientLease>>();

export function dhclientRunning(sys: Syscalls): Map<string, RunningClient> {
  let m = clients.get(sys.ns ?? sys);
  if (!m) clients.set(sys.ns ?? sys, (m = new Map()));
  return m;
}
function leases(sys: Syscalls): Map<string, ClientLease> {
  let m = leaseDb.get(sys.ns ?? sys);
  if (!m) leaseDb.set(sys.ns ?? sys, (m = new Map()));
  return m;
}

class Client {
  xid = 0;
  state: "INIT" | "SELECTING" | "REQUESTING" | "BOUND" | "REBOOTING" = "INIT";
  interval = 0;
  firstSending = 0;
  sock: Socket | undefined;
  offered: DhcpPacket | undefined;
  ack: DhcpPacket | undefined;
  nak = false;
  secs = 0;

  constructor(readonly p: Process, readonly ifc: Iface, readonly verbose: boolean) {}

  log(s: string): void {
    if (this.verbose) this.p.stderr.write(s + "\n");
  }

  get sys(): Syscalls {
    return this.p.sys;
  }

  /** cur_time: whole seconds */
  curTime(): number {
    return Math.floor(this.sys.now() / 1_000_000);
  }

  /** random() */
  random(): number {
    return this.sys.random32() & 0x7fffffff;
  }

  open(): boolean {
    const s = this.sys.socket(AF_PACKET, SOCK_RAW, ETH_P_ALL);
    if (isKErr(s)) return false;
    s.bind({ family: 17, ifindex: this.ifc.index, protocol: ETH_P_ALL });
    this.sock = s;
    return true;
  }

  close(): void {
    this.sock?.onReadable(undefined);
    this.sock?.close();
  }

  packet(type: number, requested?: number, server?: number): DhcpPacket {
    const pk = newPacket(BOOTREQUEST, this.xid, this.ifc.mac);
    pk.secs = this.secs;
    pk.options.set(OPTION_MESSAGE_TYPE, optU8(type));
    if (server !== undefined) pk.options.set(OPTION_SERVER_IDENTIFIER, optU32(server));
    if (requested !== undefined) pk.options.set(OPTION_REQUESTED_IP, optU32(requested));
    // send host-name = gethostname();
    const hn = this.sys.hostname();
    if (type !== DHCPRELEASE) {
      if (hn) pk.options.set(OPTION_HOSTNAME, optStr(hn));
      pk.options.set(OPTION_REQUESTED_OPTIONS, Uint8Array.from(PRL));
    }
    return pk;
  }

  /** lpf.c: send_packet() — a broadcast frame from 0.0.0.0:68 */
  sendLpf(pk: DhcpPacket, from = 0): void {
    const data = buildDhcp(pk, BOOTP_MIN_LEN);
    const f = buildUdpFrame(this.ifc.mac, BCAST_MAC, from, 0xffffffff, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, data);
    this.sock!.sendto(f, { family: 17, ifindex: this.ifc.index, protocol: 0x0800, addr: BCAST_MAC });
  }

  /** the frames received since last time: BOOTREPLYs for our xid */
  drain(): DhcpPacket[] {
    const out: DhcpPacket[] = [];
    for (let m = this.sock!.recvfrom(); m; m = this.sock!.recvfrom()) {
      if (m.outgoing) continue;
      const u = decodeUdpFrame(m.data, DHCP_CLIENT_PORT);
      if (!u) continue;
      const pk = parseDhcp(u.payload);
      if (!pk || pk.op !== BOOTREPLY || pk.xid !== this.xid) continue;
      if (pk.hlen !== 6 || macToString(pk.chaddr, 0, 6) !== macToString(this.ifc.mac)) continue;
      out.push(pk);
    }
    return out;
  }

  /** wait for a packet or until `until` µs; true when packets arrived */
  async wait(until: number): Promise<boolean> {
    const b = this.sys.block();
    const t: Timer = this.sys.timer!(() => b.unblock(), "dhclient");
    t.mod(until);
    this.sock!.onReadable(() => b.unblock());
    const onAbort = () => b.unblock();
    this.p.signal.addEventListener("abort", onAbort);
    await b.promise;
    this.p.signal.removeEventListener("abort", onAbort);
    this.sock!.onReadable(undefined);
    const fired = !t.pending;
    t.cancel();
    return !fired;
  }

  /** send_discover()'s backoff */
  nextInterval(): void {
    if (!this.interval) this.interval = INITIAL_INTERVAL;
    else this.interval += this.random() % (2 * this.interval);
    if (this.interval > BACKOFF_CUTOFF) this.interval = BACKOFF_CUTOFF / 2 + (this.random() % BACKOFF_CUTOFF);
    const cur = this.curTime();
    if (cur + this.interval > this.firstSending + TIMEOUT) this.interval = this.firstSending + TIMEOUT - cur + 1;
  }

  /** state_init() + send_discover() until an offer; then state_selecting(): the offer */
  async discover(): Promise<DhcpPacket | undefined> {
    this.xid = this.sys.random32() >>> 0;
    this.state = "SELECTING";
    this.firstSending = this.curTime();
    this.interval = INITIAL_INTERVAL;
    for (;;) {
      const cur = this.curTime();
      const elapsed = cur - this.firstSending;
      if (elapsed > TIMEOUT) return undefined;
      this.nextInterval();
      this.secs = Math.min(elapsed, 65535);
      this.log(`DHCPDISCOVER on ${this.ifc.name} to 255.255.255.255 port 67 interval ${this.interval}`);
      this.sendLpf(this.packet(DHCPDISCOVER));
      // tv.tv_sec = cur + interval; tv_usec random
      const until = (cur + this.interval) * 1_000_000 + (this.interval > 1 ? this.random() % 1_000_000 : this.sys.now() % 1_000_000);
      for (;;) {
        const got = await this.wait(until);
        if (this.p.signal.aborted) return undefined;
        for (const pk of this.drain()) {
          if (msgType(pk) !== DHCPOFFER) continue;
          const sid = getU32(pk, OPTION_SERVER_IDENTIFIER);
          this.log(`DHCPOFFER of ${ipv4ToString(pk.yiaddr)} from ${ipv4ToString(sid ?? 0)}`);
          return pk;
        }
        if (!got || this.sys.now() >= until) break;
      }
    }
  }

  /** send_request() in REQUESTING/REBOOTING until DHCPACK or DHCPNAK */
  async request(requested: number, server: number | undefined, state: "REQUESTING" | "REBOOTING"): Promise<DhcpPacket | "nak" | undefined> {
    this.state = state;
    if (state === "REBOOTING") {
      this.xid = this.sys.random32() >>> 0;
      this.secs = 0;
    }
    this.firstSending = this.curTime();
    this.interval = 0;
    for (;;) {
      const cur = this.curTime();
      const elapsed = cur - this.firstSending;
      if (elapsed > REBOOT_TIMEOUT) return undefined;
      if (!this.interval) this.interval = INITIAL_INTERVAL;
      else this.interval += (this.random() >> 2) % (2 * this.interval);
      if (this.interval > BACKOFF_CUTOFF) this.interval = BACKOFF_CUTOFF / 2 + ((this.random() >> 2) % BACKOFF_CUTOFF);
      if (state === "REBOOTING") this.secs = Math.min(elapsed, 65535);
      this.log(`DHCPREQUEST for ${ipv4ToString(requested)} on ${this.ifc.name} to 255.255.255.255 port 67`);
      this.sendLpf(this.packet(DHCPREQUEST, requested, state === "REQUESTING" ? server : undefined));
      const until = (cur + this.interval) * 1_000_000 + (this.interval > 1 ? this.random() % 1_000_000 : this.sys.now() % 1_000_000);
      for (;;) {
        const got = await this.wait(until);
        if (this.p.signal.aborted) return undefined;
        for (const pk of this.drain()) {
          const t = msgType(pk);
          const sid = getU32(pk, OPTION_SERVER_IDENTIFIER) ?? 0;
          if (t === DHCPACK) {
            this.log(`DHCPACK of ${ipv4ToString(pk.yiaddr)} from ${ipv4ToString(sid)}`);
            return pk;
          }
          if (t === DHCPNAK) {
            this.log(`DHCPNAK from ${ipv4ToString(sid)}`);
            return "nak";
          }
        }
        if (!got || this.sys.now() >= until) break;
      }
    }
  }

  /** dhcpack(): the lease and its times (ISC's randomised renewal) */
  leaseOf(pk: DhcpPacket): ClientLease {
    const now = this.sys.now();
    const lt = getU32(pk, OPTION_LEASE_TIME) ?? 43200;
    // dhcpack(): renewal = T1 or expiry/2 + 1, rebind = T2 or expiry*7/8, then randomised
    let t1 = getU32(pk, OPTION_T1) ?? Math.floor(lt / 2) + 1;
    let t2 = getU32(pk, OPTION_T2) ?? Math.floor((lt * 7) / 8);
    if (t1 > lt) t1 = Math.floor(lt / 2) + 1;
    if (t2 > lt) t2 = Math.floor((lt * 7) / 8);
    const TIME_MAX = 2147483647;
    let renewal = t1;
    if (t1 && t1 <= Math.floor(TIME_MAX / 3) - 3) renewal = Math.floor((t1 * 3 + 3) / 4) + Math.floor(((this.random() % t1) + 3) / 4);

    return {
      address: pk.yiaddr,
      netmask: getU32(pk, OPTION_NETMASK) ?? 0xffffff00,
      broadcast: getU32(pk, OPTION_BROADCAST),
      routers: getAddrs(pk, OPTION_ROUTER),
      dns: getAddrs(pk, OPTION_DNSSERVER),
      domain: getStr(pk, OPTION_DOMAINNAME),
      search: getStr(pk, OPTION_DOMAIN_SEARCH),
      server: getU32(pk, OPTION_SERVER_IDENTIFIER) ?? 0,
      leaseTime: lt,
      renewal: now + renewal * 1_000_000,
      rebind: now + t2 * 1_000_000,
      expiry: now + lt * 1_000_000,
    };
  }
}

// --------------------------------------------------------------------------- the daemon

/**
 * dhclient after finish_daemon(): state_bound() at the renewal time sends DHCPREQUEST
 * (RENEWING: unicast to the server from the leased address over the fallback socket; after
 * the rebind time REBINDING: broadcast over LPF), dhcpack() + script RENEW (`ip -4 addr
 * change … valid_lft`, done here as the same RTM_NEWADDR/NLM_F_REPLACE), and EXPIRE (the
 * address goes). Everything runs in simulator context (timers and socket callbacks): the
 * foreground process is gone.
 */
class BoundClient {
  private timer: Timer;
  private state: "BOUND" | "RENEWING" | "REBINDING" = "BOUND";
  private interval = 0;
  private stopped = false;

  constructor(
    readonly sys: Syscalls, readonly c: Client, readonly fb: Socket | undefined,
    public lease: ClientLease, readonly db: Map<string, ClientLease>,
  ) {
    this.timer = sys.timer!(() => this.tick(), "dhclient");
    c.sock?.onReadable(() => this.onFrames());
    fb?.onReadable(() => this.onUdp());
  }

  stop(): void {
    this.stopped = true;
    this.timer.cancel();
    this.c.close();
    this.fb?.onReadable(undefined);
    this.fb?.close();
  }

  armRenewal(): void {
    this.state = "BOUND";
    this.interval = 0;
    this.timer.mod(this.lease.renewal);
  }

  private random(): number {
    return this.sys.random32() & 0x7fffffff;
  }

  /** state_bound() / send_request() */
  private tick(): void {
    if (this.stopped) return;
    const now = this.sys.now();
    const l = this.lease;
    if (now >= l.expiry) {
      // EXPIRE: the script removes the address; the client would start over (not modelled)
      this.expire();
      return;
    }
    if (this.state === "BOUND") {
      this.state = "RENEWING";
      this.c.xid = this.sys.random32() >>> 0;
    }
    if (now >= l.rebind) this.state = "REBINDING";
    if (!this.interval) this.interval = INITIAL_INTERVAL;
    else this.interval += (this.random() >> 2) % (2 * this.interval);
    if (this.interval > BACKOFF_CUTOFF) this.interval = BACKOFF_CUTOFF / 2 + ((this.random() >> 2) % BACKOFF_CUTOFF);
    const pk = this.c.packet(DHCPREQUEST);
    pk.ciaddr = l.address;
    const data = buildDhcp(pk, BOOTP_MIN_LEN);
    if (this.state === "RENEWING" && this.fb) this.fb.sendto(data, { family: 2, addr: l.server, port: DHCP_SERVER_PORT });
    else {
      const f = buildUdpFrame(this.c.ifc.mac, BCAST_MAC, l.address, 0xffffffff, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, data);
      this.c.sock?.sendto(f, { family: 17, ifindex: this.c.ifc.index, protocol: 0x0800, addr: BCAST_MAC });
    }
    let next = now + this.interval * 1_000_000;
    if (next > l.expiry) next = l.expiry + 1;
    this.timer.mod(next);
  }

  private onFrames(): void {
    if (this.state === "BOUND") {
      this.c.drain();
      return;
    }
    for (const pk of this.c.drain()) this.reply(pk);
  }

  private onUdp(): void {
    for (let m = this.fb!.recvfrom(); m; m = this.fb!.recvfrom()) {
      if (this.state === "BOUND") continue;
      const pk = parseDhcp(m.data);
      if (pk && pk.op === BOOTREPLY && pk.xid === this.c.xid) this.reply(pk);
    }
  }

  private reply(pk: DhcpPacket): void {
    const t = msgType(pk);
    if (t === DHCPNAK) {
      this.expire();
      return;
    }
    if (t !== DHCPACK || pk.yiaddr !== this.lease.address) return;
    const l = this.c.leaseOf(pk);
    this.lease = l;
    this.db.set(this.c.ifc.name, l);
    this.renewAddress(l);
    this.armRenewal();
  }

  /** script RENEW: ip -4 addr change ADDR/MASK broadcast B dev IF label IF valid_lft LT preferred_lft LT */
  private renewAddress(l: ClientLease): void {
    const a = new Uint8Array(4);
    new DataView(a.buffer).setUint32(0, l.address);
    const attrs: AddrMsg["attrs"] = {
      IFA_LOCAL: a, IFA_ADDRESS: a.slice(), IFA_LABEL: this.c.ifc.name,
      IFA_CACHEINFO: { ifa_prefered: l.leaseTime >>> 0, ifa_valid: l.leaseTime >>> 0, cstamp: 0, tstamp: 0 },
    };
    if (l.broadcast !== undefined) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, l.broadcast);
      attrs.IFA_BROADCAST = b;
    }
    this.sys.rtnl.talk({
      type: "RTM_NEWADDR", flags: { replace: true },
      ifa: { family: AF_INET, prefixlen: maskLen(l.netmask), flags: 0, scope: 0, index: this.c.ifc.index }, attrs,
    });
  }

  private expire(): void {
    const a = new Uint8Array(4);
    new DataView(a.buffer).setUint32(0, this.lease.address);
    this.sys.rtnl.talk({
      type: "RTM_DELADDR", flags: {},
      ifa: { family: AF_INET, prefixlen: maskLen(this.lease.netmask), flags: 0, scope: 0, index: this.c.ifc.index },
      attrs: { IFA_LOCAL: a, IFA_ADDRESS: a.slice() },
    });
    this.db.delete(this.c.ifc.name);
    dhclientRunning(this.sys).delete(this.c.ifc.name);
    this.stop();
  }
}

// --------------------------------------------------------------------------- dhclient-script

async function run(p: Process, argv: string[]): Promise<number> {
  return p.spawn(argv, p.sys);
}

/** Debian dhclient-script: make_resolv_conf() */
async function makeResolvConf(p: Process, l: ClientLease): Promise<void> {
  if (!l.dns.length && !l.domain && !l.search) return;
  let out = "";
  // `domain` the first word of the domain name; `search` the search list with the domain
  // name in front unless it is in the list already, else the domain name
  if (l.domain) out += `domain ${l.domain.split(" ")[0]}\n`;
  if (l.search) {
    const list = l.search.split(/\s+/).filter((x) => x !== "");
    const has = l.domain !== undefined && list.some((d) => d === l.domain || d === `${l.domain}.`);
    out += `search ${l.domain && !has ? `${l.domain} ` : ""}${l.search}\n`;
  } else if (l.domain) out += `search ${l.domain}\n`;
  for (const ns of l.dns) out += `nameserver ${ipv4ToString(ns)}\n`;
  await p.writeFile("/etc/resolv.conf", out);
}

/** BOUND/RENEW/REBIND/REBOOT: set the address, routes and resolv.conf */
async function scriptBound(p: Process, ifname: string, l: ClientLease, old: ClientLease | undefined): Promise<void> {
  const plen = maskLen(l.netmask);
  const addr = ipv4ToString(l.address);
  if (old && old.address !== l.address) {
    await run(p, ["ip", "-4", "addr", "flush", "dev", ifname, "label", ifname]);
  }
  const bcast = l.broadcast !== undefined ? ["broadcast", ipv4ToString(l.broadcast)] : [];
  if (old && old.address === l.address) {
    await run(p, ["ip", "-4", "addr", "change", `${addr}/${plen}`, ...bcast, "dev", ifname, "label", ifname,
      "valid_lft", String(l.leaseTime), "preferred_lft", String(l.leaseTime)]);
  } else {
    await run(p, ["ip", "-4", "addr", "add", `${addr}/${plen}`, ...bcast, "dev", ifname, "label", ifname,
      "valid_lft", String(l.leaseTime), "preferred_lft", String(l.leaseTime)]);
  }
  if (!old || old.address !== l.address || old.routers.join() !== l.routers.join()) {
    for (const r of l.routers) {
      // a router outside the subnet gets a host route first
      if (((r ^ l.address) & l.netmask) !== 0) {
        await run(p, ["bash", "-c", `ip -4 route add ${ipv4ToString(r)} dev ${ifname} >/dev/null 2>&1`]);
      }
      await run(p, ["bash", "-c", `ip -4 route add default via ${ipv4ToString(r)} dev ${ifname} >/dev/null 2>&1`]);
    }
  }
  await makeResolvConf(p, l);
}

async function scriptRelease(p: Process, ifname: string): Promise<void> {
  await run(p, ["ip", "-4", "addr", "flush", "dev", ifname, "label", ifname]);
}

// --------------------------------------------------------------------------- main

/** omapip/errwarn.c: log_fatal()'s closing text */
const BUG_TEXT =
  "\nIf you think you have received this message due to a bug rather\n" +
  "than a configuration issue please read the section on submitting\n" +
  "bugs on either our web page at www.isc.org or in the README file\n" +
  "before submitting a bug.  These pages explain the proper\n" +
  "process and the information we find helpful for debugging.\n\nexiting.\n";

/** client/dhclient.c: usage() — log_fatal after the banner, which is always printed here */
function usage(p: Process, bad?: string): number {
  p.stderr.write(
    BANNER.trimEnd() + "\n" + (bad ? `Unknown command: ${bad}\n` : "") +
      "Usage: dhclient [-4|-6] [-SNTPRI1dvrxi] [-nw] [-p <port>] [-D LL|LLT]\n" +
      "                [--dad-wait-time <seconds>] [--prefix-len-hint <length>]\n" +
      "                [--decline-wait-time <seconds>]\n" +
      "                [--address-prefix-len <length>]\n" +
      "                [-s server-addr] [-cf config-file]\n" +
      "                [-df duid-file] [-lf lease-file]\n" +
      "                [-pf pid-file] [--no-pid] [-e VAR=val]\n" +
      "                [-sf script-file] [interface]*\n" +
      "       dhclient {--version|--help|-h}\n" + BUG_TEXT,
  );
  return 1;
}

export async function dhclient(p: Process): Promise<number> {
  const args = p.argv.slice(1);
  let verbose = false;
  let release = false;
  let exitMode = false;
  let onetry = false;
  let quiet = true;
  const ifnames: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    switch (a) {
      case "-v":
        verbose = true;
        quiet = false;
        break;
      case "-q":
        quiet = true;
        break;
      case "-r":
        release = true;
        break;
      case "-x":
        exitMode = true;
        break;
      case "-1":
        onetry = true;
        break;
      case "-d":
      case "-4":
      case "-nw":
      case "--no-pid":
        break;
      case "-pf":
      case "-lf":
      case "-cf":
      case "-sf":
      case "-df":
      case "-p":
      case "-s":
      case "-e":
        if (i + 1 >= args.length) return usage(p);
        i++;
        break;
      case "--version":
        p.stderr.write("isc-dhclient-4.4.3-P1\n");
        return 0;
      case "-h":
      case "--help":
        return usage(p);
      default:
        if (a.startsWith("-")) return usage(p, a);
        ifnames.push(a);
    }
  }
  void quiet;
  const sys = p.sys;
  const running = dhclientRunning(sys);
  const db = leases(sys);

  // -r / -x: stop the running client ("Killed old client process"), -r releases first
  if (release || exitMode) {
    const old = [...running.values()].filter((c) => !ifnames.length || ifnames.includes(c.ifname));
    if (old.length) {
      for (const c of old) {
        c.stop();
        running.delete(c.ifname);
      }
      if (verbose) p.stderr.write("Killed old client process\n");
    }
  }
  if (verbose) p.stderr.write(BANNER);

  const names = ifnames.length ? ifnames : release || exitMode ? [...db.keys()] : ["eth0"];
  const ifcs: Iface[] = [];
  // log_fatal(): the message and the closing text go to stderr only with -v
  const fatal = (msg: string): number => {
    if (verbose) p.stderr.write(msg + "\n" + BUG_TEXT);
    return 1;
  };
  for (const n of names) {
    // PREINIT: the script brings the link up (and `ip` complains about a missing device)
    if (!release && !exitMode) await run(p, ["ip", "link", "set", "dev", n, "up"]);
    const ifc = ifaceByName(sys, n);
    if (!ifc) {
      if (release || exitMode) p.stderr.write(`Cannot find device "${n}"\n`);
      return fatal("Failed to get interface index: No such device");
    }
    if (ifc.type !== 1) return fatal(`Unsupported device type ${ifc.type} for "${n}"`);
    ifcs.push(ifc);
  }

  for (const ifc of ifcs) {
    const mac = macToString(ifc.mac);
    if (verbose) {
      p.stderr.write(`Listening on LPF/${ifc.name}/${mac}\n`);
      p.stderr.write(`Sending on   LPF/${ifc.name}/${mac}\n`);
    }
  }
  if (verbose) p.stderr.write("Sending on   Socket/fallback\n");

  if (exitMode && !release) {
    // -x: the client starts as usual (INIT-REBOOT from its lease database), then stops
    // (script STOP: the address goes)
    for (const ifc of ifcs) {
      const l = db.get(ifc.name);
      if (!l) continue;
      const c = new Client(p, ifc, verbose);
      if (c.open()) {
        c.xid = sys.random32() >>> 0;
        c.log(`DHCPREQUEST for ${ipv4ToString(l.address)} on ${ifc.name} to 255.255.255.255 port 67`);
        c.sendLpf(c.packet(DHCPREQUEST, l.address));
        c.close();
      }
      await scriptRelease(p, ifc.name);
    }
    return 0;
  }

  if (release) {
    for (const ifc of ifcs) {
      const l = db.get(ifc.name);
      if (!l) continue;
      // send_release(): unicast from the leased address to the server over the fallback socket
      const c = new Client(p, ifc, verbose);
      c.xid = sys.random32() >>> 0;
      const pk = c.packet(DHCPRELEASE, undefined, l.server);
      pk.ciaddr = l.address;
      c.log(`DHCPRELEASE of ${ipv4ToString(l.address)} on ${ifc.name} to ${ipv4ToString(l.server)} port 67`);
      const s = sys.socket(AF_INET, SOCK_DGRAM, 17);
      if (!isKErr(s)) {
        s.setsockopt("SO_REUSEADDR", 1);
        s.bind({ family: 2, addr: 0, port: DHCP_CLIENT_PORT });
        const r = s.sendto(buildDhcp(pk, BOOTP_MIN_LEN), { family: 2, addr: l.server, port: DHCP_SERVER_PORT });
        s.close();
        if (isKErr(r)) {
          // common/socket.c: send_packet() on the fallback interface
          p.stderr.write(`send_packet: ${strerror(r.errno)}\n`);
          if (r.errno === "ENETUNREACH") p.stderr.write("send_packet: please consult README file regarding broadcast address.\n");
          p.stderr.write("dhclient.c:3124: Failed to send 300 byte long packet over fallback interface.\n");
        }
      }
      db.delete(ifc.name);
      await scriptRelease(p, ifc.name);
    }
    return 0;
  }

  let status = 0;
  for (const ifc of ifcs) {
    const c = new Client(p, ifc, verbose);
    if (!c.open()) return 1;
    // the fallback socket on 0.0.0.0:68 (no port unreachables for our replies)
    const fb = sys.socket(AF_INET, SOCK_DGRAM, 17);
    if (!isKErr(fb)) {
      fb.setsockopt("SO_REUSEADDR", 1);
      fb.bind({ family: 2, addr: 0, port: DHCP_CLIENT_PORT });
    }
    const closeAll = () => {
      c.close();
      if (!isKErr(fb)) fb.close();
    };
    let ack: DhcpPacket | undefined;
    const old = db.get(ifc.name);
    if (old && old.expiry > sys.now()) {
      // state_reboot(): INIT-REBOOT with the recorded lease
      const r = await c.request(old.address, undefined, "REBOOTING");
      if (r && r !== "nak") ack = r;
    }
    while (!ack) {
      const offer = await c.discover();
      if (!offer) break;
      const sid = getU32(offer, OPTION_SERVER_IDENTIFIER);
      const r = await c.request(offer.yiaddr, sid, "REQUESTING");
      if (r === "nak" || r === undefined) {
        if (p.signal.aborted) break;
        continue;
      }
      ack = r;
    }
    if (!ack) {
      closeAll();
      if (p.signal.aborted) return 130;
      if (onetry) {
        if (verbose) p.stderr.write("No DHCPOFFERS received.\nUnable to obtain a lease on first try.  Exiting.\n");
        return 2;
      }
      if (verbose) p.stderr.write("No DHCPOFFERS received.\nNo working leases in persistent database - sleeping.\n");
      status = 0;
      continue;
    }
    const lease = c.leaseOf(ack);
    // reason BOUND or REBOOT: the script has no old_ip_address
    await scriptBound(p, ifc.name, lease, undefined);
    db.set(ifc.name, lease);
    const renewIn = Math.round((lease.renewal - sys.now()) / 1_000_000);
    // add_timeout(): a timeout past TIME_MAX is clamped, with a message
    if (renewIn >= 2147483647) c.log("Timeout too large reducing to: 2147483646 (TIME_MAX - 1)");
    c.log(`bound to ${ipv4ToString(lease.address)} -- renewal in ${renewIn} seconds.`);
    // the daemon: renews in the background on the simulated clock
    const d = new BoundClient(sys, c, isKErr(fb) ? undefined : fb, lease, db);
    d.armRenewal();
    running.set(ifc.name, { ifname: ifc.name, lease, stop: () => d.stop() });
  }
  return status;
}

export const dhclientCommands: CommandTable = { dhclient };
