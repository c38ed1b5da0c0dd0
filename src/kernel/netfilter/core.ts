/**
 * net/netfilter/core.c + include/linux/netfilter.h: the hook lists and NF_HOOK().
 *
 * Each network namespace has, per (protocol family, hook), one priority-sorted array of
 * hook ops (net->nf.hooks_ipv4[hook] in Linux). iptables tables, conntrack, NAT and
 * br_netfilter are registrations on it, nothing else. With no ops registered nfHook() is one
 * map lookup and a call of okfn: zero cost for namespaces that never load netfilter.
 */
import type { Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";

/** include/uapi/linux/netfilter.h: enum nfproto */
export const NFPROTO_UNSPEC = 0;
export const NFPROTO_INET = 1;
export const NFPROTO_IPV4 = 2;
export const NFPROTO_ARP = 3;
export const NFPROTO_NETDEV = 5;
export const NFPROTO_BRIDGE = 7;
export const NFPROTO_IPV6 = 10;
export const NFPROTO_NUMPROTO = 11;

/** enum nf_inet_hooks */
export const NF_INET_PRE_ROUTING = 0;
export const NF_INET_LOCAL_IN = 1;
export const NF_INET_FORWARD = 2;
export const NF_INET_LOCAL_OUT = 3;
export const NF_INET_POST_ROUTING = 4;
/** 1 << NF_INET_*: the hooks' bits of a table's or an extension's valid_hooks */
export const HOOK_PRE = 1 << NF_INET_PRE_ROUTING;
export const HOOK_IN = 1 << NF_INET_LOCAL_IN;
export const HOOK_FWD = 1 << NF_INET_FORWARD;
export const HOOK_OUT = 1 << NF_INET_LOCAL_OUT;
export const HOOK_POST = 1 << NF_INET_POST_ROUTING;
export const NF_INET_NUMHOOKS = 5;
/** bridge hooks (NF_BR_*) share the numbers */
export const NF_BR_PRE_ROUTING = 0;
export const NF_BR_LOCAL_IN = 1;
export const NF_BR_FORWARD = 2;
export const NF_BR_LOCAL_OUT = 3;
export const NF_BR_POST_ROUTING = 4;
export const NF_BR_BROUTING = 5;
const NF_MAX_HOOKS = 8;

/** verdicts */
export const NF_DROP = 0;
export const NF_ACCEPT = 1;
export const NF_STOLEN = 2;
export const NF_QUEUE = 3;
export const NF_REPEAT = 4;
export const NF_STOP = 5; /* deprecated, kept for the uapi value */
export const NF_MAX_VERDICT = NF_STOP;
export const NF_VERDICT_MASK = 0x000000ff;
export const NF_VERDICT_BITS = 16;

/** NF_DROP_ERR(): a drop carrying an errno for the local sender (REJECT on OUTPUT) */
export function nfDropErr(errno: number): number {
  return (-errno << NF_VERDICT_BITS) >>> 0 | NF_DROP;
}

/** enum nf_ip_hook_priorities (include/uapi/linux/netfilter_ipv4.h) */
export const NF_IP_PRI_FIRST = -2147483648;
export const NF_IP_PRI_RAW_BEFORE_DEFRAG = -450;
export const NF_IP_PRI_CONNTRACK_DEFRAG = -400;
export const NF_IP_PRI_RAW = -300;
export const NF_IP_PRI_SELINUX_FIRST = -225;
export const NF_IP_PRI_CONNTRACK = -200;
export const NF_IP_PRI_MANGLE = -150;
export const NF_IP_PRI_NAT_DST = -100;
export const NF_IP_PRI_FILTER = 0;
export const NF_IP_PRI_SECURITY = 50;
export const NF_IP_PRI_NAT_SRC = 100;
export const NF_IP_PRI_SELINUX_LAST = 225;
export const NF_IP_PRI_CONNTRACK_HELPER = 300;
export const NF_IP_PRI_CONNTRACK_CONFIRM = 2147483647;
export const NF_IP_PRI_LAST = 2147483647;

/** enum nf_br_hook_priorities */
export const NF_BR_PRI_FIRST = -2147483648;
export const NF_BR_PRI_NAT_DST_BRIDGED = -300;
export const NF_BR_PRI_FILTER_BRIDGED = -200;
export const NF_BR_PRI_BRNF = 0;
export const NF_BR_PRI_NAT_DST_OTHER = 100;
export const NF_BR_PRI_FILTER_OTHER = 200;
export const NF_BR_PRI_NAT_SRC = 300;
export const NF_BR_PRI_LAST = 2147483647;

export type NfOkfn = (skb: SkBuff) => void;

/** struct nf_hook_state */
export interface NfHookState {
  hook: number;
  pf: number;
  in: NetDevice | undefined;
  out: NetDevice | undefined;
  net: Net;
  okfn: NfOkfn;
}

export const NF_VERDICT_FLAG_QUEUE_BYPASS = 0x8000;

/** nf_queue() behind an NF_QUEUE verdict (nfnetlink_queue registers it): 1 go on, 0 the skb
 * was taken, -1 no queue bound */
let nfQueueFn: ((skb: SkBuff, state: NfHookState, verdict: number) => number) | undefined;
export function setNfQueueHandler(fn: typeof nfQueueFn): void {
  nfQueueFn = fn;
}

/** nf_hookfn: returns a verdict (NF_ACCEPT, NF_DROP, NF_STOLEN, NF_DROP_ERR(e) …) */
export type NfHookFn = (priv: unknown, skb: SkBuff, state: NfHookState) => number;

/** struct nf_hook_ops */
export interface NfHookOps {
  pf: number;
  hooknum: number;
  priority: number;
  hook: NfHookFn;
  priv?: unknown;
  /** does the hook surely accept `skb` without touching it or anything else? (a hook that can
   * tell cheaply says so; without it the hook counts as one that might act) */
  passes?(skb: SkBuff, net: Net): boolean;
}

/** struct netns_nf: the hook arrays of one namespace, indexed pf * NF_MAX_HOOKS + hook (on
 * the Net itself, as net->nf.hooks_* are: every frame asks) */
function hooksOf(net: Net): (NfHookOps[] | undefined)[] | undefined {
  return net.nfHooks as (NfHookOps[] | undefined)[] | undefined;
}

/** where a dropped skb goes (core/dev_path.ts kfree_skb_reason); set by the core at init */
let freeSkb: (skb: SkBuff, reason: string) => void = (skb, reason) => {
  skb.dropReason = reason;
};

/** the core wires kfree_skb_reason() in once (core/dev_path.ts), keeping this file free of
 * a dependency on the packet path */
export function nfSetDropHandler(fn: (skb: SkBuff, reason: string) => void): void {
  freeSkb = fn;
}

/**
 * net/netfilter/core.c: nf_hooks_needed[pf][hook], the static keys NF_HOOK() tests first: how
 * many hooks are registered at each (pf, hook) in all namespaces together. While one is 0, a
 * frame passing that hook reads nothing of its namespace (a thousand-port flood's copies
 * each land in another namespace, whose hook array would be one more object to fetch).
 */
const nfHooksNeeded = new Int32Array(NFPROTO_NUMPROTO * NF_MAX_HOOKS);

/** net/netfilter/core.c: nf_register_net_hook() */
export function nfRegisterNetHook(net: Net, ops: NfHookOps): void {
  if (ops.hooknum < 0 || ops.hooknum >= NF_MAX_HOOKS) throw new Error(`nf: bad hook ${ops.hooknum}`);
  let arr = hooksOf(net);
  if (!arr) {
    arr = [];
    net.nfHooks = arr;
  }
  const idx = ops.pf * NF_MAX_HOOKS + ops.hooknum;
  // nf_hook_entries_grow(): a new array (readers iterating the old one are unaffected),
  // inserted after every op of lower or equal priority
  const old = arr[idx] ?? [];
  const next: NfHookOps[] = [];
  let inserted = false;
  for (const o of old) {
    if (!inserted && ops.priority < o.priority) {
      next.push(ops);
      inserted = true;
    }
    next.push(o);
  }
  if (!inserted) next.push(ops);
  arr[idx] = next;
  nfHooksNeeded[idx]!++; // static_key_slow_inc(&nf_hooks_needed[pf][hooknum])
}

/** net/netfilter/core.c: nf_register_net_hooks() */
export function nfRegisterNetHooks(net: Net, ops: readonly NfHookOps[]): void {
  for (const o of ops) nfRegisterNetHook(net, o);
}

/** net/netfilter/core.c: nf_unregister_net_hook() */
export function nfUnregisterNetHook(net: Net, ops: NfHookOps): void {
  const arr = hooksOf(net);
  if (!arr) return;
  const idx = ops.pf * NF_MAX_HOOKS + ops.hooknum;
  const old = arr[idx];
  if (!old) return;
  const next = old.filter((o) => o !== ops);
  arr[idx] = next.length ? next : undefined;
  nfHooksNeeded[idx]! -= old.length - next.length; // static_key_slow_dec()
}

/** net/netfilter/core.c: nf_unregister_net_hooks() */
export function nfUnregisterNetHooks(net: Net, ops: readonly NfHookOps[]): void {
  for (const o of ops) nfUnregisterNetHook(net, o);
}

/** an empty hook's entries: one frozen array, not one per call */
const NO_HOOKS: readonly NfHookOps[] = Object.freeze([]);

/** the ops registered at (net, pf, hook), in the order they run (for tests and the trace) */
export function nfHookEntries(net: Net, pf: number, hook: number): readonly NfHookOps[] {
  return hooksOf(net)?.[pf * NF_MAX_HOOKS + hook] ?? NO_HOOKS;
}

/** is any hook registered at (net, pf, hook)? (NF_HOOK()'s static key: a caller that would
 * build an okfn for nfHook() skips it when nothing is there) */
export function nfHookActive(net: Net, pf: number, hook: number): boolean {
  const i = pf * NF_MAX_HOOKS + hook;
  return nfHooksNeeded[i] !== 0 && hooksOf(net)?.[i] !== undefined;
}

/** would NF_HOOK(pf, hook) accept `skb` with nothing done on the way (no hook, or every hook
 * says it passes it untouched)? */
export function nfHookPasses(net: Net, pf: number, hook: number, skb: SkBuff): boolean {
  const i = pf * NF_MAX_HOOKS + hook;
  if (nfHooksNeeded[i] === 0) return true;
  const entries = hooksOf(net)?.[i];
  if (entries === undefined) return true;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.passes === undefined || !e.passes(skb, net)) return false;
  }
  return true;
}

