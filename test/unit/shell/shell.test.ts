import { test } from "node:test";
import assert from "node:assert/strict";
import { EXEC_COST_US as C, EXIT_COST_US as X, HostShell } from "../../../src/shell/shell.ts";
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
  const run = async (cmd: string) => {
    const { env: _env, output: _output, ...r } = await h.sched.drive(sh.exec(cmd), macrotask);
    return r;
  };
  return { h, sh, run };
}

test("custom commands, pipes, exit codes, not found", async () => {
  const { run } = setup();
  assert.deepEqual(await run("echo hi | where; echo $?"), { stdout: "[] /root hi\n3\n", stderr: "", exitCode: 0 });
  const r = await run("nosuch x");
  assert.equal(r.exitCode, 127);
  assert.equal(r.stderr, "bash: line 1: nosuch: command not found\n");
});

test("sleep and background jobs run on the simulated clock", async () => {
  const { h, run } = setup();
  const r = await run("sleep 2; now; (sleep 3; now) & sleep 1; now; wait; now");
  // each tool run costs C µs (fork + exec) before it starts
  assert.equal(r.stdout, [2e6 + 2 * C, 3e6 + 4 * C, 5e6 + 4 * C, 5e6 + 5 * C].map((t) => `${t}\n`).join(""));
  assert.equal(h.sched.now, 5e6 + 5 * C);
  const r2 = await run("sleep 1 & sleep 2 & wait; now");
  assert.equal(r2.stdout, `${7e6 + 7 * C}\n`);
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
    stderr: "bash: line 1: echo: write error: Invalid argument\n",
    exitCode: 0,
  });
  assert.deepEqual(await run("echo 1 > /proc/sys/nope"), {
    stdout: "",
    stderr: "bash: line 1: /proc/sys/nope: No such file or directory\n",
    exitCode: 1,
  });
  await run("F=/proc/sys/net/ipv4/ip_forward; echo 7 >$F && cat $F");
  assert.equal(h.root.ipForward, "7");
  // the job-control rewrite and this one compose
  await run("(echo 5 > /proc/sys/net/ipv4/ip_forward) & wait");
  assert.equal(h.root.ipForward, "5");
});

test("timeout runs on the simulated clock and signals the tool", async () => {
  const { h, run } = setup();
  const t0 = h.sched.now;
  const r = await run("timeout 2 sleep 10; echo rc=$?; now");
  // the killed sleep takes X µs to exit
  assert.equal(r.stdout, `rc=124\n${t0 + 2_000_000 + X + C}\n`);
  assert.equal((await run("timeout 5 sleep 1; echo rc=$?")).stdout, "rc=0\n");
  await run("mkns t");
  const t1 = h.sched.now;
  // timeout signals its child's whole group: the sleep's parent (nsx) dies with it, so only
  // nsx's exit, which timeout waits for, takes X µs
  assert.equal((await run("timeout 1 nsx t sleep 9; echo rc=$?; now")).stdout, `rc=124\n${t1 + 1_000_000 + X + C}\n`);
  assert.deepEqual(await run("timeout 1 nosuch"), {
    stdout: "",
    stderr: "timeout: failed to run command 'nosuch': No such file or directory\n",
    exitCode: 127,
  });
  assert.equal((await run("timeout x y")).exitCode, 125);
});

test("nested shells wait for their own jobs; job output appears at wait", async () => {
  const { h, run } = setup();
  const t0 = h.sched.now;
  const r = await run("bash -c 'sleep 1 & sleep 2 & wait; now'; (sleep 0.5; echo bg) & echo fg; wait; echo end");
  assert.equal(r.stdout, `${t0 + 2_000_000 + 2 * C}\nfg\nbg\nend\n`);
  const e = await run("env");
  assert.doesNotMatch(e.stdout, /TUXNET/);
});

test("sort collates as the C locale; ls names a missing file as GNU ls", async () => {
  const { run } = setup();
  assert.equal((await run("printf 'b\\nB\\n_\\na\\n10\\n9\\na\\n' | sort -u")).stdout, "10\n9\nB\n_\na\nb\n");
  assert.deepEqual(await run("ls /nonexistent"), {
    stdout: "",
    stderr: "ls: cannot access '/nonexistent': No such file or directory\n",
    exitCode: 2,
  });
});

test("date reads the world's clock", async () => {
  const { run } = setup();
  assert.equal((await run("date -u; sleep 61; date +%F_%T_%s")).stdout, "Tue Nov 14 22:13:20 UTC 2023\n2023-11-14_22:14:21_1700000061\n");
});

test("a line starts with the `$?` it is given (a terminal's last status), its nested shells with 0", async () => {
  const { h, sh } = setup();
  const run = async (cmd: string, status?: number) =>
    (await h.sched.drive(sh.exec(cmd, status === undefined ? {} : { status }), macrotask)).stdout;
  assert.equal(await run("echo $?", 7), "7\n");
  assert.equal(await run("echo $?"), "0\n");
  assert.equal(await run("echo $?; echo $?", 130), "130\n0\n");
  assert.equal(await run("bash -c 'echo $?'; echo $?", 3), "0\n0\n");
  assert.equal(await run("(echo $?) & wait", 5), "5\n");
  assert.equal(await run("false; (echo $?) & wait; (exit 3); { echo $?; } & wait"), "1\n3\n");
  assert.equal(await run("sh -c 'exit 4' & wait $!; echo $?", 2), "4\n");
});

test("the shell's internal commands stay out of bash's hash table", async () => {
  const { run } = setup();
  const r = await run("now >/dev/null; sleep 0.1 & wait; jobs; echo x | where >/dev/null; cat /dev/null; hash");
  assert.doesNotMatch(r.stdout, /__/);
  assert.match(r.stdout, /\/usr\/bin\/cat/);
});

test("process substitution: <(cmd) reads as a file /dev/fd/N", async () => {
  const { run } = setup();
  assert.equal((await run('mapfile -t a < <(printf "x\\ny\\n"); echo ${#a[@]} ${a[1]}; cat <(echo one) <(echo two)')).stdout, "2 y\none\ntwo\n");
  assert.equal((await run("while read l; do echo \"[$l]\"; done < <(echo hi | where)")).stdout, "[[] /root hi]\n");
});

test("xargs hands its arguments to the command it runs (a tool too)", async () => {
  const { run } = setup();
  assert.equal((await run('echo "a b c" | xargs -n 2 echo x')).stdout, "x a b\nx c\n");
  // the tool gets the argument: the namespace it names does not exist
  assert.equal((await run("echo n1 | xargs -n 1 nsx")).stderr, "no ns n1\n");
});

test("xargs takes -n1 and letters together as GNU xargs does", async () => {
  const { run } = setup();
  assert.equal((await run("seq 3 | xargs -rn1 echo x")).stdout, "x 1\nx 2\nx 3\n");
});

test("a script of more than 10,000 statements runs, as bash runs it", async () => {
  const { run } = setup();
  const r = await run(Array(12_000).fill("x=$((x + 1))").join("\n") + "\necho $x");
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "12000\n");
});
