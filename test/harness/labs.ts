/**
 * Run a lab through tuxnet the way `labtool emu` does (the lab expanded with a state dump on
 * every node after each command) and score it against the kernel's transcript with the
 * TypeScript port of labtool's diff.
 */
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { makeKernelWorld } from "../../src/lab/kernel.ts";
import { diffTranscripts, type DiffResult } from "../../src/lab/normalize.ts";
import { expandLab, parseLab } from "../../src/lab/parse.ts";
import { runLab } from "../../src/lab/runner.ts";
import { parseJsonl, type Entry } from "../../src/lab/transcript.ts";
import { commands } from "../../src/userland/index.ts";

export function labName(path: string): string {
  return basename(path).replace(/\.lab$/, "");
}

/** every *.lab under `dir` that has a kernel transcript beside it */
export function findLabs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith(".lab") && existsSync(p.replace(/\.lab$/, ".kernel.jsonl"))) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export async function runExpanded(path: string): Promise<Entry[]> {
  const name = labName(path);
  const lab = parseLab(expandLab(readFileSync(path, "utf8"), name), name, path);
  const { entries } = await runLab(lab, { commands, makeWorld: makeKernelWorld });
  return entries;
}

/** score one lab; `label` names it in the score line (default: labtool's, the file's stem) */
export async function scoreLab(path: string, label = labName(path)): Promise<DiffResult & { entries: Entry[] }> {
  const expected = parseJsonl(readFileSync(path.replace(/\.lab$/, ".kernel.jsonl"), "utf8"));
  const entries = await runExpanded(path);
  return { ...diffTranscripts(expected, entries, label), entries };
}
