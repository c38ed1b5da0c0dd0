/**
 * The world: one scheduler, one seeded random source, the hosts (machines, each with its
 * initial network namespace, /run/netns, hostname, dmesg ring and modules) and the cables
 * between them (veth pairs across two hosts' initial namespaces, as the kernel lab runner
 * builds them).
 */
import { procTablesInit } from "./core/proc_tables.ts";
import { Scheduler, USEC_PER_SEC } from "../sim/scheduler.ts";
import { Rng } from "../sim/rng.ts";
import { kerr, type KErr } from "./uapi/errno.ts";
import { IFF_UP } from "./uapi/if.ts";
import { kconfigOf, type KernelConfig } from "./kconfig.ts";
import type { Syscalls } from "./uapi/syscalls.ts";
import { Net, NetGeneric, cleanupNet, setupNet } from "./core/net_namespace.ts";
import { devChangeFlags, devChangeNetNamespace, unregisterNetdevice, devGetFlags, linkwatchRunPending } from "./core/dev.ts";
import { rtnetlinkInit } from "./core/rtnetlink.ts";
import { sysctlCoreInit } from "./core/sysctl.ts";
import { loopbackInit } from "./drivers/loopback.ts";
import { vethInit, vethCreatePair } from "./drivers/veth.ts";
import { createSyscalls } from "./syscalls.ts";
import { brInit } from "./bridge/br.ts";
import { devinetInit } from "./ipv4/devinet.ts";
import { fibInit } from "./ipv4/fib.ts";
import { addrconfInit } from "./ipv6/addrconf.ts";
import { igmpInit } from "./ipv4/igmp.ts";
import { ndiscInit } from "./ipv6/ndisc.ts";
import { ipv6PacketInit } from "./ipv6/ip6_input.ts";
import { devAddrListsInit } from "./core/dev_addr_lists.ts";
import { inetInit } from "./ipv4/af_inet.ts";
import { netfilterInit } from "./netfilter/index.ts";
import { kmodLoad } from "./drivers/kmod.ts";
import { devicesInit } from "./drivers/devices.ts";
import { ovsInit } from "./openvswitch/index.ts";

export interface WorldOptions {
  seed?: string;
  /** lab mode: the MAC of a device whose driver would draw a random one (LAB-FORMAT.md) */
  labMac?: (host: string, netns: string, ifname: string) => Uint8Array | undefined;
  /** wall-clock seconds since the epoch at simulated time 0 */
  epoch?: number;
  /** the kernel configuration of every machine (default: the lab kernel's, src/kernel/kconfig.ts) */
  kconfig?: Partial<KernelConfig>;
}

let kernelInitDone = false;

/** start_kernel() for the parts: each init registers its pernet ops, rtnl handlers,
 * notifiers and link kinds once per process. Loopback first: lo is ifindex 1 everywhere. */
function kernelInit(): void {
  if (kernelInitDone) return;
  kernelInitDone = true;
  loopbackInit();
  rtnetlinkInit();
  sysctlCoreInit();
  vethInit();
  /* inet_init(): arp_init() first, then ip_rt_init() -> devinet_init(), ip_fib_init() */
  inetInit();
  devinetInit();
  fibInit();
  addrconfInit();
  igmpInit(); // after devinetInit: notifier order = Linux's
  ndiscInit(); // after addrconfInit
  ipv6PacketInit(); // ETH_P_IPV6 handler
  netfilterInit();
  brInit();
  devicesInit();
  ovsInit();
  devAddrListsInit(); // last: its UNREGISTER flush runs after the others
  procTablesInit();
}

/** the modules a host has loaded at boot (the lab runner's kernel: br_netfilter loaded) */
const BOOT_MODULES: { name: string; size: number; usedBy: string[] }[] = [
  { name: "br_netfilter", size: 32768, usedBy: [] },
  { name: "bridge", size: 421888, usedBy: ["br_netfilter"] },
  { name: "stp", size: 12288, usedBy: ["bridge"] },
  { name: "llc", size: 16384, usedBy: ["bridge", "stp"] },
  { name: "veth", size: 45056, usedBy: [] },
];
const KNOWN_MODULES = new Set([
  "br_netfilter", "bridge", "stp", "llc", "veth", "nf_conntrack", "nf_nat", "iptable_filter",
  "iptable_nat", "iptable_mangle", "iptable_raw", "ip_tables", "x_tables", "nf_defrag_ipv4",
  "xt_conntrack", "xt_MASQUERADE", "xt_LOG", "nf_log_syslog", "tun", "vxlan", "macvlan",
]);

