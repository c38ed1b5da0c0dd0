/**
 * net/ipv4/af_inet.c: inet_init() — registers the IPv4 packet path once per process:
 * the ethertype handlers (ip_rcv, arp_rcv), the IP protocols (ICMP, UDP), the socket layer,
 * the neighbour/route rtnetlink handlers, /proc/net/arp, the arp ioctls, the per-namespace
 * sysctls (net.ipv4.icmp_*, ip_default_ttl, ping_group_range, neigh/DEV/*) and the device
 * notifier that flushes the ARP table (arp_netdev_event / arp_ifdown).
 */
import type { Net } from "../core/net_namespace.ts";
import { sysctlDevNameIsAllowed, type NetDevice } from "../core/netdevice.ts";
import { registerPernetOps } from "../core/net_namespace.ts";
import { ETH_P_IP, ETH_P_ARP, IFF_NOARP } from "../uapi/if.ts";
import { AF_INET, AF_INET6, AF_UNSPEC, type NeighMsg, type RouteMsg } from "../uapi/rtnetlink.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import { USEC_PER_SEC, HZ } from "../../sim/scheduler.ts";
import { devAddProtocol } from "../core/dev_path.ts";
import {
  neighAdd, neighDelete, neighDump, neighGet, neighParmsOf, neighSysctlTable, neighTableOf, type NeighTable, type NeighKey,
} from "../core/neighbour.ts";
import {
  registerNetdeviceNotifier, NETDEV_DOWN, NETDEV_UNREGISTER, NETDEV_CHANGEADDR, NETDEV_CHANGE, NETDEV_REGISTER,
  NETDEV_CHANGENAME, type NotifierInfo,
} from "../core/notifier.ts";
import { rtnlRegister } from "../core/rtnetlink.ts";
import { registerNetSysctl, unregisterNetSysctl, procParseInts, procConst, type CtlTable } from "../core/sysctl.ts";
import { knobTable, IPV4_KNOBS } from "../core/sysctl_knobs.ts";
import { registerProcNet, registerProcNetStat, NR_POSSIBLE_CPUS } from "../core/procfs.ts";
import { inetConfGet } from "./devinet.ts";
import { registerIoctl } from "../core/dev_ioctl.ts";
import { setSockCreate } from "../syscalls.ts";
import { ipRcv, inetAddProtocol, ipStats } from "./ip_input.ts";
import { arpRcv, arpRcvPeek, arpTable, arpTableIfAny, arpTableDrop, arpNetdevEvent, arpSeqShow, arpIoctl } from "./arp.ts";
import { icmpRcv, ipv4Sysctl, icmpStats } from "./icmp.ts";
import { udpInit, udpStats, udpSockets } from "./udp.ts";
import { tcpInit, tcpSnmpLine } from "./tcp_ipv4.ts";
import { tcpExtStats } from "./tcp.ts";
import { rawSockets } from "./raw.ts";
import { sockstatSeqShow, sockstat6SeqShow } from "./inet_diag.ts";
import type { InetSock } from "../socket/sock.ts";
import { inetRtmGetroute, fnheDump, rtCpuSeqShow } from "./route.ts";
import { setRouteCacheDumpHook } from "./fib_frontend.ts";
import { sockCreate } from "../socket/socket.ts";

let done = false;

