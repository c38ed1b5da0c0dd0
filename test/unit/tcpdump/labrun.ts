/**
 * Run the tcpdump/nc/traceroute labs through tuxnet with this part's commands added to the
 * command table (until userland/index.ts registers them), and diff with the kernel transcript.
 * CLI: node --import tsx test/unit/tcpdump/labrun.ts test/labs/tcpdump/basics.lab [kernel.jsonl]
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { makeKernelWorld } from "../../../src/lab/kernel.ts";
import { diffTranscripts, type DiffResult } from "../../../src/lab/normalize.ts";
import { expandLab, parseLab } from "../../../src/lab/parse.ts";
import { runLab } from "../../../src/lab/runner.ts";
import { parseJsonl, type Entry } from "../../../src/lab/transcript.ts";
import { commands } from "../../../src/userland/index.ts";
import { tcpdumpCommands } from "../../../src/userland/tcpdump/index.ts";
import { netcatCommands } from "../../../src/userland/netcat/index.ts";

export const allCommands = { ...commands, ...tcpdumpCommands, ...netcatCommands };

export async function scorePartLab(path: string, kernel = path.replace(/\.lab$/, ".kernel.jsonl")): Promise<DiffResult & { entries: Entry[] }> {
  const name = basename(path).replace(/\.lab$/, "");
  const lab = parseLab(expandLab(readFileSync(path, "utf8"), name), name, path);
  const { entries } = await runLab(lab, { commands: allCommands, makeWorld: makeKernelWorld });
  const expected = parseJsonl(readFileSync(kernel, "utf8"));
  return { ...diffTranscripts(expected, entries, name), entries };
}

if (process.argv[1] && process.argv[1].endsWith("labrun.ts")) {
  const r = await scorePartLab(process.argv[2]!, process.argv[3]);
  console.log(r.report);
  console.log(r.score);
  if (process.env.SHOW) for (const e of r.entries) if (!e.cmd.includes("labtool:dump")) console.log(JSON.stringify(e));
}
