/**
 * net/bridge/br_ioctl.c: the legacy bridge ioctls brctl uses — SIOCBRADDBR/SIOCBRDELBR
 * (br_ioctl_stub) and SIOCBRADDIF/SIOCBRDELIF (br_dev_siocdevprivate → add_del_if).
 */
import type { Net } from "../core/net_namespace.ts";
import { type KErr, kerr } from "../uapi/errno.ts";
import { brAddBridge, brAddIf, brDelBridge, brDelIf } from "./br_if.ts";
import { netDevices } from "./br_netlink.ts";
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
