/**
 * A tiny stand-in kernel for the iputils tests: raw ICMP sockets whose echo requests are
 * answered (or not, or with an ICMP error) by a scripted network, a UDP socket for the source
 * selection probe, and the timer/Block plumbing of Syscalls. The real-kernel tests (World) live
 * in iputils.world.test.ts.
 */
import { Scheduler } from "../../../src/sim/scheduler.ts";
import type { Syscalls } from "../../../src/kernel/uapi/syscalls.ts";
import type { Socket, SockAddr, SockAddrIn, RecvMsg, SockExtendedErr, SockOpt } from "../../../src/kernel/uapi/socket.ts";
import type { KErr } from "../../../src/kernel/uapi/errno.ts";
import type { Process } from "../../../src/userland/process.ts";

export type Behaviour =
  | { kind: "reply"; rtt: number; ttl?: number; from?: number }
  | { kind: "none" }
  | { kind: "icmp"; rtt: number; from: number; type: number; code: number; info?: number };

export interface FakeNet {
  sched: Scheduler;
  src: number;
  /** destination -> what happens to echo requests */
  dests: Map<number, Behaviour>;
  /** destinations with a route (connect() of the UDP probe fails with ENETUNREACH otherwise) */
  routable: (dst: number) => boolean;
  sent: number;
  /** traceroute: the routers on the way to any destination (hop 1 first); the destination
   * answers UDP probes with port unreachable, ICMP probes with echo replies */
  path: number[];
  /** per-hop one-way delay in µs */
  hopDelay: number;
  /** destinations that never answer */
  silent: Set<number>;
}

export function ip(s: string): number {
  return s.split(".").reduce((a, b) => a * 256 + Number(b), 0) >>> 0;
}

