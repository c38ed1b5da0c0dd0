/**
 * iproute2 6.1 nstat (misc/nstat.c): the counters of /proc/net/snmp, netstat and snmp6 of the
 * caller's namespace, as increments since the history file (/tmp/.nstat.u0, shared by every
 * namespace of the host as /tmp is) or as totals (-a, or no history yet), zeros with -z,
 * selected by fnmatch(3) patterns, in JSON with -j. No rate daemon (-d): the rate column is
 * 0.0, as it is without one.
 */
import type { Command, Process } from "../process.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import { JsonWriter } from "../lib/json_writer.ts";
import { fnmatch } from "../lib/fnmatch.ts";

interface Ent {
  id: string;
  val: bigint;
  rate: number;
}

/** useless_numbers[]: configuration, not counters */
const USELESS = new Set(["IpForwarding", "IpDefaultTTL", "TcpRtoAlgorithm", "TcpRtoMin", "TcpRtoMax", "TcpMaxConn", "TcpCurrEstab"]);

const LONG: LongOpt[] = (
  [["help", 0, "h"], ["ignore", 0, "a"], ["scan", 1, "d"], ["nooutput", 0, "n"], ["json", 0, "j"], ["reset", 0, "r"],
    ["noupdate", 0, "s"], ["pretty", 0, "p"], ["interval", 1, "t"], ["version", 0, "V"], ["zeros", 0, "z"]] as const
).map(([name, hasArg, val]) => ({ name, hasArg: hasArg as 0 | 1, val }));

const USAGE =
  "Usage: nstat [OPTION] [ PATTERN [ PATTERN ] ]\n" +
  "   -h, --help          this message\n" +
  "   -a, --ignore        ignore history\n" +
  "   -d, --scan=SECS     sample every statistics every SECS\n" +
  "   -j, --json          format output in JSON\n" +
  "   -n, --nooutput      do history only\n" +
  "   -p, --pretty        pretty print\n" +
  "   -r, --reset         reset history\n" +
  "   -s, --noupdate      don't update history\n" +
  "   -t, --interval=SECS report average over the last SECS\n" +
  "   -V, --version       output version information\n" +
  "   -z, --zeros         show entries with zero activity\n";

/** load_good_table(): "ID VALUE [RATE]" lines; `#SOURCE` lines name the source */
function goodTable(text: string, src: { info: string }): Ent[] {
  const out: Ent[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      src.info = line.slice(1);
      continue;
    }
    const f = line.trim().split(/\s+/);
    if (f.length < 2 || !/^\d+$/.test(f[1]!)) continue;
    if (USELESS.has(f[0]!)) continue;
    out.push({ id: f[0]!, val: BigInt(f[1]!), rate: f[2] !== undefined ? Number(f[2]) || 0 : 0 });
  }
  return out;
}

/** load_ugly_table(): "Prefix: Name Name …" then "Prefix: value value …" line pairs */
function uglyTable(text: string): Ent[] {
  const out: Ent[] = [];
  const lines = text.split("\n").filter((l) => l !== "");
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [pre, names = ""] = lines[i]!.split(": ");
    const vals = (lines[i + 1]!.split(": ")[1] ?? "").split(" ");
    const ns = names.split(" ");
    ns.forEach((n, k) => {
      const id = pre + n;
      if (!USELESS.has(id)) out.push({ id, val: BigInt(vals[k] ?? "0"), rate: 0 });
    });
  }
  return out;
}

