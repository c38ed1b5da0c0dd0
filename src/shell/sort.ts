/**
 * GNU coreutils 9.1 sort (src/sort.c) in the C locale, as labtool runs it: keys (-k, the
 * obsolete +POS1 -POS2), -t, -b -d -f -i -n -g -h -M -V -r per key or global, -s, -u, -c/-C,
 * -m, -o (written after all input is read: `sort -o f f` works), -z, and the checks and
 * messages of its command line and its files. strnumcmp() and filevercmp() (gnulib) are
 * ported for -n/-h and -V. --debug, -R and --files0-from are left to just-bash's sort
 * (sortRun() returns undefined for them).
 */
import { getoptLong, type LongOpt } from "../userland/net-tools/lib/util.ts";
import type { Process } from "../userland/process.ts";
import { quote, quotef, quoteaf } from "../userland/lib/quotearg.ts";
import { argmatch, argmatchMessage } from "../userland/lib/argmatch.ts";
import { bytesToLatin1 } from "../wire/pcap.ts";
import { strtod } from "../userland/lib/xstrtol.ts";
import { coreutilsTryHelp } from "../userland/coreutils/gnu_text.ts";

const CHECK = "\u0001check";
const COMPRESS = "\u0001compress-program";
const DEBUG = "\u0001debug";
const FILES0 = "\u0001files0-from";
const NMERGE = "\u0001batch-size";
const RANDOM_SOURCE = "\u0001random-source";
const SORT = "\u0001sort";
const PARALLEL = "\u0001parallel";
const OBSOLETE = "\u0001obsolete-key";

const LONGOPTS: LongOpt[] = [
  { name: "ignore-leading-blanks", hasArg: 0, val: "b" },
  { name: "check", hasArg: 2, val: CHECK },
  { name: "compress-program", hasArg: 1, val: COMPRESS },
  { name: "debug", hasArg: 0, val: DEBUG },
  { name: "dictionary-order", hasArg: 0, val: "d" },
  { name: "ignore-case", hasArg: 0, val: "f" },
  { name: "files0-from", hasArg: 1, val: FILES0 },
  { name: "general-numeric-sort", hasArg: 0, val: "g" },
  { name: "ignore-nonprinting", hasArg: 0, val: "i" },
  { name: "key", hasArg: 1, val: "k" },
  { name: "merge", hasArg: 0, val: "m" },
  { name: "month-sort", hasArg: 0, val: "M" },
  { name: "numeric-sort", hasArg: 0, val: "n" },
  { name: "human-numeric-sort", hasArg: 0, val: "h" },
  { name: "version-sort", hasArg: 0, val: "V" },
  { name: "random-sort", hasArg: 0, val: "R" },
  { name: "random-source", hasArg: 1, val: RANDOM_SOURCE },
  { name: "sort", hasArg: 1, val: SORT },
  { name: "output", hasArg: 1, val: "o" },
  { name: "reverse", hasArg: 0, val: "r" },
  { name: "stable", hasArg: 0, val: "s" },
  { name: "batch-size", hasArg: 1, val: NMERGE },
  { name: "buffer-size", hasArg: 1, val: "S" },
  { name: "field-separator", hasArg: 1, val: "t" },
  { name: "temporary-directory", hasArg: 1, val: "T" },
  { name: "unique", hasArg: 0, val: "u" },
  { name: "zero-terminated", hasArg: 0, val: "z" },
  { name: "parallel", hasArg: 1, val: PARALLEL },
  { name: "help", hasArg: 0, val: "\u0001help" },
  { name: "version", hasArg: 0, val: "\u0001version" },
  // (the +POS1 -POS2 pair, found before getopt sees it)
  { name: "\u0001obsolete-key", hasArg: 1, val: OBSOLETE },
];

/** SIZE_MAX: a key position not given */
const NONE = Number.MAX_SAFE_INTEGER;

type Ignore = "nondictionary" | "nonprinting" | undefined;

interface Key {
  sword: number;
  schar: number;
  eword: number;
  echar: number;
  skipsblanks: boolean;
  skipeblanks: boolean;
  ignore: Ignore;
  translate: boolean;
  numeric: boolean;
  generalNumeric: boolean;
  humanNumeric: boolean;
  month: boolean;
  random: boolean;
  version: boolean;
  reverse: boolean;
  /** find_unit_order()'s memory of SI (0) or IEC (1) units, -1 none yet */
  iecPresent: number;
}

function keyInit(): Key {
  return {
    sword: 0, schar: 0, eword: NONE, echar: 0, skipsblanks: false, skipeblanks: false, ignore: undefined, translate: false,
    numeric: false, generalNumeric: false, humanNumeric: false, month: false, random: false, version: false, reverse: false, iecPresent: -1,
  };
}

