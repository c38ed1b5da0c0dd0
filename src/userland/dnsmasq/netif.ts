/**
 * The interface/address enumeration the DHCP ports do with netlink (dnsmasq's
 * iface_enumerate(), ISC's discover_interfaces(), udhcp_read_interface()).
 */
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import type { LinkMsg, AddrMsg } from "../../kernel/uapi/rtnetlink.ts";
import { AF_INET, AF_UNSPEC } from "../../kernel/uapi/rtnetlink.ts";
import { readU32 } from "../../wire/addr.ts";

export interface Iface {
  index: number;
  name: string;
  flags: number;
  mac: Uint8Array;
  type: number;
  mtu: number;
}

export interface Ifaddr {
  index: number;
  addr: number;
  prefixlen: number;
  broadcast: number;
  label: string;
}

export function listIfaces(sys: Syscalls): Iface[] {
  const links = sys.rtnl.dump({
    type: "RTM_GETLINK",
    flags: {},
    ifi: { family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 },
    attrs: {},
  }) as LinkMsg[];
  return links.map((l) => ({
    index: l.ifi.index,
    name: l.attrs.IFLA_IFNAME ?? "",
    flags: l.ifi.flags,
    mac: l.attrs.IFLA_ADDRESS ?? new Uint8Array(6),
    type: l.ifi.type,
    mtu: l.attrs.IFLA_MTU ?? 1500,
  }));
}

export function ifaceByName(sys: Syscalls, name: string): Iface | undefined {
  return listIfaces(sys).find((i) => i.name === name);
}

export function listIfaddrs(sys: Syscalls): Ifaddr[] {
  const addrs = sys.rtnl.dump({
    type: "RTM_GETADDR",
    flags: {},
    ifa: { family: AF_INET, prefixlen: 0, flags: 0, scope: 0, index: 0 },
    attrs: {},
  }) as AddrMsg[];
  const out: Ifaddr[] = [];
  for (const a of addrs) {
    if (a.ifa.family !== AF_INET) continue;
    const l = a.attrs.IFA_LOCAL ?? a.attrs.IFA_ADDRESS;
    if (!l) continue;
    out.push({
      index: a.ifa.index,
      addr: readU32(l, 0),
      prefixlen: a.ifa.prefixlen,
      broadcast: a.attrs.IFA_BROADCAST ? readU32(a.attrs.IFA_BROADCAST, 0) : 0,
      label: a.attrs.IFA_LABEL ?? "",
    });
  }
  return out;
}

export function prefixMask(len: number): number {
  return len <= 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

export function maskLen(mask: number): number {
  let n = 0;
  while (n < 32 && mask & (0x80000000 >>> n)) n++;
  return n;
}
