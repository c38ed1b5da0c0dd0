/**
 * The kernel's 802.1D spanning tree: net/bridge/br_stp.c (root/designated port selection,
 * port states), br_stp_if.c (enable/disable bridge and ports, bridge id), br_stp_timer.c
 * (hello, tcn, topology change, message age, forward delay, hold timers) and br_stp_bpdu.c
 * (config/TCN BPDUs: sent on the ports as LLC frames to the group address, received from
 * br_handle_frame). Without STP (BR_NO_STP) ports go straight to forwarding.
 */
import type { SkBuff } from "../core/skbuff.ts";
import { SkBuff as Skb } from "../core/skbuff.ts";
import { NET_ADDR_SET } from "../core/netdevice.ts";
import { NFPROTO_BRIDGE, NF_BR_LOCAL_OUT, nfHook } from "../netfilter/core.ts";
import { devQueueXmit, kfreeSkbReason, netifCarrierOff, netifCarrierOn, netPrintk, netScheduler } from "./br_compat.ts";
import { brFdbChangeMacAddress, brFdbCleanup, brFdbDeleteByPort } from "./br_fdb.ts";
import { brMulticastDisablePort } from "./br_multicast.ts";
import { brIfinfoNotify } from "./br_netlink.ts";
import {
  BR_KERNEL_STP, BR_NO_STP, BR_ROOT_BLOCK, BR_STATE_BLOCKING, BR_STATE_DISABLED, BR_STATE_FORWARDING,
  BR_STATE_LEARNING, BR_STATE_LISTENING, BR_USER_STP, type BridgeId, brMakePortId, brPortStateNames, macCmp, macEqual,
  jiffiesToClockT, type NetBridge, type NetBridgePort, SEC,
} from "./br_private.ts";
import { HZ, USEC_PER_JIFFY, type Timer } from "../../sim/scheduler.ts";
import { ETH_P_802_2 } from "../uapi/if.ts";

const BR_HOLD_TIME = 1 * SEC;
const BR_MIN_FORWARD_DELAY = 2 * SEC;
const BR_MAX_FORWARD_DELAY = 30 * SEC;
/** MESSAGE_AGE_INCR: (HZ / 256) + 1 jiffies */
const MESSAGE_AGE_INCR = (Math.floor(HZ / 256) + 1) * USEC_PER_JIFFY;
const STP_HZ = 256;
const BPDU_TYPE_CONFIG = 0;
const BPDU_TYPE_TCN = 0x80;

function now(br: NetBridge): number {
  return netScheduler(br.dev.net).now;
}

/** round_jiffies(): to a whole second */
function roundJiffies(t: number): number {
  return Math.round(t / SEC) * SEC;
}

/** memcmp() of two struct bridge_id */
function idCmp(a: BridgeId, b: BridgeId): number {
  if (a === b) return 0;
  if (a.prio !== b.prio) return a.prio - b.prio;
  return macCmp(a.addr, b.addr);
}

/** br_log_state(): "<br>: port N(dev) entered X state" */
export function brLogState(p: NetBridgePort): void {
  netPrintk(p.br.dev.net, `${p.br.dev.name}: port ${p.portNo}(${p.dev.name}) entered ${brPortStateNames[p.state]} state`);
}

/** br_set_state() (6.18 logs every transition through br_log_state) */
export function brSetState(p: NetBridgePort, state: number): void {
  p.state = state;
  brLogState(p);
  countTransition(p);
}

/** br_set_state()'s stp_xstats: transitions to blocking and forwarding under kernel STP */
function countTransition(p: NetBridgePort): void {
  if (p.br.stpEnabled !== BR_KERNEL_STP) return;
  if (p.state === BR_STATE_BLOCKING) p.stpXstats.transitionBlk++;
  else if (p.state === BR_STATE_FORWARDING) p.stpXstats.transitionFwd++;
}

/** br_get_port() */
function brGetPort(br: NetBridge, portNo: number): NetBridgePort | undefined {
  return br.ports.find((p) => p.portNo === portNo);
}

/** br_is_root_bridge() */
export function brIsRootBridge(br: NetBridge): boolean {
  return idCmp(br.designatedRoot, br.bridgeId) === 0;
}

/** br_is_designated_port() */
function brIsDesignatedPort(p: NetBridgePort): boolean {
  return idCmp(p.designatedBridge, p.br.bridgeId) === 0 && p.designatedPort === p.portId;
}

