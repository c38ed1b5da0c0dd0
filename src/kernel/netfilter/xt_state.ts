/**
 * The kernel side of the iptables extensions (per-rule state): recent, hashlimit, string; the target NETMAP
 * (net/netfilter/xt_*.c), registered with x_tables.
 */
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { registerProcNetNode } from "../core/procfs.ts";
import { fsDir, fsFile, type FsNode } from "../core/sysfs.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { NF_ACCEPT, NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING, NF_INET_PRE_ROUTING, NFPROTO_IPV4 } from "./core.ts";
import { ipHdrOff } from "./ip_tables.ts";
import { nfIpv4Ops } from "./nf_glue.ts";
import { hook2manip } from "./nf_nat.ts";
import { xtRegisterMatch, xtRegisterTarget, type XtActionParam, type XtChkParam } from "./x_tables.ts";
import { nfCtNetnsGet, nfCtNetnsPut } from "./nf_conntrack.ts";
import { NF_NAT_RANGE_MAP_IPS, type NatSetupConn } from "./xt_targets.ts";
import { XT_RECENT_CHECK, XT_RECENT_SET, XT_RECENT_UPDATE, XT_RECENT_REMOVE, XT_RECENT_TTL, XT_RECENT_REAP, XT_RECENT_DEST, XT_RECENT_NAME_LEN, XT_STRING_FLAG_INVERT, XT_STRING_FLAG_IGNORECASE, XT_STRING_MAX_PATTERN_SIZE, XT_STRING_MAX_ALGO_NAME_SIZE, XT_HASHLIMIT_HASH_DIP, XT_HASHLIMIT_HASH_DPT, XT_HASHLIMIT_HASH_SIP, XT_HASHLIMIT_HASH_SPT, XT_HASHLIMIT_INVERT, XT_HASHLIMIT_BYTES, XT_HASHLIMIT_RATE_MATCH, XT_HASHLIMIT_SCALE_v2 } from "../uapi/xt_state.ts";
import { HZ } from "../../sim/scheduler.ts";

