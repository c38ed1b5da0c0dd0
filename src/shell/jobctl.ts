/**
 * bash's job-control builtins over the shell's job table and the host's process table:
 * `kill` (builtins/kill.def), `jobs` (builtins/jobs.def), the operands of `wait`
 * (builtins/wait.def), and the job status words of jobs.c (pretty_print_job).
 */
import type { Job, JobSession } from "./jobs.ts";
import type { ProcTable } from "./proctab.ts";
import { builtinGetopt, legalNumber } from "./getopt.ts";
import { SIGTERM, signalFromSpec, signalName } from "../userland/procps/kill.ts";

export interface BuiltinResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const KILL_USAGE = "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n";

/** siglist.c / strsignal(): the words bash prints for a job killed by a signal */
const SIGNAL_WORDS: Record<number, string> = {
  1: "Hangup", 2: "Interrupt", 3: "Quit", 4: "Illegal instruction", 5: "Trace/breakpoint trap", 6: "Aborted",
  7: "Bus error", 8: "Floating point exception", 9: "Killed", 10: "User defined signal 1", 11: "Segmentation fault",
  12: "User defined signal 2", 13: "Broken pipe", 14: "Alarm clock", 15: "Terminated", 16: "Stack fault",
  24: "CPU time limit exceeded", 25: "File size limit exceeded", 26: "Virtual timer expired",
  27: "Profiling timer expired", 29: "I/O possible", 30: "Power failure", 31: "Bad system call",
};

export function signalWord(sig: number): string {
  return SIGNAL_WORDS[sig] ?? (sig >= 34 && sig <= 64 ? `Real-time signal ${sig - 34}` : `Unknown signal ${sig}`);
}

/** jobs.c: the status column of a job ("Running", "Done", "Exit 1", "Terminated") */
export function jobStatus(code: number | undefined, signal?: number): string {
  if (code === undefined) return "Running";
  if (signal) return signalWord(signal);
  return code === 0 ? "Done" : `Exit ${code}`;
}

/** `[1]+  Running                 sleep 10 &` (pretty_print_job, JLIST_STANDARD/LONG) */
export function jobLine(j: Job, mark: string, status: string, long = false, running = true): string {
  const head = `[${j.n}]${mark}` + (long ? ` ${j.pid} ` : "  ");
  return `${head}${status.padEnd(24)}${j.text}${running ? " &" : ""}\n`;
}

/** jobs.c: the current (+) and previous (-) job marks */
function marks(jobs: Job[]): Map<Job, string> {
  const m = new Map<Job, string>();
  jobs.forEach((j, i) => m.set(j, i === jobs.length - 1 ? "+" : i === jobs.length - 2 ? "-" : " "));
  return m;
}

/** jobs.c: get_job_spec(): %N, %%, %+, %-, %name, %?text; undefined: no such job */
export function findJob(session: JobSession | undefined, spec: string): Job | undefined {
  const jobs = session?.jobs ?? [];
  const s = spec.slice(1);
  if (s === "" || s === "%" || s === "+") return jobs[jobs.length - 1];
  if (s === "-") return jobs[jobs.length - 2] ?? jobs[jobs.length - 1];
  if (/^\d+$/.test(s)) return jobs.find((j) => j.n === Number(s));
  if (s.startsWith("?")) return jobs.find((j) => j.text.includes(s.slice(1)));
  return jobs.find((j) => j.text.startsWith(s));
}

/** `kill -l`: bash's display_signal_list() table */
export function signalTable(): string {
  let out = "";
  let col = 0;
  for (let i = 1; i <= 64; i++) {
    if (i === 32 || i === 33) continue;
    out += `${String(i).padStart(2)}) SIG${signalName(i)}`;
    if (++col < 5) out += "\t";
    else {
      out += "\n";
      col = 0;
    }
  }
  if (col) out += "\n";
  return out;
}

/** `kill -l [sigspec…]`: display_signal_list() */
function displaySignalList(rest: string[]): BuiltinResult {
  if (rest.length === 0) return { stdout: signalTable(), stderr: "", exitCode: 0 };
  let stdout = "";
  let stderr = "";
  let rc = 0;
  for (const r of rest) {
    if (/^\d+$/.test(r)) {
      let n = Number(r);
      if (n > 128) n -= 128;
      if (n < 1 || n > 64 || n === 32 || n === 33) {
        stderr += `bash: kill: ${r}: invalid signal specification\n`;
        rc = 1;
      } else stdout += signalName(n) + "\n";
    } else {
      const n = signalFromSpec(r);
      if (n === undefined || n === 0) {
        stderr += `bash: kill: ${r}: invalid signal specification\n`;
        rc = 1;
      } else stdout += `${n}\n`;
    }
  }
  return { stdout, stderr, exitCode: rc };
}