/** br_should_become_root_port() */
function brShouldBecomeRootPort(p: NetBridgePort, rootPort: number): boolean {
  const br = p.br;
  if (p.state === BR_STATE_DISABLED || brIsDesignatedPort(p)) return false;
  if (idCmp(br.bridgeId, p.designatedRoot) <= 0) return false;
  if (!rootPort) return true;
  const rp = brGetPort(br, rootPort)!;
  let t = idCmp(p.designatedRoot, rp.designatedRoot);
  if (t !== 0) return t < 0;
  const a = p.designatedCost + p.pathCost;
  const b = rp.designatedCost + rp.pathCost;
  if (a !== b) return a < b;
  t = idCmp(p.designatedBridge, rp.designatedBridge);
  if (t !== 0) return t < 0;
  if (p.designatedPort !== rp.designatedPort) return p.designatedPort < rp.designatedPort;
  return p.portId < rp.portId;
}

/** br_root_port_block() */
function brRootPortBlock(br: NetBridge, p: NetBridgePort): void {
  netPrintk(br.dev.net, `${br.dev.name}: port ${p.portNo}(${p.dev.name}) tried to become root port (blocked)`);
  brSetState(p, BR_STATE_LISTENING);
  if (br.forwardDelay > 0) p.forwardDelayTimer.mod(now(br) + br.forwardDelay);
}

/** br_root_selection() */
function brRootSelection(br: NetBridge): void {
  let rootPort = 0;
  for (const p of br.ports) {
    if (!brShouldBecomeRootPort(p, rootPort)) continue;
    if (p.flags & BR_ROOT_BLOCK) brRootPortBlock(br, p);
    else rootPort = p.portNo;
  }
  br.rootPort = rootPort;
  if (!rootPort) {
    br.designatedRoot = br.bridgeId;
    br.rootPathCost = 0;
  } else {
    const p = brGetPort(br, rootPort)!;
    br.designatedRoot = p.designatedRoot;
    br.rootPathCost = p.designatedCost + p.pathCost;
  }
}

/** br_become_root_bridge() */
function brBecomeRootBridge(br: NetBridge): void {
  br.maxAge = br.bridgeMaxAge;
  br.helloTime = br.bridgeHelloTime;
  br.forwardDelay = br.bridgeForwardDelay;
  brTopologyChangeDetection(br);
  br.tcnTimer.cancel();
  if (br.dev.isUp()) {
    brConfigBpduGeneration(br);
    br.helloTimer.mod(now(br) + br.helloTime);
  }
}

interface ConfigBpdu {
  topologyChange: number;
  topologyChangeAck: number;
  root: BridgeId;
  rootPathCost: number;
  bridgeId: BridgeId;
  portId: number;
  /** µs */
  messageAge: number;
  maxAge: number;
  helloTime: number;
  forwardDelay: number;
}

/** br_transmit_config() */
function brTransmitConfig(p: NetBridgePort): void {
  if (p.holdTimer.pending) {
    p.configPending = 1;
    return;
  }
  const br = p.br;
  let messageAge = 0;
  if (!brIsRootBridge(br)) {
    const root = brGetPort(br, br.rootPort);
    messageAge = (root ? now(br) - root.designatedAge : 0) + MESSAGE_AGE_INCR;
  }
  const bpdu: ConfigBpdu = {
    topologyChange: br.topologyChange,
    topologyChangeAck: p.topologyChangeAck,
    root: br.designatedRoot,
    rootPathCost: br.rootPathCost,
    bridgeId: br.bridgeId,
    portId: p.portId,
    messageAge,
    maxAge: br.maxAge,
    helloTime: br.helloTime,
    forwardDelay: br.forwardDelay,
  };
  if (bpdu.messageAge < br.maxAge) {
    brSendConfigBpdu(p, bpdu);
    p.topologyChangeAck = 0;
    p.configPending = 0;
    p.holdTimer.mod(roundJiffies(now(br) + BR_HOLD_TIME));
  }
}

/** br_record_config_information() */
function brRecordConfigInformation(p: NetBridgePort, bpdu: ConfigBpdu): void {
  p.designatedRoot = bpdu.root;
  p.designatedCost = bpdu.rootPathCost;
  p.designatedBridge = bpdu.bridgeId;
  p.designatedPort = bpdu.portId;
  p.designatedAge = now(p.br) - bpdu.messageAge;
  brMessageAgeTimer(p).mod(now(p.br) + (bpdu.maxAge - bpdu.messageAge));
}

/** br_record_config_timeout_values() */
function brRecordConfigTimeoutValues(br: NetBridge, bpdu: ConfigBpdu): void {
  br.maxAge = bpdu.maxAge;
  br.helloTime = bpdu.helloTime;
  br.forwardDelay = bpdu.forwardDelay;
  brSetTopologyChange(br, bpdu.topologyChange);
}

/** br_transmit_tcn() */
function brTransmitTcn(br: NetBridge): void {
  const p = brGetPort(br, br.rootPort);
  if (p) brSendTcnBpdu(p);
  else netPrintk(br.dev.net, `${br.dev.name}: root port ${br.rootPort} not found for topology notice`);
}

