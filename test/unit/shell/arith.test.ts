/** bashArithError(): bash 5.2's words for an arithmetic error (recorded from Debian 12's bash) */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bashArithError } from "../../../src/shell/arith.ts";

const none = (): undefined => undefined;

test("division by 0 points at the right operand, to the end of the expression", () => {
  const cases: [string, string][] = [
    ["1/0", '1/0: division by 0 (error token is "0")'],
    ["1/0 + 3", '1/0 + 3: division by 0 (error token is "0 + 3")'],
    [" 1 / 0 ", '1 / 0 : division by 0 (error token is "0 ")'],
    ["(1/0)+2", '(1/0)+2: division by 0 (error token is "0)+2")'],
    ["5%0", '5%0: division by 0 (error token is "0")'],
    ["3/(2-2)*4", '3/(2-2)*4: division by 0 (error token is "(2-2)*4")'],
    ["4/0/2", '4/0/2: division by 0 (error token is "0/2")'],
    ["7/(0)", '7/(0): division by 0 (error token is "(0)")'],
  ];
  for (const [e, want] of cases) assert.equal(bashArithError(e, none), want, e);
});

test("the other errors take the last token read", () => {
  const cases: [string, string][] = [
    ["2**-1", '2**-1: exponent less than 0 (error token is "1")'],
    ["2 +", '2 +: syntax error: operand expected (error token is "+")'],
    ["2 + ", '2 + : syntax error: operand expected (error token is "+ ")'],
    ["08", '08: value too great for base (error token is "08")'],
    ["x=", 'x=: syntax error: operand expected (error token is "=")'],
    ["1 2", '1 2: syntax error in expression (error token is "2")'],
    ["a b", 'a b: syntax error in expression (error token is "b")'],
    ["10#9a", '10#9a: value too great for base (error token is "10#9a")'],
    ["2#3", '2#3: value too great for base (error token is "2#3")'],
    ["1/0;", '1/0;: syntax error: invalid arithmetic operator (error token is ";")'],
    ["1=2", '1=2: attempted assignment to non-variable (error token is "=2")'],
    ["i++ +", 'i++ +: syntax error: operand expected (error token is "+")'],
  ];
  for (const [e, want] of cases) assert.equal(bashArithError(e, none), want, e);
});

test("variables are read as expressions; nothing is assigned; no error, no message", () => {
  const vars: Record<string, string> = { y: "0", z: "1/0", n: "5" };
  const get = (name: string): string | undefined => vars[name];
  assert.equal(bashArithError("10/y", get), '10/y: division by 0 (error token is "y")');
  assert.equal(bashArithError("z + 1", get), 'z: division by 0 (error token is "0")'.replace("z:", "1/0:"));
  assert.equal(bashArithError("n/(n-5)", get), 'n/(n-5): division by 0 (error token is "(n-5)")');
  assert.equal(bashArithError("y=2, 4/y", get), undefined);
  assert.equal(vars.y, "0");
  assert.equal(bashArithError("0 && 1/0", get), undefined);
  assert.equal(bashArithError("1 ? 2 : 1/0", get), undefined);
  assert.equal(bashArithError("++5 + 0x1f + 64#@@ + 2#101", get), undefined);
  assert.equal(bashArithError("n++ + ++n", get), undefined);
});

test("a constant's error sees the text only up to the constant's end", () => {
  assert.equal(bashArithError(" 08 ", none), '08: value too great for base (error token is "08")');
  assert.equal(bashArithError("1 + 08 + 2", none), '1 + 08: value too great for base (error token is "08")');
});
