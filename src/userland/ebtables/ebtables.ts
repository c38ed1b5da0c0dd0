/**
 * ebtables 1.8.9 (nf_tables), as Debian 12 ships it: iptables/xtables-eb.c do_commandeb()
 * (parsing, the -i/-o chain checks, the commands), nft-bridge.c (rule listing, MAC names),
 * extensions/libebt_ip.c (--ip-*), libxtables getethertype.c. The kernel side is
 * kernel/netfilter/ebtables.ts, reached with EBT_SO_GET_ENTRIES / EBT_SO_SET_ENTRIES: the
 * tool edits a copy of the table and writes it back whole; the kernel's checks give the nft
 * errors ("RULE_APPEND failed (Invalid argument)").
 */
import type { Process } from "../process.ts";
import { isKErr, strerror, type Errno } from "../../kernel/uapi/errno.ts";
import {
  EBT_802_3, EBT_DESTMAC, EBT_IDEST, EBT_IIN, EBT_ILOGICALIN, EBT_ILOGICALOUT, EBT_IOUT, EBT_IP_DEST, EBT_IP_DPORT,
  EBT_IP_PROTO, EBT_IP_SOURCE, EBT_IP_SPORT, EBT_IP_TOS, EBT_IPROTO, EBT_ISOURCE, EBT_NOPROTO, EBT_SOURCEMAC,
  type EbtChain, type EbtEntry, type EbtIpInfo, type EbtTableInfo,
} from "../../kernel/uapi/ebtables.ts";
import { ethertypeByName, ethertypeByNumber } from "./ethertypes.ts";

const PROG = "ebtables";
const VERSION = "1.8.9";
const OTHER_PROBLEM = 1;
const PARAMETER_PROBLEM = 2;
const VERSION_PROBLEM = 3;
const RESOURCE_PROBLEM = 4;

class EbError extends Error {
  constructor(public readonly status: number, public readonly text: string, public readonly plain = false) {
    super(text);
  }
}

/** xtables_error() */
function xtError(status: number, msg: string): never {
  throw new EbError(status, msg);
}

/** the libiptc-style errors ebtables-nft prints as "ebtables: <msg>" (nft_strerror) */
function nftError(msg: string): never {
  throw new EbError(OTHER_PROBLEM, msg, true);
}

/** /etc/protocols, the part getprotobyname/number answer */
const PROTOCOLS: [string, number][] = [
  ["ip", 0], ["icmp", 1], ["igmp", 2], ["ipencap", 4], ["tcp", 6], ["egp", 8], ["igp", 9], ["pup", 12], ["udp", 17],
  ["hmp", 20], ["xns-idp", 22], ["rdp", 27], ["iso-tp4", 29], ["dccp", 33], ["xtp", 36], ["ddp", 37], ["idpr-cmtp", 38],
  ["ipv6", 41], ["ipv6-route", 43], ["ipv6-frag", 44], ["idrp", 45], ["rsvp", 46], ["gre", 47], ["esp", 50], ["ah", 51],
  ["skip", 57], ["ipv6-icmp", 58], ["ipv6-nonxt", 59], ["ipv6-opts", 60], ["rspf", 73], ["vmtp", 81], ["eigrp", 88],
  ["ospf", 89], ["ax.25", 93], ["ipip", 94], ["etherip", 97], ["encap", 98], ["pim", 103], ["ipcomp", 108], ["vrrp", 112],
  ["l2tp", 115], ["isis", 124], ["sctp", 132], ["fc", 133], ["mobility-header", 135], ["udplite", 136],
  ["mpls-in-ip", 137], ["manet", 138], ["hip", 139], ["shim6", 140], ["wesp", 141], ["rohc", 142], ["ethernet", 143],
];

const STANDARD = ["ACCEPT", "DROP", "CONTINUE", "RETURN"];

interface Opts {
  command: string;
  chain?: string;
  newName?: string;
  policy?: string;
  ruleNum?: number;
  ruleEnd?: number;
  table: string;
  tableSet: boolean;
  zeroToo: boolean;
  listFlags: Set<string>;
  entry: EbtEntry;
  ip?: EbtIpInfo;
  targetSet: boolean;
  seen: Set<string>;
}

