/**
 * drivers/net/tun.c: tun (layer 3, ARPHRD_NONE) and tap (Ethernet) devices owned by a file of
 * /dev/net/tun. No process reads or writes the file here, so what is modelled is the device
 * life cycle that `ip tuntap` drives: TUNSETIFF (create or attach), TUNSETOWNER/GROUP,
 * TUNSETPERSIST, and the close of the file (the carrier goes off; a device that is not
 * persistent goes away). Frames sent on a device nobody reads are dropped.
 *
 * The ioctls are requests by name on the caller's namespace: `{request: "TUNSETIFF", ifname,
 * flags}` answers `{ifname, file}`; the others take that `file` handle; `TUNCLOSE` is close(2).
 */
import { NetDevice, IFF_LIVE_ADDR_CHANGE, NET_ADDR_RANDOM, NET_ADDR_SET } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import type { InfoData } from "../uapi/rtnetlink.ts";
import { IFF_BROADCAST, IFF_MULTICAST, IFF_NOARP, IFF_POINTOPOINT, ARPHRD_ETHER, ARPHRD_NONE } from "../uapi/if.ts";
import {
  registerNetdevice, unregisterNetdevice, devGetByName, devValidName, ethMacAddr, netifCarrierOn, netifCarrierOff,
} from "../core/dev.ts";
import { rtnlLinkRegister, type RtnlLinkKind } from "../core/rtnetlink.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { registerIoctl, setEthtoolOps, ethtoolOpGetTsInfo, ETHTOOL_COALESCE_RX_MAX_FRAMES, type EthtoolOps } from "../core/dev_ioctl.ts";
import { fsFile, registerSysfsNode } from "../core/sysfs.ts";
import { registerKernelModule, requestModule } from "./kmod.ts";

export const IFF_TUN = 0x0001;
export const IFF_TAP = 0x0002;
export const IFF_NAPI = 0x0010;
export const IFF_NAPI_FRAGS = 0x0020;
export const IFF_NO_CARRIER = 0x0040;
export const IFF_MULTI_QUEUE = 0x0100;
/** drivers/net/tun.c: MAX_TAP_QUEUES */
const MAX_TAP_QUEUES = 256;
export const IFF_PERSIST = 0x0800;
export const IFF_NO_PI = 0x1000;
export const IFF_ONE_QUEUE = 0x2000;
export const IFF_VNET_HDR = 0x4000;
export const IFF_TUN_EXCL = 0x8000;
const TUN_TYPE_MASK = 0x000f;
const TUN_FEATURES = IFF_NO_PI | IFF_ONE_QUEUE | IFF_VNET_HDR | IFF_MULTI_QUEUE | IFF_NAPI | IFF_NAPI_FRAGS | IFF_NO_CARRIER;
const TUN_READQ_SIZE = 500;
const MIN_MTU = 68;
const MAX_MTU = 65535;
const INVALID_ID = -1;

/** struct tun_struct */
interface TunStruct {
  dev: NetDevice;
  flags: number;
  owner: number;
  group: number;
  /** attached files (tun->numqueues) */
  files: Set<number>;
  /** tun->link_ksettings (tun_default_link_ksettings(): 10000 Mb/s, full duplex, twisted pair,
   * no autonegotiation) and tun->msg_enable */
  ksettings?: { speed: number; duplex: number; port: number; phy_address: number; autoneg: number; transceiver: number; eth_tp_mdix_ctrl: number };
  msgEnable?: number;
  /** tun->rx_batched (ethtool -C rx-frames) */
  rxBatched?: number;
}

/** include/linux/netdevice.h: NAPI_POLL_WEIGHT */
const NAPI_POLL_WEIGHT = 64;

function tunKsettings(dev: NetDevice): NonNullable<TunStruct["ksettings"]> {
  const t = dev.priv as TunStruct;
  return (t.ksettings ??= { speed: 10000, duplex: 1, port: 0, phy_address: 0, autoneg: 0, transceiver: 0, eth_tp_mdix_ctrl: 0 });
}