/** br_should_become_designated_port() */
function brShouldBecomeDesignatedPort(p: NetBridgePort): boolean {
  const br = p.br;
  if (brIsDesignatedPort(p)) return true;
  if (idCmp(p.designatedRoot, br.designatedRoot) !== 0) return true;
  if (br.rootPathCost !== p.designatedCost) return br.rootPathCost < p.designatedCost;
  const t = idCmp(br.bridgeId, p.designatedBridge);
  if (t !== 0) return t < 0;
  return p.portId < p.designatedPort;
}

/** br_designated_port_selection() */
function brDesignatedPortSelection(br: NetBridge): void {
  for (const p of br.ports) if (p.state !== BR_STATE_DISABLED && brShouldBecomeDesignatedPort(p)) brBecomeDesignatedPort(p);
}

/** br_supersedes_port_info() */
function brSupersedesPortInfo(p: NetBridgePort, bpdu: ConfigBpdu): boolean {
  let t = idCmp(bpdu.root, p.designatedRoot);
  if (t !== 0) return t < 0;
  if (bpdu.rootPathCost !== p.designatedCost) return bpdu.rootPathCost < p.designatedCost;
  t = idCmp(bpdu.bridgeId, p.designatedBridge);
  if (t !== 0) return t < 0;
  if (idCmp(bpdu.bridgeId, p.br.bridgeId) !== 0) return true;
  return bpdu.portId <= p.designatedPort;
}

/** br_topology_change_acknowledged() */
function brTopologyChangeAcknowledged(br: NetBridge): void {
  br.topologyChangeDetected = 0;
  br.tcnTimer.cancel();
}

/** __br_set_topology_change(): a topology change shortens ageing to twice forward_delay */
function brSetTopologyChange(br: NetBridge, val: number): void {
  if (br.stpEnabled === BR_KERNEL_STP && br.topologyChange !== val) {
    br.ageingTime = val ? 2 * br.forwardDelay : br.bridgeAgeingTime;
  }
  br.topologyChange = val;
}

/** br_topology_change_detection() */
export function brTopologyChangeDetection(br: NetBridge): void {
  if (br.stpEnabled !== BR_KERNEL_STP) return;
  const isroot = brIsRootBridge(br);
  netPrintk(br.dev.net, `${br.dev.name}: topology change detected, ${isroot ? "propagating" : "sending tcn bpdu"}`);
  if (isroot) {
    brSetTopologyChange(br, 1);
    br.topologyChangeTimer.mod(now(br) + br.bridgeForwardDelay + br.bridgeMaxAge);
  } else if (!br.topologyChangeDetected) {
    brTransmitTcn(br);
    br.tcnTimer.mod(now(br) + br.bridgeHelloTime);
  }
  br.topologyChangeDetected = 1;
}

/** br_config_bpdu_generation() */
function brConfigBpduGeneration(br: NetBridge): void {
  for (const p of br.ports) if (p.state !== BR_STATE_DISABLED && brIsDesignatedPort(p)) brTransmitConfig(p);
}

/** br_configuration_update() */
export function brConfigurationUpdate(br: NetBridge): void {
  brRootSelection(br);
  brDesignatedPortSelection(br);
}

/** br_become_designated_port() */
export function brBecomeDesignatedPort(p: NetBridgePort): void {
  const br = p.br;
  p.designatedRoot = br.designatedRoot;
  p.designatedCost = br.rootPathCost;
  p.designatedBridge = br.bridgeId;
  p.designatedPort = p.portId;
}

/** br_make_blocking() */
function brMakeBlocking(p: NetBridgePort): void {
  if (p.state !== BR_STATE_DISABLED && p.state !== BR_STATE_BLOCKING) {
    if (p.state === BR_STATE_FORWARDING || p.state === BR_STATE_LEARNING) brTopologyChangeDetection(p.br);
    brSetState(p, BR_STATE_BLOCKING);
    brIfinfoNotify("RTM_NEWLINK", p);
    p.forwardDelayTimer.cancel();
  }
}

/** br_make_forwarding() */
function brMakeForwarding(p: NetBridgePort): void {
  const br = p.br;
  if (p.state !== BR_STATE_BLOCKING) return;
  if (br.stpEnabled === BR_NO_STP || br.forwardDelay === 0) {
    p.state = BR_STATE_FORWARDING;
    countTransition(p);
    brTopologyChangeDetection(br);
    p.forwardDelayTimer.cancel();
  } else if (br.stpEnabled === BR_KERNEL_STP) p.state = BR_STATE_LISTENING;
  else p.state = BR_STATE_LEARNING;
  brLogState(p);
  brIfinfoNotify("RTM_NEWLINK", p);
  if (br.forwardDelay !== 0) p.forwardDelayTimer.mod(now(br) + br.forwardDelay);
}

