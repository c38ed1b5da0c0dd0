/**
 * net/8021q (vlan.c, vlan_dev.c, vlan_netlink.c, vlan_core.c, vlanproc.c): 802.1Q VLAN
 * devices on an Ethernet device. `ip link add link eth0 name eth0.10 type vlan id 10`.
 * Transmit tags the frame (the tag goes into the bytes, as validate_xmit_vlan() does for a
 * device without VLAN offload) and sends it on the real device; receive (the ETH_P_8021Q
 * handler here, skb_vlan_untag() + vlan_do_receive() in Linux) strips the tag and hands the
 * frame to the VLAN device for another round. The VLANs follow their real device: down with
 * it, up with it, deleted with it. /proc/net/vlan/config lists them.
 *
 * Not modelled: QoS maps applied to priorities, GVRP/MVRP, /proc/net/vlan/<dev>.
 */
import { NetDevice, NETDEV_TX_OK, IFF_NO_QUEUE, IFF_LIVE_ADDR_CHANGE, NET_ADDR_STOLEN } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import type { InfoData } from "../uapi/rtnetlink.ts";
import {
  IFF_UP, IFF_PROMISC, IFF_ALLMULTI, IFF_MASTER, IFF_SLAVE, IFF_LOOPBACK, ETH_P_8021Q, ETH_P_8021AD,
  PACKET_HOST, PACKET_OTHERHOST,
} from "../uapi/if.ts";
import {
  registerNetdevice, unregisterNetdevice, devGetByIndex, isValidEtherAddr, netifCarrierOn, netifCarrierOff,
  devChangeFlags, devGetFlags, devSetMtu, devSetPromiscuity, devSetAllmulti,
} from "../core/dev.ts";
import { devUcAdd, devUcDel } from "../core/dev_addr_lists.ts";
import {
  registerNetdeviceNotifier, NETDEV_UP, NETDEV_DOWN, NETDEV_CHANGE, NETDEV_CHANGEMTU, NETDEV_UNREGISTER,
} from "../core/notifier.ts";
import { rtnlLinkRegister, type RtnlLinkKind, type NewlinkParams } from "../core/rtnetlink.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { devAddProtocol, devQueueXmit, netifReceiveSkb } from "../core/dev_path.ts";
import { ethtoolGetLinkKsettings, setEthtoolOps } from "../core/dev_ioctl.ts";
import { registerProcNetNode } from "../core/procfs.ts";
import { fsDir, fsFile, type FsNode } from "../core/sysfs.ts";
import { readU16, writeU16 } from "../../wire/addr.ts";
import { registerKernelModule, requestModule, moduleLoaded } from "./kmod.ts";

export const VLAN_FLAG_REORDER_HDR = 0x1;
export const VLAN_FLAG_GVRP = 0x2;
export const VLAN_FLAG_LOOSE_BINDING = 0x4;
export const VLAN_FLAG_MVRP = 0x8;
export const VLAN_FLAG_BRIDGE_BINDING = 0x10;
const VLAN_VID_MASK = 0x0fff;
const VLAN_HLEN = 4;
const MOD = "8021q: ";

/** struct vlan_dev_priv */
interface VlanDevPriv {
  dev: NetDevice;
  realDev: NetDevice;
  vlanProto: number;
  vlanId: number;
  flags: number;
  ingressQos: { from: number; to: number }[];
  egressQos: { from: number; to: number }[];
}

function vlanOf(dev: NetDevice): VlanDevPriv {
  return dev.priv as VlanDevPriv;
}

export function isVlanDev(dev: NetDevice): boolean {
  return dev.linkOps === vlanLinkOps;
}

/** real device -> its VLAN devices (struct vlan_info / vlan_group) */
const vlanInfo = new WeakMap<NetDevice, NetDevice[]>();

