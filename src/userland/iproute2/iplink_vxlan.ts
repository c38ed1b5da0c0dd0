/**
 * ip/iplink_vxlan.c: `type vxlan` options (vxlan_parse_opt, vxlan_print_opt, print_explain).
 * IFLA_INFO_DATA keys are the kernel's IFLA_VXLAN_* names; addresses are Uint8Arrays (4 or 16
 * bytes), ports and the flow label are numbers in host order, flag attributes (GBP, GPE,
 * TTL_INHERIT) are `true`.
 */
import type { IpCtx } from "../lib/context.ts";
import type { InfoData, LinkMsg } from "../../kernel/uapi/rtnetlink.ts";
import { AF_INET, AF_INET6 } from "../../kernel/uapi/rtnetlink.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import {
  ADDRTYPE_INET, ADDRTYPE_INET_MULTI, duparg2, formatHost, getAddr, getU16, getU32, getUnsigned,
  incompleteCommand, invarg, matches, newPrefix, nodev, type InetPrefix,
} from "../lib/utils.ts";
import { registerLinkUtil } from "./link_util.ts";

const LABEL_MAX_MASK = 0xfffff;
const VXLAN_DF_UNSET = 0;
const VXLAN_DF_SET = 1;
const VXLAN_DF_INHERIT = 2;

/** ip/iplink_vxlan.c: print_explain() */
function printExplain(ctx: IpCtx): void {
  ctx.err(
    "Usage: ... vxlan id VNI\n" +
      "\t\t[ { group | remote } IP_ADDRESS ]\n" +
      "\t\t[ local ADDR ]\n" +
      "\t\t[ ttl TTL ]\n" +
      "\t\t[ tos TOS ]\n" +
      "\t\t[ df DF ]\n" +
      "\t\t[ flowlabel LABEL ]\n" +
      "\t\t[ dev PHYS_DEV ]\n" +
      "\t\t[ dstport PORT ]\n" +
      "\t\t[ srcport MIN MAX ]\n" +
      "\t\t[ [no]learning ]\n" +
      "\t\t[ [no]proxy ]\n" +
      "\t\t[ [no]rsc ]\n" +
      "\t\t[ [no]l2miss ]\n" +
      "\t\t[ [no]l3miss ]\n" +
      "\t\t[ ageing SECONDS ]\n" +
      "\t\t[ maxaddress NUMBER ]\n" +
      "\t\t[ [no]udpcsum ]\n" +
      "\t\t[ [no]udp6zerocsumtx ]\n" +
      "\t\t[ [no]udp6zerocsumrx ]\n" +
      "\t\t[ [no]remcsumtx ] [ [no]remcsumrx ]\n" +
      "\t\t[ [no]external ] [ gbp ] [ gpe ]\n" +
      "\t\t[ [no]vnifilter ]\n" +
      "\n" +
      "Where:\tVNI\t:= 0-16777215\n" +
      "\tADDR\t:= { IP_ADDRESS | any }\n" +
      "\tTOS\t:= { NUMBER | inherit }\n" +
      "\tTTL\t:= { 1..255 | auto | inherit }\n" +
      "\tDF\t:= { unset | set | inherit }\n" +
      "\tLABEL := 0-1048575\n",
  );
}

const isInet = (p: InetPrefix): boolean => (p.flags & ADDRTYPE_INET) !== 0;
const isInetMulti = (p: InetPrefix): boolean => (p.flags & ADDRTYPE_INET_MULTI) === ADDRTYPE_INET_MULTI;
const isInetNotMulti = (p: InetPrefix): boolean => (p.flags & ADDRTYPE_INET_MULTI) === ADDRTYPE_INET;

