/**
 * coreutils src/sleep.c on the simulated clock: the sum of its operands, each a number with
 * an optional s/m/h/d suffix.
 */
import type { Process } from "../userland/process.ts";

const TRY = "Try 'sleep --help' for more information.\n";
const SLEEP_HELP =
  "Usage: sleep NUMBER[SUFFIX]...\n  or:  sleep OPTION\n" +
  "Pause for NUMBER seconds.  SUFFIX may be 's' for seconds (the default),\n" +
  "'m' for minutes, 'h' for hours or 'd' for days.  NUMBER need not be an\n" +
  "integer.  Given two or more arguments, pause for the amount of time\n" +
  "specified by the sum of their values.\n\n" +
  "      --help        display this help and exit\n" +
  "      --version     output version information and exit\n\n" +
  "GNU coreutils online help: <https://www.gnu.org/software/coreutils/>\n" +
  // emit_ancillary_info(): LC_MESSAGES is "C", not en_*
  "Report any translation bugs to <https://translationproject.org/team/>\n" +
  "Full documentation <https://www.gnu.org/software/coreutils/sleep>\n" +
  "or available locally via: info '(coreutils) sleep invocation'\n";
const SLEEP_VERSION =
  "sleep (GNU coreutils) 9.1\n" +
  "Copyright (C) 2022 Free Software Foundation, Inc.\n" +
  "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n" +
  "This is free software: you are free to change and redistribute it.\n" +
  "There is NO WARRANTY, to the extent permitted by law.\n\n" +
  "Written by Jim Meyering and Paul Eggert.\n";

/** coreutils sleep.c: apply_suffix() */
function applySuffix(x: number, suffix: string): number | undefined {
  switch (suffix) {
    case "":
    case "s":
      return x;
    case "m":
      return x * 60;
    case "h":
      return x * 3600;
    case "d":
      return x * 86400;
    default:
      return undefined;
  }
}

/** Sleep `us` of simulated time; resolves early when `signal` aborts (SIGKILL/SIGINT). */
export type Sleeper = (us: number, signal: AbortSignal) => Promise<void>;

/** coreutils sleep.c: main() */
export async function sleepCommand(p: Process, sleeper?: Sleeper): Promise<number> {
  // parse_gnu_standard_options_only(): getopt_long with --help and --version alone (GNU
  // permutation: an option anywhere before "--" counts)
  const args: string[] = [];
  const argv = p.argv.slice(1);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.length < 2 || a[0] !== "-") {
      args.push(a);
      continue;
    }
    if (a.startsWith("--")) {
      const name = a.slice(2).split("=")[0]!;
      const hits = ["help", "version"].filter((o) => o.startsWith(name));
      if (hits.length === 1 && a.includes("=")) {
        p.stderr.write(`sleep: option '--${hits[0]}' doesn't allow an argument\n` + TRY);
        return 1;
      }
      if (hits[0] === "help" && hits.length === 1) {
        p.stdout.write(SLEEP_HELP);
        return 0;
      }
      if (hits[0] === "version" && hits.length === 1) {
        p.stdout.write(SLEEP_VERSION);
        return 0;
      }
      p.stderr.write(hits.length > 1 ? `sleep: option '${a}' is ambiguous; possibilities: '--help' '--version'\n` + TRY : `sleep: unrecognized option '${a}'\n` + TRY);
      return 1;
    }
    p.stderr.write(`sleep: invalid option -- '${a[1]}'\n` + TRY);
    return 1;
  }
  if (args.length === 0) {
    p.stderr.write("sleep: missing operand\n" + TRY);
    return 1;
  }
  let seconds = 0;
  let ok = true;
  for (const a of args) {
    const m = /^\s*([+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?)([smhd]?)$/i.exec(a);
    const x = m ? (m[1]!.toLowerCase().startsWith("inf") ? Number.POSITIVE_INFINITY : Number(m[1])) : NaN;
    const s = m && !Number.isNaN(x) ? applySuffix(x, m[2]!) : undefined;
    if (s === undefined) {
      p.stderr.write(`sleep: invalid time interval '${a}'\n`);
      ok = false;
      continue;
    }
    seconds += s;
  }
  if (!ok) {
    p.stderr.write(TRY);
    return 1;
  }
  if (!Number.isFinite(seconds)) {
    // sleep infinity: until killed
    const b = p.sys.block();
    p.signal.addEventListener("abort", () => b.unblock());
    await b.promise;
    return 0;
  }
  const us = Math.round(seconds * 1_000_000);
  if (sleeper) await sleeper(us, p.signal);
  else await p.sys.sleep(us);
  return p.signal.aborted ? 130 : 0;
}
