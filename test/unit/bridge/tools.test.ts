/**
 * brctl and bridge against the emulated kernel (core + veth + bridge) through a minimal
 * Syscalls: outputs and errors as bridge-utils 1.7.1 and iproute2 6.1 print them on 6.18
 * (checked with `labtool.py kernel`, MACs replaced).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Scheduler } from "../../../src/sim/scheduler.ts";
import { Rng } from "../../../src/sim/rng.ts";
import { setupNet, type Net } from "../../../src/kernel/core/net_namespace.ts";
import { devOpen, devGetByName } from "../../../src/kernel/core/dev.ts";
import { rtnetlinkFor, rtnetlinkInit } from "../../../src/kernel/core/rtnetlink.ts";
import { vethCreatePair, vethInit } from "../../../src/kernel/drivers/veth.ts";
import { brInit } from "../../../src/kernel/bridge/br.ts";
import { devinetInit } from "../../../src/kernel/ipv4/devinet.ts";
import { igmpInit } from "../../../src/kernel/ipv4/igmp.ts";
import { addrconfInit } from "../../../src/kernel/ipv6/addrconf.ts";
import { ndiscInit } from "../../../src/kernel/ipv6/ndisc.ts";
import { devAddrListsInit } from "../../../src/kernel/core/dev_addr_lists.ts";
import { brIoctlStub, brAddDelIf, brDevSiocdevprivate } from "../../../src/kernel/bridge/br_ioctl.ts";
import { createKernelFs } from "../../../src/kernel/core/procfs.ts";
import type { Syscalls, IoctlReq } from "../../../src/kernel/uapi/syscalls.ts";
import type { Process } from "../../../src/userland/process.ts";
import { brctl } from "../../../src/userland/bridge-utils/brctl.ts";
import { bridge } from "../../../src/userland/iproute2/bridge/bridge.ts";

let curSched: Scheduler | undefined;
/** let the link watch (a timer at "now") run */
function settle(): void {
  curSched!.runUntil(curSched!.now);
}

function world() {
  const sched = new Scheduler();
  curSched = sched;
  const rng = new Rng(7);
  let k = 0;
  const randomMac = () => new Uint8Array([0x02, 0, 0, 0, 0, ++k]);
  const log: string[] = [];
  const host = { world: { sched, rng, randomMac }, dmesgLog: (m: string) => log.push(m), name: "h" } as unknown as Parameters<typeof setupNet>[0];
  rtnetlinkInit();
  // the bridge joins its snooper groups through IGMP and MLD (br_multicast_join_snoopers),
  // on the in_device and inet6_dev that devinet and addrconf give a device: world.ts's order
  devinetInit();
  addrconfInit();
  igmpInit();
  ndiscInit();
  brInit();
  vethInit();
  devAddrListsInit();
  const net = setupNet(host, "");
  (host as unknown as { initNet: Net }).initNet = net;
  const sys = {
    rtnl: rtnetlinkFor(net),
    // libbridge writes the bridge's sysfs files, and falls back to the old SIOCDEVPRIVATE
    fs: createKernelFs(net),
    ioctl: (req: IoctlReq) =>
      req.request === "SIOCBRADDBR" || req.request === "SIOCBRDELBR" ? brIoctlStub(net, req)
      : req.request === "SIOCDEVPRIVATE" ? brDevSiocdevprivate(net, req) : brAddDelIf(net, req),
    now: () => sched.now,
  } as unknown as Syscalls;
  return { net, sched, sys, log };
}

async function run(sys: Syscalls, line: string): Promise<{ out: string; err: string; rc: number }> {
  let out = "";
  let err = "";
  const argv = line.split(" ");
  const p = {
    argv, env: {}, cwd: "/root", stdin: "", isatty: false, sys, signal: new AbortController().signal,
    stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) },
    spawn: async () => 127, readFile: async () => undefined, writeFile: async () => false,
  } as unknown as Process;
  const rc = await (argv[0] === "brctl" ? brctl : bridge)(p);
  return { out, err, rc };
}

