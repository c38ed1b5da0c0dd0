/**
 * coreutils `stat` (src/stat.c: print_stat, the default format) over the host's own files:
 * just-bash's says `user group 1000 1000` and prints ISO dates. Everything belongs to root
 * (uid 0, gid 0); times are the file's mtime on the simulated clock (simfs.ts keeps one time
 * per file, so access, change and birth times equal it); device and inode numbers are 0. Handles `[-L] [-c FMT|--format=FMT|
 * --printf=FMT] FILE…`; the caller gives anything else to just-bash.
 */
import { onTmpfs } from "./lsfs.ts";
import type { IFileSystem, FsStat } from "just-bash";
import { strftime } from "./date.ts";

export interface StatOpts {
  format?: string;
  /** --printf: no newline added, backslash escapes interpreted */
  printf: boolean;
  deref: boolean;
  paths: string[];
}

/** the options this port handles, or undefined */
export function statArgs(args: string[]): StatOpts | undefined {
  const o: StatOpts = { printf: false, deref: false, paths: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-c" || a === "--format") {
      if (i + 1 >= args.length) return undefined;
      o.format = args[++i]!;
    } else if (a.startsWith("--format=")) o.format = a.slice(9);
    else if (a.startsWith("--printf=")) {
      o.format = a.slice(9);
      o.printf = true;
    } else if (a === "--printf") {
      if (i + 1 >= args.length) return undefined;
      o.format = args[++i]!;
      o.printf = true;
    } else if (a === "-L" || a === "--dereference") o.deref = true;
    else if (a.startsWith("-") && a.length > 1) return undefined;
    else o.paths.push(a);
  }
  return o.paths.length ? o : undefined;
}

function modeBits(st: FsStat): number {
  return st.isSymbolicLink ? 0o777 : st.mode & 0o7777;
}

/** src/ls.c's filemodestring() as stat's %A */
function modeString(st: FsStat): string {
  const t = st.isSymbolicLink ? "l" : st.isDirectory ? "d" : "-";
  const m = modeBits(st);
  const bit = (r: number, w: number, x: number, special: number, ch: string) =>
    (m & r ? "r" : "-") + (m & w ? "w" : "-") + (m & special ? (m & x ? ch : ch.toUpperCase()) : m & x ? "x" : "-");
  return t + bit(0o400, 0o200, 0o100, 0o4000, "s") + bit(0o40, 0o20, 0o10, 0o2000, "s") + bit(0o4, 0o2, 0o1, 0o1000, "t");
}

/** file_type() */
function fileType(st: FsStat): string {
  if (st.isSymbolicLink) return "symbolic link";
  if (st.isDirectory) return "directory";
  return st.size === 0 ? "regular empty file" : "regular file";
}

/** human_time(): "2025-12-01 00:00:00.000000000 +0000" */
function humanTime(ms: number): string {
  const secs = Math.floor(ms / 1000);
  const ns = String((ms - secs * 1000) * 1_000_000).padStart(9, "0");
  return `${strftime("%Y-%m-%d %H:%M:%S", secs)}.${ns} +0000`;
}

