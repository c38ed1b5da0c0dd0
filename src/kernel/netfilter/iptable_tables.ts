/**
 * net/ipv4/netfilter/iptable_{raw,mangle,nat,filter,security}.c: the built-in tables, their
 * hooks and priorities. Registered as templates; each namespace instantiates a table the
 * first time iptables asks for it.
 */
import type { SkBuff } from "../core/skbuff.ts";
import {
  NF_INET_LOCAL_OUT, NF_INET_PRE_ROUTING, NF_IP_PRI_FILTER, NF_IP_PRI_MANGLE, NF_IP_PRI_NAT_DST, NF_IP_PRI_NAT_SRC,
  NF_IP_PRI_RAW, NF_IP_PRI_SECURITY, NF_ACCEPT, NF_DROP, NF_STOLEN, nfDropErr, type NfHookState,
  HOOK_PRE as PRE, HOOK_IN as IN, HOOK_FWD as FWD, HOOK_OUT as OUT, HOOK_POST as POST,
} from "./core.ts";
import { ipHdrOff, iptDoTable, iptRegisterTemplate, type XtTable } from "./ip_tables.ts";
import { nfIpv4Ops } from "./nf_glue.ts";
import { natTableHook } from "./nf_nat.ts";


/** net/ipv4/netfilter/iptable_mangle.c: ipt_mangle_out(): a local packet whose mark,
 * addresses or TOS the table changed is routed again (ip_route_me_harder) */
function iptMangleOut(table: XtTable, skb: SkBuff, state: NfHookState): number {
  const b = skb.buf;
  const nh = ipHdrOff(skb);
  const mark = skb.mark;
  const tos = b[nh + 1]!;
  const saddr = rd32(b, nh + 12);
  const daddr = rd32(b, nh + 16);
  const ret = iptDoTable(table, skb, state);
  // Reroute for ANY change
  if (ret !== NF_DROP && ret !== NF_STOLEN) {
    const nh2 = ipHdrOff(skb);
    if (rd32(skb.buf, nh2 + 12) !== saddr || rd32(skb.buf, nh2 + 16) !== daddr || skb.mark !== mark || skb.buf[nh2 + 1] !== tos) {
      const err = nfIpv4Ops.ipRouteMeHarder(state.net, skb);
      if (err < 0) return nfDropErr(err);
    }
  }
  return ret;
}

function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** net/ipv4/netfilter/iptable_mangle.c: iptable_mangle_hook() */
function iptableMangleHook(table: XtTable, skb: SkBuff, state: NfHookState): number {
  if (state.hook === NF_INET_LOCAL_OUT) return iptMangleOut(table, skb, state);
  return iptDoTable(table, skb, state);
}

let done = false;

/** module init of the five tables */
export function iptableInit(): void {
  if (done) return;
  done = true;
  iptRegisterTemplate({ name: "raw", validHooks: PRE | OUT, priority: NF_IP_PRI_RAW });
  iptRegisterTemplate({ name: "mangle", validHooks: PRE | IN | FWD | OUT | POST, priority: NF_IP_PRI_MANGLE, hook: iptableMangleHook });
  iptRegisterTemplate({
    name: "nat",
    validHooks: PRE | IN | OUT | POST,
    priority: NF_IP_PRI_NAT_DST,
    // net/ipv4/netfilter/iptable_nat.c: nf_nat_ipv4_ops
    hookPriority: (h) => (h === NF_INET_PRE_ROUTING || h === NF_INET_LOCAL_OUT ? NF_IP_PRI_NAT_DST : NF_IP_PRI_NAT_SRC),
    hook: natTableHook,
    // (no conntrack of its own: with iptables-nft a NAT rule's target takes it, and an empty
    // nat table tracks nothing — measured, netfilter/conntrack-users)
  });
  iptRegisterTemplate({ name: "filter", validHooks: IN | FWD | OUT, priority: NF_IP_PRI_FILTER });
  iptRegisterTemplate({ name: "security", validHooks: IN | FWD | OUT, priority: NF_IP_PRI_SECURITY });
  void NF_ACCEPT;
}
