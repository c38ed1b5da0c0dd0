/**
 * net/ipv6/sit.c: IPv6-in-IPv4 ("simple internet transition"). Loading the module makes sit0
 * (ARPHRD_SIT, MTU 1480, TTL 64, 6rd prefix 2002::/16) in every namespace; `ip tunnel add NAME
 * mode sit remote R local L` and `ip link add NAME type sit …` make point-to-point tunnels.
 * IPv6 packets sent on them get an outer IPv4 header (protocol 41); received protocol-41
 * packets for a tunnel are handed to its device as ETH_P_IPV6.
 *
 * Not modelled: 6to4/6rd/ISATAP destination derivation (a tunnel without a remote drops),
 * the potential router list (prl), the ::a.b.c.d/96 addresses addrconf gives NBMA sit devices.
 */
import type { NetDevice, NetDeviceOps } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { ARPHRD_SIT, ETH_P_IPV6, IFF_POINTOPOINT } from "../uapi/if.ts";
import type { InfoData } from "../uapi/rtnetlink.ts";
import {
  type IpTunnelParm, emptyTunnelParm, IPPROTO_IPV6, IPPROTO_IPIP, IPPROTO_MPLS, SIT_ISATAP,
  SIOCADDTUNNEL, SIOCCHGTUNNEL,
} from "../uapi/if_tunnel.ts";
import { rtnlLinkRegister, type RtnlLinkKind } from "../core/rtnetlink.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { registerIoctl, setEthtoolOps } from "../core/dev_ioctl.ts";
import { devGetByName } from "../core/dev.ts";
import { IP_DF } from "../../wire/ipv4.ts";
import {
  type IpTunnelKind, ipTunnelSetupDev, ipTunnelXmit, ipTunnelRcvNoKey, ipTunnelCtl, itnOf,
  ipTunnelNetlinkParms, ipTunnelNewlink, ipTunnelChangelink, ipTunnelDellink, ipTunnelUninit,
  ipTunnelGetIflink, ipTunnelGetLinkNet, ipTunnelFillInfo, ipTunnelRegisterOps, ipTunnelRegisterDriver,
  ipTunnelIoctlInit, tunnelOf, isIpTunnel, TUNNEL_XMIT_DROPPED,
} from "./ip_tunnel.ts";
import { requestModule } from "./kmod.ts";
import { tunnel4Init, xfrm4TunnelRegister } from "./tunnel4.ts";

const IPV6_MIN_MTU = 1280;
const IP6_MAX_MTU = 65535 + 40;
const T_HLEN = 20;

/** struct ip_tunnel_6rd_parm, kept beside each sit tunnel */
interface Ip6rd {
  prefix: Uint8Array;
  relayPrefix: number;
  prefixlen: number;
  relayPrefixlen: number;
}
const ip6rd = new WeakMap<NetDevice, Ip6rd>();

/** net/ipv6/sit.c: ipip6_tunnel_clone_6rd(): the fallback's 6rd parameters (2002::/16) */
function clone6rd(dev: NetDevice): void {
  const fb = itnOf(sitKind, dev.net).fbTunnelDev;
  const from = fb && fb !== dev ? ip6rd.get(fb) : undefined;
  if (from) ip6rd.set(dev, { ...from, prefix: from.prefix.slice() });
  else {
    const prefix = new Uint8Array(16);
    prefix[0] = 0x20;
    prefix[1] = 0x02;
    ip6rd.set(dev, { prefix, relayPrefix: 0, prefixlen: 16, relayPrefixlen: 0 });
  }
}

/** net/ipv6/sit.c: sit_tunnel_xmit() -> ipip6_tunnel_xmit() for IPv6 payloads */
function sitTunnelXmit(skb: SkBuff, dev: NetDevice): number {
  const t = tunnelOf(dev);
  const proto = skb.protocol === ETH_P_IPV6 ? IPPROTO_IPV6 : skb.protocol === 0x0800 ? IPPROTO_IPIP : 0;
  if (!proto || (t.parms.iph.protocol !== proto && t.parms.iph.protocol !== 0)) {
    dev.stats.tx_errors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "sit_tunnel_xmit");
    return TUNNEL_XMIT_DROPPED;
  }
  if (!t.parms.iph.daddr) {
    /* 6to4 / 6rd / ISATAP destinations are not derived here */
    dev.stats.tx_fifo_errors++;
    dev.stats.tx_errors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ipip6_tunnel_xmit");
    return TUNNEL_XMIT_DROPPED;
  }
  return ipTunnelXmit(skb, dev, t.parms, proto);
}

