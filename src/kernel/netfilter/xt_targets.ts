/**
 * The IPv4 targets, one section per net/netfilter/xt_*.c / net/ipv4/netfilter/ipt_*.c module.
 */
import type { SkBuff } from "../core/skbuff.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { IPS_SRC_NAT_DONE } from "../uapi/xtables.ts";
import {
  NF_ACCEPT, NF_DROP, NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_QUEUE, NF_VERDICT_FLAG_QUEUE_BYPASS, HOOK_PRE as PRE, HOOK_IN as IN, HOOK_FWD as FWD, HOOK_OUT as OUT, HOOK_POST as POST,
} from "./core.ts";
import { ipHdrOff } from "./ip_tables.ts";
import { nfIpv4Ops } from "./nf_glue.ts";
import { nfulnlLogPacket } from "./nfnetlink_log.ts";
import { NF_NAT_MANIP_DST, NF_NAT_MANIP_SRC } from "./nf_nat.ts";
import { XT_CONTINUE, xtRegisterTarget, type XtActionParam, type XtChkParam } from "./x_tables.ts";
import { nfCtIterateCleanupNet, nfCtNetnsGet, nfCtNetnsPut, type NfConn } from "./nf_conntrack.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { NETDEV_DOWN, registerInetaddrNotifier, registerNetdeviceNotifier } from "../core/notifier.ts";

/** the checkentry of targets that need conntrack: nf_ct_netns_get() */
const ctGet = (p: XtChkParam): undefined => {
  nfCtNetnsGet(p.net);
  return undefined;
};
const ctPut = (p: XtChkParam): void => nfCtNetnsPut(p.net);


/** enum ipt_reject_with */
export const IPT_ICMP_NET_UNREACHABLE = 0;
export const IPT_ICMP_HOST_UNREACHABLE = 1;
export const IPT_ICMP_PROT_UNREACHABLE = 2;
export const IPT_ICMP_PORT_UNREACHABLE = 3;
export const IPT_ICMP_ECHOREPLY = 4;
export const IPT_ICMP_NET_PROHIBITED = 5;
export const IPT_ICMP_HOST_PROHIBITED = 6;
export const IPT_TCP_RESET = 7;
export const IPT_ICMP_ADMIN_PROHIBITED = 8;

/** nf_nat_range2 flags */
export const NF_NAT_RANGE_MAP_IPS = 1;
export const NF_NAT_RANGE_PROTO_SPECIFIED = 2;
export const NF_NAT_RANGE_PROTO_RANDOM = 4;
export const NF_NAT_RANGE_PERSISTENT = 8;
export const NF_NAT_RANGE_PROTO_RANDOM_FULLY = 16;

/** a NAT range as the targets hand it to the NAT core */
export interface NatRange {
  flags: number;
  minAddr: number;
  maxAddr: number;
  minProto: number;
  maxProto: number;
}

/** what NAT targets need of the conntrack entry (nf_conntrack.ts implements it) */
export interface NatSetupConn {
  /** nf_nat_setup_info() */
  natSetupInfo(range: NatRange, manip: number, skb: SkBuff): number;
  /** the original direction's destination (MASQUERADE's route lookup) */
  origDst(): number;
  /** nf_ct_is_template / untracked */
  untracked?: boolean;
  /** nf_conn_nat.masq_index */
  masqIndex?: number;
}

function ctOf(skb: SkBuff): NatSetupConn | undefined {
  const ct = skb.nfct as NatSetupConn | undefined;
  return ct && typeof ct.natSetupInfo === "function" ? ct : undefined;
}

/** net/ipv4/netfilter/ipt_REJECT.c: reject_tg() */
function rejectTg(skb: SkBuff, par: XtActionParam, d: any): number {
  const st = { net: par.net, in: par.in, out: par.out, hook: par.hooknum };
  switch (d.with) {
    case IPT_ICMP_NET_UNREACHABLE: nfIpv4Ops.icmpSend(skb, 3, 0, st); break;
    case IPT_ICMP_HOST_UNREACHABLE: nfIpv4Ops.icmpSend(skb, 3, 1, st); break;
    case IPT_ICMP_PROT_UNREACHABLE: nfIpv4Ops.icmpSend(skb, 3, 2, st); break;
    case IPT_ICMP_PORT_UNREACHABLE: nfIpv4Ops.icmpSend(skb, 3, 3, st); break;
    case IPT_ICMP_NET_PROHIBITED: nfIpv4Ops.icmpSend(skb, 3, 9, st); break;
    case IPT_ICMP_HOST_PROHIBITED: nfIpv4Ops.icmpSend(skb, 3, 10, st); break;
    case IPT_ICMP_ADMIN_PROHIBITED: nfIpv4Ops.icmpSend(skb, 3, 13, st); break;
    case IPT_TCP_RESET: nfIpv4Ops.sendReset(par.net, skb, par.hooknum); break;
    default: break;
  }
  return NF_DROP;
}

