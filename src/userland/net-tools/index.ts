/** net-tools 2.10: the commands its package installs. */
import type { CommandTable } from "../process.ts";
import { ifconfig } from "./ifconfig.ts";
import { route } from "./route.ts";
import { arp } from "./arp.ts";
import { netstat } from "./netstat.ts";

export const netToolsCommands: CommandTable = {
  ifconfig,
  route,
  arp,
  netstat,
};
