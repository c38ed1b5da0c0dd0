/**
 * coreutils 9.1 tee: standard input to standard output and to each FILE, each opened as
 * open(O_WRONLY|O_CREAT|O_TRUNC, or O_APPEND with -a) opens it — a missing directory is
 * ENOENT, a directory EISDIR, a /proc or /sys file is written by the kernel, which may refuse
 * the value (EINVAL) — every failure named with quotef() and the status 1 while the other
 * files are still written. just-bash's tee created missing directories and said nothing.
 */
import { quotef } from "../userland/lib/quotearg.ts";
import { getoptLong, type LongOpt } from "../userland/net-tools/lib/util.ts";
import type { Process } from "../userland/process.ts";
import { bytesToLatin1 } from "../wire/pcap.ts";
import { coreutilsTryHelp } from "../userland/coreutils/gnu_text.ts";

export interface TeeIo {
  /** open and write one file; strerror() of the failure, or undefined */
  write(name: string, data: Uint8Array, append: boolean): Promise<string | undefined>;
  stdin: Uint8Array;
}

const LONGOPTS: LongOpt[] = [
  { name: "append", hasArg: 0, val: "a" },
  { name: "ignore-interrupts", hasArg: 0, val: "i" },
  { name: "output-error", hasArg: 2, val: "O" },
  { name: "help", hasArg: 0, val: "H" },
  { name: "version", hasArg: 0, val: "V" },
];

/** tee as coreutils runs it, or undefined to leave the run to just-bash's tee (--help,
 * --version, --output-error) */
export async function tee(args: string[], io: TeeIo): Promise<{ stdout: string; stderr: string; exitCode: number; stdoutKind: "bytes" } | undefined> {
  let messages = "";
  const sink = { stderr: { write: (s: string) => void (messages += s) } } as unknown as Process;
  const g = getoptLong(sink, ["tee", ...args], "aip", LONGOPTS, { stopAtError: true });
  // a bad option: getopt_long()'s message, then usage(EXIT_FAILURE)'s line
  if (g.opts.some(([o]) => o === "?")) return { stdout: "", stderr: `${messages}${coreutilsTryHelp("tee")}`, exitCode: 1, stdoutKind: "bytes" };
  let append = false;
  for (const [o] of g.opts) {
    if (o === "a") append = true;
    else if (o === "i" || o === "p") continue;
    else return undefined;
  }
  let stderr = "";
  let exitCode = 0;
  for (const name of g.args) {
    const err = await io.write(name, io.stdin, append);
    if (err === undefined) continue;
    stderr += `tee: ${quotef(name)}: ${err}\n`;
    exitCode = 1;
  }
  return { stdout: bytesToLatin1(io.stdin), stderr, exitCode, stdoutKind: "bytes" };
}
