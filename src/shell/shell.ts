/**
 * The shell of one host: bash (just-bash) over the host's filesystem, one Bash instance per
 * network namespace (keyed on its Syscalls object, which the kernel caches per namespace),
 * the command table registered as custom commands, job control on the simulated clock.
 *
 * Nothing here runs on the real machine: every command is either a just-bash builtin or
 * coreutil working on the in-memory filesystem, or a tuxnet tool talking to the emulated
 * kernel through `Syscalls`.
 */
import { gnuOptionsCheck } from "./getopt.ts";
import { printfBuiltin } from "./printf.ts";
import { installXtraceHook, xtracePlugin } from "./xtrace.ts";
import { installArithHook } from "./arith.ts";
import { functionPlugin, installFunctionTextHook } from "./printcmd.ts";
import { CAT_HELP, CAT_LONGOPTS, CAT_VERSION } from "./fileio.ts";
import { internalName, isNode, setupNodes, simpleStatement, singleQuote, word } from "./ast.ts";
import {
  Bash,
  InMemoryFs,
  MountableFs,
  decodeBytesToUtf8,
  latin1FromBytes,
  defineCommand,
  getCommandNames,
  type Command as BashCommand,
  type IFileSystem,
  type ResolvedCommandContext,
  type TransformPlugin,
} from "just-bash";
import type { Syscalls } from "../kernel/uapi/syscalls.ts";
import type { Scheduler } from "../sim/scheduler.ts";
import { Exit, type CommandTable, type Process, type SpawnOptions } from "../userland/process.ts";
import { EmptyPathFs, execLookup, readErrorOf, readFileBytes, writeFileChecked } from "./fileio.ts";
import { fixFileErrors, type FileErrorTool } from "./fileerrors.ts";
import { sedCommandLine, sedDropMissing, sedWithMissing } from "./sed.ts";
import { GNU_OPTIONS, gnuCommandLine, optionWords } from "./gnuopts.ts";
import { sortRun } from "./sort.ts";
import { cpPort } from "./cp.ts";
import { rmPort } from "./rm.ts";
import { tee } from "./tee.ts";
import { quote, quoteaf, quotef } from "../userland/lib/quotearg.ts";
import { latin1ToBytes } from "../wire/pcap.ts";
import { SPAWN_EACCES, SPAWN_ENOENT } from "../userland/process.ts";
import { grepArgs, grepCommandLine, grepNoMessages } from "./grep.ts";
import { wcWidths } from "./wc.ts";
import { uniqRun, uniqCommandLine } from "./uniq.ts";
import { awkCommandLine } from "./awk.ts";
import { LS_LONGOPTS, LS_SHORTOPTS, lsLong, lsLongArgs } from "./ls.ts";
import { lsFsArgs, lsLongFs } from "./lsfs.ts";
import { SimClockFs } from "./simfs.ts";
import { statArgs, statFs } from "./stat.ts";
import { xxd } from "./xxd.ts";
import { od } from "../userland/coreutils/od.ts";
import { ETC_FILES } from "../userland/lib/etc_files.ts";
import { IO_VAR, OutLog, PipeLimit, outputPlugin, parseFlags, parseRoute, sentinel, type Route } from "./output.ts";
import { ToolIo, settle, type FileSink, type IoHost } from "./toolio.ts";
import { JOB_SESSION_VAR, jobControlPlugin, type JobSession } from "./jobs.ts";
import { BinDirFs, DevFs, KernelMountFs, NetnsDirFs } from "./kernfs.ts";
import { kernfsWrite, kwrite, procWritePlugin } from "./procwrite.ts";
import { sleepCommand } from "./sleep.ts";
import { dateOutput } from "./date.ts";
import { bashSyntaxError, emptyPipelineError, heredocWarnings } from "./syntax.ts";
import { parseTimeoutArgs, signalNumber } from "./timeout.ts";
import { ProcTable, exitFiles, type ProcEntry } from "./proctab.ts";
import { History, historyBuiltin, historyExpand } from "./history.ts";
import { TRAPS_VAR, TRAP_VARS, exitTrap, parseTraps, trapBuiltin, trapPlugin } from "./trap.ts";
import { daemonSnapshot, daemonsStarted } from "./daemons.ts";
import { procPidFs, taskSyscalls } from "./procpid.ts";
import { disownBuiltin, jobLine, jobStatus, jobsBuiltin, killBuiltin, waitOptions, waitTarget } from "./jobctl.ts";
import { simpleCommand, type Job } from "./jobs.ts";
import type { ProcApi } from "../userland/procps/ps.ts";
import { AnyKill, Kill, NEVER_KILLED, relayOf, type KillSignal } from "./killsignal.ts";

/** the environment variable naming the kill switch of a `timeout`'s child */
const KILL_VAR = "TUXNET_KILL";
/** the environment variable naming the terminal a command line may write to directly */
const TTY_VAR = "TUXNET_TTY";
/** the environment variable carrying the pid of the shell running a command (its tools' ppid) */
const PID_VAR = "TUXNET_PID";
/** a background job that is one simple command: the pid its tool takes (bash forks, then execs) */
const EXECPID_VAR = "TUXNET_EXECPID";
/** the pid of the shell of a command line: what `$$` expands to there (its jobs too) */
const SHELLPID_VAR = "TUXNET_SHELLPID";
/** the `$?` a script starts with when not 0: a terminal's last status, a background job's
 * parent's `$?` at `&` (its first command, `__session`, returns it and clears it) */
const STATUS_VAR = "TUXNET_STATUS";
/** set on the lines of an interactive shell: an expansion error ends its line with status 1
 * where a `bash -c` line ends with 127 (patch edit 29), and `$-` is "himBHs" (edit 34) */
const INTERACTIVE_VAR = "TUXNET_INTERACTIVE";
const INTERNAL_VARS = new Set([JOB_SESSION_VAR, KILL_VAR, TTY_VAR, IO_VAR, PID_VAR, EXECPID_VAR, SHELLPID_VAR, STATUS_VAR, INTERACTIVE_VAR]);
/** simulated µs an external command costs before it runs (fork + exec on a real machine) */
export const EXEC_COST_US = 1000;
/** simulated µs a process that held sockets (or was killed) takes to exit before its parent
 * runs on */
export const EXIT_COST_US = 100;

export interface ShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** stdout and stderr interleaved in the order they were written (what a terminal shows) */
  output?: string;
  /** the shell's variables when the line ended (a REPL carries them, and PWD, to the next) */
  env?: Record<string, string>;
}

export interface ExecOptions {
  /** the namespace to run in (default: the host's root namespace) */
  sys?: Syscalls;
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
  signal?: AbortSignal;
  /** the `$?` the line starts with: an interactive shell's last status (`bash -c` starts at 0) */
  status?: number;
  /**
   * a terminal: tools of this line write to it as they run (and see isatty), instead of
   * into the result. For a line that is one simple command with no redirection (the REPL
   * checks); other output would come out of order.
   */
  tty?: { write(s: string): void };
  /** receives a function that tells what the line has written so far (a lab's timeout keeps
   * it, as a SIGKILL leaves what a process wrote in its output files) */
  partial?: (written: () => { stdout: string; stderr: string }) => void;
  /** receives a function that SIGKILLs the line's process group: its shell and every process
   * it started, background jobs included (labtool's killpg() of a command that timed out) */
  killGroup?: (kill: () => void) => void;
}

/** Our own face of the shell, so the interpreter behind it can change. */
export interface Shell {
  exec(script: string, opts?: ExecOptions): Promise<ShellResult>;
}

export interface HostShellOptions {
  /** the host's root-namespace Syscalls */
  root: Syscalls;
  commands: CommandTable;
  sched: Scheduler;
  /** extra files of the host (path -> content) */
  files?: Record<string, string>;
  /** called when a tool exits (lab mode commits lab MACs after a successful `ip`) */
  onToolExit?: (name: string, argv: string[], code: number) => void;
}

/** Debian 12's /etc/iproute2/rt_tables */
const RT_TABLES = `#
# reserved values
#
255\tlocal
254\tmain
253\tdefault
0\tunspec
#
# local
#
#1\tinr.ruhep
`;

/**
 * coreutils tr.c: unquote() — a SET's backslash escapes (\NNN octal of 1 to 3 digits, \\,
 * \a \b \f \n \r \t \v, \c for any other c) as the characters they stand for, in the form
 * just-bash's tr reads literally (a backslash, `-` and `[` stay escaped).
 */
export function trUnescape(set: string): string {
  if (!set.includes("\\")) return set;
  const C: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };
  let out = "";
  for (let i = 0; i < set.length; i++) {
    const c = set[i]!;
    if (c !== "\\" || i + 1 === set.length) {
      out += c;
      continue;
    }
    let ch: string;
    const m = /^[0-7]{1,3}/.exec(set.slice(i + 1));
    if (m) {
      let v = parseInt(m[0], 8);
      let len = m[0].length;
      // a third digit that would overflow a byte is not part of the escape
      if (v > 0o377) {
        v = parseInt(m[0].slice(0, 2), 8);
        len = 2;
      }
      ch = String.fromCharCode(v);
      i += len;
    } else {
      const e = set[++i]!;
      ch = C[e] ?? e;
    }
    out += ch === "\\" || ch === "-" || ch === "[" ? "\\" + ch : ch;
  }
  return out;
}

export function shellQuote(a: string): string {
  if (a !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a)) return a;
  return singleQuote(a);
}

/** the environment labtool gives every command (LANG=C, HOME=/root, TERM=dumb); bash adds SHLVL */
export function baseEnv(): Record<string, string> {
  return {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    LANG: "C",
    LC_ALL: "C",
    HOME: "/root",
    TERM: "dumb",
    SHLVL: "1",
  };
}

/** Variables bash sets for itself without exporting them (HOSTNAME from gethostname()). */
function bashVarsPlugin(sys: Syscalls): TransformPlugin {
  return {
    name: "tuxnet-bash-vars",
    transform({ ast }) {
      const vars: [string, string][] = [
        ["HOSTNAME", sys.hostname()],
        ["SHELL", "/bin/bash"],
        ["BASH", "/usr/bin/bash"],
      ];
      const assign = simpleStatement(
        null,
        [],
        vars.map(([name, value]) => ({ type: "Assignment", name, append: false, array: null, value: word(value, true) })),
      );
      setupNodes.add(assign);
      (ast.statements as unknown[]).unshift(assign);
      // `$$`: the pid of this line's bash (just-bash's is a constant 1)
      const visit = (n: unknown): void => {
        if (Array.isArray(n)) return n.forEach(visit);
        if (!isNode(n)) return;
        if (n.type === "ParameterExpansion" && n.parameter === "$" && !n.operation) {
          // (a nested `bash -c` sees no variable of ours: just-bash's 1 there, as before)
          n.parameter = SHELLPID_VAR;
          n.operation = { type: "DefaultValue", word: word("1"), checkEmpty: true };
        }
        for (const k of Object.keys(n)) if (k !== "type" && isNode(n[k])) visit(n[k]);
      };
      visit(ast);
      return { ast };
    },
  };
}

/**
 * `bash -c` names the line in its own messages: `bash: line 1: nosuch: command not found`.
 * just-bash prints `bash: nosuch: …`; a one-line script's messages get the line back.
 */
function bashLinePrefix(stderr: string, script: string): string {
  if (script.includes("\n") || !(stderr.includes("bash: ") || stderr.includes("environment: "))) return stderr;
  // (inside a function defined in the line: "environment", its BASH_SOURCE; patch edit 9)
  return stderr.replace(/^(bash|environment): (?!line \d+: |-c: line \d+: )/gm, "$1: line 1: ");
}

const NEVER = new AbortController().signal;

// `set -x` traces a rewritten command as it was written
installXtraceHook();
installFunctionTextHook();
// arithmetic errors in bash's words
installArithHook();

/** just-bash's note that a killed exec stopped (after the sentinels of its marks, if any; with
 * the line patch edit 10 names) */
