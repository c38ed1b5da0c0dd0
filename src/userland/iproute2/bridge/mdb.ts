/**
 * iproute2 6.1 bridge/mdb.c: `bridge mdb [show [dev DEV] [vid VID]]` (print_mdb_entry, the
 * router ports) and `bridge mdb add|del dev DEV port PORT grp GROUP [permanent|temp] [vid VID]`.
 */
import type { IpCtx } from "../../lib/context.ts";
import { COLOR_IFNAME, ifaFamilyColor, PRINT_ANY, PRINT_JSON } from "../../lib/json_print.ts";
import { rtnlDump, rtnlTalk } from "../../lib/libnetlink.ts";
import { duparg, incompleteCommand, inetPton4Strict, inetPton6, llAddrA2n, matches, nodev, rtAddrN2a } from "../../lib/utils.ts";
import {
  AF_BRIDGE, AF_INET, AF_INET6, AF_PACKET, MDB_PERMANENT, type BrMdbEntry, type MdbEntryInfo, type MdbMsg,
} from "../../../kernel/uapi/rtnetlink.ts";

const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;

function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: bridge mdb { add | del } dev DEV port PORT grp GROUP [src SOURCE] [permanent | temp] [vid VID]\n" +
      "       bridge mdb {show} [ dev DEV ] [ vid VID ]\n",
  );
  return ctx.exit(-1);
}

/** format_timer(): clock ticks (1/100 s) as seconds */
function formatTimer(ticks: number, align: boolean): string {
  const sec = Math.floor(ticks / 100);
  const cs = String(ticks % 100).padStart(2, "0");
  return align ? `${String(sec).padStart(4)}.${cs}` : `${sec}.${cs}`;
}

/** print_mdb_entry() */
function printMdbEntry(ctx: IpCtx, ifindex: number, e: MdbEntryInfo, filterVlan: number): void {
  if (filterVlan && e.vid !== filterVlan) return;
  const af = !e.addr.proto ? AF_PACKET : e.addr.proto === ETH_P_IP ? AF_INET : AF_INET6;
  ctx.openJsonObject(null);
  ctx.printInt(PRINT_JSON, "index", null, ifindex);
  ctx.printString(PRINT_ANY, "dev", "dev %s", ctx.ll.llIndexToName(ifindex), COLOR_IFNAME);
  ctx.printString(PRINT_ANY, "port", " port %s", ctx.ll.llIndexToName(e.ifindex));
  ctx.printString(PRINT_ANY, "grp", " grp %s", rtAddrN2a(af, e.addr.addr), ifaFamilyColor(af));
  ctx.printString(PRINT_ANY, "state", " %s", e.state & MDB_PERMANENT ? "permanent" : "temp");
  if (ctx.showDetails && e.rtprot !== undefined) {
    ctx.printString(PRINT_ANY, "protocol", " proto %s ", ctx.names.rtnlRtprotN2a(e.rtprot));
  }
  ctx.openJsonArray(PRINT_JSON, "flags");
  ctx.closeJsonArray(PRINT_JSON, null);
  if (e.vid) ctx.printUint(PRINT_ANY, "vid", " vid %u", e.vid);
  if (ctx.showStats) ctx.printString(PRINT_ANY, "timer", " %s", formatTimer(e.timer, true));
  ctx.printNl();
  ctx.closeJsonObject();
}

/** br_print_router_ports() / print_router_entries(): the multicast router ports of a bridge */
function printRouterEntries(ctx: IpCtx, ifindex: number, ports: number[]): void {
  if (!ports.length) return;
  const br = ctx.ll.llIndexToName(ifindex);
  if (ctx.json) {
    ctx.openJsonArray(PRINT_JSON, br);
    for (const p of ports) ctx.printString(PRINT_JSON, "port", null, ctx.ll.llIndexToName(p));
    ctx.closeJsonArray(PRINT_JSON, null);
    return;
  }
  for (const p of ports) ctx.printf("router port dev %s master %s\n", ctx.ll.llIndexToName(p), br);
}

/** print_mdb_mon(): an RTM_NEWMDB / RTM_DELMDB notification (`bridge monitor mdb`) */
export function printMdbMon(ctx: IpCtx, n: MdbMsg, printHeaders: (label: string) => void): void {
  if (n.type !== "RTM_NEWMDB" && n.type !== "RTM_DELMDB") return;
  printHeaders("[MDB]");
  if (n.type === "RTM_DELMDB") ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  for (const e of n.attrs.MDBA_MDB ?? []) printMdbEntry(ctx, n.bpm.ifindex, e, 0);
  const ports = n.attrs.MDBA_ROUTER ?? [];
  if (ports.length) {
    // print_router_entries() of a notification: its first port
    const br = ctx.ll.llIndexToName(n.bpm.ifindex);
    const port = ctx.ll.llIndexToName(ports[0]!);
    if (ctx.isJsonContext()) {
      ctx.openJsonArray(PRINT_JSON, br);
      ctx.openJsonObject(null);
      ctx.printString(PRINT_JSON, "port", null, port);
      ctx.closeJsonObject();
      ctx.closeJsonArray(PRINT_JSON, null);
    } else ctx.printf("router port dev %s master %s\n", port, br);
  }
}

