/**
 * Where output goes, in time order.
 *
 * just-bash collects each command's stdout and stderr as two strings and combines them when
 * the command ends, so on its own a line prints stdout before stderr under `2>&1`, and a
 * background job's output only when it ends. Real bash has one file per descriptor, written
 * to as things happen. This file closes the gap:
 *
 * - A transform plugin (`outputPlugin`) follows, at parse time, where fds 1 and 2 of every
 *   command point: to the exec's own stdout/stderr ("1", "2": *direct*) or somewhere else
 *   (a file, a pipe, a command substitution). It rewrites each tool command `NAME ARGS` into
 *   `__tool FLAGS NAME ARGS` (or `__tool.FLAGS.NAME ARGS`), FLAGS saying where the tool's
 *   stdout and stderr go (so a tool under `2>&1` writes both into one ordered stream), and
 *   whether a `| head -N` reads its stdout (a write after head is gone is SIGPIPE).
 * - A top-level line has an `OutLog`: direct tool writes (also from background jobs, and
 *   from children of `ip netns exec`, `timeout`) are appended to it as they happen. Builtins
 *   (echo …) still write into just-bash's result; after every direct statement the plugin
 *   puts `__mark $? OUT ERR`, which prints a sentinel and records its place in the log, so
 *   the result text between two sentinels is put back where it was written.
 * - The route of an exec (which log, which log fd its fds 1 and 2 feed, which pipe limit) is
 *   the environment variable IO_VAR, set by whoever starts the exec.
 */
import type { TransformPlugin, WordNode } from "just-bash";
import { internal, internalName, isNode, literalOf, paramWord, simpleStatement, word, type AnyNode } from "./ast.ts";
import type { Killer } from "./killsignal.ts";

/** the environment variable carrying an exec's output route: `LOG:OE:PIPE` */
export const IO_VAR = "TUXNET_IO";

const S0 = "\uE000";
const S1 = "\uE001";
const SENTINEL = /\uE000(\d+)\uE001/g;
export const sentinel = (id: number) => `${S0}${id}${S1}`;
export const stripSentinels = (s: string) => (s.includes(S0) ? s.replace(SENTINEL, "") : s);

type Fd = 1 | 2;

interface Entry {
  fd: Fd;
  text: string;
}

/** one line's output, both descriptors, in the order it was written */
export class OutLog {
  private entries: Entry[] = [];
  private marks = new Map<number, Entry>();
  private nextMark = 1;
  open = true;

  write(fd: Fd, text: string): void {
    if (text) this.entries.push({ fd, text });
  }

  /** a place in the log the result text up to the matching sentinel goes to */
  mark(fd: Fd): number {
    const id = this.nextMark++;
    const e: Entry = { fd, text: "" };
    this.entries.push(e);
    this.marks.set(id, e);
    return id;
  }

  /** put an exec's result text for `fd` back: each piece where its sentinel's mark is */
  splice(fd: Fd, text: string): void {
    if (!text.includes(S0)) {
      this.write(fd, text);
      return;
    }
    let last = 0;
    for (const m of text.matchAll(SENTINEL)) {
      const seg = text.slice(last, m.index);
      last = m.index + m[0].length;
      const e = this.marks.get(Number(m[1]));
      if (e) {
        e.text = seg;
        this.marks.delete(Number(m[1]));
      } else this.write(fd, seg);
    }
    this.write(fd, text.slice(last));
  }

  text(fd: Fd): string {
    let s = "";
    for (const e of this.entries) if (e.fd === fd) s += e.text;
    return s;
  }

  /** both fds as a terminal shows them, in the order written; `fix` rewrites each piece */
  combined(fix: (fd: Fd, text: string) => string = (_fd, t) => t): string {
    let s = "";
    for (const e of this.entries) if (e.text) s += fix(e.fd, e.text);
    return s;
  }
}

/** `| head -N` after a producer: after N lines, a write at a later time gets SIGPIPE */
export class PipeLimit {
  lines = 0;
  /** simulated time the reader got its N-th line (head exits right after) */
  fullAt: number | undefined;
  broken = false;
  /** the writers to signal when the pipe breaks */
  readonly kills = new Set<Killer>();
  constructor(readonly max: number) {}

  /** has the reader gone by `now` (it got its lines before)? then the pipe is broken and its
   * writers are signalled */
  readerGone(now: number): boolean {
    if (this.broken) return true;
    if (this.fullAt === undefined || now <= this.fullAt) return false;
    this.broken = true;
    for (const k of this.kills) k.abort();
    return true;
  }

