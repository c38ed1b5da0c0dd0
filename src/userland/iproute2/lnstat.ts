/**
 * iproute2 6.1 lnstat (misc/lnstat.c, misc/lnstat_util.c), also run as rtstat (the rt_cache
 * file) and ctstat (ip_conntrack: a file this kernel no longer has): the per-CPU statistics
 * files of /proc/net/stat, summed over the CPUs, as one column per field with a header of the
 * file names and the field names cut to the column width, or as JSON. Each value is the
 * increase since the last reading divided by the interval (the first reading: since boot);
 * `entries` is the current value. It reads every `-i` seconds of the simulated clock, `-c`
 * times (forever without it), and always ends with status 1, as the real one does.
 */
import type { Command, Process } from "../process.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import { JsonWriter } from "../lib/json_writer.ts";
import { nap } from "../lib/unistd.ts";

/* lnstat.c */
const MAX_FIELDS = 128;
const HDR_LINES = 10;
const FIELD_WIDTH_DEFAULT = 8;
const FIELD_WIDTH_MAX = 20;
const DEFAULT_INTERVAL = 2;
/* lnstat.h */
const PROC_NET_STAT = "/proc/net/stat";
const LNSTAT_MAX_FIELDS_PER_LINE = 32;
const LNSTAT_MAX_FIELD_NAME_LEN = 32;
const ULONG = (1n << 64n) - 1n;

/** the version string of iproute2 6.1.0 (version.h) */
const VERSION = "6.1.0";

/** struct lnstat_field */
interface LnstatField {
  file: LnstatFile;
  name: string;
  /** two buffers for values */
  values: [bigint, bigint];
  result: bigint;
}

/** struct lnstat_file */
interface LnstatFile {
  path: string;
  basename: string;
  /** interval.tv_sec */
  interval: number;
  fields: LnstatField[];
}

/** struct field_param */
interface FieldParam {
  name?: string;
  lf?: LnstatField;
  width: number;
}

const LONG: LongOpt[] = (
  [["version", 0, "V"], ["count", 1, "c"], ["dump", 0, "d"], ["json", 0, "j"], ["file", 1, "f"], ["help", 0, "h"],
    ["interval", 1, "i"], ["keys", 1, "k"], ["subject", 1, "s"], ["width", 1, "w"], ["oneline", 0, "\0"]] as const
).map(([name, hasArg, val]) => ({ name, hasArg: hasArg as 0 | 1, val }));

/** usage(): on stderr, then exit(exit_code) */
function usage(p: Process, name: string, exitCode: number): number {
  p.stderr.write(
    `${name} Version ${VERSION}\n` +
    "Copyright (C) 2004 by Harald Welte <laforge@gnumonks.org>\n" +
    "This program is free software licensed under GNU GPLv2\nwith ABSOLUTELY NO WARRANTY.\n" +
    "\n" +
    "Parameters:\n" +
    "\t-V --version\t\tPrint Version of Program\n" +
    "\t-c --count <count>\tPrint <count> number of intervals\n" +
    "\t-d --dump\t\tDump list of available files/keys\n" +
    "\t-j --json\t\tDisplay in JSON format\n" +
    "\t-f --file <file>\tStatistics file to use\n" +
    "\t-h --help\t\tThis help message\n" +
    "\t-i --interval <intv>\tSet interval to 'intv' seconds\n" +
    "\t-k --keys k,k,k,...\tDisplay only keys specified\n" +
    "\t-s --subject [0-2]\tControl header printing:\n" +
    "\t\t\t\t0 = never\n" +
    "\t\t\t\t1 = once\n" +
    "\t\t\t\t2 = every 20 lines (default))\n" +
    "\t-w --width n,n,n,...\tWidth for each field\n" +
    "\n",
  );
  return exitCode;
}

/** strtoul(3) in `base` (0: 0x… hex, 0… octal, else decimal) from `s[pos]`: the value and where it stopped */
function strtoul(s: string, pos: number, base: number): [bigint, number] {
  let i = pos;
  while (i < s.length && " \t\n\v\f\r".includes(s[i]!)) i++;
  let neg = false;
  if (s[i] === "+" || s[i] === "-") neg = s[i++] === "-";
  if ((base === 0 || base === 16) && s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X") && /[0-9a-fA-F]/.test(s[i + 2] ?? "")) {
    i += 2;
    base = 16;
  } else if (base === 0) base = s[i] === "0" ? 8 : 10;
  const start = i;
  let v = 0n;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, 36);
    if (Number.isNaN(d) || d >= base) break;
    v = v * BigInt(base) + BigInt(d);
    if (v > ULONG) v = ULONG + 1n; /* ERANGE: ULONG_MAX, below */
  }
  if (i === start) return [0n, pos];
  if (v > ULONG) return [ULONG, i];
  return [neg ? (ULONG + 1n - v) & ULONG : v, i];
}

