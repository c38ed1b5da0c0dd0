/**
 * Run one job to completion on the world's scheduler, advancing simulated time only while
 * every live job waits on the simulator.
 *
 * `Scheduler.drive(p)` counts `p` as a live job; when `p` settles, its count drops a few
 * microtasks before `drive` notices it is done, and if every other job (a background daemon)
 * is blocked just then, `drive` runs one more event — a sleeping daemon's wake-up, say — that
 * belongs to the next command. So the job is wrapped: the driver waits on a Block that the
 * job releases, and a short-lived "hold" job keeps the count up until `drive` has returned.
 */
import type { Scheduler } from "../sim/scheduler.ts";
import { macrotask } from "./macrotask.ts";

export interface JobHandle<T> {
  /** settle the job's result now (a timeout or Ctrl-C); the work itself may go on */
  finish(r: T): void;
  readonly settled: boolean;
}

export async function runJob<T>(
  sched: Scheduler,
  start: (h: JobHandle<T>) => Promise<T>,
  onError: (e: unknown) => T,
): Promise<T> {
  let result: { v: T } | undefined;
  let release: (() => void) | undefined;
  const done = sched.block();
  const handle: JobHandle<T> = {
    finish(v: T) {
      if (result) return;
      result = { v };
      void sched.track(new Promise<void>((r) => (release = r)));
      done.unblock();
    },
    get settled() {
      return result !== undefined;
    },
  };
  void sched.track(
    start(handle).then(
      (v) => handle.finish(v),
      (e: unknown) => handle.finish(onError(e)),
    ),
  );
  try {
    await sched.drive(done.promise, macrotask);
  } catch (e) {
    // every job waits and nothing is scheduled: this one can never finish
    handle.finish(onError(e));
  } finally {
    release?.();
  }
  return result!.v;
}
