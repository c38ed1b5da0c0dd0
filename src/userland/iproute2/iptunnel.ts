/**
 * ip/iptunnel.c + ip/tunnel.c (iproute2 6.1): `ip tunnel { add | change | del | show }` for
 * the IPv4 tunnels (ipip, gre, sit, isatap, vti) through the legacy SIOC*TUNNEL ioctls on the
 * fallback devices (tunl0, gre0, sit0), and the link dump that `ip tunnel show` walks.
 */
import type { IpCtx } from "../lib/context.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import { AF_INET, AF_INET6, AF_UNSPEC, type LinkMsg } from "../../kernel/uapi/rtnetlink.ts";
import {
  type IpTunnelParm, emptyTunnelParm, GRE_KEY, GRE_SEQ, GRE_CSUM, VTI_ISVTI, SIT_ISATAP,
  IPPROTO_IPIP, IPPROTO_GRE, IPPROTO_IPV6, IPPROTO_MPLS,
  SIOCGETTUNNEL, SIOCADDTUNNEL, SIOCCHGTUNNEL, SIOCDELTUNNEL,
} from "../../kernel/uapi/if_tunnel.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import {
  checkIfname, duparg2, formatHost, getU8, incompleteCommand, inetNtop6, invarg, matches, nodev, rtAddrN2a,
} from "../lib/utils.ts";
import { ipv4ToBytes } from "../../wire/addr.ts";
import { getAddr32, tnlParseKey } from "./tunnel.ts";

const IP_DF = 0x4000;
const ARPHRD_TUNNEL = 768;
const ARPHRD_SIT = 776;
const ARPHRD_IPGRE = 778;
const IPPROTO_ESP = 50;

/** ip/iptunnel.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip tunnel { add | change | del | show | prl | 6rd } [ NAME ]\n" +
      "        [ mode { gre | ipip | isatap | sit | vti } ]\n" +
      "        [ remote ADDR ] [ local ADDR ]\n" +
      "        [ [i|o]seq ] [ [i|o]key KEY ] [ [i|o]csum ]\n" +
      "        [ prl-default ADDR ] [ prl-nodefault ADDR ] [ prl-delete ADDR ]\n" +
      "        [ 6rd-prefix ADDR ] [ 6rd-relay_prefix ADDR ] [ 6rd-reset ]\n" +
      "        [ ttl TTL ] [ tos TOS ] [ [no]pmtudisc ] [ dev PHYS_DEV ]\n" +
      "\n" +
      "Where: NAME := STRING\n" +
      "       ADDR := { IP_ADDRESS | any }\n" +
      "       TOS  := { STRING | 00..ff | inherit | inherit/STRING | inherit/00..ff }\n" +
      "       TTL  := { 1..255 | inherit }\n" +
      "       KEY  := { DOTTED_QUAD | NUMBER }\n",
  );
  return ctx.exit(-1);
}

function inMulticast(a: number): boolean {
  return (a >>> 28) === 0xe;
}

/** ip/iptunnel.c: set_tunnel_proto() */
function setTunnelProto(ctx: IpCtx, p: IpTunnelParm, proto: number): void {
  if (p.iph.protocol && p.iph.protocol !== proto) {
    ctx.err("You managed to ask for more than one tunnel mode.\n");
    ctx.exit(-1);
  }
  p.iph.protocol = proto;
}

/** ip/tunnel.c: tnl_get_ioctl() */
function tnlGetIoctl(ctx: IpCtx, basedev: string, p: IpTunnelParm): number {
  const r = ctx.sys.ioctl({ request: SIOCGETTUNNEL, ifname: basedev, parm: p });
  if (isKErr(r)) {
    ctx.err('get tunnel "%s" failed: %s\n', basedev, strerror(r.errno));
    return -1;
  }
  Object.assign(p, r.parm as IpTunnelParm);
  return 0;
}

/** ip/tunnel.c: tnl_add_ioctl() */
function tnlAddIoctl(ctx: IpCtx, cmd: string, basedev: string, name: string, p: IpTunnelParm): number {
  const ifname = cmd === SIOCCHGTUNNEL && name ? name : basedev;
  const r = ctx.sys.ioctl({ request: cmd, ifname, parm: p });
  if (isKErr(r)) {
    ctx.err('add tunnel "%s" failed: %s\n', ifname, strerror(r.errno));
    return -1;
  }
  return 0;
}

