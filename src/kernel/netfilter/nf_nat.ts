/**
 * net/netfilter/nf_nat_core.c + nf_nat_proto.c (the part used by the iptables nat table):
 * the nat table is consulted only for the first packet of a connection, once per
 * manipulation type (source in POSTROUTING/INPUT, destination in PREROUTING/OUTPUT).
 * Without a conntrack entry (conntrack not loaded, NOTRACK) the nat table is not consulted.
 */
import type { SkBuff } from "../core/skbuff.ts";
import { NF_ACCEPT, NF_DROP, NF_INET_LOCAL_OUT, NF_INET_PRE_ROUTING, nfDropErr, type NfHookState } from "./core.ts";
import { nfIpv4Ops } from "./nf_glue.ts";
import { ipHdrOff, iptDoTable, type XtTable } from "./ip_tables.ts";

/** enum nf_nat_manip_type */
export const NF_NAT_MANIP_SRC = 0;
export const NF_NAT_MANIP_DST = 1;

/** HOOK2MANIP() */
export function hook2manip(hook: number): number {
  return hook === NF_INET_PRE_ROUTING || hook === NF_INET_LOCAL_OUT ? NF_NAT_MANIP_DST : NF_NAT_MANIP_SRC;
}

/** what the NAT core needs of a conntrack entry (nf_conntrack.ts implements it) */
export interface NatConn {
  /** nf_nat_initialized(ct, manip) */
  natInitialized(manip: number): boolean;
  /** nf_nat_alloc_null_binding(): mark the manip done with no change */
  natNullBinding(manip: number, hook: number): void;
  /** apply the conntrack's NAT to this packet (nf_nat_packet) */
  natPacket(skb: SkBuff, hook: number): number;
  /** the packet is the first of its connection (ctinfo IP_CT_NEW) */
  isNew(skb: SkBuff): boolean;
  /** nf_nat_icmp_reply_translation() for an ICMP error RELATED to the connection */
  natIcmpReplyTranslation(skb: SkBuff, hook: number): boolean;
}

/** enum ip_conntrack_info: IP_CT_RELATED, IP_CT_RELATED_REPLY */
const IP_CT_RELATED = 1;
const IP_CT_RELATED_REPLY = 4;

/**
 * net/netfilter/nf_nat_proto.c: nf_nat_ipv4_local_fn() (and nf_nat_ipv4_fn() for the other
 * hooks): in OUTPUT, a packet whose destination NAT changed is routed again
 * (ip_route_me_harder), so DNAT of local traffic leaves through the right device.
 */
export function natTableHook(table: XtTable, skb: SkBuff, state: NfHookState): number {
  if (state.hook !== NF_INET_LOCAL_OUT) return nfNatInetFn(table, skb, state);
  const daddr = rd32(skb.buf, ipHdrOff(skb) + 16);
  const ret = nfNatInetFn(table, skb, state);
  if (ret !== NF_ACCEPT) return ret;
  if (rd32(skb.buf, ipHdrOff(skb) + 16) !== daddr) {
    const err = nfIpv4Ops.ipRouteMeHarder(state.net, skb);
    if (err < 0) return nfDropErr(err);
  }
  return ret;
}

function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** net/netfilter/nf_nat_core.c: nf_nat_inet_fn() with iptable_nat_do_chain() as the lookup */
function nfNatInetFn(table: XtTable, skb: SkBuff, state: NfHookState): number {
  const ct = skb.nfct as NatConn | undefined;
  if (!ct || typeof ct.natInitialized !== "function") return NF_ACCEPT;
  const manip = hook2manip(state.hook);
  if ((skb.ctinfo === IP_CT_RELATED || skb.ctinfo === IP_CT_RELATED_REPLY) && skb.buf[ipHdrOff(skb) + 9] === 1) {
    // only ICMP errors can be RELATED replies here
    return ct.natIcmpReplyTranslation(skb, state.hook) ? NF_ACCEPT : NF_DROP;
  }
  if (ct.isNew(skb) && !ct.natInitialized(manip)) {
    const ret = iptDoTable(table, skb, state);
    if (ret !== NF_ACCEPT) return ret;
    if (!ct.natInitialized(manip)) ct.natNullBinding(manip, state.hook);
  }
  return ct.natPacket(skb, state.hook);
}
