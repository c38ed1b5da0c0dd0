/**
 * tcpdump 4.99.3 print-gre.c: GRE (RFC 1701/2784/2890) version 0 and the PPTP flavour
 * (version 1): flags with -v, checksum/offset, key, sequence, source routes, the protocol
 * with -e, then the payload (IPv4, IPv6, transparent Ethernet bridging).
 */
import { sprintf } from "../lib/printf.ts";
import { type Ctx, ETHERTYPES, Trunc, ipPrint, ip6Print } from "./print.ts";
import { bittok2strNosep, etherPrintEncap } from "./print-vxlan.ts";

const GRE_CP = 0x8000; /* checksum present */
const GRE_RP = 0x4000; /* routing present */
const GRE_KP = 0x2000; /* key present */
const GRE_SP = 0x1000; /* sequence# present */
const GRE_sP = 0x0800; /* source routing */
const GRE_AP = 0x0080; /* acknowledgment# present */

/** gre_flag_values[] */
const GRE_FLAG_VALUES: [number, string][] = [
  [GRE_CP, "checksum present"],
  [GRE_RP, "routing present"],
  [GRE_KP, "key present"],
  [GRE_SP, "sequence# present"],
  [GRE_sP, "source routing present"],
  [GRE_AP, "ack present"],
];

const GRE_VERS_MASK = 0x0007; /* protocol version */

/* source route entry types */
const GRESRE_IP = 0x0800;
const GRESRE_ASN = 0xfffe;

const ETHERTYPE_IP = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_TEB = 0x6558;

/** nd_print_trunc() inside a printer: the packet's line ends with " [|gre]" */
function trunc(): never {
  throw new Trunc();
}

/** util-print.c: bittok2str() — the set bits' names separated by ", " */
function bittok2str(toks: [number, string][], fmt: string, v: number): string {
  return bittok2strNosep(toks, fmt, v, ", ");
}

/** print-gre.c: gre_print() */
export function grePrint(c: Ctx, bp: number, length: number): void {
  const len = length;
  c.protocol = "gre";
  if (!c.ttest(bp, 2)) trunc();
  if (len < 2) trunc();
  const vers = c.u16(bp) & GRE_VERS_MASK;
  c.print(`GREv${vers}`);
  switch (vers) {
    case 0:
      grePrint0(c, bp, len);
      break;
    case 1:
      grePrint1(c, bp, len);
      break;
    default:
      c.print(" ERROR: unknown-version");
      break;
  }
}

/** print-gre.c: gre_print_0() */
function grePrint0(c: Ctx, bp: number, length: number): void {
  let len = length;
  const flags = c.u16(bp);
  if (c.ndo.vflag) c.print(`, Flags [${bittok2str(GRE_FLAG_VALUES, "none", flags)}]`);
  len -= 2;
  bp += 2;

  if (!c.ttest(bp, 2) || len < 2) trunc();
  const prot = c.u16(bp);
  len -= 2;
  bp += 2;

  if (flags & GRE_CP || flags & GRE_RP) {
    if (!c.ttest(bp, 2) || len < 2) trunc();
    if (c.ndo.vflag) c.print(sprintf(", sum 0x%x", c.u16(bp)));
    bp += 2;
    len -= 2;
    if (!c.ttest(bp, 2) || len < 2) trunc();
    c.print(sprintf(", off 0x%x", c.u16(bp)));
    bp += 2;
    len -= 2;
  }

  if (flags & GRE_KP) {
    if (!c.ttest(bp, 4) || len < 4) trunc();
    c.print(sprintf(", key=0x%x", c.u32(bp)));
    bp += 4;
    len -= 4;
  }

  if (flags & GRE_SP) {
    if (!c.ttest(bp, 4) || len < 4) trunc();
    c.print(`, seq ${c.u32(bp)}`);
    bp += 4;
    len -= 4;
  }

  if (flags & GRE_RP) {
    for (;;) {
      if (!c.ttest(bp, 4) || len < 4) trunc();
      const af = c.u16(bp);
      const sreoff = c.u8(bp + 2);
      const srelen = c.u8(bp + 3);
      bp += 4;
      len -= 4;
      if (af === 0 && srelen === 0) break;
      if (!greSrePrint(c, af, sreoff, srelen, bp, len)) trunc();
      if (len < srelen) trunc();
      bp += srelen;
      len -= srelen;
    }
  }

  if (c.ndo.eflag) c.print(sprintf(", proto %s (0x%04x)", ETHERTYPES[prot] ?? "unknown", prot));

  c.print(`, length ${length}`);

  if (c.ndo.vflag < 1) c.print(": "); /* put in a colon as protocol demarc */
  else c.print("\n\t"); /* if verbose go multiline */

  switch (prot) {
    case ETHERTYPE_IP:
      ipPrint(c, bp, len);
      break;
    case ETHERTYPE_IPV6:
      ip6Print(c, bp, len);
      break;
    case ETHERTYPE_TEB:
      etherPrintEncap(c, bp, len);
      break;
    default:
      c.print(sprintf("gre-proto-0x%x", prot));
  }
}