/** net/ipv4/af_inet.c: inet_init() (idempotent: World calls it once per process) */
export function inetInit(): void {
  if (done) return;
  done = true;
  // arp_init(), ip_init() / dev_add_pack(&ip_packet_type)
  devAddProtocol(ETH_P_IP, ipRcv);
  devAddProtocol(ETH_P_ARP, arpRcv, arpRcvPeek);
  inetAddProtocol(1, icmpRcv);
  udpInit();
  tcpInit();
  setSockCreate(sockCreate);

  // rtnetlink: neighbours (net/core/neighbour.c registers on PF_UNSPEC) and `ip route get`
  // (neigh_find_table(): arp_tbl for AF_INET, nd_tbl for AF_INET6; a dump of AF_UNSPEC walks both)
  const tableFor = (net: Net, family: number): NeighTable<NeighKey> | undefined =>
    family === AF_INET || family === AF_UNSPEC ? (arpTable(net) as unknown as NeighTable<NeighKey>) : neighTableOf(net, family);
  const neighDoit = (fn: (t: NeighTable<NeighKey>, m: NeighMsg) => { ok: true } | ({ ok: false } & KErr)) =>
    (net: Net, m: NeighMsg) => {
      const t = tableFor(net, m.ndm.family);
      if (!t) return kerr("EAFNOSUPPORT");
      return { ack: fn(t, m) };
    };
  rtnlRegister(AF_UNSPEC, "RTM_NEWNEIGH", { doit: neighDoit(neighAdd) });
  rtnlRegister(AF_UNSPEC, "RTM_DELNEIGH", { doit: neighDoit(neighDelete) });
  rtnlRegister(AF_UNSPEC, "RTM_GETNEIGH", {
    doit: (net: Net, m: NeighMsg) => {
      const t = tableFor(net, m.ndm.family);
      if (!t) return kerr("EAFNOSUPPORT");
      return neighGet(t, m);
    },
    dumpit: (net: Net, m: NeighMsg) => {
      const f = m.ndm.family;
      const out: NeighMsg[] = [];
      if (f === AF_INET || f === AF_UNSPEC) {
        const t = arpTableIfAny(net);
        if (t) out.push(...neighDump(t as unknown as NeighTable<NeighKey>, m));
      }
      if (f === AF_INET6 || f === AF_UNSPEC) {
        const t = neighTableOf(net, AF_INET6);
        if (t) out.push(...neighDump(t, m));
      }
      return out;
    },
  });
  rtnlRegister(AF_INET, "RTM_GETROUTE", { doit: (net: Net, m: RouteMsg) => inetRtmGetroute(net, m) });
  setRouteCacheDumpHook(fnheDump);

  registerProcNet("arp", arpSeqShow);
  registerProcNet("snmp", snmpSeqShow, "proc_create_net_single");
  registerProcNet("netstat", netstatSeqShow, "proc_create_net_single");
  registerProcNet("udp", udp4SeqShow);
  registerProcNet("raw", rawSeqShow);
  registerProcNet("sockstat", sockstatSeqShow, "proc_create_net_single");
  registerProcNet("sockstat6", sockstat6SeqShow, "proc_create_net_single");
  registerProcNetStat("rt_cache", (net) => rtCpuSeqShow(net, NR_POSSIBLE_CPUS), "proc_create"); /* ip_rt_do_proc_init() */
  for (const r of ["SIOCSARP", "SIOCDARP", "SIOCGARP"]) registerIoctl(r, arpIoctl);

  registerNetdeviceNotifier(arpNotifier);
  registerPernetOps({
    init(net: Net): void {
      registerNetSysctl(net, "net/ipv4", () => ipv4SysctlTable(net));
      // no neigh/default: arp_init() registers arp_tbl.parms' table in init_net only, and every
      // host of a lab is a namespace of its own (the kernel's limits there are the machine's)
    },
    exit(net: Net): void {
      arpTableDrop(net);
    },
  });
}

