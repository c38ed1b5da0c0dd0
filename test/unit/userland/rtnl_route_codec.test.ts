/**
 * The route message codec of `ip route save/restore`, against bytes `ip route save` wrote on
 * the 6.18 kernel (od -tx1 of the dump: seq 0x6b0f8efb, port id 0x000e4314).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeRoute, encodeRoute, rtnlFromFile } from "../../../src/userland/lib/rtnl_route_codec.ts";

const hex = (s: string): Uint8Array => new Uint8Array(s.trim().split(/\s+/).map((x) => parseInt(x, 16)));

// default via 10.0.0.254 dev v1 src 10.0.0.1 / 10.9.0.0/16 via 10.0.0.2 dev v1 metric 5 mtu 1300 /
// 10.7.0.0/24 nexthop via 10.0.0.2 weight 2 nexthop via 10.0.0.3
const DEFAULT = hex(`3c 00 00 00 18 00 22 00 fb 8e 0f 6b 14 43 0e 00 02 00 00 00 fe 03 00 01 00 00 00 00
  08 00 0f 00 fe 00 00 00 08 00 07 00 0a 00 00 01 08 00 05 00 0a 00 00 fe 08 00 04 00 03 00 00 00`);
const METRICS = hex(`50 00 00 00 18 00 22 00 fb 8e 0f 6b 14 43 0e 00 02 10 00 00 fe 03 00 01 00 00 00 00
  08 00 0f 00 fe 00 00 00 08 00 01 00 0a 09 00 00 08 00 06 00 05 00 00 00 0c 00 08 00 08 00 02 00 14 05 00 00
  08 00 05 00 0a 00 00 02 08 00 04 00 03 00 00 00`);
const MULTIPATH = hex(`50 00 00 00 18 00 22 00 fb 8e 0f 6b 14 43 0e 00 02 18 00 00 fe 03 00 01 00 00 00 00
  08 00 0f 00 fe 00 00 00 08 00 01 00 0a 07 00 00 24 00 09 00 10 00 00 01 03 00 00 00 08 00 05 00 0a 00 00 02
  10 00 00 00 03 00 00 00 08 00 05 00 0a 00 00 03`);

for (const [name, msg] of [["gateway and source", DEFAULT], ["priority and metrics", METRICS], ["multipath", MULTIPATH]] as const) {
  test(`route codec: ${name} decodes and encodes back byte for byte`, () => {
    const m = decodeRoute(msg);
    assert.equal(m.type, "RTM_NEWROUTE");
    assert.deepEqual(encodeRoute(m, 0x6b0f8efb, 0x000e4314, 0x22), msg);
  });
}

test("route codec: fields of the dump", () => {
  const m = decodeRoute(METRICS);
  assert.deepEqual([m.rtm.family, m.rtm.dst_len, m.rtm.table, m.rtm.protocol, m.rtm.type], [2, 16, 254, 3, 1]);
  assert.equal(m.attrs.RTA_PRIORITY, 5);
  assert.deepEqual(m.attrs.RTA_METRICS, { RTAX_MTU: 1300 });
  assert.deepEqual([...m.attrs.RTA_GATEWAY!], [10, 0, 0, 2]);
  const mp = decodeRoute(MULTIPATH).attrs.RTA_MULTIPATH!;
  assert.deepEqual(mp.map((h) => [h.rtnh_hops, h.rtnh_ifindex, [...h.RTA_GATEWAY!].join(".")]), [[1, 3, "10.0.0.2"], [0, 3, "10.0.0.3"]]);
});

test("rtnl_from_file: every message, then a truncated one", () => {
  const stream = new Uint8Array([...DEFAULT, ...METRICS, ...MULTIPATH.subarray(0, 30)]);
  const seen: number[] = [];
  const errs: string[] = [];
  const r = rtnlFromFile(stream, 0, (m) => (seen.push(m.length), 0), (s) => errs.push(s));
  assert.equal(r, -1);
  assert.deepEqual(seen, [60, 80]);
  assert.deepEqual(errs, ["rtnl-from_file: truncated message\n"]);
});
