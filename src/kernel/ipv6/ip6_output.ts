/**
 * net/ipv6/ip6_output.c: the IPv6 header (ip6_flow_hdr, ip6_nd_hdr, ip6_mc_hdr), the ICMPv6
 * checksum over the pseudo-header (csum_ipv6_magic), output of ND/MLD packets to a group or a
 * neighbour, of locally made packets through a route (ip6LocalOut), and ip6_finish_output2()'s
 * neighbour step (nd_tbl: a group's entry is NUD_NOARP with the mapped 33:33:xx:xx:xx:xx
 * address, a unicast one resolves).
 *
 * Netfilter: NF_INET_LOCAL_OUT (__ip6_local_out(), ndisc_send_skb(), mld_sendpack()) and
 * NF_INET_POST_ROUTING (ip6_output()) around ip6_finish_output2(), only entered when an IPv6
 * hook is registered in the namespace (ip6NfOutActive()).
 *
 * ip6_fragment() of locally made packets bigger than the route's MTU.
 */
import type { NetDevice } from "../core/netdevice.ts";
import { SkBuff } from "../core/skbuff.ts";
import { neighOutput } from "../core/neighbour.ts";
import { ndiscNeighFor } from "./ndisc.ts";
import { ipv6ChkMcastAddr } from "./mcast.ts";
import { devLoopbackXmit, netRng } from "../core/dev_path.ts";
import { ip6DstMtu, type Dst6 } from "./route.ts";
import { kfreeSkbReason } from "../core/drop.ts";
import { csumPartial, csumFold } from "../../wire/checksum.ts";
import { ETH_P_IPV6, ARPHRD_ETHER, IFF_LOOPBACK } from "../uapi/if.ts";
import { ipv6Stats, icmp6MsgOutInc } from "./proc.ts";
import type { Net } from "../core/net_namespace.ts";
import { nfHook, nfHookActive, NFPROTO_IPV6, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING } from "../netfilter/core.ts";

/** does a packet this host sends meet an IPv6 hook (LOCAL_OUT or POST_ROUTING) in `net`? */
function ip6NfOutActive(net: Net): boolean {
  return nfHookActive(net, NFPROTO_IPV6, NF_INET_LOCAL_OUT) || nfHookActive(net, NFPROTO_IPV6, NF_INET_POST_ROUTING);
}

/**
 * net/ipv6/output_core.c: __ip6_local_out()'s NF_INET_LOCAL_OUT, then ip6_output()'s
 * NF_INET_POST_ROUTING, around `finish` (ip6_finish_output()): its value, or -EPERM (-1) when
 * a hook dropped the packet (nf_hook_slow())
 */
function ip6NfLocalOut(net: Net, skb: SkBuff, dev: NetDevice, finish: (skb: SkBuff) => number): number {
  let r = -1;
  nfHook(NFPROTO_IPV6, NF_INET_LOCAL_OUT, net, skb, undefined, dev, (s) =>
    nfHook(NFPROTO_IPV6, NF_INET_POST_ROUTING, net, s, undefined, dev, (s2) => {
      r = finish(s2);
    }));
  return r;
}

export const IPV6_HDRLEN = 40;
export const NEXTHDR_HOP = 0;
export const NEXTHDR_ICMP = 58;
export const NEXTHDR_FRAGMENT = 44;
const FRAG_HDRLEN = 8;
export const IPPROTO_ICMPV6 = 58;
/** the headroom an skb built by ND/MLD reserves (LL_RESERVED_SPACE + the IPv6 header) */
export const IP6_HEADROOM = 14 + IPV6_HDRLEN + 16;

/** in6addr_any */
export const IN6ADDR_ANY = new Uint8Array(16);

/** include/net/addrconf.h: ipv6_addr_any() */
export function ipv6AddrAny(a: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i]) return false;
  return true;
}

/** ipv6_addr_equal() of `a` and the address at `b[bo..bo+16)` */
export function ipv6AddrEqual(a: Uint8Array, b: Uint8Array, bo = 0): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[bo + i]) return false;
  return true;
}

/** in6addr_loopback (::1), a copy of its own: where connect() and sendto() take :: */
export function in6addrLoopback(): Uint8Array {
  const a = new Uint8Array(16);
  a[15] = 1;
  return a;
}

