/**
 * `tuxnet shell [LAB]`: a root shell on the lab's hosts. `@HOST` makes HOST current, `@HOST
 * CMD` runs one command there. Ctrl-C interrupts the running command (or clears the line),
 * Ctrl-D leaves. History is kept in ~/.tuxnet_history.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { makeKernelWorld } from "../lab/kernel.ts";
import { parseLab, type Lab } from "../lab/parse.ts";
import { LabWorld } from "../lab/world.ts";
import type { KernelConfig } from "../kernel/kconfig.ts";
import { TRAPS_VAR, parseTraps } from "../shell/trap.ts";
import { parse } from "just-bash";
import type { Scheduler } from "../sim/scheduler.ts";
import { commands } from "../userland/index.ts";

const HISTORY = join(homedir(), ".tuxnet_history");

function loadHistory(): string[] {
  try {
    return readFileSync(HISTORY, "utf8").split("\n").filter(Boolean).reverse().slice(0, 1000);
  } catch {
    return [];
  }
}

/**
 * Pace the simulated clock to the wall clock while a command runs at the prompt: a job that
 * lets real time pass (simulated time stands still meanwhile, as it is not blocked), then
 * sleeps on the simulator up to the matching simulated time. `ping` prints once a second,
 * and the event loop stays free for Ctrl-C.
 */
function startPacer(sched: Scheduler): () => void {
  let stop = false;
  const t0 = performance.now();
  const s0 = sched.now;
  void sched.track(
    (async () => {
      while (!stop) {
        await new Promise<void>((r) => setTimeout(r, 20));
        if (stop) break;
        const target = Math.floor(s0 + (performance.now() - t0) * 1000);
        if (target > sched.now) await sched.sleep(target - sched.now);
      }
    })(),
  );
  return () => {
    stop = true;
  };
}

/** one simple command, no redirection, not in the background: its tools may stream */
function streamable(line: string): boolean {
  try {
    const ast = parse(line);
    if (ast.statements.length !== 1) return false;
    const st = ast.statements[0]!;
    if (st.background || st.pipelines.length !== 1) return false;
    const cmds = st.pipelines[0]!.commands;
    return cmds.length === 1 && cmds[0]!.type === "SimpleCommand" && cmds[0]!.redirections.length === 0;
  } catch {
    return false;
  }
}

