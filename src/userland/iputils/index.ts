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
  arping,
  tracepath,
};
