/**
 * ip/iproute.c: `ip route` — show/list/flush with filters, add/del/change/replace/append/
 * prepend/test, get (print_route, iproute_modify, iproute_list_flush_or_save, iproute_get).
 */
import { encodeRoute, decodeRoute, routeAttrBytes, rtnlFromFile, NLM_F_DUMP_FILTERED, RTA_GATEWAY, RTA_PREFSRC, RTA_DST } from "../lib/rtnl_route_codec.ts";
import { COLOR_IFNAME, ifaFamilyColor } from "../lib/json_print.ts";
import type { IpCtx } from "../lib/context.ts";
import type { RouteMsg, RtaAttrs, RtaMetrics, RtnlMsg, NlFlags, RtNexthop } from "../../kernel/uapi/rtnetlink.ts";
import {
  AF_INET, AF_INET6, AF_UNSPEC, RTCF_BROADCAST, RTCF_DIRECTDST, RTCF_DIRECTSRC, RTCF_DNAT,
  RTCF_DOREDIRECT, RTCF_FAST, RTCF_LOCAL, RTCF_MASQ, RTCF_MULTICAST, RTCF_NOTIFY, RTCF_REDIRECTED,
  RTCF_REJECT, RTCF_SNAT, RTCF_TPROXY, RTM_F_CLONED, RTM_F_FIB_MATCH, RTM_F_LOOKUP_TABLE, RTM_F_NOTIFY,
  RTNH_F_DEAD, RTNH_F_LINKDOWN, RTNH_F_OFFLOAD, RTNH_F_ONLINK, RTNH_F_PERVASIVE, RTNH_F_UNRESOLVED,
  RTN_ANYCAST, RTN_BROADCAST, RTN_LOCAL, RTN_MULTICAST, RTN_NAT, RTN_UNICAST, RTN_UNSPEC, RTPROT_BOOT,
  RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RT_TABLE_LOCAL, RT_TABLE_MAIN,
  RT_TABLE_UNSPEC, RTAX_FEATURE_ECN, RTAX,
} from "../../kernel/uapi/rtnetlink.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import {
  AF_MPLS, PREFIXLEN_SPECIFIED, afBitLen, duparg2, formatHost, getAddr, getPrefix, getU32, getU8,
  getUnsigned, incompleteCommand, inetAddrMatch, invarg, matches, newPrefix, nodev, prefixBytes,
  readFamily, rtAddrN2a, type InetPrefix, getTimeRtt } from "../lib/utils.ts";
import { rtnlDumpFilter, rtnlTalk } from "../lib/libnetlink.ts";
import { strerror, type KErr } from "../../kernel/uapi/errno.ts";
import { rtnlRtntypeA2n, rtnlRtntypeN2a } from "../lib/rt_names.ts";
import { printCacheNexthopId } from "./ipnexthop.ts";

const RTNH_F_TRAP = 64;
const RTM_F_OFFLOAD = 0x4000;
const RTM_F_TRAP = 0x8000;
const RTM_F_OFFLOAD_FAILED = 0x20000000;

/** ip/iproute.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip route { list | flush } SELECTOR\n" +
      "       ip route save SELECTOR\n" +
      "       ip route restore\n" +
      "       ip route showdump\n" +
      "       ip route get [ ROUTE_GET_FLAGS ] ADDRESS\n" +
      "                            [ from ADDRESS iif STRING ]\n" +
      "                            [ oif STRING ] [ tos TOS ]\n" +
      "                            [ mark NUMBER ] [ vrf NAME ]\n" +
      "                            [ uid NUMBER ] [ ipproto PROTOCOL ]\n" +
      "                            [ sport NUMBER ] [ dport NUMBER ]\n" +
      "       ip route { add | del | change | append | replace } ROUTE\n" +
      "SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]\n" +
      "            [ table TABLE_ID ] [ vrf NAME ] [ proto RTPROTO ]\n" +
      "            [ type TYPE ] [ scope SCOPE ]\n" +
      "ROUTE := NODE_SPEC [ INFO_SPEC ]\n" +
      "NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ]\n" +
      "             [ table TABLE_ID ] [ proto RTPROTO ]\n" +
      "             [ scope SCOPE ] [ metric METRIC ]\n" +
      "             [ ttl-propagate { enabled | disabled } ]\n" +
      "INFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...\n" +
      "NH := [ encap ENCAPTYPE ENCAPHDR ] [ via [ FAMILY ] ADDRESS ]\n" +
      "      [ dev STRING ] [ weight NUMBER ] NHFLAGS\n" +
      "FAMILY := [ inet | inet6 | mpls | bridge | link ]\n" +
      "OPTIONS := FLAGS [ mtu NUMBER ] [ advmss NUMBER ] [ as [ to ] ADDRESS ]\n" +
      "           [ rtt TIME ] [ rttvar TIME ] [ reordering NUMBER ]\n" +
      "           [ window NUMBER ] [ cwnd NUMBER ] [ initcwnd NUMBER ]\n" +
      "           [ ssthresh NUMBER ] [ realms REALM ] [ src ADDRESS ]\n" +
      "           [ rto_min TIME ] [ hoplimit NUMBER ] [ initrwnd NUMBER ]\n" +
      "           [ features FEATURES ] [ quickack BOOL ] [ congctl NAME ]\n" +
      "           [ pref PREF ] [ expires TIME ] [ fastopen_no_cookie BOOL ]\n" +
      "TYPE := { unicast | local | broadcast | multicast | throw |\n" +
      "          unreachable | prohibit | blackhole | nat }\n" +
      "TABLE_ID := [ local | main | default | all | NUMBER ]\n" +
      "SCOPE := [ host | link | global | NUMBER ]\n" +
      "NHFLAGS := [ onlink | pervasive ]\n" +
      "RTPROTO := [ kernel | boot | static | NUMBER ]\n" +
      "PREF := [ low | medium | high ]\n" +
      "TIME := NUMBER[s|ms]\n" +
      "BOOL := [1|0]\n" +
      "FEATURES := ecn\n" +
      "ENCAPTYPE := [ mpls | ip | ip6 | seg6 | seg6local | rpl | ioam6 | xfrm ]\n" +
      "ENCAPHDR := [ MPLSLABEL | SEG6HDR | SEG6LOCAL | IOAM6HDR | XFRMINFO ]\n" +
      "SEG6HDR := [ mode SEGMODE ] segs ADDR1,ADDRi,ADDRn [hmac HMACKEYID] [cleanup]\n" +
      "SEGMODE := [ encap | encap.red | inline | l2encap | l2encap.red ]\n" +
      "SEG6LOCAL := action ACTION [ OPTIONS ] [ count ]\n" +
      "ACTION := { End | End.X | End.T | End.DX2 | End.DX6 | End.DX4 |\n" +
      "            End.DT6 | End.DT4 | End.DT46 | End.B6 | End.B6.Encaps |\n" +
      "            End.BM | End.S | End.AS | End.AM | End.BPF }\n" +
      "OPTIONS := OPTION [ OPTIONS ]\n" +
      "OPTION := { flavors FLAVORS | srh SEG6HDR | nh4 ADDR | nh6 ADDR | iif DEV | oif DEV |\n" +
      "            table TABLEID | vrftable TABLEID | endpoint PROGNAME }\n" +
      "FLAVORS := { FLAVOR[,FLAVOR] }\n" +
      "FLAVOR := { psp | usp | usd | next-csid }\n" +
      "IOAM6HDR := trace prealloc type IOAM6_TRACE_TYPE ns IOAM6_NAMESPACE size IOAM6_TRACE_SIZE\n" +
      "XFRMINFO := if_id IF_ID [ link_dev LINK ]\n" +
      "ROUTE_GET_FLAGS := [ fibmatch ]\n",
  );
  return ctx.exit(-1);
}

/** ip/iproute.c: the static `filter` */
interface RouteFilter {
  tb: number;
  cloned: number;
  flushing: boolean;
  flushed: number;
  /** filter.flushb: the deletes not sent yet */
  flushb: RouteMsg[];
  protocol: number;
  protocolmask: number;
  scope: number;
  scopemask: number;
  typemask: number;
  tos: number;
  tosmask: number;
  iif: number;
  iifmask: number;
  oif: number;
  oifmask: number;
  mark: number;
  markmask: number;
  metric: number;
  metricmask: number;
  rprefsrc: InetPrefix;
  rvia: InetPrefix;
  rdst: InetPrefix;
  mdst: InetPrefix;
  rsrc: InetPrefix;
  msrc: InetPrefix;
}