/** net/ipv4/arp.c: arp_netdev_event() + devinet's arp_ifdown() + neigh_sysctl_register() */
function arpNotifier(event: number, dev: NetDevice, info?: NotifierInfo): void {
  switch (event) {
    // (devinet_sysctl_register() makes neigh/NAME only for a name the sysctl tree allows)
    case NETDEV_REGISTER: {
      if (!sysctlDevNameIsAllowed(dev.name)) break;
      const parms = neighParmsOf(arpTable(dev.net), dev);
      registerNetSysctl(dev.net, `net/ipv4/neigh/${dev.name}`, () => neighSysctlTable(dev.net, parms));
      break;
    }
    case NETDEV_CHANGENAME: {
      if (info?.oldName && sysctlDevNameIsAllowed(info.oldName)) unregisterNetSysctl(dev.net, `net/ipv4/neigh/${info.oldName}`);
      if (!sysctlDevNameIsAllowed(dev.name)) break;
      const parms = neighParmsOf(arpTable(dev.net), dev);
      registerNetSysctl(dev.net, `net/ipv4/neigh/${dev.name}`, () => neighSysctlTable(dev.net, parms));
      break;
    }
    case NETDEV_CHANGEADDR:
      arpNetdevEvent("CHANGEADDR", dev);
      break;
    case NETDEV_CHANGE:
      if ((info?.flagsChanged ?? 0) & IFF_NOARP) arpNetdevEvent("CHANGEADDR", dev);
      if (!dev.carrier) arpNetdevEvent("CHANGE_NOCARRIER", dev);
      break;
    case NETDEV_DOWN:
      arpNetdevEvent("DOWN", dev);
      break;
    case NETDEV_UNREGISTER:
      arpNetdevEvent("UNREGISTER", dev);
      if (sysctlDevNameIsAllowed(dev.name)) unregisterNetSysctl(dev.net, `net/ipv4/neigh/${dev.name}`);
      arpTableIfAny(dev.net)?.devParms.delete(dev);
      break;
  }
}

// ------------------------------------------------------------------ sysctls

function intEntry(procname: string, get: () => number, set: (v: number) => KErr | undefined | void, min?: number, max?: number): CtlTable {
  return {
    procname,
    mode: 0o644,
    read: () => `${get()}\n`,
    write: (data: string) => {
      const v = procParseInts(data);
      if (isKErr(v)) return v;
      const x = v[0]!;
      if ((min !== undefined && x < min) || (max !== undefined && x > max)) return kerr("EINVAL");
      return set(x) ?? undefined;
    },
  };
}

/** proc_dointvec_jiffies(): seconds, kept in jiffies (µs here) */
function jiffiesEntry(procname: string, get: () => number, set: (us: number) => void): CtlTable {
  return intEntry(procname, () => Math.trunc(get() / USEC_PER_SEC), (v) => {
    if (Math.abs(v) > Math.floor(0x7fffffff / HZ)) return kerr("EINVAL");
    set(v * USEC_PER_SEC);
    return undefined;
  });
}

