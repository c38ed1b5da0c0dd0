/**
 * The typed rtnetlink boundary between userland tools and the emulated kernel.
 *
 * Keeps netlink's semantics (request flags, attribute presence, errno + extack, dumps) and
 * drops its byte encoding: messages are plain objects whose attribute fields carry the
 * kernel's names, so ported iproute2 code reads almost line for line. An attribute that the
 * kernel would not put in a message is `undefined` here; printers test for presence exactly
 * as iproute2 tests `tb[IFLA_X]`.
 *
 * include/uapi/linux/rtnetlink.h, if_link.h, if_addr.h, neighbour.h, fib_rules.h
 */
import type { KErr } from "./errno.ts";

export type MacAddr = Uint8Array; // 6 bytes (or 4/16 for tunnels)
export type Ipv4 = number; // host byte order, unsigned 32-bit

export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_BRIDGE = 7;
export const AF_INET6 = 10;
export const AF_PACKET = 17;

/** request flags (NLM_F_*) */
export interface NlFlags {
  create?: boolean;
  excl?: boolean;
  replace?: boolean;
  append?: boolean;
  /** NLM_F_BULK: a delete of every object the request's filter matches */
  bulk?: boolean;
}

// ------------------------------------------------------------------------------- links

export interface IfInfoMsg {
  family: number;
  type: number; // ARPHRD_*
  index: number;
  flags: number; // IFF_*
  change: number;
}

export interface LinkStats64 {
  rx_packets: number;
  tx_packets: number;
  rx_bytes: number;
  tx_bytes: number;
  rx_errors: number;
  tx_errors: number;
  rx_dropped: number;
  tx_dropped: number;
  multicast: number;
  collisions: number;
  rx_length_errors: number;
  rx_over_errors: number;
  rx_crc_errors: number;
  rx_frame_errors: number;
  rx_fifo_errors: number;
  rx_missed_errors: number;
  tx_aborted_errors: number;
  tx_carrier_errors: number;
  tx_fifo_errors: number;
  tx_heartbeat_errors: number;
  tx_window_errors: number;
  rx_compressed: number;
  tx_compressed: number;
  rx_nohandler: number;
}

/** IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA: kind-specific attributes keyed by their kernel names
 * (IFLA_BR_*, IFLA_BRPORT_*, IFLA_VETH_PEER, IFLA_VXLAN_* ...). */
export type InfoData = { [attr: string]: unknown };

export interface LinkInfo {
  IFLA_INFO_KIND?: string;
  IFLA_INFO_DATA?: InfoData;
  IFLA_INFO_SLAVE_KIND?: string;
  IFLA_INFO_SLAVE_DATA?: InfoData;
}

export interface IflaAttrs {
  IFLA_IFNAME?: string;
  IFLA_ADDRESS?: MacAddr;
  IFLA_BROADCAST?: MacAddr;
  IFLA_PERM_ADDRESS?: MacAddr;
  IFLA_MTU?: number;
  IFLA_MIN_MTU?: number;
  IFLA_MAX_MTU?: number;
  IFLA_LINK?: number; // iflink (peer ifindex for veth)
  IFLA_LINK_NETNSID?: number;
  IFLA_MASTER?: number;
  IFLA_QDISC?: string;
  IFLA_OPERSTATE?: number;
  IFLA_LINKMODE?: number;
  IFLA_GROUP?: number;
  IFLA_TXQLEN?: number;
  IFLA_PROMISCUITY?: number;
  IFLA_ALLMULTI?: number;
  IFLA_NUM_TX_QUEUES?: number;
  IFLA_NUM_RX_QUEUES?: number;
  IFLA_GSO_MAX_SIZE?: number;
  IFLA_GSO_MAX_SEGS?: number;
  IFLA_TSO_MAX_SIZE?: number;
  IFLA_TSO_MAX_SEGS?: number;
  IFLA_GRO_MAX_SIZE?: number;
  IFLA_GSO_IPV4_MAX_SIZE?: number;
  IFLA_GRO_IPV4_MAX_SIZE?: number;
  IFLA_CARRIER?: number;
  IFLA_CARRIER_CHANGES?: number;
  IFLA_CARRIER_UP_COUNT?: number;
  IFLA_CARRIER_DOWN_COUNT?: number;
  IFLA_PROTO_DOWN?: number;
  IFLA_IFALIAS?: string;
  /** IFLA_PROP_LIST: its IFLA_ALT_IFNAME entries, in order (a dump's: the device's altnames;
   * RTM_NEWLINKPROP/RTM_DELLINKPROP's: those to add or remove) */
  IFLA_PROP_LIST?: string[];
  IFLA_STATS64?: LinkStats64;
  IFLA_LINKINFO?: LinkInfo;
  /** IFLA_AF_SPEC > AF_INET6 > IFLA_INET6_ADDR_GEN_MODE (IN6_ADDR_GEN_MODE_*) */
  IFLA_INET6_ADDR_GEN_MODE?: number;
  /** IFLA_AF_SPEC > AF_INET6 > IFLA_INET6_TOKEN (a SETLINK's: `ip token`), and IFLA_PROTINFO >
   * IFLA_INET6_TOKEN of an AF_INET6 link dump: 16 bytes, the interface identifier in the low 8 */
  IFLA_INET6_TOKEN?: Uint8Array;
  /** move to another netns: by name of a /run/netns entry (ip link set X netns NAME), by pid,
   * or by an nsid of the requesting netns */
  IFLA_NET_NS_NAME?: string;
  /** an IFLA_NET_NS_FD of a file that is no network namespace (the /run/netns directory
   * itself, any other file): get_net_ns_by_fd() refuses it */
  IFLA_NET_NS_BADFD?: true;
  IFLA_NET_NS_PID?: number;
  IFLA_TARGET_NETNSID?: number;
  /** AF_BRIDGE link messages (bridge link): IFLA_PROTINFO carries IFLA_BRPORT_* */
  IFLA_PROTINFO?: InfoData;
  /** AF_BRIDGE IFLA_AF_SPEC: IFLA_BRIDGE_FLAGS, IFLA_BRIDGE_MODE, and IFLA_BRIDGE_VLAN_INFO as
   * the list of its struct bridge_vlan_info attributes in order (BridgeVlanInfo[]) */
  IFLA_AF_SPEC_BRIDGE?: InfoData;
  /** IFLA_EXT_MASK of a dump request (RTEXT_FILTER_*) */
  IFLA_EXT_MASK?: number;
}

