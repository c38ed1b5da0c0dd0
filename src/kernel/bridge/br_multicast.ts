/**
 * net/bridge/br_multicast.c, the part this model keeps: with snooping on, an open bridge joins
 * the multicast router discovery groups (br_multicast_join_snoopers: 224.0.0.106 and ff02::6a),
 * which puts 01:00:5e:00:00:6a and 33:33:00:00:00:6a on the bridge's multicast list (shown
 * by `bridge fdb show` as `self permanent`). br_multicast_rcv() checks IGMP and MLD messages
 * (ip_mc_check_igmp, ipv6_mc_check_mld: a broken one is dropped) and, with
 * mcast_stats_enabled, counts them per bridge and port (`ip link xstats type bridge`). No mdb:
 * multicast is flooded.
 */
import { brMdbNotify } from "./br_mdb.ts";
import { BrInputCb, type SkBuff } from "../core/skbuff.ts";
import type { NetBridgePort, BrMcastStats } from "./br_private.ts";
import { BR_MULTICAST_FAST_LEAVE, BR_STATE_DISABLED } from "./br_private.ts";
import type { Timer } from "../../sim/scheduler.ts";
import { USEC_PER_SEC } from "../../sim/scheduler.ts";
import { netScheduler } from "./br_compat.ts";
import { ETH_P_IP, ETH_P_IPV6 } from "../uapi/if.ts";
import { ipComputeCsum } from "../../wire/checksum.ts";
import { icmpv6Csum } from "../ipv6/ip6_output.ts";
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

export const BR_MCAST_DIR_RX = 0;
export const BR_MCAST_DIR_TX = 1;

const IPPROTO_IGMP = 2;
const IPPROTO_ICMPV6 = 58;
/** IGMP and MLD message types */
const IGMP_HOST_MEMBERSHIP_QUERY = 0x11;
const IGMP_HOST_MEMBERSHIP_REPORT = 0x12;
const IGMPV2_HOST_MEMBERSHIP_REPORT = 0x16;
const IGMP_HOST_LEAVE_MESSAGE = 0x17;
const IGMPV3_HOST_MEMBERSHIP_REPORT = 0x22;
const ICMPV6_MGM_QUERY = 130;
const ICMPV6_MGM_REPORT = 131;
const ICMPV6_MGM_REDUCTION = 132;
const ICMPV6_MLD2_REPORT = 143;
const EINVAL = -22;
const ENOMSG = -42;

/**
 * net/ipv4/igmp.c: ip_mc_check_igmp() over the IPv4 packet at `o`: the IGMP type of a sane
 * message, ENOMSG for a packet that is not IGMP (or an unknown type), EINVAL for a broken one.
 */
function ipMcCheckIgmp(b: Uint8Array, o: number, end: number): number {
  if (end - o < 20 || b[o]! >> 4 !== 4) return EINVAL;
  const ihl = (b[o]! & 0xf) * 4;
  if (ihl < 20 || end - o < ihl || ipComputeCsum(b, o, ihl) !== 0) return EINVAL;
  const totLen = (b[o + 2]! << 8) | b[o + 3]!;
  if (end - o < totLen || totLen < ihl) return EINVAL;
  if (b[o + 9] !== IPPROTO_IGMP) return ENOMSG;
  const t = o + ihl;
  const tlen = totLen - ihl;
  if (tlen < 8 || ipComputeCsum(b, t, tlen) !== 0) return EINVAL;
  const type = b[t]!;
  switch (type) {
    case IGMP_HOST_LEAVE_MESSAGE:
    case IGMP_HOST_MEMBERSHIP_REPORT:
    case IGMPV2_HOST_MEMBERSHIP_REPORT:
      return type;
    case IGMPV3_HOST_MEMBERSHIP_REPORT:
      return tlen >= 8 ? type : EINVAL;
    case IGMP_HOST_MEMBERSHIP_QUERY: {
      if (tlen !== 8 && tlen < 12) return EINVAL;
      // a general query (group 0) goes to 224.0.0.1
      const group = ((b[t + 4]! << 24) | (b[t + 5]! << 16) | (b[t + 6]! << 8) | b[t + 7]!) >>> 0;
      const daddr = ((b[o + 16]! << 24) | (b[o + 17]! << 16) | (b[o + 18]! << 8) | b[o + 19]!) >>> 0;
      if (!group && daddr !== 0xe0000001) return EINVAL;
      return type;
    }
    default:
      return ENOMSG;
  }
}

