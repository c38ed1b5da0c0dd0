/**
 * ip/iplink_bridge.c and ip/iplink_bridge_slave.c: `type bridge` / `type bridge_slave` options
 * and the `ip -d link show` printers of IFLA_BR_* and IFLA_BRPORT_*.
 *
 * Attribute values as the kernel side gives them (uapi InfoData): numbers for integers, timers
 * in clock_t (centiseconds, as the kernel's nla_put_u64 of jiffies_to_clock_t), MAC addresses
 * as Uint8Array, bridge ids as `{prio: [hi, lo] | Uint8Array, addr: Uint8Array}` or as the
 * 8 raw bytes of struct ifla_bridge_id.
 */
import type { IpCtx } from "../lib/context.ts";
import type { InfoData, StatsMsg, LinkXstats, BrMcastStatsAttr, BrStpXstatsAttr } from "../../kernel/uapi/rtnetlink.ts";
import { PRINT_ANY, PRINT_FP } from "../lib/json_print.ts";
import { sprintf } from "../lib/printf.ts";
import { etherNtoa, getU16, getU32, getU64, getU8, incompleteCommand, invarg, llAddrA2n, llAddrN2a, matches, parseOnOff } from "../lib/utils.ts";
import { llProtoA2n, llProtoN2a } from "../lib/ll_map.ts";
import { parseXstatsArgs, registerLinkUtil, type XstatsFilter } from "./link_util.ts";

const BR_BOOLOPT_NO_LL_LEARN = 0;
const BR_BOOLOPT_MCAST_VLAN_SNOOPING = 1;

function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return 0;
}

/** ip/iplink_bridge.c: br_dump_bridge_id() */
export function brDumpBridgeId(id: unknown): string {
  let prio: ArrayLike<number>;
  let addr: Uint8Array;
  if (id instanceof Uint8Array) {
    prio = id.subarray(0, 2);
    addr = id.subarray(2, 8);
  } else {
    const o = (id ?? {}) as { prio?: ArrayLike<number> | number; addr?: Uint8Array };
    prio = typeof o.prio === "number" ? [o.prio >> 8, o.prio & 0xff] : (o.prio ?? [0, 0]);
    addr = o.addr ?? new Uint8Array(6);
  }
  return sprintf("%.2x%.2x.%s", prio[0] ?? 0, prio[1] ?? 0, etherNtoa(addr));
}

/** ip/iplink_bridge.c: _bridge_print_timer() (also iplink_bridge_slave.c: _print_timer()) */
export function bridgePrintTimer(ctx: IpCtx, attr: string, timer: unknown): void {
  const jiffies = num(timer);
  const tvusec = 10000 * jiffies;
  const sec = Math.floor(tvusec / 1000000);
  const usec = tvusec - 1000000 * sec;
  if (ctx.isJsonContext()) {
    ctx.jw!.jsonwName(attr);
    ctx.jw!.jsonwPrintf("%i.%.2i", sec, Math.floor(usec / 10000));
  } else ctx.printf("%s %4i.%.2i ", attr, sec, Math.floor(usec / 10000));
}

function bridgeExplain(ctx: IpCtx): void {
  ctx.err(
    "Usage: ... bridge [ fdb_flush ]\n" +
      "\t\t  [ forward_delay FORWARD_DELAY ]\n" +
      "\t\t  [ hello_time HELLO_TIME ]\n" +
      "\t\t  [ max_age MAX_AGE ]\n" +
      "\t\t  [ ageing_time AGEING_TIME ]\n" +
      "\t\t  [ stp_state STP_STATE ]\n" +
      "\t\t  [ priority PRIORITY ]\n" +
      "\t\t  [ group_fwd_mask MASK ]\n" +
      "\t\t  [ group_address ADDRESS ]\n" +
      "\t\t  [ no_linklocal_learn NO_LINKLOCAL_LEARN ]\n" +
      "\t\t  [ vlan_filtering VLAN_FILTERING ]\n" +
      "\t\t  [ vlan_protocol VLAN_PROTOCOL ]\n" +
      "\t\t  [ vlan_default_pvid VLAN_DEFAULT_PVID ]\n" +
      "\t\t  [ vlan_stats_enabled VLAN_STATS_ENABLED ]\n" +
      "\t\t  [ vlan_stats_per_port VLAN_STATS_PER_PORT ]\n" +
      "\t\t  [ mcast_snooping MULTICAST_SNOOPING ]\n" +
      "\t\t  [ mcast_vlan_snooping MULTICAST_VLAN_SNOOPING ]\n" +
      "\t\t  [ mcast_router MULTICAST_ROUTER ]\n" +
      "\t\t  [ mcast_query_use_ifaddr MCAST_QUERY_USE_IFADDR ]\n" +
      "\t\t  [ mcast_querier MULTICAST_QUERIER ]\n" +
      "\t\t  [ mcast_hash_elasticity HASH_ELASTICITY ]\n" +
      "\t\t  [ mcast_hash_max HASH_MAX ]\n" +
      "\t\t  [ mcast_last_member_count LAST_MEMBER_COUNT ]\n" +
      "\t\t  [ mcast_startup_query_count STARTUP_QUERY_COUNT ]\n" +
      "\t\t  [ mcast_last_member_interval LAST_MEMBER_INTERVAL ]\n" +
      "\t\t  [ mcast_membership_interval MEMBERSHIP_INTERVAL ]\n" +
      "\t\t  [ mcast_querier_interval QUERIER_INTERVAL ]\n" +
      "\t\t  [ mcast_query_interval QUERY_INTERVAL ]\n" +
      "\t\t  [ mcast_query_response_interval QUERY_RESPONSE_INTERVAL ]\n" +
      "\t\t  [ mcast_startup_query_interval STARTUP_QUERY_INTERVAL ]\n" +
      "\t\t  [ mcast_stats_enabled MCAST_STATS_ENABLED ]\n" +
      "\t\t  [ mcast_igmp_version IGMP_VERSION ]\n" +
      "\t\t  [ mcast_mld_version MLD_VERSION ]\n" +
      "\t\t  [ nf_call_iptables NF_CALL_IPTABLES ]\n" +
      "\t\t  [ nf_call_ip6tables NF_CALL_IP6TABLES ]\n" +
      "\t\t  [ nf_call_arptables NF_CALL_ARPTABLES ]\n" +
      "\n" +
      "Where: VLAN_PROTOCOL := { 802.1Q | 802.1ad }\n",
  );
}

