/**
 * conntrack-tools 1.4.7: src/conntrack.c (the -L/-D/-F/-C commands and their filters, -E with
 * its event mask and event_sighandler()) with the entry text of libnetfilter_conntrack's
 * __snprintf_conntrack_default().
 */
import { waitReadable } from "../lib/unistd.ts";
import { CStdout } from "../lib/stdio.ts";
import type { Process } from "../process.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import {
  IPS_ASSURED, IPS_SEEN_REPLY, IPS_EXPECTED, IPS_FIXED_TIMEOUT, NFCT_GRP_NEW, NFCT_GRP_UPDATE, NFCT_GRP_DESTROY,
  type NfConntrackEvent, type NfConntrackInfo, type NfConntrackListener, type NfConntrackTuple,
} from "../../kernel/uapi/xtables.ts";
import { inetAton } from "../lib/inet_addr.ts";
import { ntoa as ipStr } from "../iputils/common.ts";
import { atoi, strtoNum } from "../lib/utils.ts";
import type { LongOpt } from "../net-tools/lib/util.ts";
import { getprotobyname } from "../lib/etc_files.ts";

const PROG = "conntrack";
const VERSION = "1.4.7";

const PROTOS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, sctp: 132, dccp: 33, udplite: 136, gre: 47, icmpv6: 58 };
const PROTO_NAMES: Record<number, string> = { 6: "tcp", 17: "udp", 1: "icmp", 132: "sctp", 33: "dccp", 136: "udplite", 47: "gre", 58: "icmpv6" };

class CtExit extends Error {
  constructor(public readonly code: number, public readonly text: string) {
    super(text);
  }
}

/** conntrack.c: exit_error() */
function exitError(code: number, msg: string, tryHelp = code === 2): never {
  let s = `${PROG} v${VERSION} (conntrack-tools): ${msg}\n`;
  if (tryHelp) s += `Try \`${PROG} -h' or '${PROG} --help' for more information.\n`;
  throw new CtExit(code, s);
}

/** libnetfilter_conntrack: __snprintf_counters() of one direction, when the entry has them */
function acctText(c: [number, number, number, number] | undefined, dir: number): string {
  return c ? `packets=${c[dir * 2]} bytes=${c[dir * 2 + 1]} ` : "";
}

function tupleText(t: NfConntrackTuple): string {
  let s = `src=${ipStr(t.src)} dst=${ipStr(t.dst)} `;
  if (t.protonum === 1) s += `type=${t.type} code=${t.code} id=${t.id} `;
  else if (t.sport !== undefined) s += `sport=${t.sport} dport=${t.dport} `;
  return s;
}

/** libnetfilter_conntrack: __snprintf_conntrack_default(); an event's fields are those its
 * message carries (no timeout in an expired entry's DESTROY, no use count) */
export function snprintfConntrack(ct: NfConntrackInfo | NfConntrackEvent["entry"], extended: boolean, showId: boolean, msgType?: NfConntrackEvent["type"]): string {
  let s = "";
  if (msgType) s += `[${msgType}]`.padStart(9) + " ";
  if (extended) s += `${"ipv4".padEnd(8)} 2 `;
  const pname = PROTO_NAMES[ct.orig.protonum] ?? "unknown";
  s += `${pname.padEnd(8)} ${ct.orig.protonum} `;
  if (ct.timeout !== undefined) s += `${ct.timeout} `;
  if (ct.protoState) s += `${ct.protoState} `;
  s += tupleText(ct.orig);
  if (ct.origZone !== undefined) s += `zone-orig=${ct.origZone} `;
  s += acctText(ct.counters, 0);
  if (!(ct.status & IPS_SEEN_REPLY)) s += "[UNREPLIED] ";
  s += tupleText(ct.reply);
  if (ct.replyZone !== undefined) s += `zone-reply=${ct.replyZone} `;
  s += acctText(ct.counters, 1);
  if (ct.status & IPS_ASSURED) s += "[ASSURED] ";
  if (ct.mark !== undefined) s += `mark=${ct.mark} `;
  if (ct.zone) s += `zone=${ct.zone} `;
  if (showId) s += `id=${ct.id} `;
  if ("use" in ct) s += `use=${ct.use} `;
  return s.trimEnd();
}

/** libnetfilter_conntrack: __snprintf_conntrack_xml(): one <flow>, each direction's <meta>
 * (addresses, ports, counters when the entry has them), then the independent attributes the
 * message carried (state, timeout, mark, use, id — a dump always has one — assured,
 * unreplied) */
export function snprintfConntrackXml(ct: NfConntrackInfo | NfConntrackEvent["entry"], msgType?: NfConntrackEvent["type"]): string {
  let s = msgType === "NEW" ? '<flow type="new">' : msgType === "UPDATE" ? '<flow type="update">' : msgType === "DESTROY" ? '<flow type="destroy">' : "<flow>";
  const pname = PROTO_NAMES[ct.orig.protonum] ?? "unknown";
  // (a tuple carries ports when its protocol has them: tupleText()'s test)
  const ports = (t: NfConntrackTuple) => (t.sport !== undefined ? `<sport>${t.sport}</sport><dport>${t.dport}</dport>` : "");
  for (const [dir, t] of [["original", ct.orig], ["reply", ct.reply]] as const) {
    s += `<meta direction="${dir}"><layer3 protonum="2" protoname="ipv4"><src>${ipStr(t.src)}</src><dst>${ipStr(t.dst)}</dst></layer3>`;
    s += `<layer4 protonum="${t.protonum}" protoname="${pname}">${ports(t)}</layer4>`;
    const z = dir === "original" ? ct.origZone : ct.replyZone;
    if (z !== undefined) s += `<zone>${z}</zone>`;
    const c = ct.counters;
    if (c) s += `<counters><packets>${c[dir === "original" ? 0 : 2]}</packets><bytes>${c[dir === "original" ? 1 : 3]}</bytes></counters>`;
    s += "</meta>";
  }
  s += '<meta direction="independent">';
  if (ct.protoState) s += `<state>${ct.protoState}</state>`;
  if (ct.timeout !== undefined) s += `<timeout>${ct.timeout}</timeout>`;
  if (ct.mark !== undefined) s += `<mark>${ct.mark}</mark>`;
  if (ct.zone) s += `<zone>${ct.zone}</zone>`;
  if ("use" in ct) s += `<use>${ct.use}</use>`;
  s += `<id>${ct.id}</id>`;
  if (ct.status & IPS_ASSURED) s += "<assured/>";
  if (!(ct.status & IPS_SEEN_REPLY)) s += "<unreplied/>";
  return s + "</meta></flow>";
}

/** -o: the output type and flags (_O_XML, _O_EXT, _O_ID, _O_TMS) */
interface OutMode {
  xml: boolean;
  extended: boolean;
  showId: boolean;
  timestamp: boolean;
}