/** net/ipv4/sysctl_net_ipv4.c: the per-namespace entries the packet path owns */
function ipv4SysctlTable(net: Net): CtlTable[] {
  const s = ipv4Sysctl(net);
  return [
    intEntry("icmp_echo_ignore_all", () => s.icmpEchoIgnoreAll, (v) => void (s.icmpEchoIgnoreAll = v), 0, 1),
    intEntry("icmp_echo_enable_probe", () => s.icmpEchoEnableProbe, (v) => void (s.icmpEchoEnableProbe = v), 0, 1),
    intEntry("icmp_echo_ignore_broadcasts", () => s.icmpEchoIgnoreBroadcasts, (v) => void (s.icmpEchoIgnoreBroadcasts = v), 0, 1),
    intEntry("icmp_ignore_bogus_error_responses", () => s.icmpIgnoreBogusErrorResponses, (v) => void (s.icmpIgnoreBogusErrorResponses = v), 0, 1),
    intEntry("icmp_errors_use_inbound_ifaddr", () => s.icmpErrorsUseInboundIfaddr, (v) => void (s.icmpErrorsUseInboundIfaddr = v), 0, 1),
    intEntry("icmp_ratelimit", () => s.icmpRatelimit, (v) => void (s.icmpRatelimit = v), 0),
    intEntry("icmp_ratemask", () => s.icmpRatemask, (v) => void (s.icmpRatemask = v)),
    intEntry("icmp_msgs_per_sec", () => s.icmpMsgsPerSec, (v) => void (s.icmpMsgsPerSec = v), 0),
    intEntry("icmp_msgs_burst", () => s.icmpMsgsBurst, (v) => void (s.icmpMsgsBurst = v), 0),
    intEntry("igmp_link_local_mcast_reports", () => s.igmpLlmReports, (v) => void (s.igmpLlmReports = v), 0, 255),
    intEntry("igmp_max_memberships", () => s.igmpMaxMemberships, (v) => void (s.igmpMaxMemberships = v)),
    intEntry("igmp_max_msf", () => s.igmpMaxMsf, (v) => void (s.igmpMaxMsf = v)),
    intEntry("igmp_qrv", () => s.igmpQrv, (v) => void (s.igmpQrv = v), 1),
    intEntry("ip_default_ttl", () => s.ipDefaultTtl, (v) => void (s.ipDefaultTtl = v), 1, 255),
    intEntry("ip_no_pmtu_disc", () => s.ipNoPmtuDisc, (v) => void (s.ipNoPmtuDisc = v)),
    {
      procname: "ping_group_range",
      mode: 0o644,
      read: () => `${s.pingGroupRange[0]}\t${s.pingGroupRange[1]}\n`,
      write: (data: string) => {
        const v = procParseInts(data, 2);
        if (isKErr(v) || v.length !== 2) return kerr("EINVAL");
        s.pingGroupRange = [v[0]!, v[1]!];
        return undefined;
      },
    },
    tcpMemEntry("tcp_rmem", s.tcpRmem),
    tcpMemEntry("tcp_wmem", s.tcpWmem),
    intEntry("tcp_reordering", () => s.tcpReordering, (v) => void (s.tcpReordering = v)),
    // the receive window: proc_dointvec_minmax 0..31, proc_dou8vec_minmax 0..1 and 0..255
    intEntry("tcp_app_win", () => s.tcpAppWin, (v) => void (s.tcpAppWin = v), 0, 31),
    intEntry("tcp_shrink_window", () => s.tcpShrinkWindow, (v) => void (s.tcpShrinkWindow = v), 0, 1),
    intEntry("tcp_workaround_signed_windows", () => s.tcpWorkaroundSignedWindows, (v) => void (s.tcpWorkaroundSignedWindows = v), 0, 255),
    {
      // net/ipv4/tcp_cong.c: tcp_set_default_congestion_control()
      procname: "tcp_congestion_control",
      mode: 0o644,
      read: () => `${s.tcpCongestionControl}\n`,
      write: (data: string) => {
        const name = data.trim();
        if (!TCP_CONG_AVAILABLE.includes(name)) return kerr("ENOENT");
        // a namespace other than the machine's first may only pick a non-restricted one (a
        // lab host is such a namespace)
        if (!TCP_CONG_ALLOWED.includes(name)) return kerr("EPERM");
        s.tcpCongestionControl = name;
        return undefined;
      },
    },
    {
      procname: "tcp_available_congestion_control",
      mode: 0o444,
      read: () => `${TCP_CONG_AVAILABLE.join(" ")}\n`,
      write: () => kerr("EPERM"),
    },
    {
      procname: "ip_local_port_range",
      mode: 0o644,
      read: () => `${s.ipLocalPortRange[0]}\t${s.ipLocalPortRange[1]}\n`,
      // ipv4_local_port_range(): 1..65535 each, low <= high, low not among the privileged ports
      write: (data: string) => {
        const v = procParseInts(data, 2);
        if (isKErr(v) || v.length !== 2 || v.some((x) => x < 1 || x > 65535)) return kerr("EINVAL");
        if (v[1]! < v[0]! || v[0]! < s.ipProtSock) return kerr("EINVAL");
        s.ipLocalPortRange = [v[0]!, v[1]!];
        return undefined;
      },
    },
    // net/ipv4/ip_fragment.c: ip4_frags_ns_ctl_table (high >= low, low <= high; the time in
    // seconds, kept in jiffies: proc_dointvec_jiffies)
    intEntry("ipfrag_high_thresh", () => s.ipfragHighThresh, (v) => {
      if (v < s.ipfragLowThresh) return kerr("EINVAL");
      s.ipfragHighThresh = v;
      return undefined;
    }, 0),
    intEntry("ipfrag_low_thresh", () => s.ipfragLowThresh, (v) => {
      if (v > s.ipfragHighThresh) return kerr("EINVAL");
      s.ipfragLowThresh = v;
      return undefined;
    }, 0),
    intEntry("ipfrag_max_dist", () => s.ipfragMaxDist, (v) => void (s.ipfragMaxDist = v), 0),
    jiffiesEntry("ipfrag_time", () => s.ipfragTime, (us) => void (s.ipfragTime = us)),
    // tcp options a SYN offers and accepts, retry limits, the orphaned FIN_WAIT2 lifetime
    intEntry("tcp_timestamps", () => s.tcpTimestamps, (v) => void (s.tcpTimestamps = v), 0, 255),
    intEntry("tcp_sack", () => s.tcpSack, (v) => void (s.tcpSack = v), 0, 255),
    intEntry("tcp_window_scaling", () => s.tcpWindowScaling, (v) => void (s.tcpWindowScaling = v), 0, 255),
    intEntry("tcp_ecn", () => s.tcpEcn, (v) => void (s.tcpEcn = v), 0, 2),
    intEntry("tcp_syn_retries", () => s.tcpSynRetries, (v) => void (s.tcpSynRetries = v), 1, 127),
    intEntry("tcp_synack_retries", () => s.tcpSynackRetries, (v) => void (s.tcpSynackRetries = v), 0, 255),
    intEntry("tcp_retries1", () => s.tcpRetries1, (v) => void (s.tcpRetries1 = v), 0, 255),
    intEntry("tcp_retries2", () => s.tcpRetries2, (v) => void (s.tcpRetries2 = v), 0, 255),
    intEntry("tcp_syn_linear_timeouts", () => s.tcpSynLinearTimeouts, (v) => void (s.tcpSynLinearTimeouts = v), 0, 127),
    intEntry("tcp_orphan_retries", () => s.tcpOrphanRetries, (v) => void (s.tcpOrphanRetries = v), 0, 255),
    jiffiesEntry("tcp_fin_timeout", () => s.tcpFinTimeout, (us) => void (s.tcpFinTimeout = us)),
    intEntry("ip_nonlocal_bind", () => s.ipNonlocalBind, (v) => void (s.ipNonlocalBind = v), 0, 255),
    // ipv4_privileged_ports(): 0..65535, and not above the local port range's low end
    intEntry("ip_unprivileged_port_start", () => s.ipProtSock, (v) => {
      if (s.ipLocalPortRange[0] < v) return kerr("EINVAL");
      s.ipProtSock = v;
      return undefined;
    }, 0, 65535),
    // global: read-only in a namespace other than the machine's first
    procConst("tcp_allowed_congestion_control", TCP_CONG_ALLOWED.join(" "), 0o444),
    tcpFastopenKeyEntry(),
    ...knobTable(IPV4_KNOBS),
  ];
}

