/**
 * ip/ipaddress.c: `ip address` and the link printer shared with `ip link show`
 * (print_linkinfo, print_addrinfo, ipaddr_list_flush_or_save, ipaddr_modify).
 */
import { fnmatch } from "../lib/fnmatch.ts";
import { COLOR_IFNAME, COLOR_MAC, ifaFamilyColor, operStateColor } from "../lib/json_print.ts";
import type { IpCtx } from "../lib/context.ts";
import type {
  AddrMsg, IfAddrMsg, IfaAttrs, IflaAttrs, InfoData, LinkMsg, LinkStats64, RtnlMsg,
} from "../../kernel/uapi/rtnetlink.ts";
import {
  AF_INET, AF_INET6, AF_PACKET, AF_UNSPEC, IFA_F_DEPRECATED, IFA_F_PERMANENT, IFA_F_SECONDARY,
  IFA_F_NODAD, IFA_F_OPTIMISTIC, IFA_F_DADFAILED, IFA_F_HOMEADDRESS, IFA_F_TENTATIVE,
  IFA_F_MANAGETEMPADDR, IFA_F_NOPREFIXROUTE, IFA_F_MCAUTOJOIN, IFA_F_STABLE_PRIVACY, RT_SCOPE_HOST,
  RT_SCOPE_NOWHERE,
} from "../../kernel/uapi/rtnetlink.ts";
import {
  IFF_UP, IFF_RUNNING, IFF_LOOPBACK, IFF_BROADCAST, IFF_POINTOPOINT, IFF_MULTICAST, IFF_NOARP,
  IFF_ALLMULTI, IFF_PROMISC, IFF_MASTER, IFF_SLAVE, IFF_DEBUG, IFF_DYNAMIC, IFF_AUTOMEDIA,
  IFF_PORTSEL, IFF_NOTRAILERS, IFF_LOWER_UP, IFF_DORMANT, IFF_ECHO,
} from "../../kernel/uapi/if.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import { sprintf } from "../lib/printf.ts";
import {
  checkIfname, duparg, duparg2, familyName, formatHost, getAddr, getPrefix, getU32, incompleteCommand,
  inetAddrMatchRta, invarg, llAddrN2a, matches, newPrefix, nodev, prefixBytes, PREFIXLEN_SPECIFIED,
  type InetPrefix,
} from "../lib/utils.ts";
import { llTypeN2a } from "../lib/ll_map.ts";
import { rtnlTalk } from "../lib/libnetlink.ts";
import { getLinkKind } from "./link_util.ts";
import { getNameFromNsid } from "./ipnetns.ts";
import { iplinkUsage, iplinkTypesUsage } from "./iplink.ts";

const INFINITY_LIFE_TIME = 0xffffffff;

/** ip/ipaddress.c: struct link_filter (static `filter`) and `do_link` */
export interface LinkFilter {
  ifindex: number;
  family: number;
  oneline: number;
  showqueue: number;
  pfx: InetPrefix;
  scope: number;
  scopemask: number;
  flags: number;
  flagmask: number;
  up: number;
  label: string | undefined;
  flushed: number;
  flushing: boolean;
  group: number;
  master: number;
  kind: string | undefined;
  slaveKind: string | undefined;
  doLink: number;
}

const filters = new WeakMap<IpCtx, LinkFilter>();

/** ip/ipaddress.c: ipaddr_reset_filter() */
export function ipaddrResetFilter(ctx: IpCtx, oneline: number, ifindex: number): LinkFilter {
  const doLink = filters.get(ctx)?.doLink ?? 0;
  const f: LinkFilter = {
    ifindex, family: 0, oneline, showqueue: 0, pfx: newPrefix(), scope: 0, scopemask: 0, flags: 0,
    flagmask: 0, up: 0, label: undefined, flushed: 0, flushing: false, group: -1, master: 0,
    kind: undefined, slaveKind: undefined, doLink,
  };
  filters.set(ctx, f);
  return f;
}

function filterOf(ctx: IpCtx): LinkFilter {
  return filters.get(ctx) ?? ipaddrResetFilter(ctx, 0, 0);
}

/** ip/ipaddress.c: usage() */
function usage(ctx: IpCtx): never {
  if (filterOf(ctx).doLink) iplinkUsage(ctx);
  ctx.err(
    "Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]\n" +
      "                                                      [ CONFFLAG-LIST ]\n" +
      "       ip address del IFADDR dev IFNAME [mngtmpaddr]\n" +
      "       ip address {save|flush} [ dev IFNAME ] [ scope SCOPE-ID ]\n" +
      "                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]\n" +
      "       ip address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]\n" +
      "                         [ nomaster ]\n" +
      "                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]\n" +
      "                         [ label LABEL ] [up] [ vrf NAME ] ]\n" +
      "       ip address {showdump|restore}\n" +
      "IFADDR := PREFIX | ADDR peer PREFIX\n" +
      "          [ broadcast ADDR ] [ anycast ADDR ]\n" +
      "          [ label IFNAME ] [ scope SCOPE-ID ] [ metric METRIC ]\n" +
      "SCOPE-ID := [ host | link | global | NUMBER ]\n" +
      "FLAG-LIST := [ FLAG-LIST ] FLAG\n" +
      "FLAG  := [ permanent | dynamic | secondary | primary |\n" +
      "           [-]tentative | [-]deprecated | [-]dadfailed | temporary |\n" +
      "           CONFFLAG-LIST ]\n" +
      "CONFFLAG-LIST := [ CONFFLAG-LIST ] CONFFLAG\n" +
      "CONFFLAG  := [ home | nodad | mngtmpaddr | noprefixroute | autojoin ]\n" +
      "LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]\n" +
      "LFT := forever | SECONDS\n",
  );
  iplinkTypesUsage(ctx);
  return ctx.exit(-1);
}

const linkFlagNames: [number, string][] = [
  [IFF_LOOPBACK, "LOOPBACK"], [IFF_BROADCAST, "BROADCAST"], [IFF_POINTOPOINT, "POINTOPOINT"],
  [IFF_MULTICAST, "MULTICAST"], [IFF_NOARP, "NOARP"], [IFF_ALLMULTI, "ALLMULTI"],
  [IFF_PROMISC, "PROMISC"], [IFF_MASTER, "MASTER"], [IFF_SLAVE, "SLAVE"], [IFF_DEBUG, "DEBUG"],
  [IFF_DYNAMIC, "DYNAMIC"], [IFF_AUTOMEDIA, "AUTOMEDIA"], [IFF_PORTSEL, "PORTSEL"],
  [IFF_NOTRAILERS, "NOTRAILERS"], [IFF_UP, "UP"], [IFF_LOWER_UP, "LOWER_UP"],
  [IFF_DORMANT, "DORMANT"], [IFF_ECHO, "ECHO"],
];

/** ip/ipaddress.c: print_link_flags() (bridge/link.c has the same) */
export function printLinkFlags(ctx: IpCtx, flagsIn: number, mdown: number): void {
  let flags = flagsIn;
  ctx.openJsonArray(PRINT_ANY, ctx.isJsonContext() ? "flags" : "<");
  if (flags & IFF_UP && !(flags & IFF_RUNNING)) ctx.printString(PRINT_ANY, null, flags ? "%s," : "%s", "NO-CARRIER");
  flags &= ~IFF_RUNNING;
  for (const [f, name] of linkFlagNames) {
    if (flags & f) {
      flags &= ~f;
      ctx.printString(PRINT_ANY, null, flags ? "%s," : "%s", name);
    }
  }
  if (flags) ctx.printHex(PRINT_ANY, null, "%x", flags);
  if (mdown) ctx.printString(PRINT_ANY, null, ",%s", "M-DOWN");
  ctx.closeJsonArray(PRINT_ANY, "> ");
}

