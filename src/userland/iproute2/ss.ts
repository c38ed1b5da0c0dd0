/**
 * iproute2 6.1.0 misc/ss.c (Debian 12's ss): socket listings over NETLINK_SOCK_DIAG (TCP, UDP,
 * raw; the kernel models no unix, netlink, packet, SCTP, DCCP, MPTCP, vsock, tipc or XDP
 * sockets, so those tables answer empty), the ssfilter.y filter language, -p from /proc/PID/fd,
 * -s from /proc/net/sockstat and the output engine (buffered fields, render_calc_width(),
 * render()).
 */
import { getservbyname } from "../lib/etc_files.ts";
import { inetAton } from "../lib/inet_addr.ts";
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import type { InetDiagBc, InetDiagMsg } from "../../kernel/uapi/inet_diag.ts";
import { strerror } from "../../kernel/uapi/errno.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import { getInteger, getPrefix1, inetNtop6, inetPton6, newPrefix, type InetPrefix } from "../lib/utils.ts";
import { StubResolver } from "../lib/resolv.ts";
import { inetProtoN2a } from "./iprule.ts";
import { SERVICES } from "../iptables/services.ts";

const VERSION = "6.1.0";

// address families (include/linux/socket.h)
const AF_UNSPEC = 0;
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const AF_PACKET = 17;
const AF_TIPC = 30;
const AF_VSOCK = 40;
const AF_XDP = 44;
const AF_MAX = 46;

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_RAW = 255;
const IPPROTO_DCCP = 33;
const IPPROTO_SCTP = 132;
const IPPROTO_MPTCP = 262;

// socket tables
const TCP_DB = 0, MPTCP_DB = 1, DCCP_DB = 2, UDP_DB = 3, RAW_DB = 4, UNIX_DG_DB = 5, UNIX_ST_DB = 6,
  UNIX_SQ_DB = 7, PACKET_DG_DB = 8, PACKET_R_DB = 9, NETLINK_DB = 10, SCTP_DB = 11, VSOCK_ST_DB = 12,
  VSOCK_DG_DB = 13, TIPC_DB = 14, XDP_DB = 15, MAX_DB = 16;
const PACKET_DBM = (1 << PACKET_DG_DB) | (1 << PACKET_R_DB);
const UNIX_DBM = (1 << UNIX_DG_DB) | (1 << UNIX_ST_DB) | (1 << UNIX_SQ_DB);
const INET_L4_DBM = (1 << TCP_DB) | (1 << MPTCP_DB) | (1 << UDP_DB) | (1 << DCCP_DB) | (1 << SCTP_DB);
const INET_DBM = INET_L4_DBM | (1 << RAW_DB);
const VSOCK_DBM = (1 << VSOCK_ST_DB) | (1 << VSOCK_DG_DB);

// socket states
const SS_ESTABLISHED = 1, SS_SYN_SENT = 2, SS_SYN_RECV = 3, SS_TIME_WAIT = 6, SS_CLOSE = 7, SS_LISTEN = 10, SS_MAX = 12;
const SS_ALL = (1 << SS_MAX) - 1;
const SS_CONN = SS_ALL & ~((1 << SS_LISTEN) | (1 << SS_CLOSE) | (1 << SS_TIME_WAIT) | (1 << SS_SYN_RECV));
const TIPC_SS_CONN = (1 << SS_ESTABLISHED) | (1 << SS_LISTEN) | (1 << SS_CLOSE);

const fam = (af: number): bigint => 1n << BigInt(af);
const INET_FAMS = fam(AF_INET) | fam(AF_INET6);

interface DbDefault { states: number; families: bigint }
const DEFAULT_DBS: DbDefault[] = [];
DEFAULT_DBS[TCP_DB] = { states: SS_CONN, families: INET_FAMS };
DEFAULT_DBS[MPTCP_DB] = { states: SS_CONN, families: INET_FAMS };
DEFAULT_DBS[DCCP_DB] = { states: SS_CONN, families: INET_FAMS };
DEFAULT_DBS[UDP_DB] = { states: 1 << SS_ESTABLISHED, families: INET_FAMS };
DEFAULT_DBS[RAW_DB] = { states: 1 << SS_ESTABLISHED, families: INET_FAMS };
DEFAULT_DBS[UNIX_DG_DB] = { states: 1 << SS_CLOSE, families: fam(AF_UNIX) };
DEFAULT_DBS[UNIX_ST_DB] = { states: SS_CONN, families: fam(AF_UNIX) };
DEFAULT_DBS[UNIX_SQ_DB] = { states: SS_CONN, families: fam(AF_UNIX) };
DEFAULT_DBS[PACKET_DG_DB] = { states: 1 << SS_CLOSE, families: fam(AF_PACKET) };
DEFAULT_DBS[PACKET_R_DB] = { states: 1 << SS_CLOSE, families: fam(AF_PACKET) };
DEFAULT_DBS[NETLINK_DB] = { states: 1 << SS_CLOSE, families: fam(AF_NETLINK) };
DEFAULT_DBS[SCTP_DB] = { states: SS_CONN, families: INET_FAMS };
DEFAULT_DBS[VSOCK_ST_DB] = { states: SS_CONN, families: fam(AF_VSOCK) };
DEFAULT_DBS[VSOCK_DG_DB] = { states: SS_CONN, families: fam(AF_VSOCK) };
DEFAULT_DBS[TIPC_DB] = { states: TIPC_SS_CONN, families: fam(AF_TIPC) };
DEFAULT_DBS[XDP_DB] = { states: 1 << SS_CLOSE, families: fam(AF_XDP) };

const DEFAULT_AFS = new Map<number, { dbs: number; states: number }>([
  [AF_INET, { dbs: INET_DBM, states: SS_CONN }],
  [AF_INET6, { dbs: INET_DBM, states: SS_CONN }],
  [AF_UNIX, { dbs: UNIX_DBM, states: SS_CONN }],
  [AF_PACKET, { dbs: PACKET_DBM, states: 1 << SS_CLOSE }],
  [AF_NETLINK, { dbs: 1 << NETLINK_DB, states: 1 << SS_CLOSE }],
  [AF_VSOCK, { dbs: VSOCK_DBM, states: SS_CONN }],
  [AF_TIPC, { dbs: 1 << TIPC_DB, states: TIPC_SS_CONN }],
  [AF_XDP, { dbs: 1 << XDP_DB, states: 1 << SS_CLOSE }],
]);

const DB_NAMES: [string, number[]][] = [
  ["all", [UDP_DB, DCCP_DB, TCP_DB, MPTCP_DB, RAW_DB, UNIX_ST_DB, UNIX_DG_DB, UNIX_SQ_DB, PACKET_R_DB, PACKET_DG_DB, NETLINK_DB, SCTP_DB, VSOCK_ST_DB, VSOCK_DG_DB, XDP_DB]],
  ["inet", [UDP_DB, DCCP_DB, TCP_DB, MPTCP_DB, SCTP_DB, RAW_DB]],
  ["udp", [UDP_DB]], ["dccp", [DCCP_DB]], ["tcp", [TCP_DB]], ["mptcp", [MPTCP_DB]], ["sctp", [SCTP_DB]],
  ["raw", [RAW_DB]], ["unix", [UNIX_ST_DB, UNIX_DG_DB, UNIX_SQ_DB]], ["unix_stream", [UNIX_ST_DB]],
  ["u_str", [UNIX_ST_DB]], ["unix_dgram", [UNIX_DG_DB]], ["u_dgr", [UNIX_DG_DB]],
  ["unix_seqpacket", [UNIX_SQ_DB]], ["u_seq", [UNIX_SQ_DB]], ["packet", [PACKET_R_DB, PACKET_DG_DB]],
  ["packet_raw", [PACKET_R_DB]], ["p_raw", [PACKET_R_DB]], ["packet_dgram", [PACKET_DG_DB]],
  ["p_dgr", [PACKET_DG_DB]], ["netlink", [NETLINK_DB]], ["tipc", [TIPC_DB]],
  ["vsock", [VSOCK_ST_DB, VSOCK_DG_DB]], ["vsock_stream", [VSOCK_ST_DB]], ["v_str", [VSOCK_ST_DB]],
  ["vsock_dgram", [VSOCK_DG_DB]], ["v_dgr", [VSOCK_DG_DB]], ["xdp", [XDP_DB]],
];

// ------------------------------------------------------------------------------ filter

