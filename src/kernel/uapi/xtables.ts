/**
 * include/uapi/linux/netfilter/x_tables.h + netfilter_ipv4/ip_tables.h, as plain objects:
 * the table blob iptables reads (IPT_SO_GET_INFO / IPT_SO_GET_ENTRIES) and writes back
 * whole (IPT_SO_SET_REPLACE), through Syscalls.ioctl({request: "IPT_SO_…", …}).
 *
 * An entry is struct ipt_entry: the ipt_ip header, its matches (struct xt_entry_match) and
 * one target (struct xt_entry_target). Byte offsets of the C blob become entry indexes:
 * hookEntry/underflow and a standard target's jump verdict are indexes into `entries`.
 * Match and target payloads are the kernel structs' fields by their C names
 * (xt_tcp: spts, dpts, option, flg_mask, flg_cmp, invflags …).
 */

export const XT_TABLE_MAXNAMELEN = 32;
export const XT_EXTENSION_MAXNAMELEN = 29;
export const IFNAMSIZ = 16;

/** the standard target's name (""), and the error target heading a user chain */
export const XT_STANDARD_TARGET = "";
export const XT_ERROR_TARGET = "ERROR";

/** standard verdicts: -NF_ACCEPT-1 etc.; XT_RETURN is -NF_REPEAT-1 */
export const XT_VERDICT_ACCEPT = -2;
export const XT_VERDICT_DROP = -1;
export const XT_VERDICT_QUEUE = -4;
export const XT_RETURN = -5;

/** ipt_ip.flags */
export const IPT_F_FRAG = 0x01;
export const IPT_F_GOTO = 0x02;
export const IPT_F_MASK = 0x03;

/** ipt_ip.invflags */
export const IPT_INV_VIA_IN = 0x01;
export const IPT_INV_VIA_OUT = 0x02;
export const IPT_INV_TOS = 0x04;
export const IPT_INV_SRCIP = 0x08;
export const IPT_INV_DSTIP = 0x10;
export const IPT_INV_FRAG = 0x20;
export const IPT_INV_PROTO = 0x40;
export const IPT_INV_MASK = 0x7f;

/** struct ipt_ip; addresses are host-order u32 (the C struct holds them in network order) */
export interface IptIp {
  src: number;
  dst: number;
  smsk: number;
  dmsk: number;
  iniface: string;
  outiface: string;
  /** the C masks: which bytes of the name must match ("eth+" matches a prefix) */
  proto: number;
  flags: number;
  invflags: number;
}

/** include/uapi/linux/netfilter_ipv6/ip6_tables.h: ip6t_ip6.flags */
export const IP6T_F_PROTO = 0x01;
export const IP6T_F_TOS = 0x02;
export const IP6T_F_GOTO = 0x04;
export const IP6T_F_MASK = 0x07;
/** ip6t_ip6.invflags: the bits of ipt_ip's (IP6T_INV_VIA_IN … IP6T_INV_PROTO = IPT_INV_*) */
export const IP6T_INV_MASK = 0x7f;

/**
 * struct ip6t_ip6: ipt_ip's interface, protocol, flags and invflags fields (IP6T_F_* flags)
 * with 128-bit addresses and masks in src6/dst6/smsk6/dmsk6, four host-order u32 words each
 * (the IPv4 src/dst/smsk/dmsk stay 0), and the traffic class (tos).
 */
export interface Ip6tIp6 extends IptIp {
  src6: number[];
  dst6: number[];
  smsk6: number[];
  dmsk6: number[];
  tos: number;
}

/** an entry's header is an IPv6 one (ip6t_entry) */
export function isIp6(ip: IptIp): ip is Ip6tIp6 {
  return (ip as Partial<Ip6tIp6>).src6 !== undefined;
}

/** struct xt_counters */
export interface XtCounters {
  pcnt: number;
  bcnt: number;
}

/** struct xt_entry_match / xt_entry_target (user view: name, revision, the payload) */
export interface XtEntryExt {
  name: string;
  revision: number;
  data: Record<string, unknown>;
}

