import { test } from "node:test";
import assert from "node:assert/strict";
import { createWorld, fromLab } from "../../../src/index.ts";

test("library API: createWorld, exec, advance, snapshot", async () => {
  const w = createWorld();
  await w.addHost("h1");
  const r = await w.exec("h1", "ip link add v1 type veth peer name v2 && ip netns add x && ip link set v2 netns x; echo rc=$?");
  assert.equal(r.stdout, "rc=0\n");
  assert.equal(r.exitCode, 0);
  const nf = await w.exec("h1", "nosuch");
  assert.equal(nf.exitCode, 127);
  const t0 = w.now;
  await w.advance(2_500_000);
  assert.equal(w.now, t0 + 2_500_000);
  const s = await w.snapshot();
  assert.deepEqual(Object.keys(s.hosts), ["h1"]);
  assert.deepEqual(s.hosts.h1!.netns, ["x"]);
  const names = (s.hosts.h1!.links as { ifname: string }[]).map((l) => l.ifname);
  assert.deepEqual(names, ["lo", "v1"]);
});

test("library API: fromLab builds hosts, switches and cables with lab MACs", async () => {
  const w = await fromLab("#% host a b\n#% switch sw\n#% link a:eth0 sw\n#% link b:eth0 sw\n");
  assert.deepEqual(w.hosts(), ["a", "b", "sw"]);
  const r = await w.exec("a", "cat /sys/class/net/eth0/address");
  // labtool: lab_mac("a", None, "eth0", 0)
  assert.equal(r.stdout, "52:a1:74:bd:72:cd\n");
  const br = await w.exec("sw", "ip -br link show master br0 | cut -d' ' -f1");
  assert.equal(br.stdout, "p1@if2\np2@if2\n");
});
