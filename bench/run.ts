/**
 * npm run bench [-- [--no-kernel | --no-tuxnet] [--runs N] [--kernel-timeout S] [--dir DIR] [NAME-SUBSTRING...]]
 *
 * For each bench/scenarios/*.sh: the wall time of tuxnet (a fresh World from the build in
 * dist/, in a node process of its own, the script run by the emulated shell on one host) and,
 * when run as root, of the real kernel (the same script under `unshare --net --mount` with a
 * private tmpfs /run/netns), side by side with the speed-up (kernel time over tuxnet time);
 * each once the CPUs are idle again.
 * A kernel run that takes longer than --kernel-timeout seconds (300: what Mininet's pingall
 * was given) is killed with everything it started and shows as "> S". With --runs N each
 * scenario runs N times on each side (tuxnet, kernel, tuxnet, kernel …): the table shows the
 * medians, and the speed-up's median and the range of the N runs' own speed-ups.
 * Node-only code.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

// the build (`npm run bench` makes it first): what `npx tuxnet` runs, not src/ through tsx
const { createWorld } = (await import(new URL("../dist/index.js", import.meta.url).href)) as typeof import("../src/index.ts");

const args = process.argv.slice(2);
const dirAt = args.indexOf("--dir");
const dir = dirAt >= 0 ? args.splice(dirAt, 2)[1]! : join(dirname(fileURLToPath(import.meta.url)), "scenarios");
const toAt = args.indexOf("--kernel-timeout");
const kernelTimeoutS = toAt >= 0 ? Number(args.splice(toAt, 2)[1]) : 300;
if (!(kernelTimeoutS > 0)) throw new Error("--kernel-timeout wants a number of seconds");
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 1;
if (!(Number.isInteger(runs) && runs >= 1)) throw new Error("--runs wants a number of runs");
const noKernel = args.includes("--no-kernel");
const noTuxnet = args.includes("--no-tuxnet");
const filters = args.filter((a) => !a.startsWith("--"));
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith(".sh"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

type TuxnetTime = { s: number; cpuS: number; out: string; simS: number };

async function measure(script: string): Promise<TuxnetTime> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const w = createWorld({ labMacs: false });
  await w.addHost("host");
  const r = await w.exec("host", script, { timeoutSec: 24 * 3600 });
  const c = process.cpuUsage(c0);
  return { s: (performance.now() - t0) / 1000, cpuS: (c.user + c.system) / 1e6, out: (r.stdout || r.stderr).trim(), simS: w.now / 1e6 };
}

/** one scenario in a node process of its own, as `npx tuxnet` runs a lab: no heap or JIT
 * state left by the scenario before (its startup is not counted) */
function timeTuxnet(path: string): TuxnetTime {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--child", path], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 << 20,
  });
  return JSON.parse(r.stdout) as TuxnetTime;
}

const childAt = args.indexOf("--child");
if (childAt >= 0) {
  process.stdout.write(JSON.stringify(await measure(readFileSync(args[childAt + 1]!, "utf8"))));
  process.exit(0);
}

function timeKernel(path: string): { s: number; out: string; timedOut: boolean } | undefined {
  if (noKernel || process.getuid?.() !== 0) return undefined;
  const setup = "mount -t tmpfs tmpfs /run && mkdir -p /run/netns && ip link set lo up && exec bash --norc --noprofile " + JSON.stringify(path);
  const t0 = performance.now();
  // --pid --kill-child: the script's shell is the init of a pid namespace of its own and dies
  // with unshare, and every process it started with it; with them go the namespaces
  const r = spawnSync("unshare", ["--net", "--mount", "--pid", "--propagation", "private", "--fork", "--kill-child", "bash", "--norc", "--noprofile", "-c", setup], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C" },
    maxBuffer: 64 << 20,
    timeout: kernelTimeoutS * 1000,
    killSignal: "SIGKILL",
  });
  const s = (performance.now() - t0) / 1000;
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
  if (r.error && !timedOut) return undefined;
  return { s, out: timedOut ? `killed after ${kernelTimeoutS} s` : (r.stdout || r.stderr || "").trim(), timedOut };
}

