/**
 * The standard output and error of one tool process (see output.ts): each write goes where
 * the tool's fd points, the line's log (direct, in time order) or the tool's own result (a
 * file, a pipe, a command substitution, which just-bash routes), through a `| head` limit.
 */
import { decodeBytesToUtf8, unsafeBytesFromLatin1 } from "just-bash";
import { OutLog, PipeLimit, formatRoute, parseFlags, parseRoute, stripSentinels, IO_VAR, type Route } from "./output.ts";
import { Kill } from "./killsignal.ts";

/** the shell state the routing reads */
export interface IoHost {
  logs: Map<string, OutLog>;
  pipes: Map<string, PipeLimit>;
  nextPipe: number;
  orphanOutput: string[];
  now(): number;
}

/** bytes as a latin1 string, one char a byte (just-bash's ByteString) */
function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x2000) s += String.fromCharCode(...b.subarray(i, i + 0x2000));
  return s;
}

/** text as the latin1 string of its UTF-8 bytes */
function utf8Latin1(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s : latin1(new TextEncoder().encode(s));
}

/** a file a tool writes itself, as it goes (`> f`, `>> f`): output.ts's "f" */
export interface FileSink {
  write(data: string | Uint8Array): void;
}

type Dest = { log: 1 | 2 } | { res: "out" | "err" } | { file: FileSink } | { null: true };

/** /dev/null */
const NULL_DEST: Dest = { null: true };

function sameDest(a: Dest, b: Dest): boolean {
  if ("null" in a) return "null" in b;
  if ("null" in b) return false;
  if ("file" in a) return "file" in b && a.file === b.file;
  return "log" in a ? "log" in b && a.log === b.log : "res" in a && "res" in b && a.res === b.res;
}

/** a finished exec's result: what went to a log fd is put in the log, the rest returned */
export function settle(host: IoHost, route: Route | undefined, r: { stdout: string; stderr: string }) {
  const log = route ? host.logs.get(route.log) : undefined;
  let stdout = "";
  let stderr = "";
  const put = (fd: "1" | "2" | "-", text: string, own: "out" | "err") => {
    if (!text) return;
    if (fd === "-" || !route) {
      if (own === "out") stdout += stripSentinels(text);
      else stderr += stripSentinels(text);
    } else if (log?.open) log.splice(fd === "1" ? 1 : 2, text);
    else host.orphanOutput.push(stripSentinels(text));
  };
  put(route?.o ?? "-", r.stdout, "out");
  put(route?.e ?? "-", r.stderr, "err");
  return { stdout, stderr };
}

export class ToolIo {
  stdout = "";
  stderr = "";
  /** stdout holds bytes, one char each (outBytes was called): the exec's stdoutKind "bytes" */
  stdoutBytes = false;
  /** the process got SIGPIPE (its reader is gone) */
  sigpipe = false;
  /** aborted on SIGPIPE */
  readonly kill = new Kill();
  private readonly route: Route | undefined;
  private readonly outDest: Dest;
  private readonly errDest: Dest;
  private readonly pipe: PipeLimit | undefined;
  private readonly pipeId: string;
  private ownsPipe = false;

  constructor(
    private readonly host: IoHost,
    routeVar: string | undefined,
    flagStr: string,
    private readonly tty?: { write(s: string): void },
    files: { out?: FileSink; err?: FileSink } = {},
  ) {
    this.route = parseRoute(routeVar);
    const f = parseFlags(flagStr);
    // the exec's fd 1 or 2: the log fd its route feeds, or the tool's result on that fd
    const direct = (d: "1" | "2"): Dest => {
      const m = d === "1" ? this.route?.o : this.route?.e;
      const log = this.route ? host.logs.get(this.route.log) : undefined;
      if (log && (m === "1" || m === "2")) return { log: m === "1" ? 1 : 2 };
      return { res: d === "1" ? "out" : "err" };
    };
    this.outDest =
      f.out === "n" ? NULL_DEST
      : f.out === "f" && files.out ? { file: files.out }
      : f.out === "r" || f.out === "f" ? { res: "out" }
      : direct(f.out);
    this.errDest =
      f.err === "n" ? NULL_DEST
      : f.err === "f" && files.err ? { file: files.err }
      : f.err === "o" ? this.outDest
      : f.err === "r" || f.err === "f" ? { res: "err" }
      : direct(f.err);
    if (f.head !== undefined) {
      this.pipe = new PipeLimit(f.head);
      this.pipeId = String(host.nextPipe++);
      this.ownsPipe = true;
      host.pipes.set(this.pipeId, this.pipe);
    } else if (f.out === "1" && this.route?.pipe) {
      this.pipeId = this.route.pipe;
      this.pipe = host.pipes.get(this.pipeId);
    } else this.pipeId = "";
    this.pipe?.kills.add(this.kill);
  }

