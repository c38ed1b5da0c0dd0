/**
 * The options of coreutils 9.1 tools whose just-bash ports word a bad option their own way
 * (no "Try 'PROG --help'" line, other texts): each tool's getopt_long() optstring and its
 * long_options[] in table order (src/PROG.c), in gnuOptionsCheck()'s notation — "=" takes a
 * value, "?" may have one. A bad option is the tool's usage (EXIT_FAILURE).
 */
export const GNU_OPTIONS: Record<string, { shorts: string; longs: string[]; letters?: Record<string, string> }> = {
  cut: {
    shorts: "b:c:d:f:nsz",
    longs: ["bytes=", "characters=", "fields=", "delimiter=", "only-delimited", "output-delimiter=", "complement", "zero-terminated", "help", "version"],
    // just-bash's cut knows these by their letters only
    letters: { bytes: "b", characters: "c", fields: "f", delimiter: "d", "only-delimited": "s", "zero-terminated": "z" },
  },
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
export function spellOut(args: string[], o: { shorts: string; longs: string[]; letters?: Record<string, string> }): string[] {
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
    const hits = names.includes(name) ? [name] : names.filter((l) => l.startsWith(name));
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

/** the operands getopt_long() leaves (after permutation): the words that are no option and
 * no option's value */
export function operands(args: string[], o: { shorts: string; longs: string[] }): string[] {
  const shorts = o.shorts;
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return [...out, ...args.slice(i + 1)];
    if (!a.startsWith("-") || a === "-") {
      out.push(a);
      continue;
    }
    if (a.startsWith("--")) {
      // --suffix SUFFIX, --target-directory DIR (spelt out, so whole names)
      if (!a.includes("=") && o.longs.includes(`${a.slice(2)}=`)) i++;
      continue;
    }
    // -S SUFFIX, -t DIR: a letter with a value takes the rest of the word, else the next one
    for (let k = 1; k < a.length; k++) {
      const at = shorts.indexOf(a[k]!);
      if (at >= 0 && shorts[at + 1] === ":") {
        if (k === a.length - 1) i++;
        break;
      }
    }
  }
  return out;
}
