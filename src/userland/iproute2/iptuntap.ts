/**
 * ip/iptuntap.c (iproute2 6.1): `ip tuntap { add | del | show }` through /dev/net/tun
 * (modelled as the TUNSETIFF / TUNSETOWNER / TUNSETGROUP / TUNSETPERSIST ioctls and TUNCLOSE
 * for close(2)), the listing from the link dump filtered on kind "tun" plus the tun sysfs
 * attributes, and the `tun` link_util printer of `ip -d link`.
 */
import type { IpCtx } from "../lib/context.ts";
import { isKErr, strerror, type KErr } from "../../kernel/uapi/errno.ts";
import { AF_UNSPEC, type InfoData, type LinkMsg } from "../../kernel/uapi/rtnetlink.ts";
import { PRINT_ANY, PRINT_FP, PRINT_JSON } from "../lib/json_print.ts";
import { checkIfname, duparg2, incompleteCommand, invarg, matches } from "../lib/utils.ts";
import { registerLinkUtil } from "./link_util.ts";

const IFF_TUN = 0x0001;
const IFF_TAP = 0x0002;
const IFF_MULTI_QUEUE = 0x0100;
const IFF_PERSIST = 0x0800;
const IFF_NO_PI = 0x1000;
const IFF_NOFILTER = 0x1000;
const IFF_ONE_QUEUE = 0x2000;
const IFF_VNET_HDR = 0x4000;
const IFF_TUN_EXCL = 0x8000;
const TUN_TYPE_MASK = 0x000f;
const ARPHRD_ETHER = 1;
const ARPHRD_NONE = 0xfffe;

/** ip/iptuntap.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip tuntap { add | del | show | list | lst | help } [ dev PHYS_DEV ]\n" +
      "       [ mode { tun | tap } ] [ user USER ] [ group GROUP ]\n" +
      "       [ one_queue ] [ pi ] [ vnet_hdr ] [ multi_queue ] [ name NAME ]\n" +
      "\n" +
      "Where: USER  := { STRING | NUMBER }\n" +
      "       GROUP := { STRING | NUMBER }\n",
  );
  return ctx.exit(-1);
}

interface Ifreq {
  name: string;
  flags: number;
}

/** perror(): "what: strerror" */
function perror(ctx: IpCtx, what: string, e: KErr): void {
  ctx.err("%s: %s\n", what, strerror(e.errno));
}

/** ip/iptuntap.c: tap_add_ioctl() */
function tapAddIoctl(ctx: IpCtx, ifr: Ifreq, uid: number, gid: number): number {
  ifr.flags |= IFF_TUN_EXCL;
  const r = ctx.sys.ioctl({ request: "TUNSETIFF", ifname: ifr.name, flags: ifr.flags });
  if (isKErr(r)) {
    perror(ctx, "ioctl(TUNSETIFF)", r);
    return -1;
  }
  const file = r.file as number;
  let ret = -1;
  out: {
    if (uid !== -1) {
      const e = ctx.sys.ioctl({ request: "TUNSETOWNER", file, arg: uid });
      if (isKErr(e)) {
        perror(ctx, "ioctl(TUNSETOWNER)", e);
        break out;
      }
    }
    if (gid !== -1) {
      const e = ctx.sys.ioctl({ request: "TUNSETGROUP", file, arg: gid });
      if (isKErr(e)) {
        perror(ctx, "ioctl(TUNSETGROUP)", e);
        break out;
      }
    }
    const e = ctx.sys.ioctl({ request: "TUNSETPERSIST", file, arg: 1 });
    if (isKErr(e)) {
      perror(ctx, "ioctl(TUNSETPERSIST)", e);
      break out;
    }
    ret = 0;
  }
  ctx.sys.ioctl({ request: "TUNCLOSE", file });
  return ret;
}

