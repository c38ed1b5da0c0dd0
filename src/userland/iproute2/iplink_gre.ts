/**
 * ip/link_gre.c (iproute2 6.1): `type gre|gretap|erspan` options (gre_parse_opt without the
 * encap/erspan options) and the `ip -d link` printer (gre_print_opt). IFLA_INFO_DATA keys are
 * the kernel's IFLA_GRE_* names; addresses and keys are 4-byte Uint8Arrays, flags GRE_* bits.
 */
import type { IpCtx } from "../lib/context.ts";
import type { InfoData, LinkMsg } from "../../kernel/uapi/rtnetlink.ts";
import { AF_INET } from "../../kernel/uapi/rtnetlink.ts";
import { GRE_CSUM, GRE_KEY, GRE_SEQ } from "../../kernel/uapi/if_tunnel.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import { getAddr, getU8, getUnsigned, incompleteCommand, inetNtop4, invarg, matches, nodev } from "../lib/utils.ts";
import { ipv4ToBytes } from "../../wire/addr.ts";
import { registerLinkUtil } from "./link_util.ts";
import { tnlParseKey, tnlPrintEndpoint } from "./tunnel.ts";

/** ip/link_gre.c: gre_print_help() */
function printHelp(ctx: IpCtx, id: string): void {
  ctx.err(
    `Usage: ... ${id.padEnd(6)} [ remote ADDR ]\n` +
      "\t\t[ local ADDR ]\n" +
      "\t\t[ [no][i|o]seq ]\n" +
      "\t\t[ [i|o]key KEY | no[i|o]key ]\n" +
      "\t\t[ [no][i|o]csum ]\n" +
      "\t\t[ ttl TTL ]\n" +
      "\t\t[ tos TOS ]\n" +
      "\t\t[ [no]pmtudisc ]\n" +
      "\t\t[ [no]ignore-df ]\n" +
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
      (id === "erspan" ? "\t\t[ erspan_ver version ]\n\t\t[ erspan IDX ]\n\t\t[ erspan_dir { ingress | egress } ]\n\t\t[ erspan_hwid hwid ]\n" : "") +
      "\n" +
      "Where:\tADDR := { IP_ADDRESS }\n" +
      "\tTOS  := { NUMBER | inherit }\n" +
      "\tTTL  := { 1..255 | inherit }\n" +
      "\tKEY  := { DOTTED_QUAD | NUMBER }\n" +
      "\tMARK := { 0x0..0xffffffff }\n",
  );
}

