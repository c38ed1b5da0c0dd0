/**
 * net/ipv4/fib_frontend.c: the FIB's interface to the rest of the kernel — RTM_NEWROUTE/
 * DELROUTE/GETROUTE(dump) for AF_INET, the routes an address implies (fib_add_ifaddr /
 * fib_del_ifaddr via fib_magic), the netdevice and inetaddr notifiers, the legacy
 * SIOCADDRT/SIOCDELRT ioctls (ip_rt_ioctl), inet_addr_type(), fib_validate_source() for
 * rp_filter and fib_compute_spec_dst().
 */
import { neighIfdown } from "../core/neighbour.ts";
import { arpTable } from "./arp.ts";
import type { NetDevice } from "../core/netdevice.ts";
import type { Net } from "../core/net_namespace.ts";
import { registerNetdeviceNotifier, registerInetaddrNotifier, NETDEV_UP, NETDEV_DOWN, NETDEV_CHANGE,
  NETDEV_UNREGISTER, NETDEV_CHANGEMTU, NETDEV_CHANGEADDR, NOTIFY_DONE } from "../core/notifier.ts";
import { rtnlRegister } from "../core/rtnetlink.ts";
import { registerProcNet } from "../core/procfs.ts";
import { registerIoctl } from "../core/dev_ioctl.ts";
import { devGetFlags } from "../core/dev.ts";
import { kerr, isKErr, errnoNumbers, type KErr } from "../uapi/errno.ts";
import type { SkBuff } from "../core/skbuff.ts";
import {
  AF_INET, AF_INET6, AF_UNSPEC, RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST, RTN_MULTICAST, RTN_UNREACHABLE, RT_SCOPE_UNIVERSE,
  RT_SCOPE_LINK, RT_SCOPE_HOST, RT_SCOPE_NOWHERE, RT_TABLE_MAIN, RT_TABLE_LOCAL, RT_TABLE_UNSPEC, RTPROT_KERNEL,
  RTPROT_BOOT, RTNH_F_DEAD, RTNH_F_LINKDOWN, RTM_F_CLONED,
  type RouteMsg, type NlAck, type RtnlMsg, type AddrMsg,
} from "../uapi/rtnetlink.ts";
import { IFF_UP, IFF_LOOPBACK, IFF_RUNNING, IFF_LOWER_UP } from "../uapi/if.ts";
import {
  devInDevice, inDevConf, inetIfaByPrefix, inetIfaMatch, inetMakeMask, ipv4FromBytes, ipv4IsZeronet,
  ipv4IsLbcast, ipv4IsMulticast, inetSelectAddr, glue_devGetByIndex, glue_devGetByName, glue_forEachNetdev,
  glue_rtCacheFlush, inetDumpIfaddr, type InIfaddr, IN_DEV } from "./devinet.ts";
import {
  fibGetTable, fibNewTable, fibTableInsert, fibTableDelete, fibTableLookup, fibMergedLookup, fibLookup, fibFlush, fibAllInfos,
  fibTablesInDumpOrder, fibTableDump, fibNet, procNetRoute, fibValidKeyLen, FIB_LOOKUP_IGNORE_LINKSTATE, type FibResult,
  type Flowi4,
} from "./fib.ts";
import { nexthopFindById } from "./nexthop.ts";
import { hooks, emptyFibConfig, fibSyncDownDev, fibSyncUp, type FibConfig, type FibInfo } from "./fib_semantics.ts";
import { fibHasCustomRules } from "./fib_rules.ts";

export const LOOPBACK_IFINDEX = 1;
const IFA_F_SECONDARY = 0x01;
const IFA_F_NOPREFIXROUTE = 0x200;

// ------------------------------------------------------------------------ inet_addr_type

/** net/ipv4/fib_frontend.c: __inet_dev_addr_type() */
function inetDevAddrType(net: Net, dev: NetDevice | undefined, addr: number, tbId: number): number {
  if (ipv4IsZeronet(addr) || ipv4IsLbcast(addr)) return RTN_BROADCAST;
  if (ipv4IsMulticast(addr)) return RTN_MULTICAST;
  let ret = RTN_BROADCAST;
  const tb = fibGetTable(net, tbId);
  if (tb) {
    ret = RTN_UNICAST;
    /* fib_new_table(): without custom rules the local table is an alias of main's trie, so a
     * lookup in either sees the routes of both */
    const s = fibNet(net);
    const merged = (tbId === RT_TABLE_MAIN || tbId === RT_TABLE_LOCAL) && !fibHasCustomRules(net) && s.local && s.main;
    const res = merged ? fibMergedLookup(s.local!, s.main!, { daddr: addr }) : fibTableLookup(tb, { daddr: addr });
    if (!isKErr(res)) {
      if (!dev || dev === res.nh.nhDev) ret = res.type;
    }
  }
  return ret;
}

