import { test } from "node:test";
import assert from "node:assert/strict";
import { arp } from "../../../src/userland/net-tools/arp.ts";
import { fakeSys, run } from "./fakesys.ts";

const PROC_ARP =
  "IP address       HW type     Flags       HW address            Mask     Device\n" +
  "10.0.0.51        0x1         0x2         00:11:22:33:44:56     *        eth0\n" +
  "10.0.0.50        0x1         0x6         00:11:22:33:44:55     *        eth0\n" +
  "10.0.0.2         0x1         0x2         56:63:11:8e:dd:d7     *        eth0\n";

test("arp -n / -a / -an / -i", async () => {
  const f = fakeSys();
  f.files.set("/proc/net/arp", PROC_ARP);
  let r = await run(arp, f.sys, ["arp", "-n"]);
  assert.equal(
    r.out,
    "Address                  HWtype  HWaddress           Flags Mask            Iface\n" +
      "10.0.0.51                ether   00:11:22:33:44:56   C                     eth0\n" +
      "10.0.0.50                ether   00:11:22:33:44:55   CM                    eth0\n" +
      "10.0.0.2                 ether   56:63:11:8e:dd:d7   C                     eth0\n",
  );
  r = await run(arp, f.sys, ["arp", "-a"]);
  assert.equal(r.out.split("\n")[2], "? (10.0.0.2) at 56:63:11:8e:dd:d7 [ether] on eth0");
  assert.equal(r.out.split("\n")[1], "? (10.0.0.50) at 00:11:22:33:44:55 [ether] PERM on eth0");
  r = await run(arp, f.sys, ["arp", "-n", "-i", "eth1"]);
  assert.equal(r.out, "arp: in 3 entries no match found.\n");
});

test("arp -s / -d requests and errors", async () => {
  const f = fakeSys();
  f.onIoctl = () => ({});
  let r = await run(arp, f.sys, ["arp", "-s", "10.0.0.50", "00:11:22:33:44:55"]);
  assert.equal(r.code, 0);
  assert.deepEqual(f.ioctls.at(-1), {
    request: "SIOCSARP", arp_pa: 0x0a000032, arp_ha: new Uint8Array([0, 0x11, 0x22, 0x33, 0x44, 0x55]), arp_ha_family: 1,
    arp_flags: 0x6, arp_dev: "",
  });
  r = await run(arp, f.sys, ["arp", "-s", "10.0.0.51", "00:11:22:33:44:56", "temp"]);
  assert.equal(f.ioctls.at(-1)!["arp_flags"], 0x2);
  r = await run(arp, f.sys, ["arp", "-s", "10.0.0.53", "zz:11"]);
  assert.deepEqual([r.code, r.err], [255, "arp: invalid hardware address\n"]);
  f.onIoctl = (q) => (q.request === "SIOCSARP" ? { errno: "ENETUNREACH" } : { errno: "ENXIO" });
  r = await run(arp, f.sys, ["arp", "-s", "192.168.99.1", "00:11:22:33:44:55"]);
  assert.deepEqual([r.code, r.err], [255, "SIOCSARP: Network is unreachable\n"]);
  r = await run(arp, f.sys, ["arp", "-d", "10.0.0.99"]);
  assert.deepEqual([r.code, r.out], [255, "No ARP entry for 10.0.0.99\n"]);
  assert.equal(f.ioctls.filter((q) => q.request === "SIOCDARP").length, 2);
});
