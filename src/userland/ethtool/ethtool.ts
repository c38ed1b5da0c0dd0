/**
 * ethtool 6.1 ethtool.c (+ netlink/settings.c for the default report, netlink/features.c,
 * channels.c, rings.c, coalesce.c, pause.c, tsinfo.c, permaddr.c, module*.c): DEV, -s, -i, -S,
 * -k, -K, -l, -L, -g, -G, -c, -C, -a, -A, -T, -P, -r, -p, -e, -d, -t, -m, -x, -n/-u, -w, -W,
 * --phy-statistics, --show-priv-flags, --show-eee, --show-fec, --show-tunnels, --show-module,
 * -h, --version.
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
 *   cmd:"ETHTOOL_MSG_TSINFO_GET" -> {timestamping, tx_types, rx_filters: string[] (the set
 *        bits' names), phc_index?}
 *   cmd:"ETHTOOL_MSG_{PAUSE,COALESCE,RINGS}_GET" -> the ETHTOOL_A_* attributes the kernel puts,
 *        by name ({autoneg, rx, tx}, {"rx-frames": 0 …}, {"rx-max" …})
 *   cmd:"ETHTOOL_MSG_{PAUSE,COALESCE,RINGS,CHANNELS}_SET", attrs: [name, value][] -> {} or a
 *        KErr whose `attr` indexes the attribute its extack points at
 *   cmd:"ETHTOOL_GSSET_INFO", string_set -> {len}; the other ioctl commands (ETHTOOL_NWAY_RST,
 *        ETHTOOL_GEEPROM …) and netlink GETs (ETHTOOL_MSG_EEE_GET …) are only ever refused by the
 *        modelled drivers, so only their errors are printed from real answers
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

/** netlink/netlink.h: show_u32() — an attribute the kernel left out prints n/a */
function showU32(label: string, v: unknown): string {
  return typeof v === "number" ? `${label}${v >>> 0}\n` : `${label}n/a\n`;
}

/** netlink/netlink.h: show_bool() (text): on, off, or n/a for an absent attribute */
function showBool(fmt: (v: string) => string, v: unknown): string {
  return fmt(typeof v === "number" ? (v ? "on" : "off") : "n/a");
}

/**
 * netlink/channels.c: nl_gchannels() / channels_reply_cb(). The kernel answers
 * cmd:"ETHTOOL_GCHANNELS" with ethtool_channels; channels_fill_reply() puts a count only with
 * its nonzero maximum.
 */
function doGchannels(p: Process, dev: string): number {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_GCHANNELS");
  if (isKErr(r)) return nlError(p, r);
  const pair = (max: string, cnt: string): [unknown, unknown] => (num(r, max) ? [r[max], r[cnt]] : [undefined, undefined]);
  const [mrx, rx] = pair("max_rx", "rx_count");
  const [mtx, tx] = pair("max_tx", "tx_count");
  const [mot, ot] = pair("max_other", "other_count");
  const [mco, co] = pair("max_combined", "combined_count");
  p.stdout.write(
    `Channel parameters for ${dev}:\nPre-set maximums:\n` +
      showU32("RX:\t\t", mrx) + showU32("TX:\t\t", mtx) + showU32("Other:\t\t", mot) + showU32("Combined:\t", mco) +
      "Current hardware settings:\n" +
      showU32("RX:\t\t", rx) + showU32("TX:\t\t", tx) + showU32("Other:\t\t", ot) + showU32("Combined:\t", co),
  );
  return 0;
}

/** netlink/rings.c: nl_gring() / rings_reply_cb(); cmd:"ETHTOOL_MSG_RINGS_GET" answers the
 * ETHTOOL_A_RINGS_* attributes by name (rx-max, rx, tx-push …) */
