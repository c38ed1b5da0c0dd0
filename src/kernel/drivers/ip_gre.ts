/**
 * net/ipv4/gre_demux.c + net/ipv4/ip_gre.c: GRE over IPv4. The `gre` module owns
 * IPPROTO_GRE and hands version-0 packets to ip_gre; loading ip_gre makes gre0 (ARPHRD_IPGRE,
 * MTU 1476), gretap0 (Ethernet over GRE, MTU 1462) and erspan0 (MTU 1450) in every namespace.
 * `ip tunnel add NAME mode gre … [key K] [csum] [seq]` creates through gre0's ioctl, `ip link
 * add NAME type gre|gretap …` through netlink (IFLA_GRE_*).
 *
 * Not modelled: ERSPAN encapsulation (erspan0 exists and shows itself), NBMA gre devices'
 * header_ops (ipgre_header), GRE over multicast, collect_md (external) transmit.
 */
import { NetDevice, NETDEV_TX_OK, IFF_LIVE_ADDR_CHANGE, IFF_NO_QUEUE, NET_ADDR_RANDOM, NET_ADDR_SET } from "../core/netdevice.ts";
import type { NetDeviceOps } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { ARPHRD_IPGRE, ARPHRD_ETHER, ETH_P_IP, IFF_BROADCAST, IFF_MULTICAST, IFF_POINTOPOINT } from "../uapi/if.ts";
import type { InfoData, IflaAttrs } from "../uapi/rtnetlink.ts";
import {
  type IpTunnelParm, emptyTunnelParm, IPPROTO_GRE, GRE_CSUM, GRE_KEY, GRE_SEQ, GRE_ROUTING,
  SIOCADDTUNNEL, SIOCCHGTUNNEL,
} from "../uapi/if_tunnel.ts";
import { rtnlLinkRegister, type RtnlLinkKind } from "../core/rtnetlink.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { setEthtoolOps } from "../core/dev_ioctl.ts";
import { validateEtherAddrAttr, ethMacAddr } from "../core/dev.ts";
import { inetAddProtocol } from "../ipv4/ip_input.ts";
import { icmpSend } from "../ipv4/icmp.ts";
import { readU16, readU32, writeU16, writeU32 } from "../../wire/addr.ts";
import { IP_DF } from "../../wire/ipv4.ts";
import { csumFold, csumPartial } from "../../wire/checksum.ts";
import { ICMP_DEST_UNREACH, ICMP_PORT_UNREACH } from "../../wire/icmp.ts";
import {
  type IpTunnelKind, ipTunnelSetupDev, ipTunnelXmit, ipTunnelRcv, ipTunnelLookup, ipTunnelCtl, itnOf,
  ipTunnelNewlink, ipTunnelChangelink, ipTunnelDellink, ipTunnelUninit, ipTunnelChangeMtu, ipTunnelGetIflink,
  ipTunnelGetLinkNet, ipTunnelRegisterOps, ipTunnelRegisterDriver, ipTunnelIoctlInit, tunnelOf,
  TUNNEL_XMIT_DROPPED,
} from "./ip_tunnel.ts";
import { registerKernelModule, requestModule, moduleLoaded } from "./kmod.ts";
import { inetProtoAbsent } from "./tunnel4.ts";

export const ETH_P_TEB = 0x6558;
const GRE_VERSION = 0x0007;
const ETH_P_ERSPAN = 0x88be;

/** include/net/gre.h: gre_calc_hlen() */
export function greCalcHlen(oFlags: number): number {
  let addend = 4;
  if (oFlags & GRE_CSUM) addend += 4;
  if (oFlags & GRE_KEY) addend += 4;
  if (oFlags & GRE_SEQ) addend += 4;
  return addend;
}

/** include/net/gre.h: gre_build_header(): skb.data moves to the GRE header */
function greBuildHeader(skb: SkBuff, hdrLen: number, flags: number, proto: number, key: number, seq: number): void {
  const o = skb.push(hdrLen);
  const b = skb.buf;
  writeU16(b, o, flags & (GRE_CSUM | GRE_KEY | GRE_SEQ));
  writeU16(b, o + 2, proto);
  let p = o + hdrLen;
  if (flags & GRE_SEQ) {
    p -= 4;
    writeU32(b, p, seq);
  }
  if (flags & GRE_KEY) {
    p -= 4;
    writeU32(b, p, key);
  }
  if (flags & GRE_CSUM) {
    p -= 4;
    writeU32(b, p, 0);
    writeU16(b, p, csumFold(csumPartial(b, o, skb.tail - o)));
  }
}

