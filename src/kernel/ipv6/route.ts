/**
 * net/ipv6/route.c and ip6_output.c's ip6_dst_lookup_tail(), for the packets this host sends:
 * the route of a destination (addrconf.ts's ip6RouteLookup over its routes), the error a
 * reject route or no route gives (fib6_prop[], ip6_null_entry), the device a local route
 * sends through (lo: ip6_rt_get_dev_rcu()), the next hop, and the source address
 * (ipv6_dev_get_saddr()) when the caller has none.
 */
import type { Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { ip6RouteLookup, ipv6DevGetSaddr, rt6TypeError, type Rt6Info } from "./addrconf.ts";

/** a dst for an output flow (struct rt6_info, reduced) */
export interface Dst6 {
  rt: Rt6Info;
  /** the device the packet leaves by (lo for a local destination) */
  dev: NetDevice;
  /** the neighbour to resolve: the gateway, else the destination */
  nexthop: Uint8Array;
  saddr: Uint8Array;
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
  return { rt, dev, nexthop: rt.gw ?? daddr, saddr: src };
}
