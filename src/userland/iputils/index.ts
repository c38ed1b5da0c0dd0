/** iputils (ping, tracepath), Debian's arping and traceroute packages: the commands they install. */
import type { CommandTable } from "../process.ts";
import { ping } from "./ping.ts";
import { traceroute } from "./traceroute.ts";
import { arping } from "./arping.ts";
import { tracepath } from "./tracepath.ts";

export const iputilsCommands: CommandTable = {
  ping,
  ping4: ping,
  traceroute,
  "traceroute.db": traceroute,
  /* /usr/bin/traceroute6 -> /etc/alternatives/traceroute6 -> traceroute6.db -> traceroute.db */
  traceroute6: traceroute,
  "traceroute6.db": traceroute,
  arping,
  tracepath,
};
