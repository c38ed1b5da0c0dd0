/**
 * coreutils src/sleep.c on the simulated clock: the sum of its operands, each a number with
 * an optional s/m/h/d suffix.
 */
import { coreutilsAncillary, coreutilsVersion } from "../userland/coreutils/gnu_text.ts";
import { gnuOptionsCheck } from "./getopt.ts";
import type { KillSignal, Process } from "../userland/process.ts";

const TRY = "Try 'sleep --help' for more information.\n";
const SLEEP_HELP =
  "Usage: sleep NUMBER[SUFFIX]...\n  or:  sleep OPTION\n" +
  "Pause for NUMBER seconds.  SUFFIX may be 's' for seconds (the default),\n" +
  "'m' for minutes, 'h' for hours or 'd' for days.  NUMBER need not be an\n" +
  "integer.  Given two or more arguments, pause for the amount of time\n" +
  "specified by the sum of their values.\n\n" +
  "      --help        display this help and exit\n" +
  "      --version     output version information and exit\n\n" +
  coreutilsAncillary("sleep");
const SLEEP_VERSION = coreutilsVersion("sleep", "Jim Meyering and Paul Eggert");

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
export type Sleeper = (us: number, signal: KillSignal) => Promise<void>;

/** coreutils sleep.c: main() */
export async function sleepCommand(p: Process, sleeper?: Sleeper): Promise<number> {
  // parse_gnu_standard_options_only(): getopt_long with --help and --version alone
  const argv = p.argv.slice(1);
  const o = gnuOptionsCheck("sleep", argv, "", ["help", "version"]);
  if (o.error) {
    p.stderr.write(o.error);
    return 1;
  }
  if (o.help || o.version) {
    p.stdout.write(o.help ? SLEEP_HELP : SLEEP_VERSION);
    return 0;
  }
  const dd = argv.indexOf("--");
  const args = dd < 0 ? argv : [...argv.slice(0, dd), ...argv.slice(dd + 1)];
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
