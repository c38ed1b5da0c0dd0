/**
 * net/ipv6/netfilter/ip6_tables.c: IPv6 packet filtering. The table machinery (templates,
 * per-namespace instantiation on first use, translate_table(), get/replace, counters) is
 * ip_tables.ts's, run for NFPROTO_IPV6; what is IPv6's own is here: ip6_packet_match() on the
 * IPv6 header (ipv6_find_hdr() for the protocol past the extension headers), ip6t_do_table(),
 * the icmp6 match, the ip6table_{filter,mangle,raw,security,nat} templates (ip6table_*.c),
 * ip6t_REJECT (nf_reject_ipv6.c: nf_send_unreach6()) and the LOG target's IPv6 logger
 * (nf_log_syslog.c: nf_log_ip6_packet()), the hl match and HL target (xt_hl.c, xt_HL.c).
 *
 * Not modelled: IPv6 conntrack and NAT (the nat table exists and lists, its rules are only
 * walked), nf_send_reset6() (no TCP over IPv6 yet), the ip6t_* extension-header matches
 * (frag, hbh, dst, rt, ipv6header, mh).
 */
import type { SkBuff } from "../core/skbuff.ts";
import { kerr } from "../uapi/errno.ts";
import {
  IP6T_F_GOTO, IP6T_F_PROTO, IPT_INV_DSTIP, IPT_INV_PROTO, IPT_INV_SRCIP, XT_RETURN, type Ip6tIp6,
} from "../uapi/xtables.ts";
import {
  NF_DROP, NFPROTO_IPV4, NFPROTO_IPV6, NF_IP_PRI_FILTER, NF_IP_PRI_MANGLE, NF_IP_PRI_NAT_DST, NF_IP_PRI_NAT_SRC,
  NF_IP_PRI_RAW, NF_IP_PRI_SECURITY, NF_INET_PRE_ROUTING, NF_INET_LOCAL_OUT, type NfHookState,
  HOOK_PRE as PRE, HOOK_IN as IN, HOOK_FWD as FWD, HOOK_OUT as OUT, HOOK_POST as POST,
} from "./core.ts";
import { ifaceMatch, ipHdrOff, iptRegisterTemplate, type IptCompiledEntry, type XtTable } from "./ip_tables.ts";
import { XT_CONTINUE, xtRegisterAlsoFor, xtRegisterMatch, xtRegisterTarget, type XtActionParam } from "./x_tables.ts";
import { nfIpv4Ops, nfIpv6Ops } from "./nf_glue.ts";
import { dumpMacHeader } from "./xt_targets.ts";

/** include/net/ipv6.h: the next-header values ipv6_find_hdr() walks or stops at */
const NEXTHDR_HOP = 0;
const NEXTHDR_TCP = 6;
const NEXTHDR_UDP = 17;
const NEXTHDR_ROUTING = 43;
const NEXTHDR_FRAGMENT = 44;
const NEXTHDR_AUTH = 51;
const NEXTHDR_ICMP = 58;
const NEXTHDR_NONE = 59;
const NEXTHDR_DEST = 60;
const IPV6_HDRLEN = 40;

/** ipv6_ext_hdr() */
function ipv6ExtHdr(nexthdr: number): boolean {
  return nexthdr === NEXTHDR_HOP || nexthdr === NEXTHDR_ROUTING || nexthdr === NEXTHDR_FRAGMENT ||
    nexthdr === NEXTHDR_AUTH || nexthdr === NEXTHDR_NONE || nexthdr === NEXTHDR_DEST;
}

/** what ipv6FindHdr() found: the transport header's offset and the fragment offset */
export interface Ip6HdrPos {
  offset: number;
  fragoff: number;
}

/**
 * net/ipv6/exthdrs_core.c: ipv6_find_hdr(skb, &offset, -1, &frag_off, NULL): the upper-layer
 * protocol past the extension headers (its header's offset in `pos`), -ENOENT (-2) when there
 * is none (NEXTHDR_NONE, or a non-first fragment, whose fragoff is then set), -EBADMSG (-74)
 * when a header runs past the packet.
 */
