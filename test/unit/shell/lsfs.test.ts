/** ls -l of the host's own files (lsfs.ts) on the simulated clock (simfs.ts): root's files, GNU's format */
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostShell } from "../../../src/shell/shell.ts";
import { FakeHost, asSys } from "./fake.ts";
import { lsFsArgs, lsLongFs } from "../../../src/shell/lsfs.ts";

const macrotask = () => new Promise<void>((r) => setImmediate(r));

function setup() {
  const h = new FakeHost("h1");
  const sh = new HostShell({ root: asSys(h.root), commands: {}, sched: h.sched });
  const run = async (cmd: string) => {
    const { env: _env, output: _output, ...r } = await h.sched.drive(sh.exec(cmd), macrotask);
    return r;
  };
  return { run };
}

test("ls -la /tmp: root-owned, sticky /tmp, mtimes from the world's wall clock", async () => {
  const { run } = setup();
  // 1_700_000_000 = Tue Nov 14 22:13:20 UTC 2023; / holds 10 directories (/bin among them)
  assert.equal(
    (await run("ls -la /tmp")).stdout,
    "total 8\n" +
      "drwxrwxrwt  2 root root 4096 Nov 14 22:13 .\n" +
      "drwxr-xr-x 13 root root 4096 Nov 14 22:13 ..\n" +
      "-rw-r--r--  1 root root    0 Nov 14 22:13 .keep\n",
  );
  await run("sleep 120; echo hello > /tmp/a.txt; mkdir /tmp/d; ln -s a.txt /tmp/l; sleep 60; touch /tmp/e");
  assert.equal(
    (await run("ls -l /tmp")).stdout,
    "total 8\n" +
      "-rw-r--r-- 1 root root    6 Nov 14 22:15 a.txt\n" +
      "drwxr-xr-x 2 root root 4096 Nov 14 22:15 d\n" +
      "-rw-r--r-- 1 root root    0 Nov 14 22:16 e\n" +
      "lrwxrwxrwx 1 root root    5 Nov 14 22:15 l -> a.txt\n",
  );
  assert.equal((await run("ls -ld /tmp")).stdout, "drwxrwxrwt 3 root root 4096 Nov 14 22:16 /tmp\n");
  assert.equal((await run("ls -ln /tmp/a.txt")).stdout, "-rw-r--r-- 1 0 0 6 Nov 14 22:15 /tmp/a.txt\n");
  assert.equal(
    (await run("ls -lhtr /tmp")).stdout,
    // same mtime: -r reverses the name order of the tie too (GNU's comparator is negated)
    "total 8.0K\n" +
      "lrwxrwxrwx 1 root root    5 Nov 14 22:15 l -> a.txt\n" +
      "drwxr-xr-x 2 root root 4.0K Nov 14 22:15 d\n" +
      "-rw-r--r-- 1 root root    6 Nov 14 22:15 a.txt\n" +
      "-rw-r--r-- 1 root root    0 Nov 14 22:16 e\n",
  );
  assert.deepEqual(await run("ls -l /tmp/nope"), {
    stdout: "",
    stderr: "ls: cannot access '/tmp/nope': No such file or directory\n",
    exitCode: 2,
  });
});

test("stat: root's files, GNU's -c specifiers and errors", async () => {
  const { run } = setup();
  await run("sleep 5; echo hello > /tmp/a.txt; ln -s a.txt /tmp/l");
  assert.equal(
    (await run("stat -c '%U %G %u %g %a %A %s %F %h %Y|%N' /tmp/.keep /tmp/a.txt /tmp/l /tmp")).stdout,
    "root root 0 0 644 -rw-r--r-- 0 regular empty file 1 1700000000|'/tmp/.keep'\n" +
      "root root 0 0 644 -rw-r--r-- 6 regular file 1 1700000005|'/tmp/a.txt'\n" +
      "root root 0 0 777 lrwxrwxrwx 5 symbolic link 1 1700000005|'/tmp/l' -> 'a.txt'\n" +
      "root root 0 0 1777 drwxrwxrwt 4096 directory 2 1700000005|'/tmp'\n",
  );
  assert.equal((await run("stat -c '%y' /tmp/a.txt")).stdout, "2023-11-14 22:13:25.001000000 +0000\n");
  assert.deepEqual(await run("stat /nope"), {
    stdout: "",
    stderr: "stat: cannot statx '/nope': No such file or directory\n",
    exitCode: 1,
  });
});

test("ls -l /: the directories that hold mount points (/run, /usr) carry the world's clock, not the real machine's", async () => {
  const { run } = setup();
  const out = (await run("ls -ld /run /usr /etc")).stdout;
  assert.equal(
    out,
    "drwxr-xr-x 3 root root 4096 Nov 14 22:13 /etc\n" +
      "drwxr-xr-x 3 root root 4096 Nov 14 22:13 /run\n" +
      "drwxr-xr-x 4 root root 4096 Nov 14 22:13 /usr\n",
  );
});

test("ls -l of a directory of 130,000 files lists them all (no argument spread of the rows)", async () => {
  const { InMemoryFs } = await import("just-bash");
  const fs = new InMemoryFs();
  await fs.mkdir("/d", { recursive: true });
  for (let i = 0; i < 130_000; i++) await fs.writeFile(`/d/f${i}`, "");
  const o = lsFsArgs(["-l", "/d"]);
  assert.ok(o && !("error" in o));
  const r = await lsLongFs(fs, o, "/", 1_700_000_000);
  const lines = r.stdout.split("\n");
  assert.equal(lines.length, 130_002); // total line, the files, the final newline
  assert.match(lines[1]!, /^-rw-r--r-- 1 root root 0 .* f0$/);
});
