/**
 * libpcap 1.10.3's filter language (grammar.y + scanner.l + gencode.c), compiled once into a
 * predicate over a captured frame instead of into BPF: primitives with their qualifiers
 * (proto: ether ip ip6 arp rarp tcp udp icmp icmp6 igmp sctp; dir: src dst "src or dst"
 * "src and dst"; type: host net port portrange proto), the implicit qualifier inheritance of
 * a bare id ("host a or b"), and/or (equal precedence, left associative), not/!, parentheses,
 * `vlan [id]` (shifts every later primitive by the tag, as gencode does), less/greater,
 * broadcast/multicast, and relational expressions over packet bytes (ip[8] = 1,
 * icmp[icmptype] = icmp-echoreply, tcp[tcpflags] & tcp-syn != 0).
 *
 * Errors are libpcap's texts; tcpdump prints them as "tcpdump: <text>" and exits 1.
 */

export class FilterError extends Error {}
/** an error raised while parsing (grammar.y: YYABORT), not deferred to the end */
class SyntaxErr extends FilterError {
  constructor(msg = "can't parse filter expression: syntax error") {
    super(msg);
  }
}

/** what the predicate reads: the frame and where its link-layer header ends */
export interface Pkt {
  b: Uint8Array;
  /** original length (len/less/greater) */
  len: number;
  /** offset of the ethertype field (12 for Ethernet, 0 for SLL2's protocol) */
  typeOff: number;
  /** offset of the network header without VLAN tags (14, 20 for SLL2) */
  nlOff: number;
}

type Pred = (p: Pkt, vlanShift: number) => boolean;
type Arith = (p: Pkt, vlanShift: number) => number | undefined;

export interface Resolver {
  host(name: string): number | undefined;
  service(name: string, proto: "tcp" | "udp"): number | undefined;
}

const ETHERTYPE_IP = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_REVARP = 0x8035;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_8021Q = 0x8100;

const PROTO_NUM: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, icmp6: 58, sctp: 132, ah: 51, esp: 50, pim: 103, vrrp: 112, gre: 47 };
const ETHER_PROTO_NAMES: Record<string, number> = { ip: 0x0800, ip6: 0x86dd, arp: 0x0806, rarp: 0x8035 };

const CONSTANTS: Record<string, number> = {
  icmptype: 0,
  icmpcode: 1,
  "icmp-echoreply": 0,
  "icmp-unreach": 3,
  "icmp-sourcequench": 4,
  "icmp-redirect": 5,
  "icmp-echo": 8,
  "icmp-routeradvert": 9,
  "icmp-routersolicit": 10,
  "icmp-timxceed": 11,
  "icmp-paramprob": 12,
  "icmp-tstamp": 13,
  "icmp-tstampreply": 14,
  "icmp-ireq": 15,
  "icmp-ireqreply": 16,
  "icmp-maskreq": 17,
  "icmp-maskreply": 18,
  tcpflags: 13,
  "tcp-fin": 0x01,
  "tcp-syn": 0x02,
  "tcp-rst": 0x04,
  "tcp-push": 0x08,
  "tcp-ack": 0x10,
  "tcp-urg": 0x20,
  "tcp-ece": 0x40,
  "tcp-cwr": 0x80,
  icmp6type: 0,
  icmp6code: 1,
};

