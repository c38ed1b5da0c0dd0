import { test } from "node:test";
import assert from "node:assert/strict";
import { ping, fmtG } from "../../../src/userland/iputils/ping.ts";
import { fakeNet, fakeSys, ip, run } from "./fakekernel.ts";

function norm(s: string): string {
  return s
    .replace(/time=[0-9.]+ ms/g, "time=<t> ms")
    .replace(/rtt min\/avg\/max\/mdev = \S+ ms/g, "rtt min/avg/max/mdev = <t> ms")
    .replace(/(received|errors)(, [^,\n]*)?, time \d+ms/g, "$1$2, time <t>ms");
}

test("ping -c2 -i0.2: replies, statistics, timing", async () => {
  const net = fakeNet();
  net.dests.set(ip("10.0.1.1"), { kind: "reply", rtt: 50 });
  const r = await run(ping, ["ping", "-c2", "-i0.2", "10.0.1.1"], fakeSys(net), net.sched);
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    "PING 10.0.1.1 (10.0.1.1) 56(84) bytes of data.\n" +
      "64 bytes from 10.0.1.1: icmp_seq=1 ttl=64 time=0.050 ms\n" +
      "64 bytes from 10.0.1.1: icmp_seq=2 ttl=64 time=0.050 ms\n" +
      "\n--- 10.0.1.1 ping statistics ---\n" +
      "2 packets transmitted, 2 received, 0% packet loss, time 200ms\n" +
      "rtt min/avg/max/mdev = 0.050/0.050/0.050/0.000 ms\n",
  );
  assert.equal(r.stderr, "");
  // poll() waits 200 ms from the first reply, and ping exits as soon as the last reply is in
  assert.equal(r.took, 200_100);
});

test("ping -c1 -W1 without reply: 100% loss, exit 1 after the linger time", async () => {
  const net = fakeNet();
  const r = await run(ping, ["ping", "-c1", "-W1", "10.0.1.9"], fakeSys(net), net.sched);
  assert.equal(r.code, 1);
  assert.equal(
    r.stdout,
    "PING 10.0.1.9 (10.0.1.9) 56(84) bytes of data.\n\n--- 10.0.1.9 ping statistics ---\n" +
      "1 packets transmitted, 0 received, 100% packet loss, time 0ms\n\n",
  );
  assert.equal(r.took, 1_000_000);
});

test("ping: ICMP errors are reported with +N errors", async () => {
  const net = fakeNet();
  net.dests.set(ip("10.0.3.3"), { kind: "icmp", rtt: 80, from: ip("10.0.1.1"), type: 3, code: 0 });
  net.dests.set(ip("10.0.2.2"), { kind: "icmp", rtt: 80, from: ip("10.0.1.1"), type: 11, code: 0 });
  net.dests.set(ip("10.0.2.3"), { kind: "icmp", rtt: 80, from: ip("10.0.1.1"), type: 3, code: 4, info: 1200 });
  const sys = fakeSys(net);
  let r = await run(ping, ["ping", "-c1", "-W1", "10.0.3.3"], sys, net.sched);
  assert.equal(r.code, 1);
  assert.equal(
    norm(r.stdout),
    "PING 10.0.3.3 (10.0.3.3) 56(84) bytes of data.\nFrom 10.0.1.1 icmp_seq=1 Destination Net Unreachable\n\n" +
      "--- 10.0.3.3 ping statistics ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss, time <t>ms\n\n",
  );
  r = await run(ping, ["ping", "-c1", "-W1", "-t", "1", "10.0.2.2"], sys, net.sched);
  assert.match(r.stdout, /From 10\.0\.1\.1 icmp_seq=1 Time to live exceeded\n/);
  r = await run(ping, ["ping", "-c1", "-M", "do", "-s", "1300", "10.0.2.3"], sys, net.sched);
  assert.match(r.stdout, /^PING 10\.0\.2\.3 \(10\.0\.2\.3\) 1300\(1328\) bytes of data\.\nFrom 10\.0\.1\.1 icmp_seq=1 Frag needed and DF set \(mtu = 1200\)\n/);
});