/** an entry as dump_cb()/event_cb() print it */
function entryText(ct: NfConntrackInfo | NfConntrackEvent["entry"], o: OutMode, msgType?: NfConntrackEvent["type"]): string {
  return o.xml ? snprintfConntrackXml(ct, msgType) : snprintfConntrack(ct, o.extended, o.showId, msgType);
}

/** the XML document's header, before the first entry printed */
const XML_HEADER = '<?xml version="1.0" encoding="utf-8"?>\n<conntrack>\n';

/** conntrack.c: parse_parameter(): comma-separated words, each a case-blind prefix of one of
 * `words` (SRC_NAT/DST_NAT only warn); the error quotes the rest of the list from the bad one */
function parseParameter(p: Process, arg: string, words: string[]): string[] {
  const out: string[] = [];
  let rest = arg;
  for (;;) {
    const comma = rest.indexOf(",");
    const w = comma < 0 ? rest : rest.slice(0, comma);
    if (w === "") exitError(2, `Bad parameter \`${rest}'`);
    const up = w.toUpperCase();
    if ("SRC_NAT".startsWith(up)) p.stderr.write("WARNING: ignoring SRC_NAT, use --src-nat instead\n");
    else if ("DST_NAT".startsWith(up)) p.stderr.write("WARNING: ignoring DST_NAT, use --dst-nat instead\n");
    else {
      const hit = words.find((x) => x.toUpperCase().startsWith(up));
      if (hit === undefined) exitError(2, `Bad parameter \`${rest}'`);
      out.push(hit);
    }
    if (comma < 0) return out;
    rest = rest.slice(comma + 1);
  }
}

const EVENT_WORDS = ["ALL", "NEW", "UPDATES", "DESTROY"];
const OUTPUT_WORDS = ["xml", "extended", "timestamp", "id", "ktimestamp", "labels", "userspace"];

/** libct_proto_tcp.c's state names */
const TCP_STATES = ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "LISTEN", "SYN_SENT2"];

interface Filter {
  /** the CT_OPT_* bits given */
  options?: number;
  proto?: number;
  replySport?: number;
  replyDport?: number;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  origSrc?: number;
  origDst?: number;
  replySrc?: number;
  replyDst?: number;
  sport?: number;
  dport?: number;
  /** the mark userspace compares (tmpl.mark) and the one the dump's kernel filter carries */
  mark?: { value: number; mask: number };
  kmark?: { value: number; mask: number };
  state?: string;
  timeout?: number;
  status?: number;
  zone?: number;
  origZone?: number;
  replyZone?: number;
  secmark?: number;
  id?: number;
  bufsize?: number;
  snatIp?: number;
  snatPort?: number;
  dnatIp?: number;
  dnatPort?: number;
}

/** filter_mark() and nfct_cmp(NFCT_CMP_ALL | NFCT_CMP_MASK) with the template's attributes */
function matches(ct: NfConntrackInfo | NfConntrackEvent["entry"], f: Filter): boolean {
  if (f.proto !== undefined && ct.orig.protonum !== f.proto) return false;
  if (f.origSrc !== undefined && ct.orig.src !== f.origSrc) return false;
  if (f.origDst !== undefined && ct.orig.dst !== f.origDst) return false;
  if (f.replySrc !== undefined && ct.reply.src !== f.replySrc) return false;
  if (f.replyDst !== undefined && ct.reply.dst !== f.replyDst) return false;
  if (f.sport !== undefined && ct.orig.sport !== f.sport) return false;
  if (f.dport !== undefined && ct.orig.dport !== f.dport) return false;
  if (f.replySport !== undefined && ct.reply.sport !== f.replySport) return false;
  if (f.replyDport !== undefined && ct.reply.dport !== f.replyDport) return false;
  if (f.icmpType !== undefined && ct.orig.type !== f.icmpType) return false;
  if (f.icmpCode !== undefined && ct.orig.code !== f.icmpCode) return false;
  if (f.icmpId !== undefined && ct.orig.id !== f.icmpId) return false;
  if (f.kmark !== undefined && ((ct.mark ?? 0) & f.kmark.mask) >>> 0 !== f.kmark.value) return false;
  if (f.mark !== undefined && ((ct.mark ?? 0) & f.mark.mask) >>> 0 !== f.mark.value) return false;
  // cmp_status() under NFCT_CMP_MASK: every bit asked for is set
  if (f.status !== undefined && (ct.status & f.status) !== f.status) return false;
  if (f.timeout !== undefined && ct.timeout !== f.timeout) return false;
  // a zone the message did not carry compares as the default one
  if (f.zone !== undefined && (ct.zone ?? 0) !== f.zone) return false;
  if (f.origZone !== undefined && (ct.origZone ?? 0) !== f.origZone) return false;
  if (f.replyZone !== undefined && (ct.replyZone ?? 0) !== f.replyZone) return false;
  if (f.id !== undefined && ct.id !== f.id) return false;
  if (f.state !== undefined && ct.protoState !== f.state) return false;
  return true;
}

/** conntrack.c: usage() */
const USAGE = "Command line interface for the connection tracking system. Version 1.4.7\nUsage: conntrack [commands] [options]\n\nCommands:\n  -L [table] [options]\t\tList conntrack or expectation table\n  -G [table] parameters\t\tGet conntrack or expectation\n  -D [table] parameters\t\tDelete conntrack or expectation\n  -I [table] parameters\t\tCreate a conntrack or expectation\n  -U [table] parameters\t\tUpdate a conntrack\n  -E [table] [options]\t\tShow events\n  -F [table]\t\t\tFlush table\n  -C [table]\t\t\tShow counter\n  -S\t\t\t\tShow statistics\n\nTables: conntrack, expect, dying, unconfirmed\n\nConntrack parameters and options:\n  -n, --src-nat ip\t\t\tsource NAT ip\n  -g, --dst-nat ip\t\t\tdestination NAT ip\n  -j, --any-nat ip\t\t\tsource or destination NAT ip\n  -m, --mark mark\t\t\tSet mark\n  -c, --secmark secmark\t\t\tSet selinux secmark\n  -e, --event-mask eventmask\t\tEvent mask, eg. NEW,DESTROY\n  -z, --zero \t\t\t\tZero counters while listing\n  -o, --output type[,...]\t\tOutput format, eg. xml\n  -l, --label label[,...]\t\tconntrack labels\n\nExpectation parameters and options:\n  --tuple-src ip\tSource address in expect tuple\n  --tuple-dst ip\tDestination address in expect tuple\n\nUpdating parameters and options:\n  --label-add label\tAdd label\n  --label-del label\tDelete label\n\nCommon parameters and options:\n  -s, --src, --orig-src ip\t\tSource address from original direction\n  -d, --dst, --orig-dst ip\t\tDestination address from original direction\n  -r, --reply-src ip\t\tSource addres from reply direction\n  -q, --reply-dst ip\t\tDestination address from reply direction\n  -p, --protonum proto\t\tLayer 4 Protocol, eg. 'tcp'\n  -f, --family proto\t\tLayer 3 Protocol, eg. 'ipv6'\n  -t, --timeout timeout\t\tSet timeout\n  -u, --status status\t\tSet status, eg. ASSURED\n  -w, --zone value\t\tSet conntrack zone\n  --orig-zone value\t\tSet zone for original direction\n  --reply-zone value\t\tSet zone for reply direction\n  -b, --buffer-size\t\tNetlink socket buffer size\n  --mask-src ip\t\t\tSource mask address\n  --mask-dst ip\t\t\tDestination mask address\n\n";

