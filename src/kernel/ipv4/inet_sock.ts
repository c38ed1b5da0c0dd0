/**
 * include/net/inet_sock.h: inet_addr_valid_or_nonlocal() — the address a socket may bind to:
 * any, one of the namespace's own, a multicast or a broadcast one, or any at all once
 * net.ipv4.ip_nonlocal_bind is set (inet_can_nonlocal_bind(); IP_FREEBIND/IP_TRANSPARENT are
 * not socket options here).
 */
import type { Net } from "../core/net_namespace.ts";
import { RTN_LOCAL, RTN_MULTICAST, RTN_BROADCAST } from "../uapi/rtnetlink.ts";
import { ipv4Sysctl } from "./icmp.ts";

export function inetAddrValidOrNonlocal(net: Net, addr: number, addrType: number): boolean {
  return ipv4Sysctl(net).ipNonlocalBind !== 0 || addr === 0 || addrType === RTN_LOCAL || addrType === RTN_MULTICAST || addrType === RTN_BROADCAST;
}
