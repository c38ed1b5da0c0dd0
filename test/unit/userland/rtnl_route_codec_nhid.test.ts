import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeRoute, encodeRoute, routeAttrBytes } from "../../../src/userland/lib/rtnl_route_codec.ts";
import type { RouteMsg } from "../../../src/kernel/uapi/rtnetlink.ts";

test("a route through a nexthop object keeps RTA_NH_ID, after RTA_PRIORITY and before RTA_GATEWAY/RTA_OIF", () => {
  const m: RouteMsg = {
    type: "RTM_NEWROUTE",
    flags: {},
    rtm: { family: 2, dst_len: 16, src_len: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0 },
    attrs: { RTA_TABLE: 254, RTA_DST: new Uint8Array([10, 8, 0, 0]), RTA_PRIORITY: 7, RTA_NH_ID: 2, RTA_OIF: 3 },
  };
  const b = encodeRoute(m, 1, 2);
  assert.equal(b.length, 68);
  // the attribute types in order: TABLE, DST, PRIORITY, NH_ID, OIF
  const types: number[] = [];
  for (let o = 28; o < b.length; o += (b[o]! | (b[o + 1]! << 8)) + 3 & ~3) types.push(b[o + 2]! | (b[o + 3]! << 8));
  assert.deepEqual(types, [15, 1, 6, 30, 4]);
  assert.ok(routeAttrBytes(b).has(30));
  const d = decodeRoute(b);
  assert.equal(d.attrs.RTA_NH_ID, 2);
  assert.equal(d.attrs.RTA_OIF, 3);
  assert.equal(d.attrs.RTA_GATEWAY, undefined);
});
