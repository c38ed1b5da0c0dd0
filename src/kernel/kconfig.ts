/**
 * The kernel configuration of a machine: the build options (.config) the emulated kernel
 * honours. The default is the lab kernel's (6.18, built without CONFIG_BRIDGE_VLAN_FILTERING),
 * so that every kernel-recorded lab runs against the kernel it was recorded on; an option
 * turned on gives the code upstream compiles in with it (Debian's own kernel has
 * CONFIG_BRIDGE_VLAN_FILTERING=y).
 */
export interface KernelConfig {
  /** net/bridge/br_vlan.c: per-port VLAN groups, vlan_filtering, `bridge vlan` */
  CONFIG_BRIDGE_VLAN_FILTERING: boolean;
}

export const KCONFIG_DEFAULT: Readonly<KernelConfig> = Object.freeze({ CONFIG_BRIDGE_VLAN_FILTERING: false });

export const KCONFIG_OPTIONS: readonly (keyof KernelConfig)[] = ["CONFIG_BRIDGE_VLAN_FILTERING"];

/** a configuration from the default and the options given */
export function kconfigOf(over: Partial<KernelConfig> | undefined): KernelConfig {
  const c: KernelConfig = { ...KCONFIG_DEFAULT };
  if (over) for (const k of KCONFIG_OPTIONS) if (over[k] !== undefined) c[k] = !!over[k];
  return c;
}

/**
 * One `NAME=VALUE` as a .config line has it (`y` or `n`; a bool option has no `m`): the option
 * and its value, or the reason it is not one.
 */
export function parseKconfigAssignment(s: string): { name: keyof KernelConfig; value: boolean } | { error: string } {
  const eq = s.indexOf("=");
  if (eq < 0) return { error: `kconfig ${s}: expected NAME=y or NAME=n` };
  const name = s.slice(0, eq);
  const v = s.slice(eq + 1);
  if (!(KCONFIG_OPTIONS as readonly string[]).includes(name)) return { error: `unknown kconfig option ${name}` };
  if (v !== "y" && v !== "n") return { error: `kconfig ${name}: value must be y or n, not ${JSON.stringify(v)}` };
  return { name: name as keyof KernelConfig, value: v === "y" };
}
