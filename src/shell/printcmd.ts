/**
 * bash 5.2's print_cmd.c for the text of a shell function: what `type f`, `command -V f` and
 * `declare -f [f]` print (named_function_string() with FUNC_MULTILINE, and the
 * make_command_string_internal() it runs over the body: four-space indents, `;` and a line
 * break between a function's commands, `if …; then`, `for … in …;` / `do` on lines of their
 * own, `case` clauses with `;;` on a line, redirections re-spelt with a space after the
 * operator and their fd when it is not the default (`>&2` is `1>&2`), command substitutions
 * printed anew from their commands).
 *
 * The tree printed is the function as parsed, before tuxnet's transform plugins rewrite it
 * (`functionPlugin()` keeps a copy); just-bash asks here through the hook edit 17 of
 * scripts/patch-just-bash.mjs puts in its `type`, `command -V` and `declare -f`.
 *
 * bash keeps each word as it was written; just-bash keeps the parts of a word, so a word is
 * spelt again from them: the same text for everything but a `${name}` written with braces
 * that do not need them (printed `$name`).
 */
import { serialize, type ScriptNode, type TransformPlugin } from "just-bash";
import { isNode, type AnyNode } from "./ast.ts";

type Node = AnyNode;

/** parse.y's reserved words (find_reserved_word()): such a function name gets `function ` */
const RESERVED = new Set([
  "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do", "done", "in",
  "function", "time", "{", "}", "!", "[[", "]]", "coproc",
]);

/** the function definitions of the scripts run so far, as parsed (before the plugins), by
 * their body (the node just-bash keeps for a function is a copy of the definition's) */
const parsed = new WeakMap<object, Node>();

/** Keeps a copy of each function definition as written; register before every other plugin. */
export function functionPlugin(): TransformPlugin {
  return {
    name: "tuxnet-function-text",
    transform({ ast }) {
      keepFunctions(ast);
      return { ast };
    },
  };
}

function keepFunctions(n: unknown): void {
  if (Array.isArray(n)) {
    for (const x of n) keepFunctions(x);
    return;
  }
  if (!isNode(n)) return;
  if (n.type === "FunctionDef" && isNode(n.body)) parsed.set(n.body, structuredClone(n));
  for (const k of Object.keys(n)) if (k !== "type" && typeof n[k] === "object") keepFunctions(n[k]);
}

/** the hook edit 17 calls: named_function_string(name, body, FUNC_MULTILINE) */
export function installFunctionTextHook(): void {
  (globalThis as Record<string, unknown>).__tuxnetFunctionText = (name: string, fn: Node): string =>
    namedFunctionString(name, (isNode(fn.body) && parsed.get(fn.body)) || fn);
}

/** print_cmd.c: named_function_string() with FUNC_MULTILINE */
export function namedFunctionString(name: string, fn: Node): string {
  const p = new Printer();
  if (RESERVED.has(name)) p.out += "function ";
  p.out += `${name} () \n{ \n`;
  p.functionBody(fn);
  return p.out;
}

/** the redirections of a function as a whole (just-bash keeps those after the braces on the
 * definition, bash on the group that is its body) */
function functionRedirections(fn: Node): Node[] {
  const body = fn.body as Node;
  return [...(body.type === "Group" ? (body.redirections as Node[]) : []), ...((fn.redirections as Node[] | undefined) ?? [])];
}

// ------------------------------------------------------------------ bash's command tree

/** bash's COMMAND as far as printing goes: a connection, a simple command or a compound */
type Cmd =
  | { kind: "connection"; first: Cmd; second: Cmd | undefined; connector: "&" | "|" | "&&" | "||" | ";"; invert?: boolean; time?: string }
  | { kind: "simple"; node: Node; invert?: boolean; time?: string; stderrToo?: boolean; src?: string }
  | { kind: "compound"; node: Node; invert?: boolean; time?: string; stderrToo?: boolean; src?: string; whole?: boolean }
  | { kind: "empty" };

/** a statement list as parse.y connects it: `;` between statements, `&` after a background one */
function list(stmts: Node[]): Cmd {
  let cmd: Cmd | undefined;
  stmts.forEach((s, i) => {
    const c = statement(s);
    if (cmd === undefined) cmd = c;
    else cmd = { kind: "connection", first: cmd, second: c, connector: (stmts[i - 1]!.background ? "&" : ";") };
  });
  if (cmd === undefined) return { kind: "empty" };
  if (stmts[stmts.length - 1]!.background) cmd = { kind: "connection", first: cmd, second: undefined, connector: "&" };
  return cmd;
}

