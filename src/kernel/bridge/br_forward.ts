/**
 * net/bridge/br_forward.c: should_deliver(), __br_forward() with its NF_BR_FORWARD /
 * NF_BR_LOCAL_OUT and NF_BR_POST_ROUTING hooks, br_dev_queue_push_xmit(), br_forward(),
 * br_flood(). While the bridge handles a frame, skb.data is past the Ethernet header (the
 * receive path pulled it, br_dev_xmit pulls it); br_dev_queue_push_xmit() pushes it back.
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import { brMulticastCount, BR_MCAST_DIR_TX } from "./br_multicast.ts";
import { NFPROTO_BRIDGE, NF_BR_FORWARD, NF_BR_LOCAL_OUT, NF_BR_POST_ROUTING, nfHook, nfHookPasses } from "../netfilter/core.ts";
import { devForwardable, devQueueXmit, devQueueXmitShared, netXmitUnobserved, kfreeSkbReason } from "./br_compat.ts";
import { IFF_UP } from "../uapi/if.ts";
import {
  BR_BCAST_FLOOD, BR_FLOOD, BR_HAIRPIN_MODE, BR_ISOLATED, BR_MCAST_FLOOD, BR_STATE_FORWARDING,
  type NetBridge, type NetBridgePort,
} from "./br_private.ts";
import { brAllowedEgress, brHandleVlan, skbVlanPushInside } from "./br_vlan.ts";

export const BR_PKT_UNICAST = 0;
export const BR_PKT_MULTICAST = 1;
export const BR_PKT_BROADCAST = 2;

const ETH_HLEN = 14;

/** the offset of the Ethernet header of an skb (mac header if set, else data) */
export function ethHdr(skb: SkBuff): number {
  return skb.macHeader >= 0 ? skb.macHeader : skb.data;
}

/** should_deliver() of the port at `i` of br.ports (br_allowed_egress(): the frame's vlan must be
 * the port's), read from the bridge's per-port arrays */
function shouldDeliver(br: NetBridge, i: number, skb: SkBuff): boolean {
  if (br.portState[i] !== BR_STATE_FORWARDING) return false;
  const flags = br.portFlags[i]!;
  if (skb.dev === br.portDev[i] && !(flags & BR_HAIRPIN_MODE)) return false;
  if (skb.brInputCb?.vlanFiltered && !brAllowedEgress(br.ports[i]!.vlgrp, skb)) return false;
  // br_skb_isolated(): from an isolated port to an isolated port
  if (flags & BR_ISOLATED && skb.brInputCb?.srcPortIsolated) return false;
  return true;
}

/** is_skb_forwardable() */
function isSkbForwardable(skb: SkBuff): boolean {
  const dev = skb.dev!;
  return dev.isUp() && devForwardable(dev, skb.len);
}

/** br_dev_queue_push_xmit() */
export function brDevQueuePushXmit(skb: SkBuff): void {
  if (!isSkbForwardable(skb)) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_PKT_TOO_BIG");
    return;
  }
  // a tag still out of band (vlan filtering) goes into the frame: the emulated drivers carry
  // it there (validate_xmit_vlan() for a device without tx VLAN offload)
  skbVlanPushInside(skb);
  skb.push(ETH_HLEN);
  devQueueXmit(skb);
}

/** br_forward_finish() */
export function brForwardFinish(skb: SkBuff): void {
  nfHook(NFPROTO_BRIDGE, NF_BR_POST_ROUTING, skb.dev!.net, skb, undefined, skb.dev, brDevQueuePushXmit);
}

/** __br_forward(): br_handle_vlan() first (the tag of a vlan untagged on the port goes) */
function __brForward(to: NetBridgePort, skb: SkBuff, localOrig: boolean): void {
  if (skb.brInputCb?.vlanFiltered && !brHandleVlan(to.br, to, to.vlgrp, skb)) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
    return;
  }
  let indev = skb.dev;
  skb.dev = to.dev;
  if (!localOrig) {
    const net = indev!.net;
    nfHook(NFPROTO_BRIDGE, NF_BR_FORWARD, net, skb, indev, skb.dev, brForwardFinish);
  } else {
    indev = undefined;
    nfHook(NFPROTO_BRIDGE, NF_BR_LOCAL_OUT, skb.dev.net, skb, indev, skb.dev, brForwardFinish);
  }
}

/** br_forward() */
export function brForward(to: NetBridgePort | undefined, skb: SkBuff, localRcv: boolean, localOrig: boolean): void {
  if (to && to.idx >= 0 && shouldDeliver(to.br, to.idx, skb)) {
    __brForward(to, localRcv ? skb.copy() : skb, localOrig);
    return;
  }
  if (!localRcv) kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
}

/**
 * Whether copies of this flood may be counted as drops without being built (floodCopyDropped()):
 * what does not depend on the port, asked once per flood: nothing sees a copy on its way out
 * of the bridge's namespace (no tap, no drop tracing) and the bridge hooks pass it untouched.
 */
