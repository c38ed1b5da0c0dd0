import { test } from "node:test";
import assert from "node:assert/strict";
import { sedCompileError } from "../../../src/shell/sedcompile.ts";

const err = (s: string | string[], ext = false) => sedCompileError(Array.isArray(s) ? s : [s], ext)?.stderr;

test("GNU sed's messages, with the characters read when the error was found", () => {
  assert.equal(err("02:00:aa"), "sed: -e expression #1, char 3: : doesn't want any addresses\n");
  assert.equal(err("s/a"), "sed: -e expression #1, char 3: unterminated `s' command\n");
  assert.equal(err("s/a/b/q"), "sed: -e expression #1, char 7: unknown option to `s'\n");
  assert.equal(err("1,2,3p"), "sed: -e expression #1, char 4: unknown command: `,'\n");
  assert.equal(err("65536"), "sed: -e expression #1, char 5: missing command\n");
  assert.equal(err("0p"), "sed: -e expression #1, char 2: invalid usage of line address 0\n");
  assert.equal(err(["p", "k"]), "sed: -e expression #2, char 1: unknown command: `k'\n");
});

test("what only the whole program shows: an unmatched { where it was, a jump to no label (status 4)", () => {
  assert.equal(err(["{", "p"]), "sed: -e expression #1, char 0: unmatched `{'\n");
  assert.deepEqual(sedCompileError(["b foo"], false), { stderr: "sed: can't find label for jump to `foo'\n", exitCode: 4 });
  assert.equal(err(["b end", "p", ":end"]), undefined);
});

test("scripts that compile: blocks, negation, steps, a/i/c text, y with escapes, \\N within the groups", () => {
  for (const s of ["2{p;p}", "/a/,/b/{/b/!p}", "1!G;h;$!d", "1~2p", "0,/b/p", "y/a\\/b/x\\/y/", "$a end", "s/\\(a\\)\\(b\\)*/\\2\\1/g"])
    assert.equal(err(s), undefined, s);
  assert.equal(err("s/(a)/\\1/", true), undefined);
  assert.equal(err("s/a/\\1/", true), "sed: -e expression #1, char 7: invalid reference \\1 on `s' command's RHS\n");
});
