/**
 * net-tools 2.10 lib/inet_gr.c + lib/getroute.c: print the kernel's IPv4 routing table from
 * /proc/net/route (rprint_fib, rprint_cache, INET_rprint, route_info).
 */
import type { Process } from "../../process.ts";
import { isKErr, strerror } from "../../../kernel/uapi/errno.ts";
import { sprintf } from "../../lib/printf.ts";
import { Resolver, inetNtoa } from "./inet.ts";
import { inet6Rprint } from "./inet6_gr.ts";
import { E_NOSUPP, E_OPTERR, FLAG_CACHE, FLAG_EXT, FLAG_FIB, FLAG_NUM_HOST, FLAG_SYM } from "./util.ts";

export const RTF_UP = 0x0001;
export const RTF_GATEWAY = 0x0002;
export const RTF_HOST = 0x0004;
export const RTF_REINSTATE = 0x0008;
export const RTF_DYNAMIC = 0x0010;
export const RTF_MODIFIED = 0x0020;
export const RTF_MSS = 0x0040;
export const RTF_WINDOW = 0x0080;
export const RTF_IRTT = 0x0100;
export const RTF_REJECT = 0x0200;
const RTF_DEFAULT = 0x00010000;
const RTF_ALLONLINK = 0x00020000;
const RTF_ADDRCONF = 0x00040000;
const RTF_NONEXTHOP = 0x00200000;
const RTF_EXPIRES = 0x00400000;
const RTF_CACHE = 0x01000000;
const RTF_FLOW = 0x02000000;
const RTF_POLICY = 0x04000000;
const RTF_LOCAL = 0x80000000;