/** struct bridge_vlan_info */
export interface BridgeVlanInfo {
  flags: number;
  vid: number;
}

/** BRIDGE_VLANDB_DUMP_FLAGS bits */
export const BRIDGE_VLANDB_DUMPF_STATS = 1 << 0;
export const BRIDGE_VLANDB_DUMPF_GLOBAL = 1 << 1;

export const RTEXT_FILTER_VF = 1 << 0;
export const RTEXT_FILTER_BRVLAN = 1 << 1;
export const RTEXT_FILTER_BRVLAN_COMPRESSED = 1 << 2;
export const RTEXT_FILTER_SKIP_STATS = 1 << 3;

/** include/uapi/linux/if_bridge.h: BRIDGE_VLAN_INFO_* */
export const BRIDGE_VLAN_INFO_MASTER = 1 << 0;
export const BRIDGE_VLAN_INFO_PVID = 1 << 1;
export const BRIDGE_VLAN_INFO_UNTAGGED = 1 << 2;
export const BRIDGE_VLAN_INFO_RANGE_BEGIN = 1 << 3;
export const BRIDGE_VLAN_INFO_RANGE_END = 1 << 4;
export const BRIDGE_VLAN_INFO_BRENTRY = 1 << 5;

// ------------------------------------------------------------------------------ addresses

export const IFA_F_SECONDARY = 0x01;
export const IFA_F_NODAD = 0x02;
export const IFA_F_OPTIMISTIC = 0x04;
export const IFA_F_DADFAILED = 0x08;
export const IFA_F_HOMEADDRESS = 0x10;
export const IFA_F_DEPRECATED = 0x20;
export const IFA_F_TENTATIVE = 0x40;
export const IFA_F_PERMANENT = 0x80;
export const IFA_F_MANAGETEMPADDR = 0x100;
export const IFA_F_NOPREFIXROUTE = 0x200;
export const IFA_F_MCAUTOJOIN = 0x400;
export const IFA_F_STABLE_PRIVACY = 0x800;

export interface IfAddrMsg {
  family: number;
  prefixlen: number;
  flags: number; // low 8 bits of IFA_F_*
  scope: number; // RT_SCOPE_*
  index: number;
}

export interface IfaCacheInfo {
  ifa_prefered: number; // seconds, 0xffffffff = forever
  ifa_valid: number;
  cstamp: number;
  tstamp: number;
}

export interface IfaAttrs {
  /** IPv4: 4 bytes; IPv6: 16 bytes */
  IFA_ADDRESS?: Uint8Array;
  IFA_LOCAL?: Uint8Array;
  IFA_BROADCAST?: Uint8Array;
  IFA_LABEL?: string;
  IFA_FLAGS?: number;
  IFA_CACHEINFO?: IfaCacheInfo;
  IFA_RT_PRIORITY?: number;
  IFA_PROTO?: number;
}

// --------------------------------------------------------------------------------- routes

export const RTN_UNSPEC = 0;
export const RTN_UNICAST = 1;
export const RTN_LOCAL = 2;
export const RTN_BROADCAST = 3;
export const RTN_ANYCAST = 4;
export const RTN_MULTICAST = 5;
export const RTN_BLACKHOLE = 6;
export const RTN_UNREACHABLE = 7;
export const RTN_PROHIBIT = 8;
export const RTN_THROW = 9;
export const RTN_NAT = 10;

