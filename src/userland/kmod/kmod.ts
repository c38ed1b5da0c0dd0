/**
 * kmod 30 tools/lsmod.c and tools/modprobe.c (load by name only): the machine's modules through
 * Syscalls.modules() / Syscalls.loadModule().
 */
import type { Process } from "../process.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";

function kernelRelease(p: Process): string {
  const r = p.sys.fs.read("/proc/sys/kernel/osrelease");
  return isKErr(r) ? "6.1.0" : r.trim();
}

/** tools/lsmod.c: do_lsmod() */
export async function lsmod(p: Process): Promise<number> {
  if (p.argv.length > 1) {
    p.stderr.write("Usage: lsmod\n");
    return 1;
  }
  let out = "Module                  Size  Used by\n";
  for (const m of p.sys.modules()) {
    out += `${m.name.padEnd(19)} ${String(m.size).padStart(8)}  ${m.usedBy.length}`;
    if (m.usedBy.length) out += ` ${m.usedBy.join(",")}`;
    out += "\n";
  }
  p.stdout.write(out);
  return 0;
}

/** tools/modprobe.c: do_modprobe() — `modprobe [-q] [-v] NAME…` (-a for several) */
export async function modprobe(p: Process): Promise<number> {
  let quiet = false;
  let verbose = false;
  let all = false;
  const names: string[] = [];
  for (const a of p.argv.slice(1)) {
    if (a === "-q" || a === "--quiet") quiet = true;
    else if (a === "-v" || a === "--verbose") verbose = true;
    else if (a === "-a" || a === "--all") all = true;
    else if (a === "-V" || a === "--version") {
      p.stdout.write("kmod version 30\n+ZSTD +XZ -ZLIB +LIBCRYPTO -EXPERIMENTAL\n");
      return 0;
    } else if (a.startsWith("-")) {
      p.stderr.write(`modprobe: ERROR: unknown option '${a}'\n`);
      return 1;
    } else names.push(a);
  }
  if (names.length === 0) {
    p.stderr.write("modprobe: ERROR: missing parameters. See -h.\n");
    return 1;
  }
  const todo = all ? names : names.slice(0, 1);
  for (const name of todo.map((n) => n.replace(/-/g, "_"))) {
    if (p.sys.modules().some((m) => m.name === name)) continue;
    const e = p.sys.loadModule(name);
    if (e) {
      if (!quiet) {
        if (e.errno === "ENOENT")
          p.stderr.write(`modprobe: FATAL: Module ${name} not found in directory /lib/modules/${kernelRelease(p)}\n`);
        else p.stderr.write(`modprobe: ERROR: could not insert '${name}': ${strerror(e.errno)}\n`);
      }
      return 1;
    }
    if (verbose) p.stdout.write(`insmod /lib/modules/${kernelRelease(p)}/kernel/${name}.ko \n`);
  }
  return 0;
}
