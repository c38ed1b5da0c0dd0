/**
 * ip/link_iptnl.c (iproute2 6.1): `ip link add NAME type ipip|sit …` options
 * (iptunnel_parse_opt) and their `ip -d link` printer (iptunnel_print_opt). IFLA_INFO_DATA
 * keys are the kernel's IFLA_IPTUN_* names; addresses are 4-byte Uint8Arrays.
 */
import type { IpCtx } from "../lib/context.ts";
import type { InfoData, LinkMsg } from "../../kernel/uapi/rtnetlink.ts";
import { AF_INET } from "../../kernel/uapi/rtnetlink.ts";
import { IPPROTO_IPIP, IPPROTO_IPV6, IPPROTO_MPLS, SIT_ISATAP } from "../../kernel/uapi/if_tunnel.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import { formatHost, getAddr, getU8, getUnsigned, incompleteCommand, inetNtop6, invarg, matches, nodev } from "../lib/utils.ts";
import { registerLinkUtil } from "./link_util.ts";
import { tnlPrintEndpoint } from "./tunnel.ts";

/** ip/link_iptnl.c: iptunnel_print_help() */
function printHelp(ctx: IpCtx, id: string): void {
  const mode = id === "sit" ? "{ ip6ip | ipip | mplsip | any } ]\n\t\t[ isatap" : "{ ipip | mplsip | any }";
  ctx.err(
    `Usage: ... ${id.padEnd(5)}\t[ remote ADDR ]\n` +
      "\t\t[ local ADDR ]\n" +
      "\t\t[ ttl TTL ]\n" +
      "\t\t[ tos TOS ]\n" +
      "\t\t[ [no]pmtudisc ]\n" +
      "\t\t[ 6rd-prefix ADDR ]\n" +
      "\t\t[ 6rd-relay_prefix ADDR ]\n" +
      "\t\t[ 6rd-reset ]\n" +
      "\t\t[ dev PHYS_DEV ]\n" +
      "\t\t[ fwmark MARK ]\n" +
      "\t\t[ external ]\n" +
      "\t\t[ noencap ]\n" +
      "\t\t[ encap { fou | gue | none } ]\n" +
      "\t\t[ encap-sport PORT ]\n" +
      "\t\t[ encap-dport PORT ]\n" +
      "\t\t[ [no]encap-csum ]\n" +
      "\t\t[ [no]encap-csum6 ]\n" +
      "\t\t[ [no]encap-remcsum ]\n" +
      `\t\t[ mode ${mode} ]\n` +
      "\n" +
      "Where:\tADDR := { IP_ADDRESS | any }\n" +
      "\tTOS  := { NUMBER | inherit }\n" +
      "\tTTL  := { 1..255 | inherit }\n" +
      "\tMARK := { 0x0..0xffffffff }\n",
  );
}

/** ip/link_iptnl.c: iptunnel_parse_opt() (no 6rd / encap options) */
function iptunnelParseOpt(ctx: IpCtx, id: string, argv: string[], data: InfoData): number {
  let pmtudisc = 1;
  let ttl = 0;
  let tos = 0;
  let proto = 0;
  let link = 0;
  let fwmark = 0;
  let iflags = 0;
  let metadata = false;
  let saddr: Uint8Array | undefined;
  let daddr: Uint8Array | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      return argv[++i]!;
    };
    if (a === "mode") {
      const v = next();
      if (id === "sit" && (v === "ipv6/ipv4" || v === "ip6ip")) proto = IPPROTO_IPV6;
      else if (v === "ipv4/ipv4" || v === "ipip" || v === "ip4ip4") proto = IPPROTO_IPIP;
      else if (v === "mpls/ipv4" || v === "mplsip") proto = IPPROTO_MPLS;
      else if (v === "any/ipv4" || v === "any") proto = 0;
      else invarg(ctx, "Cannot guess tunnel mode.", v);
    } else if (a === "remote") {
      const p = getAddr(ctx, next(), AF_INET);
      daddr = p.bytelen ? Uint8Array.from(p.data.slice(0, 4)) : undefined;
    } else if (a === "local") {
      const p = getAddr(ctx, next(), AF_INET);
      saddr = p.bytelen ? Uint8Array.from(p.data.slice(0, 4)) : undefined;
    } else if (!matches(a, "dev")) {
      const v = next();
      link = ctx.ll.llNameToIndex(v);
      if (!link) ctx.exit(nodev(ctx, v));
    } else if (a === "ttl" || a === "hoplimit" || a === "hlim") {
      const v = next();
      if (v !== "inherit") {
        const u = getU8(v, 0);
        if (u === undefined) invarg(ctx, "invalid TTL\n", v);
        ttl = u;
      } else ttl = 0;
    } else if (a === "tos" || a === "tclass" || a === "tc" || !matches(a, "dsfield")) {
      const v = next();
      if (v !== "inherit") {
        const u = ctx.names.rtnlDsfieldA2n(v);
        if (u === undefined) invarg(ctx, "bad TOS value", v);
        tos = u;
      } else tos = 1;
    } else if (a === "nopmtudisc") pmtudisc = 0;
    else if (a === "pmtudisc") pmtudisc = 1;
    else if (id === "sit" && a === "isatap") iflags |= SIT_ISATAP;
    else if (a === "external") metadata = true;
    else if (a === "fwmark") {
      const v = next();
      const u = getUnsigned(v, 0);
      if (u === undefined) invarg(ctx, "invalid fwmark\n", v);
      fwmark = u;
    } else {
      printHelp(ctx, id);
      return -1;
    }
  }
  if (ttl && pmtudisc === 0) {
    ctx.err("ttl != 0 and nopmtudisc are incompatible\n");
    ctx.exit(-1);
  }
  data["IFLA_IPTUN_PROTO"] = proto;
  if (metadata) {
    data["IFLA_IPTUN_COLLECT_METADATA"] = true;
    return 0;
  }
  if (saddr && saddr.some((b) => b)) data["IFLA_IPTUN_LOCAL"] = saddr;
  if (daddr && daddr.some((b) => b)) data["IFLA_IPTUN_REMOTE"] = daddr;
  data["IFLA_IPTUN_PMTUDISC"] = pmtudisc;
  data["IFLA_IPTUN_TOS"] = tos;
  data["IFLA_IPTUN_TTL"] = ttl;
  data["IFLA_IPTUN_LINK"] = link;
  data["IFLA_IPTUN_FWMARK"] = fwmark;
  if (id === "sit") data["IFLA_IPTUN_FLAGS"] = iflags;
  return 0;
}