/** ip/tunnel.c: tnl_del_ioctl() */
function tnlDelIoctl(ctx: IpCtx, basedev: string, name: string, p: IpTunnelParm): number {
  const ifname = name ? name : basedev;
  const r = ctx.sys.ioctl({ request: SIOCDELTUNNEL, ifname, parm: p });
  if (isKErr(r)) {
    ctx.err('delete tunnel "%s" failed: %s\n', ifname, strerror(r.errno));
    return -1;
  }
  return 0;
}

/** ip/iptunnel.c: parse_args() */
function parseArgs(ctx: IpCtx, argv: string[], cmd: string): IpTunnelParm {
  let count = 0;
  let medium: string | undefined;
  let isatap = 0;
  let p = emptyTunnelParm();
  p.iph.version = 4;
  p.iph.ihl = 5;
  p.iph.frag_off = IP_DF;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      return argv[++i]!;
    };
    if (a === "mode") {
      const m = next();
      if (m === "ipip" || m === "ip/ip") setTunnelProto(ctx, p, IPPROTO_IPIP);
      else if (m === "gre" || m === "gre/ip") setTunnelProto(ctx, p, IPPROTO_GRE);
      else if (m === "sit" || m === "ipv6/ip") setTunnelProto(ctx, p, IPPROTO_IPV6);
      else if (m === "isatap") {
        setTunnelProto(ctx, p, IPPROTO_IPV6);
        isatap++;
      } else if (m === "vti") {
        setTunnelProto(ctx, p, IPPROTO_IPIP);
        p.i_flags |= VTI_ISVTI;
      } else {
        ctx.err('Unknown tunnel mode "%s"\n', m);
        ctx.exit(-1);
      }
    } else if (a === "key") {
      const k = next();
      p.i_flags |= GRE_KEY;
      p.o_flags |= GRE_KEY;
      p.i_key = p.o_key = tnlParseKey(ctx, "key", k);
    } else if (a === "ikey") {
      const k = next();
      p.i_flags |= GRE_KEY;
      p.i_key = tnlParseKey(ctx, "ikey", k);
    } else if (a === "okey") {
      const k = next();
      p.o_flags |= GRE_KEY;
      p.o_key = tnlParseKey(ctx, "okey", k);
    } else if (a === "seq") {
      p.i_flags |= GRE_SEQ;
      p.o_flags |= GRE_SEQ;
    } else if (a === "iseq") p.i_flags |= GRE_SEQ;
    else if (a === "oseq") p.o_flags |= GRE_SEQ;
    else if (a === "csum") {
      p.i_flags |= GRE_CSUM;
      p.o_flags |= GRE_CSUM;
    } else if (a === "icsum") p.i_flags |= GRE_CSUM;
    else if (a === "ocsum") p.o_flags |= GRE_CSUM;
    else if (a === "nopmtudisc") p.iph.frag_off = 0;
    else if (a === "pmtudisc") p.iph.frag_off = IP_DF;
    else if (a === "remote") p.iph.daddr = getAddr32(ctx, next());
    else if (a === "local") p.iph.saddr = getAddr32(ctx, next());
    else if (a === "dev") medium = next();
    else if (a === "ttl" || a === "hoplimit" || a === "hlim") {
      const v = next();
      if (v !== "inherit") {
        const u = getU8(v, 0);
        if (u === undefined) invarg(ctx, "invalid TTL\n", v);
        p.iph.ttl = u;
      }
    } else if (a === "tos" || a === "tclass" || !matches(a, "dsfield")) {
      const v = next();
      const slash = v.indexOf("/");
      const head = slash >= 0 ? v.slice(0, slash) : v;
      let dsfield: string | undefined = slash >= 0 ? v.slice(slash + 1) : undefined;
      if (head !== "inherit") {
        dsfield = head;
        p.iph.tos = 0;
      } else p.iph.tos = 1;
      if (dsfield !== undefined) {
        const u = ctx.names.rtnlDsfieldA2n(dsfield);
        if (u === undefined) invarg(ctx, "bad TOS value", v);
        p.iph.tos |= u;
      }
    } else {
      let nm = a;
      if (a === "name") nm = next();
      else if (!matches(a, "help")) usage(ctx);
      if (p.name) duparg2(ctx, "name", nm);
      if (checkIfname(nm)) invarg(ctx, '"name" not a valid ifname', nm);
      p.name = nm;
      if (cmd === SIOCCHGTUNNEL && count === 0) {
        const old = emptyTunnelParm();
        if (tnlGetIoctl(ctx, nm, old)) throw new TunnelCmdFailed();
        p = old;
      }
    }
    count++;
  }
  if (p.iph.protocol === 0) {
    if (p.name.startsWith("gre")) p.iph.protocol = IPPROTO_GRE;
    else if (p.name.startsWith("ipip")) p.iph.protocol = IPPROTO_IPIP;
    else if (p.name.startsWith("sit")) p.iph.protocol = IPPROTO_IPV6;
    else if (p.name.startsWith("isatap")) {
      p.iph.protocol = IPPROTO_IPV6;
      isatap++;
    } else if (p.name.startsWith("vti")) {
      p.iph.protocol = IPPROTO_IPIP;
      p.i_flags |= VTI_ISVTI;
    }
  }
  if (p.i_flags & GRE_KEY || p.o_flags & GRE_KEY) {
    if (!(p.i_flags & VTI_ISVTI) && p.iph.protocol !== IPPROTO_GRE) {
      ctx.err("Keys are not allowed with ipip and sit tunnels\n");
      throw new TunnelCmdFailed();
    }
  }
  if (medium !== undefined) {
    p.link = ctx.ll.llNameToIndex(medium);
    if (!p.link) {
      nodev(ctx, medium);
      throw new TunnelCmdFailed();
    }
  }
  if (p.i_key === 0 && inMulticast(p.iph.daddr)) {
    p.i_key = p.iph.daddr;
    p.i_flags |= GRE_KEY;
  }
  if (p.o_key === 0 && inMulticast(p.iph.daddr)) {
    p.o_key = p.iph.daddr;
    p.o_flags |= GRE_KEY;
  }
  if (inMulticast(p.iph.daddr) && !p.iph.saddr) {
    ctx.err("A broadcast tunnel requires a source address\n");
    throw new TunnelCmdFailed();
  }
  if (isatap) p.i_flags |= SIT_ISATAP;
  return p;
}

