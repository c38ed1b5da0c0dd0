/**
 * ofproto/ofproto.c + ofproto-dpif-xlate.c + lib/mac-learning.c, reduced: one OpenFlow switch
 * per bridge — its ports (ofport numbers, VLAN config from the Port row), table 0 with the
 * default `priority=0 actions=NORMAL` flow, and the NORMAL action (a MAC-learning switch with
 * access ports and trunks, flooding). Frames are plain bytes from the Ethernet header.
 */
import type { OfpAction, OfpFlowMod, OfpFlowStats, OfpMatch } from "../uapi/openvswitch.ts";
import { OFPP_ALL, OFPP_FLOOD, OFPP_IN_PORT, OFPP_LOCAL, OFPP_NORMAL, OFPP_NONE } from "../uapi/openvswitch.ts";
import type { Scheduler } from "../../sim/scheduler.ts";
import { ovsVportOf, ovsVportSend, type Vport } from "./datapath.ts";

const USEC = 1_000_000;
/** lib/mac-learning.h: MAC_ENTRY_DEFAULT_IDLE_TIME */
const MAC_ENTRY_IDLE_TIME = 300 * USEC;
/** ofproto-dpif-xlate.c: MAX_DEPTH of resubmits/patch ports */
const MAX_DEPTH = 64;

export interface OfPort {
  ofport: number;
  name: string;
  /** Interface.type: "" (system), "internal", "patch" */
  type: string;
  vport: Vport | undefined;
  /** patch: the peer interface name */
  peer: string | undefined;
  /** Port.tag / Port.trunks / Port.vlan_mode (bundle VLAN config, bridge.c port_configure()) */
  tag: number | undefined;
  trunks: number[];
  vlanMode?: VlanMode;
  /** netdev_vport's own random MAC (patch ports have no device) */
  hwaddr?: Uint8Array;
}

/** enum port_vlan_mode (dot1q-tunnel is not modelled: treated as trunk) */
export type VlanMode = "access" | "trunk" | "native-tagged" | "native-untagged";

/** bridge.c port_configure(): vlan_mode, or access with a tag, trunk without */
export function portVlanMode(vlanMode: string | undefined, tag: number | undefined): VlanMode {
  if (vlanMode === "access" || vlanMode === "native-tagged" || vlanMode === "native-untagged") return vlanMode;
  if (vlanMode !== undefined) return "trunk";
  return tag !== undefined ? "access" : "trunk";
}

export interface Rule {
  table: number;
  priority: number;
  cookie: number;
  created: number;
  used: number;
  idleTimeout: number;
  hardTimeout: number;
  nPackets: number;
  nBytes: number;
  match: OfpMatch;
  actions: OfpAction[];
}

interface MacEntry {
  port: OfPort;
  expires: number;
}

/** struct ofproto / struct ofproto_dpif */
export class Ofproto {
  readonly name: string;
  readonly sched: Scheduler;
  readonly ports = new Map<number, OfPort>();
  rules: Rule[] = [];
  /** struct mac_learning: "vlan/mac" -> entry */
  readonly ml = new Map<string, MacEntry>();
  /** patch ports find their peer bridge through this (all bridges of the vswitchd) */
  readonly lookupPatchPeer: (peer: string) => { br: Ofproto; port: OfPort } | undefined;

  constructor(name: string, sched: Scheduler, lookupPatchPeer: Ofproto["lookupPatchPeer"]) {
    this.name = name;
    this.sched = sched;
    this.lookupPatchPeer = lookupPatchPeer;
  }

  /** OFPROTO_FAIL_STANDALONE / OFPROTO_FAIL_SECURE; undefined until configured */
  failMode: "standalone" | "secure" | undefined;

