/**
 * busybox 1.35.0 udhcpc (networking/udhcp/dhcpc.c) as Debian's `udhcpc` package ships it,
 * with /etc/udhcpc/default.script's effects (deconfig: link up + flush; bound/renew: ifconfig,
 * default route, resolv.conf). Packets go out through a packet socket from 0.0.0.0
 * (udhcp_send_raw_packet) and come back through it (LISTEN_RAW).
 */
import type { Process } from "../process.ts";
import type { Socket } from "../../kernel/uapi/socket.ts";
import type { RouteMsg } from "../../kernel/uapi/rtnetlink.ts";
import { SOCK_DGRAM } from "../../kernel/uapi/socket.ts";
import { AF_INET, AF_PACKET } from "../../kernel/uapi/rtnetlink.ts";
import { isKErr } from "../../kernel/uapi/errno.ts";
import { ipv4ToString, readU32 } from "../../wire/addr.ts";
import {
  type DhcpPacket, BOOTREQUEST, BOOTREPLY, DHCPDISCOVER, DHCPOFFER, DHCPREQUEST, DHCPACK, DHCPNAK, DHCPRELEASE,
  OPTION_MESSAGE_TYPE, OPTION_SERVER_IDENTIFIER, OPTION_LEASE_TIME, OPTION_NETMASK, OPTION_BROADCAST,
  OPTION_ROUTER, OPTION_DNSSERVER, OPTION_DOMAINNAME, OPTION_REQUESTED_IP, OPTION_REQUESTED_OPTIONS,
  OPTION_CLIENT_ID, OPTION_VENDOR_ID, OPTION_MAXMESSAGE, OPTION_HOSTNAME, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, BOOTP_MIN_LEN,
  parseDhcp, buildDhcp, newPacket, msgType, getU32, getAddrs, getStr, optU8, optU32, optStr,
  buildUdpFrame, decodeUdpFrame,
} from "../dnsmasq/dhcp_packet.ts";
import { ifaceByName, type Iface } from "../dnsmasq/netif.ts";

const VERSION = "1.35.0";
const BCAST = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
const ETH_P_IP = 0x0800;
/** common.c: dhcp_optflags[] entries with OPTION_REQ (the default parameter request list) */
const PRL = [1, 3, 6, 12, 15, 28, 42];

/** the applet's usage text (busybox --help / a bad option) */
const USAGE = `BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.

Usage: udhcpc [-fbqRB] [-a[MSEC]] [-t N] [-T SEC] [-A SEC|-n]
	[-i IFACE] [-s PROG] [-p PIDFILE]
	[-oC] [-r IP] [-V VENDOR] [-F NAME] [-x OPT:VAL]... [-O OPT]...

	-i IFACE	Interface to use (default eth0)
	-s PROG		Run PROG at DHCP events (default /etc/udhcpc/default.script)
	-p FILE		Create pidfile
	-B		Request broadcast replies
	-t N		Send up to N discover packets (default 3)
	-T SEC		Pause between packets (default 3)
	-A SEC		Wait if lease is not obtained (default 20)
	-b		Background if lease is not obtained
	-n		Exit if lease is not obtained
	-q		Exit after obtaining lease
	-R		Release IP on exit
	-f		Run in foreground
	-S		Log to syslog too
	-a[MSEC]	Validate offered address with ARP ping
	-r IP		Request this IP address
	-o		Don't request any options (unless -O is given)
	-O OPT		Request option OPT from server (cumulative)
	-x OPT:VAL	Include option OPT in sent packets (cumulative)
			Examples of string, numeric, and hex byte opts:
			-x hostname:bbox - option 12
			-x lease:3600 - option 51 (lease time)
			-x 0x3d:0100BEEFC0FFEE - option 61 (client id)
			-x 14:'"dumpfile"' - option 14 (shell-quoted)
	-F NAME		Ask server to update DNS mapping for NAME
	-V VENDOR	Vendor identifier (default 'udhcp VERSION')
	-C		Don't send MAC as client identifier
Signals:
	USR1	Renew lease
	USR2	Release lease
`;

function usage(p: Process, bad?: string): number {
  if (bad) p.stderr.write(`udhcpc: ${bad}\n`);
  p.stderr.write(USAGE);
  return 1;
}

interface Opts {
  iface: string;
  quit: boolean;
  failNoLease: boolean;
  retries: number;
  timeout: number;
  tryagain: number;
  requested: number | undefined;
  noClientId: boolean;
  release: boolean;
  broadcast: boolean;
  hostname: string | undefined;
  vendor: string;
}

