/**
 * net/bridge/netfilter/ebtables.c (ebt_do_table, ebt_basic_match, translate_table checks),
 * ebtable_filter.c, ebtable_nat.c, ebt_ip.c and ebt_ip6.c: the bridge tables ebtables writes, as
 * NFPROTO_BRIDGE hook registrations. The lab machines run ebtables-nft, whose nft bridge base
 * chains sit at the same priorities as the legacy tables, and count bytes as skb->len (past
 * the Ethernet header), as here.
 *
 * Tables exist per namespace once written (EBT_SO_SET_ENTRIES); a read before that answers
 * the template (empty built-in chains, policy ACCEPT).
 */
import { NetGeneric, registerPernetOps, type Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import {
  EBT_802_3, EBT_DESTMAC, EBT_IDEST, EBT_IIN, EBT_ILOGICALIN, EBT_ILOGICALOUT, EBT_IOUT, EBT_IP_DEST, EBT_IP_DPORT,
  EBT_IP_PROTO, EBT_IP_SOURCE, EBT_IP_SPORT, EBT_IP_TOS, EBT_IPROTO,
  EBT_IP6_SOURCE, EBT_IP6_DEST, EBT_IP6_TCLASS, EBT_IP6_PROTO, EBT_IP6_SPORT, EBT_IP6_DPORT, EBT_IP6_ICMP6, EBT_IP6_MASK, type EbtIp6Info, EBT_ISOURCE, EBT_NOPROTO, EBT_SOURCEMAC,
  EBT_ACCEPT, EBT_CONTINUE, EBT_DROP, EBT_MARK_AND, EBT_MARK_OR, EBT_RETURN, EBT_VERDICT_BITS, MARK_AND_VALUE,
  MARK_OR_VALUE, MARK_SET_VALUE, MARK_XOR_VALUE, NAT_ARP_BIT, EBT_LOG_ARP, EBT_LOG_IP, EBT_LOG_IP6, EBT_LOG_MASK,
  type EbtLogInfo, type EbtLimitInfo, XT_LIMIT_SCALE, EBT_VLAN_ENCAP, EBT_VLAN_ID, EBT_VLAN_MASK, EBT_VLAN_PRIO,
  type EbtVlanInfo, EBT_ARP_OPCODE, EBT_ARP_HTYPE, EBT_ARP_PTYPE, EBT_ARP_SRC_IP, EBT_ARP_DST_IP, EBT_ARP_SRC_MAC,
  EBT_ARP_DST_MAC, EBT_ARP_GRAT, EBT_ARP_MASK, type EbtArpInfo, type EbtAmongInfo, type EbtAmongSide,
  type EbtChain, type EbtNatInfo, type EbtTargetExt, type EbtEntry, type EbtIpInfo, type EbtMarkMInfo, type EbtMarkTInfo, type EbtMatch,
  type EbtPkttypeInfo, type EbtTableInfo,
} from "../uapi/ebtables.ts";
import {
  NF_ACCEPT, NF_BR_FORWARD, NF_BR_LOCAL_IN, NF_BR_LOCAL_OUT, NF_BR_POST_ROUTING, NF_BR_PRE_ROUTING,
  NF_BR_BROUTING, NF_BR_PRI_FILTER_BRIDGED, NF_BR_PRI_NAT_DST_BRIDGED, NF_BR_PRI_NAT_DST_OTHER, NF_BR_PRI_NAT_SRC, NF_DROP,
  NFPROTO_BRIDGE, nfRegisterNetHooks, nfUnregisterNetHooks, type NfHookOps, type NfHookState,
} from "./core.ts";
import { nfIpv4Ops } from "./nf_glue.ts";
import { PACKET_BROADCAST, PACKET_HOST, PACKET_MULTICAST, PACKET_OTHERHOST } from "../uapi/if.ts";
import { ipv4ToString, macToString, readU16, readU32 } from "../../wire/addr.ts";

interface EbtTemplate {
  name: string;
  /** built-in chains: name, hook, hook priority */
  chains: [string, number, number][];
}

/** ebtable_filter.c, ebtable_nat.c */
const TEMPLATES: EbtTemplate[] = [
  {
    name: "filter",
    chains: [
      ["INPUT", NF_BR_LOCAL_IN, NF_BR_PRI_FILTER_BRIDGED],
      ["FORWARD", NF_BR_FORWARD, NF_BR_PRI_FILTER_BRIDGED],
      ["OUTPUT", NF_BR_LOCAL_OUT, NF_BR_PRI_FILTER_BRIDGED],
    ],
  },
  {
    name: "nat",
    chains: [
      ["PREROUTING", NF_BR_PRE_ROUTING, NF_BR_PRI_NAT_DST_BRIDGED],
      ["OUTPUT", NF_BR_LOCAL_OUT, NF_BR_PRI_NAT_DST_OTHER],
      ["POSTROUTING", NF_BR_POST_ROUTING, NF_BR_PRI_NAT_SRC],
    ],
  },
];

interface EbtTable {
  info: EbtTableInfo;
  ops: NfHookOps[];
  /** what translate_table() resolves once for the packet path: each hook's base chain and
   * the chains by name (a jump's destination) */
  byHook: (EbtChain | undefined)[];
  byName: Map<string, EbtChain>;
}

/** the table's rules replaced, their hook entries and jump destinations resolved */
function setInfo(t: EbtTable, info: EbtTableInfo): void {
  t.info = info;
  t.byHook = [];
  for (const c of info.chains) if (c.hook !== undefined) t.byHook[c.hook] = c;
  t.byName = new Map(info.chains.map((c) => [c.name, c]));
}

/** per netns: the tables written so far */
const ebtNets = new NetGeneric<Map<string, EbtTable>>();

function tablesOf(net: Net): Map<string, EbtTable> {
  let m = ebtNets.get(net);
  if (!m) ebtNets.set(net, (m = new Map()));
  return m;
}

function templateInfo(t: EbtTemplate): EbtTableInfo {
  return { name: t.name, exists: false, chains: t.chains.map(([name, hook]) => ({ name, policy: "ACCEPT", hook, entries: [] })) };
}

function cloneInfo(i: EbtTableInfo): EbtTableInfo {
  return {
    name: i.name,
    exists: true,
    chains: i.chains.map((c) => ({
      ...c,
      entries: c.entries.map((e) => ({
        ...e,
        matches: e.matches.map((m) => ({ ...m, data: { ...m.data } }) as EbtMatch),
        targetInfo: e.targetInfo ? ({ ...e.targetInfo, data: { ...e.targetInfo.data } } as EbtTargetExt) : undefined,
      })),
    })),
  };
}

/** do_ebt_get_ctl(EBT_SO_GET_ENTRIES) */
export function ebtGetEntries(net: Net, name: string): EbtTableInfo | KErr {
  const t = tablesOf(net).get(name);
  if (t) return cloneInfo(t.info);
  const tpl = TEMPLATES.find((x) => x.name === name);
  if (!tpl) return kerr("ENOENT");
  return templateInfo(tpl);
}

/** ebt_ip_mt_check() */
function ebtIpMtCheck(e: EbtEntry, info: EbtIpInfo): boolean {
  if (e.ethproto !== 0x0800 || e.invflags & EBT_IPROTO) return false;
  if (info.bitmask & ~0x3f || info.invflags & ~0x3f) return false;
  if (info.bitmask & (EBT_IP_DPORT | EBT_IP_SPORT)) {
    if (info.invflags & EBT_IP_PROTO) return false;
    if (![6, 17, 33, 132, 136].includes(info.protocol)) return false;
  }
  if (info.bitmask & EBT_IP_DPORT && info.dport[0] > info.dport[1]) return false;
  if (info.bitmask & EBT_IP_SPORT && info.sport[0] > info.sport[1]) return false;
  return true;
}

/** ebt_ip6_mt_check() */
function ebtIp6MtCheck(e: EbtEntry, info: EbtIp6Info): boolean {
  if (e.ethproto !== 0x86dd || e.invflags & EBT_IPROTO) return false;
  if (info.bitmask & ~EBT_IP6_MASK || info.invflags & ~EBT_IP6_MASK) return false;
  if (info.bitmask & (EBT_IP6_DPORT | EBT_IP6_SPORT)) {
    if (info.invflags & EBT_IP6_PROTO) return false;
    if (![6, 17, 33, 132, 136].includes(info.protocol)) return false;
  }
  if (info.bitmask & EBT_IP6_DPORT && info.dport[0] > info.dport[1]) return false;
  if (info.bitmask & EBT_IP6_SPORT && info.sport[0] > info.sport[1]) return false;
  if (info.bitmask & EBT_IP6_ICMP6) {
    if (info.invflags & EBT_IP6_PROTO || info.protocol !== 58) return false;
    if (info.icmpv6Type[0] > info.icmpv6Type[1] || info.icmpv6Code[0] > info.icmpv6Code[1]) return false;
  }
  return true;
}

/** ebt_mark_mt_check() */
function ebtMarkMtCheck(info: EbtMarkMInfo): boolean {
  if (info.bitmask & ~(EBT_MARK_AND | EBT_MARK_OR)) return false;
  if (info.bitmask & EBT_MARK_OR && info.bitmask & EBT_MARK_AND) return false;
  return info.bitmask !== 0;
}

/** ebt_mark_tg_check(): a verdict of the standard four and one of the four actions */
function ebtMarkTgCheck(info: EbtMarkTInfo): boolean {
  const v = info.target | ~EBT_VERDICT_BITS;
  if (v < -4 || v >= 0) return false;
  const a = info.target & ~EBT_VERDICT_BITS;
  return [MARK_SET_VALUE, MARK_OR_VALUE, MARK_AND_VALUE, MARK_XOR_VALUE].includes(a);
}

/** a verdict target's int: one of the four standard verdicts (ebt_invalid_target()) */
function validVerdict(v: number): boolean {
  return v >= -4 && v < 0;
}

/**
 * ebt_snat_tg_check(), ebt_dnat_tg_check(), ebt_redirect_tg_check() with xt_check_target()'s
 * table and hook checks, as nft_compat runs them: the hook mask is the base chain's hook, none
 * for a rule of a user chain (so BASE_CHAIN, the legacy tables' bit, never holds)
 */
function ebtTargetCheck(t: EbtTargetExt, table: string, hook: number | undefined): boolean {
  const mask = hook === undefined ? 0 : 1 << hook;
  switch (t.name) {
    case "mark":
      return ebtMarkTgCheck(t.data);
    case "snat": {
      if (table !== "nat" || mask & ~(1 << NF_BR_POST_ROUTING)) return false;
      if (!validVerdict(t.data.target | ~EBT_VERDICT_BITS)) return false;
      return ((t.data.target | EBT_VERDICT_BITS) & ~NAT_ARP_BIT) === ~NAT_ARP_BIT;
    }
    case "dnat":
      if (table !== "nat" || mask & ~((1 << NF_BR_PRE_ROUTING) | (1 << NF_BR_LOCAL_OUT))) return false;
      return validVerdict(t.data.target);
    case "redirect":
      if (table !== "nat" || mask & ~(1 << NF_BR_PRE_ROUTING)) return false;
      return validVerdict(t.data.target);
    case "log":
      // ebt_log_tg_check()
      return !(t.data.bitmask & ~EBT_LOG_MASK) && t.data.loglevel < 8;
  }
}

function ebtMatchCheck(e: EbtEntry, m: EbtMatch, table: string, hook: number | undefined): boolean {
  switch (m.name) {
    case "ip":
      return ebtIpMtCheck(e, m.data);
    case "ip6":
      return ebtIp6MtCheck(e, m.data);
    case "mark_m":
      return ebtMarkMtCheck(m.data);
    case "pkttype":
      return m.data.invert === 0 || m.data.invert === 1;
    case "limit":
      return nftLimitInit(m.data);
    case "vlan":
      return ebtVlanMtCheck(e, m.data);
    case "among":
      return true;
    case "arp":
      // ebt_arp_mt_check(): -p ARP or RARP, not inverted
      if ((e.ethproto !== 0x0806 && e.ethproto !== 0x8035) || e.bitmask & EBT_NOPROTO || e.invflags & EBT_IPROTO) return false;
      return !(m.data.bitmask & ~EBT_ARP_MASK) && !(m.data.invflags & ~EBT_ARP_MASK);
    default:
      return ebtTargetCheck(m, table, hook);
  }
}

/** translate_table(): the checks of a new table; its jumps must name chains of it, no loops */
function translateTable(info: EbtTableInfo, tpl: EbtTemplate): KErr | undefined {
  const names = new Set(info.chains.map((c) => c.name));
  for (const [n] of tpl.chains) if (!names.has(n)) return kerr("EINVAL");
  for (const c of info.chains) {
    const builtin = tpl.chains.some(([n]) => n === c.name);
    if (!["ACCEPT", "DROP"].includes(c.policy) && !(c.policy === "RETURN" && !builtin)) return kerr("EINVAL");
    for (const e of c.entries) {
      // the nft bridge rule ebtables-nft 1.8.9 makes of --logical-in/-out is refused
      if (e.logicalIn || e.logicalOut) return kerr("EOPNOTSUPP");
      for (const m of e.matches) if (!ebtMatchCheck(e, m, info.name, c.hook)) return kerr("EINVAL");
      if (e.targetInfo) {
        if (!ebtTargetCheck(e.targetInfo, info.name, c.hook)) return kerr("EINVAL");
      } else if (!["ACCEPT", "DROP", "CONTINUE", "RETURN"].includes(e.target) && !names.has(e.target)) return kerr("EBUSY");
    }
  }
  // check_chainloops()
  const byName = new Map(info.chains.map((c) => [c.name, c]));
  const visiting = new Set<string>();
  const done = new Set<string>();
  const loop = (c: EbtChain): boolean => {
    if (done.has(c.name)) return false;
    if (visiting.has(c.name)) return true;
    visiting.add(c.name);
    for (const e of c.entries) {
      const to = byName.get(e.target);
      if (to && loop(to)) return true;
    }
    visiting.delete(c.name);
    done.add(c.name);
    return false;
  };
  for (const c of info.chains) if (loop(c)) return kerr("ELOOP");
  return undefined;
}

/** do_replace() + ebt_register_table() on first write */
export function ebtDoReplace(net: Net, repl: EbtTableInfo): KErr | undefined {
  const tpl = TEMPLATES.find((x) => x.name === repl.name);
  if (!tpl) return kerr("ENOENT");
  const info = cloneInfo(repl);
  for (const c of info.chains) {
    const b = tpl.chains.find(([n]) => n === c.name);
    c.hook = b ? b[1] : undefined;
  }
  const err = translateTable(info, tpl);
  if (err) return err;
  const tables = tablesOf(net);
  const t = tables.get(tpl.name);
  if (repl.exists === false) {
    // the table's deletion (ebtables --init-table flushes the nft table away)
    if (t) {
      nfUnregisterNetHooks(net, t.ops);
      tables.delete(tpl.name);
    }
    return undefined;
  }
  if (t) {
    keepLimitState(t.info, info);
    setInfo(t, info);
    return undefined;
  }
  const nt: EbtTable = { info, ops: [], byHook: [], byName: new Map() };
  setInfo(nt, info);
  nt.ops = tpl.chains.map(([, hook, priority]) => ({
    pf: NFPROTO_BRIDGE, hooknum: hook, priority, priv: nt,
    hook: (priv: unknown, skb: SkBuff, state: NfHookState) => ebtDoTable(priv as EbtTable, skb, state),
  }));
  tables.set(tpl.name, nt);
  nfRegisterNetHooks(net, nt.ops);
  return undefined;
}

/** ebt_dev_check(): 0 when the device matches the name ("" matches all, "eth+" a prefix) */
function ebtDevCheck(entry: string, dev: NetDevice | undefined): boolean {
  if (!entry) return false;
  if (!dev) return true;
  const last = entry.length - 1;
  if (entry.charCodeAt(last) === 0x2b /* + */) {
    // "eth+": a prefix, compared in place
    const name = dev.name;
    if (name.length < last) return true;
    for (let i = 0; i < last; i++) if (name.charCodeAt(i) !== entry.charCodeAt(i)) return true;
    return false;
  }
  return dev.name !== entry;
}

/** the bridge of a port (br_port_get_rcu(dev)->br->dev), without depending on bridge/ */
function bridgeOf(dev: NetDevice): NetDevice | undefined {
  return dev.brPort ? dev.master : undefined;
}

function macMaskedDiffers(b: Uint8Array, o: number, mac: number[], msk: number[]): boolean {
  for (let i = 0; i < 6; i++) if (((b[o + i]! ^ mac[i]!) & msk[i]!) !== 0) return true;
  return false;
}

/** NF_INVF() */
function invf(e: { invflags: number }, flag: number, b: boolean): boolean {
  return b !== ((e.invflags & flag) !== 0);
}

/** ebt_basic_match(): true when the entry does NOT match (the kernel's return 1) */
function ebtBasicMatch(e: EbtEntry, skb: SkBuff, inDev: NetDevice | undefined, outDev: NetDevice | undefined): boolean {
  const mh = skb.macHeader >= 0 ? skb.macHeader : skb.data - 14;
  const b = skb.buf;
  const ethproto = skb.vlanPresent ? 0x8100 : (b[mh + 12]! << 8) | b[mh + 13]!;
  if (e.bitmask & EBT_802_3) {
    if (invf(e, EBT_IPROTO, ethproto >= 0x0600)) return true;
  } else if (!(e.bitmask & EBT_NOPROTO) && invf(e, EBT_IPROTO, e.ethproto !== ethproto)) return true;
  if (invf(e, EBT_IIN, ebtDevCheck(e.in, inDev))) return true;
  if (invf(e, EBT_IOUT, ebtDevCheck(e.out, outDev))) return true;
  const lin = inDev ? bridgeOf(inDev) : undefined;
  if (inDev && lin && invf(e, EBT_ILOGICALIN, ebtDevCheck(e.logicalIn, lin))) return true;
  const lout = outDev ? bridgeOf(outDev) : undefined;
  if (outDev && lout && invf(e, EBT_ILOGICALOUT, ebtDevCheck(e.logicalOut, lout))) return true;
  if (e.bitmask & EBT_SOURCEMAC && invf(e, EBT_ISOURCE, macMaskedDiffers(b, mh + 6, e.sourcemac, e.sourcemsk))) return true;
  if (e.bitmask & EBT_DESTMAC && invf(e, EBT_IDEST, macMaskedDiffers(b, mh, e.destmac, e.destmsk))) return true;
  return false;
}

/** net/bridge/netfilter/ebt_ip.c: ebt_ip_mt() */
function ebtIpMt(skb: SkBuff, info: EbtIpInfo): boolean {
  const b = skb.buf;
  const o = skb.data;
  if (skb.len < 20) return false;
  if (info.bitmask & EBT_IP_TOS && invf(info, EBT_IP_TOS, info.tos !== b[o + 1])) return false;
  if (info.bitmask & EBT_IP_SOURCE && invf(info, EBT_IP_SOURCE, ((readU32(b, o + 12) & info.smsk) >>> 0) !== info.saddr)) return false;
  if (info.bitmask & EBT_IP_DEST && invf(info, EBT_IP_DEST, ((readU32(b, o + 16) & info.dmsk) >>> 0) !== info.daddr)) return false;
  if (info.bitmask & EBT_IP_PROTO) {
    const proto = b[o + 9]!;
    if (invf(info, EBT_IP_PROTO, info.protocol !== proto)) return false;
    if (!(info.bitmask & (EBT_IP_DPORT | EBT_IP_SPORT))) return true;
    if (readU16(b, o + 6) & 0x1fff) return false;
    const th = o + (b[o]! & 0xf) * 4;
    if (th + 4 > skb.tail) return false;
    if (info.bitmask & EBT_IP_DPORT) {
      const d = readU16(b, th + 2);
      if (invf(info, EBT_IP_DPORT, d < info.dport[0] || d > info.dport[1])) return false;
    }
    if (info.bitmask & EBT_IP_SPORT) {
      const s = readU16(b, th);
      if (invf(info, EBT_IP_SPORT, s < info.sport[0] || s > info.sport[1])) return false;
    }
  }
  return true;
}

/** include/net/ipv6.h: ipv6_masked_addr_cmp() */
function ip6MaskedDiffers(b: Uint8Array, o: number, mask: Uint8Array, addr: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if ((b[o + i]! & mask[i]!) !== addr[i]) return true;
  return false;
}

/** net/ipv6/exthdrs_core.c: ipv6_skip_exthdr(): the upper-layer header after the extension
 * headers (hop-by-hop, routing, destination options, fragment, AH); -1 when it cannot be read */
function ipv6SkipExthdr(b: Uint8Array, end: number, start: number, nexthdr: number): [number, number] {
  let o = start;
  let nh = nexthdr;
  for (;;) {
    if (nh !== 0 && nh !== 43 && nh !== 60 && nh !== 44 && nh !== 51) return [o, nh];
    if (o + 8 > end) return [-1, nh];
    if (nh === 44) {
      // a fragment other than the first has no upper header to look at
      if ((((b[o + 2]! << 8) | b[o + 3]!) & ~0x7) !== 0) return [o, nh];
      nh = b[o]!;
      o += 8;
      continue;
    }
    const len = nh === 51 ? (b[o + 1]! + 2) << 2 : (b[o + 1]! + 1) << 3;
    nh = b[o]!;
    o += len;
  }
}

/** net/bridge/netfilter/ebt_ip6.c: ebt_ip6_mt() */
function ebtIp6Mt(skb: SkBuff, info: EbtIp6Info): boolean {
  const b = skb.buf;
  const o = skb.data;
  if (skb.len < 40) return false;
  if (info.bitmask & EBT_IP6_TCLASS && invf(info, EBT_IP6_TCLASS, info.tclass !== (((b[o]! << 4) | (b[o + 1]! >> 4)) & 0xff))) return false;
  if (info.bitmask & EBT_IP6_SOURCE && invf(info, EBT_IP6_SOURCE, ip6MaskedDiffers(b, o + 8, info.smsk, info.saddr))) return false;
  if (info.bitmask & EBT_IP6_DEST && invf(info, EBT_IP6_DEST, ip6MaskedDiffers(b, o + 24, info.dmsk, info.daddr))) return false;
  if (info.bitmask & EBT_IP6_PROTO) {
    const [th, nexthdr] = ipv6SkipExthdr(b, skb.tail, o + 40, b[o + 6]!);
    if (th < 0) return false;
    if (invf(info, EBT_IP6_PROTO, info.protocol !== nexthdr)) return false;
    if (!(info.bitmask & (EBT_IP6_DPORT | EBT_IP6_SPORT | EBT_IP6_ICMP6))) return true;
    if (th + 4 > skb.tail) return false;
    if (info.bitmask & EBT_IP6_DPORT) {
      const d = readU16(b, th + 2);
      if (invf(info, EBT_IP6_DPORT, d < info.dport[0] || d > info.dport[1])) return false;
    }
    if (info.bitmask & EBT_IP6_SPORT) {
      const sp = readU16(b, th);
      if (invf(info, EBT_IP6_SPORT, sp < info.sport[0] || sp > info.sport[1])) return false;
    }
    if (info.bitmask & EBT_IP6_ICMP6) {
      const t = b[th]!;
      const c = b[th + 1]!;
      if (invf(info, EBT_IP6_ICMP6, t < info.icmpv6Type[0] || t > info.icmpv6Type[1] || c < info.icmpv6Code[0] || c > info.icmpv6Code[1])) return false;
    }
  }
  return true;
}

/** the nft limit expression's state: its bucket (ns of tokens) */
interface NftLimit {
  cost: number;
  tokensMax: number;
  tokens: number;
  last: number;
}
const limits = new WeakMap<EbtLimitInfo, NftLimit>();

/** [packets, per seconds] as add_nft_limit() writes an xt_rateinfo */
function limitRateUnit(avg: number): [number, number] {
  const mult = [XT_LIMIT_SCALE * 86400, XT_LIMIT_SCALE * 3600, XT_LIMIT_SCALE * 60, XT_LIMIT_SCALE];
  let i = 1;
  for (; i < mult.length; i++) if (avg > mult[i]! || Math.floor(mult[i]! / avg) < mult[i]! % avg) break;
  return [Math.floor(mult[i - 1]! / avg), mult[i - 1]! / XT_LIMIT_SCALE];
}

/**
 * ebtables-nft changes only the rules a command names, so a limit of a rule left alone keeps its
 * bucket: carry the state over to the same rule (chain and content) of the new table
 */
function keepLimitState(from: EbtTableInfo, to: EbtTableInfo): void {
  const key = (chain: string, e: EbtEntry) =>
    `${chain}\n${JSON.stringify({ ...e, pcnt: 0, bcnt: 0 }, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`;
  const old = new Map<string, NftLimit[][]>();
  for (const c of from.chains)
    for (const e of c.entries) {
      const ls = e.matches.filter((m) => m.name === "limit").map((m) => limits.get(m.data as EbtLimitInfo));
      if (!ls.some((l) => l)) continue;
      const k = key(c.name, e);
      const q = old.get(k) ?? [];
      q.push(ls as NftLimit[]);
      old.set(k, q);
    }
  if (!old.size) return;
  for (const c of to.chains)
    for (const e of c.entries) {
      const q = old.get(key(c.name, e));
      const ls = q?.shift();
      if (!ls) continue;
      let i = 0;
      for (const m of e.matches) if (m.name === "limit") {
        const l = ls[i++];
        if (l) limits.set(m.data, l);
      }
    }
}

/** nft_limit_init() for packets: a burst of 0 is 5; the bucket starts full (set up on first use) */
function nftLimitInit(info: EbtLimitInfo): boolean {
  if (info.avg === 0) return false;
  const [rate] = limitRateUnit(info.avg);
  if (rate === 0) return false;
  if (info.burst === 0) info.burst = 5;
  return true;
}

/** nft_limit_pkts_eval(): true when the packet is within the rate */
function nftLimitEval(info: EbtLimitInfo, net: Net): boolean {
  const now = nfIpv4Ops.now(net) * 1000;
  let l = limits.get(info);
  if (!l) {
    const [rate, unit] = limitRateUnit(info.avg);
    const cost = Math.floor((unit * 1e9) / rate);
    l = { cost, tokensMax: cost * info.burst, tokens: cost * info.burst, last: now };
    limits.set(info, l);
  }
  let tokens = l.tokens + now - l.last;
  if (tokens > l.tokensMax) tokens = l.tokensMax;
  l.last = now;
  const delta = tokens - l.cost;
  if (delta >= 0) {
    l.tokens = delta;
    return true;
  }
  l.tokens = tokens;
  return false;
}

/** ebt_vlan.c: ebt_vlan_mt_check() (the rule's -p must be 802_1Q) */
function ebtVlanMtCheck(e: EbtEntry, v: EbtVlanInfo): boolean {
  if (e.ethproto !== 0x8100 || e.bitmask & EBT_NOPROTO) return false;
  if (v.bitmask & ~EBT_VLAN_MASK || v.invflags & ~EBT_VLAN_MASK) return false;
  if (v.bitmask & EBT_VLAN_ID && v.id) {
    if (v.id > 4096) return false;
    // a tagged frame's priority is to be ignored (802.1Q): the kernel drops the flag
    v.bitmask &= ~EBT_VLAN_PRIO;
  }
  if (v.bitmask & EBT_VLAN_PRIO && v.prio > 7) return false;
  if (v.bitmask & EBT_VLAN_ENCAP && v.encap < 60) return false;
  return true;
}

/** ebt_vlan.c: ebt_vlan_mt(): the tag out of band, or the header in the frame */
function ebtVlanMt(skb: SkBuff, v: EbtVlanInfo): boolean {
  let tci: number;
  let encap: number;
  if (skb.vlanPresent) {
    tci = skb.vlanTci;
    encap = skb.protocol;
  } else {
    if (skb.len < 4) return false;
    tci = readU16(skb.buf, skb.data);
    encap = readU16(skb.buf, skb.data + 2);
  }
  const miss = (a: number, b: number, f: number) => a !== b !== ((v.invflags & f) !== 0);
  if (v.bitmask & EBT_VLAN_ID && miss(v.id, tci & 0xfff, EBT_VLAN_ID)) return false;
  if (v.bitmask & EBT_VLAN_PRIO && miss(v.prio, (tci >> 13) & 7, EBT_VLAN_PRIO)) return false;
  if (v.bitmask & EBT_VLAN_ENCAP && miss(v.encap, encap, EBT_VLAN_ENCAP)) return false;
  return true;
}

/**
 * the among match as add_nft_among() programs it: "meta protocol ip" when a side has
 * addresses, then per side a set lookup (inverted with '!') of the MAC, or of the MAC and the
 * IPv4 address
 */
function nftAmong(skb: SkBuff, a: EbtAmongInfo): boolean {
  const b = skb.buf;
  const mh = skb.macHeader >= 0 ? skb.macHeader : skb.data - 14;
  if ((a.src.pairs.length && a.src.ip) || (a.dst.pairs.length && a.dst.ip)) {
    if (skb.protocol !== 0x0800) return false;
  }
  const lookup = (sd: EbtAmongSide, macOff: number, ipOff: number): boolean => {
    const ip = sd.ip ? readU32(b, skb.data + ipOff) : 0;
    const found = sd.pairs.some(([m, pip]) => m.every((x, i) => x === b[macOff + i]) && (!sd.ip || pip === ip));
    return found !== sd.inv;
  };
  if (a.src.pairs.length && !lookup(a.src, mh + 6, 12)) return false;
  if (a.dst.pairs.length && !lookup(a.dst, mh, 16)) return false;
  return true;
}

/** ebt_arp.c: ebt_arp_mt() */
function ebtArpMt(skb: SkBuff, a: EbtArpInfo): boolean {
  const b = skb.buf;
  const o = skb.data;
  const len = skb.len;
  if (len < 8) return false;
  const hrd = readU16(b, o);
  const pro = readU16(b, o + 2);
  const hln = b[o + 4]!;
  const pln = b[o + 5]!;
  if (a.bitmask & EBT_ARP_OPCODE && invf(a, EBT_ARP_OPCODE, a.opcode !== readU16(b, o + 6))) return false;
  if (a.bitmask & EBT_ARP_HTYPE && invf(a, EBT_ARP_HTYPE, a.htype !== hrd)) return false;
  if (a.bitmask & EBT_ARP_PTYPE && invf(a, EBT_ARP_PTYPE, a.ptype !== pro)) return false;
  if (a.bitmask & (EBT_ARP_SRC_IP | EBT_ARP_DST_IP | EBT_ARP_GRAT)) {
    if (pln !== 4 || pro !== 0x0800) return false;
    const so = 8 + hln;
    const dof = 8 + 2 * hln + 4;
    if (so + 4 > len || dof + 4 > len) return false;
    const sa = readU32(b, o + so);
    const da = readU32(b, o + dof);
    if (a.bitmask & EBT_ARP_SRC_IP && invf(a, EBT_ARP_SRC_IP, a.saddr !== ((sa & a.smsk) >>> 0))) return false;
    if (a.bitmask & EBT_ARP_DST_IP && invf(a, EBT_ARP_DST_IP, a.daddr !== ((da & a.dmsk) >>> 0))) return false;
    if (a.bitmask & EBT_ARP_GRAT && invf(a, EBT_ARP_GRAT, da !== sa)) return false;
  }
  if (a.bitmask & (EBT_ARP_SRC_MAC | EBT_ARP_DST_MAC)) {
    if (hln !== 6 || hrd !== 1) return false;
    if (a.bitmask & EBT_ARP_SRC_MAC) {
      if (8 + 6 > len) return false;
      if (invf(a, EBT_ARP_SRC_MAC, macMaskedDiffers(b, o + 8, a.smaddr, a.smmsk))) return false;
    }
    if (a.bitmask & EBT_ARP_DST_MAC) {
      const off = 8 + hln + pln;
      if (off + 6 > len) return false;
      if (invf(a, EBT_ARP_DST_MAC, macMaskedDiffers(b, o + off, a.dmaddr, a.dmmsk))) return false;
    }
  }
  return true;
}

/** ebt_mark_m.c: ebt_mark_mt() */
function ebtMarkMt(skb: SkBuff, info: EbtMarkMInfo): boolean {
  const mark = BigInt(skb.mark >>> 0);
  if (info.bitmask & EBT_MARK_OR) return ((mark & info.mask) !== 0n) !== (info.invert !== 0);
  return ((mark & info.mask) === info.mark) !== (info.invert !== 0);
}

/** ebt_mark.c: ebt_mark_tg(): skb->mark (a u32) from the unsigned long; the verdict */
function ebtMarkTg(skb: SkBuff, info: EbtMarkTInfo): number {
  const action = info.target & ~EBT_VERDICT_BITS;
  const v = Number(info.mark & 0xffffffffn) >>> 0;
  if (action === MARK_SET_VALUE) skb.mark = v;
  else if (action === MARK_OR_VALUE) skb.mark = (skb.mark | v) >>> 0;
  else if (action === MARK_AND_VALUE) skb.mark = (skb.mark & v) >>> 0;
  else if (action === MARK_XOR_VALUE) skb.mark = (skb.mark ^ v) >>> 0;
  return info.target | ~EBT_VERDICT_BITS;
}

/** ebt_snat_tg(): the source MAC, and with --snat-arp an ARP packet's sender hardware address */
function ebtSnatTg(skb: SkBuff, info: EbtNatInfo): number {
  const b = skb.buf;
  const mh = skb.macHeader >= 0 ? skb.macHeader : skb.data - 14;
  for (let i = 0; i < 6; i++) b[mh + 6 + i] = info.mac[i]!;
  if (!(info.target & NAT_ARP_BIT) && readU16(b, mh + 12) === 0x0806) {
    if (skb.len < 8) return EBT_DROP;
    // ar_hln
    if (b[skb.data + 4] === 6) {
      if (skb.len < 14) return EBT_DROP;
      for (let i = 0; i < 6; i++) b[skb.data + 8 + i] = info.mac[i]!;
    }
  }
  return info.target | ~EBT_VERDICT_BITS;
}

/** ebt_dnat_tg(): the destination MAC, and the packet type it gives the frame */
function ebtDnatTg(skb: SkBuff, info: EbtNatInfo, state: NfHookState): number {
  const b = skb.buf;
  const mh = skb.macHeader >= 0 ? skb.macHeader : skb.data - 14;
  for (let i = 0; i < 6; i++) b[mh + i] = info.mac[i]!;
  if (info.mac[0]! & 1) {
    skb.pktType = info.mac.every((x) => x === 0xff) ? PACKET_BROADCAST : PACKET_MULTICAST;
  } else {
    let dev: NetDevice | undefined;
    if (state.hook === NF_BR_BROUTING) dev = state.in;
    else if (state.hook === NF_BR_PRE_ROUTING && state.in) dev = bridgeOf(state.in);
    if (!dev) return info.target;
    skb.pktType = info.mac.every((x, i) => x === dev.devAddr[i]) ? PACKET_HOST : PACKET_OTHERHOST;
  }
  return info.target;
}

/** ebt_redirect_tg(): to the bridge's own MAC (the port's, in BROUTING) */
function ebtRedirectTg(skb: SkBuff, target: number, state: NfHookState): number {
  const b = skb.buf;
  const mh = skb.macHeader >= 0 ? skb.macHeader : skb.data - 14;
  const dev = state.hook === NF_BR_BROUTING ? state.in : state.in ? bridgeOf(state.in) : undefined;
  if (dev) for (let i = 0; i < 6; i++) b[mh + i] = dev.devAddr[i]!;
  skb.pktType = PACKET_HOST;
  return target;
}

/** %pI6: eight groups of four hex digits, no compression (%pI6c is the compressed form) */
function ip6Text(b: Uint8Array, o: number): string {
  const w: string[] = [];
  for (let i = 0; i < 8; i++) w.push(readU16(b, o + 2 * i).toString(16).padStart(4, "0"));
  return w.join(":");
}

/** ebt_log.c: ebt_log_tg() and ebt_log_packet(): one kernel log line; the rule goes on */
function ebtLogTg(skb: SkBuff, info: EbtLogInfo, state: NfHookState): number {
  const b = skb.buf;
  const mh = skb.macHeader >= 0 ? skb.macHeader : skb.data - 14;
  const nh = skb.data;
  const avail = skb.len;
  const proto = readU16(b, mh + 12);
  let s = `${info.prefix} IN=${state.in ? state.in.name : ""} OUT=${state.out ? state.out.name : ""} MAC source = ${macToString(b, mh + 6)} MAC dest = ${macToString(b, mh)} proto = 0x${proto.toString(16).padStart(4, "0")}`;
  const ports = (protocol: number, off: number) => {
    if (![6, 17, 136, 132, 33].includes(protocol)) return;
    if (off + 4 > avail) s += " INCOMPLETE TCP/UDP header";
    else s += ` SPT=${readU16(b, nh + off)} DPT=${readU16(b, nh + off + 2)}`;
  };
  if (info.bitmask & EBT_LOG_IP && proto === 0x0800) {
    if (avail < 20) s += " INCOMPLETE IP header";
    else {
      s += ` IP SRC=${ipv4ToString(readU32(b, nh + 12))} IP DST=${ipv4ToString(readU32(b, nh + 16))}, IP tos=0x${b[nh + 1]!.toString(16).padStart(2, "0").toUpperCase()}, IP proto=${b[nh + 9]}`;
      ports(b[nh + 9]!, (b[nh]! & 0xf) * 4);
    }
  } else if (info.bitmask & EBT_LOG_IP6 && proto === 0x86dd) {
    if (avail < 40) s += " INCOMPLETE IPv6 header";
    else {
      const nexthdr = b[nh + 6]!;
      s += ` IPv6 SRC=${ip6Text(b, nh + 8)} IPv6 DST=${ip6Text(b, nh + 24)}, IPv6 priority=0x${(b[nh]! & 0xf).toString(16).toUpperCase()}, Next Header=${nexthdr}`;
      // ipv6_skip_exthdr() over no extension headers
      ports(nexthdr, 40);
    }
  } else if (info.bitmask & EBT_LOG_ARP && (proto === 0x0806 || proto === 0x8035)) {
    if (avail < 8) s += " INCOMPLETE ARP header";
    else {
      s += ` ARP HTYPE=${readU16(b, nh)}, PTYPE=0x${readU16(b, nh + 2).toString(16).padStart(4, "0")}, OPCODE=${readU16(b, nh + 6)}`;
      if (readU16(b, nh) === 1 && b[nh + 4] === 6 && b[nh + 5] === 4) {
        if (avail < 28) s += " INCOMPLETE ARP payload";
        else
          s += ` ARP MAC SRC=${macToString(b, nh + 8)} ARP IP SRC=${ipv4ToString(readU32(b, nh + 14))} ARP MAC DST=${macToString(b, nh + 18)} ARP IP DST=${ipv4ToString(readU32(b, nh + 24))}`;
      }
    }
  }
  nfIpv4Ops.printk(state.net, info.loglevel, s);
  return EBT_CONTINUE;
}

/** a target extension on the frame: its verdict */
function ebtTargetExt(skb: SkBuff, t: EbtTargetExt, state: NfHookState): number {
  switch (t.name) {
    case "mark":
      return ebtMarkTg(skb, t.data);
    case "snat":
      return ebtSnatTg(skb, t.data);
    case "dnat":
      return ebtDnatTg(skb, t.data, state);
    case "redirect":
      return ebtRedirectTg(skb, t.data.target, state);
    case "log":
      return ebtLogTg(skb, t.data, state);
  }
}

/** a match of the rule: true when it matches */
function ebtMatch(skb: SkBuff, m: EbtMatch, net: Net): boolean {
  switch (m.name) {
    case "ip":
      return ebtIpMt(skb, m.data);
    case "ip6":
      return ebtIp6Mt(skb, m.data);
    case "mark_m":
      return ebtMarkMt(skb, m.data);
    case "pkttype":
      return (skb.pktType === (m.data as EbtPkttypeInfo).pktType) !== (m.data.invert !== 0);
    case "limit":
      return nftLimitEval(m.data, net);
    case "vlan":
      return ebtVlanMt(skb, m.data);
    case "arp":
      return ebtArpMt(skb, m.data);
    case "among":
      return nftAmong(skb, m.data);
    default:
      return true;
  }
}

/** ebt_do_table() */
export function ebtDoTable(table: EbtTable, skb: SkBuff, state: NfHookState): number {
  const found = table.byHook[state.hook];
  if (!found) return NF_ACCEPT;
  let chain: EbtChain = found;
  // the jump stack, allocated on the first jump (most walks never jump)
  let stack: { chain: EbtChain; i: number }[] | undefined;
  let i = 0;
  for (;;) {
    if (i >= chain.entries.length) {
      // end of chain: its policy (RETURN pops to the caller)
      // ebt_do_table() would pop back to the caller for a user chain's RETURN policy; the
      // nft rules ebtables-nft 1.8.9 makes of it accept the packet instead (seen on the lab
      // kernel: nothing after the `-j chain` rule counts, FORWARD's DROP policy is not reached)
      return chain.policy === "DROP" ? NF_DROP : NF_ACCEPT;
    }
    const e: EbtEntry = chain.entries[i]!;
    i++;
    if (ebtBasicMatch(e, skb, state.in, state.out)) continue;
    // the rule's expressions in order: matches, and the targets placed among them (a mark
    // given without -j), whose verdict ends the rule before its counter (nft_target_eval_bridge)
    let verdict = EBT_CONTINUE;
    let ok = true;
    for (let k = 0; k < e.matches.length; k++) {
      const m = e.matches[k]!;
      if (m.name === "mark" || m.name === "snat" || m.name === "dnat" || m.name === "redirect" || m.name === "log") {
        verdict = ebtTargetExt(skb, m, state);
        if (verdict !== EBT_CONTINUE) break;
      } else if (!ebtMatch(skb, m, state.net)) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    let target = e.target;
    if (verdict === EBT_CONTINUE) {
      e.pcnt++;
      e.bcnt += skb.len;
      if (e.targetInfo) verdict = ebtTargetExt(skb, e.targetInfo, state);
    }
    if (verdict !== EBT_CONTINUE || e.targetInfo) target = VERDICT_NAMES.get(verdict) ?? "DROP";
    switch (target) {
      case "CONTINUE":
        continue;
      case "ACCEPT":
        return NF_ACCEPT;
      case "DROP":
        return NF_DROP;
      case "RETURN": {
        const top = stack?.pop();
        if (!top) continue; // in a base chain RETURN acts as CONTINUE
        chain = top.chain;
        i = top.i;
        continue;
      }
      default: {
        const to = table.byName.get(e.target);
        if (!to) return NF_DROP;
        (stack ??= []).push({ chain, i });
        chain = to;
        i = 0;
      }
    }
  }
}

const VERDICT_NAMES = new Map([[EBT_ACCEPT, "ACCEPT"], [EBT_DROP, "DROP"], [EBT_CONTINUE, "CONTINUE"], [EBT_RETURN, "RETURN"]]);

let done = false;

/** module init: nothing per namespace until a table is written; the exit drops them */
export function ebtablesInit(): void {
  if (done) return;
  done = true;
  registerPernetOps({ exit: (net) => void ebtNets.delete(net) });
}
