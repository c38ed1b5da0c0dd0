import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLab } from "../../../src/lab/parse.ts";
import { runLab } from "../../../src/lab/runner.ts";
import { macString } from "../../../src/lab/labmac.ts";
import type { KernelWorldLike, WorldFactoryOptions } from "../../../src/lab/world.ts";
import type { CommandTable } from "../../../src/userland/process.ts";
import { Scheduler } from "../../../src/sim/scheduler.ts";
import { EXEC_COST_US } from "../../../src/shell/shell.ts";
import { FakeHost, asSys } from "../shell/fake.ts";

/** a stand-in kernel world: hosts are FakeHosts sharing one scheduler */
function fakeWorld(log: string[]) {
  let opts: WorldFactoryOptions = {};
  const sched = new Scheduler();
  const factory = (o: WorldFactoryOptions): KernelWorldLike => {
    opts = o;
    return {
      sched,
      addHost(name: string) {
        const h = new FakeHost(name);
        h.sched = sched;
        log.push(`host ${name}`);
        return { name, initNet: h, syscalls: () => asSys(h.root) };
      },
      addCable(a, aIf, b, bIf) {
        log.push(`cable ${a}:${aIf} ${b}:${bIf} ${macString(opts.labMac!(a, "", aIf)!)}`);
      },
    };
  };
  const commands: CommandTable = {
    // `ip link add NAME` draws a lab MAC; `ip fail NAME` draws one and fails
    ip: async (p) => {
      log.push(`${p.sys.hostname()}: ${p.argv.join(" ")}`);
      if (p.argv[1] === "link" && p.argv[2] === "add") p.stdout.write(macString(opts.labMac!(p.sys.hostname(), "", p.argv[3]!)!) + "\n");
      if (p.argv[1] === "fail") {
        p.stdout.write(macString(opts.labMac!(p.sys.hostname(), "", p.argv[2]!)!) + "\n");
        return 2;
      }
      return 0;
    },
    sysctl: async (p) => {
      log.push(`${p.sys.hostname()}: ${p.argv.join(" ")}`);
      return 0;
    },
    now: async (p) => {
      p.stdout.write(`${p.sys.now()}\n`);
      return 0;
    },
  };
  return { factory, commands };
}

test("world built in labtool's order; lab MACs counted only after ip succeeds; timeouts", async () => {
  const log: string[] = [];
  const { factory, commands } = fakeWorld(log);
  const lab = parseLab(
    "#% host host1 host2\n#% switch sw\n#% link host1:eth0 sw\n#% link host2:eth0 host1:eth1\n#% timeout 5\n" +
      "@host1 ip fail v0\nip fail v0\nip link add v0\nip link add v0\nsleep 100\nnow\n(sleep 1; now) & now\n@host2 hostname; now\n",
    "t",
  );
  const { entries } = await runLab(lab, { commands, makeWorld: factory, gapUs: 0 });
  assert.deepEqual(log.slice(0, 8), [
    "host host1",
    "host1: ip link set lo up",
    "host host2",
    "host2: ip link set lo up",
    "host sw",
    "sw: sysctl -qw net.ipv6.conf.all.disable_ipv6=1",
    "sw: sysctl -qw net.ipv6.conf.default.disable_ipv6=1",
    "sw: ip link add br0 type bridge mcast_snooping 0",
  ]);
  assert.ok(log.includes("cable host1:eth0 sw:p1 6a:37:36:08:e5:bf"));
  assert.ok(log.includes("sw: ip link set p1 master br0"));
  const out = entries.map((e) => [e.exit, e.stdout]);
  // a failed ip does not count the name: the same MAC again, then k=0 for the first success
  assert.equal(out[0]![1], out[1]![1]);
  assert.equal(out[0]![1], out[2]![1]);
  assert.notEqual(out[2]![1], out[3]![1]);
  assert.deepEqual(out[4], [124, ""]);
  // every command the shell runs costs EXEC_COST_US (1 ms) of simulated time: the 8 commands
  // that built the world and the 4 `ip` lines put the timed-out line's start at 12 ms, so it
  // is killed at 5.012 s and `now` (1 ms itself) prints 5.013 s; each later `now` adds 1 ms
  assert.equal(EXEC_COST_US, 1000);
  assert.deepEqual(out[5], [0, "5013000\n"]);
  assert.deepEqual(out[6], [0, "5014000\n"]);
  // the background job (sleep 1) outlives its line; host2's next line does not sleep, so
  // the clock must not move on to the job's wake-up at 6 s
  assert.deepEqual(out[7], [0, "host2\n5015000\n"]);
  // `ms`: the simulated time each line took, as labtool records the wall time
  assert.deepEqual(entries.map((e) => e.ms), [1, 1, 1, 1, 5000, 1, 1, 1]);
});
