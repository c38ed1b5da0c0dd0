/**
 * net-tools 2.10 lib/inet_sr.c + lib/setroute.c: add/delete IPv4 routes with the SIOCADDRT /
 * SIOCDELRT ioctls (INET_setroute, INET_rinput, route_edit).
 *
 * The ioctl request carries struct rtentry as {rt_dst, rt_gateway, rt_genmask (host-order
 * numbers), rt_flags (RTF_*), rt_metric (the raw field: metric + 1, 0 when not given),
 * rt_dev?, rt_mtu, rt_window, rt_irtt}.
 */
import type { Process } from "../../process.ts";
import { isKErr } from "../../../kernel/uapi/errno.ts";
import { Resolver, inetGetnetmask } from "./inet.ts";
import { inet6Rinput } from "./inet6_sr.ts";
import { hostBuf, E_LOOKUP, E_NOSUPP, E_OPTERR, E_SOCK, E_USAGE, FLAG_CACHE, atoi, isdigit, perror, usageText } from "./util.ts";
import { getAftype } from "./af.ts";
import {
  RTF_DYNAMIC, RTF_GATEWAY, RTF_HOST, RTF_IRTT, RTF_MODIFIED, RTF_MSS, RTF_REINSTATE, RTF_REJECT, RTF_UP,
  RTF_WINDOW,
} from "./inet_gr.ts";

export const RTACTION_ADD = 1;
export const RTACTION_DEL = 2;
export const RTACTION_HELP = 3;
export const RTACTION_FLUSH = 4;
export const RTACTION_SHOW = 5;

/** lib/inet_sr.c: usage() */
function usage(p: Process, rc: number): number {
  return usageText(
    p, rc,
    "Usage: inet_route [-vF] del {-host|-net} Target[/prefix] [gw Gw] [metric M] [[dev] If]\n" +
      "       inet_route [-vF] add {-host|-net} Target[/prefix] [gw Gw] [metric M]\n" +
      "                              [netmask N] [mss Mss] [window W] [irtt I]\n" +
      "                              [mod] [dyn] [reinstate] [[dev] If]\n" +
      "       inet_route [-vF] add {-host|-net} Target[/prefix] [metric M] reject\n" +
      "       inet_route [-FC] flush      NOT supported\n",
  );
}

