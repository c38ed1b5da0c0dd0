/** libc-bin: glibc's own programs that are modelled (getent). */
import type { CommandTable } from "../process.ts";
import { getent } from "./getent.ts";

export const libcBinCommands: CommandTable = { getent };
