/**
 * net-tools 2.10 statistics.c: `netstat -s` — /proc/net/snmp, /proc/net/netstat (and snmp6)
 * through the name tables below, looked up with bsearch() exactly as the C code does (the
 * tables are not quite sorted, so some names fall through to the "try our best" line, e.g.
 * "Forwarding: 1").
 */
import type { Process } from "../process.ts";
import { isKErr } from "../../kernel/uapi/errno.ts";
import { sprintf } from "../lib/printf.ts";

const number = 0;
const opt_number = 1;
const i_forward = 2;
const i_inp_icmp = 3;
const i_outp_icmp = 4;
const i_rto_alg = 5;
const I_STATIC = 1 << 16;
const I_TITLE = 1 << 17;

type Entry = [title: string, out: string, type: number];

const states: { indent: number; title?: string }[] = [
  { indent: 4 },
  { indent: 4 },
  { indent: 4 },
  { indent: 8, title: "ICMP input histogram:" },
  { indent: 8, title: "ICMP output histogram:" },
  { indent: 0 },
];

const Iptab: Entry[] = [
  ["DefaultTTL", "Default TTL is %llu", number | I_STATIC],
  ["Forwarding", "Forwarding is %s", i_forward | I_STATIC],
  ["ForwDatagrams", "%llu forwarded", number],
  ["FragCreates", "%llu fragments created", opt_number],
  ["FragFails", "%llu outgoing packets failed fragmentation", opt_number],
  ["FragOKs", "%llu outgoing packets fragmented ok", opt_number],
  ["InAddrErrors", "%llu with invalid addresses", opt_number],
  ["InDelivers", "%llu incoming packets delivered", number],
  ["InDiscards", "%llu incoming packets discarded", number],
  ["InHdrErrors", "%llu with invalid headers", opt_number],
  ["InReceives", "%llu total packets received", number],
  ["InUnknownProtos", "%llu with unknown protocol", opt_number],
  ["OutDiscards", "%llu outgoing packets dropped", opt_number],
  ["OutNoRoutes", "%llu dropped because of missing route", opt_number],
  ["OutRequests", "%llu requests sent out", number],
  ["ReasmFails", "%llu packet reassemblies failed", opt_number],
  ["ReasmOKs", "%llu packets reassembled ok", opt_number],
  ["ReasmReqds", "%llu reassemblies required", opt_number],
  ["ReasmTimeout", "%llu fragments dropped after timeout", opt_number],
];
const Ip6tab: Entry[] = [
  ["Ip6FragCreates", "%llu fragments created", opt_number],
  ["Ip6FragFails", "%llu outgoing packets failed fragmentation", opt_number],
  ["Ip6FragOKs", "%llu outgoing packets fragmented ok", opt_number],
  ["Ip6InAddrErrors", "%llu with invalid addresses", opt_number],
  ["Ip6InDelivers", "%llu incoming packets delivered", number],
  ["Ip6InDiscards", "%llu incoming packets discarded", number],
  ["Ip6InHdrErrors", "%llu with invalid headers", opt_number],
  ["Ip6InMcastPkts", "%llu incoming multicast packets", opt_number],
  ["Ip6InNoRoutes", "%llu incoming packets with no route", opt_number],
  ["Ip6InReceives", "%llu total packets received", number],
  ["Ip6InTooBigErrors", "%llu with packets too big", opt_number],
  ["Ip6InTruncatedPkts", "%llu with truncated packets", opt_number],
  ["Ip6InUnknownProtos", "%llu with unknown protocol", opt_number],
  ["Ip6OutDiscards", "%llu outgoing packets dropped", opt_number],
  ["Ip6OutForwDatagrams", "%llu forwarded", number],
  ["Ip6OutMcastPkts", "%llu outgoing multicast packets", opt_number],
  ["Ip6OutNoRoutes", "%llu dropped because of missing route", opt_number],
  ["Ip6OutRequests", "%llu requests sent out", number],
  ["Ip6ReasmFails", "%llu packet reassemblies failed", opt_number],
  ["Ip6ReasmOKs", "%llu packets reassembled ok", opt_number],
  ["Ip6ReasmReqds", "%llu reassemblies required", opt_number],
  ["Ip6ReasmTimeout", "%llu fragments dropped after timeout", opt_number],
];
const Icmptab: Entry[] = [
  ["InAddrMaskReps", "address mask replies: %llu", i_inp_icmp | I_TITLE],
  ["InAddrMasks", "address mask request: %llu", i_inp_icmp | I_TITLE],
  ["InDestUnreachs", "destination unreachable: %llu", i_inp_icmp | I_TITLE],
  ["InEchoReps", "echo replies: %llu", i_inp_icmp | I_TITLE],
  ["InEchos", "echo requests: %llu", i_inp_icmp | I_TITLE],
  ["InErrors", "%llu input ICMP message failed", number],
  ["InMsgs", "%llu ICMP messages received", number],
  ["InParmProbs", "wrong parameters: %llu", i_inp_icmp | I_TITLE],
  ["InRedirects", "redirects: %llu", i_inp_icmp | I_TITLE],
  ["InSrcQuenchs", "source quenches: %llu", i_inp_icmp | I_TITLE],
  ["InTimeExcds", "timeout in transit: %llu", i_inp_icmp | I_TITLE],
  ["InTimestampReps", "timestamp reply: %llu", i_inp_icmp | I_TITLE],
  ["InTimestamps", "timestamp request: %llu", i_inp_icmp | I_TITLE],
  ["OutAddrMaskReps", "address mask replies: %llu", i_outp_icmp | I_TITLE],
  ["OutAddrMasks", "address mask requests: %llu", i_outp_icmp | I_TITLE],
  ["OutDestUnreachs", "destination unreachable: %llu", i_outp_icmp | I_TITLE],
  ["OutEchoReps", "echo replies: %llu", i_outp_icmp | I_TITLE],
  ["OutEchos", "echo requests: %llu", i_outp_icmp | I_TITLE],
  ["OutErrors", "%llu ICMP messages failed", number],
  ["OutMsgs", "%llu ICMP messages sent", number],
  ["OutParmProbs", "wrong parameters: %llu", i_outp_icmp | I_TITLE],
  ["OutRedirects", "redirect: %llu", i_outp_icmp | I_TITLE],
  ["OutSrcQuenchs", "source quench: %llu", i_outp_icmp | I_TITLE],
  ["OutTimeExcds", "time exceeded: %llu", i_outp_icmp | I_TITLE],
  ["OutTimestampReps", "timestamp replies: %llu", i_outp_icmp | I_TITLE],
  ["OutTimestamps", "timestamp requests: %llu", i_outp_icmp | I_TITLE],
];
const Icmp6tab: Entry[] = [
  ["Icmp6InDestUnreachs", "destination unreachable: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InEchoReplies", "echo replies: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InEchos", "echo requests: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InErrors", "%llu input ICMP message failed", number],
  ["Icmp6InGroupMembQueries", "group member queries: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InGroupMembReductions", "group member reductions: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InGroupMembResponses", "group member responses: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InMsgs", "%llu ICMP messages received", number],
  ["Icmp6InNeighborAdvertisements", "neighbour advertisement: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InNeighborSolicits", "neighbour solicits: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InParmProblems", "parameter problem: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InPktTooBigs", "packets too big: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InRedirects", "redirects: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InRouterAdvertisements", "router advertisement: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InRouterSolicits", "router solicits: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6InTimeExcds", "received ICMPv6 time exceeded: %llu", i_inp_icmp | I_TITLE],
  ["Icmp6OutDestUnreachs", "destination unreachable: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutEchoReplies", "echo replies: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutEchos", "echo requests: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutGroupMembQueries", "group member queries: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutGroupMembReductions", "group member reductions: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutGroupMembResponses", "group member responses: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutMsgs", "%llu ICMP messages sent", number],
  ["Icmp6OutNeighborAdvertisements", "neighbor advertisements: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutNeighborSolicits", "neighbor solicits: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutParmProblems", "parameter problem: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutPktTooBigs", "packets too big: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutRedirects", "redirects: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutRouterAdvertisements ", "router advertisement: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutRouterSolicits", "router solicits: %llu", i_outp_icmp | I_TITLE],
  ["Icmp6OutTimeExcds", "sent ICMPv6 time exceeded: %llu", i_outp_icmp | I_TITLE],
];
const Tcptab: Entry[] = [
  ["ActiveOpens", "%llu active connection openings", number],
  ["AttemptFails", "%llu failed connection attempts", number],
  ["CurrEstab", "%llu connections established", number],
  ["EstabResets", "%llu connection resets received", number],
  ["InErrs", "%llu bad segments received", number],
  ["InSegs", "%llu segments received", number],
  ["MaxConn", "", number],
  ["OutRsts", "%llu resets sent", number],
  ["OutSegs", "%llu segments sent out", number],
  ["PassiveOpens", "%llu passive connection openings", number],
  ["RetransSegs", "%llu segments retransmitted", number],
  ["RtoAlgorithm", "RTO algorithm is %s", i_rto_alg | I_STATIC],
  ["RtoMax", "", number],
  ["RtoMin", "", number],
];
const Udptab: Entry[] = [
  ["InDatagrams", "%llu packets received", number],
  ["InErrors", "%llu packet receive errors", number],
  ["NoPorts", "%llu packets to unknown port received", number],
  ["OutDatagrams", "%llu packets sent", number],
  ["RcvbufErrors", "%llu receive buffer errors", number],
  ["SndbufErrors", "%llu send buffer errors", number],
];
const Udp6tab: Entry[] = [
  ["Udp6InDatagrams", "%llu packets received", number],
  ["Udp6InErrors", "%llu packet receive errors", number],
  ["Udp6NoPorts", "%llu packets to unknown port received", number],
  ["Udp6OutDatagrams", "%llu packets sent", number],
];
const Tcpexttab: Entry[] = [
  ["DelayedACKLocked", "%llu delayed acks further delayed because of locked socket", opt_number],
  ["DelayedACKLost", "Quick ack mode was activated %llu times", opt_number],
  ["DelayedACKs", "%llu delayed acks sent", opt_number],
  ["EmbryonicRsts", "%llu resets received for embryonic SYN_RECV sockets", opt_number],
  ["ListenDrops", "%llu SYNs to LISTEN sockets dropped", opt_number],
  ["ListenOverflows", "%llu times the listen queue of a socket overflowed", opt_number],
  ["LockDroppedIcmps", "%llu ICMP packets dropped because socket was locked", opt_number],
  ["OfoPruned", "%llu packets dropped from out-of-order queue because of socket buffer overrun", opt_number],
  ["OutOfWindowIcmps", "%llu ICMP packets dropped because they were out-of-window", opt_number],
  ["PAWSActive", "%llu active connections rejected because of time stamp", opt_number],
  ["PAWSEstab", "%llu packets rejected in established connections because of timestamp", opt_number],
  ["PAWSPassive", "%llu passive connections rejected because of time stamp", opt_number],
  ["PruneCalled", "%llu packets pruned from receive queue because of socket buffer overrun", opt_number],
  ["RcvPruned", "%llu packets pruned from receive queue", opt_number],
  ["SockMallocOOM", "Ran %llu times out of system memory during packet sending", opt_number],
  ["SyncookiesFailed", "%llu invalid SYN cookies received", opt_number],
  ["SyncookiesRecv", "%llu SYN cookies received", opt_number],
  ["SyncookiesSent", "%llu SYN cookies sent", opt_number],
  ["TCPAbortFailed", "%llu times unable to send RST due to no memory", opt_number],
  ["TCPAbortOnClose", "%llu connections reset due to early user close", opt_number],
  ["TCPAbortOnData", "%llu connections reset due to unexpected data", opt_number],
  ["TCPAbortOnLinger", "%llu connections aborted after user close in linger timeout", opt_number],
  ["TCPAbortOnMemory", "%llu connections aborted due to memory pressure", opt_number],
  ["TCPAbortOnSyn", "%llu connections reset due to unexpected SYN", opt_number],
  ["TCPAbortOnTimeout", "%llu connections aborted due to timeout", opt_number],
  ["TCPDirectCopyFromBacklog", "%llu bytes directly in process context from backlog", opt_number],
  ["TCPDirectCopyFromPrequeue", "%llu bytes directly received in process context from prequeue", opt_number],
  ["TCPDSACKOfoRecv", "%llu DSACKs for out of order packets received", opt_number],
  ["TCPDSACKOfoSent", "%llu DSACKs sent for out of order packets", opt_number],
  ["TCPDSACKOldSent", "%llu DSACKs sent for old packets", opt_number],
  ["TCPDSACKRecv", "%llu DSACKs received", opt_number],
  ["TCPDSackUndo", "%llu congestion window recovered without slow start using DSACK", opt_number],
  ["TCPDSACKUndo", "%llu congestion windows recovered without slow start by DSACK", opt_number],
  ["TCPFACKReorder", "Detected reordering %llu times using FACK", opt_number],
  ["TCPFastRetrans", "%llu fast retransmits", opt_number],
  ["TCPForwardRetrans", "%llu forward retransmits", opt_number],
  ["TCPFullUndo", "%llu congestion windows fully recovered without slow start", opt_number],
  ["TCPHPAcks", "%llu predicted acknowledgments", opt_number],
  ["TCPHPHits", "%llu packet headers predicted", number],
  ["TCPHPHitsToUser", "%llu packet headers predicted and directly queued to user", opt_number],
  ["TCPLossFailures", "%llu timeouts in loss state", opt_number],
  ["TCPLoss", "%llu TCP data loss events", opt_number],
  ["TCPLossUndo", "%llu congestion windows recovered without slow start after partial ack", opt_number],
  ["TCPLostRetransmits", "%llu retransmits lost", opt_number],
  ["TCPMemoryPressures", "TCP ran low on memory %llu times", opt_number],
  ["TCPPartialUndo", "%llu congestion windows partially recovered using Hoe heuristic", opt_number],
  ["TCPPrequeued", "%llu packets directly queued to recvmsg prequeue", opt_number],
  ["TCPPrequeueDropped", "%llu packets dropped from prequeue", opt_number],
  ["TCPPureAcks", "%llu acknowledgments not containing data payload received", opt_number],
  ["TCPRcvCollapsed", "%llu packets collapsed in receive queue due to low socket buffer", opt_number],
  ["TCPRenoFailures", "%llu timeouts after reno fast retransmit", opt_number],
  ["TCPRenoRecoveryFailed", "%llu reno fast retransmits failed", opt_number],
  ["TCPRenoRecoveryFail", "%llu classic Reno fast retransmits failed", opt_number],
  ["TCPRenoRecovery", "%llu times recovered from packet loss due to fast retransmit", opt_number],
  ["TCPRenoReorder", "Detected reordering %llu times using reno fast retransmit", opt_number],
  ["TCPSackFailures", "%llu timeouts after SACK recovery", opt_number],
  ["TCPSackRecoveryFail", "%llu SACK retransmits failed", opt_number],
  ["TCPSackRecovery", "%llu times recovered from packet loss by selective acknowledgements", opt_number],
  ["TCPSACKReneging", "%llu bad SACK blocks received", opt_number],
  ["TCPSACKReorder", "Detected reordering %llu times using SACK", opt_number],
  ["TCPSchedulerFailed", "%llu times receiver scheduled too late for direct processing", opt_number],
  ["TCPSlowStartRetrans", "%llu retransmits in slow start", opt_number],
  ["TCPTimeouts", "%llu other TCP timeouts", opt_number],
  ["TCPTSReorder", "Detected reordering %llu times using time stamp", opt_number],
  ["TWKilled", "%llu TCP sockets finished time wait in slow timer", opt_number],
  ["TW", "%llu TCP sockets finished time wait in fast timer", opt_number],
  ["TWRecycled", "%llu time wait sockets recycled by time stamp", opt_number],
];
const Sctptab: Entry[] = [
  ["SctpAborteds", "%llu Number of Aborteds ", number],
  ["SctpActiveEstabs", "%llu Active Associations", number],
  ["SctpChecksumErrors", "%llu Number of Packets with invalid Checksum", number],
  ["SctpCurrEstab", "%llu Current Associations", number],
  ["SctpFragUsrMsgs", "%llu Number of messages fragmented", number],
  ["SctpInCtrlChunks", "%llu Number of control chunks received", number],
  ["SctpInOrderChunks", "%llu Number of ordered chunks received", number],
  ["SctpInSCTPPacks", "%llu Number of SCTP packets received", number],
  ["SctpInUnorderChunks", "%llu Number of Unordered chunks received", number],
  ["SctpOutCtrlChunks", "%llu Number of control chunks sent", number],
  ["SctpOutOfBlues", "%llu Number of Out of Blue packets", number],
  ["SctpOutOrderChunks", "%llu Number of ordered chunks sent", number],
  ["SctpOutSCTPPacks", "%llu Number of SCTP packets sent", number],
  ["SctpOutUnorderChunks", "%llu Number of Unordered chunks sent", number],
  ["SctpPassiveEstabs", "%llu Passive Associations", number],
  ["SctpReasmUsrMsgs", "%llu Number of messages reassembled ", number],
  ["SctpShutdowns", "%llu Number of Graceful Terminations", number],
];