// conntrack.c's commands (enum ct_command, the bit order generic_opt_check() reads)
const CT_LIST = 0;
const CT_CREATE = 1;
const CT_UPDATE = 2;
const CT_DELETE = 3;
const CT_GET = 4;
const CT_FLUSH = 5;
const CT_EVENT = 6;
const CT_VERSION = 7;
const CT_HELP = 8;
const EXP_LIST = 9;
const EXP_CREATE = 10;
const EXP_DELETE = 11;
const EXP_GET = 12;
const EXP_FLUSH = 13;
const EXP_EVENT = 14;
const CT_COUNT = 15;
const EXP_COUNT = 16;

/** enum ct_options, by bit: optflags[] */
const OPTFLAGS = [
  "src", "dst", "reply-src", "reply-dst", "protonum", "timeout", "status", "zero", "event-mask", "tuple-src", "tuple-dst",
  "mask-src", "mask-dst", "nat-range", "mark", "id", "family", "src-nat", "dst-nat", "output", "secmark", "buffer-size",
  "any-nat", "zone", "label", "label-add", "label-del", "orig-zone", "reply-zone",
];
const bit = (name: string): number => 1 << OPTFLAGS.indexOf(name);
const O_SRC = bit("src");
const O_DST = bit("dst");
const O_RSRC = bit("reply-src");
const O_RDST = bit("reply-dst");
const O_PROTO = bit("protonum");
const O_ZERO = bit("zero");
const O_MARK = bit("mark");
const O_SRC_NAT = bit("src-nat");
const O_DST_NAT = bit("dst-nat");
const O_ANY_NAT = bit("any-nat");
const O_MASK_SRC = bit("mask-src");
const O_MASK_DST = bit("mask-dst");
const O_STATUS = bit("status");
/** CT_COMPARISON: the options that filter a dump */
const CT_COMPARISON = O_PROTO | O_SRC | O_DST | O_RSRC | O_RDST | O_MARK | bit("secmark") | O_STATUS | bit("id") | bit("zone") |
  bit("label") | bit("orig-zone") | bit("reply-zone");

/** commands_v_options[][]: 0 illegal, 1 compulsory, 2 optional, 3 one of the address pairs
 * (1.4.7: -F and -E also take -f) */
const V: Record<number, string> = {
  /*             s d r q p t u z e [ ] { } a m i f n g o c b j w l < > ( ) */
  [CT_LIST]:     "22222022000220202222202220022",
  [CT_CREATE]:   "33331120000002200220000202022",
  [CT_UPDATE]:   "22222220000220222222000022200",
  [CT_DELETE]:   "22222220000220222222000220022",
  [CT_GET]:      "33331000000000020002000020000",
  [CT_FLUSH]:    "00000000000000002000000000000",
  [CT_EVENT]:    "22222000200220202222222220022",
  [CT_VERSION]:  "00000000000000000000000000000",
  [CT_HELP]:     "00002000000000000000000000000",
  [EXP_LIST]:    "00000000000000002002000000000",
  [EXP_CREATE]:  "11221120011110000000000000000",
  [EXP_DELETE]:  "11221000000000000000000000000",
  [EXP_GET]:     "11221000000000000000000000000",
  [EXP_FLUSH]:   "00000000000000000000000000000",
  [EXP_EVENT]:   "00000000000000000002000000000",
  [CT_COUNT]:    "00000000000000000000000000000",
  [EXP_COUNT]:   "00000000000000000000000000000",
};

/** original_opts[] (getopt_long's table; -S is not modelled) and what a protocol's
 * extension merges into it once -p names it */
const LONGOPTS: LongOpt[] = [
  { name: "dump", hasArg: 2, val: "L" }, { name: "create", hasArg: 2, val: "I" }, { name: "delete", hasArg: 2, val: "D" }, { name: "update", hasArg: 2, val: "U" },
  { name: "get", hasArg: 2, val: "G" }, { name: "flush", hasArg: 2, val: "F" }, { name: "event", hasArg: 2, val: "E" },
  { name: "counter", hasArg: 2, val: "C" }, { name: "version", hasArg: 0, val: "V" }, { name: "help", hasArg: 0, val: "h" },
  { name: "orig-src", hasArg: 1, val: "s" }, { name: "src", hasArg: 1, val: "s" }, { name: "orig-dst", hasArg: 1, val: "d" },
  { name: "dst", hasArg: 1, val: "d" }, { name: "reply-src", hasArg: 1, val: "r" }, { name: "reply-dst", hasArg: 1, val: "q" },
  { name: "protonum", hasArg: 1, val: "p" }, { name: "timeout", hasArg: 1, val: "t" }, { name: "status", hasArg: 1, val: "u" },
  { name: "zero", hasArg: 0, val: "z" }, { name: "event-mask", hasArg: 1, val: "e" }, { name: "tuple-src", hasArg: 1, val: "[" },
  { name: "tuple-dst", hasArg: 1, val: "]" }, { name: "mask-src", hasArg: 1, val: "{" }, { name: "mask-dst", hasArg: 1, val: "}" },
  { name: "nat-range", hasArg: 1, val: "a" }, { name: "mark", hasArg: 1, val: "m" }, { name: "secmark", hasArg: 1, val: "c" },
  { name: "id", hasArg: 2, val: "i" }, { name: "family", hasArg: 1, val: "f" }, { name: "src-nat", hasArg: 2, val: "n" },
  { name: "dst-nat", hasArg: 2, val: "g" }, { name: "output", hasArg: 1, val: "o" }, { name: "buffer-size", hasArg: 1, val: "b" },
  { name: "any-nat", hasArg: 2, val: "j" }, { name: "zone", hasArg: 1, val: "w" }, { name: "label", hasArg: 1, val: "l" },
  { name: "label-add", hasArg: 1, val: "<" }, { name: "label-del", hasArg: 2, val: ">" }, { name: "orig-zone", hasArg: 1, val: "(" },
  { name: "reply-zone", hasArg: 1, val: ")" },
];
/** getopt_str (":" first: a missing argument is reported by conntrack, not getopt) */
const SHORTOPTS = ":L::I::U::D::G::E::F::hVs:d:r:q:p:t:u:e:a:z[:]:{:}:m:i:f:o:n::g::c:b:C::j::w:l:<:>::(:):";
/**
 * libct_proto_*.c: what a protocol's extension adds once -p names it — its options (merged
 * into getopt's table), their names for the messages, its own commands_v_options rows (by
 * command, as the main table) checked by its final_check(), and the pair a 3 wants
 */
