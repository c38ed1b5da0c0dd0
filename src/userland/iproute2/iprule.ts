/**
 * ip/iprule.c: `ip rule` — list/flush/save with selectors, add/del, restore
 * (filter_nlmsg, print_rule, flush_rule, iprule_list_flush_or_save, iprule_modify, do_iprule).
 */
import type { IpCtx } from "../lib/context.ts";
import type { FraAttrs, RtnlMsg, RuleMsg } from "../../kernel/uapi/rtnetlink.ts";
import {
  AF_INET, AF_UNSPEC, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_TO_TBL, RTN_NAT, RTPROT_KERNEL, RT_TABLE_MAIN,
  RT_TABLE_UNSPEC,
} from "../../kernel/uapi/rtnetlink.ts";
import { PRINT_ANY, PRINT_FP } from "../lib/json_print.ts";
import {
  afBitLen, checkIfname, formatHost, getPrefix, getS32, getU32, getU64, getU8, incompleteCommand,
  inetAddrMatchRta, inetPton4Strict, invarg, matches, newPrefix, rtAddrN2a, type InetPrefix,
} from "../lib/utils.ts";
import { rtnlDumpFilter, rtnlTalk } from "../lib/libnetlink.ts";
import { rtnlRtntypeA2n, rtnlRtntypeN2a } from "../lib/rt_names.ts";

/** include/uapi/linux/fib_rules.h */
const FIB_RULE_INVERT = 0x00000002;
const FIB_RULE_UNRESOLVED = 0x00000004;
const FIB_RULE_IIF_DETACHED = 0x00000008;
const FIB_RULE_OIF_DETACHED = 0x00000010;
const FR_ACT_UNSPEC = 0;

interface PortRange {
  start: number;
  end: number;
}

/** FRA_* attributes the uapi does not carry yet (read if a kernel sends them) */
export type FraAttrsX = FraAttrs & {
  FRA_FLOW?: number;
  FRA_TUN_ID?: bigint;
  FRA_IP_PROTO?: number;
  FRA_SPORT_RANGE?: PortRange;
  FRA_DPORT_RANGE?: PortRange;
  /** RTA_GATEWAY of a `nat` rule */
  RTA_GATEWAY?: Uint8Array;
};

/** ip/iprule.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip rule { add | del } SELECTOR ACTION\n" +
      "       ip rule { flush | save | restore }\n" +
      "       ip rule [ list [ SELECTOR ]]\n" +
      "SELECTOR := [ not ] [ from PREFIX ] [ to PREFIX ] [ tos TOS ]\n" +
      "            [ fwmark FWMARK[/MASK] ]\n" +
      "            [ iif STRING ] [ oif STRING ] [ pref NUMBER ] [ l3mdev ]\n" +
      "            [ uidrange NUMBER-NUMBER ]\n" +
      "            [ ipproto PROTOCOL ]\n" +
      "            [ sport [ NUMBER | NUMBER-NUMBER ]\n" +
      "            [ dport [ NUMBER | NUMBER-NUMBER ] ]\n" +
      "ACTION := [ table TABLE_ID ]\n" +
      "          [ protocol PROTO ]\n" +
      "          [ nat ADDRESS ]\n" +
      "          [ realms [SRCREALM/]DSTREALM ]\n" +
      "          [ goto NUMBER ]\n" +
      "          SUPPRESSOR\n" +
      "SUPPRESSOR := [ suppress_prefixlength NUMBER ]\n" +
      "              [ suppress_ifgroup DEVGROUP ]\n" +
      "TABLE_ID := [ local | main | default | NUMBER ]\n",
  );
  return ctx.exit(-1);
}

/** ip/iprule.c: the static `filter` */
interface RuleFilter {
  not: number;
  l3mdev: number;
  iifmask: number;
  oifmask: number;
  uidrange: number;
  tb: number;
  tos: number;
  tosmask: number;
  pref: number;
  prefmask: number;
  fwmark: number;
  fwmask: number;
  tunId: bigint;
  iif: string;
  oif: string;
  range: PortRange;
  src: InetPrefix;
  dst: InetPrefix;
  protocol: number;
  protocolmask: number;
  sport: PortRange;
  dport: PortRange;
  ipproto: number;
}

