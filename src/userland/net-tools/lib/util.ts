/**
 * net-tools lib/util.c, lib/nstrcmp.c and the small C helpers the tools lean on
 * (perror, atoi, strtoul, getopt_long), shared by ifconfig, route, arp and netstat.
 */
import type { Process } from "../../process.ts";
import { Exit } from "../../process.ts";
import type { KErr } from "../../../kernel/uapi/errno.ts";
import { strerror } from "../../../kernel/uapi/errno.ts";

export { sprintf } from "../../lib/printf.ts";

/** lib/net-support.h: exit codes */
export const E_NOTFOUND = 8;
export const E_SOCK = 7;
export const E_LOOKUP = 6;
export const E_VERSION = 0;
export const E_USAGE = 0;
export const E_OPTERR = 3;
export const E_INTERN = 2;
export const E_NOSUPP = 1;

/** lib/net-support.h: option flags */
export const FLAG_EXT = 3;
export const FLAG_NUM_HOST = 4;
export const FLAG_NUM_PORT = 8;
export const FLAG_NUM_USER = 16;
export const FLAG_NUM = FLAG_NUM_HOST | FLAG_NUM_PORT | FLAG_NUM_USER;
export const FLAG_SYM = 32;
export const FLAG_CACHE = 64;
export const FLAG_FIB = 128;
export const FLAG_VERBOSE = 256;

/** config.h of Debian's net-tools 2.10 build: `route -V`, `arp -V`, `netstat -V` */
export const RELEASE = "net-tools 2.10";
/**
 * lib/net-features.h: the Features string each tool compiles (FEATURE_ROUTE / FEATURE_NETSTAT
 * add the route flags, netstat its masquerading; arp names its DFLT_HW)
 */
export function features(tool: "arp" | "route" | "netstat"): string {
  const route = tool === "arp" ? "" : "+NEW_ADDRT +RTF_IRTT +RTF_REJECT ";
  const fw = tool === "netstat" ? "+FW_MASQUERADE " : "";
  return `${route}${fw}+I18N +SELINUX\n` +
    "AF: (inet) +UNIX +INET +INET6 +IPX +AX25 +NETROM +X25 +ATALK +ECONET +ROSE -BLUETOOTH\n" +
    `HW: ${tool === "arp" ? "(ether)" : ""} +ETHER +ARC +SLIP +PPP +TUNNEL -TR +AX25 +NETROM +X25 +FR +ROSE +ASH +SIT +FDDI +HIPPI +HDLC/LAPB +EUI64 `;
}

/** a usage() of net-tools: `FILE *fp = rc ? stderr : stdout` (an error, or --help); returns rc */
export function usageText(p: Process, rc: number, text: string): number {
  if (rc) p.stderr.write(text);
  else p.stdout.write(text);
  return rc;
}

/** perror(3): "s: strerror(errno)" */
export function perror(p: Process, s: string, e: KErr): void {
  p.stderr.write(`${s}: ${strerror(e.errno)}\n`);
}

/** C isdigit() */
import { isdigit, isspace } from "../../lib/ctype.ts";

export { isdigit, isspace };

/** strtol/strtoul(s, &end, base): the value (wrapped like the C type) and the unparsed rest */
export function strtol(s: string, base = 10): { v: number; rest: string; ok: boolean } {
  let i = 0;
  while (isspace(s[i])) i++;
  let neg = false;
  if (s[i] === "+" || s[i] === "-") {
    neg = s[i] === "-";
    i++;
  }
  if ((base === 0 || base === 16) && s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X") && /[0-9a-fA-F]/.test(s[i + 2] ?? "")) {
    i += 2;
    base = 16;
  } else if (base === 0) base = s[i] === "0" ? 8 : 10;
  const start = i;
  let v = 0;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, 36);
    if (Number.isNaN(d) || d >= base) break;
    v = v * base + d;
  }
  if (i === start) return { v: 0, rest: s, ok: false };
  return { v: neg ? -v : v, rest: s.slice(i), ok: true };
}

