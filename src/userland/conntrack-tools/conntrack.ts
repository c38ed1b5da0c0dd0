/**
 * conntrack-tools 1.4.7: src/conntrack.c (the -L/-D/-F/-C commands and their filters, -E with
 * its event mask and event_sighandler()) with the entry text of libnetfilter_conntrack's
 * __snprintf_conntrack_default().
 */
import { CStdout } from "../lib/stdio.ts";
import type { Process } from "../process.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import {
  IPS_ASSURED, IPS_SEEN_REPLY, IPS_DST_NAT, IPS_SRC_NAT, type NfConntrackEvent, type NfConntrackInfo, type NfConntrackListener,
  type NfConntrackTuple,
} from "../../kernel/uapi/xtables.ts";
import { atoi } from "../lib/utils.ts";

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

function ipStr(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** inet_aton(): a.b.c.d, a.b.c (c 16 bits), a.b (b 24 bits), a */
function parseIp(s: string): number | undefined {
  if (!/^\d+(\.\d+){0,3}$/.test(s)) return undefined;
  const p = s.split(".").map(Number);
  const last = p.pop()!;
  if (p.some((x) => x > 255) || last >= 2 ** (8 * (4 - p.length))) return undefined;
  let v = 0;
  p.forEach((x, i) => (v |= x << (24 - 8 * i)));
  return (v | last) >>> 0;
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
  s += tupleText(ct.orig) + acctText(ct.counters, 0);
  if (!(ct.status & IPS_SEEN_REPLY)) s += "[UNREPLIED] ";
  s += tupleText(ct.reply) + acctText(ct.counters, 1);
  if (ct.status & IPS_ASSURED) s += "[ASSURED] ";
  if (ct.mark !== undefined) s += `mark=${ct.mark} `;
  if (showId) s += `id=${ct.id} `;
  if ("use" in ct) s += `use=${ct.use} `;
  return s.trimEnd();
}

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
/** ctnetlink's groups as NFCT_LISTEN takes them */
const GRP_NEW = 1;
const GRP_UPDATE = 2;
const GRP_DESTROY = 4;

/** the options a protocol's extension adds (libct_proto_*.c) */
const PROTO_OPTS: Record<number, string[]> = { 1: ["icmp"], 6: ["ports", "state"], 17: ["ports"], 136: ["ports"], 132: ["ports", "state"], 33: ["ports", "state"] };
/** libct_proto_tcp.c's state names */
const TCP_STATES = ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "LISTEN", "SYN_SENT2"];

interface Filter {
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
  mark?: number;
  srcNat?: boolean;
  dstNat?: boolean;
  state?: string;
}

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
  if (f.mark !== undefined && ct.mark !== f.mark) return false;
  if (f.srcNat && !(ct.status & IPS_SRC_NAT)) return false;
  if (f.dstNat && !(ct.status & IPS_DST_NAT)) return false;
  if (f.state !== undefined && ct.protoState !== f.state) return false;
  return true;
}

