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
