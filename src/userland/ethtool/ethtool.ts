/**
 * ethtool 6.1 ethtool.c (+ netlink/settings.c for the default report): DEV, -i, -S.
 * The kernel is reached through one ioctl, SIOCETHTOOL, whose request names the ethtool
 * command; the answers are plain objects:
 *
 *   {request:"SIOCETHTOOL", ifname, cmd:"ETHTOOL_GLINKSETTINGS"} -> {speed (Mb/s, -1 unknown),
 *        duplex (0 half, 1 full, 255 unknown), port (PORT_*), phy_address, autoneg (0/1),
 *        transceiver (0 internal, 1 external), eth_tp_mdix (0 unknown, 1 MDI, 2 MDI-X),
 *        supported: string[] (link mode names), advertising: string[], supported_ports: string[]}
 *   cmd:"ETHTOOL_GLINK" -> {data: 0|1}
 *   cmd:"ETHTOOL_GDRVINFO" -> {driver, version, fw_version, erom_version, bus_info, n_stats,
 *        n_priv_flags, testinfo_len, eedump_len, regdump_len}
 *   cmd:"ETHTOOL_GSTRINGS", string_set:"ETH_SS_STATS" -> {strings: string[]}
 *   cmd:"ETHTOOL_GSTATS" -> {data: number[]}
 * Errors are KErr: ENODEV (no such device), EOPNOTSUPP (the driver lacks the operation).
 */
import type { Process } from "../process.ts";
import type { KErr } from "../../kernel/uapi/errno.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";

type Answer = Record<string, unknown> | KErr;

function ethtoolIoctl(p: Process, ifname: string, cmd: string, extra: Record<string, unknown> = {}): Answer {
  return p.sys.ioctl({ request: "SIOCETHTOOL", ifname, cmd, ...extra });
}

function str(r: Record<string, unknown>, k: string): string {
  const v = r[k];
  return typeof v === "string" ? v : "";
}

function num(r: Record<string, unknown>, k: string, dflt = 0): number {
  const v = r[k];
  return typeof v === "number" ? v : dflt;
}

function strs(r: Record<string, unknown>, k: string): string[] {
  const v = r[k];
  return Array.isArray(v) ? v.map(String) : [];
}

/** netlink/settings.c: the "no device" answers of the three GET requests ethtool DEV sends */
function noDevice(p: Process): number {
  const e = "netlink error: no device matches name (offset 24)\nnetlink error: No such device\n";
  p.stderr.write(e.repeat(5));
  p.stdout.write("No data available\n");
  return 75;
}

const PORTS: Record<number, string> = {
  0x00: "Twisted Pair", 0x01: "AUI", 0x02: "BNC", 0x03: "MII", 0x04: "FIBRE", 0x05: "Direct Attach Copper",
  0xef: "None", 0xff: "Other",
};

function linkModes(modes: string[]): string {
  if (modes.length === 0) return "Not reported";
  return modes.map((m, i) => (i === 0 ? m : `\n\t                        ${m}`)).join("") + " ";
}

/** netlink/settings.c: nl_gset() */
function doGset(p: Process, dev: string): number {
  const ls = ethtoolIoctl(p, dev, "ETHTOOL_GLINKSETTINGS");
  if (isKErr(ls) && ls.errno === "ENODEV") return noDevice(p);
  let out = `Settings for ${dev}:\n`;
  if (!isKErr(ls)) {
    const sp = strs(ls, "supported_ports");
    out += `\tSupported ports: [ ${sp.map((x) => x + " ").join("")} ]\n`;
    const sup = strs(ls, "supported");
    const adv = strs(ls, "advertising");
    const autoneg = num(ls, "autoneg");
    out += `\tSupported link modes:   ${linkModes(sup)}\n`;
    out += "\tSupported pause frame use: No\n";
    out += `\tSupports auto-negotiation: ${sup.includes("Autoneg") ? "Yes" : "No"}\n`;
    out += "\tSupported FEC modes: Not reported\n";
    out += `\tAdvertised link modes:  ${linkModes(adv)}\n`;
    out += "\tAdvertised pause frame use: No\n";
    out += `\tAdvertised auto-negotiation: ${autoneg ? "Yes" : "No"}\n`;
    out += "\tAdvertised FEC modes: Not reported\n";
    const speed = num(ls, "speed", -1);
    out += `\tSpeed: ${speed <= 0 || speed === 0xffffffff ? "Unknown!" : `${speed}Mb/s`}\n`;
    const duplex = num(ls, "duplex", 0xff);
    out += `\tDuplex: ${duplex === 0 ? "Half" : duplex === 1 ? "Full" : "Unknown! (255)"}\n`;
    out += `\tAuto-negotiation: ${autoneg ? "on" : "off"}\n`;
    out += `\tPort: ${PORTS[num(ls, "port", 0xff)] ?? "Unknown!"}\n`;
    out += `\tPHYAD: ${num(ls, "phy_address")}\n`;
    out += `\tTransceiver: ${num(ls, "transceiver") ? "external" : "internal"}\n`;
    const mdix = num(ls, "eth_tp_mdix");
    out += `\tMDI-X: ${mdix === 1 ? "off" : mdix === 2 ? "on" : "Unknown"}\n`;
  }
  const l = ethtoolIoctl(p, dev, "ETHTOOL_GLINK");
  if (!isKErr(l)) out += `\tLink detected: ${num(l, "data") ? "yes" : "no"}\n`;
  else if (l.errno === "ENODEV") return noDevice(p);
  p.stdout.write(out);
  return 0;
}