/** parse_args() returned -1 */
class TunnelCmdFailed extends Error {}

/** ip/iptunnel.c: tnl_defname() */
function tnlDefname(p: IpTunnelParm): string | undefined {
  switch (p.iph.protocol) {
    case IPPROTO_IPIP:
      return p.i_flags & VTI_ISVTI ? "ip_vti0" : "tunl0";
    case IPPROTO_GRE:
      return "gre0";
    case IPPROTO_IPV6:
      return "sit0";
  }
  return undefined;
}

/** ip/iptunnel.c: do_add() */
function doAdd(ctx: IpCtx, cmd: string, argv: string[]): number {
  const p = parseArgs(ctx, argv, cmd);
  if (p.iph.ttl && p.iph.frag_off === 0) {
    ctx.err("ttl != 0 and nopmtudisc are incompatible\n");
    return -1;
  }
  const basedev = tnlDefname(p);
  if (!basedev) {
    ctx.err("cannot determine tunnel mode (ipip, gre, vti or sit)\n");
    return -1;
  }
  return tnlAddIoctl(ctx, cmd, basedev, p.name, p);
}

/** ip/iptunnel.c: do_del() */
function doDel(ctx: IpCtx, argv: string[]): number {
  const p = parseArgs(ctx, argv, SIOCDELTUNNEL);
  return tnlDelIoctl(ctx, tnlDefname(p) ?? p.name, p.name, p);
}

/** ip/tunnel.c: tnl_strproto() */
function tnlStrproto(proto: number): string {
  switch (proto) {
    case IPPROTO_IPIP:
      return "ip";
    case IPPROTO_GRE:
      return "gre";
    case IPPROTO_IPV6:
      return "ipv6";
    case IPPROTO_ESP:
      return "esp";
    case IPPROTO_MPLS:
      return "mpls";
    case 0:
      return "any";
    default:
      return "unknown";
  }
}

/** ip/tunnel.c: tnl_print_gre_flags() */
export function tnlPrintGreFlags(ctx: IpCtx, proto: number, iFlags: number, oFlags: number, iKey: number, oKey: number): void {
  if (iFlags & GRE_KEY && oFlags & GRE_KEY && oKey === iKey) ctx.printUint(PRINT_ANY, "key", " key %u", iKey >>> 0);
  else {
    if (iFlags & GRE_KEY) ctx.printUint(PRINT_ANY, "ikey", " ikey %u", iKey >>> 0);
    if (oFlags & GRE_KEY) ctx.printUint(PRINT_ANY, "okey", " okey %u", oKey >>> 0);
  }
  if (proto !== IPPROTO_GRE) return;
  ctx.openJsonArray(PRINT_JSON, "flags");
  const sl = ctx.SL;
  if (iFlags & GRE_SEQ) {
    if (ctx.isJsonContext()) ctx.printString(PRINT_JSON, null, "%s", "rx_drop_ooseq");
    else ctx.printf("%s  Drop packets out of sequence.", sl);
  }
  if (iFlags & GRE_CSUM) {
    if (ctx.isJsonContext()) ctx.printString(PRINT_JSON, null, "%s", "rx_csum");
    else ctx.printf("%s  Checksum in received packet is required.", sl);
  }
  if (oFlags & GRE_SEQ) {
    if (ctx.isJsonContext()) ctx.printString(PRINT_JSON, null, "%s", "tx_seq");
    else ctx.printf("%s  Sequence packets on output.", sl);
  }
  if (oFlags & GRE_CSUM) {
    if (ctx.isJsonContext()) ctx.printString(PRINT_JSON, null, "%s", "tx_csum");
    else ctx.printf("%s  Checksum output packets.", sl);
  }
  ctx.closeJsonArray(PRINT_JSON, null);
}

