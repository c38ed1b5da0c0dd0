/**
 * What `iptables -h` prints for the extensions of ext_pkt.ts: the help function of the revision
 * iptables 1.8.9 picks, as printed.
 */

/** libxt_pkttype.c: pkttype_help() and print_types() */
export const PKTTYPE_HELP =
  "pkttype match options:\n" +
  "[!] --pkt-type packettype    match packet type\n" +
  "Valid packet types:\n" +
  "\tunicast       \t\tto us\n" +
  "\tbroadcast     \t\tto all\n" +
  "\tmulticast     \t\tto group\n" +
  "\totherhost     \t\tto someone else\n" +
  "\n";

/** libxt_statistic.c: statistic_help() */
export const STATISTIC_HELP =
  "statistic match options:\n" +
  " --mode mode                    Match mode (random, nth)\n" +
  " random mode:\n" +
  "[!] --probability p\t\t Probability\n" +
  " nth mode:\n" +
  "[!] --every n\t\t\t Match every nth packet\n" +
  " --packet p\t\t\t Initial counter value (0 <= p <= n-1, default 0)\n";

/** libxt_quota.c: quota_help() */
export const QUOTA_HELP =
  "quota match options:\n" +
  "[!] --quota quota\t\tquota (bytes)\n";

/** libxt_dscp.c: dscp_help() */
export const DSCP_MT_HELP =
  "dscp match options\n" +
  "[!] --dscp value\t\tMatch DSCP codepoint with numerical value\n" +
  "  \t\t                This value can be in decimal (ex: 32)\n" +
  "               \t\tor in hex (ex: 0x20)\n" +
  "[!] --dscp-class name\t\tMatch the DiffServ class. This value may\n" +
  "\t\t\t\tbe any of the BE,EF, AFxx or CSx classes\n" +
  "\n" +
  "\t\t\t\tThese two options are mutually exclusive !\n";

/** libxt_tos.c: tos_mt_help() */
export const TOS_MT_HELP =
  "tos match options:\n" +
  "[!] --tos value[/mask]    Match Type of Service/Priority field value\n" +
  "[!] --tos symbol          Match TOS field (IPv4 only) by symbol\n" +
  "                          Accepted symbolic names for value are:\n" +
  "                          (0x10) 16 Minimize-Delay\n" +
  "                          (0x08)  8 Maximize-Throughput\n" +
  "                          (0x04)  4 Maximize-Reliability\n" +
  "                          (0x02)  2 Minimize-Cost\n" +
  "                          (0x00)  0 Normal-Service\n" +
  "\n";

/** libxt_owner.c: owner_mt_help() */
export const OWNER_HELP =
  "owner match options:\n" +
  "[!] --uid-owner userid[-userid]      Match local UID\n" +
  "[!] --gid-owner groupid[-groupid]    Match local GID\n" +
  "[!] --socket-exists                  Match if socket exists\n" +
  "    --suppl-groups                   Also match supplementary groups set with --gid-owner\n";

/** libxt_sctp.c: sctp_help() */
export const SCTP_HELP =
  "sctp match options\n" +
  "[!] --source-port port[:port]                          match source port(s)\n" +
  " --sport ...\n" +
  "[!] --destination-port port[:port]                     match destination port(s)\n" +
  " --dport ...\n" +
  "[!] --chunk-types (all|any|none) (chunktype[:flags])+\tmatch if all, any or none of\n" +
  "\t\t\t\t\t\t        chunktypes are present\n" +
  "chunktypes - DATA INIT INIT_ACK SACK HEARTBEAT HEARTBEAT_ACK ABORT SHUTDOWN SHUTDOWN_ACK ERROR COOKIE_ECHO COOKIE_ACK ECN_ECNE ECN_CWR SHUTDOWN_COMPLETE ASCONF ASCONF_ACK FORWARD_TSN ALL NONE\n";

/** libxt_DSCP.c: DSCP_help() */
export const DSCP_TG_HELP =
  "DSCP target options\n" +
  "  --set-dscp value\t\tSet DSCP field in packet header to value\n" +
  "  \t\t                This value can be in decimal (ex: 32)\n" +
  "               \t\tor in hex (ex: 0x20)\n" +
  "  --set-dscp-class class\tSet the DSCP field in packet header to the\n" +
  "\t\t\t\tvalue represented by the DiffServ class value.\n" +
  "\t\t\t\tThis class may be EF,BE or any of the CSxx\n" +
  "\t\t\t\tor AFxx classes.\n" +
  "\n" +
  "\t\t\t\tThese two options are mutually exclusive !\n";

/** libxt_TOS.c: tos_tg_help() (XTABLES_VERSION is the library's soname) */
export const TOS_TG_HELP =
  "TOS target vlibxtables.so.12 options:\n" +
  "  --set-tos value[/mask]  Set Type of Service/Priority field to value\n" +
  "                          (Zero out bits in mask and XOR value into TOS)\n" +
  "  --set-tos symbol        Set TOS field (IPv4 only) by symbol\n" +
  "                          (this zeroes the 4-bit Precedence part!)\n" +
  "                          Accepted symbolic names for value are:\n" +
  "                            (0x10) 16 Minimize-Delay\n" +
  "                            (0x08)  8 Maximize-Throughput\n" +
  "                            (0x04)  4 Maximize-Reliability\n" +
  "                            (0x02)  2 Minimize-Cost\n" +
  "                            (0x00)  0 Normal-Service\n" +
  "\n" +
  "  --and-tos bits          Binary AND the TOS value with bits\n" +
  "  --or-tos  bits          Binary OR the TOS value with bits\n" +
  "  --xor-tos bits          Binary XOR the TOS value with bits\n";

/** libxt_TCPMSS.c: TCPMSS_help() (the IPv4 header, 20 bytes) */
export const TCPMSS_HELP =
  "TCPMSS target mutually-exclusive options:\n" +
  "  --set-mss value               explicitly set MSS option to specified value\n" +
  "  --clamp-mss-to-pmtu           automatically clamp MSS value to (path_MTU - 20)\n";