/** die(SORT_FAILURE, …): the message, status 2 */
class Die {
  /** (XARGMATCH's usage(EXIT_FAILURE) is status 1) */
  constructor(readonly message: string, readonly usage = false, readonly status = 2) {}
}

// inittables() in the C locale: blanks are field_sep() (isblank or '\n')
const isBlank = (c: number) => c === 32 || c === 9 || c === 10;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const nonprinting = (c: number) => c < 32 || c > 126;
const nondictionary = (c: number) => !isAlnum(c) && !isBlank(c);
const toUpper = (c: number) => (c >= 97 && c <= 122 ? c - 32 : c);

/** set_ordering(): the letters of S that are ordering options set on KEY; the rest of S */
function setOrdering(s: string, key: Key, blanktype: "start" | "end" | "both"): string {
  let i = 0;
  for (; i < s.length; i++) {
    switch (s[i]) {
      case "b":
        if (blanktype !== "end") key.skipsblanks = true;
        if (blanktype !== "start") key.skipeblanks = true;
        break;
      case "d": key.ignore = "nondictionary"; break;
      case "f": key.translate = true; break;
      case "g": key.generalNumeric = true; break;
      case "h": key.humanNumeric = true; break;
      case "i": if (!key.ignore) key.ignore = "nonprinting"; break;
      case "M": key.month = true; break;
      case "n": key.numeric = true; break;
      case "R": key.random = true; break;
      case "r": key.reverse = true; break;
      case "V": key.version = true; break;
      default: return s.slice(i);
    }
  }
  return "";
}

/** parse_field_count(): the leading count of S (SIZE_MAX past it) and the rest; undefined
 * without digits (a message given: it is fatal) */
function parseFieldCount(s: string, msgid?: string): { n: number; rest: string } | undefined {
  const m = /^\d+/.exec(s);
  if (!m) {
    if (msgid !== undefined) throw new Die(`${msgid}: invalid count at start of ${quote(s)}`);
    return undefined;
  }
  const n = Number(m[0]);
  return { n: Number.isSafeInteger(n) && n < NONE ? n : NONE, rest: s.slice(m[0].length) };
}

function badFieldSpec(spec: string, msgid: string): never {
  throw new Die(`${msgid}: invalid field specification ${quote(spec)}`);
}

/** -k POS1[,POS2] */
function parseKey(spec: string): Key {
  const key = keyInit();
  let r = parseFieldCount(spec, "invalid number at field start")!;
  if (r.n === 0) badFieldSpec(spec, "field number is zero");
  key.sword = r.n === NONE ? NONE : r.n - 1;
  let s = r.rest;
  if (s.startsWith(".")) {
    r = parseFieldCount(s.slice(1), "invalid number after '.'")!;
    if (r.n === 0) badFieldSpec(spec, "character offset is zero");
    key.schar = r.n === NONE ? NONE : r.n - 1;
    s = r.rest;
  }
  if (!(key.sword || key.schar)) key.sword = NONE;
  s = setOrdering(s, key, "start");
  if (!s.startsWith(",")) {
    key.eword = NONE;
    key.echar = 0;
  } else {
    r = parseFieldCount(s.slice(1), "invalid number after ','")!;
    if (r.n === 0) badFieldSpec(spec, "field number is zero");
    key.eword = r.n === NONE ? NONE : r.n - 1;
    s = r.rest;
    if (s.startsWith(".")) {
      r = parseFieldCount(s.slice(1), "invalid number after '.'")!;
      key.echar = r.n;
      s = r.rest;
    }
    s = setOrdering(s, key, "end");
  }
  if (s) badFieldSpec(spec, "stray character in field spec");
  return key;
}

/** the traditional +POS1 [-POS2] key (its fields counted from 0), or undefined when POS1 is no key */
function obsoleteKey(pos1: string, pos2: string | undefined): Key | undefined {
  const key = keyInit();
  let r = parseFieldCount(pos1.slice(1));
  if (r === undefined) return undefined;
  key.sword = r.n;
  let s = r.rest;
  if (s.startsWith(".")) {
    r = parseFieldCount(s.slice(1));
    if (r === undefined) return undefined;
    key.schar = r.n;
    s = r.rest;
  }
  if (!(key.sword || key.schar)) key.sword = NONE;
  if (setOrdering(s, key, "start")) return undefined;
  if (pos2 !== undefined) {
    r = parseFieldCount(pos2.slice(1), "invalid number after '-'")!;
    key.eword = r.n;
    s = r.rest;
    if (s.startsWith(".")) {
      r = parseFieldCount(s.slice(1), "invalid number after '.'")!;
      key.echar = r.n;
      s = r.rest;
    }
    if (!key.echar && key.eword) key.eword--;
    if (setOrdering(s, key, "end")) badFieldSpec(pos2, "stray character in field spec");
  }
  return key;
}

const keyNumeric = (k: Key) => k.numeric || k.generalNumeric || k.humanNumeric;

