/**
 * gnulib xstrtol.c: xstrtoumax(), how coreutils reads a count with an optional multiplier
 * suffix ("2K", "1MB", "3MiB", "1b"), and xdectoint.c's xnumtoumax() that dies on a bad one.
 * Values are exact (BigInt) up to UINTMAX_MAX (2^64 - 1). And C's strtod() in the C locale.
 */
import { quote } from "./quotearg.ts";

export const LONGINT_OK = 0;
export const LONGINT_OVERFLOW = 1;
export const LONGINT_INVALID_SUFFIX_CHAR = 2;
export const LONGINT_INVALID = 4;

export const UINTMAX_MAX = (1n << 64n) - 1n;

/** the powers of the multiplier suffixes (bkm_scale_by_power()) */
const POWER: Record<string, number> = {
  k: 1, K: 1, M: 2, m: 2, G: 3, g: 3, T: 4, t: 4, P: 5, E: 6, Z: 7, Y: 8, R: 9, Q: 10,
};

/**
 * xstrtoumax(s, NULL, base, &val, validSuffixes): LONGINT_* flags and the value (saturated at
 * UINTMAX_MAX on overflow). `validSuffixes` undefined is NULL (no suffix looked at); a '0' in
 * it allows the second suffix (B: powers of 1000, iB: of 1024).
 */
export function xstrtoumax(s: string, base: 0 | 8 | 10 | 16, validSuffixes?: string): { err: number; val: bigint } {
  let i = 0;
  while (i < s.length && " \t\n\v\f\r".includes(s[i]!)) i++;
  /* strtoumax would negate a '-' number: refused */
  if (s[i] === "-") return { err: LONGINT_INVALID, val: 0n };
  let j = i;
  if (s[j] === "+") j++;
  let radix = base;
  if ((radix === 0 || radix === 16) && s[j] === "0" && (s[j + 1] === "x" || s[j + 1] === "X") && /[0-9a-fA-F]/.test(s[j + 2] ?? "")) {
    radix = 16;
    j += 2;
  } else if (radix === 0) radix = s[j] === "0" ? 8 : 10;
  const digit = (c: string | undefined): number => {
    if (c === undefined) return -1;
    const d = parseInt(c, 16);
    return Number.isNaN(d) || d >= radix ? -1 : d;
  };
  let err = LONGINT_OK;
  let val = 0n;
  const start = j;
  while (digit(s[j]) >= 0) {
    val = val * BigInt(radix) + BigInt(digit(s[j]));
    j++;
  }
  if (val > UINTMAX_MAX) {
    val = UINTMAX_MAX;
    err = LONGINT_OVERFLOW;
  }
  if (j === start) {
    /* no number at all (strtoumax's end at the very start), but a valid suffix there: 1 */
    if (validSuffixes && start === 0 && s[0] !== undefined && validSuffixes.includes(s[0])) val = 1n;
    else return { err: LONGINT_INVALID, val: 0n };
  }
  if (validSuffixes === undefined) return { err, val };
  if (j < s.length) {
    const c = s[j]!;
    if (!validSuffixes.includes(c)) return { err: err | LONGINT_INVALID_SUFFIX_CHAR, val };
    let mul = 1024n;
    let len = 1;
    if (c in POWER && validSuffixes.includes("0")) {
      if (s[j + 1] === "i" && s[j + 2] === "B") len += 2;
      else if (s[j + 1] === "B" || s[j + 1] === "D") {
        mul = 1000n;
        len++;
      }
    }
    let scale: bigint;
    if (c === "b") scale = 512n;
    else if (c === "B") scale = 1024n;
    else if (c === "c") scale = 1n;
    else if (c === "w") scale = 2n;
    else if (c in POWER) scale = mul ** BigInt(POWER[c]!);
    else return { err: err | LONGINT_INVALID_SUFFIX_CHAR, val };
    val *= scale;
    if (val > UINTMAX_MAX) {
      val = UINTMAX_MAX;
      err |= LONGINT_OVERFLOW;
    }
    if (j + len < s.length) err |= LONGINT_INVALID_SUFFIX_CHAR;
  }
  return { err, val };
}

/**
 * xdectoumax(s, min, max, suffixes, what, 0): the number, or the message coreutils dies with
 * ("PROG: WHAT: 'S'", with strerror(EOVERFLOW) or (ERANGE) for one out of range)
 */
export function xdectoumax(prog: string, s: string, min: bigint, max: bigint, suffixes: string, what: string): bigint | string {
  const r = xstrtoumax(s, 10, suffixes);
  let why = "";
  if (r.err === LONGINT_OK) {
    if (r.val < min || r.val > max) why = r.val > 0x3fffffffn ? ": Value too large for defined data type" : ": Numerical result out of range";
    else return r.val;
  } else if (r.err === LONGINT_OVERFLOW) why = ": Value too large for defined data type";
  return `${prog}: ${what}: ${quote(s)}${why}\n`;
}

/** C strtod() prefix parse: [value, rest] (rest === str when nothing parsed): decimal and
 * hexadecimal (0x…p…) numbers, inf, infinity, nan and nan(chars) */
export function strtod(str: string): [number, string] {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:(0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?)|((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(inf(?:inity)?)|(nan(?:\([0-9A-Za-z_]*\))?))/i.exec(str);
  if (!m) return [0, str];
  const sign = m[1] === "-" ? -1 : 1;
  const rest = str.slice(m[0].length);
  if (m[3] !== undefined) return [sign * Number(m[3]), rest];
  if (m[4] !== undefined) return [sign * Infinity, rest];
  if (m[5] !== undefined) return [NaN, rest];
  // hexadecimal: the mantissa's digits, then the binary exponent
  const h = /^0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/.exec(m[2]!)!;
  let v = 0;
  for (const c of h[1]!) v = v * 16 + parseInt(c, 16);
  let scale = 1 / 16;
  for (const c of h[2]!) {
    v += parseInt(c, 16) * scale;
    scale /= 16;
  }
  return [sign * v * 2 ** Number(h[3] ?? 0), rest];
}