function newFilter(): RuleFilter {
  return {
    not: 0, l3mdev: 0, iifmask: 0, oifmask: 0, uidrange: 0, tb: 0, tos: 0, tosmask: 0, pref: 0, prefmask: 0,
    fwmark: 0, fwmask: 0, tunId: 0n, iif: "", oif: "", range: { start: 0, end: 0 }, src: newPrefix(),
    dst: newPrefix(), protocol: 0, protocolmask: 0, sport: { start: 0, end: 0 }, dport: { start: 0, end: 0 },
    ipproto: 0,
  };
}

const filters = new WeakMap<IpCtx, RuleFilter>();
function filterOf(ctx: IpCtx): RuleFilter {
  let f = filters.get(ctx);
  if (!f) filters.set(ctx, (f = newFilter()));
  return f;
}

/** ip/iprule.c: frh_get_table() */
function frhGetTable(n: RuleMsg): number {
  return n.attrs.FRA_TABLE !== undefined ? n.attrs.FRA_TABLE : n.frh.table;
}

/** ip/iprule.c: filter_nlmsg() */
function filterNlmsg(ctx: IpCtx, f: RuleFilter, n: RuleMsg): boolean {
  const frh = n.frh;
  const tb = n.attrs as FraAttrsX;
  if (ctx.preferredFamily !== AF_UNSPEC && frh.family !== ctx.preferredFamily) return false;
  if (f.prefmask && (f.pref ^ (tb.FRA_PRIORITY ?? 0))) return false;
  if (f.not && !(frh.flags & FIB_RULE_INVERT)) return false;
  if (f.src.family) {
    if (f.src.family !== frh.family || f.src.bitlen > frh.src_len) return false;
    if (inetAddrMatchRta(f.src, tb.FRA_SRC)) return false;
  }
  if (f.dst.family) {
    if (f.dst.family !== frh.family || f.dst.bitlen > frh.dst_len) return false;
    if (inetAddrMatchRta(f.dst, tb.FRA_DST)) return false;
  }
  if (f.tosmask && f.tos ^ frh.tos) return false;
  if (f.fwmark && (f.fwmark ^ (tb.FRA_FWMARK ?? 0))) return false;
  if (f.fwmask && (f.fwmask ^ (tb.FRA_FWMASK ?? 0))) return false;
  if (f.iifmask && (tb.FRA_IIFNAME === undefined || f.iif !== tb.FRA_IIFNAME)) return false;
  if (f.oifmask && (tb.FRA_OIFNAME === undefined || f.oif !== tb.FRA_OIFNAME)) return false;
  if (f.l3mdev && !tb.FRA_L3MDEV) return false;
  if (f.uidrange) {
    const r = tb.FRA_UID_RANGE;
    if (!r || r.start !== f.range.start || r.end !== f.range.end) return false;
  }
  if (f.ipproto && f.ipproto !== (tb.FRA_IP_PROTO ?? 0)) return false;
  if (f.sport.start) {
    const r = tb.FRA_SPORT_RANGE;
    if (!r || r.start !== f.sport.start || r.end !== f.sport.end) return false;
  }
  if (f.dport.start) {
    const r = tb.FRA_DPORT_RANGE;
    if (!r || r.start !== f.dport.start || r.end !== f.dport.end) return false;
  }
  if (f.tunId) {
    if (tb.FRA_TUN_ID === undefined || tb.FRA_TUN_ID !== f.tunId) return false;
  }
  const table = frhGetTable(n);
  if (f.tb > 0 && f.tb ^ table) return false;
  return true;
}

/** lib/utils.c: inet_proto_n2a() */
export function inetProtoN2a(proto: number): string {
  switch (proto) {
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 1:
      return "icmp";
    case 58:
      return "ipv6-icmp";
  }
  const byNum: Record<number, string> = { 0: "ip", 2: "igmp", 4: "ipencap", 41: "ipv6", 47: "gre", 50: "esp", 51: "ah", 132: "sctp", 136: "udplite" };
  return byNum[proto] ?? `ipproto-${proto}`;
}

