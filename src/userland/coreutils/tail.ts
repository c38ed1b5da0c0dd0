/**
 * GNU coreutils 9.1 tail (src/tail.c): the last 10 lines of each FILE (or standard input) —
 * or the last -n NUM lines, -c NUM bytes, or everything from line/byte NUM with +NUM — with an
 * "==> FILE <==" header before each of several. The obsolete first word ([-+]NUM[bcl][f]) is
 * read as tail does under POSIX 2008; a digit anywhere else is an option "used in invalid
 * context".
 *
 * -f/--follow[=descriptor|name], -F (name, --retry): after the initial output the regular files
 * are watched as inotify would, their new bytes printed as they come (a header when another
 * file's output came last), a shrunk one "file truncated"; by name, a file that goes is "has
 * become inaccessible" and one that comes back "has appeared;  following new file". It goes on
 * until the process is killed, or --pid's process is gone. Standard input (a pipe here) is not
 * followed.
 */
import { Exit, type CommandTable, type Process } from "../process.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import { coreutilsAncillary, coreutilsVersion, coreutilsTryHelp } from "./gnu_text.ts";
import { quote, quoteaf, quotef } from "../lib/quotearg.ts";
import { argmatch, argmatchMessage } from "../lib/argmatch.ts";

/** tail.c's follow_mode_string[] */
const FOLLOW_MODES = ["descriptor", "name"] as const;
import { readOperand, operandMessage, writeOut, headerWriter } from "./operand.ts";
import { nap } from "../lib/unistd.ts";
import { xdectoumax, xstrtoumax, strtod, LONGINT_OK, LONGINT_INVALID_SUFFIX_CHAR, UINTMAX_MAX } from "../lib/xstrtol.ts";

const DEFAULT_N_LINES = 10n;
/** tail.c's multiplier suffixes for -c and -n (9.1: no R or Q yet) */
const COUNT_SUFFIXES = "bkKmMGTPEZY0";
/** how often a followed file is looked at (inotify reacts at once; the clock is simulated) */
const WATCH_US = 10_000;
const PID_T_MAX = 0x7fffffffn;

const LONGOPTS: LongOpt[] = [
  { name: "bytes", hasArg: 1, val: "c" },
  { name: "follow", hasArg: 2, val: "\u0001follow" },
  { name: "lines", hasArg: 1, val: "n" },
  { name: "max-unchanged-stats", hasArg: 1, val: "\u0001max" },
  { name: "-disable-inotify", hasArg: 0, val: "\u0001noinotify" },
  { name: "pid", hasArg: 1, val: "\u0001pid" },
  { name: "-presume-input-pipe", hasArg: 0, val: "\u0001pipe" },
  { name: "quiet", hasArg: 0, val: "q" },
  { name: "retry", hasArg: 0, val: "\u0001retry" },
  { name: "silent", hasArg: 0, val: "q" },
  { name: "sleep-interval", hasArg: 1, val: "s" },
  { name: "verbose", hasArg: 0, val: "v" },
  { name: "zero-terminated", hasArg: 0, val: "z" },
  { name: "help", hasArg: 0, val: "\u0001help" },
  { name: "version", hasArg: 0, val: "\u0001version" },
];

