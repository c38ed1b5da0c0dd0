/**
 * iproute2 6.1 bridge/: bridge.c (options, object table), link.c (print_linkinfo,
 * print_protinfo), fdb.c (print_fdb, fdb_show, fdb_modify), vlan.c (vlan_modify, vlan_show
 * with print_vlan_info; the lab kernel has no CONFIG_BRIDGE_VLAN_FILTERING, so there its dump
 * has no vlans and add fails).
 */
import { getservbyname } from "../../lib/etc_files.ts";
import { COLOR_IFNAME, COLOR_MAC, ifaFamilyColor, matchesColorOpt } from "../../lib/json_print.ts";
import type { Command, CommandTable } from "../../process.ts";
import { Exit } from "../../process.ts";
import { IpCtx } from "../../lib/context.ts";
import { doBatch, netnsSwitch } from "../ip.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../../lib/json_print.ts";
import { type DumpResult, rtnlDump, rtnlTalk } from "../../lib/libnetlink.ts";
import {
  atoi, duparg, duparg2, formatHost, getAddr, getUnsigned, incompleteCommand, invarg, matches, nodev, parseOnOff,
  type InetPrefix,
} from "../../lib/utils.ts";
import { printNameAndLink } from "../ipaddress.ts";
import { doMdb } from "./mdb.ts";
import { doMonitor } from "./monitor.ts";
import {
  AF_BRIDGE, AF_INET, AF_INET6, type LinkMsg, type NdaAttrs, type NeighMsg, NTF_EXT_LEARNED, NTF_USE, NTF_MASTER, NTF_OFFLOADED, NTF_ROUTER, NTF_SELF,
  NTF_STICKY, NUD_NOARP, NUD_PERMANENT, NUD_REACHABLE, NUD_STALE, type BridgeVlanInfo, BRIDGE_VLAN_INFO_PVID,
  BRIDGE_VLAN_INFO_RANGE_BEGIN, BRIDGE_VLAN_INFO_RANGE_END, BRIDGE_VLAN_INFO_UNTAGGED, RTEXT_FILTER_BRVLAN,
  RTEXT_FILTER_BRVLAN_COMPRESSED, AF_UNSPEC, BRIDGE_VLAN_INFO_BRENTRY, BRIDGE_VLAN_INFO_MASTER, type BridgeVlanXstats,
  IFLA_STATS_FILTER_BIT, IFLA_STATS_LINK_XSTATS, IFLA_STATS_LINK_XSTATS_SLAVE, type StatsMsg,
  BRIDGE_VLANDB_DUMPF_GLOBAL, BRIDGE_VLANDB_DUMPF_STATS,
} from "../../../kernel/uapi/rtnetlink.ts";
import { IFF_RUNNING, IFF_UP } from "../../../kernel/uapi/if.ts";
import { strerror } from "../../../kernel/uapi/errno.ts";

const stpStates = ["disabled", "listening", "learning", "forwarding", "blocking"];
const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : Number(v ?? 0));

/** bridge/link.c: print_link_flags() */
function printLinkFlags(ctx: IpCtx, flagsIn: number, mdown: number): void {
  let flags = flagsIn;
  ctx.openJsonArray(PRINT_ANY, ctx.isJsonContext() ? "flags" : "<");
  if (flags & IFF_UP && !(flags & IFF_RUNNING)) ctx.printString(PRINT_ANY, null, flags ? "%s," : "%s", "NO-CARRIER");
  flags &= ~IFF_RUNNING;
  const names: [string, number][] = [
    ["LOOPBACK", 0x8], ["BROADCAST", 0x2], ["POINTOPOINT", 0x10], ["MULTICAST", 0x1000], ["NOARP", 0x80],
    ["ALLMULTI", 0x200], ["PROMISC", 0x100], ["MASTER", 0x400], ["SLAVE", 0x800], ["DEBUG", 0x4],
    ["DYNAMIC", 0x8000], ["AUTOMEDIA", 0x4000], ["PORTSEL", 0x2000], ["NOTRAILERS", 0x20], ["UP", 0x1],
    ["LOWER_UP", 0x10000], ["DORMANT", 0x20000], ["ECHO", 0x40000],
  ];
  for (const [n, f] of names) {
    if (flags & f) {
      flags &= ~f;
      ctx.printString(PRINT_ANY, null, flags ? "%s," : "%s", n);
    }
  }
  if (flags) ctx.printHex(PRINT_ANY, null, "%x", flags);
  if (mdown) ctx.printString(PRINT_ANY, null, ",%s", "M-DOWN");
  ctx.closeJsonArray(PRINT_ANY, "> ");
}

/** bridge/link.c: print_protinfo() */
function printProtinfo(ctx: IpCtx, t: Record<string, unknown>): void {
  if (t.IFLA_BRPORT_STATE !== undefined) {
    const s = num(t.IFLA_BRPORT_STATE);
    if (s <= 4) ctx.printString(PRINT_ANY, "state", "state %s ", stpStates[s]!);
    else ctx.printUint(PRINT_ANY, "state", "state (%d) ", s);
  }
  if (t.IFLA_BRPORT_PRIORITY !== undefined) ctx.printUint(PRINT_ANY, "priority", "priority %u ", num(t.IFLA_BRPORT_PRIORITY));
  if (t.IFLA_BRPORT_COST !== undefined) ctx.printUint(PRINT_ANY, "cost", "cost %u ", num(t.IFLA_BRPORT_COST));
  if (!ctx.showDetails) return;
  if (!ctx.isJsonContext()) ctx.printf("%s    ", ctx.oneline ? "\\" : "\n");
  const oo = (a: string, k: string) => {
    if (t[a] !== undefined) ctx.printOnOff(PRINT_ANY, k, `${k} %s `, num(t[a]));
  };
  oo("IFLA_BRPORT_MODE", "hairpin");
  oo("IFLA_BRPORT_GUARD", "guard");
  oo("IFLA_BRPORT_PROTECT", "root_block");
  oo("IFLA_BRPORT_FAST_LEAVE", "fastleave");
  oo("IFLA_BRPORT_LEARNING", "learning");
  oo("IFLA_BRPORT_LEARNING_SYNC", "learning_sync");
  if (t.IFLA_BRPORT_UNICAST_FLOOD !== undefined) ctx.printOnOff(PRINT_ANY, "flood", "flood %s ", num(t.IFLA_BRPORT_UNICAST_FLOOD));
  oo("IFLA_BRPORT_MCAST_FLOOD", "mcast_flood");
  oo("IFLA_BRPORT_BCAST_FLOOD", "bcast_flood");
  if (t.IFLA_BRPORT_MULTICAST_ROUTER !== undefined) ctx.printUint(PRINT_ANY, "mcast_router", "mcast_router %u ", num(t.IFLA_BRPORT_MULTICAST_ROUTER));
  if (t.IFLA_BRPORT_MCAST_TO_UCAST !== undefined) ctx.printOnOff(PRINT_ANY, "mcast_to_unicast", "mcast_to_unicast %s ", num(t.IFLA_BRPORT_MCAST_TO_UCAST));
  if (t.IFLA_BRPORT_NEIGH_SUPPRESS !== undefined) ctx.printOnOff(PRINT_ANY, "neigh_suppress", "neigh_suppress %s ", num(t.IFLA_BRPORT_NEIGH_SUPPRESS));
  if (t.IFLA_BRPORT_VLAN_TUNNEL !== undefined) ctx.printOnOff(PRINT_ANY, "vlan_tunnel", "vlan_tunnel %s ", num(t.IFLA_BRPORT_VLAN_TUNNEL));
  if (t.IFLA_BRPORT_BACKUP_PORT !== undefined)
    ctx.printString(PRINT_ANY, "backup_port", "backup_port %s ", ctx.ll.llIndexToName(num(t.IFLA_BRPORT_BACKUP_PORT)));
  oo("IFLA_BRPORT_ISOLATED", "isolated");
  oo("IFLA_BRPORT_LOCKED", "locked");
}

