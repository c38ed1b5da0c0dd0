/**
 * `ip ntable` over RTM_GETNEIGHTBL / RTM_SETNEIGHTBL (net/core/neighbour.c neightbl_*): the
 * values the real kernel (6.18, HZ=250) gave in test/labs/neigh/ntable.lab — jiffy rounding,
 * the 32-bit limits of the parms' ints, unres_qlen in SKB_TRUESIZE(ETH_FRAME_LEN) units — and
 * that the parameters are the ones sysctl net.ipv4.neigh.DEV.* reads and writes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { labWorld, run } from "./harness.ts";
import type { NeightblMsg } from "../../../src/kernel/uapi/rtnetlink.ts";
import { AF_INET } from "../../../src/kernel/uapi/rtnetlink.ts";
import { sysctlLookup } from "../../../src/kernel/core/sysctl.ts";

function setup() {
  const { world, h } = labWorld(["h1"]);
  const h1 = h.h1!;
  return { world, h1, s: h1.syscalls(h1.initNet) };
}

/** the device's parms as the kernel dumps them (v1 is ifindex 3: veth registers its peer v2 first) */
function parmsOf(s: ReturnType<typeof setup>["s"], ifindex: number): NonNullable<NeightblMsg["attrs"]["NDTA_PARMS"]> {
  const msgs = s.rtnl.dump({ type: "RTM_GETNEIGHTBL", flags: {}, ndtm: { family: AF_INET }, attrs: {} }) as NeightblMsg[];
  const m = msgs.find((x) => x.attrs.NDTA_PARMS?.NDTPA_IFINDEX === ifindex);
  assert.ok(m, `no parms for ifindex ${ifindex}`);
  return m.attrs.NDTA_PARMS!;
}

test("ntable change: jiffy rounding, 32-bit limits, and the sysctl sees the same values", async () => {
  const { s, h1 } = setup();
  assert.equal((await run(s, "ip link add v1 type veth peer name v2")).code, 0);
  const r = await run(s, "ip ntable change name arp_cache dev v1 retrans 1001 gc_stale 3000000000 delay_probe 4294967296 ucast_probes 4294967295 queue 4294967295 locktime 1500");
  assert.deepEqual([r.code, r.err], [0, ""]);
  const p = parmsOf(s, 3);
  assert.equal(p.NDTPA_RETRANS_TIME, 1004);
  assert.equal(p.NDTPA_GC_STALETIME, 4294967288);
  assert.equal(p.NDTPA_DELAY_PROBE_TIME, 0);
  assert.equal(p.NDTPA_UCAST_PROBES, 4294967295);
  assert.equal(p.NDTPA_QUEUE_LEN, 1183684765);
  assert.equal(p.NDTPA_LOCKTIME, 1500);
  assert.equal(p.NDTPA_REFCNT, 1);
  const net = h1.initNet;
  const entry = (name: string) => {
    const e = sysctlLookup(net, `net/ipv4/neigh/v1/${name}`);
    assert.ok(e && "entry" in e, name);
    return e.entry;
  };
  assert.deepEqual(["retrans_time_ms", "ucast_solicit", "locktime"].map((n) => entry(n).read()), ["1004\n", "-1\n", "150\n"]);
  entry("unres_qlen_bytes").write?.("65536");
  assert.equal(parmsOf(s, 3).NDTPA_QUEUE_LEN, 31);
});

test("ntable change: the table's own parms and thresholds are init_net's (ENOENT), device parms still apply", async () => {
  const { s } = setup();
  await run(s, "ip link add v1 type veth peer name v2");
  for (const cmd of ["ip ntable change name arp_cache thresh1 256", "ip ntable change name arp_cache retrans 100", "ip -6 ntable change name arp_cache dev v1 retrans 100"]) {
    const r = await run(s, cmd);
    assert.deepEqual([r.code, r.err], [2, "RTNETLINK answers: No such file or directory\n"], cmd);
  }
  const r = await run(s, "ip ntable change name arp_cache dev v1 thresh3 2048 retrans 1200");
  assert.equal(r.code, 2);
  assert.equal(parmsOf(s, 3).NDTPA_RETRANS_TIME, 1200);
});

test("ntable show: tables then devices newest first, filters", async () => {
  const { s } = setup();
  await run(s, "ip link add v1 type veth peer name v2");
  const r = await run(s, "ip ntable show");
  const heads = r.out.split("\n\n").filter((b) => b).map((b) => b.split("\n").slice(0, 2).map((l) => l.trim()).join(" | "));
  assert.deepEqual(heads.map((h) => h.replace(/ \| (refcnt|thresh1).*/, "")), [
    "inet arp_cache", "inet arp_cache | dev v1", "inet arp_cache | dev v2", "inet arp_cache | dev lo",
    "inet6 ndisc_cache", "inet6 ndisc_cache | dev v1", "inet6 ndisc_cache | dev v2", "inet6 ndisc_cache | dev lo",
  ]);
  const none = await run(s, "ip -4 ntable show dev none");
  assert.match(none.out, /^inet arp_cache \n    thresh1 128 thresh2 512 thresh3 1024 gc_int 30000 \n/);
  assert.doesNotMatch(none.out, /dev /);
  const bad = await run(s, "ip ntable show dev nosuch");
  assert.deepEqual([bad.code, bad.err], [255, 'Error: argument "nosuch" is wrong: "DEV" is invalid\n']);
});