/** struct ipt_entry */
export interface IptEntry {
  ip: IptIp;
  /** NFC_* cache bits; unused */
  nfcache?: number;
  matches: XtEntryExt[];
  /** standard target: name "", data.verdict; error target: name "ERROR", data.errorname */
  target: XtEntryExt;
  counters: XtCounters;
  /** bitmask of the hooks reaching this entry (filled by the kernel, as comefrom) */
  comefrom?: number;
}

/** IPT_SO_GET_INFO: {request, table} -> struct ipt_getinfo */
export interface IptGetinfo {
  name: string;
  validHooks: number;
  hookEntry: number[];
  underflow: number[];
  numEntries: number;
  size: number;
  /** false when the table has not been created in this namespace yet (answered from its
   * template; iptables-nft creates tables on first write) */
  exists?: boolean;
  /** 1 << hook for each built-in chain whose policy counts packets (an nf_tables base chain
   * with NFTA_CHAIN_COUNTERS: set by -P, -Z or iptables-restore, not at creation) */
  counterHooks?: number;
  /** 1 << hook for each built-in chain that exists as an nf_tables base chain: iptables-nft
   * creates one on first use (-A/-I/-P, iptables-restore), not with its table */
  createdHooks?: number;
}

/** IPT_SO_GET_ENTRIES: {request, table} -> {name, entries} (struct ipt_get_entries) */
export interface IptGetEntries {
  name: string;
  entries: IptEntry[];
}

/** IPT_SO_SET_REPLACE: struct ipt_replace; the answer holds the old counters */
export interface IptReplace {
  name: string;
  validHooks: number;
  numEntries: number;
  hookEntry: number[];
  underflow: number[];
  entries: IptEntry[];
  /** as IptGetinfo.counterHooks; undefined: every policy counts (x_tables) */
  counterHooks?: number;
  /** as IptGetinfo.createdHooks; undefined: every built-in chain exists (x_tables) */
  createdHooks?: number;
}

/** IPT_SO_SET_ADD_COUNTERS: struct xt_counters_info */
export interface XtCountersInfo {
  name: string;
  counters: XtCounters[];
}

/** conntrack entries as userland sees them (the ctnetlink dump / /proc/net/nf_conntrack) */
export interface NfConntrackTuple {
  src: number;
  dst: number;
  /** IPPROTO_* */
  protonum: number;
  /** tcp/udp ports; icmp: type, code, id */
  sport?: number;
  dport?: number;
  type?: number;
  code?: number;
  id?: number;
}

export interface NfConntrackInfo {
  /** l3 proto number (AF_INET 2) */
  l3num: number;
  orig: NfConntrackTuple;
  reply: NfConntrackTuple;
  /** seconds left */
  timeout: number;
  /** TCP state name ("ESTABLISHED") or undefined */
  protoState?: string;
  /** IPS_* bits */
  status: number;
  mark: number;
  use: number;
  id: number;
  /** the zone of both directions (CTA_ZONE), 0 when the default */
  zone: number;
  /** a zone of one direction only (CTA_TUPLE_ZONE), when not the default */
  origZone?: number;
  replyZone?: number;
  /** the acct extension (nf_conntrack_acct): packets and bytes of the original direction,
   * then of the reply; absent when the entry was made with accounting off */
  counters?: [number, number, number, number];
}

/** include/uapi/linux/netfilter/nf_conntrack_common.h: enum ip_conntrack_status */
export const IPS_EXPECTED = 1 << 0;
export const IPS_SEEN_REPLY = 1 << 1;
export const IPS_ASSURED = 1 << 2;
export const IPS_CONFIRMED = 1 << 3;
export const IPS_SRC_NAT = 1 << 4;
export const IPS_DST_NAT = 1 << 5;
export const IPS_SEQ_ADJUST = 1 << 6;
export const IPS_SRC_NAT_DONE = 1 << 7;
export const IPS_DST_NAT_DONE = 1 << 8;
export const IPS_DYING = 1 << 9;
export const IPS_FIXED_TIMEOUT = 1 << 10;
export const IPS_TEMPLATE = 1 << 11;
export const IPS_UNTRACKED = 1 << 12;
export const IPS_OFFLOAD = 1 << 14;
export const IPS_HW_OFFLOAD = 1 << 15;
export const IPS_NAT_MASK = IPS_DST_NAT | IPS_SRC_NAT;
export const IPS_NAT_DONE_MASK = IPS_DST_NAT_DONE | IPS_SRC_NAT_DONE;
/** the status bits ctnetlink leaves alone (__nf_ct_change_status()) */
export const IPS_UNCHANGEABLE_MASK =
  IPS_NAT_DONE_MASK | IPS_NAT_MASK | IPS_EXPECTED | IPS_CONFIRMED | IPS_DYING | IPS_SEQ_ADJUST | IPS_TEMPLATE | IPS_UNTRACKED |
  IPS_OFFLOAD | IPS_HW_OFFLOAD;