/** ip/iptuntap.c: tap_del_ioctl() */
function tapDelIoctl(ctx: IpCtx, ifr: Ifreq): number {
  const r = ctx.sys.ioctl({ request: "TUNSETIFF", ifname: ifr.name, flags: ifr.flags });
  if (isKErr(r)) {
    perror(ctx, "ioctl(TUNSETIFF)", r);
    return -1;
  }
  const file = r.file as number;
  let ret = 0;
  const e = ctx.sys.ioctl({ request: "TUNSETPERSIST", file, arg: 0 });
  if (isKErr(e)) {
    perror(ctx, "ioctl(TUNSETPERSIST)", e);
    ret = -1;
  }
  ctx.sys.ioctl({ request: "TUNCLOSE", file });
  return ret;
}

/** the user and group databases of the lab machines (getpwnam/getgrnam) */
const USERS: Record<string, number> = { root: 0, daemon: 1, bin: 2, sys: 3, nobody: 65534 };
const GROUPS: Record<string, number> = { root: 0, daemon: 1, bin: 2, sys: 3, adm: 4, users: 100, nogroup: 65534 };

/** ip/iptuntap.c: parse_args() */
function parseArgs(ctx: IpCtx, argv: string[], ids: { uid: number; gid: number } | undefined): Ifreq | undefined {
  const ifr: Ifreq = { name: "", flags: IFF_NO_PI };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      if (i + 1 >= argv.length) incompleteCommand(ctx);
      return argv[++i]!;
    };
    if (!matches(a, "mode")) {
      const v = next();
      if (!matches(v, "tun")) {
        if (ifr.flags & IFF_TAP) {
          ctx.err("You managed to ask for more than one tunnel mode.\n");
          ctx.exit(-1);
        }
        ifr.flags |= IFF_TUN;
      } else if (!matches(v, "tap")) {
        if (ifr.flags & IFF_TUN) {
          ctx.err("You managed to ask for more than one tunnel mode.\n");
          ctx.exit(-1);
        }
        ifr.flags |= IFF_TAP;
      } else {
        ctx.err('Unknown tunnel mode "%s"\n', v);
        ctx.exit(-1);
      }
    } else if (ids && !matches(a, "user")) {
      const v = next();
      if (/^-?[0-9]+$/.test(v)) ids.uid = Number(v);
      else if (USERS[v] !== undefined) ids.uid = USERS[v]!;
      else {
        ctx.err('invalid user "%s"\n', v);
        ctx.exit(-1);
      }
    } else if (ids && !matches(a, "group")) {
      const v = next();
      if (/^-?[0-9]+$/.test(v)) ids.gid = Number(v);
      else if (GROUPS[v] !== undefined) ids.gid = GROUPS[v]!;
      else {
        ctx.err('invalid group "%s"\n', v);
        ctx.exit(-1);
      }
    } else if (!matches(a, "pi")) ifr.flags &= ~IFF_NO_PI;
    else if (!matches(a, "one_queue")) ifr.flags |= IFF_ONE_QUEUE;
    else if (!matches(a, "vnet_hdr")) ifr.flags |= IFF_VNET_HDR;
    else if (!matches(a, "multi_queue")) ifr.flags |= IFF_MULTI_QUEUE;
    else if (!matches(a, "dev")) {
      const v = next();
      if (checkIfname(v)) invarg(ctx, '"dev" not a valid ifname', v);
      ifr.name = v;
    } else {
      let v = a;
      if (!matches(a, "name")) v = next();
      else if (!matches(a, "help")) usage(ctx);
      if (ifr.name) duparg2(ctx, "name", v);
      if (checkIfname(v)) invarg(ctx, '"name" not a valid ifname', v);
      ifr.name = v;
    }
  }
  if (!(ifr.flags & TUN_TYPE_MASK)) {
    ctx.err("You failed to specify a tunnel mode\n");
    return undefined;
  }
  return ifr;
}