export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_SITE = 200;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RT_SCOPE_NOWHERE = 255;

export const RTPROT_UNSPEC = 0;
export const RTPROT_REDIRECT = 1;
export const RTPROT_KERNEL = 2;
export const RTPROT_BOOT = 3;
export const RTPROT_STATIC = 4;
export const RTPROT_DHCP = 16;

export const RT_TABLE_UNSPEC = 0;
export const RT_TABLE_COMPAT = 252;
export const RT_TABLE_DEFAULT = 253;
export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;

export const RTNH_F_DEAD = 1;
export const RTNH_F_PERVASIVE = 2;
export const RTNH_F_ONLINK = 4;
export const RTNH_F_OFFLOAD = 8;
export const RTNH_F_LINKDOWN = 16;
export const RTNH_F_UNRESOLVED = 32;

export const RTM_F_NOTIFY = 0x100;
export const RTM_F_CLONED = 0x200;
export const RTM_F_EQUALIZE = 0x400;
export const RTM_F_PREFIX = 0x800;
export const RTM_F_LOOKUP_TABLE = 0x1000;
export const RTM_F_FIB_MATCH = 0x2000;

/** RTCF_* route cache flags reported in rtm_flags of RTM_GETROUTE answers */
export const RTCF_NOTIFY = 0x00010000;
export const RTCF_DIRECTDST = 0x00020000;
export const RTCF_REDIRECTED = 0x00040000;
export const RTCF_TPROXY = 0x00080000;
export const RTCF_FAST = 0x00200000;
export const RTCF_MASQ = 0x00400000;
export const RTCF_SNAT = 0x00800000;
export const RTCF_DOREDIRECT = 0x01000000;
export const RTCF_DIRECTSRC = 0x04000000;
export const RTCF_DNAT = 0x08000000;
export const RTCF_BROADCAST = 0x10000000;
export const RTCF_MULTICAST = 0x20000000;
export const RTCF_REJECT = 0x40000000;
export const RTCF_LOCAL = 0x80000000;

export interface RtMsg {
  family: number;
  dst_len: number;
  src_len: number;
  tos: number;
  table: number; // low 8 bits; RTA_TABLE carries the full id
  protocol: number;
  scope: number;
  type: number; // RTN_*
  flags: number; // RTNH_F_* | RTM_F_* | RTCF_*
}

export interface RtaCacheInfo {
  rta_clntref: number;
  rta_lastuse: number;
  rta_expires: number; // jiffies->clock_t (centiseconds)
  rta_error: number;
  rta_used: number;
  rta_id: number;
  rta_ts: number;
  rta_tsage: number;
}

export interface RtaMetrics {
  RTAX_LOCK?: number;
  RTAX_MTU?: number;
  RTAX_WINDOW?: number;
  RTAX_RTT?: number;
  RTAX_RTTVAR?: number;
  RTAX_SSTHRESH?: number;
  RTAX_CWND?: number;
  RTAX_ADVMSS?: number;
  RTAX_REORDERING?: number;
  RTAX_HOPLIMIT?: number;
  RTAX_INITCWND?: number;
  RTAX_FEATURES?: number;
  RTAX_RTO_MIN?: number;
  RTAX_INITRWND?: number;
  RTAX_QUICKACK?: number;
  /** the congestion control algorithm's name (the kernel keeps its key; a dump gives the name) */
  RTAX_CC_ALGO?: string;
  RTAX_FASTOPEN_NO_COOKIE?: number;
}

/** the RTAX_* metric numbers */
export const RTAX: Readonly<Record<keyof RtaMetrics, number>> = {
  RTAX_LOCK: 1, RTAX_MTU: 2, RTAX_WINDOW: 3, RTAX_RTT: 4, RTAX_RTTVAR: 5, RTAX_SSTHRESH: 6, RTAX_CWND: 7,
  RTAX_ADVMSS: 8, RTAX_REORDERING: 9, RTAX_HOPLIMIT: 10, RTAX_INITCWND: 11, RTAX_FEATURES: 12, RTAX_RTO_MIN: 13,
  RTAX_INITRWND: 14, RTAX_QUICKACK: 15, RTAX_CC_ALGO: 16, RTAX_FASTOPEN_NO_COOKIE: 17,
};

/** RTAX_FEATURE_ECN */
export const RTAX_FEATURE_ECN = 1 << 0;

/** struct rtnexthop + its RTA_GATEWAY: one next hop of RTA_MULTIPATH */
export interface RtNexthop {
  rtnh_flags: number; // RTNH_F_*
  rtnh_hops: number; // weight - 1
  rtnh_ifindex: number;
  RTA_GATEWAY?: Uint8Array;
}