interface TabTab {
  title: string;
  tab: Entry[] | undefined;
  flag: () => boolean;
}

/** strcmp() on the bytes of two ASCII strings */
function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** glibc bsearch() */
function bsearch(key: string, tab: Entry[]): Entry | undefined {
  let l = 0;
  let u = tab.length;
  while (l < u) {
    const idx = (l + u) >> 1;
    const c = strcmp(key, tab[idx]![0]);
    if (c < 0) u = idx;
    else if (c > 0) l = idx + 1;
    else return tab[idx];
  }
  return undefined;
}

class Stats {
  state = number;
  out = "";
  printStatic = false;
  constructor(
    readonly fRaw: boolean,
    readonly fTcp: boolean,
    readonly fUdp: boolean,
    readonly fSctp: boolean,
  ) {}

  readonly snmptabs: TabTab[] = [
    { title: "Ip", tab: Iptab, flag: () => this.fRaw },
    { title: "Icmp", tab: Icmptab, flag: () => this.fRaw },
    { title: "Tcp", tab: Tcptab, flag: () => this.fTcp },
    { title: "Udp", tab: Udptab, flag: () => this.fUdp },
    { title: "Sctp", tab: Sctptab, flag: () => this.fSctp },
    { title: "TcpExt", tab: Tcpexttab, flag: () => this.fTcp },
  ];

