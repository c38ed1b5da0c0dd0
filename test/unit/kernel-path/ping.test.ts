/**
 * The IPv4 packet path end to end: hosts joined by cables (veth), the real `ping` (iputils
 * port) over raw ICMP sockets, ARP resolution, forwarding through a router, TTL exceeded,
 * frag needed, `ip route get`, `ip neigh`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { inetInit } from "../../../src/kernel/ipv4/af_inet.ts";
import { labWorld, run, tools } from "../kernel-core/harness.ts";
import { iputilsCommands } from "../../../src/userland/iputils/index.ts";

inetInit();
Object.assign(tools, iputilsCommands);

type Sys = Parameters<typeof run>[0];

async function sh(sys: Sys, ...lines: string[]): Promise<void> {
  for (const l of lines) {
    const r = await run(sys, l);
    assert.equal(r.err, "", `stderr of ${l}`);
    assert.equal(r.code, 0, `exit of ${l}`);
  }
}

test("ping across a cable: ARP, echo, reply", async () => {
  const { world, h } = labWorld(["a", "b"], [["a", "eth0", "b", "eth0"]]);
  const a = h.a!.syscalls(h.a!.initNet);
  const b = h.b!.syscalls(h.b!.initNet);
  await sh(a, "ip addr add 10.0.0.1/24 dev eth0", "ip link set eth0 up");
  await sh(b, "ip addr add 10.0.0.2/24 dev eth0", "ip link set eth0 up");
  const r = await run(a, "ping -c 2 -i 0.2 10.0.0.2");
  assert.equal(r.err, "");
  assert.match(r.out, /^PING 10\.0\.0\.2 \(10\.0\.0\.2\) 56\(84\) bytes of data\.\n64 bytes from 10\.0\.0\.2: icmp_seq=1 ttl=64 time=/);
  assert.match(r.out, /2 packets transmitted, 2 received, 0% packet loss/);
  assert.equal(r.code, 0);
  const n = await run(a, "ip neigh show");
  assert.match(n.out, /^10\.0\.0\.2 dev eth0 lladdr [0-9a-f:]{17} REACHABLE \n$/);
  void world;
});

test("ping an unanswered address: Destination Host Unreachable after ARP fails", async () => {
  const { h } = labWorld(["a", "b"], [["a", "eth0", "b", "eth0"]]);
  const a = h.a!.syscalls(h.a!.initNet);
  const b = h.b!.syscalls(h.b!.initNet);
  await sh(a, "ip addr add 10.0.0.1/24 dev eth0", "ip link set eth0 up");
  await sh(b, "ip link set eth0 up");
  const r = await run(a, "ping -c 1 -W 5 10.0.0.9");
  assert.match(r.out, /From 10\.0\.0\.1 icmp_seq=1 Destination Host Unreachable/);
  assert.equal(r.code, 1);
  const n = await run(a, "ip neigh show");
  assert.equal(n.out, "10.0.0.9 dev eth0 FAILED \n");
});

test("routing: forwarding through a router, TTL exceeded, frag needed, ip route get", async () => {
  const { h } = labWorld(["a", "r", "b"], [["a", "eth0", "r", "eth0"], ["r", "eth1", "b", "eth0"]]);
  const a = h.a!.syscalls(h.a!.initNet);
  const r = h.r!.syscalls(h.r!.initNet);
  const b = h.b!.syscalls(h.b!.initNet);
  await sh(a, "ip addr add 10.0.1.2/24 dev eth0", "ip link set eth0 up", "ip route add default via 10.0.1.1");
  await sh(r, "ip addr add 10.0.1.1/24 dev eth0", "ip link set eth0 up", "ip addr add 10.0.2.1/24 dev eth1", "ip link set eth1 up");
  await sh(b, "ip addr add 10.0.2.2/24 dev eth0", "ip link set eth0 up", "ip route add default via 10.0.2.1");
  // no forwarding yet: the router drops (no ICMP)
  let p = await run(a, "ping -c 1 -W 1 10.0.2.2");
  assert.match(p.out, /1 packets transmitted, 0 received, 100% packet loss/);
  assert.equal(r.fs.write("/proc/sys/net/ipv4/ip_forward", "1\n"), undefined);
  p = await run(a, "ping -c 2 -i 0.2 10.0.2.2");
  assert.match(p.out, /64 bytes from 10\.0\.2\.2: icmp_seq=1 ttl=63 /);
  assert.match(p.out, /2 packets transmitted, 2 received/);
  p = await run(a, "ping -c 1 -t 1 10.0.2.2");
  assert.match(p.out, /From 10\.0\.1\.1 icmp_seq=1 Time to live exceeded/);
  await sh(r, "ip link set eth1 mtu 1400");
  p = await run(a, "ping -c 1 -s 1400 -M do 10.0.2.2");
  assert.match(p.out, /From 10\.0\.1\.1 icmp_seq=1 Frag needed and DF set \(mtu = 1400\)/);
  const g = await run(a, "ip route get 10.0.2.2");
  assert.match(g.out, /^10\.0\.2\.2 via 10\.0\.1\.1 dev eth0 src 10\.0\.1\.2 uid 0 \n    cache expires \d+sec mtu 1400 \n$/);
  p = await run(a, "ping -c 1 -s 1400 -M do 10.0.2.2");
  assert.match(p.err + p.out, /local error: message too long, mtu=1400/);
  // the 1500-byte fragments of b's reply do not fit r's eth1 (veth drops frames over the MTU)
  p = await run(a, "ping -c 1 -s 2000 10.0.2.2");
  assert.match(p.out, /1 packets transmitted, 0 received, 100% packet loss/);
  await sh(r, "ip link set eth1 mtu 1500");
  p = await run(a, "ping -c 1 -s 2000 10.0.2.2");
  assert.match(p.out, /2008 bytes from 10\.0\.2\.2: icmp_seq=1 ttl=63/);
});