const HELP =
  "Usage: tail [OPTION]... [FILE]...\n" +
  "Print the last 10 lines of each FILE to standard output.\n" +
  "With more than one FILE, precede each with a header giving the file name.\n\n" +
  "With no FILE, or when FILE is -, read standard input.\n\n" +
  "Mandatory arguments to long options are mandatory for short options too.\n" +
  "  -c, --bytes=[+]NUM       output the last NUM bytes; or use -c +NUM to\n" +
  "                             output starting with byte NUM of each file\n" +
  "  -f, --follow[={name|descriptor}]\n" +
  "                           output appended data as the file grows;\n" +
  "                             an absent option argument means 'descriptor'\n" +
  "  -F                       same as --follow=name --retry\n" +
  "  -n, --lines=[+]NUM       output the last NUM lines, instead of the last 10;\n" +
  "                             or use -n +NUM to output starting with line NUM\n" +
  "      --max-unchanged-stats=N\n" +
  "                           with --follow=name, reopen a FILE which has not\n" +
  "                             changed size after N (default 5) iterations\n" +
  "                             to see if it has been unlinked or renamed\n" +
  "                             (this is the usual case of rotated log files);\n" +
  "                             with inotify, this option is rarely useful\n" +
  "      --pid=PID            with -f, terminate after process ID, PID dies\n" +
  "  -q, --quiet, --silent    never output headers giving file names\n" +
  "      --retry              keep trying to open a file if it is inaccessible\n" +
  "  -s, --sleep-interval=N   with -f, sleep for approximately N seconds\n" +
  "                             (default 1.0) between iterations;\n" +
  "                             with inotify and --pid=P, check process P at\n" +
  "                             least once every N seconds\n" +
  "  -v, --verbose            always output headers giving file names\n" +
  "  -z, --zero-terminated    line delimiter is NUL, not newline\n" +
  "      --help        display this help and exit\n" +
  "      --version     output version information and exit\n\n" +
  "NUM may have a multiplier suffix:\n" +
  "b 512, kB 1000, K 1024, MB 1000*1000, M 1024*1024,\n" +
  "GB 1000*1000*1000, G 1024*1024*1024, and so on for T, P, E, Z, Y.\n" +
  "Binary prefixes can be used, too: KiB=K, MiB=M, and so on.\n\n" +
  "With --follow (-f), tail defaults to following the file descriptor, which\n" +
  "means that even if a tail'ed file is renamed, tail will continue to track\n" +
  "its end.  This default behavior is not desirable when you really want to\n" +
  "track the actual name of the file, not the file descriptor (e.g., log\n" +
  "rotation).  Use --follow=name in that case.  That causes tail to track the\n" +
  "named file in a way that accommodates renaming, removal and creation.\n\n" +
  coreutilsAncillary("tail");

interface Opts {
  nUnits: bigint;
  countLines: boolean;
  fromStart: boolean;
  forever: boolean;
  followName: boolean;
  retry: boolean;
  pid: bigint;
  /** "multiple" (the default), "never" (-q), "always" (-v) */
  headers: "multiple" | "never" | "always";
  eol: number;
  sleepUs: number;
}

/** tail.c: parse_obsolete_option(): the first word as [-+]NUM[bcl][f] when at most one file
 * follows (false when it is not that form) */
function parseObsolete(p: Process, argv: string[], o: Opts): boolean {
  const argc = argv.length;
  if (!(argc === 2 || (argc === 3 && !(argv[2]![0] === "-" && argv[2]!.length > 1)) || (argc >= 3 && argc <= 4 && argv[2] === "--")))
    return false;
  const a = argv[1]!;
  let i = 1;
  let fromStart: boolean;
  if (a[0] === "+") fromStart = true;
  else if (a[0] === "-") {
    /* "-" is standard input and "-c" wants a value: not this form (POSIX 2008) */
    if (!a[a[1] === "c" ? 2 : 1]) return false;
    fromStart = false;
  } else return false;
  const nStart = i;
  while (i < a.length && a[i]! >= "0" && a[i]! <= "9") i++;
  const nEnd = i;
  let defaultCount = DEFAULT_N_LINES;
  let countLines = true;
  /* b: 512-byte blocks, c: bytes, l: lines */
  if (a[i] === "b") defaultCount *= 512n;
  if (a[i] === "b" || a[i] === "c") countLines = false;
  if (a[i] === "b" || a[i] === "c" || a[i] === "l") i++;
  let forever = false;
  if (a[i] === "f") {
    forever = true;
    i++;
  }
  if (i < a.length) return false;
  if (nStart === nEnd) o.nUnits = defaultCount;
  else {
    const r = xstrtoumax(a.slice(nStart), 10, "b");
    if ((r.err & ~LONGINT_INVALID_SUFFIX_CHAR) !== LONGINT_OK) {
      // die(…, errno, …): strtoumax()'s ERANGE for too many digits; a suffix's overflow sets none
      const erange = BigInt(a.slice(nStart, nEnd)) > UINTMAX_MAX;
      p.stderr.write(`tail: invalid number: ${quote(a)}${erange ? ": Numerical result out of range" : ""}\n`);
      throw new Exit(1);
    }
    o.nUnits = r.val;
  }
  o.fromStart = fromStart;
  o.countLines = countLines;
  o.forever = forever;
  return true;
}

