/**
 * Guests as a lab models them: a lab host (its own machine) cabled to the hypervisor, the
 * hypervisor end of the cable (vnetN) playing the guest's tap device. A libvirt domain XML
 * names that device as <target dev='vnetN'/>; `virsh start` does to it what qemuInterface /
 * virNetDevTapCreateInBridgePort do to a tap: MAC fe:<guest MAC[1..5]>, enslaved to the
 * network's bridge, up. `virsh destroy` detaches it again.
 *
 *   /etc/libvirt/qemu/NAME.xml     persistent definition
 *   /run/libvirt/qemu/NAME.xml     status of a running domain (with its id)
 */
import type { Process } from "../process.ts";
import { VirError, NetworkDriver } from "./network.ts";
import { ifaceByName } from "../dnsmasq/netif.ts";

export const DOM_DIR = "/etc/libvirt/qemu";
export const DOM_STATE_DIR = "/run/libvirt/qemu";

export interface DomIface {
  type: string; // network | bridge
  source: string;
  mac: string;
  target: string | undefined;
  model: string | undefined;
}

export interface DomDef {
  name: string;
  uuid: string;
  ifaces: DomIface[];
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(['"])(.*?)\\1`).exec(tag);
  return m ? m[2] : undefined;
}

export function parseDomXml(xml: string, newUuid: () => string, newMac: () => string): DomDef {
  if (!/<domain[\s>]/.test(xml)) throw new VirError("XML error: missing root element 'domain'");
  const name = /<name>\s*([^<]*?)\s*<\/name>/.exec(xml)?.[1];
  if (!name) throw new VirError("XML error: missing domain name information");
  const uuid = /<uuid>\s*([^<]*?)\s*<\/uuid>/.exec(xml)?.[1] ?? newUuid();
  const ifaces: DomIface[] = [];
  for (const m of xml.matchAll(/<interface\b([^>]*)>([\s\S]*?)<\/interface>/g)) {
    const body = m[2]!;
    const type = attr(m[0], "type") ?? "network";
    const src = /<source\b[^>]*>/.exec(body)?.[0] ?? "";
    ifaces.push({
      type,
      source: attr(src, type === "bridge" ? "bridge" : "network") ?? "",
      mac: (attr(/<mac\b[^>]*>/.exec(body)?.[0] ?? "", "address") ?? newMac()).toLowerCase(),
      target: attr(/<target\b[^>]*>/.exec(body)?.[0] ?? "", "dev"),
      model: attr(/<model\b[^>]*>/.exec(body)?.[0] ?? "", "type"),
    });
  }
  return { name, uuid, ifaces };
}

export function formatDomXml(d: DomDef, id?: number): string {
  let s = id !== undefined ? `<domain type='kvm' id='${id}'>\n` : "<domain type='kvm'>\n";
  s += `  <name>${d.name}</name>\n  <uuid>${d.uuid}</uuid>\n  <devices>\n`;
  for (const i of d.ifaces) {
    s += `    <interface type='${i.type}'>\n      <mac address='${i.mac}'/>\n`;
    s += `      <source ${i.type === "bridge" ? "bridge" : "network"}='${i.source}'/>\n`;
    if (i.target) s += `      <target dev='${i.target}'/>\n`;
    if (i.model) s += `      <model type='${i.model}'/>\n`;
    s += "    </interface>\n";
  }
  return s + "  </devices>\n</domain>\n";
}

export class DomainDriver {
  constructor(readonly p: Process, readonly net: NetworkDriver) {}

  async names(): Promise<string[]> {
    return ((await this.p.readFile(`${DOM_DIR}/.list`)) ?? "").split("\n").filter(Boolean);
  }

  private async setNames(n: string[]): Promise<void> {
    await this.p.writeFile(`${DOM_DIR}/.list`, n.map((x) => x + "\n").join(""));
  }

  async get(name: string): Promise<{ def: DomDef; id: number | undefined; persistent: boolean } | undefined> {
    const status = await this.p.readFile(`${DOM_STATE_DIR}/${name}.xml`);
    const conf = await this.p.readFile(`${DOM_DIR}/${name}.xml`);
    const text = status || conf;
    if (!text) return undefined;
    const def = parseDomXml(text, () => this.net.newUuid(), () => this.net.newMac());
    const id = status ? Number(/id='(\d+)'/.exec(status)?.[1]) : undefined;
    return { def, id, persistent: !!conf };
  }

  async define(xml: string): Promise<DomDef> {
    const def = parseDomXml(xml, () => this.net.newUuid(), () => this.net.newMac());
    await this.p.writeFile(`${DOM_DIR}/${def.name}.xml`, formatDomXml(def));
    const n = await this.names();
    if (!n.includes(def.name)) await this.setNames([...n, def.name]);
    return def;
  }

  async undefine(name: string): Promise<void> {
    const g = await this.get(name);
    if (!g) throw new VirError(`Domain not found: no domain with matching name '${name}'`);
    await this.p.writeFile(`${DOM_DIR}/${name}.xml`, "");
    if (g.id === undefined) await this.setNames((await this.names()).filter((x) => x !== name));
  }

  private async run(argv: string[]): Promise<void> {
    const rc = await this.p.spawn(["bash", "-c", `${argv.join(" ")} >/dev/null 2>&1`], this.p.sys);
    if (rc !== 0) throw new VirError(`internal error: Child process (${argv.join(" ")}) unexpected exit status ${rc}`);
  }

  async start(name: string): Promise<void> {
    const g = await this.get(name);
    if (!g) throw new VirError(`Domain not found: no domain with matching name '${name}'`);
    if (g.id !== undefined) throw new VirError("Requested operation is not valid: domain is already running");
    for (const i of g.def.ifaces) {
      let bridge = i.source;
      if (i.type === "network") {
        const n = await this.net.get(i.source);
        if (!n) throw new VirError(`Network not found: no network with matching name '${i.source}'`);
        if (!n.active) throw new VirError(`Requested operation is not valid: network '${i.source}' is not active`);
        bridge = n.def.bridge!;
      }
      if (!i.target || !ifaceByName(this.p.sys, i.target)) {
        throw new VirError(`Unable to get index for interface ${i.target ?? "vnet?"}: No such device`);
      }
      const tapMac = "fe" + i.mac.slice(2);
      await this.run(["ip", "link", "set", i.target, "address", tapMac]);
      await this.run(["ip", "link", "set", i.target, "master", bridge]);
      await this.run(["ip", "link", "set", i.target, "up"]);
    }
    const next = Number((await this.p.readFile(`${DOM_STATE_DIR}/.nextid`)) ?? "1") || 1;
    await this.p.writeFile(`${DOM_STATE_DIR}/.nextid`, `${next + 1}\n`);
    await this.p.writeFile(`${DOM_STATE_DIR}/${name}.xml`, formatDomXml(g.def, next));
  }

  async destroy(name: string): Promise<void> {
    const g = await this.get(name);
    if (!g) throw new VirError(`Domain not found: no domain with matching name '${name}'`);
    if (g.id === undefined) throw new VirError("Requested operation is not valid: domain is not running");
    for (const i of g.def.ifaces) {
      if (!i.target || !ifaceByName(this.p.sys, i.target)) continue;
      await this.run(["ip", "link", "set", i.target, "nomaster"]);
      await this.run(["ip", "link", "set", i.target, "down"]);
    }
    await this.p.writeFile(`${DOM_STATE_DIR}/${name}.xml`, "");
    if (!g.persistent) await this.setNames((await this.names()).filter((x) => x !== name));
  }
}
