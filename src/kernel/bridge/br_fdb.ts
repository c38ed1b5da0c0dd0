/**
 * net/bridge/br_fdb.c: the forwarding database — learning, local entries, user entries and
 * ageing with ONE gc timer per bridge re-armed to the earliest expiry (br_fdb_cleanup).
 */
import { netPrintk, netScheduler } from "./br_compat.ts";
import { fdbNotify } from "./br_netlink.ts";
import { brVlanFind, brVlanShouldUse, brVlanUsedVids } from "./br_vlan.ts";

/** net_ratelimit(): 10 messages per 5 s (here per bridge) */
const rl = new WeakMap<NetBridge, { begin: number; printed: number }>();
function netRatelimit(br: NetBridge): boolean {
  const t = now(br);
  let s = rl.get(br);
  if (!s || t - s.begin >= 5 * SEC) {
    s = { begin: t, printed: 0 };
    rl.set(br, s);
  }
  return s.printed++ < 10;
}
import {
  BR_FDB_ADDED_BY_USER, BR_FDB_LOCAL, BR_FDB_STATIC, BR_FDB_STICKY, type FdbEntry, isValidEther, macEqual, macKey,
  type NetBridge, type NetBridgePort, SEC,
} from "./br_private.ts";

function now(br: NetBridge): number {
  return netScheduler(br.dev.net).now;
}

/** hold_time() */
export function holdTime(br: NetBridge): number {
  return br.topologyChange ? br.forwardDelay : br.ageingTime;
}

/** has_expired() */
function hasExpired(br: NetBridge, f: FdbEntry): boolean {
  return !(f.flags & BR_FDB_STATIC) && f.updated + holdTime(br) <= now(br);
}

/** br_fdb_find() */
export function brFdbFind(br: NetBridge, addr: Uint8Array, vid: number): FdbEntry | undefined {
  return br.fdb.get(macKey(addr, vid));
}

/** fdb_create() */
function fdbCreate(br: NetBridge, source: NetBridgePort | undefined, addr: Uint8Array, vid: number, flags: number): FdbEntry {
  const t = now(br);
  const f: FdbEntry = { addr: addr.slice(0, 6), vid, dst: source, flags, updated: t, used: t };
  br.fdb.set(macKey(addr, vid), f);
  return f;
}

/** fdb_delete() */
export function fdbDelete(br: NetBridge, f: FdbEntry): void {
  fdbNotify(br, f, "RTM_DELNEIGH");
  br.fdb.delete(macKey(f.addr, f.vid));
}

/** fdb_add_local() */
export function fdbAddLocal(br: NetBridge, source: NetBridgePort | undefined, addr: Uint8Array, vid: number): number {
  if (!isValidEther(addr)) return -22;
  const f = brFdbFind(br, addr, vid);
  if (f) {
    if (f.flags & BR_FDB_LOCAL) return 0;
    fdbDelete(br, f);
  }
  fdbNotify(br, fdbCreate(br, source, addr, vid, BR_FDB_LOCAL | BR_FDB_STATIC), "RTM_NEWNEIGH");
  return 0;
}

/** fdb_delete_local(): a local address another port (or the bridge) still owns moves there,
 * if that one has the entry's vlan */
export function fdbDeleteLocal(br: NetBridge, p: NetBridgePort | undefined, f: FdbEntry): void {
  const vid = f.vid;
  for (const op of br.ports) {
    if (op !== p && macEqual(op.dev.devAddr, f.addr) && (!vid || brVlanFind(op.vlgrp, vid))) {
      f.dst = op;
      f.flags &= ~BR_FDB_ADDED_BY_USER;
      return;
    }
  }
  const v = brVlanFind(br.vlgrp, vid);
  if (p && macEqual(br.dev.devAddr, f.addr) && (!vid || (v && brVlanShouldUse(v)))) {
    f.dst = undefined;
    f.flags &= ~BR_FDB_ADDED_BY_USER;
    return;
  }
  fdbDelete(br, f);
}

/** br_fdb_changeaddr(): a port's MAC changed (its entry per vlan too: without vlans the
 * first local entry of the port found is moved, with them every one; then one is added for
 * vid 0 and each of its vlans) */
export function brFdbChangeaddr(p: NetBridgePort, oldAddr: Uint8Array, newAddr: Uint8Array): void {
  const br = p.br;
  for (const f of [...br.fdb.values()]) {
    if (f.dst === p && f.flags & BR_FDB_LOCAL && !(f.flags & BR_FDB_ADDED_BY_USER) && macEqual(f.addr, oldAddr)) {
      fdbDeleteLocal(br, p, f);
      // a port with vlans has one such entry per vlan: all go
      if (!p.vlgrp?.numVlans) break;
    }
  }
  fdbAddLocal(br, p, newAddr, 0);
  for (const vid of brVlanUsedVids(p.vlgrp)) fdbAddLocal(br, p, newAddr, vid);
}

/** br_fdb_change_mac_address(): the bridge's own MAC changed (and its entry per vlan) */
export function brFdbChangeMacAddress(br: NetBridge, oldAddr: Uint8Array, newAddr: Uint8Array): void {
  const f = brFdbFind(br, oldAddr, 0);
  if (f && f.flags & BR_FDB_LOCAL && !f.dst && !(f.flags & BR_FDB_ADDED_BY_USER)) fdbDeleteLocal(br, undefined, f);
  fdbAddLocal(br, undefined, newAddr, 0);
  for (const vid of brVlanUsedVids(br.vlgrp)) {
    const g = brFdbFind(br, oldAddr, vid);
    if (g && g.flags & BR_FDB_LOCAL && !g.dst && !(g.flags & BR_FDB_ADDED_BY_USER)) fdbDeleteLocal(br, undefined, g);
    fdbAddLocal(br, undefined, newAddr, vid);
  }
}

