/**
 * tcpdump 4.99.3 print-domain.c: DNS (RFC 1035) over UDP 53, TCP 53 (the two-byte length
 * prefix) and mDNS on UDP 5353 (the QU / cache-flush bit of the class). The header line
 * (id, opcode, rcode with the OPT record's extended bits, flags `* - | $` for responses and
 * `+ %` for queries, counts), the questions, the answers and, with -vv, the question section
 * of responses (` q:`) and the authority / additional sections (` ns:`, ` ar:`); names with
 * compression pointers (`<BAD PTR>` for one that does not point backwards), EDNS0 bit labels,
 * the types print-domain.c decodes (A, AAAA, A6, NS, CNAME, PTR, DNAME, SOA, MX, TXT, SRV,
 * URI, OPT with its options, UNSPECA, TSIG); other types print their name only.
 *
 * As in C: the GET_* macros (c.u8/u16/u32) throw Trunc (" [|domain]" from printPacket), the
 * functions that test with ND_TTEST return null, and domain_print's `goto trunc` prints
 * " [|domain]" and returns normally.
 */
import type { Ctx } from "./print.ts";

/** udp.h / tcp.h */
export const NAMESERVER_PORT = 53;
export const MULTICASTDNS_PORT = 5353;

// nameser.h
const MAXCDNAME = 255; /* maximum compressed domain name */
const IQUERY = 0x1; /* inverse query */

const TYPE_MASK = 0xc0; /* mask for the type bits of the item */
const TYPE_INDIR = 0xc0; /* 11.... - pointer */
const TYPE_RESERVED = 0x80; /* 10.... - reserved */
const TYPE_EDNS0 = 0x40; /* 01.... - EDNS(0) label */
const TYPE_LABEL = 0x00; /* 00.... - regular label */
const EDNS0_ELT_BITLABEL = 0x01;

const T_A = 1;
const T_NS = 2;
const T_CNAME = 5;
const T_SOA = 6;
const T_PTR = 12;
const T_MX = 15;
const T_TXT = 16;
const T_AAAA = 28;
const T_SRV = 33;
const T_A6 = 38;
const T_DNAME = 39;
const T_OPT = 41;
const T_UNSPECA = 104;
const T_TSIG = 250;
const T_URI = 256;

const C_IN = 1;
const C_QU = 0x8000; /* mDNS QU flag in queries */
const C_CACHE_FLUSH = 0x8000; /* mDNS cache flush flag in replies */

const E_NSID = 3;
const E_DAU = 5;
const E_DHU = 6;
const E_N3U = 7;
const E_ECS = 8;
const E_EXPIRE = 9;
const E_COOKIE = 10;
const E_KEEPALIVE = 11;
const E_PADDING = 12;
const E_CHAIN = 13;
const E_KEYTAG = 14;

const DNS_QR = 0x8000; /* response flag */
const DNS_AA = 0x0400; /* authoritative answer */
const DNS_TC = 0x0200; /* truncated message */
const DNS_RD = 0x0100; /* recursion desired */
const DNS_RA = 0x0080; /* recursion available */
const DNS_AD = 0x0020; /* authentic data from named */
const DNS_CD = 0x0010; /* checking disabled by resolver */
const dnsOpcode = (flags: number) => (flags >> 11) & 0xf;
const dnsRcode = (flags: number) => flags & 0xf;

/** sizeof(dns_header_t) */
const DNS_HDR_LEN = 12;

const NS_OPS = [
  "", " inv_q", " stat", " op3", " notify", " update", " op6", " op7",
  " op8", " updateA", " updateD", " updateDA", " updateM", " updateMA", " zoneInit", " zoneRef",
];

/** ns_resp[] (17 and 21 really have no leading space) */
const NS_RESP = [
  "", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused", " YXDomain", " YXRRSet",
  " NXRRSet", " NotAuth", " NotZone", " Resp11", " Resp12", " Resp13", " Resp14", " NoChange",
  " BadVers", "Resp17", " Resp18", " Resp19", " Resp20", "Resp21", " Resp22", " BadCookie",
];

function nsRcode(rcode: number): string {
  return rcode < NS_RESP.length ? NS_RESP[rcode]! : ` Resp${rcode & 0xfff}`;
}

