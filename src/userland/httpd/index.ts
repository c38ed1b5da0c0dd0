/** A small HTTP server, the way lab users start one: `python3 -m http.server [PORT]`. */
import type { CommandTable } from "../process.ts";
import { python3 } from "./http_server.ts";

export const httpdCommands: CommandTable = {
  python3,
};