/** ip/iptunnel.c: print_tunnel() */
function printTunnel(ctx: IpCtx, p: IpTunnelParm): void {
  ctx.openJsonObject(null);
  ctx.printString(PRINT_ANY, "ifname", "%s: ", p.name);
  ctx.printString(PRINT_ANY, "mode", "%s ", `${tnlStrproto(p.iph.protocol)}/ip`);
  ctx.printNull(PRINT_FP, null, "remote ", null);
  ctx.printString(PRINT_ANY, "remote", "%s ", p.iph.daddr || ctx.isJsonContext() ? formatHost(AF_INET, ipv4ToBytes(p.iph.daddr)) : "any");
  ctx.printNull(PRINT_FP, null, "local ", null);
  ctx.printString(PRINT_ANY, "local", "%s", p.iph.saddr || ctx.isJsonContext() ? rtAddrN2a(AF_INET, ipv4ToBytes(p.iph.saddr)) : "any");
  if (p.link) {
    const n = ctx.ll.llIndexToName(p.link);
    if (n) ctx.printString(PRINT_ANY, "dev", " dev %s", n);
  }
  if (p.iph.ttl) ctx.printUint(PRINT_ANY, "ttl", " ttl %u", p.iph.ttl);
  else ctx.printString(PRINT_FP, "ttl", " ttl %s", "inherit");
  if (p.iph.tos) {
    if (p.iph.tos !== 1) {
      let b2: string;
      if (!ctx.isJsonContext() && p.iph.tos & 1) b2 = `inherit/${ctx.names.rtnlDsfieldN2a(p.iph.tos & ~1)}`;
      else b2 = ctx.names.rtnlDsfieldN2a(p.iph.tos);
      ctx.printString(PRINT_ANY, "tos", " tos %s", b2);
    } else ctx.printString(PRINT_FP, null, " tos %s", "inherit");
  }
  if (!(p.iph.frag_off & IP_DF)) ctx.printNull(PRINT_ANY, "nopmtudisc", " nopmtudisc", null);
  if (p.iph.protocol === IPPROTO_IPV6) {
    /* tnl_ioctl_get_6rd(): tnl_gen_ioctl(SIOCGET6RD, name, p, EINVAL) */
    const r = ctx.sys.ioctl({ request: "SIOCGET6RD", ifname: p.name });
    if (isKErr(r)) {
      if (r.errno !== "EINVAL") ctx.err("%s: ioctl %x failed: %s\n", p.name, 0x89f8, strerror(r.errno));
    } else if (r.prefixlen) {
      ctx.printString(PRINT_ANY, "6rd-prefix", " 6rd-prefix %s", inetNtop6(r.prefix as Uint8Array));
      ctx.printUint(PRINT_ANY, "6rd-prefixlen", "/%u", r.prefixlen as number);
      if (r.relay_prefix) {
        ctx.printString(PRINT_ANY, "6rd-relay_prefix", " 6rd-relay_prefix %s", formatHost(AF_INET, ipv4ToBytes(r.relay_prefix as number)));
        ctx.printUint(PRINT_ANY, "6rd-relay_prefixlen", "/%u", r.relay_prefixlen as number);
      }
    }
  }
  tnlPrintGreFlags(ctx, p.iph.protocol, p.i_flags, p.o_flags, p.i_key, p.o_key);
  ctx.closeJsonObject();
}

/** ip/iptunnel.c: ip_tunnel_parm_match() */
function ipTunnelParmMatch(p1: IpTunnelParm, p2: IpTunnelParm): boolean {
  return (!p1.link || p1.link === p2.link) && (!p1.name || p1.name === p2.name) &&
    (!p1.iph.daddr || p1.iph.daddr === p2.iph.daddr) && (!p1.iph.saddr || p1.iph.saddr === p2.iph.saddr) &&
    (!p1.i_key || p1.i_key === p2.i_key);
}

