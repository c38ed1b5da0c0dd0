/**
 * net/ipv4/ip_options.c: IPv4 header options. A socket's options (IP_OPTIONS) are compiled
 * once (ip_options_get) and written into each datagram it sends (ip_options_build); a received
 * datagram's options are compiled in place (ip_rcv_options: record route and timestamp slots
 * filled, pointers moved), fixed up when forwarded (ip_forward_options), turned around for a
 * reply or an ICMP error (__ip_options_echo), and followed when they carry a source route
 * (ip_options_rcv_srr). The compiled state is struct ip_options, the skb's IPCB(skb)->opt.
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { PACKET_HOST } from "../uapi/if.ts";
import { isKErr } from "../uapi/errno.ts";
import { RTN_UNICAST, RTN_LOCAL, RT_SCOPE_UNIVERSE } from "../uapi/rtnetlink.ts";
import { readU32, writeU32 } from "../../wire/addr.ts";
import { ipSendCheck } from "../../wire/ipv4.ts";
import { setIpOptionsGet } from "../socket/sock.ts";
import { ICMP_PARAMETERPROB, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH } from "../../wire/icmp.ts";
import { netSched } from "../core/dev_path.ts";
import { type Rtable, ipRouteInputNoref } from "./route.ts";
import { fibLookup } from "./fib.ts";
import { inetAddrType } from "./fib_frontend.ts";
import { inetSelectAddr, inDevConf, devInDevice, IN_DEV } from "./devinet.ts";
import { icmpSend, fibComputeSpecDst } from "./icmp.ts";

export const IPOPT_END = 0;
export const IPOPT_NOOP = 1;
export const IPOPT_RR = 7;
export const IPOPT_TIMESTAMP = 68;
export const IPOPT_SEC = 130;
export const IPOPT_LSRR = 131;
export const IPOPT_CIPSO = 134;
export const IPOPT_SID = 136;
export const IPOPT_SSRR = 137;
export const IPOPT_RA = 148;
export const IPOPT_TS_TSONLY = 0;
export const IPOPT_TS_TSANDADDR = 1;
export const IPOPT_TS_PRESPEC = 3;
/** MAX_IPOPTLEN */
export const MAX_IPOPTLEN = 40;

/** struct ip_options: offsets are from the start of the IP header (0 = absent) */
export interface IpOptions {
  faddr: number;
  nexthop: number;
  optlen: number;
  srr: number;
  rr: number;
  ts: number;
  isStrictroute: boolean;
  srrIsHit: boolean;
  isChanged: boolean;
  rrNeedaddr: boolean;
  tsNeedtime: boolean;
  tsNeedaddr: boolean;
  routerAlert: number;
  cipso: number;
  /** __data: the options of a socket or of a reply being built (40 bytes) */
  data: Uint8Array;
}

export function ipOptionsNew(): IpOptions {
  return {
    faddr: 0, nexthop: 0, optlen: 0, srr: 0, rr: 0, ts: 0, isStrictroute: false, srrIsHit: false, isChanged: false,
    rrNeedaddr: false, tsNeedtime: false, tsNeedaddr: false, routerAlert: 0, cipso: 0, data: new Uint8Array(MAX_IPOPTLEN),
  };
}

/** a copy of the compiled state (IPCB(skb)->opt = *opt) without the data */
function ipOptionsCopy(o: IpOptions): IpOptions {
  return { ...o };
}

/** net/ipv4/af_inet.c: inet_current_timestamp(): milliseconds since midnight UTC */
export function inetCurrentTimestamp(net: Net): number {
  const world = (net.host as unknown as { world: { epoch: number } }).world;
  const us = netSched(net).now;
  const secs = (world.epoch + Math.floor(us / 1_000_000)) % 86400;
  return (secs * 1000 + Math.floor((us % 1_000_000) / 1000)) >>> 0;
}

/**
 * net/ipv4/route.c: ip_rt_get_source(): the address a router or sender records: an output
 * route's source, or for an input route the preferred source of the route out of rt's device
 */
