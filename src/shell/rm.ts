/**
 * GNU rm (coreutils 9.1 src/rm.c, src/remove.c) for -d -f -r/-R -v: just-bash's rm knows
 * -r -f -v only, follows a symlink to a directory ("Is a directory"), and under -v names only
 * the operands. Here a link is removed as a link, -d removes an empty directory, and -v names
 * every file and directory a recursive removal takes ("removed 'd/f'", then "removed
 * directory 'd'"). A
 * command line with another option (-i -I --interactive …) is left to just-bash's
 * (`undefined`). The options come spelt out by gnuCommandLine() (gnuopts.ts).
 */
import { quoteaf } from "../userland/lib/quotearg.ts";
import { Report, portArgs, statOf, type CorePort, type OptionTable } from "./coreport.ts";

interface RmOptions {
  force: boolean;
  recursive: boolean;
  dir: boolean;
  verbose: boolean;
}

const LONG: OptionTable<RmOptions> = {
  force: (o) => void (o.force = true),
  recursive: (o) => void (o.recursive = true),
  dir: (o) => void (o.dir = true),
  verbose: (o) => void (o.verbose = true),
  "one-file-system": () => {},
};

const SHORT: OptionTable<RmOptions> = { f: LONG.force!, r: LONG.recursive!, R: LONG.recursive!, d: LONG.dir!, v: LONG.verbose! };

export const rmPort: CorePort = async (args, fs, cwd, byAge) => {
  const o: RmOptions = { force: false, recursive: false, dir: false, verbose: false };
  const files = portArgs(args, o, LONG, SHORT);
  if (!files) return undefined;
  const { force, recursive, dir, verbose } = o;
  if (files.length === 0) {
    if (force) return { stdout: "", stderr: "", exitCode: 0 };
    return { stdout: "", stderr: "rm: missing operand\nTry 'rm --help' for more information.\n", exitCode: 1 };
  }
  const report = new Report("rm");
  const fail = (msg: string) => report.fail(msg);
  const lstat = (p: string) => statOf(fs, p, false);

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
        if (verbose) report.out += `removed ${quoteaf(child)}\n`;
      }
    }
    if (!all) return false;
    await fs.rm(path, { recursive: true });
    if (verbose) report.out += `removed directory ${quoteaf(name)}\n`;
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
      if (verbose) report.out += `removed directory ${quoteaf(name)}\n`;
      continue;
    }
    await fs.rm(path);
    if (verbose) report.out += `removed ${quoteaf(name)}\n`;
  }
  return report.result();
};
