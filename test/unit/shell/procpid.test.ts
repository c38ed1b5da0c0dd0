/** /proc/PID (procpid.ts): a process's sockets as fds, its cmdline, and the view's identity */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ProcTable } from "../../../src/shell/proctab.ts";
import { procPidFs, taskSyscalls } from "../../../src/shell/procpid.ts";
import type { KernelFs, Syscalls } from "../../../src/kernel/uapi/syscalls.ts";
import type { Socket } from "../../../src/kernel/uapi/socket.ts";

const kfs: KernelFs = {
  read: (p) => (p === "/proc/net/tcp" ? "x\n" : { errno: "ENOENT" }),
  write: () => ({ errno: "EACCES" }),
  readdir: (p) => (p === "/proc" ? ["net", "sys"] : { errno: "ENOENT" }),
  stat: () => ({ errno: "ENOENT" }),
};

function fakeSock(ino: number): Socket & { closed: boolean } {
  const s = { ino, closed: false, close() { s.closed = true; }, accept: () => fakeSock(ino + 1) };
  return s as unknown as Socket & { closed: boolean };
}

test("socket() enters the fd table; close() and exit take it out", () => {
  const procs = new ProcTable(() => 0);
  const e = procs.add({ pid: procs.allocPid(), ppid: 1, comm: "nc", args: ["nc", "-l", "-p", "5000"] });
  let ino = 20000;
  const sys = { fs: kfs, socket: () => fakeSock(++ino) } as unknown as Syscalls;
  const view = taskSyscalls(sys, e, procs);
  assert.equal(view.ns, sys);
  assert.equal(taskSyscalls(view, e, procs).ns, sys);
  const s = view.socket(2, 1, 0) as Socket;
  const fs = view.fs;
  assert.deepEqual(fs.readdir(`/proc/${e.pid}/fd`), ["0", "1", "2", "3"]);
  assert.equal(fs.readlink!(`/proc/${e.pid}/fd/3`), "socket:[20001]");
  assert.equal(fs.read(`/proc/${e.pid}/cmdline`), ["nc", "-l", "-p", "5000", ""].join("\x00"));
  const c = s.accept!()!;
  assert.equal(fs.readlink!(`/proc/${e.pid}/fd/4`), "socket:[20002]");
  s.close();
  assert.deepEqual(fs.readdir(`/proc/${e.pid}/fd`), ["0", "1", "2", "4"]);
  c.close();
  assert.deepEqual((fs.readdir("/proc") as string[]).slice(0, 2), ["net", "sys"]);
  assert.ok((fs.readdir("/proc") as string[]).includes(String(e.pid)));
  assert.equal(fs.read("/proc/net/tcp"), "x\n");
  procs.remove(e.pid);
  assert.deepEqual(procPidFs(kfs, procs).readdir(`/proc/${e.pid}/fd`), { errno: "ENOENT" });
});
