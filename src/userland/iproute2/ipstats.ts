/**
 * ip/ipstats.c (iproute2 6.1): `ip stats show [dev D] [group G [subgroup S [suite X]]]...` and
 * `ip stats set dev D l3_stats on|off` — RTM_GETSTATS (a dump, or one device's request) with a
 * filter mask built from the selected statistics, and RTM_SETSTATS.
 *
 * The statistics form a tree of descriptors (groups, leaves); a selection enables the leaves
 * under it. The enabled leaves are sorted by the descriptors' addresses in the C program
 * (qsort on pointers) and deduplicated: that order, the one Debian's build prints, is `rank`.
 */
import type { IpCtx } from "../lib/context.ts";
import {
  AF_UNSPEC, IFLA_OFFLOAD_XSTATS_CPU_HIT, IFLA_OFFLOAD_XSTATS_HW_S_INFO, IFLA_OFFLOAD_XSTATS_L3_STATS,
  IFLA_STATS_AF_SPEC, IFLA_STATS_FILTER_BIT, IFLA_STATS_LINK_64, IFLA_STATS_LINK_OFFLOAD_XSTATS,
  IFLA_STATS_LINK_XSTATS, IFLA_STATS_LINK_XSTATS_SLAVE,
  type BrMcastStatsAttr, type BrStpXstatsAttr, type LinkStats64, type RtnlHwStats64, type StatsMsg,
} from "../../kernel/uapi/rtnetlink.ts";
import { COLOR_IFNAME, PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import { checkIfname, duparg2, incompleteCommand, invarg, nodev, parseOnOff } from "../lib/utils.ts";
import { rtnlDumpFilter, rtnlTalk } from "../lib/libnetlink.ts";
import { printNum, printStats64, sizeColumns } from "./ipaddress.ts";
import { bridgePrintStatsMcast, bridgePrintStatsStp } from "./iplink_bridge.ts";

const EINVAL = 22;
const ENOENT = 2;

/** include/uapi/linux/if_link.h: IFLA_STATS_MAX, LINK_XSTATS_TYPE_MAX, IFLA_OFFLOAD_XSTATS_MAX,
 * AF_MAX - 1: ipstats_stat_ifla_max[] */
const IFLA_STATS_MAX = 5;
const ipstatsStatIflaMax: Record<number, number> = {
  0: IFLA_STATS_MAX,
  [IFLA_STATS_LINK_XSTATS]: 2,
  [IFLA_STATS_LINK_XSTATS_SLAVE]: 2,
  [IFLA_STATS_LINK_OFFLOAD_XSTATS]: 3,
  [IFLA_STATS_AF_SPEC]: 45,
};

const ipstatsLevels = ["group", "subgroup", "suite"];

/** the attributes of one answer, as ipstats_stat_show_get_attr() reaches them */
type ShowAttrs = StatsMsg["attrs"];

interface StatDesc {
  name: string;
  kind: "group" | "leaf";
  subs?: StatDesc[];
  /** the descriptor's place in the binary (the order enabled leaves print in) */
  rank?: number;
  pack?: (filters: number[]) => void;
  show?: (ctx: IpCtx, attrs: ShowAttrs) => number;
}

/** ipstats_stat_desc_enable_bit() */
function enableBit(filters: number[], group: number, subgroup: number): void {
  filters[0]! |= IFLA_STATS_FILTER_BIT(group);
  if (subgroup) filters[group]! |= IFLA_STATS_FILTER_BIT(subgroup);
}

/** ipstats_show_64() */
function showStats64(ctx: IpCtx, s: LinkStats64 | undefined): number {
  if (!s) return 0;
  ctx.openJsonObject("stats64");
  printStats64(ctx, s, undefined, null);
  ctx.closeJsonObject();
  return 0;
}

/** print_hw_stats64() */
function printHwStats64(ctx: IpCtx, s: RtnlHwStats64): void {
  const cols = ["*X: bytes".length, "packets".length, "errors".length, "dropped".length, "overrun".length];
  if (ctx.isJsonContext()) {
    ctx.openJsonObject("rx");
    ctx.printU64(PRINT_JSON, "bytes", null, s.rx_bytes);
    ctx.printU64(PRINT_JSON, "packets", null, s.rx_packets);
    ctx.printU64(PRINT_JSON, "errors", null, s.rx_errors);
    ctx.printU64(PRINT_JSON, "dropped", null, s.rx_dropped);
    ctx.printU64(PRINT_JSON, "multicast", null, s.multicast);
    ctx.closeJsonObject();
    ctx.openJsonObject("tx");
    ctx.printU64(PRINT_JSON, "bytes", null, s.tx_bytes);
    ctx.printU64(PRINT_JSON, "packets", null, s.tx_packets);
    ctx.printU64(PRINT_JSON, "errors", null, s.tx_errors);
    ctx.printU64(PRINT_JSON, "dropped", null, s.tx_dropped);
    ctx.closeJsonObject();
    return;
  }
  sizeColumns(ctx, cols, s.rx_bytes, s.rx_packets, s.rx_errors, s.rx_dropped, s.multicast);
  sizeColumns(ctx, cols, s.tx_bytes, s.tx_packets, s.tx_errors, s.tx_dropped, 0);
  const c = cols;
  ctx.printf("    RX: %*s %*s %*s %*s %*s%s", c[0]! - 4, "bytes", c[1], "packets", c[2], "errors", c[3], "dropped", c[4], "mcast", ctx.SL);
  ctx.printf("    ");
  printNum(ctx, c[0]!, s.rx_bytes);
  printNum(ctx, c[1]!, s.rx_packets);
  printNum(ctx, c[2]!, s.rx_errors);
  printNum(ctx, c[3]!, s.rx_dropped);
  printNum(ctx, c[4]!, s.multicast);
  ctx.printf("%s", ctx.SL);
  ctx.printf("    TX: %*s %*s %*s %*s%s", c[0]! - 4, "bytes", c[1], "packets", c[2], "errors", c[3], "dropped", ctx.SL);
  ctx.printf("    ");
  printNum(ctx, c[0]!, s.tx_bytes);
  printNum(ctx, c[1]!, s.tx_packets);
  printNum(ctx, c[2]!, s.tx_errors);
  printNum(ctx, c[3]!, s.tx_dropped);
}

type HwSInfoOne = { REQUEST: number; USED: number } | undefined;

/** ipstats_dissect_01() + ipstats_print_moo() */
function printMoo(ctx: IpCtx, key: string, fmt: string, v: number | undefined): void {
  if (v === undefined) return;
  if (v !== 0 && v !== 1) {
    ctx.err("Invalid value for %s: expected 0 or 1, got %d.\n", key, v);
    return;
  }
  ctx.printOnOff(PRINT_ANY, key, fmt, v === 1);
}

/** __ipstats_show_hw_s_info_one() */
function showHwSInfoOne(ctx: IpCtx, one: HwSInfoOne): void {
  if (!one) return;
  printMoo(ctx, "request", " %s", one.REQUEST);
  printMoo(ctx, "used", " used %s", one.USED);
}

// ------------------------------------------------------------------------ the descriptors

/** IPSTATS_STAT_DESC_XSTATS_LEAF() of a bridge suite */
function bridgeXstatsLeaf(name: "stp" | "mcast", xstatsAt: number, rank: number): StatDesc {
  return {
    name, kind: "leaf", rank,
    pack: (f) => enableBit(f, xstatsAt, 0),
    show: (ctx, attrs) => {
      // ipstats_stat_desc_show_xstats()
      const x = xstatsAt === IFLA_STATS_LINK_XSTATS ? attrs.IFLA_STATS_LINK_XSTATS : attrs.IFLA_STATS_LINK_XSTATS_SLAVE;
      const br = x?.LINK_XSTATS_TYPE_BRIDGE;
      if (!br) return 0;
      if (name === "mcast" && br.BRIDGE_XSTATS_MCAST) {
        ctx.printNl();
        bridgePrintStatsMcast(ctx, br.BRIDGE_XSTATS_MCAST as BrMcastStatsAttr);
      } else if (name === "stp" && br.BRIDGE_XSTATS_STP) {
        ctx.printNl();
        bridgePrintStatsStp(ctx, br.BRIDGE_XSTATS_STP as BrStpXstatsAttr);
      }
      return 0;
    },
  };
}

/** ip/iplink_bond.c: the 802.3ad suite (bonding is not modelled: never in an answer) */
function bondXstatsLeaf(xstatsAt: number, rank: number): StatDesc {
  return { name: "802.3ad", kind: "leaf", rank, pack: (f) => enableBit(f, xstatsAt, 0), show: () => 0 };
}

const toplevLink: StatDesc = {
  name: "link", kind: "leaf", rank: 1,
  pack: (f) => enableBit(f, IFLA_STATS_LINK_64, 0),
  show: (ctx, attrs) => {
    ctx.printNl();
    return showStats64(ctx, attrs.IFLA_STATS_LINK_64);
  },
};

const offloadCpuHit: StatDesc = {
  name: "cpu_hit", kind: "leaf", rank: 4,
  pack: (f) => enableBit(f, IFLA_STATS_LINK_OFFLOAD_XSTATS, IFLA_OFFLOAD_XSTATS_CPU_HIT),
  show: (ctx, attrs) => {
    ctx.printNl();
    return showStats64(ctx, attrs.IFLA_STATS_LINK_OFFLOAD_XSTATS?.IFLA_OFFLOAD_XSTATS_CPU_HIT);
  },
};

const offloadHwSInfo: StatDesc = {
  name: "hw_stats_info", kind: "leaf", rank: 3,
  pack: (f) => enableBit(f, IFLA_STATS_LINK_OFFLOAD_XSTATS, IFLA_OFFLOAD_XSTATS_HW_S_INFO),
  show: (ctx, attrs) => {
    // ipstats_show_hw_s_info()
    const at = attrs.IFLA_STATS_LINK_OFFLOAD_XSTATS?.IFLA_OFFLOAD_XSTATS_HW_S_INFO;
    if (!at) return 0;
    ctx.printNl();
    ctx.openJsonObject("info");
    const l3 = at.IFLA_OFFLOAD_XSTATS_L3_STATS;
    if (l3) {
      ctx.printString(PRINT_FP, null, "    %s", "l3_stats");
      ctx.openJsonObject("l3_stats");
      showHwSInfoOne(ctx, l3);
      ctx.closeJsonObject();
    }
    ctx.closeJsonObject();
    return 0;
  },
};

const offloadL3Stats: StatDesc = {
  name: "l3_stats", kind: "leaf", rank: 2,
  pack: (f) => {
    enableBit(f, IFLA_STATS_LINK_OFFLOAD_XSTATS, IFLA_OFFLOAD_XSTATS_L3_STATS);
    enableBit(f, IFLA_STATS_LINK_OFFLOAD_XSTATS, IFLA_OFFLOAD_XSTATS_HW_S_INFO);
  },
  show: (ctx, attrs) => {
    // ipstats_show_hw_stats()
    const o = attrs.IFLA_STATS_LINK_OFFLOAD_XSTATS;
    const hwsi = o?.IFLA_OFFLOAD_XSTATS_HW_S_INFO;
    if (!hwsi) return 0;
    ctx.openJsonObject("info");
    showHwSInfoOne(ctx, hwsi.IFLA_OFFLOAD_XSTATS_L3_STATS);
    ctx.closeJsonObject();
    const st = o.IFLA_OFFLOAD_XSTATS_L3_STATS;
    if (st) {
      ctx.printNl();
      ctx.openJsonObject("stats64");
      printHwStats64(ctx, st);
      ctx.closeJsonObject();
    }
    return 0;
  },
};

const afstatsMpls: StatDesc = {
  name: "mpls", kind: "leaf", rank: 0,
  pack: (f) => enableBit(f, IFLA_STATS_AF_SPEC, 0),
  // ipstats_stat_desc_show_afstats_mpls(): no MPLS_STATS_LINK without the mpls module
  show: () => 0,
};

const toplev: StatDesc = {
  name: "top-level",
  kind: "group",
  subs: [
    toplevLink,
    {
      name: "xstats", kind: "group",
      subs: [
        { name: "bridge", kind: "group", subs: [bridgeXstatsLeaf("stp", IFLA_STATS_LINK_XSTATS, 10), bridgeXstatsLeaf("mcast", IFLA_STATS_LINK_XSTATS, 9)] },
        { name: "bond", kind: "group", subs: [bondXstatsLeaf(IFLA_STATS_LINK_XSTATS, 6)] },
      ],
    },
    {
      name: "xstats_slave", kind: "group",
      subs: [
        { name: "bridge", kind: "group", subs: [bridgeXstatsLeaf("stp", IFLA_STATS_LINK_XSTATS_SLAVE, 8), bridgeXstatsLeaf("mcast", IFLA_STATS_LINK_XSTATS_SLAVE, 7)] },
        { name: "bond", kind: "group", subs: [bondXstatsLeaf(IFLA_STATS_LINK_XSTATS_SLAVE, 5)] },
      ],
    },
    { name: "offload", kind: "group", subs: [offloadCpuHit, offloadHwSInfo, offloadL3Stats] },
    { name: "afstats", kind: "group", subs: [afstatsMpls] },
  ],
};

// ------------------------------------------------------------------------ selection

type Sel = (string | undefined)[];
interface EnabledOne {
  desc: StatDesc;
  sel: Sel;
}

/** ipstats_show_group() */
function showGroup(ctx: IpCtx, sel: Sel): void {
  for (let i = 0; i < ipstatsLevels.length; i++) {
    const s = sel[i];
    if (s === undefined) break;
    ctx.printString(PRINT_JSON, ipstatsLevels[i]!, null, s);
    ctx.printString(PRINT_FP, null, " %s ", ipstatsLevels[i]!);
    ctx.printString(PRINT_FP, null, "%s", s);
  }
}

/** ipstats_process_ifsm() */
function processIfsm(ctx: IpCtx, m: StatsMsg, enabled: EnabledOne[]): number {
  const dev = ctx.ll.llIndexToName(m.ifsm.ifindex);
  for (const en of enabled) {
    ctx.openJsonObject(null);
    ctx.printInt(PRINT_ANY, "ifindex", "%d:", m.ifsm.ifindex);
    ctx.printString(PRINT_ANY, "ifname", " %s:", dev, COLOR_IFNAME);
    showGroup(ctx, en.sel);
    const err = en.desc.show!(ctx, m.attrs);
    if (err) return err;
    ctx.closeJsonObject();
    ctx.printNl();
  }
  return 0;
}

/** ipstats_req_should_filter_at() */
function shouldFilterAt(filters: number[], at: number): boolean {
  return filters[at] !== 0 && filters[at] !== (1 << ipstatsStatIflaMax[at]!) - 1;
}

/** ipstats_req_add_filters(): the filter mask and the IFLA_STATS_GET_FILTERS nest */
function reqFilters(enabled: EnabledOne[]): { mask: number; getFilters?: Record<number, number> } {
  const f = new Array<number>(IFLA_STATS_MAX + 1).fill(0);
  for (const en of enabled) en.desc.pack!(f);
  let getFilters: Record<number, number> | undefined;
  for (let i = 1; i < f.length; i++) {
    if (shouldFilterAt(f, i)) (getFilters ??= {})[i] = f[i]!;
  }
  return getFilters ? { mask: f[0]!, getFilters } : { mask: f[0]! };
}

function statsReq(type: "RTM_GETSTATS", ifindex: number, enabled: EnabledOne[]): StatsMsg {
  const { mask, getFilters } = reqFilters(enabled);
  const m: StatsMsg = { type, flags: {}, ifsm: { family: AF_UNSPEC, ifindex, filterMask: mask }, attrs: {} };
  if (getFilters) m.attrs.IFLA_STATS_GET_FILTERS = getFilters;
  return m;
}

/** ipstats_show_do(): ipstats_show_one() for a device, else ipstats_dump() */
function showDo(ctx: IpCtx, ifindex: number, enabled: EnabledOne[]): number {
  let rc = 0;
  ctx.newJsonObj(ctx.json);
  if (ifindex) {
    const r = rtnlTalk(ctx, statsReq("RTM_GETSTATS", ifindex, enabled));
    if (r.ret < 0) rc = -2;
    else rc = processIfsm(ctx, r.answer as StatsMsg, enabled);
  } else {
    const msgs = rtnlDumpFilter(ctx, statsReq("RTM_GETSTATS", 0, enabled));
    if (!msgs) {
      ctx.err("Dump terminated\n");
      rc = -2;
    } else {
      for (const m of msgs) {
        const e = processIfsm(ctx, m as StatsMsg, enabled);
        if (e) {
          ctx.err("Dump terminated\n");
          rc = -2;
          break;
        }
        ctx.printNl();
      }
    }
  }
  ctx.deleteJsonObj();
  return rc;
}

/** ipstats_enable_recursively() */
function enableRecursively(desc: StatDesc, out: EnabledOne[], sel: Sel): number {
  if (desc.kind === "leaf") {
    out.push({ desc, sel: sel.slice() });
    return 0;
  }
  let found = false;
  for (const sub of desc.subs!) {
    const subsel = sel.slice();
    const i = subsel.findIndex((s) => s === undefined);
    subsel[i < 0 ? subsel.length : i] = sub.name;
    const err = enableRecursively(sub, out, subsel);
    if (err === -ENOENT) continue;
    if (err) return err;
    found = true;
  }
  return found ? 0 : -ENOENT;
}

/** ipstats_enable_find_stat_desc() */
function findStatDesc(ctx: IpCtx, sel: Sel): StatDesc | undefined {
  let desc = toplev;
  for (let i = 0; i < ipstatsLevels.length; i++) {
    const s = sel[i];
    if (s === undefined) break;
    if (desc.kind === "leaf") {
      ctx.err("Error: %s %s requested inside leaf %s %s\n", ipstatsLevels[i]!, s, ipstatsLevels[i - 1]!, desc.name);
      return undefined;
    }
    const next = desc.subs!.find((d) => d.name === s);
    if (!next) {
      ctx.err("Error: no %s named %s found inside %s\n", ipstatsLevels[i]!, s, desc.name);
      return undefined;
    }
    desc = next;
  }
  return desc;
}

/** ipstats_enable(): the new leaves joined in, sorted by place, duplicates dropped */
function ipstatsEnable(ctx: IpCtx, sel: Sel, enabled: EnabledOne[]): number {
  const desc = findStatDesc(ctx, sel);
  if (!desc) return -EINVAL;
  const fresh: EnabledOne[] = [];
  const pad: Sel = [sel[0], sel[1], sel[2]];
  const err = enableRecursively(desc, fresh, pad.filter((s) => s !== undefined));
  if (err) return err;
  enabled.push(...fresh);
  enabled.sort((a, b) => a.desc.rank! - b.desc.rank!);
  const out: EnabledOne[] = [];
  for (const en of enabled) if (!out.length || out[out.length - 1]!.desc !== en.desc) out.push(en);
  enabled.splice(0, enabled.length, ...out);
  return 0;
}

/** ipstats_enable_check() */
function enableCheck(ctx: IpCtx, sel: Sel, enabled: EnabledOne[]): number {
  const err = ipstatsEnable(ctx, sel, enabled);
  if (err === -ENOENT) {
    let s = "The request for";
    for (let i = 0; i < ipstatsLevels.length; i++) {
      if (sel[i] === undefined) break;
      s += ` ${ipstatsLevels[i]} ${sel[i]}`;
    }
    ctx.err("%s did not match any known stats.\n", s);
  }
  return err;
}

/** do_help() */
function doHelp(ctx: IpCtx): number {
  let s =
    "Usage: ip stats help\n" +
    "       ip stats show [ dev DEV ] [ group GROUP [ subgroup SUBGROUP [ suite SUITE ] ... ] ... ] ...\n" +
    "       ip stats set dev DEV l3_stats { on | off }\n";
  const subs = toplev.subs!;
  s += `GROUP := { ${subs.map((d) => d.name).join(" | ")} }\n`;
  for (const desc of subs) {
    if (desc.kind !== "group") continue;
    let line = "";
    desc.subs!.forEach((sub, j) => {
      line += j === 0 ? `${desc.name} SUBGROUP := {` : " |";
      line += ` ${sub.name}`;
      if (sub.kind === "group") for (const x of sub.subs!) line += ` [ suite ${x.name} ]`;
    });
    if (line) s += `${line} }\n`;
  }
  ctx.err("%s", s);
  return 0;
}

/** ipstats_select() */
function ipstatsSelect(ctx: IpCtx, sel: Sel, newSel: string, level: number, enabled: EnabledOne[]): number {
  for (let i = 0; i < level; i++) {
    if (sel[i] === undefined) {
      ctx.err("Error: %s %s requested without selecting a %s first\n", ipstatsLevels[level]!, newSel, ipstatsLevels[i]!);
      return -EINVAL;
    }
  }
  for (let i = level; i < ipstatsLevels.length; i++) {
    if (sel[i] !== undefined) {
      const err = enableCheck(ctx, sel, enabled);
      if (err) return err;
      break;
    }
  }
  sel[level] = newSel;
  for (let i = level + 1; i < ipstatsLevels.length; i++) sel[i] = undefined;
  return 0;
}

/** ipstats_show() */
function ipstatsShow(ctx: IpCtx, argv: string[]): number {
  const enabled: EnabledOne[] = [];
  const sel: Sel = [undefined, undefined, undefined];
  let dev: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "dev") {
      if (++i >= argv.length) incompleteCommand(ctx);
      if (dev !== undefined) duparg2(ctx, "dev", argv[i]!);
      if (checkIfname(argv[i]!)) invarg(ctx, '"dev" not a valid ifname', argv[i]!);
      dev = argv[i]!;
    } else if (a === "help") {
      return doHelp(ctx);
    } else {
      const level = ipstatsLevels.indexOf(a);
      if (level < 0) {
        ctx.err('What is "%s"?\n', a);
        doHelp(ctx);
        return -EINVAL;
      }
      if (++i >= argv.length) incompleteCommand(ctx);
      const err = ipstatsSelect(ctx, sel, argv[i]!, level, enabled);
      if (err) return err;
    }
  }
  /* Push whatever was given. */
  const err = enableCheck(ctx, sel, enabled);
  if (err) return err;
  let ifindex = 0;
  if (dev !== undefined) {
    ifindex = ctx.ll.llNameToIndex(dev);
    if (!ifindex) return nodev(ctx, dev);
  }
  return showDo(ctx, ifindex, enabled);
}

