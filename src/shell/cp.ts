/**
 * GNU cp (coreutils 9.1 src/cp.c, src/copy.c) for what a lab copies: files, directories (-r),
 * symbolic links as links or as what they point to (-d -P -L -H, -a), -f -n -u -p -v, -t and
 * -T, over the host's files. just-bash's cp knows -r -n -p -v only, copies a symlink operand as
 * a link and prints resolved paths. A command line with an option outside this set (-i -l -s
 * -b -S --parents --no-preserve, --remove-destination …) is left to just-bash's
 * (`undefined`). The options come spelt out by gnuCommandLine() (gnuopts.ts), which has
 * already refused the bad ones and checked the operand count.
 */
import type { IFileSystem, FsStat } from "just-bash";
import { quoteaf } from "../userland/lib/quotearg.ts";
import { Report, portArgs, statOf, type CorePort, type OptionTable } from "./coreport.ts";

type Deref = "always" | "never" | "cmdline";

interface CpOptions {
  recursive: boolean;
  deref: Deref | undefined;
  noClobber: boolean;
  update: boolean;
  verbose: boolean;
  /** true, or "other": a --preserve list this port does not keep */
  preserve: boolean | "other";
  targetDir: string | undefined;
  noTargetDir: boolean;
}

/** --preserve=LIST: mode and timestamps are what these files have to keep (a list of other
 * attributes is left to just-bash's cp) */
const PRESERVABLE = /^(all|mode|timestamps|ownership|links)(,(all|mode|timestamps|ownership|links))*$/;

const archive = (o: CpOptions) => {
  o.recursive = true;
  o.deref = "never";
  o.preserve = true;
};

const LONG: OptionTable<CpOptions> = {
  archive,
  "no-dereference": (o) => void (o.deref = "never"),
  dereference: (o) => void (o.deref = "always"),
  force: () => {},
  "no-clobber": (o) => void (o.noClobber = true),
  recursive: (o) => void (o.recursive = true),
  update: (o) => void (o.update = true),
  verbose: (o) => void (o.verbose = true),
  preserve: (o, v) => void (o.preserve = v === undefined || PRESERVABLE.test(v) ? true : "other"),
  "target-directory": (o, v) => void (o.targetDir = v),
  "no-target-directory": (o) => void (o.noTargetDir = true),
  "one-file-system": () => {},
};

const SHORT: OptionTable<CpOptions> = {
  a: archive,
  d: (o) => void (o.deref = "never"),
  f: () => {},
  H: (o) => void (o.deref = "cmdline"),
  L: (o) => void (o.deref = "always"),
  n: (o) => void (o.noClobber = true),
  P: (o) => void (o.deref = "never"),
  p: (o) => void (o.preserve = true),
  r: (o) => void (o.recursive = true),
  R: (o) => void (o.recursive = true),
  u: (o) => void (o.update = true),
  v: (o) => void (o.verbose = true),
  x: () => {},
  t: (o, v) => void (o.targetDir = v),
  T: (o) => void (o.noTargetDir = true),
};

/** the options and operands, or undefined for a command line this port leaves alone */
function parse(args: string[]): { o: CpOptions; files: string[] } | undefined {
  const o: CpOptions = { recursive: false, deref: undefined, noClobber: false, update: false, verbose: false, preserve: false, targetDir: undefined, noTargetDir: false };
  const files = portArgs(args, o, LONG, SHORT, ["t", "target-directory"]);
  return files && o.preserve !== "other" ? { o, files } : undefined;
}

const resolve = (fs: IFileSystem, cwd: string, p: string) => fs.resolvePath(cwd, p);

/** last_component() of a name, its trailing slashes dropped */
function base(name: string): string {
  const t = name.replace(/\/+$/, "");
  return t === "" ? "/" : t.slice(t.lastIndexOf("/") + 1);
}

/** file_name_concat(): DIR/NAME without a doubled slash */
const join = (dir: string, name: string) => (dir.endsWith("/") ? dir + name : `${dir}/${name}`);

/**
 * `byAge`: a directory's entries in the order they were made (SimClockFs.entriesByAge), the
 * order GNU cp copies them in (savedir() sorts by inode number); readdir()'s otherwise.
 */