/** ssfilter.h: node types */
export const SSF_DCOND = 0, SSF_SCOND = 1, SSF_OR = 2, SSF_AND = 3, SSF_NOT = 4, SSF_D_GE = 5, SSF_D_LE = 6,
  SSF_S_GE = 7, SSF_S_LE = 8, SSF_S_AUTO = 9, SSF_DEVCOND = 10, SSF_MARKMASK = 11, SSF_CGROUPCOND = 12;

/** struct aafilter: an address/port condition (a list: a name can give several addresses) */
export interface AaFilter {
  addr: InetPrefix;
  port: number;
  iface?: number;
  mark?: number;
  mask?: number;
  next?: AaFilter;
}

export interface SsFilter {
  type: number;
  pred?: AaFilter | SsFilter;
  post?: SsFilter;
}

/** struct filter */
export interface Filter {
  dbs: number;
  states: number;
  families: bigint;
  f?: SsFilter;
}

/** struct sockstat: what a filter and the printer see of a socket */
export interface SockStat {
  state: number;
  family: number;
  local: Uint8Array;
  remote: Uint8Array;
  lport: number;
  rport: number;
  iface: number;
  mark: number;
  rq: number;
  wq: number;
  ino: number;
  uid: number;
  sk: number;
  type: number;
}

/** thrown by the filter parser with what ss prints and its exit status */
export class SsExit extends Error {
  constructor(public readonly msg: string, public readonly code: number) {
    super(msg);
  }
}

/** a filter's host name that needs a DNS answer before the parse can go on */
class DnsPending {
  constructor(readonly name: string, readonly af: number) {}
}

/** What the filter parser needs from the world: services and host names */
export interface FilterEnv {
  /** getservbyname(name, proto) */
  servByName(name: string, proto: string): number | undefined;
  /** gethostbyname2(name, af) (AF_INET or AF_INET6): the addresses, 4 or 16 bytes each */
  hostByName(name: string, af: number): Uint8Array[] | undefined;
}

const TOK_HOSTCOND = 256, TOK_DCOND = 257, TOK_SCOND = 258, TOK_DPORT = 259, TOK_SPORT = 260, TOK_LEQ = 261,
  TOK_GEQ = 262, TOK_NEQ = 263, TOK_AUTOBOUND = 264, TOK_DEVCOND = 265, TOK_DEVNAME = 266, TOK_MARKMASK = 267,
  TOK_FWMARK = 268, TOK_EOF = 0;

/** inet_addr_match() (lib/utils.c): 0 when the first `bits` bits agree */
function inetAddrMatch(a: Uint8Array, b: Uint8Array, bits: number): number {
  const bytes = bits >> 3;
  for (let i = 0; i < bytes; i++) if (a[i] !== b[i]) return -1;
  const rem = bits & 7;
  if (rem) {
    const mask = (0xff << (8 - rem)) & 0xff;
    if (((a[bytes]! ^ b[bytes]!) & mask) !== 0) return -1;
  }
  return 0;
}

/**
 * ssfilter.y: the grammar (exprlist of exprs joined by `|`, `&` or nothing, left to right;
 * `!`, parentheses, dst/src/dport/sport/dev/fwmark/autobound conditions) over yylex()'s tokens:
 * every argument is split further at blanks, backslash escaping.
 */
export class FilterParser {
  private toks: string[] = [];
  private pos = 0;
  private tokType = -1;
  private look: { t: number; v?: AaFilter } | undefined;

  constructor(private readonly f: Filter, private readonly env: FilterEnv, private readonly preferredFamily: () => number,
    private readonly setFamily: (af: number) => void) {}

  /** get_token_from_line() over each argument (and each line of a -F file) */
  static split(args: string[]): string[] {
    const out: string[] = [];
    for (const a of args) {
      let i = 0;
      while (i < a.length) {
        while (a[i] === " " || a[i] === "\t") i++;
        if (i >= a.length) break;
        let t = "";
        while (i < a.length && a[i] !== " " && a[i] !== "\t") {
          if (a[i] === "\\") {
            i++;
            if (i >= a.length) break;
          }
          t += a[i];
          i++;
        }
        out.push(t);
      }
    }
    return out;
  }

  parse(args: string[]): SsFilter | undefined {
    this.toks = FilterParser.split(args);
    this.pos = 0;
    const t = this.peek();
    if (t.t === TOK_EOF) return undefined;
    const r = this.exprlist();
    if (this.peek().t !== TOK_EOF) this.syntaxError();
    return r;
  }

  private syntaxError(): never {
    throw new SsExit('ss: bison bellows (while parsing filter): "syntax error!" Sorry.\n', -1);
  }

  private peek(): { t: number; v?: AaFilter } {
    if (!this.look) this.look = this.lex();
    return this.look;
  }

  private next(): { t: number; v?: AaFilter } {
    const t = this.peek();
    this.look = undefined;
    return t;
  }

  private lex(): { t: number; v?: AaFilter } {
    if (this.pos >= this.toks.length) return { t: TOK_EOF };
    const cur = this.toks[this.pos++]!;
    switch (cur) {
      case "!": case "not": return { t: 33 };
      case "&": case "&&": case "and": return { t: 38 };
      case "|": case "||": case "or": return { t: 124 };
      case "(": return { t: 40 };
      case ")": return { t: 41 };
      case "dst": this.tokType = TOK_DCOND; return { t: TOK_DCOND };
      case "src": this.tokType = TOK_SCOND; return { t: TOK_SCOND };
      case "dport": this.tokType = TOK_DPORT; return { t: TOK_DPORT };
      case "sport": this.tokType = TOK_SPORT; return { t: TOK_SPORT };
      case "dev": this.tokType = TOK_DEVNAME; return { t: TOK_DEVNAME };
      case "fwmark": this.tokType = TOK_FWMARK; return { t: TOK_FWMARK };
      case ">=": case "ge": case "geq": return { t: TOK_GEQ };
      case "<=": case "le": case "leq": return { t: TOK_LEQ };
      case "!=": case "ne": case "neq": return { t: TOK_NEQ };
      case "=": case "==": case "eq": return { t: 61 };
      case ">": case "gt": return { t: 62 };
      case "<": case "lt": return { t: 60 };
      case "autobound": this.tokType = TOK_AUTOBOUND; return { t: TOK_AUTOBOUND };
    }
    if (this.tokType === TOK_DEVNAME) {
      const v = this.parseDevcond(cur);
      if (!v) throw new SsExit("Cannot parse device.\n", 1);
      return { t: TOK_DEVCOND, v };
    }
    if (this.tokType === TOK_FWMARK) {
      const v = parseMarkmask(cur);
      if (!v) throw new SsExit(`Cannot parse mark ${cur}.\n`, 1);
      return { t: TOK_MARKMASK, v };
    }
    const v = this.parseHostcond(cur, this.tokType === TOK_SPORT || this.tokType === TOK_DPORT);
    if (!v) throw new SsExit(`${this.errs}Cannot parse dst/src address.\n`, 1);
    return { t: TOK_HOSTCOND, v };
  }

  /** messages parse_hostcond() printed before failing */
  private errs = "";

  /** xll_name_to_index(): a device name or index */
  devIndex: (name: string) => number = () => 0;

  private parseDevcond(name: string): AaFilter | undefined {
    let idx = this.devIndex(name);
    if (!idx) {
      const n = getUnsigned32(name);
      if (n === undefined) return undefined;
      idx = n;
    }
    return { addr: newPrefix(), port: -1, iface: idx };
  }

  private exprlist(): SsFilter {
    let l = this.expr();
    for (;;) {
      const t = this.peek().t;
      if (t === TOK_EOF || t === 41) return l;
      if (t === 124 || t === 38) {
        this.next();
        const r = this.expr();
        l = { type: t === 124 ? SSF_OR : SSF_AND, pred: l, post: r };
        continue;
      }
      const r = this.expr();
      l = { type: SSF_AND, pred: l, post: r };
    }
  }

  private hostcond(): AaFilter {
    const t = this.next();
    if (t.t !== TOK_HOSTCOND) this.syntaxError();
    return t.v!;
  }

  /** `eq`: an optional '=' */
  private eq(): void {
    if (this.peek().t === 61) this.next();
  }

