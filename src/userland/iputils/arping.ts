/**
 * arping 2.23 (Thomas Habets) src/arping.c — the arping the lab machines run (Debian's `arping`
 * package): IP ping mode (ARP requests on a packet socket, replies matched as pingip_recv()
 * does) and MAC ping mode (an ICMP echo to 255.255.255.255 or -T's address sent to the MAC,
 * replies matched as pingmac_recv() does), Timeout lines, the statistics block and the exit
 * status (main, is_mac_addr, get_mac_addr, pingip_send/recv, pingmac_send/recv, ping_recv,
 * wait_time, ts2str, arping_lookupdev).
 *
 * Kernel contract used: socket(AF_PACKET, SOCK_RAW, ETH_P_ARP) (protocol in host order),
 * bind({family: 17, ifindex, protocol: 0x0806}), sendto(whole Ethernet frame, {family: 17,
 * ifindex, protocol: 0x0806, addr: destination MAC}); recvfrom() yields whole frames with
 * `stamp` (µs) and `outgoing` for our own transmissions.
 */
import type { Process } from "../process.ts";
import type { Socket } from "../../kernel/uapi/socket.ts";
import { SOCK_RAW } from "../../kernel/uapi/socket.ts";
import type { AddrMsg, LinkMsg, RouteMsg } from "../../kernel/uapi/rtnetlink.ts";
import { AF_INET, AF_UNSPEC } from "../../kernel/uapi/rtnetlink.ts";
import { IFF_LOOPBACK, IFF_POINTOPOINT, IFF_UP } from "../../kernel/uapi/if.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import { sprintf } from "../lib/printf.ts";
import { StdioOut } from "../lib/stdio.ts";
import { gethostbyname, getopt, inetAton, ntoa, procTimer } from "./common.ts";
import { macEqual, macToString, readU32, writeU16, writeU32 } from "../../wire/addr.ts";
import { ipComputeCsum } from "../../wire/checksum.ts";

const VERSION = "2.23";
const AF_PACKET = 17;
const ETH_P_ARP = 0x0806;
const ETH_P_ALL = 0x0003;
const ETH_ALEN = 6;
const ARPOP_REQUEST = 1;
const ARPOP_REPLY = 2;
const ETHXMAS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
const ETHNULL = new Uint8Array(6);

const enum Display {
  NORMAL,
  QUIET,
  RAW,
  RRAW,
  RAWRAW,
  DOT,
}

class Exit2 extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

interface Iface {
  name: string;
  index: number;
  flags: number;
  mac: Uint8Array;
  /** first IPv4 address (host order), or undefined */
  ip: number | undefined;
}

/**
 * sscanf() of one format of %x, %2x and literal characters: the values, or undefined when
 * fewer than six convert (what follows the sixth is not looked at). %x skips white space,
 * takes a sign and a 0x prefix, and needs one hex digit; a width counts all of those.
 */
