/**
 * ip/ipmaddr.c (iproute2 6.1): `ip maddress` — show [dev NAME] reading /proc/net/dev_mcast,
 * /proc/net/igmp and /proc/net/igmp6 (read_dev_mcast, read_igmp, read_igmp6, print_mlist),
 * add/del through the SIOCADDMULTI / SIOCDELMULTI ioctls (multiaddr_modify).
 */
import { COLOR_IFNAME, COLOR_MAC, ifaFamilyColor } from "../lib/json_print.ts";
import type { IpCtx } from "../lib/context.ts";
import { AF_INET, AF_INET6, AF_PACKET } from "../../kernel/uapi/rtnetlink.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import {
  checkIfname, duparg, duparg2, familyName, formatHost, incompleteCommand, invarg, llAddrA2n, llAddrN2a, matches,
} from "../lib/utils.ts";

/** ip/ipmaddr.c: the static `filter` */
interface MaddrFilter {
  dev: string | undefined;
  family: number;
}

/** ip/ipmaddr.c: struct ma_info */
interface MaInfo {
  index: number;
  users: number;
  features: string | undefined;
  name: string;
  family: number;
  addr: Uint8Array;
}

/** ip/ipmaddr.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err("Usage: ip maddr [ add | del ] MULTIADDR dev STRING\n" + "       ip maddr show [ dev STRING ]\n");
  return ctx.exit(-1);
}

/** ip/ipmaddr.c: parse_hex() */
function parseHex(str: string, size: number): Uint8Array | undefined {
  const out: number[] = [];
  let i = 0;
  while (i < str.length && out.length < 2 * size) {
    if (i + 1 >= str.length) return undefined;
    // sscanf("%02x"): up to two hex digits
    const m = /^[0-9a-fA-F]{1,2}/.exec(str.slice(i, i + 2));
    if (!m) return undefined;
    out.push(parseInt(m[0], 16));
    i += 2;
  }
  return Uint8Array.from(out);
}

/** ip/ipmaddr.c: maddr_ins(): sorted by ifindex, in reading order within one */
function maddrIns(list: MaInfo[], m: MaInfo): void {
  let i = 0;
  while (i < list.length && !(list[i]!.index > m.index)) i++;
  list.splice(i, 0, m);
}

/** the /proc file's lines, or none when it cannot be opened */
function procLines(ctx: IpCtx, path: string): string[] {
  const r = ctx.sys.fs.read(path);
  if (isKErr(r)) return [];
  const lines = r.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** ip/ipmaddr.c: read_dev_mcast() */
function readDevMcast(ctx: IpCtx, f: MaddrFilter, list: MaInfo[]): void {
  for (const buf of procLines(ctx, "/proc/net/dev_mcast")) {
    // sscanf(buf, "%d%s%d%d%s", &m.index, m.name, &m.users, &st, hexa)
    const t = buf.trim().split(/\s+/);
    const index = parseInt(t[0] ?? "", 10) || 0;
    const name = t[1] ?? "";
    const users = parseInt(t[2] ?? "", 10) || 0;
    const st = parseInt(t[3] ?? "", 10) || 0;
    if (f.dev !== undefined && f.dev !== name) continue;
    const addr = parseHex(t[4] ?? "", 256);
    if (!addr) continue;
    maddrIns(list, { index, name, users, features: st ? "static" : undefined, family: AF_PACKET, addr });
  }
}

/** ip/ipmaddr.c: read_igmp() */
function readIgmp(ctx: IpCtx, f: MaddrFilter, list: MaInfo[]): void {
  const lines = procLines(ctx, "/proc/net/igmp");
  if (!lines.length) return;
  let index = 0;
  let name = "";
  for (const buf of lines.slice(1)) {
    if (buf[0] !== "\t") {
      const t = buf.trim().split(/\s+/);
      index = parseInt(t[0] ?? "", 10) || 0;
      name = t[1] ?? "";
      if (name.endsWith(":")) name = name.slice(0, -1);
      continue;
    }
    if (f.dev !== undefined && f.dev !== name) continue;
    // sscanf(buf, "%08x%d", (__u32 *)&m.addr.data, &m.users): the kernel prints the
    // big-endian group as a host (little-endian) number, read back the same way
    const t = buf.trim().split(/\s+/);
    const v = parseInt((t[0] ?? "").slice(0, 8), 16) >>> 0;
    const users = parseInt(t[1] ?? "", 10) || 0;
    const addr = Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    maddrIns(list, { index, name, users, features: undefined, family: AF_INET, addr });
  }
}

/** ip/ipmaddr.c: read_igmp6() */
function readIgmp6(ctx: IpCtx, f: MaddrFilter, list: MaInfo[]): void {
  for (const buf of procLines(ctx, "/proc/net/igmp6")) {
    // sscanf(buf, "%d%s%s%d", &m.index, m.name, hexa, &m.users)
    const t = buf.trim().split(/\s+/);
    const index = parseInt(t[0] ?? "", 10) || 0;
    const name = t[1] ?? "";
    const users = parseInt(t[3] ?? "", 10) || 0;
    if (f.dev !== undefined && f.dev !== name) continue;
    const addr = parseHex(t[2] ?? "", 256);
    if (!addr) continue;
    maddrIns(list, { index, name, users, features: undefined, family: AF_INET6, addr });
  }
}

/** ip/ipmaddr.c: print_maddr() */
function printMaddr(ctx: IpCtx, m: MaInfo): void {
  ctx.printString(PRINT_FP, null, "\t", null);
  ctx.openJsonObject(null);
  if (m.family === AF_PACKET) {
    ctx.printString(PRINT_FP, null, "link  ", null);
    ctx.printString(PRINT_ANY, "link", "%s", llAddrN2a(m.addr, m.addr.length, 0), COLOR_MAC);
  } else {
    ctx.printString(PRINT_ANY, "family", "%-5s ", familyName(m.family));
    ctx.printString(PRINT_ANY, "address", "%s", formatHost(m.family, m.addr), ifaFamilyColor(m.family));
  }
  if (m.users !== 1) ctx.printUint(PRINT_ANY, "users", " users %u", m.users);
  if (m.features) ctx.printString(PRINT_ANY, "features", " %s", m.features);
  ctx.printString(PRINT_FP, null, "\n", null);
  ctx.closeJsonObject();
}

/** ip/ipmaddr.c: print_mlist() */
function printMlist(ctx: IpCtx, list: MaInfo[]): void {
  let curIndex = 0;
  ctx.newJsonObj(ctx.json);
  for (const m of list) {
    if (m.index !== curIndex || ctx.oneline) {
      if (curIndex) {
        ctx.closeJsonArray(PRINT_JSON, null);
        ctx.closeJsonObject();
      }
      ctx.openJsonObject(null);
      ctx.printUint(PRINT_ANY, "ifindex", "%d:", m.index);
      ctx.printString(PRINT_ANY, "ifname", "\t%s", m.name, COLOR_IFNAME);
      ctx.printNl();
      curIndex = m.index;
      ctx.openJsonArray(PRINT_JSON, "maddr");
    }
    printMaddr(ctx, m);
  }
  if (curIndex) {
    ctx.closeJsonArray(PRINT_JSON, null);
    ctx.closeJsonObject();
  }
  ctx.deleteJsonObj();
}

/** ip/ipmaddr.c: multiaddr_list() */
function multiaddrList(ctx: IpCtx, argv: string[]): number {
  const f: MaddrFilter = { dev: undefined, family: ctx.preferredFamily };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    if (a === "dev") {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      a = argv[++i]!;
    } else if (!matches(a, "help")) usage(ctx);
    if (f.dev !== undefined) duparg2(ctx, "dev", a);
    f.dev = a;
  }
  const list: MaInfo[] = [];
  if (!f.family || f.family === AF_PACKET) readDevMcast(ctx, f, list);
  if (!f.family || f.family === AF_INET) readIgmp(ctx, f, list);
  if (!f.family || f.family === AF_INET6) readIgmp6(ctx, f, list);
  printMlist(ctx, list);
  return 0;
}

