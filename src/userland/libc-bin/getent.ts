/**
 * glibc 2.36's getent (nss/getent.c, Debian's libc-bin): the entries of the name service
 * databases, through what nsswitch.conf's Debian defaults name — `files` for the user, group,
 * protocol, service, rpc and network databases (the /etc files of lib/etc_files.ts), `files
 * dns` for hosts (/etc/hosts, then the stub resolver of lib/resolv.ts).
 *
 * hosts: gethostbyaddr() of an address, else gethostbyname2(AF_INET6) and then AF_INET;
 * ahosts/ahostsv4/ahostsv6: getaddrinfo() with AI_V4MAPPED | AI_ADDRCONFIG | AI_CANONNAME
 * (AI_ADDRCONFIG: the families this namespace has addresses of, 127.0.0.1 and ::1 aside),
 * one line per address and socket type. The DNS side is IPv4's: AAAA questions are asked,
 * IPv6 answers are not modelled.
 */
import type { Command, Process } from "../process.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import { StubResolver } from "../lib/resolv.ts";
import { inetNtop4, inetNtop6, inetPton4Strict, inetPton6 } from "../lib/utils.ts";
import { AF_INET, AF_INET6, type AddrMsg } from "../../kernel/uapi/rtnetlink.ts";

const VERSION = `getent (Debian GLIBC 2.36-9+deb12u14) 2.36
Copyright (C) 2022 Free Software Foundation, Inc.
This is free software; see the source for copying conditions.  There is NO
warranty; not even for MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.
Written by Thorsten Kukuk.
`;

const DATABASES = [
  "ahosts", "ahostsv4", "ahostsv6", "aliases", "ethers", "group", "gshadow", "hosts", "initgroups",
  "netgroup", "networks", "passwd", "protocols", "rpc", "services", "shadow",
] as const;
type Database = (typeof DATABASES)[number];

const HELP = `Usage: getent [OPTION...] database [key ...]
Get entries from administrative database.

  -A, --no-addrconfig        do not filter out unsupported IPv4/IPv6 addresses
                             (with ahosts*)
  -i, --no-idn               disable IDN encoding
  -s, --service=CONFIG       Service configuration to be used
  -?, --help                 Give this help list
      --usage                Give a short usage message
  -V, --version              Print program version

Mandatory or optional arguments to long options are also mandatory or optional
for any corresponding short options.

Supported databases:
${wrapDatabases()}

For bug reporting instructions, please see:
<http://www.debian.org/Bugs/>.
`;

const USAGE = `Usage: getent [-Ai?V] [-s CONFIG] [--no-addrconfig] [--no-idn]
            [--service=CONFIG] [--help] [--usage] [--version]
            database [key ...]
`;

const SEE_HELP = "Try `getent --help' or `getent --usage' for more information.\n";

/** more_help(): the database names, a line broken before it would pass column 72 */
function wrapDatabases(): string {
  let out = "";
  let col = 0;
  DATABASES.forEach((d, i) => {
    if (i !== 0) {
      if (col + d.length > 72) {
        col = 0;
        out += "\n";
      } else out += " ";
    }
    out += d;
    col += d.length + 1;
  });
  return out;
}

const LONG: LongOpt[] = [
  { name: "no-addrconfig", hasArg: 0, val: "A" },
  { name: "no-idn", hasArg: 0, val: "i" },
  { name: "service", hasArg: 1, val: "s" },
  { name: "help", hasArg: 0, val: "h" },
  { name: "usage", hasArg: 0, val: "U" },
  { name: "version", hasArg: 0, val: "V" },
];

// ------------------------------------------------------------------------- the files

