/**
 * A small lab replayer for the packet-path tests: builds the world of a .lab file (hosts,
 * cables; a switch is a node holding bridge br0 with ports p1, p2 … as the kernel runner
 * builds it), runs each command of the kernel transcript on the emulator with 0.5 s of
 * simulated time between commands (what the runner's state dumps take on the kernel), and
 * returns the commands whose normalized results differ.
 */
import { readFileSync } from "node:fs";
import { labWorld, run, tools } from "../kernel-core/harness.ts";
import { iputilsCommands } from "../../../src/userland/iputils/index.ts";
import { procpsCommands } from "../../../src/userland/procps/index.ts";
import { inetInit } from "../../../src/kernel/ipv4/af_inet.ts";

inetInit();
Object.assign(tools, iputilsCommands, procpsCommands);

interface Entry { host: string; cmd: string; exit: number; stdout: string; stderr: string }

export function norm(s: string): string {
  return s
    .replace(/time=[0-9.]+ ms/g, "time=<t> ms")
    .replace(/time [0-9]+ms/g, "time <t>ms")
    .replace(/rtt min\/avg\/max\/mdev = .*/g, "rtt <t>")
    .replace(/ [0-9.]+ ms/g, " <t> ms")
    .replace(/time=[0-9.]+ usec/g, "time=<t> usec")
    .replace(/rtt min\/avg\/max\/std-dev = .*/g, "rtt <t>")
    // the ages of entries depend on how long each real command took
    .replace(/used [0-9]+\/[0-9]+\/[0-9]+/g, "used <age>")
    // interface packet/byte counters (labtool normalizes them too)
    .replace(/^( +[0-9]+)+ *$/gm, "<counters>")
    .split("\n").sort().join("\n");
}

export async function replay(labPath: string, jsonlPath: string, extraTools: Record<string, unknown> = {}): Promise<string[]> {
  Object.assign(tools, extraTools);
  const lab = readFileSync(labPath, "utf8").split("\n");
  const hosts: string[] = [];
  const switches: string[] = [];
  const links: [string, string][] = [];
  for (const l of lab) {
    const m = /^#%\s+(\w+)\s+(.*)$/.exec(l);
    if (!m) continue;
    const args = m[2]!.trim().split(/\s+/);
    if (m[1] === "host") hosts.push(...args);
    else if (m[1] === "switch") switches.push(...args);
    else if (m[1] === "link") links.push([args[0]!, args[1]!]);
  }
  const ports = new Map<string, number>();
  const cables: [string, string, string, string][] = [];
  for (const [x, y] of links) {
    const end = (e: string): [string, string] => {
      if (e.includes(":")) return e.split(":") as [string, string];
      const n = (ports.get(e) ?? 0) + 1;
      ports.set(e, n);
      return [e, `p${n}`];
    };
    const a = end(x);
    const b = end(y);
    cables.push([a[0], a[1], b[0], b[1]]);
  }
  const { world, h } = labWorld([...hosts, ...switches], []);
  for (const c of cables) world.addCable(...c);
  for (const s of switches) {
    const sys = h[s]!.syscalls(h[s]!.initNet);
    await run(sys, "ip link add br0 type bridge");
    for (let i = 1; i <= (ports.get(s) ?? 0); i++) {
      await run(sys, `ip link set p${i} master br0`);
      await run(sys, `ip link set p${i} up`);
    }
    await run(sys, "ip link set br0 up");
  }
  const entries = readFileSync(jsonlPath, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Entry)
    .filter((e) => !e.cmd.includes("labtool:dump"));
  const fails: string[] = [];
  for (const e of entries) {
    world.sched.runUntil(world.sched.now + 500_000);
    const host = h[e.host]!;
    const sys = host.syscalls(host.initNet);
    let r: { code: number; out: string; err: string };
    const sleep = /^sleep ([0-9.]+)$/.exec(e.cmd);
    if (e.cmd.includes("|")) continue; // pipelines are the shell's (S)
    if (sleep) {
      world.sched.runUntil(world.sched.now + Number(sleep[1]) * 1_000_000);
      r = { code: 0, out: "", err: "" };
    } else if (e.cmd.startsWith("cat /proc/")) {
      const t = sys.fs.read(e.cmd.slice(4));
      r = typeof t === "string" ? { code: 0, out: t, err: "" } : { code: 1, out: "", err: `cat: ${e.cmd.slice(4)}: ${t.errno}\n` };
    } else r = await run(sys, e.cmd);
    if (r.code !== e.exit || norm(r.out) !== norm(e.stdout) || r.err !== e.stderr) {
      fails.push(`@${e.host} $ ${e.cmd}\n  want [${e.exit}] ${JSON.stringify(e.stdout)} ${JSON.stringify(e.stderr)}\n  got  [${r.code}] ${JSON.stringify(r.out)} ${JSON.stringify(r.err)}`);
    }
  }
  return fails;
}
