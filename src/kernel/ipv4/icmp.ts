/**
 * net/ipv4/icmp.c: icmp_rcv() and its handlers (echo -> reply, unreach/time exceeded/redirect
 * -> the sockets' error handlers, PMTU/redirect learning), icmp_send() for errors with the
 * RFC 1122 checks, the global and per-peer rate limits (icmp_msgs_per_sec/burst,
 * icmp_ratelimit/icmp_ratemask), and the net.ipv4.icmp_* / ip_default_ttl sysctl values.
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import { PACKET_HOST, IFF_LOOPBACK } from "../uapi/if.ts";
import { RTCF_BROADCAST, RTCF_MULTICAST, RTCF_LOCAL, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE, RTN_BROADCAST } from "../uapi/rtnetlink.ts";
import { isKErr } from "../uapi/errno.ts";
import { kfreeSkbReason, consumeSkb } from "../core/drop.ts";
import { netRng } from "../core/dev_path.ts";
import { HZ, USEC_PER_SEC } from "../../sim/scheduler.ts";
import { readU16, readU32, writeU32 } from "../../wire/addr.ts";
import { ipComputeCsum } from "../../wire/checksum.ts";
import { IP_OFFSET } from "../../wire/ipv4.ts";
import { allocFloat64 } from "../../wire/bytes.ts";
import {
  ICMP_ECHOREPLY, ICMP_DEST_UNREACH, ICMP_SOURCE_QUENCH, ICMP_REDIRECT, ICMP_ECHO, ICMP_TIME_EXCEEDED,
  ICMP_PARAMETERPROB, ICMP_TIMESTAMP, ICMP_TIMESTAMPREPLY, NR_ICMP_TYPES, NR_ICMP_UNREACH,
  ICMP_FRAG_NEEDED, ICMP_EXC_FRAGTIME,
} from "../../wire/icmp.ts";
import {
  type Rtable, type Flowi4, ipRouteOutputKey, ipv4Mtu, ipRtUpdatePmtu, ipDoRedirect, inetGetpeerV4,
  inetPeerXrlimAllow, jiffies, ROUTE_INPUT_LOCAL,
} from "./route.ts";
import { inetSelectAddr, inetAddrType } from "./devinet.ts";
import { fibLookup } from "./fib_frontend.ts";
import { ipSendData } from "./ip_output.ts";
import { type IpOptions, ipOptionsEcho, inetCurrentTimestamp } from "./ip_options.ts";
import { rawIcmpError } from "./raw.ts";
import { pingRcv, pingErr } from "./ping.ts";

// ------------------------------------------------------------------ sysctls (per netns)

/** the net.ipv4.* values the packet path reads (struct netns_ipv4, the K2 part) */
export interface Ipv4Sysctl {
  icmpEchoIgnoreAll: number;
  icmpEchoEnableProbe: number;
  icmpEchoIgnoreBroadcasts: number;
  icmpIgnoreBogusErrorResponses: number;
  icmpErrorsUseInboundIfaddr: number;
  icmpRatelimit: number; // ms
  icmpRatemask: number;
  icmpMsgsPerSec: number;
  icmpMsgsBurst: number;
  ipDefaultTtl: number;
  ipNoPmtuDisc: number;
  pingGroupRange: [number, number];
  ipLocalPortRange: [number, number];
  /** tcp_rmem / tcp_wmem (min, default, max) and tcp_reordering (net/ipv4/tcp_ipv4.c:
   * tcp_sk_init(); the maxima are what the lab machines' memory gives them) */
  tcpRmem: [number, number, number];
  tcpWmem: [number, number, number];
  tcpReordering: number;
  /** tcp_app_win (the share of the buffer kept from the window), tcp_shrink_window,
   * tcp_workaround_signed_windows */
  tcpAppWin: number;
  tcpShrinkWindow: number;
  tcpWorkaroundSignedWindows: number;
  /** the congestion control a new socket gets: the lab machines default to bbr */
  tcpCongestionControl: string;
  /** igmp_max_memberships, igmp_max_msf, igmp_qrv, igmp_link_local_mcast_reports */
  igmpMaxMemberships: number;
  igmpMaxMsf: number;
  igmpQrv: number;
  igmpLlmReports: number;
  /** ip_nonlocal_bind; ip_unprivileged_port_start (sysctl_ip_prot_sock) */
  ipNonlocalBind: number;
  ipProtSock: number;
  /** net->ipv4.fqdir: ipfrag_time (µs), ipfrag_high_thresh / ipfrag_low_thresh (bytes),
   * ipfrag_max_dist */
  ipfragTime: number;
  ipfragHighThresh: number;
  ipfragLowThresh: number;
  ipfragMaxDist: number;
  /** tcp_timestamps, tcp_sack, tcp_window_scaling; tcp_syn_retries, tcp_synack_retries,
   * tcp_retries1, tcp_retries2; tcp_fin_timeout (µs) */
  tcpTimestamps: number;
  tcpSack: number;
  tcpWindowScaling: number;
  /** tcp_ecn: 1 asks for ECN on connect and accepts it, 2 only accepts it */
  tcpEcn: number;
  tcpSynRetries: number;
  tcpSynackRetries: number;
  tcpRetries1: number;
  tcpRetries2: number;
  tcpFinTimeout: number;
  /** tcp_syn_linear_timeouts, tcp_orphan_retries */
  tcpSynLinearTimeouts: number;
  tcpOrphanRetries: number;
  /** icmp_global_credit / icmp_global_stamp */
  globalCredit: number;
  globalStamp: number;
}

