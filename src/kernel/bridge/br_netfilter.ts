/**
 * net/bridge/br_netfilter_hooks.c: bridged IPv4 frames through the IPv4 netfilter hooks.
 *
 * Registered per namespace on the bridge hooks once a bridge device is registered in it
 * (brnf_device_event), as Linux does: NF_BR_PRE_ROUTING hands IPv4 frames to IPv4
 * PRE_ROUTING with skb.dev the bridge (physindev saved in skb.nfBridge), NF_BR_FORWARD to
 * IPv4 FORWARD (in = out = the bridge, physoutdev saved), NF_BR_POST_ROUTING to IPv4
 * POST_ROUTING; ip_sabotage_in keeps a frame that the bridge passes up from seeing IPv4
 * PRE_ROUTING twice. /proc/sys/net/bridge/bridge-nf-* are per namespace (brnf_net), on by
 * default: the lab machines have br_netfilter loaded.
 *
 * Not mirrored: VLAN/PPPoE-encapsulated IP (bridge-nf-filter-vlan-tagged/-pppoe-tagged are
 * stored but frames with a tag are treated as non-IP), IPv6 (ip6tables does not exist yet),
 * refragmentation in br_nf_dev_queue_xmit, DNAT to an address on the same bridge
 * (br_nf_pre_routing_finish_bridge: such frames are dropped).
 */
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { ETH_P_ARP, ETH_P_IP, PACKET_HOST, PACKET_OTHERHOST } from "../uapi/if.ts";
import { NETDEV_REGISTER } from "../core/notifier.ts";
import { procDointvec, registerNetSysctl, type CtlTable } from "../core/sysctl.ts";
import {
  NF_ACCEPT, NF_BR_FORWARD, NF_BR_LOCAL_IN, NF_BR_POST_ROUTING, NF_BR_PRE_ROUTING, NF_BR_PRI_BRNF, NF_BR_PRI_LAST,
  NF_DROP, NF_INET_FORWARD, NF_INET_POST_ROUTING, NF_INET_PRE_ROUTING, NF_IP_PRI_FIRST, NF_STOLEN, NFPROTO_ARP,
  NFPROTO_BRIDGE, NFPROTO_IPV4, nfHook, nfHookEntries, nfHookSlow, nfRegisterNetHooks, nfUnregisterNetHooks,
  type NfHookOps, type NfHookState, type NfOkfn,
} from "../netfilter/core.ts";
import { ipRouteInputNoref } from "../ipv4/route.ts";
import { kfreeSkbReason, registerNetdeviceNotifier, registerPernetOps } from "./br_compat.ts";
import { brDevQueuePushXmit, brForwardFinish, ethHdr } from "./br_forward.ts";
import { brHandleFrameFinish } from "./br_input.ts";
import { brFromDev, brPortGet } from "./br_private.ts";

/** struct nf_bridge_info (include/linux/skbuff.h) */
export interface NfBridgeInfo {
  physindev?: NetDevice;
  physoutdev?: NetDevice;
  inPrerouting: boolean;
  pktOtherhost: boolean;
  ipv4Daddr: number;
  /** ARP in FORWARD: the bridge port it came in on (skb->cb in br_nf_forward_arp) */
  arpIndev?: NetDevice;
}

/** struct brnf_net */
export interface BrnfNet {
  enabled: boolean;
  callIptables: number;
  callIp6tables: number;
  callArptables: number;
  filterVlanTagged: number;
  filterPppoeTagged: number;
  passVlanIndev: number;
}

const brnfNets = new NetGeneric<BrnfNet>();

/** net_generic(net, brnf_net_id) */
export function brnfNet(net: Net): BrnfNet {
  let b = brnfNets.get(net);
  if (!b) {
    // brnf_init_net(): every call_* on by default
    b = { enabled: false, callIptables: 1, callIp6tables: 1, callArptables: 1, filterVlanTagged: 0, filterPppoeTagged: 0, passVlanIndev: 0 };
    brnfNets.set(net, b);
  }
  return b;
}

