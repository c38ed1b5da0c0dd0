/**
 * The AF_INET6 UDP socket's calls no lab reaches through a tool: IPV6_MTU (ENOTCONN until a
 * connect caches a route), IPV6_V6ONLY (set by a bind to an address of the socket's own),
 * AF_INET addresses on a dual-stack socket (udp_sendmsg() / __ip4_datagram_connect(), refused
 * once it is IPv6's alone), a datagram to itself over lo with its v6 sender, sendto(::) as
 * the loopback address. Expected values as Python's socket module answers them on Linux 6.18.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { labWorld } from "../kernel-core/harness.ts";
import { isKErr } from "../../../src/kernel/uapi/errno.ts";
import type { Socket, SockAddrIn6 } from "../../../src/kernel/uapi/socket.ts";

const LOOPBACK6 = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
const ANY6 = new Uint8Array(16);

function udp6(): { s: Socket; sys: ReturnType<NonNullable<ReturnType<typeof labWorld>["h"][string]>["syscalls"]>; settle: () => void } {
  const { world, h } = labWorld(["h"]);
  const sys = h.h!.syscalls(h.h!.initNet);
  const s = sys.socket(10, 2, 0);
  assert.ok(!isKErr(s));
  // the softirqs that carry a datagram through lo
  const settle = (): void => world.sched.runUntil(world.sched.now + 1000);
  return { s: s as Socket, sys, settle };
}

test("IPV6_MTU: ENOTCONN before connect, the route's MTU after (lo: 65536)", () => {
  const { s } = udp6();
  const before = s.getsockopt("IPV6_MTU");
  assert.ok(isKErr(before) && before.errno === "ENOTCONN");
  assert.equal(s.connect({ family: 10, addr6: LOOPBACK6, port: 9, scopeId: 0 }), undefined);
  assert.equal(s.getsockopt("IPV6_MTU"), 65536);
  s.close();
});

test("IPV6_V6ONLY: 0 on ::, 1 once bound to an address of its own", () => {
  const { s, sys } = udp6();
  assert.equal(s.getsockopt("IPV6_V6ONLY"), 0);
  assert.equal(s.bind({ family: 10, addr6: ANY6, port: 0, scopeId: 0 }), undefined);
  assert.equal(s.getsockopt("IPV6_V6ONLY"), 0);
  const t = sys.socket(10, 2, 0) as Socket;
  assert.equal(t.bind({ family: 10, addr6: LOOPBACK6, port: 0, scopeId: 0 }), undefined);
  assert.equal(t.getsockopt("IPV6_V6ONLY"), 1);
  // IPv6's alone: no AF_INET destination, no AF_INET peer
  const e = t.sendto(new Uint8Array(1), { family: 2, addr: 0x7f000001, port: 9 });
  assert.ok(isKErr(e) && e.errno === "ENETUNREACH");
  const c = t.connect({ family: 2, addr: 0x7f000001, port: 9 });
  assert.ok(c !== undefined && c.errno === "EAFNOSUPPORT");
  s.close();
  t.close();
});

test("a datagram to itself over lo: the sender's address and port, sendto(::) is ::1", () => {
  const { s, settle } = udp6();
  assert.equal(s.bind({ family: 10, addr6: ANY6, port: 4000, scopeId: 0 }), undefined);
  assert.equal(s.sendto(Uint8Array.of(1, 2, 3), { family: 10, addr6: ANY6, port: 4000, scopeId: 0 }), 3);
  settle();
  const m = s.recvfrom();
  assert.ok(m);
  assert.deepEqual([...m.data], [1, 2, 3]);
  const from = m.from as SockAddrIn6;
  assert.equal(from.family, 10);
  assert.deepEqual([...from.addr6], [...LOOPBACK6]);
  assert.equal(from.port, 4000);
  s.close();
});

test("a dual-stack socket takes an AF_INET destination: IPv4 over lo, the sender v4-mapped", () => {
  const { s, settle } = udp6();
  assert.equal(s.bind({ family: 10, addr6: ANY6, port: 4001, scopeId: 0 }), undefined);
  assert.equal(s.sendto(Uint8Array.of(7), { family: 2, addr: 0x7f000001, port: 4001 }), 1);
  settle();
  const m = s.recvfrom();
  assert.ok(m);
  const from = m.from as SockAddrIn6;
  assert.deepEqual([...from.addr6], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
  assert.equal(from.port, 4001);
  const z = s.sendto(Uint8Array.of(7), { family: 2, addr: 0x7f000001, port: 0 });
  assert.ok(isKErr(z) && z.errno === "EINVAL");
  s.close();
});
