/**
 * The ip6tables-only extensions (iptables 1.8.9 extensions/libip6t_*.c): the icmp6 match
 * (libip6t_icmp6.c), the IPv6 REJECT target (libip6t_REJECT.c), the hl match and HL target
 * (libip6t_hl.c, libip6t_HL.c). The family-independent
 * libxt_* ones serve ip6tables as they are; the libipt_* ones are marked `family: 4`.
 */
import { parseIcmpType, parseUintOpt, printIcmpType, registerExts, type Ext } from "./extensions.ts";
import { ICMP6_HELP_HEAD, icmpHelp, rejectHelp } from "./ext-help.ts";
import { XTOPT_INVERT, XTOPT_MAND, optsOf, type XtOpt } from "./xtoptions.ts";
import { PARAMETER_PROBLEM, xtablesError } from "./xshared.ts";

/** icmpv6_codes[]: name, type, code_min, code_max (each alias right after its name) */
const ICMPV6_CODES: [string, number, number, number][] = [
  ["destination-unreachable", 1, 0, 0xff], ["no-route", 1, 0, 0], ["communication-prohibited", 1, 1, 1],
  ["beyond-scope", 1, 2, 2], ["address-unreachable", 1, 3, 3], ["port-unreachable", 1, 4, 4],
  ["failed-policy", 1, 5, 5], ["reject-route", 1, 6, 6], ["packet-too-big", 2, 0, 0xff],
  ["time-exceeded", 3, 0, 0xff], ["ttl-exceeded", 3, 0, 0xff], ["ttl-zero-during-transit", 3, 0, 0],
  ["ttl-zero-during-reassembly", 3, 1, 1], ["parameter-problem", 4, 0, 0xff], ["bad-header", 4, 0, 0],
  ["unknown-header-type", 4, 1, 1], ["unknown-option", 4, 2, 2], ["echo-request", 128, 0, 0xff], ["ping", 128, 0, 0xff],
  ["echo-reply", 129, 0, 0xff], ["pong", 129, 0, 0xff], ["router-solicitation", 133, 0, 0xff],
  ["router-advertisement", 134, 0, 0xff], ["neighbour-solicitation", 135, 0, 0xff], ["neighbor-solicitation", 135, 0, 0xff],
  ["neighbour-advertisement", 136, 0, 0xff], ["neighbor-advertisement", 136, 0, 0xff], ["redirect", 137, 0, 0xff],
];

const ICMP6_OPTS: XtOpt[] = [{ name: "icmpv6-type", id: 0, type: "string", flags: XTOPT_MAND | XTOPT_INVERT }];
/** IP6T_ICMP_INV */
const IP6T_ICMP_INV = 0x01;

const icmp6: Ext = {
  name: "icmp6", revision: 0, kind: "match", family: 6, opts: optsOf(ICMP6_OPTS), x6: ICMP6_OPTS,
  help: icmpHelp(ICMPV6_CODES, ICMP6_HELP_HEAD),
  init: () => ({ type: 0, code: [0, 0xff], invflags: 0 }),
  parse(_o, arg, invert, d) {
    parseIcmpType(arg, ICMPV6_CODES, "ICMPv6", d);
    if (invert) d["invflags"] |= IP6T_ICMP_INV;
  },
  print: (d, numeric) => printIcmpType("ipv6-icmp", ICMPV6_CODES, d, numeric),
  save(d) {
    let s = d["invflags"] & IP6T_ICMP_INV ? " !" : "";
    s += ` --icmpv6-type ${d["type"]}`;
    if (d["code"][0] !== 0 || d["code"][1] !== 0xff) s += `/${d["code"][0]}`;
    return s;
  },
};

/** reject_table[]: name, alias, enum ip6t_reject_with, description (not-neighbour and
 * echo-reply are #if 0 there) */
const REJECT6_TABLE: [string, string, number, string][] = [
  ["icmp6-no-route", "no-route", 0, "ICMPv6 no route"],
  ["icmp6-adm-prohibited", "adm-prohibited", 1, "ICMPv6 administratively prohibited"],
  ["icmp6-addr-unreachable", "addr-unreach", 3, "ICMPv6 address unreachable"],
  ["icmp6-port-unreachable", "port-unreach", 4, "ICMPv6 port unreachable"],
  ["tcp-reset", "tcp-reset", 6, "TCP RST packet"],
  ["icmp6-policy-fail", "policy-fail", 7, "ICMPv6 policy fail"],
  ["icmp6-reject-route", "reject-route", 8, "ICMPv6 reject route"],
];
/** IP6T_ICMP6_PORT_UNREACH */
const REJECT6_DEFAULT = 4;

function reject6Name(w: number): string {
  return REJECT6_TABLE.find((r) => r[2] === w)?.[0] ?? "";
}

