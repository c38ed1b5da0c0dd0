/**
 * lib/rt_names.c: the rtnetlink names databases (protocols, scopes, tables, realms, dsfield,
 * groups) — compiled-in defaults plus /etc/iproute2/* read through the process's filesystem —
 * and ip/rtm_map.c (route types).
 */
import type { IpCtx } from "./context.ts";
import { sprintf } from "./printf.ts";
import { matches, strtoNum } from "./utils.ts";

const CONFDIR = "/etc/iproute2";

type IdNames = { readonly entries: readonly (readonly [number, string])[]; readonly corrupt?: string };

/** the tables as the six files make them, for the files' texts last read: every `ip` reads the
 * same six (the same strings: comparing them is comparing pointers), and the tables are only
 * read once made */
type Loaded = {
  rtprot: (string | undefined)[];
  rtscope: (string | undefined)[];
  rtrealm: (string | undefined)[];
  rtdsfield: (string | undefined)[];
  rttable: [number, string][];
  group: [number, string][];
  /** "Database PATH is corrupted at LINE" for each file that is */
  corrupt: [string, string][];
};
const DB_FILES = ["rt_protos", "rt_scopes", "rt_realms", "rt_dsfield", "rt_tables", "group"];
let loadedTexts: (string | undefined)[] = [];
let loadedTables: Loaded | undefined;

/** lib/rt_names.c: fread_id_name() over a whole file: [id, name] pairs, or the corrupt line */
function parseIdNames(text: string): IdNames {
  const entries: [number, string][] = [];
  for (const raw of text.split("\n")) {
    const p = raw.replace(/^[ \t]+/, "");
    if (p === "" || p.startsWith("#")) continue;
    let m = /^0x([0-9a-fA-F]+)\s+(\S+)/.exec(p);
    let id: number;
    if (m) id = parseInt(m[1]!, 16) | 0;
    else {
      m = /^([+-]?\d+)\s+(\S+)/.exec(p);
      if (!m) return { entries, corrupt: p.endsWith("\n") ? p : p + "\n" };
      id = Number(m[1]) | 0;
    }
    entries.push([id, m[2]!]);
  }
  return { entries };
}

/** the compiled-in tables (shared by every process until its files change one: load()) */
function table(pairs: [number, string][]): (string | undefined)[] {
  const t: (string | undefined)[] = new Array(256).fill(undefined);
  for (const [i, n] of pairs) t[i] = n;
  return t;
}
const RTPROT = table([
  [0, "unspec"], [1, "redirect"], [2, "kernel"], [3, "boot"], [4, "static"], [8, "gated"],
  [9, "ra"], [10, "mrt"], [11, "zebra"], [12, "bird"], [42, "babel"], [13, "dnrouted"],
  [14, "xorp"], [15, "ntk"], [16, "dhcp"], [18, "keepalived"], [186, "bgp"], [187, "isis"],
  [188, "ospf"], [189, "rip"], [192, "eigrp"],
]);
const RTSCOPE = table([[0, "global"], [255, "nowhere"], [254, "host"], [253, "link"], [200, "site"]]);
const RTREALM = table([[0, "unknown"]]);
const RTDSFIELD = table([[0, "0"]]);
const RTTABLE: [number, string][] = [[253, "default"], [254, "main"], [255, "local"]];
const GROUP: [number, string][] = [[0, "default"]];

/** the compiled-in tables with the files' entries (`texts[i]` is file DB_FILES[i], undefined
 * when missing) */
