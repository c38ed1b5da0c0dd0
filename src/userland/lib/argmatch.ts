/**
 * gnulib lib/argmatch.c: the argument of an option that names one of a fixed list (tail
 * --follow=name, od --endian=big, uniq --group=append), and XARGMATCH's message when it names
 * none or several.
 */
import { quote } from "./quotearg.ts";

/** argmatch(): the index of `arg` in `names`, exact or an unambiguous prefix; -1 when it
 * matches none, -2 when it is the prefix of several (the empty string is of all) */
export function argmatch(arg: string, names: readonly string[]): number {
  let match = -1;
  for (let i = 0; i < names.length; i++) {
    if (!names[i]!.startsWith(arg)) continue;
    if (names[i]!.length === arg.length) return i;
    if (match === -1) match = i;
    else return -2;
  }
  return match;
}

/** argmatch_invalid() + argmatch_valid(): "PROG: invalid argument 'X' for '--OPT'" and the
 * list of the valid ones, each line ending in a newline; names next to each other that stand
 * for the same value (`values`) share a line */
export function argmatchMessage(prog: string, context: string, arg: string, names: readonly string[], problem: number, values?: readonly unknown[]): string {
  let list = "";
  names.forEach((n, i) => {
    if (i > 0 && values !== undefined && values[i] === values[i - 1]) list += `, ${quote(n)}`;
    else list += `${i ? "\n" : ""}  - ${quote(n)}`;
  });
  return `${prog}: ${problem === -2 ? "ambiguous" : "invalid"} argument ${quote(arg)} for ${quote(context)}\nValid arguments are:\n${list}\n`;
}
