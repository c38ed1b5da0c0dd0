/**
 * IPv4 addresses and masks as libxtables reads and prints them (xtoptions.c, xtables.c): one
 * copy for every extension. Host names are not looked up here (getaddrinfo() of a name in an
 * extension option answers "Name or service not known"); numeric hosts are glibc's
 * __inet_aton_exact(), as getaddrinfo(AI_NUMERICHOST) reads them.
 */
import { inetAtonExact } from "../lib/inet_addr.ts";
import { inetNtop6, inetPton6 } from "../lib/utils.ts";
import { EAI_ADDRFAMILY } from "../iputils/common.ts";
import { xtablesError, PARAMETER_PROBLEM } from "./xshared.ts";
import { strtouiMax } from "./extensions.ts";

/** a numeric IPv4 host: "a", "a.b", "a.b.c" or "a.b.c.d", C numbers (host order) */
export const numericHost = inetAtonExact;

/** xtables_ipaddr_to_numeric() */
export function ipToStr(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** xtables_ipmask_to_cidr(): the prefix length, -1 for a mask that is no prefix */
export function ipmaskToCidr(m: number): number {
  const inv = ~m >>> 0;
  return (inv & (inv + 1)) === 0 ? 32 - Math.log2(inv + 1) : -1;
}

/** xtopt_parse_host() for AF_INET: getaddrinfo(AF_INET) of an IPv6 literal is EAI_ADDRFAMILY */
export function parseHost(arg: string): number {
  const a = numericHost(arg);
  if (a === undefined) xtablesError(PARAMETER_PROBLEM, `getaddrinfo: ${inetPton6(arg) ? EAI_ADDRFAMILY : "Name or service not known"}\n`);
  return a;
}

/** xtopt_parse_plen(): 0..32, or a mask (getaddrinfo(AI_NUMERICHOST): "33" is 0.0.0.33) whose
 * prefix length it is; a mask with holes has none (255: the mask stays all ones) */
export function parsePlen(ext: string, opt: string, arg: string): number {
  const n = strtouiMax(arg, 32);
  if (n !== undefined) return n;
  const m = numericHost(arg);
  if (m === undefined)
    xtablesError(PARAMETER_PROBLEM, `${ext}: bad value for option "--${opt}", neither a valid network mask nor valid CIDR (0-32).\n`);
  const c = ipmaskToCidr(m);
  return c < 0 ? 255 : c;
}

/** the mask of a prefix length (over 32: all ones) */
export function plenToMask(hlen: number): number {
  if (hlen === 0) return 0;
  return hlen <= 32 ? (0xffffffff << (32 - hlen)) >>> 0 : 0xffffffff;
}

/** xtopt_parse_hostmask(): the host, then /PLEN or /MASK; [addr, mask] */
export function parseHostmask(arg: string, ext: string, opt: string): [number, number] {
  const slash = arg.indexOf("/");
  const a = parseHost(slash < 0 ? arg : arg.slice(0, slash));
  if (slash < 0) return [a, 0xffffffff];
  return [a, plenToMask(parsePlen(ext, opt, arg.slice(slash + 1)))];
}

// ---------------- IPv6 (xtables.c: xtables_ip6*) ----------------
/** an in6_addr as four host-order u32 words (the shape of Ip6tIp6's addresses) */
export type Ip6Words = number[];

export function bytesToWords6(a: Uint8Array): Ip6Words {
  const w: Ip6Words = [];
  for (let k = 0; k < 16; k += 4) w.push(((a[k]! << 24) | (a[k + 1]! << 16) | (a[k + 2]! << 8) | a[k + 3]!) >>> 0);
  return w;
}

function wordsToBytes6(w: Ip6Words): Uint8Array {
  const a = new Uint8Array(16);
  w.forEach((x, k) => {
    a[4 * k] = x >>> 24;
    a[4 * k + 1] = (x >>> 16) & 255;
    a[4 * k + 2] = (x >>> 8) & 255;
    a[4 * k + 3] = x & 255;
  });
  return a;
}

/** xtables_ip6addr_to_numeric(): inet_ntop(AF_INET6) */
export function ip6ToStr(w: Ip6Words): string {
  return inetNtop6(wordsToBytes6(w));
}

/** the mask of a prefix length 0..128 */
export function plenToMask6(bits: number): Ip6Words {
  return [0, 1, 2, 3].map((k) => plenToMask(Math.max(0, Math.min(32, bits - 32 * k))));
}

/** xtables_ip6mask_to_cidr(): the prefix length, -1 for a mask that is no prefix */
export function ip6maskToCidr(m: Ip6Words): number {
  let bits = 0;
  let k = 0;
  for (; k < 4 && m[k] === 0xffffffff; k++) bits += 32;
  if (k === 4) return 128;
  const c = m[k] === 0 ? 0 : ipmaskToCidr(m[k]!);
  if (c < 0) return -1;
  for (let j = k + 1; j < 4; j++) if (m[j] !== 0) return -1;
  return bits + c;
}

/** xtables_ip6mask_to_numeric(): "" for /128, "/LEN", or "/MASK" for a mask with holes */
export function ip6maskToNumeric(m: Ip6Words): string {
  const l = ip6maskToCidr(m);
  if (l === 128) return "";
  return l < 0 ? `/${ip6ToStr(m)}` : `/${l}`;
}

/** xtables.c: parse_ip6mask(): an IPv6 mask ("ffff::"), or a prefix length 0..128 (any base) */
function parseIp6mask(mask: string | undefined): Ip6Words {
  if (mask === undefined) return plenToMask6(128);
  if (mask.includes(":")) {
    const a = inetPton6(mask);
    if (!a) xtablesError(PARAMETER_PROBLEM, `invalid mask \`${mask}' specified`);
    return bytesToWords6(a);
  }
  const bits = strtouiMax(mask, 128);
  if (bits === undefined) xtablesError(PARAMETER_PROBLEM, `invalid mask \`${mask}' specified`);
  return plenToMask6(bits);
}

/**
 * xtables.c: xtables_ip6parse_multiple(): "a[/m],b…", each address masked by its mask; a name
 * is looked up in `hosts` (getaddrinfo(AF_INET6) of /etc/hosts), a null mask takes "::"
 */
export function ip6parseMultiple(s: string, hosts: Map<string, Ip6Words>): { addr: Ip6Words; mask: Ip6Words }[] {
  const out: { addr: Ip6Words; mask: Ip6Words }[] = [];
  for (const part of s.split(",")) {
    const slash = part.lastIndexOf("/");
    let host = slash >= 0 ? part.slice(0, slash) : part;
    const mask = parseIp6mask(slash >= 0 ? part.slice(slash + 1) : undefined);
    if (mask.every((x) => x === 0)) host = "::";
    // ip6parse_hostnetwork(): numeric_to_ip6addr(), host_to_ip6addr()
    const n = inetPton6(host);
    const addr = n ? bytesToWords6(n) : hosts.get(host);
    if (!addr) xtablesError(PARAMETER_PROBLEM, `host/network \`${host}' not found`);
    out.push({ addr: addr.map((x, k) => (x & mask[k]!) >>> 0), mask });
  }
  return out;
}