interface ProtoExt {
  opts: LongOpt[];
  flags: string[];
  rows: Record<number, string>;
  /** the pairs' messages (partial 0 / 1), or none: no coupled flags */
  pairs?: [string, string];
}
const PORT_OPTS: LongOpt[] = [
  { name: "orig-port-src", hasArg: 1, val: "1" }, { name: "sport", hasArg: 1, val: "1" },
  { name: "orig-port-dst", hasArg: 1, val: "2" }, { name: "dport", hasArg: 1, val: "2" },
  { name: "reply-port-src", hasArg: 1, val: "3" }, { name: "reply-port-dst", hasArg: 1, val: "4" },
  { name: "mask-port-src", hasArg: 1, val: "5" }, { name: "mask-port-dst", hasArg: 1, val: "6" },
];
const PORT_FLAGS = ["sport", "dport", "reply-port-src", "reply-port-dst", "mask-port-src", "mask-port-dst"];
const PORT_PAIRS: [string, string] = ["you have to specify `--sport' and `--dport'", "you have to specify `--reply-src-port' and `--reply-dst-port'"];
/** tcp, sctp and dccp: the ports, --state (7), the expectation's tuple ports (8, 9) */
const STATEFUL: ProtoExt = {
  opts: [...PORT_OPTS, { name: "state", hasArg: 1, val: "7" }, { name: "tuple-port-src", hasArg: 1, val: "8" }, { name: "tuple-port-dst", hasArg: 1, val: "9" }],
  flags: [...PORT_FLAGS, "state", "tuple-port-src", "tuple-port-dst"],
  rows: {
    [CT_LIST]: "222200200", [CT_CREATE]: "333300100", [CT_UPDATE]: "222200200", [CT_DELETE]: "222200200",
    [CT_GET]: "333300200", [CT_EVENT]: "222200200", [EXP_CREATE]: "110011011", [EXP_DELETE]: "111100000", [EXP_GET]: "111100000",
  },
  pairs: PORT_PAIRS,
};
/** udp and udplite: the ports and the expectation's tuple ports (7, 8) */
const PORTS: ProtoExt = {
  opts: [...PORT_OPTS, { name: "tuple-port-src", hasArg: 1, val: "7" }, { name: "tuple-port-dst", hasArg: 1, val: "8" }],
  flags: [...PORT_FLAGS, "tuple-port-src", "tuple-port-dst"],
  rows: {
    [CT_LIST]: "22220000", [CT_CREATE]: "33330000", [CT_UPDATE]: "22220000", [CT_DELETE]: "22220000",
    [CT_GET]: "33330000", [CT_EVENT]: "22220000", [EXP_CREATE]: "11001111", [EXP_DELETE]: "11110000", [EXP_GET]: "11110000",
  },
  pairs: PORT_PAIRS,
};
const ICMP: ProtoExt = {
  opts: [{ name: "icmp-type", hasArg: 1, val: "1" }, { name: "icmp-code", hasArg: 1, val: "2" }, { name: "icmp-id", hasArg: 1, val: "3" }],
  flags: ["icmp-type", "icmp-code", "icmp-id"],
  rows: { [CT_LIST]: "222", [CT_CREATE]: "112", [CT_UPDATE]: "222", [CT_DELETE]: "222", [CT_GET]: "112", [CT_EVENT]: "222" },
};
const PROTO_EXT: Record<number, ProtoExt> = { 1: ICMP, 6: STATEFUL, 17: PORTS, 136: PORTS, 132: STATEFUL, 33: STATEFUL };

/** final_check(): the extension's generic_opt_check() over the options it parsed */
function protoFinalCheck(ext: ProtoExt, flags: number, cmd: number): void {
  genericOptCheck(flags, ext.flags, ext.rows[cmd], ext.pairs ? [3, 3 << 2] : [], ext.pairs);
}

/** parse_parameter()'s PARSE_STATUS words and bits */
const STATUS_WORDS = ["ASSURED", "SEEN_REPLY", "UNSET", "FIXED_TIMEOUT", "EXPECTED"];
const STATUS_BITS: Record<string, number> = { ASSURED: IPS_ASSURED, SEEN_REPLY: IPS_SEEN_REPLY, UNSET: 0, FIXED_TIMEOUT: IPS_FIXED_TIMEOUT, EXPECTED: IPS_EXPECTED };

/** strtoul(s, NULL, 0) as a u32 attribute takes it: the leading number, 0 without one */
function strtoul32(s: string): number {
  const r = strtoNum(s, 0);
  if (!r) return 0;
  let v = r.v;
  if (v < 0n) v = (1n << 64n) + v;
  if (v > 0xffffffffffffffffn) v = 0xffffffffffffffffn;
  return Number(v & 0xffffffffn);
}

/** parse_u32_mask(): value[/mask], the mask all ones when left out */
function parseU32Mask(s: string): { value: number; mask: number } {
  const r = strtoNum(s, 0);
  const value = strtoul32(s);
  const rest = r ? r.rest : s;
  return { value, mask: rest[0] === "/" ? strtoul32(rest.slice(1)) : 0xffffffff };
}

interface Token {
  /** the option character (or '?' unknown, ':' missing argument) */
  c: string;
  arg: string | undefined;
  /** argv[optind - 1] once it is returned */
  last: string;
}

export async function conntrackMain(p: Process): Promise<number> {
  try {
    return await run(p);
  } catch (e) {
    if (e instanceof CtExit) {
      p.stderr.write(e.text);
      return e.code;
    }
    throw e;
  }
}