/** ns_type2str[] (IANA dns-parameters) */
export const NS_TYPE2STR: Record<number, string> = {
  1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR", 10: "NULL",
  11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB",
  19: "X25", 20: "ISDN", 21: "RT", 22: "NSAP", 23: "NSAP_PTR", 24: "SIG", 25: "KEY", 26: "PX",
  27: "GPOS", 28: "AAAA", 29: "LOC", 30: "NXT", 31: "EID", 32: "NIMLOC", 33: "SRV", 34: "ATMA",
  35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6", 39: "DNAME", 40: "SINK", 41: "OPT", 42: "APL",
  43: "DS", 44: "SSHFP", 45: "IPSECKEY", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 99: "SPF",
  100: "UINFO", 101: "UID", 102: "GID", 103: "UNSPEC", 104: "UNSPECA", 249: "TKEY", 250: "TSIG",
  251: "IXFR", 252: "AXFR", 253: "MAILB", 254: "MAILA", 255: "ANY", 256: "URI",
};

/** ns_class2str[] */
const NS_CLASS2STR: Record<number, string> = { 1: "IN", 3: "CHAOS", 4: "HS", 255: "ANY" };

/** edns_opt2str[] */
const EDNS_OPT2STR: Record<number, string> = {
  1: "LLQ", 2: "UL", 3: "NSID", 5: "DAU", 6: "DHU", 7: "N3U", 8: "ECS", 9: "EXPIRE", 10: "COOKIE",
  11: "KEEPALIVE", 12: "PADDING", 13: "CHAIN", 14: "KEY-TAG", 16: "CLIENT-TAG", 17: "SERVER-TAG",
};

/** dau_alg2str[] */
const DAU_ALG2STR: Record<number, string> = {
  0: "DELETE", 1: "RSAMD5", 2: "DH", 3: "DS", 5: "RSASHA1", 6: "DSA-NSEC3-SHA1", 7: "RSASHA1-NSEC3-SHA1",
  8: "RSASHA256", 10: "RSASHA512", 12: "ECC-GOST", 13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384",
  15: "ED25519", 16: "ED448", 252: "INDIRECT", 253: "PRIVATEDNS", 254: "PRIVATEOID",
};

/** dhu_alg2str[] */
const DHU_ALG2STR: Record<number, string> = { 1: "SHA-1", 2: "SHA-256", 3: "GOST_R_34.11-94", 4: "SHA-384" };

/** n3u_alg2str[] */
const N3U_ALG2STR: Record<number, string> = { 1: "SHA-1" };

const typeName = (t: number) => NS_TYPE2STR[t] ?? `Type${t}`;
const className = (cl: number) => NS_CLASS2STR[cl] ?? `(Class ${cl})`;
const hex2 = (x: number) => x.toString(16).padStart(2, "0");

/** util-print.c: fn_print_char() */
function fnPrintChar(ch: number): string {
  let s = "";
  if (ch >= 0x80) {
    s += "M-";
    ch &= 0x7f;
  }
  if (ch < 0x20 || ch === 0x7f) {
    s += "^";
    ch ^= 0x40;
  }
  return s + String.fromCharCode(ch);
}

/**
 * util-print.c: nd_printn() with ep = snapend: prints what was captured of the n bytes;
 * true when it ran out before the end (C's 1)
 */
function ndPrintn(c: Ctx, s: number, n: number): boolean {
  while (n > 0 && s < c.snapend) {
    n--;
    c.print(fnPrintChar(c.u8(s)));
    s++;
  }
  return n !== 0;
}

/** util-print.c: unsigned_relts_print() — 1w2d3h4m5s */
export function unsignedReltsPrint(c: Ctx, secs: number): void {
  const lengths = ["y", "w", "d", "h", "m", "s"];
  const seconds = [31536000, 604800, 86400, 3600, 60, 1];
  if (secs === 0) {
    c.print("0s");
    return;
  }
  for (let k = 0; secs > 0; k++) {
    const s = seconds[k]!;
    if (secs >= s) {
      c.print(`${Math.floor(secs / s)}${lengths[k]}`);
      secs -= Math.floor(secs / s) * s;
    }
  }
}

/** addrtoname.c: intoa() — a dotted quad, never a host name */
function intoa(c: Ctx, off: number): string {
  c.check(off, 4);
  return `${c.b[off]}.${c.b[off + 1]}.${c.b[off + 2]}.${c.b[off + 3]}`;
}

