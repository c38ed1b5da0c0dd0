/**
 * net/ipv6/sysctl_net_ipv6.c: the per-namespace net/ipv6 entries (ipv6_table_template, with
 * route.c's ipv6_route_table_template, icmp.c's ipv6_icmp_table_template, reassembly.c's
 * fragment thresholds and xfrm6_policy.c's xfrm6_gc_thresh), and the net/ipv6/neigh/DEV
 * entries ndisc's parameters give each device (neigh_sysctl_register() from ipv6_add_dev()).
 * The net/ipv6 values are kept with their handlers' parsing and bounds; the data path reads
 * the neighbour parameters (nd_tbl) and not yet the rest.
 */
import { kerr, isKErr } from "../uapi/errno.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import { registerNetSysctl, unregisterNetSysctl, sysctlLookup, type CtlTable } from "../core/sysctl.ts";
import { knobEntry, knobs, knobTable, parseLong, type KnobCell } from "../core/sysctl_knobs.ts";
import { NeighParms, neighSysctlTable } from "../core/neighbour.ts";
import { HZ } from "../../sim/scheduler.ts";

const IPV6_KNOBS = knobs([
  ["anycast_src_echo_reply", "u8", 0],
  ["auto_flowlabels", "u8", 1, 0, 3],
  ["bindv6only", "u8", 0],
  ["fib_multipath_hash_fields", "uint", 7, 1, 0xfff],
  ["fib_multipath_hash_policy", "u8", 0, 0, 3],
  ["fib_notify_on_flag_change", "u8", 0, 0, 2],
  ["flowlabel_consistency", "u8", 1],
  ["flowlabel_reflect", "int", 0, 0, 7],
  ["flowlabel_state_ranges", "u8", 0],
  ["fwmark_reflect", "u8", 0],
  ["idgen_delay", "jiffies", 1],
  ["idgen_retries", "int", 3],
  ["ioam6_id", "uint", 0xffffff, 0, 0xffffff],
  ["ioam6_id_wide", "ulong", (1n << 56n) - 1n, 0, (1n << 56n) - 1n],
  ["ip6frag_time", "jiffies", 60],
  ["ip_nonlocal_bind", "u8", 0],
  ["max_dst_opts_length", "int", 2147483647],
  ["max_dst_opts_number", "int", 8],
  ["max_hbh_length", "int", 2147483647],
  ["max_hbh_opts_number", "int", 8],
  ["seg6_flowlabel", "int", 0],
  ["xfrm6_gc_thresh", "int", 32768],
]);

const ICMP_KNOBS = knobs([
  ["echo_ignore_all", "u8", 0],
  ["echo_ignore_anycast", "u8", 0],
  ["echo_ignore_multicast", "u8", 0],
  ["error_anycast_as_unicast", "u8", 0, 0, 1],
  ["ratelimit", "ms_jiffies", 100, 0],
  ["ratemask", "bitmap", "0-1,3-127", undefined, 256],
]);

const ROUTE_KNOBS = knobs([
  ["gc_elasticity", "int", 9],
  ["gc_interval", "jiffies", 30],
  ["gc_thresh", "int", 1024],
  ["gc_timeout", "jiffies", 60],
  ["max_size", "int", 2147483647],
  ["min_adv_mss", "int", 1220],
  ["mtu_expires", "jiffies", 600],
  ["skip_notify_on_dev_down", "u8", 0, 0, 1],
]);

/** ip6_frags_ns_ctl_table: high at least low, low at most high (proc_doulongvec_minmax) */
/** net->ipv6.fqdir's high and low thresholds (reassembly.ts reads the high one per fragment) */
const fragThresh = new NetGeneric<{ high: number; low: number }>();
export function ipv6FragThresh(net: Net): { high: number; low: number } {
  let t = fragThresh.get(net);
  if (!t) fragThresh.set(net, (t = { high: 4194304, low: 3145728 }));
  return t;
}

