/** net-tools 2.10 lib/inet6_gr.c: the IPv6 routing table from /proc/net/ipv6_route (rprint_fib6, INET6_rprint). */
import type { Process } from "../../process.ts";
import { isKErr, strerror } from "../../../kernel/uapi/errno.ts";
import { sprintf } from "../../lib/printf.ts";
import { inetNtop6 } from "../../lib/utils.ts";
import { FLAG_CACHE, FLAG_EXT, FLAG_FIB, FLAG_NUM_HOST, FLAG_SYM } from "./util.ts";

const RTF_UP = 0x0001;
const RTF_GATEWAY = 0x0002;
const RTF_HOST = 0x0004;
const RTF_MODIFIED = 0x0020;
const RTF_REJECT = 0x0200;
const RTF_DEFAULT = 0x00010000;
const RTF_ALLONLINK = 0x00020000;
const RTF_ADDRCONF = 0x00040000;
const RTF_NONEXTHOP = 0x00200000;
const RTF_EXPIRES = 0x00400000;
const RTF_CACHE = 0x01000000;
const RTF_FLOW = 0x02000000;

function hex6(s: string): Uint8Array {
  const a = new Uint8Array(16);
  for (let i = 0; i < 16; i++) a[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16) || 0;
  return a;
}

/** lib/inet6.c: INET6_rresolve() without a resolver */
function inet6Rresolve(a: Uint8Array, numeric: number): string {
  if (numeric & 0x7fff) return inetNtop6(a);
  if (a.every((b) => b === 0)) return numeric & 0x8000 ? "default" : "[::]";
  return inetNtop6(a);
}

/** lib/inet6_gr.c: rprint_fib6() */
export function rprintFib6(p: Process, ext: number, numeric: number): number {
  void ext;
  const text = p.sys.fs.read("/proc/net/ipv6_route");
  if (isKErr(text)) {
    p.stderr.write(`/proc/net/ipv6_route: ${strerror(text.errno)}\n`);
    p.stdout.write("INET6 (IPv6) not configured in this system.\n");
    return 1;
  }
  let out = numeric & RTF_CACHE ? "Kernel IPv6 routing cache\n" : "Kernel IPv6 routing table\n";
  out += "Destination                    Next Hop                   Flag Met Ref  Use If\n";
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const iflags = parseInt(f[8]!, 16) >>> 0;
    if (iflags & RTF_CACHE) {
      if (!(numeric & RTF_CACHE)) continue;
    } else if (numeric & RTF_CACHE) continue;
    const addr6 = `${inet6Rresolve(hex6(f[0]!), numeric)}/${parseInt(f[1]!, 16)}`;
    const naddr6 = inet6Rresolve(hex6(f[4]!), numeric);
    const metric = parseInt(f[5]!, 16) | 0;
    const refcnt = parseInt(f[6]!, 16) | 0;
    const use = parseInt(f[7]!, 16) | 0;
    let flags = "";
    if (iflags & RTF_UP) flags += "U";
    if (iflags & RTF_REJECT) flags += "!";
    if (iflags & RTF_GATEWAY) flags += "G";
    if (iflags & RTF_HOST) flags += "H";
    if (iflags & RTF_DEFAULT) flags += "D";
    if (iflags & RTF_ADDRCONF) flags += "A";
    if (iflags & RTF_CACHE) flags += "C";
    if (iflags & RTF_ALLONLINK) flags += "a";
    if (iflags & RTF_EXPIRES) flags += "e";
    if (iflags & RTF_MODIFIED) flags += "m";
    if (iflags & RTF_NONEXTHOP) flags += "n";
    if (iflags & RTF_FLOW) flags += "f";
    out += sprintf("%-30s %-26s %-4s %-3d %-1d %6d %s\n", addr6, naddr6, flags, metric, refcnt, use, f[9] ?? "");
  }
  p.stdout.write(out);
  return 0;
}

/** lib/inet6_gr.c: INET6_rprint() (the neighbour cache of -C is read as the cached routes) */
export function inet6Rprint(p: Process, options: number): number {
  const ext = options & FLAG_EXT;
  const numeric = options & (FLAG_NUM_HOST | FLAG_SYM);
  let rc = 2;
  if (options & FLAG_FIB) {
    rc = rprintFib6(p, ext, numeric);
    if (rc) return rc;
  }
  if (options & FLAG_CACHE) rc = rprintFib6(p, ext, numeric | RTF_CACHE);
  return rc;
}
