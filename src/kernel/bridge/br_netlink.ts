/**
 * net/bridge/br_netlink.c (rtnl_link_ops "bridge": newlink/changelink/fill_info/
 * fill_slave_info, AF_BRIDGE RTM_GETLINK dump and RTM_SETLINK) and the AF_BRIDGE neighbour
 * handlers of br_fdb.c (br_fdb_add, br_fdb_delete, br_fdb_dump) with rtnl_fdb_dump's walk.
 * The lab kernel is built without CONFIG_BRIDGE_VLAN_FILTERING (Debian's 6.18 lab kernel
 * answers `bridge vlan add` with EOPNOTSUPP): no IFLA_BR_VLAN_PROTOCOL/… attributes, no vlan
 * lists. A machine whose kernel configuration has it (src/kernel/kconfig.ts) gets them: the
 * bridge then has a vlan group (br.vlgrp, br_vlan.ts), which is what the code below asks.
 */
import type { Net } from "../core/net_namespace.ts";
import type { NetDevice, RtnlLinkOps } from "../core/netdevice.ts";
import { type KErr, kerr } from "../uapi/errno.ts";
import { ndoFdbOpsOf, type NewlinkParams } from "../core/rtnetlink.ts";
import {
  AF_BRIDGE, type IflaAttrs, type InfoData, type LinkMsg, type NdaAttrs, type NeighMsg, NTF_EXT_LEARNED, NTF_MASTER,
  NTF_OFFLOADED, NTF_SELF, NTF_STICKY, NTF_USE, NUD_NOARP, NUD_PERMANENT, NUD_REACHABLE, NUD_STALE, type RtnlMsg,
  RTNLGRP_LINK, RTNLGRP_NEIGH,
} from "../uapi/rtnetlink.ts";
import { rtnlHasListeners, rtnlNotify } from "../core/rtnl_notify.ts";
import {
  devGetFlags, validateEtherAddrAttr, netDevs, netifRunning, netPrintk, netScheduler, unregisterNetdevice,
  devUcAddExcl, devUcDel, devMcAddExcl, devMcDel,
} from "./br_compat.ts";
import { IF_OPER_DOWN } from "../uapi/if.ts";
import {
  BRIDGE_VLAN_INFO_MASTER, BRIDGE_VLAN_INFO_PVID, BRIDGE_VLAN_INFO_RANGE_BEGIN, BRIDGE_VLAN_INFO_RANGE_END,
  BRIDGE_VLAN_INFO_BRENTRY, BRIDGE_VLAN_INFO_UNTAGGED, type BridgeVlanInfo, RTEXT_FILTER_BRVLAN,
  RTEXT_FILTER_BRVLAN_COMPRESSED,
} from "../uapi/rtnetlink.ts";
import { IFLA_STATS_LINK_XSTATS, type LinkXstats, type BrMcastStatsAttr, type BridgeVlanXstats } from "../uapi/rtnetlink.ts";
import type { BrMcastStats } from "./br_private.ts";
import { brFdbFind, brFdbFlush, brFdbDeleteByPort, fdbDelete, holdTime, fdbAddEntry, fdbDeleteByAddr, fdbListNewestFirst } from "./br_fdb.ts";
import { brDevDelete, isBridgeDev } from "./br_if.ts";
import { brMulticastToggle } from "./br_multicast.ts";
import {
  brGetPvid, brVlanAdd, brVlanDelete, brVlanFilterToggle, brVlanFind, brVlanSetDefaultPvid, brVlanSetProto,
  brVlanSetStats, brVlanSetStatsPerPort, brVlanShouldUse, brVlanUsedVids, brVlanValidId, ETH_P_8021AD, ETH_P_8021Q,
  nbpVlanAdd, nbpVlanDelete, type NetBridgeVlanGroup, VLAN_VID_MASK,
} from "./br_vlan.ts";
import {
  BR_ADMIN_COST, BR_BCAST_FLOOD, BR_BPDU_GUARD, BR_FDB_ADDED_BY_EXT_LEARN, BR_FDB_ADDED_BY_USER, BR_FDB_LOCAL,
  BR_FDB_OFFLOADED, BR_FDB_STATIC, BR_FDB_STICKY, BR_FLOOD, BR_HAIRPIN_MODE, BR_ISOLATED,
  BR_LEARNING, BR_LEARNING_SYNC, BR_MCAST_FLOOD, BR_MULTICAST_FAST_LEAVE, BR_MULTICAST_TO_UNICAST, BR_NEIGH_SUPPRESS, BR_PORT_LOCKED,
  BR_PROXYARP, BR_PROXYARP_WIFI, BR_ROOT_BLOCK, BR_STATE_BLOCKING, BR_VLAN_TUNNEL, brFromDev, brPortGet, clockTToUs,
  type NetBridge, type NetBridgePort, usToClockT,
} from "./br_private.ts";
import {
  brLogState, brPortStateSelection, brSetAgeingTime, brSetForwardDelay, brSetHelloTime, brSetMaxAge,
  brStpSetBridgePriority, brStpSetEnabled, brStpSetPathCost, brStpSetPortPriority, brTimerValue,
} from "./br_stp.ts";

const bid = (b: { prio: number; addr: Uint8Array }) => ({ prio: b.prio, addr: b.addr.slice() });

/** br_fill_info(): IFLA_INFO_DATA of a bridge */
export function brFillInfo(dev: NetDevice): InfoData | undefined {
  const br = brFromDev(dev);
  if (!br) return undefined;
  return {
    IFLA_BR_FORWARD_DELAY: usToClockT(br.forwardDelay),
    IFLA_BR_HELLO_TIME: usToClockT(br.helloTime),
    IFLA_BR_MAX_AGE: usToClockT(br.maxAge),
    /* u32 ageing_time = jiffies_to_clock_t(br->ageing_time); nla_put_u32(): the integer
     * modulo 2^32 (ToUint32, which is what BigInt.asUintN(32) gives for an integer) */
    IFLA_BR_AGEING_TIME: usToClockT(br.ageingTime) >>> 0,
    IFLA_BR_STP_STATE: br.stpEnabled,
    IFLA_BR_PRIORITY: br.bridgeId.prio,
    IFLA_BR_VLAN_FILTERING: br.vlanEnabled,
    IFLA_BR_GROUP_FWD_MASK: br.groupFwdMask,
    IFLA_BR_BRIDGE_ID: bid(br.bridgeId),
    IFLA_BR_ROOT_ID: bid(br.designatedRoot),
    IFLA_BR_ROOT_PORT: br.rootPort,
    IFLA_BR_ROOT_PATH_COST: br.rootPathCost,
    IFLA_BR_TOPOLOGY_CHANGE: br.topologyChange,
    IFLA_BR_TOPOLOGY_CHANGE_DETECTED: br.topologyChangeDetected,
    IFLA_BR_GROUP_ADDR: br.groupAddr.slice(),
    IFLA_BR_MULTI_BOOLOPT: { optval: (br.noLinklocalLearn ? 1 : 0) | (br.mcastVlanSnooping ? 2 : 0), optmask: 0x7 },
    IFLA_BR_HELLO_TIMER: brTimerValue(br, br.helloTimer),
    IFLA_BR_TCN_TIMER: brTimerValue(br, br.tcnTimer),
    IFLA_BR_TOPOLOGY_CHANGE_TIMER: brTimerValue(br, br.topologyChangeTimer),
    IFLA_BR_GC_TIMER: brTimerValue(br, br.gcTimer),
    IFLA_BR_MCAST_ROUTER: br.multicastRouter,
    IFLA_BR_MCAST_SNOOPING: br.multicastSnooping,
    IFLA_BR_MCAST_QUERY_USE_IFADDR: br.multicastQueryUseIfaddr,
    IFLA_BR_MCAST_QUERIER: br.multicastQuerier,
    IFLA_BR_MCAST_STATS_ENABLED: br.multicastStatsEnabled,
    IFLA_BR_MCAST_HASH_ELASTICITY: br.hashElasticity,
    IFLA_BR_MCAST_HASH_MAX: br.hashMax,
    IFLA_BR_MCAST_LAST_MEMBER_CNT: br.lastMemberCount,
    IFLA_BR_MCAST_STARTUP_QUERY_CNT: br.startupQueryCount,
    IFLA_BR_MCAST_IGMP_VERSION: br.igmpVersion,
    IFLA_BR_MCAST_MLD_VERSION: br.mldVersion,
    IFLA_BR_MCAST_LAST_MEMBER_INTVL: br.lastMemberInterval,
    IFLA_BR_MCAST_MEMBERSHIP_INTVL: br.membershipInterval,
    IFLA_BR_MCAST_QUERIER_INTVL: br.querierInterval,
    IFLA_BR_MCAST_QUERY_INTVL: br.queryInterval,
    IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: br.queryResponseInterval,
    IFLA_BR_MCAST_STARTUP_QUERY_INTVL: br.startupQueryInterval,
    IFLA_BR_NF_CALL_IPTABLES: br.nfCallIptables,
    IFLA_BR_NF_CALL_IP6TABLES: br.nfCallIp6tables,
    IFLA_BR_NF_CALL_ARPTABLES: br.nfCallArptables,
    // #ifdef CONFIG_BRIDGE_VLAN_FILTERING
    ...(br.vlgrp
      ? {
          IFLA_BR_VLAN_PROTOCOL: br.vlanProto,
          IFLA_BR_VLAN_DEFAULT_PVID: br.defaultPvid,
          IFLA_BR_VLAN_STATS_ENABLED: br.vlanStatsEnabled,
          IFLA_BR_VLAN_STATS_PER_PORT: br.vlanStatsPerPort,
        }
      : {}),
  };
}