/** net/netfilter/nf_log_syslog.c: dump_ipv4_packet(); `inner` for the quoted packet of an ICMP error */
function dumpIpv4Packet(b: Uint8Array, nh: number, end: number, inner: boolean, logflags: number): string {
  const ip = (o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
  const r16 = (o: number) => (b[o]! << 8) | b[o + 1]!;
  if (nh + 20 > end) return "TRUNCATED";
  let s = `SRC=${ip(nh + 12)} DST=${ip(nh + 16)} `;
  const tos = b[nh + 1]!;
  const hex2 = (v: number) => v.toString(16).toUpperCase().padStart(2, "0");
  s += `LEN=${r16(nh + 2)} TOS=0x${hex2(tos & 0x1e)} PREC=0x${hex2(tos & 0xe0)} TTL=${b[nh + 8]} ID=${r16(nh + 4)} `;
  const fo = r16(nh + 6);
  if (fo & 0x8000) s += "CE ";
  if (fo & 0x4000) s += "DF ";
  if (fo & 0x2000) s += "MF ";
  if (fo & 0x1fff) s += `FRAG:${fo & 0x1fff} `;
  const th = nh + (b[nh]! & 0x0f) * 4;
  const proto = b[nh + 9]!;
  const frag = (fo & 0x1fff) !== 0;
  switch (proto) {
    case 6: {
      s += "PROTO=TCP ";
      if (frag) break;
      if (th + 20 > end) {
        s += `INCOMPLETE [${end - th} bytes] `;
        break;
      }
      s += `SPT=${r16(th)} DPT=${r16(th + 2)} `;
      if (logflags & 1) s += `SEQ=${((b[th + 4]! << 24) | (b[th + 5]! << 16) | (b[th + 6]! << 8) | b[th + 7]!) >>> 0} ACK=${((b[th + 8]! << 24) | (b[th + 9]! << 16) | (b[th + 10]! << 8) | b[th + 11]!) >>> 0} `;
      s += `WINDOW=${r16(th + 14)} RES=0x${(b[th + 12]! & 0x0f).toString(16).padStart(2, "0")} `;
      const f = b[th + 13]!;
      for (const [bit, n] of [[0x80, "CWR"], [0x40, "ECE"], [0x20, "URG"], [0x10, "ACK"], [0x08, "PSH"], [0x04, "RST"], [0x02, "SYN"], [0x01, "FIN"]] as const) if (f & bit) s += `${n} `;
      s += `URGP=${r16(th + 18)} `;
      break;
    }
    case 17:
    case 136:
      s += proto === 17 ? "PROTO=UDP " : "PROTO=UDPLITE ";
      if (frag) break;
      if (th + 8 > end) {
        s += `INCOMPLETE [${end - th} bytes] `;
        break;
      }
      s += `SPT=${r16(th)} DPT=${r16(th + 2)} LEN=${r16(th + 4)} `;
      break;
    case 1: {
      s += "PROTO=ICMP ";
      if (frag) break;
      if (th + 4 > end) {
        s += `INCOMPLETE [${end - th} bytes] `;
        break;
      }
      const type = b[th]!;
      const code = b[th + 1]!;
      s += `TYPE=${type} CODE=${code} `;
      if (type === 0 || type === 8) s += `ID=${r16(th + 4)} SEQ=${r16(th + 6)} `;
      else if (type === 12) s += `PARAMETER=${b[th + 4]} `;
      if (type === 5) s += `GATEWAY=${ip(th + 4)} `;
      if (type === 3 || type === 4 || type === 5 || type === 11) {
        if (!inner) s += `[${dumpIpv4Packet(b, th + 8, end, true, logflags)}] `;
        if (type === 3 && code === 4) s += `MTU=${r16(th + 6)} `;
      }
      break;
    }
    default:
      s += `PROTO=${proto} `;
  }
  return s;
}

/** net/netfilter/nf_log_syslog.c: dump_mac_header() (dump_ipv6_mac_header() without
 * --log-macdecode): "MAC=" and the link-layer header's bytes */
export function dumpMacHeader(skb: SkBuff, nh: number): string {
  let s = "MAC=";
  const hl = skb.dev?.hardHeaderLen ?? 0;
  if (hl && skb.macHeader >= 0 && skb.macHeader !== nh) {
    const mac: string[] = [];
    for (let i = 0; i < hl; i++) mac.push(skb.buf[skb.macHeader + i]!.toString(16).padStart(2, "0"));
    s += mac.join(":");
  }
  return s + " ";
}

/** net/netfilter/xt_LOG.c + nf_log_syslog.c: nf_log_ip_packet() */
function logTg(skb: SkBuff, par: XtActionParam, d: any): number {
  const b = skb.buf;
  const nh = ipHdrOff(skb);
  let s = `${d.prefix ?? ""}IN=${par.in ? par.in.name : ""} OUT=${par.out ? par.out.name : ""} `;
  const nf = skb.nfBridge as { physindev?: { name: string }; physoutdev?: { name: string } } | undefined;
  if (nf?.physindev && nf.physindev !== (par.in as unknown)) s += `PHYSIN=${nf.physindev.name} `;
  if (nf?.physoutdev && nf.physoutdev !== (par.out as unknown)) s += `PHYSOUT=${nf.physoutdev.name} `;
  if (par.in) s += dumpMacHeader(skb, nh);
  s += dumpIpv4Packet(b, nh, skb.tail, false, d.logflags ?? 0);
  if (skb.mark) s += `MARK=0x${skb.mark.toString(16)} `;
  nfIpv4Ops.printk(par.net, d.level ?? 4, s);
  return XT_CONTINUE;
}

/** net/netfilter/xt_NFLOG.c: nflog_tg() — to nfnetlink_log's group (XT_NFLOG_F_COPY_LEN: the
 * --nflog-size cap) */
function nflogTg(skb: SkBuff, par: XtActionParam, d: any): number {
  nfulnlLogPacket(par.net, par.family, par.hooknum, skb, par.in, par.out, {
    group: d.group ?? 0, prefix: d.prefix ?? "", qthreshold: d.threshold ?? 0,
    ...(d.flags & XT_NFLOG_F_COPY_LEN ? { copyLen: d.len ?? 0 } : {}),
  });
  return XT_CONTINUE;
}
const XT_NFLOG_F_COPY_LEN = 0x1;

/** net/netfilter/xt_NFQUEUE.c: nfqueue_tg_v3() — NF_QUEUE_NR(queue), a flow spread over
 * --queue-balance's range (by CPU with --queue-cpu-fanout: one CPU here), and the bypass flag */
function nfqueueTg(skb: SkBuff, _par: XtActionParam, d: any): number {
  let queue: number = d.queuenum ?? 0;
  const total: number = d.queues_total ?? 1;
  if (total > 1 && !(d.flags & NFQ_FLAG_CPU_FANOUT)) {
    // nfqueue_hash(): a hash of the addresses scaled onto the range (the kernel keys it with a
    // boot-time random value)
    const nh = ipHdrOff(skb);
    const b = skb.buf;
    const h = ((b[nh + 12]! ^ b[nh + 16]!) << 24 | (b[nh + 13]! ^ b[nh + 17]!) << 16 | (b[nh + 14]! ^ b[nh + 18]!) << 8 | (b[nh + 15]! ^ b[nh + 19]!)) >>> 0;
    queue += Math.floor((Math.imul(h, 0x9e3779b1) >>> 0) * total / 0x100000000);
  }
  let ret = NF_QUEUE | ((queue << 16) >>> 0);
  if (d.flags & NFQ_FLAG_BYPASS) ret |= NF_VERDICT_FLAG_QUEUE_BYPASS;
  return ret >>> 0;
}
const NFQ_FLAG_BYPASS = 0x01;
const NFQ_FLAG_CPU_FANOUT = 0x02;

/** net/netfilter/xt_mark.c: mark_tg() (revision 2: set-xmark) */
function markTg(skb: SkBuff, _par: XtActionParam, d: any): number {
  skb.mark = ((skb.mark & ~d.mask) ^ d.mark) >>> 0;
  return XT_CONTINUE;
}

/** net/netfilter/xt_connmark.c: connmark_tg() */
function connmarkTg(skb: SkBuff, _par: XtActionParam, d: any): number {
  const ct = skb.nfct as { mark: number } | undefined;
  if (!ct || typeof ct.mark !== "number") return XT_CONTINUE;
  // connmark_tg_shift() (revision 2): the new bits shifted left or right (a C shift count is
  // taken modulo 32 on the machines here, as JavaScript's)
  const bits: number = d.shiftBits ?? 0;
  const shift = (v: number) => (d.shiftDir === 1 ? v >>> bits : (v << bits) >>> 0);
  switch (d.mode) {
    case 0: ct.mark = shift(((ct.mark & ~d.ctmask) ^ d.ctmark) >>> 0); break;
    case 1: ct.mark = ((ct.mark & ~d.ctmask) ^ shift((skb.mark & d.nfmask) >>> 0)) >>> 0; break;
    case 2: skb.mark = ((skb.mark & ~d.nfmask) ^ shift((ct.mark & d.ctmask) >>> 0)) >>> 0; break;
  }
  return XT_CONTINUE;
}

/** net/netfilter/xt_HL.c: ttl_tg() (fixes the header checksum incrementally) */
function ttlTg(skb: SkBuff, _par: XtActionParam, d: any): number {
  const b = skb.buf;
  const nh = ipHdrOff(skb);
  const old = b[nh + 8]!;
  let v = old;
  if (d.mode === 0) v = d.ttl;
  else if (d.mode === 1) v = Math.min(255, old + d.ttl);
  else if (d.mode === 2) v = Math.max(0, old - d.ttl);
  if (v !== old) {
    const oldw = (old << 8) | b[nh + 9]!;
    const neww = (v << 8) | b[nh + 9]!;
    b[nh + 8] = v;
    csumReplace2(b, nh + 10, oldw, neww);
  }
  return XT_CONTINUE;
}

/** include/net/checksum.h: csum_replace2() on a 16-bit field at `off` */
export function csumReplace2(b: Uint8Array, off: number, from: number, to: number): void {
  let c = (~((b[off]! << 8) | b[off + 1]!)) & 0xffff;
  c += (~from) & 0xffff;
  c += to;
  c = (c & 0xffff) + (c >>> 16);
  c = (c & 0xffff) + (c >>> 16);
  const r = (~c) & 0xffff;
  b[off] = r >> 8;
  b[off + 1] = r & 0xff;
}

/** net/netfilter/xt_CT.c: xt_ct_target() with XT_CT_NOTRACK: attach the untracked entry */
export const NF_CT_UNTRACKED = { untracked: true, status: 0, mark: 0, stateBit: (): number => 1 << 6 /* XT_STATE_UNTRACKED */ };
/** the packets a CT template was attached to (skb->_nfct set to the template) */
const ctTemplated = new WeakSet<SkBuff>();
/** xt_ct_target(): the untracked entry for --notrack; a template (zone, helper, events) only
 * marks the packet as seen by CT (a later CT rule leaves it alone); conntrack then tracks it as
 * without the rule: zones, helpers and per-conn event masks are not emulated */
function ctTg(skb: SkBuff, _par: XtActionParam, d: any): number {
  if (skb.nfct !== undefined || ctTemplated.has(skb)) return XT_CONTINUE;
  if (d.flags & XT_CT_NOTRACK) skb.nfct = NF_CT_UNTRACKED;
  else ctTemplated.add(skb);
  return XT_CONTINUE;
}
const XT_CT_NOTRACK = 1;
const XT_CT_MASK = 0x1f;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
/** the conntrack helpers of Linux 6.18 for IPv4 (nf_conntrack_*.c, loaded on demand by
 * request_module("nfct-helper-NAME")): name -> the protocols it registers for */
const CT_HELPERS: Record<string, number[]> = {
  ftp: [IPPROTO_TCP], tftp: [IPPROTO_UDP], irc: [IPPROTO_TCP], sip: [IPPROTO_UDP, IPPROTO_TCP],
  amanda: [IPPROTO_UDP], "netbios-ns": [IPPROTO_UDP], snmp: [IPPROTO_UDP], snmp_trap: [IPPROTO_UDP],
  pptp: [IPPROTO_TCP], sane: [IPPROTO_TCP], RAS: [IPPROTO_UDP], "Q.931": [IPPROTO_TCP], "H.245": [IPPROTO_TCP],
};
/** xt_ct_find_proto(): the rule's protocol, 0 when inverted */
const ctFindProto = (p: XtChkParam): number => (p.invflags & 0x40 /* IPT_INV_PROTO */ ? 0 : p.proto);
/** xt_ct_tg_check_v0/v1/v2() -> xt_ct_tg_check() */
function ctCheck(rev: number): (p: XtChkParam, d: Record<string, unknown>) => KErr | undefined {
  return (p, d) => {
    const flags = Number(d["flags"] ?? 0);
    if (flags & ~(rev === 2 ? XT_CT_MASK : XT_CT_NOTRACK)) return kerr("EINVAL");
    if (flags & XT_CT_NOTRACK) return undefined;
    nfCtNetnsGet(p.net);
    const helper = String(d["helper"] ?? "");
    const timeout = String(d["timeout"] ?? "");
    let err: KErr | undefined;
    if (helper) {
      // xt_ct_set_helper(): nf_conntrack_helper_try_module_get(name, family, proto)
      if (helper.length >= 16) err = kerr("ENAMETOOLONG");
      else if (!ctFindProto(p)) err = kerr("ENOENT"); // "You must specify a L4 protocol and not use inversions on it"
      else if (!CT_HELPERS[helper]?.includes(ctFindProto(p))) err = kerr("ENOENT"); // No such helper "NAME"
    }
    if (!err && timeout) {
      // xt_ct_set_timeout(): no timeout policy exists (nfnetlink_cttimeout has none here)
      if (timeout.length >= 32) err = kerr("ENAMETOOLONG");
      else if (!ctFindProto(p)) err = kerr("EINVAL");
      else err = kerr("ENOENT");
    }
    if (err) nfCtNetnsPut(p.net);
    return err;
  };
}
/** xt_ct_tg_destroy(): a template lets go of conntrack; --notrack took nothing */
function ctDestroy(p: XtChkParam, d: Record<string, unknown>): void {
  if (!(Number(d["flags"] ?? 0) & XT_CT_NOTRACK)) nfCtNetnsPut(p.net);
}

function rangeOf(d: any): NatRange {
  return { flags: d.flags, minAddr: d.min_addr ?? d.min_ip ?? 0, maxAddr: d.max_addr ?? d.max_ip ?? 0, minProto: d.min_proto ?? d.min ?? 0, maxProto: d.max_proto ?? d.max ?? 0 };
}

/** net/netfilter/xt_nat.c: xt_snat_target_v1/v2() */
function snatTg(skb: SkBuff, _par: XtActionParam, d: any): number {
  const ct = ctOf(skb);
  return ct ? ct.natSetupInfo(rangeOf(d), NF_NAT_MANIP_SRC, skb) : NF_ACCEPT;
}

/** net/netfilter/xt_nat.c: xt_dnat_target_v1/v2() */
function dnatTg(skb: SkBuff, _par: XtActionParam, d: any): number {
  const ct = ctOf(skb);
  return ct ? ct.natSetupInfo(rangeOf(d), NF_NAT_MANIP_DST, skb) : NF_ACCEPT;
}

/** net/netfilter/nf_nat_masquerade.c: nf_nat_masquerade_ipv4() */
function masqueradeTg(skb: SkBuff, par: XtActionParam, d: any): number {
  const ct = ctOf(skb);
  if (!ct || !par.out) return NF_ACCEPT;
  const newsrc = nfIpv4Ops.inetSelectAddr(par.out, ct.origDst());
  if (!newsrc) return NF_DROP;
  const r = d.range[0];
  ct.masqIndex = par.out.ifindex;
  return ct.natSetupInfo({ flags: r.flags | NF_NAT_RANGE_MAP_IPS, minAddr: newsrc, maxAddr: newsrc, minProto: r.min, maxProto: r.max }, NF_NAT_MANIP_SRC, skb);
}

/** net/netfilter/nf_nat_masquerade.c: device_cmp() */
function masqDeviceCmp(ct: NfConn, ifindex: number): boolean {
  return (ct.status & IPS_SRC_NAT_DONE) !== 0 && ct.masqIndex === ifindex;
}

/** net/netfilter/nf_nat_masquerade.c: masq_device_event(): a device going down forgets the
 * connections masqueraded through it (Linux does it from a work item, right after) */
function masqDeviceEvent(event: number, dev: NetDevice): void {
  if (event !== NETDEV_DOWN) return;
  nfCtIterateCleanupNet(dev.net, (ct) => masqDeviceCmp(ct, dev.ifindex));
}

/** net/netfilter/nf_nat_masquerade.c: masq_inet_event() + inet_cmp(): an address removed from
 * a device forgets the connections masqueraded to it */
function masqInetEvent(event: number, ifa: unknown): void {
  if (event !== NETDEV_DOWN) return;
  const a = ifa as { ifaLocal: number; ifaDev: { dev: NetDevice; dead: boolean } };
  // the device is being unregistered: masq_device_event() does the work
  if (a.ifaDev.dead) return;
  const dev = a.ifaDev.dev;
  nfCtIterateCleanupNet(dev.net, (ct) => masqDeviceCmp(ct, dev.ifindex) && ct.tuplehash[1].dst === a.ifaLocal);
}

/** nf_nat_masquerade_inet_register_notifiers() */
export function nfNatMasqueradeRegisterNotifiers(): void {
  registerNetdeviceNotifier(masqDeviceEvent);
  registerInetaddrNotifier(masqInetEvent);
}

/** net/netfilter/nf_nat_redirect.c: nf_nat_redirect_ipv4() */
function redirectTg(skb: SkBuff, par: XtActionParam, d: any): number {
  const ct = ctOf(skb);
  if (!ct) return NF_ACCEPT;
  let newdst: number;
  if (par.hooknum === NF_INET_LOCAL_OUT) newdst = 0x7f000001;
  else newdst = par.in ? nfIpv4Ops.inetSelectAddr(par.in, 0) : 0;
  if (!newdst) return NF_DROP;
  const r = d.range[0];
  return ct.natSetupInfo({ flags: r.flags | NF_NAT_RANGE_MAP_IPS, minAddr: newdst, maxAddr: newdst, minProto: r.min, maxProto: r.max }, NF_NAT_MANIP_DST, skb);
}

let done = false;

export function xtTargetsInit(): void {
  if (done) return;
  done = true;
  const F = NFPROTO_IPV4;
  xtRegisterTarget({ name: "REJECT", revision: 0, family: F, hooks: IN | FWD | OUT, target: rejectTg,
    checkentry: (p, d) => (d["with"] === IPT_TCP_RESET && (p.proto !== 6 || p.invflags & 0x40) ? kerr("EINVAL") : d["with"] === IPT_ICMP_ECHOREPLY ? kerr("EINVAL") : undefined) });
  xtRegisterTarget({ name: "LOG", revision: 0, family: F, target: logTg });
  xtRegisterTarget({ name: "NFLOG", revision: 0, family: F, target: nflogTg });
  xtRegisterTarget({ name: "NFQUEUE", revision: 3, family: F, target: nfqueueTg });
  xtRegisterTarget({ name: "MARK", revision: 2, family: F, target: markTg });
  xtRegisterTarget({ name: "CONNMARK", revision: 2, family: F, target: connmarkTg, checkentry: ctGet, destroy: ctPut });
  xtRegisterTarget({ name: "TTL", revision: 0, family: F, table: "mangle", target: ttlTg });
  for (const r of [0, 1, 2]) xtRegisterTarget({ name: "CT", revision: r, family: F, table: "raw", target: ctTg, checkentry: ctCheck(r), destroy: ctDestroy });
  xtRegisterTarget({ name: "SNAT", revision: 1, family: F, table: "nat", hooks: POST | IN, target: snatTg, checkentry: ctGet, destroy: ctPut });
  xtRegisterTarget({ name: "SNAT", revision: 2, family: F, table: "nat", hooks: POST | IN, target: snatTg, checkentry: ctGet, destroy: ctPut });
  xtRegisterTarget({ name: "DNAT", revision: 1, family: F, table: "nat", hooks: PRE | OUT, target: dnatTg, checkentry: ctGet, destroy: ctPut });
  xtRegisterTarget({ name: "DNAT", revision: 2, family: F, table: "nat", hooks: PRE | OUT, target: dnatTg, checkentry: ctGet, destroy: ctPut });
  nfNatMasqueradeRegisterNotifiers();
  xtRegisterTarget({ name: "MASQUERADE", revision: 0, family: F, table: "nat", hooks: POST, target: masqueradeTg, checkentry: ctGet, destroy: ctPut });
  xtRegisterTarget({ name: "REDIRECT", revision: 0, family: F, table: "nat", hooks: PRE | OUT, target: redirectTg, checkentry: ctGet, destroy: ctPut });
}