const sysctls = new NetGeneric<Ipv4Sysctl>();
export function ipv4Sysctl(net: Net): Ipv4Sysctl {
  let s = sysctls.get(net);
  if (!s) {
    s = {
      icmpEchoIgnoreAll: 0, icmpEchoEnableProbe: 0, icmpEchoIgnoreBroadcasts: 1,
      icmpIgnoreBogusErrorResponses: 1, icmpErrorsUseInboundIfaddr: 0, icmpRatelimit: 1000,
      icmpRatemask: 6168, icmpMsgsPerSec: 1000, icmpMsgsBurst: 50, ipDefaultTtl: 64, ipNoPmtuDisc: 0,
      pingGroupRange: [1, 0], ipLocalPortRange: [32768, 60999],
      tcpRmem: [4096, 131072, 33554432], tcpWmem: [4096, 16384, 4194304], tcpReordering: 3,
      tcpAppWin: 31, tcpShrinkWindow: 0, tcpWorkaroundSignedWindows: 0,
      tcpCongestionControl: "bbr", igmpMaxMemberships: 20, igmpMaxMsf: 10, igmpQrv: 2, igmpLlmReports: 1, ipNonlocalBind: 0, ipProtSock: 1024,
      ipfragTime: 30 * USEC_PER_SEC, ipfragHighThresh: 4 * 1024 * 1024, ipfragLowThresh: 3 * 1024 * 1024, ipfragMaxDist: 64,
      tcpTimestamps: 1, tcpSack: 1, tcpWindowScaling: 1, tcpEcn: 2, tcpSynRetries: 6, tcpSynackRetries: 5, tcpRetries1: 3, tcpRetries2: 15,
      tcpFinTimeout: 60 * USEC_PER_SEC, tcpSynLinearTimeouts: 4, tcpOrphanRetries: 0,
      globalCredit: 0, globalStamp: -HZ,
    };
    sysctls.set(net, s);
  }
  return s;
}

// ------------------------------------------------------------------ MIB

/** the Icmp: and IcmpMsg: lines of /proc/net/snmp */
export interface IcmpMib {
  InMsgs: number; InErrors: number; InCsumErrors: number; OutMsgs: number; OutErrors: number;
  OutRateLimitGlobal: number; OutRateLimitHost: number;
  /** ICMPMSGIN/OUT by type (outside the heap, in a slab: 256 counters each that young
   * collections would copy for every namespace) */
  inType: Float64Array; outType: Float64Array;
}
const icmpMibs = new NetGeneric<IcmpMib>();
export function icmpStats(net: Net): IcmpMib {
  let m = icmpMibs.get(net);
  if (!m) {
    m = {
      InMsgs: 0, InErrors: 0, InCsumErrors: 0, OutMsgs: 0, OutErrors: 0, OutRateLimitGlobal: 0,
      OutRateLimitHost: 0, inType: allocFloat64(256), outType: allocFloat64(256),
    };
    icmpMibs.set(net, m);
  }
  return m;
}

