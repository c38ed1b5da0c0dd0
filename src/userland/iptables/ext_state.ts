/**
 * iptables extensions (per-rule state): recent, hashlimit, string; the target NETMAP.
 * Each as libxt_*.c of iptables 1.8.9 has it: options (parse), -L text (print), -S text (save).
 * The options go through a port of libxtables' xtoptions.c (xtables_option_parse() and
 * xtables_options_fcheck()) for the x6 option tables these extensions declare.
 */
import { ipToStr, ipmaskToCidr } from "./xtaddr.ts";
import { registerExts, type Ext, type ParseCtx } from "./extensions.ts";
import { xtablesError, PARAMETER_PROBLEM } from "./xshared.ts";
import { XTOPT_INVERT, XTOPT_MAND, optsOf, takeXflags, xtoptFcheckFlags, xtoptParse, type XtOpt } from "./ext_pkt.ts";
import { XT_RECENT_CHECK, XT_RECENT_SET, XT_RECENT_UPDATE, XT_RECENT_REMOVE, XT_RECENT_TTL, XT_RECENT_REAP, XT_RECENT_SOURCE, XT_RECENT_DEST, XT_RECENT_NAME_LEN, XT_STRING_FLAG_INVERT, XT_STRING_FLAG_IGNORECASE, XT_STRING_MAX_PATTERN_SIZE, XT_STRING_MAX_ALGO_NAME_SIZE, XT_HASHLIMIT_HASH_DIP, XT_HASHLIMIT_HASH_DPT, XT_HASHLIMIT_HASH_SIP, XT_HASHLIMIT_HASH_SPT, XT_HASHLIMIT_INVERT, XT_HASHLIMIT_BYTES, XT_HASHLIMIT_RATE_MATCH, XT_HASHLIMIT_SCALE_v2 } from "../../kernel/uapi/xt_state.ts";

// ---------------------------------------------------------------------------------------------
// xtoptions.c, the part these extensions use
// ---------------------------------------------------------------------------------------------



// ---------------------------------------------------------------------------------------------
// libxt_recent.c, revision 1 (struct xt_recent_mtinfo_v1)
// ---------------------------------------------------------------------------------------------


const R_SET = 0, R_RCHECK = 1, R_UPDATE = 2, R_REMOVE = 3, R_SECONDS = 4, R_REAP = 5, R_HITCOUNT = 6, R_RTTL = 7, R_NAME = 8, R_RSOURCE = 9, R_RDEST = 10, R_MASK = 11;
const F_ANY_OP = (1 << R_SET) | (1 << R_RCHECK) | (1 << R_UPDATE) | (1 << R_REMOVE);
const RECENT_OPTS: XtOpt[] = [
  { name: "set", id: R_SET, type: "none", excl: F_ANY_OP, flags: XTOPT_INVERT },
  { name: "rcheck", id: R_RCHECK, type: "none", excl: F_ANY_OP, flags: XTOPT_INVERT },
  { name: "update", id: R_UPDATE, type: "none", excl: F_ANY_OP, flags: XTOPT_INVERT },
  { name: "remove", id: R_REMOVE, type: "none", excl: F_ANY_OP, flags: XTOPT_INVERT },
  { name: "seconds", id: R_SECONDS, type: "uint32", min: 1 },
  { name: "reap", id: R_REAP, type: "none", also: 1 << R_SECONDS },
  { name: "hitcount", id: R_HITCOUNT, type: "uint32" },
  { name: "rttl", id: R_RTTL, type: "none", excl: (1 << R_SET) | (1 << R_REMOVE) },
  { name: "name", id: R_NAME, type: "string", size: XT_RECENT_NAME_LEN },
  { name: "rsource", id: R_RSOURCE, type: "none" },
  { name: "rdest", id: R_RDEST, type: "none" },
  { name: "mask", id: R_MASK, type: "host" },
];

/** libxt_recent.c: recent_help() */
const RECENT_HELP =
  "recent match options:\n" +
  "[!] --set                       Add source address to list, always matches.\n" +
  "[!] --rcheck                    Match if source address in list.\n" +
  "[!] --update                    Match if source address in list, also update last-seen time.\n" +
  "[!] --remove                    Match if source address in list, also removes that address from list.\n" +
  "    --seconds seconds           For check and update commands above.\n" +
  "                                Specifies that the match will only occur if source address last seen within\n" +
  "                                the last 'seconds' seconds.\n" +
  "    --reap                      Purge entries older then 'seconds'.\n" +
  "                                Can only be used in conjunction with the seconds option.\n" +
  "    --hitcount hits             For check and update commands above.\n" +
  "                                Specifies that the match will only occur if source address seen hits times.\n" +
  "                                May be used in conjunction with the seconds option.\n" +
  "    --rttl                      For check and update commands above.\n" +
  "                                Specifies that the match will only occur if the source address and the TTL\n" +
  "                                match between this packet and the one which was set.\n" +
  "                                Useful if you have problems with people spoofing their source address in order\n" +
  "                                to DoS you via this module.\n" +
  "    --name name                 Name of the recent list to be used.  DEFAULT used if none given.\n" +
  "    --rsource                   Match/Save the source address of each packet in the recent list table (default).\n" +
  "    --rdest                     Match/Save the destination address of each packet in the recent list table.\n" +
  "    --mask netmask              Netmask that will be applied to this recent list.\n" +
  "xt_recent by: Stephen Frost <sfrost@snowman.net>.\n";