const operStates = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"];

/** ip/ipaddress.c: print_operstate() */
function printOperstate(ctx: IpCtx, state: number): void {
  if (state >= operStates.length) {
    if (ctx.isJsonContext()) ctx.printUint(PRINT_JSON, "operstate_index", null, state);
    else ctx.print0xhex(PRINT_FP, null, "state %#llx", state);
  } else if (ctx.brief) {
    ctx.printString(PRINT_ANY, "operstate", "%-14s ", operStates[state]!, operStateColor(state));
  } else if (ctx.isJsonContext()) {
    ctx.printString(PRINT_JSON, "operstate", null, operStates[state]!);
  } else {
    ctx.printf("state ");
    ctx.printString(PRINT_FP, null, "%s ", operStates[state]!, operStateColor(state));
  }
}

/** ip/ipaddress.c: get_operstate() */
export function getOperstate(name: string): number {
  return operStates.findIndex((s) => s.toLowerCase() === name.toLowerCase());
}

/** ip/ipaddress.c: print_queuelen() */
function printQueuelen(ctx: IpCtx, tb: IflaAttrs): void {
  let qlen = tb.IFLA_TXQLEN;
  if (qlen === undefined) {
    // no IFLA_TXQLEN (the AF_INET6 link dump): ask the legacy ioctl, as iproute2 does
    const r = ctx.sys.ioctl({ request: "SIOCGIFTXQLEN", ifname: tb.IFLA_IFNAME });
    if (isKErr(r)) {
      ctx.err("ioctl(SIOCGIFTXQLEN) failed: %s\n", strerror(r.errno));
      return;
    }
    qlen = Number(r.qlen);
  }
  // int qlen: a length past INT_MAX shows negative
  if (qlen) ctx.printInt(PRINT_ANY, "txqlen", "qlen %d", qlen | 0);
}

const linkModes = ["DEFAULT", "DORMANT"];

/** ip/ipaddress.c: print_linkmode() */
function printLinkmode(ctx: IpCtx, mode: number): void {
  if (mode >= linkModes.length) ctx.printInt(PRINT_ANY, "linkmode_index", "mode %d ", mode);
  else ctx.printString(PRINT_ANY, "linkmode", "mode %s ", linkModes[mode]!);
}

/** ip/ipaddress.c: match_link_kind() */
function matchLinkKind(tb: IflaAttrs, kind: string, slave: boolean): number {
  if (!tb.IFLA_LINKINFO) return -1;
  const k = (slave ? tb.IFLA_LINKINFO.IFLA_INFO_SLAVE_KIND : tb.IFLA_LINKINFO.IFLA_INFO_KIND) ?? "";
  return k === kind ? 0 : 1;
}

/** ip/ipaddress.c: print_linktype() */
function printLinktype(ctx: IpCtx, tb: NonNullable<IflaAttrs["IFLA_LINKINFO"]>): void {
  ctx.openJsonObject("linkinfo");
  if (tb.IFLA_INFO_KIND !== undefined) {
    const kind = tb.IFLA_INFO_KIND;
    ctx.printNl();
    ctx.printString(PRINT_ANY, "info_kind", "    %s ", kind);
    const lu = getLinkKind(kind);
    if (lu?.printOpt) {
      ctx.openJsonObject("info_data");
      lu.printOpt(ctx, tb.IFLA_INFO_DATA);
      ctx.closeJsonObject();
    }
  }
  if (tb.IFLA_INFO_SLAVE_KIND !== undefined) {
    const slaveKind = tb.IFLA_INFO_SLAVE_KIND;
    ctx.printNl();
    ctx.printString(PRINT_ANY, "info_slave_kind", "    %s_slave ", slaveKind);
    const slu = getLinkKind(`${slaveKind}_slave`);
    if (slu?.printOpt) {
      ctx.openJsonObject("info_slave_data");
      slu.printOpt(ctx, tb.IFLA_INFO_SLAVE_DATA);
      ctx.closeJsonObject();
    }
  }
  ctx.closeJsonObject();
}

/** ip/ipaddress.c: print_af_spec() */
function printAfSpec(ctx: IpCtx, mode: number): void {
  const names: Record<number, string> = { 0: "eui64", 1: "none", 2: "stable_secret", 3: "random" };
  ctx.printString(PRINT_ANY, "inet6_addr_gen_mode", "addrgenmode %s ", names[mode] ?? sprintf("%#.2hhx", mode));
}

/** ip/ipaddress.c: size_columns() */
export function sizeColumns(ctx: IpCtx, cols: number[], ...vals: number[]): void {
  for (let i = 0; i < vals.length; i++) {
    if (ctx.humanReadable) continue;
    let len = 1;
    for (let v = vals[i]!; v > 9; len++) v = Math.floor(v / 10);
    if (len > cols[i]!) cols[i] = len;
  }
}

/** ip/ipaddress.c: print_num() */
export function printNum(ctx: IpCtx, width: number, count: number): void {
  const prefixes = "kMGTPE";
  const base = ctx.useIec ? 1024 : 1000;
  if (!ctx.humanReadable || count < base) {
    ctx.printf("%*u ", width, count);
    return;
  }
  let powi = 1;
  let pi = 0;
  for (;;) {
    powi *= base;
    if (Math.floor(count / base) < powi) break;
    if (pi + 1 >= prefixes.length) break;
    ++pi;
  }
  let precision = 2;
  let powj = 1;
  for (; precision > 0; precision--) {
    powj *= 10;
    if (Math.floor(count / powi) < powj) break;
  }
  const buf = sprintf("%.*f%c%s", precision, count / powi, prefixes[pi], ctx.useIec ? "i" : "");
  ctx.printf("%*s ", width, buf);
}