/** net/ipv4/fib_frontend.c: inet_addr_type_table() */
export function inetAddrTypeTable(net: Net, addr: number, tbId: number): number {
  return inetDevAddrType(net, undefined, addr, tbId);
}

/** net/ipv4/fib_frontend.c: inet_addr_type(): RTN_LOCAL / RTN_BROADCAST / RTN_UNICAST / … */
export function inetAddrType(net: Net, addr: number): number {
  return inetDevAddrType(net, undefined, addr >>> 0, RT_TABLE_LOCAL);
}

/** net/ipv4/fib_frontend.c: inet_dev_addr_type() */
export function inetDevAddrTypeLocal(net: Net, dev: NetDevice, addr: number): number {
  return inetDevAddrType(net, dev, addr >>> 0, RT_TABLE_LOCAL);
}

/** net/ipv4/fib_frontend.c: inet_addr_type_dev_table() */
export function inetAddrTypeDevTable(net: Net, dev: NetDevice, addr: number): number {
  return inetDevAddrType(net, dev, addr, RT_TABLE_LOCAL);
}

// ---------------------------------------------------------------------- rp_filter & co

/** net/ipv4/fib_frontend.c: fib_info_nh_uses_dev() */
function fibInfoNhUsesDev(fi: FibInfo, dev: NetDevice): boolean {
  return fi.fibNh.some((nh) => nh.nhDev === dev);
}

/** net/ipv4/fib_frontend.c: __fib_validate_source() */
function fibValidateSourceFull(net: Net, src: number, dst: number, tos: number, oif: number, dev: NetDevice, rpf: number, mark: number): number | KErr {
  const inDev = devInDevice(dev);
  const noAddr = !inDev || inDev.ifaList.length === 0;
  const fl: Flowi4 = {
    oif: 0, iif: oif || LOOPBACK_IFINDEX, daddr: src, saddr: dst, tos, scope: RT_SCOPE_UNIVERSE,
    mark: inDevConf(dev, IN_DEV.src_valid_mark) ? mark : 0,
  };
  let res = fibLookup(net, fl);
  if (isKErr(res)) {
    if (rpf) return kerr("EXDEV");
    return 0;
  }
  if (res.type !== RTN_UNICAST && (res.type !== RTN_LOCAL || !inDevConf(dev, IN_DEV.accept_local))) return kerr("EINVAL");
  let devMatch = fibInfoNhUsesDev(res.fi, dev);
  devMatch = devMatch || (res.type === RTN_LOCAL && dev === dev.net.loopbackDev);
  if (devMatch) return res.nh.nhScope >= RT_SCOPE_HOST ? 1 : 0;
  if (noAddr) {
    if (rpf) return kerr("EXDEV");
    return 0;
  }
  if (rpf === 1) return kerr("EXDEV");
  fl.oif = dev.ifindex;
  let ret = 0;
  res = fibLookup(net, fl, FIB_LOOKUP_IGNORE_LINKSTATE);
  if (!isKErr(res) && res.type === RTN_UNICAST) ret = res.nh.nhScope >= RT_SCOPE_HOST ? 1 : 0;
  return ret;
}

/** net/ipv4/fib_frontend.c: fib_validate_source() — rp_filter and martian source checks on
 * input: 0 or 1 (the source is reachable through `dev`; 1 = via a host-scope nexthop), or a
 * negative errno: -EXDEV (reverse path filter), -EINVAL (a local or non-unicast source). */
export function fibValidateSource(skb: SkBuff, src: number, dst: number, tos: number, oif: number, dev: NetDevice): number {
  const r = fibValidateSourceK(dev.net, { src, dst, tos, oif, dev, mark: skb.mark });
  return isKErr(r) ? -errnoNumbers[r.errno] : r;
}

/** fib_validate_source() with a KErr result */
export function fibValidateSourceK(net: Net, p: { src: number; dst: number; tos: number; oif: number; dev: NetDevice; mark?: number }): number | KErr {
  const dev = p.dev;
  const r = inDevConf(dev, IN_DEV.rp_filter);
  const txRedirects = inDevConf(dev, IN_DEV.send_redirects);
  if (!r && (dev.ifindex !== p.oif || !txRedirects)) {
    if (inDevConf(dev, IN_DEV.accept_local)) return 0;
    if (fibNet(net).customLocalRoutes || fibHasCustomRules(net)) {
      return fibValidateSourceFull(net, p.src >>> 0, p.dst >>> 0, p.tos, p.oif, dev, r, p.mark ?? 0);
    }
    if (inetLookupIfaddr(net, p.src >>> 0)) return kerr("EINVAL");
    return 0;
  }
  return fibValidateSourceFull(net, p.src >>> 0, p.dst >>> 0, p.tos, p.oif, dev, r, p.mark ?? 0);
}

