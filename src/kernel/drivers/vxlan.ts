/**
 * drivers/net/vxlan/vxlan_core.c (IPv4 underlay): an Ethernet device whose frames travel in
 * UDP (RFC 7348). `ip link add vxlan0 type vxlan id VNI remote R [local L] [dev D]
 * [dstport P] [nolearning]`. Transmit looks the destination MAC up in the device's FDB
 * (learned from received packets' outer source), else floods to the all-zeros entries (the
 * `remote`); each copy gets VXLAN + UDP (source port from the inner flow's hash) + IPv4
 * headers and leaves through ip_local_out. Receive is the encap_rcv of a UDP socket bound to
 * the port in the namespace of the device.
 *
 * `bridge fdb add|append|replace|del|show … dev vxlan0 [dst IP] [port P] [vni N] [via DEV]`
 * reach the FDB through ndo_fdb_add/del/dump (setNdoFdbOps; the bridge part's rtnl_fdb_*).
 * A multicast `group` (with `dev`) is joined on that device while the vxlan device is up
 * (vxlan_igmp_join through the socket's membership list: IGMP reports, the device's filter);
 * what floods to it leaves with TTL 1 unless `ttl` says otherwise, and comes back in through
 * the group's local multicast route.
 * The flags of vxlan_config are kept, validated and shown as Linux does; of their data plane,
 * `ttl inherit` (the inner TTL), `proxy` (ARP requests answered from the device's neighbour
 * table: arp_reduce), `gbp` (the packet mark in the Group Based Policy extension, both ways),
 * `external` (collect_metadata: receives every VNI of its port; sends only what carries tunnel
 * metadata, which nothing here attaches) and `gpe` (a device without link layer).
 * Not modelled yet: IPv6 underlay, nexthop ids, vnifilter's VNI table, rsc, the l2miss/l3miss
 * netlink notifications, remote checksum offload, GPE's own header.
 */
import {
  NetDevice, NETDEV_TX_OK, IFF_NO_QUEUE, IFF_LIVE_ADDR_CHANGE, IFF_DRIVER_TX_STATS, IFF_DRIVER_RX_STATS, NET_ADDR_RANDOM, NET_ADDR_SET,
} from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import type { InfoData, IflaAttrs, NdaAttrs, NeighMsg } from "../uapi/rtnetlink.ts";
import {
  IFF_BROADCAST, IFF_MULTICAST, IFF_UP, IFF_NOARP, IFF_POINTOPOINT, ARPHRD_ETHER, ARPHRD_IEEE802, ARPHRD_NONE, PACKET_HOST,
  ETH_P_ARP, ETH_P_IP, ETH_P_IPV6,
} from "../uapi/if.ts";
import { CHECKSUM_UNNECESSARY } from "../core/skbuff.ts";
import { NUD_CONNECTED, neighLookup } from "../core/neighbour.ts";
import { arpCreate, arpTableIfAny } from "../ipv4/arp.ts";
import { ARPOP_REPLY, ARPOP_REQUEST } from "../../wire/arp.ts";
import { registerNetdevice, unregisterNetdevice, ethMacAddr, devGetByIndex, isValidEtherAddr } from "../core/dev.ts";
import { rtnlLinkRegister, setNdoFdbOps, type RtnlLinkKind } from "../core/rtnetlink.ts";
import { registerNetdeviceNotifier, NETDEV_UNREGISTER, NOTIFY_DONE } from "../core/notifier.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { netifRx, netSched } from "../core/dev_path.ts";
import { setEthtoolOps, ethtoolGetLinkKsettings } from "../core/dev_ioctl.ts";
import { readU16, readU32, writeU16, writeU32, macToString, ipv4IsMulticast, ipv4IsLoopback } from "../../wire/addr.ts";
import { ipMcIncGroup, ipMcDecGroup } from "../ipv4/igmp.ts";
import { devInDevice } from "../ipv4/devinet.ts";
import { ipv4Sysctl } from "../ipv4/icmp.ts";
import { ipRouteOutputKey, flowi4 } from "../ipv4/route.ts";
import { udpTunnelSockSet } from "../ipv4/udp.ts";
import { iptunnelXmit, inetEcnEncapsulate } from "./ip_tunnel.ts";
import { registerKernelModule, requestModule } from "./kmod.ts";
import { USEC_PER_SEC, type Timer } from "../../sim/scheduler.ts";
import { csumPartial, csumFold, csumTcpudpNofold } from "../../wire/checksum.ts";

export const IANA_VXLAN_UDP_PORT = 4789;
/** module parameter udp_port: the Linux default when no dstport is given (not IANA's) */
const vxlanPort = 8472;
const VXLAN_HLEN = 8 + 8; // vxlanhdr + udphdr
const FDB_AGE_DEFAULT = 300;
const IANA_VXLAN_GPE_UDP_PORT = 4790;

/** include/net/vxlan.h: vxlan_config's flags */
const VXLAN_F_LEARN = 0x01;
const VXLAN_F_PROXY = 0x02;
const VXLAN_F_RSC = 0x04;
const VXLAN_F_L2MISS = 0x08;
const VXLAN_F_L3MISS = 0x10;
const VXLAN_F_IPV6 = 0x20;
const VXLAN_F_UDP_ZERO_CSUM_TX = 0x40;
const VXLAN_F_UDP_ZERO_CSUM6_TX = 0x80;
const VXLAN_F_UDP_ZERO_CSUM6_RX = 0x100;
const VXLAN_F_REMCSUM_TX = 0x200;
const VXLAN_F_REMCSUM_RX = 0x400;
const VXLAN_F_GBP = 0x800;
const VXLAN_F_REMCSUM_NOPARTIAL = 0x1000;
const VXLAN_F_COLLECT_METADATA = 0x2000;
const VXLAN_F_GPE = 0x4000;
const VXLAN_F_IPV6_LINKLOCAL = 0x8000;
const VXLAN_F_TTL_INHERIT = 0x10000;
const VXLAN_F_VNIFILTER = 0x20000;
/** the flags of the receive path: devices on one port's socket must agree on them */
const VXLAN_F_RCV_FLAGS = VXLAN_F_GBP | VXLAN_F_GPE | VXLAN_F_UDP_ZERO_CSUM6_RX | VXLAN_F_REMCSUM_RX |
  VXLAN_F_REMCSUM_NOPARTIAL | VXLAN_F_COLLECT_METADATA | VXLAN_F_VNIFILTER;
/** the flags GPE may be combined with */
const VXLAN_F_ALLOWED_GPE = VXLAN_F_GPE | VXLAN_F_IPV6 | VXLAN_F_IPV6_LINKLOCAL | VXLAN_F_UDP_ZERO_CSUM_TX |
  VXLAN_F_UDP_ZERO_CSUM6_TX | VXLAN_F_UDP_ZERO_CSUM6_RX | VXLAN_F_COLLECT_METADATA | VXLAN_F_VNIFILTER;

/** the VXLAN header's first word (vxlanhdr_gbp): the I and G flags, then the D and A bits and
 * the policy id, which sit where the mark keeps them (VXLAN_GBP_DONT_LEARN, _POLICY_APPLIED) */
const VXLAN_HF_VNI = 0x08000000;
const VXLAN_HF_GBP = 0x80000000;
const VXLAN_GBP_DONT_LEARN = 0x40 << 16;
const VXLAN_GBP_POLICY_APPLIED = 0x08 << 16;
const VXLAN_GBP_ID_MASK = 0xffff;
const VXLAN_GBP_MARK_BITS = VXLAN_GBP_DONT_LEARN | VXLAN_GBP_POLICY_APPLIED | VXLAN_GBP_ID_MASK;

/** include/net/vxlan.h: vxlan_headroom(): outer IP, UDP and VXLAN headers, and the inner
 * Ethernet header unless GPE */
