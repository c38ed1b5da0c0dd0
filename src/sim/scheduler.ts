/**
 * The one simulated clock of a world. Time is in microseconds since the world booted.
 * Events run in (time, seq) order, so the same lab gives the same result every time.
 *
 * Kernel code arms timers (`at`, `after`, `Timer.mod`) the way Linux uses mod_timer/del_timer.
 * Processes (commands, background jobs, daemons) run as promises tracked by the job
 * accounting below: simulated time advances only when every live job is blocked on the
 * simulator (sleeping, waiting for a packet, waiting for another job).
 */
export type Micros = number;

export const USEC_PER_SEC = 1_000_000;
export const USEC_PER_MSEC = 1000;
/** CONFIG_HZ of the Debian kernel: jiffies tick 250 times a second. */
export const HZ = 250;
export const USEC_PER_JIFFY = USEC_PER_SEC / HZ;

export class Timer {
  when = 0;
  seq = 0;
  /** index in the heap, -1 when not pending */
  idx = -1;
  constructor(
    private readonly sched: Scheduler,
    public fn: () => void,
    public readonly label: string,
  ) {}
  get pending(): boolean {
    return this.idx >= 0;
  }
  /** mod_timer(): (re)arm to fire at `when`. */
  mod(when: Micros): void {
    this.sched.arm(this, when);
  }
  /** del_timer() */
  cancel(): void {
    this.sched.disarm(this);
  }
}

/** A job's handle on the simulator while it waits for something the simulator will do. */
export interface Block {
  readonly promise: Promise<void>;
  unblock(): void;
}

/** a Block whose first unblock() runs `onUnblock` and settles the promise; later calls do nothing */
export function oneShotBlock(onUnblock: () => void): Block {
  let resolve!: () => void;
  let done = false;
  const promise = new Promise<void>((r) => (resolve = r));
  return {
    promise,
    unblock: () => {
      if (done) return;
      done = true;
      onUnblock();
      resolve();
    },
  };
}

export class Scheduler {
  now: Micros = 0;
  private seq = 0;
  private heap: Timer[] = [];
  /** live jobs (commands, background jobs, daemons) and how many of them wait on the simulator */
  active = 0;
  blocked = 0;
  private wake: (() => void) | null = null;
  /** events run so far; a cheap progress measure for tests and benches */
  events = 0;

  timer(fn: () => void, label = ""): Timer {
    return new Timer(this, fn, label);
  }

  at(when: Micros, fn: () => void, label = ""): Timer {
    const t = new Timer(this, fn, label);
    this.arm(t, when);
    return t;
  }

  after(delay: Micros, fn: () => void, label = ""): Timer {
    return this.at(this.now + delay, fn, label);
  }

  /** @internal */
  arm(t: Timer, when: Micros): void {
    if (when < this.now) when = this.now;
    t.when = when;
    t.seq = this.seq++;
    if (t.idx >= 0) {
      // re-armed while pending (mod_timer() of a pending timer): its new key moves it up or
      // down from where it is, one sift instead of a removal's two and an insertion's one
      // (the keys are unique, so the order events run in is the same)
      this.up(t.idx);
      this.down(t.idx);
      return;
    }
    t.idx = this.heap.length;
    this.heap.push(t);
    this.up(t.idx);
  }

  /** @internal */
  disarm(t: Timer): void {
    if (t.idx >= 0) this.remove(t.idx);
  }

  nextEventTime(): Micros | undefined {
    return this.heap.length ? this.heap[0]!.when : undefined;
  }

  /** Run the next due event; false when there is none. */
  step(): boolean {
    const t = this.heap[0];
    if (!t) return false;
    this.remove(0);
    if (t.when > this.now) this.now = t.when;
    this.events++;
    t.fn();
    return true;
  }

  /** Process everything due at or before `t`, then set the clock to `t`. */
  runUntil(t: Micros): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.when > t) break;
      this.step();
    }
    if (t > this.now) this.now = t;
  }

  /** Tests: let the network settle (bounded). */
  runUntilIdle(maxEvents = 10_000_000): void {
    let n = 0;
    while (n++ < maxEvents && this.step()) {
      /* keep going */
    }
  }

  // ------------------------------------------------------------ job accounting

  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Count a job (a command, a background job, a daemon) as live until `p` settles. */
  track<T>(p: Promise<T>): Promise<T> {
    this.active++;
    this.kick();
    return p.finally(() => {
      this.active--;
      this.kick();
    });
  }

  /** The calling job waits `delay` µs of simulated time. */
  sleep(delay: Micros): Promise<void> {
    const b = this.block();
    this.after(delay, () => b.unblock(), "sleep");
    return b.promise;
  }

  /** The calling job waits until something the simulator does calls `unblock()`. */
  block(): Block {
    this.blocked++;
    this.kick();
    return oneShotBlock(() => {
      this.blocked--;
      this.kick();
    });
  }

  /** The calling job waits for another promise (e.g. `wait` for background jobs). */
  async blockedOn<T>(p: Promise<T>): Promise<T> {
    this.blocked++;
    this.kick();
    try {
      return await p;
    } finally {
      this.blocked--;
      this.kick();
    }
  }

  /**
   * Drive the world until `p` settles: while every live job is blocked, run simulator events
   * (advancing the clock); otherwise let the host run the jobs. `yieldToHost` is the platform's
   * macrotask turn (setImmediate in Node, a MessageChannel post in a browser).
   */
  async drive<T>(p: Promise<T>, yieldToHost: () => Promise<void>): Promise<T> {
    let done = false;
    const tracked = this.track(p).finally(() => {
      done = true;
      this.kick();
    });
    tracked.catch(() => {});
    // one host turn at a time: a wait that the jobs end by blocking (most do, within
    // microtasks) leaves its turn pending, and that turn wakes whichever wait is current when
    // it comes (a turn per wait was a macrotask and a promise per wait, ~13 per ping of c)
    let hostTurn = false;
    const turnDone = () => {
      hostTurn = false;
      this.kick();
    };
    while (!done) {
      if (this.active > 0 && this.blocked >= this.active) {
        // every job waits on the simulator: run events until one of them wakes up
        while (!done && this.blocked >= this.active) {
          if (!this.step()) throw new Error(`deadlock at t=${this.now}us: every job waits and nothing is scheduled`);
        }
        continue;
      }
      await new Promise<void>((res) => {
        this.wake = res;
        if (done || (this.active > 0 && this.blocked >= this.active)) res();
        else if (!hostTurn) {
          hostTurn = true;
          void yieldToHost().then(turnDone);
        }
      });
      this.wake = null;
    }
    return tracked;
  }

  // ------------------------------------------------------------ binary heap on (when, seq)

  private less(a: Timer, b: Timer): boolean {
    return a.when < b.when || (a.when === b.when && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    const t = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = h[p]!;
      if (!this.less(t, pt)) break;
      h[i] = pt;
      pt.idx = i;
      i = p;
    }
    h[i] = t;
    t.idx = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const t = h[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(h[c + 1]!, h[c]!)) c++;
      const ct = h[c]!;
      if (!this.less(ct, t)) break;
      h[i] = ct;
      ct.idx = i;
      i = c;
    }
    h[i] = t;
    t.idx = i;
  }

  private remove(i: number): void {
    const h = this.heap;
    const t = h[i]!;
    const last = h.pop()!;
    t.idx = -1;
    if (i < h.length) {
      h[i] = last;
      last.idx = i;
      this.down(i);
      this.up(last.idx);
    }
  }
}