export function ipv6FindHdr(skb: SkBuff, nh: number, pos: Ip6HdrPos): number {
  const b = skb.buf;
  const end = skb.tail;
  let start = nh + IPV6_HDRLEN;
  let nexthdr = b[nh + 6]!;
  pos.fragoff = 0;
  while (ipv6ExtHdr(nexthdr)) {
    if (nexthdr === NEXTHDR_NONE) return -2;
    if (start + 8 > end) return -74;
    let hdrlen: number;
    if (nexthdr === NEXTHDR_FRAGMENT) {
      const fo = ((b[start + 2]! << 8) | b[start + 3]!) & 0xfff8;
      if (fo) {
        pos.fragoff = fo;
        return -2;
      }
      hdrlen = 8;
    } else if (nexthdr === NEXTHDR_AUTH) hdrlen = (b[start + 1]! + 2) << 2;
    else hdrlen = (b[start + 1]! + 1) << 3;
    nexthdr = b[start]!;
    start += hdrlen;
  }
  pos.offset = start;
  return nexthdr;
}

/** ipv6_masked_addr_cmp() against a rule's address words: true when they differ */
function maskedDiffers(b: Uint8Array, o: number, msk: number[], addr: number[]): boolean {
  for (let k = 0; k < 4; k++) {
    const m = msk[k]!;
    if (m === 0) {
      if (addr[k] !== 0) return true;
      continue;
    }
    const w = ((b[o + 4 * k]! << 24) | (b[o + 4 * k + 1]! << 16) | (b[o + 4 * k + 2]! << 8) | b[o + 4 * k + 3]!) >>> 0;
    if (((w & m) >>> 0) !== addr[k]) return true;
  }
  return false;
}

const hdrPos: Ip6HdrPos = { offset: 0, fragoff: 0 };

/** net/ipv6/netfilter/ip6_tables.c: ip6_packet_match(); sets acpar's thoff/fragoff, and
 * hotdrop for a malformed header chain */
function ip6PacketMatch(skb: SkBuff, nh: number, e: IptCompiledEntry, state: NfHookState, acpar: XtActionParam): boolean {
  const ip = e.ip as Ip6tIp6;
  const b = skb.buf;
  if (maskedDiffers(b, nh + 8, ip.smsk6, ip.src6) !== !!(ip.invflags & IPT_INV_SRCIP)) return false;
  if (maskedDiffers(b, nh + 24, ip.dmsk6, ip.dst6) !== !!(ip.invflags & IPT_INV_DSTIP)) return false;
  if ((ip.iniface !== "" || ip.outiface !== "") && !ifaceMatch(e, state)) return false;
  if (ip.flags & IP6T_F_PROTO) {
    const protohdr = ipv6FindHdr(skb, nh, hdrPos);
    if (protohdr < 0) {
      if (hdrPos.fragoff === 0) acpar.hotdrop = true;
      return false;
    }
    acpar.thoff = hdrPos.offset;
    acpar.fragoff = hdrPos.fragoff;
    if (ip.proto === protohdr) return !(ip.invflags & IPT_INV_PROTO);
    // We need match for the '-p all', too!
    if (ip.proto !== 0 && !(ip.invflags & IPT_INV_PROTO)) return false;
  }
  return true;
}

/** the stack depth Linux allows (xt_jumpstack_alloc) */
const XT_MAX_JUMPSTACK = 1024;

/** xt_action_param per nesting depth (REJECT sends a packet that crosses OUTPUT again) */
const acparPool: XtActionParam[] = [];
let acparDepth = 0;

