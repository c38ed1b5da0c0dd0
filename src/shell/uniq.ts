/**
 * GNU uniq's operands (coreutils 9.1 src/uniq.c): `uniq [OPTION]... [INPUT [OUTPUT]]`. The
 * second operand is the file the output goes to (just-bash's uniq reads it as a second input),
 * a third is "extra operand". check_file() opens INPUT, then OUTPUT for writing (truncated:
 * `uniq f f` reads an empty f and leaves it empty), then copies. The options and check_file()
 * itself are ported below (uniqOptions(), uniqRun()): just-bash's uniq knows -c -d -u -i only.
 */
import { gnuOptionsCheck } from "./getopt.ts";
import { quote } from "../userland/lib/quotearg.ts";

/** getopt_long()'s optstring and longopts[] of uniq.c (the leading "-" aside: operands come
 * back in order either way) */
const UNIQ_SHORTS = "0123456789Dcdf:is:uw:z";
const UNIQ_LONGS = [
  "count", "repeated", "all-repeated?", "group?", "ignore-case", "unique", "skip-fields=", "skip-chars=",
  "check-chars=", "zero-terminated", "help", "version",
];

export type UniqCommandLine =
  | { result: { stdout: string; stderr: string; exitCode: number } }
  | { args: string[]; input?: string; output?: string };

/** the words just-bash's uniq gets (without OUTPUT), and INPUT and OUTPUT when there is one */
export function uniqCommandLine(args: string[]): UniqCommandLine {
  const o = gnuOptionsCheck("uniq", args, UNIQ_SHORTS, UNIQ_LONGS);
  if (o.error || o.help || o.version || !o.operands || !o.operandAt) return { args };
  if (o.operands.length > 2) {
    const extra = o.operands[2]!;
    return { result: { stdout: "", stderr: `uniq: extra operand ${quote(extra)}\nTry 'uniq --help' for more information.\n`, exitCode: 1 } };
  }
  if (o.operands.length < 2 || o.operands[1] === "-") {
    // `uniq IN -`: OUTPUT "-" is stdout
    if (o.operands.length === 2) return { args: args.filter((_, i) => i !== o.operandAt![1]) };
    return { args };
  }
  return { args: args.filter((_, i) => i !== o.operandAt![1]), input: o.operands[0]!, output: o.operands[1]! };
}

/** uniq.c's settings, as its getopt loop leaves them */
interface UniqOpts {
  count: boolean;
  outputUnique: boolean;
  outputFirstRepeated: boolean;
  outputLaterRepeated: boolean;
  /** --all-repeated's delimit method: none, prepend, separate */
  delimit: "none" | "prepend" | "separate";
  /** --group's method, none without --group */
  grouping: "none" | "separate" | "prepend" | "append" | "both";
  ignoreCase: boolean;
  skipFields: number;
  skipChars: number;
  checkChars: number;
  delimiter: string;
}

/** argmatch(): an exact name or an unambiguous prefix; XARGMATCH's message otherwise */
function argmatch(opt: string, v: string, names: readonly string[]): { value: string } | { error: string } {
  const hit = names.includes(v) ? [v] : names.filter((n) => n.startsWith(v));
  if (hit.length === 1 && v !== "") return { value: hit[0]! };
  const why = hit.length > 1 ? "ambiguous" : "invalid";
  return {
    error: `uniq: ${why} argument ${quote(v)} for ${quote(opt)}\nValid arguments are:\n${names.map((n) => `  - ${quote(n)}\n`).join("")}Try 'uniq --help' for more information.\n`,
  };
}