/** bridge/link.c: print_linkinfo() */
export function printLinkinfo(ctx: IpCtx, n: LinkMsg, filterIndex: number, printHeaders?: (label: string) => void): void {
  if (!(n.ifi.family === AF_BRIDGE || n.ifi.family === 0)) return;
  if (filterIndex && filterIndex !== n.ifi.index) return;
  const name = n.attrs.IFLA_IFNAME ?? "";
  printHeaders?.("[LINK]");
  ctx.openJsonObject(null);
  if (n.type === "RTM_DELLINK") ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  ctx.printInt(PRINT_ANY, "ifindex", "%d: ", n.ifi.index);
  const mflag = printNameAndLink(ctx, "%s: ", name, n.attrs);
  printLinkFlags(ctx, n.ifi.flags, mflag);
  if (n.attrs.IFLA_MTU !== undefined) ctx.printInt(PRINT_ANY, "mtu", "mtu %u ", n.attrs.IFLA_MTU);
  if (n.attrs.IFLA_MASTER !== undefined) ctx.printString(PRINT_ANY, "master", "master %s ", ctx.ll.llIndexToName(n.attrs.IFLA_MASTER));
  if (n.attrs.IFLA_PROTINFO) printProtinfo(ctx, n.attrs.IFLA_PROTINFO);
  ctx.printString(PRINT_FP, null, "%s", "\n");
  ctx.closeJsonObject();
}

/** bridge/link.c: brlink_show() */
function linkShow(ctx: IpCtx, argv: string[]): number {
  let filterDev: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "dev") {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      if (filterDev) duparg(ctx, "dev", argv[i + 1]!);
      filterDev = argv[++i];
    }
  }
  let filterIndex = 0;
  if (filterDev) {
    filterIndex = ctx.ll.llNameToIndex(filterDev);
    if (!filterIndex) {
      ctx.err('Cannot find device "%s"\n', filterDev);
      return -1;
    }
  }
  const msgs = ctx.rtnl.dump({
    type: "RTM_GETLINK", flags: {}, ifi: { family: AF_BRIDGE, type: 0, index: 0, flags: 0, change: 0 }, attrs: {},
  }) as LinkMsg[];
  ctx.newJsonObj(ctx.json);
  for (const m of msgs) printLinkinfo(ctx, m, filterIndex);
  ctx.deleteJsonObj();
  return 0;
}

function linkUsage(ctx: IpCtx): never {
  ctx.err(
    "Usage: bridge link set dev DEV [ cost COST ] [ priority PRIO ] [ state STATE ]\n" +
      "                               [ guard {on | off} ]\n" +
      "                               [ hairpin {on | off} ]\n" +
      "                               [ fastleave {on | off} ]\n" +
      "                               [ root_block {on | off} ]\n" +
      "                               [ learning {on | off} ]\n" +
      "                               [ learning_sync {on | off} ]\n" +
      "                               [ flood {on | off} ]\n" +
      "                               [ mcast_router MULTICAST_ROUTER ]\n" +
      "                               [ mcast_flood {on | off} ]\n" +
      "                               [ bcast_flood {on | off} ]\n" +
      "                               [ mcast_to_unicast {on | off} ]\n" +
      "                               [ neigh_suppress {on | off} ]\n" +
      "                               [ vlan_tunnel {on | off} ]\n" +
      "                               [ isolated {on | off} ]\n" +
      "                               [ locked {on | off} ]\n" +
      "                               [ hwmode {vepa | veb} ]\n" +
      "                               [ backup_port DEVICE ] [ nobackup_port ]\n" +
      "                               [ self ] [ master ]\n" +
      "       bridge link show [dev DEV]\n",
  );
  return ctx.exit(-1);
}

/** bridge/link.c: parse_stp_state() */
function parseStpState(arg: string): number {
  const i = stpStates.indexOf(arg);
  return i;
}

const BRIDGE_FLAGS_MASTER = 1;
const BRIDGE_FLAGS_SELF = 2;

/** bridge/link.c: brlink_modify() */
function linkModify(ctx: IpCtx, argv: string[]): number {
  let d: string | undefined;
  const onoff: Record<string, number> = {};
  const order = ["guard", "hairpin", "fastleave", "root_block", "learning", "learning_sync", "flood", "mcast_flood",
    "bcast_flood", "mcast_to_unicast", "neigh_suppress", "vlan_tunnel", "isolated", "locked"];
  let cost = 0;
  let priority = -1;
  let state = -1;
  let mcastRouter = -1;
  let backup = -1;
  let flags = 0;
  let mode = -1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      return argv[++i]!;
    };
    if (a === "dev") d = next();
    else if (order.includes(a)) {
      const v = next();
      const r = parseOnOff(ctx, a, v);
      if (r === undefined) return -22; // parse_on_off(): ret = -EINVAL
      onoff[a] = r;
    } else if (a === "mcast_router") mcastRouter = atoi(next());
    else if (a === "cost") cost = atoi(next()) >>> 0;
    else if (a === "priority") priority = (atoi(next()) << 16) >> 16;
    else if (a === "state") {
      const v = next();
      if (/^[+-]?\d+$/.test(v)) state = (parseInt(v, 10) << 24) >> 24;
      else {
        state = parseStpState(v);
        if (state === -1) {
          ctx.err("Error: invalid STP port state\n");
          return -1;
        }
      }
    } else if (a === "hwmode") {
      const v = next();
      flags = BRIDGE_FLAGS_SELF;
      if (v === "vepa") mode = 1;
      else if (v === "veb") mode = 0;
      else {
        ctx.err('Mode argument must be "vepa" or "veb".\n');
        return -1;
      }
    } else if (a === "self") flags |= BRIDGE_FLAGS_SELF;
    else if (a === "master") flags |= BRIDGE_FLAGS_MASTER;
    else if (a === "backup_port") {
      const v = next();
      backup = ctx.ll.llNameToIndex(v);
      if (!backup) {
        ctx.err("Error: device %s does not exist\n", v);
        return -1;
      }
    } else if (a === "nobackup_port") backup = 0;
    else linkUsage(ctx);
  }
  if (d === undefined) {
    ctx.err("Device is a required argument.\n");
    return -1;
  }
  const index = ctx.ll.llNameToIndex(d);
  if (!index) {
    ctx.err('Cannot find bridge device "%s"\n', d);
    return -1;
  }
  const attr: Record<string, string> = {
    guard: "IFLA_BRPORT_GUARD", hairpin: "IFLA_BRPORT_MODE", fastleave: "IFLA_BRPORT_FAST_LEAVE",
    root_block: "IFLA_BRPORT_PROTECT", flood: "IFLA_BRPORT_UNICAST_FLOOD", mcast_flood: "IFLA_BRPORT_MCAST_FLOOD",
    bcast_flood: "IFLA_BRPORT_BCAST_FLOOD", mcast_to_unicast: "IFLA_BRPORT_MCAST_TO_UCAST", learning: "IFLA_BRPORT_LEARNING",
    learning_sync: "IFLA_BRPORT_LEARNING_SYNC", neigh_suppress: "IFLA_BRPORT_NEIGH_SUPPRESS",
    vlan_tunnel: "IFLA_BRPORT_VLAN_TUNNEL", isolated: "IFLA_BRPORT_ISOLATED", locked: "IFLA_BRPORT_LOCKED",
  };
  const prot: Record<string, unknown> = {};
  for (const k of order) if (onoff[k] !== undefined) prot[attr[k]!] = onoff[k];
  if (mcastRouter >= 0) prot.IFLA_BRPORT_MULTICAST_ROUTER = mcastRouter & 0xff;
  if (cost > 0) prot.IFLA_BRPORT_COST = cost;
  if (priority >= 0) prot.IFLA_BRPORT_PRIORITY = priority;
  if (state >= 0) prot.IFLA_BRPORT_STATE = state;
  if (backup !== -1) prot.IFLA_BRPORT_BACKUP_PORT = backup;
  const attrs: LinkMsg["attrs"] = { IFLA_PROTINFO: prot };
  if (mode >= 0 || flags > 0) {
    const af: Record<string, unknown> = {};
    if (flags > 0) af.IFLA_BRIDGE_FLAGS = flags;
    if (mode >= 0) af.IFLA_BRIDGE_MODE = mode;
    attrs.IFLA_AF_SPEC_BRIDGE = af;
  }
  const r = rtnlTalk(ctx, {
    type: "RTM_SETLINK", flags: {}, ifi: { family: AF_BRIDGE, type: 0, index, flags: 0, change: 0 }, attrs,
  });
  return r.ret < 0 ? -1 : 0;
}