/**
 * proc_tcp_fastopen_key(): the primary key and, if set, the backup, each as four 32-bit words
 * "%08x-%08x-%08x-%08x", comma-separated; a write is one or two keys of four hex words (fewer
 * is EINVAL). No key yet reads as zeros.
 */
function tcpFastopenKeyEntry(): CtlTable {
  let keys: number[][] = [];
  const show = (k: number[]) => k.map((w) => w.toString(16).padStart(8, "0")).join("-");
  return {
    procname: "tcp_fastopen_key",
    mode: 0o600,
    read: () => `${keys.length ? keys.map(show).join(",") : show([0, 0, 0, 0])}\n`,
    write: (data: string) => {
      const parts = data.replace(/\n$/, "").split(",");
      if (parts.length > 2) return kerr("EINVAL");
      const parsed: number[][] = [];
      for (const p of parts) {
        const m = /^\s*([0-9a-fA-F]{1,8})-([0-9a-fA-F]{1,8})-([0-9a-fA-F]{1,8})-([0-9a-fA-F]{1,8})/.exec(p);
        if (!m) return kerr("EINVAL");
        parsed.push([m[1]!, m[2]!, m[3]!, m[4]!].map((h) => parseInt(h, 16)));
      }
      keys = parsed;
      return undefined;
    },
  };
}

