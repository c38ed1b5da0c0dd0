/**
 * ip/ip_common.h: struct link_util and ip/iplink.c: get_link_kind() — the per-kind option
 * parsers and printers (`ip link add … type KIND ARGS`, `ip -d link show`).
 */
import type { IpCtx } from "../lib/context.ts";
import { incompleteCommand, invarg, nodev } from "../lib/utils.ts";
import type { InfoData, LinkMsg, StatsMsg } from "../../kernel/uapi/rtnetlink.ts";

/** what a kind's parse_ifla_xstats() chose: one attribute to print (0: all), one device */
export interface XstatsFilter {
  printAttr: string | undefined;
  index: number;
}

/**
 * The argument loop bridge_parse_xstats() and bond_parse_xstats() share: a word of `attrs`
 * picks the attribute to print, `dev DEV` one device, `help` prints `usage` and exits.
 */
export function parseXstatsArgs(ctx: IpCtx, argv: string[], f: XstatsFilter, attrs: Record<string, string>, usage: string): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (Object.hasOwn(attrs, a)) f.printAttr = attrs[a];
    else if (a === "dev") {
      if (++i >= argv.length) incompleteCommand(ctx);
      f.index = ctx.ll.llNameToIndex(argv[i]!);
      if (!f.index) return nodev(ctx, argv[i]!);
    } else if (a === "help") {
      ctx.printf("%s", usage);
      ctx.exit(0);
    } else invarg(ctx, "unknown attribute", a);
  }
  return 0;
}

export interface LinkUtil {
  id: string;
  /** parse_ifla_xstats(): `ip link xstats type KIND ARGS`; <0 on error (may exit) */
  parseIflaXstats?(ctx: IpCtx, argv: string[], f: XstatsFilter): number;
  /** print_ifla_xstats(): one RTM_NEWSTATS of the dump */
  printIflaXstats?(ctx: IpCtx, m: StatsMsg, f: XstatsFilter): number;
  /** parse ARGS into `data` (IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA); returns <0 on error */
  parseOpt?(ctx: IpCtx, argv: string[], data: InfoData, req: LinkMsg): Promise<number> | number;
  printOpt?(ctx: IpCtx, data: InfoData | undefined): void;
  printHelp?(ctx: IpCtx, argv: string[]): void;
}

const linkUtils = new Map<string, LinkUtil>();

export function registerLinkUtil(lu: LinkUtil): void {
  linkUtils.set(lu.id, lu);
}

/** the kinds Debian's ip (iproute2 6.1) is built with (struct link_util of ip/*.c): get_link_kind()
 * finds them whether or not this emulation has a parser or printer for them */
export const IPROUTE2_LINK_KINDS = new Set([
  "amt", "bareudp", "batadv", "bond", "bond_slave", "bridge", "bridge_slave", "can", "dsa", "dummy", "erspan", "geneve",
  "gre", "gretap", "gtp", "hsr", "ifb", "ip6erspan", "ip6gre", "ip6gretap", "ip6tnl", "ipip", "ipoib", "ipvlan", "ipvtap",
  "macsec", "macvlan", "macvtap", "netdevsim", "nlmon", "rmnet", "sit", "team", "tun", "vcan", "veth", "virt_wifi", "vlan",
  "vrf", "vrf_slave", "vti", "vti6", "vxcan", "vxlan", "wwan", "xfrm",
]);

/** ip/iplink.c: get_link_kind() */
export function getLinkKind(id: string): LinkUtil | undefined {
  return linkUtils.get(id);
}
