/**
 * net/ipv4/netfilter/ip_tables.c: IPv4 packet filtering with whole-table replace.
 *
 * A table's rules are translated once per IPT_SO_SET_REPLACE (translate_table(): hook entry
 * points, loop detection, match/target lookup and checkentry) into compiled entries that
 * ipt_do_table() walks per packet with a jump stack, counting packets and bytes per rule.
 * Tables are instantiated per namespace on first use (as xt_request_find_table_lock()
 * loading iptable_filter & co.), so a namespace that never runs iptables has no hooks.
 *
 * The table machinery is shared with net/ipv6/netfilter/ip6_tables.c (ip6_tables.ts): the
 * functions take the family (NFPROTO_IPV4 or NFPROTO_IPV6), whose entries are headed by an
 * ipt_ip or an ip6t_ip6, and whose tables are registered on that family's hooks.
 */
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import {
  type IptEntry, type IptGetinfo, type IptReplace, type IptIp, type Ip6tIp6, type XtEntryExt, isIp6, IP6T_F_GOTO,
  IPT_F_FRAG, IPT_F_GOTO, IPT_INV_VIA_IN, IPT_INV_VIA_OUT, IPT_INV_SRCIP, IPT_INV_DSTIP,
  IPT_INV_FRAG, IPT_INV_PROTO, XT_ERROR_TARGET, XT_RETURN, XT_STANDARD_TARGET,
} from "../uapi/xtables.ts";
import {
  NF_ACCEPT, NF_DROP, NF_INET_NUMHOOKS, NFPROTO_IPV4, NFPROTO_IPV6, nfRegisterNetHook,
  type NfHookOps, type NfHookState,
} from "./core.ts";
import {
  XT_CONTINUE, xtFindMatch, xtFindTarget, type XtActionParam, type XtMatch, type XtTarget,
} from "./x_tables.ts";

/** one translated rule (struct ipt_entry with the kernel's match/target pointers resolved) */
export interface IptCompiledEntry {
  ip: IptIp;
  inPrefix: boolean;
  inName: string;
  outPrefix: boolean;
  outName: string;
  matches: { m: XtMatch; data: Record<string, unknown>; st: unknown }[];
  /** undefined: the standard target (verdict) or the error target */
  target: XtTarget | undefined;
  tdata: Record<string, unknown>;
  tst: unknown;
  verdict: number;
  isError: boolean;
  /** a built-in chain's policy whose chain keeps no counters */
  noCount: boolean;
  pcnt: number;
  bcnt: number;
  comefrom: number;
}

/** struct xt_table_info */
export interface XtTableInfo {
  validHooks: number;
  hookEntry: number[];
  underflow: number[];
  entries: IptCompiledEntry[];
  /** the user view, as replaced (without counters) */
  user: IptEntry[];
  /** the built-in chains whose policy counts (IptReplace.counterHooks) */
  counterHooks: number;
  /** the built-in chains that exist (IptReplace.createdHooks) */
  createdHooks: number;
  /** ip_packet_match()'s fields of every entry, flattened once per replace */
  fast: IptFastMatch;
}

/**
 * The struct ipt_ip part of every entry in flat typed arrays, so ipt_do_table() skips the
 * entries whose IP header fields do not match with integer compares only, before it looks
 * at any match or target (what ip_packet_match() does on the packed blob in Linux).
 */
export interface IptFastMatch {
  src: Int32Array;
  smsk: Int32Array;
  dst: Int32Array;
  dmsk: Int32Array;
  proto: Int32Array;
  /** FB_* */
  bits: Int32Array;
  /** 1 + the index in `runs` of the run holding the entry, 0: none */
  run: Int32Array;
  runs: IptAddrRun[];
}

/**
 * A run of consecutive entries that all test the same address field (source or destination)
 * under the same mask, not inverted: only those whose address equals the packet's can match,
 * so the walk jumps straight to them (the others would fail ip_packet_match() on that field
 * anyway). Built once per replace; changes what is looked at, never a verdict or a counter.
 */
interface IptAddrRun {
  /** true: the destination address */
  dst: boolean;
  mask: number;
  /** the first entry after the run */
  end: number;
  /** runKey(address): the entries of the run with that address, ascending */
  byKey: Map<number, Int32Array>;
}

/** a small-integer (Smi) key of a masked address; collisions only cost a full check */
function runKey(a: number): number {
  return (a ^ (a >>> 16)) & 0x3fffffff;
}

