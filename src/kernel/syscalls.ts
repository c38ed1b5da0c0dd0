/**
 * The system calls of a process in (host, network namespace): what `uapi/syscalls.ts`
 * promises userland, implemented over the kernel parts.
 */
import { kerr, type KErr } from "./uapi/errno.ts";
import type { Syscalls, IoctlReq, KernelFs, VfsStat } from "./uapi/syscalls.ts";
import type { Socket } from "./uapi/socket.ts";
import type { Net } from "./core/net_namespace.ts";
import { peernet2id, netnsSetId } from "./core/net_namespace.ts";
import type { Host } from "./world.ts";
import { rtnetlinkFor } from "./core/rtnetlink.ts";
import { createKernelFs } from "./core/procfs.ts";
import { devIoctl } from "./core/dev_ioctl.ts";
import { linkwatchRunPending } from "./core/dev.ts";
import { doSoftirq } from "./core/dev_path.ts";
import { sockCreate } from "./socket/socket.ts";
import { inetDiagDump } from "./ipv4/inet_diag.ts";

/** net/socket.c: __sock_create() of the socket layer (K2's sockCreate in socket/socket.ts) */
export type SockCreate = (net: Net, family: number, type: number, protocol: number) => Socket | KErr;

let sockCreateFn: SockCreate = sockCreate;
/** replace the socket layer (tests) */
export function setSockCreate(fn: SockCreate): void {
  sockCreateFn = fn;
}

/** the namespace behind each Syscalls (a process's view resolves to it: get_net_ns_by_pid) */
const netOfSys = new WeakMap<object, Net>();

/**
 * The Syscalls of one namespace, its methods on the prototype: each namespace a process has
 * run in keeps one for as long as it lives, and ~40 closures over (host, net) made every
 * namespace of bench a keep ~3 KB more. The methods read only the fields below, never other
 * methods of `this`: a process's view (Object.create() of this, shell/procpid.ts) overrides
 * socket() and fs, which the namespace's own calls must not see.
 */
class NetnsSyscalls implements Syscalls {
  readonly rtnl: Syscalls["rtnl"];
  readonly fs: Syscalls["fs"];
  private readonly kHost: Host;
  private readonly kNet: Net;

  constructor(host: Host, net: Net) {
    this.kHost = host;
    this.kNet = net;
    this.rtnl = rtnetlinkFor(net);
    this.fs = new NetnsFs(net);
  }

