/**
 * ip/tunnel.c (iproute2 6.1): the helpers `ip tunnel` (iptunnel.c) and the `ip link` tunnel
 * kinds (link_gre.c, link_iptnl.c) share.
 */
import type { IpCtx } from "../lib/context.ts";
import { AF_INET } from "../../kernel/uapi/rtnetlink.ts";
import { PRINT_ANY, PRINT_FP } from "../lib/json_print.ts";
import { formatHost, getAddr1, getUnsigned, newPrefix } from "../lib/utils.ts";
import { readU32 } from "../../wire/addr.ts";

/** lib/utils.c: get_addr32() (host order) */
export function getAddr32(ctx: IpCtx, name: string): number {
  const addr = newPrefix();
  if (getAddr1(undefined, addr, name, AF_INET)) {
    ctx.err('Error: an IP address is expected rather than "%s"\n', name);
    ctx.exit(1);
  }
  return addr.data.length ? readU32(Uint8Array.from(addr.data.slice(0, 4)), 0) : 0;
}

/** ip/tunnel.c: tnl_parse_key() (host order) */
export function tnlParseKey(ctx: IpCtx, name: string, key: string): number {
  if (key.includes(".")) return getAddr32(ctx, key);
  const v = getUnsigned(key, 0);
  if (v === undefined) {
    ctx.err('invalid value for "%s": "%s"; it should be an unsigned integer\n', name, key);
    ctx.exit(-1);
  }
  return v >>> 0;
}

/** ip/tunnel.c: tnl_print_endpoint() */
export function tnlPrintEndpoint(ctx: IpCtx, name: string, rta: unknown): void {
  let value: string;
  if (!(rta instanceof Uint8Array) || rta.every((b) => b === 0)) value = "any";
  else value = formatHost(AF_INET, rta);
  /* print_string_name_value() */
  if (ctx.isJsonContext()) ctx.printString(PRINT_ANY, name, null, value);
  else ctx.printf("%s %s", name, value);
  ctx.printString(PRINT_FP, null, " ", null);
}
