/**
 * kernel/sysctl.c + net/sysctl_net.c: the per-namespace /proc/sys/net tree. Parts register
 * tables of entries under a path (`registerNetSysctl(net, "net/ipv4/conf/eth0", table)`);
 * entries read and write through their handlers with proc_dointvec semantics (helpers below).
 * net/core/sysctl_net_core.c's per-namespace entries are registered here.
 */
import { kerr, type KErr } from "../uapi/errno.ts";
import { NetGeneric, registerPernetOps, type Net } from "./net_namespace.ts";
import { knobSysctlsInit } from "./sysctl_knobs.ts";

/** struct ctl_table, reduced: its text form is produced and parsed by the handlers */
export interface CtlTable {
  procname: string;
  /** 0o644, 0o444, 0o200 … */
  mode: number;
  read(): string | KErr;
  write?(data: string): KErr | undefined;
}

/**
 * One directory of the tree: its entries, and the tables registered under it that nobody has
 * looked at yet. A table is built the first time its directory is read: a namespace carries
 * a few hundred entries per device (ipv4/ipv6 conf, neigh), which would otherwise cost
 * their closures on every `ip netns add` and `ip link add` whether or not anyone reads them.
 */
interface SysctlDir {
  /** (made when the first entry is: most directories of a namespace are never read) */
  entries: Map<string, CtlTable> | undefined;
  pending: (() => CtlTable[])[] | undefined;
}

/**
 * A namespace's tree: directory path ("net/ipv4/conf/eth0") -> its directory, made when the
 * tree is first looked at; until then the registrations in order (two arrays: a namespace
 * registers some thirty tables as it is made, and most are never read)
 */
interface NetSysctl {
  dirs: Map<string, SysctlDir> | undefined;
  paths: string[];
  tables: (CtlTable[] | (() => CtlTable[]))[];
  /** every path that is a proper ancestor of a directory of `dirs` (sysctlKind()), made when
   * first asked, forgotten when `dirs` changes */
  ancestors: Set<string> | undefined;
}

const netSysctl = new NetGeneric<NetSysctl>();

function netSysctlOf(net: Net): NetSysctl {
  let n = netSysctl.get(net);
  if (!n) netSysctl.set(net, (n = { dirs: undefined, paths: [], tables: [], ancestors: undefined }));
  return n;
}

function tablesOf(net: Net): Map<string, SysctlDir> {
  const n = netSysctlOf(net);
  if (n.dirs !== undefined) return n.dirs;
  const m = (n.dirs = new Map());
  for (let i = 0; i < n.paths.length; i++) addTable(m, normPath(n.paths[i]!), n.tables[i]!);
  n.paths = [];
  n.tables = [];
  return m;
}

function addTable(t: Map<string, SysctlDir>, p: string, table: CtlTable[] | (() => CtlTable[])): void {
  let dir = t.get(p);
  if (!dir) t.set(p, (dir = { entries: undefined, pending: undefined }));
  // ([f], not [].push(f): a pushed-to empty array takes room for 17)
  if (typeof table === "function") {
    if (dir.pending) dir.pending.push(table);
    else dir.pending = [table];
  } else addEntries(dir, table);
}

const NO_ENTRIES: ReadonlyMap<string, CtlTable> = new Map();

function addEntries(dir: SysctlDir, table: CtlTable[]): void {
  const m = (dir.entries ??= new Map());
  for (const e of table) m.set(e.procname, e);
}

function entriesOf(dir: SysctlDir): ReadonlyMap<string, CtlTable> {
  const p = dir.pending;
  if (p !== undefined) {
    dir.pending = undefined;
    for (const make of p) addEntries(dir, make());
  }
  return dir.entries ?? NO_ENTRIES;
}

function normPath(path: string): string {
  // (registrations give it clean already: no split for them)
  if (path !== "" && path[0] !== "/" && path[path.length - 1] !== "/" && !path.includes("//")) return path;
  return path.split("/").filter((s) => s !== "").join("/");
}

/**
 * net/sysctl_net.c: register_net_sysctl() — adds to what is registered under `path`. A table
 * may be given as a function that builds it: it runs when the directory is first read.
 */
export function registerNetSysctl(net: Net, path: string, table: CtlTable[] | (() => CtlTable[])): void {
  const n = netSysctlOf(net);
  if (n.dirs !== undefined) {
    addTable(n.dirs, normPath(path), table);
    n.ancestors = undefined;
  } else {
    n.paths.push(path);
    n.tables.push(table);
  }
}

/** net/sysctl_net.c: unregister_net_sysctl_table() — the whole directory (and below) */
export function unregisterNetSysctl(net: Net, path: string): void {
  const p = normPath(path);
  const under = (k: string) => k === p || k.startsWith(p + "/");
  const n = netSysctlOf(net);
  if (n.dirs === undefined) {
    // not looked at yet: the registrations under it go
    const keep = n.paths.map((k) => !under(normPath(k)));
    n.paths = n.paths.filter((_, i) => keep[i]);
    n.tables = n.tables.filter((_, i) => keep[i]);
    return;
  }
  for (const k of [...n.dirs.keys()]) if (under(k)) n.dirs.delete(k);
  n.ancestors = undefined;
}

