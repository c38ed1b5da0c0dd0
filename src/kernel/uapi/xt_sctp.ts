/** include/uapi/linux/netfilter/xt_sctp.h: the flags iptables and the kernel share for sctp */
export const XT_SCTP_SRC_PORTS = 1;
export const XT_SCTP_DEST_PORTS = 2;
export const XT_SCTP_CHUNK_TYPES = 4;
export const SCTP_CHUNK_MATCH_ANY = 1;
export const SCTP_CHUNK_MATCH_ALL = 2;
export const SCTP_CHUNK_MATCH_ONLY = 4;