function stateN2a(s: number): string {
  if (s & NUD_PERMANENT) return "permanent";
  if (s & NUD_NOARP) return "static";
  if (s & NUD_STALE) return "stale";
  if (s & NUD_REACHABLE) return "";
  return s ? String(s) : "";
}

/** bridge/fdb.c: print_fdb() */
export function printFdb(ctx: IpCtx, n: NeighMsg, flt: FdbFilter, printHeaders?: (label: string) => void): void {
  if (n.ndm.family !== AF_BRIDGE) return;
  if (flt.index && flt.index !== n.ndm.ifindex) return;
  if (flt.state && !((n.ndm.state & flt.state) >>> 0)) return;
  const vid = n.attrs.NDA_VLAN ?? 0;
  if (flt.vlan && flt.vlan !== vid) return;
  if (flt.dynamic && n.ndm.state & NUD_PERMANENT) return;
  const filterIndex = flt.index;
  printHeaders?.("[NEIGH]");
  ctx.openJsonObject(null);
  if (n.type === "RTM_DELNEIGH") ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  if (n.attrs.NDA_LLADDR) {
    const mac = [...n.attrs.NDA_LLADDR].map((b) => (b | 0x100).toString(16).slice(1)).join(":");
    ctx.printString(PRINT_ANY, "mac", "%s ", mac, COLOR_MAC);
  }
  if (!filterIndex && n.ndm.ifindex) {
    ctx.printString(PRINT_FP, null, "dev ", null);
    ctx.printString(PRINT_ANY, "ifname", "%s ", ctx.ll.llIndexToName(n.ndm.ifindex), COLOR_IFNAME);
  }
  if (n.attrs.NDA_DST) {
    const fam = n.attrs.NDA_DST.length === 16 ? AF_INET6 : AF_INET;
    ctx.printString(PRINT_FP, null, "dst ", null);
    ctx.printString(PRINT_ANY, "dst", "%s ", formatHost(fam, n.attrs.NDA_DST), ifaFamilyColor(fam));
  }
  if (vid) ctx.printUint(PRINT_ANY, "vlan", "vlan %hu ", vid);
  if (n.attrs.NDA_PORT !== undefined) ctx.printUint(PRINT_ANY, "port", "port %u ", n.attrs.NDA_PORT);
  if (n.attrs.NDA_VNI !== undefined) ctx.printUint(PRINT_ANY, "vni", "vni %u ", n.attrs.NDA_VNI);
  const xa = n.attrs as Record<string, unknown>;
  if (typeof xa.NDA_SRC_VNI === "number") ctx.printUint(PRINT_ANY, "src_vni", "src_vni %u ", xa.NDA_SRC_VNI);
  if (n.attrs.NDA_IFINDEX !== undefined) {
    if (xa.NDA_LINK_NETNSID !== undefined) ctx.printUint(PRINT_ANY, "viaIfIndex", "via ifindex %u ", n.attrs.NDA_IFINDEX);
    else ctx.printString(PRINT_ANY, "viaIf", "via %s ", ctx.ll.llIndexToName(n.attrs.NDA_IFINDEX));
  }
  if (typeof xa.NDA_NH_ID === "number") ctx.printUint(PRINT_ANY, "nhid", "nhid %u ", xa.NDA_NH_ID);
  if (typeof xa.NDA_LINK_NETNSID === "number") ctx.printUint(PRINT_ANY, "linkNetNsId", "link-netnsid %d ", xa.NDA_LINK_NETNSID);
  if (ctx.showStats && n.attrs.NDA_CACHEINFO) {
    const ci = n.attrs.NDA_CACHEINFO;
    if (ctx.isJsonContext()) {
      ctx.printUint(PRINT_JSON, "used", null, Math.floor(ci.ndm_used / 100));
      ctx.printUint(PRINT_JSON, "updated", null, Math.floor(ci.ndm_updated / 100));
    } else ctx.printf("used %d/%d ", Math.floor(ci.ndm_used / 100), Math.floor(ci.ndm_updated / 100));
  }
  ctx.openJsonArray(PRINT_JSON, ctx.isJsonContext() ? "flags" : "");
  const f = n.ndm.flags;
  if (f & NTF_SELF) ctx.printString(PRINT_ANY, null, "%s ", "self");
  if (f & NTF_ROUTER) ctx.printString(PRINT_ANY, null, "%s ", "router");
  if (f & NTF_EXT_LEARNED) ctx.printString(PRINT_ANY, null, "%s ", "extern_learn");
  if (f & NTF_OFFLOADED) ctx.printString(PRINT_ANY, null, "%s ", "offload");
  if (f & NTF_MASTER) ctx.printString(PRINT_ANY, null, "%s ", "master");
  if (f & NTF_STICKY) ctx.printString(PRINT_ANY, null, "%s ", "sticky");
  ctx.closeJsonArray(PRINT_JSON, null);
  if (n.attrs.NDA_MASTER !== undefined) ctx.printString(PRINT_ANY, "master", "master %s ", ctx.ll.llIndexToName(n.attrs.NDA_MASTER));
  ctx.printString(PRINT_ANY, "state", "%s\n", stateN2a(n.ndm.state));
  ctx.closeJsonObject();
}

/** bridge/fdb.c: state_a2n() */
function stateA2n(arg: string): number | undefined {
  // (matches() is C's: true when the word is not a prefix)
  if (!matches(arg, "permanent")) return NUD_PERMANENT;
  if (!matches(arg, "static") || !matches(arg, "temp")) return NUD_NOARP;
  if (!matches(arg, "stale")) return NUD_STALE;
  if (!matches(arg, "reachable") || !matches(arg, "dynamic")) return NUD_REACHABLE;
  if (arg === "all") return 0xffffffff;
  return getUnsigned(arg, 0);
}

/** what fdb_show()'s arguments filter on (filter_index, filter_state, filter_vlan, filter_dynamic) */
export interface FdbFilter {
  index: number;
  state: number;
  vlan: number;
  dynamic: boolean;
}

