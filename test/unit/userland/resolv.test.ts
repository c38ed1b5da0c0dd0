import { test } from "node:test";
import assert from "node:assert/strict";
import { dnExpand, mkquery, resInit } from "../../../src/userland/lib/resolv.ts";

test("resInit: nameservers (three at most), options, the last of domain/search, defaults", () => {
  const st = resInit(
    "# comment\nnameserver 10.0.0.1\nnameserver bogus\nnameserver 10.0.0.2 ; trailing\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n" +
      "search a.lab b.lab\ndomain only.lab\noptions timeout:99 attempts:9 ndots:3 rotate\n",
  );
  assert.deepEqual(st.ns, [0x0a000001, 0x0a000002, 0x0a000003]);
  assert.deepEqual(st.dnsrch, ["only.lab"]);
  assert.equal(st.retrans, 30); // RES_MAXRETRANS
  assert.equal(st.retry, 5); // RES_MAXRETRY
  assert.equal(st.ndots, 3);
  // nothing configured: the local server, the host name's domain as the search list
  const d = resInit("", "box.example.org");
  assert.deepEqual(d.ns, [0x7f000001]);
  assert.deepEqual(d.dnsrch, ["example.org"]);
  assert.equal(d.retrans, 5);
  assert.equal(d.retry, 2);
  assert.equal(d.ndots, 1);
  assert.deepEqual(resInit("search x.lab\n", "box.example.org").dnsrch, ["x.lab"]);
  assert.deepEqual(resInit("", "box").dnsrch, []);
});

test("mkquery: header with RD and one question; a trailing dot adds no empty label", () => {
  const q = mkquery(0x1234, "c1.lab.", 28);
  assert.deepEqual([...q], [0x12, 0x34, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 99, 49, 3, 108, 97, 98, 0, 0, 28, 0, 1]);
  assert.deepEqual([...mkquery(1, "c1.lab", 28)].slice(2), [...q].slice(2));
});

test("dnExpand: labels, compression pointers, a pointer loop ends", () => {
  const q = mkquery(7, "c1.lab", 1);
  // an answer's owner: a pointer to the question name (offset 12)
  const b = new Uint8Array([...q, 0xc0, 12, 3, 0x77, 0x77, 0x77, 0xc0, 15]);
  assert.deepEqual(dnExpand(b, 12), { name: "c1.lab", next: 20 });
  assert.deepEqual(dnExpand(b, q.length), { name: "c1.lab", next: q.length + 2 });
  assert.deepEqual(dnExpand(b, q.length + 2), { name: "www.lab", next: q.length + 8 });
  const loop = new Uint8Array([0xc0, 0]);
  assert.equal(dnExpand(loop, 0), undefined);
  assert.equal(dnExpand(new Uint8Array([5, 97]), 0), undefined);
});
