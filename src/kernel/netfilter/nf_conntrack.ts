/**
 * net/netfilter/nf_conntrack_core.c + nf_conntrack_proto_{icmp,udp,tcp,generic}.c +
 * nf_conntrack_proto.c (the IPv4 hooks) + nf_nat_core.c/nf_nat_proto.c (tuple rewriting).
 *
 * A connection is two tuples (original, reply) in one per-namespace hash. A packet's tuple
 * is looked up in PRE_ROUTING/LOCAL_OUT (-200); an unknown one creates an unconfirmed entry
 * that is inserted ("confirmed") when the packet leaves POST_ROUTING or reaches LOCAL_IN.
 * ICMP errors are attached to the connection of the packet they quote (RELATED). Timeouts
 * are the kernel defaults; an expired entry goes when something walks past it: a lookup of
 * its tuple, a dump (ctnetlink, /proc), or the machine's one gc_worker (every 60 s unless
 * the machine holds millions of entries). Hooks exist only in namespaces that use conntrack
 * (nf_ct_netns_get).
 *
 * Events (nf_conntrack_ecache.c + ctnetlink_conntrack_event()): an entry created while its
 * namespace has a ctnetlink listener (nf_conntrack_events=2) carries an event cache; what a
 * packet changes (new, reply seen, assured, TCP state) is cached and delivered as one NEW or
 * UPDATE message when the packet passes a confirm hook; a deletion is a DESTROY message at once.
 */
import { kerr, type KErr } from "../uapi/errno.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { NfConntrackEvent, NfConntrackListener } from "../uapi/xtables.ts";
import { CHECKSUM_PARTIAL, type SkBuff } from "../core/skbuff.ts";
import {
  type NfConntrackInfo, type NfConntrackTuple, IPS_ASSURED, IPS_CONFIRMED, IPS_DST_NAT, IPS_DST_NAT_DONE,
  IPS_NAT_MASK, IPS_SEEN_REPLY, IPS_SRC_NAT, IPS_SRC_NAT_DONE, IPS_EXPECTED, IPS_UNCHANGEABLE_MASK,
  NFCT_GRP_NEW, NFCT_GRP_UPDATE, NFCT_GRP_DESTROY,
} from "../uapi/xtables.ts";
import {
  NF_ACCEPT, NF_DROP, NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING, NF_INET_PRE_ROUTING,
  NF_IP_PRI_CONNTRACK, NF_IP_PRI_CONNTRACK_CONFIRM, NFPROTO_IPV4, nfRegisterNetHook, nfUnregisterNetHook, type NfHookOps,
  type NfHookState,
} from "./core.ts";
import { ipHdrOff } from "./ip_tables.ts";
import { nfIpv4Ops } from "./nf_glue.ts";
import { hook2manip, NF_NAT_MANIP_SRC } from "./nf_nat.ts";
import { NF_CT_SYSCTL_DEFAULTS } from "./nf_conntrack_defaults.ts";
import { XT_STATE_ESTABLISHED, XT_STATE_NEW, XT_STATE_RELATED } from "./xt_matches.ts";
import { NF_NAT_RANGE_MAP_IPS, NF_NAT_RANGE_PROTO_RANDOM, NF_NAT_RANGE_PROTO_RANDOM_FULLY, NF_NAT_RANGE_PROTO_SPECIFIED, type NatRange } from "./xt_targets.ts";
import { HZ } from "../../sim/scheduler.ts";

/** enum ip_conntrack_info */
export const IP_CT_ESTABLISHED = 0;
export const IP_CT_RELATED = 1;
export const IP_CT_NEW = 2;
export const IP_CT_IS_REPLY = 3;
export const IP_CT_ESTABLISHED_REPLY = 3;
export const IP_CT_RELATED_REPLY = 4;

export const IP_CT_DIR_ORIGINAL = 0;
export const IP_CT_DIR_REPLY = 1;

const SEC = 1_000_000;
/** default TCP timeouts (nf_conntrack_proto_tcp.c); the per-netns sysctls override them */
const GENERIC_TIMEOUT = 600 * SEC;
const TCP_TIMEOUTS: Record<string, number> = {
  SYN_SENT: 120 * SEC, SYN_RECV: 60 * SEC, ESTABLISHED: 432000 * SEC, FIN_WAIT: 120 * SEC, CLOSE_WAIT: 60 * SEC,
  LAST_ACK: 30 * SEC, TIME_WAIT: 120 * SEC, CLOSE: 10 * SEC,
};

/** struct nf_conntrack_tuple (one direction) */
export interface Tuple {
  src: number;
  dst: number;
  proto: number;
  /** tcp/udp ports; icmp: sport = id, dport = (type << 8) | code */
  sport: number;
  dport: number;
  /** the conntrack zone this direction's tuple is hashed in (nf_ct_zone_id(); packets: 0) */
  zone?: number;
}

function tupleKey(t: Tuple): string {
  return `${t.proto}:${t.src}:${t.dst}:${t.sport}:${t.dport}${t.zone ? `@${t.zone}` : ""}`;
}

/** nf_conntrack_core.c: hash_conntrack_raw(): a tuple's bucket in CtNet.index, so a
 * packet's lookup builds no string (a small integer key: V8 keeps it unboxed) */
