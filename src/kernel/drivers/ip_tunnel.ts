/**
 * net/ipv4/ip_tunnel.c + ip_tunnel_core.c: what ipip, gre and sit share — the per-namespace
 * tunnel table with its fallback device (tunl0, gre0, sit0), the lookup of the tunnel a packet
 * belongs to, ip_tunnel_xmit()/iptunnel_xmit() (route the outer packet, push the outer IPv4
 * header, ip_local_out), ip_tunnel_rcv() (decapsulate, count, hand to the tunnel device), the
 * legacy SIOC*TUNNEL ioctls that `ip tunnel` uses, and the netlink newlink/changelink
 * (IFLA_IPTUN_*) of `ip link add type ipip|sit`.
 */
import { NetDevice, NETDEV_TX_OK, IFF_NO_QUEUE } from "../core/netdevice.ts";
import type { NetDeviceOps } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { NetGeneric, registerPernetDevice, type Net } from "../core/net_namespace.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import { IFF_NOARP, IFF_POINTOPOINT, IFF_BROADCAST, IFF_UP, ARPHRD_ETHER, ETH_P_IP, PACKET_HOST } from "../uapi/if.ts";
import type { InfoData, IflaAttrs } from "../uapi/rtnetlink.ts";
import {
  type IpTunnelParm, copyTunnelParm, emptyTunnelParm, GRE_KEY, VTI_ISVTI,
  SIOCGETTUNNEL, SIOCADDTUNNEL, SIOCCHGTUNNEL, SIOCDELTUNNEL,
} from "../uapi/if_tunnel.ts";
import {
  registerNetdevice, unregisterNetdevice, devGetByName, devGetByIndex, devSetMtu, netdevStateChange,
  setNetnsLocal,
} from "../core/dev.ts";
import { netifRx } from "../core/dev_path.ts";
import { registerIoctl } from "../core/dev_ioctl.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import type { NewlinkParams, RtnlLinkKind } from "../core/rtnetlink.ts";
import { readU16, readU32, writeU16, writeU32 } from "../../wire/addr.ts";
import { IP_DF } from "../../wire/ipv4.ts";
import { ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED } from "../../wire/icmp.ts";
import { ipRouteOutputKey, flowi4, ipv4Mtu, type Rtable } from "../ipv4/route.ts";
import { ipLocalOut, ipLocalOutErrno, ipSelectIdent } from "../ipv4/ip_output.ts";
import { ipStats } from "../ipv4/ip_input.ts";
import { icmpSend } from "../ipv4/icmp.ts";
import { requestModule, moduleLoaded, registerKernelModule, hostNets } from "./kmod.ts";

export const ETH_DATA_LEN = 1500;
export const ETH_MIN_MTU = 68;
export const IPV4_MIN_MTU = 68;
export const IP_MAX_MTU = 0xffff;
/** LL_MAX_HEADER for a kernel without AX25/TR (ip_tunnel_bind_dev's default headroom) */
const LL_MAX_HEADER = 128;
const IPH_LEN = 20;

/** struct ip_tunnel (netdev_priv of a tunnel device) */
export interface IpTunnel {
  dev: NetDevice;
  /** the namespace the tunnel's outer packets live in (tunnel->net) */
  net: Net;
  parms: IpTunnelParm;
  /** tun_hlen (GRE header) + encap_hlen */
  hlen: number;
  tunHlen: number;
  fwmark: number;
  collectMd: boolean;
  ignoreDf: boolean;
  oSeqno: number;
  iSeqno: number;
  errCount: number;
  errTime: number;
  ops: IpTunnelKind;
}

/** struct ip_tunnel_net (net_generic of one tunnel kind) */
export interface IpTunnelNet {
  tunnels: IpTunnel[];
  fbTunnelDev: NetDevice | undefined;
  collectMdTun: IpTunnel | undefined;
}

/**
 * One kind of IPv4 tunnel (ipip_net_id/ipip_link_ops, ipgre_…, sit_…): its table per netns, its
 * module, its fallback name, and the driver callbacks the shared code calls.
 */
export interface IpTunnelKind {
  /** the module that provides it ("ipip", "ip_gre", "sit") */
  module: string;
  /** the fallback device's name, or undefined when it has none */
  fbName: string | undefined;
  /** ARPHRD_* of its devices */
  type: number;
  linkOps: RtnlLinkKind;
  nets: NetGeneric<IpTunnelNet>;
  /** ops->setup(): a fresh device (not registered) */
  setup(name: string, net: Net): NetDevice;
  /** ndo_init: the device's fields from its parms (dev_addr, hlen …) */
  init(dev: NetDevice): void;
  /** the MTU bounds ip_tunnel_create() gives (sit: IPv6's 1280 .. IP6_MAX_MTU − 20) */
  mtuBounds?: (tHlen: number) => [number, number];
  /** ndo_tunnel_ctl: check/massage the ioctl's parms, then ip_tunnel_ctl() */
  ctl(dev: NetDevice, p: IpTunnelParm, cmd: string): KErr | undefined;
}

