/**
 * libvirt 9.0's network driver (src/network/bridge_driver.c, src/conf/network_conf.c) as far
 * as a lab host needs it: network definitions in the host's filesystem, the default NAT
 * network Debian's libvirt-daemon-config-network defines (autostarted when the daemon first
 * runs), and networkStartNetworkVirtual()/networkShutdownNetworkVirtual() done with the same
 * kernel operations libvirt performs (bridge, address, iptables chains, ip_forward, dnsmasq).
 *
 * State lives where libvirt keeps it:
 *   /etc/libvirt/qemu/networks/NAME.xml            persistent definition
 *   /etc/libvirt/qemu/networks/autostart/NAME.xml  autostart mark
 *   /run/libvirt/network/NAME.xml                  status of an active network
 *   /var/lib/libvirt/dnsmasq/NAME.conf, BRIDGE.status (leases, libvirt_leaseshelper)
 */
import type { Process } from "../process.ts";
import { ipv4Parse, ipv4ToString } from "../../wire/addr.ts";
import { dnsmasqDaemons } from "../dnsmasq/dnsmasq.ts";
import { listIfaces, listIfaddrs, maskLen, prefixMask } from "../dnsmasq/netif.ts";

export const NET_DIR = "/etc/libvirt/qemu/networks";
export const AUTOSTART_DIR = "/etc/libvirt/qemu/networks/autostart";
export const STATE_DIR = "/run/libvirt/network";
export const DNSMASQ_DIR = "/var/lib/libvirt/dnsmasq";
const STARTED_MARK = "/run/libvirt/network/.tuxnet-daemon-started";
const INSTALLED_MARK = "/var/lib/libvirt/.tuxnet-network-config";

export interface NetDhcpHost {
  mac?: string;
  name?: string;
  ip?: string;
}

export interface NetDef {
  name: string;
  uuid: string;
  forward: string | undefined; // nat, route, open, bridge …
  bridge: string | undefined;
  stp: boolean;
  delay: number;
  mac: string | undefined;
  ip: { address: string; prefix: number; ranges: { start: string; end: string }[]; hosts: NetDhcpHost[] } | undefined;
  domain: string | undefined;
}

export class VirError extends Error {}

