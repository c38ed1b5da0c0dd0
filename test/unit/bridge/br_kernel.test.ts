/**
 * The bridge kernel part on core's dev.ts and the veth driver, with a stand-in host (a
 * scheduler, an rng and a dmesg ring): ports, states and their dmesg lines, MAC/bridge id,
 * learning and forwarding, fdb dump, ageing, AF_BRIDGE link dump, ioctls.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Scheduler } from "../../../src/sim/scheduler.ts";
import { Rng } from "../../../src/sim/rng.ts";
import { setupNet, type Net } from "../../../src/kernel/core/net_namespace.ts";
import { devOpen, devGetByName } from "../../../src/kernel/core/dev.ts";
import { vethCreatePair, vethInit } from "../../../src/kernel/drivers/veth.ts";
import { brInit } from "../../../src/kernel/bridge/br.ts";
import { brAddBridge, brAddIf, brDelIf } from "../../../src/kernel/bridge/br_if.ts";
import { brFromDev, brPortGet, BR_STATE_FORWARDING, BR_STATE_DISABLED } from "../../../src/kernel/bridge/br_private.ts";
import { brChangelink, brFdbDump, brGetlinkDump, brFillInfo } from "../../../src/kernel/bridge/br_netlink.ts";
import { brIoctlStub, brAddDelIf } from "../../../src/kernel/bridge/br_ioctl.ts";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import { devAddProtocol, devQueueXmit } from "../../../src/kernel/core/dev_path.ts";
import { AF_BRIDGE } from "../../../src/kernel/uapi/rtnetlink.ts";

let curSched: Scheduler | undefined;
/** let the link watch (a timer at "now") run */
function settle(): void {
  curSched!.runUntil(curSched!.now);
}

function world(): { net: Net; sched: Scheduler; log: string[] } {
  const sched = new Scheduler();
  curSched = sched;
  const log: string[] = [];
  const rng = new Rng(7);
  const randomMac = () => {
    const a = rng.bytes(6);
    a[0] = (a[0]! & 0xfe) | 0x02;
    return a;
  };
  const host = { world: { sched, rng, randomMac }, dmesgLog: (m: string) => log.push(m), name: "h" } as unknown as Parameters<typeof setupNet>[0];
  const net = setupNet(host, "");
  (host as unknown as { initNet: Net }).initNet = net;
  brInit();
  vethInit();
  return { net, sched, log };
}

function dev(net: Net, name: string) {
  const d = devGetByName(net, name);
  assert.ok(d, name);
  return d;
}

test("ports: numbering, dmesg, states, bridge MAC and id", () => {
  const { net, log } = world();
  assert.equal(brAddBridge(net, "br1"), undefined);
  assert.equal(vethCreatePair(net, "veth0", net, "veth1"), undefined);
  assert.equal(vethCreatePair(net, "veth2", net, "veth3"), undefined);
  const br = brFromDev(dev(net, "br1"))!;
  assert.equal(br.bridgeId.addr.every((b) => b === 0), true, "no ports: bridge id 0");
  log.length = 0;
  assert.equal(brAddIf(br, dev(net, "veth0")), undefined);
  assert.deepEqual(log, [
    "br1: port 1(veth0) entered blocking state",
    "br1: port 1(veth0) entered disabled state",
    "veth0: entered allmulticast mode",
    "veth0: entered promiscuous mode",
  ]);
  assert.deepEqual([...br.dev.devAddr], [...dev(net, "veth0").devAddr]);
  assert.equal(brAddIf(br, dev(net, "veth0"))?.errno, "EBUSY");
  assert.equal(brAddIf(br, br.dev)?.errno, "ELOOP");
  assert.equal(brAddIf(br, dev(net, "veth2")), undefined);
  assert.equal(brPortGet(dev(net, "veth2"))!.portNo, 2);
  log.length = 0;
  devOpen(dev(net, "veth1")); settle();
  devOpen(dev(net, "veth0")); settle();
  devOpen(br.dev); settle();
  assert.deepEqual(log.filter((l) => l.startsWith("br1")), [
    "br1: port 1(veth0) entered blocking state",
    "br1: port 1(veth0) entered forwarding state",
  ]);
  assert.equal(brPortGet(dev(net, "veth0"))!.state, BR_STATE_FORWARDING);
  assert.equal(brPortGet(dev(net, "veth2"))!.state, BR_STATE_DISABLED);
  const info = brFillInfo(br.dev)!;
  assert.equal(info.IFLA_BR_FORWARD_DELAY, 1500);
  assert.equal(info.IFLA_BR_AGEING_TIME, 30000);
  const links = brGetlinkDump(net, { type: "RTM_GETLINK", flags: {}, ifi: { family: AF_BRIDGE, type: 0, index: 0, flags: 0, change: 0 }, attrs: {} });
  assert.deepEqual(links.map((l) => ("attrs" in l && "IFLA_IFNAME" in l.attrs ? l.attrs.IFLA_IFNAME : "")), ["veth0", "veth2"]);
  log.length = 0;
  assert.equal(brDelIf(br, dev(net, "veth2")), undefined);
  assert.deepEqual(log, ["veth2: left allmulticast mode", "veth2: left promiscuous mode", "br1: port 2(veth2) entered disabled state"]);
});

