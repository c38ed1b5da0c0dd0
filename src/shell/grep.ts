/**
 * GNU grep's basic regular expressions (BRE, the default, `-G`) for just-bash's grep, which
 * reads `$` before `\|` as a literal, treats `\+` and `\?` as literals and refuses
 * back-references in BREs: each pattern given on the command line is rewritten into the
 * equivalent extended expression and grep runs with `-E`. (GNU BRE: `\| \( \) \{ \} \+ \?`
 * are the operators, `| ( ) { } + ?` literals; `^` anchors at the start of the expression or
 * of an alternative or group, `$` at its end; `*` there is a literal.)
 */
import { gnuOptionsCheck } from "./getopt.ts";
import { mapOptionWords, spellOut } from "./gnuopts.ts";

/** one BRE as the equivalent ERE */
export function breToEre(p: string): string {
  let out = "";
  let atStart = true; // where `^` anchors and `*` is a literal
  for (let i = 0; i < p.length; ) {
    const c = p[i]!;
    if (c === "\\" && i + 1 < p.length) {
      const n = p[i + 1]!;
      i += 2;
      if (n === "|" || n === "(") {
        out += n;
        atStart = true;
      } else if (n === ")" || n === "{" || n === "}" || n === "+" || n === "?") {
        out += n;
        atStart = false;
      } else {
        out += `\\${n}`;
        atStart = false;
      }
      continue;
    }
    if (c === "[") {
      // a bracket expression, copied as it is: `]` first (or after `^`) is a member, and
      // `[:class:]`, `[.x.]`, `[=x=]` hold their own `]`
      let j = i + 1;
      if (p[j] === "^") j++;
      if (p[j] === "]") j++;
      while (j < p.length && p[j] !== "]") {
        if (p[j] === "[" && (p[j + 1] === ":" || p[j + 1] === "." || p[j + 1] === "=")) {
          const close = p.indexOf(`${p[j + 1]}]`, j + 2);
          j = close < 0 ? p.length : close + 2;
        } else j++;
      }
      out += p.slice(i, j + 1);
      i = j + 1;
      atStart = false;
      continue;
    }
    if (c === "^") {
      out += atStart ? "^" : "\\^";
      i++;
      continue; // `*` right after an anchoring `^` is still a literal
    }
    if (c === "$") {
      const end = i + 1 === p.length || p.startsWith("\\)", i + 1) || p.startsWith("\\|", i + 1);
      out += end ? "$" : "\\$";
      i++;
      atStart = false;
      continue;
    }
    if (c === "*") {
      out += atStart ? "\\*" : "*";
      i++;
      atStart = false;
      continue;
    }
    out += "+?{}|()".includes(c) ? `\\${c}` : c;
    i++;
    atStart = false;
  }
  return out;
}

/** GNU grep's short options that take an argument, and long ones */
const SHORT_ARG = new Set(["e", "f", "m", "A", "B", "C", "d", "D", "X"]);
const LONG_ARG = new Set([
  "regexp", "file", "max-count", "after-context", "before-context", "context", "devices", "directories", "exclude",
  "include", "exclude-dir", "exclude-from", "label", "binary-files", "group-separator",
]);

/**
 * The arguments of a grep run rewritten for just-bash's grep: its patterns (`-e P` any number
 * of times, `-eP`, `--regexp=P`, `--regexp P`, lines of each, else the first operand),
 * translated from BRE unless `-E` was given, joined into one extended expression passed as
 * `-e`, with `-E`. Undefined for `-F` and `-P` runs (the last of -E/-F/-G/-P wins) and for
 * patterns read from a file (-f), which go to just-bash as they are.
 */
