import { test } from "node:test";
import assert from "node:assert/strict";
import { strverscmp } from "../../../src/userland/lib/strverscmp.ts";

test("strverscmp orders as glibc's does (signs from glibc 2.36)", () => {
  const cases: [string, string, number][] = [
    ["ia", "4.9", 1], ["4.0", "4.9", -1], ["4.9", "4.9", 0], ["4.10", "4.9", 1], ["5", "4.9", 1],
    ["4.8.1", "4.9", -1], ["1.09", "1.1", -1], ["1.1", "1.10", -1], ["000", "00", -1], ["00", "01", -1],
    ["01", "010", -1], ["0", "a", -1], ["a", "0", 1], ["item#99", "item#100", -1], ["alpha1", "alpha001", 1],
    ["4.9a", "4.9", 1], ["", "", 0], ["", "1", -1],
  ];
  for (const [a, b, want] of cases) assert.equal(Math.sign(strverscmp(a, b)), want, `${a} vs ${b}`);
});
