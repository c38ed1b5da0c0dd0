/**
 * include/linux/netdevice.h: struct net_device and its ops, reduced to what the emulator uses.
 * Behaviour lives in dev.ts (open/close/flags/carrier/promiscuity/xmit/receive), the drivers
 * (drivers/*.ts) and the protocol layers; this file is the data.
 */
import type { LinkStats64, InfoData, LinkXstats, IflaAttrs } from "../uapi/rtnetlink.ts";
import type { KErr } from "../uapi/errno.ts";
import type { SkBuff } from "./skbuff.ts";
import type { HwAddr } from "./dev_addr_lists.ts";
import type { Net } from "./net_namespace.ts";

/** netdev_tx_t */
export const NETDEV_TX_OK = 0;
export const NETDEV_TX_BUSY = 0x10;

/** rx_handler_result_t */
export const RX_HANDLER_CONSUMED = 0;
export const RX_HANDLER_ANOTHER = 1;
export const RX_HANDLER_EXACT = 2;
export const RX_HANDLER_PASS = 3;

/** how dev_addr was set (NET_ADDR_*) */
export const NET_ADDR_PERM = 0;
export const NET_ADDR_RANDOM = 1;
export const NET_ADDR_STOLEN = 2;
export const NET_ADDR_SET = 3;

/** priv_flags (IFF_* in netdevice.h, not the uapi ones) */
export const IFF_EBRIDGE = 1 << 1;
export const IFF_BRIDGE_PORT = 1 << 2;
export const IFF_OVS_DATAPATH = 1 << 3;
export const IFF_TX_SKB_SHARING = 1 << 4;
export const IFF_UNICAST_FLT = 1 << 5;
export const IFF_NO_QUEUE = 1 << 21;
export const IFF_LIVE_ADDR_CHANGE = 1 << 15;
export const IFF_OPENVSWITCH = 1 << 20;
export const IFF_L3MDEV_MASTER = 1 << 17;
/** emulator-internal: the driver counts its own TX packets and bytes (as every Linux driver
 * does; devQueueXmit counts them for the drivers that do not) */
export const IFF_DRIVER_TX_STATS = 1 << 30;
/** emulator-internal: the driver counts its own RX packets and bytes (netif_receive_skb does
 * for the drivers that do not) */
export const IFF_DRIVER_RX_STATS = 1 << 29;

export type RxHandler = (skb: SkBuff) => number; // RX_HANDLER_*; may replace skb.dev

export interface NetDeviceOps {
  /** ndo_open: called by dev_open after IFF_UP is set (return an error to refuse) */
  open?(dev: NetDevice): KErr | undefined;
  /** ndo_stop */
  stop?(dev: NetDevice): void;
  /** ndo_start_xmit: the frame starts at skb.data with its link-layer header */
  startXmit(skb: SkBuff, dev: NetDevice): number;
  /**
   * what startXmit() would do with any frame of `len` bytes right now, when that is to drop
   * it (veth: the receiving backlog is full): count the drop and return true; else false and
   * the caller sends the frame. Lets a flood skip building copies that cannot get through.
   */
  xmitDrops?(dev: NetDevice, len: number): boolean;
  /**
   * what startXmit() would do with a copy of `src` (at its network header, the Ethernet
   * header in front), when that is to queue it on a backlog as it stands (veth: the peer takes
   * it): queue it unbuilt (devForwardShared()) and return true; else false, nothing done.
   */
  xmitShared?(dev: NetDevice, src: SkBuff): boolean;
  /** ndo_get_iflink: the ifindex shown as @ifN / IFLA_LINK (veth peer) */
  getIflink?(dev: NetDevice): number;
  /** rtnl_link_ops->get_link_net: the netns of the link (veth peer's netns) */
  getLinkNet?(dev: NetDevice): Net | undefined;
  /** ndo_change_mtu */
  changeMtu?(dev: NetDevice, mtu: number): KErr | undefined;
  /** ndo_set_mac_address */
  setMacAddress?(dev: NetDevice, addr: Uint8Array): KErr | undefined;
  /** ndo_change_rx_flags (promiscuity/allmulti changed) */
  changeRxFlags?(dev: NetDevice, change: number): void;
  /** ndo_uninit: the device is going away (dev.ts calls it from unregister) */
  uninit?(dev: NetDevice): void;
  /** ndo_get_stats64 extras */
  ethtoolStats?(dev: NetDevice): [string, number][];
  /** ndo_add_slave / ndo_del_slave (a master device: bridge, bond) */
  addSlave?(dev: NetDevice, slave: NetDevice): KErr | undefined;
  delSlave?(dev: NetDevice, slave: NetDevice): KErr | undefined;
}

