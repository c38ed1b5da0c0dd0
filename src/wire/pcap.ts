/**
 * libpcap savefile format (sf-pcap.c): the classic pcap file tcpdump -w writes and -r reads.
 * Global header: magic 0xa1b2c3d4 (µs timestamps), version 2.4, thiszone 0, sigfigs 0,
 * snaplen, linktype; then per packet: ts_sec, ts_usec, caplen, len, data. Written in host
 * byte order (little-endian on x86, as tcpdump on these machines writes it); read in either.
 */

export const TCPDUMP_MAGIC = 0xa1b2c3d4;
export const NSEC_TCPDUMP_MAGIC = 0xa1b23c4d;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_DOCSIS = 143;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_NFLOG = 239;

export interface PcapRecord {
  /** seconds since the epoch */
  tsSec: number;
  /** microseconds */
  tsUsec: number;
  /** original length on the wire */
  len: number;
  /** captured bytes (caplen = data.length) */
  data: Uint8Array;
}

export interface PcapFile {
  snaplen: number;
  linktype: number;
  /** true when the file uses nanosecond timestamps (tsUsec then holds µs after conversion) */
  nsec: boolean;
  records: PcapRecord[];
  /** pcap_next_packet()'s error after the last whole record (a truncated file) */
  truncated?: string;
}

/** sf-pcap.c: pcap_setup_dump() / sf_write_header() — the 24-byte file header */
export function pcapFileHeader(snaplen: number, linktype: number): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setUint32(0, TCPDUMP_MAGIC, true);
  v.setUint16(4, PCAP_VERSION_MAJOR, true);
  v.setUint16(6, PCAP_VERSION_MINOR, true);
  v.setInt32(8, 0, true);
  v.setUint32(12, 0, true);
  v.setUint32(16, snaplen, true);
  v.setUint32(20, linktype, true);
  return b;
}

/** sf-pcap.c: pcap_dump() — one record header + the captured bytes */
export function pcapRecord(r: PcapRecord): Uint8Array {
  const b = new Uint8Array(16 + r.data.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, r.tsSec >>> 0, true);
  v.setUint32(4, r.tsUsec >>> 0, true);
  v.setUint32(8, r.data.length, true);
  v.setUint32(12, r.len, true);
  b.set(r.data, 16);
  return b;
}

export type PcapError = { error: string };

/**
 * sf-pcap.c: pcap_check_header() + pcap_next_packet(). Errors carry libpcap's texts
 * ("bad dump file format", "truncated dump file; tried to read 24 file header bytes, only got N").
 */
export function parsePcap(b: Uint8Array): PcapFile | PcapError {
  if (b.length < 4) {
    return { error: `truncated dump file; tried to read 4 file header bytes, only got ${b.length}` };
  }
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let le: boolean;
  let nsec = false;
  const m = v.getUint32(0, true);
  if (m === TCPDUMP_MAGIC) le = true;
  else if (m === NSEC_TCPDUMP_MAGIC) {
    le = true;
    nsec = true;
  } else if (v.getUint32(0, false) === TCPDUMP_MAGIC) le = false;
  else if (v.getUint32(0, false) === NSEC_TCPDUMP_MAGIC) {
    le = false;
    nsec = true;
  } else return { error: "unknown file format" };
  // the magic number is read already: the rest of the header is what fread() is short of
  if (b.length < 24) return { error: `truncated dump file; tried to read 24 file header bytes, only got ${b.length - 4}` };
  const major = v.getUint16(4, le);
  const minor = v.getUint16(6, le);
  if (major < PCAP_VERSION_MAJOR) return { error: "archaic pcap savefile format" };
  void minor;
  const snaplen = v.getUint32(16, le);
  const linktype = v.getUint32(20, le) & 0x03ffffff;
  const records: PcapRecord[] = [];
  let off = 24;
  while (off < b.length) {
    if (off + 16 > b.length) {
      return { snaplen, linktype, nsec, records, truncated: `truncated dump file; tried to read 16 header bytes, only got ${b.length - off}` };
    }
    const tsSec = v.getUint32(off, le);
    let tsUsec = v.getUint32(off + 4, le);
    const caplen = v.getUint32(off + 8, le);
    const len = v.getUint32(off + 12, le);
    off += 16;
    if (off + caplen > b.length) {
      return { snaplen, linktype, nsec, records, truncated: `truncated dump file; tried to read ${caplen} captured bytes, only got ${b.length - off}` };
    }
    if (nsec) tsUsec = Math.floor(tsUsec / 1000);
    records.push({ tsSec, tsUsec, len, data: b.slice(off, off + caplen) });
    off += caplen;
  }
  return { snaplen, linktype, nsec, records };
}

/** a byte buffer as a latin1 string (one char per byte) and back: files travel as strings */
export function bytesToLatin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

export function latin1ToBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}
