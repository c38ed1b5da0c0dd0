/**
 * The kernel side of the iptables extensions (packet fields): pkttype, statistic, quota, dscp, tos, owner, sctp; the targets DSCP, TOS, TCPMSS
 * (net/netfilter/xt_*.c), registered with x_tables.
 */
import type { SkBuff } from "../core/skbuff.ts";
import { CHECKSUM_PARTIAL } from "../core/skbuff.ts";
import { kerr } from "../uapi/errno.ts";
import { flowi4, ipRouteOutputKey, ipv4Mtu, type Rtable } from "../ipv4/route.ts";
import { NFPROTO_IPV4, NF_INET_FORWARD, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING } from "./core.ts";
import { ipHdrOff } from "./ip_tables.ts";
import { nfIpv4Ops } from "./nf_glue.ts";
import { XT_CONTINUE, xtRegisterMatch, xtRegisterTarget, type XtActionParam } from "./x_tables.ts";
import { csumReplace2 } from "./xt_targets.ts";
import { XT_SCTP_SRC_PORTS, XT_SCTP_DEST_PORTS, XT_SCTP_CHUNK_TYPES, SCTP_CHUNK_MATCH_ANY, SCTP_CHUNK_MATCH_ALL, SCTP_CHUNK_MATCH_ONLY } from "../uapi/xt_sctp.ts";
import { XT_OWNER_GID, XT_OWNER_MASK, XT_OWNER_SOCKET, XT_OWNER_SUPPL_GROUPS, XT_OWNER_UID } from "../uapi/xt_owner.ts";

const IPPROTO_TCP = 6;
const IPPROTO_SCTP = 132;
const NF_DROP = 0;
const FWD = 1 << NF_INET_FORWARD;
const OUT = 1 << NF_INET_LOCAL_OUT;
const POST = 1 << NF_INET_POST_ROUTING;

const rd16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const rd32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/** include/net/checksum.h: inet_proto_csum_replace2/4() on the transport checksum at `off`: a
 * CHECKSUM_PARTIAL packet's field holds the pseudo-header sum only, changed by pseudo-header
 * words alone */
function protoCsumReplace(skb: SkBuff, off: number, from: number, to: number, pseudohdr: boolean, wide = false): void {
  if (skb.ipSummed !== CHECKSUM_PARTIAL) {
    if (wide) {
      csumReplace2(skb.buf, off, from >>> 16, to >>> 16);
      csumReplace2(skb.buf, off, from & 0xffff, to & 0xffff);
    } else csumReplace2(skb.buf, off, from, to);
  } else if (pseudohdr) {
    // ~csum_fold(csum_add(csum_sub(csum_unfold(*sum), from), to)): the stored value is not inverted
    const b = skb.buf;
    let c = (b[off]! << 8) | b[off + 1]!;
    c += (~from) & 0xffff;
    c += to;
    c = (c & 0xffff) + (c >>> 16);
    c = (c & 0xffff) + (c >>> 16);
    b[off] = c >> 8;
    b[off + 1] = c & 0xff;
  }
}

// ---- xt_pkttype.c ----
const PACKET_MULTICAST = 2;
const PACKET_BROADCAST = 1;
const PACKET_LOOPBACK = 5;
function pkttypeMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  let type: number;
  if (skb.pktType !== PACKET_LOOPBACK) type = skb.pktType;
  else if ((skb.buf[ipHdrOff(skb) + 16]! & 0xf0) === 0xe0) type = PACKET_MULTICAST;
  else type = PACKET_BROADCAST;
  return (type === d.pkttype) !== !!d.invert;
}

// ---- xt_statistic.c ----
const XT_STATISTIC_MODE_RANDOM = 0;
const XT_STATISTIC_MODE_NTH = 1;
const XT_STATISTIC_INVERT = 1;
function statisticMt(_skb: SkBuff, par: XtActionParam, d: any, st: { count: number }): boolean {
  let ret = !!(d.flags & XT_STATISTIC_INVERT);
  if (d.mode === XT_STATISTIC_MODE_RANDOM) {
    if (((nfIpv4Ops.random32(par.net) & 0x7fffffff) >>> 0) < d.probability) ret = !ret;
  } else if (d.mode === XT_STATISTIC_MODE_NTH) {
    const nval = st.count === d.every ? 0 : (st.count + 1) >>> 0;
    st.count = nval;
    if (nval === 0) ret = !ret;
  }
  return ret;
}

// ---- xt_quota.c (the remaining quota of the rule, a u64) ----
const XT_QUOTA_INVERT = 1;
function quotaMt(skb: SkBuff, _par: XtActionParam, d: any, st: { quota: bigint }): boolean {
  let ret = !!(d.flags & XT_QUOTA_INVERT);
  const len = BigInt(skb.tail - ipHdrOff(skb));
  if (st.quota >= len) {
    st.quota -= len;
    ret = !ret;
  } else st.quota = 0n;
  return ret;
}

