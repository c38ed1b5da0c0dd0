/**
 * The IPv4 matches iptables uses, one section per net/netfilter/xt_*.c module. Payload fields
 * carry the C structs' names (include/uapi/linux/netfilter/xt_*.h).
 */
import type { SkBuff } from "../core/skbuff.ts";
import { kerr } from "../uapi/errno.ts";
import { NFPROTO_IPV4, NF_INET_FORWARD, NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING, NF_INET_PRE_ROUTING } from "./core.ts";
import { ipHdrOff } from "./ip_tables.ts";
import { nfIpv4Ops } from "./nf_glue.ts";
import { xtRegisterMatch, type XtActionParam, type XtChkParam } from "./x_tables.ts";
import { nfCtNetnsGet, nfCtNetnsPut } from "./nf_conntrack.ts";
import {
  XT_CONNTRACK_STATE, XT_CONNTRACK_PROTO, XT_CONNTRACK_ORIGSRC, XT_CONNTRACK_ORIGDST, XT_CONNTRACK_REPLSRC, XT_CONNTRACK_REPLDST,
  XT_CONNTRACK_STATUS, XT_CONNTRACK_EXPIRES, XT_CONNTRACK_ORIGSRC_PORT, XT_CONNTRACK_ORIGDST_PORT, XT_CONNTRACK_REPLSRC_PORT,
  XT_CONNTRACK_REPLDST_PORT, XT_CONNTRACK_DIRECTION, XT_CONNTRACK_STATE_SNAT, XT_CONNTRACK_STATE_DNAT,
} from "../uapi/xt_conntrack.ts";

const ctGet = (p: XtChkParam): undefined => {
  nfCtNetnsGet(p.net);
  return undefined;
};
const ctPut = (p: XtChkParam): void => nfCtNetnsPut(p.net);

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** xt_tcpudp.h */
export const XT_TCP_INV_SRCPT = 0x01;
export const XT_TCP_INV_DSTPT = 0x02;
export const XT_TCP_INV_FLAGS = 0x04;
export const XT_TCP_INV_OPTION = 0x08;
export const XT_UDP_INV_SRCPT = 0x01;
export const XT_UDP_INV_DSTPT = 0x02;
export const IPT_ICMP_INV = 0x01;

/** xt_state.h / xt_conntrack.h */
export const XT_STATE_INVALID = 1 << 0;
export const XT_STATE_ESTABLISHED = 1 << 1;
export const XT_STATE_RELATED = 1 << 2;
export const XT_STATE_NEW = 1 << 3;
export const XT_STATE_UNTRACKED = 1 << 6;

/** what matches read of a conntrack entry (nf_conntrack.ts implements it) */
export interface CtView {
  /** XT_STATE_* bit of this packet (ESTABLISHED/RELATED/NEW; UNTRACKED for the template) */
  stateBit(skb: SkBuff): number;
  status: number;
  mark: number;
  /** the original and reply tuples (ports in host order; ICMP: id, type << 8 | code) */
  readonly tuplehash: readonly [CtTupleView, CtTupleView];
  /** absolute expiry, µs of simulated time */
  timeout: number;
}
export interface CtTupleView {
  src: number;
  dst: number;
  proto: number;
  sport: number;
  dport: number;
}

const IP_CT_IS_REPLY = 3;

function rd16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function portMatch(min: number, max: number, port: number, invert: boolean): boolean {
  return (port >= min && port <= max) !== invert;
}

/** net/netfilter/xt_tcpudp.c: tcp_mt() */
function tcpMt(skb: SkBuff, par: XtActionParam, d: any): boolean {
  if (par.fragoff !== 0) return false;
  const b = skb.buf;
  const th = par.thoff;
  if (th + 20 > skb.tail) {
    par.hotdrop = true;
    return false;
  }
  if (!portMatch(d.spts[0], d.spts[1], rd16(b, th), !!(d.invflags & XT_TCP_INV_SRCPT))) return false;
  if (!portMatch(d.dpts[0], d.dpts[1], rd16(b, th + 2), !!(d.invflags & XT_TCP_INV_DSTPT))) return false;
  const flags = b[th + 13]!;
  if (((flags & d.flg_mask) === d.flg_cmp) === !!(d.invflags & XT_TCP_INV_FLAGS)) return false;
  if (d.option) {
    const doff = (b[th + 12]! >> 4) * 4;
    let found = false;
    for (let i = 20; i < doff; ) {
      const k = b[th + i]!;
      if (k === d.option) { found = true; break; }
      if (k < 2) i++;
      else i += Math.max(2, b[th + i + 1]!);
    }
    if (found === !!(d.invflags & XT_TCP_INV_OPTION)) return false;
  }
  return true;
}

