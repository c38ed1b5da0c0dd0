/**
 * net/core/net-sysfs.c: /sys/class/net/<dev>/… of the caller's namespace. The core attributes
 * are here; parts add their own directories and links under each device with
 * registerSysfsNode() (bridge/, brif/, brport/, master, lower_*, upper_*).
 */
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import type { NetDevice } from "./netdevice.ts";
import type { Net } from "./net_namespace.ts";
import { emptyStats } from "./netdevice.ts";
import {
  devChangeFlags, devSetMtu, devChangeTxQueueLen, devSetAlias, devSetGroup, devGetIflink, netifRunning,
  netdevLowerDevs,
  linkwatchSyncDev,
} from "./dev.ts";
import { ethtoolGetLinkKsettings } from "./dev_ioctl.ts";
// (nr_cpu_ids: the CPUs a queue's mask may name)
import { NR_POSSIBLE_CPUS } from "./procfs.ts";

/** a node of the kernel's pseudo filesystems */
export type FsNode =
  | {
      kind: "dir";
      mode?: number;
      children(): Map<string, FsNode>;
      /** children().get(name) without building the others (a path's resolution asks for one
       * entry of each directory on the way) */
      child?(name: string): FsNode | undefined;
    }
  | {
      kind: "file";
      mode: number;
      read(): string | KErr;
      write?(data: string): KErr | undefined;
      /** a /proc file whose open does not check for a writer (proc_create(), the single_open
       * of proc_create_net_single()): root opens it for writing whatever its mode, and the
       * write without a handler fails with this (pde_write()'s EIO, proc_simple_write()'s
       * EACCES) */
      writeErr?: "EIO" | "EACCES";
    }
  | { kind: "link"; target: string };

export function fsDir(children: () => Map<string, FsNode>, mode = 0o755): FsNode {
  return { kind: "dir", mode, children };
}

export function fsFile(mode: number, read: () => string | KErr, write?: (data: string) => KErr | undefined): FsNode {
  return write ? { kind: "file", mode, read, write } : { kind: "file", mode, read };
}

/** extra per-device nodes registered by parts: name -> node for a device (or undefined) */
const devNodes = new Map<string, (dev: NetDevice) => FsNode | undefined>();

/** register `/sys/class/net/<dev>/<name>` for the devices `fn` returns a node for */
export function registerSysfsNode(name: string, fn: (dev: NetDevice) => FsNode | undefined): void {
  devNodes.set(name, fn);
}

/**
 * lib/kstrtox.c: kstrtoull(buf, 0) as netdev_store() and store_bridge_parm() use it (a
 * trailing newline is allowed): base 0 (0x hex, 0 octal), a leading '+', ERANGE past
 * ULONG_MAX. Exact, as a bigint.
 */
export function kstrtoull(data: string): bigint | KErr {
  const s = data.endsWith("\n") ? data.slice(0, -1) : data;
  let v: bigint;
  if (/^\+?0[xX][0-9a-fA-F]+$/.test(s)) v = BigInt(s.replace("+", ""));
  else if (/^\+?0[0-7]*$/.test(s)) v = BigInt("0o" + (s.replace("+", "").slice(1) || "0"));
  else if (/^\+?[1-9][0-9]*$/.test(s)) v = BigInt(s.replace("+", ""));
  else return kerr("EINVAL");
  if (v > 0xffffffffffffffffn) return kerr("ERANGE");
  return v;
}

/** kstrtoul(buf, 0): kstrtoull() as a number (exact up to 2^53) */
export function kstrtoul(data: string): number | KErr {
  const v = kstrtoull(data);
  return isKErr(v) ? v : Number(v);
}

function hex(a: Uint8Array, n: number): string {
  return [...a.slice(0, n)].map((b) => b.toString(16).padStart(2, "0")).join(":");
}

const operstates = ["unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"];

/** net/core/net-sysfs.c: netdev_store(): parse, then apply under rtnl; errors from dev.ts */
function store(set: (v: bigint) => KErr | undefined): (data: string) => KErr | undefined {
  return (data) => {
    const v = kstrtoull(data);
    if (isKErr(v)) return v;
    return set(v);
  };
}
/** the C casts of netdev_store()'s setters: (int) and (unsigned int) of the unsigned long */
const int32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
const uint32 = (v: bigint): number => Number(BigInt.asUintN(32, v));