/** net/ipv4/icmp.c: icmp_out_count() (ip_output's __ip_make_skb counts every ICMP it builds) */
export function icmpOutCount(net: Net, type: number): void {
  const st = icmpStats(net);
  st.OutMsgs++;
  st.outType[type]!++;
}

/** icmp_pointers[type].error */
export function icmpIsErr(type: number): boolean {
  return type === ICMP_DEST_UNREACH || type === ICMP_SOURCE_QUENCH || type === ICMP_REDIRECT ||
    type === ICMP_TIME_EXCEEDED || type === ICMP_PARAMETERPROB;
}

// ------------------------------------------------------------------ rate limits

/** icmp.c: icmpv4_mask_allow() */
function icmpv4MaskAllow(net: Net, type: number, code: number): boolean {
  if (type > NR_ICMP_TYPES) return true;
  if (code === ICMP_FRAG_NEEDED && type === ICMP_DEST_UNREACH) return true;
  if (!((1 << type) & ipv4Sysctl(net).icmpRatemask)) return true;
  return false;
}

/** icmp.c: icmp_global_allow() (IPv6's icmp6_send() draws on the same credit) */
export function icmpGlobalAllow(net: Net): boolean {
  const s = ipv4Sysctl(net);
  if (s.globalCredit > 0) return true;
  const now = jiffies(net);
  const delta = Math.min(now - s.globalStamp, HZ);
  if (delta < HZ / 50) return false;
  const incr = Math.floor((s.icmpMsgsPerSec * delta) / HZ);
  if (!incr) return false;
  s.globalStamp = now;
  s.globalCredit = Math.min(s.globalCredit + incr, s.icmpMsgsBurst);
  return true;
}

/** icmp.c: icmp_global_consume() */
export function icmpGlobalConsume(net: Net): void {
  const credits = netRng(net).below(3);
  if (credits) ipv4Sysctl(net).globalCredit -= credits;
}

/** icmp.c: icmpv4_global_allow(): returns [allowed, applyRatelimit] via the out param */
function icmpv4GlobalAllow(net: Net, type: number, code: number, apply: { v: boolean }): boolean {
  if (icmpv4MaskAllow(net, type, code)) return true;
  if (icmpGlobalAllow(net)) {
    apply.v = true;
    return true;
  }
  icmpStats(net).OutRateLimitGlobal++;
  return false;
}

/** icmp.c: icmpv4_xrlim_allow() */
function icmpv4XrlimAllow(net: Net, rt: Rtable, fl4: Flowi4, apply: boolean): boolean {
  if (!apply) return true;
  if (rt.dev.flags & IFF_LOOPBACK) return true;
  const peer = inetGetpeerV4(net, fl4.daddr);
  const ok = inetPeerXrlimAllow(net, peer, Math.floor((ipv4Sysctl(net).icmpRatelimit * HZ) / 1000));
  if (!ok) icmpStats(net).OutRateLimitHost++;
  else icmpGlobalConsume(net);
  return ok;
}

// ------------------------------------------------------------------ sending

/** reused scratch for building ICMP messages (576 bytes is the most an error carries) */
let scratch = new Uint8Array(2048);

/** icmp.c: icmp_push_reply(): ICMP header + data, checksum, then the IP layer */
function icmpPushReply(net: Net, rt: Rtable, fl4: Flowi4, tos: number, type: number, code: number, info: number, hdrRest: number | undefined, src: Uint8Array, off: number, len: number, opt?: IpOptions, finalDaddr?: number, ctFrom?: SkBuff): void {
  const total = 8 + len;
  if (scratch.length < total) scratch = new Uint8Array(total * 2);
  const b = scratch;
  b[0] = type;
  b[1] = code;
  b[2] = 0;
  b[3] = 0;
  writeU32(b, 4, hdrRest ?? info);
  b.set(src.subarray(off, off + len), 8);
  const c = ipComputeCsum(b, 0, total);
  b[2] = c >>> 8;
  b[3] = c & 0xff;
  ipSendData(net, rt, {
    saddr: fl4.saddr, daddr: fl4.daddr, protocol: 1, tos, ttl: ipv4Sysctl(net).ipDefaultTtl, df: false, mark: fl4.mark,
    opt, finalDaddr, ...(ctFrom ? { ctFrom } : {}),
  }, b, total);
}

