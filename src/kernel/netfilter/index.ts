/**
 * netfilter's module init and the ioctl requests userland (iptables, conntrack) uses.
 * World (or af_inet) calls netfilterInit() once; ioctls go through core/dev_ioctl.ts.
 */
import type { Net } from "../core/net_namespace.ts";
import { isKErr, kerr, type KErr } from "../uapi/errno.ts";
import { IPS_ASSURED, IPS_SEEN_REPLY, type IptReplace, type NfConntrackTuple, type XtCountersInfo } from "../uapi/xtables.ts";
import { IPT_TABLE_ORDER, iptAddCounters, iptDoReplace, iptGetEntries, iptGetInfo, iptTableNames } from "./ip_tables.ts";
import { iptableInit } from "./iptable_tables.ts";
import { ctnlFamilyErr, nfConntrackCreate, nfConntrackDelete, nfConntrackDump, nfConntrackListen, nfConntrackUpdate, type CtnlTuple } from "./nf_conntrack.ts";
import { xtFindRevision } from "./x_tables.ts";
import { NFPROTO_IPV4, NFPROTO_IPV6 } from "./core.ts";
import { ip6tablesInit } from "./ip6_tables.ts";
import { icmp6Send } from "../ipv6/ip6_input.ts";
import { xtMatchesInit } from "./xt_matches.ts";
import { ebtDoReplace, ebtGetEntries, ebtablesInit } from "./ebtables.ts";
import type { EbtTableInfo } from "../uapi/ebtables.ts";
import { xtTargetsInit } from "./xt_targets.ts";
import { xtConnInit } from "./xt_conn.ts";
import { xtPktInit } from "./xt_pkt.ts";
import { xtStateInit } from "./xt_state.ts";
import { xtRouteInit } from "./xt_route.ts";
import { xtTgInit } from "./xt_tg.ts";
import { xtMiscInit } from "./xt_misc.ts";
import { nfnetlinkQueueInit, nfqnlSeqShow } from "./nfnetlink_queue.ts";
import { nfulnlSeqShow } from "./nfnetlink_log.ts";
import { nfLogSeqShow } from "./nf_log.ts";
import { registerProcNetNode } from "../core/procfs.ts";
import { fsDir, fsFile } from "../core/sysfs.ts";
import { nfSetIpv4Ops, nfSetIpv6Ops } from "./nf_glue.ts";
import { registerIoctl } from "../core/dev_ioctl.ts";
import { registerProcNet } from "../core/procfs.ts";
import { nfConntrackStandaloneInit } from "./nf_conntrack_standalone.ts";
import { inetSelectAddr } from "../ipv4/devinet.ts";
import { inetAddrType, inetAddrTypeDevTable } from "../ipv4/fib_frontend.ts";
import { icmpSend } from "../ipv4/icmp.ts";
import { ipRouteMeHarder } from "../ipv4/route.ts";

export type NfIoctlHandler = (net: Net, req: Record<string, unknown>) => Record<string, unknown> | KErr;

