import { test } from "node:test";
import assert from "node:assert/strict";
import { ip } from "../../../src/userland/iproute2/ip.ts";
import type { NeighMsg, RuleMsg } from "../../../src/kernel/uapi/rtnetlink.ts";
import { fakeSys, mac, run, v4 } from "./fakesys.ts";

function neigh(dst: string, lladdr: string | undefined, state: number, flags = 0): NeighMsg {
  return {
    type: "RTM_NEWNEIGH",
    flags: {},
    ndm: { family: 2, ifindex: 2, state, flags, type: 1 },
    attrs: {
      NDA_DST: v4(dst),
      ...(lladdr ? { NDA_LLADDR: mac(lladdr) } : {}),
      NDA_CACHEINFO: { ndm_confirmed: 0, ndm_used: 0, ndm_updated: 0, ndm_refcnt: 1 },
      NDA_PROBES: 4,
    },
  };
}

function rule(prio: number, table: number, extra: Partial<RuleMsg["attrs"]> = {}, frh: Partial<RuleMsg["frh"]> = {}): RuleMsg {
  return {
    type: "RTM_NEWRULE",
    flags: {},
    frh: { family: 2, dst_len: 0, src_len: 0, tos: 0, table, action: 1, flags: 0, ...frh },
    attrs: { FRA_PRIORITY: prio, FRA_TABLE: table, ...extra },
  };
}

test("ip neigh show / -s / -br / -j", async () => {
  const f = fakeSys();
  f.neighs = [neigh("10.0.0.2", "56:63:11:8e:dd:d7", 0x02)];
  let r = await run(ip, f.sys, ["ip", "neigh"]);
  assert.equal(r.out, "10.0.0.2 dev eth0 lladdr 56:63:11:8e:dd:d7 REACHABLE \n");
  r = await run(ip, f.sys, ["ip", "-s", "neigh", "show"]);
  assert.equal(r.out, "10.0.0.2 dev eth0 lladdr 56:63:11:8e:dd:d7  ref 1 used 0/0/0probes 4 REACHABLE \n");
  r = await run(ip, f.sys, ["ip", "-br", "neigh"]);
  assert.equal(r.out, "10.0.0.2                                eth0             56:63:11:8e:dd:d7\n");
  r = await run(ip, f.sys, ["ip", "-j", "neigh"]);
  assert.equal(r.out, '[{"dst":"10.0.0.2","dev":"eth0","lladdr":"56:63:11:8e:dd:d7","state":["REACHABLE"]}]\n');
});

test("ip neigh filters, proxy, dev", async () => {
  const f = fakeSys();
  f.neighs = [
    neigh("10.0.0.5", "00:11:22:33:44:55", 0x80),
    neigh("10.0.0.2", "56:63:11:8e:dd:d7", 0x02),
    { ...neigh("10.0.0.9", undefined, 0), ndm: { family: 2, ifindex: 2, state: 0, flags: 8, type: 0 } },
  ];
  let r = await run(ip, f.sys, ["ip", "neigh", "show", "proxy"]);
  assert.equal(r.out, "10.0.0.9 dev eth0 proxy \n");
  r = await run(ip, f.sys, ["ip", "neigh", "show", "nud", "permanent"]);
  assert.equal(r.out, "10.0.0.5 dev eth0 lladdr 00:11:22:33:44:55 PERMANENT \n");
  r = await run(ip, f.sys, ["ip", "neigh", "show", "dev", "eth0"]);
  assert.equal(r.out, "10.0.0.5 lladdr 00:11:22:33:44:55 PERMANENT \n10.0.0.2 lladdr 56:63:11:8e:dd:d7 REACHABLE \n");
  r = await run(ip, f.sys, ["ip", "neigh", "show", "10.0.0.0/30"]);
  assert.equal(r.out, "10.0.0.2 dev eth0 lladdr 56:63:11:8e:dd:d7 REACHABLE \n");
});

