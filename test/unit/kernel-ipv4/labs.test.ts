/**
 * Addresses, routes, rules, ifconfig/route ioctls, sysctls and IPv6 link-local against
 * transcripts of the real 6.18 kernel (fixtures/k1b-*.lab, made with
 * `labtool.py kernel X.lab --runs 1`). A ratchet: each lab must match at least as many
 * commands as when this part was written. Known gaps of other parts keep some below 100%:
 * `ip -6 addr` qlen (iproute2 print_queuelen's SIOCGIFTXQLEN fallback), dump errors
 * (`ip route show table 78`), multipath in ip, DAD timing (the runner does not advance time
 * between commands), ipv4 lifetimes counting down in real time.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { scoreLab } from "../../harness/labs.ts";

const here = dirname(fileURLToPath(import.meta.url));
const floors: Record<string, number> = { a: 64, b: 50, c: 52, d: 27, e: 17, f: 41, i: 34, j: 23, k: 13 };

for (const [name, floor] of Object.entries(floors)) {
  test(`kernel transcript k1b-${name}`, { timeout: 120_000 }, async () => {
    const r = await scoreLab(join(here, "fixtures", `k1b-${name}.lab`), `k1b-${name}`);
    assert.ok(r.ok >= floor, `${r.score}\n${r.report.slice(0, 4000)}`);
  });
}