async function run(p: Process): Promise<number> {
  const argv = p.argv;
  let command = 0;
  let options = 0;
  const f: Filter = {};
  const om: OutMode = { xml: false, extended: false, showId: false, timestamp: false };
  let groups = NFCT_GRP_NEW | NFCT_GRP_UPDATE | NFCT_GRP_DESTROY;
  let longopts = LONGOPTS;
  let ext: ProtoExt | undefined;
  let l4flags = 0;
  let table = "conntrack";
  // glibc getopt_long() with opterr = 0, its permutation and optind kept here: conntrack
  // reads argv[optind] itself (a command's table, a NAT option's address)
  let optind = 1;
  let nextchar = "";
  const next = (): Token | undefined => {
    if (!nextchar) {
      while (optind < argv.length && (argv[optind] === "-" || argv[optind]![0] !== "-")) optind++;
      if (optind >= argv.length) return undefined;
      const a = argv[optind]!;
      if (a === "--") {
        optind = argv.length;
        return undefined;
      }
      if (a.startsWith("--")) {
        optind++;
        const eq = a.indexOf("=");
        const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
        const exact = longopts.find((o) => o.name === name);
        const cands = exact ? [exact] : longopts.filter((o) => o.name.startsWith(name));
        const first = cands[0];
        if (!first || cands.some((o) => o.val !== first.val || o.hasArg !== first.hasArg)) return { c: "?", arg: undefined, last: a };
        if (first.hasArg === 0) return eq >= 0 ? { c: "?", arg: undefined, last: a } : { c: first.val, arg: undefined, last: a };
        if (eq >= 0) return { c: first.val, arg: a.slice(eq + 1), last: a };
        if (first.hasArg === 2) return { c: first.val, arg: undefined, last: a };
        if (optind < argv.length) return { c: first.val, arg: argv[optind++]!, last: argv[optind - 1]! };
        return { c: ":", arg: undefined, last: a };
      }
      nextchar = a.slice(1);
      optind++;
    }
    const c = nextchar[0]!;
    nextchar = nextchar.slice(1);
    const k = SHORTOPTS.indexOf(c, 1);
    const last = argv[optind - 1]!;
    if (k < 0 || c === ":") return { c: "?", arg: undefined, last };
    if (SHORTOPTS[k + 1] !== ":") return { c, arg: undefined, last };
    if (nextchar) {
      const v = nextchar;
      nextchar = "";
      return { c, arg: v, last };
    }
    if (SHORTOPTS[k + 2] === ":") return { c, arg: undefined, last };
    if (optind < argv.length) return { c, arg: argv[optind++]!, last: argv[optind - 1]! };
    return { c: ":", arg: undefined, last };
  };
  /** get_optional_arg() (an attached argument is not taken: the "nasty bug" fix) */
  const optionalArg = (t: Token): string | undefined => {
    if (t.arg !== undefined) return undefined;
    const a = argv[optind];
    if (a !== undefined && a[0] !== "-" && a[0] !== "!") {
      optind++;
      return a;
    }
    return undefined;
  };
  /** check_type(): the table a command names, by prefix */
  const checkType = (t: Token): string => {
    const a = optionalArg(t);
    if (a === undefined) return "conntrack";
    const hit = ["expect", "conntrack", "dying", "unconfirmed"].find((n) => n.startsWith(a));
    if (!hit) exitError(2, `unknown type \`${a}'`);
    return hit;
  };
  // add_command(): one command a line
  const addCommand = (cmd: number) => {
    if (command) exitError(2, "Invalid commands combination");
    command = 1 << cmd;
  };
  const addr = (s: string): number => {
    const a = inetAton(s);
    if (a === undefined) exitError(2, `Invalid IP address \`${s}'`);
    return a;
  };
  for (let t = next(); t; t = next()) {
    const c = t.c;
    const a = t.arg ?? "";
    switch (c) {
      case "L": case "I": case "D": case "G": case "F": case "E": case "C": case "h": case "V": {
        table = checkType(t);
        const exp = table === "expect";
        if (c !== "L" && (table === "dying" || table === "unconfirmed")) exitError(2, "Can't do that command with tables `dying' and `unconfirmed'");
        const cmd = { L: [CT_LIST, EXP_LIST], I: [CT_CREATE, EXP_CREATE], D: [CT_DELETE, EXP_DELETE], G: [CT_GET, EXP_GET], F: [CT_FLUSH, EXP_FLUSH], E: [CT_EVENT, EXP_EVENT], C: [CT_COUNT, EXP_COUNT], h: [CT_HELP, CT_HELP], V: [CT_VERSION, CT_VERSION] }[c]!;
        addCommand(cmd[exp ? 1 : 0]!);
        break;
      }
      case "U": {
        table = checkType(t);
        if (table === "dying" || table === "unconfirmed") exitError(2, "Can't do that command with tables `dying' and `unconfirmed'");
        if (table !== "conntrack") exitError(2, "Can't do --update on expectations");
        addCommand(CT_UPDATE);
        break;
      }
      case "s": case "d": case "r": case "q": {
        options |= c === "s" ? O_SRC : c === "d" ? O_DST : c === "r" ? O_RSRC : O_RDST;
        const v = addr(a);
        if (c === "s") f.origSrc = v;
        else if (c === "d") f.origDst = v;
        else if (c === "r") f.replySrc = v;
        else f.replyDst = v;
        break;
      }
      case "[": case "]": case "{": case "}":
        options |= bit(c === "[" ? "tuple-src" : c === "]" ? "tuple-dst" : c === "{" ? "mask-src" : "mask-dst");
        addr(a);
        break;
      case "p": {
        options |= O_PROTO;
        const n = findProto(a);
        if (n === undefined) exitError(2, `\`${a}' unsupported protocol`);
        f.proto = n;
        // merge_options(): the extension's options join getopt's table (each -p again)
        ext = PROTO_EXT[n];
        if (ext) longopts = [...longopts, ...ext.opts];
        break;
      }
      case "t":
        options |= bit("timeout");
        f.timeout = atoi(a);
        break;
      case "u": {
        options |= O_STATUS;
        let st = 0;
        for (const w of parseParameter(p, a, STATUS_WORDS)) st |= STATUS_BITS[w]!;
        f.status = st;
        // (1.4.7 also writes the status into the mark's value userspace compares and -I sets:
        // a -m before it is overwritten there, not in the kernel's dump filter)
        if (f.mark) f.mark.value = st;
        break;
      }
      case "e": {
        options |= bit("event-mask");
        let g = 0;
        for (const w of parseParameter(p, a, EVENT_WORDS)) {
          g |= w === "NEW" ? NFCT_GRP_NEW : w === "UPDATES" ? NFCT_GRP_UPDATE : w === "DESTROY" ? NFCT_GRP_DESTROY : NFCT_GRP_NEW | NFCT_GRP_UPDATE | NFCT_GRP_DESTROY;
        }
        groups = g;
        break;
      }
      case "o":
        options |= bit("output");
        for (const o of parseParameter(p, a, OUTPUT_WORDS)) {
          if (o === "xml") om.xml = true;
          else if (o === "extended") om.extended = true;
          else if (o === "id") om.showId = true;
          else if (o === "timestamp") om.timestamp = true;
          else if (o === "labels") p.stderr.write("nfct_labelmap_new: No such file or directory\n");
        }
        break;
      case "z":
        options |= O_ZERO;
        break;
      case "n": case "g": case "j": {
        options |= c === "n" ? O_SRC_NAT : c === "g" ? O_DST_NAT : O_ANY_NAT;
        if (t.arg !== undefined) continue;
        const x = optionalArg(t);
        if (x === undefined) continue;
        natParse(x, f, c);
        break;
      }
      case "w": case "(": case ")": {
        options |= bit(c === "w" ? "zone" : c === "(" ? "orig-zone" : "reply-zone");
        const z = strtoul32(a) & 0xffff;
        if (c === "w") f.zone = z;
        else if (c === "(") f.origZone = z;
        else f.replyZone = z;
        break;
      }
      case "i": case "c":
        options |= bit(c === "i" ? "id" : "secmark");
        if (c === "c") f.secmark = strtoul32(a);
        else f.id = strtoul32(a);
        break;
      case "m":
        options |= O_MARK;
        f.mark = parseU32Mask(a);
        f.kmark = { ...f.mark };
        break;
      case "l": case "<": case ">":
        // no /etc/xtables/connlabel.conf: no label has a name
        options |= bit(c === "l" ? "label" : c === "<" ? "label-add" : "label-del");
        // labelmap_init() first (its perror() each time, the map never loads), then a
        // --label-del without a label deletes them all
        p.stderr.write("nfct_labelmap_new: No such file or directory\n");
        let label = t.arg;
        if (c === ">") {
          // get_optional_arg(): the next word, never an attached one (--label-del=X deletes all)
          label = optionalArg(t);
          if (label === undefined) break;
        }
        exitError(2, `unknown label '${label!.split(",")[0]}'`);
        break;
      case "a":
        p.stderr.write("WARNING: ignoring -a, deprecated option.\n");
        break;
      case "f":
        options |= bit("family");
        if (!a.startsWith("ipv4") && !a.startsWith("ipv6")) exitError(2, `\`${a}' unsupported protocol`);
        break;
      case "b":
        options |= bit("buffer-size");
        f.bufsize = atoi(a);
        break;
      case ":":
        exitError(2, `option \`${t.last}' requires an argument`);
        break;
      case "?":
        exitError(2, `unknown option \`${t.last}'`);
        break;
      default:
        l4flags |= protoOpt(c, a, f);
    }
  }
  if (options & O_ANY_NAT && options & (O_SRC_NAT | O_DST_NAT)) exitError(2, "cannot specify `--src-nat' or `--dst-nat' with `--any-nat'");
  const cmd = command ? Math.log2(command) : 17;
  genericOptCheck(options, OPTFLAGS, V[cmd], [O_SRC | O_DST, O_RSRC | O_RDST], ["you have to specify `--src' and `--dst'", "you have to specify `--reply-src' and `--reply-dst'"]);
  if (cmd !== CT_HELP && ext) protoFinalCheck(ext, l4flags, cmd);
  if (options & O_MASK_SRC && !(options & O_SRC)) exitError(2, "Can't use --mask-src without --src");
  if (options & O_MASK_DST && !(options & O_DST)) exitError(2, "Can't use --mask-dst without --dst");
  if (cmd === CT_HELP || cmd === 17) {
    p.stdout.write(USAGE);
    return 0;
  }
  if (cmd === CT_VERSION) {
    p.stdout.write(`${PROG} v${VERSION} (conntrack-tools)\n`);
    return 0;
  }
  f.options = options;
  if (cmd === CT_EVENT) return events(p, groups, f, om, options & bit("buffer-size") ? f.bufsize! : 0);
  // no expectations (no helper is modelled), and the dying and unconfirmed lists are empty
  // between packets: the lists and counts of those tables have nothing in them
  if (cmd === EXP_LIST || cmd === EXP_COUNT || cmd === EXP_FLUSH || (table !== "conntrack" && (cmd === CT_LIST || cmd === CT_COUNT))) {
    if (cmd === CT_COUNT || cmd === EXP_COUNT) p.stdout.write("0\n");
    else if (cmd === EXP_FLUSH) p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): expectation table has been emptied.\n`);
    else p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): 0 ${table === "expect" ? "expectations" : "flow entries"} have been shown.\n`);
    return 0;
  }
  if (cmd === CT_CREATE) return create(p, f, options);
  if (cmd === EXP_CREATE) exitError(1, "Operation failed: master conntrack not found", false);
  if (cmd === EXP_DELETE || cmd === EXP_GET || cmd === EXP_EVENT) exitError(1, "Operation failed: such conntrack doesn't exist", false);
  // -L -z: NFCT_Q_DUMP_RESET, which filters nothing (CT_COMPARISON options refused)
  if (cmd === CT_LIST && options & CT_COMPARISON && options & O_ZERO) exitError(2, "Can't use -z with filtering parameters");
  const zero = cmd === CT_LIST && (options & O_ZERO) !== 0;
  // the dump's kernel-side filter: a status without bits is a zero CTA_STATUS_MASK (EINVAL)
  if (cmd === CT_LIST && options & O_STATUS && f.status === 0) exitError(1, "Operation failed: invalid parameters", false);
  const r = p.sys.ioctl({ request: "NFCT_GET", zero });
  if (isKErr(r)) exitError(1, `Operation failed: ${strerror(r.errno)}`, false);
  const all = r["entries"] as NfConntrackInfo[];
  // the deletions go over a second netlink socket: its portid is autobound (a random
  // negative number, the pid being the first socket's)
  const portid = (0x80000000 + (p.sys.random32() % (0x80000000 - 4096))) >>> 0;
  if (cmd === CT_FLUSH) {
    p.sys.ioctl({ request: "NFCT_FLUSH", portid });
    p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): connection tracking table has been emptied.\n`);
    return 0;
  }
  if (cmd === CT_COUNT) {
    p.stdout.write(`${all.length}\n`);
    return 0;
  }
  const out = new CStdout(p.stdout, p.isatty);
  if (cmd === CT_GET) {
    // NFCT_Q_GET: the kernel's lookup of the tuple given (original, else reply direction)
    // (1.4.7 gives the protocol to the original tuple only: a reply tuple's lookup is EINVAL)
    const byOrig = (options & (O_SRC | O_DST)) === (O_SRC | O_DST);
    if (!byOrig) exitError(1, "Operation failed: invalid parameters", false);
    const ct = all.find((c) => tupleIs(c.orig, f, true));
    if (!ct) exitError(1, "Operation failed: such conntrack doesn't exist", false);
    // the lookup holds a reference while the entry is dumped
    out.write((om.xml ? XML_HEADER : "") + entryText({ ...ct, use: ct.use + 1 }, om) + "\n");
    p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): 1 flow entries have been shown.\n`);
    out.flush();
    return 0;
  }
  if (cmd === CT_UPDATE) {
    let n = 0;
    for (const ct of all) {
      if (filterNat(f, ct)) continue;
      if (f.id !== undefined && f.id !== ct.id) continue;
      if ((options & (O_SRC | O_DST | O_PROTO)) && !tupleCmp(ct.orig, f, true)) continue;
      if ((options & (O_RSRC | O_RDST | O_PROTO)) && !tupleCmp(ct.reply, f, false)) continue;
      const mark = f.mark ? ((ct.mark & ~f.mark.mask) ^ f.mark.value) >>> 0 : ct.mark;
      const status = f.status !== undefined ? ct.status | f.status : ct.status;
      const timeout = f.timeout !== undefined ? f.timeout >>> 0 : undefined;
      // nfct_cmp() of the new object with the entry: nothing would change, nothing is sent
      if (mark === ct.mark && status === ct.status && (timeout === undefined || timeout === ct.timeout)) continue;
      // the object is the entry's original tuple (NFCT_CP_ORIG) and the template's meta
      // attributes: no ATTR_ORIG_L3PROTO, so the message goes out with nfgen_family AF_UNSPEC
      const u = p.sys.ioctl({ request: "NFCT_UPDATE", family: 0, id: ct.id, mark, status, timeout, portid });
      if (isKErr(u)) {
        // update_cb() reports it and stops the dump; main() exits with the error
        p.stderr.write(`Operation failed: ${strerror(u.errno)}\n`);
        exitError(1, `Operation failed: ${strerror(u.errno)}`, false);
      }
      const now = u["entry"] as NfConntrackInfo | undefined;
      if (!now) continue;
      out.write(snprintfConntrack(now, om.extended, om.showId) + "\n");
      n++;
    }
    p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): ${n} flow entries have been updated.\n`);
    out.flush();
    return n ? 0 : 1;
  }
  const entries = all.filter((c) => !filterNat(f, c) && matches(c, f));
  // dump_cb()/delete_cb() printf() the entries into stdio's buffer (a pipe's is only written
  // at exit), the count goes to stderr at once: on one pipe the count comes first
  // dump_cb() prints the XML header before the first entry (delete_cb() none); the list's
  // end closes it
  if (om.xml && entries.length && cmd === CT_LIST) out.write(XML_HEADER);
  for (const ct of entries) out.write(entryText(ct, om) + "\n");
  if (om.xml && entries.length && cmd === CT_LIST) out.write("</conntrack>\n");
  if (cmd === CT_DELETE) {
    p.sys.ioctl({ request: "NFCT_DELETE", ids: entries.map((c) => c.id), portid });
    p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): ${entries.length} flow entries have been deleted.\n`);
    out.flush();
    return entries.length ? 0 : 1;
  }
  p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): ${entries.length} flow entries have been shown.\n`);
  out.flush();
  return 0;
}

/** err2str() of a create's errno */
function createError(errno: string): string {
  const m: Record<string, string> = {
    EEXIST: "Such conntrack exists, try -U to update", ENOENT: "such conntrack doesn't exist", ENOMEM: "not enough memory",
    ETIME: "conntrack has expired", EINVAL: "invalid parameters", EPERM: "sorry, you must be root or get CAP_NET_ADMIN capability to do this",
  };
  return m[errno] ?? strerror(errno as Parameters<typeof strerror>[0]);
}

/**
 * CT_CREATE: the template as a new entry (NFCT_SOPT_SETUP_REPLY / _ORIGINAL make the missing
 * direction the inverse of the one given); a reply direction given carries its protocol only
 * when its ports were given (the extension sets ATTR_REPL_L4PROTO with them)
 */
function create(p: Process, f: Filter, options: number): number {
  const hasOrig = (options & (O_SRC | O_DST)) === (O_SRC | O_DST);
  const hasRepl = (options & (O_RSRC | O_RDST)) === (O_RSRC | O_RDST);
  type T = { src: number; dst: number; proto: number | undefined; sport?: number; dport?: number; icmpType?: number; icmpCode?: number; icmpId?: number };
  const icmp = f.proto === 1;
  let orig: T | undefined = hasOrig
    ? { src: f.origSrc!, dst: f.origDst!, proto: f.proto, sport: f.sport, dport: f.dport, ...(icmp ? { icmpType: f.icmpType, icmpCode: f.icmpCode, icmpId: f.icmpId ?? 0 } : {}) }
    : undefined;
  let reply: T | undefined = hasRepl
    ? { src: f.replySrc!, dst: f.replyDst!, proto: f.replySport !== undefined || f.replyDport !== undefined ? f.proto : undefined, sport: f.replySport, dport: f.replyDport }
    : undefined;
  const inv = (t: T): T => {
    const type = t.icmpType === undefined ? undefined : ({ 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17 } as Record<number, number>)[t.icmpType] ?? 255;
    return { src: t.dst, dst: t.src, proto: t.proto, sport: t.dport, dport: t.sport, ...(t.icmpType !== undefined ? { icmpType: type, icmpCode: t.icmpCode, icmpId: t.icmpId } : {}) };
  };
  if (orig && !reply) reply = inv(orig);
  else if (reply && !orig) orig = inv(reply);
  const portid = (0x80000000 + (p.sys.random32() % (0x80000000 - 4096))) >>> 0;
  const r = p.sys.ioctl({
    request: "NFCT_CREATE", family: 2, orig, reply, timeout: f.timeout === undefined ? undefined : f.timeout >>> 0,
    status: options & O_STATUS ? f.status : undefined, mark: options & O_MARK ? f.mark!.value : undefined, tcpState: f.state, portid,
    // CTA_ZONE, or a tuple's own CTA_TUPLE_ZONE (the reply's read last)
    zone: f.replyZone !== undefined ? { id: f.replyZone, dir: 2 } : f.origZone !== undefined ? { id: f.origZone, dir: 1 } : f.zone !== undefined ? { id: f.zone, dir: 3 } : undefined,
  });
  if (isKErr(r)) exitError(1, `Operation failed: ${createError(r.errno)}`, false);
  p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): 1 flow entries have been created.\n`);
  return 0;
}

