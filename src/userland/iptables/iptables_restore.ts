/**
 * iptables/iptables-restore.c (nft variant, reduced): "*table", ":chain policy [p:b]",
 * rule lines run as iptables commands, "COMMIT" writes the table. Without --noflush a
 * table is flushed (rules and user chains) when its "*table" line is read.
 */
import type { Process } from "../process.ts";
import { renderFailure, makeCtx, openTable, commit, runOne, JumpMissing, BadArgument } from "./iptables.ts";
import type { IptcHandle } from "./libiptc.ts";
import { IPTABLES_VARIANT, IPTABLES_VERSION, PARAMETER_PROBLEM, XtablesError } from "./xshared.ts";

/** xshared.c: add_param_to_argv() — split a line as iptables-restore does (quotes, escapes) */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  let esc = false;
  let have = false;
  for (const ch of line) {
    if (esc) {
      cur += ch;
      esc = false;
      continue;
    }
    if (ch === "\\") {
      esc = true;
      have = true;
      continue;
    }
    if (ch === '"') {
      quoted = !quoted;
      have = true;
      continue;
    }
    if (!quoted && (ch === " " || ch === "\t" || ch === "\n")) {
      if (have) out.push(cur);
      cur = "";
      have = false;
      continue;
    }
    cur += ch;
    have = true;
  }
  if (have) out.push(cur);
  return out;
}

export function iptablesRestoreMain(p: Process): Promise<number> {
  return xtablesRestoreMain(p, false);
}

/** ip6tables-restore: the same over the IPv6 tables */
export function ip6tablesRestoreMain(p: Process): Promise<number> {
  return xtablesRestoreMain(p, true);
}

async function xtablesRestoreMain(p: Process, v6: boolean): Promise<number> {
  const prog = v6 ? "ip6tables-restore" : "iptables-restore";
  const ctx = await makeCtx(p, prog, v6);
  let noflush = false;
  let counters = false;
  let test = false;
  let file: string | undefined;
  for (const a of p.argv.slice(1)) {
    if (a === "-n" || a === "--noflush") noflush = true;
    else if (a === "-t" || a === "--test") test = true;
    else if (a === "-c" || a === "--counters") counters = true;
    else if (a === "-v" || a === "--verbose") continue;
    else if (a === "-V" || a === "--version") {
      p.stdout.write(`${prog} v${IPTABLES_VERSION} (${IPTABLES_VARIANT})\n`);
      return 0;
    }
    else if (!a.startsWith("-")) file = a;
  }
  let input = p.stdin;
  if (file !== undefined) {
    const t = await p.readFile(file);
    if (t === undefined) {
      p.stderr.write(`Can't open ${file}: No such file or directory\n`);
      return 1;
    }
    input = t;
  }
  const lines = input.split("\n");
  let table: string | undefined;
  let handles = new Map<string, IptcHandle>();
  let lineno = 0;
  let pending: JumpMissing | undefined;
  try {
    for (const raw of lines) {
      lineno++;
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      if (line.startsWith("*")) {
        table = line.slice(1).trim();
        if (!["mangle", "security", "raw", "filter", "nat"].includes(table)) {
          throw new XtablesError(PARAMETER_PROBLEM, `${prog}: line ${lineno} table name '${table}' invalid`);
        }
        handles = new Map();
        const h = openTable(ctx, table);
        handles.set(table, h);
        if (!noflush) {
          // the table is flushed whole: its base chains come back with policy ACCEPT
          for (const c of h.chains) {
            c.rules = [];
            if (c.hook >= 0) {
              c.policy = "ACCEPT";
              c.counters = { pcnt: 0, bcnt: 0 };
            }
          }
          h.chains = h.chains.filter((c) => c.hook >= 0);
        }
        continue;
      }
      if (table === undefined) {
        p.stderr.write(`${prog}: line ${lineno} failed\n`);
        return 1;
      }
      const h = handles.get(table)!;
      if (line === "COMMIT") {
        if (pending) throw pending;
        if (!test) commit(h, "TABLE_ADD", `table ${table}`);
        table = undefined;
        continue;
      }
      if (line.startsWith(":")) {
        const [name, policy, cnt] = line.slice(1).split(/\s+/);
        let c = h.findChain(name!);
        if (!c) {
          if (policy !== "-") {
            p.stderr.write(`${prog}: line ${lineno} failed\n`);
            return 1;
          }
          c = { name: name!, hook: -1, policy: "-", counters: { pcnt: 0, bcnt: 0 }, rules: [] };
          h.chains.push(c);
          const b = h.chains.filter((x) => x.hook >= 0);
          const u = h.chains.filter((x) => x.hook < 0).sort((x, y) => (x.name < y.name ? -1 : 1));
          h.chains = [...b, ...u];
        } else if (c.hook >= 0 && policy && policy !== "-") {
          c.policy = policy;
          c.countersOn = true;
          c.created = true;
          c.counters = { pcnt: 0, bcnt: 0 };
          const m = /^\[(\d+):(\d+)\]$/.exec(cnt ?? "");
          if (m && counters) c.counters = { pcnt: Number(m[1]), bcnt: Number(m[2]) };
        }
        continue;
      }
      let argv = tokenize(line);
      let cnt: { pcnt: number; bcnt: number } | undefined;
      const cm = /^\[(\d+):(\d+)\]$/.exec(argv[0] ?? "");
      if (cm) {
        argv = argv.slice(1);
        if (counters) cnt = { pcnt: Number(cm[1]), bcnt: Number(cm[2]) };
      }
      try {
        runOne(ctx, ["iptables", ...argv], handles, table, cnt);
      } catch (e) {
        if (!(e instanceof JumpMissing)) throw e;
        pending ??= e;
      }
    }
    if (table !== undefined) {
      p.stderr.write(`${prog}: COMMIT expected at line ${lineno}\n`);
      return 1;
    }
    return 0;
  } catch (e) {
    if (e instanceof BadArgument) {
      p.stderr.write(`Bad argument \`${e.arg}'\nError occurred at line: ${lineno}\n` +
        `Try \`${prog} -h' or '${prog} --help' for more information.\n`);
      return PARAMETER_PROBLEM;
    }
    if (e instanceof XtablesError && e.status === PARAMETER_PROBLEM) {
      p.stderr.write(`${prog} v${IPTABLES_VERSION} (${IPTABLES_VARIANT}): ${e.text}\nError occurred at line: ${lineno}\n` +
        `Try \`${prog} -h' or '${prog} --help' for more information.\n`);
      return PARAMETER_PROBLEM;
    }
    return renderFailure(ctx, e);
  }
}
