/**
 * Core control plane against the real kernel (6.18) transcripts of a small lab
 * (expected outputs copied from `labtool.py kernel`, lab MACs; `addrgenmode eui64` and
 * `inet6_addr_gen_mode` come from ipv6/addrconf and are stripped until it exists).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { labWorld, expectRun as expectRunNorm } from "./harness.ts";
import { isKErr } from "../../../src/kernel/uapi/errno.ts";

const strip6 = (s: string) => s.replace(/addrgenmode eui64 /g, "").replace(/"inet6_addr_gen_mode":"eui64",/g, "");

function setup() {
  const { world, h } = labWorld(["h1", "h2"], [["h1", "eth0", "h2", "eth0"]]);
  const h1 = h.h1!;
  const h2 = h.h2!;
  return { world, h1, h2, s1: h1.syscalls(h1.initNet), s2: h2.syscalls(h2.initNet) };
}

const expectRun = (sys: Parameters<typeof expectRunNorm>[0], cmd: string, code: number, out: string, err = "") =>
  expectRunNorm(sys, cmd, code, out, err, strip6);

const LO = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n" +
  "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n";
const ETH0 = "2: eth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
  "    link/ether 72:78:16:96:58:26 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n";
const VETHD = "veth numtxqueues 2 numrxqueues 2 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 \n";

test("ip -d link show of a fresh host with a cable", async () => {
  const { s1 } = setup();
  await expectRun(s1, "ip -d link show", 0,
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n" +
    "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0  allmulti 0 minmtu 0 maxmtu 0 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 \n" +
    "2: eth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 72:78:16:96:58:26 brd ff:ff:ff:ff:ff:ff link-netnsid 0 promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \n    " + VETHD);
  await expectRun(s1, "ip -j link show", 0,
    '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00"},{"ifindex":2,"link_index":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"72:78:16:96:58:26","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0}]\n');
});

test("veth pair, up, netns move, peer up", async () => {
  const { s1 } = setup();
  await expectRun(s1, "ip link add v1 type veth peer name v2", 0, "");
  await expectRun(s1, "ip -d link show v1", 0,
    "4: v1@v2: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 6a:b1:19:f7:0e:56 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \n    " + VETHD);
  await expectRun(s1, "ip link set v1 up", 0, "");
  await expectRun(s1, "ip link show", 0, LO + ETH0 +
    "3: v2@v1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 16:1a:5e:e2:0b:e0 brd ff:ff:ff:ff:ff:ff\n" +
    "4: v1@v2: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 6a:b1:19:f7:0e:56 brd ff:ff:ff:ff:ff:ff\n");
  await expectRun(s1, "ip netns add x", 0, "");
  await expectRun(s1, "ip link set v2 netns x", 0, "");
  await expectRun(s1, "ip link show", 0, LO + ETH0 +
    "4: v1@if3: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 6a:b1:19:f7:0e:56 brd ff:ff:ff:ff:ff:ff link-netns x\n");
  await expectRun(s1, "ip netns list", 0, "x (id: 1)\n");
  await expectRun(s1, "ip netns exec x ip link set v2 up", 0, "");
  await expectRun(s1, "ip link show v1", 0,
    "4: v1@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n" +
    "    link/ether 6a:b1:19:f7:0e:56 brd ff:ff:ff:ff:ff:ff link-netns x\n");
  await expectRun(s1, "ip -n x link show", 0,
    "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n" +
    "3: v2@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n" +
    "    link/ether 16:1a:5e:e2:0b:e0 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n");
  // errors, exactly as the kernel answers
  await expectRun(s1, "ip link add v1 type veth peer name v3", 2, "", "RTNETLINK answers: File exists\n");
  await expectRun(s1, "ip link add v5 type foo", 2, "", "Error: Unknown device type.\n");
  await expectRun(s1, "ip link set v1 mtu 70000", 2, "", "Error: mtu greater than device maximum.\n");
  await expectRun(s1, "ip link set v1 mtu 10", 2, "", "Error: mtu less than device minimum.\n");
  await expectRun(s1, "ip link set nosuch up", 1, "", 'Cannot find device "nosuch"\n');
  await expectRun(s1, "ip link set v1 promisc on", 0, "");
  assert.match(s1.dmesg().at(-1)!, /^\[ *\d+\.\d{6}\] v1: entered promiscuous mode$/);
  await expectRun(s1, "ip link set v1 name w1", 0, "");
  await expectRun(s1, "ip link set w1 address 02:00:00:00:00:01", 0, "");
  await expectRun(s1, "ip link set w1 txqueuelen 500 alias hello group 3", 0, "");
  await expectRun(s1, "ip -d link show w1", 0,
    "4: w1@if3: <BROADCAST,MULTICAST,PROMISC,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group 3 qlen 500\n" +
    "    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netns x promiscuity 1  allmulti 0 minmtu 68 maxmtu 65535 \n    " + VETHD +
    "    alias hello\n");
  // deleting one end deletes the other, in its namespace
  await expectRun(s1, "ip link del w1", 0, "");
  await expectRun(s1, "ip link show", 0, LO + ETH0);
  await expectRun(s1, "ip -n x link show", 0,
    "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n");
  // a peer created directly in a namespace takes that namespace's next free ifindex
  await expectRun(s1, "ip link add a1 type veth peer name a2 netns x", 0, "");
  await expectRun(s1, "ip link show a1", 0,
    "5: a1@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 3e:d7:96:50:68:da brd ff:ff:ff:ff:ff:ff link-netns x\n");
  await expectRun(s1, "ip -n x link show a2", 0,
    "2: a2@if5: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether aa:93:44:f9:6f:09 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n");
  // deleting the namespace destroys the veth with its peer
  await expectRun(s1, "ip netns del x", 0, "");
  await expectRun(s1, "ip link show", 0, LO + ETH0);
});

test("cable carrier follows both ends; operstate DOWN when the peer is down", async () => {
  const { s1, s2 } = setup();
  await expectRun(s2, "ip link set eth0 up", 0, "");
  await expectRun(s2, "ip link show eth0", 0,
    "2: eth0@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 56:63:11:8e:dd:d7 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n");
  await expectRun(s1, "ip link set eth0 up", 0, "");
  await expectRun(s1, "ip link show eth0", 0,
    "2: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n" +
    "    link/ether 72:78:16:96:58:26 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n");
  await expectRun(s2, "ip link set eth0 down", 0, "");
  await expectRun(s1, "ip link show eth0", 0,
    "2: eth0@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 72:78:16:96:58:26 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n");
});

test("error answers of link requests", async () => {
  const { s1 } = setup();
  await expectRun(s1, "ip link del lo", 2, "", "RTNETLINK answers: Operation not supported\n");
  await expectRun(s1, "ip netns add x", 0, "");
  await expectRun(s1, "ip link set lo netns x", 2, "", "Error: The interface netns is immutable.\n");
  await expectRun(s1, "ip link add v1 type veth peer name v2 mtu 9000", 0, "");
  await expectRun(s1, "ip link add name vv%d type veth peer name ww%d", 0, "");
  await expectRun(s1, "ip link show vv0", 0,
    "6: vv0@ww0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether b2:53:4d:5c:30:4f brd ff:ff:ff:ff:ff:ff\n");
  await expectRun(s1, "ip link set v1 address 01:00:00:00:00:01", 2, "", "RTNETLINK answers: Cannot assign requested address\n");
  await expectRun(s1, "ip link set v1 address 00:00:00:00:00:00", 2, "", "RTNETLINK answers: Cannot assign requested address\n");
  await expectRun(s1, "ip link set v1 mtu 67", 2, "", "Error: mtu less than device minimum.\n");
  await expectRun(s1, "ip link set v1 master v2", 2, "", "RTNETLINK answers: Operation not supported\n");
  await expectRun(s1, "ip link set v1 netns 12345", 2, "", "RTNETLINK answers: No such process\n");
  await expectRun(s1, "ip link set v1 name v2", 2, "", "RTNETLINK answers: File exists\n");
  await expectRun(s1, "ip link set dev v1 carrier on", 2, "", "RTNETLINK answers: Operation not supported\n");
  await expectRun(s1, "ip link set dev v1 protodown on", 2, "", "Error: Protodown not supported by device.\n");
  await expectRun(s1, "ip link add lo type veth", 2, "", "RTNETLINK answers: File exists\n");
  await expectRun(s1, "ip link del nosuch", 1, "", 'Cannot find device "nosuch"\n');
});

test("/sys/class/net, /proc/net/dev and /proc/sys/net/core", async () => {
  const { s1 } = setup();
  const fs = s1.fs;
  const rd = (p: string) => fs.read(p);
  assert.deepEqual(fs.readdir("/sys/class/net"), ["lo", "eth0"]);
  assert.equal(fs.readlink!("/sys/class/net/eth0"), "../../devices/virtual/net/eth0");
  assert.equal(rd("/sys/class/net/eth0/mtu"), "1500\n");
  assert.equal(rd("/sys/class/net/eth0/flags"), "0x1002\n");
  assert.equal(rd("/sys/class/net/eth0/operstate"), "down\n");
  assert.equal(rd("/sys/class/net/eth0/ifindex"), "2\n");
  assert.equal(rd("/sys/class/net/eth0/iflink"), "2\n");
  assert.equal(rd("/sys/class/net/eth0/type"), "1\n");
  assert.equal(rd("/sys/class/net/eth0/addr_assign_type"), "3\n");
  assert.equal(rd("/sys/class/net/eth0/carrier_changes"), "1\n");
  assert.equal(rd("/sys/class/net/eth0/carrier_down_count"), "1\n");
  assert.deepEqual(rd("/sys/class/net/eth0/carrier"), { errno: "EINVAL" });
  assert.equal(rd("/sys/class/net/lo/carrier"), "1\n");
  assert.equal(rd("/sys/class/net/lo/operstate"), "unknown\n");
  assert.equal(fs.readdir("/sys/class/net/eth0/statistics").toString().split(",").length, 24);
  assert.equal(rd("/proc/net/dev"),
    "Inter-|   Receive                                                |  Transmit\n" +
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n" +
    "    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n" +
    "  eth0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n");
  // sysfs writes go through dev_set_mtu / dev_change_flags
  assert.equal(fs.write("/sys/class/net/eth0/mtu", "1400\n"), undefined);
  assert.deepEqual(fs.write("/sys/class/net/eth0/mtu", "10\n"), { errno: "EINVAL" });
  assert.match(s1.dmesg().at(-1)!, /eth0: mtu less than device minimum$/);
  assert.equal(fs.write("/sys/class/net/eth0/flags", "0x1003\n"), undefined);
  assert.equal(rd("/sys/class/net/eth0/carrier"), "0\n");
  assert.equal(rd("/sys/class/net/eth0/speed"), "10000\n");
  // proc_dointvec_minmax
  assert.equal(rd("/proc/sys/net/core/somaxconn"), "4096\n");
  assert.ok(isKErr(fs.write("/proc/sys/net/core/somaxconn", "abc\n")));
  assert.equal(fs.write("/proc/sys/net/core/somaxconn", "5000"), undefined);
  assert.equal(rd("/proc/sys/net/core/somaxconn"), "5000\n");
  assert.equal(fs.write("/proc/sys/net/core/somaxconn", "  77  \n"), undefined);
  assert.equal(rd("/proc/sys/net/core/somaxconn"), "77\n");
  assert.equal(fs.write("/proc/sys/net/core/somaxconn", "1 2\n"), undefined);
  assert.equal(rd("/proc/sys/net/core/somaxconn"), "1\n");
  assert.ok(isKErr(fs.write("/proc/sys/net/core/somaxconn", "99999999999\n")));
  assert.ok(isKErr(fs.write("/proc/sys/net/core/somaxconn", "-5\n")));
  assert.deepEqual(fs.readdir("/proc/sys/net/core"), [
    "optmem_max", "rmem_default", "rmem_max", "rps_default_mask", "somaxconn", "tstamp_allow_data",
    "txrehash", "wmem_default", "wmem_max", "xfrm_acq_expires", "xfrm_aevent_etime",
    "xfrm_aevent_rseqth", "xfrm_larval_drop",
  ]);
});

test("promisc/allmulti counting and dmesg", async () => {
  const { s1 } = setup();
  await expectRun(s1, "ip link set eth0 promisc on", 0, "");
  await expectRun(s1, "ip link set eth0 allmulticast on", 0, "");
  await expectRun(s1, "ip link set eth0 up", 0, "");
  await expectRun(s1, "ip link set eth0 promisc off", 0, "");
  const tail = s1.dmesg().slice(-3).map((l) => l.replace(/^\[[ \d.]+\] /, ""));
  assert.deepEqual(tail, ["eth0: entered promiscuous mode", "eth0: entered allmulticast mode", "eth0: left promiscuous mode"]);
  await expectRun(s1, "ip link show eth0", 0,
    "2: eth0@if2: <NO-CARRIER,BROADCAST,MULTICAST,ALLMULTI,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 72:78:16:96:58:26 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n");
});

test("Syscalls objects are cached per namespace", () => {
  const { h1, s1 } = setup();
  assert.equal(h1.syscalls(h1.initNet), s1);
  assert.equal(s1.netnsAdd("a"), undefined);
  const a1 = s1.netnsEnter("a");
  const a2 = s1.netnsEnter("a");
  assert.equal(a1, a2);
  assert.ok(!isKErr(a1) && !a1.inInitNetns && a1.netnsName === "a");
  assert.deepEqual(s1.netnsAdd("a"), { errno: "EEXIST" });
});
