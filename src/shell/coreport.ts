/**
 * What the coreutils ports over the host's files (cp.ts, rm.ts) share: their command line as
 * gnuCommandLine() (gnuopts.ts) spelt it out, read through tables of the options each port
 * handles (anything else: `undefined`, the command goes to just-bash's); their report (stdout,
 * messages, status); stat(2)/lstat(2) that give undefined for a missing file.
 */
import type { IFileSystem, FsStat } from "just-bash";

/** an option's effect on a port's settings `O`; a long option may take a value (`--x=V`) */
/**
 * A coreutils port's entry point: the words after the command name, the host's files, the
 * working directory and a directory's entries in the order they were made
 * (SimClockFs.entriesByAge); undefined for a command line the port leaves to just-bash.
 */
export type CorePort = (
  args: string[],
  fs: IFileSystem,
  cwd: string,
  byAge?: (dir: string) => string[] | undefined,
) => Promise<{ stdout: string; stderr: string; exitCode: number } | undefined>;

export type OptionTable<O> = Record<string, (o: O, value: string | undefined) => void>;

/**
 * The operands, with `o` set by the options, or undefined when an option is not in the tables.
 * `valued` names the options whose value may be the next word (short ones as a letter).
 */
export function portArgs<O>(args: string[], o: O, long: OptionTable<O>, short: OptionTable<O>, valued: string[] = []): string[] | undefined {
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return [...files, ...args.slice(i + 1)];
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const set = long[name];
      if (!set) return undefined;
      set(o, eq >= 0 ? a.slice(eq + 1) : valued.includes(name) ? args[++i] : undefined);
    } else if (a.startsWith("-") && a !== "-") {
      for (let k = 1; k < a.length; k++) {
        const c = a[k]!;
        const set = short[c];
        if (!set) return undefined;
        if (valued.includes(c)) {
          set(o, k + 1 < a.length ? a.slice(k + 1) : args[++i]);
          break;
        }
        set(o, undefined);
      }
    } else files.push(a);
  }
  return files;
}

/** a port's output and status: `fail()` adds a message ("TOOL: MSG") and makes it 1 */
export class Report {
  out = "";
  err = "";
  private ok = true;
  constructor(private readonly tool: string) {}
  fail(msg: string): void {
    this.err += `${this.tool}: ${msg}\n`;
    this.ok = false;
  }
  result(): { stdout: string; stderr: string; exitCode: number } {
    return { stdout: this.out, stderr: this.err, exitCode: this.ok ? 0 : 1 };
  }
}

/** stat(2) (`follow`) or lstat(2); undefined when there is nothing there */
export async function statOf(fs: IFileSystem, path: string, follow: boolean): Promise<FsStat | undefined> {
  try {
    return follow ? await fs.stat(path) : await fs.lstat(path);
  } catch {
    return undefined;
  }
}