/** addrtostr.c: addrtostr6() — RFC 5952 short form, `::a.b.c.d` / `::ffff:a.b.c.d` */
export function addrtostr6(a: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((a[2 * i]! << 8) | a[2 * i + 1]!);
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (cur.base === -1) cur = { base: i, len: 1 };
      else cur.len++;
    } else if (cur.base !== -1) {
      if (best.base === -1 || cur.len > best.len) best = cur;
      cur = { base: -1, len: 0 };
    }
  }
  if (cur.base !== -1 && (best.base === -1 || cur.len > best.len)) best = cur;
  if (best.base !== -1 && best.len < 2) best = { base: -1, len: 0 };
  let out = "";
  for (let i = 0; i < 8; i++) {
    /* Are we inside the best run of 0x00's? */
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ":";
      continue;
    }
    /* Are we following an initial run of 0x00s or any real hex? */
    if (i !== 0) out += ":";
    /* Is this address an encapsulated IPv4? */
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += `${a[12]}.${a[13]}.${a[14]}.${a[15]}`;
      break;
    }
    out += words[i]!.toString(16);
  }
  /* Was it a trailing run of 0x00's? */
  if (best.base !== -1 && best.base + best.len === 8) out += ":";
  return out;
}

/** ns_nskip(): skip over a domain name; null where C returns NULL */
function nsNskip(c: Ctx, cp: number): number | null {
  if (!c.ttest(cp, 1)) return null;
  let i = c.u8(cp);
  cp++;
  while (i) {
    switch (i & TYPE_MASK) {
      case TYPE_INDIR:
        return cp + 1;
      case TYPE_EDNS0: {
        if ((i & ~TYPE_MASK) !== EDNS0_ELT_BITLABEL) return null; /* unknown ELT */
        if (!c.ttest(cp, 1)) return null;
        let bitlen = c.u8(cp);
        if (bitlen === 0) bitlen = 256;
        cp++;
        cp += Math.floor((bitlen + 7) / 8);
        break;
      }
      case TYPE_RESERVED:
        return null;
      default: /* TYPE_LABEL */
        cp += i;
        break;
    }
    if (!c.ttest(cp, 1)) return null;
    i = c.u8(cp);
    cp++;
  }
  return cp;
}

/** blabel_print(): an EDNS0 bit-string label as `\[xHEX/BITS]` */
function blabelPrint(c: Ctx, cp: number): number | null {
  if (!c.ttest(cp, 1)) return null;
  let bitlen = c.u8(cp);
  if (bitlen === 0) bitlen = 256;
  const slen = Math.floor((bitlen + 3) / 4);
  const lim = cp + 1 + slen;
  /* print the bit string as a hex string */
  c.print("\\[x");
  let bitp = cp + 1;
  let b = bitlen;
  for (; bitp < lim && b > 7; b -= 8, bitp++) c.print(hex2(c.u8(bitp)));
  if (b > 4) {
    const tc = c.u8(bitp);
    bitp++;
    c.print(hex2(tc & (0xff << (8 - b))));
  } else if (b > 0) {
    const tc = c.u8(bitp);
    bitp++;
    c.print((((tc >> 4) & 0x0f) & (0x0f << (4 - b))).toString(16));
  }
  c.print(`/${bitlen}]`);
  return lim;
}

/** labellen(): the length of the label at cp (a pointer's first byte as is); -1 when bad */
function labellen(c: Ctx, cp: number): number {
  if (!c.ttest(cp, 1)) return -1;
  const i = c.u8(cp);
  switch (i & TYPE_MASK) {
    case TYPE_EDNS0: {
      const elt = i & ~TYPE_MASK;
      if (elt !== EDNS0_ELT_BITLABEL) {
        c.print(`<ELT ${elt}>`);
        return -1;
      }
      if (!c.ttest(cp + 1, 1)) return -1;
      let bitlen = c.u8(cp + 1);
      if (bitlen === 0) bitlen = 256;
      return Math.floor((bitlen + 7) / 8) + 1;
    }
    case TYPE_INDIR:
    case TYPE_LABEL:
      return i;
    default:
      /* TYPE_RESERVED */
      c.print("<BAD LABEL TYPE>");
      return -1;
  }
}