/** default_key_compare() */
const defaultKeyCompare = (k: Key) =>
  !(k.ignore || k.translate || k.skipsblanks || k.skipeblanks || keyNumeric(k) || k.month || k.version || k.random);

/** key_to_opts() */
function keyToOpts(k: Key): string {
  let o = "";
  if (k.skipsblanks || k.skipeblanks) o += "b";
  if (k.ignore === "nondictionary") o += "d";
  if (k.translate) o += "f";
  if (k.generalNumeric) o += "g";
  if (k.humanNumeric) o += "h";
  if (k.ignore === "nonprinting") o += "i";
  if (k.month) o += "M";
  if (k.numeric) o += "n";
  if (k.random) o += "R";
  if (k.reverse) o += "r";
  if (k.version) o += "V";
  return o;
}

// ------------------------------------------------------------------ comparison

interface Line {
  /** the line without its end */
  t: Uint8Array;
  keybeg: number;
  keylim: number;
}

interface Settings {
  keys: Key[];
  /** -t's byte, -1 none (TAB_DEFAULT) */
  tab: number;
  reverse: boolean;
  unique: boolean;
  stable: boolean;
}

/** begfield() */
function begfield(t: Uint8Array, key: Key, tab: number): number {
  let ptr = 0;
  const lim = t.length;
  let sword = key.sword;
  if (tab !== -1) {
    while (ptr < lim && sword-- > 0) {
      while (ptr < lim && t[ptr] !== tab) ++ptr;
      if (ptr < lim) ++ptr;
    }
  } else {
    while (ptr < lim && sword-- > 0) {
      while (ptr < lim && isBlank(t[ptr]!)) ++ptr;
      while (ptr < lim && !isBlank(t[ptr]!)) ++ptr;
    }
  }
  if (key.skipsblanks) while (ptr < lim && isBlank(t[ptr]!)) ++ptr;
  return Math.min(lim, ptr + key.schar);
}

/** limfield() */
function limfield(t: Uint8Array, key: Key, tab: number): number {
  let ptr = 0;
  const lim = t.length;
  let eword = key.eword;
  const echar = key.echar;
  if (echar === 0) eword++;
  if (tab !== -1) {
    while (ptr < lim && eword-- > 0) {
      while (ptr < lim && t[ptr] !== tab) ++ptr;
      if (ptr < lim && (eword || echar)) ++ptr;
    }
  } else {
    while (ptr < lim && eword-- > 0) {
      while (ptr < lim && isBlank(t[ptr]!)) ++ptr;
      while (ptr < lim && !isBlank(t[ptr]!)) ++ptr;
    }
  }
  if (echar !== 0) {
    if (key.skipeblanks) while (ptr < lim && isBlank(t[ptr]!)) ++ptr;
    ptr = Math.min(lim, ptr + echar);
  }
  return ptr;
}

/** the first key's extent of a line, as fillbuf() precomputes it */
function firstKey(t: Uint8Array, s: Settings): Line {
  const key = s.keys[0];
  if (!key) return { t, keybeg: 0, keylim: t.length };
  const keylim = key.eword === NONE ? t.length : limfield(t, key, s.tab);
  let keybeg: number;
  if (key.sword !== NONE) keybeg = begfield(t, key, s.tab);
  else {
    keybeg = 0;
    if (key.skipsblanks) while (keybeg < t.length && isBlank(t[keybeg]!)) keybeg++;
  }
  return { t, keybeg, keylim };
}

/** a byte of a NUL-terminated view: 0 past its end */
const at = (b: Uint8Array, i: number) => (i < b.length ? b[i]! : 0);

/** gnulib strnumcmp-in.h: fraccompare() */
function fraccompare(a: Uint8Array, i: number, b: Uint8Array, j: number): number {
  const DOT = 46;
  if (at(a, i) === DOT && at(b, j) === DOT) {
    for (;;) {
      const x = at(a, ++i);
      const y = at(b, ++j);
      if (x !== y) break;
      if (!isDigit(x)) return 0;
    }
    const x = at(a, i);
    const y = at(b, j);
    if (isDigit(x) && isDigit(y)) return x - y;
    if (isDigit(x)) {
      while (at(a, i) === 48) i++;
      return isDigit(at(a, i)) ? 1 : 0;
    }
    if (isDigit(y)) {
      while (at(b, j) === 48) j++;
      return isDigit(at(b, j)) ? -1 : 0;
    }
    return 0;
  }
  if (at(a, i++) === DOT) {
    while (at(a, i) === 48) i++;
    return isDigit(at(a, i)) ? 1 : 0;
  }
  if (at(b, j++) === DOT) {
    while (at(b, j) === 48) j++;
    return isDigit(at(b, j)) ? -1 : 0;
  }
  return 0;
}