/** atoi(3): leading digits, 0 when none; wraps like a 32-bit int */
export function atoi(s: string): number {
  return strtol(s, 10).v | 0;
}

/** strtoul(s, NULL, 0) as an unsigned 32-bit value */
export function strtoul0(s: string): number {
  return strtol(s, 0).v >>> 0;
}

/** lib/nstrcmp.c: cutalias() — the numeric ":NNN" suffix, and the name without it */
function cutalias(name: string): { base: string; alias: string | undefined } {
  let digit = false;
  for (let pos = name.length; pos > 0; pos--) {
    const c = name[pos - 1]!;
    if (c === ":" && digit) return { base: name.slice(0, pos - 1), alias: name.slice(pos) };
    if (!isdigit(c)) break;
    digit = true;
  }
  return { base: name, alias: undefined };
}

/** lib/nstrcmp.c: rindex_nondigit() */
function rindexNondigit(name: string): number {
  for (let pos = name.length; pos > 0; pos--) if (!isdigit(name[pos - 1])) return pos;
  return 0;
}

function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** lib/nstrcmp.c: nstrcmp() — like strcmp(), but knows about numbers and ':' alias suffix */
export function nstrcmp(ap: string, bp: string): number {
  const A = cutalias(ap);
  const B = cutalias(bp);
  const a = A.base;
  const b = B.base;
  const aindex = rindexNondigit(a);
  const bindex = rindexNondigit(b);
  const complen = Math.min(aindex, bindex);
  const res = strcmp(a.slice(0, complen), b.slice(0, complen));
  if (res !== 0) return res;
  if (aindex > bindex) return 1;
  if (aindex < bindex) return -1;
  const av = atoi(a.slice(aindex));
  const bv = atoi(b.slice(bindex));
  if (av < bv) return -1;
  if (av > bv) return 1;
  const r2 = strcmp(a, b);
  if (r2 !== 0) return r2;
  const aa = A.alias !== undefined ? atoi(A.alias) : -1;
  const ba = B.alias !== undefined ? atoi(B.alias) : -1;
  if (aa < ba) return -1;
  if (aa > ba) return 1;
  if (A.alias !== undefined && B.alias !== undefined) return strcmp(A.alias, B.alias);
  return 0;
}

/** safe_strncpy(host, arg, 128): the host and address arguments of ifconfig, route and arp
 * are read into 128-byte buffers (127 bytes and the NUL) */
export function hostBuf(arg: string): string {
  return arg.length > 127 ? arg.slice(0, 127) : arg;
}

/** safe_strncpy(dst, src, IFNAMSIZ): names are cut to 15 bytes */
export function ifnamsiz(name: string): string {
  return name.length > 15 ? name.slice(0, 15) : name;
}

export function exit(code: number): never {
  throw new Exit(code & 0xff);
}

// ------------------------------------------------------------------------- getopt_long

export interface LongOpt {
  name: string;
  hasArg: 0 | 1 | 2;
  /** the short option character it maps to */
  val: string;
}

export interface GetoptResult {
  /** options in order: [char, optarg] */
  opts: [string, string | undefined][];
  /** non-option arguments (GNU permutes them to the end) */
  args: string[];
}

/**
 * glibc getopt_long() with GNU argument permutation: options anywhere, `--` ends them (a
 * leading `+` in `shortopts`, REQUIRE_ORDER: the first non-option ends them too).
 * Unknown options and missing arguments are reported as glibc does ("PROG: invalid option --
 * 'x'", "PROG: option requires an argument -- 'x'", "PROG: unrecognized option '--xx'") and
 * yield '?'. `stopAtError`: parsing ends at the first '?', for a tool whose getopt loop exits
 * there (only that message is printed, as with glibc); `firstOnly`: it ends after the first
 * option of any kind (a loop whose every case returns); `stopAt`: it ends after any of these
 * option characters (cases that exit, as usage or version); `stopIf`: called with each option
 * as getopt_long() returns it (a case acting at once, as -A with an unknown family), true
 * ends the parsing there.
 */
