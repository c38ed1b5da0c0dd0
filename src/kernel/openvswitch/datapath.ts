/**
 * net/openvswitch/: the kernel datapath, reduced. One datapath per host (`ovs-system`, made by
 * ovs-vswitchd for all its bridges, like dpif-netlink's "system@ovs-system"), its vports:
 *   - vport-internal_dev.c: internal devices (the datapath's own `ovs-system`, each bridge's
 *     local port `br0`, `type=internal` interfaces), kind "openvswitch" in `ip -d link`;
 *   - vport-netdev.c: an existing netdev attached with an rx_handler (netdev_frame_hook),
 *     shown `master ovs-system`, promiscuous.
 * A received frame goes to the vport's `receive` hook, which ovs-vswitchd's model (vswitchd.ts)
 * sets to its OpenFlow pipeline: tuxnet has no upcalls/megaflows, the datapath runs the
 * ofproto tables directly (ovs_dp_process_packet -> xlate, in one step).
 */
import type { Net } from "../core/net_namespace.ts";
import { SkBuff, skbChecksumHelp } from "../core/skbuff.ts";
import {
  IFF_LIVE_ADDR_CHANGE, IFF_NO_QUEUE, IFF_OPENVSWITCH, IFF_OVS_DATAPATH, IFF_TX_SKB_SHARING, NET_ADDR_RANDOM,
  NET_ADDR_SET, NETDEV_TX_OK, NetDevice, RX_HANDLER_CONSUMED, type NetDeviceOps, type RtnlLinkOps,
} from "../core/netdevice.ts";
import { ARPHRD_ETHER, IFF_BROADCAST, IFF_LOOPBACK, IFF_MULTICAST } from "../uapi/if.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import {
  devGetByName, devSetPromiscuity, ethMacAddr, netdevMasterUpperDevLink, netdevRxHandlerRegister,
  netdevRxHandlerUnregister, netdevUpperDevUnlink, registerNetdevice, setNetnsLocal, unregisterNetdevice,
} from "../core/dev.ts";
import { devQueueXmit, netifRx, skbScrubPacket } from "../core/dev_path.ts";
import { consumeSkb, kfreeSkbReason } from "../core/drop.ts";
import { setEthtoolOps } from "../core/dev_ioctl.ts";

/** net/openvswitch/vport-internal_dev.c: internal_dev_link_ops (no newlink: `ip link add type
 * openvswitch` is not supported). rtnl_link_slave_info_fill() names a port's kind after its
 * master's ops, so OVS ports show `openvswitch_slave` in `ip -d link`. */
export const internalDevLinkOps: RtnlLinkOps = { kind: "openvswitch", slaveKind: "openvswitch" };

export const OVSP_LOCAL = 0;

/** struct vport */
export interface Vport {
  dp: Datapath;
  dev: NetDevice;
  portNo: number;
  type: "internal" | "netdev";
  /** where a frame received on this vport goes (ovs_dp_process_packet); set by vswitchd */
  receive: ((vport: Vport, frame: Uint8Array) => void) | undefined;
}

/** struct datapath */
export interface Datapath {
  net: Net;
  name: string;
  /** vport number -> vport (OVSP_LOCAL is the datapath's own internal device) */
  ports: Map<number, Vport>;
}

const vportOfDev = new WeakMap<NetDevice, Vport>();

/** ovs_vport_rcu / ovs_netdev_get_vport() */
export function ovsVportOf(dev: NetDevice): Vport | undefined {
  return vportOfDev.get(dev);
}

/** vport.c: ovs_vport_receive(): the frame (from its Ethernet header) into the datapath */
function ovsVportReceive(vport: Vport, skb: SkBuff): void {
  // the switch works on frames: a partial checksum is finished as it comes in (Linux
  // carries it through the datapath; the bytes differ only in that field)
  skbChecksumHelp(skb);
  const frame = skb.buf.slice(skb.data, skb.tail);
  consumeSkb(skb);
  if (vport.receive) vport.receive(vport, frame);
}

