/** wire/: byte views and checksums on fixtures. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ipComputeCsum, csumPartial, csumFold, csumTcpudpNofold } from "../../../src/wire/checksum.ts";
import { ipv4Parse, ipv4ToString, macParse, macToString, inetMakeMask, isBroadcastEther, readU32 } from "../../../src/wire/addr.ts";
import { iphWrite, iphHlen, iphTtl, iphSaddr, iphDaddr, ipFastCsumOk, ipDecreaseTtl, iphCheck } from "../../../src/wire/ipv4.ts";
import { arpWrite, arpOp, arpSip, arpTip, ARPOP_REQUEST } from "../../../src/wire/arp.ts";
import { udpWrite, udpCheck } from "../../../src/wire/udp.ts";
import { icmpSetChecksum } from "../../../src/wire/icmp.ts";
import { ethWriteHeader, ethGetProto } from "../../../src/wire/ethernet.ts";

test("addresses", () => {
  assert.equal(ipv4Parse("10.0.1.2"), 0x0a000102);
  assert.equal(ipv4Parse("10.0.1"), undefined);
  assert.equal(ipv4Parse("10.0.1.256"), undefined);
  assert.equal(ipv4ToString(0xc0a80001), "192.168.0.1");
  assert.equal(macToString(macParse("02:AB:0c:00:00:01")!), "02:ab:0c:00:00:01");
  assert.equal(inetMakeMask(24), 0xffffff00);
  assert.equal(inetMakeMask(0), 0);
  assert.ok(isBroadcastEther(new Uint8Array([255, 255, 255, 255, 255, 255])));
});

test("IPv4 header: RFC 1071 example checksum, ttl decrement keeps it valid", () => {
  // the classic example header 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7
  const b = new Uint8Array(20);
  iphWrite(b, 0, 0, 0x73, 0, 0x4000, 64, 17, 0xc0a80001, 0xc0a800c7);
  assert.equal(iphCheck(b, 0), 0xb861);
  assert.ok(ipFastCsumOk(b, 0));
  assert.equal(iphHlen(b, 0), 20);
  assert.equal(iphSaddr(b, 0), 0xc0a80001);
  assert.equal(iphDaddr(b, 0), 0xc0a800c7);
  for (let i = 0; i < 63; i++) ipDecreaseTtl(b, 0);
  assert.equal(iphTtl(b, 0), 1);
  assert.ok(ipFastCsumOk(b, 0));
});

test("ICMP and UDP checksums verify to zero", () => {
  const icmp = new Uint8Array([8, 0, 0, 0, 0x12, 0x34, 0, 1, 1, 2, 3, 4, 5]);
  icmpSetChecksum(icmp, 0, icmp.length);
  assert.equal(ipComputeCsum(icmp, 0, icmp.length), 0);
  const u = new Uint8Array(8 + 5);
  u.set([104, 101, 108, 108, 111], 8);
  udpWrite(u, 0, 40000, 33434, 13, 0x0a000001, 0x0a000002);
  assert.notEqual(udpCheck(u, 0), 0);
  assert.equal(csumFold(csumTcpudpNofold(0x0a000001, 0x0a000002, 13, 17, csumPartial(u, 0, 13))), 0);
});

test("Ethernet + ARP request", () => {
  const b = new Uint8Array(42);
  const mac = macParse("02:00:00:00:00:01")!;
  ethWriteHeader(b, 0, new Uint8Array(6).fill(255), mac, 0x0806);
  arpWrite(b, 14, ARPOP_REQUEST, mac, 0x0a000001, undefined, 0x0a000002);
  assert.equal(ethGetProto(b, 0), 0x0806);
  assert.equal(arpOp(b, 14), 1);
  assert.equal(arpSip(b, 14), 0x0a000001);
  assert.equal(arpTip(b, 14), 0x0a000002);
  assert.equal(readU32(b, 14 + 18), 0);
});
