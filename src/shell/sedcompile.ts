/**
 * GNU sed 4.9's script compiler (sed/compile.c: compile_program(), compile_address(),
 * match_slash(), mark_subst_opts(), read_end_of_cmd(), check_final_program()) walked for its
 * errors only: the first one as sed words it ("-e expression #N, char M: MSG", M the characters
 * read so far), before any input is opened. A script it accepts runs in just-bash's sed.
 * Of a regex's own syntax, what regexScan() finds (groups and brackets); glibc's other
 * regcomp() errors are left to just-bash.
 */

import { strverscmp } from "../userland/lib/strverscmp.ts";

const EOF = -1;
/** PACKAGE_VERSION: what a `v` command's version is compared with */
const SED_VERSION = "4.9";

class Bad extends Error {
  constructor(readonly text: string, readonly status: number) {
    super(text);
  }
}

/** one -e piece (or the operand script) being read: inchar()/savchar() over it */
class Prog {
  cur = 0;
  constructor(readonly s: string, readonly n: number, readonly extended: boolean) {}
  inchar(): number {
    if (this.cur >= this.s.length) return EOF;
    return this.s.charCodeAt(this.cur++);
  }
  savchar(ch: number): void {
    if (ch === EOF) return;
    this.cur--;
  }
  inNonblank(): number {
    let ch: number;
    do ch = this.inchar();
    while (ch === 0x20 || ch === 0x09);
    return ch;
  }
  bad(msg: string): never {
    throw new Bad(`sed: -e expression #${this.n}, char ${this.cur}: ${msg}\n`, 1);
  }
}

const isDigit = (ch: number) => ch >= 0x30 && ch <= 0x39;
const isSpace = (ch: number) => ch === 0x20 || (ch >= 0x09 && ch <= 0x0d);
const chr = (ch: number) => String.fromCharCode(ch);

/** in_integer(): the digits from ch on */
function inInteger(p: Prog, ch: number): number {
  let n = 0;
  while (isDigit(ch)) {
    n = n * 10 + (ch - 0x30);
    ch = p.inchar();
  }
  p.savchar(ch);
  return n;
}

/** match_slash(): the text up to an unescaped `slash` (undefined when the line or script ends
 * first); `\n` stands for a newline in a regex */
function matchSlash(p: Prog, slash: number, regex: boolean): string | undefined {
  if (slash === EOF || slash === 0x0a || slash === 0x5c) return undefined;
  let b = "";
  let ch: number;
  while ((ch = p.inchar()) !== EOF && ch !== 0x0a) {
    if (ch === 0x5b && regex) {
      // a bracket expression is read whole: the delimiter is an ordinary character in it
      const br = readBracket(p);
      if (br === undefined) return undefined;
      b += br;
      continue;
    }
    if (ch === slash) return b;
    if (ch === 0x5c) {
      ch = p.inchar();
      if (ch === EOF) break;
      else if (ch === 0x6e && regex) ch = 0x0a;
      else if (ch !== 0x0a && (ch !== slash || (!regex && ch === 0x26))) b += "\\";
    }
    b += chr(ch);
  }
  if (ch === 0x0a) p.savchar(ch);
  return undefined;
}

/**
 * The end (just past its "]") of the bracket expression whose "[" is at s[i] — a leading ^ and
 * ] are its own, [: [. [= run to their closers — or undefined when the line or the text ends
 * in it.
 */
function bracketEnd(s: string, i: number): number | undefined {
  let j = i + 1;
  if (s[j] === "^") j++;
  if (s[j] === "]") j++;
  for (; j < s.length && s[j] !== "\n"; j++) {
    if (s[j] === "]") return j + 1;
    const kind = s[j + 1];
    if (s[j] === "[" && (kind === ":" || kind === "." || kind === "=")) {
      const close = s.indexOf(`${kind}]`, j + 2);
      const nl = s.indexOf("\n", j + 2);
      if (close < 0 || (nl >= 0 && nl < close)) return undefined;
      j = close + 1;
    }
  }
  return undefined;
}

