/**
 * Redirections into /proc and /sys, with bash's errors.
 *
 * A write the kernel refuses (`echo abc > /proc/sys/net/ipv4/ip_forward` → EINVAL) makes bash
 * print `bash: echo: write error: Invalid argument` and the command fail; just-bash cannot
 * report a failing write (a throwing filesystem rejects the whole exec). So a transform
 * plugin turns `CMD … > /proc/X` (and `>>`, `>|`, on fd 1) at the end of a pipeline into
 * `CMD … | __kwrite CMD /proc/X`, and `__kwrite` does the open and the one write(2) through
 * the kernel, printing what bash prints when either fails.
 *
 * The same for echo, printf and cat into an ordinary file (`CMD … | __fwrite > FILE CMD`):
 * just-bash's file system makes missing directories on the way, where bash's open(2) fails
 * (`bash: /no/dir/f: No such file or directory`, status 1). A target that only resolves into
 * /proc or /sys when the line runs (`echo 0 > $f`, a relative path after `cd /sys/…`) is
 * written by __fwrite through the kernel as __kwrite does.
 */
import type { TransformPlugin, WordNode } from "just-bash";
import { internal, isNode, paramWord, simpleCommand, simpleStatement, word, type AnyNode } from "./ast.ts";
import { isKErr, strerror } from "../kernel/uapi/errno.ts";
import type { Syscalls } from "../kernel/uapi/syscalls.ts";


function kernelTarget(w: unknown): boolean {
  if (!isNode(w) || w.type !== "Word") return false;
  const p0 = (w.parts as AnyNode[])[0];
  if (!p0) return false;
  const v = p0.type === "Literal" || p0.type === "SingleQuoted" ? String(p0.value) : "";
  return v.startsWith("/proc/") || v.startsWith("/sys/");
}

function commandName(cmd: AnyNode): string {
  const name = cmd.name as WordNode | null;
  const p0 = name?.parts.length === 1 ? name.parts[0] : undefined;
  return p0 && p0.type === "Literal" ? p0.value : "";
}

/** an ordinary file: not the kernel's, not /dev (literal prefix only; `$x` targets count) */
function fileTarget(w: unknown): boolean {
  if (!isNode(w) || w.type !== "Word") return false;
  const p0 = (w.parts as AnyNode[])[0];
  if (!p0) return false;
  const v = p0.type === "Literal" || p0.type === "SingleQuoted" ? String(p0.value) : "";
  return !/^\/(proc|sys|dev)(\/|$)/.test(v);
}

const FILE_WRITERS = new Set(["echo", "printf", "cat"]);

/** a word whose expansion has no effects and gives the same the second time: literals and plain
 * parameter expansions, quoted or not */
function pureWord(w: unknown): boolean {
  const pure = (parts: unknown): boolean =>
    Array.isArray(parts) &&
    parts.every((p: AnyNode) =>
      p.type === "Literal" || p.type === "SingleQuoted" || p.type === "Escaped"
        ? true
        : p.type === "ParameterExpansion"
          ? !p.operation && p.parameter !== "RANDOM"
          : p.type === "DoubleQuoted" && pure(p.parts),
    );
  return isNode(w) && w.type === "Word" && pure(w.parts);
}

/** `$_` after `CMD … > FILE` is CMD's last word: __fstatus ends with it (after "--") when it
 * expands the same again (`$_` is else __fstatus's "--": a command substitution is not run twice) */
function lastWord(cmd: AnyNode): unknown[] {
  const args = (cmd.args as unknown[]) ?? [];
  const w = args.length ? args[args.length - 1] : cmd.name;
  return pureWord(w) ? [word("--"), w] : [word("--")];
}

