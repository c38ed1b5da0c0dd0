/**
 * drivers/net/dummy.c: a device that swallows what it is sent. Ethernet-like but NOARP and
 * without MULTICAST, no queue, a random MAC. Loading the module (modprobe dummy, or the
 * autoload by `ip link add … type dummy`) also makes `numdummies` (1) devices named dummy%d in
 * the machine's initial namespace.
 */
import { NetDevice, NETDEV_TX_OK, IFF_NO_QUEUE, IFF_LIVE_ADDR_CHANGE, NET_ADDR_RANDOM, NET_ADDR_SET } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import type { IflaAttrs } from "../uapi/rtnetlink.ts";
import { IFF_BROADCAST, IFF_NOARP, ARPHRD_ETHER } from "../uapi/if.ts";
import { registerNetdevice, unregisterNetdevice, ethMacAddr, validateEtherAddrAttr } from "../core/dev.ts";
import { rtnlLinkRegister, type RtnlLinkKind } from "../core/rtnetlink.ts";
import { consumeSkb } from "../core/drop.ts";
import { setEthtoolOps, ethtoolOpGetTsInfo } from "../core/dev_ioctl.ts";
import { registerKernelModule, requestModule } from "./kmod.ts";

export const DRV_NAME = "dummy";
const numdummies = 1;

/** drivers/net/dummy.c: dummy_xmit() (dev_lstats_add: the core counts tx) */
function dummyXmit(skb: SkBuff, _dev: NetDevice): number {
  consumeSkb(skb);
  return NETDEV_TX_OK;
}

const dummyNetdevOps = {
  startXmit: dummyXmit,
  setMacAddress: ethMacAddr,
  /** dummy_change_carrier() is not modelled; ndo_change_mtu: eth default */
  changeMtu: (dev: NetDevice, mtu: number): KErr | undefined => {
    dev.mtu = mtu;
    return undefined;
  },
};

/** drivers/net/dummy.c: dummy_ethtool_ops */
setEthtoolOps(dummyNetdevOps, {
  getLink: () => 1,
  getDrvinfo: () => ({ driver: DRV_NAME, version: "1.0" }),
  getTsInfo: ethtoolOpGetTsInfo,
});

/** drivers/net/dummy.c: dummy_setup() (ether_setup + eth_hw_addr_random) */
function dummySetup(name: string, net: Net, attrs: IflaAttrs): NetDevice {
  const given = attrs.IFLA_ADDRESS;
  const addr = given ? given.slice(0, 6) : net.host.world.randomMac(net.host, net.name, name);
  const dev = new NetDevice(name, ARPHRD_ETHER, IFF_BROADCAST | IFF_NOARP, dummyNetdevOps, addr,
    new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
  dev.addrAssignType = given || net.host.world.labMode ? NET_ADDR_SET : NET_ADDR_RANDOM;
  dev.privFlags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
  dev.mtu = 1500;
  dev.minMtu = 0;
  dev.maxMtu = 0;
  dev.txQueueLen = 1000;
  dev.tsoMaxSize = 65536; // TSO_LEGACY_MAX_SIZE
  dev.linkOps = dummyLinkOps;
  dev.net = net;
  return dev;
}

/** drivers/net/dummy.c: dummy_validate() */
function dummyValidate(tb: IflaAttrs): KErr | undefined {
  const ae = validateEtherAddrAttr(tb.IFLA_ADDRESS);
  if (ae) return ae;
  return undefined;
}

export const dummyLinkOps: RtnlLinkKind = {
  kind: DRV_NAME,
  alloc: (name, net, p) => dummySetup(name, net, p.attrs),
  validate: (p) => {
    /* rtnl_newlink(): request_module("rtnl-link-dummy") when the kind is not there yet */
    requestModule(p.srcNet, "rtnl-link-dummy");
    return dummyValidate(p.attrs);
  },
  /** the default newlink: register_netdevice() */
  newlink: (dev, p) => registerNetdevice(p.net, dev),
  /* rtnl_link_ops without .dellink: unregister_netdevice_queue() */
  dellink: (dev) => unregisterNetdevice(dev),
};

let done = false;

/** drivers/net/dummy.c: dummy_init_module() — the code once; dummy%d per machine at load */
export function dummyInit(): void {
  if (done) return;
  done = true;
  rtnlLinkRegister(dummyLinkOps);
  registerKernelModule({
    name: "dummy",
    size: 12288,
    deps: [],
    aliases: ["rtnl-link-dummy"],
    init: (host) => {
      /* dummy_init_one() numdummies times in &init_net */
      for (let i = 0; i < numdummies; i++) {
        const dev = dummySetup("dummy%d", host.initNet, {});
        registerNetdevice(host.initNet, dev);
      }
    },
  });
}
