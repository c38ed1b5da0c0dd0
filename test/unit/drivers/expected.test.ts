/**
 * The device labs whose modules the lab kernel lacks (ipip, gre, sit, 8021q, dummy), and the
 * bridge labs of what it is built without (CONFIG_BRIDGE_VLAN_FILTERING, turned on by the lab's
 * `# tuxnet-kconfig:` line), carry a hand-checked transcript, X.expected.jsonl, derived from
 * upstream source and the seed text instead of a kernel run. They are regression tests: every
 * command must still match.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runExpanded } from "../../harness/labs.ts";
import { diffTranscripts } from "../../../src/lab/normalize.ts";
import { parseJsonl } from "../../../src/lab/transcript.ts";

const labs = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "labs");

for (const [family, f] of ["devices", "bridge"].flatMap((d) =>
  readdirSync(join(labs, d)).filter((f) => f.endsWith(".expected.jsonl")).sort().map((f) => [d, f] as const))) {
  const dir = join(labs, family);
  const lab = join(dir, f.replace(/\.expected\.jsonl$/, ".lab"));
  test(`${family}/${f}`, { timeout: 120_000 }, async () => {
    const expected = parseJsonl(readFileSync(join(dir, f), "utf8"));
    const r = diffTranscripts(expected, await runExpanded(lab), f);
    assert.equal(r.ok, r.n, r.report.slice(0, 4000));
  });
}
