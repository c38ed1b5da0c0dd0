/**
 * GNU ls -l (coreutils src/ls.c: print_long_format) over the host's own files (/tmp, /root,
 * /etc …), which just-bash's ls prints as `user user` with fixed modes and the real machine's
 * clock. Every file belongs to root (uid 0, gid 0); modes, link counts, sizes and mtimes come
 * from the filesystem, whose times are the simulated wall clock (simfs.ts). Block counts are
 * those of ext4 (4 KiB blocks, fast symlinks), for the `total` line.
 *
 * Handles `-l` with any of `-a -A -d -n -h -t -S -r -1` and operands (none: `.`); the caller
 * gives anything else to just-bash.
 */
import type { IFileSystem, FsStat } from "just-bash";
import { strftime } from "./date.ts";
import { fnmatch } from "../userland/lib/fnmatch.ts";

export interface LsOpts {
  /** -l (or -n): the long format; else one name a line, as GNU ls writes to a pipe */
  long: boolean;
  all: boolean;
  almostAll: boolean;
  dir: boolean;
  numeric: boolean;
  human: boolean;
  /** sort key: name, mtime (-t), size (-S) */
  sort: "name" | "time" | "size";
  reverse: boolean;
  paths: string[];
  /** -I/--ignore patterns (always), --hide patterns (without -a/-A) */
  ignore?: string[];
  hide?: string[];
}

/** the error of an option value GNU ls refuses (LS_FAILURE), or undefined */
export type LsArgError = { error: string; code: number };

/** the options this port handles, or undefined */
export function lsFsArgs(args: string[]): LsOpts | LsArgError | undefined {
  const o: LsOpts = { long: false, all: false, almostAll: false, dir: false, numeric: false, human: false, sort: "name", reverse: false, paths: [] };
  let long = false;
  let operands = false;
  const width = (what: string, v: string | undefined): LsArgError | undefined =>
    v !== undefined && /^\d+$/.test(v) ? undefined : { error: `ls: invalid ${what}: '${v ?? ""}'\n`, code: 2 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!operands && a === "--") operands = true;
    else if (!operands && a.startsWith("--")) {
      // the long options that only change what a terminal would get (a pipe is one name a line)
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const val = eq < 0 ? undefined : a.slice(eq + 1);
      const take = () => (val !== undefined ? val : args[++i]);
      if (name === "ignore") (o.ignore ??= []).push(take() ?? "");
      else if (name === "hide") (o.hide ??= []).push(take() ?? "");
      else if (name === "width") {
        const e = width("line width", take());
        if (e) return e;
      } else if (name === "tabsize") {
        const e = width("tab size", take());
        if (e) return e;
      } else if (name === "color") {
        if (val !== undefined && !["never", "no", "none", "auto", "tty", "if-tty"].includes(val)) return undefined;
      } else return undefined;
    } else if (!operands && a.startsWith("-") && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const c = a[k]!;
        if (c === "l") long = true;
        else if (c === "a") o.all = true;
        else if (c === "A") o.almostAll = true;
        else if (c === "d") o.dir = true;
        else if (c === "h") o.human = true;
        else if (c === "t") o.sort = "time";
        else if (c === "S") o.sort = "size";
        else if (c === "r") o.reverse = true;
        else if (c === "1") continue;
        else if (c === "n") {
          o.numeric = true;
          long = true;
        } else if (c === "I" || c === "w" || c === "T") {
          // the value: the rest of this word, else the next one
          const v = k + 1 < a.length ? a.slice(k + 1) : args[++i];
          if (c === "I") (o.ignore ??= []).push(v ?? "");
          else {
            const e = width(c === "w" ? "line width" : "tab size", v);
            if (e) return e;
          }
          break;
        } else return undefined;
      }
    } else o.paths.push(a);
  }
  o.long = long;
  return o;
}

/** ls.c: file_ignored(): fnmatch(pattern, name, FNM_PERIOD) of -I always, of --hide without -a/-A */
export function lsIgnored(o: LsOpts, name: string): boolean {
  const match = (p: string) => (!name.startsWith(".") || p.startsWith(".")) && fnmatch(p, name) === 0;
  if (o.ignore?.some(match)) return true;
  return !o.all && !o.almostAll && (o.hide?.some(match) ?? false);
}