/**
 * net/ipv6/mcast_snoop.c: ipv6_mc_check_mld() over the IPv6 packet at `o`: an MLD message
 * comes after a hop-by-hop header; ENOMSG for anything else (ENODATA, another ICMPv6 type,
 * reads the same here), EINVAL for a broken one.
 */
function ipv6McCheckMld(b: Uint8Array, o: number, end: number): number {
  if (end - o < 40 || b[o]! >> 4 !== 6) return EINVAL;
  const plen = (b[o + 4]! << 8) | b[o + 5]!;
  const last = o + 40 + plen;
  if (end < last || plen === 0) return EINVAL;
  if (b[o + 6] !== 0) return ENOMSG; // not IPPROTO_HOPOPTS
  let nh = 0;
  let off = o + 40;
  // ipv6_skip_exthdr()
  while (nh === 0 || nh === 43 || nh === 60 || nh === 44) {
    if (off + 8 > last) return EINVAL;
    const next = b[off]!;
    off += nh === 44 ? 8 : (b[off + 1]! + 1) * 8;
    nh = next;
  }
  if (nh !== IPPROTO_ICMPV6) return ENOMSG;
  const tlen = last - off;
  if (tlen < 4 || icmpv6Csum(b, off, tlen, b.subarray(o + 8, o + 24), b.subarray(o + 24, o + 40)) !== 0xffff) return EINVAL;
  if (tlen < 24) return ENOMSG; // sizeof(struct mld_msg): -ENODATA
  const type = b[off]!;
  switch (type) {
    case ICMPV6_MGM_REDUCTION:
    case ICMPV6_MGM_REPORT:
      return type;
    case ICMPV6_MLD2_REPORT:
      return tlen >= 8 ? type : EINVAL;
    case ICMPV6_MGM_QUERY: {
      // link-local source; an MLDv2 query is at least 28 bytes; a general one goes to ff02::1
      if (b[o + 8] !== 0xfe || (b[o + 9]! & 0xc0) !== 0x80) return EINVAL;
      if (tlen !== 24 && tlen < 28) return EINVAL;
      let any = true;
      for (let i = 0; i < 16; i++) if (b[off + 8 + i]) any = false;
      let allNodes = b[o + 24] === 0xff && b[o + 25] === 0x02 && b[o + 39] === 1;
      for (let i = 26; i < 39; i++) if (b[o + i]) allNodes = false;
      if (any && !allNodes) return EINVAL;
      return type;
    }
    default:
      return ENOMSG;
  }
}

/**
 * br_multicast_rcv() with snooping on: note the IGMP/MLD type in the skb's control block
 * (br_multicast_igmp_type) and count it received on the port (or on the bridge, for what the
 * bridge itself sends: br_dev_xmit passes no port). A broken message is an error: the caller
 * drops the frame. skb.data is at the network header.
 */
