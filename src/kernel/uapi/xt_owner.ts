/** include/uapi/linux/netfilter/xt_owner.h: match / invert flags of xt_owner_match_info */
export const XT_OWNER_UID = 1;
export const XT_OWNER_GID = 2;
export const XT_OWNER_SOCKET = 4;
export const XT_OWNER_SUPPL_GROUPS = 8;
export const XT_OWNER_MASK = XT_OWNER_UID | XT_OWNER_GID | XT_OWNER_SOCKET | XT_OWNER_SUPPL_GROUPS;
