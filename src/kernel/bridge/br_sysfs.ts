/**
 * net/bridge/br_sysfs_br.c (/sys/class/net/<br>/bridge/*, brif/) and br_sysfs_if.c
 * (/sys/class/net/<port>/brport/*). Values are the kernel's: timers and times in clock_t,
 * ids as "8000.aae153d64f92", port ids in hex. The vlan files (vlan_filtering, vlan_protocol,
 * default_pvid, vlan_stats_enabled, vlan_stats_per_port) only with CONFIG_BRIDGE_VLAN_FILTERING
 * (the lab kernel has none); a port has no per-vlan file.
 */
import { type KErr, kerr, isKErr } from "../uapi/errno.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { type FsNode, fsDir, fsFile, kstrtoul, registerSysfsNode } from "../core/sysfs.ts";
import { brFdbDeleteByPort, brFdbFlush } from "./br_fdb.ts";
import { brChangelink, brSetport } from "./br_netlink.ts";
import { type BridgeId, brFromDev, brPortGet, type NetBridge, type NetBridgePort, usToClockT } from "./br_private.ts";
import { brTimerValue } from "./br_stp.ts";
import { brVlanFilterToggle, brVlanSetDefaultPvidSysfs, brVlanSetProtoSysfs, brVlanSetStats, brVlanSetStatsPerPort } from "./br_vlan.ts";

const h2 = (b: number) => (b | 0x100).toString(16).slice(1);

/** br_show_bridge_id() */
function showBridgeId(id: BridgeId): string {
  return `${h2((id.prio >> 8) & 0xff)}${h2(id.prio & 0xff)}.${[...id.addr].map(h2).join("")}\n`;
}

const ro = (f: () => string) => fsFile(0o444, f);

/** store_bridge_parm(): kstrtoul, then the setter */
function rw(show: () => string, set: (v: number) => KErr | undefined): FsNode {
  return fsFile(0o644, show, (data) => {
    const v = kstrtoul(data);
    if (isKErr(v)) return v;
    return set(v);
  });
}

function brAttr(br: NetBridge, attr: string): (v: number) => KErr | undefined {
  return (v) => brChangelink(br.dev, { [attr]: v });
}

