/**
 * Behaviour: ethtool -k / -K as ethtool 6.1's netlink/features.c prints them, against the
 * SIOCETHTOOL contract (ETHTOOL_GSTRINGS ETH_SS_FEATURES, ETHTOOL_MSG_FEATURES_GET/SET): legacy
 * flags first (a group header when several features match), [fixed]/[requested], the other
 * features by bit; -K's "Actual changes" and the kernel's rejection of an unknown bit name.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ethtool } from "../../../src/userland/ethtool/ethtool.ts";
import { fakeSys, run } from "./fakesys.ts";

const NAMES = ["tx-scatter-gather", "tx-checksum-ipv4", "tx-checksum-ip-generic", "highdma", "tx-scatter-gather-fraglist",
  "tx-generic-segmentation", "tx-tcp-segmentation", "tx-tcp6-segmentation", "rx-checksum", "loopback"];

test("ethtool -k: legacy groups, fixed and requested, remaining features", async () => {
  const f = fakeSys();
  const on = (xs: string[]) => NAMES.map((n) => xs.includes(n));
  f.onIoctl = (req) => {
    if (req["cmd"] === "ETHTOOL_GSTRINGS") return { strings: NAMES };
    if (req["cmd"] === "ETHTOOL_MSG_FEATURES_GET") {
      return {
        hw: on(["tx-scatter-gather", "tx-checksum-ip-generic", "tx-scatter-gather-fraglist", "tx-generic-segmentation", "tx-tcp-segmentation", "tx-tcp6-segmentation", "rx-checksum", "highdma"]),
        wanted: on(["tx-scatter-gather", "tx-checksum-ip-generic", "tx-scatter-gather-fraglist", "tx-generic-segmentation", "tx-tcp-segmentation", "tx-tcp6-segmentation", "highdma"]),
        active: on(["tx-scatter-gather", "tx-checksum-ip-generic", "tx-scatter-gather-fraglist", "tx-generic-segmentation", "tx-tcp-segmentation", "highdma"]),
        nochange: on([]),
      };
    }
    return { errno: "EOPNOTSUPP" };
  };
  const r = await run(ethtool, f.sys, ["ethtool", "-k", "eth0"]);
  assert.equal(r.code, 0);
  assert.equal(r.out,
    "Features for eth0:\n" +
    "rx-checksumming: off\n" +
    "tx-checksumming: on\n" +
    "\ttx-checksum-ipv4: off [fixed]\n" +
    "\ttx-checksum-ip-generic: on\n" +
    "scatter-gather: on\n" +
    "\ttx-scatter-gather: on\n" +
    "\ttx-scatter-gather-fraglist: on\n" +
    "tcp-segmentation-offload: on\n" +
    "\ttx-tcp-segmentation: on\n" +
    "\ttx-tcp6-segmentation: off [requested on]\n" +
    "generic-segmentation-offload: on\n" +
    /* legacy flags no feature matches still print (n_match != 1) */
    "generic-receive-offload: off\n" +
    "large-receive-offload: off\n" +
    "rx-vlan-offload: off\n" +
    "tx-vlan-offload: off\n" +
    "ntuple-filters: off\n" +
    "receive-hashing: off\n" +
    "highdma: on\n" +
    "loopback: off [fixed]\n");
});

test("ethtool -K: legacy flag expansion, actual changes, bad bit name, no device", async () => {
  const f = fakeSys();
  const idx = (n: string) => NAMES.indexOf(n);
  const mask = (xs: string[]) => NAMES.map((n) => xs.includes(n));
  f.onIoctl = (req) => {
    if (req["cmd"] === "ETHTOOL_GSTRINGS") return req["ifname"] === "nosuch" ? { errno: "ENODEV" } : { strings: NAMES };
    if (req["cmd"] === "ETHTOOL_MSG_FEATURES_SET") {
      if (req["ifname"] === "nosuch") return { errno: "ENODEV" };
      const bits = req["bits"] as [string, boolean][];
      const bad = bits.findIndex(([n]) => idx(n) < 0);
      if (bad >= 0) return { errno: "EOPNOTSUPP", extack: "bit name not found", bit: bad };
      return { wanted_val: mask([]), wanted_mask: mask([]), active_val: mask([]), active_mask: mask(["tx-checksum-ipv4", "tx-checksum-ip-generic", "tx-tcp-segmentation"]) };
    }
    return { errno: "EOPNOTSUPP" };
  };
  let r = await run(ethtool, f.sys, ["ethtool", "-K", "v1", "tx", "off"]);
  const set = f.ioctls.find((q) => q["cmd"] === "ETHTOOL_MSG_FEATURES_SET")!;
  assert.deepEqual(set["bits"], [["tx-checksum-ipv4", false], ["tx-checksum-ip-generic", false]]);
  assert.equal(r.out, "Actual changes:\ntx-checksum-ipv4: off\ntx-checksum-ip-generic: off\ntx-tcp-segmentation: off [not requested]\n");
  assert.equal(r.code, 0);
  r = await run(ethtool, f.sys, ["ethtool", "-K", "v1", "foo", "off"]);
  assert.equal(r.code, 92);
  assert.equal(r.err, "netlink error: bit name not found (offset 52)\nnetlink error: Operation not supported\n");
  r = await run(ethtool, f.sys, ["ethtool", "-K", "nosuch", "tx", "off"]);
  assert.equal(r.code, 92);
  assert.equal(r.err, "netlink error: no device matches name (offset 24)\nnetlink error: No such device\n");
});
