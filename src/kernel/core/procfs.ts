/**
 * fs/proc + net/core/net-procfs.c: /proc/net/* (registered per file by the parts:
 * registerProcNet("arp", net => text)), /proc/net/dev, /proc/sys (sysctl.ts), and the
 * KernelFs a process sees: /proc and /sys of its namespace, with symlinks followed.
 */
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import type { KernelFs, VfsStat } from "../uapi/syscalls.ts";
import type { Net } from "./net_namespace.ts";
import { sysctlKind, sysctlList, SYSCTL_DIR } from "./sysctl.ts";
import { sysfsRoot, fsDir, fsFile, type FsNode } from "./sysfs.ts";
import { netSched, softnetStat } from "./dev_path.ts";

/**
 * How a /proc file was made, which decides what a write to it gets when it has no handler:
 * proc_create_net()'s seq_open_net() refuses to open it for writing (EACCES); the single_open
 * of proc_create_net_single() opens it and proc_simple_write() refuses the write (EACCES);
 * proc_create() / proc_create_seq() / proc_create_single() open it and pde_write() fails (EIO).
 */
export type ProcCreate = "proc_create_net" | "proc_create_net_single" | "proc_create";

type ProcShow = { show: (net: Net) => string; how: ProcCreate };
const procNet = new Map<string, ProcShow>();

/** net/core/net_namespace.c + fs/proc/proc_net.c: /proc/net/<name> as `how` makes it */
export function registerProcNet(name: string, show: (net: Net) => string, how: ProcCreate = "proc_create_net"): void {
  procNet.set(name, { show, how });
}

const procNetNodes = new Map<string, (net: Net) => FsNode | undefined>();

/** proc_mkdir() under /proc/net: a directory (or file) a part builds itself (8021q: vlan/) */
export function registerProcNetNode(name: string, fn: (net: Net) => FsNode | undefined): void {
  procNetNodes.set(name, fn);
}

const procNetStat = new Map<string, ProcShow>();

/**
 * /proc/net/stat/<name>, the per-CPU statistics files under net->proc_net_stat (nf_conntrack's
 * and synproxy's made by proc_create_net(), rt_cache's by proc_create()). The directory lists
 * them as the kernel's pde_subdir rbtree orders them: shorter names first, then by bytes
 * (proc_match()).
 */
export function registerProcNetStat(name: string, show: (net: Net) => string, how: ProcCreate = "proc_create_net"): void {
  procNetStat.set(name, { show, how });
}

