/**
 * ip/ipneigh.c: `ip neigh` — add/del/change/replace, show/flush with filters, get
 * (ipneigh_modify, print_neigh, do_show_or_flush, ipneigh_get, do_ipneigh).
 */
import { COLOR_IFNAME, COLOR_MAC, ifaFamilyColor } from "../lib/json_print.ts";
import type { IpCtx } from "../lib/context.ts";
import type { NdaAttrs, NdaCacheInfo, NeighMsg, NlFlags, RtnlMsg } from "../../kernel/uapi/rtnetlink.ts";
import {
  AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC, NTF_EXT_LEARNED, NTF_OFFLOADED, NTF_PROXY, NTF_ROUTER, NTF_USE,
  NUD_DELAY, NUD_FAILED, NUD_INCOMPLETE, NUD_NOARP, NUD_NONE, NUD_PERMANENT, NUD_PROBE, NUD_REACHABLE,
  NUD_STALE,
} from "../../kernel/uapi/rtnetlink.ts";
import { strerror } from "../../kernel/uapi/errno.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import {
  duparg, duparg2, formatHost, getAddr, getPrefix, getUnsigned, incompleteCommand, inetAddrMatchRta, invarg,
  llAddrA2n, llAddrN2a, matches, newPrefix, nodev, type InetPrefix,
} from "../lib/utils.ts";
import { rtnlDumpFilter, rtnlTalk } from "../lib/libnetlink.ts";

const MAX_ROUNDS = 10;
/** include/uapi/linux/neighbour.h: NTF_EXT_MANAGED (in NDA_FLAGS_EXT) */
const NTF_EXT_MANAGED = 1 << 0;
/** sysconf(_SC_CLK_TCK) */
const USER_HZ = 100;

/** ip/ipneigh.c: the static `filter` */
interface NeighFilter {
  family: number;
  index: number;
  state: number;
  unusedOnly: number;
  pfx: InetPrefix;
  flushed: number;
  /** filter.flushb != NULL: collecting RTM_DELNEIGH requests */
  flushing: boolean;
  flushq: NeighMsg[];
  master: number;
  protocol: number;
  ndmFlags: number;
}

const filters = new WeakMap<IpCtx, NeighFilter>();

/** ip/ipneigh.c: ipneigh_reset_filter() */
export function ipneighResetFilter(ctx: IpCtx, ifindex: number): NeighFilter {
  const f: NeighFilter = {
    family: 0, index: ifindex, state: ~0, unusedOnly: 0, pfx: newPrefix(), flushed: 0, flushing: false,
    flushq: [], master: 0, protocol: 0, ndmFlags: 0,
  };
  filters.set(ctx, f);
  return f;
}

function filterOf(ctx: IpCtx): NeighFilter {
  return filters.get(ctx) ?? ipneighResetFilter(ctx, 0);
}

/** ip/ipneigh.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip neigh { add | del | change | replace }\n" +
      "                { ADDR [ lladdr LLADDR ] [ nud STATE ] proxy ADDR }\n" +
      "                [ dev DEV ] [ router ] [ use ] [ managed ] [ extern_learn ]\n" +
      "                [ protocol PROTO ]\n" +
      "\n" +
      "\tip neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]\n" +
      "\t\t\t\t  [ vrf NAME ] [ nomaster ]\n" +
      "\tip neigh get { ADDR | proxy ADDR } dev DEV\n" +
      "\n" +
      "STATE := { delay | failed | incomplete | noarp | none |\n" +
      "           permanent | probe | reachable | stale }\n",
  );
  return ctx.exit(-1);
}

/** ip/ipneigh.c: nud_state_a2n() */
function nudStateA2n(arg: string): number | undefined {
  if (!matches(arg, "permanent")) return NUD_PERMANENT;
  if (!matches(arg, "reachable")) return NUD_REACHABLE;
  if (arg === "noarp") return NUD_NOARP;
  if (arg === "none") return NUD_NONE;
  if (arg === "stale") return NUD_STALE;
  if (arg === "incomplete") return NUD_INCOMPLETE;
  if (arg === "delay") return NUD_DELAY;
  if (arg === "probe") return NUD_PROBE;
  if (!matches(arg, "failed")) return NUD_FAILED;
  const state = getUnsigned(arg, 0);
  if (state === undefined) return undefined;
  if (state >= 0x100 || state & (state - 1)) return undefined;
  return state;
}

