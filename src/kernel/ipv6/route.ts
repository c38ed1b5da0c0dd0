/**
 * net/ipv6/route.c and ip6_output.c's ip6_dst_lookup_tail(), for the packets this host sends:
 * the route of a destination (addrconf.ts's ip6RouteLookup over its routes), the error a
 * reject route or no route gives (fib6_prop[], ip6_null_entry), the device a local route
 * sends through (lo: ip6_rt_get_dev_rcu()), the next hop, and the source address
 * (ipv6_dev_get_saddr()) when the caller has none.
 */
import type { Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import { ip6RouteLookup, ipv6DevGetSaddr, ipv6AddrNeedsScopeId, rt6TypeError, type Rt6Info } from "./addrconf.ts";
import { ip6DevMtu } from "./ip6_output.ts";
import { rt6FindCachedRt, rt6HasExceptions, rt6InsertException } from "./rt6_exception.ts";
import { ipv6SysctlGet } from "./sysctl_net_ipv6.ts";
import { USEC_PER_SEC } from "../../sim/scheduler.ts";

/** a dst for an output flow (struct rt6_info, reduced) */
export interface Dst6 {
  rt: Rt6Info;
  /** the device the packet leaves by (lo for a local destination) */
  dev: NetDevice;
  /** the neighbour to resolve: the gateway, else the destination */
  nexthop: Uint8Array;
  saddr: Uint8Array;
  /** the destination the dst was looked up for (an exception of the route is its own) */
  daddr: Uint8Array;
}

/**
 * net/ipv6/ip6_output.c: ip6_dst_lookup_flow(): the route of `daddr` (through `oif` when
 * given), the source address if `saddr` is none; ENETUNREACH without a route,
 * EADDRNOTAVAIL without a source.
 */
export function ip6DstLookup(net: Net, daddr: Uint8Array, oif: NetDevice | undefined, saddr?: Uint8Array): Dst6 | KErr {
  const rt = ip6RouteLookup(net, daddr, oif);
  if (!rt) return kerr("ENETUNREACH");
  const e = rt6TypeError(rt.type);
  if (e) return e;
  const dev = rt.local ? (net.loopbackDev ?? rt.dev) : rt.dev;
  let src = saddr && saddr.some((x) => x) ? saddr : undefined;
  if (!src) {
    // ip6_route_get_saddr(): a local destination is its own source
    src = ipv6DevGetSaddr(net, rt.local ? rt.dev : (oif ?? rt.dev), daddr);
    if (!src) return kerr("EADDRNOTAVAIL");
  }
  return { rt, dev, nexthop: rt.gw ?? daddr, saddr: src, daddr: daddr.slice() };
}

/** include/net/ipv6.h: IPV6_MIN_MTU */
export const IPV6_MIN_MTU = 1280;

/**
 * dst_mtu() of an output dst: ip6_mtu() — the learned path MTU of the destination's exception
 * (rt6_find_cached_rt() in ip6_pol_route() makes it the dst) while it lives, else the
 * route's device's IPv6 mtu (the address's device for a local destination sent through lo)
 */
export function ip6DstMtu(dst: Dst6): number {
  const dev = dst.rt.local ? dst.dev : dst.rt.dev;
  const e = dst.rt.local || !rt6HasExceptions(dev.net) ? undefined : rt6FindCachedRt(dev.net, dst.rt.key, dst.daddr);
  return e ? e.pmtu : ip6DevMtu(dev);
}

/**
 * net/ipv6/route.c: ip6_update_pmtu() -> __ip6_rt_update_pmtu(): a Packet Too Big about a
 * packet from `saddr` to `daddr` said `mtu`: the output route of that packet, and if the MTU
 * is at least IPV6_MIN_MTU (RFC 8201: a smaller one is ignored) and below the dst's, an
 * exception of the route for daddr with it (rt6_do_update_pmtu(): RTAX_MTU, expiring after
 * net.ipv6.route.mtu_expires; rt6_insert_exception() replaces an older one)
 */
export function ip6UpdatePmtu(net: Net, daddr: Uint8Array, saddr: Uint8Array, mtu: number, dev: NetDevice): void {
  const dst = ip6DstLookup(net, daddr, ipv6AddrNeedsScopeId(daddr) ? dev : undefined, saddr);
  if (isKErr(dst) || dst.rt.local) return;
  if (mtu < IPV6_MIN_MTU) return;
  if (mtu >= ip6DstMtu(dst)) return;
  rt6InsertException(net, dst.rt.key, daddr, mtu, ipv6SysctlGet(net, "route/mtu_expires") * USEC_PER_SEC);
}
