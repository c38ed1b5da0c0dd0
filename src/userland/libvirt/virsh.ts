/**
 * virsh (libvirt 9.0) network commands (tools/virsh-network.c) over the network driver of
 * network.ts, with vshTable output (tools/vsh-table.c) and virsh's error reporting
 * ("error: Failed to start network X" + "error: <virError message>", exit 1).
 * Domains are not modelled: domain commands report the domain as not found.
 */
import type { Process, CommandTable } from "../process.ts";
import { NetworkDriver, VirError, formatNetXml, type NetDef } from "./network.ts";
import { DomainDriver } from "./domain.ts";
import { prefixMask } from "../dnsmasq/netif.ts";
import { ipv4Parse } from "../../wire/addr.ts";

/** tools/vsh-table.c: vshTablePrint() */
export function vshTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? "")].length)));
  const line = (r: string[]) => {
    let s = "";
    r.forEach((c, i) => {
      s += " " + c;
      if (i < r.length - 1) s += " ".repeat(widths[i]! - [...c].length + 2);
    });
    return s + "\n";
  };
  let out = line(header);
  out += "-".repeat(widths.reduce((a, w) => a + w + 3, 0)) + "\n";
  for (const r of rows) out += line(r);
  return out + "\n";
}

function err(p: Process, ...lines: string[]): number {
  for (const l of lines) p.stderr.write(`error: ${l}\n`);
  return 1;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** strftime("%Y-%m-%d %H:%M:%S") in UTC (the lab hosts' timezone) */
function fmtTime(secs: number): string {
  const d = new Date(secs * 1000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

async function lookup(p: Process, drv: NetworkDriver, key: string | undefined): Promise<{ name: string; def: NetDef; persistent: boolean; active: boolean; autostart: boolean } | number> {
  if (!key) return err(p, "command requires a network argument"); // approx.
  let g = await drv.get(key);
  let name = key;
  if (!g) {
    const byUuid = await drv.byUuid(key);
    if (byUuid) {
      name = byUuid;
      g = await drv.get(byUuid);
    }
  }
  if (!g) return err(p, `failed to get network '${key}'`, `Network not found: no network with matching name '${key}'`);
  return { name, ...g };
}

type Handler = (p: Process, drv: NetworkDriver, args: string[]) => Promise<number>;

const handlers: Record<string, Handler> = {
  async "net-list"(p, drv, args) {
    const all = args.includes("--all");
    const inactive = args.includes("--inactive");
    const names = args.includes("--name");
    const rows: string[][] = [];
    const list = [...(await drv.names())].sort();
    for (const n of list) {
      const g = await drv.get(n);
      if (!g) continue;
      if (inactive ? g.active : !all && !g.active) continue;
      rows.push([n, g.active ? "active" : "inactive", g.autostart ? "yes" : "no", g.persistent ? "yes" : "no"]);
    }
    if (names) {
      p.stdout.write(rows.map((r) => r[0] + "\n").join("") + "\n");
      return 0;
    }
    p.stdout.write(vshTable(["Name", "State", "Autostart", "Persistent"], rows));
    return 0;
  },

  async "net-info"(p, drv, args) {
    const g = await lookup(p, drv, args.find((a) => !a.startsWith("-")));
    if (typeof g === "number") return g;
    const f = (k: string, v: string) => p.stdout.write(`${k.padEnd(15)} ${v}\n`);
    f("Name:", g.name);
    f("UUID:", g.def.uuid);
    f("Active:", g.active ? "yes" : "no");
    f("Persistent:", g.persistent ? "yes" : "no");
    f("Autostart:", g.autostart ? "yes" : "no");
    if (g.def.bridge) f("Bridge:", g.def.bridge);
    return 0;
  },

  async "net-dumpxml"(p, drv, args) {
    const inactive = args.includes("--inactive");
    const g = await lookup(p, drv, args.find((a) => !a.startsWith("-")));
    if (typeof g === "number") return g;
    p.stdout.write(formatNetXml(g.def, g.active && !inactive));
    return 0;
  },

  async "net-define"(p, drv, args) {
    const file = args.find((a) => !a.startsWith("-"));
    if (!file) return err(p, "command 'net-define' requires <file> option");
    const xml = await p.readFile(file);
    if (xml === undefined) return err(p, `Failed to open file '${file}': No such file or directory`);
    try {
      const d = await drv.define(xml);
      p.stdout.write(`Network ${d.name} defined from ${file}\n\n`);
      return 0;
    } catch (e) {
      if (e instanceof VirError) return err(p, `Failed to define network from ${file}`, e.message);
      throw e;
    }
  },

  async "net-create"(p, drv, args) {
    const file = args.find((a) => !a.startsWith("-"));
    if (!file) return err(p, "command 'net-create' requires <file> option");
    const xml = await p.readFile(file);
    if (xml === undefined) return err(p, `Failed to open file '${file}': No such file or directory`);
    try {
      const d = await drv.define(xml);
      await drv.start(d.name);
      p.stdout.write(`Network ${d.name} created from ${file}\n\n`);
      return 0;
    } catch (e) {
      if (e instanceof VirError) return err(p, `Failed to create network from ${file}`, e.message);
      throw e;
    }
  },

  async "net-undefine"(p, drv, args) {
    const g = await lookup(p, drv, args.find((a) => !a.startsWith("-")));
    if (typeof g === "number") return g;
    try {
      await drv.undefine(g.name);
      p.stdout.write(`Network ${g.name} has been undefined\n\n`);
      return 0;
    } catch (e) {
      if (e instanceof VirError) return err(p, `Failed to undefine network ${g.name}`, e.message);
      throw e;
    }
  },

  async "net-start"(p, drv, args) {
    const g = await lookup(p, drv, args.find((a) => !a.startsWith("-")));
    if (typeof g === "number") return g;
    try {
      await drv.start(g.name);
      p.stdout.write(`Network ${g.name} started\n\n`);
      return 0;
    } catch (e) {
      if (e instanceof VirError) return err(p, `Failed to start network ${g.name}`, e.message);
      throw e;
    }
  },

  async "net-destroy"(p, drv, args) {
    const g = await lookup(p, drv, args.find((a) => !a.startsWith("-")));
    if (typeof g === "number") return g;
    try {
      await drv.destroy(g.name);
      p.stdout.write(`Network ${g.name} destroyed\n\n`);
      return 0;
    } catch (e) {
      if (e instanceof VirError) return err(p, `Failed to destroy network ${g.name}`, e.message);
      throw e;
    }
  },

  async "net-autostart"(p, drv, args) {
    const disable = args.includes("--disable");
    const g = await lookup(p, drv, args.find((a) => !a.startsWith("-")));
    if (typeof g === "number") return g;
    try {
      await drv.setAutostart(g.name, !disable);
      p.stdout.write(disable ? `Network ${g.name} unmarked as autostarted\n\n` : `Network ${g.name} marked as autostarted\n\n`);
      return 0;
    } catch (e) {
      if (e instanceof VirError) return err(p, disable ? `failed to unmark network ${g.name} as autostarted` : `failed to mark network ${g.name} as autostarted`, e.message);
      throw e;
    }
  },

  async "net-dhcp-leases"(p, drv, args) {
    const pos = args.filter((a) => !a.startsWith("-"));
    const g = await lookup(p, drv, pos[0]);
    if (typeof g === "number") return g;
    let macFilter: string | undefined;
    const mi = args.indexOf("--mac");
    if (mi >= 0) macFilter = args[mi + 1]?.toLowerCase();
    const prefix = g.def.ip?.prefix ?? 24;
    const leases = g.active ? (await drv.leases(g.def)).filter((l) => !macFilter || l.mac === macFilter) : [];
    // virshNetworkDHCPLeaseSorter: by MAC address
    leases.sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
    const rows = leases.map((l) => [fmtTime(l.expiry), l.mac, "ipv4", `${l.ip}/${prefix}`, l.hostname ?? "-", l.clientid ?? "-"]);
    p.stdout.write(vshTable(["Expiry Time", "MAC address", "Protocol", "IP address", "Hostname", "Client ID or DUID"], rows));
    return 0;
  },

  async "net-uuid"(p, drv, args) {
    const g = await lookup(p, drv, args.find((a) => !a.startsWith("-")));
    if (typeof g === "number") return g;
    p.stdout.write(`${g.def.uuid}\n\n`);
    return 0;
  },

  async "net-name"(p, drv, args) {
    const g = await lookup(p, drv, args.find((a) => !a.startsWith("-")));
    if (typeof g === "number") return g;
    p.stdout.write(`${g.name}\n\n`);
    return 0;
  },

  async define(p, drv, args) {
    const file = args.find((a) => !a.startsWith("-"));
    if (!file) return err(p, "command 'define' requires <file> option");
    const xml = await p.readFile(file);
    if (xml === undefined) return err(p, `Failed to open file '${file}': No such file or directory`);
    try {
      const d = await new DomainDriver(p, drv).define(xml);
      p.stdout.write(`Domain '${d.name}' defined from ${file}\n\n`);
      return 0;
    } catch (e) {
      if (e instanceof VirError) return err(p, `Failed to define domain from ${file}`, e.message);
      throw e;
    }
  },

  async undefine(p, drv, args) {
    return domOp(p, drv, args, "undefine", async (dd, n) => dd.undefine(n), (n) => `Domain '${n}' has been undefined`, (n) => `Failed to undefine domain '${n}'`);
  },

  async start(p, drv, args) {
    return domOp(p, drv, args, "start", async (dd, n) => dd.start(n), (n) => `Domain '${n}' started`, (n) => `Failed to start domain '${n}'`);
  },

  async destroy(p, drv, args) {
    return domOp(p, drv, args, "destroy", async (dd, n) => dd.destroy(n), (n) => `Domain '${n}' destroyed`, (n) => `Failed to destroy domain '${n}'`);
  },

  async list(p, drv, args) {
    const all = args.includes("--all");
    const dd = new DomainDriver(p, drv);
    const doms: { id: number | undefined; name: string }[] = [];
    for (const n of await dd.names()) {
      const g = await dd.get(n);
      if (!g) continue;
      if (g.id === undefined && !all) continue;
      doms.push({ id: g.id, name: n });
    }
    // running ones by id, then the inactive ones by name
    doms.sort((a, b) => (a.id ?? Infinity) - (b.id ?? Infinity) || (a.name < b.name ? -1 : 1));
    p.stdout.write(vshTable(["Id", "Name", "State"], doms.map((d) => [d.id === undefined ? "-" : String(d.id), d.name, d.id === undefined ? "shut off" : "running"])));
    return 0;
  },

  async domiflist(p, drv, args) {
    const name = args.find((a) => !a.startsWith("-"));
    if (!name) return err(p, "command 'domiflist' requires <domain> option");
    const g = await new DomainDriver(p, drv).get(name);
    if (!g) return err(p, `failed to get domain '${name}'`);
    const rows = g.def.ifaces.map((i) => [g.id !== undefined && i.target ? i.target : "-", i.type, i.source, i.model ?? "-", i.mac]);
    p.stdout.write(vshTable(["Interface", "Type", "Source", "Model", "MAC"], rows));
    return 0;
  },

  async domifstat(p, drv, args) {
    const [name, dev] = args.filter((a) => !a.startsWith("-"));
    if (!name) return err(p, "command 'domifstat' requires <domain> option");
    if (!dev) return err(p, "command 'domifstat' requires <interface> option");
    const g = await new DomainDriver(p, drv).get(name);
    if (!g) return err(p, `failed to get domain '${name}'`);
    if (g.id === undefined) return err(p, `Failed to get interface stats ${name} ${dev}`, "Requested operation is not valid: domain is not running");
    const i = g.def.ifaces.find((x) => x.target === dev || x.mac === dev.toLowerCase());
    if (!i || !i.target) return err(p, `Failed to get interface stats ${name} ${dev}`, `invalid argument: invalid path, '${dev}' is not a known interface`);
    // virNetDevTapInterfaceStats(swapped): the guest's view of the tap
    const st = (k: string): string => {
      const v = p.sys.fs.read(`/sys/class/net/${i.target}/statistics/${k}`);
      return typeof v === "string" ? v.trim() : "0";
    };
    const out = [
      ["rx_bytes", st("tx_bytes")], ["rx_packets", st("tx_packets")], ["rx_errs", st("tx_errors")], ["rx_drop", st("tx_dropped")],
      ["tx_bytes", st("rx_bytes")], ["tx_packets", st("rx_packets")], ["tx_errs", st("rx_errors")], ["tx_drop", st("rx_dropped")],
    ];
    for (const [k, v] of out) p.stdout.write(`${dev} ${k} ${v}\n`);
    p.stdout.write("\n");
    return 0;
  },
};

async function domOp(
  p: Process, drv: NetworkDriver, args: string[], verb: string,
  fn: (dd: DomainDriver, name: string) => Promise<void>, ok: (n: string) => string, fail: (n: string) => string,
): Promise<number> {
  const name = args.find((a) => !a.startsWith("-"));
  if (!name) return err(p, `command '${verb}' requires <domain> option`);
  const dd = new DomainDriver(p, drv);
  if (!(await dd.get(name))) return err(p, `failed to get domain '${name}'`);
  try {
    await fn(dd, name);
    p.stdout.write(`${ok(name)}\n\n`);
    return 0;
  } catch (e) {
    if (e instanceof VirError) return err(p, fail(name), e.message);
    throw e;
  }
}

export async function virsh(p: Process): Promise<number> {
  let args = p.argv.slice(1);
  // global options: -c URI / --connect URI, -q
  while (args.length && args[0]!.startsWith("-")) {
    const a = args[0]!;
    if ((a === "-c" || a === "--connect") && args.length > 1) args = args.slice(2);
    else if (a.startsWith("--connect=") || a === "-q" || a === "--quiet") args = args.slice(1);
    else if (a === "--version" || a === "-v") {
      p.stdout.write("9.0.0\n");
      return 0;
    } else break;
  }
  const cmd = args[0];
  if (!cmd) {
    p.stderr.write("error: interactive virsh is not supported here\n");
    return 1;
  }
  const h = handlers[cmd];
  if (!h) return err(p, `unknown command: '${cmd}'`);
  const drv = new NetworkDriver(p);
  await drv.ensureDaemon();
  return h(p, drv, args.slice(1));
}

export const virshCommands: CommandTable = { virsh };
void prefixMask;
void ipv4Parse;
