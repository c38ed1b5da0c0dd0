/**
 * libiptc (libiptc/libiptc.c), reduced: fetch a table blob (IPT_SO_GET_INFO/GET_ENTRIES),
 * split it into chains of rules, edit them, and write the whole table back
 * (IPT_SO_SET_REPLACE) — the same whole-table replace iptables-legacy does. The commands
 * and their errno answers mirror iptables-nft's nft_cmd_* (nft.c).
 */
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import { findMatch } from "./extensions.ts";
import { isKErr, type Errno, type KErr } from "../../kernel/uapi/errno.ts";
import {
  type IptEntry, type IptGetinfo, type IptIp, type Ip6tIp6, type XtEntryExt, type XtCounters,
  IPT_F_GOTO, IP6T_F_GOTO, XT_ERROR_TARGET, XT_RETURN, XT_STANDARD_TARGET, isIp6,
} from "../../kernel/uapi/xtables.ts";

export const HOOK_NAMES = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];
export const STANDARD_TARGETS: Record<string, number> = { ACCEPT: -2, DROP: -1, QUEUE: -4, RETURN: XT_RETURN };

/** one rule: the ipt_ip part, matches, and either a standard verdict, a jump, or a target */
export interface Rule {
  ip: IptIp;
  matches: XtEntryExt[];
  /** "ACCEPT" | "DROP" | "RETURN" | "QUEUE" | chain name | extension target name | "" */
  jumpto: string;
  /** the extension target (undefined for standard verdicts, jumps and no-target) */
  target: XtEntryExt | undefined;
  counters: XtCounters;
}

export interface Chain {
  name: string;
  /** hook number for a built-in chain */
  hook: number;
  policy: string;
  counters: XtCounters;
  /** the policy counts packets (nft base chain counters: after -P, -Z, restore) */
  countersOn?: boolean;
  /** the built-in chain exists as an nft base chain (after -A/-I/-P, restore) */
  created?: boolean;
  rules: Rule[];
}

export class IptcError extends Error {
  constructor(public readonly errno: Errno, public readonly op: string) {
    super(errno);
  }
}

export class IptcHandle {
  chains: Chain[] = [];
  validHooks = 0;
  /** the table exists in the kernel (false: a template answered the read) */
  exists = true;
  /** @param v6 libip6tc: the IPv6 tables (IP6T_SO_* on an AF_INET6 socket) */
  constructor(public readonly sys: Syscalls, public readonly table: string, public readonly v6 = false) {}

  /** the sockopt names of the handle's family: IPT_SO_* or IP6T_SO_* */
  private req(name: string): string {
    return (this.v6 ? "IP6T_" : "IPT_") + name;
  }

  /** iptc_init() (ip6tc_init()): ENOENT when the table does not exist */
  static init(sys: Syscalls, table: string, v6 = false): IptcHandle | KErr {
    const h = new IptcHandle(sys, table, v6);
    const info = sys.ioctl({ request: h.req("SO_GET_INFO"), table });
    if (isKErr(info)) return info;
    const ents = sys.ioctl({ request: h.req("SO_GET_ENTRIES"), table });
    if (isKErr(ents)) return ents;
    h.parse(info as unknown as IptGetinfo, (ents as { entries: IptEntry[] }).entries);
    h.exists = (info as { exists?: boolean }).exists !== false;
    const ch = (info as unknown as IptGetinfo).counterHooks;
    for (const c of h.chains) if (c.hook >= 0) c.countersOn = ch === undefined || (ch & (1 << c.hook)) !== 0;
    const cr = (info as unknown as IptGetinfo).createdHooks;
    for (const c of h.chains) if (c.hook >= 0) c.created = cr === undefined || (cr & (1 << c.hook)) !== 0;
    return h;
  }