function tupleHash(src: number, dst: number, proto: number, sport: number, dport: number): number {
  let h = Math.imul(src ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ dst, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ ((proto << 16) | sport), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ dport, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x3fffffff;
}

/** one tuple in a CtNet.index bucket (struct nf_conntrack_tuple_hash on its hlist) */
interface CtHashNode {
  src: number;
  dst: number;
  proto: number;
  sport: number;
  dport: number;
  zone: number;
  h: CtHashEntry;
  next: CtHashNode | undefined;
}

/** what a tuple's lookup finds: the conn and the direction of that tuple */
export interface CtHashEntry {
  ct: NfConn;
  dir: number;
}

/** icmp types that start a connection and the type of their answer (icmp_invmap) */
const ICMP_INVMAP: Record<number, number> = { 8: 0, 13: 14, 15: 16, 17: 18, 0: 8, 14: 13, 16: 15, 18: 17 };
const ICMP_NEW = new Set([8, 13, 15, 17]);
const ICMP_ERRORS = new Set([3, 4, 5, 11, 12]);

/** nf_ct_invert_tuple() */
function invert(t: Tuple): Tuple {
  if (t.proto === 1) {
    const type = t.dport >> 8;
    const inv = ICMP_INVMAP[type] ?? type;
    return { src: t.dst, dst: t.src, proto: 1, sport: t.sport, dport: (inv << 8) | (t.dport & 0xff) };
  }
  return { src: t.dst, dst: t.src, proto: t.proto, sport: t.dport, dport: t.sport };
}

function rd16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** nf_ct_get_tuple() from an IPv4 header at `nh` */
export function getTuple(b: Uint8Array, nh: number, end: number): Tuple | undefined {
  const t: Tuple = { src: 0, dst: 0, proto: 0, sport: 0, dport: 0 };
  return getTupleInto(b, nh, end, t) ? t : undefined;
}

/** the protocols whose tuples carry ports (tcp, udp, dccp, sctp, udplite) */
function hasPorts(proto: number): boolean {
  return proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136;
}

/** nf_ct_get_tuple() into `t` (false: truncated) */
function getTupleInto(b: Uint8Array, nh: number, end: number, t: Tuple): boolean {
  const ihl = (b[nh]! & 0x0f) * 4;
  const proto = b[nh + 9]!;
  const th = nh + ihl;
  t.src = rd32(b, nh + 12);
  t.dst = rd32(b, nh + 16);
  t.proto = proto;
  t.sport = 0;
  t.dport = 0;
  if (hasPorts(proto)) {
    if (th + 4 > end) return false;
    t.sport = rd16(b, th);
    t.dport = rd16(b, th + 2);
  } else if (proto === 1) {
    if (th + 8 > end) return false;
    t.sport = rd16(b, th + 4);
    t.dport = (b[th]! << 8) | b[th + 1]!;
  }
  return true;
}

/** the tuple of the packet nf_conntrack_in() is looking at (Linux: on its stack) */
const pktTuple: Tuple = { src: 0, dst: 0, proto: 0, sport: 0, dport: 0 };

/** NF_CT_ZONE_DIR_ORIG / _REPL, and both (NF_CT_DEFAULT_ZONE_DIR) */
export const NF_CT_ZONE_DIR_ORIG = 1;
export const NF_CT_ZONE_DIR_REPL = 2;
export const NF_CT_DEFAULT_ZONE_DIR = 3;

/** ctnetlink_dump_zone_id(): the zone a message carries at the top (CTA_ZONE) and in each
 * tuple (CTA_TUPLE_ZONE) — only a non-default id, where its direction says */
function zoneAttrs(ct: NfConn): { zone?: number; origZone?: number; replyZone?: number } {
  if (!ct.zoneId) return {};
  if (ct.zoneDir === NF_CT_DEFAULT_ZONE_DIR) return { zone: ct.zoneId };
  return ct.zoneDir === NF_CT_ZONE_DIR_ORIG ? { origZone: ct.zoneId } : { replyZone: ct.zoneId };
}

/** struct nf_conn */
export class NfConn {
  tuplehash: [Tuple, Tuple];
  status = 0;
  mark = 0;
  /** absolute expiry (µs) */
  timeout = 0;
  id: number;
  /** TCP state name */
  tcpState: string | undefined;
  /** UDP: when a replied flow counts as a stream (ct->proto.udp.stream_ts, creation + 2 s) */
  streamTs = 0;
  /** nf_conn_nat.masq_index: the device MASQUERADE chose the source address of (0: none) */
  masqIndex = 0;
  /** the ecache extension's cached events (1 << IPCT_*); -1: the entry has no extension */
  ecache = -1;
  /** IPS_DYING: deleted (its DESTROY event is out) */
  dying = false;
  /** struct nf_conntrack_zone: its id and the directions it applies to (NF_CT_ZONE_DIR_*) */
  zoneId = 0;
  zoneDir = NF_CT_DEFAULT_ZONE_DIR;
  /** the acct extension (nf_conntrack_acct.c), added at allocation when
   * net.netfilter.nf_conntrack_acct is on: packets and bytes per direction
   * [orig packets, orig bytes, reply packets, reply bytes] */
  acct: [number, number, number, number] | undefined = undefined;
  /** natPacket()'s targets per direction, invert(tuplehash[other]), cached per tuple object */
  private natTargetOf: (Tuple | undefined)[] = [undefined, undefined];
  private natTarget: (Tuple | undefined)[] = [undefined, undefined];
  constructor(
    readonly cnet: CtNet,
    orig: Tuple,
  ) {
    this.tuplehash = [orig, invert(orig)];
    this.id = cnet.nextId++;
  }

  // ---- CtView (xt_state / xt_conntrack) ----
  stateBit(skb: SkBuff): number {
    switch (skb.ctinfo % IP_CT_IS_REPLY) {
      case IP_CT_ESTABLISHED: return XT_STATE_ESTABLISHED;
      case IP_CT_RELATED: return XT_STATE_RELATED;
      default: return XT_STATE_NEW;
    }
  }

  // ---- NatConn (nf_nat_core) ----
  natInitialized(manip: number): boolean {
    return (this.status & (manip === NF_NAT_MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE)) !== 0;
  }
  isNew(skb: SkBuff): boolean {
    return skb.ctinfo === IP_CT_NEW || skb.ctinfo === IP_CT_RELATED;
  }
  /** nf_nat_alloc_null_binding() */
  natNullBinding(manip: number, _hook: number): void {
    const ip = manip === NF_NAT_MANIP_SRC ? this.tuplehash[1].dst : this.tuplehash[1].src;
    this.natSetupInfo({ flags: NF_NAT_RANGE_MAP_IPS, minAddr: ip, maxAddr: ip, minProto: 0, maxProto: 0 }, manip);
  }
  origDst(): number {
    return this.tuplehash[0].dst;
  }

  /** nf_nat_setup_info(): choose the manipulated tuple (get_unique_tuple) and set the reply */
  natSetupInfo(range: NatRange, manip: number, _skb?: SkBuff): number {
    if (this.natInitialized(manip)) return NF_ACCEPT;
    // the original tuple as the other manip left it: invert the current reply
    const curr = invert(this.tuplehash[1]);
    const nt: Tuple = { ...curr };
    if (range.flags & NF_NAT_RANGE_MAP_IPS) {
      if (manip === NF_NAT_MANIP_SRC) nt.src = range.minAddr;
      else nt.dst = range.minAddr;
    }
    this.uniqueTuple(nt, range, manip, curr);
    const changed = tupleKey(nt) !== tupleKey(curr);
    this.tuplehash[1] = invert(nt);
    if (changed) this.status |= manip === NF_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
    this.status |= manip === NF_NAT_MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE;
    return NF_ACCEPT;
  }

  /** nf_nat_l4proto_unique_tuple(): keep the port/id when free, else search its range */
  private uniqueTuple(nt: Tuple, range: NatRange, manip: number, curr: Tuple): void {
    const proto = nt.proto;
    if (proto !== 6 && proto !== 17 && proto !== 1 && proto !== 132 && proto !== 33) return;
    const src = manip === NF_NAT_MANIP_SRC;
    const get = () => (proto === 1 ? nt.sport : src ? nt.sport : nt.dport);
    const set = (v: number) => {
      if (proto === 1) nt.sport = v;
      else if (src) nt.sport = v;
      else nt.dport = v;
    };
    let min: number;
    let span: number;
    if (range.flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
      min = range.minProto;
      span = range.maxProto - range.minProto + 1;
      const cur = get();
      if (!(range.flags & (NF_NAT_RANGE_PROTO_RANDOM | NF_NAT_RANGE_PROTO_RANDOM_FULLY)) && cur >= min && cur < min + span && !this.cnet.tupleTaken(nt, this)) return;
    } else {
      if (!(range.flags & (NF_NAT_RANGE_PROTO_RANDOM | NF_NAT_RANGE_PROTO_RANDOM_FULLY)) && !this.cnet.tupleTaken(nt, this)) return;
      if (proto === 1) {
        min = 0;
        span = 65536;
      } else {
        const port = get();
        if (port < 1024) {
          // loose convention: >> 512 is reserved for privileged ports
          if (port < 512) {
            min = 1;
            span = 511;
          } else {
            min = 600;
            span = 1024 - 600;
          }
        } else {
          min = 1024;
          span = 65535 - 1024 + 1;
        }
      }
    }
    let off = range.flags & (NF_NAT_RANGE_PROTO_RANDOM | NF_NAT_RANGE_PROTO_RANDOM_FULLY)
      ? nfIpv4Ops.random32(this.cnet.net) % span
      : (get() - min + span) % span;
    for (let i = 0; i < span; i++, off = (off + 1) % span) {
      set(min + off);
      if (!this.cnet.tupleTaken(nt, this)) return;
    }
    void curr;
  }

  /** nf_nat_packet(): rewrite the packet for the manip of this hook, if the conn has it */
  natPacket(skb: SkBuff, hook: number): number {
    const mtype = hook2manip(hook);
    const dir = skb.ctinfo >= IP_CT_IS_REPLY ? IP_CT_DIR_REPLY : IP_CT_DIR_ORIGINAL;
    let statusbit = mtype === NF_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
    if (dir === IP_CT_DIR_REPLY) statusbit ^= IPS_NAT_MASK;
    if (this.status & statusbit) {
      const other = this.tuplehash[dir === 0 ? 1 : 0];
      let target = this.natTarget[dir];
      if (target === undefined || this.natTargetOf[dir] !== other) {
        target = invert(other);
        this.natTarget[dir] = target;
        this.natTargetOf[dir] = other;
      }
      if (!natManipPkt(skb, ipHdrOff(skb), target, mtype)) return NF_DROP;
    }
    return NF_ACCEPT;
  }

  /**
   * nf_nat_core.c: nf_nat_icmp_reply_translation(): an ICMP error about a NATed connection —
   * rewrite the quoted packet back, recompute the ICMP checksum, then the outer header.
   */
  natIcmpReplyTranslation(skb: SkBuff, hook: number): boolean {
    const b = skb.buf;
    const nh = ipHdrOff(skb);
    const th = nh + (b[nh]! & 0x0f) * 4;
    if (th + 8 + 20 > skb.tail) return false;
    const dir = skb.ctinfo >= IP_CT_IS_REPLY ? IP_CT_DIR_REPLY : IP_CT_DIR_ORIGINAL;
    const manip = hook2manip(hook);
    if (b[th] === 5 /* ICMP_REDIRECT */) {
      if ((this.status & (IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE)) !== (IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE)) return false;
      if (this.status & IPS_NAT_MASK) return false;
    }
    let statusbit = manip === NF_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
    if (dir === IP_CT_DIR_REPLY) statusbit ^= IPS_NAT_MASK;
    if (!(this.status & statusbit)) return true;
    const other = this.tuplehash[dir === 0 ? 1 : 0];
    natManipPkt(skb, th + 8, other, manip === NF_NAT_MANIP_SRC ? 1 : 0);
    // the ICMP checksum over the whole message, from scratch
    b[th + 2] = 0;
    b[th + 3] = 0;
    let sum = 0;
    for (let i = th; i < skb.tail; i += 2) sum += (b[i]! << 8) | (i + 1 < skb.tail ? b[i + 1]! : 0);
    while (sum >>> 16) sum = (sum & 0xffff) + (sum >>> 16);
    const c = (~sum) & 0xffff;
    b[th + 2] = c >> 8;
    b[th + 3] = c & 0xff;
    const target = invert(other);
    target.proto = 1;
    natManipPkt(skb, nh, target, manip);
    return true;
  }

  expiresIn(now: number): number {
    return this.timeout - now;
  }
}

/** include/net/checksum.h: inet_proto_csum_replace4/2 and csum_replace4 on a 16-bit field */
function csumUpdate(b: Uint8Array, off: number, from: number, to: number, words: number): void {
  let c = (~rd16(b, off)) & 0xffff;
  for (let i = words - 1; i >= 0; i--) {
    c += (~(from >>> (16 * i))) & 0xffff;
    c += (to >>> (16 * i)) & 0xffff;
  }
  while (c >>> 16) c = (c & 0xffff) + (c >>> 16);
  const r = (~c) & 0xffff;
  b[off] = r >> 8;
  b[off + 1] = r & 0xff;
}

/** inet_proto_csum_replace4() on a CHECKSUM_PARTIAL field: the uncomplemented pseudo-header
 * sum moves from `from` to `to` */
function csumUpdatePartial(b: Uint8Array, off: number, from: number, to: number): void {
  let c = rd16(b, off);
  for (let i = 1; i >= 0; i--) {
    c += (~(from >>> (16 * i))) & 0xffff;
    c += (to >>> (16 * i)) & 0xffff;
  }
  while (c >>> 16) c = (c & 0xffff) + (c >>> 16);
  b[off] = c >> 8;
  b[off + 1] = c & 0xff;
}

function wr32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 255;
  b[o + 2] = (v >>> 8) & 255;
  b[o + 3] = v & 255;
}

