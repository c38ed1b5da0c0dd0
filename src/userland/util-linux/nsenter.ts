/**
 * util-linux 2.38.1 nsenter (sys-utils/nsenter.c): run a program in the namespaces of a file
 * (`--net=/run/netns/NAME`, `/proc/PID/ns/net`) or of a process (`-t PID -n`). The network
 * namespace is the one that differs between processes here: the others (mount, UTS, IPC, PID,
 * user, cgroup, time) are the host's for every process, so entering a process's is a no-op
 * and a network namespace file given for one of them is setns()'s EINVAL.
 */
import type { Command, Process } from "../process.ts";
import { execProgram, utilCommand, type Fail, commonOption } from "./common.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import type { ProcApi } from "../procps/ps.ts";


const USAGE = `
Usage:
 nsenter [options] [<program> [<argument>...]]

Run a program with namespaces of other processes.

Options:
 -a, --all              enter all namespaces
 -t, --target <pid>     target process to get namespaces from
 -m, --mount[=<file>]   enter mount namespace
 -u, --uts[=<file>]     enter UTS namespace (hostname etc)
 -i, --ipc[=<file>]     enter System V IPC namespace
 -n, --net[=<file>]     enter network namespace
 -p, --pid[=<file>]     enter pid namespace
 -C, --cgroup[=<file>]  enter cgroup namespace
 -U, --user[=<file>]    enter user namespace
 -T, --time[=<file>]    enter time namespace
 -S, --setuid <uid>     set uid in entered namespace
 -G, --setgid <gid>     set gid in entered namespace
     --preserve-credentials do not touch uids or gids
 -r, --root[=<dir>]     set the root directory
 -w, --wd[=<dir>]       set the working directory
 -W. --wdns <dir>       set the working directory in namespace
 -F, --no-fork          do not fork before exec'ing <program>
 -Z, --follow-context   set SELinux context according to --target PID

 -h, --help             display this help
 -V, --version          display version

For more details see nsenter(1).
`;

/** nsenter.c: namespace_files[]: option letter -> /proc/PID/ns name, in the order entered */
const NS: [string, string][] = [
  ["U", "user"], ["C", "cgroup"], ["i", "ipc"], ["u", "uts"], ["n", "net"], ["p", "pid"], ["T", "time"], ["m", "mnt"],
];

const LONG: LongOpt[] = [
  { name: "all", hasArg: 0, val: "a" }, { name: "help", hasArg: 0, val: "h" }, { name: "version", hasArg: 0, val: "V" },
  { name: "target", hasArg: 1, val: "t" }, { name: "mount", hasArg: 2, val: "m" }, { name: "uts", hasArg: 2, val: "u" },
  { name: "ipc", hasArg: 2, val: "i" }, { name: "net", hasArg: 2, val: "n" }, { name: "pid", hasArg: 2, val: "p" },
  { name: "user", hasArg: 2, val: "U" }, { name: "cgroup", hasArg: 2, val: "C" }, { name: "time", hasArg: 2, val: "T" },
  { name: "setuid", hasArg: 1, val: "S" }, { name: "setgid", hasArg: 1, val: "G" }, { name: "root", hasArg: 2, val: "r" },
  { name: "wd", hasArg: 2, val: "w" }, { name: "wdns", hasArg: 1, val: "W" }, { name: "no-fork", hasArg: 0, val: "F" },
  { name: "preserve-credentials", hasArg: 0, val: "P" }, { name: "follow-context", hasArg: 0, val: "Z" },
];


/** what an open namespace file is: a network namespace, the host's (any other type), or not one */
type NsFile = { net: Syscalls } | { host: true } | { notNs: true };

export const nsenter: Command = utilCommand("nsenter", (p, fail) => run(p, fail));

async function run(p: Process, fail: Fail): Promise<number> {
  const procs = (p as Process & { procs?: ProcApi }).procs;
  const r = getoptLong(p, p.argv, "+ahVt:m::u::i::n::p::C::U::T::S:G:r::w::W:FZ", LONG, { stopAtError: true });
  let target = 0;
  let all = false;
  /** the namespaces asked for, by /proc name: a file opened at once, or the target's */
  const wanted = new Map<string, NsFile | "target">();
  for (const [c, arg] of r.opts) {
    const done = commonOption(p, "nsenter", c, USAGE);
    if (done !== undefined) return done;
    switch (c) {
      case "a":
        all = true;
        break;
      case "t":
        if (!/^\d+$/.test(arg ?? "")) fail(`failed to parse pid: '${arg}'`);
        target = Number(arg);
        break;
      case "S":
      case "G":
        if (!/^\d+$/.test(arg ?? "")) fail(`failed to parse ${c === "S" ? "uid" : "gid"}: '${arg}'`);
        break;
      default: {
        const ns = NS.find(([l]) => l === c)?.[1];
        if (ns) wanted.set(ns, arg !== undefined ? await openNs(p, procs, arg, fail) : "target");
      }
    }
  }
  if (all) {
    if (!target) fail("no target PID specified for --all");
    for (const [, ns] of NS) if (!wanted.has(ns)) wanted.set(ns, "target");
  }
  // open_target_fd(): the target's /proc/PID/ns files
  for (const [, ns] of NS) {
    if (wanted.get(ns) !== "target") continue;
    if (!target) fail(`neither filename nor target pid supplied for ns/${ns}`);
    wanted.set(ns, await openNs(p, procs, `/proc/${target}/ns/${ns}`, fail));
  }
  // setns() of each, in namespace_files[] order
  let net: Syscalls | undefined;
  for (const [, ns] of NS) {
    const f = wanted.get(ns);
    if (f === undefined || f === "target") continue;
    const isNet = "net" in f;
    if ("notNs" in f || (ns === "net") !== isNet) fail(`reassociate to namespace 'ns/${ns}' failed: Invalid argument`);
    if (isNet) net = f.net;
  }
  // no network namespace to enter: the program runs where nsenter does
  return execProgram(p, r.args, net ?? p.sys.ns ?? p.sys, fail);
}

/** open(2) of a namespace file: /run/netns/NAME, /proc/PID/ns/TYPE (self too), or any other */
async function openNs(p: Process, procs: ProcApi | undefined, path: string, fail: (msg: string) => never): Promise<NsFile> {
  if (path === "") return fail(`cannot open : No such file or directory`);
  const abs = path.startsWith("/") ? path : `${p.cwd.replace(/\/$/, "")}/${path}`;
  const norm = abs.replace(/\/+/g, "/").replace(/^\/var\/run\//, "/run/");
  const enoent = () => fail(`cannot open ${path}: No such file or directory`);
  let m = /^\/run\/netns\/([^/]+)$/.exec(norm);
  if (m) {
    const name = m[1]!;
    if (!p.sys.netnsExists(name)) return enoent();
    const s = p.sys.netnsEnter(name);
    return "errno" in s ? enoent() : { net: s };
  }
  m = /^\/proc\/(\d+|self|thread-self)\/ns\/([a-z_]+)$/.exec(norm);
  if (m) {
    const pid = /^\d+$/.test(m[1]!) ? Number(m[1]) : (procs?.self ?? 0);
    const s = procs?.netnsOf?.(pid);
    const kinds = ["net", "mnt", "uts", "ipc", "pid", "pid_for_children", "user", "cgroup", "time", "time_for_children"];
    if (!s || !kinds.includes(m[2]!)) return enoent();
    return m[2] === "net" ? { net: s } : { host: true };
  }
  if ((await p.readFile(norm)) === undefined && (await p.readdir?.(norm)) === undefined) return enoent();
  return { notNs: true };
}
