/** procfs.ts: a path resolves entry by entry (FsNode.child) to what the directories list */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cabledPair, run } from "./harness.ts";
import { isKErr } from "../../../src/kernel/uapi/errno.ts";
import type { KernelFs } from "../../../src/kernel/uapi/syscalls.ts";

/** every directory under `dir`, depth first, and what each lists */
function walk(fs: KernelFs, dir: string, out: Map<string, string[]>): void {
  const names = fs.readdir(dir);
  assert.ok(!isKErr(names), `readdir ${dir}`);
  out.set(dir, names);
  for (const n of names) {
    const p = `${dir}/${n}`;
    const st = fs.stat(p);
    assert.ok(!isKErr(st), `stat ${p}, listed in ${dir}`);
    const l = fs.lstat!(p);
    if (st.isDirectory && !isKErr(l) && !l.isSymlink) walk(fs, p, out);
  }
}

test("/proc: each entry a directory lists resolves, a name it does not list does not", async () => {
  const { a } = await cabledPair();
  await run(a, "ip link add br0 type bridge");
  const fs = a.fs;
  const dirs = new Map<string, string[]>();
  walk(fs, "/proc", dirs);
  assert.ok(dirs.has("/proc/sys/net/ipv4/conf/eth0"));
  assert.ok(dirs.has("/proc/net/stat"));
  for (const dir of dirs.keys()) {
    const missing = fs.stat(`${dir}/no_such_entry`);
    assert.deepEqual(isKErr(missing) && missing.errno, "ENOENT", `${dir}/no_such_entry`);
  }
  // a directory of /proc/sys resolves before any listing of the tree, as after it
  assert.equal(fs.read("/proc/sys/net/ipv4/conf/br0/forwarding"), "0\n");
  assert.ok(isKErr(fs.read("/proc/sys/net/ipv4/conf/nodev/forwarding")));
  assert.deepEqual(fs.read("/proc/sys/net/ipv4"), { errno: "EISDIR" });
});

test("/proc/sys/net/ipv4/conf/DEV comes and goes with the device", async () => {
  const { a } = await cabledPair();
  const fs = a.fs;
  assert.ok(isKErr(fs.stat("/proc/sys/net/ipv4/conf/d0")));
  await run(a, "ip link add d0 type bridge");
  assert.equal((fs.stat("/proc/sys/net/ipv4/conf/d0") as { isDirectory: boolean }).isDirectory, true);
  assert.equal(fs.read("/proc/sys/net/ipv4/conf/d0/rp_filter"), "0\n");
  await run(a, "ip link del d0");
  assert.ok(isKErr(fs.stat("/proc/sys/net/ipv4/conf/d0")));
  assert.ok(!(fs.readdir("/proc/sys/net/ipv4/conf") as string[]).includes("d0"));
});