export function ipRtGetSource(b: Uint8Array, at: number, skb: SkBuff, rt: Rtable): void {
  const n = skb.networkHeader;
  let src: number;
  if (!rt.rtIsInput) src = readU32(skb.buf, n + 12);
  else {
    const daddr = readU32(skb.buf, n + 16);
    const r = fibLookup(rt.dev.net, {
      daddr, saddr: readU32(skb.buf, n + 12), oif: rt.dev.ifindex, iif: skb.dev ? skb.dev.ifindex : 0,
      tos: skb.buf[n + 1]! & 0x1e, mark: skb.mark, scope: RT_SCOPE_UNIVERSE, proto: 0, uid: 0,
    });
    if (!isKErr(r)) src = r.prefsrc;
    else src = inetSelectAddr(rt.dev, rt.rtUsesGateway ? rt.rtGw4 : daddr, RT_SCOPE_UNIVERSE);
  }
  writeU32(b, at, src);
}

/**
 * __ip_options_compile(): check the options and note where each is. With an skb, they are
 * the skb's (its IP header at networkHeader) and are filled in as a receiver does; without,
 * they are opt.data of a socket, checked against the caller's CAP_NET_RAW. Returns -1 when
 * they are good, else the offset of the bad byte from the header (ICMP parameter problem).
 */