/** lib/utils.c: inet_proto_a2n() */
export function inetProtoA2n(buf: string): number {
  const names: Record<string, number> = {
    tcp: 6, udp: 17, icmp: 1, "ipv6-icmp": 58, ip: 0, igmp: 2, ipencap: 4, ipv6: 41, gre: 47, esp: 50, ah: 51,
    sctp: 132, udplite: 136,
  };
  if (buf in names) return names[buf]!;
  const v = getU8(buf, 0);
  return v === undefined ? -1 : v;
}

/** ip/iprule.c: print_rule() */
export function printRule(ctx: IpCtx, n: RtnlMsg): number {
  if (n.type !== "RTM_NEWRULE" && n.type !== "RTM_DELRULE") return 0;
  const frh = n.frh;
  const tb = n.attrs as FraAttrsX;
  const hostLen = afBitLen(frh.family);
  if (!filterNlmsg(ctx, filterOf(ctx), n)) return 0;
  ctx.openJsonObject(null);
  if (n.type === "RTM_DELRULE") ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  const prio = tb.FRA_PRIORITY ?? 0;
  ctx.printUint(PRINT_ANY, "priority", "%u:\t", prio);
  if (frh.flags & FIB_RULE_INVERT) ctx.printNull(PRINT_ANY, "not", "not ", null);
  if (tb.FRA_SRC) {
    ctx.printString(PRINT_FP, null, "from ", null);
    ctx.printString(PRINT_ANY, "src", "%s", rtAddrN2a(frh.family, tb.FRA_SRC));
    if (frh.src_len !== hostLen) ctx.printUint(PRINT_ANY, "srclen", "/%u", frh.src_len);
  } else if (frh.src_len) {
    ctx.printString(PRINT_ANY, "src", "from %s", "0");
    ctx.printUint(PRINT_ANY, "srclen", "/%u", frh.src_len);
  } else {
    ctx.printString(PRINT_ANY, "src", "from %s", "all");
  }
  if (tb.FRA_DST) {
    ctx.printString(PRINT_FP, null, " to ", null);
    ctx.printString(PRINT_ANY, "dst", "%s", rtAddrN2a(frh.family, tb.FRA_DST));
    if (frh.dst_len !== hostLen) ctx.printUint(PRINT_ANY, "dstlen", "/%u", frh.dst_len);
  } else if (frh.dst_len) {
    ctx.printString(PRINT_ANY, "dst", " to %s", "0");
    ctx.printUint(PRINT_ANY, "dstlen", "/%u", frh.dst_len);
  }
  if (frh.tos) ctx.printString(PRINT_ANY, "tos", " tos %s", ctx.names.rtnlDsfieldN2a(frh.tos));
  if (tb.FRA_FWMARK !== undefined || tb.FRA_FWMASK !== undefined) {
    const mark = tb.FRA_FWMARK ?? 0;
    const mask = tb.FRA_FWMASK;
    ctx.print0xhex(PRINT_ANY, "fwmark", " fwmark %#llx", mark >>> 0);
    if (mask !== undefined && mask >>> 0 !== 0xffffffff) ctx.print0xhex(PRINT_ANY, "fwmask", "/%#llx", mask >>> 0);
  }
  if (tb.FRA_IIFNAME !== undefined) {
    if (!ctx.isJsonContext()) ctx.printf(" iif ");
    ctx.printString(PRINT_ANY, "iif", "%s", tb.FRA_IIFNAME);
    if (frh.flags & FIB_RULE_IIF_DETACHED) ctx.printNull(PRINT_ANY, "iif_detached", " [detached]", null);
  }
  if (tb.FRA_OIFNAME !== undefined) {
    if (!ctx.isJsonContext()) ctx.printf(" oif ");
    ctx.printString(PRINT_ANY, "oif", "%s", tb.FRA_OIFNAME);
    if (frh.flags & FIB_RULE_OIF_DETACHED) ctx.printNull(PRINT_ANY, "oif_detached", " [detached]", null);
  }
  if (tb.FRA_L3MDEV) ctx.printNull(PRINT_ANY, "l3mdev", " lookup [l3mdev-table]", null);
  if (tb.FRA_UID_RANGE) {
    ctx.printUint(PRINT_ANY, "uid_start", " uidrange %u", tb.FRA_UID_RANGE.start);
    ctx.printUint(PRINT_ANY, "uid_end", "-%u", tb.FRA_UID_RANGE.end);
  }
  if (tb.FRA_IP_PROTO !== undefined) ctx.printString(PRINT_ANY, "ipproto", " ipproto %s", inetProtoN2a(tb.FRA_IP_PROTO));
  for (const [r, key] of [[tb.FRA_SPORT_RANGE, "sport"], [tb.FRA_DPORT_RANGE, "dport"]] as const) {
    if (!r) continue;
    if (r.start === r.end) ctx.printUint(PRINT_ANY, key, ` ${key} %u`, r.start);
    else {
      ctx.printUint(PRINT_ANY, `${key}_start`, ` ${key} %u`, r.start);
      ctx.printUint(PRINT_ANY, `${key}_end`, "-%u", r.end);
    }
  }
  if (tb.FRA_TUN_ID !== undefined) ctx.printU64(PRINT_ANY, "tun_id", " tun_id %llu", tb.FRA_TUN_ID);
  const table = frhGetTable(n);
  if (table) {
    ctx.printString(PRINT_ANY, "table", " lookup %s", ctx.names.rtnlRttableN2a(table));
    if (tb.FRA_SUPPRESS_PREFIXLEN !== undefined) {
      const pl = tb.FRA_SUPPRESS_PREFIXLEN | 0;
      if (pl !== -1) ctx.printInt(PRINT_ANY, "suppress_prefixlen", " suppress_prefixlength %d", pl);
    }
    if (tb.FRA_SUPPRESS_IFGROUP !== undefined) {
      const group = tb.FRA_SUPPRESS_IFGROUP | 0;
      if (group !== -1) ctx.printString(PRINT_ANY, "suppress_ifgroup", " suppress_ifgroup %s", ctx.names.rtnlGroupN2a(group));
    }
  }
  if (tb.FRA_FLOW !== undefined) {
    const from = tb.FRA_FLOW >>> 16;
    const to = tb.FRA_FLOW & 0xffff;
    if (from) ctx.printString(PRINT_ANY, "flow_from", " realms %s/", ctx.names.rtnlRtrealmN2a(from));
    else ctx.printString(PRINT_FP, null, " realms ", null);
    ctx.printString(PRINT_ANY, "flow_to", "%s", ctx.names.rtnlRtrealmN2a(to));
  }
  if (frh.action === RTN_NAT) {
    if (tb.RTA_GATEWAY) ctx.printString(PRINT_ANY, "nat_gateway", " map-to %s", formatHost(frh.family, tb.RTA_GATEWAY));
    else ctx.printNull(PRINT_ANY, "masquerade", " masquerade", null);
  } else if (frh.action === FR_ACT_GOTO) {
    if (tb.FRA_GOTO !== undefined) ctx.printUint(PRINT_ANY, "goto", " goto %u", tb.FRA_GOTO);
    else ctx.printString(PRINT_ANY, "goto", " goto %s", "none");
    if (frh.flags & FIB_RULE_UNRESOLVED) ctx.printNull(PRINT_ANY, "unresolved", " [unresolved]", null);
  } else if (frh.action === FR_ACT_NOP) {
    ctx.printNull(PRINT_ANY, "nop", " nop", null);
  } else if (frh.action !== FR_ACT_TO_TBL) {
    ctx.printString(PRINT_ANY, "action", " %s", rtnlRtntypeN2a(ctx, frh.action));
  }
  if (tb.FRA_PROTOCOL !== undefined) {
    const protocol = tb.FRA_PROTOCOL & 0xff;
    if ((protocol && protocol !== RTPROT_KERNEL) || ctx.showDetails > 0)
      ctx.printString(PRINT_ANY, "protocol", " proto %s", ctx.names.rtnlRtprotN2a(protocol));
  }
  ctx.printString(PRINT_FP, null, "\n", "");
  ctx.closeJsonObject();
  return 0;
}

