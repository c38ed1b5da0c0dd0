/**
 * Open vSwitch: the OpenFlow pieces (flow extraction, matching, VLAN edits, the ovs-ofctl
 * printers and parser), the ovsdb value rules (quoting, set/get errors) and the tools against a
 * real World (ovs-vsctl transactions, exit codes, the datapath devices, NORMAL forwarding).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { World, type Host } from "../../../src/kernel/world.ts";
import { devGetByName } from "../../../src/kernel/core/dev.ts";
import { vethCreatePair } from "../../../src/kernel/drivers/veth.ts";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import { devQueueXmit, devAddPack } from "../../../src/kernel/core/dev_path.ts";
import { flowExtract, flowMatches, vlanSet, vlanStrip, matchCovers } from "../../../src/kernel/openvswitch/ofproto.ts";
import { vswitchdOf } from "../../../src/kernel/openvswitch/vswitchd.ts";
import { actionsFormat, flowStatsFormat, matchFormat } from "../../../src/userland/ovs/ovs-ofctl.ts";
import { atomStr } from "../../../src/userland/ovs/db.ts";
import { ovsCommands } from "../../../src/userland/ovs/index.ts";
import type { Process } from "../../../src/userland/process.ts";
import { OFPP_NORMAL, OFPP_FLOOD } from "../../../src/kernel/uapi/openvswitch.ts";

/** an Ethernet frame: dst, src, optional 802.1Q vid, ethertype, payload */
function frame(dst: string, src: string, type: number, payload: number[], vid?: number): Uint8Array {
  const mac = (s: string) => s.split(":").map((h) => parseInt(h, 16));
  const b = [...mac(dst), ...mac(src)];
  if (vid !== undefined) b.push(0x81, 0x00, (vid >> 8) & 0x0f, vid & 0xff);
  b.push(type >> 8, type & 0xff, ...payload);
  return new Uint8Array(b);
}

function ipv4udp(src: number[], dst: number[], sport: number, dport: number): number[] {
  const ip = [0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, ...src, ...dst];
  return [...ip, sport >> 8, sport & 255, dport >> 8, dport & 255, 0, 8, 0, 0];
}

test("flow extraction and matching: ip/udp, vlan, arp", () => {
  const f = frame("02:00:00:00:00:02", "02:00:00:00:00:01", 0x0800, ipv4udp([10, 0, 0, 1], [10, 0, 0, 2], 1000, 53), 10);
  const k = flowExtract(f, 3);
  assert.equal(k.in_port, 3);
  assert.equal(k.dl_vlan, 10);
  assert.equal(k.dl_type, 0x0800);
  assert.equal(k.nw_proto, 17);
  assert.equal(k.tp_dst, 53);
  assert.ok(flowMatches({ dl_type: 0x0800, nw_proto: 17, tp_dst: 53, nw_src: [0x0a000000, 24] }, k));
  assert.ok(!flowMatches({ dl_type: 0x0800, nw_dst: [0x0a000003, 32] }, k));
  assert.ok(flowMatches({ dl_vlan: 10, in_port: 3 }, k));
  assert.ok(!flowMatches({ dl_vlan: 0xffff }, k), "dl_vlan=0xffff: untagged only");
  const arp = frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", 0x0806, [0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2]);
  const ka = flowExtract(arp, 1);
  assert.equal(ka.nw_proto, 1);
  assert.equal(ka.nw_dst, 0x0a000002);
  assert.ok(matchCovers({ dl_type: 0x0800 }, { dl_type: 0x0800, nw_proto: 1 }));
  assert.ok(!matchCovers({ dl_type: 0x0800, nw_proto: 1 }, { dl_type: 0x0800 }));
});

test("VLAN header push/modify/strip", () => {
  const f = frame("02:00:00:00:00:02", "02:00:00:00:00:01", 0x0800, [1, 2, 3, 4]);
  const t = vlanSet(f, 20, undefined);
  assert.equal(t.length, f.length + 4);
  assert.deepEqual([...t.subarray(12, 18)], [0x81, 0x00, 0x00, 20, 0x08, 0x00]);
  const t2 = vlanSet(t, undefined, 5);
  assert.deepEqual([...t2.subarray(14, 16)], [0xa0, 20]);
  assert.deepEqual([...vlanStrip(t2)], [...f]);
  assert.equal(vlanStrip(f), f, "untagged: unchanged");
});

