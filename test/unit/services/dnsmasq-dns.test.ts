import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DnsCache, F_IPV4, F_IPV6, type DnsConfig, answerQuery, inArpaName2Addr, lookupDomain, parseServerOption,
} from "../../../src/userland/dnsmasq/dns.ts";

function cfg(over: Partial<DnsConfig> = {}): DnsConfig {
  return {
    localTtl: 0, dhcpTtl: undefined, expandHosts: false, domain: undefined, domainNeeded: false, bogusPriv: false,
    noRoundRobin: false, ednsPktsz: 1232, localDomains: [], servers: [], ...over,
  };
}

/** a query as dig sends it without EDNS */
function query(name: string, type: number): Uint8Array {
  const b: number[] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
  for (const l of name.split(".")) b.push(l.length, ...Array.from(l, (c) => c.charCodeAt(0)));
  b.push(0, type >> 8, type & 255, 0, 1);
  return Uint8Array.from(b);
}

test("read_hostsfile: names counted per file (expanded ones too), bad lines, PTR for the first name", () => {
  const c = new DnsCache(false);
  const conf = cfg({ expandHosts: true, domain: "lab" });
  const rhash = new Set<string>();
  const log = c.readHostsFile("10.0.0.5 dual dual.test\nfd00::5 dual\n# x\nbogus line\n10.0.0.7 a1 a2  # c\n10.0.0.9\n", "/h", conf, rhash);
  assert.deepEqual(log, ["bad address at /h line 4", "read /h - 9 names"]);
  assert.deepEqual(c.readHostsFile(undefined, "/nope", conf, rhash), ["failed to load names from /nope: No such file or directory"]);
  assert.deepEqual(c.findByName("dual", F_IPV6, 0).map((e) => e.addr.length), [16]);
  assert.deepEqual(c.findByAddr(Uint8Array.of(10, 0, 0, 7), F_IPV4, 0).map((e) => e.name), ["a1.lab"]);
  assert.ok(c.exists("lab", 0) && c.exists("test", 0) && !c.exists("nosuch.lab", 0));
});

test("cache_find_by_name: loading and each query rotate a name's records (round robin)", () => {
  const c = new DnsCache(false);
  c.readHostsFile("10.0.0.11 tri\n10.0.0.12 tri\n10.0.0.13 tri\n", "/h", cfg(), new Set());
  const order = () => c.findByName("tri", F_IPV4, 0).map((e) => e.addr[3]);
  assert.deepEqual(order(), [12, 11, 13]);
  assert.deepEqual(order(), [11, 13, 12]);
  assert.deepEqual(order(), [13, 12, 11]);
});

test("lookup_domain and the local answers of --address/--local", () => {
  let n = 0;
  const conf = cfg();
  for (const [opt, arg] of [["A", "/ads.test/10.9.9.9"], ["local", "/lab/"], ["A", "/ads.lab/10.9.9.9"]] as const) {
    for (const e of parseServerOption(opt, arg, () => n++)) conf.localDomains.unshift(e);
  }
  assert.equal(lookupDomain(conf, "x.ads.test", F_IPV4)?.matched[0]?.domain, "ads.test");
  assert.equal(lookupDomain(conf, "x.ads.test", F_IPV6), undefined);
  assert.equal(lookupDomain(conf, "ads.lab", F_IPV6)?.matched[0]?.domain, "lab");
  assert.throws(() => parseServerOption("A", "/x/bogus", () => 0), /Bad address in --address/);
  const ctx = { cache: new DnsCache(false), cfg: conf, now: 0, udp: true };
  const a = answerQuery(query("foo.ads.test", 1), ctx)!;
  assert.equal(a[2]! & 0x04, 0x04); // aa
  assert.deepEqual(Array.from(a.subarray(a.length - 4)), [10, 9, 9, 9]);
  assert.equal(answerQuery(query("foo.ads.test", 28), ctx)![3]! & 15, 5); // REFUSED
  assert.equal(answerQuery(query("nosuch.lab", 28), ctx)![3]! & 15, 3); // NXDOMAIN
});

test("in_arpa_name_2_addr: in-addr.arpa and ip6.arpa nibbles", () => {
  assert.deepEqual(Array.from(inArpaName2Addr("5.0.0.10.in-addr.arpa")!.addr), [10, 0, 0, 5]);
  const six = inArpaName2Addr(`5${".0".repeat(29)}.d.f.ip6.arpa`)!;
  assert.equal(six.prot, F_IPV6);
  assert.equal(six.addr[0], 0xfd);
  assert.equal(six.addr[15], 5);
  assert.equal(inArpaName2Addr("example.com"), undefined);
});