  /** may `s` be written at time `now`? counts its lines; false once the pipe is broken */
  accept(s: string, now: number): boolean {
    if (this.readerGone(now)) return false;
    for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) this.lines++;
    if (this.fullAt === undefined && this.lines >= this.max) this.fullAt = now;
    return true;
  }
}

/** where an exec's fd 1 and fd 2 go: a log fd, or its own result ("-") */
export interface Route {
  log: string;
  o: "1" | "2" | "-";
  e: "1" | "2" | "-";
  pipe: string;
}

/** the route last parsed: every command of a line reads the same one (twice per tool run) */
let lastRouteVar = "";
let lastRoute: Readonly<Route> | undefined;

export function parseRoute(v: string | undefined): Readonly<Route> | undefined {
  if (!v) return undefined;
  // (a pure function of the string; the route is frozen, so a caller cannot change it)
  if (v === lastRouteVar && lastRoute) return lastRoute;
  const [log = "", oe = "--", pipe = ""] = v.split(":");
  lastRouteVar = v;
  return (lastRoute = Object.freeze({ log, o: (oe[0] ?? "-") as Route["o"], e: (oe[1] ?? "-") as Route["e"], pipe }));
}

export function formatRoute(r: Route): string {
  return `${r.log}:${r.o}${r.e}:${r.pipe}`;
}

/**
 * `__tool` FLAGS: stdout dest then stderr dest, each "1"/"2" (the exec's fd, direct), "r"
 * (the tool's own result), "f" (a file the tool writes as it goes: `@!E` (where fd 2 was
 * before the redirections) and `@1> WORD` / `@2>> WORD` arguments follow FLAGS), "n"
 * (/dev/null), stderr also "o" (where stdout goes: `2>&1` into a file or a pipe); then
 * optionally "c" (clean: no result text can be unplaced on its direct fds as it starts, so it
 * puts no sentinel there: DirtyFlow.clean()); then optionally `h<N>` (a `head -N` reads stdout).
 */
export interface ToolFlags {
  out: "1" | "2" | "r" | "f" | "n";
  err: "1" | "2" | "r" | "o" | "f" | "n";
  clean: boolean;
  head: number | undefined;
}

/** FLAGS as read (a script's few are read again at every tool run) */
const flagsRead = new Map<string, ToolFlags>();

export function parseFlags(f: string): ToolFlags {
  const known = flagsRead.get(f);
  if (known) return known;
  const m = /^([12rfn])([12rofn])(c?)(?:h(\d+))?$/.exec(f);
  const flags: ToolFlags = m
    ? { out: m[1] as ToolFlags["out"], err: m[2] as ToolFlags["err"], clean: m[3] === "c", head: m[4] ? Number(m[4]) : undefined }
    : { out: "r", err: "r", clean: false, head: undefined };
  if (flagsRead.size < 256) flagsRead.set(f, Object.freeze(flags));
  return flags;
}

// ---------------------------------------------------------------------------------------
// the transform plugin


/** a command name as written, `[` included (a lone bracket parses as a glob and stays itself) */
function commandName(w: unknown): string | undefined {
  if (isNode(w) && w.type === "Word" && Array.isArray(w.parts) && w.parts.length === 1) {
    const p = w.parts[0] as AnyNode;
    if (p.type === "Glob" && p.pattern === "[") return "[";
  }
  return literalOf(w);
}

/** where each fd points: "1"/"2" = the exec's own fds, "xN" = anything else */
type Fds = Map<number, string>;

/** the fds after a redirection list (bash applies them left to right); `fresh` names a new
 * place that is not one of the exec's fds */
function applyRedirections(fds: Fds, reds: AnyNode[], fresh: () => string): Fds {
  if (!reds.length) return fds;
  const out = new Map(fds);
  for (const r of reds) {
    const op = String(r.operator);
    if (op === "&>" || op === "&>>") {
      const x = fresh();
      out.set(1, x);
      out.set(2, x);
      continue;
    }
    const fd = typeof r.fd === "number" ? r.fd : op.startsWith("<") ? 0 : 1;
    if (op === ">&" || op === "<&") {
      const t = literalOf(r.target);
      if (t !== undefined && /^\d+$/.test(t)) out.set(fd, out.get(Number(t)) ?? fresh());
      else if (op === ">&" && r.fd === null && t !== "-") {
        // `>& file` is `&> file`
        const x = fresh();
        out.set(1, x);
        out.set(2, x);
      } else out.set(fd, fresh());
      continue;
    }
    if (op === "<" || op === "<<" || op === "<<-" || op === "<<<") {
      if (fd !== 0) out.set(fd, fresh());
      continue;
    }
    out.set(fd, fresh());
  }
  return out;
}