  private expr(): SsFilter {
    const t = this.next();
    switch (t.t) {
      case 40: {
        const e = this.exprlist();
        if (this.next().t !== 41) this.syntaxError();
        return e;
      }
      case 33:
        return { type: SSF_NOT, pred: this.expr() };
      case TOK_DCOND:
        this.eq();
        return { type: SSF_DCOND, pred: this.hostcond() };
      case TOK_SCOND:
        this.eq();
        return { type: SSF_SCOND, pred: this.hostcond() };
      case TOK_DPORT:
      case TOK_SPORT: {
        const d = t.t === TOK_DPORT;
        const op = this.peek().t;
        const GE = d ? SSF_D_GE : SSF_S_GE;
        const LE = d ? SSF_D_LE : SSF_S_LE;
        const COND = d ? SSF_DCOND : SSF_SCOND;
        if (op === TOK_GEQ || op === TOK_LEQ || op === 62 || op === 60 || op === TOK_NEQ) {
          this.next();
          const h = this.hostcond();
          if (op === TOK_GEQ) return { type: GE, pred: h };
          if (op === TOK_LEQ) return { type: LE, pred: h };
          if (op === 62) return { type: SSF_NOT, pred: { type: LE, pred: h } };
          if (op === 60) return { type: SSF_NOT, pred: { type: GE, pred: h } };
          return { type: SSF_NOT, pred: { type: COND, pred: h } };
        }
        this.eq();
        return { type: COND, pred: this.hostcond() };
      }
      case TOK_DEVNAME: {
        const op = this.peek().t;
        if (op === TOK_NEQ) this.next();
        else this.eq();
        const v = this.next();
        if (v.t !== TOK_DEVCOND) this.syntaxError();
        const n: SsFilter = { type: SSF_DEVCOND, pred: v.v };
        return op === TOK_NEQ ? { type: SSF_NOT, pred: n } : n;
      }
      case TOK_FWMARK: {
        const op = this.peek().t;
        if (op === TOK_NEQ) this.next();
        else this.eq();
        const v = this.next();
        if (v.t !== TOK_MARKMASK) this.syntaxError();
        const n: SsFilter = { type: SSF_MARKMASK, pred: v.v };
        return op === TOK_NEQ ? { type: SSF_NOT, pred: n } : n;
      }
      case TOK_AUTOBOUND:
        return { type: SSF_S_AUTO };
    }
    this.syntaxError();
  }

  /** ss.c: parse_hostcond() for inet addresses ("unix:", "link:" … prefixes select families
   * that have no sockets here: their conditions match nothing) */
  private parseHostcond(arg: string, isPort: boolean): AaFilter | undefined {
    let addr = arg;
    const a: AaFilter = { addr: newPrefix(), port: -1 };
    let family = this.preferredFamily();
    for (const [pfx, af] of [["unix:", AF_UNIX], ["link:", AF_PACKET], ["netlink:", AF_NETLINK], ["vsock:", AF_VSOCK], ["inet:", AF_INET], ["inet6:", AF_INET6]] as const) {
      if (addr.startsWith(pfx)) {
        family = af;
        addr = addr.slice(pfx.length);
        break;
      }
    }
    if (family === AF_UNIX || family === AF_PACKET || family === AF_NETLINK || family === AF_VSOCK) {
      a.addr.family = family;
      this.setFamily(family);
      return a;
    }
    const whole = addr;
    let port: string | undefined;
    if (addr.startsWith("[")) {
      addr = addr.slice(1);
      const k = addr.indexOf("]");
      if (k < 0) return undefined;
      port = addr.slice(k + 1);
      addr = addr.slice(0, k);
    } else if (addr.startsWith("*")) {
      port = addr.slice(1);
    } else {
      const slash = addr.indexOf("/");
      const k = addr.lastIndexOf(":");
      if (k >= 0 && k >= slash) {
        port = addr.slice(k);
        addr = addr.slice(0, k);
      }
    }
    if (isPort) port = whole;
    if (port !== undefined && port !== "") {
      if (port.startsWith(":")) port = port.slice(1);
      if (port !== "" && port[0] !== "*") {
        const n = getInteger(port, 0);
        if (n !== undefined) a.port = n;
        else {
          const udp = (this.f.dbs & (1 << UDP_DB)) ? this.env.servByName(port, "udp") : undefined;
          const tcp = (this.f.dbs & (1 << TCP_DB)) ? this.env.servByName(port, "tcp") : undefined;
          if (udp !== undefined && tcp !== undefined && udp !== tcp) {
            this.errs += `Error: ambiguous port "${port}".\n`;
            return undefined;
          }
          const s = udp ?? tcp;
          if (s !== undefined) a.port = s;
          else {
            this.errs += `Error: "${port}" does not look like a port.\n`;
            return undefined;
          }
        }
      }
    }
    if (!isPort && addr !== "" && addr[0] !== "*") {
      if (getPrefix1(undefined, a.addr, addr, family)) {
        /* get_dns_host(): gethostbyname2() for the family (AF_INET when unspecified), then for
         * AF_INET6 too when unspecified */
        const hs = [...(this.env.hostByName(addr, family === AF_UNSPEC ? AF_INET : family) ?? [])];
        if (family === AF_UNSPEC) hs.push(...(this.env.hostByName(addr, AF_INET6) ?? []));
        if (hs.length === 0) {
          this.errs += `Error: an inet prefix is expected rather than "${addr}".\n`;
          return undefined;
        }
        /* remember_he(): one condition per address */
        let cur: AaFilter | undefined;
        for (const h of hs) {
          const n: AaFilter = cur ? { addr: newPrefix(), port: a.port } : a;
          n.addr.family = h.length === 16 ? AF_INET6 : AF_INET;
          n.addr.bytelen = h.length;
          n.addr.bitlen = h.length * 8;
          n.addr.data.set(h);
          if (cur) cur.next = n;
          cur = n;
        }
      }
    }
    if (family !== AF_UNSPEC) this.setFamily(family);
    return a;
  }
}

function getUnsigned32(s: string): number | undefined {
  const n = getInteger(s, 0);
  return n !== undefined && n >= 0 ? n : undefined;
}

/** ss.c: parse_markmask() (sscanf %i) */
function parseMarkmask(s: string): AaFilter | undefined {
  const num = (t: string): number | undefined => {
    const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(t);
    if (!m) return undefined;
    const v = m[2]!.length > 1 && m[2]![0] === "0" ? (/^0[xX]/.test(m[2]!) ? parseInt(m[2]!.slice(2), 16) : parseInt(m[2]!, 8)) : Number(m[2]);
    return (m[1] === "-" ? -v : v) >>> 0;
  };
  const k = s.indexOf("/");
  if (k >= 0) {
    const mark = num(s.slice(0, k));
    const mask = num(s.slice(k + 1));
    if (mark === undefined || mask === undefined) return undefined;
    return { addr: newPrefix(), port: -1, mark, mask };
  }
  const mark = num(s);
  if (mark === undefined) return undefined;
  return { addr: newPrefix(), port: -1, mark, mask: 0xffffffff };
}

/** ss.c: run_ssfilter() */
export function runSsfilter(f: SsFilter, s: SockStat, isEphemeral: (port: number) => boolean): boolean {
  switch (f.type) {
    case SSF_S_AUTO:
      return isEphemeral(s.lport);
    case SSF_DCOND:
    case SSF_SCOND: {
      let a: AaFilter | undefined = f.pred as AaFilter;
      if (a.addr.family !== AF_UNSPEC && a.addr.family !== AF_INET && a.addr.family !== AF_INET6) return false;
      const d = f.type === SSF_DCOND;
      if (a.port !== -1 && a.port !== (d ? s.rport : s.lport)) return false;
      if (a.addr.bitlen) {
        do {
          if (a.addr.family === s.family && !inetAddrMatch(d ? s.remote : s.local, a.addr.data, a.addr.bitlen)) return true;
        } while ((a = a.next) !== undefined);
        return false;
      }
      return true;
    }
    case SSF_D_GE: return s.rport >= (f.pred as AaFilter).port;
    case SSF_D_LE: return s.rport <= (f.pred as AaFilter).port;
    case SSF_S_GE: return s.lport >= (f.pred as AaFilter).port;
    case SSF_S_LE: return s.lport <= (f.pred as AaFilter).port;
    case SSF_DEVCOND: return s.iface === (f.pred as AaFilter).iface;
    case SSF_MARKMASK: {
      const a = f.pred as AaFilter;
      return ((s.mark & a.mask!) >>> 0) === a.mark;
    }
    case SSF_AND: return runSsfilter(f.pred as SsFilter, s, isEphemeral) && runSsfilter(f.post!, s, isEphemeral);
    case SSF_OR: return runSsfilter(f.pred as SsFilter, s, isEphemeral) || runSsfilter(f.post!, s, isEphemeral);
    case SSF_NOT: return !runSsfilter(f.pred as SsFilter, s, isEphemeral);
  }
  return false;
}

