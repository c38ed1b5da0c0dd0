/**
 * setsockopt(IP_OPTIONS): what ip_options_get() accepts and refuses, with and without
 * CAP_NET_RAW. Expected results from Python on the 6.18 kernel (socket.setsockopt(IPPROTO_IP,
 * IP_OPTIONS, …) on a raw ICMP and a UDP socket, as root and under `capsh --drop=cap_net_raw`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { labWorld } from "../kernel-core/harness.ts";
import { isKErr } from "../../../src/kernel/uapi/errno.ts";

const LSRR = [1, 131, 11, 4, 10, 0, 1, 1, 10, 0, 2, 2];
const RR = [1, 7, 39, 4, ...new Array<number>(36).fill(0)];
const cases: [string, number[], string, string][] = [
  // name, bytes, as root, without CAP_NET_RAW
  ["loose source route", LSRR, "ok", "EPERM"],
  ["record route, 9 slots", RR, "ok", "ok"],
  ["timestamps only", [68, 8, 5, 0, 0, 0, 0, 0], "ok", "ok"],
  ["prespecified timestamps without room for one", [68, 8, 5, 3, 0, 0, 0, 0], "EINVAL", "EINVAL"],
  ["record route of length 2", [7, 2], "EINVAL", "EINVAL"],
  ["41 bytes", new Array<number>(41).fill(0), "EINVAL", "EINVAL"],
  ["security (RFC 1108)", [130, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0], "ok", "EINVAL"],
  ["one-hop source route", [131, 7, 4, 1, 2, 3, 4], "ok", "EPERM"],
  ["three NOPs", [1, 1, 1], "ok", "ok"],
];

for (const [socktype, proto] of [[3, 1], [2, 0]] as const) {
  for (const cap of [true, false]) {
    test(`IP_OPTIONS on a ${socktype === 3 ? "raw" : "UDP"} socket ${cap ? "as root" : "without CAP_NET_RAW"}`, () => {
      const { h } = labWorld(["h"]);
      const sys = h.h!.syscalls(h.h!.initNet);
      for (const [name, bytes, root, nocap] of cases) {
        const s = sys.socket(2, socktype, proto);
        assert.ok(!isKErr(s));
        s.capNetRaw = cap;
        const e = s.setsockopt("IP_OPTIONS", new Uint8Array(bytes));
        assert.equal(e ? e.errno : "ok", cap ? root : nocap, name);
        s.close();
      }
    });
  }
}
