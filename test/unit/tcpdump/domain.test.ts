/**
 * print-domain.ts: fqdn_print()'s name decoder (labels, compression pointers that must point
 * backwards, "<BAD PTR>", the root ".", truncation) and domain_print()'s one-liners; the
 * expected texts are what tcpdump 4.99.3 prints (fixtures/dns*.txt cover the rest).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Ctx, printPacket, DLT_EN10MB, type Ndo } from "../../../src/userland/tcpdump/print.ts";
import { addrtostr6, fqdnPrint } from "../../../src/userland/tcpdump/print-domain.ts";

const ndo = (o: Partial<Ndo> = {}): Ndo => ({ eflag: 0, vflag: 0, qflag: 0, nflag: 1, Kflag: false, hostName: () => undefined, servName: () => undefined, ...o });
const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? Array.from(p, (ch) => ch.charCodeAt(0)) : p)));
/** a DNS message: a 12-byte header (bp = 0), then the given bytes */
const msg = (...parts: (string | number[])[]) => bytes([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0], ...parts);
/** fqdn_print() at off: what it printed and where it says the name ends (null: C's NULL) */
function name(b: Uint8Array, off: number, snapend = b.length): [string, number | null] {
  const c = new Ctx(ndo(), b);
  c.snapend = snapend;
  const end = fqdnPrint(c, off, 0);
  return [c.out, end];
}

test("fqdn_print: labels, the root, the end of the name", () => {
  // 12: 4wait 3lab 0
  const b = msg([4], "wait", [3], "lab", [0]);
  assert.deepEqual(name(b, 12), ["wait.lab.", 22]);
  // a lone 0 is the root: "." and the byte after it
  assert.deepEqual(name(msg([0]), 12), [".", 13]);
  // characters outside printable ASCII as nd_printn() shows them
  assert.deepEqual(name(msg([3], [0x61, 0x00, 0xe9], [0]), 12), ["a^@M-i.", 17]);
});

test("fqdn_print: compression pointers", () => {
  // 12: 3foo 3lab 0 | 21: 3www c0 0c (www.foo.lab) | 27: c0 15 (-> 21) | 29: 1x c0 1b (x -> 27 -> 21 -> 12)
  const b = msg([3], "foo", [3], "lab", [0], [3], "www", [0xc0, 0x0c], [0xc0, 0x15], [1], "x", [0xc0, 0x1b]);
  assert.deepEqual(name(b, 21), ["www.foo.lab.", 27]); // the end is after the pointer, not where it leads
  assert.deepEqual(name(b, 27), ["www.foo.lab.", 29]);
  assert.deepEqual(name(b, 29), ["x.www.foo.lab.", 33]);
  // a pointer to the root prints nothing (the "." is for a name that is the root itself)
  assert.deepEqual(name(msg([0], [0xc0, 0x0c]), 13), ["", 15]);
});

test("fqdn_print: <BAD PTR> for a pointer that does not go backwards", () => {
  // to itself, forwards, and a loop (each pointer must be before the previous one)
  assert.deepEqual(name(msg([0xc0, 0x0c]), 12), ["<BAD PTR>", null]);
  assert.deepEqual(name(msg([0xc0, 0x20], [0]), 12), ["<BAD PTR>", null]);
  // 12: 1a c0 10 | 16: 1b c0 0c — from 16: b, back to 12: a, then forwards to 16 again
  const loop = msg([1], "a", [0xc0, 0x10], [1], "b", [0xc0, 0x0c]);
  assert.deepEqual(name(loop, 16), ["b.a.<BAD PTR>", null]);
  // the label is printed before the bad pointer
  assert.deepEqual(name(msg([3], "abc", [0xc0, 0x40]), 12), ["abc.<BAD PTR>", null]);
});

test("fqdn_print: label types and truncation", () => {
  assert.deepEqual(name(msg([0x80], "abc", [0]), 12), ["<BAD LABEL TYPE>", null]);
  assert.deepEqual(name(msg([0x42], "abc", [0]), 12), ["<ELT 2>", null]);
  // an EDNS0 bit label: 20 bits
  assert.deepEqual(name(msg([0x41, 20, 0xab, 0xcd, 0xe0], [3], "lab", [0]), 12), ["\\[xabcde/20].lab.", 22]);
  // the capture ends inside a label: what is there is printed, then NULL
  const b = msg([4], "wait", [3], "lab", [0]);
  assert.deepEqual(name(b, 12, 15), ["wa", null]);
  // ... or with the length byte of the next label: the loop stops at snapend without NULL
  assert.deepEqual(name(b, 12, 18), ["wait.", 21]);
});

test("addrtostr6: the forms of addrtostr.c", () => {
  const a = (h: string) => addrtostr6(Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16))));
  assert.equal(a("00000000000000000000000000000000"), "::");
  assert.equal(a("00000000000000000000000000000001"), "::1");
  assert.equal(a("00000000000000000000ffffc0000201"), "::ffff:192.0.2.1");
  assert.equal(a("000000000000000000000000c0000202"), "::192.0.2.2");
  assert.equal(a("20010db8000100000001000000000001"), "2001:db8:1:0:1::1");
  assert.equal(a("fe800000000000000000000000000000"), "fe80::");
});

test("domain_print: a query and its answer as tcpdump -n prints them", () => {
  const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((x) => parseInt(x, 16)));
  /** Ethernet + IPv4 (checksum 0: not checked without -v) + UDP from 10.0.0.2.40000 (or to it) */
  const frame = (query: boolean, dns: string) => {
    const d = hex(dns);
    const ports = query ? "9c40 0035" : "0035 9c40";
    const addrs = query ? "0a000002 0a000001" : "0a000001 0a000002";
    const len = (n: number) => n.toString(16).padStart(4, "0");
    return Uint8Array.from([...hex(`020000000001 020000000002 0800 4500 ${len(28 + d.length)} 0000 4000 4011 0000 ${addrs} ${ports} ${len(8 + d.length)} 0000`), ...d]);
  };
  // 18235+ A? wait. — id 0x473b, RD
  const q = frame(true, "473b 0100 0001 0000 0000 0000 0477616974 00 0001 0001");
  assert.equal(printPacket(ndo(), DLT_EN10MB, q, q.length), "IP 10.0.0.2.40000 > 10.0.0.1.53: 18235+ A? wait. (22)");
  const r = frame(false, "473b 8580 0001 0001 0000 0000 0477616974 00 0001 0001 c00c 0001 0001 00000e10 0004 0a000005");
  assert.equal(printPacket(ndo(), DLT_EN10MB, r, r.length), "IP 10.0.0.1.53 > 10.0.0.2.40000: 18235* 1/0/0 A 10.0.0.5 (38)");
  assert.equal(
    printPacket(ndo({ vflag: 3, Kflag: true }), DLT_EN10MB, r, r.length).split("\n")[1],
    "    10.0.0.1.53 > 10.0.0.2.40000: 18235* q: A? wait. 1/0/0 wait. [1h] A 10.0.0.5 (38)",
  );
  // the capture ends in the answer: the record is left out (ns_rprint() returns snapend)
  assert.equal(printPacket(ndo(), DLT_EN10MB, r.slice(0, r.length - 10), r.length), "IP 10.0.0.1.53 > 10.0.0.2.40000: 18235* 1/0/0 (38)");
  // -q: no DNS
  assert.equal(printPacket(ndo({ qflag: 1 }), DLT_EN10MB, q, q.length), "IP 10.0.0.2.40000 > 10.0.0.1.53: UDP, length 22");
});