/** ss.c: ssfilter_bytecompile(): the program sent with the dump request */
export function ssfilterBytecompile(f: SsFilter): InetDiagBc {
  const a = f.pred as AaFilter;
  switch (f.type) {
    case SSF_S_AUTO: return { op: "auto" };
    case SSF_DCOND:
    case SSF_SCOND: {
      const conds = [];
      for (let b: AaFilter | undefined = a; b; b = b.next)
        conds.push({ family: b.addr.family, prefixLen: b.addr.bitlen, port: b.port, addr: b.addr.data.slice(0, 16) });
      return { op: f.type === SSF_DCOND ? "d_cond" : "s_cond", conds };
    }
    case SSF_D_GE: return { op: "d_ge", port: a.port };
    case SSF_D_LE: return { op: "d_le", port: a.port };
    case SSF_S_GE: return { op: "s_ge", port: a.port };
    case SSF_S_LE: return { op: "s_le", port: a.port };
    case SSF_AND: return { op: "and", a: ssfilterBytecompile(f.pred as SsFilter), b: ssfilterBytecompile(f.post!) };
    case SSF_OR: return { op: "or", a: ssfilterBytecompile(f.pred as SsFilter), b: ssfilterBytecompile(f.post!) };
    case SSF_NOT: return { op: "not", a: ssfilterBytecompile(f.pred as SsFilter) };
    case SSF_DEVCOND: return { op: "dev", ifindex: a.iface ?? 0 };
    case SSF_MARKMASK: return { op: "mark", mark: a.mark ?? 0, mask: a.mask ?? 0 };
  }
  return { op: "and", a: { op: "auto" }, b: { op: "not", a: { op: "auto" } } };
}

// ------------------------------------------------------------------------------ output engine

const ALIGN_LEFT = 0, ALIGN_RIGHT = 2;
const COL_NETID = 0, COL_STATE = 1, COL_RECVQ = 2, COL_SENDQ = 3, COL_ADDR = 4, COL_EXT = 8, COL_MAX = 10;

interface Column { align: number; header: string; ldelim: string; disabled: boolean; width: number; maxLen: number }

/** ss.c: the field buffer (out(), field_next(), field_set()) and render() */
class Output {
  cols: Column[] = [
    { align: ALIGN_LEFT, header: "Netid", ldelim: "", disabled: false, width: 0, maxLen: 0 },
    { align: ALIGN_LEFT, header: "State", ldelim: " ", disabled: false, width: 0, maxLen: 0 },
    { align: ALIGN_LEFT, header: "Recv-Q", ldelim: " ", disabled: false, width: 0, maxLen: 0 },
    { align: ALIGN_LEFT, header: "Send-Q", ldelim: " ", disabled: false, width: 0, maxLen: 0 },
    { align: ALIGN_RIGHT, header: "Local Address:", ldelim: " ", disabled: false, width: 0, maxLen: 0 },
    { align: ALIGN_LEFT, header: "Port", ldelim: "", disabled: false, width: 0, maxLen: 0 },
    { align: ALIGN_RIGHT, header: "Peer Address:", ldelim: " ", disabled: false, width: 0, maxLen: 0 },
    { align: ALIGN_LEFT, header: "Port", ldelim: "", disabled: false, width: 0, maxLen: 0 },
    { align: ALIGN_LEFT, header: "Process", ldelim: "", disabled: false, width: 0, maxLen: 0 },
    { align: ALIGN_LEFT, header: "", ldelim: "", disabled: false, width: 0, maxLen: 0 },
  ];
  private cur = 0;
  private tokens: string[] = [];
  /** the current (unflushed) token; undefined until the buffer exists */
  private tok: string | undefined;

  out(s: string): void {
    if (this.cols[this.cur]!.disabled) return;
    this.tok = (this.tok ?? "") + s;
  }

  private flush(): void {
    const f = this.cols[this.cur]!;
    if (f.disabled) return;
    const t = this.tok ?? "";
    if (t.length > f.maxLen) f.maxLen = t.length;
    this.tokens.push(t);
    this.tok = "";
  }

  next(): void {
    this.flush();
    this.cur = this.cur === COL_MAX - 1 ? 0 : this.cur + 1;
  }

  set(id: number): void {
    while (this.cur !== id) this.next();
  }

  header(): void {
    while (this.cur !== COL_MAX - 1) {
      if (!this.cols[this.cur]!.disabled) this.out(this.cols[this.cur]!.header);
      this.next();
    }
  }

  /** render_calc_width() */
  private calcWidth(screenWidth: number): void {
    const compact = screenWidth === -1;
    const sw = compact ? Number.MAX_SAFE_INTEGER : screenWidth;
    let first = true;
    for (const c of this.cols) {
      if (c.disabled) continue;
      c.width = !first && c.maxLen ? c.maxLen + c.ldelim.length : c.maxLen;
      c.width = Math.min(c.width, sw);
      if (c.width) first = false;
    }
    if (compact) return;
    let len = 0;
    let linecols = 0;
    let eol = -1;
    for (let i = 0; i < COL_MAX; i++) {
      const c = this.cols[i]!;
      if (!c.width) continue;
      linecols++;
      len += c.width;
      let last = true;
      for (let j = i + 1; j < COL_MAX; j++) if (this.cols[j]!.width) { last = false; break; }
      if (!last && len < sw) continue;
      if (len !== sw) {
        if (len > sw) {
          len -= c.width;
          i--;
          linecols--;
        }
        const pad = sw - len;
        const spacing = Math.floor(pad / linecols);
        let rem = pad % linecols;
        for (let j = i; j > eol; j--) {
          const t = this.cols[j]!;
          if (!t.width) continue;
          t.width += spacing;
          if (rem) {
            t.width++;
            rem--;
          }
        }
      }
      eol = i;
      len = 0;
      linecols = 0;
    }
  }

  /** render() */
  render(screenWidth: number): string {
    if (this.tok === undefined && this.tokens.length === 0) return "";
    const all = [...this.tokens, this.tok ?? ""];
    this.calcWidth(screenWidth);
    let o = "";
    let f = 0;
    while (f < COL_MAX - 1 && !this.cols[f]!.width) f++;
    let lineStarted = false;
    for (const t of all) {
      const c = this.cols[f]!;
      let printed = 0;
      if (lineStarted) {
        o += c.ldelim;
        printed = c.ldelim.length;
      }
      lineStarted = true;
      if (c.width && c.align !== ALIGN_LEFT) {
        const s = c.width - t.length - printed;
        if (s > 0) {
          o += " ".repeat(s);
          printed += s;
        }
      }
      o += t;
      printed += t.length;
      if (c.width && c.align !== ALIGN_RIGHT) {
        const s = c.width - printed;
        if (s > 0) o += " ".repeat(s);
      }
      do {
        if (f === COL_MAX - 1) {
          o += "\n";
          f = 0;
          lineStarted = false;
        } else f++;
      } while (this.cols[f]!.disabled);
    }
    if (lineStarted) o += "\n";
    this.tokens = [];
    this.tok = undefined;
    this.cur = 0;
    return o;
  }
}

// ------------------------------------------------------------------------------ main

const SSTATE_NAME = ["UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING"];
const SSTATE_NAMEL = ["UNKNOWN", "established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait", "unconnected", "close-wait", "last-ack", "listening", "closing"];