/** ip/iprule.c: flush_rule() */
function flushRule(ctx: IpCtx, n: RuleMsg): number {
  const f = filterOf(ctx);
  if (!filterNlmsg(ctx, f, n)) return 0;
  if (n.attrs.FRA_PROTOCOL !== undefined) {
    if ((f.protocol ^ n.attrs.FRA_PROTOCOL) & f.protocolmask) return 0;
  }
  if (n.attrs.FRA_PRIORITY !== undefined) {
    const del: RuleMsg = { type: "RTM_DELRULE", flags: {}, frh: { ...n.frh }, attrs: { ...n.attrs } };
    if (rtnlTalk(ctx, del).ret < 0) return -2;
  }
  return 0;
}

/** sscanf(arg, "%u-%u") / "%hu-%hu": the number of conversions and values */
function scanRange(arg: string, max: number): { n: number; start: number; end: number } {
  const m = /^\s*\+?(\d+)(?:-\s*\+?(\d+))?/.exec(arg);
  if (!m) return { n: 0, start: 0, end: 0 };
  const start = Number(m[1]) % (max + 1);
  if (m[2] === undefined) return { n: 1, start, end: 0 };
  return { n: 2, start, end: Number(m[2]) % (max + 1) };
}

/** the `fwmark MARK[/MASK]` argument, each part get_u32(…, 0) */
function fwmarkArg(ctx: IpCtx, arg: string): { mark: number; mask?: number } {
  const slash = arg.indexOf("/");
  const markS = slash >= 0 ? arg.slice(0, slash) : arg;
  const mark = getU32(markS, 0);
  if (mark === undefined) invarg(ctx, "fwmark value is invalid\n", markS);
  if (slash < 0) return { mark };
  const mask = getU32(arg.slice(slash + 1), 0);
  if (mask === undefined) invarg(ctx, "fwmask value is invalid\n", arg.slice(slash + 1));
  return { mark, mask };
}

