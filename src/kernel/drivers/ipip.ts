/**
 * net/ipv4/ipip.c: IPv4-in-IPv4 tunnels. Loading the module (modprobe ipip, or the autoload by
 * `ip link add type ipip` / `ip tunnel add … mode ipip`) makes tunl0 in every namespace of the
 * machine; `ip tunnel add NAME mode ipip remote R local L` creates NAME through tunl0's ioctl.
 * The device is ARPHRD_TUNNEL, NOARP (POINTOPOINT with a remote), MTU = lower MTU − 20.
 */
import type { NetDevice, NetDeviceOps } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { ARPHRD_TUNNEL, ETH_P_IP, IFF_POINTOPOINT } from "../uapi/if.ts";
import type { InfoData } from "../uapi/rtnetlink.ts";
import { type IpTunnelParm, emptyTunnelParm, IPPROTO_IPIP, IPPROTO_MPLS, SIOCADDTUNNEL, SIOCCHGTUNNEL } from "../uapi/if_tunnel.ts";
import { rtnlLinkRegister, type RtnlLinkKind } from "../core/rtnetlink.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { setEthtoolOps } from "../core/dev_ioctl.ts";
import { writeU32 } from "../../wire/addr.ts";
import { IP_DF } from "../../wire/ipv4.ts";
import {
  type IpTunnelKind, ipTunnelSetupDev, ipTunnelXmit, ipTunnelRcvNoKey, ipTunnelCtl,
  ipTunnelNetlinkParms, ipTunnelNewlink, ipTunnelChangelink, ipTunnelDellink, ipTunnelUninit,
  ipTunnelChangeMtu, ipTunnelGetIflink, ipTunnelGetLinkNet, ipTunnelFillInfo, ipTunnelRegisterOps,
  ipTunnelRegisterDriver, ipTunnelIoctlInit, tunnelOf, TUNNEL_XMIT_DROPPED,
} from "./ip_tunnel.ts";
import { requestModule } from "./kmod.ts";
import { tunnel4Init, xfrm4TunnelRegister } from "./tunnel4.ts";

/** net/ipv4/ipip.c: ipip_tunnel_xmit() */
function ipipTunnelXmit(skb: SkBuff, dev: NetDevice): number {
  const t = tunnelOf(dev);
  const tiph = t.parms;
  let ipproto: number;
  if (skb.protocol === ETH_P_IP) ipproto = IPPROTO_IPIP;
  else {
    dev.stats.tx_errors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ipip_tunnel_xmit");
    return TUNNEL_XMIT_DROPPED;
  }
  if (tiph.iph.protocol !== ipproto && tiph.iph.protocol !== 0) {
    dev.stats.tx_errors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ipip_tunnel_xmit");
    return TUNNEL_XMIT_DROPPED;
  }
  return ipTunnelXmit(skb, dev, tiph, ipproto);
}

/** net/ipv4/ipip.c: ipip_tunnel_rcv(): 0 = taken, -1 = not ours */
function ipipTunnelRcv(skb: SkBuff, ipproto: number): number {
  return ipTunnelRcvNoKey(ipipKind, skb, ipproto, ETH_P_IP, "ipip_tunnel_rcv");
}

/** net/ipv4/ipip.c: ipip_tunnel_ctl() */
function ipipTunnelCtl(dev: NetDevice, p: IpTunnelParm, cmd: string): KErr | undefined {
  if (cmd === SIOCADDTUNNEL || cmd === SIOCCHGTUNNEL) {
    if (p.iph.version !== 4 || !(p.iph.protocol === 0 || p.iph.protocol === IPPROTO_IPIP || p.iph.protocol === IPPROTO_MPLS) ||
      p.iph.ihl !== 5 || p.iph.frag_off & ~IP_DF & 0xffff) return kerr("EINVAL");
  }
  p.i_key = p.o_key = 0;
  p.i_flags = p.o_flags = 0;
  return ipTunnelCtl(dev, p, cmd);
}

const ipipNetdevOps: NetDeviceOps = {
  startXmit: ipipTunnelXmit,
  uninit: ipTunnelUninit,
  changeMtu: ipTunnelChangeMtu,
  getIflink: ipTunnelGetIflink,
  getLinkNet: ipTunnelGetLinkNet,
};
ipTunnelRegisterOps(ipipNetdevOps);
setEthtoolOps(ipipNetdevOps, { getLink: () => 1, getDrvinfo: () => ({ driver: "ipip", version: "" }) });

