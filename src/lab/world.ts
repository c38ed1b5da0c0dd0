/**
 * The world of a lab, built in labtool.py's order (KernelWorld.build): every host (hostname,
 * `ip link set lo up`), then every switch (a node whose bridge br0 has multicast snooping off
 * and IPv6 disabled), then the cables in declaration order, a switch end becoming port p1, p2 …
 * (`ip link set pN master br0 && ip link set pN up` on the switch).
 *
 * The kernel is reached through a small structural interface (`KernelWorldLike`), so this
 * file depends only on the kernel's documented World/Host contract.
 */
import type { Syscalls } from "../kernel/uapi/syscalls.ts";
import { USEC_PER_SEC, type Scheduler } from "../sim/scheduler.ts";
import { HostShell, type ShellResult } from "../shell/shell.ts";
import { runJob } from "../shell/drive.ts";
import type { CommandTable } from "../userland/process.ts";
import { LabMacs, macString } from "./labmac.ts";
import { labIpArgv } from "./ipshim.ts";
import { nodeKind, type Lab } from "./parse.ts";
import type { KernelConfig } from "../kernel/kconfig.ts";

export interface KernelHostLike {
  readonly name: string;
  readonly initNet: unknown;
  syscalls(net: never): Syscalls;
  /** forget the dmesg lines logged so far (labtool shows only what came after the build) */
  dmesgClear?(): void;
}

export interface KernelWorldLike {
  readonly sched: Scheduler;
  /** a machine, with the world's kernel configuration or the one given */
  addHost(name: string, kconfig?: Partial<KernelConfig>): KernelHostLike;
  /** a veth pair between two hosts' root namespaces (hosts by name) */
  addCable(aHost: string, aIf: string, bHost: string, bIf: string): void;
}

export interface WorldFactoryOptions {
  seed?: string;
  labMac?: (host: string, netns: string, ifname: string) => Uint8Array | undefined;
  kconfig?: Partial<KernelConfig>;
}

export type WorldFactory = (opts: WorldFactoryOptions) => KernelWorldLike;

/** A node of the lab: a kernel host and its shell. */
export interface LabNode {
  name: string;
  kind: "host" | "switch";
  host: KernelHostLike;
  sys: Syscalls;
  shell: HostShell;
}

export interface LabWorldOptions {
  commands: CommandTable;
  makeWorld: WorldFactory;
  seed?: string;
  /** give random-MAC devices the lab's deterministic MACs (default true) */
  labMacs?: boolean;
  /** every machine's kernel configuration (a lab's `# tuxnet-kconfig:` lines go over it) */
  kconfig?: Partial<KernelConfig>;
}

/** The world of a lab: nodes by name, in lab order. */
export class LabWorld {
  readonly world: KernelWorldLike;
  readonly nodes = new Map<string, LabNode>();
  readonly macs = new LabMacs();
  /** MAC names drawn by the command running now; counted only if it succeeds */
  private pendingMacs: [string, string, string][] = [];
  private readonly commands: CommandTable;
  private readonly kconfig: Partial<KernelConfig>;

  constructor(opts: LabWorldOptions) {
    this.kconfig = { ...opts.kconfig };
    const useLab = opts.labMacs ?? true;
    this.commands = useLab ? this.withIpShim(opts.commands) : opts.commands;
    this.world = opts.makeWorld({
      seed: opts.seed ?? "tuxnet",
      kconfig: this.kconfig,
      ...(useLab
        ? {
            labMac: (host: string, netns: string, ifname: string) => {
              this.pendingMacs.push([host, netns, ifname]);
              return this.macs.peek(host, netns, ifname);
            },
          }
        : {}),
    });
  }

  get sched(): Scheduler {
    return this.world.sched;
  }

  /** labtool's `ip` shim: `ip link add NAME … type KIND` runs with `address <lab MAC>`
   * inserted (src/lab/ipshim.ts); the names it used count once `ip` succeeded */
  private withIpShim(commands: CommandTable): CommandTable {
    const ip = commands["ip"];
    if (!ip) return commands;
    const shimmed: CommandTable[string] = (p) => {
      const host = p.sys.hostname();
      p.argv = labIpArgv(
        p.argv,
        (netns, ifname) => {
          this.pendingMacs.push([host, netns, ifname]);
          return macString(this.macs.peek(host, netns, ifname));
        },
        () => p.sys.netnsIdentify().join("\n"),
      );
      return ip(p);
    };
    return { ...commands, ip: shimmed };
  }

  /** Add a machine (a host or a switch node) with its shell. */
  addNode(name: string, kind: "host" | "switch" = "host", kconfig?: Partial<KernelConfig>): LabNode {
    const existing = this.nodes.get(name);
    if (existing) return existing;
    const host = this.world.addHost(name, { ...this.kconfig, ...kconfig });
    const sys = host.syscalls(host.initNet as never);
    sys.sethostname(name);
    const shell = new HostShell({
      root: sys,
      commands: this.commands,
      sched: this.world.sched,
      // labtool's `ip` shim counts a lab MAC name once `ip` succeeded
      onToolExit: (tool, _argv, code) => {
        if (tool !== "ip") return;
        if (code === 0) for (const [h, n, i] of this.pendingMacs) this.macs.commit(h, n, i);
        this.pendingMacs = [];
      },
    });
    const node: LabNode = { name, kind, host, sys, shell };
    this.nodes.set(name, node);
    return node;
  }

