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
import { commands } from "../userland/index.ts";

const HISTORY = join(homedir(), ".tuxnet_history");

function loadHistory(): string[] {
  try {
    return readFileSync(HISTORY, "utf8").split("\n").filter(Boolean).reverse().slice(0, 1000);
  } catch {
    return [];
  }
}

export async function repl(lab?: Lab): Promise<number> {
  const theLab = lab ?? parseLab("#% host host\n", "shell");
  const world = new LabWorld({ commands, makeWorld: makeKernelWorld });
  await world.build(theLab);
  // a lab's commands run first, as `tuxnet run` would, then the prompt
  for (const { host, cmd } of theLab.steps) {
    const r = await world.run(host, cmd, { timeoutSec: theLab.timeout });
    process.stdout.write(`root@${host}:~# ${cmd}\n${r.stdout}${r.stderr}`);
  }
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
    }
    rl.setPrompt(`root@${current}:~# `);
    rl.prompt();
  };
  let running: AbortController | undefined;
  rl.on("SIGINT", () => {
    if (running) running.abort();
    else {
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
    if (cmd) {
      running = new AbortController();
      try {
        const r = await world.run(current, cmd, { signal: running.signal });
        process.stdout.write(r.stdout + r.stderr);
      } catch (e) {
        process.stdout.write(`tuxnet: ${e instanceof Error ? e.message : String(e)}\n`);
      } finally {
        running = undefined;
      }
    }
    prompt();
  }
  rl.close();
  process.stdout.write("\n");
  return 0;
}