function rd16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function ipStr(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** INITIAL_JIFFIES ((unsigned long)(unsigned int)(-300*HZ)) */
const INITIAL_JIFFIES = 4294967296 - 300 * HZ;
/** jiffies on the namespace's host clock (µs) */
function jiffies(net: Net): number {
  return INITIAL_JIFFIES + Math.floor(nfIpv4Ops.now(net) / (1_000_000 / HZ));
}

/** x_tables.c: xt_check_proc_name() */
function xtCheckProcName(name: string, size: number): KErr | undefined {
  if (name === "") return kerr("EINVAL");
  if (name.length >= size) return kerr("ENAMETOOLONG");
  if (name === "." || name === ".." || name.includes("/")) return kerr("EINVAL");
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// net/netfilter/xt_recent.c
// ---------------------------------------------------------------------------------------------

const XT_RECENT_MODIFIERS = XT_RECENT_TTL | XT_RECENT_REAP;
const XT_RECENT_VALID_FLAGS = XT_RECENT_CHECK | XT_RECENT_SET | XT_RECENT_UPDATE | XT_RECENT_REMOVE | XT_RECENT_TTL | XT_RECENT_REAP;
const XT_RECENT_MAX_NSTAMPS = 65536;
/** module parameters: ip_list_tot, ip_pkt_list_tot */
const IP_LIST_TOT = 100;
const IP_PKT_LIST_TOT = 0;

interface RecentEntry {
  addr: number;
  ttl: number;
  index: number;
  nstamps: number;
  stamps: number[];
}

interface RecentTable {
  name: string;
  mask: number;
  refcnt: number;
  nstampsMaxMask: number;
  /** the hash lists, in the order /proc shows them (one list here) */
  entries: RecentEntry[];
  /** least recently seen first */
  lru: RecentEntry[];
}

interface RecentNet {
  tables: RecentTable[];
}

const recentNets = new NetGeneric<RecentNet>();
/** hosts (kernels) on which xt_recent is loaded: /proc/net/xt_recent exists in all their namespaces */
const recentLoaded = new WeakSet<object>();

function recentPernet(net: Net): RecentNet {
  let r = recentNets.get(net);
  if (!r) {
    r = { tables: [] };
    recentNets.set(net, r);
  }
  return r;
}

function recentEntryLookup(t: RecentTable, addr: number, ttl: number): RecentEntry | undefined {
  return t.entries.find((e) => e.addr === addr && (ttl === e.ttl || ttl === 0 || e.ttl === 0));
}

function recentEntryRemove(t: RecentTable, e: RecentEntry): void {
  t.entries.splice(t.entries.indexOf(e), 1);
  t.lru.splice(t.lru.indexOf(e), 1);
}

/** recent_entry_reap(): the oldest entry goes if last seen before `time` */
function recentEntryReap(t: RecentTable, time: number, working: RecentEntry, update: boolean): void {
  const e = t.lru[0];
  if (!e) return;
  if (e === working && update) return;
  if (time > e.stamps[e.index - 1]!) recentEntryRemove(t, e);
}

function recentEntryInit(net: Net, t: RecentTable, addr: number, ttl: number): RecentEntry {
  if (t.entries.length >= IP_LIST_TOT) recentEntryRemove(t, t.lru[0]!);
  const e: RecentEntry = { addr, ttl, index: 1, nstamps: 1, stamps: [jiffies(net)] };
  t.entries.push(e);
  t.lru.push(e);
  return e;
}

function recentEntryUpdate(net: Net, t: RecentTable, e: RecentEntry): void {
  e.index &= t.nstampsMaxMask;
  e.stamps[e.index++] = jiffies(net);
  if (e.index > e.nstamps) e.nstamps = e.index;
  t.lru.splice(t.lru.indexOf(e), 1);
  t.lru.push(e);
}

function recentTableLookup(rn: RecentNet, name: string): RecentTable | undefined {
  return rn.tables.find((t) => t.name === name);
}

function recentTableFlush(t: RecentTable): void {
  t.entries.length = 0;
  t.lru.length = 0;
}

/** recent_mt() */
function recentMt(skb: SkBuff, par: XtActionParam, info: any): boolean {
  const b = skb.buf;
  const nh = ipHdrOff(skb);
  const addr = info.side === XT_RECENT_DEST ? rd32(b, nh + 16) : rd32(b, nh + 12);
  let ttl = b[nh + 8]!;
  let ret = !!info.invert;
  // use TTL as seen before forwarding (what the kernel sends itself has a socket of this
  // namespace, ICMP replies included: here, a packet that did not come in on a device)
  if (par.out !== undefined && !skb.sk && skb.skbIif !== 0) ttl = (ttl + 1) & 0xff;
  const t = recentTableLookup(recentPernet(par.net), info.name);
  if (!t) return ret;
  const addrMask = (addr & t.mask) >>> 0;
  const e = recentEntryLookup(t, addrMask, info.check_set & XT_RECENT_TTL ? ttl : 0);
  if (!e) {
    if (!(info.check_set & XT_RECENT_SET)) return ret;
    recentEntryInit(par.net, t, addrMask, ttl);
    return !ret;
  }
  if (info.check_set & XT_RECENT_SET) ret = !ret;
  else if (info.check_set & XT_RECENT_REMOVE) {
    recentEntryRemove(t, e);
    ret = !ret;
  } else if (info.check_set & (XT_RECENT_CHECK | XT_RECENT_UPDATE)) {
    const time = jiffies(par.net) - info.seconds * HZ;
    let hits = 0;
    for (let i = 0; i < e.nstamps; i++) {
      if (info.seconds && time > e.stamps[i]!) continue;
      if (!info.hit_count || ++hits >= info.hit_count) {
        ret = !ret;
        break;
      }
    }
    // info->seconds must be non-zero
    if (info.check_set & XT_RECENT_REAP) recentEntryReap(t, time, e, !!(info.check_set & XT_RECENT_UPDATE) && ret);
  }
  if (info.check_set & XT_RECENT_SET || (info.check_set & XT_RECENT_UPDATE && ret)) {
    recentEntryUpdate(par.net, t, e);
    e.ttl = ttl;
  }
  return ret;
}

function roundupPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** recent_mt_check() */
function recentMtCheck(par: XtChkParam, info: Record<string, any>): KErr | undefined {
  recentLoaded.add(par.net.host);
  const cs = Number(info["check_set"]);
  const seconds = Number(info["seconds"]);
  const hitCount = Number(info["hit_count"]);
  if (cs & ~XT_RECENT_VALID_FLAGS) {
    nfIpv4Ops.printk(par.net, 6, `xt_recent: Unsupported userspace flags (${(cs >>> 0).toString(16).padStart(8, "0")})`);
    return kerr("EINVAL");
  }
  let ops = 0;
  for (const f of [XT_RECENT_SET, XT_RECENT_REMOVE, XT_RECENT_CHECK, XT_RECENT_UPDATE]) if (cs & f) ops++;
  if (ops !== 1) return kerr("EINVAL");
  if (cs & (XT_RECENT_SET | XT_RECENT_REMOVE) && (seconds || hitCount || cs & XT_RECENT_MODIFIERS)) return kerr("EINVAL");
  if (cs & XT_RECENT_REAP && !seconds) return kerr("EINVAL");
  if (hitCount >= XT_RECENT_MAX_NSTAMPS) {
    nfIpv4Ops.printk(par.net, 6, `xt_recent: hitcount (${hitCount}) is larger than allowed maximum (${XT_RECENT_MAX_NSTAMPS - 1})`);
    return kerr("EINVAL");
  }
  const name = String(info["name"]);
  const bad = xtCheckProcName(name, XT_RECENT_NAME_LEN);
  if (bad) return bad;
  let nstampMask: number;
  if (IP_PKT_LIST_TOT && hitCount < IP_PKT_LIST_TOT) nstampMask = roundupPow2(IP_PKT_LIST_TOT) - 1;
  else if (hitCount) nstampMask = roundupPow2(hitCount) - 1;
  else nstampMask = 32 - 1;
  const rn = recentPernet(par.net);
  const t = recentTableLookup(rn, name);
  if (t) {
    if (nstampMask > t.nstampsMaxMask) {
      recentTableFlush(t);
      t.nstampsMaxMask = nstampMask;
    }
    t.refcnt++;
    return undefined;
  }
  rn.tables.push({ name, mask: Number(info["mask"] ?? 0xffffffff) >>> 0, refcnt: 1, nstampsMaxMask: nstampMask, entries: [], lru: [] });
  return undefined;
}

/** recent_mt_destroy() */
function recentMtDestroy(par: XtChkParam, info: Record<string, any>): void {
  const rn = recentPernet(par.net);
  const t = recentTableLookup(rn, String(info["name"]));
  if (!t) return;
  if (--t.refcnt === 0) rn.tables.splice(rn.tables.indexOf(t), 1);
}

/** recent_seq_show() */
function recentSeqShow(t: RecentTable): string {
  let out = "";
  for (const e of t.entries) {
    const i = (e.index - 1) & t.nstampsMaxMask;
    out += `src=${ipStr(e.addr)} ttl: ${e.ttl} last_seen: ${e.stamps[i]} oldest_pkt: ${e.index}`;
    for (let k = 0; k < e.nstamps; k++) out += `${k ? "," : ""} ${e.stamps[k]}`;
    out += "\n";
  }
  return out;
}

/** lib/net_utils.c: in4_pton() up to the delimiter '\n' */
function in4Pton(s: string): number | undefined {
  const nl = s.indexOf("\n");
  const src = nl >= 0 ? s.slice(0, nl) : s;
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(src);
  if (!m) return undefined;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return undefined;
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

/** recent_mt_proc_write(): "+ADDR", "-ADDR" or "/" */
function recentMtProcWrite(net: Net, t: RecentTable, data: string): KErr | undefined {
  if (data.length === 0) return undefined;
  const buf = data.slice(0, 46);
  switch (buf[0]) {
    case "/":
      recentTableFlush(t);
      return undefined;
    case "-":
    case "+":
      break;
    default:
      nfIpv4Ops.printk(net, 6, `xt_recent: Need "+ip", "-ip" or "/"`);
      return kerr("EINVAL");
  }
  const add = buf[0] === "+";
  const rest = buf.slice(1);
  if (rest.includes(":")) return kerr("EINVAL"); // an IPv6 address: no IPv4 table takes it here
  const addr = in4Pton(rest);
  if (addr === undefined) return kerr("EINVAL");
  const e = recentEntryLookup(t, addr, 0);
  if (!e) {
    if (add) recentEntryInit(net, t, addr, 0);
  } else if (add) recentEntryUpdate(net, t, e);
  else recentEntryRemove(t, e);
  return undefined;
}

function recentProcDir(net: Net): FsNode | undefined {
  if (!recentLoaded.has(net.host)) return undefined;
  return fsDir(() => {
    const m = new Map<string, FsNode>();
    for (const t of recentPernet(net).tables) {
      m.set(t.name, fsFile(0o644, () => recentSeqShow(t), (data) => recentMtProcWrite(net, t, data)));
    }
    return m;
  }, 0o555);
}

// ---------------------------------------------------------------------------------------------
// net/netfilter/xt_string.c over lib/ts_bm.c / lib/ts_kmp.c
// ---------------------------------------------------------------------------------------------

/** the textsearch algorithms the kernel has (ts_bm, ts_kmp) */
const TS_ALGOS = ["bm", "kmp"];

function toupper(c: number): number {
  return c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
}

interface TsConfig {
  pattern: number[];
  icase: boolean;
}

/** textsearch_find() for a linear buffer: the first occurrence's offset, or -1 (both ts_bm and
 * ts_kmp find the leftmost match) */
function tsFind(cfg: TsConfig, text: Uint8Array, start: number, end: number): number {
  const p = cfg.pattern;
  const n = p.length;
  for (let i = start; i + n <= end; i++) {
    let k = 0;
    if (cfg.icase) while (k < n && toupper(text[i + k]!) === p[k]) k++;
    else while (k < n && text[i + k] === p[k]) k++;
    if (k === n) return i - start;
  }
  return -1;
}

/** string_mt(): skb_find_text() from the network header */
function stringMt(skb: SkBuff, _par: XtActionParam, conf: any, cfg: TsConfig): boolean {
  const invert = !!(conf.flags & XT_STRING_FLAG_INVERT);
  const base = ipHdrOff(skb);
  const len = skb.tail - base;
  const from: number = conf.from_offset;
  const to: number = conf.to_offset;
  let found = false;
  if (from < len) {
    const end = base + Math.min(to, len);
    const ret = tsFind(cfg, skb.buf, base + from, end);
    found = ret >= 0 && ret + cfg.pattern.length <= to - from;
  }
  return found !== invert;
}

/** string_mt_check() and textsearch_prepare() */
function stringMtCheck(_par: XtChkParam, conf: Record<string, any>): KErr | undefined {
  const from = Number(conf["from_offset"]);
  const to = Number(conf["to_offset"]);
  const algo = String(conf["algo"]);
  const pattern = conf["pattern"] as number[];
  if (from > to) return kerr("EINVAL");
  if (algo.length >= XT_STRING_MAX_ALGO_NAME_SIZE) return kerr("EINVAL");
  if (pattern.length > XT_STRING_MAX_PATTERN_SIZE) return kerr("EINVAL");
  if (Number(conf["flags"]) & ~(XT_STRING_FLAG_IGNORECASE | XT_STRING_FLAG_INVERT)) return kerr("EINVAL");
  if (pattern.length === 0) return kerr("EINVAL");
  if (!TS_ALGOS.includes(algo)) return kerr("ENOENT");
  return undefined;
}

function stringCompile(conf: Record<string, unknown>): TsConfig {
  const icase = !!(Number(conf["flags"]) & XT_STRING_FLAG_IGNORECASE);
  const pattern = (conf["pattern"] as number[]).map((c) => (icase ? toupper(c) : c));
  return { pattern, icase };
}

// ---------------------------------------------------------------------------------------------
// net/netfilter/xt_NETMAP.c
// ---------------------------------------------------------------------------------------------

function ctOf(skb: SkBuff): NatSetupConn | undefined {
  const ct = skb.nfct as NatSetupConn | undefined;
  return ct && typeof ct.natSetupInfo === "function" ? ct : undefined;
}

/** netmap_tg4() */
function netmapTg4(skb: SkBuff, par: XtActionParam, mr: any): number {
  const ct = ctOf(skb);
  if (!ct) return NF_ACCEPT;
  const r = mr.range[0];
  const netmask = ~(r.min_ip ^ r.max_ip) >>> 0;
  const nh = ipHdrOff(skb);
  const hook = par.hooknum;
  let newIp = hook === NF_INET_PRE_ROUTING || hook === NF_INET_LOCAL_OUT ? rd32(skb.buf, nh + 16) : rd32(skb.buf, nh + 12);
  newIp = ((newIp & ~netmask) | (r.min_ip & netmask)) >>> 0;
  return ct.natSetupInfo({ flags: r.flags | NF_NAT_RANGE_MAP_IPS, minAddr: newIp, maxAddr: newIp, minProto: r.min ?? 0, maxProto: r.max ?? 0 }, hook2manip(hook), skb);
}

/** netmap_tg4_check() */
function netmapTg4Check(par: XtChkParam, mr: Record<string, any>): KErr | undefined {
  const r = mr["range"]?.[0];
  if (!r || !(r.flags & NF_NAT_RANGE_MAP_IPS)) return kerr("EINVAL");
  if (mr["rangesize"] !== 1) return kerr("EINVAL");
  nfCtNetnsGet(par.net);
  return undefined;
}

let done = false;

export function xtStateInit(): void {
  if (done) return;
  done = true;
  const F = NFPROTO_IPV4;
  for (const r of [0, 1])
    xtRegisterMatch({ name: "recent", revision: r, family: F, match: recentMt, checkentry: recentMtCheck, destroy: recentMtDestroy });
  registerProcNetNode("xt_recent", recentProcDir);
  xtRegisterMatch({ name: "string", revision: 1, family: F, match: stringMt, checkentry: stringMtCheck, compile: stringCompile });
  xtRegisterTarget({
    name: "NETMAP", revision: 0, family: F, table: "nat",
    hooks: (1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_POST_ROUTING) | (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_LOCAL_IN),
    target: netmapTg4, checkentry: netmapTg4Check, destroy: (p) => nfCtNetnsPut(p.net),
  });
  hashlimitInit();
}

// ---------------------------------------------------------------------------------------------
// net/netfilter/xt_hashlimit.c, revision 3 (IPv4)
// ---------------------------------------------------------------------------------------------

const XT_HASHLIMIT_ALL = XT_HASHLIMIT_HASH_DIP | XT_HASHLIMIT_HASH_DPT | XT_HASHLIMIT_HASH_SIP | XT_HASHLIMIT_HASH_SPT |
  XT_HASHLIMIT_INVERT | XT_HASHLIMIT_BYTES | XT_HASHLIMIT_RATE_MATCH;
const HASHLIMIT_MAX_SIZE = 1048576;
const XT_HASHLIMIT_NAME_LEN = 255;
const U32_MAX = 0xffffffffn;
const U64_MAX = 0xffffffffffffffffn;
const BHZ = BigInt(HZ);

function pow2Below(x: bigint): bigint {
  let p = 1n;
  while (p * 2n <= x) p *= 2n;
  return p;
}
/** CREDITS_PER_JIFFY (64-bit, revision 2+) and CREDITS_PER_JIFFY_BYTES */
const CREDITS_PER_JIFFY = pow2Below(U64_MAX / (BHZ * 60n * 60n * 24n));
const CREDITS_PER_JIFFY_BYTES = pow2Below(U32_MAX / BHZ);

/** user2credits(user, 3) */
function user2credits(user: bigint): bigint {
  const scale = XT_HASHLIMIT_SCALE_v2;
  if (scale >= BHZ * CREDITS_PER_JIFFY) return user / (scale / (BHZ * CREDITS_PER_JIFFY));
  return BigInt.asUintN(64, user * ((BHZ * CREDITS_PER_JIFFY) / scale));
}
function user2creditsByte(user: bigint): bigint {
  return BigInt.asUintN(32, (BigInt.asUintN(32, user) * BHZ * CREDITS_PER_JIFFY_BYTES) >> 32n);
}
function user2rate(user: bigint): bigint {
  return user !== 0n ? XT_HASHLIMIT_SCALE_v2 / user : 0n;
}
function user2rateBytes(user: bigint): bigint {
  const r = user ? U32_MAX / user : U32_MAX;
  return BigInt.asUintN(64, (r - 1n) << 4n);
}

interface HlCfg {
  mode: number; avg: bigint; burst: bigint; size: number; max: number; gc_interval: number; expire: number;
  srcmask: number; dstmask: number; interval: number;
}

interface DstEnt {
  src: number; dst: number; sport: number; dport: number;
  expires: number;
  prev: number; credit: bigint; creditCap: bigint; cost: bigint;
  interval: number; prevWindow: boolean; currentRate: bigint; rate: bigint; burst: bigint;
}

interface Htable {
  name: string;
  use: number;
  cfg: HlCfg;
  ents: DstEnt[];
}

const hlNets = new NetGeneric<Htable[]>();
const hashlimitLoaded = new WeakSet<object>();

function hlPernet(net: Net): Htable[] {
  let t = hlNets.get(net);
  if (!t) hlNets.set(net, (t = []));
  return t;
}

function cfgOf(d: Record<string, any>): HlCfg {
  const c = d["cfg"];
  return {
    mode: Number(c.mode), avg: BigInt(c.avg), burst: BigInt(c.burst), size: Number(c.size), max: Number(c.max),
    gc_interval: Number(c.gc_interval), expire: Number(c.expire), srcmask: Number(c.srcmask), dstmask: Number(c.dstmask),
    interval: Number(c.interval),
  };
}

function msecsToJiffies(ms: number): number {
  return Math.ceil((ms * HZ) / 1000);
}

function maskl(a: number, l: number): number {
  return l ? (a & (0xffffffff << (32 - l))) >>> 0 : 0;
}

/** rateinfo_recalc() */
function rateinfoRecalc(dh: DstEnt, now: number, mode: number): void {
  const delta = now - dh.prev;
  if (delta === 0) return;
  if (mode & XT_HASHLIMIT_RATE_MATCH) {
    const interval = dh.interval * HZ;
    if (delta < interval) return;
    dh.prev = now;
    dh.prevWindow = dh.currentRate * BigInt(interval) > BigInt(delta) * dh.rate;
    dh.currentRate = 0n;
    return;
  }
  dh.prev = now;
  let cap: bigint;
  if (mode & XT_HASHLIMIT_BYTES) {
    const tmp = dh.credit;
    dh.credit = BigInt.asUintN(64, dh.credit + CREDITS_PER_JIFFY_BYTES * BigInt(delta));
    cap = CREDITS_PER_JIFFY_BYTES * BHZ;
    if (tmp >= dh.credit) {
      dh.credit = cap;
      return;
    }
  } else {
    dh.credit = BigInt.asUintN(64, dh.credit + BigInt(delta) * CREDITS_PER_JIFFY);
    cap = dh.creditCap;
  }
  if (dh.credit > cap) dh.credit = cap;
}

/** rateinfo_init() */
function rateinfoInit(dh: DstEnt, cfg: HlCfg, now: number): void {
  dh.prev = now;
  if (cfg.mode & XT_HASHLIMIT_RATE_MATCH) {
    dh.prevWindow = false;
    dh.currentRate = 0n;
    if (cfg.mode & XT_HASHLIMIT_BYTES) {
      dh.rate = user2rateBytes(BigInt.asUintN(32, cfg.avg));
      dh.burst = cfg.burst ? cfg.burst * dh.rate : dh.rate;
    } else {
      dh.rate = user2rate(cfg.avg);
      dh.burst = cfg.burst + dh.rate;
    }
    dh.interval = cfg.interval;
  } else if (cfg.mode & XT_HASHLIMIT_BYTES) {
    dh.credit = CREDITS_PER_JIFFY_BYTES * BHZ;
    dh.cost = user2creditsByte(cfg.avg);
    dh.creditCap = cfg.burst;
  } else {
    dh.credit = user2credits(BigInt.asUintN(64, cfg.avg * cfg.burst));
    dh.cost = user2credits(cfg.avg);
    dh.creditCap = dh.credit;
  }
}

/** hashlimit_byte_cost() */
function hashlimitByteCost(len: number, dh: DstEnt): bigint {
  let tmp = (BigInt(len) >> 4n) + 1n;
  tmp *= dh.cost;
  if (tmp > CREDITS_PER_JIFFY_BYTES * BHZ) tmp = CREDITS_PER_JIFFY_BYTES * BHZ;
  if (dh.credit < tmp && dh.creditCap) {
    dh.creditCap--;
    dh.credit = CREDITS_PER_JIFFY_BYTES * BHZ;
  }
  return BigInt.asUintN(32, tmp);
}

/** the ports proto_ports_offset() knows: TCP, UDP, DCCP, ESP(spi), SCTP, UDP-Lite */
const PORT_PROTOS = new Set([6, 17, 33, 50, 132, 136]);

/** hashlimit_mt() -> hashlimit_mt_common() */
function hashlimitMt(skb: SkBuff, par: XtActionParam, info: any): boolean {
  const hinfo = hlPernet(par.net).find((h) => h.name === info.name);
  if (!hinfo) return false;
  const mode = Number(info.cfg.mode);
  const b = skb.buf;
  const nh = ipHdrOff(skb);
  const hc = hinfo.cfg;
  const key = { src: 0, dst: 0, sport: 0, dport: 0 };
  if (hc.mode & XT_HASHLIMIT_HASH_DIP) key.dst = maskl(rd32(b, nh + 16), hc.dstmask);
  if (hc.mode & XT_HASHLIMIT_HASH_SIP) key.src = maskl(rd32(b, nh + 12), hc.srcmask);
  if (hc.mode & (XT_HASHLIMIT_HASH_DPT | XT_HASHLIMIT_HASH_SPT) && PORT_PROTOS.has(b[nh + 9]!)) {
    if (par.thoff + 4 > skb.tail) {
      par.hotdrop = true;
      return false;
    }
    if (hc.mode & XT_HASHLIMIT_HASH_SPT) key.sport = rd16(b, par.thoff);
    if (hc.mode & XT_HASHLIMIT_HASH_DPT) key.dport = rd16(b, par.thoff + 2);
  }
  const now = jiffies(par.net);
  // the garbage collector has taken what expired
  hinfo.ents = hinfo.ents.filter((e) => e.expires >= now);
  let dh = hinfo.ents.find((e) => e.src === key.src && e.dst === key.dst && e.sport === key.sport && e.dport === key.dport);
  if (!dh) {
    if (hinfo.ents.length >= hc.max) {
      par.hotdrop = true;
      return false;
    }
    dh = { ...key, expires: 0, prev: now, credit: 0n, creditCap: 0n, cost: 0n, interval: 0, prevWindow: false, currentRate: 0n, rate: 0n, burst: 0n };
    hinfo.ents.push(dh);
    dh.expires = now + msecsToJiffies(hc.expire);
    rateinfoInit(dh, hc, now);
  } else {
    dh.expires = now + msecsToJiffies(hc.expire);
    rateinfoRecalc(dh, now, hc.mode);
  }
  const len = skb.tail - nh;
  if (mode & XT_HASHLIMIT_RATE_MATCH) {
    dh.currentRate += mode & XT_HASHLIMIT_BYTES ? BigInt(len) : 1n;
    if (!dh.prevWindow && dh.currentRate <= dh.burst) return !(mode & XT_HASHLIMIT_INVERT);
    return !!(mode & XT_HASHLIMIT_INVERT);
  }
  const cost = mode & XT_HASHLIMIT_BYTES ? hashlimitByteCost(len, dh) : dh.cost;
  if (dh.credit >= cost) {
    dh.credit -= cost;
    return !(mode & XT_HASHLIMIT_INVERT);
  }
  return !!(mode & XT_HASHLIMIT_INVERT);
}

/** hashlimit_mt_check() -> hashlimit_mt_check_common() */
function hashlimitMtCheck(par: XtChkParam, info: Record<string, any>): KErr | undefined {
  hashlimitLoaded.add(par.net.host);
  const name = String(info["name"]);
  const bad = xtCheckProcName(name, XT_HASHLIMIT_NAME_LEN);
  if (bad) return bad;
  const c = info["cfg"];
  const cfg = cfgOf(info);
  if (cfg.gc_interval === 0 || cfg.expire === 0) return kerr("EINVAL");
  if (cfg.size > HASHLIMIT_MAX_SIZE) {
    c.size = cfg.size = HASHLIMIT_MAX_SIZE;
    nfIpv4Ops.printk(par.net, 6, `xt_hashlimit: size too large, truncated to ${cfg.size}`);
  }
  if (cfg.max > HASHLIMIT_MAX_SIZE) {
    c.max = cfg.max = HASHLIMIT_MAX_SIZE;
    nfIpv4Ops.printk(par.net, 6, `xt_hashlimit: max too large, truncated to ${cfg.max}`);
  }
  if (cfg.srcmask > 32 || cfg.dstmask > 32) return kerr("EINVAL");
  if (cfg.mode & ~XT_HASHLIMIT_ALL) {
    nfIpv4Ops.printk(par.net, 6, `xt_hashlimit: Unknown mode mask ${(cfg.mode >>> 0).toString(16).toUpperCase()}, kernel too old?`);
    return kerr("EINVAL");
  }
  if (cfg.mode & XT_HASHLIMIT_RATE_MATCH) {
    if (cfg.avg === 0n || cfg.avg > U32_MAX) {
      nfIpv4Ops.printk(par.net, 6, "xt_hashlimit: invalid rate");
      return kerr("ERANGE");
    }
    if (cfg.interval === 0) {
      nfIpv4Ops.printk(par.net, 6, "xt_hashlimit: invalid interval");
      return kerr("EINVAL");
    }
  } else if (cfg.mode & XT_HASHLIMIT_BYTES) {
    if (user2creditsByte(cfg.avg) === 0n) {
      nfIpv4Ops.printk(par.net, 6, `xt_hashlimit: overflow, rate too high: ${cfg.avg}`);
      return kerr("EINVAL");
    }
  } else if (cfg.burst === 0n || user2credits(BigInt.asUintN(64, cfg.avg * cfg.burst)) < user2credits(cfg.avg)) {
    nfIpv4Ops.printk(par.net, 6, `xt_hashlimit: overflow, try lower: ${cfg.avg}/${cfg.burst}`);
    return kerr("ERANGE");
  }
  const tables = hlPernet(par.net);
  const h = tables.find((t) => t.name === name);
  if (h) {
    h.use++;
    return undefined;
  }
  // htable_create(): a size of 0 is the kernel's choice from the memory it has (8192 past 1 GiB)
  const size = cfg.size || 8192;
  const hc: HlCfg = { ...cfg, size };
  if (hc.max === 0) hc.max = 8 * size;
  else if (hc.max < size) hc.max = size;
  tables.push({ name, use: 1, cfg: hc, ents: [] });
  return undefined;
}

function hashlimitMtDestroy(par: XtChkParam, info: Record<string, any>): void {
  const tables = hlPernet(par.net);
  const h = tables.find((t) => t.name === String(info["name"]));
  if (h && --h.use === 0) tables.splice(tables.indexOf(h), 1);
}

/** dl_seq_show() -> dl_seq_real_show(): one line per destination */
function hlSeqShow(net: Net, h: Htable): string {
  const now = jiffies(net);
  let out = "";
  for (const e of h.ents) {
    if (e.expires < now) continue;
    rateinfoRecalc(e, now, h.cfg.mode);
    out += `${Math.trunc((e.expires - now) / HZ)} ${ipStr(e.src)}:${e.sport}->${ipStr(e.dst)}:${e.dport} ${e.credit} ${e.creditCap} ${e.cost}\n`;
  }
  return out;
}

function hlProcDir(net: Net): FsNode | undefined {
  if (!hashlimitLoaded.has(net.host)) return undefined;
  return fsDir(() => new Map(hlPernet(net).map((h) => [h.name, fsFile(0o444, () => hlSeqShow(net, h))])), 0o555);
}

function hashlimitInit(): void {
  xtRegisterMatch({ name: "hashlimit", revision: 3, family: NFPROTO_IPV4, match: hashlimitMt, checkentry: hashlimitMtCheck, destroy: hashlimitMtDestroy });
  registerProcNetNode("ipt_hashlimit", hlProcDir);
}
