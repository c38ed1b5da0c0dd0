/** Address helpers: IPv4 as host-order unsigned numbers, MACs as 6-byte arrays. */

export function ipv4ToString(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** inet_aton-strict dotted quad; undefined when malformed */
export function ipv4Parse(s: string): number | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let a = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    a = a * 256 + n;
  }
  return a >>> 0;
}

export function ipv4FromBytes(b: Uint8Array, off = 0): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

export function ipv4ToBytes(a: number): Uint8Array {
  const b = new Uint8Array(4);
  writeU32(b, 0, a);
  return b;
}

export function readU16(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!;
}

export function writeU16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 8) & 0xff;
  b[off + 1] = v & 0xff;
}

export function readU32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

export function writeU32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 0xff;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}

/** "aa:bb:cc:dd:ee:ff" (lower case, as the kernel's %pM) */
export function macToString(m: Uint8Array, off = 0, len = 6): string {
  let s = "";
  for (let i = 0; i < len; i++) {
    const v = m[off + i]!;
    s += (i ? ":" : "") + (v < 16 ? "0" : "") + v.toString(16);
  }
  return s;
}

export function macParse(s: string): Uint8Array | undefined {
  const parts = s.split(":");
  if (parts.length !== 6) return undefined;
  const m = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(parts[i]!)) return undefined;
    m[i] = parseInt(parts[i]!, 16);
  }
  return m;
}

export function macEqual(a: Uint8Array, aoff: number, b: Uint8Array, boff = 0, len = 6): boolean {
  for (let i = 0; i < len; i++) if (a[aoff + i] !== b[boff + i]) return false;
  return true;
}

export function isBroadcastEther(b: Uint8Array, off = 0): boolean {
  return (b[off]! & b[off + 1]! & b[off + 2]! & b[off + 3]! & b[off + 4]! & b[off + 5]!) === 0xff;
}

export function isMulticastEther(b: Uint8Array, off = 0): boolean {
  return (b[off]! & 1) === 1;
}

export function isZeroEther(b: Uint8Array, off = 0): boolean {
  return (b[off]! | b[off + 1]! | b[off + 2]! | b[off + 3]! | b[off + 4]! | b[off + 5]!) === 0;
}

/** ipv4_is_multicast() and friends (include/linux/in.h), on host-order addresses */
export const ipv4IsMulticast = (a: number): boolean => (a >>> 28) === 0xe;
export const ipv4IsLbcast = (a: number): boolean => a === 0xffffffff;
/** (since Linux 5.3 only 0.0.0.0 itself: 0.0.0.0/8 is unicast address space) */
export const ipv4IsZeronet = (a: number): boolean => a === 0;
export const ipv4IsLoopback = (a: number): boolean => (a >>> 24) === 127;
export const ipv4IsLocalMulticast = (a: number): boolean => (a >>> 8) === 0xe00000;

/** prefix length -> host-order netmask */
export function inetMakeMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}
