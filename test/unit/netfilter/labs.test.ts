/**
 * Replays the netfilter labs' iptables/conntrack commands (test/labs/netfilter/*.lab) on one
 * namespace and compares exit status, stdout and stderr with the real kernel's transcripts
 * (a command matches when it equals any run). Commands whose real output counts packets the
 * lab runner's own loopback traffic produced are listed in TRAFFIC and skipped. Labs with
 * cables (traffic between hosts), several hosts or shell lists are left to the lab runner.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fakeSys, makeNet, run, words } from "./harness.ts";

const DIR = new URL("../../labs/netfilter/", import.meta.url);

/** outputs that show packets from the kernel runner's own traffic on lo */
const TRAFFIC = new Set([
  "iptables-basics:iptables-save | grep -v '^#'",
  "iptables-basics:iptables -L -v -n",
  "iptables-errors:iptables -L INPUT -v -x",
  "iptables-errors:iptables -L -v",
  "iptables-errors:iptables-save -t filter | grep -v '^#'",
]);

/** labs whose conntrack output comes from packets (iptables' DNS lookups of -s/-d names, the
 * pings of conntrack-users and connmark-shift): the replay runs no resolver and no ping, so the lab runner has
 * them */
const SENDS_PACKETS = new Set(["iptables-names", "conntrack-users", "connmark-shift", "ext-conn", "ext-pkt-traffic", "ext-state-traffic", "ext-route-traffic", "ext-tg-traffic", "ext-misc-traffic", "conntrack-acct", "conntrack-proto-opts", "conntrack-cli", "conntrack-create", "conntrack-xml", "conntrack-matrix", "conntrack-zones"]);

interface Entry { cmd: string; exit: number; stdout: string; stderr: string; run?: number }

async function runLine(sys: ReturnType<typeof fakeSys>, cmd: string): Promise<{ exit: number; stdout: string; stderr: string }> {
  let stdin = "";
  let line = cmd;
  const pm = /^printf '([^']*)' \| (.*)$/.exec(cmd);
  if (pm) {
    stdin = pm[1]!.replace(/\\n/g, "\n");
    line = pm[2]!;
  }
  let res = { exit: 0, stdout: "", stderr: "" };
  for (const part of line.split(" && ")) {
    let c = part;
    let grep = false;
    const gm = /\s*\| grep -v (['"])\^#\1$/.exec(c);
    if (gm) {
      c = c.slice(0, gm.index);
      grep = true;
    }
    const r = await run(sys, words(c), stdin);
    if (grep) r.stdout = r.stdout.split("\n").filter((l) => !l.startsWith("#")).join("\n");
    res = { exit: r.exit, stdout: res.stdout + r.stdout, stderr: res.stderr + r.stderr };
    if (r.exit) break;
  }
  return res;
}

for (const f of readdirSync(DIR).filter((n) => n.endsWith(".kernel.jsonl"))) {
  const lab = f.replace(/\.kernel\.jsonl$/, "");
  // labs with cables (packets) or several hosts (one fresh table each) need the whole world;
  // they run with the lab runner
  const text = readFileSync(new URL(`${lab}.lab`, DIR), "utf8");
  if (/^#% link /m.test(text) || /^#% host +\S+ +\S/m.test(text)) continue;
  // so do labs whose lines are shell (lists, $?): runLine() knows `&&` and a printf pipe only
  if (/^[^#].*(; |\$\?)/m.test(text)) continue;
  if (SENDS_PACKETS.has(lab)) continue;
  test(`lab ${lab}`, async () => {
    const entries: Entry[] = readFileSync(new URL(f, DIR), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const byCmd: Entry[][] = [];
    const runs = new Map<number, Entry[]>();
    for (const e of entries) {
      if (e.cmd.includes("labtool:dump")) continue;
      const r = e.run ?? 1;
      if (!runs.has(r)) runs.set(r, []);
      runs.get(r)!.push(e);
    }
    const first = [...runs.values()][0]!;
    first.forEach((_, i) => byCmd.push([...runs.values()].map((r) => r[i]!)));
    const net = makeNet();
    const sys = fakeSys(net);
    const bad: string[] = [];
    for (const alts of byCmd) {
      const cmd = alts[0]!.cmd;
      if (!/^(ip6?tables|conntrack|printf)/.test(cmd) || /^ping/.test(cmd)) continue;
      // (runLine() knows a printf pipe in front and a grep -v '^#' behind, no other pipe)
      if (/\| (?!grep -v '\^#')/.test(cmd.replace(/^printf '[^']*' \| /, ""))) continue;
      const got = await runLine(sys, cmd);
      if (TRAFFIC.has(`${lab}:${cmd}`)) continue;
      if (!alts.some((w) => w.exit === got.exit && w.stdout === got.stdout && w.stderr === got.stderr)) {
        bad.push(`${cmd}\n--- want\n${alts[0]!.stdout}${alts[0]!.stderr}(exit ${alts[0]!.exit})\n--- got\n${got.stdout}${got.stderr}(exit ${got.exit})`);
      }
    }
    assert.deepEqual(bad, []);
  });
}
