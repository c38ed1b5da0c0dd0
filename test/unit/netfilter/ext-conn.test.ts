/** the connection-tracking matches (xt_conn.ts): connlimit's count survives a table replace
 * (nf_tables keeps a rule's data), connbytes forces accounting on once and reads the counters */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import type { NetDevice } from "../../../src/kernel/core/netdevice.ts";
import { NF_INET_LOCAL_IN, NF_INET_PRE_ROUTING, NFPROTO_IPV4, nfHook } from "../../../src/kernel/netfilter/core.ts";
import { ctNet } from "../../../src/kernel/netfilter/nf_conntrack.ts";
import { fakeSys, makeNet, run } from "./harness.ts";

/** an ICMP echo request of `id` from `src` to 10.0.0.1 (84 bytes) */
function ping(src: string, id: number): SkBuff {
  const skb = new SkBuff(84);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  b[o] = 0x45;
  b[o + 3] = 84;
  b[o + 8] = 64;
  b[o + 9] = 1;
  src.split(".").forEach((x, i) => (b[o + 12 + i] = Number(x)));
  [10, 0, 0, 1].forEach((x, i) => (b[o + 16 + i] = x));
  b[o + 20] = 8;
  b[o + 24] = id >> 8;
  b[o + 25] = id & 255;
  return skb;
}

const eth0 = { name: "eth0", ifindex: 2 } as unknown as NetDevice;

/** PRE_ROUTING (conntrack) then LOCAL_IN (filter, confirm): delivered or not */
function deliver(net: ReturnType<typeof makeNet>, skb: SkBuff): boolean {
  let ok = false;
  nfHook(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, skb, eth0, undefined, () => {
    nfHook(NFPROTO_IPV4, NF_INET_LOCAL_IN, net, skb, eth0, undefined, () => (ok = true));
  });
  return ok;
}

test("connlimit: connections per source, kept across a replace of the table", async () => {
  const net = makeNet();
  const sys = fakeSys(net);
  assert.equal((await run(sys, "iptables -A INPUT -p icmp -m connlimit --connlimit-above 2 -j DROP".split(" "))).exit, 0);
  assert.equal(deliver(net, ping("10.0.0.2", 1)), true);
  assert.equal(deliver(net, ping("10.0.0.2", 2)), true);
  // another source is counted apart
  assert.equal(deliver(net, ping("10.0.0.3", 1)), true);
  assert.equal((await run(sys, "iptables -A INPUT -p udp".split(" "))).exit, 0);
  assert.equal(deliver(net, ping("10.0.0.2", 3)), false);
  const r = await run(sys, "iptables -S INPUT".split(" "));
  assert.equal(r.stdout, "-P INPUT ACCEPT\n-A INPUT -p icmp -m connlimit --connlimit-above 2 --connlimit-mask 32 --connlimit-saddr -j DROP\n-A INPUT -p udp\n");
});

test("connbytes: forces nf_conntrack_acct on once, counts from the next connection", async () => {
  const net = makeNet();
  const sys = fakeSys(net);
  assert.equal(deliver(net, ping("10.0.0.2", 1)), true); // no conntrack user yet: untracked
  const add = "iptables -A INPUT -p icmp -m connbytes --connbytes 2: --connbytes-dir original --connbytes-mode packets -j DROP";
  assert.equal((await run(sys, add.split(" "))).exit, 0);
  assert.equal((await run(sys, add.split(" "))).exit, 0);
  assert.deepEqual(net.dmesg, ["xt_connbytes: Forcing CT accounting to be enabled"]);
  assert.equal(ctNet(net).sysctl["nf_conntrack_acct"], 1);
  assert.equal(deliver(net, ping("10.0.0.2", 7)), true);
  assert.equal(deliver(net, ping("10.0.0.2", 7)), false);
  assert.equal(deliver(net, ping("10.0.0.2", 7)), false);
  const r = await run(sys, "iptables -L INPUT -n -v -x".split(" "));
  assert.match(r.stdout, / {7}2 {6}168 DROP .* connbytes 2 connbytes mode packets connbytes direction original\n/);
});
