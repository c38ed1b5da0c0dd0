/**
 * ethtool 6.1 ethtool.c (+ netlink/settings.c for the default report, netlink/features.c,
 * channels.c, rings.c): DEV, -i, -S, -k, -K, -l, -g.
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
 *   cmd:"ETHTOOL_GSTRINGS", string_set:"ETH_SS_FEATURES" -> {strings: string[]} (netdev_features_strings by bit)
 *   cmd:"ETHTOOL_MSG_FEATURES_GET" -> {hw, wanted, active, nochange: boolean[]} (indexed like those strings)
 *   cmd:"ETHTOOL_MSG_FEATURES_SET", bits:[name, on][] -> {wanted_val, wanted_mask, active_val,
 *        active_mask: boolean[]} (ethnl_set_features' reply: requested bits that ended up different,
 *        and every bit whose active value changed), or KErr {errno:"EOPNOTSUPP", extack:"bit name
 *        not found", bit: index of the rejected entry}
 *   cmd:"ETHTOOL_GCHANNELS" -> {max_rx, max_tx, max_other, max_combined, rx_count, tx_count,
 *        other_count, combined_count} (0: not reported)
 *   cmd:"ETHTOOL_GRINGPARAM" -> only the error of a driver without get_ringparam is used
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

/** the netif_msg bits' names (ETH_SS_MSG_CLASSES) */
const MSGLVL_NAMES = ["drv", "probe", "link", "timer", "ifdown", "ifup", "rx_err", "tx_err", "tx_queued", "intr", "tx_done", "rx_status", "pktdata", "hw", "wol"];

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
    const port = num(ls, "port", 0xff);
    out += `\tPort: ${PORTS[port] ?? "Unknown!"}\n`;
    out += `\tPHYAD: ${num(ls, "phy_address")}\n`;
    out += `\tTransceiver: ${num(ls, "transceiver") ? "external" : "internal"}\n`;
    // netlink/settings.c: linkinfo_reply_cb() shows MDI-X for twisted pair only
    if (port === 0 /* PORT_TP */) {
      const mdix = num(ls, "eth_tp_mdix");
      out += `\tMDI-X: ${mdix === 1 ? "off" : mdix === 2 ? "on" : "Unknown"}\n`;
    }
  }
  // netlink/settings.c: debug_reply_cb() — only for a driver with get_msglevel
  const ml = ethtoolIoctl(p, dev, "ETHTOOL_GMSGLVL");
  if (!isKErr(ml)) {
    const m = num(ml, "data") >>> 0;
    out += `        Current message level: 0x${m.toString(16).padStart(8, "0")} (${m})\n                              `;
    for (let b = 0; b < MSGLVL_NAMES.length; b++) if (m & (1 << b)) out += ` ${MSGLVL_NAMES[b]}`;
    out += "\n";
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

/** netlink/netlink.c: the error of a GET request the driver does not implement (nlsock_process_reply) */
/** netlink/netlink.c: a refused request: the extack a missing device carries, then strerror */
function nlError(p: Process, e: KErr, rc = 1): number {
  if (e.errno === "ENODEV") p.stderr.write("netlink error: no device matches name (offset 24)\n");
  p.stderr.write(`netlink error: ${strerror(e.errno)}\n`);
  return rc;
}

/** netlink/channels.c: show_u32() — a zero (absent) attribute prints n/a */
function showU32(label: string, v: unknown): string {
  return typeof v === "number" && v > 0 ? `${label}${v}\n` : `${label}n/a\n`;
}

/**
 * netlink/channels.c: nl_gchannels() / channels_reply_cb(). The kernel answers
 * cmd:"ETHTOOL_GCHANNELS" with {max_rx, max_tx, max_other, max_combined, rx_count, tx_count,
 * other_count, combined_count} (ethtool_channels; 0 = not reported).
 */
function doGchannels(p: Process, dev: string): number {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_GCHANNELS");
  if (isKErr(r)) return nlError(p, r);
  p.stdout.write(
    `Channel parameters for ${dev}:\nPre-set maximums:\n` +
      showU32("RX:\t\t", r["max_rx"]) + showU32("TX:\t\t", r["max_tx"]) +
      showU32("Other:\t\t", r["max_other"]) + showU32("Combined:\t", r["max_combined"]) +
      "Current hardware settings:\n" +
      showU32("RX:\t\t", r["rx_count"]) + showU32("TX:\t\t", r["tx_count"]) +
      showU32("Other:\t\t", r["other_count"]) + showU32("Combined:\t", r["combined_count"]),
  );
  return 0;
}

/** netlink/rings.c: nl_gring() — only the driver-without-get_ringparam answer is modelled */
function doGring(p: Process, dev: string): number {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_GRINGPARAM");
  if (isKErr(r)) return nlError(p, r);
  p.stderr.write("ethtool: option -g is not supported by this emulator\n");
  return 1;
}

// ---------------------------------------------------------------------------- -k / -K

/** common.c: off_flag_def[] — the legacy offload flags and the kernel features they group */
const OFF_FLAG_DEF: [short: string, long: string, kernel: string][] = [
  ["rx", "rx-checksumming", "rx-checksum"],
  ["tx", "tx-checksumming", "tx-checksum-*"],
  ["sg", "scatter-gather", "tx-scatter-gather*"],
  ["tso", "tcp-segmentation-offload", "tx-tcp*-segmentation"],
  ["ufo", "udp-fragmentation-offload", "tx-udp-fragmentation"],
  ["gso", "generic-segmentation-offload", "tx-generic-segmentation"],
  ["gro", "generic-receive-offload", "rx-gro"],
  ["lro", "large-receive-offload", "rx-lro"],
  ["rxvlan", "rx-vlan-offload", "rx-vlan-hw-parse"],
  ["txvlan", "tx-vlan-offload", "tx-vlan-hw-insert"],
  ["ntuple", "ntuple-filters", "rx-ntuple-filter"],
  ["rxhash", "receive-hashing", "rx-hashing"],
];

/** netlink/features.c: flag_pattern_match() — at most one '*' */
function flagPatternMatch(name: string, pattern: string): boolean {
  const ast = pattern.indexOf("*");
  if (ast < 0) return name === pattern;
  if (name.length + 1 < pattern.length) return false;
  if (name.slice(0, ast) !== pattern.slice(0, ast)) return false;
  const tail = pattern.slice(ast + 1);
  return name.slice(name.length - tail.length) === tail;
}

function bools(r: Record<string, unknown>, k: string): boolean[] {
  const v = r[k];
  return Array.isArray(v) ? v.map(Boolean) : [];
}

/** the ETH_SS_FEATURES string set (netdev_features_strings, by bit) */
function featureNames(p: Process, dev: string): string[] | KErr {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_GSTRINGS", { string_set: "ETH_SS_FEATURES" });
  return isKErr(r) ? r : strs(r, "strings");
}


/**
 * netlink/features.c: nl_gfeatures() + dump_features(). The kernel answers
 * cmd:"ETHTOOL_MSG_FEATURES_GET" with {hw, wanted, active, nochange}: boolean[] indexed like
 * the ETH_SS_FEATURES strings.
 */
function doGfeatures(p: Process, dev: string, extra: string[]): number {
  if (extra.length > 0) {
    p.stderr.write(`ethtool: unexpected parameter '${extra[0]}'\n`);
    return 1;
  }
  const r = ethtoolIoctl(p, dev, "ETHTOOL_MSG_FEATURES_GET");
  if (isKErr(r)) return nlError(p, r);
  const names = featureNames(p, dev);
  if (isKErr(names)) return nlError(p, names);
  const hw = bools(r, "hw");
  const wanted = bools(r, "wanted");
  const active = bools(r, "active");
  const nochange = bools(r, "nochange");
  const count = names.length;
  let out = `Features for ${dev}:\n`;
  const dumpFeature = (idx: number, name: string, prefix: string): void => {
    if (!name) return;
    let suffix = "";
    if (!hw[idx] || nochange[idx]) suffix = " [fixed]";
    else if (!!active[idx] !== !!wanted[idx]) suffix = wanted[idx] ? " [requested on]" : " [requested off]";
    out += `${prefix}${name}: ${active[idx] ? "on" : "off"}${suffix}\n`;
  };
  /* map netdev features to legacy flags */
  const flagOf: number[] = [];
  for (let i = 0; i < count; i++) {
    flagOf[i] = -1;
    const name = names[i] ?? "";
    if (!name) continue;
    const j = OFF_FLAG_DEF.findIndex(([, , k]) => flagPatternMatch(name, k));
    if (j >= 0) flagOf[i] = j;
  }
  /* legacy flags and their matching features first */
  OFF_FLAG_DEF.forEach(([short, long], i) => {
    if (short === "ufo") return; /* no kernel with netlink supports UFO */
    let nMatch = 0;
    let value = false;
    for (let j = 0; j < count; j++) {
      if (flagOf[j] !== i) continue;
      nMatch++;
      value = value || !!active[j];
    }
    if (nMatch !== 1) out += `${long}: ${value ? "on" : "off"}\n`;
    if (nMatch === 0) return;
    for (let j = 0; j < count; j++) {
      if (flagOf[j] !== i) continue;
      if (nMatch === 1) dumpFeature(j, long, "");
      else dumpFeature(j, names[j] ?? "", "\t");
    }
  });
  /* then the features no legacy flag covers */
  for (let i = 0; i < count; i++) if (flagOf[i] === -1) dumpFeature(i, names[i] ?? "", "");
  p.stdout.write(out);
  return 0;
}

/** netlink attribute length, padded (NLA_ALIGN) */
function nlaAlign(n: number): number {
  return (n + 3) & ~3;
}

/**
 * netlink/features.c: nl_sfeatures() + fill_sfeatures_bitmap() + show_feature_changes(). The
 * request is cmd:"ETHTOOL_MSG_FEATURES_SET" with bits: [name, on][]; the kernel answers
 * {wanted_val, wanted_mask, active_val, active_mask}: boolean[] (the requested bits that ended
 * up different, and every bit that changed), or a KErr whose `bit` is the index of the entry
 * it rejected ("bit name not found").
 */
function doSfeatures(p: Process, dev: string, args: string[]): number {
  let names = featureNames(p, dev);
  if (isKErr(names)) {
    if (names.errno !== "ENODEV") return nlError(p, names);
    names = [];
  }
  const reqMask = new Set<number>();
  const bits: [string, boolean][] = [];
  let i = 0;
  while (i < args.length) {
    if (args[i] === "--") {
      i++;
      break;
    }
    if (i + 1 >= args.length || (args[i + 1] !== "on" && args[i + 1] !== "off")) {
      p.stderr.write(`ethtool (-K): flag '${args[i + 1] ?? "(null)"}' for parameter '(null)' is not followed by 'on' or 'off'\n`);
      return 234;
    }
    const flag = args[i]!;
    const val = args[i + 1] === "on";
    /* fill_legacy_flag(): a legacy name stands for every feature its pattern matches */
    const legacy = OFF_FLAG_DEF.find(([s, l]) => flag === s || flag === l);
    if (legacy) {
      names.forEach((n, j) => {
        if (n && flagPatternMatch(n, legacy[2])) {
          bits.push([n, val]);
          reqMask.add(j);
        }
      });
    } else {
      bits.push([flag, val]);
      const idx = names.indexOf(flag);
      if (idx >= 0) reqMask.add(idx);
    }
    i += 2;
  }
  const r = ethtoolIoctl(p, dev, "ETHTOOL_MSG_FEATURES_SET", { bits });
  if (isKErr(r)) {
    if (r.errno === "ENODEV") return nlError(p, r, 92);
    const bad = (r as KErr & { bit?: number }).bit;
    if (r.extack && bad !== undefined) {
      /* the offset of the rejected ETHTOOL_A_BITSET_BIT_NAME in the request */
      let off = 16 + 4 + 4 + nlaAlign(4 + dev.length + 1) + 8 + 4 + 4;
      for (let k = 0; k < bad; k++) off += 4 + nlaAlign(4 + bits[k]![0].length + 1) + (bits[k]![1] ? 4 : 0);
      p.stderr.write(`netlink error: ${r.extack} (offset ${off + 4})\n`);
    }
    p.stderr.write(`netlink error: ${strerror(r.errno)}\n`);
    return 92;
  }
  const wantedVal = bools(r, "wanted_val");
  const wantedMask = bools(r, "wanted_mask");
  const activeVal = bools(r, "active_val");
  const activeMask = bools(r, "active_mask");
  let nothingChanged = true;
  let diff = false;
  for (let k = 0; k < names.length; k++) {
    if (!!wantedMask[k] !== reqMask.has(k)) nothingChanged = false;
    if (wantedMask[k] || (activeMask[k] && !reqMask.has(k))) diff = true;
  }
  if (diff) {
    let out = "Actual changes:\n";
    names.forEach((name, k) => {
      if (!wantedMask[k] && !activeMask[k]) return;
      out += `${name}: `;
      if (wantedMask[k]) out += `${wantedVal[k] ? "off" : "on"} [requested ${wantedVal[k] ? "on" : "off"}]`;
      else if (!reqMask.has(k)) out += `${activeVal[k] ? "on" : "off"} [not requested]`;
      else out += activeVal[k] ? "on" : "off";
      out += "\n";
    });
    p.stdout.write(out);
  }
  if (nothingChanged) {
    p.stderr.write("Could not change any device features\n");
    return 1;
  }
  return 0;
}

/** ethtool.c: args[] — every option ethtool 6.1 knows (short and long spellings) */
const KNOWN_OPTS = new Set(
  ("-s --change -a --show-pause -A --pause -c --show-coalesce -C --coalesce -g --show-ring -G --set-ring " +
    "-k --show-features --show-offload -K --features --offload -i --driver -d --register-dump " +
    "-e --eeprom-dump -E --change-eeprom -r --negotiate -p --identify -t --test -S --statistics " +
    "--phy-statistics -n -u --show-nfc --show-ntuple -N -U --config-nfc --config-ntuple " +
    "-T --show-time-stamping -x --show-rxfh-indir --show-rxfh -X --set-rxfh-indir --rxfh -f --flash " +
    "-P --show-permaddr -w --get-dump -W --set-dump -l --show-channels -L --set-channels -h --help " +
    "--version -m --dump-module-eeprom --module-info --show-eee --set-eee --set-phy-tunable " +
    "--get-phy-tunable --get-tunable --set-tunable --reset --show-fec --set-fec -Q --per-queue " +
    "--cable-test --cable-test-tdr --show-tunnels --monitor --show-module --set-module " +
    "--show-priv-flags --set-priv-flags --show-pse --set-pse").split(" "),
);

// ---------------------------------------------------------------------------- -s

/** which ETHTOOL_MSG_*_SET request a parameter of -s goes into (netlink/settings.c) */
type SsetGroup = "LINKINFO" | "LINKMODES" | "WOL" | "DEBUG";
type SsetParser = (arg: string) => number | string | undefined;

/** nl_parse_direct_u32() / _u8(): strtoul(arg, &endp, 0) with nothing left over */
function parseUint(max: number): SsetParser {
  return (arg) => {
    const m = /^\s*(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(arg);
    if (!m) return undefined;
    const s = m[1]!;
    const v = /^0[xX]/.test(s) ? parseInt(s.slice(2), 16) : s.length > 1 && s[0] === "0" ? parseInt(s, 8) : Number(s);
    return v <= max ? v : undefined;
  };
}

/** nl_parse_lookup_u32/u8(): one of the named values, sent as the attribute's number */
function parseLookup(values: Record<string, number>): SsetParser {
  return (arg) => values[arg];
}

/** netlink/settings.c: sset_params[] (the parameters of ethtool 6.1's -s) */
const SSET_PARAMS: Record<string, [SsetGroup, SsetParser]> = {
  speed: ["LINKMODES", parseUint(0xffffffff)],
  lanes: ["LINKMODES", parseUint(0xffffffff)],
  /* DUPLEX_*, PORT_*, ETH_TP_MDI* (off = MDI, on = MDI-X), AUTONEG_* */
  duplex: ["LINKMODES", parseLookup({ half: 0, full: 1, unknown: 0xff })],
  port: ["LINKINFO", parseLookup({ tp: 0, aui: 1, bnc: 2, mii: 3, fibre: 4, da: 5 })],
  mdix: ["LINKINFO", parseLookup({ auto: 3, off: 1, on: 2 })],
  autoneg: ["LINKMODES", parseLookup({ off: 0, on: 1 })],
  advertise: ["LINKMODES", parseUint(Number.MAX_SAFE_INTEGER)],
  phyad: ["LINKINFO", parseUint(0xff)],
  xcvr: ["LINKINFO", parseLookup({ internal: 0, external: 1 })],
  wol: ["WOL", (a) => (/^[pumbagsfd]+$/.test(a) ? a : undefined)],
  sopass: ["WOL", (a) => (/^([0-9a-fA-F]{1,2}:){5}[0-9a-fA-F]{1,2}$/.test(a) ? a : undefined)],
  msglvl: ["DEBUG", parseUint(0xffffffff)],
  /* MASTER_SLAVE_CFG_* */
  "master-slave": ["LINKMODES", parseLookup({ "preferred-master": 2, "preferred-slave": 3, "forced-master": 4, "forced-slave": 5 })],
};

/**
 * netlink/settings.c: nl_sset(): parse every parameter first (a bad one is exit 1), then send
 * one ETHTOOL_MSG_*_SET per group that got attributes; the first refusal ends it (exit 75).
 */
function doSset(p: Process, dev: string, args: string[]): number {
  const groups = new Map<SsetGroup, Record<string, unknown>>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!;
    const param = SSET_PARAMS[name];
    if (!param) {
      p.stderr.write(`ethtool (-s): unknown parameter '${name}'\n`);
      return 1;
    }
    const arg = args[i + 1];
    if (arg === undefined) {
      p.stderr.write(`ethtool (-s): no value for parameter '${name}'\n`);
      return 1;
    }
    // the netlink parser keeps xcvr only to refuse it (no ETHTOOL_A_LINKINFO attribute for it)
    if (name === "xcvr") {
      p.stderr.write(`ethtool (-s): deprecated parameter '${name}' not supported by kernel\n`);
      return 1;
    }
    const v = param[1](arg);
    if (v === undefined) {
      p.stderr.write(`ethtool (-s): invalid value '${arg}' for parameter '${name}'\n`);
      return 1;
    }
    const g = groups.get(param[0]) ?? {};
    g[name] = v;
    groups.set(param[0], g);
  }
  for (const group of ["LINKINFO", "LINKMODES", "WOL", "DEBUG"] as const) {
    const attrs = groups.get(group);
    if (!attrs) continue;
    const r = ethtoolIoctl(p, dev, `ETHTOOL_MSG_${group}_SET`, { attrs });
    if (isKErr(r)) return nlError(p, r, 75);
  }
  return 0;
}

function badArgs(p: Process): number {
  p.stderr.write("ethtool: bad command line argument(s)\nFor more information run ethtool -h\n");
  return 1;
}

/** netlink/stats.c: nl_gstats() — `--all-groups` / `--groups NAMES` ask for the standard
 * statistics groups (netlink); without either it is the driver's NIC statistics (ioctl) */
function doGstats(p: Process, dev: string, rest: string[]): number {
  const seen = new Set<string>();
  let groups: string[] | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a !== "--all-groups" && a !== "--groups") {
      p.stderr.write(`ethtool (-S): unknown parameter '${a}'\n`);
      return 1;
    }
    if (seen.has(a)) {
      p.stderr.write(`ethtool (-S): duplicate parameter '${a}'\n`);
      return 1;
    }
    seen.add(a);
    if (a === "--all-groups") {
      groups ??= [];
      continue;
    }
    // a bit list: every word that follows is a name
    if (i + 1 >= rest.length) {
      p.stderr.write("ethtool (-S): no value for parameter '--groups'\n");
      return 1;
    }
    groups = rest.slice(i + 1);
    break;
  }
  if (!groups) return doGnicstats(p, dev);
  const r = ethtoolIoctl(p, dev, "ETHTOOL_MSG_STATS_GET");
  if (isKErr(r)) return nlError(p, r);
  // ethnl_bitset_is_compact() … ethnl_parse_bit(): a name not in ETH_SS_STATS_STD; the extack
  // offset is that of the bit's name attribute in the request (header nest with the device
  // name, the groups nest, its NOMASK flag and bits nest, then one nest per bit)
  const align = (n: number) => (n + 3) & ~3;
  let off = 44 + align(new TextEncoder().encode(dev).length + 1);
  for (const g of groups) {
    if (!STATS_STD.includes(g)) {
      p.stderr.write(`netlink error: bit name not found (offset ${off})\nnetlink error: ${strerror("EOPNOTSUPP")}\n`);
      return 1;
    }
    off += 8 + align(new TextEncoder().encode(g).length + 1);
  }
  // (no modelled driver has a standard group: only the heading)
  p.stdout.write(`Standard stats for ${dev}:\n`);
  return 0;
}