/** struct rtnl_link_ops: what `ip link add type KIND` creates and how it reports itself */
export interface RtnlLinkOps {
  kind: string;
  /** fill IFLA_INFO_DATA */
  fillInfo?(dev: NetDevice): InfoData | undefined;
  /** fill IFLA_INFO_SLAVE_DATA for a port of this master */
  fillSlaveInfo?(dev: NetDevice, slave: NetDevice): InfoData | undefined;
  slaveKind?: string;
  /** changelink */
  changelink?(dev: NetDevice, data: InfoData, attrs?: IflaAttrs): KErr | undefined;
  changeSlave?(dev: NetDevice, slave: NetDevice, data: InfoData): KErr | undefined;
  /** dellink (veth deletes its peer too) */
  dellink?(dev: NetDevice): void;
  /** fill_linkxstats: the kind's extended statistics of `dev` (attr IFLA_STATS_LINK_XSTATS)
   * or of a port of it (IFLA_STATS_LINK_XSTATS_SLAVE) */
  fillLinkxstats?(dev: NetDevice, attr: number): LinkXstats | undefined;
}

/** include/linux/netdevice.h: sysctl_dev_name_is_allowed() — a device may not take the name of
 * the "all" or "default" sysctl directories (devinet and addrconf refuse to register it) */
export function sysctlDevNameIsAllowed(name: string): boolean {
  return name !== "default" && name !== "all";
}

export function emptyStats(): LinkStats64 {
  return {
    rx_packets: 0, tx_packets: 0, rx_bytes: 0, tx_bytes: 0, rx_errors: 0, tx_errors: 0,
    rx_dropped: 0, tx_dropped: 0, multicast: 0, collisions: 0, rx_length_errors: 0,
    rx_over_errors: 0, rx_crc_errors: 0, rx_frame_errors: 0, rx_fifo_errors: 0,
    rx_missed_errors: 0, tx_aborted_errors: 0, tx_carrier_errors: 0, tx_fifo_errors: 0,
    tx_heartbeat_errors: 0, tx_window_errors: 0, rx_compressed: 0, tx_compressed: 0, rx_nohandler: 0,
  };
}

/** a copy of the device's counters (dev_get_stats()), for a message: the fields of
 * emptyStats() in its order, read by name (a loop over the key list reads each through a
 * keyed load, and every RTM_GETLINK answer carries one) */
export function devStats64(dev: NetDevice): LinkStats64 {
  return {
    rx_packets: dev.rx_packets, tx_packets: dev.tx_packets, rx_bytes: dev.rx_bytes, tx_bytes: dev.tx_bytes,
    rx_errors: dev.rx_errors, tx_errors: dev.tx_errors, rx_dropped: dev.rx_dropped, tx_dropped: dev.tx_dropped,
    multicast: dev.multicast, collisions: dev.collisions, rx_length_errors: dev.rx_length_errors,
    rx_over_errors: dev.rx_over_errors, rx_crc_errors: dev.rx_crc_errors, rx_frame_errors: dev.rx_frame_errors,
    rx_fifo_errors: dev.rx_fifo_errors, rx_missed_errors: dev.rx_missed_errors,
    tx_aborted_errors: dev.tx_aborted_errors, tx_carrier_errors: dev.tx_carrier_errors,
    tx_fifo_errors: dev.tx_fifo_errors, tx_heartbeat_errors: dev.tx_heartbeat_errors,
    tx_window_errors: dev.tx_window_errors, rx_compressed: dev.rx_compressed, tx_compressed: dev.tx_compressed,
    rx_nohandler: dev.rx_nohandler,
  };
}

