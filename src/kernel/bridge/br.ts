/**
 * net/bridge/br.c: br_init() — registers the bridge's rtnl link ops, its AF_BRIDGE rtnetlink
 * handlers, the legacy ioctls and the netdevice notifier (br_device_event).
 */
import type { NetDevice } from "../core/netdevice.ts";
import { brMdbDump, brMdbAdd, brMdbDel } from "./br_mdb.ts";
import {
  NETDEV_CHANGE, NETDEV_CHANGEADDR, NETDEV_CHANGEMTU, NETDEV_DOWN, NETDEV_UNREGISTER, NETDEV_UP, NETDEV_REGISTER,
} from "../core/notifier.ts";
import { AF_BRIDGE } from "../uapi/rtnetlink.ts";
import { ETH_P_802_2 } from "../uapi/if.ts";
import type { NewlinkParams } from "../core/rtnetlink.ts";
import type { Net } from "../core/net_namespace.ts";
import { devAddProtocol, registerNetdevice, registerIoctl, registerNetdeviceNotifier, rtnlLinkRegister, rtnlRegister } from "./br_compat.ts";
import { brFdbChangeaddr } from "./br_fdb.ts";
import { brSysfsInit } from "./br_sysfs.ts";
import { brNetfilterInit } from "./br_netfilter.ts";
import { brAddDelIf, brDevSiocdevprivate, brIoctlStub } from "./br_ioctl.ts";
import { brDelIf, brDevRegistered, brDevSetup, brMtuAutoAdjust } from "./br_if.ts";
import { brChangelink, brDellink, brFdbAdd, brFdbDel, brFdbDump, brFdbGetDoit, brGetlinkDump, brLinkOps, brSetlink, brValidate } from "./br_netlink.ts";
import { brFromDev, brPortGet } from "./br_private.ts";
import { llcRcv, brPortCarrierCheck, brStpChangeBridgeId, brStpDisablePort, brStpForgetLowestAddr, brStpRecalculateBridgeId } from "./br_stp.ts";
import { BR_STATE_DISABLED } from "./br_private.ts";
import { brIfinfoNotify } from "./br_netlink.ts";

/** br_device_event(): what happens to a port changes its bridge */
function brDeviceEvent(event: number, dev: NetDevice): void {
  if (event === NETDEV_REGISTER && brFromDev(dev)) {
    brDevRegistered(dev);
    return;
  }
  const p = brPortGet(dev);
  if (!p) return;
  const br = p.br;
  let notified = false;
  switch (event) {
    case NETDEV_CHANGEMTU:
      brMtuAutoAdjust(br);
      break;
    case NETDEV_CHANGEADDR: {
      const old = br.fdb.size ? [...br.fdb.values()].find((f) => f.dst === p && f.flags & 1)?.addr : undefined;
      brFdbChangeaddr(p, old ?? new Uint8Array(6), dev.devAddr);
      brStpForgetLowestAddr(br);
      brStpRecalculateBridgeId(br);
      break;
    }
    case NETDEV_CHANGE:
    case NETDEV_UP:
      notified = brPortCarrierCheck(p);
      break;
    case NETDEV_DOWN:
      if (br.dev.isUp() && p.state !== BR_STATE_DISABLED) {
        brStpDisablePort(p);
        notified = true;
      }
      break;
    case NETDEV_UNREGISTER:
      brDelIf(br, dev);
      return;
  }
  /* Events that may cause spanning tree to refresh */
  if (!notified && (event === NETDEV_CHANGEADDR || event === NETDEV_UP || event === NETDEV_CHANGE || event === NETDEV_DOWN)) {
    brIfinfoNotify("RTM_NEWLINK", p);
  }
}

let done = false;

/** br_init() */
export function brInit(): void {
  if (done) return;
  done = true;
  rtnlLinkRegister({
    ...brLinkOps,
    validate: brValidate,
    /** br_dev_setup() */
    alloc(name: string, net: Net, _p: NewlinkParams) {
      return brDevSetup(net, name);
    },
    /** br_dev_newlink(): register, then apply IFLA_BR_* */
    newlink(dev: NetDevice, p: NewlinkParams) {
      const err = registerNetdevice(p.net, dev);
      if (err) return err;
      const br = brFromDev(dev)!;
      if (p.attrs.IFLA_ADDRESS) brStpChangeBridgeId(br, p.attrs.IFLA_ADDRESS.slice(0, 6));
      // a bridge whose IFLA_BR_* the kernel refuses is deleted again (br_dev_delete())
      const e = p.data ? brChangelink(dev, p.data) : undefined;
      if (e) brLinkOps.dellink!(dev);
      return e;
    },
  });
  rtnlRegister(AF_BRIDGE, "RTM_GETLINK", { dumpit: brGetlinkDump });
  rtnlRegister(AF_BRIDGE, "RTM_SETLINK", { doit: brSetlink });
  rtnlRegister(AF_BRIDGE, "RTM_DELLINK", { doit: brDellink });
  rtnlRegister(AF_BRIDGE, "RTM_NEWNEIGH", { doit: brFdbAdd });
  rtnlRegister(AF_BRIDGE, "RTM_DELNEIGH", { doit: brFdbDel });
  rtnlRegister(AF_BRIDGE, "RTM_GETNEIGH", { doit: brFdbGetDoit, dumpit: brFdbDump });
  rtnlRegister(AF_BRIDGE, "RTM_GETMDB", { dumpit: brMdbDump });
  rtnlRegister(AF_BRIDGE, "RTM_NEWMDB", { doit: brMdbAdd });
  rtnlRegister(AF_BRIDGE, "RTM_DELMDB", { doit: brMdbDel });
  registerIoctl("SIOCBRADDBR", brIoctlStub);
  registerIoctl("SIOCBRDELBR", brIoctlStub);
  registerIoctl("SIOCBRADDIF", brAddDelIf);
  registerIoctl("SIOCBRDELIF", brAddDelIf);
  registerIoctl("SIOCDEVPRIVATE", brDevSiocdevprivate);
  registerNetdeviceNotifier(brDeviceEvent);
  brSysfsInit();
  brNetfilterInit(); // br_netfilter is loaded on the lab machines
  devAddProtocol(ETH_P_802_2, llcRcv); // llc_init(): dev_add_pack(&llc_packet_type)
}