/** net/ipv4/ip_gre.c: __gre_xmit() */
function greXmit(skb: SkBuff, dev: NetDevice, tnl: IpTunnelParm, proto: number, innerOff: number): number {
  const t = tunnelOf(dev);
  if (t.parms.o_flags & GRE_SEQ) t.oSeqno = (t.oSeqno + 1) >>> 0;
  /* Push GRE header. */
  greBuildHeader(skb, t.tunHlen, t.parms.o_flags, proto, t.parms.o_key, t.oSeqno);
  return ipTunnelXmit(skb, dev, tnl, tnl.iph.protocol || IPPROTO_GRE, innerOff);
}

/** net/ipv4/ip_gre.c: ipgre_xmit() */
function ipgreXmit(skb: SkBuff, dev: NetDevice): number {
  const t = tunnelOf(dev);
  if (t.collectMd) {
    dev.stats.tx_dropped++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ipgre_xmit");
    return TUNNEL_XMIT_DROPPED;
  }
  return greXmit(skb, dev, t.parms, skb.protocol, skb.data);
}

/** net/ipv4/ip_gre.c: gre_tap_xmit() — skb.data is the Ethernet frame */
function greTapXmit(skb: SkBuff, dev: NetDevice): number {
  const t = tunnelOf(dev);
  if (t.collectMd) {
    dev.stats.tx_dropped++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "gre_tap_xmit");
    return TUNNEL_XMIT_DROPPED;
  }
  return greXmit(skb, dev, t.parms, ETH_P_TEB, skb.data + 14);
}

/** erspan_xmit(): not modelled (erspan0 only exists) */
function erspanXmit(skb: SkBuff, dev: NetDevice): number {
  dev.stats.tx_errors++;
  kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "erspan_xmit");
  return TUNNEL_XMIT_DROPPED;
}

/** net/ipv4/ip_gre.c: __gre_tunnel_init() */
function greTunnelInitCommon(dev: NetDevice): void {
  const t = tunnelOf(dev);
  t.tunHlen = greCalcHlen(t.parms.o_flags);
  t.parms.iph.protocol = IPPROTO_GRE;
  t.hlen = t.tunHlen;
}

/** net/ipv4/ip_gre.c: ipgre_tunnel_init() */
function ipgreTunnelInit(dev: NetDevice): void {
  greTunnelInitCommon(dev);
  const t = tunnelOf(dev);
  writeU32(dev.devAddr, 0, t.parms.iph.saddr);
  writeU32(dev.broadcast, 0, t.parms.iph.daddr);
}

/** net/ipv4/ip_gre.c: gre_tap_init() */
function greTapInit(dev: NetDevice): void {
  greTunnelInitCommon(dev);
  dev.privFlags |= IFF_LIVE_ADDR_CHANGE;
}

/** net/ipv4/ip_gre.c: erspan_tunnel_init() (version 1: an 8-byte ERSPAN header) */
function erspanTunnelInit(dev: NetDevice): void {
  const t = tunnelOf(dev);
  t.tunHlen = 8;
  t.parms.iph.protocol = IPPROTO_GRE;
  t.hlen = t.tunHlen + 8;
  t.parms.o_flags |= GRE_KEY;
}

/** net/ipv4/ip_gre.c: ipgre_tunnel_ctl() */
function ipgreTunnelCtl(dev: NetDevice, p: IpTunnelParm, cmd: string): KErr | undefined {
  if (cmd === SIOCADDTUNNEL || cmd === SIOCCHGTUNNEL) {
    if (p.iph.version !== 4 || p.iph.protocol !== IPPROTO_GRE || p.iph.ihl !== 5 || p.iph.frag_off & ~IP_DF & 0xffff ||
      (p.i_flags | p.o_flags) & (GRE_VERSION | GRE_ROUTING)) return kerr("EINVAL");
  }
  const e = ipTunnelCtl(dev, p, cmd);
  if (e) return e;
  if (cmd === SIOCCHGTUNNEL) {
    const t = tunnelOf(dev);
    t.parms.i_flags = p.i_flags;
    t.parms.o_flags = p.o_flags;
    /* ipgre_link_update() */
    const len = greCalcHlen(t.parms.o_flags) - t.tunHlen;
    t.tunHlen = greCalcHlen(t.parms.o_flags);
    t.hlen = t.tunHlen;
    dev.mtu = Math.max(dev.mtu - len, 68);
  }
  return undefined;
}