/** tail.c: parse_options(); the operands */
function parseOptions(p: Process, argv: string[], o: Opts): string[] {
  let fatal: string | undefined;
  let stopCode = 0;
  let retry = false;
  const g = getoptLong(p, argv, "c:n:fFqs:vz0123456789", LONGOPTS, {
    stopAtError: true,
    // each case acts as tail's loop does, a fatal one ending it there
    stopIf: (c, arg) => {
      switch (c) {
        case "F":
          o.forever = true;
          o.followName = true;
          retry = true;
          return false;
        case "c":
        case "n": {
          o.countLines = c === "n";
          let v = arg!;
          if (v[0] === "+") o.fromStart = true;
          else if (v[0] === "-") v = v.slice(1);
          const n = xdectoumax("tail", v, 0n, UINTMAX_MAX, COUNT_SUFFIXES, o.countLines ? "invalid number of lines" : "invalid number of bytes");
          if (typeof n === "string") fatal = n;
          else o.nUnits = n;
          return fatal !== undefined;
        }
        case "f":
        case "\u0001follow":
          o.forever = true;
          if (arg === undefined) o.followName = false;
          else {
            const m = argmatch(arg, FOLLOW_MODES);
            if (m >= 0) o.followName = FOLLOW_MODES[m] === "name";
            else fatal = argmatchMessage("tail", "--follow", arg, FOLLOW_MODES, m) + coreutilsTryHelp("tail");
          }
          return fatal !== undefined;
        case "\u0001retry":
          retry = true;
          return false;
        case "\u0001max": {
          const n = xdectoumax("tail", arg!, 0n, UINTMAX_MAX, "", "invalid maximum number of unchanged stats between opens");
          if (typeof n === "string") fatal = n;
          return fatal !== undefined;
        }
        case "\u0001pid": {
          const n = xdectoumax("tail", arg!, 0n, PID_T_MAX, "", "invalid PID");
          if (typeof n === "string") fatal = n;
          else o.pid = n;
          return fatal !== undefined;
        }
        case "q":
          o.headers = "never";
          return false;
        case "v":
          o.headers = "always";
          return false;
        case "z":
          o.eol = 0;
          return false;
        case "s": {
          /* xstrtod(optarg, NULL, …, cl_strtod): a number that is the whole word */
          const [s, rest] = strtod(arg!);
          if (rest !== "" || rest === arg || !(s >= 0)) fatal = `tail: invalid number of seconds: ${quote(arg!)}\n`;
          else o.sleepUs = s * 1e6;
          return fatal !== undefined;
        }
        case "\u0001help":
          p.stdout.write(HELP);
          stopCode = 1;
          return true;
        case "\u0001version":
          p.stdout.write(coreutilsVersion("tail", "Paul Rubin, David MacKenzie, Ian Lance Taylor,\nand Jim Meyering"));
          stopCode = 1;
          return true;
        case "\u0001noinotify":
        case "\u0001pipe":
          return false;
        default:
          if (c >= "0" && c <= "9") {
            fatal = `tail: option used in invalid context -- ${c}\n`;
            return true;
          }
          return false;
      }
    },
  });
  if (fatal !== undefined) {
    p.stderr.write(fatal);
    throw new Exit(1);
  }
  if (stopCode) throw new Exit(0);
  if (g.opts.some(([c]) => c === "?")) {
    p.stderr.write(coreutilsTryHelp("tail"));
    throw new Exit(1);
  }
  if (retry) {
    if (!o.forever) p.stderr.write("tail: warning: --retry ignored; --retry is useful only when following\n");
    else {
      o.retry = true;
      if (!o.followName) p.stderr.write("tail: warning: --retry only effective for the initial open\n");
    }
  }
  if (o.pid && !o.forever) p.stderr.write("tail: warning: PID ignored; --pid=PID is useful only when following\n");
  return g.args;
}

interface TailFile {
  name: string;
  /** pretty_name(): "standard input" for "-" */
  pretty: string;
  stdin: boolean;
  /** the bytes read so far (the followed end) */
  size: number;
  /** it is followed after the first pass */
  followed: boolean;
  /** by name: it could not be read the last time it was looked at */
  gone: boolean;
  /** it was open once (a name that never was gets its inotify watch only when it appears:
   * what was written before that is not seen) */
  opened: boolean;
}


/** tail_lines()/start_lines()/tail_bytes()/start_bytes() of a whole buffer */
function tailOf(b: Uint8Array, o: Opts, n: bigint): Uint8Array {
  const len = b.length;
  const big = n > BigInt(len) ? len + 1 : Number(n);
  if (!o.countLines) return o.fromStart ? b.subarray(Math.min(big, len)) : b.subarray(len - Math.min(big, len));
  if (o.fromStart) {
    // past the first `big` line ends
    let skipped = 0;
    let at = 0;
    for (; at < len && skipped < big; at++) if (b[at] === o.eol) skipped++;
    return b.subarray(at);
  }
  if (big === 0) return b.subarray(len);
  let i = len - 1;
  // the last line's end belongs to it
  if (i >= 0 && b[i] === o.eol) i--;
  let k = big;
  for (; i >= 0; i--) if (b[i] === o.eol && --k === 0) break;
  return b.subarray(i + 1);
}

