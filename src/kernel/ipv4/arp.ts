/**
 * net/ipv4/arp.c: the ARP neighbour table's protocol half (arp_constructor, arp_solicit,
 * arp_error_report), arp_rcv()/arp_process() (arp_ignore, arp_filter, arp_accept, proxy ARP,
 * gratuitous ARP, DAD probes), arp_send(), /proc/net/arp, and the SIOCSARP/SIOCDARP/SIOCGARP
 * ioctls of the `arp` command.
 */
import { SkBuff } from "../core/skbuff.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import {
  IFF_NOARP, IFF_LOOPBACK, IFF_POINTOPOINT, IFF_UP, ETH_P_ARP, ETH_P_IP, ARPHRD_ETHER,
  PACKET_HOST, PACKET_OTHERHOST, PACKET_LOOPBACK,
} from "../uapi/if.ts";
import {
  AF_INET, RTN_LOCAL, RTN_UNICAST, RTN_BROADCAST, RTN_MULTICAST, RT_SCOPE_HOST, RT_SCOPE_LINK,
  NUD_NOARP, NUD_REACHABLE, NUD_STALE, NUD_PERMANENT, NUD_FAILED, NUD_INCOMPLETE, NTF_PROXY,
} from "../uapi/rtnetlink.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { devQueueXmit, devHardHeader, netSched } from "../core/dev_path.ts";
import {
  NeighTable, type Neighbour, type NeighOps, neighLookup, neighCreate, neighUpdate, neighEventNs, pneighLookup,
  neighIfdown, NUD_VALID, NEIGH_UPDATE_F_OVERRIDE, NEIGH_UPDATE_F_ADMIN, neighChangeaddr, neighCarrierDown, neighRemoveOne,
  neighTableRelease,
} from "../core/neighbour.ts";
import { nfHook, nfHookEntries, NFPROTO_ARP } from "../netfilter/core.ts";
import { readU16, readU32, ipv4IsMulticast, ipv4IsLoopback, macToString, ipv4FromBytes, ipv4ToBytes } from "../../wire/addr.ts";
import { ARPOP_REQUEST, ARPOP_REPLY, ARP_SHA, ARP_THA, ARP_ETH_IP_LEN, arpWrite } from "../../wire/arp.ts";
import { inetSelectAddr, inetAddrType, devInDevice, inDevConf, inDevForward, inetConfirmAddr, devinetNet, IPV4_DEVCONF, IN_DEV } from "./devinet.ts";
import { type Rtable, ipRouteInputNoref, ipRouteInputNoRoutePeek, ipRouteOutputKey, flowi4 } from "./route.ts";
import { ipv4SendDestUnreach } from "./ip_options.ts";
import { tcpExtInc } from "./tcp.ts";

/** NF_ARP_IN / NF_ARP_OUT */
const NF_ARP_IN = 0;
const NF_ARP_OUT = 1;

const tables = new NetGeneric<NeighTable>();

/** the ARP table of a namespace (arp_tbl) */
export function arpTable(net: Net): NeighTable {
  let t = tables.get(net);
  if (!t) tables.set(net, (t = new NeighTable(net, AF_INET, arpOps)));
  return t;
}

/** the ARP table if the namespace has one yet */
export function arpTableIfAny(net: Net): NeighTable | undefined {
  return tables.get(net);
}

export function arpTableDrop(net: Net): void {
  const t = tables.get(net);
  if (t) {
    neighIfdown(t, undefined, false);
    neighTableRelease(t);
  }
  tables.delete(net);
}

/** net/ipv4/arp.c: arp_mc_map() for Ethernet: 01:00:5e + low 23 bits */
function arpMcMap(addr: number, ha: Uint8Array): void {
  ha[0] = 0x01;
  ha[1] = 0x00;
  ha[2] = 0x5e;
  ha[3] = (addr >>> 16) & 0x7f;
  ha[4] = (addr >>> 8) & 0xff;
  ha[5] = addr & 0xff;
}