/** nf_nat_ipv4_manip_pkt() + the l4 manip: set the source or destination to `target`'s */
export function natManipPkt(skb: SkBuff, nh: number, target: Tuple, mtype: number): boolean {
  const b = skb.buf;
  const th = nh + (b[nh]! & 0x0f) * 4;
  const proto = b[nh + 9]!;
  const fragoff = rd16(b, nh + 6) & 0x1fff;
  const addrOff = mtype === NF_NAT_MANIP_SRC ? nh + 12 : nh + 16;
  const oldAddr = rd32(b, addrOff);
  const newAddr = mtype === NF_NAT_MANIP_SRC ? target.src : target.dst;
  if (fragoff === 0) {
    if (proto === 6 || proto === 17) {
      const portOff = mtype === NF_NAT_MANIP_SRC ? th : th + 2;
      const oldPort = rd16(b, portOff);
      const newPort = mtype === NF_NAT_MANIP_SRC ? target.sport : target.dport;
      const csOff = proto === 6 ? th + 16 : th + 6;
      const hasCsum = proto === 6 || rd16(b, csOff) !== 0;
      if (hasCsum && csOff + 2 <= skb.tail && skb.ipSummed === CHECKSUM_PARTIAL) {
        // inet_proto_csum_replace4(..., pseudohdr): the field is the pseudo-header sum, which
        // has the address but not the port
        csumUpdatePartial(b, csOff, oldAddr, newAddr);
      } else if (hasCsum && csOff + 2 <= skb.tail) {
        csumUpdate(b, csOff, oldAddr, newAddr, 2);
        csumUpdate(b, csOff, oldPort, newPort, 1);
        if (proto === 17 && rd16(b, csOff) === 0) {
          b[csOff] = 0xff;
          b[csOff + 1] = 0xff;
        }
      }
      b[portOff] = newPort >> 8;
      b[portOff + 1] = newPort & 255;
    } else if (proto === 1 && th + 8 <= skb.tail) {
      const type = b[th]!;
      if (!ICMP_ERRORS.has(type)) {
        const oldId = rd16(b, th + 4);
        const newId = target.sport;
        if (oldId !== newId) {
          csumUpdate(b, th + 2, oldId, newId, 1);
          b[th + 4] = newId >> 8;
          b[th + 5] = newId & 255;
        }
      }
    }
  }
  if (oldAddr !== newAddr) {
    csumUpdate(b, nh + 10, oldAddr, newAddr, 2);
    wr32(b, addrOff, newAddr);
  }
  return true;
}