/** argv cursor with NEXT_ARG() */
class Args {
  constructor(public v: string[]) {}
  get more(): boolean {
    return this.v.length > 0;
  }
  get cur(): string {
    return this.v[0]!;
  }
  next(ctx: IpCtx): string {
    this.v = this.v.slice(1);
    if (this.v.length <= 0) incompleteCommand(ctx);
    return this.v[0]!;
  }
  shift(): void {
    this.v = this.v.slice(1);
  }
}

/** ip/ipneigh.c: ipneigh_modify() */
function ipneighModify(ctx: IpCtx, cmd: "RTM_NEWNEIGH" | "RTM_DELNEIGH", flags: NlFlags, argv: string[]): number {
  const req: NeighMsg = {
    type: cmd,
    flags,
    ndm: { family: ctx.preferredFamily, ifindex: 0, state: NUD_PERMANENT, flags: 0, type: 0 },
    attrs: {},
  };
  let extFlags = 0;
  let dev: string | undefined;
  let dstOk = false;
  let devOk = false;
  let lladdrOk = false;
  let lla: string | undefined;
  let dst: InetPrefix = newPrefix();
  const a = new Args(argv);
  while (a.more) {
    const arg = a.cur;
    if (!matches(arg, "lladdr")) {
      const v = a.next(ctx);
      if (lladdrOk) duparg(ctx, "lladdr", v);
      lla = v;
      lladdrOk = true;
    } else if (arg === "nud") {
      const v = a.next(ctx);
      const state = nudStateA2n(v);
      if (state === undefined) invarg(ctx, "nud state is bad", v);
      req.ndm.state = state;
    } else if (!matches(arg, "proxy")) {
      const v = a.next(ctx);
      if (!matches(v, "help")) usage(ctx);
      if (dstOk) duparg(ctx, "address", v);
      dst = getAddr(ctx, v, ctx.preferredFamily);
      dstOk = true;
      devOk = true;
      req.ndm.flags |= NTF_PROXY;
    } else if (arg === "router") {
      req.ndm.flags |= NTF_ROUTER;
    } else if (arg === "use") {
      req.ndm.flags |= NTF_USE;
    } else if (arg === "managed") {
      extFlags |= NTF_EXT_MANAGED;
      req.ndm.state = NUD_NONE;
    } else if (!matches(arg, "extern_learn")) {
      req.ndm.flags |= NTF_EXT_LEARNED;
    } else if (arg === "dev") {
      dev = a.next(ctx);
      devOk = true;
    } else if (!matches(arg, "protocol")) {
      const v = a.next(ctx);
      const proto = ctx.names.rtnlRtprotA2n(v);
      if (proto === undefined) invarg(ctx, '"protocol" value is invalid\n', v);
      req.attrs.NDA_PROTOCOL = proto & 0xff;
    } else {
      let v = arg;
      if (v === "to") v = a.next(ctx);
      if (!matches(v, "help")) v = a.next(ctx);
      if (dstOk) duparg2(ctx, "to", v);
      dst = getAddr(ctx, v, ctx.preferredFamily);
      dstOk = true;
    }
    a.shift();
  }
  if (!devOk || !dstOk || dst.family === AF_UNSPEC) {
    ctx.err("Device and destination are required arguments.\n");
    ctx.exit(-1);
  }
  req.ndm.family = dst.family;
  req.attrs.NDA_DST = dst.data.slice(0, dst.bytelen);
  // NDA_FLAGS_EXT (managed) has no field in the uapi yet: the kernel sees NUD_NONE only
  void extFlags;
  if (lla !== undefined && lla !== "null") {
    const l = llAddrA2n(ctx, lla, 20);
    if (!l) return -1;
    req.attrs.NDA_LLADDR = l;
  }
  ctx.ll.llInitMap();
  if (dev !== undefined) {
    req.ndm.ifindex = ctx.ll.llNameToIndex(dev);
    if (!req.ndm.ifindex) return nodev(ctx, dev);
  }
  if (rtnlTalk(ctx, req).ret < 0) ctx.exit(2);
  return 0;
}

