/**
 * The per-process parts of /proc (fs/proc/base.c, fs/proc/fd.c) over the host's process table,
 * and a process's own view of the kernel: its namespace's Syscalls whose socket(2) (and the
 * accept(2) of what it returns) puts the new socket in the process's fd table, close(2) taking
 * it out (net/socket.c: sock_map_fd()). /proc/PID is host-wide (one pid namespace per host),
 * the rest of /proc is the caller's network namespace's.
 */
import type { KernelFs, Syscalls, VfsStat } from "../kernel/uapi/syscalls.ts";
import type { Socket } from "../kernel/uapi/socket.ts";
import { kerr, type KErr } from "../kernel/uapi/errno.ts";
import { fdAlloc, type FdFile, type ProcEntry, type ProcTable } from "./proctab.ts";

/** sock_map_fd(): `s` becomes a descriptor of `fds` until closed; so does what it accepts */
function fdInstall(s: Socket, fds: Map<number, FdFile>): Socket {
  /* sock_i_ino(): the inode /proc/net/{tcp,udp,raw} show (sockets without one stay unlisted) */
  const ino = (s as Socket & { ino?: unknown }).ino;
  if (typeof ino !== "number") return s;
  const close = s.close.bind(s);
  const file: FdFile = { link: `socket:[${ino}]`, mode: "rw", close: () => s.close() };
  const fd = fdAlloc(fds, file);
  s.close = () => {
    if (fds.get(fd) === file) fds.delete(fd);
    close();
  };
  const accept = s.accept?.bind(s);
  if (accept)
    s.accept = () => {
      const c = accept();
      return c ? fdInstall(c, fds) : c;
    };
  return s;
}

/** what every process of a namespace sees alike: `ns` and its /proc (a process adds socket()) */
const nsViews = new WeakMap<Syscalls, { procs: ProcTable; view: Syscalls }>();

function namespaceView(real: Syscalls, procs: ProcTable): Syscalls {
  const known = nsViews.get(real);
  if (known?.procs === procs) return known.view;
  const view = Object.create(real) as Syscalls;
  Object.defineProperties(view, { ns: { value: real }, fs: { value: procPidFs(real.fs, procs) } });
  nsViews.set(real, { procs, view });
  return view;
}

/**
 * The kernel as process `proc` calls it: `sys` with its own socket() and /proc/PID; `ns` is
 * `sys` itself, the key of per-namespace state (and of the shell's Bash instances).
 */
export function taskSyscalls(sys: Syscalls, proc: ProcEntry, procs: ProcTable): Syscalls {
  const real = sys.ns ?? sys;
  const fds = (proc.fds ??= new Map());
  const view = Object.create(namespaceView(real, procs)) as Syscalls;
  Object.defineProperty(view, "socket", {
    value: (family: number, type: number, protocol: number) => {
      const s = real.socket(family, type, protocol);
      if ("errno" in s) return s;
      // netlink_autobind(): a netlink socket's port id is its process's pid
      const nl = s as { portid?: number };
      if (s.family === 16 && nl.portid === 0) nl.portid = proc.pid;
      return fdInstall(s, fds);
    },
  });
  return view;
}

const PID_DIR = /^\/proc\/(\d+)(?:\/(.*))?$/;

/** fs/proc/fd.c: the link's permissions follow the file's open mode */
const FD_LINK_MODE = { r: 0o120500, w: 0o120300, rw: 0o120700 } as const;

/**
 * /proc of a namespace (`kfs`) plus /proc/PID/{cmdline,comm,fd/N} of the host's processes.
 * Descriptors 0-2 are listed as /dev/null links: the standard streams of a lab's commands are
 * the shell's pipes or files, which the emulated processes do not hold.
 */
