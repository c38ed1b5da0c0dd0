/**
 * iptables extensions (targets): CLASSIFY, CHECKSUM, AUDIT, TEE, SYNPROXY, HMARK, IDLETIMER, LED, RATEEST (and the rateest match), TPROXY.
 * Each as libxt_*.c of iptables 1.8.9 has it: options (parse), -L text (print), -S text (save).
 */
import { ipToStr as ipStr, ipmaskToCidr, numericHost as inetAton, parseHost } from "./xtaddr.ts";
import { registerExts, parseMarkMask, type Ext } from "./extensions.ts";
import { xtablesError, PARAMETER_PROBLEM } from "./xshared.ts";
import { XTOPT_INVERT, XTOPT_MAND, xtoptParse, xtoptFcheck, xflagsOf, optsOf, strtoumax, type XtOpt } from "./ext_pkt.ts";
import { SERVICES } from "./services.ts";
import * as HELP from "./ext-help-tg.ts";

void XTOPT_INVERT;

// ---- helpers of libxtables ----





/** xtopt_parse_plenmask() for AF_INET: 0..32 or a dotted mask, as a mask */
function parsePlenmask(ext: string, opt: string, arg: string): number {
  let hlen: number;
  const n = strtoumax(arg);
  if (n && n[1] === "" && n[0] <= 32n && !/^\s*-/.test(arg)) hlen = Number(n[0]);
  else {
    const m = inetAton(arg);
    if (m === undefined)
      xtablesError(PARAMETER_PROBLEM, `${ext}: bad value for option "--${opt}", neither a valid network mask nor valid CIDR (0-32).\n`);
    const c = ipmaskToCidr(m);
    // a mask with holes: hlen (a u8) is 255 and the mask stays all ones
    hlen = c < 0 ? 255 : c;
  }
  if (hlen === 0) return 0;
  if (hlen <= 32) return (0xffffffff << (32 - hlen)) >>> 0;
  return 0xffffffff;
}

/** xtables_getportbyname(): a number of the port range, or a service of any protocol */
function getportbyname(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(s);
  if (m) {
    let v = BigInt(m[2]!);
    if (m[1] === "-") v = -v;
    const n = Number(BigInt.asIntN(32, BigInt.asUintN(64, v)));
    if (n >= 0) return n & 0xffff;
  }
  for (const proto of ["tcp", "udp"]) for (const [p, n] of Object.entries(SERVICES[proto] ?? {})) if (n === s) return Number(p);
  return -1;
}

/** C's strtod() of a prefix: [value, rest] or undefined when nothing converts */
function strtod(s: string): [number, string] | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))/i.exec(s);
  if (!m) return undefined;
  const t = m[1]!.toLowerCase().replace(/^([+-]?)inf(inity)?$/, "$1Infinity");
  const v = /nan/.test(t) ? NaN : Number(t);
  return [v, s.slice(m[0].length)];
}

/** (unsigned int)double: C's truncation, kept in 32 bits */
const toU32 = (v: number): number => (Number.isFinite(v) ? Number(BigInt.asUintN(32, BigInt(Math.trunc(v)))) : 0);

/** XTOPT_PUT of a string into char[size]: cut to size - 1 */
const putString = (arg: string, size: number): string => arg.slice(0, size - 1);