const recent: Ext = {
  name: "recent", revision: 1, kind: "match", opts: optsOf(RECENT_OPTS),
  help: RECENT_HELP,
  init: () => ({ seconds: 0, hit_count: 0, check_set: 0, invert: 0, name: "DEFAULT", side: XT_RECENT_SOURCE, mask: 0xffffffff }),
  parse(o, arg, invert, d) {
    const [e, val] = xtoptParse("recent", RECENT_OPTS, o, arg, invert, d);
    switch (e.id) {
      case R_SET:
      case R_RCHECK:
      case R_UPDATE:
      case R_REMOVE:
        d["check_set"] |= [XT_RECENT_SET, XT_RECENT_CHECK, XT_RECENT_UPDATE, XT_RECENT_REMOVE][e.id]!;
        if (invert) d["invert"] = 1;
        break;
      case R_SECONDS:
        d["seconds"] = val.num;
        break;
      case R_HITCOUNT:
        d["hit_count"] = val.num;
        break;
      case R_NAME:
        d["name"] = val.str;
        break;
      case R_MASK:
        d["mask"] = val.haddr;
        break;
      case R_RTTL:
        d["check_set"] |= XT_RECENT_TTL;
        break;
      case R_RSOURCE:
        d["side"] = XT_RECENT_SOURCE;
        break;
      case R_RDEST:
        d["side"] = XT_RECENT_DEST;
        break;
      case R_REAP:
        d["check_set"] |= XT_RECENT_REAP;
        break;
    }
  },
  final(d) {
    const xflags = takeXflags(d);
    if (!(xflags & F_ANY_OP))
      xtablesError(PARAMETER_PROBLEM, "recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
    xtoptFcheckFlags("recent", RECENT_OPTS, xflags);
  },
  print(d) {
    let s = d["invert"] ? " !" : "";
    s += " recent:";
    const cs: number = d["check_set"];
    if (cs & XT_RECENT_SET) s += " SET";
    if (cs & XT_RECENT_CHECK) s += " CHECK";
    if (cs & XT_RECENT_UPDATE) s += " UPDATE";
    if (cs & XT_RECENT_REMOVE) s += " REMOVE";
    if (d["seconds"]) s += ` seconds: ${d["seconds"] | 0}`;
    if (cs & XT_RECENT_REAP) s += " reap";
    if (d["hit_count"]) s += ` hit_count: ${d["hit_count"] | 0}`;
    if (cs & XT_RECENT_TTL) s += " TTL-Match";
    s += ` name: ${d["name"]}`;
    if (d["side"] === XT_RECENT_SOURCE) s += " side: source";
    if (d["side"] === XT_RECENT_DEST) s += " side: dest";
    s += ` mask: ${ipToStr(d["mask"])}`;
    return s;
  },
  save(d) {
    let s = d["invert"] ? " !" : "";
    const cs: number = d["check_set"];
    if (cs & XT_RECENT_SET) s += " --set";
    if (cs & XT_RECENT_CHECK) s += " --rcheck";
    if (cs & XT_RECENT_UPDATE) s += " --update";
    if (cs & XT_RECENT_REMOVE) s += " --remove";
    if (d["seconds"]) s += ` --seconds ${d["seconds"] | 0}`;
    if (cs & XT_RECENT_REAP) s += " --reap";
    if (d["hit_count"]) s += ` --hitcount ${d["hit_count"] | 0}`;
    if (cs & XT_RECENT_TTL) s += " --rttl";
    s += ` --name ${d["name"]}`;
    s += ` --mask ${ipToStr(d["mask"])}`;
    if (d["side"] === XT_RECENT_SOURCE) s += " --rsource";
    if (d["side"] === XT_RECENT_DEST) s += " --rdest";
    return s;
  },
};

// ---------------------------------------------------------------------------------------------
// libxt_string.c, revision 1 (struct xt_string_info)
// ---------------------------------------------------------------------------------------------

const S_FROM = 0, S_TO = 1, S_ALGO = 2, S_ICASE = 3, S_STRING = 4, S_HEX_STRING = 5;
const STRING_OPTS: XtOpt[] = [
  { name: "from", id: S_FROM, type: "uint16" },
  { name: "to", id: S_TO, type: "uint16" },
  { name: "algo", id: S_ALGO, type: "string", flags: XTOPT_MAND, size: XT_STRING_MAX_ALGO_NAME_SIZE },
  { name: "string", id: S_STRING, type: "string", flags: XTOPT_INVERT, excl: 1 << S_HEX_STRING },
  { name: "hex-string", id: S_HEX_STRING, type: "string", flags: XTOPT_INVERT, excl: 1 << S_STRING },
  { name: "icase", id: S_ICASE, type: "none" },
];

/** libxt_string.c: string_help() */
const STRING_HELP =
  "string match options:\n" +
  "--from                       Offset to start searching from\n" +
  "--to                         Offset to stop searching\n" +
  "--algo                       Algorithm\n" +
  "--icase                      Ignore case (default: 0)\n" +
  "[!] --string string          Match a string in a packet\n" +
  "[!] --hex-string string      Match a hex string in a packet\n";

/** the bytes of a command-line argument as C sees them */
function argBytes(s: string): number[] {
  return [...new TextEncoder().encode(s)];
}
function bytesStr(b: number[]): string {
  return String.fromCharCode(...b);
}

/** parse_string() */
function parseString(s: string): number[] {
  const b = argBytes(s);
  if (b.length > XT_STRING_MAX_PATTERN_SIZE) xtablesError(PARAMETER_PROBLEM, `STRING too long "${s}"`);
  return b;
}

const isxdigit = (c: number | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(c));

/** parse_hex_string() */
function parseHexString(str: string): number[] {
  const s = argBytes(str);
  const slen = s.length;
  const out: number[] = [];
  let i = 0;
  let hexF = false;
  let literalF = false;
  const BS = 0x5c, BAR = 0x7c, SP = 0x20;
  if (slen === 0) xtablesError(PARAMETER_PROBLEM, "STRING must contain at least one char");
  while (i < slen) {
    if (out.length >= XT_STRING_MAX_PATTERN_SIZE) xtablesError(PARAMETER_PROBLEM, `STRING too long "${str}"`);
    if (s[i] === BS && !hexF) literalF = true;
    else if (s[i] === BS) xtablesError(PARAMETER_PROBLEM, "Cannot include literals in hex data");
    else if (s[i] === BAR) {
      if (hexF) hexF = false;
      else {
        hexF = true;
        // get past any initial whitespace just after the '|'
        while (s[i + 1] === SP) i++;
      }
      if (i + 1 >= slen) break;
      else i++;
    }
    if (literalF) {
      if (i + 1 >= slen) xtablesError(PARAMETER_PROBLEM, "Bad literal placement at end of string");
      out.push(s[i + 1]!);
      i += 2;
      literalF = false;
    } else if (hexF) {
      if (i + 1 >= slen) xtablesError(PARAMETER_PROBLEM, "Odd number of hex digits");
      if (i + 2 >= slen) xtablesError(PARAMETER_PROBLEM, "Invalid hex block");
      if (!isxdigit(s[i])) xtablesError(PARAMETER_PROBLEM, `Invalid hex char '${String.fromCharCode(s[i]!)}'`);
      if (!isxdigit(s[i + 1])) xtablesError(PARAMETER_PROBLEM, `Invalid hex char '${String.fromCharCode(s[i + 1]!)}'`);
      out.push(parseInt(String.fromCharCode(s[i]!, s[i + 1]!), 16));
      if (s[i + 2] === SP) i += 3;
      else i += 2;
    } else {
      out.push(s[i]!);
      i++;
    }
  }
  return out;
}

/** is_hex_string(): a byte isprint() does not take (a signed char above 0x7f is not printable),
 * or a trailing backslash; an empty pattern looks at the byte before it (algo's last, 0) */
function isHexString(p: number[]): boolean {
  if (p.some((c) => c < 0x20 || c > 0x7e)) return true;
  return p.length > 0 && p[p.length - 1] === 0x5c;
}

function printHexString(p: number[]): string {
  return ` "|${p.map((c) => c.toString(16).padStart(2, "0")).join("")}|"`;
}

function printString(p: number[]): string {
  let s = ' "';
  for (const c of p) {
    if (c === 0x22 || c === 0x5c) s += "\\";
    s += String.fromCharCode(c);
  }
  return s + '"';
}

const string: Ext = {
  name: "string", revision: 1, kind: "match", opts: optsOf(STRING_OPTS),
  help: STRING_HELP,
  init: () => ({ from_offset: 0, to_offset: 0xffff, algo: "", pattern: [], flags: 0 }),
  parse(o, arg, invert, d) {
    const [e, val] = xtoptParse("string", STRING_OPTS, o, arg, invert, d);
    switch (e.id) {
      case S_FROM:
        d["from_offset"] = val.num;
        break;
      case S_TO:
        d["to_offset"] = val.num;
        break;
      case S_ALGO:
        d["algo"] = val.str;
        break;
      case S_STRING:
      case S_HEX_STRING:
        d["pattern"] = e.id === S_STRING ? parseString(arg) : parseHexString(arg);
        if (invert) d["flags"] |= XT_STRING_FLAG_INVERT;
        break;
      case S_ICASE:
        d["flags"] |= XT_STRING_FLAG_IGNORECASE;
        break;
    }
  },
  final(d) {
    const xflags = takeXflags(d);
    if (!(xflags & ((1 << S_STRING) | (1 << S_HEX_STRING))))
      xtablesError(PARAMETER_PROBLEM, "STRING match: You must specify `--string' or `--hex-string'");
    xtoptFcheckFlags("string", STRING_OPTS, xflags);
  },
  print(d) {
    const p: number[] = d["pattern"];
    const inv = d["flags"] & XT_STRING_FLAG_INVERT ? "!" : "";
    let s = ` STRING match ${inv}` + (isHexString(p) ? printHexString(p) : printString(p));
    s += ` ALGO name ${d["algo"]}`;
    if (d["from_offset"] !== 0) s += ` FROM ${d["from_offset"]}`;
    if (d["to_offset"] !== 0xffff) s += ` TO ${d["to_offset"]}`;
    if (d["flags"] & XT_STRING_FLAG_IGNORECASE) s += " ICASE";
    return s;
  },
  save(d) {
    const p: number[] = d["pattern"];
    const inv = d["flags"] & XT_STRING_FLAG_INVERT ? " !" : "";
    let s = isHexString(p) ? `${inv} --hex-string${printHexString(p)}` : `${inv} --string${printString(p)}`;
    s += ` --algo ${d["algo"]}`;
    if (d["from_offset"] !== 0) s += ` --from ${d["from_offset"]}`;
    if (d["to_offset"] !== 0xffff) s += ` --to ${d["to_offset"]}`;
    if (d["flags"] & XT_STRING_FLAG_IGNORECASE) s += " --icase";
    return s;
  },
};
void bytesStr;

// ---------------------------------------------------------------------------------------------
// libipt_NETMAP.c (struct nf_nat_ipv4_multi_range_compat)
// ---------------------------------------------------------------------------------------------

const NF_NAT_RANGE_MAP_IPS = 1;
const NETMAP_OPTS: XtOpt[] = [{ name: "to", id: 0, type: "hostmask", flags: XTOPT_MAND }];

/** libipt_NETMAP.c: NETMAP_help() */
const NETMAP_HELP = "NETMAP target options:\n  --to address[/mask]\n\t\t\t\tNetwork address to map to.\n\n";

function netmapPrint(r: Record<string, number>): string {
  const mask = ~(r["min_ip"]! ^ r["max_ip"]!) >>> 0;
  const bits = ipmaskToCidr(mask);
  return ipToStr(r["min_ip"]!) + "/" + (bits < 0 ? ipToStr(mask) : String(bits));
}

const NETMAP: Ext = {
  name: "NETMAP", revision: 0, kind: "target", opts: optsOf(NETMAP_OPTS),
  help: NETMAP_HELP,
  init: () => ({ rangesize: 1, range: [{ flags: 0, min_ip: 0, max_ip: 0, min: 0, max: 0 }] }),
  parse(o, arg, invert, d) {
    const [, val] = xtoptParse("NETMAP", NETMAP_OPTS, o, arg, invert, d);
    const r = d["range"][0];
    r.flags |= NF_NAT_RANGE_MAP_IPS;
    r.min_ip = (val.haddr! & val.hmask!) >>> 0;
    r.max_ip = (r.min_ip | ~val.hmask!) >>> 0;
  },
  final(d) {
    xtoptFcheckFlags("NETMAP", NETMAP_OPTS, takeXflags(d));
  },
  print: (d) => ` to:${netmapPrint(d["range"][0])}`,
  save: (d) => ` --to ${netmapPrint(d["range"][0])}`,
};

// ---------------------------------------------------------------------------------------------
// libxt_hashlimit.c, revision 3 (struct xt_hashlimit_mtinfo3)
// ---------------------------------------------------------------------------------------------

const XT_HASHLIMIT_BURST = 5;
const XT_HASHLIMIT_BURST_MAX = 1000000;
const XT_HASHLIMIT_BYTE_EXPIRE = 15;
const XT_HASHLIMIT_BYTE_EXPIRE_BURST = 60;
const XT_HASHLIMIT_GCINTERVAL = 1000;
const XT_HASHLIMIT_BYTE_SHIFT = 4n;
const UINT32_MAX = 0xffffffffn;
const UINT64_MAX = 0xffffffffffffffffn;

const H_UPTO = 0, H_ABOVE = 1, H_MODE = 3, H_SRCMASK = 4, H_DSTMASK = 5, H_NAME = 6, H_BURST = 7, H_HTABLE_SIZE = 8, H_HTABLE_MAX = 9, H_HTABLE_GCINT = 10, H_HTABLE_EXPIRE = 11, H_RATEMATCH = 12, H_INTERVAL = 13;
const HASHLIMIT_OPTS: XtOpt[] = [
  { name: "hashlimit-upto", id: H_UPTO, excl: 1 << H_ABOVE, type: "string", flags: XTOPT_INVERT },
  { name: "hashlimit-above", id: H_ABOVE, excl: 1 << H_UPTO, type: "string", flags: XTOPT_INVERT },
  { name: "hashlimit", id: H_UPTO, excl: 1 << H_ABOVE, type: "string", flags: XTOPT_INVERT },
  { name: "hashlimit-srcmask", id: H_SRCMASK, type: "plen" },
  { name: "hashlimit-dstmask", id: H_DSTMASK, type: "plen" },
  { name: "hashlimit-burst", id: H_BURST, type: "string" },
  { name: "hashlimit-htable-size", id: H_HTABLE_SIZE, type: "uint32" },
  { name: "hashlimit-htable-max", id: H_HTABLE_MAX, type: "uint32" },
  { name: "hashlimit-htable-gcinterval", id: H_HTABLE_GCINT, type: "uint32" },
  { name: "hashlimit-htable-expire", id: H_HTABLE_EXPIRE, type: "uint32" },
  { name: "hashlimit-mode", id: H_MODE, type: "string" },
  { name: "hashlimit-name", id: H_NAME, type: "string", flags: XTOPT_MAND, min: 1, size: 255 },
  { name: "hashlimit-rate-match", id: H_RATEMATCH, type: "none" },
  { name: "hashlimit-rate-interval", id: H_INTERVAL, type: "string" },
];

/** libxt_hashlimit.c: hashlimit_mt_help_v3() */
const HASHLIMIT_HELP =
  "hashlimit match options:\n" +
  "  --hashlimit-upto <avg>           max average match rate\n" +
  "                                   [Packets per second unless followed by \n" +
  "                                   /sec /minute /hour /day postfixes]\n" +
  "  --hashlimit-above <avg>          min average match rate\n" +
  "  --hashlimit-mode <mode>          mode is a comma-separated list of\n" +
  "                                   dstip,srcip,dstport,srcport (or none)\n" +
  "  --hashlimit-srcmask <length>     source address grouping prefix length\n" +
  "  --hashlimit-dstmask <length>     destination address grouping prefix length\n" +
  "  --hashlimit-name <name>          name for /proc/net/ipt_hashlimit\n" +
  `  --hashlimit-burst <num>\t    number to match in a burst, default ${XT_HASHLIMIT_BURST}\n` +
  "  --hashlimit-htable-size <num>    number of hashtable buckets\n" +
  "  --hashlimit-htable-max <num>     number of hashtable entries\n" +
  "  --hashlimit-htable-gcinterval    interval between garbage collection runs\n" +
  "  --hashlimit-htable-expire        after which time are idle entries expired?\n" +
  "  --hashlimit-rate-match           rate match the flow without rate-limiting it\n" +
  "  --hashlimit-rate-interval        interval in seconds for hashlimit-rate-match\n" +
  "\n";

/** strtoull(s, &end, 0) of a prefix with errno: [value, rest, overflow] */
function strtoullPrefix(s: string): [bigint, string, boolean] | undefined {
  const m = /^[ \t\n\v\f\r]*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return undefined;
  const d = m[1]!;
  const v = /^0[xX]/.test(d) ? BigInt(d) : d.length > 1 && d[0] === "0" ? BigInt("0o" + d.slice(1)) : BigInt(d);
  return [v > UINT64_MAX ? UINT64_MAX : v, s.slice(m[0].length), v > UINT64_MAX];
}

/** atoll(): leading blanks, a sign, decimal digits */
function atoll(s: string): bigint {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s);
  if (!m) return 0n;
  const v = BigInt(m[2]!);
  return m[1] === "-" ? -v : v;
}

