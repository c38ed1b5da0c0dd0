/**
 * net-tools lib/hw.c and the hardware types it lists (lib/ether.c, loopback.c, tunnel.c, …):
 * name, ARPHRD type, address length, title, printer and parser.
 */
import type { Process } from "../../process.ts";

export interface HwType {
  name: string;
  title: string;
  type: number;
  alen: number;
  /** hw->print, or undefined (loop, tunnel: no address shown) */
  print?: (a: Uint8Array) => string;
  /** hw->input: the address bytes, or undefined on a parse error */
  input?: (s: string) => Uint8Array | undefined;
  suppressNullAddr?: boolean;
}

const hex2 = (b: number | undefined): string => (b ?? 0).toString(16).padStart(2, "0");

/** lib/ether.c: pr_ether() */
export function prEther(a: Uint8Array): string {
  return `${hex2(a[0])}:${hex2(a[1])}:${hex2(a[2])}:${hex2(a[3])}:${hex2(a[4])}:${hex2(a[5])}`;
}

function hexval(c: string | undefined): number {
  if (c === undefined) return -1;
  if (c >= "0" && c <= "9") return c.charCodeAt(0) - 48;
  if (c >= "a" && c <= "f") return c.charCodeAt(0) - 87;
  if (c >= "A" && c <= "F") return c.charCodeAt(0) - 55;
  return -1;
}

/** lib/ether.c: in_ether() — "xx:xx:…", single digits allowed, trailing junk ignored */
export function inEther(buf: string): Uint8Array | undefined {
  const out = new Uint8Array(6);
  let i = 0;
  let k = 0;
  while (k < buf.length && i < 6) {
    let val = hexval(buf[k++]);
    if (val < 0) return undefined;
    val <<= 4;
    const c = buf[k];
    const d = hexval(c);
    if (d >= 0) val |= d;
    else if (c === ":" || c === undefined) val >>= 4;
    else return undefined;
    if (c !== undefined) k++;
    out[i++] = val & 0xff;
    if (buf[k] === ":") k++;
  }
  return out;
}

/** lib/unix.c / loopback.c: UNSPEC_print() — 16 bytes as XX-XX-… */
export function prUnspec(a: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i++) parts.push(hex2(a[i]).toUpperCase());
  return parts.join("-");
}

/** lib/tunnel.c: pr_tunnel() prints nothing */
const prNone = (): string => "";

/** lib/hw.c: hwtypes[] in order, with hwinit()'s titles */
export const hwtypes: HwType[] = [
  { name: "loop", title: "Local Loopback", type: 772, alen: 0 },
  { name: "slip", title: "Serial Line IP", type: 256, alen: 0 },
  { name: "cslip", title: "VJ Serial Line IP", type: 257, alen: 0 },
  { name: "slip6", title: "6-bit Serial Line IP", type: 258, alen: 0 },
  { name: "cslip6", title: "VJ 6-bit Serial Line IP", type: 259, alen: 0 },
  { name: "adaptive", title: "Adaptive Serial Line IP", type: 264, alen: 0 },
  { name: "ash", title: "Ash", type: 781, alen: 64, print: prUnspec, suppressNullAddr: true },
  { name: "ether", title: "Ethernet", type: 1, alen: 6, print: prEther, input: inEther },
  { name: "ax25", title: "AMPR AX.25", type: 3, alen: 7 },
  { name: "netrom", title: "AMPR NET/ROM", type: 0, alen: 7 },
  { name: "rose", title: "AMPR ROSE", type: 270, alen: 5 },
  { name: "tunnel", title: "IPIP Tunnel", type: 768, alen: 0, print: prNone },
  { name: "ppp", title: "Point-to-Point Protocol", type: 512, alen: 0 },
  { name: "hdlc", title: "(Cisco)-HDLC", type: 513, alen: 0 },
  { name: "lapb", title: "LAPB", type: 516, alen: 0 },
  { name: "arcnet", title: "ARCnet", type: 7, alen: 1 },
  { name: "dlci", title: "Frame Relay DLCI", type: 15, alen: 2 },
  { name: "frad", title: "Frame Relay Access Device", type: 770, alen: 0 },
  { name: "sit", title: "IPv6-in-IPv4", type: 776, alen: 0, print: prNone },
  { name: "fddi", title: "Fiber Distributed Data Interface", type: 774, alen: 6, print: prEther },
  { name: "hippi", title: "HIPPI", type: 780, alen: 6, print: prEther },
  { name: "irda", title: "IrLAP", type: 783, alen: 4 },
  { name: "ec", title: "Econet", type: 0, alen: 0 },
  { name: "x25", title: "generic X.25", type: 271, alen: 16 },
  { name: "infiniband", title: "InfiniBand", type: 32, alen: 20 },
  { name: "eui64", title: "Generic EUI-64", type: 27, alen: 8 },
  { name: "unspec", title: "UNSPEC", type: -1, alen: 0, print: prUnspec },
];

// netrom/ec have no entries of their own type on Linux builds: keep them unmatched by number
const byNumber = hwtypes.filter((h) => h.name !== "netrom" && h.name !== "ec");

/** lib/hw.c: get_hwtype(name) */
export function getHwtype(name: string): HwType | undefined {
  return hwtypes.find((h) => h.name === name);
}

/** lib/hw.c: get_hwntype(type) */
export function getHwntype(type: number): HwType | undefined {
  return byNumber.find((h) => h.type === type);
}

/** lib/hw.c: hw_null_address() */
export function hwNullAddress(hw: HwType, a: Uint8Array): boolean {
  for (let i = 0; i < hw.alen; i++) if (a[i]) return false;
  return true;
}

/** the hardware types `ifconfig --help` lists (Debian's build, InfiniBand left out) */
const listed = ["loop", "slip", "cslip", "slip6", "cslip6", "adaptive", "ash", "ether", "ax25", "netrom", "rose", "tunnel", "ppp", "hdlc", "lapb", "arcnet", "dlci", "frad", "sit", "fddi", "hippi", "irda", "ec", "x25", "eui64"];

/** lib/hw.c: print_hwlist(type) — 0: all, 1: ARPable; always to stderr */
export function printHwlist(p: Process, type: number): void {
  let s = "";
  let count = 0;
  for (const n of listed) {
    const h = getHwtype(n)!;
    if (type === 1 && h.alen === 0) continue;
    if (count % 3 === 0) s += count ? "\n    " : "    ";
    s += `${h.name} (${h.title}) `;
    count++;
  }
  p.stderr.write(s + "\n");
}