function doGring(p: Process, dev: string): number {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_MSG_RINGS_GET");
  if (isKErr(r)) return nlError(p, r);
  const split = num(r, "tcp-data-split");
  p.stdout.write(
    `Ring parameters for ${dev}:\nPre-set maximums:\n` +
      showU32("RX:\t\t", r["rx-max"]) + showU32("RX Mini:\t", r["rx-mini-max"]) +
      showU32("RX Jumbo:\t", r["rx-jumbo-max"]) + showU32("TX:\t\t", r["tx-max"]) +
      "Current hardware settings:\n" +
      showU32("RX:\t\t", r["rx"]) + showU32("RX Mini:\t", r["rx-mini"]) + showU32("RX Jumbo:\t", r["rx-jumbo"]) +
      showU32("TX:\t\t", r["tx"]) + showU32("RX Buf Len:\t\t", r["rx-buf-len"]) + showU32("CQE Size:\t\t", r["cqe-size"]) +
      showBool((v) => `TX Push:\t${v}\n`, r["tx-push"]) +
      `TCP data split:\t${split === 0 ? "n/a" : split === 1 ? "off" : split === 2 ? "on" : `unknown(${split})`}\n`,
  );
  return 0;
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
      return 1;
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

// ---------------------------------------------------------------------------- netlink SET parsing

/** a parameter of a netlink SET request (netlink/parser.c: struct param_parser) */
type NlParam = "u32" | "u8bool";

/** netlink/parser.c: parse_u32() — strtoul(), base 16 after "0x", else 10, all of it, ≤ 0xffffffff */
function parseU32(arg: string): number | undefined {
  const hex = arg[0] === "0" && (arg[1] === "x" || arg[1] === "X");
  const body = hex ? arg.slice(2) : arg;
  const m = (hex ? /^\s*([+-]?)([0-9a-fA-F]+)$/ : /^\s*([+-]?)([0-9]+)$/).exec(body);
  if (!body || !m) return undefined;
  let v = BigInt(hex ? `0x${m[2]}` : m[2]!);
  /* strtoul negates a "-" number in unsigned long arithmetic */
  if (m[1] === "-" && v !== 0n) v = (1n << 64n) - v;
  return v <= 0xffffffffn ? Number(v) : undefined;
}

/**
 * netlink/parser.c: nl_parser() with PARSER_GROUP_NONE — every parameter once, each followed
 * by its value; the request's attributes in command-line order, or the exit status of a bad
 * command line (the message printed)
 */
function nlParser(p: Process, cmd: string, params: Record<string, NlParam>, args: string[]): [string, number][] | number {
  const attrs: [string, number][] = [];
  const seen = new Set<string>();
  for (let i = 0; i < args.length; ) {
    const param = args[i]!;
    const type = params[param];
    if (!type) {
      p.stderr.write(`ethtool (${cmd}): unknown parameter '${param}'\n`);
      return 1;
    }
    if (seen.has(param)) {
      p.stderr.write(`ethtool (${cmd}): duplicate parameter '${param}'\n`);
      return 1;
    }
    i++;
    if (i >= args.length) {
      p.stderr.write(`ethtool (${cmd}): no value for parameter '${param}'\n`);
      return 1;
    }
    seen.add(param);
    const arg = args[i++]!;
    const v = type === "u32" ? parseU32(arg) : arg === "on" ? 1 : arg === "off" ? 0 : undefined;
    if (v === undefined) {
      p.stderr.write(`ethtool (${cmd}): invalid value '${arg}' for parameter '${param}'\n`);
      return 1;
    }
    attrs.push([param, v]);
  }
  return attrs;
}

/** the offset of a request's first parameter attribute: nlmsghdr, genlmsghdr, then the
 * header nest holding the device name */
function firstAttrOffset(dev: string): number {
  return 16 + 4 + 4 + nlaAlign(4 + new TextEncoder().encode(dev).length + 1);
}

/**
 * a netlink SET request of u32/u8 attributes (nl_spause, nl_scoalesce, nl_sring,
 * nl_schannels): parse, send, and report the kernel's refusal — its extack points at an
 * attribute (8 bytes each) by its index `attr`
 */
function nlSet(p: Process, dev: string, cmd: string, msg: string, params: Record<string, NlParam>, args: string[], failRc: number): number {
  const attrs = nlParser(p, cmd, params, args);
  if (typeof attrs === "number") return attrs;
  const r = ethtoolIoctl(p, dev, msg, { attrs });
  if (!isKErr(r)) return 0;
  const at = (r as KErr & { attr?: number }).attr;
  if (r.extack && at !== undefined && at >= 0) {
    p.stderr.write(`netlink error: ${r.extack} (offset ${firstAttrOffset(dev) + 8 * at})\n`);
    p.stderr.write(`netlink error: ${strerror(r.errno)}\n`);
    return failRc;
  }
  return nlError(p, r, failRc);
}

const SPAUSE_PARAMS: Record<string, NlParam> = { autoneg: "u8bool", rx: "u8bool", tx: "u8bool" };

const SCOALESCE_PARAMS: Record<string, NlParam> = {
  "adaptive-rx": "u8bool", "adaptive-tx": "u8bool", "sample-interval": "u32", "stats-block-usecs": "u32",
  "pkt-rate-low": "u32", "pkt-rate-high": "u32", "rx-usecs": "u32", "rx-frames": "u32", "rx-usecs-irq": "u32",
  "rx-frames-irq": "u32", "tx-usecs": "u32", "tx-frames": "u32", "tx-usecs-irq": "u32", "tx-frames-irq": "u32",
  "rx-usecs-low": "u32", "rx-frames-low": "u32", "tx-usecs-low": "u32", "tx-frames-low": "u32",
  "rx-usecs-high": "u32", "rx-frames-high": "u32", "tx-usecs-high": "u32", "tx-frames-high": "u32",
  "cqe-mode-rx": "u8bool", "cqe-mode-tx": "u8bool",
};

const SRING_PARAMS: Record<string, NlParam> = {
  rx: "u32", "rx-mini": "u32", "rx-jumbo": "u32", tx: "u32", "rx-buf-len": "u32", "cqe-size": "u32", "tx-push": "u8bool",
};

const SCHANNELS_PARAMS: Record<string, NlParam> = { rx: "u32", tx: "u32", other: "u32", combined: "u32" };

/** netlink/module-eeprom.c: getmodule_params[] */
const GETMODULE_PARAMS: Record<string, NlParam> = {
  hex: "u8bool", raw: "u8bool", offset: "u32", length: "u32", page: "u32", bank: "u32", i2c: "u32",
};

/** netlink/eee.c: nl_seee(), netlink/fec.c: nl_sfec(): nothing to set is refused before the
 * parser. --set-fec's encoding takes every word up to "--" (fec_parse_bitset()); the bitset
 * of --set-eee's advertise is not parsed here. The kernel's *_validate() refuses a driver
 * without get_eee/set_eee (get_fecparam/set_fecparam): no modelled driver has them. */
function doSeeeOrFec(p: Process, dev: string, rest: string[], fec: boolean): number {
  const cmd = fec ? "--set-fec" : "--set-eee";
  if (!rest.length) {
    p.stderr.write(`ethtool (${cmd}): parameters missing\n`);
    return 1;
  }
  let args = rest;
  if (fec) {
    /* encoding WORD… [--] then the parser goes on with what follows */
    args = [];
    const seen = new Set<string>();
    for (let i = 0; i < rest.length; ) {
      const param = rest[i]!;
      if (param !== "encoding") {
        p.stderr.write(`ethtool (${cmd}): unknown parameter '${param}'\n`);
        return 1;
      }
      if (seen.has(param)) {
        p.stderr.write(`ethtool (${cmd}): duplicate parameter '${param}'\n`);
        return 1;
      }
      seen.add(param);
      if (++i >= rest.length) {
        p.stderr.write(`ethtool (${cmd}): no value for parameter '${param}'\n`);
        return 1;
      }
      while (i < rest.length && rest[i] !== "--") i++;
      if (i < rest.length) i++;
    }
  } else if (rest.includes("advertise")) {
    p.stderr.write("ethtool: --set-eee advertise is not supported by this emulator\n");
    return 1;
  }
  if (!fec) {
    const attrs = nlParser(p, cmd, { "tx-lpi": "u8bool", "tx-timer": "u32", eee: "u8bool" }, args);
    if (typeof attrs === "number") return attrs;
  }
  const r = ethtoolIoctl(p, dev, fec ? "ETHTOOL_MSG_FEC_SET" : "ETHTOOL_MSG_EEE_SET");
  if (isKErr(r)) return nlError(p, r, fec ? 83 : 76);
  return 0;
}

/** netlink/cable_test.c: nl_cable_test() — ETHTOOL_MSG_CABLE_TEST_ACT needs a PHY (its further
 * arguments are not looked at) */
function doCableTest(p: Process, dev: string, json: boolean): number {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_MSG_CABLE_TEST_ACT");
  if (json) p.stdout.write(jsonArray([]));
  if (isKErr(r)) return nlError(p, r);
  p.stderr.write("ethtool: cable tests are not modelled by this emulator\n");
  return 1;
}

// ---------------------------------------------------------------------------- JSON

/** json_writer.c in pretty mode, as json_print.c's new_json_obj()/delete_json_obj() use it:
 * an array of objects of scalar members */
function jsonArray(objs: [string, string | number | boolean][][]): string {
  if (!objs.length) return "[ ]\n";
  const body = objs
    .map((o) => "{" + o.map(([k, v]) => `\n        ${JSON.stringify(k)}: ${typeof v === "string" ? JSON.stringify(v) : String(v)}`).join(",") + (o.length ? "\n    }" : "}"))
    .join(",");
  return `[ ${body} ]\n`;
}

// ---------------------------------------------------------------------------- the GET modes

/** netlink/tsinfo.c: nl_tsinfo() / tsinfo_reply_cb() — the bitsets come with their names */
function doTsinfo(p: Process, dev: string): number {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_MSG_TSINFO_GET");
  if (isKErr(r)) return nlError(p, r);
  const list = (label: string, ifEmpty: string, names: string[]): string =>
    names.length ? `${label}:\n${names.map((n) => `\t${n}\n`).join("")}` : `${label}:${ifEmpty}\n`;
  p.stdout.write(
    `Time stamping parameters for ${dev}:\n` +
      list("Capabilities", "", strs(r, "timestamping")) +
      `PTP Hardware Clock: ${typeof r["phc_index"] === "number" ? String(r["phc_index"]) : "none"}\n` +
      list("Hardware Transmit Timestamp Modes", " none", strs(r, "tx_types")) +
      list("Hardware Receive Filter Modes", " none", strs(r, "rx_filters")),
  );
  return 0;
}

/** netlink/permaddr.c: nl_permaddr() — an RTM_GETLINK of the device: its IFLA_PERM_ADDRESS
 * (no check of further arguments) */
function doPermaddr(p: Process, dev: string): number {
  const r = p.sys.rtnl.talk({
    type: "RTM_GETLINK",
    flags: {},
    ifi: { family: 0, type: 0, index: 0, flags: 0, change: 0 },
    attrs: { IFLA_IFNAME: dev },
  });
  if (!r.ack.ok) {
    if (r.ack.extack) p.stderr.write(`netlink error: ${r.ack.extack}\n`);
    p.stderr.write(`netlink error: ${strerror(r.ack.errno)}\n`);
    return 1;
  }
  const perm = (r.answer?.attrs as { IFLA_PERM_ADDRESS?: Uint8Array } | undefined)?.IFLA_PERM_ADDRESS;
  if (!perm) {
    p.stdout.write("Permanent address: not set\n");
    return 0;
  }
  p.stdout.write(`Permanent address:${[...perm].map((b, i) => (i ? ":" : " ") + b.toString(16).padStart(2, "0")).join("")}\n`);
  return 0;
}

/** netlink/pause.c: nl_gpause() / pause_reply_cb() (+ pause_autoneg_cb() from the link
 * modes when autonegotiation is on) */
function doGpause(p: Process, dev: string, json: boolean): number {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_MSG_PAUSE_GET");
  if (isKErr(r)) {
    if (json) p.stdout.write(jsonArray([]));
    return nlError(p, r);
  }
  let negotiated: [boolean, boolean] | undefined;
  if (num(r, "autoneg")) {
    const ls = ethtoolIoctl(p, dev, "ETHTOOL_GLINKSETTINGS");
    if (!isKErr(ls) && Array.isArray(ls["lp_advertising"])) {
      const ours = strs(ls, "advertising");
      const peer = strs(ls, "lp_advertising");
      const op = ours.includes("Pause"), oa = ours.includes("Asym_Pause");
      const pp = peer.includes("Pause"), pa = peer.includes("Asym_Pause");
      let rx = false, tx = false;
      if (op && pp) rx = tx = true;
      else if (oa && pa) {
        if (op) rx = true;
        else if (pp) tx = true;
      }
      negotiated = [rx, tx];
    }
  }
  if (json) {
    const o: [string, string | number | boolean][] = [["ifname", dev]];
    for (const k of ["autoneg", "rx", "tx"]) {
      if (typeof r[k] === "number") o.push([k === "autoneg" ? "autonegotiate" : k, !!r[k]]);
    }
    p.stdout.write(jsonArray([o]));
    return 0;
  }
  let out = `Pause parameters for ${dev}:\n`;
  out += showBool((v) => `Autonegotiate:\t${v}\n`, r["autoneg"]);
  out += showBool((v) => `RX:\t\t${v}\n`, r["rx"]);
  out += showBool((v) => `TX:\t\t${v}\n`, r["tx"]);
  if (negotiated) out += `RX negotiated: ${negotiated[0] ? "on" : "off"}\nTX negotiated: ${negotiated[1] ? "on" : "off"}\n`;
  p.stdout.write(out + "\n");
  return 0;
}

/** netlink/coalesce.c: nl_gcoalesce() / coalesce_reply_cb(); the kernel answers the
 * ETHTOOL_A_COALESCE_* attributes it reports, by name */
function doGcoalesce(p: Process, dev: string): number {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_MSG_COALESCE_GET");
  if (isKErr(r)) return nlError(p, r);
  const u = (k: string): string => showU32(`${k}: `, r[k]);
  let out = `Coalesce parameters for ${dev}:\n`;
  out += showBool((v) => `Adaptive RX: ${v}  `, r["adaptive-rx"]) + showBool((v) => `TX: ${v}\n`, r["adaptive-tx"]);
  out += u("stats-block-usecs") + u("sample-interval") + u("pkt-rate-low") + u("pkt-rate-high") + "\n";
  out += u("rx-usecs") + u("rx-frames") + u("rx-usecs-irq") + u("rx-frames-irq") + "\n";
  out += u("tx-usecs") + u("tx-frames") + u("tx-usecs-irq") + u("tx-frames-irq") + "\n";
  out += u("rx-usecs-low") + showU32("rx-frame-low: ", r["rx-frames-low"]) + u("tx-usecs-low") + showU32("tx-frame-low: ", r["tx-frames-low"]) + "\n";
  out += u("rx-usecs-high") + showU32("rx-frame-high: ", r["rx-frames-high"]) + u("tx-usecs-high") + showU32("tx-frame-high: ", r["tx-frames-high"]) + "\n";
  out += showBool((v) => `CQE mode RX: ${v}  `, r["cqe-mode-rx"]) + showBool((v) => `TX: ${v}\n`, r["cqe-mode-tx"]) + "\n";
  p.stdout.write(out);
  return 0;
}

/** a netlink GET no modelled driver answers but with an error (nl_gprivflags, nl_geee,
 * nl_gfec, nl_gtunnels): the refusal, its extack first */
function nlGetRefused(p: Process, dev: string, msg: string, json = false): number {
  const r = ethtoolIoctl(p, dev, msg);
  if (json) p.stdout.write(jsonArray([]));
  if (isKErr(r)) {
    if (r.extack && r.errno !== "ENODEV") p.stderr.write(`netlink error: ${r.extack}\n`);
    return nlError(p, r);
  }
  p.stderr.write(`ethtool: ${msg} answers are not modelled by this emulator\n`);
  return 1;
}

/** netlink/module.c: nl_gmodule() / module_reply_cb() — the power mode attributes only a
 * driver with get_module_power_mode reports */
function doGmodule(p: Process, dev: string, json: boolean): number {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_MSG_MODULE_GET");
  if (isKErr(r)) {
    if (json) p.stdout.write(jsonArray([]));
    return nlError(p, r);
  }
  p.stdout.write(json ? jsonArray([[["ifname", dev]]]) : `Module parameters for ${dev}:\n`);
  return 0;
}

/**
 * netlink/module-eeprom.c: nl_getmodule(). A whole raw or hex dump goes to the ioctl
 * (ethtool.c: do_getmodule(), which asks ETHTOOL_GMODULEINFO first); pages go through
 * ETHTOOL_MSG_MODULE_EEPROM_GET.
 */
function doGetmodule(p: Process, dev: string, rest: string[]): number {
  const attrs = nlParser(p, "-m", GETMODULE_PARAMS, rest);
  if (typeof attrs === "number") return attrs;
  const a = new Map(attrs);
  if (a.get("hex") && a.get("raw")) {
    p.stderr.write("Hex and raw dump cannot be specified together\n");
    return 1;
  }
  if ((a.get("hex") || a.get("raw")) && !a.get("page") && !a.get("bank") && !a.get("i2c")) {
    /* the ioctl fallback: do_getmodule() reparses its own parameters */
    if (a.has("page") || a.has("bank") || a.has("i2c")) return badArgs(p);
    if (new TextEncoder().encode(dev).length >= 16) {
      p.stderr.write("kernel netlink support for subcommand missing, device name longer than 15 not supported\n");
      return 1;
    }
    const r = ethtoolIoctl(p, dev, "ETHTOOL_GMODULEINFO");
    if (isKErr(r)) {
      p.stderr.write(`Cannot get module EEPROM information: ${strerror(r.errno)}\n`);
      return 1;
    }
    p.stderr.write("ethtool: module EEPROM dumps are not modelled by this emulator\n");
    return 1;
  }
  const r = ethtoolIoctl(p, dev, "ETHTOOL_MSG_MODULE_EEPROM_GET");
  if (isKErr(r)) return nlError(p, r);
  p.stderr.write("ethtool: module EEPROM contents are not modelled by this emulator\n");
  return 1;
}

// ---------------------------------------------------------------------------- ioctl modes

/** perror() of an ioctl that failed: "label: strerror" */
function perror(p: Process, label: string, e: KErr): void {
  p.stderr.write(`${label}: ${strerror(e.errno)}\n`);
}

/** ethtool.c: get_int_range()/get_uint_range(): strtoll/strtoull with base 0, all of it
 * (an empty string is 0), or exit_bad_args() */
function getIntRange(str: string | undefined, min: bigint, max: bigint): bigint | undefined {
  if (str === undefined) return undefined;
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)?$/.exec(str);
  if (!m || (m[2] === undefined && m[1] !== "")) return undefined;
  let v = m[2] === undefined ? 0n : /^0[xX]/.test(m[2]) ? BigInt(m[2]) : m[2].length > 1 && m[2][0] === "0" ? BigInt(`0o${m[2].slice(1)}`) : BigInt(m[2]);
  if (m[1] === "-") v = -v;
  return v < min || v > max ? undefined : v;
}