/** net/core/net-sysfs.c: the attributes of one device directory */
function netdevDir(dev: NetDevice): Map<string, FsNode> {
  const ro = (f: () => string | KErr) => fsFile(0o444, f);
  const runningOnly = (f: () => string) => () => (netifRunning(dev) ? f() : kerr("EINVAL"));
  const m = new Map<string, FsNode>();
  m.set("addr_assign_type", ro(() => `${dev.addrAssignType}\n`));
  m.set("addr_len", ro(() => `${dev.addrLen}\n`));
  m.set("address", ro(() => `${hex(dev.devAddr, dev.addrLen)}\n`));
  m.set("broadcast", ro(() => `${hex(dev.broadcast, dev.addrLen)}\n`));
  /* carrier_show(): Synchronize carrier state with link watch, see also rtnl_getlink() */
  m.set("carrier", fsFile(0o644, runningOnly(() => (linkwatchSyncDev(dev), `${dev.carrier ? 1 : 0}\n`)), () => kerr("EOPNOTSUPP")));
  m.set("carrier_changes", ro(() => `${dev.carrierUpCount + dev.carrierDownCount}\n`));
  m.set("carrier_down_count", ro(() => `${dev.carrierDownCount}\n`));
  m.set("carrier_up_count", ro(() => `${dev.carrierUpCount}\n`));
  m.set("dev_id", ro(() => "0x0\n"));
  m.set("dev_port", ro(() => "0\n"));
  m.set("dormant", ro(runningOnly(() => `${dev.dormant ? 1 : 0}\n`)));
  // speed_show()/duplex_show(): __ethtool_get_link_ksettings() of a running device, else EINVAL
  const ksettings = (): Record<string, unknown> | KErr => {
    if (!netifRunning(dev)) return kerr("EINVAL");
    const r = ethtoolGetLinkKsettings(dev);
    return "errno" in r ? kerr("EINVAL") : r;
  };
  m.set("duplex", ro(() => {
    const k = ksettings();
    if ("errno" in k) return k as KErr;
    return k["duplex"] === 0 ? "half\n" : k["duplex"] === 1 ? "full\n" : "unknown\n";
  }));
  m.set("flags", fsFile(0o644, () => `0x${dev.flags.toString(16)}\n`, store((v) => devChangeFlags(dev, uint32(v)))));
  m.set("gro_flush_timeout", fsFile(0o644, () => "0\n", store(() => undefined)));
  m.set("ifalias", fsFile(0o644, () => (dev.ifalias ? `${dev.ifalias}\n` : ""), (d) => devSetAlias(dev, d.endsWith("\n") ? d.slice(0, -1) : d)));
  m.set("ifindex", ro(() => `${dev.ifindex}\n`));
  m.set("iflink", ro(() => `${devGetIflink(dev)}\n`));
  m.set("link_mode", ro(() => `${dev.linkmode}\n`));
  m.set("mtu", fsFile(0o644, () => `${dev.mtu}\n`, store((v) => {
    /* change_mtu(): dev_set_mtu(dev, (int)new_mtu); the extack text goes to the log when
     * there is no netlink socket */
    const e = devSetMtu(dev, int32(v));
    if (e?.extack) dev.net.host.dmesgLog(`${dev.name}: ${e.extack}`);
    return e ? { errno: e.errno } : undefined;
  })));
  m.set("name_assign_type", ro(() => `${nameAssignType(dev)}\n`));
  m.set("napi_defer_hard_irqs", fsFile(0o644, () => "0\n", store(() => undefined)));
  m.set("netdev_group", fsFile(0o644, () => `${dev.group | 0}\n`, store((v) => void devSetGroup(dev, int32(v)))));
  m.set("operstate", ro(() => `${operstates[netifRunning(dev) ? dev.operstate : 2]}\n`));
  m.set("power", fsDir(() => new Map([
    ["async", ro(() => "disabled\n")], ["autosuspend_delay_ms", ro(() => kerr("EIO"))],
    ["control", ro(() => "auto\n")], ["runtime_active_kids", ro(() => "0\n")],
    ["runtime_active_time", ro(() => "0\n")], ["runtime_enabled", ro(() => "disabled\n")],
    ["runtime_status", ro(() => "unsupported\n")], ["runtime_suspended_time", ro(() => "0\n")],
    ["runtime_usage", ro(() => "0\n")],
  ])));
  m.set("proto_down", fsFile(0o644, () => "0\n", () => kerr("EOPNOTSUPP")));
  m.set("queues", fsDir(() => {
    const q = new Map<string, FsNode>();
    for (let i = 0; i < (dev.realNumRxQueues ?? dev.numRxQueues); i++) q.set(`rx-${i}`, fsDir(() => rxQueueAttrs(dev, i)));
    for (let i = 0; i < (dev.realNumTxQueues ?? dev.numTxQueues); i++) q.set(`tx-${i}`, fsDir(() => txQueueAttrs(dev, i)));
    return q;
  }));
  m.set("speed", ro(() => {
    const k = ksettings();
    if ("errno" in k) return k as KErr;
    return `${(k["speed"] as number) | 0}\n`;
  }));
  m.set("statistics", fsDir(() => {
    const s = new Map<string, FsNode>();
    for (const k of Object.keys(emptyStats()).sort()) {
      s.set(k, ro(() => `${(dev.stats as unknown as Record<string, number>)[k] ?? 0}\n`));
    }
    return s;
  }));
  m.set("subsystem", { kind: "link", target: "../../../../class/net" });
  m.set("testing", ro(runningOnly(() => "0\n")));
  m.set("threaded", fsFile(0o644, () => "0\n", store(() => undefined)));
  /* NETDEVICE_SHOW_RW(tx_queue_len, fmt_dec): "%d" of the unsigned int */
  m.set("tx_queue_len", fsFile(0o644, () => `${dev.txQueueLen | 0}\n`, store((v) => (v > 0xffffffffn ? kerr("ERANGE") : devChangeTxQueueLen(dev, Number(v))))));
  m.set("type", ro(() => `${dev.type}\n`));
  m.set("uevent", fsFile(0o644, () => `INTERFACE=${dev.name}\nIFINDEX=${dev.ifindex}\n`, () => undefined));
  /* net/core/dev.c: netdev_adjacent_sysfs_add(): master, upper_<dev>, lower_<dev> links */
  if (dev.master) {
    m.set("master", { kind: "link", target: `../${dev.master.name}` });
    m.set(`upper_${dev.master.name}`, { kind: "link", target: `../${dev.master.name}` });
  }
  for (const lower of netdevLowerDevs(dev)) m.set(`lower_${lower.name}`, { kind: "link", target: `../${lower.name}` });
  for (const [name, fn] of devNodes) {
    const n = fn(dev);
    if (n) m.set(name, n);
  }
  return new Map([...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

/** NET_NAME_* as the emulator knows it: lo is predictable, the rest were named by the user */
function nameAssignType(dev: NetDevice): number {
  return dev.net?.loopbackDev === dev ? 2 : 3;
}

/** /sys as a namespace sees it: class/net links and devices/virtual/net directories */
export function sysfsRoot(net: Net): FsNode {
  const classNet = fsDir(() => {
    const m = new Map<string, FsNode>();
    for (const dev of net.devices()) m.set(dev.name, { kind: "link", target: `../../devices/virtual/net/${dev.name}` });
    return m;
  });
  const virtNet = fsDir(() => {
    const m = new Map<string, FsNode>();
    for (const dev of net.devices()) m.set(dev.name, fsDir(() => netdevDir(dev)));
    return m;
  });
  return fsDir(() => new Map<string, FsNode>([
    ["class", fsDir(() => new Map([["net", classNet]]))],
    ["devices", fsDir(() => new Map([["virtual", fsDir(() => new Map([["net", virtNet]]))]]))],
  ]));
}

// -------------------------------------------------------------- net-sysfs.c: queues/rx-N, tx-N

/** what the queue attributes hold (struct netdev_rx_queue's rps map and flow table size,
 * struct netdev_queue's XPS maps), per device and queue, made when first written */
interface QueueState {
  rpsCpus: bigint;
  flowCnt: number;
  xpsCpus: bigint;
  xpsRxqs: bigint;
}
const queueState = new WeakMap<NetDevice, Map<string, QueueState>>();
function queueOf(dev: NetDevice, q: string): QueueState {
  let m = queueState.get(dev);
  if (!m) queueState.set(dev, (m = new Map()));
  let st = m.get(q);
  if (!st) m.set(q, (st = { rpsCpus: 0n, flowCnt: 0, xpsCpus: 0n, xpsRxqs: 0n }));
  return st;
}

/**
 * lib/bitmap-str.c: bitmap_parse() of a mask of `nbits` bits: hex chunks of up to 32 bits
 * separated by commas or blanks, read from the end (up to a newline); a chunk of more than 8
 * digits or a bit past nbits is EOVERFLOW, anything but hex digits EINVAL.
 */
export function bitmapParse(data: string, nbits: number): bigint | KErr {
  const nl = data.indexOf("\n");
  const chunks = (nl >= 0 ? data.slice(0, nl) : data).split(/[\s,]+/).filter((c) => c !== "").reverse();
  let mask = 0n;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    if (!/^[0-9a-fA-F]+$/.test(c.slice(-8))) return kerr("EINVAL");
    if (c.length > 8) return kerr("EOVERFLOW");
    mask |= BigInt(`0x${c}`) << BigInt(32 * i);
  }
  return mask >> BigInt(nbits) ? kerr("EOVERFLOW") : mask;
}

/** lib/vsprintf.c: "%*pb": the mask in hex, the top 32-bit chunk as wide as nbits needs, the
 * others 8 digits, comma-separated */
export function bitmapShow(mask: bigint, nbits: number): string {
  const n = Math.max(1, Math.ceil(nbits / 32));
  const parts: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const chunk = (mask >> BigInt(32 * i)) & 0xffffffffn;
    const width = i === n - 1 ? Math.ceil((nbits - 32 * (n - 1)) / 4) : 8;
    parts.push(chunk.toString(16).padStart(Math.max(1, width), "0"));
  }
  return parts.join(",");
}

/** netif_is_multiqueue(): more than one transmit queue allocated */
const multiqueue = (dev: NetDevice) => dev.numTxQueues > 1;

/** rx_queue_default_attrs: rps_cpus (store_rps_map) and rps_flow_cnt (store_rps_dev_flow_table_cnt) */
function rxQueueAttrs(dev: NetDevice, i: number): Map<string, FsNode> {
  const st = () => queueOf(dev, `rx-${i}`);
  return new Map<string, FsNode>([
    ["rps_cpus", fsFile(0o644, () => `${bitmapShow(st().rpsCpus, NR_POSSIBLE_CPUS)}\n`, (d) => {
      const m = bitmapParse(d, NR_POSSIBLE_CPUS);
      if (isKErr(m)) return m;
      st().rpsCpus = m;
      return undefined;
    })],
    ["rps_flow_cnt", fsFile(0o644, () => `${st().flowCnt}\n`, (d) => {
      // kstrtoul(buf, 0): an optional '+', 0x / 0 prefixes, a trailing newline
      const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(d);
      if (!m) return kerr("EINVAL");
      const t = m[1]!;
      const count = /^0[xX]/.test(t) ? Number(BigInt(t)) : t.length > 1 && t[0] === "0" ? parseInt(t, 8) : Number(t);
      if (count === 1) return kerr("EINVAL");
      if (count === 0) {
        st().flowCnt = 0;
        return undefined;
      }
      // roundup_pow_of_two(); a table past the machine's memory is vmalloc()'s ENOMEM
      const pow = 2 ** Math.ceil(Math.log2(count));
      if (pow >= 2 ** 30) return kerr("ENOMEM");
      st().flowCnt = pow;
      return undefined;
    })],
  ]);
}

/** netdev_queue_default_attrs: traffic_class, tx_maxrate, tx_timeout, xps_cpus, xps_rxqs */
function txQueueAttrs(dev: NetDevice, i: number): Map<string, FsNode> {
  const st = () => queueOf(dev, `tx-${i}`);
  return new Map<string, FsNode>([
    // (a device of one queue has no traffic classes nor CPU maps: ENOENT)
    ["traffic_class", fsFile(0o444, () => (multiqueue(dev) ? "0\n" : kerr("ENOENT")))],
    // no emulated driver has ndo_set_tx_maxrate
    ["tx_maxrate", fsFile(0o644, () => "0\n", () => kerr("EOPNOTSUPP"))],
    ["tx_timeout", fsFile(0o444, () => "0\n")],
    ["xps_cpus", fsFile(0o644, () => (multiqueue(dev) ? `${bitmapShow(st().xpsCpus, NR_POSSIBLE_CPUS)}\n` : kerr("ENOENT")), (d) => {
      if (!multiqueue(dev)) return kerr("ENOENT");
      const m = bitmapParse(d, NR_POSSIBLE_CPUS);
      if (isKErr(m)) return m;
      st().xpsCpus = m;
      return undefined;
    })],
    ["xps_rxqs", fsFile(0o644, () => `${bitmapShow(st().xpsRxqs, dev.numRxQueues)}\n`, (d) => {
      const m = bitmapParse(d, dev.numRxQueues);
      if (isKErr(m)) return m;
      st().xpsRxqs = m;
      return undefined;
    })],
  ]);
}