/** bridge/fdb.c: fdb_show() */
function fdbShow(ctx: IpCtx, argv: string[]): number {
  let filterDev: string | undefined;
  let br: string | undefined;
  const f: FdbFilter = { index: 0, state: 0, vlan: 0, dynamic: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      return argv[++i]!;
    };
    if (a === "brport" || a === "dev") filterDev = next();
    else if (a === "br") br = next();
    else if (a === "vlan") {
      const v = next();
      if (f.vlan) duparg(ctx, "vlan", v);
      f.vlan = atoi(v) & 0xffff;
    } else if (a === "state") {
      const v = next();
      const st = stateA2n(v);
      if (st === undefined) invarg(ctx, "invalid state", v);
      f.state = (f.state | st) >>> 0;
    } else if (a === "dynamic") f.dynamic = true;
    else if (!matches(a, "help")) fdbUsage(ctx);
    /* anything else is ignored */
  }
  let brIndex = 0;
  if (br !== undefined) {
    brIndex = ctx.ll.llNameToIndex(br);
    if (!brIndex) {
      ctx.err('Cannot find bridge device "%s"\n', br);
      return -1;
    }
  }
  if (filterDev !== undefined) {
    f.index = ctx.ll.llNameToIndex(filterDev);
    if (!f.index) return nodev(ctx, filterDev);
  }
  const msgs = ctx.rtnl.dump({
    type: "RTM_GETNEIGH", flags: {}, ndm: { family: AF_BRIDGE, ifindex: f.index, state: 0, flags: 0, type: 0 },
    attrs: brIndex ? { NDA_MASTER: brIndex } : {},
  }) as NeighMsg[];
  ctx.newJsonObj(ctx.json);
  for (const m of msgs) printFdb(ctx, m, f);
  ctx.deleteJsonObj();
  return 0;
}

/** sscanf(addr, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx"): six converted, or undefined */
function scanMac(addr: string): Uint8Array | undefined {
  const parts = addr.split(":");
  const mac = new Uint8Array(6);
  if (parts.length < 6) return undefined;
  for (let i = 0; i < 6; i++) {
    const m = /^\s*(?:0[xX])?([0-9a-fA-F]+)/.exec(parts[i]!);
    if (!m) return undefined;
    mac[i] = parseInt(m[1]!.slice(-2), 16);
  }
  return mac;
}

/** strtoul(*argv, &endptr, 0): the value, or undefined when characters are left over */
function strtoul(v: string): number | undefined {
  const m = /^\s*[+]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(v);
  if (!m) return undefined;
  const t = m[1]!;
  return /^0[xX]/.test(t) ? parseInt(t, 16) : t.length > 1 && t[0] === "0" ? parseInt(t, 8) : parseInt(t, 10);
}

/** bridge/fdb.c: fdb_modify() */
function fdbModify(ctx: IpCtx, cmd: "RTM_NEWNEIGH" | "RTM_DELNEIGH", nlFlags: { create?: boolean; excl?: boolean; replace?: boolean; append?: boolean }, argv: string[]): number {
  let addr: string | undefined;
  let d: string | undefined;
  let state = NUD_NOARP;
  let flags = 0;
  let vid = -1;
  let dst: InetPrefix | undefined;
  let port = 0;
  let vni = -1;
  let srcVni = -1;
  let via = 0;
  let nhid = 0;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    const next = (): string => {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      return argv[++i]!;
    };
    if (a === "dev") d = next();
    else if (a === "dst") {
      const v = next();
      if (dst) duparg2(ctx, "dst", v);
      dst = getAddr(ctx, v, ctx.preferredFamily);
    } else if (a === "nhid") {
      const v = next();
      const n = getUnsigned(v, 0);
      if (n === undefined) invarg(ctx, '"id" value is invalid\n', v);
      nhid = n;
    } else if (a === "port") {
      const v = next();
      const n = strtoul(v);
      if (n === undefined) {
        const sv = getservbyname(v, "udp");
        if (sv === undefined) invarg(ctx, "invalid port\n", v);
        port = sv;
      } else if (n > 0xffff) invarg(ctx, "invalid port\n", v);
      else port = n;
    } else if (a === "vni") {
      const v = next();
      const n = strtoul(v);
      if (n === undefined || n >= 1 << 24) invarg(ctx, "invalid VNI\n", v);
      vni = n;
    } else if (a === "src_vni") {
      const v = next();
      const n = strtoul(v);
      if (n === undefined || n >= 1 << 24) invarg(ctx, "invalid src VNI\n", v);
      srcVni = n;
    } else if (a === "via") {
      const v = next();
      via = ctx.ll.llNameToIndex(v);
      if (!via) ctx.exit(nodev(ctx, v));
    } else if (a === "self") flags |= NTF_SELF;
    else if (matches(a, "master") === false) flags |= NTF_MASTER;
    else if (matches(a, "router") === false) flags |= NTF_ROUTER;
    else if (matches(a, "local") === false || matches(a, "permanent") === false) state |= NUD_PERMANENT;
    else if (matches(a, "temp") === false || matches(a, "static") === false) state |= NUD_REACHABLE;
    else if (matches(a, "dynamic") === false) {
      state |= NUD_REACHABLE;
      state &= ~NUD_NOARP;
    } else if (matches(a, "vlan") === false) {
      if (vid >= 0) duparg2(ctx, "vlan", a);
      vid = (atoi(next()) << 16) >> 16;
    } else if (matches(a, "use") === false) flags |= NTF_USE;
    else if (matches(a, "extern_learn") === false) flags |= NTF_EXT_LEARNED;
    else if (matches(a, "sticky") === false) flags |= NTF_STICKY;
    else {
      if (a === "to") a = next();
      if (matches(a, "help") === false) fdbUsage(ctx);
      if (addr !== undefined) duparg2(ctx, "to", a);
      addr = a;
    }
  }
  if (d === undefined || addr === undefined) {
    ctx.err("Device and address are required arguments.\n");
    return -1;
  }
  if (nhid && (dst || port || vni !== -1)) {
    ctx.err("dst, port, vni are mutually exclusive with nhid\n");
    return -1;
  }
  /* Assume self */
  if (!(flags & (NTF_SELF | NTF_MASTER))) flags |= NTF_SELF;
  /* Assume permanent */
  if (!(state & (NUD_PERMANENT | NUD_REACHABLE))) state |= NUD_PERMANENT;
  const mac = scanMac(addr);
  if (!mac) {
    ctx.err("Invalid mac address %s\n", addr);
    return -1;
  }
  const attrs: NdaAttrs = { NDA_LLADDR: mac };
  if (dst) attrs.NDA_DST = dst.data.slice(0, dst.bytelen);
  if (vid >= 0) attrs.NDA_VLAN = vid & 0xffff;
  if (nhid > 0) (attrs as Record<string, unknown>).NDA_NH_ID = nhid;
  if (port) attrs.NDA_PORT = port;
  if (vni !== -1) attrs.NDA_VNI = vni;
  if (srcVni !== -1) (attrs as Record<string, unknown>).NDA_SRC_VNI = srcVni;
  if (via) attrs.NDA_IFINDEX = via;
  const ifindex = ctx.ll.llNameToIndex(d);
  if (!ifindex) return nodev(ctx, d);
  const r = rtnlTalk(ctx, {
    type: cmd, flags: nlFlags, ndm: { family: AF_BRIDGE, ifindex, state, flags, type: 0 }, attrs,
  });
  return r.ret < 0 ? -1 : 0;
}