/** generic_opt_check(): each option against the command's row (0 illegal, 1 compulsory,
 * 2 optional, 3 one of the coupled pairs), in bit order; then a 3 wants a whole pair (the
 * first one given in part names the message) */
function genericOptCheck(options: number, names: string[], row = "0".repeat(names.length), pairs: number[], msgs?: [string, string]): void {
  let special = false;
  for (let i = 0; i < names.length; i++) {
    const v = row[i];
    if (!(options & (1 << i))) {
      if (v === "1") exitError(2, `You need to supply the \`--${names[i]}' option for this command`);
    } else if (v === "0") exitError(2, `Illegal option \`--${names[i]}' with this command`);
    if (v === "3") special = true;
  }
  if (!special || !msgs) return;
  let partial = -1;
  for (let i = 0; i < pairs.length; i++) {
    if ((options & pairs[i]!) === pairs[i]) return;
    if (options & pairs[i]! && partial < 0) partial = i;
  }
  exitError(2, msgs[partial === 1 ? 1 : 0]);
}

/** findproto(): an extension's name (any case), a name /etc/protocols knows, or a number */
function findProto(name: string): number | undefined {
  const n = PROTOS[name.toLowerCase()];
  if (n !== undefined) return n;
  const e = getprotobyname(name);
  if (e !== undefined) return e;
  const v = atoi(name);
  if (v > 0 && v <= 256) return v;
  return undefined;
}

