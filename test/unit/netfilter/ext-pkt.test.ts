/** the packet-field extensions (xt_pkt.ts): TCPMSS rewriting or adding the MSS option with a
 * correct checksum, statistic's random mode on the world's random source, sctp chunk matching */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import type { Net } from "../../../src/kernel/core/net_namespace.ts";
import { NFPROTO_IPV4, NF_INET_POST_ROUTING } from "../../../src/kernel/netfilter/core.ts";
import { nfIpv4Ops, nfSetIpv4Ops } from "../../../src/kernel/netfilter/nf_glue.ts";
import { XT_CONTINUE, xtFindMatch, xtFindTarget, type XtActionParam } from "../../../src/kernel/netfilter/x_tables.ts";
import { xtPktInit } from "../../../src/kernel/netfilter/xt_pkt.ts";

xtPktInit();

/** ones' complement sum over the TCP segment and its pseudo-header: 0xffff when right */
function tcpCsumOk(skb: SkBuff): boolean {
  const b = skb.buf;
  const nh = skb.networkHeader;
  const th = nh + (b[nh]! & 15) * 4;
  const len = skb.tail - th;
  let s = 0;
  for (let i = 0; i < 8; i += 2) s += (b[nh + 12 + i]! << 8) | b[nh + 13 + i]!;
  s += 6 + len;
  for (let i = 0; i < len; i += 2) s += (b[th + i]! << 8) | (i + 1 < len ? b[th + i + 1]! : 0);
  while (s >> 16) s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff;
}
function ipCsumOk(skb: SkBuff): boolean {
  const b = skb.buf;
  const nh = skb.networkHeader;
  let s = 0;
  for (let i = 0; i < 20; i += 2) s += (b[nh + i]! << 8) | b[nh + i + 1]!;
  while (s >> 16) s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff;
}
function fixCsums(skb: SkBuff): void {
  const b = skb.buf;
  const nh = skb.networkHeader;
  const th = nh + 20;
  b[th + 16] = b[th + 17] = 0;
  b[nh + 10] = b[nh + 11] = 0;
  const fold = (s: number) => {
    while (s >> 16) s = (s & 0xffff) + (s >>> 16);
    return ~s & 0xffff;
  };
  let s = 0;
  for (let i = 0; i < 20; i += 2) s += (b[nh + i]! << 8) | b[nh + i + 1]!;
  const ic = fold(s);
  b[nh + 10] = ic >> 8;
  b[nh + 11] = ic & 255;
  const len = skb.tail - th;
  s = 6 + len;
  for (let i = 0; i < 8; i += 2) s += (b[nh + 12 + i]! << 8) | b[nh + 13 + i]!;
  for (let i = 0; i < len; i += 2) s += (b[th + i]! << 8) | b[th + i + 1]!;
  const tc = fold(s);
  b[th + 16] = tc >> 8;
  b[th + 17] = tc & 255;
}
/** a SYN from 10.0.0.1 to 10.0.0.2 with the given TCP options */
function syn(opts: number[]): SkBuff {
  const len = 40 + opts.length;
  const skb = new SkBuff(len);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  b[o] = 0x45;
  b[o + 2] = len >> 8;
  b[o + 3] = len & 255;
  b[o + 8] = 64;
  b[o + 9] = 6;
  [10, 0, 0, 1, 10, 0, 0, 2].forEach((x, i) => (b[o + 12 + i] = x));
  const th = o + 20;
  b[th] = 0x9c;
  b[th + 1] = 0x40;
  b[th + 3] = 80;
  b[th + 7] = 1;
  b[th + 12] = ((20 + opts.length) / 4) << 4;
  b[th + 13] = 0x02;
  b[th + 14] = 0xfa;
  b.set(opts, th + 20);
  fixCsums(skb);
  return skb;
}
const par = (skb?: SkBuff): XtActionParam => ({
  state: {} as never, fragoff: 0, thoff: (skb?.networkHeader ?? 0) + 20, hotdrop: false, in: undefined, out: undefined,
  net: { gen: [] } as unknown as Net, hooknum: NF_INET_POST_ROUTING, family: NFPROTO_IPV4,
});