export function grepArgs(args: string[]): string[] | undefined {
  let mode = "G";
  let fromFile = false;
  const opts: string[] = [];
  const operands: string[] = [];
  const patterns: string[] = [];
  let explicit = false;
  let afterDashDash = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (afterDashDash || a === "-" || !a.startsWith("-")) {
      operands.push(a);
      continue;
    }
    if (a === "--") {
      afterDashDash = true;
      continue;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (name === "extended-regexp") mode = "E";
      else if (name === "fixed-strings") mode = "F";
      else if (name === "perl-regexp") mode = "P";
      else if (name === "basic-regexp") mode = "G";
      else if (name === "file") fromFile = true;
      let value: string | undefined;
      if (LONG_ARG.has(name)) value = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (name === "regexp") {
        explicit = true;
        if (value !== undefined) patterns.push(value);
        continue;
      }
      opts.push(a);
      if (LONG_ARG.has(name) && eq < 0 && value !== undefined) opts.push(value);
      continue;
    }
    // a cluster of short options: the first that takes an argument takes the rest of the
    // word, or the next word
    let k = 1;
    let kept = "-";
    for (; k < a.length; k++) {
      const o = a[k]!;
      if (o === "E" || o === "F" || o === "P" || o === "G") mode = o;
      if (!SHORT_ARG.has(o)) {
        kept += o;
        continue;
      }
      if (o === "f") fromFile = true;
      const value = k + 1 < a.length ? a.slice(k + 1) : args[++i];
      if (o === "e") {
        explicit = true;
        if (value !== undefined) patterns.push(value);
      } else {
        kept += o;
        if (kept.length > 1) opts.push(kept);
        kept = "-";
        if (value !== undefined) opts.push(value);
      }
      break;
    }
    if (kept.length > 1) opts.push(kept);
  }
  if ((mode !== "G" && mode !== "E") || fromFile) return undefined;
  if (!explicit) {
    if (!operands.length) return undefined;
    patterns.push(operands.shift()!);
  }
  const each = patterns.flatMap((p) => p.split("\n")).map((p) => (mode === "G" ? breToEre(p) : p));
  const joined = each.length === 1 ? each[0]! : each.map((p) => `(${p})`).join("|");
  return ["-E", ...opts, "-e", joined, ...(afterDashDash ? ["--"] : []), ...operands];
}

/** GNU grep 3.8's optstring: the letters that take a value end a cluster */
const GREP_SHORTS = "0123456789A:B:C:D:EFGHIJLNPTUVX:abcd:e:f:hiLlm:noqRrsuvwxyZz";

/** grep 3.8's long_options[] (src/grep.c), in table order, in gnuOptionsCheck()'s notation */
const GREP_LONGS = [
  "basic-regexp", "extended-regexp", "fixed-regexp", "fixed-strings", "perl-regexp", "after-context=", "before-context=",
  "binary-files=", "byte-offset", "context=", "color?", "colour?", "count", "devices=", "directories=", "exclude=",
  "exclude-from=", "exclude-dir=", "file=", "files-with-matches", "files-without-match", "group-separator=", "help",
  "include=", "ignore-case", "no-ignore-case", "initial-tab", "label=", "line-buffered", "line-number", "line-regexp",
  "max-count=", "no-filename", "no-group-separator", "no-messages", "null", "null-data", "only-matching", "quiet",
  "recursive", "dereference-recursive", "regexp=", "invert-match", "silent", "text", "binary", "unix-byte-offsets",
  "version", "with-filename", "word-regexp",
];
/** the long options that are one option (same val in long_options[]): the second name of each */
const GREP_ALIAS: Record<string, string> = { "fixed-regexp": "fixed-strings", colour: "color", silent: "quiet" };

/** long_options[]' vals that are letters: the form just-bash's grep surely reads */
const GREP_LETTERS: Record<string, string> = {
  "basic-regexp": "G", "extended-regexp": "E", "fixed-strings": "F", "perl-regexp": "P", "after-context": "A",
  "before-context": "B", "byte-offset": "b", context: "C", count: "c", devices: "D", directories: "d", file: "f",
  "files-with-matches": "l", "files-without-match": "L", "ignore-case": "i", "initial-tab": "T", "line-number": "n",
  "line-regexp": "x", "max-count": "m", "no-filename": "h", "no-messages": "s", null: "Z", "null-data": "z",
  "only-matching": "o", quiet: "q", recursive: "r", "dereference-recursive": "R", regexp: "e", "invert-match": "v",
  text: "a", binary: "U", "unix-byte-offsets": "u", "with-filename": "H", "word-regexp": "w",
};

