/**
 * Per-namespace sysctl entries whose value nothing in the emulator reads yet (TCP tunables,
 * IPv6 flow labels, MPTCP …): each keeps its value and its proc handler's parsing, bounds,
 * errors and text, as kernel/sysctl.c's handlers do, so scripts that set or read them behave as
 * on Linux. A table is a list of knobs; knobTable() makes the CtlTable entries of one
 * namespace's copy.
 */
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import { procConst, procParseInts, registerNetSysctl, unregisterNetSysctl, type CtlTable } from "./sysctl.ts";
import { registerPernetOps } from "./net_namespace.ts";
import { HZ } from "../../sim/scheduler.ts";

const INT_MAX = 0x7fffffff;
const UINT_MAX = 0xffffffff;
const ULONG_MAX = (1n << 64n) - 1n;

/**
 * How an entry is read and written:
 * - int: proc_dointvec(_minmax): a signed int, bounds when given
 * - uint: proc_douintvec(_minmax): an unsigned int (a minus sign is EINVAL)
 * - u8: proc_dou8vec_minmax: an unsigned int within 0..255 (or the bounds given)
 * - ulong: proc_doulongvec_minmax: an unsigned long (kept as a bigint)
 * - jiffies: proc_dointvec_jiffies: seconds (at most INT_MAX / HZ)
 * - ms_jiffies: proc_dointvec_ms_jiffies(_minmax): milliseconds, kept in jiffies (so rounded
 *   up to a jiffy and shown back as whole jiffies)
 * - bitmap: proc_do_large_bitmap: ranges of bits ("0-1,3-127") below `max`
 * - const: read-only text (0444)
 */
export type KnobKind = "int" | "uint" | "u8" | "ulong" | "jiffies" | "ms_jiffies" | "bitmap" | "const";

export interface Knob {
  name: string;
  kind: KnobKind;
  /** the value a new namespace starts with: a number, a bigint (ulong), or the text (bitmap, const) */
  init: number | bigint | string;
  min?: number;
  /** (a bigint for an unsigned long's bound beyond 2^53) */
  max?: number | bigint;
  mode?: number;
}

/** a compact way to list knobs: [name, kind, init, min?, max?, mode?] */
export type KnobSpec = [string, KnobKind, number | bigint | string, number?, (number | bigint)?, number?];

export function knobs(specs: KnobSpec[]): Knob[] {
  return specs.map(([name, kind, init, min, max, mode]) => ({
    name, kind, init,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(mode !== undefined ? { mode } : {}),
  }));
}

/** proc_get_long() over the start of `data`: blanks, an optional '-', digits, then a blank or
 * the end; the value as a bigint with its sign, or EINVAL */
export function parseLong(data: string): { neg: boolean; v: bigint } | KErr {
  const m = /^[\s]*(-?)(\d+)(?=\s|$)/.exec(data);
  if (!m) return kerr("EINVAL");
  const v = BigInt(m[2]!);
  if (v > ULONG_MAX) return kerr("EINVAL");
  return { neg: m[1] === "-", v };
}