/** net/ipv6/netfilter/ip6_tables.c: ip6t_do_table() */
export function ip6tDoTable(table: XtTable, skb: SkBuff, state: NfHookState): number {
  const hook = state.hook;
  const info = table.info;
  const entries = info.entries;
  const nh = ipHdrOff(skb);
  let acpar = acparPool[acparDepth];
  if (acpar === undefined) {
    acpar = {
      state, fragoff: 0, thoff: 0, hotdrop: false, in: undefined, out: undefined, net: state.net, hooknum: 0, family: NFPROTO_IPV6,
    };
    acparPool[acparDepth] = acpar;
  }
  acpar.state = state;
  acpar.fragoff = 0;
  acpar.thoff = 0;
  acpar.hotdrop = false;
  acpar.in = state.in;
  acpar.out = state.out;
  acpar.net = state.net;
  acpar.hooknum = hook;
  acparDepth++;
  let stack: number[] | undefined;
  let i = info.hookEntry[hook]!;
  let verdict = NF_DROP;
  try {
    for (;;) {
      const e = entries[i]!;
      let matched = ip6PacketMatch(skb, nh, e, state, acpar);
      if (matched) {
        const ms = e.matches;
        for (let k = 0; k < ms.length; k++) {
          const mm = ms[k]!;
          if (!mm.m.match(skb, acpar, mm.data, mm.st)) {
            matched = false;
            break;
          }
        }
      }
      if (acpar.hotdrop) break;
      if (!matched) {
        i++;
        continue;
      }
      if (!e.noCount) {
        e.pcnt += 1;
        e.bcnt += skb.len;
      }
      if (!e.target) {
        if (e.isError) break;
        const v = e.verdict;
        if (v < 0) {
          if (v !== XT_RETURN) {
            verdict = -v - 1;
            break;
          }
          if (stack === undefined || stack.length === 0) i = info.underflow[hook]!;
          else i = stack.pop()! + 1;
          continue;
        }
        if (v !== i + 1 && !(e.ip.flags & IP6T_F_GOTO)) {
          if (stack === undefined) stack = [];
          if (stack.length >= XT_MAX_JUMPSTACK) {
            verdict = NF_DROP;
            break;
          }
          stack.push(i);
        }
        i = v;
        continue;
      }
      const tv = e.target.target(skb, acpar, e.tdata, e.tst);
      if (tv === XT_CONTINUE) {
        i++;
        continue;
      }
      verdict = tv;
      break;
    }
  } finally {
    acparDepth--;
  }
  if (acpar.hotdrop) return NF_DROP;
  return verdict;
}

/** net/ipv6/netfilter/ip6_tables.c: icmp6_match() (IP6T_ICMP_INV) */
function icmp6Match(skb: SkBuff, par: XtActionParam, d: any): boolean {
  if (par.fragoff !== 0) return false;
  if (par.thoff + 2 > skb.tail) {
    par.hotdrop = true;
    return false;
  }
  const type = skb.buf[par.thoff]!;
  const code = skb.buf[par.thoff + 1]!;
  return (type === d.type && code >= d.code[0] && code <= d.code[1]) !== !!(d.invflags & 0x01);
}

/** enum ip6t_reject_with */
export const IP6T_ICMP6_NO_ROUTE = 0;
export const IP6T_ICMP6_ADM_PROHIBITED = 1;
export const IP6T_ICMP6_NOT_NEIGHBOUR = 2;
export const IP6T_ICMP6_ADDR_UNREACH = 3;
export const IP6T_ICMP6_PORT_UNREACH = 4;
export const IP6T_ICMP6_ECHOREPLY = 5;
export const IP6T_TCP_RESET = 6;
export const IP6T_ICMP6_POLICY_FAIL = 7;
export const IP6T_ICMP6_REJECT_ROUTE = 8;
/** the ICMPv6 destination-unreachable code of each ip6t_reject_with that sends one */
const REJECT_CODE: (number | undefined)[] = [0, 1, 2, 3, 4, undefined, undefined, 5, 6];
const ICMPV6_DEST_UNREACH = 1;

/**
 * net/ipv6/netfilter/ip6t_REJECT.c: reject_tg6() -> nf_reject_ipv6.c: nf_send_unreach6():
 * a packet of this host's own (LOCAL_OUT, no device yet) is answered as from lo
 */
function rejectTg6(skb: SkBuff, par: XtActionParam, d: any): number {
  const code = REJECT_CODE[d.with];
  if (code !== undefined) {
    if (!skb.dev && par.hooknum === NF_INET_LOCAL_OUT) skb.dev = par.net.loopbackDev;
    nfIpv6Ops.icmp6Send(skb, ICMPV6_DEST_UNREACH, code, 0);
  }
  // IP6T_TCP_RESET: nf_send_reset6() (no TCP over IPv6 is modelled); ECHOREPLY: nothing
  return NF_DROP;
}

/** %pI6: eight groups of four hex digits */
function pI6(b: Uint8Array, o: number): string {
  const g: string[] = [];
  for (let k = 0; k < 16; k += 2) g.push(((b[o + k]! << 8) | b[o + k + 1]!).toString(16).padStart(4, "0"));
  return g.join(":");
}