/** the `sport`/`dport` argument: sscanf(arg, "%hu-%hu"), a single port being start = end */
function portRange(ctx: IpCtx, what: string, arg: string): { start: number; end: number } {
  const r = scanRange(arg, 0xffff);
  if (r.n === 1) r.end = r.start;
  else if (r.n !== 2) invarg(ctx, what === "sport" ? "invalid port range\n" : "invalid dport range\n", arg);
  return { start: r.start, end: r.end };
}

const IPRULE_LIST = 0;
const IPRULE_FLUSH = 1;
const IPRULE_SAVE = 2;

/** ip/iprule.c: iprule_list_flush_or_save() */
function ipruleListFlushOrSave(ctx: IpCtx, argvIn: string[], action: number): number {
  let argv = argvIn;
  let af = ctx.preferredFamily;
  if (af === AF_UNSPEC) af = AF_INET;
  if (action === IPRULE_SAVE && argv.length > 0) {
    ctx.err('"ip rule save" does not take any arguments.\n');
    return -1;
  }
  if (action === IPRULE_SAVE) {
    if (ctx.p.isatty) {
      ctx.err("Not sending a binary stream to stdout\n");
      return -1;
    }
    ctx.err("ip rule save: not supported by this emulator\n");
    return -1;
  }
  const f = newFilter();
  filters.set(ctx, f);
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  while (argv.length > 0) {
    const a = argv[0]!;
    if (!matches(a, "preference") || !matches(a, "order") || !matches(a, "priority")) {
      const v = next();
      const pref = getU32(v, 0);
      if (pref === undefined) invarg(ctx, "preference value is invalid\n", v);
      f.pref = pref;
      f.prefmask = 1;
    } else if (a === "not") {
      f.not = 1;
    } else if (a === "tos" || a === "dsfield") {
      const v = next();
      const tos = ctx.names.rtnlDsfieldA2n(v);
      if (tos === undefined) invarg(ctx, "TOS value is invalid\n", v);
      f.tos = tos;
      f.tosmask = 1;
    } else if (a === "fwmark") {
      const m = fwmarkArg(ctx, next());
      f.fwmark = m.mark;
      if (m.mask !== undefined) f.fwmask = m.mask;
    } else if (a === "dev" || a === "iif") {
      const v = next();
      if (checkIfname(v)) invarg(ctx, '"iif"/"dev" not a valid ifname', v);
      f.iif = v;
      f.iifmask = 1;
    } else if (a === "oif") {
      const v = next();
      if (checkIfname(v)) invarg(ctx, '"oif" not a valid ifname', v);
      f.oif = v;
      f.oifmask = 1;
    } else if (a === "l3mdev") {
      f.l3mdev = 1;
    } else if (a === "uidrange") {
      const v = next();
      f.uidrange = 1;
      const r = scanRange(v, 0xffffffff);
      if (r.n !== 2) invarg(ctx, "invalid UID range\n", v);
      f.range = { start: r.start, end: r.end };
    } else if (!matches(a, "tun_id")) {
      const v = next();
      const t = getU64(v, 0);
      if (t === undefined) invarg(ctx, '"tun_id" value is invalid\n', v);
      f.tunId = BigInt(t);
    } else if (!matches(a, "lookup") || !matches(a, "table")) {
      const v = next();
      const tid = ctx.names.rtnlRttableA2n(v);
      if (tid === undefined) invarg(ctx, "table id value is invalid\n", v);
      f.tb = tid;
    } else if (!matches(a, "from") || !matches(a, "src")) {
      getPrefix(ctx, next(), af, f.src);
    } else if (!matches(a, "protocol")) {
      const v = next();
      f.protocolmask = -1;
      let prot = ctx.names.rtnlRtprotA2n(v);
      if (prot === undefined) {
        if (v !== "all") invarg(ctx, 'invalid "protocol"\n', v);
        prot = 0;
        f.protocolmask = 0;
      }
      f.protocol = prot;
    } else if (a === "ipproto") {
      const v = next();
      const ipproto = inetProtoA2n(v);
      if (ipproto < 0) invarg(ctx, 'Invalid "ipproto" value\n', v);
      f.ipproto = ipproto;
    } else if (a === "sport" || a === "dport") {
      const r = portRange(ctx, a, next());
      if (a === "sport") f.sport = r;
      else f.dport = r;
    } else {
      let v = a;
      if (!matches(v, "dst") || !matches(v, "to")) v = next();
      getPrefix(ctx, v, af, f.dst);
    }
    argv = argv.slice(1);
  }
  const req: RuleMsg = {
    type: "RTM_GETRULE",
    flags: {},
    frh: { family: af, dst_len: 0, src_len: 0, tos: 0, table: 0, action: 0, flags: 0 },
    attrs: {},
  };
  const msgs = rtnlDumpFilter(ctx, req) as RuleMsg[] | undefined;
  if (!msgs) {
    ctx.err("Dump terminated\n");
    return 1;
  }
  ctx.newJsonObj(ctx.json);
  for (const n of msgs) {
    const ret = action === IPRULE_FLUSH ? flushRule(ctx, n) : printRule(ctx, n);
    if (ret < 0) {
      ctx.err("Dump terminated\n");
      return 1;
    }
  }
  ctx.deleteJsonObj();
  return 0;
}