/** ip/iproute.c: iproute_reset_filter() */
function iprouteResetFilter(ifindex: number): RouteFilter {
  const f: RouteFilter = {
    tb: 0, cloned: 0, flushing: false, flushed: 0, flushb: [], protocol: 0, protocolmask: 0, scope: 0, scopemask: 0,
    typemask: 0, tos: 0, tosmask: 0, iif: 0, iifmask: 0, oif: ifindex, oifmask: 0, mark: 0, markmask: 0,
    metric: 0, metricmask: 0, rprefsrc: newPrefix(), rvia: newPrefix(), rdst: newPrefix(), mdst: newPrefix(),
    rsrc: newPrefix(), msrc: newPrefix(),
  };
  f.mdst.bitlen = -1;
  f.msrc.bitlen = -1;
  if (f.oif > 0) f.oifmask = -1;
  return f;
}

const filters = new WeakMap<IpCtx, RouteFilter>();

/** iproute_reset_filter() of the process's filter (ip monitor) */
export function iprouteResetFilterFor(ctx: IpCtx, ifindex: number): void {
  filters.set(ctx, iprouteResetFilter(ifindex));
}

function filterOf(ctx: IpCtx): RouteFilter {
  let f = filters.get(ctx);
  if (!f) filters.set(ctx, (f = iprouteResetFilter(0)));
  return f;
}

/** ip/ip_common.h: rtm_get_table() */
function rtmGetTable(r: RouteMsg): number {
  return r.attrs.RTA_TABLE !== undefined ? r.attrs.RTA_TABLE : r.rtm.table;
}

function toBytes(a: Uint8Array | undefined, n: number): Uint8Array {
  const out = new Uint8Array(16);
  if (a) out.set(a.subarray(0, Math.min(n, a.length, 16)));
  return out;
}

/** ip/iproute.c: filter_nlmsg() */
function filterNlmsg(ctx: IpCtx, f: RouteFilter, n: RouteMsg, hostLen: number): boolean {
  const r = n.rtm;
  const tb = n.attrs;
  const table = rtmGetTable(n);
  if (ctx.preferredFamily !== AF_UNSPEC && r.family !== ctx.preferredFamily) return false;
  if (f.cloned === (r.flags & RTM_F_CLONED ? 0 : 1)) return false;
  if (r.family === AF_INET6 && table === RT_TABLE_MAIN && f.tb === RT_TABLE_LOCAL) return false;
  if (f.tb > 0 && f.tb !== table) return false;
  if ((f.protocol ^ r.protocol) & f.protocolmask) return false;
  if ((f.scope ^ r.scope) & f.scopemask) return false;
  if (f.typemask && !(f.typemask & (1 << r.type))) return false;
  if ((f.tos ^ r.tos) & f.tosmask) return false;
  if (f.rdst.family) {
    if (r.family !== f.rdst.family || f.rdst.bitlen > r.dst_len) return false;
  } else if (f.rdst.flags & PREFIXLEN_SPECIFIED) {
    if (f.rdst.bitlen > r.dst_len) return false;
  }
  if (f.mdst.family) {
    if (r.family !== f.mdst.family || (f.mdst.bitlen >= 0 && f.mdst.bitlen < r.dst_len)) return false;
  } else if (f.mdst.flags & PREFIXLEN_SPECIFIED) {
    if (f.mdst.bitlen >= 0 && f.mdst.bitlen < r.dst_len) return false;
  }
  if (f.rsrc.family) {
    if (r.family !== f.rsrc.family || f.rsrc.bitlen > r.src_len) return false;
  } else if (f.rsrc.flags & PREFIXLEN_SPECIFIED) {
    if (f.rsrc.bitlen > r.src_len) return false;
  }
  if (f.msrc.family) {
    if (r.family !== f.msrc.family || (f.msrc.bitlen >= 0 && f.msrc.bitlen < r.src_len)) return false;
  } else if (f.msrc.flags & PREFIXLEN_SPECIFIED) {
    if (f.msrc.bitlen >= 0 && f.msrc.bitlen < r.src_len) return false;
  }
  if (f.rvia.family && r.family !== f.rvia.family) return false;
  if (f.rprefsrc.family && r.family !== f.rprefsrc.family) return false;
  const dst = toBytes(tb.RTA_DST, (r.dst_len + 7) >> 3);
  const src = toBytes(tb.RTA_SRC, (r.src_len + 7) >> 3);
  const via = f.rvia.bitlen > 0 ? toBytes(tb.RTA_GATEWAY, hostLen / 8) : new Uint8Array(16);
  const prefsrc = f.rprefsrc.bitlen > 0 ? toBytes(tb.RTA_PREFSRC, hostLen / 8) : new Uint8Array(16);
  if ((f.rdst.family || f.rdst.flags & PREFIXLEN_SPECIFIED) && inetAddrMatch(dst, f.rdst.data, f.rdst.bitlen))
    return false;
  if ((f.mdst.family || f.mdst.flags & PREFIXLEN_SPECIFIED) && inetAddrMatch(dst, f.mdst.data, r.dst_len))
    return false;
  if ((f.rsrc.family || f.rsrc.flags & PREFIXLEN_SPECIFIED) && inetAddrMatch(src, f.rsrc.data, f.rsrc.bitlen))
    return false;
  if ((f.msrc.family || f.msrc.flags & PREFIXLEN_SPECIFIED) && f.msrc.bitlen >= 0 &&
    inetAddrMatch(src, f.msrc.data, r.src_len))
    return false;
  if (f.rvia.family && inetAddrMatch(via, f.rvia.data, f.rvia.bitlen)) return false;
  if (f.rprefsrc.family && inetAddrMatch(prefsrc, f.rprefsrc.data, f.rprefsrc.bitlen)) return false;
  if (f.iifmask && (((tb.RTA_IIF ?? 0) ^ f.iif) & f.iifmask)) return false;
  if (f.oifmask && (((tb.RTA_OIF ?? 0) ^ f.oif) & f.oifmask)) return false;
  if (f.markmask && (((tb.RTA_MARK ?? 0) ^ f.mark) & f.markmask)) return false;
  if (f.metricmask && (((tb.RTA_PRIORITY ?? 0) ^ f.metric) & f.metricmask)) return false;
  return true;
}

/** ip/iproute.c: print_rt_flags() */
export function printRtFlags(ctx: IpCtx, flags: number): void {
  ctx.openJsonArray(PRINT_JSON, ctx.isJsonContext() ? "flags" : "");
  const fl: [number, string][] = [
    [RTNH_F_DEAD, "dead"], [RTNH_F_ONLINK, "onlink"], [RTNH_F_PERVASIVE, "pervasive"],
    [RTNH_F_OFFLOAD, "offload"], [RTNH_F_TRAP, "trap"], [RTM_F_NOTIFY, "notify"],
    [RTNH_F_LINKDOWN, "linkdown"], [RTNH_F_UNRESOLVED, "unresolved"], [RTM_F_OFFLOAD, "rt_offload"],
    [RTM_F_TRAP, "rt_trap"], [RTM_F_OFFLOAD_FAILED, "rt_offload_failed"],
  ];
  for (const [bit, name] of fl) if (flags & bit) ctx.printString(PRINT_ANY, null, "%s ", name);
  ctx.closeJsonArray(PRINT_JSON, null);
}

/** ip/iproute.c: print_rt_pref() */
function printRtPref(ctx: IpCtx, pref: number): void {
  switch (pref) {
    case 3:
      ctx.printString(PRINT_ANY, "pref", "pref %s", "low");
      break;
    case 0:
      ctx.printString(PRINT_ANY, "pref", "pref %s", "medium");
      break;
    case 1:
      ctx.printString(PRINT_ANY, "pref", "pref %s", "high");
      break;
    default:
      ctx.printUint(PRINT_ANY, "pref", "%u", pref);
  }
}