export interface RtaAttrs {
  /** multipath routes (`nexthop via A nexthop via B`): present instead of RTA_GATEWAY/RTA_OIF */
  RTA_MULTIPATH?: RtNexthop[];
  RTA_DST?: Uint8Array;
  RTA_SRC?: Uint8Array;
  RTA_IIF?: number;
  RTA_OIF?: number;
  RTA_GATEWAY?: Uint8Array;
  RTA_PRIORITY?: number;
  RTA_PREFSRC?: Uint8Array;
  RTA_METRICS?: RtaMetrics;
  RTA_TABLE?: number;
  RTA_MARK?: number;
  RTA_UID?: number;
  RTA_CACHEINFO?: RtaCacheInfo;
  RTA_PREF?: number;
  RTA_EXPIRES?: number;
  /** ip route get: the input device name given with `iif` is sent as RTA_IIF index */
  RTA_IP_PROTO?: number;
  RTA_SPORT?: number;
  RTA_DPORT?: number;
  /** the nexthop object a route uses (`nhid N`) */
  RTA_NH_ID?: number;
}

// ------------------------------------------------------------------------------- nexthops

/** include/uapi/linux/nexthop.h: struct nhmsg */
export interface NhMsg {
  family: number;
  scope: number; // RT_SCOPE_* (a request must send 0)
  protocol: number; // RTPROT_*
  resvd: number;
  flags: number; // RTNH_F_*
}

export const NEXTHOP_GRP_TYPE_MPATH = 0;
export const NEXTHOP_GRP_TYPE_RES = 1;
export const NEXTHOP_GRP_TYPE_MAX = NEXTHOP_GRP_TYPE_RES;

/** struct nexthop_grp: one member of NHA_GROUP (weight is the weight - 1) */
export interface NexthopGrp {
  id: number;
  weight: number;
  resvd1?: number;
  resvd2?: number;
}

/** NHA_* attributes (a dump request's filters NHA_GROUPS/NHA_MASTER/NHA_FDB included) */
export interface NhaAttrs {
  NHA_ID?: number;
  NHA_GROUP?: NexthopGrp[];
  NHA_GROUP_TYPE?: number;
  NHA_BLACKHOLE?: true;
  NHA_OIF?: number;
  /** 4 bytes (IPv4) or 16 (IPv6), as sent */
  NHA_GATEWAY?: Uint8Array;
  NHA_ENCAP_TYPE?: number;
  /** the encapsulation's own attributes (not modelled: only its presence is checked) */
  NHA_ENCAP?: Record<string, unknown>;
  NHA_GROUPS?: true;
  NHA_MASTER?: number;
  NHA_FDB?: true;
  /** NHA_RES_GROUP nest: NHA_RES_GROUP_BUCKETS / _IDLE_TIMER / _UNBALANCED_TIMER (clock_t) */
  NHA_RES_GROUP?: { NHA_RES_GROUP_BUCKETS?: number; NHA_RES_GROUP_IDLE_TIMER?: number; NHA_RES_GROUP_UNBALANCED_TIMER?: number };
  /** NHA_RES_BUCKET nest of the bucket requests: NHA_RES_BUCKET_INDEX / NHA_RES_BUCKET_NH_ID */
  NHA_RES_BUCKET?: { NHA_RES_BUCKET_INDEX?: number; NHA_RES_BUCKET_NH_ID?: number };
}

// ------------------------------------------------------------------------------ neighbours

export const NUD_INCOMPLETE = 0x01;
export const NUD_REACHABLE = 0x02;
export const NUD_STALE = 0x04;
export const NUD_DELAY = 0x08;
export const NUD_PROBE = 0x10;
export const NUD_FAILED = 0x20;
export const NUD_NOARP = 0x40;
export const NUD_PERMANENT = 0x80;
export const NUD_NONE = 0x00;

export const NTF_USE = 0x01;
export const NTF_SELF = 0x02;
export const NTF_MASTER = 0x04;
export const NTF_PROXY = 0x08;
export const NTF_EXT_LEARNED = 0x10;
export const NTF_OFFLOADED = 0x20;
export const NTF_STICKY = 0x40;
export const NTF_ROUTER = 0x80;

export interface NdMsg {
  family: number; // AF_INET for ARP, AF_BRIDGE for the bridge fdb
  ifindex: number;
  state: number; // NUD_*
  flags: number; // NTF_*
  type: number;
}

export interface NdaCacheInfo {
  ndm_confirmed: number; // clock_t (centiseconds) ago
  ndm_used: number;
  ndm_updated: number;
  ndm_refcnt: number;
}

