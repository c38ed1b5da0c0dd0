/**
 * ip/iplink_macvlan.c (iproute2 6.1): `type macvlan|macvtap` options (macvlan_parse_opt,
 * macvlan_print_opt). IFLA_INFO_DATA keys are the kernel's IFLA_MACVLAN_* names;
 * IFLA_MACVLAN_MACADDR_DATA (a nest of IFLA_MACVLAN_MACADDR) is a list of addresses.
 */
import type { IpCtx } from "../lib/context.ts";
import type { InfoData, LinkMsg } from "../../kernel/uapi/rtnetlink.ts";
import { PRINT_ANY, PRINT_JSON } from "../lib/json_print.ts";
import { getU32, incompleteCommand, llAddrA2n, matches } from "../lib/utils.ts";
import { registerLinkUtil } from "./link_util.ts";
import { macToString } from "../../wire/addr.ts";
import { ETH_ALEN } from "../../kernel/uapi/if.ts";

export const MACVLAN_MODE_PRIVATE = 1;
export const MACVLAN_MODE_VEPA = 2;
export const MACVLAN_MODE_BRIDGE = 4;
export const MACVLAN_MODE_PASSTHRU = 8;
export const MACVLAN_MODE_SOURCE = 16;
/** enum macvlan_macaddr_mode */
const MACVLAN_MACADDR_ADD = 0;
const MACVLAN_MACADDR_DEL = 1;
const MACVLAN_MACADDR_FLUSH = 2;
const MACVLAN_MACADDR_SET = 3;
const MACADDR_MODES: Record<string, number> = Object.assign(Object.create(null), {
  add: MACVLAN_MACADDR_ADD, del: MACVLAN_MACADDR_DEL, set: MACVLAN_MACADDR_SET, flush: MACVLAN_MACADDR_FLUSH,
});
export const MACVLAN_FLAG_NOPROMISC = 1;
export const MACVLAN_FLAG_NODST = 2;

/** ip/iplink_macvlan.c: print_explain() */
function printExplain(ctx: IpCtx, id: string): void {
  ctx.err(
    `Usage: ... ${id} mode MODE [flag MODE_FLAG] MODE_OPTS [bcqueuelen BC_QUEUE_LEN]\n` +
      "\n" +
      "MODE: private | vepa | bridge | passthru | source\n" +
      "MODE_FLAG: null | nopromisc | nodst\n" +
      'MODE_OPTS: for mode "source":\n' +
      "\tmacaddr { { add | del } <macaddr> | set [ <macaddr> [ <macaddr>  ... ] ] | flush }\n" +
      "BC_QUEUE_LEN: Length of the rx queue for broadcast/multicast: [0-4294967295]\n",
  );
}

/** pfx_err() */
function pfxErr(ctx: IpCtx, id: string, msg: string): void {
  ctx.err("%s: ", id);
  ctx.err("%s", msg);
  ctx.err("\n");
}

