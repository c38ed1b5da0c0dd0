/**
 * net/core/dev_ioctl.c: the legacy SIOC[GS]IF* requests on a device (dev_ifsioc_locked,
 * dev_ifsioc). Parts own the rest with registerIoctl(): devinet (SIOCSIFADDR, SIOCGIFCONF …),
 * the routing table (SIOCADDRT), ARP (SIOCSARP), the bridge (SIOCBR*).
 */
import { kerr, isKErr, type KErr, type Errno } from "../uapi/errno.ts";
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
  getChannels?(dev: NetDevice): EthtoolChannels;
  /** set_channels (given counts already checked against the maximums) */
  setChannels?(dev: NetDevice, ch: EthtoolChannels): KErr | undefined;
  /** get_ts_info (struct kernel_ethtool_ts_info: SOF_TIMESTAMPING_* bits, phc_index -1 = none,
   * tx_types / rx_filters bits) */
  getTsInfo?(dev: NetDevice): EthtoolTsInfo;
  /** supported_coalesce_params (ETHTOOL_COALESCE_* bits), get_coalesce, set_coalesce; the
   * parameters are named after their ETHTOOL_A_COALESCE_* attribute (rx-usecs …) */
  supportedCoalesceParams?: number;
  getCoalesce?(dev: NetDevice): Record<string, number>;
  setCoalesce?(dev: NetDevice, c: Record<string, number>): KErr | undefined;
  /** get/set_pauseparam ({autoneg, rx_pause, tx_pause}), get/set_ringparam (ETHTOOL_A_RINGS_*
   * by name), nway_reset, set_phys_id, get_eeprom_len, get_regs_len, self_test,
   * get_dump_flag / set_dump, get_rxnfc, get_rxfh, get_eee, get_fecparam, get_module_info,
   * get_priv_flags: no modelled driver has them (each request answers EOPNOTSUPP) */
  getPauseparam?(dev: NetDevice): { autoneg: number; rx_pause: number; tx_pause: number };
  setPauseparam?(dev: NetDevice, p: { autoneg: number; rx_pause: number; tx_pause: number }): KErr | undefined;
  getRingparam?(dev: NetDevice): Record<string, number>;
  /** supported_ring_params: the optional ring parameters set_ringparam takes (rx-buf-len,
   * cqe-size, tx-push) */
  supportedRingParams?: string[];
  setRingparam?(dev: NetDevice, r: Record<string, number>): KErr | undefined;
}

/** struct ethtool_channels (0 = not reported) */
export interface EthtoolChannels {
  max_rx: number; max_tx: number; max_other: number; max_combined: number;
  rx_count: number; tx_count: number; other_count: number; combined_count: number;
}

/** struct kernel_ethtool_ts_info, the part ETHTOOL_MSG_TSINFO_GET reports */
export interface EthtoolTsInfo {
  so_timestamping: number;
  phc_index: number;
  tx_types: number;
  rx_filters: number;
}

/** include/uapi/linux/net_tstamp.h: SOF_TIMESTAMPING_* */
export const SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1;
export const SOF_TIMESTAMPING_RX_SOFTWARE = 1 << 3;
export const SOF_TIMESTAMPING_SOFTWARE = 1 << 4;

/** net/ethtool/common.c: sof_timestamping_names, ts_tx_type_names, ts_rx_filter_names (by bit) */
const SOF_TIMESTAMPING_NAMES = [
  "hardware-transmit", "software-transmit", "hardware-receive", "software-receive", "software-system-clock",
  "hardware-legacy-clock", "hardware-raw-clock", "option-id", "sched-transmit", "ack-transmit", "option-cmsg",
  "option-tsonly", "option-stats", "option-pktinfo", "option-tx-swhw", "bind-phc", "option-id-tcp",
  "option-rx-filter", "tx-completion",
];
const TS_TX_TYPE_NAMES = ["off", "on", "onestep-sync", "onestep-p2p"];
const TS_RX_FILTER_NAMES = [
  "none", "all", "some", "ptpv1-l4-event", "ptpv1-l4-sync", "ptpv1-l4-delay-req", "ptpv2-l4-event",
  "ptpv2-l4-sync", "ptpv2-l4-delay-req", "ptpv2-l2-event", "ptpv2-l2-sync", "ptpv2-l2-delay-req",
  "ptpv2-event", "ptpv2-sync", "ptpv2-delay-req", "ntp-all",
];

/** the names of the bits set in `mask` (a verbose netlink bitset: only set bits carry a name) */
function bitNames(mask: number, names: string[]): string[] {
  const out: string[] = [];
  for (let b = 0; b < 32; b++) if (mask & (1 << b)) out.push(names[b] ?? `bit${b}`);
  return out;
}

