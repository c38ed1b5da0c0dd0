/**
 * ip/iplink_xstats.c: `ip link xstats type TYPE [ ARGS ]` — the extended statistics of the
 * devices of a kind (RTM_GETSTATS dump, IFLA_STATS_LINK_XSTATS, or _SLAVE for a *_slave kind)
 * printed by the kind's print_ifla_xstats (bridge, bridge_slave; bond, bond_slave).
 */
import type { IpCtx } from "../lib/context.ts";
import type { StatsMsg } from "../../kernel/uapi/rtnetlink.ts";
import {
  AF_UNSPEC, IFLA_STATS_FILTER_BIT, IFLA_STATS_LINK_XSTATS, IFLA_STATS_LINK_XSTATS_SLAVE,
} from "../../kernel/uapi/rtnetlink.ts";
import { incompleteCommand, invarg, matches } from "../lib/utils.ts";
import { rtnlDump } from "../lib/libnetlink.ts";
import { getLinkKind, IPROUTE2_LINK_KINDS, parseXstatsArgs, type LinkUtil, type XstatsFilter } from "./link_util.ts";

/** ip/iplink_xstats.c: iplink_ifla_xstats() */
export function iplinkIflaXstats(ctx: IpCtx, argv: string[]): number {
  if (!argv.length) {
    ctx.err("xstats: missing argument\n");
    return -1;
  }
  let lu: LinkUtil | undefined;
  let id = "";
  if (!matches(argv[0]!, "type")) {
    if (argv.length < 2) incompleteCommand(ctx);
    id = argv[1]!;
    lu = getLinkKind(id) ?? bondXstats.get(id);
    if (!lu && !IPROUTE2_LINK_KINDS.has(id)) invarg(ctx, "invalid type", id);
  } else if (!matches(argv[0]!, "help")) {
    ctx.printf("Usage: ... xstats type TYPE [ ARGS ]\n");
    return 0;
  } else invarg(ctx, "unknown argument", argv[0]!);
  if (!lu?.printIflaXstats) {
    ctx.err("xstats: link type %s doesn't support xstats\n", id);
    return -1;
  }
  const f: XstatsFilter = { printAttr: undefined, index: 0 };
  if (lu.parseIflaXstats && lu.parseIflaXstats(ctx, argv.slice(2), f)) return -1;
  const attr = id.includes("_slave") ? IFLA_STATS_LINK_XSTATS_SLAVE : IFLA_STATS_LINK_XSTATS;
  const msgs = rtnlDump(ctx, {
    type: "RTM_GETSTATS", flags: {}, ifsm: { family: AF_UNSPEC, ifindex: 0, filterMask: IFLA_STATS_FILTER_BIT(attr) }, attrs: {},
  });
  ctx.newJsonObj(ctx.json);
  for (const m of msgs) lu.printIflaXstats(ctx, m as StatsMsg, f);
  ctx.deleteJsonObj();
  return 0;
}

/**
 * ip/iplink_bond.c: bond_parse_xstats() and bond_print_xstats(). Debian's iproute2 6.1
 * passes LINK_XSTATS_TYPE_MAX+1 to parse_rtattr() for a table one entry shorter: the first
 * device whose statistics come back (any kind's: a bridge's) overruns the stack, and the
 * process dies of SIGABRT with glibc's message; with none, nothing is printed.
 */
function bondParseXstats(ctx: IpCtx, id: string, argv: string[], f: XstatsFilter): number {
  const attrs = { lacp: "BOND_XSTATS_3AD", "802.3ad": "BOND_XSTATS_3AD" };
  return parseXstatsArgs(ctx, argv, f, attrs, `Usage: ... ${id} [ 802.3ad ] [ dev DEVICE ]\n`);
}

function bondPrintXstats(ctx: IpCtx, m: StatsMsg, f: XstatsFilter): number {
  if (f.index && f.index !== m.ifsm.ifindex) return 0;
  if (m.attrs.IFLA_STATS_LINK_XSTATS || m.attrs.IFLA_STATS_LINK_XSTATS_SLAVE) {
    ctx.err("*** stack smashing detected ***: terminated\n");
    ctx.exit(128 + 6);
  }
  return 0;
}

/** the bond kinds' xstats hooks (the rest of bonding is not modelled, so they are not
 * registered as link utils) */
const bondXstats = new Map<string, LinkUtil>(
  ["bond", "bond_slave"].map((id) => [id, {
    id,
    parseIflaXstats: (ctx: IpCtx, argv: string[], f: XstatsFilter) => bondParseXstats(ctx, id, argv, f),
    printIflaXstats: bondPrintXstats,
  }]),
);
