/**
 * Job control for just-bash, on the simulated clock.
 *
 * just-bash parses `cmd &` but runs it in the foreground, and its `wait` builtin does nothing.
 * A transform plugin rewrites, at every depth of the AST (if/for/while bodies, groups,
 * functions, command substitutions, nested `bash -c` scripts, which are transformed when they
 * run):
 *   - a background statement `S &`   ->  `__bg '<S serialized>' $? "$SHELLOPTS"`
 *   - a command named `wait`         ->  `__wait`
 *   - `$!`                           ->  `$__LASTBG`
 * `__bg` starts the statement as a new exec on the same Bash instance without awaiting it and
 * records it in the job table of the top-level command line it belongs to (so `wait` waits
 * only for the line's own children, as bash does); `__wait` waits for them while counting as
 * blocked on the simulator, so simulated time advances for the jobs it waits on.
 */
import { parse, serialize, type ScriptNode, type TransformPlugin, type WordNode } from "just-bash";
import { internal, isNode, literalOf, paramWord, setupNodes, simpleStatement, word, type AnyNode } from "./ast.ts";
import type { History } from "./history.ts";

/** the environment variable that carries the job session of a top-level command line */
export const JOB_SESSION_VAR = "TUXNET_JOBS";


/** simple commands that are elements of a pipeline of several */
const inPipe = new WeakSet<object>();

/** the literal name of a simple command when it is a job spec (`%…`) */
function jobSpecName(cmd: AnyNode): string | undefined {
  // (quoting does not matter: "%1" is one too)
  const w = cmd.name as AnyNode | null;
  const parts = w && Array.isArray(w.parts) ? (w.parts as AnyNode[]).flatMap((p) => (p.type === "DoubleQuoted" ? (p.parts as AnyNode[]) : [p])) : [];
  const n = w ? literalOf({ ...w, parts }) : undefined;
  return n !== undefined && n.startsWith("%") ? n : undefined;
}

/** the simple command a background statement consists of, when it is a lone job spec */
function jobSpecCommand(stmt: AnyNode): AnyNode | undefined {
  const pl = stmt.pipelines as AnyNode[];
  if (pl.length !== 1) return undefined;
  const cmds = pl[0]!.commands as AnyNode[];
  if (cmds.length !== 1 || cmds[0]!.type !== "SimpleCommand" || jobSpecName(cmds[0]!) === undefined) return undefined;
  return { ...cmds[0]!, args: [cmds[0]!.name, ...(cmds[0]!.args as unknown[])] };
}

function rewrite(node: unknown): void {
  if (Array.isArray(node)) {
    for (const n of node) rewrite(n);
    return;
  }
  if (!isNode(node)) return;
  const t = node.type;
  if (t === "Statement" && node.background === true) {
    // `%1 &` is bash's `bg %1`, run by the shell itself
    const lone = jobSpecCommand(node);
    if (lone) {
      Object.assign(node, simpleStatement(internal("__jobspec"), [word("bg"), ...(lone.args as unknown[]).slice(1)]), { background: false });
      return;
    }
    // rewrite inside first, then wrap the whole statement
    const inner: AnyNode = { ...node, background: false };
    rewrite(inner.pipelines);
    const src = serialize({ type: "Script", statements: [inner] } as unknown as ScriptNode);
    // the job starts with the `$?` of its shell at `&`
    // and with its options (a forked shell keeps them): `__bg SRC $? "$SHELLOPTS"`
    Object.assign(node, simpleStatement(internal("__bg"), [word(src, true), paramWord("?"), paramWord("SHELLOPTS", true)]));
    return;
  }
  // a job spec as a command (`%1`, `%+`) is bash's `fg` of it — not inside a pipeline, whose
  // elements run in subshells (there it is a command not found)
  if (t === "Pipeline" && (node.commands as unknown[]).length > 1) for (const c of node.commands as unknown[]) if (isNode(c)) inPipe.add(c);
  if (t === "SimpleCommand" && !inPipe.has(node) && jobSpecName(node) !== undefined) {
    node.args = [word("fg"), ...(node.args as unknown[])];
    node.name = internal("__jobspec");
  }
  if (t === "SimpleCommand") {
    const name = node.name as WordNode | null;
    const p0 = name?.parts.length === 1 ? name.parts[0] : undefined;
    if (p0 && p0.type === "Literal" && p0.value === "wait") node.name = internal("__wait");
    // bash's kill and jobs builtins know the job table and the host's processes
    if (p0 && p0.type === "Literal" && p0.value === "kill") node.name = internal("__kill");
    if (p0 && p0.type === "Literal" && p0.value === "jobs") node.name = internal("__jobs");
    if (p0 && p0.type === "Literal" && p0.value === "disown") node.name = internal("__disown");
    // fg and bg: bash without job control (a script's) refuses them
    if (p0 && p0.type === "Literal" && (p0.value === "fg" || p0.value === "bg")) {
      node.args = [word(p0.value), ...(node.args as unknown[])];
      node.name = internal("__jobspec");
    }
  }
  if (t === "ParameterExpansion" && node.parameter === "!") node.parameter = "__LASTBG";
  for (const k of Object.keys(node)) {
    if (k === "type") continue;
    const v = node[k];
    if (isNode(v)) rewrite(v);
  }
}

/** does `n` hold a command or process substitution? */
function substitutes(n: unknown): boolean {
  if (Array.isArray(n)) return n.some(substitutes);
  if (!isNode(n)) return false;
  if (n.type === "CommandSubstitution" || n.type === "ProcessSubstitution") return true;
  return Object.keys(n).some((k) => k !== "type" && substitutes(n[k]));
}

