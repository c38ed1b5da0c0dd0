/**
 * procps-ng 4.0.2 src/sysctl.c: read, write and list kernel parameters under /proc/sys
 * (ReadSetting, DisplayAll, WriteSetting, parse_setting_line, Preload, PreloadSystem, main).
 */
import { fnmatchRegExp } from "../lib/fnmatch.ts";
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import type { KErr } from "../../kernel/uapi/errno.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";

const PROC_PATH = "/proc/sys/";
const DEFAULT_PRELOAD = "/etc/sysctl.conf";
const DEPRECATED = ["base_reachable_time", "retrans_time"];
const PROCPS_NG_VERSION = "sysctl from procps-ng 4.0.2\n";
const EXIT_SUCCESS = 0;
const EXIT_FAILURE = 1;
const S_IRUSR = 0o400;
const S_IWUSR = 0o200;

interface SysctlSetting {
  key: string;
  path: string;
  value: string | undefined;
  ignoreFailure: boolean;
  globExclude: boolean;
}

/** the C program's globals */
class Sysctl {
  ignoreDeprecated = true;
  nameOnly = false;
  printName = true;
  printNewline = true;
  ignoreError = false;
  quiet = false;
  dryRun = false;
  pattern: RegExp | undefined;
  patternSrc: string | undefined;
  out = "";

  constructor(readonly p: Process) {}

  get fs() {
    return this.p.sys.fs;
  }

  printf(s: string): void {
    this.out += s;
  }

  flush(): void {
    if (this.out) this.p.stdout.write(this.out);
    this.out = "";
  }

  /** xwarnx() */
  warnx(msg: string): void {
    this.flush();
    this.p.stderr.write(`sysctl: ${msg}\n`);
  }

  /** xwarn(): with ": strerror(errno)" */
  warn(msg: string, e: KErr | string): void {
    this.flush();
    this.p.stderr.write(`sysctl: ${msg}: ${typeof e === "string" ? e : strerror(e.errno)}\n`);
  }

  /** xerrx() */
  errx(code: number, msg: string): never {
    this.warnx(msg);
    throw new Exit(code);
  }

  /** slashdot(): swap the separators of a key from `old` to `nu` (warns on repeats) */
  slashdot(s: string, old: string, nu: string): string {
    const chars = [...s];
    let warned = true;
    let i = chars.findIndex((c) => c === "/" || c === ".");
    if (i < 0) return s;
    if (chars[i] === nu) return s;
    while (i >= 0) {
      const c = chars[i]!;
      if ((chars[i + 1] === "/" || chars[i + 1] === ".") && warned) {
        this.warnx(`separators should not be repeated: ${s.slice(i)}`);
        warned = false;
      }
      if (c === old) chars[i] = nu;
      if (c === nu) chars[i] = old;
      let j = i + 1;
      while (j < chars.length && chars[j] !== "/" && chars[j] !== ".") j++;
      i = j < chars.length ? j : -1;
    }
    return chars.join("");
  }

  /** what the kernel sees of a path (the VFS collapses repeated slashes) */
  kpath(path: string): string {
    return path.replace(/\/{2,}/g, "/");
  }

  /** pattern_match() */
  patternMatch(s: string): boolean {
    return this.pattern ? this.pattern.test(s) : false;
  }

  /** setting_new() */
  settingNew(key: string, value: string | undefined, ignoreFailure: boolean, globExclude: boolean): SysctlSetting {
    const tail = key[0] === "-" ? key.slice(1) : key;
    const path = PROC_PATH + this.slashdot(tail, ".", "/");
    return { key, path, value, ignoreFailure, globExclude };
  }