/** net/8021q/vlan_core.c: vlan_find_dev() */
export function vlanFindDev(realDev: NetDevice, proto: number, vid: number): NetDevice | undefined {
  return vlanInfo.get(realDev)?.find((d) => vlanOf(d).vlanProto === proto && vlanOf(d).vlanId === vid);
}

/** net/8021q/vlan_core.c: vlan_do_receive() after skb_vlan_untag(): the ETH_P_8021Q/8021AD
 * protocol handler; skb.data is at the tag */
function vlanRcv(skb: SkBuff, dev: NetDevice, _orig: NetDevice): void {
  const b = skb.buf;
  if (skb.len < VLAN_HLEN) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "skb_vlan_untag");
    return;
  }
  const proto = skb.protocol;
  const tci = readU16(b, skb.data);
  const vid = tci & VLAN_VID_MASK;
  const vlandev = moduleLoaded(dev.net.host, "8021q") ? vlanFindDev(dev, proto, vid) : undefined;
  /* skb_vlan_untag(): pull the tag, move the MAC addresses up to it */
  const encap = readU16(b, skb.data + 2);
  const mac = skb.macHeader;
  b.copyWithin(mac + VLAN_HLEN, mac, mac + 12);
  skb.macHeader = mac + VLAN_HLEN;
  skb.data += VLAN_HLEN;
  skb.protocol = encap;
  writeU16(b, skb.macHeader + 12, encap);
  skb.vlanPresent = false;
  skb.vlanTci = 0;
  if (!vlandev) {
    if (vid) {
      /* Vlan id is non 0 and vlan_do_receive() above couldn't find vlan device */
      skb.pktType = PACKET_OTHERHOST;
      kfreeSkbReason(skb, "SKB_DROP_REASON_OTHERHOST", "__netif_receive_skb_core");
      return;
    }
    /* priority tag: the frame stays on its device */
    netifReceiveSkb(skb);
    return;
  }
  if (!(vlandev.flags & IFF_UP)) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_DEV_READY", "vlan_do_receive");
    return;
  }
  skb.dev = vlandev;
  if (skb.pktType === PACKET_OTHERHOST) {
    /* Our lower layer thinks this is not local, let's make sure. This allows the VLAN to
     * have a different MAC than the underlying device, and still route correctly. */
    let eq = true;
    for (let i = 0; i < 6; i++) if (b[skb.macHeader + i] !== vlandev.devAddr[i]) eq = false;
    if (eq) skb.pktType = PACKET_HOST;
  }
  /* the core counts the whole frame; vlan_do_receive() counts skb->len (after the header) */
  vlandev.stats.rx_bytes -= 14;
  netifReceiveSkb(skb);
}

/** net/8021q/vlan_dev.c: vlan_dev_hard_start_xmit() */
function vlanDevHardStartXmit(skb: SkBuff, dev: NetDevice): number {
  const vlan = vlanOf(dev);
  const b0 = skb.buf;
  const o0 = skb.data;
  const tagged = readU16(b0, o0 + 12) === vlan.vlanProto;
  if (!tagged || vlan.flags & VLAN_FLAG_REORDER_HDR) {
    /* __vlan_hwaccel_put_tag() + __vlan_hwaccel_push_inside() on the real device */
    const tci = vlan.vlanId | ((egressPrio(vlan, skb.priority) & 7) << 13);
    const o = skb.push(VLAN_HLEN);
    const b = skb.buf;
    b.copyWithin(o, o + VLAN_HLEN, o + VLAN_HLEN + 12);
    writeU16(b, o + 12, vlan.vlanProto);
    writeU16(b, o + 14, tci);
    skb.macHeader = o;
  }
  skb.dev = vlan.realDev;
  const rc = devQueueXmit(skb);
  return rc === NETDEV_TX_OK ? NETDEV_TX_OK : 1;
}

/** net/8021q/vlan_dev.c: vlan_dev_get_egress_qos_mask() */
function egressPrio(vlan: VlanDevPriv, priority: number): number {
  for (const m of vlan.egressQos) if (m.from === priority) return m.to;
  return 0;
}

