/**
 * net/bridge/br_multicast.c, the part this model keeps: with snooping on, an open bridge joins
 * the multicast router discovery groups (br_multicast_join_snoopers: 224.0.0.106 and ff02::6a),
 * which puts 01:00:5e:00:00:6a and 33:33:00:00:00:6a on the bridge's multicast list (shown
 * by `bridge fdb show` as `self permanent`). No mdb: multicast is flooded.
 */
import type { NetBridge } from "./br_private.ts";
import { ipMcIncGroup, ipMcDecGroup, INADDR_ALLSNOOPERS_GROUP } from "../ipv4/igmp.ts";
import { ipv6DevMcInc, ipv6DevMcDec } from "../ipv6/mcast.ts";
import { in6Addr } from "../ipv6/ip6_output.ts";

/** ff02::6a, all-snoopers */
const IN6ADDR_ALLSNOOPERS = in6Addr("ff02::6a");

/** br_multicast_join_snoopers(): through the protocols, which add the link addresses
 * (01:00:5e:00:00:6a, 33:33:00:00:00:6a) and show the groups in /proc/net/igmp{,6} */
export function brMulticastJoinSnoopers(br: NetBridge): void {
  ipMcIncGroup(br.dev, INADDR_ALLSNOOPERS_GROUP);
  ipv6DevMcInc(br.dev, IN6ADDR_ALLSNOOPERS);
}

/** br_multicast_leave_snoopers() */
export function brMulticastLeaveSnoopers(br: NetBridge): void {
  ipMcDecGroup(br.dev, INADDR_ALLSNOOPERS_GROUP);
  ipv6DevMcDec(br.dev, IN6ADDR_ALLSNOOPERS);
}

/** br_multicast_open() */
export function brMulticastOpen(br: NetBridge): void {
  if (br.multicastSnooping) brMulticastJoinSnoopers(br);
}

/** br_multicast_stop() */
export function brMulticastStop(br: NetBridge): void {
  if (br.multicastSnooping) brMulticastLeaveSnoopers(br);
}

/** br_multicast_toggle() */
export function brMulticastToggle(br: NetBridge, val: number): void {
  const on = val ? 1 : 0;
  if (br.multicastSnooping === on) return;
  br.multicastSnooping = on;
  if (!br.dev.isUp()) return;
  if (on) brMulticastJoinSnoopers(br);
  else brMulticastLeaveSnoopers(br);
}
