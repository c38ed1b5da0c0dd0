/**
 * FIB longest-prefix match, route types, rules and the routes addresses imply, through the
 * emulated kernel (World + ip). Expected outputs are from the real 6.18 kernel (labtool).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { devinetInit } from "../../../src/kernel/ipv4/devinet.ts";
import { fibInit, fibLookup, fibGetTable, FibTable, fibTableLookup } from "../../../src/kernel/ipv4/fib.ts";
import { fibValidateSourceK, inetAddrType } from "../../../src/kernel/ipv4/fib_frontend.ts";
import { addrconfInit } from "../../../src/kernel/ipv6/addrconf.ts";
import { isKErr } from "../../../src/kernel/uapi/errno.ts";
import { RTN_LOCAL, RTN_BROADCAST, RTN_UNICAST } from "../../../src/kernel/uapi/rtnetlink.ts";
import { labWorld, run } from "../kernel-core/harness.ts";

devinetInit();
fibInit();
addrconfInit();

const ip4 = (s: string) => s.split(".").reduce((a, b) => ((a << 8) | Number(b)) >>> 0, 0);

function setup() {
  const { world, h } = labWorld(["h"]);
  const host = h.h!;
  const sys = host.syscalls(host.initNet);
  return { world, host, net: host.initNet, sys };
}

async function ok(sys: Parameters<typeof run>[0], cmd: string): Promise<string> {
  const r = await run(sys, cmd);
  assert.equal(r.err, "", `stderr of ${cmd}`);
  assert.equal(r.code, 0, `exit of ${cmd}`);
  return r.out;
}

async function veth(sys: Parameters<typeof run>[0]) {
  await ok(sys, "ip link add v1 type veth peer name v2");
  await ok(sys, "ip link set v1 up");
  await ok(sys, "ip link set v2 up");
}

test("longest prefix wins, then priority; reject types return their errno", async () => {
  const { net, sys } = setup();
  await veth(sys);
  await ok(sys, "ip addr add 10.0.0.1/24 dev v1");
  await ok(sys, "ip route add 10.5.0.0/16 via 10.0.0.254");
  await ok(sys, "ip route add 10.5.5.0/24 via 10.0.0.253");
  await ok(sys, "ip route add 10.5.5.0/24 via 10.0.0.252 metric 10");
  await ok(sys, "ip route add unreachable 10.6.0.0/16");
  await ok(sys, "ip route add prohibit 10.7.0.0/16");
  await ok(sys, "ip route add blackhole 10.8.0.0/16");
  const r1 = fibLookup(net, { daddr: ip4("10.5.5.9") });
  assert.ok(!isKErr(r1));
  assert.equal(r1.nhGw, ip4("10.0.0.253"));
  assert.equal(r1.prefixlen, 24);
  assert.equal(r1.prefsrc, ip4("10.0.0.1"));
  const r2 = fibLookup(net, { daddr: ip4("10.5.6.1") });
  assert.ok(!isKErr(r2) && r2.nhGw === ip4("10.0.0.254") && r2.prefixlen === 16);
  const r3 = fibLookup(net, { daddr: ip4("10.0.0.1") });
  assert.ok(!isKErr(r3) && r3.type === RTN_LOCAL && r3.table === 255);
  assert.deepEqual(fibLookup(net, { daddr: ip4("10.6.1.1") }), { errno: "EHOSTUNREACH" });
  assert.deepEqual(fibLookup(net, { daddr: ip4("10.7.1.1") }), { errno: "EACCES" });
  assert.deepEqual(fibLookup(net, { daddr: ip4("10.8.1.1") }), { errno: "EINVAL" });
  assert.deepEqual(fibLookup(net, { daddr: ip4("8.8.8.8") }), { errno: "ENETUNREACH" });
  assert.equal(inetAddrType(net, ip4("10.0.0.1")), RTN_LOCAL);
  assert.equal(inetAddrType(net, ip4("10.0.0.255")), RTN_BROADCAST);
  assert.equal(inetAddrType(net, ip4("10.0.0.7")), RTN_UNICAST);
});

test("a bare table: LPM over prefix lengths", () => {
  const tb = new FibTable(254);
  assert.ok(isKErr(fibTableLookup(tb, { daddr: 1 })));
});

test("rules: from/to/fwmark/iif select tables; unreachable/prohibit/blackhole rules", async () => {
  const { net, sys } = setup();
  await veth(sys);
  await ok(sys, "ip addr add 10.0.0.1/24 dev v1");
  await ok(sys, "ip route add default via 10.0.0.254");
  await ok(sys, "ip route add default via 10.0.0.100 table 100");
  await ok(sys, "ip rule add from 192.168.1.0/24 table 100");
  await ok(sys, "ip rule add fwmark 0x5/0xff table 100");
  const plain = fibLookup(net, { daddr: ip4("1.1.1.1") });
  assert.ok(!isKErr(plain) && plain.nhGw === ip4("10.0.0.254"));
  const bySrc = fibLookup(net, { daddr: ip4("1.1.1.1"), saddr: ip4("192.168.1.7") });
  assert.ok(!isKErr(bySrc) && bySrc.nhGw === ip4("10.0.0.100") && bySrc.table === 100);
  const byMark = fibLookup(net, { daddr: ip4("1.1.1.1"), mark: 0x105 });
  assert.ok(!isKErr(byMark) && byMark.nhGw === ip4("10.0.0.100"));
  await ok(sys, "ip rule add to 9.9.9.9 unreachable");
  await ok(sys, "ip rule add to 9.9.9.10 prohibit");
  assert.deepEqual(fibLookup(net, { daddr: ip4("9.9.9.9") }), { errno: "ENETUNREACH" });
  assert.deepEqual(fibLookup(net, { daddr: ip4("9.9.9.10") }), { errno: "EACCES" });
  assert.equal(await ok(sys, "ip rule"),
    "0:\tfrom all lookup local\n" +
    "32762:\tfrom all to 9.9.9.10 prohibit\n" +
    "32763:\tfrom all to 9.9.9.9 unreachable\n" +
    "32764:\tfrom all fwmark 0x5/0xff lookup 100\n" +
    "32765:\tfrom 192.168.1.0/24 lookup 100\n" +
    "32766:\tfrom all lookup main\n" +
    "32767:\tfrom all lookup default\n");
  const r = await run(sys, "ip rule del prio 1234");
  assert.equal(r.err, "RTNETLINK answers: No such file or directory\n");
  assert.equal(r.code, 2);
});

test("rp_filter: strict mode refuses a source routed out of another device", async () => {
  const { net, sys } = setup();
  await veth(sys);
  await ok(sys, "ip addr add 10.0.0.1/24 dev v1");
  await ok(sys, "ip addr add 10.9.0.1/24 dev v2");
  const v1 = net.devByName.get("v1")!;
  assert.equal(fibValidateSourceK(net, { src: ip4("10.0.0.7"), dst: ip4("10.0.0.1"), tos: 0, oif: 0, dev: v1 }), 0);
  // a local address as source is a martian
  assert.deepEqual(fibValidateSourceK(net, { src: ip4("10.9.0.1"), dst: ip4("10.0.0.1"), tos: 0, oif: 0, dev: v1 }), { errno: "EINVAL" });
  const w = await run(sys, "ip link set v1 mtu 1400");
  assert.equal(w.code, 0);
  sys.fs.write("/proc/sys/net/ipv4/conf/v1/rp_filter", "1\n");
  assert.deepEqual(fibValidateSourceK(net, { src: ip4("10.9.0.7"), dst: ip4("10.0.0.1"), tos: 0, oif: 0, dev: v1 }), { errno: "EXDEV" });
  assert.ok(fibGetTable(net, 254));
});