export interface NdaAttrs {
  NDA_DST?: Uint8Array;
  NDA_LLADDR?: MacAddr;
  NDA_CACHEINFO?: NdaCacheInfo;
  NDA_PROBES?: number;
  NDA_VLAN?: number;
  NDA_MASTER?: number;
  NDA_IFINDEX?: number;
  NDA_PORT?: number;
  NDA_VNI?: number;
  NDA_PROTOCOL?: number;
  /** NDA_NDM_STATE_MASK / NDA_NDM_FLAGS_MASK: which ndm_state / ndm_flags bits a bulk delete
   * compares */
  NDA_NDM_STATE_MASK?: number;
  NDA_NDM_FLAGS_MASK?: number;
}

/** struct ndtmsg: a neighbour table message (RTM_*NEIGHTBL; `ip ntable`) */
export interface NdtMsg {
  family: number;
}

/** struct ndt_config (NDTA_CONFIG): the table's fixed sizes and hash state; times in ms ago */
export interface NdtConfig {
  ndtc_key_len: number;
  ndtc_entry_size: number;
  ndtc_entries: number;
  ndtc_last_flush: number;
  ndtc_last_rand: number;
  ndtc_hash_rnd: number;
  ndtc_hash_mask: number;
  ndtc_hash_chain_gc: number;
  ndtc_proxy_qlen: number;
}

/** struct ndt_stats (NDTA_STATS) */
export interface NdtStats {
  ndts_allocs: number;
  ndts_destroys: number;
  ndts_hash_grows: number;
  ndts_res_failed: number;
  ndts_lookups: number;
  ndts_hits: number;
  ndts_rcv_probes_mcast: number;
  ndts_rcv_probes_ucast: number;
  ndts_periodic_gc_runs: number;
  ndts_forced_gc_runs: number;
  ndts_table_fulls: number;
}

/**
 * NDTPA_* (nested in NDTA_PARMS): one struct neigh_parms. u32 attributes are numbers; the
 * time attributes are u64 milliseconds (bigint in a request, where any 64-bit value can be
 * sent; numbers in the kernel's answers).
 */
export interface NdtpaAttrs {
  NDTPA_IFINDEX?: number;
  NDTPA_REFCNT?: number;
  NDTPA_REACHABLE_TIME?: number | bigint;
  NDTPA_BASE_REACHABLE_TIME?: number | bigint;
  NDTPA_RETRANS_TIME?: number | bigint;
  NDTPA_GC_STALETIME?: number | bigint;
  NDTPA_DELAY_PROBE_TIME?: number | bigint;
  NDTPA_QUEUE_LEN?: number;
  NDTPA_APP_PROBES?: number;
  NDTPA_UCAST_PROBES?: number;
  NDTPA_MCAST_PROBES?: number;
  NDTPA_ANYCAST_DELAY?: number | bigint;
  NDTPA_PROXY_DELAY?: number | bigint;
  NDTPA_PROXY_QLEN?: number;
  NDTPA_LOCKTIME?: number | bigint;
  NDTPA_QUEUE_LENBYTES?: number;
  NDTPA_MCAST_REPROBES?: number;
  NDTPA_INTERVAL_PROBE_TIME_MS?: number | bigint;
}

/** NDTA_* of a neighbour table message */
export interface NdtaAttrs {
  NDTA_NAME?: string;
  NDTA_THRESH1?: number;
  NDTA_THRESH2?: number;
  NDTA_THRESH3?: number;
  NDTA_CONFIG?: NdtConfig;
  NDTA_PARMS?: NdtpaAttrs;
  NDTA_STATS?: NdtStats;
  /** u64 milliseconds */
  NDTA_GC_INTERVAL?: number | bigint;
}

// ---------------------------------------------------------------------------------- rules

export const FR_ACT_TO_TBL = 1;
export const FR_ACT_GOTO = 2;
export const FR_ACT_NOP = 3;
export const FR_ACT_BLACKHOLE = 6;
export const FR_ACT_UNREACHABLE = 7;
export const FR_ACT_PROHIBIT = 8;

export interface FibRuleHdr {
  family: number;
  dst_len: number;
  src_len: number;
  tos: number;
  table: number;
  action: number; // FR_ACT_*
  flags: number; // FIB_RULE_INVERT ...
}

export interface FraAttrs {
  FRA_PRIORITY?: number;
  FRA_TABLE?: number;
  FRA_DST?: Uint8Array;
  FRA_SRC?: Uint8Array;
  FRA_FWMARK?: number;
  FRA_FWMASK?: number;
  FRA_IIFNAME?: string;
  FRA_OIFNAME?: string;
  FRA_GOTO?: number;
  FRA_SUPPRESS_PREFIXLEN?: number;
  FRA_SUPPRESS_IFGROUP?: number;
  FRA_PROTOCOL?: number;
  FRA_L3MDEV?: number;
  FRA_UID_RANGE?: { start: number; end: number };
  /** the realms (tclassid: src realm << 16 | dst realm) */
  FRA_FLOW?: number;
  FRA_IP_PROTO?: number;
  FRA_SPORT_RANGE?: { start: number; end: number };
  FRA_DPORT_RANGE?: { start: number; end: number };
}

