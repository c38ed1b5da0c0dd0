/**
 * ip6_tables: ipv6_find_hdr() past extension headers, ip6t_do_table() verdicts and counters
 * on IPv6 packets (addresses under masks, -p through a hop-by-hop header, icmp6 types,
 * -i, jumps and RETURN), the IPv4 and IPv6 tables kept apart, and no IPv6 hook in a
 * namespace until ip6tables writes a table.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import type { NetDevice } from "../../../src/kernel/core/netdevice.ts";
import {
  NF_INET_LOCAL_IN, NF_INET_PRE_ROUTING, NFPROTO_IPV4, NFPROTO_IPV6, nfHook, nfHookActive,
} from "../../../src/kernel/netfilter/core.ts";
import { ipv6FindHdr } from "../../../src/kernel/netfilter/ip6_tables.ts";
import { fakeSys, makeNet, run } from "./harness.ts";

/** an IPv6 packet from `src` to `dst` (the last byte of 2001:db8::x), with `ext` extension
 * headers (each 8 bytes, next header chained) before an ICMPv6 message of `type` */
function packet6(src: number, dst: number, type: number, ext: number[] = []): SkBuff {
  const len = 40 + ext.length * 8 + 8;
  const skb = new SkBuff(len);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  b[o] = 0x60;
  b[o + 4] = (len - 40) >> 8;
  b[o + 5] = (len - 40) & 255;
  b[o + 6] = ext.length ? ext[0]! : 58;
  b[o + 7] = 64;
  for (const [off, last] of [[8, src], [24, dst]] as const) {
    b[o + off] = 0x20;
    b[o + off + 1] = 0x01;
    b[o + off + 2] = 0x0d;
    b[o + off + 3] = 0xb8;
    b[o + off + 15] = last;
  }
  let p = o + 40;
  ext.forEach((_, i) => {
    b[p] = i + 1 < ext.length ? ext[i + 1]! : 58;
    b[p + 1] = 0;
    p += 8;
  });
  b[p] = type;
  return skb;
}

const dev = (name: string) => ({ name }) as unknown as NetDevice;

test("ipv6_find_hdr() walks hop-by-hop and destination options to the upper protocol", () => {
  const pos = { offset: 0, fragoff: 0 };
  const skb = packet6(1, 2, 128, [0, 60]);
  assert.equal(ipv6FindHdr(skb, skb.networkHeader, pos), 58);
  assert.equal(pos.offset, skb.networkHeader + 40 + 16);
  // a non-first fragment has no upper header to find (-ENOENT, its offset reported)
  const frag = packet6(1, 2, 128, [44]);
  frag.buf[frag.networkHeader + 40 + 3] = 0x08;
  assert.equal(ipv6FindHdr(frag, frag.networkHeader, pos), -2);
  assert.equal(pos.fragoff, 8);
});

test("ip6t_do_table(): verdicts and counters of IPv6 rules; the IPv4 tables stay apart", async () => {
  const net = makeNet();
  const sys = fakeSys(net);
  assert.equal(nfHookActive(net, NFPROTO_IPV6, NF_INET_LOCAL_IN), false);
  // listing registers nothing; the first write instantiates the table and its hooks
  assert.equal((await run(sys, ["ip6tables", "-L", "-n"])).exit, 0);
  assert.equal(nfHookActive(net, NFPROTO_IPV6, NF_INET_LOCAL_IN), false);
  const rules = [
    ["-N", "U"],
    ["-A", "INPUT", "-i", "eth1", "-j", "DROP"],
    ["-A", "INPUT", "-s", "2001:db8::/126", "-p", "icmpv6", "--icmpv6-type", "echo-request", "-j", "U"],
    ["-A", "U", "-d", "2001:db8::9", "-j", "DROP"],
    ["-A", "U", "-j", "RETURN"],
    ["-A", "INPUT", "!", "-s", "2001:db8::5", "-p", "ipv6-icmp", "-j", "ACCEPT"],
    ["-A", "INPUT", "-j", "DROP"],
  ];
  for (const r of rules) assert.equal((await run(sys, ["ip6tables", ...r])).exit, 0, r.join(" "));
  assert.equal(nfHookActive(net, NFPROTO_IPV6, NF_INET_LOCAL_IN), true);
  assert.equal(nfHookActive(net, NFPROTO_IPV4, NF_INET_LOCAL_IN), false);
  assert.equal(nfHookActive(net, NFPROTO_IPV6, NF_INET_PRE_ROUTING), false);
  const verdict = (skb: SkBuff, indev = "eth0"): boolean => {
    let ok = false;
    nfHook(NFPROTO_IPV6, NF_INET_LOCAL_IN, net, skb, dev(indev), undefined, () => {
      ok = true;
    });
    return ok;
  };
  assert.equal(verdict(packet6(1, 2, 128)), true); // through U and back, then ACCEPT
  assert.equal(verdict(packet6(1, 9, 128)), false); // U's DROP
  assert.equal(verdict(packet6(1, 9, 128, [0])), false); // -p found past a hop-by-hop header
  assert.equal(verdict(packet6(1, 2, 128), "eth1"), false); // -i eth1
  assert.equal(verdict(packet6(5, 2, 129)), false); // ! -s misses: the last DROP
  assert.equal(verdict(packet6(6, 9, 129)), true); // not an echo request: no jump
  const out = await run(sys, ["ip6tables", "-L", "-v", "-n", "-x"]);
  // (48 bytes a packet, 56 with its hop-by-hop header)
  assert.match(out.stdout, /^ +1 +48 DROP +0 +-- +eth1 /m);
  assert.match(out.stdout, /^ +3 +152 U +58 +-- +\* +\* +2001:db8::\/126 +::\/0 +ipv6-icmptype 128$/m);
  assert.match(out.stdout, /^ +2 +96 ACCEPT +58 +-- +\* +\* +!2001:db8::5 +::\/0 *$/m);
  assert.match(out.stdout, /^ +2 +104 DROP +0 +-- +\* +\* +::\/0 +2001:db8::9 *$/m);
  assert.equal((await run(sys, ["iptables", "-S"])).stdout, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n");
});