test("ip neigh modify: requests and errors", async () => {
  const f = fakeSys();
  let r = await run(ip, f.sys, ["ip", "neigh", "add", "10.0.0.5", "lladdr", "00:11:22:33:44:55", "dev", "eth0"]);
  assert.equal(r.code, 0);
  const req = f.talks.at(-1) as NeighMsg;
  assert.equal(req.type, "RTM_NEWNEIGH");
  assert.deepEqual(req.flags, { create: true, excl: true });
  assert.equal(req.ndm.state, 0x80);
  assert.equal(req.ndm.ifindex, 2);
  assert.deepEqual([...req.attrs.NDA_LLADDR!], [0, 0x11, 0x22, 0x33, 0x44, 0x55]);
  f.onTalk = (q) => (q.type === "RTM_NEWNEIGH" ? { ack: { ok: false, errno: "EEXIST" } } : null);
  r = await run(ip, f.sys, ["ip", "neigh", "add", "10.0.0.5", "lladdr", "00:11:22:33:44:55", "dev", "eth0"]);
  assert.deepEqual([r.code, r.err], [2, "RTNETLINK answers: File exists\n"]);
  r = await run(ip, f.sys, ["ip", "neigh", "add", "10.0.0.5"]);
  assert.deepEqual([r.code, r.err], [255, "Device and destination are required arguments.\n"]);
  r = await run(ip, f.sys, ["ip", "neigh", "add", "10.0.0.5", "dev", "nosuch"]);
  assert.deepEqual([r.code, r.err], [1, 'Cannot find device "nosuch"\n']);
  r = await run(ip, f.sys, ["ip", "neigh", "foo"]);
  assert.deepEqual([r.code, r.err], [255, 'Command "foo" is unknown, try "ip neigh help".\n']);
  r = await run(ip, f.sys, ["ip", "neigh", "flush"]);
  assert.deepEqual([r.code, r.err], [1, "Flush requires arguments.\n"]);
  r = await run(ip, f.sys, ["ip", "neigh", "add", "10.0.0.5", "lladdr", "zz", "dev", "eth0"]);
  assert.deepEqual([r.code, r.err], [1, '"zz" is invalid lladdr.\n']);
  r = await run(ip, f.sys, ["ip", "neigh", "add", "10.0.0.5", "nud", "bogus", "dev", "eth0"]);
  assert.deepEqual([r.code, r.err], [255, 'Error: argument "bogus" is wrong: nud state is bad\n']);
  f.onTalk = (q) => (q.type === "RTM_GETNEIGH" ? { ack: { ok: false, errno: "ENOENT", extack: "Neighbour entry not found" } } : null);
  r = await run(ip, f.sys, ["ip", "neigh", "get", "10.0.0.66", "dev", "eth0"]);
  assert.deepEqual([r.code, r.err], [2, "Error: Neighbour entry not found.\n"]);
});

test("ip -s neigh flush dev eth0", async () => {
  const f = fakeSys();
  f.neighs = [neigh("10.0.0.7", "02:00:00:00:00:07", 2), neigh("10.0.0.5", "00:11:22:33:44:55", 0x80), neigh("10.0.0.6", "02:00:00:00:00:06", 4), neigh("10.0.0.2", "02:00:00:00:00:02", 2)];
  f.onTalk = (q) => {
    if (q.type === "RTM_DELNEIGH") {
      const d = q.attrs.NDA_DST!.join(".");
      f.neighs = f.neighs.filter((n) => n.attrs.NDA_DST!.join(".") !== d);
      return { ack: { ok: true } };
    }
    return null;
  };
  const r = await run(ip, f.sys, ["ip", "-s", "neigh", "flush", "dev", "eth0"]);
  assert.equal(r.out, "\n*** Round 1, deleting 3 entries ***\n*** Flush is complete after 1 round ***\n");
  assert.equal(f.neighs.length, 1);
});