  readonly snmp6tabs: TabTab[] = [
    { title: "Ip6", tab: Ip6tab, flag: () => this.fRaw },
    { title: "Icmp6", tab: Icmp6tab, flag: () => this.fRaw },
    { title: "Udp6", tab: Udp6tab, flag: () => this.fUdp },
    { title: "Tcp6", tab: Tcptab, flag: () => this.fTcp },
  ];

  /** printval() */
  printval(tab: TabTab, title: string, val: bigint): void {
    const ent = tab.tab ? bsearch(title, tab.tab) : undefined;
    if (!ent) {
      if (val) this.out += `${" ".repeat(states[this.state]!.indent)}${title}: ${val}\n`;
      return;
    }
    let type = ent[2];
    if (type & I_STATIC) {
      type &= ~I_STATIC;
      if (!this.printStatic) return;
    }
    if (ent[1] === "") return;
    if (type & I_TITLE) {
      type &= ~I_TITLE;
      if (this.state !== type) this.out += `${" ".repeat(states[this.state]!.indent)}${states[type]!.title ?? ""}\n`;
    }
    let buf = "";
    switch (type) {
      case opt_number:
        if (val !== 0n) buf = sprintf(ent[1], val);
        break;
      case number:
        buf = sprintf(ent[1], val);
        break;
      case i_forward:
        type = number;
        buf = sprintf(ent[1], val === 2n ? "enabled" : "disabled");
        break;
      case i_outp_icmp:
      case i_inp_icmp:
        if (val > 0n) buf = sprintf(ent[1], val);
        break;
      case i_rto_alg:
        break;
    }
    if (buf) this.out += `${" ".repeat(states[type]!.indent)}${buf}\n`;
    this.state = type;
  }