export function getoptLong(
  p: Process, argv: string[], shortopts: string, longopts: LongOpt[] = [],
  { stopAtError = false, firstOnly = false, stopAt = "", stopIf }: { stopAtError?: boolean; firstOnly?: boolean; stopAt?: string; stopIf?: (opt: string, arg: string | undefined) => boolean } = {},
): GetoptResult {
  const prog = argv[0] ?? "";
  const opts: [string, string | undefined][] = [];
  let stopped = false;
  const seen = (o: [string, string | undefined]): void => {
    opts.push(o);
    if (stopIf && o[0] !== "?" && stopIf(o[0], o[1])) stopped = true;
  };
  const args: string[] = [];
  const err = (s: string): void => p.stderr.write(`${prog}: ${s}\n`);
  const inOrder = shortopts.startsWith("+");
  if (inOrder) shortopts = shortopts.slice(1);
  for (let i = 1; i < argv.length; i++) {
    if (stopAtError && opts.length && opts[opts.length - 1]![0] === "?") return { opts, args };
    if (firstOnly && opts.length) return { opts, args };
    if (stopped || (stopAt && opts.length && stopAt.includes(opts[opts.length - 1]![0]))) return { opts, args };
    const a = argv[i]!;
    if (a === "--") {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const exact = longopts.find((o) => o.name === name);
      const cands = exact ? [exact] : longopts.filter((o) => o.name.startsWith(name));
      const uniq = cands.filter((o, k) => cands.findIndex((c) => c.val === o.val && c.hasArg === o.hasArg) === k);
      if (uniq.length === 0) {
        err(`unrecognized option '${a}'`);
        seen(["?", undefined]);
        continue;
      }
      if (uniq.length > 1) {
        err(`option '${a}' is ambiguous; possibilities:${cands.map((c) => ` '--${c.name}'`).join("")}`);
        seen(["?", undefined]);
        continue;
      }
      const o = uniq[0]!;
      if (o.hasArg === 0 && eq >= 0) {
        err(`option '--${o.name}' doesn't allow an argument`);
        seen(["?", undefined]);
        continue;
      }
      if (o.hasArg === 1) {
        let v: string | undefined;
        if (eq >= 0) v = a.slice(eq + 1);
        else if (i + 1 < argv.length) v = argv[++i];
        else {
          err(`option '--${o.name}' requires an argument`);
          seen(["?", undefined]);
          continue;
        }
        seen([o.val, v]);
      } else seen([o.val, eq >= 0 ? a.slice(eq + 1) : undefined]);
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        if (stopAtError && opts.length && opts[opts.length - 1]![0] === "?") return { opts, args };
        if (firstOnly && opts.length) return { opts, args };
        if (stopped || (stopAt && opts.length && stopAt.includes(opts[opts.length - 1]![0]))) return { opts, args };
        const c = a[j]!;
        const k = shortopts.indexOf(c);
        if (k < 0 || c === ":") {
          err(`invalid option -- '${c}'`);
          seen(["?", undefined]);
          continue;
        }
        if (shortopts[k + 1] === ":") {
          const optional = shortopts[k + 2] === ":";
          if (j + 1 < a.length) {
            seen([c, a.slice(j + 1)]);
          } else if (optional) {
            seen([c, undefined]);
          } else if (i + 1 < argv.length) {
            seen([c, argv[++i]]);
          } else {
            err(`option requires an argument -- '${c}'`);
            seen(["?", undefined]);
          }
          break;
        }
        seen([c, undefined]);
      }
      continue;
    }
    if (inOrder) {
      args.push(...argv.slice(i));
      break;
    }
    args.push(a);
  }
  return { opts, args };
}