/** net/ipv6/sit.c: ipip6_rcv() (and ipip_rcv for 4in4 on sit): 0 = taken, -1 = not ours */
function sitRcv(skb: SkBuff, proto: number): number {
  return ipTunnelRcvNoKey(sitKind, skb, proto, proto === IPPROTO_IPV6 ? ETH_P_IPV6 : 0x0800, "ipip6_rcv");
}

/** net/ipv6/sit.c: ipip6_tunnel_ctl() — the checks, then the shared ip_tunnel_ctl() */
function ipip6TunnelCtl(dev: NetDevice, p: IpTunnelParm, cmd: string): KErr | undefined {
  if (![IPPROTO_IPV6, IPPROTO_IPIP, IPPROTO_MPLS, 0].includes(p.iph.protocol)) return kerr("EINVAL");
  if (cmd === SIOCADDTUNNEL || cmd === SIOCCHGTUNNEL) {
    if (p.iph.version !== 4 || p.iph.ihl !== 5 || p.iph.frag_off & ~IP_DF & 0xffff) return kerr("EINVAL");
  }
  p.i_key = p.o_key = 0;
  p.o_flags = 0;
  p.i_flags &= SIT_ISATAP;
  return ipTunnelCtl(dev, p, cmd);
}

const sitNetdevOps: NetDeviceOps = {
  startXmit: sitTunnelXmit,
  uninit: ipTunnelUninit,
  /** ipip6_tunnel_change_mtu() → the netdev core bounds (1280 .. IP6_MAX_MTU − t_hlen) */
  changeMtu: (dev: NetDevice, mtu: number): KErr | undefined => {
    if (mtu < IPV6_MIN_MTU || mtu > IP6_MAX_MTU - T_HLEN) return kerr("EINVAL");
    dev.mtu = mtu;
    return undefined;
  },
  getIflink: ipTunnelGetIflink,
  getLinkNet: ipTunnelGetLinkNet,
};
ipTunnelRegisterOps(sitNetdevOps);
setEthtoolOps(sitNetdevOps, { getLink: () => 1, getDrvinfo: () => ({ driver: "sit", version: "" }) });

/** net/ipv6/sit.c: ipip6_tunnel_setup() */
function ipip6TunnelSetup(name: string, net: Net): NetDevice {
  const dev = ipTunnelSetupDev(name, net, ARPHRD_SIT, sitNetdevOps, sitKind);
  dev.mtu = 1500 - T_HLEN;
  dev.minMtu = IPV6_MIN_MTU;
  dev.maxMtu = IP6_MAX_MTU - T_HLEN;
  return dev;
}

/** net/ipv6/sit.c: ipip6_tunnel_init() / ipip6_fb_tunnel_init() */
function ipip6TunnelInit(dev: NetDevice): void {
  const t = tunnelOf(dev);
  const dv = new DataView(dev.devAddr.buffer, dev.devAddr.byteOffset, 4);
  dv.setUint32(0, t.parms.iph.saddr);
  new DataView(dev.broadcast.buffer, dev.broadcast.byteOffset, 4).setUint32(0, t.parms.iph.daddr);
  if (!itnOf(sitKind, dev.net).fbTunnelDev) {
    /* ipip6_fb_tunnel_init() */
    t.parms.iph.protocol = IPPROTO_IPV6;
    t.parms.iph.ttl = 64;
  }
  t.tunHlen = 0;
  t.hlen = 0;
  clone6rd(dev);
}

/** net/ipv6/sit.c: ipip6_netlink_parms() */
function ipip6NetlinkParms(data: InfoData | undefined): { p: IpTunnelParm; fwmark: number } {
  const p = emptyTunnelParm();
  p.iph.version = 4;
  p.iph.protocol = IPPROTO_IPV6;
  p.iph.ihl = 5;
  p.iph.ttl = 64;
  let fwmark = 0;
  if (data) {
    ipTunnelNetlinkParms(data, p);
    if (typeof data["IFLA_IPTUN_FLAGS"] === "number") p.i_flags = (data["IFLA_IPTUN_FLAGS"] as number) & SIT_ISATAP;
    if (typeof data["IFLA_IPTUN_FWMARK"] === "number") fwmark = data["IFLA_IPTUN_FWMARK"] as number;
  }
  return { p, fwmark };
}