function loadTables(texts: (string | undefined)[]): Loaded {
  const t: Loaded = { rtprot: RTPROT, rtscope: RTSCOPE, rtrealm: RTREALM, rtdsfield: RTDSFIELD, rttable: RTTABLE, group: GROUP, corrupt: [] };
  DB_FILES.forEach((name, k) => {
    const text = texts[k];
    if (text === undefined) return;
    const { entries, corrupt } = parseIdNames(text);
    // a file's entries go into a copy of its table
    let tab: (string | undefined)[] | undefined;
    switch (name) {
      case "rt_protos": tab = t.rtprot = t.rtprot.slice(); break;
      case "rt_scopes": tab = t.rtscope = t.rtscope.slice(); break;
      case "rt_realms": tab = t.rtrealm = t.rtrealm.slice(); break;
      case "rt_dsfield": tab = t.rtdsfield = t.rtdsfield.slice(); break;
      case "rt_tables": t.rttable = t.rttable.slice(); break;
      default: t.group = t.group.slice();
    }
    for (const [id, n] of entries) {
      if (id < 0) continue;
      if (tab) {
        if (id > 256) continue;
        tab[id] = n;
      } else if (name === "rt_tables") t.rttable.unshift([id, n]);
      else t.group.unshift([id, n]);
    }
    if (corrupt !== undefined) t.corrupt.push([`${CONFDIR}/${name}`, corrupt]);
  });
  return t;
}

export class RtNames {
  private rtprot = RTPROT;
  private rtscope = RTSCOPE;
  private rtrealm = RTREALM;
  private rtdsfield = RTDSFIELD;
  /** table id -> names (hash in C; the first match in file order wins for a2n) */
  private rttable = RTTABLE;
  private group = GROUP;
  private loaded = false;

  constructor(private readonly ctx: IpCtx) {}