type Getter = (arg: string | undefined, base?: number) => number | undefined;
/** [option, attribute, parser]: every numeric option of bridge_parse_opt(), in its order */
const brNumOpts: [string, string, Getter][] = [
  ["forward_delay", "IFLA_BR_FORWARD_DELAY", getU32],
  ["hello_time", "IFLA_BR_HELLO_TIME", getU32],
  ["max_age", "IFLA_BR_MAX_AGE", getU32],
  ["ageing_time", "IFLA_BR_AGEING_TIME", getU32],
  ["stp_state", "IFLA_BR_STP_STATE", getU32],
  ["priority", "IFLA_BR_PRIORITY", getU16],
  ["vlan_filtering", "IFLA_BR_VLAN_FILTERING", getU8],
];
const brNumOpts2: [string, string, Getter][] = [
  ["vlan_default_pvid", "IFLA_BR_VLAN_DEFAULT_PVID", getU16],
  ["vlan_stats_enabled", "IFLA_BR_VLAN_STATS_ENABLED", getU8],
  ["vlan_stats_per_port", "IFLA_BR_VLAN_STATS_PER_PORT", getU8],
  ["mcast_router", "IFLA_BR_MCAST_ROUTER", getU8],
  ["mcast_snooping", "IFLA_BR_MCAST_SNOOPING", getU8],
];
const brNumOpts3: [string, string, Getter][] = [
  ["mcast_query_use_ifaddr", "IFLA_BR_MCAST_QUERY_USE_IFADDR", getU8],
  ["mcast_querier", "IFLA_BR_MCAST_QUERIER", getU8],
  ["mcast_hash_elasticity", "IFLA_BR_MCAST_HASH_ELASTICITY", getU32],
  ["mcast_hash_max", "IFLA_BR_MCAST_HASH_MAX", getU32],
  ["mcast_last_member_count", "IFLA_BR_MCAST_LAST_MEMBER_CNT", getU32],
  ["mcast_startup_query_count", "IFLA_BR_MCAST_STARTUP_QUERY_CNT", getU32],
  ["mcast_last_member_interval", "IFLA_BR_MCAST_LAST_MEMBER_INTVL", getU64],
  ["mcast_membership_interval", "IFLA_BR_MCAST_MEMBERSHIP_INTVL", getU64],
  ["mcast_querier_interval", "IFLA_BR_MCAST_QUERIER_INTVL", getU64],
  ["mcast_query_interval", "IFLA_BR_MCAST_QUERY_INTVL", getU64],
  ["mcast_query_response_interval", "IFLA_BR_MCAST_QUERY_RESPONSE_INTVL", getU64],
  ["mcast_startup_query_interval", "IFLA_BR_MCAST_STARTUP_QUERY_INTVL", getU64],
  ["mcast_stats_enabled", "IFLA_BR_MCAST_STATS_ENABLED", getU8],
  ["mcast_igmp_version", "IFLA_BR_MCAST_IGMP_VERSION", getU8],
  ["mcast_mld_version", "IFLA_BR_MCAST_MLD_VERSION", getU8],
  ["nf_call_iptables", "IFLA_BR_NF_CALL_IPTABLES", getU8],
  ["nf_call_ip6tables", "IFLA_BR_NF_CALL_IP6TABLES", getU8],
  ["nf_call_arptables", "IFLA_BR_NF_CALL_ARPTABLES", getU8],
];

