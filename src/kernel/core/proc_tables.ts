/**
 * The /proc/net tables of socket families and subsystems nothing in this kernel puts an
 * entry in (raw IPv6 sockets, UDP-Lite sockets, AF_UNIX, IPv4/IPv6 multicast routing, IPv6 flow labels
 * and anycast, IPsec): each is its seq_show's header line (or nothing), as a namespace where
 * none exists shows it. xfrm_stat is xfrm_proc.c's counter list, all zero without IPsec.
 */
import { registerProcNet } from "./procfs.ts";

/** seq_setwidth(seq, 127) + seq_pad(seq, '\n'): a header padded to 127 characters */
const pad127 = (s: string): string => `${s.padEnd(127)}\n`;

/** ip6_dgram_sock_seq_show()'s raw6, udplite6, icmp6 (udp6 is ipv6/udp.ts's, tcp6 ipv6/tcp_ipv6.ts's) */
const DGRAM6_HEADER = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";

/** net/xfrm/xfrm_proc.c: xfrm_mib_list */
const XFRM_MIB = [
  "XfrmInError", "XfrmInBufferError", "XfrmInHdrError", "XfrmInNoStates", "XfrmInStateProtoError", "XfrmInStateModeError",
  "XfrmInStateSeqError", "XfrmInStateExpired", "XfrmInStateMismatch", "XfrmInStateInvalid", "XfrmInTmplMismatch", "XfrmInNoPols",
  "XfrmInPolBlock", "XfrmInPolError", "XfrmOutError", "XfrmOutBundleGenError", "XfrmOutBundleCheckError", "XfrmOutNoStates",
  "XfrmOutStateProtoError", "XfrmOutStateModeError", "XfrmOutStateSeqError", "XfrmOutStateExpired", "XfrmOutPolBlock",
  "XfrmOutPolDead", "XfrmOutPolError", "XfrmFwdHdrError", "XfrmOutStateInvalid", "XfrmAcquireError", "XfrmOutStateDirError",
  "XfrmInStateDirError", "XfrmInIptfsError", "XfrmOutNoQueueSpace",
];

let inited = false;

export function procTablesInit(): void {
  if (inited) return;
  inited = true;
  for (const f of ["raw6", "udplite6", "icmp6"]) registerProcNet(f, () => DGRAM6_HEADER);
  // udp4_seq_show() for UDP-Lite
  registerProcNet("udplite", () => pad127("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops"));
  registerProcNet("unix", () => "Num       RefCount Protocol Flags    Type St Inode Path\n");
  registerProcNet("ip6_flowlabel", () => "Label S Owner  Users  Linger Expires  Dst                              Opt\n");
  registerProcNet("ip_mr_vif", () => "Interface      BytesIn  PktsIn  BytesOut PktsOut Flags Local    Remote\n");
  registerProcNet("ip_mr_cache", () => "Group    Origin   Iif     Pkts    Bytes    Wrong Oifs\n");
  registerProcNet("ip6_mr_vif", () => "Interface      BytesIn  PktsIn  BytesOut PktsOut Flags\n");
  registerProcNet("ip6_mr_cache", () => "Group                            Origin                           Iif      Pkts  Bytes     Wrong  Oifs\n");
  registerProcNet("xfrm_stat", () => XFRM_MIB.map((n) => `${n.padEnd(24)}\t0\n`).join(""), "proc_create_net_single");
}