function cksum(b: Uint8Array, off: number, len: number): number {
  let sum = 0;
  let i = off;
  for (; i + 1 < off + len; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < off + len) sum += b[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipHeader(buf: Uint8Array, src: number, dst: number, ttl: number, len: number): void {
  buf[0] = 0x45;
  buf[2] = len >> 8;
  buf[3] = len & 0xff;
  buf[8] = ttl;
  buf[9] = 1;
  for (let i = 0; i < 4; i++) {
    buf[12 + i] = (src >>> (24 - 8 * i)) & 0xff;
    buf[16 + i] = (dst >>> (24 - 8 * i)) & 0xff;
  }
}

class RawIcmp implements Socket {
  readonly family = 2;
  readonly type = 3;
  readonly protocol = 1;
  private q: RecvMsg[] = [];
  private eq: SockExtendedErr[] = [];
  private cb: (() => void) | undefined;
  ttl = 64;
  constructor(private readonly net: FakeNet) {}
  bind(): KErr | undefined {
    return undefined;
  }
  connect(): KErr | undefined {
    return undefined;
  }
  getsockname(): SockAddr | KErr {
    return { family: 2, addr: this.net.src, port: 0 };
  }
  getpeername(): SockAddr | KErr {
    return { errno: "ENOTCONN" };
  }
  setsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined {
    if (name === "IP_TTL") this.ttl = Number(value);
    if (name === "SO_BINDTODEVICE" && value !== "eth0") return { errno: "ENODEV" };
    return undefined;
  }
  getsockopt(): number | string | KErr {
    return 212992;
  }
  sendto(data: Uint8Array, addr?: SockAddr): number | KErr {
    const net = this.net;
    net.sent++;
    const dst = (addr as SockAddrIn).addr;
    const b = net.dests.get(dst) ?? { kind: "none" };
    const copy = data.slice();
    if (b.kind === "reply") {
      net.sched.after(b.rtt, () => {
        const pkt = new Uint8Array(20 + copy.length);
        ipHeader(pkt, b.from ?? dst, net.src, b.ttl ?? 64, pkt.length);
        pkt.set(copy, 20);
        pkt[20] = 0;
        pkt[22] = 0;
        pkt[23] = 0;
        const c = cksum(pkt, 20, copy.length);
        pkt[22] = c >> 8;
        pkt[23] = c & 0xff;
        this.q.push({ data: pkt, from: { family: 2, addr: b.from ?? dst, port: 0 }, stamp: net.sched.now });
        this.cb?.();
      });
    } else if (b.kind === "icmp") {
      net.sched.after(b.rtt, () => {
        this.eq.push({
          ee_errno: 113,
          ee_origin: 2,
          ee_type: b.type,
          ee_code: b.code,
          ee_info: b.info ?? 0,
          ee_data: 0,
          offender: b.from,
          payload: copy,
        });
        this.cb?.();
      });
    }
    return data.length;
  }
  recvfrom(): RecvMsg | undefined {
    return this.q.shift();
  }
  recvErr(): SockExtendedErr | undefined {
    return this.eq.shift();
  }
  onReadable(cb: (() => void) | undefined): void {
    this.cb = cb;
  }
  close(): void {
    this.cb = undefined;
  }
}

class UdpProbe implements Socket {
  readonly family = 2;
  readonly type = 2;
  readonly protocol = 17;
  private connected = false;
  private bcast = false;
  private ttl = 64;
  private dst = 0;
  private dport = 0;
  private eq: SockExtendedErr[] = [];
  private cb: (() => void) | undefined;
  constructor(private readonly net: FakeNet) {}
  bind(): KErr | undefined {
    return undefined;
  }
  connect(a: SockAddr): KErr | undefined {
    const d = (a as SockAddrIn).addr;
    this.dst = d;
    this.dport = (a as SockAddrIn).port;
    if (!this.net.routable(d)) return { errno: "ENETUNREACH" };
    if ((d & 0xff) === 0xff && !this.bcast) return { errno: "EACCES" };
    this.connected = true;
    return undefined;
  }
  getsockname(): SockAddr | KErr {
    return { family: 2, addr: this.connected ? this.net.src : 0, port: 40000 };
  }
  getpeername(): SockAddr | KErr {
    return { errno: "ENOTCONN" };
  }
  setsockopt(name: SockOpt, value: number | string | boolean | Uint8Array): KErr | undefined {
    if (name === "IP_TTL") this.ttl = Number(value);
    if (name === "SO_BROADCAST") this.bcast = !!value;
    if (name === "SO_BINDTODEVICE" && value !== "eth0") return { errno: "ENODEV" };
    return undefined;
  }
  getsockopt(): number | string | KErr {
    return 0;
  }
  sendto(d: Uint8Array): number | KErr {
    const net = this.net;
    const hops = net.path.length;
    const copy = d.slice();
    if (this.ttl <= hops) {
      const from = net.path[this.ttl - 1]!;
      net.sched.after(2 * this.ttl * net.hopDelay, () => this.err(from, 11, 0, copy));
    } else if (!net.silent.has(this.dst)) {
      net.sched.after(2 * (hops + 1) * net.hopDelay, () => this.err(this.dst, 3, 3, copy));
    }
    return d.length;
  }
  private err(from: number, type: number, code: number, payload: Uint8Array): void {
    this.eq.push({ ee_errno: 111, ee_origin: 2, ee_type: type, ee_code: code, ee_info: 0, ee_data: 0, offender: from, payload });
    this.cb?.();
  }
  recvfrom(): RecvMsg | undefined {
    return undefined;
  }
  recvErr(): SockExtendedErr | undefined {
    return this.eq.shift();
  }
  onReadable(cb: (() => void) | undefined): void {
    this.cb = cb;
  }
  close(): void {
    this.cb = undefined;
  }
}

export function fakeNet(): FakeNet {
  return {
    sched: new Scheduler(),
    src: ip("10.0.1.2"),
    dests: new Map(),
    routable: () => true,
    sent: 0,
    path: [],
    hopDelay: 50,
    silent: new Set(),
  };
}

export function fakeSys(net: FakeNet): Syscalls {
  const sched = net.sched;
  let seed = 12345;
  const sys = {
    rtnl: { talk: () => ({ ack: { ok: true } }), dump: () => [] },
    fs: {} as Syscalls["fs"],
    netnsList: () => [],
    netnsExists: () => false,
    netnsAdd: () => undefined,
    netnsDel: () => undefined,
    netnsEnter: () => ({ errno: "ENOENT" }),
    netnsIdentify: () => [],
    inInitNetns: true,
    netnsName: "",
    socket(family: number, type: number, protocol: number): Socket | KErr {
      if (family !== 2) return { errno: "EAFNOSUPPORT" };
      if (type === 2 && protocol === 1) return { errno: "EACCES" };
      if (type === 3) return new RawIcmp(net);
      return new UdpProbe(net);
    },
    ioctl: () => ({ errno: "EINVAL" }),
    hostname: () => "a",
    sethostname() {},
    dmesg: () => [],
    loadModule: () => undefined,
    modules: () => [],
    now: () => sched.now,
    sleep: (us: number) => sched.sleep(us),
    block: () => sched.block(),
    random32: () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0),
    wallclock: () => 1700000000 + sched.now / 1e6,
    timer: (fn: () => void, label?: string) => sched.timer(fn, label),
  };
  return sys as unknown as Syscalls;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** simulated µs the command took */
  took: number;
}

export async function run(
  cmd: (p: Process) => Promise<number>,
  argv: string[],
  sys: Syscalls,
  sched: Scheduler,
  opts: { hosts?: string; abortAt?: number } = {},
): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const ac = new AbortController();
  const p: Process = {
    argv,
    env: {},
    cwd: "/root",
    stdin: "",
    stdout: { write: (s) => void (stdout += s) },
    stderr: { write: (s) => void (stderr += s) },
    sys,
    signal: ac.signal,
    isatty: false,
    spawn: async () => 127,
    readFile: async (path) => (path === "/etc/hosts" ? (opts.hosts ?? "127.0.0.1 localhost\n") : undefined),
    writeFile: async () => false,
  };
  const t0 = sched.now;
  if (opts.abortAt !== undefined) sched.at(t0 + opts.abortAt, () => ac.abort());
  const code = await sched.drive(cmd(p), () => new Promise<void>((r) => setImmediate(r)));
  return { code, stdout, stderr, took: sched.now - t0 };
}