/** an entry of /proc/sys (`rel` like "net/ipv4/ip_forward"), a directory listing, or ENOENT */
export function sysctlLookup(net: Net, rel: string): { entry: CtlTable } | { dir: string[] } | undefined {
  const k = sysctlKind(net, rel);
  if (k === undefined) return undefined;
  return k === SYSCTL_DIR ? { dir: sysctlList(net, rel) } : { entry: k };
}

/** the names in the directory `rel` of /proc/sys (its entries and subdirectories), sorted */
export function sysctlList(net: Net, rel: string): string[] {
  const p = normPath(rel);
  const names = new Set<string>();
  for (const [k, v] of tablesOf(net)) {
    if (k === p) for (const n of entriesOf(v).keys()) names.add(n);
    else if (p === "" || k.startsWith(p + "/")) {
      const rest = p === "" ? k : k.slice(p.length + 1);
      names.add(rest.split("/")[0]!);
    }
  }
  return [...names].sort();
}

/** sysctlKind()'s answer for a directory */
export const SYSCTL_DIR = "dir";

/**
 * What sysctlLookup() finds at `rel` without listing a directory: the entry, SYSCTL_DIR, or
 * undefined. (A path resolved through /proc/sys asks this of each directory on its way.)
 */
export function sysctlKind(net: Net, rel: string): CtlTable | typeof SYSCTL_DIR | undefined {
  const p = normPath(rel);
  if (p === "") return SYSCTL_DIR;
  const t = tablesOf(net);
  const slash = p.lastIndexOf("/");
  const d = t.get(slash < 0 ? "" : p.slice(0, slash));
  const entry = d ? entriesOf(d).get(slash < 0 ? p : p.slice(slash + 1)) : undefined;
  if (entry) return entry;
  // a directory: one below it, or entries of its own (sysctlLookup()'s non-empty listing)
  const n = netSysctlOf(net);
  if (n.ancestors === undefined) {
    const a = (n.ancestors = new Set<string>());
    for (const k of t.keys()) for (let i = k.indexOf("/"); i >= 0; i = k.indexOf("/", i + 1)) a.add(k.slice(0, i));
  }
  if (n.ancestors.has(p)) return SYSCTL_DIR;
  const own = t.get(p);
  return own !== undefined && entriesOf(own).size > 0 ? SYSCTL_DIR : undefined;
}

// -------------------------------------------------------------------- proc_dointvec & co

const INT_MAX = 0x7fffffff;
const INT_MIN = -0x80000000;

/**
 * kernel/sysctl.c: __do_proc_dointvec() write side: skip blanks, parse a decimal integer
 * (optional sign), accept trailing blanks (and further values, which are ignored for a
 * single int); anything else, an overflow, or nothing at all is EINVAL.
 */
export function procParseInts(data: string, max = 1): number[] | KErr {
  const vals: number[] = [];
  let s = data;
  while (vals.length < max) {
    s = s.replace(/^[\s]+/, "");
    if (s === "") break;
    const m = /^([+-]?)(\d+)/.exec(s);
    if (!m) return kerr("EINVAL");
    const after = s[m[0].length];
    if (after !== undefined && !/\s/.test(after)) return kerr("EINVAL");
    if (m[1] === "+") return kerr("EINVAL");
    const n = Number(m[1] + m[2]);
    if (n > INT_MAX || n < INT_MIN) return kerr("EINVAL");
    vals.push(n);
    s = s.slice(m[0].length);
  }
  if (vals.length === 0) return kerr("EINVAL");
  return vals;
}

/** kernel/sysctl.c: proc_dointvec_minmax() as a CtlTable entry over get/set */
export function procDointvecMinmax(
  procname: string, get: () => number, set: (v: number) => KErr | undefined | void,
  opts: { min?: number; max?: number; mode?: number } = {},
): CtlTable {
  return {
    procname,
    mode: opts.mode ?? 0o644,
    read: () => `${get()}\n`,
    write: (data: string) => {
      const v = procParseInts(data);
      if (!Array.isArray(v)) return v;
      const x = v[0]!;
      if ((opts.min !== undefined && x < opts.min) || (opts.max !== undefined && x > opts.max)) return kerr("EINVAL");
      return set(x) ?? undefined;
    },
  };
}

/** kernel/sysctl.c: proc_dointvec() */
export function procDointvec(procname: string, get: () => number, set: (v: number) => KErr | undefined | void, mode = 0o644): CtlTable {
  return procDointvecMinmax(procname, get, set, { mode });
}

/** a read-only constant (global sysctls a non-initial namespace only shows) */
export function procConst(procname: string, value: string, mode = 0o644): CtlTable {
  return { procname, mode, read: () => `${value}\n`, write: () => kerr("EPERM") };
}

// ------------------------------------------------------------ net/core/sysctl_net_core.c

export interface NetCoreSysctl {
  somaxconn: number;
  optmemMax: number;
  rmemDefault: number;
  wmemDefault: number;
  tstampAllowData: number;
  txrehash: number;
  rpsDefaultMask: number;
  /** global sysctls in the kernel (sysctl_rmem_max …); the reference machines set 4 MiB */
  rmemMax: number;
  wmemMax: number;
}

