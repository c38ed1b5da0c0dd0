import { test } from "node:test";
import assert from "node:assert/strict";
import { hwaddrHash } from "../../../src/userland/dnsmasq/dnsmasq.ts";
import {
  buildDhcp, parseDhcp, newPacket, optU8, optU32, getU32, msgType, buildUdpFrame, decodeUdpFrame,
  BOOTREQUEST, DHCPDISCOVER, OPTION_MESSAGE_TYPE, OPTION_REQUESTED_IP, BOOTP_MIN_LEN,
} from "../../../src/userland/dnsmasq/dhcp_packet.ts";
import { macParse } from "../../../src/wire/addr.ts";
import { vshTable } from "../../../src/userland/libvirt/virsh.ts";
import { parseNetXml, formatNetXml } from "../../../src/userland/libvirt/network.ts";
import { parseIfcfg } from "../../../src/userland/initscripts/ifup.ts";

test("dnsmasq address_allocate hash gives seed003's leases", () => {
  // --dhcp-range 192.168.122.2,192.168.122.254: 253 addresses starting at .2
  const idx = (m: string) => 2 + (hwaddrHash(macParse(m)!) % 253);
  assert.equal(idx("52:54:00:14:e3:04"), 30);
  assert.equal(idx("52:54:00:a9:7f:5d"), 85);
  assert.equal(hwaddrHash(new Uint8Array(0)), 1);
});

test("DHCP packet round trip, BOOTP minimum length, frame checksum", () => {
  const mac = macParse("52:54:00:12:34:56")!;
  const p = newPacket(BOOTREQUEST, 0x12345678, mac);
  p.options.set(OPTION_MESSAGE_TYPE, optU8(DHCPDISCOVER));
  p.options.set(OPTION_REQUESTED_IP, optU32(0x0a000029));
  const b = buildDhcp(p, BOOTP_MIN_LEN);
  assert.equal(b.length, 300);
  const q = parseDhcp(b)!;
  assert.equal(q.xid, 0x12345678);
  assert.equal(msgType(q), DHCPDISCOVER);
  assert.equal(getU32(q, OPTION_REQUESTED_IP), 0x0a000029);
  const f = buildUdpFrame(mac, new Uint8Array(6).fill(0xff), 0, 0xffffffff, 68, 67, b);
  const u = decodeUdpFrame(f, 67)!;
  assert.equal(u.sport, 68);
  assert.equal(u.payload.length, 300);
  assert.equal(decodeUdpFrame(f, 68), undefined);
});

test("vshTable lays out virsh net-list as libvirt 9.0", () => {
  assert.equal(
    vshTable(["Name", "State", "Autostart", "Persistent"], [["default", "active", "yes", "yes"]]),
    " Name      State    Autostart   Persistent\n" +
      "--------------------------------------------\n" +
      " default   active   yes         yes\n\n",
  );
});

test("network XML parse/format", () => {
  const d = parseNetXml(
    "<network><name>n1</name><forward mode='nat'/><bridge name='virbr5' stp='on' delay='0'/>" +
      "<ip address='10.9.0.1' netmask='255.255.255.0'><dhcp><range start='10.9.0.10' end='10.9.0.20'/>" +
      "<host mac='52:54:00:00:00:01' name='vm1' ip='10.9.0.5'/></dhcp></ip></network>",
    () => "00000000-0000-4000-8000-000000000000",
  );
  assert.equal(d.bridge, "virbr5");
  assert.equal(d.ip?.prefix, 24);
  assert.equal(d.ip?.hosts[0]?.ip, "10.9.0.5");
  const x = formatNetXml(d, true);
  assert.match(x, /<port start='1024' end='65535'\/>/);
  assert.match(x, /<range start='10.9.0.10' end='10.9.0.20'\/>/);
});

test("ifcfg parsing strips quotes and comments", () => {
  const c = parseIfcfg('# c\nDEVICE="eth0"\nTYPE=Ethernet\nBRIDGE=\'br-ex\'\nONBOOT=yes # boot\n');
  assert.deepEqual(c, { DEVICE: "eth0", TYPE: "Ethernet", BRIDGE: "br-ex", ONBOOT: "yes" });
});
