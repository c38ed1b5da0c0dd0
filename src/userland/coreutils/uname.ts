/**
 * GNU coreutils 9.1 uname (src/uname.c): the utsname of the emulated machine. The nodename is
 * the caller's UTS hostname (sethostname); the other fields are the constants of the machine
 * the spec labs were recorded on (Linux 6.18, x86_64).
 */
import type { Command, CommandTable, Process } from "../process.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import { quote } from "../lib/quotearg.ts";
import { coreutilsTryHelp } from "./gnu_text.ts";

const PRINT_KERNEL_NAME = 1;
const PRINT_NODENAME = 2;
const PRINT_KERNEL_RELEASE = 4;
const PRINT_KERNEL_VERSION = 8;
const PRINT_MACHINE = 16;
const PRINT_PROCESSOR = 32;
const PRINT_HARDWARE_PLATFORM = 64;
const PRINT_OPERATING_SYSTEM = 128;

const UTS = { sysname: "Linux", release: "6.18.0", version: "#1 SMP PREEMPT_DYNAMIC", machine: "x86_64" };

const BITS: Record<string, number> = {
  s: PRINT_KERNEL_NAME, n: PRINT_NODENAME, r: PRINT_KERNEL_RELEASE, v: PRINT_KERNEL_VERSION,
  m: PRINT_MACHINE, p: PRINT_PROCESSOR, i: PRINT_HARDWARE_PLATFORM, o: PRINT_OPERATING_SYSTEM,
};
/** uname.c: uname_long_options[] */
const LONG: LongOpt[] = (
  [
    ["all", "a"], ["kernel-name", "s"], ["sysname", "s"], ["nodename", "n"], ["kernel-release", "r"],
    ["release", "r"], ["kernel-version", "v"], ["machine", "m"], ["processor", "p"],
    ["hardware-platform", "i"], ["operating-system", "o"], ["help", "H"], ["version", "V"],
  ] as const
).map(([name, val]) => ({ name, hasArg: 0, val }));

function tryHelp(p: Process): number {
  p.stderr.write(coreutilsTryHelp("uname"));
  return 1;
}

/** uname.c: main() */
export const uname: Command = async (p) => {
  let toprint = 0;
  let all = false;
  const r = getoptLong(p, p.argv, "asnrvmpio", LONG, { stopAtError: true });
  for (const [c] of r.opts) {
    if (c === "?") return tryHelp(p);
    if (c === "H") {
      p.stdout.write("Usage: uname [OPTION]...\n");
      return 0;
    }
    if (c === "V") {
      p.stdout.write("uname (GNU coreutils) 9.1\n");
      return 0;
    }
    if (c === "a") all = true;
    toprint |= c === "a" ? 0xff : BITS[c]!;
  }
  if (r.args.length) {
    p.stderr.write(`uname: extra operand ${quote(r.args[0]!)}\n`);
    return tryHelp(p);
  }
  if (toprint === 0) toprint = PRINT_KERNEL_NAME;
  const out: string[] = [];
  if (toprint & PRINT_KERNEL_NAME) out.push(UTS.sysname);
  if (toprint & PRINT_NODENAME) out.push(p.sys.hostname());
  if (toprint & PRINT_KERNEL_RELEASE) out.push(UTS.release);
  if (toprint & PRINT_KERNEL_VERSION) out.push(UTS.version);
  if (toprint & PRINT_MACHINE) out.push(UTS.machine);
  /* -p and -i are "unknown" on Linux: -a (toprint == UINT_MAX) leaves them out */
  if (toprint & PRINT_PROCESSOR && !all) out.push("unknown");
  if (toprint & PRINT_HARDWARE_PLATFORM && !all) out.push("unknown");
  if (toprint & PRINT_OPERATING_SYSTEM) out.push("GNU/Linux");
  p.stdout.write(out.join(" ") + "\n");
  return 0;
};

export const coreutilsCommands: CommandTable = { uname };
