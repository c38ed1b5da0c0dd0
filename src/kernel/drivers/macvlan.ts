/**
 * drivers/net/macvlan.c: virtual NICs with their own MAC on a lower Ethernet device, and
 * drivers/net/macvtap.c: the same device kind with a tap queue in front of its stack.
 * `ip link add link eth0 name mv0 type macvlan [mode private|vepa|bridge|passthru]`.
 * The first macvlan on a device makes it a macvlan port (its rx_handler): unicast frames for
 * a macvlan's MAC go to that macvlan, broadcast/multicast to every macvlan and the lower
 * device. Transmit goes out the lower device, except in bridge mode between macvlans of one
 * port (forwarded inside). The carrier follows the lower device; deleting it deletes them.
 *
 * Mode source: a macvlan receives a copy of every frame whose source MAC is in its list
 * (`macaddr add|del|set|flush`), kept in the port's hash as Linux keeps it (dumped in hash
 * order). Simplification: the broadcast queue (bc_queue, a work item in Linux) delivers at once.
 */
import {
  NetDevice, NETDEV_TX_OK, IFF_NO_QUEUE, IFF_LIVE_ADDR_CHANGE, IFF_UNICAST_FLT, NET_ADDR_RANDOM, NET_ADDR_SET,
  RX_HANDLER_PASS, RX_HANDLER_ANOTHER, RX_HANDLER_CONSUMED,
} from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import type { InfoData, IflaAttrs } from "../uapi/rtnetlink.ts";
import { IFF_BROADCAST, IFF_MULTICAST, IFF_UP, IFF_PROMISC, IFF_ALLMULTI, ARPHRD_ETHER, PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST } from "../uapi/if.ts";
import { isBroadcastEther, macEqual } from "../../wire/addr.ts";
import {
  registerNetdevice, unregisterNetdevice, devGetByIndex, isValidEtherAddr, validateEtherAddrAttr, netdevRxHandlerRegister,
  netdevRxHandlerUnregister, netifCarrierOn, netifCarrierOff, devSetPromiscuity, devSetAllmulti, devSetMtu,
  linkwatchFireEvent,
} from "../core/dev.ts";
import { devMcList, devUcAdd, devUcDel } from "../core/dev_addr_lists.ts";
import { registerNetdeviceNotifier, NETDEV_UP, NETDEV_DOWN, NETDEV_CHANGE, NETDEV_CHANGEMTU, NETDEV_UNREGISTER } from "../core/notifier.ts";
import { rtnlLinkRegister, type RtnlLinkKind, type NewlinkParams } from "../core/rtnetlink.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { devQueueXmit, devForwardSkb, netifRx } from "../core/dev_path.ts";
import { ethtoolGetLinkKsettings, setEthtoolOps } from "../core/dev_ioctl.ts";
import { registerKernelModule, requestModule } from "./kmod.ts";

export const MACVLAN_MODE_PRIVATE = 1;
export const MACVLAN_MODE_VEPA = 2;
export const MACVLAN_MODE_BRIDGE = 4;
export const MACVLAN_MODE_PASSTHRU = 8;
export const MACVLAN_MODE_SOURCE = 16;
const MACVLAN_FLAG_NOPROMISC = 1;
const MACVLAN_FLAG_NODST = 2;
const MACVLAN_DEFAULT_BC_QUEUE_LEN = 1000;
/** enum macvlan_macaddr_mode */
const MACVLAN_MACADDR_ADD = 0;
const MACVLAN_MACADDR_DEL = 1;
const MACVLAN_MACADDR_FLUSH = 2;
const MACVLAN_MACADDR_SET = 3;
const MACVLAN_HASH_BITS = 8;

/** struct macvlan_source_entry */
interface MacvlanSourceEntry {
  addr: Uint8Array;
  vlan: MacvlanDev;
}

/** struct macvlan_port */
interface MacvlanPort {
  dev: NetDevice;
  vlans: MacvlanDev[];
  passthru: boolean;
  count: number;
  bcQueueLenUsed: number;
  /** vlan_source_hash: the non-empty of its 1 << MACVLAN_HASH_BITS buckets by index, each
   * newest first (hlist_add_head) */
  sourceHash: Map<number, MacvlanSourceEntry[]>;
}

