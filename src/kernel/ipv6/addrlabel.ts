/**
 * net/ipv6/addrlabel.c: the IPv6 address-label policy table of RFC 6724 source address
 * selection, one per namespace (net->ipv6.ip6addrlbl_table): the default entries every new
 * namespace gets (ip6addrlbl_init_table), ipv6_addr_label() lookups, and the rtnetlink side
 * (RTM_NEWADDRLABEL / RTM_DELADDRLABEL / RTM_GETADDRLABEL) behind `ip addrlabel`.
 *
 * The table is a list kept in the order __ip6addrlbl_add() inserts: longer prefixes first, and
 * among equal prefix lengths a device's entry before the entries for any device. Entries keep
 * the ifindex they were added with; removing the device leaves them (as in Linux).
 */
import { NetGeneric, registerPernetOps, type Net } from "../core/net_namespace.ts";
import { rtnlRegister, type RtnlDoitResult } from "../core/rtnetlink.ts";
import { devGetByIndex } from "../core/dev.ts";
import { kerr, isKErr, type KErr } from "../uapi/errno.ts";
import { AF_INET6, type AddrlblMsg, type RtnlMsg } from "../uapi/rtnetlink.ts";

/** include/net/ipv6.h: the ipv6_addr_type() bits this file looks at */
const IPV6_ADDR_ANY = 0x0000;
const IPV6_ADDR_UNICAST = 0x0001;
const IPV6_ADDR_MULTICAST = 0x0002;
const IPV6_ADDR_LOOPBACK = 0x0010;
const IPV6_ADDR_COMPATv4 = 0x0080;
const IPV6_ADDR_MAPPED = 0x1000;

/** "0xffffffff is used if we do not have any policies" */
const IPV6_ADDR_LABEL_DEFAULT = 0xffffffff;

/** struct ip6addrlbl_entry */
interface Ip6addrlblEntry {
  prefix: Uint8Array;
  prefixlen: number;
  ifindex: number;
  addrtype: number;
  label: number;
}

/** struct netns_ipv6's ip6addrlbl_table */
interface Ip6addrlblTable {
  head: Ip6addrlblEntry[];
  seq: number;
}

const pernet = new NetGeneric<Ip6addrlblTable>();

function ip6addrlblTable(net: Net): Ip6addrlblTable {
  let t = pernet.get(net);
  if (!t) {
    t = { head: [], seq: 0 };
    pernet.set(net, t);
  }
  return t;
}

/** a 16-byte address from its first bytes */
function in6Addr(...bytes: number[]): Uint8Array {
  const a = new Uint8Array(16);
  a.set(bytes);
  return a;
}

/**
 * ip6addrlbl_init_table[]: the default policy table (RFC 6724 + extensions; the labels of ULA
 * and 6to4 differ from RFC 6724's)
 */
const ip6addrlblInitTable: { prefix: Uint8Array; prefixlen: number; label: number }[] = [
  { prefix: in6Addr(), prefixlen: 0, label: 1 }, /* ::/0 */
  { prefix: in6Addr(0xfc), prefixlen: 7, label: 5 }, /* fc00::/7 */
  { prefix: in6Addr(0xfe, 0xc0), prefixlen: 10, label: 11 }, /* fec0::/10 */
  { prefix: in6Addr(0x20, 0x02), prefixlen: 16, label: 2 }, /* 2002::/16 */
  { prefix: in6Addr(0x3f, 0xfe), prefixlen: 16, label: 12 }, /* 3ffe::/16 */
  { prefix: in6Addr(0x20, 0x01), prefixlen: 32, label: 6 }, /* 2001::/32 */
  { prefix: in6Addr(0x20, 0x01, 0x00, 0x10), prefixlen: 28, label: 7 }, /* 2001:10::/28 */
  { prefix: in6Addr(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff), prefixlen: 96, label: 4 }, /* ::ffff:0:0 */
  { prefix: in6Addr(), prefixlen: 96, label: 3 }, /* ::/96 */
  { prefix: in6Addr(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), prefixlen: 128, label: 0 }, /* ::1/128 */
];

