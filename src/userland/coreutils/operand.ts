/**
 * A FILE operand of a coreutils filter read whole: "-" is standard input; a file that cannot
 * be read is named the way head.c and tail.c name it — open(2) fails ("cannot open 'F' for
 * reading: ERR"), or, for a directory, open succeeds and read(2) fails ("error reading 'F':
 * Is a directory"). Their headers and raw output.
 */
import type { Process } from "../process.ts";
import { quoteaf } from "../lib/quotearg.ts";

export type Operand = { bytes: Uint8Array } | { openError: string } | { readError: string };

export async function readOperand(p: Process, name: string): Promise<Operand> {
  if (name === "-") return { bytes: p.stdinBytes ?? new TextEncoder().encode(p.stdin) };
  const b = p.readFileBytes ? await p.readFileBytes(name) : undefined;
  if (b) return { bytes: b };
  const why = (p.readError ? await p.readError(name) : undefined) ?? "No such file or directory";
  return why === "Is a directory" ? { readError: why } : { openError: why };
}

/** the message of an operand that could not be read, for PROG about `pretty` (its name) */
export function operandMessage(prog: string, pretty: string, r: { openError: string } | { readError: string }): string {
  return "openError" in r ? `${prog}: cannot open ${quoteaf(pretty)} for reading: ${r.openError}\n` : `${prog}: error reading ${quoteaf(pretty)}: ${r.readError}\n`;
}


/** stdout's bytes as they are (a pipe or file gets them unchanged) */
export function writeOut(p: Process, b: Uint8Array): void {
  if (!b.length) return;
  if (p.stdout.writeBytes) p.stdout.writeBytes(b);
  else p.stdout.write(new TextDecoder().decode(b));
}

/** write_header() of head.c and tail.c: "==> NAME <==", a blank line before all but the first */
export function headerWriter(p: Process): (name: string) => void {
  let first = true;
  return (name) => {
    p.stdout.write(`${first ? "" : "\n"}==> ${name} <==\n`);
    first = false;
  };
}
