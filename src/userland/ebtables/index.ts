/** ebtables (the nf_tables variant and its names) */
import type { CommandTable } from "../process.ts";
import { ebtablesMain } from "./ebtables.ts";

export const ebtablesCommands: CommandTable = {
  ebtables: ebtablesMain,
  "ebtables-nft": ebtablesMain,
};