// ---- xt_dscp.c: dscp and tos ----
function dscpMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const dscp = skb.buf[ipHdrOff(skb) + 1]! >> 2;
  return (dscp === d.dscp) !== !!d.invert;
}
function tosMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  return ((skb.buf[ipHdrOff(skb) + 1]! & d.tos_mask) === d.tos_value) !== !!d.invert;
}

// ---- xt_owner.c (every process here runs as root: fsuid 0, fsgid 0, no supplementary groups) ----
function ownerMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const sk = skb.sk;
  if (!sk) return (d.match ^ d.invert) === 0;
  if (d.match & d.invert & XT_OWNER_SOCKET) return false;
  const fsuid = 0;
  const fsgid = 0;
  if (d.match & XT_OWNER_UID) {
    if ((fsuid >= d.uid_min && fsuid <= d.uid_max) !== !(d.invert & XT_OWNER_UID)) return false;
  }
  if (d.match & XT_OWNER_GID) {
    const match = fsgid >= d.gid_min && fsgid <= d.gid_max;
    if (match !== !(d.invert & XT_OWNER_GID)) return false;
  }
  return true;
}

// ---- xt_sctp.c ----
const mapIsSet = (m: number[], t: number): boolean => ((m[t >> 5]! >>> (t & 31)) & 1) === 1;
function sctpChunkTypesMatch(skb: SkBuff, off: number, d: any, par: XtActionParam): boolean {
  const b = skb.buf;
  const chunkmapcopy = (d.chunkmap as number[]).slice();
  const cmt = d.chunk_match_type;
  const flagInfo = (d.flag_info as { chunktype: number; flag: number; flag_mask: number }[]).slice(0, d.flag_count);
  do {
    const length = off + 4 > skb.tail ? 0 : rd16(b, off + 2);
    if (length === 0) {
      // an invalid packet
      par.hotdrop = true;
      return false;
    }
    const type = b[off]!;
    const flags = b[off + 1]!;
    off += (length + 3) & ~3;
    if (mapIsSet(d.chunkmap, type)) {
      if (cmt === SCTP_CHUNK_MATCH_ANY) {
        const f = flagInfo.find((x) => x.chunktype === type);
        if (!f || (flags & f.flag_mask) === f.flag) return true;
      } else if (cmt === SCTP_CHUNK_MATCH_ALL) {
        const f = flagInfo.find((x) => x.chunktype === type);
        if (!f || (flags & f.flag_mask) === f.flag) chunkmapcopy[type >> 5] = (chunkmapcopy[type >> 5]! & ~(1 << (type & 31))) >>> 0;
      } else if (cmt === SCTP_CHUNK_MATCH_ONLY) {
        const f = flagInfo.find((x) => x.chunktype === type);
        if (f && (flags & f.flag_mask) !== f.flag) return false;
      }
    } else if (cmt === SCTP_CHUNK_MATCH_ONLY) return false;
  } while (off < skb.tail);
  if (cmt === SCTP_CHUNK_MATCH_ALL) return chunkmapcopy.every((w) => w === 0);
  if (cmt === SCTP_CHUNK_MATCH_ANY) return false;
  return true;
}
function sctpMt(skb: SkBuff, par: XtActionParam, d: any): boolean {
  if (par.fragoff !== 0) return false;
  const th = par.thoff;
  if (th + 12 > skb.tail) {
    par.hotdrop = true;
    return false;
  }
  const sp = rd16(skb.buf, th);
  const dp = rd16(skb.buf, th + 2);
  const flagTest = (flag: number, cond: boolean) => !(d.flags & flag) || (cond !== !!(d.invflags & flag));
  return flagTest(XT_SCTP_SRC_PORTS, sp >= d.spts[0] && sp <= d.spts[1]) &&
    flagTest(XT_SCTP_DEST_PORTS, dp >= d.dpts[0] && dp <= d.dpts[1]) &&
    flagTest(XT_SCTP_CHUNK_TYPES, sctpChunkTypesMatch(skb, th + 12, d, par));
}
function sctpCheck(d: any): boolean {
  if (d.flags & ~(XT_SCTP_SRC_PORTS | XT_SCTP_DEST_PORTS | XT_SCTP_CHUNK_TYPES)) return false;
  if (d.invflags & ~(XT_SCTP_SRC_PORTS | XT_SCTP_DEST_PORTS | XT_SCTP_CHUNK_TYPES)) return false;
  if (d.invflags & ~d.flags) return false;
  if (!(d.flags & XT_SCTP_CHUNK_TYPES)) return true;
  return [SCTP_CHUNK_MATCH_ALL, SCTP_CHUNK_MATCH_ANY, SCTP_CHUNK_MATCH_ONLY].includes(d.chunk_match_type);
}

