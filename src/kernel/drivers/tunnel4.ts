/**
 * net/ipv4/tunnel4.c: the IPPROTO_IPIP (4-in-4) and IPPROTO_IPV6 (6-in-4) receive handlers
 * shared by ipip and sit (xfrm4_tunnel_register): each registered handler is offered the
 * packet by priority; if none takes it, ICMP port unreachable and drop.
 *
 * inet_protos[] is one table for the whole process here, while each machine is its own kernel:
 * on a machine without tunnel4 loaded the handler behaves as if the protocol had none
 * (ip_protocol_deliver_rcu()'s ICMP protocol unreachable).
 */
import type { SkBuff } from "../core/skbuff.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { inetAddProtocol, ipStats } from "../ipv4/ip_input.ts";
import { icmpSend } from "../ipv4/icmp.ts";
import { ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, ICMP_PROT_UNREACH } from "../../wire/icmp.ts";
import { IPPROTO_IPIP, IPPROTO_IPV6 } from "../uapi/if_tunnel.ts";
import { moduleLoaded, registerKernelModule } from "./kmod.ts";

/** struct xfrm_tunnel: handler returns 0 when it took the packet, -1 to pass it on */
export interface Xfrm4Tunnel {
  handler(skb: SkBuff): number;
  priority: number;
  /** the module that registered it (the handler is live only where it is loaded) */
  module: string;
}

const tunnel4Handlers: Xfrm4Tunnel[] = [];
const tunnel64Handlers: Xfrm4Tunnel[] = [];

/** net/ipv4/tunnel4.c: xfrm4_tunnel_register() */
export function xfrm4TunnelRegister(h: Xfrm4Tunnel, family: "AF_INET" | "AF_INET6"): void {
  const list = family === "AF_INET" ? tunnel4Handlers : tunnel64Handlers;
  if (list.includes(h)) return;
  list.push(h);
  list.sort((a, b) => a.priority - b.priority);
}

/** ip_protocol_deliver_rcu() for a protocol with no handler on this machine */
export function inetProtoAbsent(skb: SkBuff): void {
  const st = ipStats(skb.dev!.net);
  st.InDelivers--;
  st.InUnknownProtos++;
  icmpSend(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
  kfreeSkbReason(skb, "SKB_DROP_REASON_IP_NOPROTO", "ip_protocol_deliver_rcu");
}

function tunnelRcv(list: Xfrm4Tunnel[], skb: SkBuff): void {
  const host = skb.dev!.net.host;
  if (!moduleLoaded(host, "tunnel4")) {
    inetProtoAbsent(skb);
    return;
  }
  for (const h of list) {
    if (!moduleLoaded(host, h.module)) continue;
    if (h.handler(skb) === 0) return;
  }
  icmpSend(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
  kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "tunnel4_rcv");
}

let done = false;

/** net/ipv4/tunnel4.c: tunnel4_init() */
export function tunnel4Init(): void {
  if (done) return;
  done = true;
  registerKernelModule({ name: "tunnel4", size: 12288, deps: [] });
  inetAddProtocol(IPPROTO_IPIP, (skb) => tunnelRcv(tunnel4Handlers, skb));
  inetAddProtocol(IPPROTO_IPV6, (skb) => tunnelRcv(tunnel64Handlers, skb));
}
