/**
 * glibc's inet_aton() family (resolv/inet_addr.c), for every tool that parses an IPv4 address
 * the way the C library does.
 */

import { isdigit, isspace } from "./ctype.ts";

/**
 * glibc inet_aton(): "a", "a.b", "a.b.c", "a.b.c.d", each part decimal, octal (0…) or hex (0x…);
 * trailing whitespace (and what follows it) is allowed. Returns the address in host order.
 */
function inetAtonEnd(cp: string, exact: boolean): number | undefined {
  const parts: number[] = [];
  let i = 0;
  for (;;) {
    if (!isdigit(cp[i])) return undefined;
    let base = 10;
    if (cp[i] === "0") {
      if (cp[i + 1] === "x" || cp[i + 1] === "X") {
        base = 16;
        i += 2;
      } else {
        base = 8;
        i++;
      }
    }
    let val = 0;
    let any = base === 8; // a lone "0" is a valid octal zero
    for (;;) {
      const c = cp[i];
      if (c === undefined) break;
      const d = parseInt(c, 16);
      if (isdigit(c) && (base !== 8 || (c !== "8" && c !== "9"))) {
        val = val * base + d;
      } else if (base === 16 && !Number.isNaN(d)) {
        val = val * 16 + d;
      } else if (isdigit(c)) return undefined;
      else break;
      any = true;
      if (val > 0xffffffff) return undefined;
      i++;
    }
    if (!any) return undefined;
    if (cp[i] === ".") {
      if (parts.length >= 3 || val > 0xff) return undefined;
      parts.push(val);
      i++;
      continue;
    }
    parts.push(val);
    break;
  }
  if (i < cp.length && (exact || !isspace(cp[i]))) return undefined;
  const n = parts.length;
  const last = parts[n - 1]!;
  const max = [0xffffffff, 0xffffff, 0xffff, 0xff][n - 1]!;
  if (last > max) return undefined;
  let addr = 0;
  for (let k = 0; k < n - 1; k++) addr = addr * 256 + parts[k]!;
  return ((addr * 2 ** (8 * (4 - (n - 1)))) + last) >>> 0;
}

export function inetAton(cp: string): number | undefined {
  return inetAtonEnd(cp, false);
}

/** __inet_aton_exact(): the whole string is the address (getaddrinfo()'s numeric hosts) */
export function inetAtonExact(cp: string): number | undefined {
  return inetAtonEnd(cp, true);
}