/** ip/iplink_macvlan.c: macvlan_parse_opt() */
function macvlanParseOpt(ctx: IpCtx, id: string, argv: string[], data: InfoData): number {
  let mode = 0;
  let flags = 0;
  let hasFlags = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      return argv[++i]!;
    };
    if (!matches(a, "mode")) {
      const v = next();
      if (v === "private") mode = MACVLAN_MODE_PRIVATE;
      else if (v === "vepa") mode = MACVLAN_MODE_VEPA;
      else if (v === "bridge") mode = MACVLAN_MODE_BRIDGE;
      else if (v === "passthru") mode = MACVLAN_MODE_PASSTHRU;
      else if (v === "source") mode = MACVLAN_MODE_SOURCE;
      else {
        ctx.err('Error: argument of "mode" must be "private", "vepa", "bridge", "passthru" or "source", not "%s"\n', v);
        return -1;
      }
    } else if (!matches(a, "flag")) {
      const v = next();
      if (v === "nopromisc") flags |= MACVLAN_FLAG_NOPROMISC;
      else if (v === "nodst") flags |= MACVLAN_FLAG_NODST;
      else if (v !== "null") {
        ctx.err('Error: argument of "flag" must be "nopromisc", "nodst" or "null", not "%s"\n', v);
        return -1;
      }
      hasFlags = true;
    } else if (!matches(a, "macaddr")) {
      const v = next();
      const macMode = MACADDR_MODES[v];
      if (macMode === undefined) {
        printExplain(ctx, id);
        return -1;
      }
      data["IFLA_MACVLAN_MACADDR_MODE"] = macMode;
      if (macMode === MACVLAN_MACADDR_ADD || macMode === MACVLAN_MACADDR_DEL) {
        const mac = llAddrA2n(ctx, next(), ETH_ALEN);
        if (mac?.length !== ETH_ALEN) return -1;
        data["IFLA_MACVLAN_MACADDR"] = mac;
      }
      if (macMode === MACVLAN_MACADDR_SET) {
        // as many addresses as follow; the first word that is none ends the list (and is
        // parsed again as an option)
        const list: Uint8Array[] = [];
        while (i + 1 < argv.length) {
          const mac = llAddrA2n(ctx, argv[i + 1]!, ETH_ALEN);
          if (mac?.length !== ETH_ALEN) break;
          list.push(mac);
          i++;
        }
        data["IFLA_MACVLAN_MACADDR_DATA"] = list;
      }
    } else if (!matches(a, "nopromisc")) {
      flags |= MACVLAN_FLAG_NOPROMISC;
      hasFlags = true;
    } else if (!matches(a, "nodst")) {
      flags |= MACVLAN_FLAG_NODST;
      hasFlags = true;
    } else if (!matches(a, "bcqueuelen")) {
      const v = next();
      const n = getU32(v, 0);
      if (n === undefined) {
        ctx.err('Error: argument of "bcqueuelen" must be a positive integer [0-4294967295], not "%s"\n', v);
        return -1;
      }
      data["IFLA_MACVLAN_BC_QUEUE_LEN"] = n;
    } else if (!matches(a, "help")) {
      printExplain(ctx, id);
      return -1;
    } else {
      pfxErr(ctx, id, `unknown option "${a}"?`);
      printExplain(ctx, id);
      return -1;
    }
  }
  if (mode) data["IFLA_MACVLAN_MODE"] = mode;
  if (hasFlags) {
    if (flags & MACVLAN_FLAG_NOPROMISC && mode !== MACVLAN_MODE_PASSTHRU) {
      pfxErr(ctx, id, "nopromisc flag only valid in passthru mode");
      printExplain(ctx, id);
      return -1;
    }
    data["IFLA_MACVLAN_FLAGS"] = flags;
  }
  return 0;
}

/** ip/iplink_macvlan.c: macvlan_print_opt() */
function macvlanPrintOpt(ctx: IpCtx, tb: InfoData | undefined): void {
  if (!tb) return;
  const mode = tb["IFLA_MACVLAN_MODE"];
  if (typeof mode !== "number") return;
  ctx.printString(PRINT_ANY, "mode", "mode %s ",
    mode === MACVLAN_MODE_PRIVATE ? "private"
      : mode === MACVLAN_MODE_VEPA ? "vepa"
        : mode === MACVLAN_MODE_BRIDGE ? "bridge"
          : mode === MACVLAN_MODE_PASSTHRU ? "passthru"
            : mode === MACVLAN_MODE_SOURCE ? "source" : "unknown");
  const flags = typeof tb["IFLA_MACVLAN_FLAGS"] === "number" ? (tb["IFLA_MACVLAN_FLAGS"] as number) : 0;
  if (flags & MACVLAN_FLAG_NOPROMISC) ctx.printBool(PRINT_ANY, "nopromisc", "nopromisc ", true);
  if (flags & MACVLAN_FLAG_NODST) ctx.printBool(PRINT_ANY, "nodst", "nodst ", true);
  const bc = tb["IFLA_MACVLAN_BC_QUEUE_LEN"];
  if (typeof bc === "number") ctx.printUint(PRINT_ANY, "bcqueuelen", "bcqueuelen %lu ", bc);
  const used = tb["IFLA_MACVLAN_BC_QUEUE_LEN_USED"];
  if (typeof used === "number") ctx.printUint(PRINT_ANY, "usedbcqueuelen", "usedbcqueuelen %lu ", used);
  if (mode !== MACVLAN_MODE_SOURCE) return;
  const count = tb["IFLA_MACVLAN_MACADDR_COUNT"];
  if (typeof count !== "number") return;
  ctx.printInt(PRINT_ANY, "macaddr_count", "remotes (%d) ", count);
  const list = tb["IFLA_MACVLAN_MACADDR_DATA"] as Uint8Array[] | undefined;
  if (!list) return;
  ctx.openJsonArray(PRINT_JSON, "macaddr_data");
  for (const addr of list) {
    const text = macToString(addr);
    if (ctx.isJsonContext()) ctx.printString(PRINT_JSON, null, null, text);
    else ctx.printf("%s ", text);
  }
  ctx.closeJsonArray(PRINT_JSON, null);
}

for (const id of ["macvlan", "macvtap"]) {
  registerLinkUtil({
    id,
    parseOpt: (ctx: IpCtx, argv: string[], data: InfoData, _req: LinkMsg) => macvlanParseOpt(ctx, id, argv, data),
    printOpt: macvlanPrintOpt,
    printHelp: (ctx) => printExplain(ctx, id),
  });
}
