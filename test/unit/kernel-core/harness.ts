/** A World + a tiny Process to run userland tools against the emulated kernel in tests. */
import { createHash } from "node:crypto";
import assert from "node:assert/strict";
import { World, type Host } from "../../../src/kernel/world.ts";
import type { Syscalls } from "../../../src/kernel/uapi/syscalls.ts";
import type { Process } from "../../../src/userland/process.ts";
import { Exit } from "../../../src/userland/process.ts";
import { ip } from "../../../src/userland/iproute2/ip.ts";

/** names drawn by the running command: counted (k) only if the command succeeds, as the
 * kernel runner's `ip link add … address MAC` wrapper counts them */
const count = new Map<string, number>();
let pending: string[] = [];

/** LAB-FORMAT.md's lab_mac(host, netns, ifname, k) */
export function labMacFn(): (host: string, netns: string, ifname: string) => Uint8Array {
  count.clear();
  pending = [];
  return (host, netns, ifname) => {
    const key = `${host}/${netns || "-"}/${ifname}`;
    const k = count.get(key) ?? 0;
    pending.push(key);
    const h = createHash("sha256").update(`${key}/${k}`, "utf8").digest();
    return new Uint8Array([(h[0]! & 0xfe) | 0x02, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!]);
  };
}

function settleMacs(ok: boolean): void {
  if (ok) for (const key of pending) count.set(key, (count.get(key) ?? 0) + 1);
  pending = [];
}

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

export const tools: Record<string, (p: Process) => Promise<number>> = { ip };

/** the world whose scheduler drives commands that wait (ping, sleep) */
let driving: World | undefined;
export function driveWith(world: World): void {
  driving = world;
}

export async function run(sys: Syscalls, line: string | string[]): Promise<RunResult> {
  const argv = Array.isArray(line) ? line : line.split(" ").filter((s) => s !== "");
  let out = "";
  let err = "";
  const mk = (argv: string[], sys: Syscalls): Process => ({
    argv,
    env: {},
    cwd: "/root",
    stdin: "",
    stdout: { write: (s: string) => void (out += s) },
    stderr: { write: (s: string) => void (err += s) },
    sys,
    signal: new AbortController().signal,
    isatty: false,
    spawn: async (a: string[], s: Syscalls) => exec(a, s),
    readFile: async () => undefined,
    writeFile: async () => false,
  });
  const exec = async (a: string[], s: Syscalls): Promise<number> => {
    const t = tools[a[0]!];
    if (!t) {
      err += `bash: ${a[0]}: command not found\n`;
      return 127;
    }
    try {
      return await t(mk(a, s));
    } catch (e) {
      if (e instanceof Exit) return e.code;
      throw e;
    }
  };
  const p = exec(argv, sys);
  const code = driving ? await driving.sched.drive(p, () => new Promise<void>((r) => setImmediate(r))) : await p;
  settleMacs(code === 0);
  return { code, out, err };
}

/**
 * run `cmd` and check its stderr, stdout (through `norm`: what the emulator does not produce
 * yet, stripped from both sides) and exit code against the kernel transcript's
 */
export async function expectRun(
  sys: Syscalls, cmd: string, code: number, out: string, err = "", norm: (s: string) => string = (s) => s,
): Promise<void> {
  const r = await run(sys, cmd);
  assert.equal(r.err, err, `stderr of ${cmd}`);
  assert.equal(norm(r.out), norm(out), `stdout of ${cmd}`);
  assert.equal(r.code, code, `exit of ${cmd}`);
}

/** hosts a and b cabled eth0 to eth0, with 10.0.0.1/24 and 10.0.0.2/24 on links that are up */
export async function cabledPair(): Promise<{ world: World; a: Syscalls; b: Syscalls }> {
  const { world, h } = labWorld(["a", "b"], [["a", "eth0", "b", "eth0"]]);
  const a = h.a!.syscalls(h.a!.initNet);
  const b = h.b!.syscalls(h.b!.initNet);
  for (const l of ["ip addr add 10.0.0.1/24 dev eth0", "ip link set eth0 up"]) await run(a, l);
  for (const l of ["ip addr add 10.0.0.2/24 dev eth0", "ip link set eth0 up"]) await run(b, l);
  return { world, a, b };
}

/** the kernel runner's world: hosts, then cables, in lab mode */
export function labWorld(hosts: string[], cables: [string, string, string, string][] = []): { world: World; h: Record<string, Host> } {
  const world = new World({ seed: "test", labMac: labMacFn() });
  driveWith(world);
  const h: Record<string, Host> = {};
  for (const n of hosts) h[n] = world.addHost(n);
  for (const c of cables) {
    world.addCable(...c);
    settleMacs(true);
  }
  return { world, h };
}