/**
 * bash: a command of assignments only exits 0 unless one of its expansions held a command
 * substitution (then that one's status). just-bash keeps the previous `$?` there (`false; x=1
 * && echo y` ran nothing), but gives a bare redirection 0: such an assignment gets the no-op
 * `2>&2`, which changes nothing else (not the variables, nor `set -x`'s trace).
 */
function assignmentStatus(n: unknown): void {
  if (Array.isArray(n)) {
    for (const x of n) assignmentStatus(x);
    return;
  }
  if (!isNode(n) || setupNodes.has(n)) return;
  if (n.type === "SimpleCommand" && !n.name && Array.isArray(n.assignments) && n.assignments.length > 0) {
    const reds = n.redirections as unknown[] | undefined;
    if ((reds?.length ?? 0) === 0 && !substitutes(n.assignments)) {
      n.redirections = [{ type: "Redirection", fd: 2, operator: ">&", target: word("2") }];
    }
    return;
  }
  for (const k of Object.keys(n)) if (k !== "type") assignmentStatus(n[k]);
}

/** is the script one simple command without arguments (`'echo'`)? */
function loneCommand(ast: unknown): boolean {
  const sts = isNode(ast) ? (ast.statements as AnyNode[]).filter((st) => !setupNodes.has(st)) : undefined;
  if (!sts || sts.length !== 1 || sts[0]!.background) return false;
  const ps = sts[0]!.pipelines as AnyNode[] | undefined;
  if (!ps || ps.length !== 1) return false;
  const cs = ps[0]!.commands as AnyNode[] | undefined;
  const c = cs?.length === 1 ? cs[0]! : undefined;
  return c !== undefined && c.type === "SimpleCommand" && !!c.name && ((c.args as unknown[]) ?? []).length === 0;
}

export const jobControlPlugin: TransformPlugin = {
  name: "tuxnet-job-control",
  transform({ ast }) {
    // the AST is this exec's own parse: rewrite it in place (a background job's statement is
    // kept as its text, which its own exec parses and rewrites)
    rewrite(ast);
    assignmentStatus(ast);
    // a lone command without arguments needs no job table nor start status; and it may be
    // what xargs runs, whose arguments just-bash hands to the first command that runs
    if (!loneCommand(ast)) (ast.statements as unknown[]).unshift(simpleStatement(internal("__session"), []));
    return { ast };
  },
};

/** The background jobs of one top-level command line. */
export interface JobSession {
  /** jobs started and not yet finished */
  pending: number;
  /** exit status of the last job that finished */
  lastCode: number;
  /** `wait`s blocked until pending drops to 0; released synchronously by the last job, before
   * the job stops counting as live, so the scheduler never sees a false deadlock */
  waiters: { unblock(): void }[];
  /** output of jobs that finished while the line still ran */
  lateStdout: string;
  lateStderr: string;
  open: boolean;
  /** the job table (bash's jobs[]): jobs still running, by job number */
  jobs?: Job[];
  /** exit statuses of finished background pids, for `wait PID` (bash's bgpids) */
  statuses?: Map<number, number>;
  /** jobs `disown` took out of the table that still run (`wait PID` still waits for them) */
  disowned?: Job[];
  /** the history list of a non-interactive shell (`history -s` fills it) */
  history?: History;
}

/** one background job of a shell */
export interface Job {
  /** job number, [1] */
  n: number;
  /** pid of the job's process ($!) */
  pid: number;
  /** the command as bash prints it in `jobs` */
  text: string;
  /** `wait PID`/`wait %N`/`wait -n` blocked on this job */
  waiters: { unblock(): void }[];
  /** `disown` took it out of the job table: no `wait` waits for it any more */
  disowned?: boolean;
}

/** bash builtins: a background builtin runs in a forked bash, not in a program of its own */
const BUILTINS = new Set(
  (": . [ alias bg bind break builtin caller cd command compgen complete compopt continue declare dirs disown echo " +
    "enable eval exec exit export false fc fg getopts hash help history jobs kill let local logout mapfile popd " +
    "printf pushd pwd read readarray readonly return set shift shopt source suspend test times trap true type " +
    "typeset ulimit umask unalias unset wait").split(" "),
);

/**
 * A background statement that is one simple command (`sleep 10`, `dnsmasq -d … > log`): bash
 * forks and the child execs the program, so the job's pid is that program's. Undefined for
 * anything else (a pipeline, a list, a subshell, a builtin: the job is a forked bash).
 */
export function simpleCommand(src: string): { comm: string; args: string[] } | undefined {
  let ast: ScriptNode;
  try {
    ast = parse(src);
  } catch {
    return undefined;
  }
  if (ast.statements.length !== 1) return undefined;
  const st = ast.statements[0]!;
  if (st.pipelines.length !== 1 || st.pipelines[0]!.commands.length !== 1) return undefined;
  const c = st.pipelines[0]!.commands[0]!;
  if (c.type !== "SimpleCommand" || !c.name) return undefined;
  const name = literalOf(c.name);
  const base = name?.slice(name.lastIndexOf("/") + 1);
  // the shell's own commands (internal(), ast.ts) are no program of the job's
  if (!name || !base || BUILTINS.has(name) || base.startsWith("__")) return undefined;
  const args = c.args.map((w) => literalOf(w)).filter((a): a is string => a !== undefined);
  return { comm: base.slice(0, 15), args: [name, ...args] };
}
