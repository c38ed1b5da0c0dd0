/**
 * What `iptables -h` prints for each loaded extension: the text of the help function of the
 * revision iptables 1.8.9 picks (extensions/libxt_*.c, libipt_*.c), as printed.
 */

/** libxt_tcp.c: tcp_help() */
export const TCP_HELP =
  "tcp match options:\n" +
  "[!] --tcp-flags mask comp\tmatch when TCP flags & mask == comp\n" +
  "\t\t\t\t(Flags: SYN ACK FIN RST URG PSH ALL NONE)\n" +
  "[!] --syn\t\t\tmatch when only SYN flag set\n" +
  "\t\t\t\t(equivalent to --tcp-flags SYN,RST,ACK,FIN SYN)\n" +
  "[!] --source-port port[:port]\n" +
  " --sport ...\n" +
  "\t\t\t\tmatch source port(s)\n" +
  "[!] --destination-port port[:port]\n" +
  " --dport ...\n" +
  "\t\t\t\tmatch destination port(s)\n" +
  "[!] --tcp-option number        match if TCP option set\n";

/** libxt_udp.c: udp_help() */
export const UDP_HELP =
  "udp match options:\n" +
  "[!] --source-port port[:port]\n" +
  " --sport ...\n" +
  "\t\t\t\tmatch source port(s)\n" +
  "[!] --destination-port port[:port]\n" +
  " --dport ...\n" +
  "\t\t\t\tmatch destination port(s)\n";

/** libxt_comment.c: comment_help() */
export const COMMENT_HELP =
  "comment match options:\n" +
  "--comment COMMENT             Attach a comment to a rule\n";

/** libxt_conntrack.c: state_help() (every state revision) */
export const STATE_HELP =
  "state match options:\n" +
  " [!] --state [INVALID|ESTABLISHED|NEW|RELATED|UNTRACKED][,...]\n" +
  "\t\t\t\tState(s) to match\n";

/** libxt_conntrack.c: conntrack_mt_help() (every revision) */
export const CONNTRACK_HELP =
  "conntrack match options:\n" +
  "[!] --ctstate {INVALID|ESTABLISHED|NEW|RELATED|UNTRACKED|SNAT|DNAT}[,...]\n" +
  "                               State(s) to match\n" +
  "[!] --ctproto proto            Protocol to match; by number or name, e.g. \"tcp\"\n" +
  "[!] --ctorigsrc address[/mask]\n" +
  "[!] --ctorigdst address[/mask]\n" +
  "[!] --ctreplsrc address[/mask]\n" +
  "[!] --ctrepldst address[/mask]\n" +
  "                               Original/Reply source/destination address\n" +
  "[!] --ctorigsrcport port\n" +
  "[!] --ctorigdstport port\n" +
  "[!] --ctreplsrcport port\n" +
  "[!] --ctrepldstport port\n" +
  "                               TCP/UDP/SCTP orig./reply source/destination port\n" +
  "[!] --ctstatus {NONE|EXPECTED|SEEN_REPLY|ASSURED|CONFIRMED}[,...]\n" +
  "                               Status(es) to match\n" +
  "[!] --ctexpire time[:time]     Match remaining lifetime in seconds against\n" +
  "                               value or range of values (inclusive)\n" +
  "    --ctdir {ORIGINAL|REPLY}   Flow direction of packet\n";

/** libxt_multiport.c: multiport_help_v1() */
export const MULTIPORT_HELP_V1 =
  "multiport match options:\n" +
  "[!] --source-ports port[,port:port,port...]\n" +
  " --sports ...\n" +
  "\t\t\t\tmatch source port(s)\n" +
  "[!] --destination-ports port[,port:port,port...]\n" +
  " --dports ...\n" +
  "\t\t\t\tmatch destination port(s)\n" +
  "[!] --ports port[,port:port,port]\n" +
  "\t\t\t\tmatch both source and destination port(s)\n";