export function ipOptionsCompileInfo(net: Net, opt: IpOptions, skb: SkBuff | undefined, capNetRaw = true): number {
  let specDst = 0;
  let pp = -1;
  let rt: Rtable | undefined;
  let b: Uint8Array;
  let iph: number;
  if (skb) {
    rt = skb.dst as Rtable | undefined;
    b = skb.buf;
    iph = skb.networkHeader;
  } else {
    b = opt.data;
    iph = -20;
  }
  let p = iph + 20;
  let l = opt.optlen;
  /* the checks RR and TIMESTAMP begin with: seen twice, too short, pointer before the data */
  const head = (seen: number, optlen: number, minLen: number, minPtr: number): number => {
    if (seen) return p;
    if (optlen < minLen) return p + 1;
    if (b[p + 2]! < minPtr) return p + 2;
    return -1;
  };
  const specDstFill = (): number => {
    if (specDst === 0) specDst = fibComputeSpecDst(skb!);
    return specDst;
  };
  scan: while (l > 0) {
    switch (b[p]!) {
      case IPOPT_END:
        for (p++, l--; l > 0; p++, l--) {
          if (b[p] !== IPOPT_END) {
            b[p] = IPOPT_END;
            opt.isChanged = true;
          }
        }
        break scan;
      case IPOPT_NOOP:
        l--;
        p++;
        continue;
    }
    if (l < 2) {
      pp = p;
      break;
    }
    const optlen = b[p + 1]!;
    if (optlen < 2 || optlen > l) {
      pp = p;
      break;
    }
    switch (b[p]!) {
      case IPOPT_SSRR:
      case IPOPT_LSRR:
        if (optlen < 3) {
          pp = p + 1;
          break scan;
        }
        if (b[p + 2]! < 4) {
          pp = p + 2;
          break scan;
        }
        /* NB: cf RFC-1812 5.2.4.1 */
        if (opt.srr) {
          pp = p;
          break scan;
        }
        if (!skb) {
          if (b[p + 2] !== 4 || optlen < 7 || (optlen - 3) & 3) {
            pp = p + 1;
            break scan;
          }
          opt.faddr = readU32(b, p + 3);
          if (optlen > 7) b.copyWithin(p + 3, p + 7, p + optlen);
        }
        opt.isStrictroute = b[p] === IPOPT_SSRR;
        opt.srr = p - iph;
        break;
      case IPOPT_RR:
        pp = head(opt.rr, optlen, 3, 4);
        if (pp >= 0) break scan;
        if (b[p + 2]! <= optlen) {
          if (b[p + 2]! + 3 > optlen) {
            pp = p + 2;
            break scan;
          }
          if (rt) {
            writeU32(b, p + b[p + 2]! - 1, specDstFill());
            opt.isChanged = true;
          }
          b[p + 2] = b[p + 2]! + 4;
          opt.rrNeedaddr = true;
        }
        opt.rr = p - iph;
        break;
      case IPOPT_TIMESTAMP:
        pp = head(opt.ts, optlen, 4, 5);
        if (pp >= 0) break scan;
        if (b[p + 2]! <= optlen) {
          let timeptr = -1;
          if (b[p + 2]! + 3 > optlen) {
            pp = p + 2;
            break scan;
          }
          switch (b[p + 3]! & 0xf) {
            case IPOPT_TS_TSONLY:
              if (skb) timeptr = p + b[p + 2]! - 1;
              opt.tsNeedtime = true;
              b[p + 2] = b[p + 2]! + 4;
              break;
            case IPOPT_TS_TSANDADDR:
              if (b[p + 2]! + 7 > optlen) {
                pp = p + 2;
                break scan;
              }
              if (rt) {
                writeU32(b, p + b[p + 2]! - 1, specDstFill());
                timeptr = p + b[p + 2]! + 3;
              }
              opt.tsNeedaddr = true;
              opt.tsNeedtime = true;
              b[p + 2] = b[p + 2]! + 8;
              break;
            case IPOPT_TS_PRESPEC: {
              if (b[p + 2]! + 7 > optlen) {
                pp = p + 2;
                break scan;
              }
              const addr = readU32(b, p + b[p + 2]! - 1);
              if (inetAddrType(net, addr) === RTN_UNICAST) break;
              if (skb) timeptr = p + b[p + 2]! + 3;
              opt.tsNeedtime = true;
              b[p + 2] = b[p + 2]! + 8;
              break;
            }
            default:
              if (!skb && !capNetRaw) {
                pp = p + 3;
                break scan;
              }
              break;
          }
          if (timeptr >= 0) {
            writeU32(b, timeptr, inetCurrentTimestamp(net));
            opt.isChanged = true;
          }
        } else if ((b[p + 3]! & 0xf) !== IPOPT_TS_PRESPEC) {
          const overflow = b[p + 3]! >> 4;
          if (overflow === 15) {
            pp = p + 3;
            break scan;
          }
          if (skb) {
            b[p + 3] = (b[p + 3]! & 0xf) | ((overflow + 1) << 4);
            opt.isChanged = true;
          }
        }
        opt.ts = p - iph;
        break;
      case IPOPT_RA:
        if (optlen < 4) {
          pp = p + 1;
          break scan;
        }
        if (b[p + 2] === 0 && b[p + 3] === 0) opt.routerAlert = p - iph;
        break;
      case IPOPT_CIPSO:
        /* no CIPSO DOI is configured: cipso_v4_validate() refuses every one */
        pp = p;
        break scan;
      case IPOPT_SEC:
      case IPOPT_SID:
      default:
        if (!skb && !capNetRaw) {
          pp = p;
          break scan;
        }
        break;
    }
    l -= optlen;
    p += optlen;
  }
  return pp < 0 ? -1 : pp - iph;
}

/** ip_options_compile(): a received datagram's bad options get a parameter problem */
export function ipOptionsCompile(net: Net, opt: IpOptions, skb: SkBuff | undefined): boolean {
  const info = ipOptionsCompileInfo(net, opt, skb);
  if (info < 0) return true;
  if (skb) icmpSend(skb, ICMP_PARAMETERPROB, 0, (info << 24) >>> 0);
  return false;
}

/**
 * ip_options_get(): a socket's IP_OPTIONS (or an IP_RETOPTS cmsg), padded to a multiple of 4
 * with IPOPT_END and compiled; undefined for an empty set, an errno name when refused.
 */
export function ipOptionsGet(net: Net, data: Uint8Array, capNetRaw: boolean): IpOptions | undefined | "EINVAL" | "EPERM" {
  if (data.length > MAX_IPOPTLEN) return "EINVAL";
  const opt = ipOptionsNew();
  opt.data.set(data);
  let optlen = data.length;
  while (optlen & 3) opt.data[optlen++] = IPOPT_END;
  opt.optlen = optlen;
  if (optlen && ipOptionsCompileInfo(net, opt, undefined, capNetRaw) >= 0) return "EINVAL";
  /* a source route is for the privileged (do_ip_setsockopt, since 6.x) */
  if (opt.srr && !capNetRaw) return "EPERM";
  return optlen ? opt : undefined;
}