/** ip/ipaddress.c: print_stats64() */
export function printStats64(ctx: IpCtx, s: LinkStats64, carrierChanges: number | undefined, what: string | null): void {
  const cols = ["*X errors:".length, "packets".length, "errors".length, "dropped".length,
    "heartbt".length, "overrun".length, "compressed".length, "otherhost".length];
  const otherhost = 0;
  if (ctx.isJsonContext()) {
    if (what) ctx.openJsonObject(what);
    ctx.openJsonObject("rx");
    ctx.printU64(PRINT_JSON, "bytes", null, s.rx_bytes);
    ctx.printU64(PRINT_JSON, "packets", null, s.rx_packets);
    ctx.printU64(PRINT_JSON, "errors", null, s.rx_errors);
    ctx.printU64(PRINT_JSON, "dropped", null, s.rx_dropped);
    ctx.printU64(PRINT_JSON, "over_errors", null, s.rx_over_errors);
    ctx.printU64(PRINT_JSON, "multicast", null, s.multicast);
    if (s.rx_compressed) ctx.printU64(PRINT_JSON, "compressed", null, s.rx_compressed);
    if (ctx.showStats > 1) {
      ctx.printU64(PRINT_JSON, "length_errors", null, s.rx_length_errors);
      ctx.printU64(PRINT_JSON, "crc_errors", null, s.rx_crc_errors);
      ctx.printU64(PRINT_JSON, "frame_errors", null, s.rx_frame_errors);
      ctx.printU64(PRINT_JSON, "fifo_errors", null, s.rx_fifo_errors);
      ctx.printU64(PRINT_JSON, "missed_errors", null, s.rx_missed_errors);
      if (s.rx_nohandler) ctx.printU64(PRINT_JSON, "nohandler", null, s.rx_nohandler);
    }
    ctx.closeJsonObject();
    ctx.openJsonObject("tx");
    ctx.printU64(PRINT_JSON, "bytes", null, s.tx_bytes);
    ctx.printU64(PRINT_JSON, "packets", null, s.tx_packets);
    ctx.printU64(PRINT_JSON, "errors", null, s.tx_errors);
    ctx.printU64(PRINT_JSON, "dropped", null, s.tx_dropped);
    ctx.printU64(PRINT_JSON, "carrier_errors", null, s.tx_carrier_errors);
    ctx.printU64(PRINT_JSON, "collisions", null, s.collisions);
    if (s.tx_compressed) ctx.printU64(PRINT_JSON, "compressed", null, s.tx_compressed);
    if (ctx.showStats > 1) {
      ctx.printU64(PRINT_JSON, "aborted_errors", null, s.tx_aborted_errors);
      ctx.printU64(PRINT_JSON, "fifo_errors", null, s.tx_fifo_errors);
      ctx.printU64(PRINT_JSON, "window_errors", null, s.tx_window_errors);
      ctx.printU64(PRINT_JSON, "heartbeat_errors", null, s.tx_heartbeat_errors);
      if (carrierChanges !== undefined) ctx.printU64(PRINT_JSON, "carrier_changes", null, carrierChanges);
    }
    ctx.closeJsonObject();
    if (what) ctx.closeJsonObject();
    return;
  }
  sizeColumns(ctx, cols, s.rx_bytes, s.rx_packets, s.rx_errors, s.rx_dropped, s.rx_missed_errors,
    s.multicast, s.rx_compressed, 0);
  if (ctx.showStats > 1)
    sizeColumns(ctx, cols, 0, s.rx_length_errors, s.rx_crc_errors, s.rx_frame_errors, s.rx_fifo_errors,
      s.rx_over_errors, s.rx_nohandler, otherhost);
  sizeColumns(ctx, cols, s.tx_bytes, s.tx_packets, s.tx_errors, s.tx_dropped, s.tx_carrier_errors,
    s.collisions, s.tx_compressed, 0);
  if (ctx.showStats > 1)
    sizeColumns(ctx, cols, 0, 0, s.tx_aborted_errors, s.tx_fifo_errors, s.tx_window_errors,
      s.tx_heartbeat_errors, carrierChanges ?? 0, 0);
  const c = cols;
  ctx.printf("    RX: %*s %*s %*s %*s %*s %*s %*s%s", c[0]! - 4, "bytes", c[1], "packets", c[2], "errors",
    c[3], "dropped", c[4], "missed", c[5], "mcast", c[6], s.rx_compressed ? "compressed" : "", ctx.SL);
  ctx.printf("    ");
  printNum(ctx, c[0]!, s.rx_bytes);
  printNum(ctx, c[1]!, s.rx_packets);
  printNum(ctx, c[2]!, s.rx_errors);
  printNum(ctx, c[3]!, s.rx_dropped);
  printNum(ctx, c[4]!, s.rx_missed_errors);
  printNum(ctx, c[5]!, s.multicast);
  if (s.rx_compressed) printNum(ctx, c[6]!, s.rx_compressed);
  if (ctx.showStats > 1) {
    ctx.printf("%s", ctx.SL);
    ctx.printf("    RX errors:%*s %*s %*s %*s %*s %*s%*s%*s%s", c[0]! - 10, "", c[1], "length", c[2], "crc",
      c[3], "frame", c[4], "fifo", c[5], "overrun", s.rx_nohandler ? c[6]! + 1 : 0,
      s.rx_nohandler ? " nohandler" : "", otherhost ? c[7]! + 1 : 0, otherhost ? " otherhost" : "", ctx.SL);
    ctx.printf("%*s", c[0]! + 5, "");
    printNum(ctx, c[1]!, s.rx_length_errors);
    printNum(ctx, c[2]!, s.rx_crc_errors);
    printNum(ctx, c[3]!, s.rx_frame_errors);
    printNum(ctx, c[4]!, s.rx_fifo_errors);
    printNum(ctx, c[5]!, s.rx_over_errors);
    if (s.rx_nohandler) printNum(ctx, c[6]!, s.rx_nohandler);
  }
  ctx.printf("%s", ctx.SL);
  ctx.printf("    TX: %*s %*s %*s %*s %*s %*s %*s%s", c[0]! - 4, "bytes", c[1], "packets", c[2], "errors",
    c[3], "dropped", c[4], "carrier", c[5], "collsns", c[6], s.tx_compressed ? "compressed" : "", ctx.SL);
  ctx.printf("    ");
  printNum(ctx, c[0]!, s.tx_bytes);
  printNum(ctx, c[1]!, s.tx_packets);
  printNum(ctx, c[2]!, s.tx_errors);
  printNum(ctx, c[3]!, s.tx_dropped);
  printNum(ctx, c[4]!, s.tx_carrier_errors);
  printNum(ctx, c[5]!, s.collisions);
  if (s.tx_compressed) printNum(ctx, c[6]!, s.tx_compressed);
  if (ctx.showStats > 1) {
    ctx.printf("%s", ctx.SL);
    ctx.printf("    TX errors:%*s %*s %*s %*s %*s %*s%s", c[0]! - 10, "", c[1], "aborted", c[2], "fifo",
      c[3], "window", c[4], "heartbt", c[5], carrierChanges !== undefined ? "transns" : "", ctx.SL);
    ctx.printf("%*s", c[0]! + 5, "");
    printNum(ctx, c[1]!, s.tx_aborted_errors);
    printNum(ctx, c[2]!, s.tx_fifo_errors);
    printNum(ctx, c[3]!, s.tx_window_errors);
    printNum(ctx, c[4]!, s.tx_heartbeat_errors);
    if (carrierChanges !== undefined) printNum(ctx, c[5]!, carrierChanges);
  }
}

/** ip/ipaddress.c: __print_link_stats() */
function printLinkStatsInner(ctx: IpCtx, tb: IflaAttrs): void {
  if (!tb.IFLA_STATS64) return;
  printStats64(ctx, tb.IFLA_STATS64, tb.IFLA_CARRIER_CHANGES, "stats64");
}

/** ip/ipaddress.c: print_link_stats() */
function printLinkStats(ctx: IpCtx, n: LinkMsg): void {
  printLinkStatsInner(ctx, n.attrs);
  ctx.printNl();
}

/** lib/utils.c: print_name_and_link() */
export function printNameAndLink(ctx: IpCtx, fmt: string, nameIn: string, tb: IflaAttrs): number {
  let name = nameIn;
  let link: string | undefined;
  let mFlag = 0;
  if (tb.IFLA_LINK !== undefined) {
    const iflink = tb.IFLA_LINK;
    if (iflink) {
      if (tb.IFLA_LINK_NETNSID !== undefined) {
        if (ctx.isJsonContext()) ctx.printInt(PRINT_JSON, "link_index", null, iflink);
        else link = ctx.ll.llIdxN2a(iflink);
      } else {
        link = ctx.ll.llIndexToName(iflink);
        if (ctx.isJsonContext()) {
          ctx.printString(PRINT_JSON, "link", null, link);
          link = undefined;
        }
        mFlag = ctx.ll.llIndexToFlags(iflink);
        mFlag = !(mFlag & IFF_UP) ? 1 : 0;
      }
    } else if (ctx.isJsonContext()) ctx.printNull(PRINT_JSON, "link", null, null);
    else link = "NONE";
    if (link !== undefined) name = `${name}@${link}`;
  }
  ctx.printString(PRINT_ANY, "ifname", fmt, name, COLOR_IFNAME);
  return mFlag;
}