/** net/8021q/vlan_dev.c: vlan_dev_open() */
function vlanDevOpen(dev: NetDevice): KErr | undefined {
  const vlan = vlanOf(dev);
  const realDev = vlan.realDev;
  if (!(realDev.flags & IFF_UP) && !(vlan.flags & VLAN_FLAG_LOOSE_BINDING)) return kerr("ENETDOWN");
  if (!macEq(dev.devAddr, realDev.devAddr)) {
    const e = devUcAdd(realDev, dev.devAddr);
    if (e) return e;
  }
  if (dev.flags & IFF_ALLMULTI) devSetAllmulti(realDev, 1);
  if (dev.flags & IFF_PROMISC) devSetPromiscuity(realDev, 1);
  if (realDev.carrier && !(vlan.flags & VLAN_FLAG_BRIDGE_BINDING)) netifCarrierOn(dev);
  return undefined;
}

/** net/8021q/vlan_dev.c: vlan_dev_stop() */
function vlanDevStop(dev: NetDevice): void {
  const vlan = vlanOf(dev);
  const realDev = vlan.realDev;
  if (dev.flags & IFF_ALLMULTI) devSetAllmulti(realDev, -1);
  if (dev.flags & IFF_PROMISC) devSetPromiscuity(realDev, -1);
  if (!macEq(dev.devAddr, realDev.devAddr)) devUcDel(realDev, dev.devAddr);
  if (!(vlan.flags & VLAN_FLAG_BRIDGE_BINDING)) netifCarrierOff(dev);
}

