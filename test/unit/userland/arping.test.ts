import { test } from "node:test";
import assert from "node:assert/strict";
import { arping } from "../../../src/userland/iputils/arping.ts";
import type { Socket, RecvMsg, SockAddr } from "../../../src/kernel/uapi/socket.ts";
import { fakeSys, mac, run, v4, type Fake } from "./fakesys.ts";

/** a packet socket on eth0 where `answers` (ip -> mac) reply to ARP requests after 10 µs */
function arpNet(f: Fake, answers: Map<string, string>): void {
  f.links[1]!.attrs.IFLA_ADDRESS = mac("72:78:16:96:58:26");
  f.addrs = [{ type: "RTM_NEWADDR", flags: {}, ifa: { family: 2, prefixlen: 24, flags: 0, scope: 0, index: 2 }, attrs: { IFA_LOCAL: v4("10.0.0.1"), IFA_ADDRESS: v4("10.0.0.1") } }];
  f.packetSocket = () => {
    const q: RecvMsg[] = [];
    let cb: (() => void) | undefined;
    const s: Socket = {
      family: 17, type: 3, protocol: 0x0806,
      bind: () => undefined, connect: () => undefined,
      getsockname: () => ({ errno: "EINVAL" }), getpeername: () => ({ errno: "ENOTCONN" }),
      setsockopt: () => undefined, getsockopt: () => 0,
      sendto(data: Uint8Array, _addr?: SockAddr) {
        const tpa = Array.from(data.subarray(38, 42)).join(".");
        const m = answers.get(tpa);
        if (m) {
          f.sched.after(10, () => {
            const r = new Uint8Array(42);
            r.set(data.subarray(6, 12), 0);
            r.set(mac(m), 6);
            r.set([8, 6, 0, 1, 8, 0, 6, 4, 0, 2], 12);
            r.set(mac(m), 22);
            r.set(data.subarray(38, 42), 28);
            r.set(data.subarray(22, 28), 32);
            r.set(data.subarray(28, 32), 38);
            q.push({ data: r, from: { family: 17, ifindex: 2, protocol: 0x0806 }, stamp: f.sched.now });
            cb?.();
          });
        }
        return data.length;
      },
      recvfrom: () => q.shift(), recvErr: () => undefined,
      onReadable: (c) => void (cb = c), close: () => undefined,
    };
    return s;
  };
}

test("arping -c 1 -I eth0 (reply), timeout, -D dots, usage", async () => {
  const f = fakeSys();
  arpNet(f, new Map([["10.0.0.2", "56:63:11:8e:dd:d7"]]));
  let r = await run(arping, f.sys, ["arping", "-c", "1", "-I", "eth0", "10.0.0.2"], {}, f.sched);
  assert.equal(r.code, 0);
  assert.equal(
    r.out,
    "ARPING 10.0.0.2\n42 bytes from 56:63:11:8e:dd:d7 (10.0.0.2): index=0 time=10.000 usec\n\n--- 10.0.0.2 statistics ---\n" +
      "1 packets transmitted, 1 packets received,   0% unanswered (0 extra)\nrtt min/avg/max/std-dev = 0.010/0.010/0.010/0.000 ms\n",
  );
  r = await run(arping, f.sys, ["arping", "-c", "2", "-w", "3", "-I", "eth0", "10.0.0.77"], {}, f.sched);
  assert.deepEqual([r.code, r.out], [1, "ARPING 10.0.0.77\nTimeout\nTimeout\n\n--- 10.0.0.77 statistics ---\n2 packets transmitted, 0 packets received, 100% unanswered (0 extra)\n\n"]);
  r = await run(arping, f.sys, ["arping", "-c", "1", "-D", "-I", "eth0", "10.0.0.2"], {}, f.sched);
  assert.deepEqual([r.code, r.out], [0, "!\t  0% packet loss (0 extra)\n"]);
  r = await run(arping, f.sys, ["arping", "10.0.0.2", "-c", "1"], {}, f.sched);
  assert.ok(r.out.startsWith("ARPING 10.0.0.2\n42 bytes from"));
  r = await run(arping, f.sys, ["arping"], {}, f.sched);
  assert.equal(r.code, 1);
  assert.ok(r.out.startsWith("ARPing 2.23, by Thomas Habets <thomas@habets.se>\nusage: arping"));
});
