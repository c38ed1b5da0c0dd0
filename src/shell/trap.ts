/**
 * bash's `trap` (builtins/trap.def) over just-bash, which has none. The handlers live in a
 * shell variable (TRAPS_VAR, JSON), so subshells and functions see them as bash's do; the
 * EXIT trap runs where the script ends: the plugin puts `__exittrap $?; eval "$RUN"; exit $CODE`
 * at the end of a script that sets traps, and in place of each `exit` of the shell itself (not
 * of a subshell), so the handler runs in the script's own context (its functions and
 * variables) with `$?` the exit status, once. Signal traps are kept and listed; a signal
 * does not run them (the shell's own signals are not modelled).
 */
import type { TransformPlugin, WordNode } from "just-bash";
import { internal, isNode, literalOf, paramWord, simpleStatement, singleQuote, word, type AnyNode } from "./ast.ts";
import { signalTable, type BuiltinResult } from "./jobctl.ts";
import { builtinGetopt, legalNumber } from "./getopt.ts";
import { signalFromSpec, signalName } from "../userland/procps/kill.ts";

export const TRAPS_VAR = "TUXNET_TRAPS";
const RUN_VAR = "TUXNET_TRAP_RUN";
const CODE_VAR = "TUXNET_EXITCODE";
/** the variables of the trap machinery (not the user's: `env` leaves them out) */
export const TRAP_VARS = new Set([TRAPS_VAR, RUN_VAR, CODE_VAR]);

const USAGE = "trap: usage: trap [-lp] [[arg] signal_spec ...]\n";
/** bash's pseudo-signals after the real ones (BASH_NSIG order) */
const PSEUDO = ["DEBUG", "ERR", "RETURN"];

/** decode_signal(): the key of a signal spec ("0", "2" …, "DEBUG"), or undefined */
function signalKey(spec: string): string | undefined {
  const s = spec.toUpperCase();
  if (s === "EXIT" || s === "0") return "0";
  if (PSEUDO.includes(s)) return s;
  const n = signalFromSpec(spec);
  return n !== undefined && n > 0 ? String(n) : undefined;
}

const keyName = (k: string) => (k === "0" ? "EXIT" : PSEUDO.includes(k) ? k : `SIG${signalName(Number(k))}`);
const order = (k: string) => (k === "0" ? 0 : PSEUDO.includes(k) ? 100 + PSEUDO.indexOf(k) : Number(k));

export type Traps = Record<string, string>;

export function parseTraps(v: string | undefined): Traps {
  try {
    return v ? (JSON.parse(v) as Traps) : {};
  } catch {
    return {};
  }
}

function display(traps: Traps, keys?: string[]): string {
  return (keys ?? Object.keys(traps).sort((a, b) => order(a) - order(b)))
    .filter((k) => traps[k] !== undefined)
    .map((k) => `trap -- ${singleQuote(traps[k]!)} ${keyName(k)}\n`)
    .join("");
}

/** trap_builtin(): the new table (undefined: unchanged) and what it prints */
export function trapBuiltin(args: string[], traps: Traps): BuiltinResult & { traps?: Traps } {
  const g = builtinGetopt(args, "lp");
  if (g.error) return { stdout: "", stderr: `bash: trap: ${g.error}\n${USAGE}`, exitCode: 2 };
  const list = g.opts.has("l");
  const print = g.opts.has("p");
  const rest = g.rest;
  if (list) return { stdout: signalTable(), stderr: "", exitCode: 0 };
  if (rest.length === 0 || print) {
    if (!print || rest.length === 0) return { stdout: display(traps), stderr: "", exitCode: 0 };
    let stderr = "";
    const keys: string[] = [];
    for (const s of rest) {
      const key = signalKey(s);
      if (key === undefined) stderr += `bash: trap: ${s}: invalid signal specification\n`;
      else keys.push(key);
    }
    return { stdout: display(traps, keys), stderr, exitCode: stderr ? 1 : 0 };
  }
  // `trap SIG` alone (a signal) or `trap - SIG…`: back to the default; `trap '' SIG`: ignored
  let action: string | undefined = rest[0]!;
  let sigs = rest.slice(1);
  if (sigs.length === 0 && rest[0] !== "-" && signalKey(rest[0]!) !== undefined) {
    action = undefined;
    sigs = rest;
  } else if (rest[0] === "-") action = undefined;
  if (sigs.length === 0) return { stdout: "", stderr: USAGE, exitCode: 2 };
  const next = { ...traps };
  let stderr = "";
  for (const s of sigs) {
    const key = signalKey(s);
    if (key === undefined) {
      stderr += `bash: trap: ${s}: invalid signal specification\n`;
      continue;
    }
    if (action === undefined) delete next[key];
    else next[key] = action;
  }
  return { stdout: "", stderr, exitCode: stderr ? 1 : 0, traps: next };
}