/** sscanf(s, "%u", &x): the int it stores, or undefined when nothing matched */
function scanU(s: string): number | undefined {
  const m = /^\s*([+-]?)(\d+)/.exec(s);
  if (!m) return undefined;
  let v = BigInt(m[2]!) & 0xffffffffn;
  if (m[1] === "-") v = (0x100000000n - v) & 0xffffffffn;
  return Number(BigInt.asIntN(32, v));
}

/** lnstat_util.c: scan_lines(): read (and sum over the CPUs) the values into buffer `i` */
async function scanLines(p: Process, lf: LnstatFile, i: 0 | 1): Promise<void> {
  for (const f of lf.fields) f.values[i] = 0n;
  const text = (await p.readFile(lf.path)) ?? "";
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  /* skip first line */
  for (const buf of lines.slice(1)) {
    let ptr = 0;
    lf.fields.forEach((f, j) => {
      const [v, end] = strtoul(buf, ptr, 16);
      ptr = end;
      f.values[i] = j === 0 ? v : (f.values[i] + v) & ULONG;
    });
  }
}

/** lnstat_util.c: lnstat_update(): every file is read again (its interval has always passed) */
async function lnstatUpdate(p: Process, files: LnstatFile[]): Promise<boolean> {
  for (const lf of files) {
    await scanLines(p, lf, 1);
    for (const [i, lfi] of lf.fields.entries()) {
      if (i === 0) lfi.result = lfi.values[1];
      else {
        /* an interval of 0 divides by zero (SIGFPE) */
        if (lf.interval === 0) return false;
        const div = BigInt(lf.interval) & ULONG;
        lfi.result = ((lfi.values[1] - lfi.values[0]) & ULONG) / div;
      }
    }
    await scanLines(p, lf, 0);
  }
  return true;
}

/** lnstat_util.c: __lnstat_scan_fields(): the field names of the first line */
function scanFields(lf: LnstatFile, buf: string): void {
  const toks = buf.split(/[ \t\n]+/).filter((t) => t !== "");
  if (toks.length === 0 || toks.length > LNSTAT_MAX_FIELDS_PER_LINE) return;
  lf.fields = toks.map((t) => ({ file: lf, name: t.slice(0, LNSTAT_MAX_FIELD_NAME_LEN), values: [0n, 0n], result: 0n }));
}

/** lnstat_util.c: lnstat_scan_dir(): the files (only those asked for, when some are), last first */
async function lnstatScanDir(p: Process, path: string, reqFiles: string[]): Promise<LnstatFile[]> {
  /* readdir(3): the kernel's order (getdents on procfs: its pde_subdir order, unsorted) */
  const names = (await p.readdir?.(path)) ?? [];
  const files: LnstatFile[] = [];
  for (const name of names) {
    if (reqFiles.length && !reqFiles.includes(name)) continue;
    const lf: LnstatFile = { path: `${path}/${name}`, basename: name, interval: 1, fields: [] };
    const text = (await p.readFile(lf.path)) ?? "";
    scanFields(lf, text.split("\n")[0] ?? "");
    /* prepend to global list */
    files.unshift(lf);
  }
  return files;
}

/** lnstat_util.c: lnstat_dump() */
function lnstatDump(files: LnstatFile[]): string {
  let out = "";
  for (const lf of files) {
    out += `${lf.path}:\n`;
    lf.fields.forEach((f, i) => (out += `\t${String(i + 1).padStart(2)}: ${f.name}\n`));
  }
  return out;
}

/** lnstat_util.c: lnstat_find_field(): `file:field` or the first file's `field` */
function lnstatFindField(files: LnstatFile[], name: string): LnstatField | undefined {
  const colon = name.indexOf(":");
  const file = colon >= 0 ? name.slice(0, colon) : undefined;
  const field = colon >= 0 ? name.slice(colon + 1) : name;
  for (const lf of files) {
    if (file !== undefined && file !== lf.basename) continue;
    const f = lf.fields.find((x) => x.name === field);
    if (f) return f;
  }
  return undefined;
}

/** %*.*s| */
const cell = (s: string, width: number): string => s.slice(0, width).padStart(width) + "|";

/** build_hdr_string(): line 0 the file names, then the field names cut into pieces of the width */
function buildHdrString(fps: FieldParam[]): string[] {
  const hdr: string[] = Array(HDR_LINES).fill("");
  let numLines = 0;
  for (const fp of fps) {
    const fname = fp.lf!.name;
    const width = fp.width;
    hdr[0] += cell(fp.lf!.file.basename, width);
    let c = 0;
    for (let h = 1; h < HDR_LINES; h++) {
      if (c >= fname.length) hdr[h] += cell("", width);
      else {
        numLines = h + 1; /* th.num_lines: the last field's count wins */
        hdr[h] += cell(fname.slice(c), width);
      }
      c += width;
    }
  }
  return hdr.slice(0, numLines);
}

