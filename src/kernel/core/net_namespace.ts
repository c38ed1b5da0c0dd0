/**
 * net/core/net_namespace.c: struct net, pernet operations, and the peer netns ids (nsid)
 * that appear as IFLA_LINK_NETNSID (`link-netnsid N`).
 *
 * Per-namespace state of a part lives in the slot of net.gen its own NetGeneric names, filled by
 * the init of the pernet ops it registers (include/net/netns/generic.h: net_generic()); Net
 * only holds what net/core owns.
 */
import type { NetDevice } from "./netdevice.ts";
import type { Host } from "../world.ts";

export interface PernetOperations {
  init?(net: Net): void;
  /** called while the namespace's devices still exist, in reverse registration order */
  preExit?(net: Net): void;
  exit?(net: Net): void;
}

/** NETNSA_NSID_NOT_ASSIGNED */
export const NETNSA_NSID_NOT_ASSIGNED = -1;

let netSerial = 0;

export class Net {
  readonly host: Host;
  /** the /run/netns name it was created under ("" for a host's initial namespace) */
  readonly name: string;
  readonly serial = ++netSerial;
  /** dev_base_head in ifindex order lives in devByIndex; names in devByName */
  readonly devByName = new Map<string, NetDevice>();
  readonly devByIndex = new Map<number, NetDevice>();
  /** net->ifindex: the cyclic hint of dev_index_reserve() */
  ifindex = 1;
  /** net->netns_ids: the ids this namespace gave its peers (change it only through
   * allocNetid() and netnsIdsForget(), which keep the two fields after it right) */
  readonly netnsIds = new Map<Net, number>();
  /** the same ids by id (the idr's lookup side: get_net_ns_by_id()) */
  readonly netnsIdPeer = new Map<number, Net>();
  /** every id below this one is taken: alloc_netid()'s search for the lowest free id starts
   * here, not at 0 (lowered when an id is freed) */
  netnsIdFree = 0;
  /** the loopback device (net->loopback_dev) */
  loopbackDev: NetDevice | undefined;
  /** net->dev_base_seq */
  devBaseSeq = 1;
  /** false once cleanup_net() ran */
  alive = true;
  /** net->nf.hooks_*: netfilter's hook entries by pf * NF_MAX_HOOKS + hook (netfilter/core.ts) */
  nfHooks: (readonly unknown[] | undefined)[] | undefined;
  /** net->gen: the parts' per-namespace state, by the id of each part's NetGeneric; made
   * with a slot for every id there is (net_alloc_generic() sizes it by max_gen_ptrs), not
   * grown and copied slot by slot as the pernet inits fill it in their order */
  readonly gen: unknown[] = new Array<unknown>(netGenIds).fill(undefined);

  constructor(host: Host, name: string) {
    this.host = host;
    this.name = name;
  }

  /** the devices in dump order (for_each_netdev_dump walks dev_by_index: ifindex order) */
  devices(): NetDevice[] {
    return [...this.devByIndex.values()].sort((a, b) => a.ifindex - b.ifindex);
  }

  /** is this the host's initial namespace (init_net of the machine)? */
  get isInit(): boolean {
    return this.host.initNet === this;
  }
}

let netGenIds = 0;

/**
 * A part's per-namespace state (net_generic(net, id)): one slot of net.gen, read by index.
 * The map-shaped API of the WeakMap it replaces; a packet's path asks a dozen parts for their
 * state of the same namespace, and a slot of one small array per namespace is one memory
 * line where a WeakMap is a probe into a table as large as the number of namespaces.
 */
export class NetGeneric<T> {
  private readonly id = netGenIds++;
  get(net: Net): T | undefined {
    return net.gen[this.id] as T | undefined;
  }
  set(net: Net, v: T): this {
    net.gen[this.id] = v;
    return this;
  }
  has(net: Net): boolean {
    return net.gen[this.id] !== undefined;
  }
  delete(net: Net): boolean {
    const had = net.gen[this.id] !== undefined;
    net.gen[this.id] = undefined;
    return had;
  }
}

/** pernet_list: subsystems first, then devices (first_device), as net_namespace.c keeps it */
const pernetSubsys: PernetOperations[] = [];
const pernetDevice: PernetOperations[] = [];
const liveNets = new Set<Net>();
/** the two lists joined, made again when either changes (every setup_net() walks it) */
let pernetJoined: readonly PernetOperations[] | undefined;

function pernetList(): readonly PernetOperations[] {
  return (pernetJoined ??= [...pernetSubsys, ...pernetDevice]);
}

/** net/core/net_namespace.c: register_pernet_subsys(): runs init on every namespace that
 * already exists, then on every new one, before any pernet device op (so a protocol's
 * per-namespace state exists when loopback registers) */