/** lib/inet_sr.c: INET_setroute() */
async function inetSetroute(p: Process, res: Resolver, action: number, argsIn: string[]): Promise<number> {
  let args = argsIn;
  let xflag = 0;
  if (args[0] === "#net") {
    xflag = 1;
    args = args.slice(1);
  } else if (args[0] === "#host") {
    xflag = 2;
    args = args.slice(1);
  }
  if (args[0] === undefined) return usage(p, E_OPTERR);
  let target = hostBuf(args[0]);
  args = args.slice(1);
  let netmask = "default";
  const rt = { rt_dst: 0, rt_gateway: 0, rt_genmask: 0, rt_flags: 0, rt_metric: 0, rt_dev: undefined as string | undefined, rt_mtu: 0, rt_window: 0, rt_irtt: 0 };
  let maskSet = false;
  const gm = inetGetnetmask(target);
  if (gm.rc < 0) return usage(p, E_OPTERR);
  target = gm.addr;
  if (gm.rc) {
    netmask = gm.name;
    rt.rt_genmask = gm.mask;
    maskSet = gm.mask !== 0;
  }
  let r = await res.inetInput(p, xflag !== 2 ? 0 : 256, target);
  if (r.rc < 0) {
    res.herror(p, target);
    return E_LOOKUP;
  }
  rt.rt_dst = r.addr;
  let isnet = r.rc;
  if (xflag === 1) isnet = 1;
  else if (xflag === 2) isnet = 0;
  rt.rt_flags = RTF_UP | RTF_HOST;
  if (isnet) rt.rt_flags &= ~RTF_HOST;
  while (args.length > 0) {
    const a = args[0]!;
    if (a === "metric") {
      args = args.slice(1);
      if (args[0] === undefined || !isdigit(args[0][0])) return usage(p, E_OPTERR);
      rt.rt_metric = atoi(args[0]) + 1;
      args = args.slice(1);
      continue;
    }
    if (a === "netmask") {
      args = args.slice(1);
      if (args[0] === undefined || maskSet) return usage(p, E_OPTERR);
      netmask = hostBuf(args[0]);
      r = await res.inetInput(p, 0, netmask);
      if (r.rc < 0) {
        res.herror(p, netmask);
        return E_LOOKUP;
      }
      rt.rt_genmask = r.addr;
      maskSet = r.addr !== 0;
      args = args.slice(1);
      continue;
    }
    if (a === "gw" || a === "gateway") {
      args = args.slice(1);
      if (args[0] === undefined) return usage(p, E_OPTERR);
      if (rt.rt_flags & RTF_GATEWAY) return usage(p, E_OPTERR);
      const gateway = hostBuf(args[0]);
      r = await res.inetInput(p, 256, gateway);
      if (r.rc < 0) {
        res.herror(p, gateway);
        return E_LOOKUP;
      }
      rt.rt_gateway = r.addr;
      if (r.rc) {
        p.stderr.write(`route: ${gateway}: cannot use a NETWORK as gateway!\n`);
        return usage(p, E_OPTERR);
      }
      rt.rt_flags |= RTF_GATEWAY;
      args = args.slice(1);
      continue;
    }
    if (a === "mss" || a === "mtu") {
      args = args.slice(1);
      rt.rt_flags |= RTF_MSS;
      if (args[0] === undefined) return usage(p, E_OPTERR);
      rt.rt_mtu = atoi(args[0]);
      args = args.slice(1);
      if (rt.rt_mtu < 64 || rt.rt_mtu > 65536) {
        p.stderr.write("route: Invalid MSS/MTU.\n");
        return usage(p, E_OPTERR);
      }
      continue;
    }
    if (a === "window") {
      args = args.slice(1);
      if (args[0] === undefined) return usage(p, E_OPTERR);
      rt.rt_flags |= RTF_WINDOW;
      rt.rt_window = atoi(args[0]);
      args = args.slice(1);
      if (rt.rt_window < 128) {
        p.stderr.write("route: Invalid window.\n");
        return usage(p, E_OPTERR);
      }
      continue;
    }
    if (a === "irtt") {
      args = args.slice(1);
      if (args[0] === undefined) return usage(p, E_OPTERR);
      rt.rt_flags |= RTF_IRTT;
      rt.rt_irtt = atoi(args[0]); // * (clk_tck / 100) with clk_tck 100
      args = args.slice(1);
      continue;
    }
    if (a === "reject") {
      args = args.slice(1);
      rt.rt_flags |= RTF_REJECT;
      continue;
    }
    if (a === "mod") {
      args = args.slice(1);
      rt.rt_flags |= RTF_MODIFIED;
      continue;
    }
    if (a === "dyn") {
      args = args.slice(1);
      rt.rt_flags |= RTF_DYNAMIC;
      continue;
    }
    if (a === "reinstate") {
      args = args.slice(1);
      rt.rt_flags |= RTF_REINSTATE;
      continue;
    }
    if (a === "device" || a === "dev") {
      args = args.slice(1);
      if (rt.rt_dev !== undefined || args[0] === undefined) return usage(p, E_OPTERR);
      rt.rt_dev = args[0];
      args = args.slice(1);
      continue;
    }
    if (rt.rt_dev === undefined) {
      rt.rt_dev = a;
      args = args.slice(1);
      if (args.length) return usage(p, E_OPTERR);
    } else return usage(p, E_OPTERR);
  }
  if (rt.rt_flags & RTF_REJECT && rt.rt_dev === undefined) rt.rt_dev = "lo";
  if (rt.rt_genmask) {
    const mask = ~rt.rt_genmask >>> 0;
    if (rt.rt_flags & RTF_HOST && mask !== 0xffffffff) {
      p.stderr.write(`route: netmask ${mask.toString(16).padStart(8, "0")} doesn't make sense with host route\n`);
      return usage(p, E_OPTERR);
    }
    if ((mask & (mask + 1)) >>> 0) {
      p.stderr.write(`route: bogus netmask ${netmask}\n`);
      return usage(p, E_OPTERR);
    }
    if ((rt.rt_dst & ~rt.rt_genmask) >>> 0) {
      p.stderr.write("route: netmask doesn't match route address\n");
      return usage(p, E_OPTERR);
    }
  }
  if (action === RTACTION_ADD && rt.rt_flags & RTF_HOST) rt.rt_genmask = 0xffffffff;
  const request = action === RTACTION_DEL ? "SIOCDELRT" : "SIOCADDRT";
  const fields: Record<string, unknown> = { ...rt };
  if (rt.rt_dev === undefined) delete fields["rt_dev"];
  const ans = p.sys.ioctl({ request, ...fields });
  if (isKErr(ans)) {
    perror(p, request, ans);
    return E_SOCK;
  }
  return 0;
}

