/**
 * GNU coreutils 9.1 uname (src/uname.c): the utsname of the emulated machine. The nodename is
 * the caller's UTS hostname (sethostname); the other fields are the constants of the machine
 * the spec labs were recorded on (Linux 6.18, x86_64).
 */
import type { Command, CommandTable, Process } from "../process.ts";

const PRINT_KERNEL_NAME = 1;
const PRINT_NODENAME = 2;
const PRINT_KERNEL_RELEASE = 4;
const PRINT_KERNEL_VERSION = 8;
const PRINT_MACHINE = 16;
const PRINT_PROCESSOR = 32;
const PRINT_HARDWARE_PLATFORM = 64;
const PRINT_OPERATING_SYSTEM = 128;

const UTS = { sysname: "Linux", release: "6.18.0", version: "#1 SMP PREEMPT_DYNAMIC", machine: "x86_64" };

const LONG: [string, number][] = [
  ["all", -1], ["kernel-name", PRINT_KERNEL_NAME], ["sysname", PRINT_KERNEL_NAME], ["nodename", PRINT_NODENAME],
  ["kernel-release", PRINT_KERNEL_RELEASE], ["release", PRINT_KERNEL_RELEASE], ["kernel-version", PRINT_KERNEL_VERSION],
  ["machine", PRINT_MACHINE], ["processor", PRINT_PROCESSOR], ["hardware-platform", PRINT_HARDWARE_PLATFORM],
  ["operating-system", PRINT_OPERATING_SYSTEM], ["help", -2], ["version", -3],
];
const SHORT: Record<string, number> = {
  a: -1, s: PRINT_KERNEL_NAME, n: PRINT_NODENAME, r: PRINT_KERNEL_RELEASE, v: PRINT_KERNEL_VERSION,
  m: PRINT_MACHINE, p: PRINT_PROCESSOR, i: PRINT_HARDWARE_PLATFORM, o: PRINT_OPERATING_SYSTEM,
};

function tryHelp(p: Process): number {
  p.stderr.write("Try 'uname --help' for more information.\n");
  return 1;
}

/** uname.c: main() */
export const uname: Command = async (p) => {
  let toprint = 0;
  let all = false;
  const args = p.argv.slice(1);
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (a.startsWith("--")) {
      const name = a.slice(2);
      const hits = LONG.filter(([n]) => n.startsWith(name));
      const exact = LONG.find(([n]) => n === name);
      const hit = exact ?? (new Set(hits.map(([, v]) => v)).size === 1 ? hits[0] : undefined);
      if (!hit) {
        if (hits.length) p.stderr.write(`uname: option '${a}' is ambiguous\n`);
        else p.stderr.write(`uname: unrecognized option '${a}'\n`);
        return tryHelp(p);
      }
      if (hit[1] === -2) {
        p.stdout.write("Usage: uname [OPTION]...\n");
        return 0;
      }
      if (hit[1] === -3) {
        p.stdout.write("uname (GNU coreutils) 9.1\n");
        return 0;
      }
      if (hit[1] === -1) all = true;
      toprint |= hit[1] === -1 ? 0xff : hit[1];
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (const c of a.slice(1)) {
        const v = SHORT[c];
        if (v === undefined) {
          p.stderr.write(`uname: invalid option -- '${c}'\n`);
          return tryHelp(p);
        }
        if (v === -1) all = true;
        toprint |= v === -1 ? 0xff : v;
      }
      continue;
    }
    break;
  }
  if (i < args.length) {
    p.stderr.write(`uname: extra operand '${args[i]}'\n`);
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