/** a statement: its pipelines joined by their operators (each command knows the statement's
 * source text, where a word's spelling can be looked up) */
function statement(s: Node): Cmd {
  const pipes = s.pipelines as Node[];
  const ops = s.operators as string[];
  const src = typeof s.sourceText === "string" ? s.sourceText : undefined;
  let cmd = pipeline(pipes[0]!, src);
  for (let i = 1; i < pipes.length; i++) {
    const op = ops[i - 1] === "&&" || ops[i - 1] === "||" ? (ops[i - 1] as "&&" | "||") : ";";
    cmd = { kind: "connection", first: cmd, second: pipeline(pipes[i]!, src), connector: op };
  }
  // the statement's source is this one command's
  if (cmd.kind === "compound" && !cmd.invert && !cmd.time) cmd.whole = true;
  return cmd;
}

function pipeline(p: Node, src: string | undefined): Cmd {
  const cmds = p.commands as Node[];
  const stderr = (p.pipeStderr as boolean[] | undefined) ?? [];
  const one = (c: Node, i: number): Cmd => {
    const k: Cmd = c.type === "SimpleCommand" ? { kind: "simple", node: c, src } : { kind: "compound", node: c, src };
    // `a |& b` is `a 2>&1 | b` (parse.y adds the redirection)
    if (stderr[i]) k.stderrToo = true;
    return k;
  };
  let cmd: Cmd = one(cmds[0]!, 0);
  for (let i = 1; i < cmds.length; i++) cmd = { kind: "connection", first: cmd, second: one(cmds[i]!, i), connector: "|" };
  if (p.negated) cmd.kind !== "empty" && (cmd.invert = true);
  if (p.timed && cmd.kind !== "empty") cmd.time = p.timePosix ? "time -p " : "time ";
  return cmd;
}

// ------------------------------------------------------------------ the printer

class Printer {
  out = "";
  indentation = 0;
  skipThisIndent = 0;
  insideFunctionDef = 0;
  printingConnection = 0;
  wasHeredoc = false;
  deferredHeredocs: Node[] = [];

  indent(n: number): void {
    this.out += " ".repeat(n);
  }

  newline(s: string): void {
    this.out += "\n";
    this.indent(this.indentation);
    this.out += s;
  }

  /** semicolon(): not after `&` or a line end */
  semicolon(): void {
    const last = this.out[this.out.length - 1];
    if (this.out.length > 0 && (last === "&" || last === "\n")) return;
    this.out += ";";
  }

  /** make_command_string_internal() */
  command(c: Cmd | undefined): void {
    if (c === undefined || c.kind === "empty") return;
    if (this.skipThisIndent) this.skipThisIndent--;
    else this.indent(this.indentation);
    if (c.time) this.out += c.time;
    if (c.invert) this.out += "! ";
    if (c.kind === "connection") {
      this.skipThisIndent++;
      this.printingConnection++;
      this.command(c.first);
      switch (c.connector) {
        case "&":
        case "|":
          this.deferred(` ${c.connector}`);
          if (c.connector !== "&" || c.second) {
            this.out += " ";
            this.skipThisIndent++;
          }
          break;
        case "&&":
        case "||":
          this.deferred(` ${c.connector} `);
          if (c.second) this.skipThisIndent++;
          break;
        case ";":
          if (this.deferredHeredocs.length === 0) {
            if (!this.wasHeredoc) this.out += ";";
            else this.wasHeredoc = false;
          } else this.deferred(this.insideFunctionDef ? "" : ";");
          if (this.insideFunctionDef) this.out += "\n";
          else {
            this.out += " ";
            if (c.second) this.skipThisIndent++;
          }
          break;
      }
      this.command(c.second);
      this.deferred("");
      this.printingConnection--;
      return;
    }
    const n = c.node;
    let redirs = (n.redirections as Node[] | undefined) ?? [];
    if (c.stderrToo) redirs = [...redirs, { type: "Redirection", fd: 2, operator: ">&", target: { type: "Word", parts: [{ type: "Literal", value: "1" }] } }];
    if (c.kind === "simple") {
      this.simple(n, redirs, c.src);
      return;
    }
    this.compound(n, c.src, c.whole === true);
    if (redirs.length) {
      this.out += " ";
      this.redirectionList(redirs);
    }
  }