function getFactor(c: string | undefined): bigint {
  return c === "m" ? 1024n * 1024n : c === "k" ? 1024n : 1n;
}

function burstError(): never {
  xtablesError(PARAMETER_PROBLEM, `bad value for option "--hashlimit-burst", or out of range (1-${XT_HASHLIMIT_BURST_MAX}).`);
}

/** parse_burst(…, 2) */
function parseBurst(burst: string): bigint {
  if (/^[ \t\n\v\f\r]*-/.test(burst)) burstError();
  const r = strtoullPrefix(burst);
  if (!r || r[2] || r[0] < 1n || (r[1] === "" && r[0] > BigInt(XT_HASHLIMIT_BURST_MAX))) burstError();
  const v = r[0] * getFactor(r[1][0]);
  if (v > UINT64_MAX)
    xtablesError(PARAMETER_PROBLEM, `bad value for option "--hashlimit-burst", value "${burst}" too large (max ${UINT64_MAX / 1024n / 1024n}mb).`);
  return v;
}

function costToBytes(cost: bigint): bigint {
  let r = cost ? UINT32_MAX / cost : UINT32_MAX;
  r = ((r - 1n) << XT_HASHLIMIT_BYTE_SHIFT) & UINT64_MAX;
  return r;
}
function bytesToCost(bytes: bigint): bigint {
  const r = (bytes >> XT_HASHLIMIT_BYTE_SHIFT) & UINT32_MAX;
  return UINT32_MAX / (r + 1n);
}

