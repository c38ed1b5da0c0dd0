/**
 * Kernel behaviours pinned down by lab transcripts (6.18) that the control plane got wrong:
 * nsid numbering of a host at the peer end of cables (forward/ttl-unreach), ifla_policy's
 * IFNAMSIZ check (link/errors), random MACs of unnamed veths in lab mode (link/errors),
 * the global_use ("static") flag of `ip maddr add` on a group already joined
 * (link/maddr-refcount).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { labWorld, run } from "./harness.ts";

test("a host at the peer end of two cables numbers the namespaces as it first sees them", async () => {
  // labtool: `ip link add eth0 netns H1 type veth peer name eth0 netns R`: only the device's
  // RTM_NEWLINK allocates an nsid (in h1); r allocates when it first fills a message about
  // its end — its own eth1 cable (the device end) came first
  const { h } = labWorld(["h1", "r", "h2"], [["h1", "eth0", "r", "eth0"], ["r", "eth1", "h2", "eth0"]]);
  const r = await run(h.r!.syscalls(h.r!.initNet), "ip -j link show");
  const devs = JSON.parse(r.out) as { ifname: string; link_netnsid?: number }[];
  assert.deepEqual(devs.map((d) => [d.ifname, d.link_netnsid]), [["lo", undefined], ["eth0", 1], ["eth1", 0]]);
});

test("ip link add with a name longer than IFNAMSIZ-1: policy validation extack", async () => {
  const { h } = labWorld(["h1"]);
  const r = await run(h.h1!.syscalls(h.h1!.initNet), "ip link add averyveryverylongname0 type veth");
  assert.equal(r.err, "Error: Attribute failed policy validation.\n");
  assert.equal(r.code, 2);
});

test("lab mode: an unnamed veth pair keeps random (distinct) MACs", async () => {
  const { h } = labWorld(["h1"]);
  const s = h.h1!.syscalls(h.h1!.initNet);
  assert.equal((await run(s, "ip link add type veth")).code, 0);
  const devs = JSON.parse((await run(s, "ip -j link show")).out) as { ifname: string; address: string }[];
  const a = devs.find((d) => d.ifname === "veth0")!.address;
  const b = devs.find((d) => d.ifname === "veth1")!.address;
  assert.notEqual(a, b);
});

test("ip maddr add on a joined group: users 2 static, once", async () => {
  const { h } = labWorld(["h1"]);
  const s = h.h1!.syscalls(h.h1!.initNet);
  for (const c of ["ip link add v1 type veth peer name v2", "ip link set v2 up", "ip link set v1 up",
    "ip maddr add 33:33:00:00:00:01 dev v1", "ip maddr add 33:33:00:00:00:01 dev v1"]) {
    assert.equal((await run(s, c)).code, 0, c);
  }
  assert.match((await run(s, "ip maddr show dev v1")).out, /\tlink  33:33:00:00:00:01 users 2 static\n/);
  assert.equal((await run(s, "ip maddr del 33:33:00:00:00:01 dev v1")).code, 0);
  assert.match((await run(s, "ip maddr show dev v1")).out, /\tlink  33:33:00:00:00:01\n/);
});

test("setting ageing_time runs the bridge's fdb gc at once, up or not (gc timer armed)", async () => {
  // br_set_ageing_time(): mod_delayed_work(system_long_wq, &br->gc_work, 0) (brctl/all)
  const { h } = labWorld(["h1"]);
  const s = h.h1!.syscalls(h.h1!.initNet);
  assert.equal((await run(s, "ip link add br0 type bridge")).code, 0);
  const gc = async () =>
    (JSON.parse((await run(s, "ip -d -j link show br0")).out) as { linkinfo: { info_data: { gc_timer: number } } }[])[0]!.linkinfo.info_data.gc_timer;
  assert.equal(await gc(), 0);
  assert.equal((await run(s, "ip link set br0 type bridge ageing_time 12000")).code, 0);
  h.h1!.world.sched.runUntil(h.h1!.world.sched.now + 1000);
  const v = await gc();
  assert.ok(v > 110 && v <= 120, `gc_timer ${v}`); // seconds
});
