/** include/uapi/linux/udp.h: struct udphdr, in place. */
import { readU16, writeU16 } from "./addr.ts";
import { csumPartial, csumFold, csumTcpudpNofold } from "./checksum.ts";

export const UDP_HLEN = 8;
export const udpSource = (b: Uint8Array, o: number): number => readU16(b, o);
export const udpDest = (b: Uint8Array, o: number): number => readU16(b, o + 2);
export const udpLen = (b: Uint8Array, o: number): number => readU16(b, o + 4);
export const udpCheck = (b: Uint8Array, o: number): number => readU16(b, o + 6);

/** write the header and its checksum (udp4_hwcsum-less path: full software checksum) */
export function udpWrite(b: Uint8Array, o: number, sport: number, dport: number, len: number, saddr: number, daddr: number): void {
  writeU16(b, o, sport);
  writeU16(b, o + 2, dport);
  writeU16(b, o + 4, len);
  b[o + 6] = 0;
  b[o + 7] = 0;
  let c = csumFold(csumTcpudpNofold(saddr, daddr, len, 17, csumPartial(b, o, len)));
  if (c === 0) c = 0xffff; // CSUM_MANGLED_0
  writeU16(b, o + 6, c);
}
