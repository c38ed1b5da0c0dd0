/**
 * net/bridge/br_mdb.c with net/core/rtnetlink.c's rtnl_mdb_add/del: the bridge's multicast
 * database over netlink (PF_BRIDGE RTM_GETMDB / RTM_NEWMDB / RTM_DELMDB): a dump of every
 * bridge's groups (the bridge's own membership first, then each port's, newest group first)
 * and `bridge mdb add|del` of (*, G) entries, for a port or the bridge itself.
 */
import type { Net } from "../core/net_namespace.ts";
import { type KErr, kerr } from "../uapi/errno.ts";
import {
  AF_BRIDGE, MDB_PERMANENT, MDB_TEMPORARY, type BrMdbEntry, type MdbEntryInfo, type MdbMsg, type RtnlMsg, RTNLGRP_MDB,
} from "../uapi/rtnetlink.ts";
import { ETH_P_IP, ETH_P_IPV6 } from "../uapi/if.ts";
import { brFromDev, brPortGet, BR_STATE_DISABLED, type NetBridge } from "./br_private.ts";
import {
  brMdbGet, brMulticastDelPg, brMulticastHostJoin, brMulticastPgRefresh, brMulticastHostLeave, brMulticastNewGroup, brMulticastNewPortGroup,
  MDB_PG_FLAGS_PERMANENT, type MdbEntry, type MdbPortGroup,
} from "./br_multicast.ts";
import { rtnlHasListeners, rtnlNotify } from "../core/rtnl_notify.ts";
import { brTimerValue } from "./br_stp.ts";
import { netDevs } from "./br_compat.ts";

const RTPROT_STATIC = 4;
const VLAN_VID_MASK = 0x0fff;

/** br_mdb_fill_info() + __mdb_fill_info(): the entries of one bridge */
function brMdbFillInfo(br: NetBridge): MdbEntryInfo[] {
  const out: MdbEntryInfo[] = [];
  const addr = (mp: MdbEntry) => ({ proto: mp.proto, addr: mp.addr.slice() });
  for (const mp of [...br.mdb.values()].reverse()) {
    if (mp.hostJoined) {
      out.push({ ifindex: br.dev.ifindex, state: MDB_TEMPORARY, flags: 0, vid: 0, addr: addr(mp), timer: brTimerValue(br, mp.timer) });
    }
    for (const pg of mp.ports) {
      out.push({
        ifindex: pg.port.dev.ifindex, state: pg.flags & MDB_PG_FLAGS_PERMANENT ? MDB_PERMANENT : MDB_TEMPORARY, flags: 0, vid: 0,
        addr: addr(mp), timer: brTimerValue(br, pg.timer), rtprot: pg.rtprot,
      });
    }
  }
  return out;
}

/** br_mdb_dump(): one RTM_NEWMDB per bridge, its groups and (none here: no querier is ever
 * heard) router ports */
export function brMdbDump(net: Net, _req: RtnlMsg): RtnlMsg[] {
  const out: RtnlMsg[] = [];
  for (const dev of netDevs(net)) {
    const br = brFromDev(dev);
    if (!br) continue;
    out.push({ type: "RTM_NEWMDB", flags: {}, bpm: { family: AF_BRIDGE, ifindex: dev.ifindex }, attrs: { MDBA_MDB: brMdbFillInfo(br), MDBA_ROUTER: [] } });
  }
  return out;
}

/** br_mdb_notify(): a group of a port (or, without pg, the bridge's own membership) added or
 * deleted, to RTNLGRP_MDB (`bridge monitor mdb`) */
export function brMdbNotify(br: NetBridge, mp: MdbEntry, pg: MdbPortGroup | undefined, type: "RTM_NEWMDB" | "RTM_DELMDB"): void {
  const net = br.dev.net;
  if (!net || !rtnlHasListeners(net, RTNLGRP_MDB)) return;
  const addr = { proto: mp.proto, addr: mp.addr.slice() };
  const e: MdbEntryInfo = pg
    ? {
      ifindex: pg.port.dev.ifindex, state: pg.flags & MDB_PG_FLAGS_PERMANENT ? MDB_PERMANENT : MDB_TEMPORARY, flags: 0, vid: 0,
      addr, timer: brTimerValue(br, pg.timer), rtprot: pg.rtprot,
    }
    : { ifindex: br.dev.ifindex, state: MDB_TEMPORARY, flags: 0, vid: 0, addr, timer: brTimerValue(br, mp.timer) };
  rtnlNotify(net, RTNLGRP_MDB, { type, flags: {}, bpm: { family: AF_BRIDGE, ifindex: br.dev.ifindex }, attrs: { MDBA_MDB: [e] } });
}

const isLlAllNodes = (a: Uint8Array): boolean => a[0] === 0xff && a[1] === 0x02 && a.subarray(2, 15).every((x) => !x) && a[15] === 1;