function getUintRange(str: string | undefined, max: bigint): bigint | undefined {
  const v = getIntRange(str, -(1n << 64n), (1n << 64n) - 1n);
  if (v === undefined) return undefined;
  /* strtoull negates in unsigned arithmetic (ERANGE beyond 64 bits) */
  const u = v < 0n ? (1n << 64n) + v : v;
  return u > max ? undefined : u;
}

/** ethtool.c: parse_generic_cmdline() for the CMDL_BOOL / CMDL_U32 / CMDL_STR parameters of
 * -e and -d: false on a bad command line */
function parseGeneric(args: string[], info: Record<string, "bool" | "u32" | "str">): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const type = info[args[i]!];
    if (!type) return undefined;
    const name = args[i]!;
    if (++i >= args.length) return undefined;
    const v = args[i]!;
    if (type === "bool" && v !== "on" && v !== "off") return undefined;
    if (type === "u32" && getUintRange(v, 0xffffffffn) === undefined) return undefined;
    out.set(name, v);
  }
  return out;
}

/** ethtool.c: do_nway_rst() — the ioctl's -1 is the exit status (255) */
function doNwayRst(p: Process, rest: string[], dev: string): number {
  if (rest.length) return badArgs(p);
  const r = ethtoolIoctl(p, dev, "ETHTOOL_NWAY_RST");
  if (isKErr(r)) {
    perror(p, "Cannot restart autonegotiation", r);
    return 255;
  }
  return 0;
}

