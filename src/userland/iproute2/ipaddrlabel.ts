/**
 * ip/ipaddrlabel.c (iproute2 6.1): `ip addrlabel` — the kernel's IPv6 address-label policy
 * table: list (an RTM_GETADDRLABEL dump), add/del (RTM_NEWADDRLABEL with NLM_F_CREATE|EXCL,
 * RTM_DELADDRLABEL) and flush (a dump, then one delete per entry).
 */
import type { IpCtx } from "../lib/context.ts";
import { AF_INET6, AF_UNSPEC, type AddrlblMsg, type RtnlMsg } from "../../kernel/uapi/rtnetlink.ts";
import { strerror, type KErr } from "../../kernel/uapi/errno.ts";
import { COLOR_IFNAME, ifaFamilyColor, PRINT_ANY, PRINT_FP } from "../lib/json_print.ts";
import { rtnlTalk } from "../lib/libnetlink.ts";
import { getPrefix, getU32, incompleteCommand, invarg, matches, newPrefix, prefixBytes, formatHost } from "../lib/utils.ts";

/** ip/ipaddrlabel.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip addrlabel { add | del } prefix PREFIX [ dev DEV ] [ label LABEL ]\n" +
      "       ip addrlabel [ list | flush | help ]\n",
  );
  return ctx.exit(-1);
}

/** ip/ipaddrlabel.c: print_addrlabel() */
export function printAddrlabel(ctx: IpCtx, n: AddrlblMsg): number {
  if (n.type !== "RTM_NEWADDRLABEL" && n.type !== "RTM_DELADDRLABEL") return 0;
  const ifal = n.ifal;
  const tb = n.attrs;
  ctx.openJsonObject(null);
  if (n.type === "RTM_DELADDRLABEL") ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  if (tb.IFAL_ADDRESS) {
    const host = formatHost(ifal.family, tb.IFAL_ADDRESS);
    ctx.printString(PRINT_FP, null, "prefix ", null);
    ctx.printString(PRINT_ANY, "address", "%s", host, ifaFamilyColor(ifal.family));
    ctx.printUint(PRINT_ANY, "prefixlen", "/%u ", ifal.prefixlen);
  }
  if (ifal.index) {
    ctx.printString(PRINT_FP, null, "dev ", null);
    ctx.printString(PRINT_ANY, "ifname", "%s ", ctx.ll.llIndexToName(ifal.index), COLOR_IFNAME);
  }
  if (tb.IFAL_LABEL !== undefined) ctx.printUint(PRINT_ANY, "label", "label %u ", tb.IFAL_LABEL);
  ctx.printString(PRINT_FP, null, "\n", "");
  ctx.closeJsonObject();
  return 0;
}

/**
 * rtnl_addrlbldump_req() + the start of rtnl_dump_filter(): the table, or undefined when the
 * kernel refused the request (no handler for the family: rtnl_dump_error() perror()s it)
 */
function rtnlAddrlbldump(ctx: IpCtx, af: number): AddrlblMsg[] | undefined {
  const req: RtnlMsg = { type: "RTM_GETADDRLABEL", flags: {}, ifal: { family: af, prefixlen: 0, flags: 0, index: 0, seq: 0 }, attrs: {} };
  const msgs = ctx.rtnl.dump(req) as RtnlMsg[] & { error?: KErr };
  if (msgs.error) {
    ctx.err("RTNETLINK answers: %s\n", strerror(msgs.error.errno));
    return undefined;
  }
  return msgs as AddrlblMsg[];
}

/** ip/ipaddrlabel.c: ipaddrlabel_list() */
function ipaddrlabelList(ctx: IpCtx, argv: string[]): number {
  let af = ctx.preferredFamily;
  if (af === AF_UNSPEC) af = AF_INET6;
  if (argv.length > 0) {
    ctx.err('"ip addrlabel show" does not take any arguments.\n');
    return -1;
  }
  const msgs = rtnlAddrlbldump(ctx, af);
  if (!msgs) {
    ctx.err("Dump terminated\n");
    return 1;
  }
  ctx.newJsonObj(ctx.json);
  for (const n of msgs) printAddrlabel(ctx, n);
  ctx.deleteJsonObj();
  return 0;
}

