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

test("filters: gen_arth() refuses literal division/modulus by zero and shifts over 31; NUM/NUM is arithmetic", () => {
  const err = (e: string) => {
    try {
      compileFilter(e, noResolve);
      return "ok";
    } catch (x) {
      assert.ok(x instanceof FilterError);
      return x.message;
    }
  };
  assert.equal(err("0/0 icmp"), "division by zero");
  assert.equal(err("(0)/(0) = 1"), "division by zero");
  assert.equal(err("ip and (ip[0] / 0 = 1)"), "division by zero");
  assert.equal(err("1 % 0 = 1"), "modulus by zero");
  assert.equal(err("1 << 32 = 1"), "shift by more than 31 bits");
  // "1-1" is one word to the scanner (a name may hold '-')
  assert.equal(err("ip[0] / (1-1) = 1"), "can't parse filter expression: syntax error");
  assert.equal(err("4/2 = 2"), "ok");
  assert.equal(err("net 10/8"), "can't parse filter expression: syntax error");
  assert.equal(err("net 10.0/16"), "ok");
  const m = compileFilter("8>>1 = 4 and 7%4 = 3", noResolve);
  assert.equal(m(view(echo())), true);
});

test("printers: DLT_NFLOG (print-nflog.c): -e header, TLVs skipped to the payload, -x from the IP header", () => {
  // nfgenmsg (AF_INET, v0, group 5), PACKET_HDR, PREFIX "out: ", OUTDEV, UID, GID, PAYLOAD
  const ip = echo().subarray(14);
  const tlv = (type: number, v: Uint8Array) => {
    const len = 4 + v.length;
    const t = new Uint8Array((len + 3) & ~3);
    t.set([len & 255, len >> 8, type, 0]);
    t.set(v, 4);
    return t;
  };
  const parts = [hex("02000005"), tlv(1, hex("08000300")), tlv(10, new Uint8Array([0x6f, 0x75, 0x74, 0x3a, 0x20, 0])), tlv(5, hex("00000001")),
    tlv(11, hex("00000000")), tlv(14, hex("00000000")), tlv(9, ip)];
  const rec = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    rec.set(p, o);
    o += p.length;
  }
  assert.equal(rec.length, 136);
  assert.equal(printPacket(ndo(), 239, rec, rec.length), "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 4660, seq 1, length 64");
  assert.equal(printPacket(ndo({ eflag: 1 }), 239, rec, rec.length), "version 0, resource ID 5, family IPv4 (2), length 136: 10.0.0.1 > 10.0.0.2: ICMP echo request, id 4660, seq 1, length 64");
  assert.equal(printPacket(ndo({ eflag: 1, qflag: 1 }), 239, rec, rec.length).split(":")[0], "version 0, resource ID 5, IPv4, length 136");
  assert.match(printPacket(ndo({ xflag: 1 }), 239, rec, rec.length), /\n\t0x0000:  4500 0054 0000 4000 4001/);
  assert.equal(printPacket(ndo(), 239, rec.subarray(0, 30), rec.length), " [|nflog]");
});
