/**
 * ip/iplink_vlan.c: `type vlan` options (vlan_parse_opt, vlan_print_opt, vlan_print_help).
 * IFLA_INFO_DATA: IFLA_VLAN_ID, IFLA_VLAN_PROTOCOL (ETH_P_* in host order), IFLA_VLAN_FLAGS
 * {flags, mask}, IFLA_VLAN_INGRESS_QOS / IFLA_VLAN_EGRESS_QOS [{from, to}].
 */
import type { IpCtx } from "../lib/context.ts";
import type { InfoData } from "../../kernel/uapi/rtnetlink.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import { llProtoA2n, llProtoN2a } from "../lib/ll_map.ts";
import { getU16, getU32, incompleteCommand, invarg, matches } from "../lib/utils.ts";
import { registerLinkUtil } from "./link_util.ts";

const VLAN_FLAG_REORDER_HDR = 0x1;
const VLAN_FLAG_GVRP = 0x2;
const VLAN_FLAG_LOOSE_BINDING = 0x4;
const VLAN_FLAG_MVRP = 0x8;
const VLAN_FLAG_BRIDGE_BINDING = 0x10;

interface QosMapping {
  from: number;
  to: number;
}

/** ip/iplink_vlan.c: print_explain() */
function printExplain(ctx: IpCtx): void {
  ctx.err(
    "Usage: ... vlan id VLANID\n" +
      "\t\t[ protocol VLANPROTO ]\n" +
      "\t\t[ reorder_hdr { on | off } ]\n" +
      "\t\t[ gvrp { on | off } ]\n" +
      "\t\t[ mvrp { on | off } ]\n" +
      "\t\t[ loose_binding { on | off } ]\n" +
      "\t\t[ bridge_binding { on | off } ]\n" +
      "\t\t[ ingress-qos-map QOS-MAP ]\n" +
      "\t\t[ egress-qos-map QOS-MAP ]\n" +
      "\n" +
      "VLANID := 0-4095\n" +
      "VLANPROTO: [ 802.1Q | 802.1ad ]\n" +
      "QOS-MAP := [ QOS-MAP ] QOS-MAPPING\n" +
      "QOS-MAPPING := FROM:TO\n",
  );
}

function onOff(ctx: IpCtx, msg: string, arg: string): number {
  ctx.err('Error: argument of "%s" must be "on" or "off", not "%s"\n', msg, arg);
  return -1;
}

/** lib/utils.c: parse_mapping() with parse_qos_mapping(): consumes FROM:TO words */
function parseQosMap(argv: string[], i: number): { maps: QosMapping[]; next: number; bad: boolean } {
  const maps: QosMapping[] = [];
  let k = i;
  while (k < argv.length) {
    const a = argv[k]!;
    const colon = a.indexOf(":");
    if (colon < 0) break;
    const from = getU32(a.slice(0, colon), 0);
    const to = getU32(a.slice(colon + 1), 0);
    if (from === undefined || to === undefined) return { maps, next: k, bad: true };
    maps.push({ from, to });
    k++;
  }
  return { maps, next: k, bad: false };
}

/** ip/iplink_vlan.c: vlan_parse_opt() */
function vlanParseOpt(ctx: IpCtx, argv: string[], data: InfoData): number {
  const flags = { flags: 0, mask: 0 };
  let i = 0;
  const next = (): string => {
    i++;
    if (i >= argv.length) incompleteCommand(ctx);
    return argv[i]!;
  };
  const flag = (name: string, bit: number): number => {
    const v = next();
    flags.mask |= bit;
    if (v === "on") flags.flags |= bit;
    else if (v === "off") flags.flags &= ~bit;
    else return onOff(ctx, name, v);
    return 0;
  };
  while (i < argv.length) {
    const a = argv[i]!;
    if (!matches(a, "protocol")) {
      const v = next();
      const proto = llProtoA2n(v);
      if (proto === undefined) invarg(ctx, "protocol is invalid", v);
      data["IFLA_VLAN_PROTOCOL"] = proto;
    } else if (!matches(a, "id")) {
      const v = next();
      const id = getU16(v, 0);
      if (id === undefined) invarg(ctx, "id is invalid", v);
      data["IFLA_VLAN_ID"] = id;
    } else if (!matches(a, "reorder_hdr")) {
      if (flag("reorder_hdr", VLAN_FLAG_REORDER_HDR)) return -1;
    } else if (!matches(a, "gvrp")) {
      if (flag("gvrp", VLAN_FLAG_GVRP)) return -1;
    } else if (!matches(a, "mvrp")) {
      if (flag("mvrp", VLAN_FLAG_MVRP)) return -1;
    } else if (!matches(a, "loose_binding")) {
      if (flag("loose_binding", VLAN_FLAG_LOOSE_BINDING)) return -1;
    } else if (!matches(a, "bridge_binding")) {
      if (flag("bridge_binding", VLAN_FLAG_BRIDGE_BINDING)) return -1;
    } else if (!matches(a, "ingress-qos-map") || !matches(a, "egress-qos-map")) {
      const ingress = !matches(a, "ingress-qos-map");
      next();
      const r = parseQosMap(argv, i);
      if (r.bad) invarg(ctx, ingress ? "invalid ingress-qos-map" : "invalid egress-qos-map", argv[r.next]!);
      data[ingress ? "IFLA_VLAN_INGRESS_QOS" : "IFLA_VLAN_EGRESS_QOS"] = r.maps;
      i = r.next;
      continue;
    } else if (!matches(a, "help")) {
      printExplain(ctx);
      return -1;
    } else {
      ctx.err('vlan: unknown command "%s"?\n', a);
      printExplain(ctx);
      return -1;
    }
    i++;
  }
  if (flags.mask) data["IFLA_VLAN_FLAGS"] = flags;
  return 0;
}

