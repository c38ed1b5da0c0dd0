/**
 * net/core/rtnetlink.c: the rtnetlink dispatcher (rtnetlink_rcv_msg: doit/dumpit by family and
 * type, falling back to PF_UNSPEC), link kinds (rtnl_link_register), per-family IFLA_AF_SPEC
 * ops (rtnl_af_register), and the link messages themselves: RTM_NEWLINK/SETLINK (rtnl_newlink,
 * do_setlink), RTM_DELLINK, RTM_GETLINK and rtnl_fill_ifinfo().
 */
import { utf8Length } from "../../wire/bytes.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import {
  AF_UNSPEC, type RtnlMsg, type LinkMsg, type IflaAttrs, type NlAck, type Rtnetlink, type InfoData,
  type IfInfoMsg, type NeighMsg, type NdaAttrs, type StatsMsg, type StatsAttrs,
  IFLA_STATS_FILTER_BIT, IFLA_STATS_LINK_XSTATS, IFLA_STATS_LINK_XSTATS_SLAVE, RTNLGRP_LINK,
  IFLA_STATS_LINK_64, IFLA_STATS_LINK_OFFLOAD_XSTATS, IFLA_STATS_AF_SPEC, IFLA_OFFLOAD_XSTATS_HW_S_INFO,
  IFLA_OFFLOAD_XSTATS_L3_STATS, type OffloadXstats, type RtnlHwStats64,
} from "../uapi/rtnetlink.ts";
import type { NetDevice, RtnlLinkOps } from "./netdevice.ts";
import { NET_ADDR_SET, devStats64 } from "./netdevice.ts";
import type { Net } from "./net_namespace.ts";
import { peernet2idAlloc, getNetNsById } from "./net_namespace.ts";
import {
  devGetByIndex, devGetByName, devGetFlags, devChangeFlags, devSetMtu, devSetMacAddress, devChangeName,
  devChangeNetNamespace, devChangeTxQueueLen, devSetAlias, devSetGroup, devValidateMtu, devGetIflink,
  devGetValidName, unregisterNetdevice, unregisterNetdeviceBatch, netdevStateChange, devAltnameCreate, devAltnameDestroy, netifRunning, linkwatchRunPending, linkwatchSyncDev,
} from "./dev.ts";
import {
  callNetdeviceNotifiers, registerNetdeviceNotifier, NETDEV_CHANGEADDR, NETDEV_REBOOT, NETDEV_CHANGEMTU, NETDEV_CHANGENAME,
  NETDEV_FEAT_CHANGE, NETDEV_BONDING_FAILOVER, NETDEV_POST_TYPE_CHANGE, NETDEV_NOTIFY_PEERS, NETDEV_CHANGEUPPER,
  NETDEV_RESEND_IGMP, NETDEV_CHANGEINFODATA, NETDEV_CHANGELOWERSTATE, NETDEV_CHANGE_TX_QUEUE_LEN,
} from "./notifier.ts";
import { rtnlHasListeners, rtnlListen, rtnlNotify } from "./rtnl_notify.ts";
import { IF_OPER_DOWN, IF_OPER_UP, IF_OPER_DORMANT, IF_OPER_TESTING, IF_OPER_UNKNOWN, IFNAMSIZ, ALTIFNAMSIZ } from "../uapi/if.ts";
import { neightblDumpInfo, neightblSet } from "./neighbour.ts";

export type RtnlMsgType = RtnlMsg["type"];

/**
 * struct net_device_ops: ndo_fdb_add / ndo_fdb_del / ndo_fdb_dump of a driver with an FDB of
 * its own (vxlan). rtnl_fdb_add/del/dump (the bridge part's AF_BRIDGE handlers) call them for
 * `bridge fdb … self` on such a device; a device without them gets ndo_dflt_fdb_*.
 */
export interface NdoFdbOps {
  /** `nlFlags` are the request's NLM_F_* (create, excl, replace, append) */
  fdbAdd?(ndm: NeighMsg["ndm"], attrs: NdaAttrs, dev: NetDevice, addr: Uint8Array, vid: number, nlFlags: NeighMsg["flags"]): KErr | undefined;
  fdbDel?(ndm: NeighMsg["ndm"], attrs: NdaAttrs, dev: NetDevice, addr: Uint8Array, vid: number): KErr | undefined;
  fdbDump?(dev: NetDevice): NeighMsg[];
}

const ndoFdbOps = new WeakMap<object, NdoFdbOps>();

/** dev->netdev_ops->ndo_fdb_*: a driver attaches them to its netdev ops object */
export function setNdoFdbOps(netdevOps: object, ops: NdoFdbOps): void {
  ndoFdbOps.set(netdevOps, ops);
}

/** the device's ndo_fdb_* (undefined: none, use ndo_dflt_fdb_*) */
export function ndoFdbOpsOf(dev: NetDevice): NdoFdbOps | undefined {
  return ndoFdbOps.get(dev.ops);
}

/** what a doit returns: an error, nothing (ack), or the answer of a GET (and an extack warning) */
export type RtnlDoitResult =
  | KErr
  | undefined
  | { answer?: RtnlMsg; warning?: string }
  | { ack: NlAck; answer?: RtnlMsg | undefined };
export type RtnlDoit = (net: Net, msg: any) => RtnlDoitResult;
export type RtnlDumpit = (net: Net, msg: any) => RtnlMsg[];

interface RtnlLink {
  doit?: RtnlDoit;
  dumpit?: RtnlDumpit;
}

/** rtnl_msg_handlers[protocol][msgtype], here by message type, then family (the lookup of
 * every request: no key string to build and hash per message) */
const rtnlMsgHandlers = new Map<string, Map<number, RtnlLink>>();

/** net/core/rtnetlink.c: rtnl_register() — merges doit/dumpit into what is registered */
export function rtnlRegister(family: number, msgtype: RtnlMsgType | string, h: { doit?: RtnlDoit; dumpit?: RtnlDumpit }): void {
  let byFamily = rtnlMsgHandlers.get(msgtype);
  if (!byFamily) rtnlMsgHandlers.set(msgtype, (byFamily = new Map()));
  const cur = byFamily.get(family) ?? {};
  if (h.doit) cur.doit = h.doit;
  if (h.dumpit) cur.dumpit = h.dumpit;
  byFamily.set(family, cur);
}

