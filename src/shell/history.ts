/**
 * bash's history: the list an interactive shell keeps of its lines, the `history` builtin
 * (builtins/history.def), and history expansion as bash configures GNU readline's
 * (lib/readline/histexpand.c: history_expand; bashhist.c: bash_initialize_history,
 * bash_history_inhibit_expansion; subst.c: skip_to_histexp). `!!`, `!N`, `!-N`, `!str`,
 * `!?str?`, `!#`, word designators (`:N`, `^`, `$`, `*`, `x-y`, `%`), modifiers (`:h :t :r
 * :e :p :q :x :s/a/b/ :& :g :G`) and the quick substitution `^a^b^`.
 */

import { builtinGetopt, legalNumber } from "./getopt.ts";
import { singleQuote } from "./ast.ts";

export class History {
  /** the entries, oldest first; `history` numbers entry k as k + base */
  lines: string[] = [];
  readonly base = 1;
  /** readline's state between expansions: the last `!?str?` search and the word it matched,
   * the last `:s` pattern and replacement */
  searchString: string | undefined;
  searchMatch: string | undefined;
  substLhs: string | undefined;
  substRhs = "";
  /** bashhist.c hist_last_line_added / hist_last_line_pushed */
  lastAdded = false;
  lastPushed = false;
  /** history_lines_this_session: the entries `history -a` has still to append to the file */
  session = 0;

  /** bashhist.c maybe_add_history(): a line the shell read (not an empty one) */
  add(line: string): void {
    if (!line) return;
    this.push(line);
    this.lastAdded = true;
    this.lastPushed = false;
  }

  /** really_add_history() */
  push(line: string): void {
    this.lines.push(line);
    this.session++;
  }

  /** bash_delete_histent() / bash_delete_history_range(): entries at..at+n-1 */
  delete(at: number, n = 1): void {
    const gone = this.lines.splice(at, n).length;
    this.session = Math.max(0, this.session - gone);
  }

  /** the entry `which` is numbered (history_get), or undefined */
  get(which: number): string | undefined {
    const k = which - this.base;
    return k >= 0 && k < this.lines.length ? this.lines[k] : undefined;
  }
}

const NO_EXPAND = " \t\n\r=";
const WORD_DELIMITERS = " \t\n;&()|<>";
const QUOTE_CHARS = "\"'`";
const EVENT_DELIMITERS = "^$*%-";
const SEARCH_DELIMITERS = ";&()|<>";
const SLASHIFY_IN_QUOTES = "\\`\"$";
const COMMENT = "#";

const isDigit = (c: string | undefined): c is string => c !== undefined && c >= "0" && c <= "9";
const has = (set: string, c: string | undefined): boolean => c !== undefined && c !== "" && set.includes(c);
const blank = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n";

/** the index after the quote that closes the one before `i` (subst.c skip_single_quoted);
 * `escapes`: a backslash quotes the next character, as in `$'…'` */
function skipSingleQuoted(s: string, i: number, escapes = false): number {
  for (; i < s.length && s[i] !== "'"; i++) if (escapes && s[i] === "\\" && i + 1 < s.length) i++;
  return i < s.length ? i + 1 : i;
}

/**
 * subst.c skip_to_histexp(): the index of the next `!` that starts a history expansion, from
 * `start`, past backslashes, single quotes (outside double quotes) and the quoting of
 * command substitutions; s.length when there is none
 */
function skipToHistexp(s: string, start: number): number {
  let passNext = false;
  let backq = false;
  let dquote = false;
  let oldDquote = false;
  let comsub = 0;
  let i = start;
  while (i < s.length) {
    const c = s[i]!;
    if (passNext) {
      passNext = false;
      i++;
    } else if (c === "\\") {
      passNext = true;
      i++;
    } else if (backq && c === "`") {
      backq = false;
      dquote = oldDquote;
      i++;
    } else if (c === "`") {
      backq = true;
      oldDquote = dquote;
      dquote = false;
      i++;
    } else if (dquote && c === "!" && s[i + 1] === '"') {
      i++;
    } else if (c === "!") {
      break;
    } else if (dquote && c === "'") {
      i++;
    } else if (c === "'") {
      i = skipSingleQuoted(s, i + 1);
    } else if (c === '"') {
      dquote = !dquote;
      i++;
    } else if ((c === "$" || c === "<" || c === ">") && s[i + 1] === "(" && s[i + 2] !== "(") {
      if (i + 2 >= s.length) return i + 2;
      i += 2;
      comsub++;
      oldDquote = dquote;
      dquote = false;
    } else if (comsub && c === ")") {
      comsub--;
      dquote = oldDquote;
      i++;
    } else i++;
  }
  return i;
}

