/**
 * net/core/dev_ioctl.c: the legacy SIOC[GS]IF* requests on a device (dev_ifsioc_locked,
 * dev_ifsioc). Parts own the rest with registerIoctl(): devinet (SIOCSIFADDR, SIOCGIFCONF …),
 * the routing table (SIOCADDRT), ARP (SIOCSARP), the bridge (SIOCBR*).
 */
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import type { IoctlReq } from "../uapi/syscalls.ts";
import type { Net } from "./net_namespace.ts";
import type { NetDevice } from "./netdevice.ts";
import {
  devGetByName, devGetByIndex, devGetFlags, devChangeFlags, devSetMtu, devSetMacAddress,
  devChangeName, devChangeTxQueueLen,
  linkwatchSyncDev,
} from "./dev.ts";
import { devMcAddGlobal, devMcDelGlobal } from "./dev_addr_lists.ts";
import { NETDEV_FEATURE_STRINGS, ethnlFeaturesGet, ethnlSetFeatures } from "./netdev_features.ts";

/** struct ethtool_ops, reduced to what `ethtool DEV|-i|-S` asks (net/ethtool/ioctl.c) */
export interface EthtoolOps {
  /** get_link (ethtool_op_get_link: the carrier) */
  getLink?(dev: NetDevice): number;
  getLinkKsettings?(dev: NetDevice): Record<string, unknown> | KErr;
  /** set_link_ksettings (ETHTOOL_MSG_LINKINFO_SET / LINKMODES_SET), set_wol, set_msglevel:
   * none of the modelled drivers (veth, bridge, vxlan, vlan, macvlan …) has them */
  setLinkKsettings?(dev: NetDevice, attrs: Record<string, unknown>): KErr | undefined;
  setWol?(dev: NetDevice, attrs: Record<string, unknown>): KErr | undefined;
  setMsglevel?(dev: NetDevice, attrs: Record<string, unknown>): KErr | undefined;
  /** get_msglevel (ETHTOOL_MSG_DEBUG_GET) */
  getMsglevel?(dev: NetDevice): number;
  getDrvinfo?(dev: NetDevice): { driver: string; version: string; fw_version?: string; bus_info?: string };
  /** get_sset_count(ETH_SS_STATS) + get_strings + get_ethtool_stats in one */
  getStats?(dev: NetDevice): [string, number][];
  /** get_channels (struct ethtool_channels; 0 = not reported) */
  getChannels?(dev: NetDevice): {
    max_rx: number; max_tx: number; max_other: number; max_combined: number;
    rx_count: number; tx_count: number; other_count: number; combined_count: number;
  };
}

const ethtoolOps = new WeakMap<object, EthtoolOps>();

/** dev->ethtool_ops: a driver attaches its ethtool ops to its netdev ops object */
export function setEthtoolOps(netdevOps: object, ops: EthtoolOps): void {
  ethtoolOps.set(netdevOps, ops);
}

/** net/ethtool/ioctl.c: ethtool_op_get_link() */
export function ethtoolOpGetLink(dev: NetDevice): number {
  /* Synchronize carrier state with link watch, see also rtnl_getlink() */
  linkwatchSyncDev(dev);
  return dev.carrier ? 1 : 0;
}

/**
 * net/ethtool/ioctl.c: __ethtool_get_link_ksettings() — the driver's get_link_ksettings, or
 * EOPNOTSUPP without one (the bridge's port_cost(), stacked drivers asking their lower device)
 */
export function ethtoolGetLinkKsettings(dev: NetDevice): Record<string, unknown> | KErr {
  const ops = ethtoolOps.get(dev.ops);
  if (!ops?.getLinkKsettings) return kerr("EOPNOTSUPP");
  return ops.getLinkKsettings(dev);
}

