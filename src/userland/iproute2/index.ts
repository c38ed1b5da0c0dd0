/** iproute2: the commands its package installs (bridge is in ./bridge/index.ts). */
import type { CommandTable } from "../process.ts";
import { ip } from "./ip.ts";
import { ss } from "./ss.ts";
import { nstat } from "./nstat.ts";
import { lnstat } from "./lnstat.ts";

export const ipCommands: CommandTable = {
  ip,
  ss,
  nstat,
  /* misc/lnstat.c: Debian installs rtstat and ctstat as links to lnstat; argv[0] picks the file */
  lnstat,
  rtstat: lnstat,
  ctstat: lnstat,
};
