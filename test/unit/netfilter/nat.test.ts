import { test } from "node:test";
import assert from "node:assert/strict";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import type { NetDevice } from "../../../src/kernel/core/netdevice.ts";
import {
  NF_INET_FORWARD, NF_INET_POST_ROUTING, NF_INET_PRE_ROUTING, NFPROTO_IPV4, nfHook,
} from "../../../src/kernel/netfilter/core.ts";
import { nfSetIpv4Ops } from "../../../src/kernel/netfilter/nf_glue.ts";
import { fakeSys, makeNet, run } from "./harness.ts";

function csum(b: Uint8Array, off: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i += 2) s += (b[off + i]! << 8) | (b[off + i + 1] ?? 0);
  while (s >>> 16) s = (s & 0xffff) + (s >>> 16);
  return (~s) & 0xffff;
}

/** an ICMP echo (type 8) or reply (0) with valid IP and ICMP checksums */
function icmpEcho(type: number, src: string, dst: string, id: number, seq = 1): SkBuff {
  const total = 84;
  const skb = new SkBuff(total);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  b[o] = 0x45;
  b[o + 3] = total;
  b[o + 8] = 64;
  b[o + 9] = 1;
  src.split(".").forEach((x, i) => (b[o + 12 + i] = Number(x)));
  dst.split(".").forEach((x, i) => (b[o + 16 + i] = Number(x)));
  const ic = csum(b, o, 20);
  b[o + 10] = ic >> 8;
  b[o + 11] = ic & 255;
  const t = o + 20;
  b[t] = type;
  b[t + 4] = id >> 8;
  b[t + 5] = id & 255;
  b[t + 7] = seq;
  const cc = csum(b, t, total - 20);
  b[t + 2] = cc >> 8;
  b[t + 3] = cc & 255;
  return skb;
}

