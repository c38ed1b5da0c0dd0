/**
 * net/core/dev_addr_lists.c: a device's unicast and multicast hardware address lists
 * (dev->uc, dev->mc), with the reference counts of struct netdev_hw_addr.
 *
 * The lists are the plain arrays `dev.uc` / `dev.mc` of HwAddr entries (the address's bytes
 * with struct netdev_hw_addr's counts), in list order: __hw_addr_create() appends at the tail.
 * The bridge reads them for `bridge fdb show` (ndo_dflt_fdb_dump) and /proc/net/dev_mcast
 * prints them; every entry is made and removed here.
 */
import type { NetDevice } from "./netdevice.ts";
import type { Net } from "./net_namespace.ts";
import { IFF_UNICAST_FLT } from "./netdevice.ts";
import { devSetPromiscuity } from "./dev.ts";
import { registerProcNet } from "./procfs.ts";
import { registerNetdeviceNotifier, NETDEV_UNREGISTER, NOTIFY_DONE } from "./notifier.ts";
import { kerr, type KErr } from "../uapi/errno.ts";

/** struct netdev_hw_addr: the address's bytes and its counts in one object */
export class HwAddr extends Uint8Array {
  /** what slice()/subarray()/map() of an entry make: plain bytes, not entries */
  static get [Symbol.species](): Uint8ArrayConstructor {
    return Uint8Array;
  }
  refcount = 1;
  /** the address was added with the global flag (dev_mc_add_global) */
  global = false;
  globalUse = false;
}

function lists(dev: NetDevice): { uc: HwAddr[]; mc: HwAddr[] } {
  dev.uc ??= [];
  dev.mc ??= [];
  return { uc: dev.uc, mc: dev.mc };
}

/** the device's uc / mc list (lists() made both on first use, in that order) without the
 * pair lists() returns: adding a group reads one of them */