const GREP_USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";

/** xstrtoimax(S, 0, 10, …, ""): a decimal integer, blanks before it, nothing after */
const imaxArg = (v: string) => /^[ \t\n\v\f\r]*[+-]?\d+$/.test(v);

/**
 * grep 3.8's main() up to its first file: getopt_long()'s verdict (its message, then
 * usage(EXIT_TROUBLE)'s two lines), the values it checks as it meets them (context lengths:
 * context_length_arg(); -m), and a run without any pattern (usage). The error (grep's status
 * is 2), or the words for just-bash's grep.
 */
export function grepCommandLine(args: string[]): { error: string } | { args: string[] } {
  let patterns = false;
  const o = gnuOptionsCheck("grep", args, GREP_SHORTS, GREP_LONGS, {
    alias: GREP_ALIAS,
    value: (opt, v) => {
      if (opt === "e" || opt === "f" || opt === "regexp" || opt === "file") patterns = true;
      const context = opt === "A" || opt === "B" || opt === "C" || opt === "after-context" || opt === "before-context" || opt === "context";
      if (context && !(imaxArg(v) && !/^\s*-\d*[1-9]/.test(v))) return `grep: ${v}: invalid context length argument\n`;
      if ((opt === "m" || opt === "max-count") && !imaxArg(v)) return "grep: invalid max count\n";
      return undefined;
    },
  });
  if (o.error) return { error: o.error.replace("Try 'grep --help' for more information.\n", GREP_USAGE) };
  if (o.help || o.version) return { args };
  if (!patterns && !o.operands?.length) return { error: GREP_USAGE };
  // long options spelt out for just-bash's grep, which knows whole names only (as letters
  // where they have one)
  const spelt = spellOut(args, { shorts: GREP_SHORTS, longs: GREP_LONGS, letters: GREP_LETTERS, alias: GREP_ALIAS });
  return {
    args: mapOptionWords(spelt, GREP_SHORTS, (a) => {
      // --color (auto, the default when bare) and --color=never colour nothing on a pipe or
      // file, and just-bash's grep does not know the option
      if (/^--color(=(auto|tty|if-tty|never|no|none))?$/.test(a)) return [];
      // -NUM: the context, both sides (just-bash's grep has no digit options)
      const digits = /^-(\d+)$/.exec(a);
      return digits ? ["-C", digits[1]!] : [a];
    }),
  };
}

/**
 * -s / --no-messages, which just-bash's grep does not know: taken out of the words (a letter
 * of a cluster, the long name or a prefix only it has) and reported, for the caller to drop
 * the messages about unreadable files
 */
export function grepNoMessages(args: string[]): { args: string[]; silent: boolean } {
  let silent = false;
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      out.push(...args.slice(i));
      break;
    }
    if (a.startsWith("--")) {
      if (a.length >= 6 && "--no-messages".startsWith(a)) silent = true;
      else out.push(a);
      continue;
    }
    if (!a.startsWith("-") || a === "-") {
      out.push(a);
      continue;
    }
    let kept = "-";
    let k = 1;
    for (; k < a.length; k++) {
      const c = a[k]!;
      const at = GREP_SHORTS.indexOf(c);
      if (c === "s") {
        silent = true;
        continue;
      }
      kept += c;
      if (at >= 0 && GREP_SHORTS[at + 1] === ":") {
        kept += a.slice(k + 1);
        // the value is the next word when the cluster ends here
        if (k === a.length - 1 && i + 1 < args.length) {
          out.push(kept, args[++i]!);
          kept = "";
        }
        break;
      }
    }
    if (kept !== "" && kept !== "-") out.push(kept);
  }
  return { args: out, silent };
}