const USAGE =
  "Usage: ss [ OPTIONS ]\n" +
  "       ss [ OPTIONS ] [ FILTER ]\n" +
  "   -h, --help          this message\n" +
  "   -V, --version       output version information\n" +
  "   -n, --numeric       don't resolve service names\n" +
  "   -r, --resolve       resolve host names\n" +
  "   -a, --all           display all sockets\n" +
  "   -l, --listening     display listening sockets\n" +
  "   -o, --options       show timer information\n" +
  "   -e, --extended      show detailed socket information\n" +
  "   -m, --memory        show socket memory usage\n" +
  "   -p, --processes     show process using socket\n" +
  "   -T, --threads       show thread using socket\n" +
  "   -i, --info          show internal TCP information\n" +
  "       --tipcinfo      show internal tipc socket information\n" +
  "   -s, --summary       show socket usage summary\n" +
  "       --tos           show tos and priority information\n" +
  "       --cgroup        show cgroup information\n" +
  "   -b, --bpf           show bpf filter socket information\n" +
  "   -E, --events        continually display sockets as they are destroyed\n" +
  "   -Z, --context       display task SELinux security contexts\n" +
  "   -z, --contexts      display task and socket SELinux security contexts\n" +
  "   -N, --net           switch to the specified network namespace name\n" +
  "\n" +
  "   -4, --ipv4          display only IP version 4 sockets\n" +
  "   -6, --ipv6          display only IP version 6 sockets\n" +
  "   -0, --packet        display PACKET sockets\n" +
  "   -t, --tcp           display only TCP sockets\n" +
  "   -M, --mptcp         display only MPTCP sockets\n" +
  "   -S, --sctp          display only SCTP sockets\n" +
  "   -u, --udp           display only UDP sockets\n" +
  "   -d, --dccp          display only DCCP sockets\n" +
  "   -w, --raw           display only RAW sockets\n" +
  "   -x, --unix          display only Unix domain sockets\n" +
  "       --tipc          display only TIPC sockets\n" +
  "       --vsock         display only vsock sockets\n" +
  "       --xdp           display only XDP sockets\n" +
  "   -f, --family=FAMILY display sockets of type FAMILY\n" +
  "       FAMILY := {inet|inet6|link|unix|netlink|vsock|tipc|xdp|help}\n" +
  "\n" +
  "   -K, --kill          forcibly close sockets, display what was closed\n" +
  "   -H, --no-header     Suppress header line\n" +
  "   -O, --oneline       socket's data printed on a single line\n" +
  "       --inet-sockopt  show various inet socket options\n" +
  "\n" +
  "   -A, --query=QUERY, --socket=QUERY\n" +
  "       QUERY := {all|inet|tcp|mptcp|udp|raw|unix|unix_dgram|unix_stream|unix_seqpacket|packet|packet_raw|packet_dgram|netlink|dccp|sctp|vsock_stream|vsock_dgram|tipc|xdp}[,QUERY]\n" +
  "\n" +
  "   -D, --diag=FILE     Dump raw information about TCP sockets to FILE\n" +
  "   -F, --filter=FILE   read filter information from FILE\n" +
  "       FILTER := [ state STATE-FILTER ] [ EXPRESSION ]\n" +
  "       STATE-FILTER := {all|connected|synchronized|bucket|big|TCP-STATES}\n" +
  "         TCP-STATES := {established|syn-sent|syn-recv|fin-wait-{1,2}|time-wait|closed|close-wait|last-ack|listening|closing}\n" +
  "          connected := {established|syn-sent|syn-recv|fin-wait-{1,2}|time-wait|close-wait|last-ack|closing}\n" +
  "       synchronized := {established|syn-recv|fin-wait-{1,2}|time-wait|close-wait|last-ack|closing}\n" +
  "             bucket := {syn-recv|time-wait}\n" +
  "                big := {established|syn-sent|fin-wait-{1,2}|closed|close-wait|last-ack|listening|closing}\n";

const LONGOPTS: LongOpt[] = [
  ["numeric", 0, "n"], ["resolve", 0, "r"], ["options", 0, "o"], ["extended", 0, "e"], ["memory", 0, "m"],
  ["info", 0, "i"], ["processes", 0, "p"], ["threads", 0, "T"], ["bpf", 0, "b"], ["events", 0, "E"],
  ["dccp", 0, "d"], ["tcp", 0, "t"], ["sctp", 0, "S"], ["udp", 0, "u"], ["raw", 0, "w"], ["unix", 0, "x"],
  ["tipc", 0, "\u0101"], ["vsock", 0, "\u0100"], ["all", 0, "a"], ["listening", 0, "l"], ["ipv4", 0, "4"],
  ["ipv6", 0, "6"], ["packet", 0, "0"], ["family", 1, "f"], ["socket", 1, "A"], ["query", 1, "A"],
  ["summary", 0, "s"], ["diag", 1, "D"], ["filter", 1, "F"], ["version", 0, "V"], ["help", 0, "h"],
  ["context", 0, "Z"], ["contexts", 0, "z"], ["net", 1, "N"], ["tipcinfo", 0, "\u0102"], ["tos", 0, "\u0103"],
  ["cgroup", 0, "\u0105"], ["kill", 0, "K"], ["no-header", 0, "H"], ["xdp", 0, "\u0104"], ["mptcp", 0, "M"],
  ["oneline", 0, "O"], ["inet-sockopt", 0, "\u0106"],
].map(([name, hasArg, val]) => ({ name: name as string, hasArg: hasArg as 0 | 1, val: val as string }));

class Ss {
  f: Filter = { dbs: 0, states: 0, families: 0n };
  doDefault = true;
  preferredFamily = AF_UNSPEC;
  numeric = false;
  showOptions = false;
  showDetails = 0;
  showProcesses = 0;
  showThreads = 0;
  showHeader = true;
  showMem = false;
  showTcpinfo = false;
  oneline = false;
  resolveHosts = false;
  out = new Output();
  services: { byPort: Map<string, string> } = { byPort: new Map() };
  hosts: Map<string, Uint8Array[]> = new Map();
  /** gethostbyaddr() over /etc/hosts: the first name of an address's first line */
  hostsRev: Map<string, string> = new Map();
  /** the names /etc/hosts gives IPv6 addresses (gethostbyname2(AF_INET6) finds them in files) */
  hosts6: Map<string, Uint8Array[]> = new Map();
  users: { ino: number; task: string; pid: number; fd: number }[] = [];
  portRange: [number, number] | undefined;
  sys: Syscalls;

  constructor(private readonly p: Process) {
    this.sys = p.sys;
  }

  err(s: string): void {
    this.p.stderr.write(s);
  }

  usage(): never {
    this.err(USAGE);
    throw new Exit(255);
  }

  dbSet(db: number, enable: boolean): void {
    if (enable) {
      this.f.states |= DEFAULT_DBS[db]!.states;
      this.f.dbs |= 1 << db;
    } else this.f.dbs &= ~(1 << db);
    this.doDefault = false;
  }

  dbParse(s: string): boolean {
    let enable = true;
    if (s.startsWith("!")) {
      enable = false;
      s = s.slice(1);
    }
    const e = DB_NAMES.find(([n]) => n === s);
    if (!e) return false;
    for (const db of e[1]) this.dbSet(db, enable);
    return true;
  }

  afSet(af: number): void {
    this.f.states |= DEFAULT_AFS.get(af)?.states ?? 0;
    this.f.families |= fam(af);
    this.doDefault = false;
    this.preferredFamily = af;
  }

  mergeDefaults(): void {
    for (let db = 0; db < MAX_DB; db++) {
      if (!(this.f.dbs & (1 << db))) continue;
      if (!(DEFAULT_DBS[db]!.families & this.f.families)) this.f.families |= DEFAULT_DBS[db]!.families;
    }
    for (let af = 0; af < AF_MAX; af++) {
      if (!(this.f.families & fam(af))) continue;
      const d = DEFAULT_AFS.get(af);
      if (d && !(d.dbs & this.f.dbs)) this.f.dbs |= d.dbs;
    }
  }

  scanState(s: string): number {
    const l = s.toLowerCase();
    if (l === "close" || l === "closed") return 1 << SS_CLOSE;
    if (l === "syn-rcv") return 1 << SS_SYN_RECV;
    if (l === "established") return 1 << SS_ESTABLISHED;
    if (l === "all") return SS_ALL;
    if (l === "connected") return SS_ALL & ~((1 << SS_CLOSE) | (1 << SS_LISTEN));
    if (l === "synchronized") return SS_ALL & ~((1 << SS_CLOSE) | (1 << SS_LISTEN) | (1 << SS_SYN_SENT));
    if (l === "bucket") return (1 << SS_SYN_RECV) | (1 << SS_TIME_WAIT);
    if (l === "big") return SS_ALL & ~((1 << SS_SYN_RECV) | (1 << SS_TIME_WAIT));
    for (let i = 0; i < SS_MAX; i++) if (l === SSTATE_NAMEL[i]!.toLowerCase()) return 1 << i;
    this.err(`ss: wrong state name: ${s}\n`);
    throw new Exit(255);
  }

