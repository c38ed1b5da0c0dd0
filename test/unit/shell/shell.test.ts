import { test } from "node:test";
import assert from "node:assert/strict";
import { HostShell } from "../../../src/shell/shell.ts";
import type { CommandTable } from "../../../src/userland/process.ts";
import { FakeHost, asSys } from "./fake.ts";

const macrotask = () => new Promise<void>((r) => setImmediate(r));

function setup() {
  const h = new FakeHost("h1");
  const commands: CommandTable = {
    now: async (p) => {
      p.stdout.write(`${p.sys.now()}\n`);
      return 0;
    },
    nsx: async (p) => {
      // nsx NS cmd... : like ip netns exec
      const ns = p.argv[1]!;
      const s = p.sys.netnsEnter(ns);
      if ("errno" in s) {
        p.stderr.write(`no ns ${ns}\n`);
        return 1;
      }
      return p.spawn(p.argv.slice(2), s);
    },
    mkns: async (p) => {
      p.sys.netnsAdd(p.argv[1]!);
      return 0;
    },
    where: async (p) => {
      p.stdout.write(`[${p.sys.netnsName}] ${p.cwd} ${p.stdin.trim()}\n`);
      return 3;
    },
  };
  const sh = new HostShell({ root: asSys(h.root), commands, sched: h.sched });
  const run = (cmd: string) => h.sched.drive(sh.exec(cmd), macrotask);
  return { h, sh, run };
}

test("custom commands, pipes, exit codes, not found", async () => {
  const { run } = setup();
  assert.deepEqual(await run("echo hi | where; echo $?"), { stdout: "[] /root hi\n3\n", stderr: "", exitCode: 0 });
  const r = await run("nosuch x");
  assert.equal(r.exitCode, 127);
  assert.equal(r.stderr, "bash: nosuch: command not found\n");
});

test("sleep and background jobs run on the simulated clock", async () => {
  const { h, run } = setup();
  const r = await run("sleep 2; now; (sleep 3; now) & sleep 1; now; wait; now");
  assert.equal(r.stdout, "2000000\n3000000\n5000000\n5000000\n");
  assert.equal(h.sched.now, 5_000_000);
  const r2 = await run("sleep 1 & sleep 2 & wait; now");
  assert.equal(r2.stdout, "7000000\n");
  const r3 = await run("sleep x");
  assert.equal(r3.stderr, "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n");
});

test("/proc reads and writes reach the namespace's kernel; netns exec re-enters the shell", async () => {
  const { h, run } = setup();
  assert.equal((await run("cat /proc/sys/net/ipv4/ip_forward")).stdout, "0\n");
  await run("echo 1 > /proc/sys/net/ipv4/ip_forward");
  assert.equal(h.root.ipForward, "1");
  await run("mkns a; ls /run/netns");
  assert.equal((await run("ls /run/netns")).stdout, "a\n");
  const r = await run("nsx a bash -c 'cat /proc/sys/net/ipv4/ip_forward; where'");
  assert.equal(r.stdout, "0\n[a] /root \n");
  assert.equal(r.exitCode, 3);
  await run("nsx a sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'");
  assert.equal(h.netns.get("a")!.ipForward, "1");
  // files are shared between namespaces of the host
  await run("nsx a bash -c 'echo x > /tmp/f'");
  assert.equal((await run("cat /tmp/f")).stdout, "x\n");
});

test("redirections into /proc report the kernel's errors as bash does", async () => {
  const { h, run } = setup();
  assert.deepEqual(await run("echo abc > /proc/sys/net/ipv4/ip_forward; echo $?"), {
    stdout: "1\n",
    stderr: "bash: echo: write error: Invalid argument\n",
    exitCode: 0,
  });
  assert.deepEqual(await run("echo 1 > /proc/sys/nope"), {
    stdout: "",
    stderr: "bash: /proc/sys/nope: No such file or directory\n",
    exitCode: 1,
  });
  await run("F=/proc/sys/net/ipv4/ip_forward; echo 7 >$F && cat $F");
  assert.equal(h.root.ipForward, "7");
  // the job-control rewrite and this one compose
  await run("(echo 5 > /proc/sys/net/ipv4/ip_forward) & wait");
  assert.equal(h.root.ipForward, "5");
});