/** fib_frontend.c: fib_compute_spec_dst(): the source for a reply to skb */
export function fibComputeSpecDst(skb: SkBuff): number {
  const dev = skb.dev!;
  const rt = skb.dst as Rtable;
  const o = skb.networkHeader;
  // (>>> 0: RTCF_LOCAL is bit 31, and JS bit operations are signed)
  if ((rt.rtFlags & (RTCF_BROADCAST | RTCF_MULTICAST | RTCF_LOCAL)) >>> 0 === RTCF_LOCAL) return readU32(skb.buf, o + 16);
  const saddr = readU32(skb.buf, o + 12);
  let scope = RT_SCOPE_UNIVERSE;
  if (saddr >>> 24 !== 0) {
    const r = fibLookup(dev.net, { daddr: saddr, saddr: 0, oif: 0, iif: 1, tos: 0, mark: 0, scope, proto: 0, uid: 0 });
    if (!isKErr(r)) {
      const res = r as { prefsrc: number; nhDev?: NetDevice; nhGw: number; scope: number };
      if (res.prefsrc) return res.prefsrc;
      if (res.nhDev) return inetSelectAddr(res.nhDev, res.nhGw, res.scope);
    }
  } else scope = RT_SCOPE_LINK;
  return inetSelectAddr(dev, saddr, scope);
}

/**
 * net/ipv4/icmp.c: __icmp_send(): send an ICMP error about skbIn (its IP header at
 * networkHeader) back to its source. `info` is the gateway (redirect), the next-hop MTU
 * (frag needed) or the pointer (parameter problem).
 */
export function icmpSend(skbIn: SkBuff, type: number, code: number, info: number, sopt?: IpOptions): void {
  const rt = skbIn.dst as Rtable | undefined;
  if (!rt) return;
  const net = (skbIn.dev ?? rt.dev).net;
  const b = skbIn.buf;
  const o = skbIn.networkHeader;
  if (o < 0 || o + 20 > skbIn.tail) return;
  if (skbIn.pktType !== PACKET_HOST) return;
  if (rt.rtFlags & (RTCF_BROADCAST | RTCF_MULTICAST)) return;
  if (readU16(b, o + 6) & IP_OFFSET) return;
  const hl = (b[o]! & 0xf) << 2;
  if (icmpIsErr(type) && b[o + 9] === 1) {
    if (o + hl + 1 > skbIn.tail) return;
    const itp = b[o + hl]!;
    if (itp > NR_ICMP_TYPES || icmpIsErr(itp)) return;
  }
  const apply = { v: false };
  if (!(skbIn.dev && skbIn.dev.flags & IFF_LOOPBACK) && !icmpv4GlobalAllow(net, type, code, apply)) return;
  // the options the datagram came with, turned around (__ip_options_echo)
  const ropt = ipOptionsEcho(net, skbIn, sopt ?? skbIn.ipOpt);
  if (!ropt) return;
  let saddr = readU32(b, o + 16);
  if (!(rt.rtFlags & RTCF_LOCAL)) {
    let dev: NetDevice | undefined;
    if (rt.rtIsInput && ipv4Sysctl(net).icmpErrorsUseInboundIfaddr) dev = net.devByIndex.get(skbIn.skbIif);
    saddr = dev ? inetSelectAddr(dev, readU32(b, o + 12), RT_SCOPE_LINK) : 0;
  }
  const tos = icmpIsErr(type) ? ((b[o + 1]! & 0x1e) | 0xc0) : b[o + 1]!;
  // icmp_route_lookup()
  const fl4: Flowi4 = { daddr: ropt.srr ? ropt.faddr : readU32(b, o + 12), saddr, oif: 0, iif: 1, tos: tos & 0x1e, mark: 0, scope: RT_SCOPE_UNIVERSE, proto: 1, uid: 0 };
  const r = ipRouteOutputKey(net, fl4);
  if (isKErr(r)) return;
  if (!icmpv4XrlimAllow(net, r, fl4, apply.v)) return;
  let room = ipv4Mtu(r);
  if (room > 576) room = 576;
  room -= 20 + ropt.optlen + 8;
  if (room < 0) room = 0;
  let dataLen = skbIn.tail - o;
  if (dataLen > room) dataLen = room;
  if (!fl4.saddr) fl4.saddr = 0xc0000008; // INADDR_DUMMY 192.0.0.8
  // icmp_glue_bits(): an error joins the conntrack of the packet it quotes (nf_ct_attach)
  icmpPushReply(net, r, fl4, tos, type, code, info, undefined, b, o, dataLen, ropt, readU32(b, o + 12), skbIn);
}