/** ip/iproute.c: print_rta_ifidx() */
export function printRtaIfidx(ctx: IpCtx, ifidx: number, prefix: string): void {
  const ifname = ctx.ll.llIndexToName(ifidx);
  if (ctx.isJsonContext()) ctx.printString(PRINT_JSON, prefix, null, ifname);
  else {
    ctx.printf("%s ", prefix);
    ctx.printString(PRINT_FP, null, "%s ", ifname, COLOR_IFNAME);
  }
}

/** ip/iproute.c: print_cache_flags() */
function printCacheFlags(ctx: IpCtx, flagsIn: number): void {
  let flags = (flagsIn & ~0xffff) >>> 0;
  const jw = ctx.jw;
  if (jw) {
    jw.jsonwName("cache");
    jw.jsonwStartArray();
  } else {
    ctx.printf("%s    cache ", ctx.SL);
    if (flags === 0) return;
    ctx.printf("<");
  }
  const tbl: [number, string][] = [
    [RTCF_LOCAL, "local"], [RTCF_REJECT, "reject"], [RTCF_MULTICAST, "mc"], [RTCF_BROADCAST, "brd"],
    [RTCF_DNAT, "dst-nat"], [RTCF_SNAT, "src-nat"], [RTCF_MASQ, "masq"], [RTCF_DIRECTDST, "dst-direct"],
    [RTCF_DIRECTSRC, "src-direct"], [RTCF_REDIRECTED, "redirected"], [RTCF_DOREDIRECT, "redirect"],
    [RTCF_FAST, "fastroute"], [RTCF_NOTIFY, "notify"], [RTCF_TPROXY, "proxy"],
  ];
  for (const [bit, name] of tbl) {
    if (flags & bit) {
      flags = (flags & ~bit) >>> 0;
      if (jw) jw.jsonwString(name);
      else ctx.printf("%s%s", name, flags ? "," : "> ");
    }
  }
  if (flags) ctx.printHex(PRINT_ANY, "flags", "%x>", flags);
  if (jw) jw.jsonwEndArray();
}

/** ip/iproute.c: print_rta_cacheinfo() — USER_HZ is 100 */
function printRtaCacheinfo(ctx: IpCtx, ci: NonNullable<RtaAttrs["RTA_CACHEINFO"]>): void {
  const hz = 100;
  if (ci.rta_expires !== 0) ctx.printInt(PRINT_ANY, "expires", "expires %dsec ", Math.trunc(ci.rta_expires / hz));
  if (ci.rta_error !== 0) ctx.printUint(PRINT_ANY, "error", "error %u ", ci.rta_error);
  if (ctx.showStats) {
    if (ci.rta_clntref) ctx.printUint(PRINT_ANY, "users", "users %u ", ci.rta_clntref);
    if (ci.rta_used !== 0) ctx.printUint(PRINT_ANY, "used", "used %u ", ci.rta_used);
    if (ci.rta_lastuse !== 0) ctx.printUint(PRINT_ANY, "age", "age %usec ", Math.trunc(ci.rta_lastuse / hz));
  }
  if (ci.rta_id) ctx.print0xhex(PRINT_ANY, "ipid", "ipid 0x%04llx ", ci.rta_id);
  if (ci.rta_ts || ci.rta_tsage) {
    ctx.print0xhex(PRINT_ANY, "ts", "ts 0x%llx", ci.rta_ts);
    ctx.printUint(PRINT_ANY, "tsage", "tsage %usec ", ci.rta_tsage);
  }
}

/** ip/iproute.c: mx_names[] (their RTAX_* numbers: uapi's RTAX) */
const mxNames: [keyof RtaMetrics, string][] = [
  ["RTAX_MTU", "mtu"], ["RTAX_WINDOW", "window"], ["RTAX_RTT", "rtt"], ["RTAX_RTTVAR", "rttvar"],
  ["RTAX_SSTHRESH", "ssthresh"], ["RTAX_CWND", "cwnd"], ["RTAX_ADVMSS", "advmss"],
  ["RTAX_REORDERING", "reordering"], ["RTAX_HOPLIMIT", "hoplimit"], ["RTAX_INITCWND", "initcwnd"],
  ["RTAX_FEATURES", "features"], ["RTAX_RTO_MIN", "rto_min"], ["RTAX_INITRWND", "initrwnd"],
  ["RTAX_QUICKACK", "quickack"], ["RTAX_CC_ALGO", "congctl"], ["RTAX_FASTOPEN_NO_COOKIE", "fastopen_no_cookie"],
];

/** ip/iproute.c: print_rtax_features() */
function printRtaxFeatures(ctx: IpCtx, features: number): void {
  const of = features;
  if (features & RTAX_FEATURE_ECN) {
    ctx.printNull(PRINT_ANY, "ecn", "ecn ", null);
    features &= ~RTAX_FEATURE_ECN;
  }
  if (features) ctx.print0xhex(PRINT_ANY, "features", "%#llx ", of);
}

/** ip/iproute.c: print_rta_metrics() */
function printRtaMetrics(ctx: IpCtx, mx: RtaMetrics): void {
  ctx.openJsonArray(PRINT_JSON, "metrics");
  ctx.openJsonObject(null);
  const mxlock = mx.RTAX_LOCK ?? 0;
  for (const [key, name] of mxNames) {
    const i = RTAX[key];
    const present = mx[key] !== undefined;
    if (!present && !(mxlock & (1 << i))) continue;
    let val = key === "RTAX_CC_ALGO" ? 0 : ((mx[key] as number | undefined) ?? 0);
    if (key === "RTAX_HOPLIMIT" && (val | 0) === -1) continue;
    if (!ctx.isJsonContext()) {
      ctx.printf("%s ", name);
      if (mxlock & (1 << i)) ctx.printf("lock ");
    }
    if (key === "RTAX_FEATURES") printRtaxFeatures(ctx, val);
    else if (key === "RTAX_RTT" || key === "RTAX_RTTVAR" || key === "RTAX_RTO_MIN") {
      if (key === "RTAX_RTT") val = Math.floor(val / 8);
      else if (key === "RTAX_RTTVAR") val = Math.floor(val / 4);
      if (ctx.isJsonContext()) ctx.printUint(PRINT_JSON, name, null, val);
      else if (val >= 1000) ctx.printf("%gs ", val / 1e3);
      else ctx.printf("%ums ", val);
    } else if (key === "RTAX_CC_ALGO") ctx.printString(PRINT_ANY, "congestion", "%s ", mx.RTAX_CC_ALGO ?? "");
    else ctx.printUint(PRINT_ANY, name, "%u ", val);
  }
  ctx.closeJsonObject();
  ctx.closeJsonArray(PRINT_JSON, null);
}

