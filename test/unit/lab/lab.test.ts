import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseLab, expandLab, DUMP_CMD } from "../../../src/lab/parse.ts";
import { labMac, macString, LabMacs } from "../../../src/lab/labmac.ts";
import { sha256 } from "../../../src/lab/sha256.ts";
import { normalizeText, diffTranscripts, runsOf } from "../../../src/lab/normalize.ts";
import { parseJsonl, entryLine } from "../../../src/lab/transcript.ts";

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

test("sha256 and lab MACs agree with labtool.py (hashlib)", () => {
  assert.equal(hex(sha256(new TextEncoder().encode("a".repeat(200)))), "c2a908d98f5df987ade41b5fce213067efbcc21ef2240212a41e54b5e7c28ae5");
  assert.equal(hex(sha256(new Uint8Array())), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(macString(labMac("host1", "", "eth0", 0)), "6a:37:36:08:e5:bf");
  assert.equal(macString(labMac("h", "ns1", "veth0", 3)), "76:da:8c:9a:ac:96");
  assert.equal(macString(labMac("ä", "", "x", 0)), "62:76:73:24:69:11");
  const m = new LabMacs();
  assert.equal(macString(m.peek("host1", "", "eth0")), "6a:37:36:08:e5:bf");
  m.commit("host1", "", "eth0");
  assert.notEqual(macString(m.peek("host1", "", "eth0")), "6a:37:36:08:e5:bf");
});

test("parser matches labtool.py's Lab", () => {
  const text = "# c\n#% host a b\n#% switch sw\n#% link a:eth0 sw\n#% link b:eth1 c:eth2\n#% timeout 5\nip link \\\n  show\n@b\necho hi\n@c echo x\n#% link a:e9 b:e9\n";
  const lab = parseLab(text, "t");
  assert.deepEqual(lab.hosts, ["a", "b", "c"]);
  assert.deepEqual(lab.switches, ["sw"]);
  assert.deepEqual(
    lab.links.map((l) => [l.a, l.ifa, l.b, l.ifb ?? null]),
    [["a", "eth0", "sw", null], ["b", "eth1", "c", "eth2"], ["a", "e9", "b", "e9"]],
  );
  assert.deepEqual(lab.steps.map((s) => [s.host, s.cmd]), [["a", "ip link    show"], ["b", "echo hi"], ["c", "echo x"]]);
  assert.equal(lab.timeout, 5);
  const ex = parseLab(expandLab(text, "t"), "t");
  assert.equal(ex.steps.length, 3 * 5);
  assert.deepEqual(ex.steps[1], { host: "a", cmd: DUMP_CMD });
  assert.deepEqual(ex.steps[4], { host: "sw", cmd: DUMP_CMD });
});

test("normalizer matches labtool.py on its rules", () => {
  const t =
    "ping: 64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.054 ms\n--- x ---\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.054/0.054/0.054/0.000 ms\n    link/ether 02:aa:bb:cc:dd:ee brd ff:ff:ff:ff:ff:ff\n  inet6 fe80::aa:bbff:fecc:ddee/64 scope link tentative \n[ 12.345678] br0: port 1\n8000.02aabbccddee\n";
  assert.equal(
    normalizeText(t, new Map([["02:aa:bb:cc:dd:ee", "h/ns:v0"]]), "ping"),
    "ping: 64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=<t> ms\n--- x ---\n1 packets transmitted, 1 received, 0% packet loss, time <t>ms\nrtt min/avg/max/mdev = <t> ms\n    link/ether <h/ns:v0> brd ff:ff:ff:ff:ff:ff\n  inet6 fe80::<h/ns:v0>/64 scope link \n[<ts>] br0: port 1\n8000.<h/ns:v0>\n",
  );
  assert.equal(
    normalizeText("? (10.0.0.2) at 02:aa:bb:cc:dd:ee [ether] on eth0\n? (10.0.0.1) at 02:aa:bb:cc:dd:ef [ether] on eth0\n", new Map(), "arp -a"),
    "? (10.0.0.1) at <mac?> [ether] on eth0\n? (10.0.0.2) at <mac?> [ether] on eth0\n",
  );
});

test("diff scores the kernel's own runs as labtool selfcheck does", () => {
  const path = new URL("../../labs/seeds/seed001-routing-forwarding.kernel.jsonl", import.meta.url);
  const k = parseJsonl(readFileSync(path, "utf8"));
  const runs = runsOf(k);
  const r = diffTranscripts(k, runs[runs.length - 1]!, "seed001-routing-forwarding");
  assert.equal(r.score, "seed001-routing-forwarding: 43/43 commands match (0 vary on the kernel itself); 43/43 state dumps match");
  // one byte off fails the command
  const bad = runs[0]!.map((e) => ({ ...e }));
  const i = bad.findIndex((e) => !e.dump && e.stdout !== "");
  bad[i]!.stdout = bad[i]!.stdout.replace(/0/, "1");
  const r2 = diffTranscripts(k, bad, "x");
  assert.equal(r2.ok, 42);
  assert.match(r2.report, /^--- command \d+: @host \$ /);
  assert.match(r2.report, /\n--- kernel\n\+\+\+ emulator\n@@ /);
});

test("transcript lines are written as Python's json.dumps writes them", () => {
  assert.equal(
    entryLine({ host: "h", cmd: "echo 'é'", exit: 0, stdout: "é\n", stderr: "" }),
    '{"host": "h", "cmd": "echo \'\\u00e9\'", "exit": 0, "stdout": "\\u00e9\\n", "stderr": ""}',
  );
});
