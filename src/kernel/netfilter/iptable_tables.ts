/**
 * net/ipv4/netfilter/iptable_{raw,mangle,nat,filter,security}.c: the built-in tables, their
 * hooks and priorities. Registered as templates; each namespace instantiates a table the
 * first time iptables asks for it.
 */
import type { SkBuff } from "../core/skbuff.ts";
import {
  NF_INET_FORWARD, NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING, NF_INET_PRE_ROUTING,
  NF_IP_PRI_FILTER, NF_IP_PRI_MANGLE, NF_IP_PRI_NAT_DST, NF_IP_PRI_NAT_SRC, NF_IP_PRI_RAW,
  NF_IP_PRI_SECURITY, NF_ACCEPT, type NfHookState,
} from "./core.ts";
import { iptDoTable, iptRegisterTemplate, type XtTable } from "./ip_tables.ts";
import { natTableHook } from "./nf_nat.ts";
import { nfCtNetnsGet } from "./nf_conntrack.ts";

const PRE = 1 << NF_INET_PRE_ROUTING;
const IN = 1 << NF_INET_LOCAL_IN;
const FWD = 1 << NF_INET_FORWARD;
const OUT = 1 << NF_INET_LOCAL_OUT;
const POST = 1 << NF_INET_POST_ROUTING;

/** net/ipv4/netfilter/iptable_mangle.c: ipt_mangle_out() re-routes when mark/addresses change;
 * the re-route is ip_route_me_harder(), left to the output path here */
function iptableMangleHook(table: XtTable, skb: SkBuff, state: NfHookState): number {
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
    onInit: nfCtNetnsGet,
  });
  iptRegisterTemplate({ name: "filter", validHooks: IN | FWD | OUT, priority: NF_IP_PRI_FILTER });
  iptRegisterTemplate({ name: "security", validHooks: IN | FWD | OUT, priority: NF_IP_PRI_SECURITY });
  void NF_ACCEPT;
}
