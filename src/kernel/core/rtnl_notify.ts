/**
 * The multicast side of NETLINK_ROUTE: sockets bound to RTNLGRP_* groups (`ip monitor`) and
 * net/core/rtnetlink.c: rtnl_notify() / rtnl_has_listeners() over
 * net/netlink/af_netlink.c: netlink_broadcast() (NETLINK_F_LISTEN_ALL_NSID included).
 *
 * Nobody listening is the common case (a bench of 1000 namespaces, every lab without `ip
 * monitor`): rtnlHasListeners() is one integer test then, and the callers build no message.
 */
import type { Net } from "./net_namespace.ts";
import { peernet2id } from "./net_namespace.ts";
import type { RtnlEvent, RtnlListener, RtnlMsg } from "../uapi/rtnetlink.ts";

/** every bound socket of every namespace: the fast path's test */
let nlListeners = 0;
const socksOf = new WeakMap<Net, Set<RtnlSock>>();
/** sockets with NETLINK_LISTEN_ALL_NSID, which also hear other namespaces */
const allNsidSocks = new Set<RtnlSock>();

/** a NETLINK_ROUTE socket bound to groups (netlink_bind() with nl_groups / ADD_MEMBERSHIP) */
class RtnlSock implements RtnlListener {
  private queue: RtnlEvent[] = [];
  private readable: (() => void) | undefined;
  private closed = false;
  readonly groups = new Set<number>();
  constructor(readonly net: Net) {}
  /** netlink_broadcast_deliver(): queue it, wake the reader */
  deliver(msg: RtnlMsg, nsid: number): void {
    this.queue.push({ msg, nsid });
    this.readable?.();
  }
  read(): RtnlEvent | undefined {
    return this.queue.shift();
  }
  onReadable(cb: (() => void) | undefined): void {
    this.readable = cb;
    if (cb && this.queue.length) cb();
  }
  addGroup(group: number): void {
    this.groups.add(group);
  }
  listenAllNsid(): void {
    allNsidSocks.add(this);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    socksOf.get(this.net)?.delete(this);
    allNsidSocks.delete(this);
    nlListeners--;
    this.readable = undefined;
  }
}

/** socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) + bind() to `groups` (RTNLGRP_* numbers) */
export function rtnlListen(net: Net, groups: number[]): RtnlListener {
  const s = new RtnlSock(net);
  for (const g of groups) s.groups.add(g);
  let set = socksOf.get(net);
  if (!set) socksOf.set(net, (set = new Set()));
  set.add(s);
  nlListeners++;
  return s;
}

/** net/core/rtnetlink.c: rtnl_has_listeners() — is a message for `group` of `net` heard at all */
export function rtnlHasListeners(net: Net, group: number): boolean {
  if (nlListeners === 0) return false;
  if (allNsidSocks.size) return true;
  const set = socksOf.get(net);
  if (!set) return false;
  for (const s of set) if (s.groups.has(group)) return true;
  return false;
}

/** net/core/rtnetlink.c: rtnl_notify() → netlink_broadcast(): the sockets of `net` in `group`,
 * and the listen-all-nsid sockets of namespaces that have an id for `net` */
export function rtnlNotify(net: Net, group: number, msg: RtnlMsg): void {
  if (nlListeners === 0) return;
  const set = socksOf.get(net);
  if (set) for (const s of set) if (s.groups.has(group)) s.deliver(msg, -1);
  if (!allNsidSocks.size) return;
  for (const s of allNsidSocks) {
    if (s.net === net || !s.groups.has(group)) continue;
    const id = peernet2id(s.net, net);
    if (id >= 0) s.deliver(msg, id);
  }
}
