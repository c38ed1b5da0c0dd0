/**
 * RFC 2131/2132 BOOTP/DHCP messages as dnsmasq (src/dhcp-protocol.h), ISC dhclient
 * (includes/dhcp.h) and busybox udhcpc (networking/udhcp/common.h) lay them out: the fixed
 * 236-byte BOOTP header, the magic cookie and the option TLVs. Shared by the three ports.
 */
import { readU16, readU32, writeU16, writeU32, ipv4ToString, macToString } from "../../wire/addr.ts";
import { csumPartial, csumFold } from "../../wire/checksum.ts";
import { udpWrite } from "../../wire/udp.ts";
import { iphWrite } from "../../wire/ipv4.ts";

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;
export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
export const DHCP_COOKIE = 0x63825363;
/** includes/dhcp.h: BOOTP_MIN_LEN (ISC pads requests to it) */
export const BOOTP_MIN_LEN = 300;

export const DHCPDISCOVER = 1;
export const DHCPOFFER = 2;
export const DHCPREQUEST = 3;
export const DHCPDECLINE = 4;
export const DHCPACK = 5;
export const DHCPNAK = 6;
export const DHCPRELEASE = 7;
export const DHCPINFORM = 8;

export const OPTION_PAD = 0;
export const OPTION_NETMASK = 1;
export const OPTION_ROUTER = 3;
export const OPTION_DNSSERVER = 6;
export const OPTION_HOSTNAME = 12;
export const OPTION_DOMAINNAME = 15;
export const OPTION_BROADCAST = 28;
export const OPTION_REQUESTED_IP = 50;
export const OPTION_LEASE_TIME = 51;
export const OPTION_OVERLOAD = 52;
export const OPTION_MESSAGE_TYPE = 53;
export const OPTION_SERVER_IDENTIFIER = 54;
export const OPTION_REQUESTED_OPTIONS = 55;
export const OPTION_MESSAGE = 56;
export const OPTION_MAXMESSAGE = 57;
export const OPTION_T1 = 58;
export const OPTION_T2 = 59;
export const OPTION_VENDOR_ID = 60;
export const OPTION_CLIENT_ID = 61;
export const OPTION_DOMAIN_SEARCH = 119;
export const OPTION_END = 255;

export const DHCP_MESSAGE_NAMES: Record<number, string> = {
  1: "DHCPDISCOVER", 2: "DHCPOFFER", 3: "DHCPREQUEST", 4: "DHCPDECLINE",
  5: "DHCPACK", 6: "DHCPNAK", 7: "DHCPRELEASE", 8: "DHCPINFORM",
};

/** struct dhcp_packet, decoded; options keep their order of appearance */
export interface DhcpPacket {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: number;
  yiaddr: number;
  siaddr: number;
  giaddr: number;
  chaddr: Uint8Array; // 16 bytes
  sname: string;
  file: string;
  options: Map<number, Uint8Array>;
}

export function newPacket(op: number, xid: number, chaddr: Uint8Array): DhcpPacket {
  const ch = new Uint8Array(16);
  ch.set(chaddr.subarray(0, 16));
  return {
    op, htype: 1, hlen: chaddr.length, hops: 0, xid, secs: 0, flags: 0,
    ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: ch, sname: "", file: "", options: new Map(),
  };
}

/** parse a BOOTP/DHCP message (undefined when it is not one) */
export function parseDhcp(b: Uint8Array): DhcpPacket | undefined {
  if (b.length < 240) return undefined;
  if (readU32(b, 236) !== DHCP_COOKIE) return undefined;
  const str = (o: number, n: number): string => {
    let s = "";
    for (let i = 0; i < n && b[o + i]; i++) s += String.fromCharCode(b[o + i]!);
    return s;
  };
  const p: DhcpPacket = {
    op: b[0]!, htype: b[1]!, hlen: b[2]!, hops: b[3]!, xid: readU32(b, 4), secs: readU16(b, 8),
    flags: readU16(b, 10), ciaddr: readU32(b, 12), yiaddr: readU32(b, 16), siaddr: readU32(b, 20),
    giaddr: readU32(b, 24), chaddr: b.slice(28, 44), sname: str(44, 64), file: str(108, 128), options: new Map(),
  };
  let o = 240;
  while (o < b.length) {
    const code = b[o]!;
    if (code === OPTION_PAD) {
      o++;
      continue;
    }
    if (code === OPTION_END) break;
    if (o + 1 >= b.length) return undefined;
    const len = b[o + 1]!;
    if (o + 2 + len > b.length) return undefined;
    const v = b.slice(o + 2, o + 2 + len);
    const prev = p.options.get(code);
    if (prev) {
      // RFC 3396: concatenate split options
      const cat = new Uint8Array(prev.length + v.length);
      cat.set(prev);
      cat.set(v, prev.length);
      p.options.set(code, cat);
    } else p.options.set(code, v);
    o += 2 + len;
  }
  return p;
}

