/**
 * The filter compiler against libpcap 1.10.3: fixtures/filters.json holds, for each capture,
 * how many packets `tcpdump -n -r FILE EXPR` printed on this machine (or its error message).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parsePcap } from "../../../src/wire/pcap.ts";
import { compileFilter, FilterError } from "../../../src/userland/tcpdump/gencode.ts";
import { SERVICES } from "../../../src/userland/iptables/services.ts";

const dir = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const expected = JSON.parse(readFileSync(join(dir, "filters.json"), "utf8")) as Record<string, Record<string, number | string>>;
const resolver = {
  host: () => undefined,
  service: (name: string, proto: "tcp" | "udp") => {
    for (const [k, v] of Object.entries(SERVICES[proto] ?? {})) if (v === name) return Number(k);
    return undefined;
  },
};

for (const [file, cases] of Object.entries(expected)) {
  test(`filters over ${file}`, () => {
    const pc = parsePcap(new Uint8Array(readFileSync(join(dir, file))));
    assert.ok(!("error" in pc));
    for (const [expr, want] of Object.entries(cases)) {
      let got: number | string;
      try {
        const m = compileFilter(expr, resolver);
        got = pc.records.filter((r) => m({ b: r.data, len: r.len, typeOff: 12, nlOff: 14 })).length;
      } catch (e) {
        if (!(e instanceof FilterError)) throw e;
        got = `ERR ${e.message}`;
      }
      assert.equal(got, want, expr);
    }
  });
}
