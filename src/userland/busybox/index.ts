/** busybox 1.35.0: udhcpc (Debian's udhcpc package links /usr/sbin/udhcpc to busybox) */
import type { CommandTable } from "../process.ts";
import { udhcpc, busybox } from "./udhcpc.ts";

export const busyboxCommands: CommandTable = { udhcpc, busybox };
