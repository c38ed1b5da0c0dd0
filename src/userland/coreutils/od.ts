/**
 * GNU coreutils 9.1 od (src/od.c): dump files (or stdin) byte for byte in octal, decimal, hex,
 * characters or floats. Modern options (-A RADIX, -j SKIP, -N LIMIT, -t TYPE[SIZE][z], -v,
 * -w[BYTES], -S[BYTES], --endian), the traditional ones (-a -b -c -d -f -i -l -o -s -x and the
 * undocumented -B -D -e -F -h -H -I -L -O -X) and the old `od FILE +OFFSET` form. The output
 * layout is od.c's: every field right-aligned in its column, the block padding spread over
 * the fields, `*` for repeated blocks, the final offset on a line of its own.
 */
import type { CommandTable, Process } from "../process.ts";
import { xstrtoumax, LONGINT_OK, LONGINT_OVERFLOW, LONGINT_INVALID_SUFFIX_CHAR } from "../lib/xstrtol.ts";
import { quote, quotef } from "../lib/quotearg.ts";
import { argmatch, argmatchMessage } from "../lib/argmatch.ts";

/** od.c's endian_args[] */
const ENDIANS = ["little", "big"] as const;
import { readOperand } from "./operand.ts";
import { coreutilsTryHelp } from "./gnu_text.ts";

const enum Fmt {
  Signed,
  Unsigned,
  Octal,
  Hex,
  Float,
  Named,
  Char,
}

interface Spec {
  fmt: Fmt;
  /** bytes per datum */
  size: number;
  fieldWidth: number;
  padWidth: number;
  trailer: boolean;
}

const OCT_DIGITS = [0, 3, 6, 8, 11, 14, 16, 19, 22, 25, 27, 30, 32, 35, 38, 41, 43];
const SDEC_DIGITS = [1, 4, 6, 8, 11, 13, 16, 18, 20, 23, 25, 28, 30, 33, 35, 37, 40];
const UDEC_DIGITS = [0, 3, 5, 8, 10, 13, 15, 17, 20, 22, 25, 27, 29, 32, 34, 37, 39];
/** x86_64: char, short, int, long (= long long) */
const INTEGRAL_SIZES = new Set([1, 2, 4, 8]);
/** float, double, long double (x87, 16 bytes in memory); FLT/DBL/LDBL_STRLEN_BOUND_L(1) */
const FLOAT_WIDTH: Record<number, number> = { 4: 15, 8: 24, 16: 30 };

const CHARNAME = [
  "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr", "so", "si",
  "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc", "fs", "gs", "rs", "us", "sp",
];

const SHORT_OPTS = "A:aBbcDdeFfHhIij:LlN:OoS:st:vw::Xx";
const LONG_OPTS: [string, "none" | "req" | "opt", string][] = [
  ["skip-bytes", "req", "j"], ["address-radix", "req", "A"], ["read-bytes", "req", "N"], ["format", "req", "t"],
  ["output-duplicates", "none", "v"], ["strings", "opt", "S"], ["traditional", "none", "T"], ["width", "opt", "w"],
  ["endian", "req", "E"], ["help", "none", "H?"], ["version", "none", "V"],
];
const OLD_ARGS: Record<string, string> = {
  a: "a", b: "o1", c: "c", D: "u4", d: "u2", F: "fD", e: "fD", f: "fF", X: "x4", H: "x4", i: "dI", I: "dL", L: "dL",
  l: "dL", O: "o4", B: "o2", o: "o2", s: "d2", h: "x2", x: "x2",
};


class Fatal extends Error {}

/** xstrtoumax(s, base 0, "bEGKkMmPTYZ0") of a byte count (9.1: no R or Q), as
 * xstrtol_fatal() would judge it */
function parseBytes(s: string): { ok: true; v: number } | { ok: false; why: "invalid" | "suffix" | "large" } {
  const r = xstrtoumax(s, 0, "bEGKkMmPTYZ0");
  if (r.err === LONGINT_OVERFLOW) return { ok: false, why: "large" };
  if (r.err & LONGINT_INVALID_SUFFIX_CHAR) return { ok: false, why: "suffix" };
  if (r.err !== LONGINT_OK) return { ok: false, why: "invalid" };
  // (past what a double holds exactly, a count means "all" anyway)
  return { ok: true, v: r.val > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(r.val) };
}