function rewrite(node: unknown): void {
  if (Array.isArray(node)) {
    for (const n of node) rewrite(n);
    return;
  }
  if (!isNode(node)) return;
  if (node.type === "Pipeline") {
    const cmds = node.commands as AnyNode[];
    const last = cmds[cmds.length - 1];
    if (last && last.type === "SimpleCommand" && last.name && FILE_WRITERS.has(commandName(last))) {
      // `echo … > f` alone on fds 1 and 2: the open is __fwrite's
      const reds = last.redirections as AnyNode[];
      const outs = reds.filter((r) => r.fd === null || r.fd === 1 || r.fd === 2 || String(r.operator).startsWith("&"));
      const r = outs[0];
      if (outs.length === 1 && r && (r.fd === null || r.fd === 1) && (r.operator === ">" || r.operator === ">>" || r.operator === ">|") && fileTarget(r.target)) {
        last.redirections = reds.filter((x) => x !== r);
        const inner: AnyNode = {
          type: "Pipeline",
          negated: false,
          // (`$-` last: `set -C` refuses `>` onto an existing file, `>|` overrides it)
          commands: [...cmds, simpleCommand(internal("__fwrite"), [word(r.operator), r.target as WordNode, word(commandName(last)), paramWord("-")])],
          ...(Array.isArray(node.pipeStderr) ? { pipeStderr: [...(node.pipeStderr as boolean[]), false] } : {}),
        };
        // the pipeline's status is the writer's (bash: `cat nosuch > f` is 1), or the open's
        // when that failed, and PIPESTATUS the pipeline's own:
        // `{ CMD … | __fwrite …; __fstatus "${PIPESTATUS[0]}" … "${PIPESTATUS[n-1]}"; }`
        const statuses = Array.from({ length: cmds.length + 1 }, (_, i) => paramWord(`PIPESTATUS[${i}]`));
        node.commands = [
          {
            type: "Group",
            body: [
              { type: "Statement", background: false, operators: [], pipelines: [inner] },
              simpleStatement(internal("__fstatus"), [...statuses, ...lastWord(last)]),
            ],
            redirections: [],
          },
        ];
        if (Array.isArray(node.pipeStderr)) node.pipeStderr = [];
        return;
      }
    }
    if (last && last.type === "SimpleCommand" && last.name) {
      const reds = last.redirections as AnyNode[];
      const i = reds.findIndex(
        (r) => (r.fd === null || r.fd === 1) && (r.operator === ">" || r.operator === ">>" || r.operator === ">|") && kernelTarget(r.target),
      );
      if (i >= 0 && !reds.some((r, j) => j !== i && (r.fd === null || r.fd === 1) && r.operator !== "<")) {
        const target = reds[i]!.target as WordNode;
        last.redirections = reds.filter((_, j) => j !== i);
        cmds.push(simpleCommand(internal("__kwrite"), [word(commandName(last) || "bash"), target]));
        if (Array.isArray(node.pipeStderr)) (node.pipeStderr as boolean[]).push(false);
      }
    }
  }
  for (const k of Object.keys(node)) {
    if (k === "type") continue;
    const v = node[k];
    if (isNode(v)) rewrite(v);
  }
}

export const procWritePlugin: TransformPlugin = {
  name: "tuxnet-proc-write",
  transform({ ast }) {
    rewrite(ast);
    return { ast };
  },
};

const BASH_BUILTINS = new Set(["echo", "printf", "cat"]);

/**
 * open(O_WRONLY) then one write(2) of a /proc or /sys file through the kernel: strerror() of
 * what failed and whether it was the open (the file's lookup, a directory, no writer: kernfs
 * refuses that even for root) or the write (the value, a file with no writer that opened);
 * undefined when it took it
 */
export function kernfsWrite(sys: Syscalls, path: string, data: string): { at: "open" | "write"; err: string } | undefined {
  const o = sys.fs.openWrite(path);
  if (o) return { at: "open", err: strerror(o.errno) };
  if (data === "") return undefined;
  const e = sys.fs.write(path, data);
  return e ? { at: "write", err: strerror(e.errno) } : undefined;
}

/** `__kwrite CMD PATH`: stdin -> one write(2) of PATH through the kernel's /proc and /sys. */
export function kwrite(sys: Syscalls, args: string[], cwd: string, data: string): { stderr: string; exitCode: number } {
  const cmd = args[0] ?? "bash";
  const shown = args[1] ?? "";
  const path = shown.startsWith("/") ? shown : `${cwd.replace(/\/$/, "")}/${shown}`;
  const f = kernfsWrite(sys, path, data);
  if (!f) return { stderr: "", exitCode: 0 };
  if (f.at === "open") return { stderr: `bash: ${shown}: ${f.err}\n`, exitCode: 1 };
  const who = BASH_BUILTINS.has(cmd) && cmd !== "cat" ? `bash: ${cmd}` : cmd;
  return { stderr: `${who}: write error: ${f.err}\n`, exitCode: 1 };
}
