/**
 * Debian 12's awk is mawk 1.3.4 (20200120): its command line (main.c: process_cmdline())
 * before just-bash's awk, which words these its own way. Options come before the program:
 * -f, -F and -v take a value (in the same word or the next), "--" ends them, any other
 * letter is "not an option" (status 2); no program at all is the usage, on stderr, status 0.
 */

/** mawk's usage() */
const MAWK_USAGE = `Usage: mawk [Options] [Program] [file ...]

Program:
    The -f option value is the name of a file containing program text.
    If no -f option is given, a "--" ends option processing; the following
    parameters are the program text.

Options:
    -f program-file  Program  text is read from file instead of from the
                     command-line.  Multiple -f options are accepted.
    -F value         sets the field separator, FS, to value.
    -v var=value     assigns value to program variable var.
    --               unambiguous end of options.

    Implementation-specific options are prefixed with "-W".  They can be
    abbreviated:

    -W version       show version information and exit.
    -W dump          show assembler-like listing of program and exit.
    -W help          show this message and exit.
    -W interactive   set unbuffered output, line-buffered input.
    -W exec file     use file as program as well as last option.
    -W random=number set initial random seed.
    -W sprintf=number adjust size of sprintf buffer.
    -W posix_space   do not consider "\\n" a space.
    -W usage         show this message and exit.
`;

/**
 * mawk's verdict on the words before its program: a result of its own, or the words for
 * just-bash's awk (-v/-f values in words of their own, no "--", which it does not read)
 */
export function awkCommandLine(args: string[]): { result: { stdout: string; stderr: string; exitCode: number } } | { args: string[] } {
  const fail = (msg: string) => ({ result: { stdout: "", stderr: `awk: ${msg}\n`, exitCode: 2 } });
  // main(): no argument at all is the usage
  if (args.length === 0) return { result: { stdout: "", stderr: MAWK_USAGE, exitCode: 0 } };
  const out: string[] = [];
  let program = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (a[0] !== "-" || a.length === 1) break;
    const c = a[1]!;
    // -W's implementation options are left to just-bash's awk
    if (c === "W") return { args };
    if (c !== "f" && c !== "F" && c !== "v") return fail(`not an option: ${a}`);
    if (a.length === 2 && i + 1 >= args.length) return fail(`option -${c} lacks argument`);
    out.push(`-${c}`, a.length > 2 ? a.slice(2) : args[++i]!);
    if (c === "f") program = true;
  }
  // options and no program: mawk ends there, reading nothing
  if (!program && i >= args.length) return { result: { stdout: "", stderr: "", exitCode: 0 } };
  return { args: [...out, ...args.slice(i)] };
}