test("ip rule list formats (default + every selector), -d, -j", async () => {
  const f = fakeSys();
  const proto = (p: number) => ({ FRA_PROTOCOL: p });
  f.rules = [
    rule(0, 255, proto(2)),
    rule(194, 3, { ...proto(4), FRA_SRC: v4("1.1.1.2") }, { src_len: 32 }),
    rule(195, 3, { ...proto(0), FRA_SRC: v4("1.1.1.1"), FRA_FLOW: 5 } as RuleMsg["attrs"], { src_len: 32 }),
    rule(196, 10, { ...proto(0), FRA_SUPPRESS_PREFIXLEN: 0 }),
    rule(197, 7, { ...proto(0), FRA_UID_RANGE: { start: 100, end: 200 }, FRA_IP_PROTO: 6, FRA_SPORT_RANGE: { start: 1000, end: 2000 }, FRA_DPORT_RANGE: { start: 80, end: 80 } } as RuleMsg["attrs"], { tos: 0x10 }),
    rule(198, 0, { ...proto(0), FRA_SRC: v4("1.2.3.4"), FRA_OIFNAME: "lo" }, { src_len: 32, flags: 2, action: 8 }),
    rule(199, 5, { ...proto(0), FRA_FWMARK: 0x10, FRA_FWMASK: 0xff, FRA_IIFNAME: "eth0" }),
    rule(200, 254, { ...proto(0), FRA_DST: v4("192.168.0.0") }, { dst_len: 16 }),
    rule(300, 0, { ...proto(0), FRA_GOTO: 32766 }, { action: 2 }),
    rule(301, 0, proto(0), { action: 3 }),
    rule(302, 0, proto(0), { action: 7 }),
    rule(32765, 100, { ...proto(0), FRA_SRC: v4("10.0.0.0") }, { src_len: 24 }),
    rule(32766, 254, proto(2)),
    rule(32767, 253, proto(2)),
  ];
  for (const r of f.rules) if (!r.frh.table) delete r.attrs.FRA_TABLE;
  let r = await run(ip, f.sys, ["ip", "rule"]);
  assert.equal(
    r.out,
    "0:\tfrom all lookup local\n" +
      "194:\tfrom 1.1.1.2 lookup 3 proto static\n" +
      "195:\tfrom 1.1.1.1 lookup 3 realms 5\n" +
      "196:\tfrom all lookup 10 suppress_prefixlength 0\n" +
      "197:\tfrom all tos 0x10 uidrange 100-200 ipproto tcp sport 1000-2000 dport 80 lookup 7\n" +
      "198:\tnot from 1.2.3.4 oif lo prohibit\n" +
      "199:\tfrom all fwmark 0x10/0xff iif eth0 lookup 5\n" +
      "200:\tfrom all to 192.168.0.0/16 lookup main\n" +
      "300:\tfrom all goto 32766\n" +
      "301:\tfrom all nop\n" +
      "302:\tfrom all unreachable\n" +
      "32765:\tfrom 10.0.0.0/24 lookup 100\n" +
      "32766:\tfrom all lookup main\n" +
      "32767:\tfrom all lookup default\n",
  );
  r = await run(ip, f.sys, ["ip", "-d", "rule", "show", "table", "main"]);
  assert.equal(r.out, "200:\tfrom all to 192.168.0.0/16 lookup main proto unspec\n32766:\tfrom all lookup main proto kernel\n");
  r = await run(ip, f.sys, ["ip", "rule", "show", "from", "10.0.0.0/24"]);
  assert.equal(r.out, "32765:\tfrom 10.0.0.0/24 lookup 100\n");
  f.rules = [rule(0, 255, proto(2)), rule(32766, 254, proto(2)), rule(32767, 253, proto(2))];
  r = await run(ip, f.sys, ["ip", "-j", "rule"]);
  assert.equal(r.out, '[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"},{"priority":32767,"src":"all","table":"default"}]\n');
});

test("ip rule modify and errors", async () => {
  const f = fakeSys();
  let r = await run(ip, f.sys, ["ip", "rule", "add", "fwmark", "0x10/0xff", "iif", "eth0", "table", "5"]);
  assert.equal(r.code, 0);
  const q = f.talks.at(-1) as RuleMsg;
  assert.deepEqual([q.type, q.frh.family, q.frh.table, q.frh.action, q.attrs.FRA_FWMARK, q.attrs.FRA_FWMASK, q.attrs.FRA_IIFNAME], ["RTM_NEWRULE", 2, 5, 1, 0x10, 0xff, "eth0"]);
  r = await run(ip, f.sys, ["ip", "rule", "add"]);
  assert.deepEqual([r.code, r.err], [1, '"ip rule add" requires arguments.\n']);
  r = await run(ip, f.sys, ["ip", "rule", "add", "from", "1.2.3.4", "lookup", "nosuchtable"]);
  assert.deepEqual([r.code, r.err], [255, 'Error: argument "nosuchtable" is wrong: invalid table ID\n\n']);
  r = await run(ip, f.sys, ["ip", "rule", "foo"]);
  assert.deepEqual([r.code, r.err], [255, 'Command "foo" is unknown, try "ip rule help".\n']);
  f.onTalk = (x) => (x.type === "RTM_DELRULE" ? { ack: { ok: false, errno: "ENOENT" } } : null);
  r = await run(ip, f.sys, ["ip", "rule", "del", "pref", "999"]);
  assert.deepEqual([r.code, r.err], [2, "RTNETLINK answers: No such file or directory\n"]);
});

test("a dump the kernel ends with an error: ip route list table 100", async () => {
  const f = fakeSys();
  const orig = f.sys.rtnl.dump;
  (f.sys.rtnl as { dump: typeof orig }).dump = (req) => {
    if (req.type === "RTM_GETROUTE") return Object.assign([], { error: { errno: "ENOENT" as const, extack: "ipv4: FIB table does not exist" } });
    return orig(req);
  };
  const r = await run(ip, f.sys, ["ip", "route", "list", "table", "100"]);
  assert.deepEqual([r.code, r.err], [2, "Error: ipv4: FIB table does not exist.\nDump terminated\n"]);
});