/** ip/ipaddress.c: print_linkinfo_brief() */
function printLinkinfoBrief(ctx: IpCtx, name: string, n: LinkMsg): number {
  const f = filterOf(ctx);
  const tb = n.attrs;
  const mFlag = printNameAndLink(ctx, "%-16s ", name, tb);
  if (tb.IFLA_OPERSTATE !== undefined) printOperstate(ctx, tb.IFLA_OPERSTATE);
  if (f.family === AF_PACKET) {
    if (tb.IFLA_ADDRESS)
      ctx.printString(PRINT_ANY, "address", "%s ", llAddrN2a(tb.IFLA_ADDRESS, tb.IFLA_ADDRESS.length, n.ifi.type), COLOR_MAC);
  }
  if (f.family === AF_PACKET) {
    printLinkFlags(ctx, n.ifi.flags, mFlag);
    ctx.printString(PRINT_FP, null, "%s", "\n");
  }
  return 0;
}

/** ip/ipaddress.c: print_linkinfo() — returns -1 (filtered out), 0 or 1 */
export function printLinkinfo(ctx: IpCtx, n: RtnlMsg): number {
  if (n.type !== "RTM_NEWLINK" && n.type !== "RTM_DELLINK") return 0;
  const f = filterOf(ctx);
  const ifi = n.ifi;
  const tb = n.attrs;
  if (f.ifindex && ifi.index !== f.ifindex) return -1;
  if (f.up && !(ifi.flags & IFF_UP)) return -1;
  const name = tb.IFLA_IFNAME;
  if (name === undefined) {
    ctx.err("BUG: device with ifindex %d has nil ifname\n", ifi.index);
    return -1;
  }
  if (checkIfname(name)) return -1;
  if (f.label) return 0;
  if (tb.IFLA_GROUP !== undefined) {
    if (f.group !== -1 && tb.IFLA_GROUP !== f.group) return -1;
  }
  if (tb.IFLA_MASTER !== undefined) {
    if (f.master > 0 && tb.IFLA_MASTER !== f.master) return -1;
  } else if (f.master > 0) return -1;
  if (f.kind !== undefined && matchLinkKind(tb, f.kind, false)) return -1;
  if (f.slaveKind !== undefined && matchLinkKind(tb, f.slaveKind, true)) return -1;
  if (n.type === "RTM_DELLINK") ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  if (ctx.brief) return printLinkinfoBrief(ctx, name, n);

  ctx.printInt(PRINT_ANY, "ifindex", "%d: ", ifi.index);
  const mFlag = printNameAndLink(ctx, "%s: ", name, tb);
  printLinkFlags(ctx, ifi.flags, mFlag);
  if (tb.IFLA_MTU !== undefined) ctx.printInt(PRINT_ANY, "mtu", "mtu %u ", tb.IFLA_MTU);
  if (tb.IFLA_QDISC !== undefined) ctx.printString(PRINT_ANY, "qdisc", "qdisc %s ", tb.IFLA_QDISC);
  if (tb.IFLA_MASTER !== undefined)
    ctx.printString(PRINT_ANY, "master", "master %s ", ctx.ll.llIndexToName(tb.IFLA_MASTER));
  if (tb.IFLA_OPERSTATE !== undefined) printOperstate(ctx, tb.IFLA_OPERSTATE);
  if (f.doLink && tb.IFLA_LINKMODE !== undefined) printLinkmode(ctx, tb.IFLA_LINKMODE);
  if (tb.IFLA_GROUP !== undefined)
    ctx.printString(PRINT_ANY, "group", "group %s ", ctx.names.rtnlGroupN2a(tb.IFLA_GROUP));
  if (f.showqueue) printQueuelen(ctx, tb);

  if (!f.family || f.family === AF_PACKET || ctx.showDetails) {
    ctx.printNl();
    ctx.printString(PRINT_ANY, "link_type", "    link/%s ", llTypeN2a(ifi.type, ctx.numeric > 0));
    if (tb.IFLA_ADDRESS)
      ctx.printString(PRINT_ANY, "address", "%s", llAddrN2a(tb.IFLA_ADDRESS, tb.IFLA_ADDRESS.length, ifi.type), COLOR_MAC);
    if (tb.IFLA_BROADCAST) {
      if (ifi.flags & IFF_POINTOPOINT) {
        ctx.printString(PRINT_FP, null, " peer ", null);
        ctx.printBool(PRINT_JSON, "link_pointtopoint", null, true);
      } else ctx.printString(PRINT_FP, null, " brd ", null);
      ctx.printString(PRINT_ANY, "broadcast", "%s", llAddrN2a(tb.IFLA_BROADCAST, tb.IFLA_BROADCAST.length, ifi.type), COLOR_MAC);
    }
    if (tb.IFLA_PERM_ADDRESS) {
      const p = tb.IFLA_PERM_ADDRESS;
      const a = tb.IFLA_ADDRESS;
      if (!a || a.length !== p.length || a.some((b, i) => b !== p[i])) {
        ctx.printString(PRINT_FP, null, " permaddr ", null);
        ctx.printString(PRINT_ANY, "permaddr", "%s", llAddrN2a(p, p.length, ifi.type));
      }
    }
  }
  if (tb.IFLA_LINK_NETNSID !== undefined) {
    const id = tb.IFLA_LINK_NETNSID;
    if (ctx.isJsonContext()) ctx.printInt(PRINT_JSON, "link_netnsid", null, id);
    else if (id >= 0) {
      const nsName = getNameFromNsid(ctx, id);
      if (nsName !== undefined) ctx.printString(PRINT_FP, null, " link-netns %s", nsName);
      else ctx.printInt(PRINT_FP, null, " link-netnsid %d", id);
    } else ctx.printString(PRINT_FP, null, " link-netnsid %s", "unknown");
  }
  if (tb.IFLA_PROTO_DOWN !== undefined && tb.IFLA_PROTO_DOWN)
    ctx.printBool(PRINT_ANY, "proto_down", " protodown on ", true);

  if (ctx.showDetails) {
    if (tb.IFLA_PROMISCUITY !== undefined)
      ctx.printUint(PRINT_ANY, "promiscuity", " promiscuity %u ", tb.IFLA_PROMISCUITY);
    if (tb.IFLA_ALLMULTI !== undefined) ctx.printUint(PRINT_ANY, "allmulti", " allmulti %u ", tb.IFLA_ALLMULTI);
    if (tb.IFLA_MIN_MTU !== undefined) ctx.printUint(PRINT_ANY, "min_mtu", "minmtu %u ", tb.IFLA_MIN_MTU);
    if (tb.IFLA_MAX_MTU !== undefined) ctx.printUint(PRINT_ANY, "max_mtu", "maxmtu %u ", tb.IFLA_MAX_MTU);
    if (tb.IFLA_LINKINFO) printLinktype(ctx, tb.IFLA_LINKINFO);
    if (f.doLink && tb.IFLA_INET6_ADDR_GEN_MODE !== undefined) printAfSpec(ctx, tb.IFLA_INET6_ADDR_GEN_MODE);
    if (tb.IFLA_NUM_TX_QUEUES !== undefined)
      ctx.printUint(PRINT_ANY, "num_tx_queues", "numtxqueues %u ", tb.IFLA_NUM_TX_QUEUES);
    if (tb.IFLA_NUM_RX_QUEUES !== undefined)
      ctx.printUint(PRINT_ANY, "num_rx_queues", "numrxqueues %u ", tb.IFLA_NUM_RX_QUEUES);
    if (tb.IFLA_GSO_MAX_SIZE !== undefined)
      ctx.printUint(PRINT_ANY, "gso_max_size", "gso_max_size %u ", tb.IFLA_GSO_MAX_SIZE);
    if (tb.IFLA_GSO_MAX_SEGS !== undefined)
      ctx.printUint(PRINT_ANY, "gso_max_segs", "gso_max_segs %u ", tb.IFLA_GSO_MAX_SEGS);
    if (tb.IFLA_TSO_MAX_SIZE !== undefined)
      ctx.printUint(PRINT_ANY, "tso_max_size", "tso_max_size %u ", tb.IFLA_TSO_MAX_SIZE);
    if (tb.IFLA_TSO_MAX_SEGS !== undefined)
      ctx.printUint(PRINT_ANY, "tso_max_segs", "tso_max_segs %u ", tb.IFLA_TSO_MAX_SEGS);
    if (tb.IFLA_GRO_MAX_SIZE !== undefined)
      ctx.printUint(PRINT_ANY, "gro_max_size", "gro_max_size %u ", tb.IFLA_GRO_MAX_SIZE);
  }
  if ((f.doLink || ctx.showDetails) && tb.IFLA_IFALIAS !== undefined) {
    ctx.printString(PRINT_FP, null, "%s    ", ctx.SL);
    ctx.printString(PRINT_ANY, "ifalias", "alias %s", tb.IFLA_IFALIAS);
  }
  if (f.doLink && ctx.showStats) {
    ctx.printNl();
    printLinkStatsInner(ctx, tb);
  }
  if (tb.IFLA_PROP_LIST) {
    ctx.openJsonArray(PRINT_JSON, "altnames");
    for (const alt of tb.IFLA_PROP_LIST) {
      ctx.printString(PRINT_FP, null, "%s    altname ", ctx.SL);
      ctx.printString(PRINT_ANY, null, "%s", alt);
    }
    ctx.closeJsonArray(PRINT_JSON, null);
  }
  ctx.printString(PRINT_FP, null, "%s", "\n");
  return 1;
}