  node(name: string): LabNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no such host: ${name}`);
    return n;
  }

  /** Run one command line on a node, driving the simulator until it is done. */
  async run(
    name: string,
    cmd: string,
    opts: {
      timeoutSec?: number;
      signal?: AbortSignal;
      cwd?: string;
      env?: Record<string, string>;
      /** the `$?` the line starts with (a terminal's last status) */
      status?: number;
      tty?: { write(s: string): void };
    } = {},
  ): Promise<ShellResult> {
    const node = this.node(name);
    const sched = this.world.sched;
    const ac = new AbortController();
    let timer: { cancel(): void } | undefined;
    let onAbort: (() => void) | undefined;
    let written: (() => { stdout: string; stderr: string }) | undefined;
    let killGroup: (() => void) | undefined;
    let timedOut = false;
    try {
      return await runJob<ShellResult>(
        sched,
        (h) => {
          // Ctrl-C: the line ends now (130); the lab timeout: 124, as labtool's kill gives
          onAbort = () => {
            ac.abort();
            h.finish({ stdout: "", stderr: "", exitCode: 130 });
          };
          opts.signal?.addEventListener("abort", onAbort);
          if (opts.timeoutSec !== undefined) {
            timer = sched.after(
              opts.timeoutSec * 1_000_000,
              () => {
                // labtool SIGKILLs the line: what it wrote so far stays, nothing more comes.
                // killpg(): the line's shell and every process below it die; the shell hands
                // back what its builtins had written (just-bash keeps that until it returns),
                // in its place among the tools' output
                timedOut = true;
                killGroup?.();
                ac.abort();
                // a program that ignores the kill: what reached the log by then
                timer = sched.after(USEC_PER_SEC, () => h.finish({ ...(written?.() ?? { stdout: "", stderr: "" }), exitCode: 124 }), "lab command kill");
              },
              "lab command timeout",
            );
          }
          return node.shell
            .exec(cmd, {
            signal: ac.signal,
            partial: (f) => (written = f),
            killGroup: (f) => (killGroup = f),
            ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
            ...(opts.env !== undefined ? { env: opts.env } : {}),
            ...(opts.status !== undefined ? { status: opts.status } : {}),
            ...(opts.tty !== undefined ? { tty: opts.tty } : {}),
            })
            .then((r) => (timedOut ? { ...r, exitCode: 124 } : r));
        },
        (e) => ({ stdout: "", stderr: `tuxnet: ${e instanceof Error ? e.message : String(e)}\n`, exitCode: 1 }),
      );
    } finally {
      timer?.cancel();
      if (onAbort) opts.signal?.removeEventListener("abort", onAbort);
      this.pendingMacs = [];
    }
  }

  /** let `us` of simulated time pass (0: run only what is due now) */
  async advance(us: number): Promise<void> {
    const sched = this.world.sched;
    await runJob(sched, () => sched.sleep(us), () => undefined);
  }

  /** what went wrong while building (labtool would stop; we carry on and say so) */
  readonly setupErrors: string[] = [];

  /** Run a setup command (labtool runs them under `set -e`). */
  private async setup(name: string, cmd: string): Promise<void> {
    const r = await this.run(name, cmd, { timeoutSec: 10 });
    if (r.exitCode !== 0) this.setupErrors.push(`${name}: setup \`${cmd}\` failed (${r.exitCode}): ${r.stderr.trim()}`);
  }

  /** labtool.py: KernelWorld.build() */
  async build(lab: Lab): Promise<void> {
    for (const h of lab.hosts) {
      this.addNode(h, "host", lab.kconfig);
      await this.setup(h, "ip link set lo up");
    }
    for (const s of lab.switches) {
      this.addNode(s, "switch", lab.kconfig);
      await this.setup(
        s,
        "sysctl -qw net.ipv6.conf.all.disable_ipv6=1; sysctl -qw net.ipv6.conf.default.disable_ipv6=1; " +
          "ip link add br0 type bridge mcast_snooping 0 && ip link set br0 up",
      );
    }
    const port = new Map<string, number>();
    for (const { a, ifa, b, ifb } of lab.links) {
      let bIf = ifb;
      const isSwitch = nodeKind(lab, b) === "switch";
      if (isSwitch) {
        const n = (port.get(b) ?? 0) + 1;
        port.set(b, n);
        bIf = `p${n}`;
      }
      // cables take lab_mac(host, "", ifname, 0) without counting the name (labtool calls
      // the real ip directly, not through its shim)
      try {
        this.world.addCable(this.node(a).name, ifa, this.node(b).name, bIf!);
      } catch (e) {
        this.setupErrors.push(`link ${a}:${ifa} ${b}: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.pendingMacs = [];
      if (isSwitch) await this.setup(b, `ip link set ${bIf} master br0 && ip link set ${bIf} up`);
    }
    // labtool's dmesg shows only what the kernel logged after the build
    for (const n of this.nodes.values()) n.host.dmesgClear?.();
  }
}
