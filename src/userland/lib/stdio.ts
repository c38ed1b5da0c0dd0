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

/**
 * stdout as glibc buffers it for a program that leaves it alone: line by line on a terminal,
 * in 4096-byte blocks on a pipe or file, or not at all after setbuf(stdout, NULL). What it
 * holds is written by fflush() and at exit(); a process a signal kills first loses it.
 */
export class CStdout {
  private buf = "";
  private mode: "line" | "full" | "none";

  constructor(private readonly to: { write(s: string): void }, isatty: boolean) {
    this.mode = isatty ? "line" : "full";
  }

  write(s: string): void {
    this.buf += s;
    if (this.mode === "none") this.flush();
    else if (this.mode === "line") {
      const nl = this.buf.lastIndexOf("\n");
      if (nl >= 0) {
        this.to.write(this.buf.slice(0, nl + 1));
        this.buf = this.buf.slice(nl + 1);
      }
    } else {
      while (this.buf.length >= 4096) {
        this.to.write(this.buf.slice(0, 4096));
        this.buf = this.buf.slice(4096);
      }
    }
  }

  /** fflush(stdout) */
  flush(): void {
    if (this.buf) this.to.write(this.buf);
    this.buf = "";
  }

  /** setbuf(stdout, NULL) */
  unbuffered(): void {
    this.flush();
    this.mode = "none";
  }
}

/** the CStdout a tool runs with, when it has one (fflush(stdout) for the code it calls) */
export function fflush(p: Process): void {
  if (p.stdout instanceof CStdout) p.stdout.flush();
}
