/**
 * drivers/: the bytes the tunnel and virtual devices put on the wire, and their life cycle
 * (module load, fallback devices, ioctls), checked on a two-host world without the shell.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, labWorld, tools } from "../kernel-core/harness.ts";
import { iputilsCommands } from "../../../src/userland/iputils/index.ts";
import { devAddPack } from "../../../src/kernel/core/dev_path.ts";
import { devGetByName } from "../../../src/kernel/core/dev.ts";
import { ETH_P_ALL, PACKET_OUTGOING } from "../../../src/kernel/uapi/if.ts";
import type { Net } from "../../../src/kernel/core/net_namespace.ts";
import { vxlanFdbEntries } from "../../../src/kernel/drivers/vxlan.ts";

tools["ping"] = iputilsCommands["ping"]!;

/** frames sent on `dev` of `net` (the tap sees them as PACKET_OUTGOING) */
function capture(net: Net, dev: string): Uint8Array[] {
  const frames: Uint8Array[] = [];
  devAddPack(net, {
    type: ETH_P_ALL,
    dev: devGetByName(net, dev)!,
    func: (skb) => {
      if (skb.pktType !== PACKET_OUTGOING) return;
      const f = skb.buf.slice(skb.macHeader, skb.tail);
      if (((f[12]! << 8) | f[13]!) !== 0x86dd) frames.push(f);
    },
  });
  return frames;
}

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;

async function twoHosts() {
  const { world, h } = labWorld(["h1", "h2"], [["h1", "eth0", "h2", "eth0"]]);
  const s1 = h.h1!.syscalls(h.h1!.initNet);
  const s2 = h.h2!.syscalls(h.h2!.initNet);
  for (const [s, a] of [[s1, "10.0.0.1/24"], [s2, "10.0.0.2/24"]] as const) {
    assert.equal((await run(s, `ip addr add ${a} dev eth0`)).code, 0);
    assert.equal((await run(s, "ip link set eth0 up")).code, 0);
  }
  return { world, h, s1, s2 };
}

test("modprobe ipip: tunl0 in every namespace, dependencies in lsmod order", async () => {
  const { h, s1 } = await twoHosts();
  assert.equal((await run(s1, "ip netns add ns1")).code, 0);
  assert.equal(h.h1!.loadModule("ipip"), undefined);
  assert.deepEqual(h.h1!.modules.slice(0, 3).map((m) => `${m.name} ${m.usedBy.join(",")}`), ["ipip ", "tunnel4 ipip", "ip_tunnel ipip"]);
  assert.ok(devGetByName(h.h1!.initNet, "tunl0"));
  assert.ok(devGetByName(h.h1!.namedNetns.get("ns1")!, "tunl0"));
  assert.equal(devGetByName(h.h2!.initNet, "tunl0"), undefined, "another machine has not loaded it");
  assert.equal((await run(s1, "ip netns add ns2")).code, 0);
  assert.ok(devGetByName(h.h1!.namedNetns.get("ns2")!, "tunl0"), "a new namespace gets one too");
  const r = await run(s1, "ip tunnel show");
  assert.equal(r.out, "tunl0: any/ip remote any local any ttl inherit nopmtudisc\n");
});

test("ipip: the outer header on the wire and the decapsulated ping", async () => {
  const { h, s1, s2 } = await twoHosts();
  for (const [s, l, r, a, p] of [[s1, "10.0.0.1", "10.0.0.2", "192.168.50.1", "192.168.50.2"], [s2, "10.0.0.2", "10.0.0.1", "192.168.50.2", "192.168.50.1"]] as const) {
    assert.equal((await run(s, `ip tunnel add tn mode ipip remote ${r} local ${l} ttl 255`)).code, 0);
    assert.equal((await run(s, "ip link set tn up")).code, 0);
    const ra = await run(s, `ip addr add ${a} peer ${p} dev tn`);
    assert.equal(ra.code, 0, ra.err);
  }
  const wire = capture(h.h1!.initNet, "eth0");
  const r = await run(s1, "ping -c1 192.168.50.2");
  assert.equal(r.code, 0, r.out + r.err);
  const f = wire.find((x) => u16(x, 12) === 0x0800 && x[14 + 9] === 4)!;
  assert.ok(f, "an IPIP packet left eth0");
  assert.equal(f[14 + 8], 255, "outer TTL");
  assert.equal(u16(f, 14 + 6) & 0x4000, 0x4000, "DF (ttl set => pmtudisc)");
  assert.deepEqual([...f.slice(14 + 12, 14 + 20)], [10, 0, 0, 1, 10, 0, 0, 2]);
  assert.equal(f[34]! >> 4, 4, "inner IPv4");
  assert.equal(f[34 + 9], 1, "inner ICMP");
  const t2 = devGetByName(h.h2!.initNet, "tn")!;
  assert.equal(t2.stats.rx_packets, 1);
  assert.equal(t2.stats.rx_bytes, 84);
});

test("gre with a key: flags, protocol and key in the GRE header", async () => {
  const { h, s1, s2 } = await twoHosts();
  for (const [s, l, r, a] of [[s1, "10.0.0.1", "10.0.0.2", "172.16.0.1/30"], [s2, "10.0.0.2", "10.0.0.1", "172.16.0.2/30"]] as const) {
    assert.equal((await run(s, `ip tunnel add g mode gre remote ${r} local ${l} ttl 64 key 7 csum`)).code, 0);
    assert.equal((await run(s, "ip link set g up")).code, 0);
    assert.equal((await run(s, `ip addr add ${a} dev g`)).code, 0);
  }
  assert.equal(devGetByName(h.h1!.initNet, "g")!.mtu, 1468);
  const wire = capture(h.h1!.initNet, "eth0");
  assert.equal((await run(s1, "ping -c1 172.16.0.2")).code, 0);
  const f = wire.find((x) => u16(x, 12) === 0x0800 && x[14 + 9] === 47)!;
  assert.ok(f);
  assert.equal(u16(f, 34), 0xa000, "C and K bits");
  assert.equal(u16(f, 36), 0x0800);
  assert.deepEqual([...f.slice(42, 46)], [0, 0, 0, 7]);
});