/** nf_bridge_info_get() */
export function nfBridgeInfoGet(skb: SkBuff): NfBridgeInfo | undefined {
  return skb.nfBridge as NfBridgeInfo | undefined;
}

/** bridge_parent() */
function bridgeParent(dev: NetDevice | undefined): NetDevice | undefined {
  const p = dev ? brPortGet(dev) : undefined;
  return p ? p.br.dev : undefined;
}

/** brnf_get_logical_dev(): the bridge (VLAN upper devices are not looked for) */
function brnfGetLogicalDev(_skb: SkBuff, dev: NetDevice | undefined): NetDevice | undefined {
  return bridgeParent(dev);
}

/** IS_IP() */
function isIp(skb: SkBuff): boolean {
  return !skb.vlanPresent && skb.protocol === ETH_P_IP;
}

/** IS_ARP() */
function isArp(skb: SkBuff): boolean {
  return !skb.vlanPresent && skb.protocol === ETH_P_ARP;
}

function rd16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** ip_fast_csum() over the header == 0 */
function ipHdrCsumOk(b: Uint8Array, o: number, ihl: number): boolean {
  let s = 0;
  for (let i = 0; i < ihl * 4; i += 2) s += rd16(b, o + i);
  while (s >>> 16) s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff;
}

/** br_validate_ipv4(): the checks ip_rcv_core() would make; 0 when good (the IP MIB
 * counters are not touched here) */
function brValidateIpv4(_net: Net, skb: SkBuff): number {
  const b = skb.buf;
  const o = skb.data;
  if (skb.len < 20) return -1;
  const ihl = b[o]! & 0xf;
  if (ihl < 5 || b[o]! >>> 4 !== 4) return -1;
  if (skb.len < ihl * 4) return -1;
  if (!ipHdrCsumOk(b, o, ihl)) return -1;
  const len = rd16(b, o + 2);
  if (skb.len < len) return -1;
  if (len < ihl * 4) return -1;
  skb.trim(len);
  skb.networkHeader = o;
  skb.transportHeader = o + ihl * 4;
  skb.ipcbFlags = 0;
  return 0;
}

/**
 * br_nf_hook_thresh(): the rest of the bridge hook list, past br_netfilter's own priority,
 * then okfn.
 */
export function brNfHookThresh(
  hook: number, net: Net, skb: SkBuff, indev: NetDevice | undefined, outdev: NetDevice | undefined, okfn: NfOkfn,
): void {
  const entries = nfHookEntries(net, NFPROTO_BRIDGE, hook);
  let s = 0;
  while (s < entries.length && entries[s]!.priority <= NF_BR_PRI_BRNF) s++;
  if (s >= entries.length) {
    okfn(skb);
    return;
  }
  const state: NfHookState = { hook, pf: NFPROTO_BRIDGE, in: indev, out: outdev, net, okfn };
  if (nfHookSlow(skb, state, entries, s) === 1) okfn(skb);
}

/** br_nf_pre_routing_finish() */
function brNfPreRoutingFinish(skb: SkBuff): void {
  const dev = skb.dev!;
  const nfb = nfBridgeInfoGet(skb)!;
  const net = dev.net;
  if (nfb.pktOtherhost) {
    skb.pktType = PACKET_OTHERHOST;
    nfb.pktOtherhost = false;
  }
  nfb.inPrerouting = false;
  const nh = skb.networkHeader;
  const daddr = rd32(skb.buf, nh + 16);
  if (daddr !== nfb.ipv4Daddr) {
    // br_nf_ipv4_daddr_was_changed(): DNAT — route it
    skb.dst = undefined;
    const err = ipRouteInputNoref(skb, daddr, rd32(skb.buf, nh + 12), skb.buf[nh + 1]! & 0xfc, dev);
    const rt = skb.dst as { dev?: NetDevice } | undefined;
    if (err || !rt || rt.dev === dev) {
      // bridged DNAT (br_nf_pre_routing_finish_bridge) is not mirrored
      kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
      return;
    }
    // routed: make the bridge hand it up (the destination MAC becomes the bridge's)
    skb.buf.set(dev.devAddr.subarray(0, 6), ethHdr(skb));
    skb.pktType = PACKET_HOST;
  }
  // else: Linux attaches the bridge's fake rtable; nothing here reads it
  skb.dev = nfb.physindev;
  brNfHookThresh(NF_BR_PRE_ROUTING, net, skb, skb.dev, undefined, brHandleFrameFinish);
}