const arpOps: NeighOps = {
  id: "arp_cache",
  keyLen: 4,
  keyFromBytes: ipv4FromBytes,
  keyToBytes: ipv4ToBytes,
  protocol: ETH_P_IP,
  /** arp_is_multicast() */
  isMulticast: (key: number) => key >>> 28 === 0xe,
  permanentRefused: (key: number) => key >>> 28 === 0xe,
  /** net/ipv4/arp.c: arp_constructor() */
  constructor(n: Neighbour): void {
    const dev = n.dev;
    /* loopback and point-to-point devices have one neighbour, keyed INADDR_ANY */
    if (dev.flags & (IFF_LOOPBACK | IFF_POINTOPOINT)) n.key = 0;
    n.type = inetAddrType(n.net, n.key);
    if (dev.hardHeaderLen < 14) {
      n.nudState = NUD_NOARP;
      return;
    }
    if (n.type === RTN_MULTICAST) {
      n.nudState = NUD_NOARP;
      arpMcMap(n.key, n.ha);
    } else if (dev.flags & (IFF_NOARP | IFF_LOOPBACK)) {
      n.nudState = NUD_NOARP;
      n.ha.set(dev.devAddr.subarray(0, 6));
    } else if (n.type === RTN_BROADCAST || dev.flags & IFF_POINTOPOINT) {
      n.nudState = NUD_NOARP;
      n.ha.set(dev.broadcast.subarray(0, 6));
    }
  },
  solicit: arpSolicit,
  /** net/ipv4/arp.c: arp_error_report() -> dst_link_failure() -> ipv4_link_failure() */
  errorReport(_n: Neighbour, skb: SkBuff): void {
    if (skb.dst && skb.networkHeader >= 0) ipv4SendDestUnreach(skb);
  },
};

/** net/ipv4/arp.c: arp_solicit() */
function arpSolicit(n: Neighbour, skb: SkBuff | undefined): void {
  const dev = n.dev;
  const net = n.net;
  const target = n.key;
  let saddr = 0;
  const announce = devInDevice(dev) ? inDevConf(dev, IN_DEV.arp_announce) : 0;
  const skbSaddr = skb && skb.networkHeader >= 0 ? readU32(skb.buf, skb.networkHeader + 12) : 0;
  switch (announce) {
    case 2:
      break;
    case 1:
      if (skb && inetAddrType(net, skbSaddr) === RTN_LOCAL && inetAddrOnlinkDev(dev, target, skbSaddr)) saddr = skbSaddr;
      break;
    default:
      if (skb && inetAddrType(net, skbSaddr) === RTN_LOCAL) saddr = skbSaddr;
      break;
  }
  if (!saddr) saddr = inetSelectAddr(dev, target, RT_SCOPE_LINK);
  let probes = n.probes - n.parms.ucastProbes;
  let dstHw: Uint8Array | undefined;
  if (probes < 0) {
    dstHw = n.ha.slice();
  } else {
    probes -= n.parms.appProbes;
    if (probes < 0) return; // neigh_app_ns(): no arpd
  }
  arpSend(ARPOP_REQUEST, ETH_P_ARP, target, dev, saddr, dstHw, dev.devAddr, undefined);
}

function inetAddrOnlinkDev(dev: NetDevice, a: number, b: number): boolean {
  const ind = devInDevice(dev);
  if (!ind) return false;
  for (const ifa of ind.ifaList) {
    const m = ifa.ifaMask >>> 0;
    if (((a ^ ifa.ifaAddress) & m) === 0 && ((b ^ ifa.ifaAddress) & m) === 0) return true;
  }
  return false;
}

/** net/ipv4/arp.c: arp_create(): an Ethernet/IPv4 ARP frame, 42 bytes, data at its Ethernet
 * header */
export function arpCreate(
  type: number, destIp: number, dev: NetDevice, srcIp: number,
  destHw: Uint8Array | undefined, srcHw: Uint8Array | undefined, targetHw: Uint8Array | undefined,
): SkBuff {
  const skb = new SkBuff(ARP_ETH_IP_LEN);
  skb.networkHeader = skb.data;
  const sha = srcHw ?? dev.devAddr;
  arpWrite(skb.buf, skb.data, type, sha, srcIp, targetHw, destIp);
  skb.dev = dev;
  skb.protocol = ETH_P_ARP;
  devHardHeader(skb, dev, ETH_P_ARP, destHw ?? dev.broadcast, sha);
  return skb;
}

/** net/ipv4/arp.c: arp_send_dst(): arp_create() + arp_xmit() */
export function arpSend(
  type: number, _ptype: number, destIp: number, dev: NetDevice, srcIp: number,
  destHw: Uint8Array | undefined, srcHw: Uint8Array | undefined, targetHw: Uint8Array | undefined,
): void {
  if (dev.flags & IFF_NOARP) return;
  const skb = arpCreate(type, destIp, dev, srcIp, destHw, srcHw, targetHw);
  nfHook(NFPROTO_ARP, NF_ARP_OUT, dev.net, skb, undefined, dev, arpXmitFinish);
}

