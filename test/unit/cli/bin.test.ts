/**
 * `bin/tuxnet.js run --json` (the build in dist/ when it is fresh, src/ through tsx when not)
 * gives the transcript the library gives for the same lab: the compiled CLI is the same
 * program as the sources.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runLabText } from "../../../src/index.ts";

const root = join(fileURLToPath(import.meta.url), "..", "..", "..", "..");

const LAB = `# two namespaces on a bridge
#% host h1
ip netns add a
ip netns add b
ip link add br0 type bridge
ip link set br0 up
ip link add va type veth peer name eth0 netns a
ip link add vb type veth peer name eth0 netns b
ip link set va master br0 up
ip link set vb master br0 up
ip -n a addr add 10.0.0.1/24 dev eth0
ip -n b addr add 10.0.0.2/24 dev eth0
ip -n a link set eth0 up
ip -n b link set eth0 up
ip netns exec a ping -c2 -i 0.2 10.0.0.2
ip -n a neigh
ip link add br0 type bridge
`;

test("bin/tuxnet.js run --json: the library's transcript", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tuxnet-bin-"));
  try {
    const file = join(dir, "two.lab");
    writeFileSync(file, LAB);
    const r = spawnSync(process.execPath, [join(root, "bin", "tuxnet.js"), "run", "--json", file], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const got = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const want = (await runLabText(LAB, { name: "two" })).map(({ dump: _d, output: _o, ...e }) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);
    assert.equal(got.length, 15);
    assert.deepEqual(got, want);
    assert.match(String(got[12]!.stdout), /2 packets transmitted, 2 received/);
    assert.equal(got[14]!.exit, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