/** setup_pre_routing() */
function setupPreRouting(skb: SkBuff, nfb: NfBridgeInfo): NetDevice | undefined {
  if (skb.pktType === PACKET_OTHERHOST) {
    skb.pktType = PACKET_HOST;
    nfb.pktOtherhost = true;
  }
  nfb.inPrerouting = true;
  nfb.physindev = skb.dev;
  skb.dev = brnfGetLogicalDev(skb, skb.dev);
  skb.sk = undefined; // skb_orphan()
  return skb.dev;
}

/** br_nf_pre_routing() */
function brNfPreRouting(_priv: unknown, skb: SkBuff, state: NfHookState): number {
  const p = state.in ? brPortGet(state.in) : undefined;
  if (!p) return NF_DROP;
  const br = p.br;
  const brnet = brnfNet(state.net);
  // IPv6: no ip6tables hooks to hand it to yet
  if (!brnet.callIptables && !br.nfCallIptables) return NF_ACCEPT;
  if (!isIp(skb)) return NF_ACCEPT;
  if (brValidateIpv4(state.net, skb)) return NF_DROP;
  const nfb: NfBridgeInfo = { inPrerouting: false, pktOtherhost: false, ipv4Daddr: 0 };
  skb.nfBridge = nfb;
  if (!setupPreRouting(skb, nfb)) return NF_DROP;
  nfb.ipv4Daddr = rd32(skb.buf, skb.networkHeader + 16);
  skb.protocol = ETH_P_IP;
  nfHook(NFPROTO_IPV4, NF_INET_PRE_ROUTING, state.net, skb, skb.dev, undefined, brNfPreRoutingFinish);
  return NF_STOLEN;
}

/** br_nf_local_in(): the frame goes up; no fake rtable to drop, conntrack left as is */
function brNfLocalIn(_priv: unknown, _skb: SkBuff, _state: NfHookState): number {
  return NF_ACCEPT;
}

/** br_nf_forward_finish() */
function brNfForwardFinish(skb: SkBuff): void {
  const nfb = nfBridgeInfoGet(skb);
  let indev: NetDevice | undefined;
  if (!isArp(skb) && nfb) {
    indev = nfb.physindev;
    if (nfb.pktOtherhost) {
      skb.pktType = PACKET_OTHERHOST;
      nfb.pktOtherhost = false;
    }
  } else indev = nfb?.arpIndev;
  brNfHookThresh(NF_BR_FORWARD, skb.dev!.net, skb, indev, skb.dev, brForwardFinish);
}

/** br_nf_forward_ip() (br_nf_forward() in newer kernels) */
function brNfForwardIp(_priv: unknown, skb: SkBuff, state: NfHookState): number {
  const old = nfBridgeInfoGet(skb);
  if (!old) return NF_ACCEPT;
  // nf_bridge_unshare(): flooded copies share it and get different physoutdevs
  const nfb: NfBridgeInfo = {
    physindev: old.physindev, physoutdev: old.physoutdev, inPrerouting: old.inPrerouting,
    pktOtherhost: old.pktOtherhost, ipv4Daddr: old.ipv4Daddr, arpIndev: old.arpIndev,
  };
  skb.nfBridge = nfb;
  const parent = bridgeParent(state.out);
  if (!parent) return NF_DROP;
  if (!isIp(skb)) return NF_ACCEPT;
  if (skb.pktType === PACKET_OTHERHOST) {
    skb.pktType = PACKET_HOST;
    nfb.pktOtherhost = true;
  }
  if (brValidateIpv4(state.net, skb)) return NF_DROP;
  nfb.physoutdev = skb.dev;
  skb.protocol = ETH_P_IP;
  nfHook(NFPROTO_IPV4, NF_INET_FORWARD, state.net, skb, brnfGetLogicalDev(skb, state.in), parent, brNfForwardFinish);
  return NF_STOLEN;
}

