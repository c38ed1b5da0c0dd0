import { test } from "node:test";
import assert from "node:assert/strict";
import { sysctl } from "../../../src/userland/procps/sysctl.ts";
import { hostname } from "../../../src/userland/procps/hostname.ts";
import { fakeSys, run } from "./fakesys.ts";

function procSys() {
  const f = fakeSys();
  f.dirs.set("/proc/sys", ["net"]);
  f.dirs.set("/proc/sys/net", ["ipv4"]);
  f.dirs.set("/proc/sys/net/ipv4", ["conf", "ip_forward"]);
  f.dirs.set("/proc/sys/net/ipv4/conf", ["lo"]);
  f.dirs.set("/proc/sys/net/ipv4/conf/lo", ["forwarding", "rp_filter"]);
  f.files.set("/proc/sys/net/ipv4/ip_forward", "0\n");
  f.files.set("/proc/sys/net/ipv4/conf/lo/forwarding", "1\n");
  f.files.set("/proc/sys/net/ipv4/conf/lo/rp_filter", "0\n");
  return f;
}

test("sysctl read / write / errors as procps-ng 4.0.2", async () => {
  const f = procSys();
  let r = await run(sysctl, f.sys, ["sysctl", "net.ipv4.ip_forward"]);
  assert.deepEqual([r.code, r.out], [0, "net.ipv4.ip_forward = 0\n"]);
  r = await run(sysctl, f.sys, ["sysctl", "net/ipv4/ip_forward"]);
  assert.equal(r.out, "net.ipv4.ip_forward = 0\n");
  r = await run(sysctl, f.sys, ["sysctl", "-n", "net.ipv4.ip_forward"]);
  assert.equal(r.out, "0\n");
  r = await run(sysctl, f.sys, ["sysctl", "-w", "net.ipv4.ip_forward=1"]);
  assert.deepEqual([r.code, r.out], [0, "net.ipv4.ip_forward = 1\n"]);
  assert.deepEqual(f.writes.at(-1), ["/proc/sys/net/ipv4/ip_forward", "1\n"]);
  r = await run(sysctl, f.sys, ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
  assert.deepEqual([r.code, r.out], [0, ""]);
  r = await run(sysctl, f.sys, ["sysctl", "net.ipv4.foo"]);
  assert.deepEqual([r.code, r.err], [1, "sysctl: cannot stat /proc/sys/net/ipv4/foo: No such file or directory\n"]);
  r = await run(sysctl, f.sys, ["sysctl", "-e", "net.ipv4.foo"]);
  assert.deepEqual([r.code, r.err], [0, ""]);
  r = await run(sysctl, f.sys, ["sysctl", "-w", "net.ipv4.ip_forward"]);
  assert.deepEqual([r.code, r.err], [1, "sysctl: command line(0): invalid syntax, continuing...\n"]);
  r = await run(sysctl, f.sys, ["sysctl", "net.ipv4.conf.lo"]);
  assert.equal(r.out, "net.ipv4.conf.lo.forwarding = 1\nnet.ipv4.conf.lo.rp_filter = 0\n");
  r = await run(sysctl, f.sys, ["sysctl", "-N", "net.ipv4.ip_forward"]);
  assert.equal(r.out, "net.ipv4.ip_forward\n");
  r = await run(sysctl, f.sys, ["sysctl", "net.ipv4..ip_forward"]);
  assert.deepEqual([r.out, r.err], ["net.ipv4..ip_forward = 1\n", "sysctl: separators should not be repeated: ..ip_forward\n"]);
  r = await run(sysctl, f.sys, ["sysctl", "-x"]);
  assert.deepEqual([r.code, r.err], [1, "sysctl: no variables specified\nTry `sysctl --help' for more information.\n"]);
  r = await run(sysctl, f.sys, ["sysctl"]);
  assert.equal(r.code, 1);
  assert.ok(r.err.startsWith("\nUsage:\n sysctl [options] [variable[=value] ...]\n"));
  f.sys.fs.write = () => ({ errno: "EINVAL" });
  r = await run(sysctl, f.sys, ["sysctl", "-w", "net.ipv4.ip_forward=abc"]);
  assert.deepEqual([r.code, r.err], [1, 'sysctl: setting key "net.ipv4.ip_forward": Invalid argument\n']);
});

test("sysctl -p file", async () => {
  const f = procSys();
  const conf = "net.ipv4.ip_forward = 1\n# c\nbad line\n-net.ipv4.nope = 3\nnet.ipv4.nope2=1\n";
  const r = await run(sysctl, f.sys, ["sysctl", "-p", "/tmp/s.conf"], { "/tmp/s.conf": conf });
  assert.deepEqual([r.code, r.out], [1, "net.ipv4.ip_forward = 1\n"]);
  assert.equal(
    r.err,
    "sysctl: /tmp/s.conf(3): invalid syntax, continuing...\n" +
      "sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory\n" +
      "sysctl: cannot stat /proc/sys/net/ipv4/nope2: No such file or directory\n",
  );
  const r2 = await run(sysctl, f.sys, ["sysctl", "-p", "/nonexist"]);
  assert.deepEqual([r2.code, r2.err], [1, 'sysctl: cannot open "/nonexist": No such file or directory\n']);
});

test("hostname", async () => {
  const f = fakeSys();
  let r = await run(hostname, f.sys, ["hostname"]);
  assert.equal(r.out, "h1\n");
  r = await run(hostname, f.sys, ["hostname", "newname"]);
  assert.equal(r.code, 0);
  r = await run(hostname, f.sys, ["hostname", "-s"]);
  assert.equal(r.out, "newname\n");
  r = await run(hostname, f.sys, ["hostname", "-f"]);
  assert.deepEqual([r.code, r.err], [1, "hostname: Temporary failure in name resolution\n"]);
});