const ipgreNetdevOps: NetDeviceOps = {
  startXmit: ipgreXmit,
  uninit: ipTunnelUninit,
  changeMtu: ipTunnelChangeMtu,
  getIflink: ipTunnelGetIflink,
  getLinkNet: ipTunnelGetLinkNet,
};
const greTapNetdevOps: NetDeviceOps = {
  startXmit: greTapXmit,
  uninit: ipTunnelUninit,
  setMacAddress: ethMacAddr,
  changeMtu: ipTunnelChangeMtu,
  getIflink: ipTunnelGetIflink,
  getLinkNet: ipTunnelGetLinkNet,
};
const erspanNetdevOps: NetDeviceOps = { ...greTapNetdevOps, startXmit: erspanXmit };
for (const ops of [ipgreNetdevOps, greTapNetdevOps, erspanNetdevOps]) {
  ipTunnelRegisterOps(ops);
  setEthtoolOps(ops, { getLink: (d) => (d.carrier ? 1 : 0), getDrvinfo: () => ({ driver: "gre", version: "" }) });
}

/** net/ipv4/ip_gre.c: ipgre_tunnel_setup() */
function ipgreTunnelSetup(name: string, net: Net): NetDevice {
  return ipTunnelSetupDev(name, net, ARPHRD_IPGRE, ipgreNetdevOps, ipgreKind);
}

/** net/ipv4/ip_gre.c: ipgre_tap_setup() / erspan_setup() (ether_setup; a zero MAC until
 * newlink draws one) */
function tapSetup(name: string, net: Net, ops: NetDeviceOps, kind: IpTunnelKind, maxMtu: number): NetDevice {
  const dev = ipTunnelSetupDev(name, net, ARPHRD_ETHER, ops, kind);
  dev.flags = IFF_BROADCAST | IFF_MULTICAST;
  dev.addrLen = 6;
  dev.hardHeaderLen = 14;
  dev.devAddr = new Uint8Array(6);
  dev.broadcast = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  dev.minMtu = 68;
  dev.maxMtu = maxMtu;
  /* ether_setup() gave a tx_queue_len: no IFF_NO_QUEUE */
  dev.privFlags &= ~IFF_NO_QUEUE;
  return dev;
}

// ------------------------------------------------------------------ receive

/** net/ipv4/gre_demux.c: gre_parse_header() — skb.data at the GRE header; null on error */
function greParseHeader(skb: SkBuff): { flags: number; proto: number; key: number; seq: number; hdrLen: number } | null {
  const b = skb.buf;
  const o = skb.data;
  if (skb.len < 4) return null;
  const flags = readU16(b, o);
  if (flags & (GRE_VERSION | GRE_ROUTING)) return null;
  const hdrLen = greCalcHlen(flags);
  if (skb.len < hdrLen) return null;
  const proto = readU16(b, o + 2);
  let p = o + 4;
  if (flags & GRE_CSUM) {
    if (csumFold(csumPartial(b, o, skb.len)) !== 0) return null;
    p += 4;
  }
  let key = 0;
  if (flags & GRE_KEY) {
    key = readU32(b, p);
    p += 4;
  }
  let seq = 0;
  if (flags & GRE_SEQ) seq = readU32(b, p);
  return { flags, proto, key, seq, hdrLen };
}

