/** the other matches (xt_misc.ts, ext_misc.ts): time against the world's wall clock, the
 * classic BPF checker and interpreter of xt_bpf, iptables' parsing of time and bpf */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import type { Net } from "../../../src/kernel/core/net_namespace.ts";
import { NFPROTO_IPV4, NF_INET_LOCAL_IN } from "../../../src/kernel/netfilter/core.ts";
import { xtFindMatch, type XtActionParam, type XtChkParam } from "../../../src/kernel/netfilter/x_tables.ts";
import { xtMiscInit, bpfCheckClassic, bpfRunClassic } from "../../../src/kernel/netfilter/xt_misc.ts";
import { EXTS_MISC } from "../../../src/userland/iptables/ext_misc.ts";
import { XtablesError } from "../../../src/userland/iptables/xshared.ts";
import type { ParseCtx } from "../../../src/userland/iptables/extensions.ts";

xtMiscInit();

/** a namespace whose world's clock reads `epoch` seconds */
const netAt = (epoch: number): Net => ({ host: { world: { epoch, sched: { now: 0 } } }, gen: [] }) as unknown as Net;
const par = (net: Net): XtActionParam => ({
  state: {} as never, fragoff: 0, thoff: 20, hotdrop: false, in: undefined, out: undefined, net, hooknum: NF_INET_LOCAL_IN, family: NFPROTO_IPV4,
});
const chk = { table: "filter", proto: 0, invflags: 0, hookMask: 1 << NF_INET_LOCAL_IN, family: NFPROTO_IPV4 } as unknown as XtChkParam;

/** iptables' parse of one match's options into its data */
function parse(name: string, args: [string, string, boolean?][]): Record<string, any> {
  const ext = EXTS_MISC.find((e) => e.name === name)!;
  const d = ext.init();
  const ctx: ParseCtx = { proto: 0, invflags: 0, seen: new Set(), nextArg: () => undefined, warn: () => {} };
  for (const [o, a, inv] of args) ext.parse(o, a, !!inv, d, ctx);
  ext.final?.(d, ctx);
  return d;
}

/** an ICMP echo request of 84 bytes from 10.0.0.1 to 10.0.0.2 */
function ping(): SkBuff {
  const skb = new SkBuff(84);
  const o = skb.data;
  skb.networkHeader = o;
  skb.tail = o + 84;
  const b = skb.buf;
  b[o] = 0x45;
  b[o + 3] = 84;
  b[o + 8] = 64;
  b[o + 9] = 1;
  [10, 0, 0, 1, 10, 0, 0, 2].forEach((x, i) => (b[o + 12 + i] = x));
  b[o + 20] = 8;
  return skb;
}

test("time: weekdays, monthdays, daytime and dates against the wall clock (UTC)", () => {
  const m = xtFindMatch(NFPROTO_IPV4, "time", 0)!;
  // 2025-12-01 10:30:00 UTC, a Monday
  const net = netAt(Date.UTC(2025, 11, 1, 10, 30) / 1000);
  const run = (args: [string, string, boolean?][]) => m.match(ping(), par(net), parse("time", args), undefined);
  assert.equal(run([["weekdays", "Mon"]]), true);
  assert.equal(run([["weekdays", "Tue,Sun"]]), false);
  assert.equal(run([["weekdays", "Mon", true]]), false);
  assert.equal(run([["monthdays", "1"]]), true);
  assert.equal(run([["monthdays", "2,31"]]), false);
  assert.equal(run([["timestart", "10:00"], ["timestop", "11:00"]]), true);
  assert.equal(run([["timestart", "11:00"], ["timestop", "12:00"]]), false);
  // 22:00 to 11:00 the next day: 10:30 on Monday belongs to Sunday's interval with --contiguous
  assert.equal(run([["timestart", "22:00"], ["timestop", "11:00"], ["weekdays", "Sun"], ["contiguous", ""]]), true);
  assert.equal(run([["timestart", "22:00"], ["timestop", "11:00"], ["weekdays", "Sun"]]), false);
  assert.equal(run([["datestop", "2025-11-30"]]), false);
  assert.equal(run([["datestart", "2025-12-01T10:29"], ["datestop", "2025-12-01T10:31"]]), true);
});

