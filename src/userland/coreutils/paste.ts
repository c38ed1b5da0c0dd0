/**
 * GNU coreutils 9.1 paste (src/paste.c): the corresponding lines of each FILE side by side,
 * separated by TABs or the characters of -d LIST in turn (with paste's escapes: \0 none, \n,
 * \t, \\ …), or with -s each file's lines on one line. "-" is standard input, read as one
 * stream however often it is named (`paste - -` pairs its lines). Bytes, not characters.
 */
import type { CommandTable, Process } from "../process.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import { coreutilsAncillary, coreutilsVersion, coreutilsTryHelp } from "./gnu_text.ts";
import { readOperand, writeOut } from "./operand.ts";
import { quotef } from "../lib/quotearg.ts";

const LONGOPTS: LongOpt[] = [
  { name: "serial", hasArg: 0, val: "s" },
  { name: "delimiters", hasArg: 1, val: "d" },
  { name: "zero-terminated", hasArg: 0, val: "z" },
  { name: "help", hasArg: 0, val: "\u0001help" },
  { name: "version", hasArg: 0, val: "\u0001version" },
];

const HELP =
  "Usage: paste [OPTION]... [FILE]...\n" +
  "Write lines consisting of the sequentially corresponding lines from\n" +
  "each FILE, separated by TABs, to standard output.\n\n" +
  "With no FILE, or when FILE is -, read standard input.\n\n" +
  "Mandatory arguments to long options are mandatory for short options too.\n" +
  "  -d, --delimiters=LIST   reuse characters from LIST instead of TABs\n" +
  "  -s, --serial            paste one file at a time instead of in parallel\n" +
  "  -z, --zero-terminated    line delimiter is NUL, not newline\n" +
  "      --help        display this help and exit\n" +
  "      --version     output version information and exit\n\n" +
  coreutilsAncillary("paste");

/** collapse_escapes()'s mark for "\0": no delimiter at that turn */
const EMPTY_DELIM = -1;

/** collapse_escapes(): LIST as delimiter bytes; undefined when it ends in a lone backslash */
function collapseEscapes(list: string): number[] | undefined {
  const out: number[] = [];
  const esc: Record<string, number> = { "0": EMPTY_DELIM, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92 };
  for (let i = 0; i < list.length; i++) {
    if (list[i] !== "\\") {
      out.push(list.charCodeAt(i) & 0xff);
      continue;
    }
    const c = list[++i];
    if (c === undefined) return undefined;
    out.push(esc[c] ?? c.charCodeAt(0) & 0xff);
  }
  return out;
}

/** quotearg_n_style_colon(0, c_maybe_quoting_style, s): as it is unless a character forces
 * quotes (a colon, a double quote, a control or non-ASCII byte; a backslash alone does not),
 * then in double quotes with C escapes, the colon left as it is */
function cMaybeQuoteColon(s: string): string {
  const named: Record<number, string> = { 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 34: '\\"', 92: "\\\\" };
  const forces = (b: number) => b === 58 || b === 34 || b < 32 || b >= 127;
  if (![...s].some((ch) => forces(ch.charCodeAt(0)))) return s;
  let out = "";
  for (const ch of s) {
    const b = ch.charCodeAt(0);
    out += named[b] ?? (b < 32 || b >= 127 ? "\\" + b.toString(8).padStart(3, "0") : ch);
  }
  return `"${out}"`;
}

/** one input of paste: a file's bytes and how far they have been read (stdin's is shared) */
interface Input {
  b: Uint8Array;
  at: number;
}

/** paste_serial(): each file's lines joined by the delimiters in turn, a newline at its end */
function pasteSerial(inputs: (Input | string)[], names: string[], delims: number[], eol: number, out: number[], err: (s: string) => void): boolean {
  let ok = true;
  inputs.forEach((inp, k) => {
    if (typeof inp === "string") {
      err(`paste: ${quotef(names[k]!)}: ${inp}\n`);
      // (a directory opens; its first getc() fails: the line still ends)
      if (inp === "Is a directory") out.push(eol);
      ok = false;
      return;
    }
    let d = 0;
    const { b } = inp;
    let last = -1;
    for (; inp.at < b.length; inp.at++) {
      const c = b[inp.at]!;
      if (last === eol) {
        if (delims[d] !== EMPTY_DELIM) out.push(delims[d]!);
        d = (d + 1) % delims.length;
      } else if (last >= 0) out.push(last);
      last = c;
    }
    if (last >= 0) out.push(last);
    if (last !== eol) out.push(eol);
  });
  return ok;
}

