/** The host's process table: pids, kill/jobs/wait builtins, ps/pgrep/pkill/killall, daemons. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostShell } from "../../../src/shell/shell.ts";
import { FIRST_PID, ProcTable } from "../../../src/shell/proctab.ts";
import { simpleCommand } from "../../../src/shell/jobs.ts";
import { procpsCommands } from "../../../src/userland/procps/index.ts";
import { signalFromSpec, signalName } from "../../../src/userland/procps/kill.ts";
import type { CommandTable } from "../../../src/userland/process.ts";
import { FakeHost, asSys } from "./fake.ts";

const macrotask = () => new Promise<void>((r) => setImmediate(r));

function setup(interactive = false) {
  const h = new FakeHost("h1");
  const commands: CommandTable = {
    ps: procpsCommands.ps!,
    pgrep: procpsCommands.pgrep!,
    pkill: procpsCommands.pkill!,
    killall: procpsCommands.killall!,
    // a foreground server: serves until signalled, then exits 0 as a handler would not
    serve: async (p) => {
      if (!p.signal.aborted) {
        const b = p.sys.block();
        p.signal.addEventListener("abort", () => b.unblock());
        await b.promise;
      }
      p.stdout.write("bye\n");
      return 0;
    },
  };
  const sh = new HostShell({ root: asSys(h.root), commands, sched: h.sched });
  sh.interactive = interactive;
  const run = async (cmd: string) => {
    const { env: _env, output: _output, ...r } = await h.sched.drive(sh.exec(cmd), macrotask);
    return r;
  };
  return { h, sh, run };
}

test("signal names and numbers", () => {
  assert.equal(signalFromSpec("TERM"), 15);
  assert.equal(signalFromSpec("sigkill"), 9);
  assert.equal(signalFromSpec("9"), 9);
  assert.equal(signalFromSpec("RTMIN+1"), 35);
  assert.equal(signalFromSpec("FOO"), undefined);
  assert.equal(signalName(2), "INT");
  assert.equal(signalName(63), "RTMAX-1");
});

test("simple background commands are their program", () => {
  assert.deepEqual(simpleCommand("sleep 10"), { comm: "sleep", args: ["sleep", "10"] });
  assert.deepEqual(simpleCommand("dnsmasq -d > /tmp/log 2>&1")?.comm, "dnsmasq");
  assert.equal(simpleCommand("sleep 1; echo x"), undefined);
  assert.equal(simpleCommand("a | b"), undefined);
  assert.equal(simpleCommand("false"), undefined);
});

test("pids go upwards from FIRST_PID; kill of a missing pid is ESRCH", () => {
  const t = new ProcTable(() => 0);
  assert.equal(t.allocPid(), FIRST_PID);
  assert.equal(t.allocPid(), FIRST_PID + 1);
  assert.equal(t.kill(424242, 15), 3);
  assert.equal(t.list()[0]!.comm, "systemd");
});

test("$! is the job's pid, ps lists it, kill ends it with 143", async () => {
  const { run } = setup();
  const r = await run("sleep 10 & echo $!; ps -o pid=,comm=; kill $!; wait $!; echo rc=$?");
  const pid = r.stdout.split("\n")[0]!;
  assert.match(pid, /^\d{6}$/);
  assert.match(r.stdout, new RegExp(`^ *${pid} sleep$`, "m"));
  assert.match(r.stdout, /rc=143\n$/);
  assert.equal(r.stderr, "");
});

test("kill -9 reports Killed; kill errors are bash's", async () => {
  const { run } = setup();
  const r = await run("sleep 10 & kill -9 %1; wait %1; echo rc=$?");
  assert.equal(r.stdout, "rc=137\n");
  assert.match(r.stderr, /^bash: line 1: \d+ Killed {18}sleep 10\n$/);
  const e = await run("kill 999999; kill %4; kill abc; kill -FOO 1");
  assert.equal(
    e.stderr,
    "bash: line 1: kill: (999999) - No such process\nbash: line 1: kill: %4: no such job\n" +
      "bash: line 1: kill: abc: arguments must be process or job IDs\nbash: line 1: kill: FOO: invalid signal specification\n",
  );
  assert.equal(e.exitCode, 1);
});

test("jobs lists running jobs with + and -", async () => {
  const { run } = setup();
  const r = await run("sleep 1 & sleep 2 & jobs; jobs -p | wc -l; kill %1 %2");
  assert.equal(r.stdout, "[1]-  Running                 sleep 1 &\n[2]+  Running                 sleep 2 &\n2\n");
});

test("pgrep/pkill/killall select by name, never themselves", async () => {
  const { run } = setup();
  // pkill's SIGTERM, not caught, ends it where it is: its "bye" never comes
  const r = await run("serve & sleep 0.01; pgrep -l serve; pkill serve; echo rc=$?; wait; pgrep serve; echo rc=$?");
  assert.match(r.stdout, /^\d+ serve\nrc=0\nrc=1\n$/);
  const k = await run("killall nosuch; echo rc=$?; pgrep pgrep; echo rc=$?");
  assert.equal(k.stdout, "rc=1\nrc=1\n");
  assert.equal(k.stderr, "nosuch: no process found\n");
});

test("ps -ef shows the line's bash as parent; a lone command is exec'd by it", async () => {
  const { run } = setup();
  const r = await run("ps -ef; true");
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "UID          PID    PPID  C STIME TTY          TIME CMD");
  const m = /^root +(\d+) +1 +0 \S+ \? +00:00:00 bash -c ps -ef; true$/.exec(lines[2]!);
  assert.ok(m, lines[2]);
  assert.match(lines[3]!, new RegExp(`^root +\\d+ +${m[1]} +0 \\S+ \\? +00:00:00 ps -ef$`));
  // bash -c 'ps -ef' execs ps in its own process: no bash line, ps's parent is init
  const one = (await run("ps -ef")).stdout.split("\n");
  assert.match(one[2]!, /^root +\d+ +1 +0 \S+ \? +00:00:00 ps -ef$/);
  assert.equal(one.length, 4);
});

test("interactive: [1] PID at start, a Done notice, no line 1:", async () => {
  const { run, sh } = setup(true);
  const r = await run("sleep 0.5 &");
  assert.match(r.stderr, /^\[1\] \d+\n$/);
  await run("sleep 1");
  assert.deepEqual(sh.notices, ["[1]+  Done                    sleep 0.5\n"]);
  const e = await run("kill %1");
  assert.equal(e.stderr, "bash: kill: %1: no such job\n");
});