const isDirect = (d: string | undefined): d is "1" | "2" => d === "1" || d === "2";
/**
 * Dirty bits 4 (stdout) and 8 (stderr): text the script did not write may be unplaced there
 * (it was written before the script in the same exec). Sentinels place it as they place the
 * script's own (bits 1 and 2), so they clear both (`bits * 5`); only a tool's own sentinels
 * are decided by them (DirtyFlow.clean()), never where a `__mark` goes.
 */
const UNKNOWN_START = 4 | 8;

/** the dirty bit of an exec fd a write lands on (0: not one of the exec's fds) */
const bitOf = (d: string | undefined): number => (d === "1" ? 1 : d === "2" ? 2 : 0);

/** builtins that write nothing, and those that write only error messages (stderr) */
const SILENT = new Set([":", "true", "false", internalName("__session"), internalName("__fstatus")]);
const STDERR_ONLY = new Set(["[", "test", "continue", "break", "return", "exit", "shift", "unset", "export", "local", "readonly", "let"]);

/** `__fstatus "${PIPESTATUS[0]}" …` (procwrite.ts): reads the status of the pipeline just before
 * it, so no mark may come between them */
const isFstatus = (st: AnyNode): boolean => commandName(((st.pipelines as AnyNode[] | undefined)?.[0]?.commands as AnyNode[] | undefined)?.[0]?.name) === internalName("__fstatus");

/**
 * Where unplaced result text may be. Builtins (echo …) write into just-bash's result, which
 * is spliced into the log at sentinels; a direct write to the log (a tool, a job while time
 * passes) must come after the sentinel of everything written before it. The text written
 * since the last sentinel is "dirty" (bit 1: the exec's stdout, bit 2: its stderr); a
 * `__tool` puts a sentinel on each of its direct fds as it starts (shell.ts), a `__mark` on
 * both. This pass follows the dirty bits through the script (loops to a fixpoint) and says
 * which time-spending statements still need a `__mark` before them: those whose first tool
 * does not cover what may be dirty then. (A tool in a loop that cleans up after builtins in
 * the same loop saves a just-bash command per iteration.)
 */
class DirtyFlow {
  private readonly need = new WeakSet<object>();
  /** the tool commands met (not in a look-ahead): true once one was met with text that may be
   * unplaced on one of its direct fds, in any turn of a loop */
  private readonly toolDirty = new WeakMap<object, boolean>();
  private other = 0;
  /** in switches()' look ahead: decide nothing */
  private dry = false;
  constructor(
    private readonly isTool: (name: string) => boolean,
    /** may the script have marks at all (wantsMarks()) */
    private readonly allowed: boolean,
  ) {}

  needsMark(st: AnyNode): boolean {
    return this.need.has(st);
  }

  /** can no result text be unplaced on tool command `c`'s direct fds as it starts? Then its
   * sentinels would mark nothing ("c" in its flags). A command this pass never met (a
   * function's body) may be reached with anything unplaced. */
  clean(c: AnyNode): boolean {
    return this.toolDirty.get(c) === false;
  }

  private fresh = (): string => `y${++this.other}`;

  list(list: unknown, fds: Fds, markable: boolean, d: number): number {
    if (!Array.isArray(list)) return d;
    const direct = bitOf(fds.get(1)) | bitOf(fds.get(2));
    const mark = markable && direct !== 0;
    for (const st of list as AnyNode[]) {
      if (mark && !isFstatus(st) && ((spendsTime(st, this.isTool) && d & direct & ~this.cover(st, fds)) || this.switches(st, fds, d & direct))) {
        if (!this.dry) this.need.add(st);
        d &= ~(direct * 5);
      }
      d = this.statement(st, fds, d);
    }
    return d;
  }

  /**
   * Would result text of `st` go to one direct fd while the other holds unplaced text
   * (`dirty`)? Then a mark goes before it, or the terminal would show `echo a; ls /nosuch;
   * echo c` as a, c, then the error: the result keeps stdout and stderr apart.
   */
  private switches(st: AnyNode, fds: Fds, dirty: number): boolean {
    if (dirty === 0) return false;
    // what it leaves unplaced, started clean (a dry run: nothing it decides is kept)
    const saved = this.dry;
    this.dry = true;
    const w = this.statement(st, fds, 0) & (bitOf(fds.get(1)) | bitOf(fds.get(2)));
    this.dry = saved;
    return w !== 0 && (w | dirty) === 3;
  }

