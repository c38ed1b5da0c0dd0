/** A tiny stand-in kernel for shell tests: /proc/sys/net/ipv4/ip_forward, netns, time. */
import type { KernelFs, Syscalls, VfsStat } from "../../../src/kernel/uapi/syscalls.ts";
import type { KErr } from "../../../src/kernel/uapi/errno.ts";
import { Scheduler } from "../../../src/sim/scheduler.ts";

export class FakeHost {
  sched = new Scheduler();
  netns = new Map<string, FakeSys>();
  root: FakeSys;
  constructor(public name = "host") {
    this.root = new FakeSys(this, "");
  }
}

export class FakeSys {
  ipForward = "0";
  constructor(
    private host: FakeHost,
    readonly netnsName: string,
  ) {}
  get inInitNetns() {
    return this.netnsName === "";
  }
  fs: KernelFs = {
    read: (path: string): string | KErr => {
      if (path === "/proc/sys/net/ipv4/ip_forward") return this.ipForward + "\n";
      return { errno: "ENOENT" };
    },
    openWrite: (path: string): KErr | undefined => (path === "/proc/sys/net/ipv4/ip_forward" ? undefined : { errno: "ENOENT" }),
    write: (path: string, data: string): KErr | undefined => {
      if (path !== "/proc/sys/net/ipv4/ip_forward") return { errno: "ENOENT" };
      const v = data.trim();
      if (!/^-?\d+$/.test(v)) return { errno: "EINVAL" };
      this.ipForward = v;
      return undefined;
    },
    readdir: (path: string): string[] | KErr => {
      if (path === "/proc/sys/net/ipv4") return ["ip_forward"];
      if (path === "/proc") return ["sys"];
      return { errno: "ENOENT" };
    },
    stat: (path: string): VfsStat | KErr => {
      if (path === "/proc/sys/net/ipv4/ip_forward") return { isFile: true, isDirectory: false, mode: 0o100644, size: 0 };
      if (["/proc", "/proc/sys", "/proc/sys/net", "/proc/sys/net/ipv4", "/sys"].includes(path))
        return { isFile: false, isDirectory: true, mode: 0o40555, size: 0 };
      return { errno: "ENOENT" };
    },
  };
  netnsList() {
    return [...this.host.netns.keys()];
  }
  netnsExists(name: string) {
    return this.host.netns.has(name);
  }
  netnsAdd(name: string): KErr | undefined {
    if (this.host.netns.has(name)) return { errno: "EEXIST" };
    this.host.netns.set(name, new FakeSys(this.host, name));
    return undefined;
  }
  netnsDel(name: string): KErr | undefined {
    return this.host.netns.delete(name) ? undefined : { errno: "ENOENT" };
  }
  netnsEnter(name: string): Syscalls | KErr {
    return (this.host.netns.get(name) as unknown as Syscalls) ?? { errno: "ENOENT" };
  }
  netnsIdentify() {
    return this.netnsName ? [this.netnsName] : [];
  }
  hostname() {
    return this.host.name;
  }
  sethostname(n: string) {
    this.host.name = n;
  }
  dmesg() {
    return [];
  }
  now() {
    return this.host.sched.now;
  }
  sleep(us: number) {
    return this.host.sched.sleep(us);
  }
  block() {
    return this.host.sched.block();
  }
  random32() {
    return 4;
  }
  wallclock() {
    return 1_700_000_000 + this.host.sched.now / 1e6;
  }
}

export function asSys(s: FakeSys): Syscalls {
  return s as unknown as Syscalls;
}
