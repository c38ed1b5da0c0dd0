/**
 * A scripted stand-in kernel for the userland unit tests: rtnetlink answers from tables of
 * links / neighbours / rules / routes, a /proc + /sys map, an ioctl log with scripted answers,
 * and a Process that captures stdout/stderr.
 */
import { Scheduler } from "../../../src/sim/scheduler.ts";
import type { Syscalls, IoctlReq, KernelFs, VfsStat } from "../../../src/kernel/uapi/syscalls.ts";
import type { KErr } from "../../../src/kernel/uapi/errno.ts";
import type { AddrMsg, LinkMsg, NeighMsg, NlAck, RouteMsg, RtnlMsg, RuleMsg, Rtnetlink } from "../../../src/kernel/uapi/rtnetlink.ts";
import type { Command, Process } from "../../../src/userland/process.ts";
import { Exit } from "../../../src/userland/process.ts";

export function link(index: number, name: string, type = 1, flags = 0x1043): LinkMsg {
  return {
    type: "RTM_NEWLINK",
    flags: {},
    ifi: { family: 0, type, index, flags, change: 0 },
    attrs: { IFLA_IFNAME: name, IFLA_MTU: 1500, IFLA_TXQLEN: 0, IFLA_ADDRESS: new Uint8Array([2, 0, 0, 0, 0, index]) },
  };
}

export function v4(s: string): Uint8Array {
  return Uint8Array.from(s.split(".").map(Number));
}

export function mac(s: string): Uint8Array {
  return Uint8Array.from(s.split(":").map((x) => parseInt(x, 16)));
}

export interface Fake {
  sys: Syscalls;
  sched: Scheduler;
  /** the packet socket arping opens (when a test installs one) */
  packetSocket?: () => unknown;
  links: LinkMsg[];
  neighs: NeighMsg[];
  rules: RuleMsg[];
  routes: RouteMsg[];
  addrs: AddrMsg[];
  files: Map<string, string>;
  dirs: Map<string, string[]>;
  /** every talk() request */
  talks: RtnlMsg[];
  /** scripted talk answers: first match wins (null: ack ok) */
  onTalk: (req: RtnlMsg) => { ack: NlAck; answer?: RtnlMsg } | null;
  ioctls: IoctlReq[];
  onIoctl: (req: IoctlReq) => Record<string, unknown> | KErr;
  writes: [string, string][];
  hostname: string;
  dmesgLines: string[];
  modules: { name: string; size: number; usedBy: string[] }[];
}