  private statement(st: AnyNode, fds: Fds, d: number): number {
    const ps = (st.pipelines as AnyNode[]) ?? [];
    let out = -1;
    for (const p of ps) {
      // `a && b || c`: a later pipeline may not run
      d = this.pipeline(p, fds, d);
      out = out < 0 ? d : out | d;
    }
    return out < 0 ? d : out;
  }

  private pipeline(p: AnyNode, fds: Fds, d: number): number {
    const cmds = (p.commands as AnyNode[]) ?? [];
    const pipeStderr = (p.pipeStderr as boolean[] | undefined) ?? [];
    for (let i = 0; i < cmds.length; i++) {
      let f = fds;
      if (i < cmds.length - 1) {
        const x = this.fresh();
        f = new Map(fds);
        f.set(1, x);
        if (pipeStderr[i]) f.set(2, x);
      }
      d = this.command(cmds[i]!, f, d);
    }
    return d;
  }

  /** the bits the statement's first command places itself: a tool, first to run */
  private cover(st: AnyNode, fds: Fds): number {
    const p = ((st.pipelines as AnyNode[]) ?? [])[0];
    const c = p && ((p.commands as AnyNode[]) ?? [])[0];
    if (!c) return 0;
    const f = ((p.commands as AnyNode[]).length > 1 ? new Map(fds).set(1, "pipe") : fds);
    const inner = applyRedirections(f, (c.redirections as AnyNode[]) ?? [], this.fresh);
    if (c.type === "SimpleCommand") {
      const name = literalOf(c.name);
      if (name === undefined || !this.isTool(name)) return 0;
      // files the tool writes itself are not the exec's fds
      const files = name === "timeout" ? undefined : fileRedirections((c.redirections as AnyNode[]) ?? []);
      const o = files?.out ? "f" : inner.get(1);
      const e = files?.err ? "f" : inner.get(2);
      return bitOf(o) | bitOf(e);
    }
    const first = (l: unknown) => (Array.isArray(l) && isNode(l[0]) ? this.cover(l[0] as AnyNode, inner) : 0);
    switch (c.type) {
      case "If":
        return first(((c.clauses as AnyNode[]) ?? [])[0]?.condition);
      case "While":
      case "Until":
        return first(c.condition);
      case "Group":
      case "Subshell":
        return first(c.body);
      default:
        return 0;
    }
  }

  private command(c: AnyNode, fds: Fds, d: number): number {
    const reds = (c.redirections as AnyNode[]) ?? [];
    d = this.words(reds, fds, d);
    if (c.type === "SimpleCommand") return this.simple(c, fds, d);
    const inner = applyRedirections(fds, reds, this.fresh);
    // (none anywhere in a script that may not have them: wantsMarks())
    const markable = this.allowed && (isDirect(inner.get(1)) || isDirect(inner.get(2)));
    switch (c.type) {
      case "Group":
      case "Subshell":
        return this.list(c.body, inner, markable, d);
      case "If": {
        let out = 0;
        for (const cl of (c.clauses as AnyNode[]) ?? []) {
          d = this.list(cl.condition, inner, false, d);
          out |= this.list(cl.body, inner, markable, d);
        }
        return out | this.list(c.elseBody, inner, markable, d);
      }
      case "For":
      case "CStyleFor":
        return this.loop(inner, this.words(c.words, inner, d), (s) => s, (s) => this.list(c.body, inner, markable, s));
      case "While":
      case "Until":
        return this.loop(inner, d, (s) => this.list(c.condition, inner, false, s), (s) => this.list(c.body, inner, markable, s));
      case "Case": {
        d = this.words(c.word, inner, d);
        let out = d;
        for (const it of (c.items as AnyNode[]) ?? []) out |= this.list(it.body, inner, markable, d);
        return out;
      }
      case "FunctionDef":
        // runs later, wherever it is called (a call is a command that may write anything)
        return d;
      default:
        return this.words(c, inner, d);
    }
  }

  /** a loop: the body starts from what came before or from its own end, to a fixpoint */
  private loop(_fds: Fds, d: number, cond: (s: number) => number, body: (s: number) => number): number {
    let start = d;
    for (;;) {
      const end = body(cond(start));
      if ((start | end) === start) return cond(start);
      start |= end;
    }
  }