/** br_port_state_selection() */
export function brPortStateSelection(br: NetBridge): void {
  let liveports = 0;
  for (const p of br.ports) {
    if (p.state === BR_STATE_DISABLED) continue;
    if (br.stpEnabled !== BR_USER_STP) {
      if (p.portNo === br.rootPort) {
        p.configPending = 0;
        p.topologyChangeAck = 0;
        brMakeForwarding(p);
      } else if (brIsDesignatedPort(p)) {
        p.messageAgeTimer?.cancel();
        brMakeForwarding(p);
      } else {
        p.configPending = 0;
        p.topologyChangeAck = 0;
        brMakeBlocking(p);
      }
    }
    if (p.state === BR_STATE_FORWARDING) liveports++;
  }
  if (liveports === 0) netifCarrierOff(br.dev);
  else netifCarrierOn(br.dev);
}

/** br_topology_change_acknowledge() */
function brTopologyChangeAcknowledge(p: NetBridgePort): void {
  p.topologyChangeAck = 1;
  brTransmitConfig(p);
}

/** br_received_config_bpdu() */
function brReceivedConfigBpdu(p: NetBridgePort, bpdu: ConfigBpdu): void {
  p.stpXstats.rxBpdu++;
  const br = p.br;
  const wasRoot = brIsRootBridge(br);
  if (brSupersedesPortInfo(p, bpdu)) {
    brRecordConfigInformation(p, bpdu);
    brConfigurationUpdate(br);
    brPortStateSelection(br);
    if (!brIsRootBridge(br) && wasRoot) {
      br.helloTimer.cancel();
      if (br.topologyChangeDetected) {
        br.topologyChangeTimer.cancel();
        brTransmitTcn(br);
        br.tcnTimer.mod(now(br) + br.bridgeHelloTime);
      }
    }
    if (p.portNo === br.rootPort) {
      brRecordConfigTimeoutValues(br, bpdu);
      brConfigBpduGeneration(br);
      if (bpdu.topologyChangeAck) brTopologyChangeAcknowledged(br);
    }
  } else if (brIsDesignatedPort(p)) {
    brTransmitConfig(p); // br_reply()
  }
}

/** br_received_tcn_bpdu() */
function brReceivedTcnBpdu(p: NetBridgePort): void {
  p.stpXstats.rxTcn++;
  if (brIsDesignatedPort(p)) {
    netPrintk(p.br.dev.net, `${p.br.dev.name}: port ${p.portNo}(${p.dev.name}) received tcn bpdu`);
    brTopologyChangeDetection(p.br);
    brTopologyChangeAcknowledge(p);
  }
}

// ------------------------------------------------------------------------ br_stp_bpdu.c

/** br_send_bpdu(): an 802.3 frame with an LLC UI header (SAP 0x42) to the group address */
function brSendBpdu(p: NetBridgePort, data: Uint8Array): void {
  const len = 3 + data.length;
  const skb = new Skb(14 + len);
  const b = skb.buf;
  const o = skb.data;
  b.set(p.br.groupAddr, o);
  b.set(p.dev.devAddr.subarray(0, 6), o + 6);
  b[o + 12] = len >> 8;
  b[o + 13] = len & 0xff;
  b[o + 14] = 0x42; // LLC_SAP_BSPAN
  b[o + 15] = 0x42;
  b[o + 16] = 0x03; // UI command
  b.set(data, o + 17);
  skb.dev = p.dev;
  skb.protocol = ETH_P_802_2;
  skb.macHeader = o;
  skb.tstamp = now(p.br);
  nfHook(NFPROTO_BRIDGE, NF_BR_LOCAL_OUT, p.dev.net, skb, undefined, p.dev, (s) => void devQueueXmit(s));
}

/** br_set_ticks(): µs to 1/256 s */
function setTicks(b: Uint8Array, o: number, us: number): void {
  const j = Math.floor(us / USEC_PER_JIFFY);
  const ticks = Math.floor((STP_HZ * j) / HZ);
  b[o] = (ticks >> 8) & 0xff;
  b[o + 1] = ticks & 0xff;
}

/** br_get_ticks(): 1/256 s to µs (whole jiffies, rounded up) */
function getTicks(b: Uint8Array, o: number): number {
  const ticks = (b[o]! << 8) | b[o + 1]!;
  return Math.ceil((ticks * HZ) / STP_HZ) * USEC_PER_JIFFY;
}

function putId(b: Uint8Array, o: number, id: BridgeId): void {
  b[o] = (id.prio >> 8) & 0xff;
  b[o + 1] = id.prio & 0xff;
  b.set(id.addr.subarray(0, 6), o + 2);
}

