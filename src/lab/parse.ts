/**
 * The lab file (LAB-FORMAT.md), parsed exactly as labtool.py's Lab class does: `#%`
 * directives (host, switch, link, timeout), `@HOST [CMD]`, `\` continuation, comments; and
 * tuxnet's own `# tuxnet-kconfig: NAME=y` comment (the machines' kernel configuration).
 */
import { parseKconfigAssignment, type KernelConfig } from "../kernel/kconfig.ts";

export interface LabLink {
  a: string;
  ifa: string;
  b: string;
  /** undefined when b is a switch (the port is named p1, p2, … in link order) */
  ifb: string | undefined;
}

export interface Lab {
  name: string;
  hosts: string[];
  switches: string[];
  links: LabLink[];
  steps: { host: string; cmd: string }[];
  /** per-command limit, seconds */
  timeout: number;
  /** the `#%` lines, as written (for expand) */
  directives: string[];
  /** `# tuxnet-kconfig: NAME=y|n …` lines: the machines' kernel configuration (a plain
   * comment to labtool.py, which the lab kernel cannot follow anyway) */
  kconfig?: Partial<KernelConfig>;
}

export class LabError extends Error {}

export const KCONFIG_TAG = "# tuxnet-kconfig:";

export function nodeKind(lab: Lab, name: string): "switch" | "host" | undefined {
  if (lab.switches.includes(name)) return "switch";
  if (lab.hosts.includes(name)) return "host";
  return undefined;
}

/** Python's str.split() with no argument */
function pySplit(s: string): string[] {
  return s.split(/\s+/).filter((w) => w !== "");
}

/** labtool.py: Lab._parse()'s first pass: a line ending in a backslash (not a comment)
 * continues on the next one; the result has one entry per logical line */
export function joinContinuations(text: string): string[] {
  const joined: string[] = [];
  let buf = "";
  for (const raw of text.split("\n")) {
    if (raw.endsWith("\\") && !raw.trimStart().startsWith("#")) {
      buf += raw.slice(0, -1) + " ";
      continue;
    }
    joined.push(buf + raw);
    buf = "";
  }
  if (buf) joined.push(buf);
  return joined;
}

/** labtool.py: Lab._parse() */
export function parseLab(text: string, name = "lab", path = name): Lab {
  const lab: Lab = { name, hosts: [], switches: [], links: [], steps: [], timeout: 60, directives: [] };
  let current: string | undefined;
  const joined = joinContinuations(text);
  joined.forEach((line, i) => {
    const lineno = i + 1;
    const s = line.trim();
    if (!s) return;
    if (s.startsWith("#%")) {
      lab.directives.push(s);
      const words = pySplit(s.slice(2));
      if (words.length === 0) return;
      const verb = words[0]!;
      const args = words.slice(1);
      if (verb === "host") {
        for (const h of args) if (!lab.hosts.includes(h)) lab.hosts.push(h);
      } else if (verb === "switch") {
        for (const h of args) lab.switches.push(h);
      } else if (verb === "link") {
        if (args.length !== 2) throw new LabError(`${path}:${lineno}: link takes two ends`);
        const ca = args[0]!.indexOf(":");
        if (ca < 0) throw new LabError(`${path}:${lineno}: link end ${args[0]} needs HOST:IF`);
        const a = args[0]!.slice(0, ca);
        const ifa = args[0]!.slice(ca + 1);
        let b: string;
        let ifb: string | undefined;
        const cb = args[1]!.indexOf(":");
        if (cb >= 0) {
          b = args[1]!.slice(0, cb);
          ifb = args[1]!.slice(cb + 1);
        } else b = args[1]!;
        for (const n of [a, b]) if (nodeKind(lab, n) === undefined) lab.hosts.push(n);
        lab.links.push({ a, ifa, b, ifb });
      } else if (verb === "timeout") {
        const t = Number.parseInt(args[0] ?? "", 10);
        if (!Number.isFinite(t)) throw new LabError(`${path}:${lineno}: bad timeout`);
        lab.timeout = t;
      } else {
        throw new LabError(`${path}:${lineno}: unknown directive ${verb}`);
      }
      return;
    }
    if (s.startsWith(KCONFIG_TAG)) {
      const words = pySplit(s.slice(KCONFIG_TAG.length));
      if (words.length === 0) throw new LabError(`${path}:${lineno}: tuxnet-kconfig takes NAME=y|n`);
      for (const w of words) {
        const a = parseKconfigAssignment(w);
        if ("error" in a) throw new LabError(`${path}:${lineno}: ${a.error}`);
        (lab.kconfig ??= {})[a.name] = a.value;
      }
      return;
    }
    if (s.startsWith("#")) return;
    const m = /^@([A-Za-z0-9_.-]+)\s*(.*)$/.exec(s);
    if (m) {
      current = m[1]!;
      if (nodeKind(lab, current) === undefined) lab.hosts.push(current);
      if (m[2]) lab.steps.push({ host: current, cmd: m[2] });
      return;
    }
    if (current === undefined) {
      if (lab.hosts.length === 0) lab.hosts.push("host");
      current = lab.hosts[0]!;
    }
    lab.steps.push({ host: current, cmd: s });
  });
  return lab;
}

export const DUMP_TAG = "# labtool:dump";
export const DUMP_CMD = "ip -j link show; ip -all netns exec ip -j link show " + DUMP_TAG;

/** labtool.py: expand() — the lab with a state dump on every node after each command */
export function expandLab(text: string, name = "lab"): string {
  const lab = parseLab(text, name);
  const out: string[] = [];
  // the kernel configuration goes with the directives (labtool keeps only those: a lab with
  // one is run by tuxnet, `tuxnet run --kconfig` being the way through labtool)
  for (const line of text.split("\n")) if (line.trim().startsWith("#%") || line.trim().startsWith(KCONFIG_TAG)) out.push(line.trim());
  const nodes = [...lab.hosts, ...lab.switches];
  for (const { host, cmd } of lab.steps) {
    out.push(`@${host} ${cmd}`);
    for (const n of nodes) out.push(`@${n} ${DUMP_CMD}`);
  }
  return out.join("\n") + "\n";
}