  /** connmgr.c: connmgr_set_fail_mode(): a change (without controllers) flushes the tables,
   * ofproto_flush_flows() -> connmgr_flushed(): standalone puts back `priority=0 actions=NORMAL` */
  setFailMode(mode: "standalone" | "secure"): void {
    if (this.failMode === mode) return;
    this.failMode = mode;
    this.rules = [];
    if (mode === "standalone") {
      this.addRule({ command: "add", table: 0, priority: 0, cookie: 0, idle_timeout: 0, hard_timeout: 0, match: {}, actions: [{ type: "output", port: OFPP_NORMAL }] });
    }
  }

  /** ofproto.c: the last OpenFlow port number handed out (alloc_port_no) */
  private allocPortNo = 0;

  /** ofproto.c: alloc_ofp_port(): ofport_request if free, else the next number after the last
   * one allocated (numbers are not reused at once, "to prevent problems due to old flows") */
  allocOfport(request?: number): number {
    if (request !== undefined && request > 0 && request < 0xff00 && !this.ports.has(request)) return request;
    for (let tries = 0; tries < 0xff00; tries++) {
      if (++this.allocPortNo >= 0xff00) this.allocPortNo = 1;
      if (!this.ports.has(this.allocPortNo) && !this.usedPortNos.has(this.allocPortNo)) break;
    }
    this.usedPortNos.add(this.allocPortNo);
    return this.allocPortNo;
  }

  /** numbers handed out once (ofport_get_usage()): skipped until the counter wraps */
  private readonly usedPortNos = new Set<number>();

  portByName(name: string): OfPort | undefined {
    for (const p of this.ports.values()) if (p.name === name) return p;
    return undefined;
  }

  removePort(p: OfPort): void {
    this.ports.delete(p.ofport);
    for (const [k, e] of this.ml) if (e.port === p) this.ml.delete(k);
  }

  // ---------------------------------------------------------------- flow table

  private expire(): void {
    if (!this.rules.some((r) => r.idleTimeout || r.hardTimeout)) return;
    const now = this.sched.now;
    this.rules = this.rules.filter(
      (r) => !((r.idleTimeout && now - r.used >= r.idleTimeout * USEC) || (r.hardTimeout && now - r.created >= r.hardTimeout * USEC)),
    );
  }

  /** ofproto.c: add_flow(): a rule with an identical match and priority is replaced */
  addRule(fm: OfpFlowMod): void {
    const now = this.sched.now;
    const rule: Rule = {
      table: fm.table, priority: fm.priority, cookie: Number(fm.cookie), created: now, used: now,
      idleTimeout: fm.idle_timeout, hardTimeout: fm.hard_timeout, nPackets: 0, nBytes: 0,
      match: fm.match, actions: fm.actions,
    };
    const i = this.rules.findIndex((r) => r.table === fm.table && r.priority === fm.priority && matchEqual(r.match, fm.match));
    if (i >= 0) this.rules[i] = rule;
    else {
      /* classifier order: table, then priority (highest first), then insertion */
      let at = this.rules.length;
      while (at > 0 && (this.rules[at - 1]!.table > rule.table || (this.rules[at - 1]!.table === rule.table && this.rules[at - 1]!.priority < rule.priority))) at--;
      this.rules.splice(at, 0, rule);
    }
  }

  /** ofproto.c: handle_flow_mod() */
  flowMod(fm: OfpFlowMod): void {
    this.expire();
    const strict = fm.command.endsWith("_strict");
    const hit = (r: Rule): boolean =>
      (fm.table === 0xff || r.table === fm.table) &&
      (strict ? r.priority === fm.priority && matchEqual(r.match, fm.match) : matchCovers(fm.match, r.match)) &&
      (fm.out_port === undefined || fm.out_port === OFPP_NONE || r.actions.some((a) => a.type === "output" && a.port === fm.out_port));
    switch (fm.command) {
      case "add":
        this.addRule(fm);
        return;
      case "modify":
      case "modify_strict": {
        let any = false;
        for (const r of this.rules) if (hit(r)) { r.actions = fm.actions; any = true; }
        if (!any) this.addRule(fm);
        return;
      }
      case "delete":
      case "delete_strict":
        this.rules = this.rules.filter((r) => !hit(r));
        return;
    }
  }