  /** print_simple_command(): the words (assignments first, as written), then the redirections */
  simple(n: Node, redirs: Node[], src: string | undefined): void {
    const words: string[] = [];
    for (const a of n.assignments as Node[]) words.push(assignmentText(a, src));
    if (n.name) words.push(wordText(n.name as Node, src));
    for (const w of n.args as Node[]) words.push(wordText(w, src));
    this.out += words.join(" ");
    if (redirs.length) {
      if (words.length) this.out += " ";
      this.redirectionList(redirs);
    }
  }

  /** the body of a compound command, indented one step */
  body(stmts: Node[]): void {
    this.indentation += 4;
    this.command(list(stmts));
    this.deferred("");
    this.indentation -= 4;
  }

  compound(n: Node, src: string | undefined, whole = false): void {
    switch (n.type) {
      case "If":
        this.ifCommand(n.clauses as Node[], 0, n.elseBody as Node[] | null);
        return;
      case "For":
        // `for i; do` is `for i in "$@"` (parse.y)
        this.out += `for ${String(n.variable)} in ${n.words ? (n.words as Node[]).map((w) => wordText(w, src)).join(" ") : '"$@"'}`;
        this.out += ";";
        this.newline("do\n");
        this.body(n.body as Node[]);
        this.semicolon();
        this.newline("done");
        return;
      case "CStyleFor": {
        const e = (x: unknown) => (isNode(x) ? arithText(x) : "");
        this.out += `for ((${e(n.init)}; ${e(n.condition)}; ${e(n.update)}))`;
        this.newline("do\n");
        this.body(n.body as Node[]);
        this.semicolon();
        this.newline("done");
        return;
      }
      case "While":
      case "Until":
        this.out += `${n.type === "While" ? "while" : "until"} `;
        this.skipThisIndent++;
        this.command(list(n.condition as Node[]));
        this.deferred("");
        this.semicolon();
        this.out += " do\n";
        this.body(n.body as Node[]);
        this.semicolon();
        this.newline("done");
        return;
      case "Case":
        this.out += `case ${wordText(n.word as Node, src)} in `;
        this.indentation += 4;
        for (const item of n.items as Node[]) {
          this.newline("");
          this.out += (item.patterns as Node[]).map((w) => wordText(w, src)).join(" | ");
          this.out += ")\n";
          this.body(item.body as Node[]);
          this.newline(String(item.terminator));
        }
        this.indentation -= 4;
        this.newline("esac");
        return;
      case "Subshell":
        this.out += "( ";
        this.skipThisIndent++;
        this.command(list(n.body as Node[]));
        this.deferred("");
        this.out += " )";
        return;
      case "Group":
        this.out += "{ ";
        if (!this.insideFunctionDef) this.skipThisIndent++;
        else {
          this.out += "\n";
          this.indentation += 4;
        }
        this.command(list(n.body as Node[]));
        this.deferred("");
        if (this.insideFunctionDef) {
          this.out += "\n";
          this.indentation -= 4;
          this.indent(this.indentation);
        } else {
          this.semicolon();
          this.out += " ";
        }
        this.out += "}";
        return;
      case "ArithmeticCommand": {
        // bash keeps the text between the parentheses as written; just-bash trims it, its
        // statement's source has it
        const raw = whole ? src?.trim() : undefined;
        this.out += raw !== undefined && /^\(\([^]*\)\)$/.test(raw) ? raw : `((${arithText(n.expression as Node)}))`;
        return;
      }
      case "ConditionalCommand":
        this.out += "[[ ";
        this.condNode(n.expression as Node);
        this.out += " ]]";
        return;
      case "FunctionDef":
        // print_function_def(): a definition inside a function
        this.out += `function ${String(n.name)} () \n`;
        this.indent(this.indentation);
        this.out += "{ \n";
        this.functionBody(n);
        return;
    }
  }

