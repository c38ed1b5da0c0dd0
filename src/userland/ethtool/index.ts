/** ethtool: the command its package installs. */
import type { CommandTable } from "../process.ts";
import { ethtool } from "./ethtool.ts";

export const ethtoolCommands: CommandTable = { ethtool };
