/** procps (sysctl, ps, kill, pgrep/pkill), psmisc killall, hostname and util-linux (dmesg). */
import type { CommandTable } from "../process.ts";
import { sysctl } from "./sysctl.ts";
import { hostname } from "./hostname.ts";
import { dmesg } from "./dmesg.ts";
import { ps } from "./ps.ts";
import { kill } from "./kill.ts";
import { killall, pgrep, pkill } from "./pgrep.ts";

export const procpsCommands: CommandTable = {
  sysctl,
  hostname,
  dmesg,
  ps,
  kill,
  pgrep,
  pkill,
  killall,
};
