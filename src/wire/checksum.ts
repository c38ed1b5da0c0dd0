/** The Internet checksum (RFC 1071), as lib/checksum.c computes it: fold, complement. */

/** csum_partial(): the unfolded one's-complement sum of buf[off..off+len), plus `sum` */
export function csumPartial(buf: Uint8Array, off: number, len: number, sum = 0): number {
  const end = off + len;
  let i = off;
  for (; i + 1 < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) sum += buf[i]! << 8;
  return sum;
}

/** csum_fold(): fold a 32-bit partial sum to 16 bits and complement it */
export function csumFold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** ip_compute_csum(): the checksum of a region */
export function ipComputeCsum(buf: Uint8Array, off: number, len: number): number {
  return csumFold(csumPartial(buf, off, len));
}

/** csum_tcpudp_nofold(): the pseudo-header sum for UDP/TCP */
export function csumTcpudpNofold(saddr: number, daddr: number, len: number, proto: number, sum = 0): number {
  return sum + (saddr >>> 16) + (saddr & 0xffff) + (daddr >>> 16) + (daddr & 0xffff) + proto + len;
}