/** ip/tunnel.c: tnl_print_stats() */
function tnlPrintStats(ctx: IpCtx, m: LinkMsg): void {
  const s = m.attrs.IFLA_STATS64;
  if (!s) return;
  const L = (v: number, w: number) => String(v).padEnd(w);
  const sl = ctx.SL;
  ctx.printf("%s", sl);
  ctx.printf("RX: Packets    Bytes        Errors CsumErrs OutOfSeq Mcasts%s", sl);
  ctx.printf("    %s %s %s %s %s %s%s", L(s.rx_packets, 10), L(s.rx_bytes, 12), L(s.rx_errors, 6), L(s.rx_frame_errors, 8),
    L(s.rx_fifo_errors, 8), L(s.multicast, 8), sl);
  ctx.printf("TX: Packets    Bytes        Errors DeadLoop NoRoute  NoBufs%s", sl);
  ctx.printf("    %s %s %s %s %s %s", L(s.tx_packets, 10), L(s.tx_bytes, 12), L(s.tx_errors, 6), L(s.collisions, 8),
    L(s.tx_carrier_errors, 8), L(s.tx_dropped, 6));
}

/** ip/tunnel.c: do_tunnels_list() + print_nlmsg_tunnel() */
function doTunnelsList(ctx: IpCtx, p1: IpTunnelParm): number {
  ctx.newJsonObj(ctx.json);
  const msgs = ctx.rtnl.dump({
    type: "RTM_GETLINK",
    flags: {},
    ifi: { family: ctx.preferredFamily, type: 0, index: 0, flags: 0, change: 0 },
    attrs: {},
  }) as LinkMsg[];
  for (const m of msgs) {
    if (m.type !== "RTM_NEWLINK") continue;
    const t = m.ifi.type;
    if (ctx.preferredFamily === AF_INET) {
      if (t !== ARPHRD_TUNNEL && t !== ARPHRD_IPGRE && t !== ARPHRD_SIT) continue;
    } else continue;
    const name = m.attrs.IFLA_IFNAME;
    if (name === undefined) continue;
    if (p1.name && p1.name !== name) continue;
    const p2 = emptyTunnelParm();
    if (tnlGetIoctl(ctx, name, p2)) continue;
    if (!ipTunnelParmMatch(p1, p2)) continue;
    printTunnel(ctx, p2);
    if (ctx.showStats) tnlPrintStats(ctx, m);
    ctx.printf("\n");
  }
  ctx.deleteJsonObj();
  return 0;
}

/** ip/iptunnel.c: do_show() */
function doShow(ctx: IpCtx, argv: string[]): number {
  const p = parseArgs(ctx, argv, SIOCGETTUNNEL);
  const basedev = tnlDefname(p);
  if (!basedev) return doTunnelsList(ctx, p);
  if (tnlGetIoctl(ctx, p.name ? p.name : basedev, p)) return -1;
  printTunnel(ctx, p);
  ctx.printf("\n");
  return 0;
}

/** ip/iptunnel.c: do_iptunnel() */
export async function doIptunnel(ctx: IpCtx, argv: string[]): Promise<number> {
  switch (ctx.preferredFamily) {
    case AF_UNSPEC:
      ctx.preferredFamily = AF_INET;
      break;
    case AF_INET:
      break;
    case AF_INET6:
      ctx.err("ip -6 tunnel: not supported by this emulator\n");
      return -1;
    default:
      ctx.err("Unsupported protocol family: %d\n", ctx.preferredFamily);
      return ctx.exit(-1);
  }
  try {
    if (argv.length > 0) {
      const a = argv[0]!;
      const rest = argv.slice(1);
      if (!matches(a, "add")) return doAdd(ctx, SIOCADDTUNNEL, rest);
      if (!matches(a, "change")) return doAdd(ctx, SIOCCHGTUNNEL, rest);
      if (!matches(a, "delete")) return doDel(ctx, rest);
      if (!matches(a, "show") || !matches(a, "lst") || !matches(a, "list")) return doShow(ctx, rest);
      if (!matches(a, "prl") || !matches(a, "6rd")) {
        ctx.err("ip tunnel %s: not supported by this emulator\n", a);
        return -1;
      }
      if (!matches(a, "help")) usage(ctx);
    } else return doShow(ctx, []);
  } catch (e) {
    if (e instanceof TunnelCmdFailed) return -1;
    throw e;
  }
  ctx.err('Command "%s" is unknown, try "ip tunnel help"\n', argv[0]!);
  return ctx.exit(-1);
}
