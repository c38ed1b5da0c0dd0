/** Sockets through Syscalls: UDP send/receive/connect/errors, ping sockets, AF_PACKET. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { inetInit } from "../../../src/kernel/ipv4/af_inet.ts";
import { run, tools, cabledPair } from "../kernel-core/harness.ts";
import { iputilsCommands } from "../../../src/userland/iputils/index.ts";
import { isKErr } from "../../../src/kernel/uapi/errno.ts";
import type { Socket, SockAddrIn, SockAddrLl } from "../../../src/kernel/uapi/socket.ts";

inetInit();
Object.assign(tools, iputilsCommands);

const pair = cabledPair;

const ip = (s: string) => s.split(".").reduce((x, y) => x * 256 + Number(y), 0) >>> 0;

test("UDP: bind, sendto, recvfrom, connect, port unreachable to a connected socket", async () => {
  const { world, a, b } = await pair();
  const srv = b.socket(2, 2, 0) as Socket;
  assert.ok(!isKErr(srv));
  assert.equal(srv.bind({ family: 2, addr: 0, port: 5000 }), undefined);
  const dup = b.socket(2, 2, 17) as Socket;
  assert.deepEqual(dup.bind({ family: 2, addr: 0, port: 5000 }), { errno: "EADDRINUSE" });
  assert.deepEqual(dup.bind({ family: 2, addr: ip("10.0.0.9"), port: 5001 }), { errno: "EADDRNOTAVAIL" });
  const cli = a.socket(2, 2, 0) as Socket;
  assert.equal(cli.sendto(new TextEncoder().encode("hello"), { family: 2, addr: ip("10.0.0.2"), port: 5000 }), 5);
  world.sched.runUntil(world.sched.now + 10_000);
  const m = srv.recvfrom()!;
  assert.equal(new TextDecoder().decode(m.data), "hello");
  const from = m.from as SockAddrIn;
  assert.equal(from.addr, ip("10.0.0.1"));
  assert.ok(from.port >= 32768 && from.port <= 60999);
  assert.equal(srv.sendto(new TextEncoder().encode("hi"), from), 2);
  world.sched.runUntil(world.sched.now + 10_000);
  assert.equal(new TextDecoder().decode(cli.recvfrom()!.data), "hi");
  // connected socket + nobody listening: ICMP port unreachable -> ECONNREFUSED on the error queue
  const c2 = a.socket(2, 2, 0) as Socket;
  c2.setsockopt("IP_RECVERR", 1);
  assert.equal(c2.connect({ family: 2, addr: ip("10.0.0.2"), port: 6000 }), undefined);
  assert.deepEqual(c2.getsockname(), { family: 2, addr: ip("10.0.0.1"), port: (c2.getsockname() as SockAddrIn).port });
  c2.sendto(new Uint8Array(4));
  world.sched.runUntil(world.sched.now + 10_000);
  const ee = c2.recvErr()!;
  assert.equal(ee.ee_errno, 111);
  assert.equal(ee.ee_type, 3);
  assert.equal(ee.ee_code, 3);
  assert.equal(ee.offender, ip("10.0.0.2"));
  // broadcast needs SO_BROADCAST; no route -> ENETUNREACH
  assert.deepEqual(cli.sendto(new Uint8Array(1), { family: 2, addr: ip("10.0.0.255"), port: 9 }), { errno: "EACCES" });
  assert.deepEqual(cli.sendto(new Uint8Array(1), { family: 2, addr: ip("192.168.9.9"), port: 9 }), { errno: "ENETUNREACH" });
});

test("ping sockets (SOCK_DGRAM ICMP) follow ping_group_range; ping uses them", async () => {
  const { a } = await pair();
  assert.deepEqual(a.socket(2, 2, 1), { errno: "EACCES" });
  assert.equal(a.fs.write("/proc/sys/net/ipv4/ping_group_range", "0 2147483647\n"), undefined);
  const s = a.socket(2, 2, 1);
  assert.ok(!isKErr(s));
  const r = await run(a, "ping -c 1 10.0.0.2");
  assert.match(r.out, /64 bytes from 10\.0\.0\.2: icmp_seq=1 ttl=64 time=/);
});

test("AF_PACKET: a tap sees ARP and ICMP both ways", async () => {
  const { world, a } = await pair();
  const p = a.socket(17, 3, 0x0003) as Socket;
  assert.ok(!isKErr(p));
  await run(a, "ping -c 1 10.0.0.2");
  const seen: string[] = [];
  for (let m = p.recvfrom(); m; m = p.recvfrom()) {
    const proto = (m.data[12]! << 8) | m.data[13]!;
    // IPv6 link-up traffic (DAD, MLD, router solicitations) is not what this test is about
    if (proto === 0x86dd) continue;
    seen.push(`${m.outgoing ? "out" : "in"} ${proto.toString(16)} ${(m.from as SockAddrLl).pkttype}`);
  }
  assert.deepEqual(seen, ["out 806 4", "in 806 0", "out 800 4", "in 800 0"]);
  void world;
});

test("/proc/net/udp and /proc/net/raw list the sockets", async () => {
  const { a } = await pair();
  const u = a.socket(2, 2, 0) as Socket;
  u.bind({ family: 2, addr: ip("10.0.0.1"), port: 53 });
  const r = a.socket(2, 3, 1) as Socket;
  const udp = a.fs.read("/proc/net/udp") as string;
  const lines = udp.split("\n");
  assert.equal(lines[0]!.length, 127);
  assert.match(lines[1]!, /^ {3}53: 0100000A:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000 {5}0 {8}0 \d+ 2 0{16} 0 *$/);
  assert.match(a.fs.read("/proc/net/raw") as string, /\n {3}1: 00000000:0001 00000000:0000 07 /);
  r.close();
  assert.doesNotMatch(a.fs.read("/proc/net/raw") as string, /\n {3}1: /);
});
