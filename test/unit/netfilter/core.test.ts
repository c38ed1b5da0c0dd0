import { test } from "node:test";
import assert from "node:assert/strict";
import type { Net } from "../../../src/kernel/core/net_namespace.ts";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import {
  NF_ACCEPT, NF_DROP, NF_INET_FORWARD, NF_INET_LOCAL_IN, NF_STOLEN, NFPROTO_IPV4, nfHook, nfHookEntries,
  nfRegisterNetHook, nfUnregisterNetHook, type NfHookOps,
} from "../../../src/kernel/netfilter/core.ts";

const net = () => ({ gen: [] }) as unknown as Net;

test("nfHook with nothing registered calls okfn", () => {
  const n = net();
  const skb = new SkBuff(20);
  let called = 0;
  nfHook(NFPROTO_IPV4, NF_INET_LOCAL_IN, n, skb, undefined, undefined, () => called++);
  assert.equal(called, 1);
});

test("hooks run in priority order; drop stops the chain and frees with a reason", () => {
  const n = net();
  const order: number[] = [];
  const mk = (priority: number, verdict: number): NfHookOps => ({
    pf: NFPROTO_IPV4, hooknum: NF_INET_FORWARD, priority, hook: () => (order.push(priority), verdict),
  });
  const a = mk(0, NF_ACCEPT);
  const b = mk(-300, NF_ACCEPT);
  const c = mk(100, NF_DROP);
  nfRegisterNetHook(n, a);
  nfRegisterNetHook(n, c);
  nfRegisterNetHook(n, b);
  assert.deepEqual(nfHookEntries(n, NFPROTO_IPV4, NF_INET_FORWARD).map((o) => o.priority), [-300, 0, 100]);
  const skb = new SkBuff(20);
  let ok = 0;
  nfHook(NFPROTO_IPV4, NF_INET_FORWARD, n, skb, undefined, undefined, () => ok++);
  assert.deepEqual(order, [-300, 0, 100]);
  assert.equal(ok, 0);
  assert.equal(skb.dropReason, "SKB_DROP_REASON_NETFILTER_DROP");
  nfUnregisterNetHook(n, c);
  nfHook(NFPROTO_IPV4, NF_INET_FORWARD, n, new SkBuff(20), undefined, undefined, () => ok++);
  assert.equal(ok, 1);
  // a stolen packet is neither passed on nor freed
  nfRegisterNetHook(n, mk(50, NF_STOLEN));
  const s = new SkBuff(20);
  nfHook(NFPROTO_IPV4, NF_INET_FORWARD, n, s, undefined, undefined, () => ok++);
  assert.equal(ok, 1);
  assert.equal(s.dropReason, undefined);
});
