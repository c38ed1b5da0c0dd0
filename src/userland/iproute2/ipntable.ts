/**
 * ip/ipntable.c (iproute2 6.1): `ip ntable` — the kernel's neighbour tables (arp_cache,
 * ndisc_cache) as RTM_NEWNEIGHTBL messages: each table with its thresholds, its config and
 * statistics (`-s`) and its default parameters, then the parameters of each device; and
 * `ip ntable change`, an RTM_SETNEIGHTBL of a table's thresholds or of one parameter set.
 */
import type { IpCtx } from "../lib/context.ts";
import type { NdtConfig, NdtStats, NdtaAttrs, NdtpaAttrs, NeightblMsg, RtnlMsg } from "../../kernel/uapi/rtnetlink.ts";
import { COLOR_IFNAME, PRINT_ANY, PRINT_FP } from "../lib/json_print.ts";
import { duparg, familyName, incompleteCommand, invarg, matches, missarg, nodev, strtoNum } from "../lib/utils.ts";
import { rtnlDumpFilter, rtnlTalk } from "../lib/libnetlink.ts";

/** filter.index of `dev none`: only the tables' own parameters */
const NONE_DEV = -1;

interface Filter {
  family: number;
  index: number;
  name: string | undefined;
}

/** ip/ipntable.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip ntable change name NAME [ dev DEV ]\n" +
      "        [ thresh1 VAL ] [ thresh2 VAL ] [ thresh3 VAL ] [ gc_int MSEC ]\n" +
      "        [ PARMS ]\n" +
      "Usage: ip ntable show [ dev DEV ] [ name NAME ]\n" +
      "PARMS := [ base_reachable MSEC ] [ retrans MSEC ] [ gc_stale MSEC ]\n" +
      "         [ delay_probe MSEC ] [ queue LEN ]\n" +
      "         [ app_probes VAL ] [ ucast_probes VAL ] [ mcast_probes VAL ]\n" +
      "         [ anycast_delay MSEC ] [ proxy_delay MSEC ] [ proxy_queue LEN ]\n" +
      "         [ locktime MSEC ]\n",
  );
  return ctx.exit(-1);
}

/** lib/utils.c: get_u64() — as a bigint, so that every 64-bit value reaches the kernel whole */
function getU64Big(arg: string | undefined): bigint | undefined {
  if (!arg) return undefined;
  const r = strtoNum(arg, 0);
  if (!r || r.rest !== "") return undefined;
  // strtoull: past ULLONG_MAX (either sign) is ERANGE; a leading '-' negates in unsigned arithmetic
  const max = 0xffffffffffffffffn;
  const mag = r.v < 0n ? -r.v : r.v;
  if (mag > max) return undefined;
  return r.v < 0n ? ((1n << 64n) - mag) & max : mag;
}

/** lib/utils.c: get_u32() (strtoul, then the 32-bit check) */
function getU32(arg: string | undefined): number | undefined {
  const v = getU64Big(arg);
  if (v === undefined || v > 0xffffffffn) return undefined;
  return Number(v);
}

/** the u32 attributes of PARMS: keyword → NDTPA_* */
const PARMS_U32: Record<string, keyof NdtpaAttrs> = {
  queue: "NDTPA_QUEUE_LEN",
  app_probes: "NDTPA_APP_PROBES",
  ucast_probes: "NDTPA_UCAST_PROBES",
  mcast_probes: "NDTPA_MCAST_PROBES",
  proxy_queue: "NDTPA_PROXY_QLEN",
};

/** the u64 (milliseconds) attributes of PARMS */
const PARMS_U64: Record<string, keyof NdtpaAttrs> = {
  base_reachable: "NDTPA_BASE_REACHABLE_TIME",
  retrans: "NDTPA_RETRANS_TIME",
  gc_stale: "NDTPA_GC_STALETIME",
  delay_probe: "NDTPA_DELAY_PROBE_TIME",
  anycast_delay: "NDTPA_ANYCAST_DELAY",
  proxy_delay: "NDTPA_PROXY_DELAY",
  locktime: "NDTPA_LOCKTIME",
};

const THRESH: Record<string, "NDTA_THRESH1" | "NDTA_THRESH2" | "NDTA_THRESH3"> = {
  thresh1: "NDTA_THRESH1",
  thresh2: "NDTA_THRESH2",
  thresh3: "NDTA_THRESH3",
};