  private simple(c: AnyNode, fds: Fds, d: number): number {
    d = this.words(c.assignments, fds, d);
    d = this.words(c.args, fds, d);
    if (c.name === null || c.name === undefined) return d;
    d = this.words(c.name, fds, d);
    const f = applyRedirections(fds, (c.redirections as AnyNode[]) ?? [], this.fresh);
    const name = commandName(c.name);
    if (name !== undefined && this.isTool(name)) {
      // it writes to the log directly, after a sentinel on each direct fd of its own
      const files = name === "timeout" ? undefined : fileRedirections((c.redirections as AnyNode[]) ?? []);
      const o = files?.out ? "f" : f.get(1);
      const e = files?.err ? "f" : f.get(2);
      const bits = bitOf(o) | bitOf(e);
      if (!this.dry) this.toolDirty.set(c, this.toolDirty.get(c) === true || (d & (bits * 5)) !== 0);
      return d & ~(bits * 5);
    }
    if (name !== undefined && SILENT.has(name)) return d;
    if (name !== undefined && STDERR_ONLY.has(name)) return d | bitOf(f.get(2));
    return d | bitOf(f.get(1)) | bitOf(f.get(2));
  }

  /** command substitutions inside words: their stdout is captured, stderr is ours */
  private words(n: unknown, fds: Fds, d: number): number {
    if (Array.isArray(n)) {
      for (const x of n) d = this.words(x, fds, d);
      return d;
    }
    if (!isNode(n)) return d;
    if (n.type === "CommandSubstitution" || n.type === "ProcessSubstitution") {
      const body = n.body as AnyNode;
      const f: Fds = new Map([
        [1, this.fresh()],
        [2, fds.get(2) ?? this.fresh()],
      ]);
      return isNode(body) ? this.list(body.statements, f, false, d) : d;
    }
    for (const k of Object.keys(n)) {
      if (k === "type") continue;
      const v = n[k];
      if (isNode(v)) d = this.words(v, fds, d);
    }
    return d;
  }
}

/**
 * The shell's command for tool NAME run with FLAGS (`__tool.FLAGS.NAME`, registered on first
 * use): the tool's words stay the command's own (just-bash expands each argument word through
 * a long chain of async steps; two more per tool run were a sixth of what it cost).
 */
export type ToolCommand = (flags: string, name: string) => string;

class Walker {
  private other = 0;
  marks = false;
  constructor(
    private readonly isTool: (name: string) => boolean,
    private readonly flow: DirtyFlow,
    private readonly toolCommand: ToolCommand | undefined,
    /** may the script have marks at all (wantsMarks()) */
    private readonly allowed: boolean,
  ) {}

  private fresh(): string {
    return `x${++this.other}`;
  }

  /** the fds after a redirection list (bash applies them left to right) */
  private apply(fds: Fds, reds: AnyNode[]): Fds {
    return applyRedirections(fds, reds, () => this.fresh());
  }

  private direct(d: string | undefined): d is "1" | "2" {
    return d === "1" || d === "2";
  }

  statements(list: unknown, fds: Fds, markable: boolean): void {
    if (!Array.isArray(list)) return;
    const o = fds.get(1);
    const e = fds.get(2);
    const mark = markable && (this.direct(o) || this.direct(e));
    // a mark goes before each statement that may write to the log directly (a tool, a job,
    // time passing) when result text written before it may still be unplaced and the
    // statement's first tool does not place it itself (see DirtyFlow)
    for (let i = 0; i < list.length; i++) {
      const st = list[i] as AnyNode;
      if (mark && this.flow.needsMark(st)) {
        list.splice(i++, 0, this.markStatement(this.direct(o) ? o : "-", this.direct(e) ? (e === o ? "=" : e) : "-"));
        this.marks = true;
      }
      this.statement(st, fds);
    }
  }

  private markStatement(o: string, e: string): AnyNode {
    // `"$_"` last: bash's $_ stays what the statement before left
    return simpleStatement(internal("__mark"), [paramWord("?"), paramWord("-"), word(o + e), paramWord("_", true)]);
  }

  private statement(st: AnyNode, fds: Fds): void {
    for (const p of (st.pipelines as AnyNode[]) ?? []) this.pipeline(p, fds);
  }

  private pipeline(p: AnyNode, fds: Fds): void {
    const cmds = (p.commands as AnyNode[]) ?? [];
    const pipeStderr = (p.pipeStderr as boolean[] | undefined) ?? [];
    for (let i = 0; i < cmds.length; i++) {
      let f = fds;
      let head: number | undefined;
      if (i < cmds.length - 1) {
        const x = this.fresh();
        f = new Map(fds);
        f.set(1, x);
        if (pipeStderr[i]) f.set(2, x);
        head = headLimit(cmds[i + 1]!);
      }
      this.command(cmds[i]!, f, head);
    }
  }