/** the fields of each non-comment line of an /etc file (`sep`: ":" for passwd and group) */
async function records(p: Process, path: string, sep: RegExp | string): Promise<string[][]> {
  const text = (await p.readFile(path)) ?? "";
  const out: string[][] = [];
  for (const raw of text.split("\n")) {
    if (sep === ":") {
      if (raw === "" || raw.startsWith("#")) continue;
      out.push(raw.split(":"));
      continue;
    }
    const line = raw.replace(/#.*/, "").trim();
    if (line) out.push(line.split(sep));
  }
  return out;
}

interface HostEnt {
  family: number;
  name: string;
  aliases: string[];
  addrs: Uint8Array[];
}

/** /etc/hosts, every line that parses (nss_files/files-hosts.c) */
async function hostsFile(p: Process): Promise<HostEnt[]> {
  const out: HostEnt[] = [];
  for (const f of await records(p, "/etc/hosts", /\s+/)) {
    if (f.length < 2) continue;
    const v4 = inetPton4Strict(f[0]!);
    const v6 = v4 ? undefined : inetPton6(f[0]!);
    if (!v4 && !v6) continue;
    out.push({ family: v4 ? AF_INET : AF_INET6, name: f[1]!, aliases: f.slice(2), addrs: [(v4 ?? v6)!] });
  }
  return out;
}

/** files' gethostbyname3_r(): the lines of that family naming `name` ("multi on": all of them) */
function filesByName(hosts: HostEnt[], name: string, family: number): HostEnt | undefined {
  const want = name.toLowerCase();
  let found: HostEnt | undefined;
  for (const h of hosts) {
    if (h.family !== family || ![h.name, ...h.aliases].some((n) => n.toLowerCase() === want)) continue;
    if (!found) found = { ...h, aliases: [...h.aliases], addrs: [...h.addrs] };
    else {
      found.addrs.push(...h.addrs);
      for (const n of [h.name, ...h.aliases]) if (n !== found.name && !found.aliases.includes(n)) found.aliases.push(n);
    }
  }
  return found;
}

/** the sources the hosts databases are looked up in (nsswitch.conf's `hosts:` line) */
interface Nss {
  files: boolean;
  dns: boolean;
}

/** the aliases of a `name number aliases…` line, each after a space */
const aliases = (f: string[]) => f.slice(2).map((a) => " " + a).join("");

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const ntop = (family: number, a: Uint8Array) => (family === AF_INET ? inetNtop4(a) : inetNtop6(a));
const u32 = (a: Uint8Array) => ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
const bytes4 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);

// ------------------------------------------------------------------------- hosts

/** gethostbyaddr(): files, then a PTR query */
async function gethostbyaddr(p: Process, ns: Nss, family: number, addr: Uint8Array): Promise<HostEnt | undefined> {
  const h = ns.files ? (await hostsFile(p)).find((e) => e.family === family && same(e.addrs[0]!, addr)) : undefined;
  if (h) return h;
  if (!ns.dns || family !== AF_INET) return undefined; // ip6.arpa is not modelled
  const name = await (await StubResolver.load(p)).gethostbyaddr(u32(addr));
  return name ? { family, name, aliases: [], addrs: [addr] } : undefined;
}

/** gethostbyname2(): files, then DNS (A, or AAAA alone, which finds no IPv6 address here) */
async function gethostbyname2(p: Process, ns: Nss, name: string, family: number, checkName = true): Promise<HostEnt | undefined> {
  const h = ns.files ? filesByName(await hostsFile(p), name, family) : undefined;
  if (h || !ns.dns) return h;
  const res = await StubResolver.load(p);
  if (family === AF_INET6) {
    await res.gethostbyname6(name, checkName);
    return undefined;
  }
  const r = await res.gethostbyname(name, false, checkName);
  if (typeof r === "string") return undefined;
  return { family, name: r.canonname, aliases: [], addrs: r.addrs.map(bytes4) };
}

/** the shape of every *_keys() of getent.c: no key, the whole database (`all`); else each key
 * looked up, printed when found; status 2 when one was not */
async function eachKey(
  p: Process, keys: string[], all: () => Promise<string>, lookup: (key: string) => Promise<string | undefined>,
): Promise<number> {
  if (!keys.length) {
    p.stdout.write(await all());
    return 0;
  }
  let result = 0;
  for (const key of keys) {
    const out = await lookup(key);
    if (out === undefined) result = 2;
    else p.stdout.write(out);
  }
  return result;
}