/** ip/ipntable.c: ipntable_modify() */
function ipntableModify(ctx: IpCtx, argv: string[]): number {
  const attrs: NdtaAttrs = {};
  const parms: NdtpaAttrs = {};
  let namep: string | undefined;
  let threshsp: string | undefined;
  let gcIntp: string | undefined;
  let parmsChange = false;
  let parmsLen = 0;

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      if (++i >= argv.length) incompleteCommand(ctx);
      return argv[i]!;
    };
    if (a === "name") {
      const v = next();
      if (namep !== undefined) duparg(ctx, "NAME", v);
      namep = v;
      attrs.NDTA_NAME = v;
    } else if (Object.hasOwn(THRESH, a)) {
      const v = next();
      threshsp = v;
      const t = getU32(v);
      if (t === undefined) invarg(ctx, `"${a}" value is invalid`, v);
      attrs[THRESH[a]!] = t;
    } else if (a === "gc_int") {
      const v = next();
      gcIntp = v;
      const t = getU64Big(v);
      if (t === undefined) invarg(ctx, '"gc_int" value is invalid', v);
      attrs.NDTA_GC_INTERVAL = t;
    } else if (a === "dev") {
      const v = next();
      const ifindex = ctx.ll.llNameToIndex(v);
      if (!ifindex) return nodev(ctx, v);
      parms.NDTPA_IFINDEX = ifindex;
      parmsLen++;
    } else if (Object.hasOwn(PARMS_U64, a)) {
      const v = next();
      const t = getU64Big(v);
      if (t === undefined) invarg(ctx, `"${a}" value is invalid`, v);
      (parms as Record<string, unknown>)[PARMS_U64[a]!] = t;
      parmsLen++;
      parmsChange = true;
    } else if (Object.hasOwn(PARMS_U32, a)) {
      const v = next();
      const t = getU32(v);
      if (t === undefined) invarg(ctx, `"${a}" value is invalid`, v);
      (parms as Record<string, unknown>)[PARMS_U32[a]!] = t;
      parmsLen++;
      parmsChange = true;
    } else {
      invarg(ctx, "unknown", a);
    }
  }

  if (namep === undefined) missarg(ctx, "NAME");
  if (threshsp === undefined && gcIntp === undefined && !parmsChange) {
    ctx.err("Not enough information: changeable attributes required.\n");
    return ctx.exit(-1);
  }
  if (parmsLen) attrs.NDTA_PARMS = parms;

  const req: RtnlMsg = { type: "RTM_SETNEIGHTBL", flags: { replace: true }, ndtm: { family: ctx.preferredFamily }, attrs };
  if (rtnlTalk(ctx, req).ret < 0) ctx.exit(2);
  return 0;
}

/** ip/ipntable.c: ntable_strtime_delta(): the wall time `msec` ago, strftime("%Y-%m-%d %T")
 * in the hosts' time zone (UTC) */