/** nf_ct_expires(ct) / HZ: whole seconds left, counted in jiffies as the kernel keeps them
 * (an entry refreshed within the current jiffy still shows its full timeout) */
export function nfCtExpiresSecs(ct: NfConn, now: number): number {
  const j = Math.floor(ct.timeout / JIFFY) - Math.floor(now / JIFFY);
  return j > 0 ? Math.floor(j / HZ) : 0;
}

/** per-namespace conntrack state (struct netns_ct + the hash) */
export class CtNet {
  /** every tuple, in insertion order (conns() lists in this order) */
  hash = new Map<string, CtHashEntry>();
  /** the same tuples by tupleHash(): the per-packet lookup (find/lookup) */
  index = new Map<number, CtHashNode>();
  nextId = 1;
  hooks: NfHookOps[] = [];
  /** nf_ct_netns_get() references: the rules (and the nat table) that need conntrack */
  users = 0;
  /** /proc/sys/net/netfilter values (seconds for timeouts), made on first use (a namespace
   * that never tracks a connection keeps no table of ~45) */
  private sysctlValues: Record<string, number> | undefined = undefined;
  get sysctl(): Record<string, number> {
    return (this.sysctlValues ??= Object.fromEntries(NF_CT_SYSCTL_DEFAULTS));
  }
  /** ctnetlink event listeners (sockets bound to NFNLGRP_CONNTRACK_*) */
  listeners = new Set<CtListener>();
  constructor(readonly net: Net) {
    gcWorkOf(net).nets.add(this);
  }

  tupleTaken(t: Tuple, ignore: NfConn): boolean {
    // nf_nat_used_tuple(): is the reply (inverse) of `t` some other conn's tuple? (an expired
    // one found on the way is collected)
    const h = this.lookup(invert(t));
    if (h !== undefined && h.ct !== ignore && h.ct.timeout <= nfIpv4Ops.now(this.net)) {
      nfCtDelete(h.ct, 0);
      return false;
    }
    return h !== undefined && h.ct !== ignore;
  }

  /** the entry of tuple `t` (hash.get(tupleKey(t)) without building the key) */
  lookup(t: Tuple): CtHashEntry | undefined {
    const src = t.src, dst = t.dst, proto = t.proto, sport = t.sport, dport = t.dport, zone = t.zone ?? 0;
    let n = this.index.get(tupleHash(src, dst, proto, sport, dport));
    while (n !== undefined) {
      if (n.src === src && n.dst === dst && n.proto === proto && n.sport === sport && n.dport === dport && n.zone === zone) return n.h;
      n = n.next;
    }
    return undefined;
  }

  /** hash.set(tupleKey(t), h) and the same in the index */
  private setTuple(t: Tuple, h: CtHashEntry): void {
    this.hash.set(tupleKey(t), h);
    const k = tupleHash(t.src, t.dst, t.proto, t.sport, t.dport);
    const head = this.index.get(k);
    const zone = t.zone ?? 0;
    for (let n = head; n !== undefined; n = n.next) {
      if (n.src === t.src && n.dst === t.dst && n.proto === t.proto && n.sport === t.sport && n.dport === t.dport && n.zone === zone) {
        n.h = h;
        return;
      }
    }
    this.index.set(k, { src: t.src, dst: t.dst, proto: t.proto, sport: t.sport, dport: t.dport, zone, h, next: head });
  }

  /** hash.delete(tupleKey(t)) and the same in the index */
  private deleteTuple(t: Tuple): void {
    this.hash.delete(tupleKey(t));
    const k = tupleHash(t.src, t.dst, t.proto, t.sport, t.dport);
    let prev: CtHashNode | undefined;
    const zone = t.zone ?? 0;
    for (let n = this.index.get(k); n !== undefined; prev = n, n = n.next) {
      if (n.src === t.src && n.dst === t.dst && n.proto === t.proto && n.sport === t.sport && n.dport === t.dport && n.zone === zone) {
        if (prev) prev.next = n.next;
        else if (n.next) this.index.set(k, n.next);
        else this.index.delete(k);
        return;
      }
    }
  }

  /** __nf_conntrack_find_get(): the live entry of `t`; an expired one is collected */
  find(t: Tuple): CtHashEntry | undefined {
    const h = this.lookup(t);
    if (!h) return undefined;
    if (h.ct.timeout <= nfIpv4Ops.now(this.net)) {
      nfCtDelete(h.ct, 0);
      return undefined;
    }
    return h;
  }

  insert(ct: NfConn): void {
    this.setTuple(ct.tuplehash[0], { ct, dir: 0 });
    this.setTuple(ct.tuplehash[1], { ct, dir: 1 });
    ct.status |= IPS_CONFIRMED;
  }

  /** unhash (nf_ct_delete_from_lists) */
  delete(ct: NfConn): void {
    for (let d = 0; d < 2; d++) {
      const t = ct.tuplehash[d]!;
      if (this.lookup(t)?.ct === ct) this.deleteTuple(t);
    }
  }

  conns(): NfConn[] {
    const out: NfConn[] = [];
    for (const h of this.hash.values()) if (h.dir === 0) out.push(h.ct);
    return out;
  }

