/**
 * What bash's builtins share: internal_getopt() (builtins/bashgetopt.c) and legal_number().
 *
 * internal_getopt() as the builtins use it: option letters
 * from `spec` ("d:" takes an argument, attached or the next word), up to `--` or the first
 * word that is not an option; the first unknown letter, or a missing argument, ends it.
 */
export interface BuiltinOpts {
  /** the letters given, with the argument of those that take one */
  opts: Map<string, string>;
  /** the operands */
  rest: string[];
  /** the message after `bash: NAME: ` for a bad option (exit 2 with the usage) */
  error?: string;
}

export function builtinGetopt(args: string[], spec: string): BuiltinOpts {
  const opts = new Map<string, string>();
  let k = 0;
  for (; k < args.length; k++) {
    const a = args[k]!;
    if (a === "--") {
      k++;
      break;
    }
    if (a[0] !== "-" || a.length === 1) break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const at = spec.indexOf(c);
      if (at < 0 || c === ":") return { opts, rest: [], error: `-${c}: invalid option` };
      if (spec[at + 1] !== ":") {
        opts.set(c, "");
        continue;
      }
      const v = j + 1 < a.length ? a.slice(j + 1) : args[++k];
      if (v === undefined) return { opts, rest: [], error: `-${c}: option requires an argument` };
      opts.set(c, v);
      break;
    }
  }
  return { opts, rest: args.slice(k) };
}

/** bash's legal_number(): an integer, blanks around it allowed */
export function legalNumber(s: string): number | undefined {
  const m = /^[ \t\n]*([+-]?\d+)[ \t\n]*$/.exec(s);
  return m ? Number(m[1]) : undefined;
}

/**
 * What glibc's getopt_long() says of a GNU tool's arguments (cat, sleep, ls): options anywhere
 * before "--" (permutation), long ones by any unambiguous prefix; the first bad one is the
 * error (with the "Try 'PROG --help'" line); --help and --version are reported when met.
 * `shorts` is an optstring ("w:" takes a value, in the same word or the next); a long name
 * ending in "=" takes a value (`--width=80` or `--width 80`), one ending in "?" may have one
 * (`--color`, `--color=auto`). The words that are no option nor an option's value come back
 * as `operands` (their indexes in `args` as `operandAt`); the "--" that ends the options, if
 * any, is at `endAt`.
 *
 * `hooks.value`, when given, sees each option's value as the loop meets it (the short letter
 * or the long name): an error it returns is the tool's own, made at that point of its getopt
 * loop (before a later bad option is seen). `hooks.flag` sees the other options the same way
 * (a long one's optional value with it), so that a tool's settings come out of this one loop. `hooks.alias` names the long options that are one
 * (same letter, same kind: grep's --fixed-regexp and --fixed-strings): a prefix of several of
 * them only is not ambiguous (glibc compares has_arg, flag and val).
 */
export function gnuOptionsCheck(
  prog: string,
  args: string[],
  shorts: string,
  longs: string[],
  hooks: {
    value?: (opt: string, v: string) => string | undefined;
    flag?: (opt: string, v?: string) => string | undefined;
    alias?: Record<string, string>;
  } = {},
): { error?: string; help?: boolean; version?: boolean; operands?: string[]; operandAt?: number[]; endAt?: number } {
  const tryHelp = `Try '${prog} --help' for more information.\n`;
  const names = longs.map((l) => l.replace(/[=?]$/, ""));
  const { value, flag, alias } = hooks;
  const operands: string[] = [];
  const operandAt: number[] = [];
  let endAt: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      for (let j = i + 1; j < args.length; j++) {
        operands.push(args[j]!);
        operandAt.push(j);
      }
      endAt = i;
      break;
    }
    if (a.length < 2 || a[0] !== "-") {
      operands.push(a);
      operandAt.push(i);
      continue;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      let exact = names.includes(name) ? [name] : names.filter((l) => l.startsWith(name));
      const one = (l: string) => `${alias?.[l] ?? l}${/[=?]$/.exec(longs[names.indexOf(l)]!)?.[0] ?? ""}`;
      if (exact.length > 1 && alias && exact.every((l) => one(l) === one(exact[0]!))) exact = [exact[0]!];
      if (exact.length > 1) {
        return { error: `${prog}: option '${a}' is ambiguous; possibilities:${exact.map((l) => ` '--${l}'`).join("")}\n${tryHelp}` };
      }
      if (exact.length === 0) return { error: `${prog}: unrecognized option '${a}'\n${tryHelp}` };
      const kind = longs[names.indexOf(exact[0]!)]!.slice(-1);
      if (kind === "=") {
        if (eq < 0 && ++i >= args.length) return { error: `${prog}: option '--${exact[0]}' requires an argument\n${tryHelp}` };
        const bad = value?.(exact[0]!, eq < 0 ? args[i]! : a.slice(eq + 1));
        if (bad) return { error: bad };
        continue;
      }
      if (eq >= 0 && kind !== "?") return { error: `${prog}: option '--${exact[0]}' doesn't allow an argument\n${tryHelp}` };
      if (exact[0] === "help") return { help: true };
      if (exact[0] === "version") return { version: true };
      const bad = flag?.(exact[0]!, eq >= 0 ? a.slice(eq + 1) : undefined);
      if (bad) return { error: bad };
      continue;
    }
    for (let k = 1; k < a.length; k++) {
      const c = a[k]!;
      const at = c === ":" ? -1 : shorts.indexOf(c);
      if (at < 0) return { error: `${prog}: invalid option -- '${c}'\n${tryHelp}` };
      // "x::": an optional value, only in the same word (sed's -i[SUFFIX])
      if (shorts[at + 1] === ":" && shorts[at + 2] === ":") {
        if (k + 1 < a.length) value?.(c, a.slice(k + 1));
        break;
      }
      if (shorts[at + 1] === ":") {
        // the value: the rest of this word, else the next one
        if (k + 1 === a.length && ++i >= args.length) return { error: `${prog}: option requires an argument -- '${c}'\n${tryHelp}` };
        const bad = value?.(c, k + 1 < a.length ? a.slice(k + 1) : args[i]!);
        if (bad) return { error: bad };
        break;
      }
      const bad = flag?.(c);
      if (bad) return { error: bad };
    }
  }
  return endAt === undefined ? { operands, operandAt } : { operands, operandAt, endAt };
}