function dropAborted(stderr: string): string {
  return stderr.replace(/^((?:\uE000\d+\uE001)*)(?:bash|environment): (?:line \d+: )?execution aborted\n/m, "$1");
}

/** run `fn` (up to its first await) without V8 capturing stack traces for its errors */
function noStackTrace<T>(fn: () => T): T {
  const E = Error as { stackTraceLimit?: number };
  const lim = E.stackTraceLimit;
  if (typeof lim !== "number") return fn();
  E.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    E.stackTraceLimit = lim;
  }
}

/** xargs's options up to its command, one per word, each argument a word of its own */
export function splitXargsOptions(args: string[]): string[] {
  const out: string[] = [];
  let k = 0;
  for (; k < args.length; k++) {
    const a = args[k]!;
    if (a === "--" || a[0] !== "-" || a.length === 1 || a.startsWith("--")) break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if ("nIdPLsaE".includes(c)) {
        out.push(`-${c}`);
        if (j + 1 < a.length) out.push(a.slice(j + 1));
        else if (k + 1 < args.length) out.push(args[++k]!);
        break;
      }
      out.push(`-${c}`);
    }
  }
  return [...out, ...args.slice(k)];
}

/**
 * GNU xargs on input without an item: its command (echo by default) runs once with the
 * initial arguments, unless -r or -I/-i (a replacement needs an item). The command and -t, or
 * undefined when the input has items or the options are ones left to just-bash's xargs
 * (long options, -a's file, -E's end-of-file string). `words` are splitXargsOptions()'s.
 */
export function xargsEmptyRun(words: string[], input: string): { command: string[]; trace: boolean } | undefined {
  let delimited = false;
  let trace = false;
  let k = 0;
  for (; k < words.length; k++) {
    const a = words[k]!;
    if (a === "--") {
      k++;
      break;
    }
    if (a[0] !== "-" || a.length === 1) break;
    if (a.startsWith("--")) return undefined;
    const c = a[1]!;
    if (c === "r" || c === "I" || c === "i" || c === "a" || c === "E" || c === "e") return undefined;
    if (c === "0" || c === "d") delimited = true;
    if (c === "t") trace = true;
    if ("nIdPLsaE".includes(c)) k++;
  }
  if (delimited ? input !== "" : !/^[ \t\n]*$/.test(input)) return undefined;
  const command = words.slice(k);
  return { command: command.length ? command : ["echo"], trace };
}

/** the files a tool's stdout/stderr are redirected to, which it writes itself (output.ts) */
/** a file a tool's fd is redirected to: `>>` appends; `noclobber`, a `>` under `set -C` */
type ToolFile = { path: string; append: boolean; noclobber?: boolean };
type ToolFiles = { out?: ToolFile; err?: ToolFile; shellErr?: "1" | "2" | "r" };

/**
 * open(2) of a redirection's file as bash does before exec (O_TRUNC for `>`, O_APPEND for
 * `>>`): a sink the tool's writes go to in order, as they happen; or bash's error text
 */
async function openToolFile(
  fs: IFileSystem,
  path: string,
  append: boolean,
  sched: Scheduler,
  noclobber = false,
): Promise<(FileSink & { done(): Promise<void> }) | string> {
  try {
    const st = await fs.stat(path);
    if (st.isDirectory) return "Is a directory";
    // redir.c: under `set -C` a `>` opens a regular file that exists with O_EXCL, and fails
    if (noclobber && st.isFile) return "cannot overwrite existing file";
  } catch {
    /* a new file */
  }
  if (!(await writeFileChecked(fs, path, "", append))) return "No such file or directory";
  let chain: Promise<unknown> = Promise.resolve();
  return {
    write(data: string | Uint8Array) {
      // a write in flight is work: the clock does not move on (a daemon that logs, then waits
      // for packets, has its lines in the file before anything later reads it)
      chain = sched.track(chain.then(() => writeFileChecked(fs, path, data, true)));
    },
    done: () => chain.then(() => undefined),
  };
}

/** openToolFile() and one write of `data`: bash's error text, or undefined */
async function writeToolFile(fs: IFileSystem, path: string, data: Uint8Array, append: boolean, sched: Scheduler): Promise<string | undefined> {
  const sink = await openToolFile(fs, path, append, sched);
  if (typeof sink === "string") return sink;
  if (data.length) sink.write(data);
  await sink.done();
  return undefined;
}

/** a job no longer counts for the session's `wait` (it ended, or was disowned): the last one
 * releases the waiters */
function leaveSession(session: JobSession): void {
  session.pending--;
  if (session.pending > 0) return;
  const ws = session.waiters;
  session.waiters = [];
  for (const w of ws) w.unblock();
}

/** job processes a tool has taken over (a job runs its one command once) */
const claimed = new WeakSet<object>();
/** processes exec'ing a program in place right now (ip netns exec, nsenter, unshare): the
 * program takes the process over (same pid), whatever its name */
const execInPlace = new WeakSet<object>();

/**
 * A signal aborted when any of `sources` is; `dispose()` detaches it from them. A tool's
 * signal must be detached when the tool exits: just-bash aborts each command's context
 * signal once the command is done, and every listener still on it would fire then.
 */
function linkSignals(...sources: AbortSignal[]): { signal: AbortSignal; dispose(): void } {
  const live = sources.filter((s) => s !== NEVER);
  if (live.length === 0) return { signal: NEVER, dispose() {} };
  if (live.length === 1) return { signal: live[0]!, dispose() {} };
  const both = new AbortController();
  const fire = () => both.abort();
  for (const s of live) {
    if (s.aborted) {
      both.abort();
      return { signal: both.signal, dispose() {} };
    }
  }
  for (const s of live) s.addEventListener("abort", fire);
  return { signal: both.signal, dispose: () => live.forEach((s) => s.removeEventListener("abort", fire)) };
}

/** a command's stdin as the bytes it is (just-bash hands it over latin1-shaped) */
function stdinBytes(ctx: { stdin?: Parameters<typeof latin1FromBytes>[0] }): Uint8Array {
  return ctx.stdin ? latin1ToBytes(latin1FromBytes(ctx.stdin)) : new Uint8Array(0);
}

/**
 * What a tool's process computes only when read (its stdin as bytes, its view of the process
 * table), behind getters shared by every process. A getter written in the process's object
 * literal would be a new function for each process, and V8 then gives each process object a
 * map of its own, each hanging off the last: that chain keeps every process's objects alive
 * through young-generation GCs until a full one (kilobytes promoted per command).
 */
interface ProcessLazy {
  stdinBytes(): Uint8Array;
  procs(): ProcApi;
  readFileKnown(path: string): string | undefined | null;
}

type ProcessFields = Omit<Process, "stdinBytes"> & Required<Pick<Process, "onSignal" | "readdir" | "readFileBytes" | "readError" | "writeFileBytes">>;

/**
 * A tool's process: its fields, and the lazy ones as getters of the class (one map for every
 * process, made without Object.defineProperties(), which cost more than the rest of the
 * object; a spread of it, `{ ...p, argv }`, copies the fields but not the getters).
 */
class ToolProcess implements Process {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  stdin: string;
  stdout: Process["stdout"];
  stderr: Process["stderr"];
  sys: Syscalls;
  signal: Process["signal"];
  isatty: boolean;
  onSignal: ProcessFields["onSignal"];
  spawn: Process["spawn"];
  readFile: Process["readFile"];
  writeFile: Process["writeFile"];
  readFileBytes: ProcessFields["readFileBytes"];
  readError: ProcessFields["readError"];
  readdir: ProcessFields["readdir"];
  writeFileBytes: ProcessFields["writeFileBytes"];
  readonly #lazy: ProcessLazy;

  constructor(f: ProcessFields, lazy: ProcessLazy) {
    this.argv = f.argv;
    this.env = f.env;
    this.cwd = f.cwd;
    this.stdin = f.stdin;
    this.stdout = f.stdout;
    this.stderr = f.stderr;
    this.sys = f.sys;
    this.signal = f.signal;
    this.isatty = f.isatty;
    this.onSignal = f.onSignal;
    this.spawn = f.spawn;
    this.readFile = f.readFile;
    this.writeFile = f.writeFile;
    this.readFileBytes = f.readFileBytes;
    this.readError = f.readError;
    this.readdir = f.readdir;
    this.writeFileBytes = f.writeFileBytes;
    this.#lazy = lazy;
  }

  get stdinBytes(): Uint8Array {
    return this.#lazy.stdinBytes();
  }

  get procs(): ProcApi {
    return this.#lazy.procs();
  }

  readFileKnown(path: string): string | undefined | null {
    return this.#lazy.readFileKnown(path);
  }
}

/** a tool run's sentinels when it puts none (toolCall) */
const NO_MARKS: Readonly<{ out: string; err: string }> = Object.freeze({ out: "", err: "" });

/** the fds a tool's own files are for (runTool) */
const FILE_FDS = ["out", "err"] as const;

/** bash's builtins (`help`'s list) */
const BASH_BUILTINS = new Set(
  (". : [ alias bg bind break builtin caller cd command compgen complete compopt continue declare dirs disown " +
    "echo enable eval exec exit export false fc fg getopts hash help history jobs kill let local logout mapfile " +
    "popd printf pushd pwd read readarray readonly return set shift shopt source suspend test times trap true " +
    "type typeset ulimit umask unalias unset wait").split(" "),
);
/** the builtins Debian 12 also ships as programs (coreutils; procps's kill) */
const BUILTIN_PROGRAMS = new Set(["[", "test", "echo", "printf", "true", "false", "pwd", "kill"]);

/** the options a job's forked shell keeps of its parent's SHELLOPTS, as a `set` before its
 * statement (not traced: xtrace comes on after it) */
const JOB_OPTIONS = ["allexport", "errexit", "noclobber", "noglob", "nounset", "pipefail", "xtrace"];

function jobOptions(shellopts: string): string {
  const on = shellopts.split(":").filter((o) => JOB_OPTIONS.includes(o));
  return on.length ? `set ${on.map((o) => `-o ${o}`).join(" ")}; ` : "";
}

/**
 * The commands Debian 12's packages install in /sbin (/usr/sbin): iproute2's ip and bridge,
 * bridge-utils, net-tools' arp, ifconfig and route, procps' sysctl, iptables and ebtables
 * (alternatives), ethtool, arping, conntrack, dnsmasq, dhclient, kmod, ifupdown, udhcpc.
 */
const SBIN = new Set([
  "arp", "arping", "brctl", "bridge", "conntrack", "dhclient", "dnsmasq", "ebtables", "ebtables-nft", "ebtables-nft-save",
  "ebtables-save", "ethtool", "ifconfig", "ifdown", "ifup", "ip", "iptables", "iptables-legacy", "iptables-legacy-restore",
  "iptables-legacy-save", "iptables-nft", "iptables-nft-restore", "iptables-nft-save", "iptables-restore", "iptables-save",
  "lsmod", "modprobe", "route", "sysctl", "traceroute", "udhcpc",
]);
/** of those, the ones /bin (/usr/bin) has as well: iproute2's /bin/ip, kmod's lsmod, traceroute's
 * alternative */
const BIN_AND_SBIN = new Set(["ip", "lsmod", "traceroute"]);

