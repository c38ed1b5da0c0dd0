/** A world (world.ts's kernelInit now runs devAddrListsInit/igmpInit/ndiscInit/ipv6PacketInit)
 * with a handle on its kernel World, plus a tap that records every frame a namespace sends. */
import { createWorld, type TuxWorld } from "../../../src/index.ts";
import { World } from "../../../src/kernel/world.ts";
import type { KernelWorldLike } from "../../../src/lab/world.ts";
import type { Net } from "../../../src/kernel/core/net_namespace.ts";
import { devAddPack } from "../../../src/kernel/core/dev_path.ts";
import { PACKET_OUTGOING, ETH_P_ALL } from "../../../src/kernel/uapi/if.ts";

export interface Frame {
  t: number;
  dev: string;
  bytes: Uint8Array;
}

export function b2World(): { w: TuxWorld; kw: () => World } {
  let kworld: World | undefined;
  const w = createWorld({
    makeWorld: (opts) => {
      const k = new World(opts);
      kworld = k;
      return k as unknown as KernelWorldLike;
    },
  });
  return { w, kw: () => kworld! };
}

/** record the frames sent by devices of `net` */
export function tapOut(net: Net, frames: Frame[]): void {
  devAddPack(net, {
    type: ETH_P_ALL,
    func(skb, dev) {
      if (skb.pktType !== PACKET_OUTGOING) return;
      frames.push({ t: net.host.world.sched.now, dev: dev.name, bytes: skb.buf.slice(skb.data, skb.tail) });
    },
  });
}

const hex = (b: Uint8Array, s: number, e: number) => [...b.subarray(s, e)].map((x) => x.toString(16).padStart(2, "0")).join("");

/** a one-line summary of an IPv6 link-up frame */
export function summary(f: Frame): string {
  const b = f.bytes;
  const dst = hex(b, 0, 6);
  const type = hex(b, 12, 14);
  if (type !== "86dd") return `${f.dev} ${dst} type ${type}`;
  const src = hex(b, 22, 38);
  const dip = hex(b, 38, 54);
  const nh = b[20];
  const icmpOff = nh === 0 ? 62 : 54;
  const icmp = b[icmpOff];
  return `${f.dev} ${dst} ${src === "0".repeat(32) ? "::" : "ll"} > ${dip} icmp6 ${icmp}`;
}
