/** procps (sysctl), hostname and util-linux (dmesg): the commands they install. */
import type { CommandTable } from "../process.ts";
import { sysctl } from "./sysctl.ts";
import { hostname } from "./hostname.ts";
import { dmesg } from "./dmesg.ts";

export const procpsCommands: CommandTable = {
  sysctl,
  hostname,
  dmesg,
};