/** net/ipv4/devinet.c: inet_lookup_ifaddr_rcu() */
function inetLookupIfaddr(net: Net, addr: number): boolean {
  // runs for every received packet (fib_validate_source): the order of the devices does not
  // matter for a yes/no answer, so no sorted copy of the device list (Linux: a hash lookup)
  for (const d of net.devByIndex.values()) {
    const ind = devInDevice(d);
    if (ind === undefined) continue;
    const l = ind.ifaList;
    for (let i = 0; i < l.length; i++) if (l[i]!.ifaLocal === addr) return true;
  }
  return false;
}

/** net/ipv4/fib_frontend.c: fib_compute_spec_dst() — the address an answer to this packet
 * should come from (ICMP echo reply source, IP options). `rtLocalOnly`: the input route is
 * RTCF_LOCAL without BROADCAST/MULTICAST. */
export function fibComputeSpecDst(dev: NetDevice, p: { saddr: number; daddr: number; tos: number; mark?: number; rtLocalOnly: boolean }): number {
  if (p.rtLocalOnly) return p.daddr;
  const net = dev.net;
  let scope = RT_SCOPE_UNIVERSE;
  if (!ipv4IsZeronet(p.saddr)) {
    const vmark = devInDevice(dev) && inDevConf(dev, IN_DEV.src_valid_mark);
    const res = fibLookup(net, { iif: LOOPBACK_IFINDEX, daddr: p.saddr, tos: p.tos, scope, mark: vmark ? p.mark ?? 0 : 0 });
    if (!isKErr(res)) return res.prefsrc;
  } else scope = RT_SCOPE_LINK;
  return inetSelectAddr(dev, p.saddr, scope);
}

// ---------------------------------------------------------------------------- rtnetlink

function rtmToFibConfig(net: Net, m: RouteMsg): FibConfig | KErr {
  const r = m.rtm;
  const a = m.attrs;
  const cfg = emptyFibConfig();
  cfg.dstLen = r.dst_len;
  cfg.dscp = r.tos;
  cfg.table = r.table;
  cfg.protocol = r.protocol;
  cfg.scope = r.scope;
  cfg.type = r.type;
  cfg.flags = r.flags;
  cfg.nlflags = m.flags;
  /* nlmsg_parse_deprecated(..., rtm_ipv4_policy): an address attribute (NLA_U32) shorter than
   * its 4 bytes fails validate_nla()'s minimum length */
  for (const k of ["RTA_DST", "RTA_SRC", "RTA_GATEWAY", "RTA_PREFSRC"] as const) {
    const v = (a as Record<string, unknown>)[k];
    if (v instanceof Uint8Array && v.length < 4) return kerr("ERANGE", "Attribute failed policy validation");
  }
  if (r.tos & 0x03) return kerr("EINVAL", "Invalid dsfield (tos): ECN bits must be 0");
  if (cfg.type > 11) return kerr("EINVAL", "Invalid route type");
  if (a.RTA_DST) cfg.dst = ipv4FromBytes(a.RTA_DST);
  if (a.RTA_OIF !== undefined) cfg.oif = a.RTA_OIF;
  if (a.RTA_GATEWAY) {
    cfg.gw4 = ipv4FromBytes(a.RTA_GATEWAY);
    cfg.gwFamily = cfg.gw4 ? AF_INET : 0;
  }
  if (a.RTA_PRIORITY !== undefined) cfg.priority = a.RTA_PRIORITY;
  if (a.RTA_PREFSRC) cfg.prefsrc = ipv4FromBytes(a.RTA_PREFSRC);
  if (a.RTA_METRICS) cfg.mx = { ...a.RTA_METRICS };
  if (a.RTA_TABLE !== undefined) cfg.table = a.RTA_TABLE;
  const mp = a.RTA_MULTIPATH;
  if (mp) {
    // fib_gw_from_attr() of each next hop
    if (mp.some((n) => n.RTA_GATEWAY && n.RTA_GATEWAY.length < 4)) return kerr("EINVAL", "Invalid IPv4 address in RTA_GATEWAY");
    cfg.mp = mp.map((n) => ({ oif: n.rtnh_ifindex ?? 0, gw4: n.RTA_GATEWAY ? ipv4FromBytes(n.RTA_GATEWAY) : 0, flags: n.rtnh_flags ?? 0, weight: (n.rtnh_hops ?? 0) + 1 }));
  }
  if (a.RTA_NH_ID !== undefined) cfg.nhId = a.RTA_NH_ID >>> 0;
  if (cfg.nhId) {
    if (cfg.oif || cfg.gwFamily || cfg.mp) return kerr("EINVAL", "Nexthop specification and nexthop id are mutually exclusive");
  }
  if (!cfg.table) cfg.table = RT_TABLE_MAIN;
  if (cfg.nhId) {
    /* 6.x: the prefix is checked here, and the nexthop looked up before the table (for a
     * delete too) */
    const e = fibValidKeyLen(cfg.dst >>> 0, cfg.dstLen);
    if (e) return e;
    if (!nexthopFindById(net, cfg.nhId)) return kerr("EINVAL", "Nexthop id does not exist");
  }
  return cfg;
}

