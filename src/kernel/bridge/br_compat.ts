/**
 * The one place where the bridge meets core: every core function the bridge calls is imported
 * here, under the name src/README.md gives it, so a signature change in core is fixed in one
 * file. Accessors for what a Net does not document yet (its scheduler, rng, printk) are here too.
 */
import type { Net } from "../core/net_namespace.ts";
import type { Scheduler } from "../../sim/scheduler.ts";
import type { NetDevice } from "../core/netdevice.ts";
import { netSched } from "../core/dev_path.ts";

export {
  registerNetdevice,
  unregisterNetdevice,
  devOpen,
  devClose,
  devGetFlags,
  devSetPromiscuity,
  devSetAllmulti,
  netifCarrierOn,
  netifCarrierOff,
  devSetMtu,
  devSetMacAddress,
  netdevRxHandlerRegister,
  netdevRxHandlerUnregister,
  netdevMasterUpperDevLink,
  netdevUpperDevUnlink,
  netifRunning,
  setNetnsLocal,
  validateEtherAddrAttr,
} from "../core/dev.ts";
export { devUcAddExcl, devUcDel, devMcAddExcl, devMcDel } from "../core/dev_addr_lists.ts";
export { devAddProtocol, devForwardable, devQueueXmit, devQueueXmitShared, netXmitUnobserved, netifReceiveSkb, netSched, netRng } from "../core/dev_path.ts";
export { kfreeSkbReason } from "../core/drop.ts";
export { rtnlRegister, rtnlLinkRegister } from "../core/rtnetlink.ts";
export { registerPernetOps } from "../core/net_namespace.ts";
/** core/dev_ioctl.ts: registerIoctl(request, (net, req) => result | KErr) (K1a) */
export { registerIoctl } from "../core/dev_ioctl.ts";
export { registerNetdeviceNotifier } from "../core/notifier.ts";

export function netScheduler(net: Net): Scheduler {
  return netSched(net);
}

/** printk(KERN_INFO …) into the host's dmesg ring */
export function netPrintk(net: Net, msg: string): void {
  net.host.dmesgLog(msg);
}

/** the namespace's devices in ifindex order */
export function netDevs(net: Net): NetDevice[] {
  return net.devices();
}
