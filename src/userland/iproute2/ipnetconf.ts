/**
 * ip/ipnetconf.c (iproute2 6.1): `ip netconf show [dev NAME]` — the per-device IPv4 and IPv6
 * settings the kernel reports with RTM_NEWNETCONF (forwarding, rp_filter, mc_forwarding,
 * proxy_neigh, ignore_routes_with_linkdown), for each device and for "all" and "default".
 */
import type { IpCtx } from "../lib/context.ts";
import { AF_UNSPEC, NETCONFA_IFINDEX_ALL, NETCONFA_IFINDEX_DEFAULT, type NetconfMsg, type RtnlMsg } from "../../kernel/uapi/rtnetlink.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import { familyName, incompleteCommand, matches } from "../lib/utils.ts";

/** ip/ipnetconf.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err("Usage: ip netconf show [ dev STRING ]\n");
  return ctx.exit(-1);
}

/** print_onoff() */
function printOnoff(ctx: IpCtx, flag: string, val: number): void {
  if (ctx.json) ctx.printBool(PRINT_JSON, flag, null, val !== 0);
  else ctx.printString(PRINT_FP, null, "%s ", `${flag} ${val ? "on" : "off"}`);
}

const RP_FILTER = ["off", "strict", "loose"];

/** print_netconf(): one message, if the family and device filters let it through */
export function printNetconf(ctx: IpCtx, m: NetconfMsg, filter: { family: number; ifindex: number }): void {
  if (filter.family && filter.family !== m.ncm.family) return;
  const a = m.attrs;
  const ifindex = a.NETCONFA_IFINDEX ?? 0;
  if (filter.ifindex && filter.ifindex !== ifindex) return;
  ctx.openJsonObject(null);
  if (m.type === "RTM_DELNETCONF") ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  ctx.printString(PRINT_ANY, "family", "%s ", familyName(m.ncm.family));
  const name = ifindex === NETCONFA_IFINDEX_ALL ? "all" : ifindex === NETCONFA_IFINDEX_DEFAULT ? "default" : ctx.ll.llIndexToName(ifindex);
  ctx.printString(PRINT_ANY, "interface", "%s ", name);
  if (a.NETCONFA_FORWARDING !== undefined) printOnoff(ctx, "forwarding", a.NETCONFA_FORWARDING);
  if (a.NETCONFA_RP_FILTER !== undefined)
    ctx.printString(PRINT_ANY, "rp_filter", "rp_filter %s ", RP_FILTER[a.NETCONFA_RP_FILTER] ?? "unknown mode");
  if (a.NETCONFA_MC_FORWARDING !== undefined) printOnoff(ctx, "mc_forwarding", a.NETCONFA_MC_FORWARDING);
  if (a.NETCONFA_PROXY_NEIGH !== undefined) printOnoff(ctx, "proxy_neigh", a.NETCONFA_PROXY_NEIGH);
  if (a.NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN !== undefined)
    printOnoff(ctx, "ignore_routes_with_linkdown", a.NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN);
  ctx.closeJsonObject();
  ctx.printString(PRINT_FP, null, "\n", null);
}

/** do_show() */
function doShow(ctx: IpCtx, argv: string[]): number {
  const filter = { family: ctx.preferredFamily, ifindex: 0 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "dev") {
      if (++i >= argv.length) incompleteCommand(ctx);
      filter.ifindex = ctx.ll.llNameToIndex(argv[i]!);
      if (filter.ifindex <= 0) {
        ctx.err('Device "%s" does not exist.\n', argv[i]!);
        return -1;
      }
    }
  }
  ctx.ll.llInitMap();
  if (filter.ifindex && filter.family !== AF_UNSPEC) {
    // one device of one family: a request (answered, or refused without a word: rtnl_listen)
    const r = ctx.rtnl.talk({ type: "RTM_GETNETCONF", flags: {}, ncm: { family: filter.family }, attrs: { NETCONFA_IFINDEX: filter.ifindex } });
    if (r.answer) printNetconf(ctx, r.answer as NetconfMsg, filter);
    return 0;
  }
  // a dump of the asked family (all of them for AF_UNSPEC: rtnl_dump_all)
  const msgs: RtnlMsg[] = ctx.rtnl.dump({ type: "RTM_GETNETCONF", flags: {}, ncm: { family: filter.family }, attrs: {} });
  ctx.newJsonObj(ctx.json);
  for (const m of msgs) printNetconf(ctx, m as NetconfMsg, filter);
  ctx.deleteJsonObj();
  return 0;
}

/** do_ipnetconf() */
export function doIpnetconf(ctx: IpCtx, argv: string[]): number {
  if (argv.length > 0) {
    const a = argv[0]!;
    if (!matches(a, "show") || !matches(a, "lst") || !matches(a, "list")) return doShow(ctx, argv.slice(1));
    if (!matches(a, "help")) usage(ctx);
  } else return doShow(ctx, []);
  ctx.err('Command "%s" is unknown, try "ip netconf help".\n', argv[0]!);
  return ctx.exit(-1);
}