/** net/ipv4/ipip.c: ipip_tunnel_setup() */
function ipipTunnelSetup(name: string, net: Net): NetDevice {
  return ipTunnelSetupDev(name, net, ARPHRD_TUNNEL, ipipNetdevOps, ipipKind);
}

/** net/ipv4/ipip.c: ipip_tunnel_init() */
function ipipTunnelInit(dev: NetDevice): void {
  const t = tunnelOf(dev);
  writeU32(dev.devAddr, 0, t.parms.iph.saddr);
  writeU32(dev.broadcast, 0, t.parms.iph.daddr);
  t.tunHlen = 0;
  t.hlen = t.tunHlen;
}

/** net/ipv4/ipip.c: ipip_netlink_parms() */
function ipipNetlinkParms(data: InfoData | undefined): { p: IpTunnelParm; collectMd: boolean; fwmark: number } {
  const p = emptyTunnelParm();
  p.iph.version = 4;
  p.iph.protocol = IPPROTO_IPIP;
  p.iph.ihl = 5;
  let collectMd = false;
  let fwmark = 0;
  if (data) {
    ipTunnelNetlinkParms(data, p);
    if (data["IFLA_IPTUN_COLLECT_METADATA"]) collectMd = true;
    if (typeof data["IFLA_IPTUN_FWMARK"] === "number") fwmark = data["IFLA_IPTUN_FWMARK"] as number;
  }
  return { p, collectMd, fwmark };
}

export const ipipLinkOps: RtnlLinkKind = {
  kind: "ipip",
  alloc: (name, net) => ipipTunnelSetup(name, net),
  /** ipip_tunnel_validate() (after rtnl_newlink's request_module("rtnl-link-ipip")) */
  validate: (p) => {
    requestModule(p.srcNet, "rtnl-link-ipip");
    const proto = p.data?.["IFLA_IPTUN_PROTO"];
    if (typeof proto === "number" && proto !== IPPROTO_IPIP && proto !== IPPROTO_MPLS && proto !== 0) return kerr("EINVAL");
    return undefined;
  },
  /** ipip_newlink() */
  newlink: (dev, np) => {
    const t = tunnelOf(dev);
    const { p, collectMd, fwmark } = ipipNetlinkParms(np.data);
    t.collectMd = collectMd;
    return ipTunnelNewlink(dev, np.attrs, p, fwmark);
  },
  /** ipip_changelink() */
  changelink: (dev, data) => {
    const t = tunnelOf(dev);
    const r = ipipNetlinkParms(data);
    if (r.collectMd) return kerr("EINVAL");
    if (typeof data["IFLA_IPTUN_FWMARK"] !== "number") r.fwmark = t.fwmark;
    const pp = dev.flags & IFF_POINTOPOINT;
    if ((pp && !r.p.iph.daddr) || (!pp && r.p.iph.daddr)) return kerr("EINVAL");
    return ipTunnelChangelink(dev, r.p, r.fwmark, false);
  },
  dellink: ipTunnelDellink,
  fillInfo: ipTunnelFillInfo,
};

export const ipipKind: IpTunnelKind = {
  module: "ipip",
  fbName: "tunl0",
  type: ARPHRD_TUNNEL,
  linkOps: ipipLinkOps,
  nets: new NetGeneric(),
  setup: ipipTunnelSetup,
  init: ipipTunnelInit,
  ctl: ipipTunnelCtl,
};

let done = false;

/** net/ipv4/ipip.c: ipip_init() — the code; the per-machine part runs at module load */
export function ipipInit(): void {
  if (done) return;
  done = true;
  tunnel4Init();
  ipTunnelIoctlInit();
  /* register_pernet_device(&ipip_net_ops): tunl0 in each namespace */
  ipTunnelRegisterDriver({
    name: "ipip",
    size: 20480,
    deps: ["ip_tunnel", "tunnel4"],
    aliases: ["rtnl-link-ipip", "netdev-tunl0"],
    banner: "ipip: IPv4 and MPLS over IPv4 tunneling driver",
  }, [ipipKind]);
  xfrm4TunnelRegister({ handler: (skb) => ipipTunnelRcv(skb, IPPROTO_IPIP), priority: 1, module: "ipip" }, "AF_INET");
  rtnlLinkRegister(ipipLinkOps);
}