/** include/net/ipv6.h: ipv6_addr_v4mapped(): ::ffff:a.b.c.d */
export function ipv6AddrV4Mapped(a: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (a[i]) return false;
  return a[10] === 0xff && a[11] === 0xff;
}

export function ipv6AddrIsMulticast(a: Uint8Array): boolean {
  return a[0] === 0xff;
}

/** include/net/ipv6.h: IPV6_ADDR_MC_SCOPE() */
export function ipv6AddrMcScope(a: Uint8Array): number {
  return a[1]! & 0x0f;
}

/** parse "ff02::1:ff00:1"-style text (tests, constants) */
export function in6Addr(s: string): Uint8Array {
  const out = new Uint8Array(16);
  const [head, tail] = s.includes("::") ? s.split("::") as [string, string] : [s, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const words = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill("0"), ...t];
  words.forEach((w, i) => {
    const v = parseInt(w || "0", 16);
    out[i * 2] = v >>> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** include/net/ip6_checksum.h: csum_ipv6_magic(): fold the pseudo-header and a partial sum */
export function csumIpv6Magic(saddr: Uint8Array, daddr: Uint8Array, len: number, proto: number, sum: number): number {
  sum = csumPartial(saddr, 0, 16, sum);
  sum = csumPartial(daddr, 0, 16, sum);
  sum += Math.floor(len / 0x10000) + (len & 0xffff) + proto;
  return csumFold(sum);
}

/** the ICMPv6 checksum of buf[off..off+len) (the checksum field must be zero) */
export function icmpv6Csum(buf: Uint8Array, off: number, len: number, saddr: Uint8Array, daddr: Uint8Array): number {
  const c = csumIpv6Magic(saddr, daddr, len, IPPROTO_ICMPV6, csumPartial(buf, off, len));
  return c === 0 ? 0xffff : c;
}

/**
 * include/net/ipv6.h: ip6_flow_hdr() + the rest of the fixed header, written at skb.data
 * after pushing 40 bytes (ip6_nd_hdr / ip6_mc_hdr): version 6, traffic class, flow label 0.
 */
export function ip6PushHdr(skb: SkBuff, saddr: Uint8Array, daddr: Uint8Array, nexthdr: number, hopLimit: number, tclass = 0): void {
  const payloadLen = skb.len;
  const o = skb.push(IPV6_HDRLEN);
  const b = skb.buf;
  b[o] = 0x60 | (tclass >>> 4);
  b[o + 1] = (tclass & 0x0f) << 4;
  b[o + 2] = 0;
  b[o + 3] = 0;
  b[o + 4] = payloadLen >>> 8;
  b[o + 5] = payloadLen & 0xff;
  b[o + 6] = nexthdr;
  b[o + 7] = hopLimit;
  // (byte by byte: a subarray view of an address made for this packet costs its bytes a
  // buffer of their own, outside the heap)
  for (let i = 0; i < 16; i++) {
    b[o + 8 + i] = saddr[i]!;
    b[o + 24 + i] = daddr[i]!;
  }
  skb.networkHeader = o;
  skb.protocol = ETH_P_IPV6;
}

/** net/ipv6/ndisc.c: ndisc_mc_map() — the link-layer address of a multicast group on `dev`,
 * undefined where Linux answers -EINVAL (dir 0: loopback and other non-Ethernet types) */
export function ndiscMcMap(addr: Uint8Array, dev: NetDevice, dir: 0 | 1): Uint8Array | undefined {
  const buf = new Uint8Array(dev.type === ARPHRD_ETHER ? 6 : Math.min(dev.addrLen, dev.broadcast.length));
  return ndiscMcMapTo(addr, buf, dev, dir) === 0 ? buf : undefined;
}

/** ndisc_mc_map() as Linux has it: the address written into `buf` (at most its length in
 * bytes); 0, or -EINVAL with nothing written (ndisc_constructor(): a group's entry) */
export function ndiscMcMapTo(addr: Uint8Array, buf: Uint8Array, dev: NetDevice, dir: 0 | 1): number {
  if (dev.type === ARPHRD_ETHER) {
    // include/net/if_inet6.h: ipv6_eth_mc_map()
    buf[0] = 0x33;
    buf[1] = 0x33;
    for (let i = 2; i < 6; i++) buf[i] = addr[10 + i]!;
    return 0;
  }
  if (!dir) return -22;
  const n = Math.min(dev.addrLen, dev.broadcast.length, buf.length);
  for (let i = 0; i < n; i++) buf[i] = dev.broadcast[i]!;
  return 0;
}

/** an skb with room for the link-layer and IPv6 headers, holding `len` bytes of payload */
export function ip6AllocSkb(len: number): SkBuff {
  const skb = new SkBuff(len, IP6_HEADROOM);
  skb.transportHeader = skb.data;
  return skb;
}

/**
 * net/ipv6/ip6_output.c: ip6_output() -> ip6_finish_output2() for a packet (starting at its
 * IPv6 header) to the multicast group `daddr` through `dev`. Returns NET_XMIT_* / -errno.
 */
export function ip6OutputMulticast(skb: SkBuff, dev: NetDevice, daddr: Uint8Array): number {
  // ip6_output(): no inet6_dev or IPv6 disabled on the device
  if (!dev.ip6Ptr || dev.ip6Disabled) {
    skb.dev = dev;
    kfreeSkbReason(skb, "SKB_DROP_REASON_IPV6DISABLED", "ip6_output");
    return 0;
  }
  skb.dev = dev;
  skb.protocol = ETH_P_IPV6;
  /* ndisc_send_skb() / mld_sendpack(): OutRequests; ip6_finish_output2(): OUTMCAST and OUT
   * (OutTransmits, OutOctets); then ICMP6MSGOUT_INC_STATS + ICMP6_MIB_OUTMSGS */
  const st = ipv6Stats(dev.net);
  st.ip.OutRequests++;
  const b = skb.buf;
  const o = skb.data;
  /* the ICMPv6 header: right after the IPv6 header, or after a hop-by-hop one (MLD) */
  const t = b[o + 6] === NEXTHDR_ICMP ? o + IPV6_HDRLEN : b[o + 6] === NEXTHDR_HOP && b[o + IPV6_HDRLEN] === NEXTHDR_ICMP ? o + IPV6_HDRLEN + (b[o + IPV6_HDRLEN + 1]! + 1) * 8 : -1;
  const type = t >= 0 && t < skb.tail ? b[t]! : -1;
  if (skb.networkHeader < 0) skb.networkHeader = o;
  const r = ip6NfOutActive(dev.net) ? ip6NfLocalOut(dev.net, skb, dev, (s) => ip6FinishOutputCounted(s, dev, daddr)) : ip6FinishOutputCounted(skb, dev, daddr);
  if (type >= 0 && r >= 0) {
    icmp6MsgOutInc(st, type);
    st.icmp.OutMsgs++;
  }
  return r;
}

/** ip6_finish_output2()'s counters of a packet to `daddr` out of `dev`: OUTMCAST to a group, OUT */
function ip6CountOut(dev: NetDevice, daddr: Uint8Array, len: number): void {
  const st = ipv6Stats(dev.net);
  if (daddr[0] === 0xff) {
    st.ip.OutMcastPkts++;
    st.ip.OutMcastOctets += len;
  }
  st.ip.OutTransmits++;
  st.ip.OutOctets += len;
}

/** ip6_finish_output2() of a packet nothing loops back (a group's ND/MLD, a unicast ND
 * packet, a forwarded one): its counters, then the neighbour of `nexthop` */
export function ip6FinishOutputCounted(skb: SkBuff, dev: NetDevice, daddr: Uint8Array, nexthop = daddr): number {
  ip6CountOut(dev, daddr, skb.tail - skb.data);
  return ip6FinishOutput2(skb, dev, nexthop);
}

/**
 * net/ipv6/ip6_output.c: ip6_finish_output2()'s neighbour step: the entry of the next hop
 * (__ipv6_neigh_lookup_noref(), else __neigh_create(): a group's is NOARP with its mapped
 * address), the packet out through it (neigh_output(): queued while it resolves).
 */
function ip6FinishOutput2(skb: SkBuff, dev: NetDevice, nexthop: Uint8Array): number {
  const n = ndiscNeighFor(dev, nexthop);
  if (!n) {
    ipv6Stats(dev.net).ip.OutNoRoutes++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_NEIGH_CREATEFAIL", "ip6_finish_output2");
    return -22;
  }
  skb.dev = dev;
  skb.protocol = ETH_P_IPV6;
  return neighOutput(n, skb);
}

/**
 * ndisc_send_skb() of a packet to a unicast address on `dev` (a neighbour advertisement, a
 * unicast probe): its counters and ip6_finish_output2() through the destination's entry
 */
export function ip6OutputNdisc(skb: SkBuff, dev: NetDevice, daddr: Uint8Array): number {
  if (!dev.ip6Ptr || dev.ip6Disabled) {
    skb.dev = dev;
    kfreeSkbReason(skb, "SKB_DROP_REASON_IPV6DISABLED", "ip6_output");
    return 0;
  }
  const st = ipv6Stats(dev.net);
  const type = skb.buf[skb.data + IPV6_HDRLEN]!;
  st.ip.OutRequests++;
  if (skb.networkHeader < 0) skb.networkHeader = skb.data;
  const r = ip6NfOutActive(dev.net) ? ip6NfLocalOut(dev.net, skb, dev, (s) => ip6FinishOutputCounted(s, dev, daddr)) : ip6FinishOutputCounted(skb, dev, daddr);
  if (r >= 0) {
    icmp6MsgOutInc(st, type);
    st.icmp.OutMsgs++;
  }
  return r;
}

/**
 * net/ipv6/ip6_output.c: ip6_append_data() + ip6_push_pending_frames() / ip6_xmit() for one
 * locally made packet: the IPv6 header (`payload` after it), OutRequests, then ip6_output()
 * -> ip6_finish_output2() through the dst's device and next hop (multicast counted as such).
 */
export function ip6LocalOut(dst: Dst6, daddr: Uint8Array, nexthdr: number, hopLimit: number, payload: Uint8Array, tclass = 0, probe = false): number {
  const dev = dst.dev;
  const net = dev.net;
  const skb = ip6AllocSkb(payload.length);
  skb.buf.set(payload, skb.data);
  ip6PushHdr(skb, dst.saddr, daddr, nexthdr, hopLimit, tclass);
  const st = ipv6Stats(net);
  st.ip.OutRequests++;
  if (!dev.ip6Ptr || dev.ip6Disabled) {
    skb.dev = dev;
    st.ip.OutDiscards++;
    kfreeSkbReason(skb, "SKB_DROP_REASON_IPV6DISABLED", "ip6_output");
    return 0;
  }
  if (dst.rt.local) loopedIif.set(skb, dst.rt.dev);
  if (skb.networkHeader < 0) skb.networkHeader = skb.data;
  if (ip6NfOutActive(net)) return ip6NfLocalOut(net, skb, dev, (s) => ip6LocalFinishOutput(s, dst, daddr, hopLimit, probe));
  return ip6LocalFinishOutput(skb, dst, daddr, hopLimit, probe);
}

/** ip6_finish_output() of a locally made packet: fragmented when bigger than the route's MTU
 * (ip6_skb_dst_mtu(): the device's mtu for a socket whose pmtudisc is IPV6_PMTUDISC_PROBE or
 * more (`probe`), else dst_mtu(): a learned path MTU, else the device's IPv6 mtu; the socket
 * refused it earlier if it may not be fragmented) */
function ip6LocalFinishOutput(skb: SkBuff, dst: Dst6, daddr: Uint8Array, hopLimit: number, probe: boolean): number {
  const mtu = probe ? dst.dev.mtu : dst.rt.local ? ip6DevMtu(dst.dev) : ip6DstMtu(dst);
  if (skb.tail - skb.data > mtu) return ip6Fragment(skb, dst.dev, mtu, (f) => ip6LocalFinishOutput2(f, dst, daddr, hopLimit));
  return ip6LocalFinishOutput2(skb, dst, daddr, hopLimit);
}

/** ip6_mtu(): the device's IPv6 mtu (conf/DEV/mtu, which follows the device's) */
export function ip6DevMtu(dev: NetDevice): number {
  const idev = dev.ip6Ptr as { cnf: { get(name: string): number | string | undefined } } | undefined;
  const m = Number(idev?.cnf.get("mtu") ?? dev.mtu);
  return m > 0 ? m : dev.mtu;
}

/**
 * net/ipv6/ip6_output.c: ip6_fragment() of a packet whose only header is the IPv6 one: the
 * payload cut into pieces of the MTU less the IPv6 and Fragment headers (multiples of 8 but
 * the last), each behind a copy of the header with a Fragment header (the original next
 * header, its offset, more-fragments, one random identification), out by `output` in order;
 * FragCreates each, FragOKs once
 */
function ip6Fragment(skb: SkBuff, dev: NetDevice, mtu: number, output: (skb: SkBuff) => number): number {
  const b = skb.buf;
  const o = skb.data;
  const st = ipv6Stats(dev.net);
  const total = skb.tail - o - IPV6_HDRLEN;
  const room = (mtu - IPV6_HDRLEN - FRAG_HDRLEN) & ~7;
  // ipv6_select_ident(): a random identification, never 0
  let id = 0;
  while (id === 0) id = netRng(dev.net).u32();
  let r = 0;
  for (let off = 0; off < total; off += room) {
    const len = Math.min(room, total - off);
    const more = off + len < total;
    const f = ip6AllocSkb(FRAG_HDRLEN + len);
    const fb = f.buf;
    const fo = f.data;
    fb[fo] = b[o + 6]!;
    fb[fo + 1] = 0;
    fb[fo + 2] = off >>> 8;
    fb[fo + 3] = (off & 0xf8) | (more ? 1 : 0);
    fb[fo + 4] = id >>> 24;
    fb[fo + 5] = (id >>> 16) & 0xff;
    fb[fo + 6] = (id >>> 8) & 0xff;
    fb[fo + 7] = id & 0xff;
    fb.set(b.subarray(o + IPV6_HDRLEN + off, o + IPV6_HDRLEN + off + len), fo + FRAG_HDRLEN);
    const h = f.push(IPV6_HDRLEN);
    fb.set(b.subarray(o, o + IPV6_HDRLEN), h);
    fb[h + 4] = (FRAG_HDRLEN + len) >>> 8;
    fb[h + 5] = (FRAG_HDRLEN + len) & 0xff;
    fb[h + 6] = NEXTHDR_FRAGMENT;
    f.networkHeader = h;
    f.protocol = ETH_P_IPV6;
    f.dev = dev;
    f.mark = skb.mark;
    const lo = loopedIif.get(skb);
    if (lo) loopedIif.set(f, lo);
    st.ip.FragCreates++;
    r = output(f);
    if (r < 0) return r;
  }
  st.ip.FragOKs++;
  return r;
}

/** ip6_finish_output2() of a locally made packet: OUT (OUTMCAST to a group), the copy looped
 * back to a joined group, then the neighbour */
function ip6LocalFinishOutput2(skb: SkBuff, dst: Dst6, daddr: Uint8Array, hopLimit: number): number {
  const dev = dst.dev;
  ip6CountOut(dev, daddr, skb.tail - skb.data);
  // ip6_finish_output2(): a multicast to a group the device has joined loops a copy back up
  // its stack (sk_mc_loop(): IPV6_MULTICAST_LOOP, on by default); hop limit 0 goes no further
  if (daddr[0] === 0xff && !(dev.flags & IFF_LOOPBACK) && ipv6ChkMcastAddr(dev, daddr)) {
    const n = skb.copy();
    n.dev = dev;
    n.protocol = ETH_P_IPV6;
    devLoopbackXmit(n);
    if (hopLimit === 0) {
      ipv6Stats(dev.net).ip.OutDiscards++;
      kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED", "ip6_finish_output2");
      return 0;
    }
  }
  return ip6FinishOutput2(skb, dev, dst.nexthop);
}

/**
 * A packet to a local address goes out through lo with its dst, whose idev is the address's
 * device: ip6_rcv_core() takes that device as the packet's iif (IP6CB(skb)->iif), which is
 * the scope a reader sees and the device an echo reply is routed by.
 */
const loopedIif = new WeakMap<SkBuff, NetDevice>();
export function ip6LoopedIif(skb: SkBuff): NetDevice | undefined {
  return loopedIif.get(skb);
}
