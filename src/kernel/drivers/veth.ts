/**
 * drivers/net/veth.c: virtual ethernet pairs. `ip link add A type veth peer name B [netns N]`;
 * a frame sent on one end is received on the other (through __dev_forward_skb + netif_rx);
 * the carrier of both ends is on only while both are up.
 */
import { NetDevice, NETDEV_TX_OK, IFF_NO_QUEUE, IFF_LIVE_ADDR_CHANGE, NET_ADDR_RANDOM } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import type { IfInfoMsg, IflaAttrs } from "../uapi/rtnetlink.ts";
import { IFF_BROADCAST, IFF_MULTICAST, ARPHRD_ETHER, IFF_UP } from "../uapi/if.ts";
import {
  registerNetdevice, unregisterNetdevice, netifCarrierOn, netifCarrierOff, ethMacAddr, validateEtherAddrAttr,
} from "../core/dev.ts";
import {
  rtnlLinkRegister, rtnlCreateLink, rtnlConfigureLink, rtmsgIfinfo, rtnlLinkGetNet, type NewlinkParams, type RtnlLinkKind,
} from "../core/rtnetlink.ts";
import { devForwardSkb, devForwardShared, devForwardable, netifRxFull, netifRxCountDrop } from "../core/dev_path.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { setEthtoolOps, ethtoolOpGetLink, ethtoolOpGetTsInfo, type EthtoolOps, type EthtoolChannels } from "../core/dev_ioctl.ts";

export const DRV_NAME = "veth";
/** veth_get_num_queues(): one queue per possible CPU (the reference machines have 2) */
export const VETH_NUM_QUEUES = 2;
const ETH_MAX_MTU = 0xffff;
const ETH_MIN_MTU = 68;

/**
 * struct veth_priv: of its fields only the peer is kept, and it is the priv itself (no object
 * of its own: a flood through a bridge of veths reads it for every port, and one object less
 * on that way is one cache miss less)
 */
function peerOf(dev: NetDevice): NetDevice | undefined {
  return dev.priv as NetDevice | undefined;
}

function setPeer(dev: NetDevice, peer: NetDevice | undefined): void {
  dev.priv = peer;
}

/** the other end of a veth (or undefined once it is gone) */
export function vethPeer(dev: NetDevice): NetDevice | undefined {
  return dev.linkOps === vethLinkOps ? peerOf(dev) : undefined;
}

const NET_XMIT_DROP = 1;

/** drivers/net/veth.c: veth_xmit() */
function vethXmit(skb: SkBuff, dev: NetDevice): number {
  const rcv = peerOf(dev);
  // a dropped frame is priv->dropped (tx_dropped) and NET_XMIT_DROP: not in tx_packets/bytes
  if (!rcv) {
    dev.stats.tx_dropped++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "veth_xmit");
    return NET_XMIT_DROP;
  }
  /* veth_forward_skb() -> __dev_forward_skb() + netif_rx() */
  if (devForwardSkb(rcv, skb) !== 0) {
    dev.stats.tx_dropped++;
    return NET_XMIT_DROP;
  }
  return NETDEV_TX_OK;
}

/**
 * veth_xmit() of a frame of `len` bytes that netif_rx() on the peer would refuse (its backlog
 * is full): counted as that drop is (the peer's rx_dropped, our tx_dropped), no frame needed.
 */
function vethXmitDrops(dev: NetDevice, len: number): boolean {
  const rcv = peerOf(dev);
  if (!rcv || !(rcv.flags & IFF_UP) || !devForwardable(rcv, len) || !netifRxFull(dev.net)) return false;
  netifRxCountDrop(rcv, dev.net);
  dev.stats.tx_dropped++;
  return true;
}

/** veth_xmit() of a copy of `src` that the peer's netif_rx() takes: queued unbuilt */
function vethXmitShared(dev: NetDevice, src: SkBuff): boolean {
  const rcv = peerOf(dev);
  return rcv !== undefined && devForwardShared(rcv, src, dev);
}