  /** the body of a function definition, one step in, then its closing brace and the
   * redirections of the function as a whole after it */
  functionBody(fn: Node): void {
    const body = fn.body as Node;
    const redirs = functionRedirections(fn);
    this.insideFunctionDef++;
    this.indentation += 4;
    this.command(body.type === "Group" ? list(body.body as Node[]) : { kind: "compound", node: body });
    this.deferred("");
    this.indentation -= 4;
    this.insideFunctionDef--;
    if (redirs.length) {
      this.newline("} ");
      this.redirectionList(redirs);
    } else this.newline("}");
  }

  /** print_if_command(): an elif is the else branch's own if */
  ifCommand(clauses: Node[], i: number, elseBody: Node[] | null): void {
    const c = clauses[i]!;
    this.out += "if ";
    this.skipThisIndent++;
    this.command(list(c.condition as Node[]));
    this.semicolon();
    this.out += " then\n";
    this.body(c.body as Node[]);
    if (i + 1 < clauses.length || elseBody) {
      this.semicolon();
      this.newline("else\n");
      this.indentation += 4;
      if (i + 1 < clauses.length) {
        this.indent(this.indentation);
        this.ifCommand(clauses, i + 1, elseBody);
      } else this.command(list(elseBody!));
      this.deferred("");
      this.indentation -= 4;
    }
    this.semicolon();
    this.newline("fi");
  }

  condNode(c: Node): void {
    switch (c.type) {
      case "CondNot":
        this.out += "! ";
        this.condNode(c.operand as Node);
        return;
      case "CondGroup":
        this.out += "( ";
        this.condNode(c.expression as Node);
        this.out += " )";
        return;
      case "CondAnd":
      case "CondOr":
        this.condNode(c.left as Node);
        this.out += c.type === "CondAnd" ? " && " : " || ";
        this.condNode(c.right as Node);
        return;
      case "CondUnary":
        this.out += `${String(c.operator)} ${wordText(c.operand as Node)}`;
        return;
      case "CondBinary":
        this.out += `${wordText(c.left as Node)} ${String(c.operator)} ${wordText(c.right as Node)}`;
        return;
      case "CondWord":
        this.out += wordText(c.word as Node);
        return;
    }
  }

  /** print_deferred_heredocs() */
  deferred(s: string): void {
    if (s && (s[0] !== ";" || s.length > 1)) this.out += s;
    if (this.deferredHeredocs.length) {
      this.heredocBodies(this.deferredHeredocs);
      if (s && (s[0] !== ";" || s.length > 1)) this.out += " ";
      this.wasHeredoc = true;
    }
    this.deferredHeredocs = [];
  }

  heredocBodies(docs: Node[]): void {
    this.out += "\n";
    for (const d of docs) {
      const h = d.target as Node;
      this.out += heredocBody(h) + String(h.delimiter) + "\n";
    }
    this.wasHeredoc = true;
  }

  /** print_redirection_list(): the here-documents' bodies after the line (or the connector) */
  redirectionList(redirs: Node[]): void {
    const docs: Node[] = [];
    this.wasHeredoc = false;
    redirs.forEach((r, i) => {
      if (r.operator === "<<" || r.operator === "<<-") {
        const h = r.target as Node;
        if (r.fd !== null && r.fd !== undefined && r.fd !== 0) this.out += String(r.fd);
        const delim = String(h.delimiter);
        this.out += `<<${r.operator === "<<-" ? "-" : ""}${h.quoted ? `'${delim.replace(/'/g, "'\\''")}'` : delim}`;
        docs.push(r);
      } else this.out += redirectionText(r);
      if (i + 1 < redirs.length) this.out += " ";
    });
    if (docs.length && this.printingConnection) this.deferredHeredocs = docs;
    else if (docs.length) this.heredocBodies(docs);
  }
}

/** print_redirection() */
function redirectionText(r: Node): string {
  const op = String(r.operator);
  const target = wordText(r.target as Node);
  const fd = r.fdVariable ? `{${String(r.fdVariable)}}` : r.fd === null || r.fd === undefined ? undefined : Number(r.fd);
  const dflt = op[0] === "<" ? 0 : 1;
  const prefix = (d: number) => (fd === undefined || fd === d ? "" : String(fd));
  switch (op) {
    case "<":
      return `${prefix(0)}< ${target}`;
    case ">":
    case ">|":
    case ">>":
    case "<>":
      return `${prefix(1)}${op} ${target}`;
    case "&>":
    case "&>>":
      return `${op} ${target}`;
    case "<<<":
      return `${prefix(0)}<<< ${target}`;
    case ">&":
    case "<&": {
      const n = fd ?? dflt;
      // a number (or `-`): r_duplicating_* / r_close_this, the fd always printed;
      // a word: r_duplicating_*_word, the default fd left out
      if (/^\d+-?$/.test(target) || target === "-") return `${n}${op}${target}`;
      return `${fd === undefined || fd === dflt ? "" : String(n)}${op}${target}`;
    }
  }
  return `${prefix(dflt)}${op} ${target}`;
}