/** match_slash()'s read of a bracket expression whose "[" was just read: its text, or
 * undefined (at the line's end) when it is not closed */
function readBracket(p: Prog): string | undefined {
  const start = p.cur - 1;
  const end = bracketEnd(p.s, start);
  if (end === undefined) {
    const nl = p.s.indexOf("\n", start);
    p.cur = nl < 0 ? p.s.length : nl;
    return undefined;
  }
  p.cur = end;
  return p.s.slice(start, end);
}

/**
 * What glibc's regcomp() would say first of a regex's groups (left to right: one closed that
 * was not open, then one never closed), and how many there are (\( in a basic regex, ( in an
 * extended one) for \N in a replacement. (A bracket expression or a backslash left open never
 * gets here: match_slash() refuses it.) The other regcomp() errors are left to just-bash.
 */
function regexScan(re: string, extended: boolean): { groups: number; error?: string } {
  let groups = 0;
  let open = 0;
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === "[") {
      const end = bracketEnd(re, i);
      if (end === undefined) break;
      i = end - 1;
    } else if (c === "\\") {
      const d = re[++i];
      if (!extended && d === "(") {
        groups++;
        open++;
      } else if (!extended && d === ")") {
        if (!open) return { groups, error: "Unmatched ) or \\)" };
        open--;
      }
    } else if (extended && c === "(") {
      groups++;
      open++;
    } else if (extended && c === ")") {
      if (!open) return { groups, error: "Unmatched ) or \\)" };
      open--;
    }
  }
  return open ? { groups, error: "Unmatched ( or \\(" } : { groups };
}

/** compile_address(): true when an address starts with ch (and was read) */
function compileAddress(p: Prog, ch: number, a: { type: string; num: number }): boolean {
  if (ch === 0x2f || ch === 0x5c) {
    if (ch === 0x5c) ch = p.inchar();
    const re = matchSlash(p, ch, true);
    if (re === undefined) p.bad("unterminated address regex");
    for (;;) {
      ch = p.inNonblank();
      if (ch === 0x49 || ch === 0x4d) continue; // I, M
      p.savchar(ch);
      a.type = "regex";
      /* compile_rx() (an empty regex is the last one used) */
      const err = re === "" ? undefined : regexScan(re, p.extended).error;
      if (err) p.bad(err);
      return true;
    }
  }
  if (isDigit(ch)) {
    a.num = inInteger(p, ch);
    a.type = "num";
    ch = p.inNonblank();
    if (ch !== 0x7e) p.savchar(ch);
    else {
      const step = inInteger(p, p.inNonblank());
      if (step > 0) a.type = "mod";
    }
    return true;
  }
  if (ch === 0x2b || ch === 0x7e) {
    const step = inInteger(p, p.inNonblank());
    a.type = step === 0 ? "null" : ch === 0x2b ? "step" : "stepmod";
    return true;
  }
  if (ch === 0x24) {
    a.type = "last";
    return true;
  }
  return false;
}

/** read_end_of_cmd(): nothing but blanks before the end of the command */
function readEndOfCmd(p: Prog): void {
  const ch = p.inNonblank();
  if (ch === 0x7d || ch === 0x23) p.savchar(ch);
  else if (ch !== EOF && ch !== 0x0a && ch !== 0x3b) p.bad("extra characters after command");
}

/** read_label(): a label up to a blank or ';' */
function readLabel(p: Prog): string {
  let ch = p.inNonblank();
  let b = "";
  while (ch !== EOF && ch !== 0x0a && !isSpace(ch) && ch !== 0x3b) {
    b += chr(ch);
    ch = p.inchar();
  }
  p.savchar(ch);
  return b;
}

