/**
 * GNU coreutils 9.1 head (src/head.c): the first 10 lines of each FILE (or standard input) —
 * or the first -n NUM lines or -c NUM bytes, or with -NUM all but the last NUM — with an
 * "==> FILE <==" header before each of several. The obsolete first word -NUM[bcklmqvz] is
 * read as head does; a digit option anywhere else is an "invalid trailing option". The endless
 * devices (/dev/zero, /dev/urandom …) are read only as far as needed.
 */
import type { CommandTable, Process } from "../process.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import { coreutilsAncillary, coreutilsVersion, coreutilsTryHelp } from "./gnu_text.ts";
import { readOperand, operandMessage, writeOut, headerWriter } from "./operand.ts";
import { nap } from "../lib/unistd.ts";
import { quote } from "../lib/quotearg.ts";
import { xdectoumax, UINTMAX_MAX } from "../lib/xstrtol.ts";

/** head.c's multiplier suffixes (9.1: no R or Q yet) */
export const COUNT_SUFFIXES = "bkKmMGTPEZY0";
const ENDLESS = new Set(["/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"]);
/** how much of an endless device's lines head writes before it is taken to run forever */
const ENDLESS_LIMIT = 1 << 20;
/** OFF_T_MAX: all but the last NUM bytes wants an offset */
const OFF_T_MAX = (1n << 63n) - 1n;

const LONGOPTS: LongOpt[] = [
  { name: "bytes", hasArg: 1, val: "c" },
  { name: "lines", hasArg: 1, val: "n" },
  { name: "-presume-input-pipe", hasArg: 0, val: "\u0001pipe" },
  { name: "quiet", hasArg: 0, val: "q" },
  { name: "silent", hasArg: 0, val: "q" },
  { name: "verbose", hasArg: 0, val: "v" },
  { name: "zero-terminated", hasArg: 0, val: "z" },
  { name: "help", hasArg: 0, val: "\u0001help" },
  { name: "version", hasArg: 0, val: "\u0001version" },
];

const HELP =
  "Usage: head [OPTION]... [FILE]...\n" +
  "Print the first 10 lines of each FILE to standard output.\n" +
  "With more than one FILE, precede each with a header giving the file name.\n\n" +
  "With no FILE, or when FILE is -, read standard input.\n\n" +
  "Mandatory arguments to long options are mandatory for short options too.\n" +
  "  -c, --bytes=[-]NUM       print the first NUM bytes of each file;\n" +
  "                             with the leading '-', print all but the last\n" +
  "                             NUM bytes of each file\n" +
  "  -n, --lines=[-]NUM       print the first NUM lines instead of the first 10;\n" +
  "                             with the leading '-', print all but the last\n" +
  "                             NUM lines of each file\n" +
  "  -q, --quiet, --silent    never print headers giving file names\n" +
  "  -v, --verbose            always print headers giving file names\n" +
  "  -z, --zero-terminated    line delimiter is NUL, not newline\n" +
  "      --help        display this help and exit\n" +
  "      --version     output version information and exit\n\n" +
  "NUM may have a multiplier suffix:\n" +
  "b 512, kB 1000, K 1024, MB 1000*1000, M 1024*1024,\n" +
  "GB 1000*1000*1000, G 1024*1024*1024, and so on for T, P, E, Z, Y.\n" +
  "Binary prefixes can be used, too: KiB=K, MiB=M, and so on.\n\n" +
  coreutilsAncillary("head");

const TRY = coreutilsTryHelp("head");

/** the first n lines (n from the start), or all but the last n (elide) */
function lines(b: Uint8Array, n: number, elide: boolean, eol: number): Uint8Array {
  if (!elide) {
    let at = 0;
    for (let k = 0; at < b.length && k < n; at++) if (b[at] === eol) k++;
    return b.subarray(0, at);
  }
  // elide_tail_lines(): back over n lines (an unterminated last line counts)
  let pos = b.length;
  for (let k = 0; k < n && pos > 0; k++) pos = (pos >= 2 ? b.lastIndexOf(eol, pos - 2) : -1) + 1;
  return b.subarray(0, pos);
}

/** a process that would run (and write) forever: it waits for its kill, time passing */
async function untilKilled(p: Process): Promise<void> {
  while (!p.signal.aborted) await nap(p, 1_000_000);
}

