/**
 * ip/ipmroute.c (iproute2 6.1): `ip mroute show|list [ [to] PREFIX ] [from PREFIX] [iif DEV]
 * [table ID]` — an RTM_GETROUTE dump of family RTNL_FAMILY_IPMR (RTNL_FAMILY_IP6MR with -6),
 * printed as the kernel's multicast forwarding cache.
 *
 * The target kernel is built without CONFIG_IP_MROUTE/CONFIG_IPV6_MROUTE: no handler is
 * registered for those families, so rtnetlink_rcv_msg() falls back to PF_UNSPEC's
 * rtnl_dump_all(), which dumps the unicast FIBs (with the RTA_TABLE filter, a table only one
 * family has is skipped silently). The first unicast route ends the dump with "Non multicast
 * route received"; an IPv4 dump asks for table "default" (253), which usually does not exist,
 * so `ip mroute show` prints nothing.
 */
import type { IpCtx } from "../lib/context.ts";
import {
  AF_INET, AF_INET6, AF_UNSPEC, RTN_MULTICAST, RTNH_F_OFFLOAD, RTNH_F_UNRESOLVED, RT_TABLE_DEFAULT, RT_TABLE_MAIN,
  type RouteMsg,
} from "../../kernel/uapi/rtnetlink.ts";
import { COLOR_IFNAME, PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import { getPrefix, incompleteCommand, inetAddrMatchRta, invarg, matches, newPrefix, nodev, rtAddrN2a, type InetPrefix } from "../lib/utils.ts";
import { rtnlDumpFilter } from "../lib/libnetlink.ts";

/** include/uapi/linux/rtnetlink.h */
export const RTNL_FAMILY_IPMR = 128;
export const RTNL_FAMILY_IP6MR = 129;

/** ip/ipmroute.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip mroute show [ [ to ] PREFIX ] [ from PREFIX ] [ iif DEVICE ]\n" +
      "                      [ table TABLE_ID ]\n" +
      "TABLE_ID := [ local | main | default | all | NUMBER ]\n",
  );
  return ctx.exit(-1);
}

interface MrouteFilter {
  tb: number;
  af: number;
  iif: number;
  mdst: InetPrefix;
  msrc: InetPrefix;
}

/** ipmroute_reset_filter() */
function ipmrouteResetFilter(ifindex: number): MrouteFilter {
  const f: MrouteFilter = { tb: 0, af: 0, iif: ifindex, mdst: newPrefix(), msrc: newPrefix() };
  f.mdst.bitlen = -1;
  f.msrc.bitlen = -1;
  return f;
}

/** ip/ip_common.h: get_real_family() */
function getRealFamily(rtmType: number, rtmFamily: number): number {
  if (rtmType !== RTN_MULTICAST) return rtmFamily;
  if (rtmFamily === RTNL_FAMILY_IPMR) return AF_INET;
  if (rtmFamily === RTNL_FAMILY_IP6MR) return AF_INET6;
  return rtmFamily;
}

/** print_mroute(): -1 ends the dump */
function printMroute(ctx: IpCtx, f: MrouteFilter, n: RouteMsg): number {
  if (n.type !== "RTM_NEWROUTE" && n.type !== "RTM_DELROUTE") return 0;
  const r = n.rtm;
  const tb = n.attrs;
  if (r.type !== RTN_MULTICAST) {
    ctx.err("Non multicast route received, kernel does support IP multicast?\n");
    return -1;
  }
  const table = tb.RTA_TABLE ?? r.table;
  if (f.tb > 0 && f.tb !== table) return 0;
  const iif = tb.RTA_IIF ?? 0;
  if (f.iif && f.iif !== iif) return 0;
  if (f.af && f.af !== r.family) return 0;
  if (inetAddrMatchRta(f.mdst, tb.RTA_DST)) return 0;
  if (inetAddrMatchRta(f.msrc, tb.RTA_SRC)) return 0;
  const family = getRealFamily(r.type, r.family);

  ctx.openJsonObject(null);
  if (n.type === "RTM_DELROUTE") ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  const src = tb.RTA_SRC ? rtAddrN2a(family, tb.RTA_SRC) : "unknown";
  const dst = tb.RTA_DST ? rtAddrN2a(family, tb.RTA_DST) : "unknown";
  if (ctx.isJsonContext()) {
    ctx.printString(PRINT_JSON, "src", null, src);
    ctx.printString(PRINT_JSON, "dst", null, dst);
  } else {
    ctx.printString(PRINT_FP, null, "%-32s Iif: ", `(${src},${dst})`.slice(0, 255));
  }
  if (iif) ctx.printString(PRINT_ANY, "iif", "%-10s ", ctx.ll.llIndexToName(iif), COLOR_IFNAME);
  else ctx.printString(PRINT_ANY, "iif", "%s ", "unresolved");
  if (tb.RTA_MULTIPATH) {
    let first = true;
    ctx.openJsonArray(PRINT_JSON, "multipath");
    for (const nh of tb.RTA_MULTIPATH) {
      ctx.openJsonObject(null);
      if (first) {
        ctx.printString(PRINT_FP, null, "Oifs: ", null);
        first = false;
      }
      ctx.printString(PRINT_ANY, "oif", "%s", ctx.ll.llIndexToName(nh.rtnh_ifindex), COLOR_IFNAME);
      if (nh.rtnh_hops > 1) ctx.printUint(PRINT_ANY, "ttl", "(ttl %u) ", nh.rtnh_hops);
      else ctx.printString(PRINT_FP, null, " ", null);
      ctx.closeJsonObject();
    }
    ctx.closeJsonArray(PRINT_JSON, null);
  }
  ctx.printString(PRINT_ANY, "state", " State: %s", r.flags & RTNH_F_UNRESOLVED ? "unresolved" : "resolved");
  if (r.flags & RTNH_F_OFFLOAD) ctx.printNull(PRINT_ANY, "offload", " offload", null);
  if (ctx.showStats && tb.RTA_EXPIRES !== undefined) {
    // __jiffies_to_tv(): USER_HZ ticks
    ctx.printFloat(PRINT_ANY, "expires", ", Age %.2f", tb.RTA_EXPIRES / 100);
  }
  if (table && (table !== RT_TABLE_MAIN || ctx.showDetails > 0) && !f.tb)
    ctx.printString(PRINT_ANY, "table", " Table: %s", ctx.names.rtnlRttableN2a(table));
  ctx.printString(PRINT_FP, null, "\n", null);
  ctx.closeJsonObject();
  return 0;
}

/** mroute_list() */
function mrouteList(ctx: IpCtx, argv: string[]): number {
  let id: string | undefined;
  let family = ctx.preferredFamily;
  const f = ipmrouteResetFilter(0);
  if (family === AF_INET || family === AF_UNSPEC) {
    family = RTNL_FAMILY_IPMR;
    f.af = RTNL_FAMILY_IPMR;
    f.tb = RT_TABLE_DEFAULT; /* for backward compatibility */
  } else if (family === AF_INET6) {
    family = RTNL_FAMILY_IP6MR;
    f.af = RTNL_FAMILY_IP6MR;
  } else {
    /* family does not have multicast routing */
    return 0;
  }
  f.msrc.family = f.mdst.family = family;

  for (let i = 0; i < argv.length; i++) {
    const next = (): string => {
      if (++i >= argv.length) incompleteCommand(ctx);
      return argv[i]!;
    };
    const a = argv[i]!;
    if (!matches(a, "table")) {
      const arg = next();
      const tid = ctx.names.rtnlRttableA2n(arg);
      if (tid === undefined) {
        if (arg === "all") f.tb = 0;
        else if (arg === "help") usage(ctx);
        else invarg(ctx, "table id value is invalid\n", arg);
      } else f.tb = tid;
    } else if (a === "iif") {
      id = next();
    } else if (!matches(a, "from")) {
      getPrefix(ctx, next(), family, f.msrc);
    } else {
      let arg = a;
      if (arg === "to") arg = next();
      if (!matches(arg, "help")) usage(ctx);
      getPrefix(ctx, arg, family, f.mdst);
    }
  }

  ctx.ll.llInitMap();
  if (id !== undefined) {
    const idx = ctx.ll.llNameToIndex(id);
    if (!idx) return nodev(ctx, id);
    f.iif = idx;
  }

  const req: RouteMsg = {
    type: "RTM_GETROUTE",
    flags: {},
    rtm: { family: f.af, dst_len: 0, src_len: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 },
    attrs: {},
  };
  // iproute_dump_filter()
  if (f.tb) req.attrs.RTA_TABLE = f.tb;
  const msgs = rtnlDumpFilter(ctx, req) as RouteMsg[] | undefined;
  ctx.newJsonObj(ctx.json);
  let err = msgs === undefined ? -1 : 0;
  for (const m of msgs ?? []) {
    if (printMroute(ctx, f, m) < 0) {
      err = -1;
      break;
    }
  }
  ctx.deleteJsonObj();
  if (err < 0) {
    ctx.err("Dump terminated\n");
    return ctx.exit(1);
  }
  return 0;
}

/** do_multiroute() */
export function doMultiroute(ctx: IpCtx, argv: string[]): number {
  if (argv.length < 1) return mrouteList(ctx, []);
  const a = argv[0]!;
  if (!matches(a, "list") || !matches(a, "show") || !matches(a, "lst")) return mrouteList(ctx, argv.slice(1));
  if (!matches(a, "help")) usage(ctx);
  ctx.err('Command "%s" is unknown, try "ip mroute help".\n', a);
  return ctx.exit(-1);
}