function toAck(e: KErr | undefined): NlAck {
  return e ? { ok: false, ...e } : { ok: true };
}

/** net/ipv4/fib_frontend.c: inet_rtm_newroute() */
export function inetRtmNewroute(net: Net, m: RouteMsg): NlAck {
  const cfg = rtmToFibConfig(net, m);
  if (isKErr(cfg)) return toAck(cfg);
  const tb = fibNewTable(net, cfg.table);
  const e = fibTableInsert(net, tb, cfg);
  if (!e) glue_rtCacheFlush(net);
  return toAck(e);
}

/** net/ipv4/fib_frontend.c: inet_rtm_delroute() */
export function inetRtmDelroute(net: Net, m: RouteMsg): NlAck {
  const cfg = rtmToFibConfig(net, m);
  if (isKErr(cfg)) return toAck(cfg);
  const tb = fibGetTable(net, cfg.table);
  if (!tb) return toAck(kerr("ESRCH", "FIB table does not exist"));
  const e = fibTableDelete(net, tb, cfg);
  if (!e) glue_rtCacheFlush(net);
  return toAck(e);
}

/** net/ipv4/fib_frontend.c: inet_dump_fib() (with ip_valid_fib_dump_req's filter) */
export function inetDumpFib(net: Net, m: RouteMsg): RouteMsg[] {
  const tableId = m.attrs.RTA_TABLE ?? m.rtm.table;
  if (m.rtm.flags & RTM_F_CLONED) return cloneDumpHook(net, m);
  const filter = { oif: m.attrs.RTA_OIF, type: m.rtm.type, protocol: m.rtm.protocol };
  if (tableId) {
    const tb = fibGetTable(net, tableId);
    if (!tb) {
      /* an AF_UNSPEC dump (rtnl_dump_all) skips the family; an AF_INET one fails */
      if (m.rtm.family !== AF_INET) return [];
      return Object.assign([] as RouteMsg[], { error: kerr("ENOENT", "ipv4: FIB table does not exist") });
    }
    return fibTableDump(tb, filter);
  }
  const out: RouteMsg[] = [];
  for (const tb of fibTablesInDumpOrder(net)) out.push(...fibTableDump(tb, filter));
  return out;
}

/** `ip route show cache`: the route cache exceptions (K2's route.ts may set this) */
export let cloneDumpHook: (net: Net, m: RouteMsg) => RouteMsg[] = () => [];
export function setRouteCacheDumpHook(fn: (net: Net, m: RouteMsg) => RouteMsg[]): void {
  cloneDumpHook = fn;
}

// ---------------------------------------------------------------- routes of addresses

/** net/ipv4/fib_frontend.c: fib_magic() */
function fibMagic(cmd: "add" | "del", type: number, dst: number, dstLen: number, ifa: InIfaddr, rtPriority: number): void {
  const dev = ifa.ifaDev.dev;
  const net = dev.net;
  const cfg = emptyFibConfig();
  cfg.protocol = RTPROT_KERNEL;
  cfg.type = type;
  cfg.dst = dst >>> 0;
  cfg.dstLen = dstLen;
  cfg.priority = rtPriority;
  cfg.prefsrc = ifa.ifaLocal;
  cfg.oif = dev.ifindex;
  cfg.nlflags = { create: true, append: true };
  const tbId = type === RTN_UNICAST ? RT_TABLE_MAIN : RT_TABLE_LOCAL;
  const tb = fibNewTable(net, tbId);
  cfg.table = tb.id;
  cfg.scope = type !== RTN_LOCAL ? RT_SCOPE_LINK : RT_SCOPE_HOST;
  if (cmd === "add") fibTableInsert(net, tb, cfg);
  else fibTableDelete(net, tb, cfg);
}

/** net/ipv4/fib_frontend.c: fib_add_ifaddr() */
export function fibAddIfaddr(ifa: InIfaddr): void {
  const inDev = ifa.ifaDev;
  const dev = inDev.dev;
  let prim: InIfaddr | undefined = ifa;
  const mask = ifa.ifaMask;
  const addr = ifa.ifaLocal;
  const prefix = (ifa.ifaAddress & mask) >>> 0;
  if (ifa.ifaFlags & IFA_F_SECONDARY) {
    prim = inetIfaByPrefix(inDev, prefix, mask);
    if (!prim) return;
  }
  fibMagic("add", RTN_LOCAL, addr, 32, prim, 0);
  if (!(dev.flags & IFF_UP)) return;
  /* Add broadcast address, if it is explicitly assigned. */
  if (ifa.ifaBroadcast && ifa.ifaBroadcast !== 0xffffffff) fibMagic("add", RTN_BROADCAST, ifa.ifaBroadcast, 32, prim, 0);
  if (!ipv4IsZeronet(prefix) && !(ifa.ifaFlags & IFA_F_SECONDARY) && (prefix !== addr || ifa.ifaPrefixlen < 32)) {
    if (!(ifa.ifaFlags & IFA_F_NOPREFIXROUTE)) {
      fibMagic("add", dev.flags & IFF_LOOPBACK ? RTN_LOCAL : RTN_UNICAST, prefix, ifa.ifaPrefixlen, prim, ifa.ifaRtPriority);
    }
    /* Add the network broadcast address, when it makes sense */
    if (ifa.ifaPrefixlen < 31) fibMagic("add", RTN_BROADCAST, (prefix | ~mask) >>> 0, 32, prim, 0);
  }
}