/** bridge_attrs[] */
function bridgeDir(br: NetBridge): Map<string, FsNode> {
  const m = new Map<string, FsNode>();
  const n = (v: number) => `${v}\n`;
  m.set("ageing_time", rw(() => n(usToClockT(br.ageingTime)), brAttr(br, "IFLA_BR_AGEING_TIME")));
  m.set("bridge_id", ro(() => showBridgeId(br.bridgeId)));
  m.set("flush", fsFile(0o200, () => kerr("EACCES" as never) as never, () => {
    brFdbFlush(br);
    return undefined;
  }));
  m.set("forward_delay", rw(() => n(usToClockT(br.forwardDelay)), brAttr(br, "IFLA_BR_FORWARD_DELAY")));
  m.set("gc_timer", ro(() => n(brTimerValue(br, br.gcTimer))));
  m.set("group_addr", fsFile(0o644, () => `${[...br.groupAddr].map(h2).join(":")}\n`, (data) => {
    const parts = data.trim().split(":");
    if (parts.length !== 6 || parts.some((x) => !/^[0-9a-fA-F]{1,2}$/.test(x))) return kerr("EINVAL");
    return brChangelink(br.dev, { IFLA_BR_GROUP_ADDR: new Uint8Array(parts.map((x) => parseInt(x, 16))) });
  }));
  m.set("group_fwd_mask", rw(() => `0x${br.groupFwdMask.toString(16)}\n`, brAttr(br, "IFLA_BR_GROUP_FWD_MASK")));
  m.set("hash_elasticity", rw(() => n(br.hashElasticity), () => undefined));
  m.set("hash_max", rw(() => n(br.hashMax), brAttr(br, "IFLA_BR_MCAST_HASH_MAX")));
  m.set("hello_time", rw(() => n(usToClockT(br.helloTime)), brAttr(br, "IFLA_BR_HELLO_TIME")));
  m.set("hello_timer", ro(() => n(brTimerValue(br, br.helloTimer))));
  m.set("max_age", rw(() => n(usToClockT(br.maxAge)), brAttr(br, "IFLA_BR_MAX_AGE")));
  m.set("multicast_igmp_version", rw(() => n(br.igmpVersion), (v) => (v === 2 || v === 3 ? void (br.igmpVersion = v) : kerr("EINVAL"))));
  m.set("multicast_last_member_count", rw(() => n(br.lastMemberCount), brAttr(br, "IFLA_BR_MCAST_LAST_MEMBER_CNT")));
  m.set("multicast_last_member_interval", rw(() => n(br.lastMemberInterval), (v) => void (br.lastMemberInterval = v)));
  m.set("multicast_membership_interval", rw(() => n(br.membershipInterval), (v) => void (br.membershipInterval = v)));
  m.set("multicast_mld_version", rw(() => n(br.mldVersion), (v) => (v === 1 || v === 2 ? void (br.mldVersion = v) : kerr("EINVAL"))));
  m.set("multicast_querier", rw(() => n(br.multicastQuerier), brAttr(br, "IFLA_BR_MCAST_QUERIER")));
  m.set("multicast_querier_interval", rw(() => n(br.querierInterval), (v) => void (br.querierInterval = v)));
  m.set("multicast_query_interval", rw(() => n(br.queryInterval), (v) => void (br.queryInterval = v)));
  m.set("multicast_query_response_interval", rw(() => n(br.queryResponseInterval), (v) => void (br.queryResponseInterval = v)));
  m.set("multicast_query_use_ifaddr", rw(() => n(br.multicastQueryUseIfaddr), brAttr(br, "IFLA_BR_MCAST_QUERY_USE_IFADDR")));
  m.set("multicast_router", rw(() => n(br.multicastRouter), (v) => (v <= 2 ? void (br.multicastRouter = v) : kerr("EINVAL"))));
  m.set("multicast_snooping", rw(() => n(br.multicastSnooping), brAttr(br, "IFLA_BR_MCAST_SNOOPING")));
  m.set("multicast_startup_query_count", rw(() => n(br.startupQueryCount), brAttr(br, "IFLA_BR_MCAST_STARTUP_QUERY_CNT")));
  m.set("multicast_startup_query_interval", rw(() => n(br.startupQueryInterval), (v) => void (br.startupQueryInterval = v)));
  m.set("multicast_stats_enabled", rw(() => n(br.multicastStatsEnabled), brAttr(br, "IFLA_BR_MCAST_STATS_ENABLED")));
  m.set("nf_call_arptables", rw(() => n(br.nfCallArptables), brAttr(br, "IFLA_BR_NF_CALL_ARPTABLES")));
  m.set("nf_call_ip6tables", rw(() => n(br.nfCallIp6tables), brAttr(br, "IFLA_BR_NF_CALL_IP6TABLES")));
  m.set("nf_call_iptables", rw(() => n(br.nfCallIptables), brAttr(br, "IFLA_BR_NF_CALL_IPTABLES")));
  m.set("no_linklocal_learn", rw(() => n(br.noLinklocalLearn), (v) => brChangelink(br.dev, { IFLA_BR_MULTI_BOOLOPT: { optval: v ? 1 : 0, optmask: 1 } })));
  m.set("priority", rw(() => n(br.bridgeId.prio), brAttr(br, "IFLA_BR_PRIORITY")));
  m.set("root_id", ro(() => showBridgeId(br.designatedRoot)));
  m.set("root_path_cost", ro(() => n(br.rootPathCost)));
  m.set("root_port", ro(() => n(br.rootPort)));
  m.set("stp_state", rw(() => n(br.stpEnabled), brAttr(br, "IFLA_BR_STP_STATE")));
  m.set("tcn_timer", ro(() => n(brTimerValue(br, br.tcnTimer))));
  m.set("topology_change", ro(() => n(br.topologyChange)));
  m.set("topology_change_detected", ro(() => n(br.topologyChangeDetected)));
  m.set("topology_change_timer", ro(() => n(brTimerValue(br, br.topologyChangeTimer))));
  if (br.vlgrp) {
    // #ifdef CONFIG_BRIDGE_VLAN_FILTERING; store_bridge_parm() → the setters of br_vlan.c
    m.set("default_pvid", rw(() => n(br.defaultPvid), (v) => brVlanSetDefaultPvidSysfs(br, v)));
    m.set("vlan_filtering", rw(() => n(br.vlanEnabled), (v) => brVlanFilterToggle(br, v)));
    m.set("vlan_protocol", rw(() => `0x${h2(br.vlanProto >> 8)}${h2(br.vlanProto & 0xff)}\n`, (v) => brVlanSetProtoSysfs(br, v)));
    m.set("vlan_stats_enabled", rw(() => n(br.vlanStatsEnabled), (v) => brVlanSetStats(br, v)));
    m.set("vlan_stats_per_port", rw(() => n(br.vlanStatsPerPort), (v) => brVlanSetStatsPerPort(br, v)));
    return new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return m;
}

function portAttr(p: NetBridgePort, attr: string): (v: number) => KErr | undefined {
  return (v) => brSetport(p, { [attr]: v });
}

/** brport_attrs[] */
function brportDir(p: NetBridgePort): Map<string, FsNode> {
  const br = p.br;
  const m = new Map<string, FsNode>();
  const n = (v: number) => `${v}\n`;
  const flag = (f: number) => n(p.flags & f ? 1 : 0);
  m.set("backup_port", fsFile(0o644, () => "", () => kerr("EINVAL")));
  m.set("bpdu_guard", rw(() => flag(1 << 1), portAttr(p, "IFLA_BRPORT_GUARD")));
  m.set("bridge", { kind: "link", target: `../../${br.dev.name}` });
  m.set("broadcast_flood", rw(() => flag(1 << 14), portAttr(p, "IFLA_BRPORT_BCAST_FLOOD")));
  m.set("change_ack", ro(() => n(p.topologyChangeAck)));
  m.set("config_pending", ro(() => n(p.configPending)));
  m.set("designated_bridge", ro(() => showBridgeId(p.designatedBridge)));
  m.set("designated_cost", ro(() => n(p.designatedCost)));
  m.set("designated_port", ro(() => n(p.designatedPort)));
  m.set("designated_root", ro(() => showBridgeId(p.designatedRoot)));
  m.set("flush", fsFile(0o200, () => kerr("EACCES" as never) as never, () => {
    brFdbDeleteByPort(br, p, 0, false);
    return undefined;
  }));
  m.set("forward_delay_timer", ro(() => n(brTimerValue(br, p.forwardDelayTimer))));
  m.set("group_fwd_mask", rw(() => `0x${p.groupFwdMask.toString(16)}\n`, portAttr(p, "IFLA_BRPORT_GROUP_FWD_MASK")));
  m.set("hairpin_mode", rw(() => flag(1 << 0), portAttr(p, "IFLA_BRPORT_MODE")));
  m.set("hold_timer", ro(() => n(brTimerValue(br, p.holdTimer))));
  m.set("isolated", rw(() => flag(1 << 16), portAttr(p, "IFLA_BRPORT_ISOLATED")));
  m.set("learning", rw(() => flag(1 << 5), portAttr(p, "IFLA_BRPORT_LEARNING")));
  m.set("message_age_timer", ro(() => n(brTimerValue(br, p.messageAgeTimer))));
  m.set("multicast_fast_leave", rw(() => flag(1 << 3), portAttr(p, "IFLA_BRPORT_FAST_LEAVE")));
  m.set("multicast_flood", rw(() => flag(1 << 11), portAttr(p, "IFLA_BRPORT_MCAST_FLOOD")));
  m.set("multicast_router", rw(() => n(p.multicastRouter), portAttr(p, "IFLA_BRPORT_MULTICAST_ROUTER")));
  m.set("multicast_to_unicast", rw(() => flag(1 << 12), portAttr(p, "IFLA_BRPORT_MCAST_TO_UCAST")));
  m.set("neigh_suppress", rw(() => flag(1 << 15), portAttr(p, "IFLA_BRPORT_NEIGH_SUPPRESS")));
  m.set("path_cost", rw(() => n(p.pathCost), portAttr(p, "IFLA_BRPORT_COST")));
  m.set("port_id", ro(() => `0x${p.portId.toString(16)}\n`));
  m.set("port_no", ro(() => `0x${p.portNo.toString(16)}\n`));
  m.set("priority", rw(() => n(p.priority), portAttr(p, "IFLA_BRPORT_PRIORITY")));
  m.set("proxyarp", rw(() => flag(1 << 8), portAttr(p, "IFLA_BRPORT_PROXYARP")));
  m.set("proxyarp_wifi", rw(() => flag(1 << 10), portAttr(p, "IFLA_BRPORT_PROXYARP_WIFI")));
  m.set("root_block", rw(() => flag(1 << 2), portAttr(p, "IFLA_BRPORT_PROTECT")));
  m.set("state", ro(() => n(p.state)));
  m.set("unicast_flood", rw(() => flag(1 << 6), portAttr(p, "IFLA_BRPORT_UNICAST_FLOOD")));
  return m;
}

/** br_sysfs_addbr() / br_sysfs_addif(): registered once for every device */
export function brSysfsInit(): void {
  registerSysfsNode("bridge", (dev: NetDevice) => {
    const br = brFromDev(dev);
    return br ? fsDir(() => bridgeDir(br)) : undefined;
  });
  registerSysfsNode("brif", (dev: NetDevice) => {
    const br = brFromDev(dev);
    if (!br) return undefined;
    return fsDir(() => {
      const m = new Map<string, FsNode>();
      for (const p of [...br.ports].sort((a, b) => (a.dev.name < b.dev.name ? -1 : 1)))
        m.set(p.dev.name, { kind: "link", target: `../../${p.dev.name}/brport` });
      return m;
    });
  });
  registerSysfsNode("brport", (dev: NetDevice) => {
    const p = brPortGet(dev);
    return p ? fsDir(() => brportDir(p)) : undefined;
  });
  registerSysfsNode("brforward", (dev: NetDevice) => (brFromDev(dev) ? fsFile(0o444, () => "") : undefined));
}
