/**
 * GNU uniq's operands (coreutils 9.1 src/uniq.c): `uniq [OPTION]... [INPUT [OUTPUT]]`. The
 * second operand is the file the output goes to (just-bash's uniq reads it as a second input),
 * a third is "extra operand". check_file() opens INPUT, then OUTPUT for writing (truncated:
 * `uniq f f` reads an empty f and leaves it empty), then copies. The options and check_file()
 * itself are ported below (uniqOptions(), uniqRun()): just-bash's uniq knows -c -d -u -i only.
 */
import { gnuOptionsCheck } from "./getopt.ts";
import { quote } from "../userland/lib/quotearg.ts";
import { argmatch, argmatchMessage } from "../userland/lib/argmatch.ts";
import { coreutilsTryHelp } from "../userland/coreutils/gnu_text.ts";

/** getopt_long()'s optstring and longopts[] of uniq.c (the leading "-" aside: operands come
 * back in order either way) */
const UNIQ_SHORTS = "0123456789Dcdf:is:uw:z";
const UNIQ_LONGS = [
  "count", "repeated", "all-repeated?", "group?", "ignore-case", "unique", "skip-fields=", "skip-chars=",
  "check-chars=", "zero-terminated", "help", "version",
];

/** uniq.c's settings, as its getopt loop leaves them */
export interface UniqOpts {
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

export type UniqCommandLine =
  | { result: { stdout: string; stderr: string; exitCode: number } }
  | { args: string[]; opts?: UniqOpts; input?: string; output?: string };

/** size_opt(): a count of fields or bytes (an overflow is the most there can be) */
function sizeOpt(v: string, what: string): number | string {
  const m = /^\s*\+?(\d+)$/.exec(v);
  if (!m) return `uniq: ${v}: ${what}\n`;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

/** the options that take a size, what they set and size_opt()'s message for a bad one */
const SIZE_OPTS = {
  f: ["skipFields", "invalid number of fields to skip"],
  s: ["skipChars", "invalid number of bytes to skip"],
  w: ["checkChars", "invalid number of bytes to compare"],
} as const;

/** the long options by the letter uniq.c's switch treats them as */
const LONG_AS: Record<string, string> = {
  count: "c", repeated: "d", "all-repeated": "D", "ignore-case": "i", unique: "u",
  "skip-fields": "f", "skip-chars": "s", "check-chars": "w", "zero-terminated": "z",
};

/** delimit_method_string[] and grouping_method_string[] */
const DELIMIT_METHODS = ["none", "prepend", "separate"] as const;
const GROUPING_METHODS = ["prepend", "append", "separate", "both"] as const;

/**
 * uniq.c main(): its getopt loop (gnuOptionsCheck() with its settings made as each option is
 * met, size_opt() and XARGMATCH dying there) and the conflicts checked after it; then the
 * operands: the words just-bash's uniq gets (without OUTPUT), INPUT and OUTPUT. Its --help and
 * --version are just-bash's uniq's.
 */
export function uniqCommandLine(args: string[]): UniqCommandLine {
  const usage = coreutilsTryHelp("uniq");
  const fail = (stderr: string) => ({ result: { stdout: "", stderr, exitCode: 1 } });
  const o: UniqOpts = {
    count: false, outputUnique: true, outputFirstRepeated: true, outputLaterRepeated: false, delimit: "none",
    grouping: "none", ignoreCase: false, skipFields: 0, skipChars: 0, checkChars: Number.MAX_SAFE_INTEGER, delimiter: "\n",
  };
  // the obsolete -N: digits accumulate until -f starts afresh
  let obsolete = false;
  // XARGMATCH(): the method's index, or what uniq dies with
  const method = (opt: string, v: string | undefined, names: readonly string[], dflt: number): number | string => {
    if (v === undefined) return dflt;
    const m = argmatch(v, names);
    return m >= 0 ? m : argmatchMessage("uniq", opt, v, names, m) + usage;
  };
  const set = (name: string, v?: string): string | undefined => {
    const c = LONG_AS[name] ?? name;
    switch (c) {
      case "c": o.count = true; break;
      case "d": o.outputUnique = false; break;
      case "D": {
        o.outputUnique = false;
        o.outputLaterRepeated = true;
        const m = method("--all-repeated", v, DELIMIT_METHODS, 0);
        if (typeof m === "string") return m;
        o.delimit = DELIMIT_METHODS[m]!;
        break;
      }
      case "group": {
        const m = method("--group", v, GROUPING_METHODS, 2);
        if (typeof m === "string") return m;
        o.grouping = GROUPING_METHODS[m]!;
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
  const g = gnuOptionsCheck("uniq", args, UNIQ_SHORTS, UNIQ_LONGS, { value: set, flag: set });
  if (g.error) return fail(g.error);
  if (g.help || g.version || !g.operands || !g.operandAt) return { args };
  if (o.grouping !== "none" && (o.count || !o.outputUnique || !o.outputFirstRepeated || o.outputLaterRepeated))
    return fail(`uniq: --group is mutually exclusive with -c/-d/-D/-u\n${usage}`);
  if (o.count && o.outputLaterRepeated) return fail(`uniq: printing all duplicated lines and repeat counts is meaningless\n${usage}`);
  if (g.operands.length > 2) return fail(`uniq: extra operand ${quote(g.operands[2]!)}\n${usage}`);
  const input = g.operands[0];
  if (g.operands.length < 2 || g.operands[1] === "-") {
    // `uniq IN -`: OUTPUT "-" is stdout
    return { args: g.operands.length === 2 ? args.filter((_, i) => i !== g.operandAt![1]) : args, opts: o, ...(input !== undefined ? { input } : {}) };
  }
  return { args: args.filter((_, i) => i !== g.operandAt![1]), opts: o, input: input!, output: g.operands[1]! };
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
