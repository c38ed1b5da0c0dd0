import { test } from "node:test";
import assert from "node:assert/strict";
import { xtraceQuote, xtraceWords } from "../../../src/shell/xtrace.ts";

test("a rewritten command is traced as written, the shell's plumbing not at all", () => {
  assert.deepEqual(xtraceWords("/usr/bin/__tool.12.ip", ["-V"]), ["ip", "-V"]);
  assert.deepEqual(xtraceWords("/usr/bin/__tool.fh3.ip", ["a", "b"]), ["ip", "a", "b"]);
  // `__tool FLAGS @!FD @1> FILE @2>> FILE NAME ARGS`
  assert.deepEqual(xtraceWords("/usr/bin/__tool", ["ff", "@!2", "@-hBc", "@1>", "out", "@2>>", "err", "ping", "-c1", "x"]), ["ping", "-c1", "x"]);
  assert.deepEqual(xtraceWords("/usr/bin/__tool", ["fr", "@!2", "@-hCBc", "@1>|", "out", "ip", "-V"]), ["ip", "-V"]);
  assert.deepEqual(xtraceWords("/usr/bin/__tool", ["12", "ip", "-V"]), ["ip", "-V"]);
  assert.deepEqual(xtraceWords("/usr/bin/__wait", ["%1"]), ["wait", "%1"]);
  assert.deepEqual(xtraceWords("/usr/bin/__jobspec", ["fg", "%1"]), ["fg", "%1"]);
  assert.equal(xtraceWords("/usr/bin/__mark", ["0", "hxBc", "12"]), null);
  assert.equal(xtraceWords("/usr/bin/__fwrite", [">", "f", "echo"]), null);
  assert.equal(xtraceWords("echo", ["a"]), undefined);
  assert.equal(xtraceWords("/usr/bin/env", ["a"]), undefined);
});

test("words are quoted as bash 5.2's xtrace quotes them", () => {
  assert.equal(xtraceQuote("plain"), "plain");
  assert.equal(xtraceQuote(""), "''");
  assert.equal(xtraceQuote("", true), "");
  assert.equal(xtraceQuote("a b"), "'a b'");
  assert.equal(xtraceQuote("it's"), "'it'\\''s'");
  assert.equal(xtraceQuote("'"), "\\'");
  assert.equal(xtraceQuote("a\tb"), "'a\tb'");
  assert.equal(xtraceQuote("a\nb"), "'a\nb'");
  assert.equal(xtraceQuote("\x01a\tb"), "$'\\001a\\tb'");
  assert.equal(xtraceQuote("x#"), "x#");
  assert.equal(xtraceQuote("#x"), "'#x'");
  assert.equal(xtraceQuote("a=~b"), "'a=~b'");
  assert.equal(xtraceQuote("a~b"), "a~b");
  assert.equal(xtraceQuote("é"), "é");
});