test("vxlan: UDP 4789, the VNI, a valid checksum, learning on receive", async () => {
  const { h, s1, s2 } = await twoHosts();
  for (const [s, r, a] of [[s1, "10.0.0.2", "192.168.42.1/24"], [s2, "10.0.0.1", "192.168.42.2/24"]] as const) {
    assert.equal((await run(s, `ip link add vx type vxlan id 42 remote ${r} dstport 4789 dev eth0`)).code, 0);
    assert.equal((await run(s, `ip addr add ${a} dev vx`)).code, 0);
    assert.equal((await run(s, "ip link set vx up")).code, 0);
  }
  const wire = capture(h.h1!.initNet, "eth0");
  assert.equal((await run(s1, "ping -c1 192.168.42.2")).code, 0);
  const f = wire.find((x) => u16(x, 12) === 0x0800 && x[14 + 9] === 17)!;
  assert.ok(f);
  const udp = 34;
  assert.equal(u16(f, udp + 2), 4789);
  assert.ok(u16(f, udp) >= 32768 && u16(f, udp) <= 60999, "source port from the flow hash");
  assert.equal(f[udp + 8], 0x08, "I flag");
  assert.deepEqual([...f.slice(udp + 12, udp + 15)], [0, 0, 42]);
  assert.notEqual(u16(f, udp + 6), 0, "udpcsum is the default");
  const learned = vxlanFdbEntries(devGetByName(h.h2!.initNet, "vx")!).filter((e) => !e.permanent);
  assert.deepEqual(learned.map((e) => e.dst), [0x0a000001]);
});

test("vlan: the 802.1Q tag on the wire", async () => {
  const { h, s1, s2 } = await twoHosts();
  for (const [s, a] of [[s1, "192.168.10.1/24"], [s2, "192.168.10.2/24"]] as const) {
    assert.equal((await run(s, "ip link add link eth0 name eth0.10 type vlan id 10")).code, 0);
    assert.equal((await run(s, `ip addr add ${a} dev eth0.10`)).code, 0);
    assert.equal((await run(s, "ip link set eth0.10 up")).code, 0);
  }
  const wire = capture(h.h1!.initNet, "eth0");
  assert.equal((await run(s1, "ping -c1 192.168.10.2")).code, 0);
  const arp = wire.find((x) => u16(x, 12) === 0x8100 && u16(x, 16) === 0x0806);
  assert.ok(arp, "the ARP request is tagged");
  assert.equal(u16(arp!, 14) & 0xfff, 10);
  assert.ok(wire.some((x) => u16(x, 12) === 0x8100 && u16(x, 16) === 0x0800));
});

test("tun/tap: TUNSETIFF, persist, close", async () => {
  const { h, s1 } = await twoHosts();
  const r = s1.ioctl({ request: "TUNSETIFF", ifname: "", flags: 0x0002 | 0x1000 }) as Record<string, unknown>;
  assert.equal(r["ifname"], "tap0");
  assert.ok(devGetByName(h.h1!.initNet, "tap0")!.carrier, "a file is attached");
  s1.ioctl({ request: "TUNCLOSE", file: r["file"] });
  assert.equal(devGetByName(h.h1!.initNet, "tap0"), undefined, "not persistent: gone with the file");
  assert.equal((await run(s1, "ip tuntap add dev tun3 mode tun")).code, 0);
  const d = devGetByName(h.h1!.initNet, "tun3")!;
  assert.equal(d.carrier, false);
  assert.equal((await run(s1, "ip tuntap show")).out, "tun3: tun persist\n");
  assert.equal((await run(s1, "ip tuntap del dev tun3 mode tap")).err, "ioctl(TUNSETIFF): Invalid argument\n");
  assert.equal((await run(s1, "ip tuntap del dev tun3 mode tun")).code, 0);
  assert.equal(devGetByName(h.h1!.initNet, "tun3"), undefined);
});

test("8021q: autoload by `ip link add type vlan`, its dependencies, /proc/net/vlan/config", async () => {
  const { h, s1 } = await twoHosts();
  assert.equal(s1.fs.read("/proc/net/vlan/config").constructor, Object, "no /proc/net/vlan before the module");
  assert.equal((await run(s1, "ip link add link eth0 name eth0.7 type vlan id 7")).code, 0);
  assert.deepEqual(h.h1!.modules.slice(0, 3).map((m) => m.name), ["8021q", "garp", "mrp"]);
  assert.equal(s1.fs.read("/proc/net/vlan/config"),
    "VLAN Dev name\t | VLAN ID\nName-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD\neth0.7         | 7  | eth0\n");
  assert.equal((await run(s1, "ip link set eth0 down")).code, 0);
  assert.equal((await run(s1, "ip link set eth0.7 up")).err, "RTNETLINK answers: Network is down\n");
  assert.equal((await run(s1, "ip link del eth0")).code, 0);
  assert.equal(devGetByName(h.h1!.initNet, "eth0.7"), undefined, "deleted with its real device");
});
