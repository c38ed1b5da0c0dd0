/**
 * ip/ipmonitor.c (iproute2 6.1.0): `ip monitor` — a NETLINK_ROUTE socket bound to the groups of
 * the objects asked for (all of them by default), each notification printed as it arrives by
 * the printer `ip OBJECT show` uses (print_linkinfo, print_addrinfo, print_route, print_neigh,
 * print_rule, print_netconf), after print_headers()'s timestamp, `[nsid N]` and `[LABEL]`.
 * Like the real one it runs until a signal ends it.
 */
import { rtnlMonitorOpen } from "../lib/libnetlink.ts";
import { waitReadable } from "../lib/unistd.ts";
import type { IpCtx } from "../lib/context.ts";
import {
  AF_INET, AF_INET6, RTM_F_CLONED, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_MROUTE, RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV4_ROUTE,
  RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_MROUTE, RTNLGRP_IPV6_NETCONF, RTNLGRP_IPV6_PREFIX,
  RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV6_RULE, RTNLGRP_LINK, RTNLGRP_MPLS_NETCONF, RTNLGRP_MPLS_ROUTE, RTNLGRP_NEIGH,
  RTNLGRP_NEXTHOP, RTNLGRP_NSID, RTNLGRP_STATS, type LinkMsg, type NetconfMsg, type RtnlEvent,
} from "../../kernel/uapi/rtnetlink.ts";
import { PRINT_FP } from "../lib/json_print.ts";
import { AF_MPLS, incompleteCommand, invarg, matches, printTimestamp } from "../lib/utils.ts";
import { ipaddrResetFilter, printAddrinfo, printLinkinfo } from "./ipaddress.ts";
import { iprouteResetFilterFor, printRoute } from "./iproute.ts";
import { ipneighResetFilter, printNeigh } from "./ipneigh.ts";
import { printRule } from "./iprule.ts";
import { printNetconf } from "./ipnetconf.ts";

const IPMON_LLINK = 1 << 0;
const IPMON_LADDR = 1 << 1;
const IPMON_LROUTE = 1 << 2;
const IPMON_LMROUTE = 1 << 3;
const IPMON_LPREFIX = 1 << 4;
const IPMON_LNEIGH = 1 << 5;
const IPMON_LNETCONF = 1 << 6;
const IPMON_LSTATS = 1 << 7;
const IPMON_LRULE = 1 << 8;
const IPMON_LNSID = 1 << 9;
const IPMON_LNEXTHOP = 1 << 10;
const IPMON_L_ALL = ~0;

/** usage() */
function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip monitor [ all | OBJECTS ] [ FILE ] [ label ] [ all-nsid ]\n" +
      "                  [ dev DEVICE ]\n" +
      "OBJECTS :=  address | link | mroute | neigh | netconf |\n" +
      "            nexthop | nsid | prefix | route | rule | stats\n" +
      "FILE := file FILENAME\n",
  );
  return ctx.exit(-1);
}

interface MonState {
  prefixBanner: boolean;
  listenAllNsid: boolean;
}

/** print_headers() */
function printHeaders(ctx: IpCtx, st: MonState, label: string, ev: RtnlEvent): void {
  if (ctx.timestamp) printTimestamp(ctx, ctx.timestampShort);
  if (st.listenAllNsid) ctx.printString(PRINT_FP, null, "%s", ev.nsid < 0 ? "[nsid current]" : `[nsid ${ev.nsid}]`);
  if (st.prefixBanner) ctx.printString(PRINT_FP, null, "%s", label);
}

/** lib/ll_map.c: ll_remember_index() as 6.1 has it: a NEWLINK for an index the cache knows
 * updates only its flags (ll_entry_update() rehashes the new name but keeps the old string), so
 * a long-running monitor keeps calling a device by the name it first saw at that index */
function llRememberIndex(ctx: IpCtx, n: LinkMsg): void {
  const oldType = n.type === "RTM_NEWLINK" ? ctx.ll.llIndexToType(n.ifi.index) : -1;
  if (oldType === -1 || n.attrs.IFLA_IFNAME === undefined) {
    ctx.ll.llRememberIndex(n);
    return;
  }
  const oldName = ctx.ll.llIndexToName(n.ifi.index);
  ctx.ll.llRememberIndex({ ...n, ifi: { ...n.ifi, type: oldType }, attrs: { ...n.attrs, IFLA_IFNAME: oldName } });
}

/** accept_msg() */
function acceptMsg(ctx: IpCtx, st: MonState, ev: RtnlEvent): void {
  const n = ev.msg;
  switch (n.type) {
    case "RTM_NEWROUTE":
    case "RTM_DELROUTE":
      if (n.rtm.flags & RTM_F_CLONED) return;
      printHeaders(ctx, st, "[ROUTE]", ev);
      printRoute(ctx, n);
      return;
    case "RTM_NEWLINK":
    case "RTM_DELLINK":
      llRememberIndex(ctx, n);
      printHeaders(ctx, st, "[LINK]", ev);
      printLinkinfo(ctx, n);
      return;
    case "RTM_NEWADDR":
    case "RTM_DELADDR":
      printHeaders(ctx, st, "[ADDR]", ev);
      printAddrinfo(ctx, n);
      return;
    case "RTM_NEWNEIGH":
    case "RTM_DELNEIGH":
    case "RTM_GETNEIGH":
      if (ctx.preferredFamily && n.ndm.family !== ctx.preferredFamily) return;
      printHeaders(ctx, st, "[NEIGH]", ev);
      printNeigh(ctx, n);
      return;
    case "RTM_NEWRULE":
    case "RTM_DELRULE":
      printHeaders(ctx, st, "[RULE]", ev);
      printRule(ctx, n);
      return;
    case "RTM_NEWNETCONF":
    case "RTM_DELNETCONF":
      printHeaders(ctx, st, "[NETCONF]", ev);
      printNetconf(ctx, n as NetconfMsg, { family: 0, ifindex: 0 });
      return;
    default:
      return;
  }
}