function ucOf(dev: NetDevice): HwAddr[] {
  return dev.uc ?? lists(dev).uc;
}
function mcOf(dev: NetDevice): HwAddr[] {
  return dev.mc ?? lists(dev).mc;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** net/core/dev_addr_lists.c: __hw_addr_add_ex() */
function hwAddrAddEx(list: HwAddr[], addr: Uint8Array, addrLen: number, global: boolean, exclusive: boolean): KErr | undefined {
  if (addr.length < addrLen) return kerr("EINVAL");
  const a = addr.length === addrLen ? addr : addr.subarray(0, addrLen);
  for (const ha of list) {
    if (!same(ha, a)) continue;
    if (exclusive) return kerr("EEXIST");
    if (global) {
      /* check if addr is already used as global */
      if (ha.global) return undefined;
      /* ha->global_use = true (what /proc/net/dev_mcast prints as the 4th column) */
      ha.global = true;
      ha.globalUse = true;
    }
    ha.refcount++;
    return undefined;
  }
  // __hw_addr_create(): list_add_tail
  const ha = new HwAddr(a.length);
  ha.set(a);
  ha.global = global;
  ha.globalUse = global;
  list.push(ha);
  return undefined;
}

/** net/core/dev_addr_lists.c: __hw_addr_del_ex() */
function hwAddrDelEx(list: HwAddr[], addr: Uint8Array, addrLen: number, global: boolean): KErr | undefined {
  const a = addr.length === addrLen ? addr : addr.subarray(0, addrLen);
  const i = list.findIndex((ha) => same(ha, a));
  if (i < 0) return kerr("ENOENT");
  const ha = list[i]!;
  if (global) {
    if (!ha.global) return kerr("ENOENT");
    ha.global = false;
    ha.globalUse = false;
  }
  if (--ha.refcount) return undefined;
  list.splice(i, 1);
  return undefined;
}

/**
 * net/core/dev.c: __dev_set_rx_mode(): a device without unicast filtering goes promiscuous
 * while its unicast list is not empty (dev->uc_promisc). Drivers' ndo_set_rx_mode (the
 * hardware filter) has nothing to program here.
 */
export function devSetRxMode(dev: NetDevice): void {
  if (!dev.isUp()) return;
  if (dev.privFlags & IFF_UNICAST_FLT) return;
  const empty = ucOf(dev).length === 0;
  if (!empty && !dev.ucPromisc) {
    devSetPromiscuity(dev, 1);
    dev.ucPromisc = true;
  } else if (empty && dev.ucPromisc) {
    devSetPromiscuity(dev, -1);
    dev.ucPromisc = false;
  }
}

/** net/core/dev_addr_lists.c: dev_uc_add() */
export function devUcAdd(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  const err = hwAddrAddEx(ucOf(dev), addr, dev.addrLen, false, false);
  if (!err) devSetRxMode(dev);
  return err;
}

/** net/core/dev_addr_lists.c: dev_uc_add_excl() */
export function devUcAddExcl(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  const err = hwAddrAddEx(ucOf(dev), addr, dev.addrLen, false, true);
  if (!err) devSetRxMode(dev);
  return err;
}

/** net/core/dev_addr_lists.c: dev_uc_del() */
export function devUcDel(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  const err = hwAddrDelEx(ucOf(dev), addr, dev.addrLen, false);
  if (!err) devSetRxMode(dev);
  return err;
}

/** net/core/dev_addr_lists.c: __dev_mc_add() */
function __devMcAdd(dev: NetDevice, addr: Uint8Array, global: boolean): KErr | undefined {
  const err = hwAddrAddEx(mcOf(dev), addr, dev.addrLen, global, false);
  if (!err) devSetRxMode(dev);
  return err;
}

/** net/core/dev_addr_lists.c: dev_mc_add() — e.g. from igmp_group_added / igmp6_group_added */
export function devMcAdd(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  return __devMcAdd(dev, addr, false);
}

/** net/core/dev_addr_lists.c: dev_mc_add_global() */
export function devMcAddGlobal(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  return __devMcAdd(dev, addr, true);
}

/** net/core/dev_addr_lists.c: dev_mc_add_excl() (ndo_dflt_fdb_add for a multicast address) */
export function devMcAddExcl(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  const err = hwAddrAddEx(mcOf(dev), addr, dev.addrLen, false, true);
  if (!err) devSetRxMode(dev);
  return err;
}

/** net/core/dev_addr_lists.c: __dev_mc_del() */
function __devMcDel(dev: NetDevice, addr: Uint8Array, global: boolean): KErr | undefined {
  const err = hwAddrDelEx(mcOf(dev), addr, dev.addrLen, global);
  if (!err) devSetRxMode(dev);
  return err;
}

/** net/core/dev_addr_lists.c: dev_mc_del() */
export function devMcDel(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  return __devMcDel(dev, addr, false);
}

/** net/core/dev_addr_lists.c: dev_mc_del_global() */
export function devMcDelGlobal(dev: NetDevice, addr: Uint8Array): KErr | undefined {
  return __devMcDel(dev, addr, true);
}

/** net/core/dev_addr_lists.c: dev_uc_flush() */
export function devUcFlush(dev: NetDevice): void {
  lists(dev).uc.length = 0;
}

/** net/core/dev_addr_lists.c: dev_mc_flush() */
export function devMcFlush(dev: NetDevice): void {
  lists(dev).mc.length = 0;
}

/** the multicast list in order (netdev_for_each_mc_addr) */
export function devMcList(dev: NetDevice): readonly HwAddr[] {
  return lists(dev).mc;
}

/** the unicast list in order (netdev_for_each_uc_addr) */
export function devUcList(dev: NetDevice): readonly HwAddr[] {
  return lists(dev).uc;
}

/** the refcount of a list entry (netdev_hw_addr.refcount) */
export function hwAddrRefcount(ha: HwAddr): number {
  return ha.refcount;
}

/** net/core/dev_addr_lists.c: dev_mc_seq_show() — /proc/net/dev_mcast */
function devMcSeqShow(net: Net): string {
  let out = "";
  for (const dev of net.devices()) {
    for (const m of lists(dev).mc) {
      const hex = [...m].map((b) => b.toString(16).padStart(2, "0")).join("");
      out += `${String(dev.ifindex).padEnd(4, " ")} ${dev.name.padEnd(15, " ")} ${String(m.refcount).padEnd(5, " ")} ` +
        `${String(m.globalUse ? 1 : 0).padEnd(5, " ")} ${hex}\n`;
    }
  }
  return out;
}

let inited = false;

/** net/core/dev_addr_lists.c: dev_mcast_init() + the flushes of unregister_netdevice_many() */
export function devAddrListsInit(): void {
  if (inited) return;
  inited = true;
  registerProcNet("dev_mcast", devMcSeqShow);
  registerNetdeviceNotifier((event, dev) => {
    // unregister_netdevice_many() and __dev_change_net_namespace() both flush the lists
    if (event === NETDEV_UNREGISTER) {
      devUcFlush(dev);
      devMcFlush(dev);
    }
    return NOTIFY_DONE;
  });
}