/** net/ethtool/common.c: ethtool_op_get_ts_info() — software transmit stamps, no PHC */
export function ethtoolOpGetTsInfo(): EthtoolTsInfo {
  return { so_timestamping: SOF_TIMESTAMPING_TX_SOFTWARE, phc_index: -1, tx_types: 0, rx_filters: 0 };
}

/**
 * net/ethtool/common.c: __ethtool_get_ts_info() without a hwtstamp provider or PHY: the
 * driver's get_ts_info over ethtool_init_tsinfo() (phc_index -1), then software receive
 * stamps and the system clock, which every device has
 */
function ethtoolGetTsInfo(dev: NetDevice, ops: EthtoolOps): EthtoolTsInfo {
  const info = ops.getTsInfo ? ops.getTsInfo(dev) : { so_timestamping: 0, phc_index: -1, tx_types: 0, rx_filters: 0 };
  return { ...info, so_timestamping: info.so_timestamping | SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE };
}

/**
 * include/uapi/linux/ethtool_netlink.h: ETHTOOL_A_COALESCE_* from RX_USECS on, in attribute
 * order, each with its ETHTOOL_COALESCE_* bit (attr_to_mask(): bit = attribute - 2)
 */
export const COALESCE_ATTRS = [
  "rx-usecs", "rx-frames", "rx-usecs-irq", "rx-frames-irq", "tx-usecs", "tx-frames", "tx-usecs-irq",
  "tx-frames-irq", "stats-block-usecs", "adaptive-rx", "adaptive-tx", "pkt-rate-low", "rx-usecs-low",
  "rx-frames-low", "tx-usecs-low", "tx-frames-low", "pkt-rate-high", "rx-usecs-high", "rx-frames-high",
  "tx-usecs-high", "tx-frames-high", "sample-interval", "cqe-mode-tx", "cqe-mode-rx", "tx-aggr-max-bytes",
  "tx-aggr-max-frames", "tx-aggr-time-usecs", "rx-profile", "tx-profile",
];
/** ETHTOOL_COALESCE_RX_MAX_FRAMES */
export const ETHTOOL_COALESCE_RX_MAX_FRAMES = 1 << COALESCE_ATTRS.indexOf("rx-frames");

/** a request's attributes in the order they were put: [name, value]; a KErr's `attr` is the
 * index of the one the kernel's extack points at */
type NlAttrs = [string, number][];

function attrErr(errno: Errno, extack: string, attrs: NlAttrs, name: string): KErr & { attr: number } {
  return { errno, extack, attr: attrs.findIndex(([n]) => n === name) };
}

/** net/ethtool/coalesce.c: ethnl_set_coalesce_validate() + ethnl_set_coalesce() */
function ethnlSetCoalesce(dev: NetDevice, ops: EthtoolOps, attrs: NlAttrs): Record<string, unknown> | KErr {
  if (!ops.getCoalesce || !ops.setCoalesce) return kerr("EOPNOTSUPP");
  /* make sure that only supported parameters are present */
  const supported = ops.supportedCoalesceParams ?? 0;
  for (let b = 0; b < COALESCE_ATTRS.length; b++) {
    const name = COALESCE_ATTRS[b]!;
    if (attrs.some(([n]) => n === name) && !(supported & (1 << b))) {
      return attrErr("EINVAL", "cannot modify an unsupported parameter", attrs, name);
    }
  }
  const c = { ...ops.getCoalesce(dev) };
  let mod = false;
  for (const [n, v] of attrs) {
    if ((c[n] ?? 0) !== v) mod = true;
    c[n] = v;
  }
  if (!mod) return {};
  const e = ops.setCoalesce(dev, c);
  return e ?? {};
}

