import { test } from "node:test";
import assert from "node:assert/strict";
import { trUnescape } from "../../../src/shell/shell.ts";

test("tr SETs: GNU escapes become the characters they stand for", () => {
  assert.equal(trUnescape("a-z"), "a-z");
  assert.equal(trUnescape("\\0"), "\0");
  assert.equal(trUnescape("\\000"), "\0");
  assert.equal(trUnescape("\\101"), "A");
  assert.equal(trUnescape("\\141-\\142"), "a-b");
  assert.equal(trUnescape("\\055"), "\\-");
  assert.equal(trUnescape("\\\\"), "\\\\");
  assert.equal(trUnescape("\\t\\n\\v"), "\t\n\v");
  assert.equal(trUnescape("\\400"), " 0");
  assert.equal(trUnescape("\\q"), "q");
});
