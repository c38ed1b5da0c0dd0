/**
 * GNU coreutils 9.1 cut (src/cut.c, src/set-fields.c): the selected bytes (-b, -c: the same in
 * the C locale) or TAB-separated fields (-f, -d DELIM) of each line of each FILE, with
 * --complement, --output-delimiter, -s and -z. One list only; every bad list, option and
 * combination is reported as cut.c reports it (then the "Try" line, status 1). A FILE that
 * cannot be read is named and skipped, the others still cut. Bytes, not characters.
 */
import type { CommandTable, Process } from "../process.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import { coreutilsAncillary, coreutilsVersion, coreutilsTryHelp } from "./gnu_text.ts";
import { readOperand, writeOut } from "./operand.ts";
import { quote, quotef } from "../lib/quotearg.ts";
import { ByteBuf } from "../lib/bytebuf.ts";

const OUTPUT_DELIMITER = "\u0001output-delimiter";
const COMPLEMENT = "\u0001complement";

const LONGOPTS: LongOpt[] = [
  { name: "bytes", hasArg: 1, val: "b" },
  { name: "characters", hasArg: 1, val: "c" },
  { name: "fields", hasArg: 1, val: "f" },
  { name: "delimiter", hasArg: 1, val: "d" },
  { name: "only-delimited", hasArg: 0, val: "s" },
  { name: "output-delimiter", hasArg: 1, val: OUTPUT_DELIMITER },
  { name: "complement", hasArg: 0, val: COMPLEMENT },
  { name: "zero-terminated", hasArg: 0, val: "z" },
  { name: "help", hasArg: 0, val: "\u0001help" },
  { name: "version", hasArg: 0, val: "\u0001version" },
];

const HELP =
  "Usage: cut OPTION... [FILE]...\n" +
  "Print selected parts of lines from each FILE to standard output.\n\n" +
  "With no FILE, or when FILE is -, read standard input.\n\n" +
  "Mandatory arguments to long options are mandatory for short options too.\n" +
  "  -b, --bytes=LIST        select only these bytes\n" +
  "  -c, --characters=LIST   select only these characters\n" +
  "  -d, --delimiter=DELIM   use DELIM instead of TAB for field delimiter\n" +
  "  -f, --fields=LIST       select only these fields;  also print any line\n" +
  "                            that contains no delimiter character, unless\n" +
  "                            the -s option is specified\n" +
  "  -n                      (ignored)\n" +
  "      --complement        complement the set of selected bytes, characters\n" +
  "                            or fields\n" +
  "  -s, --only-delimited    do not print lines not containing delimiters\n" +
  "      --output-delimiter=STRING  use STRING as the output delimiter\n" +
  "                            the default is to use the input delimiter\n" +
  "  -z, --zero-terminated    line delimiter is NUL, not newline\n" +
  "      --help        display this help and exit\n" +
  "      --version     output version information and exit\n\n" +
  "Use one, and only one of -b, -c or -f.  Each LIST is made up of one\n" +
  "range, or many ranges separated by commas.  Selected input is written\n" +
  "in the same order that it is read, and is written exactly once.\n" +
  "Each range is one of:\n\n" +
  "  N     N'th byte, character or field, counted from 1\n" +
  "  N-    from N'th byte, character or field, to end of line\n" +
  "  N-M   from N'th to M'th (included) byte, character or field\n" +
  "  -M    from first to M'th (included) byte, character or field\n\n" +
  coreutilsAncillary("cut");

/** UINTMAX_MAX: an open end ("N-"), and the sentinel range after the last */
const END = Number.POSITIVE_INFINITY;
const UINTMAX_MAX = (1n << 64n) - 1n;

interface RangePair {
  lo: number;
  hi: number;
}

/** FATAL_ERROR(): cut's message, then usage(EXIT_FAILURE)'s line */
class Fatal {
  constructor(readonly message: string) {}
}

/**
 * set-fields.c: set_fields(): LIST as sorted, merged ranges (complemented with --complement),
 * ended by the sentinel; the messages say "byte/character" for -b and -c (`pos`).
 */