export const cpPort: CorePort = async (args, fs, cwd, byAge) => {
  const parsed = parse(args);
  if (!parsed) return undefined;
  const { o, files } = parsed;
  const report = new Report("cp");
  const fail = (msg: string) => report.fail(msg);
  // cp.c: the default dereferencing: a recursive copy copies links as links
  const deref: Deref = o.deref ?? (o.recursive ? "never" : "always");
  const tryHelp = "Try 'cp --help' for more information.\n";

  // the pairs to copy: into a directory, or one source onto one destination
  const pairs: [string, string][] = [];
  if (o.targetDir !== undefined) {
    const st = await statOf(fs, resolve(fs, cwd, o.targetDir), true);
    if (!st?.isDirectory) return { stdout: "", stderr: `cp: target directory ${quoteaf(o.targetDir)}: ${st ? "Not a directory" : "No such file or directory"}\n`, exitCode: 1 };
    for (const f of files) pairs.push([f, join(o.targetDir, base(f))]);
  } else {
    const dest = files[files.length - 1]!;
    const sources = files.slice(0, -1);
    if (o.noTargetDir) {
      if (files.length > 2) return { stdout: "", stderr: `cp: extra operand ${quoteaf(files[2]!)}\n${tryHelp}`, exitCode: 1 };
      pairs.push([sources[0]!, dest]);
    } else {
      const st = await statOf(fs, resolve(fs, cwd, dest), true);
      if (st?.isDirectory) for (const f of sources) pairs.push([f, join(dest, base(f))]);
      else if (sources.length > 1) return { stdout: "", stderr: `cp: target ${quoteaf(dest)}: ${st ? "Not a directory" : "No such file or directory"}\n`, exitCode: 1 };
      else pairs.push([sources[0]!, dest]);
    }
  }

  // the directories this cp made (copy.c's remember_copied()): one of them met as a source is
  // a directory being copied into itself, found when the copy reaches it, named by the
  // command line's source and destination
  const made = new Set<string>();
  let top: [string, string] = ["", ""];
  const copy = async (src: string, dst: string, cmdline: boolean): Promise<void> => {
    const srcPath = resolve(fs, cwd, src);
    const dstPath = resolve(fs, cwd, dst);
    const follow = deref === "always" || (deref === "cmdline" && cmdline);
    const st = await statOf(fs, srcPath, follow);
    if (!st) return fail(`cannot stat ${quoteaf(src)}: No such file or directory`);
    const dstSt = await statOf(fs, dstPath, false);
    const dstReal = dstSt?.isSymbolicLink ? await statOf(fs, dstPath, true) : dstSt;
    if (!dstSt) {
      // the destination's stat(): a file where its directory should be
      const dir = await statOf(fs, dstPath.slice(0, dstPath.lastIndexOf("/")) || "/", true);
      if (dir && !dir.isDirectory) return fail(`cannot stat ${quoteaf(dst)}: Not a directory`);
    }
    if (st.isDirectory) {
      if (!o.recursive) return fail(`-r not specified; omitting directory ${quoteaf(src)}`);
      if (made.has(await fs.realpath(srcPath))) return fail(`cannot copy a directory, ${quoteaf(top[0])}, into itself, ${quoteaf(top[1])}`);
      if (dstReal && !dstReal.isDirectory) return fail(`cannot overwrite non-directory ${quoteaf(dst)} with directory ${quoteaf(src)}`);
      if (!dstReal) {
        try {
          await fs.mkdir(dstPath);
        } catch {
          return fail(`cannot create directory ${quoteaf(dst)}: No such file or directory`);
        }
        made.add(await fs.realpath(dstPath));
        if (o.verbose) report.out += `${quoteaf(src)} -> ${quoteaf(dst)}\n`;
      }
      const names = await fs.readdir(srcPath);
      const aged = byAge?.(srcPath);
      const order = aged && aged.length === names.length ? aged : names;
      for (const e of order) await copy(join(src, e), join(dst, e), false);
      if (o.preserve) await preserve(srcPath, dstPath, st);
      return;
    }
    if (dstReal?.isDirectory) return fail(`cannot overwrite directory ${quoteaf(dst)} with non-directory`);
    if (dstSt) {
      // the same file twice (a link to it included)
      const a = await fs.realpath(srcPath).catch(() => srcPath);
      const b = await fs.realpath(dstPath).catch(() => dstPath);
      if (a === b && !(st.isSymbolicLink && !dstSt.isSymbolicLink)) return fail(`${quoteaf(src)} and ${quoteaf(dst)} are the same file`);
      if (o.noClobber) return;
      if (o.update && dstSt.mtime.getTime() >= st.mtime.getTime()) return;
    }
    // open(2) of the new name: its directory must be there (just-bash's writeFile would make it)
    if (!dstSt) {
      const dir = await statOf(fs, dstPath.slice(0, dstPath.lastIndexOf("/")) || "/", true);
      const kind = st.isSymbolicLink ? "symbolic link" : "regular file";
      if (!dir) return fail(`cannot create ${kind} ${quoteaf(dst)}: No such file or directory`);
      if (!dir.isDirectory) return fail(`cannot create ${kind} ${quoteaf(dst)}: Not a directory`);
    }
    try {
      if (st.isSymbolicLink) {
        // a link copied as a link: what is there is replaced
        if (dstSt) await fs.rm(dstPath);
        await fs.symlink(await fs.readlink(srcPath), dstPath);
      } else {
        const data = await fs.readFileBuffer(srcPath);
        await fs.writeFile(dstPath, data);
        // a new file gets the source's mode less the umask (022); an old one keeps its own
        if (!dstSt) await fs.chmod(dstPath, st.mode & 0o755);
      }
    } catch {
      return fail(`cannot create ${st.isSymbolicLink ? "symbolic link" : "regular file"} ${quoteaf(dst)}: No such file or directory`);
    }
    if (o.preserve && !st.isSymbolicLink) await preserve(srcPath, dstPath, st);
    if (o.verbose) report.out += `${quoteaf(src)} -> ${quoteaf(dst)}\n`;
  };

  const preserve = async (srcPath: string, dstPath: string, st: FsStat) => {
    await fs.chmod(dstPath, st.mode & 0o7777);
    await fs.utimes(dstPath, st.mtime, st.mtime);
  };

  for (const [s, d] of pairs) {
    top = [s, d];
    await copy(s, d, true);
  }
  return report.result();
};