/** struct macvlan_dev */
interface MacvlanDev {
  dev: NetDevice;
  lowerdev: NetDevice;
  port: MacvlanPort;
  mode: number;
  flags: number;
  bcQueueLenReq: number;
  /** in the port's address hash (macvlan_hash_add on open) */
  hashed: boolean;
  /** source mode: how many addresses this macvlan has in the port's source hash */
  macaddrCount: number;
}

function vlanOf(dev: NetDevice): MacvlanDev {
  return dev.priv as MacvlanDev;
}

function portOf(lower: NetDevice): MacvlanPort | undefined {
  return lower.rxHandler === macvlanHandleFrame ? (lower.rxHandlerData as MacvlanPort) : undefined;
}

/** netif_is_macvlan(): IFF_MACVLAN, which macvlan and macvtap devices both carry */
export function netifIsMacvlan(dev: NetDevice): boolean {
  return dev.linkOps === macvlanLinkOps || dev.linkOps === macvtapLinkOps;
}

/** drivers/net/macvlan.c: macvlan_hash_lookup() */
function macvlanHashLookup(port: MacvlanPort, addr: Uint8Array, off: number): MacvlanDev | undefined {
  for (const v of port.vlans) {
    if (!v.hashed) continue;
    if (macEqual(v.dev.devAddr, 0, addr, off)) return v;
  }
  return undefined;
}

const GOLDEN_RATIO_64 = 0x61c8864680b583ebn;
const U64 = (1n << 64n) - 1n;

/** drivers/net/macvlan.c: macvlan_eth_hash(): the address as a little-endian u64 shifted left by
 * 16 (the two bytes past it drop out), through hash_64() */
function macvlanEthHash(addr: Uint8Array, off = 0): number {
  let v = 0n;
  for (let i = 5; i >= 0; i--) v = (v << 8n) | BigInt(addr[off + i]!);
  v = (v << 16n) & U64;
  return Number(((v * GOLDEN_RATIO_64) & U64) >> BigInt(64 - MACVLAN_HASH_BITS));
}

/** drivers/net/macvlan.c: macvlan_hash_lookup_source() */
function macvlanHashLookupSource(vlan: MacvlanDev, addr: Uint8Array): MacvlanSourceEntry | undefined {
  return vlan.port.sourceHash.get(macvlanEthHash(addr))?.find((e) => e.vlan === vlan && macEqual(e.addr, 0, addr));
}

/** drivers/net/macvlan.c: macvlan_hash_add_source() */
function macvlanHashAddSource(vlan: MacvlanDev, addr: Uint8Array): void {
  if (macvlanHashLookupSource(vlan, addr)) return;
  const h = macvlanEthHash(addr);
  const b = vlan.port.sourceHash.get(h);
  const e = { addr: addr.slice(0, 6), vlan };
  if (b) b.unshift(e);
  else vlan.port.sourceHash.set(h, [e]);
  vlan.macaddrCount++;
}

/** drivers/net/macvlan.c: macvlan_hash_del_source() */
function macvlanHashDelSource(port: MacvlanPort, e: MacvlanSourceEntry): void {
  const h = macvlanEthHash(e.addr);
  const b = port.sourceHash.get(h)!;
  b.splice(b.indexOf(e), 1);
  if (!b.length) port.sourceHash.delete(h);
}

/** drivers/net/macvlan.c: macvlan_flush_sources() */
function macvlanFlushSources(port: MacvlanPort, vlan: MacvlanDev): void {
  for (const [h, b] of port.sourceHash) {
    for (let i = b.length - 1; i >= 0; i--) if (b[i]!.vlan === vlan) b.splice(i, 1);
    if (!b.length) port.sourceHash.delete(h);
  }
  vlan.macaddrCount = 0;
}

/** drivers/net/macvlan.c: macvlan_forward_source_one() */
function macvlanForwardSourceOne(skb: SkBuff, vlan: MacvlanDev): void {
  const dev = vlan.dev;
  if (!(dev.flags & IFF_UP)) return;
  const n = skb.copy();
  n.dev = dev;
  if (macEqual(dev.devAddr, 0, skb.buf, skb.macHeader)) n.pktType = PACKET_HOST;
  /* (macvlan_count_rx()'s packets and bytes: netif_receive_skb() counts them on `dev`) */
  netifRx(n);
}