test("TCPMSS --set-mss lowers the MSS option and fixes the TCP checksum, never raises it", () => {
  const t = xtFindTarget(NFPROTO_IPV4, "TCPMSS", 0)!;
  const skb = syn([2, 4, 0x05, 0xb4, 1, 3, 3, 7]);
  assert.ok(tcpCsumOk(skb));
  assert.equal(t.target(skb, par(), { mss: 1000 }, undefined), XT_CONTINUE);
  const th = skb.networkHeader + 20;
  assert.equal((skb.buf[th + 22]! << 8) | skb.buf[th + 23]!, 1000);
  assert.ok(tcpCsumOk(skb));
  t.target(skb, par(), { mss: 1400 }, undefined);
  assert.equal((skb.buf[th + 22]! << 8) | skb.buf[th + 23]!, 1000);
});

test("TCPMSS adds an MSS option (capped at 536) to a SYN without one, lengths and checksums right", () => {
  const t = xtFindTarget(NFPROTO_IPV4, "TCPMSS", 0)!;
  const skb = syn([]);
  t.target(skb, par(), { mss: 1200 }, undefined);
  const b = skb.buf;
  const nh = skb.networkHeader;
  assert.equal(skb.tail - nh, 44);
  assert.equal((b[nh + 2]! << 8) | b[nh + 3]!, 44);
  assert.equal(b[nh + 32]! >> 4, 6);
  assert.deepEqual([...b.subarray(nh + 40, nh + 44)], [2, 4, 2, 0x18]);
  assert.ok(ipCsumOk(skb));
  assert.ok(tcpCsumOk(skb));
});

test("statistic --mode random draws from the world's random source", () => {
  const m = xtFindMatch(NFPROTO_IPV4, "statistic", 0)!;
  const saved = nfIpv4Ops.random32;
  try {
    let next = 0;
    nfSetIpv4Ops({ random32: () => next });
    const d = { mode: 0, flags: 0, probability: 0x40000000 };
    next = 0x3fffffff;
    assert.equal(m.match(new SkBuff(20), par(), d, undefined), true);
    next = 0xc0000000; // the top bit is masked off: 0x40000000 is not below the probability
    assert.equal(m.match(new SkBuff(20), par(), d, undefined), false);
    assert.equal(m.match(new SkBuff(20), par(), { ...d, flags: 1 }, undefined), true);
  } finally {
    nfSetIpv4Ops({ random32: saved });
  }
});

test("statistic --mode nth: the counter starts at every - packet", () => {
  const m = xtFindMatch(NFPROTO_IPV4, "statistic", 0)!;
  const d = { mode: 1, flags: 0, every: 2, packet: 2, count: 0 };
  const st = m.compile!(d);
  const got = [1, 2, 3, 4, 5, 6].map(() => m.match(new SkBuff(20), par(), d, st));
  assert.deepEqual(got, [false, false, true, false, false, true]);
});

test("sctp --chunk-types any/all/only over the chunks of a packet", () => {
  const m = xtFindMatch(NFPROTO_IPV4, "sctp", 0)!;
  // common header, then an INIT chunk (type 1, 20 bytes) and a DATA chunk (type 0, flags 0x03, 16 bytes)
  const skb = new SkBuff(20 + 12 + 20 + 16);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  b[o] = 0x45;
  b[o + 20 + 3] = 80;
  b[o + 32] = 1;
  b[o + 35] = 20;
  b[o + 52] = 0;
  b[o + 53] = 0x03;
  b[o + 55] = 16;
  const map = (...types: number[]) => {
    const w = new Array<number>(8).fill(0);
    for (const t of types) w[t >> 5] |= 1 << (t & 31);
    return w;
  };
  const base = { spts: [0, 0xffff], dpts: [80, 80], flags: 6, invflags: 0, flag_count: 0, flag_info: [] };
  assert.equal(m.match(skb, par(skb), { ...base, chunk_match_type: 1, chunkmap: map(3, 1) }, undefined), true);
  assert.equal(m.match(skb, par(skb), { ...base, chunk_match_type: 2, chunkmap: map(0, 1) }, undefined), true);
  assert.equal(m.match(skb, par(skb), { ...base, chunk_match_type: 2, chunkmap: map(0, 1, 3) }, undefined), false);
  assert.equal(m.match(skb, par(skb), { ...base, chunk_match_type: 4, chunkmap: map(1) }, undefined), false);
  // DATA:bE — B clear, E set: flags 0x03 has B (bit 1) set, so it does not match
  const fi = [{ chunktype: 0, flag: 0x01, flag_mask: 0x03 }];
  assert.equal(m.match(skb, par(skb), { ...base, chunk_match_type: 1, chunkmap: map(0), flag_count: 1, flag_info: fi }, undefined), false);
});
