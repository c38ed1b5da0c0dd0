/**
 * npm run bench:flood [-- [--v6] [--burst K] [NAMESPACES] [FLOODS]]
 *
 * The kernel's receive path alone, without the shell: NAMESPACES (1000) namespaces on one
 * bridge (bench a's lab), then FLOODS (300) frames sent from n1's eth0 that the bridge floods
 * to every other namespace, each flood drained by the softirq before the next: an ARP request
 * for an address nobody has (each receiver runs arp_process() and its input route check), or
 * with --v6 an IPv6 multicast frame to a group nobody joined (each receiver counts and drops
 * it). With --burst K, each round sends K such frames back to back: the first flood fills the
 * softirq's backlog and the copies of the other K - 1 are dropped there (the way most copies of
 * bench a's link-up floods end). Prints the wall time per flood and per copy (a frame for a
 * receiving namespace, received or dropped). The world comes from the
 * build in dist/ (`npm run bench:flood` makes it first). Node-only code.
 */
import { performance } from "node:perf_hooks";

const dist = (p: string) => new URL("../dist/" + p, import.meta.url).href;
const { createWorld } = (await import(dist("index.js"))) as typeof import("../src/index.ts");
const { arpSend } = (await import(dist("kernel/ipv4/arp.js"))) as typeof import("../src/kernel/ipv4/arp.ts");
const { devQueueXmit } = (await import(dist("kernel/core/dev_path.js"))) as typeof import("../src/kernel/core/dev_path.ts");
const { SkBuff } = (await import(dist("kernel/core/skbuff.js"))) as typeof import("../src/kernel/core/skbuff.ts");
type Host = import("../src/kernel/world.ts").Host;

const args = process.argv.slice(2);
const burstAt = args.indexOf("--burst");
const burst = burstAt >= 0 ? Number(args.splice(burstAt, 2)[1]) : 1;
if (!(burst >= 1)) throw new Error("--burst wants a number of frames");
const v6 = args.includes("--v6");
const nums = args.filter((a) => !a.startsWith("--")).map(Number);
const N = nums[0] ?? 1000;
const R = nums[1] ?? 300;
if (!(N >= 2 && R >= 1)) throw new Error("usage: flood.ts [--v6] [--burst K] [NAMESPACES >= 2] [FLOODS >= 1]");

const w = createWorld({ labMacs: false });
await w.addHost("host");
let setup = "ip link add br0 type bridge\nip link set br0 up\n";
for (let i = 1; i <= N; i++) {
  setup += `ip netns add n${i}\nip link add v${i} type veth peer name eth0 netns n${i}\nip link set v${i} master br0 up\n`;
  setup += `ip -n n${i} addr add 10.0.${i >> 8}.${i & 255}/16 dev eth0\nip -n n${i} link set eth0 up\n`;
}
await w.exec("host", setup + "sleep 30", { timeoutSec: 86400 });

// the emulator's objects behind the library API (a bench may reach in; tests do not)
const host = (w.lab.nodes.get("host") as unknown as { host: Host }).host;
const dev = host.namedNetns.get("n1")!.devByName.get("eth0")!;
const bcast = new Uint8Array(6).fill(0xff);

/** an IPv6 neighbour solicitation from fe80::1 to ff02::1:ff00:1234, a group nobody joined */
function v6Frame(): Uint8Array {
  const f = new Uint8Array(14 + 40 + 24);
  f.set([0x33, 0x33, 0xff, 0x00, 0x12, 0x34], 0);
  f.set(dev.devAddr, 6);
  f.set([0x86, 0xdd], 12);
  f.set([0x60, 0, 0, 0, 0, 24, 58, 255], 14);
  f.set([0xfe, 0x80], 22);
  f[37] = 1;
  f.set([0xff, 0x02], 38);
  f.set([0, 1, 0xff, 0x00, 0x12, 0x34], 48);
  f[54] = 135;
  return f;
}

async function floods(k: number): Promise<void> {
  for (let r = 0; r < k; r++) {
    for (let b = 0; b < burst; b++) {
      if (v6) {
        const skb = SkBuff.from(v6Frame());
        skb.dev = dev;
        devQueueXmit(skb);
      } else {
        arpSend(1, 0x806, (10 << 24) | (200 << 8) | (r & 255), dev, (10 << 24) | 1, bcast, dev.devAddr, undefined);
      }
    }
    // past the softirq's budgets: the round is drained before the next
    await w.advance(5000 * burst);
  }
}

await floods(Math.min(R, 100)); // warm-up
const t0 = performance.now();
await floods(R);
const us = ((performance.now() - t0) * 1000) / R;
const perFlood = us / burst;
console.log(
  `${v6 ? "IPv6 multicast" : "ARP request"}: ${perFlood.toFixed(1)} µs per flood, ${((perFlood * 1000) / (N - 1)).toFixed(0)} ns per copy ` +
    `(${N} namespaces, ${R} rounds of ${burst} flood${burst > 1 ? "s" : ""})`,
);
