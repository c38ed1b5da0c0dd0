/**
 * just-bash's parse errors reported as bash 5.2 reports them: each expected text is what
 * `bash -c LINE` (or an interactive bash) printed for the same line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bashSyntaxError, heredocWarnings } from "../../../src/shell/syntax.ts";

test("the unexpected token and the line echoed (bash -c)", () => {
  const cases: [string, string, string][] = [
    ["echo 1 >", "bash: syntax error: Parse error at 1:9: Expected redirection target\n", "newline"],
    ["echo 1 > >", "bash: syntax error: Parse error at 1:10: Expected redirection target\n", ">"],
    ["cat <", "bash: line 1: syntax error: Parse error at 1:6: Expected redirection target\n", "newline"],
    ["echo ;;", "bash: syntax error: Parse error at 1:6: syntax error near unexpected token `;;'\n", ";;"],
  ];
  for (const [script, stderr, tok] of cases) {
    assert.equal(
      bashSyntaxError(stderr, script, false),
      `bash: -c: line 1: syntax error near unexpected token \`${tok}'\nbash: -c: line 1: \`${script}'\n`,
      script,
    );
  }
});

test("the end of file: on the line after the last, $(( and quotes on their own", () => {
  assert.equal(bashSyntaxError("bash: syntax error: Parse error at 1:19: Expected FI, got EOF\n", "if true; then echo", false), "bash: -c: line 2: syntax error: unexpected end of file\n");
  assert.equal(bashSyntaxError("bash: syntax error: Parse error at 1:5: unexpected EOF while looking for matching `)'\n", "x=$(", false), "bash: -c: line 2: unexpected EOF while looking for matching `)'\n");
  assert.equal(bashSyntaxError("bash: syntax error: Parse error at 1:12: unexpected EOF while looking for matching `)'\n", "echo $((1+)", false), "bash: -c: line 1: unexpected EOF while looking for matching `)'\n");
  assert.equal(bashSyntaxError("bash: line 1: unexpected EOF while looking for matching `\"'\n", 'echo "abc', false), "bash: -c: line 1: unexpected EOF while looking for matching `\"'\n");
});

test("interactive: no source, no echo; anything else is left alone", () => {
  assert.equal(bashSyntaxError("bash: syntax error: Parse error at 1:10: Expected redirection target\n", "echo 1 > >", true), "bash: syntax error near unexpected token `>'\n");
  assert.equal(bashSyntaxError("bash: line 1: nosuch: command not found\n", "nosuch", false), undefined);
});

test("here-documents a script ends inside: bash 5.2's warnings (bash -c, stderr not a terminal)", () => {
  const w = (s: string) => heredocWarnings(s, false);
  // bash's warning at the line it reached (l) for a document begun at line s, wanting d
  const eof = (l: number, s: number, d: string) => `bash: line ${l}: warning: here-document at line ${s} delimited by end-of-file (wanted \`${d}')\n`;
  assert.equal(w("cat <<EOT"), eof(1, 1, "EOT"));
  assert.equal(w("cat <<EOT | tr a-z A-Z"), eof(1, 1, "EOT"));
  assert.equal(w("echo a\ncat <<EOT\nfoo\nbar"), eof(4, 2, "EOT"));
  assert.equal(w("cat <<EOT; cat <<EOF2\nx"), eof(2, 1, "EOT") + eof(2, 2, "EOF2"));
  assert.equal(w('cat <<-"E"\n\tq'), eof(2, 1, "E"));
  assert.equal(w("cat <<EOT\na\n\n"), eof(3, 1, "EOT"));
  assert.equal(w("echo 1; cat <<A\nx\nA\ncat <<B\ny"), eof(5, 4, "B"));
  assert.equal(w("cat <<EOT\nx\nEOT"), "");
  assert.equal(w("cat <<< word; echo $((1 << 2))"), "");
  assert.equal(
    w('x=$(cat <<EOT; cat <<B); echo "[$x]"'),
    "bash: line 1: warning: command substitution: 2 unterminated here-documents\n" +
      eof(1, 1, "EOT") +
      eof(1, 1, "B"),
  );
  assert.equal(
    w("echo $(cat <<EOT) $(cat <<B)"),
    "bash: line 1: warning: command substitution: 1 unterminated here-document\n" +
      eof(1, 1, "EOT") +
      "bash: line 1: warning: command substitution: 1 unterminated here-document\n" +
      eof(1, 1, "B"),
  );
  assert.equal(w("x=`cat <<EOT`"), eof(1, 1, "EOT"));
  assert.equal(heredocWarnings("cat <<EOT", true), "bash: warning: here-document at line 1 delimited by end-of-file (wanted `EOT')\n");
});
