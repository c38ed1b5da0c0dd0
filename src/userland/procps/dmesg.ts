/**
 * util-linux dmesg: print the kernel ring buffer ("[%5lu.%06lu] msg" lines) of the host.
 * On the lab machines `dmesg` shows the messages logged since the lab's world was built,
 * whatever its options; so does this one.
 */
import type { Process } from "../process.ts";

/** the `dmesg` command */
export async function dmesg(p: Process): Promise<number> {
  const lines = p.sys.dmesg();
  if (lines.length) p.stdout.write(lines.map((l) => l + "\n").join(""));
  return 0;
}