async function head(p: Process): Promise<number> {
  let argv = p.argv;
  let countLines = true;
  let elide = false;
  let nUnits = 10n;
  let headers: "multiple" | "never" | "always" = "multiple";
  let eol = 10;
  const count = (s: string): bigint | undefined => {
    const v = xdectoumax("head", s, 0n, UINTMAX_MAX, COUNT_SUFFIXES, countLines ? "invalid number of lines" : "invalid number of bytes");
    if (typeof v === "bigint") return v;
    p.stderr.write(v);
    return undefined;
  };
  /* the obsolete -NUM[bcklmqvz] */
  const a1 = argv[1];
  if (a1 !== undefined && a1[0] === "-" && a1[1]! >= "0" && a1[1]! <= "9") {
    let i = 1;
    while (a1[i]! >= "0" && a1[i]! <= "9") i++;
    const digits = a1.slice(1, i);
    let mult = "";
    for (const c of a1.slice(i)) {
      if (c === "c") [countLines, mult] = [false, ""];
      else if (c === "b" || c === "k" || c === "m") [countLines, mult] = [false, c];
      else if (c === "l") countLines = true;
      else if (c === "q") headers = "never";
      else if (c === "v") headers = "always";
      else if (c === "z") eol = 0;
      else {
        p.stderr.write(`head: invalid trailing option -- ${c}\n${TRY}`);
        return 1;
      }
    }
    const n = count(digits + mult);
    if (n === undefined) return 1;
    nUnits = n;
    argv = [argv[0]!, ...argv.slice(2)];
  }
  let fatal = false;
  let done = false;
  const g = getoptLong(p, argv, "c:n:qvz0123456789", LONGOPTS, {
    stopAtError: true,
    stopIf: (c, arg) => {
      if (c === "c" || c === "n") {
        countLines = c === "n";
        let v = arg!;
        elide = v[0] === "-";
        if (elide) v = v.slice(1);
        const n = count(v);
        if (n === undefined) fatal = true;
        else nUnits = n;
        return fatal;
      }
      if (c === "q") headers = "never";
      else if (c === "v") headers = "always";
      else if (c === "z") eol = 0;
      else if (c === "\u0001help" || c === "\u0001version") {
        p.stdout.write(c === "\u0001help" ? HELP : coreutilsVersion("head", "David MacKenzie and Jim Meyering"));
        done = true;
        return true;
      } else if (c >= "0" && c <= "9") {
        p.stderr.write(`head: invalid trailing option -- ${c}\n${TRY}`);
        fatal = true;
        return true;
      }
      return false;
    },
  });
  if (fatal) return 1;
  if (done) return 0;
  if (g.opts.some(([c]) => c === "?")) {
    p.stderr.write(TRY);
    return 1;
  }
  if (!countLines && elide && nUnits > OFF_T_MAX) {
    // error (EXIT_FAILURE, EOVERFLOW, "%s: %s", …, quote (umaxtostr (n_units, buf)))
    p.stderr.write(`head: invalid number of bytes: ${quote(String(nUnits))}: Value too large for defined data type\n`);
    return 1;
  }
  const files = g.args.length ? g.args : ["-"];
  const printHeaders = headers === "always" || (headers === "multiple" && g.args.length > 1);
  const writeHeader = headerWriter(p);
  const header = (name: string) => void (printHeaders && writeHeader(name));
  const write = (b: Uint8Array) => writeOut(p, b);
  const n = nUnits > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(nUnits);
  let ok = true;
  for (const f of files) {
    const name = f === "-" ? "standard input" : f;
    const r = await readOperand(p, f);
    if (!("bytes" in r)) {
      // (a directory opens: its header comes before the read fails)
      if ("readError" in r) header(name);
      p.stderr.write(operandMessage("head", name, r));
      ok = false;
      continue;
    }
    const data = r.bytes;
    if (f !== "-") {
      // an endless device is read again until there is enough; lines of one that never
      // gives a line end (/dev/zero) are waited for until the process is killed
      if (ENDLESS.has(f) && !elide) {
        header(name);
        let left = n;
        let written = 0;
        for (let chunk = data; left > 0 && chunk.length; chunk = (await p.readFileBytes!(f)) ?? new Uint8Array(0)) {
          const part = countLines ? lines(chunk, left, false, eol) : chunk.subarray(0, Math.min(left, chunk.length));
          write(part);
          written += part.length;
          if (countLines) {
            for (const c of part) if (c === eol) left--;
            if (part.length < chunk.length) break;
          } else left -= part.length;
          if (countLines && left > 0 && written >= ENDLESS_LIMIT) {
            await untilKilled(p);
            return 1;
          }
        }
        continue;
      }
    }
    header(name);
    if (countLines) write(lines(data, n, elide, eol));
    else write(elide ? data.subarray(0, Math.max(0, data.length - n)) : data.subarray(0, Math.min(n, data.length)));
  }
  return ok ? 0 : 1;
}

export const headCommands: CommandTable = { head };