/** ip/iprule.c: iprule_restore() */
function ipruleRestore(ctx: IpCtx): never {
  if (ctx.p.isatty) ctx.err("Can't restore rule dump from a terminal\n");
  else ctx.err("Magic mismatch (%d elems, %x magic)\n", ctx.p.stdin.length >= 4 ? 1 : 0, 0);
  return ctx.exit(-1);
}

/** lib/utils.c: get_addr32() */
function getAddr32(ctx: IpCtx, name: string): Uint8Array {
  const a = inetPton4Strict(name);
  if (!a) {
    ctx.err('Error: an IP address is expected rather than "%s"\n', name);
    ctx.exit(1);
  }
  return a;
}

/** lib/rt_names.c: get_rt_realms_or_raw() */
function getRtRealmsOrRaw(ctx: IpCtx, arg: string): number | undefined {
  const slash = arg.indexOf("/");
  let realms = 0;
  let rest = arg;
  if (slash >= 0) {
    const src = ctx.names.rtnlRtrealmA2n(arg.slice(0, slash));
    if (src === undefined) return getU32(arg, 0);
    realms = (src << 16) >>> 0;
    rest = arg.slice(slash + 1);
  }
  const dst = ctx.names.rtnlRtrealmA2n(rest);
  if (dst === undefined) return getU32(arg, 0);
  return (realms | dst) >>> 0;
}