function word(a: Uint8Array, i: number): number {
  return ((a[4 * i]! << 24) | (a[4 * i + 1]! << 16) | (a[4 * i + 2]! << 8) | a[4 * i + 3]!) >>> 0;
}

/** include/net/ipv6.h: __ipv6_addr_type(), reduced to the type bits (no scope) */
export function ipv6AddrType(addr: Uint8Array): number {
  const st = word(addr, 0);
  if ((st & 0xe0000000) !== 0 && (st & 0xe0000000) !== 0xe0000000) return IPV6_ADDR_UNICAST;
  if ((st & 0xff000000) === 0xff000000) return IPV6_ADDR_MULTICAST;
  if ((st & 0xffc00000) === 0xfe800000 || (st & 0xffc00000) === 0xfec00000) return IPV6_ADDR_UNICAST;
  if ((st & 0xfe000000) === 0xfc000000) return IPV6_ADDR_UNICAST;
  if ((word(addr, 0) | word(addr, 1)) === 0) {
    if (word(addr, 2) === 0) {
      if (word(addr, 3) === 0) return IPV6_ADDR_ANY;
      if (word(addr, 3) === 1) return IPV6_ADDR_LOOPBACK | IPV6_ADDR_UNICAST;
      return IPV6_ADDR_COMPATv4 | IPV6_ADDR_UNICAST;
    }
    if (word(addr, 2) === 0x0000ffff) return IPV6_ADDR_MAPPED;
  }
  return IPV6_ADDR_UNICAST;
}

/** include/net/ipv6.h: ipv6_addr_prefix(): the first `plen` bits of `addr` */
function ipv6AddrPrefix(addr: Uint8Array, plen: number): Uint8Array {
  const o = new Uint8Array(16);
  const b = plen >> 3;
  o.set(addr.subarray(0, b));
  if (plen & 7 && b < 16) o[b] = addr[b]! & (0xff00 >> (plen & 7));
  return o;
}

/** include/net/ipv6.h: ipv6_prefix_equal() */
function ipv6PrefixEqual(a: Uint8Array, b: Uint8Array, plen: number): boolean {
  const n = plen >> 3;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  const r = plen & 7;
  return !r || ((a[n]! ^ b[n]!) & (0xff00 >> r)) === 0;
}