function setFields(list: string, pos: boolean, complement: boolean): RangePair[] {
  const frp: RangePair[] = [];
  let initial = 1n;
  let value = 0n;
  let lhs = false;
  let rhs = false;
  let dash = false;
  let numStart = -1;
  let inDigits = false;
  const numbered = pos ? "byte/character positions are numbered from 1" : "fields are numbered from 1";
  for (let i = 0; ; ) {
    const ch = list[i];
    if (ch === "-") {
      inDigits = false;
      if (dash) throw new Fatal(pos ? "invalid byte or character range" : "invalid field range");
      dash = true;
      i++;
      if (lhs && !value) throw new Fatal(numbered);
      initial = lhs ? value : 1n;
      value = 0n;
    } else if (ch === "," || ch === " " || ch === "\t" || ch === undefined) {
      inDigits = false;
      if (dash) {
        dash = false;
        if (!lhs && !rhs) throw new Fatal("invalid range with no endpoint: -");
        if (!rhs) frp.push({ lo: Number(initial), hi: END });
        else {
          if (value < initial) throw new Fatal("invalid decreasing range");
          frp.push({ lo: Number(initial), hi: Number(value) });
        }
        value = 0n;
      } else {
        if (value === 0n) throw new Fatal(numbered);
        frp.push({ lo: Number(value), hi: Number(value) });
        value = 0n;
      }
      if (ch === undefined) break;
      i++;
      lhs = false;
      rhs = false;
    } else if (ch >= "0" && ch <= "9") {
      if (!inDigits || numStart < 0) numStart = i;
      inDigits = true;
      if (dash) rhs = true;
      else lhs = true;
      value = value * 10n + BigInt(ch.charCodeAt(0) - 48);
      if (value >= UINTMAX_MAX) {
        const bad = /^\d*/.exec(list.slice(numStart))![0];
        throw new Fatal(pos ? `byte/character offset ${quote(bad)} is too large` : `field number ${quote(bad)} is too large`);
      }
      i++;
    } else throw new Fatal(pos ? `invalid byte/character position ${quote(list.slice(i))}` : `invalid field value ${quote(list.slice(i))}`);
  }
  if (!frp.length) throw new Fatal(pos ? "missing list of byte/character positions" : "missing list of fields");
  // qsort() by lo (the order of equal ones does not matter: they merge)
  frp.sort((a, b) => a.lo - b.lo);
  for (let i = 0; i < frp.length; i++) {
    for (let j = i + 1; j < frp.length; j++) {
      if (frp[j]!.lo > frp[i]!.hi) break;
      frp[i]!.hi = Math.max(frp[j]!.hi, frp[i]!.hi);
      frp.splice(j, 1);
      j--;
    }
  }
  let out = frp;
  if (complement) {
    // complement_rp()
    out = [];
    if (frp[0]!.lo > 1) out.push({ lo: 1, hi: frp[0]!.lo - 1 });
    for (let i = 1; i < frp.length; i++) {
      if (frp[i - 1]!.hi + 1 === frp[i]!.lo) continue;
      out.push({ lo: frp[i - 1]!.hi + 1, hi: frp[i]!.lo - 1 });
    }
    if (frp[frp.length - 1]!.hi < END) out.push({ lo: frp[frp.length - 1]!.hi + 1, hi: END });
  }
  out.push({ lo: END, hi: END });
  return out;
}

interface CutSettings {
  frp: RangePair[];
  delim: number;
  lineDelim: number;
  suppress: boolean;
  /** the output delimiter, undefined when it is the input one (output_delimiter_default) */
  outDelim: Uint8Array | undefined;
}

/** cut_bytes() over one input */
function cutBytes(b: Uint8Array, s: CutSettings, out: ByteBuf): void {
  const { frp, lineDelim } = s;
  let idx = 0;
  let printDelim = false;
  let rp = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === lineDelim) {
      out.u8(c);
      idx = 0;
      printDelim = false;
      rp = 0;
      continue;
    }
    // next_item()
    idx++;
    if (idx > frp[rp]!.hi) rp++;
    if (frp[rp]!.lo <= idx) {
      if (s.outDelim) {
        if (printDelim && idx === frp[rp]!.lo) out.bytes(s.outDelim);
        printDelim = true;
      }
      out.u8(c);
    }
  }
  if (idx > 0) out.u8(lineDelim);
}