/** nat_parse(): ip[:port] of -n/-g/-j */
function natParse(arg: string, f: Filter, c: string): void {
  let ip = arg;
  const colon = arg.indexOf(":");
  if (colon >= 0) {
    ip = arg.slice(0, colon);
    const ps = arg.slice(colon + 1);
    const port = atoi(ps) & 0xffff;
    if (port === 0) exitError(2, ps === "" ? "No port specified after `:'" : `Invalid port \`${ps}'`);
    if (ps.includes(":")) exitError(2, "Invalid port:port syntax");
    if (c === "n" || c === "j") f.snatPort = port;
    if (c === "g" || c === "j") f.dnatPort = port;
  }
  const a = inetAton(ip);
  if (a === undefined) exitError(2, `Invalid IP address \`${ip}'`);
  // (as written: --any-nat sets the source NAT address only)
  if (c === "n" || c === "j") f.snatIp = a;
  else f.dnatIp = a;
}

/** filter_nat(): true when the entry is left out */
function filterNat(f: Filter, ct: NfConntrackInfo | NfConntrackEvent["entry"]): boolean {
  const o = f.options ?? 0;
  let checkSrc = (o & O_SRC_NAT) !== 0;
  let checkDst = (o & O_DST_NAT) !== 0;
  if (o & O_ANY_NAT) checkSrc = checkDst = true;
  const isSnat = ct.orig.src !== ct.reply.dst;
  const isDnat = ct.orig.dst !== ct.reply.src;
  // NFCT_GOPT_IS_SPAT/DPAT compare the l4 words of the tuples as they lie in memory: an ICMP
  // tuple's id against the other direction's type and code bytes (so an echo counts as PAT)
  const l4src = (t: NfConntrackTuple): number => (t.protonum === 1 ? t.id ?? 0 : t.sport ?? 0);
  const l4dst = (t: NfConntrackTuple): number => (t.protonum === 1 ? ((t.type ?? 0) << 8) | (t.code ?? 0) : t.dport ?? 0);
  const isSpat = l4src(ct.orig) !== l4dst(ct.reply);
  const isDpat = l4dst(ct.orig) !== l4src(ct.reply);
  const side = (check: boolean, ip: number | undefined, port: number | undefined, isNat: boolean, isPat: boolean, rip: number, rport: number | undefined): boolean => {
    if (!check) return false;
    let has = false;
    if (ip !== undefined && isNat && ip === rip) has = true;
    if (port !== undefined) {
      const ok = isPat && port === rport;
      if (ip !== undefined && has && !ok) has = false;
      if (ip === undefined && ok) has = true;
    }
    if (ip === undefined && port === undefined && (isNat || isPat)) has = true;
    return has;
  };
  const hasSrc = side(checkSrc, f.snatIp, f.snatPort, isSnat, isSpat, ct.reply.dst, ct.reply.dport);
  const hasDst = side(checkDst, f.dnatIp, f.dnatPort, isDnat, isDpat, ct.reply.src, ct.reply.sport);
  if (o & O_ANY_NAT) return !(hasSrc || hasDst);
  if (o & O_SRC_NAT && o & O_DST_NAT) return !(hasSrc && hasDst);
  if (o & O_SRC_NAT) return !hasSrc;
  if (o & O_DST_NAT) return !hasDst;
  return false;
}

