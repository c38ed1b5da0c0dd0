/**
 * net/bridge/br_ioctl.c: the legacy bridge ioctls brctl uses — SIOCBRADDBR/SIOCBRDELBR
 * (br_ioctl_stub), SIOCBRADDIF/SIOCBRDELIF (br_dev_siocdevprivate → add_del_if) and the
 * SIOCDEVPRIVATE BRCTL_* calls libbridge falls back to when a sysfs file is missing.
 */
import type { Net } from "../core/net_namespace.ts";
import { type KErr, kerr } from "../uapi/errno.ts";
import { brAddBridge, brAddIf, brDelBridge, brDelIf } from "./br_if.ts";
import { brStpSetPathCost, brStpSetPortPriority } from "./br_stp.ts";
import { BR_ADMIN_COST, BR_MAX_PORTS } from "./br_private.ts";
import { brChangelink, netDevices } from "./br_netlink.ts";
import { brFromDev } from "./br_private.ts";

function devByName(net: Net, name: unknown) {
  return netDevices(net).find((d) => d.name === name);
}

/** br_ioctl_stub(): SIOCBRADDBR / SIOCBRDELBR, the name in `ifname` */
export function brIoctlStub(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  /* copy_from_user(buf, uarg, IFNAMSIZ); buf[IFNAMSIZ-1] = 0: a longer name is cut to 15
   * bytes (`brctl addbr averyveryverylongname` makes "averyveryverylo") */
  const bytes = new TextEncoder().encode(String(req.ifname ?? ""));
  const name = new TextDecoder().decode(bytes.subarray(0, 15));
  if (req.request === "SIOCBRADDBR") {
    if (devByName(net, name)) return kerr("EEXIST");
    if (name.length >= 16 || name === "" || name.includes("/") || /\s/.test(name)) return kerr("EINVAL");
    return brAddBridge(net, name) ?? {};
  }
  const dev = devByName(net, name);
  if (!dev) return kerr("ENXIO");
  return brDelBridge(dev) ?? {};
}

/** add_del_if(): SIOCBRADDIF / SIOCBRDELIF on the bridge `ifname`, the port by `ifindex` */
export function brAddDelIf(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const brdev = devByName(net, req.ifname);
  if (!brdev) return kerr("ENODEV");
  const br = brFromDev(brdev);
  if (!br) return kerr("EOPNOTSUPP");
  const dev = netDevices(net).find((d) => d.ifindex === Number(req.ifindex));
  if (!dev) return kerr("EINVAL");
  const err = req.request === "SIOCBRADDIF" ? brAddIf(br, dev) : brDelIf(br, dev);
  return err ? { errno: err.errno } : {};
}

/** the BRCTL_* codes of old_dev_ioctl() (linux/if_bridge.h) this port answers */
const BRCTL_GET_PORT_LIST = 3;
const BRCTL_SET_PORT_PRIORITY = 16;
const BRCTL_SET_PATH_COST = 17;
/** the bridge-wide settings of old_dev_ioctl(), as the netlink attribute that sets each
 * (times in clock_t, as sysfs and netlink take them) */
const BRCTL_SET_BRIDGE: Record<number, string> = {
  8: "IFLA_BR_FORWARD_DELAY", 9: "IFLA_BR_HELLO_TIME", 10: "IFLA_BR_MAX_AGE", 11: "IFLA_BR_AGEING_TIME",
  14: "IFLA_BR_STP_STATE", 15: "IFLA_BR_PRIORITY",
};

/**
 * dev_ifsioc() → br_dev_siocdevprivate() → old_dev_ioctl(): SIOCDEVPRIVATE on `ifname` with
 * `args` (unsigned long[4]): the port list (ifindex by port number), or a port's priority or
 * path cost set by its number. A device that is not a bridge has no ndo_siocdevprivate.
 */
export function brDevSiocdevprivate(net: Net, req: Record<string, unknown>): Record<string, unknown> | KErr {
  const dev = devByName(net, typeof req.ifname === "string" ? req.ifname.split(":")[0] : req.ifname);
  if (!dev) return kerr("ENODEV");
  const br = brFromDev(dev);
  if (!br) return kerr("EOPNOTSUPP");
  const args = Array.isArray(req.args) ? (req.args as number[]) : [];
  const [cmd = 0, a1 = 0, a2 = 0] = args;
  const attr = BRCTL_SET_BRIDGE[cmd];
  if (attr) return brChangelink(dev, { [attr]: a1 }) ?? {};
  switch (cmd) {
    case BRCTL_GET_PORT_LIST: {
      let n = a2 | 0;
      if (n < 0) return kerr("EINVAL");
      if (n === 0) n = 256;
      if (n > BR_MAX_PORTS) n = BR_MAX_PORTS;
      const indices = new Array<number>(n).fill(0);
      for (const p of br.ports) if (p.portNo < n) indices[p.portNo] = p.dev.ifindex;
      return { ifindices: indices, ret: n };
    }
    case BRCTL_SET_PORT_PRIORITY:
    case BRCTL_SET_PATH_COST: {
      const p = br.ports.find((x) => x.portNo === a1);
      if (!p) return kerr("EINVAL");
      if (cmd === BRCTL_SET_PORT_PRIORITY) {
        if (a2 > 63) return kerr("ERANGE");
        brStpSetPortPriority(p, a2);
      } else {
        if (a2 < 1 || a2 > 65535) return kerr("ERANGE");
        p.flags |= BR_ADMIN_COST;
        brStpSetPathCost(p, a2);
      }
      return {};
    }
  }
  return kerr("EOPNOTSUPP");
}
