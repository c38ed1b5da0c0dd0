/**
 * How the real tools name a file they cannot read. just-bash's ports all say
 * "TOOL: NAME: MESSAGE" (and say ENOENT for a directory); wc, cat and tee quotef() the name
 * (wc refuses "" outright), GNU sed "can't read NAME: …", mawk "cannot open NAME (…)", and grep,
 * sed and awk exit 2 for it. (head and tail are coreutils' own ports: userland/coreutils.)
 */
import type { IFileSystem } from "just-bash";
import type { KernelFs } from "../kernel/uapi/syscalls.ts";
import { quoteaf, quotef } from "../userland/lib/quotearg.ts";
import { readErrorOf } from "./fileio.ts";

export type FileErrorTool = "cat" | "wc" | "grep" | "sed" | "awk" | "tee" | "touch";

const LINE = /^(cat|wc|grep|sed|awk|tee): (.*): (No such file or directory|Is a directory|Permission denied|Not a directory)$/;

/** a line of `stderr` is one of just-bash's `TOOL: NAME: ERR` about a file (before rewording) */
export function hasFileError(tool: FileErrorTool, stderr: string): boolean {
  return stderr.split("\n").some((l) => LINE.exec(l)?.[1] === tool);
}
/** just-bash's touch prints the filesystem's own error text: "ENOENT: no such file or directory, open '…'" */
const TOUCH = /^touch: cannot touch '(.*)': (?:E[A-Z]+: )?([a-z][a-z ]*)(?:, \w+ '.*')?$/;

function reword(tool: Exclude<FileErrorTool, "touch">, name: string, err: string): string {
  switch (tool) {
    case "wc":
      return name === "" ? "wc: invalid zero-length file name" : `wc: ${quotef(name)}: ${err}`;
    case "sed":
      return err === "Is a directory" ? `sed: read error on ${name}: ${err}` : `sed: can't read ${name}: ${err}`;
    case "awk":
      return err === "Is a directory" ? `awk: read error (${err})` : `awk: cannot open ${name} (${err})`;
    case "grep":
      return `grep: ${name}: ${err}`;
    case "cat":
    case "tee":
      return `${tool}: ${quotef(name)}: ${err}`;
  }
}

/**
 * The tool's stderr and status with each unreadable file named as the real tool names it,
 * with the real errno (a directory, /proc and /sys files). `quietMatch`: grep -q found a
 * line, so its status stays 0 despite the errors.
 */
export async function fixFileErrors(
  tool: FileErrorTool,
  r: { stdout: string; stderr: string; exitCode: number },
  fs: IFileSystem,
  kfs: KernelFs,
  cwd: string,
  quietMatch = false,
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  if (!r.stderr) return r;
  const lines = r.stderr.split("\n");
  let hit = false;
  let panic = false;
  for (let i = 0; i < lines.length; i++) {
    const t = tool === "touch" ? TOUCH.exec(lines[i]!) : null;
    if (t) {
      // touch.c: error (0, open_errno, _("cannot touch %s"), quoteaf (file))
      lines[i] = `touch: cannot touch ${quoteaf(t[1]!)}: ${t[2]![0]!.toUpperCase()}${t[2]!.slice(1)}`;
      hit = true;
      continue;
    }
    const m = LINE.exec(lines[i]!);
    if (!m || m[1] !== tool || tool === "touch") continue;
    const name = m[2]!;
    const err = name === "" ? "No such file or directory" : m[3] === "No such file or directory" ? ((await readErrorOf(fs, kfs, fs.resolvePath(cwd, name))) ?? m[3]!) : m[3]!;
    lines[i] = reword(tool, name, err);
    hit = true;
    // GNU sed: a read error is EXIT_PANIC (4), a file it cannot open EXIT_BAD_INPUT (2)
    if (tool === "sed" && err === "Is a directory") panic = true;
  }
  if (!hit) return r;
  let exitCode = (tool === "grep" || tool === "sed" || tool === "awk") && !(quietMatch && r.exitCode === 0) ? 2 : r.exitCode;
  if (panic) exitCode = 4;
  return { ...r, stderr: lines.join("\n"), exitCode };
}

