/**
 * ss's filter language (misc/ssfilter.y over ss.c's parse_hostcond()) and run_ssfilter():
 * tokens split at blanks inside arguments, left-to-right and/or, implicit and, `!`,
 * parentheses, port comparisons, address prefixes, and the errors ss prints.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FilterParser, runSsfilter, ssfilterBytecompile, SsExit, type Filter, type SockStat } from "../../../src/userland/iproute2/ss.ts";

const env = {
  servByName: (n: string, proto: string) => (n === "http" && (proto === "tcp" || proto === "udp") ? 80 : undefined),
  hostByName: (n: string) => (n === "localhost" ? [Uint8Array.from([127, 0, 0, 1])] : undefined),
};

function parse(args: string[]) {
  const f: Filter = { dbs: 1, states: 0, families: 0n };
  return new FilterParser(f, env, () => 0, () => {}).parse(args);
}

function sock(local: number[], lport: number, remote: number[], rport: number): SockStat {
  return {
    state: 1, family: 2, local: Uint8Array.from(local), remote: Uint8Array.from(remote), lport, rport,
    iface: 0, mark: 0, rq: 0, wq: 0, ino: 0, uid: 0, sk: 0, type: 6,
  };
}

const s1 = sock([10, 0, 0, 1], 5000, [10, 0, 0, 2], 40000);
const run = (args: string[], s = s1) => {
  const f = parse(args);
  return f ? runSsfilter(f, s, (p) => p >= 32768 && p <= 60999) : true;
};

test("tokens are split at blanks inside one argument", () => {
  assert.deepEqual(FilterParser.split(["( sport = :80 )", "or", "a\\ b"]), ["(", "sport", "=", ":80", ")", "or", "a b"]);
});

test("port and address conditions", () => {
  assert.equal(run(["sport", "=", ":5000"]), true);
  assert.equal(run(["sport", ":5000"]), true);
  assert.equal(run(["dport", "=", ":5000"]), false);
  assert.equal(run(["dport", "eq", ":40000"]), true);
  assert.equal(run(["dst", "10.0.0.2"]), true);
  assert.equal(run(["dst", "10.0.0.0/24"]), true);
  assert.equal(run(["dst", "10.0.1.0/24"]), false);
  assert.equal(run(["src", "10.0.0.1:5000"]), true);
  assert.equal(run(["src", "10.0.0.1:5001"]), false);
  assert.equal(run(["src", "localhost"]), false);
  assert.equal(run(["sport", "=", ":http"]), false);
  assert.equal(run(["autobound"]), false);
});

test("comparisons, negation, and/or left to right, parentheses", () => {
  assert.equal(run(["sport", "gt", ":4999"]), true);
  assert.equal(run(["sport", ">", ":5000"]), false);
  assert.equal(run(["sport", "<=", ":5000"]), true);
  assert.equal(run(["dport", "!=", ":40000"]), false);
  assert.equal(run(["!", "dport", "=", ":1"]), true);
  assert.equal(run(["sport = :1 or sport = :5000"]), true);
  assert.equal(run(["sport = :1 or sport = :5000 and dport = :1"]), false);
  assert.equal(run(["sport = :1 or ( sport = :5000 and dport = :40000 )"]), true);
  assert.equal(run(["sport = :5000 dport = :40000"]), true);
  assert.equal(parse([]), undefined);
});

test("errors", () => {
  const err = (args: string[]) => {
    try {
      parse(args);
    } catch (e) {
      assert.ok(e instanceof SsExit);
      return [e.msg, e.code];
    }
    return undefined;
  };
  assert.deepEqual(err(["sport", "=", ":foo"]), ['Error: "foo" does not look like a port.\nCannot parse dst/src address.\n', 1]);
  assert.deepEqual(err(["dst", "300.1.1.1"]), ['Error: an inet prefix is expected rather than "300.1.1.1".\nCannot parse dst/src address.\n', 1]);
  assert.deepEqual(err(["sport", "="]), ['ss: bison bellows (while parsing filter): "syntax error!" Sorry.\n', -1]);
  assert.deepEqual(err(["( sport = :1"]), ['ss: bison bellows (while parsing filter): "syntax error!" Sorry.\n', -1]);
  assert.deepEqual(err(["sport = :1 )"]), ['ss: bison bellows (while parsing filter): "syntax error!" Sorry.\n', -1]);
});

test("the bytecode sent with the dump mirrors the filter", () => {
  const f = parse(["sport = :80 or ! autobound"])!;
  const bc = ssfilterBytecompile(f);
  assert.equal(bc.op, "or");
  if (bc.op !== "or") return;
  assert.deepEqual(bc.a.op === "s_cond" && bc.a.conds.map((c) => [c.family, c.port, c.prefixLen]), [[0, 80, 0]]);
  assert.deepEqual(bc.b, { op: "not", a: { op: "auto" } });
});
