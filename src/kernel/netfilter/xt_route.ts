/**
 * The kernel side of the iptables extensions (routing, devices and IPsec): rpfilter, realm, devgroup, cpu, u32, ecn, ah, esp, policy
 * (net/netfilter/xt_*.c, net/ipv4/netfilter/ipt_*.c), registered with x_tables.
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { kerr, isKErr } from "../uapi/errno.ts";
import { IFF_LOOPBACK } from "../uapi/if.ts";
import { RTN_LOCAL, RTN_UNICAST } from "../uapi/rtnetlink.ts";
import { fibLookup, FIB_LOOKUP_IGNORE_LINKSTATE, type Flowi4 } from "../ipv4/fib.ts";
import {
  NFPROTO_IPV4, HOOK_PRE as PRE, HOOK_IN as IN, HOOK_FWD as FWD, HOOK_OUT as OUT, HOOK_POST as POST,
} from "./core.ts";
import { ipHdrOff } from "./ip_tables.ts";
import { xtRegisterMatch, type XtActionParam } from "./x_tables.ts";

const IPPROTO_TCP = 6;
const IPPROTO_ESP = 50;
const IPPROTO_AH = 51;
const PACKET_LOOPBACK = 5;
const LOOPBACK_IFINDEX = 1;
const RT_SCOPE_UNIVERSE = 0;

const rd32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

// ---- ipt_rpfilter.c ----
const XT_RPFILTER_LOOSE = 1;
const XT_RPFILTER_VALID_MARK = 2;
const XT_RPFILTER_ACCEPT_LOCAL = 4;
const XT_RPFILTER_INVERT = 8;
const XT_RPFILTER_OPTION_MASK = 0xf;
const isZeronet = (a: number): boolean => (a & 0xff000000) === 0;
const isLbcast = (a: number): boolean => a >>> 0 === 0xffffffff;
const isMulticast = (a: number): boolean => (a & 0xf0000000) >>> 0 === 0xe0000000;
const isLocalMulticast = (a: number): boolean => (a & 0xffffff00) >>> 0 === 0xe0000000;
/** rpfilter_get_saddr(): no route is looked up from mcast/bcast/zeronet */
const rpfilterGetSaddr = (a: number): number => (isMulticast(a) || isLbcast(a) || isZeronet(a) ? 0 : a);
/** rpfilter_lookup_reverse() */
function rpfilterLookupReverse(par: XtActionParam, fl: Flowi4, dev: NetDevice | undefined, flags: number): boolean {
  const res = fibLookup(par.net, fl, FIB_LOOKUP_IGNORE_LINKSTATE);
  if (isKErr(res)) return false;
  if (res.type !== RTN_UNICAST) {
    if (res.type !== RTN_LOCAL || !(flags & XT_RPFILTER_ACCEPT_LOCAL)) return false;
  }
  // fib_info_nh_uses_dev()
  return res.fi.fibNh.some((nh) => nh.nhDev === dev) || !!(flags & XT_RPFILTER_LOOSE);
}
function rpfilterMt(skb: SkBuff, par: XtActionParam, d: any): boolean {
  const invert = !!(d.flags & XT_RPFILTER_INVERT);
  if (skb.pktType === PACKET_LOOPBACK || (par.in && par.in.flags & IFF_LOOPBACK)) return true !== invert;
  const nh = ipHdrOff(skb);
  const b = skb.buf;
  const saddr = rd32(b, nh + 12);
  const daddr = rd32(b, nh + 16);
  if (isZeronet(saddr) && (isLbcast(daddr) || isLocalMulticast(daddr))) return true !== invert;
  const fl: Flowi4 = {
    iif: LOOPBACK_IFINDEX, oif: 0, daddr: saddr, saddr: rpfilterGetSaddr(daddr),
    mark: d.flags & XT_RPFILTER_VALID_MARK ? skb.mark : 0, tos: b[nh + 1]! & 0xfc, scope: RT_SCOPE_UNIVERSE, uid: 0,
  };
  return rpfilterLookupReverse(par, fl, par.in, d.flags) !== invert;
}

