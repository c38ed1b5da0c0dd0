/** quotef() against GNU cat 9.1's error messages in the C locale (cat -- NAME on Debian 12). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { quotef } from "../../../src/userland/lib/quotearg.ts";

test("quotef: names as GNU tools quote them in errors", () => {
  const cases: [string, string][] = [
    ["a=b", "'a=b'"], ["a@b", "a@b"], ["ff:ff", "'ff:ff'"], ["", "''"], ["a b", "'a b'"], ["a'b", `"a'b"`],
    ["a^b", "'a^b'"], ["a~", "a~"], ["~a", "'~a'"], ["a#", "a#"], ["#a", "'#a'"], ["a{", "a{"], ["{", "'{'"],
    ["a]", "a]"], ["a[", "'a['"], ["a%+,-./_", "a%+,-./_"], ["x!", "'x!'"], ["é", "''$'\\303\\251'"],
    ["a\tb", "'a'$'\\t''b'"], ["a$b", "'a$b'"], ["a*", "'a*'"],
  ];
  for (const [name, q] of cases) assert.equal(quotef(name), q, JSON.stringify(name));
});
