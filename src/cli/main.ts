/**
 * The tuxnet command line (Node only).
 *   tuxnet run [--json] LAB     run a lab; a terminal-like log, or the transcript (JSON lines)
 *   tuxnet shell [--fast] [LAB] an interactive shell on the lab's hosts (@HOST switches host);
 *                               simulated time follows the wall clock unless --fast
 *   (run and shell take --kconfig NAME=y|n, e.g. CONFIG_BRIDGE_VLAN_FILTERING=y: the machines'
 *   kernel configuration, over the lab's `# tuxnet-kconfig:` lines)
 *   tuxnet diff KERNEL ACTUAL [--quiet]   compare transcripts as labtool does; last line = score
 *   tuxnet expand LAB           the lab with a state dump after every command (labtool expand)
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { diffTranscripts, markDumps } from "../lab/normalize.ts";
import { LabError, expandLab, parseLab, type Lab } from "../lab/parse.ts";
import { runLab } from "../lab/runner.ts";
import { entryLine, parseJsonl, type Entry } from "../lab/transcript.ts";
import { parseKconfigAssignment, type KernelConfig } from "../kernel/kconfig.ts";

const USAGE = `usage: tuxnet run [--json] [--kconfig NAME=y|n]... LAB
       tuxnet shell [--fast] [--kconfig NAME=y|n]... [LAB]
       tuxnet diff KERNEL.jsonl ACTUAL.jsonl [--quiet]
       tuxnet expand LAB
`;

function labName(path: string): string {
  return basename(path).replace(/\.[^.]*$/, "");
}

export function loadLab(path: string): Lab {
  return parseLab(readFileSync(path, "utf8"), labName(path), path);
}

/** what a terminal shows for one command */
export function terminalText(e: Entry): string {
  return `root@${e.host}:~# ${e.cmd}\n${e.output ?? e.stdout + e.stderr}`;
}

/** the `--kconfig NAME=y|n` (or `--kconfig=NAME=y`) options, taken out of args */
export function takeKconfig(args: string[]): { args: string[]; kconfig: Partial<KernelConfig> } {
  const rest: string[] = [];
  const kconfig: Partial<KernelConfig> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let v: string | undefined;
    if (a === "--kconfig") {
      v = args[++i];
      if (v === undefined) throw new LabError("--kconfig needs NAME=y|n");
    } else if (a.startsWith("--kconfig=")) v = a.slice("--kconfig=".length);
    else {
      rest.push(a);
      continue;
    }
    const r = parseKconfigAssignment(v);
    if ("error" in r) throw new LabError(r.error);
    kconfig[r.name] = r.value;
  }
  return { args: rest, kconfig };
}

/** the lab's kernel configuration with the command line's over it */
function withKconfig(lab: Lab, kconfig: Partial<KernelConfig>): Lab {
  return Object.keys(kconfig).length ? { ...lab, kconfig: { ...lab.kconfig, ...kconfig } } : lab;
}

async function cmdRun(argv: string[]): Promise<number> {
  const { args, kconfig } = takeKconfig(argv);
  const json = args.includes("--json");
  const files = args.filter((a) => !a.startsWith("--"));
  if (files.length !== 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const lab = withKconfig(loadLab(files[0]!), kconfig);
  // the kernel and the tools load only for the verbs that need them
  const { makeKernelWorld } = await import("../lab/kernel.ts");
  const { commands } = await import("../userland/index.ts");
  const ac = new AbortController();
  process.once("SIGINT", () => ac.abort());
  await runLab(lab, {
    onBuilt: (world) => {
      for (const e of world.setupErrors) process.stderr.write(`tuxnet: ${e}\n`);
    },
    commands,
    makeWorld: makeKernelWorld,
    signal: ac.signal,
    onEntry: (e) => {
      if (json) {
        const { dump: _d, ...plain } = e;
        process.stdout.write(entryLine(plain) + "\n");
      } else process.stdout.write(terminalText(e));
    },
  });
  return 0;
}

function cmdDiff(args: string[]): number {
  const quiet = args.includes("--quiet");
  const files = args.filter((a) => !a.startsWith("--"));
  if (files.length !== 2) {
    process.stderr.write(USAGE);
    return 2;
  }
  const expected = parseJsonl(readFileSync(files[0]!, "utf8"));
  const actual = markDumps(parseJsonl(readFileSync(files[1]!, "utf8")));
  const name = basename(files[0]!).split(".")[0]!;
  const r = diffTranscripts(expected, actual, name);
  if (!quiet) process.stdout.write(r.report);
  process.stdout.write(r.score + "\n");
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  // `tuxnet run LAB | head`: a closed pipe ends the run quietly, as for any Unix tool
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case "run":
        return await cmdRun(rest);
      case "shell":
      {
        const { args, kconfig } = takeKconfig(rest);
        const fast = args.includes("--fast");
        const file = args.find((a) => !a.startsWith("--"));
        return await (await import("./repl.ts")).repl(file ? withKconfig(loadLab(file), kconfig) : undefined, { fast, kconfig });
      }
      case "diff":
        return cmdDiff(rest);
      case "expand":
        if (!rest[0]) break;
        process.stdout.write(expandLab(readFileSync(rest[0], "utf8"), labName(rest[0])));
        return 0;
      case "-h":
      case "--help":
      case "help":
        process.stdout.write(USAGE);
        return 0;
    }
  } catch (e) {
    if (e instanceof LabError) {
      process.stderr.write(`tuxnet: ${e.message}\n`);
      return 2;
    }
    if (e instanceof Error && "code" in e && e.code === "ENOENT") {
      process.stderr.write(`tuxnet: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  process.stderr.write(USAGE);
  return 2;
}