/** the congestion control modules the lab machines have loaded (tcp_get_available_congestion_control) */
const TCP_CONG_AVAILABLE = ["reno", "bbr", "cubic"];
/** tcp_allowed_congestion_control: reno and the default are non-restricted */
const TCP_CONG_ALLOWED = ["reno", "bbr"];

/** tcp_rmem / tcp_wmem: three integers, each at least 1 (proc_dointvec_minmax, SYSCTL_ONE) */
function tcpMemEntry(procname: string, v: [number, number, number]): CtlTable {
  return {
    procname,
    mode: 0o644,
    read: () => `${v[0]}\t${v[1]}\t${v[2]}\n`,
    write: (data: string) => {
      const x = procParseInts(data, 3);
      if (isKErr(x)) return x;
      if (x.some((n) => n < 1)) return kerr("EINVAL");
      for (let i = 0; i < x.length; i++) v[i] = x[i]!;
      return undefined;
    },
  };
}

// ------------------------------------------------------------------ /proc/net/udp, raw

/** %08X of a __be32 read as a little-endian u32, %04X of a port */
function hexAddr(a: number): string {
  const le = (((a & 0xff) << 24) | (((a >>> 8) & 0xff) << 16) | (((a >>> 16) & 0xff) << 8) | (a >>> 24)) >>> 0;
  return le.toString(16).toUpperCase().padStart(8, "0");
}
const hex = (v: number, w: number): string => v.toString(16).toUpperCase().padStart(w, "0");

function sockLine(sl: string, sk: InetSock, srcp: number, rq: number): string {
  return `${sl}: ${hexAddr(sk.inetRcvSaddr)}:${hex(srcp, 4)} ${hexAddr(sk.inetDaddr)}:${hex(sk.inetDport, 4)} ` +
    `${hex(sk.state, 2)} ${hex(0, 8)}:${hex(rq, 8)} 00:00000000 00000000 ${"0".padStart(5)} ${"0".padStart(8)} ${sk.ino} 2 0000000000000000 ${sk.drops}`;
}

/** net/ipv4/udp.c: udp4_seq_show() (lines padded to 127 columns) */
function udp4SeqShow(net: Net): string {
  let out = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops".padEnd(127) + "\n";
  const socks = udpSockets(net).slice().sort((x, y) => (x.inetNum & 127) - (y.inetNum & 127));
  for (const sk of socks) out += sockLine(String(sk.inetNum & 127).padStart(5), sk, sk.inetNum, sk.rmemAlloc).padEnd(127) + "\n";
  return out;
}

/** net/ipv4/raw.c: raw_seq_show() */
function rawSeqShow(net: Net): string {
  let out = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";
  for (const sk of rawSockets(net)) out += sockLine(String(sk.inetNum).padStart(4), sk, sk.inetNum, sk.rmemAlloc) + "\n";
  return out;
}

// ------------------------------------------------------------------ /proc/net/snmp

