/**
 * GNU rm (coreutils 9.1 src/rm.c, src/remove.c) for -d -f -r/-R -v: just-bash's rm knows
 * -r -f -v only, follows a symlink to a directory ("Is a directory"), and under -v names only
 * the operands. Here a link is removed as a link, -d removes an empty directory, and -v names
 * every file and directory a recursive removal takes ("removed 'd/f'", then "removed
 * directory 'd'"). A
 * command line with another option (-i -I --interactive …) is left to just-bash's
 * (`undefined`). The options come spelt out by gnuCommandLine() (gnuopts.ts).
 */
import type { IFileSystem, FsStat } from "just-bash";
import { quoteaf } from "../userland/lib/quotearg.ts";

export async function rmPort(
  args: string[],
  fs: IFileSystem,
  cwd: string,
  byAge?: (dir: string) => string[] | undefined,
): Promise<{ stdout: string; stderr: string; exitCode: number } | undefined> {
  let force = false;
  let recursive = false;
  let dir = false;
  let verbose = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      if (a === "--force") force = true;
      else if (a === "--recursive") recursive = true;
      else if (a === "--dir") dir = true;
      else if (a === "--verbose") verbose = true;
      else if (a !== "--one-file-system") return undefined;
    } else if (a.startsWith("-") && a !== "-") {
      for (const c of a.slice(1)) {
        if (c === "f") force = true;
        else if (c === "r" || c === "R") recursive = true;
        else if (c === "d") dir = true;
        else if (c === "v") verbose = true;
        else return undefined;
      }
    } else files.push(a);
  }
  if (files.length === 0) {
    if (force) return { stdout: "", stderr: "", exitCode: 0 };
    return { stdout: "", stderr: "rm: missing operand\nTry 'rm --help' for more information.\n", exitCode: 1 };
  }
  let out = "";
  let err = "";
  let ok = true;
  const fail = (msg: string) => {
    err += `rm: ${msg}\n`;
    ok = false;
  };
  const lstat = async (p: string): Promise<FsStat | undefined> => {
    try {
      return await fs.lstat(p);
    } catch {
      return undefined;
    }
  };

  /** remove.c's walk of a directory: its entries first, then itself */
  const removeTree = async (name: string, path: string): Promise<boolean> => {
    const names = await fs.readdir(path);
    const aged = byAge?.(path);
    let all = true;
    // (fts reads a directory in tmpfs's readdir() order, which is not modelled: the order
    // the entries were made stands for it)
    for (const e of aged && aged.length === names.length ? aged : names) {
      const child = name.endsWith("/") ? name + e : `${name}/${e}`;
      const cpath = path === "/" ? `/${e}` : `${path}/${e}`;
      const st = await lstat(cpath);
      if (!st) continue;
      if (st.isDirectory) all = (await removeTree(child, cpath)) && all;
      else {
        await fs.rm(cpath);
        if (verbose) out += `removed ${quoteaf(child)}\n`;
      }
    }
    if (!all) return false;
    await fs.rm(path, { recursive: true });
    if (verbose) out += `removed directory ${quoteaf(name)}\n`;
    return true;
  };

  for (const name of files) {
    const path = fs.resolvePath(cwd, name);
    const st = await lstat(path);
    if (!st) {
      if (!force) fail(`cannot remove ${quoteaf(name)}: No such file or directory`);
      continue;
    }
    if (st.isDirectory) {
      if (recursive) {
        // remove.c: "." and ".." (a name ending in them too) are never removed
        const last = name.replace(/\/+$/, "").replace(/.*\//, "");
        if (last === "." || last === "..") fail(`refusing to remove '.' or '..' directory: skipping ${quoteaf(name)}`);
        else if (path === "/") fail(`it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe`);
        else await removeTree(name, path);
        continue;
      }
      if (!dir) {
        fail(`cannot remove ${quoteaf(name)}: Is a directory`);
        continue;
      }
      if ((await fs.readdir(path)).length > 0) {
        fail(`cannot remove ${quoteaf(name)}: Directory not empty`);
        continue;
      }
      await fs.rm(path);
      if (verbose) out += `removed directory ${quoteaf(name)}\n`;
      continue;
    }
    await fs.rm(path);
    if (verbose) out += `removed ${quoteaf(name)}\n`;
  }
  return { stdout: out, stderr: err, exitCode: ok ? 0 : 1 };
}
