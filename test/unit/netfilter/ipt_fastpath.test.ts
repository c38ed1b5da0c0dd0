/**
 * ipt_do_table()'s compiled fast path (flat ip_packet_match fields + address runs) must give
 * the verdicts and counters of walking every entry: random tables and packets, both ways.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import type { NetDevice } from "../../../src/kernel/core/netdevice.ts";
import { NF_INET_FORWARD, NFPROTO_IPV4, nfHook } from "../../../src/kernel/netfilter/core.ts";
import { iptSetAddrRuns, iptTables } from "../../../src/kernel/netfilter/ip_tables.ts";
import { fakeSys, makeNet, run } from "./harness.ts";

/** a tiny deterministic PRNG (the test must not use Math.random) */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function packet(proto: number, src: number[], dst: number[], sport: number, dport: number, frag: number): SkBuff {
  const total = 60;
  const skb = new SkBuff(total);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  b[o] = 0x45;
  b[o + 2] = total >> 8;
  b[o + 3] = total & 255;
  b[o + 6] = frag >> 8;
  b[o + 7] = frag & 255;
  b[o + 8] = 64;
  b[o + 9] = proto;
  src.forEach((x, i) => (b[o + 12 + i] = x));
  dst.forEach((x, i) => (b[o + 16 + i] = x));
  b[o + 20] = sport >> 8;
  b[o + 21] = sport & 255;
  b[o + 22] = dport >> 8;
  b[o + 23] = dport & 255;
  return skb;
}

const dev = (name: string) => ({ name }) as unknown as NetDevice;

function ruleset(r: () => number): string {
  const pick = <T,>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const addr = () => `10.${pick([0, 1])}.${pick([0, 1, 2, 3])}.${pick([1, 2, 3, 4, 5])}`;
  const lines = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":U1 - [0:0]", ":U2 - [0:0]"];
  // blocks of rules of one shape (a run of same-mask source or destination tests) between
  // rules of other shapes
  let shape = 0;
  let mask = 32;
  let left = 0;
  const rule = (chain: string, targets: string[]) => {
    if (left-- <= 0) {
      shape = r();
      mask = pick([32, 32, 32, 24, 16]);
      left = pick([1, 3, 8, 12, 20]);
    }
    let s = `-A ${chain}`;
    if (shape < 0.45) s += ` -s ${addr()}/${mask}`;
    else if (shape < 0.75) s += ` -d ${addr()}/${mask}`;
    else if (shape < 0.8) s += ` ! -s ${addr()}/32`;
    else if (shape < 0.85) s += ` ! -d ${addr()}/24`;
    else if (shape < 0.87) s += "";
    else s += " -f";
    if (shape < 0.45 && r() < 0.2) s += ` -d ${addr()}`;
    if (r() < 0.3) s += pick([" -p udp", " -p tcp", " ! -p udp", " -p icmp"]);
    else if (r() < 0.1) s += pick([" -p udp --dport 53", " -p tcp --sport 7"]);
    if (r() < 0.1) s += pick([" -i eth0", " -i eth+", " ! -i eth1", " -o eth1", " ! -o eth+"]);
    if (shape < 0.87 && r() < 0.05) s += pick([" -f", " ! -f"]);
    s += ` -j ${pick(targets)}`;
    lines.push(s);
  };
  for (let i = 0; i < 60; i++) rule("U2", ["RETURN", "ACCEPT", "DROP", "RETURN"]);
  for (let i = 0; i < 60; i++) rule("U1", ["RETURN", "U2", "DROP", "ACCEPT", "RETURN", "U2"]);
  for (let i = 0; i < 120; i++) rule("FORWARD", ["U1", "U2", "DROP", "ACCEPT", "U1"]);
  lines.push("-P FORWARD DROP", "COMMIT", "");
  return lines.join("\n").replace("-P FORWARD DROP\n", "").replace(":FORWARD ACCEPT", ":FORWARD DROP");
}

let runsBuilt = 0;

async function runOnce(rules: string, seed: number, runs: boolean): Promise<{ verdicts: string; counters: string }> {
  iptSetAddrRuns(runs);
  try {
    const net = makeNet();
    const sys = fakeSys(net);
    const res = await run(sys, ["iptables-restore"], rules);
    assert.equal(res.exit, 0, res.stderr);
    runsBuilt += iptTables(net).get("filter")!.info.fast.runs.length;
    const r = prng(seed);
    const pick = <T,>(a: T[]) => a[Math.floor(r() * a.length)]!;
    let verdicts = "";
    for (let n = 0; n < 400; n++) {
      const a = () => [10, pick([0, 1]), pick([0, 1, 2, 3]), pick([1, 2, 3, 4, 5])];
      const skb = packet(pick([1, 6, 17]), a(), a(), pick([7, 53, 99]), pick([7, 53, 99]), pick([0, 0, 0, 0x2000, 5]));
      let ok = false;
      nfHook(NFPROTO_IPV4, NF_INET_FORWARD, net, skb, dev(pick(["eth0", "eth1", "lo"])), dev(pick(["eth1", "eth2", "x"])), () => (ok = true));
      verdicts += ok ? "A" : "D";
    }
    const counters = (await run(sys, ["iptables-save", "-c"])).stdout;
    return { verdicts, counters };
  } finally {
    iptSetAddrRuns(true);
  }
}

test("address runs give the verdicts and counters of the entry-by-entry walk", async () => {
  let all = "";
  for (let seed = 1; seed <= 12; seed++) {
    const rules = ruleset(prng(seed * 7919));
    const slow = await runOnce(rules, seed, false);
    const fast = await runOnce(rules, seed, true);
    all += slow.verdicts;
    assert.equal(fast.verdicts, slow.verdicts, `verdicts, seed ${seed}`);
    assert.equal(fast.counters, slow.counters, `counters, seed ${seed}`);
  }
  assert.ok(runsBuilt > 12, `address runs built (${runsBuilt})`);
  const accepted = all.split("A").length - 1;
  assert.ok(accepted > all.length / 10 && accepted < all.length * 0.9, `both verdicts exercised (${accepted}/${all.length})`);
});