/** parse_bytes(…, 2): "NUM[kmb]b/s"; the cost, or undefined when not a byte rate */
function parseBytes(rate: string, ud: { mult: number }): bigint | undefined {
  const at = rate.indexOf("b/s");
  if (at <= 0) return undefined;
  const r = atoll(rate);
  if (r === 0n) return undefined;
  const tmp = BigInt.asUintN(64, r * getFactor(rate[at - 1]));
  let cost = bytesToCost(tmp);
  if (cost === 0n) xtablesError(PARAMETER_PROBLEM, `Rate too high "${rate}"`);
  ud.mult = XT_HASHLIMIT_BYTE_EXPIRE;
  cost = BigInt.asUintN(64, cost);
  return cost;
}

/** parse_rate(…, 2) */
function parseRate(rate: string, ud: { mult: number }): bigint | undefined {
  ud.mult = 1;
  const slash = rate.indexOf("/");
  if (slash >= 0) {
    const u = rate.slice(slash + 1).toLowerCase();
    if (u.length === 0) return undefined;
    if ("second".startsWith(u)) ud.mult = 1;
    else if ("minute".startsWith(u)) ud.mult = 60;
    else if ("hour".startsWith(u)) ud.mult = 3600;
    else if ("day".startsWith(u)) ud.mult = 86400;
    else return undefined;
  }
  const r = BigInt.asUintN(64, atoll(rate));
  if (!r) return undefined;
  const tmp = (XT_HASHLIMIT_SCALE_v2 * BigInt(ud.mult)) / r;
  if (tmp === 0n) xtablesError(PARAMETER_PROBLEM, `Rate too fast "${rate}"`);
  return tmp;
}

