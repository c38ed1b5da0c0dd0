/** the iptables family of commands (nf_tables variant names and the legacy aliases) */
import type { CommandTable } from "../process.ts";
import { iptablesMain } from "./iptables.ts";
import { iptablesRestoreMain } from "./iptables_restore.ts";
import { iptablesSaveMain } from "./iptables_save.ts";

export const iptablesCommands: CommandTable = {
  iptables: iptablesMain,
  "iptables-nft": iptablesMain,
  "iptables-legacy": iptablesMain,
  "iptables-save": iptablesSaveMain,
  "iptables-nft-save": iptablesSaveMain,
  "iptables-legacy-save": iptablesSaveMain,
  "iptables-restore": iptablesRestoreMain,
  "iptables-nft-restore": iptablesRestoreMain,
  "iptables-legacy-restore": iptablesRestoreMain,
};