/** ip/iptuntap.c: print_flags() */
function printFlags(ctx: IpCtx, flagsIn: number): void {
  let flags = flagsIn;
  ctx.openJsonArray(PRINT_JSON, "flags");
  if (flags & IFF_TUN) ctx.printString(PRINT_ANY, null, " %s", "tun");
  if (flags & IFF_TAP) ctx.printString(PRINT_ANY, null, " %s", "tap");
  if (!(flags & IFF_NO_PI)) ctx.printString(PRINT_ANY, null, " %s", "pi");
  if (flags & IFF_ONE_QUEUE) ctx.printString(PRINT_ANY, null, " %s", "one_queue");
  if (flags & IFF_MULTI_QUEUE) ctx.printString(PRINT_ANY, null, " %s", "multi_queue");
  if (flags & IFF_VNET_HDR) ctx.printString(PRINT_ANY, null, " %s", "vnet_hdr");
  if (flags & IFF_PERSIST) ctx.printString(PRINT_ANY, null, " %s", "persist");
  if (!(flags & IFF_NOFILTER)) ctx.printString(PRINT_ANY, null, " %s", "filter");
  flags &= ~(IFF_TUN | IFF_TAP | IFF_NO_PI | IFF_ONE_QUEUE | IFF_MULTI_QUEUE | IFF_VNET_HDR | IFF_PERSIST | IFF_NOFILTER);
  if (flags) ctx.print0xhex(PRINT_ANY, null, " %#llx", flags);
  ctx.closeJsonArray(PRINT_JSON, null);
}

/** ip/iptuntap.c: read_prop() (strtol of a sysfs attribute) */
function readProp(ctx: IpCtx, dev: string, prop: string): number | undefined {
  const path = `/sys/class/net/${dev}/${prop}`;
  const r = ctx.sys.fs.read(path);
  if (isKErr(r)) {
    if (r.errno !== "ENOENT") ctx.err("open %s: %s\n", path, strerror(r.errno));
    return undefined;
  }
  const s = r.trim();
  const v = /^0x/i.test(s) ? parseInt(s, 16) : parseInt(s, 10);
  if (Number.isNaN(v)) {
    ctx.err("Failed to parse %s\n", path);
    return undefined;
  }
  return v;
}

/** ip/iptuntap.c: print_tuntap() */
function printTuntap(ctx: IpCtx, m: LinkMsg): void {
  if (m.ifi.type !== ARPHRD_NONE && m.ifi.type !== ARPHRD_ETHER) return;
  const name = m.attrs.IFLA_IFNAME;
  if (name === undefined) return;
  if (m.attrs.IFLA_LINKINFO?.IFLA_INFO_KIND !== "tun") return;
  const flags = readProp(ctx, name, "tun_flags");
  if (flags === undefined) return;
  const owner = readProp(ctx, name, "owner");
  if (owner === undefined) return;
  const group = readProp(ctx, name, "group");
  if (group === undefined) return;
  ctx.openJsonObject(null);
  ctx.printString(PRINT_ANY, "ifname", "%s:", name);
  printFlags(ctx, flags);
  if (owner !== -1) ctx.printUint(PRINT_ANY, "user", " user %ld", owner);
  if (group !== -1) ctx.printUint(PRINT_ANY, "group", " group %ld", group);
  if (ctx.showDetails) ctx.printString(PRINT_FP, null, "%s\tAttached to processes:", ctx.SL);
  ctx.closeJsonObject();
  ctx.printString(PRINT_FP, null, "%s", "\n");
}

/** ip/iptuntap.c: do_show() */
function doShow(ctx: IpCtx): number {
  const msgs = ctx.rtnl.dump({
    type: "RTM_GETLINK",
    flags: {},
    ifi: { family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 },
    attrs: { IFLA_LINKINFO: { IFLA_INFO_KIND: "tun" } },
  }) as LinkMsg[];
  ctx.newJsonObj(ctx.json);
  for (const m of msgs) if (m.type === "RTM_NEWLINK") printTuntap(ctx, m);
  ctx.deleteJsonObj();
  return 0;
}