  /** newtable() (f_unknown is always set) */
  newtable(tabs: TabTab[], title: string): TabTab {
    for (const t of tabs) {
      if (title === t.title) {
        if (t.flag()) this.out += `${title}:\n`;
        this.state = number;
        return t;
      }
    }
    this.out += `${title}:\n`;
    return { title, tab: undefined, flag: () => true };
  }

  /** process_fd(): pairs of "Title: names…" / "Title: values…" lines */
  processFd(text: string, filter?: string): number {
    const lines = text.split("\n").filter((l, i, a) => !(l === "" && i === a.length - 1));
    let i = 0;
    while (i < lines.length) {
      const l1 = lines[i++]!;
      if (l1 === "") continue;
      if (i >= lines.length) break;
      const l2 = lines[i++]!;
      const sp = l1.indexOf(":");
      const np = l2.indexOf(":");
      if (sp < 0 || np < 0) return -1;
      const title = l1.slice(0, sp);
      if (filter !== undefined && !title.startsWith(filter)) continue;
      const tab = this.newtable(this.snmptabs, title);
      const names = l1.slice(sp + 1).split(/[ \t]+/).filter((s) => s !== "");
      const vals = l2.slice(np + 1).split(/[ \t]+/).filter((s) => s !== "");
      names.forEach((n, k) => {
        if (tab.flag()) this.printval(tab, n, strtoull(vals[k]));
      });
    }
    return 0;
  }

