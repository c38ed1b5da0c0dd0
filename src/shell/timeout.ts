/**
 * coreutils src/timeout.c on the simulated clock: run COMMAND, and if it still runs after
 * DURATION, signal it (SIGTERM by default) and exit 124 (`--preserve-status`: the command's
 * status; `-k`: SIGKILL after that, 137). Each process under it takes the signal as from
 * kill(2) (shell.ts): one it catches runs its handler (tcpdump's statistics on SIGTERM, ping's
 * on SIGINT), one it does not ends it where it is.
 */
const TRY = "Try 'timeout --help' for more information.\n";

export interface TimeoutArgs {
  seconds: number;
  signal: string;
  killAfter: number | undefined;
  preserveStatus: boolean;
  verbose: boolean;
  argv: string[];
}

/** coreutils: parse_duration() */
function parseDuration(s: string): number | undefined {
  const m = /^([+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([smhd]?)$/.exec(s);
  if (!m) return undefined;
  const x = Number(m[1]);
  const mul = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "" | "s" | "m" | "h" | "d"];
  return x * mul;
}

/** timeout.c: main()'s option loop; a string is the error output (exit 125) */
export function parseTimeoutArgs(args: string[]): TimeoutArgs | string {
  let signal = "TERM";
  let killAfter: number | undefined;
  let preserveStatus = false;
  let verbose = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    const takeValue = (opt: string): string | undefined => {
      if (a.length > opt.length && !a.startsWith("--")) return a.slice(opt.length);
      const eq = a.indexOf("=");
      if (a.startsWith("--") && eq > 0) return a.slice(eq + 1);
      return args[++i];
    };
    if (a.startsWith("-s") || a.startsWith("--signal")) {
      const v = takeValue(a.startsWith("--") ? "--signal" : "-s");
      if (v === undefined) return `timeout: option requires an argument -- 's'\n` + TRY;
      signal = v.replace(/^SIG/, "");
    } else if (a.startsWith("-k") || a.startsWith("--kill-after")) {
      const v = takeValue(a.startsWith("--") ? "--kill-after" : "-k");
      if (v === undefined) return `timeout: option requires an argument -- 'k'\n` + TRY;
      const d = parseDuration(v);
      if (d === undefined) return `timeout: invalid time interval '${v}'\n` + TRY;
      killAfter = d;
    } else if (a === "--preserve-status") preserveStatus = true;
    else if (a === "--foreground") {
      /* no terminal here: nothing to do */
    } else if (a === "-v" || a === "--verbose") verbose = true;
    else return `timeout: invalid option -- '${a.replace(/^-+/, "").slice(0, 1)}'\n` + TRY;
  }
  const rest = args.slice(i);
  if (rest.length < 2) return "timeout: missing operand\n" + TRY;
  const seconds = parseDuration(rest[0]!);
  if (seconds === undefined) return `timeout: invalid time interval '${rest[0]}'\n` + TRY;
  return { seconds, signal, killAfter, preserveStatus, verbose, argv: rest.slice(1) };
}

const SIGNUM: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, ALRM: 14, TERM: 15 };

export function signalNumber(name: string): number {
  return /^\d+$/.test(name) ? Number(name) : (SIGNUM[name.toUpperCase()] ?? 15);
}