/** print-gre.c: gre_print_1() (PPTP's enhanced GRE) */
function grePrint1(c: Ctx, bp: number, length: number): void {
  let len = length;
  const flags = c.u16(bp);
  len -= 2;
  bp += 2;
  if (c.ndo.vflag) c.print(`, Flags [${bittok2str(GRE_FLAG_VALUES, "none", flags)}]`);

  if (!c.ttest(bp, 2) || len < 2) trunc();
  const prot = c.u16(bp);
  len -= 2;
  bp += 2;

  if (flags & GRE_KP) {
    if (!c.ttest(bp, 4) || len < 4) trunc();
    const k = c.u32(bp);
    c.print(`, call ${k & 0xffff}`);
    len -= 4;
    bp += 4;
  }

  if (flags & GRE_SP) {
    if (!c.ttest(bp, 4) || len < 4) trunc();
    c.print(`, seq ${c.u32(bp)}`);
    bp += 4;
    len -= 4;
  }

  if (flags & GRE_AP) {
    if (!c.ttest(bp, 4) || len < 4) trunc();
    c.print(`, ack ${c.u32(bp)}`);
    bp += 4;
    len -= 4;
  }

  if ((flags & GRE_SP) === 0) c.print(", no-payload");

  if (c.ndo.eflag) c.print(sprintf(", proto %s (0x%04x)", ETHERTYPES[prot] ?? "unknown", prot));

  c.print(`, length ${length}`);

  if ((flags & GRE_SP) === 0) return;

  if (c.ndo.vflag < 1) c.print(": ");
  else c.print("\n\t");

  /* ETHERTYPE_PPP: ppp_print() is not ported */
  c.print(sprintf("gre-proto-0x%x", prot));
}

/** print-gre.c: gre_sre_print() — 0 when truncated */
function greSrePrint(c: Ctx, af: number, sreoff: number, srelen: number, bp: number, len: number): boolean {
  let ret: boolean;
  switch (af) {
    case GRESRE_IP:
      c.print(", (rtaf=ip");
      ret = greSreEntriesPrint(c, 4, sreoff, srelen, bp, len);
      c.print(")");
      break;
    case GRESRE_ASN:
      c.print(", (rtaf=asn");
      ret = greSreEntriesPrint(c, 2, sreoff, srelen, bp, len);
      c.print(")");
      break;
    default:
      c.print(sprintf(", (rtaf=0x%x)", af));
      ret = true;
  }
  return ret;
}

/**
 * print-gre.c: gre_sre_ip_print() (4-byte IPv4 entries) and gre_sre_asn_print() (2-byte AS
 * numbers in hex): the same walk over a source route entry, the current hop marked with `*`
 */
function greSreEntriesPrint(c: Ctx, size: 2 | 4, sreoff: number, srelen: number, bp: number, len: number): boolean {
  const up = bp;
  if (sreoff & (size - 1)) {
    c.print(`, badoffset=${sreoff}`);
    return true;
  }
  if (srelen & (size - 1)) {
    c.print(`, badlength=${srelen}`);
    return true;
  }
  if (sreoff >= srelen) {
    c.print(`, badoff/len=${sreoff}/${srelen}`);
    return true;
  }
  while (srelen !== 0) {
    if (!c.ttest(bp, size)) return false;
    if (len < size) return false;
    const mark = bp - up === sreoff ? "*" : "";
    if (size === 4) {
      const a = c.u32(bp);
      /* addrtostr(): numeric, never a host name */
      c.print(` ${mark}${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`);
    } else c.print(` ${mark}${c.u16(bp).toString(16)}`);
    bp += size;
    len -= size;
    srelen -= size;
  }
  return true;
}
