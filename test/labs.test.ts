/**
 * Behaviour: every test/labs/**.lab with a kernel transcript runs through tuxnet and is scored
 * with labtool's diff. test/labs/baseline.json is a ratchet: a lab may not match fewer
 * commands than its baseline. TUXNET_UPDATE_BASELINE=1 rewrites the baseline with today's
 * scores.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { findLabs, scoreLab } from "./harness/labs.ts";

const here = dirname(fileURLToPath(import.meta.url));
const labsDir = join(here, "labs");
const baselinePath = join(labsDir, "baseline.json");

type Baseline = Record<string, { commands: number; of: number; dumps: number; dumpsOf: number }>;
const baseline: Baseline = existsSync(baselinePath) ? (JSON.parse(readFileSync(baselinePath, "utf8")) as Baseline) : {};
const update = process.env.TUXNET_UPDATE_BASELINE === "1";
const scores: Baseline = {};

for (const path of findLabs(labsDir)) {
  // labs are named by their path under test/labs (route/basics), as in baseline.json
  const name = relative(labsDir, path).replace(/\.lab$/, "");
  test(`lab ${name}`, { timeout: 600_000 }, async (t) => {
    const r = await scoreLab(path, name);
    scores[name] = { commands: r.ok, of: r.n, dumps: r.dok, dumpsOf: r.nd };
    t.diagnostic(r.score);
    console.log(r.score);
    const floor = baseline[name]?.commands ?? 0;
    if (!update) {
      assert.ok(
        r.ok >= floor,
        `${name}: ${r.ok} commands match, below the baseline of ${floor}\n${r.report.slice(0, 4000)}`,
      );
    }
  });
}

after(() => {
  const all = Object.values(scores);
  const sum = (f: (b: Baseline[string]) => number) => all.reduce((a, b) => a + f(b), 0);
  const full = all.filter((b) => b.commands === b.of).length;
  console.log(
    `# labs: ${all.length} labs, ${full} at 100%; ${sum((b) => b.commands)}/${sum((b) => b.of)} commands ` +
      `and ${sum((b) => b.dumps)}/${sum((b) => b.dumpsOf)} state dumps match the kernel`,
  );
  if (!update) return;
  const merged: Baseline = { ...baseline, ...scores };
  const sorted: Baseline = {};
  for (const k of Object.keys(merged).sort()) sorted[k] = merged[k]!;
  writeFileSync(baselinePath, JSON.stringify(sorted, null, 2) + "\n");
  console.log(`baseline written: ${baselinePath}`);
});