/** conntrack.c: usage() */
const USAGE = "Command line interface for the connection tracking system. Version 1.4.7\nUsage: conntrack [commands] [options]\n\nCommands:\n  -L [table] [options]\t\tList conntrack or expectation table\n  -G [table] parameters\t\tGet conntrack or expectation\n  -D [table] parameters\t\tDelete conntrack or expectation\n  -I [table] parameters\t\tCreate a conntrack or expectation\n  -U [table] parameters\t\tUpdate a conntrack\n  -E [table] [options]\t\tShow events\n  -F [table]\t\t\tFlush table\n  -C [table]\t\t\tShow counter\n  -S\t\t\t\tShow statistics\n\nTables: conntrack, expect, dying, unconfirmed\n\nConntrack parameters and options:\n  -n, --src-nat ip\t\t\tsource NAT ip\n  -g, --dst-nat ip\t\t\tdestination NAT ip\n  -j, --any-nat ip\t\t\tsource or destination NAT ip\n  -m, --mark mark\t\t\tSet mark\n  -c, --secmark secmark\t\t\tSet selinux secmark\n  -e, --event-mask eventmask\t\tEvent mask, eg. NEW,DESTROY\n  -z, --zero \t\t\t\tZero counters while listing\n  -o, --output type[,...]\t\tOutput format, eg. xml\n  -l, --label label[,...]\t\tconntrack labels\n\nExpectation parameters and options:\n  --tuple-src ip\tSource address in expect tuple\n  --tuple-dst ip\tDestination address in expect tuple\n\nUpdating parameters and options:\n  --label-add label\tAdd label\n  --label-del label\tDelete label\n\nCommon parameters and options:\n  -s, --src, --orig-src ip\t\tSource address from original direction\n  -d, --dst, --orig-dst ip\t\tDestination address from original direction\n  -r, --reply-src ip\t\tSource addres from reply direction\n  -q, --reply-dst ip\t\tDestination address from reply direction\n  -p, --protonum proto\t\tLayer 4 Protocol, eg. 'tcp'\n  -f, --family proto\t\tLayer 3 Protocol, eg. 'ipv6'\n  -t, --timeout timeout\t\tSet timeout\n  -u, --status status\t\tSet status, eg. ASSURED\n  -w, --zone value\t\tSet conntrack zone\n  --orig-zone value\t\tSet zone for original direction\n  --reply-zone value\t\tSet zone for reply direction\n  -b, --buffer-size\t\tNetlink socket buffer size\n  --mask-src ip\t\t\tSource mask address\n  --mask-dst ip\t\t\tDestination mask address\n\n";