/** net/ipv4/proc.c: snmp4_net_list[] (the TcpExt names of Linux 6.18, in order) */
const TCPEXT_NAMES: readonly string[] = [
  "SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned",
  "OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSActive PAWSEstab",
  "BeyondWindow TSEcrRejected PAWSOldAck PAWSTimewait DelayedACKs DelayedACKLocked DelayedACKLost",
  "ListenOverflows ListenDrops TCPHPHits TCPPureAcks TCPHPAcks TCPRenoRecovery TCPSackRecovery",
  "TCPSACKReneging TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo TCPPartialUndo",
  "TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures TCPSackFailures TCPLossFailures",
  "TCPFastRetrans TCPSlowStartRetrans TCPTimeouts TCPLossProbes TCPLossProbeRecovery",
  "TCPRenoRecoveryFail TCPSackRecoveryFail TCPRcvCollapsed TCPBacklogCoalesce TCPDSACKOldSent",
  "TCPDSACKOfoSent TCPDSACKRecv TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory",
  "TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures TCPMemoryPressuresChrono",
  "TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound",
  "TCPMD5Unexpected TCPMD5Failure TCPSackShifted TCPSackMerged TCPSackShiftFallback TCPBacklogDrop",
  "PFMemallocDrop TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter TCPTimeWaitOverflow",
  "TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce TCPOFOQueue TCPOFODrop",
  "TCPOFOMerge TCPChallengeACK TCPSYNChallenge TCPFastOpenActive TCPFastOpenActiveFail",
  "TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow TCPFastOpenCookieReqd",
  "TCPFastOpenBlackhole TCPSpuriousRtxHostQueues BusyPollRxPackets TCPAutoCorking",
  "TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans TCPOrigDataSent",
  "TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect TCPHystartDelayCwnd",
  "TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq TCPACKSkippedFinWait2",
  "TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe TCPKeepAlive TCPMTUPFail TCPMTUPSuccess",
  "TCPDelivered TCPDeliveredCE TCPAckCompressed TCPZeroWindowDrop TCPRcvQDrop TCPWqueueTooBig",
  "TCPFastOpenPassiveAltKey TcpTimeoutRehash TcpDuplicateDataRehash TCPDSACKRecvSegs",
  "TCPDSACKIgnoredDubious TCPMigrateReqSuccess TCPMigrateReqFailure TCPPLBRehash TCPAORequired",
  "TCPAOBad TCPAOKeyNotFound TCPAOGood TCPAODroppedIcmps",
].join(" ").split(" ");

/** net/mptcp/mib.c: mptcp_snmp_list[] (MPTcpExt, Linux 6.18) */
const MPTCPEXT_NAMES: readonly string[] = [
  "MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX MPCapableFallbackACK",
  "MPCapableFallbackSYNACK MPCapableSYNTXDrop MPCapableSYNTXDisabled MPCapableEndpAttempt",
  "MPFallbackTokenInit MPTCPRetrans MPJoinNoTokenFound MPJoinSynRx MPJoinSynBackupRx MPJoinSynAckRx",
  "MPJoinSynAckBackupRx MPJoinSynAckHMacFailure MPJoinAckRx MPJoinAckHMacFailure MPJoinRejected",
  "MPJoinSynTx MPJoinSynTxCreatSkErr MPJoinSynTxBindErr MPJoinSynTxConnectErr DSSNotMatching",
  "DSSCorruptionFallback DSSCorruptionReset InfiniteMapTx InfiniteMapRx DSSNoMatchTCP DataCsumErr",
  "OFOQueueTail OFOQueue OFOMerge NoDSSInWindow DuplicateData AddAddr AddAddrTx AddAddrTxDrop",
  "EchoAdd EchoAddTx EchoAddTxDrop PortAdd AddAddrDrop MPJoinPortSynRx MPJoinPortSynAckRx",
  "MPJoinPortAckRx MismatchPortSynRx MismatchPortAckRx RmAddr RmAddrDrop RmAddrTx RmAddrTxDrop",
  "RmSubflow MPPrioTx MPPrioRx MPFailTx MPFailRx MPFastcloseTx MPFastcloseRx MPRstTx MPRstRx",
  "SubflowStale SubflowRecover SndWndShared RcvWndShared RcvWndConflictUpdate RcvWndConflict",
  "MPCurrEstab Blackhole MPCapableDataFallback MD5SigFallback DssFallback SimultConnectFallback",
  "FallbackFailed WinProbe",
].join(" ").split(" ");

/** net/ipv4/proc.c: netstat_seq_show() — TcpExt (the few counters kept, zeros for the rest),
 * IpExt, then mptcp_seq_show()'s MPTcpExt */
