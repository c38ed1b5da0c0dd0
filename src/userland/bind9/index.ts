/** bind9-dnsutils / bind9-host: the DNS lookup tools that are modelled (dig, nslookup, host). */
import type { CommandTable } from "../process.ts";
import { host } from "./host.ts";
import { nslookup } from "./nslookup.ts";
import { dig } from "./dig.ts";

export const bind9Commands: CommandTable = { nslookup, host, dig };