  /** the flow stats of every rule, in classifier order (priority, then insertion) */
  dump(table?: number, filter?: OfpMatch): OfpFlowStats[] {
    this.expire();
    const now = this.sched.now;
    return this.rules
      .filter((r) => (table === undefined || r.table === table) && (!filter || matchCovers(filter, r.match)))
      .map((r) => ({
        table: r.table, priority: r.priority, cookie: r.cookie, duration: now - r.created,
        idle_timeout: r.idleTimeout, hard_timeout: r.hardTimeout, n_packets: r.nPackets, n_bytes: r.nBytes, idle_age: Math.floor((now - r.used) / USEC),
        match: r.match, actions: r.actions,
      }));
  }

  // ---------------------------------------------------------------- packet path

  /** ofproto-dpif-upcall.c + xlate_actions(): a frame received on `inPort` */
  receive(inPort: OfPort, frame: Uint8Array, depth = 0): void {
    if (depth > MAX_DEPTH) return;
    this.expire();
    const key = flowExtract(frame, inPort.ofport);
    let rule: Rule | undefined;
    for (const r of this.rules) {
      if (r.table === 0 && flowMatches(r.match, key)) {
        rule = r;
        break;
      }
    }
    if (!rule) return; // table miss: drop (no controller)
    rule.nPackets++;
    rule.nBytes += frame.length;
    rule.used = this.sched.now;
    let pkt = frame;
    for (const a of rule.actions) {
      switch (a.type) {
        case "output":
          this.output(a.port, inPort, pkt, key, depth);
          break;
        case "mod_vlan_vid":
          pkt = vlanSet(pkt, a.vid, undefined);
          break;
        case "mod_vlan_pcp":
          pkt = vlanSet(pkt, undefined, a.pcp);
          break;
        case "strip_vlan":
          pkt = vlanStrip(pkt);
          break;
        case "mod_dl_src":
          pkt = pkt.slice();
          pkt.set(macParse(a.mac), 6);
          break;
        case "mod_dl_dst":
          pkt = pkt.slice();
          pkt.set(macParse(a.mac), 0);
          break;
      }
    }
  }

  /** xlate_output_action() */
  private output(port: number, inPort: OfPort, pkt: Uint8Array, key: FlowKey, depth: number): void {
    switch (port) {
      case OFPP_NORMAL:
        this.xlateNormal(inPort, pkt, depth);
        return;
      case OFPP_FLOOD:
      case OFPP_ALL:
        for (const p of this.sortedPorts()) if (p !== inPort) this.sendToPort(p, pkt, depth);
        return;
      case OFPP_IN_PORT:
        this.sendToPort(inPort, pkt, depth);
        return;
      default: {
        const p = this.ports.get(port);
        /* output to the input port is dropped unless it is IN_PORT */
        if (p && p !== inPort) this.sendToPort(p, pkt, depth);
        void key;
      }
    }
  }

  private sortedPorts(): OfPort[] {
    return [...this.ports.values()].sort((a, b) => a.ofport - b.ofport);
  }

  /** compose_output_action(): to a vport, or across a patch port to the peer bridge */
  private sendToPort(p: OfPort, pkt: Uint8Array, depth: number): void {
    if (p.type === "patch") {
      const peer = p.peer !== undefined ? this.lookupPatchPeer(p.peer) : undefined;
      if (peer && peer.port.peer === p.name) peer.br.receive(peer.port, pkt, depth + 1);
      return;
    }
    if (p.vport && ovsVportOf(p.vport.dev) === p.vport) ovsVportSend(p.vport, pkt);
  }

  // ---------------------------------------------------------------- NORMAL

