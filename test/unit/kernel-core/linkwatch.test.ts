/**
 * net/core/link_watch.c on the world's clock: urgent events at once, at most one non-urgent run
 * a second (linkwatch_nextevent), rtnl_getlink()/carrier_show() syncing one device; and the
 * uapi extras (nsid, timer) and bridge details that came with it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { World } from "../../../src/kernel/world.ts";
import { devGetByName } from "../../../src/kernel/core/dev.ts";
import { USEC_PER_SEC } from "../../../src/sim/scheduler.ts";
import { run, driveWith } from "./harness.ts";

function world() {
  const w = new World({ seed: "lw" });
  driveWith(w);
  const h = w.addHost("h");
  const g = w.addHost("g");
  return { w, h, g, s: h.syscalls(h.initNet), sg: g.syscalls(g.initNet) };
}

/** operstate as the dump shows it (IFLA_OPERSTATE of a running device) */
function oper(w: World, net: Parameters<typeof devGetByName>[0], name: string): number {
  void w;
  return devGetByName(net, name)!.operstate;
}

test("a non-urgent event waits for linkwatch_nextevent, an urgent one runs at once", async () => {
  const { w, h, g, s, sg } = world();
  /* a cable: both ends carrier off, the link watch runs now (nothing ran before) */
  w.addCable("h", "eth0", "g", "eth0");
  await run(s, "ip -j link show");
  assert.equal(oper(w, h.initNet, "eth0"), 2 /* DOWN: ifindex == iflink, not LOWERLAYERDOWN */);
  /* g's eth0 up without carrier: the qdisc is attached, not activated */
  await run(sg, "ip link set eth0 up");
  w.sched.runUntil(w.sched.now + 100_000);
  /* h's eth0 up: carrier on for both; g's is urgent (qdisc_tx_changing), h's is not
   * (ifindex == iflink and its qdisc is activated in the same dev_open) */
  await run(s, "ip link set eth0 up");
  await run(s, "ip -j link show");
  assert.equal(oper(w, g.initNet, "eth0"), 6 /* UP */);
  assert.equal(oper(w, h.initNet, "eth0"), 2 /* still DOWN: waits for nextevent */);
  const dump = await run(s, "ip -j link show");
  assert.match(dump.out, /"ifname":"eth0","flags":\["NO-CARRIER","BROADCAST","MULTICAST","UP","LOWER_UP"\]/);
  w.sched.runUntil(USEC_PER_SEC + 1);
  assert.equal(oper(w, h.initNet, "eth0"), 6);
});

test("rtnl_getlink and /sys/class/net/X/carrier sync the device's pending event", async () => {
  const { w, h, g, s, sg } = world();
  w.addCable("h", "eth0", "g", "eth0");
  await run(s, "ip -j link show");
  await run(sg, "ip link set eth0 up");
  await run(s, "ip link set eth0 up");
  assert.equal(oper(w, h.initNet, "eth0"), 2);
  /* `ip link show dev eth0` asks RTM_GETLINK for one device: linkwatch_sync_dev() */
  const r = await run(s, "ip link show dev eth0");
  assert.match(r.out, /<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP/);
  assert.equal(oper(w, h.initNet, "eth0"), 6);
  void g;
});

test("veth ends in one namespace: urgent once running (ifindex != iflink)", async () => {
  const { w, h, s } = world();
  await run(s, "ip link add v1 type veth peer name v2");
  /* the creation's carrier-off events ran at once (no run in the last second) */
  await run(s, "ip -j link show");
  w.sched.runUntil(w.sched.now + 10_000);
  await run(s, "ip link add v3 type veth peer name v4");
  /* these wait: the last non-urgent run was less than a second ago */
  await run(s, "ip link set v3 up");
  const fs = s.fs;
  /* v3 is running: sysfs carrier syncs it */
  assert.equal(fs.read("/sys/class/net/v3/carrier"), "0\n");
  assert.equal(oper(w, h.initNet, "v3"), 3 /* LOWERLAYERDOWN */);
  /* v4 (down) still waits for nextevent */
  assert.equal(oper(w, h.initNet, "v4"), 0 /* UNKNOWN: never computed */);
  w.sched.runUntil(w.sched.now + USEC_PER_SEC);
  assert.equal(oper(w, h.initNet, "v4"), 3);
});

test("a bridge cannot change namespace", async () => {
  const { s } = world();
  await run(s, "ip netns add x");
  await run(s, "ip link add br0 type bridge");
  const r = await run(s, "ip link set br0 netns x");
  assert.equal(r.err, "Error: The interface netns is immutable.\n");
  assert.equal(r.code, 2);
});

test("uapi: nsid by name, ip netns set prints the kernel's extack, timer", async () => {
  const { w, s } = world();
  await run(s, "ip netns add a");
  assert.equal(s.netnsId!("a"), -1);
  assert.equal((await run(s, "ip netns set a 7")).code, 0);
  assert.equal(s.netnsId!("a"), 7);
  const r = await run(s, "ip netns set a 8");
  assert.equal(r.err, "Error: Peer netns already has a nsid assigned.\n");
  let fired = 0;
  const t = s.timer!(() => fired++, "test");
  t.mod(w.sched.now + 5);
  w.sched.runUntil(w.sched.now + 10);
  assert.equal(fired, 1);
  assert.equal(typeof s.fs.lstat, "function");
});