/** net/ipv4/ip_gre.c: __ipgre_rcv() + ipgre_rcv(): 0 = received, -1 = PACKET_NEXT */
function ipgreRcv(skb: SkBuff, tpi: { flags: number; proto: number; key: number; seq: number; hdrLen: number }): number {
  const dev = skb.dev!;
  const net = dev.net;
  const kind = tpi.proto === ETH_P_TEB ? gretapKind : ipgreKind;
  const itn = itnOf(kind, net);
  const n = skb.networkHeader;
  const t = ipTunnelLookup(itn, dev.ifindex, tpi.flags, readU32(skb.buf, n + 12), readU32(skb.buf, n + 16), tpi.key);
  if (!t) return -1;
  /* __iptunnel_pull_header() */
  skb.data += tpi.hdrLen;
  ipTunnelRcv(t, skb, tpi.proto, tpi.flags, tpi.seq);
  return 0;
}

/** net/ipv4/ip_gre.c: gre_rcv() (the GREPROTO_CISCO handler) */
function greCiscoRcv(skb: SkBuff): void {
  const tpi = greParseHeader(skb);
  if (!tpi) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "gre_rcv");
    return;
  }
  if (tpi.proto !== ETH_P_ERSPAN && ipgreRcv(skb, tpi) === 0) return;
  icmpSend(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
  kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "gre_rcv");
}

/** net/ipv4/gre_demux.c: gre_rcv() — by GRE version; ip_gre owns version 0 */
function greDemuxRcv(skb: SkBuff): void {
  const host = skb.dev!.net.host;
  if (!moduleLoaded(host, "gre")) {
    inetProtoAbsent(skb);
    return;
  }
  if (skb.len < 4) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "gre_rcv");
    return;
  }
  const ver = skb.buf[skb.data + 1]! & 0x7f;
  if (ver !== 0 || !moduleLoaded(host, "ip_gre")) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "gre_rcv");
    return;
  }
  greCiscoRcv(skb);
}

// ------------------------------------------------------------------ netlink

function u8(d: InfoData, k: string): number | undefined {
  const v = d[k];
  if (typeof v === "boolean") return v ? 1 : 0;
  return typeof v === "number" ? v : undefined;
}

function be32(d: InfoData, k: string): number | undefined {
  const v = d[k];
  if (v instanceof Uint8Array && v.length >= 4) return readU32(v, 0);
  return typeof v === "number" ? v >>> 0 : undefined;
}

function a4(v: number): Uint8Array {
  const b = new Uint8Array(4);
  writeU32(b, 0, v);
  return b;
}

/** net/ipv4/ip_gre.c: ipgre_netlink_parms() */
function ipgreNetlinkParms(dev: NetDevice, data: InfoData | undefined): { p: IpTunnelParm; fwmark: number } | KErr {
  const t = tunnelOf(dev);
  const p = emptyTunnelParm();
  p.iph.protocol = IPPROTO_GRE;
  let fwmark = t.fwmark;
  if (!data) {
    p.iph.frag_off = IP_DF;
    return { p, fwmark };
  }
  if (u8(data, "IFLA_GRE_LINK") !== undefined) p.link = u8(data, "IFLA_GRE_LINK")!;
  if (u8(data, "IFLA_GRE_IFLAGS") !== undefined) p.i_flags = u8(data, "IFLA_GRE_IFLAGS")!;
  if (u8(data, "IFLA_GRE_OFLAGS") !== undefined) p.o_flags = u8(data, "IFLA_GRE_OFLAGS")!;
  if (be32(data, "IFLA_GRE_IKEY") !== undefined) p.i_key = be32(data, "IFLA_GRE_IKEY")!;
  if (be32(data, "IFLA_GRE_OKEY") !== undefined) p.o_key = be32(data, "IFLA_GRE_OKEY")!;
  if (be32(data, "IFLA_GRE_LOCAL") !== undefined) p.iph.saddr = be32(data, "IFLA_GRE_LOCAL")!;
  if (be32(data, "IFLA_GRE_REMOTE") !== undefined) p.iph.daddr = be32(data, "IFLA_GRE_REMOTE")!;
  if (u8(data, "IFLA_GRE_TTL") !== undefined) p.iph.ttl = u8(data, "IFLA_GRE_TTL")!;
  if (u8(data, "IFLA_GRE_TOS") !== undefined) p.iph.tos = u8(data, "IFLA_GRE_TOS")!;
  const pm = u8(data, "IFLA_GRE_PMTUDISC");
  if (pm === undefined || pm) {
    if (t.ignoreDf) return kerr("EINVAL");
    p.iph.frag_off = IP_DF;
  }
  if (data["IFLA_GRE_COLLECT_METADATA"]) {
    t.collectMd = true;
    if (dev.type === ARPHRD_IPGRE) dev.type = 0xfffe; // ARPHRD_NONE
  }
  const idf = u8(data, "IFLA_GRE_IGNORE_DF");
  if (idf !== undefined) {
    if (idf && p.iph.frag_off & IP_DF) return kerr("EINVAL");
    t.ignoreDf = !!idf;
  }
  if (u8(data, "IFLA_GRE_FWMARK") !== undefined) fwmark = u8(data, "IFLA_GRE_FWMARK")!;
  return { p, fwmark };
}

