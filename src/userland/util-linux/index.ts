/** util-linux: the commands of it that are modelled (nsenter, unshare). */
import type { CommandTable } from "../process.ts";
import { nsenter } from "./nsenter.ts";
import { unshare } from "./unshare.ts";

export const utilLinuxCommands: CommandTable = { nsenter, unshare };