test("brctl: addbr/addif/show and their errors", async () => {
  const { net, sys } = world();
  assert.deepEqual(await run(sys, "brctl addbr br1"), { out: "", err: "", rc: 0 });
  assert.deepEqual(await run(sys, "brctl addbr br1"), { out: "", err: "device br1 already exists; can't create bridge with the same name\n", rc: 1 });
  assert.deepEqual(await run(sys, "brctl show"), { out: "bridge name\tbridge id\t\tSTP enabled\tinterfaces\nbr1\t\t8000.000000000000\tno\t\t\n", err: "", rc: 0 });
  vethCreatePair(net, "veth0", net, "veth1");
  vethCreatePair(net, "veth2", net, "veth3");
  await run(sys, "brctl addbr br0");
  assert.equal((await run(sys, "brctl addif br1 veth0")).rc, 0);
  assert.equal((await run(sys, "brctl addif br0 veth0")).err, "device veth0 is already a member of a bridge; can't add it to bridge br0.\n");
  assert.equal((await run(sys, "brctl addif br9 veth0")).err, "bridge br9 does not exist!\n");
  assert.equal((await run(sys, "brctl addif br1 nosuch")).err, "interface nosuch does not exist!\n");
  assert.equal((await run(sys, "brctl addif br1 br1")).err, "device br1 is a bridge device itself; can't add a bridge device to a bridge device.\n");
  assert.equal((await run(sys, "brctl delif br1 veth2")).err, "device veth2 is not a port of br1\n");
  assert.equal((await run(sys, "brctl addif br1 veth2")).rc, 0);
  const mac = [...devGetByName(net, "veth0")!.devAddr].map((b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal((await run(sys, "brctl show br1")).out,
    `bridge name\tbridge id\t\tSTP enabled\tinterfaces\nbr1\t\t8000.${mac}\tno\t\tveth0\n\t\t\t\t\t\t\tveth2\n`);
  assert.deepEqual(await run(sys, "brctl show br9"), { out: "", err: "bridge br9 does not exist!\n", rc: 1 });
  for (const n of ["veth1", "veth0", "br1"]) devOpen(devGetByName(net, n)!);
  settle();
  settle();
  const bl = await run(sys, "bridge link");
  assert.equal(bl.out,
    "3: veth0@veth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br1 state forwarding priority 32 cost 2 \n" +
    "5: veth2@veth3: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br1 state disabled priority 32 cost 2 \n");
  const bd = await run(sys, "bridge -d link show dev veth0");
  assert.equal(bd.out,
    "3: veth0@veth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br1 state forwarding priority 32 cost 2 \n" +
    "    hairpin off guard off root_block off fastleave off learning on flood on mcast_flood on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off isolated off locked off \n");
  const bj = await run(sys, "bridge -j link");
  assert.equal(bj.out.split("\n")[0],
    '[{"ifindex":3,"link":"veth1","ifname":"veth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"master":"br1","state":"forwarding","priority":32,"cost":2},{"ifindex":5,"link":"veth3","ifname":"veth2","flags":["BROADCAST","MULTICAST","M-DOWN"],"mtu":1500,"master":"br1","state":"disabled","priority":32,"cost":2}]');
  const stp = await run(sys, "brctl showstp br1");
  assert.match(stp.out, /^br1\n bridge id\t\t8000\.[0-9a-f]{12}\n designated root\t8000\.[0-9a-f]{12}\n root port\t\t   0\t\t\tpath cost\t\t   0\n max age\t\t  20\.00\t\t\tbridge max age\t\t  20\.00\n/);
  assert.match(stp.out, /\nveth0 \(1\)\n port id\t\t8001\t\t\tstate\t\t     forwarding\n/);
  assert.match(stp.out, /\nveth2 \(2\)\n port id\t\t8002\t\t\tstate\t\t       disabled\n/);
  assert.equal((await run(sys, "brctl delbr br1")).err, "bridge br1 is still up; can't delete it\n");
  assert.equal((await run(sys, "brctl delbr br7")).err, "bridge br7 doesn't exist; can't delete it\n");
});

test("bridge fdb: show, add, del; brctl showmacs", async () => {
  const { net, sys } = world();
  await run(sys, "brctl addbr br1");
  vethCreatePair(net, "veth0", net, "veth1");
  await run(sys, "brctl addif br1 veth0");
  const m0 = [...devGetByName(net, "veth0")!.devAddr].map((b) => b.toString(16).padStart(2, "0")).join(":");
  // ipv6_add_dev() joins ff02::1 at NETDEV_REGISTER, so even a down device has 33:33:00:00:00:01
  // on its multicast list (`self permanent`)
  assert.equal((await run(sys, "bridge fdb show br br1")).out,
    `33:33:00:00:00:01 dev br1 self permanent\n${m0} dev veth0 master br1 permanent\n33:33:00:00:00:01 dev veth0 self permanent\n`);
  assert.equal((await run(sys, "bridge fdb add 02:11:22:33:44:55 dev veth0 master static")).rc, 0);
  assert.equal((await run(sys, "bridge fdb show dev veth0")).out, `02:11:22:33:44:55 master br1 static\n${m0} master br1 permanent\n33:33:00:00:00:01 self permanent\n`);
  assert.equal((await run(sys, "bridge -j fdb show br br1")).out,
    `[{"mac":"33:33:00:00:00:01","ifname":"br1","flags":["self"],"state":"permanent"},` +
    `{"mac":"02:11:22:33:44:55","ifname":"veth0","flags":[],"master":"br1","state":"static"},{"mac":"${m0}","ifname":"veth0","flags":[],"master":"br1","state":"permanent"},` +
    `{"mac":"33:33:00:00:00:01","ifname":"veth0","flags":["self"],"state":"permanent"}]\n`);
  assert.equal((await run(sys, "brctl showmacs br1")).out,
    `port no\tmac addr\t\tis local?\tageing timer\n  1\t${m0}\tyes\t\t   0.00\n  1\t02:11:22:33:44:55\tno\t\t   0.00\n`);
  assert.equal((await run(sys, "bridge fdb del 02:11:22:33:44:55 dev veth0 master")).rc, 0);
  assert.deepEqual(await run(sys, "bridge fdb del 02:11:22:33:44:55 dev veth0 master"), { out: "", err: "RTNETLINK answers: No such file or directory\n", rc: 255 });
  assert.equal((await run(sys, "bridge vlan show")).out, "port              vlan-id  \n");
  assert.equal((await run(sys, "bridge -j vlan show")).out, "[]\n");
});

test("fdb add/del semantics of rtnl_fdb_add and fdb_add_entry (6.18)", async () => {
  const { net, sys } = world();
  await run(sys, "brctl addbr br0");
  vethCreatePair(net, "veth0", net, "veth1");
  await run(sys, "brctl addif br0 veth0");
  devOpen(devGetByName(net, "br0")!); settle();
  assert.deepEqual(await run(sys, "bridge fdb add 02:11:22:33:44:55 dev br0"), { out: "", err: "", rc: 0 });
  assert.deepEqual(await run(sys, "bridge fdb add 02:11:22:33:44:56 dev br0 self"), { out: "", err: "", rc: 0 });
  assert.equal((await run(sys, "bridge fdb add 02:11:22:33:44:57 dev br0 master")).err, "RTNETLINK answers: Operation not supported\n");
  assert.equal((await run(sys, "bridge fdb add 02:11:22:33:44:58 dev veth0 master dynamic")).err, "RTNETLINK answers: Operation not permitted\n");
  assert.equal((await run(sys, "bridge fdb replace 02:11:22:33:44:58 dev veth0 master static")).rc, 0);
  assert.equal((await run(sys, "bridge fdb add 02:11:22:33:44:59 dev veth0 master sticky")).err, "RTNETLINK answers: Invalid argument\n");
  assert.equal((await run(sys, "bridge fdb del 02:11:22:33:44:99 dev veth0")).err, "RTNETLINK answers: No such file or directory\n");
  assert.deepEqual(await run(sys, "bridge fdb add zz dev veth0"), { out: "", err: "Invalid mac address zz\n", rc: 255 });
  assert.deepEqual(await run(sys, "bridge fdb add 02:11:22:33:44:59 dev nosuch"), { out: "", err: 'Cannot find device "nosuch"\n', rc: 255 });
  assert.deepEqual(await run(sys, "bridge fdb show dev nosuch"), { out: "", err: 'Cannot find device "nosuch"\n', rc: 255 });
  assert.deepEqual(await run(sys, "bridge foo"), { out: "", err: 'Object "foo" is unknown, try "bridge help".\n', rc: 255 });
  assert.deepEqual(await run(sys, "bridge fdb foo"), { out: "", err: 'Command "foo" is unknown, try "bridge fdb help".\n', rc: 255 });
  const m0 = [...devGetByName(net, "veth0")!.devAddr].map((b) => b.toString(16).padStart(2, "0")).join(":");
  const show = (await run(sys, "bridge fdb show br br0")).out.split("\n").filter((l) => !l.includes(" self ")).sort();
  assert.deepEqual(show, ["", "02:11:22:33:44:55 dev br0 master br0 permanent", "02:11:22:33:44:56 dev br0 master br0 permanent",
    "02:11:22:33:44:58 dev veth0 master br0 static", `${m0} dev veth0 master br0 permanent`].sort());
  // the snooper groups of an open bridge with mcast_snooping on
  const self = (await run(sys, "bridge fdb show dev br0")).out;
  assert.match(self, /01:00:5e:00:00:6a self permanent\n33:33:00:00:00:6a self permanent\n/);
  assert.equal((await run(sys, "bridge vlan add vid 10 dev veth0")).err, "RTNETLINK answers: Operation not supported\n");
});

test("an emptied bridge: MAC and id zero, carrier off; MTU follows ports until set", async () => {
  const { net, sys } = world();
  await run(sys, "brctl addbr br0");
  vethCreatePair(net, "veth0", net, "veth1");
  const br0 = devGetByName(net, "br0")!;
  devOpen(br0); settle();
  await run(sys, "brctl addif br0 veth0");
  assert.equal(br0.carrier, false, "a disabled port: NO-CARRIER");
  devOpen(devGetByName(net, "veth0")!); settle();
  devOpen(devGetByName(net, "veth1")!); settle();
  assert.equal(br0.carrier, true);
  await run(sys, "brctl delif br0 veth0");
  assert.equal(br0.carrier, false);
  assert.deepEqual([...br0.devAddr], [0, 0, 0, 0, 0, 0]);
  assert.equal((await run(sys, "brctl show br0")).out.split("\n")[1], "br0\t\t8000.000000000000\tno\t\t");
  assert.equal((await run(sys, "bridge fdb show br br0")).out.includes("master"), false);
});

test("bridge link set, brctl setters and their errors (6.18 + iproute2 6.1)", async () => {
  const { net, sys } = world();
  await run(sys, "brctl addbr br0");
  vethCreatePair(net, "veth0", net, "veth1");
  await run(sys, "brctl addif br0 veth0");
  assert.equal((await run(sys, "bridge link set dev veth0 hairpin on learning off cost 7 priority 5")).rc, 0);
  assert.equal((await run(sys, "bridge -d link show dev veth0")).out,
    "3: veth0@veth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority 5 cost 7 \n" +
    "    hairpin on guard off root_block off fastleave off learning off flood on mcast_flood on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off isolated off locked off \n");
  const cases: [string, string, number][] = [
    ["bridge link set dev veth0 state 3", "RTNETLINK answers: Network is down\n", 255],
    ["bridge link set dev veth0 state blocking", "RTNETLINK answers: Network is down\n", 255],
    ["bridge link set dev veth0 state foo", "Error: invalid STP port state\n", 255],
    ["bridge link set dev veth0 priority 70", "RTNETLINK answers: Numerical result out of range\n", 255],
    ["bridge link set dev veth0 cost 70000", "RTNETLINK answers: Numerical result out of range\n", 255],
    ["bridge link set dev veth1 hairpin on", "RTNETLINK answers: Operation not supported\n", 255],
    ["bridge link set dev nosuch hairpin on", 'Cannot find bridge device "nosuch"\n', 255],
    ["bridge link set hairpin on", "Device is a required argument.\n", 255],
    ["bridge link set dev veth0 hairpin maybe", 'Error: argument of "hairpin" must be one of "off", "on", not "maybe"\n', 234],
    ["bridge link set dev br0 hairpin on self", "", 0],
    ["bridge link set dev veth0 hwmode vepa", "RTNETLINK answers: Operation not supported\n", 255],
    ["bridge link foo", 'Command "foo" is unknown, try "bridge link help".\n', 255],
    ["bridge vlan add vid 5 dev br0 self", "RTNETLINK answers: Operation not supported\n", 255],
  ];
  for (const [cmd, err, rc] of cases) {
    const r = await run(sys, cmd);
    assert.deepEqual([r.err, r.rc], [err, rc], cmd);
  }
  assert.equal((await run(sys, "bridge -s vlan show")).out, "port              vlan-id\n");
  const stp = (await run(sys, "brctl showstp br0")).out;
  assert.match(stp, /\nveth0 \(1\)\n port id\t\t1401\t\t\tstate\t\t       disabled\n/);
  assert.match(stp, /\n flags\t\t\t\n hairpin mode\t\t   1\n\n$/);
  assert.equal((await run(sys, "brctl stp br0 on")).rc, 0);
  assert.equal((await run(sys, "brctl setfd br0 1")).err, "set forward delay failed: Numerical result out of range\n");
  assert.equal((await run(sys, "brctl setmaxage br0 100")).err, "set max age failed: Numerical result out of range\n");
  assert.equal((await run(sys, "brctl sethello br0 0.5")).err, "set hello timer failed: Numerical result out of range\n");
  assert.equal((await run(sys, "brctl setbridgeprio br0 4096")).rc, 0);
  assert.match((await run(sys, "brctl show")).out, /\nbr0\t\t1000\.[0-9a-f]{12}\tyes\t\tveth0\n$/);
  assert.equal((await run(sys, "brctl setageing nosuch 10")).err, "set ageing time failed: No such device\n");
  assert.equal((await run(sys, "brctl showstp nosuch")).err, "bridge nosuch does not exist!\n");
  assert.equal((await run(sys, "brctl showmacs nosuch")).err, "read of forward table failed: No such device\n");
  assert.equal((await run(sys, "brctl stp br0 maybe")).err, "expect on/off for argument\n");
  const foo = await run(sys, "brctl foo");
  assert.equal(foo.err, "never heard of command [foo]\n");
  assert.match(foo.out, /^Usage: brctl \[commands\]\ncommands:\n\taddbr     \t<bridge>\t\tadd bridge\n/);
  assert.deepEqual(await run(sys, "brctl addbr"), { out: "Incorrect number of arguments for command\nUsage: brctl addbr <bridge>\t\tadd bridge\n", err: "", rc: 1 });
});
