/**
 * `ip addr` / `ip route` / `ip rule` / sysctls against transcripts of the real 6.18 kernel
 * (lab MACs; commands and outputs copied from `labtool.py kernel` runs).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { devinetInit } from "../../../src/kernel/ipv4/devinet.ts";
import { fibInit } from "../../../src/kernel/ipv4/fib.ts";
import { addrconfInit } from "../../../src/kernel/ipv6/addrconf.ts";
import { labWorld, run, expectRun } from "../kernel-core/harness.ts";

devinetInit();
fibInit();
addrconfInit();

type Sys = Parameters<typeof expectRun>[0];

/** the transcripts were taken after DAD: no "tentative" on either side */
const expect = (sys: Sys, cmd: string, code: number, out: string, err = "") =>
  expectRun(sys, cmd, code, out, err, (s) => s.replace(/ tentative/g, ""));

function setup() {
  const { world, h } = labWorld(["h"]);
  const host = h.h!;
  return { world, sys: host.syscalls(host.initNet) };
}

test("addresses: primary/secondary, peer, label, brd +, noprefixroute, errors", async () => {
  const { sys } = setup();
  await expect(sys, "ip link add v1 type veth peer name v2", 0, "");
  await expect(sys, "ip addr add 10.0.0.1/24 dev v1", 0, "");
  await expect(sys, "ip addr add 10.0.0.2/24 dev v1", 0, "");
  await expect(sys, "ip addr add 10.0.0.1/24 dev v1", 2, "", "Error: ipv4: Address already assigned.\n");
  await expect(sys, "ip addr add 10.1.0.1 peer 10.1.0.2 dev v1", 0, "");
  await expect(sys, "ip addr add 10.2.0.1/32 dev v1 label v1:foo", 0, "");
  await expect(sys, "ip addr add 10.3.0.1/24 brd + dev v1 noprefixroute", 0, "");
  await expect(sys, "ip addr del 10.9.9.9/24 dev v1", 2, "", "Error: ipv4: Address not found.\n");
  await expect(sys, "ip link set v1 up", 0, "");
  await expect(sys, "ip route show table all", 0,
    "10.0.0.0/24 dev v1 proto kernel scope link src 10.0.0.1 linkdown \n" +
    "10.1.0.2 dev v1 proto kernel scope link src 10.1.0.1 linkdown \n" +
    "local 10.0.0.1 dev v1 table local proto kernel scope host src 10.0.0.1 \n" +
    "local 10.0.0.2 dev v1 table local proto kernel scope host src 10.0.0.1 \n" +
    "broadcast 10.0.0.255 dev v1 table local proto kernel scope link src 10.0.0.1 linkdown \n" +
    "local 10.1.0.1 dev v1 table local proto kernel scope host src 10.1.0.1 \n" +
    "local 10.2.0.1 dev v1 table local proto kernel scope host src 10.2.0.1 \n" +
    "local 10.3.0.1 dev v1 table local proto kernel scope host src 10.3.0.1 \n" +
    "broadcast 10.3.0.255 dev v1 table local proto kernel scope link src 10.3.0.1 linkdown \n" +
    "local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 \n" +
    "local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \n" +
    "broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 \n" +
    "local ::1 dev lo table local proto kernel metric 0 pref medium\n");
  await expect(sys, "ip link set v2 up", 0, "");
  await expect(sys, "ip route add 10.5.0.0/16 via 10.0.0.254", 0, "");
  await expect(sys, "ip route add 10.6.0.0/16 via 10.0.0.254 dev v2", 2, "", "Error: Nexthop has invalid gateway.\n");
  await expect(sys, "ip route add 10.7.0.0/16 via 10.9.9.9", 2, "", "Error: Nexthop has invalid gateway.\n");
  await expect(sys, "ip route add 10.8.0.0/16 dev lo", 0, "");
  await expect(sys, "ip route add 10.5.0.0/16 via 10.0.0.253", 2, "", "RTNETLINK answers: File exists\n");
  await expect(sys, "ip route append 10.5.0.0/16 via 10.0.0.253", 0, "");
  await expect(sys, "ip route add blackhole 1.2.3.0/24", 0, "");
  await expect(sys, "ip route add unreachable 1.2.4.0/24 metric 5", 0, "");
  await expect(sys, "ip route add prohibit 1.2.5.0/24 table 100", 0, "");
  await expect(sys, "ip route add throw 1.2.6.0/24 table 100", 0, "");
  await expect(sys, "ip route add 10.9.0.0/16 via 10.0.0.254 mtu 1400 advmss 1300 src 10.0.0.1 proto static", 0, "");
  await expect(sys, "ip route del 10.99.0.0/16", 2, "", "RTNETLINK answers: No such process\n");
  await expect(sys, "ip route del 10.5.0.0/16 via 10.0.0.99", 2, "", "RTNETLINK answers: No such process\n");
  await expect(sys, "ip route", 0,
    "blackhole 1.2.3.0/24 \n" +
    "unreachable 1.2.4.0/24 metric 5 \n" +
    "10.0.0.0/24 dev v1 proto kernel scope link src 10.0.0.1 \n" +
    "10.1.0.2 dev v1 proto kernel scope link src 10.1.0.1 \n" +
    "10.5.0.0/16 via 10.0.0.254 dev v1 \n" +
    "10.5.0.0/16 via 10.0.0.253 dev v1 \n" +
    "10.8.0.0/16 dev lo scope link \n" +
    "10.9.0.0/16 via 10.0.0.254 dev v1 proto static src 10.0.0.1 mtu 1400 advmss 1300 \n");
  await expect(sys, "ip addr del 10.0.0.1/24 dev v1", 0, "");
  // the secondary went with its primary, and so did the route using 10.0.0.1 as src
  await expect(sys, "ip route", 0,
    "blackhole 1.2.3.0/24 \n" +
    "unreachable 1.2.4.0/24 metric 5 \n" +
    "10.1.0.2 dev v1 proto kernel scope link src 10.1.0.1 \n" +
    "10.5.0.0/16 via 10.0.0.254 dev v1 \n" +
    "10.5.0.0/16 via 10.0.0.253 dev v1 \n" +
    "10.8.0.0/16 dev lo scope link \n");
  await expect(sys, "ip link set v2 down", 0, "");
  await expect(sys, "ip route", 0,
    "blackhole 1.2.3.0/24 \n" +
    "unreachable 1.2.4.0/24 metric 5 \n" +
    "10.1.0.2 dev v1 proto kernel scope link src 10.1.0.1 linkdown \n" +
    "10.5.0.0/16 via 10.0.0.254 dev v1 linkdown \n" +
    "10.5.0.0/16 via 10.0.0.253 dev v1 linkdown \n" +
    "10.8.0.0/16 dev lo scope link \n");
  await expect(sys, "ip link set v1 down", 0, "");
  await expect(sys, "ip -4 route show table all", 0,
    "prohibit 1.2.5.0/24 table 100 \n" +
    "throw 1.2.6.0/24 table 100 \n" +
    "blackhole 1.2.3.0/24 \n" +
    "unreachable 1.2.4.0/24 metric 5 \n" +
    "10.8.0.0/16 dev lo scope link \n" +
    "local 10.1.0.1 dev v1 table local proto kernel scope host src 10.1.0.1 \n" +
    "local 10.2.0.1 dev v1 table local proto kernel scope host src 10.2.0.1 \n" +
    "local 10.3.0.1 dev v1 table local proto kernel scope host src 10.3.0.1 \n" +
    "local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 \n" +
    "local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \n" +
    "broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 \n");
});