/** net/core/rtnetlink.c: rtnl_get_link(): (family, type), falling back to PF_UNSPEC */
function rtnlGetLink(family: number, msgtype: string): RtnlLink | undefined {
  const byFamily = rtnlMsgHandlers.get(msgtype);
  if (!byFamily) return undefined;
  return byFamily.get(family) ?? byFamily.get(AF_UNSPEC);
}

function msgFamily(m: RtnlMsg): number {
  if ("ifi" in m) return m.ifi.family;
  if ("ifa" in m) return m.ifa.family;
  if ("rtm" in m) return m.rtm.family;
  if ("ndm" in m) return m.ndm.family;
  if ("ncm" in m) return m.ncm.family;
  if ("ifsm" in m) return m.ifsm.family;
  if ("bpm" in m) return m.bpm.family;
  if ("bvm" in m) return m.bvm.family;
  if ("ifal" in m) return m.ifal.family;
  if ("nhm" in m) return m.nhm.family;
  if ("ndtm" in m) return m.ndtm.family;
  return m.frh.family;
}

/** net/core/rtnetlink.c: rtnetlink_rcv_msg() for a request */
export function rtnetlinkRcvMsg(net: Net, req: RtnlMsg): { ack: NlAck; answer?: RtnlMsg } {
  const link = rtnlGetLink(msgFamily(req), req.type);
  if (!link?.doit) return { ack: { ok: false, errno: "EOPNOTSUPP" } };
  linkwatchRunPending(net);
  const r = link.doit(net, req);
  /* rtnl_unlock(): link watch work that is due runs before the process goes on */
  linkwatchRunPending(net);
  if (r === undefined) return { ack: { ok: true } };
  if (isKErr(r)) return { ack: { ok: false, ...r } };
  if ("ack" in r) return r.answer ? { ack: r.ack, answer: r.answer } : { ack: r.ack };
  const ack: NlAck = r.warning !== undefined ? { ok: true, warning: r.warning } : { ok: true };
  return r.answer ? { ack, answer: r.answer } : { ack };
}

/** net/core/rtnetlink.c: rtnetlink_rcv_msg() with NLM_F_DUMP: no dumpit for the family (nor for
 * PF_UNSPEC) is an EOPNOTSUPP answer to the request (an NLMSG_ERROR, where a dumpit's own
 * errors end the dump with NLMSG_DONE) */
export function rtnetlinkDump(net: Net, req: RtnlMsg): RtnlMsg[] {
  const link = rtnlGetLink(msgFamily(req), req.type);
  if (!link?.dumpit) return Object.assign([] as RtnlMsg[], { error: kerr("EOPNOTSUPP") });
  linkwatchRunPending(net);
  return link.dumpit(net, req);
}

/** the Rtnetlink a process of `net` talks to */
export function rtnetlinkFor(net: Net): Rtnetlink {
  return {
    talk: (req) => rtnetlinkRcvMsg(net, req),
    dump: (req) => rtnetlinkDump(net, req),
    listen: (groups) => rtnlListen(net, groups),
  };
}

// ------------------------------------------------------------------------------ link kinds

/** what rtnl_newlink hands a kind's newlink() */
export interface NewlinkParams {
  /** the namespace the request came from */
  srcNet: Net;
  /** the namespace the device is created in (IFLA_NET_NS_* or srcNet) */
  net: Net;
  /** IFLA_LINK_NETNSID's namespace, if given */
  linkNet: Net | undefined;
  ifi: IfInfoMsg;
  attrs: IflaAttrs;
  data: InfoData | undefined;
}

/** struct rtnl_link_ops with the kernel's setup/newlink split */
export interface RtnlLinkKind extends RtnlLinkOps {
  /** alloc_netdev() + ops->setup(): a new, unregistered device named `name` in `net` */
  alloc(name: string, net: Net, p: NewlinkParams): NetDevice | KErr;
  /** ops->validate */
  validate?(p: NewlinkParams): KErr | undefined;
  /** ops->peer_type: the peer's own ifinfomsg and attributes in a request's IFLA_INFO_DATA
   * (veth's VETH_INFO_PEER), undefined when it has none */
  peer?(data: NewlinkParams["data"]): { ifi: IfInfoMsg; attrs: IflaAttrs } | undefined;
  /** ops->newlink: register `dev` (and whatever goes with it, e.g. the veth peer) */
  newlink(dev: NetDevice, p: NewlinkParams): KErr | undefined;
}

const linkOps = new Map<string, RtnlLinkKind>();

/** net/core/rtnetlink.c: rtnl_link_register() */
export function rtnlLinkRegister(ops: RtnlLinkKind): void {
  linkOps.set(ops.kind, ops);
}

/** net/core/rtnetlink.c: rtnl_link_ops_get() */
export function rtnlLinkOpsGet(kind: string): RtnlLinkKind | undefined {
  return linkOps.get(kind);
}

// --------------------------------------------------------------------------- af ops

/** struct rtnl_af_ops: a family's part of IFLA_AF_SPEC (addrconf: IFLA_INET6_ADDR_GEN_MODE) */
export interface RtnlAfOps {
  family: number;
  /** fill_link_af: add this family's attributes of `dev` to `attrs` */
  fillLinkAf?(dev: NetDevice, attrs: IflaAttrs): void;
  /** validate_link_af + set_link_af: apply the family's attributes from a SETLINK (undefined
   * when the message has none of them) */
  setLinkAf?(dev: NetDevice, attrs: IflaAttrs): KErr | undefined;
}

const afOps: RtnlAfOps[] = [];

/** net/core/rtnetlink.c: rtnl_af_register() */
export function registerRtnlAfOps(ops: RtnlAfOps): void {
  const i = afOps.findIndex((o) => o.family === ops.family);
  if (i >= 0) afOps[i] = ops;
  else afOps.push(ops);
}

// ---------------------------------------------------------------------------- fill_ifinfo

/** net/core/rtnetlink.c: rtnl_fill_link_netnsid() */
function linkNetOf(dev: NetDevice): Net | undefined {
  return dev.ops.getLinkNet?.(dev);
}

/** net/core/rtnetlink.c: rtnl_fill_ifinfo() — the RTM_NEWLINK message describing `dev` as
 * a process in `srcNet` sees it */