/** net/netfilter/xt_tcpudp.c: udp_mt() */
function udpMt(skb: SkBuff, par: XtActionParam, d: any): boolean {
  if (par.fragoff !== 0) return false;
  const b = skb.buf;
  const th = par.thoff;
  if (th + 8 > skb.tail) {
    par.hotdrop = true;
    return false;
  }
  return portMatch(d.spts[0], d.spts[1], rd16(b, th), !!(d.invflags & XT_UDP_INV_SRCPT)) &&
    portMatch(d.dpts[0], d.dpts[1], rd16(b, th + 2), !!(d.invflags & XT_UDP_INV_DSTPT));
}

/** net/ipv4/netfilter/ip_tables.c: icmp_match() */
function icmpMatch(skb: SkBuff, par: XtActionParam, d: any): boolean {
  if (par.fragoff !== 0) return false;
  const b = skb.buf;
  if (par.thoff + 2 > skb.tail) {
    par.hotdrop = true;
    return false;
  }
  const type = b[par.thoff]!;
  const code = b[par.thoff + 1]!;
  const m = d.type === 0xff || (type === d.type && code >= d.code[0] && code <= d.code[1]);
  return m !== !!(d.invflags & IPT_ICMP_INV);
}

function ctOf(skb: SkBuff): CtView | undefined {
  const ct = skb.nfct as CtView | undefined;
  return ct && typeof ct.stateBit === "function" ? ct : undefined;
}

/** net/netfilter/xt_state.c: state_mt() */
function stateMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const ct = ctOf(skb);
  const bit = ct ? ct.stateBit(skb) : XT_STATE_INVALID;
  return (d.statemask & bit) !== 0;
}

/** conntrack_addrcmp() under the flag: ((kaddr ^ uaddr) & umask) == 0, or not asked */
function ctAddrOk(mf: number, inv: number, flag: number, k: number, a: number, m: number): boolean {
  return !(mf & flag) || ((((k ^ a) & m) >>> 0) === 0) !== !!(inv & flag);
}
/** port_match() under the flag */
function ctPortOk(mf: number, inv: number, flag: number, lo: number, hi: number, p: number): boolean {
  return !(mf & flag) || portMatch(lo, hi, p, !!(inv & flag));
}

/** net/netfilter/xt_conntrack.c: conntrack_mt() with ct_proto_port_check_v3() (revision 3's
 * port ranges; revisions 1 and 2 keep one port, low = high) */
function conntrackMt(skb: SkBuff, par: XtActionParam, d: any): boolean {
  const ct = ctOf(skb);
  const mf: number = d.match_flags;
  const inv: number = d.invert_flags;
  if (mf & XT_CONNTRACK_STATE) {
    let bit = ct ? ct.stateBit(skb) : XT_STATE_INVALID;
    if (ct && bit !== XT_STATE_UNTRACKED) {
      if (ct.status & 0x10) bit |= XT_CONNTRACK_STATE_SNAT;
      if (ct.status & 0x20) bit |= XT_CONNTRACK_STATE_DNAT;
    }
    if (((d.state_mask & bit) !== 0) === !!(inv & XT_CONNTRACK_STATE)) return false;
  }
  if (!ct) return (mf & XT_CONNTRACK_STATE) !== 0;
  // CTINFO2DIR(): the direction of this packet
  if (mf & XT_CONNTRACK_DIRECTION && (skb.ctinfo < IP_CT_IS_REPLY) === !!(inv & XT_CONNTRACK_DIRECTION)) return false;
  const orig = ct.tuplehash[0];
  const repl = ct.tuplehash[1];
  if (!ctAddrOk(mf, inv, XT_CONNTRACK_ORIGSRC, orig.src, d.origsrc_addr, d.origsrc_mask)) return false;
  if (!ctAddrOk(mf, inv, XT_CONNTRACK_ORIGDST, orig.dst, d.origdst_addr, d.origdst_mask)) return false;
  if (!ctAddrOk(mf, inv, XT_CONNTRACK_REPLSRC, repl.src, d.replsrc_addr, d.replsrc_mask)) return false;
  if (!ctAddrOk(mf, inv, XT_CONNTRACK_REPLDST, repl.dst, d.repldst_addr, d.repldst_mask)) return false;
  if (mf & XT_CONNTRACK_PROTO && (orig.proto === d.l4proto) === !!(inv & XT_CONNTRACK_PROTO)) return false;
  if (!ctPortOk(mf, inv, XT_CONNTRACK_ORIGSRC_PORT, d.origsrc_port, d.origsrc_port_high, orig.sport)) return false;
  if (!ctPortOk(mf, inv, XT_CONNTRACK_ORIGDST_PORT, d.origdst_port, d.origdst_port_high, orig.dport)) return false;
  if (!ctPortOk(mf, inv, XT_CONNTRACK_REPLSRC_PORT, d.replsrc_port, d.replsrc_port_high, repl.sport)) return false;
  if (!ctPortOk(mf, inv, XT_CONNTRACK_REPLDST_PORT, d.repldst_port, d.repldst_port_high, repl.dport)) return false;
  if (mf & XT_CONNTRACK_STATUS && ((ct.status & d.status_mask) !== 0) === !!(inv & XT_CONNTRACK_STATUS)) return false;
  if (mf & XT_CONNTRACK_EXPIRES) {
    // nf_ct_expires() / HZ: whole seconds left, 0 once past. An unconfirmed entry's
    // ct->timeout is still relative (confirmation adds nfct_time_stamp), so on a machine up
    // between 5 minutes and 24 days the difference is negative: 0
    const confirmed = (ct.status & 8) !== 0; /* IPS_CONFIRMED */
    const expires = confirmed ? Math.max(0, Math.floor((ct.timeout - nfIpv4Ops.now(par.net)) / 1_000_000)) : 0;
    if ((expires >= d.expires_min && expires <= d.expires_max) === !!(inv & XT_CONNTRACK_EXPIRES)) return false;
  }
  return true;
}