/** net/ipv4/ip_gre.c: ipgre_tunnel_validate() */
function ipgreTunnelValidate(data: InfoData | undefined): KErr | undefined {
  if (!data) return undefined;
  const flags = (u8(data, "IFLA_GRE_IFLAGS") ?? 0) | (u8(data, "IFLA_GRE_OFLAGS") ?? 0);
  if (flags & (GRE_VERSION | GRE_ROUTING)) return kerr("EINVAL");
  return undefined;
}

/** net/ipv4/ip_gre.c: ipgre_fill_info() */
function ipgreFillInfo(dev: NetDevice): InfoData {
  const t = tunnelOf(dev);
  const p = t.parms;
  const d: InfoData = {
    IFLA_GRE_LINK: p.link,
    IFLA_GRE_IFLAGS: p.i_flags,
    IFLA_GRE_OFLAGS: p.o_flags,
    IFLA_GRE_IKEY: a4(p.i_key),
    IFLA_GRE_OKEY: a4(p.o_key),
    IFLA_GRE_LOCAL: a4(p.iph.saddr),
    IFLA_GRE_REMOTE: a4(p.iph.daddr),
    IFLA_GRE_TTL: p.iph.ttl,
    IFLA_GRE_TOS: p.iph.tos,
    IFLA_GRE_PMTUDISC: p.iph.frag_off & IP_DF ? 1 : 0,
    IFLA_GRE_FWMARK: t.fwmark,
    IFLA_GRE_ENCAP_TYPE: 0,
    IFLA_GRE_ENCAP_SPORT: 0,
    IFLA_GRE_ENCAP_DPORT: 0,
    IFLA_GRE_ENCAP_FLAGS: 0,
    IFLA_GRE_IGNORE_DF: t.ignoreDf ? 1 : 0,
  };
  if (t.collectMd) d["IFLA_GRE_COLLECT_METADATA"] = true;
  return d;
}

function greNewlink(dev: NetDevice, attrs: IflaAttrs, data: InfoData | undefined): KErr | undefined {
  const r = ipgreNetlinkParms(dev, data);
  if ("errno" in r) return r;
  const e = ipTunnelNewlink(dev, attrs, r.p, r.fwmark);
  if (e) return e;
  if (dev.type === ARPHRD_ETHER && !attrs.IFLA_ADDRESS) {
    /* eth_hw_addr_random() */
    const net = dev.net;
    dev.devAddr = net.host.world.randomMac(net.host, net.name, dev.name);
    dev.addrAssignType = net.host.world.labMode ? NET_ADDR_SET : NET_ADDR_RANDOM;
  }
  return undefined;
}

function greChangelink(dev: NetDevice, data: InfoData): KErr | undefined {
  const r = ipgreNetlinkParms(dev, data);
  if ("errno" in r) return r;
  if (dev.type !== ARPHRD_ETHER) {
    const pp = dev.flags & IFF_POINTOPOINT;
    void pp;
  }
  const t = tunnelOf(dev);
  const e = ipTunnelChangelink(dev, r.p, r.fwmark, false);
  if (e) return e;
  t.parms.i_flags = r.p.i_flags;
  t.parms.o_flags = r.p.o_flags;
  t.tunHlen = greCalcHlen(t.parms.o_flags);
  t.hlen = t.tunHlen;
  return undefined;
}