/** runs shorter than this are walked entry by entry */
const IPT_MIN_RUN = 8;
let addrRuns = true;

/** tests: build tables without address runs (every entry walked), to compare verdicts */
export function iptSetAddrRuns(on: boolean): void {
  addrRuns = on;
}

function compileRuns(f: IptFastMatch, n: number): void {
  for (const dst of [false, true]) {
    const msk = dst ? f.dmsk : f.smsk;
    const val = dst ? f.dst : f.src;
    const inv = dst ? FB_INV_DST : FB_INV_SRC;
    const ok = (i: number) => f.run[i] === 0 && msk[i] !== 0 && !(f.bits[i]! & inv);
    for (let i = 0; i < n;) {
      if (!ok(i)) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < n && ok(j) && msk[j] === msk[i]) j++;
      if (j - i >= IPT_MIN_RUN) {
        const lists = new Map<number, number[]>();
        for (let k = i; k < j; k++) {
          const key = runKey(val[k]!);
          let l = lists.get(key);
          if (!l) lists.set(key, (l = []));
          l.push(k);
        }
        const byKey = new Map<number, Int32Array>();
        for (const [k, l] of lists) byKey.set(k, Int32Array.from(l));
        f.runs.push({ dst, mask: msk[i]!, end: j, byKey });
        f.run.fill(f.runs.length, i, j);
      }
      i = j;
    }
  }
}

/** the first entry >= i of `run` that may match the packet's address (run.end: none) */
function runNext(run: IptAddrRun, i: number, saddr: number, daddr: number): number {
  const l = run.byKey.get(runKey((run.dst ? daddr : saddr) & run.mask));
  if (l === undefined) return run.end;
  let lo = 0;
  let hi = l.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (l[mid]! < i) lo = mid + 1;
    else hi = mid;
  }
  return lo < l.length ? l[lo]! : run.end;
}

const FB_INV_SRC = 0x01;
const FB_INV_DST = 0x02;
const FB_PROTO = 0x04;
const FB_INV_PROTO = 0x08;
/** -i or -o given: compare names in ifaceMatch() */
const FB_IFACE = 0x10;
/** the entry never matches a non-first fragment / a first fragment or unfragmented packet */
const FB_FAIL_FRAG = 0x20;
const FB_FAIL_NOFRAG = 0x40;

function compileFast(entries: IptCompiledEntry[]): IptFastMatch {
  const n = entries.length;
  const f: IptFastMatch = {
    src: new Int32Array(n), smsk: new Int32Array(n), dst: new Int32Array(n), dmsk: new Int32Array(n),
    proto: new Int32Array(n), bits: new Int32Array(n), run: new Int32Array(n), runs: [],
  };
  for (let i = 0; i < n; i++) {
    const ip = entries[i]!.ip;
    f.src[i] = ip.src | 0;
    f.smsk[i] = ip.smsk | 0;
    f.dst[i] = ip.dst | 0;
    f.dmsk[i] = ip.dmsk | 0;
    f.proto[i] = ip.proto;
    let bits = 0;
    if (ip.invflags & IPT_INV_SRCIP) bits |= FB_INV_SRC;
    if (ip.invflags & IPT_INV_DSTIP) bits |= FB_INV_DST;
    if (ip.proto) bits |= FB_PROTO;
    if (ip.invflags & IPT_INV_PROTO) bits |= FB_INV_PROTO;
    if (ip.iniface !== "" || ip.outiface !== "") bits |= FB_IFACE;
    // (IPT_F_FRAG && !isfrag) !== IPT_INV_FRAG fails the entry
    const fFrag = (ip.flags & IPT_F_FRAG) !== 0;
    const invFrag = (ip.invflags & IPT_INV_FRAG) !== 0;
    if (invFrag) bits |= FB_FAIL_FRAG;
    if (fFrag !== invFrag) bits |= FB_FAIL_NOFRAG;
    f.bits[i] = bits;
  }
  if (addrRuns) compileRuns(f, n);
  return f;
}

/** struct xt_table */
export interface XtTable {
  name: string;
  /** NFPROTO_IPV4 or NFPROTO_IPV6 */
  family: number;
  validHooks: number;
  priority: number;
  net: Net;
  info: XtTableInfo;
  ops: NfHookOps[];
}

