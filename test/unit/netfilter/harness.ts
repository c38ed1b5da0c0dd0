/** A one-namespace kernel for netfilter tests: ioctls go straight to netfilter's handlers. */
import type { Net } from "../../../src/kernel/core/net_namespace.ts";
import { Scheduler } from "../../../src/sim/scheduler.ts";
import { Rng } from "../../../src/sim/rng.ts";
import { isKErr } from "../../../src/kernel/uapi/errno.ts";
import type { Syscalls, IoctlReq } from "../../../src/kernel/uapi/syscalls.ts";
import { netfilterInit, nfIoctls } from "../../../src/kernel/netfilter/index.ts";
import type { Command, Process } from "../../../src/userland/process.ts";
import { iptablesCommands } from "../../../src/userland/iptables/index.ts";
import { conntrackCommands } from "../../../src/userland/conntrack-tools/index.ts";
import { ebtablesCommands } from "../../../src/userland/ebtables/index.ts";

/** a namespace of a minimal machine: the world's clock and Rng, a dmesg ring */
export function makeNet(): Net & { dmesg: string[]; sched: Scheduler } {
  netfilterInit();
  const sched = new Scheduler();
  const dmesg: string[] = [];
  const host = { world: { sched, rng: new Rng(1) }, dmesgLog: (m: string) => void dmesg.push(m) };
  return { host, dmesg, sched, gen: [] } as unknown as Net & { dmesg: string[]; sched: Scheduler };
}

export function fakeSys(net: Net, wallclock = 1795336000): Syscalls {
  const sys = {
    ioctl(req: IoctlReq) {
      const h = nfIoctls[req.request];
      if (!h) return { errno: "ENOTTY" };
      return h(net, req as Record<string, unknown>);
    },
    wallclock: () => wallclock,
    // no IPv4 sockets here: a name lookup of iptables -L fails at once, as without a stack
    socket: () => ({ errno: "EAFNOSUPPORT" }),
    random32: () => 0,
    hostname: () => "h",
  };
  return sys as unknown as Syscalls;
}

export async function run(sys: Syscalls, argv: string[], stdin = ""): Promise<{ exit: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const cmd: Command | undefined = iptablesCommands[argv[0]!] ?? conntrackCommands[argv[0]!] ?? ebtablesCommands[argv[0]!];
  if (!cmd) throw new Error(`no command ${argv[0]}`);
  const p: Process = {
    argv, env: {}, cwd: "/root", stdin, isatty: false, sys,
    stdout: { write: (s) => void (stdout += s) },
    stderr: { write: (s) => void (stderr += s) },
    signal: new AbortController().signal,
    spawn: async () => 127,
    readFile: async () => undefined,
    writeFile: async () => false,
  };
  const exit = await cmd(p);
  void isKErr;
  return { exit, stdout, stderr };
}

/** bash-like word splitting for the lab lines we use (quotes, no expansions) */
export function words(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q: string | null = null;
  let have = false;
  for (const ch of line) {
    if (q) {
      if (ch === q) q = null;
      else cur += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      q = ch;
      have = true;
      continue;
    }
    if (ch === " ") {
      if (have) out.push(cur);
      cur = "";
      have = false;
      continue;
    }
    cur += ch;
    have = true;
  }
  if (have) out.push(cur);
  return out;
}