export function rtnlFillIfinfo(srcNet: Net, dev: NetDevice, change = 0): LinkMsg {
  // the attributes every device has, in one literal: one object of their shape, where adding
  // them one by one to {} grows (and copies) its property store a dozen times per message
  const a: IflaAttrs = {
    IFLA_IFNAME: dev.name,
    IFLA_TXQLEN: dev.txQueueLen,
    IFLA_OPERSTATE: netifRunning(dev) ? dev.operstate : IF_OPER_DOWN,
    IFLA_LINKMODE: dev.linkmode,
    IFLA_MTU: dev.mtu,
    IFLA_MIN_MTU: dev.minMtu,
    IFLA_MAX_MTU: dev.maxMtu,
    IFLA_GROUP: dev.group,
    IFLA_PROMISCUITY: dev.promiscuity,
    IFLA_ALLMULTI: dev.allmulti,
    IFLA_NUM_TX_QUEUES: dev.numTxQueues,
    IFLA_GSO_MAX_SEGS: dev.gsoMaxSegs,
    IFLA_GSO_MAX_SIZE: dev.gsoMaxSize,
    IFLA_GRO_MAX_SIZE: dev.groMaxSize,
    IFLA_GSO_IPV4_MAX_SIZE: dev.gsoIpv4MaxSize,
    IFLA_GRO_IPV4_MAX_SIZE: dev.groIpv4MaxSize,
    IFLA_TSO_MAX_SIZE: dev.tsoMaxSize,
    IFLA_TSO_MAX_SEGS: dev.tsoMaxSegs,
    IFLA_NUM_RX_QUEUES: dev.numRxQueues,
    IFLA_CARRIER: dev.carrier ? 1 : 0,
    IFLA_CARRIER_CHANGES: dev.carrierUpCount + dev.carrierDownCount,
    IFLA_CARRIER_UP_COUNT: dev.carrierUpCount,
    IFLA_CARRIER_DOWN_COUNT: dev.carrierDownCount,
    IFLA_PROTO_DOWN: 0,
  };
  if (dev.qdisc) a.IFLA_QDISC = dev.qdisc;
  if (dev.addrLen) {
    a.IFLA_ADDRESS = dev.devAddr.slice(0, dev.addrLen);
    a.IFLA_BROADCAST = dev.broadcast.slice(0, dev.addrLen);
  }
  /* rtnl_fill_link_netnsid(): a device whose link is in another namespace */
  let forceIflink = false;
  if (dev.ops.getLinkNet) {
    const linkNet = linkNetOf(dev);
    if (linkNet && linkNet !== dev.net) {
      const id = peernet2idAlloc(srcNet, linkNet);
      a.IFLA_LINK_NETNSID = id;
    }
    forceIflink = true;
  }
  /* put_iflink */
  const iflink = devGetIflink(dev);
  if (forceIflink || iflink !== dev.ifindex) a.IFLA_LINK = iflink;
  if (dev.master) a.IFLA_MASTER = dev.master.ifindex;
  if (dev.permAddr && dev.permAddr.some((b) => b !== 0)) a.IFLA_PERM_ADDRESS = dev.permAddr.slice(0, dev.addrLen);
  if (dev.ifalias !== undefined) a.IFLA_IFALIAS = dev.ifalias;
  /* rtnl_fill_prop_list() */
  if (dev.altnames) a.IFLA_PROP_LIST = dev.altnames.slice();
  a.IFLA_STATS64 = devStats64(dev);
  /* rtnl_link_fill() + rtnl_link_slave_info_fill() */
  if (dev.linkOps || dev.master?.linkOps?.fillSlaveInfo) {
    const li: NonNullable<IflaAttrs["IFLA_LINKINFO"]> = {};
    if (dev.master?.linkOps?.slaveKind) {
      const m = dev.master;
      li.IFLA_INFO_SLAVE_KIND = m.linkOps!.slaveKind!;
      const sd = m.linkOps!.fillSlaveInfo?.(m, dev);
      if (sd) li.IFLA_INFO_SLAVE_DATA = sd;
    }
    if (dev.linkOps) {
      li.IFLA_INFO_KIND = dev.linkOps.kind;
      const d = dev.linkOps.fillInfo?.(dev);
      if (d) li.IFLA_INFO_DATA = d;
    }
    a.IFLA_LINKINFO = li;
  }
  /* rtnl_fill_link_af() */
  for (const o of afOps) o.fillLinkAf?.(dev, a);
  return {
    type: "RTM_NEWLINK",
    flags: {},
    ifi: { family: AF_UNSPEC, type: dev.type, index: dev.ifindex, flags: devGetFlags(dev), change },
    attrs: a,
  };
}

/** net/core/rtnetlink.c: rtmsg_ifinfo() — the link's message to RTNLGRP_LINK. Building it
 * allocates the nsid of the link's namespace (rtnl_fill_link_netnsid()), listener or not */
export function rtmsgIfinfo(type: "RTM_NEWLINK" | "RTM_DELLINK", dev: NetDevice, change = 0): void {
  const net = dev.net;
  if (!net) return;
  if (!rtnlHasListeners(net, RTNLGRP_LINK)) {
    const linkNet = dev.ops.getLinkNet?.(dev);
    if (linkNet && linkNet !== net) peernet2idAlloc(net, linkNet);
    return;
  }
  const m = rtnlFillIfinfo(net, dev, change);
  rtnlNotify(net, RTNLGRP_LINK, type === "RTM_NEWLINK" ? m : { ...m, type });
}

/** net/core/rtnetlink.c: rtnetlink_event() — the netdevice events that are a NEWLINK */
function rtnetlinkEvent(event: number, dev: NetDevice): void {
  switch (event) {
    case NETDEV_REBOOT:
    case NETDEV_CHANGEMTU:
    case NETDEV_CHANGEADDR:
    case NETDEV_CHANGENAME:
    case NETDEV_FEAT_CHANGE:
    case NETDEV_BONDING_FAILOVER:
    case NETDEV_POST_TYPE_CHANGE:
    case NETDEV_NOTIFY_PEERS:
    case NETDEV_CHANGEUPPER:
    case NETDEV_RESEND_IGMP:
    case NETDEV_CHANGEINFODATA:
    case NETDEV_CHANGELOWERSTATE:
    case NETDEV_CHANGE_TX_QUEUE_LEN:
      rtmsgIfinfo("RTM_NEWLINK", dev, 0);
      break;
  }
}

// -------------------------------------------------------------------------------- helpers

