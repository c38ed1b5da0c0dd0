/**
 * glibc fnmatch(3): `*`, `?`, bracket classes (`[!…]`) and backslash escapes, with FNM_CASEFOLD
 * and FNM_PATHNAME (a wildcard never matches `/`: glob(3)'s per-component match) — ip addr show
 * label, nstat patterns, ls -I/--hide, sysctl's globs.
 */
export function fnmatchRegExp(pattern: string, opts: { caseFold?: boolean; pathname?: boolean } = {}): RegExp {
  const any = opts.pathname ? "[^/]" : ".";
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += any + "*";
    else if (c === "?") re += any;
    else if (c === "[") {
      const j = pattern.indexOf("]", i + 2);
      if (j < 0) re += "\\[";
      else {
        let cls = pattern.slice(i + 1, j);
        if (cls.startsWith("!")) cls = "^" + cls.slice(1);
        re += `[${cls.replace(/\\/g, "\\\\")}]`;
        i = j;
      }
    } else if (c === "\\" && i + 1 < pattern.length) re += "\\" + pattern[++i];
    else re += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(re + "$", opts.caseFold ? "i" : "");
}

/** fnmatch(3): 0 on a match; `caseFold` is FNM_CASEFOLD */
export function fnmatch(pattern: string, s: string, caseFold = false): number {
  return fnmatchRegExp(pattern, { caseFold }).test(s) ? 0 : 1;
}
