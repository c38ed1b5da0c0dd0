/**
 * net/bridge/br_input.c: br_handle_frame() (the rx_handler of every port), the
 * NF_BR_PRE_ROUTING hook (nf_hook_bridge_pre), br_handle_frame_finish(), and
 * br_pass_frame_up() with NF_BR_LOCAL_IN. br_netfilter is a registration on these hooks.
 */
import { BrInputCb, type SkBuff } from "../core/skbuff.ts";
import { RX_HANDLER_CONSUMED, RX_HANDLER_PASS } from "../core/netdevice.ts";
import { IFF_PROMISC, PACKET_HOST, PACKET_LOOPBACK } from "../uapi/if.ts";
import { NFPROTO_BRIDGE, NF_BR_LOCAL_IN, NF_BR_PRE_ROUTING, nfHook } from "../netfilter/core.ts";
import { kfreeSkbReason, netifReceiveSkb, netScheduler } from "./br_compat.ts";
import { brStpRcv } from "./br_stp.ts";
import { brAllowedEgress, brAllowedIngress, brHandleVlan, brShouldLearn, skbVlanPushInside } from "./br_vlan.ts";
import { brMulticastRcv, brMulticastCount, BR_MCAST_DIR_TX } from "./br_multicast.ts";
import { brFdbFind, brFdbUpdate } from "./br_fdb.ts";
import { BR_PKT_BROADCAST, BR_PKT_MULTICAST, BR_PKT_UNICAST, brFlood, brForward, ethHdr } from "./br_forward.ts";
import {
  BR_FDB_LOCAL, BR_ISOLATED, BR_LEARNING, BR_NO_STP, BR_STATE_DISABLED, BR_STATE_FORWARDING, BR_STATE_LEARNING,
  brPortGet, isMulticastEther, isValidEther, macEqual, type NetBridge,
} from "./br_private.ts";

/** br_netif_receive_skb() */
function brNetifReceiveSkb(skb: SkBuff): void {
  netifReceiveSkb(skb);
}

/** br_pass_frame_up(): deliver to the bridge device itself */
export function brPassFrameUp(br: NetBridge, skb: SkBuff): void {
  const brdev = br.dev;
  const indev = skb.dev;
  brdev.stats.rx_packets++;
  brdev.stats.rx_bytes += skb.len;
  if (skb.brInputCb?.vlanFiltered) {
    // the bridge is a port of its own vlan group: br_allowed_egress() (unless promiscuous),
    // then br_handle_vlan(); a tag left goes up in the frame, to an 802.1Q device on the bridge
    if (!(brdev.flags & IFF_PROMISC) && !brAllowedEgress(br.vlgrp, skb)) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
      return;
    }
    skb.dev = brdev;
    if (!brHandleVlan(br, undefined, br.vlgrp, skb)) {
      kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
      return;
    }
    skbVlanPushInside(skb);
  }
  skb.dev = brdev;
  // an IGMP/MLD message up to the host counts as sent by the bridge
  brMulticastCount(br, undefined, skb, BR_MCAST_DIR_TX);
  nfHook(NFPROTO_BRIDGE, NF_BR_LOCAL_IN, brdev.net, skb, indev, undefined, brNetifReceiveSkb);
}

