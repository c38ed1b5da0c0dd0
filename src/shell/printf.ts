/**
 * bash's printf builtin around just-bash's printf: its options (printf.def's internal_getopt),
 * its errors as the shell's, and its reading of the format (printfScan()) where just-bash's
 * differs. shell.ts registers the command.
 */
import { builtinGetopt } from "./getopt.ts";

/** builtin_usage() of bash's printf (no "bash: line N: " in front) */
const PRINTF_USAGE = "printf: usage: printf [-v var] format [arguments]\n";

/**
 * bash's printf is a builtin. Its options are printf.def's internal_getopt(list, "v:") (-v VAR,
 * -vVAR, `--`; any other option is refused with the usage, a format that starts with "-" needs
 * `--`), and without a format it gives the usage, status 2 (EX_USAGE); just-bash's printf is
 * handed the rest.
 */
function printfOptions(args: string[]): { v: string | undefined; format: string; args: string[] } | { error: string } {
  const o = builtinGetopt(args, "v:");
  if (o.error !== undefined) return { error: `bash: printf: ${o.error}\n${PRINTF_USAGE}` };
  if (o.rest.length === 0) return { error: PRINTF_USAGE };
  return { v: o.opts.get("v"), format: o.rest[0]!, args: o.rest.slice(1) };
}

/** just-bash's printf command line for `printf [-v V] FORMAT ARGS` */
function printfArgv(v: string | undefined, format: string, args: string[]): string[] {
  return [...(v !== undefined ? ["-v", v] : []), ...(format.startsWith("-") ? ["--"] : []), format, ...args];
}

const PRINTF_FLAGS = "#'-+ 0";
const PRINTF_LENMODS = "hjlLtz";
const PRINTF_CONVERSIONS = "csbqQdiouxXeEfFgGaA";

/**
 * printf.def's reading of a format, for what just-bash's printf does not do: the length
 * modifiers (`%ld`, `%hhu`, `%zd`: skipped), a directive without its conversion character
 * ("`%5.3': missing format character") or with one that is none ("`y': invalid format
 * character"), which end printf with status 1 after what came before was printed, `%Q` (%q
 * of the argument cut to the precision), and the warnings of a `\x` or `\u` without digits.
 * `fmt` is the format just-bash is given; `perPass` the arguments one use of it takes.
 */
export interface PrintfScan {
  fmt: string;
  perPass: number;
  /** the first bad directive: `fmt` up to `at` is what runs, taking `args` arguments */
  error?: { at: number; args: number; message: string };
  /** the argument slots of `%.NQ` directives, with N */
  cut: { slot: number; prec: number }[];
  /** in the order bash meets them in one use of the format: its own escapes' warnings, and
   * the argument slots of `%b` directives (whose arguments' escapes warn alike) */
  warnings: (string | number)[];
}

const hex = (c: string | undefined) => c !== undefined && /[0-9a-fA-F]/.test(c);

/** the warning of the escape at `s[i]` (a backslash), if it is `\x` or `\u`/`\U` without digits */
function escapeWarning(s: string, i: number): string | undefined {
  const e = s[i + 1];
  if (e === "x" && !hex(s[i + 2])) return "printf: missing hex digit for \\x\n";
  if ((e === "u" || e === "U") && !hex(s[i + 2])) return `printf: missing unicode digit for \\${e}\n`;
  return undefined;
}

/** the warnings of a `%b` argument's escapes */
function argWarnings(a: string): string {
  let w = "";
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== "\\") continue;
    w += escapeWarning(a, i) ?? "";
    i++;
  }
  return w;
}

/** the warnings of `uses` uses of the format over `args` */
export function printfWarnings(s: PrintfScan, args: string[], uses: number): string {
  let w = "";
  for (let k = 0; k < uses; k++) {
    for (const x of s.warnings) {
      if (typeof x === "string") w += x;
      else {
        const a = args[k * s.perPass + x];
        if (a !== undefined) w += argWarnings(a);
      }
    }
  }
  return w;
}

