/** netcat-openbsd: `nc` (and its Debian alias `netcat`). */
import type { CommandTable } from "../process.ts";
import { nc } from "./netcat.ts";

export const netcatCommands: CommandTable = {
  nc,
  netcat: nc,
};