/** ip/ipmaddr.c: multiaddr_modify() */
function multiaddrModify(ctx: IpCtx, add: boolean, argv: string[]): never {
  let ifname = "";
  let hwaddr: Uint8Array | undefined;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    if (a === "dev") {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      a = argv[++i]!;
      if (ifname) duparg(ctx, "dev", a);
      if (checkIfname(a)) invarg(ctx, '"dev" not a valid ifname', a);
      ifname = a;
    } else {
      if (!matches(a, "address")) {
        if (i + 1 >= argv.length) incompleteCommand(ctx);
        a = argv[++i]!;
      }
      if (!matches(a, "help")) usage(ctx);
      if (hwaddr && hwaddr[0]) duparg(ctx, "address", a);
      const ll = llAddrA2n(ctx, a, 14);
      if (!ll) ctx.exit(1);
      if (ll.length !== 6) {
        ctx.err("Error: Invalid address length %d - must be %d bytes\n", ll.length, 6);
        ctx.exit(1);
      }
      hwaddr = ll;
    }
  }
  if (!ifname) {
    ctx.err('Not enough information: "dev" is required.\n');
    ctx.exit(-1);
  }
  const r = ctx.sys.ioctl({
    request: add ? "SIOCADDMULTI" : "SIOCDELMULTI", ifname, hwaddr: hwaddr ?? new Uint8Array(14), sa_family: 0,
  });
  if (isKErr(r)) {
    // perror("ioctl")
    ctx.err("ioctl: %s\n", strerror(r.errno));
    ctx.exit(1);
  }
  return ctx.exit(0);
}

/** ip/ipmaddr.c: do_multiaddr() */
export function doMultiaddr(ctx: IpCtx, argv: string[]): number {
  if (argv.length < 1) return multiaddrList(ctx, []);
  const [c, ...rest] = argv as [string, ...string[]];
  if (!matches(c, "add")) return multiaddrModify(ctx, true, rest);
  if (!matches(c, "delete")) return multiaddrModify(ctx, false, rest);
  if (!matches(c, "list") || !matches(c, "show") || !matches(c, "lst")) return multiaddrList(ctx, rest);
  if (!matches(c, "help")) usage(ctx);
  ctx.err('Command "%s" is unknown, try "ip maddr help".\n', c);
  return ctx.exit(-1);
}