/** lib/inet_sr.c: INET_rinput() */
export async function inetRinput(p: Process, res: Resolver, action: number, options: number, args: string[]): Promise<number> {
  if (action === RTACTION_FLUSH) {
    p.stderr.write("Flushing `inet' routing table not supported\n");
    return usage(p, E_OPTERR);
  }
  if (options & FLAG_CACHE) {
    p.stderr.write("Modifying `inet' routing cache not supported\n");
    return usage(p, E_OPTERR);
  }
  if (args[0] === undefined || action === RTACTION_HELP) return usage(p, E_USAGE);
  return inetSetroute(p, res, action, args);
}

/** lib/setroute.c: route_edit() */
export async function routeEdit(p: Process, res: Resolver, action: number, afname: string, options: number, args: string[]): Promise<number> {
  if (afname === "inet") return inetRinput(p, res, action, options, args);
  if (afname === "inet6") return inet6Rinput(p, action, options, args);
  // get_aftype(): a list of families is none of them
  const ap = getAftype(afname, p);
  if (!ap) {
    p.stderr.write(`Address family \`${afname}' not supported.\n`);
    return E_OPTERR;
  }
  // setroute_init(): Debian's build gives NET/ROM and IPX a stub, X.25 its own; the rest none
  if (ap.name === "netrom" || ap.name === "ipx") {
    p.stderr.write(`${ap.name === "ipx" ? "IPX" : "NET/ROM"}: this needs to be written\n`);
    return E_NOSUPP;
  }
  if (ap.name !== "x25") {
    p.stderr.write(`No routing for address family \`${ap.name}'.\n`);
    return E_OPTERR;
  }
  return x25Rinput(p, action, options, args);
}

/** lib/x25_sr.c: X25_rinput() + X25_setroute() (lib/x25.c: X25_input() for the target) */
function x25Rinput(p: Process, action: number, options: number, args: string[]): number {
  const usage = (rc: number) =>
    usageText(p, rc, "Usage: x25_route [-v] del Target[/mask] [dev] If\n       x25_route [-v] add Target[/mask] [dev] If\n");
  if (action === RTACTION_FLUSH) {
    p.stderr.write("Flushing `x25' routing table not supported\n");
    return usage(E_OPTERR);
  }
  if (options & FLAG_CACHE) {
    p.stderr.write("Modifying `x25' routing cache not supported\n");
    return usage(E_OPTERR);
  }
  if (action === RTACTION_HELP) return usage(E_USAGE);
  if (args[0] === undefined) return usage(E_OPTERR);
  // X25_input(): at most 18 characters, an address of 1 to 15 and a "/digits" mask (unsigned)
  // no longer than it; X25_herror() says why
  const target = args[0].slice(0, 127);
  const slash = target.indexOf("/");
  const addr = slash >= 0 ? target.slice(0, slash) : target;
  const sigdigits = slash >= 0 ? atoi(target.slice(slash + 1)) >>> 0 : addr.length;
  const bad = target.length > 18 ? "Address can't exceed eighteen digits with sigdigits"
    : addr.length < 1 || addr.length > 15 || sigdigits > addr.length ? "Invalid address" : undefined;
  if (bad) {
    p.stderr.write(`${target}: ${bad}\n`);
    return E_LOOKUP;
  }
  let device = "";
  for (let i = 1; i < args.length; i++) {
    if (args[i] === "device" || args[i] === "dev") {
      i++;
      if (args[i] === undefined) return usage(E_OPTERR);
    } else if (args[i + 1] !== undefined) return usage(E_OPTERR);
    if (device) return usage(E_OPTERR);
    device = args[i]!;
  }
  if (!device) return usage(E_OPTERR);
  if (sigdigits > 15) {
    p.stderr.write(`route: bogus netmask ${sigdigits}\n`);
    return usage(E_OPTERR);
  }
  // socket(AF_X25, SOCK_SEQPACKET, 0): the kernel has no X.25
  p.stderr.write("socket: Address family not supported by protocol\n");
  return E_SOCK;
}