/** libxt_iprange.c: iprange_mt_help() */
export const IPRANGE_HELP =
  "iprange match options:\n" +
  "[!] --src-range ip[-ip]    Match source IP in the specified range\n" +
  "[!] --dst-range ip[-ip]    Match destination IP in the specified range\n";

/** libxt_mac.c: mac_help() */
export const MAC_HELP =
  "mac match options:\n" +
  "[!] --mac-source XX:XX:XX:XX:XX:XX\n" +
  "\t\t\t\tMatch source MAC address\n";

/** libxt_mark.c: mark_mt_help() (revisions 0 and 1) */
export const MARK_MT_HELP =
  "mark match options:\n" +
  "[!] --mark value[/mask]    Match nfmark value with optional mask\n";

/** libxt_physdev.c: physdev_help() */
export const PHYSDEV_HELP =
  "physdev match options:\n" +
  " [!] --physdev-in inputname[+]\t\tbridge port name ([+] for wildcard)\n" +
  " [!] --physdev-out outputname[+]\tbridge port name ([+] for wildcard)\n" +
  " [!] --physdev-is-in\t\t\tarrived on a bridge device\n" +
  " [!] --physdev-is-out\t\t\twill leave on a bridge device\n" +
  " [!] --physdev-is-bridged\t\tit's a bridged packet\n";

/** libxt_length.c: length_help() */
export const LENGTH_HELP =
  "length match options:\n" +
  "[!] --length length[:length]    Match packet length against value or range\n" +
  "                                of values (inclusive)\n";

/** libipt_ttl.c: ttl_help() */
export const TTL_MT_HELP =
  "ttl match options:\n" +
  "[!] --ttl-eq value\tMatch time to live value\n" +
  "  --ttl-lt value\tMatch TTL < value\n" +
  "  --ttl-gt value\tMatch TTL > value\n";

/** libxt_LOG.c: LOG_help() */
export const LOG_HELP =
  "LOG target options:\n" +
  " --log-level level\t\tLevel of logging (numeric or see syslog.conf)\n" +
  " --log-prefix prefix\t\tPrefix log messages with this prefix.\n" +
  " --log-tcp-sequence\t\tLog TCP sequence numbers.\n" +
  " --log-tcp-options\t\tLog TCP options.\n" +
  " --log-ip-options\t\tLog IP options.\n" +
  " --log-uid\t\t\tLog UID owning the local socket.\n" +
  " --log-macdecode\t\tDecode MAC addresses and protocol.\n";

/** libxt_MARK.c: mark_tg_help() (revision 2) */
export const MARK_TG_HELP =
  "MARK target options:\n" +
  "  --set-xmark value[/mask]  Clear bits in mask and XOR value into nfmark\n" +
  "  --set-mark value[/mask]   Clear bits in mask and OR value into nfmark\n" +
  "  --and-mark bits           Binary AND the nfmark with bits\n" +
  "  --or-mark bits            Binary OR the nfmark with bits\n" +
  "  --xor-mark bits           Binary XOR the nfmark with bits\n";

/** libipt_TTL.c: TTL_help() */
export const TTL_TG_HELP =
  "TTL target options\n" +
  "  --ttl-set value\t\tSet TTL to <value 0-255>\n" +
  "  --ttl-dec value\t\tDecrement TTL by <value 1-255>\n" +
  "  --ttl-inc value\t\tIncrement TTL by <value 1-255>\n";

/** libxt_CT.c: ct_help_v1() (revisions 1 and 2) */
export const CT_HELP_V1 =
  "CT target options:\n" +
  " --notrack\t\t\tDon't track connection\n" +
  " --helper name\t\t\tUse conntrack helper 'name' for connection\n" +
  " --timeout name \t\tUse timeout policy 'name' for connection\n" +
  " --ctevents event[,event...]\tGenerate specified conntrack events for connection\n" +
  " --expevents event[,event...]\tGenerate specified expectation events for connection\n" +
  " --zone {ID|mark}\t\tAssign/Lookup connection in zone ID/packet nfmark\n" +
  " --zone-orig {ID|mark}\t\tSame as 'zone' option, but only applies to ORIGINAL direction\n" +
  " --zone-reply {ID|mark} \tSame as 'zone' option, but only applies to REPLY direction\n";