/** net/netfilter/xt_multiport.c: ports_match_v1() */
function multiportMt(skb: SkBuff, par: XtActionParam, d: any): boolean {
  if (par.fragoff !== 0) return false;
  const b = skb.buf;
  const src = rd16(b, par.thoff);
  const dst = rd16(b, par.thoff + 2);
  for (let i = 0; i < d.count; i++) {
    const s = d.ports[i];
    if (d.pflags[i]) {
      const e = d.ports[++i];
      if ((d.flags === 0 || d.flags === 2) && src >= s && src <= e) return !d.invert;
      if ((d.flags === 1 || d.flags === 2) && dst >= s && dst <= e) return !d.invert;
    } else {
      if ((d.flags === 0 || d.flags === 2) && src === s) return !d.invert;
      if ((d.flags === 1 || d.flags === 2) && dst === s) return !d.invert;
    }
  }
  return !!d.invert;
}

/** net/netfilter/xt_iprange.c: iprange_mt4() */
function iprangeMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const nh = ipHdrOff(skb);
  if (d.flags & 1) {
    const a = rd32(skb.buf, nh + 12);
    if ((a < d.src_min || a > d.src_max) !== !!(d.flags & 0x10)) return false;
  }
  if (d.flags & 2) {
    const a = rd32(skb.buf, nh + 16);
    if ((a < d.dst_min || a > d.dst_max) !== !!(d.flags & 0x20)) return false;
  }
  return true;
}

/** net/netfilter/xt_addrtype.c: addrtype_mt_v1() */
function addrtypeMt(skb: SkBuff, par: XtActionParam, d: any): boolean {
  const nh = ipHdrOff(skb);
  const dev = d.flags & 4 ? par.in : d.flags & 8 ? par.out : undefined;
  if (d.source) {
    const t = 1 << nfIpv4Ops.inetAddrType(par.net, rd32(skb.buf, nh + 12), dev);
    if (((t & d.source) !== 0) === !!(d.flags & 1)) return false;
  }
  if (d.dest) {
    const t = 1 << nfIpv4Ops.inetAddrType(par.net, rd32(skb.buf, nh + 16), dev);
    if (((t & d.dest) !== 0) === !!(d.flags & 2)) return false;
  }
  return true;
}

/** net/netfilter/xt_mac.c: mac_mt() */
function macMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  if (skb.dev === undefined || skb.dev.type !== 1 /* ARPHRD_ETHER */) return false;
  const mh = skb.macHeader;
  if (mh < 0 || mh + 14 > skb.networkHeader) return false;
  let eq = true;
  for (let i = 0; i < 6; i++) if (skb.buf[mh + 6 + i] !== d.srcaddr[i]) eq = false;
  return eq !== !!d.invert;
}

/** net/netfilter/xt_mark.c: mark_mt() */
function markMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  return (((skb.mark & d.mask) >>> 0) === d.mark) !== !!d.invert;
}

/** net/netfilter/xt_physdev.c: physdev_mt() (skb.nfBridge: {physindev?, physoutdev?}) */
function physdevMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const nf = skb.nfBridge as { physindev?: { name: string }; physoutdev?: { name: string } } | undefined;
  if (!nf) {
    if ((d.bitmask & 4) && !(d.invert & 4)) return false;
    if ((d.bitmask & 8) && !(d.invert & 8)) return false;
    if ((d.bitmask & 16) && !(d.invert & 16)) return false;
    if ((d.bitmask & 1) && !(d.invert & 1)) return false;
    if ((d.bitmask & 2) && !(d.invert & 2)) return false;
    return true;
  }
  const indev = nf.physindev?.name;
  const outdev = nf.physoutdev?.name;
  if ((d.bitmask & 4) && !outdev !== !!(d.invert & 4)) return false;
  if ((d.bitmask & 8) && !indev !== !!(d.invert & 8)) return false;
  if ((d.bitmask & 16) && !outdev !== !!(d.invert & 16)) return false;
  if (d.bitmask & 1) {
    if (!indev) return !!(d.invert & 1);
    if (ifMatch(indev, d.physindev) === !!(d.invert & 1)) return false;
  }
  if (d.bitmask & 2) {
    if (!outdev) return !!(d.invert & 2);
    if (ifMatch(outdev, d.physoutdev) === !!(d.invert & 2)) return false;
  }
  return true;
}

