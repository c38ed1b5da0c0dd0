/**
 * Kernel time in jiffies on the simulated clock: the timer wheel's rounding of a timer's
 * expiry (kernel/time/timer.c), mod_timer()/mod_delayed_work() with it, and the random
 * delays protocol timers draw (get_random_u32_below) from the world's seeded source.
 */
import type { Net } from "./net_namespace.ts";
import type { Timer } from "../../sim/scheduler.ts";
import { netSched, netRng } from "./dev_path.ts";
import { USEC_PER_JIFFY, HZ } from "../../sim/scheduler.ts";

/** jiffies_to_clock_t() of a time in µs: USER_HZ (100) ticks, toward zero (rtnl_put_cacheinfo()
 * gives a negative delta as minus the ticks of its magnitude) */
export function usToClockT(us: number): number {
  return Math.trunc(us / 10_000);
}

/** jiffies now (the world boots at jiffy 0) */
export function jiffiesNow(net: Net): number {
  return Math.floor(netSched(net).now / USEC_PER_JIFFY);
}

/**
 * kernel/time/timer.c: calc_wheel_index(): a timer `delay` jiffies away lands in a wheel
 * level whose granularity is 8^level jiffies, and fires at the end of its bucket.
 */
export function timerWheelExpiry(nowJ: number, delay: number): number {
  const expires = nowJ + delay;
  if (delay < 63) return expires;
  let lvl = 1;
  while (lvl < 8 && delay >= 63 * 8 ** lvl) lvl++;
  const gran = 8 ** lvl;
  return (Math.floor(expires / gran) + 1) * gran;
}

/** mod_timer(t, jiffies + delay) / mod_delayed_work(wq, work, delay): (re)arm `t` to run
 * `delay` jiffies from now */
export function modDelayedWork(net: Net, t: Timer, delay: number): void {
  const j = timerWheelExpiry(jiffiesNow(net), delay);
  t.mod(Math.max(netSched(net).now, j * USEC_PER_JIFFY));
}

/** get_random_u32_below() from the world's rng */
export function randomBelow(net: Net, n: number): number {
  return n <= 1 ? 0 : netRng(net).below(n);
}

/** msecs_to_jiffies() */
export function msecsToJiffies(ms: number): number {
  return Math.ceil((ms * HZ) / 1000);
}
