/** TCP sockets through Syscalls: handshake, data both ways, FIN/TIME_WAIT, RST, timeouts. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { inetInit } from "../../../src/kernel/ipv4/af_inet.ts";
import { run, cabledPair } from "../kernel-core/harness.ts";
import { isKErr } from "../../../src/kernel/uapi/errno.ts";
import type { Socket, SockAddrIn } from "../../../src/kernel/uapi/socket.ts";

inetInit();

const pair = cabledPair;
const ip = (s: string) => s.split(".").reduce((x, y) => x * 256 + Number(y), 0) >>> 0;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

test("TCP: connect, accept, data both ways, close, TIME_WAIT, /proc/net/tcp", async () => {
  const { world, a, b } = await pair();
  const srv = b.socket(2, 1, 0) as Socket;
  assert.ok(!isKErr(srv));
  assert.equal(srv.setsockopt("SO_REUSEADDR", 1), undefined);
  assert.equal(srv.bind({ family: 2, addr: 0, port: 80 }), undefined);
  assert.equal(srv.listen!(5), undefined);
  assert.match(b.fs.read("/proc/net/tcp") as string, /0: 00000000:0050 00000000:0000 0A /);
  const cli = a.socket(2, 1, 0) as Socket;
  assert.deepEqual(cli.connect({ family: 2, addr: ip("10.0.0.2"), port: 80 }), { errno: "EINPROGRESS" });
  world.sched.runUntil(world.sched.now + 50_000);
  const pn = cli.getpeername() as SockAddrIn;
  assert.equal(pn.port, 80);
  const port = (cli.getsockname() as SockAddrIn).port;
  assert.ok(port >= 32768 && port <= 60999 && port % 2 === 0);
  const c = srv.accept!()!;
  assert.ok(c);
  assert.equal((c.getpeername() as SockAddrIn).port, port);
  const big = new Uint8Array(5000).fill(65);
  assert.equal(cli.sendto(enc("GET / HTTP/1.1\r\n\r\n")), 18);
  assert.equal(cli.sendto(big), 5000);
  world.sched.runUntil(world.sched.now + 200_000);
  let got = "";
  for (let m = c.recvfrom(); m && m.data.length; m = c.recvfrom()) got += dec(m.data);
  assert.equal(got.length, 5018);
  assert.equal(c.sendto(enc("HTTP/1.0 200 OK\r\n\r\nhi")), 21);
  c.close();
  world.sched.runUntil(world.sched.now + 200_000);
  let resp = "";
  let m = cli.recvfrom();
  for (; m && m.data.length; m = cli.recvfrom()) resp += dec(m.data);
  assert.equal(resp, "HTTP/1.0 200 OK\r\n\r\nhi");
  assert.equal(m?.data.length, 0); // EOF
  assert.equal(cli.recvfrom(), undefined);
  assert.equal(cli.recvErr()?.ee_errno, 0);
  cli.close();
  world.sched.runUntil(world.sched.now + 200_000);
  // the server closed first: it holds TIME_WAIT
  assert.match(b.fs.read("/proc/net/tcp") as string, /0200000A:0050 0100000A:[0-9A-F]{4} 06 /);
  world.sched.runUntil(world.sched.now + 61_000_000);
  assert.doesNotMatch(b.fs.read("/proc/net/tcp") as string, / 06 /);
});

test("TCP: RST from a closed port is ECONNREFUSED; a black hole times out", async () => {
  const { world, a } = await pair();
  const s = a.socket(2, 1, 0) as Socket;
  assert.deepEqual(s.connect({ family: 2, addr: ip("10.0.0.2"), port: 81 }), { errno: "EINPROGRESS" });
  world.sched.runUntil(world.sched.now + 50_000);
  assert.ok(isKErr(s.getpeername()));
  assert.equal(s.getsockopt("SO_ERROR"), 111);
  // black hole: the neighbour never answers -> EHOSTUNREACH after ARP gives up
  const t = a.socket(2, 1, 0) as Socket;
  t.connect({ family: 2, addr: ip("10.0.0.3"), port: 80 });
  world.sched.runUntil(world.sched.now + 10_000_000);
  assert.equal(t.getsockopt("SO_ERROR"), 113);
  // a dropped SYN: tcp_syn_linear_timeouts (4) retries a second apart, then 1 s, and six more
  // backing off (2+4+8+16+32+64): ETIMEDOUT at 131 s
  await run(a, "ip route add 192.0.2.0/24 via 10.0.0.2");
  const u = a.socket(2, 1, 0) as Socket;
  u.connect({ family: 2, addr: ip("192.0.2.1"), port: 80 });
  world.sched.runUntil(world.sched.now + 130_000_000);
  assert.equal(u.getsockopt("SO_ERROR"), 0);
  world.sched.runUntil(world.sched.now + 2_000_000);
  assert.equal(u.getsockopt("SO_ERROR"), 110);
});

test("TCP: a lost segment is retransmitted after the RTO, with backoff", async () => {
  const { iptablesCommands } = await import("../../../src/userland/iptables/index.ts");
  const { tools } = await import("../kernel-core/harness.ts");
  Object.assign(tools, iptablesCommands);
  const { world, a, b } = await pair();
  const srv = b.socket(2, 1, 0) as Socket;
  srv.bind({ family: 2, addr: 0, port: 7000 });
  srv.listen!(1);
  const cli = a.socket(2, 1, 0) as Socket;
  cli.connect({ family: 2, addr: ip("10.0.0.2"), port: 7000 });
  world.sched.runUntil(world.sched.now + 50_000);
  const c = srv.accept!()!;
  assert.ok(c);
  const r = await run(b, "iptables -A INPUT -p tcp --dport 7000 -j DROP");
  assert.equal(r.code, 0, r.err);
  cli.sendto(enc("lost"));
  world.sched.runUntil(world.sched.now + 1_000_000);
  assert.equal(c.recvfrom(), undefined);
  assert.match(a.fs.read("/proc/net/tcp") as string, / 01 00000004:00000000 01:/);
  await run(b, "iptables -F INPUT");
  world.sched.runUntil(world.sched.now + 3_000_000);
  assert.equal(dec(c.recvfrom()!.data), "lost");
  const snmp = a.fs.read("/proc/net/snmp") as string;
  const tcp = snmp.split("\n").filter((l) => l.startsWith("Tcp:"))[1]!.split(" ");
  assert.ok(Number(tcp[12]) >= 2, `RetransSegs ${tcp[12]}`);
});

test("TCP: bind over a TIME_WAIT needs SO_REUSEADDR; two listeners conflict", async () => {
  const { world, a, b } = await pair();
  const mk = (reuse: boolean) => {
    const s = b.socket(2, 1, 0) as Socket;
    if (reuse) s.setsockopt("SO_REUSEADDR", 1);
    return s;
  };
  const srv = mk(true);
  srv.bind({ family: 2, addr: 0, port: 80 });
  srv.listen!(5);
  assert.deepEqual(mk(true).bind({ family: 2, addr: 0, port: 80 }), { errno: "EADDRINUSE" });
  const cli = a.socket(2, 1, 0) as Socket;
  cli.connect({ family: 2, addr: ip("10.0.0.2"), port: 80 });
  world.sched.runUntil(world.sched.now + 50_000);
  const c = srv.accept!()!;
  c.close(); // the server closes first: its side goes to TIME_WAIT
  world.sched.runUntil(world.sched.now + 50_000);
  cli.close();
  srv.close();
  world.sched.runUntil(world.sched.now + 50_000);
  assert.match(b.fs.read("/proc/net/tcp") as string, / 06 /);
  assert.deepEqual(mk(false).bind({ family: 2, addr: 0, port: 80 }), { errno: "EADDRINUSE" });
  const again = mk(true);
  assert.equal(again.bind({ family: 2, addr: 0, port: 80 }), undefined);
  assert.equal(again.listen!(5), undefined);
});
