#!/usr/bin/env node
// npm test: node:test through tsx over every unit test and the lab test. On Node 20,
// `node --test` finds no .ts files by itself, so the files are listed here explicitly.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, existsSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const files = [];
function walk(dir) {
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (f.endsWith(".test.ts")) files.push(relative(root, p));
  }
}
if (existsSync(join(root, "test", "unit"))) walk(join(root, "test", "unit"));
if (existsSync(join(root, "test", "labs.test.ts"))) files.push("test/labs.test.ts");
const extra = process.argv.slice(2);
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", ...extra, ...files], {
  cwd: root,
  stdio: "inherit",
});
process.exit(r.status ?? 1);
