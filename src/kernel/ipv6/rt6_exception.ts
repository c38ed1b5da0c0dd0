/**
 * net/ipv6/route.c's route exceptions (struct rt6_exception in a fib6_nh's rt6_exception_bucket):
 * a /128 clone of a route for one destination that carries what was learned about the path,
 * here the path MTU a Packet Too Big reported (rt6_do_update_pmtu(): RTAX_MTU, RTF_EXPIRES of
 * net.ipv6.route.mtu_expires). An exception belongs to the route it was cloned from (its
 * fib6_nh) and goes with it (fib6_nh_flush_exceptions()); an expired one is found no more
 * (rt6_find_cached_rt(), rt6_nh_dump_exceptions() skip it) until gc takes it.
 */
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { netSched } from "../core/dev_path.ts";

/** what identifies the route (fib6_info + its fib6_nh) an exception hangs off */
export interface Rt6From {
  table: number;
  dst?: Uint8Array;
  dstLen?: number;
  metric?: number;
  dev: NetDevice;
  gw?: Uint8Array;
}

export interface Rt6Exception {
  /** the route it was cloned from (rt6Key()) */
  from: string;
  daddr: Uint8Array;
  /** RTAX_MTU */
  pmtu: number;
  /** dst.expires (simulated µs) */
  expires: number;
  /** rt6_ex->stamp */
  stamp: number;
}

const hex = (a: Uint8Array | undefined): string => (a ? Array.from(a, (x) => x.toString(16).padStart(2, "0")).join("") : "");

/** a route's identity: its table, prefix, metric and next hop */
export function rt6Key(r: Rt6From): string {
  return `${r.table}/${hex(r.dst)}/${r.dstLen ?? 0}/${r.metric ?? 0}/${r.dev.ifindex}/${hex(r.gw)}`;
}

const buckets = new NetGeneric<Rt6Exception[]>();
function bucketOf(net: Net): Rt6Exception[] {
  let b = buckets.get(net);
  if (!b) buckets.set(net, (b = []));
  return b;
}

const sameAddr = (a: Uint8Array, b: Uint8Array): boolean => a.every((x, i) => x === b[i]);

/** rt6_check_expired() */
function expired(net: Net, e: Rt6Exception): boolean {
  return netSched(net).now >= e.expires;
}

/** whether the namespace holds any exception (the data path asks before building a route's key) */
export function rt6HasExceptions(net: Net): boolean {
  return (buckets.get(net)?.length ?? 0) > 0;
}

/** rt6_find_cached_rt(): the live exception of `from` for `daddr` */
export function rt6FindCachedRt(net: Net, from: string, daddr: Uint8Array): Rt6Exception | undefined {
  const e = buckets.get(net)?.find((x) => x.from === from && sameAddr(x.daddr, daddr));
  return e && !expired(net, e) ? e : undefined;
}

/** rt6_insert_exception(): a new exception replaces the one for the same destination (with
 * rt6_do_update_pmtu()'s MTU and expiry) */
export function rt6InsertException(net: Net, from: string, daddr: Uint8Array, pmtu: number, timeout: number): void {
  const b = bucketOf(net);
  const now = netSched(net).now;
  const i = b.findIndex((x) => x.from === from && sameAddr(x.daddr, daddr));
  const e: Rt6Exception = { from, daddr: daddr.slice(), pmtu, expires: now + timeout, stamp: now };
  if (i >= 0) b[i] = e;
  else b.push(e);
}

/** rt6_nh_dump_exceptions(): the live exceptions of one route, in insertion order */
export function rt6ExceptionsOf(net: Net, from: string): Rt6Exception[] {
  return (buckets.get(net) ?? []).filter((x) => x.from === from && !expired(net, x));
}

/** fib6_nh_flush_exceptions(): the route goes (deleted, its device down), so do its exceptions;
 * rt6_age_exceptions(): the expired ones go too */
export function rt6FlushExceptions(net: Net, from: string): void {
  const b = buckets.get(net);
  if (!b) return;
  buckets.set(net, b.filter((x) => x.from !== from && !expired(net, x)));
}

/** ip6_del_cached_rt() (ip -6 route del/flush of a cached route): false when there is none */
export function rt6RemoveException(net: Net, from: string, daddr: Uint8Array): boolean {
  const b = buckets.get(net);
  const i = b?.findIndex((x) => x.from === from && sameAddr(x.daddr, daddr) && !expired(net, x)) ?? -1;
  if (i < 0) return false;
  b!.splice(i, 1);
  return true;
}

/**
 * rt6_exceptions_update_pmtu() of a device's new mtu: an exception's MTU follows it when the
 * new one is not above it (the device is now the narrowest link of the path), or when the
 * exception's was the device's old mtu `mtu6` (rt6_mtu_change_route_allowed())
 */
export function rt6ExceptionsUpdatePmtu(net: Net, from: string, mtu: number, mtu6: number): void {
  for (const e of buckets.get(net) ?? []) {
    if (e.from !== from || !e.pmtu) continue;
    if (e.pmtu >= mtu || e.pmtu === mtu6) e.pmtu = mtu;
  }
}