/** net/ipv4/fib_frontend.c: fib_modify_prefix_metric() */
export function fibModifyPrefixMetric(ifa: InIfaddr, newMetric: number): void {
  const prefix = (ifa.ifaAddress & ifa.ifaMask) >>> 0;
  const dev = ifa.ifaDev.dev;
  if (!(dev.flags & IFF_UP) || ifa.ifaFlags & (IFA_F_SECONDARY | IFA_F_NOPREFIXROUTE) || ipv4IsZeronet(prefix) ||
    (prefix === ifa.ifaLocal && ifa.ifaPrefixlen === 32)) return;
  /* add the new */
  const saved = ifa.ifaRtPriority;
  fibMagic("add", dev.flags & IFF_LOOPBACK ? RTN_LOCAL : RTN_UNICAST, prefix, ifa.ifaPrefixlen, ifa, newMetric);
  /* delete the old */
  const cfg = emptyFibConfig();
  void cfg;
  fibMagicDelPrio(ifa, prefix, saved);
}

function fibMagicDelPrio(ifa: InIfaddr, prefix: number, prio: number): void {
  const dev = ifa.ifaDev.dev;
  const net = dev.net;
  const cfg = emptyFibConfig();
  cfg.protocol = RTPROT_KERNEL;
  cfg.type = dev.flags & IFF_LOOPBACK ? RTN_LOCAL : RTN_UNICAST;
  cfg.dst = prefix;
  cfg.dstLen = ifa.ifaPrefixlen;
  cfg.priority = prio;
  cfg.prefsrc = ifa.ifaLocal;
  cfg.oif = dev.ifindex;
  cfg.scope = RT_SCOPE_LINK;
  cfg.table = RT_TABLE_MAIN;
  const tb = fibGetTable(net, RT_TABLE_MAIN);
  if (tb) fibTableDelete(net, tb, cfg);
}

/** net/ipv4/fib_semantics.c: fib_sync_down_addr() — main-table routes using `local` as src die */
function fibSyncDownAddr(dev: NetDevice, local: number): number {
  let ret = 0;
  const tb = fibGetTable(dev.net, RT_TABLE_MAIN);
  if (!tb || !local) return 0;
  for (const fa of tb.aliases()) {
    if (fa.faInfo.fibPrefsrc === local) {
      fa.faInfo.fibFlags |= RTNH_F_DEAD;
      ret++;
    }
  }
  return ret;
}

