/**
 * just-bash's parse errors reported as bash 5.2 reports them: each expected text is what
 * `bash -c LINE` (or an interactive bash) printed for the same line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bashSyntaxError } from "../../../src/shell/syntax.ts";

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
