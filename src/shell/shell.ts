/**
 * The shell of one host: bash (just-bash) over the host's filesystem, one Bash instance per
 * network namespace (keyed on its Syscalls object, which the kernel caches per namespace),
 * the command table registered as custom commands, job control on the simulated clock.
 *
 * Nothing here runs on the real machine: every command is either a just-bash builtin or
 * coreutil working on the in-memory filesystem, or a tuxnet tool talking to the emulated
 * kernel through `Syscalls`.
 */
import {
  Bash,
  InMemoryFs,
  MountableFs,
  decodeBytesToUtf8,
  defineCommand,
  type Command as BashCommand,
  type ResolvedCommandContext,
  type TransformPlugin,
} from "just-bash";
import type { Syscalls } from "../kernel/uapi/syscalls.ts";
import type { Scheduler } from "../sim/scheduler.ts";
import { Exit, type CommandTable, type Process } from "../userland/process.ts";
import { JOB_SESSION_VAR, jobControlPlugin, type JobSession } from "./jobs.ts";
import { KernelMountFs, NetnsDirFs } from "./kernfs.ts";
import { kwrite, procWritePlugin } from "./procwrite.ts";
import { sleepCommand } from "./sleep.ts";

export interface ShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ExecOptions {
  /** the namespace to run in (default: the host's root namespace) */
  sys?: Syscalls;
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
  signal?: AbortSignal;
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

export function shellQuote(a: string): string {
  if (a !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a)) return a;
  return "'" + a.replace(/'/g, "'\\''") + "'";
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
      const assign = {
        type: "Statement",
        background: false,
        operators: [],
        pipelines: [
          {
            type: "Pipeline",
            negated: false,
            commands: [
              {
                type: "SimpleCommand",
                name: null,
                args: [],
                redirections: [],
                assignments: vars.map(([name, value]) => ({
                  type: "Assignment",
                  name,
                  append: false,
                  array: null,
                  value: { type: "Word", parts: [{ type: "SingleQuoted", value }] },
                })),
              },
            ],
          },
        ],
      };
      (ast.statements as unknown[]).unshift(assign);
      return { ast };
    },
  };
}

/**
 * `bash -c` names the line in its own messages: `bash: line 1: nosuch: command not found`.
 * just-bash prints `bash: nosuch: …`; a one-line script's messages get the line back.
 */
function bashLinePrefix(stderr: string, script: string): string {
  if (script.includes("\n") || !stderr.includes("bash: ")) return stderr;
  return stderr.replace(/^bash: (?!line \d+: )/gm, "bash: line 1: ");
}

const NEVER = new AbortController().signal;

export class HostShell implements Shell {
  /** the host's own files (/root, /etc, /tmp …), shared by all its namespaces */
  readonly fs: InMemoryFs;
  readonly root: Syscalls;
  readonly sched: Scheduler;
  private readonly commands: CommandTable;
  private readonly onToolExit: HostShellOptions["onToolExit"];
  private readonly bashes = new WeakMap<Syscalls, Bash>();
  private readonly sessions = new Map<string, JobSession>();
  private nextSession = 1;
  private nextPid = 1000;
  /** output of background jobs that outlived their line (the REPL prints it) */
  orphanOutput: string[] = [];

  constructor(opts: HostShellOptions) {
    this.root = opts.root;
    this.sched = opts.sched;
    this.commands = opts.commands;
    this.onToolExit = opts.onToolExit;
    const hostname = opts.root.hostname();
    this.fs = new InMemoryFs({
      "/etc/hostname": hostname + "\n",
      "/etc/hosts": `127.0.0.1\tlocalhost\n127.0.1.1\t${hostname}\n\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`,
      "/etc/resolv.conf": "",
      "/etc/iproute2/rt_tables": RT_TABLES,
      "/root/.bashrc": "",
      "/tmp/.keep": "",
      "/var/lib/misc/.keep": "",
      ...opts.files,
    });
  }

