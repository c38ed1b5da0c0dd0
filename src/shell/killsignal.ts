/**
 * A process's kill switch without an EventTarget. Every tool run has several (its own, its
 * pipe's SIGPIPE, a `timeout` above it, the shell command's context) and one signal that is
 * aborted when any of them is; built from AbortControllers that was half of what starting a
 * tool cost (three controllers, their signals and listeners per command). `Kill` is the
 * flag and its listeners; `AnyKill` is the union of several, whose listeners reach the
 * sources only when a program adds one (most never do).
 *
 * AbortController and AbortSignal fit these interfaces: just-bash's per-command context
 * signal and the line's signal are real ones and are sources as they are.
 */

import type { KillSignal } from "../userland/process.ts";

export type { KillSignal };

/** what ends a process: `abort()` sets its signal once */
export interface Killer {
  abort(): void;
  readonly signal: KillSignal;
}

/** a kill switch: AbortController's abort() and its signal in one object */
export class Kill implements Killer, KillSignal {
  aborted = false;
  private fns: (() => void)[] | undefined;

  get signal(): KillSignal {
    return this;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const fns = this.fns;
    this.fns = undefined;
    if (!fns) return;
    // every listener runs, as an EventTarget's do, even if one throws
    let failed: { e: unknown } | undefined;
    for (const f of fns) {
      try {
        f();
      } catch (e) {
        failed ??= { e };
      }
    }
    if (failed) throw failed.e;
  }

  addEventListener(_type: "abort", fn: () => void): void {
    // an aborted signal fires no more; the same listener twice is one (EventTarget)
    if (this.aborted) return;
    const fns = (this.fns ??= []);
    if (!fns.includes(fn)) fns.push(fn);
  }

  removeEventListener(_type: "abort", fn: () => void): void {
    const fns = this.fns;
    if (!fns) return;
    const i = fns.indexOf(fn);
    if (i >= 0) fns.splice(i, 1);
  }
}

/** a signal that never fires */
export const NEVER_KILLED: KillSignal = {
  aborted: false,
  addEventListener() {},
  removeEventListener() {},
};

/**
 * Aborted when any source is. `dispose()` detaches it for good (the tool exited): just-bash
 * aborts each command's context signal once the command is done, which must not reach a
 * program's signal that outlives it (a daemon's).
 */
export class AnyKill implements KillSignal {
  private sources: readonly KillSignal[];
  private links: { fn: () => void; w: () => void }[] = [];

  constructor(sources: readonly KillSignal[]) {
    this.sources = sources.filter((s) => s !== NEVER_KILLED);
  }

  get aborted(): boolean {
    for (const s of this.sources) if (s.aborted) return true;
    return false;
  }

  addEventListener(_type: "abort", fn: () => void): void {
    if (this.aborted) return;
    for (const l of this.links) if (l.fn === fn) return;
    // fires once, on the first source to abort
    const w = () => {
      this.removeEventListener("abort", fn);
      fn();
    };
    this.links.push({ fn, w });
    for (const s of this.sources) s.addEventListener("abort", w);
  }

  removeEventListener(_type: "abort", fn: () => void): void {
    const i = this.links.findIndex((l) => l.fn === fn);
    if (i < 0) return;
    const { w } = this.links[i]!;
    this.links.splice(i, 1);
    for (const s of this.sources) s.removeEventListener("abort", w);
  }

  /** detach from the sources; an aborted one stays aborted */
  dispose(): void {
    const was = this.aborted;
    for (const l of [...this.links]) this.removeEventListener("abort", l.fn);
    this.sources = was ? [ABORTED] : [];
  }
}

const ABORTED: KillSignal = { aborted: true, addEventListener() {}, removeEventListener() {} };

/**
 * An AbortSignal as a `Kill`-priced source. A line's signal (and a job's, a `timeout`'s) is a
 * real AbortSignal that outlives thousands of tool runs, and every run's AnyKill put a
 * listener on it and took it off again (the exec cost's sleep listens: EventTarget's add and
 * remove were ~2% of bench a). The relay listens to the signal once, for the signal's life, and
 * keeps the runs' listeners in a list of its own: they fire when the signal aborts, in the
 * order they were added, as they did on the signal (nothing else listens on these signals:
 * every listener on them came through a tool's AnyKill). Its `aborted` is the signal's own,
 * so it is exact also while the signal's abort event is being dispatched.
 */
class SignalRelay implements KillSignal {
  private readonly fns = new Kill();
  private listening = false;

  constructor(private readonly source: KillSignal) {}

  get aborted(): boolean {
    return this.source.aborted;
  }

  addEventListener(_type: "abort", fn: () => void): void {
    if (this.source.aborted) return;
    if (!this.listening) {
      this.listening = true;
      this.source.addEventListener("abort", () => this.fns.abort(), { once: true });
    }
    this.fns.addEventListener("abort", fn);
  }

  removeEventListener(_type: "abort", fn: () => void): void {
    this.fns.removeEventListener("abort", fn);
  }
}

const relays = new WeakMap<KillSignal, KillSignal>();

/** `s` with listeners that cost what a Kill's do (a Kill or NEVER_KILLED: itself) */
export function relayOf(s: KillSignal): KillSignal {
  if (s instanceof Kill || s === NEVER_KILLED) return s;
  let r = relays.get(s);
  if (!r) relays.set(s, (r = new SignalRelay(s)));
  return r;
}
