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

/** struct ebt_entry_match */
export interface EbtMatch {
  name: "ip";
  data: EbtIpInfo;
}

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
  /** ACCEPT, DROP, CONTINUE, RETURN or a user chain's name */
  target: string;
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
  /** built-in chains first, in hook order, then user chains in creation order */
  chains: EbtChain[];
}