function fragThresholds(net: Net): CtlTable[] {
  const t = ipv6FragThresh(net);
  const entry = (procname: string, get: () => number, set: (v: number) => boolean): CtlTable => ({
    procname, mode: 0o644,
    read: () => `${get()}\n`,
    write: (data) => {
      const r = parseLong(data);
      if (isKErr(r) || r.neg) return kerr("EINVAL");
      return set(Number(r.v)) ? undefined : kerr("EINVAL");
    },
  });
  return [
    entry("ip6frag_high_thresh", () => t.high, (v) => v >= t.low && ((t.high = v), true)),
    entry("ip6frag_low_thresh", () => t.low, (v) => v <= t.high && ((t.low = v), true)),
  ];
}

/**
 * route.c: gc_min_interval (proc_dointvec_jiffies) and gc_min_interval_ms
 * (proc_dointvec_ms_jiffies) are one int of jiffies, HZ / 2 at first; flush (proc_dointvec)
 * is write-only
 */
function routeTable(): CtlTable[] {
  const minInterval: KnobCell<number> = { v: HZ / 2 };
  return [
    ...knobTable(ROUTE_KNOBS),
    knobEntry({ name: "flush", kind: "int", init: 0, mode: 0o200 }),
    knobEntry({ name: "gc_min_interval", kind: "jiffies", init: 0 }, minInterval),
    knobEntry({ name: "gc_min_interval_ms", kind: "ms_jiffies", init: 0 }, minInterval),
  ];
}

/** ipv6_sysctl_net_init(): net/ipv6, net/ipv6/route, net/ipv6/icmp */
export function ipv6SysctlNetInit(net: Net): void {
  registerNetSysctl(net, "net/ipv6", () => [...knobTable(IPV6_KNOBS), ...fragThresholds(net)]);
  registerNetSysctl(net, "net/ipv6/route", routeTable);
  registerNetSysctl(net, "net/ipv6/icmp", () => icmpTable(net));
}

/** a namespace's net/ipv6/icmp entries, made once: the data path reads what they hold */
const icmpTables = new NetGeneric<CtlTable[]>();
function icmpTable(net: Net): CtlTable[] {
  let t = icmpTables.get(net);
  if (!t) icmpTables.set(net, (t = knobTable(ICMP_KNOBS)));
  return t;
}

/** net->ipv6.sysctl.icmpv6_time (in jiffies) and whether icmpv6_ratemask has `type` */
export function icmpv6Ratelimit(net: Net, type: number): { jiffies: number; masked: boolean } {
  const t = icmpTable(net);
  const text = (name: string): string => {
    const r = t.find((e) => e.procname === name)?.read();
    return typeof r === "string" ? r.trim() : "";
  };
  const masked = text("ratemask").split(",").some((r) => {
    const [a, b] = r.split("-");
    if (a === undefined || a === "") return false;
    return type >= Number(a) && type <= Number(b ?? a);
  });
  return { jiffies: Math.floor((Number(text("ratelimit")) * HZ) / 1000), masked };
}

/** the value of a net/ipv6 (or net/ipv6/icmp, with "icmp/") integer knob, read through its
 * entry: for the rare paths that consult one (an echo to an anycast address) */
export function ipv6SysctlGet(net: Net, name: string): number {
  const k = sysctlLookup(net, `net/ipv6/${name}`);
  const v = k && "entry" in k ? k.entry.read() : "0";
  return typeof v === "string" ? Number(v.trim()) || 0 : 0;
}

/** nd_tbl's parameters a device starts with (ndisc.c: nd_tbl.parms): ARP's but a locktime of 0 */
export function ndiscParms(dev: NetDevice): NeighParms {
  const p = new NeighParms(dev);
  p.locktime = 0;
  p.reachablePending = true; // neigh_parms_alloc()'s draw, made at first use
  return p;
}

/** neigh_sysctl_register() for IPv6 (ipv6_add_dev()) / neigh_sysctl_unregister() */
export function ndiscSysctlRegister(dev: NetDevice, p: NeighParms): void {
  registerNetSysctl(dev.net, `net/ipv6/neigh/${dev.name}`, () => neighSysctlTable(dev.net, p));
}
export function ndiscSysctlUnregister(net: Net, name: string): void {
  unregisterNetSysctl(net, `net/ipv6/neigh/${name}`);
}
