/**
 * br_vlan.ts: the tag taken out of a frame (skb_vlan_untag) and written back
 * (__vlan_hwaccel_push_inside) as the bridge's vlan filtering does on the way in and out.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import { skbVlanPushInside, skbVlanUntag } from "../../../src/kernel/bridge/br_vlan.ts";

const frame = Uint8Array.from([
  1, 2, 3, 4, 5, 6, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, // dst, src
  0x81, 0x00, 0x20, 0x0a, // 802.1Q, PCP 1, vid 10
  0x08, 0x00, // IPv4
  0x45, 0, 0, 20, // payload
]);

for (const headroom of [0, 2, 64]) {
  test(`skb_vlan_untag then push inside gives the frame back (headroom ${headroom})`, () => {
    const skb = SkBuff.from(frame, headroom);
    skb.resetMacHeader();
    skb.pull(14);
    skb.protocol = 0x8100;
    assert.equal(skbVlanUntag(skb), true);
    assert.equal(skb.vlanPresent, true);
    assert.equal(skb.vlanTci, 0x200a);
    assert.equal(skb.vlanProto, 0x8100);
    assert.equal(skb.protocol, 0x0800);
    // the untagged frame: addresses, then IPv4's type, then the payload
    assert.deepEqual([...skb.buf.subarray(skb.macHeader, skb.tail)], [...frame.subarray(0, 12), 0x08, 0x00, 0x45, 0, 0, 20]);
    skbVlanPushInside(skb);
    assert.equal(skb.vlanPresent, false);
    assert.equal(skb.protocol, 0x8100);
    skb.push(14);
    assert.deepEqual([...skb.bytes()], [...frame]);
  });
}

test("skb_vlan_untag refuses a frame too short for a tag", () => {
  const skb = SkBuff.from(frame.subarray(0, 16));
  skb.resetMacHeader();
  skb.pull(14);
  assert.equal(skbVlanUntag(skb), false);
});