export function brMulticastRcv(br: NetBridge, p: NetBridgePort | undefined, skb: SkBuff): number {
  const cb = (skb.brInputCb ??= new BrInputCb(undefined, false, false));
  cb.igmp = 0;
  if (!br.multicastSnooping) return 0;
  const v4 = skb.protocol === ETH_P_IP;
  if (!v4 && skb.protocol !== ETH_P_IPV6) return 0;
  const r = v4 ? ipMcCheckIgmp(skb.buf, skb.data, skb.tail) : ipv6McCheckMld(skb.buf, skb.data, skb.tail);
  if (r === ENOMSG) return 0;
  if (r < 0) {
    // br_multicast_err_count()
    if (br.multicastStatsEnabled) {
      const st = p ? p.mcastStats : br.mcastStats;
      if (v4) st.igmpParseErrors++;
      else st.mldParseErrors++;
    }
    return r;
  }
  cb.igmp = r;
  if (v4) brIp4MulticastLearn(br, p, skb.buf, skb.data, r);
  else brIp6MulticastLearn(br, p, skb.buf, skb.data, r);
  brMulticastCount(br, p, skb, BR_MCAST_DIR_RX);
  return 0;
}

/** br_multicast_count() -> br_mcast_stats_add(): an IGMP/MLD message (the type
 * br_multicast_rcv noted) in direction `dir` on port `p` or the bridge */
export function brMulticastCount(br: NetBridge, p: NetBridgePort | undefined, skb: SkBuff, dir: number): void {
  const type = skb.brInputCb?.igmp;
  if (!type || !br.multicastStatsEnabled) return;
  const st: BrMcastStats = p ? p.mcastStats : br.mcastStats;
  const b = skb.buf;
  const o = skb.data; // the network header (the bridge works on pulled frames)
  if (skb.protocol === ETH_P_IP) {
    switch (type) {
      case IGMP_HOST_MEMBERSHIP_REPORT: st.igmpV1reports[dir]++; break;
      case IGMPV2_HOST_MEMBERSHIP_REPORT: st.igmpV2reports[dir]++; break;
      case IGMPV3_HOST_MEMBERSHIP_REPORT: st.igmpV3reports[dir]++; break;
      case IGMP_HOST_LEAVE_MESSAGE: st.igmpLeaves[dir]++; break;
      case IGMP_HOST_MEMBERSHIP_QUERY: {
        const ihl = (b[o]! & 0xf) * 4;
        const tlen = ((b[o + 2]! << 8) | b[o + 3]!) - ihl;
        if (tlen !== 8) st.igmpV3queries[dir]++;
        else if (!b[o + ihl + 1]) st.igmpV1queries[dir]++;
        else st.igmpV2queries[dir]++;
        break;
      }
    }
  } else if (skb.protocol === ETH_P_IPV6) {
    switch (type) {
      case ICMPV6_MGM_REPORT: st.mldV1reports[dir]++; break;
      case ICMPV6_MLD2_REPORT: st.mldV2reports[dir]++; break;
      case ICMPV6_MGM_REDUCTION: st.mldLeaves[dir]++; break;
      case ICMPV6_MGM_QUERY: {
        // the MLD message's length: what follows the extension headers
        const plen = (b[o + 4]! << 8) | b[o + 5]!;
        const hbh = (b[o + 41]! + 1) * 8;
        if (plen - hbh !== 24) st.mldV2queries[dir]++;
        else st.mldV1queries[dir]++;
        break;
      }
    }
  }
}

// ------------------------------------------------------------------------------ the mdb

/** multicast_membership_interval (2 * 125 s query interval + 10 s response) and
 * multicast_last_member_count * multicast_last_member_interval, the bridge's defaults */
const MEMBERSHIP_INTERVAL = 260 * USEC_PER_SEC;
const LAST_MEMBER_TIME = 2 * USEC_PER_SEC;
/** MDB_PG_FLAGS_PERMANENT */
export const MDB_PG_FLAGS_PERMANENT = 1;
const RTPROT_KERNEL = 2;

/** struct net_bridge_port_group: a port's membership of a group */
export interface MdbPortGroup {
  port: NetBridgePort;
  flags: number;
  /** who made it: RTPROT_KERNEL (a report) or RTPROT_STATIC (bridge mdb add) */
  rtprot: number;
  timer: Timer;
}

/** struct net_bridge_mdb_entry: a group (IPv4 or IPv6, host order bytes), the bridge's own
 * membership (host_joined) and the ports' */
