/**
 * just-bash filesystems backed by the kernel: /proc and /sys of one network namespace
 * (`Syscalls.fs`, a KernelFs), and /run/netns of a host (its named namespaces).
 *
 * just-bash routes a path under a mount point to the mounted filesystem with the mount point
 * stripped; the kernel wants the full path, so each adapter puts it back.
 *
 * A failing write must not throw: just-bash rejects the whole exec when a redirect's write
 * throws. The kernel's error is recorded instead (`lastWriteError`) and the write is dropped,
 * as a failed write(2) leaves the file unchanged.
 */
import type { FsStat, IFileSystem } from "just-bash";
import type { KernelFs, Syscalls, VfsStat } from "../kernel/uapi/syscalls.ts";
import { isKErr, strerror, type KErr } from "../kernel/uapi/errno.ts";

const EPOCH = new Date(0);

/** an Error shaped like Node's fs errors, which just-bash turns into tool messages */
export function fsError(e: KErr, op: string, path: string): Error {
  const err = new Error(`${e.errno}: ${strerror(e.errno).toLowerCase()}, ${op} '${path}'`) as Error & {
    code: string;
  };
  err.code = e.errno;
  return err;
}

function eperm(op: string, path: string): Error {
  return fsError({ errno: "EPERM" }, op, path);
}

/** a path with no empty, "." or ".." segment and no trailing "/": its own normal form */
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|\/$/;

function normalize(path: string): string {
  // (the common case, every lookup of /dev/null or /proc/…: no split and join)
  if (path.charCodeAt(0) === 47 && !NOT_NORMAL.test(path)) return path;
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

function toStat(s: VfsStat): FsStat {
  return {
    isFile: s.isFile,
    isDirectory: s.isDirectory,
    isSymbolicLink: s.isSymlink ?? false,
    mode: s.mode & 0o7777,
    size: s.size,
    mtime: EPOCH,
  };
}

function toText(content: string | Uint8Array): string {
  if (typeof content === "string") return content;
  let s = "";
  for (const b of content) s += String.fromCharCode(b);
  return s;
}

/** Common read-only-structure filesystem over a path -> node function set. */
export abstract class LiveFs implements IFileSystem {
  /** writes the kernel refused since the last check, newest last */
  writeErrors: { path: string; err: KErr }[] = [];

  constructor(protected readonly mountPoint: string) {}

  protected full(path: string): string {
    const p = normalize(path);
    return p === "/" ? this.mountPoint : this.mountPoint + p;
  }

  protected abstract kread(path: string): string | KErr;
  protected abstract kwrite(path: string, data: string): KErr | undefined;
  protected abstract kreaddir(path: string): string[] | KErr;
  protected abstract kstat(path: string): VfsStat | KErr;
  protected kreadlink(path: string): string | KErr {
    return { errno: "EINVAL", extack: path };
  }
  /** stat() without following a final symlink; the same as kstat where nothing is a link */
  protected klstat(path: string): VfsStat | KErr {
    return this.kstat(path);
  }

  async readFile(path: string): Promise<string> {
    const full = this.full(path);
    const r = this.kread(full);
    if (isKErr(r)) throw fsError(r, "open", full);
    return r;
  }
  async readFileBuffer(path: string): Promise<Uint8Array> {
    const s = await this.readFile(path);
    return new TextEncoder().encode(s);
  }
  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const data = toText(content);
    // a redirect first opens (truncates) the file with an empty write: nothing to do
    if (data === "") {
      const st = this.kstat(this.full(path));
      if (isKErr(st)) this.writeErrors.push({ path: this.full(path), err: st });
      return;
    }
    const full = this.full(path);
    const e = this.kwrite(full, data);
    if (e) this.writeErrors.push({ path: full, err: e });
  }
  async appendFile(path: string, content: string | Uint8Array): Promise<void> {
    return this.writeFile(path, content);
  }
  async exists(path: string): Promise<boolean> {
    return !isKErr(this.kstat(this.full(path)));
  }
  async stat(path: string): Promise<FsStat> {
    const full = this.full(path);
    const r = this.kstat(full);
    if (isKErr(r)) throw fsError(r, "stat", full);
    return toStat(r);
  }
  async lstat(path: string): Promise<FsStat> {
    const full = this.full(path);
    const r = this.klstat(full);
    if (isKErr(r)) throw fsError(r, "lstat", full);
    return toStat(r);
  }
  async mkdir(path: string): Promise<void> {
    throw eperm("mkdir", this.full(path));
  }
  async readdir(path: string): Promise<string[]> {
    const full = this.full(path);
    const r = this.kreaddir(full);
    if (isKErr(r)) throw fsError(r, "scandir", full);
    return r;
  }
  async readdirWithFileTypes(path: string) {
    const full = this.full(path);
    const names = await this.readdir(path);
    return names.map((name) => {
      const st = this.klstat(full === "/" ? "/" + name : `${full}/${name}`);
      const s = isKErr(st) ? undefined : st;
      return {
        name,
        isFile: s?.isFile ?? false,
        isDirectory: s?.isDirectory ?? false,
        isSymbolicLink: s?.isSymlink ?? false,
      };
    });
  }
  async rm(path: string): Promise<void> {
    throw eperm("rm", this.full(path));
  }
  async cp(_src: string, dest: string): Promise<void> {
    throw eperm("cp", this.full(dest));
  }
  async mv(src: string): Promise<void> {
    throw eperm("rename", this.full(src));
  }
  resolvePath(base: string, path: string): string {
    return path.startsWith("/") ? normalize(path) : normalize(base + "/" + path);
  }
  getAllPaths(): string[] {
    return [];
  }
  async chmod(path: string): Promise<void> {
    throw eperm("chmod", this.full(path));
  }
  async symlink(_t: string, linkPath: string): Promise<void> {
    throw eperm("symlink", this.full(linkPath));
  }
  async link(_e: string, newPath: string): Promise<void> {
    throw eperm("link", this.full(newPath));
  }
  async readlink(path: string): Promise<string> {
    const full = this.full(path);
    const r = this.kreadlink(full);
    if (isKErr(r)) throw fsError(r, "readlink", full);
    return r;
  }
  async realpath(path: string): Promise<string> {
    return normalize(path);
  }
  async utimes(): Promise<void> {}
}

