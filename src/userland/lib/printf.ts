/**
 * C printf(3) formatting as glibc does it, for the conversions iproute2 uses:
 * flags `-+ #0`, width and precision (also `*`), length modifiers (ignored), and
 * d i u x X o c s f e g %. Integers are JS numbers (or bigints); `u`/`x` of a negative
 * number wraps like a 32-bit unsigned int.
 */

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s + " ".repeat(width - s.length);
  if (zero) {
    const sign = /^[+\- ]/.test(s) ? s[0] : "";
    const pre = sign ? s.slice(1) : s;
    const hex = /^0[xX]/.test(pre) ? pre.slice(0, 2) : "";
    const body = pre.slice(hex.length);
    return sign + hex + "0".repeat(width - s.length) + body;
  }
  return " ".repeat(width - s.length) + s;
}

function toUnsigned(v: number | bigint): bigint {
  if (typeof v === "bigint") return v < 0n ? v + (1n << 64n) : v;
  const n = Math.trunc(v);
  if (n < 0) return BigInt(n >= -0x80000000 ? n + 0x100000000 : n) + (n >= -0x80000000 ? 0n : 1n << 64n);
  return BigInt(n);
}

/** toUnsigned(v) of a number, as a number, when that is a safe integer (else undefined: the
 * BigInt path, which also throws for NaN and infinities as it did) */
function unsignedSafe(v: number): number | undefined {
  const n = Math.trunc(v);
  if (!Number.isSafeInteger(n)) return undefined;
  if (n >= 0) return n;
  return n >= -0x80000000 ? n + 0x100000000 : undefined;
}

/** %e body: mantissa with `prec` decimals and a two-digit (at least) exponent */
function fmtExp(v: number, prec: number, upper: boolean): string {
  let s = v.toExponential(prec);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (m) s = `${m[1]}e${m[2]}${m[3]!.length < 2 ? "0" + m[3] : m[3]}`;
  return upper ? s.toUpperCase() : s;
}

/** %g as C: P significant digits, %e when X < -4 or X >= P, trailing zeros removed unless '#' */
export function fmtG(v: number, precIn: number, alt = false, upper = false): string {
  if (!isFinite(v)) return isNaN(v) ? "-nan" : v < 0 ? "-inf" : "inf";
  const P = precIn === 0 ? 1 : precIn;
  if (v === 0) return alt ? (0).toFixed(P - 1) : "0";
  const e = fmtExp(v, P - 1, false);
  const X = parseInt(e.slice(e.indexOf("e") + 1), 10);
  let s: string;
  if (X < -4 || X >= P) {
    s = e;
    if (!alt) s = s.replace(/\.?0+e/, "e");
  } else {
    s = v.toFixed(P - 1 - X);
    if (!alt && s.includes(".")) s = s.replace(/\.?0+$/, "");
  }
  return upper ? s.toUpperCase() : s;
}

/** one conversion of a format: the text before it, then its flags, width, precision and letter
 * (the regex's groups 1, 2, 3 and 5; the length modifier is ignored) */
interface Conversion {
  readonly before: string;
  readonly flags: string;
  readonly width: string | undefined;
  readonly prec: string | undefined;
  readonly conv: string;
}
/** a format split at its conversions, and the text after the last */
interface ParsedFormat {
  readonly convs: readonly Conversion[];
  readonly tail: string;
}

/** formats as split (a pure function of the string; the code's formats are a few hundred
 * literals, read again at every call: a tool prints thousands of lines with a dozen) */
const formats = new Map<string, ParsedFormat>();

function parseFormat(fmt: string): ParsedFormat {
  const known = formats.get(fmt);
  if (known) return known;
  const re = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|z|j|t|L)?([diuxXoscfFeEgGp%])/g;
  const convs: Conversion[] = [];
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(fmt)) !== null) {
    convs.push({ before: fmt.slice(last, m.index), flags: m[1] ?? "", width: m[2], prec: m[3], conv: m[5]! });
    last = re.lastIndex;
  }
  const f: ParsedFormat = { convs, tail: fmt.slice(last) };
  if (formats.size < 4096) formats.set(fmt, f);
  return f;
}