const REJECT6: Ext = {
  name: "REJECT", revision: 0, kind: "target", family: 6, opts: { "reject-with": true },
  x6: [{ name: "reject-with", id: 0, type: "string" }],
  help: rejectHelp(REJECT6_TABLE.map(([n, a, , desc]) => [n, a, desc]), "\n"),
  init: () => ({ with: REJECT6_DEFAULT }),
  parse(_o, arg, _i, d) {
    // REJECT_parse(): strncasecmp() of the argument's length against each name, then alias
    const a = arg.toLowerCase();
    const r = REJECT6_TABLE.find(([n, al]) => n.startsWith(a) || al.startsWith(a));
    if (!r) xtablesError(PARAMETER_PROBLEM, `unknown reject type "${arg}"`);
    d["with"] = r[2];
  },
  print: (d) => ` reject-with ${reject6Name(d["with"])}`,
  save: (d) => ` --reject-with ${reject6Name(d["with"])}`,
};

/** enum ip6t_hl_mode: IP6T_HL_EQ, _NE, _LT, _GT */
const HL_OPS = ["==", "!=", "<", ">"];
/** F_ANY: each option excludes the others */
const HL_ANY = 7;

/** libip6t_hl.c (struct ip6t_hl_info: mode, hop_limit) */
const hl: Ext = {
  name: "hl", revision: 0, kind: "match", family: 6, opts: { "hl-eq": true, "hl-lt": true, "hl-gt": true },
  // (in libip6t_hl.c's table order)
  x6: [
    { name: "hl-lt", id: 1, type: "string", excl: HL_ANY },
    { name: "hl-gt", id: 2, type: "string", excl: HL_ANY },
    { name: "hl-eq", id: 0, type: "string", flags: XTOPT_INVERT, excl: HL_ANY },
  ],
  help: "hl match options:\n[!] --hl-eq value\tMatch hop limit value\n  --hl-lt value\tMatch HL < value\n  --hl-gt value\tMatch HL > value\n",
  init: () => ({ mode: 0, hop_limit: 0 }),
  parse(o, arg, invert, d) {
    d["hop_limit"] = parseUintOpt(arg, 255, "hl", o);
    d["mode"] = o === "hl-eq" ? (invert ? 1 : 0) : o === "hl-lt" ? 2 : 3;
    d["__set"] = 1;
  },
  final(d) {
    if (!d["__set"]) xtablesError(PARAMETER_PROBLEM, "HL match: You must specify one of `--hl-eq', `--hl-lt', `--hl-gt'");
    delete d["__set"];
  },
  print: (d) => ` HL match HL ${HL_OPS[d["mode"]]} ${d["hop_limit"]}`,
  save: (d) => [` --hl-eq ${d["hop_limit"]}`, ` ! --hl-eq ${d["hop_limit"]}`, ` --hl-lt ${d["hop_limit"]}`, ` --hl-gt ${d["hop_limit"]}`][d["mode"]]!,
};

/** libip6t_HL.c (struct ip6t_HL_info: mode IP6T_HL_SET/_INC/_DEC, hop_limit) */
const HL: Ext = {
  name: "HL", revision: 0, kind: "target", family: 6, opts: { "hl-set": true, "hl-dec": true, "hl-inc": true },
  x6: [
    { name: "hl-set", id: 0, type: "string", excl: HL_ANY },
    { name: "hl-dec", id: 2, type: "string", excl: HL_ANY },
    { name: "hl-inc", id: 1, type: "string", excl: HL_ANY },
  ],
  help: "HL target options\n  --hl-set value\t\tSet HL to <value 0-255>\n  --hl-dec value\t\tDecrement HL by <value 1-255>\n  --hl-inc value\t\tIncrement HL by <value 1-255>\n",
  init: () => ({ mode: 0, hop_limit: 0 }),
  parse(o, arg, _i, d) {
    // XTTYPE_UINT8; --hl-inc and --hl-dec from 1
    d["hop_limit"] = parseUintOpt(arg, 255, "HL", o, o === "hl-set" ? 0 : 1);
    d["mode"] = o === "hl-set" ? 0 : o === "hl-inc" ? 1 : 2;
    d["__set"] = 1;
  },
  final(d) {
    if (!d["__set"]) xtablesError(PARAMETER_PROBLEM, "HL: You must specify an action");
    delete d["__set"];
  },
  print: (d) => [` HL set to ${d["hop_limit"]}`, ` HL increment by ${d["hop_limit"]}`, ` HL decrement by ${d["hop_limit"]}`][d["mode"]]!,
  save: (d) => [` --hl-set ${d["hop_limit"]}`, ` --hl-inc ${d["hop_limit"]}`, ` --hl-dec ${d["hop_limit"]}`][d["mode"]]!,
};

registerExts([icmp6, REJECT6, hl, HL]);