/** the Syscalls object of each namespace (a namespace belongs to one host) */
const syscallsOf = new NetGeneric<Syscalls>();

/** the lines the printk ring keeps */
const DMESG_RING_LINES = 4096;

export class Host {
  readonly name: string;
  readonly world: World;
  readonly initNet!: Net;
  /** /run/netns: name -> namespace, in creation order */
  readonly namedNetns = new Map<string, Net>();
  /** the process table (the shell's): the namespace of a live pid (get_net_ns_by_pid) */
  pidNetns: ((pid: number) => Net | undefined) | undefined;
  hostname: string;
  /** the machine's kernel build options */
  readonly kconfig: Readonly<KernelConfig>;
  /** the printk ring: each message and its time, formatted when read (dmesg()); the oldest
   * go past DMESG_RING_LINES */
  private readonly dmesgMsgs: string[] = [];
  private readonly dmesgTimes: number[] = [];
  private dmesgHead = 0;
  readonly modules: { name: string; size: number; usedBy: string[] }[] = BOOT_MODULES.map((m) => ({ ...m, usedBy: [...m.usedBy] }));

  constructor(world: World, name: string, kconfig: Partial<KernelConfig> = world.kconfig) {
    this.world = world;
    this.name = name;
    this.kconfig = Object.freeze(kconfigOf(kconfig));
    this.hostname = name;
    setupNet(this, "", (net) => ((this as { initNet: Net }).initNet = net));
  }

  /** printk into this machine's ring, at the simulated time since boot */
  dmesgLog(msg: string): void {
    const t = this.world.sched.now - this.world.bootTime;
    if (this.dmesgMsgs.length < DMESG_RING_LINES) {
      this.dmesgMsgs.push(msg);
      this.dmesgTimes.push(t);
      return;
    }
    this.dmesgMsgs[this.dmesgHead] = msg;
    this.dmesgTimes[this.dmesgHead] = t;
    this.dmesgHead = (this.dmesgHead + 1) % DMESG_RING_LINES;
  }

  /** the ring, oldest first, each line "[%5lu.%06lu] msg" */
  dmesg(): string[] {
    const n = this.dmesgMsgs.length;
    const out: string[] = [];
    for (let k = 0; k < n; k++) {
      const i = (this.dmesgHead + k) % n;
      const t = this.dmesgTimes[i]!;
      const sec = Math.floor(t / USEC_PER_SEC);
      const usec = t % USEC_PER_SEC;
      out.push(`[${String(sec).padStart(5, " ")}.${String(usec).padStart(6, "0")}] ${this.dmesgMsgs[i]}`);
    }
    return out;
  }

  /** the Syscalls of processes in `net` (one object per namespace, for as long as it lives) */
  syscalls(net: Net): Syscalls {
    const cached = syscallsOf.get(net);
    if (cached) return cached;
    const s = createSyscalls(this, net);
    syscallsOf.set(net, s);
    return s;
  }

  /** ip netns add: a new namespace mounted at /run/netns/NAME */
  netnsAdd(name: string): KErr | undefined {
    if (this.namedNetns.has(name)) return kerr("EEXIST");
    this.namedNetns.set(name, setupNet(this, name));
    return undefined;
  }

  /** unshare(CLONE_NEWNET): a namespace no name refers to */
  netnsCreate(): Net {
    return setupNet(this, "");
  }

  /** the last process of a namespace is gone: one no name refers to dies with it */
  netnsPut(net: Net): void {
    if (net === this.initNet || !net.alive) return;
    for (const n of this.namedNetns.values()) if (n === net) return;
    destroyNet(net);
    linkwatchRunPending(this.initNet);
  }

  /** ip netns delete: unmount; the namespace dies when no other name refers to it */
  netnsDel(name: string): KErr | undefined {
    const net = this.namedNetns.get(name);
    if (!net) return kerr("ENOENT");
    this.namedNetns.delete(name);
    for (const n of this.namedNetns.values()) if (n === net) return undefined;
    destroyNet(net);
    linkwatchRunPending(this.initNet);
    return undefined;
  }

