/**
 * The host's own filesystem (/root, /etc, /tmp …) on the simulated clock: just-bash's
 * InMemoryFs stamps every change with the real machine's `new Date()`; here each change is
 * restamped with the world's wall clock (Syscalls.wallclock), as the kernel's
 * inode_set_mtime/ctime on write, and a directory's mtime moves when an entry is created,
 * removed or renamed in it (fs/namei.c), so `ls -l` shows simulated times.
 *
 * Ownership: everything belongs to root (uid 0, gid 0) — lab commands run as root — which
 * the `ls -l` port (ls.ts) prints; just-bash's own ls says `user user`.
 */
import { InMemoryFs, type FileContent } from "just-bash";

type WriteOpts = Parameters<InMemoryFs["writeFile"]>[2];
type MkdirOpts = Parameters<InMemoryFs["mkdir"]>[1];
type RmOpts = Parameters<InMemoryFs["rm"]>[1];
type CpOpts = Parameters<InMemoryFs["cp"]>[2];

const parentOf = (p: string): string => p.replace(/\/+$/, "").replace(/\/[^/]*$/, "") || "/";

/** the modes of a Debian host's standard directories (the rest is 0755 / 0644) */
const STD_MODES: Record<string, number> = { "/tmp": 0o1777, "/root": 0o700, "/var/tmp": 0o1777 };

export class SimClockFs extends InMemoryFs {
  /** seconds since the epoch, fractional (Syscalls.wallclock) */
  private readonly clock: () => number;
  /** bumped by every change to the tree (what a reader's cache of it checks) */
  version = 0;

  constructor(clock: () => number, initialFiles?: ConstructorParameters<typeof InMemoryFs>[0]) {
    super(initialFiles);
    // a lab host's home is empty (labtool's hosts have nothing in /root); /run and /usr hold
    // mount points (/run/netns, /usr/bin), which just-bash would otherwise show as directories
    // stamped with the real machine's date
    for (const d of ["/root", "/run", "/usr"]) if (!this.existsSyncDir(d)) this.mkdirSync(d, { recursive: true });
    this.clock = clock;
    const now = this.date();
    for (const p of this.getAllPaths()) void this.stamp(p, now);
    for (const [p, m] of Object.entries(STD_MODES)) void super.chmod(p, m).catch(() => undefined);
  }

  /** is `path` (normalized, absolute) a regular file of this tree, not a symlink out of it */
  isPlainFile(path: string): boolean {
    const e = (this as unknown as { data?: Map<string, { type?: string }> }).data?.get(path);
    return e?.type === "file";
  }

  /**
   * A directory's entries in the order they were made: on tmpfs the order of their inode
   * numbers, which GNU cp's savedir() sorts a directory by (readdir() here sorts by name).
   * undefined for a path this tree does not hold (a mount).
   */
  entriesByAge(dir: string): string[] | undefined {
    const data = (this as unknown as { data?: Map<string, unknown> }).data;
    if (!data?.has(dir)) return undefined;
    const prefix = dir === "/" ? "/" : `${dir}/`;
    const out: string[] = [];
    for (const k of data.keys()) if (k.length > prefix.length && k.startsWith(prefix) && !k.includes("/", prefix.length)) out.push(k.slice(prefix.length));
    return out;
  }

  private existsSyncDir(path: string): boolean {
    return (this as unknown as { data?: Map<string, unknown> }).data?.has(path) ?? false;
  }

  private date(): Date {
    return new Date(Math.floor(this.clock() * 1000));
  }

  /**
   * The entry itself (a symlink too: InMemoryFs has no lutimes, and its utimes follows
   * links), else utimes.
   */
  private async stamp(p: string, d: Date): Promise<void> {
    const key = p.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
    const entry = (this as unknown as { data?: Map<string, { mtime?: Date }> }).data?.get(key);
    if (entry && typeof entry === "object") {
      entry.mtime = d;
      return;
    }
    try {
      await super.utimes(p, d, d);
    } catch {
      /* gone or dangling: nothing to stamp */
    }
  }

  /** restamp `paths` (and, when an entry appeared or went, its directory) */
  private async touch(paths: string[], dirsToo: boolean): Promise<void> {
    const d = this.date();
    const all = new Set(paths);
    if (dirsToo) for (const p of paths) all.add(parentOf(p));
    for (const p of all) await this.stamp(p, d);
  }

  /**
   * utimes(2) from just-bash's `touch` carries the real machine's time: a touch is "now" on
   * the simulated clock (so `touch -d DATE` is not honoured).
   */
  override async chmod(path: string, mode: number): Promise<void> {
    this.version++;
    await super.chmod(path, mode);
  }

  override async utimes(path: string, _atime: Date, _mtime: Date): Promise<void> {
    const d = this.date();
    await super.utimes(path, d, d);
  }

  private async existed(p: string): Promise<boolean> {
    try {
      await super.lstat(p);
      return true;
    } catch {
      return false;
    }
  }

  override async writeFile(path: string, content: FileContent, options?: WriteOpts): Promise<void> {
    this.version++;
    const had = await this.existed(path);
    await super.writeFile(path, content, options);
    await this.touch([path], !had);
  }

  override async appendFile(path: string, content: FileContent, options?: WriteOpts): Promise<void> {
    this.version++;
    const had = await this.existed(path);
    await super.appendFile(path, content, options);
    await this.touch([path], !had);
  }

  override async mkdir(path: string, options?: MkdirOpts): Promise<void> {
    this.version++;
    const had = await this.existed(path);
    await super.mkdir(path, options);
    if (!had) await this.touch([path], true);
  }

  override async rm(path: string, options?: RmOpts): Promise<void> {
    this.version++;
    await super.rm(path, options);
    await this.touch([parentOf(path)], false);
  }

  override async cp(src: string, dest: string, options?: CpOpts): Promise<void> {
    this.version++;
    const had = await this.existed(dest);
    await super.cp(src, dest, options);
    await this.touch([dest], !had);
  }

  override async mv(src: string, dest: string): Promise<void> {
    this.version++;
    await super.mv(src, dest);
    /* rename(2) keeps the file's mtime; both directories change */
    await this.touch([parentOf(src), parentOf(dest)], false);
  }

  override async symlink(target: string, linkPath: string): Promise<void> {
    this.version++;
    await super.symlink(target, linkPath);
    await this.touch([linkPath], true);
  }

  override async link(existingPath: string, newPath: string): Promise<void> {
    this.version++;
    await super.link(existingPath, newPath);
    await this.touch([parentOf(newPath)], false);
  }
}