const ip = (b: Uint8Array, o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
const dev = (name: string) => ({ name }) as unknown as NetDevice;

test("MASQUERADE: the echo leaves with the outgoing address, the reply comes back to the host", async () => {
  const net = makeNet();
  nfSetIpv4Ops({ inetSelectAddr: (d) => (d.name === "eth1" ? 0xcb007101 : 0) });
  net.sched.now = 5_000_000;
  const sys = fakeSys(net);
  assert.equal((await run(sys, ["iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "10.0.0.0/24", "-o", "eth1", "-j", "MASQUERADE"])).exit, 0);
  const pass = (skb: SkBuff, hook: number, i?: string, o?: string) => {
    let ok = false;
    nfHook(NFPROTO_IPV4, hook, net, skb, i ? dev(i) : undefined, o ? dev(o) : undefined, () => (ok = true));
    return ok;
  };
  const fwd = (skb: SkBuff, i: string, o: string) =>
    pass(skb, NF_INET_PRE_ROUTING, i) && pass(skb, NF_INET_FORWARD, i, o) && pass(skb, NF_INET_POST_ROUTING, undefined, o);

  const req = icmpEcho(8, "10.0.0.5", "8.8.8.8", 1234);
  assert.ok(fwd(req, "eth0", "eth1"));
  const b = req.buf;
  const o = req.networkHeader;
  assert.equal(ip(b, o + 12), "203.0.113.1");
  assert.equal(csum(b, o, 20), 0, "ip checksum");
  assert.equal(csum(b, o + 20, 64), 0, "icmp checksum");

  net.sched.now += 1_000_000;
  const rep = icmpEcho(0, "8.8.8.8", "203.0.113.1", 1234);
  assert.ok(fwd(rep, "eth1", "eth0"));
  assert.equal(ip(rep.buf, rep.networkHeader + 16), "10.0.0.5");
  assert.equal(csum(rep.buf, rep.networkHeader, 20), 0);

  // a second echo of the same flow is not NATed again through the table (counters stay 1)
  const req2 = icmpEcho(8, "10.0.0.5", "8.8.8.8", 1234, 2);
  assert.ok(fwd(req2, "eth0", "eth1"));
  assert.equal(ip(req2.buf, req2.networkHeader + 12), "203.0.113.1");

  const l = await run(sys, ["iptables", "-t", "nat", "-vnL", "POSTROUTING", "--line-number"]);
  assert.equal(l.stdout, `Chain POSTROUTING (policy ACCEPT 0 packets, 0 bytes)
num   pkts bytes target     prot opt in     out     source               destination         
1        1    84 MASQUERADE  0    --  *      eth1    10.0.0.0/24          0.0.0.0/0           
`);
  const c = await run(sys, ["conntrack", "-L"]);
  assert.equal(c.stdout, "icmp     1 30 src=10.0.0.5 dst=8.8.8.8 type=8 code=0 id=1234 src=8.8.8.8 dst=203.0.113.1 type=0 code=0 id=1234 mark=0 use=1\n");
  assert.equal(c.stderr, "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n");
  // entries expire with the ICMP timeout
  net.sched.now += 31_000_000;
  assert.equal((await run(sys, ["conntrack", "-L"])).stdout, "");
});

test("state match: NEW, ESTABLISHED and INVALID", async () => {
  const net = makeNet();
  const sys = fakeSys(net);
  for (const c of [
    "iptables -A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT",
    "iptables -A FORWARD -i eth0 -m conntrack --ctstate NEW -j ACCEPT",
    "iptables -P FORWARD DROP",
  ]) assert.equal((await run(sys, c.split(" "))).exit, 0, c);
  const fwd = (skb: SkBuff, i: string, o: string) => {
    let ok = false;
    nfHook(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, skb, dev(i), undefined, () =>
      nfHook(NFPROTO_IPV4, NF_INET_FORWARD, net, skb, dev(i), dev(o), () =>
        nfHook(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, skb, undefined, dev(o), () => (ok = true))));
    return ok;
  };
  assert.equal(fwd(icmpEcho(0, "8.8.8.8", "10.0.0.5", 7), "eth1", "eth0"), false, "unsolicited reply is INVALID");
  assert.equal(fwd(icmpEcho(8, "8.8.8.8", "10.0.0.5", 7), "eth1", "eth0"), false, "NEW from outside");
  assert.equal(fwd(icmpEcho(8, "10.0.0.5", "8.8.8.8", 7), "eth0", "eth1"), true, "NEW from inside");
  assert.equal(fwd(icmpEcho(0, "8.8.8.8", "10.0.0.5", 7), "eth1", "eth0"), true, "reply is ESTABLISHED");
  const l = await run(sys, ["iptables", "-L", "FORWARD", "-v", "-n"]);
  assert.equal(l.stdout, `Chain FORWARD (policy DROP 2 packets, 168 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    1    84 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            state RELATED,ESTABLISHED
    1    84 ACCEPT     0    --  eth0   *       0.0.0.0/0            0.0.0.0/0            ctstate NEW
`);
});

/** a UDP datagram with a valid IP checksum (UDP checksum 0) */
function udp(src: string, dst: string, sport: number, dport: number, ttl = 64): SkBuff {
  const total = 28 + 12;
  const skb = new SkBuff(total);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  b[o] = 0x45;
  b[o + 3] = total;
  b[o + 8] = ttl;
  b[o + 9] = 17;
  src.split(".").forEach((x, i) => (b[o + 12 + i] = Number(x)));
  dst.split(".").forEach((x, i) => (b[o + 16 + i] = Number(x)));
  const ic = csum(b, o, 20);
  b[o + 10] = ic >> 8;
  b[o + 11] = ic & 255;
  b[o + 20] = sport >> 8;
  b[o + 21] = sport & 255;
  b[o + 22] = dport >> 8;
  b[o + 23] = dport & 255;
  b[o + 25] = 20;
  return skb;
}

/** an ICMP error (type/code) from `from` to `to` quoting `quoted`'s first 28 bytes */
function icmpError(type: number, code: number, from: string, to: string, quoted: SkBuff): SkBuff {
  const q = quoted.buf.subarray(quoted.networkHeader, quoted.networkHeader + 28);
  const total = 20 + 8 + q.length;
  const skb = new SkBuff(total);
  const b = skb.buf;
  const o = skb.data;
  skb.networkHeader = o;
  b[o] = 0x45;
  b[o + 3] = total;
  b[o + 8] = 64;
  b[o + 9] = 1;
  from.split(".").forEach((x, i) => (b[o + 12 + i] = Number(x)));
  to.split(".").forEach((x, i) => (b[o + 16 + i] = Number(x)));
  const ic = csum(b, o, 20);
  b[o + 10] = ic >> 8;
  b[o + 11] = ic & 255;
  b[o + 20] = type;
  b[o + 21] = code;
  b.set(q, o + 28);
  const cc = csum(b, o + 20, total - 20);
  b[o + 22] = cc >> 8;
  b[o + 23] = cc & 255;
  return skb;
}

test("an ICMP error about a masqueraded flow goes back to the inner host, quoted packet rewritten", async () => {
  const net = makeNet();
  nfSetIpv4Ops({ inetSelectAddr: (d) => (d.name === "eth1" ? 0xcb007101 : 0) });
  const sys = fakeSys(net);
  await run(sys, ["iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth1", "-j", "MASQUERADE"]);
  await run(sys, ["iptables", "-A", "FORWARD", "-m", "state", "--state", "RELATED", "-j", "ACCEPT"]);
  const fwd = (skb: SkBuff, i: string, o: string) => {
    let ok = false;
    nfHook(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, skb, dev(i), undefined, () =>
      nfHook(NFPROTO_IPV4, NF_INET_FORWARD, net, skb, dev(i), dev(o), () =>
        nfHook(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, skb, undefined, dev(o), () => (ok = true))));
    return ok;
  };
  const probe = udp("10.0.0.5", "8.8.8.8", 40000, 33434, 1);
  assert.ok(fwd(probe, "eth0", "eth1"));
  assert.equal(ip(probe.buf, probe.networkHeader + 12), "203.0.113.1");
  const err = icmpError(11, 0, "203.0.113.8", "203.0.113.1", probe);
  assert.ok(fwd(err, "eth1", "eth0"));
  const b = err.buf;
  const o = err.networkHeader;
  assert.equal(ip(b, o + 16), "10.0.0.5", "outer destination");
  assert.equal(ip(b, o + 28 + 12), "10.0.0.5", "quoted source");
  assert.equal(csum(b, o, 20), 0);
  assert.equal(csum(b, o + 20, 36), 0, "icmp checksum");
  assert.equal(csum(b, o + 28, 20), 0, "quoted ip checksum");
  const l = await run(sys, ["iptables", "-L", "FORWARD", "-v", "-n"]);
  assert.match(l.stdout, /\n {4}1 {4}56 ACCEPT/);
});

test("LOG writes the kernel's line to the host's log", async () => {
  const net = makeNet();
  const sys = fakeSys(net);
  await run(sys, ["iptables", "-A", "FORWARD", "-p", "icmp", "-j", "LOG", "--log-prefix", "fw: "]);
  const skb = icmpEcho(8, "10.0.0.5", "8.8.8.8", 77, 3);
  nfHook(NFPROTO_IPV4, NF_INET_FORWARD, net, skb, dev("eth0"), dev("eth1"), () => {});
  assert.deepEqual(net.dmesg, ["fw: IN=eth0 OUT=eth1 MAC= SRC=10.0.0.5 DST=8.8.8.8 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=ICMP TYPE=8 CODE=0 ID=77 SEQ=3 "]);
});

test("ctnetlink update: a tuple without IPv4/IPv6 family is EOPNOTSUPP; mark, timeout and set-only status bits change", async () => {
  const net = makeNet();
  nfSetIpv4Ops({ inetSelectAddr: (d) => (d.name === "eth1" ? 0xcb007101 : 0) });
  net.sched.now = 1_000_000;
  const sys = fakeSys(net);
  await run(sys, ["iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth1", "-j", "MASQUERADE"]);
  const req = icmpEcho(8, "10.0.0.5", "10.0.1.9", 99);
  nfHook(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, req, dev("eth0"), undefined, () =>
    nfHook(NFPROTO_IPV4, NF_INET_FORWARD, net, req, dev("eth0"), dev("eth1"), () =>
      nfHook(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, req, undefined, dev("eth1"), () => {})));
  const get = () => (sys.ioctl({ request: "NFCT_GET" }) as { entries: { id: number; mark: number; status: number; timeout: number }[] }).entries;
  const [ct] = get();
  assert.ok(ct);
  const upd = (family: number, mark: number, status: number, timeout?: number) =>
    sys.ioctl({ request: "NFCT_UPDATE", family, id: ct.id, mark, status, timeout, portid: 0 }) as { errno?: string; entry?: { mark: number; timeout: number; status: number } };
  assert.equal(upd(0, 5, ct.status).errno, "EOPNOTSUPP");
  assert.equal(get()[0]!.mark, 0);
  const r = upd(2, 5, ct.status | 4, 100);
  assert.equal(r.entry?.mark, 5);
  assert.equal(r.entry?.timeout, 100);
  assert.ok(r.entry!.status & 4, "ASSURED set");
  // ASSURED can only be set
  assert.equal(upd(2, 5, r.entry!.status & ~4).errno, "EBUSY");
  // conntrack -U sends its object as 1.4.7 builds it: refused, reported twice, exit 1
  const u = await run(sys, ["conntrack", "-U", "-m", "7"]);
  assert.equal(u.exit, 1);
  assert.equal(u.stderr, "Operation failed: Operation not supported\nconntrack v1.4.7 (conntrack-tools): Operation failed: Operation not supported\n");
  assert.equal(get()[0]!.mark, 5);
});