// ------------------------------------------------------------------------------- addresses

/** ip/ipaddress.c: ifa_flag_data[] */
const ifaFlagData: { name: string; mask: number; readonly: boolean; v6only: boolean }[] = [
  { name: "secondary", mask: IFA_F_SECONDARY, readonly: true, v6only: false },
  { name: "temporary", mask: IFA_F_SECONDARY, readonly: true, v6only: false },
  { name: "nodad", mask: IFA_F_NODAD, readonly: false, v6only: true },
  { name: "optimistic", mask: IFA_F_OPTIMISTIC, readonly: false, v6only: true },
  { name: "dadfailed", mask: IFA_F_DADFAILED, readonly: true, v6only: true },
  { name: "home", mask: IFA_F_HOMEADDRESS, readonly: false, v6only: true },
  { name: "deprecated", mask: IFA_F_DEPRECATED, readonly: true, v6only: true },
  { name: "tentative", mask: IFA_F_TENTATIVE, readonly: true, v6only: true },
  { name: "permanent", mask: IFA_F_PERMANENT, readonly: true, v6only: true },
  { name: "mngtmpaddr", mask: IFA_F_MANAGETEMPADDR, readonly: false, v6only: true },
  { name: "noprefixroute", mask: IFA_F_NOPREFIXROUTE, readonly: false, v6only: false },
  { name: "autojoin", mask: IFA_F_MCAUTOJOIN, readonly: false, v6only: false },
  { name: "stable-privacy", mask: IFA_F_STABLE_PRIVACY, readonly: true, v6only: true },
];

/** ip/ipaddress.c: lookup_flag_data_by_name() */
function lookupFlagDataByName(name: string) {
  return ifaFlagData.find((d) => d.name === name);
}

/** ip/ipaddress.c: get_ifa_flags() */
function getIfaFlags(ifa: IfAddrMsg, tb: IfaAttrs): number {
  return tb.IFA_FLAGS !== undefined ? tb.IFA_FLAGS : ifa.flags;
}

/** ip/ipaddress.c: print_ifa_flags() */
function printIfaFlags(ctx: IpCtx, ifa: IfAddrMsg, flagsIn: number): void {
  let flags = flagsIn;
  for (const fd of ifaFlagData) {
    if (fd.mask === IFA_F_PERMANENT) {
      if (!(flags & fd.mask)) ctx.printBool(PRINT_ANY, "dynamic", "dynamic ", true);
    } else if (flags & fd.mask) {
      if (fd.mask === IFA_F_SECONDARY && ifa.family === AF_INET6)
        ctx.printBool(PRINT_ANY, "temporary", "temporary ", true);
      else {
        ctx.printString(PRINT_FP, null, "%s ", fd.name);
        ctx.printBool(PRINT_JSON, fd.name, null, true);
      }
    }
    flags &= ~fd.mask;
  }
  if (flags) {
    if (ctx.isJsonContext()) ctx.printString(PRINT_JSON, "ifa_flags", null, sprintf("%02x", flags));
    else ctx.printf("flags %02x ", flags);
  }
}

/** ip/ipaddress.c: get_filter() */
function getFilter(f: LinkFilter, argIn: string): number {
  let arg = argIn;
  let inv = false;
  if (arg[0] === "-") {
    inv = true;
    arg = arg.slice(1);
  }
  if (arg === "dynamic") {
    inv = !inv;
    arg = "permanent";
  } else if (arg === "primary") {
    inv = !inv;
    arg = "secondary";
  }
  const fd = lookupFlagDataByName(arg);
  if (!fd) return -1;
  if (inv) f.flags &= ~fd.mask;
  else f.flags |= fd.mask;
  f.flagmask |= fd.mask;
  return 0;
}


/** ip/ipaddress.c: ifa_label_match_rta() */
function ifaLabelMatchRta(ctx: IpCtx, f: LinkFilter, ifindex: number, label: string | undefined): number {
  if (!f.label) return 0;
  return fnmatch(f.label, label ?? ctx.ll.llIndexToName(ifindex));
}

function fmtAddr(family: number, a: Uint8Array): string {
  return formatHost(family, a);
}