export async function repl(lab?: Lab, opts: { fast?: boolean; kconfig?: Partial<KernelConfig> } = {}): Promise<number> {
  const theLab = lab ?? parseLab("#% host host\n", "shell");
  // the command line's kernel configuration for machines added later too (`@NEWHOST`)
  const world = new LabWorld({ commands, makeWorld: makeKernelWorld, ...(opts.kconfig ? { kconfig: opts.kconfig } : {}) });
  await world.build(theLab);
  for (const e of world.setupErrors) process.stderr.write(`tuxnet: ${e}\n`);
  // a lab's commands run first, as `tuxnet run` would, then the prompt
  for (const { host, cmd } of theLab.steps) {
    const r = await world.run(host, cmd, { timeoutSec: theLab.timeout });
    process.stdout.write(`root@${host}:~# ${cmd}\n${r.stdout}${r.stderr}`);
  }
  // from here on the hosts' shells are interactive bash: one job table per host across lines,
  // `[1] PID` when a job starts, `[1]+  Done …` before the prompt, no `line 1:` in messages
  for (const node of world.nodes.values()) node.shell.interactive = true;
  let current = theLab.steps.length ? theLab.steps[theLab.steps.length - 1]!.host : [...world.nodes.keys()][0]!;
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: Boolean(process.stdin.isTTY),
    history: loadHistory(),
    historySize: 1000,
    completer: (line: string) => {
      const names = [...world.nodes.keys()].map((n) => "@" + n);
      const hits = line.startsWith("@") ? names.filter((n) => n.startsWith(line)) : [];
      return [hits, line];
    },
  });
  const prompt = () => {
    for (const node of world.nodes.values()) {
      const out = node.shell.orphanOutput.splice(0);
      for (const o of out) process.stdout.write(o);
      // bash reports finished jobs before the next prompt
      for (const n of node.shell.notices.splice(0)) process.stdout.write(n);
    }
    promptAt = performance.now();
    const cwd = here();
    const shown = cwd === "/root" ? "~" : cwd.startsWith("/root/") ? "~" + cwd.slice(5) : cwd;
    rl.setPrompt(`root@${current}:${shown}# `);
    rl.prompt();
  };
  // each host's shell state (cwd, variables, `$?`) carries from one line to the next, as in a
  // terminal (a lab's lines do not share it)
  const state = new Map<string, { cwd: string; env: Record<string, string>; status: number }>();
  const here = () => state.get(current)?.cwd ?? "/root";
  let running: AbortController | undefined;
  /** when the last prompt was shown: the time the user took passes on the simulated clock too */
  let promptAt = performance.now();
  /** the terminal echoes ^C (ECHOCTL); bash ends the line a SIGINT killed with a newline */
  let interrupted = false;
  let atLineStart = true;
  const write = (t: string) => {
    if (t) atLineStart = t.endsWith("\n");
    process.stdout.write(t);
  };
  rl.on("SIGINT", () => {
    if (running) {
      interrupted = true;
      write("^C");
      running.abort();
    } else {
      process.stdout.write("^C\n");
      prompt();
    }
  });
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line) {
      try {
        appendFileSync(HISTORY, line + "\n");
      } catch {
        /* no history file: fine */
      }
    }
    const m = /^@([A-Za-z0-9_.-]+)\s*(.*)$/.exec(line);
    let cmd = line;
    if (m) {
      if (!world.nodes.has(m[1]!)) {
        process.stdout.write(`tuxnet: no such host: ${m[1]}\n`);
        prompt();
        continue;
      }
      current = m[1]!;
      cmd = m[2]!;
    }
    if (cmd === "exit" || cmd === "logout") break;
    // link watch, timers and background jobs ran on while the user typed (not with --fast)
    if (!opts.fast) {
      const idle = Math.floor((performance.now() - promptAt) * 1000);
      if (idle > 0) await world.advance(idle);
    }
    if (cmd) {
      running = new AbortController();
      try {
        const st = state.get(current);
        const stopPacer = opts.fast ? () => {} : startPacer(world.sched);
        const r = await world
          .run(current, cmd, {
            signal: running.signal,
            ...(st ? { cwd: st.cwd, env: st.env, status: st.status } : {}),
            ...(streamable(cmd) ? { tty: { write: (s: string) => write(s) } } : {}),
          })
          .finally(stopPacer);
        // a terminal shows stdout and stderr as they were written
        write(r.output ?? r.stdout + r.stderr);
        if (r.env) {
          const { PWD, OLDPWD: _o, SHLVL: _s, HOSTNAME: _h, SHELL: _sh, BASH: _b, ...vars } = r.env;
          state.set(current, { cwd: PWD ?? here(), env: vars, status: r.exitCode });
        }
      } catch (e) {
        process.stdout.write(`tuxnet: ${e instanceof Error ? e.message : String(e)}\n`);
      } finally {
        running = undefined;
      }
      // what is due now (a signal the line sent) runs before the prompt reports on jobs
      await world.advance(0);
      if (interrupted && !atLineStart) write("\n");
      interrupted = false;
      atLineStart = true;
    }
    prompt();
  }
  rl.close();
  // bash says "exit" as an interactive shell leaves (Ctrl-D at the prompt, or `exit`)
  process.stdout.write("exit\n");
  // each host's shell runs its EXIT trap as it exits
  for (const [host, st] of state) {
    const handler = parseTraps(st.env[TRAPS_VAR])["0"];
    if (!handler) continue;
    const r = await world.run(host, handler, { cwd: st.cwd, env: st.env, status: st.status });
    process.stdout.write(r.output ?? r.stdout + r.stderr);
  }
  return 0;
}