/** drivers/net/macvlan.c: macvlan_forward_source(): true when a nodst macvlan takes the frame */
function macvlanForwardSource(skb: SkBuff, port: MacvlanPort): boolean {
  if (!port.sourceHash.size) return false;
  const b = port.sourceHash.get(macvlanEthHash(skb.buf, skb.macHeader + 6));
  if (!b) return false;
  let consume = false;
  for (const e of b) {
    if (!macEqual(e.addr, 0, skb.buf, skb.macHeader + 6)) continue;
    if (e.vlan.flags & MACVLAN_FLAG_NODST) consume = true;
    macvlanForwardSourceOne(skb, e.vlan);
  }
  return consume;
}

/** drivers/net/macvlan.c: macvlan_changelink_sources() */
function macvlanChangelinkSources(vlan: MacvlanDev, mode: number, data: InfoData): KErr | undefined {
  const addr = data["IFLA_MACVLAN_MACADDR"] as Uint8Array | undefined;
  switch (mode) {
    case MACVLAN_MACADDR_ADD:
      if (!addr) return kerr("EINVAL");
      macvlanHashAddSource(vlan, addr);
      return undefined;
    case MACVLAN_MACADDR_DEL: {
      if (!addr) return kerr("EINVAL");
      const e = macvlanHashLookupSource(vlan, addr);
      if (e) {
        macvlanHashDelSource(vlan.port, e);
        vlan.macaddrCount--;
      }
      return undefined;
    }
    case MACVLAN_MACADDR_FLUSH:
      macvlanFlushSources(vlan.port, vlan);
      return undefined;
    case MACVLAN_MACADDR_SET:
      macvlanFlushSources(vlan.port, vlan);
      if (addr) macvlanHashAddSource(vlan, addr);
      for (const a of (data["IFLA_MACVLAN_MACADDR_DATA"] as Uint8Array[] | undefined) ?? []) macvlanHashAddSource(vlan, a);
      return undefined;
  }
  return kerr("EINVAL");
}

/** count a frame received by a macvlan (macvlan_count_rx); a copy handed to netif_rx() on the
 * macvlan itself has its packets and bytes counted by netif_receive_skb() here, so only the
 * multicast counter is the driver's (countRxMulticast) */
function countRx(v: MacvlanDev, len: number): void {
  v.dev.stats.rx_packets++;
  v.dev.stats.rx_bytes += len;
}

function countRxMulticast(v: MacvlanDev): void {
  v.dev.stats.multicast++;
}

/** drivers/net/macvlan.c: macvlan_broadcast(): a copy to each macvlan of the port whose
 * mode is in `mode` (except the sender) */
function macvlanBroadcast(skb: SkBuff, port: MacvlanPort, src: NetDevice | undefined, mode: number): void {
  for (const v of port.vlans) {
    if (v.dev === src || !(v.mode & mode)) continue;
    if (!v.hashed || !macvlanMcFilter(v, skb.buf, skb.macHeader)) continue;
    const n = skb.copy();
    /* macvlan_broadcast_one(): local (from a macvlan) through dev_forward_skb, else netif_rx */
    if (mode === MACVLAN_MODE_BRIDGE) {
      n.data = n.macHeader;
      if (devForwardSkb(v.dev, n) === 0) countRxMulticast(v);
    } else {
      n.dev = v.dev;
      n.pktType = isBroadcastEther(n.buf, n.macHeader) ? PACKET_BROADCAST : PACKET_MULTICAST;
      countRxMulticast(v);
      netifRx(n);
    }
  }
}

/** the macvlan's mc_filter (macvlan_set_mac_lists()): broadcast, the groups it joined, or
 * everything when promiscuous or allmulti. Linux keeps a 256-bit hash of them mixed with the
 * macvlan's address in memory; the exact set is what that hash stands for. */
function macvlanMcFilter(v: MacvlanDev, b: Uint8Array, off: number): boolean {
  if (v.dev.flags & (IFF_PROMISC | IFF_ALLMULTI)) return true;
  if (isBroadcastEther(b, off)) return true;
  return devMcList(v.dev).some((a) => macEqual(a, 0, b, off));
}