/** ip/iprule.c: iprule_modify() */
function ipruleModify(ctx: IpCtx, cmd: "RTM_NEWRULE" | "RTM_DELRULE", argvIn: string[]): number {
  let argv = argvIn;
  let l3mdevRule = false;
  let tableOk = false;
  let tid = 0;
  const req: RuleMsg = {
    type: cmd,
    flags: {},
    frh: { family: ctx.preferredFamily, dst_len: 0, src_len: 0, tos: 0, table: 0, action: FR_ACT_UNSPEC, flags: 0 },
    attrs: {},
  };
  const tb = req.attrs as FraAttrsX;
  if (cmd === "RTM_NEWRULE") {
    if (argv.length === 0) {
      ctx.err('"ip rule add" requires arguments.\n');
      return -1;
    }
    req.flags = { create: true, excl: true };
    req.frh.action = FR_ACT_TO_TBL;
  }
  if (cmd === "RTM_DELRULE" && argv.length === 0) {
    ctx.err('"ip rule del" requires arguments.\n');
    return -1;
  }
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  while (argv.length > 0) {
    const a = argv[0]!;
    if (a === "not") {
      req.frh.flags |= FIB_RULE_INVERT;
    } else if (a === "from") {
      const dst = getPrefix(ctx, next(), req.frh.family);
      req.frh.src_len = dst.bitlen;
      tb.FRA_SRC = dst.data.slice(0, dst.bytelen);
    } else if (a === "to") {
      const dst = getPrefix(ctx, next(), req.frh.family);
      req.frh.dst_len = dst.bitlen;
      tb.FRA_DST = dst.data.slice(0, dst.bytelen);
    } else if (!matches(a, "preference") || !matches(a, "order") || !matches(a, "priority")) {
      const v = next();
      const pref = getU32(v, 0);
      if (pref === undefined) invarg(ctx, "preference value is invalid\n", v);
      tb.FRA_PRIORITY = pref;
    } else if (a === "tos" || !matches(a, "dsfield")) {
      const v = next();
      const tos = ctx.names.rtnlDsfieldA2n(v);
      if (tos === undefined) invarg(ctx, "TOS value is invalid\n", v);
      req.frh.tos = tos;
    } else if (a === "fwmark") {
      const m = fwmarkArg(ctx, next());
      tb.FRA_FWMARK = m.mark;
      if (m.mask !== undefined) tb.FRA_FWMASK = m.mask;
    } else if (!matches(a, "realms")) {
      const v = next();
      const realm = getRtRealmsOrRaw(ctx, v);
      if (realm === undefined) invarg(ctx, "invalid realms\n", v);
      tb.FRA_FLOW = realm;
    } else if (!matches(a, "protocol")) {
      const v = next();
      const proto = ctx.names.rtnlRtprotA2n(v);
      if (proto === undefined) invarg(ctx, '"protocol" value is invalid\n', v);
      tb.FRA_PROTOCOL = proto & 0xff;
    } else if (!matches(a, "tun_id")) {
      const v = next();
      const t = getU64(v, 0);
      if (t === undefined) invarg(ctx, '"tun_id" value is invalid\n', v);
      tb.FRA_TUN_ID = BigInt(t);
    } else if (!matches(a, "table") || a === "lookup") {
      const v = next();
      const t = ctx.names.rtnlRttableA2n(v);
      if (t === undefined) invarg(ctx, "invalid table ID\n", v);
      tid = t;
      if (tid < 256) req.frh.table = tid;
      else {
        req.frh.table = RT_TABLE_UNSPEC;
        tb.FRA_TABLE = tid;
      }
      tableOk = true;
    } else if (!matches(a, "suppress_prefixlength") || a === "sup_pl") {
      const v = next();
      const pl = getS32(v, 0);
      if (pl === undefined || pl < 0) invarg(ctx, "suppress_prefixlength value is invalid\n", v);
      tb.FRA_SUPPRESS_PREFIXLEN = pl;
    } else if (!matches(a, "suppress_ifgroup") || a === "sup_group") {
      const v = next();
      const group = ctx.names.rtnlGroupA2n(v);
      if (group === undefined) invarg(ctx, 'Invalid "suppress_ifgroup" value\n', v);
      tb.FRA_SUPPRESS_IFGROUP = group;
    } else if (a === "dev" || a === "iif") {
      const v = next();
      if (checkIfname(v)) invarg(ctx, '"iif"/"dev" not a valid ifname', v);
      tb.FRA_IIFNAME = v;
    } else if (a === "oif") {
      const v = next();
      if (checkIfname(v)) invarg(ctx, '"oif" not a valid ifname', v);
      tb.FRA_OIFNAME = v;
    } else if (a === "l3mdev") {
      tb.FRA_L3MDEV = 1;
      tableOk = true;
      l3mdevRule = true;
    } else if (a === "uidrange") {
      const v = next();
      const r = scanRange(v, 0xffffffff);
      if (r.n !== 2) invarg(ctx, "invalid UID range\n", v);
      tb.FRA_UID_RANGE = { start: r.start, end: r.end };
    } else if (a === "nat" || !matches(a, "map-to")) {
      const v = next();
      ctx.err("Warning: route NAT is deprecated\n");
      tb.RTA_GATEWAY = getAddr32(ctx, v);
      req.frh.action = RTN_NAT;
    } else if (a === "ipproto") {
      const v = next();
      const ipproto = inetProtoA2n(v);
      if (ipproto < 0) invarg(ctx, 'Invalid "ipproto" value\n', v);
      tb.FRA_IP_PROTO = ipproto;
    } else if (a === "sport" || a === "dport") {
      const r = portRange(ctx, a, next());
      if (a === "sport") tb.FRA_SPORT_RANGE = r;
      else tb.FRA_DPORT_RANGE = r;
    } else {
      let v = a;
      let type: number;
      if (v === "type") v = next();
      if (!matches(v, "help")) usage(ctx);
      else if (!matches(v, "goto")) {
        type = FR_ACT_GOTO;
        const t = next();
        const target = getU32(t, 0);
        if (target === undefined) invarg(ctx, "invalid target\n", t);
        tb.FRA_GOTO = target;
      } else if (!matches(v, "nop")) type = FR_ACT_NOP;
      else {
        const t = rtnlRtntypeA2n(v);
        if (t === undefined) invarg(ctx, "Failed to parse rule type", v);
        type = t;
      }
      req.frh.action = type;
      tableOk = true;
    }
    argv = argv.slice(1);
  }
  if (l3mdevRule && tid !== 0) {
    ctx.err("table can not be specified for l3mdev rules\n");
    return -22;
  }
  if (req.frh.family === AF_UNSPEC) req.frh.family = AF_INET;
  if (!tableOk && cmd === "RTM_NEWRULE") req.frh.table = RT_TABLE_MAIN;
  if (rtnlTalk(ctx, req).ret) return -2;
  return 0;
}

/** ip/iprule.c: do_iprule() */
export function doIprule(ctx: IpCtx, argv: string[]): number {
  if (argv.length < 1) return ipruleListFlushOrSave(ctx, [], IPRULE_LIST);
  const a = argv[0]!;
  const rest = argv.slice(1);
  if (!matches(a, "list") || !matches(a, "lst") || !matches(a, "show")) return ipruleListFlushOrSave(ctx, rest, IPRULE_LIST);
  if (!matches(a, "save")) return ipruleListFlushOrSave(ctx, rest, IPRULE_SAVE);
  if (!matches(a, "restore")) return ipruleRestore(ctx);
  if (!matches(a, "add")) return ipruleModify(ctx, "RTM_NEWRULE", rest);
  if (!matches(a, "delete")) return ipruleModify(ctx, "RTM_DELRULE", rest);
  if (!matches(a, "flush")) return ipruleListFlushOrSave(ctx, rest, IPRULE_FLUSH);
  if (!matches(a, "help")) usage(ctx);
  ctx.err('Command "%s" is unknown, try "ip rule help".\n', a);
  return ctx.exit(-1);
}
