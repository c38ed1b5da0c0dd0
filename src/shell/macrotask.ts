/**
 * One macrotask turn of the platform (what `Scheduler.drive` calls `yieldToHost`): lets
 * just-bash's real async work (lazy command chunks) progress before the simulator decides
 * that every job is blocked. A host turn, never a timer: nothing here reads or waits for real
 * time. Node's setImmediate where the host has one (feature-detected, as isomorphic code
 * does): a MessageChannel turn there starves the module loader, so the first `echo` of a run
 * spun ~7000 turns and 50 ms loading its chunk (8 ms with setImmediate). Elsewhere (browsers)
 * a MessageChannel post, its port unref'd so that it never keeps a host alive.
 */
interface Port {
  onmessage: ((ev: unknown) => void) | null;
  postMessage(v: unknown): void;
  unref?(): void;
}
interface Channel {
  port1: Port;
  port2: Port;
}
interface Host {
  setImmediate?: (f: () => void) => unknown;
  MessageChannel: new () => Channel;
}

const queue: (() => void)[] = [];

function runQueue(): void {
  const fns = queue.splice(0, queue.length);
  for (const f of fns) f();
}

/** posts runQueue() as one macrotask (made on first use) */
let post: (() => void) | undefined;

function poster(): () => void {
  const host = globalThis as unknown as Host;
  const immediate = host.setImmediate;
  if (immediate !== undefined) return () => void immediate(runQueue);
  const channel = new host.MessageChannel();
  channel.port1.onmessage = runQueue;
  channel.port1.unref?.();
  channel.port2.unref?.();
  return () => channel.port2.postMessage(0);
}

export function macrotask(): Promise<void> {
  const p = (post ??= poster());
  return new Promise<void>((resolve) => {
    queue.push(resolve);
    if (queue.length === 1) p();
  });
}