/** a table template (iptable_filter, iptable_nat …): name, hooks, priority, hook fn */
export interface IptTableTemplate {
  name: string;
  /** NFPROTO_IPV4 (default) or NFPROTO_IPV6 (ip6table_*) */
  family?: number;
  validHooks: number;
  priority: number;
  /** per-hook priority override (nat: dst -100 in PRE/OUT, src +100 in POST/IN) */
  hookPriority?(hook: number): number;
  /** pernet init of the table module (iptable_nat: nf_nat_ipv4_register_fn -> nf_ct_netns_get) */
  onInit?(net: Net): void;
  /** the hook function; default ipt_do_table */
  hook?(table: XtTable, skb: SkBuff, state: NfHookState): number;
}

/** per family: the table templates by name, and each namespace's instantiated tables */
const templates = new Map<number, Map<string, IptTableTemplate>>();
const netTables = new Map<number, NetGeneric<Map<string, XtTable>>>([
  [NFPROTO_IPV4, new NetGeneric()], [NFPROTO_IPV6, new NetGeneric()],
]);

function templatesOf(family: number): Map<string, IptTableTemplate> {
  let m = templates.get(family);
  if (!m) templates.set(family, (m = new Map()));
  return m;
}

/** the order iptables-save (nft) prints tables in */
export const IPT_TABLE_ORDER = ["mangle", "security", "raw", "filter", "nat"];

export function iptRegisterTemplate(t: IptTableTemplate): void {
  templatesOf(t.family ?? NFPROTO_IPV4).set(t.name, t);
}

/** ipt_alloc_initial_table(): one ACCEPT policy per valid hook, then the ERROR tail */
export function iptAllocInitialTable(validHooks: number, family = NFPROTO_IPV4): IptReplace {
  const entries: IptEntry[] = [];
  const hookEntry: number[] = [];
  const underflow: number[] = [];
  for (let h = 0; h < NF_INET_NUMHOOKS; h++) {
    hookEntry.push(0);
    underflow.push(0);
    if (!(validHooks & (1 << h))) continue;
    hookEntry[h] = underflow[h] = entries.length;
    entries.push(standardEntry(-NF_ACCEPT - 1, family));
  }
  entries.push(errorEntry("ERROR", family));
  return { name: "", validHooks, numEntries: entries.length, hookEntry, underflow, entries, counterHooks: 0, createdHooks: 0 };
}

/** an all-zero ipt_ip, or ip6t_ip6 for NFPROTO_IPV6 */
export function emptyIp(family = NFPROTO_IPV4): IptIp {
  const ip: IptIp = { src: 0, dst: 0, smsk: 0, dmsk: 0, iniface: "", outiface: "", proto: 0, flags: 0, invflags: 0 };
  if (family !== NFPROTO_IPV6) return ip;
  const ip6: Ip6tIp6 = { ...ip, src6: [0, 0, 0, 0], dst6: [0, 0, 0, 0], smsk6: [0, 0, 0, 0], dmsk6: [0, 0, 0, 0], tos: 0 };
  return ip6;
}

/** a copy of an entry header (an ip6t_ip6's address words included) */
function cloneIp(ip: IptIp): IptIp {
  if (!isIp6(ip)) return { ...ip };
  const ip6: Ip6tIp6 = { ...ip, src6: ip.src6.slice(), dst6: ip.dst6.slice(), smsk6: ip.smsk6.slice(), dmsk6: ip.dmsk6.slice() };
  return ip6;
}

export function standardEntry(verdict: number, family = NFPROTO_IPV4): IptEntry {
  return { ip: emptyIp(family), matches: [], target: { name: XT_STANDARD_TARGET, revision: 0, data: { verdict } }, counters: { pcnt: 0, bcnt: 0 } };
}

export function errorEntry(errorname: string, family = NFPROTO_IPV4): IptEntry {
  return { ip: emptyIp(family), matches: [], target: { name: XT_ERROR_TARGET, revision: 0, data: { errorname } }, counters: { pcnt: 0, bcnt: 0 } };
}

/** the tables of `family` instantiated in `net` */
export function iptTables(net: Net, family = NFPROTO_IPV4): Map<string, XtTable> {
  const g = netTables.get(family)!;
  let m = g.get(net);
  if (!m) {
    m = new Map();
    g.set(net, m);
  }
  return m;
}