  /** nfnetlink: a listener bound to NFNLGRP_CONNTRACK_* groups (`groups`: NFCT_GRP_* bits) */
  listen(groups: number): NfConntrackListener {
    const l = new CtListener(this, groups);
    this.listeners.add(l);
    return l;
  }
}

/** a ctnetlink event socket: its receive queue and a reader waiting on it */
class CtListener implements NfConntrackListener {
  private queue: NfConntrackEvent[] = [];
  private readable: (() => void) | undefined;
  constructor(
    private readonly c: CtNet,
    readonly groups: number,
  ) {}
  push(e: NfConntrackEvent): void {
    this.queue.push(e);
    this.readable?.();
  }
  read(): NfConntrackEvent | undefined {
    return this.queue.shift();
  }
  onReadable(cb: (() => void) | undefined): void {
    this.readable = cb;
    if (cb && this.queue.length) cb();
  }
  close(): void {
    this.c.listeners.delete(this);
    this.readable = undefined;
  }
}

/** enum ip_conntrack_events (those this model raises) */
export const IPCT_NEW = 0;
export const IPCT_RELATED = 1;
export const IPCT_DESTROY = 2;
export const IPCT_REPLY = 3;
export const IPCT_ASSURED = 4;
export const IPCT_PROTOINFO = 5;
export const IPCT_MARK = 7;


/** nf_ct_ecache_ext_add(): 0 never, 1 always, 2 (default) when the namespace has a listener */
function ecacheExtAdd(c: CtNet, ct: NfConn): void {
  const ev = c.sysctl["nf_conntrack_events"];
  if (ev === 1 || (ev === 2 && c.listeners.size > 0)) ct.ecache = 0;
}

/** nf_conntrack_event_cache() */
export function nfConntrackEventCache(ct: NfConn, event: number): void {
  if (ct.ecache >= 0) ct.ecache |= 1 << event;
}

/** nf_ct_deliver_cached_events(): what the packet changed, as one message */
function nfCtDeliverCachedEvents(ct: NfConn): void {
  if (ct.ecache <= 0) return;
  const events = ct.ecache;
  ct.ecache = 0;
  ctnetlinkConntrackEvent(ct, events, 0);
}

/** net/netfilter/nf_conntrack_netlink.c: ctnetlink_conntrack_event(): the message and its group */
function ctnetlinkConntrackEvent(ct: NfConn, events: number, portid: number): void {
  const c = ct.cnet;
  if (!c.listeners.size) return;
  let type: NfConntrackEvent["type"];
  let group: number;
  if (events & (1 << IPCT_DESTROY)) {
    type = "DESTROY";
    group = NFCT_GRP_DESTROY;
  } else if (events & ((1 << IPCT_NEW) | (1 << IPCT_RELATED))) {
    type = "NEW";
    group = NFCT_GRP_NEW;
  } else {
    type = "UPDATE";
    group = NFCT_GRP_UPDATE;
  }
  const secs = nfCtExpiresSecs(ct, nfIpv4Ops.now(c.net));
  const tcp = ct.tuplehash[0].proto === 6;
  const destroy = type === "DESTROY";
  const entry: NfConntrackEvent["entry"] = {
    l3num: 2, orig: userTuple(ct.tuplehash[0]), reply: userTuple(ct.tuplehash[1]), status: ct.status, id: ct.id, zone: 0,
    ...zoneAttrs(ct),
  };
  // ctnetlink_dump_timeout(skb, ct, skip_zero = destroy); protoinfo: a destroy's always, else
  // with IPCT_PROTOINFO; the mark when set or changed
  if (!destroy || secs > 0) entry.timeout = secs;
  if (tcp && (destroy || events & (1 << IPCT_PROTOINFO))) entry.protoState = ct.tcpState;
  if (ct.mark || events & (1 << IPCT_MARK)) entry.mark = ct.mark;
  // ctnetlink_dump_acct(): a destroy carries the counters
  if (destroy && ct.acct) entry.counters = [...ct.acct] as [number, number, number, number];
  for (const l of c.listeners) if (l.groups & group) l.push({ type, entry, portid });
}

/**
 * nf_ct_delete(): the entry is dying — its DESTROY event (with the portid of the process
 * whose request deleted it, 0 for the kernel), then out of the table
 */
export function nfCtDelete(ct: NfConn, portid: number): void {
  if (ct.dying) return;
  ct.dying = true;
  if (ct.ecache >= 0) ctnetlinkConntrackEvent(ct, 1 << IPCT_DESTROY, portid);
  ct.cnet.delete(ct);
}

/**
 * nf_conntrack_core.c: the machine's one gc_worker over every namespace's entries. It first
 * runs a second after the module loads; each full scan collects the expired entries and
 * waits the running average of the others' remaining timeouts, weighted with 100 entries of
 * GC_SCAN_INTERVAL_INIT, clamped to [1 s, 60 s]: 60 s until the machine holds millions.
 */
interface GcWork {
  nets: Set<CtNet>;
}
const gcWorks = new WeakMap<object, GcWork>();
const JIFFY = SEC / HZ;
const GC_SCAN_INTERVAL_MIN = 1 * HZ;
const GC_SCAN_INTERVAL_MAX = 60 * HZ;
const GC_SCAN_INTERVAL_CLAMP = 300 * HZ;
const GC_SCAN_INTERVAL_INIT = 0x7fffffff;
const GC_SCAN_INITIAL_COUNT = 100;

function gcWorkOf(net: Net): GcWork {
  const key = net.host.world;
  let g = gcWorks.get(key);
  if (!g) {
    const gw: GcWork = { nets: new Set() };
    gcWorks.set(key, (g = gw));
    nfIpv4Ops.after(net, HZ * JIFFY, () => gcWorker(gw, net));
  }
  return g;
}

function gcWorker(g: GcWork, anyNet: Net): void {
  const now = nfIpv4Ops.now(anyNet);
  let nextRun = GC_SCAN_INTERVAL_INIT;
  let count = GC_SCAN_INITIAL_COUNT;
  for (const c of g.nets) {
    for (const ct of c.conns()) {
      if (ct.timeout <= now) {
        nfCtDelete(ct, 0);
        continue;
      }
      const expires = Math.min(Math.max(Math.floor((ct.timeout - now) / JIFFY), GC_SCAN_INTERVAL_MIN), GC_SCAN_INTERVAL_CLAMP);
      nextRun += Math.trunc((expires - nextRun) / ++count);
    }
  }
  nextRun = Math.min(Math.max(nextRun, GC_SCAN_INTERVAL_MIN), GC_SCAN_INTERVAL_MAX);
  nfIpv4Ops.after(anyNet, nextRun * JIFFY, () => gcWorker(g, anyNet));
}