/** libxt_NAT.c: SNAT_help() (every SNAT revision) */
export const SNAT_HELP =
  "SNAT target options:\n" +
  " --to-source [<ipaddr>[-<ipaddr>]][:port[-port]]\n" +
  "\t\t\t\tAddress to map source to.\n" +
  "[--random] [--random-fully] [--persistent]\n";

/** libxt_NAT.c: DNAT_help_v2() */
export const DNAT_HELP_V2 =
  "DNAT target options:\n" +
  " --to-destination [<ipaddr>[-<ipaddr>]][:port[-port[/port]]]\n" +
  "\t\t\t\tAddress to map destination to.\n" +
  "[--random] [--persistent]\n";

/** libxt_NAT.c: MASQUERADE_help() */
export const MASQUERADE_HELP =
  "MASQUERADE target options:\n" +
  " --to-ports <port>[-<port>]\n" +
  "\t\t\t\tPort (range) to map to.\n" +
  " --random\n" +
  "\t\t\t\tRandomize source port.\n" +
  " --random-fully\n" +
  "\t\t\t\tFully randomize source port.\n";

/** libxt_NAT.c: REDIRECT_help() */
export const REDIRECT_HELP =
  "REDIRECT target options:\n" +
  " --to-ports <port>[-<port>]\n" +
  "\t\t\t\tPort (range) to map to.\n" +
  " [--random]\n";

/** libxt_standard.c: standard_help(): the target of -j ACCEPT, DROP, QUEUE, RETURN */
export const STANDARD_HELP =
  "standard match options:\n" +
  "(If target is DROP, ACCEPT, RETURN or nothing)\n";

/** libxt_CONNMARK.c: connmark_tg_help_v2() (connmark_tg_help() and the two shifts): iptables picks
 * revision 2 where the kernel has it (Linux 5.7 on), as it has on Debian 12 */
export const CONNMARK_HELP_V2 =
  "CONNMARK target options:\n" +
  "  --set-xmark value[/ctmask]    Zero mask bits and XOR ctmark with value\n" +
  "  --save-mark [--ctmask mask] [--nfmask mask]\n" +
  "                                Copy ctmark to nfmark using masks\n" +
  "  --restore-mark [--ctmask mask] [--nfmask mask]\n" +
  "                                Copy nfmark to ctmark using masks\n" +
  "  --set-mark value[/mask]       Set conntrack mark value\n" +
  "  --save-mark [--mask mask]     Save the packet nfmark in the connection\n" +
  "  --restore-mark [--mask mask]  Restore saved nfmark value\n" +
  "  --and-mark value              Binary AND the ctmark with bits\n" +
  "  --or-mark value               Binary OR  the ctmark with bits\n" +
  "  --xor-mark value              Binary XOR the ctmark with bits\n" +
  "  --left-shift-mark value       Left shift the ctmark with bits\n" +
  "  --right-shift-mark value      Right shift the ctmark with bits\n";

/** libxt_limit.c: limit_help() (XT_LIMIT_AVG "3/hour", XT_LIMIT_BURST 5) */
export const LIMIT_HELP =
  "limit match options:\n" +
  "--limit avg\t\t\tmax average match rate: default 3/hour\n" +
  "                                [Packets per second unless followed by \n" +
  "                                /sec /minute /hour /day postfixes]\n" +
  "--limit-burst number\t\tnumber to match in a burst, default 5\n";

/** libipt_icmp.c: icmp_help(), its type list as xt_print_icmp_types() lays it out: a type's
 * first name flush left, its codes indented, an alias (same type and codes) in parentheses */