function parseMode(arg: string): number | undefined {
  let mode = 0;
  for (const tok of arg.split(/[,|]/)) {
    if (tok === "") continue;
    if (tok === "dstip") mode |= XT_HASHLIMIT_HASH_DIP;
    else if (tok === "srcip") mode |= XT_HASHLIMIT_HASH_SIP;
    else if (tok === "srcport") mode |= XT_HASHLIMIT_HASH_SPT;
    else if (tok === "dstport") mode |= XT_HASHLIMIT_HASH_DPT;
    else return undefined;
  }
  return mode;
}

const RATES: [string, bigint][] = [
  ["day", XT_HASHLIMIT_SCALE_v2 * 86400n], ["hour", XT_HASHLIMIT_SCALE_v2 * 3600n],
  ["min", XT_HASHLIMIT_SCALE_v2 * 60n], ["sec", XT_HASHLIMIT_SCALE_v2],
];

/** print_rate(period, 3): the text and the quantum (msec) */
function printRate(period: bigint): [string, bigint] {
  if (period === 0n) return [" inf", 0n];
  let i = 1;
  for (; i < RATES.length; ++i) if (period > RATES[i]![1] || RATES[i]![1] / period < RATES[i]![1] % period) break;
  const [name, mult] = RATES[i - 1]!;
  return [` ${mult / period}/${name}`, (mult / XT_HASHLIMIT_SCALE_v2) * 1000n];
}