/** the ioctl requests netfilter answers, by name */
export const nfIoctls: Record<string, NfIoctlHandler> = {
  IPT_SO_GET_INFO: (net, req) => wrap(iptGetInfo(net, String(req["table"]))),
  IPT_SO_GET_ENTRIES: (net, req) => wrap(iptGetEntries(net, String(req["table"]))),
  IPT_SO_SET_REPLACE: (net, req) => wrap(iptDoReplace(net, req["replace"] as IptReplace)),
  IPT_SO_SET_ADD_COUNTERS: (net, req) => {
    const info = req["info"] as XtCountersInfo;
    const e = iptAddCounters(net, info.name, info.counters);
    return e ?? {};
  },
  IPT_SO_GET_REVISION_MATCH: (_net, req) => revision(NFPROTO_IPV4, String(req["name"]), Number(req["revision"]), false),
  IPT_SO_GET_REVISION_TARGET: (_net, req) => revision(NFPROTO_IPV4, String(req["name"]), Number(req["revision"]), true),
  /** ip6_tables.c: do_ip6t_get_ctl()/do_ip6t_set_ctl(), the same over the IPv6 tables */
  IP6T_SO_GET_INFO: (net, req) => wrap(iptGetInfo(net, String(req["table"]), NFPROTO_IPV6)),
  IP6T_SO_GET_ENTRIES: (net, req) => wrap(iptGetEntries(net, String(req["table"]), NFPROTO_IPV6)),
  IP6T_SO_SET_REPLACE: (net, req) => wrap(iptDoReplace(net, req["replace"] as IptReplace, NFPROTO_IPV6)),
  IP6T_SO_SET_ADD_COUNTERS: (net, req) => {
    const info = req["info"] as XtCountersInfo;
    return iptAddCounters(net, info.name, info.counters, NFPROTO_IPV6) ?? {};
  },
  IP6T_SO_GET_REVISION_MATCH: (_net, req) => revision(NFPROTO_IPV6, String(req["name"]), Number(req["revision"]), false),
  IP6T_SO_GET_REVISION_TARGET: (_net, req) => revision(NFPROTO_IPV6, String(req["name"]), Number(req["revision"]), true),
  /** /proc/net/ip6_tables_names, in the order ip6tables-save prints them */
  IP6T_TABLE_NAMES: (net) => {
    const names = iptTableNames(net, NFPROTO_IPV6);
    return { names: IPT_TABLE_ORDER.filter((n) => names.includes(n)) };
  },
  /** ctnetlink IPCTNL_MSG_CT_GET dump ({zero}: IPCTNL_MSG_CT_GET_CTRZERO): {entries: NfConntrackInfo[]} */
  NFCT_GET: (net, req) => ({ entries: nfConntrackDump(net, req["zero"] === true) }),
  /** IPCTNL_MSG_CT_DELETE by id: {ids, portid} -> {deleted} */
  NFCT_DELETE: (net, req) => ({ deleted: nfConntrackDelete(net, req["ids"] as number[], Number(req["portid"] ?? 0)) }),
  /** IPCTNL_MSG_CT_NEW on an existing entry: {family, id, mark, status, timeout?, portid} -> {entry} */
  NFCT_UPDATE: (net, req) => {
    const fe = ctnlFamilyErr(Number(req["family"] ?? 2));
    if (fe) return fe;
    const r = nfConntrackUpdate(net, Number(req["id"]), Number(req["mark"]), Number(req["status"]), req["timeout"] === undefined ? undefined : Number(req["timeout"]), Number(req["portid"] ?? 0));
    return isKErr(r) ? r : { entry: r };
  },
  /** IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL: {family, orig, reply, timeout?, status?, mark?, tcpState?, portid} -> {id} */
  NFCT_CREATE: (net, req) => {
    const fe = ctnlFamilyErr(Number(req["family"] ?? 2));
    if (fe) return fe;
    const num = (k: string) => (req[k] === undefined ? undefined : Number(req[k]));
    const r = nfConntrackCreate(net, req["orig"] as CtnlTuple, req["reply"] as CtnlTuple, num("timeout"), num("status"), num("mark"), req["tcpState"] as string | undefined, Number(req["portid"] ?? 0), req["zone"] as { id: number; dir: number } | undefined);
    return isKErr(r) ? r : { id: r };
  },
  /** flush the table: {portid} */
  NFCT_FLUSH: (net, req) => ({ deleted: nfConntrackDelete(net, undefined, Number(req["portid"] ?? 0)) }),
  /** a socket joining the conntrack event groups: {groups} -> {listener} */
  NFCT_LISTEN: (net, req) => ({ listener: nfConntrackListen(net, Number(req["groups"] ?? 7)) }),
  /** ebtables: a bridge table whole, and its replacement (uapi/ebtables.ts) */
  EBT_SO_GET_ENTRIES: (net, req) => wrap(ebtGetEntries(net, String(req["table"]))),
  EBT_SO_SET_ENTRIES: (net, req) => ebtDoReplace(net, req["replace"] as EbtTableInfo) ?? {},
  /** /proc/net/ip_tables_names, in the order iptables-save prints them */
  IPT_TABLE_NAMES: (net) => {
    const names = iptTableNames(net);
    return { names: IPT_TABLE_ORDER.filter((n) => names.includes(n)) };
  },
};

function wrap<T extends object>(r: T | KErr): Record<string, unknown> | KErr {
  return isKErr(r) ? r : (r as unknown as Record<string, unknown>);
}