test("promote_secondaries and rename labels", async () => {
  const { sys } = setup();
  await expect(sys, "ip link add v1 type veth peer name v2", 0, "");
  await expect(sys, "ip link set v1 up", 0, "");
  await expect(sys, "ip link set v2 up", 0, "");
  await expect(sys, "ip addr add 10.0.0.1/24 dev v1", 0, "");
  await expect(sys, "ip addr add 10.0.0.2/24 dev v1", 0, "");
  await expect(sys, "ip addr add 10.0.0.3/24 dev v1", 0, "");
  assert.equal(sys.fs.write("/proc/sys/net/ipv4/conf/v1/promote_secondaries", "1\n"), undefined);
  await expect(sys, "ip addr del 10.0.0.1/24 dev v1", 0, "");
  await expect(sys, "ip -4 route show table all", 0,
    "10.0.0.0/24 dev v1 proto kernel scope link src 10.0.0.2 \n" +
    "local 10.0.0.2 dev v1 table local proto kernel scope host src 10.0.0.2 \n" +
    "local 10.0.0.3 dev v1 table local proto kernel scope host src 10.0.0.2 \n" +
    "broadcast 10.0.0.255 dev v1 table local proto kernel scope link src 10.0.0.2 \n" +
    "local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 \n" +
    "local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \n" +
    "broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 \n");
  await expect(sys, "ip link set v1 name v1x", 0, "");
  await expect(sys, "ip -4 addr show dev v1x", 0,
    "3: v1x@v2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n" +
    "    inet 10.0.0.2/24 scope global v1x\n" +
    "       valid_lft forever preferred_lft forever\n" +
    "    inet 10.0.0.3/24 scope global secondary v1x:2\n" +
    "       valid_lft forever preferred_lft forever\n");
  await expect(sys, "ip route add 1.2.3.0/24", 2, "", "RTNETLINK answers: No such device\n");
  await expect(sys, "ip route add 1.2.4.0/24 via 10.0.0.2 onlink dev v1x", 2, "", "Error: Nexthop has invalid gateway.\n");
  await expect(sys, "ip route add 1.2.5.0/24 via 10.0.0.9 dev v1x src 9.9.9.9", 2, "", "Error: Invalid prefsrc address.\n");
  await expect(sys, "ip route del 1.2.6.0/24 table 78", 2, "", "Error: FIB table does not exist.\n");
  await expect(sys, "ip route change 1.2.7.0/24 dev v1x", 2, "", "RTNETLINK answers: No such file or directory\n");
  await expect(sys, "ip route add blackhole 1.2.9.0/24 dev v1x", 2, "", "Error: Gateway, device and multipath can not be specified for this route type.\n");
  await expect(sys, "ip link set v1x down", 0, "");
  await expect(sys, "ip route add 1.2.10.0/24 dev v1x", 2, "", "Error: Device for nexthop is not up.\n");
  await expect(sys, "ip rule add from 1.1.1.1 goto 50", 2, "", "Error: Backward goto not supported.\n");
});