/** parse_old_offset(): [+]OFFSET[.][b] — octal, hex with 0x, decimal with a '.' */
function parseOldOffset(s: string): number | undefined {
  if (!s) return undefined;
  if (s[0] === "+") s = s.slice(1);
  let radix = 8;
  if (s.includes(".")) {
    radix = 10;
    s = s.replace(".", "");
  } else if (/^0[xX]/.test(s)) {
    radix = 16;
    s = s.slice(2);
  }
  const m = (radix === 16 ? /^([0-9a-fA-F]+)([bB]?)$/ : radix === 10 ? /^([0-9]+)([bB]?)$/ : /^([0-7]+)([bB]?)$/).exec(s);
  if (!m) return undefined;
  return parseInt(m[1]!, radix) * (m[2] === "b" ? 512 : m[2] === "B" ? 1024 : 1);
}

/** decode_format_string(): one -t argument, one or more types */
function decodeFormat(s: string, specs: Spec[], err: (m: string) => void): boolean {
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    let fmt: Fmt;
    let size: number;
    let fieldWidth: number;
    if ("doux".includes(c)) {
      i++;
      const sc = s[i];
      if (sc === "C") (size = 1), i++;
      else if (sc === "S") (size = 2), i++;
      else if (sc === "I") (size = 4), i++;
      else if (sc === "L") (size = 8), i++;
      else {
        const m = /^\d*/.exec(s.slice(i))![0];
        if (!m) size = 4;
        else {
          size = Number(m);
          if (!INTEGRAL_SIZES.has(size)) {
            err(`invalid type string ${quote(s)};\nthis system doesn't provide a ${size}-byte integral type`);
            return false;
          }
          i += m.length;
        }
      }
      fmt = c === "d" ? Fmt.Signed : c === "o" ? Fmt.Octal : c === "u" ? Fmt.Unsigned : Fmt.Hex;
      fieldWidth = c === "d" ? SDEC_DIGITS[size]! : c === "o" ? OCT_DIGITS[size]! : c === "u" ? UDEC_DIGITS[size]! : size * 2;
    } else if (c === "f") {
      i++;
      const sc = s[i];
      if (sc === "F") (size = 4), i++;
      else if (sc === "D") (size = 8), i++;
      else if (sc === "L") (size = 16), i++;
      else {
        const m = /^\d*/.exec(s.slice(i))![0];
        if (!m) size = 8;
        else {
          size = Number(m);
          if (FLOAT_WIDTH[size] === undefined) {
            err(`invalid type string ${quote(s)};\nthis system doesn't provide a ${size}-byte floating point type`);
            return false;
          }
          i += m.length;
        }
      }
      fmt = Fmt.Float;
      fieldWidth = FLOAT_WIDTH[size]!;
    } else if (c === "a" || c === "c") {
      i++;
      fmt = c === "a" ? Fmt.Named : Fmt.Char;
      size = 1;
      fieldWidth = 3;
    } else {
      err(`invalid character '${c}' in type string ${quote(s)}`);
      return false;
    }
    const trailer = s[i] === "z";
    if (trailer) i++;
    specs.push({ fmt, size, fieldWidth, padWidth: 0, trailer });
  }
  return true;
}

/** ftoastr(): the shortest "%.*g" that reads back as the same value */
function ftoastr(x: number, single: boolean): string {
  if (Number.isNaN(x)) return Object.is(x, NaN) && !(1 / x < 0) ? "nan" : "-nan";
  if (!Number.isFinite(x)) return x < 0 ? "-inf" : "inf";
  const same = (y: number) => (single ? Math.fround(y) === x : y === x);
  for (let prec = single ? 1 : 1; prec <= (single ? 9 : 17); prec++) {
    const str = formatG(x, prec);
    if (same(Number(str))) return str;
  }
  return formatG(x, single ? 9 : 17);
}

/** printf("%.*g", prec, x) */
function formatG(x: number, prec: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const e = x.toExponential(prec - 1);
  const exp = Number(e.slice(e.indexOf("e") + 1));
  const strip = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp < -4 || exp >= prec) {
    const [mant, ex] = e.split("e") as [string, string];
    const n = Math.abs(Number(ex));
    return `${strip(mant)}e${Number(ex) < 0 ? "-" : "+"}${String(n).padStart(2, "0")}`;
  }
  return strip(x.toFixed(Math.max(0, prec - 1 - exp)));
}

/** an x87 80-bit extended float (the first 10 of long double's 16 bytes), as a double */
function extended(b: Uint8Array, off: number, little: boolean): number {
  const byte = (i: number) => b[off + (little ? i : 15 - i)]!;
  let mant = 0;
  for (let i = 7; i >= 0; i--) mant = mant * 256 + byte(i);
  const se = byte(9) * 256 + byte(8);
  const sign = se & 0x8000 ? -1 : 1;
  const exp = se & 0x7fff;
  if (exp === 0x7fff) return mant % 2 ** 63 === 0 ? sign * Infinity : NaN;
  if (exp === 0 && mant === 0) return sign * 0;
  return sign * mant * 2 ** (exp - 16383 - 63);
}