/**
 * fqdn_print(): print the <domain-name> at cp, following compression pointers (offsets
 * from bp, each strictly before the previous one); returns the end of the name where it
 * stands (after the first pointer), or null (after "<BAD PTR>" etc. or on truncation)
 */
export function fqdnPrint(c: Ctx, cp: number, bp: number): number | null {
  let l = labellen(c, cp);
  if (l === -1) return null;
  if (!c.ttest(cp, 1)) return null;
  /* (u_int)(cp - bp): EDNS CHAIN passes a bp after cp */
  let maxOffset = (cp - bp) >>> 0;
  let i = c.u8(cp);
  cp++;
  let rp: number | null = null;
  let compress = false;
  let nameChars = 0;
  if ((i & TYPE_MASK) !== TYPE_INDIR) {
    compress = false;
    rp = cp + l;
  }
  if (i !== 0) {
    while (i && cp < c.snapend) {
      switch (i & TYPE_MASK) {
        case TYPE_INDIR: {
          if (!compress) {
            rp = cp + 1;
            compress = true;
          }
          if (!c.ttest(cp, 1)) return null;
          const offset = ((i << 8) | c.u8(cp)) & 0x3fff;
          /*
           * This must move backwards in the packet (BIND's decompression requires it,
           * as a way of preventing infinite loops).
           */
          if (offset >= maxOffset) {
            c.print("<BAD PTR>");
            return null;
          }
          maxOffset = offset;
          cp = bp + offset;
          if (!c.ttest(cp, 1)) return null;
          i = c.u8(cp);
          l = labellen(c, cp);
          if (l === -1) return null;
          cp++;
          continue;
        }
        case TYPE_EDNS0: {
          const elt = i & ~TYPE_MASK;
          if (elt !== EDNS0_ELT_BITLABEL) {
            /* unknown ELT */
            c.print(`<ELT ${elt}>`);
            return null;
          }
          if (blabelPrint(c, cp) === null) return null;
          break;
        }
        case TYPE_RESERVED:
          c.print("<BAD LABEL TYPE>");
          return null;
        default: /* TYPE_LABEL */
          if (nameChars + l <= MAXCDNAME) {
            if (ndPrintn(c, cp, l)) return null;
          } else if (nameChars < MAXCDNAME) {
            if (ndPrintn(c, cp, MAXCDNAME - nameChars)) return null;
          }
          nameChars += l;
          break;
      }
      cp += l;
      if (nameChars <= MAXCDNAME) c.print(".");
      nameChars++;
      if (!c.ttest(cp, 1)) return null;
      i = c.u8(cp);
      l = labellen(c, cp);
      if (l === -1) return null;
      cp++;
      if (!compress) rp = rp! + l + 1;
    }
    if (nameChars > MAXCDNAME) c.print("<DOMAIN NAME TOO LONG>");
  } else c.print(".");
  return rp;
}

/** ns_cprint(): a <character-string> */
function nsCprint(c: Ctx, cp: number): number | null {
  if (!c.ttest(cp, 1)) return null;
  const i = c.u8(cp);
  cp++;
  if (ndPrintn(c, cp, i)) return null;
  return cp + i;
}

/** print_eopt_ecs(): EDNS client subnet, ADDRESS/SOURCE/SCOPE */
function printEoptEcs(c: Ctx, cp: number, dataLen: number): void {
  /* ecs option must at least contain family, src len, and scope len */
  if (dataLen < 4) {
    c.print(" (invalid)");
    return;
  }
  const family = c.u16(cp);
  cp += 2;
  const srcLen = c.u8(cp);
  cp += 1;
  const scopeLen = c.u8(cp);
  cp += 1;
  let addrBits: number;
  if (family === 1) addrBits = 32;
  else if (family === 2) addrBits = 128;
  else {
    c.print(" (invalid)");
    return;
  }
  if (dataLen - 4 > addrBits / 8) {
    c.print(" (invalid)");
    return;
  }
  /* checks for invalid ecs scope or source length */
  if (srcLen > addrBits || scopeLen > addrBits || Math.floor((srcLen + 7) / 8) !== dataLen - 4) {
    c.print(" (invalid)");
    return;
  }
  /* pad the truncated address from ecs with zeros (eopt_print checked the bytes) */
  const padded = new Uint8Array(32);
  padded.set(c.b.subarray(cp, cp + dataLen - 4));
  const addr = family === 1 ? `${padded[0]}.${padded[1]}.${padded[2]}.${padded[3]}` : addrtostr6(padded);
  c.print(`${addr}/${srcLen}/${scopeLen}`);
}

