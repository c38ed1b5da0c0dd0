import { test } from "node:test";
import assert from "node:assert/strict";
import { pcapFileHeader, pcapRecord, parsePcap } from "../../../src/wire/pcap.ts";
import { compileFilter, FilterError, type Pkt } from "../../../src/userland/tcpdump/gencode.ts";
import { printPacket, tsFormat, DLT_EN10MB, type Ndo } from "../../../src/userland/tcpdump/print.ts";

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((x) => parseInt(x, 16)));

// h1 (72:78:16:96:58:26, 10.0.0.1) -> h2 (56:63:11:8e:dd:d7, 10.0.0.2): ICMP echo request id 0x1234 seq 1, 56 data bytes
function echo(type = 8): Uint8Array {
  const f = new Uint8Array(98);
  f.set(hex("566311 8eddd7 727816 965826 0800"), 0);
  f.set(hex("4500 0054 0000 4000 4001 0000 0a000001 0a000002"), 14);
  f[34] = type;
  f.set(hex("1234 0001"), 38);
  return f;
}
const arpReq = hex("ffffffffffff 727816965826 0806 0001 0800 06 04 0001 727816965826 0a000001 000000000000 0a000002");
const view = (b: Uint8Array): Pkt => ({ b, len: b.length, typeOff: 12, nlOff: 14 });
const ndo = (o: Partial<Ndo> = {}): Ndo => ({ eflag: 0, vflag: 0, qflag: 0, nflag: 1, Kflag: false, hostName: () => undefined, servName: () => undefined, ...o });
const noResolve = { host: () => undefined, service: (n: string) => (n === "domain" ? 53 : undefined) };

test("pcap: the file header tcpdump -w writes (od of a real capture)", () => {
  assert.deepEqual(Array.from(pcapFileHeader(262144, 1)), Array.from(hex("d4c3b2a1 0200 0400 00000000 00000000 00000400 01000000")));
  const f = new Uint8Array([...pcapFileHeader(262144, 1), ...pcapRecord({ tsSec: 10, tsUsec: 5, len: 98, data: echo() })]);
  const r = parsePcap(f);
  assert.ok(!("error" in r));
  assert.equal(r.records.length, 1);
  assert.equal(r.records[0]!.len, 98);
  assert.deepEqual(r.records[0]!.data, echo());
  assert.deepEqual(parsePcap(new Uint8Array([1, 2, 3, 4, 5])), { error: "unknown file format" });
});

test("printers: ICMP echo, ARP, -e, -v", () => {
  assert.equal(printPacket(ndo(), DLT_EN10MB, echo(), 98), "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 4660, seq 1, length 64");
  assert.equal(
    printPacket(ndo({ eflag: 1 }), DLT_EN10MB, echo(0), 98),
    "72:78:16:96:58:26 > 56:63:11:8e:dd:d7, ethertype IPv4 (0x0800), length 98: 10.0.0.1 > 10.0.0.2: ICMP echo reply, id 4660, seq 1, length 64",
  );
  assert.equal(printPacket(ndo(), DLT_EN10MB, arpReq, 42), "ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28");
  assert.equal(
    printPacket(ndo({ vflag: 1 }), DLT_EN10MB, arpReq, 42),
    "ARP, Ethernet (len 6), IPv4 (len 4), Request who-has 10.0.0.2 tell 10.0.0.1, length 28",
  );
  // the checksum is zero in this frame: -v reports it as tcpdump does
  assert.match(printPacket(ndo({ vflag: 1 }), DLT_EN10MB, echo(), 98), /^IP \(tos 0x0, ttl 64, id 0, offset 0, flags \[DF\], proto ICMP \(1\), length 84, bad cksum 0 \(->/);
  // truncated capture
  assert.equal(printPacket(ndo(), DLT_EN10MB, echo().slice(0, 36), 98), "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 4660, seq 1, length 64".slice(0, 0) + "IP 10.0.0.1 > 10.0.0.2:  [|icmp]");
  assert.equal(tsFormat(3600 * 14 + 62, 7), "14:01:02.000007 ");
});

test("filters: primitives, and/or/not, relations, errors", () => {
  const m = (e: string, b: Uint8Array) => compileFilter(e, noResolve)(view(b));
  assert.equal(m("icmp", echo()), true);
  assert.equal(m("arp", echo()), false);
  assert.equal(m("host 10.0.0.2 and (icmp or arp)", arpReq), true);
  assert.equal(m("src 10.0.0.2 and not arp", echo()), false);
  assert.equal(m("dst host 10.0.0.2", echo()), true);
  assert.equal(m("net 10.0.0.0/24", echo()), true);
  assert.equal(m("host 10.0.0.9 or 10.0.0.2", echo()), true);
  assert.equal(m("icmp[icmptype] = icmp-echoreply", echo()), false);
  assert.equal(m("icmp[icmptype] = icmp-echoreply", echo(0)), true);
  assert.equal(m("ether src 72:78:16:96:58:26", echo()), true);
  assert.equal(m("ether broadcast", arpReq), true);
  assert.equal(m("udp port 53", echo()), false);
  assert.equal(m("", echo()), true);
  const err = (e: string) => {
    try {
      compileFilter(e, noResolve);
      return "";
    } catch (x) {
      assert.ok(x instanceof FilterError);
      return x.message;
    }
  };
  assert.equal(err("foo bar"), "can't parse filter expression: syntax error");
  assert.equal(err("host"), "can't parse filter expression: syntax error");
  assert.equal(err("port 99999"), "illegal port number 99999 > 65535");
});