const onoff = (flags: number, f: number) => ((flags & f) !== 0 ? 1 : 0);

/** br_port_fill_attrs(): IFLA_BRPORT_* (IFLA_INFO_SLAVE_DATA and AF_BRIDGE IFLA_PROTINFO) */
export function brPortFillAttrs(p: NetBridgePort): InfoData {
  const br = p.br;
  return {
    IFLA_BRPORT_STATE: p.state,
    IFLA_BRPORT_PRIORITY: p.priority,
    IFLA_BRPORT_COST: p.pathCost,
    IFLA_BRPORT_MODE: onoff(p.flags, BR_HAIRPIN_MODE),
    IFLA_BRPORT_GUARD: onoff(p.flags, BR_BPDU_GUARD),
    IFLA_BRPORT_PROTECT: onoff(p.flags, BR_ROOT_BLOCK),
    IFLA_BRPORT_FAST_LEAVE: onoff(p.flags, BR_MULTICAST_FAST_LEAVE),
    IFLA_BRPORT_MCAST_TO_UCAST: onoff(p.flags, BR_MULTICAST_TO_UNICAST),
    IFLA_BRPORT_LEARNING: onoff(p.flags, BR_LEARNING),
    IFLA_BRPORT_UNICAST_FLOOD: onoff(p.flags, BR_FLOOD),
    IFLA_BRPORT_MCAST_FLOOD: onoff(p.flags, BR_MCAST_FLOOD),
    IFLA_BRPORT_BCAST_FLOOD: onoff(p.flags, BR_BCAST_FLOOD),
    IFLA_BRPORT_PROXYARP: onoff(p.flags, BR_PROXYARP),
    IFLA_BRPORT_PROXYARP_WIFI: onoff(p.flags, BR_PROXYARP_WIFI),
    IFLA_BRPORT_ROOT_ID: bid(p.designatedRoot),
    IFLA_BRPORT_BRIDGE_ID: bid(p.designatedBridge),
    IFLA_BRPORT_DESIGNATED_PORT: p.designatedPort,
    IFLA_BRPORT_DESIGNATED_COST: p.designatedCost,
    IFLA_BRPORT_ID: p.portId,
    IFLA_BRPORT_NO: p.portNo,
    IFLA_BRPORT_TOPOLOGY_CHANGE_ACK: p.topologyChangeAck,
    IFLA_BRPORT_CONFIG_PENDING: p.configPending,
    IFLA_BRPORT_VLAN_TUNNEL: onoff(p.flags, BR_VLAN_TUNNEL),
    IFLA_BRPORT_GROUP_FWD_MASK: p.groupFwdMask,
    IFLA_BRPORT_NEIGH_SUPPRESS: onoff(p.flags, BR_NEIGH_SUPPRESS),
    IFLA_BRPORT_ISOLATED: onoff(p.flags, BR_ISOLATED),
    IFLA_BRPORT_LOCKED: onoff(p.flags, BR_PORT_LOCKED),
    IFLA_BRPORT_MESSAGE_AGE_TIMER: brTimerValue(br, p.messageAgeTimer),
    IFLA_BRPORT_FORWARD_DELAY_TIMER: brTimerValue(br, p.forwardDelayTimer),
    IFLA_BRPORT_HOLD_TIMER: brTimerValue(br, p.holdTimer),
    IFLA_BRPORT_MULTICAST_ROUTER: p.multicastRouter,
  };
}

/** br_port_fill_slave_info() */
export function brPortFillSlaveInfo(_dev: NetDevice, slave: NetDevice): InfoData | undefined {
  const p = brPortGet(slave);
  return p ? brPortFillAttrs(p) : undefined;
}

const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : Number(v ?? 0));