/** INET_getsock(): a /proc hex word (the raw __be32 printed by a little-endian kernel) */
export function procHexAddr(hex: string): number {
  const v = parseInt(hex, 16) >>> 0;
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** proc_gen_fmt(): the columns of a /proc table by its header names */
export function procTable(text: string): { cols: Map<string, number>; rows: string[][] } {
  const lines = text.split("\n");
  const head = (lines[0] ?? "").split(/\s+/).filter((s) => s !== "");
  const cols = new Map(head.map((h, i) => [h, i]));
  const rows = lines.slice(1).map((l) => l.split(/\s+/).filter((s) => s !== "")).filter((r) => r.length > 0);
  return { cols, rows };
}

/** lib/inet_gr.c: rprint_fib() */
export function rprintFib(p: Process, res: Resolver, ext: number, numeric: number): number {
  const text = p.sys.fs.read("/proc/net/route");
  if (isKErr(text)) {
    p.stderr.write(`/proc/net/route: ${strerror(text.errno)}\n`);
    p.stdout.write("INET (IPv4) not configured in this system.\n");
    return 1;
  }
  let out = "Kernel IP routing table\n";
  if (ext === 1) out += "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n";
  if (ext === 2) out += "Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n";
  if (ext >= 3) out += "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface    MSS   Window irtt\n";
  const { cols, rows } = procTable(text);
  const col = (r: string[], name: string): string => r[cols.get(name) ?? -1] ?? "";
  for (const r of rows) {
    if (r.length < 10) continue;
    const iflags = parseInt(col(r, "Flags"), 16) >>> 0;
    if (!(iflags & RTF_UP)) continue;
    const iface = col(r, "Iface");
    const target = procHexAddr(col(r, "Destination"));
    const gw = procHexAddr(col(r, "Gateway"));
    const mask = procHexAddr(col(r, "Mask"));
    const refcnt = parseInt(col(r, "RefCnt"), 10) | 0;
    const use = parseInt(col(r, "Use"), 10) | 0;
    const metric = parseInt(col(r, "Metric"), 10) | 0;
    const mss = parseInt(col(r, "MTU"), 10) | 0;
    const window = parseInt(col(r, "Window"), 10) | 0;
    const irtt = parseInt(col(r, "IRTT"), 10) | 0;
    const netAddr = res.inetRresolve(target, numeric | 0x8000 | (iflags & RTF_HOST ? 0x4000 : 0), mask).slice(0, 15);
    const gateAddr = res.inetSprint(gw, numeric | 0x4000).slice(0, 15);
    const maskAddr = inetNtoa(mask).slice(0, 15);
    let flags = "";
    if (iflags & RTF_UP) flags += "U";
    if (iflags & RTF_GATEWAY) flags += "G";
    if (iflags & RTF_REJECT) flags = "!";
    if (iflags & RTF_HOST) flags += "H";
    if (iflags & RTF_REINSTATE) flags += "R";
    if (iflags & RTF_DYNAMIC) flags += "D";
    if (iflags & RTF_MODIFIED) flags += "M";
    if (iflags & RTF_DEFAULT) flags += "d";
    if (iflags & RTF_ALLONLINK) flags += "a";
    if (iflags & RTF_ADDRCONF) flags += "c";
    if (iflags & RTF_NONEXTHOP) flags += "o";
    if (iflags & RTF_EXPIRES) flags += "e";
    if (iflags & RTF_CACHE) flags += "c";
    if (iflags & RTF_FLOW) flags += "f";
    if (iflags & RTF_POLICY) flags += "p";
    if (iflags & RTF_LOCAL) flags += "l";
    if (iflags & RTF_MSS) flags += "u";
    if (iflags & RTF_WINDOW) flags += "w";
    if (iflags & RTF_IRTT) flags += "i";
    const reject = (iflags & RTF_REJECT) !== 0;
    if (ext === 1) {
      if (reject) out += sprintf("%-15s -               %-15s %-5s %-6d -  %7d -\n", netAddr, maskAddr, flags, metric, use);
      else out += sprintf("%-15s %-15s %-15s %-5s %-6d %-2d %7d %s\n", netAddr, gateAddr, maskAddr, flags, metric, refcnt, use, iface);
    }
    if (ext === 2) {
      if (reject) out += sprintf("%-15s -               %-15s %-5s     - -          - -\n", netAddr, maskAddr, flags);
      else out += sprintf("%-15s %-15s %-15s %-5s %5d %-5d %6d %s\n", netAddr, gateAddr, maskAddr, flags, mss, window, irtt, iface);
    }
    if (ext >= 3) {
      if (reject)
        out += sprintf("%-15s -               %-15s %-5s %-6d -  %7d -        -     -      -\n", netAddr, maskAddr, flags, metric, use);
      else
        out += sprintf("%-15s %-15s %-15s %-5s %-6d %-3d %6d %-6.6s   %-5d %-6d %d\n", netAddr, gateAddr, maskAddr, flags, metric, refcnt, use, iface, mss, window, irtt);
    }
  }
  p.stdout.write(out);
  return 0;
}

/** lib/inet_gr.c: rprint_cache() — modern kernels keep no IPv4 routing cache: the header only */
export function rprintCache(p: Process, ext: number): number {
  let out = "Kernel IP routing cache\n";
  if (ext === 1) out += "Source          Destination     Gateway         Flags Metric Ref    Use Iface\n";
  if (ext === 2) out += "Source          Destination     Gateway         Flags   MSS Window  irtt Iface\n";
  if (ext >= 3) out += "Source          Destination     Gateway         Flags Metric Ref    Use Iface    MSS   Window irtt  HH  Arp\n";
  p.stdout.write(out);
  return 0;
}

/** lib/inet_gr.c: INET_rprint() */
export function inetRprint(p: Process, res: Resolver, options: number): number {
  const ext = options & FLAG_EXT;
  const numeric = options & (FLAG_NUM_HOST | FLAG_SYM);
  let rc = 2;
  if (options & FLAG_FIB) {
    rc = rprintFib(p, res, ext, numeric);
    if (rc) return rc;
  }
  if (options & FLAG_CACHE) rc = rprintCache(p, ext);
  return rc;
}

/** lib/getroute.c: route_info() */
export function routeInfo(p: Process, res: Resolver, afname: string, options: number): number {
  let rc = E_OPTERR;
  for (const af of afname.split(",")) {
    if (af === "inet") rc = inetRprint(p, res, options);
    else if (af === "inet6") rc = inet6Rprint(p, options);
    else if (["ax25", "netrom", "rose", "ipx", "ddp", "x25"].includes(af)) {
      p.stderr.write(`Address family \`${af}' not supported.\n`);
      rc = E_NOSUPP;
    } else {
      p.stderr.write(`Address family \`${af}' not supported.\n`);
      return E_OPTERR;
    }
    if (rc) return rc;
  }
  return rc;
}
