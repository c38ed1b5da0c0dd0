/**
 * kernel/module/main.c (load_module, do_init_module) and kernel/module/kmod.c (request_module)
 * for the loadable drivers of this folder: a module has a name, the modules it depends on
 * (loaded first, as modprobe does from modules.dep), its aliases (`rtnl-link-ipip`,
 * `netdev-tunl0`) and an init that runs once per machine when it is loaded (register its
 * pernet devices: tunl0 in every namespace, dummy0 in the initial one).
 *
 * The kinds, protocol handlers and ioctls are registered once per process by `xxxInit()` (the
 * code is "built in"); what a module's load changes is per machine: whether `ip link add type
 * ipip` finds the kind, whether the fallback devices exist, what lsmod lists.
 */
import type { Host } from "../world.ts";
import type { Net } from "../core/net_namespace.ts";
import { forEachNet } from "../core/net_namespace.ts";
import { kerr, type KErr } from "../uapi/errno.ts";

export interface KernelModule {
  name: string;
  /** the size lsmod shows */
  size: number;
  /** modules.dep: loaded before this one, each used by it */
  deps: string[];
  /** MODULE_ALIAS / MODULE_ALIAS_RTNL_LINK / MODULE_ALIAS_NETDEV */
  aliases?: string[];
  /** module_init() on this machine (after its dependencies) */
  init?(host: Host): void;
}

const modules = new Map<string, KernelModule>();

/** a module this tree knows; `init` runs on each machine that loads it */
export function registerKernelModule(m: KernelModule): void {
  modules.set(m.name, m);
}

/** is `name` loaded on this machine? */
export function moduleLoaded(host: Host, name: string): boolean {
  return host.modules.some((m) => m.name === name);
}

/** a dependency this registry does not define itself (llc, stp, udp_tunnel …) */
const LEAF_SIZES: Record<string, number> = {
  llc: 16384, stp: 12288, udp_tunnel: 36864, ip6_udp_tunnel: 16384, tunnel4: 12288, gre: 12288,
  garp: 16384, mrp: 20480,
};

/**
 * kernel/module/main.c: load_module() for `name` and its dependencies. Returns null when the
 * module is not one of this registry's (the caller has its own list), undefined when loaded
 * (or already there), or an error.
 */
export function kmodLoad(host: Host, name: string): KErr | undefined | null {
  const m = modules.get(name);
  if (!m) return null;
  loadOne(host, name);
  return undefined;
}

function loadOne(host: Host, name: string): void {
  if (moduleLoaded(host, name)) return;
  const m = modules.get(name);
  for (const d of m?.deps ?? []) loadOne(host, d);
  host.modules.unshift({ name, size: m?.size ?? LEAF_SIZES[name] ?? 16384, usedBy: [] });
  for (const d of m?.deps ?? []) {
    const dm = host.modules.find((x) => x.name === d);
    if (dm && !dm.usedBy.includes(name)) dm.usedBy.push(name);
  }
  m?.init?.(host);
}

/** kernel/module/kmod.c: request_module(): load the module that has `alias` (or that name) on
 * the machine of `net`; true when it is (now) loaded */
export function requestModule(net: Net, alias: string): boolean {
  for (const m of modules.values()) {
    if (m.name === alias || m.aliases?.includes(alias)) {
      const e = kmodLoad(net.host, m.name);
      return e === undefined;
    }
  }
  return false;
}

/** the namespaces of one machine, in creation order (for_each_net on that kernel) */
export function hostNets(host: Host): Net[] {
  const out: Net[] = [];
  forEachNet((n) => {
    if (n.host === host && n.alive) out.push(n);
  });
  return out;
}

export { kerr };