/** ethtool.c: do_gdrv() */
function doGdrv(p: Process, dev: string): number {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_GDRVINFO");
  if (isKErr(r)) {
    p.stderr.write(`Cannot get driver information: ${strerror(r.errno)}\n`);
    return 71;
  }
  p.stdout.write(
    `driver: ${str(r, "driver")}\n` +
      `version: ${str(r, "version")}\n` +
      `firmware-version: ${str(r, "fw_version")}\n` +
      `expansion-rom-version: ${str(r, "erom_version")}\n` +
      `bus-info: ${str(r, "bus_info")}\n` +
      `supports-statistics: ${num(r, "n_stats") ? "yes" : "no"}\n` +
      `supports-test: ${num(r, "testinfo_len") ? "yes" : "no"}\n` +
      `supports-eeprom-access: ${num(r, "eedump_len") ? "yes" : "no"}\n` +
      `supports-register-dump: ${num(r, "regdump_len") ? "yes" : "no"}\n` +
      `supports-priv-flags: ${num(r, "n_priv_flags") ? "yes" : "no"}\n`,
  );
  return 0;
}

/** ethtool.c: do_gnicstats() */
function doGnicstats(p: Process, dev: string): number {
  const s = ethtoolIoctl(p, dev, "ETHTOOL_GSTRINGS", { string_set: "ETH_SS_STATS" });
  if (isKErr(s)) {
    p.stderr.write(`Cannot get stats strings information: ${strerror(s.errno)}\n`);
    return 96;
  }
  const names = strs(s, "strings");
  if (names.length < 1) {
    p.stderr.write("no stats available\n");
    return 94;
  }
  const st = ethtoolIoctl(p, dev, "ETHTOOL_GSTATS");
  if (isKErr(st)) {
    p.stderr.write(`Cannot get stats information: ${strerror(st.errno)}\n`);
    return 97;
  }
  const data = Array.isArray(st["data"]) ? (st["data"] as unknown[]) : [];
  let out = "NIC statistics:\n";
  names.forEach((n, i) => {
    out += `     ${n}: ${String(data[i] ?? 0)}\n`;
  });
  p.stdout.write(out);
  return 0;
}

function badArgs(p: Process): number {
  p.stderr.write("ethtool: bad command line argument(s)\nFor more information run ethtool -h\n");
  return 1;
}

/** the `ethtool` command */
export async function ethtool(p: Process): Promise<number> {
  const args = p.argv.slice(1);
  if (args.length === 0) return badArgs(p);
  const a = args[0]!;
  if (a === "--version" || a === "-V") {
    p.stdout.write("ethtool version 6.1\n");
    return 0;
  }
  if (a === "-i" || a === "--driver") return args.length === 2 ? doGdrv(p, args[1]!) : badArgs(p);
  if (a === "-S" || a === "--statistics") return args.length === 2 ? doGnicstats(p, args[1]!) : badArgs(p);
  if (a.startsWith("-")) {
    p.stderr.write(`ethtool: option ${a} is not supported by this emulator\n`);
    return 1;
  }
  if (args.length !== 1) return badArgs(p);
  return doGset(p, a);
}