// ------------------------------------------------------------------ receiving

/** net/ipv4/icmp.c: icmp_rcv() — skb.data at the ICMP header */
export function icmpRcv(skb: SkBuff): void {
  const net = skb.dev!.net;
  const st = icmpStats(net);
  st.InMsgs++;
  const b = skb.buf;
  const o = skb.data;
  const len = skb.tail - o;
  if (len < 8 || ipComputeCsum(b, o, len) !== 0) {
    if (len >= 8) st.InCsumErrors++;
    st.InErrors++;
    kfreeSkbReason(skb, len < 8 ? "SKB_DROP_REASON_PKT_TOO_SMALL" : "SKB_DROP_REASON_ICMP_CSUM", "icmp_rcv");
    return;
  }
  const type = b[o]!;
  st.inType[type]!++;
  if (type > NR_ICMP_TYPES) {
    st.InErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_UNHANDLED_PROTO", "icmp_rcv");
    return;
  }
  const rt = skb.dst as Rtable;
  if (rt.rtFlags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
    if ((type === ICMP_ECHO || type === ICMP_TIMESTAMP) && ipv4Sysctl(net).icmpEchoIgnoreBroadcasts) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_INVALID_PROTO", "icmp_rcv");
      return;
    }
    if (type !== ICMP_ECHO && type !== ICMP_TIMESTAMP && type !== 17 && type !== 18) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_INVALID_PROTO", "icmp_rcv");
      return;
    }
  }
  switch (type) {
    case ICMP_ECHOREPLY:
      pingRcv(skb);
      return;
    case ICMP_ECHO:
      icmpEcho(skb);
      break;
    case ICMP_TIMESTAMP:
      icmpTimestamp(skb);
      break;
    case ICMP_DEST_UNREACH:
    case ICMP_SOURCE_QUENCH:
    case ICMP_TIME_EXCEEDED:
    case ICMP_PARAMETERPROB:
      if (!icmpUnreach(skb)) return;
      break;
    case ICMP_REDIRECT:
      icmpRedirect(skb);
      break;
    default:
      break; // icmp_discard
  }
  consumeSkb(skb);
}

/** net/ipv4/icmp.c: icmp_echo() + icmp_reply() */
function icmpEcho(skb: SkBuff): void {
  const net = skb.dev!.net;
  if (ipv4Sysctl(net).icmpEchoIgnoreAll) return;
  const b = skb.buf;
  const o = skb.data;
  const n = skb.networkHeader;
  // icmp_reply(): the request's options, turned around
  const ropt = ipOptionsEcho(net, skb, skb.ipOpt);
  if (!ropt) return;
  const apply = { v: false };
  if (!icmpv4GlobalAllow(net, ICMP_ECHOREPLY, 0, apply)) return;
  const fl4: Flowi4 = {
    daddr: ropt.srr ? ropt.faddr : readU32(b, n + 12), saddr: fibComputeSpecDst(skb), oif: 0, iif: 1, tos: b[n + 1]! & 0x1e,
    mark: 0, scope: RT_SCOPE_UNIVERSE, proto: 1, uid: 0,
  };
  const r = ipRouteOutputKey(net, fl4);
  if (isKErr(r)) return;
  if (!icmpv4XrlimAllow(net, r, fl4, apply.v)) return;
  const len = skb.tail - o;
  // the echo request's header with the type changed: id and sequence (the "rest") as they came
  icmpPushReply(net, r, fl4, b[n + 1]!, ICMP_ECHOREPLY, b[o + 1]!, 0, readU32(b, o + 4), b, o + 8, len - 8, ropt, readU32(b, n + 12));
}