/** eopt_print(): one <EDNS-option> of an OPT record */
function eoptPrint(c: Ctx, cp: number): number | null {
  if (!c.ttest(cp, 2)) return null;
  const opt = c.u16(cp);
  cp += 2;
  c.print(EDNS_OPT2STR[opt] ?? `Opt${opt}`);
  if (!c.ttest(cp, 2)) return null;
  const dataLen = c.u16(cp);
  cp += 2;
  if (!c.ttest(cp, dataLen)) return null;
  if (dataLen > 0) {
    c.print(" ");
    const algs = (tbl: Record<number, string>) => {
      for (let i = 0; i < dataLen; ++i) {
        if (i > 0) c.print(" ");
        const a = c.u8(cp + i);
        c.print(tbl[a] ?? `Alg_${a}`);
      }
    };
    switch (opt) {
      case E_ECS:
        printEoptEcs(c, cp, dataLen);
        break;
      case E_COOKIE:
        if (dataLen < 8 || (dataLen > 8 && dataLen < 16) || dataLen > 40) c.print(" (invalid)");
        else {
          for (let i = 0; i < dataLen; ++i) {
            /* split client and server cookie */
            if (i === 8) c.print(" ");
            c.print(hex2(c.u8(cp + i)));
          }
        }
        break;
      case E_KEEPALIVE:
        /* keepalive is in increments of 100ms. Convert to seconds */
        if (dataLen !== 2) c.print(" (invalid)");
        else c.print(`${(c.u16(cp) / 10.0).toFixed(1)} sec`);
        break;
      case E_EXPIRE:
        if (dataLen !== 4) c.print(" (invalid)");
        else c.print(`${c.u32(cp)} sec`);
        break;
      case E_PADDING:
        /* ignore contents and just print length */
        c.print(`(${dataLen})`);
        break;
      case E_KEYTAG:
        if (dataLen % 2 !== 0) c.print(" (invalid)");
        else
          for (let i = 0; i < dataLen; i += 2) {
            if (i > 0) c.print(" ");
            c.print(String(c.u16(cp + i)));
          }
        break;
      case E_DAU:
        algs(DAU_ALG2STR);
        break;
      case E_DHU:
        algs(DHU_ALG2STR);
        break;
      case E_N3U:
        algs(N3U_ALG2STR);
        break;
      case E_CHAIN:
        fqdnPrint(c, cp, cp + dataLen);
        break;
      case E_NSID: /* NSID is an undefined byte string */
      default:
        for (let i = 0; i < dataLen; ++i) c.print(hex2(c.u8(cp + i)));
        break;
    }
  }
  return cp + dataLen;
}

/** ns_qprint(): a question, ` TYPE[ CLASS][ (QU)|(QM)]? NAME` */
function nsQprint(c: Ctx, cp: number, bp: number, isMdns: boolean): number | null {
  const np = cp;
  const q = nsNskip(c, cp);
  if (q === null || !c.ttest(q, 4)) return null;
  /* print the qtype */
  c.print(` ${typeName(c.u16(q))}`);
  /* print the qclass (if it's not IN) */
  const i = c.u16(q + 2);
  const cls = isMdns ? i & ~C_QU : i;
  if (cls !== C_IN) c.print(` ${className(cls)}`);
  if (isMdns) c.print(i & C_QU ? " (QU)" : " (QM)");
  c.print("? ");
  const end = fqdnPrint(c, np, bp);
  return end !== null ? end + 4 : null;
}

/**
 * ns_rprint(): a resource record, ` [NAME ][CLASS ][[TTL] ]TYPE DATA`; a record that is not
 * all there returns snapend (which ends the section loops without " [|domain]")
 */
