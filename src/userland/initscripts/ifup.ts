/**
 * RHEL 7 initscripts (9.49): /usr/sbin/ifup and ifdown with ifup-eth / ifdown-eth for
 * TYPE=Ethernet and TYPE=Bridge, reading /etc/sysconfig/network-scripts/ifcfg-NAME
 * (DEVICE, TYPE, BRIDGE, BOOTPROTO static|none|dhcp, IPADDR, PREFIX|NETMASK, BROADCAST,
 * GATEWAY, DEFROUTE, METRIC, STP, DELAY, MTU, MACADDR, ONBOOT, ARPCHECK).
 * The scripts' commands (ip, brctl, arping, dhclient) run as the real scripts run them.
 */
import type { Process, CommandTable } from "../process.ts";
import { ipv4Parse, ipv4ToString } from "../../wire/addr.ts";
import { ifaceByName, maskLen, prefixMask } from "../dnsmasq/netif.ts";

export const SCRIPTS_DIR = "/etc/sysconfig/network-scripts";

/** network-functions: source_config — a shell-variable file, quotes removed */
export function parseIfcfg(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, "");
    out[m[1]!] = v;
  }
  return out;
}

const isFalse = (v: string | undefined) => v !== undefined && /^(no|false|off|0|n)$/i.test(v);

async function loadConfig(p: Process, name: string): Promise<{ cfg: Record<string, string>; file: string } | undefined> {
  const base = name.replace(/^ifcfg-/, "");
  const file = `${SCRIPTS_DIR}/ifcfg-${base}`;
  const text = await p.readFile(file);
  if (text === undefined) return undefined;
  const cfg = parseIfcfg(text);
  if (!cfg.DEVICE) cfg.DEVICE = base;
  return { cfg, file };
}

function netLog(p: Process, script: string, msg: string): void {
  p.stderr.write(`ERROR    : [${SCRIPTS_DIR}/${script}] ${msg}\n`);
}

async function run(p: Process, argv: string[]): Promise<number> {
  return p.spawn(argv, p.sys);
}

/** network-functions + ifup-eth: prefix / broadcast from IPADDR, PREFIX, NETMASK */
function addressOf(cfg: Record<string, string>): { ip: string; prefix: number; broadcast: string } | undefined {
  const ipStr = cfg.IPADDR ?? cfg.IPADDR0;
  if (!ipStr) return undefined;
  const ip = ipv4Parse(ipStr);
  if (ip === undefined) return undefined;
  let prefix: number;
  const pf = cfg.PREFIX ?? cfg.PREFIX0;
  const nm = cfg.NETMASK ?? cfg.NETMASK0;
  if (pf !== undefined) prefix = Number(pf);
  else if (nm !== undefined) prefix = maskLen(ipv4Parse(nm) ?? 0);
  else {
    // ipcalc --prefix: the classful default
    const a = ip >>> 24;
    prefix = a < 128 ? 8 : a < 192 ? 16 : 24;
  }
  const mask = prefixMask(prefix);
  const bc = cfg.BROADCAST ?? ipv4ToString(((ip & mask) | ~mask) >>> 0);
  return { ip: ipStr, prefix, broadcast: bc };
}