  private command(c: AnyNode, fds: Fds, head: number | undefined): void {
    const reds = (c.redirections as AnyNode[]) ?? [];
    this.words(reds, fds);
    if (c.type === "SimpleCommand") return this.simple(c, fds, head);
    const inner = this.apply(fds, reds);
    const markable = this.allowed && (this.direct(inner.get(1)) || this.direct(inner.get(2)));
    switch (c.type) {
      case "Group":
      case "Subshell":
        return this.statements(c.body, inner, markable);
      case "If":
        // no marks in conditions: under set -e a mark returns 0, not the condition's status
        for (const cl of (c.clauses as AnyNode[]) ?? []) {
          this.statements(cl.condition, inner, false);
          this.statements(cl.body, inner, markable);
        }
        return this.statements(c.elseBody, inner, markable);
      case "For":
      case "CStyleFor":
        this.words(c.words, inner);
        return this.statements(c.body, inner, markable);
      case "While":
      case "Until":
        this.statements(c.condition, inner, false);
        return this.statements(c.body, inner, markable);
      case "Case":
        this.words(c.word, inner);
        for (const it of (c.items as AnyNode[]) ?? []) this.statements(it.body, inner, markable);
        return;
      case "FunctionDef": {
        // runs later, wherever it is called: its output goes into the result
        const x: Fds = new Map([
          [1, this.fresh()],
          [2, this.fresh()],
        ]);
        const body = c.body as AnyNode;
        if (isNode(body)) this.command(body, x, undefined);
        return;
      }
      default:
        this.words(c, inner);
    }
  }

  private simple(c: AnyNode, fds: Fds, head: number | undefined): void {
    this.words(c.assignments, fds);
    this.words(c.args, fds);
    const reds = (c.redirections as AnyNode[]) ?? [];
    const name = literalOf(c.name);
    if (name !== undefined && this.isTool(name)) {
      const files = name === "timeout" ? undefined : fileRedirections(reds);
      if (files) {
        // the tool writes its files itself, as it goes (a daemon's log, `nc -l > f &`), and
        // drops what goes to /dev/null
        const o = fds.get(1)!;
        const e = fds.get(2)!;
        const kind = (t: FileTarget) => (t.null ? "n" : "f");
        const out = files.out ? kind(files.out) : this.direct(o) ? o : "r";
        const err = files.err ? (files.err === files.out ? "o" : kind(files.err)) : this.direct(e) ? e : e === o ? "o" : "r";
        const flags = this.toolFlags(c, out, err, files.out ? undefined : head);
        c.redirections = [];
        const open = (t: FileTarget | undefined): t is FileTarget => t !== undefined && !t.null;
        // /dev/null alone: nothing to open
        if (!open(files.out) && !open(files.err)) return this.tool(c, flags, name);
        const redir = (fd: 1 | 2, t: FileTarget) => [word(`@${fd}${t.append ? ">>" : t.clobber ? ">|" : ">"}`), t.word as WordNode];
        c.args = [
          word(flags),
          // where bash's own message goes when a file cannot be opened: fd 2 as it was
          word(`@!${this.direct(e) ? e : "r"}`),
          // bash's `$-` as the files are opened (set -C: `>` does not overwrite)
          { type: "Word", parts: [{ type: "Literal", value: "@-" }, { type: "ParameterExpansion", parameter: "-", operation: null }] },
          ...(open(files.out) ? redir(1, files.out) : []),
          ...(open(files.err) && files.err !== files.out ? redir(2, files.err) : []),
          word(name),
          ...((c.args as WordNode[]) ?? []),
        ];
        c.name = internal("__tool");
        return;
      }
      const f = this.apply(fds, reds);
      const o = f.get(1)!;
      const e = f.get(2)!;
      const out = this.direct(o) ? o : "r";
      const err = this.direct(e) ? e : e === o ? "o" : "r";
      return this.tool(c, this.toolFlags(c, out, err, head), name);
    }
    // fds 1 and 2 are one stream: a command's own `>&2`/`2>&1` are no-ops, and `2>&1` makes
    // just-bash keep its stdout and stderr in one result (one command's worth of order)
    if (fds.get(1) === fds.get(2) && name !== internalName("__bg") && name !== internalName("__mark")) {
      const touches = reds.filter((r) => r.fd === 1 || r.fd === 2 || (r.fd === null && !String(r.operator).startsWith("<")));
      const dup = (r: AnyNode) => {
        const t = literalOf(r.target);
        return r.operator === ">&" && (t === "1" || t === "2") && Number(t) !== (r.fd ?? 1);
      };
      if (touches.every(dup)) {
        c.redirections = [
          { type: "Redirection", fd: 2, operator: ">&", target: word("1") },
          ...reds.filter((r) => !touches.includes(r)),
        ];
      }
    }
    if (name === internalName("__bg")) {
      // the job's fds 1 and 2: where this shell's are here
      const o = fds.get(1);
      const e = fds.get(2);
      (c.args as WordNode[]).push(word((this.direct(o) ? o : "-") + (this.direct(e) ? e : "-")));
    }
  }