/** drivers/net/veth.c: veth_open() */
function vethOpen(dev: NetDevice): KErr | undefined {
  const peer = peerOf(dev);
  if (!peer) return kerr("ENOTCONN");
  if (peer.flags & IFF_UP) {
    netifCarrierOn(dev);
    netifCarrierOn(peer);
  }
  return undefined;
}

/** drivers/net/veth.c: veth_close() */
function vethClose(dev: NetDevice): void {
  const peer = peerOf(dev);
  netifCarrierOff(dev);
  if (peer) netifCarrierOff(peer);
}

/** drivers/net/veth.c: veth_ethtool_ops */
const vethEthtoolOps: EthtoolOps = {
  getLink: ethtoolOpGetLink,
  /** veth_get_link_ksettings() */
  getLinkKsettings: () => ({
    speed: 10000, duplex: 1, port: 0 /* PORT_TP */, phy_address: 0, autoneg: 0, transceiver: 0,
    eth_tp_mdix: 0, supported: [], advertising: [], supported_ports: [],
  }),
  /** veth_get_drvinfo() */
  getDrvinfo: () => ({ driver: DRV_NAME, version: "1.0" }),
  getTsInfo: ethtoolOpGetTsInfo,
  /** veth_get_channels(): the allocated queues (the possible CPUs of the recording machine, 2)
   * are the maximums, the real ones in use the counts */
  getChannels: (dev) => ({
    max_rx: dev.numRxQueues, max_tx: dev.numTxQueues, max_other: 0, max_combined: 0,
    rx_count: realRx(dev), tx_count: realTx(dev), other_count: 0, combined_count: 0,
  }),
  setChannels: vethSetChannels,
  /** veth_get_strings() + veth_get_ethtool_stats(): per real rx queue, then per real tx queue
   * (the XDP counters: nothing runs XDP here) */
  getStats: (dev) => {
    const out: [string, number][] = [["peer_ifindex", peerOf(dev)?.ifindex ?? 0]];
    for (let i = 0; i < realRx(dev); i++) {
      for (const d of VETH_RQ_STATS_DESC) out.push([`rx_queue_${i}_${d}`, 0]);
    }
    for (let i = 0; i < realTx(dev); i++) {
      for (const d of VETH_TQ_STATS_DESC) out.push([`tx_queue_${i}_${d}`, 0]);
    }
    return out;
  },
};

/** drivers/net/veth.c: veth_rq_stats_desc[], veth_tq_stats_desc[] */
const VETH_RQ_STATS_DESC = ["xdp_packets", "xdp_bytes", "drops", "xdp_redirect", "xdp_drops", "xdp_tx", "xdp_tx_errors"];
const VETH_TQ_STATS_DESC = ["xdp_xmit", "xdp_xmit_errors"];

function realRx(dev: NetDevice): number {
  return dev.realNumRxQueues ?? dev.numRxQueues;
}

function realTx(dev: NetDevice): number {
  return dev.realNumTxQueues ?? dev.numTxQueues;
}

/**
 * drivers/net/veth.c: veth_set_channels() (the upper bounds are ethnl_set_channels()'s). A
 * running device has its carrier, and its peer's, taken off and put back on around the change
 * — back on even when the peer is down. No XDP program runs, so nothing else can refuse it.
 */
function vethSetChannels(dev: NetDevice, ch: EthtoolChannels): KErr | undefined {
  /* sanity check. Upper bounds are already enforced by the caller */
  if (!ch.rx_count || !ch.tx_count) return kerr("EINVAL");
  const peer = peerOf(dev);
  const running = dev.isUp();
  if (running) {
    netifCarrierOff(dev);
    if (peer) netifCarrierOff(peer);
  }
  dev.realNumRxQueues = ch.rx_count;
  dev.realNumTxQueues = ch.tx_count;
  if (running) {
    netifCarrierOn(dev);
    if (peer) netifCarrierOn(peer);
  }
  return undefined;
}

