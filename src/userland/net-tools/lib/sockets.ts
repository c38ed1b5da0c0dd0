/**
 * The legacy socket ioctls net-tools, brctl and ethtool make (struct ifreq, rtentry, arpreq),
 * as `Syscalls.ioctl` requests. Field names are the C struct members without their `ifr_`
 * prefix for ifreq, and the C names for rtentry (rt_*) and arpreq (arp_*); IPv4 addresses are
 * host-order numbers, hardware addresses Uint8Arrays:
 *
 *   SIOCGIFFLAGS {ifname} -> {flags}            SIOCSIFFLAGS {ifname, flags}
 *   SIOCGIFHWADDR {ifname} -> {hwaddr, family}  SIOCSIFHWADDR {ifname, hwaddr, family}
 *   SIOCGIFMTU -> {mtu}        SIOCSIFMTU {mtu}    SIOCGIFTXQLEN -> {qlen}  SIOCSIFTXQLEN {qlen}
 *   SIOCGIFADDR -> {addr}      SIOCSIFADDR {addr}  (ifname may carry a ":label")
 *   SIOCGIFNETMASK -> {netmask}   SIOCSIFNETMASK {netmask}
 *   SIOCGIFBRDADDR -> {broadaddr} SIOCSIFBRDADDR {broadaddr}
 *   SIOCGIFDSTADDR -> {dstaddr}   SIOCSIFDSTADDR {dstaddr}
 *   SIOCGIFINDEX -> {ifindex}     SIOCSIFNAME {ifname, newname}
 *   SIOCGIFCONF {} -> {ifc: [{ifname, addr}]}   (one per IPv4 address, by label)
 *   SIOCADDRT / SIOCDELRT {rt_dst, rt_gateway, rt_genmask, rt_flags, rt_metric, rt_dev?,
 *                          rt_mtu, rt_window, rt_irtt}
 *   SIOCSARP / SIOCDARP / SIOCGARP {arp_pa, arp_ha?, arp_ha_family?, arp_flags, arp_netmask?,
 *                          arp_dev}
 *
 * ADAPTER (marked): where the kernel does not know a read-only request yet (ENOTTY), the
 * answer is computed from rtnetlink, which carries the same data.
 */
import type { Syscalls } from "../../../kernel/uapi/syscalls.ts";
import type { KErr } from "../../../kernel/uapi/errno.ts";
import { isKErr, kerr } from "../../../kernel/uapi/errno.ts";
import type { AddrMsg, LinkMsg } from "../../../kernel/uapi/rtnetlink.ts";
import { AF_INET, AF_UNSPEC } from "../../../kernel/uapi/rtnetlink.ts";

export type IoctlAnswer = Record<string, unknown> | KErr;

function unsupported(r: IoctlAnswer): boolean {
  return isKErr(r) && (r.errno === "ENOTTY" || r.errno === "ENOSYS");
}

/** the device part of "eth0:1" (dev_ioctl() cuts at the colon) */
export function devPart(name: string): string {
  const c = name.indexOf(":");
  return c >= 0 ? name.slice(0, c) : name;
}

// --------------------------------------------------------------- ADAPTER: rtnl answers

function getLink(sys: Syscalls, name: string): LinkMsg | KErr {
  const r = sys.rtnl.talk({
    type: "RTM_GETLINK",
    flags: {},
    ifi: { family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 },
    attrs: { IFLA_IFNAME: devPart(name) },
  });
  if (!r.ack.ok) return kerr(r.ack.errno === "ENOENT" ? "ENODEV" : r.ack.errno);
  if (!r.answer || r.answer.type !== "RTM_NEWLINK" || !("ifi" in r.answer)) return kerr("ENODEV");
  return r.answer as LinkMsg;
}

function be32(a: Uint8Array | undefined): number {
  if (!a || a.length < 4) return 0;
  return ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
}

/** every IPv4 address of the namespace (what devinet_ioctl() and inet_gifconf() walk) */
function inetAddrs(sys: Syscalls): AddrMsg[] {
  return sys.rtnl.dump({
    type: "RTM_GETADDR",
    flags: {},
    ifa: { family: AF_INET, prefixlen: 0, flags: 0, scope: 0, index: 0 },
    attrs: {},
  }) as AddrMsg[];
}

/** devinet_ioctl()'s lookup: the first IPv4 address whose label is `name` */
function getIfa(sys: Syscalls, name: string): AddrMsg | KErr {
  const l = getLink(sys, name);
  if (isKErr(l)) return l;
  const all = inetAddrs(sys);
  for (const a of all) {
    if (a.ifa.index !== l.ifi.index) continue;
    if ((a.attrs.IFA_LABEL ?? "") === name) return a;
  }
  return kerr("EADDRNOTAVAIL");
}