export function icmpHelp(
  codes: readonly (readonly [string, number, number, number])[],
  head = "icmp match options:\n[!] --icmp-type typename\tmatch icmp type\n[!] --icmp-type type[/code]\t(or numeric type or type/code)\nValid ICMP Types:",
): string {
  let s = head;
  codes.forEach(([name, type, min, max], i) => {
    const prev = codes[i - 1];
    if (prev && prev[1] === type) s += prev[2] === min && prev[3] === max ? ` (${name})` : `\n   ${name}`;
    else s += `\n${name}`;
  });
  return s + "\n";
}

/** libipt_REJECT.c: REJECT_help() with print_reject_types(): [name, alias, description] */
export function rejectHelp(
  types: readonly (readonly [string, string, string])[],
  tail = "\n(*) See man page or read the INCOMPATIBILITES file for compatibility issues.\n",
): string {
  let s =
    "REJECT target options:\n--reject-with type              drop input packet and send back\n" +
    "                                a reply packet according to type:\nValid reject types:\n";
  for (const [name, alias, desc] of types) s += `    ${name.padEnd(25)}\t${desc}\n    ${alias.padEnd(25)}\talias\n`;
  return s + tail;
}

/** libip6t_icmp6.c: icmp6_help() */
export const ICMP6_HELP_HEAD =
  "icmpv6 match options:\n[!] --icmpv6-type typename\tmatch icmpv6 type\n\t\t\t\t(or numeric type or type/code)\nValid ICMPv6 Types:";

/** libxt_addrtype.c: addrtype_help_v1() with addrtype_help_types() */
export function addrtypeHelp(types: readonly string[]): string {
  return (
    "Address type match options:\n" +
    " [!] --src-type type[,...]      Match source address type\n" +
    " [!] --dst-type type[,...]      Match destination address type\n" +
    "     --limit-iface-in           Match only on the packet's incoming device\n" +
    "     --limit-iface-out          Match only on the packet's outgoing device\n" +
    "\n" +
    "Valid types:           \n" +
    types.map((t) => `                                ${t}\n`).join("")
  );
}

/**
 * Protocol matches this iptables has no rules for, only their help: `-p PROTO -h` with no
 * match given loads the match named as the protocol was written (lower-cased) and prints its
 * help (libxt_dccp.c dccp_help(); sctp, esp and ah are extensions of their own).
 */
export const PROTO_ONLY_HELP: Record<string, string> = {
  dccp:
    "dccp match options\n" +
    "[!] --source-port port[:port]                          match source port(s)\n" +
    " --sport ...\n" +
    "[!] --destination-port port[:port]                     match destination port(s)\n" +
    " --dport ...\n" +
    "[!] --dccp-types type[,...]                            match when packet is one of the given types\n" +
    "[!] --dccp-option option                               match if option (by number!) is set\n",
};

/** xshared.c: print_extension_helps() for an extension without a help function */
export function noOptionsHelp(name: string): string {
  return `${name} does not take any options\n`;
}

/** libxt_NFLOG.c: NFLOG_help() */
export const NFLOG_HELP =
  "NFLOG target options:\n --nflog-group NUM\t\tNETLINK group used for logging\n" +
  " --nflog-range NUM\t\tThis option has no effect, use --nflog-size\n --nflog-size NUM\t\tNumber of bytes to copy\n" +
  " --nflog-threshold NUM\t\tMessage threshold of in-kernel queue\n --nflog-prefix STRING\t\tPrefix string for log messages\n";

/** libxt_NFQUEUE.c: NFQUEUE_help_v3() */
export const NFQUEUE_HELP =
  "NFQUEUE target options\n  --queue-num value            Send packet to QUEUE number <value>.\n" +
  "                               Valid queue numbers are 0-65535\n" +
  "  --queue-balance first:last   Balance flows between queues <value> to <value>.\n" +
  "  --queue-bypass               Bypass Queueing if no queue instance exists.\n" +
  "  --queue-cpu-fanout\tUse current CPU (no hashing)\n";