// ------------------------------------------------------------------------------- messages

export type RtnlMsg =
  | { type: "RTM_NEWLINK" | "RTM_DELLINK" | "RTM_GETLINK" | "RTM_SETLINK" | "RTM_NEWLINKPROP" | "RTM_DELLINKPROP"; flags: NlFlags; ifi: IfInfoMsg; attrs: IflaAttrs }
  | { type: "RTM_NEWADDR" | "RTM_DELADDR" | "RTM_GETADDR"; flags: NlFlags; ifa: IfAddrMsg; attrs: IfaAttrs }
  | { type: "RTM_NEWROUTE" | "RTM_DELROUTE" | "RTM_GETROUTE"; flags: NlFlags; rtm: RtMsg; attrs: RtaAttrs }
  | { type: "RTM_NEWNEIGH" | "RTM_DELNEIGH" | "RTM_GETNEIGH"; flags: NlFlags; ndm: NdMsg; attrs: NdaAttrs }
  | { type: "RTM_NEWNEIGHTBL" | "RTM_GETNEIGHTBL" | "RTM_SETNEIGHTBL"; flags: NlFlags; ndtm: NdtMsg; attrs: NdtaAttrs }
  | { type: "RTM_NEWRULE" | "RTM_DELRULE" | "RTM_GETRULE"; flags: NlFlags; frh: FibRuleHdr; attrs: FraAttrs }
  | { type: "RTM_NEWNETCONF" | "RTM_DELNETCONF" | "RTM_GETNETCONF"; flags: NlFlags; ncm: { family: number }; attrs: NetconfAttrs }
  | { type: "RTM_NEWSTATS" | "RTM_GETSTATS" | "RTM_SETSTATS"; flags: NlFlags; ifsm: IfStatsMsg; attrs: StatsAttrs }
  | { type: "RTM_NEWMDB" | "RTM_DELMDB" | "RTM_GETMDB"; flags: NlFlags; bpm: { family: number; ifindex: number }; attrs: MdbAttrs }
  /** struct br_vlan_msg (`bridge -d vlan show`, `bridge vlan global show`): no handler in the
   * emulated kernel (the lab kernel, without CONFIG_BRIDGE_VLAN_FILTERING, has none either) */
  | { type: "RTM_NEWVLAN" | "RTM_DELVLAN" | "RTM_GETVLAN"; flags: NlFlags; bvm: { family: number; ifindex: number }; attrs: { BRIDGE_VLANDB_DUMP_FLAGS?: number } }
  | { type: "RTM_NEWADDRLABEL" | "RTM_DELADDRLABEL" | "RTM_GETADDRLABEL"; flags: NlFlags; ifal: IfAddrlblMsg; attrs: IfalAttrs }
  | { type: "RTM_NEWNEXTHOP" | "RTM_DELNEXTHOP" | "RTM_GETNEXTHOP" | "RTM_NEWNEXTHOPBUCKET" | "RTM_GETNEXTHOPBUCKET"; flags: NlFlags; nhm: NhMsg; attrs: NhaAttrs };

export type LinkMsg = Extract<RtnlMsg, { ifi: IfInfoMsg }>;
export type AddrMsg = Extract<RtnlMsg, { ifa: IfAddrMsg }>;
export type RouteMsg = Extract<RtnlMsg, { rtm: RtMsg }>;
export type NeighMsg = Extract<RtnlMsg, { ndm: NdMsg }>;
export type NeightblMsg = Extract<RtnlMsg, { ndtm: NdtMsg }>;
export type RuleMsg = Extract<RtnlMsg, { frh: FibRuleHdr }>;
export type NetconfMsg = Extract<RtnlMsg, { ncm: { family: number } }>;
export type StatsMsg = Extract<RtnlMsg, { ifsm: IfStatsMsg }>;
export type MdbMsg = Extract<RtnlMsg, { bpm: { family: number; ifindex: number } }>;
export type AddrlblMsg = Extract<RtnlMsg, { ifal: IfAddrlblMsg }>;
export type NexthopMsg = Extract<RtnlMsg, { nhm: NhMsg }>;

/** include/uapi/linux/if_addrlabel.h: struct ifaddrlblmsg */
export interface IfAddrlblMsg {
  family: number;
  prefixlen: number;
  flags: number;
  index: number;
  /** the table's change counter (ip6addrlbl_table.seq) in the kernel's messages */
  seq: number;
}

/** IFAL_* attributes */
export interface IfalAttrs {
  /** the prefix as sent: 16 bytes from a well-formed request (the kernel checks the length) */
  IFAL_ADDRESS?: Uint8Array;
  IFAL_LABEL?: number;
}

/** include/uapi/linux/if_bridge.h: struct br_mdb_entry (addr.proto 0: an L2 group, the MAC in
 * `addr.addr`) */