/** ip/ipaddress.c: print_addrinfo() */
export function printAddrinfo(ctx: IpCtx, n: AddrMsg): number {
  const f = filterOf(ctx);
  const ifa = n.ifa;
  const tb: IfaAttrs = { ...n.attrs };
  if (f.flushing && n.type !== "RTM_NEWADDR") return 0;
  const ifaFlags = getIfaFlags(ifa, tb);
  if (!tb.IFA_LOCAL) tb.IFA_LOCAL = tb.IFA_ADDRESS;
  if (!tb.IFA_ADDRESS) tb.IFA_ADDRESS = tb.IFA_LOCAL;
  if (f.ifindex && f.ifindex !== ifa.index) return 0;
  if ((f.scope ^ ifa.scope) & f.scopemask) return 0;
  if ((f.flags ^ ifaFlags) & f.flagmask) return 0;
  if (f.family && f.family !== ifa.family) return 0;
  if (ifaLabelMatchRta(ctx, f, ifa.index, tb.IFA_LABEL)) return 0;
  if (inetAddrMatchRta(f.pfx, tb.IFA_LOCAL)) return 0;
  if (f.flushing) {
    const r = rtnlTalk(ctx, { type: "RTM_DELADDR", flags: {}, ifa: { ...ifa }, attrs: n.attrs }, true);
    if (r.ret < 0 && r.errno !== "EADDRNOTAVAIL") {
      ctx.err("Failed to send flush request: %s\n", "Operation not permitted");
      return -1;
    }
    f.flushed++;
    if (ctx.showStats < 2) return 0;
  }
  if (n.type === "RTM_DELADDR") ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  if (!ctx.brief) {
    if (f.oneline || f.flushing || ctx.echoRequest) {
      const dev = ctx.ll.llIndexToName(ifa.index);
      if (ctx.isJsonContext()) {
        ctx.printInt(PRINT_JSON, "index", null, ifa.index);
        ctx.printString(PRINT_JSON, "dev", null, dev);
      } else ctx.printf("%u: %s", ifa.index, dev);
    }
    const name = familyName(ifa.family);
    if (name[0] !== "?") ctx.printString(PRINT_ANY, "family", "    %s ", name);
    else ctx.printInt(PRINT_ANY, "family_index", "    family %d ", ifa.family);
  }
  if (tb.IFA_LOCAL) {
    ctx.printString(PRINT_ANY, "local", "%s", fmtAddr(ifa.family, tb.IFA_LOCAL), ifaFamilyColor(ifa.family));
    const len = ifa.family === AF_INET ? 4 : 16;
    if (tb.IFA_ADDRESS && tb.IFA_ADDRESS.slice(0, len).some((b, i) => b !== tb.IFA_LOCAL![i])) {
      ctx.printString(PRINT_FP, null, " %s ", "peer");
      ctx.printString(PRINT_ANY, "address", "%s", fmtAddr(ifa.family, tb.IFA_ADDRESS), ifaFamilyColor(ifa.family));
    }
    ctx.printInt(PRINT_ANY, "prefixlen", "/%d ", ifa.prefixlen);
    if (tb.IFA_RT_PRIORITY !== undefined) ctx.printUint(PRINT_ANY, "metric", "metric %u ", tb.IFA_RT_PRIORITY);
  }
  if (ctx.brief) return 0;
  if (tb.IFA_BROADCAST) {
    ctx.printString(PRINT_FP, null, "%s ", "brd");
    ctx.printString(PRINT_ANY, "broadcast", "%s ", fmtAddr(ifa.family, tb.IFA_BROADCAST), ifaFamilyColor(ifa.family));
  }
  ctx.printString(PRINT_ANY, "scope", "scope %s ", ctx.names.rtnlRtscopeN2a(ifa.scope));
  printIfaFlags(ctx, ifa, ifaFlags);
  if (tb.IFA_LABEL !== undefined) ctx.printString(PRINT_ANY, "label", "%s", tb.IFA_LABEL);
  if (tb.IFA_CACHEINFO) {
    const ci = tb.IFA_CACHEINFO;
    ctx.printNl();
    ctx.printString(PRINT_FP, null, "       valid_lft ", null);
    if (ci.ifa_valid === INFINITY_LIFE_TIME) {
      ctx.printUint(PRINT_JSON, "valid_life_time", null, INFINITY_LIFE_TIME);
      ctx.printString(PRINT_FP, null, "%s", "forever");
    } else ctx.printUint(PRINT_ANY, "valid_life_time", "%usec", ci.ifa_valid);
    ctx.printString(PRINT_FP, null, " preferred_lft ", null);
    if (ci.ifa_prefered === INFINITY_LIFE_TIME) {
      ctx.printUint(PRINT_JSON, "preferred_life_time", null, INFINITY_LIFE_TIME);
      ctx.printString(PRINT_FP, null, "%s", "forever");
    } else if (ifaFlags & IFA_F_DEPRECATED) {
      ctx.printInt(PRINT_ANY, "preferred_life_time", "%dsec", ci.ifa_prefered | 0);
    } else ctx.printUint(PRINT_ANY, "preferred_life_time", "%usec", ci.ifa_prefered);
  }
  ctx.printString(PRINT_FP, null, "%s", "\n");
  return 0;
}

/** ip/ipaddress.c: print_selected_addrinfo() */
function printSelectedAddrinfo(ctx: IpCtx, ifi: LinkMsg["ifi"], ainfo: AddrMsg[]): void {
  const f = filterOf(ctx);
  ctx.openJsonArray(PRINT_JSON, "addr_info");
  for (const n of ainfo) {
    if (n.type !== "RTM_NEWADDR") continue;
    if (n.ifa.index !== ifi.index || (f.family && f.family !== n.ifa.family)) continue;
    if (f.up && !(ifi.flags & IFF_UP)) continue;
    ctx.openJsonObject(null);
    printAddrinfo(ctx, n);
    ctx.closeJsonObject();
  }
  ctx.closeJsonArray(PRINT_JSON, null);
  if (ctx.brief) ctx.printString(PRINT_FP, null, "%s", "\n");
}

/** ip/ipaddress.c: ipaddr_filter() */
function ipaddrFilter(ctx: IpCtx, linfo: LinkMsg[], ainfo: AddrMsg[]): LinkMsg[] {
  const f = filterOf(ctx);
  return linfo.filter((l) => {
    let ok = false;
    let missingNetAddress = true;
    for (const a of ainfo) {
      if (a.ifa.index !== l.ifi.index) continue;
      missingNetAddress = false;
      if (f.family && f.family !== a.ifa.family) continue;
      if ((f.scope ^ a.ifa.scope) & f.scopemask) continue;
      const flags = getIfaFlags(a.ifa, a.attrs);
      if ((f.flags ^ flags) & f.flagmask) continue;
      if (ifaLabelMatchRta(ctx, f, a.ifa.index, a.attrs.IFA_LABEL)) continue;
      const local = a.attrs.IFA_LOCAL ?? a.attrs.IFA_ADDRESS;
      if (inetAddrMatchRta(f.pfx, local)) continue;
      ok = true;
      break;
    }
    if (missingNetAddress && (f.family === AF_UNSPEC || f.family === AF_PACKET)) ok = true;
    return ok;
  });
}

function addrDump(ctx: IpCtx, family: number, ifindex: number): AddrMsg[] {
  return ctx.rtnl.dump({
    type: "RTM_GETADDR",
    flags: {},
    ifa: { family, prefixlen: 0, flags: 0, scope: 0, index: ifindex },
    attrs: {},
  }) as AddrMsg[];
}

/** ip/ipaddress.c: ipaddr_flush() */
function ipaddrFlush(ctx: IpCtx): number {
  const f = filterOf(ctx);
  let round = 0;
  f.flushing = true;
  while (ctx.maxFlushLoops === 0 || round < ctx.maxFlushLoops) {
    f.flushed = 0;
    for (const n of addrDump(ctx, f.family, f.ifindex)) {
      if (printAddrinfo(ctx, n) < 0) {
        ctx.err("Flush terminated\n");
        ctx.exit(1);
      }
    }
    if (f.flushed === 0) {
      if (ctx.showStats) {
        if (round === 0) ctx.printf("Nothing to flush.\n");
        else ctx.printf("*** Flush is complete after %d round%s ***\n", round, round > 1 ? "s" : "");
      }
      return 0;
    }
    round++;
    if (ctx.showStats) ctx.printf("\n*** Round %d, deleting %d addresses ***\n", round, f.flushed);
    if (!(f.flags & IFA_F_SECONDARY) && f.flagmask & IFA_F_SECONDARY) {
      if (ctx.showStats) ctx.printf("*** Flush is complete after %d round%s ***\n", round, round > 1 ? "s" : "");
      return 0;
    }
  }
  ctx.err("*** Flush remains incomplete after %d rounds. ***\n", ctx.maxFlushLoops);
  return 1;
}

/** ip/iplink.c: iplink_get() */
export function iplinkGet(ctx: IpCtx, name: string | undefined): number {
  const attrs: IflaAttrs = {};
  if (name !== undefined) attrs.IFLA_IFNAME = name;
  const r = rtnlTalk(ctx, {
    type: "RTM_GETLINK",
    flags: {},
    ifi: { family: ctx.preferredFamily, type: 0, index: 0, flags: 0, change: 0 },
    attrs,
  });
  if (r.ret < 0 || !r.answer) return -2;
  ctx.openJsonObject(null);
  printLinkinfo(ctx, r.answer);
  ctx.closeJsonObject();
  return 0;
}

