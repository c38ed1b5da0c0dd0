/**
 * procps-ng 4.0.2 pgrep/pkill (pgrep.c) and psmisc killall, over the host's process table.
 * A pattern is an extended regular expression matched against the process name (15 bytes of
 * comm) or, with -f, the whole command line; pgrep/pkill never select themselves.
 */
import type { ProcInfo, ProcProcess } from "./ps.ts";
import { SIGTERM, signalFromSpec, signalName } from "./kill.ts";

function cmdline(q: ProcInfo): string {
  return q.args.length ? q.args.join(" ") : q.comm;
}

async function pgrepMain(p: ProcProcess, kill: boolean): Promise<number> {
  const prog = kill ? "pkill" : "pgrep";
  const args = p.argv.slice(1);
  let full = false;
  let list = false;
  let listFull = false;
  let exact = false;
  let newest = false;
  let oldest = false;
  let count = false;
  let inverse = false;
  let ignoreCase = false;
  let echo = false;
  let delim = "\n";
  let sig = SIGTERM;
  const pattern: string[] = [];
  const bad = (msg: string) => {
    p.stderr.write(`${prog}: ${msg}\nTry \`${prog} --help' for more information.\n`);
    return 2;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      pattern.push(...args.slice(i + 1));
      break;
    }
    if (kill && i === 0 && /^-[A-Za-z0-9+-]+$/.test(a) && signalFromSpec(a.slice(1)) !== undefined) {
      sig = signalFromSpec(a.slice(1))!;
      continue;
    }
    if (a === "--signal" || (kill && a === "-s") ) {
      const v = signalFromSpec(args[++i] ?? "");
      if (v === undefined) return bad(`Unknown signal "${args[i] ?? ""}".`);
      sig = v;
      continue;
    }
    if (a === "-d" || a === "--delimiter") {
      delim = args[++i] ?? "\n";
      continue;
    }
    if (a.startsWith("--")) {
      const o = a.slice(2);
      if (o === "full") full = true;
      else if (o === "list-name") list = true;
      else if (o === "list-full") listFull = true;
      else if (o === "exact") exact = true;
      else if (o === "newest") newest = true;
      else if (o === "oldest") oldest = true;
      else if (o === "count") count = true;
      else if (o === "inverse") inverse = true;
      else if (o === "ignore-case") ignoreCase = true;
      else if (o === "echo" && kill) echo = true;
      else return bad(`unrecognized option '${a}'`);
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (const ch of a.slice(1)) {
        if (ch === "f") full = true;
        else if (ch === "l" && !kill) list = true;
        else if (ch === "a" && !kill) listFull = true;
        else if (ch === "x") exact = true;
        else if (ch === "n") newest = true;
        else if (ch === "o") oldest = true;
        else if (ch === "c") count = true;
        else if (ch === "v" && !kill) inverse = true;
        else if (ch === "i") ignoreCase = true;
        else if (ch === "e" && kill) echo = true;
        else return bad(`invalid option -- '${ch}'`);
      }
      continue;
    }
    pattern.push(a);
  }
  if (pattern.length === 0) return bad("no matching criteria specified");
  if (pattern.length > 1) return bad(`only one pattern can be provided`);
  let re: RegExp;
  try {
    const src = exact ? `^(?:${pattern[0]})$` : pattern[0]!;
    re = new RegExp(src, ignoreCase ? "i" : "");
  } catch {
    p.stderr.write(`${prog}: regex error\n`);
    return 2;
  }
  const api = p.procs;
  const procs = api ? api.list() : [];
  let hits = procs.filter((q) => q.pid !== api?.self && re.test(full ? cmdline(q) : q.comm) !== inverse);
  if (newest && hits.length) hits = [hits.reduce((a, b) => (b.start > a.start || (b.start === a.start && b.pid > a.pid) ? b : a))];
  if (oldest && hits.length) hits = [hits.reduce((a, b) => (b.start < a.start || (b.start === a.start && b.pid < a.pid) ? b : a))];
  if (kill) {
    let n = 0;
    for (const q of hits) {
      const e = api ? api.kill(q.pid, sig) : 3;
      if (e === 0) {
        n++;
        if (echo) p.stdout.write(`${q.comm} killed (pid ${q.pid})\n`);
      } else if (e !== 3) p.stderr.write(`pkill: killing pid ${q.pid} failed: Operation not permitted\n`);
    }
    if (count) p.stdout.write(`${n}\n`);
    return n ? 0 : 1;
  }
  if (count) {
    p.stdout.write(`${hits.length}\n`);
    return hits.length ? 0 : 1;
  }
  const lines = hits.map((q) => (listFull ? `${q.pid} ${cmdline(q)}` : list ? `${q.pid} ${q.comm}` : String(q.pid)));
  if (lines.length) p.stdout.write(lines.join(delim) + "\n");
  return hits.length ? 0 : 1;
}

