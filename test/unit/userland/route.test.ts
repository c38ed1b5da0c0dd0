import { test } from "node:test";
import assert from "node:assert/strict";
import { route } from "../../../src/userland/net-tools/route.ts";
import { fakeSys, run } from "./fakesys.ts";

const PROC_ROUTE =
  "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n" +
  ["eth0\t00000000\t0200000A\t0003\t0\t0\t0\t00000000\t0\t0\t0", "eth0\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
    "eth0\t0106A8C0\t00000000\t0005\t0\t0\t0\tFFFFFFFF\t0\t0\t0", "eth0\t0007A8C0\t0200000A\t0003\t0\t0\t5\t00FFFFFF\t0\t0\t0",
    "lo\t0008A8C0\t00000000\t0201\t0\t0\t0\t00FFFFFF\t0\t0\t0"].map((l) => l.padEnd(127) + "\n").join("");

test("route -n / -ne / -nee / route (names)", async () => {
  const f = fakeSys();
  f.files.set("/proc/net/route", PROC_ROUTE);
  let r = await run(route, f.sys, ["route", "-n"]);
  assert.equal(
    r.out,
    "Kernel IP routing table\n" +
      "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n" +
      "0.0.0.0         10.0.0.2        0.0.0.0         UG    0      0        0 eth0\n" +
      "10.0.0.0        0.0.0.0         255.255.255.0   U     0      0        0 eth0\n" +
      "192.168.6.1     0.0.0.0         255.255.255.255 UH    0      0        0 eth0\n" +
      "192.168.7.0     10.0.0.2        255.255.255.0   UG    5      0        0 eth0\n" +
      "192.168.8.0     -               255.255.255.0   !     0      -        0 -\n",
  );
  r = await run(route, f.sys, ["route", "-ne"]);
  assert.equal(
    r.out.split("\n").slice(1, 3).join("\n"),
    "Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n" +
      "0.0.0.0         10.0.0.2        0.0.0.0         UG        0 0          0 eth0",
  );
  assert.ok(r.out.endsWith("192.168.8.0     -               255.255.255.0   !         - -          - -\n"));
  r = await run(route, f.sys, ["route", "-nee"]);
  assert.ok(r.out.includes("0.0.0.0         10.0.0.2        0.0.0.0         UG    0      0        0 eth0     0     0      0\n"));
  assert.ok(r.out.endsWith("192.168.8.0     -               255.255.255.0   !     0      -        0 -        -     -      -\n"));
  r = await run(route, f.sys, ["route"]);
  assert.ok(r.out.includes("\ndefault         10.0.0.2        0.0.0.0         UG    0      0        0 eth0\n"));
});

test("route add/del: SIOCADDRT/SIOCDELRT requests and errors", async () => {
  const f = fakeSys();
  f.onIoctl = () => ({});
  let r = await run(route, f.sys, ["route", "add", "-net", "192.168.5.0", "netmask", "255.255.255.0", "gw", "10.0.0.2"]);
  assert.equal(r.code, 0);
  assert.deepEqual(f.ioctls.at(-1), {
    request: "SIOCADDRT", rt_dst: 0xc0a80500, rt_gateway: 0x0a000002, rt_genmask: 0xffffff00, rt_flags: 3, rt_metric: 0,
    rt_mtu: 0, rt_window: 0, rt_irtt: 0,
  });
  r = await run(route, f.sys, ["route", "add", "-host", "192.168.6.1", "dev", "eth0"]);
  assert.deepEqual([f.ioctls.at(-1)!["rt_flags"], f.ioctls.at(-1)!["rt_genmask"], f.ioctls.at(-1)!["rt_dev"]], [5, 0xffffffff, "eth0"]);
  r = await run(route, f.sys, ["route", "add", "-net", "192.168.7.0/24", "gw", "10.0.0.2", "metric", "5"]);
  assert.deepEqual([f.ioctls.at(-1)!["rt_genmask"], f.ioctls.at(-1)!["rt_metric"]], [0xffffff00, 6]);
  r = await run(route, f.sys, ["route", "add", "-net", "192.168.8.0/24", "reject"]);
  assert.deepEqual([f.ioctls.at(-1)!["rt_flags"], f.ioctls.at(-1)!["rt_dev"]], [0x201, "lo"]);
  r = await run(route, f.sys, ["route", "add", "default", "gw", "10.0.0.2"]);
  assert.deepEqual([f.ioctls.at(-1)!["rt_dst"], f.ioctls.at(-1)!["rt_flags"]], [0, 3]);
  f.onIoctl = (q) => ({ errno: q.request === "SIOCDELRT" ? "ESRCH" : "ENETUNREACH" });
  r = await run(route, f.sys, ["route", "del", "-net", "192.168.9.0/24"]);
  assert.deepEqual([r.code, r.err], [7, "SIOCDELRT: No such process\n"]);
  r = await run(route, f.sys, ["route", "add", "-net", "192.168.10.0/24", "gw", "10.9.9.9"]);
  assert.deepEqual([r.code, r.err], [7, "SIOCADDRT: Network is unreachable\n"]);
  r = await run(route, f.sys, ["route", "add", "-net", "192.168.11.0", "netmask", "255.255.0.0", "dev", "eth0"]);
  assert.equal(r.code, 3);
  assert.ok(r.err.startsWith("route: netmask doesn't match route address\nUsage: inet_route [-vF] del"));
  r = await run(route, f.sys, ["route", "add", "foo"]);
  assert.deepEqual([r.code, r.err], [6, "foo: Host name lookup failure\n"]);
  r = await run(route, f.sys, ["route", "-V"]);
  assert.ok(r.out.startsWith("net-tools 2.10\n+NEW_ADDRT"));
});

test("route -n -A inet6", async () => {
  const f = fakeSys();
  f.files.set("/proc/net/ipv6_route",
    "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n" +
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n" +
    "00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n");
  const r = await run(route, f.sys, ["route", "-n", "-A", "inet6"]);
  assert.equal(r.out,
    "Kernel IPv6 routing table\n" +
    "Destination                    Next Hop                   Flag Met Ref  Use If\n" +
    "fe80::/64                      ::                         U    256 1      0 eth0\n" +
    "::/0                           ::                         !n   -1  1      0 lo\n" +
    "::1/128                        ::                         Un   0   2      0 lo\n");
});