test("link-local IPv6 and the sysctls", async () => {
  const { world, sys } = setup();
  await expect(sys, "ip link add v1 type veth peer name v2", 0, "");
  await expect(sys, "ip link set v1 up", 0, "");
  await expect(sys, "ip link set v2 up", 0, "");
  world.sched.runUntil(world.sched.now + 3_000_000);
  await expect(sys, "ip -6 route show table all", 0,
    "fe80::/64 dev v2 proto kernel metric 256 pref medium\n" +
    "fe80::/64 dev v1 proto kernel metric 256 pref medium\n" +
    "local ::1 dev lo table local proto kernel metric 0 pref medium\n" +
    "local fe80::500b:abff:feff:658f dev v1 table local proto kernel metric 0 pref medium\n" +
    "local fe80::8813:fcff:feba:1709 dev v2 table local proto kernel metric 0 pref medium\n" +
    "multicast ff00::/8 dev v2 table local proto kernel metric 256 pref medium\n" +
    "multicast ff00::/8 dev v1 table local proto kernel metric 256 pref medium\n");
  await expect(sys, "ip link set v2 down", 0, "");
  await expect(sys, "ip -6 route show table all", 0,
    "fe80::/64 dev v1 proto kernel metric 256 linkdown pref medium\n" +
    "local ::1 dev lo table local proto kernel metric 0 pref medium\n" +
    "local fe80::500b:abff:feff:658f dev v1 table local proto kernel metric 0 pref medium\n" +
    "multicast ff00::/8 dev v1 table local proto kernel metric 256 linkdown pref medium\n");
  assert.equal(sys.fs.read("/proc/net/if_inet6"),
    "00000000000000000000000000000001 01 80 10 80       lo\n" +
    "fe80000000000000500babfffeff658f 03 40 20 80       v1\n");
  assert.equal(sys.fs.write("/proc/sys/net/ipv6/conf/v1/disable_ipv6", "1"), undefined);
  assert.equal(sys.fs.read("/proc/net/if_inet6"), "00000000000000000000000000000001 01 80 10 80       lo\n");
  assert.equal(sys.fs.read("/proc/sys/net/ipv4/ip_forward"), "0\n");
  assert.equal(sys.fs.write("/proc/sys/net/ipv4/ip_forward", "1"), undefined);
  assert.equal(sys.fs.read("/proc/sys/net/ipv4/conf/v1/forwarding"), "1\n");
  assert.equal(sys.fs.read("/proc/sys/net/ipv4/conf/default/forwarding"), "1\n");
  assert.equal(sys.fs.read("/proc/sys/net/ipv4/conf/all/accept_redirects"), "0\n");
  assert.equal(sys.fs.read("/proc/sys/net/ipv4/conf/default/accept_source_route"), "1\n");
  assert.equal(sys.fs.read("/proc/sys/net/ipv4/conf/all/accept_source_route"), "0\n");
});

