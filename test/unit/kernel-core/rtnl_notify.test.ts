/**
 * net/core/rtnetlink.c: rtnl_notify() to sockets bound to RTNLGRP_* groups (`ip monitor`): only
 * the groups a socket joined, only its own namespace, nothing built when nobody listens.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { World } from "../../../src/kernel/world.ts";
import { rtnlHasListeners } from "../../../src/kernel/core/rtnl_notify.ts";
import { RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_LINK, type RtnlMsg } from "../../../src/kernel/uapi/rtnetlink.ts";
import { run, driveWith } from "./harness.ts";

function drain(l: { read(): { msg: RtnlMsg } | undefined }): string[] {
  const out: string[] = [];
  for (let e = l.read(); e; e = l.read()) out.push(e.msg.type);
  return out;
}

test("a bound socket hears its groups of its namespace, and nothing once closed", async () => {
  const w = new World({ seed: "nl" });
  driveWith(w);
  const h = w.addHost("h");
  const s = h.syscalls(h.initNet);
  assert.equal(rtnlHasListeners(h.initNet, RTNLGRP_LINK), false);
  const l = s.rtnl.listen!([RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR]);
  assert.equal(rtnlHasListeners(h.initNet, RTNLGRP_LINK), true);
  assert.equal(rtnlHasListeners(h.initNet, RTNLGRP_IPV4_ROUTE), false);
  await run(s, "ip link add v1 type veth peer name v2");
  /* rtnl_configure_link() of the peer, then of the device: register_netdevice() says nothing */
  assert.deepEqual(drain(l), ["RTM_NEWLINK", "RTM_NEWLINK"]);
  await run(s, "ip addr add 10.0.0.1/24 dev v1");
  /* the local route went to RTNLGRP_IPV4_ROUTE, which this socket did not join */
  assert.deepEqual(drain(l), ["RTM_NEWADDR"]);
  /* another namespace's events stay there */
  await run(s, "ip netns add x");
  const sx = s.netnsEnter("x");
  assert.ok(!("errno" in sx));
  await run(sx, "ip link add d0 type veth peer name d1");
  assert.deepEqual(drain(l), []);
  l.close();
  assert.equal(rtnlHasListeners(h.initNet, RTNLGRP_LINK), false);
  await run(s, "ip link del v1");
  assert.deepEqual(drain(l), []);
});
