import type { CommandTable } from "../process.ts";
import { odCommands } from "./od.ts";
import { coreutilsCommands as unameCommands } from "./uname.ts";
import { idCommands } from "./id.ts";
import { tailCommands } from "./tail.ts";
import { headCommands } from "./head.ts";
import { pasteCommands } from "./paste.ts";
import { cutCommands } from "./cut.ts";

export const coreutilsCommands: CommandTable = { ...unameCommands, ...odCommands, ...idCommands, ...headCommands, ...tailCommands, ...pasteCommands, ...cutCommands };