/** ethtool.c: do_phys_id() */
function doPhysId(p: Process, rest: string[], dev: string): number {
  if (rest.length > 1) return badArgs(p);
  const t = rest.length ? getIntRange(rest[0], -(1n << 31n), (1n << 31n) - 1n) : 0n;
  if (t === undefined) return badArgs(p);
  const r = ethtoolIoctl(p, dev, "ETHTOOL_PHYS_ID", { data: Number(t) });
  if (isKErr(r)) {
    perror(p, "Cannot identify NIC", r);
    return 255;
  }
  return 0;
}

/** ethtool.c: do_geeprom() / do_gregs(): the driver information first (its eedump_len /
 * regdump_len size the request) */
function doGeepromOrRegs(p: Process, rest: string[], dev: string, regs: boolean): number {
  const opts: Record<string, "bool" | "u32" | "str"> = regs ? { raw: "bool", hex: "bool", file: "str" } : { offset: "u32", length: "u32", raw: "bool" };
  if (!parseGeneric(rest, opts)) return badArgs(p);
  const d = ethtoolIoctl(p, dev, "ETHTOOL_GDRVINFO");
  if (isKErr(d)) {
    perror(p, "Cannot get driver information", d);
    return regs ? 72 : 74;
  }
  const r = ethtoolIoctl(p, dev, regs ? "ETHTOOL_GREGS" : "ETHTOOL_GEEPROM");
  if (isKErr(r)) {
    perror(p, regs ? "Cannot get register dump" : "Cannot get EEPROM data", r);
    return 74;
  }
  p.stderr.write(`ethtool: ${regs ? "register" : "EEPROM"} dumps are not modelled by this emulator\n`);
  return 1;
}

/** ethtool.c: get_stringset(): ETHTOOL_GSSET_INFO's length of one set (0: the driver does not
 * count it), or the failed ioctl */
function stringsetLen(p: Process, dev: string, set: string): number | KErr {
  const r = ethtoolIoctl(p, dev, "ETHTOOL_GSSET_INFO", { string_set: set });
  return isKErr(r) ? r : num(r, "len");
}