/** size_opt(): a count of fields or bytes (an overflow is the most there can be) */
function sizeOpt(v: string, what: string): number | { error: string } {
  const m = /^\s*\+?(\d+)$/.exec(v);
  if (!m) return { error: `uniq: ${v}: ${what}\n` };
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

/** the options that take a size, what they set and size_opt()'s message for a bad one */
const SIZE_OPTS = {
  f: ["skipFields", "invalid number of fields to skip"],
  s: ["skipChars", "invalid number of bytes to skip"],
  w: ["checkChars", "invalid number of bytes to compare"],
} as const;

/**
 * uniq.c main()'s option loop over words gnuOptionsCheck() found valid: the settings, or what
 * uniq says and exits 1 with
 */
export function uniqOptions(args: string[], operandAt: Set<number>): UniqOpts | { error: string } {
  const o: UniqOpts = {
    count: false, outputUnique: true, outputFirstRepeated: true, outputLaterRepeated: false, delimit: "none",
    grouping: "none", ignoreCase: false, skipFields: 0, skipChars: 0, checkChars: Number.MAX_SAFE_INTEGER, delimiter: "\n",
  };
  // the obsolete -N: digits accumulate until -f starts afresh
  let obsolete = false;
  const set = (c: string, v?: string): { error: string } | undefined => {
    switch (c) {
      case "c": o.count = true; break;
      case "d": o.outputUnique = false; break;
      case "D": {
        o.outputUnique = false;
        o.outputLaterRepeated = true;
        if (v === undefined) o.delimit = "none";
        else {
          const m = argmatch("--all-repeated", v, ["none", "prepend", "separate"]);
          if ("error" in m) return m;
          o.delimit = m.value as UniqOpts["delimit"];
        }
        break;
      }
      case "group": {
        if (v === undefined) o.grouping = "separate";
        else {
          const m = argmatch("--group", v, ["prepend", "append", "separate", "both"]);
          if ("error" in m) return m;
          o.grouping = m.value as UniqOpts["grouping"];
        }
        break;
      }
      case "f":
      case "s":
      case "w": {
        // (-f starts the field count afresh after an obsolete -N)
        if (c === "f") obsolete = false;
        const [key, what] = SIZE_OPTS[c];
        const n = sizeOpt(v!, what);
        if (typeof n !== "number") return n;
        o[key] = n;
        break;
      }
      case "i": o.ignoreCase = true; break;
      case "u": o.outputFirstRepeated = false; break;
      case "z": o.delimiter = "\0"; break;
      default:
        if (c >= "0" && c <= "9") {
          o.skipFields = obsolete ? Math.min(o.skipFields * 10 + Number(c), Number.MAX_SAFE_INTEGER) : Number(c);
          obsolete = true;
        }
    }
    return undefined;
  };
  const LONG: Record<string, string> = {
    count: "c", repeated: "d", "all-repeated": "D", group: "group", "ignore-case": "i", unique: "u",
    "skip-fields": "f", "skip-chars": "s", "check-chars": "w", "zero-terminated": "z",
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    if (operandAt.has(i) || a.length < 2 || a[0] !== "-") continue;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const full = Object.keys(LONG).find((l) => l === name) ?? Object.keys(LONG).find((l) => l.startsWith(name));
      if (!full) continue;
      const c = LONG[full]!;
      const v = eq >= 0 ? a.slice(eq + 1) : "fsw".includes(c) ? args[++i] : undefined;
      const e = set(c, v);
      if (e) return e;
      continue;
    }
    for (let k = 1; k < a.length; k++) {
      const c = a[k]!;
      if ("fsw".includes(c)) {
        const e = set(c, k + 1 < a.length ? a.slice(k + 1) : args[++i]);
        if (e) return e;
        break;
      }
      const e = set(c);
      if (e) return e;
    }
  }
  const usage = "Try 'uniq --help' for more information.\n";
  if (o.grouping !== "none" && (o.count || !o.outputUnique || !o.outputFirstRepeated || o.outputLaterRepeated))
    return { error: `uniq: --group is mutually exclusive with -c/-d/-D/-u\n${usage}` };
  if (o.count && o.outputLaterRepeated) return { error: `uniq: printing all duplicated lines and repeat counts is meaningless\n${usage}` };
  return o;
}

/** uniq.c check_file() over the input's text: what it writes */
export function uniqRun(text: string, o: UniqOpts): string {
  const d = o.delimiter;
  const lines = text.split(d);
  if (lines[lines.length - 1] === "") lines.pop();
  const isBlank = (c: string) => c === " " || c === "\t";
  /* find_field() */
  const field = (l: string): string => {
    let i = 0;
    for (let n = 0; n < o.skipFields && i < l.length; n++) {
      while (i < l.length && isBlank(l[i]!)) i++;
      while (i < l.length && !isBlank(l[i]!)) i++;
    }
    i += Math.min(o.skipChars, l.length - i);
    return l.slice(i, i + o.checkChars);
  };
  // memcasecmp(): the C locale's toupper, ASCII letters only
  const fold = (s: string) => s.replace(/[a-z]/g, (c) => c.toUpperCase());
  const different = (a: string, b: string) => (o.ignoreCase ? fold(a) !== fold(b) : a !== b);
  let out = "";
  if (o.outputUnique && o.outputFirstRepeated && !o.count) {
    let prev: string | undefined;
    let printed = false;
    for (const l of lines) {
      const f = field(l);
      const newGroup = prev === undefined || different(f, prev);
      const g = o.grouping;
      if (newGroup && g !== "none" && (g === "prepend" || g === "both" || (printed && (g === "append" || g === "separate")))) out += d;
      if (newGroup || g !== "none") {
        out += l + d;
        prev = f;
        printed = true;
      }
    }
    if ((o.grouping === "both" || o.grouping === "append") && printed) out += d;
    return out;
  }
  if (lines.length === 0) return out;
  /* writeline() */
  const write = (l: string, match: boolean, count: number) => {
    if (!(count === 0 ? o.outputUnique : !match ? o.outputFirstRepeated : o.outputLaterRepeated)) return;
    if (o.count) out += `${String(count + 1).padStart(7)} `;
    out += l + d;
  };
  let prev = lines[0]!;
  let prevField = field(prev);
  let matches = 0;
  let firstDelimiter = true;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    const f = field(l);
    const match = !different(f, prevField);
    if (match) matches++;
    if (o.delimit !== "none") {
      if (!match) {
        if (matches) firstDelimiter = false;
      } else if (matches === 1 && (o.delimit === "prepend" || (o.delimit === "separate" && !firstDelimiter))) out += d;
    }
    if (!match || o.outputLaterRepeated) {
      write(prev, match, matches);
      prev = l;
      prevField = f;
      if (!match) matches = 0;
    }
  }
  write(prev, false, matches);
  return out;
}

/**
 * The whole of `uniq ARGS` when this port runs it: its settings and INPUT (undefined or "-"
 * for standard input), or uniq's own error; undefined when the words are gnuOptionsCheck()'s
 * to answer (a bad option, --help, --version)
 */
export function uniqPort(args: string[]): { opts: UniqOpts; input: string | undefined } | { error: string } | undefined {
  const o = gnuOptionsCheck("uniq", args, UNIQ_SHORTS, UNIQ_LONGS);
  if (o.error || o.help || o.version || !o.operands || !o.operandAt) return undefined;
  const opts = uniqOptions(args, new Set(o.operandAt));
  if ("error" in opts) return opts;
  return { opts, input: o.operands[0] };
}
