/**
 * tcpdump 4.99.3 printers (netdissect): print.c (pretty_print_packet, ts_format),
 * print-ether.c (ether_common_print, ethertype_print), print-arp.c (arp_print),
 * print-ip.c (ip_print), print-ip-demux.c, print-icmp.c (icmp_print), print-udp.c
 * (udp_print, udpipaddr_print), print-tcp.c (tcp_print: the flags line), print-ip6.c /
 * print-icmp6.c (the one-liners: NS/NA/RS/RA/MLD, echo), print-sll.c (LINUX_SLL2 for -i any),
 * addrtoname.c (ipaddr_string, etheraddr_string, udpport_string/tcpport_string).
 *
 * Reads past the captured bytes end the packet's line with " [|proto]" (nd_print_trunc), as
 * the GET_* macros' longjmp does.
 */
import { sprintf } from "../lib/printf.ts";
import { domainPrint, MULTICASTDNS_PORT, NAMESERVER_PORT } from "./print-domain.ts";
import { grePrint } from "./print-gre.ts";
import { igmpPrint } from "./print-igmp.ts";
import { otvPrint, vxlanPrint, OTV_PORT, VXLAN_PORT } from "./print-vxlan.ts";

export interface Ndo {
  eflag: number;
  vflag: number;
  qflag: number;
  nflag: number;
  /** -K: don't verify checksums */
  Kflag: boolean;
  /** -S: absolute TCP sequence numbers */
  Sflag?: boolean;
  /** print-tcp.c's tcp_seq_hash: the first seq/ack of each conversation (relative numbers) */
  tcpSeqHash?: Map<string, { seq: number; ack: number }>;
  /** -x / -xx, -X / -XX, -A: the packet's bytes after the line */
  xflag?: number;
  Xflag?: number;
  Aflag?: boolean;
  /** host address -> name (/etc/hosts), used without -n */
  hostName(addr: number): string | undefined;
  /** port -> service name (/etc/services), used without -n */
  servName(proto: "tcp" | "udp", port: number): string | undefined;
}

export class Trunc extends Error {}

/** the packet being printed: bytes, the end of the captured data, output */
export class Ctx {
  out = "";
  protocol = "";
  /** ndo_ll_hdr_len: the link-layer header the hex dumps skip */
  llHdrLen = 0;
  /** stack of snapends (nd_push_snaplen) */
  snapend: number;
  constructor(
    readonly ndo: Ndo,
    readonly b: Uint8Array,
  ) {
    this.snapend = b.length;
  }
  print(s: string): void {
    this.out += s;
  }
  check(off: number, len: number): void {
    if (off < 0 || off + len > this.snapend) throw new Trunc();
  }
  u8(off: number): number {
    this.check(off, 1);
    return this.b[off]!;
  }
  u16(off: number): number {
    this.check(off, 2);
    return (this.b[off]! << 8) | this.b[off + 1]!;
  }
  u32(off: number): number {
    this.check(off, 4);
    return ((this.b[off]! << 24) | (this.b[off + 1]! << 16) | (this.b[off + 2]! << 8) | this.b[off + 3]!) >>> 0;
  }
  ttest(off: number, len: number): boolean {
    return off >= 0 && off + len <= this.snapend;
  }
  /** GET_IPADDR_STRING */
  ipaddr(off: number): string {
    const a = this.u32(off);
    if (!this.ndo.nflag) {
      const n = this.ndo.hostName(a);
      if (n) return n;
    }
    return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
  }
  /** GET_ETHERADDR_STRING */
  etheraddr(off: number): string {
    this.check(off, 6);
    const s = Array.from(this.b.subarray(off, off + 6), (x) => x.toString(16).padStart(2, "0")).join(":");
    if (this.ndo.nflag) return s;
    // init_etherarray(): the hardwired names of etherlist[] (without -n)
    if (s === "ff:ff:ff:ff:ff:ff") return "Broadcast";
    const oui = (this.b[off]! << 16) | (this.b[off + 1]! << 8) | this.b[off + 2]!;
    return `${s} (oui ${OUI[oui] ?? "Unknown"})`;
  }
  /** linkaddr_string for non-6-byte addresses */
  linkaddr(off: number, len: number): string {
    if (len === 6) return this.etheraddr(off);
    this.check(off, len);
    return Array.from(this.b.subarray(off, off + len), (x) => x.toString(16).padStart(2, "0")).join(":");
  }
  ip6addr(off: number): string {
    this.check(off, 16);
    return ip6ntop(this.b.subarray(off, off + 16));
  }
  port(proto: "tcp" | "udp", p: number): string {
    if (!this.ndo.nflag) {
      const n = this.ndo.servName(proto, p);
      if (n) return n;
    }
    return String(p);
  }
}

const OUI: Record<number, string> = { 0x000000: "Ethernet", 0x00000c: "Cisco", 0x0000f8: "Cisco", 0x00e02b: "Extreme", 0x080007: "Apple", 0x00a0c5: "Zyxel" };

export function ip6ntop(a: Uint8Array): string {
  const w: number[] = [];
  for (let i = 0; i < 16; i += 2) w.push((a[i]! << 8) | a[i + 1]!);
  // IPv4-mapped / compatible forms are not needed here
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (x: number) => x.toString(16);
  if (bestStart < 0) return w.map(hex).join(":");
  const head = w.slice(0, bestStart).map(hex).join(":");
  const tail = w.slice(bestStart + bestLen).map(hex).join(":");
  return `${head}::${tail}`;
}