function vxlanHeadroom(flags: number): number {
  return (flags & VXLAN_F_IPV6 ? 40 : 20) + 8 + 8 + (flags & VXLAN_F_GPE ? 0 : 14);
}
const IPPROTO_UDP = 17;
/** net.ipv4.ip_local_port_range defaults: the range udp_flow_src_port() maps into */
const PORT_MIN = 32768;
const PORT_MAX = 60999;

interface VxlanRdst {
  ip: number;
  port: number;
  vni: number;
  ifindex: number;
}

interface VxlanFdb {
  mac: Uint8Array;
  remotes: VxlanRdst[];
  updated: number;
  used: number;
  /** NUD_PERMANENT (static) vs NUD_REACHABLE (learned) */
  permanent: boolean;
  /** fdb->state (NUD_*) when set by `bridge fdb`; else from `permanent` */
  state?: number;
  /** fdb->flags (NTF_*) */
  flags?: number;
}

export interface VxlanConfig {
  vni: number;
  /** the IPv6 flow label (IFLA_VXLAN_LABEL & IPV6_FLOWLABEL_MASK) */
  label?: number;
  remote: number;
  saddr: number;
  dstPort: number;
  portMin: number;
  portMax: number;
  ttl: number;
  tos: number;
  /** VXLAN_F_* */
  flags: number;
  ageInterval: number;
  addrmax: number;
  link: number;
  /** IFLA_VXLAN_DF: 0 unset, 1 set, 2 inherit (kept and shown; the outer header's DF is not
   * modelled) */
  df?: number;
}

interface VxlanDev {
  dev: NetDevice;
  net: Net;
  cfg: VxlanConfig;
  fdb: Map<string, VxlanFdb>;
  /** age_timer: vxlan_cleanup() while the device is up (made when first armed) */
  ageTimer?: Timer;
}

/** FDB_AGE_INTERVAL: how often the ageing timer looks at the FDB at most */
const FDB_AGE_INTERVAL = 10 * USEC_PER_SEC;

function ageTimer(v: VxlanDev): Timer {
  return (v.ageTimer ??= netSched(v.net).timer(() => vxlanCleanup(v), "vxlan_cleanup"));
}

/**
 * drivers/net/vxlan/vxlan_core.c: vxlan_cleanup(): entries neither static nor externally
 * learned go once `ageing` seconds have passed since they were last updated (learned or
 * refreshed by a packet from the remote: sending to one does not keep it, as in 6.18)
 */
function vxlanCleanup(v: VxlanDev): void {
  if (!(v.dev.flags & IFF_UP)) return;
  const now = netSched(v.net).now;
  let next = now + FDB_AGE_INTERVAL;
  for (const [k, f] of v.fdb) {
    if (fdbState(f) & (NUD_PERMANENT | NUD_NOARP)) continue;
    if ((f.flags ?? 0) & NTF_EXT_LEARNED) continue;
    const timeout = f.updated + v.cfg.ageInterval * USEC_PER_SEC;
    if (timeout <= now) v.fdb.delete(k);
    else if (timeout < next) next = timeout;
  }
  ageTimer(v).mod(next);
}

/** fdb->state: as `bridge fdb` set it, else from `permanent` (static or learned) */
function fdbState(f: VxlanFdb): number {
  return f.state ?? (f.permanent ? NUD_PERMANENT | NUD_REACHABLE : NUD_REACHABLE);
}

function priv(dev: NetDevice): VxlanDev {
  return dev.priv as VxlanDev;
}

const ZERO_MAC = "00:00:00:00:00:00";

/** the vxlan devices of a namespace by (port, vni): struct vxlan_sock's hash */
const vnNets = new NetGeneric<Set<NetDevice>>();

function vnNet(net: Net): Set<NetDevice> {
  let s = vnNets.get(net);
  if (!s) vnNets.set(net, (s = new Set()));
  return s;
}

/** the receive flags of the socket on `port` (struct vxlan_sock's flags) as the other open
 * devices sharing it have them, or undefined when none has it open */
function vxlanSockFlags(net: Net, port: number, self: NetDevice): number | undefined {
  for (const d of vnNet(net)) {
    const c = priv(d).cfg;
    if (d !== self && d.flags & IFF_UP && c.dstPort === port) return c.flags & VXLAN_F_RCV_FLAGS;
  }
  return undefined;
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_vs_find_vni() */
function vxlanFindVni(net: Net, port: number, vni: number): NetDevice | undefined {
  for (const d of vnNet(net)) {
    const v = priv(d);
    if (v.cfg.vni === vni && v.cfg.dstPort === port) return d;
  }
  return undefined;
}

/** a stand-in for skb_get_hash(): a mix of the inner frame's addresses (flow dissector keys) */
function innerFlowHash(b: Uint8Array, o: number, len: number): number {
  let h = 0x811c9dc5;
  const end = Math.min(len, 14 + 20);
  for (let i = 0; i < end; i++) {
    /* the dissector hashes addresses and ports, not TTL/ID/checksum */
    if (i >= 14 + 4 && i < 14 + 12) continue;
    h = Math.imul(h ^ b[o + i]!, 0x01000193);
  }
  return h >>> 0;
}

/** include/net/udp.h: udp_flow_src_port() */
function udpFlowSrcPort(hash: number, min: number, max: number): number {
  if (min >= max) {
    min = PORT_MIN;
    max = PORT_MAX;
  }
  return Number((BigInt(hash) * BigInt(max - min)) >> 32n) + min;
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_xmit_one() for an IPv4 remote */
function vxlanXmitOne(skb: SkBuff, dev: NetDevice, rdst: VxlanRdst): void {
  const v = priv(dev);
  const cfg = v.cfg;
  const dst = rdst.ip;
  const dstPort = rdst.port || cfg.dstPort;
  const vni = rdst.vni;
  const innerOff = skb.data;
  const innerLen = skb.len;
  const fl4 = flowi4(dst, cfg.saddr, rdst.ifindex || cfg.link);
  fl4.proto = IPPROTO_UDP;
  /* tos 1 is `inherit`: the inner packet's */
  const inner = ipTunnelGetDsfield(skb.buf, innerOff);
  const tosSel = cfg.tos === 1 ? inner : cfg.tos;
  fl4.tos = tosSel & 0x1e;
  const rt = ipRouteOutputKey(v.net, fl4);
  if (isKErr(rt)) {
    dev.stats.tx_carrier_errors++;
    dev.stats.tx_errors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "vxlan_xmit_one");
    return;
  }
  if (rt.dev === dev) {
    dev.stats.collisions++;
    dev.stats.tx_errors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "vxlan_xmit_one");
    return;
  }
  const sport = udpFlowSrcPort(innerFlowHash(skb.buf, innerOff, innerLen), cfg.portMin, cfg.portMax);
  /* vxlan_build_skb(): the VXLAN header, then udp_tunnel_xmit_skb(): the UDP header */
  let o = skb.push(8);
  const b = () => skb.buf;
  b()[o] = 0x08;
  b()[o + 1] = 0;
  b()[o + 2] = 0;
  b()[o + 3] = 0;
  writeU32(b(), o + 4, (vni << 8) >>> 0);
  /* vxlan_build_gbp_hdr(): the packet's mark (md->gbp) as the group policy */
  const gbp = skb.mark;
  if (cfg.flags & VXLAN_F_GBP && gbp) writeU32(b(), o, (VXLAN_HF_VNI | VXLAN_HF_GBP | (gbp & VXLAN_GBP_MARK_BITS)) >>> 0);
  o = skb.push(8);
  writeU16(b(), o, sport);
  writeU16(b(), o + 2, dstPort);
  writeU16(b(), o + 4, innerLen + VXLAN_HLEN);
  writeU16(b(), o + 6, 0);
  skb.transportHeader = o;
  if (!(cfg.flags & VXLAN_F_UDP_ZERO_CSUM_TX)) {
    /* udp_set_csum(): the checksum over the pseudo header and the whole datagram */
    const ulen = innerLen + VXLAN_HLEN;
    let c = csumFold(csumTcpudpNofold(fl4.saddr, dst, ulen, IPPROTO_UDP, csumPartial(b(), o, ulen)));
    if (c === 0) c = 0xffff;
    writeU16(b(), o + 6, c);
  }
  let ttl: number;
  if (cfg.flags & VXLAN_F_TTL_INHERIT) ttl = ipTunnelGetTtl(skb.buf, innerOff);
  else {
    ttl = cfg.ttl;
    if (!ttl && ipv4IsMulticast(dst)) ttl = 1;
  }
  if (!ttl) ttl = 64; // ip4_dst_hoplimit()
  /* ip_tunnel_ecn_encap(): the ECN bits come from the inner packet */
  const tos = inetEcnEncapsulate(tosSel, inner);
  const err = iptunnelXmit(v.net, rt, skb, fl4.saddr, dst, IPPROTO_UDP, tos, ttl, 0, skb.mark);
  /* iptunnel_xmit_stats(): what follows the inner Ethernet header, or a drop */
  if (err) dev.stats.tx_dropped++;
  else {
    dev.stats.tx_packets++;
    dev.stats.tx_bytes += innerLen - 14;
  }
}