/** /proc or /sys of one network namespace, live from the kernel. */
export class KernelMountFs extends LiveFs {
  constructor(
    mountPoint: string,
    private readonly kfs: KernelFs,
  ) {
    super(mountPoint);
  }
  protected kread(path: string) {
    return this.kfs.read(path);
  }
  protected kwrite(path: string, data: string) {
    return this.kfs.write(path, data);
  }
  protected kreaddir(path: string) {
    return this.kfs.readdir(path);
  }
  protected kstat(path: string) {
    return this.kfs.stat(path);
  }
  protected override kreadlink(path: string) {
    return this.kfs.readlink ? this.kfs.readlink(path) : super.kreadlink(path);
  }
  protected override klstat(path: string) {
    return this.kfs.lstat ? this.kfs.lstat(path) : this.kfs.stat(path);
  }
}

/**
 * A directory of empty files that stand for something the shell or the kernel lists: the
 * names come from `list`, `has` answers for one (it may know more names than it lists).
 * Writing is refused.
 */
class FlatDirFs extends LiveFs {
  constructor(
    mountPoint: string,
    private readonly list: () => string[],
    private readonly has: (name: string) => boolean,
    /** the directory's st_size (tmpfs: 20 bytes an entry, . and .. included) */
    private readonly dirSize: () => number,
    private readonly fileMode: number,
  ) {
    super(mountPoint);
  }
  protected kread(path: string): string | KErr {
    const st = this.kstat(path);
    if (isKErr(st)) return st;
    if (st.isDirectory) return { errno: "EISDIR" };
    return "";
  }
  protected kwrite(): KErr | undefined {
    return { errno: "EPERM" };
  }
  protected kreaddir(path: string): string[] | KErr {
    if (path !== this.mountPoint) return { errno: "ENOTDIR" };
    return this.list().slice().sort();
  }
  protected kstat(path: string): VfsStat | KErr {
    if (path === this.mountPoint) return { isDirectory: true, isFile: false, mode: 0o40755, size: this.dirSize() };
    const name = path.slice(this.mountPoint.length + 1);
    if (!name.includes("/") && this.has(name)) return { isDirectory: false, isFile: true, mode: this.fileMode, size: 0 };
    return { errno: "ENOENT" };
  }
}

/** /run/netns of a host: one empty file per named namespace (`ip netns add` creates them). */
export class NetnsDirFs extends FlatDirFs {
  constructor(sys: Syscalls) {
    super("/run/netns", () => sys.netnsList(), (n) => sys.netnsExists(n), () => 20 * (sys.netnsList().length + 2), 0o100444);
  }
}

/**
 * /usr/bin (or /usr/sbin, /bin, /sbin) of a host: one executable per command the shell knows
 * that lives there, so that bash's PATH search finds each at once and hashes it. (The
 * shell's own plumbing commands, `__tool` and the like, are found in /usr/bin too but not
 * listed.)
 */
export class BinDirFs extends FlatDirFs {
  constructor(dir: string, has: (name: string) => boolean, list: () => string[]) {
    super(dir, () => list().filter((n) => !n.startsWith("__") && has(n)), has, () => 4096, 0o100755);
  }
}