function num(tb: InfoData, k: string): number | undefined {
  const v = tb[k];
  if (v === undefined) return undefined;
  if (typeof v === "boolean") return v ? 1 : 0;
  return typeof v === "number" ? v : 0;
}

/** ip/link_iptnl.c: iptunnel_print_opt() */
function iptunnelPrintOpt(ctx: IpCtx, tb: InfoData | undefined): void {
  if (!tb) return;
  if (tb["IFLA_IPTUN_COLLECT_METADATA"]) ctx.printBool(PRINT_ANY, "external", "external ", true);
  const proto = num(tb, "IFLA_IPTUN_PROTO");
  if (proto !== undefined) {
    if (proto === IPPROTO_IPIP) ctx.printString(PRINT_ANY, "proto", "%s ", "ipip");
    else if (proto === IPPROTO_IPV6) ctx.printString(PRINT_ANY, "proto", "%s ", "ip6ip");
    else if (proto === IPPROTO_MPLS) ctx.printString(PRINT_ANY, "proto", "%s ", "mplsip");
    else if (proto === 0) ctx.printString(PRINT_ANY, "proto", "%s ", "any");
  }
  tnlPrintEndpoint(ctx, "remote", tb["IFLA_IPTUN_REMOTE"]);
  tnlPrintEndpoint(ctx, "local", tb["IFLA_IPTUN_LOCAL"]);
  const link = num(tb, "IFLA_IPTUN_LINK");
  if (link) ctx.printString(PRINT_ANY, "link", "dev %s ", ctx.ll.llIndexToName(link));
  const ttl = num(tb, "IFLA_IPTUN_TTL") ?? 0;
  if (ctx.isJsonContext() || ttl) ctx.printUint(PRINT_ANY, "ttl", "ttl %u ", ttl);
  else ctx.printString(PRINT_FP, null, "ttl %s ", "inherit");
  const tos = num(tb, "IFLA_IPTUN_TOS") ?? 0;
  if (tos) {
    if (ctx.isJsonContext() || tos !== 1) ctx.print0xhex(PRINT_ANY, "tos", "tos %#llx ", tos);
    else ctx.printString(PRINT_FP, null, "tos %s ", "inherit");
  }
  if (num(tb, "IFLA_IPTUN_PMTUDISC")) ctx.printBool(PRINT_ANY, "pmtudisc", "pmtudisc ", true);
  else ctx.printBool(PRINT_ANY, "pmtudisc", "nopmtudisc ", false);
  const iflags = num(tb, "IFLA_IPTUN_FLAGS");
  if (iflags !== undefined && iflags & SIT_ISATAP) ctx.printBool(PRINT_ANY, "isatap", "isatap ", true);
  const plen = num(tb, "IFLA_IPTUN_6RD_PREFIXLEN");
  const pfx = tb["IFLA_IPTUN_6RD_PREFIX"];
  if (plen && pfx instanceof Uint8Array) {
    const rplen = num(tb, "IFLA_IPTUN_6RD_RELAY_PREFIXLEN") ?? 0;
    const rp = tb["IFLA_IPTUN_6RD_RELAY_PREFIX"];
    const relay = rp instanceof Uint8Array && rp.some((b) => b) ? rp : undefined;
    if (ctx.isJsonContext()) {
      ctx.printString(PRINT_JSON, "prefix", null, inetNtop6(pfx));
      ctx.printInt(PRINT_JSON, "prefixlen", null, plen);
      if (relay) {
        ctx.printString(PRINT_JSON, "relay_prefix", null, formatHost(AF_INET, relay));
        ctx.printInt(PRINT_JSON, "relay_prefixlen", null, rplen);
      }
    } else {
      ctx.printf("6rd-prefix %s/%u ", inetNtop6(pfx), plen);
      if (relay) ctx.printf("6rd-relay_prefix %s/%u ", formatHost(AF_INET, relay), rplen);
    }
  }
  const fwmark = num(tb, "IFLA_IPTUN_FWMARK");
  if (fwmark) ctx.print0xhex(PRINT_ANY, "fwmark", "fwmark %#llx ", fwmark);
  /* tnl_print_encap(): TUNNEL_ENCAP_NONE prints nothing */
}

for (const id of ["ipip", "sit"]) {
  registerLinkUtil({
    id,
    parseOpt: (ctx: IpCtx, argv: string[], data: InfoData, _req: LinkMsg) => iptunnelParseOpt(ctx, id, argv, data),
    printOpt: iptunnelPrintOpt,
    printHelp: (ctx) => printHelp(ctx, id),
  });
}