const ctNets = new NetGeneric<CtNet>();

export function ctNet(net: Net): CtNet {
  let c = ctNets.get(net);
  if (!c) {
    c = new CtNet(net);
    ctNets.set(net, c);
  }
  return c;
}

/** nf_conntrack_proto.c: nf_ct_netns_put(): the last user gone, the hooks go (the table and
 * its entries stay until they time out) */
export function nfCtNetnsPut(net: Net): void {
  const c = ctNet(net);
  if (c.users > 0 && --c.users === 0) {
    for (const o of c.hooks) nfUnregisterNetHook(net, o);
    c.hooks = [];
  }
}

/** nf_conntrack_proto.c: nf_ct_netns_get(): register the IPv4 conntrack hooks for the first user */
export function nfCtNetnsGet(net: Net): void {
  const c = ctNet(net);
  c.users++;
  if (c.hooks.length) return;
  c.hooks = [
    { pf: NFPROTO_IPV4, hooknum: NF_INET_PRE_ROUTING, priority: NF_IP_PRI_CONNTRACK, hook: (_p, skb, st) => ipv4ConntrackIn(skb, st) },
    { pf: NFPROTO_IPV4, hooknum: NF_INET_LOCAL_OUT, priority: NF_IP_PRI_CONNTRACK, hook: (_p, skb, st) => ipv4ConntrackIn(skb, st) },
    { pf: NFPROTO_IPV4, hooknum: NF_INET_POST_ROUTING, priority: NF_IP_PRI_CONNTRACK_CONFIRM, hook: (_p, skb, st) => ipv4Confirm(skb, st) },
    { pf: NFPROTO_IPV4, hooknum: NF_INET_LOCAL_IN, priority: NF_IP_PRI_CONNTRACK_CONFIRM, hook: (_p, skb, st) => ipv4Confirm(skb, st) },
  ];
  for (const o of c.hooks) nfRegisterNetHook(net, o);
}

/** nf_conntrack_proto_tcp.c, reduced: the state after a segment with `flags` in `dir` */
function tcpNextState(ct: NfConn, flags: number, dir: number): string {
  const s = ct.tcpState ?? "NONE";
  const SYN = 0x02, ACK = 0x10, FIN = 0x01, RST = 0x04;
  if (flags & RST) return "CLOSE";
  if (flags & SYN) {
    if (flags & ACK) return dir === 1 && (s === "SYN_SENT" || s === "SYN_RECV") ? "SYN_RECV" : s;
    return s === "NONE" || s === "CLOSE" || s === "TIME_WAIT" ? "SYN_SENT" : s;
  }
  if (flags & FIN) {
    if (s === "ESTABLISHED") return "FIN_WAIT";
    if (s === "FIN_WAIT" || s === "CLOSE_WAIT") return "LAST_ACK";
    return s;
  }
  if (flags & ACK) {
    if (s === "SYN_RECV" && dir === 0) return "ESTABLISHED";
    if (s === "FIN_WAIT") return "CLOSE_WAIT";
    if (s === "LAST_ACK") return "TIME_WAIT";
  }
  return s;
}

/** the protocol's packet(): refresh the timeout, move TCP's state, ASSURED; and
 * nf_ct_refresh_acct()'s nf_ct_acct_update(): one packet of skb->len bytes (the IP length
 * here) for its direction */
function ctPacket(ct: NfConn, skb: SkBuff, nh: number, dir: number): void {
  const assured = ct.status & IPS_ASSURED;
  const a = ct.acct;
  if (a) {
    a[dir * 2]!++;
    a[dir * 2 + 1]! += (skb.buf[nh + 2]! << 8) | skb.buf[nh + 3]!;
  }
  ctProtoPacket(ct, skb, nh, dir);
  if (!assured && ct.status & IPS_ASSURED) nfConntrackEventCache(ct, IPCT_ASSURED);
}

function ctProtoPacket(ct: NfConn, skb: SkBuff, nh: number, dir: number): void {
  const now = nfIpv4Ops.now(ct.cnet.net);
  const proto = ct.tuplehash[0].proto;
  const sc = ct.cnet.sysctl;
  if (proto === 1) {
    ct.timeout = now + sc["nf_conntrack_icmp_timeout"]! * SEC;
  } else if (proto === 17) {
    const UDP_TIMEOUT = sc["nf_conntrack_udp_timeout"]! * SEC;
    // udp_packet(): still active two seconds after it started -> a stream, ASSURED
    if (!ct.streamTs) ct.streamTs = now + 2 * SEC;
    if (ct.status & IPS_SEEN_REPLY) {
      if (now > ct.streamTs) {
        ct.timeout = now + sc["nf_conntrack_udp_timeout_stream"]! * SEC;
        ct.status |= IPS_ASSURED;
      } else ct.timeout = now + UDP_TIMEOUT;
    } else ct.timeout = now + UDP_TIMEOUT;
  } else if (proto === 6) {
    const th = nh + (skb.buf[nh]! & 0x0f) * 4;
    const flags = skb.buf[th + 13]!;
    const st = tcpNextState(ct, flags, dir);
    const old = ct.tcpState;
    ct.tcpState = st === "NONE" ? "ESTABLISHED" : st;
    if (ct.tcpState !== old) nfConntrackEventCache(ct, IPCT_PROTOINFO);
    if (ct.tcpState === "ESTABLISHED" && ct.status & IPS_SEEN_REPLY) ct.status |= IPS_ASSURED;
    const t = sc[`nf_conntrack_tcp_timeout_${ct.tcpState.toLowerCase()}`];
    ct.timeout = now + (t !== undefined ? t * SEC : TCP_TIMEOUTS[ct.tcpState] ?? sc["nf_conntrack_generic_timeout"]! * SEC);
  } else {
    ct.timeout = now + sc["nf_conntrack_generic_timeout"]! * SEC;
  }
}

