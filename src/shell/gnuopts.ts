/**
 * The options of coreutils 9.1 tools whose just-bash ports word a bad option their own way
 * (no "Try 'PROG --help'" line, other texts): each tool's getopt_long() optstring and its
 * long_options[] in table order (src/PROG.c), in gnuOptionsCheck()'s notation — "=" takes a
 * value, "?" may have one. A bad option is the tool's usage (EXIT_FAILURE).
 */
import { quoteaf } from "../userland/lib/quotearg.ts";
import { gnuOptionsCheck } from "./getopt.ts";

/** `letters`: the short option a long one is spelt as; `alias`: the other name of an option
 * with two (grep's --colour), taken as that one */
type GnuTool = { shorts: string; longs: string[]; letters?: Record<string, string>; alias?: Record<string, string> };

export const GNU_OPTIONS: Record<string, GnuTool> = {
  wc: { shorts: "clLmw", longs: ["bytes", "chars", "lines", "words", "debug", "files0-from=", "max-line-length", "help", "version"] },
  // "+": options end at the first operand (tr a -d: "-d" is SET2)
  tr: { shorts: "+AcCdst", longs: ["complement", "delete", "squeeze-repeats", "truncate-set1", "help", "version"] },
  mkdir: { shorts: "pm:vZ", longs: ["context?", "mode=", "parents", "verbose", "help", "version"] },
  rmdir: { shorts: "pv", longs: ["ignore-fail-on-non-empty", "path", "parents", "verbose", "help", "version"] },
  rm: { shorts: "dfirvIR", longs: ["force", "interactive?", "one-file-system", "no-preserve-root", "preserve-root?", "-presume-input-tty", "recursive", "dir", "verbose", "help", "version"] },
  cp: {
    shorts: "abdfHilLnprst:uvxPRS:TZ",
    longs: [
      "archive", "attributes-only", "backup?", "copy-contents", "dereference", "force", "interactive", "link", "no-clobber", "no-dereference",
      "no-preserve=", "no-target-directory", "one-file-system", "parents", "path", "preserve?", "recursive", "remove-destination", "sparse=",
      "reflink?", "strip-trailing-slashes", "suffix=", "symbolic-link", "target-directory=", "update", "verbose", "context?", "help", "version",
    ],
  },
  mv: { shorts: "bfint:uvS:TZ", longs: ["backup?", "context", "force", "interactive", "no-clobber", "no-target-directory", "strip-trailing-slashes", "suffix=", "target-directory=", "update", "verbose", "help", "version"] },
  touch: { shorts: "acd:fhmr:t:", longs: ["time=", "no-create", "date=", "reference=", "no-dereference", "help", "version"] },
};

/**
 * A coreutils tool's command line before just-bash's port runs it: getopt_long()'s verdict on
 * its options (the usage text of a bad one), the tool's own checks made before it touches a
 * file (rm's unabbreviable --no-preserve-root, cp and mv's operand count), and the words
 * spelt out for the port.
 */
export function gnuCommandLine(tool: string, args: string[], o: GnuTool): { error: string } | { args: string[] } {
  const bad = gnuOptionsCheck(tool, optionWords(args, o.shorts), o.shorts.replace(/^\+/, ""), o.longs);
  if (bad.error) return { error: bad.error };
  const end = args.indexOf("--");
  const opts = end < 0 ? args : args.slice(0, end);
  // rm.c: case NO_PRESERVE_ROOT — the one option it will not take abbreviated
  const abbreviated = (w: string) => w.startsWith("--n") && w !== "--no-preserve-root" && "--no-preserve-root".startsWith(w);
  if (tool === "rm" && opts.some(abbreviated)) return { error: "rm: you may not abbreviate the --no-preserve-root option\n" };
  let out = spellOut(args, o);
  // rm's --preserve-root (of /, the default) and --no-preserve-root are none of just-bash's business
  if (tool === "rm") out = out.filter((a, i) => !["--preserve-root", "--preserve-root=all", "--no-preserve-root"].includes(a) || out.slice(0, i).includes("--"));
  // cp.c / mv.c: the operand count, checked before anything is copied
  if (tool === "cp" || tool === "mv") {
    const ops = operands(out, o);
    const target = out.some((a) => a === "-t" || a.startsWith("--target-directory") || /^-[a-zA-Z]*t/.test(a));
    const tryLine = `Try '${tool} --help' for more information.\n`;
    if (ops.length === 0) return { error: `${tool}: missing file operand\n${tryLine}` };
    if (ops.length === 1 && !target) return { error: `${tool}: missing destination file operand after ${quoteaf(ops[0]!)}\n${tryLine}` };
  }
  return { args: out };
}