  /** getservbyport() over /etc/services (Debian netbase's tcp and udp entries; names go through lib getservbyname()) */
  loadServices(): void {
    for (const proto of ["tcp", "udp"]) {
      for (const [port, name] of Object.entries(SERVICES[proto] ?? {})) {
        this.services.byPort.set(`${port}/${proto}`, name);
      }
    }
  }

  /** the filter parser over this run's filter state (its family callback and device names) */
  private filterParser(env: FilterEnv): FilterParser {
    const parser = new FilterParser(this.f, env, () => this.preferredFamily, (af) => {
      const states = this.f.states;
      this.f.families = 0n;
      this.afSet(af);
      if (states) this.f.states = states;
    });
    /* xll_name_to_index() */
    parser.devIndex = (name) => {
      if (name.includes("/")) return 0;
      const t = this.sys.fs.read(`/sys/class/net/${name}/ifindex`);
      return typeof t === "string" ? Number(t.trim()) || 0 : 0;
    };
    return parser;
  }

  async loadHosts(): Promise<void> {
    const text = (await this.p.readFile("/etc/hosts")) ?? "";
    for (const line of text.split("\n")) {
      const w = line.replace(/#.*$/, "").trim().split(/\s+/);
      if (w.length < 2) continue;
      const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(w[0]!);
      if (!m) {
        const a6 = w[0]!.includes(":") ? inetPton6(w[0]!) : undefined;
        if (a6) for (const n of w.slice(1)) this.hosts6.set(n.toLowerCase(), [...(this.hosts6.get(n.toLowerCase()) ?? []), a6]);
        continue;
      }
      const a = Uint8Array.from([Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])]);
      const key = a.join(".");
      if (!this.hostsRev.has(key)) this.hostsRev.set(key, w[1]!);
      for (const n of w.slice(1)) {
        const l = this.hosts.get(n.toLowerCase()) ?? [];
        l.push(a);
        this.hosts.set(n.toLowerCase(), l);
      }
    }
  }

  /** is_ephemeral(): ip_local_port_range (1024-4999 when it cannot be read) */
  isEphemeral(port: number): boolean {
    if (!this.portRange) {
      const t = this.sys.fs.read("/proc/sys/net/ipv4/ip_local_port_range");
      const m = typeof t === "string" ? /^\s*(\d+)\s+(\d+)/.exec(t) : null;
      this.portRange = m ? [Number(m[1]), Number(m[2])] : [1024, 4999];
    }
    return port >= this.portRange[0] && port <= this.portRange[1];
  }

  /** resolve_service() */
  resolveService(port: number, proto: string): string {
    if (port === 0) return "*";
    if (this.numeric) return String(port);
    if (proto === "raw") return inetProtoN2a(port);
    if (!this.isEphemeral(port)) {
      const n = this.services.byPort.get(`${port}/${proto}`);
      if (n !== undefined) return n;
    }
    return String(port);
  }

  /** user_ent_hash_build(): every /proc/PID/fd/N that is a socket */
  userEntHashBuild(): void {
    /* /proc/PID is the pid namespace's: -N switched the network namespace only */
    const fs = this.p.sys.fs;
    const pids = fs.readdir("/proc");
    if (!Array.isArray(pids)) return;
    for (const pid of pids) {
      if (!/^\d/.test(pid)) continue;
      const fds = fs.readdir(`/proc/${pid}/fd`);
      if (!Array.isArray(fds)) continue;
      let task: string | undefined;
      for (const fd of fds) {
        if (!/^\d/.test(fd)) continue;
        const lnk = fs.readlink?.(`/proc/${pid}/fd/${fd}`);
        if (typeof lnk !== "string") continue;
        const m = /^socket:\[(\d+)\]/.exec(lnk.slice(0, 63));
        if (!m) continue;
        if (task === undefined) {
          /* fscanf(/proc/PID/stat, "%*d (%[^)])"): the task's comm */
          const st = fs.read(`/proc/${pid}/stat`);
          if (typeof st === "string") task = /^\d+ \(([^)]*)/.exec(st)?.[1] ?? "";
          else {
            const comm = fs.read(`/proc/${pid}/comm`);
            task = typeof comm === "string" ? comm.replace(/\n$/, "").slice(0, 15) : "";
          }
        }
        this.users.push({ ino: Number(m[1]) >>> 0, task, pid: parseInt(pid, 10), fd: parseInt(fd, 10) });
      }
    }
  }

  /** find_entry(..., USERS): newest first, as the hash chains hold them */
  findEntry(ino: number): string | undefined {
    if (!ino) return undefined;
    const hits = this.users.filter((u) => u.ino === ino).reverse();
    if (hits.length === 0) return undefined;
    return hits.map((u) => `("${u.task}",pid=${u.pid},fd=${u.fd})`).join(",");
  }

  /** print_summary() */
  printSummary(): void {
    const s = { socks: 0, tcpTotal: 0, tcpOrphans: 0, tcpTws: 0, tcp4: 0, udp4: 0, raw4: 0, frag4: 0, tcp6: 0, udp6: 0, raw6: 0, frag6: 0 };
    const nums = (rem: string): number[] => rem.trim().split(/\s+/).filter((_, i) => i % 2 === 1).map((x) => parseInt(x, 10) || 0);
    const line = (l: string): void => {
      const m = /^(\S+) (.+)$/.exec(l);
      if (!m) return;
      const v = nums(m[2]!);
      switch (m[1]) {
        case "sockets:": s.socks = v[0] ?? 0; break;
        case "UDP:": s.udp4 = v[0] ?? 0; break;
        case "UDP6:": s.udp6 = v[0] ?? 0; break;
        case "RAW:": s.raw4 = v[0] ?? 0; break;
        case "RAW6:": s.raw6 = v[0] ?? 0; break;
        case "TCP6:": s.tcp6 = v[0] ?? 0; break;
        case "FRAG:": s.frag4 = v[0] ?? 0; break;
        case "FRAG6:": s.frag6 = v[0] ?? 0; break;
        case "TCP:": [s.tcp4, s.tcpOrphans, s.tcpTws, s.tcpTotal] = [v[0] ?? 0, v[1] ?? 0, v[2] ?? 0, v[3] ?? 0]; break;
      }
    };
    const st = this.sys.fs.read("/proc/net/sockstat");
    if (typeof st !== "string") this.err("ss: get_sockstat: No such file or directory\n");
    else {
      for (const l of st.split("\n")) line(l);
      const st6 = this.sys.fs.read("/proc/net/sockstat6");
      if (typeof st6 === "string") for (const l of st6.split("\n")) line(l);
    }
    let estab = 0;
    const snmp = this.sys.fs.read("/proc/net/snmp");
    if (typeof snmp === "string") {
      const ls = snmp.split("\n");
      const k = ls.findIndex((l) => l.startsWith("Tcp:"));
      if (k >= 0 && ls[k + 1]?.startsWith("Tcp:")) {
        const names = ls[k]!.split(" ");
        const vals = ls[k + 1]!.split(" ");
        const i = names.indexOf("CurrEstab");
        if (i > 0) estab = parseInt(vals[i] ?? "0", 10) || 0;
      }
    }
    const pad = (n: number) => String(n).padEnd(9);
    let o = `Total: ${s.socks}\n`;
    o += `TCP:   ${s.tcpTotal + s.tcpTws} (estab ${estab}, closed ${s.tcpTotal - (s.tcp4 + s.tcp6 - s.tcpTws)}, orphaned ${s.tcpOrphans}, timewait ${s.tcpTws})\n`;
    o += "\nTransport Total     IP        IPv6\n";
    o += `RAW\t  ${pad(s.raw4 + s.raw6)} ${pad(s.raw4)} ${pad(s.raw6)}\n`;
    o += `UDP\t  ${pad(s.udp4 + s.udp6)} ${pad(s.udp4)} ${pad(s.udp6)}\n`;
    o += `TCP\t  ${pad(s.tcp4 + s.tcp6)} ${pad(s.tcp4)} ${pad(s.tcp6)}\n`;
    o += `INET\t  ${pad(s.raw4 + s.udp4 + s.tcp4 + s.raw6 + s.udp6 + s.tcp6)} ${pad(s.raw4 + s.udp4 + s.tcp4)} ${pad(s.raw6 + s.udp6 + s.tcp6)}\n`;
    o += `FRAG\t  ${pad(s.frag4 + s.frag6)} ${pad(s.frag4)} ${pad(s.frag6)}\n`;
    o += "\n";
    this.p.stdout.write(o);
  }

  /**
   * inet_show_netlink() for one protocol: AF_INET then (unless -4) AF_INET6 (only AF_INET6
   * with -6); a failed dump is retried once with AF_UNSPEC. rtnl_dump_error() keeps quiet about
   * ENOENT and EOPNOTSUPP (and about everything for protocols above 255).
   */
  inetShow(protocol: number, proto: string): void {
    if (!(this.f.families & INET_FAMS)) return;
    let family = this.preferredFamily === AF_INET6 ? AF_INET6 : AF_INET;
    for (;;) {
      const msgs = this.sys.inetDiag?.({ family, protocol, states: this.f.states, bc: this.f.f ? ssfilterBytecompile(this.f.f) : undefined }) ?? [];
      if ("errno" in msgs) {
        if (msgs.errno !== "ENOENT" && msgs.errno !== "EOPNOTSUPP" && protocol <= 255)
          this.err(`RTNETLINK answers: ${strerror(msgs.errno)}\n`);
        if (family !== AF_UNSPEC) {
          family = AF_UNSPEC;
          continue;
        }
        return;
      }
      for (const r of msgs) {
        if (!(this.f.families & fam(r.family))) continue;
        const s = this.sockstat(r, protocol);
        if (this.f.f && !runSsfilter(this.f.f, s, (p) => this.isEphemeral(p))) continue;
        this.inetShowSock(r, s, proto);
      }
      if (family === AF_INET && this.preferredFamily !== AF_INET) {
        family = AF_INET6;
        continue;
      }
      return;
    }
  }

  private cgInitialized = false;
  private cgCache = new Map<number, string>();

  /** lib/fs.c: find_cgroup2_mount(false) over /proc/mounts */
  findCgroup2Mount(): string | undefined {
    const t = this.sys.fs.read("/proc/mounts");
    if (typeof t !== "string") {
      this.err(`Failed to open mounts file: ${strerror(t.errno)}\n`);
    } else {
      for (const l of t.split("\n")) {
        const w = l.split(" ");
        if (w[2] === "cgroup2") return w[1];
      }
    }
    this.err("Failed to find cgroup2 mount\n");
    return undefined;
  }

  /** lib/cg_map.c: cg_id_to_path() (no cgroup2 hierarchy can be walked here) */
  cgIdToPath(id: number): string {
    if (!this.cgInitialized) {
      this.findCgroup2Mount();
      this.cgInitialized = true;
    }
    const c = this.cgCache.get(id);
    if (c !== undefined) return c;
    /* get_cgroup2_path() */
    const mnt = this.findCgroup2Mount();
    if (mnt !== undefined) {
      if (!Array.isArray(this.sys.fs.readdir(mnt))) this.err("Failed to open cgroup2 mount\n");
      else this.err("Failed to open cgroup2 by ID\n");
    }
    return `unreachable:${id.toString(16)}`;
  }

  sockstat(r: InetDiagMsg, protocol: number): SockStat {
    const be = (a: number) => Uint8Array.from([a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff]);
    return {
      state: r.state, family: r.family, local: r.src6 ?? be(r.src), remote: r.dst6 ?? be(r.dst), lport: r.sport, rport: r.dport,
      iface: r.ifindex, mark: r.mark ?? 0, rq: r.rqueue, wq: r.wqueue, ino: r.inode, uid: r.uid, sk: r.cookie,
      type: protocol,
    };
  }

  /** inet_show_sock() */
  inetShowSock(r: InetDiagMsg, s: SockStat, proto: string): void {
    const o = this.out;
    s.type = r.protocol;
    /* sock_state_print() */
    const name = s.type === 0 ? "raw" : s.type === IPPROTO_UDP ? "udp" : s.type === IPPROTO_TCP ? "tcp" : s.type === 262 ? "mptcp" : s.type === 132 ? "sctp" : s.type === 33 ? "dccp" : s.type === 58 ? "icmp6" : "???";
    o.set(COL_NETID);
    o.out(name);
    o.set(COL_STATE);
    o.out(SSTATE_NAME[s.state] ?? "UNKNOWN");
    o.set(2);
    o.out(String(s.rq).padEnd(6));
    o.set(3);
    o.out(String(s.wq).padEnd(6));
    o.set(COL_ADDR);
    /* format_host(): the name with -r, else the number */
    /* inet_addr_print(): an IPv6 address bracketed, :: as * unless the socket is v6only */
    const ntoa = (a: Uint8Array) => {
      if (a.length === 16) {
        if (!r.v6only && a.every((x) => x === 0)) return "*";
        const n = inetNtop6(a);
        return `[${(this.resolveHosts && this.hostsRev.get(n)) || n}]`;
      }
      const n = `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
      return (this.resolveHosts && this.hostsRev.get(n)) || n;
    };
    const addrPrint = (a: Uint8Array, port: number, ifindex: number) => {
      const ifname = ifindex ? this.ifName(ifindex) : undefined;
      o.out(ifname ? `${ntoa(a)}%${ifname}:` : `${ntoa(a)}:`);
      o.next();
      o.out(this.resolveService(port, proto));
      o.next();
    };
    addrPrint(s.local, s.lport, s.iface);
    addrPrint(s.remote, s.rport, 0);
    /* proc_ctx_print() */
    if (this.showProcesses || this.showThreads) {
      const u = this.findEntry(s.ino);
      if (u) o.out(` users:(${u})`);
    }
    if (this.showOptions && r.timer) {
      const names = ["off", "on", "keepalive", "timewait", "persist", "unknown"];
      o.out(` timer:(${names[Math.min(r.timer, 5)]},${printMsTimer(r.expires)},${r.retrans})`);
    }
    if (this.showDetails) {
      if (s.uid) o.out(` uid:${s.uid}`);
      o.out(` ino:${s.ino}`);
      o.out(` sk:${s.sk.toString(16)}`);
      if (s.mark) o.out(` fwmark:0x${s.mark.toString(16)}`);
      if (r.cgroupId) o.out(` cgroup:${this.cgIdToPath(r.cgroupId)}`);
      if (r.shutdown !== undefined) o.out(` ${r.shutdown & 1 ? "-" : "<"}-${r.shutdown & 2 ? "-" : ">"}`);
    }
    if (this.showMem || (this.showTcpinfo && s.type !== IPPROTO_UDP)) {
      if (!this.oneline) o.out("\n\t");
      /* tcp_show_info(): print_skmeminfo() (no tcp_info is modelled) */
      if (this.showMem && r.skmem) {
        const m = r.skmem;
        o.out(` skmem:(r${m[0]},rb${m[1]},t${m[2]},tb${m[3]},f${m[4]},w${m[5]},o${m[6]},bl${m[7]},d${m[8]})`);
      }
    }
  }

  /** ll_index_to_name() */
  ifName(ifindex: number): string {
    const fs = this.sys.fs;
    const names = fs.readdir("/sys/class/net");
    if (Array.isArray(names)) {
      for (const n of names) {
        const t = fs.read(`/sys/class/net/${n}/ifindex`);
        if (typeof t === "string" && Number(t.trim()) === ifindex) return n;
      }
    }
    return `if${ifindex}`;
  }

  async main(): Promise<number> {
    const p = this.p;
    const { opts, args } = getoptLong(p, ["ss", ...p.argv.slice(1)], "dhaletuwxnro460spTbEf:mMiA:D:F:vVzZN:KHSO", LONGOPTS, {
      // main() acts on each option getopt_long() returns: the first bad one is usage(), -h and
      // -V exit at once, and the rest of the line is never read
      stopAtError: true,
      stopAt: "hvV",
    });
    let stateFilter = 0;
    let sawStates = false;
    let sawQuery = false;
    let doSummary = false;
    let filterFile: string | undefined;
    for (const [ch, optarg] of opts) {
      switch (ch) {
        case "n": this.numeric = true; break;
        case "o": this.showOptions = true; break;
        case "e": this.showOptions = true; this.showDetails++; break;
        case "m": this.showMem = true; break;
        case "i": this.showTcpinfo = true; break;
        case "O": this.oneline = true; break;
        case "r": this.resolveHosts = true; break;
        case "E": case "K": case "\u0102": case "\u0103": case "\u0105": case "\u0106": break;
        case "p": this.showProcesses++; break;
        case "T": this.showThreads++; break;
        case "b": this.showOptions = true; break;
        case "d": this.dbSet(DCCP_DB, true); break;
        case "t": this.dbSet(TCP_DB, true); break;
        case "S": this.dbSet(SCTP_DB, true); break;
        case "u": this.dbSet(UDP_DB, true); break;
        case "w": this.dbSet(RAW_DB, true); break;
        case "x": this.afSet(AF_UNIX); break;
        case "\u0100": this.afSet(AF_VSOCK); break;
        case "\u0101": this.afSet(AF_TIPC); break;
        case "a": stateFilter = SS_ALL; break;
        case "l": stateFilter = (1 << SS_LISTEN) | (1 << SS_CLOSE); break;
        case "4": this.afSet(AF_INET); break;
        case "6": this.afSet(AF_INET6); break;
        case "0": this.afSet(AF_PACKET); break;
        case "\u0104": this.afSet(AF_XDP); break;
        case "M": this.dbSet(MPTCP_DB, true); break;
        case "f": {
          const m: Record<string, number> = { inet: AF_INET, inet6: AF_INET6, link: AF_PACKET, unix: AF_UNIX, netlink: AF_NETLINK, tipc: AF_TIPC, vsock: AF_VSOCK, xdp: AF_XDP };
          if (optarg! in m) this.afSet(m[optarg!]!);
          else if (optarg === "help") {
            p.stdout.write(USAGE);
            return 0;
          } else {
            this.err(`ss: "${optarg}" is invalid family\n`);
            this.usage();
          }
          break;
        }
        case "A": {
          if (!sawQuery) {
            this.f.dbs = 0;
            stateFilter = stateFilter ? stateFilter : SS_CONN;
            sawQuery = true;
            this.doDefault = false;
          }
          for (const q of optarg!.split(",")) {
            if (!this.dbParse(q)) {
              this.err(`ss: "${q}" is illegal socket table id\n`);
              this.usage();
            }
          }
          break;
        }
        case "s": doSummary = true; break;
        case "D": break;
        case "F":
          if (filterFile !== undefined) {
            this.err("More than one filter file\n");
            throw new Exit(255);
          }
          filterFile = optarg!;
          break;
        case "v": case "V":
          p.stdout.write(`ss utility, iproute2-${VERSION}\n`);
          return 0;
        case "z": case "Z":
          this.err("ss: SELinux is not enabled.\n");
          return 1;
        case "N": {
          const ns = this.sys.netnsEnter(optarg!);
          if ("errno" in ns) {
            this.err(`Cannot open network namespace "${optarg}": No such file or directory\n`);
            return 1;
          }
          this.sys = ns;
          break;
        }
        case "H": this.showHeader = false; break;
        case "h":
          p.stdout.write(USAGE);
          return 0;
        default:
          this.usage();
      }
    }
    if (this.showProcesses || this.showThreads) this.userEntHashBuild();

    let rest = args;
    if (doSummary) {
      this.printSummary();
      if (this.doDefault && rest.length === 0) return 0;
    }
    while (rest.length > 0) {
      if (rest[0] === "state") {
        if (rest.length < 2) {
          this.err('Command line is not complete. Try option "help"\n');
          return 255;
        }
        if (!sawStates) stateFilter = 0;
        stateFilter |= this.scanState(rest[1]!);
        sawStates = true;
      } else if (rest[0] === "exclude" || rest[0] === "excl") {
        if (rest.length < 2) {
          this.err('Command line is not complete. Try option "help"\n');
          return 255;
        }
        if (!sawStates) stateFilter = SS_ALL;
        stateFilter &= ~this.scanState(rest[1]!);
        sawStates = true;
      } else break;
      rest = rest.slice(2);
    }
    if (this.doDefault) {
      stateFilter = stateFilter ? stateFilter : SS_CONN;
      this.dbParse("all");
    }
    if (stateFilter) this.f.states = stateFilter;
    this.mergeDefaults();

    if (this.f.dbs === 0) {
      this.err("ss: no socket tables to show with such filter.\n");
      return 0;
    }
    if (this.f.families === 0n) {
      this.err("ss: no families to show with such filter.\n");
      return 0;
    }
    if (this.f.states === 0) {
      this.err("ss: no socket states to show with such filter.\n");
      return 0;
    }

    let filterArgs = rest;
    if (filterFile !== undefined) {
      const text = filterFile.startsWith("-") ? p.stdin : await p.readFile(filterFile);
      if (text === undefined) {
        this.err("fopen filter file: No such file or directory\n");
        return 255;
      }
      filterArgs = [...rest, ...text.split("\n").filter((l) => l !== "" && l[0] !== "#" && l[0] !== "0")];
    }
    this.loadServices();
    await this.loadHosts();
    // The parser is synchronous and a name may need DNS (gethostbyname2's nss "dns" after
    // "files"): it runs until its next lookup that has no answer yet, which is then sent (the
    // queries go out as ss sends them, in order, one per lookup) and the parse starts over
    // from the same state with one more answer.
    const dns: (Uint8Array[] | undefined)[] = [];
    const start = { dbs: this.f.dbs, states: this.f.states, families: this.f.families };
    let lookups = 0;
    const env: FilterEnv = {
      servByName: getservbyname,
      hostByName: (n, af) => {
        // digits and dots are an address (nss's digits_dots, inet_aton()); not an IPv6 one
        if (/^[0-9.]+$/.test(n) && !n.endsWith(".")) {
          if (af !== AF_INET) return undefined;
          const a = inetAton(n);
          return a === undefined ? undefined : [new Uint8Array([a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255])];
        }
        const files = (af === AF_INET ? this.hosts : this.hosts6).get(n.toLowerCase());
        if (files) return files;
        const i = lookups++;
        if (i < dns.length) return dns[i];
        throw new DnsPending(n, af);
      },
    };
    let parser: FilterParser;
    for (;;) {
      parser = this.filterParser(env);
      try {
        this.f.f = parser.parse(filterArgs);
        break;
      } catch (e: unknown) {
        if (!(e instanceof DnsPending)) {
          if (!(e instanceof SsExit)) throw e;
          this.err(e.msg);
          if (e.code === -1) this.usage();
          return e.code;
        }
        const r = await StubResolver.load(p);
        if (e.af === AF_INET) {
          const a = await r.gethostbyname(e.name, false, true);
          dns.push(typeof a === "string" ? undefined : a.addrs.map((x: number) => new Uint8Array([x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255])));
        } else {
          await r.gethostbyname6(e.name, true);
          dns.push(undefined);
        }
        Object.assign(this.f, start);
        lookups = 0;
      }
    }

    if (!(this.f.dbs & (this.f.dbs - 1))) this.out.cols[COL_NETID]!.disabled = true;
    if (!(this.f.states & (this.f.states - 1))) this.out.cols[COL_STATE]!.disabled = true;
    if (this.showHeader) this.out.header();

    if (this.f.dbs & (1 << RAW_DB)) this.inetShow(IPPROTO_RAW, "raw");
    if (this.f.dbs & (1 << UDP_DB)) this.inetShow(IPPROTO_UDP, "udp");
    if (this.f.dbs & (1 << TCP_DB)) this.inetShow(IPPROTO_TCP, "tcp");
    if (this.f.dbs & (1 << DCCP_DB)) this.inetShow(IPPROTO_DCCP, "dccp");
    if (this.f.dbs & (1 << SCTP_DB)) this.inetShow(IPPROTO_SCTP, "sctp");
    if (this.f.dbs & (1 << MPTCP_DB)) this.inetShow(IPPROTO_MPTCP, "tcp");

    p.stdout.write(this.out.render(p.isatty ? 80 : -1));
    return 0;
  }
}

/** print_ms_timer() */
function printMsTimer(timeout: number): string {
  let secs = Math.floor(timeout / 1000);
  const minutes = Math.floor(secs / 60);
  secs %= 60;
  let msecs = timeout % 1000;
  let buf = "";
  if (minutes) {
    msecs = 0;
    buf = `${minutes}min`;
    if (minutes > 9) secs = 0;
  }
  if (secs) {
    if (secs > 9) msecs = 0;
    buf += `${secs}${msecs ? "." : "sec"}`;
  }
  if (msecs) buf += String(msecs).padStart(3, "0") + "ms";
  return buf;
}

export async function ss(p: Process): Promise<number> {
  try {
    return await new Ss(p).main();
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  }
}