/** NFNLGRP_CONNTRACK_NEW / _UPDATE / _DESTROY, as the bits of a listener's groups (NFCT_LISTEN) */
export const NFCT_GRP_NEW = 1;
export const NFCT_GRP_UPDATE = 2;
export const NFCT_GRP_DESTROY = 4;

/** a ctnetlink event message (IPCTNL_MSG_CT_NEW / _DELETE to NFNLGRP_CONNTRACK_*) */
export interface NfConntrackEvent {
  type: "NEW" | "UPDATE" | "DESTROY";
  /** the entry as the message carries it: no timeout in an expired entry's DESTROY, the TCP
   * state only with a state change (or in a DESTROY), the mark only when set, no use count */
  entry: Omit<NfConntrackInfo, "timeout" | "protoState" | "mark" | "use"> & { timeout?: number; protoState?: string; mark?: number };
  /** the netlink portid of the process whose request caused it (0: the kernel) */
  portid: number;
}

/** a socket bound to the conntrack event groups: its queue, a wakeup, close() */
export interface NfConntrackListener {
  read(): NfConntrackEvent | undefined;
  onReadable(cb: (() => void) | undefined): void;
  close(): void;
}

/**
 * Requests (Syscalls.ioctl): IPT_SO_GET_INFO {table}, IPT_SO_GET_ENTRIES {table},
 * IPT_SO_SET_REPLACE {replace: IptReplace}, IPT_SO_SET_ADD_COUNTERS {info: XtCountersInfo},
 * IPT_SO_GET_REVISION_MATCH / _TARGET {name, revision},
 * IPT_TABLE_NAMES (/proc/net/ip_tables_names: {names}, in iptables-save's order),
 * NFCT_GET (conntrack dump: {entries: NfConntrackInfo[]}), NFCT_DELETE {ids, portid} -> {deleted},
 * NFCT_FLUSH {portid} -> {deleted}, NFCT_LISTEN {groups: 1 new | 2 update | 4 destroy} ->
 * {listener: NfConntrackListener}.
 * IPv6 (ip6_tables.h, an AF_INET6 socket): the same requests named IP6T_SO_* and
 * IP6T_TABLE_NAMES (/proc/net/ip6_tables_names), entries headed by an Ip6tIp6.
 */
export type XtablesRequest =
  | "IPT_SO_GET_INFO"
  | "IPT_SO_GET_ENTRIES"
  | "IPT_SO_SET_REPLACE"
  | "IPT_SO_SET_ADD_COUNTERS"
  | "IPT_SO_GET_REVISION_MATCH"
  | "IPT_SO_GET_REVISION_TARGET"
  | "IPT_TABLE_NAMES"
  | "IP6T_SO_GET_INFO"
  | "IP6T_SO_GET_ENTRIES"
  | "IP6T_SO_SET_REPLACE"
  | "IP6T_SO_SET_ADD_COUNTERS"
  | "IP6T_SO_GET_REVISION_MATCH"
  | "IP6T_SO_GET_REVISION_TARGET"
  | "IP6T_TABLE_NAMES"
  | "NFCT_GET"
  | "NFCT_DELETE"
  | "NFCT_FLUSH"
  | "NFCT_UPDATE"
  | "NFCT_CREATE"
  | "NFCT_LISTEN";