/** net/ethtool/channels.c: ethnl_set_channels_validate() + ethnl_set_channels() */
function ethnlSetChannels(dev: NetDevice, ops: EthtoolOps, attrs: NlAttrs): Record<string, unknown> | KErr {
  if (!ops.getChannels || !ops.setChannels) return kerr("EOPNOTSUPP");
  const ch = { ...ops.getChannels(dev) };
  const a = new Map(attrs);
  let mod = false;
  let modCombined = false;
  const update = (k: "rx_count" | "tx_count" | "other_count" | "combined_count", attr: string): boolean => {
    const v = a.get(attr);
    if (v === undefined || v === ch[k]) return false;
    ch[k] = v;
    return true;
  };
  mod = update("rx_count", "rx") || mod;
  mod = update("tx_count", "tx") || mod;
  mod = update("other_count", "other") || mod;
  modCombined = update("combined_count", "combined");
  mod ||= modCombined;
  if (!mod) return {};
  /* ensure new channel counts are within limits */
  let errAttr = "";
  if (ch.rx_count > ch.max_rx) errAttr = "rx";
  else if (ch.tx_count > ch.max_tx) errAttr = "tx";
  else if (ch.other_count > ch.max_other) errAttr = "other";
  else if (ch.combined_count > ch.max_combined) errAttr = "combined";
  if (errAttr) return attrErr("EINVAL", "requested channel count exceeds maximum", attrs, errAttr);
  /* ensure there is at least one RX and one TX channel */
  if (!ch.combined_count && !ch.rx_count) errAttr = "rx";
  else if (!ch.combined_count && !ch.tx_count) errAttr = "tx";
  if (errAttr) {
    if (modCombined) errAttr = "combined";
    return attrErr("EINVAL", "requested channel counts would result in no RX or TX channel being configured", attrs, errAttr);
  }
  const e = ops.setChannels(dev, ch);
  return e ?? {};
}

/** net/ethtool/pause.c: ethnl_set_pause_validate() + ethnl_set_pause() */
function ethnlSetPause(dev: NetDevice, ops: EthtoolOps, attrs: NlAttrs): Record<string, unknown> | KErr {
  if (!ops.getPauseparam || !ops.setPauseparam) return kerr("EOPNOTSUPP");
  const p = { ...ops.getPauseparam(dev) };
  let mod = false;
  for (const [n, v] of attrs) {
    const k = n === "autoneg" ? "autoneg" : n === "rx" ? "rx_pause" : "tx_pause";
    if (p[k] !== v) mod = true;
    p[k] = v;
  }
  if (!mod) return {};
  return ops.setPauseparam(dev, p) ?? {};
}

/** net/ethtool/rings.c: ethnl_set_rings_validate()'s checks, in its order (the extack texts
 * of those ethtool 6.1 can send) */
const RING_OPTIONAL_PARAMS: [string, string][] = [
  ["rx-buf-len", "rx buf len"], ["cqe-size", "cqe size"], ["tx-push", "tx push"],
];