/** ip/iproute.c: print_route() */
export function printRoute(ctx: IpCtx, n: RtnlMsg): number {
  if (n.type !== "RTM_NEWROUTE" && n.type !== "RTM_DELROUTE") {
    ctx.err("Not a route: %08x %08x %08x\n", 0, 0, 0);
    return -1;
  }
  const f = filterOf(ctx);
  const r = n.rtm;
  const tb = n.attrs;
  if (f.flushing && n.type !== "RTM_NEWROUTE") return 0;
  const hostLen = afBitLen(r.family);
  const table = rtmGetTable(n);
  if (!filterNlmsg(ctx, f, n, hostLen)) return 0;
  if (f.flushing) {
    /* the dumped message goes into the flush buffer as an RTM_DELROUTE (flush_update() sends it) */
    f.flushb.push({ type: "RTM_DELROUTE", flags: {}, rtm: { ...r }, attrs: tb });
    f.flushed++;
    if (ctx.showStats < 2) return 0;
  }
  ctx.openJsonObject(null);
  if (n.type === "RTM_DELROUTE") ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  if ((r.type !== RTN_UNICAST || ctx.showDetails > 0) && (!f.typemask || f.typemask & (1 << r.type)))
    ctx.printString(PRINT_ANY, "type", "%s ", rtnlRtntypeN2a(ctx, r.type));
  let b1: string;
  const family = r.family;
  if (tb.RTA_DST) {
    if (r.dst_len !== hostLen) b1 = `${rtAddrN2a(family, tb.RTA_DST)}/${r.dst_len}`;
    else b1 = formatHost(family, tb.RTA_DST);
  } else if (r.dst_len) b1 = `0/${r.dst_len} `;
  else b1 = "default";
  ctx.printString(PRINT_ANY, "dst", "%s ", b1, ifaFamilyColor(family));
  if (tb.RTA_SRC) {
    const s = r.src_len !== hostLen ? `${rtAddrN2a(family, tb.RTA_SRC)}/${r.src_len}` : formatHost(family, tb.RTA_SRC);
    ctx.printString(PRINT_ANY, "from", "from %s ", s);
  } else if (r.src_len) ctx.printString(PRINT_ANY, "src", "from %s ", `0/${r.src_len}`);
  if (tb.RTA_NH_ID !== undefined) ctx.printUint(PRINT_ANY, "nhid", "nhid %u ", tb.RTA_NH_ID);
  if (r.tos && f.tosmask !== -1) ctx.printString(PRINT_ANY, "tos", "tos %s ", ctx.names.rtnlDsfieldN2a(r.tos));
  if (tb.RTA_GATEWAY && f.rvia.bitlen !== hostLen) {
    const gw = formatHost(r.family, tb.RTA_GATEWAY);
    if (ctx.isJsonContext()) ctx.printString(PRINT_JSON, "gateway", null, gw);
    else {
      ctx.printf("via ");
      ctx.printString(PRINT_FP, null, "%s ", gw, ifaFamilyColor(r.family));
    }
  }
  if (tb.RTA_OIF !== undefined && f.oifmask !== -1) printRtaIfidx(ctx, tb.RTA_OIF, "dev");
  if (table && (table !== RT_TABLE_MAIN || ctx.showDetails > 0) && !f.tb)
    ctx.printString(PRINT_ANY, "table", "table %s ", ctx.names.rtnlRttableN2a(table));
  if (!(r.flags & RTM_F_CLONED)) {
    if ((r.protocol !== RTPROT_BOOT || ctx.showDetails > 0) && f.protocolmask !== -1)
      ctx.printString(PRINT_ANY, "protocol", "proto %s ", ctx.names.rtnlRtprotN2a(r.protocol));
    if ((r.scope !== RT_SCOPE_UNIVERSE || ctx.showDetails > 0) && f.scopemask !== -1)
      ctx.printString(PRINT_ANY, "scope", "scope %s ", ctx.names.rtnlRtscopeN2a(r.scope));
  }
  if (tb.RTA_PREFSRC && f.rprefsrc.bitlen !== hostLen) {
    const psrc = rtAddrN2a(r.family, tb.RTA_PREFSRC);
    if (ctx.isJsonContext()) ctx.printString(PRINT_JSON, "prefsrc", null, psrc);
    else {
      ctx.printf("src ");
      ctx.printString(PRINT_FP, null, "%s ", psrc, ifaFamilyColor(r.family));
    }
  }
  if (tb.RTA_PRIORITY !== undefined && f.metricmask !== -1)
    ctx.printUint(PRINT_ANY, "metric", "metric %u ", tb.RTA_PRIORITY);
  printRtFlags(ctx, r.flags);
  if (tb.RTA_MARK !== undefined) {
    const mark = tb.RTA_MARK;
    if (mark) {
      if (ctx.isJsonContext()) ctx.printUint(PRINT_JSON, "mark", null, mark);
      else if (mark >= 16) ctx.print0xhex(PRINT_FP, null, "mark 0x%llx ", mark);
      else ctx.printUint(PRINT_FP, null, "mark %u ", mark);
    }
  }
  if (tb.RTA_UID !== undefined) ctx.printUint(PRINT_ANY, "uid", "uid %u ", tb.RTA_UID);
  if (r.family === AF_INET) {
    if (r.flags & RTM_F_CLONED) printCacheFlags(ctx, r.flags);
    if (tb.RTA_CACHEINFO) printRtaCacheinfo(ctx, tb.RTA_CACHEINFO);
  } else if (r.family === AF_INET6) {
    if (tb.RTA_CACHEINFO) printRtaCacheinfo(ctx, tb.RTA_CACHEINFO);
  }
  if (tb.RTA_METRICS) printRtaMetrics(ctx, tb.RTA_METRICS);
  if (tb.RTA_IIF !== undefined && f.iifmask !== -1) printRtaIfidx(ctx, tb.RTA_IIF, "iif");
  if (tb.RTA_PREF !== undefined) printRtPref(ctx, tb.RTA_PREF);
  if (tb.RTA_NH_ID !== undefined && ctx.showDetails) printCacheNexthopId(ctx, "\n\tnh_info ", "nh_info", tb.RTA_NH_ID);
  if (tb.RTA_MULTIPATH) printRtaMultipath(ctx, r, tb.RTA_MULTIPATH);
  ctx.printString(PRINT_FP, null, "\n", null);
  ctx.closeJsonObject();
  return 0;
}

/** ip/iproute.c: parse_one_nh() — the words of one `nexthop` (argv[0] is "nexthop"); the
 * words left, or undefined after an error that returns (nodev) */
function parseOneNh(ctx: IpCtx, r: RouteMsg["rtm"], nh: RtNexthop, argvIn: string[]): string[] | undefined {
  let argv = argvIn;
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  for (argv = argv.slice(1); argv.length > 0; argv = argv.slice(1)) {
    const a = argv[0]!;
    if (a === "via") {
      let v = next();
      let family = readFamily(v);
      if (family === AF_UNSPEC) family = r.family;
      else v = next();
      const addr = getAddr(ctx, v, family);
      if (r.family === AF_UNSPEC) r.family = addr.family;
      if (addr.family !== r.family) {
        ctx.err("Error: RTA_VIA is not supported by this emulator\n");
        return undefined;
      }
      // another `via` appends another RTA_GATEWAY to the rtnexthop; the kernel's nla_find()
      // (fib_get_nhs()) reads the first
      nh.RTA_GATEWAY ??= prefixBytes(addr);
    } else if (a === "dev") {
      const d = next();
      const idx = ctx.ll.llNameToIndex(d);
      if (!idx) {
        nodev(ctx, d);
        return undefined;
      }
      nh.rtnh_ifindex = idx;
    } else if (a === "weight") {
      const v = next();
      const w = getUnsigned(v, 0);
      if (w === undefined || w === 0 || w > 256) invarg(ctx, '"weight" is invalid\n', v);
      nh.rtnh_hops = w - 1;
    } else if (a === "onlink") nh.rtnh_flags |= RTNH_F_ONLINK;
    else if (!matches(a, "realms") || a === "encap" || a === "as") {
      ctx.err("Error: nexthop %s is not supported by this emulator\n", a === "as" || a === "encap" ? a : "realms");
      return undefined;
    } else break;
  }
  return argv;
}

/** ip/iproute.c: parse_nexthops(): `nexthop NH-ARGS` up to the end of the line */
function parseNexthops(ctx: IpCtx, r: RouteMsg["rtm"], argvIn: string[]): RtNexthop[] | undefined {
  let argv = argvIn;
  const out: RtNexthop[] = [];
  while (argv.length > 0) {
    if (argv[0] !== "nexthop") {
      ctx.err('Error: "nexthop" or end of line is expected instead of "%s"\n', argv[0]);
      ctx.exit(-1);
    }
    if (argv.length <= 1) {
      ctx.err('Error: unexpected end of line after "nexthop"\n');
      ctx.exit(-1);
    }
    const nh: RtNexthop = { rtnh_flags: 0, rtnh_hops: 0, rtnh_ifindex: 0 };
    const rest = parseOneNh(ctx, r, nh, argv);
    if (rest === undefined) {
      ctx.err("Error: cannot parse nexthop\n");
      ctx.exit(-1);
    }
    out.push(nh);
    argv = rest;
  }
  return out;
}

