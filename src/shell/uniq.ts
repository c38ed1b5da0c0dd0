/**
 * GNU uniq's operands (coreutils 9.1 src/uniq.c): `uniq [OPTION]... [INPUT [OUTPUT]]`. The
 * second operand is the file the output goes to (just-bash's uniq reads it as a second input),
 * a third is "extra operand". check_file() opens INPUT, then OUTPUT for writing (truncated:
 * `uniq f f` reads an empty f and leaves it empty), then copies.
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
