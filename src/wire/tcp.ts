/** include/uapi/linux/tcp.h: struct tcphdr, read in place (for later parts: tcpdump, conntrack). */
import { readU16, readU32 } from "./addr.ts";

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

export const tcpSource = (b: Uint8Array, o: number): number => readU16(b, o);
export const tcpDest = (b: Uint8Array, o: number): number => readU16(b, o + 2);
export const tcpSeq = (b: Uint8Array, o: number): number => readU32(b, o + 4);
export const tcpAckSeq = (b: Uint8Array, o: number): number => readU32(b, o + 8);
export const tcpDoff = (b: Uint8Array, o: number): number => (b[o + 12]! >>> 4) << 2;
export const tcpFlags = (b: Uint8Array, o: number): number => b[o + 13]!;
export const tcpWindow = (b: Uint8Array, o: number): number => readU16(b, o + 14);
