/**
 * coreutils head -c where just-bash's head falls short: byte counts with coreutils' size
 * suffixes (xstrtoumax() with "bkKmMGTPEZYRQ0": `2K` 2048, `2KB` 2000, `2KiB` 2048, `1b` 512),
 * and the endless devices (/dev/zero, /dev/full, /dev/random, /dev/urandom), which head reads
 * only as far as it needs where a whole-file read gets one buffer of them, and clustered
 * options (`-qc 4`). Line counts and the obsolete `-NUM` forms stay just-bash's: `headBytes()`
 * returns undefined for them.
 */

import { bytesToLatin1 } from "../wire/pcap.ts";

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

/** the options head was given: undefined when it is not a `-c` run this module takes */
function parseArgs(args: string[]): { bytes: string; quiet: boolean; verbose: boolean; files: string[] } | undefined {
  let bytes: string | undefined;
  let quiet = false;
  let verbose = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (name === "bytes") {
        if (eq >= 0) bytes = a.slice(eq + 1);
        else if (i + 1 < args.length) bytes = args[++i]!;
        else return undefined;
      } else if (name === "quiet" || name === "silent") {
        quiet = true;
        verbose = false;
      } else if (name === "verbose") {
        verbose = true;
        quiet = false;
      } else return undefined; // --lines, --help, --version, --zero-terminated, abbreviations
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      // obsolete -NUM[bkm][cqv] and anything unusual: just-bash's
      if (/^-[0-9]/.test(a)) return undefined;
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (c === "q") {
          quiet = true;
          verbose = false;
        } else if (c === "v") {
          verbose = true;
          quiet = false;
        } else if (c === "c") {
          if (j + 1 < a.length) bytes = a.slice(j + 1);
          else if (i + 1 < args.length) bytes = args[++i]!;
          else return undefined;
          break;
        } else return undefined; // -n, -z, unknown options
      }
      continue;
    }
    files.push(a);
  }
  if (bytes === undefined) return undefined;
  return { bytes, quiet, verbose, files };
}

/** head -c as coreutils runs it, or undefined to leave the run to just-bash's head */
export async function headBytes(args: string[], io: HeadIo): Promise<HeadResult | undefined> {
  const o = parseArgs(args);
  if (!o) return undefined;
  const files = o.files.length ? o.files : ["-"];
  const elide = o.bytes.startsWith("-");
  const text = elide ? o.bytes.slice(1) : o.bytes;
  const n = parseHeadBytes(text);
  if (n === undefined) {
    return { stdout: "", stderr: `head: invalid number of bytes: '${o.bytes}'\n`, exitCode: 1, stdoutKind: "bytes" };
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
      if (ENDLESS.has(path) && !elide) {
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
    const part = elide ? data.subarray(0, Math.max(0, data.length - n)) : data.subarray(0, Math.min(n, data.length));
    out += bytesToLatin1(part);
  }
  return { stdout: out, stderr: err, exitCode: rc, stdoutKind: "bytes" };
}

