/**
 * net/bridge/br_multicast.c, the part this model keeps: with snooping on, an open bridge joins
 * the multicast router discovery groups (br_multicast_join_snoopers: 224.0.0.106 and ff02::6a),
 * which puts 01:00:5e:00:00:6a and 33:33:00:00:00:6a on the bridge's multicast list (shown
 * by `bridge fdb show` as `self permanent`). No mdb: multicast is flooded.
 */
import type { NetDevice } from "../core/netdevice.ts";
import type { NetBridge } from "./br_private.ts";
import { devAddrLists } from "./br_netlink.ts";

const SNOOPERS = [new Uint8Array([0x01, 0x00, 0x5e, 0, 0, 0x6a]), new Uint8Array([0x33, 0x33, 0, 0, 0, 0x6a])];

function mcDel(dev: NetDevice, a: Uint8Array): void {
  const mc = devAddrLists(dev).mc;
  const i = mc.findIndex((x) => x.every((b, k) => b === a[k]));
  if (i >= 0) mc.splice(i, 1);
}

/** br_multicast_join_snoopers() */
export function brMulticastJoinSnoopers(br: NetBridge): void {
  const mc = devAddrLists(br.dev).mc;
  for (const a of SNOOPERS) if (!mc.some((x) => x.every((b, k) => b === a[k]))) mc.push(a.slice());
}

/** br_multicast_leave_snoopers() */
export function brMulticastLeaveSnoopers(br: NetBridge): void {
  for (const a of SNOOPERS) mcDel(br.dev, a);
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