  /** xlate_normal(): VLAN admission, learning, forwarding/flooding */
  private xlateNormal(inPort: OfPort, pkt: Uint8Array, depth: number): void {
    const tagged = pkt.length >= 18 && pkt[12] === 0x81 && pkt[13] === 0x00;
    const frameVid = tagged ? ((pkt[14]! << 8) | pkt[15]!) & 0xfff : 0;
    if (!inputVidIsValid(frameVid, inPort)) return;
    const vlan = inputTranslate(inPort, frameVid);
    const dst = pkt.subarray(0, 6);
    const src = pkt.subarray(6, 12);
    const now = this.sched.now;
    /* update_learning_table() */
    if (!(src[0]! & 1)) {
      /* mac_learning_insert(): (re)inserted at the tail of the LRU list */
      const k = `${vlan}/${macStr(src)}`;
      this.ml.delete(k);
      this.ml.set(k, { port: inPort, expires: now + MAC_ENTRY_IDLE_TIME });
    }
    if (!(dst[0]! & 1)) {
      const e = this.ml.get(`${vlan}/${macStr(dst)}`);
      if (e && e.expires > now && this.ports.get(e.port.ofport) === e.port) {
        if (e.port !== inPort) this.outputNormal(e.port, pkt, vlan, depth);
        return;
      }
    }
    /* xlate_normal_flood() */
    for (const p of this.sortedPorts()) {
      if (p === inPort || !portIncludesVlan(p, vlan)) continue;
      this.outputNormal(p, pkt, vlan, depth);
    }
  }

  /** output_normal() + xvlan_output_translate(): the frame with the tag the port wants */
  private outputNormal(p: OfPort, pkt: Uint8Array, vlan: number, depth: number): void {
    if (!portIncludesVlan(p, vlan)) return;
    const mode = p.vlanMode ?? portVlanMode(undefined, p.tag);
    let outVid = vlan;
    if (mode === "access" || (mode === "native-untagged" && vlan === p.tag)) outVid = 0;
    let out = vlanStrip(pkt);
    if (outVid !== 0) out = vlanSet(out, outVid, undefined);
    this.sendToPort(p, out, depth);
  }

  /** ofproto-dpif.c: ofproto_unixctl_fdb_show(): the LRU list, oldest first, with
   * mac_entry_age() in seconds */
  fdbShow(): { port: number; vlan: number; mac: string; age: number }[] {
    const now = this.sched.now;
    const out: { port: number; vlan: number; mac: string; age: number }[] = [];
    for (const [k, e] of this.ml) {
      if (e.expires <= now) {
        this.ml.delete(k);
        continue;
      }
      const [vlan, mac] = k.split("/");
      out.push({ port: e.port.ofport, vlan: Number(vlan), mac: mac!, age: Math.floor((now - e.expires + MAC_ENTRY_IDLE_TIME) / USEC) });
    }
    return out;
  }

  /** mac_learning_flush() (ovs-appctl fdb/flush) */
  fdbFlush(): void {
    this.ml.clear();
  }
}

/** ofproto-dpif-xlate.c: xbundle_trunks_vlan() */
function trunksVlan(p: OfPort, vlan: number): boolean {
  return (p.vlanMode ?? portVlanMode(undefined, p.tag)) !== "access" && (!p.trunks.length || p.trunks.includes(vlan));
}

/** ofproto-dpif-xlate.c: xbundle_includes_vlan() */
function portIncludesVlan(p: OfPort, vlan: number): boolean {
  if ((p.vlanMode ?? portVlanMode(undefined, p.tag)) === "access") return vlan === p.tag;
  return trunksVlan(p, vlan);
}

/** ofproto-dpif-xlate.c: input_vid_is_valid() */
function inputVidIsValid(vid: number, p: OfPort): boolean {
  switch (p.vlanMode ?? portVlanMode(undefined, p.tag)) {
    case "access":
      return vid === 0;
    case "native-untagged":
    case "native-tagged":
      if (!vid) return true;
      return trunksVlan(p, vid);
    case "trunk":
      return trunksVlan(p, vid);
  }
}