function arpXmitFinish(skb: SkBuff): void {
  devQueueXmit(skb);
}

/** net/ipv4/arp.c: arp_rcv() — skb.data at the ARP header */
export function arpRcv(skb: SkBuff, dev: NetDevice, _origDev: NetDevice): void {
  const b = skb.buf;
  const o = skb.data;
  let reason = "SKB_DROP_REASON_NOT_SPECIFIED";
  drop: {
    if (dev.flags & IFF_NOARP || skb.pktType === PACKET_OTHERHOST || skb.pktType === PACKET_LOOPBACK) {
      consumeSkb(skb);
      return;
    }
    if (skb.len < 8) {
      reason = "SKB_DROP_REASON_PKT_TOO_SMALL";
      break drop;
    }
    if (b[o + 4] !== dev.addrLen || b[o + 5] !== 4) break drop;
    if (skb.len < 8 + 2 * (dev.addrLen + 4)) {
      reason = "SKB_DROP_REASON_PKT_TOO_SMALL";
      break drop;
    }
    skb.networkHeader = o;
    skb.trim(8 + 2 * (dev.addrLen + 4));
    nfHook(NFPROTO_ARP, NF_ARP_IN, dev.net, skb, dev, undefined, arpProcess);
    return;
  }
  kfreeSkbReason(skb, reason, "arp_rcv");
}

/** net/ipv4/arp.c: arp_ignore() */
function arpIgnore(dev: NetDevice, sip: number, tip: number): boolean {
  let scope: number;
  let inDev = devInDevice(dev);
  switch (inDevConf(dev, IN_DEV.arp_ignore)) {
    case 0:
      return false;
    case 1:
      sip = 0;
      scope = RT_SCOPE_HOST;
      break;
    case 2:
      scope = RT_SCOPE_HOST;
      break;
    case 3:
      sip = 0;
      scope = RT_SCOPE_LINK;
      inDev = undefined;
      break;
    case 8:
      return true;
    default:
      return false;
  }
  return !inetConfirmAddr(dev.net, inDev, sip, tip, scope);
}

/** net/ipv4/arp.c: arp_filter(): reply only if the route back leaves through this device */
function arpFilter(sip: number, tip: number, dev: NetDevice): boolean {
  const fl = flowi4(sip, tip);
  const rt = ipRouteOutputKey(dev.net, fl);
  if ("errno" in rt) return true;
  if (rt.dev === dev) return false;
  tcpExtInc(dev.net, "ArpFilter");
  return true;
}

/** net/ipv4/arp.c: arp_fwd_proxy() */
function arpFwdProxy(inDevice: NetDevice, dev: NetDevice, rt: Rtable): boolean {
  if (rt.dev === dev) return false;
  if (!inDevConf(inDevice, IN_DEV.proxy_arp)) return false;
  const imi = inDevConf(inDevice, IN_DEV.medium_id);
  if (imi === 0) return true;
  if (imi === -1) return false;
  const omi = devInDevice(rt.dev) ? inDevConf(rt.dev, IN_DEV.medium_id) : 0;
  return omi !== imi && omi !== -1;
}

/** net/ipv4/arp.c: arp_accept() */
function arpAccept(dev: NetDevice, sip: number): number {
  const v = inDevConf(dev, IN_DEV.arp_accept);
  switch (v) {
    case 0:
      return 0;
    case 1:
      return 1;
    case 2:
      return inetConfirmAddr(dev.net, devInDevice(dev), sip, 0, RT_SCOPE_LINK) ? 1 : 0;
    default:
      return 0;
  }
}

/** arp_process()'s addr_type (see there) */
const ARP_ADDR_TYPE = { v: -1 };

/** net/ipv4/arp.c: arp_is_garp() */
function arpIsGarp(net: Net, dev: NetDevice, addrType: { v: number }, op: number, sip: number, tip: number, b: Uint8Array, o: number): boolean {
  let isGarp = tip === sip;
  if (isGarp && op === ARPOP_REPLY) {
    // sha and tha, read in place from the ARP header at o
    let same = true;
    for (let i = 0; i < 6; i++) if (b[o + ARP_THA + i] !== b[o + ARP_SHA + i]) same = false;
    isGarp = same;
  }
  if (isGarp) {
    addrType.v = inetAddrType(net, sip);
    if (addrType.v !== RTN_UNICAST) isGarp = false;
  }
  return isGarp;
}