/** vport-internal_dev.c: internal_dev_xmit(): the host sends on br0 -> the switch receives */
function internalDevXmit(skb: SkBuff, dev: NetDevice): number {
  const vport = vportOfDev.get(dev);
  if (!vport) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "internal_dev_xmit");
    return NETDEV_TX_OK;
  }
  ovsVportReceive(vport, skb);
  return NETDEV_TX_OK;
}

const internalDevNetdevOps: NetDeviceOps = {
  startXmit: internalDevXmit,
  setMacAddress: ethMacAddr,
  changeMtu: (dev, mtu) => {
    dev.mtu = mtu;
    return undefined;
  },
};

/** vport-internal_dev.c: internal_dev_get_drvinfo() */
setEthtoolOps(internalDevNetdevOps, {
  getLink: () => 1,
  getDrvinfo: () => ({ driver: "openvswitch", version: "" }),
});

/** vport-internal_dev.c: do_setup() + internal_dev_create(): a new internal device */
function internalDevCreate(net: Net, name: string): NetDevice {
  const world = net.host.world;
  const addr = world.randomMac(net.host, net.name, name);
  const dev = new NetDevice(name, ARPHRD_ETHER, IFF_BROADCAST | IFF_MULTICAST, internalDevNetdevOps, addr,
    new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
  dev.net = net;
  /* ether_setup(), then eth_hw_addr_random() */
  dev.addrAssignType = world.labMode ? NET_ADDR_SET : NET_ADDR_RANDOM;
  dev.privFlags &= ~IFF_TX_SKB_SHARING;
  dev.privFlags |= IFF_LIVE_ADDR_CHANGE | IFF_OPENVSWITCH | IFF_NO_QUEUE;
  dev.txQueueLen = 1000;
  dev.minMtu = 68;
  dev.maxMtu = 65535; // ETH_MAX_MTU
  dev.linkOps = internalDevLinkOps;
  return dev;
}

/** vport-internal_dev.c: internal_dev_recv(): a frame the switch sends to the host on br0
 * (received on the internal device: netif_receive_skb counts it) */
function internalDevRecv(vport: Vport, frame: Uint8Array): void {
  const dev = vport.dev;
  const skb = SkBuff.from(frame);
  if (!(dev.flags & 0x1)) {
    dev.stats.rx_dropped++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_DEV_READY", "internal_dev_recv");
    return;
  }
  skbScrubPacket(skb, false);
  skb.dev = dev;
  skb.macHeader = -1;
  netifRx(skb);
}

/** vport-netdev.c: netdev_frame_hook(): rx_handler of an attached netdev */
function netdevFrameHook(skb: SkBuff): number {
  const vport = skb.dev!.rxHandlerData as Vport;
  if (skb.pktType === 5 /* PACKET_LOOPBACK */) return 3; // RX_HANDLER_PASS
  skb.push(skb.data - skb.macHeader);
  ovsVportReceive(vport, skb);
  return RX_HANDLER_CONSUMED;
}

/** vport.c: ovs_vport_send(): a frame out of a vport */
export function ovsVportSend(vport: Vport, frame: Uint8Array): void {
  if (vport.type === "internal") {
    internalDevRecv(vport, frame);
    return;
  }
  const dev = vport.dev;
  const skb = SkBuff.from(frame);
  skb.dev = dev;
  /* vport.c: packet_length() > mtu: dropped */
  if (frame.length > dev.mtu + 14 + 4) {
    dev.stats.tx_dropped++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_BIG", "ovs_vport_send");
    return;
  }
  devQueueXmit(skb);
}

function nextPortNo(dp: Datapath): number {
  for (let i = 1; ; i++) if (!dp.ports.has(i)) return i;
}

/** datapath.c: ovs_dp_cmd_new(): the datapath and its local port (the `ovs-system` device) */
export function ovsDpCmdNew(net: Net, name: string): Datapath | KErr {
  if (devGetByName(net, name)) return kerr("EEXIST");
  const dp: Datapath = { net, name, ports: new Map() };
  const dev = internalDevCreate(net, name);
  /* "Restrict bridge port to current netns": NETIF_F_NETNS_LOCAL on OVSP_LOCAL */
  setNetnsLocal(dev);
  const err = registerNetdevice(net, dev);
  if (err) return err;
  /* internal_dev_create(): every internal device is promiscuous (dev_set_promiscuity(dev, 1)) */
  devSetPromiscuity(dev, 1);
  const vport: Vport = { dp, dev, portNo: OVSP_LOCAL, type: "internal", receive: undefined };
  vportOfDev.set(dev, vport);
  dp.ports.set(OVSP_LOCAL, vport);
  return dp;
}

/** datapath.c: ovs_dp_cmd_del() -> __dp_destroy(): every vport, then the local port */
export function ovsDpCmdDel(dp: Datapath): void {
  for (const [no, v] of [...dp.ports]) if (no !== OVSP_LOCAL) ovsDpDetachPort(v);
  const local = dp.ports.get(OVSP_LOCAL);
  if (local) {
    dp.ports.delete(OVSP_LOCAL);
    vportOfDev.delete(local.dev);
    /* internal_dev_destroy() */
    devSetPromiscuity(local.dev, -1);
    unregisterNetdevice(local.dev);
  }
}

/** datapath.c: ovs_vport_cmd_new() with OVS_VPORT_TYPE_INTERNAL */
export function ovsVportAddInternal(dp: Datapath, name: string): Vport | KErr {
  if (devGetByName(dp.net, name)) return kerr("EEXIST");
  const dev = internalDevCreate(dp.net, name);
  const err = registerNetdevice(dp.net, dev);
  if (err) return err;
  devSetPromiscuity(dev, 1);
  const vport: Vport = { dp, dev, portNo: nextPortNo(dp), type: "internal", receive: undefined };
  vportOfDev.set(dev, vport);
  dp.ports.set(vport.portNo, vport);
  return vport;
}

/** vport-netdev.c: ovs_netdev_link() with OVS_VPORT_TYPE_NETDEV */
export function ovsVportAddNetdev(dp: Datapath, name: string): Vport | KErr {
  const dev = devGetByName(dp.net, name);
  if (!dev) return kerr("ENODEV");
  if (dev.flags & IFF_LOOPBACK || dev.type !== ARPHRD_ETHER || dev.privFlags & IFF_OPENVSWITCH) return kerr("EINVAL");
  const local = dp.ports.get(OVSP_LOCAL)!;
  const vport: Vport = { dp, dev, portNo: nextPortNo(dp), type: "netdev", receive: undefined };
  const lerr = netdevMasterUpperDevLink(dev, local.dev);
  if (lerr) return lerr;
  const rerr = netdevRxHandlerRegister(dev, netdevFrameHook, vport);
  if (rerr) {
    netdevUpperDevUnlink(dev, local.dev);
    return rerr;
  }
  devSetPromiscuity(dev, 1);
  dev.privFlags |= IFF_OVS_DATAPATH;
  vportOfDev.set(dev, vport);
  dp.ports.set(vport.portNo, vport);
  return vport;
}

/** datapath.c: ovs_dp_detach_port(): netdev vports are released, internal ones destroyed */
export function ovsDpDetachPort(vport: Vport): void {
  const dp = vport.dp;
  dp.ports.delete(vport.portNo);
  vportOfDev.delete(vport.dev);
  vport.receive = undefined;
  if (vport.type === "internal") {
    /* internal_dev_destroy() */
    if (!vport.dev.dismantle) {
      devSetPromiscuity(vport.dev, -1);
      unregisterNetdevice(vport.dev);
    }
    return;
  }
  /* vport-netdev.c: ovs_netdev_detach_dev() */
  const dev = vport.dev;
  dev.privFlags &= ~IFF_OVS_DATAPATH;
  netdevRxHandlerUnregister(dev);
  const local = dp.ports.get(OVSP_LOCAL);
  if (local && dev.master === local.dev) netdevUpperDevUnlink(dev, local.dev);
  devSetPromiscuity(dev, -1);
}