/** bridge/fdb.c: fdb_get() */
function fdbGet(ctx: IpCtx, argv: string[]): number {
  let d: string | undefined;
  let br: string | undefined;
  let addr: string | undefined;
  let vni = -1;
  let flags = 0;
  let vlan = -1;
  let dynamic = false;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    const next = (): string => {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      return argv[++i]!;
    };
    if (a === "brport" || a === "dev") d = next();
    else if (a === "br") br = next();
    else if (a === "vni") {
      const v = next();
      const n = strtoul(v);
      if (n === undefined || n >= 1 << 24) invarg(ctx, "invalid VNI\n", v);
      vni = n;
    } else if (a === "self") flags |= NTF_SELF;
    else if (matches(a, "master") === false) flags |= NTF_MASTER;
    else if (matches(a, "vlan") === false) {
      if (vlan >= 0) duparg2(ctx, "vlan", a);
      vlan = (atoi(next()) << 16) >> 16;
    } else if (matches(a, "dynamic") === false) dynamic = true;
    else {
      if (a === "to") a = next();
      if (matches(a, "help") === false) fdbUsage(ctx);
      if (addr !== undefined) duparg2(ctx, "to", a);
      addr = a;
    }
  }
  if ((d === undefined && br === undefined) || addr === undefined) {
    ctx.err("Device or master and address are required arguments.\n");
    return -1;
  }
  const mac = scanMac(addr);
  if (!mac) {
    ctx.err("Invalid mac address %s\n", addr);
    return -1;
  }
  const attrs: NdaAttrs = { NDA_LLADDR: mac };
  if (vlan >= 0) attrs.NDA_VLAN = vlan & 0xffff;
  if (vni !== -1) attrs.NDA_VNI = vni;
  let ifindex = 0;
  if (d !== undefined) {
    ifindex = ctx.ll.llNameToIndex(d);
    if (!ifindex) {
      ctx.err('Cannot find device "%s"\n', d);
      return -1;
    }
  }
  if (br !== undefined) {
    const bi = ctx.ll.llNameToIndex(br);
    if (!bi) {
      ctx.err('Cannot find bridge device "%s"\n', br);
      return -1;
    }
    attrs.NDA_MASTER = bi;
  }
  const r = rtnlTalk(ctx, { type: "RTM_GETNEIGH", flags: {}, ndm: { family: AF_BRIDGE, ifindex, state: 0, flags, type: 0 }, attrs });
  if (r.ret < 0 || !r.answer) return -2;
  ctx.newJsonObj(ctx.json);
  printFdb(ctx, r.answer as NeighMsg, { index: 0, state: 0, vlan: 0, dynamic });
  ctx.deleteJsonObj();
  return 0;
}

/** bridge/fdb.c: fdb_flush(): a bulk RTM_DELNEIGH with the state and flag filters */
function fdbFlush(ctx: IpCtx, argv: string[]): number {
  let stateMask = 0;
  let flagsMask = 0;
  let vid = -1;
  let portIdx = -1;
  let ndmFlags = 0;
  let ndmState = 0;
  let d: string | undefined;
  let port: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      return argv[++i]!;
    };
    switch (a) {
      case "dev":
        d = next();
        break;
      case "master":
        ndmFlags |= NTF_MASTER;
        break;
      case "self":
        ndmFlags |= NTF_SELF;
        break;
      case "permanent":
        ndmState |= NUD_PERMANENT;
        stateMask |= NUD_PERMANENT;
        break;
      case "nopermanent":
        ndmState &= ~NUD_PERMANENT;
        stateMask |= NUD_PERMANENT;
        break;
      case "static":
        ndmState |= NUD_NOARP;
        stateMask |= NUD_NOARP | NUD_PERMANENT;
        break;
      case "nostatic":
        ndmState &= ~NUD_NOARP;
        stateMask |= NUD_NOARP;
        break;
      case "dynamic":
        // `ndm_state &= ~NUD_NOARP | NUD_PERMANENT`: only NOARP is cleared
        ndmState &= ~NUD_NOARP | NUD_PERMANENT;
        stateMask |= NUD_NOARP | NUD_PERMANENT;
        break;
      case "nodynamic":
        ndmState |= NUD_NOARP;
        stateMask |= NUD_NOARP;
        break;
      case "brport":
        if (port !== undefined) duparg2(ctx, "brport", a);
        port = next();
        break;
      case "vlan":
        if (vid >= 0) duparg2(ctx, "vlan", a);
        vid = (atoi(next()) << 16) >> 16;
        break;
      case "help":
        next();
        break;
      default: {
        const f = ({ added_by_user: NTF_USE, extern_learn: NTF_EXT_LEARNED, sticky: NTF_STICKY, offloaded: NTF_OFFLOADED } as Record<string, number>)[a.replace(/^no/, "")];
        if (f !== undefined) {
          if (a.startsWith("no")) ndmFlags &= ~f;
          else ndmFlags |= f;
          flagsMask |= f;
        }
        /* anything else is passed over */
      }
    }
  }
  if (d === undefined) {
    ctx.err("Device is a required argument.\n");
    return -1;
  }
  const ifindex = ctx.ll.llNameToIndex(d);
  if (!ifindex) {
    ctx.err('Cannot find bridge device "%s"\n', d);
    return -1;
  }
  if (port !== undefined) {
    portIdx = (ctx.ll.llNameToIndex(port) << 16) >> 16;
    if (portIdx === 0) {
      ctx.err('Cannot find bridge port device "%s"\n', port);
      return -1;
    }
  }
  if (vid >= 4096) {
    ctx.err('Invalid VLAN ID "%hu"\n', vid);
    return -1;
  }
  /* if self and master were not specified assume self */
  if (!(ndmFlags & (NTF_SELF | NTF_MASTER))) ndmFlags |= NTF_SELF;
  const attrs: NdaAttrs = {};
  if (portIdx > -1) attrs.NDA_IFINDEX = portIdx;
  if (vid > -1) attrs.NDA_VLAN = vid;
  if (flagsMask) attrs.NDA_NDM_FLAGS_MASK = flagsMask;
  if (stateMask) attrs.NDA_NDM_STATE_MASK = stateMask;
  const r = rtnlTalk(ctx, {
    type: "RTM_DELNEIGH", flags: { bulk: true }, ndm: { family: AF_BRIDGE, ifindex, state: ndmState & 0xffff, flags: ndmFlags & 0xff, type: 0 }, attrs,
  });
  return r.ret < 0 ? -1 : 0;
}

/** bridge/fdb.c: usage() */
function fdbUsage(ctx: IpCtx): never {
  ctx.err(
    "Usage: bridge fdb { add | append | del | replace } ADDR dev DEV\n" +
      "              [ self ] [ master ] [ use ] [ router ] [ extern_learn ]\n" +
      "              [ sticky ] [ local | static | dynamic ] [ vlan VID ]\n" +
      "              { [ dst IPADDR ] [ port PORT] [ vni VNI ] | [ nhid NHID ] }\n" +
      "\t       [ via DEV ] [ src_vni VNI ]\n" +
      "       bridge fdb [ show [ br BRDEV ] [ brport DEV ] [ vlan VID ]\n" +
      "              [ state STATE ] [ dynamic ] ]\n" +
      "       bridge fdb get [ to ] LLADDR [ br BRDEV ] { brport | dev } DEV\n" +
      "              [ vlan VID ] [ vni VNI ] [ self ] [ master ] [ dynamic ]\n" +
      "       bridge fdb flush dev DEV [ brport DEV ] [ vlan VID ]\n" +
      "              [ self ] [ master ] [ [no]permanent | [no]static | [no]dynamic ]\n" +
      "              [ [no]added_by_user ] [ [no]extern_learn ] [ [no]sticky ]\n" +
      "              [ [no]offloaded ]\n",
  );
  return ctx.exit(-1);
}