/** ip/iplink_bridge.c: bridge_parse_opt() */
function bridgeParseOpt(ctx: IpCtx, argvIn: string[], data: InfoData): number {
  let argv = argvIn;
  let optmask = 0;
  let optval = 0;
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  const tryNum = (a: string, opts: [string, string, Getter][]): boolean => {
    for (const [name, attr, get] of opts) {
      if (!matches(a, name)) {
        const v = next();
        const x = get(v, 0);
        if (x === undefined) invarg(ctx, `invalid ${name}`, v);
        data[attr] = x;
        return true;
      }
    }
    return false;
  };
  while (argv.length > 0) {
    const a = argv[0]!;
    if (tryNum(a, brNumOpts)) {
      /* done */
    } else if (!matches(a, "vlan_protocol")) {
      const v = next();
      const p = llProtoA2n(v);
      if (p === undefined) invarg(ctx, "invalid vlan_protocol", v);
      data.IFLA_BR_VLAN_PROTOCOL = p;
    } else if (!matches(a, "group_fwd_mask")) {
      const v = next();
      const x = getU16(v, 0);
      if (x === undefined) invarg(ctx, "invalid group_fwd_mask", v);
      data.IFLA_BR_GROUP_FWD_MASK = x;
    } else if (!matches(a, "group_address")) {
      const v = next();
      const ll = llAddrA2n(ctx, v, 32);
      if (!ll) return -1;
      data.IFLA_BR_GROUP_ADDR = ll;
    } else if (a === "no_linklocal_learn") {
      const v = next();
      const x = getU8(v, 0);
      if (x === undefined) invarg(ctx, "invalid no_linklocal_learn", v);
      optmask |= 1 << BR_BOOLOPT_NO_LL_LEARN;
      if (x) optval |= 1 << BR_BOOLOPT_NO_LL_LEARN;
      else optval &= ~(1 << BR_BOOLOPT_NO_LL_LEARN);
    } else if (!matches(a, "fdb_flush")) {
      data.IFLA_BR_FDB_FLUSH = true;
    } else if (tryNum(a, brNumOpts2)) {
      /* done */
    } else if (a === "mcast_vlan_snooping") {
      const v = next();
      const x = getU8(v, 0);
      if (x === undefined) invarg(ctx, "invalid mcast_vlan_snooping", v);
      optmask |= 1 << BR_BOOLOPT_MCAST_VLAN_SNOOPING;
      if (x) optval |= 1 << BR_BOOLOPT_MCAST_VLAN_SNOOPING;
      else optval &= ~(1 << BR_BOOLOPT_MCAST_VLAN_SNOOPING);
    } else if (tryNum(a, brNumOpts3)) {
      /* done */
    } else if (!matches(a, "help")) {
      bridgeExplain(ctx);
      return -1;
    } else {
      ctx.err('bridge: unknown command "%s"?\n', a);
      bridgeExplain(ctx);
      return -1;
    }
    argv = argv.slice(1);
  }
  if (optmask) data.IFLA_BR_MULTI_BOOLOPT = { optval, optmask };
  return 0;
}

