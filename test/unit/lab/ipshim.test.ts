import { test } from "node:test";
import assert from "node:assert/strict";
import { labIpArgv } from "../../../src/lab/ipshim.ts";
import { Rng } from "../../../src/sim/rng.ts";

const mac = (ns: string, n: string) => `M(${ns || "-"}/${n})`;

test("labtool ip shim: address after the head, and right after `peer`", () => {
  assert.deepEqual(
    labIpArgv(["ip", "link", "add", "a", "type", "veth", "peer", "name", "b"], mac, () => ""),
    ["ip", "link", "add", "a", "address", "M(-/a)", "type", "veth", "peer", "address", "M(-/b)", "name", "b"],
  );
  assert.deepEqual(
    labIpArgv(["ip", "-n", "ns1", "l", "add", "name", "v0", "type", "dummy"], mac, () => "x"),
    ["ip", "-n", "ns1", "l", "add", "name", "v0", "address", "M(ns1/v0)", "type", "dummy"],
  );
  // a given address, a kind without random MAC, no names: left alone
  for (const argv of [
    ["ip", "link", "add", "v0", "address", "02:00:00:00:00:01", "type", "veth", "peer", "name", "v1"],
    ["ip", "link", "add", "br0", "type", "bridge"],
    ["ip", "link", "add", "type", "veth"],
  ]) assert.deepEqual(labIpArgv(argv, mac, () => ""), argv);
});

test("Rng.fork: a stream of its own, independent of the parent's draws", () => {
  const a = new Rng("seed");
  const b = new Rng("seed");
  b.u32();
  assert.equal(a.fork("ovs/h1").u32(), b.fork("ovs/h1").u32());
  assert.notEqual(a.fork("ovs/h1").u32(), a.fork("ovs/h2").u32());
});
