import { test } from "node:test";
import assert from "node:assert/strict";
import { headBytes, parseHeadBytes } from "../../../src/shell/head.ts";

test("byte counts take coreutils' suffixes: K/k/KiB 1024, KB 1000, b 512, M/m, G", () => {
  assert.equal(parseHeadBytes("7"), 7);
  assert.equal(parseHeadBytes("2K"), 2048);
  assert.equal(parseHeadBytes("2k"), 2048);
  assert.equal(parseHeadBytes("2KiB"), 2048);
  assert.equal(parseHeadBytes("2KB"), 2000);
  assert.equal(parseHeadBytes("1b"), 512);
  assert.equal(parseHeadBytes("1m"), 1 << 20);
  assert.equal(parseHeadBytes("1G"), 1 << 30);
  assert.equal(parseHeadBytes("1GB"), 1e9);
});

test("what is not a count is undefined: other suffixes, trailing junk, signs, empty", () => {
  for (const s of ["2X", "2B", "1KX", "1Kib", "", "K", "-1", "1.5K"]) assert.equal(parseHeadBytes(s), undefined, s);
});

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const io = (files: Record<string, string>, stdin = "") => ({
  resolve: (f: string) => (f.startsWith("/") ? f : `/root/${f}`),
  read: async (p: string) => {
    if (p === "/dev/zero") return new Uint8Array(4);
    const f = files[p];
    return f === undefined ? "No such file or directory" : enc(f);
  },
  stdin: enc(stdin),
});

test("an endless device is read again until the count is reached", async () => {
  const r = await headBytes(["-c", "10", "/dev/zero"], io({}));
  assert.equal(r?.stdout, "\0".repeat(10));
});

test("several files get headers (blank line between), -q none, a missing one an error", async () => {
  const files = { "/root/a": "abcdef", "/root/b": "012345" };
  assert.equal((await headBytes(["-c", "2", "a", "b"], io(files)))?.stdout, "==> a <==\nab\n==> b <==\n01");
  assert.equal((await headBytes(["-qc", "2", "a", "b"], io(files)))?.stdout, "ab01");
  const r = await headBytes(["-c", "1K", "x", "a"], io(files));
  assert.deepEqual([r?.stdout, r?.stderr, r?.exitCode], ["==> a <==\nabcdef", "head: cannot open 'x' for reading: No such file or directory\n", 1]);
});

test("-c -N leaves out the last N bytes; line counts and -NUM stay just-bash's", async () => {
  assert.equal((await headBytes(["-c", "-2", "-"], io({}, "abcd")))?.stdout, "ab");
  assert.equal(await headBytes(["-n", "2", "a"], io({})), undefined);
  assert.equal(await headBytes(["-5", "a"], io({})), undefined);
});