/** br_changelink() (also the newlink data) */
export function brChangelink(dev: NetDevice, data: InfoData): KErr | undefined {
  const br = brFromDev(dev);
  if (!br || !data) return undefined;
  if (data.IFLA_BR_FORWARD_DELAY !== undefined) {
    if (brSetForwardDelay(br, clockTToUs(num(data.IFLA_BR_FORWARD_DELAY)))) return kerr("ERANGE");
  }
  if (data.IFLA_BR_HELLO_TIME !== undefined) {
    if (brSetHelloTime(br, clockTToUs(num(data.IFLA_BR_HELLO_TIME)))) return kerr("ERANGE");
  }
  if (data.IFLA_BR_MAX_AGE !== undefined) {
    if (brSetMaxAge(br, clockTToUs(num(data.IFLA_BR_MAX_AGE)))) return kerr("ERANGE");
  }
  if (data.IFLA_BR_AGEING_TIME !== undefined) brSetAgeingTime(br, clockTToUs(num(data.IFLA_BR_AGEING_TIME)));
  if (data.IFLA_BR_STP_STATE !== undefined) brStpSetEnabled(br, num(data.IFLA_BR_STP_STATE));
  if (data.IFLA_BR_PRIORITY !== undefined) brStpSetBridgePriority(br, num(data.IFLA_BR_PRIORITY) & 0xffff);
  if (data.IFLA_BR_VLAN_FILTERING !== undefined) {
    // br_vlan_filter_toggle(): the stub without CONFIG_BRIDGE_VLAN_FILTERING refuses any value
    // (vlan_filtering 0 too)
    const err = brVlanFilterToggle(br, num(data.IFLA_BR_VLAN_FILTERING) & 0xff);
    if (err) return err;
  }
  // #ifdef CONFIG_BRIDGE_VLAN_FILTERING
  if (br.vlgrp) {
    if (data.IFLA_BR_VLAN_PROTOCOL !== undefined) {
      const err = brVlanSetProto(br, num(data.IFLA_BR_VLAN_PROTOCOL) & 0xffff);
      if (err) return err;
    }
    if (data.IFLA_BR_VLAN_DEFAULT_PVID !== undefined) {
      const err = brVlanSetDefaultPvid(br, num(data.IFLA_BR_VLAN_DEFAULT_PVID) & 0xffff);
      if (err) return err;
    }
    if (data.IFLA_BR_VLAN_STATS_ENABLED !== undefined) {
      const err = brVlanSetStats(br, num(data.IFLA_BR_VLAN_STATS_ENABLED) & 0xff);
      if (err) return err;
    }
    if (data.IFLA_BR_VLAN_STATS_PER_PORT !== undefined) {
      const err = brVlanSetStatsPerPort(br, num(data.IFLA_BR_VLAN_STATS_PER_PORT) & 0xff);
      if (err) return err;
    }
  }
  if (data.IFLA_BR_GROUP_FWD_MASK !== undefined) {
    const m = num(data.IFLA_BR_GROUP_FWD_MASK);
    if (m & 0x4007) return kerr("EINVAL");
    br.groupFwdMask = m;
  }
  if (data.IFLA_BR_GROUP_ADDR instanceof Uint8Array) {
    const a = data.IFLA_BR_GROUP_ADDR;
    if (!(a[0] === 1 && a[1] === 0x80 && a[2] === 0xc2 && a[3] === 0 && a[4] === 0 && (a[5]! & 0xf0) === 0)) return kerr("EINVAL");
    if (a[5] === 1 || a[5] === 2) return kerr("EINVAL");
    br.groupAddr = a.slice(0, 6);
    br.groupAddrSet = true;
  }
  if (data.IFLA_BR_FDB_FLUSH !== undefined) brFdbFlush(br);
  if (data.IFLA_BR_MCAST_SNOOPING !== undefined) brMulticastToggle(br, num(data.IFLA_BR_MCAST_SNOOPING));
  if (data.IFLA_BR_MCAST_ROUTER !== undefined) br.multicastRouter = num(data.IFLA_BR_MCAST_ROUTER);
  if (data.IFLA_BR_MCAST_QUERIER !== undefined) br.multicastQuerier = num(data.IFLA_BR_MCAST_QUERIER) ? 1 : 0;
  if (data.IFLA_BR_MCAST_QUERY_USE_IFADDR !== undefined) br.multicastQueryUseIfaddr = num(data.IFLA_BR_MCAST_QUERY_USE_IFADDR) ? 1 : 0;
  if (data.IFLA_BR_MCAST_STATS_ENABLED !== undefined) br.multicastStatsEnabled = num(data.IFLA_BR_MCAST_STATS_ENABLED) ? 1 : 0;
  if (data.IFLA_BR_MCAST_HASH_MAX !== undefined) br.hashMax = num(data.IFLA_BR_MCAST_HASH_MAX);
  if (data.IFLA_BR_MCAST_LAST_MEMBER_CNT !== undefined) br.lastMemberCount = num(data.IFLA_BR_MCAST_LAST_MEMBER_CNT);
  if (data.IFLA_BR_MCAST_STARTUP_QUERY_CNT !== undefined) br.startupQueryCount = num(data.IFLA_BR_MCAST_STARTUP_QUERY_CNT);
  if (data.IFLA_BR_NF_CALL_IPTABLES !== undefined) br.nfCallIptables = num(data.IFLA_BR_NF_CALL_IPTABLES) ? 1 : 0;
  if (data.IFLA_BR_NF_CALL_IP6TABLES !== undefined) br.nfCallIp6tables = num(data.IFLA_BR_NF_CALL_IP6TABLES) ? 1 : 0;
  if (data.IFLA_BR_NF_CALL_ARPTABLES !== undefined) br.nfCallArptables = num(data.IFLA_BR_NF_CALL_ARPTABLES) ? 1 : 0;
  if (data.IFLA_BR_MULTI_BOOLOPT !== undefined) {
    const bm = data.IFLA_BR_MULTI_BOOLOPT as { optval: number; optmask: number };
    if (bm.optmask & 1) br.noLinklocalLearn = bm.optval & 1 ? 1 : 0;
    if (bm.optmask & 2) {
      // br_multicast_toggle_vlan_snooping() (br_multicast.c, there with or without vlan
      // filtering in the kernel): not without vlan filtering on
      const on = bm.optval & 2 ? 1 : 0;
      if (on && on !== br.mcastVlanSnooping && !br.vlanEnabled)
        return kerr("EINVAL", "bridge: Cannot enable multicast vlan snooping with vlan filtering disabled");
      br.mcastVlanSnooping = on;
    }
  }
  return undefined;
}

const portFlagAttrs: [string, number][] = [
  ["IFLA_BRPORT_MODE", BR_HAIRPIN_MODE], ["IFLA_BRPORT_GUARD", BR_BPDU_GUARD],
  ["IFLA_BRPORT_FAST_LEAVE", BR_MULTICAST_FAST_LEAVE], ["IFLA_BRPORT_PROTECT", BR_ROOT_BLOCK],
  ["IFLA_BRPORT_LEARNING", BR_LEARNING], ["IFLA_BRPORT_UNICAST_FLOOD", BR_FLOOD],
  ["IFLA_BRPORT_PROXYARP", BR_PROXYARP], ["IFLA_BRPORT_PROXYARP_WIFI", BR_PROXYARP_WIFI],
  ["IFLA_BRPORT_MCAST_FLOOD", BR_MCAST_FLOOD], ["IFLA_BRPORT_MCAST_TO_UCAST", BR_MULTICAST_TO_UNICAST],
  ["IFLA_BRPORT_BCAST_FLOOD", BR_BCAST_FLOOD], ["IFLA_BRPORT_NEIGH_SUPPRESS", BR_NEIGH_SUPPRESS],
  ["IFLA_BRPORT_ISOLATED", BR_ISOLATED], ["IFLA_BRPORT_LOCKED", BR_PORT_LOCKED],
  ["IFLA_BRPORT_VLAN_TUNNEL", BR_VLAN_TUNNEL], ["IFLA_BRPORT_LEARNING_SYNC", BR_LEARNING_SYNC],
];

/** br_setport(): IFLA_BRPORT_* from `ip link set X type bridge_slave …` or `bridge link set` */
export function brSetport(p: NetBridgePort, tb: InfoData): KErr | undefined {
  for (const [attr, flag] of portFlagAttrs) {
    if (tb[attr] === undefined) continue;
    if (num(tb[attr])) p.flags |= flag;
    else p.flags &= ~flag;
  }
  if (tb.IFLA_BRPORT_COST !== undefined) {
    const c = num(tb.IFLA_BRPORT_COST);
    if (c < 1 || c > 65535) return kerr("ERANGE");
    p.flags |= BR_ADMIN_COST;
    brStpSetPathCost(p, c);
  }
  if (tb.IFLA_BRPORT_PRIORITY !== undefined) {
    const pr = num(tb.IFLA_BRPORT_PRIORITY);
    if (pr > 63) return kerr("ERANGE");
    brStpSetPortPriority(p, pr);
  }
  if (tb.IFLA_BRPORT_STATE !== undefined) {
    const st = num(tb.IFLA_BRPORT_STATE);
    if (st > BR_STATE_BLOCKING) return kerr("EINVAL");
    if (p.br.stpEnabled === 1) return kerr("EBUSY");
    if (!p.dev.isUp() || (!p.dev.carrier && st !== 0)) return kerr("ENETDOWN");
    p.state = st;
    brLogState(p);
    brPortStateSelection(p.br);
  }
  if (tb.IFLA_BRPORT_FLUSH !== undefined) brFdbDeleteByPort(p.br, p, 0, false);
  if (tb.IFLA_BRPORT_GROUP_FWD_MASK !== undefined) {
    const m = num(tb.IFLA_BRPORT_GROUP_FWD_MASK);
    if (m & 0x4007) return kerr("EINVAL");
    p.groupFwdMask = m;
  }
  if (tb.IFLA_BRPORT_MULTICAST_ROUTER !== undefined) p.multicastRouter = num(tb.IFLA_BRPORT_MULTICAST_ROUTER);
  return undefined;
}

