/**
 * net/bridge/br_if.c + br_device.c: creating/deleting bridges (br_add_bridge, br_dev_setup,
 * br_dev_xmit, br_dev_open/stop, br_set_mac_address, br_change_mtu) and ports
 * (br_add_if, br_del_if, new_nbp, del_nbp, port_cost, br_mtu_auto_adjust).
 */
import { brIfinfoNotify } from "./br_netlink.ts";
import type { Net } from "../core/net_namespace.ts";
import { BrInputCb, type SkBuff } from "../core/skbuff.ts";
import { rtmsgIfinfo, rtnlLinkOpsGet } from "../core/rtnetlink.ts";
import { IFF_EBRIDGE, IFF_BRIDGE_PORT, IFF_NO_QUEUE, NET_ADDR_RANDOM, NET_ADDR_SET, NetDevice, type NetDeviceOps } from "../core/netdevice.ts";
import { ARPHRD_ETHER, IFF_BROADCAST, IFF_LOOPBACK, IFF_MULTICAST, IF_OPER_UNKNOWN } from "../uapi/if.ts";
import { type KErr, kerr, isKErr } from "../uapi/errno.ts";
import { ethtoolGetLinkKsettings, ethtoolOpGetLink, setEthtoolOps } from "../core/dev_ioctl.ts";
import {
  devSetAllmulti, devSetPromiscuity, netdevMasterUpperDevLink, netdevRxHandlerRegister, netdevRxHandlerUnregister,
  netdevUpperDevUnlink, netRng, netScheduler, registerNetdevice, unregisterNetdevice, devSetMtu, setNetnsLocal, kfreeSkbReason,
} from "./br_compat.ts";
import { brFdbChangeMacAddress, brFdbDeleteByPort, brFdbFind, fdbAddLocal } from "./br_fdb.ts";
import { BR_PKT_BROADCAST, BR_PKT_MULTICAST, BR_PKT_UNICAST, brFlood, brForward } from "./br_forward.ts";
import { brHandleFrame } from "./br_input.ts";
import { brAllowedIngress, brVlanFlush, brVlanInit, nbpVlanFlush, nbpVlanInit } from "./br_vlan.ts";
import { brMulticastOpen, brMulticastStop, brMulticastRcv, brMulticastDelPort, brMulticastDevDel } from "./br_multicast.ts";
import {
  BR_MAX_PORTS, BR_STATE_DISABLED, brFromDev, brPortGet, brPortsAdd, brPortsDel, isMulticastEther, isValidEther,
  NetBridge, NetBridgePort,
} from "./br_private.ts";
import {
  brInitPort, brSetState, brStpPortTimerInit, brStpChangeBridgeId, brStpDisableBridge,
  brStpDisablePort, brStpEnableBridge, brStpForgetLowestAddr, brStpEnablePort, brStpRecalculateBridgeId, brStpTimerInit, portUsable,
} from "./br_stp.ts";

/** all bridges, for netdevice events and dumps (a device knows its NetBridge through priv) */
export function isBridgeDev(dev: NetDevice): boolean {
  return (dev.privFlags & IFF_EBRIDGE) !== 0;
}

/** br_dev_xmit(): a frame sent through the bridge device */
function brDevXmit(skb: SkBuff, dev: NetDevice): number {
  const br = brFromDev(dev)!;
  dev.stats.tx_packets++;
  dev.stats.tx_bytes += skb.len;
  skb.brInputCb = new BrInputCb(dev, false, br.vlanEnabled !== 0);
  skb.macHeader = skb.data;
  const dest = skb.buf.slice(skb.data, skb.data + 6);
  skb.pull(14);
  // br_allowed_ingress() on the bridge's own vlan group: a frame of an 802.1Q device on the
  // bridge keeps its vid, an untagged one takes the bridge's pvid
  const vid = br.vlanEnabled ? brAllowedIngress(br, br.vlgrp, skb) : 0;
  if (vid < 0) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
    return 0;
  }
  if (isMulticastEther(dest)) {
    const bc = dest.every((b) => b === 0xff);
    // the bridge's own IGMP/MLD go through br_multicast_rcv() too (no port: counted on it)
    if (!bc && brMulticastRcv(br, undefined, skb) < 0) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
      return 0;
    }
    brFlood(br, skb, bc ? BR_PKT_BROADCAST : BR_PKT_MULTICAST, false, true);
  } else {
    const dst = brFdbFind(br, dest, vid);
    if (dst) brForward(dst.dst, skb, false, true);
    else brFlood(br, skb, BR_PKT_UNICAST, false, true);
  }
  return 0;
}

