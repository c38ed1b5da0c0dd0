/**
 * ebtables: the commands of the ebtables labs whose output does not depend on traffic,
 * replayed on one namespace and compared with the real kernel's transcript (any run); and
 * ebt_do_table's verdicts on hand-made frames.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fakeSys, makeNet, run, words } from "./harness.ts";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import { nfHookEntries, NF_BR_FORWARD, NF_ACCEPT, NF_DROP, NFPROTO_BRIDGE } from "../../../src/kernel/netfilter/core.ts";

const DIR = new URL("../../labs/netfilter/", import.meta.url);

interface Entry { host: string; cmd: string; exit: number; stdout: string; stderr: string; run?: number; dump?: boolean }

/** listings after the pings count packets, and -Z fails or not on the counts: left to the lab runner */
const TRAFFIC = /--Lc|-Z/;

for (const lab of ["ebtables-basics", "ebtables-chains"]) {
  const file = new URL(`${lab}.kernel.jsonl`, DIR);
  test(`ebtables commands of ${lab} match the kernel`, { skip: !existsSync(file) }, async () => {
    const all = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Entry);
    const mine = (e: Entry) => !e.dump && !e.cmd.includes("labtool:dump") && e.host === "br" && e.cmd.startsWith("ebtables");
    const runs: Entry[][] = [];
    for (const e of all) if (mine(e)) (runs[(e.run ?? 1) - 1] ??= []).push(e);
    const first = runs[0]!;
    const sys = fakeSys(makeNet());
    for (const [i, e] of first.entries()) {
      const variants = runs.map((r) => r[i]).filter((v): v is Entry => v !== undefined && v.cmd === e.cmd);
      let res = { exit: 0, stdout: "", stderr: "" };
      for (const part of e.cmd.split(" && ")) {
        const r = await run(sys, words(part));
        res = { exit: r.exit, stdout: res.stdout + r.stdout, stderr: res.stderr + r.stderr };
        if (r.exit) break;
      }
      if (TRAFFIC.test(e.cmd)) continue;
      const ok = variants.some((v) => v.exit === res.exit && v.stdout === res.stdout && v.stderr === res.stderr);
      assert.ok(ok, `${lab}: ${e.cmd}\nwant ${e.exit} ${JSON.stringify(e.stdout)} ${JSON.stringify(e.stderr)}\ngot  ${res.exit} ${JSON.stringify(res.stdout)} ${JSON.stringify(res.stderr)}`);
    }
  });
}

/** an IPv4 frame as the bridge holds it: data past the Ethernet header */
function frame(proto: number, src: number[], saddr: number): SkBuff {
  const skb = new SkBuff(14 + 20);
  const b = skb.buf;
  const m = skb.data;
  b.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...src, proto >> 8, proto & 0xff], m);
  b[m + 14] = 0x45;
  b[m + 14 + 9] = 1;
  b.set([saddr >>> 24, (saddr >>> 16) & 255, (saddr >>> 8) & 255, saddr & 255], m + 14 + 12);
  skb.macHeader = m;
  skb.data = m + 14;
  return skb;
}

test("ebt_do_table: jumps, RETURN, CONTINUE, policies and counters", async () => {
  const net = makeNet();
  const sys = fakeSys(net);
  for (const l of [
    "ebtables -N u",
    "ebtables -A u -p IPv4 --ip-src 10.0.0.1 -j RETURN",
    "ebtables -A u -s 02:00:00:00:00:02 -j DROP",
    "ebtables -A FORWARD -p ARP -j CONTINUE",
    "ebtables -A FORWARD -j u",
    "ebtables -A FORWARD -p IPv4 --ip-src 10.0.0.1 -j DROP",
    "ebtables -P FORWARD ACCEPT",
  ]) assert.equal((await run(sys, words(l))).exit, 0, l);
  const [ops] = nfHookEntries(net, NFPROTO_BRIDGE, NF_BR_FORWARD);
  assert.ok(ops);
  const st = { hook: NF_BR_FORWARD, pf: NFPROTO_BRIDGE, in: undefined, out: undefined, net, okfn: () => {} };
  const v = (skb: SkBuff) => ops.hook(ops.priv, skb, st);
  // RETURN comes back to FORWARD, whose next rule drops
  assert.equal(v(frame(0x0800, [2, 0, 0, 0, 0, 1], 0x0a000001)), NF_DROP);
  // dropped inside the user chain
  assert.equal(v(frame(0x0800, [2, 0, 0, 0, 0, 2], 0x0a000002)), NF_DROP);
  // falls off the user chain: accepted (ebtables-nft)
  assert.equal(v(frame(0x0800, [2, 0, 0, 0, 0, 3], 0x0a000003)), NF_ACCEPT);
  const l = await run(sys, words("ebtables -L FORWARD --Lc"));
  assert.equal(l.stdout, "Bridge table: filter\n\nBridge chain: FORWARD, entries: 3, policy: ACCEPT\n" +
    "-p ARP -j CONTINUE , pcnt = 0 -- bcnt = 0\n-j u , pcnt = 3 -- bcnt = 60\n" +
    "-p IPv4 --ip-src 10.0.0.1 -j DROP , pcnt = 1 -- bcnt = 20\n");
});
