/** the routing/device/IPsec extensions (ext_route.ts, xt_route.ts): u32's test language parsed
 * by iptables and run by the kernel over a packet, ecn bits, ah/esp SPI ranges, policy without
 * IPsec, devgroup masks, and the checkentry refusals */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import type { Net } from "../../../src/kernel/core/net_namespace.ts";
import type { NetDevice } from "../../../src/kernel/core/netdevice.ts";
import { NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT, NF_INET_PRE_ROUTING } from "../../../src/kernel/netfilter/core.ts";
import { xtFindMatch, type XtActionParam, type XtChkParam } from "../../../src/kernel/netfilter/x_tables.ts";
import { xtRouteInit } from "../../../src/kernel/netfilter/xt_route.ts";
import { findMatch, type ParseCtx } from "../../../src/userland/iptables/extensions.ts";
import "../../../src/userland/iptables/ext_route.ts";

xtRouteInit();

/** an ICMP echo request 10.0.0.1 -> 10.0.0.2 (84 bytes, seq 1), or another protocol's header */
function packet(proto = 1, tos = 0, l4: number[] = [8, 0, 0, 0, 0x12, 0x34, 0, 1]): SkBuff {
  const len = 20 + Math.max(l4.length, 64);
  const skb = new SkBuff(len);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  skb.tail = o + len;
  b[o] = 0x45;
  b[o + 1] = tos;
  b[o + 2] = len >> 8;
  b[o + 3] = len & 255;
  b[o + 8] = 64;
  b[o + 9] = proto;
  [10, 0, 0, 1, 10, 0, 0, 2].forEach((x, i) => (b[o + 12 + i] = x));
  b.set(l4, o + 20);
  return skb;
}
const par = (skb: SkBuff, hook = NF_INET_LOCAL_IN, inDev?: Partial<NetDevice>): XtActionParam => ({
  state: {} as never, fragoff: 0, thoff: skb.networkHeader + 20, hotdrop: false, in: inDev as NetDevice | undefined, out: undefined,
  net: { gen: [] } as unknown as Net, hooknum: hook, family: NFPROTO_IPV4,
});
const ctx = (): ParseCtx => ({ proto: 0, invflags: 0, seen: new Set(), nextArg: () => undefined });
/** iptables' parse of one match's options, as the kernel gets its data */
function parse(name: string, args: [string, string, boolean?][]): Record<string, any> {
  const ext = findMatch(name)!;
  const d = ext.init();
  const c = ctx();
  for (const [o, a, inv] of args) ext.parse(o, a, !!inv, d, c);
  ext.final?.(d, c);
  return JSON.parse(JSON.stringify(d));
}
const run = (name: string, skb: SkBuff, d: Record<string, any>, p = par(skb)): boolean => xtFindMatch(NFPROTO_IPV4, name, 0)!.match(skb, p, d, undefined);
const chk = (name: string, d: Record<string, any>, o: Partial<XtChkParam> = {}) =>
  xtFindMatch(NFPROTO_IPV4, name, 0)!.checkentry?.({ net: { gen: [] } as unknown as Net, table: "filter", proto: 0, invflags: 0, hookMask: 1 << NF_INET_LOCAL_IN, family: NFPROTO_IPV4, ...o }, d);

test("u32: locations, shifts, masks and @ over an echo request; prints as iptables does", () => {
  const skb = packet();
  const m = (s: string, inv = false) => run("u32", skb, parse("u32", [["u32", s, inv]]));
  assert.equal(m("0>>22&0x3C@0>>24=8"), true);
  assert.equal(m("0>>22&0x3C@4&0xFFFF=1:2"), true);
  assert.equal(m("0>>22&0x3C@4&0xFFFF=2,3"), false);
  assert.equal(m("0&0xFFFF=84&&6&0xFF=1"), true);
  assert.equal(m("0&0xFFFF=84", true), false);
  assert.equal(m("81=0"), false);
  assert.equal(m("80=0"), true);
  assert.equal(m("0>>22&0x3C@100=0"), false);
  const d = parse("u32", [["u32", " 4 << 3 = 8 && 0>>22&0x3c@12>>26&0x3C@0 = 0x10 , 0x20:30 "]]);
  assert.equal(findMatch("u32")!.save(d), ' --u32 "0x4<<0x3=0x8&&0x0>>0x16&0x3c@0xc>>0x1a&0x3c@0x0=0x10,0x20:0x1e"');
});

test("u32: parse errors name the character", () => {
  const err = (s: string) => assert.throws(() => parse("u32", [["u32", s]]), (e: Error) => (msg.push(e.message), true));
  const msg: string[] = [];
  for (const s of ["0", "=1", "0 < 2=1", "0 x 2=1", "0=1 2", "0=&&1=2", "0=-1", "0&1&2&3&4&5&6&7&8&9&10=1"]) err(s);
  assert.deepEqual(msg, [
    "u32: abrupt end of input after location specifier",
    "u32: at char 0: location spec missing",
    "u32: at char 3: a second '<' was expected",
    "u32: at char 2: operator expected",
    "u32: at char 4: expected \",\" or \"&&\"",
    "u32: at char 3: value spec missing",
    "u32: at char 2: not a number or out of range",
    "u32: at char 22: too many operators",
  ]);
});