/** bashhist.c bash_history_inhibit_expansion(): is the `!` at s[i] not an expansion? */
function inhibited(s: string, i: number): boolean {
  if (i > 0 && s[i - 1] === "[" && s.slice(i + 1).includes("]")) return true;
  if (i > 1 && s[i - 1] === "{" && s[i - 2] === "$" && s.slice(i + 1).includes("}")) return true;
  if (i > 1 && s[i - 1] === "$" && s[i] === "!") return true;
  let t = skipToHistexp(s, 0);
  if (t <= 0) return false;
  while (t < i) {
    t = skipToHistexp(s, t + 1);
    if (t <= 0) return false;
  }
  return t > i;
}

/** histexpand.c history_tokenize_word(): the end of the word that starts at s[i] */
function tokenizeWord(s: string, i: number): number {
  let delimiter = "";
  let nest = 0;
  let open = "";
  if (has("()\n", s[i])) return i + 1;
  let word = false;
  if (isDigit(s[i])) {
    let j = i;
    while (isDigit(s[j])) j++;
    if (j >= s.length) return j;
    if (s[j] === "<" || s[j] === ">") i = j;
    else {
      i = j;
      word = true;
    }
  }
  if (!word && has("<>;&|", s[i])) {
    const peek = s[i + 1];
    if (peek === s[i]) {
      if (peek === "<" && (s[i + 2] === "-" || s[i + 2] === "<")) i++;
      return i + 2;
    }
    if (peek === "&" && (s[i] === ">" || s[i] === "<")) {
      let j = i + 2;
      while (isDigit(s[j])) j++;
      if (s[j] === "-") j++;
      return j;
    }
    if ((peek === ">" && s[i] === "&") || (peek === "|" && s[i] === ">")) return i + 2;
    if (peek === "(" && (s[i] === ">" || s[i] === "<")) {
      i += 2;
      open = "(";
      delimiter = ")";
      nest = 1;
    } else return i + 1;
  }
  if (!delimiter && has(QUOTE_CHARS, s[i])) delimiter = s[i++]!;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\" && s[i + 1] === "\n") {
      i++;
      continue;
    }
    if (c === "\\" && delimiter !== "'" && (delimiter !== '"' || has(SLASHIFY_IN_QUOTES, c))) {
      i++;
      continue;
    }
    if (nest && c === open) {
      nest++;
      continue;
    }
    if (nest && c === delimiter) {
      nest--;
      if (nest === 0) delimiter = "";
      continue;
    }
    if (delimiter && c === delimiter) {
      delimiter = "";
      continue;
    }
    if (!nest && !delimiter && has("<>$!@?+*", c) && s[i + 1] === "(") {
      // (readline steps past the `(` and, with the loop's step, one more character)
      i += 2;
      open = "(";
      delimiter = ")";
      nest = 1;
      continue;
    }
    if (!delimiter && has(WORD_DELIMITERS, c)) break;
    if (!delimiter && has(QUOTE_CHARS, c)) delimiter = c;
  }
  return i;
}

/** histexpand.c history_tokenize_internal(): the words of a line as the shell splits them,
 * with their start offsets */
function tokenize(s: string): { word: string; start: number; end: number }[] {
  const out: { word: string; start: number; end: number }[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && blank(s[i])) i++;
    if (i >= s.length || s[i] === COMMENT) break;
    const start = i;
    i = tokenizeWord(s, start);
    if (i === start) {
      i++;
      while (i < s.length && has(WORD_DELIMITERS, s[i])) i++;
    }
    out.push({ word: s.slice(start, i), start, end: i });
  }
  return out;
}