function scanHex6(s: string, fmt: string): number[] | undefined {
  const out: number[] = [];
  let i = 0;
  for (let f = 0; f < fmt.length && out.length < 6; ) {
    if (fmt[f] !== "%") {
      if (s[i] !== fmt[f]) return undefined;
      i++;
      f++;
      continue;
    }
    let width = Infinity;
    f++;
    if (/[0-9]/.test(fmt[f]!)) width = Number(fmt[f++]);
    f++; // the 'x'
    while (s[i] === " " || s[i] === "\t" || s[i] === "\n") i++;
    const start = i;
    let neg = false;
    if ((s[i] === "+" || s[i] === "-") && i - start < width) neg = s[i++] === "-";
    if (s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X") && /[0-9a-fA-F]/.test(s[i + 2] ?? "") && i + 2 - start < width) i += 2;
    let v = 0;
    let digits = 0;
    while (i < s.length && i - start < width && /[0-9a-fA-F]/.test(s[i]!)) {
      v = (v * 16 + parseInt(s[i]!, 16)) % 0x100000000;
      i++;
      digits++;
    }
    if (!digits) return undefined;
    out.push(neg ? (0x100000000 - v) % 0x100000000 : v);
  }
  return out.length === 6 ? out : undefined;
}

/** get_mac_addr(): the first of "%x:%x:%x:%x:%x:%x", "%2x%x.%2x%x.%2x%x", "%x-%x-%x-%x-%x-%x"
 * that converts six numbers, each taken & 0xff */
function parseMac(s: string): Uint8Array | undefined {
  for (const fmt of ["%x:%x:%x:%x:%x:%x", "%2x%x.%2x%x.%2x%x", "%x-%x-%x-%x-%x-%x"]) {
    const n = scanHex6(s, fmt);
    if (n) return Uint8Array.from(n, (x) => x & 0xff);
  }
  return undefined;
}

/** is_mac_addr(): cisco style (xxxx.xxxx.xxxx), windows style (xx-xx-xx-xx-xx-xx), or any
 * word with a colon in it */
function isMacAddr(s: string): boolean {
  const hex = (c: string) => /[0-9a-fA-F]/.test(c);
  if (s.length === 14 && [...s].every((c, i) => (i % 5 === 4 ? c === "." : hex(c)))) return true;
  if (s.length === 17 && [...s].every((c, i) => (i % 3 === 2 ? c === "-" : hex(c)))) return true;
  return s.includes(":");
}

/** ts2str() */
function ts2str(deltaUs: number): string {
  let f = deltaUs * 1000;
  let exp = 0;
  while (f > 1000) {
    exp += 3;
    f /= 1000;
  }
  switch (exp) {
    case 0:
      return sprintf("%.3f nsec", f);
    case 3:
      return sprintf("%.3f usec", f);
    case 6:
      return sprintf("%.3f msec", f);
    case 9:
      return sprintf("%.3f sec", f);
    case 12:
      return sprintf("%.3f sec", f * 1000);
  }
  return sprintf("%.3fe%d sec", f, exp - 9);
}

function fmt3(v: number): string {
  return Number.isNaN(v) ? "-nan" : sprintf("%.3f", v);
}

class Arping extends StdioOut {
  display = Display.NORMAL;
  verbose = 0;
  beep = false;
  reverseBeep = false;
  addrMustBeSame = false;
  promisc = false;
  sendReply = false;
  unsolicited = false;
  alsototal = false;
  finddup = false;
  maxcount = -1;
  maxReplies = 0xffffffff;
  deadline = -1;
  packetwait = 1000000;
  srcip = 0;
  dstip = 0xffffffff;
  srcmac: Uint8Array = new Uint8Array(6);
  dstmac: Uint8Array = ETHXMAS.slice();
  numsent = 0;
  numrecvd = 0;
  dupfound = false;
  lastreplymac: Uint8Array = new Uint8Array(6);
  lastpacketsent = 0;
  statsMin = -1;
  statsMax = 0;
  statsTotal = 0;
  statsTotalSq = 0;
  timeToDie = false;
  /** the pcap handler ping_recv() dispatches to */
  recv: (pkt: Uint8Array, arrival: number) => void = (pkt, arrival) => this.pingipRecv(pkt, arrival);
  /** payload_suffix: 4 random bytes after the timestamp of a MAC ping's payload */
  payloadSuffix = new Uint8Array(4);
  iface!: Iface;
  sock!: Socket;

  exit(code: number): never {
    throw new Exit2(code);
  }

  /** standard_usage() + usage() */
  usage(ret: number): never {
    this.printf(
      `ARPing ${VERSION}, by Thomas Habets <thomas@habets.se>\n` +
        "usage: arping [ -0aAbdDeFpPqrRuUvzZ ] [ -w <sec> ] [ -W <sec> ] [ -S <host/ip> ]\n" +
        "              [ -T <host/ip ] [ -s <MAC> ] [ -t <MAC> ] [ -c <count> ]\n" +
        "              [ -C <count> ] [ -i <interface> ] [ -m <type> ] [ -g <group> ]\n" +
        "              [ -V <vlan> ] [ -Q <priority> ] <host/ip/MAC | -B>\n" +
        "For complete usage info, use --help or check the manpage.\n",
    );
    this.exit(ret);
  }

  // ------------------------------------------------------------------ the machine

  links(): LinkMsg[] {
    return this.p.sys.rtnl.dump({
      type: "RTM_GETLINK",
      flags: {},
      ifi: { family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 },
      attrs: {},
    }) as LinkMsg[];
  }

  addrs(): AddrMsg[] {
    return this.p.sys.rtnl.dump({
      type: "RTM_GETADDR",
      flags: {},
      ifa: { family: AF_INET, prefixlen: 0, flags: 0, scope: 0, index: 0 },
      attrs: {},
    }) as AddrMsg[];
  }

  static be32(a: Uint8Array | undefined): number {
    if (!a || a.length < 4) return 0;
    return ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
  }

  /** libnet_init() on a named device: its MAC and first IPv4 address */
  getIface(name: string): Iface | undefined {
    const l = this.links().find((x) => x.attrs.IFLA_IFNAME === name);
    if (!l) return undefined;
    const a = this.addrs().find((x) => x.ifa.index === l.ifi.index);
    return {
      name,
      index: l.ifi.index,
      flags: l.ifi.flags,
      mac: l.attrs.IFLA_ADDRESS ?? new Uint8Array(6),
      ip: a ? Arping.be32(a.attrs.IFA_LOCAL ?? a.attrs.IFA_ADDRESS) : undefined,
    };
  }

  /**
   * libnet 1.1.6 libnet_select_device(): a name that starts with a digit is an address: the
   * up interface (libnet_ifaddrlist()) so named or holding it; any other name must be an up
   * interface (libnet_check_iface()). The device libnet uses, or its error text.
   */
  libnetSelectDevice(name: string): string | { error: string } {
    if (!/^[0-9]/.test(name)) {
      const ifc = this.getIface(name);
      if (!ifc) return { error: "libnet_check_iface() ioctl: No such device" };
      if (!(ifc.flags & IFF_UP)) return { error: `libnet_check_iface(): ${name} is down` };
      return name;
    }
    // libnet_name2addr4(LIBNET_DONT_RESOLVE): a dotted quad, else -1
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(name);
    const addr = m && m.slice(1).every((x) => Number(x) <= 255) ? m.slice(1).reduce((a, x) => a * 256 + Number(x), 0) : 0xffffffff;
    for (const l of this.links()) {
      if (!(l.ifi.flags & IFF_UP)) continue;
      const a = this.addrs().find((x) => x.ifa.index === l.ifi.index);
      const ip = a ? Arping.be32(a.attrs.IFA_LOCAL ?? a.attrs.IFA_ADDRESS) : 0;
      if (l.attrs.IFLA_IFNAME === name || ip === addr) return String(l.attrs.IFLA_IFNAME);
    }
    return { error: `libnet_select_device(): can't find interface for IP ${name}` };
  }

  /** do_libnet_init(ifname): libnet opened on the interface named with -i/-I, before any name
   * is resolved through it (a bad name ends arping there). Without a name libnet picks its
   * own device, which this model does only once the interface is known. */
  libnetInitNamed(ifname: string | undefined): void {
    if (ifname === undefined) return;
    const d = this.libnetSelectDevice(ifname);
    if (typeof d !== "string") {
      this.err(`arping: libnet_init(LIBNET_LINK, ${ifname}): ${d.error}\n`);
      this.exit(1);
    }
  }

  /** findif_getifaddrs.c: arping_lookupdev() — the up, non-loopback interface on dstip's subnet with the longest mask */
  lookupdev(dstip: number): string | undefined {
    const links = new Map(this.links().map((l) => [l.ifi.index, l]));
    let best: string | undefined;
    let bestMask = 0;
    let matches = 0;
    for (const a of this.addrs()) {
      const l = links.get(a.ifa.index);
      if (!l || !(l.ifi.flags & IFF_UP) || l.ifi.flags & (IFF_LOOPBACK | IFF_POINTOPOINT)) continue;
      const addr = Arping.be32(a.attrs.IFA_LOCAL ?? a.attrs.IFA_ADDRESS);
      const mask = a.ifa.prefixlen === 0 ? 0 : (~0 << (32 - a.ifa.prefixlen)) >>> 0;
      if (((addr & mask) >>> 0) !== ((dstip & mask) >>> 0)) continue;
      matches++;
      if (mask > bestMask) {
        best = l.attrs.IFLA_IFNAME;
        bestMask = mask;
      }
    }
    if (matches && best === undefined) best = this.lookupdevDefault();
    if (matches && this.verbose) this.printf("arping: Autodetected interface %s\n", best);
    return matches ? best : undefined;
  }

  /** arping_lookupdev_default(): pcap_lookupdev() — the first up, non-loopback device */
  lookupdevDefault(): string | undefined {
    for (const l of this.links()) if (l.ifi.flags & IFF_UP && !(l.ifi.flags & IFF_LOOPBACK)) return l.attrs.IFLA_IFNAME;
    return undefined;
  }

  /** route lookup used by arping when nothing matched (kept for -v diagnostics) */
  routeDev(dstip: number): number {
    const r = this.p.sys.rtnl.talk({
      type: "RTM_GETROUTE",
      flags: {},
      rtm: { family: AF_INET, dst_len: 32, src_len: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 },
      attrs: { RTA_DST: Uint8Array.of(dstip >>> 24, (dstip >>> 16) & 0xff, (dstip >>> 8) & 0xff, dstip & 0xff) },
    });
    return r.ack.ok && r.answer ? ((r.answer as RouteMsg).attrs.RTA_OIF ?? 0) : 0;
  }

  /** xresolve(): libnet_name2addr4(LIBNET_RESOLVE): inet_addr(), and where that says
   * INADDR_NONE (no address, or one spelled as all ones) gethostbyname(): digits and dots are
   * parsed there without a query, anything else goes to /etc/hosts, then DNS (an A query per
   * attempt). All ones is a failure, but for the string 255.255.255.255 itself. */
  async xresolve(name: string): Promise<number | undefined> {
    if (name === "255.255.255.255") return 0xffffffff;
    const a = inetAton(name);
    if (a !== undefined && a !== 0xffffffff) return a;
    const r = await gethostbyname(this.p, name);
    return r === 0xffffffff ? undefined : r;
  }

  // ------------------------------------------------------------------ packets

  /** pingip_send() */
  pingipSend(): void {
    const f = new Uint8Array(14 + 28 + 16);
    f.set(this.dstmac, 0);
    f.set(this.srcmac, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    const a = 14;
    f[a + 1] = 1; // ARPHRD_ETHER
    f[a + 2] = 0x08; // ETHERTYPE_IP
    f[a + 4] = ETH_ALEN;
    f[a + 5] = 4;
    f[a + 7] = this.sendReply ? ARPOP_REPLY : ARPOP_REQUEST;
    f.set(this.srcmac, a + 8);
    f.set([this.srcip >>> 24, (this.srcip >>> 16) & 0xff, (this.srcip >>> 8) & 0xff, this.srcip & 0xff], a + 14);
    f.set(this.unsolicited ? ETHXMAS : this.sendReply ? this.dstmac : ETHNULL, a + 18);
    f.set([this.dstip >>> 24, (this.dstip >>> 16) & 0xff, (this.dstip >>> 8) & 0xff, this.dstip & 0xff], a + 24);
    const r = this.sock.sendto(f, { family: AF_PACKET, ifindex: this.iface.index, protocol: ETH_P_ARP, addr: this.dstmac });
    if (isKErr(r)) {
      this.err(`arping: libnet_write(): libnet_write_link(): only -1 bytes written (${strerror(r.errno)})\n`);
      this.timeToDie = true;
    }
    this.lastpacketsent = this.p.sys.now();
    this.numsent++;
  }

  /** update_stats() */
  updateStats(sample: number): void {
    if (this.statsMin < 0 || sample < this.statsMin) this.statsMin = sample;
    if (sample > this.statsMax) this.statsMax = sample;
    this.statsTotal += sample;
    this.statsTotalSq += sample * sample;
  }

  /** what pingip_recv() and pingmac_recv() do first with a reply: its delay into the
   * statistics, and the bell with -a; returns the delay (ns) */
  replyArrived(arrival: number): number {
    const delta = arrival - this.lastpacketsent;
    this.updateStats(delta / 1e6);
    if (this.beep) this.printf("\x07");
    return delta;
  }

  /** pingip_recv() */
  pingipRecv(pkt: Uint8Array, arrival: number): void {
    if (pkt.length < 14 + 8 + 2 * (ETH_ALEN + 4)) return;
    const a = 14;
    const pktSrcmac = pkt.subarray(6, 12);
    if (pkt[a + 4] !== ETH_ALEN) return;
    if (pkt[a + 5] !== 4) return;
    if (((pkt[a + 6]! << 8) | pkt[a + 7]!) !== ARPOP_REPLY) return;
    if (((pkt[a + 2]! << 8) | pkt[a + 3]!) !== 0x0800) return;
    if (((pkt[a]! << 8) | pkt[a + 1]!) !== 1) return;
    if (this.addrMustBeSame && !macEqual(pkt, a + 8, this.dstmac)) return;
    if (!this.promisc && !macEqual(pkt, a + 18, this.srcmac)) return;
    const ip = ((pkt[a + 14]! << 24) | (pkt[a + 15]! << 16) | (pkt[a + 16]! << 8) | pkt[a + 17]!) >>> 0;
    if (ip !== this.dstip) return;
    const delta = this.replyArrived(arrival);
    switch (this.display) {
      case Display.DOT:
        this.printf("!");
        break;
      case Display.NORMAL:
        this.printf("%d bytes from %s (%s): index=%d", pkt.length, macToString(pktSrcmac), ntoa(ip), this.numrecvd);
        if (this.alsototal) this.printf("/%u", this.numsent - 1);
        this.printf(" time=%s", ts2str(delta));
        break;
      case Display.QUIET:
        break;
      case Display.RAWRAW:
        this.printf("%s %s", macToString(pktSrcmac), ntoa(ip));
        break;
      case Display.RRAW:
        this.printf("%s", ntoa(ip));
        break;
      case Display.RAW:
        this.printf("%s", macToString(pktSrcmac));
        break;
    }
    if (this.display !== Display.QUIET && this.display !== Display.DOT) this.printf("\n");
    this.flush();
    if (this.numrecvd && !macEqual(this.lastreplymac, 0, pktSrcmac)) this.dupfound = true;
    this.lastreplymac = pktSrcmac.slice();
    this.numrecvd++;
    if (this.numrecvd >= this.maxReplies) this.timeToDie = true;
  }

  /** pingmac_send(): an ICMP echo request to dstip (255.255.255.255 unless -T) sent to the MAC
   * address, its payload the send time and the run's random suffix */
  pingmacSend(id: number, seq: number): void {
    const sys = this.p.sys;
    const payload = 16 + this.payloadSuffix.length;
    const f = new Uint8Array(14 + 20 + 8 + payload);
    f.set(this.dstmac, 0);
    f.set(this.srcmac, 6);
    f[12] = 0x08;
    const ip = 14;
    f[ip] = 0x45;
    writeU16(f, ip + 2, 20 + 8 + payload);
    writeU16(f, ip + 4, id);
    f[ip + 8] = 64;
    f[ip + 9] = 1; // IPPROTO_ICMP
    writeU32(f, ip + 12, this.srcip);
    writeU32(f, ip + 16, this.dstip);
    writeU16(f, ip + 10, ipComputeCsum(f, ip, 20));
    const icmp = ip + 20;
    f[icmp] = 8; // ICMP_ECHO
    writeU16(f, icmp + 4, id);
    writeU16(f, icmp + 6, seq);
    // struct timespec (getclock(): CLOCK_MONOTONIC), little-endian as the machine stores it
    const now = sys.now();
    const dv = new DataView(f.buffer, icmp + 8, 16);
    dv.setBigUint64(0, BigInt(Math.floor(now / 1e6)), true);
    dv.setBigUint64(8, BigInt((now % 1e6) * 1000), true);
    f.set(this.payloadSuffix, icmp + 8 + 16);
    writeU16(f, icmp + 2, ipComputeCsum(f, icmp, 8 + payload));
    const r = this.sock.sendto(f, { family: AF_PACKET, ifindex: this.iface.index, protocol: 0x0800, addr: this.dstmac });
    if (isKErr(r)) {
      this.err(`arping: libnet_write(): libnet_write_link(): only -1 bytes written (${strerror(r.errno)})\n`);
      this.timeToDie = true;
    }
    this.lastpacketsent = sys.now();
    this.numsent++;
  }

  /** pingmac_recv(): an echo reply to us from the MAC (any MAC for ff:ff:ff:ff:ff:ff) that
   * carries our suffix */
  pingmacRecv(pkt: Uint8Array, arrival: number): void {
    // the "icmp" filter: IPv4, protocol ICMP
    if (pkt.length < 14 + 20 || pkt[12] !== 0x08 || pkt[13] !== 0x00 || pkt[14 + 9] !== 1) return;
    if (pkt.length < 14 + 8 + 4) return;
    const pktSrcmac = pkt.subarray(6, 12);
    if (!macEqual(pkt, 0, this.srcmac)) return;
    if (!macEqual(this.dstmac, 0, ETHXMAS) && !macEqual(pktSrcmac, 0, this.dstmac)) return;
    const ip = 14;
    const src = readU32(pkt, ip + 12);
    if (this.addrMustBeSame && src !== this.dstip) return;
    // (a fixed 20-byte IP header, as libnet's struct is read)
    const icmp = ip + 20;
    if (pkt[icmp] !== 0 || pkt[icmp + 1] !== 0) return;
    const payloadAt = icmp + 8;
    const payloadSize = pkt.length - payloadAt;
    if (payloadSize < 16 + this.payloadSuffix.length) return;
    for (let i = 0; i < this.payloadSuffix.length; i++) if (pkt[payloadAt + 16 + i] !== this.payloadSuffix[i]) return;
    const delta = this.replyArrived(arrival);
    switch (this.display) {
      case Display.DOT:
        this.printf("!");
        break;
      case Display.NORMAL:
        this.printf("%d bytes from %s (%s): icmp_seq=%d time=%s", pkt.length, ntoa(src), macToString(pktSrcmac), (pkt[icmp + 6]! << 8) | pkt[icmp + 7]!, ts2str(delta));
        break;
      case Display.QUIET:
        break;
      case Display.RAW:
        this.printf("%s", ntoa(src));
        break;
      case Display.RRAW:
        this.printf("%s", macToString(pktSrcmac));
        break;
      case Display.RAWRAW:
        this.printf("%s %s", macToString(pktSrcmac), ntoa(src));
        break;
    }
    this.flush();
    if (this.display !== Display.QUIET && this.display !== Display.DOT) this.printf("\n");
    this.numrecvd++;
    if (this.numrecvd >= this.maxReplies) this.timeToDie = true;
  }

  /** wait_time() */
  waitTime(): number {
    if (this.deadline < 0) return this.packetwait;
    const maxWait = this.deadline - this.p.sys.now() / 1e6;
    if (maxWait < 0) return 0;
    if (maxWait > this.packetwait / 1e6) return this.packetwait;
    return Math.trunc(maxWait * 1e6);
  }

  /** ping_recv(): dispatch replies until `packetwait` µs have passed (or -C is reached) */
  async pingRecv(packetwait: number): Promise<void> {
    const sys = this.p.sys;
    const end = sys.now() + packetwait;
    const oldReceived = this.numrecvd;
    for (;;) {
      let m = this.sock.recvfrom();
      while (m) {
        if (!m.outgoing) this.recv(m.data, m.stamp);
        if (this.timeToDie) return;
        m = this.sock.recvfrom();
      }
      const now = sys.now();
      if (now >= end) break;
      // select(): a packet or the timeout, whichever comes first
      const b = sys.block();
      let fired = false;
      const t = procTimer(sys, () => {
        fired = true;
        b.unblock();
      }, "arping");
      t.mod(end);
      this.sock.onReadable(() => b.unblock());
      await b.promise;
      this.sock.onReadable(undefined);
      t.cancel();
      if (fired) {
        let m2 = this.sock.recvfrom();
        while (m2) {
          if (!m2.outgoing) this.recv(m2.data, m2.stamp);
          if (this.timeToDie) return;
          m2 = this.sock.recvfrom();
        }
        break;
      }
      if (this.p.signal.aborted) {
        this.timeToDie = true;
        return;
      }
    }
    if (this.numrecvd === oldReceived) {
      if (this.reverseBeep) this.printf("\x07");
      if (this.display === Display.NORMAL) this.printf("Timeout\n");
      else if (this.display === Display.DOT) this.printf(".");
      this.flush();
    }
  }

  async main(argv: string[]): Promise<number> {
    for (const a of argv.slice(1)) {
      if (a === "--help") {
        this.usage(0);
      }
    }
    let srcipOpt: string | undefined;
    let dstipOpt: string | undefined;
    let dstipGiven = false;
    let optB = false;
    let optT = false;
    let optU = false;
    let srcmacOpt: string | undefined;
    let dstmacOpt: string | undefined;
    let ifname: string | undefined;
    let dontLookupdev = false;
    let mode: "NONE" | "PINGIP" | "PINGMAC" = "NONE";
    const { opts, operands } = getopt(this.p, argv.slice(1), "0aAbBC:c:dDeFg:hi:I:m:pPqQ:rRs:S:t:T:uUvV:w:W:zZ");
    for (const o of opts) {
      switch (o.opt) {
        case "0":
          srcipOpt = "0.0.0.0";
          break;
        case "a":
          this.beep = true;
          break;
        case "A":
          this.addrMustBeSame = true;
          break;
        case "b":
          srcipOpt = "255.255.255.255";
          break;
        case "B":
          dstipOpt = "255.255.255.255";
          dstipGiven = true;
          optB = true;
          break;
        case "c":
          this.maxcount = parseInt(o.arg, 10) || 0;
          break;
        case "C":
          this.maxReplies = (parseInt(o.arg, 10) || 0) >>> 0;
          break;
        case "d":
          this.finddup = true;
          break;
        case "D":
          this.display = Display.DOT;
          break;
        case "e":
          this.reverseBeep = true;
          break;
        case "F":
          dontLookupdev = true;
          break;
        case "h":
          this.usage(0);
          break;
        case "g":
        case "m":
        case "z":
        case "Z":
          break;
        case "i":
          if (o.arg.includes(":")) {
            this.err(
              "arping: If you're trying to feed me an interface alias then you don't really\n" +
                "know what this programs does, do you?\nUse -I if you really mean it (undocumented on purpose)\n",
            );
            this.exit(1);
          }
          ifname = o.arg;
          break;
        case "I":
          ifname = o.arg;
          break;
        case "p":
          this.promisc = true;
          break;
        case "P":
          this.sendReply = true;
          break;
        case "q":
          this.display = Display.QUIET;
          break;
        case "Q":
        case "V":
          this.err("arping: 802.1Q is not supported by this emulator\n");
          this.exit(1);
          break;
        case "r":
          this.display = this.display === Display.RRAW ? Display.RAWRAW : Display.RAW;
          break;
        case "R":
          this.display = this.display === Display.RAW ? Display.RAWRAW : Display.RRAW;
          break;
        case "s":
          srcmacOpt = o.arg;
          break;
        case "S":
          srcipOpt = o.arg;
          break;
        case "t":
          dstmacOpt = o.arg;
          mode = "PINGIP";
          break;
        case "T":
          optT = true;
          dstipOpt = o.arg;
          mode = "PINGMAC";
          break;
        case "u":
          this.alsototal = true;
          break;
        case "U":
          optU = true;
          this.unsolicited = true;
          mode = "PINGIP";
          break;
        case "v":
          this.verbose++;
          break;
        case "w":
          this.deadline = parseFloat(o.arg) || 0;
          break;
        case "W":
          this.packetwait = Math.trunc(1000000 * (parseFloat(o.arg) || 0)) >>> 0;
          break;
        default:
          if (o.msg) this.err(o.msg);
          this.usage(1);
      }
    }
    if (operands.length > 1) {
      this.err("arping: Too many args on command line. Expected at most one.\n");
      this.exit(1);
    }
    // payload_suffix: random bytes that tell our MAC ping's replies from other echo replies
    const rnd = this.p.sys.random32();
    this.payloadSuffix = Uint8Array.of(rnd >>> 24, (rnd >>> 16) & 0xff, (rnd >>> 8) & 0xff, rnd & 0xff);
    if ((mode === "PINGIP" && optT) || (mode === "PINGMAC" && (optB || dstmacOpt !== undefined || optU))) {
      this.err("arping: -T can only be used to ping MAC and -BtU only to ping IPs");
      this.exit(1);
    }
    if (optT && optB) {
      this.err("arping: -B can't be used with -T, since they set the same thing\n");
      this.exit(1);
    }
    if (srcmacOpt !== undefined) {
      const m = parseMac(srcmacOpt);
      if (!m) {
        this.err(`arping: Weird MAC addr ${srcmacOpt}\n`);
        this.exit(1);
      }
      this.srcmac = m;
    }
    if (dstmacOpt !== undefined) {
      const m = parseMac(dstmacOpt);
      if (!m) {
        this.err(`Illegal MAC addr ${dstmacOpt}\n`);
        this.exit(1);
      }
      this.dstmac = m;
    }
    if (srcipOpt !== undefined) {
      this.libnetInitNamed(ifname);
      const a = srcipOpt === "255.255.255.255" ? 0xffffffff : await this.xresolve(srcipOpt);
      if (a === undefined) {
        this.err(`arping: Can't resolve ${srcipOpt}, or ${srcipOpt} is broadcast. If it is, use -b instead of -S\n`);
        this.exit(1);
      }
      this.srcip = a;
    }
    if (dstipOpt !== undefined) {
      this.libnetInitNamed(ifname);
      const a = await this.xresolve(dstipOpt);
      if (a === undefined) {
        this.err(`arping: Can't resolve ${dstipOpt}, or ${dstipOpt} is broadcast. If it is, use -B instead of -T\n`);
        this.exit(1);
      }
      this.dstip = a;
    }
    if (this.finddup && this.maxcount === -1) this.maxcount = 3;
    let parm = operands[0];
    if (this.finddup && parm === undefined) {
      dstipGiven = true;
      const ifc = ifname !== undefined ? this.getIface(ifname) : undefined;
      this.dstip = ifc?.ip ?? 0xffffffff;
      if (this.verbose) this.printf("defaulting to checking dup for %s\n", ntoa(this.dstip));
    }
    if (mode === "NONE") {
      if (parm !== undefined) mode = isMacAddr(parm) ? "PINGMAC" : "PINGIP";
      else if (dstipGiven) {
        mode = "PINGIP";
        parm = ntoa(this.dstip);
      }
    }
    if (parm === undefined) this.usage(1);
    // libnet init (may be done already for resolving)
    this.libnetInitNamed(ifname);
    if (mode === "PINGIP" && !dstipGiven) {
      if (isMacAddr(parm)) {
        this.err("arping: Options given only apply to IP ping, but MAC address given as argument\n");
        this.exit(1);
      }
      const a = await this.xresolve(parm);
      if (a === undefined) {
        this.err(`arping: Can't resolve ${parm}\n`);
        this.exit(1);
      }
      this.dstip = a;
      parm = ntoa(a);
    }
    if (mode === "PINGMAC") {
      if (operands.length !== 1) this.usage(1);
      if (!isMacAddr(parm)) {
        this.err("arping: Options given only apply to MAC ping, but no MAC address given as argument\n");
        this.exit(1);
      }
      const m = parseMac(operands[0]!);
      if (!m) {
        this.err(`arping: Illegal mac addr ${operands[0]}\n`);
        this.exit(1);
      }
      this.dstmac = m;
    }
    const target = parm;
    if (ifname === undefined) {
      if (!dontLookupdev) ifname = this.lookupdev(this.dstip);
      if (ifname === undefined) {
        ifname = this.lookupdevDefault();
        if (ifname !== undefined && !dontLookupdev) {
          this.err(
            "arping: Unable to automatically find interface to use. Is it on the local LAN?\n" +
              `arping: Use -i to manually specify interface. Guessing interface ${ifname}.\n`,
          );
        }
      }
      if (ifname === undefined) {
        this.err("arping: Gave up looking for interface to use: No matching interface found using getifaddrs().\n");
        this.exit(1);
      }
      if (ifname === "ipsec" || ifname === "lo") {
        this.err(`arping: Um.. ${ifname} looks like the wrong interface to use. Is it? (-i switch)\n`);
        this.err("arping: using it anyway this time\n");
      }
    }
    // do_libnet_init(): libnet_init(LIBNET_LINK, ifname) -> libnet_select_device()
    const libnetDev = this.libnetSelectDevice(ifname);
    if (typeof libnetDev !== "string") {
      this.err(`arping: libnet_init(LIBNET_LINK, ${ifname}): ${libnetDev.error}\n`);
      this.exit(1);
    }
    const ifc = this.getIface(libnetDev)!;
    // do_pcap_open_live() opens the name as given (libnet may have found another by address)
    if (!this.getIface(ifname)) {
      this.err("arping: pcap_open_live(): pcap_activate(): No such device exists\n");
      this.exit(1);
    }
    this.iface = ifc;
    // pcap's socket takes every protocol; its filter ("arp", or "icmp" for a MAC ping) is
    // the check each receive handler starts with
    const proto = mode === "PINGMAC" ? ETH_P_ALL : ETH_P_ARP;
    const s = this.p.sys.socket(AF_PACKET, SOCK_RAW, proto);
    if (isKErr(s)) {
      this.err(`arping: pcap_open_live(): ${ifname}: socket: ${strerror(s.errno)}\n`);
      this.exit(1);
    }
    this.sock = s;
    const be = s.bind({ family: AF_PACKET, ifindex: ifc.index, protocol: proto });
    if (be) {
      this.err(`arping: pcap_open_live(): ${ifname}: ${strerror(be.errno)}\n`);
      s.close();
      this.exit(1);
    }
    try {
      if (srcmacOpt === undefined) this.srcmac = ifc.mac.slice(0, 6);
      if (srcipOpt === undefined) {
        if (ifc.ip === undefined) {
          this.err(
            `arping: Unable to get the IPv4 address of interface ${ifname}:\n` +
              `arping: libnet_get_ipaddr4(): ioctl(): Cannot assign requested address\narping: Use -S to specify address manually.\n`,
          );
          this.exit(1);
        }
        this.srcip = ifc.ip;
      }
      if (this.verbose)
        this.printf("This box:   Interface: %s  IP: %s   MAC address: %s\n", ifname, ntoa(ifc.ip ?? 0xffffffff), macToString(this.srcmac));
      if (this.display === Display.NORMAL) this.printf("ARPING %s\n", parm);
      this.flush();
      if (this.deadline > 0) this.deadline += this.p.sys.now() / 1e6;
      if (mode === "PINGMAC") this.recv = (pkt, arrival) => this.pingmacRecv(pkt, arrival);
      for (let c = 0; (this.maxcount < 0 || c < this.maxcount) && !this.timeToDie; c++) {
        if (mode === "PINGMAC") this.pingmacSend(this.p.sys.random32() & 0xffff, c & 0xffff);
        else this.pingipSend();
        const w = this.waitTime();
        if (w === 0) break;
        await this.pingRecv(w);
        if (this.p.signal.aborted) this.timeToDie = true;
      }
    } finally {
      s.close();
    }
    const succ = 100.0 - (100.0 * this.numrecvd) / this.numsent;
    if (this.display === Display.DOT) {
      this.printf("\t%3.0f%% packet loss (%d extra)\n", succ < 0 ? 0 : succ, succ < 0 ? this.numrecvd - this.numsent : 0);
    } else if (this.display === Display.NORMAL) {
      this.printf(
        "\n--- %s statistics ---\n%d packets transmitted, %d packets received, %3.0f%% unanswered (%d extra)\n",
        target, this.numsent, this.numrecvd, succ < 0 ? 0 : succ, succ < 0 ? this.numrecvd - this.numsent : 0,
      );
      if (this.numrecvd) {
        const avg = this.statsTotal / this.numrecvd;
        const sd = Math.sqrt(this.statsTotalSq / this.numrecvd - avg * avg);
        this.printf("rtt min/avg/max/std-dev = %s/%s/%s/%s ms", fmt3(1000 * this.statsMin), fmt3(1000 * avg), fmt3(1000 * this.statsMax), fmt3(1000 * sd));
      }
      this.printf("\n");
    }
    return this.finddup ? (this.dupfound ? 1 : 0) : this.numrecvd ? 0 : 1;
  }
}

/** the `arping` command */
export async function arping(p: Process): Promise<number> {
  const a = new Arping(p);
  let code: number;
  try {
    code = await a.main(p.argv);
  } catch (e) {
    if (!(e instanceof Exit2)) throw e;
    code = e.code;
  }
  a.flush();
  return code & 0xff;
}
