import { test } from "node:test";
import assert from "node:assert/strict";
import { netstat } from "../../../src/userland/net-tools/netstat.ts";
import { fakeSys, link, run } from "./fakesys.ts";

const PROC_DEV =
  "Inter-|   Receive                                                |  Transmit\n" +
  " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n" +
  "    lo:    2000      28    0    0    0     0          0         0     2000      28    0    0    0     0       0          0\n" +
  "  eth0:     726       9    0    0    0     0          0         0      726       9    0    0    0     0       0          0\n";

test("netstat -i / -rn", async () => {
  const f = fakeSys();
  f.links = [link(1, "lo", 772, 0x49), link(2, "eth0", 1, 0x1043)];
  f.links[0]!.attrs.IFLA_MTU = 65536;
  f.files.set("/proc/net/dev", PROC_DEV);
  let r = await run(netstat, f.sys, ["netstat", "-i"]);
  assert.equal(
    r.out,
    "Kernel Interface table\n" +
      "Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n" +
      "eth0             1500        9      0      0 0             9      0      0      0 BMRU\n" +
      "lo              65536       28      0      0 0            28      0      0      0 LRU\n",
  );
  f.files.set("/proc/net/route", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
    "eth0\t00000000\t0200000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
  r = await run(netstat, f.sys, ["netstat", "-rn"]);
  assert.equal(r.out, "Kernel IP routing table\nDestination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n" +
    "0.0.0.0         10.0.0.2        0.0.0.0         UG        0 0          0 eth0\n");
  r = await run(netstat, f.sys, ["netstat", "-r"]);
  assert.ok(r.out.includes("\ndefault         10.0.0.2"));
});

test("netstat -s / -st / -su (real kernel /proc/net/snmp + netstat)", async () => {
  const { readFileSync } = await import("node:fs");
  const fx = JSON.parse(readFileSync(new URL("./netstat_s.fixture.json", import.meta.url), "utf8")) as Record<string, string>;
  const f = fakeSys();
  f.files.set("/proc/net/snmp", fx["snmp"]!);
  f.files.set("/proc/net/netstat", fx["netstat"]!);
  for (const [args, key] of [[["-s"], "s"], [["-st"], "st"], [["-su"], "su"]] as const) {
    const r = await run(netstat, f.sys, ["netstat", ...args]);
    assert.equal(r.out, fx[key]);
  }
});
