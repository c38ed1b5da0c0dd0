/** conntrack-tools commands */
import type { CommandTable } from "../process.ts";
import { conntrackMain } from "./conntrack.ts";

export const conntrackCommands: CommandTable = {
  conntrack: conntrackMain,
};
