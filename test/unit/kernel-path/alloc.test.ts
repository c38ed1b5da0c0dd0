/**
 * The allocation-free parts of the packet path (bench/): slab packet buffers, copies with
 * bytes of their own, and NF_HOOK's per-depth hook state under nesting.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Net } from "../../../src/kernel/core/net_namespace.ts";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import { allocBytes, copyBytes } from "../../../src/wire/bytes.ts";
import {
  NF_ACCEPT, NF_INET_FORWARD, NF_INET_LOCAL_IN, NFPROTO_IPV4, nfHook, nfRegisterNetHook, type NfHookState,
} from "../../../src/kernel/netfilter/core.ts";

test("slab buffers are zeroed, disjoint, and big ones get their own", () => {
  const a = allocBytes(100);
  const b = allocBytes(100);
  assert.ok(a.every((x) => x === 0) && b.every((x) => x === 0));
  a.fill(7);
  assert.ok(b.every((x) => x === 0));
  assert.equal(allocBytes(70000).byteOffset, 0);
  const c = copyBytes(a);
  a[0] = 1;
  assert.deepEqual([c.length, c[0]], [100, 7]);
});

test("an skb copy has bytes of its own and the bridge control block of its original", () => {
  const s = SkBuff.from(new Uint8Array([1, 2, 3]));
  s.brInputCb = { srcPortIsolated: true };
  const c = s.copy();
  c.buf[c.data] = 9;
  assert.equal(s.buf[s.data], 1);
  assert.deepEqual([...c.bytes()], [9, 2, 3]);
  // a bridge's flood copies share the block (a bridge gives each frame a new one on entry)
  assert.equal(c.brInputCb, s.brInputCb);
  // growing the headroom keeps the packet
  c.push(100);
  assert.deepEqual([...c.bytes().subarray(100)], [9, 2, 3]);
});

test("nested NF_HOOK calls each see their own hook state", () => {
  const n = { gen: [] } as unknown as Net;
  const seen: [number, number][] = [];
  nfRegisterNetHook(n, {
    pf: NFPROTO_IPV4, hooknum: NF_INET_FORWARD, priority: 0,
    hook: (_p, skb, st: NfHookState) => {
      // a hook that runs NF_HOOK again (as br_netfilter does), then reads its own state
      nfHook(NFPROTO_IPV4, NF_INET_LOCAL_IN, st.net, skb, undefined, undefined, () => {});
      seen.push([st.hook, st.pf]);
      return NF_ACCEPT;
    },
  });
  nfRegisterNetHook(n, {
    pf: NFPROTO_IPV4, hooknum: NF_INET_LOCAL_IN, priority: 0,
    hook: (_p, _skb, st: NfHookState) => (seen.push([st.hook, st.pf]), NF_ACCEPT),
  });
  let ok = 0;
  nfHook(NFPROTO_IPV4, NF_INET_FORWARD, n, new SkBuff(20), undefined, undefined, () => ok++);
  assert.deepEqual(seen, [[NF_INET_LOCAL_IN, NFPROTO_IPV4], [NF_INET_FORWARD, NFPROTO_IPV4]]);
  assert.equal(ok, 1);
});