function netstatSeqShow(net: Net): string {
  const ip = ipStats(net);
  const ext = tcpExtStats(net) as Record<string, number | undefined>;
  let out = `TcpExt: ${TCPEXT_NAMES.join(" ")}\nTcpExt: ${TCPEXT_NAMES.map((n) => ext[n] ?? 0).join(" ")}\n`;
  const ipext: [string, number][] = [
    ["InNoRoutes", ip.InNoRoutes], ["InTruncatedPkts", ip.InTruncatedPkts], ["InMcastPkts", ip.InMcastPkts],
    ["OutMcastPkts", ip.OutMcastPkts], ["InBcastPkts", ip.InBcastPkts], ["OutBcastPkts", ip.OutBcastPkts],
    ["InOctets", ip.InOctets], ["OutOctets", ip.OutOctets], ["InMcastOctets", ip.InMcastOctets],
    ["OutMcastOctets", ip.OutMcastOctets], ["InBcastOctets", ip.InBcastOctets], ["OutBcastOctets", ip.OutBcastOctets],
    ["InCsumErrors", ip.InCsumErrors], ["InNoECTPkts", ip.InNoECTPkts], ["InECT1Pkts", ip.InECT1Pkts],
    ["InECT0Pkts", ip.InECT0Pkts], ["InCEPkts", ip.InCEPkts], ["ReasmOverlaps", ip.ReasmOverlaps],
  ];
  out += `IpExt: ${ipext.map(([n]) => n).join(" ")}\nIpExt: ${ipext.map(([, v]) => v).join(" ")}\n`;
  out += `MPTcpExt: ${MPTCPEXT_NAMES.join(" ")}\nMPTcpExt:${" 0".repeat(MPTCPEXT_NAMES.length)}\n`;
  return out;
}

/** net/ipv4/proc.c: snmp_seq_show() (Ip, Icmp, IcmpMsg, Udp) */
function snmpSeqShow(net: Net): string {
  const ip = ipStats(net);
  const ic = icmpStats(net);
  const u = udpStats(net);
  const fwd = inetConfGet(net, "forwarding") ? 1 : 2; // IPV4_DEVCONF_ALL(net, FORWARDING) ? 1 : 2
  let out = "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates OutTransmits\n";
  out += `Ip: ${fwd} ${ipv4Sysctl(net).ipDefaultTtl} ${ip.InReceives} ${ip.InHdrErrors} ${ip.InAddrErrors} ${ip.ForwDatagrams} ${ip.InUnknownProtos} ${ip.InDiscards} ${ip.InDelivers} ${ip.OutRequests} ${ip.OutDiscards} ${ip.OutNoRoutes} ${ip.ReasmTimeout} ${ip.ReasmReqds} ${ip.ReasmOKs} ${ip.ReasmFails} ${ip.FragOKs} ${ip.FragFails} ${ip.FragCreates} ${ip.OutTransmits}\n`;
  const inT = ic.inType;
  const outT = ic.outType;
  out += "Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps\n";
  out += `Icmp: ${ic.InMsgs} ${ic.InErrors} ${ic.InCsumErrors} ${inT[3]} ${inT[11]} ${inT[12]} ${inT[4]} ${inT[5]} ${inT[8]} ${inT[0]} ${inT[13]} ${inT[14]} ${inT[17]} ${inT[18]} ${ic.OutMsgs} ${ic.OutErrors} ${ic.OutRateLimitGlobal} ${ic.OutRateLimitHost} ${outT[3]} ${outT[11]} ${outT[12]} ${outT[4]} ${outT[5]} ${outT[8]} ${outT[0]} ${outT[13]} ${outT[14]} ${outT[17]} ${outT[18]}\n`;
  const names: string[] = [];
  const vals: number[] = [];
  for (let t = 0; t < 256; t++) if (inT[t]) { names.push(`InType${t}`); vals.push(inT[t]!); }
  for (let t = 0; t < 256; t++) if (outT[t]) { names.push(`OutType${t}`); vals.push(outT[t]!); }
  if (names.length) out += `IcmpMsg: ${names.join(" ")}\nIcmpMsg: ${vals.join(" ")}\n`;
  out += "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\n";
  out += tcpSnmpLine(net);
  out += "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n";
  out += `Udp: ${u.InDatagrams} ${u.NoPorts} ${u.InErrors} ${u.OutDatagrams} ${u.RcvbufErrors} ${u.SndbufErrors} ${u.InCsumErrors} ${u.IgnoredMulti} ${u.MemErrors}\n`;
  out += "UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n";
  out += "UdpLite: 0 0 0 0 0 0 0 0 0\n";
  return out;
}