/**
 * net/netfilter/x_tables.c: xt_request_find_table_lock(): the table, instantiating it in
 * this namespace on first use (the table module's pernet init: ipt_register_table()).
 */
export function xtRequestFindTable(net: Net, name: string, family = NFPROTO_IPV4): XtTable | undefined {
  const tables = iptTables(net, family);
  const t = tables.get(name);
  if (t) return t;
  const tmpl = templatesOf(family).get(name);
  if (!tmpl) return undefined;
  return iptRegisterTable(net, tmpl, iptAllocInitialTable(tmpl.validHooks, family));
}

/** net/ipv4/netfilter/ip_tables.c: ipt_register_table() (ip6_tables.c: ip6t_register_table()) */
export function iptRegisterTable(net: Net, tmpl: IptTableTemplate, repl: IptReplace): XtTable {
  const family = tmpl.family ?? NFPROTO_IPV4;
  const info = translateTable(net, tmpl.name, repl, family);
  if ("errno" in info) throw new Error(`ipt_register_table ${tmpl.name}: ${info.errno}`);
  const table: XtTable = { name: tmpl.name, family, validHooks: tmpl.validHooks, priority: tmpl.priority, net, info, ops: [] };
  const fn = tmpl.hook ?? ((tb: XtTable, skb: SkBuff, st: NfHookState) => iptDoTable(tb, skb, st));
  for (let h = 0; h < NF_INET_NUMHOOKS; h++) {
    if (!(tmpl.validHooks & (1 << h))) continue;
    const ops: NfHookOps = {
      pf: family,
      hooknum: h,
      priority: tmpl.hookPriority ? tmpl.hookPriority(h) : tmpl.priority,
      hook: (_priv, skb, state) => fn(table, skb, state),
    };
    table.ops.push(ops);
  }
  iptTables(net, family).set(tmpl.name, table);
  tmpl.onInit?.(net);
  for (const o of table.ops) nfRegisterNetHook(net, o);
  return table;
}

function compileEntry(e: IptEntry): IptCompiledEntry {
  const ip = cloneIp(e.ip);
  return {
    ip,
    inPrefix: ip.iniface.endsWith("+"),
    inName: ip.iniface.endsWith("+") ? ip.iniface.slice(0, -1) : ip.iniface,
    outPrefix: ip.outiface.endsWith("+"),
    outName: ip.outiface.endsWith("+") ? ip.outiface.slice(0, -1) : ip.outiface,
    matches: [],
    target: undefined,
    tdata: e.target.data,
    tst: undefined,
    verdict: e.target.name === XT_STANDARD_TARGET ? Number(e.target.data["verdict"]) : 0,
    isError: e.target.name === XT_ERROR_TARGET,
    noCount: false,
    pcnt: e.counters?.pcnt ?? 0,
    bcnt: e.counters?.bcnt ?? 0,
    comefrom: 0,
  };
}

/** unconditional(): an all-zero ipt_ip / ip6t_ip6 and no match */
function unconditional(e: IptEntry): boolean {
  const ip = e.ip;
  if (isIp6(ip)) {
    for (let k = 0; k < 4; k++) if (ip.src6[k] || ip.dst6[k] || ip.smsk6[k] || ip.dmsk6[k]) return false;
    if (ip.tos) return false;
  }
  return e.matches.length === 0 && ip.src === 0 && ip.dst === 0 && ip.smsk === 0 && ip.dmsk === 0 &&
    ip.iniface === "" && ip.outiface === "" && ip.proto === 0 && ip.flags === 0 && ip.invflags === 0;
}

/** the entry's header flag for a goto (IPT_F_GOTO, IP6T_F_GOTO) */
function isGoto(ip: IptIp): boolean {
  return isIp6(ip) ? (ip.flags & IP6T_F_GOTO) !== 0 : (ip.flags & IPT_F_GOTO) !== 0;
}

/**
 * net/ipv4/netfilter/ip_tables.c: mark_source_chains(): which hooks reach each entry;
 * a jump into a chain already on the call path is a loop (ELOOP).
 */