/** net/ethtool/ioctl.c: __dev_ethtool() for the commands the emulator knows */
function devEthtool(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const dev = devOf(net, req.ifname);
  if (isKErr(dev)) return dev;
  const ops = ethtoolOps.get(dev.ops) ?? {};
  switch (req.cmd) {
    case "ETHTOOL_GLINK":
      if (!ops.getLink) return kerr("EOPNOTSUPP");
      /* ethtool_get_link(): a device that is not running has no link */
      return { data: dev.isUp() ? ops.getLink(dev) : 0 };
    case "ETHTOOL_GLINKSETTINGS":
      if (!ops.getLinkKsettings) return kerr("EOPNOTSUPP");
      return ops.getLinkKsettings(dev);
    case "ETHTOOL_GDRVINFO": {
      if (!ops.getDrvinfo) return kerr("EOPNOTSUPP");
      const d = ops.getDrvinfo(dev);
      return {
        driver: d.driver, version: d.version, fw_version: d.fw_version ?? "", erom_version: "",
        bus_info: d.bus_info ?? "", n_stats: ops.getStats ? ops.getStats(dev).length : 0,
        n_priv_flags: 0, testinfo_len: 0, eedump_len: 0, regdump_len: 0,
      };
    }
    case "ETHTOOL_GSTRINGS":
      /* __ethtool_get_sset_count(): the features set is the core's, for every device */
      if (req.string_set === "ETH_SS_FEATURES") return { strings: [...NETDEV_FEATURE_STRINGS] };
      if (req.string_set !== "ETH_SS_STATS") return kerr("EOPNOTSUPP");
      return { strings: ops.getStats ? ops.getStats(dev).map(([n]) => n) : [] };
    case "ETHTOOL_GSTATS":
      if (!ops.getStats) return kerr("EOPNOTSUPP");
      return { data: ops.getStats(dev).map(([, v]) => v) };
    case "ETHTOOL_MSG_FEATURES_GET":
      return ethnlFeaturesGet(dev);
    case "ETHTOOL_MSG_FEATURES_SET": {
      const bits = Array.isArray(req.bits) ? (req.bits as [string, boolean][]) : [];
      return ethnlSetFeatures(dev, bits);
    }
    case "ETHTOOL_GCHANNELS":
      /* net/ethtool/channels.c: channels_prepare_data() */
      if (!ops.getChannels) return kerr("EOPNOTSUPP");
      return { ...ops.getChannels(dev) };
    case "ETHTOOL_GMSGLVL":
      if (!ops.getMsglevel) return kerr("EOPNOTSUPP");
      return { data: ops.getMsglevel(dev) };
    case "ETHTOOL_MSG_LINKINFO_SET":
    case "ETHTOOL_MSG_LINKMODES_SET":
    case "ETHTOOL_MSG_WOL_SET":
    case "ETHTOOL_MSG_DEBUG_SET": {
      /* net/ethtool/{linkinfo,linkmodes,wol,debug}.c: ethnl_set_*(): the driver's op or
       * EOPNOTSUPP */
      const attrs = (req.attrs ?? {}) as Record<string, unknown>;
      const set = req.cmd === "ETHTOOL_MSG_WOL_SET" ? ops.setWol : req.cmd === "ETHTOOL_MSG_DEBUG_SET" ? ops.setMsglevel : ops.setLinkKsettings;
      if (!set) return kerr("EOPNOTSUPP");
      const e = set(dev, attrs);
      return e ?? {};
    }
    case "ETHTOOL_MSG_STATS_GET":
      /* net/ethtool/stats.c: stats_prepare_data(): the standard groups come from the driver's
       * get_eth_{phy,mac,ctrl}_stats / get_rmon_stats, which no modelled driver has */
      return {};
    case "ETHTOOL_GRINGPARAM":
      /* net/ethtool/rings.c: rings_prepare_data(): no get_ringparam in any modelled driver */
      return kerr("EOPNOTSUPP");
  }
  return kerr("EOPNOTSUPP");
}

export type IoctlHandler = (net: Net, req: Record<string, unknown>) => Record<string, unknown> | KErr;

const handlers = new Map<string, IoctlHandler>();

/** a part takes over `request` (devinet: SIOCSIFADDR …; bridge: SIOCBRADDBR …) */
export function registerIoctl(request: string, fn: IoctlHandler): void {
  handlers.set(request, fn);
}

/** what a socket of one family answers itself (inet6_ioctl: SIOCSIFADDR of an in6_ifreq) */
const familyHandlers = new Map<string, IoctlHandler>();
export function registerFamilyIoctl(family: number, request: string, fn: IoctlHandler): void {
  familyHandlers.set(`${family}:${request}`, fn);
}

/** "eth0:1" names the device eth0 (dev_ioctl() cuts the alias label at the colon) */
function devOf(net: Net, ifname: unknown): NetDevice | KErr {
  if (typeof ifname !== "string") return kerr("EFAULT");
  const c = ifname.indexOf(":");
  const dev = devGetByName(net, c >= 0 ? ifname.slice(0, c) : ifname);
  return dev ?? kerr("ENODEV");
}

function num(req: Record<string, unknown>, k: string): number {
  const v = req[k];
  return typeof v === "number" ? v : 0;
}

/** net/core/dev.c: dev_set_mtu(): an extack text goes to the log when there is no socket */
function devSetMtuLogged(dev: NetDevice, mtu: number): KErr | undefined {
  const e = devSetMtu(dev, mtu);
  if (e?.extack) dev.net.host.dmesgLog(`${dev.name}: ${e.extack}`);
  return e ? { errno: e.errno } : undefined;
}