/** fs/proc/generic.c: proc_match(): the order of a proc directory's entries */
function procMatch(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** the CPUs a per-CPU statistics file has a line for (the recording machines have 2) */
export const NR_POSSIBLE_CPUS = 2;

function pad(v: number | string, w: number): string {
  return String(v).padStart(w, " ");
}

/** net/core/net-procfs.c: dev_seq_show() */
function devSeqShow(net: Net): string {
  let out =
    "Inter-|   Receive                                                |  Transmit\n" +
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";
  for (const dev of net.devices()) {
    const s = dev.stats;
    out += `${pad(dev.name, 6)}:${pad(s.rx_bytes, 8)} ${pad(s.rx_packets, 7)} ${pad(s.rx_errors, 4)} ` +
      `${pad(s.rx_dropped + s.rx_missed_errors, 4)} ${pad(s.rx_fifo_errors, 4)} ` +
      `${pad(s.rx_length_errors + s.rx_over_errors + s.rx_crc_errors + s.rx_frame_errors, 5)} ` +
      `${pad(s.rx_compressed, 10)} ${pad(s.multicast, 9)} ${pad(s.tx_bytes, 8)} ${pad(s.tx_packets, 7)} ` +
      `${pad(s.tx_errors, 4)} ${pad(s.tx_dropped, 4)} ${pad(s.tx_fifo_errors, 4)} ${pad(s.collisions, 5)} ` +
      `${pad(s.tx_carrier_errors + s.tx_aborted_errors + s.tx_window_errors + s.tx_heartbeat_errors, 7)} ` +
      `${pad(s.tx_compressed, 10)}\n`;
  }
  return out;
}
registerProcNet("dev", devSeqShow);

/**
 * net/core/net-procfs.c: softnet_seq_show(), a line per online CPU of its softnet_data, the
 * same in every namespace: processed, dropped, time_squeeze, five retired zeros, the retired
 * cpu_collision, received_rps, flow_limit_count, the backlog (input + process queue), the
 * CPU's index, then the two queues. The world's one backlog is CPU 0's.
 */
function softnetSeqShow(net: Net): string {
  const sd = softnetStat(netSched(net));
  const hex = (v: number) => (v >>> 0).toString(16).padStart(8, "0");
  let out = "";
  for (let cpu = 0; cpu < NR_POSSIBLE_CPUS; cpu++) {
    const [processed, dropped, squeeze, qlen] = cpu === 0 ? [sd.processed, sd.dropped, sd.timeSqueeze, sd.backlog] : [0, 0, 0, 0];
    out += [processed, dropped, squeeze, 0, 0, 0, 0, 0, 0, 0, 0, qlen, cpu, qlen, 0].map(hex).join(" ") + "\n";
  }
  return out;
}
registerProcNet("softnet_stat", softnetSeqShow, "proc_create"); /* proc_create_seq() */

/** a read-only /proc file made as `how` says */
function procFile(show: () => string | KErr, how: ProcCreate): FsNode {
  if (how === "proc_create_net") return fsFile(0o444, show);
  return { kind: "file", mode: 0o444, read: show, writeErr: how === "proc_create" ? "EIO" : "EACCES" };
}

/** /proc/sys/<rel> as a node */
function sysctlNode(net: Net, rel: string): FsNode | undefined {
  const k = sysctlKind(net, rel);
  if (k === undefined) return undefined;
  if (k !== SYSCTL_DIR) return k.write ? fsFile(k.mode, () => k.read(), (d) => k.write!(d)) : fsFile(k.mode, () => k.read());
  const under = (n: string) => (rel === "" ? n : `${rel}/${n}`);
  return namedDir(() => sysctlList(net, rel), (n) => sysctlNode(net, under(n)), 0o555);
}

/**
 * A directory whose entries come by name: `child(name)` makes one (undefined: none), `names()`
 * lists the names it may have; children() is every one that exists, in that order. A path's
 * resolution asks child() alone.
 */
function namedDir(names: () => readonly string[], child: (name: string) => FsNode | undefined, mode: number): FsNode {
  return {
    kind: "dir",
    mode,
    children: () => {
      const m = new Map<string, FsNode>();
      for (const n of names()) {
        const c = child(n);
        if (c) m.set(n, c);
      }
      return m;
    },
    child,
  };
}

/** /proc/net/stat */
function procNetStatDir(net: Net): FsNode {
  return fsDir(() => new Map([...procNetStat.entries()].sort((a, b) => procMatch(a[0], b[0]))
    .map(([name, { show, how }]): [string, FsNode] => [name, procFile(() => show(net), how)])), 0o555);
}

/** /proc/net: the registered files in name order, the parts' own nodes, stat (a later one
 * of the same name over an earlier) */
function procNetDir(net: Net): FsNode {
  const names = () => [...new Set([...[...procNet.keys()].sort(), ...procNetNodes.keys(), "stat"])];
  return namedDir(names, (name) => {
    if (name === "stat") return procNetStatDir(net);
    const n = procNetNodes.get(name)?.(net);
    if (n) return n;
    const f = procNet.get(name);
    return f && procFile(() => f.show(net), f.how);
  }, 0o555);
}

const PROC_SYS = ["kernel", "net"];

/** /proc/sys */
function procSysDir(net: Net): FsNode {
  return namedDir(() => PROC_SYS, (name) => (PROC_SYS.includes(name) ? sysctlNode(net, name) : undefined), 0o555);
}

/** fs/proc/uptime.c: seconds since boot and the idle time summed over the CPUs (2 here: the
 * machines the labs are recorded on; a lab machine idles nearly all the time) */
function procUptime(net: Net): FsNode {
  return procFile(() => {
    const up = (net.host.world.sched.now - net.host.world.bootTime) / 1e6;
    return `${up.toFixed(2)} ${(up * 2).toFixed(2)}\n`;
  }, "proc_create");
}

/** a directory of fixed entries, each made by its function when reached */
function fixedDir(net: Net, entries: readonly [string, (net: Net) => FsNode][], mode: number): FsNode {
  return namedDir(() => entries.map(([n]) => n), (name) => entries.find(([n]) => n === name)?.[1](net), mode);
}

const PROC_ROOT: [string, (net: Net) => FsNode][] = [["net", procNetDir], ["uptime", procUptime], ["sys", procSysDir]];
const KERNEL_FS_ROOT: [string, (net: Net) => FsNode][] = [["proc", procRoot], ["sys", sysfsRoot]];

function procRoot(net: Net): FsNode {
  return fixedDir(net, PROC_ROOT, 0o555);
}

/** resolve `path` (absolute) to a node, following symlinks except a final one when asked */
function resolve(root: FsNode, path: string, followLast = true, depth = 0): FsNode | KErr {
  if (depth > 40) return kerr("ELOOP");
  const parts = path.split("/").filter((s) => s !== "" && s !== ".");
  const stack: string[] = [];
  let node: FsNode = root;
  const nodes: FsNode[] = [root];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === "..") {
      if (stack.length) {
        stack.pop();
        nodes.pop();
      }
      node = nodes[nodes.length - 1]!;
      continue;
    }
    if (node.kind !== "dir") return kerr("ENOTDIR");
    const child = node.child !== undefined ? node.child(p) : node.children().get(p);
    if (!child) return kerr("ENOENT");
    if (child.kind === "link" && (followLast || i < parts.length - 1)) {
      const base = child.target.startsWith("/") ? "" : "/" + stack.join("/");
      const rest = parts.slice(i + 1).join("/");
      return resolve(root, `${base}/${child.target}/${rest}`, followLast, depth + 1);
    }
    stack.push(p);
    nodes.push(child);
    node = child;
  }
  return node;
}