/** the words getopt_long() reads as options: all of them (GNU permutation), or with a "+"
 * optstring those before the first operand */
export function optionWords(args: string[], shorts: string): string[] {
  if (!shorts.startsWith("+")) return args;
  const i = args.findIndex((a) => a === "--" || a === "-" || !a.startsWith("-"));
  return i < 0 ? args : args.slice(0, i);
}

/**
 * The words as the tool's getopt_long() takes them, for a port that knows only whole long
 * names: each unambiguous abbreviation (--fie=1, --lin) spelled out; with a "+" optstring a
 * "--" before the first operand, so that a later "-x" stays an operand
 */
export function spellOut(args: string[], o: GnuTool): string[] {
  const names = o.longs.map((l) => l.replace(/[=?]$/, ""));
  const out: string[] = [];
  const inOrder = o.shorts.startsWith("+");
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return [...out, ...args.slice(i)];
    if (!a.startsWith("-") || a === "-") {
      if (inOrder) return [...out, "--", ...args.slice(i)];
      out.push(a);
      continue;
    }
    if (!a.startsWith("--")) {
      out.push(a);
      // a short option's value in the next word is not an option
      const last = a[a.length - 1]!;
      const at = o.shorts.indexOf(last);
      if (at > 0 && o.shorts[at + 1] === ":" && a.indexOf(last) === a.length - 1 && i + 1 < args.length) out.push(args[++i]!);
      continue;
    }
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const found = names.includes(name) ? [name] : names.filter((l) => l.startsWith(name));
    const hits = o.alias ? [...new Set(found.map((l) => o.alias![l] ?? l))] : found;
    if (hits.length !== 1) {
      out.push(a);
      continue;
    }
    const takes = o.longs[names.indexOf(hits[0]!)]!.slice(-1);
    const spelt = o.letters?.[hits[0]!] ? `-${o.letters[hits[0]!]}` : `--${hits[0]}`;
    // a required value as a word of its own (--fields 1): the form every port reads
    if (takes === "=" && eq >= 0) out.push(spelt, a.slice(eq + 1));
    else out.push(`${spelt}${eq < 0 ? "" : a.slice(eq)}`);
    if (eq < 0 && takes === "=" && i + 1 < args.length) out.push(args[++i]!);
  }
  return out;
}

/**
 * The words with each option word replaced by what `map` makes of it (none, itself, others):
 * an option's value in the next word (after a cluster whose first value-taking letter is its
 * last) and everything after "--" go through as they are. For spellOut()'s words, whose long
 * options carry no value in the next word but a required one.
 */
export function mapOptionWords(words: string[], shorts: string, map: (word: string) => string[]): string[] {
  const end = words.indexOf("--");
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!;
    if (end >= 0 && i >= end) {
      out.push(a);
      continue;
    }
    out.push(...map(a));
    if (!/^-[^-]/.test(a)) continue;
    for (let k = 1; k < a.length; k++) {
      const at = shorts.indexOf(a[k]!);
      if (at < 0 || shorts[at + 1] !== ":") continue;
      // "x::": an optional value, in the same word only
      if (shorts[at + 2] !== ":" && k === a.length - 1 && i + 1 < words.length) out.push(words[++i]!);
      break;
    }
  }
  return out;
}

/** the operands getopt_long() leaves (after permutation): the words that are no option and
 * no option's value */
export function operands(args: string[], o: GnuTool): string[] {
  return splitOperands(args, o).operands;
}

/** the words of a spelt-out command line (spellOut()) as its options (with their values) and
 * its operands, in order */
export function splitOperands(args: string[], o: GnuTool): { options: string[]; operands: string[] } {
  const shorts = o.shorts;
  const options: string[] = [];
  const ops: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return { options, operands: [...ops, ...args.slice(i + 1)] };
    if (!a.startsWith("-") || a === "-") {
      ops.push(a);
      continue;
    }
    options.push(a);
    if (a.startsWith("--")) {
      // --suffix SUFFIX, --target-directory DIR (spelt out, so whole names)
      if (!a.includes("=") && o.longs.includes(`${a.slice(2)}=`) && i + 1 < args.length) options.push(args[++i]!);
      continue;
    }
    // -S SUFFIX, -t DIR: a letter with a value takes the rest of the word, else the next one
    for (let k = 1; k < a.length; k++) {
      const at = shorts.indexOf(a[k]!);
      if (at >= 0 && shorts[at + 1] === ":") {
        if (k === a.length - 1 && i + 1 < args.length) options.push(args[++i]!);
        break;
      }
    }
  }
  return { options, operands: ops };
}