/** br_port_slave_changelink() */
export function brPortSlaveChangelink(_br: NetDevice, slave: NetDevice, data: InfoData): KErr | undefined {
  const p = brPortGet(slave);
  if (!p) return kerr("EINVAL");
  return brSetport(p, data);
}

/** br_validate(): an address must be a unicast Ethernet one; with CONFIG_BRIDGE_VLAN_FILTERING
 * a vlan protocol must be 802.1Q or 802.1ad and a default pvid below 4095 */
export function brValidate(p: NewlinkParams): KErr | undefined {
  const err = validateEtherAddrAttr(p.attrs.IFLA_ADDRESS);
  if (err || !p.data || p.net.host?.kconfig?.CONFIG_BRIDGE_VLAN_FILTERING !== true) return err;
  if (p.data.IFLA_BR_VLAN_PROTOCOL !== undefined) {
    const proto = num(p.data.IFLA_BR_VLAN_PROTOCOL) & 0xffff;
    if (proto !== ETH_P_8021Q && proto !== ETH_P_8021AD) return kerr("EPROTONOSUPPORT");
  }
  if (p.data.IFLA_BR_VLAN_DEFAULT_PVID !== undefined && (num(p.data.IFLA_BR_VLAN_DEFAULT_PVID) & 0xffff) >= VLAN_VID_MASK)
    return kerr("EINVAL");
  return undefined;
}

/** struct br_mcast_stats as the attribute carries it */
function mcastStatsAttr(m: BrMcastStats): BrMcastStatsAttr {
  const d = (v: [number, number]): [number, number] => [v[0], v[1]];
  return {
    igmp_v1queries: d(m.igmpV1queries), igmp_v2queries: d(m.igmpV2queries), igmp_v3queries: d(m.igmpV3queries),
    igmp_leaves: d(m.igmpLeaves), igmp_v1reports: d(m.igmpV1reports), igmp_v2reports: d(m.igmpV2reports),
    igmp_v3reports: d(m.igmpV3reports), igmp_parse_errors: m.igmpParseErrors,
    mld_v1queries: d(m.mldV1queries), mld_v2queries: d(m.mldV2queries), mld_leaves: d(m.mldLeaves),
    mld_parse_errors: m.mldParseErrors, mld_v1reports: d(m.mldV1reports), mld_v2reports: d(m.mldV2reports),
  };
}

/** br_fill_linkxstats()'s BRIDGE_XSTATS_VLAN entries: every vlan of the group (master ones that
 * are no BRENTRY too), the pvid flagged, with its counters (CONFIG_BRIDGE_VLAN_FILTERING) */
function brVlanXstats(vg: NetBridgeVlanGroup | undefined): { BRIDGE_XSTATS_VLAN?: BridgeVlanXstats[] } {
  if (!vg) return {};
  const pvid = brGetPvid(vg);
  return {
    BRIDGE_XSTATS_VLAN: vg.list.map((v) => ({
      rx_bytes: v.stats.rxBytes, rx_packets: v.stats.rxPackets, tx_bytes: v.stats.txBytes, tx_packets: v.stats.txPackets,
      vid: v.vid, flags: v.flags | (v.vid === pvid ? BRIDGE_VLAN_INFO_PVID : 0),
    })),
  };
}

/** br_fill_linkxstats(): the bridge's or a port's vlan counters (with vlan filtering in the
 * kernel), multicast statistics (zeros while mcast_stats_enabled is off: br_multicast_count()
 * counts nothing then), and a port's STP counters */
function brFillLinkxstats(dev: NetDevice, attr: number): LinkXstats | undefined {
  if (attr === IFLA_STATS_LINK_XSTATS) {
    const br = brFromDev(dev);
    if (!br) return undefined;
    return { LINK_XSTATS_TYPE_BRIDGE: { ...brVlanXstats(br.vlgrp), BRIDGE_XSTATS_MCAST: mcastStatsAttr(br.mcastStats) } };
  }
  const p = brPortGet(dev);
  if (!p) return undefined;
  const x = p.stpXstats;
  return {
    LINK_XSTATS_TYPE_BRIDGE: {
      ...brVlanXstats(p.vlgrp),
      BRIDGE_XSTATS_MCAST: mcastStatsAttr(p.mcastStats),
      BRIDGE_XSTATS_STP: {
        transition_blk: x.transitionBlk, transition_fwd: x.transitionFwd, rx_bpdu: x.rxBpdu, tx_bpdu: x.txBpdu,
        rx_tcn: x.rxTcn, tx_tcn: x.txTcn,
      },
    },
  };
}

export const brLinkOps: RtnlLinkOps = {
  kind: "bridge",
  slaveKind: "bridge",
  fillInfo: brFillInfo,
  fillSlaveInfo: brPortFillSlaveInfo,
  changelink: brChangelink,
  changeSlave: brPortSlaveChangelink,
  fillLinkxstats: brFillLinkxstats,
  /** br_dev_delete(): ports released, then the device unregistered */
  dellink(dev: NetDevice) {
    const br = brFromDev(dev);
    if (br) brDevDelete(br);
    unregisterNetdevice(dev);
  },
};

// ----------------------------------------------------------------- AF_BRIDGE RTM_*LINK

/** the devices of a namespace in ifindex order */
export function netDevices(net: Net): NetDevice[] {
  return netDevs(net);
}

/** br_fill_ifvlaninfo(): every vlan in use, PVID and UNTAGGED the only flags */
function brFillIfvlaninfo(vg: NetBridgeVlanGroup): BridgeVlanInfo[] {
  const out: BridgeVlanInfo[] = [];
  const pvid = brGetPvid(vg);
  for (const v of vg.list) {
    if (!brVlanShouldUse(v)) continue;
    out.push({ vid: v.vid, flags: (v.vid === pvid ? BRIDGE_VLAN_INFO_PVID : 0) | (v.flags & BRIDGE_VLAN_INFO_UNTAGGED) });
  }
  return out;
}

/** br_fill_ifvlaninfo_compressed(): runs of consecutive vids with the same flags as a
 * RANGE_BEGIN/RANGE_END pair (br_fill_ifvlaninfo_range()) */
function brFillIfvlaninfoCompressed(vg: NetBridgeVlanGroup): BridgeVlanInfo[] {
  const out: BridgeVlanInfo[] = [];
  const range = (start: number, end: number, flags: number) => {
    if (end - start > 0) {
      out.push({ vid: start, flags: flags | BRIDGE_VLAN_INFO_RANGE_BEGIN });
      out.push({ vid: end, flags: flags | BRIDGE_VLAN_INFO_RANGE_END });
    } else out.push({ vid: start, flags });
  };
  const pvid = brGetPvid(vg);
  let start = 0;
  let end = 0;
  let rflags = 0;
  for (const v of vg.list) {
    if (!brVlanShouldUse(v)) continue;
    const flags = (v.vid === pvid ? BRIDGE_VLAN_INFO_PVID : 0) | (v.flags & BRIDGE_VLAN_INFO_UNTAGGED);
    if (start !== 0) {
      if (v.vid - end === 1 && flags === rflags) {
        end = v.vid;
        continue;
      }
      range(start, end, rflags);
    }
    start = end = v.vid;
    rflags = flags;
  }
  if (start !== 0) range(start, end, rflags);
  return out;
}

