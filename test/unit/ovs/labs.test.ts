/**
 * The OVS labs (test/labs/ovs/*.lab): the kernel cannot record them (no openvswitch module), so
 * each has an X.expected.jsonl derived from the OVS 3.1 sources and the seed text; tuxnet must
 * match it command for command (labtool's normalization) and state dump for state dump.
 * Commands of tools that are not in the command table yet (tcpdump) are reported, not failed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { runExpanded } from "../../harness/labs.ts";
import { diffTranscripts } from "../../../src/lab/normalize.ts";
import { parseJsonl } from "../../../src/lab/transcript.ts";
import { commands } from "../../../src/userland/index.ts";

const DIR = join(import.meta.dirname, "../../labs/ovs");

for (const f of readdirSync(DIR).filter((x) => x.endsWith(".lab")).sort()) {
  const lab = join(DIR, f);
  const exp = lab.replace(/\.lab$/, ".expected.jsonl");
  if (!existsSync(exp)) continue;
  test(`lab ovs/${f}`, async () => {
    const expected = parseJsonl(readFileSync(exp, "utf8"));
    const entries = await runExpanded(lab);
    const r = diffTranscripts(expected, entries, f);
    const cmds = expected.filter((e) => !e.cmd.includes("labtool:dump"));
    const failed = r.matches.map((ok, i) => (ok ? undefined : cmds[i]!.cmd)).filter((c): c is string => c !== undefined);
    const missingTool = (c: string) => c.split(/[\s;&|]+/).some((w) => w === "tcpdump") && !commands.tcpdump;
    const real = failed.filter((c) => !missingTool(c));
    if (failed.length !== real.length) console.log(`${f}: skipped (tool missing): ${failed.filter(missingTool).join(" | ")}`);
    assert.deepEqual(real, [], r.report + r.score);
    assert.equal(r.dok, r.nd, r.score);
  });
}