export interface MdbEntry {
  proto: number;
  addr: Uint8Array;
  hostJoined: boolean;
  timer: Timer;
  ports: MdbPortGroup[];
}

/** the mdb's key of a group: one character for the protocol, one per address byte (a lookup
 * for every report a bridge snoops: no join() of the bytes into a dotted string) */
function mdbKey(proto: number, addr: Uint8Array): string {
  const a = addr;
  if (a.length === 4) return String.fromCharCode(proto, a[0]!, a[1]!, a[2]!, a[3]!);
  if (a.length === 16) {
    return String.fromCharCode(proto, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!);
  }
  return String.fromCharCode(proto, ...a);
}

/** br_mdb_ip_get() */
export function brMdbGet(br: NetBridge, proto: number, addr: Uint8Array): MdbEntry | undefined {
  return br.mdb.get(mdbKey(proto, addr));
}

/** br_multicast_new_group() (or the existing one); a table already at hash_max turns
 * snooping off instead (E2BIG: undefined) */
export function brMulticastNewGroup(br: NetBridge, proto: number, addr: Uint8Array): MdbEntry | undefined {
  const key = mdbKey(proto, addr);
  let mp = br.mdb.get(key);
  if (mp) return mp;
  if (br.mdb.size >= br.hashMax) {
    br.multicastSnooping = 0;
    return undefined;
  }
  const sched = netScheduler(br.dev.net);
  const entry: MdbEntry = {
    proto, addr: addr.slice(), hostJoined: false, ports: [],
    timer: sched.timer(() => brMulticastGroupExpired(br, entry), "br_multicast_group_expired"),
  };
  br.mdb.set(key, (mp = entry));
  return mp;
}

/** br_multicast_del_mdb_entry() */
function brMulticastDelMdbEntry(br: NetBridge, mp: MdbEntry): void {
  mp.timer.cancel();
  br.mdb.delete(mdbKey(mp.proto, mp.addr));
}

/** br_multicast_group_expired(): the bridge's own membership ran out */
function brMulticastGroupExpired(br: NetBridge, mp: MdbEntry): void {
  if (!br.dev.isUp() || mp.timer.pending) return;
  mp.hostJoined = false;
  if (mp.ports.length) return;
  brMulticastDelMdbEntry(br, mp);
}

/** br_multicast_host_join() */
export function brMulticastHostJoin(br: NetBridge, mp: MdbEntry): void {
  mp.hostJoined = true;
  mp.timer.mod(netScheduler(br.dev.net).now + MEMBERSHIP_INTERVAL);
}

/** br_multicast_host_leave() */
export function brMulticastHostLeave(br: NetBridge, mp: MdbEntry): void {
  mp.hostJoined = false;
  if (!mp.ports.length && br.dev.isUp()) mp.timer.mod(netScheduler(br.dev.net).now);
}

/** br_multicast_new_port_group() linked in: the list is kept in descending port order
 * (the kernel sorts by the port structure's address) */
export function brMulticastNewPortGroup(br: NetBridge, mp: MdbEntry, port: NetBridgePort, flags: number, rtprot: number): MdbPortGroup {
  const sched = netScheduler(br.dev.net);
  const pg: MdbPortGroup = {
    port, flags, rtprot, timer: sched.timer(() => brMulticastPortGroupExpired(br, mp, pg), "br_multicast_port_group_expired"),
  };
  let i = 0;
  while (i < mp.ports.length && mp.ports[i]!.port.portNo > port.portNo) i++;
  mp.ports.splice(i, 0, pg);
  return pg;
}

/** br_multicast_del_pg(): a membership goes; an entry nobody is left in goes at once */
export function brMulticastDelPg(br: NetBridge, mp: MdbEntry, pg: MdbPortGroup): void {
  const i = mp.ports.indexOf(pg);
  if (i >= 0) mp.ports.splice(i, 1);
  brMdbNotify(br, mp, pg, "RTM_DELMDB");
  pg.timer.cancel();
  if (!mp.ports.length && !mp.hostJoined && br.dev.isUp()) mp.timer.mod(netScheduler(br.dev.net).now);
}