/** br_fill_ifinfo(): a port's (or, asked for vlans, the bridge's own) AF_BRIDGE link message */
function brFillIfinfo(p: NetBridgePort | undefined, filterMask = 0, brdev?: NetDevice): LinkMsg {
  const dev = p ? p.dev : brdev!;
  const br = p ? p.br : brFromDev(dev)!;
  const attrs: IflaAttrs = {
    IFLA_IFNAME: dev.name,
    IFLA_MASTER: br.dev.ifindex,
    IFLA_MTU: dev.mtu,
    IFLA_OPERSTATE: netifRunning(dev) ? dev.operstate : IF_OPER_DOWN,
    IFLA_ADDRESS: dev.devAddr.slice(),
  };
  if (p) attrs.IFLA_PROTINFO = brPortFillAttrs(p);
  const iflink = dev.ops.getIflink?.(dev);
  if (iflink !== undefined && iflink !== dev.ifindex) attrs.IFLA_LINK = iflink;
  if (filterMask & (RTEXT_FILTER_BRVLAN | RTEXT_FILTER_BRVLAN_COMPRESSED)) {
    // the nest is there even when there is no vlan to put in it
    const af: InfoData = {};
    const vg = p ? p.vlgrp : br.vlgrp;
    if (vg && vg.numVlans)
      af.IFLA_BRIDGE_VLAN_INFO = filterMask & RTEXT_FILTER_BRVLAN_COMPRESSED ? brFillIfvlaninfoCompressed(vg) : brFillIfvlaninfo(vg);
    attrs.IFLA_AF_SPEC_BRIDGE = af;
  }
  return {
    type: "RTM_NEWLINK",
    flags: {},
    ifi: { family: AF_BRIDGE, type: dev.type, index: dev.ifindex, flags: devGetFlags(dev), change: 0 },
    attrs,
  };
}

/** br_ifinfo_notify(): a port's AF_BRIDGE link message to RTNLGRP_LINK (`bridge monitor link`);
 * br_fill_ifinfo() gives IFLA_PROTINFO to a NEWLINK only */
export function brIfinfoNotify(event: "RTM_NEWLINK" | "RTM_DELLINK", p: NetBridgePort): void {
  const net = p.dev.net;
  if (!net || !rtnlHasListeners(net, RTNLGRP_LINK)) return;
  const m = brFillIfinfo(p);
  if (event === "RTM_DELLINK") delete m.attrs.IFLA_PROTINFO;
  rtnlNotify(net, RTNLGRP_LINK, event === "RTM_NEWLINK" ? m : { ...m, type: event });
}

/** br_getlink() via rtnl_bridge_getlink(): every bridge port of the namespace; with a vlan
 * filter (RTEXT_FILTER_BRVLAN[_COMPRESSED], `bridge vlan show`) every bridge device too */
export function brGetlinkDump(net: Net, req: RtnlMsg): RtnlMsg[] {
  const out: RtnlMsg[] = [];
  const mask = "ifi" in req ? (req.attrs.IFLA_EXT_MASK ?? 0) : 0;
  for (const dev of netDevices(net)) {
    const p = brPortGet(dev);
    if (p) out.push(brFillIfinfo(p, mask));
    if (isBridgeDev(dev) && mask & (RTEXT_FILTER_BRVLAN | RTEXT_FILTER_BRVLAN_COMPRESSED)) out.push(brFillIfinfo(undefined, mask, dev));
  }
  return out;
}

function devByIndex(net: Net, ifindex: number): NetDevice | undefined {
  return netDevices(net).find((d) => d.ifindex === ifindex);
}

/** net/core/rtnetlink.c: rtnl_bridge_setlink() → br_setlink() (the master's, or with
 * `self` the device's own ndo_bridge_setlink) */
export function brSetlink(net: Net, req: RtnlMsg): KErr | undefined {
  if (!("ifi" in req)) return kerr("EINVAL");
  const dev = devByIndex(net, req.ifi.index);
  if (!dev) return kerr("ENODEV");
  const af = req.attrs.IFLA_AF_SPEC_BRIDGE;
  const flags = num(af?.IFLA_BRIDGE_FLAGS);
  let err: KErr | undefined;
  if (!flags || flags & 1) {
    const p = brPortGet(dev);
    if (!p) return kerr("EOPNOTSUPP");
    err = brSetlinkDev(p.br, p, req.attrs.IFLA_PROTINFO, af);
    if (err) return err;
  }
  if (flags & 2) {
    // only a bridge device has ndo_bridge_setlink among the emulated drivers
    const br = brFromDev(dev);
    if (!br) return kerr("EOPNOTSUPP");
    err = brSetlinkDev(br, undefined, req.attrs.IFLA_PROTINFO, af);
  }
  return err;
}