  private parse(info: IptGetinfo, entries: IptEntry[]): void {
    this.validHooks = info.validHooks;
    // chain starts: built-in hook entries and user chains (after their ERROR head)
    const starts = new Map<number, string>();
    for (let h = 0; h < 5; h++) if (info.validHooks & (1 << h)) starts.set(info.hookEntry[h]!, HOOK_NAMES[h]!);
    entries.forEach((e, i) => {
      if (e.target.name === XT_ERROR_TARGET && i !== entries.length - 1) starts.set(i + 1, String(e.target.data["errorname"]));
    });
    const user: Chain[] = [];
    let cur: Chain | undefined;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const start = starts.get(i);
      if (start !== undefined) {
        const hook = HOOK_NAMES.indexOf(start);
        const isBuiltin = hook >= 0 && (info.validHooks & (1 << hook)) !== 0 && info.hookEntry[hook] === i;
        cur = { name: start, hook: isBuiltin ? hook : -1, policy: isBuiltin ? "" : "-", counters: { pcnt: 0, bcnt: 0 }, rules: [] };
        if (isBuiltin) this.chains.push(cur);
        else user.push(cur);
      }
      if (e.target.name === XT_ERROR_TARGET) {
        cur = undefined;
        continue;
      }
      if (!cur) continue;
      const isUnderflow = cur.hook >= 0 && info.underflow[cur.hook] === i;
      if (isUnderflow) {
        cur.policy = verdictName(Number(e.target.data["verdict"]));
        cur.counters = { ...e.counters };
        cur = undefined;
        continue;
      }
      // a user chain's tail: the unconditional RETURN before the next ERROR
      if (cur.hook < 0 && entries[i + 1]?.target.name === XT_ERROR_TARGET) {
        cur = undefined;
        continue;
      }
      let jumpto = "";
      let target: XtEntryExt | undefined;
      if (e.target.name === XT_STANDARD_TARGET) {
        const v = Number(e.target.data["verdict"]);
        jumpto = v < 0 ? verdictName(v) : starts.get(v) ?? "";
      } else {
        jumpto = e.target.name;
        target = e.target;
      }
      cur.rules.push({ ip: copyIp(e.ip), matches: e.matches, jumpto, target, counters: { ...e.counters } });
    }
    user.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.chains.push(...user);
  }

  findChain(name: string): Chain | undefined {
    return this.chains.find((c) => c.name === name);
  }

  isBuiltin(c: Chain): boolean {
    return c.hook >= 0;
  }

  /** references to a user chain (jumps and gotos) */
  references(name: string): number {
    let n = 0;
    for (const c of this.chains) for (const r of c.rules) if (r.target === undefined && r.jumpto === name) n++;
    return n;
  }

  /** build the blob and IPT_SO_SET_REPLACE it */
  commit(): KErr | undefined {
    const entries: IptEntry[] = [];
    const hookEntry = [0, 0, 0, 0, 0];
    let counterHooks = 0;
    for (const c of this.chains) if (c.hook >= 0 && c.countersOn) counterHooks |= 1 << c.hook;
    let createdHooks = 0;
    for (const c of this.chains) if (c.hook >= 0 && c.created) createdHooks |= 1 << c.hook;
    const underflow = [0, 0, 0, 0, 0];
    const chainStart = new Map<string, number>();
    // first pass: offsets
    let n = 0;
    for (const c of this.chains) {
      if (c.hook < 0) n++; // ERROR head
      chainStart.set(c.name, n);
      n += c.rules.length + 1;
    }
    for (const c of this.chains) {
      if (c.hook < 0) entries.push(errEntry(c.name, this.v6));
      else hookEntry[c.hook] = entries.length;
      for (const r of c.rules) {
        let target: XtEntryExt;
        if (r.target) target = r.target;
        else if (r.jumpto in STANDARD_TARGETS) target = std(STANDARD_TARGETS[r.jumpto]!);
        else if (r.jumpto === "") target = std(entries.length + 1);
        else target = std(chainStart.get(r.jumpto)!);
        entries.push({ ip: r.ip, matches: r.matches, target, counters: { ...r.counters } });
      }
      if (c.hook >= 0) {
        underflow[c.hook] = entries.length;
        entries.push({ ip: zeroIp(this.v6), matches: [], target: std(STANDARD_TARGETS[c.policy]!), counters: { ...c.counters } });
      } else {
        entries.push({ ip: zeroIp(this.v6), matches: [], target: std(XT_RETURN), counters: { pcnt: 0, bcnt: 0 } });
      }
    }
    entries.push(errEntry("ERROR", this.v6));
    const r = this.sys.ioctl({
      request: this.req("SO_SET_REPLACE"),
      replace: { name: this.table, validHooks: this.validHooks, numEntries: entries.length, hookEntry, underflow, entries, counterHooks, createdHooks },
    });
    return isKErr(r) ? r : undefined;
  }
}

function std(verdict: number): XtEntryExt {
  return { name: XT_STANDARD_TARGET, revision: 0, data: { verdict } };
}

function errEntry(name: string, v6: boolean): IptEntry {
  return { ip: zeroIp(v6), matches: [], target: { name: XT_ERROR_TARGET, revision: 0, data: { errorname: name } }, counters: { pcnt: 0, bcnt: 0 } };
}

/** an all-zero ipt_ip, or ip6t_ip6 (v6) */
export function zeroIp(v6 = false): IptIp {
  const ip: IptIp = { src: 0, dst: 0, smsk: 0, dmsk: 0, iniface: "", outiface: "", proto: 0, flags: 0, invflags: 0 };
  if (!v6) return ip;
  const ip6: Ip6tIp6 = { ...ip, src6: [0, 0, 0, 0], dst6: [0, 0, 0, 0], smsk6: [0, 0, 0, 0], dmsk6: [0, 0, 0, 0], tos: 0 };
  return ip6;
}

/** a copy of a rule's header (the address words of an ip6t_ip6 too) */
export function copyIp(ip: IptIp): IptIp {
  if (!isIp6(ip)) return { ...ip };
  const ip6: Ip6tIp6 = { ...ip, src6: ip.src6.slice(), dst6: ip.dst6.slice(), smsk6: ip.smsk6.slice(), dmsk6: ip.dmsk6.slice() };
  return ip6;
}

/** the rule's goto flag (IPT_F_GOTO, IP6T_F_GOTO) */
export function isGoto(ip: IptIp): boolean {
  return (ip.flags & (isIp6(ip) ? IP6T_F_GOTO : IPT_F_GOTO)) !== 0;
}

export function verdictName(v: number): string {
  for (const [k, x] of Object.entries(STANDARD_TARGETS)) if (x === v) return k;
  return "";
}

/** is_same(): the rule identity -D/-C compare (everything but counters) */
export function sameRule(a: Rule, b: Rule): boolean {
  // a match whose userspacesize is 0 compares by name alone
  const fam = isIp6(a.ip) ? 6 : 4;
  const cmp = (r: Rule) => r.matches.map((m) => (findMatch(m.name, fam)?.noCompare ? { ...m, data: {} } : m));
  return JSON.stringify([a.ip, cmp(a), a.jumpto, a.target, isGoto(a.ip)]) ===
    JSON.stringify([b.ip, cmp(b), b.jumpto, b.target, isGoto(b.ip)]);
}
