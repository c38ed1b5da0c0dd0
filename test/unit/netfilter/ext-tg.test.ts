/** the targets of ext_tg.ts / xt_tg.ts and CT's options: parsing and printing as iptables 1.8.9,
 * the kernel's checkentry (shared IDLETIMER labels, RATEEST estimators, CT helpers) */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Net } from "../../../src/kernel/core/net_namespace.ts";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import { NFPROTO_IPV4, NF_INET_POST_ROUTING } from "../../../src/kernel/netfilter/core.ts";
import { XT_CONTINUE, xtFindMatch, xtFindTarget, type XtActionParam, type XtChkParam } from "../../../src/kernel/netfilter/x_tables.ts";
import { xtTgInit } from "../../../src/kernel/netfilter/xt_tg.ts";
import { xtTargetsInit } from "../../../src/kernel/netfilter/xt_targets.ts";
import { findTarget, findMatch, type Ext, type ParseCtx } from "../../../src/userland/iptables/extensions.ts";
import "../../../src/userland/iptables/ext_tg.ts";
import { makeNet } from "./harness.ts";

xtTgInit();
xtTargetsInit();

/** parse `args` (option, argument) pairs for an extension, as iptables does, then its final check */
function parse(e: Ext, args: [string, string, boolean?][], proto = 0): Record<string, any> {
  const d = e.init();
  const rest: string[] = [];
  const ctx: ParseCtx = { proto, invflags: 0, seen: new Set(), nextArg: () => rest.shift() };
  for (const [o, a, inv] of args) e.parse(o, a, !!inv, d, ctx);
  e.final?.(d, ctx);
  return d;
}
const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "";
};
const chk = (net: object, table: string, hookMask: number, proto = 0): XtChkParam => ({ net: net as Net, table, proto, invflags: 0, hookMask, family: NFPROTO_IPV4 });

test("CT: helper, events and zones print and save as libxt_CT.c revision 2", () => {
  const ct = findTarget("CT")!;
  const d = parse(ct, [["helper", "ftp"], ["ctevents", "new,destroy,reply"], ["expevents", "new"], ["zone-orig", "7"]]);
  assert.equal(ct.print(d, false, 6), " CT helper ftp ctevents new,destroy,reply expevents new zone-orig 7");
  assert.equal(ct.save(d), " --helper ftp --ctevents new,destroy,reply --expevents new --zone-orig 7");
  const m = parse(ct, [["zone-reply", "MARK"]]);
  assert.equal(ct.save(m), " --zone-reply mark");
  assert.match(err(() => parse(ct, [["ctevents", "new,bogus"]])), /Unknown event type "bogus"/);
  assert.match(err(() => parse(ct, [["zone", "65536"]])), /Cannot parse 65536 as a zone ID/);
  assert.match(err(() => parse(ct, [["zone", "1"], ["zone", "2"]])), /CT: option "--zone" can only be used once/);
});

test("CT checkentry: a helper needs its protocol, a timeout policy never exists", () => {
  const t = xtFindTarget(NFPROTO_IPV4, "CT", 2)!;
  const net = makeNet();
  assert.equal(t.checkentry!(chk(net, "raw", 1, 6), { flags: 0, helper: "ftp" }), undefined);
  assert.ok(t.checkentry!(chk(net, "raw", 1, 17), { flags: 0, helper: "ftp" }));
  assert.ok(t.checkentry!(chk(net, "raw", 1, 0), { flags: 0, helper: "ftp" }));
  assert.equal(t.checkentry!(chk(net, "raw", 1, 17), { flags: 0, helper: "tftp" }), undefined);
  assert.ok(t.checkentry!(chk(net, "raw", 1, 17), { flags: 0, timeout: "x" }));
  // --notrack needs nothing
  assert.equal(t.checkentry!(chk(net, "raw", 1, 0), { flags: 1, helper: "nosuch" }), undefined);
});