export class NetDevice implements LinkStats64 {
  // the fields a frame's way through a device reads come first, in the order a flood through a
  // bridge of a thousand veths reads them (its cost is the cache lines it fetches: three
  // objects per port, and a copy the full backlog drops reads only the first few fields of
  // each): what a dropped copy reads of its receiver (flags, mtu, header length) and counts
  // there; then of its sender (namespace, ops, peer, qdisc) and counts there; what a sent copy
  // counts; what a received copy reads (IPv6's summary) and counts
  /** IFF_* as the device has them (UP, BROADCAST, MULTICAST, LOOPBACK, NOARP, POINTOPOINT,
   * PROMISC and ALLMULTI when the counters are non-zero); RUNNING/LOWER_UP/DORMANT are
   * derived in dev_get_flags() from carrier and operstate */
  flags: number;
  mtu = 1500;
  hardHeaderLen = 14;
  // struct rtnl_link_stats64, in the device itself (`stats` is the device): the counters every
  // frame moves next to the fields it reads, not an object of their own to reach; the rest
  // at the end
  rx_dropped = 0;
  net!: Net;
  ops: NetDeviceOps;
  /** driver-private state (netdev_priv) */
  priv: unknown;
  /** txq->qdisc is the root qdisc (dev_activate() with carrier), not noop_qdisc (core/dev.ts) */
  txActive = false;
  tx_dropped = 0;
  privFlags = 0;
  tx_packets = 0;
  tx_bytes = 0;
  /** the device is being unregistered */
  dismantle = false;
  rxHandler: RxHandler | undefined;
  /** IPv6 per-device state (struct inet6_dev *) */
  ip6Ptr: unknown;
  /** what ipv6_rcv() reads of ip6Ptr for every frame, kept on the device (ipv6/addrconf.ts,
   * mcast.ts): a thousand-port flood then reads one object per receiver, not two. The
   * inet6_dev's disable_ipv6, a bit per group it joined (mcast.ts tailBit()) */
  ip6Disabled = 0;
  ip6McBits = 0;
  /** the packets (and their bytes) ipv6_rcv() dropped as to a group not joined here, counted
   * on the device until its namespace's IPv6 MIB is read or it leaves the namespace
   * (ipv6/proc.ts ipv6MibFoldDev(), as Linux sums its per-CPU MIBs on read): a flood's copy
   * then counts where it is read, not in one more object per receiver */
  ip6McDropPkts = 0;
  ip6McDropOctets = 0;
  rx_packets = 0;
  rx_bytes = 0;
  name: string;
  ifindex = 0;
  /** ARPHRD_* */
  type: number;
  devAddr: Uint8Array;
  rxHandlerData: unknown;
  /** IPv4 per-device state (struct in_device *), set by devinet when registered */
  ipPtr: unknown;
  /** bridge port state when enslaved to a bridge (struct net_bridge_port *) */
  brPort: unknown;
  /** the master (bridge) this device is enslaved to */
  master: NetDevice | undefined;
  /** flags the user set (dev->gflags: IFF_PROMISC/IFF_ALLMULTI via SIOCSIFFLAGS) */
  gflags = 0;
  promiscuity = 0;
  allmulti = 0;
  /** netif_carrier_ok() */
  carrier = true;
  dormant = false;
  /** IF_OPER_* */
  operstate = 0;
  linkmode = 0;
  minMtu = 68;
  maxMtu = 65535;
  addrLen = 6;
  broadcast: Uint8Array;
  permAddr: Uint8Array | undefined;
  addrAssignType = NET_ADDR_PERM;
  txQueueLen = 1000;
  /** the root qdisc's kind as `ip link` shows it: "noop" until the device is first opened */
  qdisc = "noop";
  group = 0;
  numTxQueues = 1;
  numRxQueues = 1;
  /** real_num_tx_queues / real_num_rx_queues where they are fewer than the allocated (the
   * queues /sys lists) */
  realNumTxQueues: number | undefined;
  realNumRxQueues: number | undefined;
  gsoMaxSize = 65536;
  gsoMaxSegs = 65535;
  tsoMaxSize = 524280;
  tsoMaxSegs = 65535;
  groMaxSize = 65536;
  gsoIpv4MaxSize = 65536;
  groIpv4MaxSize = 65536;
  /** the alternative names (netdev_name_node list past the first), in the order added */
  altnames: string[] | undefined = undefined;
  ifalias: string | undefined;
  carrierUpCount = 0;
  carrierDownCount = 0;
  linkOps: RtnlLinkOps | undefined;
  rx_errors = 0;
  tx_errors = 0;
  multicast = 0;
  collisions = 0;
  rx_length_errors = 0;
  rx_over_errors = 0;
  rx_crc_errors = 0;
  rx_frame_errors = 0;
  rx_fifo_errors = 0;
  rx_missed_errors = 0;
  tx_aborted_errors = 0;
  tx_carrier_errors = 0;
  tx_fifo_errors = 0;
  tx_heartbeat_errors = 0;
  tx_window_errors = 0;
  rx_compressed = 0;
  tx_compressed = 0;
  rx_nohandler = 0;
  /** dev.ts's state of the device (reg_state, the adjacency lists): on the device, as
   * struct net_device has it, where a WeakMap beside it was a probe into a table of every
   * device of the world (and an ephemeron for the collector) for each registration */
  core: unknown = undefined;
  /** ipv6/ndisc.ts: the inet6_dev as last seen (addrconf clears ip6Ptr before ndisc's
   * NETDEV_UNREGISTER step): a field, not a side table of every device */
  ip6Last: unknown = undefined;
  /** dev->uc, dev->mc: the hardware address lists (core/dev_addr_lists.ts, made on first use)
   * and dev->uc_promisc; declared, so that every device keeps the class's shape (a field
   * added later gives the object a map of its own, and every site that reads devices then
   * sees two) */
  uc: HwAddr[] | undefined = undefined;
  mc: HwAddr[] | undefined = undefined;
  ucPromisc = false;

  constructor(name: string, type: number, flags: number, ops: NetDeviceOps, addr: Uint8Array, broadcast: Uint8Array) {
    this.name = name;
    this.type = type;
    this.flags = flags;
    this.ops = ops;
    this.devAddr = addr;
    this.broadcast = broadcast;
  }

  /** dev->stats: the device's counters (kept in it) */
  get stats(): LinkStats64 {
    return this;
  }

  isUp(): boolean {
    return (this.flags & 0x1) !== 0;
  }
}
