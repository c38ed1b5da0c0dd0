/**
 * The process model every userland tool is written against. A command is an async function
 * of a Process; it writes to stdout/stderr and returns its exit status (or throws Exit).
 * Tools import only this file, `../kernel/uapi/*`, `../wire/*` and `../sim/*`.
 */
import type { Syscalls } from "../kernel/uapi/syscalls.ts";

export interface Output {
  write(s: string): void;
}

export interface Process {
  /** argv[0] is the command name as typed */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** all of standard input (commands run with their whole input, as just-bash gives it) */
  stdin: string;
  stdout: Output;
  stderr: Output;
  /** the kernel, bound to this process's host and network namespace */
  sys: Syscalls;
  /** aborted on Ctrl-C (SIGINT) or when the lab's per-command timeout fires */
  signal: AbortSignal;
  /** stdout is a terminal (changes ping -f dots and a few tools' buffering) */
  isatty: boolean;
  /**
   * Run another command line (argv, not re-parsed) as a child in the namespace of `sys`
   * (ip netns exec, nsenter, timeout); its output goes to this process's stdout/stderr.
   * Returns the child's exit status (127 and bash's message when not found).
   */
  spawn(argv: string[], sys: Syscalls): Promise<number>;
  /** read a file of the host's filesystem (e.g. /etc/hosts, /etc/iproute2/rt_tables) */
  readFile(path: string): Promise<string | undefined>;
  writeFile(path: string, data: string, append?: boolean): Promise<boolean>;
}

/** exit(n) from deep inside a tool */
export class Exit extends Error {
  constructor(public readonly code: number) {
    super(`exit ${code}`);
  }
}

export type Command = (p: Process) => Promise<number>;

/** name -> implementation; each tool module exports its entries */
export type CommandTable = Record<string, Command>;
