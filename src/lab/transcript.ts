/** Transcripts: one JSON object per command (LAB-FORMAT.md). */

export interface Entry {
  host: string;
  cmd: string;
  exit: number | null;
  stdout: string;
  stderr: string;
  /** a state dump labtool added (`# labtool:dump`) */
  dump?: boolean;
  /** which kernel run (kernel transcripts hold several) */
  run?: number;
  ms?: number;
  /** stdout and stderr as a terminal showed them, interleaved in the order written (not in
   * transcripts: they keep the two apart) */
  output?: string;
}

export function parseJsonl(text: string): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    out.push(JSON.parse(line) as Entry);
  }
  return out;
}

/** Python's json.dumps() default separators and ASCII escaping, so files diff cleanly with labtool's */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") {
    let s = '"';
    for (const ch of v) {
      const c = ch.codePointAt(0)!;
      if (ch === '"') s += '\\"';
      else if (ch === "\\") s += "\\\\";
      else if (ch === "\n") s += "\\n";
      else if (ch === "\r") s += "\\r";
      else if (ch === "\t") s += "\\t";
      else if (ch === "\b") s += "\\b";
      else if (ch === "\f") s += "\\f";
      else if (c < 0x20 || (c >= 0x7f && c <= 0xffff)) s += "\\u" + c.toString(16).padStart(4, "0");
      else if (c > 0xffff) {
        const u = c - 0x10000;
        s += "\\u" + (0xd800 + (u >> 10)).toString(16) + "\\u" + (0xdc00 + (u & 0x3ff)).toString(16);
      } else s += ch;
    }
    return s + '"';
  }
  if (Array.isArray(v)) return "[" + v.map(pyJsonDumps).join(", ") + "]";
  const o = v as Record<string, unknown>;
  return (
    "{" +
    Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .map((k) => pyJsonDumps(k) + ": " + pyJsonDumps(o[k]))
      .join(", ") +
    "}"
  );
}

/** one transcript line, as labtool writes it */
export function entryLine(e: Entry): string {
  const o: Record<string, unknown> = { host: e.host, cmd: e.cmd, exit: e.exit, stdout: e.stdout, stderr: e.stderr };
  if (e.dump) o.dump = true;
  if (e.ms !== undefined) o.ms = e.ms;
  if (e.run !== undefined) o.run = e.run;
  return pyJsonDumps(o);
}
