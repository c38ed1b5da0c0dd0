/** include/uapi/linux/if.h, if_arp.h, if_ether.h */
export const IFF_UP = 0x1;
export const IFF_BROADCAST = 0x2;
export const IFF_DEBUG = 0x4;
export const IFF_LOOPBACK = 0x8;
export const IFF_POINTOPOINT = 0x10;
export const IFF_NOTRAILERS = 0x20;
export const IFF_RUNNING = 0x40;
export const IFF_NOARP = 0x80;
export const IFF_PROMISC = 0x100;
export const IFF_ALLMULTI = 0x200;
export const IFF_MASTER = 0x400;
export const IFF_SLAVE = 0x800;
export const IFF_MULTICAST = 0x1000;
export const IFF_PORTSEL = 0x2000;
export const IFF_AUTOMEDIA = 0x4000;
export const IFF_DYNAMIC = 0x8000;
export const IFF_LOWER_UP = 0x10000;
export const IFF_DORMANT = 0x20000;
export const IFF_ECHO = 0x40000;

/** RFC 2863 operstates (IF_OPER_*) */
export const IF_OPER_UNKNOWN = 0;
export const IF_OPER_NOTPRESENT = 1;
export const IF_OPER_DOWN = 2;
export const IF_OPER_LOWERLAYERDOWN = 3;
export const IF_OPER_TESTING = 4;
export const IF_OPER_DORMANT = 5;
export const IF_OPER_UP = 6;

export const ARPHRD_ETHER = 1;
export const ARPHRD_IEEE802 = 6;
export const ARPHRD_LOOPBACK = 772;
export const ARPHRD_TUNNEL = 768;
export const ARPHRD_IPGRE = 778;
export const ARPHRD_SIT = 776;
export const ARPHRD_NONE = 0xfffe;
export const ARPHRD_VOID = 0xffff;

export const ETH_ALEN = 6;
export const ETH_HLEN = 14;
export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_ALL = 0x0003;
/** what eth_type_trans() gives an 802.3 frame: raw (IPX), with an LLC header (STP BPDUs) */
export const ETH_P_802_3 = 0x0001;
export const ETH_P_802_2 = 0x0004;
/** the smallest ethertype: a value below it is an 802.3 length */
export const ETH_P_802_3_MIN = 0x0600;

export const IFNAMSIZ = 16;
/** an alternative name's size, its NUL included */
export const ALTIFNAMSIZ = 128;

/** packet types (include/uapi/linux/if_packet.h) */
export const PACKET_HOST = 0;
export const PACKET_BROADCAST = 1;
export const PACKET_MULTICAST = 2;
export const PACKET_OTHERHOST = 3;
export const PACKET_OUTGOING = 4;
export const PACKET_LOOPBACK = 5;
