/**
 * labtool.py's normalizer and diff, ported: the same rules, the same order, the same score
 * line. Normalizing removes only what the kernel itself does not repeat from run to run.
 */
import { DUMP_TAG } from "./parse.ts";
import type { Entry } from "./transcript.ts";

const MAC_RE = /\b([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})\b/g;
const MAC_FULL = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$/;
const KEEP_MACS = new Set(["ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00"]);
const BRID_RE = /\b([0-9a-f]{4})\.([0-9a-f]{12})\b/g;
const LL_RE = /\bfe80::([0-9a-f]{1,4}):([0-9a-f]{1,2})ff:fe([0-9a-f]{2}):([0-9a-f]{1,4})\b/g;

export type Labels = Map<string, string>;

/** labtool.py: parse_dump() — [(netns, ifname, mac)] of a state dump */
export function parseDump(text: string): [string, string, string][] {
  const found: [string, string, string][] = [];
  const parts = text.split(/^netns: (\S+)$/m);
  const blocks: [string, string][] = [["", parts[0] ?? ""]];
  for (let i = 1; i < parts.length - 1; i += 2) blocks.push([parts[i]!, parts[i + 1]!]);
  for (const [ns, blob] of blocks) {
    for (let line of blob.split(/\r\n|\r|\n/)) {
      line = line.trim();
      if (!line.startsWith("[")) continue;
      let arr: unknown;
      try {
        arr = JSON.parse(line);
      } catch {
        continue;
      }
      if (!Array.isArray(arr)) continue;
      for (const dev of arr as Record<string, unknown>[]) {
        const a = dev?.address;
        const mac = (a === undefined ? "" : String(a)).toLowerCase();
        if (MAC_FULL.test(mac) && !KEEP_MACS.has(mac)) found.push([ns, String(dev.ifname ?? "?"), mac]);
      }
    }
  }
  return found;
}

/** labtool.py: mac_labels() */
export function macLabels(entries: Entry[]): Labels {
  const labels: Labels = new Map();
  for (const e of entries) {
    if (!e.dump) continue;
    for (const [ns, ifname, mac] of parseDump(e.stdout ?? "")) {
      if (!labels.has(mac)) labels.set(mac, `${e.host}${ns ? "/" + ns : ""}:${ifname}`);
    }
  }
  return labels;
}

function eui64Mac(a: string, b: string, c: string, d: string): string {
  a = a.padStart(4, "0");
  d = d.padStart(4, "0");
  const first = Number.parseInt(a.slice(0, 2), 16) ^ 0x02;
  return `${first.toString(16).padStart(2, "0")}:${a.slice(2)}:${b.padStart(2, "0")}:${c}:${d.slice(0, 2)}:${d.slice(2)}`;
}

const SORTED_PROGRAMS =
  /^(brctl\s+showmacs|bridge\s+(-\S+\s+)*fdb|ip\s+(-\S+\s+)*n(e|ei|eig|eigh|eighbor|eighbour)?\b|arp\b|conntrack\s+-L)/;

/** labtool.py: hash_ordered() */
export function hashOrdered(cmd: string): boolean {
  for (let seg of cmd.split(/[;&|]+/)) {
    seg = seg.trim();
    seg = seg.replace(/^(ip\s+netns\s+exec\s+\S+\s+|ip\s+-n\s+\S+\s+(?=ip\b)|sudo\s+)/, "");
    seg = seg.replace(/^ip\s+-n\s+\S+\s+/, "ip ");
    if (SORTED_PROGRAMS.test(seg)) return true;
  }
  return false;
}

