/**
 * include/uapi/linux/netfilter_bridge/ebtables.h + ebt_ip.h, as plain objects: the bridge
 * tables ebtables reads (EBT_SO_GET_ENTRIES) and writes back whole (EBT_SO_SET_ENTRIES)
 * through Syscalls.ioctl({request: "EBT_SO_…", …}). A rule's jump is the target chain's name.
 *
 *   EBT_SO_GET_ENTRIES {table}              -> EbtTableInfo | ENOENT (no such table)
 *   EBT_SO_SET_ENTRIES {replace: EbtTableInfo} -> {} | EINVAL (bad rule) | EBUSY (jump to a
 *                                              chain that is gone) | ELOOP
 */

/** ebt_entry.bitmask */
export const EBT_NOPROTO = 0x02;
export const EBT_802_3 = 0x04;
export const EBT_SOURCEMAC = 0x08;
export const EBT_DESTMAC = 0x10;

/** ebt_entry.invflags */
export const EBT_IPROTO = 0x01;
export const EBT_IIN = 0x02;
export const EBT_IOUT = 0x04;
export const EBT_ISOURCE = 0x08;
export const EBT_IDEST = 0x10;
export const EBT_ILOGICALIN = 0x20;
export const EBT_ILOGICALOUT = 0x40;

/** ebt_ip_info.bitmask / invflags */
export const EBT_IP_SOURCE = 0x01;
export const EBT_IP_DEST = 0x02;
export const EBT_IP_TOS = 0x04;
export const EBT_IP_PROTO = 0x08;
export const EBT_IP_SPORT = 0x10;
export const EBT_IP_DPORT = 0x20;

/** struct ebt_ip_info; addresses host-order u32 */
export interface EbtIpInfo {
  saddr: number;
  daddr: number;
  smsk: number;
  dmsk: number;
  tos: number;
  protocol: number;
  bitmask: number;
  invflags: number;
  sport: [number, number];
  dport: [number, number];
}

/** ebt_ip6_info.bitmask / invflags */
export const EBT_IP6_SOURCE = 0x01;
export const EBT_IP6_DEST = 0x02;
export const EBT_IP6_TCLASS = 0x04;
export const EBT_IP6_PROTO = 0x08;
export const EBT_IP6_SPORT = 0x10;
export const EBT_IP6_DPORT = 0x20;
export const EBT_IP6_ICMP6 = 0x40;
export const EBT_IP6_MASK = 0x7f;

/** struct ebt_ip6_info (the ICMPv6 type and code ranges share the ports' union in C) */
export interface EbtIp6Info {
  saddr: Uint8Array;
  daddr: Uint8Array;
  smsk: Uint8Array;
  dmsk: Uint8Array;
  tclass: number;
  protocol: number;
  bitmask: number;
  invflags: number;
  sport: [number, number];
  dport: [number, number];
  icmpv6Type: [number, number];
  icmpv6Code: [number, number];
}

/** ebt_mark_m.h: struct ebt_mark_m_info (unsigned longs, 64-bit) */
export const EBT_MARK_AND = 0x01;
export const EBT_MARK_OR = 0x02;
export interface EbtMarkMInfo {
  mark: bigint;
  mask: bigint;
  invert: number;
  bitmask: number;
}

/** xt_limit.h: struct xt_rateinfo as ebtables-nft writes it (an nft limit expression: rate per unit seconds, burst) */
export const XT_LIMIT_SCALE = 10000;
export interface EbtLimitInfo {
  /** XT_LIMIT_SCALE * seconds per packet */
  avg: number;
  burst: number;
}

/** ebt_vlan.h: struct ebt_vlan_info (encap in host order) */
export const EBT_VLAN_ID = 0x01;
export const EBT_VLAN_PRIO = 0x02;
export const EBT_VLAN_ENCAP = 0x04;
export const EBT_VLAN_MASK = EBT_VLAN_ID | EBT_VLAN_PRIO | EBT_VLAN_ENCAP;
export interface EbtVlanInfo {
  id: number;
  prio: number;
  encap: number;
  bitmask: number;
  invflags: number;
}

/** ebt_arp.h: struct ebt_arp_info (host order) */
export const EBT_ARP_OPCODE = 0x01;
export const EBT_ARP_HTYPE = 0x02;
export const EBT_ARP_PTYPE = 0x04;
export const EBT_ARP_SRC_IP = 0x08;
export const EBT_ARP_DST_IP = 0x10;
export const EBT_ARP_SRC_MAC = 0x20;
export const EBT_ARP_DST_MAC = 0x40;
export const EBT_ARP_GRAT = 0x80;
export const EBT_ARP_MASK = 0xff;
export interface EbtArpInfo {
  htype: number;
  ptype: number;
  opcode: number;
  saddr: number;
  smsk: number;
  daddr: number;
  dmsk: number;
  smaddr: number[];
  smmsk: number[];
  dmaddr: number[];
  dmmsk: number[];
  bitmask: number;
  invflags: number;
}

