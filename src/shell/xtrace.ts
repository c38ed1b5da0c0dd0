/**
 * What `set -x` shows for a command the plugins rewrote into one of the shell's own
 * (ast.ts internalName()): the command as it was written. bash traces a simple command with
 * its expanded words before it runs it; the rewritten form would show the plumbing
 * (`+ /usr/bin/__tool.12.ip -V` for `+ ip -V`). just-bash asks here for every traced command
 * (edit 14 of scripts/patch-just-bash.mjs: installXtraceHook()).
 */
import { serialize, type ScriptNode, type TransformPlugin } from "just-bash";
import { internalName, isNode, simpleStatement, singleQuote, word, type AnyNode } from "./ast.ts";

const PREFIX = internalName("__");
const TOOL_DOT = internalName("__tool.");

/** builtins the plugins hand to a command of the shell's own under another name */
const RENAMED: Record<string, string> = {
  [internalName("__wait")]: "wait",
  [internalName("__kill")]: "kill",
  [internalName("__jobs")]: "jobs",
  [internalName("__disown")]: "disown",
  [internalName("__trap")]: "trap",
};

/**
 * The words to trace for command `name` with `args`: undefined, the command's own; null,
 * nothing (the shell's plumbing: output marks, the write of `echo … > f`, a job's start,
 * whose command its own shell traces).
 */
export function xtraceWords(name: string, args: readonly string[]): string[] | null | undefined {
  if (!name.startsWith(PREFIX)) return undefined;
  // `__tool.FLAGS.NAME ARGS`
  if (name.startsWith(TOOL_DOT)) return [name.slice(name.indexOf(".", TOOL_DOT.length) + 1), ...args];
  const renamed = RENAMED[name];
  if (renamed !== undefined) return [renamed, ...args];
  switch (name) {
    case internalName("__tool"): {
      // `__tool FLAGS [@!FD] [@-FLAGS] [@1> FILE] [@2>> FILE] NAME ARGS` (output.ts)
      let i = 1;
      while (i < args.length && args[i]!.startsWith("@")) i += args[i]!.startsWith("@!") || args[i]!.startsWith("@-") ? 1 : 2;
      return args.slice(i);
    }
    case internalName("__jobspec"):
      // `__jobspec fg|bg ARGS`
      return args.slice();
    default:
      return null;
  }
}

/** lib/sh/shquote.c: sh_contains_shell_metas() */
function containsShellMetas(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    switch (s[i]) {
      case " ": case "\t": case "\n": case "'": case '"': case "\\": case "|": case "&": case ";":
      case "(": case ")": case "<": case ">": case "!": case "{": case "}": case "*": case "[":
      case "?": case "]": case "^": case "$": case "`":
        return true;
      case "~":
        if (i === 0 || s[i - 1] === "=" || s[i - 1] === ":") return true;
        break;
      case "#":
        if (i === 0) return true;
        break;
    }
  }
  return false;
}

/** lib/sh/strtrans.c: ansic_shouldquote() as bash 5.2 traces: a control character other
 * than tab and newline (those two single quotes keep as they are) */
function ansicShouldQuote(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10) || c === 0x7f) return true;
  }
  return false;
}

const ANSIC_ESCAPES: Record<string, string> = {
  "\x07": "\\a", "\b": "\\b", "\x1b": "\\E", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
  "\\": "\\\\", "'": "\\'",
};

/** lib/sh/strtrans.c: ansic_quote(): $'…', other control characters as \ooo */
function ansicQuote(s: string): string {
  let r = "$'";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    const e = ANSIC_ESCAPES[ch];
    if (e !== undefined) r += e;
    else if (c < 0x20 || c === 0x7f) r += "\\" + c.toString(8).padStart(3, "0");
    else r += ch;
  }
  return r + "'";
}

/** a word as bash's xtrace prints it (print_cmd.c: xtrace_print_word_list()); the value of
 * an assignment (xtrace_print_assignment()) is the same but for nothing at all when empty */
export function xtraceQuote(w: string, assignment = false): string {
  if (w === "") return assignment ? "" : "''";
  if (ansicShouldQuote(w)) return ansicQuote(w);
  // (sh_single_quote() writes a lone quote as \')
  if (containsShellMetas(w)) return w === "'" ? "\\'" : singleQuote(w);
  return w;
}

/** the words a command is traced with, quoted and joined; null, none (xtraceWords()) */
function xtraceLine(name: string, args: readonly string[]): string | null {
  const words = xtraceWords(name, args);
  if (words === null) return null;
  return (words ?? [name, ...args]).map((w) => xtraceQuote(w)).join(" ");
}

/** where the patched just-bash finds xtraceLine() and xtraceQuote(): the same for every shell */
export function installXtraceHook(): void {
  const g = globalThis as Record<string, unknown>;
  g.__tuxnetXtraceLine = xtraceLine;
  g.__tuxnetXtraceQuote = xtraceQuote;
}

/**
 * bash traces a `for` loop's head before each turn with its words as written (`+ for i in $v
 * x`; `for j; do` is `+ for j in "$@"`); just-bash's loop (edit 14) prints the `xtraceHead`
 * this plugin puts on it. Run it first: later plugins rewrite words (`$!`, substitutions).
 */
export function xtracePlugin(): TransformPlugin {
  return {
    name: "tuxnet-xtrace",
    transform({ ast }) {
      forHeads(ast);
      return { ast };
    },
  };
}

function forHeads(n: unknown): void {
  if (Array.isArray(n)) {
    for (const x of n) forHeads(x);
    return;
  }
  if (!isNode(n)) return;
  if (n.type === "For" && typeof n.variable === "string") (n as AnyNode).xtraceHead = forHead(n.variable, n.words);
  for (const k of Object.keys(n)) if (k !== "type" && typeof n[k] === "object") forHeads(n[k]);
}

function forHead(variable: string, words: unknown): string {
  if (!Array.isArray(words)) return `for ${variable} in "$@"`;
  // the words as bash prints them: a command of them, serialized, less its name
  const src = serialize({ type: "Script", statements: [simpleStatement(word("for"), words)] } as unknown as ScriptNode);
  return `for ${variable} in${src.slice(3).replace(/\n$/, "")}`;
}
