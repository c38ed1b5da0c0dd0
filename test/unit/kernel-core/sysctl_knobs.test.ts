/** sysctl_knobs.ts: each proc handler kind's parsing, bounds and text */
import { test } from "node:test";
import assert from "node:assert/strict";
import { knobs, knobTable } from "../../../src/kernel/core/sysctl_knobs.ts";

function entry(spec: Parameters<typeof knobs>[0][number]) {
  return knobTable(knobs([spec]))[0]!;
}

test("u8 and uint: no minus sign, the bounds, 0..255 by default for u8", () => {
  const u8 = entry(["x", "u8", 1]);
  assert.equal(u8.write!("255"), undefined);
  assert.equal(u8.read(), "255\n");
  assert.deepEqual(u8.write!("256"), { errno: "EINVAL" });
  assert.deepEqual(u8.write!("-1"), { errno: "EINVAL" });
  assert.deepEqual(u8.write!("1x"), { errno: "EINVAL" });
  const ui = entry(["y", "uint", 7, 1, 0xfff]);
  assert.deepEqual(ui.write!("0"), { errno: "EINVAL" });
  assert.equal(ui.write!(" 4095\n"), undefined);
  assert.equal(ui.read(), "4095\n");
  assert.deepEqual(entry(["z", "uint", 0]).write!("4294967296"), { errno: "EINVAL" });
});

test("ulong keeps 64-bit values exactly", () => {
  const e = entry(["n", "ulong", 1000000n]);
  assert.equal(e.write!("18446744073709551615"), undefined);
  assert.equal(e.read(), "18446744073709551615\n");
  assert.deepEqual(e.write!("18446744073709551616"), { errno: "EINVAL" });
  const w = entry(["w", "ulong", 0n, 0, (1n << 56n) - 1n]);
  assert.deepEqual(w.write!("72057594037927936"), { errno: "EINVAL" });
  assert.equal(w.write!("72057594037927935"), undefined);
});

test("ms_jiffies rounds up to a jiffy (4 ms at HZ 250); jiffies bounds INT_MAX / HZ", () => {
  const ms = entry(["r", "ms_jiffies", 500]);
  assert.equal(ms.read(), "500\n");
  ms.write!("501");
  assert.equal(ms.read(), "504\n");
  assert.deepEqual(entry(["m", "ms_jiffies", 100, 0]).write!("-5"), { errno: "EINVAL" });
  const j = entry(["k", "jiffies", 7200]);
  assert.equal(j.write!("-1"), undefined);
  assert.deepEqual(j.write!("8589935"), { errno: "EINVAL" });
});

test("a large bitmap reads back as ranges and refuses a bit past its length", () => {
  const b = entry(["p", "bitmap", "0-1,3-127", undefined, 256]);
  assert.equal(b.read(), "0-1,3-127\n");
  assert.equal(b.write!("9,1-3,5\n"), undefined);
  assert.equal(b.read(), "1-3,5,9\n");
  assert.deepEqual(b.write!("256"), { errno: "EINVAL" });
  assert.deepEqual(b.write!("5-3"), { errno: "EINVAL" });
  assert.equal(b.write!(""), undefined);
  assert.equal(b.read(), "\n");
});
