/**
 * net/ipv6/icmp.c: the rate limits of icmp6_send() (the rest of icmp.c — icmpv6_rcv(),
 * icmpv6_notify(), icmp6_send() itself, the echo reply — is in ip6_input.ts, beside the
 * receive path that calls it).
 */
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import { IFF_LOOPBACK } from "../uapi/if.ts";
import { HZ } from "../../sim/scheduler.ts";
import { jiffies, inetPeerXrlimAllow, type InetPeer } from "../ipv4/route.ts";
import { icmpGlobalAllow, icmpGlobalConsume, icmpStats } from "../ipv4/icmp.ts";
import { icmpv6Ratelimit } from "./sysctl_net_ipv6.ts";
import { ipv6Stats } from "./proc.ts";
import type { Dst6 } from "./route.ts";

/** inet_getpeer_v6(): the per-destination state of the rate limit */
const peers6 = new NetGeneric<Map<string, InetPeer>>();

/**
 * net/ipv6/icmp.c: icmpv6_global_allow() + icmpv6_xrlim_allow(): a type in
 * net.ipv6.icmp.ratemask draws on the global credit (icmp_global_allow(), IPv4's), then on the
 * destination's token bucket — net.ipv6.icmp.ratelimit, shifted for a wider prefix — unless
 * it leaves by loopback (OutRateLimitHost when refused)
 */
export function icmpv6XrlimAllow(net: Net, type: number, dst: Dst6, daddr: Uint8Array): boolean {
  const rl = icmpv6Ratelimit(net, type);
  if (!rl.masked) return true;
  if (!icmpGlobalAllow(net)) {
    icmpStats(net).OutRateLimitGlobal++;
    return false;
  }
  let ok = true;
  if (!(dst.dev.flags & IFF_LOOPBACK)) {
    let tmo = rl.jiffies;
    const plen = dst.rt.dstLen ?? 128;
    if (plen < 128) tmo >>= (128 - plen) >> 5;
    let m = peers6.get(net);
    if (!m) peers6.set(net, (m = new Map()));
    const key = Array.from(daddr, (x) => x.toString(16).padStart(2, "0")).join("");
    let peer = m.get(key);
    if (!peer) m.set(key, (peer = { rateTokens: 0, rateLast: jiffies(net) - 60 * HZ, nRedirects: 0 }));
    ok = inetPeerXrlimAllow(net, peer, tmo);
  }
  if (!ok) ipv6Stats(net).icmp.OutRateLimitHost++;
  else icmpGlobalConsume(net);
  return ok;
}