export const IPADD_LIST = 0;
export const IPADD_FLUSH = 1;
export const IPADD_SAVE = 2;

/** ip/ipaddress.c: ipaddr_list_flush_or_save() */
export function ipaddrListFlushOrSave(ctx: IpCtx, argvIn: string[], action: number): number {
  const f = ipaddrResetFilter(ctx, ctx.oneline, 0);
  let argv = argvIn;
  let filterDev: string | undefined;
  let noLink = false;
  f.showqueue = 1;
  f.family = ctx.preferredFamily;
  if (action === IPADD_FLUSH) {
    if (argv.length <= 0) {
      ctx.err("Flush requires arguments.\n");
      return -1;
    }
    if (f.family === AF_PACKET) {
      ctx.err("Cannot flush link addresses.\n");
      return -1;
    }
  }
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  while (argv.length > 0) {
    const a = argv[0]!;
    if (a === "to") {
      const v = next();
      getPrefix(ctx, v, f.family, f.pfx);
      if (f.family === AF_UNSPEC) f.family = f.pfx.family;
    } else if (a === "scope") {
      const v = next();
      f.scopemask = -1;
      let scope = ctx.names.rtnlRtscopeA2n(v);
      if (scope === undefined) {
        if (v !== "all") invarg(ctx, 'invalid "scope"\n', v);
        scope = RT_SCOPE_NOWHERE;
        f.scopemask = 0;
      }
      f.scope = scope;
    } else if (a === "up") f.up = 1;
    else if (getFilter(f, a) === 0) {
      /* flag filter */
    } else if (a === "label") f.label = next();
    else if (a === "group") {
      const v = next();
      const g = ctx.names.rtnlGroupA2n(v);
      if (g === undefined) invarg(ctx, 'Invalid "group" value\n', v);
      f.group = g;
    } else if (a === "master") {
      const v = next();
      const ifindex = ctx.ll.llNameToIndex(v);
      if (!ifindex) invarg(ctx, "Device does not exist\n", v);
      f.master = ifindex;
    } else if (a === "vrf") {
      const v = next();
      invarg(ctx, "Not a valid VRF name\n", v);
    } else if (a === "nomaster") f.master = -1;
    else if (a === "type") {
      const v = next();
      if (v.endsWith("_slave") && v.length >= "_slave".length) f.slaveKind = v.slice(0, -"_slave".length);
      else f.kind = v;
    } else {
      let d = a;
      if (a === "dev") d = next();
      else if (!matches(a, "help")) usage(ctx);
      if (filterDev !== undefined) duparg2(ctx, "dev", d);
      filterDev = d;
    }
    argv = argv.slice(1);
  }
  if (filterDev !== undefined) {
    f.ifindex = ctx.ll.llNameToIndex(filterDev);
    if (f.ifindex <= 0) {
      ctx.err('Device "%s" does not exist.\n', filterDev);
      return -1;
    }
  }
  if (action === IPADD_FLUSH) return ipaddrFlush(ctx);
  if (action === IPADD_SAVE) {
    if (ctx.p.isatty) {
      ctx.err("Not sending a binary stream to stdout\n");
      ctx.exit(1);
    }
    ctx.err("ip address save: not supported by this emulator\n");
    ctx.exit(1);
  }
  ctx.newJsonObj(ctx.json);
  if (filterDev !== undefined && f.group === -1 && f.doLink === 1) {
    if (iplinkGet(ctx, filterDev) < 0) {
      ctx.err("Cannot send link get request: %s\n", "No such device");
      ctx.deleteJsonObj();
      ctx.exit(1);
    }
    ctx.deleteJsonObj();
    return 0;
  }
  let linfo: LinkMsg[];
  if (f.ifindex) {
    const r = rtnlTalk(ctx, {
      type: "RTM_GETLINK",
      flags: {},
      ifi: { family: f.family, type: 0, index: f.ifindex, flags: 0, change: 0 },
      attrs: {},
    });
    if (r.ret < 0 || !r.answer) {
      ctx.err("Cannot send link request: %s\n", "No such device");
      ctx.deleteJsonObj();
      return 0;
    }
    linfo = [r.answer as LinkMsg];
  } else {
    const req: LinkMsg = {
      type: "RTM_GETLINK",
      flags: {},
      ifi: { family: ctx.preferredFamily, type: 0, index: 0, flags: 0, change: 0 },
      attrs: {},
    };
    if (f.master > 0) req.attrs.IFLA_MASTER = f.master;
    if (f.kind !== undefined) req.attrs.IFLA_LINKINFO = { IFLA_INFO_KIND: f.kind };
    linfo = ctx.rtnl.dump(req) as LinkMsg[];
  }
  for (const l of linfo) ctx.ll.llRememberIndex(l);
  let ainfo: AddrMsg[] = [];
  if (f.family !== AF_PACKET) {
    if (f.oneline) noLink = true;
    ainfo = addrDump(ctx, f.family, f.ifindex);
    linfo = ipaddrFilter(ctx, linfo, ainfo);
  }
  for (const n of linfo) {
    ctx.openJsonObject(null);
    let res = 0;
    if (ctx.brief || !noLink) res = printLinkinfo(ctx, n);
    if (res >= 0 && f.family !== AF_PACKET) printSelectedAddrinfo(ctx, n.ifi, ainfo);
    if (res > 0 && !f.doLink && ctx.showStats) printLinkStats(ctx, n);
    ctx.closeJsonObject();
  }
  ctx.deleteJsonObj();
  return 0;
}

/** ip/ipaddress.c: ipaddr_list_link() */
export function ipaddrListLink(ctx: IpCtx, argv: string[]): number {
  ctx.preferredFamily = AF_PACKET;
  ipaddrResetFilter(ctx, 0, 0).doLink = 1;
  return ipaddrListFlushOrSave(ctx, argv, IPADD_LIST);
}

/** ip/ipaddress.c: default_scope() */
function defaultScope(lcl: InetPrefix): number {
  if (lcl.family === AF_INET && lcl.bytelen >= 1 && lcl.data[0] === 127) return RT_SCOPE_HOST;
  return 0;
}

/** ip/ipaddress.c: set_lifetime() */
function setLifetime(arg: string): number | undefined {
  if (arg === "forever") return INFINITY_LIFE_TIME;
  return getU32(arg, 0);
}

