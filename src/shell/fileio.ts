/**
 * The host filesystem as a process sees it through open(2)/execvp(3): what just-bash's
 * in-memory filesystem does more leniently (it creates missing parent directories on write,
 * has only text helpers) is checked here the way the kernel would refuse it.
 */
import { coreutilsAncillary, coreutilsVersion } from "../userland/coreutils/gnu_text.ts";
import { MountableFs, type IFileSystem } from "just-bash";
import { SPAWN_EACCES, SPAWN_ENOENT } from "../userland/process.ts";
import type { KernelFs } from "../kernel/uapi/syscalls.ts";
import { isKErr, strerror } from "../kernel/uapi/errno.ts";

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/**
 * The system trees whose directories the installed packages own (/etc/libvirt/…,
 * /var/lib/libvirt/…, /run/…): the host's filesystem does not list them all, so a tool's
 * state file there gets its directory made as if the package had shipped it.
 */
const PACKAGE_TREES = ["/etc/", "/var/", "/run/", "/usr/", "/opt/", "/srv/"];

/** fs/namei.c: open(path, O_WRONLY|O_CREAT): the parent must be a directory, path not one */
export async function canCreate(fs: IFileSystem, path: string): Promise<boolean> {
  try {
    const d = await fs.stat(dirname(path));
    if (!d.isDirectory) return false;
  } catch {
    if (!PACKAGE_TREES.some((t) => path.startsWith(t))) return false;
  }
  try {
    const st = await fs.stat(path);
    return !st.isDirectory;
  } catch {
    return true;
  }
}

/** write(2) of a whole file, byte for byte; false as open(2) would fail */
export async function writeFileChecked(
  fs: IFileSystem,
  path: string,
  data: string | Uint8Array,
  append = false,
): Promise<boolean> {
  if (!(await canCreate(fs, path))) return false;
  try {
    if (append) await fs.appendFile(path, data);
    else await fs.writeFile(path, data);
    return true;
  } catch {
    return false;
  }
}

export async function readFileBytes(fs: IFileSystem, path: string): Promise<Uint8Array | undefined> {
  try {
    const st = await fs.stat(path);
    if (st.isDirectory) return undefined;
    return await fs.readFileBuffer(path);
  } catch {
    return undefined;
  }
}

/**
 * execvp(3) of argv[0]: 0 when it would run, SPAWN_ENOENT when there is no such command
 * (or file), SPAWN_EACCES when the path names a directory. `known` says whether a bare name
 * is a command of the shell.
 */
export async function execLookup(fs: IFileSystem, cwd: string, argv0: string, known: (name: string) => boolean) {
  if (argv0 === "") return SPAWN_ENOENT;
  // "." and ".." are in every PATH directory, and a directory is EACCES (execvp keeps it)
  if (argv0 === "." || argv0 === "..") return SPAWN_EACCES;
  if (!argv0.includes("/")) return known(argv0) ? 0 : SPAWN_ENOENT;
  try {
    const st = await fs.stat(fs.resolvePath(cwd, argv0));
    // execve(2): a directory, or a file no one may execute
    if (st.isDirectory || (st.mode & 0o111) === 0) return SPAWN_EACCES;
    return 0;
  } catch {
    return SPAWN_ENOENT;
  }
}

/**
 * The strerror() that open(2)+read(2) of `path` really fails with, where just-bash's
 * commands say "No such file or directory" for every failure: the kernel's error for /proc
 * and /sys (EINVAL from a sysfs show(), EACCES from a write-only file), EISDIR for a
 * directory. undefined when it is ENOENT after all.
 */
export async function readErrorOf(fs: IFileSystem, kfs: KernelFs, path: string): Promise<string | undefined> {
  if (path.startsWith("/proc/") || path.startsWith("/sys/")) {
    const r = kfs.read(path);
    if (isKErr(r) && r.errno !== "ENOENT") return strerror(r.errno);
  }
  try {
    if ((await fs.stat(path)).isDirectory) return strerror("EISDIR");
  } catch {
    /* ENOENT indeed */
  }
  return undefined;
}

/** cat.c: long_options[], in their order (getopt_long lists ambiguities so) */
export const CAT_LONGOPTS = ["number-nonblank", "number", "squeeze-blank", "show-nonprinting", "show-ends", "show-tabs", "show-all", "help", "version"];

export const CAT_HELP =
  "Usage: cat [OPTION]... [FILE]...\n" +
  "Concatenate FILE(s) to standard output.\n\n" +
  "With no FILE, or when FILE is -, read standard input.\n\n" +
  "  -A, --show-all           equivalent to -vET\n" +
  "  -b, --number-nonblank    number nonempty output lines, overrides -n\n" +
  "  -e                       equivalent to -vE\n" +
  "  -E, --show-ends          display $ at end of each line\n" +
  "  -n, --number             number all output lines\n" +
  "  -s, --squeeze-blank      suppress repeated empty output lines\n" +
  "  -t                       equivalent to -vT\n" +
  "  -T, --show-tabs          display TAB characters as ^I\n" +
  "  -u                       (ignored)\n" +
  "  -v, --show-nonprinting   use ^ and M- notation, except for LFD and TAB\n" +
  "      --help        display this help and exit\n" +
  "      --version     output version information and exit\n\n" +
  "Examples:\n" +
  "  cat f - g  Output f's contents, then standard input, then g's contents.\n" +
  "  cat        Copy standard input to standard output.\n\n" +
  coreutilsAncillary("cat");

