/**
 * bash's report of a syntax error (parse.y: report_syntax_error(), yyerror()) in place of
 * just-bash's parser messages ("Parse error at L:C: …"). Non-interactive bash names the
 * source (`-c`) and the line, then echoes the line:
 *
 *   bash: -c: line 1: syntax error near unexpected token `>'
 *   bash: -c: line 1: `echo 1 > >'
 *
 * an interactive one prints only the first line without the source; a script that ends
 * inside a compound command or a `$(` says "unexpected end of file" on the line after its
 * last.
 */

import { parse } from "just-bash";

/** bash's operator tokens, longest first */
const OPERATORS = ["<<<", "<<-", "&>>", ";;&", "<<", ">>", "<&", ">&", "<>", ">|", "&&", "||", ";;", ";&", "|&", "&>", "<", ">", "|", "&", ";", "(", ")"];

/** just-bash's names of the tokens it expected or met */
const TOKEN_NAMES: Record<string, string> = {
  FI: "fi", DONE: "done", ESAC: "esac", THEN: "then", DO: "do", ELSE: "else", ELIF: "elif", IN: "in",
  RPAREN: ")", LPAREN: "(", RBRACE: "}", LBRACE: "{", SEMI: ";", DSEMI: ";;", PIPE: "|", AMP: "&",
  AND_AND: "&&", OR_OR: "||", NEWLINE: "newline",
};

/** the token at column `col` (1-based) of `line`: an operator, a word, or `newline` at the end */
function tokenAt(line: string, col: number): string {
  const rest = line.slice(col - 1).replace(/^[ \t]+/, "");
  if (rest === "") return "newline";
  for (const op of OPERATORS) if (rest.startsWith(op)) return op;
  return /^[^ \t<>|&;()]+/.exec(rest)?.[0] ?? rest[0]!;
}

/**
 * stderr of a line just-bash refused to parse, as bash prints it; undefined when `stderr` is
 * not one of just-bash's parse errors
 */
export function bashSyntaxError(stderr: string, script: string, interactive: boolean): string | undefined {
  const m = /^bash: (?:line (\d+): )?(?:syntax error: Parse error at (\d+):(\d+): )?(.*)\n?$/.exec(stderr);
  if (!m) return undefined;
  const lines = script.replace(/\n$/, "").split("\n");
  const eofLine = lines.length + 1;
  const msg = m[4]!;
  const at = (n: number, text: string, echo?: string) =>
    interactive ? `bash: ${text}\n` : `bash: -c: line ${n}: ${text}\n` + (echo !== undefined ? `bash: -c: line ${n}: \`${echo}'\n` : "");
  const near = /^syntax error near unexpected token `(.*)'$/.exec(msg);
  if (near && m[2]) {
    const n = Number(m[2]);
    return at(n, msg, lines[n - 1] ?? "");
  }
  if (msg === "Expected redirection target" && m[2]) {
    const n = Number(m[2]);
    const line = lines[n - 1] ?? "";
    return at(n, `syntax error near unexpected token \`${tokenAt(line, Number(m[3]))}'`, line);
  }
  const expected = /^Expected \w+, got (\w+)$/.exec(msg);
  if (expected && m[2]) {
    if (expected[1] === "EOF") return at(eofLine, "syntax error: unexpected end of file");
    const tok = TOKEN_NAMES[expected[1]!];
    const n = Number(m[2]);
    if (tok) return at(n, `syntax error near unexpected token \`${tok}'`, lines[n - 1] ?? "");
    return undefined;
  }
  // an open `$(`: on the line after the last; an open `$((` (parse_arith_cmd) or quote: on its
  // own line
  if (/^unexpected EOF while looking for matching `\)'$/.test(msg)) {
    const n = Number(m[2] ?? m[1] ?? 1);
    const line = lines[n - 1] ?? "";
    const open = line.lastIndexOf("$(");
    return at(open >= 0 && line[open + 2] === "(" ? n : eofLine, msg);
  }
  if (/^unexpected EOF while looking for matching `["'`]'$/.test(msg)) return at(Number(m[1] ?? m[2] ?? 1), msg);
  return undefined;
}

/** a simple command with nothing in it: what just-bash makes of `a | | b` or `a | ;` */
function isEmptyCommand(n: Record<string, unknown>): boolean {
  return n.type === "SimpleCommand" && n.name === null && (n.args as unknown[]).length === 0 &&
    (n.assignments as unknown[]).length === 0 && (n.redirections as unknown[]).length === 0;
}

/** a pipeline of the script (outside command substitutions) with an empty element */
function hasEmptyPipelineElement(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasEmptyPipelineElement);
  if (node === null || typeof node !== "object") return false;
  const n = node as Record<string, unknown>;
  if (n.type === "CommandSubstitution" || n.type === "ProcessSubstitution") return false;
  if (n.type === "Pipeline" && (n.commands as Record<string, unknown>[]).length > 1 && (n.commands as Record<string, unknown>[]).some(isEmptyCommand)) return true;
  return Object.values(n).some(hasEmptyPipelineElement);
}