/** ip/iplink_vlan.c: vlan_print_map() */
function vlanPrintMap(ctx: IpCtx, nameJson: string, nameFp: string, maps: QosMapping[]): void {
  ctx.openJsonArray(PRINT_JSON, nameJson);
  ctx.printNl();
  ctx.printString(PRINT_FP, null, "      %s { ", nameFp);
  for (const m of maps) {
    if (ctx.isJsonContext()) {
      ctx.openJsonObject(null);
      ctx.printUint(PRINT_JSON, "from", null, m.from);
      ctx.printUint(PRINT_JSON, "to", null, m.to);
      ctx.closeJsonObject();
    } else ctx.printf("%u:%u ", m.from, m.to);
  }
  ctx.closeJsonArray(PRINT_JSON, null);
  ctx.printString(PRINT_FP, null, "%s ", "}");
}

/** ip/iplink_vlan.c: vlan_print_flags() */
function vlanPrintFlags(ctx: IpCtx, flagsIn: number): void {
  let flags = flagsIn;
  ctx.openJsonArray(PRINT_ANY, ctx.isJsonContext() ? "flags" : "<");
  const tbl: [number, string][] = [
    [VLAN_FLAG_REORDER_HDR, "REORDER_HDR"], [VLAN_FLAG_GVRP, "GVRP"], [VLAN_FLAG_MVRP, "MVRP"],
    [VLAN_FLAG_LOOSE_BINDING, "LOOSE_BINDING"], [VLAN_FLAG_BRIDGE_BINDING, "BRIDGE_BINDING"],
  ];
  for (const [bit, name] of tbl) {
    if (flags & bit) {
      flags &= ~bit;
      ctx.printString(PRINT_ANY, null, flags ? "%s," : "%s", name);
    }
  }
  if (flags) ctx.printHex(PRINT_ANY, null, "%x", flags);
  ctx.closeJsonArray(PRINT_ANY, "> ");
}

/** ip/iplink_vlan.c: vlan_print_opt() */
function vlanPrintOpt(ctx: IpCtx, tb: InfoData | undefined): void {
  if (!tb) return;
  const id = tb["IFLA_VLAN_ID"];
  if (typeof id !== "number") return;
  const proto = tb["IFLA_VLAN_PROTOCOL"];
  if (typeof proto === "number") ctx.printString(PRINT_ANY, "protocol", "protocol %s ", llProtoN2a(proto));
  else ctx.printString(PRINT_ANY, "protocol", "protocol %s ", "802.1q");
  ctx.printUint(PRINT_ANY, "id", "id %u ", id);
  const fl = tb["IFLA_VLAN_FLAGS"] as { flags?: number } | number | undefined;
  if (fl !== undefined) vlanPrintFlags(ctx, typeof fl === "number" ? fl : (fl.flags ?? 0));
  const ing = tb["IFLA_VLAN_INGRESS_QOS"];
  if (Array.isArray(ing)) vlanPrintMap(ctx, "ingress_qos", "ingress-qos-map", ing as QosMapping[]);
  const egr = tb["IFLA_VLAN_EGRESS_QOS"];
  if (Array.isArray(egr)) vlanPrintMap(ctx, "egress_qos", "egress-qos-map", egr as QosMapping[]);
}

registerLinkUtil({
  id: "vlan",
  parseOpt: (ctx, argv, data) => vlanParseOpt(ctx, argv, data),
  printOpt: vlanPrintOpt,
  printHelp: (ctx) => printExplain(ctx),
});
