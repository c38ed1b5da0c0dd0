import { test } from "node:test";
import assert from "node:assert/strict";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import type { NetDevice } from "../../../src/kernel/core/netdevice.ts";
import { NF_INET_FORWARD, NF_INET_LOCAL_IN, NFPROTO_IPV4, nfHook } from "../../../src/kernel/netfilter/core.ts";
import { fakeSys, makeNet, run } from "./harness.ts";

/** an IPv4 packet: 20-byte header + 8-byte transport (udp/tcp ports or icmp type/code) */
function ipPacket(proto: number, src: string, dst: string, sport = 0, dport = 0, total = 84): SkBuff {
  const skb = new SkBuff(total);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  b[o] = 0x45;
  b[o + 2] = total >> 8;
  b[o + 3] = total & 255;
  b[o + 8] = 64;
  b[o + 9] = proto;
  src.split(".").forEach((x, i) => (b[o + 12 + i] = Number(x)));
  dst.split(".").forEach((x, i) => (b[o + 16 + i] = Number(x)));
  b[o + 20] = sport >> 8;
  b[o + 21] = sport & 255;
  b[o + 22] = dport >> 8;
  b[o + 23] = dport & 255;
  if (proto === 6) b[o + 33] = 0x02;
  return skb;
}

const dev = (name: string) => ({ name }) as unknown as NetDevice;

test("filter table: rules, jumps, RETURN, policy and exact counters", async () => {
  const net = makeNet();
  const sys = fakeSys(net);
  for (const cmd of [
    "iptables -N CHK",
    "iptables -A CHK -s 10.0.0.1 -j RETURN",
    "iptables -A CHK -p udp --dport 53 -j ACCEPT",
    "iptables -A CHK -j DROP",
    "iptables -A FORWARD -i eth0 -j CHK",
    "iptables -A FORWARD -p icmp -j ACCEPT",
    "iptables -P FORWARD DROP",
  ]) assert.equal((await run(sys, cmd.split(" "))).exit, 0, cmd);
  const verdicts: string[] = [];
  const send = (skb: SkBuff, indev: string) =>
    nfHook(NFPROTO_IPV4, NF_INET_FORWARD, net, skb, dev(indev), dev("eth1"), () => verdicts.push("ok"));
  send(ipPacket(17, "10.0.0.2", "8.8.8.8", 1234, 53), "eth0"); // CHK accepts dns
  send(ipPacket(6, "10.0.0.2", "8.8.8.8", 1234, 80), "eth0"); // CHK drops
  send(ipPacket(1, "10.0.0.1", "8.8.8.8"), "eth0"); // RETURN, then icmp ACCEPT
  send(ipPacket(6, "10.0.0.1", "8.8.8.8", 1, 2, 60), "eth0"); // RETURN, then policy DROP
  assert.deepEqual(verdicts, ["ok", "ok"]);
  const r = await run(sys, ["iptables", "-L", "-n", "-v", "-x"]);
  assert.equal(r.stdout, `Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
    pkts      bytes target     prot opt in     out     source               destination         

Chain FORWARD (policy DROP 1 packets, 60 bytes)
    pkts      bytes target     prot opt in     out     source               destination         
       4      312 CHK        0    --  eth0   *       0.0.0.0/0            0.0.0.0/0           
       1       84 ACCEPT     1    --  *      *       0.0.0.0/0            0.0.0.0/0           

Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
    pkts      bytes target     prot opt in     out     source               destination         

Chain CHK (1 references)
    pkts      bytes target     prot opt in     out     source               destination         
       2      144 RETURN     0    --  *      *       10.0.0.1             0.0.0.0/0           
       1       84 ACCEPT     17   --  *      *       0.0.0.0/0            0.0.0.0/0            udp dpt:53
       1       84 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0           
`);
  // -Z zeroes rules and policies; listing is exact again
  await run(sys, ["iptables", "-Z"]);
  assert.match((await run(sys, ["iptables", "-L", "FORWARD", "-v"])).stdout, /policy DROP 0 packets, 0 bytes/);
});

test("a namespace without iptables has no hooks; a table appears on first use", async () => {
  const net = makeNet();
  let n = 0;
  nfHook(NFPROTO_IPV4, NF_INET_LOCAL_IN, net, ipPacket(1, "1.1.1.1", "2.2.2.2"), undefined, undefined, () => n++);
  assert.equal(n, 1);
  const sys = fakeSys(net);
  assert.equal((await run(sys, ["iptables", "-P", "INPUT", "DROP"])).exit, 0);
  nfHook(NFPROTO_IPV4, NF_INET_LOCAL_IN, net, ipPacket(1, "1.1.1.1", "2.2.2.2"), dev("eth0"), undefined, () => n++);
  assert.equal(n, 1);
});

test("kernel rejects a loop and a target in the wrong hook", async () => {
  const sys = fakeSys(makeNet());
  await run(sys, ["iptables", "-N", "a"]);
  await run(sys, ["iptables", "-N", "b"]);
  assert.equal((await run(sys, ["iptables", "-A", "a", "-j", "b"])).exit, 0);
  assert.equal((await run(sys, ["iptables", "-A", "b", "-j", "a"])).exit, 0);
  // only reachable chains are checked for loops: hook INPUT into the loop
  const r = await run(sys, ["iptables", "-A", "INPUT", "-j", "a"]);
  assert.equal(r.exit, 4);
  assert.equal(r.stderr, "iptables v1.8.9 (nf_tables):  RULE_APPEND failed (Too many levels of symbolic links): rule in chain INPUT\n");
  const m = await run(sys, ["iptables", "-t", "nat", "-A", "INPUT", "-j", "MASQUERADE"]);
  assert.equal(m.exit, 4);
  assert.equal(m.stderr, "iptables v1.8.9 (nf_tables):  RULE_APPEND failed (Invalid argument): rule in chain INPUT\n");
});