/** ip/iplink_bridge.c: bridge_print_opt() */
function bridgePrintOpt(ctx: IpCtx, tb: InfoData | undefined): void {
  if (!tb) return;
  const u = (attr: string, key: string, fmt: string) => {
    if (tb[attr] !== undefined) ctx.printUint(PRINT_ANY, key, fmt, num(tb[attr]));
  };
  const llu = (attr: string, key: string, fmt: string) => {
    if (tb[attr] !== undefined) ctx.printU64(PRINT_ANY, key, fmt, num(tb[attr]));
  };
  u("IFLA_BR_FORWARD_DELAY", "forward_delay", "forward_delay %u ");
  u("IFLA_BR_HELLO_TIME", "hello_time", "hello_time %u ");
  u("IFLA_BR_MAX_AGE", "max_age", "max_age %u ");
  u("IFLA_BR_AGEING_TIME", "ageing_time", "ageing_time %u ");
  u("IFLA_BR_STP_STATE", "stp_state", "stp_state %u ");
  u("IFLA_BR_PRIORITY", "priority", "priority %u ");
  u("IFLA_BR_VLAN_FILTERING", "vlan_filtering", "vlan_filtering %u ");
  if (tb.IFLA_BR_VLAN_PROTOCOL !== undefined)
    ctx.printString(PRINT_ANY, "vlan_protocol", "vlan_protocol %s ", llProtoN2a(num(tb.IFLA_BR_VLAN_PROTOCOL)));
  if (tb.IFLA_BR_BRIDGE_ID !== undefined)
    ctx.printString(PRINT_ANY, "bridge_id", "bridge_id %s ", brDumpBridgeId(tb.IFLA_BR_BRIDGE_ID));
  // iproute2 6.1.0 prints IFLA_BR_BRIDGE_ID here (an upstream bug kept for fidelity)
  if (tb.IFLA_BR_ROOT_ID !== undefined)
    ctx.printString(PRINT_ANY, "root_id", "designated_root %s ", brDumpBridgeId(tb.IFLA_BR_BRIDGE_ID));
  u("IFLA_BR_ROOT_PORT", "root_port", "root_port %u ");
  u("IFLA_BR_ROOT_PATH_COST", "root_path_cost", "root_path_cost %u ");
  u("IFLA_BR_TOPOLOGY_CHANGE", "topology_change", "topology_change %u ");
  u("IFLA_BR_TOPOLOGY_CHANGE_DETECTED", "topology_change_detected", "topology_change_detected %u ");
  if (tb.IFLA_BR_HELLO_TIMER !== undefined) bridgePrintTimer(ctx, "hello_timer", tb.IFLA_BR_HELLO_TIMER);
  if (tb.IFLA_BR_TCN_TIMER !== undefined) bridgePrintTimer(ctx, "tcn_timer", tb.IFLA_BR_TCN_TIMER);
  if (tb.IFLA_BR_TOPOLOGY_CHANGE_TIMER !== undefined)
    bridgePrintTimer(ctx, "topology_change_timer", tb.IFLA_BR_TOPOLOGY_CHANGE_TIMER);
  if (tb.IFLA_BR_GC_TIMER !== undefined) bridgePrintTimer(ctx, "gc_timer", tb.IFLA_BR_GC_TIMER);
  u("IFLA_BR_VLAN_DEFAULT_PVID", "vlan_default_pvid", "vlan_default_pvid %u ");
  u("IFLA_BR_VLAN_STATS_ENABLED", "vlan_stats_enabled", "vlan_stats_enabled %u ");
  u("IFLA_BR_VLAN_STATS_PER_PORT", "vlan_stats_per_port", "vlan_stats_per_port %u ");
  if (tb.IFLA_BR_GROUP_FWD_MASK !== undefined)
    ctx.print0xhex(PRINT_ANY, "group_fwd_mask", "group_fwd_mask %#llx ", num(tb.IFLA_BR_GROUP_FWD_MASK));
  if (tb.IFLA_BR_GROUP_ADDR instanceof Uint8Array) {
    const g = tb.IFLA_BR_GROUP_ADDR;
    ctx.printString(PRINT_ANY, "group_addr", "group_address %s ", llAddrN2a(g, g.length, 1));
  }
  u("IFLA_BR_MCAST_SNOOPING", "mcast_snooping", "mcast_snooping %u ");
  if (tb.IFLA_BR_MULTI_BOOLOPT !== undefined) {
    const bm = tb.IFLA_BR_MULTI_BOOLOPT as { optval: number; optmask: number };
    const noLl = 1 << BR_BOOLOPT_NO_LL_LEARN;
    const mcvl = 1 << BR_BOOLOPT_MCAST_VLAN_SNOOPING;
    if (bm.optmask & noLl) ctx.printUint(PRINT_ANY, "no_linklocal_learn", "no_linklocal_learn %u ", bm.optval & noLl ? 1 : 0);
    if (bm.optmask & mcvl) ctx.printUint(PRINT_ANY, "mcast_vlan_snooping", "mcast_vlan_snooping %u ", bm.optval & mcvl ? 1 : 0);
  }
  u("IFLA_BR_MCAST_ROUTER", "mcast_router", "mcast_router %u ");
  u("IFLA_BR_MCAST_QUERY_USE_IFADDR", "mcast_query_use_ifaddr", "mcast_query_use_ifaddr %u ");
  u("IFLA_BR_MCAST_QUERIER", "mcast_querier", "mcast_querier %u ");
  u("IFLA_BR_MCAST_HASH_ELASTICITY", "mcast_hash_elasticity", "mcast_hash_elasticity %u ");
  u("IFLA_BR_MCAST_HASH_MAX", "mcast_hash_max", "mcast_hash_max %u ");
  u("IFLA_BR_MCAST_LAST_MEMBER_CNT", "mcast_last_member_cnt", "mcast_last_member_count %u ");
  u("IFLA_BR_MCAST_STARTUP_QUERY_CNT", "mcast_startup_query_cnt", "mcast_startup_query_count %u ");
  llu("IFLA_BR_MCAST_LAST_MEMBER_INTVL", "mcast_last_member_intvl", "mcast_last_member_interval %llu ");
  llu("IFLA_BR_MCAST_MEMBERSHIP_INTVL", "mcast_membership_intvl", "mcast_membership_interval %llu ");
  llu("IFLA_BR_MCAST_QUERIER_INTVL", "mcast_querier_intvl", "mcast_querier_interval %llu ");
  llu("IFLA_BR_MCAST_QUERY_INTVL", "mcast_query_intvl", "mcast_query_interval %llu ");
  llu("IFLA_BR_MCAST_QUERY_RESPONSE_INTVL", "mcast_query_response_intvl", "mcast_query_response_interval %llu ");
  llu("IFLA_BR_MCAST_STARTUP_QUERY_INTVL", "mcast_startup_query_intvl", "mcast_startup_query_interval %llu ");
  u("IFLA_BR_MCAST_STATS_ENABLED", "mcast_stats_enabled", "mcast_stats_enabled %u ");
  u("IFLA_BR_MCAST_IGMP_VERSION", "mcast_igmp_version", "mcast_igmp_version %u ");
  u("IFLA_BR_MCAST_MLD_VERSION", "mcast_mld_version", "mcast_mld_version %u ");
  u("IFLA_BR_NF_CALL_IPTABLES", "nf_call_iptables", "nf_call_iptables %u ");
  u("IFLA_BR_NF_CALL_IP6TABLES", "nf_call_ip6tables", "nf_call_ip6tables %u ");
  u("IFLA_BR_NF_CALL_ARPTABLES", "nf_call_arptables", "nf_call_arptables %u ");
}