  /** the FLAGS of tool command `c` (see ToolFlags) */
  private toolFlags(c: AnyNode, out: string, err: string, head: number | undefined): string {
    return out + err + (this.flow.clean(c) ? "c" : "") + (head !== undefined ? `h${head}` : "");
  }

  /** `__tool FLAGS NAME ARGS`, or the command of FLAGS and NAME when an argument is sure to
   * be a word of its own (bash's `$_` is the last one; with none it is the command's name) */
  private tool(c: AnyNode, flags: string, name: string): void {
    const args = (c.args as WordNode[]) ?? [];
    if (this.toolCommand && args.some((a) => literalOf(a) !== undefined)) {
      c.name = word(this.toolCommand(flags, name));
      return;
    }
    c.args = [word(flags), word(name), ...args];
    c.name = internal("__tool");
  }

  /** command substitutions inside words: their stdout is captured, stderr is ours */
  private words(n: unknown, fds: Fds): void {
    if (Array.isArray(n)) {
      for (const x of n) this.words(x, fds);
      return;
    }
    if (!isNode(n)) return;
    if (n.type === "CommandSubstitution" || n.type === "ProcessSubstitution") {
      const body = n.body as AnyNode;
      const f: Fds = new Map([
        [1, this.fresh()],
        [2, fds.get(2) ?? this.fresh()],
      ]);
      if (isNode(body)) this.statements(body.statements, f, false);
      return;
    }
    for (const k of Object.keys(n)) {
      if (k === "type") continue;
      const v = n[k];
      if (isNode(v)) this.words(v, fds);
    }
  }
}

interface FileTarget {
  word: unknown;
  append: boolean;
  /** `>|`: over a file `set -C` would keep */
  clobber?: boolean;
  /** /dev/null: what goes there is dropped */
  null?: boolean;
}

/**
 * A tool's redirections when they send its stdout and/or stderr to files and do nothing
 * else (`> f`, `>> f`, `2> f`, `&> f`, `> f 2>&1`, /dev/null too): the files, applied left
 * to right as bash does; undefined for anything else (input, other fds, a dup before the
 * file, the kernel's files), which just-bash keeps doing after the tool ends.
 */
function fileRedirections(reds: AnyNode[]): { out?: FileTarget; err?: FileTarget } | undefined {
  if (!reds.length) return undefined;
  let out: FileTarget | undefined;
  let err: FileTarget | undefined;
  for (const r of reds) {
    const op = String(r.operator);
    const fd = typeof r.fd === "number" ? r.fd : null;
    if (op === ">&") {
      const t = literalOf(r.target);
      if ((fd === 2 && t === "1" && out) || ((fd === 1 || fd === null) && t === "2" && err)) {
        if (fd === 2) err = out;
        else out = err;
        continue;
      }
      return undefined;
    }
    if (op !== ">" && op !== ">>" && op !== ">|" && op !== "&>" && op !== "&>>") return undefined;
    const lt = literalOf(r.target);
    if (lt !== undefined && lt !== "/dev/null" && /^\/(proc|sys|dev)(\/|$)/.test(lt)) return undefined;
    const t: FileTarget = { word: r.target, append: op === ">>" || op === "&>>", ...(op === ">|" ? { clobber: true } : {}), ...(lt === "/dev/null" ? { null: true } : {}) };
    if (op === "&>" || op === "&>>") {
      if (fd !== null) return undefined;
      out = err = t;
    } else if (fd === 1 || fd === null) out = t;
    else if (fd === 2) err = t;
    else return undefined;
  }
  return out || err ? { ...(out ? { out } : {}), ...(err ? { err } : {}) } : undefined;
}

/** `head`, `head -N`, `head -n N`, `head -nN`, `head -n N` with literal args only */
function headLimit(c: AnyNode): number | undefined {
  if (c.type !== "SimpleCommand" || literalOf(c.name) !== "head") return undefined;
  const args = ((c.args as unknown[]) ?? []).map(literalOf);
  if (args.some((a) => a === undefined)) return undefined;
  const a = args as string[];
  if (a.length === 0) return 10;
  let m: RegExpExecArray | null;
  if (a.length === 1 && (m = /^-n?(\d+)$/.exec(a[0]!))) return Number(m[1]);
  if (a.length === 2 && (a[0] === "-n" || a[0] === "--lines") && /^\d+$/.test(a[1]!)) return Number(a[1]);
  return undefined;
}