function floodDropsCountable(br: NetBridge, skb: SkBuff, localOrig: boolean): boolean {
  const net = br.dev.net;
  return (
    netXmitUnobserved(net) &&
    nfHookPasses(net, NFPROTO_BRIDGE, localOrig ? NF_BR_LOCAL_OUT : NF_BR_FORWARD, skb) &&
    nfHookPasses(net, NFPROTO_BRIDGE, NF_BR_POST_ROUTING, skb)
  );
}

/** what one br_flood() learns once for all its ports */
class FloodState {
  /** floodDropsCountable(), asked when a port first could use it: 1 yes, 0 no, -1 not asked */
  countable = -1;
  /** the flood's frame as it is now, for the copies queued unbuilt (devQueueXmitShared()) */
  shared: SkBuff | undefined = undefined;
  constructor(
    /** the bridge's namespace: a copy counted or queued unbuilt stays in it */
    readonly net: Net,
    /** the frame's length (the copies' skb->len) */
    readonly len: number,
  ) {}
}

/**
 * br_flood()'s delivery to the port at `i`: a copy of `skb` (or the frame itself, `copy`
 * false). With nothing seeing a copy on its way out (floodDropsCountable()) to a port that is
 * up with its qdisc, in the bridge's namespace, and takes a frame of this size
 * (br_dev_queue_push_xmit()'s is_skb_forwardable(): a frame too big is another drop), the
 * copy need not be built:
 * - the port's driver refuses any frame now (veth into a full backlog): its drop is counted
 *   as the copy's would be. Link-up floods into a thousand ports fill the backlog within one
 *   flood; most of their copies end so (as on Linux, where each is an skb_clone);
 * - the port's driver would queue it as it stands (veth into a peer that takes it): queued
 *   unbuilt, sharing f.shared (one copy of the flood's frame for all of its ports; see
 *   SharedRx in core/dev_path.ts). As on Linux, where each copy is an skb_clone() sharing the
 *   data, a thousand-port flood does not copy the frame a thousand times.
 */
function floodDeliver(br: NetBridge, i: number, skb: SkBuff, copy: boolean, localOrig: boolean, f: FloodState): void {
  const dev = br.portDev[i]!;
  const ops = dev.ops;
  // a vlan-filtered frame is changed per port (br_handle_vlan()): every copy is built
  if (f.countable < 0 && ops.xmitDrops !== undefined)
    f.countable = !skb.brInputCb?.vlanFiltered && floodDropsCountable(br, skb, localOrig) ? 1 : 0;
  if (f.countable === 1 && dev.flags & IFF_UP && dev.txActive && dev.net === f.net && devForwardable(dev, f.len)) {
    const drops = ops.xmitDrops;
    if (drops !== undefined && drops(dev, f.len + ETH_HLEN)) return;
    if (ops.xmitShared !== undefined && devQueueXmitShared(dev, (f.shared ??= skb.copy()))) return;
  }
  __brForward(br.ports[i]!, copy ? skb.copy() : skb, localOrig);
}

/** br_flood() */
export function brFlood(br: NetBridge, skb: SkBuff, pktType: number, localRcv: boolean, localOrig: boolean): void {
  let prev = -1;
  const f = new FloodState(br.dev.net, skb.len);
  // what should_deliver() asks of the frame, the same for every port: only copies of it go
  // out during the walk, and its control block is read-only
  const cb = skb.brInputCb;
  const vlanFiltered = cb !== undefined && cb.vlanFiltered;
  const srcIsolated = cb !== undefined && cb.srcPortIsolated;
  const from = skb.dev;
  // maybe_deliver()'s count of an IGMP/MLD message on each port (what brMulticastCount() asks
  // first, asked once for the flood)
  const countMc = cb !== undefined && cb.igmp !== 0 && br.multicastStatsEnabled;
  // the port flag the frame's kind needs (a frame the bridge device sends needs none but
  // BR_FLOOD for unicast)
  const need =
    pktType === BR_PKT_UNICAST ? BR_FLOOD
    : from === br.dev ? 0
    : pktType === BR_PKT_MULTICAST ? BR_MCAST_FLOOD
    : pktType === BR_PKT_BROADCAST ? BR_BCAST_FLOOD
    : 0;
  const flags = br.portFlags;
  const state = br.portState;
  const devs = br.portDev;
  for (let i = 0; i < flags.length; i++) {
    const fl = flags[i]!;
    if ((fl & need) !== need) continue;
    // should_deliver() (shouldDeliver() with the frame's part read above)
    if (state[i] !== BR_STATE_FORWARDING) continue;
    if (devs[i] === from && !(fl & BR_HAIRPIN_MODE)) continue;
    if (vlanFiltered && !brAllowedEgress(br.ports[i]!.vlgrp, skb)) continue;
    if (fl & BR_ISOLATED && srcIsolated) continue;
    // maybe_deliver(): an IGMP/MLD message counts as sent on each port it leaves by
    if (countMc) brMulticastCount(br, br.ports[i]!, skb, BR_MCAST_DIR_TX);
    if (prev >= 0) floodDeliver(br, prev, skb, true, localOrig, f);
    prev = i;
  }
  if (prev >= 0) floodDeliver(br, prev, skb, localRcv, localOrig, f);
  else if (!localRcv) kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
}