/** net/core/rtnetlink.c: rtnl_link_get_net_capable(): IFLA_NET_NS_PID / FD (here by /run/netns
 * name) / IFLA_TARGET_NETNSID */
export function rtnlLinkGetNet(srcNet: Net, a: IflaAttrs): Net | KErr | undefined {
  if (a.IFLA_NET_NS_BADFD) return kerr("EINVAL");
  if (a.IFLA_NET_NS_NAME !== undefined) {
    const n = srcNet.host.namedNetns.get(a.IFLA_NET_NS_NAME);
    return n ?? kerr("EINVAL");
  }
  if (a.IFLA_NET_NS_PID !== undefined) {
    /* get_net_ns_by_pid(): the namespace of that process (init's without a process table) */
    const pid = a.IFLA_NET_NS_PID;
    const n = srcNet.host.pidNetns ? srcNet.host.pidNetns(pid) : pid === 1 ? srcNet.host.initNet : undefined;
    return n && n.alive ? n : kerr("ESRCH");
  }
  if (a.IFLA_TARGET_NETNSID !== undefined) {
    const n = getNetNsById(srcNet, a.IFLA_TARGET_NETNSID);
    return n ?? kerr("EINVAL");
  }
  return undefined;
}

/** net/core/rtnetlink.c: validate_linkmsg() */
function validateLinkmsg(dev: NetDevice | undefined, a: IflaAttrs): KErr | undefined {
  if (dev) {
    if (a.IFLA_ADDRESS && a.IFLA_ADDRESS.length < dev.addrLen) return kerr("EINVAL");
    if (a.IFLA_BROADCAST && a.IFLA_BROADCAST.length < dev.addrLen) return kerr("EINVAL");
  }
  if (a.IFLA_GSO_MAX_SIZE !== undefined && a.IFLA_GSO_MAX_SIZE > 524280)
    return kerr("EINVAL", "too big gso_max_size");
  if (a.IFLA_GSO_MAX_SEGS !== undefined && a.IFLA_GSO_MAX_SEGS > 65535)
    return kerr("EINVAL", "too big gso_max_segs");
  if (a.IFLA_GRO_MAX_SIZE !== undefined && a.IFLA_GRO_MAX_SIZE > 524280)
    return kerr("EINVAL", "too big gro_max_size");
  return undefined;
}

/** net/core/rtnetlink.c: rtnl_dev_get(): by IFLA_IFNAME */
function rtnlDevGet(net: Net, a: IflaAttrs): NetDevice | undefined {
  return a.IFLA_IFNAME !== undefined ? devGetByName(net, a.IFLA_IFNAME) : undefined;
}

/** net/core/rtnetlink.c: rtnl_dev_combine_flags() */
function rtnlDevCombineFlags(dev: NetDevice, ifi: IfInfoMsg): number {
  let flags = ifi.flags;
  if (ifi.change) flags = (flags & ifi.change) | (devGetFlags(dev) & ~ifi.change);
  return flags;
}

/** net/core/rtnetlink.c: set_operstate() */
function setOperstate(dev: NetDevice, transition: number): void {
  let operstate = dev.operstate;
  switch (transition) {
    case IF_OPER_UP:
      if ((operstate === IF_OPER_DORMANT || operstate === IF_OPER_TESTING || operstate === IF_OPER_UNKNOWN) && !dev.dormant)
        operstate = IF_OPER_UP;
      break;
    case IF_OPER_TESTING:
      if (netifOperUpOrUnknown(operstate)) operstate = IF_OPER_TESTING;
      break;
    case IF_OPER_DORMANT:
      if (netifOperUpOrUnknown(operstate)) operstate = IF_OPER_DORMANT;
      break;
  }
  if (dev.operstate !== operstate) {
    dev.operstate = operstate;
    netdevStateChange(dev);
  }
}
function netifOperUpOrUnknown(s: number): boolean {
  return s === IF_OPER_UP || s === IF_OPER_UNKNOWN;
}

/** net/core/rtnetlink.c: do_set_master() */
function doSetMaster(dev: NetDevice, ifindex: number): KErr | undefined {
  const upper = dev.master;
  if (upper) {
    if (upper.ifindex === ifindex) return undefined;
    if (!upper.ops.delSlave) return kerr("EOPNOTSUPP");
    const e = upper.ops.delSlave(upper, dev);
    if (e) return e;
  }
  if (ifindex) {
    const m = devGetByIndex(dev.net, ifindex);
    if (!m) return kerr("EINVAL");
    if (!m.ops.addSlave) return kerr("EOPNOTSUPP");
    const e = m.ops.addSlave(m, dev);
    if (e) return e;
  }
  return undefined;
}

/** net/core/rtnetlink.c: do_setlink() */
function doSetlink(_srcNet: Net, dev: NetDevice, ifi: IfInfoMsg, a: IflaAttrs, tgtNet: Net | undefined): KErr | undefined {
  if (tgtNet) {
    const e = devChangeNetNamespace(dev, tgtNet, a.IFLA_IFNAME);
    if (e) return e;
  }
  if (a.IFLA_ADDRESS) {
    const e = devSetMacAddress(dev, a.IFLA_ADDRESS);
    if (e) return e;
  }
  if (a.IFLA_MTU !== undefined) {
    const e = devSetMtu(dev, a.IFLA_MTU);
    if (e) return e;
  }
  if (a.IFLA_GROUP !== undefined) devSetGroup(dev, a.IFLA_GROUP);
  /* Interface selected by interface index but interface name provided implies that a name
   * change has been requested. */
  if (ifi.index > 0 && a.IFLA_IFNAME !== undefined) {
    const e = devChangeName(dev, a.IFLA_IFNAME);
    if (e) return e;
  }
  if (a.IFLA_IFALIAS !== undefined) {
    const e = devSetAlias(dev, a.IFLA_IFALIAS);
    if (e) return e;
  }
  if (a.IFLA_BROADCAST) {
    dev.broadcast = a.IFLA_BROADCAST.slice(0, dev.addrLen);
    callNetdeviceNotifiers(NETDEV_CHANGEADDR, dev);
  }
  if (ifi.flags || ifi.change) {
    const e = devChangeFlags(dev, rtnlDevCombineFlags(dev, ifi));
    if (e) return e;
  }
  if (a.IFLA_MASTER !== undefined) {
    const e = doSetMaster(dev, a.IFLA_MASTER);
    if (e) return e;
  }
  if (a.IFLA_CARRIER !== undefined) {
    /* dev_change_carrier(): only devices with ndo_change_carrier (dummy, team) */
    return kerr("EOPNOTSUPP");
  }
  if (a.IFLA_TXQLEN !== undefined) {
    const e = devChangeTxQueueLen(dev, a.IFLA_TXQLEN);
    if (e) return e;
  }
  if (a.IFLA_GSO_MAX_SIZE !== undefined) dev.gsoMaxSize = a.IFLA_GSO_MAX_SIZE;
  if (a.IFLA_GSO_MAX_SEGS !== undefined) dev.gsoMaxSegs = a.IFLA_GSO_MAX_SEGS;
  if (a.IFLA_GRO_MAX_SIZE !== undefined) dev.groMaxSize = a.IFLA_GRO_MAX_SIZE;
  if (a.IFLA_OPERSTATE !== undefined) setOperstate(dev, a.IFLA_OPERSTATE);
  if (a.IFLA_LINKMODE !== undefined) dev.linkmode = a.IFLA_LINKMODE;
  if (a.IFLA_PROTO_DOWN !== undefined) {
    if (a.IFLA_PROTO_DOWN) return kerr("EOPNOTSUPP", "Protodown not supported by device");
  }
  for (const o of afOps) {
    const e = o.setLinkAf?.(dev, a);
    if (e) return e;
  }
  return undefined;
}