/** ip/ipneigh.c: print_cacheinfo() */
function printCacheinfo(ctx: IpCtx, ci: NdaCacheInfo): void {
  if (ci.ndm_refcnt) ctx.printUint(PRINT_ANY, "refcnt", " ref %u", ci.ndm_refcnt);
  ctx.printUint(PRINT_ANY, "used", " used %u", Math.trunc(ci.ndm_used / USER_HZ));
  ctx.printUint(PRINT_ANY, "confirmed", "/%u", Math.trunc(ci.ndm_confirmed / USER_HZ));
  ctx.printUint(PRINT_ANY, "updated", "/%u", Math.trunc(ci.ndm_updated / USER_HZ));
}

/** ip/ipneigh.c: print_neigh_state() */
function printNeighState(ctx: IpCtx, nudIn: number): void {
  let nud = nudIn;
  ctx.openJsonArray(PRINT_JSON, ctx.isJsonContext() ? "state" : "");
  const tbl: [number, string][] = [
    [NUD_INCOMPLETE, "INCOMPLETE"], [NUD_REACHABLE, "REACHABLE"], [NUD_STALE, "STALE"], [NUD_DELAY, "DELAY"],
    [NUD_PROBE, "PROBE"], [NUD_FAILED, "FAILED"], [NUD_NOARP, "NOARP"], [NUD_PERMANENT, "PERMANENT"],
  ];
  for (const [bit, name] of tbl) {
    if (nud & bit) {
      nud &= ~bit;
      ctx.printString(PRINT_ANY, null, "%s ", name);
    }
  }
  ctx.closeJsonArray(PRINT_JSON, null);
}

function dstFamily(r: NeighMsg["ndm"], tb: NdaAttrs): number {
  let family = r.family;
  if (family === AF_BRIDGE) family = tb.NDA_DST!.length === 16 ? AF_INET6 : AF_INET;
  return family;
}

/** ip/ipneigh.c: print_neigh_brief() */
function printNeighBrief(ctx: IpCtx, f: NeighFilter, r: NeighMsg["ndm"], tb: NdaAttrs): number {
  if (tb.NDA_DST) ctx.printString(PRINT_ANY, "dst", "%-39s ", formatHost(dstFamily(r, tb), tb.NDA_DST), ifaFamilyColor(dstFamily(r, tb)));
  if (!f.index && r.ifindex) ctx.printString(PRINT_ANY, "dev", "%-16s ", ctx.ll.llIndexToName(r.ifindex), COLOR_IFNAME);
  if (tb.NDA_LLADDR) {
    const lladdr = llAddrN2a(tb.NDA_LLADDR, tb.NDA_LLADDR.length, ctx.ll.llIndexToType(r.ifindex));
    ctx.printString(PRINT_ANY, "lladdr", "%s", lladdr, COLOR_MAC);
  }
  ctx.printString(PRINT_FP, null, "%s", "\n");
  ctx.closeJsonObject();
  return 0;
}