/** ip/ipaddrlabel.c: ipaddrlabel_modify() */
function ipaddrlabelModify(ctx: IpCtx, cmd: "RTM_NEWADDRLABEL" | "RTM_DELADDRLABEL", argv: string[]): number {
  const req: AddrlblMsg = {
    type: cmd,
    flags: cmd === "RTM_NEWADDRLABEL" ? { create: true, excl: true } : {},
    ifal: { family: ctx.preferredFamily, prefixlen: 0, flags: 0, index: 0, seq: 0 },
    attrs: {},
  };
  const prefix = newPrefix();
  let label = 0xffffffff;
  let p: string | undefined;
  let l: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      if (++i >= argv.length) incompleteCommand(ctx);
      return argv[i]!;
    };
    if (a === "prefix") {
      p = next();
      getPrefix(ctx, p, ctx.preferredFamily, prefix);
    } else if (a === "dev") {
      const d = next();
      req.ifal.index = ctx.ll.llNameToIndex(d);
      if (req.ifal.index === 0) invarg(ctx, "dev is invalid\n", d);
    } else if (a === "label") {
      l = next();
      const v = getU32(l, 0);
      if (v === undefined || v === 0xffffffff) invarg(ctx, "label is invalid\n", l);
      label = v;
    }
  }
  if (p === undefined) {
    ctx.err('Not enough information: "prefix" argument is required.\n');
    return -1;
  }
  if (l === undefined) {
    ctx.err('Not enough information: "label" argument is required.\n');
    return -1;
  }
  req.attrs.IFAL_LABEL = label;
  req.attrs.IFAL_ADDRESS = prefixBytes(prefix);
  req.ifal.prefixlen = prefix.bitlen;
  if (req.ifal.family === AF_UNSPEC) req.ifal.family = AF_INET6;
  if (rtnlTalk(ctx, req).ret < 0) return -2;
  return 0;
}

/** ip/ipaddrlabel.c: flush_addrlabel(): each entry of the dump back as a delete */
function flushAddrlabel(ctx: IpCtx, n: AddrlblMsg): number {
  if (n.attrs.IFAL_ADDRESS) {
    if (rtnlTalk(ctx, { ...n, type: "RTM_DELADDRLABEL", flags: {} }).ret < 0) return -2;
  }
  return 0;
}

/** ip/ipaddrlabel.c: ipaddrlabel_flush() */
function ipaddrlabelFlush(ctx: IpCtx, argv: string[]): number {
  let af = ctx.preferredFamily;
  if (af === AF_UNSPEC) af = AF_INET6;
  if (argv.length > 0) {
    ctx.err('"ip addrlabel flush" does not allow extra arguments\n');
    return -1;
  }
  const msgs = rtnlAddrlbldump(ctx, af);
  if (!msgs) {
    ctx.err("Flush terminated\n");
    return -1;
  }
  for (const n of msgs) {
    if (flushAddrlabel(ctx, n) < 0) {
      ctx.err("Flush terminated\n");
      return -1;
    }
  }
  return 0;
}

/** ip/ipaddrlabel.c: do_ipaddrlabel() */
export function doIpaddrlabel(ctx: IpCtx, argv: string[]): number {
  if (argv.length < 1) return ipaddrlabelList(ctx, []);
  const a = argv[0]!;
  if (!matches(a, "list") || !matches(a, "lst") || !matches(a, "show")) return ipaddrlabelList(ctx, argv.slice(1));
  if (!matches(a, "add")) return ipaddrlabelModify(ctx, "RTM_NEWADDRLABEL", argv.slice(1));
  if (!matches(a, "delete")) return ipaddrlabelModify(ctx, "RTM_DELADDRLABEL", argv.slice(1));
  if (!matches(a, "flush")) return ipaddrlabelFlush(ctx, argv.slice(1));
  if (!matches(a, "help")) usage(ctx);
  ctx.err('Command "%s" is unknown, try "ip addrlabel help".\n', a);
  return ctx.exit(-1);
}