/** read_filename(): the rest of the line */
function readFilename(p: Prog): string {
  let ch = p.inNonblank();
  let b = "";
  while (ch !== EOF && ch !== 0x0a) {
    b += chr(ch);
    ch = p.inchar();
  }
  return b;
}

/** read_text() of a/i/c: to the end of the line (an escaped newline continues it) */
function readText(p: Prog): void {
  let ch: number;
  while ((ch = p.inchar()) !== EOF && ch !== 0x0a) {
    if (ch === 0x5c && p.inchar() === EOF) break;
  }
}

/** mark_subst_opts(): the flags after s/RE/REPL/ */
function markSubstOpts(p: Prog): void {
  let global = false;
  let print = 0;
  let number = false;
  for (;;) {
    const ch = p.inchar();
    switch (ch) {
      case 0x69: case 0x49: case 0x6d: case 0x4d: case 0x65: // i I m M e
        break;
      case 0x70: // p
        if (print) p.bad("multiple `p' options to `s' command");
        print++;
        break;
      case 0x67: // g
        if (global) p.bad("multiple `g' options to `s' command");
        global = true;
        break;
      case 0x77: // w
        if (!readFilename(p)) p.bad("missing filename in r/R/w/W commands");
        return;
      case 0x23: // #
        p.savchar(ch);
        return;
      case 0x7d:
        p.savchar(ch);
        return;
      case EOF: case 0x0a: case 0x3b:
        return;
      case 0x0d:
        if (p.inchar() === 0x0a) return;
        p.bad("unknown option to `s'");
        break;
      default:
        if (isDigit(ch)) {
          if (number) p.bad("multiple number options to `s' command");
          if (inInteger(p, ch) === 0) p.bad("number option to `s' command may not be zero");
          number = true;
          break;
        }
        if (ch === 0x20 || ch === 0x09) break;
        p.bad("unknown option to `s'");
    }
  }
}

/**
 * The first error GNU sed 4.9 finds compiling `pieces` (the -e expressions in order, or the
 * one operand script): its message and status, or undefined when it compiles. `extended`: -E.
 */
