/** Open vSwitch's utilities (the openvswitch-switch package) */
import type { CommandTable } from "../process.ts";
import { ovsVsctl } from "./ovs-vsctl.ts";
import { ovsOfctl } from "./ovs-ofctl.ts";
import { ovsAppctl } from "./ovs-appctl.ts";

export const ovsCommands: CommandTable = {
  "ovs-vsctl": ovsVsctl,
  "ovs-ofctl": ovsOfctl,
  "ovs-appctl": ovsAppctl,
};