test("ping: connect errors, usage errors", async () => {
  const net = fakeNet();
  net.routable = () => false;
  const sys = fakeSys(net);
  let r = await run(ping, ["ping", "-c1", "-W1", "10.9.9.9"], sys, net.sched);
  assert.deepEqual([r.code, r.stdout, r.stderr], [2, "", "ping: connect: Network is unreachable\n"]);
  r = await run(ping, ["ping"], sys, net.sched);
  assert.deepEqual([r.code, r.stderr], [1, "ping: usage error: Destination address required\n"]);
  r = await run(ping, ["ping", "-c", "0", "1.2.3.4"], sys, net.sched);
  assert.deepEqual([r.code, r.stderr], [1, "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n"]);
  r = await run(ping, ["ping", "-c", "x", "1.2.3.4"], sys, net.sched);
  assert.deepEqual([r.code, r.stderr], [1, "ping: invalid argument: 'x'\n"]);
  r = await run(ping, ["ping", "-t", "300", "1.2.3.4"], sys, net.sched);
  assert.deepEqual([r.code, r.stderr], [1, "ping: invalid argument: '300': out of range: 0 <= value <= 255\n"]);
  r = await run(ping, ["ping", "-M", "foo", "1.2.3.4"], sys, net.sched);
  assert.deepEqual([r.code, r.stderr], [2, "ping: invalid -M argument: foo\n"]);
  r = await run(ping, ["ping", "-Z", "1.2.3.4"], sys, net.sched);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^ping: invalid option -- 'Z'\n\nUsage\n  ping \[options\] <destination>\n/);
  r = await run(ping, ["ping", "-c1", "nosuchhost"], sys, net.sched);
  assert.deepEqual([r.code, r.stderr], [2, "ping: nosuchhost: Temporary failure in name resolution\n"]);
  r = await run(ping, ["ping", "-W", "-1", "1.2.3.4"], sys, net.sched);
  assert.deepEqual([r.code, r.stderr], [2, "ping: bad linger time: -1\n"]);
  r = await run(ping, ["ping", "-p", "zz", "1.2.3.4"], sys, net.sched);
  assert.deepEqual([r.code, r.stderr], [2, "ping: patterns must be specified as hex digits: zz\n"]);
});

test("ping: broadcast needs -b", async () => {
  const net = fakeNet();
  const r = await run(ping, ["ping", "-c1", "10.0.1.255"], fakeSys(net), net.sched);
  assert.deepEqual(
    [r.code, r.stderr],
    [2, "ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n"],
  );
  const r2 = await run(ping, ["ping", "-c1", "-W1", "-b", "10.0.1.255"], fakeSys(net), net.sched);
  assert.equal(r2.code, 1);
  assert.equal(r2.stderr, "WARNING: pinging broadcast address\n");
});

test("ping -w 2: sends until the deadline", async () => {
  const net = fakeNet();
  net.dests.set(ip("10.0.1.1"), { kind: "reply", rtt: 40 });
  const r = await run(ping, ["ping", "-w", "2", "10.0.1.1"], fakeSys(net), net.sched);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /\n2 packets transmitted, 2 received, 0% packet loss, time 1000ms\n/);
  assert.equal(r.took, 2_000_000);
  const r2 = await run(ping, ["ping", "-i", "0.3", "-w", "1", "-q", "10.0.1.1"], fakeSys(net), net.sched);
  assert.match(r2.stdout, /\n4 packets transmitted, 4 received, 0% packet loss, time 900ms\n/);
});

test("ping -i -1 -w 1: a negative interval sends without pause until the deadline, then reads", async () => {
  const net = fakeNet();
  net.dests.set(ip("10.0.1.1"), { kind: "reply", rtt: 40 });
  const r = await run(ping, ["ping", "-c", "3", "-i", "-1", "-q", "-w", "1", "10.0.1.1"], fakeSys(net), net.sched);
  // C spins in main_loop()'s send loop until SIGALRM, one sendmsg() a turn: bounded by the
  // deadline, not by the replies (read only once it has stopped sending)
  assert.equal(r.took, 1_000_000);
  const m = /\n(\d+) packets transmitted, (\d+) received/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) > 100_000, r.stdout);
  assert.ok(Number(m[2]) > 3, r.stdout);
});

test("ping -s 0 / -s 4: no timing", async () => {
  const net = fakeNet();
  net.dests.set(ip("10.0.1.1"), { kind: "reply", rtt: 40 });
  const r = await run(ping, ["ping", "-c1", "-s", "0", "10.0.1.1"], fakeSys(net), net.sched);
  assert.equal(
    r.stdout,
    "PING 10.0.1.1 (10.0.1.1) 0(28) bytes of data.\n8 bytes from 10.0.1.1: icmp_seq=1 ttl=64\n\n" +
      "--- 10.0.1.1 ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\n\n",
  );
});