const SIGUSR1 = 10;
const SIGUSR2 = 12;
const SIGTERM = 15;

class Udhcpc {
  sock: Socket | undefined;
  xid = 0;
  /** signals caught and not yet read (udhcp_sp_read(): its signal pipe) */
  private sigs: number[] = [];
  private wakeSig: (() => void) | undefined;
  constructor(readonly p: Process, readonly ifc: Iface, readonly o: Opts) {}

  /** udhcp_sp_setup(): USR1, USR2 and TERM go to the signal pipe */
  catchSignals(): void {
    for (const sig of [SIGUSR1, SIGUSR2, SIGTERM])
      this.p.onSignal?.(sig, () => {
        this.sigs.push(sig);
        this.wakeSig?.();
      });
  }

  /** the next signal read from the pipe */
  takeSignal(): number | undefined {
    return this.sigs.shift();
  }

  /** a signal is waiting, or the process was interrupted */
  get interrupted(): boolean {
    return this.p.signal.aborted || this.sigs.length > 0;
  }

  msg(s: string): void {
    this.p.stderr.write(`udhcpc: ${s}\n`);
  }

  open(): void {
    const s = this.p.sys.socket(AF_PACKET, SOCK_DGRAM, ETH_P_IP);
    if (isKErr(s)) return;
    s.bind({ family: 17, ifindex: this.ifc.index, protocol: ETH_P_IP });
    this.sock = s;
  }

  close(): void {
    this.sock?.onReadable(undefined);
    this.sock?.close();
    this.sock = undefined;
  }

  /** init_packet() + add_client_options() */
  packet(type: number): DhcpPacket {
    const pk = newPacket(BOOTREQUEST, this.xid, this.ifc.mac);
    if (this.o.broadcast) pk.flags = 0x8000;
    pk.options.set(OPTION_MESSAGE_TYPE, optU8(type));
    if (!this.o.noClientId) {
      const cid = new Uint8Array(7);
      cid[0] = 1;
      cid.set(this.ifc.mac.subarray(0, 6), 1);
      pk.options.set(OPTION_CLIENT_ID, cid);
    }
    if (type !== DHCPRELEASE) {
      pk.options.set(OPTION_MAXMESSAGE, Uint8Array.of(576 >> 8, 576 & 0xff));
      pk.options.set(OPTION_REQUESTED_OPTIONS, Uint8Array.from(PRL));
      if (this.o.hostname) pk.options.set(OPTION_HOSTNAME, optStr(this.o.hostname));
      pk.options.set(OPTION_VENDOR_ID, optStr(this.o.vendor));
    }
    return pk;
  }

  /** packet.c: udhcp_send_raw_packet() — TTL IPDEFTTL, from 0.0.0.0:68 to 255.255.255.255:67 */
  sendRaw(pk: DhcpPacket): void {
    const data = buildDhcp(pk, BOOTP_MIN_LEN);
    const f = buildUdpFrame(this.ifc.mac, BCAST, 0, 0xffffffff, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, data, { tos: 0, ttl: 64 });
    this.sock?.sendto(f.subarray(14), { family: 17, ifindex: this.ifc.index, protocol: ETH_P_IP, addr: BCAST });
  }

  /** udhcp_recv_raw_packet(): replies for our xid */
  drain(): DhcpPacket[] {
    const out: DhcpPacket[] = [];
    if (!this.sock) return out;
    for (let m = this.sock.recvfrom(); m; m = this.sock.recvfrom()) {
      if (m.outgoing) continue;
      // SOCK_DGRAM: the frame without its Ethernet header; re-add a dummy one for the decoder
      const f = new Uint8Array(14 + m.data.length);
      f[12] = 0x08;
      f.set(m.data, 14);
      const u = decodeUdpFrame(f, DHCP_CLIENT_PORT);
      if (!u) continue;
      const pk = parseDhcp(u.payload);
      if (!pk || pk.op !== BOOTREPLY || pk.xid !== this.xid) continue;
      out.push(pk);
    }
    return out;
  }

  /** wait up to `us` for a packet; resolves early on one */
  async wait(until: number): Promise<void> {
    const sys = this.p.sys;
    const b = sys.block();
    const t = sys.timer!(() => b.unblock(), "udhcpc");
    t.mod(until);
    this.sock?.onReadable(() => b.unblock());
    await this.park(b);
    this.sock?.onReadable(undefined);
    t.cancel();
  }