/** ip/iplink_vxlan.c: vxlan_parse_opt() */
function vxlanParseOpt(ctx: IpCtx, argv: string[], data: InfoData, req: LinkMsg): number {
  let saddr = newPrefix();
  let daddr = newPrefix();
  let vni = 0;
  let learning = 1;
  let dstport = 0;
  let metadata = 0;
  let vnifilter = 0;
  const attrs = new Set<string>();
  const setOp = req.type === "RTM_NEWLINK" && !req.flags.create;
  let i = 0;
  const next = (): string => {
    i++;
    if (i >= argv.length) incompleteCommand(ctx);
    return argv[i]!;
  };
  const dup = (type: string, key: string, arg: string): void => {
    if (!attrs.has(type)) attrs.add(type);
    else duparg2(ctx, key, arg);
  };
  const flag8 = (type: string, arg: string, v: number): void => {
    dup(type, arg, arg);
    data[`IFLA_VXLAN_${type}`] = v;
  };
  while (i < argv.length) {
    const a = argv[i]!;
    if (!matches(a, "id") || !matches(a, "vni")) {
      const v = next();
      dup("ID", "id", v);
      const x = getU32(v, 0);
      if (x === undefined || x >= 1 << 24) invarg(ctx, "invalid id", v);
      vni = x;
    } else if (!matches(a, "group")) {
      if (isInetNotMulti(daddr)) {
        ctx.err("vxlan: both group and remote cannot be specified\n");
        return -1;
      }
      const v = next();
      dup("GROUP", "group", v);
      daddr = getAddr(ctx, v, saddr.family);
      if (!isInetMulti(daddr)) invarg(ctx, "invalid group address", v);
    } else if (!matches(a, "remote")) {
      if (isInetMulti(daddr)) {
        ctx.err("vxlan: both group and remote cannot be specified\n");
        return -1;
      }
      const v = next();
      dup("GROUP", "remote", v);
      daddr = getAddr(ctx, v, saddr.family);
      if (!isInetNotMulti(daddr)) invarg(ctx, "invalid remote address", v);
    } else if (!matches(a, "local")) {
      const v = next();
      dup("LOCAL", "local", v);
      saddr = getAddr(ctx, v, daddr.family);
      if (!isInetNotMulti(saddr)) invarg(ctx, "invalid local address", v);
    } else if (!matches(a, "dev")) {
      const v = next();
      dup("LINK", "dev", v);
      const link = ctx.ll.llNameToIndex(v);
      if (!link) ctx.exit(nodev(ctx, v));
      data["IFLA_VXLAN_LINK"] = link;
    } else if (!matches(a, "ttl") || !matches(a, "hoplimit")) {
      const v = next();
      dup("TTL", "ttl", v);
      if (v === "inherit") data["IFLA_VXLAN_TTL_INHERIT"] = true;
      else if (v === "auto") data["IFLA_VXLAN_TTL"] = 0;
      else {
        const u = getUnsigned(v, 0);
        if (u === undefined) invarg(ctx, "invalid TTL", v);
        if (u > 255) invarg(ctx, "TTL must be <= 255", v);
        data["IFLA_VXLAN_TTL"] = u;
      }
    } else if (!matches(a, "tos") || !matches(a, "dsfield")) {
      const v = next();
      dup("TOS", "tos", v);
      let tos = 1;
      if (v !== "inherit") {
        const u = ctx.names.rtnlDsfieldA2n(v);
        if (u === undefined) invarg(ctx, "bad TOS value", v);
        tos = u & 0xff;
      }
      data["IFLA_VXLAN_TOS"] = tos;
    } else if (!matches(a, "df")) {
      const v = next();
      dup("DF", "df", v);
      let df: number;
      if (v === "unset") df = VXLAN_DF_UNSET;
      else if (v === "set") df = VXLAN_DF_SET;
      else if (v === "inherit") df = VXLAN_DF_INHERIT;
      else invarg(ctx, "DF must be 'unset', 'set' or 'inherit'", v);
      data["IFLA_VXLAN_DF"] = df;
    } else if (!matches(a, "label") || !matches(a, "flowlabel")) {
      const v = next();
      dup("LABEL", "flowlabel", v);
      const u = getU32(v, 0);
      if (u === undefined || u & ~LABEL_MAX_MASK) invarg(ctx, "invalid flowlabel", v);
      data["IFLA_VXLAN_LABEL"] = u;
    } else if (!matches(a, "ageing")) {
      const v = next();
      dup("AGEING", "ageing", v);
      let age = 0;
      if (v !== "none") {
        const u = getU32(v, 0);
        if (u === undefined) invarg(ctx, "ageing timer", v);
        age = u;
      }
      data["IFLA_VXLAN_AGEING"] = age;
    } else if (!matches(a, "maxaddress")) {
      const v = next();
      dup("LIMIT", "maxaddress", v);
      let max = 0;
      if (v !== "unlimited") {
        const u = getU32(v, 0);
        if (u === undefined) invarg(ctx, "max addresses", v);
        max = u;
      }
      data["IFLA_VXLAN_LIMIT"] = max;
    } else if (!matches(a, "port") || !matches(a, "srcport")) {
      const lo = next();
      dup("PORT_RANGE", "srcport", lo);
      const low = getU16(lo, 0);
      if (low === undefined) invarg(ctx, "min port", lo);
      const hi = next();
      const high = getU16(hi, 0);
      if (high === undefined) invarg(ctx, "max port", hi);
      if (low || high) data["IFLA_VXLAN_PORT_RANGE"] = { low, high };
    } else if (!matches(a, "dstport")) {
      const v = next();
      dup("PORT", "dstport", v);
      const u = getU16(v, 0);
      if (u === undefined) invarg(ctx, "dst port", v);
      dstport = u;
    } else if (!matches(a, "nolearning")) {
      dup("LEARNING", a, a);
      learning = 0;
    } else if (!matches(a, "learning")) {
      dup("LEARNING", a, a);
      learning = 1;
    } else if (!matches(a, "noproxy")) flag8("PROXY", a, 0);
    else if (!matches(a, "proxy")) flag8("PROXY", a, 1);
    else if (!matches(a, "norsc")) flag8("RSC", a, 0);
    else if (!matches(a, "rsc")) flag8("RSC", a, 1);
    else if (!matches(a, "nol2miss")) flag8("L2MISS", a, 0);
    else if (!matches(a, "l2miss")) flag8("L2MISS", a, 1);
    else if (!matches(a, "nol3miss")) flag8("L3MISS", a, 0);
    else if (!matches(a, "l3miss")) flag8("L3MISS", a, 1);
    else if (!matches(a, "udpcsum")) flag8("UDP_CSUM", a, 1);
    else if (!matches(a, "noudpcsum")) flag8("UDP_CSUM", a, 0);
    else if (!matches(a, "udp6zerocsumtx")) flag8("UDP_ZERO_CSUM6_TX", a, 1);
    else if (!matches(a, "noudp6zerocsumtx")) flag8("UDP_ZERO_CSUM6_TX", a, 0);
    else if (!matches(a, "udp6zerocsumrx")) flag8("UDP_ZERO_CSUM6_RX", a, 1);
    else if (!matches(a, "noudp6zerocsumrx")) flag8("UDP_ZERO_CSUM6_RX", a, 0);
    else if (!matches(a, "remcsumtx")) flag8("REMCSUM_TX", a, 1);
    else if (!matches(a, "noremcsumtx")) flag8("REMCSUM_TX", a, 0);
    else if (!matches(a, "remcsumrx")) flag8("REMCSUM_RX", a, 1);
    else if (!matches(a, "noremcsumrx")) flag8("REMCSUM_RX", a, 0);
    else if (!matches(a, "external")) {
      metadata = 1;
      learning = 0;
      flag8("COLLECT_METADATA", a, metadata);
    } else if (!matches(a, "noexternal")) {
      metadata = 0;
      flag8("COLLECT_METADATA", a, metadata);
    } else if (!matches(a, "gbp")) {
      dup("GBP", a, a);
      data["IFLA_VXLAN_GBP"] = true;
    } else if (!matches(a, "gpe")) {
      dup("GPE", a, a);
      data["IFLA_VXLAN_GPE"] = true;
    } else if (a === "vnifilter") {
      flag8("VNIFILTER", a, 1);
      vnifilter = 1;
    } else if (a === "novnifilter") flag8("VNIFILTER", a, 0);
    else if (!matches(a, "help")) {
      printExplain(ctx);
      return -1;
    } else {
      ctx.err('vxlan: unknown command "%s"?\n', a);
      printExplain(ctx);
      return -1;
    }
    i++;
  }
  if (!metadata && vnifilter) {
    ctx.err("vxlan: vnifilter is valid only when 'external' is set\n");
    return -1;
  }
  if (metadata && attrs.has("ID")) {
    ctx.err("vxlan: both 'external' and vni cannot be specified\n");
    return -1;
  }
  if (!metadata && !vnifilter && !attrs.has("ID") && !setOp) {
    ctx.err("vxlan: missing virtual network identifier\n");
    return -1;
  }
  if (isInetMulti(daddr) && !attrs.has("LINK")) {
    ctx.err("vxlan: 'group' requires 'dev' to be specified\n");
    return -1;
  }
  if (!attrs.has("PORT") && attrs.has("GPE")) dstport = 4790;
  else if (!attrs.has("PORT") && !setOp) {
    ctx.err(
      "vxlan: destination port not specified\nWill use Linux kernel default (non-standard value)\n" +
        "Use 'dstport 4789' to get the IANA assigned value\nUse 'dstport 0' to get default and quiet this message\n",
    );
  }
  if (attrs.has("ID")) data["IFLA_VXLAN_ID"] = vni;
  let selected = false;
  if (isInet(saddr)) {
    data[saddr.family === AF_INET ? "IFLA_VXLAN_LOCAL" : "IFLA_VXLAN_LOCAL6"] = saddr.data.slice(0, saddr.bytelen);
    selected = true;
  }
  if (isInet(daddr)) {
    data[daddr.family === AF_INET ? "IFLA_VXLAN_GROUP" : "IFLA_VXLAN_GROUP6"] = daddr.data.slice(0, daddr.bytelen);
    selected = true;
  }
  if (!selected) {
    if (ctx.preferredFamily === AF_INET) data["IFLA_VXLAN_GROUP"] = new Uint8Array(4);
    else if (ctx.preferredFamily === AF_INET6) data["IFLA_VXLAN_GROUP6"] = new Uint8Array(16);
  }
  if (!setOp || attrs.has("LEARNING")) data["IFLA_VXLAN_LEARNING"] = learning;
  if (dstport) data["IFLA_VXLAN_PORT"] = dstport;
  return 0;
}

