/** include/uapi/linux/icmp.h: struct icmphdr, in place. */
import { readU16, writeU16 } from "./addr.ts";
import { ipComputeCsum } from "./checksum.ts";

export const ICMP_ECHOREPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_SOURCE_QUENCH = 4;
export const ICMP_REDIRECT = 5;
export const ICMP_ECHO = 8;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_PARAMETERPROB = 12;
export const ICMP_TIMESTAMP = 13;
export const ICMP_TIMESTAMPREPLY = 14;
export const NR_ICMP_TYPES = 18;

/** codes for UNREACH */
export const ICMP_NET_UNREACH = 0;
export const ICMP_HOST_UNREACH = 1;
export const ICMP_PROT_UNREACH = 2;
export const ICMP_PORT_UNREACH = 3;
export const ICMP_FRAG_NEEDED = 4;
export const ICMP_SR_FAILED = 5;
export const ICMP_NET_UNKNOWN = 6;
export const ICMP_HOST_UNKNOWN = 7;
export const ICMP_NET_ANO = 9;
export const ICMP_HOST_ANO = 10;
export const ICMP_PKT_FILTERED = 13;
export const NR_ICMP_UNREACH = 15;
/** codes for REDIRECT */
export const ICMP_REDIR_NET = 0;
export const ICMP_REDIR_HOST = 1;
/** codes for TIME_EXCEEDED */
export const ICMP_EXC_TTL = 0;
export const ICMP_EXC_FRAGTIME = 1;

export const ICMP_HLEN = 8;
export const icmpType = (b: Uint8Array, o: number): number => b[o]!;
export const icmpCode = (b: Uint8Array, o: number): number => b[o + 1]!;
export const icmpId = (b: Uint8Array, o: number): number => readU16(b, o + 4);
export const icmpSeq = (b: Uint8Array, o: number): number => readU16(b, o + 6);
export const icmpSetId = (b: Uint8Array, o: number, v: number): void => writeU16(b, o + 4, v);

/** recompute the ICMP checksum over b[o..o+len) */
export function icmpSetChecksum(b: Uint8Array, o: number, len: number): void {
  b[o + 2] = 0;
  b[o + 3] = 0;
  writeU16(b, o + 2, ipComputeCsum(b, o, len));
}