function ifMatch(name: string, pat: string): boolean {
  return pat.endsWith("+") ? name.startsWith(pat.slice(0, -1)) : name === pat;
}

/** net/netfilter/xt_length.c: length_mt() */
function lengthMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const len = rd16(skb.buf, ipHdrOff(skb) + 2);
  return (len >= d.min && len <= d.max) !== !!d.invert;
}

/** net/ipv4/netfilter/ipt_ttl.c: ttl_mt() */
function ttlMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const ttl = skb.buf[ipHdrOff(skb) + 8]!;
  switch (d.mode) {
    case 0: return ttl === d.ttl;
    case 1: return ttl !== d.ttl;
    case 2: return ttl < d.ttl;
    case 3: return ttl > d.ttl;
  }
  return false;
}

/** net/netfilter/xt_limit.c: limit_mt() — a token bucket in µs of the world's clock */
const XT_LIMIT_SCALE = 10000;
function limitCompile(d: Record<string, unknown>): { credit: number; cap: number; cost: number; prev: number } {
  // avg is XT_LIMIT_SCALE * seconds per packet; one packet costs avg µs·100
  const cost = (Number(d["avg"]) * 1_000_000) / XT_LIMIT_SCALE;
  const cap = cost * Number(d["burst"]);
  return { credit: cap, cap, cost, prev: -1 };
}
function limitMt(_skb: SkBuff, par: XtActionParam, _d: any, st: { credit: number; cap: number; cost: number; prev: number }): boolean {
  const now = nfIpv4Ops.now(par.net);
  if (st.prev >= 0) st.credit = Math.min(st.cap, st.credit + (now - st.prev));
  st.prev = now;
  if (st.credit >= st.cost) {
    st.credit -= st.cost;
    return true;
  }
  return false;
}

function comment(): boolean {
  return true;
}

let done = false;

export function xtMatchesInit(): void {
  if (done) return;
  done = true;
  const F = NFPROTO_IPV4;
  xtRegisterMatch({ name: "tcp", revision: 0, family: F, proto: IPPROTO_TCP, match: tcpMt,
    checkentry: (_p, d) => (Number(d["invflags"]) & ~0x0f ? kerr("EINVAL") : undefined) });
  xtRegisterMatch({ name: "udp", revision: 0, family: F, proto: IPPROTO_UDP, match: udpMt });
  xtRegisterMatch({ name: "icmp", revision: 0, family: F, proto: IPPROTO_ICMP, match: icmpMatch });
  xtRegisterMatch({ name: "comment", revision: 0, family: F, match: comment });
  xtRegisterMatch({ name: "state", revision: 0, family: F, match: stateMt, checkentry: ctGet, destroy: ctPut });
  for (const r of [1, 2, 3]) xtRegisterMatch({ name: "conntrack", revision: r, family: F, match: conntrackMt, checkentry: ctGet, destroy: ctPut });
  xtRegisterMatch({ name: "multiport", revision: 1, family: F, match: multiportMt,
    checkentry: (p) => ([IPPROTO_TCP, IPPROTO_UDP, 132, 33].includes(p.proto) && !(p.invflags & 0x40) ? undefined : kerr("EINVAL")) });
  xtRegisterMatch({ name: "iprange", revision: 1, family: F, match: iprangeMt });
  xtRegisterMatch({ name: "addrtype", revision: 1, family: F, match: addrtypeMt });
  xtRegisterMatch({ name: "mac", revision: 0, family: F, match: macMt,
    hooks: (1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) });
  xtRegisterMatch({ name: "mark", revision: 1, family: F, match: markMt });
  xtRegisterMatch({ name: "physdev", revision: 0, family: F, match: physdevMt });
  xtRegisterMatch({ name: "length", revision: 0, family: F, match: lengthMt });
  xtRegisterMatch({ name: "ttl", revision: 0, family: F, match: ttlMt });
  xtRegisterMatch({ name: "limit", revision: 0, family: F, match: limitMt, compile: limitCompile });
  void NF_INET_LOCAL_OUT;
  void NF_INET_POST_ROUTING;
}