setIpOptionsGet(ipOptionsGet);

/** ip_options_undo(): the options as the user gave them (getsockopt, IP_RETOPTS) */
export function ipOptionsUndo(opt: IpOptions): void {
  const b = opt.data;
  if (opt.srr) {
    const p = opt.srr - 20;
    b.copyWithin(p + 7, p + 3, p + b[p + 1]! - 4);
    writeU32(b, p + 3, opt.faddr);
  }
  if (opt.rrNeedaddr) {
    const p = opt.rr - 20;
    b[p + 2] = b[p + 2]! - 4;
    b.fill(0, p + b[p + 2]! - 1, p + b[p + 2]! + 3);
  }
  if (opt.ts) {
    const p = opt.ts - 20;
    if (opt.tsNeedtime) {
      b[p + 2] = b[p + 2]! - 4;
      b.fill(0, p + b[p + 2]! - 1, p + b[p + 2]! + 3);
      if ((b[p + 3]! & 0xf) === IPOPT_TS_PRESPEC) b[p + 2] = b[p + 2]! - 4;
    }
    if (opt.tsNeedaddr) {
      b[p + 2] = b[p + 2]! - 4;
      b.fill(0, p + b[p + 2]! - 1, p + b[p + 2]! + 3);
    }
  }
}

/**
 * ip_options_build(): write `opt` into the header being sent (skb.networkHeader, room for
 * opt.optlen after the first 20 bytes): the final destination at the end of a source route,
 * the outgoing address into record route and timestamp slots, the time.
 */
export function ipOptionsBuild(skb: SkBuff, opt: IpOptions, daddr: number, rt: Rtable): void {
  const b = skb.buf;
  const iph = skb.networkHeader;
  b.set(opt.data.subarray(0, opt.optlen), iph + 20);
  const o = ipOptionsCopy(opt);
  skb.ipOpt = o;
  if (o.srr) writeU32(b, iph + o.srr + b[iph + o.srr + 1]! - 4, daddr);
  if (o.rrNeedaddr) ipRtGetSource(b, iph + o.rr + b[iph + o.rr + 2]! - 5, skb, rt);
  if (o.tsNeedaddr) ipRtGetSource(b, iph + o.ts + b[iph + o.ts + 2]! - 9, skb, rt);
  if (o.tsNeedtime) writeU32(b, iph + o.ts + b[iph + o.ts + 2]! - 5, inetCurrentTimestamp(rt.dev.net));
}

/**
 * __ip_options_echo(): from the options skb came with (sopt, compiled), those for an answer:
 * record route and timestamp copied with room taken for this host, a source route reversed.
 * Returns the options (optlen 0: none), or undefined when they cannot be answered.
 */