/** net/netfilter/nf_log_syslog.c: dump_ipv6_packet() (extension headers are walked, not shown) */
function dumpIpv6Packet(skb: SkBuff, nh: number, recurse: boolean): string {
  const b = skb.buf;
  const end = skb.tail;
  const r16 = (o: number) => (b[o]! << 8) | b[o + 1]!;
  if (nh + IPV6_HDRLEN > end) return "TRUNCATED";
  const w0 = ((b[nh]! << 24) | (b[nh + 1]! << 16) | (b[nh + 2]! << 8) | b[nh + 3]!) >>> 0;
  let s = `SRC=${pI6(b, nh + 8)} DST=${pI6(b, nh + 24)} `;
  s += `LEN=${r16(nh + 4) + IPV6_HDRLEN} TC=${(w0 & 0x0ff00000) >>> 20} HOPLIMIT=${b[nh + 7]} FLOWLBL=${w0 & 0x000fffff} `;
  let fragment = false;
  let ptr = nh + IPV6_HDRLEN;
  let cur = b[nh + 6]!;
  while (cur !== NEXTHDR_NONE && ipv6ExtHdr(cur)) {
    if (ptr + 8 > end) return s + "TRUNCATED";
    let hdrlen: number;
    if (cur === NEXTHDR_FRAGMENT) {
      const fo = r16(ptr + 2);
      s += `FRAG:${fo & 0xfff8} `;
      if (fo & 0x0001) s += "INCOMPLETE ";
      s += `ID:${(((b[ptr + 4]! << 24) | (b[ptr + 5]! << 16) | (b[ptr + 6]! << 8) | b[ptr + 7]!) >>> 0).toString(16).padStart(8, "0")} `;
      if (fo & 0xfff8) fragment = true;
      hdrlen = 8;
    } else if (cur === NEXTHDR_AUTH) hdrlen = (b[ptr + 1]! + 2) << 2;
    else hdrlen = (b[ptr + 1]! + 1) << 3;
    cur = b[ptr]!;
    ptr += hdrlen;
    if (fragment) break;
  }
  switch (cur) {
    case NEXTHDR_TCP:
      s += "PROTO=TCP ";
      if (fragment) break;
      if (ptr + 20 > end) s += `INCOMPLETE [${end - ptr} bytes] `;
      else s += `SPT=${r16(ptr)} DPT=${r16(ptr + 2)} `;
      break;
    case NEXTHDR_UDP:
      s += "PROTO=UDP ";
      if (fragment) break;
      if (ptr + 8 > end) s += `INCOMPLETE [${end - ptr} bytes] `;
      else s += `SPT=${r16(ptr)} DPT=${r16(ptr + 2)} LEN=${r16(ptr + 4)} `;
      break;
    case NEXTHDR_ICMP: {
      s += "PROTO=ICMPv6 ";
      if (fragment) break;
      if (ptr + 8 > end) {
        s += `INCOMPLETE [${end - ptr} bytes] `;
        return s;
      }
      const type = b[ptr]!;
      s += `TYPE=${type} CODE=${b[ptr + 1]} `;
      if (type === 128 || type === 129) s += `ID=${r16(ptr + 4)} SEQ=${r16(ptr + 6)} `;
      else if (type >= 1 && type <= 4) {
        if (type === 4) s += `POINTER=${(((b[ptr + 4]! << 24) | (b[ptr + 5]! << 16) | (b[ptr + 6]! << 8) | b[ptr + 7]!) >>> 0).toString(16).padStart(8, "0")} `;
        if (recurse) s += `[${dumpIpv6Packet(skb, ptr + 8, false)}] `;
        if (type === 2) s += `MTU=${((b[ptr + 4]! << 24) | (b[ptr + 5]! << 16) | (b[ptr + 6]! << 8) | b[ptr + 7]!) >>> 0} `;
      }
      break;
    }
    case NEXTHDR_NONE:
      break;
    default:
      s += `PROTO=${cur} `;
  }
  if (recurse && skb.mark) s += `MARK=0x${skb.mark.toString(16)} `;
  return s;
}

/** net/netfilter/xt_LOG.c: log_tg() for NFPROTO_IPV6 -> nf_log_syslog.c: nf_log_ip6_packet() */
function logTg6(skb: SkBuff, par: XtActionParam, d: any): number {
  const nh = ipHdrOff(skb);
  let s = `${d.prefix ?? ""}IN=${par.in ? par.in.name : ""} OUT=${par.out ? par.out.name : ""} `;
  if (par.in) s += dumpMacHeader(skb, nh);
  s += dumpIpv6Packet(skb, nh, true);
  nfIpv4Ops.printk(par.net, d.level ?? 4, s);
  return XT_CONTINUE;
}