/** ip/iproute.c: print_rta_multipath() (unicast routes) */
function printRtaMultipath(ctx: IpCtx, r: RouteMsg["rtm"], mp: RtNexthop[]): void {
  ctx.openJsonArray(PRINT_JSON, "nexthops");
  for (const nh of mp) {
    ctx.openJsonObject(null);
    ctx.printString(PRINT_FP, null, "%s\tnexthop ", ctx.SL);
    if (nh.RTA_GATEWAY) {
      const gw = formatHost(r.family, nh.RTA_GATEWAY);
      if (ctx.isJsonContext()) ctx.printString(PRINT_JSON, "gateway", null, gw);
      else {
        ctx.printf("via ");
        ctx.printString(PRINT_FP, null, "%s ", gw, ifaFamilyColor(r.family));
      }
    }
    ctx.printString(PRINT_ANY, "dev", "dev %s ", ctx.ll.llIndexToName(nh.rtnh_ifindex));
    ctx.printInt(PRINT_ANY, "weight", "weight %d ", nh.rtnh_hops + 1);
    printRtFlags(ctx, nh.rtnh_flags);
    ctx.closeJsonObject();
  }
  ctx.closeJsonArray(PRINT_JSON, null);
}

/** ip/iproute.c: iproute_modify() */
function iprouteModify(ctx: IpCtx, cmd: "RTM_NEWROUTE" | "RTM_DELROUTE", flags: NlFlags, argvIn: string[]): number {
  const req: RouteMsg = {
    type: cmd,
    flags,
    rtm: {
      family: ctx.preferredFamily, dst_len: 0, src_len: 0, tos: 0, table: RT_TABLE_MAIN, protocol: 0,
      scope: RT_SCOPE_NOWHERE, type: 0, flags: 0,
    },
    attrs: {},
  };
  const r = req.rtm;
  const mx: RtaMetrics = {};
  let mxlock = 0;
  let haveMx = false;
  let d: string | undefined;
  let gwOk = false;
  let nhsOk = false;
  let dstOk = false;
  let scopeOk = false;
  let tableOk = false;
  let typeOk = false;
  let nhid = 0;
  let argv = argvIn;
  if (cmd !== "RTM_DELROUTE") {
    r.protocol = RTPROT_BOOT;
    r.scope = RT_SCOPE_UNIVERSE;
    r.type = RTN_UNICAST;
  }
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  const metric32 = (name: string, key: keyof RtaMetrics, max?: number) => {
    const bit = RTAX[key];
    let v = next();
    if (v === "lock") {
      mxlock |= 1 << bit;
      v = next();
    }
    const x = getUnsigned(v, 0);
    if (x === undefined || (max !== undefined && x > max)) invarg(ctx, `"${name}" value is invalid\n`, v);
    (mx as Record<string, number>)[key] = x;
    haveMx = true;
  };
  /** a time metric (lib/utils.c get_time_rtt(): "200ms", "1.5s", or a raw number kept as it
   * is); `lockable` ones take "lock" first, rto_min is always locked */
  const metricTime = (name: string, key: keyof RtaMetrics, scale: number, lockable: boolean) => {
    const bit = RTAX[key];
    let v = next();
    if (!lockable) mxlock |= 1 << bit;
    else if (v === "lock") {
      mxlock |= 1 << bit;
      v = next();
    }
    const t = getTimeRtt(v);
    if (t === undefined) invarg(ctx, `"${name}" value is invalid\n`, v);
    (mx as Record<string, number>)[key] = t.raw ? t.val : (t.val * scale) >>> 0;
    haveMx = true;
  };
  /** a 0-or-1 metric (quickack, fastopen_no_cookie) */
  const metricBool = (name: string, key: keyof RtaMetrics) => {
    const v = next();
    const x = getUnsigned(v, 0);
    if (x === undefined) invarg(ctx, `"${name}" value is invalid\n`, v);
    if (x !== 0 && x !== 1) invarg(ctx, `"${name}" value should be 0 or 1\n`, v);
    (mx as Record<string, number>)[key] = x;
    haveMx = true;
  };
  while (argv.length > 0) {
    const a = argv[0]!;
    if (a === "src") {
      const addr = getAddr(ctx, next(), r.family);
      if (r.family === AF_UNSPEC) r.family = addr.family;
      req.attrs.RTA_PREFSRC = prefixBytes(addr);
    } else if (a === "as") {
      let v = next();
      if (v === "to") v = next();
      const addr = getAddr(ctx, v, r.family);
      if (r.family === AF_UNSPEC) r.family = addr.family;
    } else if (a === "via") {
      if (gwOk) invarg(ctx, "use nexthop syntax to specify multiple via\n", a);
      gwOk = true;
      let v = next();
      let family = readFamily(v);
      if (family === AF_UNSPEC) family = r.family;
      else v = next();
      const addr = getAddr(ctx, v, family);
      if (r.family === AF_UNSPEC) r.family = addr.family;
      if (addr.family === r.family) req.attrs.RTA_GATEWAY = prefixBytes(addr);
      else {
        ctx.err("Error: RTA_VIA is not supported by this emulator\n");
        return -1;
      }
    } else if (a === "from") {
      const addr = getPrefix(ctx, next(), r.family);
      if (r.family === AF_UNSPEC) r.family = addr.family;
      if (addr.bytelen) req.attrs.RTA_SRC = prefixBytes(addr);
      r.src_len = addr.bitlen;
    } else if (a === "tos" || !matches(a, "dsfield")) {
      const v = next();
      const tos = ctx.names.rtnlDsfieldA2n(v);
      if (tos === undefined) invarg(ctx, '"tos" value is invalid\n', v);
      r.tos = tos;
    } else if (a === "expires") {
      const v = next();
      const e = getU32(v, 0);
      if (e === undefined) invarg(ctx, '"expires" value is invalid\n', v);
      req.attrs.RTA_EXPIRES = e;
    } else if (!matches(a, "metric") || !matches(a, "priority") || a === "preference") {
      const v = next();
      const metric = getU32(v, 0);
      if (metric === undefined) invarg(ctx, '"metric" value is invalid\n', v);
      req.attrs.RTA_PRIORITY = metric;
    } else if (a === "scope") {
      const v = next();
      const scope = ctx.names.rtnlRtscopeA2n(v);
      if (scope === undefined) invarg(ctx, 'invalid "scope" value\n', v);
      r.scope = scope;
      scopeOk = true;
    } else if (a === "mtu") metric32("mtu", "RTAX_MTU");
    else if (a === "hoplimit") metric32("hoplimit", "RTAX_HOPLIMIT", 255);
    else if (a === "advmss") metric32("mss", "RTAX_ADVMSS");
    else if (!matches(a, "reordering")) metric32("reordering", "RTAX_REORDERING");
    else if (a === "rtt") metricTime("rtt", "RTAX_RTT", 8, true);
    else if (a === "rto_min") metricTime("rto_min", "RTAX_RTO_MIN", 1, false);
    else if (!matches(a, "window")) metric32("window", "RTAX_WINDOW");
    else if (!matches(a, "cwnd")) metric32("cwnd", "RTAX_CWND");
    else if (!matches(a, "initcwnd")) metric32("initcwnd", "RTAX_INITCWND");
    else if (!matches(a, "initrwnd")) metric32("initrwnd", "RTAX_INITRWND");
    else if (!matches(a, "features")) {
      const v = next();
      if (v !== "ecn") invarg(ctx, '"features" value not valid\n', v);
      mx.RTAX_FEATURES = RTAX_FEATURE_ECN;
      haveMx = true;
    } else if (!matches(a, "quickack")) metricBool("quickack", "RTAX_QUICKACK");
    else if (!matches(a, "congctl")) {
      let v = next();
      if (v === "lock") {
        mxlock |= 1 << RTAX.RTAX_CC_ALGO;
        v = next();
      }
      mx.RTAX_CC_ALGO = v;
      haveMx = true;
    } else if (!matches(a, "rttvar")) metricTime("rttvar", "RTAX_RTTVAR", 4, true);
    else if (!matches(a, "ssthresh")) metric32("ssthresh", "RTAX_SSTHRESH");
    else if (a === "onlink") r.flags |= RTNH_F_ONLINK;
    else if (a === "nexthop") {
      nhsOk = true;
      break;
    } else if (a === "nhid") {
      const v = next();
      const id = getU32(v, 0);
      if (id === undefined) invarg(ctx, '"id" value is invalid\n', v);
      nhid = id;
      req.attrs.RTA_NH_ID = id;
    } else if (!matches(a, "protocol")) {
      const v = next();
      const prot = ctx.names.rtnlRtprotA2n(v);
      if (prot === undefined) invarg(ctx, '"protocol" value is invalid\n', v);
      r.protocol = prot;
    } else if (!matches(a, "table")) {
      const v = next();
      const tid = ctx.names.rtnlRttableA2n(v);
      if (tid === undefined) invarg(ctx, '"table" value is invalid\n', v);
      if (tid < 256) r.table = tid;
      else {
        r.table = RT_TABLE_UNSPEC;
        req.attrs.RTA_TABLE = tid;
      }
      tableOk = true;
    } else if (!matches(a, "vrf")) {
      invarg(ctx, "Invalid VRF\n", next());
    } else if (a === "dev" || a === "oif") {
      d = next();
    } else if (!matches(a, "pref")) {
      const v = next();
      let pref: number | undefined;
      if (v === "low") pref = 3;
      else if (v === "medium") pref = 0;
      else if (v === "high") pref = 1;
      else pref = getU8(v, 0);
      if (pref === undefined) invarg(ctx, '"pref" value is invalid\n', v);
      req.attrs.RTA_PREF = pref;
    } else if (!matches(a, "fastopen_no_cookie")) metricBool("fastopen_no_cookie", "RTAX_FASTOPEN_NO_COOKIE");
    else {
      let v = a;
      if (a === "to") v = next();
      if ((v[0]! < "0" || v[0]! > "9")) {
        const type = rtnlRtntypeA2n(v);
        if (type !== undefined) {
          v = next();
          r.type = type;
          typeOk = true;
        }
      }
      if (!matches(v, "help")) usage(ctx);
      if (dstOk) duparg2(ctx, "to", v);
      const dst = getPrefix(ctx, v, r.family);
      if (r.family === AF_UNSPEC) r.family = dst.family;
      r.dst_len = dst.bitlen;
      dstOk = true;
      if (dst.bytelen) req.attrs.RTA_DST = prefixBytes(dst);
    }
    argv = argv.slice(1);
  }
  if (!dstOk) usage(ctx);
  if (d !== undefined) {
    const idx = ctx.ll.llNameToIndex(d);
    if (!idx) return nodev(ctx, d);
    req.attrs.RTA_OIF = idx;
  }
  if (haveMx) {
    if (mxlock) mx.RTAX_LOCK = mxlock;
    req.attrs.RTA_METRICS = mx;
  }
  if (nhsOk) {
    const mp = parseNexthops(ctx, r, argv);
    if (mp === undefined) return -1;
    if (mp.length) req.attrs.RTA_MULTIPATH = mp;
  }
  if (r.family === AF_UNSPEC) r.family = AF_INET;
  if (!tableOk) {
    if (r.type === RTN_LOCAL || r.type === RTN_BROADCAST || r.type === RTN_NAT || r.type === RTN_ANYCAST)
      r.table = RT_TABLE_LOCAL;
  }
  if (!scopeOk) {
    if (r.family === AF_INET6 || r.family === AF_MPLS) r.scope = RT_SCOPE_UNIVERSE;
    else if (r.type === RTN_LOCAL || r.type === RTN_NAT) r.scope = RT_SCOPE_HOST;
    else if (r.type === RTN_BROADCAST || r.type === RTN_MULTICAST || r.type === RTN_ANYCAST) r.scope = RT_SCOPE_LINK;
    else if (r.type === RTN_UNICAST || r.type === RTN_UNSPEC) {
      if (cmd === "RTM_DELROUTE") r.scope = RT_SCOPE_NOWHERE;
      else if (!gwOk && !nhsOk && !nhid) r.scope = RT_SCOPE_LINK;
    }
  }
  if (!typeOk && r.family === AF_MPLS) r.type = RTN_UNICAST;
  if (rtnlTalk(ctx, req).ret) return -2;
  return 0;
}

