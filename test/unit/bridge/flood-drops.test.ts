/**
 * A bridge flood: the copies the bridge does not build (nothing would see them before
 * enqueue_to_backlog() drops them at a full backlog, or before ipv6_rcv() ends them as for a
 * group nobody joined) must count exactly as the ones it builds when something watches the way
 * (here a kfree_skb tracer, which turns both shortcuts off).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWorld } from "../../../src/index.ts";
import { registerDropTracer } from "../../../src/kernel/core/drop.ts";

const N = 400;
const script = [
  "ip link add br0 type bridge && ip link set br0 up",
  `for i in $(seq 1 ${N}); do ip link add a$i type veth peer name b$i; ip link set a$i master br0 up; ip link set b$i up; done`,
  "sleep 6",
  "cat /proc/net/dev /proc/net/snmp6 /proc/net/softnet_stat",
].join("\n");

async function counters(): Promise<string> {
  const w = createWorld({ labMacs: false });
  await w.addHost("h");
  const r = await w.exec("h", script, { timeoutSec: 600 });
  assert.equal(r.exitCode, 0, r.stderr);
  return r.stdout;
}

test("flooded copies dropped at a full backlog or by ipv6_rcv() count the same whether built or not", { timeout: 120_000 }, async () => {
  const fast = await counters();
  let traced = 0;
  let notJoined = 0;
  const off = registerDropTracer((ev) => {
    if (ev.reason === "SKB_DROP_REASON_CPU_BACKLOG") traced++;
    if (ev.where === "ip6_mc_input") notJoined++;
  });
  let slow: string;
  try {
    slow = await counters();
  } finally {
    off();
  }
  // the flood overflowed the backlog (so the shortcut had work to do) ...
  assert.ok(traced > 1000, `only ${traced} backlog drops`);
  assert.ok(notJoined > 1000, `only ${notJoined} copies to groups nobody joined`);
  // ... and every device's counters, drops included, are the same
  assert.equal(fast, slow);
  const dropped = fast.split("\n").filter((l) => /^\s*a\d+:/.test(l)).reduce((s, l) => s + Number(l.trim().split(/\s+/)[12]), 0);
  assert.equal(dropped, traced);
});