  /** poll() on the signal pipe alone (the RELEASED state: no timeout) */
  async waitSignal(): Promise<void> {
    await this.park(this.p.sys.block());
  }

  /** sleep in poll() until `b` is unblocked, a signal arrives or the process is killed */
  private async park(b: { unblock(): void; promise: Promise<void> }): Promise<void> {
    const onAbort = () => b.unblock();
    this.p.signal.addEventListener("abort", onAbort);
    this.wakeSig = () => b.unblock();
    if (!this.interrupted) await b.promise;
    this.wakeSig = undefined;
    this.p.signal.removeEventListener("abort", onAbort);
  }

  /** one exchange: send `build()` up to `retries` times, `timeout` s apart, until `want` answers */
  async exchange(build: () => DhcpPacket, announce: () => void, want: (pk: DhcpPacket) => boolean): Promise<DhcpPacket | undefined> {
    const sys = this.p.sys;
    for (let n = 0; n < this.o.retries; n++) {
      announce();
      this.sendRaw(build());
      const until = sys.now() + this.o.timeout * 1_000_000;
      while (sys.now() < until) {
        await this.wait(until);
        // SIGUSR1 while negotiating: "do not disturb"
        while (this.sigs[0] === SIGUSR1) this.sigs.shift();
        if (this.interrupted) return undefined;
        for (const pk of this.drain()) if (want(pk)) return pk;
      }
    }
    return undefined;
  }
}

async function script(p: Process, event: string, ifname: string, ack?: DhcpPacket): Promise<void> {
  const run = (argv: string[]) => p.spawn(argv, p.sys);
  if (event === "deconfig") {
    await run(["ip", "link", "set", ifname, "up"]);
    await run(["ip", "-4", "addr", "flush", "dev", ifname]);
    await run(["ip", "-4", "route", "flush", "dev", ifname]);
    return;
  }
  if ((event === "bound" || event === "renew") && ack) {
    const ip = ipv4ToString(ack.yiaddr);
    const subnet = getU32(ack, OPTION_NETMASK);
    const bcast = getU32(ack, OPTION_BROADCAST);
    await run(["ifconfig", ifname, ip, ...(subnet !== undefined ? ["netmask", ipv4ToString(subnet)] : []), ...(bcast !== undefined ? ["broadcast", ipv4ToString(bcast)] : [])]);
    const routers = getAddrs(ack, OPTION_ROUTER);
    const router = routers.length ? ipv4ToString(routers[0]!) : "";
    // crouter: the current default route's gateway on this interface
    const ifc = ifaceByName(p.sys, ifname);
    let crouter = "";
    if (ifc) {
      const routes = p.sys.rtnl.dump({ type: "RTM_GETROUTE", flags: {}, rtm: { family: AF_INET } as RouteMsg["rtm"], attrs: {} }) as RouteMsg[];
      for (const r of routes) {
        if (r.rtm.dst_len === 0 && r.attrs.RTA_OIF === ifc.index && r.attrs.RTA_GATEWAY !== undefined && (r.attrs.RTA_TABLE ?? r.rtm.table) === 254) {
          crouter = ipv4ToString(typeof r.attrs.RTA_GATEWAY === "number" ? r.attrs.RTA_GATEWAY : readU32(r.attrs.RTA_GATEWAY as Uint8Array, 0));
          break;
        }
      }
    }
    if (router !== crouter && crouter) await run(["ip", "-4", "route", "del", "default", "via", crouter, "dev", ifname]);
    if (router && router !== crouter) {
      const onlink = subnet === 0xffffffff ? ["onlink"] : [];
      await run(["ip", "-4", "route", "add", "default", "via", router, "dev", ifname, ...onlink]);
    }
    const domain = getStr(ack, OPTION_DOMAINNAME);
    let r = domain ? `domain ${domain}` : "";
    for (const d of getAddrs(ack, OPTION_DNSSERVER)) r += `\nnameserver ${ipv4ToString(d)}`;
    await p.writeFile("/etc/resolv.conf", r + "\n");
  }
}