/** net/ipv4/fib_frontend.c: fib_del_ifaddr() */
export function fibDelIfaddr(ifa: InIfaddr, iprim: InIfaddr | undefined): void {
  const inDev = ifa.ifaDev;
  const dev = inDev.dev;
  let prim: InIfaddr = ifa;
  let prim1: InIfaddr | undefined;
  const brd = (ifa.ifaAddress | ~ifa.ifaMask) >>> 0;
  const any = (ifa.ifaAddress & ifa.ifaMask) >>> 0;
  const LOCAL_OK = 1;
  const BRD_OK = 2;
  const BRD0_OK = 4;
  const BRD1_OK = 8;
  let ok = 0;
  let subnet = false;
  let gone = true;
  let samePrefsrc = false;

  if (ifa.ifaFlags & IFA_F_SECONDARY) {
    const p = inetIfaByPrefix(inDev, any, ifa.ifaMask);
    if (!p) return;
    if (iprim && iprim !== p) return;
    prim = p;
  } else if (!ipv4IsZeronet(any) && (any !== ifa.ifaLocal || ifa.ifaPrefixlen < 32)) {
    if (!(ifa.ifaFlags & IFA_F_NOPREFIXROUTE)) {
      fibMagic("del", dev.flags & IFF_LOOPBACK ? RTN_LOCAL : RTN_UNICAST, any, ifa.ifaPrefixlen, prim, 0);
      // fib_magic passes rt_priority 0, and fib_nh_match ignores a 0 priority
    }
    subnet = true;
  }

  if (!inDev.dead) {
    for (const ifa1 of inDev.ifaList) {
      if (ifa1 === ifa) {
        /* promotion, keep the IP */
        gone = false;
        continue;
      }
      /* Ignore IFAs from our subnet */
      if (iprim && ifa1.ifaMask === iprim.ifaMask && inetIfaMatch(ifa1.ifaAddress, iprim)) continue;
      /* Ignore ifa1 if it uses different primary IP (prefsrc) */
      if (ifa1.ifaFlags & IFA_F_SECONDARY) {
        /* Another address from our subnet? */
        if (ifa1.ifaMask === prim.ifaMask && inetIfaMatch(ifa1.ifaAddress, prim)) prim1 = prim;
        else {
          /* We reached the secondaries, so same_prefsrc should be determined. */
          if (!samePrefsrc) continue;
          /* Search new prim1 if ifa1 is not using the current prim1 */
          if (!prim1 || ifa1.ifaMask !== prim1.ifaMask || !inetIfaMatch(ifa1.ifaAddress, prim1)) {
            prim1 = inetIfaByPrefix(inDev, ifa1.ifaAddress, ifa1.ifaMask);
          }
          if (!prim1) continue;
          if (prim1.ifaLocal !== prim.ifaLocal) continue;
        }
      } else {
        if (prim.ifaLocal !== ifa1.ifaLocal) continue;
        prim1 = ifa1;
        if (prim !== prim1) samePrefsrc = true;
      }
      if (ifa.ifaLocal === ifa1.ifaLocal) ok |= LOCAL_OK;
      if (ifa.ifaBroadcast === ifa1.ifaBroadcast) ok |= BRD_OK;
      if (brd === ifa1.ifaBroadcast) ok |= BRD1_OK;
      if (any === ifa1.ifaBroadcast) ok |= BRD0_OK;
      /* primary has network specific broadcasts */
      if (prim1 === ifa1 && ifa1.ifaPrefixlen < 31) {
        const brd1 = (ifa1.ifaAddress | ~ifa1.ifaMask) >>> 0;
        const any1 = (ifa1.ifaAddress & ifa1.ifaMask) >>> 0;
        if (!ipv4IsZeronet(any1)) {
          if (ifa.ifaBroadcast === brd1 || ifa.ifaBroadcast === any1) ok |= BRD_OK;
          if (brd === brd1 || brd === any1) ok |= BRD1_OK;
          if (any === brd1 || any === any1) ok |= BRD0_OK;
        }
      }
    }
  }

  if (!(ok & BRD_OK)) fibMagic("del", RTN_BROADCAST, ifa.ifaBroadcast, 32, prim, 0);
  if (subnet && ifa.ifaPrefixlen < 31) {
    if (!(ok & BRD1_OK)) fibMagic("del", RTN_BROADCAST, brd, 32, prim, 0);
    if (!(ok & BRD0_OK)) fibMagic("del", RTN_BROADCAST, any, 32, prim, 0);
  }
  if (!(ok & LOCAL_OK)) {
    fibMagic("del", RTN_LOCAL, ifa.ifaLocal, 32, prim, 0);
    /* Check, that this local address finally disappeared. */
    const addrType = inetAddrTypeDevTable(dev.net, dev, ifa.ifaLocal);
    if (gone && addrType !== RTN_LOCAL) {
      /* And the last, but not the least thing. We must flush stray FIB entries. */
      if (fibSyncDownAddr(dev, ifa.ifaLocal)) fibFlush(dev.net);
    }
  }
}

/** net/ipv4/fib_frontend.c: fib_disable_ip() */
function fibDisableIp(dev: NetDevice, event: "down" | "unregister", force: boolean): void {
  if (fibSyncDownDev(fibAllInfos(dev.net), dev, event, force)) fibFlush(dev.net);
  else if (force) fibFlush(dev.net);
  glue_rtCacheFlush(dev.net);
  // arp_ifdown(): every neighbour of the device goes, permanent ones too (the neighbour part
  // does the same on NETDEV_DOWN; here it matters when the last address was deleted)
  neighIfdown(arpTable(dev.net), dev, false);
}

/** net/ipv4/fib_frontend.c: fib_inetaddr_event() */
function fibInetaddrEvent(event: number, ifaU: unknown): number {
  const ifa = ifaU as InIfaddr;
  const dev = ifa.ifaDev.dev;
  const net = dev.net;
  switch (event) {
    case NETDEV_UP:
      fibAddIfaddr(ifa);
      fibSyncUp(fibAllInfos(net), dev, RTNH_F_DEAD, isRunning(dev));
      glue_rtCacheFlush(net);
      break;
    case NETDEV_DOWN:
      fibDelIfaddr(ifa, undefined);
      if (!ifa.ifaDev.ifaList.length) {
        /* Last address was deleted from this interface. Disable IP. */
        fibDisableIp(dev, "down", true);
      } else glue_rtCacheFlush(net);
      break;
  }
  return NOTIFY_DONE;
}