function emptyEntry(): EbtEntry {
  return {
    bitmask: EBT_NOPROTO, invflags: 0, ethproto: 0, in: "", logicalIn: "", out: "", logicalOut: "",
    sourcemac: [0, 0, 0, 0, 0, 0], sourcemsk: [0, 0, 0, 0, 0, 0], destmac: [0, 0, 0, 0, 0, 0], destmsk: [0, 0, 0, 0, 0, 0],
    matches: [], target: "CONTINUE", pcnt: 0, bcnt: 0,
  };
}

function emptyIp(): EbtIpInfo {
  return { saddr: 0, daddr: 0, smsk: 0, dmsk: 0, tos: 0, protocol: 0, bitmask: 0, invflags: 0, sport: [0, 0], dport: [0, 0] };
}

const LONG_CMDS: Record<string, string> = {
  append: "A", delete: "D", insert: "I", list: "L", flush: "F", zero: "Z", policy: "P", "new-chain": "N",
  "rename-chain": "E", "delete-chain": "X", "change-counters": "C",
};
const LONG_OPTS: Record<string, string> = {
  proto: "p", protocol: "p", src: "s", source: "s", dst: "d", destination: "d", "in-if": "i", "in-interface": "i",
  "out-if": "o", "out-interface": "o", jump: "j", table: "t", version: "V", help: "h",
};
/** options that take an argument */
const WITH_ARG = new Set(["A", "D", "I", "N", "E", "P", "C", "i", "o", "j", "p", "s", "d", "t", "M", "c",
  "logical-in", "logical-out", "ip-src", "ip-dst", "ip-tos", "ip-proto", "ip-sport", "ip-dport"]);
const IP_LONG: Record<string, string> = {
  "ip-src": "ip-src", "ip-source": "ip-src", "ip-dst": "ip-dst", "ip-destination": "ip-dst", "ip-tos": "ip-tos",
  "ip-proto": "ip-proto", "ip-protocol": "ip-proto", "ip-sport": "ip-sport", "ip-source-port": "ip-sport",
  "ip-dport": "ip-dport", "ip-destination-port": "ip-dport",
};

/** ether_aton() */
function etherAton(s: string): number[] | undefined {
  const parts = s.split(":");
  if (parts.length !== 6) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return undefined;
    out.push(parseInt(p, 16));
  }
  return out;
}

const MAC_TYPES: [string, number[], number[]][] = [
  ["Unicast", [0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0]],
  ["Multicast", [1, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0]],
  ["Broadcast", [255, 255, 255, 255, 255, 255], [255, 255, 255, 255, 255, 255]],
  ["BGA", [1, 0x80, 0xc2, 0, 0, 0], [255, 255, 255, 255, 255, 255]],
];

/** xtables_parse_mac_and_mask() */
function parseMacAndMask(s: string): [number[], number[]] | undefined {
  for (const [n, mac, msk] of MAC_TYPES) if (n.toLowerCase() === s.toLowerCase()) return [[...mac], [...msk]];
  const slash = s.indexOf("/");
  let mask = [255, 255, 255, 255, 255, 255];
  let macs = s;
  if (slash >= 0) {
    const m = etherAton(s.slice(slash + 1));
    if (!m) return undefined;
    mask = m;
    macs = s.slice(0, slash);
  }
  const mac = etherAton(macs);
  if (!mac) return undefined;
  return [mac.map((b, i) => b & mask[i]!), mask];
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, "0");
}

function macStr(m: number[]): string {
  return m.map(hex2).join(":");
}

/** xtables_print_mac_and_mask() */
function printMacAndMask(mac: number[], msk: number[]): string {
  for (const [n, m, k] of MAC_TYPES) if (m.every((b, i) => b === mac[i]) && k.every((b, i) => b === msk[i])) return n;
  let s = macStr(mac);
  if (!msk.every((b) => b === 255)) s += `/${macStr(msk)}`;
  return s;
}