/** net/ipv4/arp.c: arp_process() */
/** arp_process()'s end: consumed, or dropped for `reason` */
function arpFinish(skb: SkBuff, reason?: string): void {
  if (reason) kfreeSkbReason(skb, reason, "arp_process");
  else consumeSkb(skb);
}

/** the sender's hardware address of the ARP header at o, copied out: taken only where it is
 * kept or sent (most requests a host sees are for another and change nothing) */
function arpSha(b: Uint8Array, o: number): Uint8Array {
  return b.slice(o + ARP_SHA, o + ARP_SHA + 6);
}

export function arpProcess(skb: SkBuff): void {
  const dev = skb.dev!;
  const net = dev.net;
  const b = skb.buf;
  const o = skb.networkHeader;
  const inDev = devInDevice(dev);
  if (!inDev) return arpFinish(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
  const hrd = readU16(b, o);
  const pro = readU16(b, o + 2);
  const op = readU16(b, o + 6);
  const devType = dev.type === 772 ? ARPHRD_ETHER : dev.type;
  if (pro !== 0x0800 || hrd !== devType) return arpFinish(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
  if (op !== ARPOP_REPLY && op !== ARPOP_REQUEST) return arpFinish(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
  const sip = readU32(b, o + 14);
  const tip = readU32(b, o + 24);
  if (ipv4IsMulticast(tip) || (ipv4IsLoopback(tip) && !inDevConf(dev, IN_DEV.route_localnet))) return arpFinish(skb, "SKB_DROP_REASON_IP_INVALID_DEST");
  if (sip === 0) {
    // RFC 2131 duplicate address detection probe
    if (op === ARPOP_REQUEST && inetAddrType(net, tip) === RTN_LOCAL && !arpIgnore(dev, sip, tip)) {
      const sha = arpSha(b, o);
      arpSend(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha, dev.devAddr, sha);
    }
    return arpFinish(skb);
  }
  if (op === ARPOP_REQUEST && ipRouteInputNoref(skb, tip, sip, 0, dev) === 0) {
    const rt = skb.dst as Rtable;
    const addrType = rt.rtType;
    if (addrType === RTN_LOCAL) {
      let dontSend = arpIgnore(dev, sip, tip);
      if (!dontSend && inDevConf(dev, IN_DEV.arp_filter)) dontSend = arpFilter(sip, tip, dev);
      if (!dontSend) {
        const sha = arpSha(b, o);
        neighEventNs(arpTable(net), sha, sip, dev);
        arpSend(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha, dev.devAddr, sha);
      }
      return arpFinish(skb);
    } else if (inDevForward(dev)) {
      if (addrType === RTN_UNICAST && (arpFwdProxy(dev, dev, rt) || (rt.dev !== dev && pneighLookup(arpTable(net), tip, dev)))) {
        const sha = arpSha(b, o);
        neighEventNs(arpTable(net), sha, sip, dev);
        // proxy_delay: answered at once when the request was for us at L2 (PACKET_HOST)
        if (skb.pktType === PACKET_HOST || arpTable(net).parms.proxyDelay === 0) {
          arpSend(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha, dev.devAddr, sha);
        } else {
          pneighEnqueue(net, dev, sip, tip, sha);
        }
        return arpFinish(skb);
      }
    }
  }
  if (!arpUpdateTables(dev, b, o, op, sip, tip, skb.pktType)) return arpFinish(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
  arpFinish(skb);
}

/**
 * arp_process()'s end, "Update our ARP tables", from the ARP header at b[o..] (op, sip and tip
 * read from it) of a frame of kind `pktType`: the sender's entry, if there is one or
 * arp_accept allows one, takes its address. False when drop_gratuitous_arp drops it.
 */
function arpUpdateTables(dev: NetDevice, b: Uint8Array, o: number, op: number, sip: number, tip: number, pktType: number): boolean {
  const net = dev.net;
  const tbl = arpTable(net);
  let n = neighLookup(tbl, sip, dev);
  // arp_process()'s addr_type, which arp_is_garp() may fill in (one object for every call:
  // nothing keeps it past this function)
  const addrType = ARP_ADDR_TYPE;
  addrType.v = -1;
  let isGarp = false;
  const accept = arpAccept(dev, sip);
  if (n || accept) {
    isGarp = arpIsGarp(net, dev, addrType, op, sip, tip, b, o);
    // drop_gratuitous_arp: a gratuitous ARP changes nothing
    if (isGarp && inDevConf(dev, IN_DEV.drop_gratuitous_arp)) return false;
  }
  if (accept) {
    if (!n && (isGarp || (op === ARPOP_REPLY && (addrType.v === RTN_UNICAST || (addrType.v < 0 && inetAddrType(net, sip) === RTN_UNICAST))))) {
      n = neighCreate(tbl, sip, dev);
    }
  }
  if (n) {
    let state = NUD_REACHABLE;
    const now = netSched(net).now;
    const override = now > n.updated + n.parms.locktime || isGarp;
    if (op !== ARPOP_REPLY || pktType !== PACKET_HOST) state = NUD_STALE;
    // (a view of the frame's bytes: __neigh_update() copies what it keeps)
    neighUpdate(n, b.subarray(o + ARP_SHA, o + ARP_SHA + 6), state, override ? NEIGH_UPDATE_F_OVERRIDE : 0);
  }
  return true;
}

/**
 * arp_rcv() and arp_process() of a request for another host, on the bytes alone (`b[o..o+len)`,
 * the ARP header on; PtypePeek): with no arptables hook to see it, a well-formed request whose
 * target ip_route_input_noref() finds neither local nor a broadcast on a device that does not
 * forward (ipRouteInputNoRoutePeek()) changes nothing but the sender's entry, if any, and the
 * counters. Does that and returns 1; returns 0 with nothing done for any other frame. An ARP
 * broadcast through a bridge reaches every port's host so: each but one ends here.
 */
export function arpRcvPeek(b: Uint8Array, o: number, len: number, pktType: number, dev: NetDevice, mark: number): number {
  // arp_rcv()
  if (dev.flags & IFF_NOARP || pktType === PACKET_OTHERHOST || pktType === PACKET_LOOPBACK) return 0;
  if (len < 8 + 2 * (dev.addrLen + 4) || b[o + 4] !== dev.addrLen || b[o + 5] !== 4) return 0;
  if (nfHookEntries(dev.net, NFPROTO_ARP, NF_ARP_IN).length !== 0) return 0;
  // arp_process()
  if (!devInDevice(dev)) return 0;
  const devType = dev.type === 772 ? ARPHRD_ETHER : dev.type;
  if (readU16(b, o + 2) !== 0x0800 || readU16(b, o) !== devType) return 0;
  const op = readU16(b, o + 6);
  if (op !== ARPOP_REQUEST) return 0;
  const sip = readU32(b, o + 14);
  const tip = readU32(b, o + 24);
  if (sip === 0 || ipv4IsMulticast(tip) || ipv4IsLoopback(tip)) return 0;
  if (!ipRouteInputNoRoutePeek(dev, tip, sip, mark)) return 0;
  arpUpdateTables(dev, b, o, op, sip, tip, pktType);
  return 1;
}

/** net/core/neighbour.c: pneigh_enqueue(): a proxied reply after a random proxy_delay */
function pneighEnqueue(net: Net, dev: NetDevice, sip: number, tip: number, sha: Uint8Array): void {
  const tbl = arpTable(net);
  const world = (net.host as unknown as { world: { rng: { below(n: number): number } } }).world;
  const delay = world.rng.below(tbl.parms.proxyDelay + 1);
  netSched(net).after(delay, () => {
    if (dev.flags & IFF_UP) arpSend(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha, dev.devAddr, sha);
  }, "proxy_arp");
}

/** net/ipv4/arp.c: arp_send() of a gratuitous ARP (arp_notify / NETDEV_NOTIFY_PEERS) */
export function arpGratuitous(dev: NetDevice, addr: number): void {
  arpSend(ARPOP_REQUEST, ETH_P_ARP, addr, dev, addr, undefined, dev.devAddr, undefined);
}

/** net/ipv4/arp.c: arp_netdev_event() */
export function arpNetdevEvent(event: "CHANGEADDR" | "DOWN" | "UNREGISTER" | "CHANGE_NOCARRIER", dev: NetDevice): void {
  const t = tables.get(dev.net);
  if (!t) return;
  if (event === "CHANGEADDR") neighChangeaddr(t, dev);
  else if (event === "CHANGE_NOCARRIER") {
    if (inDevConf(dev, IN_DEV.arp_evict_nocarrier)) neighCarrierDown(t, dev);
  } else neighIfdown(t, dev, false);
}

// ------------------------------------------------------------------ /proc/net/arp

/** net/ipv4/arp.c: arp_seq_show() */
export function arpSeqShow(net: Net): string {
  let out = "IP address       HW type     Flags       HW address            Mask     Device\n";
  const t = tables.get(net);
  if (!t) return out;
  for (const n of t.hash.values()) {
    /* neigh_seq_start(NEIGH_SEQ_SKIP_NOARP): an entry whose only state is NOARP is not listed */
    if (!(n.nudState & ~NUD_NOARP)) continue;
    const hatype = n.dev.type === 772 ? 772 : n.dev.type;
    let flags = 0;
    if (n.nudState & NUD_PERMANENT) flags |= 0x04; // ATF_PERM
    if (n.nudState & NUD_VALID) flags |= 0x02; // ATF_COM
    const ip = `${n.key >>> 24}.${(n.key >>> 16) & 255}.${(n.key >>> 8) & 255}.${n.key & 255}`;
    const hw = n.nudState & NUD_VALID ? macToString(n.ha) : "00:00:00:00:00:00";
    out += `${ip.padEnd(16)} 0x${hatype.toString(16).padEnd(10)}0x${flags.toString(16).padEnd(10)}${hw.padEnd(22)}*        ${n.dev.name}\n`;
  }
  for (const p of t.phash) {
    /* arp_format_pneigh_entry(): hatype 0 for an entry without a device */
    const ip = `${p.key >>> 24}.${(p.key >>> 16) & 255}.${(p.key >>> 8) & 255}.${p.key & 255}`;
    out += `${ip.padEnd(16)} 0x${(p.dev?.type ?? 0).toString(16).padEnd(10)}0x${(0x0c).toString(16).padEnd(10)}${"00:00:00:00:00:00".padEnd(22)}*        ${p.dev?.name ?? "*"}\n`;
  }
  return out;
}

// ------------------------------------------------------------------ SIOC*ARP

/** ATF_* flags of struct arpreq */
export const ATF_COM = 0x02;
export const ATF_PERM = 0x04;
export const ATF_PUBL = 0x08;
export const ATF_USETRAILERS = 0x10;
export const ATF_NETMASK = 0x20;
export const ATF_DONTPUB = 0x40;

/** struct arpreq as the ioctl carries it (net-tools' field names) */
interface ArpReq {
  request: string;
  /** arp_pa: the protocol address (host order) */
  arp_pa?: number;
  /** arp_ha.sa_data and arp_ha.sa_family (ARPHRD_*) */
  arp_ha?: Uint8Array;
  arp_ha_family?: number;
  arp_flags?: number;
  arp_netmask?: number;
  /** arp_dev: "" when not given */
  arp_dev?: string;
}

/** the device of an arp request: the named one, or where the route to `ip` leads */
function arpDevFor(net: Net, r: ArpReq, ip: number): NetDevice | KErr {
  if (r.arp_dev) {
    const d = net.devByName.get(r.arp_dev);
    return d ?? kerr("ENODEV");
  }
  /* ip_route_output(net, ip, 0, 0, 0, RT_SCOPE_LINK): only an on-link destination has a device */
  const rt = ipRouteOutputKey(net, { ...flowi4(ip), scope: RT_SCOPE_LINK });
  if ("errno" in rt) return rt;
  return rt.dev;
}

/** net/core/dev.c: dev_getbyhwaddr_rcu() */
function devGetByHwaddr(net: Net, type: number, ha: Uint8Array | undefined): NetDevice | undefined {
  if (!ha) return undefined;
  for (const d of net.devByIndex.values()) {
    if (d.type !== type) continue;
    let same = d.devAddr.length > 0;
    for (let i = 0; i < d.devAddr.length && same; i++) if (d.devAddr[i] !== ha[i]) same = false;
    if (same) return d;
  }
  return undefined;
}

/** net/ipv4/arp.c: arp_req_set_proxy(): proxy_arp of every device (none named: the "all"
 * value, unmarked) or of one (IN_DEV_CONF_SET: marked as set) */
function arpReqSetProxy(net: Net, dev: NetDevice | undefined, on: number): Record<string, unknown> | KErr {
  if (!dev) {
    devinetNet(net).all.set(IPV4_DEVCONF.PROXY_ARP, on);
    return {};
  }
  const ind = devInDevice(dev);
  if (!ind) return kerr("ENXIO");
  ind.cnf.set(IPV4_DEVCONF.PROXY_ARP, on);
  ind.cnf.markSet(IPV4_DEVCONF.PROXY_ARP);
  return {};
}

/** net/ipv4/arp.c: arp_ioctl() — SIOCSARP / SIOCDARP / SIOCGARP */
export function arpIoctl(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const r = req as unknown as ArpReq;
  const ip = (r.arp_pa ?? 0) >>> 0;
  let flags = r.arp_flags ?? 0;
  const tbl = arpTable(net);
  switch (r.request) {
    case "SIOCSARP": {
      if (flags & ATF_PUBL) {
        // arp_req_set_public(): a proxy entry (a 0 netmask is the old proxy_arp switch)
        let dev = r.arp_dev ? net.devByName.get(r.arp_dev) : undefined;
        if (r.arp_dev && !dev) return kerr("ENODEV");
        /* a published entry without a device belongs to the device that has the given MAC */
        if (!dev && flags & ATF_COM) {
          dev = devGetByHwaddr(net, r.arp_ha_family ?? 1, r.arp_ha);
          if (!dev) return kerr("ENODEV");
        }
        if (flags & ATF_NETMASK && r.arp_netmask === 0) return arpReqSetProxy(net, dev, 1);
        if (!pneighLookup(tbl, ip, dev)) tbl.phash.push({ key: ip, dev, flags: 0, protocol: 0 });
        return {};
      }
      // arp_req_set()
      if (flags & ATF_PERM) flags |= ATF_COM;
      const dev = arpDevFor(net, r, ip);
      if ("errno" in dev) return dev;
      if ((r.arp_ha_family ?? dev.type) !== dev.type) return kerr("EINVAL");
      const n = neighCreate(tbl, ip, dev, (flags & ATF_PERM) !== 0);
      if (!n) return kerr("ENOBUFS");
      const state = flags & ATF_PERM ? NUD_PERMANENT : NUD_STALE;
      const err = neighUpdate(n, flags & ATF_COM ? r.arp_ha : undefined, state, NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_ADMIN);
      return err ? kerr("EINVAL") : {};
    }
    case "SIOCDARP": {
      if (flags & ATF_PUBL) {
        // arp_req_dev_by_name() when a device is named (none: NULL), then
        // arp_req_delete_public(): without ATF_NETMASK arp_ioctl() made the mask /32, and a /32
        // is pneigh_delete() of the entry of exactly that device; a 0 mask turns proxy_arp off
        const dev = r.arp_dev ? net.devByName.get(r.arp_dev) : undefined;
        if (r.arp_dev && !dev) return kerr("ENODEV");
        const mask = flags & ATF_NETMASK ? (r.arp_netmask ?? 0) : 0xffffffff;
        if (!mask) return arpReqSetProxy(net, dev, 0);
        const i = tbl.phash.findIndex((p) => p.key === ip && p.dev === dev);
        if (i < 0) return kerr("ENOENT");
        tbl.phash.splice(i, 1);
        return {};
      }
      const dev = arpDevFor(net, r, ip);
      if ("errno" in dev) return dev;
      // arp_invalidate(dev, ip, force = true)
      const n = neighLookup(tbl, ip, dev);
      if (!n) return kerr("ENXIO");
      if (n.nudState & ~NUD_NOARP) neighUpdate(n, undefined, NUD_FAILED, NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_ADMIN);
      neighRemoveOne(n);
      return {};
    }
    case "SIOCGARP": {
      // arp_req_get()
      const dev = arpDevFor(net, r, ip);
      if ("errno" in dev) return dev;
      const n = neighLookup(tbl, ip, dev);
      if (!n || n.nudState & NUD_NOARP) return kerr("ENXIO");
      let f = 0;
      if (n.nudState & NUD_VALID) f |= ATF_COM;
      if (n.nudState & NUD_PERMANENT) f |= ATF_PERM;
      return { arp_pa: ip, arp_ha: n.ha.slice(), arp_ha_family: dev.type, arp_flags: f, arp_dev: dev.name };
    }
  }
  return kerr("EINVAL");
}

export { NTF_PROXY };