/** drivers/net/macvlan.c: macvlan_handle_frame(): the lower device's rx_handler */
function macvlanHandleFrame(skb: SkBuff): number {
  const port = skb.dev!.rxHandlerData as MacvlanPort;
  const b = skb.buf;
  const eth = skb.macHeader;
  if (b[eth]! & 1) {
    /* multicast/broadcast: to the source-mode macvlans that list the sender, to the macvlans
     * (unless one of ours sent it, in VEPA) and up the lower device too */
    if (macvlanForwardSource(skb, port)) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "macvlan_handle_frame");
      return RX_HANDLER_CONSUMED;
    }
    const src = macvlanHashLookup(port, b, eth + 6);
    if (src && src.mode !== MACVLAN_MODE_VEPA && src.mode !== MACVLAN_MODE_BRIDGE) {
      /* forward to original port (macvlan_broadcast_one() + __netif_rx()) */
      if (src.dev.flags & IFF_UP) {
        countRxMulticast(src);
        skb.dev = src.dev;
        skb.pktType = isBroadcastEther(b, eth) ? PACKET_BROADCAST : PACKET_MULTICAST;
        netifRx(skb);
      } else kfreeSkbReason(skb, "SKB_DROP_REASON_DEV_READY", "macvlan_handle_frame");
      return RX_HANDLER_CONSUMED;
    }
    /* macvlan_multicast_rx() */
    if (!src) macvlanBroadcast(skb, port, undefined, MACVLAN_MODE_PRIVATE | MACVLAN_MODE_VEPA | MACVLAN_MODE_PASSTHRU | MACVLAN_MODE_BRIDGE);
    else if (src.mode === MACVLAN_MODE_VEPA) macvlanBroadcast(skb, port, src.dev, MACVLAN_MODE_VEPA | MACVLAN_MODE_BRIDGE);
    else macvlanBroadcast(skb, port, src.dev, MACVLAN_MODE_VEPA);
    return RX_HANDLER_PASS;
  }
  if (macvlanForwardSource(skb, port)) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "macvlan_handle_frame");
    return RX_HANDLER_CONSUMED;
  }
  let vlan: MacvlanDev | undefined;
  if (port.passthru) vlan = port.vlans[0];
  else vlan = macvlanHashLookup(port, b, eth);
  if (!vlan || vlan.mode === MACVLAN_MODE_SOURCE) return RX_HANDLER_PASS;
  const dev = vlan.dev;
  if (!(dev.flags & IFF_UP)) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_DEV_READY", "macvlan_handle_frame");
    return RX_HANDLER_CONSUMED;
  }
  countRx(vlan, skb.tail - eth);
  skb.dev = dev;
  skb.pktType = PACKET_HOST;
  return RX_HANDLER_ANOTHER;
}

/** drivers/net/macvlan.c: macvlan_queue_xmit() */
function macvlanQueueXmit(skb: SkBuff, dev: NetDevice): number {
  const vlan = vlanOf(dev);
  const port = vlan.port;
  if (!port.passthru && vlan.mode === MACVLAN_MODE_BRIDGE) {
    const b = skb.buf;
    const o = skb.data;
    if (b[o]! & 1) {
      /* send to other bridge ports directly */
      skb.macHeader = o;
      macvlanBroadcast(skb, port, dev, MACVLAN_MODE_BRIDGE);
    } else {
      const dest = macvlanHashLookup(port, b, o);
      if (dest && dest.mode === MACVLAN_MODE_BRIDGE) {
        /* send to lowerdev first for its network taps */
        devForwardSkb(vlan.lowerdev, skb);
        return NETDEV_TX_OK;
      }
    }
  }
  /* xmit_world */
  skb.dev = vlan.lowerdev;
  const rc = devQueueXmit(skb);
  return rc === NETDEV_TX_OK ? NETDEV_TX_OK : 1;
}

/** drivers/net/macvlan.c: macvlan_open() */
function macvlanOpen(dev: NetDevice): KErr | undefined {
  const vlan = vlanOf(dev);
  const lowerdev = vlan.lowerdev;
  if (vlan.port.passthru) {
    if (!(vlan.flags & MACVLAN_FLAG_NOPROMISC)) {
      const e = devSetPromiscuity(lowerdev, 1);
      if (e) return e;
    }
  } else {
    /* macvlan_addr_busy() */
    if (macvlanHashLookup(vlan.port, dev.devAddr, 0)) return kerr("EADDRINUSE");
    const e = devUcAdd(lowerdev, dev.devAddr);
    if (e) return e;
  }
  if (dev.flags & IFF_ALLMULTI) devSetAllmulti(lowerdev, 1);
  if (dev.flags & IFF_PROMISC) devSetPromiscuity(lowerdev, 1);
  vlan.hashed = true;
  return undefined;
}

