import { test } from "node:test";
import assert from "node:assert/strict";
import { ip } from "../../../src/userland/iproute2/ip.ts";
import type { LinkMsg } from "../../../src/kernel/uapi/rtnetlink.ts";
import { fakeSys, link, run, v4 } from "./fakesys.ts";

function vx1(): LinkMsg {
  const l = link(3, "vx1", 1, 0x1002);
  l.attrs.IFLA_LINKINFO = {
    IFLA_INFO_KIND: "vxlan",
    IFLA_INFO_DATA: {
      IFLA_VXLAN_ID: 6, IFLA_VXLAN_GROUP: v4("10.9.9.9"), IFLA_VXLAN_LOCAL: v4("10.9.9.1"), IFLA_VXLAN_TTL: 5,
      IFLA_VXLAN_TTL_INHERIT: 0, IFLA_VXLAN_TOS: 1, IFLA_VXLAN_DF: 0, IFLA_VXLAN_LEARNING: 0, IFLA_VXLAN_PROXY: 0,
      IFLA_VXLAN_RSC: 0, IFLA_VXLAN_L2MISS: 0, IFLA_VXLAN_L3MISS: 0, IFLA_VXLAN_COLLECT_METADATA: 0,
      IFLA_VXLAN_AGEING: 300, IFLA_VXLAN_LIMIT: 0, IFLA_VXLAN_PORT_RANGE: { low: 0, high: 0 }, IFLA_VXLAN_PORT: 4789,
      IFLA_VXLAN_UDP_CSUM: 1, IFLA_VXLAN_UDP_ZERO_CSUM6_TX: 0, IFLA_VXLAN_UDP_ZERO_CSUM6_RX: 0,
      IFLA_VXLAN_REMCSUM_TX: 0, IFLA_VXLAN_REMCSUM_RX: 0, IFLA_VXLAN_LABEL: 0,
    },
  };
  return l;
}

test("ip -d link show: vxlan options as iproute2 6.1 prints them", async () => {
  const f = fakeSys();
  f.links.push(vx1());
  let r = await run(ip, f.sys, ["ip", "-d", "link", "show", "vx1"]);
  assert.ok(
    r.out.includes("\n    vxlan id 6 remote 10.9.9.9 local 10.9.9.1 srcport 0 0 dstport 4789 nolearning tos inherit ttl 5 ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx "),
    r.out,
  );
  r = await run(ip, f.sys, ["ip", "-d", "-j", "link", "show", "vx1"]);
  assert.ok(
    r.out.includes('"linkinfo":{"info_kind":"vxlan","info_data":{"id":6,"remote":"10.9.9.9","local":"10.9.9.1","port_range":{"low":0,"high":0},"port":4789,"learning":false,"tos":"0x1","ttl":5,"df":"unset","ageing":300,"udp_csum":true,"udp_zero_csum6_tx":false,"udp_zero_csum6_rx":false}}'),
    r.out,
  );
});

test("ip link add type vxlan / vlan: requests", async () => {
  const f = fakeSys();
  let r = await run(ip, f.sys, ["ip", "link", "add", "vx0", "type", "vxlan", "id", "5", "dstport", "4789", "remote", "10.9.9.9"]);
  assert.equal(r.code, 0);
  const q = f.talks.at(-1) as LinkMsg;
  const d = q.attrs.IFLA_LINKINFO!.IFLA_INFO_DATA!;
  assert.deepEqual([d["IFLA_VXLAN_ID"], d["IFLA_VXLAN_PORT"], [...(d["IFLA_VXLAN_GROUP"] as Uint8Array)], d["IFLA_VXLAN_LEARNING"]], [5, 4789, [10, 9, 9, 9], 1]);
  r = await run(ip, f.sys, ["ip", "link", "add", "vx0", "type", "vxlan", "id", "5"]);
  assert.equal(r.err, "vxlan: destination port not specified\nWill use Linux kernel default (non-standard value)\nUse 'dstport 4789' to get the IANA assigned value\nUse 'dstport 0' to get default and quiet this message\n");
  r = await run(ip, f.sys, ["ip", "link", "add", "link", "eth0", "name", "eth0.5", "type", "vlan", "id", "5", "reorder_hdr", "off"]);
  const v = (f.talks.at(-1) as LinkMsg).attrs.IFLA_LINKINFO!.IFLA_INFO_DATA!;
  assert.deepEqual([v["IFLA_VLAN_ID"], v["IFLA_VLAN_FLAGS"]], [5, { flags: 0, mask: 1 }]);
});
