/**
 * gnulib quotearg.c, shell_escape_quoting_style with ':' quoted too: coreutils' quotef(),
 * how GNU tools name a file in an error message (C locale). A name that needs no quoting is
 * printed as is; otherwise it goes in single quotes (double quotes when it holds a single
 * quote and nothing double quotes would expand), with bytes outside printable ASCII as
 * $'\ooo' (or $'\t' …) pieces between the quoted runs.
 */

const ESC: Record<number, string> = { 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r" };

/** quotef() of a name given as a JS string of bytes (each char one byte, or UTF-8 encoded) */
export function quotef(name: string): string {
  const bytes = [...new TextEncoder().encode(name)];
  if (bytes.length === 0) return "''";
  const printable = (b: number) => b >= 0x20 && b < 0x7f;
  const special = (c: string, i: number) =>
    ` !"$&'()*;<=>?[\\^\`|:`.includes(c) || ((c === "#" || c === "~") && i === 0) || ((c === "{" || c === "}") && bytes.length === 1);
  const needs = bytes.some((b, i) => !printable(b) || special(String.fromCharCode(b), i));
  if (!needs) return name;
  if (bytes.every(printable)) {
    const s = String.fromCharCode(...bytes);
    if (s.includes("'") && !/[$`"\\!]/.test(s)) return `"${s}"`;
    return `'${s.replace(/'/g, "'\\''")}'`;
  }
  // runs of printable bytes in quotes, the others as $'...'
  let out = "'";
  let open = true;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (printable(b)) {
      if (!open) {
        out += "'";
        open = true;
      }
      out += b === 0x27 ? "'\\''" : String.fromCharCode(b);
      i++;
      continue;
    }
    if (open) {
      out += "'";
      open = false;
    }
    out += "$'";
    while (i < bytes.length && !printable(bytes[i]!)) {
      const c = bytes[i++]!;
      out += ESC[c] !== undefined ? `\\${ESC[c]}` : `\\${c.toString(8).padStart(3, "0")}`;
    }
    out += "'";
  }
  if (open) out += "'";
  return out;
}

/** quoteaf(): shell_escape_always_quoting_style — quotef() that quotes every name ('x') */
export function quoteaf(name: string): string {
  const q = quotef(name);
  return q.startsWith("'") || q.startsWith('"') ? q : `'${name}'`;
}

/**
 * quote(): locale_quoting_style in the C locale, how coreutils quotes an argument it cannot
 * use ("invalid number of lines: 'x'"): always 'quoted', with C escapes — \\ for a backslash,
 * \' for the quote, \n \t … and \ooo for the other bytes outside printable ASCII
 */
export function quote(arg: string): string {
  let out = "'";
  for (const b of new TextEncoder().encode(arg)) {
    if (b === 0x5c) out += "\\\\";
    else if (b === 0x27) out += "\\'";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += ESC[b] !== undefined ? `\\${ESC[b]}` : `\\${b.toString(8).padStart(3, "0")}`;
  }
  return out + "'";
}