function macEq(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** net/8021q/vlan_dev.c: vlan_dev_set_mac_address() */
function vlanDevSetMacAddress(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  const realDev = vlanOf(dev).realDev;
  if (!isValidEtherAddr(addr)) return kerr("EADDRNOTAVAIL");
  if (dev.flags & IFF_UP) {
    if (!macEq(addr, realDev.devAddr)) {
      const e = devUcAdd(realDev, addr);
      if (e) return e;
    }
    if (!macEq(dev.devAddr, realDev.devAddr)) devUcDel(realDev, dev.devAddr);
  }
  dev.devAddr = addr.slice(0, 6);
  return undefined;
}

const vlanNetdevOps = {
  open: vlanDevOpen,
  stop: vlanDevStop,
  startXmit: vlanDevHardStartXmit,
  setMacAddress: vlanDevSetMacAddress,
  /** vlan_dev_change_mtu() */
  changeMtu: (dev: NetDevice, mtu: number): KErr | undefined => {
    if (vlanOf(dev).realDev.mtu < mtu) return kerr("ERANGE");
    dev.mtu = mtu;
    return undefined;
  },
  /** vlan_dev_get_iflink() */
  getIflink: (dev: NetDevice): number => vlanOf(dev).realDev.ifindex,
  /** vlan_get_link_net() */
  getLinkNet: (dev: NetDevice): Net => vlanOf(dev).realDev.net,
  /** vlan_dev_uninit() + unregister_vlan_dev() */
  uninit: (dev: NetDevice): void => {
    const real = vlanOf(dev).realDev;
    const list = vlanInfo.get(real);
    if (list) {
      const i = list.indexOf(dev);
      if (i >= 0) list.splice(i, 1);
    }
  },
};

/** net/8021q/vlan_dev.c: vlan_ethtool_ops */
setEthtoolOps(vlanNetdevOps, {
  getLink: (dev) => (dev.carrier ? 1 : 0),
  /** vlan_ethtool_get_link_ksettings(): the real device's (a bridge port's cost follows it) */
  getLinkKsettings: (dev) => ethtoolGetLinkKsettings(vlanOf(dev).realDev),
  getDrvinfo: () => ({ driver: "802.1Q VLAN Support", version: "1.8", fw_version: "N/A" }),
});

/** net/8021q/vlan_dev.c: vlan_setup() (+ ether_setup) */
function vlanSetup(name: string, net: Net): NetDevice {
  const dev = new NetDevice(name, 1, 0, vlanNetdevOps, new Uint8Array(6), new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
  dev.privFlags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;
  dev.minMtu = 0;
  dev.maxMtu = 65535;
  dev.txQueueLen = 1000;
  dev.net = net;
  return dev;
}

/** net/8021q/vlan_netlink.c: vlan_validate() */
function vlanValidate(p: NewlinkParams): KErr | undefined {
  const tb = p.attrs;
  if (tb.IFLA_ADDRESS) {
    if (tb.IFLA_ADDRESS.length !== 6) return kerr("EINVAL", MOD + "Invalid link address");
    if (!isValidEtherAddr(tb.IFLA_ADDRESS)) return kerr("EADDRNOTAVAIL", MOD + "Invalid link address");
  }
  const data = p.data;
  if (!data) return kerr("EINVAL", MOD + "VLAN properties not specified");
  const proto = data["IFLA_VLAN_PROTOCOL"];
  if (typeof proto === "number" && proto !== ETH_P_8021Q && proto !== ETH_P_8021AD)
    return kerr("EPROTONOSUPPORT", MOD + "Invalid VLAN protocol");
  const id = data["IFLA_VLAN_ID"];
  if (typeof id === "number" && id >= VLAN_VID_MASK) return kerr("ERANGE", MOD + "Invalid VLAN id");
  const fl = data["IFLA_VLAN_FLAGS"] as { flags: number; mask: number } | undefined;
  if (fl && fl.flags & fl.mask & ~(VLAN_FLAG_REORDER_HDR | VLAN_FLAG_GVRP | VLAN_FLAG_LOOSE_BINDING | VLAN_FLAG_MVRP | VLAN_FLAG_BRIDGE_BINDING))
    return kerr("EINVAL", MOD + "Invalid VLAN flags");
  return undefined;
}

/** net/8021q/vlan_netlink.c: vlan_changelink() */
function vlanChangelink(dev: NetDevice, data: InfoData): KErr | undefined {
  const vlan = vlanOf(dev);
  const fl = data["IFLA_VLAN_FLAGS"] as { flags: number; mask: number } | undefined;
  if (fl) {
    /* vlan_dev_change_flags() */
    const old = vlan.flags;
    vlan.flags = (old & ~fl.mask) | (fl.flags & fl.mask);
    if (dev.flags & IFF_UP && (old ^ vlan.flags) & VLAN_FLAG_BRIDGE_BINDING) {
      if (vlan.flags & VLAN_FLAG_BRIDGE_BINDING) netifCarrierOff(dev);
      else if (vlan.realDev.carrier) netifCarrierOn(dev);
    }
  }
  const ing = data["IFLA_VLAN_INGRESS_QOS"];
  if (Array.isArray(ing)) for (const m of ing as { from: number; to: number }[]) {
    vlan.ingressQos = vlan.ingressQos.filter((x) => x.from !== m.from);
    if (m.to) vlan.ingressQos.push(m);
  }
  const egr = data["IFLA_VLAN_EGRESS_QOS"];
  if (Array.isArray(egr)) for (const m of egr as { from: number; to: number }[]) {
    vlan.egressQos = vlan.egressQos.filter((x) => x.from !== m.from);
    if (m.to) vlan.egressQos.push(m);
  }
  return undefined;
}

/** net/8021q/vlan_netlink.c: vlan_newlink() + vlan.c: register_vlan_dev() */
function vlanNewlink(dev: NetDevice, p: NewlinkParams): KErr | undefined {
  const data = p.data ?? {};
  const tb = p.attrs;
  if (typeof data["IFLA_VLAN_ID"] !== "number") return kerr("EINVAL", MOD + "VLAN id not specified");
  if (tb.IFLA_LINK === undefined) return kerr("EINVAL", MOD + "link not specified");
  const realDev = devGetByIndex(p.linkNet ?? p.srcNet, tb.IFLA_LINK);
  if (!realDev) return kerr("ENODEV", MOD + "link does not exist");
  const proto = typeof data["IFLA_VLAN_PROTOCOL"] === "number" ? (data["IFLA_VLAN_PROTOCOL"] as number) : ETH_P_8021Q;
  const vlan: VlanDevPriv = {
    dev, realDev, vlanProto: proto, vlanId: data["IFLA_VLAN_ID"] as number, flags: VLAN_FLAG_REORDER_HDR,
    ingressQos: [], egressQos: [],
  };
  dev.priv = vlan;
  /* vlan_check_real_dev() */
  if (realDev.flags & IFF_LOOPBACK || realDev.type !== 1) return kerr("EOPNOTSUPP", MOD + "VLANs not supported on device");
  if (vlanFindDev(realDev, proto, vlan.vlanId)) return kerr("EEXIST", MOD + "VLAN device already exists");
  const maxMtu = realDev.mtu;
  if (tb.IFLA_MTU === undefined) dev.mtu = maxMtu;
  else if (dev.mtu > maxMtu) return kerr("EINVAL");
  const ce = vlanChangelink(dev, data);
  if (ce) return ce;
  /* vlan_dev_init() */
  dev.flags = realDev.flags & ~(IFF_UP | IFF_PROMISC | IFF_ALLMULTI | IFF_MASTER | IFF_SLAVE);
  dev.carrier = realDev.carrier;
  dev.dormant = realDev.dormant;
  if (!tb.IFLA_ADDRESS) {
    dev.devAddr = realDev.devAddr.slice(0, 6);
    dev.addrAssignType = NET_ADDR_STOLEN;
  }
  dev.broadcast = realDev.broadcast.slice(0, 6);
  dev.tsoMaxSize = realDev.tsoMaxSize;
  dev.tsoMaxSegs = realDev.tsoMaxSegs;
  dev.gsoMaxSize = realDev.gsoMaxSize;
  dev.gsoMaxSegs = realDev.gsoMaxSegs;
  const e = registerNetdevice(p.net, dev);
  if (e) return e;
  let list = vlanInfo.get(realDev);
  if (!list) vlanInfo.set(realDev, (list = []));
  list.push(dev);
  /* vlan_stacked_transfer_operstate() */
  if (!(vlan.flags & VLAN_FLAG_BRIDGE_BINDING)) {
    if (realDev.carrier) netifCarrierOn(dev);
    else netifCarrierOff(dev);
  }
  return undefined;
}

/** net/8021q/vlan_netlink.c: vlan_fill_info() */
function vlanFillInfo(dev: NetDevice): InfoData {
  const vlan = vlanOf(dev);
  const d: InfoData = {
    IFLA_VLAN_PROTOCOL: vlan.vlanProto,
    IFLA_VLAN_ID: vlan.vlanId,
    IFLA_VLAN_FLAGS: { flags: vlan.flags, mask: 0xffffffff },
  };
  if (vlan.ingressQos.length) d["IFLA_VLAN_INGRESS_QOS"] = vlan.ingressQos.slice().sort((a, b) => a.from - b.from);
  if (vlan.egressQos.length) d["IFLA_VLAN_EGRESS_QOS"] = vlan.egressQos.slice();
  return d;
}

export const vlanLinkOps: RtnlLinkKind = {
  kind: "vlan",
  alloc: (name, net) => vlanSetup(name, net),
  validate: (p) => {
    requestModule(p.srcNet, "rtnl-link-vlan");
    return vlanValidate(p);
  },
  newlink: vlanNewlink,
  changelink: vlanChangelink,
  /** unregister_vlan_dev() */
  dellink: (dev) => unregisterNetdevice(dev),
  fillInfo: vlanFillInfo,
};

/** net/8021q/vlan.c: vlan_device_event() — the real device's events */
function vlanDeviceEvent(event: number, dev: NetDevice): void {
  const list = vlanInfo.get(dev);
  if (!list || !list.length) return;
  switch (event) {
    case NETDEV_CHANGE:
      /* Propagate real device state to vlan devices */
      for (const v of list) if (!(vlanOf(v).flags & VLAN_FLAG_BRIDGE_BINDING)) {
        if (dev.carrier) netifCarrierOn(v);
        else netifCarrierOff(v);
      }
      break;
    case NETDEV_CHANGEMTU:
      for (const v of list.slice()) if (v.mtu > dev.mtu) devSetMtu(v, dev.mtu);
      break;
    case NETDEV_DOWN:
      /* Put all VLANs for this dev in the down state too. */
      for (const v of list.slice()) {
        const flgs = devGetFlags(v);
        if (!(flgs & IFF_UP)) continue;
        if (!(vlanOf(v).flags & VLAN_FLAG_LOOSE_BINDING)) devChangeFlags(v, flgs & ~IFF_UP);
        if (!(vlanOf(v).flags & VLAN_FLAG_BRIDGE_BINDING)) netifCarrierOff(v);
      }
      break;
    case NETDEV_UP:
      /* Put all VLANs for this dev in the up state too. */
      for (const v of list.slice()) {
        const flgs = devGetFlags(v);
        if (flgs & IFF_UP) continue;
        if (!(vlanOf(v).flags & VLAN_FLAG_LOOSE_BINDING)) devChangeFlags(v, flgs | IFF_UP);
        if (!(vlanOf(v).flags & VLAN_FLAG_BRIDGE_BINDING)) {
          if (dev.carrier) netifCarrierOn(v);
          else netifCarrierOff(v);
        }
      }
      break;
    case NETDEV_UNREGISTER:
      /* twiddle thumbs on netns device moves */
      if (!dev.dismantle) break;
      for (const v of list.slice()) unregisterNetdevice(v);
      break;
  }
}

/** net/8021q/vlanproc.c: vlan_seq_show() — /proc/net/vlan/config */
function vlanSeqShow(net: Net): string {
  let out = "VLAN Dev name\t | VLAN ID\nName-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD\n";
  for (const dev of net.devices()) {
    if (!isVlanDev(dev)) continue;
    const v = vlanOf(dev);
    out += `${dev.name.padEnd(15)}| ${v.vlanId}  | ${v.realDev.name}\n`;
  }
  return out;
}

let done = false;

/** net/8021q/vlan.c: vlan_proto_init() */
export function vlanInit(): void {
  if (done) return;
  done = true;
  registerKernelModule({ name: "garp", size: 16384, deps: ["stp", "llc"] });
  registerKernelModule({ name: "mrp", size: 20480, deps: [] });
  registerKernelModule({
    name: "8021q",
    size: 45056,
    deps: ["mrp", "garp"],
    aliases: ["rtnl-link-vlan"],
    init: (host) => host.dmesgLog("8021q: 802.1Q VLAN Support v1.8"),
  });
  registerNetdeviceNotifier((event, dev) => vlanDeviceEvent(event, dev));
  rtnlLinkRegister(vlanLinkOps);
  devAddProtocol(ETH_P_8021Q, vlanRcv);
  devAddProtocol(ETH_P_8021AD, vlanRcv);
  /* vlan_proc_init(): /proc/net/vlan/config in each namespace of a machine with the module */
  registerProcNetNode("vlan", (net: Net): FsNode | undefined => {
    if (!moduleLoaded(net.host, "8021q")) return undefined;
    return fsDir(() => new Map<string, FsNode>([["config", fsFile(0o600, () => vlanSeqShow(net))]]), 0o555);
  });
}