function routeDump(ctx: IpCtx, family: number, f: RouteFilter): RouteMsg[] | undefined {
  const req: RouteMsg = {
    type: "RTM_GETROUTE",
    flags: {},
    rtm: { family, dst_len: 0, src_len: 0, tos: 0, table: f.tb < 256 ? f.tb : 0, protocol: 0, scope: 0, type: 0, flags: 0 },
    attrs: {},
  };
  if (f.tb >= 256) req.attrs.RTA_TABLE = f.tb;
  if (f.cloned) req.rtm.flags |= RTM_F_CLONED;
  if (f.oif) req.attrs.RTA_OIF = f.oif;
  return rtnlDumpFilter(ctx, req) as RouteMsg[] | undefined;
}

/** ip/iproute.c: iproute_flush_cache() — "-1" into /proc/sys/net/ipv4/route/flush */
function iprouteFlushCache(ctx: IpCtx): number {
  const ROUTE_FLUSH_PATH = "/proc/sys/net/ipv4/route/flush";
  const e = ctx.sys.fs.write(ROUTE_FLUSH_PATH, "-1");
  if (e) {
    if (e.errno === "ENOENT" || e.errno === "EACCES" || e.errno === "EPERM") {
      ctx.err('Cannot open "%s": %s\n', ROUTE_FLUSH_PATH, strerror(e.errno));
    } else {
      ctx.err("Cannot flush routing cache\n");
    }
    return -1;
  }
  return 0;
}

/** ip/iproute.c: iproute_flush() */
function iprouteFlush(ctx: IpCtx, family: number, f: RouteFilter): number {
  if (f.cloned) {
    if (family !== AF_INET6) {
      iprouteFlushCache(ctx);
      if (ctx.showStats) ctx.printf("*** IPv4 routing cache is flushed.\n");
    }
    if (family === AF_INET) return 0;
  }
  f.flushing = true;
  let round = 0;
  for (;;) {
    f.flushed = 0;
    const msgs = routeDump(ctx, family, f);
    if (!msgs) {
      ctx.err("Flush terminated\n");
      return -2;
    }
    for (const n of msgs) {
      const ret = printRoute(ctx, n);
      if (ret < 0) {
        ctx.err("Flush terminated\n");
        return -2;
      }
    }
    if (f.flushed === 0) {
      if (ctx.showStats) {
        if (round === 0 && (!f.cloned || family === AF_INET6)) ctx.printf("Nothing to flush.\n");
        else ctx.printf("*** Flush is complete after %d round%s ***\n", round, round > 1 ? "s" : "");
      }
      return 0;
    }
    round++;
    if (flushUpdate(ctx, f) < 0) return -2;
    if (ctx.showStats) ctx.printf("\n*** Round %d, deleting %d entries ***\n", round, f.flushed);
    if (round > 100) return -1;
  }
}

/** ip/iproute.c: flush_update(): rtnl_send_check() of the buffered deletes — each is sent,
 * none asks for an ack; the first error the kernel answered is the one reported (its extack is
 * not printed) */
function flushUpdate(ctx: IpCtx, f: RouteFilter): number {
  let errno: KErr["errno"] | undefined;
  for (const m of f.flushb) {
    const { ack } = ctx.rtnl.talk(m);
    if (!ack.ok && errno === undefined) errno = ack.errno;
  }
  f.flushb = [];
  if (errno !== undefined) {
    ctx.err("Failed to send flush request: %s\n", strerror(errno));
    return -2;
  }
  return 0;
}

/** route_dump_magic, as the host (little-endian) writes it */
const ROUTE_DUMP_MAGIC = new Uint8Array([0x24, 0x12, 0x31, 0x45]);

function writeBytes(ctx: IpCtx, b: Uint8Array): void {
  const o = ctx.p.stdout;
  if (o.writeBytes) o.writeBytes(b);
  else o.write(String.fromCharCode(...b));
}

/** ip/iproute.c: route_dump_check_magic(); the stream's bytes after it, or undefined */
function routeDumpCheckMagic(ctx: IpCtx): Uint8Array | undefined {
  const b = ctx.p.stdinBytes ?? new TextEncoder().encode(ctx.p.stdin ?? "");
  const got = b.length >= 4 ? 1 : 0;
  const m = ((b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16) | ((b[3] ?? 0) << 24)) >>> 0;
  if (m !== 0x45311224) {
    ctx.err("Magic mismatch (%d elems, %x magic)\n", got, m);
    return undefined;
  }
  return b;
}