/** paste_parallel(): a line from each file in turn, delimiters between, until all are done */
function pasteParallel(inputs: Input[], delims: number[], eol: number, out: number[]): void {
  const open = inputs.map(() => true);
  let filesOpen = inputs.length;
  const n = inputs.length;
  while (filesOpen) {
    let somedone = false;
    let d = 0;
    let saved: number[] = [];
    for (let i = 0; i < n && filesOpen; i++) {
      let sometodo = false;
      let chr = -1;
      if (open[i]) {
        const inp = inputs[i]!;
        if (inp.at < inp.b.length && saved.length) {
          out.push(...saved);
          saved = [];
        }
        while (inp.at < inp.b.length) {
          chr = inp.b[inp.at++]!;
          sometodo = true;
          if (chr === eol) break;
          out.push(chr);
          chr = -1;
        }
      }
      if (!sometodo) {
        if (open[i]) {
          open[i] = false;
          filesOpen--;
        }
        if (i + 1 === n) {
          if (somedone) {
            out.push(...saved);
            saved = [];
            out.push(eol);
          }
        } else {
          if (delims[d] !== EMPTY_DELIM) saved.push(delims[d]!);
          d = (d + 1) % delims.length;
        }
      } else {
        somedone = true;
        if (i + 1 !== n) {
          if (delims[d] !== EMPTY_DELIM) out.push(delims[d]!);
          d = (d + 1) % delims.length;
        } else out.push(chr === -1 ? eol : chr);
      }
    }
  }
}

async function paste(p: Process): Promise<number> {
  let serial = false;
  let delimArg = "\\t";
  let eol = 10;
  let done = false;
  const g = getoptLong(p, p.argv, "d:sz", LONGOPTS, {
    stopAtError: true,
    stopIf: (c, arg) => {
      if (c === "d") delimArg = arg === "" ? "\\0" : arg!;
      else if (c === "s") serial = true;
      else if (c === "z") eol = 0;
      else if (c === "\u0001help" || c === "\u0001version") {
        p.stdout.write(c === "\u0001help" ? HELP : coreutilsVersion("paste", "David M. Ihnat and David MacKenzie"));
        done = true;
        return true;
      }
      return false;
    },
  });
  if (done) return 0;
  if (g.opts.some(([c]) => c === "?")) {
    p.stderr.write(coreutilsTryHelp("paste"));
    return 1;
  }
  const names = g.args.length ? g.args : ["-"];
  const delims = collapseEscapes(delimArg);
  if (!delims) {
    p.stderr.write(`paste: delimiter list ends with an unescaped backslash: ${cMaybeQuoteColon(delimArg)}\n`);
    return 1;
  }
  // every "-" reads the one standard input
  let stdin: Input | undefined;
  const inputs: (Input | string)[] = [];
  for (const name of names) {
    if (name === "-") {
      inputs.push((stdin ??= { b: p.stdinBytes ?? new TextEncoder().encode(p.stdin), at: 0 }));
      continue;
    }
    const r = await readOperand(p, name);
    if ("bytes" in r) inputs.push({ b: r.bytes, at: 0 });
    else if (!serial && "openError" in r) {
      // paste_parallel() opens them all first: one that will not open ends it at once
      p.stderr.write(`paste: ${quotef(name)}: ${r.openError}\n`);
      return 1;
    } else inputs.push("openError" in r ? r.openError : r.readError);
  }
  const out: number[] = [];
  let ok = true;
  if (serial) ok = pasteSerial(inputs, names, delims, eol, out, (s) => p.stderr.write(s));
  else {
    const errs = inputs.map((inp, k) => (typeof inp === "string" ? `paste: ${quotef(names[k]!)}: ${inp}\n` : ""));
    pasteParallel(inputs.map((inp) => (typeof inp === "string" ? { b: new Uint8Array(0), at: 0 } : inp)), delims, eol, out);
    for (const e of errs) if (e) p.stderr.write(e);
    ok = errs.every((e) => !e);
  }
  writeOut(p, Uint8Array.from(out));
  return ok ? 0 : 1;
}

export const pasteCommands: CommandTable = { paste };