/** nf_conntrack_core.c: nf_conntrack_in() */
export function ipv4ConntrackIn(skb: SkBuff, state: NfHookState): number {
  if (skb.nfct !== undefined) {
    // a template (NOTRACK) or a packet looped back already tracked
    return NF_ACCEPT;
  }
  const c = ctNet(state.net);
  const nh = ipHdrOff(skb);
  const b = skb.buf;
  if ((rd16(b, nh + 6) & 0x1fff) !== 0) return NF_ACCEPT; // non-first fragment: defrag not emulated
  const t = pktTuple;
  if (!getTupleInto(b, nh, skb.tail, t)) return NF_ACCEPT;
  if (t.proto === 1) {
    const type = t.dport >> 8;
    if (ICMP_ERRORS.has(type)) return icmpErrorRelated(c, skb, nh);
    if (!ICMP_NEW.has(type) && !c.find(t)) return NF_ACCEPT; // icmp_new(): not a request -> INVALID
  }
  let h = c.find(t);
  if (!h) {
    if (t.proto === 6) {
      const th = nh + (b[nh]! & 0x0f) * 4;
      const flags = b[th + 13]!;
      // tcp_new(): only a SYN (or a mid-stream pickup, nf_conntrack_tcp_loose=1) starts one
      if (flags & 0x04) return NF_ACCEPT;
    }
    const ct = new NfConn(c, { src: t.src, dst: t.dst, proto: t.proto, sport: t.sport, dport: t.dport });
    // init_conntrack(): nf_ct_acct_ext_add() when the sysctl is on now
    if (c.sysctl["nf_conntrack_acct"]) ct.acct = [0, 0, 0, 0];
    ecacheExtAdd(c, ct);
    skb.nfct = ct;
    skb.ctinfo = IP_CT_NEW;
    ctPacket(ct, skb, nh, 0);
    return NF_ACCEPT;
  }
  const ct = h.ct;
  const seenReply = ct.status & IPS_SEEN_REPLY;
  if (h.dir === IP_CT_DIR_REPLY) {
    skb.ctinfo = IP_CT_ESTABLISHED_REPLY;
    if (!(ct.status & IPS_SEEN_REPLY)) nfConntrackEventCache(ct, IPCT_REPLY);
    ct.status |= IPS_SEEN_REPLY;
  } else {
    skb.ctinfo = ct.status & IPS_SEEN_REPLY ? IP_CT_ESTABLISHED : IP_CT_NEW;
  }
  skb.nfct = ct;
  if (t.proto === 6 && !seenReply && b[nh + (b[nh]! & 0x0f) * 4 + 13]! & 0x04) {
    // nf_conntrack_proto_tcp.c: tcp_packet(): "If only reply is a RST, we can consider
    // ourselves not to have an established connection ... delete the conntrack immediately."
    nfCtKill(c, ct);
    return NF_ACCEPT;
  }
  ctPacket(ct, skb, nh, h.dir);
  return NF_ACCEPT;
}

/** nf_conntrack_core.c: nf_ct_kill(): unlink a confirmed entry from the table now */
function nfCtKill(_c: CtNet, ct: NfConn): void {
  nfCtDelete(ct, 0);
}

/** nf_conntrack_proto_icmp.c: nf_conntrack_icmpv4_error(): RELATED to the quoted packet's conn */
function icmpErrorRelated(c: CtNet, skb: SkBuff, nh: number): number {
  const b = skb.buf;
  const th = nh + (b[nh]! & 0x0f) * 4;
  const inner = th + 8;
  if (inner + 20 > skb.tail) return NF_ACCEPT;
  const it = getTuple(b, inner, skb.tail);
  if (!it) return NF_ACCEPT;
  const h = c.find(invert(it));
  if (!h) return NF_ACCEPT;
  skb.nfct = h.ct;
  skb.ctinfo = h.dir === IP_CT_DIR_REPLY ? IP_CT_RELATED_REPLY : IP_CT_RELATED;
  return NF_ACCEPT;
}

/** nf_conntrack_core.c: nf_confirm() -> __nf_conntrack_confirm(), then the cached events */
export function ipv4Confirm(skb: SkBuff, state: NfHookState): number {
  const ct = skb.nfct as NfConn | undefined;
  if (!(ct instanceof NfConn)) return NF_ACCEPT;
  // __nf_conntrack_confirm(): only the original direction confirms (an ICMP error or reset
  // attached as RELATED_REPLY to a conntrack does not)
  if (!(ct.status & IPS_CONFIRMED) && skb.ctinfo < IP_CT_IS_REPLY) {
    const c = ctNet(state.net);
    // a clash with a conn confirmed meanwhile: drop (nf_ct_resolve_clash would merge)
    if (c.find(ct.tuplehash[0]) || c.find(ct.tuplehash[1])) return NF_DROP;
    c.insert(ct);
    nfConntrackEventCache(ct, IPCT_NEW);
  }
  nfCtDeliverCachedEvents(ct);
  return NF_ACCEPT;
}

/** the netns's entries as userland sees them (ctnetlink dump); `zero`: the counters are
 * reported, then reset (ctnetlink_dump_acct() for IPCTNL_MSG_CT_GET_CTRZERO) */
export function nfConntrackDump(net: Net, zero = false): NfConntrackInfo[] {
  const c = ctNets.get(net);
  if (!c) return [];
  const now = nfIpv4Ops.now(net);
  const out: NfConntrackInfo[] = [];
  for (const ct of c.conns()) {
    // ctnetlink_dump_table() / ct_seq_show(): an expired entry on the way is killed
    if (ct.timeout <= now) {
      nfCtDelete(ct, 0);
      continue;
    }
    out.push(ctnetlinkInfo(ct, now));
    if (zero && ct.acct) ct.acct.fill(0);
  }
  return out;
}

/** ctnetlink_fill_info(): an entry as a dump or a get reports it */
function ctnetlinkInfo(ct: NfConn, now: number): NfConntrackInfo {
  return {
    l3num: 2, orig: userTuple(ct.tuplehash[0]), reply: userTuple(ct.tuplehash[1]),
    timeout: nfCtExpiresSecs(ct, now), protoState: ct.tuplehash[0].proto === 6 ? ct.tcpState : undefined,
    status: ct.status, mark: ct.mark, use: 1, id: ct.id, zone: 0, ...zoneAttrs(ct),
    ...(ct.acct ? { counters: [...ct.acct] as [number, number, number, number] } : {}),
  };
}

function userTuple(t: Tuple): NfConntrackTuple {
  if (t.proto === 1) return { src: t.src, dst: t.dst, protonum: 1, type: t.dport >> 8, code: t.dport & 0xff, id: t.sport };
  if (hasPorts(t.proto)) return { src: t.src, dst: t.dst, protonum: t.proto, sport: t.sport, dport: t.dport };
  return { src: t.src, dst: t.dst, protonum: t.proto };
}

/**
 * net/netfilter/nf_conntrack_core.c: nf_ct_iterate_cleanup_net(): delete every entry `kill`
 * selects; returns how many went.
 */
export function nfCtIterateCleanupNet(net: Net, kill: (ct: NfConn) => boolean): number {
  const c = ctNets.get(net);
  if (!c) return 0;
  let n = 0;
  for (const ct of c.conns()) {
    if (!kill(ct)) continue;
    nfCtDelete(ct, 0);
    n++;
  }
  return n;
}

/** ctnetlink delete / flush: by id (undefined: all), for the process of netlink `portid`;
 * returns how many went */
