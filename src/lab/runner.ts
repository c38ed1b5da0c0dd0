/**
 * Run a lab: build its world, then each step as one `bash -c` on its host, with the lab's
 * per-command timeout in simulated time (exit 124 as labtool's kill gives). Dumps are not
 * added here: `labtool emu` expands the lab with them (see `expandLab`) and tuxnet runs what
 * it is given.
 */
import { DUMP_TAG, type Lab } from "./parse.ts";
import type { Entry } from "./transcript.ts";
import { LabWorld, type LabWorldOptions } from "./world.ts";

export interface RunOptions extends LabWorldOptions {
  /** called after each command (the CLI prints as it goes) */
  onEntry?: (e: Entry) => void;
  signal?: AbortSignal;
}

export async function runLab(lab: Lab, opts: RunOptions): Promise<{ world: LabWorld; entries: Entry[] }> {
  const world = new LabWorld(opts);
  await world.build(lab);
  const entries: Entry[] = [];
  for (const { host, cmd } of lab.steps) {
    if (opts.signal?.aborted) break;
    const isDump = cmd.includes(DUMP_TAG);
    const r = await world.run(host, cmd, { timeoutSec: isDump ? 20 : lab.timeout, ...(opts.signal ? { signal: opts.signal } : {}) });
    const e: Entry = { host, cmd, exit: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    if (isDump) e.dump = true;
    entries.push(e);
    opts.onEntry?.(e);
  }
  return { world, entries };
}