/** include/net/ip_tunnels.h: ip_tunnel_get_ttl() of the frame at `o` (its Ethernet header):
 * an IPv4 packet's TTL, an IPv6 packet's hop limit, else 0 */
function ipTunnelGetTtl(b: Uint8Array, o: number): number {
  const proto = readU16(b, o + 12);
  if (proto === ETH_P_IP) return b[o + 14 + 8] ?? 0;
  if (proto === ETH_P_IPV6) return b[o + 14 + 7] ?? 0;
  return 0;
}

/** include/net/ip_tunnels.h: ip_tunnel_get_dsfield() of the frame at `o`: an IPv4 packet's
 * TOS, an IPv6 packet's traffic class, else 0 */
function ipTunnelGetDsfield(b: Uint8Array, o: number): number {
  const proto = readU16(b, o + 12);
  if (proto === ETH_P_IP) return b[o + 14 + 1] ?? 0;
  if (proto === ETH_P_IPV6) return (((b[o + 14] ?? 0) & 0x0f) << 4) | ((b[o + 15] ?? 0) >>> 4);
  return 0;
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_xmit() */
function vxlanXmit(skb: SkBuff, dev: NetDevice): number {
  const v = priv(dev);
  const b = skb.buf;
  const o = skb.data;
  skb.macHeader = o;
  /* in collect_metadata mode a frame goes where its tunnel metadata says: nothing attaches
   * any (no lwtunnel, tc tunnel_key or bpf), so every frame is freed */
  if (v.cfg.flags & VXLAN_F_COLLECT_METADATA) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "vxlan_xmit");
    return NETDEV_TX_OK;
  }
  if (v.cfg.flags & VXLAN_F_PROXY && readU16(b, o + 12) === ETH_P_ARP) return arpReduce(dev, skb);
  const dmac = macToString(b, o);
  const now = netSched(v.net).now;
  let f = (b[o]! & 1) === 0 ? v.fdb.get(dmac) : undefined;
  if (f) f.used = now;
  if (!f) {
    f = v.fdb.get(ZERO_MAC);
    if (!f) {
      dev.stats.tx_dropped++;
      kfreeSkbReason(skb, "SKB_DROP_REASON_NO_TX_TARGET", "vxlan_xmit");
      return 1;
    }
  }
  const remotes = f.remotes;
  for (let i = 0; i < remotes.length; i++) {
    const copy = i === remotes.length - 1 ? skb : skb.copy();
    vxlanXmitOne(copy, dev, remotes[i]!);
  }
  if (!remotes.length) consumeSkb(skb);
  return NETDEV_TX_OK;
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_snoop(): learn (or move) a source MAC */
function vxlanSnoop(v: VxlanDev, srcIp: number, mac: Uint8Array): void {
  const key = macToString(mac);
  const now = netSched(v.net).now;
  const f = v.fdb.get(key);
  if (f) {
    /* (6.18: any packet from the source refreshes the entry's `updated`, which ageing reads) */
    f.updated = now;
    if (f.remotes[0] && f.remotes[0].ip === srcIp) return;
    if (f.permanent) return;
    f.remotes = [{ ip: srcIp, port: 0, vni: v.cfg.vni, ifindex: 0 }];
    f.updated = now;
    return;
  }
  if (v.cfg.addrmax && v.fdb.size >= v.cfg.addrmax) return;
  v.fdb.set(key, { mac: mac.slice(0, 6), remotes: [{ ip: srcIp, port: 0, vni: v.cfg.vni, ifindex: 0 }], updated: now, used: now, permanent: false });
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_rcv() — skb.data at the UDP header */
function vxlanRcv(net: Net, port: number, sockFlags: number, skb: SkBuff): void {
  const b = skb.buf;
  const u = skb.data;
  if (skb.len < VXLAN_HLEN + 14) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "vxlan_rcv");
    return;
  }
  const h = u + 8;
  const word = readU32(b, h);
  if (!(word & VXLAN_HF_VNI)) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_VXLAN_INVALID_HDR", "vxlan_rcv");
    return;
  }
  const vni = readU32(b, h + 4) >>> 8;
  /* vxlan_vs_find_vni(): a collect_metadata socket keys its one device by VNI 0 */
  const dev = vxlanFindVni(net, port, sockFlags & VXLAN_F_COLLECT_METADATA && !(sockFlags & VXLAN_F_VNIFILTER) ? 0 : vni);
  if (!dev) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_VXLAN_VNI_NOT_FOUND", "vxlan_rcv");
    return;
  }
  /* the header's other bits: the extensions the socket asked for take theirs (GBP: the
   * policy becomes the packet's mark); any left over make the packet malformed */
  let unparsedFlags = word & ~VXLAN_HF_VNI;
  const unparsedVni = b[h + 7]!;
  let gbpMark: number | undefined;
  if (sockFlags & VXLAN_F_GBP) {
    /* vxlan_parse_gbp_hdr() */
    if (word & VXLAN_HF_GBP) gbpMark = word & VXLAN_GBP_MARK_BITS;
    unparsedFlags &= ~(VXLAN_HF_GBP | VXLAN_GBP_MARK_BITS);
  }
  if (unparsedFlags || unparsedVni) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_VXLAN_INVALID_HDR", "vxlan_rcv");
    return;
  }
  if (!(dev.flags & IFF_UP)) {
    dev.stats.rx_dropped++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_DEV_READY", "vxlan_rcv");
    return;
  }
  const v = priv(dev);
  const saddr = readU32(b, skb.networkHeader + 12);
  const inner = h + 8;
  const smac = b.subarray(inner + 6, inner + 12);
  /* vxlan_set_mac(): drop frames from ourselves; learn */
  let same = true;
  for (let i = 0; i < 6; i++) if (smac[i] !== dev.devAddr[i]) same = false;
  if (same) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_LOCAL_MAC", "vxlan_rcv");
    return;
  }
  if (v.cfg.flags & VXLAN_F_LEARN) vxlanSnoop(v, saddr, smac);
  /* __iptunnel_pull_header() + skb_scrub_packet() */
  skb.data = inner;
  skb.dst = undefined;
  skb.sk = undefined;
  skb.nfct = undefined;
  skb.ctinfo = 0;
  skb.ipcbFlags = 0;
  skb.pktType = PACKET_HOST;
  skb.macHeader = -1;
  skb.networkHeader = -1;
  skb.transportHeader = -1;
  skb.dev = dev;
  if (gbpMark !== undefined && !(v.cfg.flags & VXLAN_F_COLLECT_METADATA)) skb.mark = gbpMark;
  /* dev_dstats_rx_add(vxlan->dev, skb->len) after eth_type_trans() */
  dev.stats.rx_packets++;
  dev.stats.rx_bytes += skb.len - 14;
  netifRx(skb);
}