/** print_hosts() */
function printHosts(h: HostEnt): string {
  return h.addrs.map((a) => `${ntop(h.family, a).padEnd(15)} ${[h.name, ...h.aliases].join(" ")}\n`).join("");
}

/** sethostent()/gethostent(): /etc/hosts when files is a source (dns enumerates nothing) */
async function allHosts(p: Process, ns: Nss): Promise<string> {
  return ns.files ? (await hostsFile(p)).map(printHosts).join("") : "";
}

async function hostsKeys(p: Process, ns: Nss, keys: string[]): Promise<number> {
  return eachKey(p, keys, () => allHosts(p, ns), async (key) => {
    const v6 = inetPton6(key);
    const v4 = v6 ? undefined : inetPton4Strict(key);
    let h: HostEnt | undefined;
    if (v6) h = await gethostbyaddr(p, ns, AF_INET6, v6);
    else if (v4) h = await gethostbyaddr(p, ns, AF_INET, v4);
    else h = (await gethostbyname2(p, ns, key, AF_INET6)) ?? (await gethostbyname2(p, ns, key, AF_INET));
    return h && printHosts(h);
  });
}

/** check_pf.c: __check_pf() — does the namespace have IPv4 / IPv6 addresses beyond loopback's */
function checkPf(p: Process): { v4: boolean; v6: boolean } {
  const seen = { v4: false, v6: false };
  for (const family of [AF_INET, AF_INET6]) {
    const addrs = p.sys.rtnl.dump({ type: "RTM_GETADDR", flags: {}, ifa: { family, prefixlen: 0, flags: 0, scope: 0, index: 0 }, attrs: {} }) as AddrMsg[];
    for (const a of addrs) {
      const addr = a.ifa.family === AF_INET ? (a.attrs.IFA_LOCAL ?? a.attrs.IFA_ADDRESS) : a.attrs.IFA_ADDRESS;
      if (!addr) continue;
      if (a.ifa.family === AF_INET && u32(addr) !== 0x7f000001) seen.v4 = true;
      if (a.ifa.family === AF_INET6 && !(addr.slice(0, 15).every((x) => x === 0) && addr[15] === 1)) seen.v6 = true;
    }
  }
  return seen;
}

interface GaiResult {
  family: number;
  addr: Uint8Array;
}

/** getaddrinfo(key, NULL, {V4MAPPED|ADDRCONFIG|CANONNAME, family}): the addresses and the
 * canonical name, or undefined (EAI_NONAME, EAI_AGAIN …) */
async function getaddrinfo(p: Process, ns: Nss, key: string, family: number, addrconfig: boolean): Promise<{ list: GaiResult[]; canon: string } | undefined> {
  if (addrconfig) {
    const seen = checkPf(p);
    if (family === 0 && (seen.v4 || seen.v6)) {
      if (seen.v4 !== seen.v6) family = seen.v4 ? AF_INET : AF_INET6;
    } else if ((family === AF_INET && !seen.v4) || (family === AF_INET6 && !seen.v6)) return undefined;
  }
  const mapped = (a: Uint8Array): GaiResult => ({ family: AF_INET6, addr: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...a) });
  // a numeric host: inet_aton() forms, then inet_pton(AF_INET6)
  const v4 = inetAtonBytes(key);
  if (v4) {
    if (family === AF_INET6) return { list: [mapped(v4)], canon: key };
    return { list: [{ family: AF_INET, addr: v4 }], canon: key };
  }
  const v6 = inetPton6(key);
  if (v6) return family === AF_INET ? undefined : { list: [{ family: AF_INET6, addr: v6 }], canon: key };
  const hosts = ns.files ? await hostsFile(p) : [];
  if (family === 0) {
    // gethostbyname4_r: files, both families in file order; then DNS, A and AAAA together
    const want = key.toLowerCase();
    const lines = hosts.filter((h) => [h.name, ...h.aliases].some((n) => n.toLowerCase() === want));
    if (lines.length) return { list: sortRfc3484(p, lines.map((h) => ({ family: h.family, addr: h.addrs[0]! }))), canon: lines[0]!.name };
    if (!ns.dns) return undefined;
    const r = await (await StubResolver.load(p)).gethostbyname(key, true);
    if (typeof r === "string") return undefined;
    return { list: sortRfc3484(p, r.addrs.map((a) => ({ family: AF_INET, addr: bytes4(a) }))), canon: r.canonname };
  }
  const h = await gethostbyname2(p, ns, key, family);
  if (h) return { list: sortRfc3484(p, h.addrs.map((addr) => ({ family, addr }))), canon: h.name };
  if (family !== AF_INET6) return undefined;
  // AI_V4MAPPED: no IPv6 address, so the IPv4 ones, mapped
  const h4 = await gethostbyname2(p, ns, key, AF_INET);
  return h4 ? { list: sortRfc3484(p, h4.addrs.map(mapped)), canon: h4.name } : undefined;
}

