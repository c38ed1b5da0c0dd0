/**
 * drivers/net/loopback.c: `lo`, created in every namespace by a pernet init (it is the first
 * device, so its ifindex is LOOPBACK_IFINDEX = 1). Frames sent on it come back through
 * netif_rx().
 */
import { NetDevice, NETDEV_TX_OK, IFF_NO_QUEUE, NET_ADDR_PERM } from "../core/netdevice.ts";
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import { registerPernetDevice } from "../core/net_namespace.ts";
import { registerNetdevice, setNetnsLocal } from "../core/dev.ts";
import { ethTypeTrans, netifRx } from "../core/dev_path.ts";
import { setEthtoolOps, ethtoolOpGetTsInfo } from "../core/dev_ioctl.ts";
import { IFF_LOOPBACK, ARPHRD_LOOPBACK, IF_OPER_UNKNOWN } from "../uapi/if.ts";

export const LOOPBACK_IFINDEX = 1;

/**
 * drivers/net/loopback.c: loopback_xmit() — skb->len after eth_type_trans() is counted once
 * the backlog took the frame, and loopback_get_stats64() reports those counts as both the
 * received and the transmitted ones
 */
function loopbackXmit(skb: SkBuff, dev: NetDevice): number {
  ethTypeTrans(skb, dev);
  const len = skb.tail - skb.data;
  if (netifRx(skb) === 0) {
    dev.stats.tx_packets++;
    dev.stats.tx_bytes += len;
    dev.stats.rx_packets++;
    dev.stats.rx_bytes += len;
  }
  return NETDEV_TX_OK;
}

const loopbackOps = { startXmit: loopbackXmit };
/** drivers/net/loopback.c: loopback_ethtool_ops (get_link = always_on, ethtool_op_get_ts_info) */
setEthtoolOps(loopbackOps, { getLink: () => 1, getTsInfo: ethtoolOpGetTsInfo });

/** drivers/net/loopback.c: loopback_setup() */
export function loopbackSetup(): NetDevice {
  const dev = new NetDevice("lo", ARPHRD_LOOPBACK, IFF_LOOPBACK, loopbackOps, new Uint8Array(6), new Uint8Array(6));
  dev.mtu = 64 * 1024;
  dev.minMtu = 0;
  dev.maxMtu = 0;
  dev.hardHeaderLen = 14;
  dev.addrLen = 6;
  dev.txQueueLen = 1000;
  dev.privFlags |= IFF_NO_QUEUE;
  dev.addrAssignType = NET_ADDR_PERM;
  dev.ifindex = LOOPBACK_IFINDEX;
  dev.carrier = true;
  dev.operstate = IF_OPER_UNKNOWN;
  return dev;
}

/** drivers/net/loopback.c: loopback_net_init() */
function loopbackNetInit(net: Net): void {
  const dev = loopbackSetup();
  setNetnsLocal(dev);
  const err = registerNetdevice(net, dev);
  if (err) throw new Error(`loopback: register failed: ${err.errno}`);
  net.loopbackDev = dev;
}

let done = false;

/** drivers/net/loopback.c: loopback_net_ops — the first pernet device op */
export function loopbackInit(): void {
  if (done) return;
  done = true;
  registerPernetDevice({ init: loopbackNetInit });
}