function ntableStrtimeDelta(ctx: IpCtx, msec: number): string {
  if (msec === 0) return "(error)";
  const t = Math.floor(ctx.sys.wallclock()) - Math.floor(msec / 1000);
  const d = new Date(t * 1000);
  const p2 = (n: number): string => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** ip/ipntable.c: print_ndtconfig() */
function printNdtconfig(ctx: IpCtx, c: NdtConfig): void {
  ctx.printUint(PRINT_ANY, "key_length", "    config key_len %u ", c.ndtc_key_len);
  ctx.printUint(PRINT_ANY, "entry_size", "entry_size %u ", c.ndtc_entry_size);
  ctx.printUint(PRINT_ANY, "entries", "entries %u ", c.ndtc_entries);
  ctx.printNl();
  ctx.printString(PRINT_ANY, "last_flush", "        last_flush %s ", ntableStrtimeDelta(ctx, c.ndtc_last_flush));
  ctx.printString(PRINT_ANY, "last_rand", "last_rand %s ", ntableStrtimeDelta(ctx, c.ndtc_last_rand));
  ctx.printNl();
  ctx.printUint(PRINT_ANY, "hash_rnd", "        hash_rnd %u ", c.ndtc_hash_rnd);
  ctx.print0xhex(PRINT_ANY, "hash_mask", "hash_mask %08llx ", c.ndtc_hash_mask);
  ctx.printUint(PRINT_ANY, "hash_chain_gc", "hash_chain_gc %u ", c.ndtc_hash_chain_gc);
  ctx.printUint(PRINT_ANY, "proxy_qlen", "proxy_qlen %u ", c.ndtc_proxy_qlen);
  ctx.printNl();
}

/** ip/ipntable.c: print_ndtparams() */
function printNdtparams(ctx: IpCtx, p: NdtpaAttrs): void {
  if (p.NDTPA_IFINDEX !== undefined) {
    ctx.printString(PRINT_FP, null, "    dev ", null);
    ctx.printString(PRINT_ANY, "dev", "%s ", ctx.ll.llIndexToName(p.NDTPA_IFINDEX), COLOR_IFNAME);
    ctx.printNl();
  }
  ctx.printString(PRINT_FP, null, "    ", null);
  if (p.NDTPA_REFCNT !== undefined) ctx.printUint(PRINT_ANY, "refcnt", "refcnt %u ", p.NDTPA_REFCNT);
  if (p.NDTPA_REACHABLE_TIME !== undefined) ctx.printU64(PRINT_ANY, "reachable", "reachable %llu ", p.NDTPA_REACHABLE_TIME);
  if (p.NDTPA_BASE_REACHABLE_TIME !== undefined) {
    ctx.printU64(PRINT_ANY, "base_reachable", "base_reachable %llu ", p.NDTPA_BASE_REACHABLE_TIME);
  }
  if (p.NDTPA_RETRANS_TIME !== undefined) ctx.printU64(PRINT_ANY, "retrans", "retrans %llu ", p.NDTPA_RETRANS_TIME);
  ctx.printString(PRINT_FP, null, "%s    ", ctx.SL);
  if (p.NDTPA_GC_STALETIME !== undefined) ctx.printU64(PRINT_ANY, "gc_stale", "gc_stale %llu ", p.NDTPA_GC_STALETIME);
  if (p.NDTPA_DELAY_PROBE_TIME !== undefined) ctx.printU64(PRINT_ANY, "delay_probe", "delay_probe %llu ", p.NDTPA_DELAY_PROBE_TIME);
  if (p.NDTPA_QUEUE_LEN !== undefined) ctx.printUint(PRINT_ANY, "queue", "queue %u ", p.NDTPA_QUEUE_LEN);
  ctx.printString(PRINT_FP, null, "%s    ", ctx.SL);
  if (p.NDTPA_APP_PROBES !== undefined) ctx.printUint(PRINT_ANY, "app_probes", "app_probes %u ", p.NDTPA_APP_PROBES);
  if (p.NDTPA_UCAST_PROBES !== undefined) ctx.printUint(PRINT_ANY, "ucast_probes", "ucast_probes %u ", p.NDTPA_UCAST_PROBES);
  if (p.NDTPA_MCAST_PROBES !== undefined) ctx.printUint(PRINT_ANY, "mcast_probes", "mcast_probes %u ", p.NDTPA_MCAST_PROBES);
  ctx.printString(PRINT_FP, null, "%s    ", ctx.SL);
  if (p.NDTPA_ANYCAST_DELAY !== undefined) ctx.printU64(PRINT_ANY, "anycast_delay", "anycast_delay %llu ", p.NDTPA_ANYCAST_DELAY);
  if (p.NDTPA_PROXY_DELAY !== undefined) ctx.printU64(PRINT_ANY, "proxy_delay", "proxy_delay %llu ", p.NDTPA_PROXY_DELAY);
  if (p.NDTPA_PROXY_QLEN !== undefined) ctx.printUint(PRINT_ANY, "proxy_queue", "proxy_queue %u ", p.NDTPA_PROXY_QLEN);
  if (p.NDTPA_LOCKTIME !== undefined) ctx.printU64(PRINT_ANY, "locktime", "locktime %llu ", p.NDTPA_LOCKTIME);
  ctx.printNl();
}

/** ip/ipntable.c: print_ndtstats() */
function printNdtstats(ctx: IpCtx, s: NdtStats): void {
  ctx.printString(PRINT_FP, null, "    stats ", null);
  ctx.printU64(PRINT_ANY, "allocs", "allocs %llu ", s.ndts_allocs);
  ctx.printU64(PRINT_ANY, "destroys", "destroys %llu ", s.ndts_destroys);
  ctx.printU64(PRINT_ANY, "hash_grows", "hash_grows %llu ", s.ndts_hash_grows);
  ctx.printString(PRINT_FP, null, "%s    ", ctx.SL);
  ctx.printU64(PRINT_ANY, "res_failed", "res_failed %llu ", s.ndts_res_failed);
  ctx.printU64(PRINT_ANY, "lookups", "lookups %llu ", s.ndts_lookups);
  ctx.printU64(PRINT_ANY, "hits", "hits %llu ", s.ndts_hits);
  ctx.printString(PRINT_FP, null, "%s    ", ctx.SL);
  ctx.printU64(PRINT_ANY, "rcv_probes_mcast", "rcv_probes_mcast %llu ", s.ndts_rcv_probes_mcast);
  ctx.printU64(PRINT_ANY, "rcv_probes_ucast", "rcv_probes_ucast %llu ", s.ndts_rcv_probes_ucast);
  ctx.printString(PRINT_FP, null, "%s    ", ctx.SL);
  ctx.printU64(PRINT_ANY, "periodic_gc_runs", "periodic_gc_runs %llu ", s.ndts_periodic_gc_runs);
  ctx.printU64(PRINT_ANY, "forced_gc_runs", "forced_gc_runs %llu ", s.ndts_forced_gc_runs);
  ctx.printString(PRINT_FP, null, "%s    ", ctx.SL);
  ctx.printU64(PRINT_ANY, "table_fulls", "table_fulls %llu ", s.ndts_table_fulls);
  ctx.printNl();
}

/** ip/ipntable.c: print_ntable() */
function printNtable(ctx: IpCtx, n: RtnlMsg, filter: Filter): void {
  if (n.type !== "RTM_NEWNEIGHTBL") return;
  const m = n as NeightblMsg;
  const a = m.attrs;
  if (ctx.preferredFamily && ctx.preferredFamily !== m.ndtm.family) return;
  if (a.NDTA_NAME !== undefined && filter.name !== undefined && filter.name !== a.NDTA_NAME) return;
  const tp = a.NDTA_PARMS;
  if (tp) {
    if (tp.NDTPA_IFINDEX !== undefined) {
      // an int against a __u32: `dev none` (-1) matches no device
      if (filter.index && filter.index >>> 0 !== tp.NDTPA_IFINDEX) return;
    } else if (filter.index && filter.index !== NONE_DEV) return;
  }

  ctx.openJsonObject(null);
  ctx.printString(PRINT_ANY, "family", "%s ", familyName(m.ndtm.family));
  if (a.NDTA_NAME !== undefined) ctx.printString(PRINT_ANY, "name", "%s ", a.NDTA_NAME);
  ctx.printNl();

  const ret = a.NDTA_THRESH1 !== undefined || a.NDTA_THRESH2 !== undefined || a.NDTA_THRESH3 !== undefined || a.NDTA_GC_INTERVAL !== undefined;
  if (ret) ctx.printString(PRINT_FP, null, "    ", null);
  if (a.NDTA_THRESH1 !== undefined) ctx.printUint(PRINT_ANY, "thresh1", "thresh1 %u ", a.NDTA_THRESH1);
  if (a.NDTA_THRESH2 !== undefined) ctx.printUint(PRINT_ANY, "thresh2", "thresh2 %u ", a.NDTA_THRESH2);
  if (a.NDTA_THRESH3 !== undefined) ctx.printUint(PRINT_ANY, "thresh3", "thresh3 %u ", a.NDTA_THRESH3);
  if (a.NDTA_GC_INTERVAL !== undefined) ctx.printU64(PRINT_ANY, "gc_interval", "gc_int %llu ", a.NDTA_GC_INTERVAL);
  if (ret) ctx.printNl();

  if (a.NDTA_CONFIG && ctx.showStats) printNdtconfig(ctx, a.NDTA_CONFIG);
  if (tp) printNdtparams(ctx, tp);
  if (a.NDTA_STATS && ctx.showStats) printNdtstats(ctx, a.NDTA_STATS);

  ctx.printString(PRINT_FP, null, "\n", "");
  ctx.closeJsonObject();
}

/** ip/ipntable.c: ipntable_show() */
function ipntableShow(ctx: IpCtx, argv: string[]): number {
  const filter: Filter = { family: ctx.preferredFamily, index: 0, name: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "dev") {
      if (++i >= argv.length) incompleteCommand(ctx);
      const v = argv[i]!;
      if (v === "none") filter.index = NONE_DEV;
      else if ((filter.index = ctx.ll.llNameToIndex(v)) === 0) invarg(ctx, '"DEV" is invalid', v);
    } else if (a === "name") {
      if (++i >= argv.length) incompleteCommand(ctx);
      filter.name = argv[i]!;
    } else invarg(ctx, "unknown", a);
  }

  // rtnl_neightbldump_req(): an ndtmsg of the preferred family
  const req: RtnlMsg = { type: "RTM_GETNEIGHTBL", flags: {}, ndtm: { family: ctx.preferredFamily }, attrs: {} };
  ctx.newJsonObj(ctx.json);
  const msgs = rtnlDumpFilter(ctx, req);
  if (!msgs) {
    ctx.err("Dump terminated\n");
    return ctx.exit(1);
  }
  for (const m of msgs) printNtable(ctx, m, filter);
  ctx.deleteJsonObj();
  return 0;
}

/** ip/ipntable.c: do_ipntable() */
export function doIpntable(ctx: IpCtx, argv: string[]): number {
  ctx.ll.llInitMap();
  if (argv.length > 0) {
    const a = argv[0]!;
    if (!matches(a, "change") || !matches(a, "chg")) return ipntableModify(ctx, argv.slice(1));
    if (!matches(a, "show") || !matches(a, "lst") || !matches(a, "list")) return ipntableShow(ctx, argv.slice(1));
    if (!matches(a, "help")) usage(ctx);
  } else return ipntableShow(ctx, []);
  ctx.err('Command "%s" is unknown, try "ip ntable help".\n', argv[0]!);
  return ctx.exit(-1);
}