export async function udhcpc(p: Process): Promise<number> {
  const o: Opts = {
    iface: "eth0", quit: false, failNoLease: false, retries: 3, timeout: 3, tryagain: 20, requested: undefined,
    noClientId: false, release: false, broadcast: false, hostname: undefined, vendor: `udhcp ${VERSION}`,
  };
  // busybox passes "udhcpc" as argv[0] also for `busybox udhcpc`
  const args = p.argv.slice(1);
  const withArg = new Set(["i", "t", "T", "A", "s", "p", "r", "x", "O", "V", "F", "H", "h", "P", "c"]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--help") {
      // busybox: --help prints the usage to stderr and exits 0
      p.stderr.write(USAGE);
      return 0;
    }
    if (!a.startsWith("-") || a === "-") return usage(p);
    if (a.startsWith("--")) {
      const [name, val] = a.slice(2).split("=", 2);
      const map: Record<string, string> = { interface: "i", now: "n", quit: "q", foreground: "f", background: "b", retries: "t", timeout: "T", tryagain: "A", script: "s", pidfile: "p", request: "r", "release": "R", "clientid-none": "C", "broadcast": "B", "vendorclass": "V", hostname: "H" };
      const c = map[name!];
      if (!c) return usage(p, `unrecognized option '${a}'`);
      const v = withArg.has(c) ? (val ?? args[++i]) : undefined;
      if (withArg.has(c) && v === undefined) return usage(p);
      if (!apply(o, c, v)) return usage(p);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (withArg.has(c)) {
        let v = a.slice(j + 1);
        if (!v) {
          if (i + 1 >= args.length) return usage(p);
          v = args[++i]!;
        }
        if (!apply(o, c, v)) return usage(p);
        break;
      }
      if (!apply(o, c, undefined)) return usage(p, `invalid option -- '${c}'`);
    }
  }
  const ifc = ifaceByName(p.sys, o.iface);
  if (!ifc) {
    p.stderr.write("udhcpc: SIOCGIFINDEX: No such device\n");
    return 1;
  }
  const c = new Udhcpc(p, ifc, o);
  c.catchSignals();
  c.msg(`started, v${VERSION}`);
  await script(p, "deconfig", o.iface);
  const sys = p.sys;
  /** the lease held (BOUND): what a release names */
  let bound: { ip: number; server: number } | undefined;
  /** perform_release(): a DHCPRELEASE when bound, then deconfig and the RELEASED state */
  const performRelease = async (): Promise<void> => {
    c.close();
    if (bound) {
      c.msg(`unicasting a release of ${ipv4ToString(bound.ip)} to ${ipv4ToString(bound.server)}`);
      c.msg("sending release");
      // send_release(): from the leased address to the server, through the kernel's UDP
      const pk = c.packet(DHCPRELEASE);
      pk.ciaddr = bound.ip;
      pk.options.set(OPTION_SERVER_IDENTIFIER, optU32(bound.server));
      const u = sys.socket(AF_INET, SOCK_DGRAM, 17);
      if (!isKErr(u)) {
        u.bind({ family: 2, addr: bound.ip, port: DHCP_CLIENT_PORT });
        u.sendto(buildDhcp(pk, BOOTP_MIN_LEN), { family: 2, addr: bound.server, port: DHCP_SERVER_PORT });
        u.close();
      }
    }
    c.msg("entering released state");
    await script(p, "deconfig", o.iface);
    bound = undefined;
  };
  /** the main loop's reading of the signal pipe: an exit status (TERM), "restart" (USR1 out of
   * RELEASED), or undefined to go on (USR1 when bound: renewal is not modelled) */
  /** SIGTERM: udhcpc says so, releases with -R, exits 0 */
  const onTerm = async (): Promise<number> => {
    c.msg("received SIGTERM");
    if (o.release) await performRelease();
    c.close();
    return 0;
  };
  const onSignals = async (): Promise<number | "restart" | undefined> => {
    if (p.signal.aborted) return 0;
    for (let sig = c.takeSignal(); sig !== undefined; sig = c.takeSignal()) {
      if (sig === SIGTERM) return onTerm();
      if (sig !== SIGUSR2) continue;
      await performRelease();
      // RELEASED: nothing more is sent until a signal
      for (;;) {
        await c.waitSignal();
        if (p.signal.aborted) return 0;
        const next = c.takeSignal();
        if (next === SIGUSR1) return "restart";
        if (next === SIGUSR2) await performRelease();
        if (next === SIGTERM) return onTerm();
      }
    }
    return undefined;
  };
  // the fallback-free client: a UDP socket on :68 is what LISTEN_KERNEL uses once bound; the
  // raw socket sees the replies before the address exists
  for (;;) {
    if (!c.sock) c.open();
    c.xid = sys.random32() >>> 0;
    const offer = await c.exchange(
      () => {
        const pk = c.packet(DHCPDISCOVER);
        if (o.requested !== undefined) pk.options.set(OPTION_REQUESTED_IP, optU32(o.requested));
        return pk;
      },
      () => c.msg("broadcasting discover"),
      (pk) => msgType(pk) === DHCPOFFER,
    );
    if (c.interrupted) {
      const r = await onSignals();
      c.close();
      if (r === "restart") continue;
      return r ?? 0;
    }
    if (!offer) {
      await script(p, "leasefail", o.iface);
      if (o.failNoLease) {
        c.msg("no lease, failing");
        c.close();
        return 1;
      }
      // tryagain
      await c.wait(sys.now() + o.tryagain * 1_000_000);
      if (c.interrupted) {
        const r = await onSignals();
        if (r === "restart") continue;
        c.close();
        return r ?? 0;
      }
      continue;
    }
    const server = getU32(offer, OPTION_SERVER_IDENTIFIER) ?? 0;
    const req = offer.yiaddr;
    let nak = false;
    const ack = await c.exchange(
      () => {
        const pk = c.packet(DHCPREQUEST);
        pk.options.set(OPTION_REQUESTED_IP, optU32(req));
        pk.options.set(OPTION_SERVER_IDENTIFIER, optU32(server));
        return pk;
      },
      () => c.msg(`broadcasting select for ${ipv4ToString(req)}, server ${ipv4ToString(server)}`),
      (pk) => {
        const t = msgType(pk);
        if (t === DHCPNAK) nak = true;
        return t === DHCPACK || t === DHCPNAK;
      },
    );
    if (c.interrupted) {
      const r = await onSignals();
      c.close();
      if (r === "restart") continue;
      return r ?? 0;
    }
    if (!ack) continue;
    if (nak) {
      c.msg("received DHCP NAK");
      await script(p, "nak", o.iface);
      await sys.sleep(3_000_000);
      continue;
    }
    const lt = getU32(ack, OPTION_LEASE_TIME) ?? 3600;
    const sid = getU32(ack, OPTION_SERVER_IDENTIFIER) ?? server;
    c.msg(`lease of ${ipv4ToString(ack.yiaddr)} obtained from ${ipv4ToString(sid)}, lease time ${lt}`);
    await script(p, "bound", o.iface, ack);
    if (o.quit) {
      // -q: exit with the lease (ret0 comes before the BOUND state: -R sends no DHCPRELEASE,
      // it deconfigures)
      if (o.release) await performRelease();
      c.close();
      return 0;
    }
    bound = { ip: ack.yiaddr, server: sid };
    // foreground: keep the lease until signalled (renewal is beyond a lab's horizon)
    c.close();
    for (;;) {
      await c.waitSignal();
      const r = await onSignals();
      if (r === "restart") break;
      if (r !== undefined) return r;
    }
  }
}