test("ping -p, -v, -D, localhost name", async () => {
  const net = fakeNet();
  net.dests.set(ip("10.0.1.1"), { kind: "reply", rtt: 40 });
  net.dests.set(ip("127.0.0.1"), { kind: "reply", rtt: 20 });
  const sys = fakeSys(net);
  let r = await run(ping, ["ping", "-c1", "-p", "ff00", "10.0.1.1"], sys, net.sched);
  assert.match(r.stdout, /^PATTERN: 0xff00\nPING /);
  r = await run(ping, ["ping", "-c1", "-v", "-e", "4660", "10.0.1.1"], sys, net.sched);
  assert.match(r.stdout, /^ai->ai_family: AF_INET, ai->ai_canonname: '10\.0\.1\.1'\nPING .*\n64 bytes from 10\.0\.1\.1: icmp_seq=1 ident=4660 ttl=64 time=/);
  // the fake kernel has no IPv6: ping says so in verbose mode
  assert.equal(
    r.stderr,
    "ping: socktype: SOCK_DGRAM\nping: socket: Address family not supported by protocol\n" +
      "ping: sock4.fd: 3 (socktype: SOCK_RAW), sock6.fd: -1 (socktype: SOCK_DGRAM), hints.ai_family: AF_INET\n\n",
  );
  r = await run(ping, ["ping", "-c1", "localhost"], sys, net.sched);
  assert.match(r.stdout, /^PING localhost \(127\.0\.0\.1\) 56\(84\) bytes of data\.\n64 bytes from localhost \(127\.0\.0\.1\): icmp_seq=1 ttl=64 time=0\.020 ms\n\n--- localhost ping statistics ---\n/);
  r = await run(ping, ["ping", "-c1", "-D", "10.0.1.1"], sys, net.sched);
  assert.match(r.stdout, /\n\[\d+\.\d{6}\] 64 bytes from 10\.0\.1\.1/);
  r = await run(ping, ["ping", "-c1", "-I", "eth0", "10.0.1.1"], sys, net.sched);
  assert.match(r.stdout, /^PING 10\.0\.1\.1 \(10\.0\.1\.1\) from 10\.0\.1\.2 eth0: 56\(84\) bytes of data\.\n/);
  r = await run(ping, ["ping", "-c1", "-I", "nosuch", "10.0.1.1"], sys, net.sched);
  assert.deepEqual([r.code, r.stderr], [2, "ping: SO_BINDTODEVICE nosuch: No such device\n"]);
});

test("ping: SIGINT ends with statistics", async () => {
  const net = fakeNet();
  net.dests.set(ip("10.0.1.1"), { kind: "reply", rtt: 40 });
  const r = await run(ping, ["ping", "10.0.1.1"], fakeSys(net), net.sched, { abortAt: 3_500_000 });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /icmp_seq=4 .*\n\n--- 10\.0\.1\.1 ping statistics ---\n4 packets transmitted, 4 received, 0% packet loss, time 3000ms\n/);
  assert.equal(r.took, 3_500_000);
});

test("ping -f: dots and backspaces; a million packets without a promise each", async () => {
  const net = fakeNet();
  net.dests.set(ip("10.0.1.1"), { kind: "reply", rtt: 7 });
  const sys = fakeSys(net);
  let r = await run(ping, ["ping", "-c", "10", "-f", "10.0.1.1"], sys, net.sched);
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout.split("\n")[1],
    ".\b \b".repeat(10),
  );
  assert.match(r.stdout, /rtt min\/avg\/max\/mdev = 0\.007\/0\.007\/0\.007\/0\.000 ms, ipg\/ewma 0\.007\/0\.007 ms\n$/);
  const t0 = Date.now();
  r = await run(ping, ["ping", "-c", "1000000", "-f", "-q", "10.0.1.1"], sys, net.sched);
  const wall = Date.now() - t0;
  assert.equal(r.code, 0);
  assert.match(r.stdout, /\n1000000 packets transmitted, 1000000 received, 0% packet loss, time 7000ms\n/);
  assert.ok(wall < 20000, `flood took ${wall} ms`);
});

test("fmtG is C's %g", () => {
  assert.equal(fmtG(0), "0");
  assert.equal(fmtG(100), "100");
  assert.equal(fmtG(Math.fround(100 / 3)), "33.3333");
  assert.equal(fmtG(Math.fround(200 / 3)), "66.6667");
  assert.equal(fmtG(0.0001), "0.0001");
  assert.equal(fmtG(0.00001), "1e-05");
  assert.equal(fmtG(50), "50");
});
