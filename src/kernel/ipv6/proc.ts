/**
 * net/ipv6/proc.c: /proc/net/snmp6 — the per-namespace IPv6, ICMPv6 and UDPv6 MIBs
 * (snmp6_seq_show(): "%-32s\t%lu" per item, the ICMPv6 per-type counters that are not zero
 * after the ICMPv6 list). The emulator's IPv6 sends only link-local multicast (ndisc, MLD);
 * ip6OutputMulticast() counts what it transmits here.
 */
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { allocFloat64 } from "../../wire/bytes.ts";

/** snmp6_ipstats_list[] (Linux 6.18) */
const IP6_ITEMS = [
  "InReceives", "InHdrErrors", "InTooBigErrors", "InNoRoutes", "InAddrErrors", "InUnknownProtos",
  "InTruncatedPkts", "InDiscards", "InDelivers", "OutForwDatagrams", "OutRequests", "OutDiscards",
  "OutNoRoutes", "ReasmTimeout", "ReasmReqds", "ReasmOKs", "ReasmFails", "FragOKs", "FragFails",
  "FragCreates", "InMcastPkts", "OutMcastPkts", "InOctets", "OutOctets", "InMcastOctets",
  "OutMcastOctets", "InBcastOctets", "OutBcastOctets", "InNoECTPkts", "InECT1Pkts", "InECT0Pkts",
  "InCEPkts", "OutTransmits",
] as const;

/** the same items with the ones every received frame counts first: one cache line for them
 * (the link-up chatter a bridge floods to a thousand namespaces) */
const IP6_HOT = ["InReceives", "InOctets", "InNoECTPkts", "InMcastPkts", "InMcastOctets"] as const;
const IP6_HOT_FIRST = [...IP6_HOT, ...IP6_ITEMS.filter((n) => !(IP6_HOT as readonly string[]).includes(n))];

/** snmp6_icmp6_list[]: the counters, then the In/Out per-type items by ICMPv6 type */
const ICMP6_COUNTERS = ["InMsgs", "InErrors", "OutMsgs", "OutErrors", "InCsumErrors", "OutRateLimitHost"] as const;
const ICMP6_TYPES: [string, number][] = [
  ["DestUnreachs", 1], ["PktTooBigs", 2], ["TimeExcds", 3], ["ParmProblems", 4], ["Echos", 128],
  ["EchoReplies", 129], ["GroupMembQueries", 130], ["GroupMembResponses", 131],
  ["GroupMembReductions", 132], ["RouterSolicits", 133], ["RouterAdvertisements", 134],
  ["NeighborSolicits", 135], ["NeighborAdvertisements", 136], ["Redirects", 137], ["MLDv2Reports", 143],
];

/** snmp6_udp6_list[] (and the UdpLite6 one without IgnoredMulti) */
const UDP6_ITEMS = ["InDatagrams", "NoPorts", "InErrors", "OutDatagrams", "RcvbufErrors", "SndbufErrors", "InCsumErrors", "IgnoredMulti", "MemErrors"] as const;
const UDPLITE6_ITEMS = ["InDatagrams", "NoPorts", "InErrors", "OutDatagrams", "RcvbufErrors", "SndbufErrors", "InCsumErrors", "MemErrors"] as const;

export interface Ipv6Mib {
  ip: Record<(typeof IP6_ITEMS)[number], number>;
  icmp: Record<(typeof ICMP6_COUNTERS)[number], number>;
  /** ICMP6MSGIN/OUT_INC_STATS by type (outside the heap: 256 counters each that young
   * collections would copy for every namespace), made at the first count (icmp6MsgInInc(),
   * icmp6MsgOutInc()): most namespaces send ICMPv6 (MLD, DAD) but never receive any */
  inType: Float64Array | undefined;
  outType: Float64Array | undefined;
  udp: Record<(typeof UDP6_ITEMS)[number], number>;
}

const mibs = new NetGeneric<Ipv6Mib>();