export function procPidFs(kfs: KernelFs, procs: ProcTable): KernelFs {
  const entry = (path: string): { e: ProcEntry; rest: string } | undefined => {
    const m = PID_DIR.exec(path.replace(/\/+$/, ""));
    if (!m) return undefined;
    const e = procs.get(Number(m[1]));
    return e && String(e.pid) === m[1] ? { e, rest: m[2] ?? "" } : undefined;
  };
  const isPidPath = (path: string) => PID_DIR.test(path.replace(/\/+$/, ""));
  const fdTable = (e: ProcEntry): Map<number, FdFile> => {
    const t = new Map<number, FdFile>([
      [0, { link: "/dev/null", mode: "r" }],
      [1, { link: "/dev/null", mode: "w" }],
      [2, { link: "/dev/null", mode: "w" }],
    ]);
    for (const [fd, f] of e.fds ?? []) t.set(fd, f);
    return t;
  };
  /* fs/proc/base.c: proc_pid_cmdline_read(): argv, each NUL-terminated */
  const cmdline = (e: ProcEntry) => e.args.map((a) => a + "\0").join("");
  type Node = { dir: string[]; mode: number } | { file: string; mode: number } | { link: FdFile } | KErr;
  const node = (path: string): Node => {
    const hit = entry(path);
    if (!hit) return kerr("ENOENT");
    const { e, rest } = hit;
    if (rest === "") return { dir: ["cmdline", "comm", "fd"], mode: 0o40555 };
    if (rest === "cmdline") return { file: cmdline(e), mode: 0o100444 };
    if (rest === "comm") return { file: e.comm + "\n", mode: 0o100644 };
    if (rest === "fd") return { dir: [...fdTable(e).keys()].sort((a, b) => a - b).map(String), mode: 0o40500 };
    const m = /^fd\/(\d+)$/.exec(rest);
    const f = m ? fdTable(e).get(Number(m[1])) : undefined;
    if (f && String(Number(m![1])) === m![1]) return { link: f };
    return kerr("ENOENT");
  };
  const statOf = (n: Node, follow: boolean): VfsStat | KErr => {
    if ("errno" in n) return n;
    if ("dir" in n) return { isDirectory: true, isFile: false, mode: n.mode, size: 0 };
    if ("file" in n) return { isDirectory: false, isFile: true, mode: n.mode, size: 0 };
    if (!follow) return { isDirectory: false, isFile: false, isSymlink: true, mode: FD_LINK_MODE[n.link.mode], size: 64 };
    /* a socket's inode: srwxrwxrwx; /dev/null: crw-rw-rw- */
    return n.link.link.startsWith("socket:")
      ? { isDirectory: false, isFile: false, mode: 0o140777, size: 0 }
      : { isDirectory: false, isFile: false, mode: 0o20666, size: 0 };
  };
  return {
    read(path) {
      if (!isPidPath(path)) return kfs.read(path);
      const n = node(path);
      if ("errno" in n) return n;
      if ("dir" in n) return kerr("EISDIR");
      if ("link" in n) return n.link.link.startsWith("socket:") ? kerr("ENXIO") : "";
      return n.file;
    },
    openWrite(path) {
      if (!isPidPath(path)) return kfs.openWrite(path);
      const st = statOf(node(path), true);
      if ("errno" in st) return st;
      if (st.isDirectory) return kerr("EISDIR");
      return st.mode & 0o222 ? undefined : kerr("EACCES");
    },
    write(path, data) {
      if (!isPidPath(path)) return kfs.write(path, data);
      const n = node(path);
      return "errno" in n ? n : kerr("EACCES");
    },
    readdir(path) {
      if (path.replace(/\/+$/, "") === "/proc") {
        const r = kfs.readdir(path);
        if ("errno" in r) return r;
        return [...r, ...procs.list().map((e) => String(e.pid))];
      }
      if (!isPidPath(path)) return kfs.readdir(path);
      const n = node(path);
      if ("errno" in n) return n;
      return "dir" in n ? n.dir : kerr("ENOTDIR");
    },
    stat(path) {
      return isPidPath(path) ? statOf(node(path), true) : kfs.stat(path);
    },
    lstat(path) {
      if (isPidPath(path)) return statOf(node(path), false);
      return kfs.lstat ? kfs.lstat(path) : kfs.stat(path);
    },
    readlink(path) {
      if (!isPidPath(path)) return kfs.readlink ? kfs.readlink(path) : kerr("EINVAL");
      const n = node(path);
      if ("errno" in n) return n;
      return "link" in n ? n.link.link : kerr("EINVAL");
    },
  };
}