export function fakeSys(): Fake {
  const sched = new Scheduler();
  const f: Fake = {
    sys: undefined as unknown as Syscalls,
    sched,
    links: [link(1, "lo", 772, 0x10049), link(2, "eth0")],
    neighs: [],
    rules: [],
    routes: [],
    addrs: [],
    files: new Map(),
    dirs: new Map(),
    talks: [],
    onTalk: () => null,
    ioctls: [],
    onIoctl: () => ({ errno: "ENOTTY" }),
    writes: [],
    hostname: "h1",
    dmesgLines: [],
    modules: [],
  };
  const rtnl: Rtnetlink = {
    talk(req) {
      f.talks.push(req);
      const r = f.onTalk(req);
      if (r) return r;
      if (req.type === "RTM_GETLINK") {
        const l = f.links.find((x) => (req.attrs.IFLA_IFNAME !== undefined ? x.attrs.IFLA_IFNAME === req.attrs.IFLA_IFNAME : x.ifi.index === req.ifi.index));
        if (!l) return { ack: { ok: false, errno: "ENODEV" } };
        return { ack: { ok: true }, answer: l };
      }
      return { ack: { ok: true } };
    },
    dump(req) {
      switch (req.type) {
        case "RTM_GETLINK":
          return f.links;
        case "RTM_GETNEIGH":
          return f.neighs.filter((n) => !req.ndm.family || n.ndm.family === req.ndm.family)
            .filter((n) => !req.attrs.NDA_IFINDEX || n.ndm.ifindex === req.attrs.NDA_IFINDEX)
            .filter((n) => (req.ndm.flags & 8) === (n.ndm.flags & 8));
        case "RTM_GETRULE":
          return f.rules.filter((n) => !req.frh.family || n.frh.family === req.frh.family);
        case "RTM_GETADDR":
          return f.addrs.filter((n) => !req.ifa.family || n.ifa.family === req.ifa.family);
        case "RTM_GETROUTE":
          return f.routes.filter((n) => !req.rtm.family || n.rtm.family === req.rtm.family);
      }
      return [];
    },
  };
  const stat = (path: string): VfsStat | KErr => {
    if (f.files.has(path)) return { isDirectory: false, isFile: true, mode: 0o100644, size: 0 };
    if (f.dirs.has(path.replace(/\/$/, ""))) return { isDirectory: true, isFile: false, mode: 0o40555, size: 0 };
    return { errno: "ENOENT" };
  };
  const fs: KernelFs = {
    read(path) {
      const v = f.files.get(path);
      if (v === undefined) return f.dirs.has(path) ? { errno: "EISDIR" } : { errno: "ENOENT" };
      return v;
    },
    openWrite(path) {
      return f.files.has(path) ? undefined : { errno: "ENOENT" };
    },
    write(path, data) {
      if (!f.files.has(path)) return { errno: "ENOENT" };
      f.writes.push([path, data]);
      f.files.set(path, data.endsWith("\n") ? data : data + "\n");
      return undefined;
    },
    readdir(path) {
      const d = f.dirs.get(path.replace(/\/$/, ""));
      return d ?? { errno: "ENOENT" };
    },
    stat,
  };
  const sysObj: Syscalls = {
    rtnl,
    fs,
    netnsList: () => [],
    netnsExists: () => false,
    netnsAdd: () => undefined,
    netnsDel: () => undefined,
    netnsEnter: () => ({ errno: "ENOENT" }),
    netnsIdentify: () => [],
    inInitNetns: true,
    netnsName: "",
    socket: () => (f.packetSocket ? (f.packetSocket() as ReturnType<Syscalls["socket"]>) : { errno: "EAFNOSUPPORT" }),
    ioctl: (req) => {
      f.ioctls.push(req);
      return f.onIoctl(req);
    },
    hostname: () => f.hostname,
    sethostname: (n) => {
      f.hostname = n;
    },
    dmesg: () => f.dmesgLines,
    loadModule: (name) => (f.modules.some((m) => m.name === name) ? undefined : name === "bogus" ? { errno: "ENOENT" } : (f.modules.push({ name, size: 16384, usedBy: [] }), undefined)),
    modules: () => f.modules,
    now: () => sched.now,
    sleep: (us) => new Promise((res) => sched.after(us, () => res())),
    block: () => sched.block(),
    random32: () => 0x12345678,
    wallclock: () => 1700000000 + sched.now / 1e6,
  };
  Object.assign(sysObj, { timer: (fn: () => void, label?: string) => sched.timer(fn, label) });
  f.sys = sysObj;
  return f;
}

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

export async function run(cmd: Command, sys: Syscalls, argv: string[], files: Record<string, string> = {}, sched?: Scheduler): Promise<RunResult> {
  let out = "";
  let err = "";
  const p: Process = {
    argv,
    env: {},
    cwd: "/root",
    stdin: "",
    stdout: { write: (s) => void (out += s) },
    stderr: { write: (s) => void (err += s) },
    sys,
    signal: new AbortController().signal,
    isatty: false,
    spawn: async () => 127,
    readFile: async (path) => files[path],
    writeFile: async () => true,
    // the kernel's directories as getdents() lists them (the shell's readdir of /proc and /sys)
    readdir: async (path) => {
      const k = sys.fs.readdir(path);
      return Array.isArray(k) ? k : undefined;
    },
  };
  let code: number;
  try {
    code = sched ? await sched.drive(cmd(p), () => new Promise<void>((r) => setImmediate(r))) : await cmd(p);
  } catch (e) {
    if (e instanceof Exit) code = e.code;
    else throw e;
  }
  return { code, out, err };
}