/** cut_fields() over one input (getc() on `b`, EOF past its end) */
function cutFields(b: Uint8Array, s: CutSettings, out: ByteBuf): void {
  const { frp, delim, lineDelim, suppress } = s;
  const outDelim = s.outDelim ?? Uint8Array.of(delim);
  if (b.length === 0) return;
  const EOF = -1;
  let at = 0;
  const getc = () => (at < b.length ? b[at++]! : EOF);
  let rp = 0;
  let fieldIdx = 1;
  let foundAny = false;
  let c = 0;
  const next = () => {
    fieldIdx++;
    if (fieldIdx > frp[rp]!.hi) rp++;
  };
  const printKth = (k: number) => frp[rp]!.lo <= k;
  const bufferFirst = suppress !== !printKth(1);
  for (;;) {
    if (fieldIdx === 1 && bufferFirst) {
      // getndelim2(): the first field with its delimiter, or the line with its end
      if (at >= b.length) break;
      const start = at;
      while (at < b.length && b[at] !== delim && b[at] !== lineDelim) at++;
      if (at < b.length) at++;
      const last = b[at - 1]!;
      c = 0;
      if (last !== delim) {
        if (!suppress) {
          out.bytes(b, start, at);
          if (last !== lineDelim) out.u8(lineDelim);
          c = lineDelim;
        }
        continue;
      }
      if (printKth(1)) {
        out.bytes(b, start, at - 1);
        // with -d$'\n' the last '\n' is no delimiter
        if (delim === lineDelim) {
          if (at < b.length) foundAny = true;
        } else foundAny = true;
      }
      next();
    }
    let prev = c;
    if (printKth(fieldIdx)) {
      if (foundAny) out.bytes(outDelim);
      foundAny = true;
      while ((c = getc()) !== delim && c !== lineDelim && c !== EOF) {
        out.u8(c);
        prev = c;
      }
    } else {
      while ((c = getc()) !== delim && c !== lineDelim && c !== EOF) prev = c;
    }
    if (delim === lineDelim && c === delim && at >= b.length) c = EOF;
    if (c === delim) next();
    else if (c === lineDelim || c === EOF) {
      if (foundAny || !(suppress && fieldIdx === 1)) {
        if (c === lineDelim || prev !== lineDelim || delim === lineDelim) out.u8(lineDelim);
      }
      if (c === EOF) break;
      fieldIdx = 1;
      rp = 0;
      foundAny = false;
    }
  }
}

async function cut(p: Process): Promise<number> {
  let list: string | undefined;
  let byteMode = false;
  let delim = 0;
  let delimSpecified = false;
  let outDelim: Uint8Array | undefined;
  let suppress = false;
  let lineDelim = 10;
  let complement = false;
  let done = false;
  let fatal: string | undefined;
  const enc = new TextEncoder();
  const g = getoptLong(p, p.argv, "b:c:d:f:nsz", LONGOPTS, {
    stopAtError: true,
    stopIf: (c, arg) => {
      switch (c) {
        case "b":
        case "c":
        case "f":
          if (c !== "f") byteMode = true;
          if (list !== undefined) fatal = "only one list may be specified";
          else list = arg!;
          break;
        case "d": {
          // -d '' is the NUL byte
          const d = enc.encode(arg!);
          if (d.length > 1) fatal = "the delimiter must be a single character";
          else {
            delim = d[0] ?? 0;
            delimSpecified = true;
          }
          break;
        }
        case OUTPUT_DELIMITER:
          // --output-delimiter='' is the NUL byte too
          outDelim = arg === "" ? Uint8Array.of(0) : enc.encode(arg!);
          break;
        case "s":
          suppress = true;
          break;
        case "z":
          lineDelim = 0;
          break;
        case COMPLEMENT:
          complement = true;
          break;
        case "\u0001help":
        case "\u0001version":
          p.stdout.write(c === "\u0001help" ? HELP : coreutilsVersion("cut", "David M. Ihnat, David MacKenzie, and Jim Meyering"));
          done = true;
          return true;
      }
      return fatal !== undefined;
    },
  });
  if (done) return 0;
  const usage = (message?: string) => {
    if (message !== undefined) p.stderr.write(`cut: ${message}\n`);
    p.stderr.write(coreutilsTryHelp("cut"));
    return 1;
  };
  if (fatal !== undefined) return usage(fatal);
  if (g.opts.some(([c]) => c === "?")) return usage();
  if (list === undefined) return usage("you must specify a list of bytes, characters, or fields");
  if (byteMode && delimSpecified) return usage("an input delimiter may be specified only when operating on fields");
  if (byteMode && suppress) return usage("suppressing non-delimited lines makes sense\n\tonly when operating on fields");
  let frp: RangePair[];
  try {
    frp = setFields(list, byteMode, complement);
  } catch (e) {
    if (e instanceof Fatal) return usage(e.message);
    throw e;
  }
  if (!delimSpecified) delim = 9;
  const settings: CutSettings = { frp, delim, lineDelim, suppress, outDelim };
  const out = new ByteBuf(4096);
  let ok = true;
  for (const name of g.args.length ? g.args : ["-"]) {
    const r = await readOperand(p, name);
    if (!("bytes" in r)) {
      // fopen() fails, or a directory's first getc() does: named at once (stdout, a pipe or a
      // file, is written at exit), then the next file
      p.stderr.write(`cut: ${quotef(name)}: ${"openError" in r ? r.openError : r.readError}\n`);
      ok = false;
      continue;
    }
    if (byteMode) cutBytes(r.bytes, settings, out);
    else cutFields(r.bytes, settings, out);
  }
  writeOut(p, out.view());
  return ok ? 0 : 1;
}

export const cutCommands: CommandTable = { cut };
