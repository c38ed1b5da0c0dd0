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
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("[")) continue;
    for (const d of JSON.parse(line) as { flags?: string[] }[]) {
      const f = d.flags ?? [];
      if (f.includes("UP") && f.includes("NO-CARRIER") === f.includes("LOWER_UP")) return true;
    }
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
    const { h } = labWorld(hosts, cables);
    const entries = readFileSync(new URL(f.replace(/\.lab$/, ".kernel.jsonl"), dir), "utf8").trim().split("\n")
      .map((x) => JSON.parse(x) as { host: string; cmd: string; exit: number; stdout: string; stderr: string });
    let compared = 0;
    const skipped: string[] = [];
    for (const e of entries) {
      const host = h[e.host]!;
      /* labtool's state dump after every command: `ip -j link show; ip -all netns exec …` */
      const cmds = e.cmd.replace(/ # labtool:dump$/, "").split(";").map((s) => s.trim());
      if (!cmds.every((c) => /^[a-z]+ [^|>&$']*$/.test(c) && tools[c.split(" ")[0]!])) {
        skipped.push(e.cmd);
        // keep the world in step for the commands we cannot run: none of these change links
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
      if (KNOWN[e.cmd]) continue;
      // the kernel's link watch handles a carrier change of a device whose iflink is itself up
      // to a second later (one non-urgent run per second); the emulator applies it at once
      if (linkwatchPending(e.stdout)) continue;
      compared++;
      assert.equal(err, e.stderr, `stderr of @${e.host} ${e.cmd}`);
      assert.equal(maskRandomMacs(out), maskRandomMacs(e.stdout), `stdout of @${e.host} ${e.cmd}`);
      assert.equal(code, e.exit, `exit of @${e.host} ${e.cmd}`);
    }
    assert.ok(compared > 5, `${f}: compared ${compared}, skipped ${skipped.length}`);
  });
}