function isRunning(dev: NetDevice): boolean {
  return (devGetFlags(dev) & (IFF_RUNNING | IFF_LOWER_UP)) !== 0;
}

/** net/ipv4/fib_frontend.c: fib_netdev_event() */
function fibNetdevEvent(event: number, dev: NetDevice): number {
  const inDev = devInDevice(dev);
  const net = dev.net;
  if (event === NETDEV_UNREGISTER) {
    fibDisableIp(dev, "unregister", true);
    return NOTIFY_DONE;
  }
  if (!inDev) return NOTIFY_DONE;
  switch (event) {
    case NETDEV_UP:
      for (const ifa of inDev.ifaList.slice()) fibAddIfaddr(ifa);
      fibSyncUp(fibAllInfos(net), dev, RTNH_F_DEAD, isRunning(dev));
      glue_rtCacheFlush(net);
      break;
    case NETDEV_DOWN:
      fibDisableIp(dev, "down", false);
      break;
    case NETDEV_CHANGE:
      if (isRunning(dev)) fibSyncUp(fibAllInfos(net), dev, RTNH_F_LINKDOWN, true);
      else fibSyncDownDev(fibAllInfos(net), dev, "change", false);
      glue_rtCacheFlush(net);
      break;
    case NETDEV_CHANGEMTU:
    case NETDEV_CHANGEADDR:
      glue_rtCacheFlush(net);
      break;
  }
  return NOTIFY_DONE;
}

// --------------------------------------------------------------------------- ip_rt_ioctl

const RTF_UP = 0x0001;
const RTF_GATEWAY = 0x0002;
const RTF_HOST = 0x0004;
const RTF_REJECT = 0x0200;
const RTF_MTU = 0x0040; // RTF_MSS
const RTF_WINDOW = 0x0080;
const RTF_IRTT = 0x0100;

function num(v: unknown): number {
  if (typeof v === "number") return v >>> 0;
  if (v instanceof Uint8Array) return ipv4FromBytes(v);
  return 0;
}

/** net/ipv4/fib_frontend.c: rtentry_to_fib_config() */
function rtentryToFibConfig(net: Net, cmd: string, rt: Record<string, unknown>): FibConfig | KErr {
  const cfg = emptyFibConfig();
  const rtDst = num(rt.rt_dst);
  const rtFlags = num(rt.rt_flags);
  let plen = 32;
  if (!(rtFlags & RTF_HOST)) {
    const mask = num(rt.rt_genmask);
    if (rt.rt_genmask_family !== undefined && rt.rt_genmask_family !== AF_INET && rt.rt_genmask_family !== AF_UNSPEC) return kerr("EAFNOSUPPORT");
    // bad_mask()
    const hmask = (~mask) >>> 0;
    if (((rtDst & mask) >>> 0 !== rtDst && rtDst !== 0) || ((hmask + 1) & hmask) !== 0) return kerr("EINVAL");
    plen = mask ? 32 - Math.log2(((~mask) >>> 0) + 1) : 0;
  }
  cfg.dstLen = plen;
  cfg.dst = rtDst;
  cfg.nlflags = {};
  if (cmd !== "SIOCDELRT") {
    cfg.nlflags = { create: true };
    cfg.protocol = RTPROT_BOOT;
  }
  const metric = num(rt.rt_metric);
  if (metric) cfg.priority = metric - 1;
  if (rtFlags & RTF_REJECT) {
    cfg.scope = RT_SCOPE_HOST;
    cfg.type = RTN_UNREACHABLE;
    return cfg;
  }
  cfg.scope = RT_SCOPE_NOWHERE;
  cfg.type = RTN_UNICAST;
  // a pointer to "" is a name like any other (__dev_get_by_name() finds nothing)
  if (rt.rt_dev !== undefined) {
    let devname = String(rt.rt_dev).slice(0, 15);
    const colon = devname.indexOf(":");
    const label = colon >= 0 ? devname : "";
    if (colon >= 0) devname = devname.slice(0, colon);
    const dev = glue_devGetByName(net, devname);
    if (!dev) return kerr("ENODEV");
    cfg.oif = dev.ifindex;
    cfg.table = RT_TABLE_MAIN;
    if (label) {
      const inDev = devInDevice(dev);
      if (!inDev) return kerr("ENODEV");
      const ifa = inDev.ifaList.find((f) => f.ifaLabel === label);
      if (!ifa) return kerr("ENODEV");
      cfg.prefsrc = ifa.ifaLocal;
    }
  }
  const gw = num(rt.rt_gateway);
  if (gw && rt.rt_gateway_family !== AF_INET6) {
    cfg.gw4 = gw;
    cfg.gwFamily = AF_INET;
    const addrType = inetAddrTypeTable(net, gw, cfg.table || RT_TABLE_MAIN);
    if (rtFlags & RTF_GATEWAY && addrType === RTN_UNICAST) cfg.scope = RT_SCOPE_UNIVERSE;
  }
  if (!cfg.table) cfg.table = RT_TABLE_MAIN;
  if (cmd === "SIOCDELRT") return cfg;
  if (rtFlags & RTF_GATEWAY && !cfg.gwFamily) return kerr("EINVAL");
  if (cfg.scope === RT_SCOPE_NOWHERE) cfg.scope = RT_SCOPE_LINK;
  if (rtFlags & (RTF_MTU | RTF_WINDOW | RTF_IRTT)) {
    cfg.mx = {};
    if (rtFlags & RTF_MTU) {
      const mtu = num(rt.rt_mtu);
      cfg.mx.RTAX_ADVMSS = mtu > 65535 - 40 ? 65535 : mtu - 40;
    }
    if (rtFlags & RTF_WINDOW) cfg.mx.RTAX_WINDOW = num(rt.rt_window);
    if (rtFlags & RTF_IRTT) cfg.mx.RTAX_RTT = num(rt.rt_irtt) << 3;
  }
  return cfg;
}