/** drivers/net/macvlan.c: macvlan_stop() */
function macvlanStop(dev: NetDevice): void {
  const vlan = vlanOf(dev);
  const lowerdev = vlan.lowerdev;
  if (dev.flags & IFF_ALLMULTI) devSetAllmulti(lowerdev, -1);
  if (dev.flags & IFF_PROMISC) devSetPromiscuity(lowerdev, -1);
  if (vlan.port.passthru) {
    if (!(vlan.flags & MACVLAN_FLAG_NOPROMISC)) devSetPromiscuity(lowerdev, -1);
  } else devUcDel(lowerdev, dev.devAddr);
  vlan.hashed = false;
}

/** drivers/net/macvlan.c: macvlan_set_mac_address() */
function macvlanSetMacAddress(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  const vlan = vlanOf(dev);
  if (!isValidEtherAddr(addr)) return kerr("EADDRNOTAVAIL");
  if (vlan.mode === MACVLAN_MODE_PASSTHRU) return kerr("EOPNOTSUPP");
  if (!(dev.flags & IFF_UP)) {
    dev.devAddr = addr.slice(0, 6);
    return undefined;
  }
  if (macvlanHashLookup(vlan.port, addr, 0)) return kerr("EADDRINUSE");
  devUcDel(vlan.lowerdev, dev.devAddr);
  const e = devUcAdd(vlan.lowerdev, addr);
  if (e) return e;
  dev.devAddr = addr.slice(0, 6);
  return undefined;
}

const macvlanNetdevOps = {
  open: macvlanOpen,
  stop: macvlanStop,
  startXmit: macvlanQueueXmit,
  setMacAddress: macvlanSetMacAddress,
  /** macvlan_change_mtu() */
  changeMtu: (dev: NetDevice, mtu: number): KErr | undefined => {
    if (vlanOf(dev).lowerdev.mtu < mtu) return kerr("EINVAL");
    dev.mtu = mtu;
    return undefined;
  },
  /** macvlan_dev_get_iflink() */
  getIflink: (dev: NetDevice): number => vlanOf(dev).lowerdev.ifindex,
  /** macvlan_get_link_net() */
  getLinkNet: (dev: NetDevice): Net => vlanOf(dev).lowerdev.net,
  uninit: (dev: NetDevice): void => {
    /* macvlan_uninit(): the last macvlan takes the port away */
    const vlan = vlanOf(dev);
    const port = vlan.port;
    const i = port.vlans.indexOf(vlan);
    if (i >= 0) {
      port.vlans.splice(i, 1);
      port.count--;
    }
    if (port.count === 0) macvlanPortDestroy(port.dev);
  },
};

/** drivers/net/macvlan.c: macvlan_ethtool_ops */
setEthtoolOps(macvlanNetdevOps, {
  getLink: (dev) => (dev.carrier ? 1 : 0),
  /** macvlan_ethtool_get_link_ksettings(): the lower device's */
  getLinkKsettings: (dev) => ethtoolGetLinkKsettings(vlanOf(dev).lowerdev),
  getDrvinfo: () => ({ driver: "macvlan", version: "0.1" }),
});

