/**
 * IPv6 path MTU exceptions seen from a connected socket: IPV6_MTU is the learned path MTU
 * (dst_mtu() of the exception), a Packet Too Big below IPV6_MIN_MTU or not below the current
 * one changes nothing (__ip6_rt_update_pmtu()), and the exception expires after
 * net.ipv6.route.mtu_expires. What `ip -6 route` shows of them is pinned by
 * test/labs/ipv6/pmtu6*.lab against Linux 6.18.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { labWorld, run } from "../kernel-core/harness.ts";
import { isKErr } from "../../../src/kernel/uapi/errno.ts";
import type { Socket } from "../../../src/kernel/uapi/socket.ts";
import { ip6UpdatePmtu } from "../../../src/kernel/ipv6/route.ts";
import { devGetByName } from "../../../src/kernel/core/dev.ts";
import { inetPton6 } from "../../../src/userland/lib/utils.ts";

test("IPV6_MTU of a connected socket follows the path MTU learned for its destination", async () => {
  const { world, h } = labWorld(["a", "b"], [["a", "eth0", "b", "eth0"]]);
  const net = h.a!.initNet;
  const sys = h.a!.syscalls(net);
  for (const l of ["ip addr add 2001:db8::1/64 dev eth0 nodad", "ip link set eth0 up", "ip -6 route add 2001:db8:9::/64 via 2001:db8::2"])
    assert.equal((await run(sys, l)).code, 0, l);
  const s = sys.socket(10, 2, 0) as Socket;
  assert.ok(!isKErr(s));
  const daddr = inetPton6("2001:db8:9::9")!;
  const saddr = inetPton6("2001:db8::1")!;
  assert.equal(s.connect({ family: 10, addr6: daddr, port: 9, scopeId: 0 }), undefined);
  assert.equal(s.getsockopt("IPV6_MTU"), 1500);
  const dev = devGetByName(net, "eth0")!;
  ip6UpdatePmtu(net, daddr, saddr, 1400, dev);
  assert.equal(s.getsockopt("IPV6_MTU"), 1400);
  // below IPV6_MIN_MTU: ignored (RFC 8201); not below the current one: nothing to learn
  ip6UpdatePmtu(net, daddr, saddr, 1000, dev);
  ip6UpdatePmtu(net, daddr, saddr, 1450, dev);
  assert.equal(s.getsockopt("IPV6_MTU"), 1400);
  ip6UpdatePmtu(net, daddr, saddr, 1280, dev);
  assert.equal(s.getsockopt("IPV6_MTU"), 1280);
  // another destination of the same route keeps the device's
  const t = sys.socket(10, 2, 0) as Socket;
  assert.equal(t.connect({ family: 10, addr6: inetPton6("2001:db8:9::8")!, port: 9, scopeId: 0 }), undefined);
  assert.equal(t.getsockopt("IPV6_MTU"), 1500);
  // mtu_expires (600 s) later the exception is gone
  world.sched.runUntil(world.sched.now + 601 * 1_000_000);
  assert.equal(s.getsockopt("IPV6_MTU"), 1500);
  s.close();
  t.close();
});
