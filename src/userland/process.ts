/**
 * The process model every userland tool is written against. A command is an async function
 * of a Process; it writes to stdout/stderr and returns its exit status (or throws Exit).
 * Tools import only this file, `../kernel/uapi/*`, `../wire/*` and `../sim/*`.
 */
import type { Syscalls } from "../kernel/uapi/syscalls.ts";

export interface Output {
  write(s: string): void;
  /** raw bytes (nc's network data, binary files): they reach a pipe or a file byte for byte */
  writeBytes?(b: Uint8Array): void;
  /** poll(2)'s POLLERR on it: a pipe whose reader has gone (the writer is SIGPIPEd) */
  hungUp?(): boolean;
}

export interface Process {
  /** argv[0] is the command name as typed */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** all of standard input (commands run with their whole input, as just-bash gives it) */
  stdin: string;
  /** standard input byte for byte (stdin is its UTF-8 decoding) */
  stdinBytes?: Uint8Array;
  stdout: Output;
  stderr: Output;
  /** the kernel, bound to this process's host and network namespace */
  sys: Syscalls;
  /** aborted on Ctrl-C (SIGINT) or when the lab's per-command timeout fires */
  signal: KillSignal;
  /** stdout is a terminal (changes ping -f dots and a few tools' buffering) */
  isatty: boolean;
  /** sigaction(): run `handler` when signal `sig` arrives instead of its default action (a
   * catchable signal: not SIGKILL) */
  onSignal?(sig: number, handler: () => void): void;
  /**
   * Run another command line (argv, not re-parsed) as a child in the namespace of `sys`
   * (ip netns exec, nsenter, timeout); its output goes to this process's stdout/stderr.
   * Returns the child's exit status (127 and bash's message when not found).
   * With `opts.exec` the spawner execs argv[0] itself (execvp, as ip netns exec does): when
   * no such command exists nothing is printed and the result is `SPAWN_ENOENT` (or
   * `SPAWN_EACCES` for a directory or a file that is not executable), so the tool prints its
   * own message.
   */
  spawn(argv: string[], sys: Syscalls, opts?: SpawnOptions): Promise<number>;
  /** read a file of the host's filesystem (e.g. /etc/hosts, /etc/iproute2/rt_tables) */
  readFile(path: string): Promise<string | undefined>;
  /**
   * What readFile(path) would give, when the host knows it without reading (a file of /etc it
   * read or found missing since its files last changed): the text, undefined for a missing
   * file, null when it must be read (iproute2 reads six files at every start, usually missing)
   */
  readFileKnown?(path: string): string | undefined | null;
  /** false when the file cannot be written (missing directory, a directory, /proc …) */
  writeFile(path: string, data: string, append?: boolean): Promise<boolean>;
  /** a binary file, byte for byte (pcap files); undefined when it cannot be read */
  /** a directory's entries (undefined when `path` is not a directory) */
  readdir?(path: string): Promise<string[] | undefined>;
  readFileBytes?(path: string): Promise<Uint8Array | undefined>;
  /** strerror() of why a read of `path` fails ("Is a directory", "Permission denied" of a
   * /proc file …); undefined when it simply does not exist */
  readError?(path: string): Promise<string | undefined>;
  /** write a binary file byte for byte; false when it cannot be written */
  writeFileBytes?(path: string, data: Uint8Array, append?: boolean): Promise<boolean>;
}

export interface SpawnOptions {
  /** execvp argv[0] directly: report "not found" as SPAWN_ENOENT/SPAWN_EACCES, print nothing */
  exec?: boolean;
  /** the child's working directory (chdir before exec); the caller's by default */
  cwd?: string;
  /** with exec: fork first, the program in a process of its own (else it takes the caller's) */
  fork?: boolean;
}

/** spawn({exec: true}) result: execvp failed with ENOENT (nothing was printed) */
export const SPAWN_ENOENT = -2;
/** spawn({exec: true}) result: execvp failed with EACCES (a directory, not executable) */
export const SPAWN_EACCES = -13;

/** exit(n) from deep inside a tool */
export class Exit extends Error {
  constructor(public readonly code: number) {
    super(`exit ${code}`);
  }
}

export type Command = (p: Process) => Promise<number>;

/** name -> implementation; each tool module exports its entries */
export type CommandTable = Record<string, Command>;

/** what a program reads of its kill switch (an AbortSignal fits): the flag and its listeners */
export interface KillSignal {
  readonly aborted: boolean;
  addEventListener(type: "abort", fn: () => void, opts?: { once?: boolean }): void;
  removeEventListener(type: "abort", fn: () => void): void;
}