/** do_ipmonitor() */
export async function doIpmonitor(ctx: IpCtx, argv: string[]): Promise<number> {
  let lmask = 0;
  let file: string | undefined;
  let ifindex = 0;
  const st: MonState = { prefixBanner: false, listenAllNsid: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!matches(a, "file")) {
      if (++i >= argv.length) incompleteCommand(ctx);
      file = argv[i]!;
    } else if (!matches(a, "label")) st.prefixBanner = true;
    else if (!matches(a, "link")) lmask |= IPMON_LLINK;
    else if (!matches(a, "address")) lmask |= IPMON_LADDR;
    else if (!matches(a, "route")) lmask |= IPMON_LROUTE;
    else if (!matches(a, "mroute")) lmask |= IPMON_LMROUTE;
    else if (!matches(a, "prefix")) lmask |= IPMON_LPREFIX;
    else if (!matches(a, "neigh")) lmask |= IPMON_LNEIGH;
    else if (!matches(a, "netconf")) lmask |= IPMON_LNETCONF;
    else if (!matches(a, "rule")) lmask |= IPMON_LRULE;
    else if (!matches(a, "nsid")) lmask |= IPMON_LNSID;
    else if (!matches(a, "nexthop")) lmask |= IPMON_LNEXTHOP;
    else if (a === "stats") lmask |= IPMON_LSTATS;
    else if (a === "all") st.prefixBanner = true;
    else if (!matches(a, "all-nsid")) st.listenAllNsid = true;
    else if (!matches(a, "help")) usage(ctx);
    else if (a === "dev") {
      if (++i >= argv.length) incompleteCommand(ctx);
      ifindex = ctx.ll.llNameToIndex(argv[i]!);
      if (!ifindex) invarg(ctx, "Device does not exist\n", argv[i]!);
    } else {
      ctx.err('Argument "%s" is unknown, try "ip monitor help".\n', a);
      ctx.exit(-1);
    }
  }

  ipaddrResetFilter(ctx, 1, ifindex);
  iprouteResetFilterFor(ctx, ifindex);
  ipneighResetFilter(ctx, ifindex);

  if (!lmask) lmask = IPMON_L_ALL;
  const pf = ctx.preferredFamily;
  const groups: number[] = [];
  if (lmask & IPMON_LLINK) groups.push(RTNLGRP_LINK);
  if (lmask & IPMON_LADDR) {
    if (!pf || pf === AF_INET) groups.push(RTNLGRP_IPV4_IFADDR);
    if (!pf || pf === AF_INET6) groups.push(RTNLGRP_IPV6_IFADDR);
  }
  if (lmask & IPMON_LROUTE) {
    if (!pf || pf === AF_INET) groups.push(RTNLGRP_IPV4_ROUTE);
    if (!pf || pf === AF_INET6) groups.push(RTNLGRP_IPV6_ROUTE);
    if (!pf || pf === AF_MPLS) groups.push(RTNLGRP_MPLS_ROUTE);
  }
  if (lmask & IPMON_LMROUTE) {
    if (!pf || pf === AF_INET) groups.push(RTNLGRP_IPV4_MROUTE);
    if (!pf || pf === AF_INET6) groups.push(RTNLGRP_IPV6_MROUTE);
  }
  if (lmask & IPMON_LPREFIX && (!pf || pf === AF_INET6)) groups.push(RTNLGRP_IPV6_PREFIX);
  if (lmask & IPMON_LNEIGH) groups.push(RTNLGRP_NEIGH);
  if (lmask & IPMON_LNETCONF) {
    if (!pf || pf === AF_INET) groups.push(RTNLGRP_IPV4_NETCONF);
    if (!pf || pf === AF_INET6) groups.push(RTNLGRP_IPV6_NETCONF);
    if (!pf || pf === AF_MPLS) groups.push(RTNLGRP_MPLS_NETCONF);
  }
  if (lmask & IPMON_LRULE) {
    if (!pf || pf === AF_INET) groups.push(RTNLGRP_IPV4_RULE);
    if (!pf || pf === AF_INET6) groups.push(RTNLGRP_IPV6_RULE);
  }
  if (lmask & IPMON_LNSID) groups.push(RTNLGRP_NSID);

  const l = await rtnlMonitorOpen(ctx, "ip monitor", file, groups);
  if (typeof l === "number") return l;
  if (lmask & IPMON_LNEXTHOP) l.addGroup(RTNLGRP_NEXTHOP);
  if (lmask & IPMON_LSTATS) l.addGroup(RTNLGRP_STATS);
  if (st.listenAllNsid) l.listenAllNsid();
  ctx.ll.llInitMap();

  const p = ctx.p;
  try {
    // rtnl_listen(): each message printed and flushed as it comes, until a signal ends it
    for (;;) {
      for (let ev = l.read(); ev; ev = l.read()) {
        acceptMsg(ctx, st, ev);
        ctx.flush();
      }
      if (p.signal.aborted) break;
      await waitReadable(p, l);
    }
  } finally {
    l.close();
  }
  return 0;
}
