/**
 * procps-ng 4.0.2 ps: the default, `-e`/`-A`, `-f`, `-ef`, BSD `aux`/`ax`, `-p PID`, `-C NAME`
 * and `-o FIELDS` (pid, ppid, comm, args/cmd/command, tty, stat, user, uid, time, etime, c,
 * stime/start) over the host's process table, which the shell hands the process as `procs`.
 */
import type { Process } from "../process.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";

/** one process as /proc/PID/{stat,cmdline} would show it */
export interface ProcInfo {
  pid: number;
  ppid: number;
  /** /proc/PID/comm: the executable's name, 15 bytes at most */
  comm: string;
  /** /proc/PID/cmdline */
  args: string[];
  /** "?" or "pts/0" */
  tty: string;
  /** start time, wall-clock seconds */
  start: number;
  /** "S" sleeping, "R" running (ps itself) */
  state: string;
  /** session leader (bash) or not */
  leader?: boolean;
}

/** the host's process table, as a process sees it (a field the shell adds to Process) */
export interface ProcApi {
  /** every process, sorted by pid */
  list(): ProcInfo[];
  /** kill(2): 0, or the errno (ESRCH 3) */
  kill(pid: number, sig: number): number;
  /** the caller's own pid */
  self: number;
  /** wall-clock seconds now */
  now(): number;
  /** the network namespace a live process is in (setns() through /proc/PID/ns/net);
   * undefined: no such process */
  netnsOf?(pid: number): Syscalls | undefined;
}

export type ProcProcess = Process & { procs?: ProcApi };

function pad(s: string, w: number, left: boolean): string {
  if (s.length >= w) return s;
  return left ? s + " ".repeat(w - s.length) : " ".repeat(w - s.length) + s;
}

