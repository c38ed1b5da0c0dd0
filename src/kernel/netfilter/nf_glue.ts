/**
 * What netfilter needs from the IPv4 stack and the machine, as an ops table the other parts
 * fill at init (as Linux's nf_ipv6_ops / nf_ct_hook indirections): netfilter stays below
 * ipv4/ in the dependency order and works (with conservative answers) before they exist.
 */
import type { Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";

/** include/uapi/linux/rtnetlink.h: route types inet_addr_type() answers */
export const RTN_UNSPEC = 0;
export const RTN_UNICAST = 1;
export const RTN_LOCAL = 2;
export const RTN_BROADCAST = 3;
export const RTN_ANYCAST = 4;
export const RTN_MULTICAST = 5;
export const RTN_BLACKHOLE = 6;
export const RTN_UNREACHABLE = 7;
export const RTN_PROHIBIT = 8;
export const RTN_THROW = 9;
export const RTN_NAT = 10;
export const RTN_XRESOLVE = 11;

export interface NfIpv4Ops {
  /** net/ipv4/fib_frontend.c: inet_addr_type_dev_table() (dev may be undefined) */
  inetAddrType(net: Net, addr: number, dev: NetDevice | undefined): number;
  /** net/ipv4/devinet.c: inet_select_addr(dev, dst, RT_SCOPE_UNIVERSE); 0 when none */
  inetSelectAddr(dev: NetDevice, dst: number): number;
  /** net/ipv4/icmp.c: icmp_send() (__icmp_send with the skb as the offending packet) */
  icmpSend(skb: SkBuff, type: number, code: number, state: { net: Net; in?: NetDevice; out?: NetDevice; hook: number }): void;
  /** net/ipv4/netfilter/nf_reject_ipv4.c: nf_send_reset() */
  sendReset(net: Net, skb: SkBuff, hook: number): void;
  /** printk(): one kernel log line for the host of `net` (LOG target) */
  printk(net: Net, level: number, line: string): void;
  /** the world's clock (µs) for timeouts, and a timer on it */
  now(net: Net): number;
  after(net: Net, us: number, fn: () => void): { cancel(): void };
  /** get_random_u32() from the world's Rng */
  random32(net: Net): number;
  /** net/ipv4/netfilter.c: ip_route_me_harder(): route a local packet again (sets skb.dst);
   * 0 or a negative errno */
  ipRouteMeHarder(net: Net, skb: SkBuff): number;
}

export const nfIpv4Ops: NfIpv4Ops = {
  inetAddrType: () => RTN_UNICAST,
  inetSelectAddr: () => 0,
  icmpSend: () => {},
  sendReset: () => {},
  printk: () => {},
  now: () => 0,
  after: () => ({ cancel() {} }),
  random32: () => 0,
  ipRouteMeHarder: () => 0,
};

/** called by the parts that implement them (ipv4/af_inet.ts, world) */
export function nfSetIpv4Ops(ops: Partial<NfIpv4Ops>): void {
  Object.assign(nfIpv4Ops, ops);
}

/** what netfilter needs from the IPv6 stack (include/linux/netfilter_ipv6.h: nf_ipv6_ops) */
export interface NfIpv6Ops {
  /** net/ipv6/icmp.c: icmp6_send() about `skb` (its IPv6 header at networkHeader) */
  icmp6Send(skb: SkBuff, type: number, code: number, info: number): void;
}

export const nfIpv6Ops: NfIpv6Ops = {
  icmp6Send: () => {},
};

/** called by ipv6/ (af_inet6) or the world at init */
export function nfSetIpv6Ops(ops: Partial<NfIpv6Ops>): void {
  Object.assign(nfIpv6Ops, ops);
}