function revision(family: number, name: string, rev: number, target: boolean): Record<string, unknown> | KErr {
  const have = xtFindRevision(family, name, target);
  if (have < 0) return kerr("ENOENT");
  if (have < rev) return kerr("EPROTONOSUPPORT");
  return { revision: have };
}

const PROTO_NAMES: Record<number, string> = { 1: "icmp", 6: "tcp", 17: "udp", 33: "dccp", 132: "sctp", 136: "udplite", 47: "gre" };

function ipStr(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** nf_conntrack_standalone.c: seq_print_acct() */
function acctText(c: [number, number, number, number] | undefined, dir: number): string {
  return c ? `packets=${c[dir * 2]} bytes=${c[dir * 2 + 1]} ` : "";
}

function tupleText(t: NfConntrackTuple): string {
  let s = `src=${ipStr(t.src)} dst=${ipStr(t.dst)} `;
  if (t.protonum === 1) s += `type=${t.type} code=${t.code} id=${t.id} `;
  else if (t.sport !== undefined) s += `sport=${t.sport} dport=${t.dport} `;
  return s;
}

/** net/netfilter/nf_conntrack_standalone.c: ct_seq_show() — /proc/net/nf_conntrack */
function ctSeqShow(net: Net): string {
  let out = "";
  for (const ct of nfConntrackDump(net)) {
    const l4 = PROTO_NAMES[ct.orig.protonum] ?? "unknown";
    out += `${"ipv4".padEnd(8)} 2 ${l4.padEnd(8)} ${ct.orig.protonum} ${ct.timeout} `;
    if (ct.protoState) out += `${ct.protoState} `;
    // seq_print_acct() after each tuple
    out += tupleText(ct.orig) + acctText(ct.counters, 0);
    if (!(ct.status & IPS_SEEN_REPLY)) out += "[UNREPLIED] ";
    out += tupleText(ct.reply) + acctText(ct.counters, 1);
    if (ct.status & IPS_ASSURED) out += "[ASSURED] ";
    out += `mark=${ct.mark} zone=${ct.zone} use=2\n`;
  }
  return out;
}

let done = false;

/** RT_SCOPE_UNIVERSE */
const RT_SCOPE_UNIVERSE = 0;

/**
 * Module init (World's kernelInit calls it once): the x_tables matches/targets, the ip
 * tables, the ioctls iptables/conntrack use, and what netfilter needs of IPv4 and the machine
 * (nf_glue.ts): addresses, ICMP errors, the clock, the Rng and the kernel log.
 */
export function netfilterInit(): void {
  if (done) return;
  done = true;
  xtMatchesInit();
  xtTargetsInit();
  xtConnInit();
  xtPktInit();
  xtStateInit();
  xtRouteInit();
  xtTgInit();
  xtMiscInit();
  nfnetlinkQueueInit();
  iptableInit();
  ip6tablesInit();
  ebtablesInit();
  for (const [k, h] of Object.entries(nfIoctls)) registerIoctl(k, h);
  registerProcNet("nf_conntrack", ctSeqShow);
  // /proc/net/netfilter: nf_log (nf_log.c), nfnetlink_log and nfnetlink_queue
  registerProcNetNode("netfilter", (net) => fsDir(() => new Map([
    ["nf_log", fsFile(0o444, () => nfLogSeqShow(net))],
    ["nfnetlink_log", fsFile(0o440, () => nfulnlSeqShow(net))],
    ["nfnetlink_queue", fsFile(0o440, () => nfqnlSeqShow(net))],
  ]), 0o555));
  nfConntrackStandaloneInit();
  nfSetIpv6Ops({ icmp6Send });
  nfSetIpv4Ops({
    inetAddrType: (net, addr, dev) => (dev ? inetAddrTypeDevTable(net, dev, addr) : inetAddrType(net, addr)),
    inetSelectAddr: (dev, dst) => inetSelectAddr(dev, dst, RT_SCOPE_UNIVERSE),
    icmpSend: (skb, type, code) => icmpSend(skb, type, code, 0),
    printk: (net, _level, line) => net.host.dmesgLog(line),
    now: (net) => net.host.world.sched.now,
    after: (net, us, fn) => net.host.world.sched.after(us, fn, "nf_conntrack_gc"),
    random32: (net) => net.host.world.rng.u32(),
    ipRouteMeHarder,
  });
}
