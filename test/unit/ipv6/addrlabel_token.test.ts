/**
 * net/ipv6/addrlabel.c's lookups (what RFC 6724 source selection would ask) and ip token's
 * router solicitation. The tables, messages and errors themselves are pinned by
 * test/labs/ipv6/addrlabel-token.lab against Linux 6.18.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { b2World, tapOut, summary, type Frame } from "./harness.ts";
import { dadConfig } from "../../../src/kernel/ipv6/addrconf.ts";
import { ipv6AddrLabel, ipv6AddrType } from "../../../src/kernel/ipv6/addrlabel.ts";
import { inetPton6 } from "../../../src/userland/lib/utils.ts";
import { devGetByName } from "../../../src/kernel/core/dev.ts";

/** inet_pton(AF_INET6) (dotted IPv4 tails too) */
const in6Addr = (s: string): Uint8Array => inetPton6(s)!;

test("ipv6_addr_type: the bits addrlabel keeps (mapped, compat, loopback)", () => {
  const t = (s: string) => ipv6AddrType(in6Addr(s)) & (0x1000 | 0x80 | 0x10);
  assert.equal(t("::ffff:1.2.3.4"), 0x1000);
  assert.equal(t("::ffff:0:0"), 0x1000);
  assert.equal(t("::1.2.3.4"), 0x80);
  assert.equal(t("::1"), 0x10);
  assert.equal(t("::"), 0);
  assert.equal(t("2001:db8::1"), 0);
  assert.equal(t("fe80::1"), 0);
});

test("ipv6_addr_label: the default table, then a device's own entry", async () => {
  const { w, kw } = b2World();
  await w.addHost("h");
  const net = kw().hosts.get("h")!.initNet;
  const label = (s: string, ifindex = 0) => {
    const a = in6Addr(s);
    return ipv6AddrLabel(net, a, ipv6AddrType(a), ifindex);
  };
  assert.equal(label("::1"), 0);
  assert.equal(label("::ffff:10.0.0.1"), 4);
  assert.equal(label("::10.0.0.1"), 3);
  assert.equal(label("2002:c000:201::1"), 2);
  assert.equal(label("2001::1"), 6);
  assert.equal(label("2001:10::1"), 7);
  assert.equal(label("fd00::1"), 5);
  assert.equal(label("fec0::1"), 11);
  assert.equal(label("3ffe::1"), 12);
  assert.equal(label("2001:db8::1"), 1);
  const r = await w.exec("h", "ip link add v1 type veth peer name v2; ip addrlabel add prefix 2001:db8::/32 dev v1 label 9");
  assert.equal(r.exitCode, 0, r.stderr);
  const v1 = devGetByName(net, "v1")!;
  assert.equal(label("2001:db8::1", v1.ifindex), 9);
  assert.equal(label("2001:db8::1", v1.ifindex + 1), 1);
  // a namespace of its own starts from the defaults
  await w.exec("h", "ip netns add x");
  const x = await w.exec("h", "ip -n x addrlabel | grep -c prefix");
  assert.equal(x.stdout, "10\n");
});

test("ip token set on a ready device sends a router solicitation; del sends none", async () => {
  dadConfig.realistic = false;
  const { w, kw } = b2World();
  await w.addHost("h");
  const net = kw().hosts.get("h")!.initNet;
  await w.exec("h", "ip link add v1 type veth peer name v2; ip link set v1 up; ip link set v2 up");
  await w.exec("h", "sleep 30");
  const frames: Frame[] = [];
  tapOut(net, frames);
  const rs = () => frames.filter((f) => f.dev === "v1" && summary(f).endsWith("icmp6 133")).length;
  let r = await w.exec("h", "ip token del dev v1");
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(rs(), 0);
  r = await w.exec("h", "ip token set ::1a/64 dev v1; ip token get dev v1");
  assert.equal(r.stdout, "token ::1a dev v1\n");
  assert.equal(rs(), 1);
});