/** drivers/net/tun.c: tun_ethtool_ops (get/set_link_ksettings keep what they are given) */
function tunEthtoolOps(busInfo: string): EthtoolOps {
  return {
    getLink: (d) => (d.carrier ? 1 : 0),
    getDrvinfo: () => ({ driver: "tun", version: "1.6", bus_info: busInfo }),
    getLinkKsettings: (d) => {
      const k = tunKsettings(d);
      return {
        speed: k.speed, duplex: k.duplex, port: k.port, phy_address: k.phy_address, autoneg: k.autoneg,
        transceiver: k.transceiver, eth_tp_mdix: 0, eth_tp_mdix_ctrl: k.eth_tp_mdix_ctrl,
        supported: [], advertising: [], supported_ports: [],
      };
    },
    /** ethnl_set_linkinfo()/ethnl_set_linkmodes() update a copy of the settings, then
     * tun_set_link_ksettings() stores it */
    setLinkKsettings: (d, a) => {
      const k = tunKsettings(d);
      const n = (key: string): number | undefined => (typeof a[key] === "number" ? (a[key] as number) : undefined);
      k.speed = n("speed") ?? k.speed;
      k.duplex = n("duplex") ?? k.duplex;
      k.autoneg = n("autoneg") ?? k.autoneg;
      k.port = n("port") ?? k.port;
      k.phy_address = n("phyad") ?? k.phy_address;
      k.eth_tp_mdix_ctrl = n("mdix") ?? k.eth_tp_mdix_ctrl;
      return undefined;
    },
    getTsInfo: ethtoolOpGetTsInfo,
    /** tun_get_channels(): one combined channel per attached file */
    getChannels: (d) => {
      const t = d.priv as TunStruct;
      return {
        max_rx: 0, max_tx: 0, max_other: 0, max_combined: t.flags & IFF_MULTI_QUEUE ? MAX_TAP_QUEUES : 1,
        rx_count: 0, tx_count: 0, other_count: 0, combined_count: t.files.size,
      };
    },
    /** tun_get_coalesce() / tun_set_coalesce(): rx-frames is tun->rx_batched (at most
     * NAPI_POLL_WEIGHT), the only parameter it supports */
    supportedCoalesceParams: ETHTOOL_COALESCE_RX_MAX_FRAMES,
    getCoalesce: (d) => ({ "rx-frames": (d.priv as TunStruct).rxBatched ?? 0 }),
    setCoalesce: (d, c) => {
      (d.priv as TunStruct).rxBatched = Math.min(c["rx-frames"] ?? 0, NAPI_POLL_WEIGHT);
      return undefined;
    },
    getMsglevel: (d) => (d.priv as TunStruct).msgEnable ?? 0,
    setMsglevel: (d, a) => {
      if (typeof a["msglvl"] === "number") (d.priv as TunStruct).msgEnable = a["msglvl"];
      return undefined;
    },
  };
}

function tunOf(dev: NetDevice): TunStruct | undefined {
  return dev.linkOps === tunLinkOps ? (dev.priv as TunStruct) : undefined;
}

/** drivers/net/tun.c: tun_net_xmit(): nobody reads the queue */
function tunNetXmit(skb: SkBuff, dev: NetDevice): number {
  dev.stats.tx_dropped++;
  kfreeSkbReason(skb, "SKB_DROP_REASON_DEV_READY", "tun_net_xmit");
  return 1;
}

const tunNetdevOps = {
  startXmit: tunNetXmit,
  changeMtu: (dev: NetDevice, mtu: number): KErr | undefined => {
    dev.mtu = mtu;
    return undefined;
  },
};
const tapNetdevOps = {
  startXmit: tunNetXmit,
  setMacAddress: ethMacAddr,
  changeMtu: (dev: NetDevice, mtu: number): KErr | undefined => {
    dev.mtu = mtu;
    return undefined;
  },
};
/** drivers/net/tun.c: tun_get_drvinfo() names the bus by the mode */
setEthtoolOps(tunNetdevOps, tunEthtoolOps("tun"));
setEthtoolOps(tapNetdevOps, tunEthtoolOps("tap"));

/** drivers/net/tun.c: tun_flags() as sysfs and TUNGETIFF show them */
function tunFlags(t: TunStruct): number {
  return t.flags & (TUN_FEATURES | IFF_PERSIST | IFF_TUN | IFF_TAP);
}