/** ethtool.c: do_test() */
function doTest(p: Process, rest: string[], dev: string): number {
  if (rest.length > 1) return badArgs(p);
  if (rest.length === 1 && !["online", "offline", "external_lb"].includes(rest[0]!)) return badArgs(p);
  const n = stringsetLen(p, dev, "ETH_SS_TEST");
  if (isKErr(n)) {
    perror(p, "Cannot get strings", n);
    return 74;
  }
  const r = ethtoolIoctl(p, dev, "ETHTOOL_TEST", { flags: rest[0] ?? "offline" });
  if (isKErr(r)) {
    perror(p, "Cannot test", r);
    return 74;
  }
  p.stderr.write("ethtool: self tests are not modelled by this emulator\n");
  return 1;
}

/** ethtool.c: do_gphystats() → do_gstats(ETHTOOL_GPHYSTATS, ETH_SS_PHY_STATS) */
function doGphystats(p: Process, rest: string[], dev: string): number {
  if (rest.length) return badArgs(p);
  const n = stringsetLen(p, dev, "ETH_SS_PHY_STATS");
  if (isKErr(n)) {
    perror(p, "Cannot get stats strings information", n);
    return 96;
  }
  if (n < 1) {
    p.stderr.write("no stats available\n");
    return 94;
  }
  p.stderr.write("ethtool: PHY statistics are not modelled by this emulator\n");
  return 1;
}

/** ethtool.c: do_grxfh() — the RX ring count first */
function doGrxfh(p: Process, rest: string[], dev: string): number {
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] !== "context") return badArgs(p);
    if (getIntRange(rest[++i], 1n, 0xfffffffen) === undefined) return badArgs(p);
  }
  const r = ethtoolIoctl(p, dev, "ETHTOOL_GRXRINGS");
  if (isKErr(r)) {
    perror(p, "Cannot get RX ring count", r);
    return 1;
  }
  p.stderr.write("ethtool: RSS indirection tables are not modelled by this emulator\n");
  return 1;
}

/** ethtool.c: rxflow_str_to_type() */
const RXFLOW_TYPES = ["tcp4", "udp4", "ah4", "esp4", "sctp4", "tcp6", "udp6", "ah6", "esp6", "sctp6", "ether"];

/** ethtool.c: do_grxclass() (+ rxclass.c: rxclass_rule_get(), rxclass_rule_getall()) */
function doGrxclass(p: Process, rest: string[], dev: string): number {
  if (rest.length > 0 && rest[0] === "rx-flow-hash") {
    if (rest.length === 4) {
      if (rest[2] !== "context" || getUintRange(rest[3], 0xffffffffn) === undefined) return badArgs(p);
    } else if (rest.length !== 2) return badArgs(p);
    if (!RXFLOW_TYPES.includes(rest[1]!)) return badArgs(p);
    const r = ethtoolIoctl(p, dev, "ETHTOOL_GRXFH");
    if (isKErr(r)) {
      perror(p, "Cannot get RX network flow hashing options", r);
      return 1;
    }
  } else if (rest.length === 2 && rest[0] === "rule") {
    if (getUintRange(rest[1], 0x7fffffffn) === undefined) return badArgs(p);
    const r = ethtoolIoctl(p, dev, "ETHTOOL_GRXCLSRULE");
    if (isKErr(r)) {
      perror(p, "rxclass: Cannot get RX class rule", r);
      p.stderr.write("Cannot get RX classification rule\n");
      return 1;
    }
  } else if (rest.length === 0) {
    const r = ethtoolIoctl(p, dev, "ETHTOOL_GRXRINGS");
    if (isKErr(r)) perror(p, "Cannot get RX rings", r);
    const c = ethtoolIoctl(p, dev, "ETHTOOL_GRXCLSRLCNT");
    if (isKErr(c)) {
      perror(p, "rxclass: Cannot get RX class rule count", c);
      p.stderr.write("RX classification rule retrieval failed\n");
      return 1;
    }
    if (isKErr(r)) return 1;
  } else return badArgs(p);
  p.stderr.write("ethtool: RX flow classification is not modelled by this emulator\n");
  return 1;
}

/** ethtool.c: do_getfwdump() */
function doGetfwdump(p: Process, rest: string[], dev: string): number {
  if (!(rest.length === 2 && rest[0] === "data") && rest.length !== 0) return badArgs(p);
  const r = ethtoolIoctl(p, dev, "ETHTOOL_GET_DUMP_FLAG");
  if (isKErr(r)) {
    perror(p, "Can not get dump level", r);
    return 1;
  }
  p.stderr.write("ethtool: firmware dumps are not modelled by this emulator\n");
  return 1;
}

/** ethtool.c: do_setfwdump() */
function doSetfwdump(p: Process, rest: string[], dev: string): number {
  if (rest.length !== 1) return badArgs(p);
  const flag = getUintRange(rest[0], 0xffffffffn);
  if (flag === undefined) return badArgs(p);
  const r = ethtoolIoctl(p, dev, "ETHTOOL_SET_DUMP", { flag: Number(flag) });
  if (isKErr(r)) {
    perror(p, "Can not set dump level", r);
    return 1;
  }
  return 0;
}

/** ethtool.c: tunables_info[]'s names (tunable_strings), in that table's order */
const TUNABLES = ["rx-copybreak", "tx-copybreak", "pfc-prevention-tout", "tx-buf-size"];

/** ethtool.c: do_gtunable() — each name in turn; the first the driver refuses ends it (the
 * ioctl's -1: exit 255), an unknown one is a bad command line when it is reached */