const RULES: [RegExp, string][] = [
  [/time=[0-9.]+ ms/gm, "time=<t> ms"],
  [/rtt min\/avg\/max\/mdev = \S+ ms/gm, "rtt min/avg/max/mdev = <t> ms"],
  [/(received|errors)(, [^,\n]*)?, time \d+ms/gm, "$1$2, time <t>ms"],
  [/(\s)[0-9]+\.[0-9]+ ms\b/gm, "$1<t> ms"],
  [/^\d\d:\d\d:\d\d\.\d+ /gm, ""],
  [/\bid \d+, seq/gm, "id <id>, seq"],
  [/^\[\s*\d+\.\d+\]/gm, "[<ts>]"],
  [/^# (Generated|Completed) .*\n/gm, ""],
  [/^# Warning: iptables-legacy tables present.*\n/gm, ""],
  [/ tentative\b/gm, ""],
  [/valid_lft \d+sec preferred_lft \d+sec/gm, "valid_lft <lft> preferred_lft <lft>"],
  [/\b(RX|TX) packets \d+  bytes \d+ \([^)]*\)/gm, "$1 packets <n>  bytes <n>"],
];

/** labtool.py: normalize_text() */
export function normalizeText(text: string, labels: Labels, cmd = ""): string {
  const label = (mac: string) => labels.get(mac) ?? "mac?";
  let t = text.replace(LL_RE, (_m, a: string, b: string, c: string, d: string) => "fe80::<" + label(eui64Mac(a, b, c, d)) + ">");
  t = t.replace(/\b33:33:ff:([0-9a-fA-F]{2}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2})\b/g, (m0, g1: string) => {
    const tail = g1.toLowerCase();
    for (const [mac, lab] of labels) if (mac.endsWith(tail)) return "33:33:ff:<" + lab + ">";
    return m0;
  });
  t = t.replace(/\bff02::1:ff([0-9a-f]{2}):([0-9a-f]{1,4})\b/g, (_m, g1: string, g2: string) => {
    const want = g1 + g2.padStart(4, "0");
    let found = "mac?";
    for (const [mac, lab] of labels) {
      if (mac.replace(/:/g, "").endsWith(want)) {
        found = lab;
        break;
      }
    }
    return "ff02::1:ff<" + found + ">";
  });
  t = t.replace(MAC_RE, (_m, g1: string) => {
    const mac = g1.toLowerCase();
    if (KEEP_MACS.has(mac) || mac.startsWith("33:33:") || mac.startsWith("01:00:5e:") || mac.startsWith("01:80:c2:"))
      return mac;
    return "<" + label(mac) + ">";
  });
  t = t.replace(BRID_RE, (m0, g1: string, raw: string) => {
    const mac = [0, 2, 4, 6, 8, 10].map((i) => raw.slice(i, i + 2)).join(":");
    if (KEEP_MACS.has(mac)) return m0;
    return g1 + ".<" + label(mac) + ">";
  });
  for (const [re, rep] of RULES) t = t.replace(re, rep);
  let lines = t.split("\n").filter((l) => !l.includes(" IP6 ") && !l.startsWith("IP6 "));
  if (/\bbrctl\s+showmacs\b/.test(cmd)) {
    lines = lines.map((l) =>
      l.replace(/(yes|no)(\s+)\d+\.\d+$/, (_m, yn: string, sp: string) => yn + sp + (yn === "yes" ? "0.00" : "<age>")),
    );
  }
  if (/\bnetstat\s+-\w*i/.test(cmd)) {
    lines = lines.map((l) =>
      l.replace(/^(\S+\s+\d+)((\s+\d+){8})(\s+\S+)$/, (_m, g1: string, g2: string, _g3: string, g4: string) =>
        g1 + g2.replace(/\d+/g, "<n>") + g4,
      ),
    );
  }
  if (/\bconntrack\s+-L\b/.test(cmd)) {
    lines = lines.map((l) => l.replace(/^(\S+\s+\d+\s+)\d+ /, "$1<to> "));
    lines = lines.map((l) => l.replace(/\bid=\d+/g, "id=<id>"));
    lines = lines.map((l) =>
      l.replace(/\b(sport|dport)=(\d+)/g, (m0, k: string, v: string) => (Number(v) < 32768 ? m0 : k + "=<port>")),
    );
  }
  if (hashOrdered(cmd) && !cmd.includes("|")) {
    const head = lines.slice(0, 1).filter((l) => /^(port no|Address)/.test(l));
    const body = lines
      .slice(head.length)
      .filter((l) => l !== "")
      .sort(pyCompare);
    lines = [...head, ...body, ""];
  }
  return lines.join("\n");
}