/** net/ethtool/rings.c: ethnl_set_rings_validate() + ethnl_set_rings() */
function ethnlSetRings(dev: NetDevice, ops: EthtoolOps, attrs: NlAttrs): Record<string, unknown> | KErr {
  /* the parameters only some drivers take, each by its ETHTOOL_RING_USE_* bit */
  const supported = ops.supportedRingParams ?? [];
  for (const [name, what] of RING_OPTIONAL_PARAMS) {
    if (attrs.some(([n]) => n === name) && !supported.includes(name)) {
      return attrErr("EOPNOTSUPP", `setting ${what} not supported`, attrs, name);
    }
  }
  if (!ops.getRingparam || !ops.setRingparam) return kerr("EOPNOTSUPP");
  const r = { ...ops.getRingparam(dev) };
  let mod = false;
  for (const [n, v] of attrs) {
    if (r[n] !== v) mod = true;
    r[n] = v;
  }
  if (!mod) return {};
  /* ensure new ring parameters are within limits */
  for (const [n, max] of [["rx", "rx-max"], ["rx-mini", "rx-mini-max"], ["rx-jumbo", "rx-jumbo-max"], ["tx", "tx-max"]] as const) {
    if ((r[n] ?? 0) > (r[max] ?? 0)) return attrErr("EINVAL", "requested ring size exceeds maximum", attrs, n);
  }
  return ops.setRingparam(dev, r) ?? {};
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
    case "ETHTOOL_MSG_CHANNELS_SET":
      return ethnlSetChannels(dev, ops, nlAttrs(req));
    case "ETHTOOL_MSG_TSINFO_GET": {
      /* net/ethtool/tsinfo.c: tsinfo_prepare_data() + tsinfo_fill_reply(): the PHC index only
       * when there is one, the bitsets verbose (with names: ethtool 6.1 asks no compact ones) */
      const ts = ethtoolGetTsInfo(dev, ops);
      return {
        timestamping: bitNames(ts.so_timestamping, SOF_TIMESTAMPING_NAMES),
        ...(ts.phc_index >= 0 ? { phc_index: ts.phc_index } : {}),
        tx_types: bitNames(ts.tx_types, TS_TX_TYPE_NAMES),
        rx_filters: bitNames(ts.rx_filters, TS_RX_FILTER_NAMES),
      };
    }
    case "ETHTOOL_MSG_PAUSE_GET": {
      /* net/ethtool/pause.c: pause_prepare_data() + pause_fill_reply() */
      if (!ops.getPauseparam) return kerr("EOPNOTSUPP");
      const pp = ops.getPauseparam(dev);
      return { autoneg: pp.autoneg, rx: pp.rx_pause, tx: pp.tx_pause };
    }
    case "ETHTOOL_MSG_PAUSE_SET":
      return ethnlSetPause(dev, ops, nlAttrs(req));
    case "ETHTOOL_MSG_COALESCE_GET": {
      /* net/ethtool/coalesce.c: coalesce_prepare_data() + coalesce_fill_reply(): a parameter is
       * reported when it is set or the driver supports it (coalesce_put_u32/bool) */
      if (!ops.getCoalesce) return kerr("EOPNOTSUPP");
      const c = ops.getCoalesce(dev);
      const supported = ops.supportedCoalesceParams ?? 0;
      const out: Record<string, number> = {};
      COALESCE_ATTRS.forEach((name, b) => {
        const v = c[name] ?? 0;
        if (v || supported & (1 << b)) out[name] = v;
      });
      return out;
    }
    case "ETHTOOL_MSG_COALESCE_SET":
      return ethnlSetCoalesce(dev, ops, nlAttrs(req));
    case "ETHTOOL_MSG_RINGS_GET":
      /* net/ethtool/rings.c: rings_prepare_data() */
      if (!ops.getRingparam) return kerr("EOPNOTSUPP");
      return { ...ops.getRingparam(dev) };
    case "ETHTOOL_MSG_RINGS_SET":
      return ethnlSetRings(dev, ops, nlAttrs(req));
    case "ETHTOOL_GSSET_INFO":
      /* net/ethtool/ioctl.c: ethtool_get_sset_info(): a set the driver does not count is left
       * out of the answer's mask (len 0 to the caller) */
      return { len: req.string_set === "ETH_SS_STATS" && ops.getStats ? ops.getStats(dev).length : 0 };
    case "ETHTOOL_MSG_MODULE_GET":
      /* net/ethtool/module.c: module_prepare_data(): without get_module_power_mode the reply
       * carries nothing but its header */
      return {};
    case "ETHTOOL_MSG_TUNNEL_INFO_GET":
      /* net/ethtool/tunnels.c: ethnl_tunnel_info_doit(): no udp_tunnel_nic_info */
      return kerr("EOPNOTSUPP", "device does not report tunnel offload info");
    case "ETHTOOL_NWAY_RST": /* nway_reset */
    case "ETHTOOL_PHYS_ID": /* set_phys_id */
    case "ETHTOOL_GEEPROM": /* get_eeprom_len */
    case "ETHTOOL_GREGS": /* get_regs_len */
    case "ETHTOOL_TEST": /* self_test */
    case "ETHTOOL_GET_DUMP_FLAG": /* get_dump_flag */
    case "ETHTOOL_SET_DUMP": /* set_dump */
    case "ETHTOOL_GRXRINGS": /* get_rxnfc / get_rx_ring_count */
    case "ETHTOOL_GRXCLSRLCNT": /* get_rxnfc */
    case "ETHTOOL_GRXFH": /* get_rxnfc */
    case "ETHTOOL_GMODULEINFO": /* get_module_info */
    case "ETHTOOL_MSG_MODULE_EEPROM_GET": /* get_module_eeprom_by_page, get_module_info */
    case "ETHTOOL_MSG_PRIVFLAGS_GET": /* get_sset_count(ETH_SS_PRIV_FLAGS) */
    case "ETHTOOL_MSG_EEE_GET": /* get_eee */
    case "ETHTOOL_MSG_FEC_GET": /* get_fecparam */
    case "ETHTOOL_MSG_CABLE_TEST_ACT": /* a PHY */
    case "ETHTOOL_MSG_EEE_SET": /* get_eee, set_eee */
    case "ETHTOOL_GTUNABLE": /* get_tunable */
    case "ETHTOOL_MSG_FEC_SET": /* get_fecparam, set_fecparam */
      /* none of the modelled drivers has the op these need */
      return kerr("EOPNOTSUPP");
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
  }
  return kerr("EOPNOTSUPP");
}

/** a SET request's attributes: attrs: [name, value][] in the order the tool put them */
function nlAttrs(req: Record<string, unknown>): NlAttrs {
  return Array.isArray(req.attrs) ? (req.attrs as NlAttrs) : [];
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
          /* ifr_qlen is an int */
          return { qlen: dev.txQueueLen | 0 };
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