/** br_multicast_port_group_expired() */
function brMulticastPortGroupExpired(br: NetBridge, mp: MdbEntry, pg: MdbPortGroup): void {
  if (!br.dev.isUp() || pg.timer.pending || !mp.ports.includes(pg) || pg.flags & MDB_PG_FLAGS_PERMANENT) return;
  brMulticastDelPg(br, mp, pg);
}

/** br_multicast_add_group() for a report (IGMPv2 / MLDv1 mode: the bridge defaults) */
function brMulticastAddGroup(br: NetBridge, p: NetBridgePort | undefined, proto: number, addr: Uint8Array): void {
  if (!br.dev.isUp() || (p && p.state === BR_STATE_DISABLED)) return;
  const mp = brMulticastNewGroup(br, proto, addr);
  if (!mp) return;
  if (!p) {
    const joined = mp.hostJoined;
    brMulticastHostJoin(br, mp);
    if (!joined) brMdbNotify(br, mp, undefined, "RTM_NEWMDB");
    return;
  }
  let pg = mp.ports.find((g) => g.port === p);
  if (!pg) {
    pg = brMulticastNewPortGroup(br, mp, p, 0, RTPROT_KERNEL);
    brMdbNotify(br, mp, pg, "RTM_NEWMDB");
  }
  brMulticastPgRefresh(br, pg);
}

/** a membership heard again (or added): it lasts the membership interval from now */
export function brMulticastPgRefresh(br: NetBridge, pg: MdbPortGroup): void {
  pg.timer.mod(netScheduler(br.dev.net).now + MEMBERSHIP_INTERVAL);
}

/** __br_multicast_leave_group() with no querier anywhere: the membership ends after the
 * last member interval (at once on a fast-leave port) */
function brMulticastLeaveGroup(br: NetBridge, p: NetBridgePort | undefined, proto: number, addr: Uint8Array): void {
  if (!br.dev.isUp() || (p && p.state === BR_STATE_DISABLED)) return;
  const mp = brMdbGet(br, proto, addr);
  if (!mp) return;
  if (p && p.flags & BR_MULTICAST_FAST_LEAVE) {
    const pg = mp.ports.find((g) => g.port === p);
    if (pg && !(pg.flags & MDB_PG_FLAGS_PERMANENT)) brMulticastDelPg(br, mp, pg);
    return;
  }
  const time = netScheduler(br.dev.net).now + LAST_MEMBER_TIME;
  const shorten = (t: Timer): void => {
    if (!t.pending || t.when > time) t.mod(time);
  };
  if (!p) {
    if (mp.hostJoined) shorten(mp.timer);
    return;
  }
  const pg = mp.ports.find((g) => g.port === p);
  if (pg) shorten(pg.timer);
}

/** br_multicast_disable_port(): a port that goes down or is disabled loses its learned groups */
export function brMulticastDisablePort(p: NetBridgePort): void {
  for (const mp of [...p.br.mdb.values()]) {
    for (const pg of [...mp.ports]) if (pg.port === p && !(pg.flags & MDB_PG_FLAGS_PERMANENT)) brMulticastDelPg(p.br, mp, pg);
  }
}

/** br_multicast_del_port(): a port leaving the bridge loses all its groups */
export function brMulticastDelPort(p: NetBridgePort): void {
  for (const mp of [...p.br.mdb.values()]) for (const pg of [...mp.ports]) if (pg.port === p) brMulticastDelPg(p.br, mp, pg);
}

/** br_multicast_dev_del(): the bridge goes, and its groups with it */
export function brMulticastDevDel(br: NetBridge): void {
  for (const mp of br.mdb.values()) {
    mp.timer.cancel();
    for (const pg of mp.ports) pg.timer.cancel();
  }
  br.mdb.clear();
}

