/** include/uapi/linux/if_ether.h: struct ethhdr, read and written in place. */
import { readU16, writeU16 } from "./addr.ts";

export const ETH_HLEN = 14;
export const ETH_ALEN = 6;
export const ETH_ZLEN = 60;
export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_ALL = 0x0003;

export const ethDest = 0;
export const ethSource = 6;
export const ethProto = 12;

export function ethGetProto(b: Uint8Array, off: number): number {
  return readU16(b, off + ethProto);
}

/** eth_header(): write dst, src, proto at b[off..off+14) */
export function ethWriteHeader(b: Uint8Array, off: number, dst: Uint8Array, src: Uint8Array, proto: number): void {
  b.set(dst.subarray(0, 6), off);
  b.set(src.subarray(0, 6), off + 6);
  writeU16(b, off + 12, proto);
}
