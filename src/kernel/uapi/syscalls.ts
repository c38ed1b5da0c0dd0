/**
 * What a process may ask of the kernel. Userland imports only `kernel/uapi`; the kernel
 * implements this interface per (host, network namespace).
 */
import type { Micros, Block, Timer } from "../../sim/scheduler.ts";
import type { KErr } from "./errno.ts";
import type { Rtnetlink } from "./rtnetlink.ts";
import type { Socket } from "./socket.ts";
import type { InetDiagMsg, InetDiagReq } from "./inet_diag.ts";

/** A legacy ioctl request, by its C name, with its struct as a plain object. */
export interface IoctlReq {
  /** SIOCGIFFLAGS, SIOCSIFFLAGS, SIOCSIFADDR, SIOCSIFNETMASK, SIOCSIFBRDADDR, SIOCSIFMTU,
   * SIOCSIFHWADDR, SIOCADDRT, SIOCDELRT, SIOCSARP, SIOCDARP, SIOCBRADDBR, SIOCBRDELBR,
   * SIOCBRADDIF, SIOCBRDELIF, SIOCETHTOOL … */
  request: string;
  ifname?: string;
  [field: string]: unknown;
}

export interface VfsStat {
  isDirectory: boolean;
  isFile: boolean;
  isSymlink?: boolean;
  mode: number;
  size: number;
}

/** The kernel's pseudo filesystems (/proc, /sys) as seen from one network namespace. */
export interface KernelFs {
  read(path: string): string | KErr;
  /** a write as one write(2) of `data`; returns the kernel's error (EINVAL …) */
  write(path: string, data: string): KErr | undefined;
  /** what open(O_WRONLY) of `path` would fail with (ENOENT, EISDIR, EACCES), if anything */
  openWrite(path: string): KErr | undefined;
  readdir(path: string): string[] | KErr;
  stat(path: string): VfsStat | KErr;
  /** stat() without following a final symlink (`ls -l /sys/class/net`) */
  lstat?(path: string): VfsStat | KErr;
  readlink?(path: string): string | KErr;
}

export interface Syscalls {
  /** rtnetlink in the caller's network namespace */
  readonly rtnl: Rtnetlink;
  /** /proc and /sys as the caller's netns shows them */
  readonly fs: KernelFs;

  // network namespaces (/run/netns of this host)
  netnsList(): string[];
  /** is /run/netns/NAME there (an open(2) of it, without listing the directory) */
  netnsExists(name: string): boolean;
  netnsAdd(name: string): KErr | undefined;
  netnsDel(name: string): KErr | undefined;
  /** setns() into a named namespace: a Syscalls bound to it */
  netnsEnter(name: string): Syscalls | KErr;
  /** the names in /run/netns that refer to the caller's namespace */
  netnsIdentify(): string[];
  /** the machine's processes, as the kernel finds a pid's network namespace (get_net_ns_by_pid):
   * the Syscalls of the namespace it is in, undefined for no such process. The shell that owns
   * the process table binds it; optional only for test doubles. */
  bindProcesses?(lookup: (pid: number) => Syscalls | undefined): void;
  /** unshare(CLONE_NEWNET): a new namespace no name refers to, and its Syscalls */
  netnsUnshare?(): Syscalls;
  /** the last process of the caller's namespace left: an unnamed one is destroyed */
  netnsRelease?(): void;
  /** is the caller in the host's initial network namespace? */
  readonly inInitNetns: boolean;
  /** the name of the caller's named namespace, or "" in the root namespace */
  readonly netnsName: string;
  /** RTM_GETNSID by /run/netns name (rtnl_net_getid: peernet2id without allocating): the nsid
   * the caller's namespace has assigned to namespace NAME, -1 if none. The kernel always has
   * it; optional only for test doubles. */
  netnsId?(name: string): number;
  /** RTM_NEWNSID by /run/netns name (rtnl_net_newid): assign NSID (-1: the next free one) to
   * namespace NAME in the caller's namespace; the error carries the kernel's extack */
  netnsSetId?(name: string, nsid: number): KErr | undefined;

  socket(family: number, type: number, protocol: number): Socket | KErr;
  /** NETLINK_SOCK_DIAG: the inet sockets of the caller's namespace (inet_diag dump); the kernel
   * always has it, optional only for test doubles */
  inetDiag?(req: InetDiagReq): InetDiagMsg[] | KErr;
  /** the namespace's own Syscalls object when this one is a process's view of it (the shell
   * gives each process one that keeps its fd table): the key for per-namespace state */
  readonly ns?: Syscalls;
  ioctl(req: IoctlReq): Record<string, unknown> | KErr;

  // the machine
  hostname(): string;
  sethostname(name: string): void;
  /** dmesg lines, formatted "[%5lu.%06lu] msg" */
  dmesg(): string[];
  /** init_module by name (modprobe); the list for lsmod */
  loadModule(name: string): KErr | undefined;
  modules(): { name: string; size: number; usedBy: string[] }[];

  // simulated time and randomness
  now(): Micros;
  sleep(us: Micros): Promise<void>;
  block(): Block;
  /** a cancellable timer on the world's clock (mod(when)/cancel()), for a process that waits
   * for "a packet or a timeout" (iputils' poll() loops); fn runs in simulator context. The
   * kernel always has it; optional only for test doubles. */
  timer?(fn: () => void, label?: string): Timer;
  random32(): number;
  /** wall-clock seconds since the epoch at simulated time `now` (tcpdump timestamps, leases) */
  wallclock(): number;
}