const brDeviceOps: NetDeviceOps = {
  /** br_dev_open() */
  open(dev) {
    const br = brFromDev(dev)!;
    brStpEnableBridge(br);
    brMulticastOpen(br);
    return undefined;
  },
  /** br_dev_stop() */
  stop(dev) {
    const br = brFromDev(dev)!;
    brStpDisableBridge(br);
    brMulticastStop(br);
  },
  startXmit: brDevXmit,
  /** br_change_mtu(): an MTU set by the user stops the auto adjustment */
  changeMtu(dev, mtu) {
    dev.mtu = mtu;
    const br = brFromDev(dev)!;
    if (!br.mtuAdjusting) br.mtuSetByUser = true;
    return undefined;
  },
  /** br_set_mac_address() */
  setMacAddress(dev, addr) {
    if (!isValidEther(addr)) return kerr("EADDRNOTAVAIL");
    const br = brFromDev(dev)!;
    dev.addrAssignType = NET_ADDR_SET;
    if (!br.bridgeId.addr.every((b, i) => b === addr[i])) {
      brStpChangeBridgeId(br, addr);
    } else {
      const old = dev.devAddr.slice();
      dev.devAddr = addr.slice();
      brFdbChangeMacAddress(br, old, addr);
    }
    return undefined;
  },
  /** br_add_slave() */
  addSlave(dev, slave) {
    return brAddIf(brFromDev(dev)!, slave);
  },
  /** br_del_slave() */
  delSlave(dev, slave) {
    return brDelIf(brFromDev(dev)!, slave);
  },
  uninit(dev) {
    const br = brFromDev(dev);
    if (br) brDevDelete(br);
  },
};

/** net/bridge/br_device.c: br_ethtool_ops — br_getinfo() and ethtool_op_get_link() */
setEthtoolOps(brDeviceOps, {
  getLink: ethtoolOpGetLink,
  getDrvinfo: () => ({ driver: "bridge", version: "2.3", fw_version: "N/A", bus_info: "N/A" }),
});

/** eth_random_addr() from the world's rng */
function ethRandomAddr(net: Net, name: string): Uint8Array {
  const rng = netRng(net);
  let a: Uint8Array;
  if (rng) a = rng.bytes(6);
  else {
    a = new Uint8Array(6);
    let h = 2166136261;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
    for (let i = 0; i < 6; i++) a[i] = (h = Math.imul(h ^ i, 16777619)) >>> 24;
  }
  a[0] = (a[0]! & 0xfe) | 0x02;
  return a;
}

/** br_dev_setup() + br_dev_init(): a bridge device, not yet registered */
export function brDevSetup(net: Net, name: string): NetDevice {
  const addr = ethRandomAddr(net, name);
  const dev = new NetDevice(name, ARPHRD_ETHER, IFF_BROADCAST | IFF_MULTICAST, brDeviceOps, addr, new Uint8Array([255, 255, 255, 255, 255, 255]));
  dev.net = net;
  dev.addrAssignType = NET_ADDR_RANDOM;
  dev.privFlags |= IFF_EBRIDGE | IFF_NO_QUEUE;
  dev.txQueueLen = 1000;
  dev.minMtu = 68;
  dev.maxMtu = 65535;
  dev.tsoMaxSize = 65536;
  dev.operstate = IF_OPER_UNKNOWN; // alloc_netdev(): zeroed, until the link watch runs
  /* dev->netns_immutable = true: a bridge cannot change namespace */
  setNetnsLocal(dev);
  const br = new NetBridge(dev);
  dev.priv = br;
  brStpTimerInit(br);
  return dev;
}