export function nfConntrackDelete(net: Net, ids: number[] | undefined, portid = 0): number {
  const c = ctNets.get(net);
  if (!c) return 0;
  let n = 0;
  for (const ct of c.conns()) {
    if (ids && !ids.includes(ct.id)) continue;
    nfCtDelete(ct, portid);
    n++;
  }
  return n;
}

/** ctnetlink_parse_tuple(): a tuple of a family other than IPv4 and IPv6 is EOPNOTSUPP */
export function ctnlFamilyErr(family: number): KErr | undefined {
  return family === 2 || family === 10 ? undefined : kerr("EOPNOTSUPP");
}

/** tcp_conntrack_names[]: the states a TCP entry's protoinfo may carry */
const TCP_CONNTRACK_NAMES = ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"];

/**
 * nf_conntrack_netlink.c: ctnetlink_new_conntrack() on an existing entry (conntrack -U):
 * ctnetlink_change_conntrack() — the timeout, the status bits that may change (SEEN_REPLY and
 * ASSURED only set), the mark — then the update's event. Returns the entry as a get shows
 * it, or EBUSY / ENOENT.
 */
export function nfConntrackUpdate(net: Net, id: number, mark: number, status: number, timeout: number | undefined, portid: number): NfConntrackInfo | KErr {
  const c = ctNets.get(net);
  const ct = c?.conns().find((x) => x.id === id);
  if (!ct || ct.dying) return kerr("ENOENT");
  const now = nfIpv4Ops.now(net);
  if (timeout !== undefined) ct.timeout = now + Math.min(timeout, 0x7fffffff / HZ) * SEC;
  const d = ct.status ^ status;
  if (d & IPS_SEEN_REPLY && !(status & IPS_SEEN_REPLY)) return kerr("EBUSY");
  if (d & IPS_ASSURED && !(status & IPS_ASSURED)) return kerr("EBUSY");
  ct.status = (ct.status & IPS_UNCHANGEABLE_MASK) | (status & ~IPS_UNCHANGEABLE_MASK);
  ct.mark = mark >>> 0;
  if (ct.ecache >= 0) ctnetlinkConntrackEvent(ct, (1 << IPCT_REPLY) | (1 << IPCT_ASSURED) | (1 << IPCT_PROTOINFO) | (1 << IPCT_MARK), portid);
  return ctnetlinkInfo(ct, now);
}

/** a tuple as ctnetlink carries it (CTA_TUPLE_*): addresses, protocol, ports / ICMP fields;
 * `proto` undefined when the message had no CTA_PROTO_NUM */
export interface CtnlTuple {
  src: number;
  dst: number;
  proto: number | undefined;
  /** tcp/udp/sctp/dccp/udplite ports (undefined: not given) */
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
}

/** ctnetlink_parse_tuple_proto(): the tuple, or EINVAL for a missing protocol or port */
function ctnlToTuple(t: CtnlTuple): Tuple | KErr {
  if (t.proto === undefined) return kerr("EINVAL");
  if (hasPorts(t.proto)) {
    if (t.sport === undefined || t.dport === undefined) return kerr("EINVAL");
    return { src: t.src, dst: t.dst, proto: t.proto, sport: t.sport, dport: t.dport };
  }
  if (t.proto === 1) {
    // icmp_nlattr_to_tuple(): type, code and id all needed; a type with no reply is invalid
    if (t.icmpType === undefined || t.icmpCode === undefined || t.icmpId === undefined) return kerr("EINVAL");
    if (ICMP_INVMAP[t.icmpType] === undefined) return kerr("EINVAL");
    return { src: t.src, dst: t.dst, proto: 1, sport: t.icmpId, dport: (t.icmpType << 8) | t.icmpCode };
  }
  return { src: t.src, dst: t.dst, proto: t.proto, sport: 0, dport: 0 };
}

/**
 * nf_conntrack_netlink.c: ctnetlink_new_conntrack() with NLM_F_CREATE | NLM_F_EXCL
 * (conntrack -I): both tuples needed, an existing original tuple is EEXIST; then
 * ctnetlink_create_conntrack(): a timeout is needed, the status bits that may be set, the TCP
 * state, the mark; nf_conntrack_hash_check_insert() refuses a tuple in use (EEXIST); the
 * NEW event names the requester's portid.
 */
export function nfConntrackCreate(
  net: Net, orig: CtnlTuple, reply: CtnlTuple, timeout: number | undefined, status: number | undefined, mark: number | undefined,
  tcpState: string | undefined, portid: number, zone?: { id: number; dir: number },
): number | KErr {
  const o = ctnlToTuple(orig);
  if ("errno" in o) return o;
  const r = ctnlToTuple(reply);
  if ("errno" in r) return r;
  // the zone each direction's tuple is hashed in
  if (zone && zone.id) {
    if (zone.dir & NF_CT_ZONE_DIR_ORIG) o.zone = zone.id;
    if (zone.dir & NF_CT_ZONE_DIR_REPL) r.zone = zone.id;
  }
  const c = ctNet(net);
  if (c.find(o)) return kerr("EEXIST");
  if (o.proto !== r.proto) return kerr("EINVAL");
  if (timeout === undefined) return kerr("EINVAL");
  const ct = new NfConn(c, o);
  ct.tuplehash[1] = r;
  if (zone && zone.id) {
    ct.zoneId = zone.id;
    ct.zoneDir = zone.dir;
  }
  if (status !== undefined) {
    if (status & (IPS_EXPECTED | IPS_CONFIRMED)) return kerr("EBUSY");
    ct.status = status & ~IPS_UNCHANGEABLE_MASK;
  }
  if (o.proto === 6) {
    if (tcpState !== undefined && !TCP_CONNTRACK_NAMES.includes(tcpState)) return kerr("EINVAL");
    ct.tcpState = tcpState ?? "NONE";
  }
  if (mark !== undefined) ct.mark = mark >>> 0;
  if (c.sysctl["nf_conntrack_acct"]) ct.acct = [0, 0, 0, 0];
  ecacheExtAdd(c, ct);
  if (c.find(r)) return kerr("EEXIST");
  const now = nfIpv4Ops.now(net);
  ct.timeout = now + Math.min(timeout, 0x7fffffff / HZ) * SEC;
  c.insert(ct);
  if (ct.ecache >= 0) {
    ctnetlinkConntrackEvent(ct, (1 << IPCT_NEW) | (1 << IPCT_REPLY) | (1 << IPCT_ASSURED) | (1 << IPCT_PROTOINFO) | (1 << IPCT_MARK), portid);
    ct.ecache = 0;
  }
  return ct.id;
}

/** nfnetlink: a ctnetlink event listener of `net`'s conntrack (groups: NFCT_GRP_* bits) */
export function nfConntrackListen(net: Net, groups: number): NfConntrackListener {
  return ctNet(net).listen(groups);
}
