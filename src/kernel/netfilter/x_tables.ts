/**
 * net/netfilter/x_tables.c: the match/target registries and the per-namespace table list.
 * A match or target is registered once (xt_register_match/target); its checkentry validates a
 * rule at table-replace time (table, hooks, payload) and its match/target function runs per
 * packet with the payload pre-checked.
 */
import type { Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import type { KErr } from "../uapi/errno.ts";
import type { NfHookState } from "./core.ts";

/** XT_CONTINUE: a target's "go on with the next rule" */
export const XT_CONTINUE = 0xffffffff;

/** struct xt_action_param */
export interface XtActionParam {
  state: NfHookState;
  /** fragment offset (ip_hdr->frag_off & IP_OFFSET), in 8-byte units */
  fragoff: number;
  /** transport header offset in skb.buf */
  thoff: number;
  /** set by a match to drop the packet whatever the rules say */
  hotdrop: boolean;
  in: NetDevice | undefined;
  out: NetDevice | undefined;
  net: Net;
  hooknum: number;
  family: number;
}

/** struct xt_mtchk_param / xt_tgchk_param */
export interface XtChkParam {
  net: Net;
  table: string;
  /** ipt_ip.proto and invflags of the rule (xt_tcp checks -p tcp) */
  proto: number;
  invflags: number;
  hookMask: number;
  family: number;
}

/** struct xt_match */
export interface XtMatch {
  name: string;
  revision: number;
  family: number;
  /** table restriction (undefined: any) */
  table?: string;
  /** hooks allowed, as 1<<NF_INET_*; 0: any */
  hooks?: number;
  /** required ipt_ip.proto (IPPROTO_TCP for "tcp"); 0: any */
  proto?: number;
  checkentry?(par: XtChkParam, data: Record<string, unknown>): KErr | undefined;
  /** what cleanup_entry() undoes of checkentry when the rule leaves the table */
  destroy?(par: XtChkParam, data: Record<string, unknown>): void;
  /** prepare per-rule state once at replace time (limit's credit bucket, …) */
  compile?(data: Record<string, unknown>): unknown;
  match(skb: SkBuff, par: XtActionParam, data: any, state: any): boolean;
}

/** struct xt_target */
export interface XtTarget {
  name: string;
  revision: number;
  family: number;
  table?: string;
  hooks?: number;
  proto?: number;
  checkentry?(par: XtChkParam, data: Record<string, unknown>): KErr | undefined;
  /** what cleanup_entry() undoes of checkentry when the rule leaves the table */
  destroy?(par: XtChkParam, data: Record<string, unknown>): void;
  compile?(data: Record<string, unknown>): unknown;
  /** returns a verdict (NF_ACCEPT, NF_DROP…) or XT_CONTINUE */
  target(skb: SkBuff, par: XtActionParam, data: any, state: any): number;
}

const matches: XtMatch[] = [];
const targets: XtTarget[] = [];

/** net/netfilter/x_tables.c: xt_register_match() */
export function xtRegisterMatch(m: XtMatch): void {
  matches.push(m);
}

/** net/netfilter/x_tables.c: xt_register_target() */
export function xtRegisterTarget(t: XtTarget): void {
  targets.push(t);
}

/** net/netfilter/x_tables.c: xt_find_match() (the highest revision <= asked, same family) */
export function xtFindMatch(family: number, name: string, revision: number): XtMatch | undefined {
  let best: XtMatch | undefined;
  for (const m of matches) {
    if (m.name !== name || m.family !== family || m.revision > revision) continue;
    if (!best || m.revision > best.revision) best = m;
  }
  return best;
}

/** net/netfilter/x_tables.c: xt_find_target() */
export function xtFindTarget(family: number, name: string, revision: number): XtTarget | undefined {
  let best: XtTarget | undefined;
  for (const t of targets) {
    if (t.name !== name || t.family !== family || t.revision > revision) continue;
    if (!best || t.revision > best.revision) best = t;
  }
  return best;
}

/** net/netfilter/x_tables.c: xt_find_revision(): the highest revision known, or -1 */
export function xtFindRevision(family: number, name: string, target: boolean): number {
  let r = -1;
  for (const x of target ? targets : matches) if (x.name === name && x.family === family && x.revision > r) r = x.revision;
  return r;
}

/**
 * The modules registered for IPv4 that Linux registers for IPv6 too (xt_tcpudp, xt_mark,
 * xt_limit, xt_comment … list NFPROTO_IPV6 beside NFPROTO_IPV4 or use NFPROTO_UNSPEC): the
 * same match/target functions, registered for `family` as well.
 */
export function xtRegisterAlsoFor(family: number, from: number, kind: "match" | "target", names: readonly string[]): void {
  const list: (XtMatch | XtTarget)[] = kind === "match" ? matches : targets;
  for (const x of list.slice()) {
    if (x.family !== from || !names.includes(x.name)) continue;
    list.push({ ...x, family } as XtMatch & XtTarget);
  }
}
