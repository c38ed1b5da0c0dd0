/**
 * coreutils `date` for the common cases, on the world's clock (just-bash's reads the real
 * one): no operand or `+FORMAT`, with `-u`/`--utc`/`-R`; the zone is UTC, as on the lab hosts.
 */
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const DAYS_FULL = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_FULL = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const p2 = (n: number) => String(n).padStart(2, "0");

/** strftime() in the C locale, UTC */
export function strftime(fmt: string, secs: number, usec = 0): string {
  const d = new Date(Math.floor(secs) * 1000);
  const Y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  const H = d.getUTCHours();
  const M = d.getUTCMinutes();
  const S = d.getUTCSeconds();
  const w = d.getUTCDay();
  const yday = Math.floor((Date.UTC(Y, m, day) - Date.UTC(Y, 0, 1)) / 86400000) + 1;
  const conv: Record<string, () => string> = {
    a: () => DAYS[w]!, A: () => DAYS_FULL[w]!, b: () => MONTHS[m]!, h: () => MONTHS[m]!, B: () => MONTHS_FULL[m]!,
    d: () => p2(day), e: () => String(day).padStart(2, " "), m: () => p2(m + 1), Y: () => String(Y), y: () => p2(Y % 100),
    H: () => p2(H), M: () => p2(M), S: () => p2(S), I: () => p2(H % 12 || 12), p: () => (H < 12 ? "AM" : "PM"),
    j: () => String(yday).padStart(3, "0"), s: () => String(Math.floor(secs)), N: () => String(usec * 1000).padStart(9, "0"),
    Z: () => "UTC", z: () => "+0000", u: () => String(w || 7), w: () => String(w), n: () => "\n", t: () => "\t", "%": () => "%",
    F: () => `${Y}-${p2(m + 1)}-${p2(day)}`, T: () => `${p2(H)}:${p2(M)}:${p2(S)}`, D: () => `${p2(m + 1)}/${p2(day)}/${p2(Y % 100)}`,
    R: () => `${p2(H)}:${p2(M)}`, c: () => `${DAYS[w]} ${MONTHS[m]} ${String(day).padStart(2, " ")} ${p2(H)}:${p2(M)}:${p2(S)} ${Y}`,
  };
  return fmt.replace(/%([a-zA-Z%])/g, (all, c: string) => conv[c]?.() ?? all);
}

/** the output of `date ARGS`, or undefined when just-bash's date should handle them */
export function dateOutput(args: string[], secs: number, usec: number): string | undefined {
  let fmt = "%a %b %e %H:%M:%S %Z %Y";
  for (const a of args) {
    if (a === "-u" || a === "--utc" || a === "--universal") continue;
    if (a === "-R" || a === "--rfc-email") fmt = "%a, %d %b %Y %H:%M:%S %z";
    else if (a.startsWith("+")) fmt = a.slice(1);
    else return undefined;
  }
  return strftime(fmt, secs, usec) + "\n";
}