function nsRprint(c: Ctx, cp: number, bp: number, isMdns: boolean): number | null {
  let optFlags = 0;
  let p: number | null;
  if (c.ndo.vflag) {
    c.print(" ");
    p = fqdnPrint(c, cp, bp);
    if (p === null) return null;
  } else p = nsNskip(c, cp);
  if (p === null || !c.ttest(p, 10)) return c.snapend;
  cp = p;

  /* print the type/qtype */
  const typ = c.u16(cp);
  cp += 2;
  /* print the class (if it's not IN and the type isn't OPT) */
  const i = c.u16(cp);
  cp += 2;
  const cls = isMdns ? i & ~C_CACHE_FLUSH : i;
  if (cls !== C_IN && typ !== T_OPT) c.print(` ${className(cls)}`);
  if (isMdns && i & C_CACHE_FLUSH) c.print(" (Cache flush)");

  if (typ === T_OPT) {
    /* get opt flags */
    cp += 2;
    optFlags = c.u16(cp);
    /* ignore rest of ttl field */
    cp += 2;
  } else if (c.ndo.vflag > 2) {
    /* print ttl */
    c.print(" [");
    unsignedReltsPrint(c, c.u32(cp));
    c.print("]");
    cp += 4;
  } else {
    /* ignore ttl */
    cp += 4;
  }

  const len = c.u16(cp);
  cp += 2;
  const rp = cp + len;

  c.print(` ${typeName(typ)}`);
  if (rp > c.snapend) return null;

  switch (typ) {
    case T_A:
      if (!c.ttest(cp, 4)) return null;
      c.print(` ${intoa(c, cp)}`);
      break;

    case T_NS:
    case T_CNAME:
    case T_PTR:
    case T_DNAME:
      c.print(" ");
      if (fqdnPrint(c, cp, bp) === null) return null;
      break;

    case T_SOA: {
      if (!c.ndo.vflag) break;
      c.print(" ");
      let q = fqdnPrint(c, cp, bp);
      if (q === null) return null;
      c.print(" ");
      q = fqdnPrint(c, q, bp);
      if (q === null) return null;
      if (!c.ttest(q, 5 * 4)) return null;
      for (let k = 0; k < 5; k++) c.print(` ${c.u32(q + 4 * k)}`);
      break;
    }

    case T_MX:
      c.print(" ");
      if (!c.ttest(cp, 2)) return null;
      if (fqdnPrint(c, cp + 2, bp) === null) return null;
      c.print(` ${c.u16(cp)}`);
      break;

    case T_TXT: {
      let q: number | null = cp;
      while (q < rp) {
        c.print(' "');
        q = nsCprint(c, q);
        if (q === null) return null;
        c.print('"');
      }
      break;
    }

    case T_SRV:
      c.print(" ");
      if (!c.ttest(cp, 6)) return null;
      if (fqdnPrint(c, cp + 6, bp) === null) return null;
      c.print(`:${c.u16(cp + 4)} ${c.u16(cp)} ${c.u16(cp + 2)}`);
      break;

    case T_AAAA:
      if (!c.ttest(cp, 16)) return null;
      c.print(` ${addrtostr6(c.b.subarray(cp, cp + 16))}`);
      break;

    case T_A6: {
      if (!c.ttest(cp, 1)) return null;
      const pbit = c.u8(cp);
      const pbyte = (pbit & ~7) / 8;
      if (pbit > 128) {
        c.print(` ${pbit}(bad plen)`);
        break;
      } else if (pbit < 128) {
        const a = new Uint8Array(16);
        /* GET_CPY_BYTES */
        c.check(cp + 1, 16 - pbyte);
        a.set(c.b.subarray(cp + 1, cp + 1 + 16 - pbyte), pbyte);
        c.print(` ${pbit} ${addrtostr6(a)}`);
      }
      if (pbit > 0) {
        c.print(" ");
        if (fqdnPrint(c, cp + 1 + 16 - pbyte, bp) === null) return null;
      }
      break;
    }

    case T_URI:
      if (!c.ttest(cp, len)) return null;
      c.print(` ${c.u16(cp)} ${c.u16(cp + 2)} `);
      /* len - 4 as a u_int */
      if (ndPrintn(c, cp + 4, (len - 4) >>> 0)) return null;
      break;

    case T_OPT:
      c.print(` UDPsize=${cls}`);
      if (optFlags & 0x8000) c.print(" DO");
      if (cp < rp) {
        c.print(" [");
        let q: number | null = cp;
        while (q < rp) {
          q = eoptPrint(c, q);
          if (q === null) return null;
          if (q < rp) c.print(",");
        }
        c.print("]");
      }
      break;

    case T_UNSPECA: /* One long string */
      if (!c.ttest(cp, len)) return null;
      if (ndPrintn(c, cp, len)) return null;
      break;

    case T_TSIG: {
      if (cp + len > c.snapend) return null;
      if (!c.ndo.vflag) break;
      c.print(" ");
      let q = fqdnPrint(c, cp, bp);
      if (q === null) return null;
      q += 6;
      if (!c.ttest(q, 2)) return null;
      c.print(` fudge=${c.u16(q)}`);
      q += 2;
      if (!c.ttest(q, 2)) return null;
      c.print(` maclen=${c.u16(q)}`);
      q += 2 + c.u16(q);
      if (!c.ttest(q, 2)) return null;
      c.print(` origid=${c.u16(q)}`);
      q += 2;
      if (!c.ttest(q, 2)) return null;
      c.print(` error=${c.u16(q)}`);
      q += 2;
      if (!c.ttest(q, 2)) return null;
      c.print(` otherlen=${c.u16(q)}`);
      q += 2;
      break;
    }
  }
  return rp; /* XXX This isn't always right */
}