export function ipOptionsEcho(net: Net, skb: SkBuff, sopt: IpOptions | undefined): IpOptions | undefined {
  const dopt = ipOptionsNew();
  if (!sopt || sopt.optlen === 0) return dopt;
  const s = skb.buf;
  const sh = skb.networkHeader;
  const d = dopt.data;
  let dp = 0;
  if (sopt.rr) {
    const optlen = s[sh + sopt.rr + 1]!;
    const soffset = s[sh + sopt.rr + 2]!;
    dopt.rr = dopt.optlen + 20;
    d.set(s.subarray(sh + sopt.rr, sh + sopt.rr + optlen), dp);
    if (sopt.rrNeedaddr && soffset <= optlen) {
      if (soffset + 3 > optlen) return undefined;
      d[dp + 2] = soffset + 4;
      dopt.rrNeedaddr = true;
    }
    dp += optlen;
    dopt.optlen += optlen;
  }
  if (sopt.ts) {
    const optlen = s[sh + sopt.ts + 1]!;
    let soffset = s[sh + sopt.ts + 2]!;
    dopt.ts = dopt.optlen + 20;
    d.set(s.subarray(sh + sopt.ts, sh + sopt.ts + optlen), dp);
    if (soffset <= optlen) {
      if (sopt.tsNeedaddr) {
        if (soffset + 3 > optlen) return undefined;
        dopt.tsNeedaddr = true;
        soffset += 4;
      }
      if (sopt.tsNeedtime) {
        if (soffset + 3 > optlen) return undefined;
        if ((d[dp + 3]! & 0xf) !== IPOPT_TS_PRESPEC) {
          dopt.tsNeedtime = true;
          soffset += 4;
        } else {
          dopt.tsNeedtime = false;
          if (soffset + 7 <= optlen) {
            const addr = readU32(d, dp + soffset - 1);
            if (inetAddrType(net, addr) !== RTN_UNICAST) {
              dopt.tsNeedtime = true;
              soffset += 8;
            }
          }
        }
      }
      d[dp + 2] = soffset;
    }
    dp += optlen;
    dopt.optlen += optlen;
  }
  if (sopt.srr) {
    const start = sh + sopt.srr;
    const optlen = s[start + 1]!;
    let soffset = s[start + 2]!;
    let doffset = 0;
    let faddr = 0;
    if (soffset > optlen) soffset = optlen + 1;
    soffset -= 4;
    if (soffset > 3) {
      faddr = readU32(s, start + soffset - 1);
      for (soffset -= 4, doffset = 4; soffset > 3; soffset -= 4, doffset += 4) {
        writeU32(d, dp + doffset - 1, readU32(s, start + soffset - 1));
      }
      /* RFC1812 requires to fix illegal source routes */
      if (readU32(s, sh + 12) === readU32(s, start + soffset + 3)) doffset -= 4;
    }
    if (doffset > 3) {
      dopt.faddr = faddr;
      d[dp] = s[start]!;
      d[dp + 1] = doffset + 3;
      d[dp + 2] = 4;
      dp += doffset + 3;
      dopt.srr = dopt.optlen + 20;
      dopt.optlen += doffset + 3;
      dopt.isStrictroute = sopt.isStrictroute;
    }
  }
  while (dopt.optlen & 3) {
    d[dp++] = IPOPT_END;
    dopt.optlen++;
  }
  return dopt;
}

/** ip_forward_options(): the forwarding router's own address into record route and source route */
export function ipForwardOptions(skb: SkBuff): void {
  const opt = skb.ipOpt;
  if (!opt) return;
  const rt = skb.dst as Rtable;
  const b = skb.buf;
  const raw = skb.networkHeader;
  if (opt.rrNeedaddr) {
    const p = raw + opt.rr;
    ipRtGetSource(b, p + b[p + 2]! - 5, skb, rt);
    opt.isChanged = true;
  }
  if (opt.srrIsHit) {
    const p = raw + opt.srr;
    let srrptr = b[p + 2]!;
    const srrspace = b[p + 1]!;
    for (; srrptr <= srrspace; srrptr += 4) {
      if (srrptr + 3 > srrspace) break;
      if (readU32(b, p + srrptr - 1) === opt.nexthop) break;
    }
    if (srrptr + 3 <= srrspace) {
      opt.isChanged = true;
      writeU32(b, raw + 16, opt.nexthop);
      ipRtGetSource(b, p + srrptr - 1, skb, rt);
      b[p + 2] = srrptr + 4;
    } else {
      rt.dev.net.host.dmesgLog("ip_forward_options(): Argh! Destination lost!");
    }
    if (opt.tsNeedaddr) {
      const t = raw + opt.ts;
      ipRtGetSource(b, t + b[t + 2]! - 9, skb, rt);
      opt.isChanged = true;
    }
  }
  if (opt.isChanged) {
    opt.isChanged = false;
    ipSendCheck(b, raw);
  }
}

/**
 * ip_options_rcv_srr(): a source-routed datagram addressed to this host goes on to the next
 * hop of its route (local hops are taken at once). Returns false to drop it.
 */