test("time: iptables' parse and its errors", () => {
  assert.equal(parse("time", [["datestart", "2021-02-31"]])["date_start"], Date.UTC(2021, 2, 3) / 1000);
  assert.equal(parse("time", [["weekdays", "Mox,Tu,7"]])["weekdays_match"], (1 << 1) | (1 << 2) | (1 << 7));
  assert.throws(() => parse("time", [["timestart", "12:60"]]), (e: XtablesError) => e.text === 'invalid time "60" specified, should be hh:mm[:ss] format and within the boundaries');
  assert.throws(() => parse("time", [["weekdays", "0"]]), /week does NOT begin/);
  assert.throws(() => parse("time", [["timestart", "08:00"], ["timestop", "17:00"], ["contiguous", ""]]), /--contiguous only makes sense/);
  const ext = EXTS_MISC.find((e) => e.name === "time")!;
  assert.equal(ext.save(parse("time", [])), " --datestop 2038-01-19T03:14:07");
});

test("bpf: the classic checker refuses what the kernel refuses", () => {
  assert.equal(bpfCheckClassic([[6, 0, 0, 0]]), true);
  assert.equal(bpfCheckClassic([[48, 0, 0, 9]]), false); // no RET at the end
  assert.equal(bpfCheckClassic([[21, 5, 0, 1], [6, 0, 0, 0]]), false); // a jump out of the program
  assert.equal(bpfCheckClassic([[52, 0, 0, 0], [6, 0, 0, 0]]), false); // division by constant zero
  assert.equal(bpfCheckClassic([[96, 0, 0, 0], [6, 0, 0, 0]]), false); // M[0] read before written
  assert.equal(bpfCheckClassic([[255, 0, 0, 0]]), false);
  const m = xtFindMatch(NFPROTO_IPV4, "bpf", 1)!;
  assert.ok(m.checkentry!(chk, { mode: 0, bpf_program_num_elem: 1, bpf_program: [[48, 0, 0, 9]] }));
});

test("bpf: the interpreter over the IP header", () => {
  const skb = ping();
  const nh = skb.networkHeader;
  // ldb [9]; jeq #1 → ret 1 : ret 0
  assert.equal(bpfRunClassic([[48, 0, 0, 9], [21, 0, 1, 1], [6, 0, 0, 1], [6, 0, 0, 0]], skb, nh), 1);
  // ldxb 4*([0]&0xf); ldb [x+0]; jeq #8 (echo request)
  assert.equal(bpfRunClassic([[177, 0, 0, 0], [80, 0, 0, 0], [21, 0, 1, 8], [6, 0, 0, 65535], [6, 0, 0, 0]], skb, nh), 65535);
  // ld len
  assert.equal(bpfRunClassic([[128, 0, 0, 0], [22, 0, 0, 0]], skb, nh), 84);
  // a load past the packet ends the program with 0
  assert.equal(bpfRunClassic([[32, 0, 0, 4000], [6, 0, 0, 1]], skb, nh), 0);
  // scratch memory, tax/txa
  assert.equal(bpfRunClassic([[0, 0, 0, 7], [2, 0, 0, 3], [96, 0, 0, 3], [7, 0, 0, 0], [135, 0, 0, 0], [22, 0, 0, 0]], skb, nh), 7);
  const d = parse("bpf", [["bytecode", "4,48 0 0 9,21 0 1 1,6 0 0 1,6 0 0 0"]]);
  assert.equal(d["bpf_program_num_elem"], 4);
  assert.throws(() => parse("bpf", [["bytecode", "2,6 0 0 0"]]), /parsed program length is less/);
});
