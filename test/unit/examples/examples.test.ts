/**
 * Every examples/*.lab runs through the library API (runLabText) and keeps the promises its
 * comments make. A comment line `#? …` applies to the next command of the lab:
 *
 *   #? exit 2                 the command exits 2 (a command without `#? exit` must exit 0)
 *   #? "0% packet loss"       its stdout+stderr contain this text (a JSON string)
 *   #? todo "…" / todo exit N what Linux prints but tuxnet does not yet: reported as TODO
 *
 * `#?` lines are ordinary comments to labtool.py and `tuxnet run`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runLabText, type Entry } from "../../../src/index.ts";
import { joinContinuations } from "../../../src/lab/parse.ts";

const dir = join(fileURLToPath(import.meta.url), "..", "..", "..", "..", "examples");

interface Promised {
  exit?: number;
  has: string[];
  todoExit?: number;
  todoHas: string[];
}

/** the `#?` promises per step, in the order parseLab (labtool's Lab._parse) makes steps */
export function labPromises(text: string): Promised[] {
  const joined = joinContinuations(text);
  const out: Promised[] = [];
  let pending: Promised = { has: [], todoHas: [] };
  for (const line of joined) {
    const s = line.trim();
    if (!s) continue;
    if (s.startsWith("#?")) {
      let rest = s.slice(2).trim();
      const todo = rest.startsWith("todo ");
      if (todo) rest = rest.slice(5).trim();
      const ex = /^exit (\d+)$/.exec(rest);
      if (ex) {
        if (todo) pending.todoExit = Number(ex[1]);
        else pending.exit = Number(ex[1]);
      } else if (rest.startsWith('"')) {
        const str = JSON.parse(rest) as string;
        (todo ? pending.todoHas : pending.has).push(str);
      } else throw new Error(`bad promise: ${s}`);
      continue;
    }
    if (s.startsWith("#")) continue;
    const m = /^@([A-Za-z0-9_.-]+)\s*(.*)$/.exec(s);
    if (m && !m[2]) continue;
    out.push(pending);
    pending = { has: [], todoHas: [] };
  }
  return out;
}

function where(name: string, i: number, e: Entry): string {
  return `${name} step ${i + 1} @${e.host}: ${e.cmd}\n--- stdout\n${e.stdout}--- stderr\n${e.stderr}`;
}

const labs = readdirSync(dir).filter((f) => f.endsWith(".lab")).sort();

test("examples/ has labs", () => {
  assert.ok(labs.length >= 10, labs.join(" "));
});

for (const f of labs) {
  test(`examples/${f}`, async (t) => {
    const text = readFileSync(join(dir, f), "utf8");
    const promises = labPromises(text);
    const entries = await runLabText(text, { name: f.replace(/\.lab$/, "") });
    assert.equal(entries.length, promises.length, "one transcript entry per command");
    const failures: string[] = [];
    const todos: string[] = [];
    entries.forEach((e, i) => {
      const p = promises[i]!;
      const out = e.stdout + e.stderr;
      const want = p.exit ?? 0;
      if (e.exit !== want) failures.push(`exit ${e.exit}, promised ${want}: ${where(f, i, e)}`);
      for (const h of p.has) if (!out.includes(h)) failures.push(`missing ${JSON.stringify(h)}: ${where(f, i, e)}`);
      if (p.todoExit !== undefined && e.exit !== p.todoExit) todos.push(`exit ${e.exit}, Linux gives ${p.todoExit}: ${e.cmd}`);
      for (const h of p.todoHas) if (!out.includes(h)) todos.push(`missing ${JSON.stringify(h)}: ${e.cmd}`);
    });
    if (todos.length) await t.test("known gaps (Linux prints what tuxnet does not yet)", { todo: todos.join("\n") }, () => {
      assert.fail(todos.join("\n"));
    });
    assert.deepEqual(failures, [], failures.join("\n\n"));
  });
}
