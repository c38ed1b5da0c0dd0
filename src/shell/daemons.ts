/**
 * Daemons that fork and outlive their command (dnsmasq without -d/-k, dhclient once bound):
 * their command returns 0 while they serve on the simulated clock. Each gets an entry of the
 * process table (a pid of its own, ppid 1, as after daemon(3)) that lives as long as the
 * daemon does; a signal stops it as the daemon's signal handler would (proctab.ts:
 * SIGNAL_HANDLERS).
 */
import type { Syscalls } from "../kernel/uapi/syscalls.ts";
import { dnsmasqDaemons } from "../userland/dnsmasq/dnsmasq.ts";
import { dhclientRunning, type RunningClient } from "../userland/dhclient/dhclient.ts";

export interface Daemon {
  /** SIGTERM, SIGINT, SIGKILL …: the daemon ends */
  stop(): void;
  alive(): boolean;
}

/** what runs in `sys` before a tool named `name` starts (undefined: not a daemon) */
export function daemonSnapshot(name: string, sys: Syscalls): unknown[] | undefined {
  if (name === "dnsmasq") return [...dnsmasqDaemons(sys)];
  if (name === "dhclient") return [...dhclientRunning(sys).values()];
  return undefined;
}

/** the daemons the tool left running (one process per invocation) */
export function daemonsStarted(name: string, sys: Syscalls, before: unknown[]): Daemon[] {
  if (name === "dnsmasq") {
    return dnsmasqDaemons(sys)
      .filter((d) => !before.includes(d))
      .map((d) => ({
        stop: () => d.stop(),
        alive: () => dnsmasqDaemons(sys).includes(d),
      }));
  }
  if (name === "dhclient") {
    const running = dhclientRunning(sys);
    const mine: RunningClient[] = [...running.values()].filter((c) => !before.includes(c));
    if (!mine.length) return [];
    return [
      {
        stop: () => {
          for (const c of mine) {
            if (running.get(c.ifname) !== c) continue;
            c.stop();
            running.delete(c.ifname);
          }
        },
        alive: () => mine.some((c) => running.get(c.ifname) === c),
      },
    ];
  }
  return [];
}