const UNITS: [string, bigint][] = [["m", 1024n * 1024n], ["k", 1024n], ["", 1n]];

/** print_bytes() */
function printBytes(avg: bigint, burst: bigint, prefix: string): [string, bigint] {
  let r = costToBytes(avg);
  let i = 0;
  for (; i < UNITS.length - 1; ++i) if (r >= UNITS[i]![1] && bytesToCost(r & ~(UNITS[i]![1] - 1n)) === avg) break;
  let s = ` ${r / UNITS[i]![1]}${UNITS[i]![0]}b/s`;
  if (burst === 0n) return [s, BigInt(XT_HASHLIMIT_BYTE_EXPIRE * 1000)];
  r = BigInt.asUintN(64, r * burst);
  s += ` ${prefix}`;
  for (i = 0; i < UNITS.length - 1; ++i) if (r >= UNITS[i]![1]) break;
  s += `burst ${r / UNITS[i]![1]}${UNITS[i]![0]}b`;
  return [s, BigInt(XT_HASHLIMIT_BYTE_EXPIRE_BURST * 1000)];
}

function printMode(mode: number, sep: string): string {
  const parts: string[] = [];
  if (mode & XT_HASHLIMIT_HASH_SIP) parts.push("srcip");
  if (mode & XT_HASHLIMIT_HASH_SPT) parts.push("srcport");
  if (mode & XT_HASHLIMIT_HASH_DIP) parts.push("dstip");
  if (mode & XT_HASHLIMIT_HASH_DPT) parts.push("dstport");
  return " " + parts.join(sep);
}