test("CLASSIFY parses MAJOR:MINOR as sscanf %x:%x and prints both ways", () => {
  const e = findTarget("CLASSIFY")!;
  const d = parse(e, [["set-class", "10001:abcde"]]);
  assert.equal(e.print(d, false, 0), " CLASSIFY set 1:bcde");
  assert.equal(e.save(d), " --set-class 0001:bcde");
  assert.equal(e.save(parse(e, [["set-class", " 0x1: 0XA0z"]])), " --set-class 0001:00a0");
  assert.match(err(() => parse(e, [["set-class", "1"]])), /Bad class value "1"/);
  const skb = new SkBuff(0, 0);
  const t = xtFindTarget(NFPROTO_IPV4, "CLASSIFY", 0)!;
  const par = { net: { gen: [] } as unknown as Net, hooknum: NF_INET_POST_ROUTING, family: NFPROTO_IPV4 } as XtActionParam;
  assert.equal(t.target(skb, par, d, undefined), XT_CONTINUE);
  assert.equal(skb.priority, 0x1bcde);
});

test("HMARK: tuple words are prefixes, mandatory options checked in order", () => {
  const e = findTarget("HMARK")!;
  const d = parse(e, [["hmark-tuple", "S,D,SP"], ["hmark-mod", "4"], ["hmark-rnd", "0xfeed"], ["hmark-offset", "100"]]);
  assert.equal(e.print(d, false, 0), " HMARK mod 4 + 0x64 src-prefix 32 dst-prefix 32 sport-mask 0xffff rnd 0xfeed ");
  assert.equal(e.save(d), " --hmark-src-prefix 32 --hmark-dst-prefix 32 --hmark-sport-mask 0xffff --hmark-rnd 0x0000feed --hmark-mod 4 --hmark-offset 100");
  assert.match(err(() => parse(e, [["hmark-tuple", "src"], ["hmark-rnd", "1"]])), /--hmark-mod is mandatory/);
  assert.match(err(() => parse(e, [["hmark-tuple", "src"], ["hmark-src-prefix", "16"]])), /option "--hmark-src-prefix" can only be used once/);
});

test("RATEEST: interval and ewmalog become the estimator's logs; estimators are shared by name", () => {
  const e = findTarget("RATEEST")!;
  const d = parse(e, [["rateest-name", "x"], ["rateest-interval", "250ms"], ["rateest-ewmalog", "0.5s"]]);
  assert.equal(d["interval"], -2);
  assert.equal(d["ewma_log"], 1);
  assert.equal(e.save(d), " --rateest-name x --rateest-interval 250.0ms --rateest-ewmalog 500.0ms");
  assert.match(err(() => parse(e, [["rateest-name", "x"]])), /ewmalog value is out of range/);
  const t = xtFindTarget(NFPROTO_IPV4, "RATEEST", 0)!;
  const m = xtFindMatch(NFPROTO_IPV4, "rateest", 0)!;
  const net = { gen: [] };
  const md = parse(findMatch("rateest")!, [["rateest", "x"], ["rateest-bps", "1"], ["rateest-gt", ""]]);
  assert.ok(m.checkentry!(chk(net, "filter", 2), md));
  assert.equal(t.checkentry!(chk(net, "filter", 2), d), undefined);
  assert.equal(m.checkentry!(chk(net, "filter", 2), md), undefined);
  assert.ok(t.checkentry!(chk(net, "filter", 2), { ...d, interval: 0, ewma_log: 2 }));
});

test("IDLETIMER: a label keeps its timer type while rules use it", () => {
  const t = xtFindTarget(NFPROTO_IPV4, "IDLETIMER", 1)!;
  const net = { gen: [] };
  const a = { timeout: 10, label: "unit-l1", timer_type: 0 };
  assert.equal(t.checkentry!(chk(net, "filter", 2), a), undefined);
  assert.ok(t.checkentry!(chk(net, "filter", 2), { ...a, timer_type: 1 }));
  t.destroy!(chk(net, "filter", 2), a);
  assert.equal(t.checkentry!(chk(net, "filter", 2), { ...a, timer_type: 1 }), undefined);
  assert.ok(t.checkentry!(chk(net, "filter", 2), { ...a, label: "power" }));
  assert.ok(t.checkentry!(chk(net, "filter", 2), { ...a, timeout: 0 }));
});
