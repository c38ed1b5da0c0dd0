/**
 * The part's labs (test/labs/tcpdump/*.lab) through tuxnet with tcpdump and nc in the command
 * table, scored against their kernel transcripts. The floors are today's scores; what does not
 * match yet is listed in the report of the part (ephemeral ports and IP ids vary on the kernel
 * itself; 2>&1 ordering and binary files are the shell's; TCP is not in the kernel yet).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { scorePartLab } from "./labrun.ts";

const labs = join(dirname(fileURLToPath(import.meta.url)), "../../labs/tcpdump");
const floors: Record<string, number> = { basics: 48, nc: 33, traceroute: 24, loopback: 4, options: 37, "nc-tcp": 19, http: 14, vxlan: 30, dns: 42 };

for (const [name, floor] of Object.entries(floors)) {
  test(`lab tcpdump/${name}`, { timeout: 300_000 }, async () => {
    const r = await scorePartLab(join(labs, `${name}.lab`));
    console.log(r.score);
    assert.ok(r.ok >= floor, `${r.score}\n${r.report.slice(0, 3000)}`);
  });
}
