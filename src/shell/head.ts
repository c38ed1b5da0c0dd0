/**
 * coreutils head -c where just-bash's head falls short: byte counts with coreutils' size
 * suffixes (xstrtoumax() with "bkKmMGTPEZYRQ0": `2K` 2048, `2KB` 2000, `2KiB` 2048, `1b` 512),
 * and the endless devices (/dev/zero, /dev/full, /dev/random, /dev/urandom), which head reads
 * only as far as it needs where a whole-file read gets one buffer of them, and clustered
 * options (`-qc 4`). Line counts and the obsolete `-NUM` forms stay just-bash's: `headBytes()`
 * returns undefined for them.
 */

import { bytesToLatin1 } from "../wire/pcap.ts";
import { getoptLong, type LongOpt } from "../userland/net-tools/lib/util.ts";
import type { Process } from "../userland/process.ts";

/** what head needs of the shell: reads of files, their paths, stdin */
export interface HeadIo {
  /** one read of a path: its bytes, or strerror() of why not */
  read(path: string): Promise<Uint8Array | string>;
  /** the path a name resolves to */
  resolve(name: string): string;
  stdin: Uint8Array;
}

export interface HeadResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  stdoutKind: "bytes";
}

const ENDLESS = new Set(["/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"]);

/** xstrtol.c's multipliers (base 1024; a "B" after one makes it base 1000, "iB" keeps 1024) */
const POWERS: Record<string, number> = { k: 1, K: 1, m: 2, M: 2, G: 3, g: 3, T: 4, t: 4, P: 5, E: 6, Z: 7, Y: 8, R: 9, Q: 10 };

/**
 * head.c: string_to_integer() for bytes — xdectoumax(n, 0, UINTMAX_MAX, "bkKmMGTPEZYRQ0"): a
 * decimal number and an optional suffix; undefined when it is not one. Values past what a
 * double holds exactly stay large (head reads to the end then).
 */
export function parseHeadBytes(s: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*\+?([0-9]+)(.*)$/.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suf = m[2]!;
  if (suf === "") return n;
  if (suf === "b") return n * 512;
  const p = POWERS[suf[0]!];
  if (p === undefined) return undefined;
  const rest = suf.slice(1);
  const base = rest === "" || rest === "iB" ? 1024 : rest === "B" ? 1000 : 0;
  if (!base) return undefined;
  return n * base ** p;
}

/** coreutils head's long options */
const LONGOPTS: LongOpt[] = [
  { name: "bytes", hasArg: 1, val: "c" },
  { name: "lines", hasArg: 1, val: "n" },
  { name: "quiet", hasArg: 0, val: "q" },
  { name: "silent", hasArg: 0, val: "q" },
  { name: "verbose", hasArg: 0, val: "v" },
  { name: "zero-terminated", hasArg: 0, val: "z" },
  { name: "help", hasArg: 0, val: "H" },
  { name: "version", hasArg: 0, val: "V" },
];

/**
 * head's getopt_long() loop: undefined when it is not a run this module takes — it takes -c,
 * and -n when the count is one just-bash's head does not read (all but the last N lines, a
 * bad number); the last -c or -n wins, as in head.c. Positive line counts, -z, --help,
 * --version, the obsolete -NUM form and a bad option stay just-bash's head.
 */
function parseArgs(args: string[]): { count: string; lines: boolean; quiet: boolean; verbose: boolean; files: string[] } | undefined {
  if (/^-[0-9]/.test(args[0] ?? "")) return undefined;
  const quietSink = { stderr: { write: () => undefined } } as unknown as Process;
  const g = getoptLong(quietSink, ["head", ...args], "c:n:qvz", LONGOPTS);
  let count: string | undefined;
  let lines = false;
  let quiet = false;
  let verbose = false;
  for (const [o, arg] of g.opts) {
    if (o === "c" || o === "n") [count, lines] = [arg, o === "n"];
    else if (o === "q") [quiet, verbose] = [true, false];
    else if (o === "v") [quiet, verbose] = [false, true];
    else return undefined;
  }
  if (count === undefined) return undefined;
  if (lines && !count.startsWith("-") && parseHeadBytes(count) !== undefined) return undefined;
  return { count, lines, quiet, verbose, files: g.args };
}

/** elide_tail_lines(): all but the last n lines (a last line without its newline counts) */
function elideLines(data: Uint8Array, n: number): Uint8Array {
  let pos = data.length;
  // each step moves to the start of the line that ends at pos (its newline at pos-1, or the
  // unterminated last line)
  for (let k = 0; k < n && pos > 0; k++) pos = (pos >= 2 ? data.lastIndexOf(0x0a, pos - 2) : -1) + 1;
  return data.subarray(0, pos);
}

/** head -c, and -n where just-bash cannot, as coreutils runs them; or undefined to leave the
 * run to just-bash's head */
export async function headBytes(args: string[], io: HeadIo): Promise<HeadResult | undefined> {
  const o = parseArgs(args);
  if (!o) return undefined;
  const files = o.files.length ? o.files : ["-"];
  const elide = o.count.startsWith("-");
  const text = elide ? o.count.slice(1) : o.count;
  const n = parseHeadBytes(text);
  if (n === undefined) {
    return { stdout: "", stderr: `head: invalid number of ${o.lines ? "lines" : "bytes"}: '${text}'\n`, exitCode: 1, stdoutKind: "bytes" };
  }
  const headers = o.verbose || (files.length > 1 && !o.quiet);
  let out = "";
  let err = "";
  let rc = 0;
  let first = true;
  // write_header(): a blank line before every header but the first
  const header = (name: string) => {
    if (!headers) return;
    out += `${first ? "" : "\n"}==> ${name} <==\n`;
    first = false;
  };
  for (const f of files) {
    let data: Uint8Array;
    if (f === "-") data = io.stdin;
    else {
      const path = io.resolve(f);
      const r = await io.read(path);
      if (typeof r === "string") {
        rc = 1;
        // a directory opens, then its read fails
        if (r === "Is a directory") {
          header(f);
          err += `head: error reading '${f}': ${r}\n`;
        } else err += `head: cannot open '${f}' for reading: ${r}\n`;
        continue;
      }
      data = r;
      // an endless device: read again until there is enough (one elided from the end never
      // ends on Linux; here it stops at what one read gave)
      if (ENDLESS.has(path) && !elide && !o.lines) {
        header(f);
        for (let left = n, chunk: Uint8Array | string = r; left > 0; chunk = await io.read(path)) {
          if (typeof chunk === "string" || chunk.length === 0) break;
          const part = chunk.subarray(0, Math.min(left, chunk.length));
          out += bytesToLatin1(part);
          left -= part.length;
        }
        continue;
      }
    }
    header(f === "-" ? "standard input" : f);
    const part = o.lines ? elideLines(data, n) : elide ? data.subarray(0, Math.max(0, data.length - n)) : data.subarray(0, Math.min(n, data.length));
    out += bytesToLatin1(part);
  }
  return { stdout: out, stderr: err, exitCode: rc, stdoutKind: "bytes" };
}