function doFdb(ctx: IpCtx, argv: string[]): number {
  ctx.ll.llInitMap();
  if (!argv.length) return fdbShow(ctx, []);
  const [c, ...rest] = argv as [string, ...string[]];
  if (matches(c, "add") === false) return fdbModify(ctx, "RTM_NEWNEIGH", { create: true, excl: true }, rest);
  if (matches(c, "append") === false) return fdbModify(ctx, "RTM_NEWNEIGH", { create: true, append: true }, rest);
  if (matches(c, "replace") === false) return fdbModify(ctx, "RTM_NEWNEIGH", { create: true, replace: true }, rest);
  if (matches(c, "delete") === false) return fdbModify(ctx, "RTM_DELNEIGH", {}, rest);
  if (matches(c, "get") === false) return fdbGet(ctx, rest);
  if (matches(c, "show") === false || matches(c, "lst") === false || matches(c, "list") === false) return fdbShow(ctx, rest);
  if (c === "flush") return fdbFlush(ctx, rest);
  if (matches(c, "help") === false) fdbUsage(ctx);
  ctx.err('Command "%s" is unknown, try "bridge fdb help".\n', c);
  return ctx.exit(-1);
}

/** bridge/link.c: do_link() */
function doLink(ctx: IpCtx, argv: string[]): number {
  ctx.ll.llInitMap();
  if (!argv.length) return linkShow(ctx, []);
  const [c, ...rest] = argv as [string, ...string[]];
  if (matches(c, "set") === false || matches(c, "change") === false) return linkModify(ctx, rest);
  if (matches(c, "show") === false || matches(c, "lst") === false || matches(c, "list") === false) return linkShow(ctx, rest);
  if (matches(c, "help") === false) linkUsage(ctx);
  ctx.err('Command "%s" is unknown, try "bridge link help".\n', c);
  return ctx.exit(-1);
}

/** bridge/vlan.c: usage() */
function vlanUsage(ctx: IpCtx): never {
  ctx.err(
    "Usage: bridge vlan { add | del } vid VLAN_ID dev DEV [ tunnel_info id TUNNEL_ID ]\n" +
      "                                                     [ pvid ] [ untagged ]\n" +
      "                                                     [ self ] [ master ]\n" +
      "       bridge vlan { set } vid VLAN_ID dev DEV [ state STP_STATE ]\n" +
      "                                               [ mcast_router MULTICAST_ROUTER ]\n" +
      "       bridge vlan { show } [ dev DEV ] [ vid VLAN_ID ]\n" +
      "       bridge vlan { tunnelshow } [ dev DEV ] [ vid VLAN_ID ]\n" +
      "       bridge vlan global { set } vid VLAN_ID dev DEV\n" +
      "                      [ mcast_snooping MULTICAST_SNOOPING ]\n" +
      "                      [ mcast_querier MULTICAST_QUERIER ]\n" +
      "                      [ mcast_igmp_version IGMP_VERSION ]\n" +
      "                      [ mcast_mld_version MLD_VERSION ]\n" +
      "                      [ mcast_last_member_count LAST_MEMBER_COUNT ]\n" +
      "                      [ mcast_last_member_interval LAST_MEMBER_INTERVAL ]\n" +
      "                      [ mcast_startup_query_count STARTUP_QUERY_COUNT ]\n" +
      "                      [ mcast_startup_query_interval STARTUP_QUERY_INTERVAL ]\n" +
      "                      [ mcast_membership_interval MEMBERSHIP_INTERVAL ]\n" +
      "                      [ mcast_querier_interval QUERIER_INTERVAL ]\n" +
      "                      [ mcast_query_interval QUERY_INTERVAL ]\n" +
      "                      [ mcast_query_response_interval QUERY_RESPONSE_INTERVAL ]\n" +
      "       bridge vlan global { show } [ dev DEV ] [ vid VLAN_ID ]\n",
  );
  return ctx.exit(-1);
}

/** bridge/vlan.c: filter_vlan_check(): -1 stop, 0 skip (a range's start, or below the vid
 * asked for), 1 print */
function filterVlanCheck(filterVlan: number, vid: number, flags: number): number {
  if (filterVlan && vid > filterVlan && !(flags & BRIDGE_VLAN_INFO_RANGE_END)) return -1;
  if (flags & BRIDGE_VLAN_INFO_RANGE_BEGIN || vid < filterVlan) return 0;
  return 1;
}

/** bridge/vlan.c: print_vlan_info() with open_vlan_port(), print_range(), print_vlan_flags() */
function printVlanInfo(ctx: IpCtx, list: BridgeVlanInfo[], ifindex: number, filterVlan: number): void {
  let lastVidStart = 0;
  let opened = false;
  for (const vinfo of list) {
    if (!(vinfo.flags & BRIDGE_VLAN_INFO_RANGE_END)) lastVidStart = vinfo.vid;
    const c = filterVlanCheck(filterVlan, vinfo.vid, vinfo.flags);
    if (c === -1) break;
    if (c === 0) continue;
    openVlanPort(ctx, ifindex, opened);
    opened = true;
    ctx.openJsonObject(null);
    ctx.printUint(PRINT_ANY, "vlan", "%u", lastVidStart);
    if (lastVidStart !== vinfo.vid) ctx.printUint(PRINT_ANY, "vlanEnd", "-%u", vinfo.vid);
    printVlanFlags(ctx, vinfo.flags);
    ctx.closeJsonObject();
    ctx.printNl();
  }
  if (opened) closeVlanPort(ctx);
}

/** bridge/vlan.c: open_vlan_port() for a port's first vlan (its name and the json array),
 * the name column's blank for the others */
function openVlanPort(ctx: IpCtx, ifindex: number, opened: boolean): void {
  if (opened) {
    ctx.printString(PRINT_FP, null, "%-16s  ", "");
    return;
  }
  ctx.openJsonObject(null);
  ctx.printString(PRINT_ANY, "ifname", "%-16s  ", ctx.ll.llIndexToName(ifindex), COLOR_IFNAME);
  ctx.openJsonArray(PRINT_JSON, "vlans");
}

/** bridge/vlan.c: close_vlan_port() */
function closeVlanPort(ctx: IpCtx): void {
  ctx.closeJsonArray(PRINT_JSON, null);
  ctx.closeJsonObject();
}

/** bridge/vlan.c: print_vlan_stats_attr() with print_one_vlan_stats(): a port's or bridge's
 * vlans (not the master entries that are no BRENTRY: "pure port entries") and their counters */
function printVlanStatsAttr(ctx: IpCtx, list: BridgeVlanXstats[], ifindex: number, filterVlan: number): void {
  let found = false;
  for (const v of list) {
    if (filterVlan && filterVlan !== v.vid) continue;
    if (v.flags & BRIDGE_VLAN_INFO_MASTER && !(v.flags & BRIDGE_VLAN_INFO_BRENTRY)) continue;
    openVlanPort(ctx, ifindex, found);
    found = true;
    ctx.openJsonObject(null);
    ctx.printHu(PRINT_ANY, "vid", "%hu", v.vid);
    printVlanFlags(ctx, v.flags);
    ctx.printNl();
    ctx.printString(PRINT_FP, null, "%-16s    ", "");
    ctx.printU64(PRINT_ANY, "rx_bytes", "RX: %llu bytes", v.rx_bytes);
    ctx.printU64(PRINT_ANY, "rx_packets", " %llu packets\n", v.rx_packets);
    ctx.printString(PRINT_FP, null, "%-16s    ", "");
    ctx.printU64(PRINT_ANY, "tx_bytes", "TX: %llu bytes", v.tx_bytes);
    ctx.printU64(PRINT_ANY, "tx_packets", " %llu packets\n", v.tx_packets);
    ctx.closeJsonObject();
  }
  if (found) closeVlanPort(ctx);
}

