/** util-linux: the commands of it that are modelled (nsenter). */
import type { CommandTable } from "../process.ts";
import { nsenter } from "./nsenter.ts";

export const utilLinuxCommands: CommandTable = { nsenter };