/** inet_aton(): a, a.b, a.b.c, a.b.c.d in decimal, octal or hex */
function inetAtonBytes(s: string): Uint8Array | undefined {
  const parts = s.split(".");
  if (parts.length > 4) return undefined;
  const vals: number[] = [];
  for (const x of parts) {
    if (!/^(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$/.test(x)) return undefined;
    vals.push(/^0[xX]/.test(x) ? parseInt(x.slice(2) || "0", 16) : /^0/.test(x) ? parseInt(x, 8) : Number(x));
  }
  const last = vals.pop()!;
  if (vals.some((v) => v > 255) || last >= 2 ** (8 * (4 - vals.length))) return undefined;
  let a = 0;
  vals.forEach((v, i) => (a += v * 2 ** (24 - 8 * i)));
  return bytes4(a + last);
}

/** rfc3484_sort() as far as it can tell them apart here: destinations that can be reached
 * first (rule 1: a loopback address needs lo up, an IPv4 one a route, other IPv6 ones are
 * not routed), then by the default policy table's precedence (rule 6: ::1 50, IPv4 35) */
function sortRfc3484(p: Process, list: GaiResult[]): GaiResult[] {
  if (list.length < 2) return list;
  const loUp = ((p.sys.rtnl.dump({ type: "RTM_GETLINK", flags: {}, ifi: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs: {} }) as { ifi: { flags: number } }[])
    .find((l) => l.ifi.flags & 0x8)?.ifi.flags ?? 0) & 0x1;
  const loopback6 = (a: Uint8Array) => a.slice(0, 15).every((x) => x === 0) && a[15] === 1;
  const usable = (r: GaiResult) => (r.family === AF_INET ? (u32(r.addr) >>> 24 === 127 ? !!loUp : true) : loopback6(r.addr) && !!loUp);
  const prec = (r: GaiResult) => (r.family === AF_INET ? 35 : loopback6(r.addr) ? 50 : 40);
  return list
    .map((r, i) => ({ r, i }))
    .sort((a, b) => Number(usable(b.r)) - Number(usable(a.r)) || prec(b.r) - prec(a.r) || a.i - b.i)
    .map((x) => x.r);
}

async function ahostsKeys(p: Process, ns: Nss, keys: string[], family: number, addrconfig: boolean): Promise<number> {
  return eachKey(p, keys, () => allHosts(p, ns), async (key) => {
    const r = await getaddrinfo(p, ns, key, family, addrconfig);
    if (!r) return undefined;
    let out = "";
    for (const a of r.list) {
      for (const sock of ["STREAM", "DGRAM", "RAW"]) {
        out += `${ntop(a.family, a.addr).padEnd(15)} ${sock.padEnd(6)} ${out ? "" : r.canon}\n`;
      }
    }
    return out;
  });
}

// ------------------------------------------------------------------------- the others

/** a `name number aliases…` database (protocols, rpc): its lookup by name or alias, or by
 * number (atol) when the key starts with a digit */
async function numberedKeys(p: Process, keys: string[], path: string, print: (f: string[]) => string): Promise<number> {
  const recs = (await records(p, path, /\s+/)).filter((f) => f.length >= 2 && /^\d+$/.test(f[1]!));
  return eachKey(p, keys, async () => recs.map(print).join(""), async (key) => {
    const f = /^[0-9]/.test(key)
      ? recs.find((r) => Number(r[1]) === parseInt(key, 10))
      : recs.find((r) => r[0] === key || r.slice(2).includes(key));
    return f && print(f);
  });
}

/** inet_network(): a network number of one to four parts */
function inetNetwork(s: string): number | undefined {
  const parts = s.split(".");
  if (parts.length > 4 || parts.some((x) => !/^\d+$/.test(x) || Number(x) > 255)) return undefined;
  return parts.reduce((a, x) => a * 256 + Number(x), 0) >>> 0;
}

/** getnetbyaddr(ntohl(inet_addr(key))): inet_addr() wants a whole address */
function netKey(s: string): number | undefined {
  const a = inetAtonBytes(s);
  return a ? u32(a) : 0xffffffff;
}

async function servicesKeys(p: Process, keys: string[]): Promise<number> {
  const recs = (await records(p, "/etc/services", /\s+/)).filter((f) => f.length >= 2 && /^\d+\/\S+$/.test(f[1]!));
  const print = (f: string[]) => {
    const [port, proto] = f[1]!.split("/") as [string, string];
    return `${f[0]!.padEnd(21)} ${Number(port)}/${proto}${aliases(f)}\n`;
  };
  return eachKey(p, keys, async () => recs.map(print).join(""), async (k) => {
    const slash = k.indexOf("/");
    const key = slash >= 0 ? k.slice(0, slash) : k;
    const proto = slash >= 0 ? k.slice(slash + 1) : undefined;
    const m = /^[-+]?\d+/.exec(key);
    const port = m && m[0] === key ? Number(key) : undefined;
    const protoOk = (f: string[]) => proto === undefined || f[1]!.split("/")[1] === proto;
    const f = /^[0-9]/.test(key) && port !== undefined && port >= 0 && port <= 65535
      ? recs.find((r) => Number(r[1]!.split("/")[0]) === port && protoOk(r))
      : recs.find((r) => (r[0] === key || r.slice(2).includes(key)) && protoOk(r));
    return f && print(f);
  });
}

/** passwd and group: putpwent()/putgrent() of the entry named, or numbered (strtoul) */
async function colonKeys(p: Process, keys: string[], path: string, idField: number): Promise<number> {
  const recs = await records(p, path, ":");
  const print = (f: string[]) => f.join(":") + "\n";
  return eachKey(p, keys, async () => recs.map(print).join(""), async (key) => {
    const numeric = /^\s*[+-]?\d+$/.test(key) && key !== "";
    const f = numeric ? recs.find((r) => Number(r[idField]) === (Number(key.trim()) >>> 0)) : recs.find((r) => r[0] === key);
    return f && print(f);
  });
}

/** getgrouplist(user, -1): the groups whose member lists name the user */
async function initgroupsKeys(p: Process, keys: string[]): Promise<number> {
  if (!keys.length) {
    p.stderr.write("Enumeration not supported on initgroups\n");
    return 3;
  }
  const groups = await records(p, "/etc/group", ":");
  for (const key of keys) {
    const gids = groups.filter((g) => (g[3] ?? "").split(",").includes(key)).map((g) => ` ${Number(g[2])}`);
    p.stdout.write(key.padEnd(21) + gids.join("") + "\n");
  }
  return 0;
}

/** a database whose files are absent here (aliases, ethers, shadow, gshadow) or whose service
 * is not (netgroup: nis) */
function absent(p: Process, keys: string[], enumerable: string | undefined): number {
  if (keys.length) return 2;
  if (enumerable === undefined) return 0;
  p.stderr.write(`Enumeration not supported on ${enumerable}\n`);
  return 3;
}

// ------------------------------------------------------------------------- main

export const getent: Command = async (p) => {
  const r = getoptLong(p, p.argv, "Ais:?V", LONG, { stopAtError: true });
  let addrconfig = true;
  /** -s CONFIG: the services of every database, or of the one named */
  const services = new Map<string, string[]>();
  for (const [c, arg] of r.opts) {
    switch (c) {
      case "?":
        // getopt's answer to an unknown option, or -? itself (argp's help)
        if (!p.argv.includes("-?")) {
          p.stderr.write(SEE_HELP);
          return 64;
        }
        p.stdout.write(HELP);
        return 0;
      case "h":
        p.stdout.write(HELP);
        return 0;
      case "U":
        p.stdout.write(USAGE);
        return 0;
      case "V":
        p.stdout.write(VERSION);
        return 0;
      case "A":
        addrconfig = false;
        break;
      case "i":
        break;
      case "s": {
        const colon = arg!.indexOf(":");
        const list = arg!.slice(colon + 1).trim().split(/\s+/);
        if (colon < 0) for (const d of DATABASES) services.set(d, list);
        else {
          const d = DATABASES.find((x) => x.startsWith(arg!.slice(0, colon)));
          if (!d) {
            p.stderr.write("getent: Unknown database name\n");
            return 1;
          }
          services.set(d, list);
        }
        break;
      }
    }
  }
  if (r.args.length < 1) {
    p.stderr.write("getent: wrong number of arguments\n");
    p.stdout.write(SEE_HELP);
    return 1;
  }
  const db = r.args[0]! as Database;
  const keys = r.args.slice(1);
  if (!DATABASES.includes(db)) {
    p.stderr.write(`Unknown database: ${r.args[0]}\n`);
    p.stdout.write(SEE_HELP);
    return 1;
  }
  // nsswitch.conf's Debian defaults, or what -s says; only files and dns are here
  const hostDb = db === "hosts" || db.startsWith("ahosts");
  const via = (services.get(hostDb ? "hosts" : db) ?? services.get(db) ?? (hostDb ? ["files", "dns"] : ["files"]))
    .filter((s) => s === "files" || (hostDb && s === "dns"));
  if (!via.length) return keys.length ? 2 : 0;
  const ns: Nss = { files: via.includes("files"), dns: via.includes("dns") };
  switch (db) {
    case "hosts":
      return hostsKeys(p, ns, keys);
    case "ahosts":
      return ahostsKeys(p, ns, keys, 0, addrconfig);
    case "ahostsv4":
      return ahostsKeys(p, ns, keys, AF_INET, addrconfig);
    case "ahostsv6":
      return ahostsKeys(p, ns, keys, AF_INET6, addrconfig);
    case "passwd":
      return colonKeys(p, keys, "/etc/passwd", 2);
    case "group":
      return colonKeys(p, keys, "/etc/group", 2);
    case "initgroups":
      return initgroupsKeys(p, keys);
    case "protocols":
      return numberedKeys(p, keys, "/etc/protocols", (f) => `${f[0]!.padEnd(21)} ${parseInt(f[1]!, 10)}${aliases(f)}\n`);
    case "rpc":
      return numberedKeys(p, keys, "/etc/rpc", (f) => `${f[0]!.padEnd(15)} ${parseInt(f[1]!, 10)}${f.length > 2 ? " " : ""}${aliases(f)}\n`);
    case "networks":
      return networksKeys(p, keys);
    case "services":
      return servicesKeys(p, keys);
    case "aliases":
    case "shadow":
    case "gshadow":
      return absent(p, keys, undefined);
    case "ethers":
    case "netgroup":
      return absent(p, keys, db);
  }
};

async function networksKeys(p: Process, keys: string[]): Promise<number> {
  const recs = (await records(p, "/etc/networks", /\s+/)).filter((f) => f.length >= 2 && inetNetwork(f[1]!) !== undefined);
  const print = (f: string[]) => `${f[0]!.padEnd(21)} ${inetNtop4(bytes4(inetNetwork(f[1]!)!))}${aliases(f)}\n`;
  return eachKey(p, keys, async () => recs.map(print).join(""), async (key) => {
    const f = /^[0-9]/.test(key)
      ? recs.find((r) => inetNetwork(r[1]!) === netKey(key))
      : recs.find((r) => r[0] === key || r.slice(2).includes(key));
    return f && print(f);
  });
}