/**
 * nft-bridge.h: struct nft_among_data as ebtables-nft 1.8.9 programs it (an nft set lookup of
 * the source/destination MAC, with the IPv4 address when a pair gives one): MAC and address
 * (host order, 0 for none) pairs
 */
export interface EbtAmongSide {
  pairs: [number[], number][];
  inv: boolean;
  ip: boolean;
}
export interface EbtAmongInfo {
  src: EbtAmongSide;
  dst: EbtAmongSide;
}

/** ebt_pkttype.h */
export interface EbtPkttypeInfo {
  pktType: number;
  invert: number;
}

/** ebtables.h verdicts (a target's int), ebt_mark_t.h actions in the bits above EBT_VERDICT_BITS */
export const EBT_ACCEPT = -1;
export const EBT_DROP = -2;
export const EBT_CONTINUE = -3;
export const EBT_RETURN = -4;
export const EBT_VERDICT_BITS = 0x0000000f;
export const MARK_SET_VALUE = 0xfffffff0 | 0;
export const MARK_OR_VALUE = 0xffffffe0 | 0;
export const MARK_AND_VALUE = 0xffffffd0 | 0;
export const MARK_XOR_VALUE = 0xffffffc0 | 0;
/** struct ebt_mark_t_info: mark (unsigned long), target (int: action | verdict) */
export interface EbtMarkTInfo {
  mark: bigint;
  target: number;
}

/** ebt_nat.h: struct ebt_nat_info (snat, dnat); target: the verdict, and for snat NAT_ARP_BIT clear to rewrite ARP too */
export const NAT_ARP_BIT = 0x00000010;
export interface EbtNatInfo {
  mac: number[];
  target: number;
}

/** ebt_redirect.h */
export interface EbtRedirectInfo {
  target: number;
}

/** ebt_log.h: struct ebt_log_info (a watcher) */
export const EBT_LOG_IP = 0x01;
export const EBT_LOG_ARP = 0x02;
export const EBT_LOG_NFLOG = 0x04;
export const EBT_LOG_IP6 = 0x08;
export const EBT_LOG_MASK = EBT_LOG_IP | EBT_LOG_ARP | EBT_LOG_IP6;
export const EBT_LOG_PREFIX_SIZE = 30;
export interface EbtLogInfo {
  loglevel: number;
  bitmask: number;
  prefix: string;
}

/** a target extension and its data */
export type EbtTargetExt =
  | { name: "mark"; data: EbtMarkTInfo }
  | { name: "snat"; data: EbtNatInfo }
  | { name: "dnat"; data: EbtNatInfo }
  | { name: "redirect"; data: EbtRedirectInfo }
  | { name: "log"; data: EbtLogInfo };

/**
 * a rule's matches and watchers in their order (struct ebt_entry_match / the xt match and
 * target expressions ebtables-nft puts before the rule's counter); a target met there (mark
 * given without -j) acts as the rule's target would
 */
export type EbtMatch =
  | { name: "ip"; data: EbtIpInfo }
  | { name: "ip6"; data: EbtIp6Info }
  | { name: "mark_m"; data: EbtMarkMInfo }
  | { name: "pkttype"; data: EbtPkttypeInfo }
  | { name: "limit"; data: EbtLimitInfo }
  | { name: "vlan"; data: EbtVlanInfo }
  | { name: "arp"; data: EbtArpInfo }
  | { name: "among"; data: EbtAmongInfo }
  | EbtTargetExt;

/** struct ebt_entry (+ its counters) */
export interface EbtEntry {
  bitmask: number;
  invflags: number;
  /** host order */
  ethproto: number;
  in: string;
  logicalIn: string;
  out: string;
  logicalOut: string;
  sourcemac: number[];
  sourcemsk: number[];
  destmac: number[];
  destmsk: number[];
  matches: EbtMatch[];
  /** ACCEPT, DROP, CONTINUE, RETURN, a user chain's name, or a target extension's ("mark") */
  target: string;
  /** the target extension's data */
  targetInfo?: EbtTargetExt;
  pcnt: number;
  bcnt: number;
}

export interface EbtChain {
  name: string;
  /** ACCEPT, DROP or (user chains) RETURN */
  policy: string;
  /** the NF_BR_* hook of a built-in chain */
  hook?: number;
  entries: EbtEntry[];
}

export interface EbtTableInfo {
  name: string;
  /** GET: the table has been written (it exists, as an nft table would); SET false: delete it (--init-table) */
  exists?: boolean;
  /** built-in chains first, in hook order, then user chains in creation order */
  chains: EbtChain[];
}