/** br_send_config_bpdu() */
function brSendConfigBpdu(p: NetBridgePort, bpdu: ConfigBpdu): void {
  if (p.br.stpEnabled !== BR_KERNEL_STP) return;
  const buf = new Uint8Array(35);
  buf[3] = BPDU_TYPE_CONFIG;
  buf[4] = (bpdu.topologyChange ? 0x01 : 0) | (bpdu.topologyChangeAck ? 0x80 : 0);
  putId(buf, 5, bpdu.root);
  const c = bpdu.rootPathCost >>> 0;
  buf[13] = (c >>> 24) & 0xff;
  buf[14] = (c >>> 16) & 0xff;
  buf[15] = (c >>> 8) & 0xff;
  buf[16] = c & 0xff;
  putId(buf, 17, bpdu.bridgeId);
  buf[25] = (bpdu.portId >> 8) & 0xff;
  buf[26] = bpdu.portId & 0xff;
  setTicks(buf, 27, bpdu.messageAge);
  setTicks(buf, 29, bpdu.maxAge);
  setTicks(buf, 31, bpdu.helloTime);
  setTicks(buf, 33, bpdu.forwardDelay);
  brSendBpdu(p, buf);
  p.stpXstats.txBpdu++;
}

/** br_send_tcn_bpdu() */
function brSendTcnBpdu(p: NetBridgePort): void {
  if (p.br.stpEnabled !== BR_KERNEL_STP) return;
  brSendBpdu(p, new Uint8Array([0, 0, 0, BPDU_TYPE_TCN]));
  p.stpXstats.txTcn++;
}

/**
 * net/llc/llc_input.c: llc_rcv(), the ETH_P_802_2 handler of the llc module every host loads
 * at boot with stp and bridge (in every namespace since Linux 6.5). A bridge port's BPDUs do
 * not come here (br_handle_frame() hands them to brStpRcv()); what does ends dropped and
 * counted nowhere: a BPDU on a device that is no port (stp_pdu_rcv(): br_stp_rcv() finds no
 * port), a frame to any other SAP (no llc2 to take it). Not an rx_nohandler: a handler took it.
 */
export function llcRcv(skb: SkBuff): void {
  kfreeSkbReason(skb, "SKB_DROP_REASON_NOT_SPECIFIED");
}

/** br_stp_rcv(): a frame to the STP group address received on port `p` (the LLC layer's
 * part done here: 802.3 length and LLC header 42 42 03 checked and skipped) */
export function brStpRcv(p: NetBridgePort, skb: SkBuff): void {
  const br = p.br;
  const h = skb.macHeader >= 0 ? skb.macHeader : skb.data;
  const b = skb.buf;
  const end = skb.tail;
  const typeLen = (b[h + 12]! << 8) | b[h + 13]!;
  if (typeLen > 1500 || b[h + 14] !== 0x42 || b[h + 15] !== 0x42 || b[h + 16] !== 0x03) return;
  let o = h + 17;
  if (end - o < 4 || b[o] !== 0 || b[o + 1] !== 0 || b[o + 2] !== 0) return;
  if (br.stpEnabled !== BR_KERNEL_STP || !br.dev.isUp() || p.state === BR_STATE_DISABLED) return;
  if (!macEqual(b.subarray(h, h + 6), br.groupAddr)) return;
  o += 3;
  if (b[o] === BPDU_TYPE_CONFIG) {
    if (end - o < 32) return;
    const id = (k: number): BridgeId => ({ prio: (b[k]! << 8) | b[k + 1]!, addr: b.slice(k + 2, k + 8) });
    const bpdu: ConfigBpdu = {
      topologyChange: b[o + 1]! & 0x01 ? 1 : 0,
      topologyChangeAck: b[o + 1]! & 0x80 ? 1 : 0,
      root: id(o + 2),
      rootPathCost: ((b[o + 10]! << 24) | (b[o + 11]! << 16) | (b[o + 12]! << 8) | b[o + 13]!) >>> 0,
      bridgeId: id(o + 14),
      portId: (b[o + 22]! << 8) | b[o + 23]!,
      messageAge: getTicks(b, o + 24),
      maxAge: getTicks(b, o + 26),
      helloTime: getTicks(b, o + 28),
      forwardDelay: getTicks(b, o + 30),
    };
    if (bpdu.messageAge > bpdu.maxAge) return;
    brReceivedConfigBpdu(p, bpdu);
  } else if (b[o] === BPDU_TYPE_TCN) {
    brReceivedTcnBpdu(p);
  }
}

// ---------------------------------------------------------------------- br_stp_timer.c