/** dev->rtnl_link_state == RTNL_LINK_INITIALIZING: created by rtnl_create_link(), not yet
 * configured (register_netdevice() leaves its RTM_NEWLINK to rtnl_configure_link()) */
const linkInitializing = new WeakSet<NetDevice>();

export function rtnlLinkInitializing(dev: NetDevice): boolean {
  return linkInitializing.has(dev);
}

/** net/core/rtnetlink.c: rtnl_create_link() */
export function rtnlCreateLink(net: Net, ifname: string, kind: RtnlLinkKind, p: NewlinkParams): NetDevice | KErr {
  const a = p.attrs;
  if (a.IFLA_NUM_TX_QUEUES !== undefined && (a.IFLA_NUM_TX_QUEUES < 1 || a.IFLA_NUM_TX_QUEUES > 4096))
    return kerr("EINVAL", "Invalid number of transmit queues");
  if (a.IFLA_NUM_RX_QUEUES !== undefined && (a.IFLA_NUM_RX_QUEUES < 1 || a.IFLA_NUM_RX_QUEUES > 4096))
    return kerr("EINVAL", "Invalid number of receive queues");
  /* the name is checked here and resolved ("veth%d") by register_netdevice(); the driver sees
   * it as requested (a random MAC in lab mode is keyed on the name as typed) */
  const name = devGetValidName(net, ifname);
  if (typeof name !== "string") return name;
  const dev = kind.alloc(ifname, net, p);
  if (isKErr(dev)) return dev;
  dev.net = net;
  dev.linkOps = kind;
  linkInitializing.add(dev);
  if (a.IFLA_NUM_TX_QUEUES !== undefined) dev.numTxQueues = a.IFLA_NUM_TX_QUEUES;
  if (a.IFLA_NUM_RX_QUEUES !== undefined) dev.numRxQueues = a.IFLA_NUM_RX_QUEUES;
  if (a.IFLA_MTU !== undefined) {
    const e = devValidateMtu(dev, a.IFLA_MTU);
    if (e) return e;
    dev.mtu = a.IFLA_MTU;
  }
  if (a.IFLA_ADDRESS) {
    dev.devAddr = a.IFLA_ADDRESS.slice(0, dev.addrLen);
    dev.addrAssignType = NET_ADDR_SET;
  }
  if (a.IFLA_BROADCAST) dev.broadcast = a.IFLA_BROADCAST.slice(0, dev.addrLen);
  if (a.IFLA_TXQLEN !== undefined) dev.txQueueLen = a.IFLA_TXQLEN;
  if (a.IFLA_OPERSTATE !== undefined) dev.operstate = a.IFLA_OPERSTATE;
  if (a.IFLA_LINKMODE !== undefined) dev.linkmode = a.IFLA_LINKMODE;
  if (a.IFLA_GROUP !== undefined) dev.group = a.IFLA_GROUP >>> 0;
  if (a.IFLA_GSO_MAX_SIZE !== undefined) dev.gsoMaxSize = a.IFLA_GSO_MAX_SIZE;
  if (a.IFLA_GSO_MAX_SEGS !== undefined) dev.gsoMaxSegs = a.IFLA_GSO_MAX_SEGS;
  if (a.IFLA_GRO_MAX_SIZE !== undefined) dev.groMaxSize = a.IFLA_GRO_MAX_SIZE;
  return dev;
}

/** net/core/rtnetlink.c: rtnl_configure_link() */
export function rtnlConfigureLink(dev: NetDevice, ifi: IfInfoMsg | undefined): KErr | undefined {
  if (ifi && (ifi.flags || ifi.change)) {
    const e = devChangeFlags(dev, rtnlDevCombineFlags(dev, ifi));
    if (e) return e;
  }
  /* __dev_notify_flags(dev, old_flags, ~0U): the RTM_NEWLINK of a new device */
  linkInitializing.delete(dev);
  rtmsgIfinfo("RTM_NEWLINK", dev, ~0);
  return undefined;
}

// ------------------------------------------------------------------------ the link doits

/** lib/nlattr.c: validate_nla() for ifla_policy's [IFLA_IFNAME] = { NLA_STRING, IFNAMSIZ - 1 }
 * (nlmsg_parse_deprecated() in rtnl_newlink()/rtnl_setlink(), before anything else) */
export function iflaPolicyValidate(a: IflaAttrs): KErr | undefined {
  return a.IFLA_IFNAME !== undefined ? nlaStringPolicy(a.IFLA_IFNAME, IFNAMSIZ - 1) : undefined;
}

/** lib/nlattr.c: validate_nla() of an NLA_STRING whose policy has a .len: a longer string
 * fails it */
function nlaStringPolicy(s: string, len: number): KErr | undefined {
  return utf8Length(s) > len ? kerr("ERANGE", "Attribute failed policy validation") : undefined;
}

