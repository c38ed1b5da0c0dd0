/** ebtables (the nf_tables variant and its names), ebtables-save */
import type { CommandTable } from "../process.ts";
import { ebtablesMain, ebtablesSaveMain } from "./ebtables.ts";

export const ebtablesCommands: CommandTable = {
  ebtables: ebtablesMain,
  "ebtables-nft": ebtablesMain,
  "ebtables-save": ebtablesSaveMain,
  "ebtables-nft-save": ebtablesSaveMain,
};