/** br_is_designated_for_some_port() */
function brIsDesignatedForSomePort(br: NetBridge): boolean {
  for (const p of br.ports) if (p.state !== BR_STATE_DISABLED && idCmp(p.designatedBridge, br.bridgeId) === 0) return true;
  return false;
}

/** br_hello_timer_expired() */
function brHelloTimerExpired(br: NetBridge): void {
  if (br.dev.isUp()) {
    brConfigBpduGeneration(br);
    if (br.stpEnabled === BR_KERNEL_STP) br.helloTimer.mod(roundJiffies(now(br) + br.helloTime));
  }
}

/** br_message_age_timer_expired() */
function brMessageAgeTimerExpired(p: NetBridgePort): void {
  const br = p.br;
  if (p.state === BR_STATE_DISABLED) return;
  const id = p.designatedBridge;
  const mac = [...id.addr].map((x) => (x | 0x100).toString(16).slice(1)).join(":");
  const prio = ((id.prio | 0x10000).toString(16)).slice(1);
  netPrintk(br.dev.net, `${br.dev.name}: port ${p.portNo}(${p.dev.name}) neighbor ${prio}.${mac} lost`);
  const wasRoot = brIsRootBridge(br);
  brBecomeDesignatedPort(p);
  brConfigurationUpdate(br);
  brPortStateSelection(br);
  if (brIsRootBridge(br) && !wasRoot) brBecomeRootBridge(br);
}

/** br_forward_delay_timer_expired() */
export function brForwardDelayTimerExpired(p: NetBridgePort): void {
  const br = p.br;
  if (p.state === BR_STATE_LISTENING) {
    p.state = BR_STATE_LEARNING;
    p.forwardDelayTimer.mod(now(br) + br.forwardDelay);
  } else if (p.state === BR_STATE_LEARNING) {
    p.state = BR_STATE_FORWARDING;
    countTransition(p);
    if (brIsDesignatedForSomePort(br)) {
      brLogState(p);
      brTopologyChangeDetection(br);
      netifCarrierOn(br.dev);
      brIfinfoNotify("RTM_NEWLINK", p);
      return;
    }
    netifCarrierOn(br.dev);
  }
  brLogState(p);
  brIfinfoNotify("RTM_NEWLINK", p);
}

/** br_tcn_timer_expired() */
function brTcnTimerExpired(br: NetBridge): void {
  if (br.dev.isUp()) {
    brTransmitTcn(br);
    br.tcnTimer.mod(now(br) + br.bridgeHelloTime);
  }
}

/** br_topology_change_timer_expired() */
function brTopologyChangeTimerExpired(br: NetBridge): void {
  br.topologyChangeDetected = 0;
  brSetTopologyChange(br, 0);
}

/** br_hold_timer_expired() */
function brHoldTimerExpired(p: NetBridgePort): void {
  if (p.configPending) brTransmitConfig(p);
}

/** br_stp_timer_init() (the gc work lives here too) */
export function brStpTimerInit(br: NetBridge): void {
  const s = netScheduler(br.dev.net);
  br.gcTimer = s.timer(() => brFdbCleanup(br), "br_fdb_cleanup");
  br.helloTimer = s.timer(() => brHelloTimerExpired(br), "br_hello_timer");
  br.tcnTimer = s.timer(() => brTcnTimerExpired(br), "br_tcn_timer");
  br.topologyChangeTimer = s.timer(() => brTopologyChangeTimerExpired(br), "br_topology_change_timer");
}

/** br_stp_port_timer_init() */
export function brStpPortTimerInit(p: NetBridgePort): void {
  p.forwardDelayTimer.fn = () => brForwardDelayTimerExpired(p);
  p.holdTimer.fn = () => brHoldTimerExpired(p);
}

/** the port's message age timer, made on first use (br_stp_port_timer_init()'s) */
function brMessageAgeTimer(p: NetBridgePort): Timer {
  return (p.messageAgeTimer ??= p.mkTimer(() => brMessageAgeTimerExpired(p), "br_message_age_timer"));
}

/** br_timer_value(): remaining time of a timer in clock_t (none made yet: not pending) */
export function brTimerValue(br: NetBridge, t: { pending: boolean; when: number } | undefined): number {
  if (!t?.pending) return 0;
  const left = Math.max(0, t.when - now(br));
  return jiffiesToClockT(Math.ceil(left / USEC_PER_JIFFY));
}

// ------------------------------------------------------------------------- br_stp_if.c

/** br_init_port() */
export function brInitPort(p: NetBridgePort): void {
  p.portId = brMakePortId(p.priority, p.portNo);
  brBecomeDesignatedPort(p);
  brSetState(p, BR_STATE_BLOCKING);
  p.topologyChangeAck = 0;
  p.configPending = 0;
}