const CMD_LIST = 1;
const CMD_DELETE = 2;
const CMD_FLUSH = 4;
const CMD_COUNT = 8;
const CMD_EVENT = 16;

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
  let cmd = 0;
  const f: Filter = {};
  let extended = false;
  let showId = false;
  let timestamp = false;
  let zero = false;
  let groups = GRP_NEW | GRP_UPDATE | GRP_DESTROY;
  const protoOpts = new Set<string>();
  const needArg = (i: number, opt: string): string => {
    const a = argv[i];
    if (a === undefined) exitError(2, `option \`${opt}' requires an argument`);
    return a;
  };
  const addr = (s: string): number => {
    const a = parseIp(s);
    if (a === undefined) exitError(2, `Invalid IP address \`${s}'`);
    return a;
  };
  // add_command(): one command a line
  const setCmd = (c: number) => {
    if (cmd) exitError(2, "Invalid commands combination");
    cmd = c;
  };
  // check_type(): the optional table after a command, by prefix (the conntrack table by
  // default), read before add_command() looks at the command
  let table = "conntrack";
  const checkType = (i: number): number => {
    const t = argv[i + 1];
    if (t === undefined || t[0] === "-" || t[0] === "!") return i;
    const hit = ["expect", "conntrack", "dying", "unconfirmed"].find((n) => n.startsWith(t));
    if (!hit) exitError(2, `unknown type \`${t}'`);
    table = hit;
    return i + 1;
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case "-L": case "--dump":
        i = checkType(i);
        setCmd(CMD_LIST);
        break;
      case "-D": case "--delete":
        i = checkType(i);
        setCmd(CMD_DELETE);
        break;
      case "-F": case "--flush":
        i = checkType(i);
        setCmd(CMD_FLUSH);
        break;
      case "-C": case "--count":
        i = checkType(i);
        setCmd(CMD_COUNT);
        break;
      case "-E": case "--event":
        i = checkType(i);
        setCmd(CMD_EVENT);
        break;
      case "-p": case "--proto": {
        const v = needArg(++i, a);
        const n = /^\d+$/.test(v) ? Number(v) : PROTOS[v.toLowerCase()];
        if (n === undefined) exitError(2, `\`${v}' unsupported protocol`);
        f.proto = n;
        // the protocol's extension merges its options into getopt's table (they stay there)
        for (const o of PROTO_OPTS[n] ?? []) protoOpts.add(o);
        break;
      }
      case "-s": case "--src": case "--orig-src":
        f.origSrc = addr(needArg(++i, a));
        break;
      case "-d": case "--dst": case "--orig-dst":
        f.origDst = addr(needArg(++i, a));
        break;
      case "-r": case "--reply-src":
        f.replySrc = addr(needArg(++i, a));
        break;
      case "-q": case "--reply-dst":
        f.replyDst = addr(needArg(++i, a));
        break;
      case "--sport": case "--orig-port-src":
      case "--dport": case "--orig-port-dst":
      case "--reply-port-src": case "--reply-port-dst": {
        if (!protoOpts.has("ports")) exitError(2, `unknown option \`${a}'`);
        // atoi(), as a 16-bit port
        const v = atoi(needArg(++i, a)) & 0xffff;
        if (a === "--sport" || a === "--orig-port-src") f.sport = v;
        else if (a === "--dport" || a === "--orig-port-dst") f.dport = v;
        else if (a === "--reply-port-src") f.replySport = v;
        else f.replyDport = v;
        break;
      }
      case "-m": case "--mark":
        f.mark = Number(needArg(++i, a));
        break;
      case "--icmp-type": case "--icmp-code": case "--icmp-id": {
        if (!protoOpts.has("icmp")) exitError(2, `unknown option \`${a}'`);
        // libct_proto_icmp.c: atoi() into the type and code bytes, the 16-bit id
        const v = atoi(needArg(++i, a));
        if (a === "--icmp-type") f.icmpType = v & 0xff;
        else if (a === "--icmp-code") f.icmpCode = v & 0xff;
        else f.icmpId = v & 0xffff;
        break;
      }
      case "--state": {
        if (!protoOpts.has("state")) exitError(2, `unknown option \`${a}'`);
        const v = needArg(++i, a);
        // libct_proto_tcp.c: the state names, as written (sctp's and dccp's are not checked here)
        if (f.proto === 6 && !TCP_STATES.includes(v)) exitError(2, `unknown TCP state \`${v}'`);
        f.state = v;
        break;
      }
      case "-n": case "--src-nat":
        f.srcNat = true;
        break;
      case "-g": case "--dst-nat":
        f.dstNat = true;
        break;
      case "-f": case "--family":
      {
        const fam = needArg(++i, a);
        if (fam !== "ipv4" && fam !== "ipv6") exitError(2, `\`${fam}' unsupported protocol`);
      }
        break;
      case "-o": case "--output":
        for (const o of parseParameter(p, needArg(++i, a), OUTPUT_WORDS)) {
          if (o === "extended") extended = true;
          else if (o === "id") showId = true;
          else if (o === "timestamp") timestamp = true;
        }
        break;
      case "-e": case "--event-mask": {
        let g = 0;
        for (const w of parseParameter(p, needArg(++i, a), EVENT_WORDS)) {
          g |= w === "NEW" ? GRP_NEW : w === "UPDATES" ? GRP_UPDATE : w === "DESTROY" ? GRP_DESTROY : GRP_NEW | GRP_UPDATE | GRP_DESTROY;
        }
        groups = g;
        break;
      }
      case "-z": case "--zero":
        zero = true;
        break;
      case "-V": case "--version":
        p.stdout.write(`${PROG} v${VERSION} (conntrack-tools)\n`);
        return 0;
      default:
        // getopt_long(): "--" ends the options; a non-option (or "-") is moved past them and
        // conntrack never reads it
        if (a === "--") i = argv.length;
        else if (a === "-" || a[0] !== "-") continue;
        else exitError(2, `unknown option \`${a}'`);
    }
  }
  if (!cmd) {
    p.stdout.write(USAGE);
    return 0;
  }
  if (cmd === CMD_EVENT) return events(p, groups, f, extended, showId, timestamp);
  // no expectations (no helper is modelled), and the dying and unconfirmed lists are empty
  // between packets: the lists and counts of those tables have nothing in them
  if (table !== "conntrack" && (cmd === CMD_LIST || cmd === CMD_COUNT)) {
    if (cmd === CMD_COUNT) p.stdout.write("0\n");
    else p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): 0 ${table === "expect" ? "expectations" : "flow entries"} have been shown.\n`);
    return 0;
  }
  // -L -z: NFCT_Q_DUMP_RESET, which filters nothing (CT_COMPARISON options refused)
  const filtering = [f.proto, f.origSrc, f.origDst, f.replySrc, f.replyDst, f.sport, f.dport, f.replySport, f.replyDport, f.icmpType, f.icmpCode, f.icmpId, f.mark, f.state].some((x) => x !== undefined);
  if (cmd === CMD_LIST && zero && filtering) exitError(2, "Can't use -z with filtering parameters");
  const r = p.sys.ioctl({ request: "NFCT_GET", zero: zero && cmd === CMD_LIST });
  if (isKErr(r)) exitError(1, `Operation failed: ${strerror(r.errno)}`, false);
  const entries = (r["entries"] as NfConntrackInfo[]).filter((c) => matches(c, f));
  // the deletions go over a second netlink socket: its portid is autobound (a random
  // negative number, the pid being the first socket's)
  const portid = (0x80000000 + (p.sys.random32() % (0x80000000 - 4096))) >>> 0;
  if (cmd === CMD_FLUSH) {
    p.sys.ioctl({ request: "NFCT_FLUSH", portid });
    p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): connection tracking table has been emptied.\n`);
    return 0;
  }
  if (cmd === CMD_COUNT) {
    p.stdout.write(`${entries.length}\n`);
    return 0;
  }
  // dump_cb()/delete_cb() printf() the entries into stdio's buffer (a pipe's is only written
  // at exit), the count goes to stderr at once: on one pipe the count comes first
  const out = new CStdout(p.stdout, p.isatty);
  for (const ct of entries) out.write(snprintfConntrack(ct, extended, showId) + "\n");
  if (cmd === CMD_DELETE) {
    p.sys.ioctl({ request: "NFCT_DELETE", ids: entries.map((c) => c.id), portid });
    p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): ${entries.length} flow entries have been deleted.\n`);
    out.flush();
    return entries.length ? 0 : 1;
  }
  p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): ${entries.length} flow entries have been shown.\n`);
  out.flush();
  return 0;
}

