/**
 * Nexthop objects (net/ipv4/nexthop.c) under the FIB: a route through `nhid` reads the object's
 * current paths (replace, member removal), the cascades of a delete, blackhole lookups, and
 * `ip nexthop`'s group parser (add_nh_group_attr() and the word its errors print). Expected
 * outputs are the real 6.18 kernel's with iproute2 6.1 (test/labs/route/nexthop.lab).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { devinetInit } from "../../../src/kernel/ipv4/devinet.ts";
import { fibInit, fibLookup } from "../../../src/kernel/ipv4/fib.ts";
import { nexthopFindById } from "../../../src/kernel/ipv4/nexthop.ts";
import { addrconfInit } from "../../../src/kernel/ipv6/addrconf.ts";
import { isKErr } from "../../../src/kernel/uapi/errno.ts";
import { labWorld, run } from "../kernel-core/harness.ts";

devinetInit();
fibInit();
addrconfInit();

const ip4 = (s: string) => s.split(".").reduce((a, b) => ((a << 8) | Number(b)) >>> 0, 0);

async function setup() {
  const { h } = labWorld(["h"]);
  const host = h.h!;
  const sys = host.syscalls(host.initNet);
  for (const c of ["ip link add v1 type veth peer name v2", "ip link set v1 up", "ip link set v2 up", "ip addr add 10.0.0.1/24 dev v1"]) {
    await ok(sys, c);
  }
  return { net: host.initNet, sys };
}

async function ok(sys: Parameters<typeof run>[0], cmd: string): Promise<string> {
  const r = await run(sys, cmd);
  assert.equal(r.err, "", `stderr of ${cmd}`);
  assert.equal(r.code, 0, `exit of ${cmd}`);
  return r.out;
}

test("a route through a nexthop follows the object: replace, member removal, last member", async () => {
  const { net, sys } = await setup();
  await ok(sys, "ip nexthop add id 1 via 10.0.0.2 dev v1");
  await ok(sys, "ip nexthop add id 2 via 10.0.0.3 dev v1");
  await ok(sys, "ip nexthop add id 10 group 1,2/2");
  await ok(sys, "ip route add 10.7.0.0/24 nhid 1");
  await ok(sys, "ip route add 10.8.0.0/24 nhid 10");
  let r = fibLookup(net, { daddr: ip4("10.7.0.9") });
  assert.ok(!isKErr(r) && r.nhGw === ip4("10.0.0.2"));
  await ok(sys, "ip nexthop replace id 1 via 10.0.0.4 dev v1");
  r = fibLookup(net, { daddr: ip4("10.7.0.9") });
  assert.ok(!isKErr(r) && r.nhGw === ip4("10.0.0.4"));
  assert.equal(
    await ok(sys, "ip route show 10.8.0.0/24"),
    "10.8.0.0/24 nhid 10 \n\tnexthop via 10.0.0.4 dev v1 weight 2 \n\tnexthop via 10.0.0.3 dev v1 weight 1 \n",
  );
  // a member goes: the group keeps the other; the route through the member goes
  await ok(sys, "ip nexthop del id 1");
  assert.equal(await ok(sys, "ip route"), "10.0.0.0/24 dev v1 proto kernel scope link src 10.0.0.1 \n10.8.0.0/24 nhid 10 via 10.0.0.3 dev v1 \n");
  assert.equal(nexthopFindById(net, 10)?.paths.length, 1);
  // the last member goes: so does the group, and its routes
  await ok(sys, "ip nexthop del id 2");
  assert.equal(nexthopFindById(net, 10), undefined);
  assert.equal(await ok(sys, "ip route"), "10.0.0.0/24 dev v1 proto kernel scope link src 10.0.0.1 \n");
});

test("blackhole nexthops: the route shows as blackhole dev lo, a lookup is EINVAL", async () => {
  const { net, sys } = await setup();
  await ok(sys, "ip nexthop add id 4 blackhole");
  await ok(sys, "ip route add 10.9.0.0/24 nhid 4");
  assert.equal(await ok(sys, "ip route show 10.9.0.0/24"), "blackhole 10.9.0.0/24 nhid 4 dev lo \n");
  assert.deepEqual(fibLookup(net, { daddr: ip4("10.9.0.1") }), { errno: "EINVAL" });
  // a device down removes its nexthops, but not a blackhole's (lo)
  await ok(sys, "ip nexthop add id 5 dev v1");
  await ok(sys, "ip link set v1 down");
  assert.equal(await ok(sys, "ip nexthop"), "id 4 blackhole \n");
});

test("group words: the weight and the word iproute2 reports", async () => {
  const { sys } = await setup();
  await ok(sys, "ip nexthop add id 16 blackhole");
  await ok(sys, "ip nexthop add id 3 dev v1");
  await ok(sys, "ip nexthop add id 12 group 0x3,0x3");
  assert.equal(await ok(sys, "ip nexthop show id 12"), "id 12 group 3,3 \n");
  const cases: [string, string][] = [
    ["group 16/", 'Error: argument "16" is wrong: "group" value is invalid\n\n'],
    ["group /16", 'Error: argument "" is wrong: "group" value is invalid\n\n'],
    ["group 16,", 'Error: argument "" is wrong: "weight" is invalid\n\n'],
    ["group 16,2,3", 'Error: argument "2,3" is wrong: "weight" is invalid\n\n'],
    ["group 3,1/x", 'Error: argument "3" is wrong: "group" value is invalid\n\n'],
    ["group 3,257", 'Error: argument "257" is wrong: "weight" is invalid\n\n'],
  ];
  for (const [args, err] of cases) {
    const r = await run(sys, `ip nexthop add id 17 ${args}`);
    assert.equal(r.err, err, args);
    assert.equal(r.code, 255, args);
  }
  const r = await run(sys, "ip nexthop add id 17 group 16/3");
  assert.equal(r.err, "Error: Blackhole nexthop can not be used in a group with more than 1 path.\n");
  assert.equal(r.code, 2);
});
