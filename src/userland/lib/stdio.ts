/**
 * A tool's buffered stdout, as stdio gives a C program whose stdout is a pipe: printf()
 * collects, fflush() writes, and a message to stderr flushes what stdout holds first so the
 * two streams keep their order. Tools whose output interleaves with their errors (arp, arping)
 * extend it.
 */
import type { Process } from "../process.ts";
import { sprintf } from "./printf.ts";

export class StdioOut {
  /** what printf() has buffered and fflush() has not written yet */
  out = "";

  constructor(readonly p: Process) {}

  /** printf(3) into the buffer (the format as is when there are no arguments) */
  printf(fmt: string, ...args: unknown[]): void {
    this.out += args.length ? sprintf(fmt, ...args) : fmt;
  }

  /** fflush(stdout) */
  flush(): void {
    if (this.out) this.p.stdout.write(this.out);
    this.out = "";
  }

  /** fprintf(stderr, …) after flushing stdout */
  err(s: string): void {
    this.flush();
    this.p.stderr.write(s);
  }
}