export const CAT_VERSION = coreutilsVersion("cat", "Torbjorn Granlund and Richard M. Stallman");

/**
 * The name just-bash's filesystem gives the empty path. The kernel's getname() refuses ""
 * with ENOENT (open, stat, mkdir, unlink …), where just-bash resolves it to the working
 * directory: `echo > ""` said "Is a directory", `test -e ""` was true, `touch ""` wrote
 * nothing and said nothing. No name a shell can spell (it holds a NUL).
 */
export const EMPTY_PATH = "/\u0000";

/** the error of a call on the empty path, as just-bash's filesystems word theirs */
function enoent(op: string): Error {
  const err = new Error(`ENOENT: no such file or directory, ${op} ''`) as Error & { code: string };
  err.code = "ENOENT";
  return err;
}

/** MountableFs where the empty path is no file at all (fs/namei.c: getname_flags()); the
 * other paths go straight to it (no await of their own: every file operation passes here) */
export class EmptyPathFs extends MountableFs {
  override resolvePath(base: string, path: string): string {
    return path === "" ? EMPTY_PATH : super.resolvePath(base, path);
  }
  override readFile(...a: Parameters<MountableFs["readFile"]>): ReturnType<MountableFs["readFile"]> {
    if (a[0] === EMPTY_PATH) return Promise.reject(enoent("open"));
    return super.readFile(...a);
  }
  override readFileBytes(path: string): ReturnType<MountableFs["readFileBytes"]> {
    if (path === EMPTY_PATH) return Promise.reject(enoent("open"));
    return super.readFileBytes(path);
  }
  override readFileBuffer(path: string): Promise<Uint8Array> {
    if (path === EMPTY_PATH) return Promise.reject(enoent("open"));
    return super.readFileBuffer(path);
  }
  override writeFile(...a: Parameters<MountableFs["writeFile"]>): Promise<void> {
    if (a[0] === EMPTY_PATH) return Promise.reject(enoent("open"));
    return super.writeFile(...a);
  }
  override appendFile(...a: Parameters<MountableFs["appendFile"]>): Promise<void> {
    if (a[0] === EMPTY_PATH) return Promise.reject(enoent("open"));
    return super.appendFile(...a);
  }
  override exists(path: string): Promise<boolean> {
    return path === EMPTY_PATH ? Promise.resolve(false) : super.exists(path);
  }
  override stat(path: string): ReturnType<MountableFs["stat"]> {
    if (path === EMPTY_PATH) return Promise.reject(enoent("stat"));
    return super.stat(path);
  }
  override lstat(path: string): ReturnType<MountableFs["lstat"]> {
    if (path === EMPTY_PATH) return Promise.reject(enoent("lstat"));
    return super.lstat(path);
  }
  override mkdir(...a: Parameters<MountableFs["mkdir"]>): Promise<void> {
    if (a[0] === EMPTY_PATH) return Promise.reject(enoent("mkdir"));
    return super.mkdir(...a);
  }
  override readdir(path: string): Promise<string[]> {
    if (path === EMPTY_PATH) return Promise.reject(enoent("scandir"));
    return super.readdir(path);
  }
  override rm(...a: Parameters<MountableFs["rm"]>): Promise<void> {
    if (a[0] === EMPTY_PATH) return Promise.reject(enoent("rm"));
    return super.rm(...a);
  }
  override cp(...a: Parameters<MountableFs["cp"]>): Promise<void> {
    if (a[0] === EMPTY_PATH || a[1] === EMPTY_PATH) return Promise.reject(enoent("cp"));
    return super.cp(...a);
  }
  override mv(src: string, dest: string): Promise<void> {
    if (src === EMPTY_PATH || dest === EMPTY_PATH) return Promise.reject(enoent("rename"));
    return super.mv(src, dest);
  }
  override chmod(path: string, mode: number): Promise<void> {
    if (path === EMPTY_PATH) return Promise.reject(enoent("chmod"));
    return super.chmod(path, mode);
  }
  override symlink(target: string, linkPath: string): Promise<void> {
    if (linkPath === EMPTY_PATH) return Promise.reject(enoent("symlink"));
    return super.symlink(target, linkPath);
  }
  override link(existingPath: string, newPath: string): Promise<void> {
    if (existingPath === EMPTY_PATH || newPath === EMPTY_PATH) return Promise.reject(enoent("link"));
    return super.link(existingPath, newPath);
  }
  override readlink(path: string): Promise<string> {
    if (path === EMPTY_PATH) return Promise.reject(enoent("readlink"));
    return super.readlink(path);
  }
  override realpath(path: string): Promise<string> {
    if (path === EMPTY_PATH) return Promise.reject(enoent("realpath"));
    return super.realpath(path);
  }
  override utimes(path: string, atime: Date, mtime: Date): Promise<void> {
    if (path === EMPTY_PATH) return Promise.reject(enoent("utimes"));
    return super.utimes(path, atime, mtime);
  }
}