/** drivers/net/macvlan.c: macvlan_common_setup() (+ ether_setup) */
function macvlanCommonSetup(name: string, net: Net): NetDevice {
  const dev = new NetDevice(name, ARPHRD_ETHER, IFF_BROADCAST | IFF_MULTICAST, macvlanNetdevOps, new Uint8Array(6),
    new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
  dev.privFlags |= IFF_UNICAST_FLT | IFF_LIVE_ADDR_CHANGE;
  dev.mtu = 1500;
  dev.minMtu = 68;
  dev.maxMtu = 65535;
  dev.txQueueLen = 1000;
  dev.net = net;
  return dev;
}

/** drivers/net/macvlan.c: macvlan_setup(): no qdisc */
function macvlanSetup(name: string, net: Net): NetDevice {
  const dev = macvlanCommonSetup(name, net);
  dev.privFlags |= IFF_NO_QUEUE;
  return dev;
}

/** drivers/net/macvtap.c: macvtap_setup(): a qdisc, and the tap's read queue length */
function macvtapSetup(name: string, net: Net): NetDevice {
  const dev = macvlanCommonSetup(name, net);
  dev.txQueueLen = TUN_READQ_SIZE;
  return dev;
}

/** drivers/net/macvlan.c: macvlan_port_create() */
function macvlanPortCreate(lower: NetDevice): MacvlanPort | KErr {
  if (lower.type !== ARPHRD_ETHER || lower.flags & 0x8 /* IFF_LOOPBACK */) return kerr("EINVAL");
  if (netifIsMacvlan(lower)) return kerr("EBUSY");
  const port: MacvlanPort = { dev: lower, vlans: [], passthru: false, count: 0, bcQueueLenUsed: 0, sourceHash: new Map() };
  const e = netdevRxHandlerRegister(lower, macvlanHandleFrame, port);
  if (e) return e;
  return port;
}

/** drivers/net/macvlan.c: macvlan_port_destroy() */
function macvlanPortDestroy(lower: NetDevice): void {
  if (portOf(lower)) netdevRxHandlerUnregister(lower);
}

/** include/linux/netdevice.h: netif_stacked_transfer_operstate() */
function netifStackedTransferOperstate(root: NetDevice, dev: NetDevice): void {
  if (root.carrier) netifCarrierOn(dev);
  else netifCarrierOff(dev);
}

/** drivers/net/macvlan.c: macvlan_validate() */
function macvlanValidate(p: NewlinkParams): KErr | undefined {
  const ae = validateEtherAddrAttr(p.attrs.IFLA_ADDRESS);
  if (ae) return ae;
  const data = p.data;
  if (!data) return undefined;
  const flags = data["IFLA_MACVLAN_FLAGS"];
  if (typeof flags === "number" && flags & ~(MACVLAN_FLAG_NOPROMISC | MACVLAN_FLAG_NODST)) return kerr("EINVAL");
  const mode = data["IFLA_MACVLAN_MODE"];
  if (typeof mode === "number" && ![MACVLAN_MODE_PRIVATE, MACVLAN_MODE_VEPA, MACVLAN_MODE_BRIDGE, MACVLAN_MODE_PASSTHRU, MACVLAN_MODE_SOURCE].includes(mode))
    return kerr("EINVAL");
  const macMode = data["IFLA_MACVLAN_MACADDR_MODE"];
  if (typeof macMode === "number" && !(macMode >= MACVLAN_MACADDR_ADD && macMode <= MACVLAN_MACADDR_SET)) return kerr("EINVAL");
  for (const a of [data["IFLA_MACVLAN_MACADDR"], ...((data["IFLA_MACVLAN_MACADDR_DATA"] as Uint8Array[] | undefined) ?? [])]) {
    const e = validateEtherAddrAttr(a as Uint8Array | undefined);
    if (e) return e;
  }
  if (data["IFLA_MACVLAN_MACADDR_COUNT"] !== undefined) return kerr("EINVAL");
  return undefined;
}

/** drivers/net/macvlan.c: macvlan_common_newlink() */
function macvlanNewlink(dev: NetDevice, p: NewlinkParams): KErr | undefined {
  const tb = p.attrs;
  if (tb.IFLA_LINK === undefined) return kerr("EINVAL");
  let lowerdev = devGetByIndex(p.srcNet, tb.IFLA_LINK);
  if (!lowerdev) return kerr("ENODEV");
  /* When creating macvlans or macvtaps on top of other macvlans - use the real device */
  if (netifIsMacvlan(lowerdev)) lowerdev = vlanOf(lowerdev).lowerdev;
  if (tb.IFLA_MTU === undefined) dev.mtu = lowerdev.mtu;
  else if (dev.mtu > lowerdev.mtu) return kerr("EINVAL");
  dev.maxMtu = lowerdev.maxMtu;
  /* netif_inherit_tso_max() */
  dev.tsoMaxSize = lowerdev.tsoMaxSize;
  dev.tsoMaxSegs = lowerdev.tsoMaxSegs;
  if (!tb.IFLA_ADDRESS) {
    dev.devAddr = p.net.host.world.randomMac(p.net.host, p.net.name, dev.name);
    dev.addrAssignType = p.net.host.world.labMode ? NET_ADDR_SET : NET_ADDR_RANDOM;
  }
  let port = portOf(lowerdev);
  let create = false;
  if (!port) {
    const np = macvlanPortCreate(lowerdev);
    if ("errno" in np) return np;
    port = np;
    create = true;
  }
  const data = p.data;
  const vlan: MacvlanDev = {
    dev, lowerdev, port, mode: MACVLAN_MODE_VEPA, flags: 0, bcQueueLenReq: MACVLAN_DEFAULT_BC_QUEUE_LEN, hashed: false,
    macaddrCount: 0,
  };
  dev.priv = vlan;
  const fail = (e: KErr): KErr => {
    macvlanFlushSources(port!, vlan);
    if (create) macvlanPortDestroy(lowerdev!);
    return e;
  };
  /* Only 1 macvlan device can be created in passthru mode */
  if (port.passthru) return fail(kerr("EINVAL"));
  if (typeof data?.["IFLA_MACVLAN_MODE"] === "number") vlan.mode = data["IFLA_MACVLAN_MODE"] as number;
  if (typeof data?.["IFLA_MACVLAN_FLAGS"] === "number") vlan.flags = data["IFLA_MACVLAN_FLAGS"] as number;
  if (vlan.mode === MACVLAN_MODE_PASSTHRU) {
    if (port.count) return fail(kerr("EINVAL"));
    /* macvlan_set_passthru() + eth_hw_addr_inherit() */
    port.passthru = true;
    dev.devAddr = lowerdev.devAddr.slice(0, 6);
  }
  if (typeof data?.["IFLA_MACVLAN_MACADDR_MODE"] === "number") {
    if (vlan.mode !== MACVLAN_MODE_SOURCE) return fail(kerr("EINVAL"));
    const e = macvlanChangelinkSources(vlan, data["IFLA_MACVLAN_MACADDR_MODE"] as number, data);
    if (e) return fail(e);
  }
  if (typeof data?.["IFLA_MACVLAN_BC_QUEUE_LEN"] === "number") vlan.bcQueueLenReq = data["IFLA_MACVLAN_BC_QUEUE_LEN"] as number;
  const e = registerNetdevice(p.net, dev);
  if (e) return fail(e);
  port.count++;
  port.vlans.push(vlan);
  /* update_port_bc_queue_len() */
  port.bcQueueLenUsed = Math.max(...port.vlans.map((v) => v.bcQueueLenReq));
  netifStackedTransferOperstate(lowerdev, dev);
  linkwatchFireEvent(dev);
  return undefined;
}

/** drivers/net/macvlan.c: macvlan_fill_info() */
function macvlanFillInfo(dev: NetDevice): InfoData {
  const vlan = vlanOf(dev);
  const d: InfoData = {
    IFLA_MACVLAN_MODE: vlan.mode,
    IFLA_MACVLAN_FLAGS: vlan.flags,
    IFLA_MACVLAN_MACADDR_COUNT: vlan.macaddrCount,
  };
  /* macvlan_fill_info_macaddr(), bucket by bucket */
  if (vlan.macaddrCount > 0)
    d["IFLA_MACVLAN_MACADDR_DATA"] = [...vlan.port.sourceHash]
      .sort((x, y) => x[0] - y[0])
      .flatMap(([, b]) => b.filter((e) => e.vlan === vlan).map((e) => e.addr.slice()));
  d["IFLA_MACVLAN_BC_QUEUE_LEN"] = vlan.bcQueueLenReq;
  d["IFLA_MACVLAN_BC_QUEUE_LEN_USED"] = vlan.port.bcQueueLenUsed;
  return d;
}

/** drivers/net/macvlan.c: macvlan_changelink() (mode and flags) */
function macvlanChangelink(dev: NetDevice, data: InfoData): KErr | undefined {
  const vlan = vlanOf(dev);
  const mode = data["IFLA_MACVLAN_MODE"];
  if (typeof mode === "number") {
    /* Passthrough mode can't be set or cleared dynamically */
    if ((mode === MACVLAN_MODE_PASSTHRU) !== (vlan.mode === MACVLAN_MODE_PASSTHRU)) return kerr("EINVAL");
    if (vlan.mode === MACVLAN_MODE_SOURCE && vlan.mode !== mode) macvlanFlushSources(vlan.port, vlan);
  }
  const flags = data["IFLA_MACVLAN_FLAGS"];
  if (typeof flags === "number") {
    if (vlan.port.passthru && dev.flags & IFF_UP) {
      const promisc = (flags ^ vlan.flags) & MACVLAN_FLAG_NOPROMISC;
      if (promisc) devSetPromiscuity(vlan.lowerdev, flags & MACVLAN_FLAG_NOPROMISC ? -1 : 1);
    }
    vlan.flags = flags;
  }
  const bc = data["IFLA_MACVLAN_BC_QUEUE_LEN"];
  if (typeof bc === "number") {
    vlan.bcQueueLenReq = bc;
    vlan.port.bcQueueLenUsed = Math.max(...vlan.port.vlans.map((v) => v.bcQueueLenReq));
  }
  /* the mode is set last: setting the flags may fail */
  if (typeof mode === "number") vlan.mode = mode;
  const macMode = data["IFLA_MACVLAN_MACADDR_MODE"];
  if (typeof macMode === "number") {
    if (vlan.mode !== MACVLAN_MODE_SOURCE) return kerr("EINVAL");
    return macvlanChangelinkSources(vlan, macMode, data);
  }
  return undefined;
}

export const macvlanLinkOps: RtnlLinkKind = {
  kind: "macvlan",
  alloc: (name, net) => macvlanSetup(name, net),
  validate: (p) => {
    requestModule(p.srcNet, "rtnl-link-macvlan");
    return macvlanValidate(p);
  },
  newlink: macvlanNewlink,
  changelink: macvlanChangelink,
  /** macvlan_dellink() */
  dellink: (dev) => {
    const vlan = vlanOf(dev);
    if (vlan.mode === MACVLAN_MODE_SOURCE) macvlanFlushSources(vlan.port, vlan);
    unregisterNetdevice(dev);
  },
  fillInfo: macvlanFillInfo,
};

/** drivers/net/macvlan.c: macvlan_device_event() — the lower device's events */
function macvlanDeviceEvent(event: number, dev: NetDevice): void {
  const port = portOf(dev);
  if (!port) return;
  switch (event) {
    case NETDEV_UP:
    case NETDEV_DOWN:
    case NETDEV_CHANGE:
      for (const v of port.vlans) netifStackedTransferOperstate(v.lowerdev, v.dev);
      break;
    case NETDEV_CHANGEMTU:
      for (const v of port.vlans.slice()) if (v.dev.mtu > dev.mtu) devSetMtu(v.dev, dev.mtu);
      break;
    case NETDEV_UNREGISTER:
      /* twiddle thumbs on netns device moves */
      if (!dev.dismantle) break;
      for (const v of port.vlans.slice()) v.dev.linkOps?.dellink?.(v.dev);
      break;
  }
}

const TUN_READQ_SIZE = 500;

/** drivers/net/tap.c: tap_handle_frame(): frames go to the queue a reader of /dev/tapN opened;
 * without one (nothing opens the character device here) the frame goes on up the macvtap
 * device as on a macvlan */
function tapHandleFrame(_skb: SkBuff): number {
  return RX_HANDLER_PASS;
}

/** drivers/net/macvtap.c: the "macvtap" link kind, macvlan's with the tap's rx_handler on the
 * device itself */
export const macvtapLinkOps: RtnlLinkKind = {
  ...macvlanLinkOps,
  kind: "macvtap",
  alloc: (name, net) => macvtapSetup(name, net),
  validate: (p) => {
    requestModule(p.srcNet, "rtnl-link-macvtap");
    return macvlanValidate(p);
  },
  /** macvtap_newlink() */
  newlink: (dev, p) => {
    const e = netdevRxHandlerRegister(dev, tapHandleFrame, undefined);
    if (e) return e;
    const err = macvlanNewlink(dev, p);
    if (err) netdevRxHandlerUnregister(dev);
    return err;
  },
  /** macvtap_dellink() */
  dellink: (dev) => {
    netdevRxHandlerUnregister(dev);
    macvlanLinkOps.dellink!(dev);
  },
};

let done = false;

/** drivers/net/macvlan.c: macvlan_init_module() */
export function macvlanInit(): void {
  if (done) return;
  done = true;
  registerNetdeviceNotifier((event, dev) => macvlanDeviceEvent(event, dev));
  rtnlLinkRegister(macvlanLinkOps);
  rtnlLinkRegister(macvtapLinkOps);
  registerKernelModule({ name: "macvlan", size: 36864, deps: [], aliases: ["rtnl-link-macvlan"] });
  registerKernelModule({ name: "tap", size: 28672, deps: [] });
  registerKernelModule({ name: "macvtap", size: 16384, deps: ["macvlan", "tap"], aliases: ["rtnl-link-macvtap"] });
}