/**
 * conntrack -E: nfct_catch() on a socket of the event groups, each event through the filters
 * printed (and flushed) as it comes; SIGINT/SIGTERM end it with the count on stderr
 * (event_sighandler())
 */
async function events(p: Process, groups: number, f: Filter, extended: boolean, showId: boolean, timestamp: boolean): Promise<number> {
  const r = p.sys.ioctl({ request: "NFCT_LISTEN", groups });
  if (isKErr(r)) exitError(1, "Can't open handler", false);
  const l = r["listener"] as NfConntrackListener;
  let counter = 0;
  try {
    for (;;) {
      for (let e = l.read(); e; e = l.read()) {
        if (!matches(e.entry, f)) continue;
        let line = "";
        if (timestamp) {
          const us = Math.floor(p.sys.wallclock() * 1e6);
          line += `[${String(Math.floor(us / 1e6)).padStart(8, "0")}.${String(us % 1e6).padStart(6, "0")}]\t`;
        }
        line += snprintfConntrack(e.entry, extended, showId, e.type);
        // an event a process's request caused names its netlink portid, and progname= when
        // that socket's process is still there as conntrack looks it up in /proc: here the
        // requester (conntrack -D/-F) always is, as the events reach the listener at once
        // (on Linux it may have exited by then, and progname= is left out)
        if (e.portid) line += ` [USERSPACE] portid=${e.portid} progname=conntrack`;
        p.stdout.write(line + "\n");
        counter++;
      }
      if (p.signal.aborted) break;
      const b = p.sys.block();
      const wake = () => b.unblock();
      p.signal.addEventListener("abort", wake);
      l.onReadable(wake);
      await b.promise;
      l.onReadable(undefined);
      p.signal.removeEventListener("abort", wake);
    }
  } finally {
    l.close();
  }
  p.stderr.write(`${PROG} v${VERSION} (conntrack-tools): ${counter} flow events have been shown.\n`);
  return 0;
}
