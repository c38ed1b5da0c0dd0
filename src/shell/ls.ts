/**
 * GNU ls -l over the kernel's /sys and /proc/PID (coreutils src/ls.c's long format), which
 * just-bash's ls cannot show: symlinks (`lo -> ../../devices/virtual/net/lo`, `3 -> socket:[N]`)
 * with their own permissions and sizes, root's files, sysfs sizes. Only plain
 * `ls -l [-a] PATH…` with every operand under /sys or /proc/PID; anything else is just-bash's.
 */
import type { KernelFs, VfsStat } from "../kernel/uapi/syscalls.ts";
import { isKErr, strerror } from "../kernel/uapi/errno.ts";
import { strftime } from "./date.ts";

/** coreutils 9.1 ls.c: the getopt_long() optstring and long options (for their errors) */
export const LS_SHORTOPTS = "abcdfghiklmnopqrstuvw:xABCDFGHI:LNQRST:UXZ1";
export const LS_LONGOPTS = [
  "all", "almost-all", "author", "escape", "block-size=", "ignore-backups", "color?", "directory", "dired",
  "classify?", "file-type", "format=", "full-time", "group-directories-first", "no-group", "human-readable",
  "si", "dereference-command-line", "dereference-command-line-symlink-to-dir", "hide=", "hyperlink?",
  "indicator-style=", "inode", "ignore=", "kibibytes", "dereference", "numeric-uid-gid", "literal",
  "hide-control-chars", "show-control-chars", "quote-name", "quoting-style=", "reverse", "recursive", "size",
  "sort=", "time=", "time-style=", "tabsize=", "width=", "context", "zero", "help", "version",
];

/** the options this port handles, or undefined */
export function lsLongArgs(args: string[]): { all: boolean; dir: boolean; paths: string[] } | undefined {
  let long = false;
  let all = false;
  let dir = false;
  const paths: string[] = [];
  for (const a of args) {
    if (a.startsWith("-") && a.length > 1) {
      for (const c of a.slice(1)) {
        if (c === "l") long = true;
        else if (c === "a") all = true;
        else if (c === "d") dir = true;
        else return undefined;
      }
    } else paths.push(a);
  }
  if (!long || paths.length === 0) return undefined;
  return { all, dir, paths };
}

/** src/ls.c: filemodestring() */
function modeString(st: VfsStat): string {
  const t = st.isSymlink ? "l" : st.isDirectory ? "d" : "-";
  const m = st.mode;
  let s = t;
  for (const shift of [6, 3, 0]) {
    const b = (m >> shift) & 7;
    s += (b & 4 ? "r" : "-") + (b & 2 ? "w" : "-") + (b & 1 ? "x" : "-");
  }
  return s;
}

const byteCmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Row {
  mode: string;
  nlink: number;
  size: number;
  name: string;
}

/** `ls -l` of operands under /sys: stdout, stderr, exit status */
export function lsLong(kfs: KernelFs, opts: { all: boolean; dir?: boolean; paths: string[] }, cwd: string, wallclock: number) {
  const date = strftime("%b %e %H:%M", Math.floor(wallclock));
  const lstat = (p: string) => (kfs.lstat ? kfs.lstat(p) : kfs.stat(p));
  const abs = (p: string) => (p.startsWith("/") ? p : `${cwd.replace(/\/$/, "")}/${p}`);
  const nlinkOf = (path: string, st: VfsStat): number => {
    // proc_sys_getattr(): a sysctl directory has one link; proc_mkdir()'s and sysfs's have
    // two plus their subdirectories
    if (!st.isDirectory || /^\/proc\/sys(\/|$)/.test(path)) return 1;
    const names = kfs.readdir(path);
    if (isKErr(names)) return 2;
    let n = 2;
    for (const c of names) {
      const cs = lstat(`${path}/${c}`);
      if (!isKErr(cs) && cs.isDirectory) n++;
    }
    return n;
  };
  const row = (path: string, name: string, st: VfsStat): Row => {
    let shown = name;
    if (st.isSymlink && kfs.readlink) {
      const t = kfs.readlink(path);
      if (!isKErr(t)) shown += ` -> ${t}`;
    }
    return { mode: modeString(st), nlink: nlinkOf(path, st), size: st.isDirectory ? 0 : st.size, name: shown };
  };
  const render = (rows: Row[]): string => {
    // (a loop: spreading a directory of 100,000 entries as arguments overflows the stack)
    let wl = 0;
    let ws = 0;
    for (const r of rows) {
      wl = Math.max(wl, String(r.nlink).length);
      ws = Math.max(ws, String(r.size).length);
    }
    return rows
      .map((r) => `${r.mode} ${String(r.nlink).padStart(wl)} root root ${String(r.size).padStart(ws)} ${date} ${r.name}\n`)
      .join("");
  };
  let stdout = "";
  let stderr = "";
  let code = 0;
  const files: Row[] = [];
  const dirs: string[] = [];
  for (const p of opts.paths) {
    const full = abs(p).replace(/(.)\/+$/, "$1");
    // with -l a symlink operand is listed, not followed (unless it ends in a slash)
    const st = p.endsWith("/") ? kfs.stat(full) : lstat(full);
    if (isKErr(st)) {
      stderr += `ls: cannot access '${p}': ${strerror(st.errno)}\n`;
      code = 2;
      continue;
    }
    // -d: a directory operand is listed itself
    if (st.isDirectory && !opts.dir) dirs.push(p);
    else files.push(row(full, p, st));
  }
  files.sort((a, b) => byteCmp(a.name, b.name));
  dirs.sort(byteCmp);
  if (files.length) stdout += render(files);
  const many = opts.paths.length > 1;
  dirs.forEach((d, i) => {
    const full = abs(d).replace(/(.)\/+$/, "$1");
    if (files.length || i > 0) stdout += "\n";
    if (many) stdout += `${d}:\n`;
    const names = kfs.readdir(full);
    if (isKErr(names)) {
      stderr += `ls: cannot open directory '${d}': ${strerror(names.errno)}\n`;
      code = 2;
      return;
    }
    const rows: Row[] = [];
    const list = opts.all ? [".", "..", ...names] : names.filter((n) => !n.startsWith("."));
    for (const n of list.slice().sort(byteCmp)) {
      // . and .. are the directories themselves (.. of a dir reached by a link is physical)
      const p = n === "." ? full : n === ".." ? full.replace(/\/[^/]+$/, "") || "/" : `${full}/${n}`;
      const st = n === "." || n === ".." ? kfs.stat(p) : lstat(p);
      if (!isKErr(st)) rows.push(row(p, n, st));
    }
    // sysfs files take no blocks
    stdout += "total 0\n" + (rows.length ? render(rows) : "");
  });
  return { stdout, stderr, exitCode: code };
}