function doGtunable(p: Process, rest: string[], dev: string): number {
  if (rest.length < 1) return badArgs(p);
  for (const name of rest) {
    if (!TUNABLES.includes(name)) return badArgs(p);
    const r = ethtoolIoctl(p, dev, "ETHTOOL_GTUNABLE", { id: name });
    if (isKErr(r)) {
      p.stderr.write(`${name}: Cannot get tunable\n`);
      return 255;
    }
    p.stderr.write("ethtool: tunables are not modelled by this emulator\n");
    return 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------- the modes

interface Ctx {
  dev: string;
  rest: string[];
  json: boolean;
}

interface Mode {
  /** ethtool.c: struct option — opts "-a|--show-pause", no_dev, json, whether it has a netlink
   * handler (nlfunc) and an ioctl one (func), help, xhelp */
  opts: string;
  noDev?: boolean;
  json?: boolean;
  nl?: boolean;
  ioctl?: boolean;
  help: string;
  xhelp?: string;
}

/** ethtool.c: args[] */
const ARGS: Mode[] = [
  { opts: "", nl: true, ioctl: true, help: "Display standard information about device" },
  { opts: "-s|--change", nl: true, ioctl: true, help: "Change generic options", xhelp: "\t\t[ speed %d ]\n\t\t[ lanes %d ]\n\t\t[ duplex half|full ]\n\t\t[ port tp|aui|bnc|mii|fibre|da ]\n\t\t[ mdix auto|on|off ]\n\t\t[ autoneg on|off ]\n\t\t[ advertise %x[/%x] | mode on|off ... [--] ]\n\t\t[ phyad %d ]\n\t\t[ xcvr internal|external ]\n\t\t[ wol %d[/%d] | p|u|m|b|a|g|s|f|d... ]\n\t\t[ sopass %x:%x:%x:%x:%x:%x ]\n\t\t[ msglvl %d[/%d] | type on|off ... [--] ]\n\t\t[ master-slave preferred-master|preferred-slave|forced-master|forced-slave ]\n" },
  { opts: "-a|--show-pause", json: true, nl: true, ioctl: true, help: "Show pause options" },
  { opts: "-A|--pause", nl: true, ioctl: true, help: "Set pause options", xhelp: "\t\t[ autoneg on|off ]\n\t\t[ rx on|off ]\n\t\t[ tx on|off ]\n" },
  { opts: "-c|--show-coalesce", nl: true, ioctl: true, help: "Show coalesce options" },
  { opts: "-C|--coalesce", nl: true, ioctl: true, help: "Set coalesce options", xhelp: "\t\t[adaptive-rx on|off]\n\t\t[adaptive-tx on|off]\n\t\t[rx-usecs N]\n\t\t[rx-frames N]\n\t\t[rx-usecs-irq N]\n\t\t[rx-frames-irq N]\n\t\t[tx-usecs N]\n\t\t[tx-frames N]\n\t\t[tx-usecs-irq N]\n\t\t[tx-frames-irq N]\n\t\t[stats-block-usecs N]\n\t\t[pkt-rate-low N]\n\t\t[rx-usecs-low N]\n\t\t[rx-frames-low N]\n\t\t[tx-usecs-low N]\n\t\t[tx-frames-low N]\n\t\t[pkt-rate-high N]\n\t\t[rx-usecs-high N]\n\t\t[rx-frames-high N]\n\t\t[tx-usecs-high N]\n\t\t[tx-frames-high N]\n\t\t[sample-interval N]\n\t\t[cqe-mode-rx on|off]\n\t\t[cqe-mode-tx on|off]\n" },
  { opts: "-g|--show-ring", nl: true, ioctl: true, help: "Query RX/TX ring parameters" },
  { opts: "-G|--set-ring", nl: true, ioctl: true, help: "Set RX/TX ring parameters", xhelp: "\t\t[ rx N ]\n\t\t[ rx-mini N ]\n\t\t[ rx-jumbo N ]\n\t\t[ tx N ]\n\t\t[ rx-buf-len N]\n             [ cqe-size N]\n\t\t[ tx-push on|off]\n" },
  { opts: "-k|--show-features|--show-offload", json: true, nl: true, ioctl: true, help: "Get state of protocol offload and other features" },
  { opts: "-K|--features|--offload", nl: true, ioctl: true, help: "Set protocol offload and other features", xhelp: "\t\tFEATURE on|off ...\n" },
  { opts: "-i|--driver", ioctl: true, help: "Show driver information" },
  { opts: "-d|--register-dump", ioctl: true, help: "Do a register dump", xhelp: "\t\t[ raw on|off ]\n\t\t[ file FILENAME ]\n" },
  { opts: "-e|--eeprom-dump", ioctl: true, help: "Do a EEPROM dump", xhelp: "\t\t[ raw on|off ]\n\t\t[ offset N ]\n\t\t[ length N ]\n" },
  { opts: "-E|--change-eeprom", ioctl: true, help: "Change bytes in device EEPROM", xhelp: "\t\t[ magic N ]\n\t\t[ offset N ]\n\t\t[ length N ]\n\t\t[ value N ]\n" },
  { opts: "-r|--negotiate", ioctl: true, help: "Restart N-WAY negotiation" },
  { opts: "-p|--identify", ioctl: true, help: "Show visible port identification (e.g. blinking)", xhelp: "               [ TIME-IN-SECONDS ]\n" },
  { opts: "-t|--test", ioctl: true, help: "Execute adapter self test", xhelp: "               [ online | offline | external_lb ]\n" },
  { opts: "-S|--statistics", json: true, nl: true, ioctl: true, help: "Show adapter statistics", xhelp: "               [ --all-groups | --groups [eth-phy] [eth-mac] [eth-ctrl] [rmon] ]\n" },
  { opts: "--phy-statistics", ioctl: true, help: "Show phy statistics" },
  { opts: "-n|-u|--show-nfc|--show-ntuple", ioctl: true, help: "Show Rx network flow classification options or rules", xhelp: "\t\t[ rx-flow-hash tcp4|udp4|ah4|esp4|sctp4|tcp6|udp6|ah6|esp6|sctp6 [context %d] |\n\t\t  rule %d ]\n" },
  { opts: "-N|-U|--config-nfc|--config-ntuple", ioctl: true, help: "Configure Rx network flow classification options or rules", xhelp: "\t\trx-flow-hash tcp4|udp4|ah4|esp4|sctp4|tcp6|udp6|ah6|esp6|sctp6 m|v|t|s|d|f|n|r... [context %d] |\n\t\tflow-type ether|ip4|tcp4|udp4|sctp4|ah4|esp4|ip6|tcp6|udp6|ah6|esp6|sctp6\n\t\t\t[ src %x:%x:%x:%x:%x:%x [m %x:%x:%x:%x:%x:%x] ]\n\t\t\t[ dst %x:%x:%x:%x:%x:%x [m %x:%x:%x:%x:%x:%x] ]\n\t\t\t[ proto %d [m %x] ]\n\t\t\t[ src-ip IP-ADDRESS [m IP-ADDRESS] ]\n\t\t\t[ dst-ip IP-ADDRESS [m IP-ADDRESS] ]\n\t\t\t[ tos %d [m %x] ]\n\t\t\t[ tclass %d [m %x] ]\n\t\t\t[ l4proto %d [m %x] ]\n\t\t\t[ src-port %d [m %x] ]\n\t\t\t[ dst-port %d [m %x] ]\n\t\t\t[ spi %d [m %x] ]\n\t\t\t[ vlan-etype %x [m %x] ]\n\t\t\t[ vlan %x [m %x] ]\n\t\t\t[ user-def %x [m %x] ]\n\t\t\t[ dst-mac %x:%x:%x:%x:%x:%x [m %x:%x:%x:%x:%x:%x] ]\n\t\t\t[ action %d ] | [ vf %d queue %d ]\n\t\t\t[ context %d ]\n\t\t\t[ loc %d]] |\n\t\tdelete %d\n" },
  { opts: "-T|--show-time-stamping", nl: true, ioctl: true, help: "Show time stamping capabilities" },
  { opts: "-x|--show-rxfh-indir|--show-rxfh", ioctl: true, help: "Show Rx flow hash indirection table and/or RSS hash key", xhelp: "\t\t[ context %d ]\n" },
  { opts: "-X|--set-rxfh-indir|--rxfh", ioctl: true, help: "Set Rx flow hash indirection table and/or RSS hash key", xhelp: "\t\t[ context %d|new ]\n\t\t[ equal N | weight W0 W1 ... | default ]\n\t\t[ hkey %x:%x:%x:%x:%x:.... ]\n\t\t[ hfunc FUNC ]\n\t\t[ delete ]\n" },
  { opts: "-f|--flash", ioctl: true, help: "Flash firmware image from the specified file to a region on the device", xhelp: "               FILENAME [ REGION-NUMBER-TO-FLASH ]\n" },
  { opts: "-P|--show-permaddr", nl: true, ioctl: true, help: "Show permanent hardware address" },
  { opts: "-w|--get-dump", ioctl: true, help: "Get dump flag, data", xhelp: "\t\t[ data FILENAME ]\n" },
  { opts: "-W|--set-dump", ioctl: true, help: "Set dump flag of the device", xhelp: "\t\tN\n" },
  { opts: "-l|--show-channels", nl: true, ioctl: true, help: "Query Channels" },
  { opts: "-L|--set-channels", nl: true, ioctl: true, help: "Set Channels", xhelp: "               [ rx N ]\n               [ tx N ]\n               [ other N ]\n               [ combined N ]\n" },
  { opts: "--show-priv-flags", nl: true, ioctl: true, help: "Query private flags" },
  { opts: "--set-priv-flags", nl: true, ioctl: true, help: "Set private flags", xhelp: "\t\tFLAG on|off ...\n" },
  { opts: "-m|--dump-module-eeprom|--module-info", nl: true, ioctl: true, help: "Query/Decode Module EEPROM information and optical diagnostics if available", xhelp: "\t\t[ raw on|off ]\n\t\t[ hex on|off ]\n\t\t[ offset N ]\n\t\t[ length N ]\n\t\t[ page N ]\n\t\t[ bank N ]\n\t\t[ i2c N ]\n" },
  { opts: "--show-eee", nl: true, ioctl: true, help: "Show EEE settings" },
  { opts: "--set-eee", nl: true, ioctl: true, help: "Set EEE settings", xhelp: "\t\t[ eee on|off ]\n\t\t[ advertise %x ]\n\t\t[ tx-lpi on|off ]\n\t\t[ tx-timer %d ]\n" },
  { opts: "--set-phy-tunable", ioctl: true, help: "Set PHY tunable", xhelp: "\t\t[ downshift on|off [count N] ]\n\t\t[ fast-link-down on|off [msecs N] ]\n\t\t[ energy-detect-power-down on|off [msecs N] ]\n" },
  { opts: "--get-phy-tunable", ioctl: true, help: "Get PHY tunable", xhelp: "\t\t[ downshift ]\n\t\t[ fast-link-down ]\n\t\t[ energy-detect-power-down ]\n" },
  { opts: "--get-tunable", ioctl: true, help: "Get tunable", xhelp: "\t\t[ rx-copybreak ]\n\t\t[ tx-copybreak ]\n\t\t[ tx-buf-size ]\n\t\t[ pfc-precention-tout ]\n" },
  { opts: "--set-tunable", ioctl: true, help: "Set tunable", xhelp: "\t\t[ rx-copybreak N]\n\t\t[ tx-copybreak N]\n\t\t[ tx-buf-size N]\n\t\t[ pfc-precention-tout N]\n" },
  { opts: "--reset", ioctl: true, help: "Reset components", xhelp: "\t\t[ flags %x ]\n\t\t[ mgmt ]\n\t\t[ mgmt-shared ]\n\t\t[ irq ]\n\t\t[ irq-shared ]\n\t\t[ dma ]\n\t\t[ dma-shared ]\n\t\t[ filter ]\n\t\t[ filter-shared ]\n\t\t[ offload ]\n\t\t[ offload-shared ]\n\t\t[ mac ]\n\t\t[ mac-shared ]\n\t\t[ phy ]\n\t\t[ phy-shared ]\n\t\t[ ram ]\n\t\t[ ram-shared ]\n\t\t[ ap ]\n\t\t[ ap-shared ]\n\t\t[ dedicated ]\n\t\t[ all ]\n" },
  { opts: "--show-fec", json: true, nl: true, ioctl: true, help: "Show FEC settings" },
  { opts: "--set-fec", nl: true, ioctl: true, help: "Set FEC settings", xhelp: "\t\t[ encoding auto|off|rs|baser|llrs [...]]\n" },
  { opts: "-Q|--per-queue", ioctl: true, help: "Apply per-queue command. ", xhelp: "The supported sub commands include --show-coalesce, --coalesce             [queue_mask %x] SUB_COMMAND\n" },
  { opts: "--cable-test", json: true, nl: true, help: "Perform a cable test" },
  { opts: "--cable-test-tdr", json: true, nl: true, help: "Print cable test time domain reflectrometery data", xhelp: "\t\t[ first N ]\n\t\t[ last N ]\n\t\t[ step N ]\n\t\t[ pair N ]\n" },
  { opts: "--show-tunnels", nl: true, help: "Show NIC tunnel offload information" },
  { opts: "--show-module", json: true, nl: true, help: "Show transceiver module settings" },
  { opts: "--set-module", nl: true, help: "Set transceiver module settings", xhelp: "\t\t[ power-mode-policy high|auto ]\n" },
  { opts: "-h|--help", noDev: true, ioctl: true, help: "Show this help" },
  { opts: "--version", noDev: true, ioctl: true, help: "Show version number" },
];

/** netlink/monitor.c: monitor_opts[]' patterns */
const MONITOR_PATTERNS = [
  "|--all", "-s|--change", "-k|--show-features|--show-offload|-K|--features|--offload",
  "--show-priv-flags|--set-priv-flags", "-g|--show-ring|-G|--set-ring", "-l|--show-channels|-L|--set-channels",
  "-c|--show-coalesce|-C|--coalesce", "-a|--show-pause|-A|--pause", "--show-eee|--set-eee", "--cable-test",
  "--cable-test-tdr", "--show-module|--set-module",
];

/** ethtool.c: show_usage() (+ netlink/monitor.c: nl_monitor_usage()) */
function showUsage(p: Process): number {
  let out = "ethtool version 6.1\nUsage:\n";
  for (const a of ARGS) {
    out += `        ethtool [ FLAGS ] ${a.opts} ${a.noDev ? "\t" : "DEVNAME"}\t${a.help}\n`;
    if (a.xhelp) out += a.xhelp;
  }
  out += "        ethtool --monitor               Show kernel notifications\n";
  out += "                ( [ --all ]";
  for (const pat of MONITOR_PATTERNS.slice(1)) out += "\n                  | " + pat.split("|").join(" | ");
  out += " )\n                [ DEVNAME | * ]\n\nFLAGS:\n";
  out += "\t--debug MASK\tturn on debugging messages\n";
  out += "\t--json\t\tenable JSON output format (not supported by all commands)\n";
  out += "\t-I|--include-statistics\t\trequest device statistics related to the command (not supported by all commands)\n";
  p.stdout.write(out);
  return 0;
}

/** the handler this port runs for each mode (by its first spelling); a mode left out answers
 * that the emulator does not support it */
const RUN: Record<string, (p: Process, c: Ctx) => number> = {
  "": (p, c) => doGset(p, c.dev),
  "-s": (p, c) => doSset(p, c.dev, c.rest),
  "-a": (p, c) => (noParams(p, c.rest) ? doGpause(p, c.dev, c.json) : 1),
  "-A": (p, c) => nlSet(p, c.dev, "-A", "ETHTOOL_MSG_PAUSE_SET", SPAUSE_PARAMS, c.rest, 76),
  "-c": (p, c) => (noParams(p, c.rest) ? doGcoalesce(p, c.dev) : 1),
  "-C": (p, c) => nlSet(p, c.dev, "-C", "ETHTOOL_MSG_COALESCE_SET", SCOALESCE_PARAMS, c.rest, 1),
  "-g": (p, c) => (noParams(p, c.rest) ? doGring(p, c.dev) : 1),
  "-G": (p, c) => nlSet(p, c.dev, "-G", "ETHTOOL_MSG_RINGS_SET", SRING_PARAMS, c.rest, 81),
  "-k": (p, c) => doGfeatures(p, c.dev, c.rest),
  "-K": (p, c) => doSfeatures(p, c.dev, c.rest),
  "-i": (p, c) => (c.rest.length ? badArgs(p) : doGdrv(p, c.dev)),
  "-d": (p, c) => doGeepromOrRegs(p, c.rest, c.dev, true),
  "-e": (p, c) => doGeepromOrRegs(p, c.rest, c.dev, false),
  "-r": (p, c) => doNwayRst(p, c.rest, c.dev),
  "-p": (p, c) => doPhysId(p, c.rest, c.dev),
  "-t": (p, c) => doTest(p, c.rest, c.dev),
  "-S": (p, c) => doGstats(p, c.dev, c.rest),
  "--phy-statistics": (p, c) => doGphystats(p, c.rest, c.dev),
  "-n": (p, c) => doGrxclass(p, c.rest, c.dev),
  "-T": (p, c) => (noParams(p, c.rest) ? doTsinfo(p, c.dev) : 1),
  "-x": (p, c) => doGrxfh(p, c.rest, c.dev),
  "-P": (p, c) => doPermaddr(p, c.dev),
  "-w": (p, c) => doGetfwdump(p, c.rest, c.dev),
  "-W": (p, c) => doSetfwdump(p, c.rest, c.dev),
  "-l": (p, c) => (noParams(p, c.rest) ? doGchannels(p, c.dev) : 1),
  "-L": (p, c) => nlSet(p, c.dev, "-L", "ETHTOOL_MSG_CHANNELS_SET", SCHANNELS_PARAMS, c.rest, 1),
  "--show-priv-flags": (p, c) => (noParams(p, c.rest) ? nlGetRefused(p, c.dev, "ETHTOOL_MSG_PRIVFLAGS_GET") : 1),
  "-m": (p, c) => doGetmodule(p, c.dev, c.rest),
  "--show-eee": (p, c) => (noParams(p, c.rest) ? nlGetRefused(p, c.dev, "ETHTOOL_MSG_EEE_GET") : 1),
  "--show-fec": (p, c) => (noParams(p, c.rest) ? nlGetRefused(p, c.dev, "ETHTOOL_MSG_FEC_GET", c.json) : 1),
  "--show-tunnels": (p, c) => (noParams(p, c.rest) ? nlGetRefused(p, c.dev, "ETHTOOL_MSG_TUNNEL_INFO_GET") : 1),
  "--get-tunable": (p, c) => doGtunable(p, c.rest, c.dev),
  "--set-eee": (p, c) => doSeeeOrFec(p, c.dev, c.rest, false),
  "--set-fec": (p, c) => doSeeeOrFec(p, c.dev, c.rest, true),
  "--cable-test": (p, c) => doCableTest(p, c.dev, c.json),
  "--show-module": (p, c) => (noParams(p, c.rest) ? doGmodule(p, c.dev, c.json) : 1),
  "-h": (p) => showUsage(p),
  "--version": (p) => {
    p.stdout.write("ethtool version 6.1\n");
    return 0;
  },
};

/** ethtool.c: find_option() */
function findOption(arg: string): Mode | undefined {
  return ARGS.slice(1).find((m) => m.opts.split("|").includes(arg));
}

/** the `ethtool` command: ethtool.c main() + netlink/netlink.c: netlink_run_handler() */
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
  if (args[0] === "--monitor") {
    p.stderr.write("ethtool: option --monitor is not supported by this emulator\n");
    return 1;
  }
  if (args.length === 0) return badArgs(p);
  let mode = findOption(args[0]!);
  if (mode) args = args.slice(1);
  else if (args[0]!.startsWith("-")) return badArgs(p);
  else mode = ARGS[0]!;
  let dev = "";
  if (!mode.noDev) {
    if (args[0] === undefined) return badArgs(p);
    dev = args[0];
    args = args.slice(1);
  }
  if (json && !mode.json) return badArgs(p);
  const first = mode.opts.split("|")[0]!;
  const run = RUN[first];
  const devLen = new TextEncoder().encode(dev).length;
  if (mode.nl && !mode.noDev && devLen >= 128) {
    p.stderr.write(`device name '${dev}' longer than 127 characters\n`);
    return 1;
  }
  if (!run) {
    p.stderr.write(`ethtool: option ${first || dev} is not supported by this emulator\n`);
    return 1;
  }
  // netlink_run_handler(): a mode without a netlink handler goes to the ioctl, which takes no
  // JSON and no device name of 16 bytes or more
  if (!mode.nl && !mode.noDev) {
    if (devLen >= 16) {
      p.stderr.write("ethtool netlink support for subcommand missing, device name longer than 15 not supported\n");
      return 1;
    }
  }
  // JSON: the netlink handlers of -a, --show-fec and --show-module write it (-S and -k answer
  // as their ioctl fallback does here)
  if (json && !["-a", "--show-fec", "--show-module", "--cable-test"].includes(first)) return badArgs(p);
  return run(p, { dev, rest: args, json });
}
