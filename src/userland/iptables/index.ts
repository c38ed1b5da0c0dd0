/** the iptables family of commands (nf_tables variant names and the legacy aliases) */
import type { CommandTable } from "../process.ts";
import { ip6tablesMain, iptablesMain } from "./iptables.ts";
import { ip6tablesRestoreMain, iptablesRestoreMain } from "./iptables_restore.ts";
import { ip6tablesSaveMain, iptablesSaveMain } from "./iptables_save.ts";

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
  ip6tables: ip6tablesMain,
  "ip6tables-nft": ip6tablesMain,
  "ip6tables-legacy": ip6tablesMain,
  "ip6tables-save": ip6tablesSaveMain,
  "ip6tables-nft-save": ip6tablesSaveMain,
  "ip6tables-legacy-save": ip6tablesSaveMain,
  "ip6tables-restore": ip6tablesRestoreMain,
  "ip6tables-nft-restore": ip6tablesRestoreMain,
  "ip6tables-legacy-restore": ip6tablesRestoreMain,
};
