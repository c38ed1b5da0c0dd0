/**
 * bash's report of an arithmetic error: `EXPR: MESSAGE (error token is "TOKEN")`.
 *
 * just-bash evaluates arithmetic with a parser of its own that keeps no positions, so its
 * errors say "division by 0" where bash says `3/(2-2)*4: division by 0 (error token is
 * "(2-2)*4")`. When just-bash fails on an expression, the shell (patch edit 30) asks here for
 * bash's words: the expression is read again as bash's expr.c reads it (its tokenizer, its
 * precedence climb from the comma down to the operand, its 64-bit integers, its rules for
 * where the error token starts) and evaluated on a copy of the variables, so an assignment
 * or `i++` in it changes nothing. Undefined when this reading finds no error (just-bash's
 * own message then stands).
 *
 * expr.c's token start (`lasttp`) is where the last token read began, after white space;
 * evalerror() prints the expression without its leading white space and the rest of the
 * text from that token. Division by 0 points at the right operand instead.
 */

type Tok =
  | "num" | "str" | "eof" | "(" | ")" | "?" | ":" | "," | "="
  | "||" | "&&" | "|" | "^" | "&" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "<<" | ">>"
  | "+" | "-" | "*" | "/" | "%" | "**" | "!" | "~" | "++" | "--" | "op=";

/** expr.c's EXP_EXPANDED recursion limit (MAX_EXPR_RECURSION_LEVEL) */
const MAX_LEVEL = 1024;

class ArithError extends Error {
  /** the message is bash's whole line (the expression and the error token): an error of a
   * variable's value, read as an expression of its own, keeps that expression's */
  located = false;
}

const I64 = (v: bigint): bigint => BigInt.asIntN(64, v);

