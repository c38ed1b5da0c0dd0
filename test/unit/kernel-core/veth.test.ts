/** veth: frames cross to the peer through netif_rx and the NET_RX softirq on the scheduler. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { World } from "../../../src/kernel/world.ts";
import { SkBuff } from "../../../src/kernel/core/skbuff.ts";
import { devQueueXmit, devAddPack } from "../../../src/kernel/core/dev_path.ts";
import { devGetByName } from "../../../src/kernel/core/dev.ts";
import { ETH_P_ALL, PACKET_OUTGOING } from "../../../src/kernel/uapi/if.ts";
import { run } from "./harness.ts";

test("a frame sent on one end of a cable arrives on the other host", async () => {
  const world = new World({ seed: "veth" });
  const a = world.addHost("a");
  const b = world.addHost("b");
  world.addCable("a", "eth0", "b", "eth0");
  await run(a.syscalls(a.initNet), "ip link set eth0 up");
  await run(b.syscalls(b.initNet), "ip link set eth0 up");
  const ea = devGetByName(a.initNet, "eth0")!;
  const eb = devGetByName(b.initNet, "eth0")!;
  assert.equal(ea.carrier && eb.carrier, true);
  // the link is not silent: IPv6 link-up (DAD NS, MLD reports, router solicitations forever,
  // with backoff) crosses it too, so count what arrives and look only at non-IPv6 frames
  const seen: { len: number; type: number }[] = [];
  devAddPack(b.initNet, {
    type: ETH_P_ALL, dev: eb,
    func: (skb) => {
      if (skb.pktType === PACKET_OUTGOING) return;
      const m = skb.macHeader;
      seen.push({ len: skb.tail - m, type: (skb.buf[m + 12]! << 8) | skb.buf[m + 13]! });
    },
  });
  const tx0 = ea.stats.tx_packets;
  const rx0 = eb.stats.rx_packets;
  const frame = new Uint8Array(60);
  frame.fill(0xff, 0, 6);
  frame.set(ea.devAddr, 6);
  frame[12] = 0x88;
  frame[13] = 0xb5;
  const skb = SkBuff.from(frame);
  skb.dev = ea;
  devQueueXmit(skb);
  // not runUntilIdle(): router solicitations never stop (rtr_solicits -1)
  world.sched.runUntil(world.sched.now + 100_000);
  assert.deepEqual(seen.filter((f) => f.type !== 0x86dd).map((f) => f.len), [60]);
  assert.equal(ea.stats.tx_packets - tx0, seen.length);
  assert.equal(eb.stats.rx_packets - rx0, seen.length);
});

test("ethtool ioctls of veth and lo", () => {
  const world = new World({ seed: "e" });
  const a = world.addHost("a");
  world.addHost("b");
  world.addCable("a", "eth0", "b", "eth0");
  const sys = a.syscalls(a.initNet);
  const drv = sys.ioctl({ request: "SIOCETHTOOL", ifname: "eth0", cmd: "ETHTOOL_GDRVINFO" });
  assert.equal((drv as Record<string, unknown>)["driver"], "veth");
  assert.equal((drv as Record<string, unknown>)["n_stats"], 10);
  const st = sys.ioctl({ request: "SIOCETHTOOL", ifname: "eth0", cmd: "ETHTOOL_GSTATS" });
  assert.equal(((st as Record<string, unknown>)["data"] as number[])[0], 2);
  assert.deepEqual(sys.ioctl({ request: "SIOCETHTOOL", ifname: "lo", cmd: "ETHTOOL_GDRVINFO" }), { errno: "EOPNOTSUPP" });
  assert.deepEqual(sys.ioctl({ request: "SIOCETHTOOL", ifname: "lo", cmd: "ETHTOOL_GLINK" }), { data: 1 });
  assert.deepEqual(sys.ioctl({ request: "SIOCGIFFLAGS", ifname: "lo" }), { flags: 0x49 });
  assert.deepEqual(sys.ioctl({ request: "SIOCGIFFLAGS", ifname: "nope" }), { errno: "ENODEV" });
});