/** a command that may write to the log directly or let time pass (other jobs write then) */
function timeCommand(n: AnyNode, isTool: (n: string) => boolean): boolean {
  // assignments alone (`x=$((x + 1))`) run no command: only what their words hold may
  if (n.name === null || n.name === undefined) return false;
  const name = commandName(n.name);
  return name === undefined || isTool(name) || name === internalName("__tool") || name.startsWith(internalName("__tool.")) || name === internalName("__bg") || name === internalName("__wait") || name === "sleep" || name === "bash" || name === "sh" || name === "source" || name === ".";
}

/** does anything in `n` spend simulated time (or write to the log directly)? */
function spendsTime(n: unknown, isTool: (n: string) => boolean): boolean {
  if (Array.isArray(n)) return n.some((x) => spendsTime(x, isTool));
  if (!isNode(n)) return false;
  if (n.type === "SimpleCommand" && timeCommand(n, isTool)) return true;
  for (const k of Object.keys(n)) if (k !== "type" && isNode(n[k]) && spendsTime(n[k], isTool)) return true;
  return false;
}

/** a statement of tools only, each a pipeline of one, unredirected: it leaves no result text */
function bareTools(st: AnyNode, isTool: (n: string) => boolean): boolean {
  if (st.background) return false;
  const ps = (st.pipelines as AnyNode[]) ?? [];
  return ps.length > 0 && ps.every((p) => {
    const cs = (p.commands as AnyNode[]) ?? [];
    if (cs.length !== 1) return false;
    const c = cs[0]!;
    const name = literalOf(c.name);
    return c.type === "SimpleCommand" && name !== undefined && isTool(name) && !((c.redirections as unknown[]) ?? []).length && !((c.assignments as unknown[]) ?? []).length;
  });
}

/**
 * May marks go into the script: does it not read PIPESTATUS (which a mark would clobber)?
 * (DirtyFlow puts them where time passes or the output switches fds.)
 */
function wantsMarks(ast: AnyNode): boolean {
  let pipestatus = false;
  const visit = (n: unknown): void => {
    if (pipestatus) return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    if (!isNode(n)) return;
    if (n.type === "ParameterExpansion" && String(n.parameter).startsWith("PIPESTATUS")) pipestatus = true;
    // (the shell's own reader of it comes right after its pipeline: no mark goes there)
    if (n.type === "SimpleCommand" && commandName(n.name) === internalName("__fstatus")) return;
    for (const k of Object.keys(n)) if (k !== "type" && isNode(n[k])) visit(n[k]);
  };
  visit(ast);
  return !pipestatus;
}

/** the names of the functions a script defines, anywhere in it, into `into` */
function functionNames(n: unknown, into: Set<string>): void {
  if (Array.isArray(n)) {
    for (const x of n) functionNames(x, into);
    return;
  }
  if (!isNode(n)) return;
  if (n.type === "FunctionDef" && typeof n.name === "string") into.add(n.name);
  for (const k of Object.keys(n)) if (k !== "type" && typeof n[k] === "object") functionNames(n[k], into);
}

/**
 * The plugin: run it after the job-control plugin (it reads `__bg`). `isTool(name)`: the
 * commands whose writes it routes (the tuxnet tools, timeout); `toolCommand(flags, name)`:
 * the name of the command that is `__tool FLAGS NAME` (see ToolCommand).
 */
export function outputPlugin(isToolName: (name: string) => boolean, toolCommand?: ToolCommand): TransformPlugin {
  // the names this shell has seen defined as functions: bash runs a function before a program
  // of the same name, so a command of such a name is left for bash to look up as it runs
  // (`ping() { command ping -c1 "$@"; }`), and stays so after an `unset -f`
  const functions = new Set<string>();
  const isTool = (name: string) => isToolName(name) && !functions.has(name);
  return {
    name: "tuxnet-output",
    transform({ ast }) {
      const root = ast as unknown as AnyNode;
      functionNames(root, functions);
      const markable = wantsMarks(root);
      const flow = new DirtyFlow(isTool, markable);
      const w = new Walker(isTool, flow, toolCommand, markable);
      const fds: Fds = new Map([
        [1, "1"],
        [2, "2"],
      ]);
      // what was written before this script in its exec is not known (an `eval`, a sourced
      // file may start with text unplaced): UNKNOWN_START, for the tools' sentinels only
      flow.list(root.statements, fds, markable, UNKNOWN_START);
      w.statements(root.statements, fds, markable);
      return { ast };
    },
  };
}