/** net/core/rtnetlink.c: rtnl_newlink() / __rtnl_newlink() */
function rtnlNewlink(net: Net, m: LinkMsg): RtnlDoitResult {
  const a = m.attrs;
  const ifi = m.ifi;
  const pe = iflaPolicyValidate(a);
  if (pe) return pe;
  const kindName = a.IFLA_LINKINFO?.IFLA_INFO_KIND;
  const ops = kindName !== undefined ? rtnlLinkOpsGet(kindName) : undefined;
  /* rtnl_newlink(): the kind's validate() runs before the device is even looked up */
  if (ops?.validate) {
    const ve = ops.validate({ srcNet: net, net, linkNet: undefined, ifi, attrs: a, data: a.IFLA_LINKINFO?.IFLA_INFO_DATA });
    if (ve) return ve;
  }
  /* rtnl_get_peer_net(): the peer's attributes are parsed, validated by the kind and their
   * namespace found before the device is looked up (`peer v6 mtu 1` is EINVAL, not EEXIST) */
  const peer = ops?.peer?.(a.IFLA_LINKINFO?.IFLA_INFO_DATA);
  if (peer) {
    const pe2 = iflaPolicyValidate(peer.attrs) ?? ops!.validate?.({ srcNet: net, net, linkNet: undefined, ifi: peer.ifi, attrs: peer.attrs, data: undefined });
    if (pe2) return pe2;
    const pn = rtnlLinkGetNet(net, peer.attrs);
    if (isKErr(pn)) return pn;
  }
  let dev: NetDevice | undefined;
  if (ifi.index > 0) dev = devGetByIndex(net, ifi.index);
  else if (a.IFLA_IFNAME !== undefined) dev = rtnlDevGet(net, a);
  const linkSpecified = ifi.index > 0 || a.IFLA_IFNAME !== undefined;
  const e = validateLinkmsg(dev, a);
  if (e) return e;
  const tgt = rtnlLinkGetNet(net, a);
  if (isKErr(tgt)) return tgt;

  if (dev) {
    /* rtnl_changelink() */
    if (m.flags.excl) return kerr("EEXIST");
    if (m.flags.replace) return kerr("EOPNOTSUPP");
    const data = a.IFLA_LINKINFO?.IFLA_INFO_DATA;
    if (data && Object.keys(data).length) {
      if (!ops || ops !== dev.linkOps || !ops.changelink) return kerr("EOPNOTSUPP");
      const err = ops.changelink(dev, data, a);
      if (err) return err;
    }
    const sdata = a.IFLA_LINKINFO?.IFLA_INFO_SLAVE_DATA;
    if (sdata && Object.keys(sdata).length) {
      const m2 = dev.master;
      if (!m2?.linkOps?.changeSlave) return kerr("EOPNOTSUPP");
      const err = m2.linkOps.changeSlave(m2, dev, sdata);
      if (err) return err;
    }
    return doSetlink(net, dev, ifi, a, tgt && tgt !== dev.net ? tgt : undefined);
  }
  if (!m.flags.create) {
    /* No dev found and NLM_F_CREATE not set. Requested dev does not exist, or it's for a group */
    if (linkSpecified || a.IFLA_GROUP === undefined) return kerr("ENODEV");
    return rtnlGroupChangelink(net, a.IFLA_GROUP, ifi, a);
  }
  if (a.IFLA_PROTINFO) return kerr("EOPNOTSUPP");
  if (!ops) return kerr("EOPNOTSUPP", "Unknown device type");
  /* rtnl_newlink_create() */
  const destNet = tgt ?? net;
  let linkNet: Net | undefined;
  if (a.IFLA_LINK_NETNSID !== undefined) {
    linkNet = getNetNsById(destNet, a.IFLA_LINK_NETNSID);
    if (!linkNet) return kerr("EINVAL", "Unknown network namespace id");
  }
  const p: NewlinkParams = { srcNet: net, net: destNet, linkNet, ifi, attrs: a, data: a.IFLA_LINKINFO?.IFLA_INFO_DATA };
  const ifname = a.IFLA_IFNAME ?? `${ops.kind}%d`;
  const nd = rtnlCreateLink(destNet, ifname, ops, p);
  if (isKErr(nd)) return nd;
  nd.ifindex = ifi.index;
  const ne = ops.newlink(nd, p);
  if (ne) return ne;
  const ce = rtnlConfigureLink(nd, ifi);
  if (ce) {
    unregisterNetdevice(nd);
    return ce;
  }
  if (a.IFLA_MASTER !== undefined) {
    const me = doSetMaster(nd, a.IFLA_MASTER);
    if (me) {
      ops.dellink?.(nd);
      unregisterNetdevice(nd);
      return me;
    }
  }
  return undefined;
}

/** net/core/rtnetlink.c: rtnl_group_changelink() */
function rtnlGroupChangelink(net: Net, group: number, ifi: IfInfoMsg, a: IflaAttrs): KErr | undefined {
  for (const dev of net.devices()) {
    if (dev.group === group) {
      const e = doSetlink(net, dev, ifi, a, undefined);
      if (e) return e;
    }
  }
  return undefined;
}

/** net/core/rtnetlink.c: rtnl_setlink() */
function rtnlSetlink(net: Net, m: LinkMsg): RtnlDoitResult {
  const a = m.attrs;
  const pe = iflaPolicyValidate(a);
  if (pe) return pe;
  const tgt = rtnlLinkGetNet(net, a);
  if (isKErr(tgt)) return tgt;
  let dev: NetDevice | undefined;
  if (m.ifi.index > 0) dev = devGetByIndex(net, m.ifi.index);
  else if (a.IFLA_IFNAME !== undefined) dev = rtnlDevGet(net, a);
  else return kerr("EINVAL");
  if (!dev) return kerr("ENODEV");
  const e = validateLinkmsg(dev, a);
  if (e) return e;
  return doSetlink(net, dev, m.ifi, a, tgt && tgt !== dev.net ? tgt : undefined);
}

/** net/core/rtnetlink.c: rtnl_delete_link() */
export function rtnlDeleteLink(dev: NetDevice): KErr | undefined {
  const ops = dev.linkOps;
  if (!ops || !ops.dellink) return kerr("EOPNOTSUPP");
  /* ops->dellink(dev, &list_kill); unregister_netdevice_many(&list_kill) */
  unregisterNetdeviceBatch(() => ops.dellink!(dev));
  return undefined;
}

