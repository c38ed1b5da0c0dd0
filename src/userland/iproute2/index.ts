/** iproute2: the commands its package installs (bridge is in ./bridge/index.ts). */
import type { CommandTable } from "../process.ts";
import { ip } from "./ip.ts";
import { ss } from "./ss.ts";
import { nstat } from "./nstat.ts";

export const ipCommands: CommandTable = {
  ip,
  ss,
  nstat,
};