export function inCksum(b: Uint8Array, off: number, len: number, init = 0): number {
  let sum = init;
  let i = off;
  const end = off + len;
  for (; i + 1 < end; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < end) sum += b[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** in_cksum_shouldbe() */
function cksumShouldbe(sum: number, computed: number): number {
  let s = ~sum & 0xffff;
  s += ~computed & 0xffff;
  s = (s >>> 16) + (s & 0xffff);
  s += s >>> 16;
  return ~s & 0xffff;
}

// ------------------------------------------------------------------------- tables

/** print-ether.c: ethertype_values[] (the first name of a value wins, as tok2str finds it) */
export const ETHERTYPES: Record<number, string> = {
  0x0800: "IPv4", 0x8847: "MPLS unicast", 0x8848: "MPLS multicast", 0x86dd: "IPv6", 0x8100: "802.1Q",
  0x9100: "802.1Q-9100", 0x88a8: "802.1Q-QinQ", 0x9200: "802.1Q-9200", 0x88e5: "802.1AE MACsec",
  0x0200: "PUP", 0x0806: "ARP", 0x8035: "Reverse ARP", 0x0600: "NS", 0x0500: "Sprite", 0x1000: "Trail",
  0x6001: "MOP DL", 0x6002: "MOP RC", 0x6003: "DN", 0x6004: "LAT", 0x6007: "SCA", 0x6558: "TEB",
  0x8038: "Lanbridge", 0x803c: "DEC DNS", 0x803e: "DEC DTS", 0x805b: "VEXP", 0x805c: "VPROD",
  0x809b: "Appletalk", 0x80f3: "Appletalk ARP", 0x8137: "IPX", 0x880b: "PPP", 0x8808: "MPCP",
  0x8809: "Slow Protocols", 0x8863: "PPPoE D", 0x8864: "PPPoE S", 0x888e: "EAPOL", 0x8899: "Realtek protocols",
  0x886f: "MS NLB heartbeat", 0x8870: "Jumbo", 0x894f: "NSH", 0x9000: "Loopback", 0xfefe: "OSI",
  0x00fe: "GRE-OSI", 0xabcd: "CFM (old)", 0x8902: "CFM", 0x893a: "IEEE1905.1", 0x88cc: "LLDP", 0x88ca: "TIPC",
  0x0707: "GeoNet (old)", 0x8947: "GeoNet", 0x1111: "CALM FAST", 0x88a2: "AoE", 0x88f7: "PTP",
  0xd28b: "Arista Vendor Specific Protocol",
};

const IPPROTO: Record<number, string> = {
  0: "Options", 1: "ICMP", 2: "IGMP", 4: "IPIP", 6: "TCP", 17: "UDP", 41: "IPv6", 43: "Routing", 44: "frag",
  47: "GRE", 50: "ESP", 51: "AH", 58: "ICMPv6", 59: "NONE", 60: "DSTOPTS", 89: "OSPF", 103: "PIM",
  112: "VRRP", 132: "SCTP", 33: "DCCP", 115: "L2TP",
};

/** netdb_protoname(): /etc/protocols names (lower case) for the fragment / unknown lines */
const PROTONAMES: Record<number, string> = {
  0: "ip", 1: "icmp", 2: "igmp", 4: "ipencap", 6: "tcp", 17: "udp", 41: "ipv6", 47: "gre", 50: "esp", 51: "ah",
  58: "ipv6-icmp", 89: "ospf", 103: "pim", 112: "vrrp", 132: "sctp",
};

const ICMP2STR: Record<number, string> = {
  0: "echo reply",
  3: "unreachable",
  4: "source quench",
  5: "redirect",
  8: "echo request",
  9: "router advertisement",
  10: "router solicitation",
  11: "time exceeded",
  12: "parameter problem",
  13: "time stamp request",
  14: "time stamp reply",
  15: "information request",
  16: "information reply",
  17: "address mask request",
  18: "address mask reply",
};

const ARPHRD: Record<number, string> = { 1: "Ethernet", 6: "TokenRing", 15: "FrameRelay", 19: "ATM", 24: "IEEE1394", 32: "Infiniband" };
const ARPOP: Record<number, string> = { 1: "Request", 2: "Reply", 3: "Reverse Request", 4: "Reverse Reply", 8: "Inverse Request", 9: "Inverse Reply", 10: "NACK Reply" };

// ------------------------------------------------------------------------- ether

/** print-ether.c: ether_addresses_print() */
function etherAddressesPrint(c: Ctx, p: number): void {
  c.print(`${c.etheraddr(p + 6)} > ${c.etheraddr(p)}, `);
}

/** print-ether.c: ether_type_print() */
function etherTypePrint(c: Ctx, type: number): void {
  if (!c.ndo.qflag) c.print(sprintf("ethertype %s (0x%04x)", ETHERTYPES[type] ?? "Unknown", type));
  else c.print(ETHERTYPES[type] ?? sprintf("Unknown Ethertype (0x%04x)", type));
}

/** print-ether.c: ether_common_print() for plain Ethernet (and 802.1Q tags) */
export function etherPrint(c: Ctx, p: number, length: number, caplen: number): void {
  c.protocol = "ether";
  if (caplen < 14) {
    c.print("[|ether]");
    return;
  }
  const origLength = length;
  if (c.ndo.eflag) etherAddressesPrint(c, p);
  let q = p + 12;
  length -= 12;
  let type = c.u16(q);
  q += 2;
  length -= 2;
  let printedLength = false;
  while (type === 0x8100 || type === 0x9100 || type === 0x9200 || type === 0x88a8) {
    if (!c.ttest(q, 4)) {
      c.protocol = "vlan";
      throw new Trunc();
    }
    if (c.ndo.eflag) {
      const tag = c.u16(q);
      etherTypePrint(c, type);
      if (!printedLength) {
        c.print(`, length ${origLength}: `);
        printedLength = true;
      } else c.print(", ");
      c.print(ieee8021qTciString(tag) + ", ");
    }
    type = c.u16(q + 2);
    q += 4;
    length -= 4;
  }
  c.llHdrLen = q - p;
  if (type <= 1500) {
    if (c.ndo.eflag) {
      c.print("802.3");
      if (!printedLength) c.print(`, length ${Math.min(type, length)}: `);
    }
    c.print(llcPrint(c, q, Math.min(type, length)));
    return;
  }
  if (c.ndo.eflag) {
    etherTypePrint(c, type);
    if (!printedLength) c.print(`, length ${origLength}: `);
    else c.print(", ");
  }
  if (!ethertypePrint(c, type, q, length)) {
    if (!c.ndo.eflag) {
      etherAddressesPrint(c, p);
      etherTypePrint(c, type);
      c.print(`, length ${origLength}: `);
    }
  }
}

function llcPrint(c: Ctx, q: number, length: number): string {
  // print-llc.c: the STP/others are not decoded here; show the SAPs
  if (!c.ttest(q, 3)) return "[|llc]";
  const dsap = c.u8(q);
  const ssap = c.u8(q + 1);
  if (dsap === 0x42 && ssap === 0x42) return sprintf("STP 802.1d, length %u", length);
  return sprintf("LLC, dsap Unknown (0x%02x) Individual, ssap Unknown (0x%02x) Command, ctrl 0x%02x: ", dsap & 0xfe, ssap & 0xfe, c.u8(q + 2));
}

/** ieee8021q_tci_string() */
function ieee8021qTciString(tci: number): string {
  return `vlan ${tci & 0xfff}, p ${tci >>> 13}${tci & 0x1000 ? ", DEI" : ""}`;
}

/** print-ether.c: ethertype_print() — 1 when the type is known */
function ethertypePrint(c: Ctx, type: number, p: number, length: number): boolean {
  switch (type) {
    case 0x0800:
      ipPrint(c, p, length);
      return true;
    case 0x86dd:
      ip6Print(c, p, length);
      return true;
    case 0x0806:
    case 0x8035:
      arpPrint(c, p, length);
      return true;
    default:
      return false;
  }
}

// ------------------------------------------------------------------------- ARP

/** print-arp.c: arp_print() */
function arpPrint(c: Ctx, p: number, length: number): void {
  c.protocol = "arp";
  const hrd = c.u16(p);
  const pro = c.u16(p + 2);
  const hln = c.u8(p + 4);
  const pln = c.u8(p + 5);
  const op = c.u16(p + 6);
  const sha = p + 8;
  const spa = sha + hln;
  const tha = spa + pln;
  const tpa = tha + hln;
  c.check(tpa, pln);
  if (!c.ndo.eflag) c.print("ARP, ");
  if ((pro !== 0x0800 && pro !== 0x1000) || pln !== 4 || hln === 0 || c.ndo.vflag) {
    c.print(
      sprintf("%s (len %u), %s (len %u)", ARPHRD[hrd] ?? `Unknown Hardware (${hrd})`, hln, ETHERTYPES[pro] ?? sprintf("Unknown Protocol (0x%04x)", pro), pln),
    );
    if (!c.ndo.vflag) {
      c.print(`, length ${length}`);
      return;
    }
  }
  c.print(`${c.ndo.vflag ? ", " : ""}${ARPOP[op] ?? `Unknown (${op})`} `);
  const paddr = (off: number) => (pro !== 0x0800 && pro !== 0x1000 ? "<wrong proto type>" : pln !== 4 ? "<wrong len>" : c.ipaddr(off));
  switch (op) {
    case 1: {
      c.print("who-has ");
      c.print(paddr(tpa));
      let nz = false;
      for (let i = 0; i < hln; i++) if (c.u8(tha + i)) nz = true;
      if (nz) c.print(` (${c.linkaddr(tha, hln)})`);
      c.print(" tell ");
      c.print(paddr(spa));
      break;
    }
    case 2:
      c.print(paddr(spa));
      c.print(` is-at ${c.linkaddr(sha, hln)}`);
      break;
    case 3:
      c.print(`who-is ${c.linkaddr(tha, hln)} tell ${c.linkaddr(sha, hln)}`);
      break;
    case 4:
      c.print(`${c.linkaddr(tha, hln)} at ${paddr(tpa)}`);
      break;
    case 8:
      c.print(`who-is ${c.linkaddr(tha, hln)} tell ${c.linkaddr(sha, hln)}`);
      break;
    case 9:
      c.print(`${c.linkaddr(sha, hln)} at ${paddr(spa)}`);
      break;
    default:
      return;
  }
  c.print(`, length ${length}`);
}

// ------------------------------------------------------------------------- IPv4

/** print-ip.c: ip_print() */
export function ipPrint(c: Ctx, p: number, length: number): void {
  c.protocol = "ip";
  const vhl = c.u8(p);
  if (vhl >> 4 !== 4) {
    if (vhl >> 4 === 6) c.print("IP6, wrong link-layer encapsulation");
    else c.print(`IP${vhl >> 4}`);
    c.print(" (invalid)");
    return;
  }
  if (!c.ndo.eflag) c.print("IP ");
  /* ND_TCHECK_SIZE(ip): nd_print_trunc() and a normal return, not the GET_ longjmp */
  if (!c.ttest(p, 20)) {
    c.print(" [|ip]");
    return;
  }
  if (length < 20) {
    c.print(`truncated-ip ${length}`);
    return;
  }
  const hlen = (vhl & 0xf) * 4;
  if (hlen < 20) {
    c.print(`bad-hlen ${hlen}`);
    return;
  }
  let len = c.u16(p + 2);
  if (length < len) c.print(`truncated-ip - ${len - length} bytes missing! `);
  if (len < hlen) {
    c.print(`bad-len ${len}`);
    return;
  }
  const savedSnapend = c.snapend;
  c.snapend = Math.min(c.snapend, p + len);
  len -= hlen;
  const off = c.u16(p + 6);
  const proto = c.u8(p + 9);
  if (c.ndo.vflag) {
    const tos = c.u8(p + 1);
    c.print(sprintf("(tos 0x%x", tos));
    c.print(["", ",ECT(1)", ",ECT(0)", ",CE"][tos & 3]!);
    const ttl = c.u8(p + 8);
    if (ttl >= 1) c.print(`, ttl ${ttl}`);
    const flags: string[] = [];
    if (off & 0x2000) flags.push("+");
    if (off & 0x4000) flags.push("DF");
    if (off & 0x8000) flags.push("rsvd");
    c.print(
      `, id ${c.u16(p + 4)}, offset ${(off & 0x1fff) * 8}, flags [${flags.length ? flags.join(", ") : "none"}], proto ${IPPROTO[proto] ?? "unknown"} (${proto})`,
    );
    c.print(`, length ${c.u16(p + 2)}`);
    if (hlen > 20) {
      c.print(", options (");
      if (!ipOptprint(c, p + 20, hlen - 20)) c.print(" [truncated-option]");
      c.print(")");
    }
    if (!c.ndo.Kflag && p + hlen <= c.snapend) {
      const sum = inCksum(c.b, p, hlen);
      if (sum !== 0) {
        const ipSum = c.u16(p + 10);
        c.print(sprintf(", bad cksum %x (->%x)!", ipSum, cksumShouldbe(ipSum, sum)));
      }
    }
    c.print(")\n    ");
  }
  if ((off & 0x1fff) === 0) {
    if (proto !== 6 && proto !== 17 && proto !== 132 && proto !== 33) c.print(`${c.ipaddr(p + 12)} > ${c.ipaddr(p + 16)}: `);
    if (!c.ttest(p, hlen)) {
      c.print(` [remaining caplen(${Math.max(0, c.snapend - p)}) < header length(${hlen})]`);
      throw new Trunc();
    }
    ipDemuxPrint(c, p + hlen, len, p, (off & 0x2000) !== 0, proto);
  } else {
    if (c.ndo.qflag > 1) {
      c.snapend = savedSnapend;
      return;
    }
    c.print(`${c.ipaddr(p + 12)} > ${c.ipaddr(p + 16)}:`);
    const pn = PROTONAMES[proto];
    if (!c.ndo.nflag && pn) c.print(` ${pn}`);
    else c.print(` ip-proto-${proto}`);
  }
  c.snapend = savedSnapend;
}

/** print-ip-demux.c: ip_demux_print() */
function ipDemuxPrint(c: Ctx, bp: number, length: number, iph: number, fragmented: boolean, nh: number): void {
  switch (nh) {
    case 1:
      icmpPrint(c, bp, length, iph, fragmented);
      return;
    case 2:
      igmpPrint(c, bp, length);
      return;
    case 17:
      udpPrint(c, bp, length, iph, fragmented);
      return;
    case 6:
      tcpPrint(c, bp, length, iph);
      return;
    case 4:
      /* ipv4-in-ip encapsulation */
      ipPrint(c, bp, length);
      return;
    case 41:
      /* ip6-in-ip encapsulation */
      ip6Print(c, bp, length);
      return;
    case 47:
      grePrint(c, bp, length);
      return;
    default: {
      const pn = PROTONAMES[nh];
      if (!c.ndo.nflag && pn) c.print(` ${pn}`);
      else c.print(` ip-proto-${nh}`);
      c.print(` ${length}`);
    }
  }
}

// ------------------------------------------------------------------------- ICMP

/** print-icmp.c: icmp_print() */
function icmpPrint(c: Ctx, bp: number, plen: number, _iph: number, fragmented: boolean): void {
  c.protocol = "icmp";
  const type = c.u8(bp);
  const code = c.u8(bp + 1);
  const oip = bp + 8;
  const odst = () => c.ipaddr(oip + 16);
  let str: string;
  switch (type) {
    case 0:
    case 8:
      str = `echo ${type === 8 ? "request" : "reply"}, id ${c.u16(bp + 4)}, seq ${c.u16(bp + 6)}`;
      break;
    case 3:
      switch (code) {
        case 0:
          str = `net ${odst()} unreachable`;
          break;
        case 1:
          str = `host ${odst()} unreachable`;
          break;
        case 2:
          str = `${odst()} protocol ${c.u8(oip + 9)} unreachable`;
          break;
        case 3: {
          c.check(oip + 9, 1);
          const hlen = (c.u8(oip) & 0xf) * 4;
          const dport = c.u16(oip + hlen + 2);
          const p = c.u8(oip + 9);
          if (p === 6) str = `${odst()} tcp port ${c.port("tcp", dport)} unreachable`;
          else if (p === 17) str = `${odst()} udp port ${c.port("udp", dport)} unreachable`;
          else str = `${odst()} protocol ${p} port ${dport} unreachable`;
          break;
        }
        case 4: {
          const mtu = c.u16(bp + 6);
          str = mtu ? `${odst()} unreachable - need to frag (mtu ${mtu})` : `${odst()} unreachable - need to frag`;
          break;
        }
        case 5:
          str = `${odst()} unreachable - source route failed`;
          break;
        case 6:
          str = `net ${odst()} unreachable - unknown`;
          break;
        case 7:
          str = `host ${odst()} unreachable - unknown`;
          break;
        case 8:
          str = `${odst()} unreachable - source host isolated`;
          break;
        case 9:
          str = `net ${odst()} unreachable - admin prohibited`;
          break;
        case 10:
          str = `host ${odst()} unreachable - admin prohibited`;
          break;
        case 11:
          str = `net ${odst()} unreachable - tos prohibited`;
          break;
        case 12:
          str = `host ${odst()} unreachable - tos prohibited`;
          break;
        case 13:
          str = `host ${odst()} unreachable - admin prohibited filter`;
          break;
        case 14:
          str = `host ${odst()} unreachable - host precedence violation`;
          break;
        case 15:
          str = `host ${odst()} unreachable - precedence cutoff`;
          break;
        default:
          str = `${odst()} unreachable - #${code}`;
      }
      break;
    case 5: {
      const gw = c.ipaddr(bp + 4);
      const names = ["redirect %s to net %s", "redirect %s to host %s", "redirect-tos %s to net %s", "redirect-tos %s to host %s"];
      str = code < 4 ? sprintf(names[code]!, odst(), gw) : `redirect-#${code} ${odst()} to ${gw}`;
      break;
    }
    case 11:
      c.check(oip + 16, 4);
      str = code === 0 ? "time exceeded in-transit" : code === 1 ? "ip reassembly time exceeded" : `time exceeded-#${code}`;
      break;
    case 12:
      str = code ? `parameter problem - code ${code}` : `parameter problem - octet ${c.u8(bp + 4)}`;
      break;
    case 18:
      str = sprintf("address mask is 0x%08x", c.u32(bp + 8));
      break;
    case 13:
      str = `time stamp query id ${c.u16(bp + 4)} seq ${c.u16(bp + 6)}`;
      break;
    default:
      str = ICMP2STR[type] ?? `type-#${type}`;
  }
  c.print(`ICMP ${str}, length ${plen}`);
  if (c.ndo.vflag && !fragmented) {
    if (c.ttest(bp, plen)) {
      const sum = inCksum(c.b, bp, plen);
      if (sum !== 0) {
        const s = c.u16(bp + 2);
        c.print(sprintf(" (wrong icmp cksum %x (->%x)!)", s, cksumShouldbe(s, sum)));
      }
    }
  }
  if (c.ndo.vflag >= 1 && (type === 3 || type === 4 || type === 5 || type === 11 || type === 12)) {
    c.print("\n\t");
    const save = c.snapend;
    const ilen = c.u16(oip + 2);
    c.snapend = Math.min(oip + ilen, c.snapend);
    ipPrint(c, oip, ilen);
    c.snapend = save;
  }
  c.protocol = "icmp";
}

// ------------------------------------------------------------------------- UDP

/** print-udp.c: udpipaddr_print() */
function udpipaddrPrint(c: Ctx, iph: number, sport: number, dport: number): void {
  if (c.u8(iph) >> 4 === 6) {
    if (sport === -1) c.print(`${c.ip6addr(iph + 8)} > ${c.ip6addr(iph + 24)}: `);
    else c.print(`${c.ip6addr(iph + 8)}.${c.port("udp", sport)} > ${c.ip6addr(iph + 24)}.${c.port("udp", dport)}: `);
    return;
  }
  if (c.u8(iph + 9) === 17) {
    if (sport === -1) c.print(`${c.ipaddr(iph + 12)} > ${c.ipaddr(iph + 16)}: `);
    else c.print(`${c.ipaddr(iph + 12)}.${c.port("udp", sport)} > ${c.ipaddr(iph + 16)}.${c.port("udp", dport)}: `);
  } else if (sport !== -1) {
    c.print(`${c.port("udp", sport)} > ${c.port("udp", dport)}: `);
  }
}

function pseudoSum(c: Ctx, iph: number, proto: number, len: number): number {
  let s = 0;
  for (let i = 12; i < 20; i += 2) s += c.u16(iph + i);
  s += proto + len;
  return s;
}

/** print-udp.c: udp_print() (no application printers but the length line) */
function udpPrint(c: Ctx, bp: number, length: number, iph: number, fragmented: boolean): void {
  c.protocol = "udp";
  if (!c.ttest(bp + 2, 2)) {
    udpipaddrPrint(c, iph, -1, -1);
    throw new Trunc();
  }
  const sport = c.u16(bp);
  const dport = c.u16(bp + 2);
  if (length < 8) {
    udpipaddrPrint(c, iph, sport, dport);
    c.print(`truncated-udp ${length}`);
    return;
  }
  if (!c.ttest(bp + 4, 2)) {
    udpipaddrPrint(c, iph, sport, dport);
    throw new Trunc();
  }
  let ulen = c.u16(bp + 4);
  if (ulen < 8) {
    udpipaddrPrint(c, iph, sport, dport);
    c.print(`truncated-udplength ${ulen}`);
    return;
  }
  ulen -= 8;
  length -= 8;
  if (ulen < length) length = ulen;
  udpipaddrPrint(c, iph, sport, dport);
  const v4 = c.u8(iph) >> 4 === 4;
  if (c.ndo.vflag && !c.ndo.Kflag && !fragmented && v4 && c.ndo.vflag > 1) {
    const usum = c.u16(bp + 6);
    if (usum === 0) c.print("[no cksum] ");
    else if (c.ttest(bp + 8, length)) {
      const sum = inCksum(c.b, bp, length + 8, pseudoSum(c, iph, 17, length + 8));
      if (sum !== 0) c.print(sprintf("[bad udp cksum 0x%04x -> 0x%04x!] ", usum, cksumShouldbe(usum, sum)));
      else c.print("[udp sum ok] ");
    }
  }
  if (!c.ndo.qflag && (sport === NAMESERVER_PORT || dport === NAMESERVER_PORT)) {
    domainPrint(c, bp + 8, length, false, false);
    return;
  }
  if (!c.ndo.qflag && (sport === MULTICASTDNS_PORT || dport === MULTICASTDNS_PORT)) {
    domainPrint(c, bp + 8, length, false, true);
    return;
  }
  if (!c.ndo.qflag && (sport === 67 || dport === 67 || sport === 68 || dport === 68)) {
    bootpPrint(c, bp + 8, length);
    return;
  }
  if (!c.ndo.qflag && (sport === OTV_PORT || dport === OTV_PORT)) {
    otvPrint(c, bp + 8, length);
    return;
  }
  if (!c.ndo.qflag && (sport === VXLAN_PORT || dport === VXLAN_PORT)) {
    vxlanPrint(c, bp + 8, length);
    return;
  }
  if (ulen > length && !fragmented) c.print(`UDP, bad length ${ulen} > ${length}`);
  else c.print(`UDP, length ${ulen}`);
}

/** print-bootp.c: tag2str[] — the first character is the print format of the option */
const TAG2STR: Record<number, string> = {
  0: " PAD", 1: "iSubnet-Mask", 2: "LTime-Zone", 3: "iDefault-Gateway", 4: "iTime-Server", 5: "iIEN-Name-Server", 6: "iDomain-Name-Server", 7: "iLOG", 8: "iCS", 9: "iLPR-Server", 10: "iIM", 11: "iRL", 12: "aHostname", 13: "sBS", 255: " END", 14: "aDP", 15: "aDomain-Name", 16: "iSS", 17: "aRP", 18: "aEP", 19: "BIPF", 20: "BSRT", 21: "pPF", 22: "sRSZ", 23: "bTTL", 24: "lMTU-Timeout", 25: "sMTU-Table", 26: "sMTU", 27: "BLSN", 28: "iBR", 29: "BMD", 30: "BMS", 31: "BRouter-Discovery", 32: "iRSA", 33: "pStatic-Route", 34: "BUT", 35: "lAT", 36: "BIE", 37: "bTT", 38: "lKI", 39: "BKG", 40: "aYD", 41: "iYS", 42: "iNTP", 43: "bVendor-Option", 44: "iNetbios-Name-Server", 45: "iWDD", 46: "$Netbios-Node", 47: "aNetbios-Scope", 48: "iXFS", 49: "iXDM", 64: "sN+D", 65: "iN+S", 68: "iMH", 69: "iSMTP", 70: "iPOP3", 71: "iNNTP", 72: "iWWW", 73: "iFG", 74: "iIRC", 75: "iSTS", 76: "iSTDA", 50: "iRequested-IP", 51: "lLease-Time", 52: "$OO", 66: "aTFTP", 67: "aBF", 53: " DHCP-Message", 54: "iServer-ID", 55: "bParameter-Request", 56: "aMSG", 57: "sMSZ", 58: "lRN", 59: "lRB", 60: "aVendor-Class", 61: "$Client-ID", 98: "aUAP", 116: "BNOAUTO", 78: "bSLP-DA", 79: "bSLP-SCOPE", 117: "sNSSEARCH", 77: "$User-Class", 118: "iSUBNET", 121: "$Classless-Static-Route", 249: "$Classless-Static-Route-Microsoft", 150: "iTFTP-Server-Address", 80: "aSLP-NA", 81: "$FQDN", 82: "$Agent-Information", 83: "bARMT", 88: "aTZSTR", 89: "bFQDNS", 90: "bAUTH", 91: "LLast-Transaction-Time", 92: "iAssociated-IP", 93: "sARCH", 94: "bNDI", 97: "bGUID", 95: "aLDAP", 100: "aPOSIX-TZ", 101: "aTZ-Name", 112: "iNI", 113: "aNITAG", 114: "aURL", 161: "aMUD-URL",
};

const DHCP_MSG: Record<number, string> = {
  1: "Discover", 2: "Offer", 3: "Request", 4: "Decline", 5: "ACK", 6: "NACK", 7: "Release", 8: "Inform",
  10: "LeaseQuery", 11: "LeaseUnassigned", 12: "LeaseUnknown", 13: "LeaseActive",
};
const ARP2STR: Record<number, string> = { 1: "ether", 6: "ieee802", 7: "arcnet", 15: "frelay", 23: "strip", 24: "ieee1394" };
const NBO2STR: Record<number, string> = { 1: "b-node", 2: "p-node", 4: "m-node", 8: "h-node" };
const OO2STR: Record<number, string> = { 1: "file", 2: "sname", 3: "file+sname" };

/** util-print.c: nd_printn() — printable ASCII as is, the rest as M- / ^ escapes */
function ndPrintn(c: Ctx, off: number, len: number): string {
  let out = "";
  for (let i = 0; i < len; i++) {
    let ch = c.u8(off + i);
    if (ch & 0x80) {
      out += "M-";
      ch &= 0x7f;
    }
    if (ch < 0x20 || ch === 0x7f) out += "^" + String.fromCharCode(ch ^ 0x40);
    else out += String.fromCharCode(ch);
  }
  return out;
}

/** print-bootp.c: rfc1048_print() */
function rfc1048Print(c: Ctx, start: number): void {
  c.print("\n\t  Vendor-rfc1048 Extensions");
  c.print(sprintf("\n\t    Magic Cookie 0x%08x", c.u32(start)));
  let bp = start + 4;
  while (c.ttest(bp, 1)) {
    let tag = c.u8(bp++);
    if (tag === 0 && c.ndo.vflag < 3) continue;
    if (tag === 255 && c.ndo.vflag < 3) return;
    const ts = TAG2STR[tag] ?? "?Unknown";
    let fmt = ts[0]!;
    const name = ts.slice(1);
    let len = 0;
    if (tag !== 0 && tag !== 255) len = c.u8(bp++);
    c.print(`\n\t    ${name} (${tag}), length ${len}${len > 0 ? ": " : ""}`);
    if (tag === 0 && c.ndo.vflag > 2) {
      let ntag = 1;
      while (c.ttest(bp, 1) && c.u8(bp) === 0) {
        bp++;
        ntag++;
      }
      if (ntag > 1) c.print(`, occurs ${ntag}`);
    }
    c.check(bp, len);
    if (tag === 53 && len === 1) {
      const m = c.u8(bp++);
      c.print(DHCP_MSG[m] ?? `Unknown (${m})`);
      continue;
    }
    if (tag === 55) {
      for (let idx = 0; len > 0; idx++, len--) {
        const inner = c.u8(bp++);
        c.print(idx % 4 === 0 ? "\n\t      " : ", ");
        c.print(`${(TAG2STR[inner] ?? "?Unknown").slice(1)} (${inner})`);
      }
      continue;
    }
    if (fmt === "?") fmt = len & 1 ? "b" : len & 2 ? "s" : "l";
    let first = true;
    switch (fmt) {
      case "a":
        c.print(`"${ndPrintn(c, bp, len)}"`);
        bp += len;
        len = 0;
        break;
      case "i":
      case "l":
      case "L":
        while (len >= 4) {
          if (!first) c.print(",");
          if (fmt === "i") c.print(c.ipaddr(bp));
          else if (fmt === "L") c.print(String(c.u32(bp) | 0));
          else c.print(String(c.u32(bp)));
          bp += 4;
          len -= 4;
          first = false;
        }
        break;
      case "p":
        while (len >= 8) {
          if (!first) c.print(",");
          c.print(`(${c.ipaddr(bp)}:${c.ipaddr(bp + 4)})`);
          bp += 8;
          len -= 8;
          first = false;
        }
        break;
      case "s":
        while (len >= 2) {
          if (!first) c.print(",");
          c.print(String(c.u16(bp)));
          bp += 2;
          len -= 2;
          first = false;
        }
        break;
      case "B":
        while (len > 0) {
          if (!first) c.print(",");
          const v = c.u8(bp++);
          c.print(v === 0 ? "N" : v === 1 ? "Y" : `${v}?`);
          len--;
          first = false;
        }
        break;
      case "$":
        switch (tag) {
          case 46:
          case 52: {
            if (len < 1) {
              c.print("[ERROR: length < 1 bytes]");
              break;
            }
            const v = c.u8(bp++);
            len--;
            c.print((tag === 46 ? NBO2STR : OO2STR)[v] ?? "#" + v);
            break;
          }
          case 61: {
            if (len < 1) {
              c.print("[ERROR: length < 1 bytes]");
              break;
            }
            const type = c.u8(bp++);
            len--;
            if (type === 0) {
              c.print(`"${ndPrintn(c, bp, len)}"`);
              bp += len;
              len = 0;
            } else {
              c.print(`${ARP2STR[type] ?? `hardware-type ${type},`} `);
              const hx: string[] = [];
              while (len > 0) {
                hx.push(sprintf("%02x", c.u8(bp++)));
                len--;
              }
              c.print(hx.join(":"));
            }
            break;
          }
          case 121:
          case 249: {
            if (len < 5) {
              c.print("[ERROR: length < 5 bytes]");
              bp += len;
              len = 0;
              break;
            }
            while (len > 0) {
              if (!first) c.print(",");
              const w = c.u8(bp++);
              len--;
              if (w > 32) {
                c.print(`[ERROR: Mask width (${w}) > 32]`);
                bp += len;
                len = 0;
                break;
              }
              const sig = (w + 7) >> 3;
              if (len < sig + 4) {
                c.print(`[ERROR: Remaining length (${len}) < ${sig + 4} bytes]`);
                bp += len;
                len = 0;
                break;
              }
              c.print("(");
              if (w === 0) c.print("default");
              else {
                const o: string[] = [];
                for (let i = 0; i < sig; i++) o.push(String(c.u8(bp++)));
                for (let i = sig; i < 4; i++) o.push("0");
                c.print(`${o.join(".")}/${w}`);
              }
              c.print(`:${c.ipaddr(bp)})`);
              bp += 4;
              len -= sig + 4;
              first = false;
            }
            break;
          }
          default:
            c.print(`[unknown special tag ${tag}, size ${len}]`);
            bp += len;
            len = 0;
        }
        break;
      default:
        while (len > 0) {
          if (!first) c.print(fmt === "x" ? ":" : ".");
          const v = c.u8(bp++);
          c.print(fmt === "x" ? sprintf("%02x", v) : String(v));
          len--;
          first = false;
        }
    }
    if (len) {
      c.print(`\n\t  trailing data length ${len}`);
      bp += len;
    }
  }
}

/** print-bootp.c: bootp_print() */
function bootpPrint(c: Ctx, bp: number, length: number): void {
  c.protocol = "bootp";
  const op = c.u8(bp);
  c.print(`BOOTP/DHCP, ${op === 1 ? "Request" : op === 2 ? "Reply" : sprintf("unknown (0x%02x)", op)}`);
  const htype = c.u8(bp + 1);
  const hlen = c.u8(bp + 2);
  if (htype === 1 && hlen === 6 && op === 1) c.print(` from ${c.etheraddr(bp + 28)}`);
  c.print(`, length ${length}`);
  if (!c.ndo.vflag) return;
  if (htype !== 1) c.print(`, htype ${htype}`);
  if (hlen !== 6) c.print(`, hlen ${hlen}`);
  if (c.u8(bp + 3)) c.print(`, hops ${c.u8(bp + 3)}`);
  if (c.u32(bp + 4)) c.print(sprintf(", xid 0x%x", c.u32(bp + 4)));
  if (c.u16(bp + 8)) c.print(`, secs ${c.u16(bp + 8)}`);
  const fl = c.u16(bp + 10);
  c.print(`, Flags [${fl & 0x8000 ? "Broadcast" : "none"}]`);
  if (c.ndo.vflag > 1) c.print(sprintf(" (0x%04x)", fl));
  if (c.u32(bp + 12)) c.print(`\n\t  Client-IP ${c.ipaddr(bp + 12)}`);
  if (c.u32(bp + 16)) c.print(`\n\t  Your-IP ${c.ipaddr(bp + 16)}`);
  if (c.u32(bp + 20)) c.print(`\n\t  Server-IP ${c.ipaddr(bp + 20)}`);
  if (c.u32(bp + 24)) c.print(`\n\t  Gateway-IP ${c.ipaddr(bp + 24)}`);
  if (htype === 1 && hlen === 6) c.print(`\n\t  Client-Ethernet-Address ${c.etheraddr(bp + 28)}`);
  for (const [off, size, label] of [[44, 64, "sname"], [108, 128, "file"]] as const) {
    if (c.u8(bp + off)) {
      let n = 0;
      while (n < size && c.u8(bp + off + n)) n++;
      c.print(`\n\t  ${label} "${ndPrintn(c, bp + off, n)}"`);
    }
  }
  c.check(bp + 236, 4);
  const cookie = c.u32(bp + 236);
  if (cookie === 0x63825363) rfc1048Print(c, bp + 236);
  else if (cookie !== 0) c.print(sprintf("\n\t  Vendor-#0x%x", cookie));
}

// ------------------------------------------------------------------------- TCP

const TCP_FLAGS: [number, string][] = [
  [0x01, "F"],
  [0x02, "S"],
  [0x04, "R"],
  [0x08, "P"],
  [0x10, "."],
  [0x20, "U"],
  [0x40, "E"],
  [0x80, "W"],
];

const TCP_OPTS: Record<number, string> = {
  0: "eol", 1: "nop", 2: "mss", 3: "wscale", 4: "sackOK", 5: "sack", 6: "echo", 7: "echoreply", 8: "TS",
  11: "cc", 12: "ccnew", 13: "ccecho", 19: "md5", 27: "qs", 28: "uto", 29: "tcp-ao", 30: "mptcp", 34: "tfo", 253: "exp", 254: "exp",
};

/** print-tcp.c: tcp_print() — flags, relative sequence numbers (tcp_seq_hash), options */
function tcpPrint(c: Ctx, bp: number, length: number, iph: number): void {
  c.protocol = "tcp";
  const v6 = c.u8(iph) >> 4 === 6;
  const alen = v6 ? 16 : 4;
  const srcOff = v6 ? iph + 8 : iph + 12;
  const dstOff = v6 ? iph + 24 : iph + 16;
  const src = v6 ? c.ip6addr(srcOff) : c.ipaddr(srcOff);
  const dst = v6 ? c.ip6addr(dstOff) : c.ipaddr(dstOff);
  if (!c.ttest(bp + 2, 2)) {
    c.print(`${src} > ${dst}:`);
    throw new Trunc();
  }
  const sport = c.u16(bp);
  const dport = c.u16(bp + 2);
  c.print(`${src}.${c.port("tcp", sport)} > ${dst}.${c.port("tcp", dport)}: `);
  c.check(bp, 20);
  let hlen = (c.u8(bp + 12) >> 4) * 4;
  const hlen0 = hlen;
  if (hlen < 20) {
    c.print(` tcp ${length - hlen} [bad hdr length ${hlen} - too short, < 20]`);
    return;
  }
  let seq = c.u32(bp + 4);
  let ack = c.u32(bp + 8);
  const win = c.u16(bp + 14);
  const urp = c.u16(bp + 18);
  if (c.ndo.qflag) {
    c.print(`tcp ${length - hlen}`);
    if (hlen > length) c.print(` [bad hdr length ${hlen} - too long, > ${length}]`);
    return;
  }
  const flags = c.u8(bp + 13);
  let f = "";
  for (const [bit, ch] of TCP_FLAGS) if (flags & bit) f += ch;
  c.print(`Flags [${f || "none"}]`);
  let rev = false;
  let thseq = 0;
  let thack = 0;
  if (!c.ndo.Sflag && flags & 0x10) {
    const sa = Array.from(c.b.subarray(srcOff, srcOff + alen)).join(".");
    const da = Array.from(c.b.subarray(dstOff, dstOff + alen)).join(".");
    if (sport > dport) rev = true;
    else if (sport === dport) {
      for (let k = 0; k < alen; k++) {
        const d = c.b[srcOff + k]! - c.b[dstOff + k]!;
        if (d) {
          rev = d > 0;
          break;
        }
      }
    }
    const key = rev ? `${da}|${sa}|${dport}|${sport}` : `${sa}|${da}|${sport}|${dport}`;
    const hash = (c.ndo.tcpSeqHash ??= new Map());
    let th = hash.get(key);
    if (!th || flags & 0x02) {
      th = rev ? { ack: seq, seq: (ack - 1) >>> 0 } : { seq, ack: (ack - 1) >>> 0 };
      hash.set(key, th);
    } else if (rev) {
      seq = (seq - th.ack) >>> 0;
      ack = (ack - th.seq) >>> 0;
    } else {
      seq = (seq - th.seq) >>> 0;
      ack = (ack - th.ack) >>> 0;
    }
    thseq = th.seq;
    thack = th.ack;
  }
  if (hlen > length) {
    c.print(` [bad hdr length ${hlen} - too long, > ${length}]`);
    return;
  }
  if (c.ndo.vflag && !c.ndo.Kflag && c.ttest(bp, length)) {
    let ph = 0;
    for (let k = 0; k < alen * 2; k += 2) ph += c.u16(srcOff + k);
    ph += (length >>> 16) + (length & 0xffff) + 6;
    const sum = inCksum(c.b, bp, length, ph);
    const tsum = c.u16(bp + 16);
    c.print(sprintf(", cksum 0x%04x", tsum));
    c.print(sum !== 0 ? sprintf(" (incorrect -> 0x%04x)", cksumShouldbe(tsum, sum)) : " (correct)");
  }
  length -= hlen;
  if (c.ndo.vflag > 1 || length > 0 || flags & 0x07) {
    c.print(`, seq ${seq}`);
    if (length > 0) c.print(`:${(seq + length) >>> 0}`);
  }
  if (flags & 0x10) c.print(`, ack ${ack}`);
  c.print(`, win ${win}`);
  if (flags & 0x20) c.print(`, urg ${urp}`);
  if (hlen > 20) {
    hlen -= 20;
    let cp = bp + 20;
    c.print(", options [");
    let sep = "";
    while (hlen > 0) {
      c.print(sep);
      const opt = c.u8(cp++);
      let len: number;
      if (opt === 0 || opt === 1) len = 1;
      else {
        len = c.u8(cp++);
        if (len < 2 || len > hlen) {
          c.print(TCP_OPTS[opt] ?? `unknown-${opt}`);
          c.print("[bad opt]");
          break;
        }
        hlen--;
      }
      hlen--;
      c.print(TCP_OPTS[opt] ?? `unknown-${opt}`);
      const datalen = len > 1 ? len - 2 : 0;
      switch (opt) {
        case 2:
          c.print(` ${c.u16(cp)}`);
          break;
        case 3:
          c.print(` ${c.u8(cp)}`);
          break;
        case 5:
          if (datalen % 8 !== 0) c.print(" invalid sack");
          else {
            c.print(` ${datalen / 8} `);
            for (let k = 0; k < datalen; k += 8) {
              let s0 = c.u32(cp + k);
              let e0 = c.u32(cp + k + 4);
              s0 = (s0 - (rev ? thseq : thack)) >>> 0;
              e0 = (e0 - (rev ? thseq : thack)) >>> 0;
              c.print(`{${s0}:${e0}}`);
            }
          }
          break;
        case 6:
        case 7:
        case 11:
        case 12:
        case 13:
          c.print(` ${c.u32(cp)}`);
          break;
        case 8:
          c.print(` val ${c.u32(cp)} ecr ${c.u32(cp + 4)}`);
          break;
        default:
          break;
      }
      cp += datalen;
      hlen -= datalen;
      sep = ",";
      if (opt === 0) break;
    }
    c.print("]");
  }
  c.print(`, length ${length}`);
  if (length === 0) return;
  // "Decode payload if necessary"
  if (!c.ttest(bp, hlen0)) {
    c.print(` [remaining caplen(${Math.max(0, c.snapend - bp)}) < header length(${hlen0})]`);
    throw new Trunc();
  }
  const pp = bp + hlen0;
  if (flags & 0x04 && c.ndo.vflag) {
    printTcpRstData(c, pp, length);
    return;
  }
  const isPort = (pt: number): boolean => sport === pt || dport === pt;
  // print-tcp.c's port chain, in its order; the printers not ported here (telnet, bgp, pptp,
  // redis, ssh, netbios, smb, beep, openflow) still take their ports first
  if (isPort(TELNET_PORT)) return;
  if (isPort(SMTP_PORT)) {
    c.print(": ");
    c.protocol = "smtp";
    txtprotoPrint(c, pp, length, null, 0);
  } else if (isPort(WHOIS_PORT)) {
    c.print(": ");
    c.protocol = "whois";
    txtprotoPrint(c, pp, length, null, 0);
  } else if ([BGP_PORT, PPTP_PORT, REDIS_PORT, SSH_PORT, NETBIOS_SSN_PORT, SMB_PORT, BEEP_PORT, OPENFLOW_PORT_OLD, OPENFLOW_PORT_IANA].some(isPort)) {
    return;
  } else if (isPort(FTP_PORT)) {
    c.print(": ");
    c.protocol = "ftp";
    txtprotoPrint(c, pp, length, null, 0);
  } else if (isPort(HTTP_PORT) || isPort(HTTP_PORT_ALT)) {
    c.print(": ");
    httpPrint(c, pp, length);
  } else if (isPort(RTSP_PORT) || isPort(RTSP_PORT_ALT)) {
    c.print(": ");
    c.protocol = "rtsp";
    txtprotoPrint(c, pp, length, RTSP_CMDS, RESP_CODE_SECOND_TOKEN);
  } else if (isPort(NAMESERVER_PORT)) {
    domainPrint(c, pp, length, true, false);
  }
}

/** tcp.h */
const FTP_PORT = 21;
const SSH_PORT = 22;
const TELNET_PORT = 23;
const SMTP_PORT = 25;
const WHOIS_PORT = 43;
const HTTP_PORT = 80;
const NETBIOS_SSN_PORT = 139;
const BGP_PORT = 179;
const SMB_PORT = 445;
const RTSP_PORT = 554;
const PPTP_PORT = 1723;
const REDIS_PORT = 6379;
const OPENFLOW_PORT_OLD = 6633;
const OPENFLOW_PORT_IANA = 6653;
const HTTP_PORT_ALT = 8080;
const RTSP_PORT_ALT = 8554;
const BEEP_PORT = 10288;
/** print-rtsp.c: rtspcmds */
const RTSP_CMDS = ["DESCRIBE", "ANNOUNCE", "GET_PARAMETER", "OPTIONS", "PAUSE", "PLAY", "RECORD", "REDIRECT", "SETUP", "SET_PARAMETER", "TEARDOWN"];
const MAX_RST_DATA_LEN = 30;

/** print-tcp.c: print_tcp_rst_data() */
function printTcpRstData(c: Ctx, sp: number, length: number): void {
  c.print(c.ttest(sp, length) ? " [RST" : " [!RST");
  if (length > MAX_RST_DATA_LEN) {
    length = MAX_RST_DATA_LEN;
    c.print("+");
  }
  c.print(" ");
  while (length && sp < c.snapend) {
    c.print(fnPrintChar(c.u8(sp)));
    sp++;
    length--;
  }
  c.print("]");
}

/** util-print.c: fn_print_char() */
function fnPrintChar(ch: number): string {
  let s = "";
  if (ch >= 0x80) {
    s += "M-";
    ch &= 0x7f;
  }
  if (ch < 0x20 || ch === 0x7f) s += "^" + String.fromCharCode(ch ^ 0x40);
  else s += String.fromCharCode(ch);
  return s;
}

/** print-http.c: httpcmds (includes WebDAV requests) */
const HTTP_CMDS = [
  "GET", "PUT", "COPY", "HEAD", "LOCK", "MOVE", "POLL", "POST", "BCOPY", "BMOVE", "MKCOL", "TRACE", "LABEL", "MERGE",
  "DELETE", "SEARCH", "UNLOCK", "REPORT", "UPDATE", "NOTIFY", "BDELETE", "CONNECT", "OPTIONS", "CHECKIN", "PROPFIND",
  "CHECKOUT", "CCM_POST", "SUBSCRIBE", "PROPPATCH", "BPROPFIND", "BPROPPATCH", "UNCHECKOUT", "MKACTIVITY",
  "MKWORKSPACE", "UNSUBSCRIBE", "RPC_CONNECT", "VERSION-CONTROL", "BASELINE-CONTROL",
];
const RESP_CODE_SECOND_TOKEN = 0x00000001;
const MAX_TOKEN = 128;

/** print-http.c: http_print() */
function httpPrint(c: Ctx, pp: number, len: number): void {
  c.protocol = "http";
  txtprotoPrint(c, pp, len, HTTP_CMDS, RESP_CODE_SECOND_TOKEN);
}

const isPrintAscii = (ch: number): boolean => ch >= 0x20 && ch <= 0x7e;

/** util-print.c: fetch_token(): the index after the token and its trailing blanks, 0 on error */
function fetchToken(c: Ctx, pp: number, idx: number, len: number, tbuflen: number): { idx: number; token: string } {
  let token = "";
  for (; idx < len; idx++) {
    if (!c.ttest(pp + idx, 1)) return { idx: 0, token };
    const ch = c.u8(pp + idx);
    if (ch >= 0x80) return { idx: 0, token };
    if (ch === 0x20 || ch === 0x09 || ch === 0x0d || ch === 0x0a) break;
    if (!isPrintAscii(ch)) return { idx: 0, token };
    if (token.length + 2 > tbuflen) return { idx: 0, token };
    token += String.fromCharCode(ch);
  }
  if (token.length === 0) return { idx: 0, token };
  for (; idx < len; idx++) {
    if (!c.ttest(pp + idx, 1)) break;
    const ch = c.u8(pp + idx);
    if (ch === 0x0d || ch === 0x0a) break;
    if (!isPrintAscii(ch)) break;
    if (ch !== 0x20 && ch !== 0x09) break;
  }
  return { idx, token };
}

/** util-print.c: print_txt_line(): the index after the line ending, 0 if none or binary */
function printTxtLine(c: Ctx, prefix: string, pp: number, idx: number, len: number): number {
  const start = idx;
  const text = (n: number): string => String.fromCharCode(...c.b.subarray(pp + start, pp + start + n));
  while (idx < len) {
    const ch = c.u8(pp + idx);
    if (ch === 0x0a) {
      c.print(prefix + text(idx - start));
      return idx + 1;
    } else if (ch === 0x0d) {
      if (idx + 1 >= len) return 0;
      if (c.u8(pp + idx + 1) === 0x0a) {
        c.print(prefix + text(idx - start));
        return idx + 2;
      }
      return 0;
    } else if (!isPrintAscii(ch) && ch !== 0x09) {
      return 0;
    }
    idx++;
  }
  c.print(prefix + text(idx - start));
  return 0;
}

/** util-print.c: txtproto_print() */
function txtprotoPrint(c: Ctx, pp: number, len: number, cmds: string[] | null, flags: number): void {
  let printThis = false;
  if (cmds !== null) {
    let t = fetchToken(c, pp, 0, len, MAX_TOKEN + 1);
    if (t.idx !== 0) {
      const tok = t.token.toUpperCase();
      if (cmds.includes(tok)) printThis = true;
      if (flags & RESP_CODE_SECOND_TOKEN) t = fetchToken(c, pp, t.idx, len, MAX_TOKEN + 1);
      if (t.idx !== 0 && /^[0-9]{3}$/.test(t.token)) printThis = true;
    }
  } else {
    printThis = true;
  }
  // nd_print_protocol_caps()
  c.print(c.protocol.toUpperCase());
  if (!printThis) return;
  if (c.ndo.vflag) {
    c.print(`, length: ${len}`);
    let eol = 0;
    for (let idx = 0; idx < len && (eol = printTxtLine(c, "\n\t", pp, idx, len)) !== 0; idx = eol);
  } else {
    printTxtLine(c, ": ", pp, 0, len);
  }
}

// ------------------------------------------------------------------------- IPv6

/** print-ip6.c: ip6_print() (hop-by-hop options skipped, no other extension headers) */
export function ip6Print(c: Ctx, p: number, length: number): void {
  c.protocol = "ip6";
  c.check(p, 40);
  if (!c.ndo.eflag) c.print("IP6 ");
  const plen = c.u16(p + 4);
  let nh = c.u8(p + 6);
  const hlim = c.u8(p + 7);
  if (c.ndo.vflag) {
    const w = c.u32(p);
    const flow = w & 0xfffff;
    const tc = (w >>> 20) & 0xff;
    c.print("(");
    if (tc) c.print(sprintf("class 0x%x, ", tc));
    if (flow) c.print(sprintf("flowlabel 0x%05x, ", flow));
    c.print(`hlim ${hlim}, next-header ${IPPROTO[nh] ?? "unknown"} (${nh}) payload length: ${plen}) `);
  }
  void length;
  if (nh !== 6 && nh !== 17 && nh !== 33 && nh !== 132) c.print(`${c.ip6addr(p + 8)} > ${c.ip6addr(p + 24)}: `);
  let q = p + 40;
  let len = plen;
  if (nh === 0) {
    const hl = (c.u8(q + 1) + 1) * 8;
    c.print("HBH ");
    if (c.ndo.vflag) ip6OptPrint(c, q + 2, hl - 2);
    nh = c.u8(q);
    q += hl;
    len -= hl;
  }
  switch (nh) {
    case 58:
      icmp6Print(c, q, len, p);
      return;
    case 17:
      udpPrint(c, q, len, p, false);
      return;
    case 6:
      tcpPrint(c, q, len, p);
      return;
    /* ip_demux_print(): ipv4-in-ip6, ip6-in-ip6 (ip6tnl), GRE (ip6gre) */
    case 4:
      ipPrint(c, q, len);
      return;
    case 41:
      ip6Print(c, q, len);
      return;
    case 47:
      grePrint(c, q, len);
      return;
    default:
      c.print(`ip-proto-${nh} ${len}`);
  }
}

const ICMP6_TYPES: Record<number, string> = {
  1: "destination unreachable", 2: "packet too big", 3: "time exceeded in-transit", 4: "parameter problem",
  128: "echo request", 129: "echo reply", 130: "multicast listener query", 131: "multicast listener report",
  132: "multicast listener done", 133: "router solicitation", 134: "router advertisement",
  135: "neighbor solicitation", 136: "neighbor advertisement", 137: "redirect", 143: "multicast listener report v2",
};
const ICMP6_UNREACH: Record<number, string> = { 0: "unreachable route", 1: " unreachable prohibited", 2: "beyond scope", 3: "unreachable address", 4: "unreachable port" };

/** print-ip6opts.c: ip6_opt_print() (with -v) */
function ip6OptPrint(c: Ctx, bp: number, len: number): void {
  for (let i = 0; i < len; ) {
    const t = c.u8(bp + i);
    if (t === 0) {
      c.print("(pad1)");
      i++;
      continue;
    }
    const ol = c.u8(bp + i + 1);
    if (t === 1) c.print("(padn)");
    else if (t === 5) c.print(ol === 2 ? sprintf("(rtalert: 0x%04x) ", c.u16(bp + i + 2)) : `(rtalert: invalid len ${ol})`);
    else c.print(sprintf("(opt_type 0x%02x: len=%u)", t, ol));
    i += ol + 2;
  }
  c.print(" ");
}

const ND_OPTS: Record<number, string> = {
  1: "source link-address", 2: "target link-address", 3: "prefix info", 4: "redirected header", 5: "mtu",
  7: "advertisement interval", 8: "homeagent information", 24: "route info", 25: "rdnss", 31: "dnssl",
};
const MLDV2_REPORT: Record<number, string> = { 1: "is_in", 2: "is_ex", 3: "to_in", 4: "to_ex", 5: "allow", 6: "block" };

/** print-icmp6.c: icmp6_opt_print() (-v) */
function icmp6OptPrint(c: Ctx, bp: number, resid: number): void {
  let cp = bp;
  const ep = Math.min(c.snapend, bp + Math.max(0, resid));
  while (cp < ep) {
    const t = c.u8(cp);
    const ol = c.u8(cp + 1);
    if (ol === 0 || cp + ol * 8 > ep) throw new Trunc();
    c.print(`\n\t  ${ND_OPTS[t] ?? "unknown"} option (${t}), length ${ol * 8} (${ol}): `);
    switch (t) {
      case 1:
      case 2:
        c.print(Array.from(c.b.subarray(cp + 2, cp + ol * 8), (x) => x.toString(16).padStart(2, "0")).join(":"));
        break;
      case 5:
        c.print(` ${c.u32(cp + 4)}${ol !== 1 ? "bad option length" : ""}`);
        break;
      default:
        if (c.ndo.vflag <= 1) c.print(hexPrint("\n\t  ", c.b, cp + 2, ol * 8 - 2));
    }
    if (c.ndo.vflag > 1) c.print(hexPrint("\n\t    ", c.b, cp + 2, ol * 8 - 2));
    cp += ol * 8;
  }
}

/** print-icmp6.c: icmp6_print() — summaries, -v checksum, ND options and MLDv2 records */
function icmp6Print(c: Ctx, bp: number, length: number, ip6: number): void {
  c.protocol = "icmp6";
  if (c.ndo.vflag && c.ttest(bp, length)) {
    let ph = 0;
    for (let i = 8; i < 40; i += 2) ph += c.u16(ip6 + i);
    ph += (length >>> 16) + (length & 0xffff) + 58;
    const sum = inCksum(c.b, bp, length, ph);
    const s6 = c.u16(bp + 2);
    if (sum !== 0) c.print(sprintf("[bad icmp6 cksum 0x%04x -> 0x%04x!] ", s6, cksumShouldbe(s6, sum)));
    else c.print("[icmp6 sum ok] ");
  }
  const type = c.u8(bp);
  const code = c.u8(bp + 1);
  c.print(`ICMP6, ${ICMP6_TYPES[type] ?? `unknown icmp6 type (${type})`}`);
  const v = c.ndo.vflag;
  if (v && [133, 134, 135, 136, 137].includes(type)) c.print(`, length ${length}`);
  switch (type) {
    case 1:
      c.print(`, ${ICMP6_UNREACH[code] ?? `unknown unreach code (${code})`}`);
      break;
    case 128:
    case 129:
      c.print(`, id ${c.u16(bp + 4)}, seq ${c.u16(bp + 6)}`);
      break;
    case 130:
    case 131:
    case 132:
      if (length === 24) c.print(`max resp delay: ${c.u16(bp + 4)} addr: ${c.ip6addr(bp + 8)}`);
      break;
    case 133:
      if (v) icmp6OptPrint(c, bp + 8, length - 8);
      break;
    case 135:
      c.print(`, who has ${c.ip6addr(bp + 8)}`);
      if (v) icmp6OptPrint(c, bp + 24, length - 24);
      break;
    case 136: {
      c.print(`, tgt is ${c.ip6addr(bp + 8)}`);
      if (v) {
        const f = c.u8(bp + 4);
        const names = [f & 0x80 ? "router" : "", f & 0x40 ? "solicited" : "", f & 0x20 ? "override" : ""].filter(Boolean);
        c.print(`, Flags [${names.length ? names.join(", ") : "none"}]`);
        icmp6OptPrint(c, bp + 24, length - 24);
      }
      break;
    }
    case 137:
      c.print(`, ${c.ip6addr(bp + 8)} to ${c.ip6addr(bp + 24)}`);
      if (v) icmp6OptPrint(c, bp + 40, length - 40);
      break;
    case 143: {
      const ngroups = c.u16(bp + 6);
      c.print(`, ${ngroups} group record(s)`);
      if (v) {
        let g = 8;
        for (let i = 0; i < ngroups; i++) {
          c.check(bp + g, 20);
          const rt = c.u8(bp + g);
          const aux = c.u8(bp + g + 1);
          const nsrcs = c.u16(bp + g + 2);
          c.print(` [gaddr ${c.ip6addr(bp + g + 4)} ${MLDV2_REPORT[rt] ?? ` [v2-report-#${rt}]`}`);
          if (v === 1) c.print(`, ${nsrcs} source(s)`);
          else {
            c.print(" {");
            for (let j = 0; j < nsrcs; j++) c.print(` ${c.ip6addr(bp + g + 20 + j * 16)}`);
            c.print(" }");
          }
          g += 20 + nsrcs * 16 + aux * 4;
          c.print("]");
        }
      }
      break;
    }
    case 2:
    case 3:
    case 4:
    case 134:
      break;
    default:
      c.print(`, length ${length}`);
      return;
  }
  if (!v) c.print(`, length ${length}`);
}

// ------------------------------------------------------------------------- SLL2 (-i any)

const SLL_PKTTYPES = ["In", "B", "M", "P", "Out"];

/** print-sll.c: sll_if_print() + sll_print() — LINUX_SLL (v1): the header only with -e */
function sllPrint(c: Ctx, p: number, len: number): void {
  c.protocol = "sll";
  c.check(p, 16);
  c.llHdrLen = 16;
  const et = c.u16(p + 14);
  if (c.ndo.eflag) {
    c.print(sprintf("%3s ", SLL_PKTTYPES[c.u16(p)] ?? "?"));
    if (c.u16(p + 4) === 6) c.print(`${c.etheraddr(p + 6)} `);
    if (!c.ndo.qflag) {
      if (et <= 1500) c.print(et === 1 ? "802.3" : et === 4 ? "802.2" : sprintf("ethertype Unknown (0x%04x)", et));
      else c.print(sprintf("ethertype %s (0x%04x)", ETHERTYPES[et] ?? "Unknown", et));
    }
    c.print(`, length ${len}: `);
  }
  if (et > 1500) ethertypePrint(c, et, p + 16, len - 16);
}

/** print-sll.c: sll2_print() — the -e part of the cooked header */
function sll2HeaderPrint(c: Ctx, p: number, length: number): void {
  c.print(`ifindex ${c.u32(p + 4)} `);
  if (c.u8(p + 11) === 6) c.print(`${c.etheraddr(p + 12)} `);
  if (!c.ndo.qflag) {
    const et = c.u16(p);
    if (et <= 1500) c.print(et === 1 ? "802.3" : et === 4 ? "802.2" : sprintf("ethertype Unknown (0x%04x)", et));
    else c.print(sprintf("ethertype %s (0x%04x)", ETHERTYPES[et] ?? "Unknown", et));
  }
  c.print(`, length ${length}: `);
}

/** print-sll.c: sll2_if_print() — "eth0  Out IP ..." (interface name, direction) */
function sll2Print(c: Ctx, p: number, len: number, ifname: (i: number) => string): void {
  c.protocol = "sll2";
  c.check(p, 20);
  const ifindex = c.u32(p + 4);
  const pkttype = c.u8(p + 10);
  c.llHdrLen = 20;
  c.print(sprintf("%-5s ", ifname(ifindex)));
  c.print(sprintf("%-3s ", SLL_PKTTYPES[pkttype] ?? "?"));
  if (c.ndo.eflag) sll2HeaderPrint(c, p, len);
  let et = c.u16(p);
  let q = p + 20;
  let length = len - 20;
  while (et === 0x8100) {
    if (!c.ttest(q, 4)) {
      c.protocol = "vlan";
      throw new Trunc();
    }
    if (c.ndo.eflag) c.print(`${ieee8021qTciString(c.u16(q))}, `);
    et = c.u16(q + 2);
    if (!c.ndo.qflag) c.print(`ethertype ${ETHERTYPES[et] ?? "Unknown"}, `);
    q += 4;
    length -= 4;
  }
  if (et <= 1500) return;
  if (!ethertypePrint(c, et, q, length)) {
    if (!c.ndo.eflag) sll2HeaderPrint(c, p, len);
  }
}

// ------------------------------------------------------------------------- entry

export const DLT_EN10MB = 1;
export const DLT_LINUX_SLL = 113;
export const DLT_LINUX_SLL2 = 276;
export const DLT_IPV4 = 228;
export const DLT_NFLOG = 239;

/** print-nflog.c: nflog_hdr_print() */
function nflogHdrPrint(c: Ctx, length: number): void {
  const fam = c.u8(0);
  const famName = fam === 2 ? "IPv4" : fam === 10 ? "IPv6" : undefined;
  c.print(`version ${c.u8(1)}, resource ID ${c.u16(2)}`);
  if (!c.ndo.qflag) c.print(`, family ${famName ?? "Unknown"} (${fam})`);
  else c.print(`, ${famName ?? sprintf("Unknown NFLOG (0x%02x)", fam)}`);
  c.print(`, length ${length}: `);
}

/** print-nflog.c: nflog_if_print() — the TLVs (little-endian headers, 4-aligned) up to
 * NFULA_PAYLOAD, then the packet */
function nflogPrint(c: Ctx, len: number): void {
  c.protocol = "nflog";
  let caplen = c.b.length;
  let length = len;
  if (caplen < 4) {
    c.print(" [|nflog]");
    c.llHdrLen += caplen;
    return;
  }
  c.llHdrLen += 4;
  if (c.u8(1) !== 0) {
    c.print(`version ${c.u8(1)} (unknown)`);
    return;
  }
  if (c.ndo.eflag) nflogHdrPrint(c, length);
  let p = 4;
  let hSize = 4;
  length -= 4;
  caplen -= 4;
  let trunc = false;
  while (length > 0) {
    if (caplen < 4) {
      trunc = true;
      break;
    }
    let size = c.b[p]! | (c.b[p + 1]! << 8);
    if (size % 4) size += 4 - (size % 4);
    if (size < 4 || caplen < size) {
      trunc = true;
      break;
    }
    if ((c.b[p + 2]! | (c.b[p + 3]! << 8)) === 9) {
      p += 4;
      hSize += 4;
      length -= 4;
      caplen -= 4;
      break;
    }
    p += size;
    hSize += size;
    length -= size;
    caplen -= size;
  }
  if (trunc) {
    c.print(" [|nflog]");
    c.llHdrLen += hSize - 4;
    return;
  }
  const fam = c.u8(0);
  if (fam === 2) ipPrint(c, p, length);
  else if (fam === 10) ip6Print(c, p, length);
  else {
    if (!c.ndo.eflag) nflogHdrPrint(c, length + 4);
    c.print(hexAndAsciiPrint("\n\t", c.b, p, caplen));
  }
  c.llHdrLen += hSize - 4;
}

/**
 * print.c: pretty_print_packet() without the timestamp: one packet's text (may span lines
 * with -v), without the final newline.
 */
export function printPacket(ndo: Ndo, dlt: number, data: Uint8Array, len: number, ifname?: (i: number) => string): string {
  const c = new Ctx(ndo, data);
  try {
    if (dlt === DLT_LINUX_SLL2) sll2Print(c, 0, len, ifname ?? ((i) => String(i)));
    else if (dlt === DLT_NFLOG) nflogPrint(c, len);
    else if (dlt === DLT_IPV4) {
      // print-raw.c: raw_if_print()
      if (c.ndo.eflag) c.print("ip: ");
      ipPrint(c, 0, len);
    }
    else if (dlt === DLT_LINUX_SLL) sllPrint(c, 0, len);
    else if (dlt !== DLT_EN10MB) {
      // print.c: unsupported_if_print() — a type without a printer (DOCSIS): the bytes
      c.print("UNSUPPORTED");
      c.print(hexAndAsciiPrint("\n\t", data, 0, data.length));
      c.llHdrLen = data.length;
    } else etherPrint(c, 0, len, data.length);
  } catch (e) {
    if (!(e instanceof Trunc)) throw e;
    c.print(` [|${c.protocol}]`);
    // the longjmp skips the ndo_ll_hdr_len bookkeeping: the dump starts at the frame
    c.llHdrLen = 0;
  }
  // print.c: pretty_print_packet() — the raw bytes after the decoded line
  const hdr = c.llHdrLen;
  if (ndo.Xflag) {
    if (ndo.Xflag > 1) c.print(hexAndAsciiPrint("\n\t", data, 0, data.length));
    else if (data.length > hdr) c.print(hexAndAsciiPrint("\n\t", data, hdr, data.length - hdr));
  } else if (ndo.xflag) {
    if (ndo.xflag > 1) c.print(hexPrint("\n\t", data, 0, data.length));
    else if (data.length > hdr) c.print(hexPrint("\n\t", data, hdr, data.length - hdr));
  } else if (ndo.Aflag) {
    if (data.length > hdr) c.print(asciiPrint(data, hdr, data.length - hdr));
  }
  return c.out;
}

const isgraph = (x: number) => x > 0x20 && x <= 0x7e;

/** util-print.c: hex_and_ascii_print_with_offset() */
function hexAndAsciiPrint(ident: string, b: Uint8Array, off: number, length: number): string {
  let out = "";
  let oset = 0;
  let hex = "";
  let asc = "";
  let i = 0;
  let p = off;
  const line = () => {
    out += `${ident}${sprintf("0x%04x", oset)}: ${hex.padEnd(40)}  ${asc}`;
    hex = "";
    asc = "";
    i = 0;
    oset += 16;
  };
  for (let n = length >> 1; n > 0; n--) {
    const s1 = b[p++]!;
    const s2 = b[p++]!;
    hex += sprintf(" %02x%02x", s1, s2);
    asc += (isgraph(s1) ? String.fromCharCode(s1) : ".") + (isgraph(s2) ? String.fromCharCode(s2) : ".");
    if (++i >= 8) line();
  }
  if (length & 1) {
    const s1 = b[p++]!;
    hex += sprintf(" %02x", s1);
    asc += isgraph(s1) ? String.fromCharCode(s1) : ".";
    i++;
  }
  if (i > 0) line();
  return out;
}

/** util-print.c: hex_print_with_offset() */
function hexPrint(ident: string, b: Uint8Array, off: number, length: number): string {
  let out = "";
  let oset = 0;
  let i = 0;
  let p = off;
  for (let n = length >> 1; n > 0; n--) {
    if (i++ % 8 === 0) {
      out += `${ident}${sprintf("0x%04x", oset)}: `;
      oset += 16;
    }
    out += sprintf(" %02x%02x", b[p]!, b[p + 1]!);
    p += 2;
  }
  if (length & 1) {
    if (i % 8 === 0) out += `${ident}${sprintf("0x%04x", oset)}: `;
    out += sprintf(" %02x", b[p]!);
  }
  return out;
}

/** util-print.c: ascii_print() */
function asciiPrint(b: Uint8Array, off: number, length: number): string {
  let out = "\n";
  let p = off;
  while (length > 0) {
    const s = b[p++]!;
    length--;
    if (s === 0x0d) {
      if (length === 0) {
        out += ".";
        continue;
      }
      if (b[p] !== 0x0a) out += ".";
    } else if (!isgraph(s) && s !== 0x09 && s !== 0x20 && s !== 0x0a) out += ".";
    else out += String.fromCharCode(s);
  }
  return out;
}

/** util-print.c: ts_format() for the default -t: "HH:MM:SS.uuuuuu " (UTC on the lab machines) */
export function tsFormat(sec: number, usec: number): string {
  const s = ((sec % 86400) + 86400) % 86400;
  return sprintf("%02d:%02d:%02d.%06u ", Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60, usec);
}

const IP_OPTION_VALUES: Record<number, string> = { 0: "EOL", 1: "NOP", 68: "timestamp", 130: "security", 7: "RR", 137: "SSRR", 131: "LSRR", 148: "RA", 82: "traceroute" };

/** print-ip.c: ip_printroute(): the addresses of RR, LSRR and SSRR, a comma after each one
 * the pointer has passed; false when truncated */
function ipPrintroute(c: Ctx, cp: number, length: number): boolean {
  if (length < 3) {
    c.print(` [bad length ${length}]`);
    return true;
  }
  if ((length + 1) & 3) c.print(` [bad length ${length}]`);
  const ptr = c.u8(cp + 2) - 1;
  if (ptr < 3 || (ptr + 1) & 3 || ptr > length + 1) c.print(` [bad ptr ${c.u8(cp + 2)}]`);
  for (let len = 3; len < length; len += 4) {
    if (!c.ttest(cp + len, 4)) return false;
    c.print(` ${c.ipaddr(cp + len)}`);
    if (ptr > len) c.print(",");
  }
  return true;
}

/** print-ip.c: ip_printts() */
function ipPrintts(c: Ctx, cp: number, length: number): boolean {
  if (length < 4) {
    c.print(`[bad length ${length}]`);
    return true;
  }
  c.print(" TS{");
  const flags = c.u8(cp + 3);
  const hoplen = (flags & 0xf) !== 0 ? 8 : 4;
  if ((length - 4) & (hoplen - 1)) c.print(`[bad length ${length}]`);
  const ptr = c.u8(cp + 2) - 1;
  let len = 0;
  if (ptr < 4 || (ptr - 4) & (hoplen - 1) || ptr > length + 1) c.print(`[bad ptr ${c.u8(cp + 2)}]`);
  const kind = ({ 0: "TSONLY", 1: "TS+ADDR", 3: "PRESPEC" } as Record<number, string>)[flags & 0xf];
  if (kind === undefined) c.print(`[bad ts type ${flags & 0xf}]`);
  else {
    c.print(kind);
    let type = " ";
    for (len = 4; len < length; len += hoplen) {
      if (ptr === len) type = " ^ ";
      if (!c.ttest(cp + len, hoplen)) return false;
      c.print(`${type}${c.u32(cp + len + hoplen - 4)}@${hoplen !== 8 ? "" : c.ipaddr(cp + len)}`);
      type = " ";
    }
  }
  c.print(ptr === len ? " ^ " : "");
  if (flags >> 4) c.print(` [${flags >> 4} hops not recorded]} `);
  else c.print("}");
  return true;
}

/** print-ip.c: ip_optprint(): false when the options are truncated */
function ipOptprint(c: Ctx, cp: number, length: number): boolean {
  let sep = "";
  for (let optionLen = 0; length > 0; cp += optionLen, length -= optionLen) {
    c.print(sep);
    sep = ",";
    const code = c.u8(cp);
    c.print(IP_OPTION_VALUES[code] ?? `unknown ${code}`);
    if (code === 1 || code === 0) optionLen = 1;
    else {
      optionLen = c.u8(cp + 1);
      if (optionLen < 2) {
        c.print(` [bad length ${optionLen}]`);
        return true;
      }
    }
    if (optionLen > length) {
      c.print(` [bad length ${optionLen}]`);
      return true;
    }
    if (!c.ttest(cp, optionLen)) return false;
    switch (code) {
      case 0:
        return true;
      case 68:
        if (!ipPrintts(c, cp, optionLen)) return false;
        break;
      case 7:
      case 137:
      case 131:
        if (!ipPrintroute(c, cp, optionLen)) return false;
        break;
      case 148:
        if (optionLen < 4) {
          c.print(` [bad length ${optionLen}]`);
          break;
        }
        if (c.u16(cp + 2) !== 0) c.print(` value ${c.u16(cp + 2)}`);
        break;
      default:
        break;
    }
  }
  return true;
}