function markSourceChains(repl: IptReplace, comefrom: number[]): KErr | undefined {
  const n = repl.entries.length;
  for (let hook = 0; hook < NF_INET_NUMHOOKS; hook++) {
    if (!(repl.validHooks & (1 << hook))) continue;
    const done = new Set<number>();
    const walk = (start: number, path: Set<number>): KErr | undefined => {
      for (let i = start; i < n; i++) {
        const e = repl.entries[i]!;
        comefrom[i]! |= 1 << hook;
        if (e.target.name === XT_ERROR_TARGET) return undefined;
        if (e.target.name !== XT_STANDARD_TARGET) continue;
        const v = Number(e.target.data["verdict"]);
        if (v < 0) {
          if (unconditional(e)) return undefined;
          continue;
        }
        if (v >= n || v < 0) return kerr("EINVAL");
        if (v === i + 1) continue;
        if (path.has(v)) return kerr("ELOOP");
        if (!done.has(v)) {
          const np = new Set(path);
          np.add(v);
          const err = walk(v, np);
          if (err) return err;
          done.add(v);
        }
        if (isGoto(e.ip) && unconditional(e)) return undefined;
      }
      return undefined;
    };
    const err = walk(repl.hookEntry[hook]!, new Set([repl.hookEntry[hook]!]));
    if (err) return err;
  }
  return undefined;
}

/** net/ipv4/netfilter/ip_tables.c: translate_table() + find_check_entry() */
export function translateTable(net: Net, table: string, repl: IptReplace, family = NFPROTO_IPV4): XtTableInfo | KErr {
  const n = repl.entries.length;
  if (n === 0 || repl.numEntries !== n) return kerr("EINVAL");
  for (let h = 0; h < NF_INET_NUMHOOKS; h++) {
    if (!(repl.validHooks & (1 << h))) continue;
    const he = repl.hookEntry[h];
    const uf = repl.underflow[h];
    if (he === undefined || uf === undefined || he >= n || uf >= n) return kerr("EINVAL");
    // check_underflow(): a base chain ends in an unconditional ACCEPT or DROP
    const u = repl.entries[uf]!;
    if (!unconditional(u) || u.target.name !== XT_STANDARD_TARGET) return kerr("EINVAL");
    const v = -Number(u.target.data["verdict"]) - 1;
    if (v !== NF_ACCEPT && v !== NF_DROP) return kerr("EINVAL");
  }
  if (repl.entries[n - 1]!.target.name !== XT_ERROR_TARGET) return kerr("EINVAL");
  // (ip6_tables' entries carry an ip6t_ip6, ip_tables' an ipt_ip)
  if (repl.entries.some((e) => isIp6(e.ip) !== (family === NFPROTO_IPV6))) return kerr("EINVAL");
  const comefrom = new Array<number>(n).fill(0);
  const err = markSourceChains(repl, comefrom);
  if (err) return err;
  const entries: IptCompiledEntry[] = [];
  // translate_table(): an entry that fails its check undoes what the checked ones took
  const fail = (c: IptCompiledEntry, e: KErr): KErr => {
    for (const x of [...entries, c]) cleanupEntry(net, table, x, family);
    return e;
  };
  for (let i = 0; i < n; i++) {
    const e = repl.entries[i]!;
    const c = compileEntry(e);
    c.comefrom = comefrom[i]!;
    const chk = { net, table, proto: e.ip.proto, invflags: e.ip.invflags, hookMask: comefrom[i]!, family };
    for (const me of e.matches) {
      const m = xtFindMatch(family, me.name, me.revision);
      if (!m) return fail(c, kerr("ENOENT"));
      const bad = checkExt(m, chk, me);
      if (bad) return fail(c, bad);
      c.matches.push({ m, data: me.data, st: m.compile ? m.compile(me.data) : undefined });
    }
    if (e.target.name === XT_STANDARD_TARGET) {
      const v = c.verdict;
      if (!Number.isInteger(v) || v < XT_RETURN || v >= n) return fail(c, kerr("EINVAL"));
    } else if (!c.isError) {
      const t = xtFindTarget(family, e.target.name, e.target.revision);
      if (!t) return fail(c, kerr("ENOENT"));
      const bad = checkExt(t, chk, e.target);
      if (bad) return fail(c, bad);
      c.target = t;
      c.tst = t.compile ? t.compile(e.target.data) : undefined;
    }
    entries.push(c);
  }
  const user = repl.entries.map((e) => ({ ...e, counters: { pcnt: 0, bcnt: 0 } }));
  const counterHooks = repl.counterHooks ?? repl.validHooks;
  for (let h = 0; h < NF_INET_NUMHOOKS; h++) {
    if (repl.validHooks & (1 << h) && !(counterHooks & (1 << h))) entries[repl.underflow[h]!]!.noCount = true;
  }
  return {
    validHooks: repl.validHooks, hookEntry: repl.hookEntry.slice(), underflow: repl.underflow.slice(), entries, user,
    counterHooks, createdHooks: repl.createdHooks ?? repl.validHooks, fast: compileFast(entries),
  };
}

