/**
 * What util-linux's tools share here (include/c.h err()/errx(), errexec()): a tool that stops
 * with "PROG: message" and a status, and the execvp() of its program.
 */
import type { Command, Process } from "../process.ts";
import { SPAWN_EACCES, SPAWN_ENOENT } from "../process.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";

class UtilExit extends Error {
  constructor(readonly code: number) {
    super(String(code));
  }
}

export type Fail = (msg: string, code?: number) => never;

/** a command whose `run` stops with fail(msg, status): "PROG: msg" on stderr */
export function utilCommand(prog: string, run: (p: Process, fail: Fail) => Promise<number>): Command {
  return async (p) => {
    const fail: Fail = (msg, code = 1) => {
      p.stderr.write(`${prog}: ${msg}\n`);
      throw new UtilExit(code);
    };
    try {
      return await run(p, fail);
    } catch (e) {
      if (e instanceof UtilExit) return e.code;
      throw e;
    }
  };
}

/** execvp() of `argv` (the caller's $SHELL, else /bin/sh, without one) in `sys`; errexec():
 * 127 for a program that is not there, 126 for one that cannot run */
export async function execProgram(p: Process, argv: string[], sys: Syscalls, fail: Fail, cwd?: string): Promise<number> {
  const args = argv.length ? argv : [p.env["SHELL"] || "/bin/sh"];
  const rc = await p.spawn(args, sys, { exec: true, ...(cwd !== undefined ? { cwd } : {}) });
  if (rc === SPAWN_ENOENT) fail(`failed to execute ${args[0]}: No such file or directory`, 127);
  if (rc === SPAWN_EACCES) fail(`failed to execute ${args[0]}: Permission denied`, 126);
  return rc;
}

/** the options every util-linux tool answers alike (errtryhelp(), print_usage, print_version):
 * the exit status for '?', 'h' and 'V', undefined for any other option */
export function commonOption(p: Process, prog: string, c: string, usage: string): number | undefined {
  switch (c) {
    case "?":
      p.stderr.write(`Try '${prog} --help' for more information.\n`);
      return 1;
    case "h":
      p.stdout.write(usage);
      return 0;
    case "V":
      p.stdout.write(`${prog} from util-linux 2.38.1\n`);
      return 0;
  }
  return undefined;
}
