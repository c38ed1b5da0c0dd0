/** An expansion error ends the line: 127 for a `bash -c` line (FORCE_EOF), 1 for an interactive
 * shell's, which goes on to its next line (patch edits 29 and 30). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostShell } from "../../../src/shell/shell.ts";
import { FakeHost, asSys } from "./fake.ts";

const macrotask = () => new Promise<void>((r) => setImmediate(r));

function shell(interactive: boolean) {
  const h = new FakeHost("h1");
  const sh = new HostShell({ root: asSys(h.root), commands: {}, sched: h.sched });
  sh.interactive = interactive;
  return async (cmd: string) => {
    const { stdout, stderr, exitCode } = await h.sched.drive(sh.exec(cmd), macrotask);
    return { stdout, stderr, exitCode };
  };
}

test("nounset and ${x?}: 127 for a line, 1 for an interactive shell, without the line number there", async () => {
  const line = shell(false);
  assert.deepEqual(await line("set -u; echo $nosuch; echo after"), { stdout: "", stderr: "bash: line 1: nosuch: unbound variable\n", exitCode: 127 });
  assert.deepEqual(await line("echo ${y:?oops}; echo after"), { stdout: "", stderr: "bash: line 1: y: oops\n", exitCode: 127 });
  const tty = shell(true);
  assert.deepEqual(await tty("set -u; echo $nosuch; echo after"), { stdout: "", stderr: "bash: nosuch: unbound variable\n", exitCode: 1 });
});

test("an arithmetic expansion's error: bash's message, the line ends with 1", async () => {
  const line = shell(false);
  assert.deepEqual(await line("x=5; echo $(( 10 / (x - 5) )); echo after"), {
    stdout: "",
    stderr: 'bash: line 1: 10 / (x - 5) : division by 0 (error token is "(x - 5) ")\n',
    exitCode: 1,
  });
  assert.deepEqual(await line("((3 ** -1)); echo st=$?"), { stdout: "st=1\n", stderr: 'bash: line 1: ((: 3 ** -1: exponent less than 0 (error token is "1")\n', exitCode: 0 });
});

test("$- is an interactive bash's on the interactive shell, a bash -c line's elsewhere", async () => {
  assert.equal((await shell(true)("echo $-; set -u -C; echo $-")).stdout, "himBHs\nhimuBCHs\n");
  assert.equal((await shell(false)("echo $-; set -u -C; echo $-")).stdout, "hBc\nhuBCc\n");
});