/** ipstats_set() */
function ipstatsSet(ctx: IpCtx, argv: string[]): number {
  let dev: string | undefined;
  let enable = false;
  let at = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "dev") {
      if (++i >= argv.length) incompleteCommand(ctx);
      if (dev !== undefined) duparg2(ctx, "dev", argv[i]!);
      if (checkIfname(argv[i]!)) invarg(ctx, '"dev" not a valid ifname', argv[i]!);
      dev = argv[i]!;
    } else if (a === "l3_stats") {
      if (++i >= argv.length) incompleteCommand(ctx);
      if (at) {
        ctx.err("A statistics suite to toggle was already given.\n");
        return -EINVAL;
      }
      at = true;
      const v = parseOnOff(ctx, "l3_stats", argv[i]!);
      if (v === undefined) return -EINVAL;
      enable = v !== 0;
    } else if (a === "help") {
      return doHelp(ctx);
    } else {
      ctx.err('What is "%s"?\n', a);
      doHelp(ctx);
      return -EINVAL;
    }
  }
  if (dev === undefined) {
    ctx.err('Not enough information: "dev" argument is required.\n');
    return ctx.exit(-1);
  }
  if (!at) {
    ctx.err("Not enough information: stat type to toggle is required.\n");
    return ctx.exit(-1);
  }
  const ifindex = ctx.ll.llNameToIndex(dev);
  if (!ifindex) return nodev(ctx, dev);
  // ipstats_set_do()
  const r = rtnlTalk(ctx, {
    type: "RTM_SETSTATS", flags: {}, ifsm: { family: AF_UNSPEC, ifindex, filterMask: 0 },
    attrs: { IFLA_STATS_SET_OFFLOAD_XSTATS_L3_STATS: enable ? 1 : 0 },
  });
  return r.ret < 0 ? -2 : 0;
}

/** do_ipstats() */
export function doIpstats(ctx: IpCtx, argv: string[]): number {
  if (argv.length === 0) return ipstatsShow(ctx, []);
  const a = argv[0]!;
  if (a === "help") return doHelp(ctx);
  if (a === "show") {
    /* Invoking "stats show" implies one -s. Passing -d adds one more -s. */
    ctx.showStats += ctx.showDetails + 1;
    return ipstatsShow(ctx, argv.slice(1));
  }
  if (a === "set") return ipstatsSet(ctx, argv.slice(1));
  ctx.err('Command "%s" is unknown, try "ip stats help".\n', a);
  return -1;
}