function u8(tb: InfoData, k: string): number | undefined {
  const v = tb[`IFLA_VXLAN_${k}`];
  if (v === undefined) return undefined;
  if (typeof v === "boolean") return v ? 1 : 0;
  return typeof v === "number" ? v : 0;
}

function bytes(tb: InfoData, k: string): Uint8Array | undefined {
  const v = tb[`IFLA_VXLAN_${k}`];
  return v instanceof Uint8Array ? v : undefined;
}

/** ip/iplink_vxlan.c: vxlan_print_opt() */
function vxlanPrintOpt(ctx: IpCtx, tb: InfoData | undefined): void {
  if (!tb) return;
  if (u8(tb, "COLLECT_METADATA")) ctx.printBool(PRINT_ANY, "external", "external ", true);
  if (u8(tb, "VNIFILTER")) ctx.printBool(PRINT_ANY, "vnifilter", "vnifilter", true);
  const id = u8(tb, "ID");
  if (id !== undefined) ctx.printUint(PRINT_ANY, "id", "id %u ", id);
  const g = bytes(tb, "GROUP");
  const g6 = bytes(tb, "GROUP6");
  if (g) {
    if (g.some((b) => b !== 0)) {
      if ((g[0]! & 0xf0) === 0xe0) ctx.printString(PRINT_ANY, "group", "group %s ", formatHost(AF_INET, g));
      else ctx.printString(PRINT_ANY, "remote", "remote %s ", formatHost(AF_INET, g));
    }
  } else if (g6 && g6.some((b) => b !== 0)) {
    if (g6[0] === 0xff) ctx.printString(PRINT_ANY, "group6", "group %s ", formatHost(AF_INET6, g6));
    else ctx.printString(PRINT_ANY, "remote6", "remote %s ", formatHost(AF_INET6, g6));
  }
  const l = bytes(tb, "LOCAL");
  const l6 = bytes(tb, "LOCAL6");
  if (l) {
    if (l.some((b) => b !== 0)) ctx.printString(PRINT_ANY, "local", "local %s ", formatHost(AF_INET, l));
  } else if (l6 && l6.some((b) => b !== 0)) ctx.printString(PRINT_ANY, "local6", "local %s ", formatHost(AF_INET6, l6));
  const link = u8(tb, "LINK");
  if (link) ctx.printString(PRINT_ANY, "link", "dev %s ", ctx.ll.llIndexToName(link));
  const pr = tb["IFLA_VXLAN_PORT_RANGE"] as { low: number; high: number } | undefined;
  if (pr) {
    if (ctx.isJsonContext()) {
      ctx.openJsonObject("port_range");
      ctx.printUint(PRINT_JSON, "low", null, pr.low);
      ctx.printUint(PRINT_JSON, "high", null, pr.high);
      ctx.closeJsonObject();
    } else ctx.printf("srcport %u %u ", pr.low, pr.high);
  }
  const port = u8(tb, "PORT");
  if (port !== undefined) ctx.printUint(PRINT_ANY, "port", "dstport %u ", port);
  const learning = u8(tb, "LEARNING");
  if (learning !== undefined) {
    ctx.printBool(PRINT_JSON, "learning", null, !!learning);
    if (!learning) ctx.printBool(PRINT_FP, null, "nolearning ", true);
  }
  if (u8(tb, "PROXY")) ctx.printBool(PRINT_ANY, "proxy", "proxy ", true);
  if (u8(tb, "RSC")) ctx.printBool(PRINT_ANY, "rsc", "rsc ", true);
  if (u8(tb, "L2MISS")) ctx.printBool(PRINT_ANY, "l2miss", "l2miss ", true);
  if (u8(tb, "L3MISS")) ctx.printBool(PRINT_ANY, "l3miss", "l3miss ", true);
  const tos = u8(tb, "TOS") ?? 0;
  if (tos) {
    if (ctx.isJsonContext() || tos !== 1) ctx.print0xhex(PRINT_ANY, "tos", "tos %#llx ", tos);
    else ctx.printString(PRINT_FP, null, "tos %s ", "inherit");
  }
  if (u8(tb, "TTL_INHERIT")) ctx.printString(PRINT_FP, null, "ttl %s ", "inherit");
  else {
    const ttl = u8(tb, "TTL");
    if (ttl !== undefined) {
      if (ctx.isJsonContext() || ttl) ctx.printUint(PRINT_ANY, "ttl", "ttl %u ", ttl);
      else ctx.printString(PRINT_FP, null, "ttl %s ", "auto");
    }
  }
  const df = u8(tb, "DF");
  if (df !== undefined) {
    if (df === VXLAN_DF_UNSET) ctx.printString(PRINT_JSON, "df", "df %s ", "unset");
    else if (df === VXLAN_DF_SET) ctx.printString(PRINT_ANY, "df", "df %s ", "set");
    else if (df === VXLAN_DF_INHERIT) ctx.printString(PRINT_ANY, "df", "df %s ", "inherit");
  }
  const label = u8(tb, "LABEL");
  if (label) ctx.print0xhex(PRINT_ANY, "label", "flowlabel %#llx ", label);
  const age = u8(tb, "AGEING");
  if (age !== undefined) {
    if (age === 0) ctx.printUint(PRINT_ANY, "ageing", "ageing none ", 0);
    else ctx.printUint(PRINT_ANY, "ageing", "ageing %u ", age);
  }
  const maxaddr = u8(tb, "LIMIT");
  if (maxaddr) ctx.printUint(PRINT_ANY, "limit", "maxaddr %u ", maxaddr);
  for (const [k, key, word] of [
    ["UDP_CSUM", "udp_csum", "udpcsum "], ["UDP_ZERO_CSUM6_TX", "udp_zero_csum6_tx", "udp6zerocsumtx "],
    ["UDP_ZERO_CSUM6_RX", "udp_zero_csum6_rx", "udp6zerocsumrx "],
  ] as const) {
    const v = u8(tb, k);
    if (v === undefined) continue;
    if (ctx.isJsonContext()) ctx.printBool(PRINT_ANY, key, null, !!v);
    else {
      if (!v) ctx.printf("no");
      ctx.printf(word);
    }
  }
  if (u8(tb, "REMCSUM_TX")) ctx.printBool(PRINT_ANY, "remcsum_tx", "remcsumtx ", true);
  if (u8(tb, "REMCSUM_RX")) ctx.printBool(PRINT_ANY, "remcsum_rx", "remcsumrx ", true);
  if (tb["IFLA_VXLAN_GBP"] !== undefined) ctx.printBool(PRINT_ANY, "gbp", "gbp ", true);
  if (tb["IFLA_VXLAN_GPE"] !== undefined) ctx.printBool(PRINT_ANY, "gpe", "gpe ", true);
}

registerLinkUtil({
  id: "vxlan",
  parseOpt: (ctx, argv, data, req) => vxlanParseOpt(ctx, argv, data, req),
  printOpt: vxlanPrintOpt,
  printHelp: (ctx) => printExplain(ctx),
});