  /** reads the /etc/iproute2 databases (C reads each lazily; reading is async here) */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const p = this.ctx.p;
    // (what the host knows without reading it taken as it is, else all six read)
    let texts: (string | undefined)[] | undefined = p.readFileKnown ? [] : undefined;
    for (let i = 0; texts && i < DB_FILES.length; i++) {
      const known = p.readFileKnown!(`${CONFDIR}/${DB_FILES[i]}`);
      if (known === null) texts = undefined;
      else texts.push(known);
    }
    texts ??= await Promise.all(DB_FILES.map((name) => p.readFile(`${CONFDIR}/${name}`)));
    let t = loadedTables;
    if (t === undefined || texts.some((x, i) => x !== loadedTexts[i])) {
      t = loadedTables = loadTables(texts);
      loadedTexts = texts;
    }
    this.rtprot = t.rtprot;
    this.rtscope = t.rtscope;
    this.rtrealm = t.rtrealm;
    this.rtdsfield = t.rtdsfield;
    this.rttable = t.rttable;
    this.group = t.group;
    for (const [path, line] of t.corrupt) this.ctx.err("Database %s is corrupted at %s\n", path, line);
  }

  private tabA2n(tab: (string | undefined)[], arg: string, base = 0): number | undefined {
    for (let i = 0; i < 256; i++) if (tab[i] !== undefined && tab[i] === arg) return i;
    const r = strtoNum(arg, base);
    if (!r || r.rest !== "" || r.v < 0n || r.v > 255n) return undefined;
    return Number(r.v);
  }

  /** lib/rt_names.c: rtnl_rtprot_n2a() */
  rtnlRtprotN2a(id: number): string {
    if (id < 0 || id >= 256 || this.ctx.numeric) return sprintf("%u", id);
    return this.rtprot[id] ?? sprintf("%u", id);
  }
  /** lib/rt_names.c: rtnl_rtprot_a2n() */
  rtnlRtprotA2n(arg: string): number | undefined {
    return this.tabA2n(this.rtprot, arg);
  }

  /** lib/rt_names.c: rtnl_rtscope_n2a() */
  rtnlRtscopeN2a(id: number): string {
    if (id < 0 || id >= 256 || this.ctx.numeric) return sprintf("%d", id);
    return this.rtscope[id] ?? sprintf("%d", id);
  }
  /** lib/rt_names.c: rtnl_rtscope_a2n() */
  rtnlRtscopeA2n(arg: string): number | undefined {
    return this.tabA2n(this.rtscope, arg);
  }

  /** lib/rt_names.c: rtnl_rtrealm_n2a() */
  rtnlRtrealmN2a(id: number): string {
    if (id < 0 || id >= 256 || this.ctx.numeric) return sprintf("%d", id);
    return this.rtrealm[id] ?? sprintf("%d", id);
  }
  /** lib/rt_names.c: rtnl_rtrealm_a2n() */
  rtnlRtrealmA2n(arg: string): number | undefined {
    return this.tabA2n(this.rtrealm, arg);
  }

  /** lib/rt_names.c: rtnl_dsfield_n2a() */
  rtnlDsfieldN2a(id: number): string {
    if (id < 0 || id >= 256) return sprintf("%d", id);
    if (!this.ctx.numeric && this.rtdsfield[id] !== undefined) return this.rtdsfield[id]!;
    return sprintf("0x%02x", id);
  }
  /** lib/rt_names.c: rtnl_dsfield_a2n() */
  rtnlDsfieldA2n(arg: string): number | undefined {
    return this.tabA2n(this.rtdsfield, arg, 16);
  }

  /** lib/rt_names.c: rtnl_rttable_n2a() */
  rtnlRttableN2a(id: number): string {
    const e = this.rttable.find(([i]) => i === id);
    if (!this.ctx.numeric && e) return e[1];
    return sprintf("%u", id);
  }
  /** lib/rt_names.c: rtnl_rttable_a2n() */
  rtnlRttableA2n(arg: string): number | undefined {
    for (let b = 0; b < 256; b++) {
      const e = this.rttable.find(([i, n]) => (i & 255) === b && n === arg);
      if (e) return e[0];
    }
    const r = strtoNum(arg, 0);
    if (!r || r.rest !== "" || r.v < 0n || r.v > 0xffffffffn) return undefined;
    return Number(r.v);
  }

  /** lib/rt_names.c: rtnl_group_n2a() */
  rtnlGroupN2a(id: number): string {
    id |= 0; // int id: IFLA_GROUP's u32 past INT_MAX prints negative
    if (!this.ctx.numeric) {
      for (let b = 0; b < 256; b++) {
        const e = this.group.find(([i]) => (i & 255) === b && i === id);
        if (e) return e[1];
      }
    }
    return sprintf("%d", id);
  }
  /** lib/rt_names.c: rtnl_group_a2n() */
  rtnlGroupA2n(arg: string): number | undefined {
    for (let b = 0; b < 256; b++) {
      const e = this.group.find(([i, n]) => (i & 255) === b && n === arg);
      if (e) return e[0];
    }
    const r = strtoNum(arg, 0);
    if (!r || r.rest !== "" || r.v < 0n) return undefined;
    return Number(BigInt.asIntN(32, r.v));
  }
}

export const RTN_XRESOLVE = 11;

/** ip/rtm_map.c: rtnl_rtntype_n2a() */
export function rtnlRtntypeN2a(ctx: IpCtx, id: number): string {
  if (ctx.numeric) return sprintf("%d", id);
  const names = ["none", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole",
    "unreachable", "prohibit", "throw", "nat", "xresolve"];
  return names[id] ?? sprintf("%d", id);
}

/** ip/rtm_map.c: rtnl_rtntype_a2n() */
export function rtnlRtntypeA2n(arg: string): number | undefined {
  if (arg === "local") return 2;
  if (arg === "nat") return 10;
  if (!matches(arg, "broadcast") || arg === "brd") return 3;
  if (!matches(arg, "anycast")) return 4;
  if (!matches(arg, "multicast")) return 5;
  if (!matches(arg, "prohibit")) return 8;
  if (!matches(arg, "unreachable")) return 7;
  if (!matches(arg, "blackhole")) return 6;
  if (!matches(arg, "xresolve")) return 11;
  if (!matches(arg, "unicast")) return 1;
  if (arg === "throw") return 9;
  const r = strtoNum(arg, 0);
  if (!r || r.rest !== "" || r.v < 0n || r.v > 255n) return undefined;
  return Number(r.v);
}
