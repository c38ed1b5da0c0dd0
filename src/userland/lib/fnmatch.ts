/**
 * glibc fnmatch(3) without flags beyond FNM_CASEFOLD: `*`, `?`, bracket classes (`[!…]`) and
 * backslash escapes (ip addr show label, nstat patterns, ls -I/--hide).
 */
/** fnmatch(3): 0 on a match; `caseFold` is FNM_CASEFOLD */
export function fnmatch(pattern: string, s: string, caseFold = false): number {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
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
  return new RegExp(re + "$", caseFold ? "i" : "").test(s) ? 0 : 1;
}
