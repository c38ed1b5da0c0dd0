/**
 * IPv4 addresses and masks as libxtables reads and prints them (xtoptions.c, xtables.c): one
 * copy for every extension. Host names are not looked up here (getaddrinfo() of a name in an
 * extension option answers "Name or service not known"); numeric hosts are glibc's
 * __inet_aton_exact(), as getaddrinfo(AI_NUMERICHOST) reads them.
 */
import { inetAtonExact } from "../lib/inet_addr.ts";
import { inetPton6 } from "../lib/utils.ts";
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