// ================= CHECKSUM (libxt_CHECKSUM.c) =================
const XT_CHECKSUM_OP_FILL = 1;
const CHECKSUM_OPTS: XtOpt[] = [{ name: "checksum-fill", id: 0, type: "none", flags: XTOPT_MAND }];
const CHECKSUM: Ext = {
  name: "CHECKSUM", revision: 0, kind: "target", opts: optsOf(CHECKSUM_OPTS),
  help: HELP.CHECKSUM_HELP,
  init: () => ({ operation: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("CHECKSUM", CHECKSUM_OPTS, o, arg, invert, d);
    d["operation"] = XT_CHECKSUM_OP_FILL;
  },
  final(d) {
    xtoptFcheck("CHECKSUM", CHECKSUM_OPTS, d);
  },
  print: (d) => " CHECKSUM" + (d["operation"] & XT_CHECKSUM_OP_FILL ? " fill" : ""),
  save: (d) => (d["operation"] & XT_CHECKSUM_OP_FILL ? " --checksum-fill" : ""),
};

// ================= CLASSIFY (libxt_CLASSIFY.c) =================
/** sscanf("%x") of a prefix: whitespace, a sign, an optional 0x, hex digits; the value as
 * glibc's strtoul() gives it, kept in an unsigned int. [value, rest] */
function scanHex(s: string): [number, string] | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)/.exec(s);
  if (!m) return undefined;
  let v = BigInt("0x" + m[2]!);
  if (v > 0xffffffffffffffffn) v = 0xffffffffffffffffn;
  else if (m[1] === "-") v = BigInt.asUintN(64, -v);
  return [Number(v & 0xffffffffn), s.slice(m[0].length)];
}
/** CLASSIFY_string_to_priority(): sscanf(s, "%x:%x") must fill both */
function classToPriority(s: string): number | undefined {
  const a = scanHex(s);
  if (!a || a[1][0] !== ":") return undefined;
  const b = scanHex(a[1].slice(1));
  if (!b) return undefined;
  // TC_H_MAKE(i << 16, j)
  return ((((a[0] << 16) >>> 0) & 0xffff0000) | (b[0] & 0xffff)) >>> 0;
}
const CLASSIFY_OPTS: XtOpt[] = [{ name: "set-class", id: 0, type: "string", flags: XTOPT_MAND }];
const CLASSIFY: Ext = {
  name: "CLASSIFY", revision: 0, kind: "target", opts: optsOf(CLASSIFY_OPTS),
  help: HELP.CLASSIFY_HELP,
  init: () => ({ priority: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("CLASSIFY", CLASSIFY_OPTS, o, arg, invert, d);
    const p = classToPriority(arg);
    if (p === undefined) xtablesError(PARAMETER_PROBLEM, `Bad class value "${arg}"`);
    d["priority"] = p;
  },
  final(d) {
    xtoptFcheck("CLASSIFY", CLASSIFY_OPTS, d);
  },
  print: (d) => ` CLASSIFY set ${(d["priority"] >>> 16).toString(16)}:${(d["priority"] & 0xffff).toString(16)}`,
  save: (d) => ` --set-class ${(d["priority"] >>> 16).toString(16).padStart(4, "0")}:${(d["priority"] & 0xffff).toString(16).padStart(4, "0")}`,
};

// ================= TEE (libxt_TEE.c, revision 1) =================
const TEE_OPTS: XtOpt[] = [
  { name: "gateway", id: 0, type: "string", flags: XTOPT_MAND },
  { name: "oif", id: 1, type: "string" },
];
const TEE: Ext = {
  name: "TEE", revision: 1, kind: "target", opts: optsOf(TEE_OPTS),
  help: HELP.TEE_HELP,
  init: () => ({ gw: 0, oif: "" }),
  parse(o, arg, invert, d) {
    xtoptParse("TEE", TEE_OPTS, o, arg, invert, d);
    if (o === "gateway") d["gw"] = parseHost(arg);
    else d["oif"] = putString(arg, 16);
  },
  final(d) {
    xtoptFcheck("TEE", TEE_OPTS, d);
  },
  // xtables_ipaddr_to_anyname(): the gateway's name is not looked up here
  print: (d) => ` TEE gw:${ipStr(d["gw"])}` + (d["oif"] ? ` oif=${d["oif"]}` : ""),
  save: (d) => ` --gateway ${ipStr(d["gw"])}` + (d["oif"] ? ` --oif ${d["oif"]}` : ""),
};

// ================= AUDIT (libxt_AUDIT.c) =================
const AUDIT_TYPES = ["accept", "drop", "reject"];
const AUDIT_OPTS: XtOpt[] = [{ name: "type", id: 0, type: "string", flags: XTOPT_MAND }];
const AUDIT: Ext = {
  name: "AUDIT", revision: 0, kind: "target", opts: optsOf(AUDIT_OPTS),
  help: HELP.AUDIT_HELP,
  init: () => ({ type: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("AUDIT", AUDIT_OPTS, o, arg, invert, d);
    const t = AUDIT_TYPES.indexOf(arg.toLowerCase());
    if (t < 0) xtablesError(PARAMETER_PROBLEM, `Bad action type value "${arg}"`);
    d["type"] = t;
  },
  final(d) {
    xtoptFcheck("AUDIT", AUDIT_OPTS, d);
  },
  print: (d) => ` AUDIT ${AUDIT_TYPES[d["type"]] ?? ""}`,
  save: (d) => (AUDIT_TYPES[d["type"]] ? ` --type ${AUDIT_TYPES[d["type"]]}` : ""),
};

// ================= HMARK (libxt_HMARK.c) =================
/** option ids (O_HMARK_*), also the bits of XT_HMARK_FLAG() for the first 13 */
const H_SADDR = 0, H_DADDR = 1, H_SPI = 2, H_SPI_MASK = 3, H_SPORT = 4, H_DPORT = 5, H_SPORT_MASK = 6, H_DPORT_MASK = 7;
const H_PROTO_MASK = 8, H_RND = 9, H_MOD = 10, H_OFFSET = 11, H_CT = 12, H_TYPE = 13;
const HMARK_OPT_PKT_MASK = (1 << H_SADDR) | (1 << H_DADDR) | (1 << H_SPI_MASK) | (1 << H_SPORT_MASK) | (1 << H_DPORT_MASK) |
  (1 << H_PROTO_MASK) | (1 << H_SPORT) | (1 << H_DPORT) | (1 << H_SPI);
const HMARK_OPTS: XtOpt[] = [
  { name: "hmark-tuple", id: H_TYPE, type: "string" },
  { name: "hmark-src-prefix", id: H_SADDR, type: "string" },
  { name: "hmark-dst-prefix", id: H_DADDR, type: "string" },
  { name: "hmark-sport-mask", id: H_SPORT_MASK, type: "uint16" },
  { name: "hmark-dport-mask", id: H_DPORT_MASK, type: "uint16" },
  { name: "hmark-spi-mask", id: H_SPI_MASK, type: "uint32" },
  { name: "hmark-sport", id: H_SPORT, type: "uint16" },
  { name: "hmark-dport", id: H_DPORT, type: "uint16" },
  { name: "hmark-spi", id: H_SPI, type: "uint32" },
  { name: "hmark-proto-mask", id: H_PROTO_MASK, type: "uint16" },
  { name: "hmark-rnd", id: H_RND, type: "uint32" },
  { name: "hmark-mod", id: H_MOD, type: "uint32", min: 1, flags: XTOPT_MAND },
  { name: "hmark-offset", id: H_OFFSET, type: "uint32" },
];
/** hmark_parse(): one tuple word, a case-insensitive prefix of its name (strncasecmp over len) */
const HMARK_TUPLE: [string, number][] = [["ct", H_CT], ["src", H_SADDR], ["dst", H_DADDR], ["sport", H_SPORT_MASK], ["dport", H_DPORT_MASK], ["proto", H_PROTO_MASK], ["spi", H_SPI_MASK]];
function hmarkParseWord(w: string, d: Record<string, any>): boolean {
  const e = HMARK_TUPLE.find(([n]) => w.length <= n.length && n.slice(0, w.length) === w.toLowerCase());
  if (!e) return false;
  const id = e[1];
  if (id === H_SADDR) d["src_mask"] = 0xffffffff;
  else if (id === H_DADDR) d["dst_mask"] = 0xffffffff;
  else if (id === H_SPORT_MASK) d["port_mask"] = (d["port_mask"] | 0xffff0000) >>> 0;
  else if (id === H_DPORT_MASK) d["port_mask"] = (d["port_mask"] | 0xffff) >>> 0;
  else if (id === H_PROTO_MASK) d["proto_mask"] = 0xffff;
  else if (id === H_SPI_MASK) d["port_mask"] = 0xffffffff;
  d["flags"] |= 1 << id;
  d["__xflags"] |= 1 << id;
  return true;
}
const h16 = (n: number, w: number): string => "0x" + (n >>> 0).toString(16).padStart(w, "0");
const HMARK: Ext = {
  name: "HMARK", revision: 0, kind: "target", opts: optsOf(HMARK_OPTS),
  help: HELP.HMARK_HELP,
  // port_mask / port_set: union hmark_ports as its 4 bytes read big-endian (p16.src the high half)
  init: () => ({ src_mask: 0, dst_mask: 0, port_mask: 0, port_set: 0, flags: 0, proto_mask: 0, hashrnd: 0, hmodulus: 0, hoffset: 0 }),
  parse(o, arg, invert, d) {
    const [e, v] = xtoptParse("HMARK", HMARK_OPTS, o, arg, invert, d);
    switch (e.id) {
      case H_TYPE: {
        // hmark_parse_type()
        let a = arg;
        for (let c = a.indexOf(","); c >= 0; c = a.indexOf(",")) {
          if (c === 0 || !hmarkParseWord(a.slice(0, c), d)) xtablesError(PARAMETER_PROBLEM, `Bad type "${a}"`);
          a = a.slice(c + 1);
        }
        if (a === "") xtablesError(PARAMETER_PROBLEM, '"--hmark-tuple" requires a list of types with no spaces, e.g. src,dst,sport,dport,proto');
        if (!hmarkParseWord(a, d)) xtablesError(PARAMETER_PROBLEM, `Bad type "${a}"`);
        break;
      }
      case H_SADDR: d["src_mask"] = parsePlenmask("HMARK", o, arg); break;
      case H_DADDR: d["dst_mask"] = parsePlenmask("HMARK", o, arg); break;
      case H_SPI: d["port_set"] = v.num >>> 0; break;
      case H_SPORT: d["port_set"] = ((v.num << 16) | (d["port_set"] & 0xffff)) >>> 0; break;
      case H_DPORT: d["port_set"] = ((d["port_set"] & 0xffff0000) | v.num) >>> 0; break;
      case H_SPORT_MASK: d["port_mask"] = ((v.num << 16) | (d["port_mask"] & 0xffff)) >>> 0; break;
      case H_DPORT_MASK: d["port_mask"] = ((d["port_mask"] & 0xffff0000) | v.num) >>> 0; break;
      case H_SPI_MASK: d["port_mask"] = v.num >>> 0; break;
      case H_PROTO_MASK: d["proto_mask"] = v.num; break;
      case H_RND: d["hashrnd"] = v.num >>> 0; break;
      case H_MOD: d["hmodulus"] = v.num >>> 0; break;
      case H_OFFSET: d["hoffset"] = v.num >>> 0; break;
    }
    if (e.id !== H_TYPE) d["flags"] |= 1 << e.id;
  },
  final(d) {
    // HMARK_check(), then the generic checks
    const xf = xflagsOf(d);
    if (!(xf & (1 << H_MOD))) xtablesError(PARAMETER_PROBLEM, "--hmark-mod is mandatory");
    if (!(xf & (1 << H_RND))) xtablesError(PARAMETER_PROBLEM, "--hmark-rnd is mandatory");
    if (xf & (1 << H_SPI_MASK) && xf & ((1 << H_SPORT_MASK) | (1 << H_DPORT_MASK)))
      xtablesError(PARAMETER_PROBLEM, "you cannot use --hmark-spi-mask and --hmark-?port-mask,at the same time");
    if (!(xf & HMARK_OPT_PKT_MASK || xf & (1 << H_CT))) xtablesError(PARAMETER_PROBLEM, "you have to specify --hmark-tuple at least");
    xtoptFcheck("HMARK", HMARK_OPTS, d);
  },
  print(d) {
    const f: number = d["flags"];
    let s = " HMARK ";
    if (f & (1 << H_MOD)) s += `mod ${d["hmodulus"]} `;
    if (f & (1 << H_OFFSET)) s += `+ 0x${d["hoffset"].toString(16)} `;
    if (f & (1 << H_CT)) s += "ct, ";
    if (f & (1 << H_SADDR)) s += `src-prefix ${ipmaskToCidr(d["src_mask"]) >>> 0} `;
    if (f & (1 << H_DADDR)) s += `dst-prefix ${ipmaskToCidr(d["dst_mask"]) >>> 0} `;
    if (f & (1 << H_SPORT_MASK)) s += `sport-mask 0x${(d["port_mask"] >>> 16).toString(16)} `;
    if (f & (1 << H_DPORT_MASK)) s += `dport-mask 0x${(d["port_mask"] & 0xffff).toString(16)} `;
    if (f & (1 << H_SPI_MASK)) s += `spi-mask 0x${(d["port_mask"] >>> 0).toString(16)} `;
    if (f & (1 << H_SPORT)) s += `sport 0x${(d["port_set"] >>> 16).toString(16)} `;
    if (f & (1 << H_DPORT)) s += `dport 0x${(d["port_set"] & 0xffff).toString(16)} `;
    if (f & (1 << H_SPI)) s += `spi 0x${(d["port_set"] >>> 0).toString(16)} `;
    if (f & (1 << H_PROTO_MASK)) s += `proto-mask 0x${d["proto_mask"].toString(16)} `;
    if (f & (1 << H_RND)) s += `rnd 0x${(d["hashrnd"] >>> 0).toString(16)} `;
    return s;
  },
  save(d) {
    const f: number = d["flags"];
    let s = "";
    if (f & (1 << H_SADDR)) s += ` --hmark-src-prefix ${ipmaskToCidr(d["src_mask"])}`;
    if (f & (1 << H_DADDR)) s += ` --hmark-dst-prefix ${ipmaskToCidr(d["dst_mask"])}`;
    if (f & (1 << H_SPORT_MASK)) s += ` --hmark-sport-mask ${h16(d["port_mask"] >>> 16, 4)}`;
    if (f & (1 << H_DPORT_MASK)) s += ` --hmark-dport-mask ${h16(d["port_mask"] & 0xffff, 4)}`;
    if (f & (1 << H_SPI_MASK)) s += ` --hmark-spi-mask ${h16(d["port_mask"], 8)}`;
    if (f & (1 << H_SPORT)) s += ` --hmark-sport ${h16(d["port_set"] >>> 16, 4)}`;
    if (f & (1 << H_DPORT)) s += ` --hmark-dport ${h16(d["port_set"] & 0xffff, 4)}`;
    if (f & (1 << H_SPI)) s += ` --hmark-spi ${h16(d["port_set"], 8)}`;
    if (f & (1 << H_PROTO_MASK)) s += ` --hmark-proto-mask ${h16(d["proto_mask"], 2)}`;
    if (f & (1 << H_RND)) s += ` --hmark-rnd ${h16(d["hashrnd"], 8)}`;
    if (f & (1 << H_MOD)) s += ` --hmark-mod ${d["hmodulus"]}`;
    if (f & (1 << H_OFFSET)) s += ` --hmark-offset ${d["hoffset"]}`;
    if (f & (1 << H_CT)) s += " --hmark-tuple ct";
    return s;
  },
};

// ================= IDLETIMER (libxt_IDLETIMER.c, revision 1) =================
const XT_IDLETIMER_ALARM = 1;
const IDLETIMER_OPTS: XtOpt[] = [
  { name: "timeout", id: 0, type: "uint32", flags: XTOPT_MAND },
  { name: "label", id: 1, type: "string", flags: XTOPT_MAND },
  { name: "alarm", id: 2, type: "none" },
];
const IDLETIMER: Ext = {
  name: "IDLETIMER", revision: 1, kind: "target", opts: optsOf(IDLETIMER_OPTS),
  help: HELP.IDLETIMER_HELP_V1,
  init: () => ({ timeout: 0, label: "", send_nl_msg: 0, timer_type: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("IDLETIMER", IDLETIMER_OPTS, o, arg, invert, d);
    if (o === "timeout") d["timeout"] = v.num >>> 0;
    // char label[MAX_IDLETIMER_LABEL_SIZE]
    else if (o === "label") d["label"] = putString(arg, 28);
    else d["timer_type"] = XT_IDLETIMER_ALARM;
  },
  final(d) {
    xtoptFcheck("IDLETIMER", IDLETIMER_OPTS, d);
  },
  print: (d) => ` timeout:${d["timeout"]} label:${d["label"]}` + (d["timer_type"] === XT_IDLETIMER_ALARM ? " alarm" : ""),
  save: (d) => ` --timeout ${d["timeout"]} --label ${d["label"]}` + (d["timer_type"] === XT_IDLETIMER_ALARM ? " --alarm" : ""),
};

// ================= LED (libxt_LED.c) =================
const LED_OPTS: XtOpt[] = [
  { name: "led-trigger-id", id: 0, type: "string", flags: XTOPT_MAND },
  { name: "led-delay", id: 1, type: "string" },
  { name: "led-always-blink", id: 2, type: "none" },
];
const ledEscape = (id: string): string => id.replace(/(["\\])/g, "\\$1");
const LED: Ext = {
  name: "LED", revision: 0, kind: "target", opts: optsOf(LED_OPTS),
  help: HELP.LED_HELP,
  init: () => ({ id: "", always_blink: 0, delay: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("LED", LED_OPTS, o, arg, invert, d);
    if (o === "led-trigger-id") {
      // xtopt_parse_string(): .max = sizeof(id) - sizeof("netfilter-") = 16
      if (arg.length > 16) xtablesError(PARAMETER_PROBLEM, "Argument must have a maximum length of 16 characters\n");
      d["id"] = ("netfilter-" + arg).slice(0, 26);
    } else if (o === "led-delay") {
      if (arg.slice(0, 3).toLowerCase() === "inf") d["delay"] = -1;
      else {
        const r = strtoumax(arg);
        if (!r || r[1] !== "" || r[0] > 0xffffffffn || /^\s*-/.test(arg))
          xtablesError(PARAMETER_PROBLEM, "Delay value must be within range 0..4294967295");
        d["delay"] = Number(BigInt.asIntN(32, r[0]));
      }
    } else d["always_blink"] = 1;
  },
  final(d) {
    xtoptFcheck("LED", LED_OPTS, d);
  },
  print(d) {
    let s = ` led-trigger-id:"${ledEscape(String(d["id"]).slice(10))}"`;
    s += d["delay"] === -1 ? " led-delay:inf" : ` led-delay:${d["delay"]}ms`;
    if (d["always_blink"]) s += " led-always-blink";
    return s;
  },
  save(d) {
    let s = ` --led-trigger-id "${ledEscape(String(d["id"]).slice(10))}"`;
    // delay is a __u32: "> 0" holds for inf (-1) too, printed with %d
    if (d["delay"] !== 0) s += ` --led-delay ${d["delay"]}`;
    if (d["always_blink"]) s += " --led-always-blink";
    return s;
  },
};

// ================= RATEEST (libxt_RATEEST.c) =================
const TIME_UNITS_PER_SEC = 1000000;
const RATEEST_OPTS: XtOpt[] = [
  { name: "rateest-name", id: 0, type: "string", flags: XTOPT_MAND },
  { name: "rateest-interval", id: 1, type: "string", flags: XTOPT_MAND },
  { name: "rateest-ewmalog", id: 2, type: "string", flags: XTOPT_MAND },
];
/** RATEEST_get_time() */
function rateestGetTime(str: string): number | undefined {
  const r = strtod(str);
  if (!r) return undefined;
  let [t] = r;
  const p = r[1].toLowerCase();
  if (p !== "") {
    if (p === "s" || p === "sec" || p === "secs") t *= TIME_UNITS_PER_SEC;
    else if (p === "ms" || p === "msec" || p === "msecs") t *= TIME_UNITS_PER_SEC / 1000;
    else if (p === "us" || p === "usec" || p === "usecs") t *= 1;
    else return undefined;
  }
  return toU32(t);
}
/** RATEEST_print_time() */
function rateestTime(time: number): string {
  if (time >= TIME_UNITS_PER_SEC) return ` ${(time / TIME_UNITS_PER_SEC).toFixed(1)}s`;
  if (time >= TIME_UNITS_PER_SEC / 1000) return ` ${(time / (TIME_UNITS_PER_SEC / 1000)).toFixed(1)}ms`;
  return ` ${time}us`;
}
function rateestText(d: Record<string, any>, prefix: string): string {
  const interval = Math.floor(((TIME_UNITS_PER_SEC * 2 ** (d["interval"] + 2)) >>> 0) / 4);
  const ewma = Number(BigInt.asUintN(32, BigInt(interval) * (1n << BigInt(d["ewma_log"]))));
  return ` ${prefix}name ${d["name"]} ${prefix}interval${rateestTime(interval)} ${prefix}ewmalog${rateestTime(ewma)}`;
}
const RATEEST: Ext = {
  name: "RATEEST", revision: 0, kind: "target", opts: optsOf(RATEEST_OPTS),
  help: HELP.RATEEST_HELP,
  init: () => ({ name: "", interval: 0, ewma_log: 0, __uinterval: 0, __uewma: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("RATEEST", RATEEST_OPTS, o, arg, invert, d);
    if (o === "rateest-name") d["name"] = putString(arg, 16);
    else if (o === "rateest-interval") {
      const t = rateestGetTime(arg);
      if (t === undefined) xtablesError(PARAMETER_PROBLEM, `RATEEST: bad interval value "${arg}"`);
      d["__uinterval"] = t;
    } else {
      const t = rateestGetTime(arg);
      if (t === undefined) xtablesError(PARAMETER_PROBLEM, `RATEEST: bad ewmalog value "${arg}"`);
      d["__uewma"] = t;
    }
  },
  final(d) {
    // RATEEST_final_check() (before the mandatory options are looked at)
    const ui: number = d["__uinterval"];
    const ue: number = d["__uewma"];
    delete d["__uinterval"];
    delete d["__uewma"];
    let interval = 0;
    for (; interval <= 5; interval++) if (ui <= 2 ** interval * (TIME_UNITS_PER_SEC / 4)) break;
    if (interval > 5) xtablesError(PARAMETER_PROBLEM, "RATEEST: interval value is too large");
    d["interval"] = interval - 2;
    let ewma = 1;
    for (; ewma < 32; ewma++) {
      const w = 1.0 - 1.0 / 2 ** ewma;
      if (ui / -Math.log(w) > ue) break;
    }
    ewma--;
    if (ewma === 0 || ewma >= 31) xtablesError(PARAMETER_PROBLEM, "RATEEST: ewmalog value is out of range");
    d["ewma_log"] = ewma;
    xtoptFcheck("RATEEST", RATEEST_OPTS, d);
  },
  print: (d) => rateestText(d, ""),
  save: (d) => rateestText(d, "--rateest-"),
};

// ================= rateest match (libxt_rateest.c) =================
const XT_RATEEST_MATCH_INVERT = 1, XT_RATEEST_MATCH_ABS = 2, XT_RATEEST_MATCH_REL = 4, XT_RATEEST_MATCH_DELTA = 8;
const XT_RATEEST_MATCH_BPS = 16, XT_RATEEST_MATCH_PPS = 32;
const XT_RATEEST_MATCH_EQ = 1, XT_RATEEST_MATCH_LT = 2, XT_RATEEST_MATCH_GT = 3;
/** rate_suffix suffixes[] */
const RATE_SUFFIXES: [string, number][] = [
  ["bit", 1], ["Kibit", 1024], ["kbit", 1000], ["Mibit", 1024 * 1024], ["mbit", 1000000], ["Gibit", 1024 ** 3], ["gbit", 1e9],
  ["Tibit", 1024 ** 4], ["tbit", 1e12], ["Bps", 8], ["KiBps", 8 * 1024], ["KBps", 8000], ["MiBps", 8 * 1024 * 1024], ["MBps", 8e6],
  ["GiBps", 8 * 1024 ** 3], ["GBps", 8e9], ["TiBps", 8 * 1024 ** 4], ["TBps", 8e12],
];
function rateestGetRate(str: string): number | undefined {
  const r = strtod(str);
  if (!r) return undefined;
  if (r[1] === "") return toU32(r[0] / 8);
  const s = RATE_SUFFIXES.find(([n]) => n.toLowerCase() === r[1].toLowerCase());
  return s ? toU32((r[0] * s[1]) / 8) : undefined;
}
const RATEEST_MT_OPTS: Record<string, boolean> = {
  rateest1: true, rateest: true, rateest2: true, "rateest-bps1": false, "rateest-pps1": false, "rateest-bps2": false,
  "rateest-pps2": false, "rateest-bps": false, "rateest-pps": false, "rateest-delta": false, "rateest-lt": false,
  "rateest-gt": false, "rateest-eq": false,
};
function rateestPrintRate(rate: number, numeric: boolean): string {
  const tmp = rate * 8;
  if (numeric) return ` ${rate}`;
  if (tmp >= 1000.0 * 1000000.0) return ` ${(tmp / 1000000.0).toFixed(0)}Mbit`;
  if (tmp >= 1000.0 * 1000.0) return ` ${(tmp / 1000.0).toFixed(0)}Kbit`;
  return ` ${tmp.toFixed(0)}bit`;
}
function rateestPrintMode(d: Record<string, any>, prefix: string): string {
  const inv = d["flags"] & XT_RATEEST_MATCH_INVERT ? " !" : "";
  const m = ({ [XT_RATEEST_MATCH_EQ]: "eq", [XT_RATEEST_MATCH_LT]: "lt", [XT_RATEEST_MATCH_GT]: "gt" } as Record<number, string>)[d["mode"]];
  // (rateest_print_mode() exit(1)s on a rule without a mode)
  return m ? `${inv} ${prefix}${m}` : inv;
}
function rateestSaveRate(d: Record<string, any>, name: string, r1: number, r2: number, numeric: boolean): string {
  let s: string;
  if (d["flags"] & XT_RATEEST_MATCH_DELTA) {
    s = ` --rateest-${name}1` + rateestPrintRate(r1, numeric) + rateestPrintMode(d, "--rateest-") + ` --rateest-${name}2`;
  } else s = rateestPrintMode(d, "--rateest-") + ` --rateest-${name}`;
  if (d["flags"] & (XT_RATEEST_MATCH_ABS | XT_RATEEST_MATCH_DELTA)) s += rateestPrintRate(r2, numeric);
  return s;
}
const rateest: Ext = {
  name: "rateest", revision: 0, kind: "match", opts: RATEEST_MT_OPTS,
  help: HELP.RATEEST_MT_HELP,
  init: () => ({ name1: "", name2: "", flags: 0, mode: 0, bps1: 0, pps1: 0, bps2: 0, pps2: 0 }),
  parse(o, arg, invert, d, ctx) {
    const once = (key: string, msg: string) => {
      if (ctx.seen.has("rateest" + key)) xtablesError(PARAMETER_PROBLEM, `rateest: can't specify ${msg} twice`);
      ctx.seen.add("rateest" + key);
    };
    const noinv = (what: string) => {
      if (invert) xtablesError(PARAMETER_PROBLEM, `rateest: ${what} can't be inverted`);
    };
    switch (o) {
      case "rateest1":
      case "rateest":
        noinv("rateest");
        once("1", "--rateest1");
        d["name1"] = putString(arg, 16);
        break;
      case "rateest2":
        noinv("rateest");
        once("2", "--rateest2");
        d["name2"] = putString(arg, 16);
        d["flags"] |= XT_RATEEST_MATCH_REL;
        break;
      case "rateest-bps1":
      case "rateest-bps2":
      case "rateest-bps": {
        const n = o === "rateest-bps1" ? 1 : 2;
        noinv("rateest-bps");
        once(`bps${n}`, `--rateest-bps${n}`);
        d["flags"] |= XT_RATEEST_MATCH_BPS;
        // the rate is optional (only absolute mode needs it)
        const a = ctx.nextArg();
        if (a === undefined) break;
        const r = rateestGetRate(a);
        if (r === undefined) xtablesError(PARAMETER_PROBLEM, `rateest: could not parse rate \`${a}'`);
        d[`bps${n}`] = r;
        break;
      }
      case "rateest-pps1":
      case "rateest-pps2":
      case "rateest-pps": {
        const n = o === "rateest-pps1" ? 1 : 2;
        noinv("rateest-pps");
        once(`pps${n}`, `--rateest-pps${n}`);
        d["flags"] |= XT_RATEEST_MATCH_PPS;
        const a = ctx.nextArg();
        if (a === undefined) break;
        const r = strtoumax(a);
        if (!r || r[1] !== "" || r[0] > 0xffffffffn || /^\s*-/.test(a)) xtablesError(PARAMETER_PROBLEM, `rateest: could not parse pps \`${a}'`);
        d[`pps${n}`] = Number(r[0]);
        break;
      }
      case "rateest-delta":
        noinv("rateest-delta");
        once("delta", "--rateest-delta");
        d["flags"] |= XT_RATEEST_MATCH_DELTA;
        break;
      default: {
        once(o, "lt/gt/eq");
        d["mode"] = o === "rateest-eq" ? XT_RATEEST_MATCH_EQ : o === "rateest-lt" ? XT_RATEEST_MATCH_LT : XT_RATEEST_MATCH_GT;
        if (invert) d["flags"] |= XT_RATEEST_MATCH_INVERT;
      }
    }
  },
  final(d) {
    if (!(d["flags"] & XT_RATEEST_MATCH_REL)) d["flags"] |= XT_RATEEST_MATCH_ABS;
  },
  print(d, numeric) {
    const f: number = d["flags"];
    let s = ` rateest match ${d["name1"]}`;
    if (f & XT_RATEEST_MATCH_DELTA) s += " delta";
    if (f & XT_RATEEST_MATCH_BPS) {
      s += " bps";
      if (f & XT_RATEEST_MATCH_DELTA) s += rateestPrintRate(d["bps1"], numeric);
      if (f & XT_RATEEST_MATCH_ABS) s += rateestPrintRate(d["bps2"], numeric) + rateestPrintMode(d, "");
    }
    if (f & XT_RATEEST_MATCH_PPS) {
      s += " pps";
      if (f & XT_RATEEST_MATCH_DELTA) s += ` ${d["pps1"]}`;
      if (f & XT_RATEEST_MATCH_ABS) s += rateestPrintMode(d, "") + ` ${d["pps2"]}`;
    }
    if (f & XT_RATEEST_MATCH_REL) {
      s += rateestPrintMode(d, "") + ` ${d["name2"]}`;
      if (f & XT_RATEEST_MATCH_BPS) {
        s += " bps";
        if (f & XT_RATEEST_MATCH_DELTA) s += rateestPrintRate(d["bps2"], numeric);
      }
      if (f & XT_RATEEST_MATCH_PPS) {
        s += " pps";
        if (f & XT_RATEEST_MATCH_DELTA) s += ` ${d["pps2"]}`;
      }
    }
    return s;
  },
  save(d) {
    const f: number = d["flags"];
    let s = f & XT_RATEEST_MATCH_DELTA ? " --rateest-delta" : "";
    const rates = () =>
      (f & XT_RATEEST_MATCH_BPS ? rateestSaveRate(d, "bps", d["bps1"], d["bps2"], false) : "") +
      (f & XT_RATEEST_MATCH_PPS ? rateestSaveRate(d, "pps", d["pps1"], d["pps2"], true) : "");
    if (f & XT_RATEEST_MATCH_REL) s += ` --rateest1 ${d["name1"]}` + rates() + ` --rateest2 ${d["name2"]}`;
    else s += ` --rateest ${d["name1"]}` + rates();
    return s;
  },
};

// ================= SYNPROXY (libxt_SYNPROXY.c) =================
const XT_SYNPROXY_OPT_MSS = 1, XT_SYNPROXY_OPT_WSCALE = 2, XT_SYNPROXY_OPT_SACK_PERM = 4, XT_SYNPROXY_OPT_TIMESTAMP = 8, XT_SYNPROXY_OPT_ECN = 16;
const SYNPROXY_OPTS: XtOpt[] = [
  { name: "sack-perm", id: 0, type: "none" },
  { name: "timestamp", id: 1, type: "none" },
  { name: "wscale", id: 2, type: "uint32" },
  { name: "mss", id: 3, type: "uint32" },
  { name: "ecn", id: 4, type: "none" },
];
const SYNPROXY: Ext = {
  name: "SYNPROXY", revision: 0, kind: "target", opts: optsOf(SYNPROXY_OPTS),
  help: HELP.SYNPROXY_HELP,
  // struct xt_synproxy_info: __u8 options, wscale; __u16 mss
  init: () => ({ options: 0, wscale: 0, mss: 0 }),
  parse(o, arg, invert, d) {
    const [, v] = xtoptParse("SYNPROXY", SYNPROXY_OPTS, o, arg, invert, d);
    if (o === "sack-perm") d["options"] |= XT_SYNPROXY_OPT_SACK_PERM;
    else if (o === "timestamp") d["options"] |= XT_SYNPROXY_OPT_TIMESTAMP;
    else if (o === "wscale") {
      d["options"] |= XT_SYNPROXY_OPT_WSCALE;
      d["wscale"] = v.num & 0xff;
    } else if (o === "mss") {
      d["options"] |= XT_SYNPROXY_OPT_MSS;
      d["mss"] = v.num & 0xffff;
    } else d["options"] |= XT_SYNPROXY_OPT_ECN;
  },
  final(d) {
    xtoptFcheck("SYNPROXY", SYNPROXY_OPTS, d);
  },
  print(d) {
    const o: number = d["options"];
    let s = " SYNPROXY ";
    if (o & XT_SYNPROXY_OPT_SACK_PERM) s += "sack-perm ";
    if (o & XT_SYNPROXY_OPT_TIMESTAMP) s += "timestamp ";
    if (o & XT_SYNPROXY_OPT_WSCALE) s += `wscale ${d["wscale"]} `;
    if (o & XT_SYNPROXY_OPT_MSS) s += `mss ${d["mss"]} `;
    if (o & XT_SYNPROXY_OPT_ECN) s += "ecn ";
    return s;
  },
  save(d) {
    const o: number = d["options"];
    let s = "";
    if (o & XT_SYNPROXY_OPT_SACK_PERM) s += " --sack-perm";
    if (o & XT_SYNPROXY_OPT_TIMESTAMP) s += " --timestamp";
    if (o & XT_SYNPROXY_OPT_WSCALE) s += ` --wscale ${d["wscale"]}`;
    if (o & XT_SYNPROXY_OPT_MSS) s += ` --mss ${d["mss"]}`;
    if (o & XT_SYNPROXY_OPT_ECN) s += " --ecn";
    return s;
  },
};

// ================= TPROXY (libxt_TPROXY.c, revision 1) =================
const TPROXY_OPTS: XtOpt[] = [
  { name: "on-port", id: 0, type: "string", flags: XTOPT_MAND },
  { name: "on-ip", id: 1, type: "string" },
  { name: "tproxy-mark", id: 2, type: "string" },
];
const TPROXY: Ext = {
  name: "TPROXY", revision: 1, kind: "target", opts: optsOf(TPROXY_OPTS),
  help: HELP.TPROXY_HELP,
  init: () => ({ mark_mask: 0, mark_value: 0, laddr: 0, lport: 0 }),
  parse(o, arg, invert, d) {
    xtoptParse("TPROXY", TPROXY_OPTS, o, arg, invert, d);
    if (o === "on-port") {
      const p = getportbyname(arg);
      if (p < 0) xtablesError(PARAMETER_PROBLEM, `Port "${arg}" does not resolve to anything.\n`);
      d["lport"] = p;
    } else if (o === "on-ip") d["laddr"] = parseHost(arg);
    else [d["mark_value"], d["mark_mask"]] = parseMarkMask(arg, "TPROXY", o);
  },
  final(d) {
    xtoptFcheck("TPROXY", TPROXY_OPTS, d);
  },
  print: (d) => ` TPROXY redirect ${ipStr(d["laddr"])}:${d["lport"]} mark 0x${(d["mark_value"] >>> 0).toString(16)}/0x${(d["mark_mask"] >>> 0).toString(16)}`,
  save: (d) => ` --on-port ${d["lport"]} --on-ip ${ipStr(d["laddr"])} --tproxy-mark 0x${(d["mark_value"] >>> 0).toString(16)}/0x${(d["mark_mask"] >>> 0).toString(16)}`,
};

export const EXTS_TG: Ext[] = [CHECKSUM, CLASSIFY, TEE, AUDIT, HMARK, IDLETIMER, LED, RATEEST, rateest, SYNPROXY, TPROXY];

registerExts(EXTS_TG);