/** ip_tables.c: cleanup_entry(): each match's and the target's destroy (a conntrack user
 * lets go, nf_ct_netns_put()) */
function cleanupEntry(net: Net, table: string, c: IptCompiledEntry, family: number): void {
  const par = { net, table, proto: c.ip.proto, invflags: c.ip.invflags, hookMask: c.comefrom, family };
  for (const x of c.matches) x.m.destroy?.(par, x.data);
  c.target?.destroy?.(par, c.tdata);
}

/** xt_check_match()/xt_check_target(): table, hooks, protocol, then the module's own check */
function checkExt(x: XtMatch | XtTarget, par: Parameters<NonNullable<XtMatch["checkentry"]>>[0], e: XtEntryExt): KErr | undefined {
  if (x.table !== undefined && x.table !== par.table) return kerr("EINVAL");
  if (x.hooks && par.hookMask & ~x.hooks) return kerr("EINVAL");
  if (x.proto && (par.proto !== x.proto || par.invflags & IPT_INV_PROTO)) return kerr("EINVAL");
  return x.checkentry ? x.checkentry(par, e.data) : undefined;
}

/** the IPv4 header fields ipt_do_table and the matches read, from skb.networkHeader */
export function ipHdrOff(skb: SkBuff): number {
  return skb.networkHeader >= 0 ? skb.networkHeader : skb.data;
}

/** ip_packet_match(), the interface part: -i/-o names (a trailing "+" is a prefix) */
export function ifaceMatch(e: IptCompiledEntry, state: NfHookState): boolean {
  const ipinfo = e.ip;
  if (ipinfo.iniface !== "") {
    const indev = state.in ? state.in.name : "";
    const ok = e.inPrefix ? indev.startsWith(e.inName) : indev === e.inName;
    if (ok === !!(ipinfo.invflags & IPT_INV_VIA_IN)) return false;
  }
  if (ipinfo.outiface !== "") {
    const outdev = state.out ? state.out.name : "";
    const ok = e.outPrefix ? outdev.startsWith(e.outName) : outdev === e.outName;
    if (ok === !!(ipinfo.invflags & IPT_INV_VIA_OUT)) return false;
  }
  return true;
}

/** the stack depth Linux allows (xt_jumpstack_alloc: the number of chains) */
const XT_MAX_JUMPSTACK = 1024;

/** the xt_action_param of ipt_do_table(), one per nesting depth (a target may send a packet
 * that crosses another table: REJECT -> icmp_send -> OUTPUT), like Linux's on-stack one */
const acparPool: XtActionParam[] = [];
let acparDepth = 0;