/** ip/ipneigh.c: print_neigh() */
export function printNeigh(ctx: IpCtx, n: RtnlMsg): number {
  if (n.type !== "RTM_NEWNEIGH" && n.type !== "RTM_DELNEIGH" && n.type !== "RTM_GETNEIGH") {
    ctx.err("Not RTM_NEWNEIGH: %08x %08x %08x\n", 0, 0, 0);
    return 0;
  }
  const f = filterOf(ctx);
  const r = n.ndm;
  const tb = n.attrs;
  if (f.flushing && n.type !== "RTM_NEWNEIGH") return 0;
  if (f.family && f.family !== r.family) return 0;
  if (f.index && f.index !== r.ifindex) return 0;
  if (!(f.state & r.state) && !(r.flags & NTF_PROXY) && !(r.flags & NTF_EXT_LEARNED) && (r.state || !(f.state & 0x100)))
    return 0;
  if (inetAddrMatchRta(f.pfx, tb.NDA_DST)) return 0;
  const protocol = tb.NDA_PROTOCOL ?? 0;
  const extFlags = 0;
  if (f.protocol && f.protocol !== protocol) return 0;
  if (f.unusedOnly && tb.NDA_CACHEINFO && tb.NDA_CACHEINFO.ndm_refcnt) return 0;
  if (f.flushing) {
    f.flushq.push({ type: "RTM_DELNEIGH", flags: {}, ndm: { ...r }, attrs: { ...tb } });
    f.flushed++;
    if (ctx.showStats < 2) return 0;
  }
  ctx.openJsonObject(null);
  if (n.type === "RTM_DELNEIGH") ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  else if (n.type === "RTM_GETNEIGH") ctx.printNull(PRINT_ANY, "miss", "%s ", "miss");
  if (ctx.brief) return printNeighBrief(ctx, f, r, tb);
  if (tb.NDA_DST) ctx.printString(PRINT_ANY, "dst", "%s ", formatHost(dstFamily(r, tb), tb.NDA_DST), ifaFamilyColor(dstFamily(r, tb)));
  if (!f.index && r.ifindex) {
    if (!ctx.isJsonContext()) ctx.printf("dev ");
    ctx.printString(PRINT_ANY, "dev", "%s ", ctx.ll.llIndexToName(r.ifindex), COLOR_IFNAME);
  }
  if (tb.NDA_LLADDR) {
    const lladdr = llAddrN2a(tb.NDA_LLADDR, tb.NDA_LLADDR.length, ctx.ll.llIndexToType(r.ifindex));
    if (!ctx.isJsonContext()) ctx.printf("lladdr ");
    ctx.printString(PRINT_ANY, "lladdr", "%s ", lladdr, COLOR_MAC);
  }
  if (r.flags & NTF_ROUTER) ctx.printNull(PRINT_ANY, "router", "%s ", "router");
  if (r.flags & NTF_PROXY) ctx.printNull(PRINT_ANY, "proxy", "%s ", "proxy");
  if (extFlags & NTF_EXT_MANAGED) ctx.printNull(PRINT_ANY, "managed", "%s ", "managed");
  if (r.flags & NTF_EXT_LEARNED) ctx.printNull(PRINT_ANY, "extern_learn", "%s ", "extern_learn");
  if (r.flags & NTF_OFFLOADED) ctx.printNull(PRINT_ANY, "offload", "%s ", "offload");
  if (ctx.showStats) {
    if (tb.NDA_CACHEINFO) printCacheinfo(ctx, tb.NDA_CACHEINFO);
    if (tb.NDA_PROBES !== undefined) ctx.printUint(PRINT_ANY, "probes", "probes %u ", tb.NDA_PROBES);
  }
  if (r.state) printNeighState(ctx, r.state);
  if (protocol) ctx.printString(PRINT_ANY, "protocol", "proto %s ", ctx.names.rtnlRtprotN2a(protocol));
  ctx.printString(PRINT_FP, null, "\n", "");
  ctx.closeJsonObject();
  return 0;
}

/** lib/libnetlink.c: rtnl_neighdump_req() with ip/ipneigh.c: ipneigh_dump_filter() */
function neighDump(ctx: IpCtx, f: NeighFilter): NeighMsg[] {
  const req: NeighMsg = {
    type: "RTM_GETNEIGH",
    flags: {},
    ndm: { family: f.family, ifindex: 0, state: 0, flags: f.ndmFlags, type: 0 },
    attrs: {},
  };
  if (f.index) req.attrs.NDA_IFINDEX = f.index;
  if (f.master) req.attrs.NDA_MASTER = f.master >>> 0;
  const msgs = rtnlDumpFilter(ctx, req);
  if (!msgs) {
    ctx.err(f.flushing ? "Flush terminated\n" : "Dump terminated\n");
    ctx.exit(1);
  }
  return msgs as NeighMsg[];
}