test("learning, forwarding and the fdb dump", () => {
  const { net, sched } = world();
  brAddBridge(net, "br0");
  vethCreatePair(net, "a0", net, "a1");
  vethCreatePair(net, "b0", net, "b1");
  const br = brFromDev(dev(net, "br0"))!;
  brAddIf(br, dev(net, "a0"));
  brAddIf(br, dev(net, "b0"));
  for (const n of ["a0", "a1", "b0", "b1", "br0"]) devOpen(dev(net, n));
  settle();
  settle();
  sched.runUntil(sched.now + 1000);
  // a frame from a1 (behind port a0) to broadcast: learnt on a0, flooded to b0 -> b1
  const src = new Uint8Array([0x02, 0, 0, 0, 0, 0xaa]);
  const frame = new Uint8Array(60);
  frame.set([255, 255, 255, 255, 255, 255], 0);
  frame.set(src, 6);
  frame.set([0x08, 0x06], 12);
  const skb = SkBuff.from(frame);
  skb.dev = dev(net, "a1");
  const b1rx = dev(net, "b1").stats.rx_packets;
  devQueueXmit(skb);
  sched.runUntil(sched.now + 1000);
  assert.equal(dev(net, "b1").stats.rx_packets, b1rx + 1, "flooded to b1");
  const fdb = brFdbDump(net, { type: "RTM_GETNEIGH", flags: {}, ndm: { family: AF_BRIDGE, ifindex: 0, state: 0, flags: 0, type: 0 }, attrs: {} });
  const learnt = fdb.find((m) => "ndm" in m && m.attrs.NDA_LLADDR?.[5] === 0xaa);
  assert.ok(learnt && "ndm" in learnt);
  assert.equal(learnt.ndm.ifindex, dev(net, "a0").ifindex);
  // ageing: gone after 300 s
  sched.runUntil(sched.now + 301_000_000);
  assert.equal([...br.fdb.values()].some((f) => f.addr[5] === 0xaa), false);
  assert.equal(br.gcTimer.pending, true);
});

test("ioctls: SIOCBRADDBR/DELBR/ADDIF/DELIF errors", () => {
  const { net } = world();
  assert.deepEqual(brIoctlStub(net, { request: "SIOCBRADDBR", ifname: "br1" }), {});
  assert.equal((brIoctlStub(net, { request: "SIOCBRADDBR", ifname: "br1" }) as { errno: string }).errno, "EEXIST");
  vethCreatePair(net, "v0", net, "v1");
  const idx = dev(net, "v0").ifindex;
  assert.deepEqual(brAddDelIf(net, { request: "SIOCBRADDIF", ifname: "br1", ifindex: idx }), {});
  assert.equal((brAddDelIf(net, { request: "SIOCBRDELIF", ifname: "br1", ifindex: dev(net, "v1").ifindex }) as { errno: string }).errno, "EINVAL");
  devOpen(dev(net, "br1")); settle();
  assert.equal((brIoctlStub(net, { request: "SIOCBRDELBR", ifname: "br1" }) as { errno: string }).errno, "EBUSY");
  assert.equal((brIoctlStub(net, { request: "SIOCBRDELBR", ifname: "nope" }) as { errno: string }).errno, "ENXIO");
});

test("kernel STP: listening, learning, forwarding one forward_delay apart; topology change", () => {
  const { net, sched, log } = world();
  brAddBridge(net, "br2");
  const br = brFromDev(dev(net, "br2"))!;
  devOpen(br.dev); settle();
  brChangelink(br.dev, { IFLA_BR_STP_STATE: 1, IFLA_BR_FORWARD_DELAY: 400 });
  vethCreatePair(net, "v5", net, "v6");
  brAddIf(br, dev(net, "v5"));
  log.length = 0;
  devOpen(dev(net, "v5")); settle();
  devOpen(dev(net, "v6")); settle();
  const st = () => brPortGet(dev(net, "v5"))!.state;
  assert.equal(st(), 1);
  sched.runUntil(sched.now + 3_990_000);
  assert.equal(st(), 1);
  sched.runUntil(sched.now + 20_000);
  assert.equal(st(), 2);
  sched.runUntil(sched.now + 4_000_000);
  assert.equal(st(), 3);
  assert.deepEqual(log.filter((l) => l.startsWith("br2")), [
    "br2: port 1(v5) entered blocking state",
    "br2: port 1(v5) entered listening state",
    "br2: port 1(v5) entered learning state",
    "br2: port 1(v5) entered forwarding state",
    "br2: topology change detected, propagating",
  ]);
  assert.equal(br.topologyChange, 1);
  // forward_delay clamped to 2 s when STP starts with a smaller one
  brChangelink(br.dev, { IFLA_BR_STP_STATE: 0 });
  brChangelink(br.dev, { IFLA_BR_FORWARD_DELAY: 100 });
  brChangelink(br.dev, { IFLA_BR_STP_STATE: 1 });
  assert.equal(brFillInfo(br.dev)!.IFLA_BR_FORWARD_DELAY, 200);
});