/** serialise; `minLen` pads with zeros after the END option (BOOTP_MIN_LEN) */
export function buildDhcp(p: DhcpPacket, minLen = 0): Uint8Array {
  let optLen = 0;
  for (const v of p.options.values()) optLen += 2 + v.length;
  const len = Math.max(240 + optLen + 1, minLen);
  const b = new Uint8Array(len);
  b[0] = p.op;
  b[1] = p.htype;
  b[2] = p.hlen;
  b[3] = p.hops;
  writeU32(b, 4, p.xid);
  writeU16(b, 8, p.secs);
  writeU16(b, 10, p.flags);
  writeU32(b, 12, p.ciaddr);
  writeU32(b, 16, p.yiaddr);
  writeU32(b, 20, p.siaddr);
  writeU32(b, 24, p.giaddr);
  b.set(p.chaddr.subarray(0, 16), 28);
  for (let i = 0; i < p.sname.length && i < 63; i++) b[44 + i] = p.sname.charCodeAt(i);
  for (let i = 0; i < p.file.length && i < 127; i++) b[108 + i] = p.file.charCodeAt(i);
  writeU32(b, 236, DHCP_COOKIE);
  let o = 240;
  for (const [code, v] of p.options) {
    b[o] = code;
    b[o + 1] = v.length;
    b.set(v, o + 2);
    o += 2 + v.length;
  }
  b[o] = OPTION_END;
  return b;
}

export const optU8 = (v: number): Uint8Array => Uint8Array.of(v & 0xff);
export function optU32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  writeU32(b, 0, v >>> 0);
  return b;
}
export function optAddrs(a: number[]): Uint8Array {
  const b = new Uint8Array(4 * a.length);
  a.forEach((x, i) => writeU32(b, 4 * i, x >>> 0));
  return b;
}
export function optStr(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}
export function getU32(p: DhcpPacket, code: number): number | undefined {
  const v = p.options.get(code);
  return v && v.length >= 4 ? readU32(v, 0) : undefined;
}
export function getAddrs(p: DhcpPacket, code: number): number[] {
  const v = p.options.get(code);
  const out: number[] = [];
  if (v) for (let i = 0; i + 4 <= v.length; i += 4) out.push(readU32(v, i));
  return out;
}
export function getStr(p: DhcpPacket, code: number): string | undefined {
  const v = p.options.get(code);
  if (!v) return undefined;
  let s = "";
  for (const c of v) {
    if (!c) break;
    s += String.fromCharCode(c);
  }
  return s;
}
export function msgType(p: DhcpPacket): number {
  const v = p.options.get(OPTION_MESSAGE_TYPE);
  return v && v.length ? v[0]! : 0;
}
export function chaddrString(p: DhcpPacket): string {
  return macToString(p.chaddr, 0, Math.min(p.hlen, 16));
}
export { ipv4ToString };

/**
 * common/packet.c: assemble_hw_header() + assemble_udp_ip_header(): the whole Ethernet frame a
 * LPF client sends (ISC: TOS IPTOS_LOWDELAY, TTL 128 (IPDEFTTL in ISC is 64; LPF uses 128),
 * id 0, no DF).
 */
export function buildUdpFrame(
  srcMac: Uint8Array, dstMac: Uint8Array, saddr: number, daddr: number, sport: number, dport: number,
  payload: Uint8Array, opts: { tos?: number; ttl?: number; id?: number; df?: boolean } = {},
): Uint8Array {
  const ulen = 8 + payload.length;
  const f = new Uint8Array(14 + 20 + ulen);
  f.set(dstMac, 0);
  f.set(srcMac, 6);
  writeU16(f, 12, 0x0800);
  f.set(payload, 14 + 20 + 8);
  udpWrite(f, 34, sport, dport, ulen, saddr, daddr);
  iphWrite(f, 14, opts.tos ?? 0x10, 20 + ulen, opts.id ?? 0, opts.df ? 0x4000 : 0, opts.ttl ?? 128, 17, saddr, daddr);
  return f;
}

/**
 * common/packet.c: decode_hw_header() + decode_udp_ip_header(): a received Ethernet frame
 * carrying UDP to `dport` -> the payload, or undefined (bad checksum, other traffic).
 */
export function decodeUdpFrame(f: Uint8Array, dport: number): { saddr: number; daddr: number; sport: number; srcMac: Uint8Array; payload: Uint8Array } | undefined {
  if (f.length < 42 || readU16(f, 12) !== 0x0800) return undefined;
  const ip = 14;
  if (f[ip]! >> 4 !== 4) return undefined;
  const ihl = (f[ip]! & 0xf) * 4;
  if (f[ip + 9] !== 17) return undefined;
  if (readU16(f, ip + 6) & 0x3fff) return undefined; // fragments
  if (csumFold(csumPartial(f, ip, ihl)) !== 0) return undefined;
  const u = ip + ihl;
  if (readU16(f, u + 2) !== dport) return undefined;
  const ulen = readU16(f, u + 4);
  if (u + ulen > f.length || ulen < 8) return undefined;
  return {
    saddr: readU32(f, ip + 12), daddr: readU32(f, ip + 16), sport: readU16(f, u),
    srcMac: f.slice(6, 12), payload: f.slice(u + 8, u + ulen),
  };
}