function ipv6AddrEqual(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** __ip6addrlbl_match() */
function ip6addrlblMatch(p: Ip6addrlblEntry, addr: Uint8Array, addrtype: number, ifindex: number): boolean {
  if (p.ifindex && p.ifindex !== ifindex) return false;
  if (p.addrtype && p.addrtype !== addrtype) return false;
  return ipv6PrefixEqual(addr, p.prefix, p.prefixlen);
}

/** __ipv6_addr_label() */
function ipv6AddrLabelEntry(net: Net, addr: Uint8Array, type: number, ifindex: number): Ip6addrlblEntry | undefined {
  for (const p of ip6addrlblTable(net).head) if (ip6addrlblMatch(p, addr, type, ifindex)) return p;
  return undefined;
}

/** ipv6_addr_label(): the label of `addr` (of ipv6_addr_type `type`) on device `ifindex` */
export function ipv6AddrLabel(net: Net, addr: Uint8Array, type: number, ifindex: number): number {
  const t = type & (IPV6_ADDR_MAPPED | IPV6_ADDR_COMPATv4 | IPV6_ADDR_LOOPBACK);
  return ipv6AddrLabelEntry(net, addr, t, ifindex)?.label ?? IPV6_ADDR_LABEL_DEFAULT;
}

/** ip6addrlbl_alloc() */
function ip6addrlblAlloc(prefix: Uint8Array, prefixlen: number, ifindex: number, label: number): Ip6addrlblEntry | KErr {
  let addrtype = ipv6AddrType(prefix) & (IPV6_ADDR_MAPPED | IPV6_ADDR_COMPATv4 | IPV6_ADDR_LOOPBACK);
  switch (addrtype) {
    case IPV6_ADDR_MAPPED:
      if (prefixlen > 96) return kerr("EINVAL");
      if (prefixlen < 96) addrtype = 0;
      break;
    case IPV6_ADDR_COMPATv4:
      if (prefixlen !== 96) addrtype = 0;
      break;
    case IPV6_ADDR_LOOPBACK:
      if (prefixlen !== 128) addrtype = 0;
      break;
  }
  return { prefix: ipv6AddrPrefix(prefix, prefixlen), prefixlen, ifindex, addrtype, label };
}

/** __ip6addrlbl_add(): in front of the first entry it outranks, replacing an equal one */
function __ip6addrlblAdd(t: Ip6addrlblTable, newp: Ip6addrlblEntry, replace: boolean): KErr | undefined {
  let i = 0;
  for (; i < t.head.length; i++) {
    const p = t.head[i]!;
    if (p.prefixlen === newp.prefixlen && p.ifindex === newp.ifindex && ipv6AddrEqual(p.prefix, newp.prefix)) {
      if (!replace) return kerr("EEXIST");
      t.head[i] = newp;
      t.seq++;
      return undefined;
    }
    if ((p.prefixlen === newp.prefixlen && !p.ifindex) || p.prefixlen < newp.prefixlen) break;
  }
  t.head.splice(i, 0, newp);
  t.seq++;
  return undefined;
}

/** ip6addrlbl_add() */
function ip6addrlblAdd(net: Net, prefix: Uint8Array, prefixlen: number, ifindex: number, label: number, replace: boolean): KErr | undefined {
  const newp = ip6addrlblAlloc(prefix, prefixlen, ifindex, label);
  if (isKErr(newp)) return newp;
  return __ip6addrlblAdd(ip6addrlblTable(net), newp, replace);
}

/** __ip6addrlbl_del() */
function __ip6addrlblDel(net: Net, prefix: Uint8Array, prefixlen: number, ifindex: number): KErr | undefined {
  const t = ip6addrlblTable(net);
  const i = t.head.findIndex((p) => p.prefixlen === prefixlen && p.ifindex === ifindex && ipv6AddrEqual(p.prefix, prefix));
  if (i < 0) return kerr("ESRCH");
  t.head.splice(i, 1);
  return undefined;
}

/** ip6addrlbl_del(): the prefix is masked first, as add stores it */
function ip6addrlblDel(net: Net, prefix: Uint8Array, prefixlen: number, ifindex: number): KErr | undefined {
  return __ip6addrlblDel(net, ipv6AddrPrefix(prefix, prefixlen), prefixlen, ifindex);
}

/**
 * The table ip6addrlbl_net_init() makes, made once: entries are never changed in place (a
 * replace puts a new one in the list), so every namespace starts with a copy of this list.
 */
let initialTable: Ip6addrlblTable | undefined;

function ip6addrlblInitial(): Ip6addrlblTable {
  if (initialTable !== undefined) return initialTable;
  const t: Ip6addrlblTable = { head: [], seq: 0 };
  for (const e of ip6addrlblInitTable) {
    const p = ip6addrlblAlloc(e.prefix, e.prefixlen, 0, e.label);
    if (!isKErr(p)) __ip6addrlblAdd(t, p, false);
  }
  return (initialTable = t);
}

/** ip6addrlbl_net_init(): the default entries */
function ip6addrlblNetInit(net: Net): void {
  const t = ip6addrlblTable(net);
  const init = ip6addrlblInitial();
  t.head = init.head.slice();
  t.seq = init.seq;
}

/** ip6addrlbl_net_exit() */
function ip6addrlblNetExit(net: Net): void {
  pernet.delete(net);
}

/** ifal_policy: IFAL_ADDRESS at least an in6_addr, IFAL_LABEL a u32 (nlmsg_parse_deprecated) */
function ifalPolicyValidate(m: AddrlblMsg): KErr | undefined {
  const a = m.attrs.IFAL_ADDRESS;
  if (a !== undefined && a.length < 16) return kerr("ERANGE", "Attribute failed policy validation");
  return undefined;
}

/** ip6addrlbl_newdel() */
function ip6addrlblNewdel(net: Net, m: AddrlblMsg): RtnlDoitResult {
  const pe = ifalPolicyValidate(m);
  if (pe) return pe;
  const ifal = m.ifal;
  if (ifal.family !== AF_INET6 || ifal.prefixlen > 128) return kerr("EINVAL");
  const pfx = m.attrs.IFAL_ADDRESS;
  if (!pfx) return kerr("EINVAL");
  const label = m.attrs.IFAL_LABEL;
  if (label === undefined) return kerr("EINVAL");
  if (label >>> 0 === IPV6_ADDR_LABEL_DEFAULT) return kerr("EINVAL");
  switch (m.type) {
    case "RTM_NEWADDRLABEL":
      if (ifal.index && !devGetByIndex(net, ifal.index)) return kerr("EINVAL");
      return ip6addrlblAdd(net, pfx.subarray(0, 16), ifal.prefixlen, ifal.index, label >>> 0, !!m.flags.replace);
    case "RTM_DELADDRLABEL":
      return ip6addrlblDel(net, pfx.subarray(0, 16), ifal.prefixlen, ifal.index);
  }
  return kerr("EOPNOTSUPP");
}

/** ip6addrlbl_fill() */
function ip6addrlblFill(p: Ip6addrlblEntry, lseq: number): AddrlblMsg {
  return {
    type: "RTM_NEWADDRLABEL",
    flags: {},
    ifal: { family: AF_INET6, prefixlen: p.prefixlen, flags: 0, index: p.ifindex, seq: lseq },
    attrs: { IFAL_ADDRESS: p.prefix.slice(), IFAL_LABEL: p.label },
  };
}

/** ip6addrlbl_dump() */
function ip6addrlblDump(net: Net, _m: AddrlblMsg): RtnlMsg[] {
  const t = ip6addrlblTable(net);
  return t.head.map((p) => ip6addrlblFill(p, t.seq));
}

/** ip6addrlbl_get(): the entry a /128 address falls under */
function ip6addrlblGet(net: Net, m: AddrlblMsg): RtnlDoitResult {
  const ifal = m.ifal;
  if (ifal.family !== AF_INET6 || ifal.prefixlen !== 128) return kerr("EINVAL");
  if (ifal.index && !devGetByIndex(net, ifal.index)) return kerr("EINVAL");
  const addr = m.attrs.IFAL_ADDRESS;
  if (!addr || addr.length < 16) return kerr("EINVAL");
  const p = ipv6AddrLabelEntry(net, addr, ipv6AddrType(addr), ifal.index);
  if (!p) return kerr("ESRCH");
  return { answer: ip6addrlblFill(p, ip6addrlblTable(net).seq) };
}

let inited = false;

/** ipv6_addr_label_init(): the per-namespace table (addrconf_init() calls it) */
export function ipv6AddrLabelInit(): void {
  if (inited) return;
  inited = true;
  registerPernetOps({ init: ip6addrlblNetInit, exit: ip6addrlblNetExit });
}

/** ipv6_addr_label_rtnl_register() */
export function ipv6AddrLabelRtnlRegister(): void {
  rtnlRegister(AF_INET6, "RTM_NEWADDRLABEL", { doit: ip6addrlblNewdel });
  rtnlRegister(AF_INET6, "RTM_DELADDRLABEL", { doit: ip6addrlblNewdel });
  rtnlRegister(AF_INET6, "RTM_GETADDRLABEL", { doit: ip6addrlblGet, dumpit: ip6addrlblDump });
}