/** kernel/sysctl.c: proc_do_large_bitmap() read side: the set bits as ranges, "a-b,c" */
function largeBitmapText(bits: Set<number>): string {
  const sorted = [...bits].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** proc_do_large_bitmap() write side: comma-separated bits or ranges, each below `len` */
function largeBitmapParse(data: string, len: number): Set<number> | KErr {
  const s = data.replace(/\n$/, "").trim();
  const bits = new Set<number>();
  if (s === "") return bits;
  for (const part of s.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return kerr("EINVAL");
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (a >= len || b >= len || b < a) return kerr("EINVAL");
    for (let i = a; i <= b; i++) bits.add(i);
  }
  return bits;
}

/** msecs_to_jiffies() / jiffies_to_msecs() at the kernel's HZ */
const MS_PER_JIFFY = 1000 / HZ;
const msToJiffies = (ms: number): number => Math.ceil(ms / MS_PER_JIFFY);

/** one namespace's values of a table and its CtlTable entries */
export function knobTable(list: readonly Knob[]): CtlTable[] {
  return list.map((k) => knobEntry(k));
}

/** where an entry keeps its value: its own, or one it shares with another entry (route.c's
 * gc_min_interval and gc_min_interval_ms are one int of jiffies) */
export interface KnobCell<T> {
  v: T;
}

/** an entry over a cell: its text, and what a write makes of the text written */
function valueEntry<T>(k: Knob, mode: number, cell: KnobCell<T>, show: (v: T) => string, parse: (data: string) => T | KErr): CtlTable {
  return {
    procname: k.name,
    mode,
    read: () => `${show(cell.v)}\n`,
    write: (data) => {
      const r = parse(data);
      if (isKErr(r)) return r;
      cell.v = r;
      return undefined;
    },
  };
}

/** procParseInts()'s one int, or EINVAL when `bad` says so */
function parseInt32(data: string, bad: (x: number) => boolean): number | KErr {
  const r = procParseInts(data);
  if (isKErr(r)) return r;
  return bad(r[0]!) ? kerr("EINVAL") : r[0]!;
}

/**
 * The CtlTable entry of a knob, over a cell of its own (its `init` in the kind's unit) or the
 * one given (jiffies and ms_jiffies keep jiffies there)
 */
export function knobEntry(k: Knob, shared?: KnobCell<number>): CtlTable {
  const mode = k.mode ?? (k.kind === "const" ? 0o444 : 0o644);
  const str = (v: number | bigint) => String(v);
  const cell = <T>(v: T): KnobCell<T> => ({ v });
  switch (k.kind) {
    case "const":
      return procConst(k.name, String(k.init), mode);
    case "bitmap": {
      const len = Number(k.max ?? 65536);
      return valueEntry(k, mode, cell(largeBitmapParse(String(k.init), len) as Set<number>), largeBitmapText, (d) => largeBitmapParse(d, len));
    }
    case "ulong":
      return valueEntry(k, mode, cell(BigInt(k.init)), str, (d) => {
        const r = parseLong(d);
        if (isKErr(r)) return r;
        if (r.neg || (k.min !== undefined && r.v < BigInt(k.min)) || (k.max !== undefined && r.v > BigInt(k.max))) return kerr("EINVAL");
        return r.v;
      });
    case "uint":
    case "u8": {
      const lo = k.min ?? 0;
      const hi = Number(k.max ?? (k.kind === "u8" ? 255 : UINT_MAX));
      return valueEntry(k, mode, shared ?? cell(Number(k.init)), str, (d) => {
        const r = parseLong(d);
        if (isKErr(r)) return r;
        if (r.neg || r.v > BigInt(UINT_MAX) || Number(r.v) < lo || Number(r.v) > hi) return kerr("EINVAL");
        return Number(r.v);
      });
    }
    case "jiffies":
      // seconds, kept in jiffies (a read truncates toward zero, as C's division)
      return valueEntry(k, mode, shared ?? cell(Number(k.init) * HZ), (j) => String(Math.trunc(j / HZ)), (d) => {
        const x = parseInt32(d, (x) => Math.abs(x) > Math.floor(INT_MAX / HZ));
        return isKErr(x) ? x : x * HZ;
      });
    case "ms_jiffies":
      return valueEntry(k, mode, shared ?? cell(msToJiffies(Number(k.init))), (j) => String(j * MS_PER_JIFFY), (d) => {
        const x = parseInt32(d, (x) => k.min !== undefined && x < k.min);
        if (isKErr(x)) return x;
        const nj = msToJiffies(Math.abs(x));
        return nj > INT_MAX ? kerr("EINVAL") : x < 0 ? -nj : nj;
      });
    case "int":
      return valueEntry(k, mode, shared ?? cell(Number(k.init)), str, (d) =>
        parseInt32(d, (x) => (k.min !== undefined && x < k.min) || (k.max !== undefined && x > Number(k.max))));
  }
}

/**
 * net/ipv4/sysctl_net_ipv4.c's ipv4_net_table entries the emulator keeps only as values (with
 * xfrm4_policy.c's xfrm4_gc_thresh), the values a new namespace of the reference kernel has
 * (tcp_ehash_entries and udp_hash_entries: negative, a child namespace shares the machine's
 * tables, whose sizes are the reference machine's; tcp_allowed_congestion_control is global,
 * so read-only in a namespace)
 */
export const IPV4_KNOBS: readonly Knob[] = knobs([
  ["fib_multipath_hash_fields", "uint", 7, 1, 0xfff],
  ["fib_multipath_hash_policy", "u8", 0, 0, 3],
  ["fib_multipath_hash_seed", "uint", 0],
  ["fib_multipath_use_neigh", "u8", 0, 0, 1],
  ["fib_notify_on_flag_change", "u8", 0, 0, 2],
  ["fwmark_reflect", "u8", 0],
  ["ip_autobind_reuse", "u8", 0, 0, 1],
  ["ip_dynaddr", "u8", 0],
  ["ip_early_demux", "u8", 1],
  ["ip_local_reserved_ports", "bitmap", "", undefined, 65536],
  ["nexthop_compat_mode", "u8", 1, 0, 1],
  ["raw_l3mdev_accept", "u8", 1, 0, 1],
  ["tcp_abort_on_overflow", "u8", 0],
  ["tcp_adv_win_scale", "int", 1, -31, 31],
  ["tcp_autocorking", "u8", 1, 0, 1],
  ["tcp_backlog_ack_defer", "u8", 1, 0, 1],
  ["tcp_base_mss", "int", 1024],
  ["tcp_challenge_ack_limit", "int", 2147483647],
  ["tcp_child_ehash_entries", "uint", 0, 0, 16 * 1024 * 1024],
  ["tcp_comp_sack_delay_ns", "ulong", 1000000n],
  ["tcp_comp_sack_nr", "u8", 44],
  ["tcp_comp_sack_slack_ns", "ulong", 100000n],
  ["tcp_dsack", "u8", 1],
  ["tcp_early_demux", "u8", 1],
  ["tcp_early_retrans", "u8", 3, 0, 4],
  ["tcp_ecn_fallback", "u8", 1, 0, 1],
  ["tcp_ecn_option", "u8", 2, 0, 2],
  ["tcp_ecn_option_beacon", "u8", 3, 0, 3],
  ["tcp_ehash_entries", "const", "-262144"],
  ["tcp_fack", "u8", 0],
  ["tcp_fastopen", "int", 1],
  ["tcp_fastopen_blackhole_timeout_sec", "int", 0, 0],
  ["tcp_frto", "u8", 2],
  ["tcp_fwmark_accept", "u8", 0],
  ["tcp_invalid_ratelimit", "ms_jiffies", 500],
  ["tcp_keepalive_intvl", "jiffies", 75],
  ["tcp_keepalive_probes", "u8", 9],
  ["tcp_keepalive_time", "jiffies", 7200],
  ["tcp_l3mdev_accept", "u8", 0, 0, 1],
  ["tcp_limit_output_bytes", "int", 4194304],
  ["tcp_max_reordering", "int", 300],
  ["tcp_max_syn_backlog", "int", 2048],
  ["tcp_max_tw_buckets", "int", 131072],
  ["tcp_migrate_req", "u8", 0, 0, 1],
  ["tcp_min_rtt_wlen", "int", 300, 0, 24 * 3600],
  ["tcp_min_snd_mss", "int", 48, 48, 65535],
  ["tcp_min_tso_segs", "u8", 2, 1],
  ["tcp_moderate_rcvbuf", "u8", 1],
  ["tcp_mtu_probe_floor", "int", 48, 48, 65535],
  ["tcp_mtu_probing", "u8", 0],
  ["tcp_no_metrics_save", "u8", 0],
  ["tcp_no_ssthresh_metrics_save", "u8", 1, 0, 1],
  ["tcp_notsent_lowat", "uint", 4294967295],
  ["tcp_pacing_ca_ratio", "int", 120, 0, 1000],
  ["tcp_pacing_ss_ratio", "int", 200, 0, 1000],
  ["tcp_pingpong_thresh", "u8", 1, 1],
  ["tcp_plb_cong_thresh", "int", 128, 0, 256],
  ["tcp_plb_enabled", "u8", 0, 0, 1],
  ["tcp_plb_idle_rehash_rounds", "u8", 3, 0, 31],
  ["tcp_plb_rehash_rounds", "u8", 12, 0, 31],
  ["tcp_plb_suspend_rto_sec", "u8", 60],
  ["tcp_probe_interval", "uint", 600, 0, Math.floor(0xffffffff / HZ)],
  ["tcp_probe_threshold", "int", 8],
  ["tcp_recovery", "u8", 1],
  ["tcp_reflect_tos", "u8", 0, 0, 1],
  ["tcp_retrans_collapse", "u8", 1],
  ["tcp_rfc1337", "u8", 0],
  ["tcp_rto_max_ms", "int", 120000, 1000, 120000],
  ["tcp_rto_min_us", "int", 200000, 1],
  ["tcp_slow_start_after_idle", "u8", 1],
  ["tcp_stdurg", "u8", 0],
  ["tcp_syncookies", "u8", 1],
  ["tcp_thin_linear_timeouts", "u8", 0],
  ["tcp_tso_rtt_log", "u8", 9],
  ["tcp_tso_win_divisor", "u8", 3],
  ["tcp_tw_reuse", "u8", 2, 0, 2],
  ["tcp_tw_reuse_delay", "uint", 1000, 1, 60000],
  ["udp_child_hash_entries", "uint", 0, 0, 65536],
  ["udp_early_demux", "u8", 1],
  ["udp_hash_entries", "const", "-16384"],
  ["udp_l3mdev_accept", "u8", 0, 0, 1],
  ["udp_rmem_min", "int", 4096, 1],
  ["udp_wmem_min", "int", 4096, 1],
  ["xfrm4_gc_thresh", "int", 32768],
]);

/** net/unix/sysctl_net_unix.c */
const UNIX_KNOBS: readonly Knob[] = knobs([["max_dgram_qlen", "int", 10]]);

/** net/mptcp/ctrl.c: mptcp_pernet's entries but the path manager and scheduler (below) */
const MPTCP_KNOBS: readonly Knob[] = knobs([
  ["add_addr_timeout", "jiffies", 120],
  ["allow_join_initial_addr_port", "u8", 1, 0, 1],
  ["available_path_managers", "const", "kernel userspace"],
  ["available_schedulers", "const", "default"],
  ["blackhole_timeout", "int", 3600, 0],
  ["checksum_enabled", "u8", 0, 0, 1],
  ["close_timeout", "jiffies", 60],
  ["enabled", "u8", 1, 0, 1],
  ["stale_loss_cnt", "uint", 4],
  ["syn_retrans_before_tcp_fallback", "u8", 2],
]);

const MPTCP_PATH_MANAGERS = ["kernel", "userspace"];

/** net/mptcp/ctrl.c: proc_path_manager(), proc_pm_type() (one setting seen two ways: the
 * name, and the type 0 kernel / 1 userspace) and proc_scheduler(); an unknown name is ENOENT */
function mptcpTable(): CtlTable[] {
  let pm = 0;
  let sched = "default";
  const name = (data: string, known: readonly string[]): string | KErr => {
    const v = data.replace(/\n$/, "");
    return known.includes(v) ? v : kerr("ENOENT");
  };
  return [
    ...knobTable(MPTCP_KNOBS),
    {
      procname: "path_manager", mode: 0o644,
      read: () => `${MPTCP_PATH_MANAGERS[pm]}\n`,
      write: (d) => {
        const v = name(d, MPTCP_PATH_MANAGERS);
        if (typeof v !== "string") return v;
        pm = MPTCP_PATH_MANAGERS.indexOf(v);
        return undefined;
      },
    },
    {
      procname: "pm_type", mode: 0o644,
      read: () => `${pm}\n`,
      write: (d) => {
        const r = parseLong(d);
        if ("errno" in r) return r;
        if (r.neg || r.v > 1n) return kerr("EINVAL");
        pm = Number(r.v);
        return undefined;
      },
    },
    {
      procname: "scheduler", mode: 0o644,
      read: () => `${sched}\n`,
      write: (d) => {
        const v = name(d, ["default"]);
        if (typeof v !== "string") return v;
        sched = v;
        return undefined;
      },
    },
  ];
}

let inited = false;
/** the per-namespace tables of the protocols only their knobs stand for: AF_UNIX
 * (unix_sysctl_register()) and MPTCP (mptcp_pernet_new_table()) */
export function knobSysctlsInit(): void {
  if (inited) return;
  inited = true;
  registerPernetOps({
    init: (net) => {
      registerNetSysctl(net, "net/mptcp", mptcpTable);
      registerNetSysctl(net, "net/unix", () => knobTable(UNIX_KNOBS));
    },
    exit: (net) => {
      unregisterNetSysctl(net, "net/mptcp");
      unregisterNetSysctl(net, "net/unix");
    },
  });
}