/** net/ipv4/netfilter/ip_tables.c: ipt_do_table() */
export function iptDoTable(table: XtTable, skb: SkBuff, state: NfHookState): number {
  const hook = state.hook;
  const info = table.info;
  const entries = info.entries;
  const fast = info.fast;
  const fsrc = fast.src, fsmsk = fast.smsk, fdst = fast.dst, fdmsk = fast.dmsk, fproto = fast.proto, fbits = fast.bits;
  const frun = fast.run, runs = fast.runs;
  const nh = ipHdrOff(skb);
  const b = skb.buf;
  const saddr = (b[nh + 12]! << 24) | (b[nh + 13]! << 16) | (b[nh + 14]! << 8) | b[nh + 15]!;
  const daddr = (b[nh + 16]! << 24) | (b[nh + 17]! << 16) | (b[nh + 18]! << 8) | b[nh + 19]!;
  const pproto = b[nh + 9]!;
  const fragoff = (((b[nh + 6]! << 8) | b[nh + 7]!) & 0x1fff);
  const failMask = fragoff !== 0 ? FB_FAIL_FRAG : FB_FAIL_NOFRAG;
  let acpar = acparPool[acparDepth];
  if (acpar === undefined) {
    acpar = {
      state, fragoff: 0, thoff: 0, hotdrop: false, in: undefined, out: undefined,
      net: state.net, hooknum: 0, family: NFPROTO_IPV4,
    };
    acparPool[acparDepth] = acpar;
  }
  acpar.state = state;
  acpar.fragoff = fragoff;
  acpar.thoff = nh + (b[nh]! & 0x0f) * 4;
  acpar.hotdrop = false;
  acpar.in = state.in;
  acpar.out = state.out;
  acpar.net = state.net;
  acpar.hooknum = hook;
  acpar.family = NFPROTO_IPV4;
  acparDepth++;
  let stack: number[] | undefined;
  let i = info.hookEntry[hook]!;
  let verdict = NF_DROP;
  try {
    for (;;) {
      // ip_packet_match() on the flat fields: skip to the first entry whose IP header part
      // matches (every chain ends in an unconditional policy/RETURN, the table in ERROR)
      for (;;) {
        const r = frun[i]!;
        if (r !== 0) {
          const j = runNext(runs[r - 1]!, i, saddr, daddr);
          if (j !== i) {
            i = j;
            continue;
          }
        }
        const bits = fbits[i]!;
        if (
          (((saddr & fsmsk[i]!) !== fsrc[i]) ? FB_INV_SRC : 0) === (bits & FB_INV_SRC) &&
          (((daddr & fdmsk[i]!) !== fdst[i]) ? FB_INV_DST : 0) === (bits & FB_INV_DST) &&
          (!(bits & FB_PROTO) || ((pproto !== fproto[i]) ? FB_INV_PROTO : 0) === (bits & FB_INV_PROTO)) &&
          !(bits & failMask) &&
          (!(bits & FB_IFACE) || ifaceMatch(entries[i]!, state))
        ) break;
        i++;
      }
      const e = entries[i]!;
      let matched = true;
      const ms = e.matches;
      for (let k = 0; k < ms.length; k++) {
        const mm = ms[k]!;
        if (!mm.m.match(skb, acpar, mm.data, mm.st)) {
          matched = false;
          break;
        }
      }
      if (!matched) {
        i++;
        continue;
      }
      if (!e.noCount) {
        e.pcnt += 1;
        e.bcnt += skb.len;
      }
      if (!e.target) {
        if (e.isError) {
          // the ERROR target: a packet reached a chain head (Linux logs "error: ..." and drops)
          verdict = NF_DROP;
          break;
        }
        const v = e.verdict;
        if (v < 0) {
          if (v !== XT_RETURN) {
            verdict = -v - 1;
            break;
          }
          if (stack === undefined || stack.length === 0) i = info.underflow[hook]!;
          else i = stack.pop()! + 1;
          continue;
        }
        if (v !== i + 1 && !(e.ip.flags & IPT_F_GOTO)) {
          if (stack === undefined) stack = [];
          if (stack.length >= XT_MAX_JUMPSTACK) {
            verdict = NF_DROP;
            break;
          }
          stack.push(i);
        }
        i = v;
        continue;
      }
      const tv = e.target.target(skb, acpar, e.tdata, e.tst);
      if (tv === XT_CONTINUE) {
        i++;
        continue;
      }
      verdict = tv;
      break;
    }
  } finally {
    acparDepth--;
  }
  if (acpar.hotdrop) return NF_DROP;
  return verdict;
}

/**
 * The table for a read: an instantiated one, or a template's initial table without
 * instantiating it. iptables-nft creates a table only when it writes to it, so listing a
 * table registers no hooks (and iptables-save does not show it).
 */
function tableForRead(net: Net, name: string, family: number): Pick<XtTable, "name" | "info"> | undefined {
  const t = iptTables(net, family).get(name);
  if (t) return t;
  const tmpl = templatesOf(family).get(name);
  if (!tmpl) return undefined;
  const info = translateTable(net, name, iptAllocInitialTable(tmpl.validHooks, family), family);
  return "errno" in info ? undefined : { name, info };
}

/** do_ipt_get_ctl(IPT_SO_GET_INFO) */
export function iptGetInfo(net: Net, name: string, family = NFPROTO_IPV4): IptGetinfo | KErr {
  const t = tableForRead(net, name, family);
  if (!t) return kerr("ENOENT");
  const info = t.info;
  return {
    name: t.name, validHooks: info.validHooks, hookEntry: info.hookEntry.slice(), underflow: info.underflow.slice(),
    numEntries: info.entries.length, size: info.entries.length, exists: iptTables(net, family).has(name),
    counterHooks: info.counterHooks, createdHooks: iptTables(net, family).has(name) ? info.createdHooks : 0,
  };
}