/** gnulib strnumcmp-in.h: numcompare() (no thousands separator in the C locale) */
function strnumcmp(a: Uint8Array, i: number, b: Uint8Array, j: number): number {
  const MINUS = 45;
  const DOT = 46;
  const ZERO = 48;
  let ta = at(a, i);
  let tb = at(b, j);
  if (ta === MINUS) {
    do ta = at(a, ++i);
    while (ta === ZERO);
    if (tb !== MINUS) {
      if (ta === DOT) do ta = at(a, ++i);
      while (ta === ZERO);
      if (isDigit(ta)) return -1;
      while (tb === ZERO) tb = at(b, ++j);
      if (tb === DOT) do tb = at(b, ++j);
      while (tb === ZERO);
      return isDigit(tb) ? -1 : 0;
    }
    do tb = at(b, ++j);
    while (tb === ZERO);
    while (ta === tb && isDigit(ta)) {
      ta = at(a, ++i);
      tb = at(b, ++j);
    }
    if ((ta === DOT && !isDigit(tb)) || (tb === DOT && !isDigit(ta))) return fraccompare(b, j, a, i);
    const tmp = tb - ta;
    let la = 0;
    for (; isDigit(ta); ++la) ta = at(a, ++i);
    let lb = 0;
    for (; isDigit(tb); ++lb) tb = at(b, ++j);
    if (la !== lb) return la < lb ? 1 : -1;
    if (!la) return 0;
    return tmp;
  }
  if (tb === MINUS) {
    do tb = at(b, ++j);
    while (tb === ZERO);
    if (tb === DOT) do tb = at(b, ++j);
    while (tb === ZERO);
    if (isDigit(tb)) return 1;
    while (ta === ZERO) ta = at(a, ++i);
    if (ta === DOT) do ta = at(a, ++i);
    while (ta === ZERO);
    return isDigit(ta) ? 1 : 0;
  }
  while (ta === ZERO) ta = at(a, ++i);
  while (tb === ZERO) tb = at(b, ++j);
  while (ta === tb && isDigit(ta)) {
    ta = at(a, ++i);
    tb = at(b, ++j);
  }
  if ((ta === DOT && !isDigit(tb)) || (tb === DOT && !isDigit(ta))) return fraccompare(a, i, b, j);
  const tmp = ta - tb;
  let la = 0;
  for (; isDigit(ta); ++la) ta = at(a, ++i);
  let lb = 0;
  for (; isDigit(tb); ++lb) tb = at(b, ++j);
  if (la !== lb) return la < lb ? -1 : 1;
  if (!la) return 0;
  return tmp;
}

const skipBlanks = (b: Uint8Array, i = 0) => {
  while (i < b.length && isBlank(b[i]!)) i++;
  return i;
};

/** numcompare() */
const numcompare = (a: Uint8Array, b: Uint8Array) => strnumcmp(a, skipBlanks(a), b, skipBlanks(b));

/** find_unit_order() */
function findUnitOrder(b: Uint8Array, i: number, key: Key): number {
  const ORDERS: Record<number, number> = { 75: 1, 107: 1, 77: 2, 71: 3, 84: 4, 80: 5, 69: 6, 90: 7, 89: 8 };
  let sign = 1;
  if (at(b, i) === 45) {
    sign = -1;
    i++;
  }
  while (isDigit(at(b, i))) {
    i++;
    if (at(b, i) === 46 && isDigit(at(b, i + 1))) i += 2;
  }
  const order = ORDERS[at(b, i)] ?? 0;
  if (order) {
    // check_mixed_SI_IEC()
    const iec = at(b, i + 1) === 105 ? 1 : 0;
    if (key.iecPresent !== -1 && iec !== key.iecPresent) throw new Die("both SI and IEC prefixes present on units");
    key.iecPresent = iec;
  }
  return sign * order;
}

/** human_numcompare() */
function humanNumcompare(a: Uint8Array, b: Uint8Array, key: Key): number {
  const i = skipBlanks(a);
  const j = skipBlanks(b);
  const oa = findUnitOrder(a, i, key);
  const ob = findUnitOrder(b, j, key);
  return oa > ob ? 1 : oa < ob ? -1 : strnumcmp(a, i, b, j);
}

/** strtold()'s value of the longest number at the start (after white space); undefined: none */
function strtold(b: Uint8Array): number | undefined {
  const s = bytesToLatin1(b.subarray(0, Math.min(b.length, 4096)));
  const [v, rest] = strtod(s);
  return rest === s ? undefined : v;
}

/** general_numcompare() */
function generalNumcompare(a: Uint8Array, b: Uint8Array): number {
  const x = strtold(a);
  const y = strtold(b);
  if (x === undefined) return y === undefined ? 0 : -1;
  if (y === undefined) return 1;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  // NaNs after conversion errors, before numbers
  if (y === y) return -1;
  if (x === x) return 1;
  return 0;
}