/**
 * Wait (up to a minute) until the machine's CPUs are idle again: the kernel tears a network
 * namespace down in a workqueue after its last process exits, so the 1000 namespaces of a
 * kernel run keep a CPU busy for seconds and would slow whatever is measured next.
 */
async function settle(): Promise<void> {
  if (!existsSync("/proc/stat")) return;
  const sample = (): [number, number] => {
    const f = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return [idle, f.reduce((a, b) => a + b, 0)];
  };
  for (let i = 0; i < 120; i++) {
    const [i0, t0] = sample();
    await new Promise((r) => setTimeout(r, 500));
    const [i1, t1] = sample();
    if (t1 > t0 && (i1 - i0) / (t1 - t0) >= 0.9) return;
  }
}

/** how many times faster tuxnet ran than the kernel ("> N" when the kernel was killed at k s) */
function speedUp(t: number, k: number, timedOut: boolean): string {
  const x = k / t;
  return (timedOut ? "> " : "") + x.toFixed(x < 10 ? 2 : 1) + "x";
}

const last = (s: string) => s.split("\n").slice(-1)[0] ?? "";
// tuxnet cpu s: the process's CPU time (user + system) — on a loaded machine the wall time
// of either side also counts the time it waited for a CPU
const rows: string[][] = [["scenario", "tuxnet s", "tuxnet cpu s", "kernel s", "speed-up", "sim s", "tuxnet last line", "kernel last line"]];
/** the median of some numbers (the lower middle one of an even count) */
function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  return a[(a.length - 1) >> 1]!;
}

for (const f of scenarios) {
  const path = join(dir, f);
  const ts: TuxnetTime[] = [];
  const ks: NonNullable<ReturnType<typeof timeKernel>>[] = [];
  for (let r = 0; r < runs; r++) {
    process.stderr.write(`bench: ${f}${runs > 1 ? ` (run ${r + 1} of ${runs})` : ""} …\n`);
    await settle();
    if (!noTuxnet) ts.push(timeTuxnet(path));
    await settle();
    const k = timeKernel(path);
    if (k) ks.push(k);
  }
  // (each run's tuxnet time against the same run's kernel time)
  const ratios = ts.length === ks.length ? ts.map((t, i) => ks[i]!.s / t.s) : [];
  const t = ts.length ? { s: median(ts.map((x) => x.s)), cpuS: median(ts.map((x) => x.cpuS)), out: ts[ts.length - 1]!.out, simS: ts[0]!.simS } : undefined;
  const timedOut = ks.some((x) => x.timedOut);
  const k = ks.length ? { s: median(ks.map((x) => x.s)), out: ks[ks.length - 1]!.out, timedOut } : undefined;
  let sp = t && k ? speedUp(t.s, k.s, k.timedOut) : "-";
  if (t && k && runs > 1 && ratios.length) {
    const lo = Math.min(...ratios);
    const hi = Math.max(...ratios);
    sp = `${speedUp(1, median(ratios), timedOut)} (${lo.toFixed(lo < 10 ? 2 : 1)}-${hi.toFixed(hi < 10 ? 2 : 1)})`;
  }
  rows.push([
    f.replace(/\.sh$/, ""),
    t ? t.s.toFixed(2) : "-",
    t ? t.cpuS.toFixed(2) : "-",
    k ? (k.timedOut ? "> " + kernelTimeoutS : k.s.toFixed(2)) : "-",
    sp,
    t ? t.simS.toFixed(1) : "-",
    t ? last(t.out).slice(0, 40) : "-",
    k ? last(k.out).slice(0, 40) : "-",
  ]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => (i === 0 || i >= 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
