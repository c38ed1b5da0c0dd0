/**
 * ip/iptoken.c (iproute2 6.1): `ip token` — the IPv6 interface identifier (token) of each
 * device: list/get read IFLA_PROTINFO > IFLA_INET6_TOKEN from an AF_INET6 link dump (devices
 * without IPv6, loopback and NOARP devices are left out); set/del send an AF_INET6 RTM_SETLINK
 * with IFLA_AF_SPEC > AF_INET6 > IFLA_INET6_TOKEN (del sets ::).
 */
import type { IpCtx } from "../lib/context.ts";
import { AF_INET6, type LinkMsg } from "../../kernel/uapi/rtnetlink.ts";
import { IFF_LOOPBACK, IFF_NOARP } from "../../kernel/uapi/if.ts";
import { COLOR_IFNAME, ifaFamilyColor, PRINT_ANY, PRINT_FP } from "../lib/json_print.ts";
import { rtnlDumpFilter, rtnlTalk } from "../lib/libnetlink.ts";
import { formatHost, getPrefix, incompleteCommand, invarg, matches, newPrefix, prefixBytes } from "../lib/utils.ts";

/** ip/iptoken.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err("Usage: ip token [ list | set | del | get ] [ TOKEN ] [ dev DEV ]\n");
  return ctx.exit(-1);
}

/** ip/iptoken.c: print_token() */
function printToken(ctx: IpCtx, n: LinkMsg, ifindex: number): number {
  if (n.type !== "RTM_NEWLINK") return -1;
  const ifi = n.ifi;
  if (ifi.family !== AF_INET6) return 0;
  if (ifi.index === 0) return 0;
  if (ifindex > 0 && ifi.index !== ifindex) return 0;
  if (ifi.flags & (IFF_LOOPBACK | IFF_NOARP)) return 0;
  const token = n.attrs.IFLA_INET6_TOKEN;
  if (!token) {
    ctx.err("Seems there's no support for IPv6 token!\n");
    return -1;
  }
  ctx.openJsonObject(null);
  ctx.printString(PRINT_FP, null, "token ", null);
  ctx.printString(PRINT_ANY, "token", "%s", formatHost(ifi.family, token), ifaFamilyColor(ifi.family));
  ctx.printString(PRINT_FP, null, " dev ", null);
  ctx.printString(PRINT_ANY, "ifname", "%s\n", ctx.ll.llIndexToName(ifi.index), COLOR_IFNAME);
  ctx.closeJsonObject();
  return 0;
}

/** ip/iptoken.c: iptoken_list() */
function iptokenList(ctx: IpCtx, argv: string[]): number {
  let ifindex = 0;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "dev") {
      if (++i >= argv.length) incompleteCommand(ctx);
      ifindex = ctx.ll.llNameToIndex(argv[i]!);
      if (ifindex === 0) invarg(ctx, "dev is invalid\n", argv[i]!);
      break;
    }
  }
  const msgs = rtnlDumpFilter(ctx, {
    type: "RTM_GETLINK",
    flags: {},
    ifi: { family: AF_INET6, type: 0, index: 0, flags: 0, change: 0 },
    attrs: {},
  });
  ctx.newJsonObj(ctx.json);
  let failed = msgs === undefined;
  for (const n of msgs ?? []) {
    if (printToken(ctx, n as LinkMsg, ifindex) < 0) {
      failed = true;
      break;
    }
  }
  if (failed) {
    ctx.deleteJsonObj();
    ctx.err("Dump terminated\n");
    return -1;
  }
  ctx.deleteJsonObj();
  return 0;
}

/** ip/iptoken.c: iptoken_set() */
function iptokenSet(ctx: IpCtx, argv: string[], del: boolean): number {
  const req: LinkMsg = {
    type: "RTM_SETLINK",
    flags: {},
    ifi: { family: AF_INET6, type: 0, index: 0, flags: 0, change: 0 },
    attrs: {},
  };
  let haveToken = del;
  let haveDev = false;
  const addr = newPrefix();
  addr.bytelen = 16;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "dev") {
      if (++i >= argv.length) incompleteCommand(ctx);
      if (!haveDev) {
        req.ifi.index = ctx.ll.llNameToIndex(argv[i]!);
        if (req.ifi.index === 0) invarg(ctx, "dev is invalid\n", argv[i]!);
        haveDev = true;
      }
    } else {
      if (!matches(a, "help")) usage(ctx);
      if (!haveToken) {
        getPrefix(ctx, a, req.ifi.family, addr);
        haveToken = true;
      }
    }
  }
  if (!haveToken) {
    ctx.err("Not enough information: token is required.\n");
    return -1;
  }
  if (!haveDev) {
    ctx.err('Not enough information: "dev" argument is required.\n');
    return -1;
  }
  req.attrs.IFLA_INET6_TOKEN = prefixBytes(addr);
  if (rtnlTalk(ctx, req).ret < 0) return -2;
  return 0;
}

/** ip/iptoken.c: do_iptoken() */
export function doIptoken(ctx: IpCtx, argv: string[]): number {
  ctx.ll.llInitMap();
  if (argv.length < 1) return iptokenList(ctx, []);
  const a = argv[0]!;
  if (!matches(a, "list") || !matches(a, "lst") || !matches(a, "show")) return iptokenList(ctx, argv.slice(1));
  if (!matches(a, "set") || !matches(a, "add")) return iptokenSet(ctx, argv.slice(1), false);
  if (!matches(a, "delete")) return iptokenSet(ctx, argv.slice(1), true);
  if (!matches(a, "get")) return iptokenList(ctx, argv.slice(1));
  if (!matches(a, "help")) usage(ctx);
  ctx.err('Command "%s" is unknown, try "ip token help".\n', a);
  return ctx.exit(-1);
}
