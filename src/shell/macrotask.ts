/**
 * One macrotask turn of the platform (what `Scheduler.drive` calls `yieldToHost`): lets
 * just-bash's real async work (lazy command chunks) progress before the simulator decides
 * that every job is blocked. A MessageChannel post works in browsers and in Node without
 * timers; the port is unref'd so it never keeps Node alive.
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

let channel: Channel | undefined;
const queue: (() => void)[] = [];

export function macrotask(): Promise<void> {
  if (!channel) {
    const MC = (globalThis as unknown as { MessageChannel: new () => Channel }).MessageChannel;
    channel = new MC();
    channel.port1.onmessage = () => {
      const fns = queue.splice(0, queue.length);
      for (const f of fns) f();
    };
    channel.port1.unref?.();
    channel.port2.unref?.();
  }
  const c = channel;
  return new Promise<void>((resolve) => {
    queue.push(resolve);
    if (queue.length === 1) c.port2.postMessage(0);
  });
}
