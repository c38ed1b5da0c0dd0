/** kmod: the commands its package installs (rmmod is not modelled: no module unload syscall). */
import type { CommandTable } from "../process.ts";
import { lsmod, modprobe } from "./kmod.ts";

export const kmodCommands: CommandTable = { lsmod, modprobe };
