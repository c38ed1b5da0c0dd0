/** Output order (2>&1, background jobs), SIGPIPE into `| head`, /dev, binary files, exec lookup. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostShell } from "../../../src/shell/shell.ts";
import { SPAWN_EACCES, SPAWN_ENOENT, type CommandTable, type Process } from "../../../src/userland/process.ts";
import { FakeHost, asSys } from "./fake.ts";

const macrotask = () => new Promise<void>((r) => setImmediate(r));

function setup() {
  const h = new FakeHost("h1");
  const tick = (p: Process, us: number) =>
    new Promise<void>((r) => {
      const b = h.sched.block();
      h.sched.after(us, () => (b.unblock(), r()), "tick");
    });
  const commands: CommandTable = {
    mix: async (p) => {
      p.stdout.write("o1\n");
      p.stderr.write("e1\n");
      p.stdout.write("o2\n");
      return 1;
    },
    tick: async (p) => {
      for (let i = 0; i < Number(p.argv[1]); i++) {
        p.stdout.write(`tick${i}\n`);
        await tick(p, 1_000_000);
      }
      return 0;
    },
    forever: async (p) => {
      let i = 0;
      while (!p.signal.aborted) {
        p.stdout.write(`line${i++}\n`);
        await tick(p, 100_000);
      }
      p.stderr.write("stopped\n");
      return 0;
    },
    // a tool writing raw bytes (nc's network data)
    bytes: async (p) => {
      p.stdout.writeBytes!(new Uint8Array([0x12, 0x85, 0x80, 0xff, 0x0a]));
      return 0;
    },
    // a tool reading its stdin byte for byte
    stdinhex: async (p) => {
      p.stdout.write([...p.stdinBytes!].map((b) => b.toString(16)).join(",") + "\n");
      return 0;
    },
    wbin: async (p) => {
      const ok = await p.writeFileBytes!(p.argv[1]!, new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 0, 0xff, 10]));
      p.stdout.write(`${ok}\n`);
      return ok ? 0 : 1;
    },
    rbin: async (p) => {
      const b = await p.readFileBytes!(p.argv[1]!);
      p.stdout.write(`${b ? [...b].join(",") : "none"}\n`);
      return 0;
    },
    xns: async (p) => {
      const s = p.sys.netnsEnter(p.argv[1]!);
      if ("errno" in s) return 2;
      const rc = await p.spawn(p.argv.slice(2), s, { exec: true });
      if (rc === SPAWN_ENOENT) p.stderr.write("ENOENT\n");
      else if (rc === SPAWN_EACCES) p.stderr.write("EACCES\n");
      return rc < 0 ? 1 : rc;
    },
    mkns: async (p) => {
      p.sys.netnsAdd(p.argv[1]!);
      return 0;
    },
  };
  const sh = new HostShell({ root: asSys(h.root), commands, sched: h.sched });
  const run = async (cmd: string) => {
    const { env: _env, output: _output, ...r } = await h.sched.drive(sh.exec(cmd), macrotask);
    return r;
  };
  return { h, sh, run };
}

test("2>&1 and |& keep a tool's writes in time order", async () => {
  const { run } = setup();
  assert.deepEqual(await run("mix 2>&1"), { stdout: "o1\ne1\no2\n", stderr: "", exitCode: 1 });
  assert.equal((await run("mix 2>&1 | cat")).stdout, "o1\ne1\no2\n");
  assert.equal((await run("mix |& cat")).stdout, "o1\ne1\no2\n");
  assert.equal((await run("{ mix; echo out; mix; } 2>&1")).stdout, "o1\ne1\no2\nout\no1\ne1\no2\n");
  assert.deepEqual(await run("mix 2>&1 >/dev/null"), { stdout: "e1\n", stderr: "", exitCode: 1 });
  assert.equal((await run('x=$(mix 2>&1); echo "[$x]"')).stdout, "[o1\ne1\no2]\n");
  assert.deepEqual(await run("mix; echo x"), { stdout: "o1\no2\nx\n", stderr: "e1\n", exitCode: 0 });
  // what a terminal shows: both fds in the order written
  const { h, sh } = setup();
  const r = await h.sched.drive(sh.exec("sleep 0.1; mix; echo x; nosuch"), macrotask);
  assert.equal(r.output, "o1\ne1\no2\nx\nbash: line 1: nosuch: command not found\n");
});

test("a tool places the builtin text before it itself: order across loops and conditions", async () => {
  const terminal = async (cmd: string) => {
    const { h, sh } = setup();
    return (await h.sched.drive(sh.exec(cmd), macrotask)).output;
  };
  assert.equal(await terminal("for i in 1 2; do echo a$i; mix; done"), "a1\no1\ne1\no2\na2\no1\ne1\no2\n");
  assert.equal(await terminal("for i in 1 2; do echo a$i >&2; shift x; if mix > /dev/null; then echo y; fi; done"),
    "a1\nbash: line 1: shift: x: numeric argument required\ne1\na2\nbash: line 1: shift: x: numeric argument required\ne1\n");
  assert.equal(await terminal("echo a; mix 2>/dev/null; echo b; x=$(mix); echo c; mix >&2"), "a\no1\no2\nb\ne1\nc\no1\ne1\no2\n");
  // a statement whose first tool does not write where the text is still gets a mark
  // (a SIGTERM it does not catch ends it: what its abort handler would write never comes)
  assert.equal(await terminal("echo a; tick 1 > /dev/null 2>&1; forever & sleep 0.15; kill %1; wait"), "a\nline0\nline1\n");
  // a tool with nothing unplaced before it puts no sentinels ("c"): the order holds around it
  assert.equal(await terminal("mix; mix; echo x; mix; mix"), "o1\ne1\no2\no1\ne1\no2\nx\no1\ne1\no2\no1\ne1\no2\n");
  assert.equal(await terminal("for i in 1 2; do mix; mix >&2; echo b$i >&2; mix; done"),
    "o1\ne1\no2\no1\ne1\no2\nb1\no1\ne1\no2\no1\ne1\no2\no1\ne1\no2\nb2\no1\ne1\no2\n");
});

test("builtins and just-bash's commands show in the order written, no time passing (as bash 5.2 prints them)", async () => {
  const terminal = async (cmd: string) => {
    const { h, sh } = setup();
    return (await h.sched.drive(sh.exec(cmd), macrotask)).output;
  };
  assert.equal(await terminal("echo a; echo b >&2; echo c"), "a\nb\nc\n");
  assert.equal(await terminal("for i in 1 2; do echo o$i; echo e$i >&2; done"), "o1\ne1\no2\ne2\n");
  assert.equal(await terminal("echo a; nosuch; echo c"), "a\nbash: line 1: nosuch: command not found\nc\n");
  // a mark keeps $_ and $? as the statement before left them
  assert.equal(await terminal('echo a b; echo x >&2; echo "[$_]"; false; echo y >&2; echo $?'), "a b\nx\n[x]\ny\n0\n");
  // the writer of `cat … > f` reads PIPESTATUS right after its pipeline: no mark between
  assert.equal(await terminal("echo x; cat /nosuch > f1; echo rc=$?"), "x\ncat: /nosuch: No such file or directory\nrc=1\n");
});

test("background output comes out when it is written", async () => {
  const { run } = setup();
  assert.equal((await run("tick 3 & sleep 1.5; echo mid; wait; echo end")).stdout, "tick0\ntick1\nmid\ntick2\nend\n");
  assert.equal(
    (await run("(sleep 0.2; echo bg1; sleep 0.4; echo bg2) & echo fg1; sleep 0.4; echo fg2; wait")).stdout,
    "fg1\nbg1\nfg2\nbg2\n",
  );
  // $? and PIPESTATUS survive
  assert.equal((await run("sleep 0.1; false; echo $?; false && true; echo $?")).stdout, "1\n1\n");
});

test("a producer into head is killed by SIGPIPE once head is gone", async () => {
  const { run } = setup();
  assert.deepEqual(await run("forever | head -3; echo ${PIPESTATUS[@]}"), {
    stdout: "line0\nline1\nline2\n141 0\n",
    stderr: "",
    exitCode: 0,
  });
  assert.equal((await run("timeout 5 forever | head -n 2")).stdout, "line0\nline1\n");
});

test("/dev: null, zero, urandom, stdout, stderr", async () => {
  const { run } = setup();
  assert.deepEqual(await run("cat </dev/null; echo rc=$?; echo x >/dev/null; cat /dev/null | wc -c"), {
    stdout: "rc=0\n0\n",
    stderr: "",
    exitCode: 0,
  });
  assert.equal((await run("head -c 4 /dev/zero | od -c")).stdout, "0000000  \\0  \\0  \\0  \\0\n0000004\n");
  assert.equal((await run("head -c 16 /dev/urandom | wc -c")).stdout, "16\n");
  assert.deepEqual(await run("echo a >/dev/stdout; echo b >/dev/stderr"), { stdout: "a\n", stderr: "b\n", exitCode: 0 });
});

test("binary files byte for byte; no file in a missing directory", async () => {
  const { run } = setup();
  assert.equal(
    (await run("wbin /tmp/b; wc -c /tmp/b; od -c /tmp/b; rbin /tmp/b")).stdout,
    "true\n7 /tmp/b\n0000000 324 303 262 241  \\0 377  \\n\n0000007\n212,195,178,161,0,255,10\n",
  );
  assert.deepEqual(await run("wbin /nodir/b; echo rc=$?; ls /nodir"), {
    stdout: "false\nrc=1\n",
    stderr: "ls: cannot access '/nodir': No such file or directory\n",
    exitCode: 2,
  });
  assert.equal((await run("rbin /nonexistent; rbin /tmp")).stdout, "none\nnone\n");
});

test("spawn({exec}) reports a command that is not there instead of running bash", async () => {
  const { run } = setup();
  await run("mkns n1");
  assert.deepEqual(await run("xns n1 nosuch; echo rc=$?"), { stdout: "rc=1\n", stderr: "ENOENT\n", exitCode: 0 });
  assert.deepEqual(await run("xns n1 /etc; xns n1 /no/such"), { stdout: "", stderr: "EACCES\nENOENT\n", exitCode: 1 });
  assert.deepEqual(await run("xns n1 mix 2>&1"), { stdout: "o1\ne1\no2\n", stderr: "", exitCode: 1 });
});

test("cat names the real error", async () => {
  const { run } = setup();
  assert.deepEqual(await run("cat /etc /proc/sys/net/ipv4/ip_forward /nonexistent"), {
    stdout: "0\n",
    stderr: "cat: /etc: Is a directory\ncat: /nonexistent: No such file or directory\n",
    exitCode: 1,
  });
});

test("binary output survives pipes, files and od (GNU od's formats)", async () => {
  const { run } = setup();
  assert.equal((await run("bytes | od -An -tx1")).stdout, " 12 85 80 ff 0a\n");
  assert.equal((await run("bytes | stdinhex")).stdout, "12,85,80,ff,a\n");
  assert.equal((await run("bytes > /tmp/x; od -A d -t x1 -N 3 /tmp/x; wc -c < /tmp/x")).stdout, "0000000 12 85 80\n0000003\n5\n");
  assert.equal((await run("printf '\\x85\\xff' | od -An -tx1; printf 'é' | od -An -tx1")).stdout, " 85 ff\n c3 a9\n");
  assert.equal((await run("head -c 40 /dev/zero | od -tx2 -w8")).stdout, "0000000 0000 0000 0000 0000\n*\n0000050\n");
  assert.equal((await run("printf 'ab\\n' | od -a -tx1z")).stdout, `0000000   a   b  nl\n         61  62  0a${" ".repeat(54)}>ab.<\n0000003\n`);
  assert.deepEqual(await run("od -A q /dev/null"), { stdout: "", stderr: "od: invalid output address radix 'q'; it must be one character from [doxn]\n", exitCode: 1 });
});

test("a tool writes its redirected files as it goes; bash's open errors", async () => {
  const { run } = setup();
  // a job's file fills while it runs (a daemon's log, `nc -l > f &`)
  assert.equal((await run("tick 3 > /tmp/t & sleep 1.5; cat /tmp/t; wait; cat /tmp/t")).stdout, "tick0\ntick1\ntick0\ntick1\ntick2\n");
  assert.equal((await run("mix > /tmp/m 2>&1; cat /tmp/m")).stdout, "o1\ne1\no2\n");
  assert.equal((await run("mix &> /tmp/m2; mix >> /tmp/m2 2>/tmp/m3; cat /tmp/m2 /tmp/m3")).stdout, "o1\ne1\no2\no1\no2\ne1\n");
  assert.deepEqual(await run("mix > /nonexistent/f; echo rc=$?"), {
    stdout: "rc=1\n", stderr: "bash: line 1: /nonexistent/f: No such file or directory\n", exitCode: 0,
  });
  assert.equal((await run("mix > /tmp; echo rc=$?")).stderr, "bash: line 1: /tmp: Is a directory\n");
});

test("echo/printf/cat into a missing directory: bash's open error, no directory made", async () => {
  const { run } = setup();
  assert.deepEqual(await run("echo hi > /nonexistent/f; echo rc=$?; ls -d /nonexistent"), {
    stdout: "rc=1\n",
    stderr: "bash: line 1: /nonexistent/f: No such file or directory\nls: cannot access '/nonexistent': No such file or directory\n",
    exitCode: 2,
  });
  assert.equal((await run("echo a > /tmp/x; printf 'b\\n' >> /tmp/x; cat /tmp/x > /tmp/y; cat /tmp/y")).stdout, "a\nb\n");
});