/** Python's str ordering (by code point) */
function pyCompare(a: string, b: string): number {
  const ia = [...a];
  const ib = [...b];
  for (let i = 0; i < Math.min(ia.length, ib.length); i++) {
    const x = ia[i]!.codePointAt(0)!;
    const y = ib[i]!.codePointAt(0)!;
    if (x !== y) return x - y;
  }
  return ia.length - ib.length;
}

export interface NormEntry {
  host: string;
  cmd: string;
  dump: boolean;
  exit: number | null | undefined;
  stdout: string;
  stderr: string;
}

/** labtool.py: normalized() */
export function normalized(entries: Entry[]): NormEntry[] {
  const labels = macLabels(entries);
  return entries.map((e) => ({
    host: e.host,
    cmd: e.cmd,
    dump: Boolean(e.dump),
    exit: e.exit,
    stdout: normalizeText(e.stdout ?? "", labels, e.cmd),
    stderr: normalizeText(e.stderr ?? "", labels, e.cmd),
  }));
}

/** labtool.py: render() */
export function render(e: NormEntry): string {
  let s = `@${e.host} $ ${e.cmd}\n[exit ${e.exit === null || e.exit === undefined ? "None" : e.exit}]\n`;
  s += e.stdout;
  if (e.stderr.trim()) {
    s += e.stderr
      .replace(/\n+$/, "")
      .split("\n")
      .map((l) => "! " + l + "\n")
      .join("");
  }
  return s;
}

/** labtool.py: runs_of() */
export function runsOf(entries: Entry[]): Entry[][] {
  const by = new Map<number, Entry[]>();
  for (const e of entries) {
    const r = e.run ?? 1;
    let l = by.get(r);
    if (!l) by.set(r, (l = []));
    l.push(e);
  }
  return [...by.keys()].sort((a, b) => a - b).map((k) => by.get(k)!);
}

/** mark dumps by their tag, as `labtool emu` does when it reads an emulator's output */
export function markDumps(entries: Entry[]): Entry[] {
  return entries.map((e) => (e.cmd.includes(DUMP_TAG) ? { ...e, dump: true } : e));
}

export interface DiffResult {
  ok: number;
  n: number;
  unstable: number;
  dok: number;
  nd: number;
  /** per command: matched? */
  matches: boolean[];
  /** the diff text (labtool's non-quiet output), without the score line */
  report: string;
  score: string;
}

/** labtool.py: diff() — ACTUAL against every run of EXPECTED; the last line is the score */
export function diffTranscripts(expected: Entry[], actual: Entry[], name: string): DiffResult {
  const kruns = runsOf(expected).map(normalized);
  const act = normalized(actual);
  const kcmds = kruns.map((run) => run.filter((e) => !e.dump));
  const kdumps = kruns.map((run) => run.filter((e) => e.dump));
  const acmd = act.filter((e) => !e.dump);
  const adump = act.filter((e) => e.dump);
  const n = kcmds[0]?.length ?? 0;
  let ok = 0;
  let unstable = 0;
  let report = "";
  const matches: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const variants: string[] = [];
    for (const run of kcmds) {
      if (i < run.length) {
        const r = render(run[i]!);
        if (!variants.includes(r)) variants.push(r);
      }
    }
    if (variants.length > 1) unstable++;
    const a = acmd[i];
    const got = a !== undefined ? render(a) : "(no result)\n";
    if (variants.includes(got)) {
      ok++;
      matches.push(true);
      continue;
    }
    matches.push(false);
    const e = kcmds[0]![i]!;
    report += `--- command ${i + 1}: @${e.host} $ ${e.cmd}\n`;
    for (const l of unifiedDiff(variants[0]!.split("\n"), got.split("\n"), "kernel", "emulator", 2)) report += l + "\n";
  }
  const nd = kdumps[0]?.length ?? 0;
  let dok = 0;
  for (let i = 0; i < nd; i++) {
    const variants = new Set<string>();
    for (const run of kdumps) if (i < run.length) variants.add(render(run[i]!));
    if (i < adump.length && variants.has(render(adump[i]!))) dok++;
  }
  const score = `${name}: ${ok}/${n} commands match (${unstable} vary on the kernel itself); ${dok}/${nd} state dumps match`;
  return { ok, n, unstable, dok, nd, matches, report, score };
}

