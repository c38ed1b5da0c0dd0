/**
 * net/socket.c: __sock_create() and net/ipv4/af_inet.c: inet_create() — which protocol
 * implementation a socket(family, type, protocol) call gets. The caller is root (iputils'
 * capabilities): raw sockets are allowed; ICMP datagram sockets follow ping_group_range.
 */
import type { Net } from "../core/net_namespace.ts";
import type { Socket } from "../uapi/socket.ts";
import { SOCK_DGRAM, SOCK_RAW, SOCK_STREAM, IPPROTO_ICMP, IPPROTO_UDP, IPPROTO_IP, IPPROTO_TCP, IPPROTO_ICMPV6 } from "../uapi/socket.ts";
import { Ping6Sock, Raw6Sock } from "../ipv6/ping.ts";
import { Udp6Sock } from "../ipv6/udp.ts";
import { Tcp6Sock } from "../ipv6/tcp_ipv6.ts";
import { AF_INET, AF_PACKET, AF_INET6 } from "../uapi/rtnetlink.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import { RawSock } from "../ipv4/raw.ts";
import { PingSock, pingAllowed } from "../ipv4/ping.ts";
import { UdpSock } from "../ipv4/udp.ts";
import { TcpSock } from "../ipv4/tcp.ts";
import { PacketSock } from "./af_packet.ts";
import { NfulnlSock, AF_NETLINK, NETLINK_NETFILTER } from "../netfilter/nfnetlink_log.ts";

/** net/socket.c: __sock_create() */
export function sockCreate(net: Net, family: number, type: number, protocol: number): Socket | KErr {
  if (family === AF_INET) return inetCreate(net, type, protocol);
  if (family === AF_PACKET) {
    if (type !== SOCK_RAW && type !== SOCK_DGRAM) return kerr("ESOCKTNOSUPPORT");
    return new PacketSock(net, type, protocol);
  }
  if (family === AF_NETLINK) {
    // netlink_create(): only the netfilter family's logging half is a socket here (the
    // rtnetlink the tools speak is a direct call)
    if (type !== SOCK_RAW && type !== SOCK_DGRAM) return kerr("ESOCKTNOSUPPORT");
    if (protocol !== NETLINK_NETFILTER) return kerr("EPROTONOSUPPORT");
    return new NfulnlSock(net);
  }
  if (family === AF_INET6) return inet6Create(net, type, protocol);
  return kerr("EAFNOSUPPORT");
}

/** net/ipv6/af_inet6.c: inet6_create() over inetsw6[]: the ICMPv6 ping socket, UDP, an
 * ICMPv6 raw socket (no other raw protocol), TCP */
function inet6Create(net: Net, type: number, protocol: number): Socket | KErr {
  switch (type) {
    case SOCK_DGRAM:
      if (protocol === IPPROTO_IP || protocol === IPPROTO_UDP) return new Udp6Sock(net);
      if (protocol === IPPROTO_ICMPV6) {
        if (!pingAllowed(net)) return kerr("EACCES");
        return new Ping6Sock(net);
      }
      return kerr("EPROTONOSUPPORT");
    case SOCK_RAW:
      if (protocol < 0 || protocol > 255) return kerr("EINVAL");
      if (protocol === IPPROTO_ICMPV6) return new Raw6Sock(net);
      return kerr("EAFNOSUPPORT");
    case SOCK_STREAM:
      if (protocol === IPPROTO_IP || protocol === IPPROTO_TCP) return new Tcp6Sock(net);
      return kerr("EPROTONOSUPPORT");
    default:
      return kerr("EAFNOSUPPORT");
  }
}

/** net/ipv4/af_inet.c: inet_create() over inetsw[] */
function inetCreate(net: Net, type: number, protocol: number): Socket | KErr {
  switch (type) {
    case SOCK_DGRAM:
      if (protocol === IPPROTO_IP || protocol === IPPROTO_UDP) return new UdpSock(net);
      if (protocol === IPPROTO_ICMP) {
        if (!pingAllowed(net)) return kerr("EACCES");
        return new PingSock(net);
      }
      return kerr("EPROTONOSUPPORT");
    case SOCK_RAW:
      if (protocol < 0 || protocol > 255) return kerr("EINVAL");
      if (protocol === IPPROTO_IP) return kerr("EPROTONOSUPPORT");
      return new RawSock(net, protocol);
    case SOCK_STREAM:
      if (protocol === IPPROTO_IP || protocol === IPPROTO_TCP) return new TcpSock(net);
      return kerr("EPROTONOSUPPORT");
    default:
      return kerr("ESOCKTNOSUPPORT");
  }
}