  loadModule(name: string): KErr | undefined {
    const n = name.replace(/-/g, "_");
    if (this.modules.some((m) => m.name === n)) return undefined;
    /* the drivers' own modules (dependencies, module_init per machine) */
    const r = kmodLoad(this, n);
    if (r !== null) return r;
    if (!KNOWN_MODULES.has(n)) return kerr("ENOENT");
    this.modules.unshift({ name: n, size: 16384, usedBy: [] });
    return undefined;
  }
}

/** net/core/dev.c: default_device_exit_batch() + cleanup_net(): devices with rtnl link ops are
 * deleted (a veth takes its peer along), others go back to the initial namespace, lo dies */
export function destroyNet(net: Net): void {
  const init = net.host.initNet;
  for (const dev of net.devices().reverse()) {
    if (dev.net !== net || dev === net.loopbackDev) continue;
    if (dev.linkOps?.dellink) dev.linkOps.dellink(dev);
    else if (devChangeNetNamespace(dev, init, "dev%d")) unregisterNetdevice(dev);
  }
  for (const dev of net.devices().reverse()) unregisterNetdevice(dev);
  cleanupNet(net);
}

export class World {
  readonly sched = new Scheduler();
  readonly rng: Rng;
  readonly hosts = new Map<string, Host>();
  readonly labMac: WorldOptions["labMac"];
  readonly epoch: number;
  readonly bootTime: number;
  /** the machines' kernel configuration unless addHost() is given one */
  readonly kconfig: Readonly<KernelConfig>;

  constructor(opts: WorldOptions = {}) {
    kernelInit();
    this.rng = new Rng(opts.seed ?? "tuxnet");
    this.labMac = opts.labMac;
    this.kconfig = Object.freeze(kconfigOf(opts.kconfig));
    this.epoch = opts.epoch ?? 1_764_547_200;
    this.bootTime = this.sched.now;
  }

  get labMode(): boolean {
    return this.labMac !== undefined;
  }

  /** a machine: its initial namespace with lo up (as the lab runner leaves it); its kernel
   * configuration the world's, or the one given */
  addHost(name: string, kconfig?: Partial<KernelConfig>): Host {
    const existing = this.hosts.get(name);
    if (existing) return existing;
    const h = new Host(this, name, kconfig ?? this.kconfig);
    this.hosts.set(name, h);
    const lo = h.initNet.loopbackDev;
    if (lo) devChangeFlags(lo, devGetFlags(lo) | IFF_UP);
    linkwatchRunPending(h.initNet);
    return h;
  }

  /** a cable: a veth pair between two hosts' initial namespaces, both ends DOWN */
  addCable(aHost: string, aIf: string, bHost: string, bIf: string): void {
    const a = this.hosts.get(aHost) ?? this.addHost(aHost);
    const b = this.hosts.get(bHost) ?? this.addHost(bHost);
    const err = vethCreatePair(a.initNet, aIf, b.initNet, bIf);
    if (err) throw new Error(`cable ${aHost}:${aIf} ${bHost}:${bIf}: ${err.errno}`);
    /* the carrier events of the new ends go to the link watch: at once, or when its one
     * non-urgent run per second allows */
  }

  /** net/ethernet/eth.c: eth_random_addr() — or the lab's MAC in lab mode */
  randomMac(host: Host, netnsName: string, ifname: string): Uint8Array {
    /* labtool's `ip` shim only adds `address MAC` for a device the command names (keyed by
     * the name as given, `vv%d` included): the kernel's own template for an unnamed device
     * (`ip link add type veth` -> "veth%d", a veth peer without `name`) stays random. (An
     * explicit `name veth%d` would get a lab MAC on Linux; not told apart here.) */
    const unnamed = /^(veth|vxlan|macvlan|macvtap|dummy|geneve|ifb|netkit)%d$/.test(ifname);
    const m = unnamed ? undefined : this.labMac?.(host.name, netnsName, ifname);
    if (m) return m.slice(0, 6);
    const a = this.rng.bytes(6);
    a[0] = (a[0]! & 0xfe) | 0x02;
    return a;
  }
}