// ---- xt_u32.c ----
const XT_U32_AND = 0;
const XT_U32_LEFTSH = 1;
const XT_U32_RIGHTSH = 2;
const XT_U32_AT = 3;
const XT_U32_MAXSIZE = 10;
/** u32_match_it(): offsets from the IP header (skb->data at the hooks) */
function u32MatchIt(d: any, skb: SkBuff): boolean {
  const base = ipHdrOff(skb);
  const len = skb.tail - base;
  const b = skb.buf;
  for (const ct of d.tests as any[]) {
    let at = 0;
    let pos = ct.location[0].number >>> 0;
    if (len < 4 || pos > len - 4) return false;
    let val = rd32(b, base + pos);
    for (let i = 1; i < ct.nnums; ++i) {
      const number = ct.location[i].number >>> 0;
      switch (ct.location[i].nextop) {
        case XT_U32_AND:
          val = (val & number) >>> 0;
          break;
        case XT_U32_LEFTSH:
          // a C shift of a u32 by 32 or more is taken modulo 32 on x86
          val = (val << (number & 31)) >>> 0;
          break;
        case XT_U32_RIGHTSH:
          val = val >>> (number & 31);
          break;
        case XT_U32_AT:
          if (at + val > 0xffffffff) return false;
          at += val;
          pos = number;
          if (at + 4 > 0xffffffff || len < at + 4 || pos > len - at - 4) return false;
          val = rd32(b, base + at + pos);
          break;
      }
    }
    let i = 0;
    for (; i < ct.nvalues; ++i) if (ct.value[i].min >>> 0 <= val && val <= ct.value[i].max >>> 0) break;
    if (i >= ct.nvalues) return false;
  }
  return true;
}
function u32Mt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  return u32MatchIt(d, skb) !== !!d.invert;
}

// ---- xt_ecn.c ----
const XT_ECN_IP_MASK = 3;
const XT_ECN_OP_MATCH_IP = 0x01;
const XT_ECN_OP_MATCH_ECE = 0x10;
const XT_ECN_OP_MATCH_CWR = 0x20;
const XT_ECN_OP_MATCH_MASK = 0xce;
function ecnMatchTcp(skb: SkBuff, par: XtActionParam, d: any): boolean {
  if (par.thoff + 20 > skb.tail) return false;
  const fl = skb.buf[par.thoff + 13]!;
  const ece = (fl >> 6) & 1;
  const cwr = (fl >> 7) & 1;
  if (d.operation & XT_ECN_OP_MATCH_ECE) {
    if (d.invert & XT_ECN_OP_MATCH_ECE ? ece === 1 : ece === 0) return false;
  }
  if (d.operation & XT_ECN_OP_MATCH_CWR) {
    if (d.invert & XT_ECN_OP_MATCH_CWR ? cwr === 1 : cwr === 0) return false;
  }
  return true;
}
function ecnMt(skb: SkBuff, par: XtActionParam, d: any): boolean {
  if (d.operation & XT_ECN_OP_MATCH_IP) {
    const tos = skb.buf[ipHdrOff(skb) + 1]!;
    if (((tos & XT_ECN_IP_MASK) === d.ip_ect) === !!(d.invert & XT_ECN_OP_MATCH_IP)) return false;
  }
  if (d.operation & (XT_ECN_OP_MATCH_ECE | XT_ECN_OP_MATCH_CWR) && !ecnMatchTcp(skb, par, d)) return false;
  return true;
}

// ---- xt_devgroup.c ----
const XT_DEVGROUP_MATCH_SRC = 1;
const XT_DEVGROUP_INVERT_SRC = 2;
const XT_DEVGROUP_MATCH_DST = 4;
const XT_DEVGROUP_INVERT_DST = 8;
function devgroupMt(_skb: SkBuff, par: XtActionParam, d: any): boolean {
  if (d.flags & XT_DEVGROUP_MATCH_SRC) {
    const differs = ((d.src_group ^ (par.in?.group ?? 0)) & d.src_mask) !== 0;
    if (differs !== !!(d.flags & XT_DEVGROUP_INVERT_SRC)) return false;
  }
  if (d.flags & XT_DEVGROUP_MATCH_DST) {
    const differs = ((d.dst_group ^ (par.out?.group ?? 0)) & d.dst_mask) !== 0;
    if (differs !== !!(d.flags & XT_DEVGROUP_INVERT_DST)) return false;
  }
  return true;
}

// ---- xt_realm.c (routes here carry no realm: dst->tclassid is 0) ----
function realmMt(_skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const tclassid = 0;
  return ((d.id >>> 0) === ((tclassid & d.mask) >>> 0)) !== !!d.invert;
}

// ---- xt_cpu.c (the emulator runs every packet on CPU 0) ----
function cpuMt(_skb: SkBuff, _par: XtActionParam, d: any): boolean {
  return (d.cpu >>> 0 === 0) !== !!d.invert;
}

// ---- ipt_ah.c, xt_esp.c: the SPI of the header at thoff (AH's is at +4, ESP's at +0) ----
function spiMt(off: number) {
  return (skb: SkBuff, par: XtActionParam, d: any): boolean => {
    if (par.fragoff !== 0) return false;
    const hlen = off === 4 ? 12 : 8;
    if (par.thoff + hlen > skb.tail) {
      par.hotdrop = true;
      return false;
    }
    const spi = rd32(skb.buf, par.thoff + off);
    return (spi >= d.spis[0] >>> 0 && spi <= d.spis[1] >>> 0) !== !!(d.invflags & 1);
  };
}