const netCore = new NetGeneric<NetCoreSysctl>();

/** net->core.* of a namespace */
export function netCoreSysctl(net: Net): NetCoreSysctl {
  let c = netCore.get(net);
  if (!c) {
    c = { somaxconn: 4096, optmemMax: 131072, rmemDefault: 212992, wmemDefault: 212992, tstampAllowData: 1, txrehash: 1, rpsDefaultMask: 0, rmemMax: 4194304, wmemMax: 4194304 };
    netCore.set(net, c);
  }
  return c;
}

/** net/core/sysctl_net_core.c: sysctl_core_net_init() — netns_core_table (+ the global
 * rmem/wmem_default/max and xfrm entries a namespace shows). A lab host is never init_net:
 * entries whose data is global, not per namespace, lose their write bits there
 * ("tmp->mode &= ~0222"; `ls -l /proc/sys/net/core` on the reference kernel). */
function sysctlCoreNetInit(net: Net): void {
  const c = netCoreSysctl(net);
  const SK_MIN = 2304; /* SOCK_MIN_SNDBUF / 2 */
  const GLOBAL = { mode: 0o444 };
  registerNetSysctl(net, "net/core", () => [
    procDointvecMinmax("optmem_max", () => c.optmemMax, (v) => void (c.optmemMax = v), { min: 0 }),
    procDointvecMinmax("rmem_default", () => c.rmemDefault, (v) => void (c.rmemDefault = v), { min: SK_MIN, ...GLOBAL }),
    procDointvecMinmax("rmem_max", () => c.rmemMax, (v) => void (c.rmemMax = v), { min: SK_MIN, ...GLOBAL }),
    {
      procname: "rps_default_mask",
      mode: 0o644,
      read: () => `${c.rpsDefaultMask}\n`,
      write: (d) => {
        const m = /^\s*([0-9a-fA-F]+)\s*$/.exec(d);
        if (!m) return kerr("EINVAL");
        const v = parseInt(m[1]!, 16);
        if (v > 3) return kerr("EINVAL");
        c.rpsDefaultMask = v;
        return undefined;
      },
    },
    procDointvecMinmax("somaxconn", () => c.somaxconn, (v) => void (c.somaxconn = v), { min: 0 }),
    procDointvecMinmax("tstamp_allow_data", () => c.tstampAllowData, (v) => void (c.tstampAllowData = v), { min: 0, max: 1 }),
    procDointvecMinmax("txrehash", () => c.txrehash, (v) => void (c.txrehash = v), { min: 0, max: 1 }),
    procDointvecMinmax("wmem_default", () => c.wmemDefault, (v) => void (c.wmemDefault = v), { min: SK_MIN, ...GLOBAL }),
    procDointvecMinmax("wmem_max", () => c.wmemMax, (v) => void (c.wmemMax = v), { min: SK_MIN, ...GLOBAL }),
    procConst("xfrm_acq_expires", "30"),
    procConst("xfrm_aevent_etime", "10"),
    procConst("xfrm_aevent_rseqth", "2"),
    procConst("xfrm_larval_drop", "1"),
  ]);
}

/** kernel/sysctl.c: proc_dostring() write side — up to the first newline (or NUL), at most
 * maxlen-1 characters kept */
function procDostringWrite(data: string, maxlen: number): string {
  let end = data.length;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === "\n" || data[i] === "\0") {
      end = i;
      break;
    }
  }
  return data.slice(0, Math.min(end, maxlen - 1));
}

/** kernel/utsname_sysctl.c: uts_kern_table — /proc/sys/kernel/{hostname,domainname,osrelease,
 * ostype} of the machine (its UTS namespace: one per host). The release matches `uname -r`. */
function utsSysctlNetInit(net: Net): void {
  const NEW_UTS_LEN = 64;
  const host = net.host;
  registerNetSysctl(net, "kernel", () => [
    {
      procname: "domainname",
      mode: 0o644,
      read: () => "(none)\n",
      write: () => undefined,
    },
    {
      procname: "hostname",
      mode: 0o644,
      /* proc_do_uts_string(): a copy of the string under uts_sem */
      read: () => `${host.hostname}\n`,
      write: (d) => {
        host.hostname = procDostringWrite(d, NEW_UTS_LEN + 1);
        return undefined;
      },
    },
    { procname: "osrelease", mode: 0o444, read: () => "6.18.0\n" },
    { procname: "ostype", mode: 0o444, read: () => "Linux\n" },
  ]);
}

let done = false;
/** net/core/sysctl_net_core.c: sysctl_core_init() (+ kernel/utsname_sysctl.c: utsname_sysctl_init()) */
export function sysctlCoreInit(): void {
  if (done) return;
  done = true;
  registerPernetOps({ init: sysctlCoreNetInit, exit: (net) => unregisterNetSysctl(net, "net/core") });
  registerPernetOps({ init: utsSysctlNetInit, exit: (net) => unregisterNetSysctl(net, "kernel") });
  knobSysctlsInit();
}