/**
 * domain_print()'s first pass: the rcode with the extended bits of the first OPT record of
 * the additional section, when everything before it was captured
 */
function extendedRcode(c: Ctx, bp: number, flags: number, qdcount: number, ancount: number, nscount: number, arcount: number): number {
  let rcode = dnsRcode(flags);
  let cp: number | null = bp + DNS_HDR_LEN;
  for (let i = 0; i < qdcount; i++) {
    if ((cp = nsNskip(c, cp)) === null) return rcode;
    cp += 4; /* skip QTYPE and QCLASS */
    if (cp >= c.snapend) return rcode;
  }
  for (let i = 0; i < ancount + nscount; i++) {
    if ((cp = nsNskip(c, cp)) === null) return rcode;
    cp += 8; /* skip TYPE, CLASS and TTL */
    if (cp + 2 > c.snapend) return rcode;
    const rdlen = c.u16(cp);
    cp += 2 + rdlen;
    if (cp >= c.snapend) return rcode;
  }
  for (let i = 0; i < arcount; i++) {
    if ((cp = nsNskip(c, cp)) === null) return rcode;
    if (cp + 2 > c.snapend) return rcode;
    const type = c.u16(cp);
    cp += 4; /* skip TYPE and CLASS */
    if (cp + 1 > c.snapend) return rcode;
    if (type === T_OPT) return (rcode | (c.u8(cp) << 4)) & 0xffff;
    cp += 4;
    if (cp + 2 > c.snapend) return rcode;
    const rdlen = c.u16(cp);
    cp += 2 + rdlen;
    if (cp >= c.snapend) return rcode;
  }
  return rcode;
}

/**
 * The loops of domain_print() over a section's records: the first, then more while cp is
 * inside the capture; false where C goes to trunc (a record failed or some were not printed)
 */
function rprintSection(c: Ctx, cp: { at: number }, bp: number, isMdns: boolean, count: number, label: string): boolean {
  if (count && (label === "" || cp.at < c.snapend)) {
    c.print(label);
    let q = nsRprint(c, cp.at, bp, isMdns);
    if (q === null) return false;
    cp.at = q;
    count--;
    while (cp.at < c.snapend && count) {
      c.print(",");
      q = nsRprint(c, cp.at, bp, isMdns);
      if (q === null) return false;
      cp.at = q;
      count--;
    }
  }
  return count === 0;
}

/**
 * print-domain.c: domain_print(). bp is the DNS message (after the UDP header, or the TCP
 * payload with its length prefix when overTcp), length the payload length.
 */