/** history_arg_extract(): words first..last (`$` = the last; negative: from the end) */
function argExtract(first: number | "$", last: number | "$", line: string): string | undefined {
  const words = tokenize(line).map((w) => w.word);
  const len = words.length;
  let f = first === "$" ? len - 1 : first < 0 ? len + first - 1 : first;
  let l = last === "$" ? len - 1 : last < 0 ? len + last - 1 : last;
  l++;
  if (f >= len || l > len || f < 0 || l < 0 || f > l) return undefined;
  return words.slice(f, l).join(" ");
}


/** histexpand.c quote_breaks(): :x */
function quoteBreaks(s: string): string {
  let r = "'";
  for (const c of s) {
    if (c === "'") r += "'\\''";
    else if (c === " " || c === "\t" || c === "\n") r += `'${c}'`;
    else r += c;
  }
  return r + "'";
}

const ERRORS = {
  event: "event not found",
  word: "bad word specifier",
  subst: "substitution failed",
  modifier: "unrecognized history modifier",
  noPrev: "no previous substitution",
} as const;

class Expander {
  constructor(private readonly h: History) {}

  /** histexpand.c get_history_event(): the event at s[i] (a `!`), and where it ends */
  event(s: string, i: number, quote: string): { line: string | undefined; i: number } {
    const h = this.h;
    i++;
    if (s[i] === "!") return { line: h.lines[h.lines.length - 1], i: i + 1 };
    let sign = 1;
    if (s[i] === "-" && isDigit(s[i + 1])) {
      sign = -1;
      i++;
    }
    if (isDigit(s[i])) {
      let which = 0;
      while (isDigit(s[i])) which = which * 10 + Number(s[i++]);
      if (sign < 0) which = h.lines.length + h.base - which;
      return { line: h.get(which), i };
    }
    let substring = false;
    if (s[i] === "?") {
      substring = true;
      i++;
    }
    const from = i;
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (
        (!substring &&
          (blank(c) || c === ":" || (i > from && c === "-") || (c !== "-" && has(EVENT_DELIMITERS, c)) || has(SEARCH_DELIMITERS, c) || c === quote)) ||
        c === "\n" ||
        (substring && c === "?")
      )
        break;
    }
    let temp = s.slice(from, i);
    if (substring && s[i] === "?") i++;
    if (temp === "" && substring) {
      if (h.searchString === undefined) return { line: undefined, i };
      temp = h.searchString;
    }
    for (let k = h.lines.length - 1; k >= 0; k--) {
      const line = h.lines[k]!;
      if (!substring) {
        if (line.startsWith(temp)) return { line, i };
        continue;
      }
      const at = line.indexOf(temp);
      if (at < 0) continue;
      h.searchString = temp;
      h.searchMatch = tokenize(line).find((w) => at >= w.start && at < w.end)?.word;
      return { line, i };
    }
    return { line: undefined, i };
  }

  /** get_history_word_specifier(): the words `s[i]…` asks for of `from`; null: no specifier */
  wordSpec(s: string, from: string, at: number): { words: string | null | Error; i: number } {
    let i = at;
    let expecting = false;
    if (s[i] === ":") {
      i++;
      expecting = true;
    }
    if (s[i] === "%") return { words: this.h.searchMatch ?? "", i: i + 1 };
    if (s[i] === "*") return { words: argExtract(1, "$", from) ?? "", i: i + 1 };
    if (s[i] === "$") return { words: argExtract("$", "$", from) ?? null, i: i + 1 };
    let first: number;
    if (s[i] === "-") first = 0;
    else if (s[i] === "^") {
      first = 1;
      i++;
    } else if (isDigit(s[i]) && expecting) {
      first = 0;
      while (isDigit(s[i])) first = first * 10 + Number(s[i++]);
    } else return { words: null, i: at };
    let last: number | "$";
    if (s[i] === "^" || s[i] === "*") {
      last = s[i] === "^" ? 1 : "$";
      i++;
    } else if (s[i] !== "-") last = first;
    else {
      i++;
      if (isDigit(s[i])) {
        last = 0;
        while (isDigit(s[i])) last = last * 10 + Number(s[i++]);
      } else if (s[i] === "$") {
        i++;
        last = "$";
      } else if (s[i] === "^") {
        i++;
        last = 1;
      } else last = -1;
    }
    const words = last === "$" || last < 0 || last >= first ? argExtract(first, last, from) : undefined;
    return { words: words ?? new Error(), i };
  }

  /** get_subst_pattern(): the text up to `delim` (a backslash quotes it) */
  private pattern(s: string, i: number, delim: string, rhs: boolean): { text: string | undefined; i: number } {
    let si = i;
    while (si < s.length && s[si] !== delim) {
      if (s[si] === "\\" && s[si + 1] === delim) si++;
      si++;
    }
    let text: string | undefined;
    if (si > i || rhs) {
      text = "";
      for (let k = i; k < si; k++) {
        if (s[k] === "\\" && s[k + 1] === delim) k++;
        text += s[k];
      }
    }
    return { text, i: si < s.length ? si + 1 : si };
  }

  /** history_expand_internal(): the expansion at s[start]; code 1 = print only, -1 = error */
  internal(s: string, start: number, quote: string, current: string): { code: -1 | 0 | 1; text: string; end: number } {
    const h = this.h;
    const fail = (from: number, to: number, what: keyof typeof ERRORS) => ({ code: -1 as const, text: `${s.slice(from, to)}: ${ERRORS[what]}`, end: to });
    let i = start;
    let event: string | undefined;
    if (has(":$*%^", s[i + 1])) {
      i++;
      event = h.lines[h.lines.length - 1];
    } else if (s[i + 1] === "#") {
      i += 2;
      event = current;
    } else ({ line: event, i } = this.event(s, i, quote));
    if (event === undefined) return fail(start, i, "event");
    let starting = i;
    const spec = this.wordSpec(s, event, i);
    i = spec.i;
    if (spec.words instanceof Error) return fail(starting, i, "word");
    let temp = spec.words ?? event;
    let wantQuotes = "";
    let printOnly = false;
    starting = i;
    while (s[i] === ":") {
      let c = s[i + 1];
      let global = 0;
      let bywords = false;
      if (c === "g" || c === "a") {
        global = 1;
        i++;
        c = s[i + 1];
      } else if (c === "G") {
        bywords = true;
        i++;
        c = s[i + 1];
      }
      switch (c) {
        case "q":
        case "x":
          wantQuotes = c;
          break;
        case "p":
          printOnly = true;
          break;
        case "t": {
          const k = temp.lastIndexOf("/");
          if (k >= 0) temp = temp.slice(k + 1);
          break;
        }
        case "h": {
          const k = temp.lastIndexOf("/");
          if (k >= 0) temp = temp.slice(0, k);
          break;
        }
        case "r": {
          const k = temp.lastIndexOf(".");
          if (k >= 0) temp = temp.slice(0, k);
          break;
        }
        case "e": {
          const k = temp.lastIndexOf(".");
          if (k >= 0) temp = temp.slice(k);
          break;
        }
        case "&":
        case "s": {
          if (c === "s") {
            if (i + 2 >= s.length) break;
            const delim = s[i + 2]!;
            i += 3;
            const lhs = this.pattern(s, i, delim, false);
            i = lhs.i;
            if (lhs.text !== undefined) h.substLhs = lhs.text;
            else if (h.substLhs === undefined && h.searchString) h.substLhs = h.searchString;
            const rhs = this.pattern(s, i, delim, true);
            i = rhs.i;
            // `&` in the replacement is the pattern (a backslash keeps it literal)
            h.substRhs = (rhs.text ?? "").replace(/\\&|&/g, (m) => (m === "&" ? (h.substLhs ?? "") : "&"));
          } else i += 2;
          const lhs = h.substLhs ?? "";
          if (lhs === "") return fail(starting, i, "noPrev");
          if (lhs.length > temp.length) return fail(starting, i, "subst");
          let failed = true;
          let we = 0;
          for (let si = 0; si + lhs.length <= temp.length; si++) {
            if (bywords && si > we) {
              while (si < temp.length && blank(temp[si])) si++;
              we = tokenizeWord(temp, si);
            }
            if (temp.startsWith(lhs, si)) {
              temp = temp.slice(0, si) + h.substRhs + temp.slice(si + lhs.length);
              failed = false;
              if (global) {
                si += h.substRhs.length - 1;
                global++;
                continue;
              }
              if (bywords) {
                si = we;
                continue;
              }
              break;
            }
          }
          if (failed) return fail(starting, i, "subst");
          continue;
        }
        default:
          return fail(i + 1, i + 2, "modifier");
      }
      i += 2;
    }
    if (wantQuotes === "q") temp = singleQuote(temp);
    else if (wantQuotes === "x") temp = quoteBreaks(temp);
    return { code: printOnly ? 1 : 0, text: temp, end: i - 1 };
  }
}