function ipStr(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

function parseDotted(s: string): number | undefined {
  const p = s.split(".");
  if (p.length !== 4 || !p.every((x) => /^\d{1,3}$/.test(x) && Number(x) <= 255)) return undefined;
  return p.reduce((a, x) => ((a << 8) | Number(x)) >>> 0, 0);
}

/** libebt_ip.c: ebt_parse_ip_address() */
function parseIpAddress(s: string): [number, number] | undefined {
  const slash = s.indexOf("/");
  let msk = 0xffffffff;
  let a = s;
  if (slash >= 0) {
    const m = s.slice(slash + 1);
    a = s.slice(0, slash);
    if (/^\d+$/.test(m)) {
      const bits = Number(m);
      if (bits > 32) return undefined;
      msk = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    } else {
      const d = parseDotted(m);
      if (d === undefined) return undefined;
      msk = d;
    }
  }
  const addr = parseDotted(a);
  if (addr === undefined) return undefined;
  return [(addr & msk) >>> 0, msk];
}

/** xtables_ipmask_to_numeric() */
function maskStr(m: number): string {
  if (m === 0xffffffff) return "";
  let bits = 0;
  while (bits < 32 && (m & (0x80000000 >>> bits)) !== 0) bits++;
  if (((0xffffffff << (32 - bits)) >>> 0) === m || (bits === 0 && m === 0)) return `/${bits}`;
  return `/${ipStr(m)}`;
}

function parsePortRange(s: string, what: string): [number, number] {
  const bad = (): never => xtError(PARAMETER_PROBLEM, `Problem with specified IP ${what} port '${s}'`);
  const one = (x: string): number => {
    if (!/^\d+$/.test(x) || Number(x) > 65535) bad();
    return Number(x);
  };
  const c = s.indexOf(":");
  if (c < 0) {
    const p = one(s);
    return [p, p];
  }
  const lo = c === 0 ? 0 : one(s.slice(0, c));
  const hi = c === s.length - 1 ? 65535 : one(s.slice(c + 1));
  if (lo > hi) bad();
  return [lo, hi];
}

/** libebt_ip.c: brip_parse() */
function parseIpOpt(o: Opts, name: string, val: string, inv: boolean): void {
  const ip = (o.ip ??= emptyIp());
  const set = (bit: number) => {
    if (ip.bitmask & bit) xtError(PARAMETER_PROBLEM, "Multiple use of same option not allowed");
    ip.bitmask |= bit;
    if (inv) ip.invflags |= bit;
  };
  switch (name) {
    case "ip-src":
    case "ip-dst": {
      const r = parseIpAddress(val);
      if (!r) xtError(PARAMETER_PROBLEM, `Problem with specified IP ${name === "ip-src" ? "source" : "destination"} address '${val}'`);
      if (name === "ip-src") {
        set(EBT_IP_SOURCE);
        [ip.saddr, ip.smsk] = r;
      } else {
        set(EBT_IP_DEST);
        [ip.daddr, ip.dmsk] = r;
      }
      break;
    }
    case "ip-tos": {
      set(EBT_IP_TOS);
      const n = /^(0x[0-9a-fA-F]+|\d+)$/.test(val) ? Number(val) : NaN;
      if (!(n >= 0 && n <= 255)) xtError(PARAMETER_PROBLEM, "Problem with specified IP tos");
      ip.tos = n;
      break;
    }
    case "ip-proto": {
      set(EBT_IP_PROTO);
      let n: number | undefined = /^\d+$/.test(val) && Number(val) <= 255 ? Number(val) : undefined;
      if (n === undefined) n = PROTOCOLS.find(([p]) => p === val.toLowerCase())?.[1];
      if (n === undefined) xtError(PARAMETER_PROBLEM, `Unknown specified IP protocol - ${val}`);
      ip.protocol = n;
      break;
    }
    case "ip-sport":
      set(EBT_IP_SPORT);
      ip.sport = parsePortRange(val, "source");
      break;
    case "ip-dport":
      set(EBT_IP_DPORT);
      ip.dport = parsePortRange(val, "destination");
      break;
  }
}

/** parse -p */
function parseProto(o: Opts, val: string, inv: boolean): void {
  const e = o.entry;
  e.bitmask &= ~EBT_NOPROTO;
  if (inv) e.invflags |= EBT_IPROTO;
  if (/^[0-9a-fA-F]+$/.test(val) || /^0x[0-9a-fA-F]+$/i.test(val)) {
    const n = parseInt(val, 16);
    if (n > 0xffff) xtError(PARAMETER_PROBLEM, "Problem with the specified protocol");
    if (n < 0x0600) xtError(PARAMETER_PROBLEM, "Sorry, protocols have values above or equal to 0x0600");
    e.ethproto = n;
    return;
  }
  if (val.toLowerCase() === "length") {
    e.bitmask |= EBT_802_3;
    return;
  }
  const n = ethertypeByName(val);
  if (n === undefined) xtError(PARAMETER_PROBLEM, `Problem with the specified Ethernet protocol '${val}', perhaps /etc/ethertypes is missing`);
  e.ethproto = n;
}

function parseArgs(argv: string[]): Opts {
  const o: Opts = {
    command: "", table: "filter", tableSet: false, zeroToo: false, listFlags: new Set(), entry: emptyEntry(),
    targetSet: false, seen: new Set(),
  };
  let i = 1;
  let pendingInv = false;
  const next = (): string | undefined => argv[i++];
  const peekFree = (): string | undefined => {
    const a = argv[i];
    return a !== undefined && !a.startsWith("-") ? a : undefined;
  };
  const setCommand = (c: string) => {
    if (o.command) {
      if ((o.command === "L" && c === "Z") || (o.command === "Z" && c === "L")) {
        o.zeroToo = true;
        o.command = "L";
        return false;
      }
      xtError(PARAMETER_PROBLEM, "Multiple commands are not allowed");
    }
    o.command = c;
    return true;
  };
  const once = (k: string) => {
    if (o.seen.has(k)) xtError(PARAMETER_PROBLEM, "Multiple use of same option not allowed");
    o.seen.add(k);
  };
  while (i < argv.length) {
    const a = argv[i++]!;
    let key: string;
    let val: string | undefined;
    if (a === "!") {
      pendingInv = true;
      continue;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (eq >= 0) val = a.slice(eq + 1);
      if (LONG_CMDS[name]) key = LONG_CMDS[name]!;
      else if (LONG_OPTS[name]) key = LONG_OPTS[name]!;
      else if (IP_LONG[name]) key = IP_LONG[name]!;
      else if (["logical-in", "logical-out", "Lc", "Ln", "Lx", "Lmac2", "concurrent", "init-table"].includes(name)) key = name;
      else xtError(PARAMETER_PROBLEM, `Unknown argument: '${a}'`);
    } else if (a.startsWith("-") && a.length >= 2) {
      key = a[1]!;
      if (a.length > 2) val = a.slice(2);
    } else {
      xtError(PARAMETER_PROBLEM, `Bad argument : '${a}'`);
    }
    // optional-argument commands
    if (["L", "F", "Z", "X"].includes(key)) {
      const ch = val ?? peekFree();
      if (val === undefined && ch !== undefined) i++;
      if (setCommand(key)) o.chain = ch;
      else if (ch !== undefined) o.chain = ch;
      continue;
    }
    if (WITH_ARG.has(key) && val === undefined) {
      val = next();
      if (val === undefined) xtError(PARAMETER_PROBLEM, "Unknown argument: '(null)'");
    }
    let inv = pendingInv;
    pendingInv = false;
    const invArg = () => {
      if (val === "!") {
        inv = true;
        val = next();
        if (val === undefined) xtError(PARAMETER_PROBLEM, "Unknown argument: '(null)'");
      }
    };
    switch (key) {
      case "A":
      case "N":
      case "C":
        setCommand(key);
        o.chain = val;
        break;
      case "I": {
        setCommand(key);
        o.chain = val;
        const n = peekFree();
        if (n !== undefined && /^\d+$/.test(n)) {
          o.ruleNum = Number(n);
          i++;
        }
        break;
      }
      case "D": {
        setCommand(key);
        o.chain = val;
        const n = peekFree();
        if (n !== undefined) {
          i++;
          const m = /^(\d*)(?::(\d*))?$/.exec(n);
          if (!m) xtError(PARAMETER_PROBLEM, `Problem with the specified rule number(s) '${n}'`);
          o.ruleNum = m[1] ? Number(m[1]) : 1;
          o.ruleEnd = m[2] !== undefined ? (m[2] ? Number(m[2]) : -1) : o.ruleNum;
        }
        break;
      }
      case "E": {
        setCommand(key);
        o.chain = val;
        const n = next();
        if (n === undefined) xtError(PARAMETER_PROBLEM, "No new chain name specified");
        o.newName = n;
        break;
      }
      case "P": {
        setCommand(key);
        o.chain = val;
        const p = next();
        if (p === undefined) xtError(PARAMETER_PROBLEM, "No policy specified");
        if (!["ACCEPT", "DROP", "RETURN"].includes(p)) xtError(PARAMETER_PROBLEM, `Unknown policy '${p}'`);
        o.policy = p;
        break;
      }
      case "V":
        o.command = "V";
        return o;
      case "h":
        o.command = "h";
        return o;
      case "t":
        once("t");
        o.table = val!;
        o.tableSet = true;
        break;
      case "Lc":
      case "Ln":
      case "Lx":
      case "Lmac2":
        o.listFlags.add(key);
        break;
      case "concurrent":
      case "M":
        break;
      case "i":
      case "o":
      case "logical-in":
      case "logical-out": {
        once(key);
        invArg();
        if (val!.length >= 16) xtError(PARAMETER_PROBLEM, "Interface name length cannot exceed 15 characters");
        const e = o.entry;
        if (key === "i") {
          e.in = val!;
          if (inv) e.invflags |= EBT_IIN;
        } else if (key === "o") {
          e.out = val!;
          if (inv) e.invflags |= EBT_IOUT;
        } else if (key === "logical-in") {
          e.logicalIn = val!;
          if (inv) e.invflags |= EBT_ILOGICALIN;
        } else {
          e.logicalOut = val!;
          if (inv) e.invflags |= EBT_ILOGICALOUT;
        }
        break;
      }
      case "s":
      case "d": {
        once(key);
        invArg();
        const r = parseMacAndMask(val!);
        if (!r) xtError(PARAMETER_PROBLEM, `Problem with specified ${key === "s" ? "source" : "destination"} mac '${val}'`);
        const e = o.entry;
        if (key === "s") {
          e.bitmask |= EBT_SOURCEMAC;
          [e.sourcemac, e.sourcemsk] = r;
          if (inv) e.invflags |= EBT_ISOURCE;
        } else {
          e.bitmask |= EBT_DESTMAC;
          [e.destmac, e.destmsk] = r;
          if (inv) e.invflags |= EBT_IDEST;
        }
        break;
      }
      case "p":
        once("p");
        invArg();
        parseProto(o, val!, inv);
        break;
      case "j":
        once("j");
        o.entry.target = val!;
        o.targetSet = true;
        break;
      case "ip-src":
      case "ip-dst":
      case "ip-tos":
      case "ip-proto":
      case "ip-sport":
      case "ip-dport":
        invArg();
        parseIpOpt(o, key, val!, inv);
        break;
      default:
        xtError(PARAMETER_PROBLEM, `Unknown argument: '${a}'`);
    }
  }
  return o;
}

/** nft-bridge.c: nft_bridge_print_rule() */
function printRule(e: EbtEntry, num: number, flags: Set<string>): string {
  let s = "";
  if (flags.has("Ln")) s += `${num} `;
  const inv = (f: number) => (e.invflags & f ? "! " : "");
  if (e.bitmask & EBT_802_3) s += `-p ${inv(EBT_IPROTO)}Length `;
  else if (!(e.bitmask & EBT_NOPROTO)) {
    const n = ethertypeByNumber(e.ethproto);
    s += `-p ${inv(EBT_IPROTO)}${n ?? `0x${e.ethproto.toString(16)}`} `;
  }
  if (e.bitmask & EBT_SOURCEMAC) s += `-s ${inv(EBT_ISOURCE)}${printMacAndMask(e.sourcemac, e.sourcemsk)} `;
  if (e.bitmask & EBT_DESTMAC) s += `-d ${inv(EBT_IDEST)}${printMacAndMask(e.destmac, e.destmsk)} `;
  if (e.in) s += `-i ${inv(EBT_IIN)}${e.in} `;
  if (e.logicalIn) s += `--logical-in ${inv(EBT_ILOGICALIN)}${e.logicalIn} `;
  if (e.out) s += `-o ${inv(EBT_IOUT)}${e.out} `;
  if (e.logicalOut) s += `--logical-out ${inv(EBT_ILOGICALOUT)}${e.logicalOut} `;
  for (const m of e.matches) if (m.name === "ip") s += printIp(m.data);
  s += `-j ${e.target}`;
  if (flags.has("Lc")) s += ` , pcnt = ${e.pcnt} -- bcnt = ${e.bcnt}`;
  return s + "\n";
}

/** libebt_ip.c: brip_print() */
function printIp(ip: EbtIpInfo): string {
  let s = "";
  const inv = (f: number) => (ip.invflags & f ? "! " : "");
  if (ip.bitmask & EBT_IP_SOURCE) s += `--ip-src ${inv(EBT_IP_SOURCE)}${ipStr(ip.saddr)}${maskStr(ip.smsk)} `;
  if (ip.bitmask & EBT_IP_DEST) s += `--ip-dst ${inv(EBT_IP_DEST)}${ipStr(ip.daddr)}${maskStr(ip.dmsk)} `;
  if (ip.bitmask & EBT_IP_TOS) s += `--ip-tos ${inv(EBT_IP_TOS)}0x${hex2(ip.tos).toUpperCase()} `;
  if (ip.bitmask & EBT_IP_PROTO) {
    const n = PROTOCOLS.find(([, x]) => x === ip.protocol)?.[0];
    s += `--ip-proto ${inv(EBT_IP_PROTO)}${n ?? ip.protocol} `;
  }
  const range = (r: [number, number]) => (r[0] === r[1] ? `${r[0]}` : `${r[0]}:${r[1]}`);
  if (ip.bitmask & EBT_IP_SPORT) s += `--ip-sport ${inv(EBT_IP_SPORT)}${range(ip.sport)} `;
  if (ip.bitmask & EBT_IP_DPORT) s += `--ip-dport ${inv(EBT_IP_DPORT)}${range(ip.dport)} `;
  return s;
}

function printChain(c: EbtChain, flags: Set<string>): string {
  let s = `Bridge chain: ${c.name}, entries: ${c.entries.length}, policy: ${c.policy}\n`;
  c.entries.forEach((e, k) => (s += printRule(e, k + 1, flags)));
  return s;
}

function sameEntry(a: EbtEntry, b: EbtEntry): boolean {
  const strip = (e: EbtEntry) => JSON.stringify({ ...e, pcnt: 0, bcnt: 0 });
  return strip(a) === strip(b);
}

const HELP = `ebtables ${VERSION} (nf_tables)
Usage:
ebtables -[ADI] chain rule-specification [options]
ebtables -P chain target
ebtables -[LFZ] [chain]
ebtables -[NX] [chain]
ebtables -E old-chain-name new-chain-name

Commands:
--append -A chain             : append to chain
--delete -D chain             : delete matching rule from chain
--delete -D chain rulenum     : delete rule at position rulenum from chain
--change-counters -C chain
          [rulenum] pcnt bcnt : change counters of existing rule
--insert -I chain rulenum     : insert rule at position rulenum in chain
--list   -L [chain]           : list the rules in a chain or in all chains
--flush  -F [chain]           : delete all rules in chain or in all chains
--init-table                  : replace the kernel table with the initial table
--zero   -Z [chain]           : put counters on zero in chain or in all chains
--policy -P chain target      : change policy on chain to target
--new-chain -N chain          : create a user defined chain
--rename-chain -E old new     : rename a chain
--delete-chain -X [chain]     : delete a user defined chain
Options:
--proto  -p [!] proto         : protocol hexadecimal, by name or LENGTH
--src    -s [!] address[/mask]: source mac address
--dst    -d [!] address[/mask]: destination mac address
--in-if  -i [!] name[+]       : network input interface name
--out-if -o [!] name[+]       : network output interface name
--logical-in  [!] name[+]     : logical bridge input interface name
--logical-out [!] name[+]     : logical bridge output interface name
--set-counters -c chain
          pcnt bcnt           : set the counters of the to be added rule
--modprobe -M program         : try to insert modules using this program
--concurrent                  : use a file lock to support concurrent scripts
--verbose -v                  : verbose mode
--version -V                  : print package version

Environment variable:


`;

/** the built-in chains of a table (the kernel marks them with their hook) */
function isBuiltin(c: EbtChain): boolean {
  return c.hook !== undefined;
}

/** an nft operation's failure: "<OP> failed (<strerror>): <what>" */
function opFailed(op: string, errno: Errno, what: string): never {
  xtError(RESOURCE_PROBLEM, ` ${op} failed (${strerror(errno)}): ${what}`);
}

function doCommand(p: Process, o: Opts): number {
  if (o.command === "V") {
    p.stdout.write(`${PROG} ${VERSION} (nf_tables)\n`);
    return 0;
  }
  if (o.command === "h" || o.command === "") {
    p.stdout.write(HELP);
    return 0;
  }
  const sys = p.sys;
  const got = sys.ioctl({ request: "EBT_SO_GET_ENTRIES", table: o.table });
  if (isKErr(got)) {
    xtError(VERSION_PROBLEM, `table '${o.table}' does not exist\nPerhaps ebtables or your kernel needs to be upgraded.`);
  }
  const t = got as unknown as EbtTableInfo;
  const find = (n: string | undefined) => (n === undefined ? undefined : t.chains.find((c) => c.name === n));
  const commit = (op: string, what: string) => {
    const r = sys.ioctl({ request: "EBT_SO_SET_ENTRIES", replace: t });
    if (isKErr(r)) opFailed(op, r.errno, what);
  };

  // rule-specification checks (do_commandeb after the option loop)
  if (["A", "I", "D", "C"].includes(o.command)) {
    const e = o.entry;
    if (o.ip) e.matches = [{ name: "ip", data: o.ip }];
    const c = o.chain!;
    if (e.in && !["INPUT", "FORWARD", "PREROUTING", "BROUTING"].includes(c) && find(c) && isBuiltin(find(c)!))
      xtError(PARAMETER_PROBLEM, "Use -i only in INPUT, FORWARD, PREROUTING and BROUTING chains");
    if (e.out && !["OUTPUT", "FORWARD", "POSTROUTING"].includes(c) && find(c) && isBuiltin(find(c)!))
      xtError(PARAMETER_PROBLEM, "Use -o only in OUTPUT, FORWARD and POSTROUTING chains");
    if (o.targetSet && !STANDARD.includes(e.target) && !find(e.target)) {
      xtError(PARAMETER_PROBLEM, `Chain '${e.target}' does not exist`);
    }
  }

  switch (o.command) {
    case "L": {
      let chains = t.chains;
      if (o.chain !== undefined) {
        const c = find(o.chain);
        if (!c) xtError(OTHER_PROBLEM, `chain \`${o.chain}' in table \`${o.table}' is incompatible, use 'nft' tool.`);
        chains = [c];
      }
      let s = `Bridge table: ${o.table}\n\n`;
      s += chains.map((c) => printChain(c, o.listFlags)).join("\n");
      p.stdout.write(s);
      if (o.zeroToo) {
        for (const c of chains) for (const e of c.entries) e.pcnt = e.bcnt = 0;
        commit("RULE_REPLACE", "zero");
      }
      return 0;
    }
    case "A":
    case "I": {
      const c = find(o.chain);
      if (!c) nftError("No chain/target/match by that name");
      if (o.command === "A") c.entries.push(o.entry);
      else {
        const n = o.ruleNum ?? 1;
        if (n < 1 || n > c.entries.length + 1) nftError("Index of insertion too big");
        c.entries.splice(n - 1, 0, o.entry);
      }
      commit(o.command === "A" ? "RULE_APPEND" : "RULE_INSERT", `rule in chain ${c.name}`);
      return 0;
    }
    case "D": {
      const c = find(o.chain);
      if (!c) nftError("No chain/target/match by that name");
      if (o.ruleNum !== undefined) {
        const len = c.entries.length;
        let start = o.ruleNum;
        let end = o.ruleEnd === -1 ? len : o.ruleEnd ?? start;
        if (start < 0) start += len + 1;
        if (end < 0) end += len + 1;
        if (start > len || end > len) nftError("Index of deletion too big");
        if (start < 1 || start > end) xtError(PARAMETER_PROBLEM, "Problem with the specified rule number(s)");
        c.entries.splice(start - 1, end - start + 1);
      } else {
        const k = c.entries.findIndex((x) => sameEntry(x, o.entry));
        if (k < 0) nftError("Bad rule (does a matching rule exist in that chain?)");
        c.entries.splice(k, 1);
      }
      commit("RULE_DELETE", `rule in chain ${c.name}`);
      return 0;
    }
    case "F": {
      if (o.chain !== undefined) {
        const c = find(o.chain);
        if (!c) nftError("No chain/target/match by that name");
        c.entries = [];
      } else for (const c of t.chains) c.entries = [];
      commit("RULE_DELETE", "flush");
      return 0;
    }
    case "Z": {
      if (o.chain !== undefined) {
        const c = find(o.chain);
        if (!c) nftError("No chain/target/match by that name");
        // ebtables-nft 1.8.9 zeroes a chain by replacing its rules, which the kernel refuses
        if (c.entries.length) opFailed("RULE_REPLACE", "EINVAL", `rule in chain ${c.name}`);
        return 0;
      }
      for (const c of t.chains) for (const e of c.entries) e.pcnt = e.bcnt = 0;
      commit("RULE_REPLACE", "zero");
      return 0;
    }
    case "P": {
      const c = find(o.chain);
      if (!c) nftError("No chain/target/match by that name");
      if (o.policy === "RETURN" && isBuiltin(c)) xtError(PARAMETER_PROBLEM, "Policy RETURN only allowed for user defined chains");
      c.policy = o.policy!;
      commit("CHAIN_UPDATE", `chain ${c.name}`);
      return 0;
    }
    case "N": {
      if (find(o.chain)) nftError("Chain already exists");
      if (STANDARD.includes(o.chain!)) xtError(PARAMETER_PROBLEM, "Use -N to create a chain, not a target");
      t.chains.push({ name: o.chain!, policy: "RETURN", entries: [] });
      commit("CHAIN_ADD", `chain ${o.chain}`);
      return 0;
    }
    case "E": {
      const c = find(o.chain);
      if (!c || isBuiltin(c)) nftError("No chain/target/match by that name");
      if (find(o.newName)) nftError("File exists");
      for (const x of t.chains) for (const e of x.entries) if (e.target === c.name) e.target = o.newName!;
      c.name = o.newName!;
      commit("CHAIN_RENAME", `chain ${o.chain}`);
      return 0;
    }
    case "X": {
      const del = (c: EbtChain) => {
        t.chains = t.chains.filter((x) => x !== c);
        const r = sys.ioctl({ request: "EBT_SO_SET_ENTRIES", replace: t });
        if (isKErr(r)) opFailed("CHAIN_DEL", r.errno, `chain ${c.name}`);
      };
      if (o.chain !== undefined) {
        const c = find(o.chain);
        if (!c) nftError("No chain/target/match by that name");
        if (isBuiltin(c)) nftError("Operation not permitted");
        // nf_tables refuses to delete a chain that still has rules
        if (c.entries.length) opFailed("CHAIN_DEL", "EBUSY", `chain ${c.name}`);
        del(c);
      } else for (const c of t.chains.filter((x) => !isBuiltin(x))) del(c);
      return 0;
    }
    case "C":
      xtError(PARAMETER_PROBLEM, "Option -C is not supported");
  }
  return 0;
}

/** ebtables main() (xtables-eb-standalone.c) */
export async function ebtablesMain(p: Process): Promise<number> {
  try {
    const o = parseArgs(p.argv);
    return doCommand(p, o);
  } catch (e) {
    if (e instanceof EbError) {
      if (e.plain) p.stderr.write(`${PROG}: ${e.text}\n`);
      else {
        let s = `${PROG} v${VERSION} (nf_tables): ${e.text}\n`;
        if (e.status === PARAMETER_PROBLEM) s += `Try \`${PROG} -h' or '${PROG} --help' for more information.\n`;
        p.stderr.write(s);
      }
      return e.status;
    }
    throw e;
  }
}