/** xorshift32 over a seed from the world's Rng: /dev/urandom without draining the world's stream */
function pseudoRandomBytes(seed: number, n: number): Uint8Array {
  let x = seed >>> 0 || 0x9e3779b9;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** what a read of an endless device returns at once (enough for `head -c`, `dd count=`) */
const DEV_READ_BYTES = 1 << 16;

/**
 * /dev of a host (drivers/char/mem.c's null, zero, full, random, urandom, and the
 * /proc/self/fd links bash opens). Redirections to /dev/stdout and /dev/stderr are bash's own
 * (just-bash routes them to the command's streams before the filesystem sees them).
 */
export class DevFs extends LiveFs {
  private static readonly CHR: Record<string, number> = { null: 0o20666, zero: 0o20666, full: 0o20666, random: 0o20666, urandom: 0o20666, tty: 0o20666 };
  private static readonly LINKS: Record<string, string> = {
    fd: "/proc/self/fd",
    stdin: "/proc/self/fd/0",
    stdout: "/proc/self/fd/1",
    stderr: "/proc/self/fd/2",
  };
  constructor(private readonly random32: () => number, private readonly sys?: Syscalls) {
    super("/dev");
  }
  /**
   * bash's redir.c: redir_special_open() -> netopen(): /dev/udp/HOST/PORT is a connected
   * datagram socket, each write of the redirected command one datagram (the socket is bash's,
   * not the kernel's /dev). Numeric hosts and ports; /dev/tcp is not modelled.
   */
  private netWrite(proto: string, host: string, port: string, data: string): KErr | undefined {
    const sys = this.sys;
    if (!sys || proto !== "udp") return { errno: "ENOENT" };
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
    if (!m || !/^\d+$/.test(port) || Number(port) > 65535) return { errno: "ENOENT" };
    const addr = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
    const s = sys.socket(2 /* AF_INET */, 2 /* SOCK_DGRAM */, 0);
    if (isKErr(s)) return s;
    try {
      const e = s.connect({ family: 2, addr, port: Number(port) });
      if (e) return e;
      const r = s.sendto(new TextEncoder().encode(data));
      return isKErr(r) ? r : undefined;
    } finally {
      s.close();
    }
  }
  private bytes(name: string): Uint8Array | KErr {
    switch (name) {
      case "null":
      case "stdin":
      case "stdout":
      case "stderr":
      case "tty":
        return new Uint8Array(0);
      case "zero":
      case "full":
        return new Uint8Array(DEV_READ_BYTES);
      case "random":
      case "urandom":
        return pseudoRandomBytes(this.random32(), DEV_READ_BYTES);
      default:
        return { errno: "ENOENT" };
    }
  }
  private name(path: string): string {
    return path.slice("/dev/".length);
  }
  protected kread(path: string): string | KErr {
    if (path === "/dev" || path === "/dev/fd") return { errno: "EISDIR" };
    const b = this.bytes(this.name(path));
    return isKErr(b) ? b : toText(b);
  }
  override async readFileBuffer(path: string): Promise<Uint8Array> {
    const full = this.full(path);
    if (full === "/dev" || full === "/dev/fd") throw fsError({ errno: "EISDIR" }, "read", full);
    const b = this.bytes(this.name(full));
    if (isKErr(b)) throw fsError(b, "open", full);
    return b;
  }
  /**
   * just-bash materialises a process substitution `<(cmd)` as a file /dev/fd/N; a refused
   * write there makes it mount a private /dev/fd of its own for them (0, 1, 2 are the shell's)
   */
  override async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const full = this.full(path);
    if (/^\/dev\/fd\/\d+$/.test(full) && !/^\/dev\/fd\/[012]$/.test(full)) throw fsError({ errno: "EROFS" }, "write", full);
    return super.writeFile(path, content);
  }
  protected kwrite(path: string, data: string): KErr | undefined {
    const name = this.name(path);
    const net = /^(tcp|udp)\/([^/]+)\/([^/]+)$/.exec(name);
    if (net) return this.netWrite(net[1]!, net[2]!, net[3]!, data);
    if (name === "full") return { errno: "ENOSPC" };
    if (name in DevFs.CHR || name in DevFs.LINKS) return undefined;
    return { errno: "EACCES" };
  }
  protected kreaddir(path: string): string[] | KErr {
    if (path === "/dev") return [...Object.keys(DevFs.CHR), ...Object.keys(DevFs.LINKS)].sort();
    if (path === "/dev/fd") return ["0", "1", "2"];
    return { errno: "ENOTDIR" };
  }
  protected kstat(path: string): VfsStat | KErr {
    if (path === "/dev" || path === "/dev/fd") return { isDirectory: true, isFile: false, mode: 0o40755, size: 0 };
    const name = this.name(path);
    // the character devices read and write like files for the shell's commands
    if (name in DevFs.CHR || name in DevFs.LINKS || /^fd\/[012]$/.test(name))
      return { isDirectory: false, isFile: true, mode: DevFs.CHR[name] ?? 0o20620, size: 0 };
    return { errno: "ENOENT" };
  }
  protected override klstat(path: string): VfsStat | KErr {
    const name = this.name(path);
    if (name in DevFs.LINKS) return { isDirectory: false, isFile: false, isSymlink: true, mode: 0o120777, size: DevFs.LINKS[name]!.length };
    return this.kstat(path);
  }
  protected override kreadlink(path: string): string | KErr {
    return DevFs.LINKS[this.name(path)] ?? { errno: "EINVAL" };
  }
}