  /** process6_fd(): "Name value" lines, tables switched by the name's prefix up to its '6' */
  process6Fd(text: string): void {
    let tab: TabTab | undefined;
    let cur = "";
    const cpytitle = (s: string): string => {
      const k = s.indexOf("6");
      return k < 0 ? s : s.slice(0, k + 1);
    };
    for (const line of text.split("\n")) {
      const f = line.trim().split(/\s+/);
      if (f.length < 2 || f[0] === "") continue;
      if (!tab || !f[0]!.includes(cur)) {
        cur = cpytitle(f[0]!);
        tab = this.newtable(this.snmp6tabs, cur);
      }
      if (tab.flag()) this.printval(tab, f[0]!, strtoull(f[1]));
    }
  }
}

function strtoull(s: string | undefined): bigint {
  const m = /^\d+/.exec(s ?? "");
  return m ? BigInt(m[0]) : 0n;
}

/** statistics.c: parsesnmp() */
export function parsesnmp(p: Process, fRaw: boolean, fTcp: boolean, fUdp: boolean, fSctp: boolean): void {
  const st = new Stats(fRaw, fTcp, fUdp, fSctp);
  const snmp = p.sys.fs.read("/proc/net/snmp");
  if (isKErr(snmp)) {
    p.stderr.write("cannot open /proc/net/snmp: No such file or directory\n");
    return;
  }
  if (st.processFd(snmp) < 0) p.stderr.write("Problem while parsing /proc/net/snmp\n");
  const nst = p.sys.fs.read("/proc/net/netstat");
  if (!isKErr(nst) && st.processFd(nst) < 0) p.stderr.write("Problem while parsing /proc/net/netstat\n");
  p.stdout.write(st.out);
}

/** statistics.c: parsesnmp6() */
export function parsesnmp6(p: Process, fRaw: boolean, fTcp: boolean, fUdp: boolean): void {
  const st = new Stats(fRaw, fTcp, fUdp, false);
  const snmp6 = p.sys.fs.read("/proc/net/snmp6");
  if (isKErr(snmp6)) {
    p.stderr.write("cannot open /proc/net/snmp6: No such file or directory\n");
    return;
  }
  st.process6Fd(snmp6);
  const snmp = p.sys.fs.read("/proc/net/snmp");
  if (isKErr(snmp)) {
    p.stdout.write(st.out);
    p.stderr.write("cannot open /proc/net/snmp: No such file or directory\n");
    return;
  }
  st.processFd(snmp, "Tcp");
  p.stdout.write(st.out);
}
