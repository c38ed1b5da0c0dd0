/**
 * unistd.h's sleep() for a tool: on the simulated clock, and cut short by a signal that kills
 * the process (a loop that sleeps between rounds: tail -f, netstat -c).
 */
import type { Process } from "../process.ts";

/** sleep `us` µs of simulated time; a kill ends it early */
export function nap(p: Process, us: number): Promise<void> {
  return new Promise((resolve) => {
    if (p.signal.aborted) return resolve();
    const done = () => {
      p.signal.removeEventListener("abort", done);
      resolve();
    };
    p.signal.addEventListener("abort", done, { once: true });
    void p.sys.sleep(us).then(done);
  });
}
