/** tcpdump (Debian 12: tcpdump 4.99.3 / libpcap 1.10.3). */
import type { CommandTable } from "../process.ts";
import { tcpdump } from "./tcpdump.ts";

export const tcpdumpCommands: CommandTable = {
  tcpdump,
};