// ---- xt_DSCP.c: DSCP and TOS ----
/** include/net/dsfield.h: ipv4_change_dsfield() */
function ipv4ChangeDsfield(skb: SkBuff, mask: number, value: number): void {
  const b = skb.buf;
  const nh = ipHdrOff(skb);
  const old = b[nh + 1]!;
  const dsfield = ((old & mask) | value) & 0xff;
  let check = rd16(b, nh + 10);
  check += old;
  if ((check + 1) >>> 16) check = (check + 1) & 0xffff;
  check -= dsfield;
  check += check >> 16; // adjust carry
  check &= 0xffff;
  b[nh + 10] = check >> 8;
  b[nh + 11] = check & 0xff;
  b[nh + 1] = dsfield;
}
function dscpTg(skb: SkBuff, _par: XtActionParam, d: any): number {
  const dsfield = skb.buf[ipHdrOff(skb) + 1]! >> 2;
  if (dsfield !== d.dscp) ipv4ChangeDsfield(skb, 0x03, d.dscp << 2);
  return XT_CONTINUE;
}
function tosTg(skb: SkBuff, _par: XtActionParam, d: any): number {
  const orig = skb.buf[ipHdrOff(skb) + 1]!;
  const nv = ((orig & ~d.tos_mask) ^ d.tos_value) & 0xff;
  if (orig !== nv) ipv4ChangeDsfield(skb, 0, nv);
  return XT_CONTINUE;
}

// ---- xt_TCPMSS.c ----
const XT_TCPMSS_CLAMP_PMTU = 0xffff;
const TCPOPT_MSS = 2;
const TCPOLEN_MSS = 4;
/** tcpmss_reverse_mtu(): the MTU of the route back to the sender */
function tcpmssReverseMtu(par: XtActionParam, skb: SkBuff): number {
  const rt = ipRouteOutputKey(par.net, flowi4(rd32(skb.buf, ipHdrOff(skb) + 12)));
  return rt && typeof rt === "object" && "dev" in rt ? ipv4Mtu(rt as Rtable) : 0xffffffff;
}
/** tcpmss_mangle_packet(): the bytes added (0 or 4), -1 to drop */
function tcpmssMangle(skb: SkBuff, par: XtActionParam, d: any, tcphoff: number, minlen: number): number {
  if (par.fragoff !== 0) return 0;
  const nh = ipHdrOff(skb);
  const len = skb.tail - nh - tcphoff;
  if (len < 20) return -1;
  const th = nh + tcphoff;
  const b = skb.buf;
  const tcpHdrlen = (b[th + 12]! >> 4) * 4;
  if (len < tcpHdrlen || tcpHdrlen < 20) return -1;
  let newmss: number;
  if (d.mss === XT_TCPMSS_CLAMP_PMTU) {
    const dst = skb.dst as Rtable | undefined;
    const minMtu = Math.min(dst ? ipv4Mtu(dst) : 0xffffffff, tcpmssReverseMtu(par, skb));
    if (minMtu <= minlen) return -1;
    newmss = (minMtu - minlen) & 0xffff;
  } else newmss = d.mss;
  for (let i = 20; i <= tcpHdrlen - TCPOLEN_MSS; ) {
    if (b[th + i] === TCPOPT_MSS && b[th + i + 1] === TCPOLEN_MSS) {
      const oldmss = rd16(b, th + i + 2);
      // never increase the MSS
      if (oldmss <= newmss) return 0;
      b[th + i + 2] = newmss >> 8;
      b[th + i + 3] = newmss & 0xff;
      protoCsumReplace(skb, th + 16, oldmss, newmss, false);
      return 0;
    }
    // optlen(): zero-length options make finite progress
    i += b[th + i]! <= 1 || b[th + i + 1] === 0 ? 1 : b[th + i + 1]!;
  }
  // data after the header, or no room in doff: the packet goes unmodified
  if (len > tcpHdrlen) return 0;
  if (tcpHdrlen >= 15 * 4) return 0;
  // no MSS option: add one (RFC 1122's default send MSS caps it)
  if (skb.buf.length < skb.tail + TCPOLEN_MSS) {
    const nb = new Uint8Array(skb.tail + TCPOLEN_MSS + 64);
    nb.set(skb.buf);
    skb.buf = nb;
  }
  const bb = skb.buf;
  skb.tail += TCPOLEN_MSS;
  newmss = Math.min(newmss, 536);
  const opt = th + 20;
  bb.copyWithin(opt + TCPOLEN_MSS, opt, opt + len - 20);
  protoCsumReplace(skb, th + 16, len, len + TCPOLEN_MSS, true);
  bb[opt] = TCPOPT_MSS;
  bb[opt + 1] = TCPOLEN_MSS;
  bb[opt + 2] = newmss >> 8;
  bb[opt + 3] = newmss & 0xff;
  protoCsumReplace(skb, th + 16, 0, rd32(bb, opt), false, true);
  const oldval = rd16(bb, th + 12);
  bb[th + 12] = (bb[th + 12]! + ((TCPOLEN_MSS / 4) << 4)) & 0xff;
  protoCsumReplace(skb, th + 16, oldval, rd16(bb, th + 12), false);
  return TCPOLEN_MSS;
}
function tcpmssTg(skb: SkBuff, par: XtActionParam, d: any): number {
  const nh = ipHdrOff(skb);
  const ret = tcpmssMangle(skb, par, d, (skb.buf[nh]! & 0x0f) * 4, 40);
  if (ret < 0) return NF_DROP;
  if (ret > 0) {
    const b = skb.buf;
    const old = rd16(b, nh + 2);
    const nl = (old + ret) & 0xffff;
    csumReplace2(b, nh + 10, old, nl);
    b[nh + 2] = nl >> 8;
    b[nh + 3] = nl & 0xff;
  }
  return XT_CONTINUE;
}