/**
 * net/netfilter/core.c: nf_hook_slow(). Runs the entries from `s`; returns 1 when the skb
 * was accepted by all (the caller runs okfn), 0 when it was dropped or stolen.
 */
export function nfHookSlow(skb: SkBuff, state: NfHookState, entries: readonly NfHookOps[], s: number): number {
  for (; s < entries.length; s++) {
    const e = entries[s]!;
    const verdict = e.hook(e.priv, skb, state);
    switch (verdict & NF_VERDICT_MASK) {
      case NF_ACCEPT:
        break;
      case NF_DROP:
        freeSkb(skb, "SKB_DROP_REASON_NETFILTER_DROP");
        return 0;
      case NF_QUEUE: {
        // nf_queue(): to the queue's listener (the skb is held), or, with nobody bound, dropped
        // unless the verdict carries NF_VERDICT_FLAG_QUEUE_BYPASS (1: go on)
        const r = nfQueueFn ? nfQueueFn(skb, state, verdict) : -1;
        if (r === 1 || (r < 0 && verdict & NF_VERDICT_FLAG_QUEUE_BYPASS)) break;
        if (r < 0) freeSkb(skb, "SKB_DROP_REASON_NETFILTER_DROP");
        return 0;
      }
      case NF_REPEAT:
        s--;
        break;
      default:
        // NF_STOLEN (and NF_STOP's old meaning): the hook took the skb
        return 0;
    }
  }
  return 1;
}