const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/** br_multicast_ipv4_rcv()'s switch: v1/v2 reports join, leaves leave, v3 reports record by
 * record (br_ip4_multicast_igmp3_report() in IGMPv2 mode: an empty TO_IN/IS_IN is a leave);
 * 224.0.0.x groups are not snooped */
function brIp4MulticastLearn(br: NetBridge, p: NetBridgePort | undefined, b: Uint8Array, o: number, type: number): void {
  const t = o + (b[o]! & 0xf) * 4;
  const end = o + ((b[o + 2]! << 8) | b[o + 3]!);
  const join = (g: number, leave: boolean): void => {
    if ((g & 0xffffff00) >>> 0 === 0xe0000000) return; // ipv4_is_local_multicast()
    const addr = Uint8Array.of(g >>> 24, (g >>> 16) & 0xff, (g >>> 8) & 0xff, g & 0xff);
    if (leave) brMulticastLeaveGroup(br, p, ETH_P_IP, addr);
    else brMulticastAddGroup(br, p, ETH_P_IP, addr);
  };
  switch (type) {
    case IGMP_HOST_MEMBERSHIP_REPORT:
    case IGMPV2_HOST_MEMBERSHIP_REPORT:
      join(u32(b, t + 4), false);
      break;
    case IGMP_HOST_LEAVE_MESSAGE:
      join(u32(b, t + 4), true);
      break;
    case IGMPV3_HOST_MEMBERSHIP_REPORT: {
      const n = (b[t + 6]! << 8) | b[t + 7]!;
      let g = t + 8;
      for (let i = 0; i < n && g + 8 <= end; i++) {
        const rtype = b[g]!;
        const nsrcs = (b[g + 2]! << 8) | b[g + 3]!;
        const group = u32(b, g + 4);
        g += 8 + b[g + 1]! * 4 + nsrcs * 4;
        if (rtype < 1 || rtype > 6) continue;
        join(group, nsrcs === 0 && (rtype === 3 || rtype === 1));
      }
      break;
    }
  }
}

/** br_multicast_ipv6_rcv()'s switch (MLDv1 mode: an empty TO_IN/IS_IN record is a leave);
 * ff02::1 is not snooped */
function brIp6MulticastLearn(br: NetBridge, p: NetBridgePort | undefined, b: Uint8Array, o: number, type: number): void {
  const end = o + 40 + ((b[o + 4]! << 8) | b[o + 5]!);
  const t = o + 40 + (b[o + 41]! + 1) * 8; // after the hop-by-hop header
  const join = (at: number, leave: boolean): void => {
    const addr = b.slice(at, at + 16);
    let allNodes = addr[0] === 0xff && addr[1] === 0x02 && addr[15] === 1;
    for (let i = 2; i < 15; i++) if (addr[i]) allNodes = false;
    if (allNodes) return;
    if (leave) brMulticastLeaveGroup(br, p, ETH_P_IPV6, addr);
    else brMulticastAddGroup(br, p, ETH_P_IPV6, addr);
  };
  switch (type) {
    case ICMPV6_MGM_REPORT:
      join(t + 8, false);
      break;
    case ICMPV6_MGM_REDUCTION:
      join(t + 8, true);
      break;
    case ICMPV6_MLD2_REPORT: {
      const n = (b[t + 6]! << 8) | b[t + 7]!;
      let g = t + 8;
      for (let i = 0; i < n && g + 20 <= end; i++) {
        const rtype = b[g]!;
        const nsrcs = (b[g + 2]! << 8) | b[g + 3]!;
        const at = g + 4;
        g += 20 + b[g + 1]! * 4 + nsrcs * 16;
        if (rtype < 1 || rtype > 6) continue;
        join(at, nsrcs === 0 && (rtype === 3 || rtype === 1));
      }
      break;
    }
  }
}