/** the IFLA_BRIDGE_VLAN_INFO attributes of an IFLA_AF_SPEC, in order */
function vlanInfos(af: InfoData | undefined): BridgeVlanInfo[] {
  const v = af?.IFLA_BRIDGE_VLAN_INFO as BridgeVlanInfo[] | BridgeVlanInfo | undefined;
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

const VLAN_EXTACK = (extack: boolean, msg: string): KErr => (extack ? kerr("EINVAL", `bridge: ${msg}`) : kerr("EINVAL"));

/** br_vlan_valid_range() */
function brVlanValidRange(cur: BridgeVlanInfo, last: BridgeVlanInfo | undefined, extack: boolean): KErr | undefined {
  if (cur.flags & BRIDGE_VLAN_INFO_PVID) return VLAN_EXTACK(extack, "Pvid isn't allowed in a range");
  if (last) {
    if (cur.flags & BRIDGE_VLAN_INFO_RANGE_BEGIN) return VLAN_EXTACK(extack, "Found a new vlan range start while already inside a range");
    if (!(cur.flags & BRIDGE_VLAN_INFO_RANGE_END)) return VLAN_EXTACK(extack, "Vlan range end flag is missing");
    if (cur.vid <= last.vid) return VLAN_EXTACK(extack, "End vlan id is less than or equal to start vlan id");
  }
  if (!(cur.flags & (BRIDGE_VLAN_INFO_RANGE_BEGIN | BRIDGE_VLAN_INFO_RANGE_END))) return VLAN_EXTACK(extack, "Both vlan range flags are missing");
  return undefined;
}

/**
 * br_vlan_info(): one vid added (nbp_vlan_add, or br_vlan_add as a BRENTRY for the bridge) or
 * deleted (a deletion's error is not passed on). Without CONFIG_BRIDGE_VLAN_FILTERING the
 * stubs answer EOPNOTSUPP to an addition and fail a deletion.
 */
function brVlanInfo(br: NetBridge, p: NetBridgePort | undefined, cmd: "RTM_SETLINK" | "RTM_DELLINK", vinfo: BridgeVlanInfo): { err?: KErr; changed: boolean } {
  if (!br.vlgrp) return cmd === "RTM_SETLINK" ? { err: kerr("EOPNOTSUPP"), changed: false } : { changed: false };
  if (cmd === "RTM_SETLINK") {
    return p ? nbpVlanAdd(p, vinfo.vid, vinfo.flags) : brVlanAdd(br, vinfo.vid, vinfo.flags | BRIDGE_VLAN_INFO_BRENTRY);
  }
  let changed = false;
  if (p) {
    if (!nbpVlanDelete(p, vinfo.vid)) changed = true;
    if (vinfo.flags & BRIDGE_VLAN_INFO_MASTER && !brVlanDelete(p.br, vinfo.vid)) changed = true;
  } else if (!brVlanDelete(br, vinfo.vid)) changed = true;
  return { changed };
}

/** br_afspec() → br_process_vlan_info() for each IFLA_BRIDGE_VLAN_INFO: br_vlan_valid_id()
 * (0 and 4095 are EINVAL, "Vlan id is invalid" where there is an extack: br_setlink() has
 * one, br_dellink() not), a range's ends kept until its last, then each vid of it */
function brAfspec(br: NetBridge, p: NetBridgePort | undefined, af: InfoData, cmd: "RTM_SETLINK" | "RTM_DELLINK", extack: boolean): { err?: KErr; changed: boolean } {
  let changed = false;
  let last: BridgeVlanInfo | undefined;
  for (const cur of vlanInfos(af)) {
    if (!brVlanValidId(cur.vid)) return { err: VLAN_EXTACK(extack, "Vlan id is invalid"), changed };
    if (cur.flags & BRIDGE_VLAN_INFO_RANGE_BEGIN) {
      const e = brVlanValidRange(cur, last, extack);
      if (e) return { err: e, changed };
      last = cur;
      continue;
    }
    if (last) {
      const e = brVlanValidRange(cur, last, extack);
      if (e) return { err: e, changed };
      for (let v = last.vid; v <= cur.vid; v++) {
        const r = brVlanInfo(br, p, cmd, { vid: v, flags: last.flags });
        if (r.changed) changed = true;
        if (r.err) return { err: r.err, changed };
      }
      last = undefined;
      continue;
    }
    const r = brVlanInfo(br, p, cmd, cur);
    if (r.changed) changed = true;
    if (r.err) return { err: r.err, changed };
  }
  return { changed };
}

/** br_setlink() on a port (p) or, `self`, on the bridge itself */
function brSetlinkDev(br: NetBridge, p: NetBridgePort | undefined, protinfo: InfoData | undefined, af: InfoData | undefined): KErr | undefined {
  if (!br.vlgrp) {
    // the lab kernel: a vlan id is checked, then any vlan or mode is refused
    const bad = vlanInfos(af).find((v) => !brVlanValidId(v.vid));
    if (bad) return VLAN_EXTACK(true, "Vlan id is invalid");
    if (af && (af.IFLA_BRIDGE_VLAN_INFO !== undefined || af.IFLA_BRIDGE_MODE !== undefined)) return kerr("EOPNOTSUPP");
  } else if (af?.IFLA_BRIDGE_MODE !== undefined) return kerr("EOPNOTSUPP");
  let changed = false;
  if (p && protinfo) {
    const err = brSetport(p, protinfo);
    if (err) return err;
    changed = true;
  }
  let err: KErr | undefined;
  if (af && br.vlgrp) {
    const r = brAfspec(br, p, af, "RTM_SETLINK", true);
    err = r.err;
    if (r.changed) changed = true;
  }
  if (changed && p) brIfinfoNotify("RTM_NEWLINK", p);
  return err;
}

/** net/core/rtnetlink.c: rtnl_bridge_dellink() → br_dellink(): only vlan entries are
 * deleted this way (without vlan filtering, nothing is: the deletion fails unreported) */
export function brDellink(net: Net, req: RtnlMsg): KErr | undefined {
  if (!("ifi" in req)) return kerr("EINVAL");
  const dev = devByIndex(net, req.ifi.index);
  if (!dev) return kerr("ENODEV");
  const af = req.attrs.IFLA_AF_SPEC_BRIDGE;
  const flags = num(af?.IFLA_BRIDGE_FLAGS);
  if (!flags || flags & 1) {
    const p = brPortGet(dev);
    if (!p) return kerr("EOPNOTSUPP");
    const err = brDellinkDev(p.br, p, af);
    if (err) return err;
  }
  if (flags & 2) {
    const br = brFromDev(dev);
    if (!br) return kerr("EOPNOTSUPP");
    return brDellinkDev(br, undefined, af);
  }
  return undefined;
}

/** br_dellink() */
function brDellinkDev(br: NetBridge, p: NetBridgePort | undefined, af: InfoData | undefined): KErr | undefined {
  if (!af) return undefined;
  const r = brAfspec(br, p, af, "RTM_DELLINK", false);
  // userspace expects RTM_NEWLINK for vlan dels
  if (r.changed && p) brIfinfoNotify("RTM_NEWLINK", p);
  return r.err;
}

// ------------------------------------------------------------------- AF_BRIDGE fdb

function fdbFillInfo(br: NetBridge, f: ReturnType<typeof fdbListNewestFirst>[number], now: number): NeighMsg {
  const dev = f.dst ? f.dst.dev : br.dev;
  let state = NUD_REACHABLE;
  if (f.flags & BR_FDB_LOCAL) state = NUD_PERMANENT;
  else if (f.flags & BR_FDB_STATIC) state = NUD_NOARP;
  else if (f.updated + holdTime(br) <= now) state = NUD_STALE;
  let flags = 0;
  if (f.flags & BR_FDB_STICKY) flags |= NTF_STICKY;
  const attrs: NdaAttrs = {
    NDA_LLADDR: f.addr.slice(),
    NDA_MASTER: br.dev.ifindex,
    NDA_CACHEINFO: {
      ndm_confirmed: 0,
      ndm_used: usToClockT(now - f.used),
      ndm_updated: usToClockT(now - f.updated),
      ndm_refcnt: 0,
    },
  };
  if (f.vid) attrs.NDA_VLAN = f.vid;
  return { type: "RTM_NEWNEIGH", flags: {}, ndm: { family: AF_BRIDGE, ifindex: dev.ifindex, state, flags, type: 0 }, attrs };
}

/** br_fdb_delete(): one (addr, vid), or with no vid given that of vid 0 and of every vlan of
 * the port (or bridge): ENOENT only if none was there */
function brFdbDeleteVlans(br: NetBridge, p: NetBridgePort | undefined, vg: NetBridgeVlanGroup | undefined, addr: Uint8Array, vid: number): KErr | undefined {
  let found = fdbDeleteByAddr(br, p, addr, vid);
  if (!vid) for (const u of brVlanUsedVids(vg)) if (fdbDeleteByAddr(br, p, addr, u)) found = true;
  return found ? undefined : kerr("ENOENT");
}

/** br_fdb.c: fdb_notify() — an entry's message to RTNLGRP_NEIGH */
export function fdbNotify(br: NetBridge, f: ReturnType<typeof fdbListNewestFirst>[number], type: "RTM_NEWNEIGH" | "RTM_DELNEIGH"): void {
  const net = br.dev.net;
  if (!net || !rtnlHasListeners(net, RTNLGRP_NEIGH)) return;
  const m = fdbFillInfo(br, f, netScheduler(net).now);
  rtnlNotify(net, RTNLGRP_NEIGH, type === "RTM_NEWNEIGH" ? m : { ...m, type });
}

/** net/core/rtnetlink.c: rtnl_fdb_notify() — a device's own (`self`) entry added or deleted */
function rtnlFdbNotify(dev: NetDevice, addr: Uint8Array, vid: number, type: "RTM_NEWNEIGH" | "RTM_DELNEIGH", state: number): void {
  const net = dev.net;
  if (!net || !rtnlHasListeners(net, RTNLGRP_NEIGH)) return;
  const attrs: NdaAttrs = { NDA_LLADDR: addr.slice() };
  if (vid) attrs.NDA_VLAN = vid;
  rtnlNotify(net, RTNLGRP_NEIGH, { type, flags: {}, ndm: { family: AF_BRIDGE, ifindex: dev.ifindex, state, flags: NTF_SELF, type: 0 }, attrs });
}

/** ndo_dflt_fdb_dump(): a device's unicast and multicast address lists as `self permanent` */
function dfltFdbDump(dev: NetDevice): NeighMsg[] {
  const out: NeighMsg[] = [];
  for (const a of [...(dev.uc ?? []), ...(dev.mc ?? [])]) {
    if (a.length !== 6) continue;
    out.push({
      type: "RTM_NEWNEIGH", flags: {},
      ndm: { family: AF_BRIDGE, ifindex: dev.ifindex, state: NUD_PERMANENT, flags: NTF_SELF, type: 0 },
      attrs: { NDA_LLADDR: a.slice() },
    });
  }
  return out;
}

/** rtnl_fdb_dump(): per device, the master's entries for it, then its own (br_fdb_dump for a
 * bridge: its address lists, then the entries without a port). Filters: NDA_MASTER (br), ifindex (brport). */
export function brFdbDump(net: Net, req: RtnlMsg): RtnlMsg[] {
  const filt = "ndm" in req ? req : undefined;
  const brIdx = filt?.attrs.NDA_MASTER ?? 0;
  const portIdx = filt?.ndm.ifindex ?? 0;
  const now = netScheduler(net).now;
  const out: RtnlMsg[] = [];
  for (const dev of netDevices(net)) {
    if (portIdx && dev.ifindex !== portIdx) continue;
    const p = brPortGet(dev);
    if (brIdx) {
      const m = p ? p.br.dev.ifindex : isBridgeDev(dev) ? dev.ifindex : 0;
      if (m !== brIdx) continue;
    }
    if (p) for (const f of fdbListNewestFirst(p.br)) if (f.dst === p) out.push(fdbFillInfo(p.br, f, now));
    const ops = ndoFdbOpsOf(dev);
    out.push(...(ops?.fdbDump ? ops.fdbDump(dev) : dfltFdbDump(dev)));
    const br = brFromDev(dev);
    if (br) for (const f of fdbListNewestFirst(br)) if (!f.dst) out.push(fdbFillInfo(br, f, now));
  }
  return out;
}

/** is_unicast_ether_addr() || is_link_local_ether_addr() (01:80:c2:00:00:0X): the addresses
 * ndo_dflt_fdb_add/del keep in the unicast list */
function dfltFdbUc(addr: Uint8Array): boolean {
  if (!(addr[0]! & 1)) return true;
  return addr[0] === 0x01 && addr[1] === 0x80 && addr[2] === 0xc2 && addr[3] === 0 && addr[4] === 0 && (addr[5]! & 0xf0) === 0;
}

/** br_fdb_add() on a port or (self) on the bridge device; fdb_add_entry()'s checks */
function brFdbAddDev(dev: NetDevice, req: NeighMsg): KErr | undefined {
  const p = brPortGet(dev);
  const br = p ? p.br : brFromDev(dev);
  if (!br) return kerr("EINVAL"); // "bridge: RTM_NEWNEIGH %s not a bridge port"
  const vid = req.attrs.NDA_VLAN ?? 0;
  // br_fdb_add(): a vlan given must be one of the port's (or, self, the bridge's)
  const vg = p ? p.vlgrp : br.vlgrp;
  const v = vid ? brVlanFind(vg, vid) : undefined;
  if (vid && (!v || !brVlanShouldUse(v))) {
    netPrintk(dev.net, `bridge: RTM_NEWNEIGH with unconfigured vlan ${vid} on ${dev.name}`);
    return kerr("EINVAL");
  }
  const state = req.ndm.state;
  const sticky = (req.ndm.flags & NTF_STICKY) !== 0;
  if (p && !(state & NUD_PERMANENT) && !(state & NUD_NOARP) && !(p.state === 2 || p.state === 3)) return kerr("EPERM");
  if (!p && !(state & NUD_PERMANENT)) return kerr("EINVAL");
  if (sticky && state & NUD_PERMANENT) return kerr("EINVAL");
  const kind = state & NUD_PERMANENT ? "permanent" : state & NUD_NOARP ? "static" : "dynamic";
  const add = (vid: number) => fdbAddEntry(br, p, req.attrs.NDA_LLADDR!, vid, kind, sticky,
    req.flags.create ?? false, req.flags.excl ?? false, req.flags.replace ?? false);
  const e = add(vid);
  if (e) return kerr(e);
  // no vlan given, the port has vlans: "to be nice", the entry for every vlan too
  if (!vid) for (const u of brVlanUsedVids(vg)) {
    const eu = add(u);
    if (eu) return kerr(eu);
  }
  return undefined;
}

/** ndo_dflt_fdb_add(): the device's own unicast/multicast lists */
function ndoDfltFdbAdd(dev: NetDevice, req: NeighMsg): KErr | undefined {
  if (req.ndm.state && !(req.ndm.state & NUD_PERMANENT)) return kerr("EINVAL"); // "FDB only supports static addresses"
  if (req.attrs.NDA_VLAN) return kerr("EINVAL"); // "vlans aren't supported yet for dev_uc|mc_add()"
  const addr = req.attrs.NDA_LLADDR!;
  const err = dfltFdbUc(addr) ? devUcAddExcl(dev, addr) : devMcAddExcl(dev, addr);
  /* Only return duplicate errors if NLM_F_EXCL is set */
  if (err?.errno === "EEXIST" && !req.flags.excl) return undefined;
  return err;
}

/** net/core/rtnetlink.c: rtnl_fdb_add() for AF_BRIDGE */
export function brFdbAdd(net: Net, req: RtnlMsg): KErr | undefined {
  if (!("ndm" in req)) return kerr("EINVAL");
  if (!req.ndm.ifindex) return kerr("EINVAL", "invalid ifindex");
  const dev = devByIndex(net, req.ndm.ifindex);
  if (!dev) return kerr("ENODEV", "unknown ifindex");
  const addr = req.attrs.NDA_LLADDR;
  if (!addr || addr.length !== 6) return kerr("EINVAL", "invalid address");
  if (dev.type !== 1) return kerr("EINVAL", "FDB add only supported for Ethernet devices");
  let err: KErr | undefined = kerr("EOPNOTSUPP");
  let flags = req.ndm.flags;
  if ((!flags || flags & NTF_MASTER) && brPortGet(dev)) {
    err = brFdbAddDev(dev, req);
    if (err) return err;
    flags &= ~NTF_MASTER;
  }
  if (flags & NTF_SELF) {
    const ops = ndoFdbOpsOf(dev);
    if (brFromDev(dev)) err = brFdbAddDev(dev, req);
    else if (ops?.fdbAdd) err = ops.fdbAdd(req.ndm, req.attrs, dev, addr, req.attrs.NDA_VLAN ?? 0, req.flags);
    else err = ndoDfltFdbAdd(dev, req);
    if (!err) rtnlFdbNotify(dev, addr, req.attrs.NDA_VLAN ?? 0, "RTM_NEWNEIGH", req.ndm.state);
  }
  return err;
}

/** net/core/rtnetlink.c: rtnl_fdb_get() (valid_fdb_get_strict()'s checks) and the bridge's
 * ndo_fdb_get, br_fdb_get(): the entry for an address (and vlan), wherever it lives */
export function brFdbGetDoit(net: Net, req: RtnlMsg): KErr | { answer: RtnlMsg } {
  if (!("ndm" in req)) return kerr("EINVAL", "Invalid header for fdb get request");
  const { ndm, attrs } = req;
  if (ndm.state || ndm.type) return kerr("EINVAL", "Invalid values in header for fdb get request");
  if (ndm.flags & ~(NTF_MASTER | NTF_SELF)) return kerr("EINVAL", "Invalid flags in header for fdb get request");
  for (const k of Object.keys(attrs)) {
    if (k === "NDA_LLADDR" && attrs.NDA_LLADDR!.length !== 6) return kerr("EINVAL", "Invalid address in fdb get request");
    if (k === "NDA_VLAN" && (!attrs.NDA_VLAN || attrs.NDA_VLAN >= 4095)) return kerr("EINVAL", "invalid vlan id");
    if (!["NDA_LLADDR", "NDA_VLAN", "NDA_VNI", "NDA_MASTER"].includes(k)) return kerr("EINVAL", "Unsupported attribute in fdb get request");
  }
  const addr = attrs.NDA_LLADDR;
  if (!addr) return kerr("EINVAL", "Missing lookup address for fdb get request");
  let dev: NetDevice | undefined;
  let brDev: NetDevice | undefined;
  if (ndm.ifindex) {
    dev = devByIndex(net, ndm.ifindex);
    if (!dev) return kerr("ENODEV", "Unknown device ifindex");
  }
  if (attrs.NDA_MASTER) {
    if (dev) return kerr("EINVAL", "Master and device are mutually exclusive");
    brDev = devByIndex(net, attrs.NDA_MASTER);
    if (!brDev) return kerr("EINVAL", "Invalid master ifindex");
  }
  let target: NetDevice | undefined = brDev;
  if (dev) {
    if (!ndm.flags || ndm.flags & NTF_MASTER) {
      const p = brPortGet(dev);
      if (!p) return kerr("EINVAL", "Device is not a bridge port");
      target = p.br.dev;
    } else target = dev;
  }
  if (!target) return kerr("ENODEV", "No device specified");
  const br = brFromDev(target);
  if (!br) return kerr("EOPNOTSUPP", "Fdb get operation not supported by device");
  const f = brFdbFind(br, addr, attrs.NDA_VLAN ?? 0);
  if (!f) return kerr("ENOENT", "Fdb entry not found");
  return { answer: fdbFillInfo(br, f, netScheduler(net).now) };
}

/** br_fdb_delete_bulk()'s state and flags bits, as the bridge's entry flags */
function fdbFlushFlags(state: number, flags: number): number {
  let f = 0;
  if (state & NUD_PERMANENT) f |= BR_FDB_LOCAL;
  if (state & NUD_NOARP) f |= BR_FDB_STATIC;
  if (flags & NTF_USE) f |= BR_FDB_ADDED_BY_USER;
  if (flags & NTF_EXT_LEARNED) f |= BR_FDB_ADDED_BY_EXT_LEARN;
  if (flags & NTF_OFFLOADED) f |= BR_FDB_OFFLOADED;
  if (flags & NTF_STICKY) f |= BR_FDB_STICKY;
  return f;
}

/** net/bridge/br_fdb.c: br_fdb_delete_bulk() + br_fdb_flush(): every entry of the bridge that
 * matches the vlan, the port (the bridge's own ifindex: entries without one) and, under the
 * masks, the state and flags */
function brFdbDeleteBulk(req: NeighMsg, dev: NetDevice): KErr | undefined {
  const { ndm, attrs } = req;
  const ndmFlags = ndm.flags & ~(NTF_MASTER | NTF_SELF);
  for (const k of Object.keys(attrs)) {
    if (!["NDA_VLAN", "NDA_IFINDEX", "NDA_NDM_STATE_MASK", "NDA_NDM_FLAGS_MASK"].includes(k)) return kerr("EINVAL", "Unsupported attribute");
  }
  if (attrs.NDA_VLAN !== undefined && (attrs.NDA_VLAN < 1 || attrs.NDA_VLAN > 4094)) return kerr("ERANGE", "integer out of range");
  if (attrs.NDA_IFINDEX !== undefined && attrs.NDA_IFINDEX < 1) return kerr("ERANGE", "integer out of range");
  const p = brPortGet(dev);
  const br = brFromDev(dev) ?? p?.br;
  if (!br) return kerr("EINVAL", "bridge: Device is not a bridge port");
  if (ndmFlags & ~(NTF_USE | NTF_EXT_LEARNED | NTF_STICKY | NTF_OFFLOADED)) return kerr("EINVAL", "Unsupported fdb flush ndm flag bits set");
  if (ndm.state & ~(NUD_PERMANENT | NUD_NOARP)) return kerr("EINVAL", "Unsupported fdb flush ndm state bits set");
  const flags = fdbFlushFlags(ndm.state, ndmFlags);
  const mask = fdbFlushFlags(attrs.NDA_NDM_STATE_MASK ?? 0, attrs.NDA_NDM_FLAGS_MASK ?? 0);
  let port = 0;
  if (attrs.NDA_IFINDEX !== undefined) {
    /* __fdb_flush_validate_ifindex() */
    const d = devByIndex(dev.net, attrs.NDA_IFINDEX);
    if (!d) return kerr("ENODEV", "bridge: Unknown flush device ifindex");
    const dp = brPortGet(d);
    const db = brFromDev(d);
    if (!dp && !db) return kerr("EINVAL", "bridge: Flush device is not a bridge or bridge port");
    if (db && db !== br) return kerr("EINVAL", "bridge: Flush bridge device does not match target bridge device");
    if (dp && dp.br !== br) return kerr("EINVAL", "bridge: Port belongs to a different bridge device");
    port = attrs.NDA_IFINDEX;
  } else if (p && !brFromDev(dev)) port = p.dev.ifindex;
  const vid = attrs.NDA_VLAN ?? 0;
  for (const f of [...br.fdb.values()]) {
    if (vid && f.vid !== vid) continue;
    if (port && (f.dst ? f.dst.dev.ifindex : br.dev.ifindex) !== port) continue;
    if (mask && (f.flags & mask) !== flags) continue;
    fdbDelete(br, f);
  }
  return undefined;
}

/** net/core/rtnetlink.c: rtnl_fdb_del() with NLM_F_BULK: the master's (a port's bridge) and
 * the device's own ndo_fdb_del_bulk */
function brFdbDelBulk(net: Net, req: NeighMsg): KErr | undefined {
  if (!req.ndm.ifindex) return kerr("EINVAL", "invalid ifindex");
  const dev = devByIndex(net, req.ndm.ifindex);
  if (!dev) return kerr("ENODEV", "unknown ifindex");
  if (dev.type !== 1) return kerr("EINVAL", "FDB delete only supported for Ethernet devices");
  let err: KErr | undefined = kerr("EOPNOTSUPP");
  let flags = req.ndm.flags;
  const p = brPortGet(dev);
  if ((!flags || flags & NTF_MASTER) && p) {
    err = brFdbDeleteBulk(req, dev);
    if (err) return err;
    flags &= ~NTF_MASTER;
  }
  if (flags & NTF_SELF) err = brFromDev(dev) ? brFdbDeleteBulk(req, dev) : kerr("EOPNOTSUPP");
  return err;
}

/** net/core/rtnetlink.c: rtnl_fdb_del() for AF_BRIDGE */
export function brFdbDel(net: Net, req: RtnlMsg): KErr | undefined {
  if (!("ndm" in req)) return kerr("EINVAL");
  if (req.flags.bulk) return brFdbDelBulk(net, req);
  if (!req.ndm.ifindex) return kerr("EINVAL", "invalid ifindex");
  const dev = devByIndex(net, req.ndm.ifindex);
  if (!dev) return kerr("ENODEV", "unknown ifindex");
  const addr = req.attrs.NDA_LLADDR;
  if (!addr || addr.length !== 6) return kerr("EINVAL", "invalid address");
  let err: KErr | undefined = kerr("EOPNOTSUPP");
  let flags = req.ndm.flags;
  const vid = req.attrs.NDA_VLAN ?? 0;
  const p = brPortGet(dev);
  if ((!flags || flags & NTF_MASTER) && p) {
    err = brFdbDeleteVlans(p.br, p, p.vlgrp, addr, vid);
    if (err) return err;
    flags &= ~NTF_MASTER;
  }
  if (flags & NTF_SELF) {
    const br = brFromDev(dev);
    const ops = ndoFdbOpsOf(dev);
    if (br) err = brFdbDeleteVlans(br, undefined, br.vlgrp, addr, vid);
    else if (ops?.fdbDel) err = ops.fdbDel(req.ndm, req.attrs, dev, addr, vid);
    else {
      // ndo_dflt_fdb_del(): dev_uc_del / dev_mc_del
      err = dfltFdbUc(addr) ? devUcDel(dev, addr) : devMcDel(dev, addr);
    }
    if (!err) rtnlFdbNotify(dev, addr, vid, "RTM_DELNEIGH", req.ndm.state);
  }
  return err;
}

/** the state a port enters when its bridge is created by `ip link add … type bridge` */
export { BR_STATE_BLOCKING };