/** the bridge's own local entry, once registered (br_fdb_change_mac_address at creation) */
export function brDevRegistered(dev: NetDevice): void {
  const br = brFromDev(dev);
  if (!br) return;
  // br_dev_init() -> br_vlan_init(): vid 1 on the bridge (CONFIG_BRIDGE_VLAN_FILTERING)
  brVlanInit(br);
  fdbAddLocal(br, undefined, dev.devAddr, 0);
}

/** br_add_bridge(): SIOCBRADDBR / brctl addbr */
export function brAddBridge(net: Net, name: string): KErr | undefined {
  const dev = brDevSetup(net, name);
  dev.linkOps = rtnlLinkOpsGet("bridge");
  const err = registerNetdevice(net, dev);
  if (err) return err;
  brDevRegistered(dev);
  return undefined;
}

/** br_dev_delete(): remove every port */
export function brDevDelete(br: NetBridge): void {
  for (const p of [...br.ports]) delNbp(p);
  brFdbDeleteByPort(br, undefined, 0, true);
  // br_dev_uninit() -> br_vlan_flush()
  brVlanFlush(br);
  brMulticastDevDel(br);
  br.gcTimer.cancel();
  br.helloTimer.cancel();
  br.tcnTimer.cancel();
  br.topologyChangeTimer.cancel();
}

/** br_del_bridge(): SIOCBRDELBR */
export function brDelBridge(dev: NetDevice): KErr | undefined {
  if (!isBridgeDev(dev)) return kerr("EPERM");
  if (dev.isUp()) return kerr("EBUSY");
  brDevDelete(brFromDev(dev)!);
  unregisterNetdevice(dev);
  return undefined;
}

/** net/bridge/br_if.c: port_cost() — from the link speed (__ethtool_get_link_ksettings) */
function portCost(dev: NetDevice): number {
  const ecmd = ethtoolGetLinkKsettings(dev);
  if (!isKErr(ecmd)) {
    const speed = typeof ecmd.speed === "number" ? ecmd.speed : -1;
    switch (speed) {
      case 10000: return 2; /* SPEED_10000 */
      case 5000: return 3;
      case 2500: return 4;
      case 1000: return 4;
      case 100: return 19;
      case 10: return 100;
      case -1: return 100; /* SPEED_UNKNOWN */
      default:
        if (speed > 10000) return 1;
    }
  }
  /* Old silly heuristics based on name */
  if (dev.name.startsWith("lec")) return 7;
  if (dev.name.startsWith("plip")) return 2500;
  return 100; /* assume old 10Mbps */
}

/** find_portno() */
function findPortno(br: NetBridge): number {
  // find_portno(): the lowest number no port has (a bitmap, as Linux's)
  const used = br.portNoUsed;
  for (let i = 1; i < BR_MAX_PORTS; i++) if (!used[i]) return i;
  return -1;
}

/** br_mtu_auto_adjust(): the bridge MTU follows the smallest port MTU */
export function brMtuAutoAdjust(br: NetBridge): void {
  if (br.mtuSetByUser) return;
  // br_mtu_min(): the smallest port MTU, ETH_DATA_LEN without ports (the bridge's array of port
  // devices, not each port's object: it runs over every port for each port added, a thousand
  // in bench a)
  const devs = br.portDev;
  let mtu = devs.length ? devs[0]!.mtu : 1500;
  for (let i = 1; i < devs.length; i++) {
    const m = devs[i]!.mtu;
    if (m < mtu) mtu = m;
  }
  if (mtu === br.dev.mtu) return;
  br.mtuAdjusting = true;
  devSetMtu(br.dev, mtu);
  br.mtuAdjusting = false;
}

