/**
 * The AF_INET6 stream socket's calls over lo: a connection to ::1 (connect() to :: is one to
 * the loopback address), accept() with the peer's AF_INET6 address, the bytes both ways,
 * IPV6_V6ONLY set by a bind to an address, the port shared with IPv4 (a listener on :: holds
 * it for 0.0.0.0, one on ::1 does not), /proc/net/tcp6's rows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { labWorld } from "../kernel-core/harness.ts";
import { isKErr } from "../../../src/kernel/uapi/errno.ts";
import type { Socket, SockAddrIn6 } from "../../../src/kernel/uapi/socket.ts";
import { tcp6SeqShow } from "../../../src/kernel/ipv6/tcp_ipv6.ts";

const LOOPBACK6 = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
const ANY6 = new Uint8Array(16);

function host() {
  const { world, h } = labWorld(["h"]);
  const net = h.h!.initNet;
  const sys = h.h!.syscalls(net);
  const settle = (): void => world.sched.runUntil(world.sched.now + 10_000);
  const sock = (family: number): Socket => {
    const s = sys.socket(family, 1, 0);
    assert.ok(!isKErr(s));
    return s as Socket;
  };
  return { net, sock, settle };
}

test("a connection over ::1: accept() gives the peer's AF_INET6 address, bytes flow both ways", () => {
  const { net, sock, settle } = host();
  const l = sock(10);
  assert.equal(l.bind({ family: 10, addr6: ANY6, port: 5000, scopeId: 0 }), undefined);
  assert.equal(l.listen!(5), undefined);
  const c = sock(10);
  const e = c.connect({ family: 10, addr6: ANY6, port: 5000, scopeId: 0 });
  assert.ok(e && e.errno === "EINPROGRESS");
  settle();
  const peer = c.getpeername() as SockAddrIn6;
  assert.equal(peer.family, 10);
  assert.deepEqual([...peer.addr6], [...LOOPBACK6]);
  assert.equal(peer.port, 5000);
  const a = l.accept!() as Socket;
  assert.ok(a);
  const from = a.getpeername() as SockAddrIn6;
  assert.deepEqual([...from.addr6], [...LOOPBACK6]);
  assert.equal(from.port, (c.getsockname() as SockAddrIn6).port);
  assert.equal(c.sendto(Uint8Array.of(1, 2, 3)), 3);
  settle();
  assert.deepEqual([...a.recvfrom()!.data], [1, 2, 3]);
  assert.equal(a.sendto(Uint8Array.of(9)), 1);
  settle();
  assert.deepEqual([...c.recvfrom()!.data], [9]);
  const rows = tcp6SeqShow(net).split("\n").filter((r) => r.includes(": "));
  // the listener, then both ends established (01)
  assert.equal(rows.length, 3);
  assert.match(rows[0]!, /^ {3}0: 0{32}:1388 0{32}:0000 0A /);
  assert.equal(rows.filter((r) => / 01 /.test(r)).length, 2);
  c.close();
  a.close();
  l.close();
});

test("a closed port answers with a reset: ECONNREFUSED", () => {
  const { sock, settle } = host();
  const c = sock(10);
  c.connect({ family: 10, addr6: LOOPBACK6, port: 5001, scopeId: 0 });
  settle();
  assert.equal(c.getsockopt("SO_ERROR"), 111);
});

test("IPV6_V6ONLY: set by a bind to an address; the port space is shared with IPv4 through ::", () => {
  const { sock } = host();
  const v4 = sock(2);
  assert.equal(v4.bind({ family: 2, addr: 0, port: 6000 }), undefined);
  const any = sock(10);
  assert.equal(any.getsockopt("IPV6_V6ONLY"), 0);
  const e = any.bind({ family: 10, addr6: ANY6, port: 6000, scopeId: 0 });
  assert.ok(e && e.errno === "EADDRINUSE");
  const lo = sock(10);
  assert.equal(lo.bind({ family: 10, addr6: LOOPBACK6, port: 6000, scopeId: 0 }), undefined);
  assert.equal(lo.getsockopt("IPV6_V6ONLY"), 1);
  const only = sock(10);
  assert.equal(only.setsockopt("IPV6_V6ONLY", 1), undefined);
  const e2 = only.bind({ family: 10, addr6: ANY6, port: 6000, scopeId: 0 });
  // IPv6's alone on ::, it still meets the socket on ::1
  assert.ok(e2 && e2.errno === "EADDRINUSE");
  const other = sock(10);
  assert.equal(other.setsockopt("IPV6_V6ONLY", 1), undefined);
  assert.equal(other.bind({ family: 10, addr6: ANY6, port: 6001, scopeId: 0 }), undefined);
  const v4b = sock(2);
  // a v6-only socket on :: leaves the port to IPv4
  assert.equal(v4b.bind({ family: 2, addr: 0, port: 6001 }), undefined);
});