/** ip/ipneigh.c: do_show_or_flush() */
function doShowOrFlush(ctx: IpCtx, argv: string[], flush: boolean): number {
  let filterDev: string | undefined;
  let stateGiven = false;
  const f = ipneighResetFilter(ctx, 0);
  if (!f.family) f.family = ctx.preferredFamily;
  if (flush) {
    if (argv.length <= 0) {
      ctx.err("Flush requires arguments.\n");
      return -1;
    }
    f.state = ~(NUD_PERMANENT | NUD_NOARP);
  } else f.state = 0xff & ~NUD_NOARP;
  const a = new Args(argv);
  while (a.more) {
    const arg = a.cur;
    if (arg === "dev") {
      const v = a.next(ctx);
      if (filterDev !== undefined) duparg(ctx, "dev", v);
      filterDev = v;
    } else if (arg === "master") {
      const v = a.next(ctx);
      const ifindex = ctx.ll.llNameToIndex(v);
      if (!ifindex) invarg(ctx, "Device does not exist\n", v);
      f.master = ifindex;
    } else if (arg === "vrf") {
      const v = a.next(ctx);
      const ifindex = ctx.ll.llNameToIndex(v);
      if (!ifindex) invarg(ctx, "Not a valid VRF name\n", v);
      // name_is_vrf(): no VRF devices are modelled
      invarg(ctx, "Not a valid VRF name\n", v);
    } else if (arg === "nomaster") {
      f.master = -1;
    } else if (arg === "unused") {
      f.unusedOnly = 1;
    } else if (arg === "nud") {
      const v = a.next(ctx);
      if (!stateGiven) {
        stateGiven = true;
        f.state = 0;
      }
      let state = nudStateA2n(v);
      if (state === undefined) {
        if (v !== "all") invarg(ctx, "nud state is bad", v);
        state = ~0;
        if (flush) state &= ~NUD_NOARP;
      }
      if (state === 0) state = 0x100;
      f.state |= state;
    } else if (arg === "proxy") {
      f.ndmFlags = NTF_PROXY;
    } else if (!matches(arg, "protocol")) {
      const v = a.next(ctx);
      let prot = ctx.names.rtnlRtprotA2n(v);
      if (prot === undefined) {
        if (v !== "all") invarg(ctx, 'invalid "protocol"\n', v);
        prot = 0;
      }
      f.protocol = prot;
    } else {
      let v = arg;
      if (v === "to") v = a.next(ctx);
      if (!matches(v, "help")) usage(ctx);
      getPrefix(ctx, v, f.family, f.pfx);
      if (f.family === AF_UNSPEC) f.family = f.pfx.family;
    }
    a.shift();
  }
  ctx.ll.llInitMap();
  if (filterDev !== undefined) {
    f.index = ctx.ll.llNameToIndex(filterDev);
    if (!f.index) return nodev(ctx, filterDev);
  }
  if (flush) {
    let round = 0;
    f.flushing = true;
    while (round < MAX_ROUNDS) {
      f.flushed = 0;
      f.flushq = [];
      for (const n of neighDump(ctx, f)) printNeigh(ctx, n);
      if (f.flushed === 0) {
        if (ctx.showStats) {
          if (round === 0) ctx.printf("Nothing to flush.\n");
          else ctx.printf("*** Flush is complete after %d round%s ***\n", round, round > 1 ? "s" : "");
        }
        return 0;
      }
      round++;
      // flush_update(): rtnl_send_check() fails on the first error answer
      for (const req of f.flushq) {
        const { ack } = ctx.rtnl.talk(req);
        if (!ack.ok) {
          ctx.err("Failed to send flush request: %s\n", strerror(ack.errno));
          ctx.exit(1);
        }
      }
      if (ctx.showStats) ctx.printf("\n*** Round %d, deleting %d entries ***\n", round, f.flushed);
      f.state &= ~NUD_FAILED;
    }
    ctx.printf("*** Flush not complete bailing out after %d rounds\n", MAX_ROUNDS);
    return 1;
  }
  const msgs = neighDump(ctx, f);
  ctx.newJsonObj(ctx.json);
  for (const n of msgs) printNeigh(ctx, n);
  ctx.deleteJsonObj();
  return 0;
}

