import { test } from "node:test";
import assert from "node:assert/strict";
import { ip } from "../../../src/userland/iproute2/ip.ts";
import { fakeSys, run } from "./fakesys.ts";

test("ip -batch: comments, continuation lines, failures, -force", async () => {
  const f = fakeSys();
  const file = "link show lo\n# comment\nlink show \\\n dev lo\nfoo\nlink show lo\n";
  let r = await run(ip, f.sys, ["ip", "-b", "/tmp/b"], { "/tmp/b": file });
  assert.equal(r.code, 1);
  assert.equal(r.out.split("\n").filter((l) => l.startsWith("1: lo")).length, 2);
  assert.equal(r.err, 'Object "foo" is unknown, try "ip help".\nCommand failed /tmp/b:5\n');
  r = await run(ip, f.sys, ["ip", "-force", "-batch", "/tmp/b"], { "/tmp/b": file });
  assert.equal(r.out.split("\n").filter((l) => l.startsWith("1: lo")).length, 3);
  r = await run(ip, f.sys, ["ip", "-b", "/nonexist"]);
  assert.deepEqual([r.code, r.err], [1, 'Cannot open file "/nonexist" for reading: No such file or directory\n']);
});
