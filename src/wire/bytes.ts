/**
 * Small byte buffers from 64 KiB slabs (as the kernel's kmalloc caches): a view into a shared
 * ArrayBuffer costs a fraction of a `new Uint8Array(n)` of its own, whose backing store is
 * allocated outside the JS heap once n is over 64 bytes (every frame is). A slab is freed by
 * the garbage collector when no buffer in it is referenced any more. A buffer from here must
 * not be reached through its `.buffer` (that is the whole slab).
 */
const SLAB_SIZE = 1 << 16;
const SLAB_MAX_OBJ = 4096;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabOff = 0;

/** n zeroed bytes */
export function allocBytes(n: number): Uint8Array<ArrayBuffer> {
  if (n > SLAB_MAX_OBJ) return new Uint8Array(n);
  if (slabOff + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabOff = 0;
  }
  const a = new Uint8Array(slab, slabOff, n);
  slabOff += (n + 7) & ~7;
  return a;
}

/** n zeroed float64 counters in a buffer of allocBytes() (its offsets are 8-byte aligned): a
 * `new Float64Array(n)` has a backing store of its own outside the heap, which costs some
 * twenty times as much to make and to collect (the per-namespace ICMP MIBs' by-type counters) */
export function allocFloat64(n: number): Float64Array {
  const b = allocBytes(n * 8);
  return new Float64Array(b.buffer, b.byteOffset, n);
}

/** a copy of `src` in a buffer of allocBytes() */
export function copyBytes(src: Uint8Array): Uint8Array<ArrayBuffer> {
  const a = allocBytes(src.length);
  a.set(src);
  return a;
}

/** strlen() of `s` as UTF-8 (TextEncoder's bytes: a lone surrogate is U+FFFD, 3 bytes),
 * counted without encoding it */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