/**
 * include/linux/netfilter.h: NF_HOOK(). Runs the hook list of (net, pf, hook); calls
 * okfn(skb) when every entry accepted it. With nothing registered: one lookup + okfn.
 */
export function nfHook(
  pf: number,
  hook: number,
  net: Net,
  skb: SkBuff,
  indev: NetDevice | undefined,
  outdev: NetDevice | undefined,
  okfn: NfOkfn,
): void {
  const i = pf * NF_MAX_HOOKS + hook;
  const entries = nfHooksNeeded[i] === 0 ? undefined : hooksOf(net)?.[i];
  if (entries === undefined) {
    okfn(skb);
    return;
  }
  // Linux keeps nf_hook_state on the stack: one per nesting depth here, no garbage per
  // packet (a hook uses its state while it runs and keeps none of it)
  const state = stateAt(stateDepth++);
  state.hook = hook;
  state.pf = pf;
  state.in = indev;
  state.out = outdev;
  state.net = net;
  state.okfn = okfn;
  let v: number;
  try {
    v = nfHookSlow(skb, state, entries, 0);
  } finally {
    stateDepth--;
  }
  if (v === 1) okfn(skb);
}

/** the nf_hook_state "stack" of nfHook(), one per nesting depth (hooks call NF_HOOK again) */
const statePool: NfHookState[] = [];
let stateDepth = 0;
function stateAt(d: number): NfHookState {
  let s = statePool[d];
  if (s === undefined) {
    s = { hook: 0, pf: 0, in: undefined, out: undefined, net: undefined as unknown as Net, okfn: (_skb: SkBuff) => {} };
    statePool[d] = s;
  }
  return s;
}

/**
 * include/linux/netfilter.h: nf_hook(): the variant that returns the verdict instead of
 * calling okfn (1: accepted, caller continues; 0: dropped/stolen).
 */
export function nfHookVerdict(
  pf: number,
  hook: number,
  net: Net,
  skb: SkBuff,
  indev: NetDevice | undefined,
  outdev: NetDevice | undefined,
  okfn: NfOkfn,
): number {
  const entries = hooksOf(net)?.[pf * NF_MAX_HOOKS + hook];
  if (entries === undefined) return 1;
  return nfHookSlow(skb, { hook, pf, in: indev, out: outdev, net, okfn }, entries, 0);
}

/** include/linux/netfilter.h: NF_HOOK_COND() */
export function nfHookCond(
  pf: number,
  hook: number,
  net: Net,
  skb: SkBuff,
  indev: NetDevice | undefined,
  outdev: NetDevice | undefined,
  okfn: NfOkfn,
  cond: boolean,
): void {
  if (!cond) {
    okfn(skb);
    return;
  }
  nfHook(pf, hook, net, skb, indev, outdev, okfn);
}