/** net/netfilter/xt_hl.c: hl_mt6() (IP6T_HL_EQ, _NE, _LT, _GT) */
function hlMt6(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const hl = skb.buf[ipHdrOff(skb) + 7]!;
  switch (d.mode) {
    case 0: return hl === d.hop_limit;
    case 1: return hl !== d.hop_limit;
    case 2: return hl < d.hop_limit;
    case 3: return hl > d.hop_limit;
  }
  return false;
}

/** net/netfilter/xt_HL.c: hl_tg6() (IP6T_HL_SET, _INC, _DEC; no header checksum in IPv6) */
function hlTg6(skb: SkBuff, _par: XtActionParam, d: any): number {
  const o = ipHdrOff(skb) + 7;
  const old = skb.buf[o]!;
  if (d.mode === 0) skb.buf[o] = d.hop_limit;
  else if (d.mode === 1) skb.buf[o] = Math.min(255, old + d.hop_limit);
  else if (d.mode === 2) skb.buf[o] = Math.max(0, old - d.hop_limit);
  return XT_CONTINUE;
}

let done = false;

/** module init: ip6_tables' icmp6 match, ip6t_REJECT, the LOG target's IPv6 side, the
 * family-independent modules for IPv6, and the five ip6table_* templates */
export function ip6tablesInit(): void {
  if (done) return;
  done = true;
  const F = NFPROTO_IPV6;
  xtRegisterMatch({ name: "icmp6", revision: 0, family: F, proto: NEXTHDR_ICMP, match: icmp6Match,
    checkentry: (_p, d) => (Number(d["invflags"]) & ~0x01 ? kerr("EINVAL") : undefined) });
  xtRegisterTarget({ name: "REJECT", revision: 0, family: F, hooks: IN | FWD | OUT, target: rejectTg6,
    checkentry: (p, d) => (d["with"] === IP6T_ICMP6_ECHOREPLY ? kerr("EINVAL")
      : d["with"] === IP6T_TCP_RESET && (p.proto !== NEXTHDR_TCP || p.invflags & IPT_INV_PROTO) ? kerr("EINVAL") : undefined) });
  xtRegisterTarget({ name: "LOG", revision: 0, family: F, target: logTg6 });
  xtRegisterMatch({ name: "hl", revision: 0, family: F, match: hlMt6,
    checkentry: (_p, d) => (Number(d["mode"]) > 3 ? kerr("EINVAL") : undefined) });
  xtRegisterTarget({ name: "HL", revision: 0, family: F, table: "mangle", target: hlTg6,
    checkentry: (_p, d) => (Number(d["mode"]) > 2 || (Number(d["mode"]) === 2 && d["hop_limit"] === 0) ? kerr("EINVAL") : undefined) });
  // (the ones that read no IPv4 header field: transport ports at thoff, the link layer, meta)
  xtRegisterAlsoFor(F, NFPROTO_IPV4, "match", [
    "tcp", "udp", "comment", "mark", "limit", "multiport", "mac", "physdev", "statistic", "quota", "devgroup", "cpu", "time", "u32",
  ]);
  xtRegisterAlsoFor(F, NFPROTO_IPV4, "target", ["MARK", "CLASSIFY", "NFQUEUE"]);
  const t6 = { family: F, hook: ip6tDoTable };
  iptRegisterTemplate({ ...t6, name: "raw", validHooks: PRE | OUT, priority: NF_IP_PRI_RAW });
  iptRegisterTemplate({ ...t6, name: "mangle", validHooks: PRE | IN | FWD | OUT | POST, priority: NF_IP_PRI_MANGLE });
  iptRegisterTemplate({
    ...t6, name: "nat", validHooks: PRE | IN | OUT | POST, priority: NF_IP_PRI_NAT_DST,
    hookPriority: (h) => (h === NF_INET_PRE_ROUTING || h === NF_INET_LOCAL_OUT ? NF_IP_PRI_NAT_DST : NF_IP_PRI_NAT_SRC),
  });
  iptRegisterTemplate({ ...t6, name: "filter", validHooks: IN | FWD | OUT, priority: NF_IP_PRI_FILTER });
  iptRegisterTemplate({ ...t6, name: "security", validHooks: IN | FWD | OUT, priority: NF_IP_PRI_SECURITY });
}