/** br_handle_frame_finish(): the port is the one skb.dev is (br_netfilter restores it) */
export function brHandleFrameFinish(skb: SkBuff): void {
  const p = skb.dev ? brPortGet(skb.dev) : undefined;
  if (!p || p.state === BR_STATE_DISABLED) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
    return;
  }
  const br = p.br;
  // br_allowed_ingress(): with vlan filtering on, the frame's vid (its tag taken out of the
  // frame, the port's pvid for an untagged one) or a drop
  const vid = br.vlanEnabled ? brAllowedIngress(br, p.vlgrp, skb) : 0;
  if (vid < 0) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
    return;
  }
  const h = ethHdr(skb);
  if (p.flags & BR_LEARNING) brFdbUpdate(br, p, skb.buf.subarray(h + 6, h + 12), vid);
  // the learning above reads the source in place; the destination is read below, after any
  // hook ran, as Linux reads eth_hdr(skb)->h_dest
  const dest = skb.buf.subarray(h, h + 6);
  // a control block of its own (never one reset in place: the flood's clones share theirs)
  skb.brInputCb = new BrInputCb(br.dev, (p.flags & BR_ISOLATED) !== 0, br.vlanEnabled !== 0);
  if (p.state === BR_STATE_LEARNING) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
    return;
  }
  let localRcv = (br.dev.flags & IFF_PROMISC) !== 0;
  let pktType = BR_PKT_UNICAST;
  if (isMulticastEther(dest)) {
    if ((dest[0]! & dest[1]! & dest[2]! & dest[3]! & dest[4]! & dest[5]!) === 0xff) {
      pktType = BR_PKT_BROADCAST;
      localRcv = true;
    } else {
      pktType = BR_PKT_MULTICAST;
      if (brMulticastRcv(br, p, skb) < 0) {
        kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
        return;
      }
      // no mdb (br_multicast_rcv learns nothing here): flooded and received locally
      localRcv = true;
      br.dev.stats.multicast++;
    }
  }
  if (pktType === BR_PKT_UNICAST) {
    const dst = brFdbFind(br, dest, vid);
    if (dst) {
      if (dst.flags & BR_FDB_LOCAL) {
        brPassFrameUp(br, skb);
        return;
      }
      const now = netScheduler(br.dev.net).now;
      if (dst.used !== now) dst.used = now;
      brForward(dst.dst, skb, localRcv, false);
    } else brFlood(br, skb, pktType, localRcv, false);
  } else brFlood(br, skb, pktType, localRcv, false);
  if (localRcv) brPassFrameUp(br, skb);
}

/** __br_handle_local_finish(): a link-local frame still teaches the fdb (br_should_learn():
 * under its vlan, with vlan filtering on) */
function brHandleLocalFinish(skb: SkBuff): void {
  const p = brPortGet(skb.dev!)!;
  const h = ethHdr(skb);
  if (p.flags & BR_LEARNING && (p.state === BR_STATE_LEARNING || p.state === BR_STATE_FORWARDING) && !p.br.noLinklocalLearn) {
    const vid = brShouldLearn(p, skb, 0);
    if (vid >= 0) brFdbUpdate(p.br, p, skb.buf.subarray(h + 6, h + 12), vid);
  }
}

/** br_handle_frame(): the rx_handler */
export function brHandleFrame(skb: SkBuff): number {
  if (skb.pktType === PACKET_LOOPBACK) return RX_HANDLER_PASS;
  const p = skb.dev ? brPortGet(skb.dev) : undefined;
  if (!p) return RX_HANDLER_PASS;
  const h = ethHdr(skb);
  const src = skb.buf.subarray(h + 6, h + 12);
  if (!isValidEther(src)) {
    kfreeSkbReason(skb, "SKB_DROP_REASON_MAC_INVALID_SOURCE");
    return RX_HANDLER_CONSUMED;
  }
  const dest = skb.buf.subarray(h, h + 6);
  const br = p.br;
  // link-local group 01:80:c2:00:00:0X (is_link_local_ether_addr)
  if (dest[0] === 0x01 && dest[1] === 0x80 && dest[2] === 0xc2 && dest[3] === 0 && dest[4] === 0 && (dest[5]! & 0xf0) === 0) {
    const fwdMask = br.groupFwdMask | p.groupFwdMask;
    const forward = dest[5] === 0 ? br.stpEnabled === BR_NO_STP || (fwdMask & 1) !== 0 : (fwdMask & (1 << dest[5]!)) !== 0;
    if (!forward) {
      // __br_handle_local_finish(), then up the port's own stack: the LLC layer hands STP
      // BPDUs to br_stp_rcv(); nothing else listens there
      brHandleLocalFinish(skb);
      if (dest[5] === 0) {
        brStpRcv(p, skb);
        kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
        return RX_HANDLER_CONSUMED;
      }
      return RX_HANDLER_PASS;
    }
  }
  if (p.state === BR_STATE_FORWARDING || p.state === BR_STATE_LEARNING) {
    if (macEqual(br.dev.devAddr, dest)) skb.pktType = PACKET_HOST;
    // nf_hook_bridge_pre()
    nfHook(NFPROTO_BRIDGE, NF_BR_PRE_ROUTING, br.dev.net, skb, skb.dev, undefined, brHandleFrameFinish);
    return RX_HANDLER_CONSUMED;
  }
  kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
  return RX_HANDLER_CONSUMED;
}