/** ip/iproute.c: iproute_restore() + restore_handler(): local addresses first, then local
 * networks, then the routes through gateways; a route that is there already is no error */
function iprouteRestore(ctx: IpCtx): number {
  const b = routeDumpCheckMagic(ctx);
  if (!b) return -1;
  for (let prio = 0; prio < 3; prio++) {
    const err = rtnlFromFile(b, 4, (msg) => {
      const tb = routeAttrBytes(msg);
      const gw = tb.has(RTA_GATEWAY);
      const src = tb.get(RTA_PREFSRC);
      const dst = tb.get(RTA_DST);
      // rtattr_cmp(): nonzero unless both are there with the same bytes
      const differ = !src || !dst || src.length !== dst.length || src.some((x, i) => x !== dst[i]);
      const take = (prio === 0 && !gw && (!src || !differ)) || (prio === 1 && !gw && src !== undefined && differ) || (prio === 2 && gw);
      if (!take) return 0;
      const req = decodeRoute(msg);
      req.type = "RTM_NEWROUTE";
      req.flags = { create: true };
      const r = rtnlTalk(ctx, req);
      return r.ret < 0 && r.errno !== "EEXIST" ? -1 : 0;
    }, (s) => ctx.err(s));
    if (err) return -2;
  }
  return 0;
}

/** ip/iproute.c: iproute_showdump() */
function iprouteShowdump(ctx: IpCtx): number {
  const b = routeDumpCheckMagic(ctx);
  if (!b) return -1;
  filters.set(ctx, iprouteResetFilter(0));
  // show_handler(): print_route() with no JSON object opened, so `-j` prints text
  const err = rtnlFromFile(b, 4, (msg) => {
    printRoute(ctx, decodeRoute(msg));
    return 0;
  }, (s) => ctx.err(s));
  return err ? -2 : 0;
}

const IPROUTE_LIST = 0;
const IPROUTE_FLUSH = 1;
const IPROUTE_SAVE = 2;

/** ip/iproute.c: iproute_list_flush_or_save() */
function iprouteListFlushOrSave(ctx: IpCtx, argvIn: string[], action: number): number {
  let dumpFamily = ctx.preferredFamily;
  let id: string | undefined;
  let od: string | undefined;
  let mark = 0;
  let argv = argvIn;
  if (action === IPROUTE_SAVE) {
    // save_route_prep(): the magic goes out before the arguments are even read
    if (ctx.p.isatty) {
      ctx.err("Not sending a binary stream to stdout\n");
      return -1;
    }
    writeBytes(ctx, ROUTE_DUMP_MAGIC);
  }
  const f = iprouteResetFilter(0);
  filters.set(ctx, f);
  f.tb = RT_TABLE_MAIN;
  if (action === IPROUTE_FLUSH && argv.length <= 0) {
    ctx.err('"ip route flush" requires arguments.\n');
    return -1;
  }
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  while (argv.length > 0) {
    const a = argv[0]!;
    if (!matches(a, "table")) {
      const v = next();
      const tid = ctx.names.rtnlRttableA2n(v);
      if (tid === undefined) {
        if (v === "all") f.tb = 0;
        else if (v === "cache") f.cloned = 1;
        else if (v === "help") usage(ctx);
        else invarg(ctx, "table id value is invalid\n", v);
      } else f.tb = tid;
    } else if (!matches(a, "vrf")) {
      invarg(ctx, "Invalid VRF\n", next());
    } else if (!matches(a, "cached") || !matches(a, "cloned")) {
      f.cloned = 1;
    } else if (a === "tos" || !matches(a, "dsfield")) {
      const v = next();
      const tos = ctx.names.rtnlDsfieldA2n(v);
      if (tos === undefined) invarg(ctx, "TOS value is invalid\n", v);
      f.tos = tos;
      f.tosmask = -1;
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
    } else if (!matches(a, "scope")) {
      const v = next();
      f.scopemask = -1;
      let scope = ctx.names.rtnlRtscopeA2n(v);
      if (scope === undefined) {
        if (v !== "all") invarg(ctx, 'invalid "scope"\n', v);
        scope = RT_SCOPE_NOWHERE;
        f.scopemask = 0;
      }
      f.scope = scope;
    } else if (!matches(a, "type")) {
      const v = next();
      const type = rtnlRtntypeA2n(v);
      if (type === undefined) invarg(ctx, "node type value is invalid\n", v);
      f.typemask = 1 << type;
    } else if (a === "dev" || a === "oif") {
      od = next();
    } else if (a === "iif") {
      id = next();
    } else if (a === "mark") {
      const v = next();
      const m = getUnsigned(v, 0);
      if (m === undefined) invarg(ctx, "invalid mark value", v);
      mark = m;
      f.markmask = -1;
    } else if (!matches(a, "metric") || !matches(a, "priority") || a === "preference") {
      const v = next();
      const metric = getU32(v, 0);
      if (metric === undefined) invarg(ctx, '"metric" value is invalid\n', v);
      f.metric = metric;
      f.metricmask = -1;
    } else if (a === "via") {
      let v = next();
      let family = readFamily(v);
      if (family === AF_UNSPEC) family = dumpFamily;
      else v = next();
      getPrefix(ctx, v, family, f.rvia);
    } else if (a === "src") {
      getPrefix(ctx, next(), dumpFamily, f.rprefsrc);
    } else if (!matches(a, "from")) {
      let v = next();
      if (!matches(v, "root")) getPrefix(ctx, next(), dumpFamily, f.rsrc);
      else if (!matches(v, "match")) getPrefix(ctx, next(), dumpFamily, f.msrc);
      else {
        if (!matches(v, "exact")) v = next();
        getPrefix(ctx, v, dumpFamily, f.msrc);
        f.rsrc = { ...f.msrc, data: f.msrc.data.slice() };
      }
    } else {
      let v = a;
      if (!matches(v, "to")) v = next();
      if (!matches(v, "root")) getPrefix(ctx, next(), dumpFamily, f.rdst);
      else if (!matches(v, "match")) getPrefix(ctx, next(), dumpFamily, f.mdst);
      else {
        if (!matches(v, "exact")) v = next();
        getPrefix(ctx, v, dumpFamily, f.mdst);
        f.rdst = { ...f.mdst, data: f.mdst.data.slice() };
      }
    }
    argv = argv.slice(1);
  }
  if (dumpFamily === AF_UNSPEC && f.tb) dumpFamily = AF_INET;
  if (id !== undefined || od !== undefined) {
    if (id !== undefined) {
      const idx = ctx.ll.llNameToIndex(id);
      if (!idx) return nodev(ctx, id);
      f.iif = idx;
      f.iifmask = -1;
    }
    if (od !== undefined) {
      const idx = ctx.ll.llNameToIndex(od);
      if (!idx) return nodev(ctx, od);
      f.oif = idx;
      f.oifmask = -1;
    }
  }
  f.mark = mark;
  if (action === IPROUTE_FLUSH) return iprouteFlush(ctx, dumpFamily, f);
  const msgs = routeDump(ctx, dumpFamily, f);
  if (!msgs) {
    ctx.err("Dump terminated\n");
    return -2;
  }
  if (action === IPROUTE_SAVE) {
    // save_route(): each message as the kernel sent it (a request it could filter is
    // answered NLM_F_DUMP_FILTERED; seq is rtnl_open()'s time(NULL) + 1)
    const seq = Math.floor(ctx.sys.wallclock()) + 1;
    const filtered = f.tb !== 0 || f.oif !== 0;
    for (const n of msgs) {
      if (!filterNlmsg(ctx, f, n, afBitLen(n.rtm.family))) continue;
      writeBytes(ctx, encodeRoute(n, seq, 0, 0x2 | (filtered ? NLM_F_DUMP_FILTERED : 0)));
    }
    return 0;
  }
  ctx.newJsonObj(ctx.json);
  for (const n of msgs) printRoute(ctx, n);
  ctx.deleteJsonObj();
  return 0;
}

