/**
 * The process table of one host (its pid namespace): every tool a shell line runs, every
 * background job and every daemon that outlived its command (dnsmasq, dhclient) has a pid
 * here while it runs. Pids are handed out upwards from a fixed start, as on a freshly booted
 * machine, so a lab's pids are deterministic. A signal is delivered through the kill switch the
 * process already has (its AbortSignal); a process killed by signal N exits with 128+N.
 */
import type { ProcApi, ProcInfo } from "../userland/procps/ps.ts";
import type { Killer } from "./killsignal.ts";

/** signals that do not end a process by default (CHLD CONT STOP TSTP TTIN TTOU URG WINCH) */
const HARMLESS = new Set([0, 17, 18, 19, 20, 21, 22, 23, 28]);

/**
 * What a program does with a signal it catches: "exit" — it ends its own way and its exit
 * status stands (ping prints its statistics, dnsmasq logs "exiting on receipt of SIGTERM");
 * "stay" — it carries on (dnsmasq rereads its files on SIGHUP); "exit-unless-ignored" — it
 * installs its handler only when the signal was not ignored at start (python's SIGINT).
 * SIGKILL is never caught.
 */
export type SignalPolicy = "exit" | "stay" | "exit-unless-ignored";

/** the handlers of the programs tuxnet has, from their sources (signal(2)/sigaction(2) calls) */
export const SIGNAL_HANDLERS: Record<string, Record<number, SignalPolicy>> = {
  // dnsmasq.c: sig_handler(): TERM ends, HUP/USR1/USR2/ALRM are events; INT is not caught
  dnsmasq: { 1: "stay", 10: "stay", 12: "stay", 14: "stay", 15: "exit" },
  // iputils ping_common.c: sigexit on SIGINT and SIGALRM, SIGQUIT prints a status line
  ping: { 2: "exit", 14: "exit", 3: "stay" },
  arping: { 2: "exit", 14: "exit" },
  // tcpdump.c: cleanup() on SIGINT/SIGTERM/SIGHUP prints the counts
  tcpdump: { 1: "exit", 2: "exit", 15: "exit" },
  // conntrack.c: event_sighandler() on SIGINT/SIGTERM prints the count of events shown
  conntrack: { 2: "exit", 15: "exit" },
  // python: KeyboardInterrupt, caught by http.server's test()
  python3: { 2: "exit-unless-ignored" },
};

export interface ProcEntry extends ProcInfo {
  /** the network namespace it runs in (undefined: the host's initial one) */
  netns?: unknown;
  /** the signal that ended (is ending) it */
  killedBy?: number;
  /** its kill switch: aborting it ends the process (a tool's Process.signal) */
  kill?: Killer;
  /** signals set to SIG_IGN (INT and QUIT of a background job of a non-interactive shell) */
  ignored?: Set<number>;
  /** delivery: a handler the program installed, else aborts the process's kill switch (or
   * stops a daemon) */
  deliver(sig: number): void;
  /** the signal handlers the running program installed (sigaction), by signal */
  handlers?: Map<number, () => void>;
  /** a daemon's liveness (it may stop by itself); undefined: alive until removed */
  alive?(): boolean;
  /**
   * its open files beyond 0-2 (fs/file.c's fdtable): the sockets it made (socket(2),
   * accept(2)), by fd; a daemon that forked shares its parent's table
   */
  fds?: Map<number, FdFile>;
}

/** an open file of a process, as /proc/PID/fd/N shows it */
export interface FdFile {
  /** what readlink(2) of /proc/PID/fd/N gives: `socket:[INODE]` */
  link: string;
  /** its open mode, for the link's permissions (sockets are read-write) */
  mode: "r" | "w" | "rw";
  /** close(2) of it (exit_files() closes what a process leaves open) */
  close?(): void;
}

/** kernel/exit.c: exit_files(): a process's last close of the files it still holds */
export function exitFiles(fds: Map<number, FdFile> | undefined): void {
  if (!fds) return;
  for (const f of [...fds.values()]) f.close?.();
  fds.clear();
}

/** fs/file.c: alloc_fd(): the lowest free descriptor (0, 1 and 2 are the standard streams) */
export function fdAlloc(fds: Map<number, FdFile>, file: FdFile): number {
  let fd = 3;
  while (fds.has(fd)) fd++;
  fds.set(fd, file);
  return fd;
}

/** the first pid a host hands out: six digits, as on the long-running machines the lab transcripts come from (bash pads pids to 5 columns, ps to 7) */
export const FIRST_PID = 100000;

export class ProcTable {
  private next = FIRST_PID;
  private readonly procs = new Map<number, ProcEntry>();

  /**
   * @param wall wall-clock seconds
   * @param defer how a signal is delivered (the host's scheduler: when the sender lets time
   *   pass); immediately when absent
   */
  constructor(
    private readonly wall: () => number,
    private readonly defer: (fn: () => void) => void = (fn) => fn(),
  ) {
    this.procs.set(1, {
      pid: 1,
      ppid: 0,
      comm: "systemd",
      args: ["/sbin/init"],
      tty: "?",
      start: wall(),
      state: "S",
      leader: true,
      deliver: () => {},
    });
  }

  /** kernel/pid.c: alloc_pid() — the next free pid, upwards */
  allocPid(): number {
    while (this.procs.has(this.next)) this.next++;
    return this.next++;
  }

  /** a new process; `kill` is its kill switch */
  add(info: Omit<ProcInfo, "start" | "state" | "tty"> & { tty?: string }, kill?: Killer, stop?: () => void): ProcEntry {
    const e: ProcEntry = {
      tty: "?",
      ...info,
      start: this.wall(),
      state: "S",
      ...(kill ? { kill } : {}),
      deliver(sig: number) {
        const handler = sig !== 9 ? e.handlers?.get(sig) : undefined;
        if (handler) return handler();
        if (HARMLESS.has(sig)) return;
        const end = () => {
          // the kill switch it has now (a claimed job's entry gets its tool's)
          e.kill?.abort();
          stop?.();
        };
        const h = sig === 9 ? undefined : SIGNAL_HANDLERS[e.comm]?.[sig];
        if (h === "stay") return;
        if (h === "exit" || (h === "exit-unless-ignored" && !e.ignored?.has(sig))) return end();
        if (sig !== 9 && e.ignored?.has(sig)) return;
        e.killedBy ??= sig;
        end();
      },
    };
    this.procs.set(e.pid, e);
    return e;
  }

  remove(pid: number): void {
    this.procs.delete(pid);
  }

  get(pid: number): ProcEntry | undefined {
    const e = this.procs.get(pid);
    if (e?.alive && !e.alive()) {
      this.procs.delete(pid);
      return undefined;
    }
    return e;
  }

  /** every live process, by pid */
  list(): ProcEntry[] {
    const out: ProcEntry[] = [];
    for (const pid of [...this.procs.keys()].sort((a, b) => a - b)) {
      const e = this.get(pid);
      if (e) out.push(e);
    }
    return out;
  }

  /** kernel/signal.c: kill_pid_info(): 0 or ESRCH (3) */
  kill(pid: number, sig: number): number {
    const e = this.get(pid);
    if (!e) return 3;
    this.defer(() => e.deliver(sig));
    return 0;
  }

  /** what a tool of pid `self` sees (ps, pgrep, pkill, killall, kill) */
  api(self: number): ProcApi {
    return {
      self,
      list: () => this.list().map((e) => ({ ...e, state: e.pid === self ? "R" : e.state })),
      kill: (pid, sig) => this.kill(pid, sig),
      now: () => this.wall(),
    };
  }
}
