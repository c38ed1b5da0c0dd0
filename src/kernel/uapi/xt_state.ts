/**
 * include/uapi/linux/netfilter/xt_recent.h, xt_string.h and xt_hashlimit.h: the flags and sizes
 * iptables and the kernel share for recent, string and hashlimit.
 */
export const XT_RECENT_CHECK = 1 << 0;
export const XT_RECENT_SET = 1 << 1;
export const XT_RECENT_UPDATE = 1 << 2;
export const XT_RECENT_REMOVE = 1 << 3;
export const XT_RECENT_TTL = 1 << 4;
export const XT_RECENT_REAP = 1 << 5;
export const XT_RECENT_SOURCE = 0;
export const XT_RECENT_DEST = 1;
export const XT_RECENT_NAME_LEN = 200;
export const XT_STRING_FLAG_INVERT = 0x01;
export const XT_STRING_FLAG_IGNORECASE = 0x02;
export const XT_STRING_MAX_PATTERN_SIZE = 128;
export const XT_STRING_MAX_ALGO_NAME_SIZE = 16;
export const XT_HASHLIMIT_HASH_DIP = 1 << 0;
export const XT_HASHLIMIT_HASH_DPT = 1 << 1;
export const XT_HASHLIMIT_HASH_SIP = 1 << 2;
export const XT_HASHLIMIT_HASH_SPT = 1 << 3;
export const XT_HASHLIMIT_INVERT = 1 << 4;
export const XT_HASHLIMIT_BYTES = 1 << 5;
export const XT_HASHLIMIT_RATE_MATCH = 1 << 6;
export const XT_HASHLIMIT_SCALE_v2 = 1000000n;