/** the token after the first pipe of `line` (outside quotes and substitutions) that is an
 * operator bash cannot take there; undefined: the line ends right after it */
function tokenAfterEmptyPipe(line: string): string | undefined | null {
  let q = "";
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && q !== "'") {
      i++;
      continue;
    }
    if (q) {
      if (c === q) q = "";
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      q = c;
      continue;
    }
    if (c === "$" && line[i + 1] === "(") {
      depth++;
      i++;
      continue;
    }
    if (depth) {
      if (c === "(") depth++;
      else if (c === ")") depth--;
      continue;
    }
    if (c !== "|") continue;
    if (line[i + 1] === "|") {
      i++;
      continue;
    }
    let j = i + (line[i + 1] === "&" ? 2 : 1);
    while (line[j] === " " || line[j] === "\t") j++;
    if (j >= line.length) return undefined;
    const rest = line.slice(j);
    const op = ["||", "&&", ";;", "|&", "|", "&", ";", ")"].find((o) => rest.startsWith(o));
    if (op) return op;
    i = j - 1;
  }
  return null;
}

/**
 * bash's syntax error for a one-line script with an empty pipeline element (`a | | b`,
 * `a | ;`, `(a | )`, a trailing `|`), which just-bash parses as an empty command and runs;
 * undefined when there is none (or the script has several lines: bash runs the lines before
 * the bad one first, which this check cannot)
 */
export function emptyPipelineError(script: string, interactive: boolean): string | undefined {
  const line = script.replace(/\n$/, "");
  if (line.includes("\n") || !line.includes("|")) return undefined;
  let ast: unknown;
  try {
    ast = parse(line);
  } catch {
    return undefined;
  }
  if (!hasEmptyPipelineElement(ast)) return undefined;
  const tok = tokenAfterEmptyPipe(line);
  if (tok === null) return undefined;
  // (a terminal's bash asks for the rest of the line instead)
  if (tok === undefined) return interactive ? undefined : "bash: -c: line 2: syntax error: unexpected end of file\n";
  const text = `syntax error near unexpected token \`${tok}'`;
  return interactive ? `bash: ${text}\n` : `bash: -c: line 1: ${text}\nbash: -c: line 1: \`${line}'\n`;
}

/** what bash says of the here-documents a script ends inside, in source order: each with the
 * line of the command that has it (the nearest node on the way down that knows its line); a
 * `$(…)` with some first says how many it has (backquotes do not) */
type HeredocNote = { delimiter: string; line: number } | { comsub: number };

function unterminatedHeredocs(node: unknown, line: number, out: HeredocNote[]): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const x of node) unterminatedHeredocs(x, line, out);
    return;
  }
  const o = node as Record<string, unknown>;
  const here = typeof o.line === "number" ? o.line : line;
  if (o.type === "HereDoc" && o.terminated === false) out.push({ delimiter: String(o.delimiter), line: here });
  if (o.type === "CommandSubstitution" && o.legacy !== true) {
    const inner: HeredocNote[] = [];
    unterminatedHeredocs(o.body, here, inner);
    const n = inner.filter((d) => "delimiter" in d).length;
    if (n > 0) out.push({ comsub: n });
    // (its text is read again when it runs: its own here-documents, its own lines)
    out.push(...inner);
    return;
  }
  for (const k of Object.keys(o)) if (k !== "content") unterminatedHeredocs(o[k], here, out);
}

/**
 * bash's warnings for here-documents the script ends inside (make_here_document()): "here-document
 * at line S delimited by end-of-file (wanted `EOT')", from the line the reading of each
 * began (its command's for the first on a line; the end of the script for one after it, whose
 * reading starts where the first one's ended); non-interactive bash puts the line it reached,
 * the script's last, in front ("bash: line L: warning: …"). A `$(…)` with some is announced
 * first ("command substitution: 1 unterminated here-document"). Empty when there is none.
 */
export function heredocWarnings(script: string, interactive: boolean): string {
  if (!script.includes("<<")) return "";
  let ast: unknown;
  try {
    ast = parse(script);
  } catch {
    return "";
  }
  const notes: HeredocNote[] = [];
  unterminatedHeredocs(ast, 1, notes);
  if (notes.length === 0) return "";
  const lines = script.replace(/\n$/, "").split("\n").length;
  const prefix = interactive ? "bash: " : `bash: line ${lines}: `;
  let out = "";
  // the first here-document of a run (the script, or one substitution) starts on its own line
  let first = true;
  for (const d of notes) {
    if ("comsub" in d) {
      out += `${prefix}warning: command substitution: ${d.comsub} unterminated here-document${d.comsub === 1 ? "" : "s"}\n`;
      first = true;
      continue;
    }
    out += `${prefix}warning: here-document at line ${first ? d.line : lines} delimited by end-of-file (wanted \`${d.delimiter}')\n`;
    first = false;
  }
  return out;
}
