/**
 * Behaviour: netstat -g reads /proc/net/igmp and /proc/net/igmp6 as net-tools 2.10's igmp_do_one()
 * (device lines, tab-indented group lines in kernel byte order); uname prints the UTS name.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { netstat } from "../../../src/userland/net-tools/netstat.ts";
import { uname } from "../../../src/userland/coreutils/uname.ts";
import { fakeSys, run } from "./fakesys.ts";

test("netstat -g: IPv4 then IPv6 group memberships", async () => {
  const f = fakeSys();
  f.files.set("/proc/net/igmp",
    "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n" +
    "1\tlo        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n" +
    "2\teth0      :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n");
  f.files.set("/proc/net/igmp6",
    "1    lo              ff020000000000000000000000000001     1 0000000C 0\n" +
    "2    eth0            ff0200000000000000000001ff000001     1 00000004 0\n");
  const r = await run(netstat, f.sys, ["netstat", "-g"]);
  assert.equal(r.out,
    "IPv6/IPv4 Group Memberships\n" +
    "Interface       RefCnt Group\n" +
    "--------------- ------ ---------------------\n" +
    "lo              1      224.0.0.1\n" +
    "eth0            1      224.0.0.1\n" +
    "lo              1      ff02::1\n" +
    "eth0            1      ff02::1:ff00:1\n");
});

test("uname: default -s, -n, -a, bad option", async () => {
  const f = fakeSys();
  assert.equal((await run(uname, f.sys, ["uname"])).out, "Linux\n");
  const n = await run(uname, f.sys, ["uname", "-n"]);
  assert.equal(n.out, `${f.sys.hostname()}\n`);
  const a = await run(uname, f.sys, ["uname", "-a"]);
  assert.match(a.out, /^Linux \S+ \S+ .* x86_64 GNU\/Linux\n$/);
  const bad = await run(uname, f.sys, ["uname", "-z"]);
  assert.equal(bad.code, 1);
  assert.equal(bad.err, "uname: invalid option -- 'z'\nTry 'uname --help' for more information.\n");
});