test("ovs-ofctl printers follow match_format()/ofpacts_format()", () => {
  assert.equal(matchFormat({}, 0), "priority=0");
  assert.equal(matchFormat({}, 0x8000), "");
  assert.equal(matchFormat({ dl_type: 0x0800, nw_proto: 1, in_port: 1, nw_dst: [0x0a000002, 32] }, 100), "priority=100,icmp,in_port=1,nw_dst=10.0.0.2");
  assert.equal(matchFormat({ dl_type: 0x0800, nw_proto: 89 }, 0x8000), "ip,nw_proto=89");
  assert.equal(matchFormat({ dl_type: 0x0806, nw_src: [0x0a000001, 32], nw_proto: 2 }, 0x8000), "arp,arp_spa=10.0.0.1,arp_op=2");
  assert.equal(matchFormat({ dl_type: 0x88cc, dl_src: "02:00:00:00:00:01", dl_vlan: 5 }, 0x8000), "dl_vlan=5,dl_src=02:00:00:00:00:01,dl_type=0x88cc");
  assert.equal(matchFormat({ in_port: 0xfffe }, 0x8000), "in_port=LOCAL");
  assert.equal(actionsFormat([]), "drop");
  assert.equal(actionsFormat([{ type: "output", port: OFPP_NORMAL }]), "NORMAL");
  assert.equal(actionsFormat([{ type: "mod_vlan_vid", vid: 3 }, { type: "output", port: 2 }, { type: "output", port: OFPP_FLOOD }]), "mod_vlan_vid:3,output:2,FLOOD");
  assert.equal(actionsFormat([{ type: "strip_vlan" }, { type: "output", port: 0xfff8 }]), "strip_vlan,IN_PORT");
  const line = flowStatsFormat({
    table: 0, priority: 0, cookie: 0, duration: 5_123_000, idle_timeout: 0, hard_timeout: 0, n_packets: 4, n_bytes: 280,
    idle_age: 2, match: {}, actions: [{ type: "output", port: OFPP_NORMAL }],
  }, 2);
  assert.equal(line, "cookie=0x0, duration=5.123s, table=0, n_packets=4, n_bytes=280, idle_age=2, priority=0 actions=NORMAL");
  const whole = flowStatsFormat({
    table: 0, priority: 0x8000, cookie: 0x1f, duration: 7_000_000, idle_timeout: 10, hard_timeout: 0, n_packets: 0, n_bytes: 0,
    idle_age: 7, match: { in_port: 1 }, actions: [{ type: "output", port: 2 }],
  }, 7);
  assert.equal(whole, "cookie=0x1f, duration=7s, table=0, n_packets=0, n_bytes=0, idle_timeout=10, idle_age=7, in_port=1 actions=output:2");
});

test("ovsdb strings are quoted as string_needs_quotes() says", () => {
  assert.equal(atomStr("v-net-0"), "v-net-0");
  assert.equal(atomStr("3.1.0"), '"3.1.0"');
  assert.equal(atomStr("true"), '"true"');
  assert.equal(atomStr("could not open (x)"), '"could not open (x)"');
  assert.equal(atomStr("_a.b-c"), "_a.b-c");
});

interface Ran {
  code: number;
  out: string;
  err: string;
}

async function run(host: Host, line: string[]): Promise<Ran> {
  let out = "";
  let err = "";
  const sys = host.syscalls(host.initNet);
  const p: Process = {
    argv: line, env: {}, cwd: "/root", stdin: "", stdout: { write: (s) => void (out += s) }, stderr: { write: (s) => void (err += s) },
    sys, signal: new AbortController().signal, isatty: false,
    spawn: async () => 127, readFile: async () => undefined, writeFile: async () => false,
  };
  const code = await ovsCommands[line[0]!]!(p);
  return { code, out, err };
}