export function sedCompileError(pieces: string[], extended: boolean): { stderr: string; exitCode: number } | undefined {
  /** the expression each unmatched `{` is in (setup_label()'s err_info) */
  const blocks: number[] = [];
  const labels = new Set<string>();
  const jumps: string[] = [];
  try {
    pieces.forEach((s, k) => {
      const p: Prog = new Prog(s, k + 1, extended);
      for (;;) {
        let ch = p.inchar();
        while (ch === 0x3b || isSpace(ch)) ch = p.inchar();
        if (ch === EOF) break;
        const a1 = { type: "", num: 0 };
        let hasA1 = false;
        let hasA2 = false;
        if (compileAddress(p, ch, a1)) {
          if (a1.type === "step" || a1.type === "stepmod") p.bad("invalid usage of +N or ~N as first address");
          hasA1 = true;
          ch = p.inNonblank();
          const a2 = { type: "", num: 0 };
          if (ch === 0x2c) {
            if (!compileAddress(p, p.inNonblank(), a2)) p.bad("unexpected `,'");
            hasA2 = true;
            ch = p.inNonblank();
          }
          if (a1.type === "num" && a1.num === 0 && (!hasA2 || a2.type !== "regex")) p.bad("invalid usage of line address 0");
        }
        if (ch === 0x21) {
          ch = p.inNonblank();
          if (ch === 0x21) p.bad("multiple `!'s");
        }
        switch (ch) {
          case 0x23: // #
            if (hasA1) p.bad("comments don't accept any addresses");
            while ((ch = p.inchar()) !== EOF && ch !== 0x0a);
            break;
          case 0x76: { // v: the version the script needs, 4.0 when none is named
            const version = readLabel(p) || "4.0";
            if (strverscmp(version, SED_VERSION) > 0) p.bad("expected newer version of sed");
            break;
          }
          case 0x7b: // {
            blocks.push(p.n);
            break;
          case 0x7d: // }
            if (!blocks.length) p.bad("unexpected `}'");
            if (hasA1) p.bad("`}' doesn't want any addresses");
            readEndOfCmd(p);
            blocks.pop();
            break;
          case 0x65: // e
            readFilename(p);
            break;
          case 0x61: case 0x69: case 0x63: { // a i c
            ch = p.inNonblank();
            if (ch === EOF) p.bad("expected \\ after `a', `c' or `i'");
            if (ch !== 0x5c) p.savchar(ch);
            readText(p);
            break;
          }
          case 0x3a: { // :
            if (hasA1) p.bad(": doesn't want any addresses");
            const label = readLabel(p);
            if (!label) p.bad('":" lacks a label');
            labels.add(label);
            break;
          }
          case 0x54: case 0x62: case 0x74: { // T b t
            const label = readLabel(p);
            if (label) jumps.push(label);
            break;
          }
          case 0x51: case 0x71: case 0x4c: case 0x6c: { // Q q L l
            if ((ch === 0x51 || ch === 0x71) && hasA2) p.bad("command only uses one address");
            ch = p.inNonblank();
            if (isDigit(ch)) {
              inInteger(p, ch);
              ch = p.inNonblank();
            }
            if (ch === 0x7d || ch === 0x23) p.savchar(ch);
            else if (ch !== EOF && ch !== 0x0a && ch !== 0x3b) p.bad("extra characters after command");
            break;
          }
          case 0x3d: case 0x64: case 0x44: case 0x46: case 0x67: case 0x47: case 0x68: case 0x48:
          case 0x6e: case 0x4e: case 0x70: case 0x50: case 0x7a: case 0x78: // = d D F g G h H n N p P z x
            readEndOfCmd(p);
            break;
          case 0x72: case 0x52: case 0x77: case 0x57: // r R w W
            if (!readFilename(p)) p.bad("missing filename in r/R/w/W commands");
            break;
          case 0x73: { // s
            const slash = p.inchar();
            const re = matchSlash(p, slash, true);
            if (re === undefined) p.bad("unterminated `s' command");
            const repl = matchSlash(p, slash, false);
            if (repl === undefined) p.bad("unterminated `s' command");
            // setup_replacement(): a \N beyond the groups of the regex
            const refs = [...repl.matchAll(/\\([0-9])/g)].map((m) => Number(m[1]));
            markSubstOpts(p);
            const max = Math.max(0, ...refs);
            /* compile_rx(): the regex (an empty one is the last one used), then the groups \\N wants */
            if (re !== "") {
              const scan = regexScan(re, extended);
              if (scan.error) p.bad(scan.error);
              if (max > scan.groups) p.bad(`invalid reference \\${max} on \`s' command's RHS`);
            }
            break;
          }
          case 0x79: { // y
            const slash = p.inchar();
            const src = matchSlash(p, slash, false);
            if (src === undefined) p.bad("unterminated `y' command");
            const dst = matchSlash(p, slash, false);
            if (dst === undefined) p.bad("unterminated `y' command");
            const len = (t: string) => t.replace(/\\(.)/g, "$1").length;
            if (len(src) !== len(dst)) p.bad("strings for `y' command are different lengths");
            readEndOfCmd(p);
            break;
          }
          case EOF:
            p.bad("missing command");
            break;
          default:
            p.bad(`unknown command: \`${chr(ch)}'`);
        }
      }
    });
    /* check_final_program() */
    if (blocks.length) throw new Bad(`sed: -e expression #${blocks[blocks.length - 1]}, char 0: unmatched \`{'\n`, 1);
    // (a panic: EXIT_PANIC)
    for (const j of jumps) if (!labels.has(j)) throw new Bad(`sed: can't find label for jump to \`${j}'\n`, 4);
  } catch (e) {
    if (e instanceof Bad) return { stderr: e.text, exitCode: e.status };
    throw e;
  }
  return undefined;
}
