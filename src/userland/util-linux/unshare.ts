/**
 * util-linux 2.38.1 unshare (sys-utils/unshare.c): run a program in new namespaces. The
 * network namespace is the one modelled: `-n` gives the program a fresh one (lo down, nothing
 * else), which dies when the program ends unless `--net=/run/netns/NAME` bound it to a name
 * (the file must exist, as for a bind mount). The other namespace types, the user mappings,
 * --fork, --propagation and --mount-proc change nothing a program here can see: every process
 * of a host shares them.
 */
import type { Command, Process } from "../process.ts";
import { execProgram, utilCommand, type Fail, commonOption } from "./common.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import type { ProcApi } from "../procps/ps.ts";


const USAGE = `
Usage:
 unshare [options] [<program> [<argument>...]]

Run a program with some namespaces unshared from the parent.

Options:
 -m, --mount[=<file>]      unshare mounts namespace
 -u, --uts[=<file>]        unshare UTS namespace (hostname etc)
 -i, --ipc[=<file>]        unshare System V IPC namespace
 -n, --net[=<file>]        unshare network namespace
 -p, --pid[=<file>]        unshare pid namespace
 -U, --user[=<file>]       unshare user namespace
 -C, --cgroup[=<file>]     unshare cgroup namespace
 -T, --time[=<file>]       unshare time namespace

 -f, --fork                fork before launching <program>
 --map-user=<uid>|<name>   map current user to uid (implies --user)
 --map-group=<gid>|<name>  map current group to gid (implies --user)
 -r, --map-root-user       map current user to root (implies --user)
 -c, --map-current-user    map current user to itself (implies --user)
 --map-auto                map users and groups automatically (implies --user)
 --map-users=<outeruid>,<inneruid>,<count>
                           map count users from outeruid to inneruid (implies --user)
 --map-groups=<outergid>,<innergid>,<count>
                           map count groups from outergid to innergid (implies --user)

 --kill-child[=<signame>]  when dying, kill the forked child (implies --fork)
                             defaults to SIGKILL
 --mount-proc[=<dir>]      mount proc filesystem first (implies --mount)
 --propagation slave|shared|private|unchanged
                           modify mount propagation in mount namespace
 --setgroups allow|deny    control the setgroups syscall in user namespaces
 --keep-caps               retain capabilities granted in user namespaces

 -R, --root=<dir>          run the command with root directory set to <dir>
 -w, --wd=<dir>            change working directory to <dir>
 -S, --setuid <uid>        set uid in entered namespace
 -G, --setgid <gid>        set gid in entered namespace
 --monotonic <offset>      set clock monotonic offset (seconds) in time namespaces
 --boottime <offset>       set clock boottime offset (seconds) in time namespaces

 -h, --help                display this help
 -V, --version             display version

For more details see unshare(1).
`;

/** unshare.c: longopts[] (the values past single letters are its OPT_* codes, named here) */
const LONG: LongOpt[] = [
  ["help", 0, "h"], ["version", 0, "V"], ["mount", 2, "m"], ["uts", 2, "u"], ["ipc", 2, "i"], ["net", 2, "n"],
  ["pid", 2, "p"], ["user", 2, "U"], ["cgroup", 2, "C"], ["time", 2, "T"], ["fork", 0, "f"], ["kill-child", 2, "K"],
  ["mount-proc", 2, "P"], ["map-user", 1, "1"], ["map-users", 1, "2"], ["map-group", 1, "3"], ["map-groups", 1, "4"],
  ["map-root-user", 0, "r"], ["map-current-user", 0, "c"], ["map-auto", 0, "5"], ["propagation", 1, "6"],
  ["setgroups", 1, "7"], ["keep-caps", 0, "8"], ["setuid", 1, "S"], ["setgid", 1, "G"], ["root", 1, "R"], ["wd", 1, "w"],
  ["monotonic", 1, "9"], ["boottime", 1, "0"],
].map(([name, hasArg, val]) => ({ name: name as string, hasArg: hasArg as 0 | 1 | 2, val: val as string }));


export const unshare: Command = utilCommand("unshare", (p, fail) => run(p, fail));

async function run(p: Process, fail: Fail): Promise<number> {
  const r = getoptLong(p, p.argv, "+fhVmuinpCTUrR:w:S:G:c", LONG, { stopAtError: true });
  let net = false;
  let netFile: string | undefined;
  let wd: string | undefined;
  for (const [c, arg] of r.opts) {
    const done = commonOption(p, "unshare", c, USAGE);
    if (done !== undefined) return done;
    switch (c) {
      case "n":
        net = true;
        if (arg !== undefined) netFile = arg;
        break;
      case "w":
        wd = arg;
        break;
      case "6":
        if (!["slave", "shared", "private", "unchanged"].includes(arg ?? "")) fail(`unsupported propagation mode: ${arg}`);
        break;
      case "7":
        if (arg !== "allow" && arg !== "deny") fail(`unsupported --setgroups argument '${arg}'`);
        break;
      default:
        break;
    }
  }
  const procs = (p as Process & { procs?: ProcApi }).procs;
  let sys = p.sys.ns ?? p.sys;
  let owned = false;
  if (net) {
    if (!p.sys.netnsUnshare) fail("unshare failed: Operation not permitted");
    sys = p.sys.netnsUnshare();
    owned = true;
    if (netFile !== undefined) {
      // bind_ns_files(): mount --bind /proc/PID/ns/net FILE (FILE must exist)
      const path = netFile.startsWith("/") ? netFile : `${p.cwd.replace(/\/$/, "")}/${netFile}`;
      const exists = netFile !== "" && ((await p.readFile(path)) !== undefined || (await p.readdir?.(path)) !== undefined);
      if (!exists) {
        sys.netnsRelease?.();
        fail(`mount /proc/${procs?.self ?? 0}/ns/net on ${netFile} failed: No such file or directory`);
      }
      sys.netnsRelease?.();
      fail(`binding a network namespace to ${netFile} is not supported by this emulator`);
    }
  }
  try {
    if (wd !== undefined && (await p.readdir?.(wd.startsWith("/") ? wd : `${p.cwd}/${wd}`)) === undefined) {
      fail(`cannot chdir to '${wd}': No such file or directory`);
    }
    return await execProgram(p, r.args, sys, fail, wd);
  } finally {
    // the program was the namespace's last process
    if (owned) sys.netnsRelease?.();
  }
}