/**
 * builtins/kill.def: kill_builtin(), as bash 5.2 builds it (CONTINUE_AFTER_KILL_ERROR): an
 * operand that fails is reported and the rest are still signalled; the status is 0 when any
 * signal was sent
 */
export function killBuiltin(args: string[], session: JobSession | undefined, procs: ProcTable): BuiltinResult {
  const usage = (): BuiltinResult => ({ stdout: "", stderr: KILL_USAGE, exitCode: 2 });
  const fail = (msg: string): BuiltinResult => ({ stdout: "", stderr: `bash: kill: ${msg}\n`, exitCode: 1 });
  if (args.length === 0) return usage();
  const isOpt = (w: string, c: string) => w.length === 2 && w[0] === "-" && w[1] === c;
  let sig: number | undefined = SIGTERM;
  let sigspec = "TERM";
  let listing = false;
  let sawSignal = false;
  let i = 0;
  const useSigspec = (spec: string) => {
    sigspec = spec;
    sig = spec === "0" ? 0 : signalFromSpec(spec);
    sawSignal = true;
  };
  // process options
  while (i < args.length) {
    const w = args[i]!;
    if (isOpt(w, "l") || isOpt(w, "L")) {
      listing = true;
      i++;
    } else if (isOpt(w, "s") || isOpt(w, "n")) {
      if (i + 1 >= args.length) return fail(`${w}: option requires an argument`);
      useSigspec(args[i + 1]!);
      i += 2;
    } else if (w[0] === "-" && w[1] === "s" && /^[A-Za-z]/.test(w.slice(2))) {
      useSigspec(w.slice(2));
      i++;
    } else if (w[0] === "-" && w[1] === "n" && /^\d/.test(w.slice(2))) {
      useSigspec(w.slice(2));
      i++;
    } else if (isOpt(w, "-")) {
      i++;
      break;
    } else if (isOpt(w, "?")) {
      return usage();
    } else if (w[0] === "-" && !sawSignal) {
      // only the first -sigspec is one: a later -N names a process group
      useSigspec(w.slice(1));
      i++;
    } else break;
  }
  if (listing) return displaySignalList(args.slice(i));
  if (sig === undefined) return fail(`${sigspec}: invalid signal specification`);
  if (i >= args.length) return usage();
  let stderr = "";
  let anySucceeded = false;
  for (const w of args.slice(i)) {
    const word = w[0] === "-" ? w.slice(1) : w;
    const pid = word ? legalNumber(w) : undefined;
    if (pid !== undefined) {
      // kill_pid(): pid < -1 is a process group (every process here leads its own)
      if (procs.kill(Math.abs(pid), sig)) stderr += `bash: kill: (${pid}) - No such process\n`;
      else anySucceeded = true;
    } else if (w && w[0] !== "%") {
      stderr += `bash: kill: ${w}: arguments must be process or job IDs\n`;
    } else if (word) {
      const j = findJob(session, w);
      if (!j) stderr += `bash: kill: ${w}: no such job\n`;
      else {
        procs.kill(j.pid, sig);
        anySucceeded = true;
      }
    } else stderr += `bash: kill: \`${w}': not a pid or valid job spec\n`;
  }
  return { stdout: "", stderr, exitCode: anySucceeded ? 0 : 1 };
}