export async function ifup(p: Process): Promise<number> {
  const name = p.argv[1];
  if (!name) {
    p.stderr.write("Usage: ifup <configuration>\n");
    return 1;
  }
  const c = await loadConfig(p, name);
  if (!c) {
    p.stderr.write(`/usr/sbin/ifup: configuration for ${name} not found.\nUsage: ifup <configuration>\n`);
    return 1;
  }
  const cfg = c.cfg;
  const dev = cfg.DEVICE!;
  const type = cfg.TYPE ?? (/^br/.test(dev) ? "Bridge" : "Ethernet");
  // ifup-eth
  if (type === "Bridge") {
    if (!ifaceByName(p.sys, dev)) {
      const mac = cfg.MACADDR ? ["address", cfg.MACADDR] : [];
      const rc = await run(p, ["ip", "link", "add", dev, ...mac, "type", "bridge"]);
      if (rc !== 0) await run(p, ["brctl", "addbr", dev]);
    }
    if (cfg.DELAY !== undefined) await run(p, ["brctl", "setfd", dev, cfg.DELAY]);
    if (cfg.STP !== undefined) await run(p, ["brctl", "stp", dev, cfg.STP]);
    if (cfg.PRIO !== undefined) await run(p, ["brctl", "setbridgeprio", dev, cfg.PRIO]);
    if (cfg.AGEING !== undefined) await run(p, ["brctl", "setageing", dev, cfg.AGEING]);
  } else if (!ifaceByName(p.sys, dev)) {
    netLog(p, "ifup-eth", `Device ${dev} does not seem to be present, delaying initialization.`);
    return 1;
  }
  if (cfg.BRIDGE) {
    if (!ifaceByName(p.sys, cfg.BRIDGE)) {
      const rc = await run(p, ["ip", "link", "add", cfg.BRIDGE, "type", "bridge"]);
      if (rc !== 0) await run(p, ["brctl", "addbr", cfg.BRIDGE]);
    }
    if (cfg.MTU) await run(p, ["ip", "link", "set", "dev", dev, "mtu", cfg.MTU]);
    await run(p, ["ip", "link", "set", "dev", dev, "up"]);
    await run(p, ["ip", "link", "set", "dev", dev, "master", cfg.BRIDGE]);
    return 0;
  }
  if (cfg.MACADDR && type !== "Bridge") await run(p, ["ip", "link", "set", "dev", dev, "address", cfg.MACADDR]);
  if (cfg.MTU) await run(p, ["ip", "link", "set", "dev", dev, "mtu", cfg.MTU]);
  const boot = (cfg.BOOTPROTO ?? "none").toLowerCase();
  if (boot === "dhcp" || boot === "bootp") {
    await run(p, ["ip", "link", "set", "dev", dev, "up"]);
    p.stdout.write(`\nDetermining IP information for ${dev}...`);
    const rc = await run(p, ["dhclient", "-1", "-q", "-lf", `/var/lib/dhclient/dhclient--${dev}.lease`, "-pf", `/var/run/dhclient-${dev}.pid`, dev]);
    if (rc !== 0) {
      p.stdout.write(" failed.\n");
      return 1;
    }
    p.stdout.write(" done.\n");
    return 0;
  }
  await run(p, ["ip", "link", "set", "dev", dev, "up"]);
  const a = addressOf(cfg);
  if (a) {
    // duplicate address detection: iputils `arping -c 2 -w 3 -D` (the lab hosts' arping is
    // Thomas Habets' one, with other options); its probes (sender 0.0.0.0) change no
    // neighbour's state, so only its duration is modelled: two probes a second apart
    if (!isFalse(cfg.ARPCHECK) && dev !== "lo") await p.sys.sleep(1_000_000);
    const rc = await run(p, ["ip", "addr", "add", `${a.ip}/${a.prefix}`, "brd", a.broadcast, "dev", dev, "label", dev]);
    if (rc !== 0) netLog(p, "ifup-eth", `Error adding address ${a.ip} for ${dev}.`);
    const gw = cfg.GATEWAY;
    if (gw && !isFalse(cfg.DEFROUTE) && (!cfg.GATEWAYDEV || cfg.GATEWAYDEV === dev)) {
      const g = ipv4Parse(gw);
      const mask = prefixMask(a.prefix);
      if (g !== undefined && ((g & mask) >>> 0) === ((ipv4Parse(a.ip)! & mask) >>> 0)) {
        const metric = cfg.METRIC ? ["metric", cfg.METRIC] : [];
        const r = await run(p, ["ip", "route", "replace", "default", ...metric, "via", gw]);
        if (r !== 0) netLog(p, "ifup-eth", `Error adding default gateway ${gw} for ${dev}.`);
      }
    }
  }
  return 0;
}

export async function ifdown(p: Process): Promise<number> {
  const name = p.argv[1];
  if (!name) {
    p.stderr.write("Usage: ifdown <configuration>\n");
    return 1;
  }
  const c = await loadConfig(p, name);
  if (!c) {
    p.stderr.write(`/usr/sbin/ifdown: configuration for ${name} not found.\nUsage: ifdown <configuration>\n`);
    return 1;
  }
  const cfg = c.cfg;
  const dev = cfg.DEVICE!;
  const type = cfg.TYPE ?? (/^br/.test(dev) ? "Bridge" : "Ethernet");
  if (!ifaceByName(p.sys, dev)) return 0;
  const boot = (cfg.BOOTPROTO ?? "none").toLowerCase();
  if (boot === "dhcp" || boot === "bootp") {
    await run(p, ["bash", "-c", `dhclient -r -lf /var/lib/dhclient/dhclient--${dev}.lease -pf /var/run/dhclient-${dev}.pid ${dev} >/dev/null 2>&1`]);
  }
  if (cfg.BRIDGE) await run(p, ["bash", "-c", `brctl delif -- ${cfg.BRIDGE} ${dev} >/dev/null 2>&1`]);
  await run(p, ["ip", "addr", "flush", "dev", dev]);
  await run(p, ["ip", "link", "set", "dev", dev, "down"]);
  if (type === "Bridge") await run(p, ["brctl", "delbr", dev]);
  return 0;
}

export const initscriptsCommands: CommandTable = { ifup, ifdown };