/** ip/iproute.c: iproute_get() */
function iprouteGet(ctx: IpCtx, argvIn: string[]): number {
  const req: RouteMsg = {
    type: "RTM_GETROUTE",
    flags: {},
    rtm: { family: ctx.preferredFamily, dst_len: 0, src_len: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 },
    attrs: {},
  };
  const r = req.rtm;
  let idev: string | undefined;
  let odev: string | undefined;
  let connected = false;
  let fibMatch = false;
  let fromOk = false;
  let mark = 0;
  let addressFound = false;
  let argv = argvIn;
  const f = iprouteResetFilter(0);
  filters.set(ctx, f);
  f.cloned = 2;
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  while (argv.length > 0) {
    const a = argv[0]!;
    if (a === "tos" || !matches(a, "dsfield")) {
      const v = next();
      const tos = ctx.names.rtnlDsfieldA2n(v);
      if (tos === undefined) invarg(ctx, "TOS value is invalid\n", v);
      r.tos = tos;
    } else if (!matches(a, "from")) {
      const v = next();
      if (!matches(v, "help")) usage(ctx);
      fromOk = true;
      const addr = getPrefix(ctx, v, r.family);
      if (r.family === AF_UNSPEC) r.family = addr.family;
      if (addr.bytelen) req.attrs.RTA_SRC = prefixBytes(addr);
      r.src_len = addr.bitlen;
    } else if (!matches(a, "iif")) {
      idev = next();
    } else if (!matches(a, "mark")) {
      const v = next();
      const m = getUnsigned(v, 0);
      if (m === undefined) invarg(ctx, "invalid mark value", v);
      mark = m;
    } else if (!matches(a, "oif") || a === "dev") {
      odev = next();
    } else if (!matches(a, "notify")) {
      r.flags |= RTM_F_NOTIFY;
    } else if (!matches(a, "connected")) {
      connected = true;
    } else if (!matches(a, "vrf")) {
      invarg(ctx, "Invalid VRF\n", next());
    } else if (!matches(a, "uid")) {
      const v = next();
      const uid = getUnsigned(v, 0);
      if (uid === undefined) invarg(ctx, "invalid UID\n", v);
      req.attrs.RTA_UID = uid;
    } else if (!matches(a, "fibmatch")) {
      fibMatch = true;
    } else if (a === "as") {
      let v = next();
      if (v === "to") v = next();
      const addr = getAddr(ctx, v, r.family);
      if (r.family === AF_UNSPEC) r.family = addr.family;
    } else if (!matches(a, "sport")) {
      const v = next();
      const p = getUnsigned(v, 0);
      if (p === undefined || p > 0xffff) invarg(ctx, "invalid sport\n", v);
      req.attrs.RTA_SPORT = p;
    } else if (!matches(a, "dport")) {
      const v = next();
      const p = getUnsigned(v, 0);
      if (p === undefined || p > 0xffff) invarg(ctx, "invalid dport\n", v);
      req.attrs.RTA_DPORT = p;
    } else if (!matches(a, "ipproto")) {
      const v = next();
      const protos: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, ipv6_icmp: 58, icmpv6: 58, sctp: 132, dccp: 33 };
      const p = protos[v.toLowerCase()] ?? getU8(v, 0);
      if (p === undefined) invarg(ctx, 'Invalid "ipproto" value\n', v);
      req.attrs.RTA_IP_PROTO = p;
    } else {
      let v = a;
      if (a === "to") v = next();
      if (!matches(v, "help")) usage(ctx);
      const addr = getPrefix(ctx, v, r.family);
      if (r.family === AF_UNSPEC) r.family = addr.family;
      if (addr.bytelen) req.attrs.RTA_DST = prefixBytes(addr);
      if (r.family === AF_INET && addr.bitlen !== 32) {
        ctx.err("Warning: /%u as prefix is invalid, only /32 (or none) is supported.\n", addr.bitlen);
        r.dst_len = 32;
      } else if (r.family === AF_INET6 && addr.bitlen !== 128) {
        ctx.err("Warning: /%u as prefix is invalid, only /128 (or none) is supported.\n", addr.bitlen);
        r.dst_len = 128;
      } else r.dst_len = addr.bitlen;
      addressFound = true;
    }
    argv = argv.slice(1);
  }
  if (!addressFound) {
    ctx.err("need at least a destination address\n");
    return -1;
  }
  if (idev !== undefined || odev !== undefined) {
    if (idev !== undefined) {
      const idx = ctx.ll.llNameToIndex(idev);
      if (!idx) return nodev(ctx, idev);
      req.attrs.RTA_IIF = idx;
    }
    if (odev !== undefined) {
      const idx = ctx.ll.llNameToIndex(odev);
      if (!idx) return nodev(ctx, odev);
      req.attrs.RTA_OIF = idx;
    }
  }
  if (mark) req.attrs.RTA_MARK = mark;
  if (r.family === AF_UNSPEC) r.family = AF_INET;
  if (r.family === AF_INET) r.flags |= RTM_F_LOOKUP_TABLE;
  if (fibMatch) r.flags |= RTM_F_FIB_MATCH;
  let res = rtnlTalk(ctx, req);
  if (res.ret < 0 || !res.answer) return -2;
  ctx.newJsonObj(ctx.json);
  if (connected && !fromOk) {
    const ans = res.answer;
    if (printRoute(ctx, ans) < 0) {
      ctx.err("An error :-)\n");
      return -1;
    }
    if (ans.type !== "RTM_NEWROUTE") {
      ctx.err("Not a route?\n");
      return -1;
    }
    /* iproute2 turns the answer's RTA_PREFSRC into RTA_SRC in the answer buffer, then sends
     * the original request (req.n) again: the second lookup is the first one repeated */
    const ra = (ans as RouteMsg).attrs;
    if (!ra.RTA_PREFSRC && !ra.RTA_SRC) {
      ctx.err("Failed to connect the route\n");
      return -1;
    }
    ctx.deleteJsonObj();
    res = rtnlTalk(ctx, req);
    if (res.ret < 0 || !res.answer) return -2;
  }
  if (printRoute(ctx, res.answer!) < 0) {
    ctx.err("An error :-)\n");
    return -1;
  }
  ctx.deleteJsonObj();
  return 0;
}

/** ip/iproute.c: do_iproute() */
export function doIproute(ctx: IpCtx, argv: string[]): number {
  if (argv.length < 1) return iprouteListFlushOrSave(ctx, [], IPROUTE_LIST);
  const a = argv[0]!;
  const rest = argv.slice(1);
  if (!matches(a, "add")) return iprouteModify(ctx, "RTM_NEWROUTE", { create: true, excl: true }, rest);
  if (!matches(a, "change") || a === "chg") return iprouteModify(ctx, "RTM_NEWROUTE", { replace: true }, rest);
  if (!matches(a, "replace")) return iprouteModify(ctx, "RTM_NEWROUTE", { create: true, replace: true }, rest);
  if (!matches(a, "prepend")) return iprouteModify(ctx, "RTM_NEWROUTE", { create: true }, rest);
  if (!matches(a, "append")) return iprouteModify(ctx, "RTM_NEWROUTE", { create: true, append: true }, rest);
  if (!matches(a, "test")) return iprouteModify(ctx, "RTM_NEWROUTE", { excl: true }, rest);
  if (!matches(a, "delete")) return iprouteModify(ctx, "RTM_DELROUTE", {}, rest);
  if (!matches(a, "list") || !matches(a, "show") || !matches(a, "lst"))
    return iprouteListFlushOrSave(ctx, rest, IPROUTE_LIST);
  if (!matches(a, "get")) return iprouteGet(ctx, rest);
  if (!matches(a, "flush")) return iprouteListFlushOrSave(ctx, rest, IPROUTE_FLUSH);
  if (!matches(a, "save")) return iprouteListFlushOrSave(ctx, rest, IPROUTE_SAVE);
  if (!matches(a, "restore")) return iprouteRestore(ctx);
  if (!matches(a, "showdump")) return iprouteShowdump(ctx);
  if (!matches(a, "help")) usage(ctx);
  ctx.err('Command "%s" is unknown, try "ip route help".\n', a);
  return ctx.exit(-1);
}