/** ip/ipaddress.c: ipaddr_modify() */
function ipaddrModify(ctx: IpCtx, cmd: "RTM_NEWADDR" | "RTM_DELADDR", flags: AddrMsg["flags"], argvIn: string[]): number {
  const req: AddrMsg = {
    type: cmd,
    flags,
    ifa: { family: ctx.preferredFamily, prefixlen: 0, flags: 0, scope: 0, index: 0 },
    attrs: {},
  };
  let argv = argvIn;
  let d: string | undefined;
  let lclArg: string | undefined;
  let validLftp: string | undefined;
  let preferredLftp: string | undefined;
  let lcl = newPrefix();
  let peer = newPrefix();
  let localLen = 0;
  let peerLen = 0;
  let brdLen = 0;
  let anyLen = 0;
  let scoped = false;
  let preferredLft = INFINITY_LIFE_TIME;
  let validLft = INFINITY_LIFE_TIME;
  let ifaFlags = 0;
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  while (argv.length > 0) {
    const a = argv[0]!;
    if (a === "peer" || a === "remote") {
      const v = next();
      if (peerLen) duparg(ctx, "peer", v);
      peer = getPrefix(ctx, v, req.ifa.family);
      peerLen = peer.bytelen;
      if (req.ifa.family === AF_UNSPEC) req.ifa.family = peer.family;
      req.attrs.IFA_ADDRESS = prefixBytes(peer);
      req.ifa.prefixlen = peer.bitlen;
    } else if (!matches(a, "broadcast") || a === "brd") {
      const v = next();
      if (brdLen) duparg(ctx, "broadcast", v);
      if (v === "+") brdLen = -1;
      else if (v === "-") brdLen = -2;
      else {
        const addr = getAddr(ctx, v, req.ifa.family);
        if (req.ifa.family === AF_UNSPEC) req.ifa.family = addr.family;
        req.attrs.IFA_BROADCAST = prefixBytes(addr);
        brdLen = addr.bytelen;
      }
    } else if (a === "anycast") {
      const v = next();
      if (anyLen) duparg(ctx, "anycast", v);
      const addr = getAddr(ctx, v, req.ifa.family);
      if (req.ifa.family === AF_UNSPEC) req.ifa.family = addr.family;
      anyLen = addr.bytelen;
    } else if (a === "scope") {
      const v = next();
      const scope = ctx.names.rtnlRtscopeA2n(v);
      if (scope === undefined) invarg(ctx, "invalid scope value.", v);
      req.ifa.scope = scope;
      scoped = true;
    } else if (a === "dev") {
      d = next();
    } else if (a === "label") {
      req.attrs.IFA_LABEL = next();
    } else if (!matches(a, "metric") || !matches(a, "priority") || !matches(a, "preference")) {
      const v = next();
      const metric = getU32(v, 0);
      if (metric === undefined) invarg(ctx, '"metric" value is invalid\n', v);
      req.attrs.IFA_RT_PRIORITY = metric;
    } else if (!matches(a, "valid_lft")) {
      if (validLftp !== undefined) duparg(ctx, "valid_lft", a);
      const v = next();
      validLftp = v;
      const lt = setLifetime(v);
      if (lt === undefined) invarg(ctx, "valid_lft value", v);
      validLft = lt;
    } else if (!matches(a, "preferred_lft")) {
      if (preferredLftp !== undefined) duparg(ctx, "preferred_lft", a);
      const v = next();
      preferredLftp = v;
      const lt = setLifetime(v);
      if (lt === undefined) invarg(ctx, "preferred_lft value", v);
      preferredLft = lt;
    } else if (lookupFlagDataByName(a)) {
      const fd = lookupFlagDataByName(a)!;
      if (fd.readonly) ctx.err("Warning: %s option is not mutable from userspace\n", fd.name);
      else if (fd.v6only && req.ifa.family !== AF_INET6)
        ctx.err("Warning: %s option can be set only for IPv6 addresses\n", fd.name);
      else ifaFlags |= fd.mask;
    } else {
      let v = a;
      if (a === "local") v = next();
      if (!matches(v, "help")) usage(ctx);
      if (localLen) duparg2(ctx, "local", v);
      lclArg = v;
      lcl = getPrefix(ctx, v, req.ifa.family);
      if (req.ifa.family === AF_UNSPEC) req.ifa.family = lcl.family;
      req.attrs.IFA_LOCAL = prefixBytes(lcl);
      localLen = lcl.bytelen;
    }
    argv = argv.slice(1);
  }
  if (ifaFlags <= 0xff) req.ifa.flags = ifaFlags;
  else req.attrs.IFA_FLAGS = ifaFlags;
  if (d === undefined) {
    ctx.err('Not enough information: "dev" argument is required.\n');
    return -1;
  }
  if (peerLen === 0 && localLen) {
    if (cmd === "RTM_DELADDR" && lcl.family === AF_INET && !(lcl.flags & PREFIXLEN_SPECIFIED)) {
      ctx.err(
        "Warning: Executing wildcard deletion to stay compatible with old scripts.\n" +
          "         Explicitly specify the prefix length (%s/%d) to avoid this warning.\n" +
          "         This special behaviour is likely to disappear in further releases,\n" +
          "         fix your scripts!\n",
        lclArg, localLen * 8,
      );
    } else {
      peer = lcl;
      req.attrs.IFA_ADDRESS = prefixBytes(lcl);
    }
  }
  if (req.ifa.prefixlen === 0) req.ifa.prefixlen = lcl.bitlen;
  if (brdLen < 0 && cmd !== "RTM_DELADDR") {
    if (req.ifa.family !== AF_INET) {
      ctx.err("Broadcast can be set only for IPv4 addresses\n");
      return -1;
    }
    const brd = Uint8Array.from(peer.data.slice(0, 4));
    if (peer.bitlen <= 30) {
      let v = ((brd[0]! << 24) | (brd[1]! << 16) | (brd[2]! << 8) | brd[3]!) >>> 0;
      for (let i = 31; i >= peer.bitlen; i--) {
        if (brdLen === -1) v = (v | (1 << (31 - i))) >>> 0;
        else v = (v & ~(1 << (31 - i))) >>> 0;
      }
      req.attrs.IFA_BROADCAST = Uint8Array.from([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
      brdLen = 4;
    }
  }
  if (!scoped && cmd !== "RTM_DELADDR") req.ifa.scope = defaultScope(lcl);
  req.ifa.index = ctx.ll.llNameToIndex(d);
  if (!req.ifa.index) return nodev(ctx, d);
  if (validLftp !== undefined || preferredLftp !== undefined) {
    if (!validLft) {
      ctx.err("valid_lft is zero\n");
      return -1;
    }
    if (validLft < preferredLft) {
      ctx.err("preferred_lft is greater than valid_lft\n");
      return -1;
    }
    req.attrs.IFA_CACHEINFO = { ifa_prefered: preferredLft, ifa_valid: validLft, cstamp: 0, tstamp: 0 };
  }
  if (ifaFlags & IFA_F_MCAUTOJOIN) {
    const multi = lcl.family === AF_INET ? (lcl.data[0]! & 0xf0) === 0xe0 : lcl.family === AF_INET6 && lcl.data[0] === 0xff;
    if (!multi) {
      ctx.err("autojoin needs multicast address\n");
      return -1;
    }
  }
  if (rtnlTalk(ctx, req).ret) return -2;
  return 0;
}

/** ip/ipaddress.c: do_ipaddr() */
export function doIpaddr(ctx: IpCtx, argv: string[]): number {
  if (argv.length < 1) return ipaddrListFlushOrSave(ctx, [], IPADD_LIST);
  const a = argv[0]!;
  const rest = argv.slice(1);
  if (!matches(a, "add")) return ipaddrModify(ctx, "RTM_NEWADDR", { create: true, excl: true }, rest);
  if (!matches(a, "change") || a === "chg") return ipaddrModify(ctx, "RTM_NEWADDR", { replace: true }, rest);
  if (!matches(a, "replace")) return ipaddrModify(ctx, "RTM_NEWADDR", { create: true, replace: true }, rest);
  if (!matches(a, "delete")) return ipaddrModify(ctx, "RTM_DELADDR", {}, rest);
  if (!matches(a, "list") || !matches(a, "show") || !matches(a, "lst"))
    return ipaddrListFlushOrSave(ctx, rest, IPADD_LIST);
  if (!matches(a, "flush")) return ipaddrListFlushOrSave(ctx, rest, IPADD_FLUSH);
  if (!matches(a, "save")) return ipaddrListFlushOrSave(ctx, rest, IPADD_SAVE);
  if (!matches(a, "showdump") || !matches(a, "restore")) {
    if (ctx.p.isatty) ctx.err("Can't restore address dump from a terminal\n");
    else ctx.err("Magic mismatch (0 elems, 0 magic)\n");
    return ctx.exit(-1);
  }
  if (!matches(a, "help")) usage(ctx);
  ctx.err('Command "%s" is unknown, try "ip address help".\n', a);
  return ctx.exit(-1);
}

export type { InfoData };
