/**
 * History expansion as an interactive bash 5.2 does it: every expected line below is what
 * `bash --norc -i` printed for the same input (expansions shown on stderr, errors as
 * `bash: …`), line by line, each line added to the history once expanded.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { History, historyBuiltin, historyExpand } from "../../../src/shell/history.ts";

/** feed lines as an interactive shell reads them: [line, code, expansion or error] */
function session(steps: [string, number, string?][]): void {
  const h = new History();
  for (const [line, code, want] of steps) {
    const r = historyExpand(line, h);
    assert.equal(r.code, code, `${line}: ${r.text}`);
    if (want !== undefined) assert.equal(r.text, want, line);
    if (r.code >= 0) h.add(r.text);
  }
}

test("events, word designators and what bash leaves alone", () => {
  session([
    ["echo a", 0],
    ["ls /nosuch", 0],
    ["history", 0],
    ["!!", 1, "history"],
    ["echo !$", 1, "echo history"],
    ["!ec", 1, "echo history"],
    ["!-2", 1, "echo history"],
    ["!nosuch", -1, "!nosuch: event not found"],
    ["echo $?", 0],
    ['echo "hi!"', 0],
    ["echo hi! there", 0],
    ["[ ! -f x ] && echo neg", 0],
    ["echo $! ${!x} x=!", 0],
    ["echo '!!' \\!! # !!", 0],
    ["!?nosuch?", 1, "ls /nosuch"],
    ["^hi^yo^", -1, ":s^hi^yo^: substitution failed"],
    ["echo one two three", 0],
    ["echo !*", 1, "echo one two three"],
    ["echo !^ !:2", 1, "echo one two"],
    ["!!:p", 2, "echo one two"],
    ["^one^1^", 1, "echo 1 two"],
    ["echo !3", 1, "echo history"],
    ["echo !999", -1, "!999: event not found"],
  ]);
});

test("modifiers: substitution, paths, quoting; !# and bad specifiers", () => {
  session([
    ["echo a b c", 0],
    ["!!:0 !!:$ x", 1, "echo c x"],
    ["!!:s/x/y/", 1, "echo c y"],
    ["!!:gs/a/A/", -1, ":gs/a/A/: substitution failed"],
    ["!echo:p", 2, "echo c y"],
    ["ls /etc/hosts.d", 0],
    ["!!:h", 1, "ls /etc"],
    ["!!:t", 1, "etc"],
    ["echo ~/f.tar.gz", 0],
    ["echo !$:r !$:e !$:h !$:t", 1, "echo ~/f.tar .gz ~ f.tar.gz"],
    ["!!:q", 1, "'echo ~/f.tar .gz ~ f.tar.gz'"],
    ["!-1:x", 1, "''\\''echo' '~/f.tar' '.gz' '~' 'f.tar.gz'\\'''"],
    ["echo !#", 1, "echo echo "],
    ["!:1-2", -1, ":1-2: bad word specifier"],
    ["!!:5", -1, ":5: bad word specifier"],
    ["!!:z", -1, "z: unrecognized history modifier"],
  ]);
});

test("the history builtin: numbering, -s replacing its own line, -p, -d", async () => {
  const h = new History();
  const io = { readFile: async () => undefined, writeFile: async () => true, histfile: undefined, remembering: true };
  for (const l of ["echo a", "ls /nosuch", "history -s fake line"]) h.add(l);
  await historyBuiltin(h, ["-s", "fake", "line"], io);
  h.add("history 4");
  const r = await historyBuiltin(h, ["4"], io);
  assert.equal(r.stdout, "    1  echo a\n    2  ls /nosuch\n    3  fake line\n    4  history 4\n");
  h.add("history -d 99");
  assert.deepEqual(await historyBuiltin(h, ["-d", "99"], io), { stdout: "", stderr: "bash: history: 99: history position out of range\n", exitCode: 1 });
  h.add("history -p !!");
  assert.equal((await historyBuiltin(h, ["-p", "!!"], io)).stdout, "history -d 99\n");
  assert.equal(h.lines.length, 5);
});