/** net/core/dev_ioctl.c: dev_ioctl() */
export function devIoctl(net: Net, req: IoctlReq): Record<string, unknown> | KErr {
  const fh = typeof req.family === "number" ? familyHandlers.get(`${req.family}:${req.request}`) : undefined;
  if (fh) return fh(net, req);
  const h = handlers.get(req.request);
  if (h) return h(net, req);
  switch (req.request) {
    case "SIOCETHTOOL":
      return devEthtool(net, req);
    case "SIOCGIFNAME": {
      /* get_user_ifreq + netdev_get_name() */
      const dev = devGetByIndex(net, num(req, "ifindex"));
      return dev ? { ifname: dev.name } : kerr("ENODEV");
    }
    case "SIOCGIFFLAGS":
    case "SIOCGIFMETRIC":
    case "SIOCGIFMTU":
    case "SIOCGIFHWADDR":
    case "SIOCGIFSLAVE":
    case "SIOCGIFMAP":
    case "SIOCGIFINDEX":
    case "SIOCGIFTXQLEN": {
      /* dev_ifsioc_locked() */
      const dev = devOf(net, req.ifname);
      if (isKErr(dev)) return dev;
      switch (req.request) {
        case "SIOCGIFFLAGS":
          /* ifr_flags is a short */
          return { flags: devGetFlags(dev) & 0xffff };
        case "SIOCGIFMETRIC":
          return { metric: 0 };
        case "SIOCGIFMTU":
          return { mtu: dev.mtu };
        case "SIOCGIFHWADDR": {
          const hw = new Uint8Array(14);
          hw.set(dev.devAddr.subarray(0, Math.min(dev.addrLen, 14)));
          return { hwaddr: hw, family: dev.type };
        }
        case "SIOCGIFSLAVE":
          return kerr("EINVAL");
        case "SIOCGIFMAP":
          return { mem_start: 0, mem_end: 0, base_addr: 0, irq: 0, dma: 0, port: 0 };
        case "SIOCGIFINDEX":
          return { ifindex: dev.ifindex };
        default:
          return { qlen: dev.txQueueLen };
      }
    }
    case "SIOCSIFFLAGS":
    case "SIOCSIFMETRIC":
    case "SIOCSIFMTU":
    case "SIOCSIFHWADDR":
    case "SIOCSIFHWBROADCAST":
    case "SIOCSIFMAP":
    case "SIOCSIFNAME":
    case "SIOCSIFTXQLEN": {
      /* dev_ifsioc() */
      const dev = devOf(net, req.ifname);
      if (isKErr(dev)) return dev;
      let e: KErr | undefined;
      switch (req.request) {
        case "SIOCSIFFLAGS":
          e = devChangeFlags(dev, num(req, "flags") & 0xffff);
          break;
        case "SIOCSIFMETRIC":
          e = kerr("EOPNOTSUPP");
          break;
        case "SIOCSIFMTU":
          e = devSetMtuLogged(dev, num(req, "mtu"));
          break;
        case "SIOCSIFHWADDR": {
          const hw = req.hwaddr;
          if (!(hw instanceof Uint8Array)) return kerr("EFAULT");
          if (req.family !== undefined && num(req, "family") !== dev.type) return kerr("EINVAL");
          e = devSetMacAddress(dev, hw);
          break;
        }
        case "SIOCSIFHWBROADCAST": {
          const hw = req.hwaddr;
          if (!(hw instanceof Uint8Array)) return kerr("EFAULT");
          if (num(req, "family") !== dev.type) return kerr("EINVAL");
          dev.broadcast = hw.slice(0, dev.addrLen);
          break;
        }
        case "SIOCSIFMAP":
          e = kerr("EOPNOTSUPP");
          break;
        case "SIOCSIFNAME": {
          const n = req.newname;
          if (typeof n !== "string") return kerr("EFAULT");
          e = devChangeName(dev, n);
          break;
        }
        default: {
          const q = num(req, "qlen");
          if (q < 0) return kerr("EINVAL");
          e = devChangeTxQueueLen(dev, q);
        }
      }
      return e ? { errno: e.errno } : {};
    }
    case "SIOCDEVPRIVATE": {
      /* dev_ifsioc(): no such device → ENODEV; dev_siocdevprivate(): a device without
       * ndo_siocdevprivate → EOPNOTSUPP (a part owning one registers the request) */
      const dev = devOf(net, req.ifname);
      if (isKErr(dev)) return dev;
      return kerr("EOPNOTSUPP");
    }
  }
  return kerr("ENOTTY");
}

/**
 * net/core/dev_ioctl.c: dev_ifsioc(): SIOCADDMULTI / SIOCDELMULTI (`ip maddr add|del`):
 * dev_mc_add_global() / dev_mc_del_global(). A device without ndo_set_rx_mode (loopback,
 * the L3 tunnels: no link-layer address) answers EINVAL.
 */
function devIfsiocMulti(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const dev = devOf(net, req.ifname);
  if (isKErr(dev)) return dev;
  const addr = req.hwaddr;
  if (!(addr instanceof Uint8Array)) return kerr("EFAULT");
  if (dev.flags & 0x8 /* IFF_LOOPBACK */ || !dev.addrLen || (req.sa_family ?? 0) !== 0) return kerr("EINVAL");
  const e = req.request === "SIOCADDMULTI" ? devMcAddGlobal(dev, addr.subarray(0, dev.addrLen)) : devMcDelGlobal(dev, addr.subarray(0, dev.addrLen));
  return e ? { errno: e.errno } : {};
}
registerIoctl("SIOCADDMULTI", devIfsiocMulti);
registerIoctl("SIOCDELMULTI", devIfsiocMulti);