async function tail(p: Process): Promise<number> {
  const o: Opts = {
    nUnits: DEFAULT_N_LINES, countLines: true, fromStart: false, forever: false, followName: false, retry: false,
    pid: 0n, headers: "multiple", eol: 10, sleepUs: 1e6,
  };
  /* the words after an obsolete option still go through parse_options() (a "--" there) */
  const argv = parseObsolete(p, p.argv, o) ? [p.argv[0]!, ...p.argv.slice(2)] : p.argv;
  const operands = parseOptions(p, argv, o);
  /* tail -n +0 is tail -n +1 */
  let n = o.nUnits;
  if (o.fromStart && n) n--;
  const names = operands.length ? operands : ["-"];
  if (names.includes("-") && o.forever && o.followName) {
    p.stderr.write(`tail: cannot follow ${quoteaf("-")} by name\n`);
    return 1;
  }
  /* nothing to print: nothing read */
  if (!n && !o.forever && !o.fromStart) return 0;
  const printHeaders = o.headers === "always" || (o.headers === "multiple" && names.length > 1);
  const header = headerWriter(p);
  const write = (b: Uint8Array) => writeOut(p, b);
  let ok = true;
  const files: TailFile[] = [];
  for (const name of names) {
    const stdin = name === "-";
    const f: TailFile = { name, pretty: stdin ? "standard input" : name, stdin, size: 0, followed: false, gone: false, opened: true };
    files.push(f);
    const r = await readOperand(p, name);
    if ("openError" in r) {
      p.stderr.write(operandMessage("tail", f.pretty, r));
      ok = false;
      // (by name with --retry it is looked for again)
      f.followed = o.forever && o.retry && o.followName;
      f.gone = true;
      f.opened = false;
      continue;
    }
    if (printHeaders) header(f.pretty);
    if ("readError" in r) {
      p.stderr.write(operandMessage("tail", f.pretty, r));
      ok = false;
      continue;
    }
    write(tailOf(r.bytes, o, n));
    f.size = r.bytes.length;
    f.followed = o.forever && !stdin;
  }
  if (o.forever && files.some((f) => f.followed) && !(await tailForever(p, o, files, printHeaders, header, write))) return 1;
  return ok ? 0 : 1;
}

/** tail_forever_inotify(): new bytes of the followed files as they come, until killed (false:
 * it died of having no files left) */
async function tailForever(
  p: Process, o: Opts, files: TailFile[], printHeaders: boolean, header: (name: string) => void, write: (b: Uint8Array) => void,
): Promise<boolean> {
  let last = files.length - 1;
  let sincePid = 0;
  while (!p.signal.aborted) {
    /* check_output_alive(): a pipe nobody reads any more ends it (SIGPIPE) */
    if (p.stdout.hungUp?.()) return false;
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      if (!f.followed) continue;
      const r = await readOperand(p, f.name);
      if (!("bytes" in r)) {
        // a descriptor still reads the file it opened, gone or not: nothing new comes
        if (o.followName && !f.gone) {
          p.stderr.write(`tail: ${quoteaf(f.pretty)} has become inaccessible: ${"openError" in r ? r.openError : r.readError}\n`);
          f.gone = true;
          if (!o.retry) f.followed = false;
        }
        continue;
      }
      const data = r.bytes;
      if (f.gone) {
        if (!o.followName) continue;
        p.stderr.write(`tail: ${quoteaf(f.pretty)} has appeared;  following new file\n`);
        f.gone = false;
        f.size = f.opened ? 0 : data.length;
        f.opened = true;
      }
      if (data.length < f.size) {
        p.stderr.write(`tail: ${quotef(f.pretty)}: file truncated\n`);
        f.size = 0;
      }
      if (data.length > f.size) {
        if (i !== last) {
          if (printHeaders) header(f.pretty);
          last = i;
        }
        write(data.subarray(f.size));
        f.size = data.length;
      }
    }
    if (!files.some((f) => f.followed)) {
      p.stderr.write("tail: no files remaining\n");
      return false;
    }
    await nap(p, WATCH_US);
    sincePid += WATCH_US;
    /* --pid: its process is looked for every sleep interval */
    if (o.pid && sincePid >= o.sleepUs) {
      sincePid = 0;
      if (p.readdir && (await p.readdir(`/proc/${o.pid}`)) === undefined) return true;
    }
  }
  return true;
}

export const tailCommands: CommandTable = { tail };