/** ip/link_gre.c: gre_parse_opt() (creation; the existing tunnel's values are not re-read) */
function greParseOpt(ctx: IpCtx, id: string, argv: string[], data: InfoData): number {
  let iflags = 0;
  let oflags = 0;
  let ikey = 0;
  let okey = 0;
  let pmtudisc = 1;
  let ignoreDf = 0;
  let tos = 0;
  let ttl = 0;
  let link = 0;
  let metadata = false;
  let fwmark = 0;
  let saddr: Uint8Array | undefined;
  let daddr: Uint8Array | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      return argv[++i]!;
    };
    if (!matches(a, "key")) {
      const k = next();
      iflags |= GRE_KEY;
      oflags |= GRE_KEY;
      ikey = okey = tnlParseKey(ctx, "key", k);
    } else if (!matches(a, "nokey")) {
      iflags &= ~GRE_KEY;
      oflags &= ~GRE_KEY;
      ikey = okey = 0;
    } else if (!matches(a, "ikey")) {
      const k = next();
      iflags |= GRE_KEY;
      ikey = tnlParseKey(ctx, "ikey", k);
    } else if (!matches(a, "noikey")) {
      iflags &= ~GRE_KEY;
      ikey = 0;
    } else if (!matches(a, "okey")) {
      const k = next();
      oflags |= GRE_KEY;
      okey = tnlParseKey(ctx, "okey", k);
    } else if (!matches(a, "nookey")) {
      oflags &= ~GRE_KEY;
      okey = 0;
    } else if (!matches(a, "seq")) {
      iflags |= GRE_SEQ;
      oflags |= GRE_SEQ;
    } else if (!matches(a, "noseq")) {
      iflags &= ~GRE_SEQ;
      oflags &= ~GRE_SEQ;
    } else if (!matches(a, "iseq")) iflags |= GRE_SEQ;
    else if (!matches(a, "noiseq")) iflags &= ~GRE_SEQ;
    else if (!matches(a, "oseq")) oflags |= GRE_SEQ;
    else if (!matches(a, "nooseq")) oflags &= ~GRE_SEQ;
    else if (!matches(a, "csum")) {
      iflags |= GRE_CSUM;
      oflags |= GRE_CSUM;
    } else if (!matches(a, "nocsum")) {
      iflags &= ~GRE_CSUM;
      oflags &= ~GRE_CSUM;
    } else if (!matches(a, "icsum")) iflags |= GRE_CSUM;
    else if (!matches(a, "noicsum")) iflags &= ~GRE_CSUM;
    else if (!matches(a, "ocsum")) oflags |= GRE_CSUM;
    else if (!matches(a, "noocsum")) oflags &= ~GRE_CSUM;
    else if (!matches(a, "nopmtudisc")) pmtudisc = 0;
    else if (!matches(a, "pmtudisc")) pmtudisc = 1;
    else if (!matches(a, "remote")) {
      const p = getAddr(ctx, next(), AF_INET);
      daddr = p.bytelen ? Uint8Array.from(p.data.slice(0, 4)) : undefined;
    } else if (!matches(a, "local")) {
      const p = getAddr(ctx, next(), AF_INET);
      saddr = p.bytelen ? Uint8Array.from(p.data.slice(0, 4)) : undefined;
    } else if (!matches(a, "dev")) {
      const v = next();
      link = ctx.ll.llNameToIndex(v);
      if (!link) ctx.exit(nodev(ctx, v));
    } else if (!matches(a, "ttl") || !matches(a, "hoplimit") || !matches(a, "hlim")) {
      const v = next();
      if (v !== "inherit") {
        const u = getU8(v, 0);
        if (u === undefined) invarg(ctx, "invalid TTL\n", v);
        ttl = u;
      } else ttl = 0;
    } else if (!matches(a, "tos") || !matches(a, "tclass") || !matches(a, "dsfield")) {
      const v = next();
      if (v !== "inherit") {
        const u = ctx.names.rtnlDsfieldA2n(v);
        if (u === undefined) invarg(ctx, "bad TOS value", v);
        tos = u;
      } else tos = 1;
    } else if (a === "external") metadata = true;
    else if (a === "ignore-df") ignoreDf = 1;
    else if (a === "noignore-df") ignoreDf = 2;
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
  if (daddr && (daddr[0]! & 0xf0) === 0xe0) {
    const d = ((daddr[0]! << 24) | (daddr[1]! << 16) | (daddr[2]! << 8) | daddr[3]!) >>> 0;
    if (!ikey) {
      ikey = d;
      iflags |= GRE_KEY;
    }
    if (!okey) {
      okey = d;
      oflags |= GRE_KEY;
    }
    if (!saddr || saddr.every((b) => b === 0)) {
      ctx.err("A broadcast tunnel requires a source address.\n");
      return -1;
    }
  }
  if (metadata) {
    data["IFLA_GRE_COLLECT_METADATA"] = true;
    return 0;
  }
  data["IFLA_GRE_IKEY"] = ipv4ToBytes(ikey);
  data["IFLA_GRE_OKEY"] = ipv4ToBytes(okey);
  data["IFLA_GRE_IFLAGS"] = iflags;
  data["IFLA_GRE_OFLAGS"] = oflags;
  if (saddr) data["IFLA_GRE_LOCAL"] = saddr;
  if (daddr) data["IFLA_GRE_REMOTE"] = daddr;
  data["IFLA_GRE_PMTUDISC"] = pmtudisc;
  if (ignoreDf) data["IFLA_GRE_IGNORE_DF"] = ignoreDf & 1;
  data["IFLA_GRE_TOS"] = tos;
  data["IFLA_GRE_TTL"] = ttl;
  if (link) data["IFLA_GRE_LINK"] = link;
  data["IFLA_GRE_FWMARK"] = fwmark;
  return 0;
}

