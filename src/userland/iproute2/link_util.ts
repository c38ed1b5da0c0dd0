/**
 * ip/ip_common.h: struct link_util and ip/iplink.c: get_link_kind() — the per-kind option
 * parsers and printers (`ip link add … type KIND ARGS`, `ip -d link show`).
 */
import type { IpCtx } from "../lib/context.ts";
import type { InfoData, LinkMsg } from "../../kernel/uapi/rtnetlink.ts";

export interface LinkUtil {
  id: string;
  /** parse ARGS into `data` (IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA); returns <0 on error */
  parseOpt?(ctx: IpCtx, argv: string[], data: InfoData, req: LinkMsg): Promise<number> | number;
  printOpt?(ctx: IpCtx, data: InfoData | undefined): void;
  printHelp?(ctx: IpCtx, argv: string[]): void;
}

const linkUtils = new Map<string, LinkUtil>();

export function registerLinkUtil(lu: LinkUtil): void {
  linkUtils.set(lu.id, lu);
}

/** ip/iplink.c: get_link_kind() */
export function getLinkKind(id: string): LinkUtil | undefined {
  return linkUtils.get(id);
}