/** a counter set: a spread copy of one parsed from JSON, which gives an object all of whose
 * properties are in the object itself (built a property at a time, all but the first four
 * live in a second array: one more memory read for every ++ of a received frame); the copy
 * keeps that layout and costs a twentieth of parsing it again for every namespace */
const zerosTemplate = new Map<readonly string[], object>();
function zeros<K extends string>(names: readonly K[]): Record<K, number> {
  let t = zerosTemplate.get(names);
  if (t === undefined) zerosTemplate.set(names, (t = JSON.parse(JSON.stringify(Object.fromEntries(names.map((n) => [n, 0])))) as object));
  return { ...t } as Record<K, number>;
}

/** net->mib.ipv6_statistics, icmpv6_statistics, icmpv6msg_statistics, udp_stats_in6 */
export function ipv6Stats(net: Net): Ipv6Mib {
  let m = mibs.get(net);
  if (!m) {
    m = { ip: zeros(IP6_HOT_FIRST), icmp: zeros(ICMP6_COUNTERS), inType: undefined, outType: undefined, udp: zeros(UDP6_ITEMS) };
    mibs.set(net, m);
  }
  return m;
}

/** 256 zeroed per-type counters (once per namespace that sends ICMPv6) */
const msgCounters = (): Float64Array => allocFloat64(256);

/** ICMP6MSGIN_INC_STATS() */
export function icmp6MsgInInc(st: Ipv6Mib, type: number): void {
  (st.inType ??= msgCounters())[type]!++;
}

/** ICMP6MSGOUT_INC_STATS() */
export function icmp6MsgOutInc(st: Ipv6Mib, type: number): void {
  (st.outType ??= msgCounters())[type]!++;
}

/** the counters of a type no message has been counted for are zero */
const NO_MSGS = new Float64Array(256);

function item(name: string, v: number): string {
  return `${name.padEnd(32)}\t${v}\n`;
}

/**
 * The counts ipv6_rcv() keeps on a device (see NetDevice.ip6McDropPkts) added to its
 * namespace's MIB, as Linux adds up its per-CPU counters when the MIB is read: when it is read
 * (snmp6SeqShow()) and when the device leaves the namespace (NETDEV_UNREGISTER).
 */
export function ipv6MibFoldDev(dev: NetDevice): void {
  const pkts = dev.ip6McDropPkts;
  if (pkts === 0) return;
  const ip = ipv6Stats(dev.net).ip;
  ip.InReceives += pkts;
  ip.InNoECTPkts += pkts;
  ip.InMcastPkts += pkts;
  ip.InOctets += dev.ip6McDropOctets;
  ip.InMcastOctets += dev.ip6McDropOctets;
  dev.ip6McDropPkts = 0;
  dev.ip6McDropOctets = 0;
}

/** net/ipv6/proc.c: snmp6_seq_show() */
export function snmp6SeqShow(net: Net): string {
  for (const dev of net.devices()) ipv6MibFoldDev(dev);
  const m = ipv6Stats(net);
  const inType = m.inType ?? NO_MSGS;
  const outType = m.outType ?? NO_MSGS;
  let out = "";
  for (const n of IP6_ITEMS) out += item(`Ip6${n}`, m.ip[n]);
  /* snmp6_seq_show_icmpv6(): the MIB, then the per-type in/out counts */
  for (const n of ICMP6_COUNTERS) out += item(`Icmp6${n}`, m.icmp[n]);
  for (const [n, t] of ICMP6_TYPES) out += item(`Icmp6In${n}`, inType[t]!);
  for (const [n, t] of ICMP6_TYPES) out += item(`Icmp6Out${n}`, outType[t]!);
  for (let t = 0; t < 256; t++) if (inType[t]) out += item(`Icmp6InType${t}`, inType[t]!);
  for (let t = 0; t < 256; t++) if (outType[t]) out += item(`Icmp6OutType${t}`, outType[t]!);
  for (const n of UDP6_ITEMS) out += item(`Udp6${n}`, m.udp[n]);
  for (const n of UDPLITE6_ITEMS) out += item(`UdpLite6${n}`, 0);
  return out;
}