/** NF_ARP_FORWARD (include/uapi/linux/netfilter_arp.h) */
const NF_ARP_FORWARD = 2;

/** br_nf_forward_arp() */
function brNfForwardArp(_priv: unknown, skb: SkBuff, state: NfHookState): number {
  // (the checks that only say NF_ACCEPT, cheapest first: most bridged frames are not ARP)
  if (!isArp(skb)) return NF_ACCEPT;
  const p = state.out ? brPortGet(state.out) : undefined;
  if (!p) return NF_ACCEPT;
  const br = p.br;
  if (!brnfNet(state.net).callArptables && !br.nfCallArptables) return NF_ACCEPT;
  // arp_hdr(skb)->ar_pln
  if (skb.len < 6 || skb.buf[skb.data + 5] !== 4) return NF_ACCEPT;
  if (nfHookEntries(state.net, NFPROTO_ARP, NF_ARP_FORWARD).length === 0) return NF_ACCEPT;
  const nfb: NfBridgeInfo = { ...(nfBridgeInfoGet(skb) ?? { inPrerouting: false, pktOtherhost: false, ipv4Daddr: 0 }) };
  nfb.arpIndev = state.in;
  skb.nfBridge = nfb;
  nfHook(NFPROTO_ARP, NF_ARP_FORWARD, state.net, skb, state.in, state.out, brNfForwardFinish);
  return NF_STOLEN;
}

/** br_nf_dev_queue_xmit(): no refragmentation */
function brNfDevQueueXmit(skb: SkBuff): void {
  skb.nfBridge = undefined; // nf_bridge_info_free()
  brDevQueuePushXmit(skb);
}

/** br_nf_post_routing() */
function brNfPostRouting(_priv: unknown, skb: SkBuff, state: NfHookState): number {
  const nfb = nfBridgeInfoGet(skb);
  // came in on a bridge, delivered locally and now routed: POST_ROUTING already ran
  if (!nfb || !nfb.physoutdev) return NF_ACCEPT;
  const realoutdev = bridgeParent(skb.dev);
  if (!realoutdev) return NF_DROP;
  if (!isIp(skb)) return NF_ACCEPT;
  if (skb.pktType === PACKET_OTHERHOST) {
    skb.pktType = PACKET_HOST;
    nfb.pktOtherhost = true;
  }
  skb.protocol = ETH_P_IP;
  nfHook(NFPROTO_IPV4, NF_INET_POST_ROUTING, state.net, skb, undefined, realoutdev, brNfDevQueueXmit);
  return NF_STOLEN;
}

/** ip_sabotage_in(): a frame the bridge passed up already went through IPv4 PRE_ROUTING */
function ipSabotageIn(_priv: unknown, skb: SkBuff, state: NfHookState): number {
  const nfb = nfBridgeInfoGet(skb);
  if (nfb && !nfb.inPrerouting) {
    state.okfn(skb);
    return NF_STOLEN;
  }
  return NF_ACCEPT;
}

/** br_nf_forward_ip() and br_nf_post_routing() accept a frame untouched that IPv4
 * PRE_ROUTING never saw (no nf_bridge info: not IPv4, or bridge-nf-call-iptables off) */
function notBridgedIp(skb: SkBuff): boolean {
  return nfBridgeInfoGet(skb) === undefined;
}