test("ovs-vsctl against the host's switch: devices, exit codes, NORMAL forwarding", async () => {
  const world = new World({ seed: "ovs-test" });
  const h = world.addHost("h");
  const net = h.initNet;
  assert.equal((await run(h, ["ovs-vsctl", "br-exists", "br0"])).code, 2);
  assert.deepEqual(await run(h, ["ovs-vsctl", "add-br", "br0"]), { code: 0, out: "", err: "" });
  const dp = devGetByName(net, "ovs-system")!;
  const br0 = devGetByName(net, "br0")!;
  assert.ok(dp && br0);
  assert.equal(br0.ifindex, dp.ifindex + 1, "the datapath device comes first");
  assert.equal(br0.linkOps?.kind, "openvswitch");
  assert.equal(br0.promiscuity, 1);
  assert.equal((await run(h, ["ovs-vsctl", "br-exists", "br0"])).code, 0);
  assert.deepEqual(await run(h, ["ovs-vsctl", "del-br", "br9"]), { code: 1, out: "", err: "ovs-vsctl: no bridge named br9\n" });

  assert.equal(vethCreatePair(net, "a0", net, "a1"), undefined);
  assert.equal(vethCreatePair(net, "b0", net, "b1"), undefined);
  assert.equal(vethCreatePair(net, "c0", net, "c1"), undefined);
  for (const n of ["a0", "b0", "c0"]) assert.equal((await run(h, ["ovs-vsctl", "add-port", "br0", n])).code, 0);
  const a0 = devGetByName(net, "a0")!;
  assert.equal(a0.master, dp);
  assert.equal(a0.promiscuity, 1);
  assert.equal((await run(h, ["ovs-vsctl", "list-ports", "br0"])).out, "a0\nb0\nc0\n");
  assert.equal((await run(h, ["ovs-vsctl", "get", "Interface", "c0", "ofport"])).out, "3\n");
  assert.equal((await run(h, ["ovs-vsctl", "set", "port", "c0", "tag=7"])).code, 0);

  /* bring everything up, then send a broadcast from a1 (enters at a0) and see who gets it */
  for (const n of ["a0", "a1", "b0", "b1", "c0", "c1"]) {
    const d = devGetByName(net, n)!;
    assert.equal(h.syscalls(net).ioctl({ request: "SIOCSIFFLAGS", ifname: n, flags: 0x1003 }) instanceof Object, true);
    void d;
  }
  world.sched.runUntil(world.sched.now + 2_000_000);
  const seen: string[] = [];
  for (const n of ["b1", "c1"]) {
    devAddPack(net, { type: 0x0003, dev: devGetByName(net, n)!, func: (skb: SkBuff) => void seen.push(`${n}:${skb.pktType}`) } as never);
  }
  const skb = SkBuff.from(frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", 0x88b5, new Array(46).fill(0)));
  skb.dev = devGetByName(net, "a1")!;
  devQueueXmit(skb);
  world.sched.runUntil(world.sched.now + 100_000);
  assert.ok(seen.some((s) => s.startsWith("b1:")), "flooded to b0 -> b1");
  assert.ok(!seen.some((s) => s.startsWith("c1:")), "not to the access port of VLAN 7");
  const of = vswitchdOf(h).bridgeByName("br0")!.ofproto;
  /* (the peers' own IPv6 autoconf traffic is learned too) */
  assert.ok(of.fdbShow().some((e) => e.port === 1 && e.vlan === 0 && e.mac === "02:00:00:00:00:0a"), "learned on port 1");
  assert.ok(of.fdbShow().every((e) => e.port !== 3 || e.vlan === 7), "the access port learns in its VLAN");

  assert.equal((await run(h, ["ovs-vsctl", "del-br", "br0"])).code, 0);
  assert.equal(devGetByName(net, "ovs-system"), undefined, "the datapath goes with the last bridge");
  assert.equal(a0.master, undefined);
  assert.equal(a0.promiscuity, 0);
});

test("NORMAL: trunk, native-untagged and access ports (xvlan_input/output_translate)", async () => {
  const world = new World({ seed: "ovs-vlan" });
  const h = world.addHost("h");
  const net = h.initNet;
  for (const x of ["a", "b", "c"]) assert.equal(vethCreatePair(net, `${x}0`, net, `${x}1`), undefined);
  assert.equal((await run(h, ["ovs-vsctl", "add-br", "br0"])).code, 0);
  const r = await run(h, [
    "ovs-vsctl", "add-port", "br0", "a0", "trunks=10,20", "--", "add-port", "br0", "b0", "tag=10", "vlan_mode=native-untagged",
    "--", "add-port", "br0", "c0", "tag=20",
  ]);
  assert.equal(r.code, 0, r.err);
  for (const n of ["a0", "a1", "b0", "b1", "c0", "c1"]) h.syscalls(net).ioctl({ request: "SIOCSIFFLAGS", ifname: n, flags: 0x1003 });
  world.sched.runUntil(world.sched.now + 2_000_000);
  const seen: { dev: string; vid: number | undefined }[] = [];
  for (const n of ["a1", "b1", "c1"]) {
    devAddPack(net, {
      type: 0x0003, dev: devGetByName(net, n)!,
      func: (skb: SkBuff) => {
        const b = skb.buf.subarray(skb.macHeader);
        if (b[6] !== 0x02 || b[11] !== 0x0b) return; // only our test frames
        seen.push({ dev: n, vid: b[12] === 0x81 && b[13] === 0 ? ((b[14]! << 8) | b[15]!) & 0xfff : undefined });
      },
    } as never);
  }
  const send = (ifname: string, f: Uint8Array) => {
    const skb = SkBuff.from(f);
    skb.dev = devGetByName(net, ifname)!;
    devQueueXmit(skb);
    world.sched.runUntil(world.sched.now + 100_000);
  };
  /* untagged on the native-untagged port: VLAN 10, tagged on the trunk, not to the VLAN 20 access port */
  send("b1", frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0b", 0x88b5, new Array(46).fill(0)));
  assert.deepEqual(seen.filter((s) => s.dev !== "b1"), [{ dev: "a1", vid: 10 }]);
  seen.length = 0;
  /* VLAN 20 from the trunk: untagged to the access port, tagged to the native port (it trunks all) */
  send("a1", frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:01:0b", 0x88b5, new Array(46).fill(0), 20));
  assert.deepEqual(seen.filter((s) => s.dev !== "a1").sort((x, y) => x.dev.localeCompare(y.dev)), [{ dev: "b1", vid: 20 }, { dev: "c1", vid: undefined }]);
  seen.length = 0;
  /* VLAN 10 from the trunk to the native-untagged port: sent untagged; VLAN 30 is not trunked: dropped */
  send("a1", frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:02:0b", 0x88b5, new Array(46).fill(0), 10));
  send("a1", frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:03:0b", 0x88b5, new Array(46).fill(0), 30));
  assert.deepEqual(seen.filter((s) => s.dev !== "a1"), [{ dev: "b1", vid: undefined }]);
});