/** drivers/net/veth.c: veth_init_queues() — one real queue each unless the request sized them
 * (the device's own request decides for the peer too) */
function vethInitQueues(dev: NetDevice, tb: IflaAttrs): void {
  if (tb.IFLA_NUM_TX_QUEUES === undefined && dev.numTxQueues > 1) dev.realNumTxQueues = 1;
  if (tb.IFLA_NUM_RX_QUEUES === undefined && dev.numRxQueues > 1) dev.realNumRxQueues = 1;
}

const vethNetdevOps = {
  open: vethOpen,
  stop: vethClose,
  startXmit: vethXmit,
  xmitDrops: vethXmitDrops,
  xmitShared: vethXmitShared,
  /** veth_get_iflink() */
  getIflink: (dev: NetDevice) => peerOf(dev)?.ifindex ?? 0,
  /** veth_get_link_net() */
  getLinkNet: (dev: NetDevice): Net => peerOf(dev)?.net ?? dev.net,
  setMacAddress: ethMacAddr,
  changeMtu: (dev: NetDevice, mtu: number) => {
    dev.mtu = mtu;
    return undefined;
  },
};

setEthtoolOps(vethNetdevOps, vethEthtoolOps);

/** drivers/net/veth.c: veth_setup() (+ ether_setup) with eth_hw_addr_random() unless given */
function vethSetup(name: string, net: Net, attrs: IflaAttrs): NetDevice {
  let addr: Uint8Array;
  let assign = NET_ADDR_RANDOM;
  if (attrs.IFLA_ADDRESS) {
    addr = attrs.IFLA_ADDRESS.slice(0, 6);
    assign = 3;
  } else {
    addr = net.host.world.randomMac(net.host, net.name, name);
    /* in lab mode the kernel's runner passes `address MAC` to ip link add */
    if (net.host.world.labMode && name !== `${DRV_NAME}%d`) assign = 3;
  }
  const dev = new NetDevice(name, ARPHRD_ETHER, IFF_BROADCAST | IFF_MULTICAST, vethNetdevOps,
    addr, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
  dev.addrAssignType = assign;
  dev.privFlags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;
  dev.mtu = 1500;
  dev.minMtu = ETH_MIN_MTU;
  dev.maxMtu = ETH_MAX_MTU;
  dev.txQueueLen = 1000;
  dev.numTxQueues = VETH_NUM_QUEUES;
  dev.numRxQueues = VETH_NUM_QUEUES;
  setPeer(dev, undefined);
  dev.linkOps = vethLinkOps;
  return dev;
}

/** drivers/net/veth.c: is_valid_veth_mtu() */
function isValidVethMtu(mtu: number): boolean {
  return mtu >= ETH_MIN_MTU && mtu <= ETH_MAX_MTU;
}

/** drivers/net/veth.c: veth_validate() */
function vethValidate(tb: IflaAttrs): KErr | undefined {
  const ae = validateEtherAddrAttr(tb.IFLA_ADDRESS);
  if (ae) return ae;
  if (tb.IFLA_MTU !== undefined && !isValidVethMtu(tb.IFLA_MTU)) return kerr("EINVAL");
  return undefined;
}

/** VETH_INFO_PEER of a request: the peer's ifinfomsg and attributes (`peer NAME …`) */
function vethPeerRequest(data: NewlinkParams["data"]): { ifi: IfInfoMsg; attrs: IflaAttrs } | undefined {
  return data?.IFLA_VETH_PEER as { ifi: IfInfoMsg; attrs: IflaAttrs } | undefined;
}

/** drivers/net/veth.c: veth_newlink() */
function vethNewlink(dev: NetDevice, p: NewlinkParams): KErr | undefined {
  const peerReq = vethPeerRequest(p.data);
  /* without "peer …" the peer is made from the same attributes as the device */
  const tbp: IflaAttrs = peerReq ? peerReq.attrs : p.attrs;
  const ifmp = peerReq?.ifi;
  /* (the peer's attributes were checked against ifla_policy — a name iproute2 passed on
   * unchecked, longer than IFNAMSIZ - 1 — and by veth_validate() in rtnl_get_peer_net()) */
  /* the peer's namespace: rtnl_link_get_net(src_net, tbp) */
  const pn = rtnlLinkGetNet(p.srcNet, tbp);
  if (isKErr(pn)) return pn;
  const peerNet: Net = pn ?? p.srcNet;
  const ifname = (ifmp && tbp.IFLA_IFNAME) || `${DRV_NAME}%d`;
  /* eth_hw_addr_random(peer) unless "peer … address" gave one */
  const peerAttrs: IflaAttrs = { ...tbp };
  if (!ifmp) delete peerAttrs.IFLA_ADDRESS;
  const pp: NewlinkParams = { srcNet: p.srcNet, net: peerNet, linkNet: undefined, ifi: ifmp ?? p.ifi, attrs: peerAttrs, data: undefined };
  const peer = rtnlCreateLink(peerNet, ifname, vethLinkOps, pp);
  if (isKErr(peer)) return peer;
  if (ifmp && ifmp.index) peer.ifindex = ifmp.index;
  let err = registerNetdevice(peerNet, peer);
  if (err) return err;
  netifCarrierOff(peer);
  if (ifmp) {
    err = rtnlConfigureLink(peer, ifmp);
    if (err) {
      unregisterNetdevice(peer);
      return err;
    }
  }
  /* register dev last: the peer takes the name and index checks first */
  err = registerNetdevice(p.net, dev);
  if (err) {
    unregisterNetdevice(peer);
    return err;
  }
  netifCarrierOff(dev);
  vethInitQueues(dev, p.attrs);
  vethInitQueues(peer, p.attrs);
  /* tie the two together */
  setPeer(dev, peer);
  setPeer(peer, dev);
  return undefined;
}

/** drivers/net/veth.c: veth_dellink() */
function vethDellink(dev: NetDevice): void {
  const peer = peerOf(dev);
  /* Note : dellink() is called from default_device_exit_batch(), before a rcu_synchronize() point. */
  unregisterNetdevice(dev);
  setPeer(dev, undefined);
  if (peer) {
    setPeer(peer, undefined);
    unregisterNetdevice(peer);
  }
}

export const vethLinkOps: RtnlLinkKind = {
  kind: DRV_NAME,
  alloc: (name, net, p) => vethSetup(name, net, p.attrs),
  validate: (p) => vethValidate(p.attrs),
  peer: vethPeerRequest,
  newlink: vethNewlink,
  dellink: vethDellink,
};

/** link two fresh ends (a lab cable between two hosts): both DOWN, carrier off */
export function vethCreatePair(aNet: Net, aName: string, bNet: Net, bName: string): KErr | undefined {
  const a = vethSetup(aName, aNet, {});
  const b = vethSetup(bName, bNet, {});
  let err = registerNetdevice(bNet, b);
  if (err) return err;
  netifCarrierOff(b);
  err = registerNetdevice(aNet, a);
  if (err) {
    unregisterNetdevice(b);
    return err;
  }
  netifCarrierOff(a);
  vethInitQueues(a, {});
  vethInitQueues(b, {});
  setPeer(a, b);
  setPeer(b, a);
  /* labtool makes a cable with `ip link add A netns PID_A type veth peer name B netns
   * PID_B`: veth_newlink() configures the peer while its priv->peer is still unset (no link
   * net, no nsid), and only the device's RTM_NEWLINK (rtnl_configure_link()) gives A's
   * namespace an nsid for B's. B allocates one for A when something first fills a message
   * about B (a dump, a flag change) — so a host at the B end of several cables numbers them
   * in that order, not in cable order */
  rtmsgIfinfo("RTM_NEWLINK", a);
  return undefined;
}

let done = false;

/** drivers/net/veth.c: veth_init() */
export function vethInit(): void {
  if (done) return;
  done = true;
  rtnlLinkRegister(vethLinkOps);
}