/**
 * drivers/net/vxlan/vxlan_core.c: arp_reduce(): an ARP request the device would send is
 * answered from its own neighbour table instead — a connected entry whose MAC is not
 * bridge-local (an FDB entry without a remote) — the reply coming in on the device. Nothing
 * leaves. (Without an entry, l3miss would tell netlink listeners; no monitor is modelled.)
 */
function arpReduce(dev: NetDevice, skb: SkBuff): number {
  const v = priv(dev);
  const b = skb.buf;
  const a = skb.data + 14;
  if (!(dev.flags & IFF_NOARP)) {
    if (skb.len < 14 + 8 + 2 * (dev.addrLen + 4)) {
      /* pskb_may_pull(skb, arp_hdr_len(dev)) failed */
      dev.stats.tx_dropped++;
    } else if (
      (readU16(b, a) === ARPHRD_ETHER || readU16(b, a) === ARPHRD_IEEE802) && readU16(b, a + 2) === ETH_P_IP &&
      readU16(b, a + 6) === ARPOP_REQUEST && b[a + 4] === dev.addrLen && b[a + 5] === 4
    ) {
      const sha = b.slice(a + 8, a + 14);
      const sip = readU32(b, a + 14);
      const tip = readU32(b, a + 24);
      const tbl = ipv4IsLoopback(tip) || ipv4IsMulticast(tip) ? undefined : arpTableIfAny(v.net);
      const n = tbl && neighLookup(tbl, tip, dev);
      // (a MAC whose FDB entry has no remote is bridge-local: not answered for)
      const local = (mac: Uint8Array) => v.fdb.get(macToString(mac))?.remotes[0]?.ip === 0;
      if (n && n.nudState & NUD_CONNECTED && !local(n.ha)) {
        const reply = arpCreate(ARPOP_REPLY, sip, dev, tip, sha, n.ha, sha);
        /* skb_reset_mac_header(), __skb_pull() to the ARP header, netif_rx() */
        reply.macHeader = reply.data;
        reply.pull(14);
        reply.ipSummed = CHECKSUM_UNNECESSARY;
        reply.pktType = PACKET_HOST;
        if (netifRx(reply) !== 0) dev.stats.rx_dropped++;
      }
    }
  }
  consumeSkb(skb);
  return NETDEV_TX_OK;
}

/** vxlan_sock_release(): the socket on the port closes with its last open device (and its
 * memberships with it: ip_mc_drop_socket()) */
function vxlanSockRelease(v: VxlanDev, dev: NetDevice): void {
  const port = v.cfg.dstPort;
  for (const d of vnNet(v.net)) if (d !== dev && d.flags & IFF_UP && priv(d).cfg.dstPort === port) return;
  for (const key of [...sockGroups(v.net, port)]) {
    const [group, ifindex] = key.split("/").map(Number) as [number, number];
    ipMcLeaveGroup(v, group, ifindex);
  }
  udpTunnelSockSet(v.net, port, undefined);
}

/** the vxlan socket of (namespace, port)'s multicast memberships (inet->mc_list), as
 * "group/ifindex" */
const sockMc = new NetGeneric<Map<number, Set<string>>>();

function sockGroups(net: Net, port: number): Set<string> {
  let m = sockMc.get(net);
  if (!m) sockMc.set(net, (m = new Map()));
  let g = m.get(port);
  if (!g) m.set(port, (g = new Set()));
  return g;
}

/** net/ipv4/igmp.c: __ip_mc_join_group() on the vxlan socket */
function ipMcJoinGroup(v: VxlanDev, group: number, ifindex: number): KErr | undefined {
  const lower = devGetByIndex(v.net, ifindex);
  if (!lower || !devInDevice(lower)) return kerr("ENODEV");
  const groups = sockGroups(v.net, v.cfg.dstPort);
  const key = `${group}/${ifindex}`;
  if (groups.has(key)) return kerr("EADDRINUSE");
  if (groups.size >= ipv4Sysctl(v.net).igmpMaxMemberships) return kerr("ENOBUFS");
  groups.add(key);
  ipMcIncGroup(lower, group);
  return undefined;
}

/** net/ipv4/igmp.c: ip_mc_leave_group() on the vxlan socket */
function ipMcLeaveGroup(v: VxlanDev, group: number, ifindex: number): void {
  const groups = sockGroups(v.net, v.cfg.dstPort);
  if (!groups.delete(`${group}/${ifindex}`)) return;
  const lower = devGetByIndex(v.net, ifindex);
  if (lower) ipMcDecGroup(lower, group);
}

/** drivers/net/vxlan/vxlan_multicast.c: vxlan_multicast_join() (a group already joined
 * through the shared socket is fine) */
function vxlanMulticastJoin(v: VxlanDev): KErr | undefined {
  if (!ipv4IsMulticast(v.cfg.remote)) return undefined;
  const err = ipMcJoinGroup(v, v.cfg.remote, v.cfg.link);
  return err && err.errno !== "EADDRINUSE" ? err : undefined;
}

/** drivers/net/vxlan/vxlan_multicast.c: vxlan_group_used() — another open device of the same
 * socket uses the group on the same device */
function vxlanGroupUsed(v: VxlanDev, dev: NetDevice): boolean {
  for (const d of vnNet(v.net)) {
    if (d === dev || !(d.flags & IFF_UP)) continue;
    const o = priv(d).cfg;
    if (o.dstPort === v.cfg.dstPort && o.remote === v.cfg.remote && o.link === v.cfg.link) return true;
  }
  return false;
}

const vxlanNetdevOps = {
  startXmit: vxlanXmit,
  setMacAddress: ethMacAddr,
  /** vxlan_open(): the UDP socket on the port (shared by the devices with the same receive
   * flags: another one cannot bind it), then the group (vxlan_multicast_join) */
  open: (dev: NetDevice): KErr | undefined => {
    const v = priv(dev);
    const port = v.cfg.dstPort;
    const sockFlags = v.cfg.flags & VXLAN_F_RCV_FLAGS;
    const shared = vxlanSockFlags(v.net, port, dev);
    if (shared !== undefined && shared !== sockFlags) return kerr("EADDRINUSE");
    // (the receive flags cannot change while it is open: a changelink refuses them all)
    udpTunnelSockSet(v.net, port, (skb) => vxlanRcv(v.net, port, sockFlags, skb));
    const err = vxlanMulticastJoin(v);
    if (err) {
      vxlanSockRelease(v, dev);
      return err;
    }
    if (v.cfg.ageInterval) ageTimer(v).mod(netSched(v.net).now + FDB_AGE_INTERVAL);
    return undefined;
  },
  /** vxlan_stop(): leave the group unless another open device of the socket is in it, then
   * the socket goes when no device of the namespace uses the port */
  stop: (dev: NetDevice): void => {
    const v = priv(dev);
    if (ipv4IsMulticast(v.cfg.remote) && !vxlanGroupUsed(v, dev)) ipMcLeaveGroup(v, v.cfg.remote, v.cfg.link);
    v.ageTimer?.cancel();
    vxlanSockRelease(v, dev);
    /* vxlan_flush(): learned entries go */
    for (const [k, f] of v.fdb) if (!f.permanent) v.fdb.delete(k);
  },
  uninit: (dev: NetDevice): void => {
    vnNet(priv(dev).net).delete(dev);
  },
  /** vxlan_change_mtu(): not above what the lower device carries */
  changeMtu: (dev: NetDevice, mtu: number): KErr | undefined => {
    const v = priv(dev);
    const lower = v.cfg.link ? devGetByIndex(v.net, v.cfg.link) : undefined;
    if (lower && mtu > lower.mtu - vxlanHeadroom(v.cfg.flags)) return kerr("EINVAL");
    dev.mtu = mtu;
    return undefined;
  },
};

/** drivers/net/vxlan/vxlan_core.c: vxlan_netdev_raw_ops (GPE): no MAC address, no FDB */
const vxlanRawOps = {
  startXmit: vxlanNetdevOps.startXmit, open: vxlanNetdevOps.open, stop: vxlanNetdevOps.stop,
  uninit: vxlanNetdevOps.uninit, changeMtu: vxlanNetdevOps.changeMtu,
};