  /* /run/netns is a tmpfs: readdir lists the newest entry first */
  netnsList(): string[] {
    return [...this.kHost.namedNetns.keys()].reverse();
  }
  netnsExists(name: string): boolean {
    return this.kHost.namedNetns.has(name);
  }
  netnsAdd(name: string): KErr | undefined {
    return this.kHost.netnsAdd(name);
  }
  netnsDel(name: string): KErr | undefined {
    return this.kHost.netnsDel(name);
  }
  netnsEnter(name: string): Syscalls | KErr {
    const n = this.kHost.namedNetns.get(name);
    if (!n) return kerr("ENOENT");
    return this.kHost.syscalls(n);
  }
  netnsIdentify(): string[] {
    const net = this.kNet;
    return [...this.kHost.namedNetns.entries()].filter(([, n]) => n === net).map(([k]) => k).reverse();
  }
  bindProcesses(lookup: (pid: number) => Syscalls | undefined): void {
    const host = this.kHost;
    host.pidNetns = (pid) => {
      const s = lookup(pid);
      return s === undefined ? undefined : (netOfSys.get(s.ns ?? s) ?? host.initNet);
    };
  }
  netnsUnshare(): Syscalls {
    return this.kHost.syscalls(this.kHost.netnsCreate());
  }
  netnsRelease(): void {
    this.kHost.netnsPut(this.kNet);
  }
  get inInitNetns(): boolean {
    return this.kNet === this.kHost.initNet;
  }
  get netnsName(): string {
    return this.kNet.name;
  }
  socket(family: number, type: number, protocol: number): Socket | KErr {
    const net = this.kNet;
    const sk = sockCreateFn(net, family, type, protocol);
    if ("errno" in sk) return sk;
    // the transmit path's local_bh_enable() runs NET_RX before sendmsg() returns
    const sendto = sk.sendto;
    sk.sendto = (data, addr) => {
      const r = sendto.call(sk, data, addr);
      doSoftirq(net);
      return r;
    };
    return sk;
  }
  inetDiag(req: Parameters<NonNullable<Syscalls["inetDiag"]>>[0]): ReturnType<NonNullable<Syscalls["inetDiag"]>> {
    return inetDiagDump(this.kNet, req, this.kHost.world.sched.now);
  }
  ioctl(req: IoctlReq): Record<string, unknown> | KErr {
    const net = this.kNet;
    linkwatchRunPending(net);
    const r = devIoctl(net, req);
    linkwatchRunPending(net);
    return r;
  }
  hostname(): string {
    return this.kHost.hostname;
  }
  sethostname(name: string): void {
    this.kHost.hostname = name;
  }
  dmesg(): string[] {
    return this.kHost.dmesg();
  }
  loadModule(name: string): KErr | undefined {
    return this.kHost.loadModule(name);
  }
  modules(): { name: string; size: number; usedBy: string[] }[] {
    return this.kHost.modules.map((m) => ({ ...m, usedBy: [...m.usedBy] }));
  }
  now(): number {
    return this.kHost.world.sched.now;
  }
  sleep(us: number): Promise<void> {
    return this.kHost.world.sched.sleep(us);
  }
  block(): ReturnType<Syscalls["block"]> {
    return this.kHost.world.sched.block();
  }
  random32(): number {
    return this.kHost.world.rng.u32();
  }
  wallclock(): number {
    const world = this.kHost.world;
    return world.epoch + world.sched.now / 1_000_000;
  }
  timer(fn: () => void, label?: string): ReturnType<NonNullable<Syscalls["timer"]>> {
    return this.kHost.world.sched.timer(fn, label);
  }
  /* rtnl_net_getid(): peernet2id without allocation */
  netnsId(name: string): number {
    const peer = this.kHost.namedNetns.get(name);
    if (!peer) return -1;
    return peernet2id(this.kNet, peer);
  }
  /* rtnl_net_newid() */
  netnsSetId(name: string, nsid: number): KErr | undefined {
    const peer = this.kHost.namedNetns.get(name);
    if (!peer) return kerr("ENOENT");
    return netnsSetId(this.kNet, peer, nsid);
  }
}

/** the namespace's /proc and /sys: a write to them may change links; reads see the link
 * watch done */
class NetnsFs implements KernelFs {
  private readonly kNet: Net;
  private readonly kfs: ReturnType<typeof createKernelFs>;
  constructor(net: Net) {
    this.kNet = net;
    this.kfs = createKernelFs(net);
  }
  read(p: string): string | KErr {
    linkwatchRunPending(this.kNet);
    return this.kfs.read(p);
  }
  write(p: string, d: string): KErr | undefined {
    const r = this.kfs.write(p, d);
    linkwatchRunPending(this.kNet);
    return r;
  }
  openWrite(p: string): KErr | undefined {
    return this.kfs.openWrite(p);
  }
  readdir(p: string): string[] | KErr {
    return this.kfs.readdir(p);
  }
  stat(p: string): VfsStat | KErr {
    return this.kfs.stat(p);
  }
  /* stat() without following a final symlink (ls -l /sys/class/net) */
  lstat(p: string): VfsStat | KErr {
    return this.kfs.lstat(p);
  }
  readlink(p: string): string | KErr {
    return this.kfs.readlink!(p);
  }
}

export function createSyscalls(host: Host, net: Net): Syscalls {
  const sys = new NetnsSyscalls(host, net);
  netOfSys.set(sys, net);
  return sys;
}
