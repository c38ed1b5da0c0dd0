/** sysfs.ts: bitmap_parse() and "%*pb" of the queue masks */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bitmapParse, bitmapShow } from "../../../src/kernel/core/sysfs.ts";

test("bitmap_parse: 32-bit hex chunks from the end, EOVERFLOW past nbits or 8 digits, EINVAL otherwise", () => {
  assert.equal(bitmapParse("3\n", 2), 3n);
  assert.equal(bitmapParse(" 1", 2), 1n);
  assert.equal(bitmapParse(",1", 2), 1n);
  assert.equal(bitmapParse("00000001", 2), 1n);
  assert.equal(bitmapParse("", 2), 0n);
  assert.deepEqual(bitmapParse("4", 2), { errno: "EOVERFLOW" });
  assert.deepEqual(bitmapParse("1,0", 2), { errno: "EOVERFLOW" });
  assert.deepEqual(bitmapParse("100000000", 64), { errno: "EOVERFLOW" });
  assert.deepEqual(bitmapParse("0x1", 2), { errno: "EINVAL" });
  assert.equal(bitmapParse("1,00000000", 64), 1n << 32n);
});

test("%*pb: as many digits as nbits needs, 32-bit chunks comma-separated", () => {
  assert.equal(bitmapShow(0n, 2), "0");
  assert.equal(bitmapShow(3n, 2), "3");
  assert.equal(bitmapShow(1n, 64), "00000000,00000001");
  assert.equal(bitmapShow(0x1fn, 40), "00,0000001f");
});