// --------------------------------------------------------------------------- XML

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(['"])(.*?)\\1`).exec(tag);
  return m ? m[2] : undefined;
}

/** network_conf.c: virNetworkDefParseXML (the subset a NAT/route/isolated network uses) */
export function parseNetXml(xml: string, newUuid: () => string): NetDef {
  if (!/<network[\s>]/.test(xml)) throw new VirError("XML error: missing root element 'network'"); // approx.
  const name = /<name>\s*([^<]*?)\s*<\/name>/.exec(xml)?.[1];
  if (!name) throw new VirError("XML error: missing network name");
  const uuid = /<uuid>\s*([^<]*?)\s*<\/uuid>/.exec(xml)?.[1] ?? newUuid();
  const fwd = /<forward\b[^>]*>/.exec(xml)?.[0];
  const br = /<bridge\b[^>]*>/.exec(xml)?.[0];
  const mac = /<mac\b[^>]*>/.exec(xml)?.[0];
  const ipTag = /<ip\b[^>]*>/.exec(xml)?.[0];
  const domTag = /<domain\b[^>]*>/.exec(xml)?.[0];
  let ip: NetDef["ip"];
  if (ipTag) {
    const address = attr(ipTag, "address") ?? "";
    if (ipv4Parse(address) === undefined) throw new VirError(`XML error: Invalid IP address in network '${name}' definition`);
    let prefix = 24;
    const nm = attr(ipTag, "netmask");
    const pf = attr(ipTag, "prefix");
    if (nm) prefix = maskLen(ipv4Parse(nm) ?? 0xffffff00);
    else if (pf) prefix = Number(pf);
    const ranges: { start: string; end: string }[] = [];
    for (const m of xml.matchAll(/<range\b[^>]*>/g)) {
      ranges.push({ start: attr(m[0], "start") ?? "", end: attr(m[0], "end") ?? "" });
    }
    const hosts: NetDhcpHost[] = [];
    for (const m of xml.matchAll(/<host\b[^>]*>/g)) {
      const h: NetDhcpHost = {};
      const a = attr(m[0], "mac");
      if (a) h.mac = a.toLowerCase();
      const n = attr(m[0], "name");
      if (n) h.name = n;
      const i = attr(m[0], "ip");
      if (i) h.ip = i;
      hosts.push(h);
    }
    ip = { address, prefix, ranges, hosts };
  }
  return {
    name, uuid,
    forward: fwd ? attr(fwd, "mode") ?? "nat" : undefined,
    bridge: br ? attr(br, "name") : undefined,
    stp: br ? attr(br, "stp") !== "off" : true,
    delay: br ? Number(attr(br, "delay") ?? 0) : 0,
    mac: mac ? attr(mac, "address")?.toLowerCase() : undefined,
    ip,
    domain: domTag ? attr(domTag, "name") : undefined,
  };
}

/** network_conf.c: virNetworkDefFormat() */
export function formatNetXml(d: NetDef, live: boolean, connections = 0): string {
  let s = connections ? `<network connections='${connections}'>\n` : "<network>\n";
  s += `  <name>${d.name}</name>\n`;
  s += `  <uuid>${d.uuid}</uuid>\n`;
  if (d.forward) {
    if (d.forward === "nat" && live) {
      s += "  <forward mode='nat'>\n    <nat>\n      <port start='1024' end='65535'/>\n    </nat>\n  </forward>\n";
    } else s += `  <forward mode='${d.forward}'/>\n`;
  }
  if (d.bridge) s += `  <bridge name='${d.bridge}' stp='${d.stp ? "on" : "off"}' delay='${d.delay}'/>\n`;
  if (d.mac) s += `  <mac address='${d.mac}'/>\n`;
  if (d.domain) s += `  <domain name='${d.domain}'/>\n`;
  if (d.ip) {
    s += `  <ip address='${d.ip.address}' netmask='${ipv4ToString(prefixMask(d.ip.prefix))}'>\n`;
    if (d.ip.ranges.length || d.ip.hosts.length) {
      s += "    <dhcp>\n";
      for (const r of d.ip.ranges) s += `      <range start='${r.start}' end='${r.end}'/>\n`;
      for (const h of d.ip.hosts) {
        s += "      <host" + (h.mac ? ` mac='${h.mac}'` : "") + (h.name ? ` name='${h.name}'` : "") + (h.ip ? ` ip='${h.ip}'` : "") + "/>\n";
      }
      s += "    </dhcp>\n";
    }
    s += "  </ip>\n";
  }
  s += "</network>\n";
  return s;
}

// --------------------------------------------------------------------------- the driver

export class NetworkDriver {
  constructor(readonly p: Process) {}

  private hex(n: number): string {
    return (this.p.sys.random32() >>> 0).toString(16).padStart(8, "0").slice(0, n);
  }

  /** virUUIDGenerate */
  newUuid(): string {
    const a = this.hex(8), b = this.hex(4), c = "4" + this.hex(3), d = ((8 + (this.p.sys.random32() & 3)).toString(16)) + this.hex(3), e = this.hex(8) + this.hex(4);
    return `${a}-${b}-${c}-${d}-${e}`;
  }

  /** virMacAddrGenerate with the 52:54:00 prefix */
  newMac(): string {
    const r = this.p.sys.random32() >>> 0;
    const h = (x: number) => x.toString(16).padStart(2, "0");
    return `52:54:00:${h((r >>> 16) & 0xff)}:${h((r >>> 8) & 0xff)}:${h(r & 0xff)}`;
  }

  async read(path: string): Promise<string | undefined> {
    return this.p.readFile(path);
  }

  async names(): Promise<string[]> {
    const list = (await this.read(`${NET_DIR}/.list`)) ?? "";
    return list.split("\n").filter(Boolean);
  }

  private async setNames(n: string[]): Promise<void> {
    await this.p.writeFile(`${NET_DIR}/.list`, n.map((x) => x + "\n").join(""));
  }

  async get(name: string): Promise<{ def: NetDef; persistent: boolean; active: boolean; autostart: boolean } | undefined> {
    const status = await this.read(`${STATE_DIR}/${name}.xml`);
    const conf = await this.read(`${NET_DIR}/${name}.xml`);
    const text = status || conf;
    if (!text) return undefined;
    const def = parseNetXml(text, () => this.newUuid());
    const auto = await this.read(`${AUTOSTART_DIR}/${name}.xml`);
    return { def, persistent: !!conf, active: !!status, autostart: !!auto };
  }

  async byUuid(uuid: string): Promise<string | undefined> {
    for (const n of await this.names()) {
      const g = await this.get(n);
      if (g?.def.uuid === uuid) return n;
    }
    return undefined;
  }

  /** Debian's libvirt-daemon-config-network + the daemon's first start (autostart) */
  async ensureDaemon(): Promise<void> {
    if (!(await this.read(INSTALLED_MARK))) {
      await this.p.writeFile(INSTALLED_MARK, "1\n");
      const def: NetDef = {
        name: "default", uuid: this.newUuid(), forward: "nat", bridge: "virbr0", stp: true, delay: 0,
        mac: this.newMac(),
        ip: { address: "192.168.122.1", prefix: 24, ranges: [{ start: "192.168.122.2", end: "192.168.122.254" }], hosts: [] },
        domain: undefined,
      };
      await this.p.writeFile(`${NET_DIR}/default.xml`, formatNetXml(def, false));
      await this.p.writeFile(`${AUTOSTART_DIR}/default.xml`, formatNetXml(def, false));
      await this.setNames(["default"]);
    }
    if (!(await this.read(STARTED_MARK))) {
      await this.p.writeFile(STARTED_MARK, "1\n");
      for (const n of await this.names()) {
        const g = await this.get(n);
        if (g && g.autostart && !g.active) {
          try {
            await this.start(n);
          } catch {
            // libvirtd logs "Failed to autostart network" and carries on
          }
        }
      }
    }
  }

  async define(xml: string): Promise<NetDef> {
    const def = parseNetXml(xml, () => this.newUuid());
    const existing = await this.get(def.name);
    if (existing) {
      if (existing.def.uuid !== def.uuid && /<uuid>/.test(xml)) {
        throw new VirError(`operation failed: network '${def.name}' already exists with uuid ${existing.def.uuid}`);
      }
      def.uuid = existing.def.uuid;
    }
    if (!def.bridge) {
      // virNetworkBridgeInUse: the first free virbrN
      const used = new Set<string>();
      for (const n of await this.names()) {
        const g = await this.get(n);
        if (g?.def.bridge) used.add(g.def.bridge);
      }
      for (const i of listIfaces(this.p.sys)) used.add(i.name);
      let i = 0;
      while (used.has(`virbr${i}`)) i++;
      def.bridge = `virbr${i}`;
    }
    if (!def.mac) def.mac = this.newMac();
    await this.p.writeFile(`${NET_DIR}/${def.name}.xml`, formatNetXml(def, false));
    const names = await this.names();
    if (!names.includes(def.name)) await this.setNames([...names, def.name]);
    return def;
  }

  async undefine(name: string): Promise<void> {
    const g = await this.get(name);
    if (!g) throw new VirError(`Network not found: no network with matching name '${name}'`);
    if (!g.persistent) throw new VirError("Requested operation is not valid: network is not persistent");
    await this.rm(`${NET_DIR}/${name}.xml`);
    await this.rm(`${AUTOSTART_DIR}/${name}.xml`);
    if (!g.active) await this.setNames((await this.names()).filter((n) => n !== name));
  }

  private async rm(path: string): Promise<void> {
    await this.p.writeFile(path, "");
  }

  async setAutostart(name: string, on: boolean): Promise<void> {
    const g = await this.get(name);
    if (!g) throw new VirError(`Network not found: no network with matching name '${name}'`);
    if (!g.persistent) throw new VirError("Requested operation is not valid: cannot set autostart for transient network");
    if (on) await this.p.writeFile(`${AUTOSTART_DIR}/${name}.xml`, formatNetXml(g.def, false));
    else await this.rm(`${AUTOSTART_DIR}/${name}.xml`);
  }

  private async run(argv: string[]): Promise<number> {
    // libvirt runs its helpers (and netlink calls) quietly; a failure surfaces as its error
    const q = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
    const rc = await this.p.spawn(["bash", "-c", `${argv.map(q).join(" ")} >/dev/null 2>&1`], this.p.sys);
    if (rc !== 0) throw new VirError(`internal error: Child process (${argv.join(" ")}) unexpected exit status ${rc}`);
    return rc;
  }

  /** bridge_driver.c: networkStartNetworkVirtual() */
  async start(name: string): Promise<void> {
    const g = await this.get(name);
    if (!g) throw new VirError(`Network not found: no network with matching name '${name}'`);
    if (g.active) throw new VirError("Requested operation is not valid: network is already active");
    const d = g.def;
    const sys = this.p.sys;
    const br = d.bridge!;
    // networkCheckRouteCollision() and virNetDevExists(bridge)
    if (listIfaces(sys).some((i) => i.name === br)) {
      throw new VirError(`internal error: Network is already in use by interface ${br}`);
    }
    if (d.ip) {
      const mask = prefixMask(d.ip.prefix);
      const net = (ipv4Parse(d.ip.address)! & mask) >>> 0;
      const ifs = new Map(listIfaces(sys).map((i) => [i.index, i.name]));
      for (const a of listIfaddrs(sys)) {
        if (a.prefixlen === d.ip.prefix && ((a.addr & mask) >>> 0) === net) {
          throw new VirError(`internal error: Network is already in use by interface ${ifs.get(a.index) ?? "?"}`);
        }
      }
    }
    await this.run(["ip", "link", "add", br, "address", d.mac!, "type", "bridge"]);
    await this.run(["ip", "link", "set", br, "type", "bridge", "forward_delay", String(d.delay * 100), "stp_state", d.stp ? "1" : "0"]);
    if (d.ip) {
      const mask = prefixMask(d.ip.prefix);
      const bcast = ((ipv4Parse(d.ip.address)! & mask) | ~mask) >>> 0;
      await this.run(["ip", "addr", "add", `${d.ip.address}/${d.ip.prefix}`, "broadcast", ipv4ToString(bcast), "dev", br]);
    }
    await this.run(["ip", "link", "set", br, "up"]);
    if (d.forward === "nat" || d.forward === "route") {
      await this.firewall(d, true);
      sys.fs.write("/proc/sys/net/ipv4/ip_forward", "1\n");
    } else if (!d.forward) await this.firewall(d, true);
    if (d.ip && (d.ip.ranges.length || d.ip.hosts.length || true)) await this.startDnsmasq(d);
    await this.p.writeFile(`${STATE_DIR}/${name}.xml`, formatNetXml(d, true));
    const names = await this.names();
    if (!names.includes(name)) await this.setNames([...names, name]);
  }

  /** network_conf / bridge_driver: networkDnsmasqConfContents() + the dnsmasq command line */
  private async startDnsmasq(d: NetDef): Promise<void> {
    const ip = d.ip!;
    const mask = ipv4ToString(prefixMask(ip.prefix));
    let conf =
      "##WARNING:  THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n" +
      "##OVERWRITTEN AND LOST.  Changes to this configuration should be made using:\n" +
      `##    virsh net-edit ${d.name}\n` +
      "## or other application using the libvirt API.\n" +
      "##\n## dnsmasq conf file created by libvirt\n" +
      "strict-order\n" +
      `pid-file=/run/libvirt/network/${d.name}.pid\n` +
      "except-interface=lo\n" +
      "bind-dynamic\n" +
      `interface=${d.bridge}\n`;
    if (d.domain) conf += `domain=${d.domain}\nexpand-hosts\nlocal=/${d.domain}/\n`;
    let size = 0;
    for (const r of ip.ranges) {
      conf += `dhcp-range=${r.start},${r.end},${mask}\n`;
      size += (ipv4Parse(r.end)! - ipv4Parse(r.start)! + 1);
    }
    if (ip.ranges.length || ip.hosts.length) {
      conf += "dhcp-no-override\ndhcp-authoritative\n";
      conf += `dhcp-lease-max=${size + ip.hosts.length}\n`;
      conf += `dhcp-hostsfile=${DNSMASQ_DIR}/${d.name}.hostsfile\n`;
    }
    conf += `addn-hosts=${DNSMASQ_DIR}/${d.name}.addnhosts\n`;
    const hosts = ip.hosts.filter((h) => h.mac || h.name).map((h) => [h.mac, h.ip, h.name].filter(Boolean).join(",") + "\n").join("");
    await this.p.writeFile(`${DNSMASQ_DIR}/${d.name}.conf`, conf);
    await this.p.writeFile(`${DNSMASQ_DIR}/${d.name}.hostsfile`, hosts);
    await this.p.writeFile(`${DNSMASQ_DIR}/${d.name}.addnhosts`, "");
    if (!(await this.read(`${DNSMASQ_DIR}/${d.bridge}.status`))) await this.p.writeFile(`${DNSMASQ_DIR}/${d.bridge}.status`, "");
    await this.run(["dnsmasq", `--conf-file=${DNSMASQ_DIR}/${d.name}.conf`, "--leasefile-ro", "--dhcp-script=/usr/lib/libvirt/libvirt_leaseshelper"]);
  }

  /** network/network_iptables.c: networkAddFirewallRules() / networkRemoveFirewallRules() */
  private async firewall(d: NetDef, add: boolean): Promise<void> {
    const br = d.bridge!;
    const rules: string[][] = [];
    const ipt = (...a: string[]) => rules.push(["iptables", ...a]);
    if (add && !(await this.read(`${STATE_DIR}/.tuxnet-chains`))) {
      // iptablesSetupPrivateChains(): the LIBVIRT_* chains and the jumps to them
      await this.p.writeFile(`${STATE_DIR}/.tuxnet-chains`, "1\n");
      for (const c of ["LIBVIRT_INP", "LIBVIRT_OUT", "LIBVIRT_FWO", "LIBVIRT_FWI", "LIBVIRT_FWX"]) ipt("-t", "filter", "-N", c);
      ipt("-t", "filter", "-I", "INPUT", "-j", "LIBVIRT_INP");
      ipt("-t", "filter", "-I", "FORWARD", "-j", "LIBVIRT_FWO");
      ipt("-t", "filter", "-I", "FORWARD", "-j", "LIBVIRT_FWI");
      ipt("-t", "filter", "-I", "FORWARD", "-j", "LIBVIRT_FWX");
      ipt("-t", "filter", "-I", "OUTPUT", "-j", "LIBVIRT_OUT");
      ipt("-t", "nat", "-N", "LIBVIRT_PRT");
      ipt("-t", "nat", "-I", "POSTROUTING", "-j", "LIBVIRT_PRT");
    }
    const op = add ? "-I" : "-D";
    const inp = (proto: string, port: string) => ipt("-t", "filter", op, "LIBVIRT_INP", "-i", br, "-p", proto, "-m", proto, "--dport", port, "-j", "ACCEPT");
    const out = (proto: string, port: string) => ipt("-t", "filter", op, "LIBVIRT_OUT", "-o", br, "-p", proto, "-m", proto, "--dport", port, "-j", "ACCEPT");
    // each insert goes to the top: added in reverse of the final order
    inp("tcp", "67");
    inp("udp", "67");
    inp("tcp", "53");
    inp("udp", "53");
    out("tcp", "68");
    out("udp", "68");
    out("tcp", "53");
    out("udp", "53");
    const ip = d.ip;
    const net = ip ? `${ipv4ToString((ipv4Parse(ip.address)! & prefixMask(ip.prefix)) >>> 0)}/${ip.prefix}` : "";
    // networkAddGeneralIPv4FirewallRules(): reject what is not allowed, then allow the rest
    ipt("-t", "filter", op, "LIBVIRT_FWO", "-i", br, "-j", "REJECT", "--reject-with", "icmp-port-unreachable");
    ipt("-t", "filter", op, "LIBVIRT_FWI", "-o", br, "-j", "REJECT", "--reject-with", "icmp-port-unreachable");
    ipt("-t", "filter", op, "LIBVIRT_FWX", "-i", br, "-o", br, "-j", "ACCEPT");
    if (ip && (d.forward === "nat" || d.forward === "route")) {
      ipt("-t", "filter", op, "LIBVIRT_FWO", "-s", net, "-i", br, "-j", "ACCEPT");
      ipt("-t", "filter", op, "LIBVIRT_FWI", "-d", net, "-o", br, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT");
    }
    if (ip && d.forward === "nat") {
      // networkAddMasqueradingFirewallRules(): the final order is RETURN, RETURN, tcp, udp, all
      ipt("-t", "nat", op, "LIBVIRT_PRT", "-s", net, "!", "-d", net, "-j", "MASQUERADE");
      ipt("-t", "nat", op, "LIBVIRT_PRT", "-s", net, "!", "-d", net, "-p", "udp", "-j", "MASQUERADE", "--to-ports", "1024-65535");
      ipt("-t", "nat", op, "LIBVIRT_PRT", "-s", net, "!", "-d", net, "-p", "tcp", "-j", "MASQUERADE", "--to-ports", "1024-65535");
      ipt("-t", "nat", op, "LIBVIRT_PRT", "-s", net, "-d", "255.255.255.255/32", "-j", "RETURN");
      ipt("-t", "nat", op, "LIBVIRT_PRT", "-s", net, "-d", "224.0.0.0/24", "-j", "RETURN");
    }
    for (const r of add ? rules : rules.reverse()) {
      try {
        await this.run(r);
      } catch (e) {
        if (add) throw e;
      }
    }
  }

  /** bridge_driver.c: networkShutdownNetworkVirtual() */
  async destroy(name: string): Promise<void> {
    const g = await this.get(name);
    if (!g) throw new VirError(`Network not found: no network with matching name '${name}'`);
    if (!g.active) throw new VirError("Requested operation is not valid: network is not active");
    const d = g.def;
    for (const dm of dnsmasqDaemons(this.p.sys)) {
      if (dm.confFile === `${DNSMASQ_DIR}/${d.name}.conf`) dm.stop();
    }
    await this.firewall(d, false);
    try {
      await this.run(["ip", "link", "set", d.bridge!, "down"]);
      await this.run(["ip", "link", "del", d.bridge!]);
    } catch {
      // already gone
    }
    await this.rm(`${STATE_DIR}/${name}.xml`);
    if (!g.persistent) await this.setNames((await this.names()).filter((n) => n !== name));
  }

  /** libvirt_leaseshelper's status file of the network's bridge */
  async leases(d: NetDef): Promise<{ ip: string; mac: string; hostname?: string; clientid?: string; expiry: number }[]> {
    const text = await this.read(`${DNSMASQ_DIR}/${d.bridge}.status`);
    if (!text || !text.trim()) return [];
    try {
      const arr = JSON.parse(text) as Record<string, string | number>[];
      return arr.map((e) => ({
        ip: String(e["ip-address"]), mac: String(e["mac-address"]),
        hostname: e["hostname"] !== undefined ? String(e["hostname"]) : undefined,
        clientid: e["client-id"] !== undefined ? String(e["client-id"]) : undefined,
        expiry: Number(e["expiry-time"]),
      }));
    } catch {
      return [];
    }
  }
}