  /** ReadSetting() */
  readSetting(name: string): number {
    let rc = EXIT_SUCCESS;
    if (!name) {
      this.warnx(`"${name}" is an unknown key`);
      return -1;
    }
    const outname = this.slashdot(name, "/", ".");
    let tmpname = PROC_PATH + this.slashdot(name, ".", "/");
    const ts = this.fs.stat(this.kpath(tmpname));
    if (isKErr(ts)) {
      if (!this.ignoreError) {
        this.warn(`cannot stat ${tmpname}`, ts);
        rc = EXIT_FAILURE;
      }
      return rc;
    }
    if ((ts.mode & S_IRUSR) === 0) return rc;
    if (ts.isDirectory) {
      tmpname += "/";
      return this.displayAll(tmpname);
    }
    if (this.patternSrc !== undefined && !this.patternMatch(outname)) return EXIT_SUCCESS;
    if (this.nameOnly) {
      this.printf(`${outname}\n`);
      return rc;
    }
    const data = this.fs.read(this.kpath(tmpname));
    if (isKErr(data)) {
      switch (data.errno) {
        case "ENOENT":
          if (!this.ignoreError) {
            this.warnx(`"${outname}" is an unknown key`);
            rc = EXIT_FAILURE;
          }
          break;
        case "EACCES":
          this.warnx(`permission denied on key '${outname}'`);
          rc = EXIT_FAILURE;
          break;
        case "EIO":
          rc = EXIT_FAILURE;
          break;
        case "EISDIR":
          return this.displayAll(tmpname + "/");
        default:
          this.warnx(`reading key "${outname}"`);
          rc = EXIT_FAILURE;
      }
      return rc;
    }
    // getline() loop
    const lines = data.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    if (lines.length === 0) return rc;
    if (this.printName) {
      this.printf(`${outname} = `);
      let all = lines.join("");
      this.printf(all);
      if (!all.endsWith("\n")) this.printf("\n");
      all = "";
    } else {
      for (const l of lines) this.printf(this.printNewline ? l : l.replace(/\n$/, ""));
    }
    return rc;
  }

  /** DisplayAll() */
  displayAll(path: string): number {
    let rc = EXIT_SUCCESS;
    const ents = this.fs.readdir(this.kpath(path));
    if (isKErr(ents)) {
      this.warnx(`unable to open directory "${path}"`);
      return EXIT_FAILURE;
    }
    for (const name of ents) {
      if (name === "." || name === "..") continue;
      if (this.ignoreDeprecated && DEPRECATED.includes(name)) continue;
      let tmpdir = path + name;
      const ts = this.fs.stat(this.kpath(tmpdir));
      if (isKErr(ts)) this.warn(`cannot stat ${tmpdir}`, ts);
      else if (ts.isDirectory) {
        tmpdir += "/";
        this.displayAll(tmpdir);
      } else rc |= this.readSetting(tmpdir.slice(PROC_PATH.length));
    }
    return rc;
  }

  /** WriteSetting() */
  writeSetting(key: string, path: string, value: string | undefined, ignoreFailure: boolean): number {
    let rc = EXIT_SUCCESS;
    const ts = this.fs.stat(this.kpath(path));
    if (isKErr(ts)) {
      if (!this.ignoreError) {
        this.warn(`cannot stat ${path}`, ts);
        rc = EXIT_FAILURE;
      }
      return rc;
    }
    void key;
    const dottedKey = this.slashdot(path.slice(PROC_PATH.length), "/", ".");
    if ((ts.mode & S_IWUSR) === 0 || ts.isDirectory) {
      /* xwarn() with an errno nothing set since: the reference machine prints EINVAL
       * (`sysctl -w net.core.rmem_max=1000` in a lab host, a 0444 entry) and exits 0 */
      this.warn(`setting key "${dottedKey}"`, "Invalid argument");
      return rc;
    }
    const ign = ignoreFailure ? ", ignoring" : "";
    if (!this.dryRun) {
      // fprocopen(path, "w") + fprintf("%s\n") + close_stream(): the entry exists and is
      // writable (stat said so), so open() succeeds and the kernel's answer comes at close
      const e = this.fs.write(this.kpath(path), `${value ?? ""}\n`);
      if (e) {
        this.warn(`setting key "${dottedKey}"`, e);
        return EXIT_FAILURE;
      }
    }
    if ((rc === EXIT_SUCCESS && !this.quiet) || this.dryRun) {
      const v = value ?? "(null)";
      if (this.nameOnly) this.printf(`${v}\n`);
      else if (this.printName) this.printf(`${dottedKey} = ${v}\n`);
      else if (this.printNewline) this.printf(`${v}\n`);
      else this.printf(v);
    }
    return rc;
  }

  /** parse_setting_line() */
  parseSettingLine(path: string, linenum: number, line: string): SysctlSetting | undefined {
    let key = line.replace(/^\s+/, "");
    if (key.length < 2) return undefined;
    if (key[0] === "#" || key[0] === ";") return undefined;
    if (this.patternSrc !== undefined && !this.patternMatch(key)) return undefined;
    const eq = key.indexOf("=");
    let value: string | undefined;
    let globExclude = false;
    let ignoreFailure = false;
    if (eq < 0) {
      if (key[0] === "-") {
        globExclude = true;
        key = key.slice(1).replace(/\s+$/, "");
      } else {
        this.warnx(`${path}(${linenum}): invalid syntax, continuing...`);
        return undefined;
      }
    } else {
      value = key.slice(eq + 1).replace(/^\s+/, "").replace(/\s+$/, "");
      key = key.slice(0, eq);
      if (key[0] === "-") {
        ignoreFailure = true;
        key = key.slice(1);
      }
      key = key.replace(/\s+$/, "");
    }
    return this.settingNew(key, value, ignoreFailure, globExclude);
  }

