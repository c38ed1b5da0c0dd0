/**
 * net-tools 2.10 lib/inet6_sr.c (INET6_rinput, INET6_setroute) and the input half of
 * lib/inet6.c (INET6_input: inet_pton, else INET6_resolve's getaddrinfo(AF_INET6)): add and
 * delete IPv6 routes with SIOCADDRT / SIOCDELRT on an AF_INET6 socket.
 *
 * The request carries struct in6_rtmsg as {family: AF_INET6, rtmsg_dst, rtmsg_gateway
 * (Uint8Array(16)), rtmsg_dst_len, rtmsg_metric, rtmsg_flags (RTF_*), rtmsg_ifindex}.
 */
import type { Process } from "../../process.ts";
import { isKErr } from "../../../kernel/uapi/errno.ts";
import { AF_INET6 } from "../../../kernel/uapi/rtnetlink.ts";
import { Inet6Names } from "./inet6.ts";
import { ioctl, num } from "./sockets.ts";
import { E_LOOKUP, E_OPTERR, E_SOCK, E_USAGE, atoi, isdigit, isspace, perror, usageText } from "./util.ts";
import { RTACTION_DEL, RTACTION_FLUSH, RTACTION_HELP } from "./inet_sr.ts";
import { RTF_DYNAMIC, RTF_GATEWAY, RTF_HOST, RTF_MODIFIED, RTF_UP } from "./inet_gr.ts";

/** lib/inet6_sr.c: usage() */
function usage(p: Process, rc: number): number {
  return usageText(
    p, rc,
    "Usage: inet6_route [-vF] del Target\n" +
      "       inet6_route [-vF] add Target [gw Gw] [metric M] [[dev] If]\n" +
      "       inet6_route [-FC] flush      NOT supported\n",
  );
}

/** C atol() */
function atol(s: string): number {
  let i = 0;
  while (isspace(s[i])) i++;
  const m = /^[+-]?\d+/.exec(s.slice(i));
  return m ? Number(m[0]) : 0;
}

/** lib/inet6_sr.c: INET6_setroute() */
async function inet6Setroute(p: Process, action: number, argsIn: string[]): Promise<number> {
  let args = argsIn;
  if (args[0] === undefined) return usage(p, E_OPTERR);
  const names = new Inet6Names(p);
  // safe_strncpy(target, *args++, 128)
  let target = args[0].slice(0, 127);
  args = args.slice(1);
  let prefixLen: number;
  let dst: Uint8Array = new Uint8Array(16);
  if (target === "default") prefixLen = 0;
  else {
    const cp = target.indexOf("/");
    if (cp >= 0) {
      prefixLen = atol(target.slice(cp + 1));
      if (prefixLen < 0 || prefixLen > 128) return usage(p, E_OPTERR);
      target = target.slice(0, cp);
    } else prefixLen = 128;
    const a = (await names.input(1, target)) ?? (await names.input(0, target));
    if (!a) {
      names.herror(target);
      return 1;
    }
    dst = a;
  }
  let flags = RTF_UP;
  if (prefixLen === 128) flags |= RTF_HOST;
  let metric = 1;
  let gateway: Uint8Array = new Uint8Array(16);
  let devname: string | undefined;
  while (args.length) {
    const a = args[0]!;
    if (a === "metric") {
      args = args.slice(1);
      if (args[0] === undefined || !isdigit(args[0][0])) return usage(p, E_OPTERR);
      metric = atoi(args[0]);
      args = args.slice(1);
      continue;
    }
    if (a === "gw" || a === "gateway") {
      args = args.slice(1);
      if (args[0] === undefined) return usage(p, E_OPTERR);
      if (flags & RTF_GATEWAY) return usage(p, E_OPTERR);
      const gw = args[0].slice(0, 127);
      const g = await names.input(1, gw);
      if (!g) {
        names.herror(gw);
        return E_LOOKUP;
      }
      gateway = g;
      flags |= RTF_GATEWAY;
      args = args.slice(1);
      continue;
    }
    if (a === "mod") {
      args = args.slice(1);
      flags |= RTF_MODIFIED;
      continue;
    }
    if (a === "dyn") {
      args = args.slice(1);
      flags |= RTF_DYNAMIC;
      continue;
    }
    if (a === "device" || a === "dev") {
      args = args.slice(1);
      if (args[0] === undefined) return usage(p, E_OPTERR);
    } else if (args.length > 1) return usage(p, E_OPTERR);
    devname = args[0]!;
    args = args.slice(1);
  }
  let ifindex = 0;
  if (devname !== undefined) {
    // ifr_name is IFNAMSIZ bytes (safe_strncpy)
    const r = ioctl(p.sys, "SIOCGIFINDEX", { ifname: devname.slice(0, 15) });
    if (isKErr(r)) {
      perror(p, "SIOGIFINDEX", r);
      return E_SOCK;
    }
    ifindex = num(r, "ifindex");
  }
  const request = action === RTACTION_DEL ? "SIOCDELRT" : "SIOCADDRT";
  const r = p.sys.ioctl({
    request, family: AF_INET6, rtmsg_dst: dst, rtmsg_dst_len: prefixLen, rtmsg_gateway: gateway, rtmsg_metric: metric,
    rtmsg_flags: flags, rtmsg_ifindex: ifindex,
  });
  if (isKErr(r)) {
    perror(p, request, r);
    return E_SOCK;
  }
  return 0;
}

/** lib/inet6_sr.c: INET6_rinput() */
export async function inet6Rinput(p: Process, action: number, _options: number, args: string[]): Promise<number> {
  if (action === RTACTION_FLUSH) {
    p.stderr.write("Flushing `inet6' routing table not supported\n");
    return usage(p, E_OPTERR);
  }
  if (action === RTACTION_HELP) return usage(p, E_USAGE);
  return inet6Setroute(p, action, args);
}
