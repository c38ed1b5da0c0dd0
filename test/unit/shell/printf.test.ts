/** printfScan(): printf.def's reading of a format, for what just-bash's printf does not do */
import { test } from "node:test";
import assert from "node:assert/strict";
import { printfScan, printfWarnings } from "../../../src/shell/printf.ts";

test("length modifiers are skipped; the arguments one use of the format takes", () => {
  const s = printfScan("%ld|%-6lu|%05hhd|%zu %jd %td %Lg %lc%%\\n");
  assert.equal(s.fmt, "%d|%-6u|%05d|%u %d %d %g %c%%\\n");
  assert.equal(s.perPass, 8);
  assert.equal(s.error, undefined);
  // * widths and precisions take an argument each
  assert.equal(printfScan("%*.*f %s").perPass, 4);
  assert.equal(printfScan("no directives").perPass, 0);
});

test("a directive without its conversion character, or with an invalid one", () => {
  assert.deepEqual(printfScan("ab%5.3").error, { at: 2, args: 0, message: "printf: `%5.3': missing format character\n" });
  assert.deepEqual(printfScan("%s %").error, { at: 3, args: 1, message: "printf: `%': missing format character\n" });
  assert.deepEqual(printfScan("%s %*").error, { at: 3, args: 1, message: "printf: `%*': missing format character\n" });
  assert.deepEqual(printfScan("%s %y\\n").error, { at: 3, args: 1, message: "printf: `y': invalid format character\n" });
  assert.equal(printfScan("%s %y").fmt.slice(0, 3), "%s ");
  // a length modifier at the end is still a missing character; %% is not a directive
  assert.equal(printfScan("%l").error?.message, "printf: `%l': missing format character\n");
  assert.equal(printfScan("100%%").error, undefined);
});

test("%Q is %q of the argument cut to the precision; %(…)T passes", () => {
  const s = printfScan("%5Q|%-5.1Q|%.2Q");
  assert.equal(s.fmt, "%5q|%-5q|%q");
  assert.deepEqual(s.cut, [{ slot: 1, prec: 1 }, { slot: 2, prec: 2 }]);
  assert.equal(printfScan("%(%Y)T %s").fmt, "%(%Y)T %s");
  assert.equal(printfScan("%(%Y)T %s").perPass, 2);
});

test("\\x and \\u without digits warn; other escapes pass as they are", () => {
  assert.deepEqual(printfScan("a\\xZ\\u!\\U\\x41\\\\x").warnings, [
    "printf: missing hex digit for \\x\n",
    "printf: missing unicode digit for \\u\n",
    "printf: missing unicode digit for \\U\n",
  ]);
  assert.equal(printfScan("a\\xZ").fmt, "a\\xZ");
});

test("%b arguments' escapes warn where bash meets them, once per use of the format", () => {
  const s = printfScan("\\x%b|\\u\\n");
  assert.deepEqual(s.warnings, ["printf: missing hex digit for \\x\n", 0, "printf: missing unicode digit for \\u\n"]);
  assert.equal(
    printfWarnings(s, ["a\\xq", "ok"], 2),
    "printf: missing hex digit for \\x\n".repeat(2) + "printf: missing unicode digit for \\u\n" + "printf: missing hex digit for \\x\n" + "printf: missing unicode digit for \\u\n",
  );
  assert.equal(printfWarnings(printfScan("%b"), ["\\x41\\\\x"], 1), "");
});
