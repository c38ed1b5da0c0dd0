/**
 * Small labs run on the real kernel (`labtool.py kernel X.lab --runs 1`, state dumps dropped):
 * every command made only of tools the emulator has (ip, ethtool, ifconfig, …; no shell
 * syntax) must print exactly what the kernel printed, with the same exit status. MACs agree
 * because both sides use LAB-FORMAT.md's lab MACs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { labWorld, run, tools } from "./harness.ts";
import { commands } from "../../../src/userland/index.ts";

Object.assign(tools, commands);

const dir = new URL("./labs/", import.meta.url);

/** a veth peer created without `peer name` gets a random MAC on both sides (the runner's
 * lab-MAC wrapper only names the devices the command names) */
function maskRandomMacs(s: string): string {
  return s
    .replace(/("ifname":"veth\d+"[^}]*?"address":")[0-9a-f:]{17}/g, "$1<random>")
    .replace(/(\d+: veth\d+[@:][^\n]*\n\s+link\/ether )[0-9a-f:]{17}/g, "$1<random>");
}

/** a dump taken while the kernel's link watch had not yet run for a carrier change: an UP
 * device whose carrier (LOWER_UP) disagrees with its operstate (NO-CARRIER = not RUNNING) */
function linkwatchPending(stdout: string): boolean {
  const pending = (f: string[]) => f.includes("UP") && !f.includes("LOOPBACK") && f.includes("NO-CARRIER") === f.includes("LOWER_UP");
  for (const line of stdout.split("\n")) {
    /* `ip link` text: "4: v1@v2: <BROADCAST,MULTICAST,UP,M-DOWN> mtu …" */
    const m = /^\d+: \S+: <([^>]*)>/.exec(line);
    if (m && pending(m[1]!.split(","))) return true;
    if (!line.startsWith("[")) continue;
    for (const d of JSON.parse(line) as { flags?: string[] }[]) if (pending(d.flags ?? [])) return true;
  }
  return false;
}

/** commands whose difference is known and owned elsewhere */
const KNOWN: Record<string, string> = {
  // packet counters: the kernel's veth sent IPv6 router solicitations / MLD reports meanwhile
  "ip -s link show v1": "counters",
};

for (const f of readdirSync(dir).filter((n) => n.endsWith(".lab")).sort()) {
  test(`lab ${f}`, async () => {
    const lab = readFileSync(new URL(f, dir), "utf8");
    const hosts: string[] = [];
    const cables: [string, string, string, string][] = [];
    for (const l of lab.split("\n")) {
      let m = /^#% host (.*)/.exec(l);
      if (m) hosts.push(...m[1]!.trim().split(/\s+/));
      m = /^#% link (\S+):(\S+) (\S+):(\S+)/.exec(l);
      if (m) cables.push([m[1]!, m[2]!, m[3]!, m[4]!]);
    }
    const { world, h } = labWorld(hosts, cables);
    /* wall time passes between two lines as it did on the kernel (the transcript's `ms`; the
     * commands here take no simulated time): the kernel's link watch (one non-urgent run a
     * second) and neighbour timers see it */
    const gap = (e: { ms?: number }) => world.sched.runUntil(world.sched.now + (e.ms ?? 30) * 1000);
    const entries = readFileSync(new URL(f.replace(/\.lab$/, ".kernel.jsonl"), dir), "utf8").trim().split("\n")
      .map((x) => JSON.parse(x) as { host: string; cmd: string; exit: number; stdout: string; stderr: string; ms?: number });
    let compared = 0;
    const skipped: string[] = [];
    for (const e of entries) {
      const host = h[e.host]!;
      /* labtool's state dump after every command: `ip -j link show; ip -all netns exec …` */
      const cmds = e.cmd.replace(/ # labtool:dump$/, "").split(";").map((s) => s.trim());
      if (!cmds.every((c) => /^[a-z]+ [^|>&$']*$/.test(c) && tools[c.split(" ")[0]!])) {
        skipped.push(e.cmd);
        // keep the world in step for the commands we cannot run: none of these change links
        gap(e);
        continue;
      }
      let out = "";
      let err = "";
      let code = 0;
      for (const c of cmds) {
        const argv = (c.match(/"[^"]*"|\S+/g) ?? []).map((t) => t.replace(/^"(.*)"$/, "$1"));
        const r = await run(host.syscalls(host.initNet), argv);
        out += r.out;
        err += r.err;
        code = r.code;
      }
      gap(e);
      if (KNOWN[e.cmd]) continue;
      // the kernel's link watch defers a non-urgent event to a second after its last run, and
      // that run may come from anything on the machine (other labs ran alongside): a dump
      // taken while the kernel had an event pending is not compared. (One taken while the
      // emulator had one pending is: these labs no longer need that escape)
      if (linkwatchPending(e.stdout)) continue;
      compared++;
      assert.equal(err, e.stderr, `stderr of @${e.host} ${e.cmd}`);
      assert.equal(maskRandomMacs(out), maskRandomMacs(e.stdout), `stdout of @${e.host} ${e.cmd}`);
      assert.equal(code, e.exit, `exit of @${e.host} ${e.cmd}`);
    }
    assert.ok(compared > 5, `${f}: compared ${compared}, skipped ${skipped.length}`);
  });
}