const ASSIGN_OPS = ["<<=", ">>=", "**=", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|="];
const OPS2 = ["||", "&&", "==", "!=", "<=", ">=", "<<", ">>", "**", "++", "--"];

class Reader {
  /** the text being read (a variable's value is read by a Reader of its own) */
  readonly text: string;
  /** where the next token starts being looked for */
  tp = 0;
  /** where the last token read began (expr.c's lasttp) */
  lasttp = 0;
  /** where the text ends for the message: readtok() cuts the expression after a number while
   * strlong() reads it, so its errors see the text up to there */
  cut: number | undefined = undefined;
  tok: Tok = "eof";
  /** the number, name or assignment operator of the current token */
  val = "";
  /** the name the last "str" token was (for assignment) */
  lastTok: Tok = "eof";
  noeval = 0;

  constructor(
    text: string,
    readonly vars: Map<string, bigint | string | undefined>,
    readonly lookup: (name: string) => string | undefined,
    readonly level: number,
  ) {
    this.text = text;
  }

  fail(msg: string, at = this.lasttp): never {
    this.lasttp = at;
    throw new ArithError(msg);
  }

  /** expr.c readtok() */
  next(): void {
    const t = this.text;
    let cp = this.tp;
    while (cp < t.length && /[ \t\n\r]/.test(t[cp]!)) cp++;
    this.lastTok = this.tok;
    if (cp >= t.length) {
      this.tok = "eof";
      this.tp = cp;
      return;
    }
    this.lasttp = cp;
    const c = t[cp]!;
    if (/[A-Za-z_]/.test(c)) {
      let e = cp + 1;
      while (e < t.length && /[A-Za-z0-9_]/.test(t[e]!)) e++;
      // name[subscript]: the subscript goes with the name
      if (t[e] === "[") {
        let depth = 0;
        let k = e;
        for (; k < t.length; k++) {
          if (t[k] === "[") depth++;
          else if (t[k] === "]" && --depth === 0) break;
        }
        if (k >= t.length) this.fail("bad array subscript", cp);
        e = k + 1;
      }
      this.val = t.slice(cp, e);
      this.tok = "str";
      this.tp = e;
      return;
    }
    if (/[0-9]/.test(c)) {
      let e = cp;
      while (e < t.length && /[A-Za-z0-9_#@]/.test(t[e]!)) e++;
      this.val = t.slice(cp, e);
      this.tok = "num";
      this.tp = e;
      return;
    }
    for (const op of ASSIGN_OPS)
      if (t.startsWith(op, cp)) {
        this.tok = "op=";
        this.val = op.slice(0, -1);
        this.tp = cp + op.length;
        return;
      }
    for (const op of OPS2)
      if (t.startsWith(op, cp)) {
        // `++`/`--` after a name increments it, before a name (white space between allowed)
        // too; anywhere else it is one sign, and the next token the other
        if (op === "++" || op === "--") {
          if (this.lastTok !== "str") {
            let xp = cp + 2;
            while (xp < t.length && /[ \t\n\r]/.test(t[xp]!)) xp++;
            if (!/[A-Za-z_]/.test(t[xp] ?? "")) break;
          }
        }
        this.tok = op as Tok;
        this.tp = cp + 2;
        return;
      }
    if ("()?:,=|^&<>+-*/%!~".includes(c)) {
      this.tok = c as Tok;
      this.tp = cp + 1;
      return;
    }
    this.tp = cp + 1;
    this.fail("syntax error: invalid arithmetic operator", cp);
  }

  /** expr.c strlong(): a constant in any base */
  number(s: string, at: number): bigint {
    let base = 10n;
    let digits = s;
    if (/^0[xX]/.test(s)) {
      base = 16n;
      digits = s.slice(2);
    } else if (s.includes("#")) {
      const [b, rest] = [s.slice(0, s.indexOf("#")), s.slice(s.indexOf("#") + 1)];
      const n = Number(b);
      if (!/^[0-9]+$/.test(b) || n < 2 || n > 64) {
        this.cut = at + s.length;
        this.fail("invalid arithmetic base", at);
      }
      base = BigInt(n);
      digits = rest;
    } else if (s.length > 1 && s[0] === "0") {
      base = 8n;
      digits = s.slice(1);
    }
    let v = 0n;
    for (const ch of digits) {
      let d: number;
      if (ch >= "0" && ch <= "9") d = ch.charCodeAt(0) - 48;
      else if (ch >= "a" && ch <= "z") d = ch.charCodeAt(0) - 97 + 10;
      else if (ch >= "A" && ch <= "Z") d = ch.charCodeAt(0) - 65 + (base <= 36n ? 10 : 36);
      else if (ch === "@") d = 62;
      else if (ch === "_") d = 63;
      else d = 99;
      if (BigInt(d) >= base) {
        this.cut = at + s.length;
        this.fail("value too great for base", at);
      }
      v = I64(v * base + BigInt(d));
    }
    return v;
  }

  /** a variable's value: its copy's, or the shell's read as an expression of its own */
  variable(name: string): bigint {
    if (this.vars.has(name)) {
      const v = this.vars.get(name);
      if (typeof v === "bigint") return v;
      if (v === undefined) return 0n;
      return this.sub(v);
    }
    const s = this.lookup(name);
    if (s === undefined || s === "") return 0n;
    return this.sub(s);
  }

  sub(s: string): bigint {
    if (/^\s*-?[0-9]+\s*$/.test(s) && !/^\s*-?0[0-9]/.test(s)) return I64(BigInt(s.trim()));
    if (this.level + 1 >= MAX_LEVEL) this.fail("expression recursion level exceeded");
    return evaluate(s, this.vars, this.lookup, this.level + 1);
  }

  // the precedence climb of expr.c, from the comma down to an operand
  comma(): bigint {
    let v = this.assign();
    while (this.tok === ",") {
      this.next();
      v = this.assign();
    }
    return v;
  }

  assign(): bigint {
    const name = this.tok === "str" ? this.val : undefined;
    const v = this.cond();
    if (this.tok === "=" || this.tok === "op=") {
      const op = this.tok === "op=" ? this.val : "";
      if (this.lastTok !== "str" || name === undefined) this.fail("attempted assignment to non-variable");
      const opAt = this.lasttp;
      this.next();
      const rhs = this.assign();
      let r = rhs;
      if (op) r = this.binary(op, v, rhs, opAt + op.length);
      if (this.noeval === 0) this.vars.set(name, r);
      return r;
    }
    return v;
  }

  /** the current token (read through a call: TypeScript keeps no narrowing across next()) */
  cur(): Tok {
    return this.tok;
  }

  cond(): bigint {
    const c = this.lor();
    if (this.cur() !== "?") return c;
    this.next();
    if (c === 0n) this.noeval++;
    if (this.cur() === ":" || this.cur() === "eof") this.fail("expression expected");
    const a = this.comma();
    if (c === 0n) this.noeval--;
    if (this.cur() !== ":") this.fail("`:' expected for conditional expression");
    this.next();
    if (c !== 0n) this.noeval++;
    if (this.cur() === "eof") this.fail("expression expected");
    const b = this.cond();
    if (c !== 0n) this.noeval--;
    return c !== 0n ? a : b;
  }

  lor(): bigint {
    let v = this.land();
    while (this.tok === "||") {
      this.next();
      if (v !== 0n) this.noeval++;
      const r = this.land();
      if (v !== 0n) this.noeval--;
      v = v !== 0n || r !== 0n ? 1n : 0n;
    }
    return v;
  }

  land(): bigint {
    let v = this.bor();
    while (this.tok === "&&") {
      this.next();
      if (v === 0n) this.noeval++;
      const r = this.bor();
      if (v === 0n) this.noeval--;
      v = v !== 0n && r !== 0n ? 1n : 0n;
    }
    return v;
  }

  level_(ops: readonly Tok[], down: () => bigint): bigint {
    let v = down();
    while (ops.includes(this.tok)) {
      const op = this.tok;
      const stp = this.tp;
      this.next();
      v = this.binary(op, v, down(), stp);
    }
    return v;
  }

  bor = (): bigint => this.level_(["|"], this.bxor);
  bxor = (): bigint => this.level_(["^"], this.band);
  band = (): bigint => this.level_(["&"], this.eq);
  eq = (): bigint => this.level_(["==", "!="], this.rel);
  rel = (): bigint => this.level_(["<", ">", "<=", ">="], this.shift);
  shift = (): bigint => this.level_(["<<", ">>"], this.add);
  add = (): bigint => this.level_(["+", "-"], this.mul);
  mul = (): bigint => this.level_(["*", "/", "%"], () => this.power());

  /** a binary operator's value; `stp`: the text after the operator (division's error token) */
  binary(op: string, a: bigint, b: bigint, stp: number): bigint {
    switch (op) {
      case "|": return a | b;
      case "^": return a ^ b;
      case "&": return a & b;
      case "==": return a === b ? 1n : 0n;
      case "!=": return a !== b ? 1n : 0n;
      case "<": return a < b ? 1n : 0n;
      case ">": return a > b ? 1n : 0n;
      case "<=": return a <= b ? 1n : 0n;
      case ">=": return a >= b ? 1n : 0n;
      case "<<": return I64(a << (b & 63n));
      case ">>": return a >> (b & 63n);
      case "+": return I64(a + b);
      case "-": return I64(a - b);
      case "*": return I64(a * b);
      case "/":
      case "%": {
        if (b === 0n) {
          if (this.noeval) return 0n;
          let at = stp;
          while (at < this.text.length && /[ \t]/.test(this.text[at]!)) at++;
          this.fail("division by 0", at);
        }
        // the one overflow: INTMAX_MIN / -1
        if (b === -1n) return op === "/" ? I64(-a) : 0n;
        return op === "/" ? a / b : a % b;
      }
      case "**": {
        if (b < 0n) this.fail("exponent less than 0");
        return I64(a ** b);
      }
    }
    return 0n;
  }

  power(): bigint {
    const v = this.unary();
    if (this.tok !== "**") return v;
    this.next();
    const e = this.power();
    if (this.noeval) return 0n;
    return this.binary("**", v, e, this.tp);
  }

  unary(): bigint {
    switch (this.tok) {
      case "!": this.next(); return this.unary() === 0n ? 1n : 0n;
      case "~": this.next(); return ~this.unary();
      case "-": this.next(); return I64(-this.unary());
      case "+": this.next(); return this.unary();
      case "++":
      case "--": {
        const op = this.tok;
        this.next();
        if (this.cur() !== "str") this.fail("syntax error: operand expected");
        const name = this.val;
        const v = I64(this.variable(name) + (op === "++" ? 1n : -1n));
        if (this.noeval === 0) this.vars.set(name, v);
        this.next();
        return v;
      }
    }
    return this.operand();
  }

  operand(): bigint {
    if (this.tok === "(") {
      this.next();
      const v = this.comma();
      if (this.cur() !== ")") this.fail("missing `)'");
      this.next();
      return v;
    }
    if (this.tok === "num") {
      const v = this.number(this.val, this.lasttp);
      this.next();
      return v;
    }
    if (this.tok === "str") {
      const name = this.val;
      const v = this.noeval ? 0n : this.variable(name);
      this.next();
      if (this.cur() === "++" || this.cur() === "--") {
        if (this.noeval === 0) this.vars.set(name, I64(v + (this.cur() === "++" ? 1n : -1n)));
        this.next();
      }
      return v;
    }
    this.fail("syntax error: operand expected");
  }
}

function evaluate(text: string, vars: Map<string, bigint | string | undefined>, lookup: (name: string) => string | undefined, level: number): bigint {
  const r = new Reader(text, vars, lookup, level);
  try {
    r.next();
    if (r.tok === "eof") return 0n;
    const v = r.comma();
    if (r.cur() !== "eof") r.fail("syntax error in expression");
    return v;
  } catch (e) {
    if (e instanceof ArithError && !e.located) {
      const shown = r.cut === undefined ? text : text.slice(0, r.cut);
      const t = shown.replace(/^[ \t\n]+/, "");
      const tok = shown.slice(r.lasttp);
      const located = new ArithError(`${t}: ${e.message} (error token is "${tok}")`);
      located.located = true;
      throw located;
    }
    throw e;
  }
}

/** bash's message for the arithmetic error in `text`, undefined when it has none (or there is
 * no text to read again) */
export function bashArithError(text: string | undefined, lookup: (name: string) => string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    evaluate(text, new Map(), lookup, 0);
    return undefined;
  } catch (e) {
    if (e instanceof ArithError) return e.message;
    return undefined;
  }
}

/** where the patched just-bash finds bashArithError() (edit 30): the same for every shell */
export function installArithHook(): void {
  (globalThis as Record<string, unknown>).__tuxnetArithError = bashArithError;
}