/** the tuple -G looks up: addresses of one direction, the protocol and its ports */
function tupleIs(t: NfConntrackTuple, f: Filter, orig: boolean): boolean {
  if (t.src !== (orig ? f.origSrc : f.replySrc) || t.dst !== (orig ? f.origDst : f.replyDst)) return false;
  return tupleCmp(t, f, orig);
}

/** nfct_cmp(NFCT_CMP_ORIG / NFCT_CMP_REPL): what the template sets of one direction */
function tupleCmp(t: NfConntrackTuple, f: Filter, orig: boolean): boolean {
  const src = orig ? f.origSrc : f.replySrc;
  const dst = orig ? f.origDst : f.replyDst;
  if (src !== undefined && t.src !== src) return false;
  if (dst !== undefined && t.dst !== dst) return false;
  if (f.proto !== undefined && t.protonum !== f.proto) return false;
  const sp = orig ? f.sport : f.replySport;
  const dp = orig ? f.dport : f.replyDport;
  if (sp !== undefined && t.sport !== sp) return false;
  if (dp !== undefined && t.dport !== dp) return false;
  if (orig && f.icmpType !== undefined && t.type !== f.icmpType) return false;
  if (orig && f.icmpCode !== undefined && t.code !== f.icmpCode) return false;
  if (orig && f.icmpId !== undefined && t.id !== f.icmpId) return false;
  return true;
}

/** parse_options() of the extension: an option it added (its value offset by the merge);
 * returns its flag */
function protoOpt(c: string, a: string, f: Filter): number {
  const bitOf = 1 << (Number(c) - 1);
  if (f.proto === 1) {
    // libct_proto_icmp.c: atoi() into the type and code bytes, the 16-bit id
    const v = atoi(a);
    if (c === "1") f.icmpType = v & 0xff;
    else if (c === "2") f.icmpCode = v & 0xff;
    else f.icmpId = v & 0xffff;
    return bitOf;
  }
  if (c === "7" && (f.proto === 6 || f.proto === 132 || f.proto === 33)) {
    // libct_proto_tcp.c: the state names, as written (sctp's and dccp's are not checked here)
    if (f.proto === 6 && !TCP_STATES.includes(a)) exitError(2, `unknown TCP state \`${a}'`);
    f.state = a;
    return bitOf;
  }
  // atoi(), as a 16-bit port
  const v = atoi(a) & 0xffff;
  if (c === "1") f.sport = v;
  else if (c === "2") f.dport = v;
  else if (c === "3") f.replySport = v;
  else if (c === "4") f.replyDport = v;
  return bitOf;
}

/**
 * conntrack -E: nfct_catch() on a socket of the event groups, each event through the filters
 * printed (and flushed) as it comes; SIGINT/SIGTERM end it with the count on stderr
 * (event_sighandler())
 */
async function events(p: Process, groups: number, f: Filter, om: OutMode, bufsize: number): Promise<number> {
  const r = p.sys.ioctl({ request: "NFCT_LISTEN", groups });
  if (isKErr(r)) exitError(1, "Can't open handler", false);
  const l = r["listener"] as NfConntrackListener;
  // nfnl_rcvbufsiz(): SO_RCVBUFFORCE doubles it, to at least SOCK_MIN_RCVBUF
  if (f.options! & bit("buffer-size")) {
    const v = Math.min(Math.max(bufsize, 0), 0x3fffffff);
    p.stderr.write(`NOTICE: Netlink socket buffer size has been set to ${Math.max(2 * v, 2304)} bytes.\n`);
  }
  let counter = 0;
  try {
    for (;;) {
      for (let e = l.read(); e; e = l.read()) {
        if (filterNat(f, e.entry) || !matches(e.entry, f)) continue;
        let line = "";
        if (om.timestamp && !om.xml) {
          const us = Math.floor(p.sys.wallclock() * 1e6);
          line += `[${String(Math.floor(us / 1e6)).padStart(8, "0")}.${String(us % 1e6).padStart(6, "0")}]\t`;
        }
        if (om.xml && counter === 0) line = XML_HEADER + line;
        line += entryText(e.entry, om, e.type);
        // an event a process's request caused names its netlink portid, and progname= when
        // that socket's process is still there as conntrack looks it up in /proc: here the
        // requester (conntrack -D/-F) always is, as the events reach the listener at once
        // (on Linux it may have exited by then, and progname= is left out)
        if (e.portid && !om.xml) line += ` [USERSPACE] portid=${e.portid} progname=conntrack`;
        p.stdout.write(line + "\n");
        counter++;
      }
      if (p.signal.aborted) break;
      await waitReadable(p, l);
    }
  } finally {
    l.close();
  }
  p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): ${counter} flow events have been shown.\n`);
  return 0;
}