/**
 * histexpand.c history_expand() with bash's settings: 0 (nothing expanded), 1 (expanded),
 * 2 (`:p`: print the result, run nothing) with the line in `text`; -1 with the error
 * message (without `bash: `) in `text`.
 */
export function historyExpand(line: string, h: History): { code: -1 | 0 | 1 | 2; text: string } {
  let s = line;
  if (line[0] === "^") s = "!!:s" + line;
  else {
    // is there any `!` to expand at all (quotes, backslashes and bash's exceptions aside)?
    let dquote = false;
    let i = 0;
    for (; i < s.length; i++) {
      const c = s[i]!;
      const cc = s[i + 1];
      if (c === COMMENT && !dquote && (i === 0 || has(WORD_DELIMITERS, s[i - 1]))) {
        i = s.length;
        break;
      } else if (c === "!") {
        if (cc === undefined || has(NO_EXPAND, cc) || (dquote && cc === '"') || inhibited(s, i)) continue;
        break;
      } else if (dquote && c === "\\" && cc === '"') i++;
      else if (c === '"') dquote = !dquote;
      else if (!dquote && c === "'") i = skipSingleQuoted(s, i + 1, i > 0 && s[i - 1] === "$") - 1;
      else if (c === "\\" && (cc === "'" || cc === "!")) i++;
    }
    if (s[i] !== "!") return { code: 0, text: line };
  }
  const x = new Expander(h);
  let out = "";
  let modified = false;
  let printing = false;
  let dquote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\") {
      out += c + (s[i + 1] ?? "");
      i++;
    } else if (c === '"') {
      dquote = !dquote;
      out += c;
    } else if (c === "'" && !dquote) {
      const end = skipSingleQuoted(s, i + 1, i > 0 && s[i - 1] === "$");
      out += s.slice(i, end);
      i = end - 1;
    } else if (c === COMMENT && !dquote && (i === 0 || has(WORD_DELIMITERS, s[i - 1]))) {
      out += s.slice(i);
      break;
    } else if (c === "!") {
      const cc = s[i + 1];
      if (cc === undefined || has(NO_EXPAND, cc) || (dquote && cc === '"') || inhibited(out + c + cc, out.length)) {
        out += c;
        continue;
      }
      const r = x.internal(s, i, dquote ? '"' : "", out);
      if (r.code < 0) return { code: -1, text: r.text };
      modified = true;
      out += r.text;
      printing ||= r.code === 1;
      i = r.end;
    } else out += c;
  }
  return { code: printing ? 2 : modified ? 1 : 0, text: out };
}