function field(spec: Spec, b: Uint8Array, off: number, little: boolean): string {
  const n = spec.size;
  if (spec.fmt === Fmt.Char) {
    const c = b[off]!;
    const esc: Record<number, string> = { 0: "\\0", 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v" };
    if (esc[c] !== undefined) return esc[c]!;
    return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : c.toString(8).padStart(3, "0");
  }
  if (spec.fmt === Fmt.Named) {
    const c = b[off]! & 0x7f;
    return c === 127 ? "del" : c <= 32 ? CHARNAME[c]! : String.fromCharCode(c);
  }
  const dv = new DataView(b.buffer, b.byteOffset + off, n);
  if (spec.fmt === Fmt.Float) {
    const x = n === 4 ? dv.getFloat32(0, little) : n === 8 ? dv.getFloat64(0, little) : extended(b, off, little);
    return ftoastr(x, n === 4);
  }
  let v: bigint;
  if (n === 1) v = BigInt(spec.fmt === Fmt.Signed ? dv.getInt8(0) : dv.getUint8(0));
  else if (n === 2) v = BigInt(spec.fmt === Fmt.Signed ? dv.getInt16(0, little) : dv.getUint16(0, little));
  else if (n === 4) v = BigInt(spec.fmt === Fmt.Signed ? dv.getInt32(0, little) : dv.getUint32(0, little));
  else v = spec.fmt === Fmt.Signed ? dv.getBigInt64(0, little) : dv.getBigUint64(0, little);
  if (spec.fmt === Fmt.Signed || spec.fmt === Fmt.Unsigned) return v.toString();
  // "%*.Nx" / "%*.No": at least N digits
  return v.toString(spec.fmt === Fmt.Hex ? 16 : 8).padStart(spec.fieldWidth, "0");
}

export async function od(p: Process): Promise<number> {
  const out: string[] = [];
  const err = (m: string) => p.stderr.write(`od: ${m}\n`);
  const tryHelp = () => {
    p.stderr.write(coreutilsTryHelp("od"));
    return 1;
  };
  const specs: Spec[] = [];
  let ok = true;
  let modern = false;
  let traditional = false;
  let addrBase = 8;
  let addrPad = 7;
  let addrNone = false;
  let skip = 0;
  let limit: number | undefined;
  let verbose = false;
  let widthSpecified = false;
  let desiredWidth = 0;
  let little = true;
  let strings: number | undefined;
  const operands: string[] = [];

  const bytesArg = (opt: string, long: boolean, v: string): number => {
    const r = parseBytes(v);
    if (r.ok) return r.v;
    const name = long ? `--${opt}` : `-${opt}`;
    // xstrtol_fatal(): gnulib's messages quote the argument literally
    if (r.why === "large") err(`${name} argument '${v}' too large`);
    else if (r.why === "suffix") err(`invalid suffix in ${name} argument '${v}'`);
    else err(`invalid ${name} argument '${v}'`);
    throw new Fatal();
  };

  const apply = (c: string, arg: string | undefined, longName?: string): void => {
    const isLong = longName !== undefined;
    const nm = longName ?? c;
    switch (c) {
      case "A":
        modern = true;
        switch (arg![0]) {
          case "d": (addrBase = 10), (addrPad = 7), (addrNone = false); break;
          case "o": (addrBase = 8), (addrPad = 7), (addrNone = false); break;
          case "x": (addrBase = 16), (addrPad = 6), (addrNone = false); break;
          case "n": (addrNone = true), (addrPad = 0); break;
          default:
            err(`invalid output address radix '${arg![0] ?? ""}'; it must be one character from [doxn]`);
            throw new Fatal();
        }
        return;
      case "j":
        modern = true;
        skip = bytesArg(nm, isLong, arg!);
        return;
      case "N":
        modern = true;
        limit = bytesArg(nm, isLong, arg!);
        return;
      case "S":
        modern = true;
        strings = arg === undefined ? 3 : bytesArg(nm, isLong, arg);
        return;
      case "t":
        modern = true;
        ok = decodeFormat(arg!, specs, err) && ok;
        return;
      case "v":
        modern = true;
        verbose = true;
        return;
      case "T":
        traditional = true;
        return;
      case "E":
      {
        const endian = argmatch(arg!, ENDIANS);
        if (endian < 0) {
          p.stderr.write(argmatchMessage("od", "--endian", arg!, ENDIANS, endian));
          throw new Fatal(tryHelp().toString());
        }
        little = ENDIANS[endian] === "little";
        return;
      }
      case "w":
        modern = true;
        widthSpecified = true;
        if (arg === undefined) desiredWidth = 32;
        else {
          if (!/^\s*\+?\d+$/.test(arg) || Number(arg) <= 0) {
            err(`invalid ${isLong ? "--width" : "-w"} argument ${quote(arg)}`);
            throw new Fatal();
          }
          desiredWidth = Number(arg);
        }
        return;
      default:
        ok = decodeFormat(OLD_ARGS[c]!, specs, err) && ok;
    }
  };

  try {
    const args = p.argv.slice(1);
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === "--") {
        i++;
        break;
      }
      if (a.startsWith("--")) {
        const eq = a.indexOf("=");
        const name = a.slice(2, eq < 0 ? undefined : eq);
        const exact = LONG_OPTS.find((o) => o[0] === name);
        const cands = exact ? [exact] : LONG_OPTS.filter((o) => o[0].startsWith(name));
        if (cands.length !== 1) {
          if (cands.length === 0) err(`unrecognized option '${a}'`);
          else err(`option '${a}' is ambiguous; possibilities:${cands.map((o) => ` '--${o[0]}'`).join("")}`);
          return tryHelp();
        }
        const [lname, kind, c] = cands[0]!;
        let arg: string | undefined = eq < 0 ? undefined : a.slice(eq + 1);
        if (kind === "none" && arg !== undefined) {
          err(`option '--${lname}' doesn't allow an argument`);
          return tryHelp();
        }
        if (kind === "req" && arg === undefined) {
          arg = args[++i];
          if (arg === undefined) {
            err(`option '--${lname}' requires an argument`);
            return tryHelp();
          }
        }
        if (c === "H?") {
          p.stdout.write("Usage: od [OPTION]... [FILE]...\n  or:  od [-abcdfilosx]... [FILE] [[+]OFFSET[.][b]]\n  or:  od --traditional [OPTION]... [FILE] [[+]OFFSET[.][b] [+][LABEL][.][b]]\n");
          return 0;
        }
        if (c === "V") {
          p.stdout.write("od (GNU coreutils) 9.1\n");
          return 0;
        }
        apply(c, arg, lname);
        continue;
      }
      if (a.length < 2 || a[0] !== "-") {
        operands.push(a);
        continue;
      }
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const at = SHORT_OPTS.indexOf(c);
        if (at < 0 || c === ":") {
          err(`invalid option -- '${c}'`);
          return tryHelp();
        }
        const takes = SHORT_OPTS[at + 1] === ":" ? (SHORT_OPTS[at + 2] === ":" ? "opt" : "req") : "none";
        if (takes === "none") {
          apply(c, undefined);
          continue;
        }
        let arg: string | undefined = a.slice(j + 1);
        if (!arg) {
          if (takes === "opt") arg = undefined;
          else {
            arg = args[++i];
            if (arg === undefined) {
              err(`option requires an argument -- '${c}'`);
              return tryHelp();
            }
          }
        }
        apply(c, arg);
        break;
      }
    }
    operands.push(...args.slice(i));
  } catch (e) {
    if (e instanceof Fatal) return 1;
    throw e;
  }
  if (!ok) return 1;
  if (strings !== undefined && specs.length > 0) {
    err("no type may be specified when dumping strings");
    return 1;
  }

  // od [file] [[+]offset[.][b]] (no modern option, or --traditional)
  let files = operands;
  if (!modern || traditional) {
    if (files.length === 1 && (traditional || files[0]![0] === "+")) {
      const o = parseOldOffset(files[0]!);
      if (o !== undefined) (skip = o), (files = []);
    } else if (files.length === 2 && (traditional || files[1]![0] === "+" || /^\d/.test(files[1]!))) {
      const o = parseOldOffset(files[1]!);
      if (o !== undefined) (skip = o), (files = [files[0]!]);
    }
  }
  if (specs.length === 0) decodeFormat("oS", specs, err);
  if (files.length === 0) files = ["-"];

  // the concatenation of the inputs that open (open_next_file reports the others)
  const parts: Uint8Array[] = [];
  for (const f of files) {
    if (f === "-") {
      parts.push(p.stdinBytes ?? new TextEncoder().encode(p.stdin));
      continue;
    }
    // open_next_file() / check_and_close(): error (0, errno, "%s", quotef (input_filename))
    const r = await readOperand(p, f);
    if (!("bytes" in r)) {
      err(`${quotef(f)}: ${"openError" in r ? r.openError : r.readError}`);
      ok = false;
      // (a directory opens: it is an input, of nothing)
      if ("readError" in r) parts.push(new Uint8Array(0));
    } else parts.push(r.bytes);
  }
  if (parts.length === 0) return 1;
  let total = 0;
  for (const d of parts) total += d.length;
  const input = new Uint8Array(total);
  {
    let o = 0;
    for (const d of parts) input.set(d, o), (o += d.length);
  }
  if (skip > input.length) {
    err("cannot skip past end of combined input");
    return 1;
  }
  const end = limit === undefined ? input.length : Math.min(input.length, skip + limit);

  const address = (a: number): string => (addrNone ? "" : a.toString(addrBase).padStart(addrPad, "0"));

  if (strings !== undefined) {
    // dump_strings(): runs of at least N printable characters ended by a NUL (or the end)
    const printable = (c: number) => (c >= 0x20 && c < 0x7f) || (c >= 7 && c <= 13);
    let pos = skip;
    while (pos < end) {
      let q = pos;
      while (q < end && printable(input[q]!)) q++;
      if (q - pos >= strings && (q === end ? false : input[q] === 0)) {
        let s = "";
        for (let k = pos; k < q; k++) {
          const c = input[k]!;
          const esc: Record<number, string> = { 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v" };
          s += esc[c] ?? String.fromCharCode(c);
        }
        out.push(addrNone ? `${s}\n` : `${address(pos)} ${s}\n`);
      }
      pos = q + 1;
    }
    p.stdout.write(out.join(""));
    return ok ? 0 : 1;
  }

  // bytes per output line: a multiple of every type's size
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  let lcm = 1;
  for (const s of specs) lcm = (lcm * s.size) / gcd(lcm, s.size);
  let perBlock: number;
  if (widthSpecified) {
    if (desiredWidth !== 0 && desiredWidth % lcm === 0) perBlock = desiredWidth;
    else {
      err(`warning: invalid width ${desiredWidth}; using ${lcm} instead`);
      perBlock = lcm;
    }
  } else perBlock = lcm < 16 ? lcm * Math.floor(16 / lcm) : lcm;
  let widthPerBlock = 0;
  for (const s of specs) widthPerBlock = Math.max(widthPerBlock, (s.fieldWidth + 1) * (perBlock / s.size));
  for (const s of specs) s.padWidth = widthPerBlock - s.fieldWidth * (perBlock / s.size);

  let prev: Uint8Array | undefined;
  let prevPairEqual = false;
  const writeBlock = (offset: number, nBytes: number, block: Uint8Array) => {
    if (!verbose && prev && nBytes === perBlock && prev.every((v, k) => v === block[k])) {
      if (!prevPairEqual) out.push("*\n");
      prevPairEqual = true;
    } else {
      prevPairEqual = false;
      specs.forEach((s, i) => {
        const fields = perBlock / s.size;
        const blank = Math.floor((perBlock - nBytes) / s.size);
        let line = i === 0 ? address(offset) : " ".repeat(addrPad);
        let padRemaining = s.padWidth;
        for (let f = fields, off = 0; f > blank; f--, off += s.size) {
          const nextPad = Math.floor((s.padWidth * (f - 1)) / fields);
          line += field(s, block, off, little).padStart(padRemaining - nextPad + s.fieldWidth);
          padRemaining = nextPad;
        }
        if (s.trailer) {
          const padW = Math.floor((s.padWidth * blank) / fields);
          line += " ".repeat(blank * s.fieldWidth + padW) + "  >";
          for (let k = 0; k < nBytes; k++) line += block[k]! >= 0x20 && block[k]! < 0x7f ? String.fromCharCode(block[k]!) : ".";
          line += "<";
        }
        out.push(line + "\n");
      });
    }
    prev = block;
  };

  let offset = skip;
  while (end - offset >= perBlock) {
    writeBlock(offset, perBlock, input.slice(offset, offset + perBlock));
    offset += perBlock;
  }
  if (offset < end) {
    const n = end - offset;
    // zero-padded up to a multiple of every type's size
    const block = new Uint8Array(Math.max(perBlock, lcm * Math.ceil(n / lcm)));
    block.set(input.subarray(offset, end));
    writeBlock(offset, n, block);
    offset = end;
  }
  if (!addrNone) out.push(address(offset) + "\n");
  p.stdout.write(out.join(""));
  return ok ? 0 : 1;
}

export const odCommands: CommandTable = { od };