/** mdb_show() */
function mdbShow(ctx: IpCtx, argv: string[]): number {
  let filterDev: string | undefined;
  let filterVlan = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "dev") {
      if (++i >= argv.length) incompleteCommand(ctx);
      if (filterDev !== undefined) duparg(ctx, "dev", argv[i]!);
      filterDev = argv[i]!;
    } else if (a === "vid") {
      if (++i >= argv.length) incompleteCommand(ctx);
      if (filterVlan) duparg(ctx, "vid", argv[i]!);
      filterVlan = Number.parseInt(argv[i]!, 10) || 0;
    }
  }
  if (filterDev !== undefined && !ctx.ll.llNameToIndex(filterDev)) return nodev(ctx, filterDev);
  const req = { type: "RTM_GETMDB" as const, flags: {}, bpm: { family: AF_BRIDGE, ifindex: 0 }, attrs: {} };
  ctx.newJsonObj(ctx.json);
  ctx.openJsonObject(null);
  ctx.openJsonArray(PRINT_JSON, "mdb");
  for (const m of rtnlDump(ctx, req) as MdbMsg[]) {
    for (const e of m.attrs.MDBA_MDB ?? []) printMdbEntry(ctx, m.bpm.ifindex, e, filterVlan);
  }
  ctx.closeJsonArray(PRINT_JSON, null);
  ctx.openJsonObject("router");
  for (const m of rtnlDump(ctx, req) as MdbMsg[]) printRouterEntries(ctx, m.bpm.ifindex, m.attrs.MDBA_ROUTER ?? []);
  ctx.closeJsonObject();
  ctx.closeJsonObject();
  ctx.deleteJsonObj();
  return 0;
}

/** mdb_parse_grp(): an IPv4 or IPv6 group, else a MAC (an L2 group) */
function mdbParseGrp(ctx: IpCtx, grp: string): BrMdbEntry["addr"] | undefined {
  const v4 = inetPton4Strict(grp);
  if (v4) return { proto: ETH_P_IP, addr: v4 };
  const v6 = inetPton6(grp);
  if (v6) return { proto: ETH_P_IPV6, addr: v6 };
  const mac = llAddrA2n(ctx, grp, 6);
  if (mac && mac.length === 6) return { proto: 0, addr: mac };
  return undefined;
}

/** mdb_modify() */
function mdbModify(ctx: IpCtx, cmd: "RTM_NEWMDB" | "RTM_DELMDB", flags: { create?: boolean; excl?: boolean }, argv: string[]): number {
  let d: string | undefined;
  let p: string | undefined;
  let grp: string | undefined;
  let src: string | undefined;
  let state = 0;
  let vid = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      if (++i >= argv.length) incompleteCommand(ctx);
      return argv[i]!;
    };
    if (a === "dev") d = next();
    else if (a === "grp") grp = next();
    else if (a === "port") p = next();
    else if (a === "permanent") {
      if (cmd === "RTM_NEWMDB") state |= MDB_PERMANENT;
    } else if (a === "temp") {
      /* nothing */
    } else if (a === "vid") vid = (Number.parseInt(next(), 10) || 0) & 0xffff;
    else if (a === "src") src = next();
    else if (!matches(a, "help")) usage(ctx);
  }
  if (d === undefined || grp === undefined || p === undefined) {
    ctx.err("Device, group address and port name are required arguments.\n");
    return -1;
  }
  const brIndex = ctx.ll.llNameToIndex(d);
  if (!brIndex) return nodev(ctx, d);
  const portIndex = ctx.ll.llNameToIndex(p);
  if (!portIndex) return nodev(ctx, p);
  const addr = mdbParseGrp(ctx, grp);
  if (!addr) {
    ctx.err('Invalid address "%s"\n', grp);
    return -1;
  }
  const entry: BrMdbEntry = { ifindex: portIndex, state, flags: 0, vid, addr };
  const attrs: MdbMsg["attrs"] = { MDBA_SET_ENTRY: entry };
  if (src !== undefined) {
    const s = inetPton4Strict(src) ?? inetPton6(src);
    if (!s) {
      ctx.err('Invalid source address "%s"\n', src);
      return -1;
    }
    attrs.MDBA_SET_ENTRY_ATTRS = { MDBE_ATTR_SOURCE: s };
  }
  const r = rtnlTalk(ctx, { type: cmd, flags, bpm: { family: AF_BRIDGE, ifindex: brIndex }, attrs });
  return r.ret < 0 ? -1 : 0;
}

/** do_mdb() */
export function doMdb(ctx: IpCtx, argv: string[]): number {
  ctx.ll.llInitMap();
  if (!argv.length) return mdbShow(ctx, []);
  const [c, ...rest] = argv as [string, ...string[]];
  if (!matches(c, "add")) return mdbModify(ctx, "RTM_NEWMDB", { create: true, excl: true }, rest);
  if (!matches(c, "delete")) return mdbModify(ctx, "RTM_DELMDB", {}, rest);
  if (!matches(c, "show") || !matches(c, "lst") || !matches(c, "list")) return mdbShow(ctx, rest);
  if (!matches(c, "help")) usage(ctx);
  ctx.err('Command "%s" is unknown, try "bridge mdb help".\n', c);
  return ctx.exit(-1);
}