export class HostShell implements Shell, IoHost {
  /** the host's own files (/root, /etc, /tmp …), shared by all its namespaces */
  readonly fs: SimClockFs;
  readonly root: Syscalls;
  readonly sched: Scheduler;
  private readonly commands: CommandTable;
  private readonly onToolExit: HostShellOptions["onToolExit"];
  private readonly bashes = new WeakMap<Syscalls, Bash>();
  private readonly sessions = new Map<string, JobSession>();
  private readonly kills = new Map<string, AbortController>();
  /** the processes running under each `timeout` (by its kill id): whom its signal reaches */
  private readonly killProcs = new Map<string, Set<ProcEntry>>();
  private readonly ttys = new Map<string, { write(s: string): void }>();
  private nextKill = 1;
  private nextSession = 1;
  /** the host's processes (proctab.ts): tools, background jobs, daemons */
  readonly procs: ProcTable;
  /**
   * an interactive shell (the REPL): one job table for every line, `[1] PID` when a job
   * starts, `[1]+  Done …` notices (in orphanOutput), no `line 1:` in messages
   */
  interactive = false;
  /** an interactive shell's job notices, `[1]+  Done  sleep 2` (printed before the prompt) */
  notices: string[] = [];
  private interactiveSession: JobSession | undefined;
  /** the interactive shell's history list (a `bash -c` line keeps one of its own) */
  readonly history = new History();
  private interactiveBash: ProcEntry | undefined;
  /** output of background jobs that outlived their line (the REPL prints it) */
  orphanOutput: string[] = [];
  /** the output of the lines running now, in time order (output.ts) */
  readonly logs = new Map<string, OutLog>();
  /** `| head -N` readers of the pipelines running now */
  readonly pipes = new Map<string, PipeLimit>();
  nextPipe = 1;
  private nextLog = 1;
  now(): number {
    return this.sched.now;
  }

  constructor(opts: HostShellOptions) {
    this.root = opts.root;
    this.sched = opts.sched;
    this.commands = opts.commands;
    this.onToolExit = opts.onToolExit;
    // a signal lands when the sender next lets time pass, as a real kill(2) races the
    // sender's next builtins (bash's `kill %1; jobs` still lists the job as Running)
    this.procs = new ProcTable(() => opts.root.wallclock(), (fn) => void this.sched.after(0, fn, "signal"));
    // the kernel finds a process's namespace (ip link set … netns PID) in this table
    opts.root.bindProcesses?.((pid) => {
      const e = this.procs.get(pid);
      return e ? ((e.netns as Syscalls | undefined) ?? opts.root) : undefined;
    });
    const hostname = opts.root.hostname();
    this.fs = new SimClockFs(() => opts.root.wallclock(), {
      "/etc/hostname": hostname + "\n",
      "/etc/hosts": `127.0.0.1\tlocalhost\n127.0.1.1\t${hostname}\n\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`,
      "/etc/resolv.conf": "",
      ...ETC_FILES,
      "/etc/iproute2/rt_tables": RT_TABLES,
      "/tmp/.keep": "",
      "/var/lib/misc/.keep": "",
      ...opts.files,
    });
  }