/** ofproto-dpif-xlate.c: xvlan_input_translate() */
function inputTranslate(p: OfPort, vid: number): number {
  switch (p.vlanMode ?? portVlanMode(undefined, p.tag)) {
    case "access":
      return p.tag ?? 0;
    case "trunk":
      return vid;
    default:
      return vid || (p.tag ?? 0);
  }
}

// -------------------------------------------------------------------- frames and matching

export interface FlowKey {
  in_port: number;
  dl_src: string;
  dl_dst: string;
  /** 0xffff: no tag */
  dl_vlan: number;
  dl_vlan_pcp: number;
  dl_type: number;
  nw_src: number;
  nw_dst: number;
  nw_proto: number;
  nw_tos: number;
  tp_src: number;
  tp_dst: number;
}

export function macStr(b: Uint8Array): string {
  return Array.from(b.subarray(0, 6), (x) => x.toString(16).padStart(2, "0")).join(":");
}

function macParse(s: string): Uint8Array {
  return new Uint8Array(s.split(":").map((h) => parseInt(h, 16)));
}

/** lib/flow.c: flow_extract() */
export function flowExtract(pkt: Uint8Array, inPort: number): FlowKey {
  const k: FlowKey = {
    in_port: inPort, dl_src: macStr(pkt.subarray(6, 12)), dl_dst: macStr(pkt.subarray(0, 6)),
    dl_vlan: 0xffff, dl_vlan_pcp: 0, dl_type: 0, nw_src: 0, nw_dst: 0, nw_proto: 0, nw_tos: 0, tp_src: 0, tp_dst: 0,
  };
  let o = 12;
  let type = (pkt[o]! << 8) | pkt[o + 1]!;
  if (type === 0x8100 && pkt.length >= o + 6) {
    const tci = (pkt[o + 2]! << 8) | pkt[o + 3]!;
    k.dl_vlan = tci & 0xfff;
    k.dl_vlan_pcp = tci >> 13;
    o += 4;
    type = (pkt[o]! << 8) | pkt[o + 1]!;
  }
  k.dl_type = type;
  o += 2;
  const u32 = (i: number) => ((pkt[i]! << 24) | (pkt[i + 1]! << 16) | (pkt[i + 2]! << 8) | pkt[i + 3]!) >>> 0;
  if (type === 0x0800 && pkt.length >= o + 20) {
    const ihl = (pkt[o]! & 0xf) * 4;
    k.nw_tos = pkt[o + 1]! & 0xfc;
    k.nw_proto = pkt[o + 9]!;
    k.nw_src = u32(o + 12);
    k.nw_dst = u32(o + 16);
    const t = o + ihl;
    const frag = ((pkt[o + 6]! & 0x1f) << 8) | pkt[o + 7]!;
    if (frag === 0 && pkt.length >= t + 4) {
      if (k.nw_proto === 6 || k.nw_proto === 17 || k.nw_proto === 132) {
        k.tp_src = (pkt[t]! << 8) | pkt[t + 1]!;
        k.tp_dst = (pkt[t + 2]! << 8) | pkt[t + 3]!;
      } else if (k.nw_proto === 1) {
        k.tp_src = pkt[t]!;
        k.tp_dst = pkt[t + 1]!;
      }
    }
  } else if (type === 0x0806 && pkt.length >= o + 28) {
    k.nw_proto = pkt[o + 7]!; // low byte of the opcode
    k.nw_src = u32(o + 14);
    k.nw_dst = u32(o + 24);
  }
  return k;
}

function ipIn(v: number, [addr, plen]: [number, number]): boolean {
  if (plen === 0) return true;
  const mask = plen >= 32 ? 0xffffffff : (~0 << (32 - plen)) >>> 0;
  return ((v & mask) >>> 0) === ((addr & mask) >>> 0);
}

