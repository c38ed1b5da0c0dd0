/** A growing byte buffer: what a tool's output or a netlink message is built in. */
export class ByteBuf {
  b: Uint8Array;
  n = 0;
  constructor(size = 256) {
    this.b = new Uint8Array(size);
  }
  /** room for k more bytes */
  room(k: number): void {
    if (this.n + k <= this.b.length) return;
    const nb = new Uint8Array(Math.max(this.b.length * 2, this.n + k));
    nb.set(this.b.subarray(0, this.n));
    this.b = nb;
  }
  u8(v: number): void {
    this.room(1);
    this.b[this.n++] = v & 0xff;
  }
  /** d[from..to) */
  bytes(d: Uint8Array, from = 0, to = d.length): void {
    this.room(to - from);
    this.b.set(d.subarray(from, to), this.n);
    this.n += to - from;
  }
  /** what was written (a view) */
  view(): Uint8Array {
    return this.b.subarray(0, this.n);
  }
}