/** ip/iptuntap.c: do_iptuntap() */
export async function doIptuntap(ctx: IpCtx, argv: string[]): Promise<number> {
  if (argv.length > 0) {
    const a = argv[0]!;
    const rest = argv.slice(1);
    if (!matches(a, "add")) {
      const ids = { uid: -1, gid: -1 };
      const ifr = parseArgs(ctx, rest, ids);
      if (!ifr) return -1;
      return tapAddIoctl(ctx, ifr, ids.uid, ids.gid);
    }
    if (!matches(a, "delete")) {
      const ifr = parseArgs(ctx, rest, undefined);
      if (!ifr) return -1;
      return tapDelIoctl(ctx, ifr);
    }
    if (!matches(a, "show") || !matches(a, "lst") || !matches(a, "list")) return doShow(ctx);
    if (!matches(a, "help")) usage(ctx);
  } else return doShow(ctx);
  ctx.err('Command "%s" is unknown, try "ip tuntap help".\n', argv[0]!);
  return ctx.exit(-1);
}

const PW_NAMES: Record<number, string> = { 0: "root", 1: "daemon", 2: "bin", 3: "sys", 65534: "nobody" };
const GR_NAMES: Record<number, string> = { 0: "root", 1: "daemon", 2: "bin", 3: "sys", 4: "adm", 100: "users", 65534: "nogroup" };

/** ip/iptuntap.c: tun_print_opt() */
function tunPrintOpt(ctx: IpCtx, tb: InfoData | undefined): void {
  if (!tb) return;
  const n = (k: string) => (typeof tb[k] === "number" ? (tb[k] as number) : undefined);
  const type = n("IFLA_TUN_TYPE");
  if (type !== undefined) ctx.printString(PRINT_ANY, "type", "type %s ", type === IFF_TUN ? "tun" : type === IFF_TAP ? "tap" : `UNKNOWN:${type}`);
  const onOff = (key: string, fmt: string, v: number | undefined) => {
    if (v === undefined) return;
    if (ctx.isJsonContext()) ctx.printBool(PRINT_JSON, key, null, !!v);
    else ctx.printString(PRINT_FP, key, fmt, v ? "on" : "off");
  };
  onOff("pi", "pi %s ", n("IFLA_TUN_PI"));
  onOff("vnet_hdr", "vnet_hdr %s ", n("IFLA_TUN_VNET_HDR"));
  /* print_mq() */
  if (!n("IFLA_TUN_MULTI_QUEUE")) {
    if (ctx.isJsonContext()) ctx.printBool(PRINT_JSON, "multi_queue", null, false);
  } else {
    ctx.printBool(PRINT_ANY, "multi_queue", "multi_queue ", true);
    const q = n("IFLA_TUN_NUM_QUEUES");
    if (q !== undefined) ctx.printUint(PRINT_ANY, "numqueues", "numqueues %u ", q);
    const dq = n("IFLA_TUN_NUM_DISABLED_QUEUES");
    if (dq !== undefined) ctx.printUint(PRINT_ANY, "numdisabled", "numdisabled %u ", dq);
  }
  onOff("persist", "persist %s ", n("IFLA_TUN_PERSIST"));
  const owner = n("IFLA_TUN_OWNER");
  if (owner !== undefined) {
    if (PW_NAMES[owner]) ctx.printString(PRINT_ANY, "user", "user %s ", PW_NAMES[owner]!);
    else ctx.printUint(PRINT_ANY, "user", "user %u ", owner);
  }
  const group = n("IFLA_TUN_GROUP");
  if (group !== undefined) {
    if (GR_NAMES[group]) ctx.printString(PRINT_ANY, "group", "group %s ", GR_NAMES[group]!);
    else ctx.printUint(PRINT_ANY, "group", "group %u ", group);
  }
}

registerLinkUtil({ id: "tun", printOpt: tunPrintOpt });