/** ip/ipneigh.c: ipneigh_get() */
function ipneighGet(ctx: IpCtx, argv: string[]): number {
  const req: NeighMsg = {
    type: "RTM_GETNEIGH",
    flags: {},
    ndm: { family: ctx.preferredFamily, ifindex: 0, state: 0, flags: 0, type: 0 },
    attrs: {},
  };
  let d: string | undefined;
  let dstOk = false;
  let devOk = false;
  let dst: InetPrefix = newPrefix();
  const a = new Args(argv);
  while (a.more) {
    const arg = a.cur;
    if (arg === "dev") {
      d = a.next(ctx);
      devOk = true;
    } else if (!matches(arg, "proxy")) {
      const v = a.next(ctx);
      if (!matches(v, "help")) usage(ctx);
      if (dstOk) duparg(ctx, "address", v);
      dst = getAddr(ctx, v, ctx.preferredFamily);
      dstOk = true;
      devOk = true;
      req.ndm.flags |= NTF_PROXY;
    } else {
      let v = arg;
      if (v === "to") v = a.next(ctx);
      if (!matches(v, "help")) usage(ctx);
      if (dstOk) duparg2(ctx, "to", v);
      dst = getAddr(ctx, v, ctx.preferredFamily);
      dstOk = true;
    }
    a.shift();
  }
  if (!devOk || !dstOk || dst.family === AF_UNSPEC) {
    ctx.err("Device and address are required arguments.\n");
    return -1;
  }
  req.ndm.family = dst.family;
  req.attrs.NDA_DST = dst.data.slice(0, dst.bytelen);
  if (d !== undefined) {
    req.ndm.ifindex = ctx.ll.llNameToIndex(d);
    if (!req.ndm.ifindex) {
      ctx.err('Cannot find device "%s"\n', d);
      return -1;
    }
  }
  const res = rtnlTalk(ctx, req);
  if (res.ret < 0) return -2;
  ipneighResetFilter(ctx, 0);
  if (res.answer && printNeigh(ctx, res.answer) < 0) {
    ctx.err("An error :-)\n");
    return -1;
  }
  return 0;
}

/** ip/ipneigh.c: do_ipneigh() */
export function doIpneigh(ctx: IpCtx, argv: string[]): number {
  if (argv.length > 0) {
    const a = argv[0]!;
    const rest = argv.slice(1);
    if (!matches(a, "add")) return ipneighModify(ctx, "RTM_NEWNEIGH", { create: true, excl: true }, rest);
    if (!matches(a, "change") || a === "chg") return ipneighModify(ctx, "RTM_NEWNEIGH", { replace: true }, rest);
    if (!matches(a, "replace")) return ipneighModify(ctx, "RTM_NEWNEIGH", { create: true, replace: true }, rest);
    if (!matches(a, "delete")) return ipneighModify(ctx, "RTM_DELNEIGH", {}, rest);
    if (!matches(a, "get")) return ipneighGet(ctx, rest);
    if (!matches(a, "show") || !matches(a, "lst") || !matches(a, "list")) return doShowOrFlush(ctx, rest, false);
    if (!matches(a, "flush")) return doShowOrFlush(ctx, rest, true);
    if (!matches(a, "help")) usage(ctx);
  } else return doShowOrFlush(ctx, [], false);
  ctx.err('Command "%s" is unknown, try "ip neigh help".\n', argv[0]);
  return ctx.exit(-1);
}