/** `__exittrap STATUS [ARG]`: the EXIT handler to run (once) and the status to exit with */
export function exitTrap(args: string[], traps: Traps): { run: string; code: string; status: number; traps: Traps } {
  const [status = "0", arg] = args;
  const next = { ...traps };
  const run = next["0"] ?? "";
  delete next["0"];
  const code = arg ?? status;
  const v = legalNumber(code);
  const n = v === undefined ? 2 : v & 0xff;
  return { run, code, status: n, traps: next };
}

/** `"${NAME-}"` */
const quotedParam = (name: string): WordNode =>
  ({
    type: "Word",
    parts: [{ type: "DoubleQuoted", parts: [{ type: "ParameterExpansion", parameter: name, operation: { type: "DefaultValue", word: word(""), checkEmpty: false } }] }],
  }) as unknown as WordNode;

/** `__exittrap $? ARGS; eval "$RUN"; exit $CODE` */
function exitSequence(args: WordNode[]): AnyNode[] {
  return [
    simpleStatement(internal("__exittrap"), [paramWord("?"), ...args.slice(0, 1)]),
    simpleStatement(word("eval"), [quotedParam(RUN_VAR)]),
    simpleStatement(word("exit"), [paramWord(CODE_VAR)]),
  ];
}

/** does the script set a trap anywhere (a literal `trap` command)? */
function setsTraps(n: unknown): boolean {
  if (Array.isArray(n)) return n.some(setsTraps);
  if (!isNode(n)) return false;
  if (n.type === "SimpleCommand" && literalOf(n.name) === "trap") return true;
  return Object.keys(n).some((k) => k !== "type" && setsTraps(n[k]));
}

/** `trap` -> `__trap`; `exit` of the shell itself -> the exit sequence (not inside a subshell,
 * a command substitution or a pipeline of several commands, which exit only themselves) */
function rewrite(n: unknown, shell: boolean): void {
  if (Array.isArray(n)) {
    for (const x of n) rewrite(x, shell);
    return;
  }
  if (!isNode(n)) return;
  if (n.type === "SimpleCommand") {
    const name = literalOf(n.name);
    if (name === "trap") n.name = internal("__trap");
    else if (name === "exit" && shell && !(n.redirections as unknown[] | undefined)?.length) {
      Object.assign(n, { type: "Group", body: exitSequence((n.args as WordNode[]) ?? []), redirections: [] });
      delete n.name;
      delete n.args;
      delete n.assignments;
      return;
    }
    for (const k of ["assignments", "args", "redirections"]) rewrite(n[k], false);
    return;
  }
  if (n.type === "Subshell" || n.type === "CommandSubstitution" || n.type === "ProcessSubstitution") {
    for (const k of Object.keys(n)) if (k !== "type") rewrite(n[k], false);
    return;
  }
  if (n.type === "Pipeline" && Array.isArray(n.commands) && n.commands.length > 1) {
    rewrite(n.commands, false);
    return;
  }
  for (const k of Object.keys(n)) if (k !== "type") rewrite(n[k], shell);
}

/**
 * The plugin (after the job-control plugin, before the output plugin). `interactive()`: an
 * interactive shell runs its EXIT trap when it exits, not at the end of each line.
 */
export function trapPlugin(interactive: () => boolean): TransformPlugin {
  return {
    name: "tuxnet-trap",
    transform({ ast }) {
      if (!setsTraps(ast)) return { ast };
      const top = !interactive();
      rewrite(ast, top);
      if (top) (ast.statements as unknown[]).push(...exitSequence([]));
      return { ast };
    },
  };
}