  private send(d: Dest, s: string, limited: boolean, raw = false): void {
    if (!s || this.sigpipe || "null" in d) return;
    if (limited && this.pipe && !this.pipe.accept(s, this.host.now())) {
      this.sigpipe = true;
      this.kill.abort();
      return;
    }
    if ("file" in d) return d.file.write(s);
    if (this.tty) return this.tty.write(s);
    if ("res" in d) {
      if (d.res === "out") this.stdout += this.stdoutBytes && !raw ? utf8Latin1(s) : s;
      else this.stderr += s;
      return;
    }
    const log = this.route ? this.host.logs.get(this.route.log) : undefined;
    if (log?.open) log.write(d.log, s);
    else this.host.orphanOutput.push(s);
  }

  out(s: string): void {
    this.send(this.outDest, s, true);
  }
  /**
   * Raw bytes on stdout: into a pipe, a file or a command substitution they go byte for byte
   * (the result becomes a latin1 byte string, stdoutKind "bytes", its text UTF-8 encoded);
   * a terminal shows their UTF-8 decoding.
   */
  outBytes(b: Uint8Array): void {
    if ("null" in this.outDest) return;
    if ("file" in this.outDest) {
      if (b.length && !this.sigpipe) this.outDest.file.write(b);
      return;
    }
    if (this.tty || !("res" in this.outDest && this.outDest.res === "out")) return this.out(new TextDecoder().decode(b));
    this.toBytes();
    this.send(this.outDest, latin1(b), true, true);
  }
  private toBytes(): void {
    if (this.stdoutBytes) return;
    this.stdout = utf8Latin1(this.stdout);
    this.stdoutBytes = true;
  }
  err(s: string): void {
    this.send(this.errDest, s, sameDest(this.errDest, this.outDest));
  }

  /**
   * poll(2) of stdout says POLLERR: the pipe's reader is gone (a `head -N` that got its lines
   * and exited) — the process is then as good as SIGPIPEd
   */
  outputGone(): boolean {
    if (this.sigpipe) return true;
    if (!this.pipe?.readerGone(this.host.now())) return false;
    this.sigpipe = true;
    this.kill.abort();
    return true;
  }

  /** the route of a child exec writing to this process's fds (ip netns exec, timeout) */
  childEnv(): Record<string, string> {
    const fd = (d: Dest): "1" | "2" | "-" => ("log" in d ? (d.log === 1 ? "1" : "2") : "-");
    const o = fd(this.outDest);
    const e = fd(this.errDest);
    if (o === "-" && e === "-" && !this.pipeId) return { [IO_VAR]: "" };
    return { [IO_VAR]: formatRoute({ log: this.route?.log ?? "", o, e, pipe: this.pipeId }) };
  }

  /** a child's result fds both end in one of ours: run it with `2>&1` so it keeps the order */
  childSuffix(): string {
    if ("file" in this.outDest && sameDest(this.outDest, this.errDest)) return " 2>&1";
    if ("res" in this.outDest && sameDest(this.outDest, this.errDest)) return this.outDest.res === "out" ? " 2>&1" : " 1>&2";
    return "";
  }

  /** a child exec ended: its logged output is spliced into the log, the rest written */
  childDone(r: { stdout: string; stderr: string; stdoutKind?: "text" | "bytes" }): void {
    const rest = settle(this.host, parseRoute(this.childEnv()[IO_VAR]), r);
    // the child's writes went through the pipe limit already; its bytes stay bytes
    if ("file" in this.outDest && r.stdoutKind === "bytes" && rest.stdout !== "") {
      this.outDest.file.write(Uint8Array.from(rest.stdout, (c) => c.charCodeAt(0)));
      this.send(this.errDest, rest.stderr, false);
      return;
    }
    const bytes = r.stdoutKind === "bytes" && rest.stdout !== "" && "res" in this.outDest && this.outDest.res === "out";
    if (bytes) this.toBytes();
    const text = r.stdoutKind === "bytes" && !bytes ? decodeBytesToUtf8(unsafeBytesFromLatin1(rest.stdout)) : rest.stdout;
    this.send(this.outDest, text, false, bytes);
    this.send(this.errDest, rest.stderr, false);
    if (this.pipe?.broken) this.sigpipe = true;
  }

  /** the process exited: drop its pipe limit */
  close(): void {
    this.pipe?.kills.delete(this.kill);
    if (this.ownsPipe) this.host.pipes.delete(this.pipeId);
  }
}