test("ecn: the IP codepoint and TCP's ECE/CWR; TCP bits need -p tcp", () => {
  assert.equal(run("ecn", packet(1, 0x01), parse("ecn", [["ecn-ip-ect", "1"]])), true);
  assert.equal(run("ecn", packet(1, 0x02), parse("ecn", [["ecn-ip-ect", "1"]])), false);
  assert.equal(run("ecn", packet(1, 0x02), parse("ecn", [["ecn-ip-ect", "1", true]])), true);
  const syn = packet(6, 0, [0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0xc2, 0, 0, 0, 0, 0, 0]);
  assert.equal(run("ecn", syn, parse("ecn", [["ecn-tcp-ece", ""], ["ecn-tcp-cwr", ""]])), true);
  assert.equal(run("ecn", syn, parse("ecn", [["ecn-tcp-ece", "", true]])), false);
  assert.equal(chk("ecn", parse("ecn", [["ecn-tcp-ece", ""]]))?.errno, "EINVAL");
  assert.equal(chk("ecn", parse("ecn", [["ecn-tcp-ece", ""]]), { proto: 6 }), undefined);
});

test("ah/esp: SPI ranges at their header offsets; a short header is dropped", () => {
  const esp = packet(50, 0, [0, 0, 0x01, 0x00, 0, 0, 0, 1]);
  assert.equal(run("esp", esp, parse("esp", [["espspi", "256"]])), true);
  assert.equal(run("esp", esp, parse("esp", [["espspi", "257:", true]])), true);
  const ah = packet(51, 0, [50, 4, 0, 0, 0, 0, 0x01, 0xf4, 0, 0, 0, 1]);
  assert.equal(run("ah", ah, parse("ah", [["ahspi", "500"]])), true);
  assert.equal(run("ah", ah, parse("ah", [["ahspi", ":499"]])), false);
  assert.equal(findMatch("ah")!.print(parse("ah", []), false, 51), " ah ");
  assert.equal(findMatch("esp")!.print(parse("esp", [["espspi", "1:5", true]]), false, 50), " esp spis:!1:5");
  const short = packet(51);
  short.tail = short.networkHeader + 24;
  const p = par(short);
  assert.equal(run("ah", short, parse("ah", []), p), false);
  assert.equal(p.hotdrop, true);
});

test("policy: no IPsec here, so --pol none matches and --pol ipsec does not; direction against hooks", () => {
  const skb = packet();
  assert.equal(run("policy", skb, parse("policy", [["dir", "in"], ["pol", "none"]])), true);
  assert.equal(run("policy", skb, parse("policy", [["dir", "in"], ["pol", "ipsec"]])), false);
  assert.equal(chk("policy", parse("policy", [["dir", "out"], ["pol", "none"]]))?.errno, "EINVAL");
  assert.equal(chk("policy", parse("policy", [["dir", "in"], ["pol", "none"]]), { hookMask: 1 << NF_INET_LOCAL_OUT })?.errno, "EINVAL");
  const d = parse("policy", [["dir", "out"], ["pol", "ipsec"], ["strict", ""], ["proto", "ah"], ["next", ""], ["mode", "tunnel"], ["tunnel-dst", "10.1.0.0/255.255.0.0"]]);
  assert.equal(findMatch("policy")!.save(d), " --dir out --pol ipsec --strict --proto ah --next --mode tunnel --tunnel-dst 10.1.0.0/16");
});

test("devgroup and rpfilter: masks, hooks and tables", () => {
  const skb = packet();
  const d = parse("devgroup", [["src-group", "0x15/0xf0"]]);
  assert.equal(run("devgroup", skb, d, par(skb, NF_INET_LOCAL_IN, { group: 0x1f })), true);
  assert.equal(run("devgroup", skb, d, par(skb, NF_INET_LOCAL_IN, { group: 0x2f })), false);
  assert.equal(findMatch("devgroup")!.save(parse("devgroup", [["src-group", "0"]])), " --src-group default");
  assert.equal(chk("devgroup", parse("devgroup", [["dst-group", "1"]]))?.errno, "EINVAL");
  const rp = parse("rpfilter", [["loose", ""], ["invert", ""]]);
  assert.equal(chk("rpfilter", rp, { table: "filter", hookMask: 1 << NF_INET_PRE_ROUTING })?.errno, "EINVAL");
  assert.equal(chk("rpfilter", rp, { table: "raw", hookMask: 1 << NF_INET_PRE_ROUTING }), undefined);
  // a packet from the loopback device always passes the test
  assert.equal(run("rpfilter", skb, parse("rpfilter", []), par(skb, NF_INET_PRE_ROUTING, { flags: 8 })), true);
  assert.equal(run("rpfilter", skb, rp, par(skb, NF_INET_PRE_ROUTING, { flags: 8 })), false);
});