export interface BrMdbEntry {
  ifindex: number;
  /** MDB_TEMPORARY 0, MDB_PERMANENT 1 */
  state: number;
  /** MDB_FLAGS_* */
  flags: number;
  vid: number;
  addr: { proto: number; addr: Uint8Array };
}
export const MDB_TEMPORARY = 0;
export const MDB_PERMANENT = 1;

/** an MDBA_MDB_ENTRY_INFO and its attributes (MDBA_MDB_EATTR_TIMER in clock ticks, _RTPROT) */
export interface MdbEntryInfo extends BrMdbEntry {
  timer: number;
  rtprot?: number;
}

/** RTM_*MDB attributes: a dump's MDBA_MDB entries and MDBA_ROUTER ports; a request's
 * MDBA_SET_ENTRY */
export interface MdbAttrs {
  MDBA_MDB?: MdbEntryInfo[];
  MDBA_ROUTER?: number[];
  MDBA_SET_ENTRY?: BrMdbEntry;
  MDBA_SET_ENTRY_ATTRS?: { MDBE_ATTR_SOURCE?: Uint8Array };
}

/** include/uapi/linux/if_link.h: struct if_stats_msg */
export interface IfStatsMsg {
  family: number;
  ifindex: number;
  /** IFLA_STATS_FILTER_BIT() of the attributes asked for */
  filterMask: number;
}

/** IFLA_STATS_* attribute numbers (for filter masks) */
export const IFLA_STATS_LINK_64 = 1;
export const IFLA_STATS_LINK_XSTATS = 2;
export const IFLA_STATS_LINK_XSTATS_SLAVE = 3;
export const IFLA_STATS_FILTER_BIT = (attr: number): number => 1 << (attr - 1);
export const IFLA_STATS_LINK_OFFLOAD_XSTATS = 4;
export const IFLA_STATS_AF_SPEC = 5;
/** IFLA_STATS_GET_FILTERS' nested masks and IFLA_OFFLOAD_XSTATS_* (the offload nest's members) */
export const IFLA_OFFLOAD_XSTATS_CPU_HIT = 1;
export const IFLA_OFFLOAD_XSTATS_HW_S_INFO = 2;
export const IFLA_OFFLOAD_XSTATS_L3_STATS = 3;

/** struct rtnl_hw_stats64 (IFLA_OFFLOAD_XSTATS_L3_STATS) */
export interface RtnlHwStats64 {
  rx_packets: number; tx_packets: number; rx_bytes: number; tx_bytes: number;
  rx_errors: number; tx_errors: number; rx_dropped: number; tx_dropped: number; multicast: number;
}

/** IFLA_STATS_LINK_OFFLOAD_XSTATS: the members the device has */
export interface OffloadXstats {
  IFLA_OFFLOAD_XSTATS_CPU_HIT?: LinkStats64;
  /** IFLA_OFFLOAD_XSTATS_HW_S_INFO: per statistics type, IFLA_OFFLOAD_XSTATS_HW_S_INFO_REQUEST/_USED */
  IFLA_OFFLOAD_XSTATS_HW_S_INFO?: { IFLA_OFFLOAD_XSTATS_L3_STATS?: { REQUEST: number; USED: number } };
  IFLA_OFFLOAD_XSTATS_L3_STATS?: RtnlHwStats64;
}

/** struct br_mcast_stats as the attribute carries it: [RX, TX] per counter */
export interface BrMcastStatsAttr {
  igmp_v1queries: [number, number]; igmp_v2queries: [number, number]; igmp_v3queries: [number, number];
  igmp_leaves: [number, number];
  igmp_v1reports: [number, number]; igmp_v2reports: [number, number]; igmp_v3reports: [number, number];
  igmp_parse_errors: number;
  mld_v1queries: [number, number]; mld_v2queries: [number, number]; mld_leaves: [number, number];
  mld_parse_errors: number;
  mld_v1reports: [number, number]; mld_v2reports: [number, number];
}

/** struct bridge_stp_xstats */
export interface BrStpXstatsAttr {
  transition_blk: number; transition_fwd: number; rx_bpdu: number; tx_bpdu: number; rx_tcn: number; tx_tcn: number;
}

/** the nest of IFLA_STATS_LINK_XSTATS(_SLAVE): LINK_XSTATS_TYPE_* → the kind's attributes, in
 * the order the kernel puts them */
export interface LinkXstats {
  LINK_XSTATS_TYPE_BRIDGE?: {
    BRIDGE_XSTATS_VLAN?: BridgeVlanXstats[]; BRIDGE_XSTATS_MCAST?: BrMcastStatsAttr; BRIDGE_XSTATS_STP?: BrStpXstatsAttr;
  };
}

/** struct bridge_vlan_xstats: one BRIDGE_XSTATS_VLAN attribute per vlan of the group */
export interface BridgeVlanXstats {
  rx_bytes: number; rx_packets: number; tx_bytes: number; tx_packets: number; vid: number; flags: number;
}