/** classifier: does `m` match the packet's key */
export function flowMatches(m: OfpMatch, k: FlowKey): boolean {
  if (m.in_port !== undefined && m.in_port !== k.in_port) return false;
  if (m.dl_src !== undefined && m.dl_src !== k.dl_src) return false;
  if (m.dl_dst !== undefined && m.dl_dst !== k.dl_dst) return false;
  if (m.dl_vlan !== undefined && m.dl_vlan !== k.dl_vlan) return false;
  if (m.dl_vlan_pcp !== undefined && (k.dl_vlan === 0xffff || m.dl_vlan_pcp !== k.dl_vlan_pcp)) return false;
  if (m.dl_type !== undefined && m.dl_type !== k.dl_type) return false;
  if (m.nw_src !== undefined && !ipIn(k.nw_src, m.nw_src)) return false;
  if (m.nw_dst !== undefined && !ipIn(k.nw_dst, m.nw_dst)) return false;
  if (m.nw_proto !== undefined && m.nw_proto !== k.nw_proto) return false;
  if (m.nw_tos !== undefined && m.nw_tos !== k.nw_tos) return false;
  if (m.tp_src !== undefined && m.tp_src !== k.tp_src) return false;
  if (m.tp_dst !== undefined && m.tp_dst !== k.tp_dst) return false;
  return true;
}

const MATCH_KEYS = ["in_port", "dl_src", "dl_dst", "dl_vlan", "dl_vlan_pcp", "dl_type", "nw_src", "nw_dst", "nw_proto", "nw_tos", "tp_src", "tp_dst"] as const;

function fieldEq(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function matchEqual(a: OfpMatch, b: OfpMatch): boolean {
  return MATCH_KEYS.every((f) => fieldEq(a[f], b[f]));
}

/** non-strict flow_mod/dump: `filter` is equal to or less specific than `m` */
export function matchCovers(filter: OfpMatch, m: OfpMatch): boolean {
  return MATCH_KEYS.every((f) => {
    if (filter[f] === undefined) return true;
    if (m[f] === undefined) return false;
    if (f === "nw_src" || f === "nw_dst") {
      const [fa, fl] = filter[f]!;
      const [ma, ml] = m[f]!;
      return ml >= fl && ipIn(ma, [fa, fl]);
    }
    return fieldEq(filter[f], m[f]);
  });
}

// -------------------------------------------------------------------- VLAN header edits

/** remove an 802.1Q header (pop_vlan) */
export function vlanStrip(pkt: Uint8Array): Uint8Array {
  if (!(pkt.length >= 18 && pkt[12] === 0x81 && pkt[13] === 0x00)) return pkt;
  const out = new Uint8Array(pkt.length - 4);
  out.set(pkt.subarray(0, 12), 0);
  out.set(pkt.subarray(16), 12);
  return out;
}

/** set the VID/PCP, pushing a header if the frame has none (mod_vlan_vid / mod_vlan_pcp) */
export function vlanSet(pkt: Uint8Array, vid: number | undefined, pcp: number | undefined): Uint8Array {
  let out = pkt;
  if (!(pkt.length >= 18 && pkt[12] === 0x81 && pkt[13] === 0x00)) {
    out = new Uint8Array(pkt.length + 4);
    out.set(pkt.subarray(0, 12), 0);
    out[12] = 0x81;
    out[13] = 0x00;
    out.set(pkt.subarray(12), 16);
  } else out = pkt.slice();
  let tci = (out[14]! << 8) | out[15]!;
  if (vid !== undefined) tci = (tci & 0xf000) | (vid & 0xfff);
  if (pcp !== undefined) tci = (tci & 0x1fff) | ((pcp & 7) << 13);
  out[14] = tci >> 8;
  out[15] = tci & 0xff;
  return out;
}

export { OFPP_LOCAL };
