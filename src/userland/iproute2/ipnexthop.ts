/**
 * ip/ipnexthop.c (iproute2 6.1): `ip nexthop` — nexthop objects: add/replace (RTM_NEWNEXTHOP),
 * del (RTM_DELNEXTHOP), get, list/flush with their filters (an RTM_GETNEXTHOP dump; flush
 * deletes one id at a time, groups first when flushing everything), `bucket list|get`, and the
 * nexthop cache `ip -d route` reads for its `nh_info` lines (print_cache_nexthop_id()).
 */
import type { IpCtx } from "../lib/context.ts";
import {
  AF_INET, AF_UNSPEC, RT_SCOPE_UNIVERSE, RTNH_F_ONLINK, RTPROT_UNSPEC, NEXTHOP_GRP_TYPE_MPATH, NEXTHOP_GRP_TYPE_RES,
  NEXTHOP_GRP_TYPE_MAX, type NexthopGrp, type NexthopMsg, type NhaAttrs, type NlFlags, type RtnlMsg,
} from "../../kernel/uapi/rtnetlink.ts";
import { ifaFamilyColor, PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import { rtnlDumpFilter, rtnlTalk } from "../lib/libnetlink.ts";
import { formatHost, getAddr, getU16, getUnsigned, incompleteCommand, invarg, matches, prefixBytes, readFamily } from "../lib/utils.ts";
import { printRtaIfidx, printRtFlags } from "./iproute.ts";

/** the static `filter` of ipnexthop.c */
interface NhFilter {
  flushed: number;
  groups: number;
  ifindex: number;
  master: number;
  proto: number;
  fdb: number;
  id: number;
  nhid: number;
}

function newFilter(): NhFilter {
  return { flushed: 0, groups: 0, ifindex: 0, master: 0, proto: 0, fdb: 0, id: 0, nhid: 0 };
}

const filters = new WeakMap<IpCtx, NhFilter>();
function filterOf(ctx: IpCtx): NhFilter {
  let f = filters.get(ctx);
  if (!f) filters.set(ctx, (f = newFilter()));
  return f;
}

const IPNH_LIST = 0;
const IPNH_FLUSH = 1;

/** ip/ipnexthop.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip nexthop { list | flush } [ protocol ID ] SELECTOR\n" +
      "       ip nexthop { add | replace } id ID NH [ protocol ID ]\n" +
      "       ip nexthop { get | del } id ID\n" +
      "       ip nexthop bucket list BUCKET_SELECTOR\n" +
      "       ip nexthop bucket get id ID index INDEX\n" +
      "SELECTOR := [ id ID ] [ dev DEV ] [ vrf NAME ] [ master DEV ]\n" +
      "            [ groups ] [ fdb ]\n" +
      "BUCKET_SELECTOR := SELECTOR | [ nhid ID ]\n" +
      "NH := { blackhole | [ via ADDRESS ] [ dev DEV ] [ onlink ]\n" +
      "        [ encap ENCAPTYPE ENCAPHDR ] |\n" +
      "        group GROUP [ fdb ] [ type TYPE [ TYPE_ARGS ] ] }\n" +
      "GROUP := [ <id[,weight]>/<id[,weight]>/... ]\n" +
      "TYPE := { mpath | resilient }\n" +
      "TYPE_ARGS := [ RESILIENT_ARGS ]\n" +
      "RESILIENT_ARGS := [ buckets BUCKETS ] [ idle_timer IDLE ]\n" +
      "                  [ unbalanced_timer UNBALANCED ]\n" +
      "ENCAPTYPE := [ mpls ]\n" +
      "ENCAPHDR := [ MPLSLABEL ]\n",
  );
  return ctx.exit(-1);
}

/** ip/ipnexthop.c: nh_dump_filter(): the filters the kernel applies itself */
function nhDumpFilter(f: NhFilter, a: NhaAttrs): void {
  if (f.ifindex) a.NHA_OIF = f.ifindex;
  if (f.groups) a.NHA_GROUPS = true;
  if (f.master) a.NHA_MASTER = f.master;
  if (f.fdb) a.NHA_FDB = true;
}

/** lib/libnetlink.c: rtnl_nexthopdump_req() + rtnl_dump_filter(): undefined when the dump failed */
function nexthopDump(ctx: IpCtx, type: "RTM_GETNEXTHOP" | "RTM_GETNEXTHOPBUCKET", attrs: NhaAttrs): NexthopMsg[] | undefined {
  const req: NexthopMsg = { type, flags: {}, nhm: { family: ctx.preferredFamily, scope: 0, protocol: 0, resvd: 0, flags: 0 }, attrs };
  return rtnlDumpFilter(ctx, req) as NexthopMsg[] | undefined;
}

/** rtnl_nexthopdump_req() + rtnl_dump_filter() of a list: each answer through `print` */
function nexthopDumpPrint(ctx: IpCtx, type: "RTM_GETNEXTHOP" | "RTM_GETNEXTHOPBUCKET", attrs: NhaAttrs, print: (ctx: IpCtx, n: NexthopMsg) => void): number {
  const msgs = nexthopDump(ctx, type, attrs);
  if (!msgs) {
    ctx.err("Dump terminated\n");
    return -2;
  }
  ctx.newJsonObj(ctx.json);
  for (const n of msgs) print(ctx, n);
  ctx.deleteJsonObj();
  return 0;
}

/** ip/ipnexthop.c: delete_nexthop() */
function deleteNexthop(ctx: IpCtx, id: number): number {
  const req: NexthopMsg = { type: "RTM_DELNEXTHOP", flags: {}, nhm: { family: AF_UNSPEC, scope: 0, protocol: 0, resvd: 0, flags: 0 }, attrs: { NHA_ID: id } };
  return rtnlTalk(ctx, req).ret < 0 ? -1 : 0;
}

/** ip/ipnexthop.c: flush_nexthop() */
function flushNexthop(ctx: IpCtx, f: NhFilter, n: NexthopMsg): void {
  if (f.proto && n.nhm.protocol !== f.proto) return;
  const id = n.attrs.NHA_ID ?? 0;
  if (id && !deleteNexthop(ctx, id)) f.flushed++;
}

/** ip/ipnexthop.c: ipnh_flush() */
function ipnhFlush(ctx: IpCtx, f: NhFilter, all: boolean): number {
  let rc = -2;
  if (all) {
    f.groups = 1;
    f.ifindex = 0;
    f.master = 0;
  }
  for (;;) {
    const a: NhaAttrs = {};
    nhDumpFilter(f, a);
    const msgs = nexthopDump(ctx, "RTM_GETNEXTHOP", a);
    if (!msgs) {
      ctx.err("Dump terminated. Failed to flush nexthops\n");
      break;
    }
    for (const n of msgs) flushNexthop(ctx, f, n);
    /* if deleting all, then remove groups first */
    if (all && f.groups) {
      f.groups = 0;
      continue;
    }
    rc = 0;
    break;
  }
  if (!f.flushed) ctx.printf("Nothing to flush\n");
  else ctx.printf("Flushed %d nexthops\n", f.flushed);
  return rc;
}

/** ip/ipnexthop.c: struct nh_entry (ipnh_parse_nhmsg()) */
interface NhEntry {
  id: number;
  oif: number;
  grpType: number;
  gateway: Uint8Array | undefined;
  groups: NexthopGrp[] | undefined;
  hasResGrp: boolean;
  blackhole: boolean;
  fdb: boolean;
  family: number;
  protocol: number;
  scope: number;
  flags: number;
}

/** ip/ipnexthop.c: ipnh_parse_nhmsg() */
function ipnhParseNhmsg(n: NexthopMsg): NhEntry {
  const tb = n.attrs;
  return {
    id: tb.NHA_ID ?? 0,
    oif: tb.NHA_OIF ?? 0,
    grpType: tb.NHA_GROUP_TYPE ?? 0,
    gateway: tb.NHA_GATEWAY,
    groups: tb.NHA_GROUP && tb.NHA_GROUP.length ? tb.NHA_GROUP : undefined,
    hasResGrp: tb.NHA_RES_GROUP !== undefined,
    blackhole: !!tb.NHA_BLACKHOLE,
    fdb: !!tb.NHA_FDB,
    family: n.nhm.family,
    protocol: n.nhm.protocol,
    scope: n.nhm.scope,
    flags: n.nhm.flags,
  };
}

/** ip/ipnexthop.c: print_nh_group() */
function printNhGroup(ctx: IpCtx, nhe: NhEntry): void {
  ctx.openJsonArray(PRINT_JSON, "group");
  ctx.printString(PRINT_FP, null, "%s", "group ");
  nhe.groups!.forEach((g, i) => {
    ctx.openJsonObject(null);
    if (i) ctx.printString(PRINT_FP, null, "%s", "/");
    ctx.printUint(PRINT_ANY, "id", "%u", g.id);
    if (g.weight) ctx.printUint(PRINT_ANY, "weight", ",%u", g.weight + 1);
    ctx.closeJsonObject();
  });
  ctx.printString(PRINT_FP, null, "%s", " ");
  ctx.closeJsonArray(PRINT_JSON, null);
}

/** ip/ipnexthop.c: nh_group_type_name() */
function nhGroupTypeName(type: number): string {
  switch (type) {
    case NEXTHOP_GRP_TYPE_MPATH:
      return "mpath";
    case NEXTHOP_GRP_TYPE_RES:
      return "resilient";
    default:
      return "<unknown type>";
  }
}

/** ip/ipnexthop.c: __print_nexthop_entry() */
function printNexthopEntry(ctx: IpCtx, jsobj: string | null, nhe: NhEntry, deleted: boolean): void {
  ctx.openJsonObject(jsobj);
  if (deleted) ctx.printBool(PRINT_ANY, "deleted", "Deleted ", true);
  ctx.printUint(PRINT_ANY, "id", "id %u ", nhe.id);
  if (nhe.groups) printNhGroup(ctx, nhe);
  /* print_nh_group_type(): mpath is not printed, not to break existing output */
  if (nhe.grpType !== NEXTHOP_GRP_TYPE_MPATH) ctx.printString(PRINT_ANY, "type", "type %s ", nhGroupTypeName(nhe.grpType));
  if (nhe.gateway && nhe.gateway.length) {
    /* __print_rta_gateway() */
    const gw = formatHost(nhe.family, nhe.gateway);
    if (ctx.isJsonContext()) ctx.printString(PRINT_JSON, "gateway", null, gw);
    else {
      ctx.printf("via ");
      ctx.printString(PRINT_FP, null, "%s ", gw, ifaFamilyColor(nhe.family));
    }
  }
  if (nhe.oif) printRtaIfidx(ctx, nhe.oif, "dev");
  if (nhe.scope !== RT_SCOPE_UNIVERSE || ctx.showDetails > 0) ctx.printString(PRINT_ANY, "scope", "scope %s ", ctx.names.rtnlRtscopeN2a(nhe.scope));
  if (nhe.blackhole) ctx.printNull(PRINT_ANY, "blackhole", "blackhole ", null);
  if (nhe.protocol !== RTPROT_UNSPEC || ctx.showDetails > 0) ctx.printString(PRINT_ANY, "protocol", "proto %s ", ctx.names.rtnlRtprotN2a(nhe.protocol));
  printRtFlags(ctx, nhe.flags);
  if (nhe.fdb) ctx.printNull(PRINT_ANY, "fdb", "fdb", null);
  ctx.closeJsonObject();
}

/** ip/ipnexthop.c: print_cache_nexthop() (without the cache: print_nexthop_nocache()) */
function printNexthop(ctx: IpCtx, n: RtnlMsg): number {
  if (n.type !== "RTM_NEWNEXTHOP" && n.type !== "RTM_DELNEXTHOP") {
    ctx.err("Not a nexthop: %08x %08x %08x\n", 0, 0, 0);
    return -1;
  }
  const f = filterOf(ctx);
  if (f.proto && f.proto !== n.nhm.protocol) return 0;
  printNexthopEntry(ctx, null, ipnhParseNhmsg(n), n.type === "RTM_DELNEXTHOP");
  ctx.printString(PRINT_FP, null, "%s", "\n");
  return 0;
}

/** ip/ipnexthop.c: the nexthop cache of one `ip` run (nh_cache[]) */
const nhCaches = new WeakMap<IpCtx, Map<number, NhEntry>>();

/** ip/ipnexthop.c: __ipnh_get_id() */
function ipnhGetIdTalk(ctx: IpCtx, id: number): NexthopMsg | undefined {
  const req: NexthopMsg = {
    type: "RTM_GETNEXTHOP", flags: {}, nhm: { family: ctx.preferredFamily, scope: 0, protocol: 0, resvd: 0, flags: 0 }, attrs: { NHA_ID: id },
  };
  const r = rtnlTalk(ctx, req);
  if (r.ret < 0 || !r.answer) return undefined;
  return r.answer as NexthopMsg;
}

/** ip/ipnexthop.c: print_cache_nexthop_id(): `ip -d route`'s nh_info of a route's nhid */
export function printCacheNexthopId(ctx: IpCtx, fpPrefix: string | null, jsobj: string, id: number): void {
  let cache = nhCaches.get(ctx);
  if (!cache) nhCaches.set(ctx, (cache = new Map()));
  let nhe = cache.get(id);
  if (!nhe) {
    /* ipnh_cache_add() */
    const answer = ipnhGetIdTalk(ctx, id);
    if (!answer) return;
    nhe = ipnhParseNhmsg(answer);
    cache.set(id, nhe);
  }
  if (fpPrefix !== null) ctx.printString(PRINT_FP, null, "%s", fpPrefix);
  printNexthopEntry(ctx, jsobj, nhe, false);
}

/**
 * ip/ipnexthop.c: add_nh_group_attr(): the members of `id[,weight]/id[,weight]...`, or
 * undefined (invalid). Like strtok-ing the C string in place, the word left to print in the
 * error is the text up to the first separator of the first member.
 */
function addNhGroupAttr(ctx: IpCtx, arg: string): NexthopGrp[] | undefined {
  let count = arg !== "" ? 1 : 0;
  for (const c of arg) if (c === "/") count++;
  if (count === 0) return undefined;
  const grps: NexthopGrp[] = [];
  let rest = arg;
  for (let i = 0; i < count; ++i) {
    const sep = rest.indexOf("/");
    const elem = sep >= 0 ? rest.slice(0, sep) : rest;
    const wsep = elem.indexOf(",");
    const idStr = wsep >= 0 ? elem.slice(0, wsep) : elem;
    const id = getUnsigned(idStr, 0);
    if (id === undefined) return undefined;
    const g: NexthopGrp = { id, weight: 0 };
    if (wsep >= 0) {
      const ws = elem.slice(wsep + 1);
      const w = getUnsigned(ws, 0);
      if (w === undefined || w === 0 || w > 256) invarg(ctx, '"weight" is invalid\n', ws);
      g.weight = w - 1;
    }
    grps.push(g);
    if (sep < 0) break;
    rest = rest.slice(sep + 1);
  }
  return grps;
}

/** what `*argv` reads after add_nh_group_attr() wrote its NULs into it */
function groupArgAfterParse(arg: string): string {
  const sep = arg.indexOf("/");
  const first = sep >= 0 ? arg.slice(0, sep) : arg;
  const w = first.indexOf(",");
  return w >= 0 ? first.slice(0, w) : first;
}

/** ip/ipnexthop.c: read_nh_group_type() */
function readNhGroupType(name: string): number {
  if (name === "mpath") return NEXTHOP_GRP_TYPE_MPATH;
  if (name === "resilient") return NEXTHOP_GRP_TYPE_RES;
  return NEXTHOP_GRP_TYPE_MAX + 1;
}

/** ip/ipnexthop.c: ipnh_parse_id() */
function ipnhParseId(ctx: IpCtx, arg: string): number {
  const id = getUnsigned(arg, 0);
  if (id === undefined) invarg(ctx, "invalid id value", arg);
  return id;
}

/** ip/ipnexthop.c: ipnh_modify() */
function ipnhModify(ctx: IpCtx, cmd: "RTM_NEWNEXTHOP" | "RTM_DELNEXTHOP", flags: NlFlags, argvIn: string[]): number {
  const req: NexthopMsg = { type: cmd, flags, nhm: { family: ctx.preferredFamily, scope: 0, protocol: 0, resvd: 0, flags: 0 }, attrs: {} };
  const a = req.attrs;
  let nhFlags = 0;
  let argv = argvIn;
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  while (argv.length > 0) {
    const w = argv[0]!;
    if (w === "id") {
      a.NHA_ID = ipnhParseId(ctx, next());
    } else if (w === "dev") {
      const d = next();
      const ifindex = ctx.ll.llNameToIndex(d);
      if (!ifindex) invarg(ctx, "Device does not exist\n", d);
      a.NHA_OIF = ifindex;
      if (req.nhm.family === AF_UNSPEC) req.nhm.family = AF_INET;
    } else if (w === "via") {
      let v = next();
      let family = readFamily(v);
      if (family === AF_UNSPEC) family = req.nhm.family;
      else v = next();
      const addr = getAddr(ctx, v, family);
      if (req.nhm.family === AF_UNSPEC) req.nhm.family = addr.family;
      else if (req.nhm.family !== addr.family) invarg(ctx, "address family mismatch\n", v);
      a.NHA_GATEWAY = prefixBytes(addr);
    } else if (w === "encap") {
      ctx.err("Error: nexthop encap is not supported by this emulator\n");
      return -1;
    } else if (w === "blackhole") {
      a.NHA_BLACKHOLE = true;
      if (req.nhm.family === AF_UNSPEC) req.nhm.family = AF_INET;
    } else if (w === "fdb") {
      a.NHA_FDB = true;
    } else if (w === "onlink") {
      nhFlags |= RTNH_F_ONLINK;
    } else if (w === "group") {
      const v = next();
      const grps = addNhGroupAttr(ctx, v);
      if (!grps) invarg(ctx, '"group" value is invalid\n', groupArgAfterParse(v));
      a.NHA_GROUP = grps;
    } else if (w === "type") {
      /* parse_nh_group_type() */
      const v = next();
      const type = readNhGroupType(v);
      if (type > NEXTHOP_GRP_TYPE_MAX) invarg(ctx, '"type" value is invalid\n', v);
      if (type === NEXTHOP_GRP_TYPE_RES && argv.length - 1 > 0) {
        /* parse_nh_group_type_res(): its words, up to the first it does not know */
        const res: NonNullable<NhaAttrs["NHA_RES_GROUP"]> = {};
        a.NHA_RES_GROUP = res;
        argv = argv.slice(1);
        while (argv.length > 0) {
          const r = argv[0]!;
          if (r === "buckets") {
            const b = getU16(next(), 0);
            if (b === undefined) invarg(ctx, "invalid buckets value", argv[0]!);
            res.NHA_RES_GROUP_BUCKETS = b;
          } else if (r === "idle_timer") {
            const t = getUnsigned(next(), 0);
            if (t === undefined || t >= Math.floor(0xffffffff / 100)) invarg(ctx, "invalid idle timer value", argv[0]!);
            res.NHA_RES_GROUP_IDLE_TIMER = t * 100;
          } else if (r === "unbalanced_timer") {
            const t = getUnsigned(next(), 0);
            if (t === undefined || t >= Math.floor(0xffffffff / 100)) invarg(ctx, "invalid unbalanced timer value", argv[0]!);
            res.NHA_RES_GROUP_UNBALANCED_TIMER = t * 100;
          } else break;
          argv = argv.slice(1);
        }
        /* argv is the first word not parsed; the loop below steps over one */
        argv = [""].concat(argv);
      }
      a.NHA_GROUP_TYPE = type;
    } else if (!matches(w, "protocol")) {
      const v = next();
      const prot = ctx.names.rtnlRtprotA2n(v);
      if (prot === undefined) invarg(ctx, '"protocol" value is invalid\n', v);
      req.nhm.protocol = prot;
    } else if (w === "help") {
      usage(ctx);
    } else {
      invarg(ctx, "", w);
    }
    argv = argv.slice(1);
  }
  req.nhm.flags = nhFlags;
  if (rtnlTalk(ctx, req).ret) return -2;
  return 0;
}

/** ip/ipnexthop.c: ipnh_get_id() */
function ipnhGetId(ctx: IpCtx, id: number): number {
  const answer = ipnhGetIdTalk(ctx, id);
  if (!answer) return -2;
  ctx.newJsonObj(ctx.json);
  if (printNexthop(ctx, answer) < 0) return -1;
  ctx.deleteJsonObj();
  return 0;
}

/** ip/ipnexthop.c: ipnh_list_flush_id() */
function ipnhListFlushId(ctx: IpCtx, id: number, action: number): number {
  if (action === IPNH_LIST) return ipnhGetId(ctx, id);
  return deleteNexthop(ctx, id);
}

/** ip/ipnexthop.c: ipnh_list_flush() */
function ipnhListFlush(ctx: IpCtx, argvIn: string[], action: number): number {
  const f = filterOf(ctx);
  const all = argvIn.length === 0;
  let argv = argvIn;
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  while (argv.length > 0) {
    const w = argv[0]!;
    if (!matches(w, "dev")) {
      const d = next();
      f.ifindex = ctx.ll.llNameToIndex(d);
      if (!f.ifindex) invarg(ctx, "Device does not exist\n", d);
    } else if (!matches(w, "groups")) {
      f.groups = 1;
    } else if (!matches(w, "master")) {
      const d = next();
      f.master = ctx.ll.llNameToIndex(d);
      if (!f.master) invarg(ctx, "Device does not exist\n", d);
    } else if (!matches(w, "vrf")) {
      /* name_is_vrf(): there are no VRF devices here */
      invarg(ctx, "Invalid VRF\n", next());
    } else if (w === "id") {
      return ipnhListFlushId(ctx, ipnhParseId(ctx, next()), action);
    } else if (!matches(w, "protocol")) {
      const v = next();
      const proto = getUnsigned(v, 0);
      if (proto === undefined) invarg(ctx, "invalid protocol value", v);
      f.proto = proto;
    } else if (!matches(w, "fdb")) {
      f.fdb = 1;
    } else if (!matches(w, "help")) {
      usage(ctx);
    } else {
      invarg(ctx, "", w);
    }
    argv = argv.slice(1);
  }
  if (action === IPNH_FLUSH) return ipnhFlush(ctx, f, all);
  const a: NhaAttrs = {};
  nhDumpFilter(f, a);
  return nexthopDumpPrint(ctx, "RTM_GETNEXTHOP", a, printNexthop);
}

/** ip/ipnexthop.c: ipnh_get() */
function ipnhGet(ctx: IpCtx, argvIn: string[]): number {
  let id = 0;
  let argv = argvIn;
  while (argv.length > 0) {
    if (argv[0] === "id") {
      argv = argv.slice(1);
      if (argv.length <= 0) incompleteCommand(ctx);
      id = ipnhParseId(ctx, argv[0]!);
    } else usage(ctx);
    argv = argv.slice(1);
  }
  if (!id) usage(ctx);
  return ipnhGetId(ctx, id);
}

/** ip/ipnexthop.c: print_nexthop_bucket() — the kernel here has no resilient groups, so no
 * bucket is ever printed; kept for the shape of the dump */
function printNexthopBucket(ctx: IpCtx, n: NexthopMsg): number {
  ctx.openJsonObject(null);
  if (n.attrs.NHA_ID !== undefined) ctx.printUint(PRINT_ANY, "id", "id %u ", n.attrs.NHA_ID);
  printRtFlags(ctx, n.nhm.flags);
  ctx.printString(PRINT_FP, null, "%s", "\n");
  ctx.closeJsonObject();
  return 0;
}

/** ip/ipnexthop.c: ipnh_bucket_list() */
function ipnhBucketList(ctx: IpCtx, argvIn: string[]): number {
  const f = filterOf(ctx);
  let argv = argvIn;
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  while (argv.length > 0) {
    const w = argv[0]!;
    if (!matches(w, "dev")) {
      const d = next();
      f.ifindex = ctx.ll.llNameToIndex(d);
      if (!f.ifindex) invarg(ctx, "Device does not exist\n", d);
    } else if (!matches(w, "master")) {
      const d = next();
      f.master = ctx.ll.llNameToIndex(d);
      if (!f.master) invarg(ctx, "Device does not exist\n", d);
    } else if (!matches(w, "vrf")) {
      invarg(ctx, "Invalid VRF\n", next());
    } else if (w === "id") {
      f.id = ipnhParseId(ctx, next());
    } else if (w === "nhid") {
      f.nhid = ipnhParseId(ctx, next());
    } else if (!matches(w, "help")) {
      usage(ctx);
    } else {
      invarg(ctx, "", w);
    }
    argv = argv.slice(1);
  }
  /* nh_dump_bucket_filter() */
  const a: NhaAttrs = {};
  nhDumpFilter(f, a);
  if (f.id) a.NHA_ID = f.id;
  if (f.nhid) a.NHA_RES_BUCKET = { NHA_RES_BUCKET_NH_ID: f.nhid };
  return nexthopDumpPrint(ctx, "RTM_GETNEXTHOPBUCKET", a, printNexthopBucket);
}

/** ip/ipnexthop.c: ipnh_bucket_get() + ipnh_bucket_get_id() */
function ipnhBucketGet(ctx: IpCtx, argvIn: string[]): number {
  let id = 0;
  let index: number | undefined;
  let argv = argvIn;
  const next = (): string => {
    argv = argv.slice(1);
    if (argv.length <= 0) incompleteCommand(ctx);
    return argv[0]!;
  };
  while (argv.length > 0) {
    const w = argv[0]!;
    if (w === "id") id = ipnhParseId(ctx, next());
    else if (w === "index") {
      const v = next();
      index = getU16(v, 0);
      if (index === undefined) invarg(ctx, "invalid bucket index value", v);
    } else usage(ctx);
    argv = argv.slice(1);
  }
  if (!id || index === undefined) usage(ctx);
  const req: NexthopMsg = {
    type: "RTM_GETNEXTHOPBUCKET", flags: {}, nhm: { family: ctx.preferredFamily, scope: 0, protocol: 0, resvd: 0, flags: 0 },
    attrs: { NHA_ID: id, NHA_RES_BUCKET: { NHA_RES_BUCKET_INDEX: index } },
  };
  const r = rtnlTalk(ctx, req);
  if (r.ret < 0 || !r.answer) return -2;
  ctx.newJsonObj(ctx.json);
  printNexthopBucket(ctx, r.answer as NexthopMsg);
  ctx.deleteJsonObj();
  return 0;
}

/** ip/ipnexthop.c: do_ipnh_bucket() */
function doIpnhBucket(ctx: IpCtx, argv: string[]): number {
  if (argv.length < 1) return ipnhBucketList(ctx, []);
  const a = argv[0]!;
  if (!matches(a, "list") || !matches(a, "show") || !matches(a, "lst")) return ipnhBucketList(ctx, argv.slice(1));
  if (!matches(a, "get")) return ipnhBucketGet(ctx, argv.slice(1));
  if (!matches(a, "help")) usage(ctx);
  ctx.err('Command "%s" is unknown, try "ip nexthop help".\n', a);
  return ctx.exit(-1);
}

/** ip/ipnexthop.c: do_ipnh() */
export function doIpnh(ctx: IpCtx, argv: string[]): number {
  filters.set(ctx, newFilter());
  if (argv.length < 1) return ipnhListFlush(ctx, [], IPNH_LIST);
  const a = argv[0]!;
  const rest = argv.slice(1);
  if (!matches(a, "add")) return ipnhModify(ctx, "RTM_NEWNEXTHOP", { create: true, excl: true }, rest);
  if (!matches(a, "replace")) return ipnhModify(ctx, "RTM_NEWNEXTHOP", { create: true, replace: true }, rest);
  if (!matches(a, "delete")) return ipnhModify(ctx, "RTM_DELNEXTHOP", {}, rest);
  if (!matches(a, "list") || !matches(a, "show") || !matches(a, "lst")) return ipnhListFlush(ctx, rest, IPNH_LIST);
  if (!matches(a, "get")) return ipnhGet(ctx, rest);
  if (!matches(a, "flush")) return ipnhListFlush(ctx, rest, IPNH_FLUSH);
  if (!matches(a, "bucket")) return doIpnhBucket(ctx, rest);
  if (!matches(a, "help")) usage(ctx);
  ctx.err('Command "%s" is unknown, try "ip nexthop help".\n', a);
  return ctx.exit(-1);
}
