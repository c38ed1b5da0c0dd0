import { test } from "node:test";
import assert from "node:assert/strict";
import { xstrtoumax, xdectoumax, LONGINT_OK, LONGINT_OVERFLOW, LONGINT_INVALID, LONGINT_INVALID_SUFFIX_CHAR, UINTMAX_MAX } from "../../../src/userland/lib/xstrtol.ts";
import { quote } from "../../../src/userland/lib/quotearg.ts";

const SUF = "bkKmMGTPEZY0";
const v = (s: string, suf: string | undefined = SUF) => xstrtoumax(s, 10, suf);

test("suffixes: K/k/KiB 1024, KB/KD 1000, b 512, M/m, G, E; a bare suffix is 1 of it", () => {
  assert.deepEqual(v("7"), { err: LONGINT_OK, val: 7n });
  assert.equal(v("2K").val, 2048n);
  assert.equal(v("2k").val, 2048n);
  assert.equal(v("2KiB").val, 2048n);
  assert.equal(v("2KB").val, 2000n);
  assert.equal(v("2KD").val, 2000n);
  assert.equal(v("1b").val, 512n);
  assert.equal(v("1m").val, 1n << 20n);
  assert.equal(v("1GB").val, 1_000_000_000n);
  assert.equal(v("1E").val, 1n << 60n);
  assert.equal(v("k").val, 1024n);
  assert.equal(v(" 3").val, 3n);
  assert.equal(v("+3").val, 3n);
});

test("what is not a count: signs, no digits, junk after the suffix, a suffix not listed", () => {
  for (const s of ["-1", "", "x", " k", "+k"]) assert.equal(v(s).err, LONGINT_INVALID, s);
  for (const s of ["2X", "1KX", "1Kib", "1e", "1Q", "1.5K"]) assert.ok(v(s).err & LONGINT_INVALID_SUFFIX_CHAR, s);
  // without suffixes allowed ("" as tail's --pid), anything after the digits
  assert.ok(v("5k", "").err & LONGINT_INVALID_SUFFIX_CHAR);
});

test("past 2^64 - 1 is an overflow, saturated; with junk as well it is both", () => {
  assert.deepEqual(v("18446744073709551615"), { err: LONGINT_OK, val: UINTMAX_MAX });
  assert.deepEqual(v("18446744073709551616"), { err: LONGINT_OVERFLOW, val: UINTMAX_MAX });
  assert.equal(v("1Z").err, LONGINT_OVERFLOW);
  assert.equal(v("1Zx").err, LONGINT_OVERFLOW | LONGINT_INVALID_SUFFIX_CHAR);
});

test("xdectoumax() words its refusals as coreutils: quote(), strerror() only for a value too large", () => {
  assert.equal(xdectoumax("tail", "x", 0n, UINTMAX_MAX, SUF, "invalid number of lines"), "tail: invalid number of lines: 'x'\n");
  assert.equal(
    xdectoumax("head", "1Y", 0n, UINTMAX_MAX, SUF, "invalid number of bytes"),
    "head: invalid number of bytes: '1Y': Value too large for defined data type\n",
  );
  assert.equal(xdectoumax("tail", "1Yx", 0n, UINTMAX_MAX, SUF, "invalid number of lines"), "tail: invalid number of lines: '1Yx'\n");
  assert.equal(xdectoumax("tail", "12", 0n, UINTMAX_MAX, SUF, "n"), 12n);
});

test("quote(): always quoted, C escapes for the quote, the backslash and non-printables", () => {
  assert.equal(quote("x"), "'x'");
  assert.equal(quote("a'b"), "'a\\'b'");
  assert.equal(quote("a\\b"), "'a\\\\b'");
  assert.equal(quote("a\nb\u0001"), "'a\\nb\\001'");
  assert.equal(quote("é"), "'\\303\\251'");
});