export function tunnelOf(dev: NetDevice): IpTunnel {
  return dev.priv as IpTunnel;
}

export function isIpTunnel(dev: NetDevice): boolean {
  return tunnelNetdevOps.has(dev.ops);
}

const tunnelNetdevOps = new WeakSet<NetDeviceOps>();

/** mark a driver's netdev ops as an ip_tunnel's (ndo_siocdevprivate = ip_tunnel_siocdevprivate) */
export function ipTunnelRegisterOps(ops: NetDeviceOps): void {
  tunnelNetdevOps.add(ops);
}

export function itnOf(kind: IpTunnelKind, net: Net): IpTunnelNet {
  let itn = kind.nets.get(net);
  if (!itn) kind.nets.set(net, (itn = { tunnels: [], fbTunnelDev: undefined, collectMdTun: undefined }));
  return itn;
}

function ipv4IsMulticast(a: number): boolean {
  return (a >>> 28) === 0xe;
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_key_match() */
function ipTunnelKeyMatch(p: IpTunnelParm, flags: number, key: number): boolean {
  if (p.i_flags & GRE_KEY) {
    if (flags & GRE_KEY) return key === p.i_key;
    return false; /* key expected, none present */
  }
  return !(flags & GRE_KEY);
}

export const TUNNEL_NO_KEY = 0x10000;

/**
 * net/ipv4/ip_tunnel.c: ip_tunnel_lookup(): the tunnel for a received packet (remote = its
 * source, local = its destination). Exact match first, then wildcard local, then wildcard
 * remote, then keyed, then the fallback device. The four hash walks are kept as four passes.
 */
export function ipTunnelLookup(itn: IpTunnelNet, link: number, flags: number, remote: number, local: number, key: number): IpTunnel | undefined {
  let cand: IpTunnel | undefined;
  for (const t of itn.tunnels) {
    if (local !== t.parms.iph.saddr || remote !== t.parms.iph.daddr || !(t.dev.flags & IFF_UP)) continue;
    if (!ipTunnelKeyMatch(t.parms, flags, key)) continue;
    if (t.parms.link === link) return t;
    cand = t;
  }
  for (const t of itn.tunnels) {
    if (remote !== t.parms.iph.daddr || t.parms.iph.saddr !== 0 || !(t.dev.flags & IFF_UP)) continue;
    if (!ipTunnelKeyMatch(t.parms, flags, key)) continue;
    if (t.parms.link === link) return t;
    if (!cand) cand = t;
  }
  for (const t of itn.tunnels) {
    if ((local !== t.parms.iph.saddr || t.parms.iph.daddr !== 0) && (local !== t.parms.iph.daddr || !ipv4IsMulticast(local))) continue;
    if (!(t.dev.flags & IFF_UP)) continue;
    if (!ipTunnelKeyMatch(t.parms, flags, key)) continue;
    if (t.parms.link === link) return t;
    if (!cand) cand = t;
  }
  if (!(flags & TUNNEL_NO_KEY)) {
    for (const t of itn.tunnels) {
      if (t.parms.i_key !== key || t.parms.iph.saddr !== 0 || t.parms.iph.daddr !== 0 || !(t.dev.flags & IFF_UP)) continue;
      if (t.parms.link === link) return t;
      if (!cand) cand = t;
    }
  }
  if (cand) return cand;
  const md = itn.collectMdTun;
  if (md && md.dev.flags & IFF_UP) return md;
  const fb = itn.fbTunnelDev;
  if (fb && fb.flags & IFF_UP) return tunnelOf(fb);
  return undefined;
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_add() (hlist_add_head: newest first) */
function ipTunnelAdd(itn: IpTunnelNet, t: IpTunnel): void {
  if (t.collectMd) itn.collectMdTun = t;
  itn.tunnels.unshift(t);
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_del() */
function ipTunnelDel(itn: IpTunnelNet, t: IpTunnel): void {
  if (t.collectMd) itn.collectMdTun = undefined;
  const i = itn.tunnels.indexOf(t);
  if (i >= 0) itn.tunnels.splice(i, 1);
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_find() */
function ipTunnelFind(itn: IpTunnelNet, p: IpTunnelParm, type: number): IpTunnel | undefined {
  for (const t of itn.tunnels) {
    if (p.iph.saddr === t.parms.iph.saddr && p.iph.daddr === t.parms.iph.daddr && p.link === t.parms.link &&
      type === t.dev.type && ipTunnelKeyMatch(t.parms, p.i_flags, p.i_key)) return t;
  }
  return undefined;
}

/** the private part alloc_netdev() gives a tunnel device (ip_tunnel_setup + zeroed priv) */
export function ipTunnelAllocPriv(dev: NetDevice, net: Net, kind: IpTunnelKind): IpTunnel {
  const t: IpTunnel = {
    dev, net, parms: emptyTunnelParm(), hlen: 0, tunHlen: 0, fwmark: 0, collectMd: false, ignoreDf: false,
    oSeqno: 0, iSeqno: 0, errCount: 0, errTime: 0, ops: kind,
  };
  dev.priv = t;
  return t;
}

/** the common ipip/sit/gre device setup: no link-layer header, IFF_NOARP, 4-byte addresses */
export function ipTunnelSetupDev(name: string, net: Net, type: number, ops: NetDeviceOps, kind: IpTunnelKind): NetDevice {
  const dev = new NetDevice(name, type, IFF_NOARP, ops, new Uint8Array(4), new Uint8Array(4));
  dev.addrLen = 4;
  dev.hardHeaderLen = 0;
  /* alloc_netdev(): no MTU bounds until ip_tunnel_create() sets them; a setup that leaves
   * tx_queue_len 0 gets IFF_NO_QUEUE and the default 1000 */
  dev.mtu = ETH_DATA_LEN;
  dev.minMtu = 0;
  dev.maxMtu = 0;
  dev.txQueueLen = 1000;
  dev.privFlags |= IFF_NO_QUEUE;
  dev.tsoMaxSize = 65536; // TSO_LEGACY_MAX_SIZE
  dev.net = net;
  dev.linkOps = kind.linkOps;
  ipTunnelAllocPriv(dev, net, kind);
  return dev;
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_init() (the ndo_init part every kind shares) */
function ipTunnelInit(dev: NetDevice): void {
  const t = tunnelOf(dev);
  t.dev = dev;
  t.net = dev.net;
  t.parms.name = dev.name;
  t.parms.iph.version = 4;
  t.parms.iph.ihl = 5;
  if (t.collectMd) setNetnsLocal(dev);
}

/** register_netdevice() with the kind's ndo_init first, ip_tunnel_init after the name is known */
function registerTunnel(net: Net, dev: NetDevice): KErr | undefined {
  const t = tunnelOf(dev);
  t.ops.init(dev);
  const e = registerNetdevice(net, dev);
  if (e) return e;
  ipTunnelInit(dev);
  return undefined;
}

/** net/ipv4/ip_tunnel.c: __ip_tunnel_create() */
function __ipTunnelCreate(net: Net, kind: IpTunnelKind, parms: IpTunnelParm): NetDevice | KErr {
  let name: string;
  if (parms.name) name = parms.name;
  else {
    if (kind.linkOps.kind.length > 16 - 3) return kerr("E2BIG");
    name = `${kind.linkOps.kind}%d`;
  }
  const dev = kind.setup(name, net);
  const t = tunnelOf(dev);
  t.parms = copyTunnelParm(parms);
  t.net = net;
  const e = registerTunnel(net, dev);
  if (e) return e;
  return dev;
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_bind_dev(): the MTU from the device the outer packets leave by */
export function ipTunnelBindDev(dev: NetDevice): number {
  const t = tunnelOf(dev);
  const iph = t.parms.iph;
  let tdev: NetDevice | undefined;
  let hlen = LL_MAX_HEADER;
  let mtu = ETH_DATA_LEN;
  const tHlen = t.hlen + IPH_LEN;
  if (iph.daddr) {
    const fl4 = flowi4(iph.daddr, iph.saddr, t.parms.link);
    fl4.proto = iph.protocol;
    fl4.tos = iph.tos & 0x1e;
    fl4.mark = t.fwmark;
    const rt = ipRouteOutputKey(t.net, fl4);
    if (!isKErr(rt)) tdev = rt.dev;
    if (dev.type !== ARPHRD_ETHER) dev.flags |= IFF_POINTOPOINT;
  }
  if (!tdev && t.parms.link) tdev = devGetByIndex(t.net, t.parms.link);
  if (tdev) {
    hlen = tdev.hardHeaderLen;
    mtu = Math.min(tdev.mtu, IP_MAX_MTU);
  }
  void hlen;
  mtu -= tHlen + (dev.type === ARPHRD_ETHER ? dev.hardHeaderLen : 0);
  if (mtu < IPV4_MIN_MTU) mtu = IPV4_MIN_MTU;
  return mtu;
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_create() */
function ipTunnelCreate(net: Net, itn: IpTunnelNet, parms: IpTunnelParm): IpTunnel | KErr {
  const fb = itn.fbTunnelDev!;
  const dev = __ipTunnelCreate(net, tunnelOf(fb).ops, parms);
  if (isKErr(dev)) return dev;
  const mtu = ipTunnelBindDev(dev);
  const e = devSetMtu(dev, mtu);
  if (e) {
    unregisterNetdevice(dev);
    return e;
  }
  const nt = tunnelOf(dev);
  const tHlen = nt.hlen + IPH_LEN;
  dev.minMtu = ETH_MIN_MTU;
  dev.maxMtu = IP_MAX_MTU - tHlen;
  if (dev.type === ARPHRD_ETHER) dev.maxMtu -= dev.hardHeaderLen;
  if (nt.ops.mtuBounds) [dev.minMtu, dev.maxMtu] = nt.ops.mtuBounds(tHlen);
  ipTunnelAdd(itn, nt);
  return nt;
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_init_net(): the fallback device of one namespace */
export function ipTunnelInitNet(net: Net, kind: IpTunnelKind): void {
  const itn = itnOf(kind, net);
  if (!kind.fbName || itn.fbTunnelDev) return;
  const parms = emptyTunnelParm();
  parms.name = kind.fbName;
  const dev = __ipTunnelCreate(net, kind, parms);
  if (isKErr(dev)) return;
  itn.fbTunnelDev = dev;
  /* FB netdevice is special: we have one, and only one per netns. */
  setNetnsLocal(dev);
  dev.mtu = ipTunnelBindDev(dev);
  ipTunnelAdd(itn, tunnelOf(dev));
}

/** the pernet ops of a kind: the fallback device in every namespace of a machine that has
 * the module loaded (register_pernet_device at module load does the existing ones) */
export function ipTunnelRegisterPernet(kind: IpTunnelKind): void {
  registerPernetDevice({
    init: (net) => {
      if (moduleLoaded(net.host, kind.module)) ipTunnelInitNet(net, kind);
    },
    exit: (net) => {
      kind.nets.delete(net);
    },
  });
}

/**
 * module_init() of a driver built on ip_tunnel.ko (ipip, sit, ip_gre): the module and its
 * dependencies, its banner, and register_pernet_device() of each kind it provides — the
 * fallback devices in every namespace that exists when it loads, and in every later one.
 */
export function ipTunnelRegisterDriver(
  mod: { name: string; size: number; deps: string[]; aliases: string[]; banner: string },
  kinds: IpTunnelKind[],
): void {
  registerKernelModule({ name: "ip_tunnel", size: 36864, deps: [] });
  registerKernelModule({
    name: mod.name,
    size: mod.size,
    deps: mod.deps,
    aliases: mod.aliases,
    init: (host) => {
      host.dmesgLog(mod.banner);
      for (const kind of kinds) for (const net of hostNets(host)) ipTunnelInitNet(net, kind);
    },
  });
  for (const kind of kinds) ipTunnelRegisterPernet(kind);
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_update() */
function ipTunnelUpdate(itn: IpTunnelNet, t: IpTunnel, dev: NetDevice, p: IpTunnelParm, setMtu: boolean, fwmark: number): void {
  ipTunnelDel(itn, t);
  t.parms.iph.saddr = p.iph.saddr;
  t.parms.iph.daddr = p.iph.daddr;
  t.parms.i_key = p.i_key;
  t.parms.o_key = p.o_key;
  if (dev.type !== ARPHRD_ETHER) {
    writeU32(dev.devAddr, 0, p.iph.saddr);
    writeU32(dev.broadcast, 0, p.iph.daddr);
  }
  ipTunnelAdd(itn, t);
  t.parms.iph.ttl = p.iph.ttl;
  t.parms.iph.tos = p.iph.tos;
  t.parms.iph.frag_off = p.iph.frag_off;
  if (t.parms.link !== p.link || t.fwmark !== fwmark) {
    t.parms.link = p.link;
    t.fwmark = fwmark;
    const mtu = ipTunnelBindDev(dev);
    if (setMtu) dev.mtu = mtu;
  }
  netdevStateChange(dev);
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_ctl() */
export function ipTunnelCtl(dev: NetDevice, p: IpTunnelParm, cmd: string): KErr | undefined {
  let t = tunnelOf(dev);
  const net = t.net;
  const itn = itnOf(t.ops, net);
  const fb = itn.fbTunnelDev;
  switch (cmd) {
    case SIOCGETTUNNEL: {
      if (dev === fb) {
        const f = ipTunnelFind(itn, p, fb.type);
        t = f ?? tunnelOf(dev);
      }
      Object.assign(p, copyTunnelParm(t.parms));
      return undefined;
    }
    case SIOCADDTUNNEL:
    case SIOCCHGTUNNEL: {
      if (p.iph.ttl) p.iph.frag_off |= IP_DF;
      if (!(p.i_flags & VTI_ISVTI)) {
        if (!(p.i_flags & GRE_KEY)) p.i_key = 0;
        if (!(p.o_flags & GRE_KEY)) p.o_key = 0;
      }
      let f = ipTunnelFind(itn, p, t.ops.type);
      if (cmd === SIOCADDTUNNEL) {
        if (!f) {
          const nt = ipTunnelCreate(net, itn, p);
          if (isKErr(nt)) return nt;
          Object.assign(p, copyTunnelParm(nt.parms));
          return undefined;
        }
        return kerr("EEXIST");
      }
      if (dev !== fb) {
        if (f) {
          if (f.dev !== dev) return kerr("EEXIST");
        } else {
          let nflags = 0;
          if (ipv4IsMulticast(p.iph.daddr)) nflags = IFF_BROADCAST;
          else if (p.iph.daddr) nflags = IFF_POINTOPOINT;
          if ((dev.flags ^ nflags) & (IFF_POINTOPOINT | IFF_BROADCAST)) return kerr("EINVAL");
          f = tunnelOf(dev);
        }
      }
      if (!f) return kerr("ENOENT");
      ipTunnelUpdate(itn, f, f.dev, p, true, 0);
      Object.assign(p, copyTunnelParm(f.parms));
      return undefined;
    }
    case SIOCDELTUNNEL: {
      let d = dev;
      if (dev === fb) {
        const f = ipTunnelFind(itn, p, fb.type);
        if (!f) return kerr("ENOENT");
        if (f === tunnelOf(fb)) return kerr("EPERM");
        d = f.dev;
      }
      unregisterNetdevice(d);
      return undefined;
    }
  }
  return kerr("EINVAL");
}

/** net/core/dev_ioctl.c: dev_ioctl() for SIOC{GET,ADD,CHG,DEL}TUNNEL: dev_load() (module
 * autoload by "netdev-NAME"), then ndo_siocdevprivate -> ip_tunnel_siocdevprivate() */
function ipTunnelSiocdevprivate(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const name = typeof req.ifname === "string" ? req.ifname : "";
  let dev = devGetByName(net, name);
  if (!dev) {
    /* dev_load(): request_module("netdev-%s") for the fallback devices' names */
    requestModule(net, `netdev-${name}`);
    dev = devGetByName(net, name);
  }
  if (!dev) return kerr("ENODEV");
  if (!isIpTunnel(dev)) return kerr("EOPNOTSUPP");
  const p = copyTunnelParm((req.parm as IpTunnelParm | undefined) ?? emptyTunnelParm());
  const t = tunnelOf(dev);
  const e = t.ops.ctl(dev, p, req.request as string);
  if (e) return e;
  return { parm: p };
}

// ------------------------------------------------------------------ transmit

/** include/net/inet_ecn.h: INET_ECN_encapsulate() */
export function inetEcnEncapsulate(outer: number, inner: number): number {
  outer &= ~3;
  outer |= (inner & 3) !== 3 ? inner & 3 : 2;
  return outer;
}

/** net/ipv4/ip_tunnel.c: tnl_update_pmtu() (IPv4 inner packets) */
function tnlUpdatePmtu(dev: NetDevice, skb: SkBuff, rt: Rtable, df: number, innerOff: number): number {
  const t = tunnelOf(dev);
  const ethHlen = dev.type === ARPHRD_ETHER ? dev.hardHeaderLen : 0;
  const pktSize = skb.len - t.hlen - ethHlen;
  let mtu: number;
  if (df) mtu = ipv4Mtu(rt) - (IPH_LEN + t.hlen) - ethHlen;
  else mtu = skb.dst ? ipv4Mtu(skb.dst as Rtable) : dev.mtu;
  if (skb.protocol === ETH_P_IP) {
    if (readU16(skb.buf, innerOff + 6) & IP_DF && mtu < pktSize) {
      skb.ipcbFlags = 0;
      icmpSend(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu);
      return -7; // -E2BIG
    }
  }
  return 0;
}

/**
 * net/ipv4/ip_tunnel_core.c: iptunnel_xmit(): scrub, attach the route, push and fill the outer
 * IPv4 header (__ip_select_ident picks the ID even with DF), then ip_local_out().
 */
export function iptunnelXmit(net: Net, rt: Rtable, skb: SkBuff, src: number, dst: number, proto: number, tos: number, ttl: number, df: number, mark: number): number {
  /* skb_scrub_packet(skb, xnet) */
  skb.pktType = PACKET_HOST;
  skb.skbIif = 0;
  skb.nfct = undefined;
  skb.ctinfo = 0;
  skb.nfBridge = undefined;
  skb.sk = undefined;
  skb.mark = mark;
  skb.dst = rt;
  skb.ipcbFlags = 0;
  const o = skb.push(IPH_LEN);
  skb.networkHeader = o;
  const b = skb.buf;
  b[o] = 0x45;
  b[o + 1] = tos;
  writeU16(b, o + 2, skb.tail - o);
  writeU16(b, o + 6, 0);
  b[o + 8] = ttl;
  b[o + 9] = proto;
  writeU16(b, o + 10, 0);
  writeU32(b, o + 12, src);
  writeU32(b, o + 16, dst);
  /* __ip_select_ident(): the ID generator whatever DF says */
  ipSelectIdent(net, skb, undefined);
  writeU16(b, o + 6, rt.rtMtuLocked ? 0 : df);
  skb.protocol = ETH_P_IP;
  skb.dev = rt.dev;
  ipStats(net).OutRequests++; // __ip_local_out()
  ipLocalOut(net, skb);
  return ipLocalOutErrno(skb);
}

/** NET_XMIT_DROP: the core does not count the frame as sent (the driver counted an error) */
export const TUNNEL_XMIT_DROPPED = 1;

/**
 * net/ipv4/ip_tunnel.c: ip_tunnel_xmit(): `skb.data` is the inner packet (the device has no
 * link-layer header). Returns NETDEV_TX_OK when sent, TUNNEL_XMIT_DROPPED after an error.
 */
export function ipTunnelXmit(skb: SkBuff, dev: NetDevice, tnl: IpTunnelParm, protocol: number, innerAt?: number): number {
  const t = tunnelOf(dev);
  /* skb_inner_network_header(): the inner IP header (after a GRE header / tap's Ethernet) */
  const innerOff = innerAt ?? skb.data;
  const b = skb.buf;
  let connected = tnl.iph.daddr !== 0;
  void connected;
  let dst = tnl.iph.daddr;
  if (dst === 0) {
    /* NBMA tunnel */
    if (!skb.dst) {
      dev.stats.tx_fifo_errors++;
      return txError(skb, dev);
    }
    if (skb.protocol === ETH_P_IP) {
      const rt = skb.dst as Rtable;
      dst = rt.rtUsesGateway ? rt.rtGw4 : readU32(b, innerOff + 16);
    } else return txError(skb, dev);
    connected = false;
  }
  let tos = tnl.iph.tos;
  if (tos & 1) {
    tos &= ~1;
    if (skb.protocol === ETH_P_IP) tos = b[innerOff + 1]!;
  }
  const fl4 = flowi4(dst, tnl.iph.saddr, t.parms.link);
  fl4.proto = protocol;
  fl4.tos = tos & 0x1e;
  fl4.mark = t.fwmark;
  const rt = ipRouteOutputKey(t.net, fl4);
  if (isKErr(rt)) {
    dev.stats.tx_carrier_errors++;
    return txError(skb, dev);
  }
  if (rt.dev === dev) {
    dev.stats.collisions++;
    return txError(skb, dev);
  }
  if (tnlUpdatePmtu(dev, skb, rt, tnl.iph.frag_off, innerOff)) return txError(skb, dev);
  tos = inetEcnEncapsulate(tos, skb.protocol === ETH_P_IP ? b[innerOff + 1]! : 0);
  let ttl = tnl.iph.ttl;
  if (ttl === 0) {
    if (skb.protocol === ETH_P_IP) ttl = b[innerOff + 8]!;
    else ttl = 64; // ip4_dst_hoplimit()
  }
  let df = tnl.iph.frag_off;
  if (skb.protocol === ETH_P_IP && !t.ignoreDf) df |= readU16(b, innerOff + 6) & IP_DF;
  iptunnelXmit(t.net, rt, skb, fl4.saddr, fl4.daddr, protocol, tos, ttl, df, skb.mark);
  return NETDEV_TX_OK;
}

function txError(skb: SkBuff, dev: NetDevice): number {
  dev.stats.tx_errors++;
  kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ip_tunnel_xmit");
  return TUNNEL_XMIT_DROPPED;
}

// ------------------------------------------------------------------ receive

/**
 * net/ipv4/ip_tunnel.c: ip_tunnel_rcv(): `skb.data` is at the inner packet (the caller pulled
 * the outer headers). Checks, counts and hands the packet to the tunnel device's receive path
 * (gro_cells_receive -> the backlog).
 */
export function ipTunnelRcv(t: IpTunnel, skb: SkBuff, innerProto: number, tpiFlags: number, tpiSeq: number): void {
  const dev = t.dev;
  const CSUM = 0x8000, SEQ = 0x1000;
  if (!(tpiFlags & CSUM) !== !(t.parms.i_flags & CSUM)) {
    dev.stats.rx_crc_errors++;
    dev.stats.rx_errors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ip_tunnel_rcv");
    return;
  }
  if (t.parms.i_flags & SEQ) {
    if (!(tpiFlags & SEQ) || (t.iSeqno && ((tpiSeq - t.iSeqno) | 0) < 0)) {
      dev.stats.rx_fifo_errors++;
      dev.stats.rx_errors++;
      kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ip_tunnel_rcv");
      return;
    }
    t.iSeqno = (tpiSeq + 1) >>> 0;
  }
  skb.networkHeader = skb.data;
  skb.transportHeader = -1;
  /* skb_scrub_packet(skb, !net_eq(tunnel->net, dev_net(tunnel->dev))) */
  const xnet = t.net !== dev.net;
  skb.pktType = PACKET_HOST;
  skb.skbIif = 0;
  skb.dst = undefined;
  skb.sk = undefined;
  skb.ipcbFlags = 0;
  skb.nfct = undefined;
  skb.ctinfo = 0;
  skb.nfBridge = undefined;
  if (xnet) skb.mark = 0;
  skb.protocol = innerProto;
  skb.dev = dev;
  if (dev.type === ARPHRD_ETHER) {
    /* gretap: the inner frame has its Ethernet header; netif_rx classifies it */
    skb.macHeader = -1;
  } else {
    /* skb_reset_mac_header(): no link-layer header */
    skb.macHeader = skb.data;
  }
  netifRx(skb);
}

// ------------------------------------------------------------------ netlink

/**
 * the receive path ipip_tunnel_rcv() and ipip6_rcv() share: the tunnel of the outer addresses
 * (no key), its protocol check, iptunnel_pull_header() and ip_tunnel_rcv() with innerProto.
 * 0 = taken, -1 = not ours (the next xfrm4 tunnel handler gets it).
 */
export function ipTunnelRcvNoKey(kind: IpTunnelKind, skb: SkBuff, ipproto: number, innerProto: number, fn: string): number {
  const dev = skb.dev!;
  const itn = itnOf(kind, dev.net);
  const o = skb.networkHeader;
  const t = ipTunnelLookup(itn, dev.ifindex, TUNNEL_NO_KEY, readU32(skb.buf, o + 12), readU32(skb.buf, o + 16), 0);
  if (!t) return -1;
  if (t.parms.iph.protocol !== ipproto && t.parms.iph.protocol !== 0) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", fn);
    return 0;
  }
  /* iptunnel_pull_header(skb, 0, htons(innerProto), false): data is at the inner header */
  skb.data = skb.transportHeader;
  ipTunnelRcv(t, skb, innerProto, 0, 0);
  return 0;
}

/** net/ipv4/ip_tunnel_core.c: ip_tunnel_netlink_parms() */
export function ipTunnelNetlinkParms(data: InfoData | undefined, p: IpTunnelParm): void {
  if (!data) return;
  const n = (k: string) => (typeof data[k] === "number" ? (data[k] as number) : undefined);
  const addr = (k: string) => {
    const v = data[k];
    if (v instanceof Uint8Array && v.length >= 4) return readU32(v, 0);
    return typeof v === "number" ? v >>> 0 : undefined;
  };
  if (n("IFLA_IPTUN_LINK") !== undefined) p.link = n("IFLA_IPTUN_LINK")!;
  if (addr("IFLA_IPTUN_LOCAL") !== undefined) p.iph.saddr = addr("IFLA_IPTUN_LOCAL")!;
  if (addr("IFLA_IPTUN_REMOTE") !== undefined) p.iph.daddr = addr("IFLA_IPTUN_REMOTE")!;
  if (n("IFLA_IPTUN_TTL") !== undefined) {
    p.iph.ttl = n("IFLA_IPTUN_TTL")!;
    if (p.iph.ttl) p.iph.frag_off = IP_DF;
  }
  if (n("IFLA_IPTUN_TOS") !== undefined) p.iph.tos = n("IFLA_IPTUN_TOS")!;
  if (n("IFLA_IPTUN_PMTUDISC") !== undefined || data["IFLA_IPTUN_PMTUDISC"] === true) {
    const v = data["IFLA_IPTUN_PMTUDISC"];
    if (v === true || (typeof v === "number" && v)) p.iph.frag_off = IP_DF;
  }
  if (n("IFLA_IPTUN_PROTO") !== undefined) p.iph.protocol = n("IFLA_IPTUN_PROTO")!;
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_newlink() */
export function ipTunnelNewlink(dev: NetDevice, attrs: IflaAttrs, p: IpTunnelParm, fwmark: number): KErr | undefined {
  const nt = tunnelOf(dev);
  const net = dev.net;
  const itn = itnOf(nt.ops, net);
  if (nt.collectMd) {
    if (itn.collectMdTun) return kerr("EEXIST");
  } else if (ipTunnelFind(itn, p, dev.type)) return kerr("EEXIST");
  nt.net = net;
  nt.parms = copyTunnelParm(p);
  nt.fwmark = fwmark;
  const e = registerTunnel(net, dev);
  if (e) return e;
  let mtu = ipTunnelBindDev(dev);
  if (attrs.IFLA_MTU !== undefined) {
    let max = IP_MAX_MTU - (nt.hlen + IPH_LEN);
    if (dev.type === ARPHRD_ETHER) max -= dev.hardHeaderLen;
    mtu = Math.min(Math.max(dev.mtu, ETH_MIN_MTU), max);
  }
  const me = devSetMtu(dev, mtu);
  if (me) {
    unregisterNetdevice(dev);
    return me;
  }
  ipTunnelAdd(itn, nt);
  return undefined;
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_changelink() */
export function ipTunnelChangelink(dev: NetDevice, p: IpTunnelParm, fwmark: number, mtuGiven: boolean): KErr | undefined {
  const tunnel = tunnelOf(dev);
  const itn = itnOf(tunnel.ops, tunnel.net);
  if (dev === itn.fbTunnelDev) return kerr("EINVAL");
  let t = ipTunnelFind(itn, p, dev.type);
  if (t) {
    if (t.dev !== dev) return kerr("EEXIST");
  } else {
    t = tunnel;
    if (dev.type !== ARPHRD_ETHER) {
      let nflags = 0;
      if (ipv4IsMulticast(p.iph.daddr)) nflags = IFF_BROADCAST;
      else if (p.iph.daddr) nflags = IFF_POINTOPOINT;
      if ((dev.flags ^ nflags) & (IFF_POINTOPOINT | IFF_BROADCAST)) return kerr("EINVAL");
    }
  }
  ipTunnelUpdate(itn, t, dev, p, !mtuGiven, fwmark);
  return undefined;
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_dellink() */
export function ipTunnelDellink(dev: NetDevice): void {
  const t = tunnelOf(dev);
  const itn = itnOf(t.ops, t.net);
  if (itn.fbTunnelDev !== dev) {
    ipTunnelDel(itn, t);
    unregisterNetdevice(dev);
  }
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_uninit() */
export function ipTunnelUninit(dev: NetDevice): void {
  const t = tunnelOf(dev);
  const itn = itnOf(t.ops, t.net);
  ipTunnelDel(itn, t);
  if (itn.fbTunnelDev === dev) itn.fbTunnelDev = undefined;
}

/** net/ipv4/ip_tunnel.c: ip_tunnel_change_mtu() (strict) */
export function ipTunnelChangeMtu(dev: NetDevice, newMtu: number): KErr | undefined {
  const t = tunnelOf(dev);
  const tHlen = t.hlen + IPH_LEN;
  let maxMtu = IP_MAX_MTU - tHlen;
  if (dev.type === ARPHRD_ETHER) maxMtu -= dev.hardHeaderLen;
  if (newMtu < ETH_MIN_MTU) return kerr("EINVAL");
  if (newMtu > maxMtu) return kerr("EINVAL");
  dev.mtu = newMtu;
  return undefined;
}

/** ip_tunnel_get_iflink() / ip_tunnel_get_link_net() */
export const ipTunnelGetIflink = (dev: NetDevice): number => tunnelOf(dev).parms.link;
export const ipTunnelGetLinkNet = (dev: NetDevice): Net => tunnelOf(dev).net;

/** the IFLA_IPTUN_* part of ipip_fill_info()/ipip6_fill_info() */
export function ipTunnelFillInfo(dev: NetDevice): InfoData {
  const t = tunnelOf(dev);
  const p = t.parms;
  const a4 = (v: number) => {
    const x = new Uint8Array(4);
    writeU32(x, 0, v);
    return x;
  };
  return {
    IFLA_IPTUN_LINK: p.link,
    IFLA_IPTUN_LOCAL: a4(p.iph.saddr),
    IFLA_IPTUN_REMOTE: a4(p.iph.daddr),
    IFLA_IPTUN_TTL: p.iph.ttl,
    IFLA_IPTUN_TOS: p.iph.tos,
    IFLA_IPTUN_PROTO: p.iph.protocol,
    IFLA_IPTUN_PMTUDISC: p.iph.frag_off & IP_DF ? 1 : 0,
    IFLA_IPTUN_FWMARK: t.fwmark,
    IFLA_IPTUN_ENCAP_TYPE: 0,
    IFLA_IPTUN_ENCAP_SPORT: 0,
    IFLA_IPTUN_ENCAP_DPORT: 0,
    IFLA_IPTUN_ENCAP_FLAGS: 0,
    ...(t.collectMd ? { IFLA_IPTUN_COLLECT_METADATA: true } : {}),
  };
}

/** newlink/changelink glue for rtnl: the params every kind's netlink path gets */
export type TunnelNewlinkParams = NewlinkParams;

let ioctlsDone = false;

/** the SIOC*TUNNEL requests (once) */
export function ipTunnelIoctlInit(): void {
  if (ioctlsDone) return;
  ioctlsDone = true;
  for (const r of [SIOCGETTUNNEL, SIOCADDTUNNEL, SIOCCHGTUNNEL, SIOCDELTUNNEL]) registerIoctl(r, ipTunnelSiocdevprivate);
}
