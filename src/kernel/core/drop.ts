/**
 * net/core/skbuff.c: kfree_skb_reason() + include/net/dropreason-core.h. Every drop in the
 * emulated kernel goes through kfreeSkbReason() with a SKB_DROP_REASON_* name, shown to the
 * trace hooks (the packet-path trace, `dropwatch`-like tools).
 */
import type { SkBuff } from "./skbuff.ts";
import type { Net } from "./net_namespace.ts";
import { nfSetDropHandler } from "../netfilter/core.ts";

/** enum skb_drop_reason, by name (the subset the emulated paths produce) */
export type SkbDropReason =
  | "SKB_DROP_REASON_NOT_SPECIFIED"
  | "SKB_DROP_REASON_NO_SOCKET"
  | "SKB_DROP_REASON_PKT_TOO_SMALL"
  | "SKB_DROP_REASON_UDP_CSUM"
  | "SKB_DROP_REASON_NETFILTER_DROP"
  | "SKB_DROP_REASON_OTHERHOST"
  | "SKB_DROP_REASON_IP_CSUM"
  | "SKB_DROP_REASON_IP_INHDR"
  | "SKB_DROP_REASON_IP_RPFILTER"
  | "SKB_DROP_REASON_UNICAST_IN_L2_MULTICAST"
  | "SKB_DROP_REASON_SOCKET_RCVBUFF"
  | "SKB_DROP_REASON_PROTO_MEM"
  | "SKB_DROP_REASON_NEIGH_CREATEFAIL"
  | "SKB_DROP_REASON_NEIGH_FAILED"
  | "SKB_DROP_REASON_NEIGH_QUEUEFULL"
  | "SKB_DROP_REASON_NEIGH_DEAD"
  | "SKB_DROP_REASON_XFRM_POLICY"
  | "SKB_DROP_REASON_IP_NOPROTO"
  | "SKB_DROP_REASON_SKB_UCOPY_FAULT"
  | "SKB_DROP_REASON_DEV_READY"
  | "SKB_DROP_REASON_DEV_HDR"
  | "SKB_DROP_REASON_FULL_RING"
  | "SKB_DROP_REASON_CPU_BACKLOG"
  | "SKB_DROP_REASON_UNHANDLED_PROTO"
  | "SKB_DROP_REASON_IP_OUTNOROUTES"
  | "SKB_DROP_REASON_IP_INADDRERRORS"
  | "SKB_DROP_REASON_IP_INNOROUTES"
  | "SKB_DROP_REASON_IP_LOCAL_SOURCE"
  | "SKB_DROP_REASON_IP_INVALID_SOURCE"
  | "SKB_DROP_REASON_IP_LOCALNET"
  | "SKB_DROP_REASON_IP_INVALID_DEST"
  | "SKB_DROP_REASON_PKT_TOO_BIG"
  | "SKB_DROP_REASON_ICMP_CSUM"
  | "SKB_DROP_REASON_INVALID_PROTO"
  | "SKB_DROP_REASON_IP_TUNNEL_ECN"
  | "SKB_DROP_REASON_TC_EGRESS"
  | "SKB_DROP_REASON_IPV6DISABLED"
  | "SKB_DROP_REASON_IP_NOPROTO"
  | "SKB_DROP_REASON_BRIDGE"
  | "SKB_DROP_REASON_VXLAN_INVALID_HDR"
  | "SKB_DROP_REASON_TTL_EXPIRED"
  | "SKB_DROP_REASON_DUP_FRAG"
  | "SKB_DROP_REASON_FRAG_REASM_TIMEOUT"
  | "SKB_DROP_REASON_ARP_PVLAN_DISABLE"
  | "SKB_DROP_REASON_MAC_IEEE_MAC_CONTROL"
  | "SKB_DROP_REASON_BRIDGE_INGRESS_STP_STATE"
  | "SKB_DROP_REASON_ROUTE_BLACKHOLE"
  | "SKB_DROP_REASON_NOMEM";

/** where a drop happened, for the trace */
export interface DropEvent {
  skb: SkBuff;
  reason: string;
  net: Net | undefined;
  /** the kernel function that dropped it, when the caller said */
  where: string | undefined;
}

export type DropTracer = (ev: DropEvent) => void;
const tracers: DropTracer[] = [];
/** reused event object: tracers must copy what they keep */
const ev: DropEvent = { skb: undefined as unknown as SkBuff, reason: "", net: undefined, where: undefined };

/** register a trace hook (the kfree_skb tracepoint) */
export function registerDropTracer(fn: DropTracer): () => void {
  tracers.push(fn);
  return () => {
    const i = tracers.indexOf(fn);
    if (i >= 0) tracers.splice(i, 1);
  };
}

/** is the kfree_skb tracepoint watched? (a drop nobody watches can be counted without an skb) */
export function dropTraced(): boolean {
  return tracers.length !== 0;
}

/** net/core/skbuff.c: kfree_skb_reason() */
export function kfreeSkbReason(skb: SkBuff, reason: SkbDropReason | string, where?: string): void {
  skb.dropReason = reason;
  if (tracers.length) {
    ev.skb = skb;
    ev.reason = reason;
    ev.net = skb.dev?.net;
    ev.where = where;
    for (const t of tracers) t(ev);
    ev.skb = undefined as unknown as SkBuff;
  }
}

/** include/linux/skbuff.h: kfree_skb() */
export function kfreeSkb(skb: SkBuff): void {
  kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
}

/** net/core/skbuff.c: consume_skb(): a normal end of life, not a drop */
export function consumeSkb(_skb: SkBuff): void {
  /* nothing: the garbage collector frees it */
}

nfSetDropHandler((skb, reason) => kfreeSkbReason(skb, reason, "nf_hook_slow"));