/** src/ls.c: filemodestring() (+ the setuid/setgid/sticky letters) */
function modeString(st: FsStat): string {
  const t = st.isSymbolicLink ? "l" : st.isDirectory ? "d" : "-";
  const m = st.isSymbolicLink ? 0o777 : st.mode;
  const bit = (r: number, w: number, x: number, special: number, ch: string) =>
    (m & r ? "r" : "-") + (m & w ? "w" : "-") + (m & special ? (m & x ? ch : ch.toUpperCase()) : m & x ? "x" : "-");
  return t + bit(0o400, 0o200, 0o100, 0o4000, "s") + bit(0o40, 0o20, 0o10, 0o2000, "s") + bit(0o4, 0o2, 0o1, 0o1000, "t");
}

const byteCmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * gnulib human.c: human_readable() as ls -h asks (autoscale, base 1024, "K" "M" …, rounding
 * up): one decimal below 10, whole numbers above
 */
export function humanSize(n: number): string {
  if (n < 1024) return String(n);
  const units = "KMGTPEZY";
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (v < 10) {
    const t = Math.ceil(v * 10 - 1e-9) / 10;
    if (t < 10) return `${t.toFixed(1)}${units[i]}`;
    v = t;
  }
  let w = Math.ceil(v - 1e-9);
  if (w >= 1024 && i < units.length - 1) {
    w = 1;
    i++;
    return `${w.toFixed(1)}${units[i]}`;
  }
  return `${w}${units[i]}`;
}

interface Row {
  mode: string;
  nlink: number;
  size: number;
  /** 1 KiB blocks (st_blocks / 2) */
  blocks: number;
  /** seconds (the column) and milliseconds (the -t order) */
  mtime: number;
  mtimeMs: number;
  name: string;
}

/** src/ls.c: the date column — "%b %e %H:%M" within the last six months, else "%b %e  %Y" */
function dateColumn(when: number, now: number): string {
  const sixMonthsAgo = now - (31556952 / 2);
  const recent = sixMonthsAgo < when && when <= now + 1;
  return strftime(recent ? "%b %e %H:%M" : "%b %e  %Y", when);
}

/** `ls [-l] …` of the host's files: stdout, stderr, exit status */
/** a directory of a tmpfs (/run/netns): its size is its entries' (20 bytes each), no blocks */
export const onTmpfs = (path: string): boolean => /^\/run\/netns(\/|$)/.test(path);

