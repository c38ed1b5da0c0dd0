/**
 * tcpdump 4.99.3 print-vxlan.c: VXLAN (RFC 7348) on UDP 4789 — the 8-byte header, then the
 * inner Ethernet frame through print-ether.c's ether_print() on the next line.
 */
import { sprintf } from "../lib/printf.ts";
import { type Ctx, Trunc, etherPrint } from "./print.ts";

/** udp.h: VXLAN_PORT (IANA) */
export const VXLAN_PORT = 4789;

/** vxlan_flags[] */
const VXLAN_FLAGS: [number, string][] = [[0x08, "I"]];
const VXLAN_HDR_LEN = 8;

/** util-print.c: bittok2str_nosep() — the names of the set bits, or fmt when none matched */
export function bittok2strNosep(toks: [number, string][], fmt: string, v: number, sep = ""): string {
  const names: string[] = [];
  for (const [bit, name] of toks) if ((v & bit) === bit && bit !== 0) names.push(name);
  return names.length ? names.join(sep) : fmt;
}

/** util-print.c: nd_print_protocol_caps() */
export function ndPrintProtocolCaps(c: Ctx): void {
  c.print(c.protocol.toUpperCase());
}

/**
 * print-ether.c: ether_print() called from a tunnel printer: the inner frame. Only the
 * link-layer printer of the capture adds to ndo_ll_hdr_len, so the outer value is kept.
 */
export function etherPrintEncap(c: Ctx, p: number, length: number): void {
  const caplen = Math.max(0, c.snapend - p);
  const saved = c.llHdrLen;
  try {
    if (length < caplen) {
      /* ether_common_print(): "[length %u < caplen %u]" + nd_print_invalid() */
      c.print(`[length ${length} < caplen ${caplen}] (invalid)`);
      return;
    }
    etherPrint(c, p, length, caplen);
  } finally {
    c.llHdrLen = saved;
  }
}

/** print-vxlan.c: vxlan_print() */
export function vxlanPrint(c: Ctx, bp: number, len: number): void {
  c.protocol = "vxlan";
  ndPrintProtocolCaps(c);
  if (len < VXLAN_HDR_LEN) {
    c.print(" (invalid)");
    return;
  }
  const flags = c.u8(bp);
  bp += 1;
  c.print(sprintf(", flags [%s] (0x%02x), ", bittok2strNosep(VXLAN_FLAGS, "invalid", flags), flags));
  /* 1st Reserved */
  bp += 3;
  c.check(bp, 3);
  const vni = (c.u8(bp) << 16) | (c.u8(bp + 1) << 8) | c.u8(bp + 2);
  bp += 3;
  c.print(`vni ${vni}\n`);
  /* 2nd Reserved */
  if (!c.ttest(bp, 1)) throw new Trunc();
  bp += 1;
  etherPrintEncap(c, bp, len - VXLAN_HDR_LEN);
}

/** udp.h: OTV_PORT — also Linux's own default VXLAN port (IFLA_VXLAN_PORT unset: 8472) */
export const OTV_PORT = 8472;
const OTV_HDR_LEN = 8;

/** print-otv.c: otv_print() — what tcpdump shows for VXLAN on the Linux default port 8472 */
export function otvPrint(c: Ctx, bp: number, len: number): void {
  c.protocol = "otv";
  c.print("OTV, ");
  if (len < OTV_HDR_LEN) {
    c.print(`[length ${len} < ${OTV_HDR_LEN}]`);
    c.print(" (invalid)");
    if (!c.ttest(bp, len)) throw new Trunc();
    return;
  }
  const flags = c.u8(bp);
  c.print(sprintf("flags [%s] (0x%02x), ", flags & 0x08 ? "I" : ".", flags));
  bp += 1;
  c.check(bp, 3);
  c.print(`overlay ${(c.u8(bp) << 16) | (c.u8(bp + 1) << 8) | c.u8(bp + 2)}, `);
  bp += 3;
  c.check(bp, 3);
  c.print(`instance ${(c.u8(bp) << 16) | (c.u8(bp + 1) << 8) | c.u8(bp + 2)}\n`);
  bp += 3;
  /* Reserved */
  if (!c.ttest(bp, 1)) throw new Trunc();
  bp += 1;
  etherPrintEncap(c, bp, len - OTV_HDR_LEN);
}
