/**
 * The printers against real tcpdump 4.99.3: fixtures/*.pcap were captured on the real kernel
 * (labtool sandbox: DHCP from dnsmasq, ARP, ICMP echo/errors/fragments, UDP, traceroute, TCP,
 * IPv6 ND/MLD; tunnels.pcap and dns.pcap are built by tunnels.py and dns.py) and
 * fixtures/<name><flags>.txt is what `tcpdump <flags> -r <name>.pcap`
 * printed on this machine (no DNS: names stay numeric; ports and OUIs as tcpdump names them).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parsePcap } from "../../../src/wire/pcap.ts";
import { printPacket, tsFormat, type Ndo } from "../../../src/userland/tcpdump/print.ts";
import { SERVICES } from "../../../src/userland/iptables/services.ts";

const dir = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

function ndoFor(flags: string): Ndo {
  const n: Ndo = { eflag: 0, vflag: 0, qflag: 0, nflag: 0, Kflag: false, hostName: () => undefined, servName: (p, port) => SERVICES[p]?.[port] };
  for (const ch of flags) {
    if (ch === "v") n.vflag++;
    else if (ch === "e") n.eflag++;
    else if (ch === "q") n.qflag++;
    else if (ch === "n") n.nflag++;
    else if (ch === "S") n.Sflag = true;
    else if (ch === "x") n.xflag = (n.xflag ?? 0) + 1;
    else if (ch === "X") n.Xflag = (n.Xflag ?? 0) + 1;
    else if (ch === "A") n.Aflag = true;
  }
  return n;
}

for (const f of readdirSync(dir).filter((x) => x.endsWith(".txt")).sort()) {
  const m = /^(.*?)(?:-([A-Za-z]+)|_default)\.txt$/.exec(f)!;
  const base = m[1]!;
  const flags = m[2] ?? "";
  test(`tcpdump -${flags || "(none)"} -r ${base}.pcap`, () => {
    const pc = parsePcap(new Uint8Array(readFileSync(join(dir, `${base}.pcap`))));
    assert.ok(!("error" in pc));
    const ndo = ndoFor(flags);
    let out = "";
    for (const r of pc.records) out += tsFormat(r.tsSec, r.tsUsec) + printPacket(ndo, pc.linktype, r.data, r.len) + "\n";
    assert.equal(out, readFileSync(join(dir, f), "utf8"));
  });
}