// ---------------------------------------------------------------------------- bridge_slave

const portStates = ["disabled", "listening", "learning", "forwarding", "blocking"];
const fwdMaskTbl: Record<number, string> = { 0: "stp", 2: "lacp", 14: "lldp" };

/** ip/iplink_bridge_slave.c: print_portstate() */
function printPortstate(ctx: IpCtx, state: number): void {
  if (state <= 4) ctx.printString(PRINT_ANY, "state", "state %s ", portStates[state]!);
  else ctx.printInt(PRINT_ANY, "state_index", "state (%d) ", state);
}

/** ip/iplink_bridge_slave.c: _bitmask2str() */
function bitmask2str(bitmaskIn: number, tbl: Record<number, string>): string {
  let s = "";
  for (let i = 0, bitmask = bitmaskIn; bitmask; i++, bitmask >>= 1) {
    if (bitmask & 1) s += tbl[i] !== undefined ? `${tbl[i]},` : sprintf("0x%x,", 1 << i);
  }
  return s === "" ? "0x0" : s.slice(0, -1);
}

/** ip/iplink_bridge_slave.c: bridge_slave_print_opt() */
function bridgeSlavePrintOpt(ctx: IpCtx, tb: InfoData | undefined): void {
  if (!tb) return;
  const oo = (attr: string, key: string, fmt: string) => {
    if (tb[attr] !== undefined) ctx.printOnOff(PRINT_ANY, key, fmt, num(tb[attr]));
  };
  const u = (attr: string, key: string, fmt: string) => {
    if (tb[attr] !== undefined) ctx.printUint(PRINT_ANY, key, fmt, num(tb[attr]));
  };
  if (tb.IFLA_BRPORT_STATE !== undefined) printPortstate(ctx, num(tb.IFLA_BRPORT_STATE));
  if (tb.IFLA_BRPORT_PRIORITY !== undefined) ctx.printInt(PRINT_ANY, "priority", "priority %d ", num(tb.IFLA_BRPORT_PRIORITY));
  if (tb.IFLA_BRPORT_COST !== undefined) ctx.printInt(PRINT_ANY, "cost", "cost %d ", num(tb.IFLA_BRPORT_COST));
  oo("IFLA_BRPORT_MODE", "hairpin", "hairpin %s ");
  oo("IFLA_BRPORT_GUARD", "guard", "guard %s ");
  oo("IFLA_BRPORT_PROTECT", "root_block", "root_block %s ");
  oo("IFLA_BRPORT_FAST_LEAVE", "fastleave", "fastleave %s ");
  oo("IFLA_BRPORT_LEARNING", "learning", "learning %s ");
  oo("IFLA_BRPORT_UNICAST_FLOOD", "flood", "flood %s ");
  if (tb.IFLA_BRPORT_ID !== undefined) ctx.print0xhex(PRINT_ANY, "id", "port_id %#llx ", num(tb.IFLA_BRPORT_ID));
  if (tb.IFLA_BRPORT_NO !== undefined) ctx.print0xhex(PRINT_ANY, "no", "port_no %#llx ", num(tb.IFLA_BRPORT_NO));
  u("IFLA_BRPORT_DESIGNATED_PORT", "designated_port", "designated_port %u ");
  u("IFLA_BRPORT_DESIGNATED_COST", "designated_cost", "designated_cost %u ");
  if (tb.IFLA_BRPORT_BRIDGE_ID !== undefined)
    ctx.printString(PRINT_ANY, "bridge_id", "designated_bridge %s ", brDumpBridgeId(tb.IFLA_BRPORT_BRIDGE_ID));
  if (tb.IFLA_BRPORT_ROOT_ID !== undefined)
    ctx.printString(PRINT_ANY, "root_id", "designated_root %s ", brDumpBridgeId(tb.IFLA_BRPORT_ROOT_ID));
  if (tb.IFLA_BRPORT_HOLD_TIMER !== undefined) bridgePrintTimer(ctx, "hold_timer", tb.IFLA_BRPORT_HOLD_TIMER);
  if (tb.IFLA_BRPORT_MESSAGE_AGE_TIMER !== undefined)
    bridgePrintTimer(ctx, "message_age_timer", tb.IFLA_BRPORT_MESSAGE_AGE_TIMER);
  if (tb.IFLA_BRPORT_FORWARD_DELAY_TIMER !== undefined)
    bridgePrintTimer(ctx, "forward_delay_timer", tb.IFLA_BRPORT_FORWARD_DELAY_TIMER);
  u("IFLA_BRPORT_TOPOLOGY_CHANGE_ACK", "topology_change_ack", "topology_change_ack %u ");
  u("IFLA_BRPORT_CONFIG_PENDING", "config_pending", "config_pending %u ");
  oo("IFLA_BRPORT_PROXYARP", "proxy_arp", "proxy_arp %s ");
  oo("IFLA_BRPORT_PROXYARP_WIFI", "proxy_arp_wifi", "proxy_arp_wifi %s ");
  u("IFLA_BRPORT_MULTICAST_ROUTER", "multicast_router", "mcast_router %u ");
  if (tb.IFLA_BRPORT_FAST_LEAVE !== undefined)
    ctx.printString(PRINT_FP, null, "mcast_fast_leave %s ", num(tb.IFLA_BRPORT_FAST_LEAVE) ? "on" : "off");
  oo("IFLA_BRPORT_MCAST_FLOOD", "mcast_flood", "mcast_flood %s ");
  oo("IFLA_BRPORT_BCAST_FLOOD", "bcast_flood", "bcast_flood %s ");
  oo("IFLA_BRPORT_MCAST_TO_UCAST", "mcast_to_unicast", "mcast_to_unicast %s ");
  oo("IFLA_BRPORT_NEIGH_SUPPRESS", "neigh_suppress", "neigh_suppress %s ");
  if (tb.IFLA_BRPORT_GROUP_FWD_MASK !== undefined) {
    const m = num(tb.IFLA_BRPORT_GROUP_FWD_MASK);
    ctx.print0xhex(PRINT_ANY, "group_fwd_mask", "group_fwd_mask %#llx ", m);
    ctx.printString(PRINT_ANY, "group_fwd_mask_str", "group_fwd_mask_str %s ", bitmask2str(m, fwdMaskTbl));
  }
  oo("IFLA_BRPORT_VLAN_TUNNEL", "vlan_tunnel", "vlan_tunnel %s ");
  oo("IFLA_BRPORT_ISOLATED", "isolated", "isolated %s ");
  oo("IFLA_BRPORT_LOCKED", "locked", "locked %s ");
  if (tb.IFLA_BRPORT_BACKUP_PORT !== undefined)
    ctx.printString(PRINT_ANY, "backup_port", "backup_port %s ", ctx.ll.llIndexToName(num(tb.IFLA_BRPORT_BACKUP_PORT)));
}