function hhmm(t: number): string {
  const d = new Date(Math.floor(t) * 1000);
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

function etime(sec: number): string {
  sec = Math.max(0, Math.floor(sec));
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  const mmss = `${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  if (d) return `${d}-${String(h).padStart(2, "0")}:${mmss}`;
  if (h) return `${String(h).padStart(2, "0")}:${mmss}`;
  return mmss;
}

/** plausible memory figures (KiB) of a few programs, for `ps aux` */
function mem(comm: string): [number, number] {
  const table: Record<string, [number, number]> = {
    systemd: [167560, 12460],
    bash: [7196, 3968],
    sleep: [5472, 1024],
    dnsmasq: [10892, 2304],
    dhclient: [6264, 3584],
    tcpdump: [9600, 6144],
    nc: [4192, 1152],
    python3: [26516, 18432],
    ps: [11180, 4608],
  };
  return table[comm] ?? [6048, 2048];
}

interface Field {
  header: string;
  width: number;
  left: boolean;
  get(p: ProcInfo, now: number): string;
}

function cmdline(p: ProcInfo): string {
  return p.args.length ? p.args.join(" ") : `[${p.comm}]`;
}

const FIELDS: Record<string, Field> = {
  pid: { header: "PID", width: 7, left: false, get: (p) => String(p.pid) },
  ppid: { header: "PPID", width: 7, left: false, get: (p) => String(p.ppid) },
  comm: { header: "COMMAND", width: 15, left: true, get: (p) => p.comm },
  ucmd: { header: "CMD", width: 15, left: true, get: (p) => p.comm },
  args: { header: "COMMAND", width: 27, left: true, get: cmdline },
  command: { header: "COMMAND", width: 27, left: true, get: cmdline },
  cmd: { header: "CMD", width: 27, left: true, get: cmdline },
  tty: { header: "TT", width: 8, left: true, get: (p) => p.tty },
  tname: { header: "TTY", width: 8, left: true, get: (p) => p.tty },
  stat: { header: "STAT", width: 4, left: true, get: (p) => p.state + (p.leader ? "s" : "") },
  s: { header: "S", width: 1, left: true, get: (p) => p.state },
  user: { header: "USER", width: 8, left: true, get: () => "root" },
  uid: { header: "UID", width: 5, left: false, get: () => "0" },
  time: { header: "TIME", width: 8, left: false, get: () => "00:00:00" },
  etime: { header: "ELAPSED", width: 11, left: false, get: (p, now) => etime(now - p.start) },
  etimes: { header: "ELAPSED", width: 7, left: false, get: (p, now) => String(Math.max(0, Math.floor(now - p.start))) },
  c: { header: "C", width: 2, left: false, get: () => "0" },
  stime: { header: "STIME", width: 5, left: true, get: (p) => hhmm(p.start) },
  start: { header: "STARTED", width: 8, left: false, get: (p) => new Date(Math.floor(p.start) * 1000).toISOString().slice(11, 19) },
  pcpu: { header: "%CPU", width: 4, left: false, get: () => "0.0" },
  pmem: { header: "%MEM", width: 4, left: false, get: () => "0.0" },
};
const ALIASES: Record<string, string> = { "%cpu": "pcpu", "%mem": "pmem", tt: "tty", pgid: "pid", sid: "pid", euid: "uid", euser: "user" };

/** one line of columns: the last one is not padded */
function row(cols: { text: string; width: number; left: boolean }[]): string {
  return (
    cols
      .map((c, i) => (i === cols.length - 1 && c.left ? c.text : pad(c.text, c.width, c.left)))
      .join(" ")
      .replace(/\s+$/, "") + "\n"
  );
}

export async function ps(p: ProcProcess): Promise<number> {
  const args = p.argv.slice(1);
  let all = false;
  let full = false;
  let bsd = false;
  let bsdUser = false;
  let bsdX = false;
  const fields: { name: string; header?: string }[] = [];
  const pids: number[] = [];
  const names: string[] = [];
  const err = (msg: string) => {
    p.stderr.write(`error: ${msg}\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n`);
    return 1;
  };
  const addFields = (spec: string): string | undefined => {
    for (const part of spec.split(",")) {
      if (!part) continue;
      const eq = part.indexOf("=");
      const raw = (eq >= 0 ? part.slice(0, eq) : part).toLowerCase();
      const name = ALIASES[raw] ?? raw;
      if (!FIELDS[name]) return "unknown user-defined format specifier \"" + raw + "\"";
      fields.push(eq >= 0 ? { name, header: part.slice(eq + 1) } : { name });
    }
    return undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const list = (v: string | undefined, what: string): string | undefined => {
      if (v === undefined) return `list of ${what} must follow -${a.slice(1, 2)}`;
      return v;
    };
    if (a === "-o" || a === "o" || a === "--format" || a.startsWith("-o")) {
      const v = a.length > 2 && a.startsWith("-o") ? a.slice(2) : args[++i];
      if (v === undefined) return err("improper format list");
      const e = addFields(v);
      if (e) return err(e);
      continue;
    }
    if (a === "-p" || a === "--pid" || a === "p" || /^-p\d/.test(a)) {
      const v = /^-p\d/.test(a) ? a.slice(2) : list(args[++i], "process IDs");
      if (v === undefined) return err("list of process IDs must follow -p");
      for (const s of v.split(/[ ,]/).filter(Boolean)) {
        if (!/^\d+$/.test(s)) return err("process ID list syntax error");
        pids.push(Number(s));
      }
      continue;
    }
    if (a === "-C") {
      const v = args[++i];
      if (v === undefined) return err("list of command names must follow -C");
      names.push(...v.split(",").filter(Boolean));
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (const ch of a.slice(1)) {
        if (ch === "e" || ch === "A") all = true;
        else if (ch === "f") full = true;
        else if (ch === "a" || ch === "w" || ch === "l" || ch === "H") {
          /* accepted, no change here */
        } else return err(`unsupported SysV option`);
      }
      continue;
    }
    // BSD options
    bsd = true;
    for (const ch of a) {
      if (ch === "a") all = true;
      else if (ch === "x") bsdX = true;
      else if (ch === "u") bsdUser = true;
      else if (ch === "w" || ch === "f" || ch === "e") {
        /* accepted */
      } else return err(`unsupported option (BSD syntax)`);
    }
  }
  const api = p.procs;
  const procs = api ? api.list() : [];
  const now = api ? api.now() : 0;
  const mine = procs.find((q) => q.pid === api?.self);
  let sel = procs;
  if (pids.length || names.length) sel = procs.filter((q) => pids.includes(q.pid) || names.includes(q.comm));
  else if (!(all || (bsd && bsdX))) {
    // the default: same euid and the same terminal as ps (none: every process without one)
    const tty = mine?.tty ?? "?";
    sel = procs.filter((q) => q.tty === tty);
  }
  let out = "";
  if (fields.length) {
    const cols = fields.map((f) => ({ f: FIELDS[f.name]!, header: f.header }));
    if (cols.some((c) => c.header === undefined || c.header !== ""))
      out += row(cols.map((c) => ({ text: c.header ?? c.f.header, width: c.f.width, left: c.f.left })));
    for (const q of sel) out += row(cols.map((c) => ({ text: c.f.get(q, now), width: c.f.width, left: c.f.left })));
  } else if (bsd && bsdUser) {
    out += "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n";
    for (const q of sel) {
      const [vsz, rss] = mem(q.comm);
      out +=
        [
          pad("root", 8, true),
          pad(String(q.pid), 7, false),
          " 0.0",
          " 0.0",
          pad(String(vsz), 6, false),
          pad(String(rss), 5, false),
          pad(q.tty, 8, true),
          pad(q.state + (q.leader ? "s" : ""), 4, true),
          pad(hhmm(q.start), 5, true),
          "  0:00",
          cmdline(q),
        ].join(" ") + "\n";
    }
  } else if (bsd) {
    out += "    PID TTY      STAT   TIME COMMAND\n";
    for (const q of sel)
      out += [pad(String(q.pid), 7, false), pad(q.tty, 8, true), pad(q.state + (q.leader ? "s" : ""), 6, true), "0:00", cmdline(q)].join(" ") + "\n";
  } else if (full) {
    out += "UID          PID    PPID  C STIME TTY          TIME CMD\n";
    for (const q of sel)
      out +=
        [pad("root", 8, true), pad(String(q.pid), 7, false), pad(String(q.ppid), 7, false), " 0", pad(hhmm(q.start), 5, true), pad(q.tty, 8, true), "00:00:00", cmdline(q)].join(" ") +
        "\n";
  } else {
    out += "    PID TTY          TIME CMD\n";
    for (const q of sel) out += [pad(String(q.pid), 7, false), pad(q.tty, 8, true), "00:00:00", q.comm].join(" ") + "\n";
  }
  p.stdout.write(out);
  return sel.length || (!pids.length && !names.length) ? 0 : 1;
}