export const pgrep = (p: ProcProcess) => pgrepMain(p, false);
export const pkill = (p: ProcProcess) => pgrepMain(p, true);

/** psmisc 22.21 killall: exact names (comm), `-SIG`/`-s SIG`, -q, -v, -w */
export async function killall(p: ProcProcess): Promise<number> {
  const args = p.argv.slice(1);
  let sig = SIGTERM;
  let quiet = false;
  let verbose = false;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-s" || a === "--signal") {
      const v = signalFromSpec(args[++i] ?? "");
      if (v === undefined) {
        p.stderr.write(`killall: unknown signal; killall -l lists signals.\n`);
        return 1;
      }
      sig = v;
    } else if (a === "-q" || a === "--quiet") quiet = true;
    else if (a === "-v" || a === "--verbose") verbose = true;
    else if (a === "-w" || a === "--wait" || a === "-e" || a === "--exact") {
      /* every kill here is immediate; names are exact already */
    } else if (a === "-l" || a === "--list") {
      p.stdout.write("HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT\nCHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH POLL PWR SYS\n");
      return 0;
    } else if (/^-[A-Za-z0-9+]+$/.test(a) && signalFromSpec(a.slice(1)) !== undefined) sig = signalFromSpec(a.slice(1))!;
    else if (a.startsWith("-") && a.length > 1) {
      p.stderr.write(`killall: unknown signal; killall -l lists signals.\n`);
      return 1;
    } else names.push(a);
  }
  if (names.length === 0) {
    p.stderr.write(
      "Usage: killall [OPTION]... [--] NAME...\n       killall -l, --list\n       killall -V, --version\n\n  -e,--exact          require exact match for very long names\n  -I,--ignore-case    case insensitive process name match\n  -g,--process-group  kill process group instead of process\n  -y,--younger-than   kill processes younger than TIME\n  -o,--older-than     kill processes older than TIME\n  -i,--interactive    ask for confirmation before killing\n  -l,--list           list all known signal names\n  -q,--quiet          don't print complaints\n  -r,--regexp         interpret NAME as an extended regular expression\n  -s,--signal SIGNAL  send this signal instead of SIGTERM\n  -u,--user USER      kill only process(es) running as USER\n  -v,--verbose        report if the signal was successfully sent\n  -w,--wait           wait for processes to die\n  -n,--ns PID         match processes that belong to the same namespaces\n                      as PID\n  -Z,--context REGEXP kill only process(es) having context\n                      (must precede other arguments)\n\n",
    );
    return 1;
  }
  const api = p.procs;
  const procs = api ? api.list() : [];
  let missing = 0;
  for (const name of names) {
    const base = name.includes("/") ? name.slice(name.lastIndexOf("/") + 1) : name;
    const hits = procs.filter((q) => q.pid !== api?.self && q.comm === base.slice(0, 15));
    let killed = 0;
    for (const q of hits) {
      if (api && api.kill(q.pid, sig) === 0) {
        killed++;
        if (verbose) p.stderr.write(`Killed ${q.comm}(${q.pid}) with signal ${sig}\n`);
      }
    }
    if (!killed) {
      missing++;
      if (!quiet) p.stderr.write(`${name}: no process found\n`);
    }
  }
  void signalName;
  return missing ? 1 : 0;
}