/** net/core/rtnetlink.c: rtnl_validate_mdb_entry() (the MDBA_SET_ENTRY policy) */
function rtnlValidateMdbEntry(e: BrMdbEntry | undefined): KErr | undefined {
  if (!e) return kerr("EINVAL", "Missing MDBA_SET_ENTRY attribute");
  if (e.ifindex === 0) return kerr("EINVAL", "Zero entry ifindex is not allowed");
  const a = e.addr.addr;
  if (e.addr.proto === ETH_P_IP) {
    const multicast = (a[0]! & 0xf0) === 0xe0;
    if (!multicast && a[0] !== 0) return kerr("EINVAL", "IPv4 entry group address is not multicast or 0.0.0.0");
    if (a[0] === 224 && a[1] === 0 && a[2] === 0) return kerr("EINVAL", "IPv4 entry group address is local multicast");
  } else if (e.addr.proto === ETH_P_IPV6) {
    if (isLlAllNodes(a)) return kerr("EINVAL", "IPv6 entry group address is link-local all nodes");
  } else if (e.addr.proto === 0) {
    if (!(a[0]! & 1)) return kerr("EINVAL", "L2 entry group is not multicast");
  } else return kerr("EINVAL", "Unknown entry protocol");
  if (e.state !== MDB_PERMANENT && e.state !== MDB_TEMPORARY) return kerr("EINVAL", "Unknown entry state");
  if (e.vid >= VLAN_VID_MASK) return kerr("EINVAL", "Invalid entry VLAN id");
  return undefined;
}

type MdbConfig = { br: NetBridge; entry: BrMdbEntry; port: ReturnType<typeof brPortGet> };

/** rtnl_mdb_add/del()'s checks, then br_mdb_config_init() */
function mdbConfig(net: Net, req: RtnlMsg): MdbConfig | KErr {
  if (!("bpm" in req)) return kerr("EINVAL");
  const m = req as MdbMsg;
  const entry = m.attrs.MDBA_SET_ENTRY;
  const bad = rtnlValidateMdbEntry(entry);
  if (bad) return bad;
  if (!m.bpm.ifindex) return kerr("EINVAL", "Invalid ifindex");
  const dev = net.devByIndex.get(m.bpm.ifindex);
  if (!dev) return kerr("ENODEV", "Device doesn't exist");
  const br = brFromDev(dev);
  if (!br) return kerr("EOPNOTSUPP", "Device does not support MDB operations");
  if (!br.dev.isUp()) return kerr("EINVAL", "bridge: Bridge device is not running");
  if (!br.multicastSnooping) return kerr("EINVAL", "bridge: Bridge's multicast processing is disabled");
  let port: MdbConfig["port"];
  if (entry!.ifindex !== br.dev.ifindex) {
    const pdev = net.devByIndex.get(entry!.ifindex);
    if (!pdev) return kerr("ENODEV", "bridge: Port net device doesn't exist");
    port = brPortGet(pdev);
    if (!port) return kerr("EINVAL", "bridge: Net device is not a bridge port");
    if (port.br !== br) return kerr("EINVAL", "bridge: Port belongs to a different bridge device");
  }
  if (entry!.addr.proto === ETH_P_IP && entry!.addr.addr.every((x) => !x)) return kerr("EINVAL", "bridge: IPv4 entry group address 0.0.0.0 is not allowed");
  // br_mdb_config_attrs_init(): (S, G) entries and source lists are not modelled
  if (m.attrs.MDBA_SET_ENTRY_ATTRS) return kerr("EOPNOTSUPP", "bridge: (S, G) entries are not modelled");
  return { br, entry: entry!, port };
}

/** rtnl_mdb_add() -> br_mdb_add() -> __br_mdb_add(): a (*, G) membership of a port (static,
 * permanent or timed) or of the bridge itself */
export function brMdbAdd(net: Net, req: RtnlMsg): KErr | undefined {
  const cfg = mdbConfig(net, req);
  if ("errno" in cfg) return cfg;
  const { br, entry, port } = cfg;
  const l2 = entry.addr.proto === 0;
  if (!port && !l2 && entry.state) return kerr("EINVAL", "bridge: Flags are not allowed for host groups");
  if (l2 && entry.state !== MDB_PERMANENT) return kerr("EINVAL", "bridge: Only permanent L2 entries allowed");
  if (port && port.state === BR_STATE_DISABLED && entry.state !== MDB_PERMANENT) {
    return kerr("EINVAL", "bridge: Port is in disabled state and entry is not permanent");
  }
  const mp = brMulticastNewGroup(br, entry.addr.proto, entry.addr.addr);
  if (!mp) return kerr("E2BIG");
  if (!port) {
    if (mp.hostJoined) return kerr("EEXIST", "bridge: Group is already joined by host");
    brMulticastHostJoin(br, mp);
    brMdbNotify(br, mp, undefined, "RTM_NEWMDB");
    return undefined;
  }
  if (mp.ports.some((pg) => pg.port === port)) return kerr("EEXIST", "bridge: (*, G) group is already joined by port");
  const permanent = entry.state === MDB_PERMANENT;
  const pg = brMulticastNewPortGroup(br, mp, port, permanent ? MDB_PG_FLAGS_PERMANENT : 0, RTPROT_STATIC);
  if (!permanent) brMulticastPgRefresh(br, pg);
  brMdbNotify(br, mp, pg, "RTM_NEWMDB");
  return undefined;
}

/** rtnl_mdb_del() -> br_mdb_del() -> __br_mdb_del(): EINVAL when there is no such membership */
export function brMdbDel(net: Net, req: RtnlMsg): KErr | undefined {
  const cfg = mdbConfig(net, req);
  if ("errno" in cfg) return cfg;
  const { br, entry } = cfg;
  const mp = brMdbGet(br, entry.addr.proto, entry.addr.addr);
  if (!mp) return kerr("EINVAL");
  if (entry.ifindex === br.dev.ifindex && mp.hostJoined) {
    brMulticastHostLeave(br, mp);
    brMdbNotify(br, mp, undefined, "RTM_DELMDB");
    return undefined;
  }
  const pg = mp.ports.find((g) => g.port.dev.ifindex === entry.ifindex);
  if (!pg) return kerr("EINVAL");
  brMulticastDelPg(br, mp, pg);
  return undefined;
}
