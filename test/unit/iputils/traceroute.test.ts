import { test } from "node:test";
import assert from "node:assert/strict";
import { traceroute } from "../../../src/userland/iputils/traceroute.ts";
import { fakeNet, fakeSys, ip, run } from "./fakekernel.ts";

test("traceroute -n -q1 -w1: two hops", async () => {
  const net = fakeNet();
  net.path = [ip("10.0.1.1")];
  const r = await run(traceroute, ["traceroute", "-n", "-q1", "-w1", "10.0.2.2"], fakeSys(net), net.sched);
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    "traceroute to 10.0.2.2 (10.0.2.2), 30 hops max, 60 byte packets\n" +
      " 1  10.0.1.1  0.100 ms\n" +
      " 2  10.0.2.2  0.200 ms\n",
  );
  assert.equal(r.stderr, "");
});

test("traceroute: 3 probes, names, silent hops", async () => {
  const net = fakeNet();
  net.path = [ip("10.0.1.1")];
  const r = await run(traceroute, ["traceroute", "10.0.2.2"], fakeSys(net), net.sched);
  assert.equal(
    r.stdout,
    "traceroute to 10.0.2.2 (10.0.2.2), 30 hops max, 60 byte packets\n" +
      " 1  10.0.1.1 (10.0.1.1)  0.100 ms  0.100 ms  0.100 ms\n" +
      " 2  10.0.2.2 (10.0.2.2)  0.200 ms  0.200 ms  0.200 ms\n",
  );
  net.silent.add(ip("10.0.9.9"));
  const r2 = await run(traceroute, ["traceroute", "-n", "-q1", "-w1", "-m", "4", "10.0.9.9"], fakeSys(net), net.sched);
  assert.equal(
    r2.stdout,
    "traceroute to 10.0.9.9 (10.0.9.9), 4 hops max, 60 byte packets\n 1  10.0.1.1  0.100 ms\n 2  *\n 3  *\n 4  *\n",
  );
  // all probes were in flight together: one wait of -w 1 s, poll()ed in whole milliseconds
  // from the first reply on
  assert.equal(r2.took, 1_000_100);
});

test("traceroute: command line errors as clif prints them", async () => {
  const net = fakeNet();
  const sys = fakeSys(net);
  const cases: [string[], number, string][] = [
    [["traceroute", "-n"], 2, 'Specify "host" missing argument.\n'],
    [["traceroute", "-Z", "10.0.2.2"], 2, "Bad option `-Z' (argc 1)\n"],
    [["traceroute", "-q", "11", "10.0.2.2"], 2, "no more than 10 probes per hop\n"],
    [["traceroute", "-q", "x", "10.0.2.2"], 2, "Cannot handle `-q' option with arg `x' (argc 2)\n"],
    [["traceroute", "-n", "-q"], 2, "Option `-q' (argc 2) requires an argument: `-q nqueries'\n"],
    [["traceroute", "-m", "300", "10.0.2.2"], 2, "max hops cannot be more than 255\n"],
    [["traceroute", "-f", "5", "-m", "3", "10.0.2.2"], 2, "first hop out of range\n"],
    [["traceroute", "10.0.2.2", "1", "2"], 2, "Extra arg `2' (position 3, argc 3)\n"],
    [["traceroute", "--queries", "1", "-n", "-w1", "10.0.2.2"], 2, "Option `--queries' (argc 1) requires an argument: `--queries=nqueries'\n"],
    [
      ["traceroute", "-n", "-q1", "-w1", "nosuchhost"],
      2,
      "nosuchhost: Temporary failure in name resolution\nCannot handle \"host\" cmdline arg `nosuchhost' on position 1 (argc 4)\n",
    ],
    [["traceroute", "-V"], 0, "Modern traceroute for Linux, version 2.1.2\nCopyright (c) 2016  Dmitry Butskoy,   License: GPL v2 or any later\n"],
  ];
  for (const [argv, code, stderr] of cases) {
    const r = await run(traceroute, argv, sys, net.sched);
    assert.deepEqual([r.code, r.stderr], [code, stderr], argv.join(" "));
  }
  const h = await run(traceroute, ["traceroute"], sys, net.sched);
  assert.equal(h.code, 0);
  assert.match(h.stderr, /^Usage:\n  traceroute \[ -46dFITnreAUDV \]/);
  net.routable = () => false;
  const u = await run(traceroute, ["traceroute", "-n", "-q1", "-w1", "10.0.2.2"], sys, net.sched);
  assert.deepEqual(
    [u.code, u.stdout, u.stderr],
    [1, "traceroute to 10.0.2.2 (10.0.2.2), 30 hops max, 60 byte packets", "\nconnect: Network is unreachable\n"],
  );
  net.routable = () => true;
  const d = await run(traceroute, ["traceroute", "-n", "-q1", "-w1", "-i", "nosuch", "10.0.2.2"], sys, net.sched);
  assert.deepEqual([d.code, d.stderr], [1, "\nsetsockopt SO_BINDTODEVICE: No such device\n"]);
  const l = await run(traceroute, ["traceroute", "-n", "-q1", "-w1", "10.0.2.2", "10"], sys, net.sched);
  assert.match(l.stdout, /^traceroute to 10\.0\.2\.2 \(10\.0\.2\.2\), 30 hops max, 28 byte packets\n/);
});