function bridgeSlaveExplain(ctx: IpCtx): void {
  ctx.err(
    "Usage: ... bridge_slave [ fdb_flush ]\n" +
      "\t\t\t[ state STATE ]\n" +
      "\t\t\t[ priority PRIO ]\n" +
      "\t\t\t[ cost COST ]\n" +
      "\t\t\t[ guard {on | off} ]\n" +
      "\t\t\t[ hairpin {on | off} ]\n" +
      "\t\t\t[ fastleave {on | off} ]\n" +
      "\t\t\t[ root_block {on | off} ]\n" +
      "\t\t\t[ learning {on | off} ]\n" +
      "\t\t\t[ flood {on | off} ]\n" +
      "\t\t\t[ proxy_arp {on | off} ]\n" +
      "\t\t\t[ proxy_arp_wifi {on | off} ]\n" +
      "\t\t\t[ mcast_router MULTICAST_ROUTER ]\n" +
      "\t\t\t[ mcast_fast_leave {on | off} ]\n" +
      "\t\t\t[ mcast_flood {on | off} ]\n" +
      "\t\t\t[ bcast_flood {on | off} ]\n" +
      "\t\t\t[ mcast_to_unicast {on | off} ]\n" +
      "\t\t\t[ group_fwd_mask MASK ]\n" +
      "\t\t\t[ neigh_suppress {on | off} ]\n" +
      "\t\t\t[ vlan_tunnel {on | off} ]\n" +
      "\t\t\t[ isolated {on | off} ]\n" +
      "\t\t\t[ locked {on | off} ]\n" +
      "\t\t\t[ backup_port DEVICE ] [ nobackup_port ]\n",
  );
}

const slaveOnOff: [string, string][] = [
  ["hairpin", "IFLA_BRPORT_MODE"], ["guard", "IFLA_BRPORT_GUARD"], ["root_block", "IFLA_BRPORT_PROTECT"],
  ["fastleave", "IFLA_BRPORT_FAST_LEAVE"], ["learning", "IFLA_BRPORT_LEARNING"],
  ["flood", "IFLA_BRPORT_UNICAST_FLOOD"], ["mcast_flood", "IFLA_BRPORT_MCAST_FLOOD"],
  ["bcast_flood", "IFLA_BRPORT_BCAST_FLOOD"], ["mcast_to_unicast", "IFLA_BRPORT_MCAST_TO_UCAST"],
  ["proxy_arp", "IFLA_BRPORT_PROXYARP"], ["proxy_arp_wifi", "IFLA_BRPORT_PROXYARP_WIFI"],
];