test("IPv6 addresses: add/del, duplicates, prefix routes; ip link del cleans the FIB", async () => {
  const { world, sys } = setup();
  await expect(sys, "ip link add v1 type veth peer name v2", 0, "");
  await expect(sys, "ip link set v1 up", 0, "");
  await expect(sys, "ip link set v2 up", 0, "");
  world.sched.runUntil(world.sched.now + 3_000_000);
  await expect(sys, "ip -6 addr add 2001:db8::1/64 dev v1", 0, "");
  await expect(sys, "ip -6 addr add 2001:db8::1/64 dev v1", 2, "", "Error: ipv6: address already assigned.\n");
  await expect(sys, "ip -6 addr add 2001:db8:1::1/64 dev v1 nodad", 0, "");
  await expect(sys, "ip -6 addr add fd00::5/128 dev v1", 0, "");
  world.sched.runUntil(world.sched.now + 3_000_000);
  await expect(sys, "ip -6 route show table all", 0,
    "2001:db8::/64 dev v1 proto kernel metric 256 pref medium\n" +
    "2001:db8:1::/64 dev v1 proto kernel metric 256 pref medium\n" +
    "fd00::5 dev v1 proto kernel metric 256 pref medium\n" +
    "fe80::/64 dev v2 proto kernel metric 256 pref medium\n" +
    "fe80::/64 dev v1 proto kernel metric 256 pref medium\n" +
    "local ::1 dev lo table local proto kernel metric 0 pref medium\n" +
    "local 2001:db8::1 dev v1 table local proto kernel metric 0 pref medium\n" +
    "local 2001:db8:1::1 dev v1 table local proto kernel metric 0 pref medium\n" +
    "local fd00::5 dev v1 table local proto kernel metric 0 pref medium\n" +
    "local fe80::500b:abff:feff:658f dev v1 table local proto kernel metric 0 pref medium\n" +
    "local fe80::8813:fcff:feba:1709 dev v2 table local proto kernel metric 0 pref medium\n" +
    "multicast ff00::/8 dev v2 table local proto kernel metric 256 pref medium\n" +
    "multicast ff00::/8 dev v1 table local proto kernel metric 256 pref medium\n");
  await expect(sys, "ip -6 addr del 2001:db8::7/64 dev v1", 2, "", "Error: ipv6: address not found.\n");
  await expect(sys, "ip addr add 10.0.0.1/24 dev v1", 0, "");
  await expect(sys, "ip route add 10.7.0.0/16 via 10.0.0.9", 0, "");
  await expect(sys, "ip link del v1", 0, "");
  await expect(sys, "ip route show table all", 0,
    "local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 \n" +
    "local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \n" +
    "broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 \n" +
    "local ::1 dev lo table local proto kernel metric 0 pref medium\n");
});

test("address lifetimes: deprecated after preferred_lft, removed after valid_lft", async () => {
  const { world, sys } = setup();
  await expect(sys, "ip link add v1 type veth peer name v2", 0, "");
  await expect(sys, "ip addr add 10.1.1.1/24 dev v1 valid_lft 5 preferred_lft 3", 0, "");
  world.sched.runUntil(world.sched.now + 4_000_000);
  const r = await run(sys, "ip -4 addr show dev v1");
  assert.match(r.out, /inet 10\.1\.1\.1\/24 scope global deprecated dynamic v1\n +valid_lft 1sec preferred_lft 0sec\n/);
  world.sched.runUntil(world.sched.now + 2_000_000);
  await expect(sys, "ip -4 addr show dev v1", 0, "");
});