/** br_stp_enable_bridge(): the bridge device went up */
export function brStpEnableBridge(br: NetBridge): void {
  if (br.stpEnabled === BR_KERNEL_STP) br.helloTimer.mod(now(br) + br.helloTime);
  br.gcTimer.mod(now(br) + SEC / 10);
  brConfigBpduGeneration(br);
  for (const p of br.ports) if (portUsable(p)) brStpEnablePort(p);
}

/** br_stp_disable_bridge() */
export function brStpDisableBridge(br: NetBridge): void {
  for (const p of br.ports) if (p.state !== BR_STATE_DISABLED) brStpDisablePort(p);
  brSetTopologyChange(br, 0);
  br.topologyChangeDetected = 0;
  br.helloTimer.cancel();
  br.topologyChangeTimer.cancel();
  br.tcnTimer.cancel();
  br.gcTimer.cancel();
}

/** br_stp_enable_port() */
export function brStpEnablePort(p: NetBridgePort): void {
  brInitPort(p);
  brPortStateSelection(p.br);
  brIfinfoNotify("RTM_NEWLINK", p);
}

/** br_stp_disable_port() */
export function brStpDisablePort(p: NetBridgePort): void {
  const br = p.br;
  const wasRoot = brIsRootBridge(br);
  brBecomeDesignatedPort(p);
  brSetState(p, BR_STATE_DISABLED);
  p.topologyChangeAck = 0;
  p.configPending = 0;
  brIfinfoNotify("RTM_NEWLINK", p);
  p.messageAgeTimer?.cancel();
  p.forwardDelayTimer.cancel();
  p.holdTimer.cancel();
  brFdbDeleteByPort(br, p, 0, false);
  brMulticastDisablePort(p);
  brConfigurationUpdate(br);
  brPortStateSelection(br);
  if (brIsRootBridge(br) && !wasRoot) brBecomeRootBridge(br);
}

/** netif_running(dev) && netif_oper_up(dev) */
export function portUsable(p: NetBridgePort): boolean {
  return p.dev.isUp() && p.dev.carrier;
}

/** br_port_carrier_check() */
export function brPortCarrierCheck(p: NetBridgePort): boolean {
  const br = p.br;
  if (!br.dev.isUp()) return false;
  if (portUsable(p)) {
    if (p.state === BR_STATE_DISABLED) {
      brStpEnablePort(p);
      return true;
    }
  } else if (p.state !== BR_STATE_DISABLED) {
    brStpDisablePort(p);
    return true;
  }
  return false;
}

/** br_stp_start() */
function brStpStart(br: NetBridge): void {
  if (br.bridgeForwardDelay < BR_MIN_FORWARD_DELAY) brSetForwardDelayRaw(br, BR_MIN_FORWARD_DELAY);
  else if (br.bridgeForwardDelay > BR_MAX_FORWARD_DELAY) brSetForwardDelayRaw(br, BR_MAX_FORWARD_DELAY);
  // no /sbin/bridge-stp on the lab machines: kernel STP
  br.stpEnabled = BR_KERNEL_STP;
  if (br.dev.isUp()) br.helloTimer.mod(now(br) + br.helloTime);
  brPortStateSelection(br);
}

/** br_stp_stop(): kernel STP simply stops sending BPDUs; port states stay */
function brStpStop(br: NetBridge): void {
  if (br.stpEnabled === BR_USER_STP) brPortStateSelection(br);
  br.stpEnabled = BR_NO_STP;
}

/** br_stp_set_enabled(): brctl stp / stp_state */
export function brStpSetEnabled(br: NetBridge, val: number): void {
  if (val) {
    if (br.stpEnabled === BR_NO_STP) brStpStart(br);
  } else if (br.stpEnabled !== BR_NO_STP) brStpStop(br);
}

/** __br_set_forward_delay() */
export function brSetForwardDelayRaw(br: NetBridge, t: number): void {
  br.bridgeForwardDelay = t;
  if (brIsRootBridge(br)) br.forwardDelay = t;
}

/** br_set_forward_delay(): clock_t in, ERANGE with STP outside 2..30 s */
export function brSetForwardDelay(br: NetBridge, t: number): "ERANGE" | undefined {
  if (br.stpEnabled !== BR_NO_STP && (t < BR_MIN_FORWARD_DELAY || t > BR_MAX_FORWARD_DELAY)) return "ERANGE";
  brSetForwardDelayRaw(br, t);
  return undefined;
}

/** br_set_hello_time() */
export function brSetHelloTime(br: NetBridge, t: number): "ERANGE" | undefined {
  if (t < 1 * SEC || t > 10 * SEC) return "ERANGE";
  br.bridgeHelloTime = t;
  if (brIsRootBridge(br)) br.helloTime = t;
  return undefined;
}