/** net/core/rtnetlink.c: rtnl_dellink() */
function rtnlDellink(net: Net, m: LinkMsg): RtnlDoitResult {
  const a = m.attrs;
  let dev: NetDevice | undefined;
  if (m.ifi.index > 0) dev = devGetByIndex(net, m.ifi.index);
  else if (a.IFLA_IFNAME !== undefined) dev = rtnlDevGet(net, a);
  else if (a.IFLA_GROUP !== undefined) {
    /* rtnl_group_dellink() */
    if (!a.IFLA_GROUP) return kerr("EPERM");
    const devs = net.devices().filter((d) => d.group === a.IFLA_GROUP);
    for (const d of devs) if (!d.linkOps?.dellink) return kerr("EOPNOTSUPP");
    if (!devs.length) return kerr("ENODEV");
    for (const d of devs) if (d.net === net) rtnlDeleteLink(d);
    return undefined;
  } else return kerr("EINVAL");
  if (!dev) return kerr("ENODEV");
  return rtnlDeleteLink(dev);
}

/** the device a getlink/linkprop request names: by ifi_index, else by IFLA_IFNAME (EINVAL
 * with neither, ENODEV when there is no such device) */
function rtnlRequestDev(net: Net, m: LinkMsg): NetDevice | KErr {
  let dev: NetDevice | undefined;
  if (m.ifi.index > 0) dev = devGetByIndex(net, m.ifi.index);
  else if (m.attrs.IFLA_IFNAME !== undefined) dev = rtnlDevGet(net, m.attrs);
  else return kerr("EINVAL");
  return dev ?? kerr("ENODEV");
}

/** net/core/rtnetlink.c: rtnl_getlink() */
function rtnlGetlink(net: Net, m: LinkMsg): RtnlDoitResult {
  const dev = rtnlRequestDev(net, m);
  if (isKErr(dev)) return dev;
  /* Synchronize the carrier state so we don't report a state that we're not actually going
   * to honour immediately; if the driver just did a carrier off->on transition, we can only
   * TX if link watch work has run, but without this we'd already report carrier on, even if
   * it doesn't work yet. */
  linkwatchSyncDev(dev);
  return { answer: rtnlFillIfinfo(net, dev) };
}

/**
 * net/core/rtnetlink.c: rtnl_linkprop() (RTM_NEWLINKPROP / RTM_DELLINKPROP): each
 * IFLA_ALT_IFNAME of IFLA_PROP_LIST added or removed in turn (rtnl_alt_ifname(); the first
 * error ends it, what came before it stays), then one netdev_state_change() if any did.
 */
function rtnlLinkprop(net: Net, m: LinkMsg): RtnlDoitResult {
  const a = m.attrs;
  const dev = rtnlRequestDev(net, m);
  if (isKErr(dev)) return dev;
  if (!a.IFLA_PROP_LIST) return undefined;
  let changed = false;
  let err: KErr | undefined;
  for (const name of a.IFLA_PROP_LIST) {
    // rtnl_alt_ifname(): nla_validate() against ifla_policy[IFLA_ALT_IFNAME]
    err = nlaStringPolicy(name, ALTIFNAMSIZ - 1);
    if (err) break;
    err = m.type === "RTM_NEWLINKPROP" ? devAltnameCreate(dev, name) : devAltnameDestroy(dev, name);
    if (err) break;
    changed = true;
  }
  if (changed) netdevStateChange(dev);
  return err;
}

/** net/core/rtnetlink.c: rtnl_dump_ifinfo() with link_dump_filtered() (master, kind) */
/**
 * net/core/dev.c: dev->offload_xstats_l3 — the L3 HW statistics a device was asked to keep
 * (`ip stats set dev D l3_stats on`); no driver here offloads, so they stay zero and unused
 */
const offloadXstatsL3 = new WeakMap<NetDevice, RtnlHwStats64>();

/** net/core/rtnetlink.c: stats_attr_valid(): the attribute asked for (nested filters aside) */
function statsAttrValid(mask: number, attrid: number): boolean {
  return (mask & IFLA_STATS_FILTER_BIT(attrid)) !== 0;
}

/** net/core/rtnetlink.c: rtnl_offload_xstats_fill() (with its IFLA_STATS_GET_FILTERS mask) */
function rtnlOffloadXstatsFill(dev: NetDevice, filter: number | undefined): OffloadXstats {
  const want = (t: number) => filter === undefined || (filter & IFLA_STATS_FILTER_BIT(t)) !== 0;
  const o: OffloadXstats = {};
  /* IFLA_OFFLOAD_XSTATS_CPU_HIT: only a driver with ndo_has_offload_stats fills it */
  if (want(IFLA_OFFLOAD_XSTATS_HW_S_INFO)) {
    /* rtnl_offload_xstats_fill_hw_s_info(): request = enabled, used = a driver reported use */
    o.IFLA_OFFLOAD_XSTATS_HW_S_INFO = { IFLA_OFFLOAD_XSTATS_L3_STATS: { REQUEST: offloadXstatsL3.has(dev) ? 1 : 0, USED: 0 } };
  }
  const l3 = offloadXstatsL3.get(dev);
  if (want(IFLA_OFFLOAD_XSTATS_L3_STATS) && l3) o.IFLA_OFFLOAD_XSTATS_L3_STATS = { ...l3 };
  return o;
}

/**
 * net/core/rtnetlink.c: rtnl_fill_statsinfo(): what the filter mask asks for — the 64-bit
 * counters, the kind's extended statistics (fill_linkxstats of its own link ops, or of its
 * master's for a port), the offload statistics, and the per-family nest (empty: no MPLS)
 */
function rtnlFillStatsinfo(dev: NetDevice, mask: number, filters: Record<number, number> | undefined): StatsMsg {
  const attrs: StatsAttrs = {};
  if (statsAttrValid(mask, IFLA_STATS_LINK_64)) attrs.IFLA_STATS_LINK_64 = devStats64(dev);
  if (statsAttrValid(mask, IFLA_STATS_LINK_XSTATS)) {
    const x = dev.linkOps?.fillLinkxstats?.(dev, IFLA_STATS_LINK_XSTATS);
    if (x) attrs.IFLA_STATS_LINK_XSTATS = x;
  }
  if (statsAttrValid(mask, IFLA_STATS_LINK_XSTATS_SLAVE)) {
    const x = dev.master?.linkOps?.fillLinkxstats?.(dev, IFLA_STATS_LINK_XSTATS_SLAVE);
    if (x) attrs.IFLA_STATS_LINK_XSTATS_SLAVE = x;
  }
  if (statsAttrValid(mask, IFLA_STATS_LINK_OFFLOAD_XSTATS))
    attrs.IFLA_STATS_LINK_OFFLOAD_XSTATS = rtnlOffloadXstatsFill(dev, filters?.[IFLA_STATS_LINK_OFFLOAD_XSTATS]);
  if (statsAttrValid(mask, IFLA_STATS_AF_SPEC)) attrs.IFLA_STATS_AF_SPEC = {};
  return { type: "RTM_NEWSTATS", flags: {}, ifsm: { family: AF_UNSPEC, ifindex: dev.ifindex, filterMask: mask }, attrs };
}

