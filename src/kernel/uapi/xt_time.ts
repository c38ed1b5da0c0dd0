/** include/uapi/linux/netfilter/xt_time.h: the flags and limits iptables and the kernel share */
export const XT_TIME_LOCAL_TZ = 1;
export const XT_TIME_CONTIGUOUS = 2;
export const XT_TIME_ALL_FLAGS = 3;
export const XT_TIME_ALL_MONTHDAYS = 0xfffffffe;
export const XT_TIME_ALL_WEEKDAYS = 0xfe;
export const XT_TIME_MAX_DAYTIME = 24 * 60 * 60 - 1;
