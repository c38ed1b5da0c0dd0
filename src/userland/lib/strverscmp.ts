/**
 * glibc string/strverscmp.c: strverscmp(), the comparison of version strings: runs of digits
 * compare by value, a run with leading zeroes as a fraction (so "1.09" < "1.1" < "1.10").
 * A state machine over the common prefix decides how the first differing bytes compare.
 */

/** states: normal text, an integral part, a fractional part, leading zeroes only */
const S_N = 0;
const S_I = 3;
const S_F = 6;
const S_Z = 9;

/** how the first difference is decided: by the bytes, or by which digit run is longer */
const CMP = 2;
const LEN = 3;

/** next state by [state + class] (class: 0 other, 1 digit 1-9, 2 digit 0) */
const NEXT = [S_N, S_I, S_Z, S_N, S_I, S_I, S_N, S_F, S_F, S_N, S_F, S_Z];

/** the verdict by [state * 3 + class of the second byte], state holding the first's class */
const RESULT = [
  CMP, CMP, CMP, CMP, LEN, CMP, CMP, CMP, CMP,
  CMP, -1, -1, +1, LEN, LEN, +1, LEN, LEN,
  CMP, CMP, CMP, CMP, CMP, CMP, CMP, CMP, CMP,
  CMP, +1, +1, -1, CMP, CMP, -1, CMP, CMP,
];

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** 0 other, 1 a digit but 0, 2 the digit 0 */
const cls = (c: number): number => (c === 0x30 ? 2 : isDigit(c) ? 1 : 0);

/** strverscmp(a, b): < 0, 0 or > 0; the strings are compared as bytes (Latin-1 code units) */
export function strverscmp(a: string, b: string): number {
  const at = (s: string, i: number): number => (i < s.length ? s.charCodeAt(i) & 0xff : 0);
  let i = 0;
  let c1 = at(a, 0);
  let c2 = at(b, 0);
  let state = S_N + cls(c1);
  let diff: number;
  while ((diff = c1 - c2) === 0) {
    if (c1 === 0) return 0;
    state = NEXT[state]!;
    i++;
    c1 = at(a, i);
    c2 = at(b, i);
    state += cls(c1);
  }
  const verdict = RESULT[state * 3 + cls(c2)]!;
  if (verdict === CMP) return diff;
  if (verdict !== LEN) return verdict;
  // the longer run of digits is the greater number
  let j = i + 1;
  for (; isDigit(at(a, j)); j++) if (!isDigit(at(b, j))) return 1;
  return isDigit(at(b, j)) ? -1 : diff;
}