/** A unified diff (difflib.unified_diff's format, lineterm=""), from a longest common subsequence. */
export function unifiedDiff(a: string[], b: string[], fromFile: string, toFile: string, n = 3): string[] {
  // LCS table
  const m = a.length;
  const k = b.length;
  const dp: number[][] = Array.from({ length: m + 1 }, () => new Array<number>(k + 1).fill(0));
  for (let i = m - 1; i >= 0; i--)
    for (let j = k - 1; j >= 0; j--) dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  type Op = { t: " " | "-" | "+"; s: string; ai: number; bi: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < m || j < k) {
    if (i < m && j < k && a[i] === b[j]) ops.push({ t: " ", s: a[i]!, ai: i++, bi: j++ });
    else if (j < k && (i >= m || dp[i]![j + 1]! >= dp[i + 1]![j]!)) ops.push({ t: "+", s: b[j]!, ai: i, bi: j++ });
    else ops.push({ t: "-", s: a[i]!, ai: i++, bi: j });
  }
  // difflib prints a replaced block as all its '-' lines, then all its '+' lines
  for (let s0 = 0; s0 < ops.length; ) {
    if (ops[s0]!.t === " ") {
      s0++;
      continue;
    }
    let e0 = s0;
    while (e0 < ops.length && ops[e0]!.t !== " ") e0++;
    const run = ops.slice(s0, e0);
    const del = run.filter((o) => o.t === "-");
    const ins = run.filter((o) => o.t === "+");
    const aAt = Math.min(...run.map((o) => o.ai));
    const bAt = Math.min(...run.map((o) => o.bi));
    for (const o of ins) o.ai = aAt + del.length;
    for (const o of del) o.bi = bAt;
    ops.splice(s0, run.length, ...del, ...ins);
    s0 = e0;
  }
  const out: string[] = [];
  const changed = ops.map((o, idx) => (o.t !== " " ? idx : -1)).filter((x) => x >= 0);
  if (changed.length === 0) return out;
  out.push(`--- ${fromFile}`, `+++ ${toFile}`);
  let g = 0;
  while (g < changed.length) {
    let start = Math.max(0, changed[g]! - n);
    let end = Math.min(ops.length, changed[g]! + n + 1);
    while (g + 1 < changed.length && changed[g + 1]! - n <= end) {
      g++;
      end = Math.min(ops.length, changed[g]! + n + 1);
    }
    g++;
    const hunk = ops.slice(start, end);
    const aStart = Math.min(...hunk.map((o) => o.ai));
    const bStart = Math.min(...hunk.map((o) => o.bi));
    const aLen = hunk.filter((o) => o.t !== "+").length;
    const bLen = hunk.filter((o) => o.t !== "-").length;
    const range = (s: number, l: number) => (l === 1 ? `${s + 1}` : l === 0 ? `${s},0` : `${s + 1},${l}`);
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`);
    for (const o of hunk) out.push(o.t + o.s);
    start = end;
  }
  return out;
}