/** open(O_WRONLY) of a node: a directory is EISDIR; kernfs, sysctl and proc_create_net()
 * files without a writer or a write bit are EACCES even for root */
function openWriteErr(n: FsNode): KErr | undefined {
  if (n.kind === "dir") return kerr("EISDIR");
  if (n.kind === "link") return kerr("EACCES");
  if (n.writeErr !== undefined) return undefined;
  return n.write && n.mode & 0o222 ? undefined : kerr("EACCES");
}

/** the /proc and /sys of one namespace (a class: its methods are shared, where an object of
 * closures cost every namespace a process ran in ~10 functions and their context) */
class NetKernelFs implements KernelFs {
  private readonly net: Net;
  constructor(net: Net) {
    this.net = net;
  }
  private lookup(path: string, follow = true): FsNode | KErr {
    return resolve(fixedDir(this.net, KERNEL_FS_ROOT, 0o755), path, follow);
  }
  read(path: string): string | KErr {
    const n = this.lookup(path);
    if (isKErr(n)) return n;
    if (n.kind === "dir") return kerr("EISDIR");
    if (n.kind === "link") return kerr("EINVAL");
    if (!(n.mode & 0o444)) return kerr("EACCES");
    return n.read();
  }
  openWrite(path: string): KErr | undefined {
    const n = this.lookup(path);
    if (isKErr(n)) {
      // open(O_CREAT) of a name a /sys directory lacks: lookup_open() finds no ->create in
      // kernfs's directory inode operations: EACCES, even for root (/proc/sys's lookup
      // answers ENOENT first)
      if (n.errno === "ENOENT" && path.startsWith("/sys/")) {
        const slash = path.replace(/\/+$/, "").lastIndexOf("/");
        const parent = slash > 0 ? this.lookup(path.slice(0, slash)) : undefined;
        if (parent !== undefined && !isKErr(parent) && parent.kind === "dir") return kerr("EACCES");
      }
      return n;
    }
    return openWriteErr(n);
  }
  write(path: string, data: string): KErr | undefined {
    const n = this.lookup(path);
    if (isKErr(n)) return n;
    const e = openWriteErr(n);
    if (e) return e;
    if (n.kind !== "file") return kerr("EACCES");
    return n.write ? n.write(data) : kerr(n.writeErr ?? "EACCES");
  }
  readdir(path: string): string[] | KErr {
    const n = this.lookup(path);
    if (isKErr(n)) return n;
    if (n.kind !== "dir") return kerr("ENOTDIR");
    return [...n.children().keys()];
  }
  stat(path: string): VfsStat | KErr {
    return statOf(this.lookup(path), path);
  }
  lstat(path: string): VfsStat | KErr {
    return statOf(this.lookup(path, false), path);
  }
  readlink(path: string): string | KErr {
    const n = this.lookup(path, false);
    if (isKErr(n)) return n;
    if (n.kind !== "link") return kerr("EINVAL");
    return n.target;
  }
}

/** the /proc and /sys of one namespace */
export function createKernelFs(net: Net): KernelFs & { lstat(path: string): VfsStat | KErr } {
  return new NetKernelFs(net);
}

/** the stat of a node: directories, symlinks, files (sysfs files report 4096 bytes) */
function statOf(n: FsNode | KErr, path: string): VfsStat | KErr {
  if (isKErr(n)) return n;
  if (n.kind === "dir") return { isDirectory: true, isFile: false, mode: 0o040000 | (n.mode ?? 0o555), size: 0 };
  if (n.kind === "link") return { isDirectory: false, isFile: false, isSymlink: true, mode: 0o120777, size: 0 };
  return { isDirectory: false, isFile: true, mode: 0o100000 | n.mode, size: path.startsWith("/sys/") ? 4096 : 0 };
}
