/**
 * GNU sed 4.9's command line (sed/sed.c) over just-bash's sed: getopt_long()'s verdict with
 * sed's usage() (status 1, EXIT_BAD_USAGE), a run without a script, and its files read in
 * turn past one it cannot open.
 */
import type { IFileSystem } from "just-bash";
import { gnuOptionsCheck } from "./getopt.ts";
import { hasFileError } from "./fileerrors.ts";
import { mapOptionWords, spellOut } from "./gnuopts.ts";
import { sedCompileError } from "./sedcompile.ts";

/** GNU sed 4.9's SHORTOPTS and long options (sed/sed.c), in gnuOptionsCheck()'s notation */
const SED_SHORTS = "bsnrzuEe:f:l:i::V:";
const SED_LONGS = [
  "binary", "regexp-extended", "debug", "expression=", "file=", "in-place?", "line-length=", "null-data", "zero-terminated",
  "quiet", "posix", "silent", "sandbox", "separate", "unbuffered", "version", "help", "follow-symlinks",
];

/** getopt_long() over sed's options, whether a script came with -e/-f, the -e expressions in
 * order, and whether any came from a file (-f) */
function sedOptions(args: string[]): { o: ReturnType<typeof gnuOptionsCheck>; script: boolean; exprs: string[]; files: boolean } {
  let script = false;
  let files = false;
  const exprs: string[] = [];
  const o = gnuOptionsCheck("sed", args, SED_SHORTS, SED_LONGS, {
    value: (opt, v) => {
      if (opt === "e" || opt === "expression") exprs.push(v);
      if (opt === "f" || opt === "file") files = true;
      if (opt === "e" || opt === "f" || opt === "expression" || opt === "file") script = true;
      return undefined;
    },
  });
  return { o, script, exprs, files };
}

/**
 * GNU sed reads its files in turn and goes on past one it cannot open ("can't read NAME: …",
 * then status 2); just-bash's sed stops at it. The input files of `args` that do not exist are
 * taken out here (their messages kept, in order), for the caller to run sed on the rest —
 * /dev/null when none is left, so that the script is still read and no stdin is. The words
 * unchanged and no message when there is nothing to take out or the options are bad.
 */
export async function sedDropMissing(args: string[], fs: IFileSystem, cwd: string): Promise<{ args: string[]; messages: string }> {
  const { o, script } = sedOptions(args);
  if (o.error || !o.operandAt) return { args, messages: "" };
  const inPlace = args.some((a, i) => !o.operandAt!.includes(i) && ((a.startsWith("--in") && "--in-place".startsWith(a.split("=")[0]!)) || /^-[bsnrzuE]*i/.test(a)));
  const files = script ? o.operandAt : o.operandAt.slice(1);
  const missing = new Set<number>();
  let messages = "";
  for (const at of files) {
    const f = args[at]!;
    if (f === "-") continue;
    try {
      await fs.stat(fs.resolvePath(cwd, f));
    } catch {
      missing.add(at);
      // (in just-bash's words, which fixFileErrors() turns into GNU sed's with the real errno)
      messages += `sed: ${f}: No such file or directory\n`;
    }
  }
  if (!missing.size) return { args, messages: "" };
  // in place the file is the output too: no /dev/null stands in for the last one (just-bash
  // says what GNU says of them)
  if (inPlace && missing.size === files.length) return { args, messages: "" };
  const kept = args.filter((_, i) => !missing.has(i));
  return { args: missing.size === files.length ? [...kept, "/dev/null"] : kept, messages };
}

/** sed.c: usage() as Debian 12's sed 4.9 prints it */
const SED_USAGE = `Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the \`l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
`;

/**
 * sed's options before any file is read: a bad one is getopt_long()'s message and the usage
 * (stderr, status 1); no script (no -e/-f, no operand) is the usage alone; --help the usage on
 * stdout. Else the words for just-bash's sed.
 */
export function sedCommandLine(args: string[]): { result: { stdout: string; stderr: string; exitCode: number } } | { args: string[] } {
  const { o, script, exprs, files } = sedOptions(args);
  if (o.error) return { result: { stdout: "", stderr: o.error.replace("Try 'sed --help' for more information.\n", SED_USAGE), exitCode: 1 } };
  // usage(EXIT_SUCCESS) adds the bug-report address (contact())
  if (o.help) return { result: { stdout: SED_USAGE + "E-mail bug reports to: <bug-sed@gnu.org>.\n", stderr: "", exitCode: 0 } };
  if (o.version) return { args };
  if (!script && !o.operands?.length) return { result: { stdout: "", stderr: SED_USAGE, exitCode: 1 } };
  // the script is compiled before any file is opened (a script file's errors, "file F line
  // L:", are left to just-bash's sed)
  if (!files) {
    const operandAt = new Set(o.operandAt ?? []);
    const extended = args.some((a, i) => !operandAt.has(i) && (/^-[bsnzu]*[Er]/.test(a) || (a.length > 5 && "--regexp-extended".startsWith(a))));
    const bad = sedCompileError(script ? exprs : [o.operands![0]!], extended);
    if (bad) return { result: { stdout: "", stderr: bad.stderr, exitCode: bad.exitCode } };
  }
  // just-bash's sed knows no "--" (getopt's end of the options, wherever it stands): it goes,
  // unless a word after it would then read as an option
  if (o.endAt !== undefined && !args.slice(o.endAt + 1).some((a) => a.startsWith("-") && a !== "-")) {
    args = [...args.slice(0, o.endAt), ...args.slice(o.endAt + 1)];
  }
  // long options by prefix, as letters where just-bash's sed has them; the ones that change
  // nothing sed prints to a pipe or file (-u, -b, --posix, --sandbox, --follow-symlinks) left out
  const spelt = spellOut(args, { shorts: SED_SHORTS, longs: SED_LONGS, letters: SED_LETTERS });
  const unseen = ["--posix", "--sandbox", "--follow-symlinks", "--unbuffered", "--binary"];
  return {
    args: mapOptionWords(spelt, SED_SHORTS, (a) => {
      if (unseen.includes(a)) return [];
      // a cluster of flags only: without -u and -b
      if (/^-[a-zA-Z]+$/.test(a) && !/[efli]/.test(a)) {
        const kept = a.slice(1).replace(/[ub]/g, "");
        return kept ? [`-${kept}`] : [];
      }
      return [a];
    }),
  };
}

/** the long options just-bash's sed surely reads as letters */
const SED_LETTERS: Record<string, string> = { expression: "e", file: "f", quiet: "n", silent: "n", "regexp-extended": "E", "null-data": "z", "zero-terminated": "z", separate: "s", "line-length": "l" };

/**
 * just-bash's sed run on the files sedDropMissing() kept, with the messages of those it took
 * out before its own and status 2 (or worse); a script it could not compile is all GNU sed
 * says, before any file is read.
 */
export function sedWithMissing(r: { stdout: string; stderr: string; exitCode: number }, messages: string): { stdout: string; stderr: string; exitCode: number } {
  const scriptError = r.exitCode === 1 && r.stderr !== "" && !hasFileError("sed", r.stderr);
  if (!messages || scriptError) return r;
  return { ...r, stderr: messages + r.stderr, exitCode: r.exitCode || 2 };
}
