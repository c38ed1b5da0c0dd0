/**
 * The system calls of a process in (host, network namespace): what `uapi/syscalls.ts`
 * promises userland, implemented over the kernel parts.
 */
import { kerr, type KErr } from "./uapi/errno.ts";
import type { Syscalls, IoctlReq } from "./uapi/syscalls.ts";
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

export function createSyscalls(host: Host, net: Net): Syscalls {
  const world = host.world;
  const rtnl = rtnetlinkFor(net);
  const kfs = createKernelFs(net);
  /* a write to /proc or /sys may change links; reads see the link watch done */
  const fs: Syscalls["fs"] = {
    read: (p) => (linkwatchRunPending(net), kfs.read(p)),
    write: (p, d) => {
      const r = kfs.write(p, d);
      linkwatchRunPending(net);
      return r;
    },
    openWrite: (p) => kfs.openWrite(p),
    readdir: (p) => kfs.readdir(p),
    stat: (p) => kfs.stat(p),
    /* stat() without following a final symlink (ls -l /sys/class/net) */
    lstat: (p) => kfs.lstat(p),
    readlink: (p) => kfs.readlink!(p),
  };
  const sys: Syscalls = {
    rtnl,
    fs,
    /* /run/netns is a tmpfs: readdir lists the newest entry first */
    netnsList: () => [...host.namedNetns.keys()].reverse(),
    netnsExists: (name) => host.namedNetns.has(name),
    netnsAdd: (name) => host.netnsAdd(name),
    netnsDel: (name) => host.netnsDel(name),
    netnsEnter: (name) => {
      const n = host.namedNetns.get(name);
      if (!n) return kerr("ENOENT");
      return host.syscalls(n);
    },
    netnsIdentify: () => [...host.namedNetns.entries()].filter(([, n]) => n === net).map(([k]) => k).reverse(),
    bindProcesses: (lookup) => {
      host.pidNetns = (pid) => {
        const s = lookup(pid);
        return s === undefined ? undefined : (netOfSys.get(s.ns ?? s) ?? host.initNet);
      };
    },
    netnsUnshare: () => host.syscalls(host.netnsCreate()),
    netnsRelease: () => host.netnsPut(net),
    get inInitNetns() {
      return net === host.initNet;
    },
    get netnsName() {
      return net.name;
    },
    socket: (family, type, protocol) => {
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
    },
    inetDiag: (req) => inetDiagDump(net, req, world.sched.now),
    ioctl: (req: IoctlReq) => {
      linkwatchRunPending(net);
      const r = devIoctl(net, req);
      linkwatchRunPending(net);
      return r;
    },
    hostname: () => host.hostname,
    sethostname: (name) => {
      host.hostname = name;
    },
    dmesg: () => host.dmesg(),
    loadModule: (name) => host.loadModule(name),
    modules: () => host.modules.map((m) => ({ ...m, usedBy: [...m.usedBy] })),
    now: () => world.sched.now,
    sleep: (us) => world.sched.sleep(us),
    block: () => world.sched.block(),
    random32: () => world.rng.u32(),
    wallclock: () => world.epoch + world.sched.now / 1_000_000,
    timer: (fn, label) => world.sched.timer(fn, label),
    /* rtnl_net_getid(): peernet2id without allocation */
    netnsId: (name) => {
      const peer = host.namedNetns.get(name);
      if (!peer) return -1;
      return peernet2id(net, peer);
    },
    /* rtnl_net_newid() */
    netnsSetId: (name, nsid) => {
      const peer = host.namedNetns.get(name);
      if (!peer) return kerr("ENOENT");
      return netnsSetId(net, peer, nsid);
    },
  };
  netOfSys.set(sys, net);
  return sys;
}
