/**
 * The emulator (everything under src/ but the CLI) runs in a browser and on the simulated
 * clock: no Node modules or globals, no real time, no unseeded randomness, no real timers.
 * Comments are ignored; a file that needs one of these belongs in src/cli/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));
const EDGE = ["cli/"];

const FORBIDDEN: [RegExp, string][] = [
  [/from\s+["']node:|import\(\s*["']node:|\brequire\(/, "a Node module"],
  [/(^|[^.\w])Buffer\.(from|alloc|allocUnsafe|byteLength|concat|isBuffer)\b/, "Node's Buffer"],
  [/(^|[^.\w])process\.(env|argv|stdout|stderr|stdin|exit|cwd|platform|hrtime|nextTick|memoryUsage)\b/, "Node's process"],
  [/\bDate\.now\(|\bnew Date\(\s*\)|\bperformance\.now\(/, "the real clock"],
  [/\bMath\.random\(/, "unseeded randomness"],
  [/(^|[^.\w])(setTimeout|setInterval|setImmediate)\(/, "a real timer"],
];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** the code without its comments (strings stay: a message may name these words, not call them) */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/(^|[^:"'`\\])\/\/[^\n]*/g, "$1");
}

test("src/ outside the CLI uses no Node module or global, real clock, timer or Math.random", () => {
  const found: string[] = [];
  for (const f of files(SRC)) {
    const rel = relative(SRC, f).split("\\").join("/");
    if (EDGE.some((e) => rel.startsWith(e))) continue;
    code(readFileSync(f, "utf8")).split("\n").forEach((line, i) => {
      for (const [re, what] of FORBIDDEN) if (re.test(line)) found.push(`src/${rel}:${i + 1}: ${what}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});