/** the ETH_SS_STATS_STD strings (net/ethtool/common.c: stats_std_names) */
const STATS_STD = ["eth-phy", "eth-mac", "eth-ctrl", "rmon"];

/** netlink handlers without parameters (nl_gchannels, nl_gring, nl_gfeatures …) */
function noParams(p: Process, rest: string[]): boolean {
  if (!rest.length) return true;
  p.stderr.write(`ethtool: unexpected parameter '${rest[0]}'\n`);
  return false;
}

interface Mode {
  opts: string[];
  noDev?: boolean;
  run: (p: Process, dev: string, rest: string[]) => number;
}

/** ethtool.c: args[] — the modes this port runs (the first, without an option, is do_gset) */
const MODES: Mode[] = [
  { opts: [], run: (p, dev) => doGset(p, dev) },
  { opts: ["-s", "--change"], run: (p, dev, rest) => doSset(p, dev, rest) },
  { opts: ["-k", "--show-features", "--show-offload"], run: (p, dev, rest) => doGfeatures(p, dev, rest) },
  { opts: ["-K", "--features", "--offload"], run: (p, dev, rest) => (rest.length ? doSfeatures(p, dev, rest) : badArgs(p)) },
  { opts: ["-i", "--driver"], run: (p, dev, rest) => (rest.length ? badArgs(p) : doGdrv(p, dev)) },
  { opts: ["-S", "--statistics"], run: doGstats },
  { opts: ["-l", "--show-channels"], run: (p, dev, rest) => (noParams(p, rest) ? doGchannels(p, dev) : 1) },
  { opts: ["-g", "--show-ring"], run: (p, dev, rest) => (noParams(p, rest) ? doGring(p, dev) : 1) },
  {
    opts: ["--version"],
    noDev: true,
    run: (p) => {
      p.stdout.write("ethtool version 6.1\n");
      return 0;
    },
  },
];

