import { test } from "node:test";
import assert from "node:assert/strict";
import { breToEre, grepArgs } from "../../../src/shell/grep.ts";

test("BRE operators become ERE operators, ERE metacharacters become literals", () => {
  assert.equal(breToEre("a\\+b\\?c\\{2\\}"), "a+b?c{2}");
  assert.equal(breToEre("\\(ab\\)\\|cd"), "(ab)|cd");
  assert.equal(breToEre("a+b?(c)|{d}"), "a\\+b\\?\\(c\\)\\|\\{d\\}");
});

test("^ and $ anchor only at the ends of an expression, alternative or group", () => {
  assert.equal(breToEre("^a$"), "^a$");
  assert.equal(breToEre("a^b$c"), "a\\^b\\$c");
  assert.equal(breToEre("b$\\|^$"), "b$|^$");
  assert.equal(breToEre("\\(^a$\\)"), "(^a$)");
});

test("* is a literal where nothing precedes it", () => {
  assert.equal(breToEre("*a"), "\\*a");
  assert.equal(breToEre("^*a"), "^\\*a");
  assert.equal(breToEre("\\(*a\\)"), "(\\*a)");
  assert.equal(breToEre("a*"), "a*");
});

test("bracket expressions are copied as they are", () => {
  assert.equal(breToEre("x[]+(]y"), "x[]+(]y");
  assert.equal(breToEre("[^]a]*"), "[^]a]*");
  assert.equal(breToEre("a[[:digit:]]+"), "a[[:digit:]]\\+");
});

test("grep's pattern options end up as one -E expression; -F, -P and -f are left alone", () => {
  assert.deepEqual(grepArgs(["-v", "a\\|b", "f"]), ["-E", "-v", "-e", "a|b", "f"]);
  assert.deepEqual(grepArgs(["-e", "x\\+", "-ey", "--regexp=z", "f"]), ["-E", "-e", "(x+)|(y)|(z)", "f"]);
  assert.deepEqual(grepArgs(["-E", "a+"]), ["-E", "-E", "-e", "a+"]);
  assert.deepEqual(grepArgs(["-nA", "2", "a\\?"]), ["-E", "-nA", "2", "-e", "a?"]);
  assert.deepEqual(grepArgs(["--", "-a\\+"]), ["-E", "-e", "-a+", "--"]);
  assert.equal(grepArgs(["-F", "a+"]), undefined);
  assert.equal(grepArgs(["-f", "pats", "file"]), undefined);
  assert.equal(grepArgs(["-c"]), undefined);
});