function apply(o: Opts, c: string, v: string | undefined): boolean {
  switch (c) {
    case "i": o.iface = v!; return true;
    case "n": o.failNoLease = true; return true;
    case "q": o.quit = true; return true;
    case "f": case "b": case "S": case "v": case "a": return true;
    case "R": o.release = true; return true;
    case "B": o.broadcast = true; return true;
    case "C": o.noClientId = true; return true;
    case "t": o.retries = Number(v) || 0; return true;
    case "T": o.timeout = Number(v) || 3; return true;
    case "A": o.tryagain = Number(v) || 20; return true;
    case "r": {
      const parts = v!.split(".").map(Number);
      if (parts.length !== 4 || parts.some((x) => !(x >= 0 && x <= 255))) return false;
      o.requested = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
      return true;
    }
    case "x": {
      const m = /^hostname:(.*)$/.exec(v!);
      if (m) o.hostname = m[1];
      return true;
    }
    case "H": case "h": o.hostname = v; return true;
    case "V": o.vendor = v!; return true;
    case "s": case "p": case "O": case "F": case "P": case "c": return true;
    default: return false;
  }
}

export async function busybox(p: Process): Promise<number> {
  const applet = p.argv[1];
  if (applet === "udhcpc") return udhcpc({ ...p, argv: p.argv.slice(1) });
  p.stderr.write(`${applet ?? ""}: applet not found\n`);
  return 127;
}