export function ipOptionsRcvSrr(skb: SkBuff, dev: NetDevice): boolean {
  const opt = skb.ipOpt!;
  const b = skb.buf;
  const iph = skb.networkHeader;
  const p = iph + opt.srr;
  const rt = skb.dst as Rtable | undefined;
  if (!rt) return true;
  if (skb.pktType !== PACKET_HOST) return false;
  if (rt.rtType === RTN_UNICAST) {
    if (!opt.isStrictroute) return true;
    icmpSend(skb, ICMP_PARAMETERPROB, 0, (16 << 24) >>> 0);
    return false;
  }
  if (rt.rtType !== RTN_LOCAL) return false;
  let srrptr = b[p + 2]!;
  const srrspace = b[p + 1]!;
  let nexthop = 0;
  for (; srrptr <= srrspace; srrptr += 4) {
    if (srrptr + 3 > srrspace) {
      icmpSend(skb, ICMP_PARAMETERPROB, 0, ((opt.srr + 2) << 24) >>> 0);
      return false;
    }
    nexthop = readU32(b, p + srrptr - 1);
    const orig = skb.dst;
    skb.dst = undefined;
    const err = ipRouteInputNoref(skb, nexthop, readU32(b, iph + 12), b[iph + 1]! & 0xfc, dev);
    const rt2 = skb.dst as Rtable | undefined;
    if (err || !rt2 || (rt2.rtType !== RTN_UNICAST && rt2.rtType !== RTN_LOCAL)) {
      skb.dst = orig;
      return false;
    }
    if (rt2.rtType !== RTN_LOCAL) break;
    /* Superfast 8) loopback forward */
    writeU32(b, iph + 16, nexthop);
    opt.isChanged = true;
  }
  if (srrptr <= srrspace) {
    opt.srrIsHit = true;
    opt.nexthop = nexthop;
    opt.isChanged = true;
  }
  return true;
}

const ip4 = (a: number): string => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;

/**
 * net/ipv4/ip_input.c: ip_rcv_options(): compile the options of a datagram just routed (its
 * IPCB(skb)->opt); a source route needs accept_source_route. Returns false to drop it.
 */
export function ipRcvOptions(skb: SkBuff, dev: NetDevice, stats: { InHdrErrors: number }): boolean {
  const b = skb.buf;
  const iph = skb.networkHeader;
  const opt = ipOptionsNew();
  opt.optlen = ((b[iph]! & 0xf) << 2) - 20;
  skb.ipOpt = opt;
  if (!ipOptionsCompile(dev.net, opt, skb)) {
    stats.InHdrErrors++;
    return false;
  }
  if (opt.srr) {
    if (devInDevice(dev) && !inDevConf(dev, IN_DEV.accept_source_route)) {
      if (inDevConf(dev, IN_DEV.log_martians)) {
        dev.net.host.dmesgLog(`IPv4: source route option ${ip4(readU32(b, iph + 12))} -> ${ip4(readU32(b, iph + 16))}`);
      }
      return false;
    }
    if (!ipOptionsRcvSrr(skb, dev)) return false;
  }
  return true;
}

/**
 * net/ipv4/route.c: ipv4_send_dest_unreach() (ipv4_link_failure()): host unreachable for a
 * datagram that found no neighbour; its options are compiled again, IPCB may be stale
 */
export function ipv4SendDestUnreach(skb: SkBuff): void {
  const b = skb.buf;
  const iph = skb.networkHeader;
  if (skb.tail - iph < 20 || b[iph]! >> 4 !== 4 || (b[iph]! & 0xf) < 5) return;
  const opt = ipOptionsNew();
  if ((b[iph]! & 0xf) > 5) {
    if (skb.tail - iph < (b[iph]! & 0xf) << 2) return;
    opt.optlen = ((b[iph]! & 0xf) << 2) - 20;
    const dev = skb.dev ?? (skb.dst as Rtable).dev;
    if (ipOptionsCompileInfo(dev.net, opt, skb) >= 0) return;
  }
  icmpSend(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, opt);
}