const USAGE = "history: usage: history [-c] [-d offset] [n] or history -anrw [filename] or history -ps arg [arg...]\n";

export interface HistoryIo {
  /** `-r`, `-n`: a file's text (undefined: cannot be read) */
  readFile(path: string): Promise<string | undefined>;
  /** `-w` (replace) and `-a` (append) */
  writeFile(path: string, data: string, append: boolean): Promise<boolean>;
  /** $HISTFILE */
  histfile: string | undefined;
  /** the shell adds its lines to the list (an interactive shell; bash's remember_on_history) */
  remembering: boolean;
}

/** builtins/history.def history_builtin(): messages without bash's `bash: ` prefix */
export async function historyBuiltin(h: History, args: string[], io: HistoryIo): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = "";
  let stderr = "";
  const err = (m: string) => void (stderr += `bash: history: ${m}\n`);
  const g = builtinGetopt(args, "acd:npsrw");
  if (g.error) {
    err(g.error);
    return { stdout, stderr: stderr + USAGE, exitCode: 2 };
  }
  const flags = new Set(g.opts.keys());
  const deleteArg = g.opts.get("d");
  const list = g.rest;
  const fileOps = ["a", "r", "w", "n"].filter((f) => flags.has(f));
  if (fileOps.length > 1) {
    err("cannot use more than one of -anrw");
    return { stdout, stderr, exitCode: 1 };
  }
  // the entry of the `history -s/-p` line itself goes (push_history, expand_and_print_history)
  const dropOwn = () => {
    if (io.remembering && !h.lastPushed && h.lastAdded && h.lines.length) h.delete(h.lines.length - 1);
  };
  if (flags.has("c")) {
    h.lines = [];
    h.session = 0;
    if (list.length === 0) return { stdout, stderr, exitCode: 0 };
  }
  if (flags.has("s")) {
    if (list.length) {
      dropOwn();
      h.push(list.join(" "));
      h.lastPushed = true;
    }
    return { stdout, stderr, exitCode: 0 };
  }
  if (flags.has("p")) {
    if (!list.length) return { stdout, stderr, exitCode: 0 };
    dropOwn();
    let code = 0;
    for (const w of list) {
      const r = historyExpand(w, h);
      if (r.code < 0) {
        err(`${w}: history expansion failed`);
        code = 1;
      } else stdout += r.text + "\n";
    }
    return { stdout, stderr, exitCode: code };
  }
  if (flags.has("d")) {
    const len = h.lines.length;
    const arg = deleteArg!;
    const dash = arg.indexOf("-", arg[0] === "-" ? 1 : 0);
    const position = (s: string, negative: boolean): number | undefined => {
      const n = legalNumber(s);
      if (n === undefined) return undefined;
      const at = negative && n < 0 ? n + len : n > 0 ? n - h.base : n;
      return at >= 0 && at < len ? at : undefined;
    };
    if (dash > 0) {
      const a = arg.slice(0, dash);
      const b = arg.slice(dash + 1);
      // a word that is no number names the whole argument, a start out of range itself
      const numbers = legalNumber(a) !== undefined && legalNumber(b) !== undefined;
      const start = numbers ? position(a, a[0] === "-") : undefined;
      if (start === undefined) {
        err(`${numbers ? a : arg}: history position out of range`);
        return { stdout, stderr, exitCode: 1 };
      }
      const end = position(b, b[0] === "-");
      if (end === undefined) {
        err(`${b}: history position out of range`);
        return { stdout, stderr, exitCode: 1 };
      }
      if (end >= start) h.delete(start, end - start + 1);
      return { stdout, stderr, exitCode: end >= start ? 0 : 1 };
    }
    const n = legalNumber(arg);
    let at: number | undefined;
    if (n !== undefined && arg[0] === "-" && n < 0) at = len + n >= 0 ? len + n : undefined;
    else if (n !== undefined && n >= h.base && n < h.base + len) at = n - h.base;
    if (at === undefined) {
      err(`${arg}: history position out of range`);
      return { stdout, stderr, exitCode: 1 };
    }
    h.delete(at);
    return { stdout, stderr, exitCode: 0 };
  }
  if (fileOps.length === 0) {
    if (flags.has("c")) return { stdout, stderr, exitCode: 0 };
    // display_history()
    let limit = -1;
    if (list.length) {
      const n = legalNumber(list[0]!);
      if (n === undefined) {
        err(`${list[0]}: numeric argument required`);
        return { stdout, stderr, exitCode: 1 };
      }
      if (list.length > 1) {
        err("too many arguments");
        return { stdout, stderr, exitCode: 1 };
      }
      limit = Math.abs(n);
    }
    const from = limit >= 0 && limit < h.lines.length ? h.lines.length - limit : 0;
    for (let i = from; i < h.lines.length; i++) stdout += `${String(i + h.base).padStart(5)}  ${h.lines[i]}\n`;
    return { stdout, stderr, exitCode: 0 };
  }
  const file = list[0] ?? io.histfile ?? "/root/.history";
  if (flags.has("w") || flags.has("a")) {
    // -a: the entries of this session not written yet; -w: all of them
    const lines = flags.has("a") ? h.lines.slice(h.lines.length - Math.min(h.session, h.lines.length)) : h.lines;
    if (flags.has("a") && lines.length === 0) return { stdout, stderr, exitCode: 0 };
    const ok = await io.writeFile(file, lines.map((l) => l + "\n").join(""), flags.has("a"));
    if (ok) h.session = 0;
    return { stdout, stderr, exitCode: ok ? 0 : 1 };
  }
  const text = await io.readFile(file);
  if (text === undefined) return { stdout, stderr, exitCode: 1 };
  for (const l of text.split("\n")) if (l) h.lines.push(l);
  return { stdout, stderr, exitCode: 0 };
}