export const ipgreLinkOps: RtnlLinkKind = {
  kind: "gre",
  alloc: (name, net) => ipgreTunnelSetup(name, net),
  validate: (p) => {
    requestModule(p.srcNet, "rtnl-link-gre");
    return ipgreTunnelValidate(p.data);
  },
  newlink: (dev, p) => greNewlink(dev, p.attrs, p.data),
  changelink: greChangelink,
  dellink: ipTunnelDellink,
  fillInfo: ipgreFillInfo,
};

export const gretapLinkOps: RtnlLinkKind = {
  kind: "gretap",
  alloc: (name, net) => tapSetup(name, net, greTapNetdevOps, gretapKind, 0),
  /** ipgre_tap_validate() */
  validate: (p) => {
    requestModule(p.srcNet, "rtnl-link-gretap");
    const tb = p.attrs;
    const ae = validateEtherAddrAttr(tb.IFLA_ADDRESS);
    if (ae) return ae;
    if (p.data && p.data["IFLA_GRE_REMOTE"] !== undefined && be32(p.data, "IFLA_GRE_REMOTE") === 0) return kerr("EINVAL");
    return ipgreTunnelValidate(p.data);
  },
  newlink: (dev, p) => greNewlink(dev, p.attrs, p.data),
  changelink: greChangelink,
  dellink: ipTunnelDellink,
  fillInfo: ipgreFillInfo,
};

export const erspanLinkOps: RtnlLinkKind = {
  kind: "erspan",
  alloc: (name, net) => tapSetup(name, net, erspanNetdevOps, erspanKind, 1500),
  validate: () => kerr("EOPNOTSUPP", "erspan is not modelled"),
  newlink: () => kerr("EOPNOTSUPP"),
  dellink: ipTunnelDellink,
  /** erspan_fill_info(): version 1, index 0, the output key flag */
  fillInfo: (dev) => ({ ...ipgreFillInfo(dev), IFLA_GRE_ERSPAN_INDEX: 0, IFLA_GRE_ERSPAN_VER: 1 }),
};

export const ipgreKind: IpTunnelKind = {
  module: "ip_gre", fbName: "gre0", type: ARPHRD_IPGRE, linkOps: ipgreLinkOps, nets: new NetGeneric(),
  setup: ipgreTunnelSetup, init: ipgreTunnelInit, ctl: ipgreTunnelCtl,
};
export const gretapKind: IpTunnelKind = {
  module: "ip_gre", fbName: "gretap0", type: ARPHRD_ETHER, linkOps: gretapLinkOps, nets: new NetGeneric(),
  setup: (name, net) => tapSetup(name, net, greTapNetdevOps, gretapKind, 0), init: greTapInit, ctl: ipgreTunnelCtl,
};
export const erspanKind: IpTunnelKind = {
  module: "ip_gre", fbName: "erspan0", type: ARPHRD_ETHER, linkOps: erspanLinkOps, nets: new NetGeneric(),
  setup: (name, net) => tapSetup(name, net, erspanNetdevOps, erspanKind, 1500), init: erspanTunnelInit, ctl: ipgreTunnelCtl,
};

let done = false;

/** net/ipv4/gre_demux.c: gre_init() + net/ipv4/ip_gre.c: ipgre_init() */
export function ipgreInit(): void {
  if (done) return;
  done = true;
  ipTunnelIoctlInit();
  registerKernelModule({
    name: "gre", size: 12288, deps: [],
    init: (host) => host.dmesgLog("gre: GRE over IPv4 demultiplexor driver"),
  });
  ipTunnelRegisterDriver({
    name: "ip_gre",
    size: 49152,
    deps: ["ip_tunnel", "gre"],
    aliases: ["rtnl-link-gre", "rtnl-link-gretap", "rtnl-link-erspan", "netdev-gre0", "netdev-gretap0", "netdev-erspan0"],
    banner: "ip_gre: GRE over IPv4 tunneling driver",
  }, [ipgreKind, gretapKind, erspanKind]);
  inetAddProtocol(IPPROTO_GRE, greDemuxRcv);
  rtnlLinkRegister(ipgreLinkOps);
  rtnlLinkRegister(gretapLinkOps);
  rtnlLinkRegister(erspanLinkOps);
}

void ETH_P_IP;
void NETDEV_TX_OK;
