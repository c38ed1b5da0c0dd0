/**
 * libxtables/xtoptions.c, the generic part: an extension's option table (struct
 * xt_option_entry), the checks xtables_option_parse() makes before an option's type is
 * parsed (used once, inverted only where allowed) and xtables_options_fcheck() after the
 * last option (mandatory, `also`, `excl`). The types' parsers are in ext_pkt.ts
 * (xtoptParse()); the first extensions, which parse their values themselves, give their
 * table as Ext.x6 and iptables.ts runs these checks around their parse().
 */
import { xtablesError, PARAMETER_PROBLEM } from "./xshared.ts";

/** xtables_strtoul(s, end, …): strtoumax(s, base 0) of a prefix, a leading minus refused;
 * [value, rest] or undefined when no digit is read (an overflow gives a value past u64) */
export function strtoumax(s: string): [bigint, string] | undefined {
  const m = /^[ \t\n\v\f\r]*(\+?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return undefined;
  const t = m[2]!;
  const v = /^0[xX]/.test(t) ? BigInt(t) : t.length > 1 && t[0] === "0" ? BigInt("0o" + t.slice(1)) : BigInt(t);
  if (v > 0xffffffffffffffffn) return [0xffffffffffffffffn + 1n, ""]; // ERANGE
  return [v, s.slice(m[0].length)];
}

/** xtopt_parse_mint() for the *RC types: up to two ':'-separated values 0..max, a missing
 * first one 0 and a missing second one max */
export function parseMintRange(s: string, max: bigint, ext: string, opt: string): bigint[] {
  const out: bigint[] = [];
  let arg = s;
  for (;;) {
    if (out.length === 2) xtablesError(PARAMETER_PROBLEM, `${ext}: Too many components for option "--${opt}" (max: 2)\n`);
    let value: bigint;
    let end: string;
    if (arg === "" || arg[0] === ":") {
      end = arg;
      value = out.length === 1 ? max : 0n;
    } else {
      const v = strtoumax(arg);
      if (!v || v[0] > max) xtablesError(PARAMETER_PROBLEM, `${ext}: bad value for option "--${opt}" near "${arg}", or out of range (0-${max}).\n`);
      [value, end] = v;
      if (end !== "" && end[0] !== ":")
        xtablesError(PARAMETER_PROBLEM, `${ext}: Argument to "--${opt}" has unexpected characters near "${end}".\n`);
    }
    out.push(value);
    if (end === "") return out;
    arg = end.slice(1);
  }
}

export const XTOPT_INVERT = 1;
export const XTOPT_MAND = 2;
/** may be given more than once (unless it excludes itself) */
export const XTOPT_MULTI = 4;

export type XtType = "none" | "string" | "uint8" | "uint16" | "uint32" | "uint64" | "double" | "tosmask" | "host" | "hostmask" | "plen";

export interface XtOpt {
  name: string;
  id: number;
  type: XtType;
  flags?: number;
  min?: number;
  max?: number;
  /** bit mask of option ids */
  excl?: number;
  also?: number;
  /** XTOPT_PUT of a string: the field's size (the value is cut to size - 1 bytes) */
  size?: number;
}

/** xtables_option_parse()'s checks before the type's parser. The entry returned is the first
 * of the option's id, as xtables_option_lookup() finds it: an alias (--dport) is named in
 * the messages as that entry is (--destination-port). */
export function xtoptCheck(ext: string, table: XtOpt[], o: string, invert: boolean, d: Record<string, any>): XtOpt {
  const id = table.find((x) => x.name === o)!.id;
  const e = table.find((x) => x.id === id)!;
  const bit = 1 << e.id;
  if ((!((e.flags ?? 0) & XTOPT_MULTI) || (e.excl ?? 0) & bit) && xflagsOf(d) & bit)
    xtablesError(PARAMETER_PROBLEM, `${ext}: option "--${e.name}" can only be used once.\n`);
  if (invert && !((e.flags ?? 0) & XTOPT_INVERT)) xtablesError(PARAMETER_PROBLEM, `${ext}: option "--${e.name}" cannot be inverted.\n`);
  return e;
}

/** cb->xflags |= 1 << entry->id, once the option is parsed */
export function xtoptSeen(d: Record<string, any>, e: XtOpt): void {
  d["__xflags"] = xflagsOf(d) | (1 << e.id);
}

/** the options seen (cb->xflags) */
export const xflagsOf = (d: Record<string, any>): number => d["__xflags"] ?? 0;

/** xtables_options_fcheck(): mandatory options, `also` and `excl` (xtables_option_mfcheck()
 * runs it after the extension's own x6_fcheck) */
export function xtoptFcheck(ext: string, table: XtOpt[], d: Record<string, any>): number {
  return xtoptFcheckFlags(ext, table, takeXflags(d));
}

/** the options the parse saw (cb->xflags), taken out of the rule's data */
export function takeXflags(d: Record<string, any>): number {
  const xflags: number = d["__xflags"] ?? 0;
  delete d["__xflags"];
  return xflags;
}

/** xtables_options_fcheck() over flags already taken */
export function xtoptFcheckFlags(ext: string, table: XtOpt[], xflags: number): number {
  for (const e of table) {
    if ((e.flags ?? 0) & XTOPT_MAND && !(xflags & (1 << e.id))) xtablesError(PARAMETER_PROBLEM, `${ext}: option "--${e.name}" must be specified\n`);
    if (!(xflags & (1 << e.id))) continue;
    for (let i = 0; i < 32; i++) {
      if (i === e.id) continue;
      const other = table.find((x) => x.id === i);
      if (!other) continue;
      const of = 1 << i;
      if ((e.also ?? 0) & of && !(xflags & of)) xtablesError(PARAMETER_PROBLEM, `${ext}: option "--${e.name}" also requires "--${other.name}".\n`);
      if (!((e.excl ?? 0) & of)) continue;
      if ((xflags & ((1 << e.id) | of)) !== ((1 << e.id) | of)) continue;
      xtablesError(PARAMETER_PROBLEM, `${ext}: option "--${e.name}" cannot be used together with "--${other.name}".\n`);
    }
  }
  return xflags;
}

export const optsOf = (t: XtOpt[]): Record<string, boolean> => Object.fromEntries(t.map((e) => [e.name, e.type !== "none"]));
