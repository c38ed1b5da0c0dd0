/** the per-rule-state extensions (xt_state.ts): recent's --seconds window and --reap on the
 * world's clock (jiffies), string's offsets and case folding, hashlimit's bucket refilling
 * with time — what the labs cannot show without depending on timing */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import type { Net } from "../../../src/kernel/core/net_namespace.ts";
import { NFPROTO_IPV4, NF_INET_LOCAL_IN } from "../../../src/kernel/netfilter/core.ts";
import { nfIpv4Ops, nfSetIpv4Ops } from "../../../src/kernel/netfilter/nf_glue.ts";
import { xtFindMatch, type XtActionParam, type XtChkParam } from "../../../src/kernel/netfilter/x_tables.ts";
import { xtStateInit } from "../../../src/kernel/netfilter/xt_state.ts";

xtStateInit();

/** an ICMP echo from `src` to 10.0.0.1 carrying `payload` */
function ping(src: number[], payload: number[], ttl = 64): SkBuff {
  const len = 28 + payload.length;
  const skb = new SkBuff(len);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  b[o] = 0x45;
  b[o + 2] = len >> 8;
  b[o + 3] = len & 255;
  b[o + 8] = ttl;
  b[o + 9] = 1;
  [...src, 10, 0, 0, 1].forEach((x, i) => (b[o + 12 + i] = x));
  b[o + 20] = 8;
  b.set(payload, o + 28);
  return skb;
}

const net = { host: {}, gen: [] } as unknown as Net;
const par = (skb: SkBuff): XtActionParam => ({
  state: {} as never, fragoff: 0, thoff: skb.networkHeader + 20, hotdrop: false, in: undefined, out: undefined,
  net, hooknum: NF_INET_LOCAL_IN, family: NFPROTO_IPV4,
});
const chk: XtChkParam = { net, table: "filter", proto: 0, invflags: 0, hookMask: 1 << NF_INET_LOCAL_IN, family: NFPROTO_IPV4 };

function withClock(fn: (set: (us: number) => void) => void): void {
  const saved = nfIpv4Ops.now;
  let now = 0;
  nfSetIpv4Ops({ now: () => now });
  try {
    fn((us) => (now = us));
  } finally {
    nfSetIpv4Ops({ now: saved });
  }
}

test("recent: --rcheck --seconds sees only what was set within the window; --reap drops the stale entry", () => {
  withClock((setNow) => {
    const m = xtFindMatch(NFPROTO_IPV4, "recent", 1)!;
    const base = { seconds: 0, hit_count: 0, invert: 0, name: "u1", side: 0, mask: 0xffffffff };
    const set = { ...base, check_set: 2 };
    const check = { ...base, check_set: 1, seconds: 10 };
    const reap = { ...base, check_set: 1 | 32, seconds: 10 };
    for (const d of [set, check, reap]) assert.equal(m.checkentry!(chk, d), undefined);
    const skb = ping([10, 0, 0, 2], []);
    setNow(1_000_000);
    assert.equal(m.match(skb, par(skb), set, undefined), true);
    setNow(5_000_000);
    assert.equal(m.match(skb, par(skb), check, undefined), true);
    setNow(12_000_000);
    assert.equal(m.match(skb, par(skb), check, undefined), false);
    // reaping removes it: a later --set starts a fresh entry with one stamp
    assert.equal(m.match(skb, par(skb), reap, undefined), false);
    const hits2 = { ...base, check_set: 1, hit_count: 2 };
    assert.equal(m.checkentry!(chk, hits2), undefined);
    m.match(skb, par(skb), set, undefined);
    assert.equal(m.match(skb, par(skb), hits2, undefined), false);
    m.match(skb, par(skb), set, undefined);
    assert.equal(m.match(skb, par(skb), hits2, undefined), true);
    for (const d of [set, check, reap, hits2]) m.destroy!(chk, d);
  });
});

test("string: --from/--to bound the whole match, --icase folds both sides", () => {
  const m = xtFindMatch(NFPROTO_IPV4, "string", 1)!;
  const pat = [...Buffer.from("Hello")];
  const skb = ping([10, 0, 0, 2], [...Buffer.from("xxhello world")]);
  const conf = (o: Record<string, unknown>) => ({ from_offset: 0, to_offset: 65535, algo: "kmp", pattern: pat, flags: 0, ...o });
  const run = (d: Record<string, unknown>) => m.match(skb, par(skb), d, m.compile!(d));
  assert.equal(run(conf({})), false);
  assert.equal(run(conf({ flags: 2 })), true);
  assert.equal(run(conf({ flags: 3 })), false);
  // "hello" is at offset 30..34 from the IP header
  assert.equal(run(conf({ flags: 2, from_offset: 30, to_offset: 35 })), true);
  assert.equal(run(conf({ flags: 2, from_offset: 30, to_offset: 34 })), false);
  assert.equal(run(conf({ flags: 2, from_offset: 31 })), false);
  assert.equal(m.checkentry!(chk, conf({ algo: "fsm2" }))?.errno, "ENOENT");
  assert.equal(m.checkentry!(chk, conf({ pattern: [] }))?.errno, "EINVAL");
});

test("hashlimit: the burst passes, then one packet per period as the bucket refills", () => {
  withClock((setNow) => {
    const m = xtFindMatch(NFPROTO_IPV4, "hashlimit", 3)!;
    // 1/sec, burst 2, per source address
    const d = { name: "u3", cfg: { mode: 4, avg: "1000000", burst: "2", size: 0, max: 0, gc_interval: 1000, expire: 10000, srcmask: 32, dstmask: 32, interval: 0 } };
    assert.equal(m.checkentry!(chk, d), undefined);
    const a = ping([10, 0, 0, 2], []);
    const b = ping([10, 0, 0, 3], []);
    setNow(0);
    assert.deepEqual([1, 2, 3].map(() => m.match(a, par(a), d, undefined)), [true, true, false]);
    assert.equal(m.match(b, par(b), d, undefined), true);
    setNow(1_000_000);
    assert.deepEqual([1, 2].map(() => m.match(a, par(a), d, undefined)), [true, false]);
    m.destroy!(chk, d);
  });
});