export const lnstat: Command = async (p) => {
  const argv0 = p.argv[0] ?? "lnstat";
  const basename = argv0.slice(argv0.lastIndexOf("/") + 1);
  let interval = DEFAULT_INTERVAL;
  let hdr = 2;
  let mode: "dump" | "json" | "normal" = "normal";
  let count = 0n;
  const fp: FieldParam[] = Array.from({ length: MAX_FIELDS }, () => ({ width: 0 }));
  let fpNum = 0;
  const reqFiles: string[] = [];

  /* backwards compatibility mode for old tools */
  if (basename === "rtstat") reqFiles.push("rt_cache");
  else if (basename === "ctstat") reqFiles.push("ip_conntrack");

  const r = getoptLong(p, p.argv, "Vc:djpf:h?i:k:s:w:", LONG, { stopAtError: true, stopAt: "h?Vp\0" });
  for (const [c, arg = ""] of r.opts) {
    switch (c) {
      case "c":
        count = strtoul(arg, 0, 0)[0];
        break;
      case "d":
        mode = "dump";
        break;
      case "j":
        mode = "json";
        break;
      case "f":
        reqFiles.push(arg);
        break;
      case "?":
      case "h":
        return usage(p, argv0, 0);
      case "i":
        interval = scanU(arg) ?? interval;
        break;
      case "k":
        for (const tok of arg.split(",").filter((t) => t !== "")) {
          if (fpNum >= MAX_FIELDS) {
            p.stderr.write(`WARN: too many keys requested: (${MAX_FIELDS} max)\n`);
            break;
          }
          fp[fpNum++]!.name = tok;
        }
        break;
      case "s":
        hdr = scanU(arg) ?? hdr;
        break;
      case "w": {
        let i = 0;
        let len = 0;
        for (const tok of arg.split(",").filter((t) => t !== "")) {
          len = Number(BigInt.asIntN(32, strtoul(tok, 0, 0)[0]));
          if (len > FIELD_WIDTH_MAX) len = FIELD_WIDTH_MAX;
          if (i < MAX_FIELDS) fp[i]!.width = len;
          i++;
        }
        if (i === 1) for (const f of fp) f.width = len;
        break;
      }
      default:
        return usage(p, argv0, 1);
    }
  }

  const files = await lnstatScanDir(p, PROC_NET_STAT, reqFiles);

  if (mode === "dump") {
    p.stdout.write(lnstatDump(files));
    return 1;
  }

  /* map_field_params(): no field specification on the command line: every field of every file */
  if (!fpNum) {
    let j = 0;
    full: for (const lf of files) {
      for (const f of lf.fields) {
        fp[j]!.lf = f;
        f.file.interval = interval;
        if (!fp[j]!.width) fp[j]!.width = FIELD_WIDTH_DEFAULT;
        if (++j >= MAX_FIELDS - 1) {
          p.stderr.write(`WARN: MAX_FIELDS (${MAX_FIELDS}) reached, truncating number of keys\n`);
          break full;
        }
      }
    }
    fpNum = j;
  } else {
    for (const f of fp.slice(0, fpNum)) {
      f.lf = lnstatFindField(files, f.name!);
      if (!f.lf) {
        p.stderr.write(`Field \`${f.name}' unknown\n`);
        return 1;
      }
      f.lf.file.interval = interval;
      if (!f.width) f.width = FIELD_WIDTH_DEFAULT;
    }
  }
  const fps = fp.slice(0, fpNum);
  const header = buildHdrString(fps);
  if (interval < 1) interval = 1;

  for (let i = 0n; i < count || !count; i++) {
    if (!(await lnstatUpdate(p, files))) return 136; /* SIGFPE */
    let out = "";
    if (mode === "json") {
      /* print_json(): the result as the unsigned int jsonw_uint_field() takes */
      const jw = new JsonWriter((s) => (out += s));
      jw.jsonwStartObject();
      for (const f of fps) {
        jw.jsonwName(f.lf!.name);
        jw.jsonwNumber("%llu", BigInt.asUintN(32, f.lf!.result));
      }
      jw.jsonwEndObject();
      jw.jsonwDestroy();
    } else {
      if ((hdr > 1 && i % 20n === 0n) || (hdr === 1 && i === 0n)) out += header.map((l) => l + "\n").join("");
      /* print_line() */
      for (const f of fps) out += `${String(f.lf!.result).padStart(f.width)}|`;
      out += "\n";
    }
    p.stdout.write(out);
    if (i < ((count - 1n) & ULONG) || !count) {
      await nap(p, interval * 1_000_000);
      if (p.signal.aborted) return 1;
    }
  }
  return 1;
};