export function registerPernetOps(ops: PernetOperations): void {
  if (pernetSubsys.includes(ops) || pernetDevice.includes(ops)) return;
  pernetSubsys.push(ops);
  pernetJoined = undefined;
  for (const net of liveNets) ops.init?.(net);
}

/** net/core/net_namespace.c: register_pernet_device(): after every subsystem (loopback) */
export function registerPernetDevice(ops: PernetOperations): void {
  if (pernetSubsys.includes(ops) || pernetDevice.includes(ops)) return;
  pernetDevice.push(ops);
  pernetJoined = undefined;
  for (const net of liveNets) ops.init?.(net);
}

export function unregisterPernetOps(ops: PernetOperations): void {
  for (const list of [pernetSubsys, pernetDevice]) {
    const i = list.indexOf(ops);
    if (i < 0) continue;
    list.splice(i, 1);
    pernetJoined = undefined;
    for (const net of liveNets) ops.exit?.(net);
  }
}

/** net/core/net_namespace.c: copy_net_ns() + setup_net() — a new namespace, every pernet init
 * in order. `attach` runs before the inits (a host records its initial namespace there, so
 * inits can tell init_net from the others). */
export function setupNet(host: Host, name: string, attach?: (net: Net) => void): Net {
  const net = new Net(host, name);
  attach?.(net);
  liveNets.add(net);
  for (const ops of pernetList()) ops.init?.(net);
  return net;
}

/** net/core/net_namespace.c: cleanup_net() — pre_exit and exit in reverse order, then the
 * namespace is gone: every other namespace forgets its nsid */
export function cleanupNet(net: Net): void {
  if (!net.alive) return;
  const ops = pernetList().slice().reverse();
  for (const o of ops) o.preExit?.(net);
  for (const o of ops) o.exit?.(net);
  net.alive = false;
  liveNets.delete(net);
  for (const other of liveNets) netnsIdsForget(other, net);
  net.netnsIds.clear();
  net.netnsIdPeer.clear();
  net.netnsIdFree = 0;
}

/** idr_remove() of the id `net` gave `peer`, if any */
function netnsIdsForget(net: Net, peer: Net): void {
  const id = net.netnsIds.get(peer);
  if (id === undefined) return;
  net.netnsIds.delete(peer);
  net.netnsIdPeer.delete(id);
  if (id < net.netnsIdFree) net.netnsIdFree = id;
}

/** net/core/net_namespace.c: alloc_netid() — the lowest free id >= 0 (idr_alloc(..., 0, 0)) */
function allocNetid(net: Net, peer: Net, reqid: number): number {
  // idr_alloc(): the id asked for, or the lowest free one (every id below netnsIdFree is
  // taken, so the search starts there: the root namespace of a thousand named ones does not
  // read a thousand ids for each new one)
  let id = reqid;
  if (reqid >= 0) {
    if (net.netnsIdPeer.has(reqid)) return -1;
  } else {
    id = net.netnsIdFree;
    while (net.netnsIdPeer.has(id)) id++;
    net.netnsIdFree = id + 1;
  }
  net.netnsIds.set(peer, id);
  net.netnsIdPeer.set(id, peer);
  return id;
}

/** net/core/net_namespace.c: __peernet2id() */
export function peernet2id(net: Net, peer: Net): number {
  return net.netnsIds.get(peer) ?? NETNSA_NSID_NOT_ASSIGNED;
}

/** net/core/net_namespace.c: peernet2id_alloc() */
export function peernet2idAlloc(net: Net, peer: Net): number {
  if (!net.alive || !peer.alive) return NETNSA_NSID_NOT_ASSIGNED;
  const id = net.netnsIds.get(peer);
  if (id !== undefined) return id;
  return allocNetid(net, peer, -1);
}

/** net/core/net_namespace.c: get_net_ns_by_id() */
export function getNetNsById(net: Net, id: number): Net | undefined {
  if (id < 0) return undefined;
  return net.netnsIdPeer.get(id);
}

/** net/core/net_namespace.c: rtnl_net_newid() core: assign `nsid` (or the next free one when
 * -1) to `peer`; EEXIST when the peer already has one or the id is taken */
export function netnsSetId(net: Net, peer: Net, nsid: number): { errno: "EEXIST"; extack: string } | undefined {
  if (net.netnsIds.has(peer)) return { errno: "EEXIST", extack: "Peer netns already has a nsid assigned" };
  if (allocNetid(net, peer, nsid) < 0) return { errno: "EEXIST", extack: "The specified nsid is already used" };
  return undefined;
}

export function forEachNet(fn: (net: Net) => void): void {
  for (const net of liveNets) fn(net);
}