export function printfScan(f: string): PrintfScan {
  let out = "";
  let slot = 0;
  const cut: PrintfScan["cut"] = [];
  const warnings: (string | number)[] = [];
  let i = 0;
  const digits = () => {
    while (i < f.length && f[i]! >= "0" && f[i]! <= "9") i++;
  };
  // the first bad directive ends the scan: what came before runs
  const bad = (at: number, args: number, message: string): PrintfScan => ({ fmt: out, perPass: slot, error: { at, args, message }, cut, warnings });
  while (i < f.length) {
    const c = f[i]!;
    if (c === "\\") {
      const w = escapeWarning(f, i);
      if (w !== undefined) warnings.push(w);
      out += f.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c !== "%") {
      out += c;
      i++;
      continue;
    }
    if (f[i + 1] === "%") {
      out += "%%";
      i += 2;
      continue;
    }
    const start = i;
    const at = out.length;
    const args = slot;
    i++;
    while (i < f.length && PRINTF_FLAGS.includes(f[i]!)) i++;
    if (f[i] === "*") {
      i++;
      slot++;
    } else digits();
    let prec: number | undefined;
    let precStart = -1;
    if (f[i] === ".") {
      precStart = i;
      i++;
      if (f[i] === "*") {
        i++;
        slot++;
      } else {
        const d = i;
        digits();
        prec = Number(f.slice(d, i) || "0");
      }
    }
    const spec = f.slice(start, i);
    while (i < f.length && PRINTF_LENMODS.includes(f[i]!)) i++;
    const conv = f[i];
    if (conv === undefined) return bad(at, args, `printf: \`${f.slice(start)}': missing format character\n`);
    if (conv === "(") {
      // %(datefmt)T: as it is, through the T after the parenthesis
      const close = f.indexOf(")", i);
      const end = close < 0 ? f.length : close + 2;
      out += spec + f.slice(i, end);
      i = end;
      slot++;
      continue;
    }
    if (!PRINTF_CONVERSIONS.includes(conv)) return bad(at, args, `printf: \`${conv}': invalid format character\n`);
    if (conv === "Q") {
      // the argument cut to the precision, then quoted as %q (no precision left for %q)
      if (prec !== undefined) cut.push({ slot, prec });
      out += (precStart >= 0 ? f.slice(start, precStart) : spec) + "q";
    } else out += spec + conv;
    if (conv === "b") warnings.push(slot);
    slot++;
    i++;
  }
  return { fmt: out, perPass: slot, cut, warnings };
}

/** the arguments with each `%.NQ` one cut to N characters, in every use of the format */
function printfCut(args: string[], s: PrintfScan): string[] {
  if (!s.cut.length || s.perPass === 0) return args;
  const a = args.slice();
  for (let base = 0; base < a.length; base += s.perPass) {
    for (const { slot, prec } of s.cut) if (base + slot < a.length) a[base + slot] = a[base + slot]!.slice(0, prec);
  }
  return a;
}

/** its errors are the shell's (builtin_error(): "bash: line N: printf: abc: invalid number",
 * the line added where the result meets its redirections); just-bash's wrote "printf: …" */
function printfErrors<R extends { stderr: string }>(r: R): R {
  return r.stderr.includes("printf: ") ? { ...r, stderr: r.stderr.replace(/^printf: /gm, "bash: printf: ") } : r;
}

/** what printf ARGS does, with just-bash's printf (`orig`) doing the formatting */
export async function printfBuiltin<R extends { stdout: string; stderr: string; exitCode: number }>(
  args: string[],
  orig: (argv: string[]) => Promise<R>,
): Promise<R | { stdout: string; stderr: string; exitCode: number }> {
  const o = printfOptions(args);
  if ("error" in o) return { stdout: "", stderr: o.error, exitCode: 2 };
  const scan = printfScan(o.format);
  const run = scan.error
    ? printfArgv(o.v, scan.fmt.slice(0, scan.error.at), o.args.slice(0, scan.error.args))
    : printfArgv(o.v, scan.fmt, printfCut(o.args, scan));
  // a bad directive first: nothing to print (just-bash is not asked: an empty format is its
  // usage), but -v VAR still gets what was printed, nothing
  let r: R | { stdout: string; stderr: string; exitCode: number } =
    scan.error?.at === 0 ? (o.v === undefined ? { stdout: "", stderr: "", exitCode: 0 } : await orig(printfArgv(o.v, "%s", [""]))) : await orig(run);
  // (the format's warnings come again with each use of it: one per group of arguments)
  const uses = scan.error ? 1 : scan.perPass > 0 ? Math.max(1, Math.ceil(o.args.length / scan.perPass)) : 1;
  const warn = printfWarnings(scan, o.args, uses);
  if (warn || scan.error) r = { ...r, stderr: warn + r.stderr + (scan.error?.message ?? ""), exitCode: scan.error ? 1 : r.exitCode };
  return printfErrors(r);
}