/** ip/iplink_bridge_slave.c: bridge_slave_parse_opt() */
function bridgeSlaveParseOpt(ctx: IpCtx, argvIn: string[], data: InfoData): number {
  let argv = argvIn;
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  const onOff = (name: string, attr: string) => {
    const v = next();
    const r = parseOnOff(ctx, name, v);
    if (r === undefined) ctx.exit(1);
    data[attr] = r;
  };
  outer: while (argv.length > 0) {
    const a = argv[0]!;
    if (!matches(a, "fdb_flush")) data.IFLA_BRPORT_FLUSH = true;
    else if (!matches(a, "state")) {
      const v = next();
      const x = getU8(v, 0);
      if (x === undefined) invarg(ctx, "state is invalid", v);
      data.IFLA_BRPORT_STATE = x;
    } else if (!matches(a, "priority")) {
      const v = next();
      const x = getU16(v, 0);
      if (x === undefined) invarg(ctx, "priority is invalid", v);
      data.IFLA_BRPORT_PRIORITY = x;
    } else if (!matches(a, "cost")) {
      const v = next();
      const x = getU32(v, 0);
      if (x === undefined) invarg(ctx, "cost is invalid", v);
      data.IFLA_BRPORT_COST = x;
    } else {
      for (const [name, attr] of slaveOnOff) {
        if (!matches(a, name)) {
          onOff(name, attr);
          argv = argv.slice(1);
          continue outer;
        }
      }
      if (!matches(a, "mcast_router")) {
        const v = next();
        const x = getU8(v, 0);
        if (x === undefined) invarg(ctx, "invalid mcast_router", v);
        data.IFLA_BRPORT_MULTICAST_ROUTER = x;
      } else if (!matches(a, "mcast_fast_leave")) onOff("mcast_fast_leave", "IFLA_BRPORT_FAST_LEAVE");
      else if (!matches(a, "neigh_suppress")) onOff("neigh_suppress", "IFLA_BRPORT_NEIGH_SUPPRESS");
      else if (!matches(a, "group_fwd_mask")) {
        const v = next();
        const x = getU16(v, 0);
        if (x === undefined) invarg(ctx, "invalid group_fwd_mask", v);
        data.IFLA_BRPORT_GROUP_FWD_MASK = x;
      } else if (!matches(a, "vlan_tunnel")) onOff("vlan_tunnel", "IFLA_BRPORT_VLAN_TUNNEL");
      else if (!matches(a, "isolated")) onOff("isolated", "IFLA_BRPORT_ISOLATED");
      else if (!matches(a, "locked")) onOff("locked", "IFLA_BRPORT_LOCKED");
      else if (!matches(a, "backup_port")) {
        const v = next();
        const ifindex = ctx.ll.llNameToIndex(v);
        if (!ifindex) invarg(ctx, "Device does not exist\n", v);
        data.IFLA_BRPORT_BACKUP_PORT = ifindex;
      } else if (!matches(a, "nobackup_port")) data.IFLA_BRPORT_BACKUP_PORT = 0;
      else if (!matches(a, "help")) {
        bridgeSlaveExplain(ctx);
        return -1;
      } else {
        ctx.err('bridge_slave: unknown option "%s"?\n', a);
        bridgeSlaveExplain(ctx);
        return -1;
      }
    }
    argv = argv.slice(1);
  }
  return 0;
}

// ------------------------------------------------------------------------- xstats

/** bridge_print_stats_mcast(): one "queries"/"reports" block (RX and TX lines) */
function mcastPair(ctx: IpCtx, key: string, title: string, v: [number, number][], names: string[]): void {
  ctx.openJsonObject(key);
  ctx.printString(PRINT_FP, null, `%-16s    ${title}:\n`, "");
  for (const [dir, label] of [[0, "RX"], [1, "TX"]] as const) {
    ctx.printString(PRINT_FP, null, "%-16s      ", "");
    names.forEach((n, i) => {
      const last = i === names.length - 1;
      ctx.printU64(PRINT_ANY, `${label.toLowerCase()}_${n}`, `${i === 0 ? `${label}: ` : ""}${n} %llu${last ? "\n" : " "}`, v[i]![dir]);
    });
  }
  ctx.closeJsonObject();
}

/** a "leaves" line and a "parse errors" line */
function mcastLeaves(ctx: IpCtx, proto: string, leaves: [number, number], errors: number): void {
  const p = proto.toLowerCase();
  ctx.openJsonObject(`${p}_leaves`);
  ctx.printString(PRINT_FP, null, `%-16s    ${proto} leaves: `, "");
  ctx.printU64(PRINT_ANY, "rx", "RX: %llu ", leaves[0]);
  ctx.printU64(PRINT_ANY, "tx", "TX: %llu\n", leaves[1]);
  ctx.closeJsonObject();
  ctx.printString(PRINT_FP, null, `%-16s    ${proto} parse errors: `, "");
  ctx.printU64(PRINT_ANY, `${p}_parse_errors`, "%llu\n", errors);
}

