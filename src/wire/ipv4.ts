/** include/uapi/linux/ip.h: struct iphdr, read and written in place (options are skipped). */
import { readU16, writeU16, readU32, writeU32 } from "./addr.ts";
import { ipComputeCsum } from "./checksum.ts";

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export const IP_DF = 0x4000;
export const IP_MF = 0x2000;
export const IP_OFFSET = 0x1fff;

export const iphVersion = (b: Uint8Array, o: number): number => b[o]! >>> 4;
/** header length in bytes (ihl * 4) */
export const iphHlen = (b: Uint8Array, o: number): number => (b[o]! & 0xf) << 2;
export const iphIhl = (b: Uint8Array, o: number): number => b[o]! & 0xf;
export const iphTos = (b: Uint8Array, o: number): number => b[o + 1]!;
export const iphTotLen = (b: Uint8Array, o: number): number => readU16(b, o + 2);
export const iphId = (b: Uint8Array, o: number): number => readU16(b, o + 4);
export const iphFragOff = (b: Uint8Array, o: number): number => readU16(b, o + 6);
export const iphTtl = (b: Uint8Array, o: number): number => b[o + 8]!;
export const iphProtocol = (b: Uint8Array, o: number): number => b[o + 9]!;
export const iphCheck = (b: Uint8Array, o: number): number => readU16(b, o + 10);
export const iphSaddr = (b: Uint8Array, o: number): number => readU32(b, o + 12);
export const iphDaddr = (b: Uint8Array, o: number): number => readU32(b, o + 16);

export const iphSetTotLen = (b: Uint8Array, o: number, v: number): void => writeU16(b, o + 2, v);
export const iphSetId = (b: Uint8Array, o: number, v: number): void => writeU16(b, o + 4, v);
export const iphSetFragOff = (b: Uint8Array, o: number, v: number): void => writeU16(b, o + 6, v);
export const iphSetTtl = (b: Uint8Array, o: number, v: number): void => void (b[o + 8] = v);
export const iphSetSaddr = (b: Uint8Array, o: number, v: number): void => writeU32(b, o + 12, v);
export const iphSetDaddr = (b: Uint8Array, o: number, v: number): void => writeU32(b, o + 16, v);

/** ip_send_check(): recompute the header checksum */
export function ipSendCheck(b: Uint8Array, o: number): void {
  b[o + 10] = 0;
  b[o + 11] = 0;
  writeU16(b, o + 10, ipComputeCsum(b, o, iphHlen(b, o)));
}

/** ip_fast_csum() == 0 on a received header */
export function ipFastCsumOk(b: Uint8Array, o: number): boolean {
  return ipComputeCsum(b, o, iphHlen(b, o)) === 0;
}

/** ip_decrease_ttl(): ttl-1 with the incremental checksum update of RFC 1624 */
export function ipDecreaseTtl(b: Uint8Array, o: number): number {
  let check = readU16(b, o + 10);
  check += 0x0100;
  check = (check + (check >= 0x10000 ? 1 : 0)) & 0xffff;
  writeU16(b, o + 10, check);
  return --b[o + 8]!;
}

/** write a 20-byte header without options and its checksum */
export function iphWrite(
  b: Uint8Array, o: number, tos: number, totLen: number, id: number, fragOff: number, ttl: number,
  proto: number, saddr: number, daddr: number,
): void {
  b[o] = 0x45;
  b[o + 1] = tos;
  writeU16(b, o + 2, totLen);
  writeU16(b, o + 4, id);
  writeU16(b, o + 6, fragOff);
  b[o + 8] = ttl;
  b[o + 9] = proto;
  writeU32(b, o + 12, saddr);
  writeU32(b, o + 16, daddr);
  ipSendCheck(b, o);
}