/** net/core/rtnetlink.c: rtnl_stats_dump() — one RTM_NEWSTATS per device */
function rtnlStatsDump(net: Net, m: StatsMsg): RtnlMsg[] {
  const mask = m.ifsm.filterMask;
  if (!mask) return Object.assign([] as RtnlMsg[], { error: kerr("EINVAL", "Filter mask must be set for stats dump") });
  return net.devices().map((dev) => rtnlFillStatsinfo(dev, mask, m.attrs.IFLA_STATS_GET_FILTERS));
}

/** net/core/rtnetlink.c: rtnl_stats_get() (with rtnl_valid_stats_req()) */
function rtnlStatsGet(net: Net, m: StatsMsg): RtnlDoitResult {
  if (!m.ifsm.filterMask) return kerr("EINVAL", "Filter mask must be set for stats get");
  const dev = m.ifsm.ifindex > 0 ? devGetByIndex(net, m.ifsm.ifindex) : undefined;
  if (!dev) return kerr("ENODEV");
  return { answer: rtnlFillStatsinfo(dev, m.ifsm.filterMask, m.attrs.IFLA_STATS_GET_FILTERS) };
}

/** net/core/rtnetlink.c: rtnl_stats_set(): IFLA_STATS_SET_OFFLOAD_XSTATS_L3_STATS turns the L3
 * offload statistics on or off (netdev_offload_xstats_enable/disable(); -EALREADY is no error) */
function rtnlStatsSet(net: Net, m: StatsMsg): RtnlDoitResult {
  if (m.ifsm.filterMask) return kerr("EINVAL", "Filter mask must be 0 for stats set");
  if (!m.ifsm.ifindex) return kerr("EINVAL", "ifindex can't be zero");
  const dev = devGetByIndex(net, m.ifsm.ifindex);
  if (!dev) return kerr("ENODEV");
  const req = m.attrs.IFLA_STATS_SET_OFFLOAD_XSTATS_L3_STATS;
  if (req !== undefined) {
    if (req) {
      if (!offloadXstatsL3.has(dev))
        offloadXstatsL3.set(dev, { rx_packets: 0, tx_packets: 0, rx_bytes: 0, tx_bytes: 0, rx_errors: 0, tx_errors: 0, rx_dropped: 0, tx_dropped: 0, multicast: 0 });
    } else offloadXstatsL3.delete(dev);
  }
  return undefined;
}

function rtnlDumpIfinfo(net: Net, m: LinkMsg): RtnlMsg[] {
  const a = m.attrs;
  const tgt = a.IFLA_TARGET_NETNSID !== undefined ? getNetNsById(net, a.IFLA_TARGET_NETNSID) : net;
  if (!tgt) return [];
  const masterIdx = a.IFLA_MASTER ?? 0;
  const kind = a.IFLA_LINKINFO?.IFLA_INFO_KIND;
  const kindOps = kind !== undefined ? rtnlLinkOpsGet(kind) : undefined;
  const out: RtnlMsg[] = [];
  for (const dev of tgt.devices()) {
    if (masterIdx && dev.master?.ifindex !== masterIdx) continue;
    if (kind !== undefined && (!kindOps || dev.linkOps !== kindOps)) continue;
    const msg = rtnlFillIfinfo(net, dev);
    if (tgt !== net) msg.attrs.IFLA_TARGET_NETNSID = a.IFLA_TARGET_NETNSID!;
    out.push(msg);
  }
  return out;
}

/** net/core/rtnetlink.c: rtnl_dump_all() — a PF_UNSPEC dump asks every family that can */
function rtnlDumpAll(net: Net, m: RtnlMsg): RtnlMsg[] {
  const out: RtnlMsg[] = [];
  const byFamily = rtnlMsgHandlers.get(m.type);
  const families = [...(byFamily?.keys() ?? [])].filter((f) => f !== AF_UNSPEC).sort((a, b) => a - b);
  for (const f of families) {
    const link = byFamily!.get(f);
    if (link?.dumpit) out.push(...link.dumpit(net, m));
  }
  return out;
}

/** net/core/rtnetlink.c: rtnetlink_init() — the link messages of PF_UNSPEC */
export function rtnetlinkInit(): void {
  for (const t of ["RTM_GETADDR", "RTM_GETROUTE", "RTM_GETNETCONF"]) rtnlRegister(AF_UNSPEC, t, { dumpit: rtnlDumpAll });
  rtnlRegister(AF_UNSPEC, "RTM_NEWLINK", { doit: rtnlNewlink });
  rtnlRegister(AF_UNSPEC, "RTM_SETLINK", { doit: rtnlSetlink });
  rtnlRegister(AF_UNSPEC, "RTM_DELLINK", { doit: rtnlDellink });
  rtnlRegister(AF_UNSPEC, "RTM_GETLINK", { doit: rtnlGetlink, dumpit: rtnlDumpIfinfo });
  rtnlRegister(AF_UNSPEC, "RTM_NEWLINKPROP", { doit: rtnlLinkprop });
  rtnlRegister(AF_UNSPEC, "RTM_DELLINKPROP", { doit: rtnlLinkprop });
  rtnlRegister(AF_UNSPEC, "RTM_GETSTATS", { doit: rtnlStatsGet, dumpit: rtnlStatsDump });
  rtnlRegister(AF_UNSPEC, "RTM_SETSTATS", { doit: rtnlStatsSet });
  // neigh_init(): the neighbour tables' messages (the tables' entries are the families')
  rtnlRegister(AF_UNSPEC, "RTM_GETNEIGHTBL", { dumpit: neightblDumpInfo });
  rtnlRegister(AF_UNSPEC, "RTM_SETNEIGHTBL", { doit: neightblSet });
  registerNetdeviceNotifier(rtnetlinkEvent);
}
