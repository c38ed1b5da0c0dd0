/**
 * B2: what Linux joins and sends when a link comes up — dev_addr_lists refcounts, the IPv4
 * and IPv6 group joins behind `bridge fdb show`'s `self permanent` lines and /proc/net/
 * {dev_mcast,igmp,igmp6}, and the DAD NS / MLDv2 / RS frames (checked byte by byte against
 * what Linux 6.18 sent in the same setup: labtool kernel run, tcpdump -vv on br0).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { b2World, tapOut, type Frame } from "./harness.ts";
import { dadConfig, devInet6 } from "../../../src/kernel/ipv6/addrconf.ts";
import { addrconfDadStart, in6Ntop, addrconfAddrSolictMult } from "../../../src/kernel/ipv6/ndisc.ts";
import { in6Addr, icmpv6Csum } from "../../../src/kernel/ipv6/ip6_output.ts";
import { timerWheelExpiry } from "../../../src/kernel/core/jiffies.ts";
import { devMcAdd, devMcDel, devMcList, hwAddrRefcount } from "../../../src/kernel/core/dev_addr_lists.ts";
import { devGetByName } from "../../../src/kernel/core/dev.ts";
import { IFA_F_TENTATIVE, IFA_F_DADFAILED } from "../../../src/kernel/uapi/rtnetlink.ts";

const SETUP = "ip link add br0 type bridge; ip link add veth0 type veth peer name veth1; ip netns add a; " +
  "ip link set veth1 netns a; ip link set veth0 master br0";

async function linkUp(realistic: boolean) {
  dadConfig.realistic = realistic;
  const { w, kw } = b2World();
  await w.addHost("h");
  const host = kw().hosts.get("h")!;
  const frames: Frame[] = [];
  await w.exec("h", SETUP);
  await w.exec("h", "ip netns exec a ip addr add 2001:db8::1/64 dev veth1");
  const nsA = host.namedNetns.get("a")!;
  tapOut(nsA, frames);
  await w.exec("h", "ip link set br0 up; ip link set veth0 up; ip netns exec a ip link set veth1 up; ip netns exec a ip link set lo up");
  return { w, host, nsA, frames };
}

test("in6 helpers: text, solicited-node group, timer wheel", () => {
  assert.equal(in6Ntop(in6Addr("fe80::a8bb:4bff:fec1:6769")), "fe80::a8bb:4bff:fec1:6769");
  assert.equal(in6Ntop(in6Addr("2001:db8::1")), "2001:db8::1");
  assert.equal(in6Ntop(in6Addr("2001:db8:0:1:0:0:0:1")), "2001:db8:0:1::1");
  assert.equal(in6Ntop(addrconfAddrSolictMult(in6Addr("fe80::a8bb:4bff:fec1:6769"))), "ff02::1:ffc1:6769");
  assert.equal(timerWheelExpiry(100, 10), 110);
  // 250 jiffies lands on level 1 (8-jiffy buckets) and fires at the end of its bucket
  assert.equal(timerWheelExpiry(1, 250), 256);
});

test("dev_addr_lists: refcounts, tail insertion, /proc/net/dev_mcast", async () => {
  dadConfig.realistic = false;
  const { w, kw } = b2World();
  await w.addHost("h");
  await w.exec("h", "ip link add d0 type veth peer name d1");
  const d0 = devGetByName(kw().hosts.get("h")!.initNet, "d0")!;
  const g1 = Uint8Array.of(1, 0, 0x5e, 1, 2, 3);
  const g2 = Uint8Array.of(0x33, 0x33, 0, 0, 0, 9);
  const before = devMcList(d0).length;
  devMcAdd(d0, g1);
  devMcAdd(d0, g2);
  devMcAdd(d0, g1);
  assert.equal(devMcList(d0).length, before + 2);
  assert.equal(hwAddrRefcount(devMcList(d0)[before]!), 2);
  devMcDel(d0, g1);
  assert.equal(devMcList(d0).length, before + 2, "one reference left");
  const r = await w.exec("h", "grep d0 /proc/net/dev_mcast");
  assert.match(r.stdout, /^\d+ +d0 +1 +0 +01005e010203\n/m);
  devMcDel(d0, g1);
  assert.equal(devMcList(d0).length, before + 1);
  assert.equal(devMcDel(d0, g1)?.errno, "ENOENT");
});

test("link up: the groups, bridge fdb self entries and /proc files as on Linux", async () => {
  const { w } = await linkUp(false);
  // past the link-up's first MLD report (2 jiffies) and DAD (collapsed to 3 jiffies)
  await w.advance(20_000);
  const veth0 = (await w.exec("h", "cat /sys/class/net/veth0/address")).stdout.trim();
  const tail = veth0.split(":").slice(3).join(":");
  const fdb = (await w.exec("h", "bridge fdb show | grep self")).stdout;
  // ndo_dflt_fdb_dump order: the device's mc list in join order (real kernel, same setup;
  // 01:00:5e:00:00:6a / 33:33:00:00:00:6a come from the bridge's snooper joins)
  assert.equal(fdb,
    "33:33:00:00:00:01 dev br0 self permanent\n" +
    "01:00:5e:00:00:6a dev br0 self permanent\n" +
    "33:33:00:00:00:6a dev br0 self permanent\n" +
    "01:00:5e:00:00:01 dev br0 self permanent\n" +
    `33:33:ff:${tail} dev br0 self permanent\n` +
    "33:33:00:00:00:01 dev veth0 self permanent\n" +
    "01:00:5e:00:00:01 dev veth0 self permanent\n" +
    `33:33:ff:${tail} dev veth0 self permanent\n`);
  const igmp6 = (await w.exec("h", "ip netns exec a cat /proc/net/igmp6")).stdout;
  const v1 = (await w.exec("h", "ip netns exec a cat /sys/class/net/veth1/address")).stdout.trim().split(":");
  assert.equal(igmp6,
    "1    lo              ff020000000000000000000000000001     1 0000000C 0\n" +
    "1    lo              ff010000000000000000000000000001     1 00000008 0\n" +
    `3    veth1           ff0200000000000000000001ff${v1.slice(3).join("")}     1 00000004 0\n` +
    "3    veth1           ff0200000000000000000001ff000001     1 00000004 0\n" +
    "3    veth1           ff020000000000000000000000000001     1 0000000C 0\n" +
    "3    veth1           ff010000000000000000000000000001     1 00000008 0\n");
  const igmp = (await w.exec("h", "ip netns exec a cat /proc/net/igmp")).stdout;
  assert.equal(igmp,
    "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n" +
    "1\tlo        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n" +
    "3\tveth1     :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n");
  // the bridge learned the peer's MAC from its link-up packets
  const learned = (await w.exec("h", "bridge fdb show | grep -v self | grep -v permanent")).stdout;
  assert.equal(learned, `${v1.join(":")} dev veth0 master br0 \n`);
  const addrs = (await w.exec("h", "ip netns exec a ip -6 addr show dev veth1")).stdout;
  assert.doesNotMatch(addrs, /tentative/);
});

test("link up with Linux's timing: MLDv2 from ::, DAD NS with nonce, then MLD + RS from fe80::", async () => {
  const { w, frames, nsA } = await linkUp(true);
  const tentative = (await w.exec("h", "ip netns exec a ip -6 addr show dev veth1")).stdout;
  assert.equal((tentative.match(/tentative/g) ?? []).length, 2);
  await w.advance(20_000_000);
  const veth1 = devGetByName(nsA, "veth1")!;
  const mac = veth1.devAddr;
  const ll = devInet6(veth1)!.addrList.find((a) => a.addr[0] === 0xfe)!.addr;
  const kinds = frames.map((f) => {
    const b = f.bytes;
    assert.deepEqual([...b.subarray(6, 12)], [...mac], "source MAC");
    assert.equal((b[12]! << 8) | b[13]!, 0x86dd);
    const ip = 14;
    const plen = (b[ip + 4]! << 8) | b[ip + 5]!;
    const saddr = b.slice(ip + 8, ip + 24);
    const daddr = b.slice(ip + 24, ip + 40);
    assert.equal(b[ip]! >>> 4, 6);
    // MAC of an IPv6 multicast destination: 33:33 + its last 4 bytes
    assert.deepEqual([...b.subarray(0, 6)], [0x33, 0x33, ...daddr.subarray(12)]);
    let icmp = ip + 40;
    let len = plen;
    if (b[ip + 6] === 0) {
      // hop-by-hop: ICMPv6 next, router alert 0 (MLD), PadN
      assert.deepEqual([...b.subarray(icmp, icmp + 8)], [58, 0, 5, 2, 0, 0, 1, 0]);
      assert.equal(b[ip + 7], 1, "MLD hop limit 1");
      icmp += 8;
      len -= 8;
    } else {
      assert.equal(b[ip + 6], 58);
      assert.equal(b[ip + 7], 255, "ND hop limit 255");
    }
    assert.equal(icmpv6Csum(b, icmp, len, saddr, daddr), 0xffff, "checksum");
    const from = saddr.every((x) => x === 0) ? "::" : in6Ntop(saddr);
    const t = Math.round(f.t / 1000);
    switch (b[icmp]) {
      case 143: {
        const n = (b[icmp + 6]! << 8) | b[icmp + 7]!;
        const recs: string[] = [];
        for (let i = 0; i < n; i++) {
          const r = icmp + 8 + i * 20;
          assert.equal(b[r], 4, "CHANGE_TO_EXCLUDE");
          recs.push(in6Ntop(b.slice(r + 4, r + 20)));
        }
        return { t, k: `MLD ${from} ${recs.join(",")}` };
      }
      case 135: {
        assert.equal(len, 32);
        assert.deepEqual([b[icmp + 24], b[icmp + 25]], [14, 1], "nonce option");
        return { t, k: `NS ${from} ${in6Ntop(b.slice(icmp + 8, icmp + 24))} -> ${in6Ntop(daddr)}` };
      }
      case 133: {
        assert.equal(len, 16);
        assert.deepEqual([...b.subarray(icmp + 8, icmp + 16)], [1, 1, ...mac], "SLLAO");
        return { t, k: `RS ${from} -> ${in6Ntop(daddr)}` };
      }
      default:
        return { t, k: `? ${b[icmp]}` };
    }
  });
  const lls = in6Ntop(ll);
  const sn = in6Ntop(addrconfAddrSolictMult(ll));
  const groups = `${sn},ff02::1:ff00:1`;
  const seq = kinds.map((x) => x.k);
  // the real kernel: MLD(::) x2 around the two NSes, then MLD(fe80) + RS together, MLD again,
  // then RS every ~4 s, ~8 s, ... (rtr_solicits -1)
  assert.equal(seq[0], `MLD :: ${groups}`);
  const ns = seq.filter((k) => k.startsWith("NS"));
  assert.deepEqual(ns.sort(), [`NS :: 2001:db8::1 -> ff02::1:ff00:1`, `NS :: ${lls} -> ${sn}`].sort());
  const firstLl = seq.findIndex((k) => k === `MLD ${lls} ${groups}`);
  assert.ok(firstLl > 0);
  assert.equal(seq[firstLl + 1], `RS ${lls} -> ff02::2`);
  assert.equal(seq.filter((k) => k.startsWith("MLD ::")).length, 2);
  assert.equal(seq.filter((k) => k.startsWith(`MLD ${lls}`)).length, 2);
  const rs = kinds.filter((x) => x.k.startsWith("RS")).map((x) => x.t);
  assert.ok(rs.length >= 3);
  const nsLl = kinds.find((x) => x.k.startsWith(`NS :: ${lls}`))!.t;
  assert.ok(nsLl < 1_000, "NS within rtr_solicit_delay");
  assert.ok(rs[0]! - nsLl >= 1_000 && rs[0]! - nsLl <= 1_040, "DAD takes retrans_time (wheel-rounded)");
  assert.ok(rs[1]! - rs[0]! >= 3_600 && rs[1]! - rs[0]! <= 4_500, "first RS interval ~4 s");
  assert.ok(rs[2]! - rs[1]! >= 6_800 && rs[2]! - rs[1]! <= 9_300, "backoff ~x2");
  dadConfig.realistic = false;
});

test("DAD failure: the node whose NS comes second fails, with Linux's dmesg line", async () => {
  dadConfig.realistic = true;
  const { w, kw } = b2World();
  await w.addHost("h");
  await w.exec("h", "ip link add br0 type bridge; ip link set br0 up; for n in a b; do ip netns add $n; " +
    "ip link add v$n type veth peer name e0 netns $n; ip link set v$n master br0 up; ip -n $n link set e0 up; done");
  await w.advance(3_000_000);
  const host = kw().hosts.get("h")!;
  const ifps = [];
  for (const n of ["a", "b"]) {
    await w.exec("h", `ip -n ${n} addr add 2001:db8::7/64 dev e0`);
    const e0 = devGetByName(host.namedNetns.get(n)!, "e0")!;
    const ifp = devInet6(e0)!.addrList.find((a) => a.addr[0] === 0x20)!;
    // what addrconf's inet6_addr_add does once wired to ndisc.ts: tentative + addrconf_dad_start
    ifp.idev.dadTimer?.cancel();
    ifp.flags |= IFA_F_TENTATIVE;
    addrconfDadStart(ifp);
    ifps.push(ifp);
    await w.advance(300_000);
  }
  await w.advance(3_000_000);
  // real kernel, same commands: one address "dadfailed tentative", the other fine
  const states = ifps.map((ifp) => ifp.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)).sort();
  assert.deepEqual(states, [0, IFA_F_TENTATIVE | IFA_F_DADFAILED]);
  const dmesg = (await w.exec("h", "dmesg | grep duplicate")).stdout;
  assert.match(dmesg, /\] IPv6: e0: IPv6 duplicate address 2001:db8::7 used by ([0-9a-f]{2}:){5}[0-9a-f]{2} detected!\n/);
  dadConfig.realistic = false;
});

test("down/up and unregister: groups leave and come back, lists end empty", async () => {
  const { w } = await linkUp(false);
  await w.advance(0);
  await w.exec("h", "ip link set veth0 down");
  assert.equal((await w.exec("h", "grep veth0 /proc/net/dev_mcast")).stdout, "");
  await w.exec("h", "ip link set veth0 up");
  await w.advance(0);
  const l = (await w.exec("h", "grep veth0 /proc/net/dev_mcast | cut -c34-")).stdout;
  // Linux: ip_mc_up (devinet's notifier) runs before ipv6_mc_up (addrconf's)
  assert.match(l, /^01005e000001\n333300000001\n3333ff[0-9a-f]{6}\n$/);
  await w.exec("h", "ip netns del a; ip link del br0");
  assert.equal((await w.exec("h", "cat /proc/net/dev_mcast")).stdout, "");
});