export const nstat: Command = async (p) => {
  const r = getoptLong(p, p.argv, "h?vVzrnasd:t:jp", LONG, { stopAtError: true, stopAt: "hvV" });
  let zeros = false;
  let reset = false;
  let ignore = false;
  let noUpdate = false;
  let noOutput = false;
  let json = false;
  let pretty = false;
  for (const [c, arg] of r.opts) {
    switch (c) {
      case "z": zeros = true; break;
      case "r": reset = true; break;
      case "a": ignore = true; break;
      case "s": noUpdate = true; break;
      case "n": noOutput = true; break;
      case "j": json = true; break;
      case "p": pretty = true; break;
      case "d":
        p.stderr.write("nstat: the rate daemon (-d) is not supported by this emulator\n");
        return 255;
      case "t":
        if (!/^\s*[+-]?\d+/.test(arg ?? "") || parseInt(arg!, 10) <= 0) {
          p.stderr.write("nstat: invalid time constant divisor\n");
          return 255;
        }
        break;
      case "v":
      case "V":
        p.stdout.write("nstat utility, iproute2-6.1.0\n");
        return 0;
      default:
        p.stderr.write(USAGE);
        return 255;
    }
  }
  const patterns = r.args;
  const match = (id: string) => patterns.length === 0 || patterns.some((pt) => fnmatch(pt, id, true) === 0);
  const histName = p.env["NSTAT_HISTORY"] ?? "/tmp/.nstat.u0";
  const src = { info: "" };
  let hist: Ent[] | undefined;
  if (reset) await p.writeFile(histName, "");
  if (!ignore || !noUpdate) {
    const text = (await p.readFile(histName)) ?? "";
    if (!(await p.writeFile(histName, text))) {
      p.stderr.write("nstat: open history file: No such file or directory\n");
      return 255;
    }
    if (!ignore) {
      const h = goodTable(text, src);
      if (h.length) hist = h;
    }
  }
  if (hist && src.info && src.info !== "kernel") {
    p.stderr.write("nstat: history is stale, ignoring it.\n");
    hist = undefined;
    src.info = "";
  }
  // kern_db: each file's entries in order, the later files' first (snmp, snmp6, netstat)
  const read = async (f: string) => (await p.readFile(`/proc/net/${f}`)) ?? "";
  const kern = [...uglyTable(await read("snmp")), ...goodTable(await read("snmp6"), { info: "" }), ...uglyTable(await read("netstat"))];
  if (!src.info) src.info = "kernel";
  const line = (id: string, v: bigint, rate: number, ovfl = false) =>
    `${id.padEnd(32)}${String(v).padEnd(16)}${rate.toFixed(1).padStart(6)}${ovfl ? " (overflow)" : ""}\n`;
  type Row = { id: string; val: bigint; rate: number; ovfl: boolean };
  /** the table, or its JSON object named after the source */
  const emit = (rows: Row[], asJson: boolean): string => {
    let out = "";
    if (!asJson) {
      out += `#${src.info}\n`;
      for (const r of rows) out += line(r.id, r.val, r.rate, r.ovfl);
      return out;
    }
    const jw = new JsonWriter((s) => (out += s));
    jw.pretty = pretty;
    jw.jsonwStartObject();
    jw.jsonwName(src.info);
    jw.jsonwStartObject();
    for (const r of rows) {
      jw.jsonwName(r.id);
      jw.jsonwNumber("%llu", r.val);
    }
    jw.jsonwEndObject();
    jw.jsonwEndObject();
    jw.jsonwDestroy();
    return out;
  };
  /** dump_kern_db() */
  const dumpKern = (toHist: boolean, asJson: boolean): string => {
    const rows: Row[] = [];
    for (const n of kern) {
      let val = n.val;
      if (!zeros && !val && !n.rate) continue;
      if (!match(n.id)) {
        if (!toHist) continue;
        const h = hist?.find((x) => x.id === n.id);
        if (h) val = h.val;
      }
      rows.push({ id: n.id, val, rate: n.rate, ovfl: false });
    }
    return emit(rows, asJson);
  };
  /** dump_incr_db() */
  const dumpIncr = (): string => {
    const rows: Row[] = [];
    for (const n of kern) {
      let val = n.val;
      let ovfl = false;
      const h = hist!.find((x) => x.id === n.id);
      if (h) {
        if (val < h.val) {
          ovfl = true;
          val = h.val;
        }
        val -= h.val;
      }
      if (!zeros && !val && !n.rate) continue;
      if (!match(n.id)) continue;
      rows.push({ id: n.id, val, rate: n.rate, ovfl });
    }
    return emit(rows, json);
  };
  if (!noOutput) p.stdout.write(ignore || !hist ? dumpKern(false, json) : dumpIncr());
  if (!noUpdate) await p.writeFile(histName, dumpKern(true, false));
  return 0;
};