/** getmonth(): 1..12 for a month's abbreviation after blanks, 0 for anything else */
function getmonth(b: Uint8Array): number {
  const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
  const i = skipBlanks(b);
  if (i + 3 > b.length) return 0;
  const name = String.fromCharCode(toUpper(b[i]!), toUpper(b[i + 1]!), toUpper(b[i + 2]!));
  return MONTHS.indexOf(name) + 1;
}

/** gnulib filevercmp.c: file_prefixlen() */
function filePrefixlen(s: Uint8Array): number {
  const n = s.length;
  let prefixlen = 0;
  for (let i = 0; ; ) {
    if (i === n) return prefixlen;
    i++;
    prefixlen = i;
    while (i + 1 < n && s[i] === 46 && (isAlpha(s[i + 1]!) || s[i + 1] === 126)) {
      for (i += 2; i < n && (isAlnum(s[i]!) || s[i] === 126); i++) continue;
    }
  }
}
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** filevercmp.c: order() */
function verOrder(s: Uint8Array, pos: number, len: number): number {
  if (pos === len) return -1;
  const c = s[pos]!;
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -2;
  return c + 256;
}

/** filevercmp.c: verrevcmp() */
function verrevcmp(s1: Uint8Array, l1: number, s2: Uint8Array, l2: number): number {
  let p1 = 0;
  let p2 = 0;
  while (p1 < l1 || p2 < l2) {
    let firstDiff = 0;
    while ((p1 < l1 && !isDigit(s1[p1]!)) || (p2 < l2 && !isDigit(s2[p2]!))) {
      const c1 = verOrder(s1, p1, l1);
      const c2 = verOrder(s2, p2, l2);
      if (c1 !== c2) return c1 - c2;
      p1++;
      p2++;
    }
    while (p1 < l1 && s1[p1] === 48) p1++;
    while (p2 < l2 && s2[p2] === 48) p2++;
    while (p1 < l1 && p2 < l2 && isDigit(s1[p1]!) && isDigit(s2[p2]!)) {
      if (!firstDiff) firstDiff = s1[p1]! - s2[p2]!;
      p1++;
      p2++;
    }
    if (p1 < l1 && isDigit(s1[p1]!)) return 1;
    if (p2 < l2 && isDigit(s2[p2]!)) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

/** filevercmp.c: filenvercmp() */
function filenvercmp(a: Uint8Array, b: Uint8Array): number {
  if (!a.length) return b.length ? -1 : 0;
  if (!b.length) return 1;
  if (a[0] === 46) {
    if (b[0] !== 46) return -1;
    const adot = a.length === 1;
    const bdot = b.length === 1;
    if (adot) return bdot ? 0 : -1;
    if (bdot) return 1;
    const adotdot = a[1] === 46 && a.length === 2;
    const bdotdot = b[1] === 46 && b.length === 2;
    if (adotdot) return bdotdot ? 0 : -1;
    if (bdotdot) return 1;
  } else if (b[0] === 46) return 1;
  const ap = filePrefixlen(a);
  const bp = filePrefixlen(b);
  const onePass = ap === a.length && bp === b.length;
  const r = verrevcmp(a, ap, b, bp);
  return r || onePass ? r : verrevcmp(a, a.length, b, b.length);
}

function memcmp(a: Uint8Array, i: number, la: number, b: Uint8Array, j: number, lb: number): number {
  const n = Math.min(la, lb);
  for (let k = 0; k < n; k++) {
    const d = a[i + k]! - b[j + k]!;
    if (d) return d;
  }
  return la < lb ? -1 : la !== lb ? 1 : 0;
}

/** keycompare() */
function keycompare(a: Line, b: Line, s: Settings): number {
  let texta = a.keybeg;
  let textb = b.keybeg;
  let lima = a.keylim;
  let limb = b.keylim;
  for (let k = 0; k < s.keys.length; k++) {
    const key = s.keys[k]!;
    if (k > 0) {
      if (key.eword !== NONE) {
        lima = limfield(a.t, key, s.tab);
        limb = limfield(b.t, key, s.tab);
      } else {
        lima = a.t.length;
        limb = b.t.length;
      }
      if (key.sword !== NONE) {
        texta = begfield(a.t, key, s.tab);
        textb = begfield(b.t, key, s.tab);
      } else {
        texta = 0;
        textb = 0;
        if (key.skipsblanks) {
          while (texta < lima && isBlank(a.t[texta]!)) ++texta;
          while (textb < limb && isBlank(b.t[textb]!)) ++textb;
        }
      }
    }
    lima = Math.max(texta, lima);
    limb = Math.max(textb, limb);
    const ignore = key.ignore === "nondictionary" ? nondictionary : key.ignore === "nonprinting" ? nonprinting : undefined;
    const tr = key.translate ? toUpper : undefined;
    let diff = 0;
    if (keyNumeric(key) || key.month || key.random || key.version) {
      let ta = a.t.subarray(texta, lima);
      let tb = b.t.subarray(textb, limb);
      if (ignore || tr) {
        const copy = (x: Uint8Array) => Uint8Array.from(x.filter((c) => !(ignore && ignore(c))).map((c) => (tr ? tr(c) : c)));
        ta = copy(ta);
        tb = copy(tb);
      }
      if (key.numeric) diff = numcompare(ta, tb);
      else if (key.generalNumeric) diff = generalNumcompare(ta, tb);
      else if (key.humanNumeric) diff = humanNumcompare(ta, tb, key);
      else if (key.month) diff = getmonth(ta) - getmonth(tb);
      else diff = filenvercmp(ta, tb);
    } else if (ignore) {
      for (;;) {
        while (texta < lima && ignore(a.t[texta]!)) ++texta;
        while (textb < limb && ignore(b.t[textb]!)) ++textb;
        if (!(texta < lima && textb < limb)) break;
        diff = tr ? tr(a.t[texta]!) - tr(b.t[textb]!) : a.t[texta]! - b.t[textb]!;
        if (diff) break;
        ++texta;
        ++textb;
      }
      if (!diff) diff = (texta < lima ? 1 : 0) - (textb < limb ? 1 : 0);
    } else {
      const lena = lima - texta;
      const lenb = limb - textb;
      if (lena === 0) diff = lenb ? -1 : 0;
      else if (lenb === 0) diff = 1;
      else if (tr) {
        while (texta < lima && textb < limb) {
          diff = tr(a.t[texta++]!) - tr(b.t[textb++]!);
          if (diff) break;
        }
        if (!diff) diff = lena < lenb ? -1 : lena !== lenb ? 1 : 0;
      } else diff = memcmp(a.t, texta, lena, b.t, textb, lenb);
    }
    if (diff) return key.reverse ? -diff : diff;
  }
  return 0;
}

/** compare() */
function compare(a: Line, b: Line, s: Settings): number {
  if (s.keys.length) {
    const diff = keycompare(a, b, s);
    if (diff || s.unique || s.stable) return diff;
  }
  const la = a.t.length;
  const lb = b.t.length;
  let diff: number;
  if (la === 0) diff = lb ? -1 : 0;
  else if (lb === 0) diff = 1;
  else diff = memcmp(a.t, 0, la, b.t, 0, lb);
  return s.reverse ? -diff : diff;
}

// ------------------------------------------------------------------ the program

export interface SortIo {
  stdin: Uint8Array;
  /** a file's bytes, or open(2)'s (or, for a directory, read(2)'s) strerror */
  readFile(name: string): Promise<Uint8Array | { openError: string } | { readError: string }>;
  /** open FILE for writing without truncating (check_output()); strerror on failure */
  openOutput(name: string): Promise<string | undefined>;
  /** write the result to FILE (truncated) */
  writeFile(name: string, data: Uint8Array): Promise<string | undefined>;
}

export type SortResult = { stdout: string; stderr: string; exitCode: number; stdoutKind: "bytes" };

const TRY = coreutilsTryHelp("sort");

/** the lines of an input (the last one ended if it was not) */
function splitLines(b: Uint8Array, eol: number, out: Uint8Array[]): void {
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === eol) {
      out.push(b.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < b.length) out.push(b.subarray(start));
}

/** sort as GNU runs it, or undefined for what is left to just-bash's sort */
export async function sortRun(args: string[], io: SortIo): Promise<SortResult | undefined> {
  let stderr = "";
  const res = (exitCode: number, stdout = ""): SortResult => ({ stdout, stderr, exitCode, stdoutKind: "bytes" });
  const sink = { stderr: { write: (x: string) => void (stderr += x) } } as unknown as Process;
  // the obsolete +POS1 -POS2 (its -POS2 would be an option to getopt): one option of its own
  const argv: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      argv.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (a.startsWith("+") && obsoleteKeyOk(a)) {
      // (+POS1 then -POS2: the end of the key)
      const pos2 = next !== undefined && /^-\d/.test(next);
      argv.push(`--\u0001obsolete-key=${a}\u0000${pos2 ? next : ""}`);
      if (pos2) i++;
    } else argv.push(a);
  }
  const gkey = keyInit();
  gkey.sword = NONE;
  const keys: Key[] = [];
  let checkonly = "";
  let merge = false;
  let stable = false;
  let unique = false;
  let tab = -1;
  let eol = 10;
  let outfile: string | undefined;
  let delegate = false;
  let done: string | undefined;
  let die: Die | undefined;
  const enc = new TextEncoder();
  const g = getoptLong(sink, ["sort", ...argv], "bcCdfghik:mMno:rRsS:t:T:uVy:z", LONGOPTS, {
    stopAtError: true,
    stopIf: (c0, arg) => {
      let c = c0;
      try {
        if (c === SORT) {
          const i = argmatch(arg!, ["general-numeric", "human-numeric", "month", "numeric", "random", "version"]);
          if (i < 0) {
            stderr += argmatchMessage("sort", "--sort", arg!, ["general-numeric", "human-numeric", "month", "numeric", "random", "version"], i);
            die = new Die("", true, 1);
            return true;
          }
          c = "ghMnRV"[i]!;
        }
        if (c === CHECK) {
          if (arg === undefined) c = "c";
          else {
            const words = ["quiet", "silent", "diagnose-first"];
            const i = argmatch(arg, words);
            if (i < 0) {
              stderr += argmatchMessage("sort", "--check", arg, words, i, ["C", "C", "c"]);
              die = new Die("", true, 1);
              return true;
            }
            c = "CCc"[i]!;
          }
        }
        switch (c) {
          case "b": case "d": case "f": case "g": case "h": case "i": case "M": case "n": case "r": case "R": case "V":
            if (c === "R") delegate = true;
            setOrdering(c, gkey, "both");
            break;
          case "c":
          case "C":
            if (checkonly && checkonly !== c) throw new Die("options '-cC' are incompatible");
            checkonly = c;
            break;
          case DEBUG:
          case FILES0:
          case RANDOM_SOURCE:
            delegate = true;
            break;
          case "k":
            keys.push(parseKey(arg!));
            break;
          case OBSOLETE: {
            const [p1, p2] = arg!.split("\u0000") as [string, string];
            keys.push(obsoleteKey(p1, p2 || undefined)!);
            break;
          }
          case "m":
            merge = true;
            break;
          case NMERGE: {
            const m = /^\d+$/.exec(arg!);
            if (!m) throw new Die(`invalid --batch-size argument ${quote(arg!)}`);
            if (Number(arg) < 2) {
              stderr += `sort: invalid --batch-size argument ${quote(arg!)}\n`;
              throw new Die(`minimum --batch-size argument is ${quote("2")}`);
            }
            break;
          }
          case "o":
            if (outfile !== undefined && outfile !== arg) throw new Die("multiple output files specified");
            outfile = arg!;
            break;
          case "s":
            stable = true;
            break;
          case "S":
            // xstrtol_fatal() (as for the short option: which of the two was used is not known here)
            if (!/^\d/.test(arg!)) throw new Die(`invalid -S argument ${quote(arg!)}`);
            if (!/^\d+([bkKmMgGtTpPeEzZyY%]|)$/.test(arg!)) throw new Die(`invalid suffix in -S argument ${quote(arg!)}`);
            break;
          case "t": {
            const t = enc.encode(arg!);
            if (!t.length) throw new Die("empty tab");
            let newtab = t[0]!;
            if (t.length > 1) {
              if (arg === "\\0") newtab = 0;
              else throw new Die(`multi-character tab ${quote(arg!)}`);
            }
            if (tab !== -1 && tab !== newtab) throw new Die("incompatible tabs");
            tab = newtab;
            break;
          }
          case PARALLEL:
            if (!/^\d+$/.test(arg!)) throw new Die(`invalid --parallel argument ${quote(arg!)}`);
            if (Number(arg) === 0) throw new Die("number in parallel must be nonzero");
            break;
          case "u":
            unique = true;
            break;
          case "z":
            eol = 0;
            break;
          case "\u0001help":
          case "\u0001version":
            done = c;
            return true;
        }
      } catch (e) {
        if (!(e instanceof Die)) throw e;
        die = e;
        return true;
      }
      return false;
    },
  });
  if (done) return undefined; // --help, --version: just-bash's texts
  if (die) {
    const d = die as Die;
    if (d.message) stderr += `sort: ${d.message}\n`;
    if (d.usage) stderr += TRY;
    return res(d.status);
  }
  if (g.opts.some(([c]) => c === "?")) {
    stderr += TRY;
    return res(2);
  }
  if (delegate || gkey.random || keys.some((k) => k.random)) return undefined;
  // a key with no ordering options of its own takes the global ones
  for (const key of keys) {
    if (defaultKeyCompare(key) && !key.reverse) {
      Object.assign(key, {
        ignore: gkey.ignore, translate: gkey.translate, skipsblanks: gkey.skipsblanks, skipeblanks: gkey.skipeblanks,
        month: gkey.month, numeric: gkey.numeric, generalNumeric: gkey.generalNumeric, humanNumeric: gkey.humanNumeric,
        version: gkey.version, random: gkey.random, reverse: gkey.reverse,
      });
    }
  }
  if (!keys.length && !defaultKeyCompare(gkey)) keys.push(gkey);
  // check_ordering_compatibility()
  for (const key of keys) {
    if (Number(key.numeric) + Number(key.generalNumeric) + Number(key.humanNumeric) + Number(key.month) + Number(key.version || key.random || !!key.ignore) > 1) {
      const opts = keyToOpts({ ...key, skipsblanks: false, skipeblanks: false, reverse: false });
      stderr += `sort: options '-${opts}' are incompatible\n`;
      return res(2);
    }
  }
  const s: Settings = { keys, tab, reverse: gkey.reverse, unique, stable };
  const files = g.args.length ? g.args : ["-"];
  const cmp = (a: Line, b: Line) => compare(a, b, s);
  let stdinUsed = false;
  const read = async (name: string): Promise<Uint8Array | string> => {
    if (name === "-") {
      if (stdinUsed) return new Uint8Array(0);
      stdinUsed = true;
      return io.stdin;
    }
    const r = await io.readFile(name);
    if (r instanceof Uint8Array) return r;
    return "openError" in r ? `open failed: ${quotef(name)}: ${r.openError}` : `read failed: ${quotef(name)}: ${r.readError}`;
  };
  if (checkonly) {
    if (files.length > 1) {
      stderr += `sort: extra operand ${quoteaf(files[1]!)} not allowed with -${checkonly}\n`;
      return res(2);
    }
    if (outfile !== undefined) {
      stderr += `sort: options '-${checkonly}o' are incompatible\n`;
      return res(2);
    }
    const b = await read(files[0]!);
    if (typeof b === "string") {
      stderr += `sort: ${b}\n`;
      return res(2);
    }
    const raw: Uint8Array[] = [];
    splitLines(b, eol, raw);
    const lines = raw.map((t) => firstKey(t, s));
    // (with -u equal lines are a disorder too)
    const nonunique = unique ? 0 : 1;
    for (let i = 1; i < lines.length; i++) {
      if (nonunique <= cmp(lines[i - 1]!, lines[i]!)) {
        if (checkonly === "c") {
          const shown = new Uint8Array([...lines[i]!.t, eol]);
          stderr += `sort: ${files[0]}:${i + 1}: disorder: ${String.fromCharCode(...shown)}`;
        }
        return res(1);
      }
    }
    return res(0);
  }
  // check_inputs(): every file readable before anything else
  for (const f of files) {
    if (f === "-") continue;
    const r = await io.readFile(f);
    if (!(r instanceof Uint8Array) && "openError" in r) {
      stderr += `sort: cannot read: ${quotef(f)}: ${r.openError}\n`;
      return res(2);
    }
  }
  // check_output(): the output file opened (not truncated) before sorting
  if (outfile !== undefined) {
    const err = await io.openOutput(outfile);
    if (err) {
      stderr += `sort: open failed: ${quotef(outfile)}: ${err}\n`;
      return res(2);
    }
  }
  const perFile: Line[][] = [];
  for (const f of files) {
    const b = await read(f);
    if (typeof b === "string") {
      stderr += `sort: ${b}\n`;
      return res(2);
    }
    const raw: Uint8Array[] = [];
    splitLines(b, eol, raw);
    perFile.push(raw.map((t) => firstKey(t, s)));
  }
  let out: Line[];
  if (merge) {
    // mergefps(): the least head of the inputs in turn (the earliest input on a tie)
    out = [];
    const pos = perFile.map(() => 0);
    for (;;) {
      let best = -1;
      for (let k = 0; k < perFile.length; k++) {
        if (pos[k]! >= perFile[k]!.length) continue;
        if (best < 0 || cmp(perFile[k]![pos[k]!]!, perFile[best]![pos[best]!]!) < 0) best = k;
      }
      if (best < 0) break;
      out.push(perFile[best]![pos[best]!++]!);
    }
  } else {
    out = perFile.flat();
    try {
      out.sort(cmp);
    } catch (e) {
      if (!(e instanceof Die)) throw e;
      stderr += `sort: ${e.message}\n`;
      return res(2);
    }
  }
  if (unique) out = out.filter((l, i) => i === 0 || cmp(out[i - 1]!, l) !== 0);
  let n = 0;
  for (const l of out) n += l.t.length + 1;
  const bytes = new Uint8Array(n);
  let o = 0;
  for (const l of out) {
    bytes.set(l.t, o);
    o += l.t.length;
    bytes[o++] = eol;
  }
  if (outfile !== undefined) {
    const err = await io.writeFile(outfile, bytes);
    if (err) {
      stderr += `sort: write failed: ${quotef(outfile)}: ${err}\n`;
      return res(2);
    }
    return res(0);
  }
  return res(0, bytesToLatin1(bytes));
}

/** would +POS1 be taken as a key (the traditional syntax)? */
function obsoleteKeyOk(pos1: string): boolean {
  try {
    return obsoleteKey(pos1, undefined) !== undefined;
  } catch {
    return false;
  }
}
