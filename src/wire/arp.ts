/** include/uapi/linux/if_arp.h: struct arphdr + the Ethernet/IPv4 body, in place. */
import { readU16, writeU16, readU32, writeU32 } from "./addr.ts";

export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;
export const ARPHRD_ETHER = 1;
/** arphdr (8) + sha(6) sip(4) tha(6) tip(4) */
export const ARP_ETH_IP_LEN = 28;

export const arpHrd = (b: Uint8Array, o: number): number => readU16(b, o);
export const arpPro = (b: Uint8Array, o: number): number => readU16(b, o + 2);
export const arpHln = (b: Uint8Array, o: number): number => b[o + 4]!;
export const arpPln = (b: Uint8Array, o: number): number => b[o + 5]!;
export const arpOp = (b: Uint8Array, o: number): number => readU16(b, o + 6);
/** offsets of the body fields for hln=6/pln=4 */
export const ARP_SHA = 8;
export const ARP_SIP = 14;
export const ARP_THA = 18;
export const ARP_TIP = 24;
export const arpSip = (b: Uint8Array, o: number): number => readU32(b, o + ARP_SIP);
export const arpTip = (b: Uint8Array, o: number): number => readU32(b, o + ARP_TIP);

/** arp_create()'s body: Ethernet/IPv4 ARP packet at b[o..o+28) */
export function arpWrite(
  b: Uint8Array, o: number, op: number, sha: Uint8Array, sip: number, tha: Uint8Array | undefined, tip: number,
): void {
  writeU16(b, o, ARPHRD_ETHER);
  writeU16(b, o + 2, 0x0800);
  b[o + 4] = 6;
  b[o + 5] = 4;
  writeU16(b, o + 6, op);
  b.set(sha.subarray(0, 6), o + ARP_SHA);
  writeU32(b, o + ARP_SIP, sip);
  if (tha) b.set(tha.subarray(0, 6), o + ARP_THA);
  else b.fill(0, o + ARP_THA, o + ARP_THA + 6);
  writeU32(b, o + ARP_TIP, tip);
}