  /** glob(3) over /proc/sys: the matching paths, sorted */
  glob(pattern: string): string[] {
    const parts = pattern.split("/").filter((x) => x !== "");
    let cur = [""];
    for (const part of parts) {
      const next: string[] = [];
      const isGlob = /[*?[]/.test(part);
      for (const base of cur) {
        if (!isGlob) {
          next.push(`${base}/${part}`);
          continue;
        }
        const ents = this.fs.readdir(this.kpath(base || "/"));
        if (isKErr(ents)) continue;
        const re = fnmatchRegExp(part, { pathname: true });
        for (const e of [...ents].sort()) if (re.test(e) && !e.startsWith(".")) next.push(`${base}/${e}`);
      }
      cur = next;
    }
    return cur.filter((pth) => !isKErr(this.fs.stat(this.kpath(pth))));
  }

  /** write_setting_list() */
  writeSettingList(sl: SysctlSetting[]): number {
    let rc = EXIT_SUCCESS;
    for (const node of sl) {
      if (node.globExclude) continue;
      if (/[*?[]/.test(node.path)) {
        for (const pth of this.glob(node.path)) {
          if (sl.some((s) => s.path === pth)) continue;
          rc |= this.writeSetting(node.key, pth, node.value, node.ignoreFailure);
        }
      } else rc |= this.writeSetting(node.key, node.path, node.value, node.ignoreFailure);
    }
    return rc;
  }

  /** Preload() */
  async preload(setlist: SysctlSetting[], filename: string): Promise<number> {
    let text: string | undefined;
    if (filename === "-") text = this.p.stdin;
    else text = await this.p.readFile(filename);
    if (text === undefined) {
      this.warn(`cannot open "${filename}"`, "No such file or directory");
      return EXIT_FAILURE;
    }
    let n = 0;
    for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
      n++;
      if (line.length < 2) continue;
      const s = this.parseSettingLine(filename, n, line);
      if (s) setlist.push(s);
    }
    return EXIT_SUCCESS;
  }

  /** PreloadSystem(): the sysctl.d directories are empty on a lab host; /etc/sysctl.conf if present */
  async preloadSystem(setlist: SysctlSetting[]): Promise<number> {
    let rc = EXIT_SUCCESS;
    if ((await this.p.readFile(DEFAULT_PRELOAD)) !== undefined) {
      if (!this.quiet) this.printf(`* Applying ${DEFAULT_PRELOAD} ...\n`);
      rc |= await this.preload(setlist, DEFAULT_PRELOAD);
    }
    return rc;
  }

  /** Usage() */
  usage(toStderr: boolean): never {
    const s =
      "\nUsage:\n" +
      " sysctl [options] [variable[=value] ...]\n" +
      "\nOptions:\n" +
      "  -a, --all            display all variables\n" +
      "  -A                   alias of -a\n" +
      "  -X                   alias of -a\n" +
      "      --deprecated     include deprecated parameters to listing\n" +
      "      --dry-run        Print the key and values but do not write\n" +
      "  -b, --binary         print value without new line\n" +
      "  -e, --ignore         ignore unknown variables errors\n" +
      "  -N, --names          print variable names without values\n" +
      "  -n, --values         print only values of the given variable(s)\n" +
      "  -p, --load[=<file>]  read values from file\n" +
      "  -f                   alias of -p\n" +
      "      --system         read values from all system directories\n" +
      "  -r, --pattern <expression>\n" +
      "                       select setting that match expression\n" +
      "  -q, --quiet          do not echo variable set\n" +
      "  -w, --write          enable writing a value to variable\n" +
      "  -o                   does nothing\n" +
      "  -x                   does nothing\n" +
      "  -d                   alias of -h\n" +
      "\n" +
      " -h, --help     display this help and exit\n" +
      " -V, --version  output version information and exit\n" +
      "\nFor more details see sysctl(8).\n";
    if (toStderr) {
      this.flush();
      this.p.stderr.write(s);
    } else this.printf(s);
    throw new Exit(toStderr ? EXIT_FAILURE : EXIT_SUCCESS);
  }

  async main(argv: string[]): Promise<number> {
    let writeMode = false;
    let displayAllOpt = false;
    let preloadfileOpt = false;
    let returnCode = 0;
    let preloadfile: string | undefined;
    const setlist: SysctlSetting[] = [];
    if (argv.length < 2) this.usage(true);
    const longopts: LongOpt[] = [
      { name: "all", hasArg: 0, val: "a" },
      { name: "deprecated", hasArg: 0, val: "\u0100" },
      { name: "dry-run", hasArg: 0, val: "\u0102" },
      { name: "binary", hasArg: 0, val: "b" },
      { name: "ignore", hasArg: 0, val: "e" },
      { name: "names", hasArg: 0, val: "N" },
      { name: "values", hasArg: 0, val: "n" },
      { name: "load", hasArg: 2, val: "p" },
      { name: "quiet", hasArg: 0, val: "q" },
      { name: "write", hasArg: 0, val: "w" },
      { name: "system", hasArg: 0, val: "\u0101" },
      { name: "pattern", hasArg: 1, val: "r" },
      { name: "help", hasArg: 0, val: "h" },
      { name: "version", hasArg: 0, val: "V" },
    ];
    // main() acts on each option as getopt_long() returns it: a bad one, -d/-h and -V end the
    // program there (and --system runs at once), so later options are never read
    const { opts, args } = getoptLong(this.p, ["sysctl", ...argv.slice(1)], "bneNwfp::qoxaAXr:Vdh", longopts, {
      stopAtError: true,
      stopAt: "dhV\u0101",
    });
    for (const [c, optarg] of opts) {
      switch (c) {
        case "b":
          this.printNewline = false;
          this.printName = false;
          break;
        case "n":
          this.printName = false;
          break;
        case "e":
          this.ignoreError = true;
          break;
        case "N":
          this.nameOnly = true;
          break;
        case "w":
          writeMode = true;
          break;
        case "f":
        case "p":
          preloadfileOpt = true;
          if (optarg !== undefined) preloadfile = optarg;
          break;
        case "q":
          this.quiet = true;
          break;
        case "o":
        case "x":
          break;
        case "a":
        case "A":
        case "X":
          displayAllOpt = true;
          break;
        case "\u0100":
          this.ignoreDeprecated = false;
          break;
        case "\u0101": {
          this.ignoreError = true;
          let rc = await this.preloadSystem(setlist);
          rc |= this.writeSettingList(setlist);
          return rc;
        }
        case "\u0102":
          this.dryRun = true;
          break;
        case "r":
          this.patternSrc = optarg ?? "";
          try {
            this.pattern = new RegExp(this.patternSrc);
          } catch {
            this.pattern = /(?!)/;
          }
          break;
        case "V":
          this.printf(PROCPS_NG_VERSION);
          return EXIT_SUCCESS;
        case "d":
        case "h":
        case "?":
          this.usage(false);
          break;
        default:
          this.usage(true);
      }
    }
    if (displayAllOpt) return this.displayAll(PROC_PATH);
    if (preloadfileOpt) {
      let ret = EXIT_SUCCESS;
      if (preloadfile === undefined) {
        if (!args.length) ret |= await this.preload(setlist, DEFAULT_PRELOAD);
      } else ret |= await this.preload(setlist, preloadfile);
      for (const a of args) ret |= await this.preload(setlist, a);
      ret |= this.writeSettingList(setlist);
      return ret;
    }
    if (args.length < 1) this.errx(EXIT_FAILURE, "no variables specified\nTry `sysctl --help' for more information.");
    if (this.nameOnly && this.quiet)
      this.errx(EXIT_FAILURE, "options -N and -q cannot coexist\nTry `sysctl --help' for more information.");
    for (const a of args) {
      if (writeMode || a.includes("=")) {
        const s = this.parseSettingLine("command line", 0, a);
        if (s) returnCode |= this.writeSetting(s.key, s.path, s.value, s.ignoreFailure);
        else returnCode |= EXIT_FAILURE;
      } else returnCode += this.readSetting(a);
    }
    return returnCode;
  }
}


/** the `sysctl` command */
export async function sysctl(p: Process): Promise<number> {
  const s = new Sysctl(p);
  let code: number;
  try {
    code = await s.main(p.argv);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    code = e.code;
  }
  s.flush();
  return code & 0xff;
}