export const sitLinkOps: RtnlLinkKind = {
  kind: "sit",
  alloc: (name, net) => ipip6TunnelSetup(name, net),
  /** ipip6_validate() */
  validate: (p) => {
    requestModule(p.srcNet, "rtnl-link-sit");
    const proto = p.data?.["IFLA_IPTUN_PROTO"];
    if (typeof proto === "number" && ![IPPROTO_IPV6, IPPROTO_IPIP, IPPROTO_MPLS, 0].includes(proto)) return kerr("EINVAL");
    return undefined;
  },
  /** ipip6_newlink() */
  newlink: (dev, np) => {
    const { p, fwmark } = ipip6NetlinkParms(np.data);
    const e = ipTunnelNewlink(dev, np.attrs, p, fwmark);
    if (e) return e;
    /* ipip6_tunnel_bind_dev(): IPv6 needs at least 1280 */
    if (dev.mtu < IPV6_MIN_MTU) dev.mtu = IPV6_MIN_MTU;
    dev.minMtu = IPV6_MIN_MTU;
    dev.maxMtu = IP6_MAX_MTU - T_HLEN;
    return undefined;
  },
  /** ipip6_changelink() */
  changelink: (dev, data) => {
    const { p, fwmark } = ipip6NetlinkParms(data);
    const pp = dev.flags & IFF_POINTOPOINT;
    if ((pp && !p.iph.daddr) || (!pp && p.iph.daddr)) return kerr("EINVAL");
    return ipTunnelChangelink(dev, p, fwmark, false);
  },
  dellink: ipTunnelDellink,
  /** ipip6_fill_info(): the common IFLA_IPTUN_* plus flags and the 6rd prefix */
  fillInfo: (dev) => {
    const t = tunnelOf(dev);
    const r = ip6rd.get(dev);
    const d: InfoData = { ...ipTunnelFillInfo(dev), IFLA_IPTUN_FLAGS: t.parms.i_flags };
    if (r) {
      d["IFLA_IPTUN_6RD_PREFIX"] = r.prefix.slice();
      const rp = new Uint8Array(4);
      new DataView(rp.buffer).setUint32(0, r.relayPrefix);
      d["IFLA_IPTUN_6RD_RELAY_PREFIX"] = rp;
      d["IFLA_IPTUN_6RD_PREFIXLEN"] = r.prefixlen;
      d["IFLA_IPTUN_6RD_RELAY_PREFIXLEN"] = r.relayPrefixlen;
    }
    return d;
  },
};

export const sitKind: IpTunnelKind = {
  module: "sit",
  fbName: "sit0",
  type: ARPHRD_SIT,
  linkOps: sitLinkOps,
  nets: new NetGeneric(),
  setup: ipip6TunnelSetup,
  init: ipip6TunnelInit,
  mtuBounds: (tHlen) => [IPV6_MIN_MTU, IP6_MAX_MTU - tHlen],
  ctl: ipip6TunnelCtl,
};

/** net/ipv6/sit.c: ipip6_tunnel_get6rd() — SIOCGET6RD */
function sitGet6rd(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const name = typeof req.ifname === "string" ? req.ifname : "";
  const dev = devGetByName(net, name);
  if (!dev) return kerr("ENODEV");
  if (!isIpTunnel(dev) || dev.type !== ARPHRD_SIT) return kerr("EINVAL");
  const r = ip6rd.get(dev);
  if (!r) return kerr("EINVAL");
  return { prefix: r.prefix.slice(), relay_prefix: r.relayPrefix, prefixlen: r.prefixlen, relay_prefixlen: r.relayPrefixlen };
}

let done = false;

/** net/ipv6/sit.c: sit_init() */
export function sitInit(): void {
  if (done) return;
  done = true;
  tunnel4Init();
  ipTunnelIoctlInit();
  ipTunnelRegisterDriver({
    name: "sit",
    size: 45056,
    deps: ["ip_tunnel", "tunnel4"],
    aliases: ["rtnl-link-sit", "netdev-sit0"],
    banner: "sit: IPv6, IPv4 and MPLS over IPv4 tunneling driver",
  }, [sitKind]);
  xfrm4TunnelRegister({ handler: (skb) => sitRcv(skb, IPPROTO_IPV6), priority: 1, module: "sit" }, "AF_INET6");
  xfrm4TunnelRegister({ handler: (skb) => sitRcv(skb, IPPROTO_IPIP), priority: 2, module: "sit" }, "AF_INET");
  registerIoctl("SIOCGET6RD", sitGet6rd);
  rtnlLinkRegister(sitLinkOps);
}