/** ip/iplink_bridge.c: bridge_print_stats_mcast() */
export function bridgePrintStatsMcast(ctx: IpCtx, m: BrMcastStatsAttr): void {
  ctx.openJsonObject("multicast");
  mcastPair(ctx, "igmp_queries", "IGMP queries", [m.igmp_v1queries, m.igmp_v2queries, m.igmp_v3queries], ["v1", "v2", "v3"]);
  mcastPair(ctx, "igmp_reports", "IGMP reports", [m.igmp_v1reports, m.igmp_v2reports, m.igmp_v3reports], ["v1", "v2", "v3"]);
  mcastLeaves(ctx, "IGMP", m.igmp_leaves, m.igmp_parse_errors);
  mcastPair(ctx, "mld_queries", "MLD queries", [m.mld_v1queries, m.mld_v2queries], ["v1", "v2"]);
  mcastPair(ctx, "mld_reports", "MLD reports", [m.mld_v1reports, m.mld_v2reports], ["v1", "v2"]);
  mcastLeaves(ctx, "MLD", m.mld_leaves, m.mld_parse_errors);
  ctx.closeJsonObject();
}

/** ip/iplink_bridge.c: bridge_print_stats_stp() */
export function bridgePrintStatsStp(ctx: IpCtx, s: BrStpXstatsAttr): void {
  ctx.openJsonObject("stp");
  ctx.printString(PRINT_FP, null, "%-16s    STP BPDU:  ", "");
  ctx.printU64(PRINT_ANY, "rx_bpdu", "RX: %llu ", s.rx_bpdu);
  ctx.printU64(PRINT_ANY, "tx_bpdu", "TX: %llu\n", s.tx_bpdu);
  ctx.printString(PRINT_FP, null, "%-16s    STP TCN:   ", "");
  ctx.printU64(PRINT_ANY, "rx_tcn", "RX: %llu ", s.rx_tcn);
  ctx.printU64(PRINT_ANY, "tx_tcn", "TX: %llu\n", s.tx_tcn);
  ctx.printString(PRINT_FP, null, "%-16s    STP Transitions: ", "");
  ctx.printU64(PRINT_ANY, "transition_blk", "Blocked: %llu ", s.transition_blk);
  ctx.printU64(PRINT_ANY, "transition_fwd", "Forwarding: %llu\n", s.transition_fwd);
  ctx.closeJsonObject();
}

/** ip/iplink_bridge.c: bridge_print_stats_attr() */
function bridgePrintStatsAttr(ctx: IpCtx, x: LinkXstats, ifindex: number, f: XstatsFilter): void {
  const br = x.LINK_XSTATS_TYPE_BRIDGE;
  if (!br) return;
  ctx.openJsonObject(null);
  ctx.printString(PRINT_ANY, "ifname", "%-16s\n", ctx.ll.llIndexToName(ifindex));
  for (const [k, v] of Object.entries(br)) {
    if (f.printAttr && k !== f.printAttr) continue;
    if (k === "BRIDGE_XSTATS_MCAST") bridgePrintStatsMcast(ctx, v as BrMcastStatsAttr);
    else if (k === "BRIDGE_XSTATS_STP") bridgePrintStatsStp(ctx, v as BrStpXstatsAttr);
  }
  ctx.closeJsonObject();
}

/** ip/iplink_bridge.c: bridge_print_xstats() */
function bridgePrintXstats(ctx: IpCtx, m: StatsMsg, f: XstatsFilter): number {
  if (f.index && f.index !== m.ifsm.ifindex) return 0;
  if (m.attrs.IFLA_STATS_LINK_XSTATS) bridgePrintStatsAttr(ctx, m.attrs.IFLA_STATS_LINK_XSTATS, m.ifsm.ifindex, f);
  if (m.attrs.IFLA_STATS_LINK_XSTATS_SLAVE) bridgePrintStatsAttr(ctx, m.attrs.IFLA_STATS_LINK_XSTATS_SLAVE, m.ifsm.ifindex, f);
  return 0;
}

/** ip/iplink_bridge.c: bridge_parse_xstats() (shared by bridge_slave) */
function bridgeParseXstats(ctx: IpCtx, id: string, argv: string[], f: XstatsFilter): number {
  const attrs = { igmp: "BRIDGE_XSTATS_MCAST", mcast: "BRIDGE_XSTATS_MCAST", stp: "BRIDGE_XSTATS_STP" };
  return parseXstatsArgs(ctx, argv, f, attrs, `Usage: ... ${id} [ igmp ] [ dev DEVICE ]\n`);
}

registerLinkUtil({
  id: "bridge",
  parseOpt: (ctx, argv, data) => bridgeParseOpt(ctx, argv, data),
  printOpt: bridgePrintOpt,
  printHelp: (ctx) => bridgeExplain(ctx),
  parseIflaXstats: (ctx, argv, f) => bridgeParseXstats(ctx, "bridge", argv, f),
  printIflaXstats: bridgePrintXstats,
});

registerLinkUtil({
  id: "bridge_slave",
  parseOpt: (ctx, argv, data) => bridgeSlaveParseOpt(ctx, argv, data),
  printOpt: bridgeSlavePrintOpt,
  printHelp: (ctx) => bridgeSlaveExplain(ctx),
  parseIflaXstats: (ctx, argv, f) => bridgeParseXstats(ctx, "bridge_slave", argv, f),
  printIflaXstats: bridgePrintXstats,
});
