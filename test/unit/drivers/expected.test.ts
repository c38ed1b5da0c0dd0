/**
 * The device labs whose modules the lab kernel lacks (ipip, gre, sit, 8021q, dummy) carry a
 * hand-checked transcript, X.expected.jsonl, derived from upstream source and the seed text
 * instead of a kernel run. They are regression tests: every command must still match.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runExpanded } from "../../harness/labs.ts";
import { diffTranscripts } from "../../../src/lab/normalize.ts";
import { parseJsonl } from "../../../src/lab/transcript.ts";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "labs", "devices");

for (const f of readdirSync(dir).filter((f) => f.endsWith(".expected.jsonl")).sort()) {
  const lab = join(dir, f.replace(/\.expected\.jsonl$/, ".lab"));
  test(`devices/${f}`, { timeout: 120_000 }, async () => {
    const expected = parseJsonl(readFileSync(join(dir, f), "utf8"));
    const r = diffTranscripts(expected, await runExpanded(lab), f);
    assert.equal(r.ok, r.n, r.report.slice(0, 4000));
  });
}