  /** The Bash instance of a namespace (one per Syscalls object, created on first use). */
  bashFor(sys: Syscalls): Bash {
    let b = this.bashes.get(sys);
    if (b) return b;
    const fs = new MountableFs({ base: this.fs });
    fs.mount("/proc", new KernelMountFs("/proc", sys.fs));
    fs.mount("/sys", new KernelMountFs("/sys", sys.fs));
    fs.mount("/run/netns", new NetnsDirFs(sys));
    const custom: BashCommand[] = [];
    for (const [name, cmd] of Object.entries(this.commands)) {
      custom.push(defineCommand(name, (args, ctx) => this.runTool(name, cmd, args, ctx, sys)));
    }
    if (!this.commands.sleep) {
      const sleep = (p: Process) => sleepCommand(p, (us, signal) => this.sleep(us, signal));
      custom.push(defineCommand("sleep", (args, ctx) => this.runTool("sleep", sleep, args, ctx, sys)));
    }
    if (!this.commands.hostname) {
      custom.push(defineCommand("hostname", async () => ({ stdout: sys.hostname() + "\n", stderr: "", exitCode: 0 })));
    }
    // env/printenv with no operand: the exported environment (just-bash lists every shell
    // variable); with operands, just-bash's own
    const envList = (ctx: ResolvedCommandContext) =>
      Object.entries(this.envOf(ctx)).filter(([k]) => k !== JOB_SESSION_VAR);
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
    custom.push(
      defineCommand("__kwrite", async (args, ctx) => ({
        stdout: "",
        ...kwrite(sys, args, ctx.cwd, ctx.stdin ? decodeBytesToUtf8(ctx.stdin) : ""),
      })),
    );
    custom.push(defineCommand("__bg", (args, ctx) => this.bg(args, ctx, sys)));
    custom.push(defineCommand("__wait", (args, ctx) => this.wait(args, ctx)));
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
      processInfo: { pid: 1, ppid: 0, uid: 0, gid: 0 },
    });
    b.registerTransformPlugin(bashVarsPlugin(sys));
    b.registerTransformPlugin(procWritePlugin);
    b.registerTransformPlugin(jobControlPlugin);
    this.bashes.set(sys, b);
    return b;
  }

  /**
   * Run one command line (a fresh `bash -c`, as labtool does). Returns when the line is
   * done; background jobs it started keep running on the world's scheduler. The caller
   * drives the scheduler (`sched.drive`) while this runs.
   */
  async exec(script: string, opts: ExecOptions = {}): Promise<ShellResult> {
    const sys = opts.sys ?? this.root;
    const bash = this.bashFor(sys);
    const sid = String(this.nextSession++);
    const session: JobSession = { pending: 0, lastCode: 0, waiters: [], lateStdout: "", lateStderr: "", open: true };
    this.sessions.set(sid, session);
    try {
      const r = await bash.exec(script, {
        cwd: opts.cwd ?? "/root",
        env: { ...baseEnv(), ...opts.env, [JOB_SESSION_VAR]: sid },
        replaceEnv: true,
        ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return {
        stdout: r.stdout + session.lateStdout,
        stderr: bashLinePrefix(r.stderr + session.lateStderr, script),
        exitCode: r.exitCode,
      };
    } finally {
      session.open = false;
      this.sessions.delete(sid);
    }
  }

  /** a job's sleep on the simulated clock that a kill (abort) ends early */
  sleep(us: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    const b = this.sched.block();
    const t = this.sched.after(us, () => b.unblock(), "sleep");
    signal?.addEventListener("abort", () => {
      t.cancel();
      b.unblock();
    });
    return b.promise;
  }

  private sessionOf(ctx: ResolvedCommandContext): JobSession | undefined {
    const sid = ctx.env.get(JOB_SESSION_VAR) ?? ctx.exportedEnv?.[JOB_SESSION_VAR];
    return sid ? this.sessions.get(sid) : undefined;
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
    if (session) session.pending++;
    const finish = (code: number) => {
      if (session) {
        session.pending--;
        session.lastCode = code;
        if (session.pending === 0) {
          const ws = session.waiters;
          session.waiters = [];
          for (const w of ws) w.unblock();
        }
      }
      return code;
    };
    void this.sched.track(
      bash.exec(src, { cwd: ctx.cwd, env, replaceEnv: true }).then(
        (r) => {
          if (session?.open) {
            session.lateStdout += r.stdout;
            session.lateStderr += r.stderr;
          } else if (r.stdout || r.stderr) {
            this.orphanOutput.push(r.stdout + r.stderr);
          }
          return finish(r.exitCode);
        },
        (e: unknown) => {
          this.orphanOutput.push(`bash: ${String(e)}\n`);
          return finish(1);
        },
      ),
    );
    const pid = this.nextPid++;
    await ctx.assignShellVariable?.("__LASTBG", String(pid));
    return { stdout: "", stderr: "", exitCode: 0 };
  }

  private async wait(_args: string[], ctx: ResolvedCommandContext) {
    const session = this.sessionOf(ctx);
    if (!session || session.pending === 0) return { stdout: "", stderr: "", exitCode: 0 };
    const b = this.sched.block();
    session.waiters.push(b);
    await b.promise;
    // bash: with no operand, wait returns 0 once every job is done
    return { stdout: "", stderr: "", exitCode: 0 };
  }

  /** Run a tuxnet tool as a process of namespace `sys`. */
  private async runTool(
    name: string,
    cmd: (p: Process) => Promise<number>,
    args: string[],
    ctx: ResolvedCommandContext,
    sys: Syscalls,
  ) {
    let stdout = "";
    let stderr = "";
    const env = this.envOf(ctx);
    const cwd = ctx.cwd;
    const fs = this.bashFor(sys).fs;
    const resolve = (path: string) => fs.resolvePath(cwd, path);
    const p: Process = {
      argv: [name, ...args],
      env,
      cwd,
      stdin: ctx.stdin ? decodeBytesToUtf8(ctx.stdin) : "",
      stdout: { write: (s: string) => void (stdout += s) },
      stderr: { write: (s: string) => void (stderr += s) },
      sys,
      signal: ctx.signal ?? NEVER,
      isatty: false,
      spawn: async (argv: string[], child: Syscalls) => {
        const r = await this.bashFor(child).exec(argv.map(shellQuote).join(" "), {
          cwd,
          env,
          replaceEnv: true,
          ...(p.stdin ? { stdin: p.stdin } : {}),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        stdout += r.stdout;
        stderr += r.stderr;
        return r.exitCode;
      },
      readFile: async (path: string) => {
        try {
          return await fs.readFile(resolve(path));
        } catch {
          return undefined;
        }
      },
      writeFile: async (path: string, data: string, append?: boolean) => {
        try {
          if (append) await fs.appendFile(resolve(path), data);
          else await fs.writeFile(resolve(path), data);
          return true;
        } catch {
          return false;
        }
      },
    };
    let code: number;
    try {
      code = await cmd(p);
    } catch (e) {
      if (e instanceof Exit) code = e.code;
      else {
        stderr += `${name}: internal error: ${e instanceof Error ? e.message : String(e)}\n`;
        code = 1;
      }
    }
    code &= 0xff;
    this.onToolExit?.(name, p.argv, code);
    return { stdout, stderr, exitCode: code };
  }
}