/** net/ipv4/icmp.c: icmp_timestamp() */
function icmpTimestamp(skb: SkBuff): void {
  const net = skb.dev!.net;
  const b = skb.buf;
  const o = skb.data;
  if (skb.tail - o < 20) return;
  const n = skb.networkHeader;
  const data = new Uint8Array(12);
  data.set(b.subarray(o + 8, o + 12), 0);
  const ms = inetCurrentTimestamp(net);
  writeU32(data, 4, ms);
  writeU32(data, 8, ms);
  const ropt = ipOptionsEcho(net, skb, skb.ipOpt);
  if (!ropt) return;
  const fl4: Flowi4 = { daddr: ropt.srr ? ropt.faddr : readU32(b, n + 12), saddr: fibComputeSpecDst(skb), oif: 0, iif: 1, tos: 0, mark: 0, scope: RT_SCOPE_UNIVERSE, proto: 1, uid: 0 };
  const r = ipRouteOutputKey(net, fl4);
  if (isKErr(r)) return;
  icmpPushReply(net, r, fl4, b[n + 1]!, ICMP_TIMESTAMPREPLY, 0, 0, readU32(b, o + 4), data, 0, 12, ropt, readU32(b, n + 12));
}

/**
 * net/ipv4/icmp.c: icmp_unreach(): checks, PMTU learning, then the sockets. Returns false
 * when the skb was freed here.
 */
function icmpUnreach(skb: SkBuff): boolean {
  const net = skb.dev!.net;
  const b = skb.buf;
  const o = skb.data;
  const inner = o + 8;
  if (skb.tail - inner < 20) {
    icmpStats(net).InErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_SMALL", "icmp_unreach");
    return false;
  }
  if ((b[inner]! & 0xf) < 5) {
    icmpStats(net).InErrors++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_IP_INHDR", "icmp_unreach");
    return false;
  }
  const type = b[o]!;
  const code = b[o + 1]!;
  let info = 0;
  if (type === ICMP_DEST_UNREACH) {
    if ((code & 15) === ICMP_FRAG_NEEDED) {
      const nopmtu = ipv4Sysctl(net).ipNoPmtuDisc;
      if (nopmtu === 2) return true;
      if (nopmtu === 0 || nopmtu === 3) info = readU16(b, o + 6);
    }
    if (code > NR_ICMP_UNREACH) return true;
  } else if (type === ICMP_PARAMETERPROB) {
    info = b[o + 4]!;
  } else if (type === ICMP_TIME_EXCEEDED) {
    if (code === ICMP_EXC_FRAGTIME) return true;
  }
  const ihl = (b[inner]! & 0xf) << 2;
  if (skb.tail - inner < ihl + 8) return true;
  if (ipv4Sysctl(net).icmpIgnoreBogusErrorResponses && inetAddrType(net, readU32(b, inner + 16)) === RTN_BROADCAST) return true;
  icmpSocketDeliver(skb, info);
  return true;
}

/** net/ipv4/icmp.c: icmp_redirect() */
function icmpRedirect(skb: SkBuff): void {
  if (skb.tail - (skb.data + 8) < 20) return;
  icmpSocketDeliver(skb, readU32(skb.buf, skb.data + 4));
}

/** protocol error handlers (net_protocol.err_handler) by IP protocol */
type ErrHandler = (skb: SkBuff, info: number) => void;
const errHandlers: (ErrHandler | undefined)[] = new Array(256);
export function inetAddErrHandler(protocol: number, fn: ErrHandler): void {
  errHandlers[protocol] = fn;
}

/**
 * net/ipv4/icmp.c: icmp_socket_deliver(): raw sockets first, then the protocol's err_handler.
 * skb.data is the ICMP header; the quoted IP header follows it. PMTU and redirects are
 * learned here (what ipv4_update_pmtu/ipv4_redirect in the handlers do).
 */
function icmpSocketDeliver(skb: SkBuff, info: number): void {
  const net = skb.dev!.net;
  const b = skb.buf;
  const o = skb.data;
  const inner = o + 8;
  const protocol = b[inner + 9]!;
  const type = b[o]!;
  const code = b[o + 1]!;
  const daddr = readU32(b, inner + 16);
  if (type === ICMP_DEST_UNREACH && code === ICMP_FRAG_NEEDED && info) ipRtUpdatePmtu(net, undefined, daddr, info);
  else if (type === ICMP_REDIRECT) ipDoRedirect(net, skb.dev!, daddr, readU32(b, skb.networkHeader + 12), info);
  rawIcmpError(skb, protocol, info);
  if (protocol === 1) {
    // icmp_err(): errors about echo requests go to ping sockets
    const ihl = (b[inner]! & 0xf) << 2;
    if (b[inner + ihl] !== ICMP_ECHOREPLY) pingErr(skb, info);
    return;
  }
  errHandlers[protocol]?.(skb, info);
}

export { ROUTE_INPUT_LOCAL };