/** bridge/vlan.c: print_vlan_flags() */
function printVlanFlags(ctx: IpCtx, flags: number): void {
  if (flags === 0) return;
  ctx.openJsonArray(PRINT_JSON, "flags");
  if (flags & BRIDGE_VLAN_INFO_PVID) ctx.printString(PRINT_ANY, null, " %s", "PVID");
  if (flags & BRIDGE_VLAN_INFO_UNTAGGED) ctx.printString(PRINT_ANY, null, " %s", "Egress Untagged");
  ctx.closeJsonArray(PRINT_JSON, null);
}

/**
 * bridge/vlan.c: vlan_show()'s -d branch and vlan_global_show(): rtnl_brvlandump_req(), the
 * header, then rtnl_dump_filter(). Neither the lab kernel (without
 * CONFIG_BRIDGE_VLAN_FILTERING br_vlan_rtnl_init() registers no RTM_GETVLAN) nor the emulated
 * one answers it: rtnl_dump_error()'s perror(), "Dump terminated", exit(1).
 */
function vlanRtmDump(ctx: IpCtx, dumpFlags: number): number {
  const msgs = ctx.rtnl.dump({
    type: "RTM_GETVLAN", flags: {}, bvm: { family: AF_BRIDGE, ifindex: 0 }, attrs: { BRIDGE_VLANDB_DUMP_FLAGS: dumpFlags },
  }) as DumpResult;
  if (!ctx.isJsonContext()) ctx.printf("%-16s  %-9s\n", "port", "vlan-id");
  if (msgs.error) {
    ctx.err("RTNETLINK answers: %s\n", strerror(msgs.error.errno));
    ctx.err("Dump terminated\n");
    return ctx.exit(1);
  }
  ctx.deleteJsonObj();
  return 0;
}

function doVlan(ctx: IpCtx, argv: string[]): number {
  ctx.ll.llInitMap();
  const c = argv[0] ?? "show";
  if (matches(c, "add") === false || matches(c, "delete") === false) {
    // bridge/vlan.c: vlan_modify()
    let d: string | undefined;
    let vid = -1;
    let vidEnd = -1;
    let range = false;
    let flags = 0;
    let vflags = 0;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i]!;
      const next = (): string => {
        if (i + 1 >= argv.length) incompleteCommand(ctx);
        return argv[++i]!;
      };
      if (a === "dev") d = next();
      else if (a === "vid") {
        const v = next();
        const dash = v.indexOf("-");
        if (dash >= 0) {
          vid = (atoi(v.slice(0, dash)) << 16) >> 16;
          vidEnd = (atoi(v.slice(dash + 1)) << 16) >> 16;
          range = true;
        } else vid = (atoi(v) << 16) >> 16;
      } else if (a === "self") flags |= BRIDGE_FLAGS_SELF;
      else if (a === "master") flags |= BRIDGE_FLAGS_MASTER;
      else if (a === "pvid") vflags |= 2;
      else if (a === "untagged") vflags |= 4;
      else if (matches(a, "help") === false) next();
    }
    if (d === undefined || vid === -1) {
      ctx.err("Device and VLAN ID are required arguments.\n");
      return -1;
    }
    const ifindex = ctx.ll.llNameToIndex(d);
    if (!ifindex) {
      ctx.err('Cannot find bridge device "%s"\n', d);
      return -1;
    }
    if (vid >= 4096) {
      ctx.err('Invalid VLAN ID "%hu"\n', vid);
      return -1;
    }
    if (range) {
      if (vidEnd === -1 || vidEnd >= 4096 || vid >= vidEnd) {
        ctx.err('Invalid VLAN range "%hu-%hu"\n', vid, vidEnd);
        return -1;
      }
      if (vflags & 2) {
        ctx.err("pvid cannot be configured for a vlan range\n");
        return -1;
      }
    }
    // add_vlan_info_range(): a range as two attributes, RANGE_BEGIN then RANGE_END
    const vinfo: BridgeVlanInfo[] = range
      ? [{ vid: vid & 0xffff, flags: vflags | BRIDGE_VLAN_INFO_RANGE_BEGIN },
        { vid: vidEnd & 0xffff, flags: vflags | BRIDGE_VLAN_INFO_RANGE_END }]
      : [{ vid: vid & 0xffff, flags: vflags }];
    const af: Record<string, unknown> = {};
    if (flags) af.IFLA_BRIDGE_FLAGS = flags;
    af.IFLA_BRIDGE_VLAN_INFO = vinfo;
    const r = rtnlTalk(ctx, {
      type: matches(c, "add") === false ? "RTM_SETLINK" : "RTM_DELLINK", flags: {},
      ifi: { family: AF_BRIDGE, type: 0, index: ifindex, flags: 0, change: 0 },
      attrs: { IFLA_AF_SPEC_BRIDGE: af },
    });
    return r.ret < 0 ? -1 : 0;
  }
  const tunnel = matches(c, "tunnelshow") === false;
  if (matches(c, "show") === false || matches(c, "lst") === false || matches(c, "list") === false || tunnel) {
    // vlan_show(): its filters (a device that does not exist ends it), then the dump
    const { filterDev, filterVlan } = vlanShowFilters(ctx, argv, 1);
    const filterIndex = filterDev !== undefined ? ctx.ll.llNameToIndex(filterDev) : 0;
    if (filterDev !== undefined && !filterIndex) return nodev(ctx, filterDev);
    ctx.newJsonObj(ctx.json);
    // -d: the new dump format (RTM_GETVLAN, BRIDGE_VLANDB_DUMP_FLAGS)
    if (ctx.showDetails && !tunnel) return vlanRtmDump(ctx, ctx.showStats ? BRIDGE_VLANDB_DUMPF_STATS : 0);
    if (ctx.showStats && !tunnel) {
      // the statistics dumps: the bridges' own (IFLA_STATS_LINK_XSTATS), then the ports'
      // (IFLA_STATS_LINK_XSTATS_SLAVE), each through print_vlan_stats()
      if (!ctx.isJsonContext()) ctx.printf("%-16s  vlan-id\n", "port");
      for (const attr of [IFLA_STATS_LINK_XSTATS, IFLA_STATS_LINK_XSTATS_SLAVE]) {
        const msgs = rtnlDump(ctx, {
          type: "RTM_GETSTATS", flags: {}, ifsm: { family: AF_UNSPEC, ifindex: 0, filterMask: IFLA_STATS_FILTER_BIT(attr) }, attrs: {},
        }) as StatsMsg[];
        for (const m of msgs) {
          if (filterIndex && filterIndex !== m.ifsm.ifindex) continue;
          for (const x of [m.attrs.IFLA_STATS_LINK_XSTATS, m.attrs.IFLA_STATS_LINK_XSTATS_SLAVE])
            if (x) printVlanStatsAttr(ctx, x.LINK_XSTATS_TYPE_BRIDGE?.BRIDGE_XSTATS_VLAN ?? [], m.ifsm.ifindex, filterVlan >>> 0);
        }
      }
      ctx.deleteJsonObj();
      return 0;
    }
    const msgs = ctx.rtnl.dump({
      type: "RTM_GETLINK", flags: {}, ifi: { family: AF_BRIDGE, type: 0, index: 0, flags: 0, change: 0 },
      attrs: { IFLA_EXT_MASK: ctx.compressVlans ? RTEXT_FILTER_BRVLAN_COMPRESSED : RTEXT_FILTER_BRVLAN },
    }) as LinkMsg[];
    if (!ctx.isJsonContext()) ctx.printf("%-16s  %-9s%s\n", "port", "vlan-id", tunnel ? "  tunnel-id" : "");
    // print_vlan(): AF_BRIDGE messages with an IFLA_AF_SPEC (tunnel info is not modelled: no
    // port carries any)
    for (const m of msgs) {
      if (m.type !== "RTM_NEWLINK" || m.ifi.family !== AF_BRIDGE) continue;
      if (filterIndex && filterIndex !== m.ifi.index) continue;
      const af = m.attrs.IFLA_AF_SPEC_BRIDGE;
      if (!af || tunnel) continue;
      printVlanInfo(ctx, (af.IFLA_BRIDGE_VLAN_INFO as BridgeVlanInfo[] | undefined) ?? [], m.ifi.index, filterVlan >>> 0);
    }
    ctx.deleteJsonObj();
    return 0;
  }
  if (c === "global" && (argv.length < 2 || ["show", "lst", "list"].includes(argv[1]!))) {
    // vlan_global() -> vlan_global_show(): its filters, then the RTM_GETVLAN dump
    const { filterDev, filterVlan } = vlanShowFilters(ctx, argv, 2);
    if (filterDev !== undefined && !ctx.ll.llNameToIndex(filterDev)) return nodev(ctx, filterDev);
    ctx.newJsonObj(ctx.json);
    return vlanRtmDump(ctx, BRIDGE_VLANDB_DUMPF_GLOBAL);
  }
  if (c === "global" && argv[1] !== "set") vlanUsage(ctx);
  if (matches(c, "set") === false || c === "global") {
    ctx.err("bridge vlan %s: not supported by this emulator\n", c === "global" ? "global set" : "set");
    return ctx.exit(-1);
  }
  if (matches(c, "help") === false) vlanUsage(ctx);
  ctx.err('Command "%s" is unknown, try "bridge vlan help".\n', c);
  return ctx.exit(-1);
}