export function sprintf(fmt: string, ...args: unknown[]): string {
  let out = "";
  let ai = 0;
  const parsed = parseFormat(fmt);
  for (const c of parsed.convs) {
    out += c.before;
    const flags = c.flags;
    const conv = c.conv;
    if (conv === "%") {
      out += "%";
      continue;
    }
    let width = 0;
    let left = flags.includes("-");
    if (c.width === "*") {
      width = Number(args[ai++]);
      if (width < 0) {
        left = true;
        width = -width;
      }
    } else if (c.width) width = parseInt(c.width, 10);
    let prec: number | undefined;
    if (c.prec !== undefined) {
      if (c.prec === "*") {
        prec = Number(args[ai++]);
        if (prec < 0) prec = undefined;
      } else prec = c.prec === "" ? 0 : parseInt(c.prec, 10);
    }
    const zero = flags.includes("0") && !left;
    const plus = flags.includes("+");
    const space = flags.includes(" ");
    const alt = flags.includes("#");
    const arg = args[ai++];
    let s: string;
    switch (conv) {
      case "d":
      case "i": {
        const num = typeof arg === "bigint" ? undefined : Math.trunc(Number(arg ?? 0));
        if (num !== undefined && Number.isSafeInteger(num)) {
          // (a safe integer's digits are its BigInt's: the same text without making one)
          let digits = (num < 0 ? -num : num).toString();
          if (prec !== undefined) digits = prec === 0 && num === 0 ? "" : digits.padStart(prec, "0");
          s = (num < 0 ? "-" : plus ? "+" : space ? " " : "") + digits;
          out += pad(s, width, left, zero && prec === undefined);
          continue;
        }
        const n = typeof arg === "bigint" ? arg : BigInt(num!);
        let digits = (n < 0n ? -n : n).toString();
        if (prec !== undefined) digits = prec === 0 && n === 0n ? "" : digits.padStart(prec, "0");
        s = (n < 0n ? "-" : plus ? "+" : space ? " " : "") + digits;
        out += pad(s, width, left, zero && prec === undefined);
        continue;
      }
      case "u":
      case "x":
      case "X":
      case "o": {
        const un = typeof arg === "bigint" ? undefined : unsignedSafe(Number(arg ?? 0));
        if (un !== undefined) {
          // (toUnsigned()'s value as a number when it is a safe integer: the same digits)
          let digits = un.toString(conv === "u" ? 10 : conv === "o" ? 8 : 16);
          if (conv === "X") digits = digits.toUpperCase();
          if (prec !== undefined) digits = prec === 0 && un === 0 ? "" : digits.padStart(prec, "0");
          if (alt && un !== 0 && (conv === "x" || conv === "X")) digits = (conv === "x" ? "0x" : "0X") + digits;
          if (alt && conv === "o" && !digits.startsWith("0")) digits = "0" + digits;
          out += pad(digits, width, left, zero && prec === undefined);
          continue;
        }
        const n = toUnsigned(typeof arg === "bigint" ? arg : Number(arg ?? 0));
        let digits = n.toString(conv === "u" ? 10 : conv === "o" ? 8 : 16);
        if (conv === "X") digits = digits.toUpperCase();
        if (prec !== undefined) digits = prec === 0 && n === 0n ? "" : digits.padStart(prec, "0");
        if (alt && n !== 0n && (conv === "x" || conv === "X")) digits = (conv === "x" ? "0x" : "0X") + digits;
        if (alt && conv === "o" && !digits.startsWith("0")) digits = "0" + digits;
        out += pad(digits, width, left, zero && prec === undefined);
        continue;
      }
      case "c":
        s = typeof arg === "number" ? String.fromCharCode(arg) : String(arg ?? "");
        out += pad(s, width, left, false);
        continue;
      case "s": {
        s = arg === null || arg === undefined ? "(null)" : String(arg);
        if (prec !== undefined) s = s.slice(0, prec);
        out += pad(s, width, left, false);
        continue;
      }
      case "p":
        s = "0x" + Number(arg ?? 0).toString(16);
        out += pad(s, width, left, false);
        continue;
      default: {
        const v = Number(arg ?? 0);
        const p = prec ?? 6;
        if (!isFinite(v)) {
          // glibc prints the sign bit of a NaN: arithmetic makes x86-64's default NaN, which
          // is negative (0.0/0.0 prints "-nan"); never zero-padded
          s = isNaN(v) ? "-nan" : v < 0 ? "-inf" : (plus ? "+" : space ? " " : "") + "inf";
          if (/[A-Z]/.test(conv)) s = s.toUpperCase();
          out += pad(s, width, left, false);
          continue;
        }
        if (conv === "f" || conv === "F") s = v.toFixed(p);
        else if (conv === "e" || conv === "E") s = fmtExp(v, p, conv === "E");
        else s = fmtG(v, p, alt, conv === "G");
        if (v >= 0 && !s.startsWith("-")) s = (plus ? "+" : space ? " " : "") + s;
        out += pad(s, width, left, zero);
      }
    }
  }
  return out + parsed.tail;
}
