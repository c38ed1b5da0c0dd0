/**
 * Signals by name and number (Linux x86-64, as `kill -l` lists them) and procps-ng's
 * /bin/kill (the bash builtin of the same name is in src/shell/killcmd.ts; it shadows this one
 * in bash, `env kill` / `timeout … kill` reach it).
 */
import type { Process } from "../process.ts";
import type { ProcApi } from "./ps.ts";

/** signal names without SIG, index = number (Linux generic + x86) */
export const SIGNAL_NAMES: readonly string[] = [
  "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
  "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
  "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
];
export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGTERM = 15;

/** signal spec -> number ("TERM", "SIGTERM", "15", "term"); undefined when unknown */
export function signalFromSpec(spec: string): number | undefined {
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    return n >= 0 && n <= 64 ? n : undefined;
  }
  let s = spec.toUpperCase();
  if (s.startsWith("SIG")) s = s.slice(3);
  if (s === "IOT") return 6;
  if (s === "POLL") return 29;
  if (s === "CLD") return 17;
  const i = SIGNAL_NAMES.indexOf(s);
  if (i > 0) return i;
  const rt = /^RTMIN(?:\+(\d+))?$/.exec(s) ?? /^RTMAX(?:-(\d+))?$/.exec(s);
  if (rt) {
    const off = Number(rt[1] ?? 0);
    const n = s.startsWith("RTMIN") ? 34 + off : 64 - off;
    return n >= 34 && n <= 64 ? n : undefined;
  }
  return undefined;
}

/** the name of a signal number without SIG (RTMIN+n for real-time ones) */
export function signalName(n: number): string {
  if (n > 0 && n < SIGNAL_NAMES.length) return SIGNAL_NAMES[n]!;
  if (n === 34) return "RTMIN";
  if (n === 64) return "RTMAX";
  if (n > 34 && n < 50) return `RTMIN+${n - 34}`;
  if (n >= 50 && n < 64) return `RTMAX-${64 - n}`;
  return String(n);
}

/** procps-ng kill: `kill [-s SIG|-SIG] PID…`, `kill -l [SIG]` */
export async function kill(p: Process & { procs?: ProcApi }): Promise<number> {
  const args = p.argv.slice(1);
  let sig = SIGTERM;
  let i = 0;
  const usage = () => {
    p.stderr.write(
      "\nUsage:\n kill [options] <pid> [...]\n\nOptions:\n <pid> [...]            send signal to every <pid> listed\n -<signal>, -s, --signal <signal>\n                        specify the <signal> to be sent\n -q, --queue <value>    integer value to be sent with the signal\n -l, --list=[<signal>]  list all signal names, or convert one to a name\n -L, --table            list all signal names in a nice table\n\n -h, --help     display this help and exit\n -V, --version  output version information and exit\n\nFor more details see kill(1).\n",
    );
    return 1;
  };
  if (args.length === 0) return usage();
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (a === "-l" || a === "--list") {
      const n = args[i + 1];
      if (n === undefined) {
        p.stdout.write(SIGNAL_NAMES.slice(1).join(" ") + "\n");
        return 0;
      }
      const v = signalFromSpec(n);
      if (v === undefined) {
        p.stderr.write(`kill: unknown signal name ${n}\n`);
        return 1;
      }
      p.stdout.write((/^\d+$/.test(n) ? signalName(v) : String(v)) + "\n");
      return 0;
    }
    if (a === "-s" || a === "--signal") {
      const v = signalFromSpec(args[++i] ?? "");
      if (v === undefined) {
        p.stderr.write(`kill: Unknown signal ${args[i] ?? ""}\n`);
        return 1;
      }
      sig = v;
      continue;
    }
    if (/^-[A-Za-z0-9+-]+$/.test(a) && !/^-\d+$/.test(a) || /^-\d+$/.test(a) && i === 0) {
      const v = signalFromSpec(a.slice(1));
      if (v === undefined) {
        p.stderr.write(`kill: Unknown signal ${a.slice(1)}\n`);
        return 1;
      }
      sig = v;
      continue;
    }
    break;
  }
  const pids = args.slice(i);
  if (pids.length === 0) return usage();
  let rc = 0;
  for (const s of pids) {
    if (!/^-?\d+$/.test(s)) {
      p.stderr.write(`kill: failed to parse argument: '${s}'\n`);
      rc = 1;
      continue;
    }
    const err = p.procs ? p.procs.kill(Number(s), sig) : 3;
    if (err) {
      p.stderr.write(`kill: (${s}): No such process\n`);
      rc = 1;
    }
  }
  return rc;
}