/** RTM_NEWSTATS attributes */
export interface StatsAttrs {
  IFLA_STATS_LINK_64?: LinkStats64;
  IFLA_STATS_LINK_XSTATS?: LinkXstats;
  IFLA_STATS_LINK_XSTATS_SLAVE?: LinkXstats;
  IFLA_STATS_LINK_OFFLOAD_XSTATS?: OffloadXstats;
  /** per address family (AF_MPLS's MPLS_STATS_LINK): empty without an af that fills it */
  IFLA_STATS_AF_SPEC?: { AF_MPLS?: unknown };
  /** request: IFLA_STATS_GET_FILTERS — per nest attribute number, the mask of its members */
  IFLA_STATS_GET_FILTERS?: Record<number, number>;
  /** RTM_SETSTATS request: IFLA_STATS_SET_OFFLOAD_XSTATS_L3_STATS (u8 on/off) */
  IFLA_STATS_SET_OFFLOAD_XSTATS_L3_STATS?: number;
}

/** include/uapi/linux/netconf.h: struct netconfmsg's attributes (NETCONFA_*) */
export interface NetconfAttrs {
  /** the device, or NETCONFA_IFINDEX_ALL / NETCONFA_IFINDEX_DEFAULT */
  NETCONFA_IFINDEX?: number;
  NETCONFA_FORWARDING?: number;
  NETCONFA_RP_FILTER?: number;
  NETCONFA_MC_FORWARDING?: number;
  NETCONFA_PROXY_NEIGH?: number;
  NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN?: number;
  NETCONFA_BC_FORWARDING?: number;
}
export const NETCONFA_IFINDEX_ALL = -1;
export const NETCONFA_IFINDEX_DEFAULT = -2;

/** An acknowledgement: success (possibly with an extack warning) or an errno with extack text. */
export type NlAck = { ok: true; warning?: string } | ({ ok: false } & KErr);

/** include/uapi/linux/rtnetlink.h: enum rtnetlink_groups (the multicast groups a socket joins) */
export const RTNLGRP_LINK = 1;
export const RTNLGRP_NOTIFY = 2;
export const RTNLGRP_NEIGH = 3;
export const RTNLGRP_TC = 4;
export const RTNLGRP_IPV4_IFADDR = 5;
export const RTNLGRP_IPV4_MROUTE = 6;
export const RTNLGRP_IPV4_ROUTE = 7;
export const RTNLGRP_IPV4_RULE = 8;
export const RTNLGRP_IPV6_IFADDR = 9;
export const RTNLGRP_IPV6_MROUTE = 10;
export const RTNLGRP_IPV6_ROUTE = 11;
export const RTNLGRP_IPV6_IFINFO = 12;
export const RTNLGRP_IPV6_PREFIX = 18;
export const RTNLGRP_IPV6_RULE = 19;
export const RTNLGRP_IPV4_NETCONF = 24;
export const RTNLGRP_IPV6_NETCONF = 25;
export const RTNLGRP_MPLS_ROUTE = 27;
export const RTNLGRP_NSID = 28;
export const RTNLGRP_MPLS_NETCONF = 29;
export const RTNLGRP_NEXTHOP = 32;
/** bridge: RTM_*MDB (26), RTM_*VLAN (33), RTM_*TUNNEL (35) */
export const RTNLGRP_MDB = 26;
export const RTNLGRP_BRVLAN = 33;
export const RTNLGRP_TUNNEL = 35;
export const RTNLGRP_STATS = 36;

/** a notification as a listening socket reads it: the message and, for a socket listening to
 * all namespaces (NETLINK_LISTEN_ALL_NSID), the nsid of the one it came from (-1: its own) */
export interface RtnlEvent {
  msg: RtnlMsg;
  nsid: number;
}

/** an NETLINK_ROUTE socket bound to multicast groups: its receive queue and a reader waiting */
export interface RtnlListener {
  read(): RtnlEvent | undefined;
  onReadable(cb: (() => void) | undefined): void;
  /** setsockopt(NETLINK_ADD_MEMBERSHIP) */
  addGroup(group: number): void;
  /** setsockopt(NETLINK_LISTEN_ALL_NSID) */
  listenAllNsid(): void;
  close(): void;
}

export interface Rtnetlink {
  /** a request (NEW/DEL/SET, or a GET of one object): ack, and for GETs the answer */
  talk(req: RtnlMsg): { ack: NlAck; answer?: RtnlMsg };
  /** a dump (NLM_F_DUMP), filtered the way the kernel filters a dump request */
  dump(req: RtnlMsg): RtnlMsg[];
  /** a socket bound to the multicast groups RTNLGRP_* (`ip monitor`); optional for test doubles */
  listen?(groups: number[]): RtnlListener;
}
