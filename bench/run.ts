/**
 * npm run bench [-- [--no-kernel | --no-tuxnet] [--dir DIR] [NAME-SUBSTRING...]]
 *
 * For each bench/scenarios/*.sh: the wall time of tuxnet (a fresh World from the build in
 * dist/, the script run by the emulated shell on one host) and, when run as root, of the real
 * kernel (the same script under `unshare --net --mount` with a private tmpfs /run/netns),
 * side by side with the ratio.
 * Node-only code.
 */
import { readFileSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

// the build (`npm run bench` makes it first): what `npx tuxnet` runs, not src/ through tsx
const { createWorld } = (await import(new URL("../dist/index.js", import.meta.url).href)) as typeof import("../src/index.ts");

const args = process.argv.slice(2);
const dirAt = args.indexOf("--dir");
const dir = dirAt >= 0 ? args.splice(dirAt, 2)[1]! : join(dirname(fileURLToPath(import.meta.url)), "scenarios");
const noKernel = args.includes("--no-kernel");
const noTuxnet = args.includes("--no-tuxnet");
const filters = args.filter((a) => !a.startsWith("--"));
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith(".sh"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

async function timeTuxnet(script: string): Promise<{ s: number; cpuS: number; out: string; simS: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const w = createWorld({ labMacs: false });
  await w.addHost("host");
  const r = await w.exec("host", script, { timeoutSec: 24 * 3600 });
  const c = process.cpuUsage(c0);
  return { s: (performance.now() - t0) / 1000, cpuS: (c.user + c.system) / 1e6, out: (r.stdout || r.stderr).trim(), simS: w.now / 1e6 };
}

function timeKernel(path: string): { s: number; out: string } | undefined {
  if (noKernel || process.getuid?.() !== 0) return undefined;
  const setup = "mount -t tmpfs tmpfs /run && mkdir -p /run/netns && ip link set lo up && exec bash --norc --noprofile " + JSON.stringify(path);
  const t0 = performance.now();
  const r = spawnSync("unshare", ["--net", "--mount", "--propagation", "private", "--fork", "bash", "--norc", "--noprofile", "-c", setup], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C" },
    maxBuffer: 64 << 20,
  });
  const s = (performance.now() - t0) / 1000;
  if (r.error) return undefined;
  return { s, out: (r.stdout || r.stderr || "").trim() };
}

const last = (s: string) => s.split("\n").slice(-1)[0] ?? "";
// tuxnet cpu s: the process's CPU time (user + system) — on a loaded machine the wall time
// of either side also counts the time it waited for a CPU
const rows: string[][] = [["scenario", "tuxnet s", "tuxnet cpu s", "kernel s", "tuxnet/kernel", "sim s", "tuxnet last line", "kernel last line"]];
for (const f of scenarios) {
  const path = join(dir, f);
  const script = readFileSync(path, "utf8");
  process.stderr.write(`bench: ${f} …\n`);
  const t = noTuxnet ? undefined : await timeTuxnet(script);
  const k = timeKernel(path);
  rows.push([
    f.replace(/\.sh$/, ""),
    t ? t.s.toFixed(2) : "-",
    t ? t.cpuS.toFixed(2) : "-",
    k ? k.s.toFixed(2) : "-",
    t && k ? (t.s / k.s).toFixed(1) + "x" : "-",
    t ? t.simS.toFixed(1) : "-",
    t ? last(t.out).slice(0, 40) : "-",
    k ? last(k.out).slice(0, 40) : "-",
  ]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => (i === 0 || i >= 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
