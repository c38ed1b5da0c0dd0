/**
 * Job control for just-bash, on the simulated clock.
 *
 * just-bash parses `cmd &` but runs it in the foreground, and its `wait` builtin does nothing.
 * A transform plugin rewrites, at every depth of the AST (if/for/while bodies, groups,
 * functions, command substitutions, nested `bash -c` scripts, which are transformed when they
 * run):
 *   - a background statement `S &`   ->  `__bg '<S serialized>'`
 *   - a command named `wait`         ->  `__wait`
 *   - `$!`                           ->  `$__LASTBG`
 * `__bg` starts the statement as a new exec on the same Bash instance without awaiting it and
 * records it in the job table of the top-level command line it belongs to (so `wait` waits
 * only for the line's own children, as bash does); `__wait` waits for them while counting as
 * blocked on the simulator, so simulated time advances for the jobs it waits on.
 */
import { serialize, type ScriptNode, type TransformPlugin, type WordNode } from "just-bash";

/** the environment variable that carries the job session of a top-level command line */
export const JOB_SESSION_VAR = "TUXNET_JOBS";

function word(value: string, quoted = false): WordNode {
  return {
    type: "Word",
    parts: [quoted ? { type: "SingleQuoted", value } : { type: "Literal", value }],
  } as WordNode;
}

type AnyNode = { [k: string]: unknown };

function isNode(x: unknown): x is AnyNode {
  return typeof x === "object" && x !== null;
}

function rewrite(node: unknown): void {
  if (Array.isArray(node)) {
    for (const n of node) rewrite(n);
    return;
  }
  if (!isNode(node)) return;
  const t = node.type;
  if (t === "Statement" && node.background === true) {
    // rewrite inside first, then wrap the whole statement
    const inner: AnyNode = { ...node, background: false };
    rewrite(inner.pipelines);
    const src = serialize({ type: "Script", statements: [inner] } as unknown as ScriptNode);
    node.background = false;
    node.operators = [];
    node.pipelines = [
      {
        type: "Pipeline",
        negated: false,
        commands: [
          { type: "SimpleCommand", assignments: [], redirections: [], name: word("__bg"), args: [word(src, true)] },
        ],
      },
    ];
    return;
  }
  if (t === "SimpleCommand") {
    const name = node.name as WordNode | null;
    const p0 = name?.parts.length === 1 ? name.parts[0] : undefined;
    if (p0 && p0.type === "Literal" && p0.value === "wait") node.name = word("__wait");
  }
  if (t === "ParameterExpansion" && node.parameter === "!") node.parameter = "__LASTBG";
  for (const k of Object.keys(node)) {
    if (k === "type") continue;
    const v = node[k];
    if (isNode(v)) rewrite(v);
  }
}

export const jobControlPlugin: TransformPlugin = {
  name: "tuxnet-job-control",
  transform({ ast }) {
    // the AST is this exec's own parse: rewrite it in place
    rewrite(ast);
    (ast.statements as unknown[]).unshift({
      type: "Statement",
      background: false,
      operators: [],
      pipelines: [
        {
          type: "Pipeline",
          negated: false,
          commands: [{ type: "SimpleCommand", assignments: [], redirections: [], name: word("__session"), args: [] }],
        },
      ],
    });
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
}