  /** The Bash instance of a namespace (one per Syscalls object, created on first use). */
  bashFor(sys: Syscalls): Bash {
    let b = this.bashes.get(sys);
    if (b) return b;
    const fs = new EmptyPathFs({ base: this.fs });
    // /proc/PID of the host's processes over the namespace's /proc (procpid.ts)
    const procfs = procPidFs(sys.fs, this.procs);
    fs.mount("/proc", new KernelMountFs("/proc", procfs));
    fs.mount("/sys", new KernelMountFs("/sys", sys.fs));
    fs.mount("/run/netns", new NetnsDirFs(sys));
    fs.mount("/dev", new DevFs(() => sys.random32(), sys));
    const custom: BashCommand[] = [];
    const names = new Set(getCommandNames());
    // Debian's merged /usr: /bin is /usr/bin and /sbin is /usr/sbin, each tool where its package
    // puts it (just-bash, patched, runs NAME in any of the four as the command NAME)
    const inBin = (n: string) => names.has(n) && (!SBIN.has(n) || BIN_AND_SBIN.has(n));
    const inSbin = (n: string) => names.has(n) && SBIN.has(n);
    for (const d of ["/usr/bin", "/bin"]) fs.mount(d, new BinDirFs(d, inBin, () => [...names]));
    for (const d of ["/usr/sbin", "/sbin"]) fs.mount(d, new BinDirFs(d, inSbin, () => [...SBIN]));
    for (const [name, cmd] of Object.entries(this.commands)) {
      custom.push(defineCommand(name, (args, ctx) => this.runTool(name, cmd, args, ctx, sys)));
    }
    // od is GNU's (userland/coreutils/od.ts) even with a command table that lacks it
    if (!this.commands.od) custom.push(defineCommand("od", (args, ctx) => this.runTool("od", od, args, ctx, sys)));
    if (!this.commands.sleep) {
      const sleep = (p: Process) => sleepCommand(p, (us, signal) => this.sleep(us, signal));
      custom.push(defineCommand("sleep", (args, ctx) => this.runTool("sleep", sleep, args, ctx, sys)));
    }
    if (!this.commands.hostname) {
      custom.push(defineCommand("hostname", async () => ({ stdout: sys.hostname() + "\n", stderr: "", exitCode: 0 })));
    }
    // env/printenv with no operand: the exported environment (just-bash lists every shell
    // variable); with operands, just-bash's own
    // (the trap table rides in the shell's variables, which a terminal carries to its next line)
    const envList = (ctx: ResolvedCommandContext) =>
      Object.entries(this.envOf(ctx)).filter(([k]) => !INTERNAL_VARS.has(k) && !TRAP_VARS.has(k));
    custom.push(
      defineCommand("env", async (args, ctx) => {
        if (args.length > 0 && ctx.origCommand) return ctx.origCommand(args);
        const lines = envList(ctx).map(([k, v]) => `${k}=${v}\n`);
        return { stdout: lines.join("") + "_=/usr/bin/env\n", stderr: "", exitCode: 0 };
      }),
      defineCommand("printenv", async (args, ctx) => {
        if (args.length > 0 && ctx.origCommand) return ctx.origCommand(args);
        const lines = envList(ctx).map(([k, v]) => `${k}=${v}\n`);
        return { stdout: lines.join("") + "_=/usr/bin/printenv\n", stderr: "", exitCode: 0 };
      }),
    );
    if (!this.commands.date) {
      custom.push(
        defineCommand("date", async (args, ctx) => {
          const t = sys.wallclock();
          const out = dateOutput(args, Math.floor(t), Math.floor((t % 1) * 1e6));
          if (out === undefined && ctx.origCommand) return ctx.origCommand(args);
          return { stdout: out ?? "", stderr: "", exitCode: 0 };
        }),
      );
    }
    // GNU xargs takes an option's argument in the same word (-n1, -I{}) and letters together
    // (-rt); just-bash's only as separate words
    custom.push(
      defineCommand("xargs", async (args, ctx) => {
        if (!ctx.origCommand) return { stdout: "", stderr: "bash: xargs: command not found\n", exitCode: 127 };
        const words = splitXargsOptions(args);
        const once = xargsEmptyRun(words, ctx.stdin ? latin1FromBytes(ctx.stdin) : "");
        if (!once || !ctx.exec) return ctx.origCommand(words);
        // no input item: GNU xargs runs the command once with its initial arguments (just-bash's
        // runs nothing); -t echoes it; the command's non-zero status is 123, 255 is 124 (126 and
        // 127, a command it could not run, stay)
        const r = await ctx.exec(once.command.map(shellQuote).join(" "), { cwd: ctx.cwd });
        const code = r.exitCode;
        const exitCode = code === 0 || code === 126 || code === 127 ? code : code === 255 ? 124 : 123;
        // xargs.c: wait_for_proc()'s words for a 255
        const why = code === 255 ? `xargs: ${once.command[0]}: exited with status 255; aborting\n` : "";
        return { stdout: r.stdout, stderr: (once.trace ? once.command.join(" ") + "\n" : "") + r.stderr + why, exitCode };
      }),
    );
    // GNU ls names a missing operand differently from just-bash's ls
    custom.push(
      defineCommand("ls", async (args, ctx) => {
        if (!ctx.origCommand) return { stdout: "", stderr: "bash: ls: command not found\n", exitCode: 127 };
        // coreutils 9.1 ls's getopt_long(): a bad option is LS_FAILURE (2), with the Try line
        const bad = gnuOptionsCheck("ls", args, LS_SHORTOPTS, LS_LONGOPTS);
        if (bad.error) return { stdout: "", stderr: bad.error, exitCode: 2 };
        // ls -l of /sys: GNU's long format with the kernel's symlinks (ls.ts)
        const long = lsLongArgs(args);
        if (long && long.paths.every((a) => /^\/(sys|proc)\//.test(ctx.fs.resolvePath(ctx.cwd, a))))
          return lsLong(procfs, long, ctx.cwd, sys.wallclock());
        // ls -l of the host's own files: root's, with the simulated clock's mtimes (lsfs.ts)
        const parsed = lsFsArgs(args);
        if (parsed && "error" in parsed) return { stdout: "", stderr: parsed.error, exitCode: parsed.code };
        const own = parsed;
        if (own?.long && (own.paths.length ? own.paths : ["."]).every((a) => !/^\/(sys|proc|dev)(\/|$)/.test(ctx.fs.resolvePath(ctx.cwd, a))))
          return lsLongFs(ctx.fs, own, ctx.cwd, sys.wallclock());
        // names alone, to a pipe or file (a terminal gets just-bash's): GNU's order — files
        // first, then each directory — and its blank lines between them
        if (own && !own.long && !ctx.env.get(TTY_VAR)) return lsLongFs(ctx.fs, own, ctx.cwd, sys.wallclock());
        const r = await ctx.origCommand(args);
        return {
          ...r,
          stderr: r.stderr.replace(/^ls: (?!cannot access )(.+): No such file or directory$/gm, "ls: cannot access '$1': No such file or directory"),
        };
      }),
    );
    // stat of the host's own files: root's, GNU's formats (stat.ts)
    if (!this.commands.stat)
      custom.push(
        defineCommand("stat", async (args, ctx) => {
          if (!ctx.origCommand) return { stdout: "", stderr: "bash: stat: command not found\n", exitCode: 127 };
          const o = statArgs(args);
          if (o && o.paths.every((a) => !/^\/(sys|proc|dev)(\/|$)/.test(ctx.fs.resolvePath(ctx.cwd, a))))
            return statFs(ctx.fs, o, ctx.cwd);
          return ctx.origCommand(args);
        }),
      );
    // tee opens its files as open(2) would, /proc and /sys ones written by the kernel (tee.ts)
    custom.push(
      defineCommand("tee", async (args, ctx) => {
        if (!ctx.origCommand) return { stdout: "", stderr: "bash: tee: command not found\n", exitCode: 127 };
        const r = await tee(args, {
          stdin: stdinBytes(ctx),
          write: async (name, data, append) => {
            const path = ctx.fs.resolvePath(ctx.cwd, name);
            // the kernel's files as a redirection's __kwrite writes them, the others as a
            // tool's redirected output is opened and written
            if (/^\/(proc|sys)(\/|$)/.test(path)) return kernfsWrite(sys, path, new TextDecoder().decode(data))?.err;
            return writeToolFile(ctx.fs, path, data, append, this.sched);
          },
        });
        return r ?? fixFileErrors("tee", await ctx.origCommand(args), ctx.fs, sys.fs, ctx.cwd);
      }),
    );
    // a bad option as coreutils' getopt_long() words it (gnuopts.ts); a file they cannot read
    // named as coreutils, GNU sed and mawk name it (fileerrors.ts)
    const fileTools = new Set<string>(["wc", "sed", "awk", "touch"]);
    for (const tool of new Set([...fileTools, ...Object.keys(GNU_OPTIONS).filter((t) => t !== "tr")]))
      custom.push(
        defineCommand(tool, async (args, ctx) => {
          if (!ctx.origCommand) return { stdout: "", stderr: `bash: ${tool}: command not found\n`, exitCode: 127 };
          const o = GNU_OPTIONS[tool];
          if (o) {
            const cl = gnuCommandLine(tool, args, o);
            if ("error" in cl) return { stdout: "", stderr: cl.error, exitCode: 1 };
            args = cl.args;
          }
          // coreutils' cp and rm for what they are mostly asked (cp.ts, rm.ts); anything else is
          // just-bash's
          if (tool === "cp" || tool === "rm") {
            const port = tool === "cp" ? cpPort : rmPort;
            const r = await port(args, ctx.fs, ctx.cwd, (dir) => this.fs.entriesByAge(dir));
            if (r) return r;
          }
          // mawk's and GNU sed's command lines (awk.ts, sed.ts); sed goes on past a file it
          // cannot open
          if (tool === "awk") {
            const cl = awkCommandLine(args);
            if ("result" in cl) return cl.result;
            args = cl.args;
          }
          let sedMissing = "";
          if (tool === "sed") {
            const cl = sedCommandLine(args);
            if ("result" in cl) return cl.result;
            args = cl.args;
            ({ args, messages: sedMissing } = await sedDropMissing(args, ctx.fs, ctx.cwd));
          }
          let r = await ctx.origCommand(args);
          if (tool === "wc" && o) r = { ...r, stdout: await wcWidths(r.stdout, args, o.shorts, o.longs, ctx.fs, ctx.cwd) };
          if (tool === "sed") r = sedWithMissing(r, sedMissing);
          // cp.c / mv.c: target_directory_operand()'s errno for a last operand that is no directory
          const notDir = /^(cp|mv): target '(.*)' is not a directory\n$/.exec(r.stderr);
          if (notDir) {
            let why = "No such file or directory";
            try {
              await ctx.fs.stat(ctx.fs.resolvePath(ctx.cwd, notDir[2]!));
              why = "Not a directory";
            } catch {
              /* ENOENT */
            }
            r = { ...r, stderr: `${tool}: target ${quoteaf(notDir[2]!)}: ${why}\n` };
          }
          // usage(EXIT_FAILURE) after "missing operand": the Try line too
          if (o && /^[a-z]+: (missing (file |destination file )?operand( after '.*')?)\n$/.test(r.stderr))
            r = { ...r, stderr: `${r.stderr}Try '${tool} --help' for more information.\n` };
          return fileTools.has(tool) ? fixFileErrors(tool as FileErrorTool, r, ctx.fs, sys.fs, ctx.cwd) : r;
        }),
      );
    // cat names the real errno of /sys and /proc files (just-bash's says ENOENT for all)
    custom.push(
      defineCommand("cat", async (args, ctx) => {
        if (!ctx.origCommand) return { stdout: "", stderr: "bash: cat: command not found\n", exitCode: 127 };
        // GNU cat's getopt_long(): its messages for bad options, its --help and --version
        const o = gnuOptionsCheck("cat", args, "benstuvAET", CAT_LONGOPTS);
        if (o.error) return { stdout: "", stderr: o.error, exitCode: 1 };
        if (o.help || o.version) return { stdout: o.help ? CAT_HELP : CAT_VERSION, stderr: "", exitCode: 0 };
        // a second "-" finds standard input at its end already (just-bash's reads it again)
        const dashes = (o.operandAt ?? []).filter((i) => args[i] === "-");
        if (dashes.length > 1) args = args.map((a, i) => (dashes.indexOf(i) > 0 ? "/dev/null" : a));
        return fixFileErrors("cat", await ctx.origCommand(args), ctx.fs, sys.fs, ctx.cwd);
      }),
    );
    if (!this.commands.xxd)
      custom.push(
        defineCommand("xxd", (args, ctx) =>
          xxd(args, {
            stdin: stdinBytes(ctx),
            readFile: (f) => readFileBytes(ctx.fs, ctx.fs.resolvePath(ctx.cwd, f)),
          }),
        ),
      );
    // printf '\x85' or '\205' writes the byte 0x85; just-bash's gives the character U+0085,
    // which a pipe or a file would get UTF-8 encoded. With only ASCII in the arguments such a
    // character can only come from an escape: the output is bytes then. (Not echo -e: a
    // wrapper costs every echo a second command run, and binary data is printf's job.)
    for (const name of ["printf"])
      custom.push(
        defineCommand(name, async (args, ctx) => {
          if (!ctx.origCommand) return { stdout: "", stderr: `bash: ${name}: command not found\n`, exitCode: 127 };
          const r = await printfBuiltin(args, ctx.origCommand);
          if (!/[\x80-\xff]/.test(r.stdout) || /[^\x00-\xff]/.test(r.stdout) || ("stdoutKind" in r && r.stdoutKind === "bytes")) return r;
          if (args.some((a) => /[^\x00-\x7f]/.test(a))) return r;
          return { ...r, stdoutKind: "bytes" as const };
        }),
      );
    // tr's SETs with GNU's escapes (\NNN octal, \a \b \f \v, a range of escapes): just-bash
    // knows \n \t \r and reads `\0` as `0`; each escape becomes the character it stands for
    custom.push(
      defineCommand("tr", async (args, ctx) => {
        if (!ctx.origCommand) return { stdout: "", stderr: "bash: tr: command not found\n", exitCode: 127 };
        const o = GNU_OPTIONS["tr"]!;
        const cl = gnuCommandLine("tr", args, o);
        if ("error" in cl) return { stdout: "", stderr: cl.error, exitCode: 1 };
        args = cl.args;
        // tr.c: the number of SETs the options allow (one or two), checked before any is read
        const end = args.indexOf("--");
        const optWords = end < 0 ? optionWords(args, o.shorts) : args.slice(0, end);
        const sets = end < 0 ? args.slice(optWords.length) : args.slice(end + 1);
        const has = (letter: string, long: string) => optWords.some((w) => w === long || (!w.startsWith("--") && w.slice(1).includes(letter)));
        const del = has("d", "--delete");
        const squeeze = has("s", "--squeeze-repeats");
        const [minOps, maxOps] = [1 + (del === squeeze ? 1 : 0), 1 + (Number(del) <= Number(squeeze) ? 1 : 0)];
        const tryLine = "Try 'tr --help' for more information.\n";
        if (sets.length < minOps) {
          const why = squeeze ? "Two strings must be given when both deleting and squeezing repeats." : "Two strings must be given when translating.";
          const text = sets.length === 0 ? "tr: missing operand\n" : `tr: missing operand after '${args[args.length - 1]}'\n${why}\n`;
          return { stdout: "", stderr: text + tryLine, exitCode: 1 };
        }
        if (sets.length > maxOps) {
          const only = sets.length === 2 ? "Only one string may be given when deleting without squeezing repeats.\n" : "";
          return { stdout: "", stderr: `tr: extra operand ${quote(sets[maxOps]!)}\n${only}${tryLine}`, exitCode: 1 };
        }
        return ctx.origCommand(args.map((a, i) => (i > 0 && args[i - 1] === "--") || !a.startsWith("-") || a === "-" ? trUnescape(a) : a));
      }),
    );
    // grep's basic regular expressions and pattern options as GNU reads them (grep.ts)
    custom.push(
      defineCommand("grep", async (args, ctx) => {
        if (!ctx.origCommand) return { stdout: "", stderr: "bash: grep: command not found\n", exitCode: 127 };
        // its command line as grep 3.8 checks it, before any file is read
        const line = grepCommandLine(args);
        if ("error" in line) return { stdout: "", stderr: line.error, exitCode: 2 };
        const { args: plain, silent } = grepNoMessages(line.args);
        const ga = grepArgs(plain) ?? plain;
        const quiet = ga.some((a) => a === "-q" || a === "--quiet" || a === "--silent" || /^-[a-zA-Z]*q/.test(a));
        const r = await fixFileErrors("grep", await ctx.origCommand(ga), ctx.fs, sys.fs, ctx.cwd, quiet);
        // -s: no messages about files that do not exist or cannot be read (the status stays)
        if (!silent) return r;
        return { ...r, stderr: r.stderr.replace(/^grep: .*: (No such file or directory|Is a directory|Permission denied)\n/gm, "") };
      }),
    );
    // uniq: coreutils' (uniq.ts: -c's "%7d ", -d -D -u -i -f -s -w -z --group, the obsolete
    // -N; just-bash's knows -c -d -u -i only); the OUTPUT operand, opened after INPUT and
    // truncated before INPUT is read
    custom.push(
      defineCommand("uniq", async (argv, ctx) => {
        if (!ctx.origCommand) return { stdout: "", stderr: "bash: uniq: command not found\n", exitCode: 127 };
        const cl = uniqCommandLine(argv);
        if ("result" in cl) return cl.result;
        const args = cl.args;
        let sink: Exclude<Awaited<ReturnType<typeof openToolFile>>, string> | undefined;
        if (cl.output !== undefined) {
          const input = cl.input === "-" ? undefined : ctx.fs.resolvePath(ctx.cwd, cl.input!);
          if (input === undefined || (await ctx.fs.exists(input))) {
            const opened = await openToolFile(ctx.fs, ctx.fs.resolvePath(ctx.cwd, cl.output), false, this.sched);
            if (typeof opened === "string") return { stdout: "", stderr: `uniq: ${quotef(cl.output)}: ${opened}\n`, exitCode: 1 };
            sink = opened;
          }
        }
        // uniq.c's check_file() (uniq.ts); an INPUT it cannot read is just-bash's to report
        let r: { stdout: string; stderr: string; exitCode: number } | undefined;
        if (cl.opts) {
          const file = cl.input === undefined || cl.input === "-" ? undefined : ctx.fs.resolvePath(ctx.cwd, cl.input);
          const text = file === undefined ? (ctx.stdin ? decodeBytesToUtf8(ctx.stdin) : "") : await ctx.fs.readFile(file).catch(() => undefined);
          if (text !== undefined) r = { stdout: uniqRun(text, cl.opts), stderr: "", exitCode: 0 };
        }
        r ??= await ctx.origCommand(args);
        if (sink === undefined) return r;
        sink.write(r.stdout);
        await sink.done();
        return { ...r, stdout: "" };
      }),
    );
    // coreutils' sort in the C locale (sort.ts); what it leaves (--debug, -R, --files0-from,
    // --help, --version) is just-bash's
    custom.push(
      defineCommand("sort", async (argv, ctx) => {
        const resolve = (f: string) => ctx.fs.resolvePath(ctx.cwd, f);
        const r = await sortRun(argv, {
          stdin: stdinBytes(ctx),
          readFile: async (f) => {
            const path = resolve(f);
            const b = await readFileBytes(ctx.fs, path).catch(() => undefined);
            if (b) return b;
            const err = (f === "" ? undefined : await readErrorOf(ctx.fs, sys.fs, path)) ?? "No such file or directory";
            return err === "Is a directory" ? { readError: err } : { openError: err };
          },
          // check_output(): opened without O_TRUNC; the result written once sorted
          openOutput: (f) => writeToolFile(ctx.fs, resolve(f), new Uint8Array(0), true, this.sched),
          writeFile: (f, data) => writeToolFile(ctx.fs, resolve(f), data, false, this.sched),
        });
        if (r) return r;
        return ctx.origCommand ? ctx.origCommand(argv) : { stdout: "", stderr: "bash: sort: command not found\n", exitCode: 127 };
      }),
    );
    // `CMD … | __fwrite >|>> FILE` (procwrite.ts): bash's open(2) of a redirection, then the bytes
    custom.push(
      defineCommand("__fwrite", async (args, ctx) => {
        // `__fwrite OP FILE CMD FLAGS` (procwrite.ts), OP `>`, `>>` or `>|`, FLAGS bash's `$-`
        const [mode = ">", target = "", cmd = "echo", flags = ""] = args;
        const path = fs.resolvePath(ctx.cwd, target);
        // (a word that expanded, or a relative path, into the kernel's files)
        if (/^\/(proc|sys)(\/|$)/.test(path)) return { stdout: "", ...kwrite(sys, [cmd, target], ctx.cwd, ctx.stdin ? decodeBytesToUtf8(ctx.stdin) : "") };
        const sink = await openToolFile(fs, path, mode === ">>", this.sched, mode === ">" && flags.includes("C"));
        if (typeof sink === "string") return { stdout: "", stderr: `bash: ${target}: ${sink}\n`, exitCode: 1 };
        if (ctx.stdin) sink.write(stdinBytes(ctx));
        await sink.done();
        return { stdout: "", stderr: "", exitCode: 0 };
      }),
    );
    // `__fstatus STATUS… FWRITE -- [WORD]` (procwrite.ts): the status of `… | CMD > FILE`, the
    // open's when it failed, and PIPESTATUS the statuses of the pipeline as written
    custom.push(
      defineCommand("__fstatus", async (args) => {
        const end = args.indexOf("--");
        const all = (end < 0 ? args : args.slice(0, end)).map((a) => Number(a) || 0);
        const open = all.pop() ?? 0;
        return { stdout: "", stderr: "", exitCode: open || (all[all.length - 1] ?? 0), internalPipeStatusOverride: all } as { stdout: string; stderr: string; exitCode: number };
      }),
    );
    custom.push(
      defineCommand("__kwrite", async (args, ctx) => ({
        stdout: "",
        ...kwrite(sys, args, ctx.cwd, ctx.stdin ? decodeBytesToUtf8(ctx.stdin) : ""),
      })),
    );
    if (!this.commands.timeout) custom.push(defineCommand("timeout", (args, ctx) => this.timeout(args, ctx, sys)));
    custom.push(defineCommand("__bg", (args, ctx) => this.bg(args, ctx, sys)));
    custom.push(
      defineCommand("__tool", async (args, ctx) => {
        const [flags = "", ...more] = args;
        // `@1> FILE`, `@2>> FILE`: files the tool writes itself (output.ts)
        const files: ToolFiles = {};
        if (/^@![12r]$/.test(more[0] ?? "")) files.shellErr = more.shift()![2] as "1" | "2" | "r";
        // `@-FLAGS`: bash's `$-` (set -C)
        const noclobber = more[0]?.startsWith("@-") ? more.shift()!.includes("C") : false;
        while (more.length >= 2 && /^@[12](>>|>\|?)$/.test(more[0]!)) {
          const [r, path] = more.splice(0, 2) as [string, string];
          files[r[1] === "1" ? "out" : "err"] = { path, append: r.endsWith(">>"), noclobber: noclobber && r.slice(2) === ">" };
        }
        const [name = "", ...rest] = more;
        return this.toolCall(flags, name, rest, ctx, sys, files);
      }),
    );
    custom.push(defineCommand("__mark", async (args, ctx) => this.mark(args, ctx)));
    custom.push(defineCommand("__wait", (args, ctx) => this.wait(args, ctx)));
    custom.push(defineCommand("__kill", async (args, ctx) => killBuiltin(args, this.sessionOf(ctx), this.procs)));
    // fg / bg / a bare job spec (`%1` is `fg %1`, `%1 &` is `bg %1`): bash's fg_bg() without
    // job control, as a script's bash runs (the interactive shell's jobs cannot be
    // foregrounded here either)
    custom.push(defineCommand("__jobspec", async (args) => ({ stdout: "", stderr: `bash: ${args[0] ?? "fg"}: no job control\n`, exitCode: 1 })));
    custom.push(defineCommand("__jobs", async (args, ctx) => jobsBuiltin(args, this.sessionOf(ctx))));
    custom.push(
      defineCommand("__disown", async (args, ctx) => {
        const session = this.sessionOf(ctx);
        return disownBuiltin(args, session, (j) => session && this.releaseJob(session, j));
      }),
    );
    custom.push(defineCommand("__session", (_args, ctx) => this.session(ctx)));
    custom.push(defineCommand("history", (args, ctx) => this.historyCommand(args, ctx)));
    custom.push(
      defineCommand("__trap", async (args, ctx) => {
        const r = trapBuiltin(args, parseTraps(ctx.env.get(TRAPS_VAR)));
        if (r.traps) await ctx.assignShellVariable?.(TRAPS_VAR, JSON.stringify(r.traps));
        return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
      }),
    );
    custom.push(
      defineCommand("__exittrap", async (args, ctx) => {
        const x = exitTrap(args, parseTraps(ctx.env.get(TRAPS_VAR)));
        await ctx.assignShellVariable?.(TRAPS_VAR, JSON.stringify(x.traps));
        await ctx.assignShellVariable?.("TUXNET_TRAP_RUN", x.run);
        await ctx.assignShellVariable?.("TUXNET_EXITCODE", x.code);
        return { stdout: "", stderr: "", exitCode: x.status };
      }),
    );
    for (const c of custom) names.add(c.name);
    b = new Bash({
      fs,
      cwd: "/root",
      env: baseEnv(),
      customCommands: custom,
      defenseInDepth: false,
      sleep: (ms: number) => this.sleep(Math.round(ms * 1000)),
      // the scripts are the user's own labs: no wall-clock limit, room for big loops
      executionLimits: {
        maxExecutionTimeMs: Number.POSITIVE_INFINITY,
        maxCommandCount: 10_000_000,
        maxLoopIterations: 10_000_000,
      },
      // the line's bash is a child of init in the process table (proctab): $PPID says so too
      processInfo: { pid: 1, ppid: 1, uid: 0, gid: 0 },
    });
    // (first: they keep what was written, before the others rewrite it)
    b.registerTransformPlugin(functionPlugin());
    b.registerTransformPlugin(xtracePlugin());
    b.registerTransformPlugin(bashVarsPlugin(sys));
    b.registerTransformPlugin(procWritePlugin);
    b.registerTransformPlugin(jobControlPlugin);
    b.registerTransformPlugin(trapPlugin(() => this.interactive));
    // `__tool.FLAGS.NAME`: `__tool FLAGS NAME` as a command of its own, made when first needed
    // (found in /usr/bin, not listed there)
    const bash = b;
    const made = new Set<string>();
    const toolCommand = (flags: string, name: string): string => {
      const cmd = `__tool.${flags}.${name}` as const;
      if (!made.has(cmd)) {
        made.add(cmd);
        names.add(cmd);
        bash.registerCommand(defineCommand(cmd, (args, ctx) => this.toolCall(flags, name, args, ctx, sys)));
      }
      return internalName(cmd);
    };
    b.registerTransformPlugin(outputPlugin((n) => this.isToolName(n), toolCommand));
    this.bashes.set(sys, b);
    return b;
  }

  /** `__tool FLAGS NAME ARGS` (output.ts): tool NAME (or timeout), its fds 1 and 2 as FLAGS say
   * (the run's own promise when there are no sentinels: no async layer of its own per command) */
  private toolCall(flags: string, name: string, args: string[], ctx: ResolvedCommandContext, sys: Syscalls, files: ToolFiles = {}) {
    const tool = this.commands[name];
    // a sentinel on each direct fd as it starts: the result text written before it goes
    // before its writes to the log (output.ts DirtyFlow counts on it)
    const marks = this.selfMarks(flags, ctx);
    const run = tool ? this.runTool(name, tool, args, ctx, sys, flags, files) : this.timeout(args, ctx, sys, flags);
    if (!marks.out && !marks.err) return run;
    return run.then((r) => ({ ...r, stdout: marks.out + r.stdout, stderr: marks.err + r.stderr }));
  }

  /**
   * Run one command line (a fresh `bash -c`, as labtool does). Returns when the line is
   * done; background jobs it started keep running on the world's scheduler. The caller
   * drives the scheduler (`sched.drive`) while this runs.
   */
  async exec(script: string, opts: ExecOptions = {}): Promise<ShellResult> {
    // an interactive shell expands `!…` history references in the line it reads (and shows the
    // result on stderr), then adds the line to its history
    let shown = "";
    if (this.interactive) {
      const x = historyExpand(script, this.history);
      const status = opts.status ?? 0;
      if (x.code < 0) return { stdout: "", stderr: `bash: ${x.text}\n`, output: `bash: ${x.text}\n`, exitCode: status };
      if (x.code === 2) {
        // `:p`: the expansion is shown and remembered, not run
        this.history.add(x.text);
        return { stdout: "", stderr: x.text + "\n", output: x.text + "\n", exitCode: status };
      }
      if (x.code === 1) {
        script = x.text;
        shown = x.text + "\n";
        if (opts.tty) {
          opts.tty.write(shown);
          shown = "";
        }
      }
      this.history.add(script);
    }
    // a pipeline with an empty element just-bash would run: bash refuses the line
    const bad = emptyPipelineError(script, this.interactive);
    if (bad !== undefined) return { stdout: "", stderr: shown + bad, output: shown + bad, exitCode: 2 };
    // here-documents the line ends inside: bash warns as it reads them, before running the
    // command they belong to (the line's last: each runs to the end of the line)
    const warned = heredocWarnings(script, this.interactive);
    if (warned && opts.tty) opts.tty.write(warned);
    const before = shown + (opts.tty ? "" : warned);
    const r = await this.execLine(script, opts);
    return before ? { ...r, stderr: before + r.stderr, output: before + (r.output ?? r.stdout + r.stderr) } : r;
  }

  /** the `history` builtin: the interactive shell's list, or the line's own */
  private async historyCommand(args: string[], ctx: ResolvedCommandContext) {
    const session = this.sessionOf(ctx);
    const interactive = session !== undefined && session === this.interactiveSession;
    const h = interactive ? this.history : session ? (session.history ??= new History()) : new History();
    const fs = this.fs;
    const path = (p: string) => fs.resolvePath(ctx.cwd, p);
    return historyBuiltin(h, args, {
      readFile: async (p) => {
        try {
          return await fs.readFile(path(p));
        } catch {
          return undefined;
        }
      },
      writeFile: (p, data, append) => writeFileChecked(fs, path(p), data, append),
      histfile: ctx.env.get("HISTFILE") ?? (interactive ? "/root/.bash_history" : undefined),
      remembering: interactive,
    });
  }

  private async execLine(script: string, opts: ExecOptions): Promise<ShellResult> {
    const sys = opts.sys ?? this.root;
    const bash = this.bashFor(sys);
    const sid = String(this.nextSession++);
    // an interactive shell keeps one job table for all its lines
    const session: JobSession = this.interactive
      ? (this.interactiveSession ??= { pending: 0, lastCode: 0, waiters: [], lateStdout: "", lateStderr: "", open: false })
      : { pending: 0, lastCode: 0, waiters: [], lateStdout: "", lateStderr: "", open: true };
    session.open = true;
    this.sessions.set(sid, session);
    // the line's shell is a process too (`bash -c LINE`); its tools are its children
    const lineKill = new AbortController();
    // (an interactive shell is one bash on the terminal for all its lines)
    // `bash -c 'CMD ARGS'` of one simple command execs CMD itself: a tool takes the shell's pid
    const simple = this.interactive ? undefined : simpleCommand(script);
    const execs = simple !== undefined && Object.hasOwn(this.commands, simple.comm);
    const line = this.interactive
      ? (this.interactiveBash ??= this.procs.add({ pid: this.procs.allocPid(), ppid: 1, comm: "bash", args: ["-bash"], leader: true, tty: "pts/0" }))
      : this.procs.add({ pid: this.procs.allocPid(), ppid: 1, comm: execs ? simple.comm : "bash", args: ["bash", "-c", script], leader: true }, lineKill);
    line.netns = sys.ns ?? sys;
    const tty: Record<string, string> = opts.tty ? { [TTY_VAR]: sid } : {};
    if (opts.tty) this.ttys.set(sid, opts.tty);
    const log = new OutLog();
    const route: Route = { log: String(this.nextLog++), o: "1", e: "2", pipe: "" };
    this.logs.set(route.log, log);
    opts.partial?.(() => ({ stdout: log.text(1), stderr: log.text(2) }));
    opts.killGroup?.(() => this.killLineGroup(line));
    // Ctrl-C (the caller's abort): SIGINT to the line's foreground processes first, so each takes
    // it as it would (ping's statistics; a tool that does not catch it just ends), then the
    // line itself stops
    const interrupt = () => this.interruptForeground(line, session, execs);
    opts.signal?.addEventListener("abort", interrupt);
    const lineSignal = linkSignals(opts.signal ?? NEVER, lineKill.signal);
    try {
      const r = await bash.exec(script, {
        cwd: opts.cwd ?? "/root",
        env: {
          ...baseEnv(), ...opts.env, [JOB_SESSION_VAR]: sid, ...tty, [IO_VAR]: `${route.log}:12:`, [PID_VAR]: String(line.pid),
          [SHELLPID_VAR]: String(line.pid), ...(execs ? { [EXECPID_VAR]: String(line.pid) } : {}),
          ...(opts.status ? { [STATUS_VAR]: String(opts.status & 0xff) } : {}),
          ...(this.interactive ? { [INTERACTIVE_VAR]: "1" } : {}),
        },
        replaceEnv: true,
        ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
        signal: lineSignal.signal,
      });
      const env: Record<string, string> = {};
      if (line.killedBy) r.stderr = dropAborted(r.stderr);
      // a line just-bash could not parse: bash's own report of it
      if (r.exitCode === 2) r.stderr = bashSyntaxError(r.stderr, script, this.interactive) ?? r.stderr;
      for (const [k, v] of Object.entries(r.env ?? {}))
        if (!INTERNAL_VARS.has(k) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) env[k] = v;
      settle(this, route, r);
      // the script ended without reaching its EXIT trap (set -e, set -u): bash runs it still, with
      // the script's variables (its functions are gone here) and its status in $?
      const traps = this.interactive || line.killedBy ? {} : parseTraps(r.env?.[TRAPS_VAR]);
      if (traps["0"] !== undefined) {
        const { ["0"]: handler, ...rest } = traps;
        const t = await bash.exec(handler!, {
          cwd: r.env?.PWD ?? opts.cwd ?? "/root",
          env: { ...r.env, [TRAPS_VAR]: JSON.stringify(rest), ...(r.exitCode ? { [STATUS_VAR]: String(r.exitCode & 0xff) } : {}) },
          replaceEnv: true,
          signal: lineSignal.signal,
        });
        settle(this, route, t);
      }
      // an interactive shell names no line in its messages (patch edit 10 named them)
      const prefix = (t: string) => (this.interactive ? t.replace(/^(bash|environment): line \d+: /gm, "bash: ") : bashLinePrefix(t, script));
      const late = { o: session.lateStdout, e: session.lateStderr };
      session.lateStdout = session.lateStderr = "";
      return {
        stdout: log.text(1) + late.o,
        stderr: prefix(log.text(2) + late.e),
        output: log.combined((fd, t) => (fd === 2 ? prefix(t) : t)) + late.o + prefix(late.e),
        exitCode: line.killedBy ? 128 + line.killedBy : r.exitCode,
        env,
      };
    } finally {
      opts.signal?.removeEventListener("abort", interrupt);
      lineSignal.dispose();
      if (line !== this.interactiveBash) this.procs.remove(line.pid);
      session.open = false;
      log.open = false;
      this.logs.delete(route.log);
      this.sessions.delete(sid);
      this.ttys.delete(sid);
    }
  }

  /** SIGKILL to every process the line's shell started (its process group: background jobs
   * too) and to the line itself */
  private killLineGroup(line: ProcEntry): void {
    const below = (e: ProcEntry): boolean => {
      for (let cur: ProcEntry | undefined = e, hops = 0; cur && hops < 64; hops++) {
        if (cur.ppid === line.pid) return true;
        cur = this.procs.get(cur.ppid);
      }
      return false;
    };
    // killpg(SIGKILL): every process of the group is dead before any of them could react to
    // another's death (a tool woken by its shell's end writes nothing more)
    const group = this.procs.list().filter((e) => e === line || below(e));
    for (const e of group) e.killedBy ??= 9;
    for (const e of group) e.deliver(9);
  }

  /** the terminal's SIGINT: every process below the line's shell that is not in a background
   * job (those are in process groups of their own), and the line's process itself when it is
   * the one tool it exec'd */
  private interruptForeground(line: ProcEntry, session: JobSession, execd: boolean): void {
    const bg = new Set((session.jobs ?? []).map((j) => j.pid));
    const below = (e: ProcEntry): boolean => {
      for (let cur: ProcEntry | undefined = e, hops = 0; cur && hops < 64; hops++) {
        if (bg.has(cur.pid)) return false;
        if (cur.ppid === line.pid) return true;
        cur = this.procs.get(cur.ppid);
      }
      return false;
    };
    for (const e of this.procs.list()) if ((e === line && execd) || (e !== line && below(e))) e.deliver(2);
  }

  /** a job's sleep on the simulated clock that a kill (abort) ends early */
  sleep(us: number, signal?: KillSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    const b = this.sched.block();
    if (!signal || signal === NEVER || signal === NEVER_KILLED) {
      this.sched.after(us, () => b.unblock(), "sleep");
      return b.promise;
    }
    // the listener goes when the sleep ends: a line's signal outlives thousands of commands
    const onAbort = () => {
      t.cancel();
      b.unblock();
    };
    const t = this.sched.after(
      us,
      () => {
        signal.removeEventListener("abort", onAbort);
        b.unblock();
      },
      "sleep",
    );
    signal.addEventListener("abort", onAbort, { once: true });
    return b.promise;
  }

  private sessionOf(ctx: ResolvedCommandContext): JobSession | undefined {
    const sid = ctx.env.get(JOB_SESSION_VAR);
    return sid ? this.sessions.get(sid) : undefined;
  }

  /**
   * `__session`, the first command of every script (the job-control plugin puts it there): a
   * shell that has no job table of its own yet (a nested `bash -c`, a background job's
   * shell) gets one, so its `wait` waits for its own children only, as in bash. Its status is
   * the `$?` the script starts with: 0, or what STATUS_VAR says (then cleared, so that the
   * script's own children start at 0).
   */
  private async session(ctx: ResolvedCommandContext) {
    if (!this.sessionOf(ctx)) {
      const sid = String(this.nextSession++);
      this.sessions.set(sid, { pending: 0, lastCode: 0, waiters: [], lateStdout: "", lateStderr: "", open: true });
      await ctx.assignShellVariable?.(JOB_SESSION_VAR, sid);
    }
    const status = Number(ctx.env.get(STATUS_VAR)) & 0xff;
    if (status) await ctx.assignShellVariable?.(STATUS_VAR, "");
    return { stdout: "", stderr: "", exitCode: status };
  }

  private envOf(ctx: ResolvedCommandContext): Record<string, string> {
    if (ctx.exportedEnv) return { ...ctx.exportedEnv };
    return Object.fromEntries(ctx.env);
  }

  private async bg(args: string[], ctx: ResolvedCommandContext, sys: Syscalls) {
    const src = args[0] ?? "";
    const session = this.sessionOf(ctx);
    const bash = this.bashFor(sys);
    const env = this.envOf(ctx);
    // the job's fds 1 and 2 are where this shell's were at `&` (output.ts): the same log
    const parent = parseRoute(ctx.env.get(IO_VAR));
    // `__bg SRC STATUS SHELLOPTS FDS` (jobs.ts, then output.ts)
    const at = args[3] ?? "--";
    const via = (c: string | undefined): "1" | "2" | "-" => (c === "1" ? parent!.o : c === "2" ? parent!.e : "-");
    const route: Route | undefined = parent && this.logs.has(parent.log) ? { log: parent.log, o: via(at[0]), e: via(at[1]), pipe: "" } : undefined;
    env[IO_VAR] = route && (route.o !== "-" || route.e !== "-") ? `${route.log}:${route.o}${route.e}:` : "";
    if (Number(args[1])) env[STATUS_VAR] = String(Number(args[1]) & 0xff);
    else delete env[STATUS_VAR];
    // the job's process: bash forks; a simple command's child execs the tool (same pid)
    const pid = this.procs.allocPid();
    const simple = simpleCommand(src);
    // a tuxnet tool takes the job's pid and its signals; anything else (timeout, a just-bash
    // command) is ended by ending the job's exec
    const claimable = simple !== undefined && (Object.hasOwn(this.commands, simple.comm) || simple.comm === "sleep");
    const kill = new AbortController();
    const proc = this.procs.add(
      {
        pid,
        ppid: Number(ctx.env.get(PID_VAR)) || 1,
        tty: this.procs.get(Number(ctx.env.get(PID_VAR)))?.tty ?? "?",
        comm: simple ? simple.comm : "bash",
        // a forked bash keeps its parent's command line
        args: simple ? simple.args : (this.procs.get(Number(ctx.env.get(PID_VAR)))?.args ?? ["bash", "-c", src]),
      },
      kill,
    );
    // a forked bash of a non-interactive shell ignores SIGINT and SIGQUIT (and its children)
    if (!simple && !this.interactive) proc.ignored = new Set([2, 3]);
    env[PID_VAR] = String(pid);
    if (claimable) env[EXECPID_VAR] = String(pid);
    else delete env[EXECPID_VAR];
    let job: Job | undefined;
    let notice = "";
    if (session) {
      session.jobs ??= [];
      const n = session.jobs.reduce((m, j) => Math.max(m, j.n), 0) + 1;
      job = { n, pid, text: src.replace(/\n$/, ""), waiters: [] };
      session.jobs.push(job);
      if (this.interactive) notice = `[${n}] ${pid}\n`;
    }
    if (session) session.pending++;
    const finish = (exit: number) => {
      const code = proc.killedBy ? 128 + proc.killedBy : exit;
      this.procs.remove(pid);
      if (session && job) {
        const jobs = session.jobs ?? [];
        const i = jobs.indexOf(job);
        const mark = i === jobs.length - 1 ? "+" : i === jobs.length - 2 ? "-" : " ";
        if (i >= 0) jobs.splice(i, 1);
        if (job.disowned) session.disowned = session.disowned?.filter((j) => j !== job);
        (session.statuses ??= new Map()).set(pid, code);
        for (const w of job.waiters.splice(0)) w.unblock();
        const sig = proc.killedBy;
        // a disowned job is no job of the shell's any more: nothing is said when it ends
        if (job.disowned) {
          // (its status stays for a `wait PID`)
        } else if (this.interactive) {
          this.notices.push(jobLine(job, mark, jobStatus(code, sig), false, false));
        } else if (sig && sig !== 2 && sig !== 13 && sig !== 15) {
          // jobs.c: notify_of_job_status() of a non-interactive shell
          const msg = `bash: line 1: ${String(pid).padStart(5)} ${jobStatus(code, sig).padEnd(24)}${job.text}\n`;
          if (session.open) session.lateStderr += msg;
          else this.orphanOutput.push(msg);
        }
      }
      if (session && !job?.disowned) {
        session.lastCode = code;
        leaveSession(session);
      }
      return code;
    };
    void this.sched.track(
      // a simple command's signal goes to its program (its redirections still complete); a
      // forked bash's ends the whole job
      bash.exec(jobOptions(args[2] ?? "") + src, { cwd: ctx.cwd, env, replaceEnv: true, ...(claimable ? {} : { signal: kill.signal }) }).then(
        (res) => {
          // a job killed by a signal ends silently (its status tells)
          if (proc.killedBy) res = { ...res, stderr: dropAborted(res.stderr) };
          const r = settle(this, route, res);
          if (session?.open) {
            session.lateStdout += r.stdout;
            session.lateStderr += r.stderr;
          } else if (r.stdout || r.stderr) {
            this.orphanOutput.push(r.stdout + r.stderr);
          }
          return finish(res.exitCode);
        },
        (e: unknown) => {
          this.orphanOutput.push(`bash: ${String(e)}\n`);
          return finish(1);
        },
      ),
    );
    await ctx.assignShellVariable?.("__LASTBG", String(pid));
    return { stdout: "", stderr: notice, exitCode: 0 };
  }

  private async wait(args: string[], ctx: ResolvedCommandContext) {
    const session = this.sessionOf(ctx);
    const late = (extra = "") => {
      const out = { stdout: session?.lateStdout ?? "", stderr: (session?.lateStderr ?? "") + extra };
      if (session) session.lateStdout = session.lateStderr = "";
      return out;
    };
    /** a finished job's status, taken (it is waited for once); `none` when it has none */
    const reap = (pid: number, none: number) => {
      const code = session?.statuses?.get(pid) ?? none;
      session?.statuses?.delete(pid);
      return code;
    };
    const o = waitOptions(args);
    if ("exitCode" in o) return o;
    if (o.n) {
      // wait -n [-p VAR] [id…]: the next of those jobs (any job) to finish; 127 when none runs
      let errs = "";
      const named: (Job | number)[] = [];
      for (const a of o.operands) {
        const t = waitTarget(a, session);
        if ("job" in t) named.push(t.job);
        else errs += t.stderr;
      }
      const pool = o.operands.length ? named : (session?.jobs ?? []).filter((j) => !j.disowned);
      const running = pool.filter((j): j is Job => typeof j !== "number" && (session?.jobs ?? []).includes(j));
      if (running.length === 0) return { ...late(errs), exitCode: 127 };
      const b = this.sched.block();
      for (const j of running) j.waiters.push(b);
      await b.promise;
      const done = running.find((j) => !(session?.jobs ?? []).includes(j)) ?? running[0]!;
      for (const j of running) j.waiters = j.waiters.filter((w) => w !== b);
      const code = reap(done.pid, 0);
      if (o.pvar) await ctx.assignShellVariable?.(o.pvar, String(done.pid));
      return { ...late(errs), exitCode: code };
    }
    if (o.operands.length) {
      // wait PID / wait %N: each in turn; the status is the last one's (builtins/wait.def)
      let code = 0;
      let errs = "";
      for (const a of o.operands) {
        const t = waitTarget(a, session);
        if (!("job" in t)) {
          errs += t.stderr;
          code = t.status;
          continue;
        }
        const j = t.job;
        if (typeof j === "number") {
          code = reap(j, 127);
          continue;
        }
        const b = this.sched.block();
        j.waiters.push(b);
        await b.promise;
        code = reap(j.pid, 0);
      }
      return { ...late(errs), exitCode: code };
    }
    if (!session) return { stdout: "", stderr: "", exitCode: 0 };
    if (session.pending > 0) {
      const b = this.sched.block();
      session.waiters.push(b);
      await b.promise;
    }
    // what the jobs printed shows up here, after what the line printed before `wait`; with no
    // operand, wait returns 0 once every job is done
    return { ...late(), exitCode: 0 };
  }

  /** a job `disown` took out of the table: `wait` no longer waits for it */
  private releaseJob(session: JobSession, job: Job): void {
    if (job.disowned) return;
    job.disowned = true;
    (session.disowned ??= []).push(job);
    leaveSession(session);
  }

  /** the sentinels a `__tool FLAGS` puts first on its stdout/stderr: one per fd of its own
   * that leads to the line's log (both to the same one: once, on stdout) */
  private selfMarks(flags: string, ctx: ResolvedCommandContext): { out: string; err: string } {
    const route = parseRoute(ctx.env.get(IO_VAR));
    const log = route ? this.logs.get(route.log) : undefined;
    if (!route || !log?.open) return NO_MARKS;
    const put = (c: string | undefined) => {
      const fd = c === "1" ? route.o : c === "2" ? route.e : "-";
      return fd === "-" ? "" : sentinel(log.mark(fd === "1" ? 1 : 2));
    };
    const f = parseFlags(flags);
    // nothing that may be unplaced as it starts (output.ts DirtyFlow.clean()): no sentinels
    if (f.clean) return NO_MARKS;
    return { out: put(f.out), err: f.err === f.out ? "" : put(f.err) };
  }

  /** `__mark STATUS FLAGS OE` (output.ts): a sentinel on each direct fd, and $? back */
  private mark(args: string[], ctx: ResolvedCommandContext) {
    const [status = "0", flags = "", oe = "--"] = args;
    const code = flags.includes("e") ? 0 : Number(status) || 0;
    const route = parseRoute(ctx.env.get(IO_VAR));
    const log = route ? this.logs.get(route.log) : undefined;
    if (!route || !log?.open) return { stdout: "", stderr: "", exitCode: code };
    const put = (c: string | undefined) => {
      const fd = c === "1" ? route.o : c === "2" ? route.e : "-";
      return fd === "-" ? "" : sentinel(log.mark(fd === "1" ? 1 : 2));
    };
    return { stdout: put(oe[0]), stderr: oe[1] === "=" ? "" : put(oe[1]), exitCode: code };
  }

  /** the commands whose output output.ts routes */
  private isToolName(name: string): boolean {
    return Object.hasOwn(this.commands, name) || (name === "timeout" && !this.commands.timeout);
  }

  /** is `name` a program execvp() finds in PATH (a tool, a just-bash command, a path)? A
   * bash builtin is one only where Debian 12 ships it as a program too */
  private isCommand(name: string, ctx: ResolvedCommandContext): boolean {
    if (name.includes("/")) return true;
    if (this.commands[name]) return true;
    if (BUILTIN_PROGRAMS.has(name)) return true;
    if (BASH_BUILTINS.has(name)) return false;
    return ctx.getRegisteredCommands?.().includes(name) ?? true;
  }

  /** coreutils timeout on the simulated clock */
  private async timeout(args: string[], ctx: ResolvedCommandContext, sys: Syscalls, flags = "rr") {
    const a = parseTimeoutArgs(args);
    if (typeof a === "string") return { stdout: "", stderr: a, exitCode: 125 };
    const cmd = a.argv[0]!;
    // execvp() fails: a name not in PATH or a path to nothing (127), a directory (126)
    const rc = await execLookup(ctx.fs, ctx.cwd, cmd, (n) => this.isCommand(n, ctx));
    if (rc === SPAWN_ENOENT) return { stdout: "", stderr: `timeout: failed to run command '${cmd}': No such file or directory\n`, exitCode: 127 };
    if (rc === SPAWN_EACCES) return { stdout: "", stderr: `timeout: failed to run command '${cmd}': Permission denied\n`, exitCode: 126 };
    const id = String(this.nextKill++);
    const kill = new AbortController();
    this.kills.set(id, kill);
    const members = new Set<ProcEntry>();
    this.killProcs.set(id, members);
    let timedOut = false;
    let killed = false;
    // timeout.c: cleanup() — the signal goes to the command (and its process group); each
    // process takes it as it would a kill(2): caught, ignored or ending it
    const send = (sig: number) => {
      for (const pr of [...members]) pr.deliver(sig);
    };
    let tk: ReturnType<Scheduler["after"]> | undefined;
    const sig = signalNumber(a.signal);
    const t =
      a.seconds > 0
        ? this.sched.after(
            Math.round(a.seconds * 1_000_000),
            () => {
              timedOut = true;
              // SIGKILL reaches timeout itself too (kill(0, SIGKILL)): it dies with its command
              if (sig === 9) killed = true;
              send(sig);
              if (a.killAfter !== undefined && sig !== 9)
                tk = this.sched.after(Math.round(a.killAfter * 1_000_000), () => {
                  killed = true;
                  send(9);
                }, "timeout-kill");
            },
            "timeout",
          )
        : undefined;
    const io = new ToolIo(this, ctx.env.get(IO_VAR), flags);
    try {
      const r = await this.bashFor(sys).exec(a.argv.map(shellQuote).join(" ") + io.childSuffix(), {
        cwd: ctx.cwd,
        env: {
          ...this.envOf(ctx),
          [KILL_VAR]: id,
          ...(ctx.env.get(TTY_VAR) ? { [TTY_VAR]: ctx.env.get(TTY_VAR)! } : {}),
          // timeout's child is a child of the shell that runs timeout (it has no pid of its own here)
          ...(ctx.env.get(PID_VAR) ? { [PID_VAR]: ctx.env.get(PID_VAR)! } : {}),
          ...io.childEnv(),
        },
        replaceEnv: true,
        ...(ctx.stdin ? { stdin: decodeBytesToUtf8(ctx.stdin) } : {}),
      });
      io.childDone(r);
      if (timedOut && a.verbose) io.err(`timeout: sending signal ${a.signal} to command '${cmd}'\n`);
      const code = killed ? 137 : timedOut ? (a.preserveStatus ? r.exitCode : 124) : r.exitCode;
      return { stdout: io.stdout, stderr: io.stderr, exitCode: code };
    } finally {
      t?.cancel();
      tk?.cancel();
      this.kills.delete(id);
      this.killProcs.delete(id);
      io.close();
    }
  }

  /** a tool's environment: the exported variables but for the route, pid and exec pid of the
   * shell that runs it (a copy: each read of the context's goes through just-bash's membrane) */
  private toolEnv(src: Readonly<Record<string, string>>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const k in src) if (k !== IO_VAR && k !== PID_VAR && k !== EXECPID_VAR) env[k] = src[k]!;
    return env;
  }

  /** files of /etc found missing, valid while the host's files are at `missingVersion` */
  private readonly missing = new Set<string>();
  private missingVersion = -1;

  /** files of /etc as last read, valid with `missing` (iproute2 reads six at every start) */
  private readonly etcText = new Map<string, string>();

  private knownMissing(path: string): boolean {
    if (this.fs.version !== this.missingVersion) {
      this.missing.clear();
      this.etcText.clear();
      this.missingVersion = this.fs.version;
    }
    return this.missing.has(path);
  }

  /** readFile()'s answer for `full` when known without reading (Process.readFileKnown) */
  private etcKnown(full: string): string | undefined | null {
    if (!full.startsWith("/etc/")) return null;
    if (this.knownMissing(full)) return undefined;
    return this.etcText.get(full) ?? null;
  }

  private noteMissing(path: string, version: number): void {
    if (version === this.fs.version && version === this.missingVersion) this.missing.add(path);
  }

  /** Run a tuxnet tool as a process of namespace `sys`. */
  private async runTool(
    name: string,
    cmd: (p: Process) => Promise<number>,
    args: string[],
    ctx: ResolvedCommandContext,
    sys: Syscalls,
    flags = "rr",
    files: ToolFiles = {},
  ) {
    const vars = ctx.env;
    const exported = ctx.exportedEnv ?? Object.fromEntries(vars);
    const env = this.toolEnv(exported);
    // the shell's variables it reads (each a call through just-bash's context membrane)
    const ioVar = vars.get(IO_VAR);
    const kidVar = vars.get(KILL_VAR);
    const ttyId = vars.get(TTY_VAR);
    // the tool's process: a job's own pid when the job is this one command, else a new one
    const claim = Number(vars.get(EXECPID_VAR) ?? exported[EXECPID_VAR]) || 0;
    const ppid = Number(vars.get(PID_VAR) ?? exported[PID_VAR]) || 1;
    const job = claim ? this.procs.get(claim) : undefined;
    const pkill = new Kill();
    let proc: ProcEntry;
    const execd = job !== undefined && execInPlace.has(job);
    const before = execd ? { comm: job.comm, args: job.args } : undefined;
    if (job && execd) {
      // execve() in the caller's process: its pid, signals and namespace, the program's name
      proc = job;
      proc.comm = name.slice(0, 15);
      proc.args = [name, ...args];
    } else if (job && job.comm === name.slice(0, 15) && !claimed.has(job)) {
      // the job's child execs the program: same pid, and now SIGINT/SIGQUIT are ignored
      proc = job;
      claimed.add(job);
      proc.args = [name, ...args];
    } else {
      // a child has its parent's terminal, and signals the parent ignores stay ignored
      const parent = this.procs.get(ppid);
      proc = this.procs.add({ pid: this.procs.allocPid(), ppid, comm: name.slice(0, 15), args: [name, ...args], tty: parent?.tty ?? "?" }, pkill);
      if (parent?.ignored) proc.ignored = new Set(parent.ignored);
    }
    // a job's entry this tool claimed takes the tool's kill switch while it runs, if it has none
    const lentKill = !proc.kill;
    if (lentKill) proc.kill = pkill;
    // under a `timeout`: its signal reaches this process
    const timeoutKid = kidVar ?? env[KILL_VAR];
    const underTimeout = timeoutKid ? this.killProcs.get(timeoutKid) : undefined;
    underTimeout?.add(proc);
    const cwd = ctx.cwd;
    const pcwd = cwd;
    const fs = this.bashFor(sys).fs;
    const tty = ttyId ? this.ttys.get(ttyId) : undefined;
    const resolve = (path: string) => fs.resolvePath(cwd, path);
    // its files: bash opens them before the program runs (a file it cannot open: no program)
    const sinks: { out?: FileSink & { done(): Promise<void> }; err?: FileSink & { done(): Promise<void> } } = {};
    let openError: string | undefined;
    // (most runs have none: no loop, whose array and iterator were garbage at every command)
    if (files.out || files.err)
      for (const which of FILE_FDS) {
        const f = files[which];
        if (!f || openError) continue;
        const sink = await openToolFile(fs, resolve(f.path), f.append, this.sched, f.noclobber);
        if (typeof sink === "string") openError = `bash: ${f.path}: ${sink}\n`;
        else sinks[which] = sink;
      }
    if (openError) {
      // bash reports it on the shell's own stderr (where fd 2 pointed before the redirections)
      const io = new ToolIo(this, ioVar, `r${files.shellErr ?? "r"}`, tty);
      io.err(openError);
      io.close();
      if (proc !== job) this.procs.remove(proc.pid);
      return { stdout: io.stdout, stderr: io.stderr, exitCode: 1 };
    }
    // where fds 1 and 2 lead (output.ts); SIGPIPE from a `| head` that is gone
    const io = new ToolIo(this, ioVar, flags, tty, sinks);
    // what ends it: its kill switch, SIGPIPE, the exec's abort, a `timeout` above it firing
    const timeoutKill = timeoutKid ? this.kills.get(timeoutKid) : undefined;
    // (the line's, a job's and a timeout's signals through their relays: killsignal.ts relayOf())
    const signal = new AnyKill([ctx.signal ? relayOf(ctx.signal) : NEVER_KILLED, timeoutKill ? relayOf(timeoutKill.signal) : NEVER_KILLED, io.kill, (proc.kill ?? pkill).signal]);
    // the host's process table, for ps, kill, pgrep, pkill, killall (procps/ps.ts: ProcApi)
    let procApi: ProcApi | undefined;
    const procs = this.procs;
    const root = this.root;
    const lazy: ProcessLazy = {
      stdinBytes: () => stdinBytes(ctx),
      readFileKnown: (path: string) => this.etcKnown(resolve(path)),
      procs: () =>
        (procApi ??= {
          ...procs.api(proc.pid),
          netnsOf: (pid: number) => {
            const e = procs.get(pid);
            return e ? ((e.netns as Syscalls | undefined) ?? root) : undefined;
          },
        }),
    };
    const p = new ToolProcess({
      argv: [name, ...args],
      env,
      cwd,
      stdin: ctx.stdin ? decodeBytesToUtf8(ctx.stdin) : "",
      // a process a signal it does not catch has ended writes nothing more (its handlers, the
      // statistics of a ping's sigexit on SIGINT, never run for SIGTERM)
      stdout: {
        write: (s: string) => void (proc.killedBy === undefined && io.out(s)),
        writeBytes: (b: Uint8Array) => void (proc.killedBy === undefined && io.outBytes(b)),
        hungUp: () => io.outputGone(),
      },
      stderr: { write: (s: string) => void (proc.killedBy === undefined && io.err(s)) },
      // its own view of the kernel: the sockets it makes enter its fd table (procpid.ts)
      sys: taskSyscalls(sys, proc, this.procs),
      signal,
      isatty: tty !== undefined,
      onSignal: (sig: number, handler: () => void) => void (proc.handlers ??= new Map()).set(sig, handler),
      spawn: async (argv: string[], view: Syscalls, sopts?: SpawnOptions) => {
        const child = view.ns ?? view;
        const cwd = sopts?.cwd !== undefined ? resolve(sopts.cwd) : pcwd;
        // a program that starts one in another namespace (ip netns exec, nsenter) has
        // setns()'d into it itself first
        proc.netns = child;
        if (sopts?.exec) {
          const e = await execLookup(fs, cwd, argv[0] ?? "", (n) => this.isCommand(n, ctx));
          if (e) return e;
        }
        const kid = ctx.env.get(KILL_VAR);
        const tid = ctx.env.get(TTY_VAR);
        const tool = sopts?.exec && argv[0] ? this.commands[argv[0]] : undefined;
        // execve() in place (ip netns exec, nsenter, unshare: the program takes this process
        // over, same pid) or in a forked child of its own (system(), ip -all netns exec)
        const inPlace = sopts?.exec === true && !sopts.fork;
        const comm = (argv[0] ?? "").replace(/.*\//, "").slice(0, 15);
        const host = inPlace ? proc : this.procs.add({ pid: this.procs.allocPid(), ppid: proc.pid, comm, args: [...argv], tty: proc.tty });
        const before = { comm: host.comm, args: host.args };
        if (inPlace) {
          execInPlace.add(host);
          Object.assign(host, { comm, args: [...argv] });
        }
        host.netns = child;
        const ids = { [PID_VAR]: String(host.pid), [EXECPID_VAR]: String(host.pid) };
        try {
          if (tool) {
            // one of our tools: run it as the child exec below would, with the same environment
            // and fds, but without a shell in between (a bash exec per child is most of the
            // cost of `ip netns exec` in a loop: bench c)
            // (the variables in the order the spread of the exec below would give them)
            const cenv: Record<string, string> = { ...env };
            if (kid) cenv[KILL_VAR] = kid;
            if (tid) cenv[TTY_VAR] = tid;
            cenv[IO_VAR] = io.childEnv()[IO_VAR]!;
            cenv[PID_VAR] = ids[PID_VAR];
            cenv[EXECPID_VAR] = ids[EXECPID_VAR];
            const suffix = io.childSuffix();
            const cctx = {
              env: { get: (k: string) => (Object.hasOwn(cenv, k) ? cenv[k] : undefined) },
              exportedEnv: cenv,
              cwd,
              stdin: ctx.stdin,
              signal: ctx.signal,
              getRegisteredCommands: ctx.getRegisteredCommands,
            } as unknown as ResolvedCommandContext;
            const flags = suffix === " 2>&1" ? "11" : suffix === " 1>&2" ? "22" : "12";
            const r = await this.runTool(argv[0]!, tool, argv.slice(1), cctx, child, flags);
            io.childDone(r);
            return r.exitCode;
          }
          // `true` and `false` as that exec runs them (bash's builtins: no output, no time, their
          // status, whatever the environment), without a shell in between (a bash exec costs
          // more than a tool run)
          if (argv.length === 1 && (argv[0] === "true" || argv[0] === "false") && !ctx.signal?.aborted) {
            const r = { stdout: "", stderr: "", exitCode: argv[0] === "true" ? 0 : 1 };
            io.childDone(r);
            return r.exitCode;
          }
          const r = await this.bashFor(child).exec(argv.map(shellQuote).join(" ") + io.childSuffix(), {
            cwd,
            // a `timeout` above reaches the child too, and so does the terminal; it writes
            // where this process's fds lead
            env: {
              ...env, ...(kid ? { [KILL_VAR]: kid } : {}), ...(tid ? { [TTY_VAR]: tid } : {}), ...io.childEnv(), ...ids,
              [SHELLPID_VAR]: String(host.pid),
            },
            replaceEnv: true,
            ...(ctx.stdin && latin1FromBytes(ctx.stdin) ? { stdin: latin1FromBytes(ctx.stdin), stdinKind: "bytes" as const } : {}),
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          });
          io.childDone(r);
          return r.exitCode;
        } finally {
          if (inPlace) {
            execInPlace.delete(host);
            Object.assign(host, before);
          } else this.procs.remove(host.pid);
        }
      },
      readFile: async (path: string) => {
        const full = resolve(path);
        // a missing file is the common case (iproute2's optional databases, 5 per `ip`): a
        // file of /etc known missing since the host's files last changed is not looked for
        const etc = full.startsWith("/etc/");
        if (etc && this.knownMissing(full)) return undefined;
        const known = etc ? this.etcText.get(full) : undefined;
        if (known !== undefined) return known;
        const v = this.fs.version;
        try {
          // its ENOENT error would cost a stack trace nobody reads (thrown before any await)
          const text = await noStackTrace(() => fs.readFile(full));
          // (a symlink may lead into /proc: only the host's own files are kept)
          if (etc && v === this.fs.version && v === this.missingVersion && this.fs.isPlainFile(full)) this.etcText.set(full, text);
          return text;
        } catch {
          if (etc) this.noteMissing(full, v);
          return undefined;
        }
      },
      writeFile: (path: string, data: string, append?: boolean) => writeFileChecked(fs, resolve(path), data, append),
      readFileBytes: (path: string) => readFileBytes(fs, resolve(path)),
      readError: (path: string) => readErrorOf(fs, sys.fs, resolve(path)),
      readdir: async (path: string) => {
        const full = resolve(path);
        // getdents() of the kernel's own directories gives their order (procfs' pde_subdir,
        // sysfs'), which the shell's merged view sorts
        if (full.startsWith("/proc/net/") || full.startsWith("/proc/sys/") || full.startsWith("/sys/")) {
          const k = sys.fs.readdir(full);
          if (Array.isArray(k)) return k;
        }
        try {
          if (!(await noStackTrace(() => fs.stat(full))).isDirectory) return undefined;
          return await fs.readdir(full);
        } catch {
          return undefined;
        }
      },
      writeFileBytes: (path: string, data: Uint8Array, append?: boolean) => writeFileChecked(fs, resolve(path), data, append),
    }, lazy);
    proc.netns = sys.ns ?? sys;
    const daemonsBefore = daemonSnapshot(name, sys);
    let code: number;
    try {
      // fork + exec of a real tool costs about a millisecond; charging it on the simulated
      // clock lets timers, link watch and the softirq run between commands as they do on Linux
      if (EXEC_COST_US > 0) await this.sleep(EXEC_COST_US, p.signal);
      // a background job's child, once set up, ignores SIGINT and SIGQUIT (bash, no job control)
      if (proc === job && !execd && !this.interactive && !job.leader) proc.ignored = new Set([2, 3]);
      code = await cmd(p);
    } catch (e) {
      if (e instanceof Exit) code = e.code;
      else {
        io.err(`${name}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
        code = 1;
      }
    }
    io.close();
    signal.dispose();
    underTimeout?.delete(proc);
    if (lentKill) proc.kill = undefined;
    // its handlers die with the program (an exec'd-in-place job entry lives on)
    proc.handlers = undefined;
    if (sinks.out) await sinks.out.done();
    if (sinks.err) await sinks.err.done();
    if (proc !== job) this.procs.remove(proc.pid);
    // killed by a signal: 128 + N
    if (proc.killedBy) code = 128 + proc.killedBy;
    // killed by SIGPIPE: 128 + 13
    if (io.sigpipe) code = 141;
    code &= 0xff;
    // a daemon that forked keeps a pid while it serves
    let forked = false;
    if (daemonsBefore && !proc.killedBy)
      for (const d of daemonsStarted(name, sys, daemonsBefore)) {
        const e = this.procs.add({ pid: this.procs.allocPid(), ppid: 1, comm: proc.comm, args: proc.args }, undefined, () => d.stop());
        e.alive = () => d.alive();
        // the forked child keeps the descriptors (the sockets it serves on)
        e.fds = proc.fds;
        forked = true;
      }
    // at exit a process's descriptors close (a killed nc's connecting socket too)
    const hadFiles = !forked && proc.fds !== undefined && proc.fds.size > 0;
    if (!forked) {
      exitFiles(proc.fds);
      proc.fds = undefined;
    }
    this.onToolExit?.(name, p.argv, code);
    if (before) Object.assign(proc, before);
    // exit(2) and the parent's wakeup in wait(2) take time too, in which what the exit set off
    // (a FIN to a peer, its process exiting in turn) runs
    // (nobody waits when the parent died with it: a line killed as a whole, the lab timeout's
    // killpg(), ends at the kill)
    if (EXIT_COST_US > 0 && (hadFiles || proc.killedBy) && this.procs.get(proc.ppid)?.killedBy === undefined) await this.sleep(EXIT_COST_US);
    return { stdout: io.stdout, stderr: io.stderr, exitCode: code, ...(io.stdoutBytes ? { stdoutKind: "bytes" as const } : {}) };
  }
}