/** drivers/net/vxlan/vxlan_core.c: vxlan_raw_setup(): a device without a link layer */
function vxlanRawSetup(dev: NetDevice): void {
  dev.type = ARPHRD_NONE;
  dev.hardHeaderLen = 0;
  dev.addrLen = 0;
  dev.devAddr = new Uint8Array(0);
  dev.broadcast = new Uint8Array(0);
  dev.flags = IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST;
  dev.privFlags &= ~IFF_LIVE_ADDR_CHANGE;
  dev.ops = vxlanRawOps;
}

for (const ops of [vxlanNetdevOps, vxlanRawOps]) {
  setEthtoolOps(ops, {
    getLink: () => 1,
    getDrvinfo: () => ({ driver: "vxlan", version: "0.1" }),
    getLinkKsettings: (dev) => vxlanGetLinkKsettings(dev),
  });
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_get_link_ksettings() — the lower device's, if any */
function vxlanGetLinkKsettings(dev: NetDevice): Record<string, unknown> {
  const vxlan = priv(dev);
  const lowerdev = vxlan.cfg.link ? devGetByIndex(vxlan.net, vxlan.cfg.link) : undefined;
  if (!lowerdev) {
    return { speed: SPEED_UNKNOWN, duplex: DUPLEX_UNKNOWN, port: PORT_OTHER, phy_address: 0, autoneg: 0, transceiver: 0 };
  }
  const r = ethtoolGetLinkKsettings(lowerdev);
  /* __ethtool_get_link_ksettings(lowerdev)'s error is vxlan's: ethtool shows "No data available" */
  return isKErr(r) ? { speed: SPEED_UNKNOWN, duplex: DUPLEX_UNKNOWN, port: PORT_OTHER, phy_address: 0, autoneg: 0, transceiver: 0 } : r;
}
const SPEED_UNKNOWN = -1;
const DUPLEX_UNKNOWN = 0xff;
const PORT_OTHER = 0xff;

/** drivers/net/vxlan/vxlan_core.c: vxlan_setup() (ether_setup + eth_hw_addr_random) */
function vxlanSetup(name: string, net: Net, attrs: IflaAttrs): NetDevice {
  const given = attrs.IFLA_ADDRESS;
  const addr = given ? given.slice(0, 6) : net.host.world.randomMac(net.host, net.name, name);
  const dev = new NetDevice(name, ARPHRD_ETHER, IFF_BROADCAST | IFF_MULTICAST, vxlanNetdevOps, addr,
    new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
  dev.addrAssignType = given || net.host.world.labMode ? NET_ADDR_SET : NET_ADDR_RANDOM;
  dev.privFlags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE | IFF_DRIVER_TX_STATS | IFF_DRIVER_RX_STATS;
  dev.mtu = 1500;
  dev.minMtu = 68;
  dev.maxMtu = 65535;
  dev.tsoMaxSize = 65536; // TSO_LEGACY_MAX_SIZE until a lower device is inherited
  dev.txQueueLen = 1000;
  dev.net = net;
  dev.priv = {
    dev, net, fdb: new Map(),
    // (vxlan_nl2conf() fills it from zeros)
    cfg: { vni: 0, remote: 0, saddr: 0, dstPort: 0, portMin: 0, portMax: 0, ttl: 0, tos: 0, flags: 0, ageInterval: 0, addrmax: 0, link: 0 },
  } satisfies VxlanDev;
  return dev;
}

function addr4(v: unknown): number | undefined {
  if (v instanceof Uint8Array && v.length === 4) return readU32(v, 0);
  return undefined;
}

/** vxlan_flag_attr_error(): "cannot change X flag" of a flag a changelink may not touch */
const flagFixed = (k: string): KErr => kerr("EOPNOTSUPP", `vxlan: cannot change ${k} flag`);

/**
 * drivers/net/vxlan/vxlan_core.c: vxlan_nl2conf() (IPv4 part), into `cfg` (a new device's
 * starts all zeros). A changelink starts from the device's own config and may change the
 * addresses, lower device, ttl, tos, label, learning, ageing and df; the VNI, limit, ports
 * and MTU stay, as do the other flags. Each refusal in the kernel's order.
 */
function vxlanNl2conf(data: InfoData | undefined, cfg: VxlanConfig, changelink: boolean, attrs?: IflaAttrs): KErr | undefined {
  if (!data) return kerr("EINVAL", "Required attributes not provided to perform the operation");
  const n = (k: string) => (typeof data[k] === "number" ? (data[k] as number) : typeof data[k] === "boolean" ? (data[k] ? 1 : 0) : undefined);
  /* vxlan_nl2flag(): a flag attribute sets the flag, a u8 one sets or clears it; a changelink
   * may change only those it supports */
  const nl2flag = (k: string, mask: number, supported = false): KErr | undefined => {
    const v = data[`IFLA_VXLAN_${k}`];
    if (v === undefined) return undefined;
    if (changelink && !supported) return flagFixed(k);
    if (v === true || (typeof v === "number" && v & 0xff)) cfg.flags |= mask;
    else cfg.flags &= ~mask;
    return undefined;
  };
  const id = n("IFLA_VXLAN_ID");
  if (id !== undefined) {
    if (changelink && id !== cfg.vni) return kerr("EOPNOTSUPP", "Cannot change VNI");
    cfg.vni = id;
  }
  if (!changelink && (data["IFLA_VXLAN_GROUP6"] instanceof Uint8Array || data["IFLA_VXLAN_LOCAL6"] instanceof Uint8Array))
    return kerr("EPFNOSUPPORT", "IPv6 underlay is not modelled");
  // (a changelink's device is an IPv4 one: an IPv6 address is of another family)
  const g = addr4(data["IFLA_VXLAN_GROUP"]);
  if (g !== undefined) cfg.remote = g;
  else if (data["IFLA_VXLAN_GROUP6"] instanceof Uint8Array) return kerr("EOPNOTSUPP", "New group address family does not match old group");
  const l = addr4(data["IFLA_VXLAN_LOCAL"]);
  if (l !== undefined) cfg.saddr = l;
  else if (data["IFLA_VXLAN_LOCAL6"] instanceof Uint8Array) return kerr("EOPNOTSUPP", "New local address family does not match old");
  if (n("IFLA_VXLAN_LINK") !== undefined) cfg.link = n("IFLA_VXLAN_LINK")!;
  if (n("IFLA_VXLAN_TOS") !== undefined) cfg.tos = n("IFLA_VXLAN_TOS")!;
  if (n("IFLA_VXLAN_TTL") !== undefined) cfg.ttl = n("IFLA_VXLAN_TTL")!;
  let e = nl2flag("TTL_INHERIT", VXLAN_F_TTL_INHERIT);
  if (e) return e;
  if (n("IFLA_VXLAN_LABEL") !== undefined) cfg.label = n("IFLA_VXLAN_LABEL")! & 0x000fffff; /* IPV6_FLOWLABEL_MASK */
  if (data["IFLA_VXLAN_LEARNING"] !== undefined) nl2flag("LEARNING", VXLAN_F_LEARN, true);
  else if (!changelink) cfg.flags |= VXLAN_F_LEARN; /* default to learn on a new device */
  if (n("IFLA_VXLAN_AGEING") !== undefined) cfg.ageInterval = n("IFLA_VXLAN_AGEING")!;
  for (const [k, mask] of [["PROXY", VXLAN_F_PROXY], ["RSC", VXLAN_F_RSC], ["L2MISS", VXLAN_F_L2MISS], ["L3MISS", VXLAN_F_L3MISS]] as const) {
    if ((e = nl2flag(k, mask))) return e;
  }
  if (n("IFLA_VXLAN_LIMIT") !== undefined) {
    if (changelink) return kerr("EOPNOTSUPP", "Cannot change limit");
    cfg.addrmax = n("IFLA_VXLAN_LIMIT")!;
  }
  if ((e = nl2flag("COLLECT_METADATA", VXLAN_F_COLLECT_METADATA))) return e;
  const pr = data["IFLA_VXLAN_PORT_RANGE"] as { low: number; high: number } | undefined;
  if (pr) {
    if (changelink) return kerr("EOPNOTSUPP", "Cannot change port range");
    cfg.portMin = pr.low;
    cfg.portMax = pr.high;
  }
  if (n("IFLA_VXLAN_PORT") !== undefined) {
    if (changelink) return kerr("EOPNOTSUPP", "Cannot change port");
    cfg.dstPort = n("IFLA_VXLAN_PORT")!;
  }
  if (n("IFLA_VXLAN_UDP_CSUM") !== undefined) {
    if (changelink) return kerr("EOPNOTSUPP", "Cannot change UDP_CSUM flag");
    if (!(n("IFLA_VXLAN_UDP_CSUM")! & 0xff)) cfg.flags |= VXLAN_F_UDP_ZERO_CSUM_TX;
  }
  for (const [k, mask] of [
    ["UDP_ZERO_CSUM6_TX", VXLAN_F_UDP_ZERO_CSUM6_TX], ["UDP_ZERO_CSUM6_RX", VXLAN_F_UDP_ZERO_CSUM6_RX],
    ["REMCSUM_TX", VXLAN_F_REMCSUM_TX], ["REMCSUM_RX", VXLAN_F_REMCSUM_RX], ["GBP", VXLAN_F_GBP], ["GPE", VXLAN_F_GPE],
    ["REMCSUM_NOPARTIAL", VXLAN_F_REMCSUM_NOPARTIAL],
  ] as const) {
    if ((e = nl2flag(k, mask))) return e;
  }
  if (attrs?.IFLA_MTU !== undefined && changelink) return kerr("EOPNOTSUPP", "Cannot change mtu");
  if (n("IFLA_VXLAN_DF") !== undefined) cfg.df = n("IFLA_VXLAN_DF")!;
  if (data["IFLA_VXLAN_VNIFILTER"] !== undefined) {
    if ((e = nl2flag("VNIFILTER", VXLAN_F_VNIFILTER))) return e;
    if (cfg.flags & VXLAN_F_VNIFILTER && !(cfg.flags & VXLAN_F_COLLECT_METADATA))
      return kerr("EINVAL", "vxlan vnifilter only valid in collect metadata mode");
  }
  return undefined;
}

/**
 * drivers/net/vxlan/vxlan_core.c: vxlan_config_validate() (IPv4: use_ipv6 is false): the
 * lower device (undefined: none), or the refusal. `self` is the device a changelink changes
 * (the VNI it has is its own). An ageing of 0 is the default.
 */
function vxlanConfigValidate(net: Net, cfg: VxlanConfig, self?: NetDevice): { lower: NetDevice | undefined } | KErr {
  /* GPE only together with COLLECT_METADATA (the other end of its point-to-point link would
   * have to be given) */
  if (cfg.flags & VXLAN_F_GPE && (cfg.flags & ~VXLAN_F_ALLOWED_GPE || !(cfg.flags & VXLAN_F_COLLECT_METADATA)))
    return kerr("EINVAL", "VXLAN GPE does not support this combination of attributes");
  if (ipv4IsMulticast(cfg.saddr)) return kerr("EINVAL", "Local address cannot be multicast");
  if (cfg.label) return kerr("EINVAL", "Label attribute only applies to IPv6 VXLAN devices");
  let lower: NetDevice | undefined;
  if (cfg.link) {
    lower = devGetByIndex(net, cfg.link);
    if (!lower) return kerr("ENODEV", "Invalid local interface, device not found");
  } else if (ipv4IsMulticast(cfg.remote)) {
    return kerr("EINVAL", "Local interface required for multicast remote destination");
  }
  if (!cfg.dstPort) cfg.dstPort = cfg.flags & VXLAN_F_GPE ? IANA_VXLAN_GPE_UDP_PORT : vxlanPort;
  if (!cfg.ageInterval) cfg.ageInterval = FDB_AGE_DEFAULT;
  if (vxlanVniInUse(net, self, cfg)) return kerr("EEXIST", "A VXLAN device with the specified VNI already exists");
  return { lower };
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_vni_in_use(): another device of the namespace with
 * the VNI on the port and the same receive flags (vnifilter's VNI table is not modelled) */
function vxlanVniInUse(net: Net, self: NetDevice | undefined, cfg: VxlanConfig): boolean {
  for (const d of vnNet(net)) {
    if (d === self) continue;
    const o = priv(d).cfg;
    if (o.vni !== cfg.vni || o.dstPort !== cfg.dstPort) continue;
    if ((o.flags & (VXLAN_F_RCV_FLAGS | VXLAN_F_IPV6)) !== (cfg.flags & (VXLAN_F_RCV_FLAGS | VXLAN_F_IPV6))) continue;
    return true;
  }
  return false;
}

/**
 * drivers/net/vxlan/vxlan_core.c: vxlan_config_apply(), the device's side: a lower device lends
 * its TSO limits (netif_inherit_tso_max()) and bounds the MTU — a new device not given one gets
 * all that fits, and no MTU stays above it (dev->mtu set as is, no notifier)
 */
function vxlanConfigApply(dev: NetDevice, cfg: VxlanConfig, lower: NetDevice | undefined, takeMax: boolean): void {
  let maxMtu = 0xffff; /* ETH_MAX_MTU */
  if (lower) {
    dev.tsoMaxSize = lower.tsoMaxSize;
    dev.tsoMaxSegs = lower.tsoMaxSegs;
    maxMtu = Math.max(lower.mtu - vxlanHeadroom(cfg.flags), 68);
    if (takeMax) dev.mtu = maxMtu;
  }
  if (dev.mtu > maxMtu) dev.mtu = maxMtu;
}

/** the default destination: an all-zeros FDB entry for `remote` (none without one) */
function vxlanSetDefaultDst(v: VxlanDev, cfg: VxlanConfig): void {
  if (!cfg.remote) {
    v.fdb.delete(ZERO_MAC);
    return;
  }
  v.fdb.set(ZERO_MAC, {
    mac: new Uint8Array(6), remotes: [{ ip: cfg.remote, port: 0, vni: cfg.vni, ifindex: cfg.link }],
    updated: 0, used: 0, permanent: true,
  });
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_newlink() -> __vxlan_dev_create() */
function vxlanNewlink(dev: NetDevice, p: { net: Net; attrs: IflaAttrs; data: InfoData | undefined }): KErr | undefined {
  const v = priv(dev);
  const e = vxlanNl2conf(p.data, v.cfg, false);
  if (e) return e;
  const val = vxlanConfigValidate(p.net, v.cfg);
  if (isKErr(val)) return val;
  if (v.cfg.flags & VXLAN_F_GPE) vxlanRawSetup(dev);
  vxlanConfigApply(dev, v.cfg, val.lower, p.attrs.IFLA_MTU === undefined);
  const err = registerNetdevice(p.net, dev);
  if (err) return err;
  v.net = p.net;
  vnNet(p.net).add(dev);
  vxlanSetDefaultDst(v, v.cfg);
  return undefined;
}

/**
 * drivers/net/vxlan/vxlan_core.c: vxlan_changelink(): vxlan_nl2conf(changelink) from the
 * device's own config, vxlan_config_validate() of the result, the default destination's FDB
 * entry moved to a new remote, then vxlan_config_apply().
 */
function vxlanChangelink(dev: NetDevice, data: InfoData, attrs?: IflaAttrs): KErr | undefined {
  const v = priv(dev);
  const conf: VxlanConfig = { ...v.cfg };
  const e = vxlanNl2conf(data, conf, true, attrs);
  if (e) return e;
  const val = vxlanConfigValidate(v.net, conf, dev);
  if (isKErr(val)) return val;
  if (conf.remote !== v.cfg.remote) vxlanSetDefaultDst(v, conf);
  /* a new ageing applies at once (mod_timer(&vxlan->age_timer, jiffies)) */
  if (conf.ageInterval !== v.cfg.ageInterval) ageTimer(v).mod(netSched(v.net).now);
  // (the lower device it already had is none: dst->remote_dev == lowerdev)
  vxlanConfigApply(dev, conf, conf.link !== v.cfg.link ? val.lower : undefined, false);
  v.cfg = conf;
  return undefined;
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_fill_info() (IPv4) */
function vxlanFillInfo(dev: NetDevice): InfoData {
  const c = priv(dev).cfg;
  const a4 = (x: number) => {
    const b = new Uint8Array(4);
    writeU32(b, 0, x);
    return b;
  };
  const d: InfoData = { IFLA_VXLAN_ID: c.vni };
  if (c.remote) d["IFLA_VXLAN_GROUP"] = a4(c.remote);
  if (c.link) d["IFLA_VXLAN_LINK"] = c.link;
  if (c.saddr) d["IFLA_VXLAN_LOCAL"] = a4(c.saddr);
  const f = (mask: number) => (c.flags & mask ? 1 : 0);
  Object.assign(d, {
    IFLA_VXLAN_TTL: c.ttl, IFLA_VXLAN_TTL_INHERIT: f(VXLAN_F_TTL_INHERIT), IFLA_VXLAN_TOS: c.tos,
    IFLA_VXLAN_DF: c.df ?? 0, IFLA_VXLAN_LABEL: 0, IFLA_VXLAN_LEARNING: f(VXLAN_F_LEARN),
    IFLA_VXLAN_PROXY: f(VXLAN_F_PROXY), IFLA_VXLAN_RSC: f(VXLAN_F_RSC), IFLA_VXLAN_L2MISS: f(VXLAN_F_L2MISS),
    IFLA_VXLAN_L3MISS: f(VXLAN_F_L3MISS), IFLA_VXLAN_COLLECT_METADATA: f(VXLAN_F_COLLECT_METADATA),
    IFLA_VXLAN_AGEING: c.ageInterval, IFLA_VXLAN_LIMIT: c.addrmax, IFLA_VXLAN_PORT: c.dstPort,
    IFLA_VXLAN_UDP_CSUM: 1 - f(VXLAN_F_UDP_ZERO_CSUM_TX), IFLA_VXLAN_UDP_ZERO_CSUM6_TX: f(VXLAN_F_UDP_ZERO_CSUM6_TX),
    IFLA_VXLAN_UDP_ZERO_CSUM6_RX: f(VXLAN_F_UDP_ZERO_CSUM6_RX), IFLA_VXLAN_REMCSUM_TX: f(VXLAN_F_REMCSUM_TX),
    IFLA_VXLAN_REMCSUM_RX: f(VXLAN_F_REMCSUM_RX), IFLA_VXLAN_PORT_RANGE: { low: c.portMin, high: c.portMax },
  });
  if (c.flags & VXLAN_F_GBP) d["IFLA_VXLAN_GBP"] = true;
  if (c.flags & VXLAN_F_GPE) d["IFLA_VXLAN_GPE"] = true;
  if (c.flags & VXLAN_F_REMCSUM_NOPARTIAL) d["IFLA_VXLAN_REMCSUM_NOPARTIAL"] = true;
  if (c.flags & VXLAN_F_VNIFILTER) d["IFLA_VXLAN_VNIFILTER"] = 1;
  return d;
}

/** the FDB of a vxlan device as `bridge fdb show dev X` would list it (for the bridge part) */
export function vxlanFdbEntries(dev: NetDevice): { mac: Uint8Array; dst: number; permanent: boolean; updated: number; used: number }[] {
  if (dev.linkOps !== vxlanLinkOps) return [];
  const out = [];
  for (const f of priv(dev).fdb.values()) for (const r of f.remotes) out.push({ mac: f.mac, dst: r.ip, permanent: f.permanent, updated: f.updated, used: f.used });
  return out;
}

const NUD_REACHABLE = 0x02;
const NUD_NOARP = 0x40;
const NUD_PERMANENT = 0x80;
const NTF_SELF = 0x02;
const NTF_USE = 0x01;
const NTF_EXT_LEARNED = 0x10;

const isMulticastOrZero = (mac: Uint8Array): boolean => (mac[0]! & 1) === 1 || mac.every((b) => !b);

/** drivers/net/vxlan/vxlan_core.c: vxlan_fdb_parse() (IPv4): the remote a request names */
function vxlanFdbParse(v: VxlanDev, attrs: NdaAttrs): VxlanRdst | KErr {
  let ip = 0;
  if (attrs.NDA_DST) {
    /* vxlan_nla_get_addr(): an IPv6 address parses, but the IPv4 device has no use for it */
    if (attrs.NDA_DST.length === 16) return { errno: "EAFNOSUPPORT" };
    if (attrs.NDA_DST.length !== 4) return kerr("EAFNOSUPPORT", "Unsupported address family");
    ip = readU32(attrs.NDA_DST, 0);
  }
  const port = attrs.NDA_PORT ?? v.cfg.dstPort;
  const vni = attrs.NDA_VNI ?? v.cfg.vni;
  let ifindex = 0;
  if (attrs.NDA_IFINDEX !== undefined) {
    ifindex = attrs.NDA_IFINDEX;
    if (!devGetByIndex(v.net, ifindex)) return kerr("EADDRNOTAVAIL", "Device not found");
  }
  return { ip, port, vni, ifindex };
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_fdb_find_rdst() */
function vxlanFdbFindRdst(v: VxlanDev, f: VxlanFdb, rd: VxlanRdst): number {
  const port = (r: VxlanRdst) => r.port || v.cfg.dstPort;
  return f.remotes.findIndex((r) => r.ip === rd.ip && port(r) === port(rd) && r.vni === rd.vni && r.ifindex === rd.ifindex);
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_fdb_update() (+ _existing / _create, vxlan_fdb_replace,
 * vxlan_fdb_append) */
function vxlanFdbUpdate(v: VxlanDev, mac: Uint8Array, rd: VxlanRdst, state: number, nlFlags: NeighMsg["flags"], ndmFlags: number): KErr | undefined {
  const key = macToString(mac);
  const f = v.fdb.get(key);
  const now = netSched(v.net).now;
  if (f) {
    if (nlFlags.excl) return kerr("EEXIST");
    /* vxlan_fdb_update_existing() */
    const fdbFlags = ndmFlags & ~NTF_USE;
    if (fdbState(f) !== state || (f.flags ?? NTF_SELF) !== fdbFlags) {
      f.state = state;
      f.flags = fdbFlags;
      f.permanent = (state & (NUD_PERMANENT | NUD_NOARP)) !== 0;
      f.updated = now;
    }
    if (nlFlags.replace) {
      /* Only change unicasts */
      if (isMulticastOrZero(f.mac)) return kerr("EOPNOTSUPP", "Cannot replace non-unicast fdb entries");
      if (f.remotes.length) f.remotes[0] = rd;
    }
    if (nlFlags.append && isMulticastOrZero(f.mac) && vxlanFdbFindRdst(v, f, rd) < 0) f.remotes.push(rd);
    if (ndmFlags & NTF_USE) f.used = now;
    return undefined;
  }
  if (!nlFlags.create) return kerr("ENOENT");
  /* Disallow replace to add a multicast entry */
  if (nlFlags.replace && isMulticastOrZero(mac)) return kerr("EOPNOTSUPP");
  /* vxlan_fdb_update_create() */
  if (v.cfg.addrmax && v.fdb.size >= v.cfg.addrmax) return kerr("ENOSPC");
  v.fdb.set(key, {
    mac: mac.slice(0, 6), remotes: [rd], updated: now, used: now, permanent: (state & (NUD_PERMANENT | NUD_NOARP)) !== 0,
    state, flags: ndmFlags & ~NTF_USE,
  });
  return undefined;
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_fdb_add() — ndo_fdb_add (`bridge fdb add|append|replace
 * MAC dev vxlan0 dst IP [port P] [vni N] [via DEV]`) */
function vxlanFdbAddNl(ndm: NeighMsg["ndm"], attrs: NdaAttrs, dev: NetDevice, addr: Uint8Array, _vid: number, nlFlags: NeighMsg["flags"]): KErr | undefined {
  const v = priv(dev);
  if (!(ndm.state & (NUD_PERMANENT | NUD_REACHABLE))) {
    dev.net.host.dmesgLog(`vxlan: RTM_NEWNEIGH with invalid state 0x${ndm.state.toString(16)}`);
    return kerr("EINVAL");
  }
  if (!attrs.NDA_DST) return kerr("EINVAL");
  const rd = vxlanFdbParse(v, attrs);
  if (isKErr(rd)) return rd;
  return vxlanFdbUpdate(v, addr, rd, ndm.state, nlFlags, ndm.flags);
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_fdb_delete() + __vxlan_fdb_delete() — ndo_fdb_del */
function vxlanFdbDelNl(_ndm: NeighMsg["ndm"], attrs: NdaAttrs, dev: NetDevice, addr: Uint8Array): KErr | undefined {
  const v = priv(dev);
  const rd = vxlanFdbParse(v, attrs);
  if (isKErr(rd) && rd.extack) return rd;
  const key = macToString(addr);
  const f = v.fdb.get(key);
  if (!f) return kerr("ENOENT");
  let i = -1;
  if (isKErr(rd)) return undefined; // an IPv6 remote: never on this list
  if (rd.ip) {
    i = vxlanFdbFindRdst(v, f, rd);
    /* no such remote: nothing to do, and no error ("goto out; … return 0") */
    if (i < 0) return undefined;
  }
  /* remove a destination if it's not the only one on the list, otherwise destroy the fdb entry */
  if (i >= 0 && f.remotes.length > 1) f.remotes.splice(i, 1);
  else v.fdb.delete(key);
  return undefined;
}

/** vxlan_fdb_create()/vxlan_fdb_append() as `bridge fdb add|append MAC dev vxlan0 dst IP` does them */
export function vxlanFdbAdd(dev: NetDevice, mac: Uint8Array, dst: number, append: boolean): KErr | undefined {
  if (dev.linkOps !== vxlanLinkOps) return kerr("EOPNOTSUPP");
  const a = new Uint8Array(4);
  writeU32(a, 0, dst);
  return vxlanFdbAddNl({ family: 7, ifindex: dev.ifindex, state: NUD_PERMANENT | NUD_NOARP, flags: NTF_SELF, type: 0 }, { NDA_DST: a }, dev, mac, 0,
    append ? { create: true, append: true } : { create: true, excl: true });
}

/** vxlan_fdb_delete() as `bridge fdb del MAC dev vxlan0 [dst IP]` does it */
export function vxlanFdbDel(dev: NetDevice, mac: Uint8Array, dst: number | undefined): KErr | undefined {
  if (dev.linkOps !== vxlanLinkOps) return kerr("EOPNOTSUPP");
  const attrs: NdaAttrs = {};
  if (dst !== undefined) {
    attrs.NDA_DST = new Uint8Array(4);
    writeU32(attrs.NDA_DST, 0, dst);
  }
  return vxlanFdbDelNl({ family: 7, ifindex: dev.ifindex, state: 0, flags: NTF_SELF, type: 0 }, attrs, dev, mac);
}

/** drivers/net/vxlan/vxlan_core.c: vxlan_fdb_dump() + vxlan_fdb_info(): one RTM_NEWNEIGH per
 * remote, as `bridge fdb show` reads them */
export function vxlanFdbDump(dev: NetDevice): NeighMsg[] {
  if (dev.linkOps !== vxlanLinkOps) return [];
  const v = priv(dev);
  const now = netSched(v.net).now;
  const ticks = (us: number) => Math.floor(us / 10_000);
  const out: NeighMsg[] = [];
  /* vxlan->fdb_list (rhashtable since 6.16): entries are added at its head, newest first */
  for (const f of [...v.fdb.values()].reverse()) {
    for (const r of f.remotes) {
      const attrs: NdaAttrs = { NDA_LLADDR: f.mac.slice() };
      if (r.ip) {
        attrs.NDA_DST = new Uint8Array(4);
        writeU32(attrs.NDA_DST, 0, r.ip);
      }
      if (r.port && r.port !== v.cfg.dstPort) attrs.NDA_PORT = r.port;
      if (r.vni !== v.cfg.vni) attrs.NDA_VNI = r.vni;
      if (r.ifindex) attrs.NDA_IFINDEX = r.ifindex;
      attrs.NDA_CACHEINFO = { ndm_confirmed: 0, ndm_used: ticks(now - f.used), ndm_updated: ticks(now - f.updated), ndm_refcnt: 0 };
      out.push({
        type: "RTM_NEWNEIGH", flags: {},
        ndm: {
          family: 7 /* AF_BRIDGE */, ifindex: dev.ifindex,
          state: fdbState(f), flags: f.flags ?? NTF_SELF,
          type: 1 /* RTN_UNICAST */,
        },
        attrs,
      });
    }
  }
  return out;
}

setNdoFdbOps(vxlanNetdevOps, { fdbAdd: vxlanFdbAddNl, fdbDel: vxlanFdbDelNl, fdbDump: vxlanFdbDump });

export const vxlanLinkOps: RtnlLinkKind = {
  kind: "vxlan",
  alloc: (name, net, p) => vxlanSetup(name, net, p.attrs),
  validate: (p) => {
    requestModule(p.srcNet, "rtnl-link-vxlan");
    if (p.attrs.IFLA_ADDRESS) {
      if (p.attrs.IFLA_ADDRESS.length !== 6) return kerr("EINVAL", "Provided link layer address is not Ethernet");
      if (!isValidEtherAddr(p.attrs.IFLA_ADDRESS)) return kerr("EADDRNOTAVAIL", "Provided Ethernet address is not unicast");
    }
    const mtu = p.attrs.IFLA_MTU;
    if (mtu !== undefined && (mtu < 68 || mtu > 65535)) return kerr("EINVAL", "MTU must be between 68 and 65535");
    if (!p.data) return kerr("EINVAL", "Required attributes not provided to perform the operation");
    const id = p.data["IFLA_VXLAN_ID"];
    if (typeof id === "number" && id >= 1 << 24) return kerr("ERANGE", "VXLAN ID must be lower than 16777216");
    return undefined;
  },
  newlink: (dev, p) => vxlanNewlink(dev, p),
  changelink: vxlanChangelink,
  dellink: (dev) => unregisterNetdevice(dev),
  fillInfo: vxlanFillInfo,
};

let done = false;

/** drivers/net/vxlan/vxlan_core.c: vxlan_init_module() */
/** drivers/net/vxlan/vxlan_core.c: vxlan_netdevice_event() ->
 * vxlan_handle_lowerdev_unregister(): a device whose lower device goes (deleted, or moved to
 * another namespace) goes with it */
function vxlanNetdeviceEvent(event: number, dev: NetDevice): number {
  if (event !== NETDEV_UNREGISTER) return NOTIFY_DONE;
  for (const d of [...vnNet(dev.net)]) if (priv(d).cfg.link === dev.ifindex) vxlanLinkOps.dellink?.(d);
  return NOTIFY_DONE;
}

export function vxlanInit(): void {
  if (done) return;
  done = true;
  rtnlLinkRegister(vxlanLinkOps);
  registerNetdeviceNotifier(vxlanNetdeviceEvent);
  registerKernelModule({ name: "vxlan", size: 147456, deps: ["ip6_udp_tunnel", "udp_tunnel"], aliases: ["rtnl-link-vxlan"] });
}