/** print_esc_char() for --printf */
function unescape(s: string): string {
  const map: Record<string, string> = { n: "\n", t: "\t", "\\": "\\", '"': '"', a: "\x07", b: "\b", f: "\f", r: "\r", v: "\v", e: "\x1b" };
  return s.replace(/\\(0[0-7]{0,3}|[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/g, (all, c: string) => {
    if (/^x/.test(c)) return String.fromCharCode(parseInt(c.slice(1), 16));
    if (/^[0-7]/.test(c)) return String.fromCharCode(parseInt(c, 8) & 0xff);
    return map[c] ?? all;
  });
}

const DEFAULT_FMT =
  "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: %Hd,%Ld\tInode: %-11i Links: %h\n" +
  "Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n";

/** `stat …` of the host's files: stdout, stderr, exit status */
export async function statFs(fs: IFileSystem, o: StatOpts, cwd: string) {
  let stdout = "";
  let stderr = "";
  let code = 0;
  for (const name of o.paths) {
    const path = fs.resolvePath(cwd, name);
    let st: FsStat;
    try {
      st = o.deref ? await fs.stat(path) : await fs.lstat(path);
    } catch {
      stderr += `stat: cannot statx '${name}': No such file or directory\n`;
      code = 1;
      continue;
    }
    let target = "";
    if (st.isSymbolicLink) {
      try {
        target = await fs.readlink(path);
      } catch {
        /* none */
      }
    }
    const tmpfs = onTmpfs(path);
    const size = st.isDirectory && !tmpfs ? 4096 : st.isSymbolicLink ? new TextEncoder().encode(target).length : st.size;
    const blocks = st.isSymbolicLink ? 0 : st.isDirectory ? (tmpfs ? 0 : 8) : Math.ceil(size / 4096) * 8;
    let nlink = 1;
    if (st.isDirectory) {
      nlink = 2;
      try {
        for (const c of await fs.readdir(path)) {
          try {
            if ((await fs.lstat(path === "/" ? `/${c}` : `${path}/${c}`)).isDirectory) nlink++;
          } catch {
            /* gone */
          }
        }
      } catch {
        /* unreadable */
      }
    }
    const ms = st.mtime?.getTime() ?? 0;
    const ino = typeof st.ino === "number" || typeof st.ino === "bigint" ? String(st.ino) : "0";
    const conv = (c: string): string | undefined => {
      switch (c) {
        case "a": return modeBits(st).toString(8);
        case "A": return modeString(st);
        case "b": return String(blocks);
        case "B": return "512";
        case "d": return "0";
        case "D": return "0";
        case "f": return ((st.isSymbolicLink ? 0o120000 : st.isDirectory ? 0o040000 : 0o100000) | modeBits(st)).toString(16);
        case "F": return fileType(st);
        case "g": return "0";
        case "G": return "root";
        case "h": return String(nlink);
        case "i": return ino;
        case "m": return "/";
        case "n": return name;
        /* -c's %N quotes always; the default format's `File:` line only names needing it */
        case "N": {
          const q = (x: string) => (o.format === undefined && /^[A-Za-z0-9_.\/+:,@%=-]+$/.test(x) ? x : `'${x.replace(/'/g, "'\\''")}'`);
          return st.isSymbolicLink ? `${q(name)} -> ${q(target)}` : q(name);
        }
        case "o": return "4096";
        case "s": return String(size);
        case "u": return "0";
        case "U": return "root";
        /* birth: no separate creation time is kept; a file's first stamp is its mtime */
        case "w": return humanTime(ms);
        case "W": return String(Math.floor(ms / 1000));
        case "x": case "y": case "z": return humanTime(ms);
        case "X": case "Y": case "Z": return String(Math.floor(ms / 1000));
        case "Hd": case "Ld": return "0";
        default: return undefined;
      }
    };
    const fmt = o.format === undefined ? DEFAULT_FMT : o.printf ? unescape(o.format) : o.format;
    let out = fmt.replace(/%([-#+ 0]*)(\d*)(?:\.(\d+))?([HL]?[a-zA-Z%])/g, (all, flags: string, width: string, prec: string | undefined, c: string) => {
      if (c === "%") return "%";
      let v = conv(c);
      if (v === undefined) return all;
      if (prec !== undefined) v = v.slice(0, Number(prec));
      const w = Number(width || 0);
      if (v.length >= w) return v;
      if (flags.includes("-")) return v.padEnd(w);
      if (flags.includes("0") && /^\d+$/.test(v)) return v.padStart(w, "0");
      return v.padStart(w);
    });
    if (o.format !== undefined && !o.printf) out += "\n";
    stdout += out;
  }
  return { stdout, stderr, exitCode: code };
}