/** net/ipv4/fib_frontend.c: ip_rt_ioctl() — SIOCADDRT / SIOCDELRT (route(8)) */
export function ipRtIoctl(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const cmd = req.request as string;
  const cfg = rtentryToFibConfig(net, cmd, req);
  if (isKErr(cfg)) return cfg;
  let e: KErr | undefined;
  if (cmd === "SIOCDELRT") {
    const tb = fibGetTable(net, cfg.table);
    e = tb ? fibTableDelete(net, tb, cfg) : kerr("ESRCH");
  } else {
    const tb = fibNewTable(net, cfg.table);
    e = fibTableInsert(net, tb, cfg);
  }
  if (e) return { errno: e.errno };
  glue_rtCacheFlush(net);
  return {};
}

// ----------------------------------------------------------------------------- init

/** net/ipv4/fib_frontend.c: ip_fib_init() (minus what fib.ts/fib_rules.ts register) */
export function fibFrontendInit(): void {
  hooks.inetAddrTypeTable = inetAddrTypeTable;
  hooks.inetAddrTypeDevTable = inetAddrTypeDevTable;
  hooks.gwLookup = (net, daddr, scope, oif, table) => {
    const fl: Flowi4 = { daddr, scope, oif, iif: LOOPBACK_IFINDEX };
    let res: FibResult | KErr = kerr("EAGAIN");
    const tb = table ? fibGetTable(net, table) : undefined;
    if (tb) res = fibTableLookup(tb, fl, FIB_LOOKUP_IGNORE_LINKSTATE);
    if (!tb || isKErr(res)) res = fibLookup(net, fl, FIB_LOOKUP_IGNORE_LINKSTATE);
    if (isKErr(res)) return { ok: false, errno: res.errno };
    return { ok: true, type: res.type, scope: res.scope, dev: res.nhDev, oif: res.nh.nhOif || (res.nhDev?.ifindex ?? 0) };
  };
  registerNetdeviceNotifier((event, dev) => fibNetdevEvent(event, dev));
  registerInetaddrNotifier(fibInetaddrEvent);
  rtnlRegister(AF_INET, "RTM_NEWROUTE", { doit: (net: Net, m: RouteMsg) => ({ ack: inetRtmNewroute(net, m) }) });
  rtnlRegister(AF_INET, "RTM_DELROUTE", { doit: (net: Net, m: RouteMsg) => ({ ack: inetRtmDelroute(net, m) }) });
  rtnlRegister(AF_INET, "RTM_GETROUTE", { dumpit: (net: Net, m: RouteMsg) => inetDumpFib(net, m) });
  registerIoctl("SIOCADDRT", ipRtIoctl);
  registerIoctl("SIOCDELRT", ipRtIoctl);
  registerProcNet("route", procNetRoute);
  /* net/ipv4/route.c: rt_cache_seq_show(): the IPv4 route cache is gone since 3.6; the file
   * keeps its header */
  registerProcNet("rt_cache", () =>
    "Iface\tDestination\tGateway \tFlags\t\tRefCnt\tUse\tMetric\tSource\t\tMTU\tWindow\tIRTT\tTOS\tHHRef\tHHUptod\tSpecDst".padEnd(127) + "\n", "proc_create");
  /* net/sched/sch_api.c: psched_show(): NSEC_PER_USEC, PSCHED_TICKS2NS(1), 1000000 and
   * NSEC_PER_SEC / hrtimer_resolution (1 ns: high-resolution timers) */
  registerProcNet("psched", () => "000003e8 00000040 000f4240 3b9aca00\n", "proc_create");
}

export { fibLookup };
export type { FibResult, Flowi4 };
export { RT_TABLE_UNSPEC, RTPROT_BOOT, RTNH_F_LINKDOWN, AF_INET6, RT_SCOPE_LINK };