export function domainPrint(c: Ctx, bp: number, length: number, overTcp = false, isMdns = false): void {
  c.protocol = "domain";

  if (overTcp) {
    /*
     * The message is prefixed with a two byte length field which gives the message length,
     * excluding the two byte length field (RFC 1035 - 4.2.2. TCP usage).
     */
    if (length < 2) {
      c.print(` [DNS over TCP: length ${length} < 2] (invalid)`);
      return;
    }
    length -= 2; /* excluding the two byte length field */
    if (c.u16(bp) !== length) {
      c.print(` [prefix length(${c.u16(bp)}) != length(${length})] (invalid)`);
      return;
    }
    bp += 2;
    /* in over TCP case, we need to prepend a space (not needed in over UDP case) */
    c.print(" ");
  }

  if (length < DNS_HDR_LEN) {
    c.print(`${c.protocol} [length ${length} < ${DNS_HDR_LEN}] (invalid)`);
    return;
  }

  /* ND_TCHECK_SIZE(np) */
  if (!c.ttest(bp, DNS_HDR_LEN)) {
    c.print(` [|${c.protocol}]`);
    return;
  }
  const flags = c.u16(bp + 2);
  let qdcount = c.u16(bp + 4);
  const ancount = c.u16(bp + 6);
  const nscount = c.u16(bp + 8);
  const arcount = c.u16(bp + 10);

  /* find the opt record to extract extended rcode */
  const rcode = extendedRcode(c, bp, flags, qdcount, ancount, nscount, arcount);

  const trunc = () => c.print(` [|${c.protocol}]`);
  const cp = { at: bp + DNS_HDR_LEN };
  if (flags & DNS_QR) {
    /* this is a response */
    c.print(
      `${c.u16(bp)}${NS_OPS[dnsOpcode(flags)]}${nsRcode(rcode)}` +
        `${flags & DNS_AA ? "*" : ""}${flags & DNS_RA ? "" : "-"}${flags & DNS_TC ? "|" : ""}${flags & DNS_AD ? "$" : ""}`,
    );
    if (qdcount !== 1) c.print(` [${qdcount}q]`);
    /* Print QUESTION section on -vv */
    for (let i = 0; i < qdcount; i++) {
      if (i !== 0) c.print(",");
      let q: number | null;
      if (c.ndo.vflag > 1) {
        c.print(" q:");
        q = nsQprint(c, cp.at, bp, isMdns);
        if (q === null) return trunc();
      } else {
        q = nsNskip(c, cp.at);
        if (q === null) return trunc();
        q += 4; /* skip QTYPE and QCLASS */
      }
      cp.at = q;
    }
    c.print(` ${ancount}/${nscount}/${arcount}`);
    if (!rprintSection(c, cp, bp, isMdns, ancount, "")) return trunc();
    /* Print NS and AR sections on -vv */
    if (c.ndo.vflag > 1) {
      if (!rprintSection(c, cp, bp, isMdns, nscount, " ns:")) return trunc();
      if (!rprintSection(c, cp, bp, isMdns, arcount, " ar:")) return trunc();
    }
  } else {
    /* this is a request */
    c.print(`${c.u16(bp)}${NS_OPS[dnsOpcode(flags)]}${flags & DNS_RD ? "+" : ""}${flags & DNS_CD ? "%" : ""}`);

    /* any weirdness? */
    const b2 = c.u16(bp + 2);
    if (b2 & 0x6cf) c.print(` [b2&3=0x${b2.toString(16)}]`);

    if (dnsOpcode(flags) === IQUERY) {
      if (qdcount) c.print(` [${qdcount}q]`);
      if (ancount !== 1) c.print(` [${ancount}a]`);
    } else {
      if (ancount) c.print(` [${ancount}a]`);
      if (qdcount !== 1) c.print(` [${qdcount}q]`);
    }
    if (nscount) c.print(` [${nscount}n]`);
    if (arcount) c.print(` [${arcount}au]`);

    if (qdcount) {
      let q = nsQprint(c, cp.at, bp, isMdns);
      if (q === null) return trunc();
      cp.at = q;
      qdcount--;
      while (cp.at < c.snapend && qdcount) {
        q = nsQprint(c, cp.at, bp, isMdns);
        if (q === null) return trunc();
        cp.at = q;
        qdcount--;
      }
    }
    if (qdcount) return trunc();

    /* Print remaining sections on -vv */
    if (c.ndo.vflag > 1) {
      if (!rprintSection(c, cp, bp, isMdns, ancount, "")) return trunc();
      if (!rprintSection(c, cp, bp, isMdns, nscount, " ns:")) return trunc();
      if (!rprintSection(c, cp, bp, isMdns, arcount, " ar:")) return trunc();
    }
  }
  c.print(` (${length})`);
}
