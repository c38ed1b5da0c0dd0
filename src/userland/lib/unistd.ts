/**
 * unistd.h's sleep() for a tool: on the simulated clock, and cut short by a signal that kills
 * the process (a loop that sleeps between rounds: tail -f, netstat -c); and poll(2) on one
 * event source (a netlink listener: ip monitor, conntrack -E).
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

/** something a program can poll: it calls the callback when there is something to read */
export interface Pollable {
  onReadable(cb: (() => void) | undefined): void;
}

/** poll(2) on `src` until it has something to read or a signal ends the program */
export async function waitReadable(p: Process, src: Pollable): Promise<void> {
  const b = p.sys.block();
  const wake = () => b.unblock();
  p.signal.addEventListener("abort", wake);
  src.onReadable(wake);
  await b.promise;
  src.onReadable(undefined);
  p.signal.removeEventListener("abort", wake);
}