/** br_set_max_age() */
export function brSetMaxAge(br: NetBridge, t: number): "ERANGE" | undefined {
  if (t < 6 * SEC || t > 40 * SEC) return "ERANGE";
  br.bridgeMaxAge = t;
  if (brIsRootBridge(br)) br.maxAge = t;
  return undefined;
}

/** br_set_ageing_time(): the configured value and the current one, even while a topology
 * change runs (its end restores the configured one: __br_set_topology_change()) */
export function brSetAgeingTime(br: NetBridge, t: number): void {
  br.bridgeAgeingTime = t;
  br.ageingTime = t;
  /* mod_delayed_work(system_long_wq, &br->gc_work, 0): the gc runs now and re-arms itself
   * (up or not: `brctl showstp` of a down bridge then shows a gc timer near ageing_time) */
  br.gcTimer?.mod(now(br));
}

/** br_stp_change_bridge_id() */
export function brStpChangeBridgeId(br: NetBridge, addr: Uint8Array): void {
  const wasRoot = brIsRootBridge(br);
  const oldAddr = br.bridgeId.addr.slice();
  const oldDevAddr = br.dev.devAddr.slice();
  const oldId = br.bridgeId;
  br.bridgeId = { prio: oldId.prio, addr: addr.slice(0, 6) };
  br.dev.devAddr = addr.slice(0, 6);
  brFdbChangeMacAddress(br, oldDevAddr, addr);
  // the ports' ids with the old address take the new one (the bridge's own where they were it)
  const withAddr = (id: BridgeId): BridgeId => (id === oldId ? br.bridgeId : { prio: id.prio, addr: br.bridgeId.addr });
  for (const p of br.ports) {
    if (macEqual(p.designatedBridge.addr, oldAddr)) p.designatedBridge = withAddr(p.designatedBridge);
    if (macEqual(p.designatedRoot.addr, oldAddr)) p.designatedRoot = withAddr(p.designatedRoot);
  }
  brConfigurationUpdate(br);
  brPortStateSelection(br);
  if (brIsRootBridge(br) && !wasRoot) brBecomeRootBridge(br);
}

/** a port went or a port's MAC changed: the next recalculation scans every port */
export function brStpForgetLowestAddr(br: NetBridge): void {
  br.lowestAddrPort = undefined;
  br.lowestAddrCount = 0;
}

/** br_stp_recalculate_bridge_id(): lowest port MAC unless the address was set; true when changed */
export function brStpRecalculateBridgeId(br: NetBridge): boolean {
  if (br.dev.addrAssignType === NET_ADDR_SET) return false;
  // the port with the lowest MAC (the first of equals), from where the last scan left it:
  // ports are only appended (brStpForgetLowestAddr() when one goes or a MAC changes)
  let lowest = br.lowestAddrPort;
  for (let i = br.lowestAddrCount; i < br.ports.length; i++) {
    const p = br.ports[i]!;
    if (lowest === undefined || macCmp(p.dev.devAddr, lowest.dev.devAddr) < 0) lowest = p;
  }
  br.lowestAddrPort = lowest;
  br.lowestAddrCount = br.ports.length;
  // br_mac_zero: an empty bridge's id (and MAC) become zero
  const addr = lowest ? lowest.dev.devAddr : new Uint8Array(6);
  if (macEqual(br.bridgeId.addr, addr)) return false;
  brStpChangeBridgeId(br, addr);
  return true;
}

/** br_stp_set_bridge_priority() */
export function brStpSetBridgePriority(br: NetBridge, prio: number): void {
  const wasRoot = brIsRootBridge(br);
  // the designated ports' bridge (equal to the bridge's own) takes the new priority with it
  const id: BridgeId = { prio, addr: br.bridgeId.addr };
  for (const p of br.ports) {
    if (p.state !== BR_STATE_DISABLED && brIsDesignatedPort(p)) p.designatedBridge = id;
  }
  br.bridgeId = id;
  brConfigurationUpdate(br);
  brPortStateSelection(br);
  if (brIsRootBridge(br) && !wasRoot) brBecomeRootBridge(br);
}

/** br_stp_set_port_priority() */
export function brStpSetPortPriority(p: NetBridgePort, prio: number): void {
  const newId = brMakePortId(prio, p.portNo);
  if (brIsDesignatedPort(p)) p.designatedPort = newId;
  p.portId = newId;
  p.priority = prio;
  if (idCmp(p.br.bridgeId, p.designatedBridge) === 0 && p.portId < p.designatedPort) {
    brBecomeDesignatedPort(p);
    brPortStateSelection(p.br);
  }
}

/** br_stp_set_path_cost() */
export function brStpSetPathCost(p: NetBridgePort, cost: number): void {
  p.pathCost = cost;
  brConfigurationUpdate(p.br);
  brPortStateSelection(p.br);
}
