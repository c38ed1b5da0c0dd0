/**
 * net/ipv6/anycast.c, as far as the kernel's own anycast addresses go: the subnet-router
 * anycast address of each prefix a forwarding device has (addrconf_join_anycast()), kept in
 * the device's ac_list with a user count, each with its solicited-node group joined and its
 * `anycast` route in the local table; ipv6_chk_acast_addr(); /proc/net/anycast6. (Sockets
 * joining anycast addresses, IPV6_JOIN_ANYCAST, are not modelled.)
 */
import type { Net } from "../core/net_namespace.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { IFF_LOOPBACK, IFF_NOARP } from "../uapi/if.ts";
import { devInet6, addrconfAnycastRoute, type Inet6Dev } from "./addrconf.ts";
import { __ipv6DevMcInc, __ipv6DevMcDec } from "./mcast.ts";
import { addrconfAddrSolictMult } from "./ndisc.ts";
import { ipv6AddrEqual as sameAddr } from "./ip6_output.ts";

/** struct ifacaddr6, reduced */
export interface Ifacaddr6 {
  addr: Uint8Array;
  users: number;
  /** its anycast route is in the fib (aca_rt inserted, not yet flushed with the link) */
  rtIn: boolean;
}

/** how many anycast addresses a namespace's devices hold */
const acCount = new WeakMap<Net, number>();

/** net/ipv6/anycast.c: __ipv6_dev_ac_inc(): one more user of `addr` on the device; a new one
 * goes first in the list, joins its solicited-node group and gets its route */
export function __ipv6DevAcInc(idev: Inet6Dev, addr: Uint8Array): void {
  const old = idev.acList.find((a) => sameAddr(a.addr, addr));
  if (old) {
    old.users++;
    return;
  }
  const aca: Ifacaddr6 = { addr: addr.slice(0, 16), users: 1, rtIn: false };
  idev.acList.unshift(aca);
  const net = idev.dev.net;
  acCount.set(net, (acCount.get(net) ?? 0) + 1);
  addrconfAnycastRoute(idev, aca, true);
  // addrconf_join_solict()
  if (!(idev.dev.flags & (IFF_LOOPBACK | IFF_NOARP))) __ipv6DevMcInc(idev, addrconfAddrSolictMult(aca.addr));
}

/** net/ipv6/anycast.c: __ipv6_dev_ac_dec(): the last user gone, the address leaves its group
 * and its route goes */
export function __ipv6DevAcDec(idev: Inet6Dev, addr: Uint8Array): void {
  const i = idev.acList.findIndex((a) => sameAddr(a.addr, addr));
  if (i < 0) return;
  const aca = idev.acList[i]!;
  if (--aca.users > 0) return;
  idev.acList.splice(i, 1);
  const net = idev.dev.net;
  acCount.set(net, (acCount.get(net) ?? 1) - 1);
  if (!(idev.dev.flags & (IFF_LOOPBACK | IFF_NOARP))) __ipv6DevMcDec(idev, addrconfAddrSolictMult(aca.addr));
  addrconfAnycastRoute(idev, aca, false);
}

/** net/ipv6/anycast.c: ipv6_chk_acast_addr(): `addr` is an anycast address of `dev` (of any
 * device of the namespace when undefined) */
export function ipv6ChkAcastAddr(net: Net, dev: NetDevice | undefined, addr: Uint8Array): boolean {
  // (every unicast packet not for one of our addresses asks: a namespace without anycast
  // addresses answers at once)
  if (!acCount.get(net)) return false;
  for (const d of dev ? [dev] : net.devices()) {
    const idev = devInet6(d);
    if (idev?.acList.some((a) => sameAddr(a.addr, addr))) return true;
  }
  return false;
}

/** net/ipv6/anycast.c: ac6_seq_show(): /proc/net/anycast6 */
export function procAnycast6(net: Net): string {
  let out = "";
  for (const dev of net.devices()) {
    const idev = devInet6(dev);
    if (!idev) continue;
    for (const a of idev.acList) {
      const hex = [...a.addr].map((b) => b.toString(16).padStart(2, "0")).join("");
      out += `${String(dev.ifindex).padEnd(4)} ${dev.name.padEnd(15)} ${hex} ${String(a.users).padStart(5)}\n`;
    }
  }
  return out;
}