/** drivers/net/tun.c: tun_setup() + tun_net_init() */
function tunNetInit(name: string, net: Net, flags: number): NetDevice {
  let dev: NetDevice;
  if ((flags & TUN_TYPE_MASK) === IFF_TUN) {
    /* Point-to-Point TUN Device */
    dev = new NetDevice(name, ARPHRD_NONE, IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST, tunNetdevOps, new Uint8Array(0), new Uint8Array(0));
    dev.hardHeaderLen = 0;
    dev.addrLen = 0;
    dev.txQueueLen = TUN_READQ_SIZE;
  } else {
    /* Ethernet TAP Device */
    const addr = net.host.world.randomMac(net.host, net.name, name);
    dev = new NetDevice(name, ARPHRD_ETHER, IFF_BROADCAST | IFF_MULTICAST, tapNetdevOps, addr, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    dev.privFlags |= IFF_LIVE_ADDR_CHANGE;
    dev.addrAssignType = net.host.world.labMode ? NET_ADDR_SET : NET_ADDR_RANDOM;
    dev.txQueueLen = 1000;
  }
  // tun_set_iff(): alloc_netdev_mqs() with MAX_TAP_QUEUES for a multiqueue device; the real
  // counts follow the attached queues (tun_set_real_num_queues(): one, never below)
  if (flags & IFF_MULTI_QUEUE) {
    dev.numTxQueues = dev.numRxQueues = MAX_TAP_QUEUES;
    dev.realNumTxQueues = dev.realNumRxQueues = 1;
  }
  dev.mtu = 1500;
  dev.minMtu = MIN_MTU;
  dev.maxMtu = MAX_MTU - dev.hardHeaderLen;
  dev.tsoMaxSize = 65536;
  dev.net = net;
  dev.linkOps = tunLinkOps;
  dev.priv = { dev, flags: 0, owner: INVALID_ID, group: INVALID_ID, files: new Set() } satisfies TunStruct;
  return dev;
}

/** the open files of /dev/net/tun: file id -> the device it is attached to */
const files = new Map<number, NetDevice | undefined>();
let nextFile = 1;

/** drivers/net/tun.c: tun_set_iff() */
function tunSetIff(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  requestModule(net, "tun");
  const flags = typeof req.flags === "number" ? req.flags : 0;
  const name = typeof req.ifname === "string" ? req.ifname : "";
  const file = nextFile++;
  const dev = name ? devGetByName(net, name) : undefined;
  if (dev) {
    if (flags & IFF_TUN_EXCL) return kerr("EBUSY");
    const t = tunOf(dev);
    if (!t) return kerr("EINVAL");
    if ((flags & IFF_TUN && dev.ops === tapNetdevOps) || (flags & IFF_TAP && dev.ops === tunNetdevOps)) return kerr("EINVAL");
    if (!!(flags & IFF_MULTI_QUEUE) !== !!(t.flags & IFF_MULTI_QUEUE)) return kerr("EINVAL");
    if (t.files.size && !(t.flags & IFF_MULTI_QUEUE)) return kerr("EBUSY");
    /* tun_attach() */
    t.files.add(file);
    files.set(file, dev);
    netifCarrierOn(dev);
    t.flags = (t.flags & ~TUN_FEATURES) | (flags & TUN_FEATURES);
    return { ifname: dev.name, file, flags: tunFlags(t) };
  }
  const type = flags & TUN_TYPE_MASK;
  if (type !== IFF_TUN && type !== IFF_TAP) return kerr("EINVAL");
  const pat = name || (type === IFF_TUN ? "tun%d" : "tap%d");
  if (!devValidName(pat)) return kerr("EINVAL");
  const nd = tunNetInit(pat, net, flags);
  const t = tunOf(nd)!;
  t.flags = (t.flags & ~TUN_FEATURES) | (flags & TUN_FEATURES) | type;
  const e = registerNetdevice(net, nd);
  if (e) return e;
  /* tun_attach() */
  t.files.add(file);
  files.set(file, nd);
  netifCarrierOn(nd);
  return { ifname: nd.name, file, flags: tunFlags(t) };
}

function fileDev(req: Record<string, unknown>): TunStruct | KErr {
  const f = typeof req.file === "number" ? req.file : 0;
  const dev = files.get(f);
  if (!dev) return kerr("EBADFD");
  const t = tunOf(dev);
  return t ?? kerr("EBADFD");
}

/** drivers/net/tun.c: __tun_chr_ioctl() for TUNSETPERSIST / TUNSETOWNER / TUNSETGROUP */
function tunChrIoctl(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  void net;
  const t = fileDev(req);
  if (isKErr(t)) return t;
  const arg = typeof req.arg === "number" ? req.arg : 0;
  switch (req.request) {
    case "TUNSETPERSIST":
      if (arg && !(t.flags & IFF_PERSIST)) t.flags |= IFF_PERSIST;
      else if (!arg && t.flags & IFF_PERSIST) t.flags &= ~IFF_PERSIST;
      return {};
    case "TUNSETOWNER":
      t.owner = arg;
      return {};
    case "TUNSETGROUP":
      t.group = arg;
      return {};
  }
  return kerr("EINVAL");
}

/** drivers/net/tun.c: tun_chr_close() -> tun_detach() */
function tunChrClose(_net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const f = typeof req.file === "number" ? req.file : 0;
  const dev = files.get(f);
  files.delete(f);
  if (!dev) return {};
  const t = tunOf(dev);
  if (!t) return {};
  t.files.delete(f);
  if (!t.files.size) {
    netifCarrierOff(dev);
    if (!(t.flags & IFF_PERSIST) && !dev.dismantle) unregisterNetdevice(dev);
  }
  return {};
}

/** drivers/net/tun.c: tun_fill_info() */
function tunFillInfo(dev: NetDevice): InfoData {
  const t = tunOf(dev)!;
  const d: InfoData = { IFLA_TUN_TYPE: t.flags & TUN_TYPE_MASK };
  if (t.owner !== INVALID_ID) d["IFLA_TUN_OWNER"] = t.owner;
  if (t.group !== INVALID_ID) d["IFLA_TUN_GROUP"] = t.group;
  d["IFLA_TUN_PI"] = t.flags & IFF_NO_PI ? 0 : 1;
  d["IFLA_TUN_VNET_HDR"] = t.flags & IFF_VNET_HDR ? 1 : 0;
  d["IFLA_TUN_PERSIST"] = t.flags & IFF_PERSIST ? 1 : 0;
  d["IFLA_TUN_MULTI_QUEUE"] = t.flags & IFF_MULTI_QUEUE ? 1 : 0;
  if (t.flags & IFF_MULTI_QUEUE) {
    d["IFLA_TUN_NUM_QUEUES"] = t.files.size;
    d["IFLA_TUN_NUM_DISABLED_QUEUES"] = 0;
  }
  return d;
}

export const tunLinkOps: RtnlLinkKind = {
  kind: "tun",
  alloc: (name, net) => tunNetInit(name, net, IFF_TUN),
  /** tun_validate() */
  validate: () => kerr("EOPNOTSUPP", "tun/tap creation via rtnetlink is not supported."),
  newlink: () => kerr("EOPNOTSUPP"),
  dellink: (dev) => {
    for (const f of tunOf(dev)?.files ?? []) files.delete(f);
    unregisterNetdevice(dev);
  },
  fillInfo: tunFillInfo,
};

let done = false;

/** drivers/net/tun.c: tun_init() */
export function tunInit(): void {
  if (done) return;
  done = true;
  rtnlLinkRegister(tunLinkOps);
  registerKernelModule({ name: "tun", size: 69632, deps: [], aliases: ["char-major-10-200", "devname:net/tun", "rtnl-link-tun"] });
  registerIoctl("TUNSETIFF", tunSetIff);
  for (const r of ["TUNSETPERSIST", "TUNSETOWNER", "TUNSETGROUP"]) registerIoctl(r, tunChrIoctl);
  registerIoctl("TUNCLOSE", tunChrClose);
  /* drivers/net/tun.c: tun_attr_group (tun_flags, owner, group) */
  registerSysfsNode("tun_flags", (dev) => {
    const t = tunOf(dev);
    return t ? fsFile(0o444, () => `0x${tunFlags(t).toString(16)}\n`) : undefined;
  });
  registerSysfsNode("owner", (dev) => {
    const t = tunOf(dev);
    return t ? fsFile(0o444, () => `${t.owner}\n`) : undefined;
  });
  registerSysfsNode("group", (dev) => {
    const t = tunOf(dev);
    return t ? fsFile(0o444, () => `${t.group}\n`) : undefined;
  });
}
