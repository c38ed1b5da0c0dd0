/** curl 7.88.1: `curl` (HTTP/1.1 over IPv4). */
import type { CommandTable } from "../process.ts";
import { curl } from "./curl.ts";

export const curlCommands: CommandTable = {
  curl,
};