function rtnlAnswer(sys: Syscalls, req: Record<string, unknown> & { request: string }): IoctlAnswer {
  const name = String(req["ifname"] ?? "");
  switch (req.request) {
    case "SIOCGIFFLAGS":
    case "SIOCGIFHWADDR":
    case "SIOCGIFMTU":
    case "SIOCGIFTXQLEN":
    case "SIOCGIFINDEX": {
      const l = getLink(sys, name);
      if (isKErr(l)) return l;
      // dev_get_flags(): IFF_RUNNING etc. as the kernel reports them to userland (low 16 bits)
      return {
        flags: l.ifi.flags & 0xffff,
        hwaddr: l.attrs.IFLA_ADDRESS ?? new Uint8Array(6),
        family: l.ifi.type,
        mtu: l.attrs.IFLA_MTU ?? 0,
        qlen: (l.attrs.IFLA_TXQLEN ?? 0) | 0,
        ifindex: l.ifi.index,
      };
    }
    case "SIOCGIFADDR":
    case "SIOCGIFNETMASK":
    case "SIOCGIFBRDADDR":
    case "SIOCGIFDSTADDR": {
      const a = getIfa(sys, name);
      if (isKErr(a)) return a;
      const local = be32(a.attrs.IFA_LOCAL ?? a.attrs.IFA_ADDRESS);
      const plen = a.ifa.prefixlen;
      return {
        addr: local,
        netmask: plen === 0 ? 0 : (~0 << (32 - plen)) >>> 0,
        broadaddr: be32(a.attrs.IFA_BROADCAST),
        dstaddr: be32(a.attrs.IFA_ADDRESS),
      };
    }
    case "SIOCGIFCONF": {
      const all = inetAddrs(sys);
      return { ifc: all.map((a) => ({ ifname: a.attrs.IFA_LABEL ?? "", addr: be32(a.attrs.IFA_LOCAL) })) };
    }
  }
  return kerr("ENOTTY");
}

// ------------------------------------------------------------------------------ requests

/** ioctl(fd, request, &req): the kernel's answer; read-only requests fall back to rtnl */
export function ioctl(sys: Syscalls, request: string, fields: Record<string, unknown> = {}): IoctlAnswer {
  const req = { request, ...fields };
  const r = sys.ioctl(req);
  if (unsupported(r) && request.startsWith("SIOCG")) return rtnlAnswer(sys, req);
  return r;
}

export function num(r: Record<string, unknown>, k: string): number {
  const v = r[k];
  return typeof v === "number" ? v : 0;
}

export function siocgifflags(sys: Syscalls, ifname: string): number | KErr {
  const r = ioctl(sys, "SIOCGIFFLAGS", { ifname });
  return isKErr(r) ? r : num(r, "flags");
}

export function siocsifflags(sys: Syscalls, ifname: string, flags: number): KErr | undefined {
  const r = ioctl(sys, "SIOCSIFFLAGS", { ifname, flags: flags & 0xffff });
  return isKErr(r) ? r : undefined;
}

export function siocgifhwaddr(sys: Syscalls, ifname: string): { hwaddr: Uint8Array; family: number } | KErr {
  const r = ioctl(sys, "SIOCGIFHWADDR", { ifname });
  if (isKErr(r)) return r;
  const hw = r["hwaddr"];
  return { hwaddr: hw instanceof Uint8Array ? hw : new Uint8Array(0), family: num(r, "family") };
}

/** an ifreq getter of one numeric field (mtu, qlen, addr, netmask, broadaddr, dstaddr, ifindex) */
export function siocgifnum(sys: Syscalls, request: string, ifname: string, field: string): number | KErr {
  const r = ioctl(sys, request, { ifname });
  return isKErr(r) ? r : num(r, field);
}

/** an ifreq setter: {ifname, field: value} */
export function siocsif(sys: Syscalls, request: string, ifname: string, fields: Record<string, unknown>): KErr | undefined {
  const r = ioctl(sys, request, { ifname, ...fields });
  return isKErr(r) ? r : undefined;
}

/** SIOCGIFCONF: the names (labels) of the interfaces with an IPv4 address */
export function siocgifconf(sys: Syscalls): string[] | KErr {
  const r = ioctl(sys, "SIOCGIFCONF");
  if (isKErr(r)) return r;
  const ifc = r["ifc"];
  if (!Array.isArray(ifc)) return [];
  return ifc.map((e: unknown) => String((e as { ifname?: unknown }).ifname ?? ""));
}
