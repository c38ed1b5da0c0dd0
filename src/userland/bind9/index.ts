/** bind9-dnsutils / bind9-host: the DNS lookup tools that are modelled (nslookup, host). */
import type { CommandTable } from "../process.ts";
import { host } from "./host.ts";
import { nslookup } from "./nslookup.ts";

export const bind9Commands: CommandTable = { nslookup, host };