test("data path: unicast via the fdb, flooding of unknown unicast, local delivery up the bridge", () => {
  const { net, sched } = world();
  brAddBridge(net, "br0");
  vethCreatePair(net, "a0", net, "a1");
  vethCreatePair(net, "b0", net, "b1");
  vethCreatePair(net, "c0", net, "c1");
  const br = brFromDev(dev(net, "br0"))!;
  for (const n of ["a0", "b0", "c0"]) brAddIf(br, dev(net, n));
  for (const n of ["a0", "a1", "b0", "b1", "c0", "c1", "br0"]) devOpen(dev(net, n));
  settle();
  const got: { dev: string; bytes: number[] }[] = [];
  devAddProtocol(0x88b5, (skb, d) => {
    got.push({ dev: d.name, bytes: [...skb.buf.subarray(skb.macHeader, skb.tail)] });
  });
  const send = (from: string, dst: Uint8Array) => {
    const f = new Uint8Array(60);
    f.set(dst, 0);
    f.set(dev(net, from).devAddr, 6);
    f.set([0x88, 0xb5], 12);
    f.set([1, 2, 3, 4], 14);
    const skb = SkBuff.from(f);
    skb.dev = dev(net, from);
    devQueueXmit(skb);
    sched.runUntil(sched.now + 1000);
    return [...f];
  };
  // b1 is unknown: flooded to b1 and c1 (not back to a1), not up the bridge
  got.length = 0;
  const f1 = send("a1", dev(net, "b1").devAddr);
  assert.deepEqual(got.map((g) => g.dev).sort(), ["b1", "c1"]);
  assert.deepEqual(got.find((g) => g.dev === "b1")!.bytes, f1, "the same bytes arrive");
  // b1 answers: a1 is known now, only a1 gets it
  got.length = 0;
  send("b1", dev(net, "a1").devAddr);
  assert.deepEqual(got.map((g) => g.dev), ["a1"]);
  // and now a1 -> b1 goes only to b1
  got.length = 0;
  send("a1", dev(net, "b1").devAddr);
  assert.deepEqual(got.map((g) => g.dev), ["b1"]);
  // to the bridge's MAC: up the bridge device
  got.length = 0;
  const rx = br.dev.stats.rx_packets;
  send("c1", br.dev.devAddr);
  assert.deepEqual(got.map((g) => g.dev), ["br0"]);
  assert.equal(br.dev.stats.rx_packets, rx + 1);
  // broadcast: flooded and received locally
  got.length = 0;
  send("c1", new Uint8Array([255, 255, 255, 255, 255, 255]));
  assert.deepEqual(got.map((g) => g.dev).sort(), ["a1", "b1", "br0"]);
  // sent by the bridge device itself to a known MAC
  got.length = 0;
  const f = new Uint8Array(60);
  f.set(dev(net, "a1").devAddr, 0);
  f.set(br.dev.devAddr, 6);
  f.set([0x88, 0xb5], 12);
  const skb = SkBuff.from(f);
  skb.dev = br.dev;
  devQueueXmit(skb);
  sched.runUntil(sched.now + 1000);
  assert.deepEqual(got.map((g) => g.dev), ["a1"]);
  assert.equal(br.dev.stats.tx_packets, 1);
});

test("kernel STP between two bridges in a loop: one root, one blocked port", () => {
  const { net, sched, log } = world();
  brAddBridge(net, "br0");
  brAddBridge(net, "br1");
  vethCreatePair(net, "x0", net, "x1");
  vethCreatePair(net, "y0", net, "y1");
  const b0 = brFromDev(dev(net, "br0"))!;
  const b1 = brFromDev(dev(net, "br1"))!;
  brAddIf(b0, dev(net, "x0"));
  brAddIf(b0, dev(net, "y0"));
  brAddIf(b1, dev(net, "x1"));
  brAddIf(b1, dev(net, "y1"));
  brChangelink(b0.dev, { IFLA_BR_STP_STATE: 1 });
  brChangelink(b1.dev, { IFLA_BR_STP_STATE: 1 });
  for (const n of ["x0", "x1", "y0", "y1", "br0", "br1"]) devOpen(dev(net, n));
  settle();
  log.length = 0;
  sched.runUntil(sched.now + 60_000_000);
  const [root, other] = b0.bridgeId.prio === b1.bridgeId.prio && [...b0.bridgeId.addr].join() < [...b1.bridgeId.addr].join() ? [b0, b1] : [b1, b0];
  const ids = (b: typeof b0) => `${b.designatedRoot.prio}/${[...b.designatedRoot.addr].join(":")}`;
  assert.equal(ids(root), ids(other), "both agree on the root");
  assert.deepEqual(root.ports.map((p) => p.state), [BR_STATE_FORWARDING, BR_STATE_FORWARDING]);
  assert.equal(other.rootPort, 1);
  assert.deepEqual(other.ports.map((p) => p.state), [BR_STATE_FORWARDING, 4 /* blocking */]);
  assert.ok(log.some((l) => l.includes("entered blocking state")));
});
