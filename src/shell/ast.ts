/**
 * The few just-bash AST pieces our transform plugins read and build: a generic node test,
 * literal words, and a statement that runs one simple command.
 */
import type { WordNode } from "just-bash";

export type AnyNode = { [k: string]: unknown };

export const isNode = (x: unknown): x is AnyNode => typeof x === "object" && x !== null;

/**
 * How the plugins name the shell's internal commands (`__tool`, `__mark` …, registered by
 * shell.ts): by path. bash enters a command found in PATH into its hash table (what `hash`
 * lists), never one named with a slash.
 */
export const internalName = (name: `__${string}`): string => `/usr/bin/${name}`;

/** the word naming an internal command */
export const internal = (name: `__${string}`): WordNode => word(internalName(name));

/** nodes the plugins add for the shell's own set-up (bash's variables), which the user's
 * script does not see as commands of its own (they leave `$?` as it was) */
export const setupNodes = new WeakSet<object>();

/** a word that expands one parameter: `$?`, `$-`, `$NAME` (`quoted`: in double quotes, `"$_"`) */
export function paramWord(name: string, quoted = false): WordNode {
  const part = { type: "ParameterExpansion", parameter: name, operation: null };
  return { type: "Word", parts: [quoted ? { type: "DoubleQuoted", parts: [part] } : part] } as unknown as WordNode;
}

/** the literal text of a word, or undefined if it expands */
export function literalOf(w: unknown): string | undefined {
  if (!isNode(w) || w.type !== "Word") return undefined;
  let s = "";
  for (const p of w.parts as AnyNode[]) {
    if (p.type === "Literal" || p.type === "SingleQuoted" || p.type === "Escaped") s += String(p.value);
    else return undefined;
  }
  return s;
}

/** sh_single_quote(): `s` as one single-quoted shell word */
export const singleQuote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** a word of one literal (or, `quoted`, single-quoted) part */
export function word(value: string, quoted = false): WordNode {
  return { type: "Word", parts: [quoted ? { type: "SingleQuoted", value } : { type: "Literal", value }] } as WordNode;
}

/** `name args…` (with a null name, a bare assignment list) */
export function simpleCommand(name: WordNode | null, args: unknown[], assignments: unknown[] = []): AnyNode {
  return { type: "SimpleCommand", assignments, redirections: [], name, args };
}

/** a simple command as a statement of its own */
export function simpleStatement(name: WordNode | null, args: unknown[], assignments: unknown[] = []): AnyNode {
  return {
    type: "Statement",
    background: false,
    operators: [],
    pipelines: [{ type: "Pipeline", negated: false, commands: [simpleCommand(name, args, assignments)] }],
  };
}