/** the `ethtool` command: ethtool.c main() */
export async function ethtool(p: Process): Promise<number> {
  let args = p.argv.slice(1);
  let json = false;
  // the global flags, in any order before the mode
  for (;;) {
    if (args[0] === "--debug") {
      if (args.length < 2 || !/^\s*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(args[1]!)) return badArgs(p);
      args = args.slice(2);
    } else if (args[0] === "--json") {
      json = true;
      args = args.slice(1);
    } else if (args[0] === "--include-statistics" || args[0] === "-I") {
      args = args.slice(1);
    } else break;
  }
  if (args.length === 0) return badArgs(p);
  const a = args[0]!;
  let mode = MODES.find((m) => m.opts.includes(a));
  if (mode) args = args.slice(1);
  else if (a.startsWith("-")) {
    /* find_option() fails: exit_bad_args() */
    if (!KNOWN_OPTS.has(a)) return badArgs(p);
    // a mode this port does not run still needs its device name first (all but -h)
    if (a !== "-h" && a !== "--help" && args[1] === undefined) return badArgs(p);
    p.stderr.write(`ethtool: option ${a} is not supported by this emulator\n`);
    return 1;
  } else mode = MODES[0]!;
  let dev = "";
  if (!mode.noDev) {
    if (args[0] === undefined) return badArgs(p);
    dev = args[0];
    args = args.slice(1);
  }
  // no mode this port runs answers in JSON (6.1: only the netlink statistics groups, cable
  // tests, FEC and module settings do)
  if (json) return badArgs(p);
  return mode.run(p, dev, args);
}