/** get_entries(): the rules with their counters now */
export function iptGetEntries(net: Net, name: string, family = NFPROTO_IPV4): { name: string; entries: IptEntry[] } | KErr {
  const t = tableForRead(net, name, family);
  if (!t) return kerr("ENOENT");
  const entries = t.info.user.map((u, i) => {
    const c = t.info.entries[i]!;
    return structuredCloneEntry(u, c.pcnt, c.bcnt, c.comefrom);
  });
  return { name: t.name, entries };
}

function structuredCloneEntry(e: IptEntry, pcnt: number, bcnt: number, comefrom: number): IptEntry {
  return {
    ip: cloneIp(e.ip),
    matches: e.matches.map((m) => ({ name: m.name, revision: m.revision, data: cloneData(m.data) })),
    target: { name: e.target.name, revision: e.target.revision, data: cloneData(e.target.data) },
    counters: { pcnt, bcnt },
    comefrom,
  };
}

function cloneData(d: Record<string, unknown>): Record<string, unknown> {
  return jsonClone(d) as Record<string, unknown>;
}

/**
 * JSON.parse(JSON.stringify(v)) of a match/target payload without the text in between (get
 * and replace copy every entry of a table): plain objects and arrays are copied with JSON's
 * rules (undefined/functions dropped, or null in arrays; NaN/Infinity null; -0 is 0); anything
 * else (toJSON, class instances, typed arrays) goes through JSON itself.
 */
function jsonClone(v: unknown): unknown {
  if (v === null) return null;
  switch (typeof v) {
    case "number":
      return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
    case "string":
    case "boolean":
      return v;
    case "object":
      break;
    default:
      return undefined;
  }
  const o = v as Record<string, unknown>;
  if (Array.isArray(o)) {
    if (Object.getPrototypeOf(o) !== Array.prototype) return JSON.parse(JSON.stringify(o)) as unknown;
    const out = new Array<unknown>(o.length);
    for (let k = 0; k < o.length; k++) {
      const c = jsonClone(o[k]);
      out[k] = c === undefined ? null : c;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(o) as unknown;
  if ((proto !== Object.prototype && proto !== null) || typeof o["toJSON"] === "function") {
    return JSON.parse(JSON.stringify(o)) as unknown;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    const c = jsonClone(o[k]);
    if (c === undefined) continue;
    if (k === "__proto__") Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out;
}

/** do_replace(): translate the new blob, swap it in, hand back the old counters */
export function iptDoReplace(net: Net, repl: IptReplace, family = NFPROTO_IPV4): { counters: { pcnt: number; bcnt: number }[] } | KErr {
  const t = xtRequestFindTable(net, repl.name, family);
  if (!t) return kerr("ENOENT");
  if (repl.validHooks !== t.validHooks) return kerr("EINVAL");
  const clean: IptReplace = {
    ...repl,
    entries: repl.entries.map((e) => structuredCloneEntry(e, e.counters?.pcnt ?? 0, e.counters?.bcnt ?? 0, 0)),
  };
  const info = translateTable(net, t.name, clean, family);
  if ("errno" in info) return info;
  const old = t.info.entries.map((e) => ({ pcnt: e.pcnt, bcnt: e.bcnt }));
  const gone = t.info.entries;
  t.info = info;
  // __do_replace(): the old entries are cleaned up once the new ones are in
  for (const e of gone) cleanupEntry(net, t.name, e, family);
  return { counters: old };
}

/** do_add_counters() */
export function iptAddCounters(net: Net, name: string, counters: { pcnt: number; bcnt: number }[], family = NFPROTO_IPV4): KErr | undefined {
  const t = iptTables(net, family).get(name);
  if (!t) return kerr("ENOENT");
  if (counters.length !== t.info.entries.length) return kerr("EINVAL");
  counters.forEach((c, i) => {
    t.info.entries[i]!.pcnt += c.pcnt;
    t.info.entries[i]!.bcnt += c.bcnt;
  });
  return undefined;
}

/** /proc/net/ip_tables_names (/proc/net/ip6_tables_names) */
export function iptTableNames(net: Net, family = NFPROTO_IPV4): string[] {
  return [...iptTables(net, family).keys()];
}
