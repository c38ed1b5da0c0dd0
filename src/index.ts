/**
 * tuxnet as a library: build a world (empty or from a lab), run command lines on its hosts,
 * advance simulated time, take a snapshot of every host's network state.
 *
 *   const w = await fromLab(text);            // or: const w = createWorld(); w.addHost("h1")
 *   const r = await w.exec("host1", "ip -br addr");   // { stdout, stderr, exitCode }
 *   await w.advance(5_000_000);               // 5 simulated seconds
 */
import { makeKernelWorld } from "./lab/kernel.ts";
import { parseLab, type Lab } from "./lab/parse.ts";
import { runLab } from "./lab/runner.ts";
import type { Entry } from "./lab/transcript.ts";
import { LabWorld, type WorldFactory } from "./lab/world.ts";
import { runJob } from "./shell/drive.ts";
import type { ShellResult } from "./shell/shell.ts";
import { commands as defaultCommands } from "./userland/index.ts";
import type { CommandTable } from "./userland/process.ts";
import type { KernelConfig } from "./kernel/kconfig.ts";

export { parseLab, expandLab } from "./lab/parse.ts";
export type { KernelConfig } from "./kernel/kconfig.ts";
export { diffTranscripts, normalized, render } from "./lab/normalize.ts";
export { parseJsonl, entryLine, type Entry } from "./lab/transcript.ts";
export type { ShellResult } from "./shell/shell.ts";

export interface WorldOptions {
  seed?: string;
  /** deterministic lab MACs (LAB-FORMAT.md); default true */
  labMacs?: boolean;
  commands?: CommandTable;
  /** a different kernel (tests) */
  makeWorld?: WorldFactory;
  /** the machines' kernel configuration, e.g. { CONFIG_BRIDGE_VLAN_FILTERING: true } (default:
   * the lab kernel's, which lacks it) */
  kconfig?: Partial<KernelConfig>;
}

export interface HostSnapshot {
  hostname: string;
  links: unknown;
  addresses: unknown;
  routes: unknown;
  netns: string[];
}

export interface Snapshot {
  /** simulated µs since the world was built */
  now: number;
  hosts: Record<string, HostSnapshot>;
}

export class TuxWorld {
  constructor(readonly lab: LabWorld) {}

  /** add a machine (its root namespace has lo up, as a lab host) */
  async addHost(name: string): Promise<void> {
    this.lab.addNode(name, "host");
    await this.lab.run(name, "ip link set lo up");
  }

  hosts(): string[] {
    return [...this.lab.nodes.keys()];
  }

  /** run one command line (`bash -c`) on a host as root in /root */
  exec(host: string, cmd: string, opts: { timeoutSec?: number; signal?: AbortSignal } = {}): Promise<ShellResult> {
    return this.lab.run(host, cmd, opts);
  }

  /** let `us` microseconds of simulated time pass (timers fire, background jobs run) */
  async advance(us: number): Promise<void> {
    const sched = this.lab.sched;
    await runJob(sched, () => sched.sleep(us), () => undefined);
  }

  get now(): number {
    return this.lab.sched.now;
  }

  /** every host's links, addresses, routes (iproute2 JSON) and named namespaces */
  async snapshot(): Promise<Snapshot> {
    const hosts: Record<string, HostSnapshot> = {};
    const json = (s: string): unknown => {
      try {
        return JSON.parse(s);
      } catch {
        return null;
      }
    };
    for (const [name, node] of this.lab.nodes) {
      const links = await this.lab.run(name, "ip -j -d link show");
      const addrs = await this.lab.run(name, "ip -j addr show");
      const routes = await this.lab.run(name, "ip -j route show table all");
      hosts[name] = {
        hostname: node.sys.hostname(),
        links: json(links.stdout),
        addresses: json(addrs.stdout),
        routes: json(routes.stdout),
        netns: node.sys.netnsList(),
      };
    }
    return { now: this.lab.sched.now, hosts };
  }
}

function labWorld(opts: WorldOptions): LabWorld {
  return new LabWorld({
    commands: opts.commands ?? defaultCommands,
    makeWorld: opts.makeWorld ?? makeKernelWorld,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.labMacs !== undefined ? { labMacs: opts.labMacs } : {}),
    ...(opts.kconfig !== undefined ? { kconfig: opts.kconfig } : {}),
  });
}

/** an empty world: add hosts with `addHost` */
export function createWorld(opts: WorldOptions = {}): TuxWorld {
  return new TuxWorld(labWorld(opts));
}

/** the world of a lab (hosts, switches, cables), without running its commands */
export async function fromLab(text: string | Lab, opts: WorldOptions = {}): Promise<TuxWorld> {
  const lab = typeof text === "string" ? parseLab(text) : text;
  const w = labWorld(opts);
  await w.build(lab);
  return new TuxWorld(w);
}

/** run a lab's commands; the transcript entries, as `tuxnet run --json` prints them */
export async function runLabText(text: string, opts: WorldOptions & { name?: string } = {}): Promise<Entry[]> {
  const lab = parseLab(text, opts.name ?? "lab");
  const { entries } = await runLab(lab, {
    commands: opts.commands ?? defaultCommands,
    makeWorld: opts.makeWorld ?? makeKernelWorld,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.labMacs !== undefined ? { labMacs: opts.labMacs } : {}),
  });
  return entries;
}