function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }\n" +
      "       bridge [ -force ] -batch filename\n" +
      "where  OBJECT := { link | fdb | mdb | vlan | monitor }\n" +
      "       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] |\n" +
      "                    -o[neline] | -t[imestamp] | -n[etns] name |\n" +
      "                    -c[ompressvlans] -color -p[retty] -j[son] }\n",
  );
  return ctx.exit(-1);
}

/** bridge/bridge.c: do_cmd() — cmds[] in order, an abbreviation taking the first match */
function doCmd(ctx: IpCtx, obj: string, rest: string[]): number | Promise<number> {
  if (matches(obj, "link") === false) return doLink(ctx, rest);
  if (matches(obj, "fdb") === false) return doFdb(ctx, rest);
  for (const o of ["mdb", "vlan", "vni", "monitor"]) {
    if (matches(obj, o) !== false) continue;
    if (o === "mdb") return doMdb(ctx, rest);
    if (o === "vlan") return doVlan(ctx, rest);
    if (o === "monitor") return doMonitor(ctx, rest);
    ctx.err("bridge: object %s is not supported by this emulator\n", o);
    return ctx.exit(-1);
  }
  if (matches(obj, "help") === false) usage(ctx);
  ctx.err('Object "%s" is unknown, try "bridge help".\n', obj);
  return -1;
}

/** bridge/bridge.c: main() */
export const bridge: Command = async (p) => {
  const ctx = new IpCtx(p, "bridge");
  try {
    let argv = p.argv.slice(1);
    /* CONF_COLOR: off unless asked for */
    let color: "always" | "auto" | "never" = "never";
    let batchFile: string | undefined;
    while (argv.length) {
      let opt = argv[0]!;
      if (opt === "--") {
        argv = argv.slice(1);
        break;
      }
      if (opt[0] !== "-") break;
      if (opt[1] === "-") opt = opt.slice(1);
      if (matches(opt, "-help") === false) usage(ctx);
      else if (matches(opt, "-Version") === false) {
        ctx.p.stdout.write("bridge utility, 6.1.0\n");
        return 0;
      } else if (matches(opt, "-stats") === false || matches(opt, "-statistics") === false) ctx.showStats++;
      else if (matches(opt, "-details") === false) ctx.showDetails++;
      else if (matches(opt, "-oneline") === false) ctx.oneline++;
      else if (matches(opt, "-timestamp") === false) ctx.timestamp++;
      else if (matches(opt, "-family") === false) {
        argv = argv.slice(1);
        if (!argv.length) usage(ctx);
        if (argv[0] === "inet") ctx.preferredFamily = AF_INET;
        else if (argv[0] === "inet6") ctx.preferredFamily = AF_INET6;
        else if (argv[0] === "help") usage(ctx);
        else invarg(ctx, "invalid protocol family", argv[0]!);
      } else if (opt === "-4") ctx.preferredFamily = AF_INET;
      else if (opt === "-6") ctx.preferredFamily = AF_INET6;
      else if (matches(opt, "-netns") === false) {
        // NEXT_ARG() counts argv[0] too: with nothing after -netns it goes on with argv[1]
        // NULL, which netns_switch() prints as "(null)"
        argv = argv.slice(1);
        if (netnsSwitch(ctx, argv[0] ?? "(null)")) ctx.exit(-1);
      } else if (matchesColorOpt(opt)) color = matchesColorOpt(opt)!;
      else if (matches(opt, "-compressvlans") === false) ctx.compressVlans++;
      else if (matches(opt, "-force") === false) ctx.force++;
      else if (matches(opt, "-json") === false) ctx.json++;
      else if (matches(opt, "-pretty") === false) ++ctx.pretty;
      else if (matches(opt, "-batch") === false) {
        argv = argv.slice(1);
        if (!argv.length) usage(ctx);
        batchFile = argv[0]!;
      } else {
        ctx.err('Option "%s" is unknown, try "bridge help".\n', opt);
        ctx.exit(-1);
      }
      argv = argv.slice(1);
    }
    ctx.SL = ctx.oneline ? "\\" : "\n";
    ctx.checkEnableColor(color, ctx.json > 0, p.isatty, p.env["COLORFGBG"]);
    let r: number;
    if (batchFile !== undefined) r = await doBatch(ctx, batchFile, async (a) => doCmd(ctx, a[0]!, a.slice(1)));
    else if (argv.length) r = await doCmd(ctx, argv[0]!, argv.slice(1));
    else usage(ctx);
    ctx.flush();
    return r & 0xff;
  } catch (e) {
    ctx.flush();
    if (e instanceof Exit) return e.code;
    throw e;
  }
};

export const bridgeCommands: CommandTable = { bridge };

/** vlan_show() / vlan_global_show(): the `dev NAME` and `vid VID` filters from argv[from] on
 * (each at most once; a keyword without its value is an incomplete command) */
function vlanShowFilters(ctx: IpCtx, argv: string[], from: number): { filterDev: string | undefined; filterVlan: number } {
  let filterDev: string | undefined;
  let filterVlan = 0;
  for (let i = from; i < argv.length; i++) {
    const a = argv[i]!;
    if (a !== "dev" && a !== "vid") continue;
    if (i + 1 >= argv.length) incompleteCommand(ctx);
    const v = argv[++i]!;
    if (a === "dev") {
      if (filterDev !== undefined) duparg(ctx, "dev", v);
      filterDev = v;
    } else {
      if (filterVlan) duparg(ctx, "vid", v);
      filterVlan = atoi(v);
    }
  }
  return { filterDev, filterVlan };
}