/** br_fdb_delete_by_port(): do_all also removes static/local entries (port removal) */
export function brFdbDeleteByPort(br: NetBridge, p: NetBridgePort | undefined, vid: number, doAll: boolean): void {
  for (const f of [...br.fdb.values()]) {
    if (f.dst !== p) continue;
    if (!doAll && (f.flags & BR_FDB_STATIC || (f.flags & BR_FDB_ADDED_BY_USER))) continue;
    if (vid && vid !== f.vid) continue;
    if (f.flags & BR_FDB_LOCAL) fdbDeleteLocal(br, p, f);
    else fdbDelete(br, f);
  }
}

/** br_fdb_flush() */
export function brFdbFlush(br: NetBridge): void {
  for (const f of [...br.fdb.values()]) if (!(f.flags & BR_FDB_STATIC)) fdbDelete(br, f);
}

/** br_fdb_update(): learning */
export function brFdbUpdate(br: NetBridge, source: NetBridgePort, addr: Uint8Array, vid: number): void {
  if (holdTime(br) === 0) return;
  const f = brFdbFind(br, addr, vid);
  if (f) {
    if (f.flags & BR_FDB_LOCAL) {
      if (netRatelimit(br)) {
        const mac = [...addr].map((b) => (b | 0x100).toString(16).slice(1)).join(":");
        netPrintk(br.dev.net, `${br.dev.name}: received packet on ${source.dev.name} with own address as source address (addr:${mac}, vlan:${vid})`);
      }
      return;
    }
    if (f.flags & BR_FDB_STICKY && f.dst !== source) return;
    const t = now(br);
    if (t !== f.updated) f.updated = t;
    if (f.dst !== source) {
      f.dst = source;
      fdbNotify(br, f, "RTM_NEWNEIGH");
    }
    return;
  }
  fdbNotify(br, fdbCreate(br, source, addr, vid, 0), "RTM_NEWNEIGH");
}

/** br_fdb_cleanup(): the gc work; re-armed to the earliest expiry */
export function brFdbCleanup(br: NetBridge): void {
  const delay = holdTime(br);
  let workDelay = delay;
  const t = now(br);
  for (const f of [...br.fdb.values()]) {
    if (f.flags & BR_FDB_STATIC) continue;
    const thisTimer = f.updated + delay;
    if (thisTimer > t) workDelay = Math.min(workDelay, thisTimer - t);
    else fdbDelete(br, f);
  }
  br.gcTimer.mod(t + Math.max(workDelay, SEC / 100));
}

/** __br_fdb_get() for forwarding: an expired entry is a miss */
export function brFdbGet(br: NetBridge, addr: Uint8Array, vid: number): FdbEntry | undefined {
  const f = brFdbFind(br, addr, vid);
  if (!f || hasExpired(br, f)) return undefined;
  return f;
}

/** fdb_add_entry(): bridge fdb add … [permanent|static|dynamic] [sticky] */
export function fdbAddEntry(
  br: NetBridge, source: NetBridgePort | undefined, addr: Uint8Array, vid: number,
  state: "permanent" | "static" | "dynamic", sticky: boolean, create: boolean, excl: boolean, _replace: boolean,
): "EEXIST" | "ENOENT" | undefined {
  let f = brFdbFind(br, addr, vid);
  let modified = false;
  if (!f) {
    if (!create) return "ENOENT";
    f = fdbCreate(br, source, addr, vid, 0);
    modified = true;
  } else {
    if (excl) return "EEXIST";
    if (f.dst !== source) {
      f.dst = source;
      modified = true;
    }
  }
  const cur = f.flags & BR_FDB_LOCAL ? "permanent" : f.flags & BR_FDB_STATIC ? "static" : "dynamic";
  if (cur !== state) {
    f.flags &= ~(BR_FDB_LOCAL | BR_FDB_STATIC);
    if (state === "permanent") f.flags |= BR_FDB_LOCAL | BR_FDB_STATIC;
    else if (state === "static") f.flags |= BR_FDB_STATIC;
    modified = true;
  }
  if (sticky !== ((f.flags & BR_FDB_STICKY) !== 0)) {
    f.flags ^= BR_FDB_STICKY;
    modified = true;
  }
  f.flags |= BR_FDB_ADDED_BY_USER;
  f.used = now(br);
  if (modified) {
    f.updated = f.used;
    fdbNotify(br, f, "RTM_NEWNEIGH");
  }
  return undefined;
}

/** br_fdb_delete() for one (addr, vid) on a port or the bridge */
export function fdbDeleteByAddr(br: NetBridge, p: NetBridgePort | undefined, addr: Uint8Array, vid: number): boolean {
  const f = brFdbFind(br, addr, vid);
  if (!f || f.dst !== p) return false;
  fdbDelete(br, f);
  return true;
}

/** the entries newest first, as br_fdb_dump() walks fdb_list */
export function fdbListNewestFirst(br: NetBridge): FdbEntry[] {
  return [...br.fdb.values()].reverse();
}