export async function lsLongFs(fs: IFileSystem, o: LsOpts, cwd: string, wallclock: number) {
  const now = Math.floor(wallclock);
  const abs = (p: string) => fs.resolvePath(cwd, p);
  const lstat = async (p: string): Promise<FsStat | undefined> => {
    try {
      return await fs.lstat(p);
    } catch {
      return undefined;
    }
  };
  const nlinkOf = async (path: string, st: FsStat): Promise<number> => {
    if (!st.isDirectory) return 1;
    let n = 2;
    try {
      for (const c of await fs.readdir(path)) {
        const cs = await lstat(path === "/" ? `/${c}` : `${path}/${c}`);
        if (cs?.isDirectory) n++;
      }
    } catch {
      /* unreadable: 2 */
    }
    return n;
  };
  const row = async (path: string, name: string, st: FsStat): Promise<Row> => {
    if (!o.long) {
      // the short format shows the name alone; -t and -S still sort by mtime and size
      const mtimeMs = st.mtime?.getTime() ?? 0;
      return { mode: "", nlink: 0, size: st.isDirectory && !onTmpfs(path) ? 4096 : st.size, blocks: 0, mtime: Math.floor(mtimeMs / 1000), mtimeMs, name };
    }
    let shown = name;
    let size = st.isDirectory && !onTmpfs(path) ? 4096 : st.size;
    if (st.isSymbolicLink) {
      try {
        const t = await fs.readlink(path);
        shown += ` -> ${t}`;
        size = new TextEncoder().encode(t).length;
      } catch {
        /* no target */
      }
    }
    const blocks = st.isSymbolicLink ? 0 : st.isDirectory ? (onTmpfs(path) ? 0 : 4) : Math.ceil(size / 4096) * 4;
    const mtimeMs = st.mtime?.getTime() ?? 0;
    const mtime = Math.floor(mtimeMs / 1000);
    return { mode: modeString(st), nlink: await nlinkOf(path, st), size, blocks, mtime, mtimeMs, name: shown };
  };
  const owner = o.numeric ? "0" : "root";
  const sizeStr = (n: number) => (o.human ? humanSize(n) : String(n));
  const render = (rows: Row[]): string => {
    if (!o.long) return rows.map((r) => `${r.name}\n`).join("");
    // (a loop: spreading a directory of 100,000 entries as arguments overflows the stack)
    let wl = 0;
    let ws = 0;
    for (const r of rows) {
      wl = Math.max(wl, String(r.nlink).length);
      ws = Math.max(ws, sizeStr(r.size).length);
    }
    return rows
      .map((r) => `${r.mode} ${String(r.nlink).padStart(wl)} ${owner} ${owner} ${sizeStr(r.size).padStart(ws)} ${dateColumn(r.mtime, now)} ${r.name}\n`)
      .join("");
  };
  /* src/ls.c: sort_files() — by name, -t newest first, -S largest first (ties by name); -r reverses */
  const order = (rows: Row[], key: (r: Row) => string): Row[] => {
    const cmp = (a: Row, b: Row): number => {
      if (o.sort === "time" && a.mtimeMs !== b.mtimeMs) return b.mtimeMs - a.mtimeMs;
      if (o.sort === "size" && a.size !== b.size) return b.size - a.size;
      return byteCmp(key(a), key(b));
    };
    const r = rows.slice().sort(cmp);
    return o.reverse ? r.reverse() : r;
  };
  let stdout = "";
  let stderr = "";
  let code = 0;
  const files: Row[] = [];
  const dirs: string[] = [];
  const operands = o.paths.length ? o.paths : ["."];
  for (const p of operands) {
    const full = abs(p);
    // with -l (or -d) a symlink operand is listed, not followed (unless it ends in a slash);
    // without, one to a directory is that directory
    let st = await lstat(full);
    if (st && st.isSymbolicLink && (p.endsWith("/") || (!o.long && !o.dir))) {
      try {
        st = await fs.stat(full);
      } catch {
        // a dangling link is listed as itself (unless a slash asked for what it points to)
        if (p.endsWith("/")) st = undefined;
      }
    }
    if (!st) {
      stderr += `ls: cannot access '${p}': No such file or directory\n`;
      code = 2;
      continue;
    }
    if (st.isDirectory && !o.dir) dirs.push(p);
    else files.push(await row(full, p, st));
  }
  const fileRows = order(files, (r) => r.name);
  dirs.sort(byteCmp);
  if (o.reverse) dirs.reverse();
  if (fileRows.length) stdout += render(fileRows);
  const many = operands.length > 1;
  for (const [i, d] of dirs.entries()) {
    const full = abs(d);
    if (files.length || i > 0) stdout += "\n";
    if (many) stdout += `${d}:\n`;
    let names: string[];
    try {
      names = await fs.readdir(full);
    } catch {
      stderr += `ls: cannot open directory '${d}': Permission denied\n`;
      code = 2;
      continue;
    }
    const list = (o.all ? [".", "..", ...names] : o.almostAll ? names : names.filter((n) => !n.startsWith("."))).filter((n) => !lsIgnored(o, n));
    let rows: Row[] = [];
    const names0 = new Map<Row, string>();
    for (const n of list.slice().sort(byteCmp)) {
      const p = n === "." ? full : n === ".." ? full.replace(/\/[^/]+$/, "") || "/" : full === "/" ? `/${n}` : `${full}/${n}`;
      const st = await lstat(p);
      if (st) {
        const r = await row(p, n, st);
        names0.set(r, n);
        rows.push(r);
      }
    }
    rows = order(rows, (r) => names0.get(r) ?? r.name);
    const total = rows.reduce((s, r) => s + r.blocks, 0);
    if (o.long) stdout += `total ${o.human ? humanSize(total * 1024) : total}\n`;
    stdout += rows.length ? render(rows) : "";
  }
  return { stdout, stderr, exitCode: code };
}