const PROTOS = new Set(["ether", "ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "igmp", "sctp", "link", "fddi", "tr", "wlan"]);
const DIRS = new Set(["src", "dst"]);
const TYPES = new Set(["host", "net", "port", "portrange", "proto", "gateway"]);

/**
 * scanner.l's keywords that no production here takes where a term or an id may stand (pflog's
 * fields, ATM's vpi/vci, 802.11's type/subtype/dir/addrN, ifindex, hsls …): the token is not
 * an ID, so grammar.y fails on it with a plain syntax error (`ip and on`), not as a host name.
 */
const RESERVED = new Set([
  "on", "ifname", "rnr", "rulenum", "reason", "rset", "ruleset", "srnr", "subrulenum", "action",
  "ifindex", "vpi", "vci", "type", "subtype", "direction", "dir", "address1", "addr1", "address2",
  "addr2", "address3", "addr3", "address4", "addr4", "length", "hsls",
]);

// ------------------------------------------------------------------------------ scanner

function tokenize(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  let depth = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (["&&", "||", "<=", ">=", "!=", "==", "<<", ">>"].includes(two)) {
      out.push(two);
      i += 2;
      continue;
    }
    // a V6 literal that starts with "::" is one token (scanner.l's V6 patterns)
    if (ch === ":" && s[i + 1] === ":" && depth === 0) {
      const v6 = /^[0-9a-fA-F:.]+/.exec(s.slice(i))![0];
      if (isV6Literal(v6)) {
        out.push(v6);
        i += v6.length;
        continue;
      }
    }
    if ("()[]:!=<>+-*/&|^%".includes(ch)) {
      if (ch === "[") depth++;
      else if (ch === "]") depth--;
      out.push(ch);
      i++;
      continue;
    }
    // scanner.l: a backslash makes a keyword an identifier ("ether proto \\ip")
    let esc = "";
    if (ch === "\\") {
      esc = "\\";
      i++;
    }
    const m = /^[A-Za-z0-9_.\-/:]+/.exec(s.slice(i));
    if (!m) throw new FilterError("can't parse filter expression: syntax error");
    let w = m[0];
    // a ':' belongs to the token only in MAC and IPv6 literals, and in `{B}:+({B}:+)+` (the
    // scanner's bogus ethernet address, up to its last colon); "aa:bb" is "aa" ':' "bb"
    if (w.includes(":")) {
      const mac = /^([0-9a-fA-F]{1,2}:){5}[0-9a-fA-F]{1,2}$/.test(w);
      const bogus = /^([0-9a-fA-F]{1,2}:+){2,}/.exec(w);
      if (depth > 0 || (!mac && !isV6Literal(w))) w = bogus && depth === 0 ? bogus[0] : w.slice(0, w.indexOf(":"));
    }
    // scanner.l: a number is a NUM up to a '/' (only a dotted HID takes "/len": "10/8" is arithmetic)
    const num = /^(0[xX][0-9a-fA-F]+|\d+)\//.exec(w);
    if (num) w = num[1]!;
    // '-' inside a word stays (portrange 1-2, icmp-echo); a trailing one is an operator
    while (w.length > 1 && w.endsWith("-")) w = w.slice(0, -1);
    out.push(esc + w);
    i += w.length;
  }
  return out;
}

// ------------------------------------------------------------------------------ helpers

const u8 = (p: Pkt, o: number): number | undefined => (o >= 0 && o < p.b.length ? p.b[o] : undefined);
const u16 = (p: Pkt, o: number): number | undefined => (o >= 0 && o + 2 <= p.b.length ? (p.b[o]! << 8) | p.b[o + 1]! : undefined);
const u32 = (p: Pkt, o: number): number | undefined =>
  o >= 0 && o + 4 <= p.b.length ? ((p.b[o]! << 24) | (p.b[o + 1]! << 16) | (p.b[o + 2]! << 8) | p.b[o + 3]!) >>> 0 : undefined;

function etype(p: Pkt, sh: number): number | undefined {
  return u16(p, p.typeOff + sh);
}
function nl(p: Pkt, sh: number): number {
  return p.nlOff + sh;
}
function isIp(p: Pkt, sh: number): boolean {
  return etype(p, sh) === ETHERTYPE_IP;
}
function isIp6(p: Pkt, sh: number): boolean {
  return etype(p, sh) === ETHERTYPE_IPV6;
}
function ipProto(p: Pkt, sh: number): number | undefined {
  return u8(p, nl(p, sh) + 9);
}
/** the transport header of an unfragmented (offset 0) IPv4 packet */
function ipTransport(p: Pkt, sh: number): number | undefined {
  const o = nl(p, sh);
  const off = u16(p, o + 6);
  if (off === undefined || off & 0x1fff) return undefined;
  const vhl = u8(p, o);
  if (vhl === undefined) return undefined;
  return o + (vhl & 0xf) * 4;
}
function ip6Nh(p: Pkt, sh: number): number | undefined {
  return u8(p, nl(p, sh) + 6);
}

/** scanner.l's V6 forms: eight groups, or fewer around one "::", an IPv4 tail allowed */
function isV6Literal(w: string): boolean {
  const halves = w.split("::");
  if (halves.length > 2) return false;
  const groups = (x: string) => (x === "" ? [] : x.split(":"));
  const all = halves.flatMap(groups);
  let n = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(last)) n++;
  else if (last !== undefined && !/^[0-9a-fA-F]{1,4}$/.test(last)) return false;
  if (all.slice(0, -1).some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? n <= 7 : n === 8;
}

const BOGUS_EID_RE = /^([0-9a-fA-F]{1,2}:+){2,}$/;

/** scanner.l's N: a NUM token (decimal, 0x hex, or 0-prefixed octal) */
const NUM_RE = /^(\d+|0[xX][0-9a-fA-F]+)$/;
/** scanner.l: ({N}\.{N})|({N}\.{N}\.{N})|({N}\.{N}\.{N}\.{N}) — a HID token */
const HID_RE = /^(\d+|0[xX][0-9a-fA-F]+)(\.(\d+|0[xX][0-9a-fA-F]+)){1,3}$/;

/** scanner.l: stou(): a NUM's value (its overflow and octal-digit errors are the lexer's) */
function stou(s: string): number {
  if (/^0[xX]/.test(s)) {
    if (s.length - 2 > 8 && !/^0[xX]0*[0-9a-fA-F]{1,8}$/.test(s)) throw new FilterError(`number ${s} overflows 32 bits`);
    return parseInt(s.slice(2), 16) >>> 0;
  }
  if (s.length > 1 && s[0] === "0") {
    if (/[89]/.test(s)) throw new FilterError(`number ${s} contains non-octal digit`);
    const n = parseInt(s, 8);
    if (n > 0xffffffff) throw new FilterError(`number ${s} overflows 32 bits`);
    return n;
  }
  const n = Number(s);
  if (n > 0xffffffff) throw new FilterError(`number ${s} overflows 32 bits`);
  return n;
}

/** nametoaddr.c: __pcap_atoin(): dotted decimal, its length in bits; undefined: -1 */
function pcapAtoin(s: string): { addr: number; bits: number } | undefined {
  let addr = 0;
  let bits = 0;
  for (const part of s.split(".")) {
    let n = 0;
    for (const c of part) {
      if (n > 25) return undefined;
      n = n * 10 + c.charCodeAt(0) - 48;
    }
    if (n > 255) return undefined;
    addr = ((addr << 8) | (n & 0xff)) >>> 0;
    bits += 8;
  }
  return { addr, bits };
}

/** a dotted decimal address of 1-4 parts, promoted to 32 bits ("10.1" is 10.1.0.0), and its
 * length in bits (__pcap_atoin()) */
function parseIpv4(s: string): { addr: number; bits: number } | undefined {
  const v = /^\d+(\.\d+){0,3}$/.test(s) ? pcapAtoin(s) : undefined;
  return v && { addr: promote(v), bits: v.bits };
}

/** gen_ncode()/gen_mcode(): "Promote short ipaddr" (v <<= 32 - vlen) */
function promote(v: { addr: number; bits: number }): number {
  return v.bits === 32 ? v.addr : (v.addr << (32 - v.bits)) >>> 0;
}

function parseIpv6(s: string): Uint8Array | undefined {
  const parts = s.split("::");
  if (parts.length > 2) return undefined;
  const conv = (x: string) => (x === "" ? [] : x.split(":"));
  const head = conv(parts[0]!);
  const tail = parts.length === 2 ? conv(parts[1]!) : [];
  const groups = parts.length === 2 ? [...head, ...Array(8 - head.length - tail.length).fill("0"), ...tail] : head;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const b = new Uint8Array(16);
  groups.forEach((g, k) => {
    const v = parseInt(g, 16);
    b[2 * k] = v >> 8;
    b[2 * k + 1] = v & 255;
  });
  return b;
}

/**
 * scanner.l's MAC (an EID token): six 1-2 digit hex bytes split by ':', '-' or '.', three
 * 4-digit groups split by '.', or twelve hex digits; pcap_ether_aton()'s bytes
 */
function parseMac(s: string): Uint8Array | undefined {
  const B = "([0-9a-fA-F]{1,2})";
  const six = new RegExp(`^${B}([:.-])${B}\\2${B}\\2${B}\\2${B}\\2${B}$`).exec(s);
  let hex: string[];
  if (six) hex = [six[1]!, six[3]!, six[4]!, six[5]!, six[6]!, six[7]!];
  else if (/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(s) || /^[0-9a-fA-F]{12}$/.test(s)) {
    const h = s.replace(/\./g, "");
    hex = [0, 2, 4, 6, 8, 10].map((k) => h.slice(k, k + 2));
  } else return undefined;
  return Uint8Array.from(hex.map((x) => parseInt(x, 16)));
}

// ------------------------------------------------------------------------------ parser

interface Quals {
  proto?: string;
  dir?: string;
  type?: string;
}

/** the arithmetic values that are literal numbers (a BPF_LD|BPF_IMM statement in libpcap) */
const IMMEDIATES = new WeakMap<Arith, number>();

class Parser {
  i = 0;
  /** the qualifiers a bare id inherits (grammar.y's $$.q); undefined after a term that has
   * none (a protocol name, a relation: qerr) */
  last: Quals | undefined = { type: "host" };
  /** bytes of VLAN tags assumed for later primitives */
  shift = 0;

  constructor(
    readonly t: string[],
    readonly r: Resolver,
  ) {}

  peek(k = 0): string | undefined {
    return this.t[this.i + k];
  }
  next(): string {
    const x = this.t[this.i++];
    if (x === undefined) throw new FilterError("can't parse filter expression: syntax error");
    return x;
  }
  expect(x: string): void {
    if (this.next() !== x) throw new FilterError("can't parse filter expression: syntax error");
  }

  parse(): Pred {
    const e = this.expr();
    if (this.i < this.t.length) throw new FilterError("can't parse filter expression: syntax error");
    return e;
  }

  /**
   * expr: term { (and|or) (term|id) } — equal precedence, left associative. A bare id (no
   * qualifier: "host a or b") is grammar.y's `expr and id` / `expr or id`: only after an
   * operator (or first in a parenthesised group that follows one: `paren pid ')'`).
   */
  expr(bareFirst = false): Pred {
    let l = this.term(bareFirst);
    for (;;) {
      const op = this.peek();
      if (op === "and" || op === "&&") {
        this.i++;
        const r = this.term(true);
        const a = l;
        l = (p, s) => a(p, s) && r(p, s);
      } else if (op === "or" || op === "||") {
        this.i++;
        const r = this.term(true);
        const a = l;
        l = (p, s) => a(p, s) || r(p, s);
      } else return l;
    }
  }

  term(bareOk = false): Pred {
    const tk = this.peek();
    if (tk === undefined || RESERVED.has(tk)) throw new FilterError("can't parse filter expression: syntax error");
    if (tk === "not" || tk === "!") {
      this.i++;
      const e = this.term(bareOk);
      return (p, s) => !e(p, s);
    }
    if (tk === "(") {
      // a parenthesised arithmetic relation, or a boolean group
      const save = this.i;
      try {
        const r = this.relation();
        this.last = undefined;
        return r;
      } catch (e) {
        // gen_arth()'s refusals are final; a syntax error means it was a boolean group
        if (!(e instanceof FilterError) || !/syntax error/.test(e.message)) throw e;
        this.i = save;
      }
      this.i++;
      const e = this.expr(bareOk);
      this.expect(")");
      return e;
    }
    // relational expression: proto[...] op ..., len op ..., number op ...
    if ((PROTOS.has(tk) && this.peek(1) === "[") || tk === "len" || tk === "-" || /^\d/.test(tk) && ["=", "==", "!=", "<", ">", "<=", ">=", "&", "+", "-", "*", "/", "|", "%", "^", "<<", ">>"].includes(this.peek(1) ?? "")) {
      const r = this.relation();
      this.last = undefined;
      return r;
    }
    return this.primitive(bareOk);
  }

  // ---------------------------------------------------------------- relations

  relation(): Pred {
    const a = this.arith();
    const op = this.next();
    if (!["=", "==", "!=", "<", ">", "<=", ">="].includes(op)) throw new FilterError("can't parse filter expression: syntax error");
    const b = this.arith();
    return (p, s) => {
      const x = a(p, s);
      const y = b(p, s);
      if (x === undefined || y === undefined) return false;
      switch (op) {
        case "=":
        case "==":
          return x === y;
        case "!=":
          return x !== y;
        case "<":
          return x < y;
        case ">":
          return x > y;
        case "<=":
          return x <= y;
        default:
          return x >= y;
      }
    };
  }

  arith(): Arith {
    let l = this.arithTerm();
    for (;;) {
      const op = this.peek();
      if (op === "+" || op === "-" || op === "|" || op === "^") {
        this.i++;
        const r = this.arithTerm();
        const a = l;
        l = (p, s) => {
          const x = a(p, s);
          const y = r(p, s);
          if (x === undefined || y === undefined) return undefined;
          return (op === "+" ? x + y : op === "-" ? x - y : op === "|" ? x | y : x ^ y) >>> 0;
        };
      } else return l;
    }
  }

  arithTerm(): Arith {
    let l = this.arithFactor();
    for (;;) {
      const op = this.peek();
      if (op === "*" || op === "/" || op === "&" || op === "%" || op === "<<" || op === ">>") {
        this.i++;
        const r = this.arithFactor();
        // gen_arth(): a literal divisor of 0 or shift count over 31 is refused as it is parsed
        const k = IMMEDIATES.get(r);
        if (k === 0 && op === "/") throw new FilterError("division by zero");
        if (k === 0 && op === "%") throw new FilterError("modulus by zero");
        if (k !== undefined && k > 31 && (op === "<<" || op === ">>")) throw new FilterError("shift by more than 31 bits");
        const a = l;
        l = (p, s) => {
          const x = a(p, s);
          const y = r(p, s);
          if (x === undefined || y === undefined) return undefined;
          switch (op) {
            case "*":
              return (x * y) >>> 0;
            case "/":
              return y ? Math.floor(x / y) : undefined;
            case "%":
              return y ? x % y : undefined;
            case "&":
              return (x & y) >>> 0;
            case "<<":
              return (x << y) >>> 0;
            default:
              return x >>> y;
          }
        };
      } else return l;
    }
  }

  arithFactor(): Arith {
    const tk = this.next();
    if (tk === "-") {
      // grammar.y: '-' arth %prec UMINUS (gen_neg: BPF_ALU|BPF_NEG, 32 bits)
      const e = this.arithFactor();
      return (p, s) => {
        const v = e(p, s);
        return v === undefined ? undefined : -v >>> 0;
      };
    }
    if (tk === "(") {
      const e = this.arith();
      this.expect(")");
      return e;
    }
    if (tk === "len") return (p) => p.len;
    if (PROTOS.has(tk) && this.peek() === "[") {
      this.i++;
      const idx = this.arith();
      let size = 1;
      if (this.peek() === ":") {
        this.i++;
        size = Number(this.next());
        if (![1, 2, 4].includes(size)) throw new FilterError("data size must be 1, 2, or 4");
      }
      this.expect("]");
      const base = this.protoBase(tk);
      return (p, s) => {
        const b = base(p, s);
        const k = idx(p, s);
        if (b === undefined || k === undefined) return undefined;
        return size === 1 ? u8(p, b + k) : size === 2 ? u16(p, b + k) : u32(p, b + k);
      };
    }
    const v = numOrConst(tk);
    if (v === undefined) throw new FilterError("can't parse filter expression: syntax error");
    const k: Arith = () => v;
    IMMEDIATES.set(k, v);
    return k;
  }

  /** where proto[...] indexes from; undefined when the packet is not that protocol */
  protoBase(proto: string): (p: Pkt, s: number) => number | undefined {
    switch (proto) {
      case "ether":
      case "link":
        return () => 0;
      case "ip":
        return (p, s) => (isIp(p, s) ? nl(p, s) : undefined);
      case "ip6":
        return (p, s) => (isIp6(p, s) ? nl(p, s) : undefined);
      case "arp":
        return (p, s) => (etype(p, s) === ETHERTYPE_ARP ? nl(p, s) : undefined);
      case "rarp":
        return (p, s) => (etype(p, s) === ETHERTYPE_REVARP ? nl(p, s) : undefined);
      case "tcp":
      case "udp":
      case "icmp":
      case "igmp":
      case "sctp": {
        const n = PROTO_NUM[proto]!;
        return (p, s) => (isIp(p, s) && ipProto(p, s) === n ? ipTransport(p, s) : undefined);
      }
      case "icmp6":
        return (p, s) => (isIp6(p, s) && ip6Nh(p, s) === 58 ? nl(p, s) + 40 : undefined);
      default:
        throw new FilterError(`'${proto}' modifier applied to packet data`);
    }
  }

  // ---------------------------------------------------------------- primitives

  primitive(bareOk = false): Pred {
    const q: Quals = {};
    let sawQual = false;
    // qualifiers: [proto] [dir [or|and dir]] [type]
    for (;;) {
      const tk = this.peek();
      if (tk === undefined) break;
      if (PROTOS.has(tk) && q.proto === undefined && q.dir === undefined && q.type === undefined) {
        q.proto = tk;
        this.i++;
        sawQual = true;
        continue;
      }
      if (DIRS.has(tk) && q.dir === undefined && q.type === undefined) {
        this.i++;
        q.dir = tk;
        const c = this.peek();
        const d2 = this.peek(1);
        if ((c === "or" || c === "and") && d2 !== undefined && DIRS.has(d2) && d2 !== tk) {
          q.dir = `${tk} ${c} ${d2}`;
          this.i += 2;
        }
        sawQual = true;
        continue;
      }
      if (TYPES.has(tk) && q.type === undefined) {
        q.type = tk;
        this.i++;
        sawQual = true;
        break;
      }
      break;
    }
    const tk = this.peek();
    // keywords that are primitives by themselves
    if (!sawQual && tk !== undefined) {
      const kw = this.keyword(tk);
      if (kw) return kw;
    }
    if (q.proto && q.dir === undefined && q.type === undefined) {
      // "ip", "tcp", ... alone (or "ether broadcast", "ip proto N" handled below)
      const nx = this.peek();
      if (q.proto === "ether" && (nx === "broadcast" || nx === "multicast")) {
        this.i++;
        return nx === "broadcast" ? (p) => allFF(p.b, 0) : (p) => ((p.b[0] ?? 0) & 1) === 1;
      }
      if (q.proto === "ip6" && nx === "multicast") {
        this.i++;
        return (p, s) => isIp6(p, s) && u8(p, nl(p, s) + 24) === 0xff;
      }
      if (q.proto === "ip" && (nx === "broadcast" || nx === "multicast")) {
        this.i++;
        if (nx === "multicast") return (p, s) => isIp(p, s) && (u8(p, nl(p, s) + 16) ?? 0) >= 0xe0;
        return (p, s) => isIp(p, s) && u32(p, nl(p, s) + 16) === 0xffffffff;
      }
      // grammar.y: a protocol name is a term by itself (`rterm: pname`) or the first
      // qualifier of a `head`, which needs a direction or type after it: `ip foo` or
      // `tcp 80` is a syntax error, found before any id is looked up
      if (nx !== undefined && this.isId(nx)) throw new FilterError("can't parse filter expression: syntax error");
      this.last = undefined;
      return this.protoOnly(q.proto);
    }
    const id = this.peek();
    if (id === undefined || !this.isId(id)) {
      if (q.type === undefined && q.dir !== undefined) throw new FilterError("can't parse filter expression: syntax error");
      throw new FilterError("can't parse filter expression: syntax error");
    }
    // a bare id inherits the previous qualifiers, and there must be some
    if (!sawQual && !bareOk) throw new FilterError("can't parse filter expression: syntax error");
    this.i++;
    let quals: Quals;
    if (!sawQual) {
      // gen_ncode()/gen_scode() with qerr: syntax()
      if (this.last === undefined) this.qerrId(id);
      quals = { ...this.last };
    }
    else quals = { proto: q.proto, dir: q.dir, type: q.type ?? "host" };
    this.last = { ...quals };
    // grammar.y's HID rule: a dotted number cannot take a port or protocol qualifier
    if (/^\d+(\.\d+){1,3}$/.test(id) && quals.type !== undefined && ["port", "portrange", "proto", "protochain"].includes(quals.type)) {
      throw new SyntaxErr(`'${quals.type}' modifier applied to ip host`);
    }
    // bison reduces `nid: ID` (and `id: pnum`) as soon as the token is shifted: gencode's
    // error for this id comes before anything wrong after it (`host a b`: unknown host 'a')
    return this.idPrimitive(quals, id);
  }

  /**
   * A bare id after a term with no qualifiers to lend (qerr): what gen_scode(), gen_ncode(),
   * gen_mcode() and gen_ecode() say of it — their address checks come before the qualifier's
   * (gen_mcode(): "Mask syntax for networks only")
   */
  qerrId(id: string): never {
    if (parseMac(id)) throw new FilterError("ethernet address used in non-ether expression");
    const slash = id.indexOf("/");
    const base = slash >= 0 ? id.slice(0, slash) : id;
    if (base.includes(":") && isV6Literal(base)) throw new FilterError("invalid qualifier against IPv6 address");
    if (HID_RE.test(base) || (slash >= 0 && NUM_RE.test(base))) {
      const v = pcapAtoin(base);
      if (!v) throw new FilterError(`invalid IPv4 address '${base}'`);
      const n = promote(v);
      if (slash >= 0) {
        const len = Number(id.slice(slash + 1));
        if (len > 32) throw new FilterError("mask length must be <= 32");
        const m = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
        if ((n & ~m) >>> 0) throw new FilterError(`non-network bits set in "${base}/${len}"`);
        throw new FilterError("Mask syntax for networks only");
      }
      if (this.peek() === "mask") {
        this.i++;
        const ms = this.next();
        const mv = pcapAtoin(ms);
        if (!mv) throw new FilterError(`invalid IPv4 address '${ms}'`);
        if ((n & ~mv.addr) >>> 0) throw new FilterError(`non-network bits set in "${base} mask ${ms}"`);
        throw new FilterError("Mask syntax for networks only");
      }
    }
    throw new SyntaxErr("syntax error in filter expression");
  }

  /** scanner.l: an ID starts with a letter or digit (or is escaped); MAC, HID and V6 tokens too */
  isId(tk: string): boolean {
    return (/^(\\.+|[A-Za-z0-9][A-Za-z0-9_.:\-/]*)$/.test(tk) || isV6Literal(tk.split("/")[0]!)) && !["and", "or", "not"].includes(tk) && !RESERVED.has(tk);
  }

  keyword(tk: string): Pred | undefined {
    switch (tk) {
      case "vlan": {
        this.i++;
        const sh = this.shift;
        this.shift += 4;
        const nx = this.peek();
        let id: number | undefined;
        if (nx !== undefined && /^\d+$/.test(nx)) {
          this.i++;
          id = Number(nx);
          if (id > 4095) throw new FilterError(`VLAN tag ${id} greater than maximum 4095`);
        }
        return (p, s) => {
          const t = etype(p, s + sh);
          if (t !== ETHERTYPE_8021Q && t !== 0x88a8 && t !== 0x9100) return false;
          if (id === undefined) return true;
          return ((u16(p, p.typeOff + s + sh + 2) ?? 0) & 0xfff) === id;
        };
      }
      case "broadcast":
        this.i++;
        return (p) => allFF(p.b, 0);
      case "multicast":
        this.i++;
        return (p) => ((p.b[0] ?? 0) & 1) === 1;
      case "less":
      case "greater": {
        this.i++;
        const v = Number(this.next());
        if (!Number.isFinite(v)) throw new FilterError("can't parse filter expression: syntax error");
        return tk === "less" ? (p) => p.len <= v : (p) => p.len >= v;
      }
      default:
        return undefined;
    }
  }

  /** "ip", "arp", "tcp" … as whole primitives (gen_proto_abbrev) */
  protoOnly(proto: string): Pred {
    const sh = this.shift;
    switch (proto) {
      case "ip":
        return (p, s) => isIp(p, s + sh);
      case "ip6":
        return (p, s) => isIp6(p, s + sh);
      case "arp":
        return (p, s) => etype(p, s + sh) === ETHERTYPE_ARP;
      case "rarp":
        return (p, s) => etype(p, s + sh) === ETHERTYPE_REVARP;
      case "tcp":
      case "udp":
      case "sctp": {
        const n = PROTO_NUM[proto]!;
        return (p, s) => (isIp(p, s + sh) && ipProto(p, s + sh) === n) || (isIp6(p, s + sh) && ip6Nh(p, s + sh) === n);
      }
      case "icmp":
      case "igmp": {
        const n = PROTO_NUM[proto]!;
        return (p, s) => isIp(p, s + sh) && ipProto(p, s + sh) === n;
      }
      case "icmp6":
        return (p, s) => isIp6(p, s + sh) && ip6Nh(p, s + sh) === 58;
      case "ether":
      case "link":
        throw new FilterError("can't parse filter expression: syntax error");
      default:
        throw new FilterError("can't parse filter expression: syntax error");
    }
  }

  idPrimitive(q: Quals, rawId: string): Pred {
    const sh = this.shift;
    const escaped = rawId.startsWith("\\");
    const id = escaped ? rawId.slice(1) : rawId;
    // grammar.y: after "proto" a protocol keyword must be escaped ("ip proto \\icmp")
    if (q.type === "proto" && !escaped && (PROTOS.has(id) || id === "tcp" || id === "udp")) {
      throw new SyntaxErr();
    }
    const type = q.type ?? "host";
    const dir = q.dir ?? "src or dst";
    const both = <T>(src: (p: Pkt, s: number) => T, dst: (p: Pkt, s: number) => T, eq: (v: T) => boolean): Pred => {
      switch (dir) {
        case "src":
          return (p, s) => eq(src(p, s + sh));
        case "dst":
          return (p, s) => eq(dst(p, s + sh));
        case "src and dst":
        case "dst and src":
          return (p, s) => eq(src(p, s + sh)) && eq(dst(p, s + sh));
        default:
          return (p, s) => eq(src(p, s + sh)) || eq(dst(p, s + sh));
      }
    };
    switch (type) {
      case "host":
      case "net": {
        // scanner.l: `{B}:+({B}:+)+` is a bogus link-layer address (the scanner cut it there)
        if (BOGUS_EID_RE.test(id)) throw new FilterError(`bogus ethernet address ${id}`);
        // scanner.l: a plain number is a NUM (gen_ncode(NULL, v)), a dotted one a HID
        // (gen_ncode(s, 0): __pcap_atoin()), anything else an ID (gen_scode(): a name)
        // an EID: gen_ecode() takes it only as a link-layer host
        const eid = parseMac(id);
        if (eid) {
          if (type === "host" && (q.proto === "ether" || q.proto === "link")) return bothMac(dir, eid);
          throw new FilterError("ethernet address used in non-ether expression");
        }
        const numeric = NUM_RE.test(id);
        const hid = !numeric && HID_RE.test(id.split("/")[0]!);
        if (q.proto === "ether" || q.proto === "link") {
          if (numeric || hid) throw new FilterError("illegal link layer address");
          if (type === "net") throw new FilterError("ethernet address used in non-ether expression");
          const mac = parseMac(id);
          if (!mac) throw new FilterError(`unknown ether host '${id}'`);
          return bothMac(dir, mac);
        }
        if (id.includes(":")) {
          const a6 = parseIpv6(id);
          if (!a6) throw new FilterError(`unknown host '${id}'`);
          const at = (o: number) => (p: Pkt, s2: number) => (isIp6(p, s2) ? nl(p, s2) + o : undefined);
          const eq6 = (o: number | undefined) => {
            if (o === undefined) return false;
            const pk = this.cur!;
            for (let k = 0; k < 16; k++) if (pk.b[o + k] !== a6[k]) return false;
            return true;
          };
          const src = at(8);
          const dst = at(24);
          const pred = both(
            (p, s2) => {
              this.cur = p;
              return src(p, s2);
            },
            (p, s2) => {
              this.cur = p;
              return dst(p, s2);
            },
            eq6,
          );
          return pred;
        }
        let addr: number;
        let mask: number;
        const slash = id.indexOf("/");
        if (numeric) {
          // gen_ncode(): a net number is promoted past its leading zero bytes ("net 10" is
          // 10.0.0.0/8); a host number is the address itself
          addr = stou(id);
          mask = 0xffffffff;
          if (type === "net") {
            while (addr && !(addr & 0xff000000)) {
              addr = (addr << 8) >>> 0;
              mask = (mask << 8) >>> 0;
            }
          }
        } else if (hid && slash < 0 && this.peek() !== "mask") {
          // __pcap_atoin(): a short address is promoted, for a host too ("host 10.1" is 10.1/16)
          const v = pcapAtoin(id);
          if (!v) throw new FilterError(`invalid IPv4 address '${id}'`);
          addr = promote(v);
          mask = promote({ addr: 0xffffffff, bits: v.bits });
        } else if (type === "net" || slash >= 0) {
          const base = slash >= 0 ? id.slice(0, slash) : id;
          const v = parseIpv4(base);
          if (!v) throw new FilterError(`invalid IPv4 address '${base}'`);
          let bits = v.bits;
          if (slash >= 0) {
            bits = Number(id.slice(slash + 1));
            if (!/^\d+$/.test(id.slice(slash + 1)) || bits > 32) throw new FilterError(`mask length must be <= 32`);
          } else if (this.peek() === "mask") {
            this.i++;
            const ms = this.next();
            const m = parseIpv4(ms);
            if (!m) throw new FilterError(`invalid IPv4 address '${ms}'`);
            mask = m.addr;
            addr = v.addr;
            if ((addr & ~mask) >>> 0) throw new FilterError("non-network bits set in \"" + id + " mask " + this.t[this.i - 1] + "\"");
            return this.hostNet(q.proto, both, addr, mask);
          }
          mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
          addr = v.addr;
          if ((addr & ~mask) >>> 0) throw new FilterError(`non-network bits set in "${id}"`);
          if (type === "host" && slash >= 0) throw new FilterError("can't parse filter expression: syntax error");
        } else {
          const v = this.r.host(id);
          if (v === undefined) throw new FilterError(`unknown host '${id}'`);
          addr = v;
          mask = 0xffffffff;
        }
        return this.hostNet(q.proto, both, addr, mask);
      }
      case "port":
      case "portrange": {
        let lo: number;
        let hi: number;
        const proto = q.proto;
        if (proto && !["tcp", "udp", "sctp", "ip", "ip6"].includes(proto)) throw new FilterError(`illegal qualifier of 'port'`);
        const pp = (s: string): number => {
          if (NUM_RE.test(s)) {
            const n = stou(s);
            if (n > 65535) throw new FilterError(`illegal port number ${n} > 65535`);
            return n;
          }
          const n = this.r.service(s, proto === "udp" ? "udp" : "tcp") ?? this.r.service(s, "udp");
          if (n === undefined) throw new FilterError(`unknown port '${s}'`);
          return n;
        };
        if (type === "portrange") {
          const m = /^([^-]+)-([^-]+)$/.exec(id);
          if (!m) {
            lo = hi = pp(id);
          } else {
            lo = pp(m[1]!);
            hi = pp(m[2]!);
            if (lo > hi) [lo, hi] = [hi, lo];
          }
        } else {
          lo = hi = pp(id);
        }
        const ps = proto === "tcp" ? [6] : proto === "udp" ? [17] : proto === "sctp" ? [132] : [6, 17, 132];
        const v4 = proto !== "ip6";
        const v6 = proto !== "ip";
        const inRange = (v: number | undefined) => v !== undefined && v >= lo && v <= hi;
        const sport = (p: Pkt, s: number): number | undefined => {
          if (v4 && isIp(p, s) && ps.includes(ipProto(p, s) ?? -1)) {
            const t = ipTransport(p, s);
            return t === undefined ? undefined : u16(p, t);
          }
          if (v6 && isIp6(p, s) && ps.includes(ip6Nh(p, s) ?? -1)) return u16(p, nl(p, s) + 40);
          return undefined;
        };
        const dport = (p: Pkt, s: number): number | undefined => {
          if (v4 && isIp(p, s) && ps.includes(ipProto(p, s) ?? -1)) {
            const t = ipTransport(p, s);
            return t === undefined ? undefined : u16(p, t + 2);
          }
          if (v6 && isIp6(p, s) && ps.includes(ip6Nh(p, s) ?? -1)) return u16(p, nl(p, s) + 42);
          return undefined;
        };
        return both(sport, dport, inRange);
      }
      case "proto": {
        const proto = q.proto ?? "ip";
        if (proto === "ether" || proto === "link") {
          const n = NUM_RE.test(id) ? stou(id) : ETHER_PROTO_NAMES[id];
          if (n === undefined) throw new FilterError(`unknown ether proto '${id}'`);
          return (p, s) => etype(p, s + sh) === n;
        }
        const n = NUM_RE.test(id) ? stou(id) : PROTO_NUM[id];
        if (n === undefined) throw new FilterError(`unknown ip proto '${id}'`);
        if (proto === "ip6") return (p, s) => isIp6(p, s + sh) && ip6Nh(p, s + sh) === n;
        if (proto === "ip") return (p, s) => isIp(p, s + sh) && ipProto(p, s + sh) === n;
        throw new FilterError("can't parse filter expression: syntax error");
      }
      default:
        throw new FilterError("can't parse filter expression: syntax error");
    }
  }

  /** the packet an IPv6 address comparison reads */
  cur: Pkt | undefined;

  hostNet(
    proto: string | undefined,
    both: (src: (p: Pkt, s: number) => number | undefined, dst: (p: Pkt, s: number) => number | undefined, eq: (v: number | undefined) => boolean) => Pred,
    addr: number,
    mask: number,
  ): Pred {
    const eq = (v: number | undefined) => v !== undefined && ((v & mask) >>> 0) === addr;
    const ipP = both(
      (p, s) => (isIp(p, s) ? u32(p, nl(p, s) + 12) : undefined),
      (p, s) => (isIp(p, s) ? u32(p, nl(p, s) + 16) : undefined),
      eq,
    );
    const arpP = (et: number) =>
      both(
        (p, s) => (etype(p, s) === et ? u32(p, nl(p, s) + 14) : undefined),
        (p, s) => (etype(p, s) === et ? u32(p, nl(p, s) + 24) : undefined),
        eq,
      );
    switch (proto) {
      case undefined:
        {
          const a = arpP(ETHERTYPE_ARP);
          const r = arpP(ETHERTYPE_REVARP);
          return (p, s) => ipP(p, s) || a(p, s) || r(p, s);
        }
      case "ip":
        return ipP;
      case "arp":
        return arpP(ETHERTYPE_ARP);
      case "rarp":
        return arpP(ETHERTYPE_REVARP);
      case "tcp":
      case "udp":
      case "icmp":
      case "sctp":
      case "igmp":
        throw new FilterError(`'${proto}' modifier applied to host`);
      default:
        throw new FilterError(`'${proto}' modifier applied to host`);
    }
  }
}

function allFF(b: Uint8Array, o: number): boolean {
  for (let i = 0; i < 6; i++) if (b[o + i] !== 0xff) return false;
  return true;
}

function macAt(p: Pkt, o: number, mac: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (p.b[o + i] !== mac[i]) return false;
  return true;
}

function bothMac(dir: string, mac: Uint8Array): Pred {
  const src = (p: Pkt) => p.typeOff === 12 && macAt(p, 6, mac);
  const dst = (p: Pkt) => p.typeOff === 12 && macAt(p, 0, mac);
  switch (dir) {
    case "src":
      return src;
    case "dst":
      return dst;
    case "src and dst":
    case "dst and src":
      return (p) => src(p) && dst(p);
    default:
      return (p) => src(p) || dst(p);
  }
}

function numOrConst(tk: string): number | undefined {
  if (/^0x[0-9a-fA-F]+$/.test(tk)) return parseInt(tk, 16);
  if (/^0[0-7]+$/.test(tk)) return parseInt(tk, 8);
  if (/^\d+$/.test(tk)) return Number(tk);
  return CONSTANTS[tk];
}

/** pcap_compile(): the predicate for a filter expression ("" matches everything) */
export function compileFilter(expr: string, r: Resolver): (p: Pkt) => boolean {
  const toks = tokenize(expr);
  if (toks.length === 0) return () => true;
  const pred = new Parser(toks, r).parse();
  return (p) => pred(p, 0);
}