/** br_nf_forward_arp() accepts a frame untouched that is not ARP, or when arptables has no
 * FORWARD hook */
function arpNotFiltered(skb: SkBuff, net: Net): boolean {
  return !isArp(skb) || nfHookEntries(net, NFPROTO_ARP, NF_ARP_FORWARD).length === 0;
}

/** br_nf_ops[] (one set per namespace: the registry keys on the ops object) */
function brNfOps(): NfHookOps[] {
  return [
    { hook: brNfPreRouting, pf: NFPROTO_BRIDGE, hooknum: NF_BR_PRE_ROUTING, priority: NF_BR_PRI_BRNF },
    { hook: brNfLocalIn, pf: NFPROTO_BRIDGE, hooknum: NF_BR_LOCAL_IN, priority: NF_BR_PRI_BRNF },
    { hook: brNfForwardIp, pf: NFPROTO_BRIDGE, hooknum: NF_BR_FORWARD, priority: NF_BR_PRI_BRNF - 1, passes: notBridgedIp },
    { hook: brNfForwardArp, pf: NFPROTO_BRIDGE, hooknum: NF_BR_FORWARD, priority: NF_BR_PRI_BRNF, passes: arpNotFiltered },
    { hook: brNfPostRouting, pf: NFPROTO_BRIDGE, hooknum: NF_BR_POST_ROUTING, priority: NF_BR_PRI_LAST, passes: notBridgedIp },
    { hook: ipSabotageIn, pf: NFPROTO_IPV4, hooknum: NF_INET_PRE_ROUTING, priority: NF_IP_PRI_FIRST },
  ];
}

const registeredOps = new NetGeneric<NfHookOps[]>();

/** brnf_device_event(): the hooks go in once the namespace has a bridge */
function brnfDeviceEvent(event: number, dev: NetDevice): void {
  if (event !== NETDEV_REGISTER || !brFromDev(dev)) return;
  const net = dev.net;
  const brnet = brnfNet(net);
  if (brnet.enabled) return;
  const ops = brNfOps();
  nfRegisterNetHooks(net, ops);
  registeredOps.set(net, ops);
  brnet.enabled = true;
}

/** brnf_sysctl_call_tables(): proc_dointvec, any non-zero written becomes 1 */
function brnfSysctlCallTables(name: string, b: BrnfNet, key: Exclude<keyof BrnfNet, "enabled">): CtlTable {
  return procDointvec(name, () => b[key], (v) => {
    b[key] = v ? 1 : 0;
  });
}

/** br_netfilter_sysctl_init_net() */
function brNetfilterSysctlInitNet(net: Net): void {
  const b = brnfNet(net);
  registerNetSysctl(net, "net/bridge", () => [
    brnfSysctlCallTables("bridge-nf-call-arptables", b, "callArptables"),
    brnfSysctlCallTables("bridge-nf-call-iptables", b, "callIptables"),
    brnfSysctlCallTables("bridge-nf-call-ip6tables", b, "callIp6tables"),
    brnfSysctlCallTables("bridge-nf-filter-vlan-tagged", b, "filterVlanTagged"),
    brnfSysctlCallTables("bridge-nf-filter-pppoe-tagged", b, "filterPppoeTagged"),
    brnfSysctlCallTables("bridge-nf-pass-vlan-input-dev", b, "passVlanIndev"),
  ]);
}

/** brnf_exit_net() */
function brnfExitNet(net: Net): void {
  const ops = registeredOps.get(net);
  if (ops) nfUnregisterNetHooks(net, ops);
  registeredOps.delete(net);
  brnfNets.delete(net);
}

let done = false;

/** br_netfilter_init(): module init (the lab machines load br_netfilter) */
export function brNetfilterInit(): void {
  if (done) return;
  done = true;
  registerPernetOps({ init: brNetfilterSysctlInitNet, exit: brnfExitNet });
  registerNetdeviceNotifier(brnfDeviceEvent);
}