/** builtins/jobs.def: jobs [-lp] [jobspec…] */
export function jobsBuiltin(args: string[], session: JobSession | undefined): BuiltinResult {
  const jobs = session?.jobs ?? [];
  let long = false;
  let pids = false;
  let running = false;
  const specs: string[] = [];
  for (const a of args) {
    if (a.startsWith("-") && a.length > 1) {
      for (const ch of a.slice(1)) {
        if (ch === "l") long = true;
        else if (ch === "p") pids = true;
        else if (ch === "r" || ch === "n") running = true;
        else if (ch === "s") return { stdout: "", stderr: "", exitCode: 0 };
        else
          return {
            stdout: "",
            stderr: `bash: jobs: -${ch}: invalid option\njobs: usage: jobs [-lnprs] [jobspec ...] or jobs -x command [args]\n`,
            exitCode: 2,
          };
      }
    } else specs.push(a);
  }
  void running;
  const m = marks(jobs);
  let stdout = "";
  let stderr = "";
  let rc = 0;
  const sel: Job[] = [];
  if (specs.length === 0) sel.push(...jobs);
  for (const s of specs) {
    const j = s.startsWith("%") || /^\d+$/.test(s) ? findJob(session, s.startsWith("%") ? s : "%" + s) : undefined;
    if (!j) {
      stderr += `bash: jobs: ${s}: no such job\n`;
      rc = 1;
    } else sel.push(j);
  }
  for (const j of sel) stdout += pids ? `${j.pid}\n` : jobLine(j, m.get(j) ?? " ", "Running", long);
  return { stdout, stderr, exitCode: rc };
}

/** `wait`'s options (internal_getopt(list, "fnp:")): they come before the operands */
export function waitOptions(args: string[]): { n: boolean; pvar?: string; operands: string[] } | BuiltinResult {
  const o = builtinGetopt(args, "fnp:");
  if (o.error) return { stdout: "", stderr: `bash: wait: ${o.error}\nwait: usage: wait [-fn] [-p var] [id ...]\n`, exitCode: 2 };
  const pvar = o.opts.get("p");
  return { n: o.opts.has("n"), ...(pvar !== undefined ? { pvar } : {}), operands: o.rest };
}

/** one `wait` operand: the job (or the pid of a finished one) it names, or bash's complaint
 * and the status it leaves (builtins/wait.def: each operand in turn, the last status wins) */
export function waitTarget(a: string, session: JobSession | undefined): { job: Job | number } | { stderr: string; status: number } {
  if (a.startsWith("%")) {
    const j = findJob(session, a);
    return j ? { job: j } : { stderr: `bash: wait: ${a}: no such job\n`, status: 127 };
  }
  if (!/^\d+$/.test(a)) return { stderr: `bash: wait: \`${a}': not a pid or valid job spec\n`, status: 1 };
  const pid = Number(a);
  const j = session?.jobs?.find((x) => x.pid === pid) ?? session?.disowned?.find((x) => x.pid === pid);
  if (j) return { job: j };
  if (session?.statuses?.has(pid)) return { job: pid };
  return { stderr: `bash: wait: pid ${a} is not a child of this shell\n`, status: 127 };
}

/**
 * bash's `disown [-h] [-ar] [jobspec … | pid …]` (builtins/jobs.def): the jobs leave the job
 * table (`-h`: they stay, only SIGHUP would spare them); `release(job)` lets `wait` stop
 * counting one.
 */
export function disownBuiltin(args: string[], session: JobSession | undefined, release: (j: Job) => void): BuiltinResult {
  const g = builtinGetopt(args, "ahr");
  if (g.error) return { stdout: "", stderr: `bash: disown: ${g.error}\ndisown: usage: disown [-h] [-ar] [jobspec ... | pid ...]\n`, exitCode: 2 };
  const all = g.opts.has("a");
  const running = g.opts.has("r");
  const nohup = g.opts.has("h");
  const jobs = session?.jobs ?? [];
  const specs = g.rest;
  let targets: Job[] = [];
  let stderr = "";
  let code = 0;
  if (specs.length === 0 && (all || running)) targets = [...jobs];
  else if (specs.length === 0) {
    const j = jobs[jobs.length - 1];
    if (!j) return { stdout: "", stderr: "bash: disown: current: no such job\n", exitCode: 1 };
    targets = [j];
  } else
    for (const a of specs) {
      const j = a.startsWith("%") ? findJob(session, a) : /^\d+$/.test(a) ? jobs.find((x) => x.pid === Number(a)) : undefined;
      if (!j) {
        stderr += `bash: disown: ${a}: no such job\n`;
        code = 1;
        continue;
      }
      targets.push(j);
    }
  if (!nohup)
    for (const j of targets) {
      const i = jobs.indexOf(j);
      if (i >= 0) jobs.splice(i, 1);
      release(j);
    }
  return { stdout: "", stderr, exitCode: code };
}