function num(tb: InfoData, k: string): number | undefined {
  const v = tb[k];
  if (typeof v === "boolean") return v ? 1 : 0;
  return typeof v === "number" ? v : undefined;
}

/** ip/link_gre.c: gre_print_opt() */
function grePrintOpt(ctx: IpCtx, tb: InfoData | undefined): void {
  if (!tb) return;
  if (tb["IFLA_GRE_COLLECT_METADATA"]) ctx.printBool(PRINT_ANY, "external", "external ", true);
  tnlPrintEndpoint(ctx, "remote", tb["IFLA_GRE_REMOTE"]);
  tnlPrintEndpoint(ctx, "local", tb["IFLA_GRE_LOCAL"]);
  const link = num(tb, "IFLA_GRE_LINK");
  if (link) ctx.printString(PRINT_ANY, "link", "dev %s ", ctx.ll.llIndexToName(link));
  const ttl = num(tb, "IFLA_GRE_TTL") ?? 0;
  if (ctx.isJsonContext() || ttl) ctx.printUint(PRINT_ANY, "ttl", "ttl %u ", ttl);
  else ctx.printString(PRINT_FP, null, "ttl %s ", "inherit");
  const tos = num(tb, "IFLA_GRE_TOS") ?? 0;
  if (tos) {
    if (ctx.isJsonContext() || tos !== 1) ctx.print0xhex(PRINT_ANY, "tos", "tos %#llx ", tos);
    else ctx.printString(PRINT_FP, null, "tos %s ", "inherit");
  }
  const pm = num(tb, "IFLA_GRE_PMTUDISC");
  if (pm !== undefined) {
    if (!pm) ctx.printBool(PRINT_ANY, "pmtudisc", "nopmtudisc ", false);
    else ctx.printBool(PRINT_JSON, "pmtudisc", null, true);
  }
  if (num(tb, "IFLA_GRE_IGNORE_DF")) ctx.printBool(PRINT_ANY, "ignore_df", "ignore-df ", true);
  const iflags = num(tb, "IFLA_GRE_IFLAGS") ?? 0;
  const oflags = num(tb, "IFLA_GRE_OFLAGS") ?? 0;
  const ik = tb["IFLA_GRE_IKEY"];
  if (iflags & GRE_KEY && ik instanceof Uint8Array) ctx.printString(PRINT_ANY, "ikey", "ikey %s ", inetNtop4(ik));
  const ok = tb["IFLA_GRE_OKEY"];
  if (oflags & GRE_KEY && ok instanceof Uint8Array) ctx.printString(PRINT_ANY, "okey", "okey %s ", inetNtop4(ok));
  if (iflags & GRE_SEQ) ctx.printBool(PRINT_ANY, "iseq", "iseq ", true);
  if (oflags & GRE_SEQ) ctx.printBool(PRINT_ANY, "oseq", "oseq ", true);
  if (iflags & GRE_CSUM) ctx.printBool(PRINT_ANY, "icsum", "icsum ", true);
  if (oflags & GRE_CSUM) ctx.printBool(PRINT_ANY, "ocsum", "ocsum ", true);
  const fwmark = num(tb, "IFLA_GRE_FWMARK");
  if (fwmark) ctx.print0xhex(PRINT_ANY, "fwmark", "fwmark %#llx ", fwmark);
  const idx = num(tb, "IFLA_GRE_ERSPAN_INDEX");
  if (idx !== undefined) ctx.printUint(PRINT_ANY, "erspan_index", "erspan_index %u ", idx);
  const ver = num(tb, "IFLA_GRE_ERSPAN_VER");
  if (ver !== undefined) ctx.printUint(PRINT_ANY, "erspan_ver", "erspan_ver %u ", ver);
}

for (const id of ["gre", "gretap", "erspan"]) {
  registerLinkUtil({
    id,
    parseOpt: (ctx: IpCtx, argv: string[], data: InfoData, _req: LinkMsg) => greParseOpt(ctx, id, argv, data),
    printOpt: grePrintOpt,
    printHelp: (ctx) => printHelp(ctx, id),
  });
}