let done = false;

export function xtPktInit(): void {
  if (done) return;
  done = true;
  const F = NFPROTO_IPV4;
  xtRegisterMatch({ name: "pkttype", revision: 0, family: F, match: pkttypeMt });
  xtRegisterMatch({
    name: "statistic", revision: 0, family: F, match: statisticMt,
    checkentry: (_p, d) => (Number(d["mode"]) > XT_STATISTIC_MODE_NTH || Number(d["flags"]) & ~XT_STATISTIC_INVERT ? kerr("EINVAL") : undefined),
    // the per-rule counter (info->master), set from the count iptables computed
    compile: (d) => ({ count: Number(d["count"] ?? 0) >>> 0 }),
  });
  xtRegisterMatch({
    name: "quota", revision: 0, family: F, match: quotaMt,
    checkentry: (_p, d) => (Number(d["flags"]) & ~XT_QUOTA_INVERT ? kerr("EINVAL") : undefined),
    compile: (d) => ({ quota: BigInt(String(d["quota"] ?? "0")) }),
  });
  xtRegisterMatch({ name: "dscp", revision: 0, family: F, match: dscpMt,
    checkentry: (_p, d) => (Number(d["dscp"]) > 0x3f ? kerr("EDOM") : undefined) });
  xtRegisterMatch({ name: "tos", revision: 1, family: F, match: tosMt });
  xtRegisterMatch({
    name: "owner", revision: 1, family: F, hooks: OUT | POST, match: ownerMt,
    checkentry: (_p, d) => {
      const m = Number(d["match"]);
      if (m & ~XT_OWNER_MASK) return kerr("EINVAL");
      // uid/gid -1 is invalid; a range must not run backwards
      if (m & XT_OWNER_UID && (Number(d["uid_min"]) === 0xffffffff || Number(d["uid_max"]) === 0xffffffff || Number(d["uid_max"]) < Number(d["uid_min"]))) return kerr("EINVAL");
      if (m & XT_OWNER_GID && (Number(d["gid_min"]) === 0xffffffff || Number(d["gid_max"]) === 0xffffffff || Number(d["gid_max"]) < Number(d["gid_min"]))) return kerr("EINVAL");
      void XT_OWNER_SUPPL_GROUPS;
      return undefined;
    },
  });
  xtRegisterMatch({ name: "sctp", revision: 0, family: F, proto: IPPROTO_SCTP, match: sctpMt,
    checkentry: (_p, d) => (sctpCheck(d) ? undefined : kerr("EINVAL")) });
  xtRegisterTarget({ name: "DSCP", revision: 0, family: F, table: "mangle", target: dscpTg,
    checkentry: (_p, d) => (Number(d["dscp"]) > 0x3f ? kerr("EDOM") : undefined) });
  xtRegisterTarget({ name: "TOS", revision: 1, family: F, table: "mangle", target: tosTg });
  xtRegisterTarget({
    name: "TCPMSS", revision: 0, family: F, proto: IPPROTO_TCP, target: tcpmssTg,
    // tcpmss_tg4_check(): path-MTU clamping only in FORWARD, OUTPUT and POSTROUTING; through
    // nft_compat (iptables-nft) the "-p tcp --syn" requirement is not checked
    checkentry: (p, d) => (Number(d["mss"]) === XT_TCPMSS_CLAMP_PMTU && p.hookMask & ~(FWD | OUT | POST) ? kerr("EINVAL") : undefined),
  });
}