const HASH_ANY = XT_HASHLIMIT_HASH_SIP | XT_HASHLIMIT_HASH_SPT | XT_HASHLIMIT_HASH_DIP | XT_HASHLIMIT_HASH_DPT;

/** the cfg's 64-bit fields travel as decimal strings */
const big = (v: unknown): bigint => BigInt(v as string | number);

const hashlimit: Ext = {
  name: "hashlimit", revision: 3, kind: "match", opts: optsOf(HASHLIMIT_OPTS),
  help: HASHLIMIT_HELP,
  init: () => ({
    name: "",
    cfg: { mode: 0, avg: "0", burst: String(XT_HASHLIMIT_BURST), size: 0, max: 0, gc_interval: XT_HASHLIMIT_GCINTERVAL, expire: 0, srcmask: 32, dstmask: 32, interval: 0 },
    __mult: 1,
  }),
  parse(o, arg, invert, d) {
    const [e, val] = xtoptParse("hashlimit", HASHLIMIT_OPTS, o, arg, invert, d);
    const cfg = d["cfg"];
    const ud = { mult: d["__mult"] as number };
    switch (e.id) {
      case H_BURST:
        cfg.burst = String(parseBurst(arg));
        break;
      case H_UPTO:
      case H_ABOVE: {
        if ((e.id === H_UPTO) === invert) cfg.mode |= XT_HASHLIMIT_INVERT;
        const b = parseBytes(arg, ud);
        if (b !== undefined) {
          cfg.avg = String(b);
          cfg.mode |= XT_HASHLIMIT_BYTES;
        } else {
          const r = parseRate(arg, ud);
          if (r === undefined) xtablesError(PARAMETER_PROBLEM, `hashlimit: Bad value for "${e.id === H_UPTO ? "--hashlimit-upto" : "--hashlimit-above"}" option: "${arg}"`);
          cfg.avg = String(r);
        }
        d["__mult"] = ud.mult;
        break;
      }
      case H_MODE: {
        const m = parseMode(arg);
        if (m === undefined) xtablesError(PARAMETER_PROBLEM, `hashlimit: Bad value for "--hashlimit-mode" option: "${arg}"`);
        cfg.mode |= m;
        break;
      }
      case H_SRCMASK:
        cfg.srcmask = val.hlen;
        break;
      case H_DSTMASK:
        cfg.dstmask = val.hlen;
        break;
      case H_RATEMATCH:
        cfg.mode |= XT_HASHLIMIT_RATE_MATCH;
        break;
      case H_INTERVAL: {
        const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(arg);
        const r = m ? Number(m[1]) | 0 : 0;
        if (r <= 0) xtablesError(PARAMETER_PROBLEM, `hashlimit: Bad value for "--hashlimit-rate-interval" option: "${arg}"`);
        cfg.interval = r;
        break;
      }
      case H_NAME:
        d["name"] = val.str;
        break;
      case H_HTABLE_SIZE:
        cfg.size = val.num;
        break;
      case H_HTABLE_MAX:
        cfg.max = val.num;
        break;
      case H_HTABLE_GCINT:
        cfg.gc_interval = val.num;
        break;
      case H_HTABLE_EXPIRE:
        cfg.expire = val.num;
        break;
    }
  },
  final(d) {
    const xflags = takeXflags(d);
    const mult = Number(d["__mult"]);
    delete d["__mult"];
    const cfg = d["cfg"];
    // hashlimit_mt_check()
    if (!(xflags & ((1 << H_UPTO) | (1 << H_ABOVE)))) xtablesError(PARAMETER_PROBLEM, "You have to specify --hashlimit");
    if (!(xflags & (1 << H_HTABLE_EXPIRE))) cfg.expire = (mult * 1000) >>> 0;
    if (cfg.mode & XT_HASHLIMIT_BYTES) {
      let burst = 0n;
      if (xflags & (1 << H_BURST)) {
        const per = costToBytes(big(cfg.avg));
        if (big(cfg.burst) < per) xtablesError(PARAMETER_PROBLEM, `burst cannot be smaller than ${per}b`);
        burst = (big(cfg.burst) / per) & UINT32_MAX;
        if (big(cfg.burst) % per) burst++;
        if (!(xflags & (1 << H_HTABLE_EXPIRE))) cfg.expire = XT_HASHLIMIT_BYTE_EXPIRE_BURST * 1000;
      }
      cfg.burst = String(burst);
    } else if (big(cfg.burst) > BigInt(XT_HASHLIMIT_BURST_MAX)) burstError();
    if (xflags & (1 << H_RATEMATCH)) {
      if (!(cfg.mode & XT_HASHLIMIT_BYTES)) cfg.avg = String(big(cfg.avg) / BigInt(mult));
      if (cfg.interval === 0) cfg.interval = cfg.mode & XT_HASHLIMIT_BYTES ? 1 : mult;
    }
    xtoptFcheckFlags("hashlimit", HASHLIMIT_OPTS, xflags);
  },
  print(d) {
    const cfg = d["cfg"];
    let s = cfg.mode & XT_HASHLIMIT_INVERT ? " limit: above" : " limit: up to";
    let quantum: bigint;
    if (cfg.mode & XT_HASHLIMIT_BYTES) {
      const [t, q] = printBytes(big(cfg.avg), big(cfg.burst), "");
      s += t;
      quantum = q;
    } else {
      let period = big(cfg.avg);
      if (cfg.interval !== 0) period *= BigInt(cfg.interval);
      const [t, q] = printRate(period);
      s += t + ` burst ${big(cfg.burst)}`;
      quantum = q;
    }
    if (cfg.mode & HASH_ANY) s += " mode" + printMode(cfg.mode, "-");
    if (cfg.size !== 0) s += ` htable-size ${cfg.size}`;
    if (cfg.max !== 0) s += ` htable-max ${cfg.max}`;
    if (cfg.gc_interval !== XT_HASHLIMIT_GCINTERVAL) s += ` htable-gcinterval ${cfg.gc_interval}`;
    if (BigInt(cfg.expire) !== quantum) s += ` htable-expire ${cfg.expire}`;
    if (cfg.srcmask !== 32) s += ` srcmask ${cfg.srcmask}`;
    if (cfg.dstmask !== 32) s += ` dstmask ${cfg.dstmask}`;
    if (cfg.mode & XT_HASHLIMIT_RATE_MATCH) {
      s += " rate-match";
      if (cfg.interval !== 1) s += ` rate-interval ${cfg.interval}`;
    }
    return s;
  },
  save(d) {
    const cfg = d["cfg"];
    let s = cfg.mode & XT_HASHLIMIT_INVERT ? " --hashlimit-above" : " --hashlimit-upto";
    let quantum: bigint;
    if (cfg.mode & XT_HASHLIMIT_BYTES) {
      const [t, q] = printBytes(big(cfg.avg), big(cfg.burst), "--hashlimit-");
      s += t;
      quantum = q;
    } else {
      const [t, q] = printRate(big(cfg.avg));
      s += t + ` --hashlimit-burst ${big(cfg.burst)}`;
      quantum = q;
    }
    // (save's quantum is a uint32_t)
    quantum = BigInt.asUintN(32, quantum);
    if (cfg.mode & HASH_ANY) s += " --hashlimit-mode" + printMode(cfg.mode, ",");
    s += ` --hashlimit-name ${d["name"]}`;
    if (cfg.size !== 0) s += ` --hashlimit-htable-size ${cfg.size}`;
    if (cfg.max !== 0) s += ` --hashlimit-htable-max ${cfg.max}`;
    if (cfg.gc_interval !== XT_HASHLIMIT_GCINTERVAL) s += ` --hashlimit-htable-gcinterval ${cfg.gc_interval}`;
    if (BigInt(cfg.expire) !== quantum) s += ` --hashlimit-htable-expire ${cfg.expire}`;
    if (cfg.srcmask !== 32) s += ` --hashlimit-srcmask ${cfg.srcmask}`;
    if (cfg.dstmask !== 32) s += ` --hashlimit-dstmask ${cfg.dstmask}`;
    if (cfg.mode & XT_HASHLIMIT_RATE_MATCH) {
      s += " --hashlimit-rate-match";
      if (cfg.interval !== 1) s += ` --hashlimit-rate-interval ${cfg.interval}`;
    }
    return s;
  },
};

export const EXTS_STATE: Ext[] = [recent, string, NETMAP, hashlimit];

registerExts(EXTS_STATE);

export type { ParseCtx };