function assignmentText(a: Node, src?: string): string {
  const op = a.append ? "+=" : "=";
  if (a.array) return `${String(a.name)}${op}(${(a.array as Node[]).map((w) => wordText(w, src)).join(" ")})`;
  return `${String(a.name)}${op}${a.value ? wordText(a.value as Node, src) : ""}`;
}

function arithText(e: Node): string {
  if (typeof e.originalText === "string") return e.originalText;
  return serializePart({ type: "ArithmeticExpansion", expression: e }).replace(/^\$\(\(|\)\)$/g, "");
}

/** a word as bash keeps it: its parts spelt as written (`src`: the statement's source text) */
export function wordText(w: Node, src?: string): string {
  const parts = (w.parts as Node[]) ?? [];
  return parts.map((p, i) => partText(p, parts[i + 1], src)).join("");
}

const NAME_CHAR = /^[A-Za-z0-9_]/;

function partText(p: Node, next: Node | undefined, src?: string): string {
  switch (p.type) {
    case "Literal":
      return String(p.value);
    case "SingleQuoted":
      return `'${String(p.value)}'`;
    case "Escaped":
      return `\\${String(p.value)}`;
    case "DoubleQuoted": {
      const parts = p.parts as Node[];
      return `"${parts.map((x, i) => partText(x, parts[i + 1], src)).join("")}"`;
    }
    case "ParameterExpansion": {
      if (p.operation) return serializePart(p);
      const name = String(p.parameter);
      const special = /^[0-9?#@*$!-]$/.test(name);
      const plain = special || /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
      // braces where the name would run on into the next part
      const nextText = next?.type === "Literal" ? String(next.value) : "";
      const needed = !plain || (!special && NAME_CHAR.test(nextText));
      // braces that were not needed: written so if the statement has the name only in them
      if (needed || (src !== undefined && bracedOnly(src, name))) return `\${${name}}`;
      return `$${name}`;
    }
    case "CommandSubstitution": {
      if (p.legacy) return serializePart(p);
      return `$(${comsubText(p.body as Node)})`;
    }
    case "ArithmeticExpansion":
      return `$((${arithText(p.expression as Node)}))`;
    case "ProcessSubstitution":
      return `${p.direction === "output" ? ">" : "<"}(${comsubText(p.body as Node)})`;
  }
  return serializePart(p);
}

/** whether `src` spells parameter `name` with braces and never without */
function bracedOnly(src: string, name: string): boolean {
  if (!src.includes(`\${${name}}`)) return false;
  const esc = name.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`);
  return !new RegExp(`\\$${esc}(?![A-Za-z0-9_])`).test(src);
}

/** print_comsub(): a command substitution's commands printed anew, on one line */
function comsubText(script: Node): string {
  const p = new Printer();
  p.command(list(script.statements as Node[]));
  p.deferred("");
  return p.out;
}

/** just-bash's own spelling of one word part (the expansions with operations) */
function serializePart(p: Node): string {
  const w = { type: "Word", parts: [p] };
  const script = {
    type: "Script",
    statements: [{ type: "Statement", background: false, operators: [], pipelines: [{ type: "Pipeline", negated: false, commands: [{ type: "SimpleCommand", assignments: [], redirections: [], name: w, args: [] }] }] }],
  };
  return serialize(script as unknown as ScriptNode).replace(/\n$/, "");
}

/** a here-document's body as bash keeps it: as read, less the leading tabs `<<-` strips */
function heredocBody(h: Node): string {
  const parts = ((h.content as Node).parts as Node[]) ?? [];
  const text = parts.map((x, i) => (x.type === "Literal" ? String(x.value) : partText(x, parts[i + 1]))).join("");
  return h.stripTabs ? text.replace(/^\t+/gm, "") : text;
}