/** br_add_if() */
export function brAddIf(br: NetBridge, dev: NetDevice): KErr | undefined {
  if (dev.flags & IFF_LOOPBACK || dev.type !== ARPHRD_ETHER || dev.addrLen !== 6 || !isValidEther(dev.devAddr))
    return kerr("EINVAL");
  if (isBridgeDev(dev)) return kerr("ELOOP", "Can not enslave a bridge to a bridge");
  if (dev.master || dev.privFlags & IFF_BRIDGE_PORT) return kerr("EBUSY");
  if (dev === br.dev) return kerr("ELOOP");
  const portNo = findPortno(br);
  if (portNo < 0) return kerr("EXFULL" as never);
  const s = netScheduler(br.dev.net);
  const p = new NetBridgePort(br, dev, (fn, label) => s.timer(fn, label));
  brStpPortTimerInit(p);
  p.portNo = portNo;
  p.pathCost = portCost(dev);
  // new_nbp(): br_init_port() then disabled until the port is enabled
  brInitPort(p);
  brSetState(p, BR_STATE_DISABLED);
  dev.brPort = p;
  devSetAllmulti(dev, 1);
  const err = netdevRxHandlerRegister(dev, brHandleFrame, p);
  if (err) {
    devSetAllmulti(dev, -1);
    dev.brPort = undefined;
    return err;
  }
  dev.privFlags |= IFF_BRIDGE_PORT;
  const lerr = netdevMasterUpperDevLink(dev, br.dev);
  if (lerr) {
    dev.privFlags &= ~IFF_BRIDGE_PORT;
    netdevRxHandlerUnregister(dev);
    devSetAllmulti(dev, -1);
    dev.brPort = undefined;
    return lerr;
  }
  brPortsAdd(br, p);
  br.portNoUsed[portNo] = 1;
  // nbp_update_port_count() -> br_manage_promisc(): all ports promiscuous without vlan filtering
  devSetPromiscuity(dev, 1);
  // netdev_update_features(br->dev): the first port narrows the bridge's features
  // (NETDEV_FEAT_CHANGE, a NEWLINK of the bridge)
  if (br.ports.length === 1) rtmsgIfinfo("RTM_NEWLINK", br.dev);
  fdbAddLocal(br, p, dev.devAddr, 0);
  // nbp_vlan_init(): the default pvid on the port (CONFIG_BRIDGE_VLAN_FILTERING)
  nbpVlanInit(p);
  brStpRecalculateBridgeId(br);
  if (portUsable(p) && br.dev.isUp()) brStpEnablePort(p);
  brIfinfoNotify("RTM_NEWLINK", p);
  brMtuAutoAdjust(br);
  brSetGsoLimits(br);
  return undefined;
}

/** br_set_gso_limits(): the smallest TSO limits of the ports */
function brSetGsoLimits(br: NetBridge): void {
  const devs = br.portDev;
  if (!devs.length) return;
  let size = devs[0]!.tsoMaxSize;
  let segs = devs[0]!.tsoMaxSegs;
  for (let i = 1; i < devs.length; i++) {
    const d = devs[i]!;
    if (d.tsoMaxSize < size) size = d.tsoMaxSize;
    if (d.tsoMaxSegs < segs) segs = d.tsoMaxSegs;
  }
  br.dev.tsoMaxSize = size;
  br.dev.tsoMaxSegs = segs;
}

/** del_nbp() */
function delNbp(p: NetBridgePort): void {
  const br = p.br;
  const dev = p.dev;
  devSetAllmulti(dev, -1);
  devSetPromiscuity(dev, -1);
  brStpDisablePort(p);
  brIfinfoNotify("RTM_DELLINK", p);
  brPortsDel(br, p);
  br.portNoUsed[p.portNo] = 0;
  brStpForgetLowestAddr(br);
  nbpVlanFlush(p);
  brFdbDeleteByPort(br, p, 0, true);
  brMulticastDelPort(p);
  netdevUpperDevUnlink(dev, br.dev);
  netdevRxHandlerUnregister(dev);
  dev.privFlags &= ~IFF_BRIDGE_PORT;
  dev.brPort = undefined;
  p.forwardDelayTimer.cancel();
  p.holdTimer.cancel();
  p.messageAgeTimer?.cancel();
}

/** br_del_if() */
export function brDelIf(br: NetBridge, dev: NetDevice): KErr | undefined {
  const p = brPortGet(dev);
  if (!p || p.br !== br) return kerr("EINVAL");
  delNbp(p);
  brStpRecalculateBridgeId(br);
  brMtuAutoAdjust(br);
  brSetGsoLimits(br);
  return undefined;
}