// ---- xt_policy.c (no IPsec here: no packet has a sec_path or an xfrm dst) ----
const XT_POLICY_MATCH_IN = 1;
const XT_POLICY_MATCH_OUT = 2;
const XT_POLICY_MATCH_NONE = 4;
const XT_POLICY_MAX_ELEM = 4;
function policyMt(_skb: SkBuff, _par: XtActionParam, d: any): boolean {
  // match_policy_in()/match_policy_out() return -1: no policy
  return !!(d.flags & XT_POLICY_MATCH_NONE);
}

let done = false;

export function xtRouteInit(): void {
  if (done) return;
  done = true;
  const F = NFPROTO_IPV4;
  xtRegisterMatch({
    name: "rpfilter", revision: 0, family: F, hooks: PRE, match: rpfilterMt,
    checkentry: (p, d) => {
      if (Number(d["flags"]) & ~XT_RPFILTER_OPTION_MASK) return kerr("EINVAL");
      if (p.table !== "mangle" && p.table !== "raw") return kerr("EINVAL");
      return undefined;
    },
  });
  xtRegisterMatch({
    name: "u32", revision: 0, family: F, match: u32Mt,
    checkentry: (_p, d) => {
      const tests = (d["tests"] ?? []) as any[];
      if (tests.length > XT_U32_MAXSIZE + 1) return kerr("EINVAL");
      for (const t of tests) if (t.nnums > XT_U32_MAXSIZE + 1 || t.nvalues > XT_U32_MAXSIZE + 1) return kerr("EINVAL");
      return undefined;
    },
  });
  xtRegisterMatch({
    name: "ecn", revision: 0, family: F, match: ecnMt,
    checkentry: (p, d) => {
      const op = Number(d["operation"]);
      if (op & XT_ECN_OP_MATCH_MASK || Number(d["invert"]) & XT_ECN_OP_MATCH_MASK) return kerr("EINVAL");
      // "cannot match TCP bits for non-tcp packets" (IPT_INV_PROTO is 0x40)
      if (op & (XT_ECN_OP_MATCH_ECE | XT_ECN_OP_MATCH_CWR) && (p.proto !== IPPROTO_TCP || p.invflags & 0x40)) return kerr("EINVAL");
      return undefined;
    },
  });
  xtRegisterMatch({
    name: "devgroup", revision: 0, family: F, match: devgroupMt,
    checkentry: (p, d) => {
      const f = Number(d["flags"]);
      if (f & ~(XT_DEVGROUP_MATCH_SRC | XT_DEVGROUP_INVERT_SRC | XT_DEVGROUP_MATCH_DST | XT_DEVGROUP_INVERT_DST)) return kerr("EINVAL");
      if (f & XT_DEVGROUP_MATCH_SRC && p.hookMask & ~(PRE | IN | FWD)) return kerr("EINVAL");
      if (f & XT_DEVGROUP_MATCH_DST && p.hookMask & ~(FWD | OUT | POST)) return kerr("EINVAL");
      return undefined;
    },
  });
  xtRegisterMatch({ name: "realm", revision: 0, family: F, hooks: POST | FWD | OUT | IN, match: realmMt });
  xtRegisterMatch({ name: "cpu", revision: 0, family: F, match: cpuMt,
    checkentry: (_p, d) => (Number(d["invert"]) & ~1 ? kerr("EINVAL") : undefined) });
  xtRegisterMatch({ name: "ah", revision: 0, family: F, proto: IPPROTO_AH, match: spiMt(4),
    checkentry: (_p, d) => (Number(d["invflags"]) & ~1 ? kerr("EINVAL") : undefined) });
  xtRegisterMatch({ name: "esp", revision: 0, family: F, proto: IPPROTO_ESP, match: spiMt(0),
    checkentry: (_p, d) => (Number(d["invflags"]) & ~1 ? kerr("EINVAL") : undefined) });
  xtRegisterMatch({
    name: "policy", revision: 0, family: F, match: policyMt,
    checkentry: (p, d) => {
      const f = Number(d["flags"]);
      if (!(f & (XT_POLICY_MATCH_IN | XT_POLICY_MATCH_OUT))) return kerr("EINVAL");
      if (p.hookMask & (PRE | IN) && f & XT_POLICY_MATCH_OUT) return kerr("EINVAL");
      if (p.hookMask & (POST | OUT) && f & XT_POLICY_MATCH_IN) return kerr("EINVAL");
      if (Number(d["len"]) > XT_POLICY_MAX_ELEM) return kerr("EINVAL");
      return undefined;
    },
  });
}
