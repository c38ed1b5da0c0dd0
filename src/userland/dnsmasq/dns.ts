/**
 * dnsmasq 2.89's DNS answerer, without upstream forwarding:
 *
 * - cache.c: the cache of local names — --cname and --host-record (cache_reload()), the hosts
 *   files (read_hostsfile(), add_hosts_entry(): one "read FILE - N names" per file, duplicates
 *   dropped, one name per address marked for PTR, --expand-hosts), DHCP lease names
 *   (cache_add_dhcp_entry()), the empty non-terminal names above them (make_non_terminals()),
 *   and the hash-chain order with its round robin (cache_hash(), cache_find_by_name(),
 *   cache_find_by_addr()); log_query() for --log-queries;
 * - rfc1035.c: answer_request() for CNAME chains, A, AAAA, ANY and PTR (IPv4 and ip6.arpa)
 *   from that cache, --bogus-priv;
 * - domain-match.c / forward.c: what cannot be answered so is "forwarded": lookup_domain()
 *   over the --address, --local and --server domains, is_local_answer(), make_local_answer(),
 *   --domain-needed; with no upstream server to send to (none is ever used here), REFUSED with
 *   EDE 14 (Not Ready);
 * - edns0.c: add_pseudoheader() (the OPT record back, the query's DO bit, an EDE option).
 *
 * The cache keeps one chain per name: dnsmasq's buckets hold several names, and where two
 * names share one (the hash mixes in pointer bytes, so it changes from run to run) the
 * insertion order of a name's records can differ; without such a collision the order is this.
 */
import { inetNtop6, inetPton4Strict, inetPton6 } from "../lib/utils.ts";

// dnsmasq.h: cache flags (the ones used here)
export const F_IMMORTAL = 1 << 0;
export const F_REVERSE = 1 << 2;
export const F_DHCP = 1 << 4;
export const F_HOSTS = 1 << 6;
export const F_CONFIG = 1 << 13;
export const F_IPV4 = 1 << 7;
export const F_IPV6 = 1 << 8;
export const F_CNAME = 1 << 11;
// lookup flags
const F_SERVER = 1 << 18;
const F_QUERY = 1 << 19;
const F_NOERR = 1 << 20;
const F_DOMAINSRV = 1 << 28;
const F_NXDOMAIN = 1 << 10;

// dnsmasq.h: struct server flags
export const SERV_LITERAL_ADDRESS = 1;
export const SERV_USE_RESOLV = 2;
export const SERV_ALL_ZEROS = 4;
export const SERV_4ADDR = 8;
export const SERV_6ADDR = 16;
export const SERV_FOR_NODOTS = 64;
export const SERV_WILDCARD = 1024;
const SERV_LOCAL_ADDRESS = SERV_6ADDR | SERV_4ADDR | SERV_ALL_ZEROS;

export const T_A = 1;
export const T_CNAME = 5;
export const T_PTR = 12;
export const T_AAAA = 28;
export const T_OPT = 41;
export const T_ANY = 255;
const C_IN = 1;

/** edns0.c: extended DNS errors */
export const EDE_UNSET = -1;
export const EDE_NOT_READY = 14;

/** a cache record (struct crec) */
export interface Crec {
  name: string;
  flags: number;
  addr: Uint8Array;
  /** immortal records: their TTL; DHCP records: the lease's end (wall-clock seconds) */
  ttd: number;
  /** record_source(): the file it came from ("config" for --host-record and --cname) */
  source: string;
  /** a --cname record's target */
  target?: string;
}

/** --host-record=NAME[,NAME…][,IPV4][,IPV6][,TTL] (struct host_record) */
export interface HostRecord {
  names: string[];
  addr4?: Uint8Array;
  addr6?: Uint8Array;
  /** -1: --local-ttl */
  ttl: number;
}

/** --cname=ALIAS[,ALIAS…],TARGET[,TTL] (struct cname) */
export interface CnameRecord {
  alias: string;
  target: string;
  /** -1: --local-ttl */
  ttl: number;
}

/** a --server/--local/--address entry (struct server / serv_addr4 / serv_addr6 / serv_local) */
export interface ServerEntry {
  domain: string;
  flags: number;
  /** the answer of --address (4 or 16 bytes) */
  addr?: Uint8Array;
  /** an upstream server's address (text), for the log */
  server?: string;
  /** order of appearance (upstream servers, --strict-order) */
  serial: number;
}

export interface DnsConfig {
  localTtl: number;
  /** --dhcp-ttl (undefined: local_ttl) */
  dhcpTtl: number | undefined;
  expandHosts: boolean;
  domain: string | undefined;
  domainNeeded: boolean;
  bogusPriv: boolean;
  noRoundRobin: boolean;
  /** --edns-packet-max */
  ednsPktsz: number;
  /** local_domains: prepended as dnsmasq does (the last option first) */
  localDomains: ServerEntry[];
  /** upstream servers, in order */
  servers: ServerEntry[];
  /** --host-record, in order */
  hostRecords: HostRecord[];
  /** --cname, the last given first (option.c prepends) */
  cnames: CnameRecord[];
}

export interface LeaseName {
  hostname: string;
  addr: number;
  /** wall-clock seconds, 0 = infinite */
  expires: number;
}

const addrEq = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const lc = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** util.c: hostname_isequal() (ASCII case-insensitive) */
export const hostnameIsEqual = (a: string, b: string): boolean => lc(a) === lc(b);

/** util.c: check_name() + canonicalise(): the trailing dot removed; undefined for a bad name
 * (empty, a label over 63, control characters, all blanks); upper case folded as IDN does */
export function canonicalise(s: string): string | undefined {
  if (s.length === 0 || s.length > 1025) return undefined;
  let name = s;
  let nowhite = false;
  if (name.endsWith(".")) {
    name = name.slice(0, -1);
    nowhite = true;
  }
  let gap = 0;
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch === ".") gap = 0;
    else if (++gap > 63) return undefined;
    else if (c < 0x80 && (c < 0x20 || c === 0x7f)) return undefined;
    else if (ch !== " ") nowhite = true;
  }
  if (!nowhite) return undefined;
  return lc(name);
}

function ipv4Bytes(a: number): Uint8Array {
  return Uint8Array.of(a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255);
}

/** rfc1035.c: private_net() / private_net6() (ban_localhost) */
function privateNet(addr: Uint8Array, prot: number): boolean {
  if (prot === F_IPV4) {
    const a = ((addr[0]! << 24) | (addr[1]! << 16) | (addr[2]! << 8) | addr[3]!) >>> 0;
    return (a & 0xff000000) >>> 0 === 0x7f000000 || (a & 0xff000000) >>> 0 === 0 || (a & 0xff000000) >>> 0 === 0x0a000000 ||
      (a & 0xfff00000) >>> 0 === 0xac100000 || (a & 0xffff0000) >>> 0 === 0xc0a80000 || (a & 0xffff0000) >>> 0 === 0xa9fe0000 ||
      (a & 0xffffff00) >>> 0 === 0xc0000200 || (a & 0xffffff00) >>> 0 === 0xc6336400 || (a & 0xffffff00) >>> 0 === 0xcb007100 ||
      a === 0xffffffff;
  }
  if (addr.subarray(0, 10).every((b) => b === 0) && addr[10] === 0xff && addr[11] === 0xff) return privateNet(addr.subarray(12), F_IPV4);
  const zero15 = addr.subarray(0, 15).every((b) => b === 0);
  if (zero15 && (addr[15] === 0 || addr[15] === 1)) return true;
  if (addr[0] === 0xfe && (addr[1]! & 0xc0) === 0x80) return true; // link-local
  if (addr[0] === 0xfe && (addr[1]! & 0xc0) === 0xc0) return true; // site-local
  if (addr[0] === 0xfd) return true;
  return addr[0] === 0x20 && addr[1] === 0x01 && addr[2] === 0x0d && addr[3] === 0xb8;
}

/** rfc1035.c: in_arpa_name_2_addr(): the address of a reverse name and its family, or 0 */
export function inArpaName2Addr(name: string): { prot: number; addr: Uint8Array } | undefined {
  if (name.length > 75) return undefined;
  const labels = name.split(".");
  if (labels.length < 3) return undefined;
  const last = labels[labels.length - 1]!;
  const pen = labels[labels.length - 2]!;
  const body = labels.slice(0, -2);
  if (hostnameIsEqual(last, "arpa") && hostnameIsEqual(pen, "in-addr")) {
    const addr = new Uint8Array(4);
    for (const l of body) {
      if (!/^\d*$/.test(l)) return undefined;
      addr[3] = addr[2]!;
      addr[2] = addr[1]!;
      addr[1] = addr[0]!;
      addr[0] = Number(l || "0") & 255;
    }
    return { prot: F_IPV4, addr };
  }
  if (hostnameIsEqual(pen, "ip6") && (hostnameIsEqual(last, "int") || hostnameIsEqual(last, "arpa"))) {
    const addr = new Uint8Array(16);
    for (const l of body) {
      if (!/^[0-9a-fA-F]$/.test(l)) return undefined;
      for (let j = 15; j > 0; j--) addr[j] = ((addr[j]! >> 4) | (addr[j - 1]! << 4)) & 255;
      addr[0] = ((addr[0]! >> 4) | (parseInt(l, 16) << 4)) & 255;
    }
    return { prot: F_IPV6, addr };
  }
  return undefined;
}

export class DnsCache {
  /** the records of each name (lower case), in hash-chain order */
  private chains = new Map<string, Crec[]>();
  /** make_non_terminals(): names above a local name, from the hosts files */
  private nonTerminals = new Set<string>();
  private dhcpNonTerminals = new Set<string>();
  private dhcpSig = "";

  constructor(private noRoundRobin: boolean) {}

  private chain(name: string): Crec[] {
    const k = lc(name);
    let c = this.chains.get(k);
    if (!c) this.chains.set(k, (c = []));
    return c;
  }

  /** cache.c: cache_hash(): F_REVERSE records first, non-reverse immortal ones last, a name's
   * records of one kind in the order they came */
  private hash(c: Crec): void {
    const list = this.chain(c.name);
    const flags = c.flags & (F_IMMORTAL | F_REVERSE);
    let i = 0;
    if (!(flags & F_REVERSE)) {
      while (i < list.length && list[i]!.flags & F_REVERSE) i++;
      if (flags & F_IMMORTAL) while (i < list.length && !(list[i]!.flags & F_IMMORTAL)) i++;
    }
    while (i < list.length && (list[i]!.flags & (F_IMMORTAL | F_REVERSE)) === flags) i++;
    list.splice(i, 0, c);
  }

  private expired(c: Crec, now: number): boolean {
    return !(c.flags & F_IMMORTAL) && c.ttd <= now;
  }

  /**
   * cache.c: cache_find_by_name() — the records of `name` with one of the `prot` flags, in chain
   * order; a first search moves all but the first of them in front of it (round robin)
   */
  findByName(name: string, prot: number, now: number, rotate = true): Crec[] {
    const list = this.chains.get(lc(name));
    if (!list) return [];
    const ans: Crec[] = [];
    let insert = -1;
    let insFlags = 0;
    for (let i = 0; i < list.length; ) {
      const c = list[i]!;
      if (this.expired(c, now) || !(c.flags & prot)) {
        i++;
        continue;
      }
      ans.push(c);
      if (insert >= 0 && (c.flags & (F_REVERSE | F_IMMORTAL)) === insFlags) {
        list.splice(i, 1);
        list.splice(insert, 0, c);
        insert++;
      } else {
        if (insert < 0 && rotate && !this.noRoundRobin) {
          insert = i;
          insFlags = c.flags & (F_REVERSE | F_IMMORTAL);
        }
      }
      i++;
    }
    return ans;
  }

  /** cache.c: cache_find_by_addr(): the F_REVERSE records of an address */
  findByAddr(addr: Uint8Array, prot: number, now: number): Crec[] {
    const out: Crec[] = [];
    for (const list of this.chains.values()) {
      for (const c of list) {
        if (!(c.flags & F_REVERSE)) break;
        if (!this.expired(c, now) && c.flags & prot && addrEq(c.addr, addr)) out.push(c);
      }
    }
    return out;
  }

  /** cache.c: cache_find_non_terminal(): a local name, or a name above one */
  exists(name: string, now: number): boolean {
    const k = lc(name);
    if (this.nonTerminals.has(k) || this.dhcpNonTerminals.has(k)) return true;
    return (this.chains.get(k) ?? []).some((c) => !this.expired(c, now));
  }

  private makeNonTerminals(name: string, set: Set<string>): void {
    let n = lc(name);
    for (let i = n.indexOf("."); i >= 0; i = n.indexOf(".")) {
      n = n.slice(i + 1);
      set.add(n);
    }
  }

  /** cache.c: cache_reload()'s configured records: the --cname aliases, then the
   * --host-record names (their PTR going to the first name, as a hosts line's) */
  loadConfig(cfg: DnsConfig, rhash: Set<string>): void {
    for (const c of cfg.cnames) {
      if (c.alias.startsWith("*")) continue;
      const ttd = c.ttl === -1 ? cfg.localTtl : c.ttl;
      this.hash({ name: c.alias, flags: F_CNAME | F_IMMORTAL | F_CONFIG, addr: new Uint8Array(0), ttd, source: "config", target: c.target });
      this.makeNonTerminals(c.alias, this.nonTerminals);
    }
    for (const hr of cfg.hostRecords) {
      const ttd = hr.ttl === -1 ? cfg.localTtl : hr.ttl;
      for (const name of hr.names) {
        if (hr.addr4) this.addHostsEntry({ name, flags: F_HOSTS | F_IMMORTAL | F_REVERSE | F_IPV4 | F_CONFIG, addr: hr.addr4, ttd, source: "config" }, rhash);
        if (hr.addr6) this.addHostsEntry({ name, flags: F_HOSTS | F_IMMORTAL | F_REVERSE | F_IPV6 | F_CONFIG, addr: hr.addr6, ttd, source: "config" }, rhash);
      }
    }
  }

  /**
   * cache.c: read_hostsfile() — the names of one hosts file (`text` undefined: it cannot be
   * read); `rhash` holds the addresses already given a PTR name by an earlier line or file.
   * Returns the log lines it gives.
   */
  readHostsFile(text: string | undefined, filename: string, cfg: DnsConfig, rhash: Set<string>): string[] {
    if (text === undefined) return [`failed to load names from ${filename}: No such file or directory`];
    const log: string[] = [];
    let pos = 0;
    let lineno = 1;
    let namesDone = 0;
    const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f";
    // eatspace(): blanks and comments; the newlines passed (1 at the end of the file)
    const eatspace = (): number => {
      let nl = 0;
      for (;;) {
        let c = pos < text.length ? text[pos++]! : undefined;
        if (c === "#") while (c !== "\n" && c !== undefined) c = pos < text.length ? text[pos++]! : undefined;
        if (c === undefined) return 1;
        if (!isSpace(c)) {
          pos--;
          return nl;
        }
        if (c === "\n") nl++;
      }
    };
    // gettok(): one token; then how many newlines follow it (-1: no token, end of file)
    let token = "";
    const gettok = (): number => {
      token = "";
      for (;;) {
        if (pos >= text.length) return token.length === 0 ? -1 : 1;
        const c = text[pos++]!;
        if (isSpace(c) || c === "#") {
          pos--;
          return eatspace();
        }
        if (token.length < 1024) token += c;
      }
    };
    lineno += eatspace();
    let atnl: number;
    while ((atnl = gettok()) !== -1) {
      let addr: Uint8Array | undefined = inetPton4Strict(token);
      let prot = F_IPV4;
      if (!addr) {
        addr = inetPton6(token);
        prot = F_IPV6;
      }
      if (!addr) {
        log.push(`bad address at ${filename} line ${lineno}`);
        while (atnl === 0) atnl = gettok();
        lineno += atnl;
        continue;
      }
      const flags = F_HOSTS | F_IMMORTAL | F_REVERSE | prot;
      while (atnl === 0) {
        if ((atnl = gettok()) === -1) break;
        const fqdn = token.includes(".");
        const canon = canonicalise(token);
        if (canon !== undefined) {
          if (cfg.expandHosts && cfg.domain && !fqdn) {
            this.addHostsEntry({ name: `${canon}.${cfg.domain}`, flags, addr, ttd: cfg.localTtl, source: filename }, rhash);
            namesDone++;
          }
          this.addHostsEntry({ name: canon, flags, addr, ttd: cfg.localTtl, source: filename }, rhash);
          namesDone++;
        } else log.push(`bad name at ${filename} line ${lineno}`);
      }
      lineno += atnl;
    }
    log.push(`read ${filename} - ${namesDone} names`);
    return log;
  }

  /** cache.c: add_hosts_entry() */
  private addHostsEntry(c: Crec, rhash: Set<string>): void {
    const prot = c.flags & (F_IPV4 | F_IPV6);
    // duplicates in hosts files (the lookup is a first search: it rotates)
    for (const l of this.findByName(c.name, prot, 0)) if (l.flags & F_HOSTS && addrEq(l.addr, c.addr)) return;
    const key = `${prot}/${Array.from(c.addr).join(",")}`;
    if (rhash.has(key)) c.flags &= ~F_REVERSE;
    else rhash.add(key);
    this.hash(c);
    this.makeNonTerminals(c.name, this.nonTerminals);
  }

  /**
   * lease.c: lease_update_dns() — the leases' names as DHCP records (NAME.DOMAIN first, then
   * NAME), rebuilt when the leases change (cache_unhash_dhcp()). Returns log lines.
   */
  syncDhcp(leases: readonly LeaseName[], domain: string | undefined): string[] {
    const sig = leases.map((l) => `${l.hostname}/${l.addr}/${l.expires}`).join(" ") + `|${domain ?? ""}`;
    if (sig === this.dhcpSig) return [];
    this.dhcpSig = sig;
    for (const [k, list] of this.chains) {
      const keep = list.filter((c) => !(c.flags & F_DHCP));
      if (keep.length) this.chains.set(k, keep);
      else this.chains.delete(k);
    }
    this.dhcpNonTerminals.clear();
    const log: string[] = [];
    for (const l of leases) {
      if (!l.hostname) continue;
      const names = domain ? [`${l.hostname}.${domain}`, l.hostname] : [l.hostname];
      for (const n of names) this.addDhcpEntry(canonicalise(n) ?? lc(n), ipv4Bytes(l.addr), l.expires, log);
    }
    return log;
  }

  /** cache.c: cache_add_dhcp_entry() */
  private addDhcpEntry(name: string, addr: Uint8Array, ttd: number, log: string[]): void {
    let inHosts = false;
    let fail: Crec | undefined;
    for (const c of this.findByName(name, F_IPV4, 0)) {
      if (c.flags & (F_HOSTS | F_CONFIG)) {
        if (addrEq(c.addr, addr)) inHosts = true;
        else fail = c;
      }
    }
    if (inHosts) return;
    const a = `${addr[0]}.${addr[1]}.${addr[2]}.${addr[3]}`;
    if (fail) {
      log.push(`dnsmasq-dhcp: not giving name ${name} to the DHCP lease of ${a} because the name exists in ${fail.source} with address ${fail.addr.join(".")}`);
      return;
    }
    let flags = F_IPV4 | F_DHCP;
    if (!this.findByAddr(addr, F_IPV4, 0).length) flags |= F_REVERSE;
    if (ttd === 0) flags |= F_IMMORTAL;
    this.hash({ name, flags, addr, ttd, source: "DHCP" });
    this.makeNonTerminals(name, this.dhcpNonTerminals);
  }
}

// --------------------------------------------------------------------------- server table

/** option.c: the --server / --local / --address argument; throws the error text */
export function parseServerOption(
  option: "S" | "local" | "A",
  arg: string,
  serial: () => number,
): ServerEntry[] {
  let rest = arg;
  let domains: string[] | undefined;
  if (rest.startsWith("/")) {
    const parts = rest.slice(1).split("/");
    rest = parts.pop()!;
    domains = parts;
  }
  let flags = 0;
  let addr: Uint8Array | undefined;
  let server: string | undefined;
  if (rest === "") flags = SERV_LITERAL_ADDRESS;
  else if (option === "A") {
    if (rest === "#") flags = SERV_ALL_ZEROS | SERV_LITERAL_ADDRESS;
    else if ((addr = inetPton4Strict(rest))) flags = SERV_4ADDR | SERV_LITERAL_ADDRESS;
    else if ((addr = inetPton6(rest))) flags = SERV_6ADDR | SERV_LITERAL_ADDRESS;
    else throw new Error("Bad address in --address");
  } else if (rest === "#") flags = SERV_USE_RESOLV;
  else {
    // parse_server(): ADDR[#PORT][@SOURCE]
    let a = rest;
    const at = a.indexOf("@");
    if (at >= 0) a = a.slice(0, at);
    let port = 53;
    const hash = a.indexOf("#");
    if (hash >= 0) {
      const p = a.slice(hash + 1);
      if (!/^\d+$/.test(p) || Number(p) > 65535) throw new Error("bad port");
      port = Number(p);
      a = a.slice(0, hash);
    }
    if (inetPton4Strict(a)) server = `${a}#${port}`;
    else if (inetPton6(a.replace(/%.*/, ""))) server = `${inetNtop6(inetPton6(a.replace(/%.*/, ""))!)}#${port}`;
    else throw new Error("Name or service not known");
  }
  const out: ServerEntry[] = [];
  for (const d0 of domains ?? [""]) {
    let f = flags;
    let d = d0;
    if (domains) {
      if (d === "") f |= SERV_FOR_NODOTS;
      if (option === "A" && d === "#") d = "";
    }
    if (d.startsWith(".")) d = d.replace(/^\.+/, "");
    else if (d.startsWith("*")) {
      d = d.slice(1);
      if (d !== "") f |= SERV_WILDCARD;
    }
    const dom = d === "" ? "" : canonicalise(d);
    if (dom === undefined) throw new Error("error");
    out.push({ domain: dom, flags: f, addr, server, serial: serial() });
  }
  return out;
}

/** domain-match.c: order_qsort()'s key within one domain: IPv6 literal, IPv4 literal, all-zero
 * literal, resolv.conf servers, upstream servers, no-data literal */
function kindKey(e: ServerEntry): number {
  return (e.flags & (SERV_LITERAL_ADDRESS | SERV_4ADDR | SERV_6ADDR | SERV_USE_RESOLV | SERV_ALL_ZEROS)) ^ SERV_LITERAL_ADDRESS;
}

/** domain-match.c: the entries of one domain in serverarray order */
function domainGroup(cfg: DnsConfig, domain: string, nodots: boolean): ServerEntry[] {
  const all = [...cfg.servers, ...cfg.localDomains].filter((e) =>
    nodots ? (e.flags & SERV_FOR_NODOTS) !== 0 : !(e.flags & SERV_FOR_NODOTS) && e.domain === domain,
  );
  // qsort (glibc: a stable merge sort): literal answers keep local_domains order
  return all
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      // identical domains: wildcard ones sort after (order_servers)
      const wa = a.e.flags & SERV_WILDCARD ? 1 : 0;
      const wb = b.e.flags & SERV_WILDCARD ? 1 : 0;
      if (wa !== wb) return wa - wb;
      const k = kindKey(b.e) - kindKey(a.e);
      if (k) return k;
      if (!(a.e.flags & SERV_LITERAL_ADDRESS)) return a.e.serial - b.e.serial || a.i - b.i;
      return a.i - b.i;
    })
    .map((x) => x.e);
}

/** domain-match.c: filter_servers() over one domain's entries */
function filterServers(g: ServerEntry[], flags: number): ServerEntry[] {
  let i = 0;
  while (i < g.length && g[i]!.flags & SERV_6ADDR) i++;
  if (!(flags & F_SERVER) && i !== 0 && flags & F_IPV6) return g.slice(0, i);
  let nlow = i;
  while (i < g.length && g[i]!.flags & SERV_4ADDR) i++;
  if (!(flags & F_SERVER) && i !== nlow && flags & F_IPV4) return g.slice(nlow, i);
  nlow = i;
  while (i < g.length && g[i]!.flags & SERV_ALL_ZEROS) i++;
  if (!(flags & F_SERVER) && i !== nlow && flags & (F_IPV4 | F_IPV6)) return g.slice(nlow, i);
  nlow = i;
  while (i < g.length && g[i]!.flags & SERV_USE_RESOLV) i++;
  if (i !== nlow) return g.slice(nlow, i);
  while (i < g.length && !(g[i]!.flags & SERV_LITERAL_ADDRESS)) i++;
  if (i !== nlow) {
    if (flags & F_DOMAINSRV && g[nlow]!.domain === "") return [];
    return g.slice(nlow, i);
  }
  // --local=/domain/: only when no server is needed
  if (flags & (F_DOMAINSRV | F_SERVER)) return [];
  return g.slice(nlow);
}

/** domain-match.c: lookup_domain(): the entries for the longest matching domain, with the
 * entries of that whole domain (for is_local_answer()) */
export function lookupDomain(cfg: DnsConfig, name: string, flags: number): { matched: ServerEntry[]; group: ServerEntry[] } | undefined {
  const qname = lc(name);
  const suffixes: string[] = [qname];
  for (let i = qname.indexOf("."); i >= 0; i = qname.indexOf(".", i + 1)) suffixes.push(qname.slice(i + 1));
  if (qname !== "") suffixes.push("");
  let fl = flags;
  let result: { matched: ServerEntry[]; group: ServerEntry[] } | undefined;
  let lastMatchedDomainLen = -1;
  for (let s = 0; s < suffixes.length; s++) {
    const g = domainGroup(cfg, suffixes[s]!, false);
    if (!g.length) continue;
    const m = filterServers(g, fl);
    if (!m.length) continue;
    if (m[0]!.flags & SERV_USE_RESOLV) {
      // use the servers without a domain: go straight to the empty domain
      fl |= F_SERVER;
      const eg = domainGroup(cfg, "", false);
      const em = eg.length ? filterServers(eg, fl) : [];
      if (em.length) {
        result = { matched: em, group: eg };
        lastMatchedDomainLen = 0;
      }
      break;
    }
    result = { matched: m, group: g };
    lastMatchedDomainLen = suffixes[s]!.length;
    break;
  }
  // server=//ADDR: names without a dot
  const nodots = qname !== "" && !qname.includes(".");
  if (nodots && (!result || lastMatchedDomainLen === 0)) {
    const ng = domainGroup(cfg, "", true);
    if (ng.length) {
      const m = filterServers(ng, fl);
      if (m.length) result = { matched: m, group: ng };
    }
  }
  return result;
}

// --------------------------------------------------------------------------- messages

interface Question {
  name: string;
  qtype: number;
  qclass: number;
  /** the end of the question section */
  end: number;
}

/** rfc1035.c: extract_name() of the one question */
function parseQuestion(q: Uint8Array): Question | undefined {
  let o = 12;
  const labels: string[] = [];
  for (;;) {
    if (o >= q.length) return undefined;
    const len = q[o]!;
    if (len === 0) {
      o++;
      break;
    }
    if ((len & 0xc0) === 0xc0) return undefined; // no earlier name to point to
    if (len & 0xc0) return undefined;
    if (o + 1 + len > q.length) return undefined;
    labels.push(String.fromCharCode(...q.subarray(o + 1, o + 1 + len)));
    o += 1 + len;
  }
  if (o + 4 > q.length) return undefined;
  return { name: labels.join("."), qtype: (q[o]! << 8) | q[o + 1]!, qclass: (q[o + 2]! << 8) | q[o + 3]!, end: o + 4 };
}

/** edns0.c: find_pseudoheader(): the query's OPT record (among its additional records): its
 * UDP size and DO bit */
function findPseudoheader(q: Uint8Array, qend: number): { udp: number; doBit: boolean } | undefined {
  const ar = (q[10]! << 8) | q[11]!;
  const rrs = ((q[6]! << 8) | q[7]!) + ((q[8]! << 8) | q[9]!);
  let o = qend;
  const skipName = (): boolean => {
    for (;;) {
      if (o >= q.length) return false;
      const l = q[o]!;
      if ((l & 0xc0) === 0xc0) {
        o += 2;
        return o <= q.length;
      }
      if (l & 0xc0) return false;
      o += 1 + l;
      if (l === 0) return true;
    }
  };
  for (let i = 0; i < rrs + ar; i++) {
    if (!skipName() || o + 10 > q.length) return undefined;
    const type = (q[o]! << 8) | q[o + 1]!;
    const rdlen = (q[o + 8]! << 8) | q[o + 9]!;
    if (i >= rrs && type === T_OPT) return { udp: (q[o + 2]! << 8) | q[o + 3]!, doBit: (q[o + 6]! & 0x80) !== 0 };
    o += 10 + rdlen;
    if (o > q.length) return undefined;
  }
  return undefined;
}

class Reply {
  private parts: number[] = [];
  count = 0;
  trunc = false;
  constructor(readonly q: Uint8Array, readonly qend: number, readonly limit: number) {}
  get length(): number {
    return this.qend + this.parts.length;
  }
  /** rfc1035.c: add_resource_record() with the owner a pointer to an earlier name (the
   * question's by default); the offset of its data, where a name it holds can be pointed to */
  add(type: number, ttl: number, rdata: Uint8Array, owner = 12): number | undefined {
    if (this.length + 12 + rdata.length > this.limit) {
      this.trunc = true;
      return undefined;
    }
    const at = this.length + 12;
    this.parts.push(0xc0 | (owner >> 8), owner & 255, type >> 8, type & 255, 0, C_IN, ttl >>> 24, (ttl >>> 16) & 255, (ttl >>> 8) & 255, ttl & 255, rdata.length >> 8, rdata.length & 255, ...rdata);
    this.count++;
    return at;
  }
  build(hb3: number, hb4: number): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.q.subarray(0, this.qend));
    out.set(this.parts, this.qend);
    out[2] = hb3 | (this.trunc ? 0x02 : 0);
    out[3] = hb4;
    out[4] = 0;
    out[5] = 1;
    out[6] = this.count >> 8;
    out[7] = this.count & 255;
    out[8] = out[9] = out[10] = out[11] = 0;
    return out;
  }
}

/** a domain name in wire form, uncompressed (do_rfc1035_name()) */
function wireName(name: string): Uint8Array {
  const out: number[] = [];
  for (const l of name.split(".")) {
    if (!l) continue;
    out.push(l.length);
    for (let i = 0; i < l.length; i++) out.push(l.charCodeAt(i) & 255);
  }
  out.push(0);
  return Uint8Array.from(out);
}

/** edns0.c: add_pseudoheader(): an OPT record (the UDP size dnsmasq takes, the query's DO bit),
 * with an EDE option when there is one */
function addPseudoheader(r: Uint8Array, ednsPktsz: number, doBit: boolean, ede: number): Uint8Array {
  const opts = ede !== EDE_UNSET ? 6 : 0;
  const out = new Uint8Array(r.length + 11 + opts);
  out.set(r);
  const ar = ((r[10]! << 8) | r[11]!) + 1;
  out[10] = ar >> 8;
  out[11] = ar & 255;
  let w = r.length;
  out[w] = 0;
  out.set([0, T_OPT, ednsPktsz >> 8, ednsPktsz & 255, 0, 0, doBit ? 0x80 : 0, 0, 0, opts], w + 1);
  w += 11;
  if (opts) out.set([0, 15, 0, 2, ede >> 8, ede & 255], w);
  return out;
}

export interface AnswerContext {
  cache: DnsCache;
  cfg: DnsConfig;
  /** wall-clock seconds */
  now: number;
  /** UDP (false: TCP, answers up to 65536 bytes) */
  udp: boolean;
  /** --log-queries: where cache.c's log_query() lines go, and the client's address */
  log?: (line: string) => void;
  from?: string;
}

/** cache.c: typestr[] (the query types log_query() names) */
const TYPESTR: Record<number, string> = Object.fromEntries(
  ("1 A 2 NS 3 MD 4 MF 5 CNAME 6 SOA 7 MB 8 MG 9 MR 10 NULL 11 WKS 12 PTR 13 HINFO 14 MINFO 15 MX 16 TXT 17 RP 18 AFSDB " +
    "19 X25 20 ISDN 21 RT 22 NSAP 23 NSAP_PTR 24 SIG 25 KEY 26 PX 27 GPOS 28 AAAA 29 LOC 30 NXT 31 EID 32 NIMLOC 33 SRV " +
    "34 ATMA 35 NAPTR 36 KX 37 CERT 38 A6 39 DNAME 40 SINK 41 OPT 42 APL 43 DS 44 SSHFP 45 IPSECKEY 46 RRSIG 47 NSEC " +
    "48 DNSKEY 49 DHCID 50 NSEC3 51 NSEC3PARAM 52 TLSA 53 SMIMEA 55 HIP 56 NINFO 57 RKEY 58 TALINK 59 CDS 60 CDNSKEY " +
    "61 OPENPGPKEY 62 CSYNC 63 ZONEMD 64 SVCB 65 HTTPS 99 SPF 100 UINFO 101 UID 102 GID 103 UNSPEC 104 NID 105 L32 " +
    "106 L64 107 LP 108 EUI48 109 EUI64 249 TKEY 250 TSIG 251 IXFR 252 AXFR 253 MAILB 254 MAILA 255 ANY 256 URI 257 CAA " +
    "258 AVC 259 DOA 260 AMTRELAY 261 RESINFO 32768 TA 32769 DLV")
    .split(" ")
    .reduce<[number, string][]>((acc, x, i, a) => (i % 2 ? acc : [...acc, [Number(x), a[i + 1]!]]), []),
);

/** cache.c: querystr("query", type) */
function querystr(type: number): string {
  return TYPESTR[type] !== undefined ? `query[${TYPESTR[type]}]` : `query[type=${type}]`;
}

/** cache.c: log_query()'s "SOURCE NAME is WHAT" (sanitise(): unprintable names) */
function logLine(ctx: AnswerContext, source: string, name: string, what: string): void {
  if (!ctx.log) return;
  const n = /[^\x20-\x7e]/.test(name) ? "<name unprintable>" : name === "" ? "." : name;
  ctx.log(`${source} ${n} is ${what}`);
}

/** the text of an address (inet_ntop) */
function addrText(a: Uint8Array): string {
  return a.length === 4 ? a.join(".") : inetNtop6(a);
}

/** rfc1035.c: crec_ttl() */
function crecTtl(c: Crec, cfg: DnsConfig, now: number): number {
  if (c.flags & F_DHCP) {
    const conf = cfg.dhcpTtl ?? cfg.localTtl;
    const ttl = c.ttd - now;
    if (!(c.flags & F_IMMORTAL) && ttl < conf) return ttl;
    return conf;
  }
  return c.ttd;
}

/**
 * forward.c: receive_query() / tcp_request() — the answer to one query, or undefined when
 * dnsmasq sends none
 */
export function answerQuery(q: Uint8Array, ctx: AnswerContext): Uint8Array | undefined {
  if (q.length < 12 || q[2]! & 0x80) return undefined;
  const qd = (q[4]! << 8) | q[5]!;
  const opcode = (q[2]! >> 3) & 15;
  const question = qd >= 1 ? parseQuestion(q) : undefined;
  if (!question) return undefined;
  // receive_query(): log_query_mysockaddr(F_QUERY) once extract_request() took the question
  if (ctx.log && gotnameOf(q, question, qd, opcode)) {
    const n = /[^\x20-\x7e]/.test(question.name) ? "<name unprintable>" : question.name === "" ? "." : question.name;
    ctx.log(`${querystr(question.qtype)} ${n} from ${ctx.from ?? ""}`);
  }
  const ph = qd === 1 ? findPseudoheader(q, question.end) : undefined;
  let udpSize = 512;
  if (ph) udpSize = Math.min(Math.max(ph.udp, 512), ctx.cfg.ednsPktsz);
  const limit = ctx.udp ? udpSize : 65536;
  const doBit = ph?.doBit ?? false;
  const a = answerRequest(q, question, qd, opcode, limit, ctx, ph !== undefined, doBit);
  if (a) return a;
  return forwardQuery(q, question, qd, opcode, limit, ctx, ph !== undefined, doBit);
}

/** rfc1035.c: answer_request() for what the cache holds */
function answerRequest(q: Uint8Array, qu: Question, qd: number, opcode: number, limit: number, ctx: AnswerContext, havePh: boolean, doBit: boolean): Uint8Array | undefined {
  const an = (q[6]! << 8) | q[7]!;
  const ns = (q[8]! << 8) | q[9]!;
  if (qd !== 1 || an !== 0 || ns !== 0 || opcode !== 0) return undefined;
  const { cache, cfg, now } = ctx;
  const { qtype, qclass } = qu;
  let name = qu.name;
  const r = new Reply(q, qu.end, limit);
  let ans = false;
  let auth = true;
  let nxdomain = false;
  /** where the name the answers are for is (the question's, or a CNAME's target) */
  let owner = 12;
  if (qclass === C_IN) {
    // the CNAME chain of configured aliases
    for (let count = 255; --count !== 0; ) {
      const cn = cache.findByName(name, F_CNAME, now)[0];
      if (!cn || cn.target === undefined) break;
      if (cn.flags & F_CONFIG || qtype === T_CNAME) ans = true;
      logLine(ctx, "config", name, "<CNAME>");
      const at = r.add(T_CNAME, crecTtl(cn, cfg, now), wireName(cn.target), owner);
      if (at !== undefined) owner = at;
      if (qtype === T_CNAME) break;
      name = cn.target;
    }
  }
  if (qclass === C_IN) {
    if (qtype === T_PTR || qtype === T_ANY) {
      const arpa = inArpaName2Addr(name);
      const found = arpa ? cache.findByAddr(arpa.addr, arpa.prot, now) : [];
      if (arpa && found.length) {
        for (const c of found) {
          if (qtype === T_ANY && !(c.flags & (F_HOSTS | F_DHCP))) continue;
          ans = true;
          if (!(c.flags & (F_HOSTS | F_DHCP))) auth = false;
          logLine(ctx, c.flags & F_DHCP ? "DHCP" : c.source, addrText(arpa.addr), c.name);
          r.add(T_PTR, crecTtl(c, cfg, now), wireName(c.name), owner);
        }
      } else if (arpa && cfg.bogusPriv && privateNet(arpa.addr, arpa.prot) && !lookupDomain(cfg, name, F_DOMAINSRV)) {
        ans = true;
        nxdomain = true;
        logLine(ctx, "config", addrText(arpa.addr), "NXDOMAIN");
      }
    }
    for (const flag of [F_IPV4, F_IPV6]) {
      const type = flag === F_IPV4 ? T_A : T_AAAA;
      if (qtype !== type && qtype !== T_ANY) continue;
      for (const c of cache.findByName(name, flag, now)) {
        if (qtype === T_ANY && !(c.flags & (F_HOSTS | F_DHCP | F_CONFIG))) break;
        if (!(c.flags & (F_HOSTS | F_DHCP))) auth = false;
        ans = true;
        logLine(ctx, c.flags & F_DHCP ? "DHCP" : c.source, name, addrText(c.addr));
        r.add(type, crecTtl(c, cfg, now), c.addr, owner);
      }
    }
  }
  if (!ans) return undefined;
  const hb3 = (q[2]! & ~0x06) | 0x80 | (auth ? 0x04 : 0);
  const hb4 = (q[3]! & 0x50) | 0x80 | (nxdomain ? 3 : 0);
  let out = r.build(hb3, hb4);
  if (havePh) out = addPseudoheader(out, cfg.ednsPktsz, doBit, EDE_UNSET);
  return out;
}

/** forward.c: extract_request()'s gotname */
function gotnameOf(q: Uint8Array, qu: Question, qd: number, opcode: number): number {
  const an = (q[6]! << 8) | q[7]!;
  const ns = (q[8]! << 8) | q[9]!;
  if (qd !== 1 || opcode !== 0 || an !== 0 || ns !== 0) return 0;
  if (qu.qclass === C_IN) {
    if (qu.qtype === T_A) return F_IPV4;
    if (qu.qtype === T_AAAA) return F_IPV6;
    if (qu.qtype === T_ANY) return F_IPV4 | F_IPV6;
  }
  return F_QUERY;
}

/** forward.c: forward_query() with nowhere to forward to: a configured local answer, or
 * REFUSED */
function forwardQuery(q: Uint8Array, qu: Question, qd: number, opcode: number, limit: number, ctx: AnswerContext, havePh: boolean, doBit: boolean): Uint8Array | undefined {
  const { cfg, cache, now } = ctx;
  const gotname = gotnameOf(q, qu, qd, opcode);
  const name = gotname ? qu.name : "";
  let flags = 0;
  let ede = EDE_UNSET;
  const found = lookupDomain(cfg, name, gotname);
  let matched: ServerEntry[] = [];
  if (found) {
    matched = found.matched;
    flags = isLocalAnswer(found.matched, found.group, name, cache, now);
  } else ede = EDE_NOT_READY;
  if (!flags && cfg.domainNeeded && gotname & (F_IPV4 | F_IPV6) && !name.includes(".") && name.length !== 0) {
    flags = cache.exists(name, now) ? F_NOERR : F_NXDOMAIN;
  }
  // an upstream server would be asked here; none is reachable from this port: REFUSED
  if (!flags && ede !== EDE_NOT_READY) ede = EDE_NOT_READY;
  let out = makeLocalAnswer(flags, gotname, q, qu, matched, limit, cfg, ctx, name, ede);
  if (havePh) out = addPseudoheader(out, cfg.ednsPktsz, doBit, ede);
  return out;
}

/** domain-match.c: is_local_answer() */
function isLocalAnswer(matched: ServerEntry[], group: ServerEntry[], name: string, cache: DnsCache, now: number): number {
  const f = matched[0]!.flags;
  if (!(f & SERV_LITERAL_ADDRESS)) return 0;
  if (f & SERV_4ADDR) return F_IPV4;
  if (f & SERV_6ADDR) return F_IPV6;
  if (f & SERV_ALL_ZEROS) return F_IPV4 | F_IPV6;
  // the domain's first entry: does it give an answer of another type?
  const first = group.find((e) => !!(e.flags & SERV_WILDCARD) === !!(f & SERV_WILDCARD))!;
  return first.flags & SERV_LOCAL_ADDRESS || cache.exists(name, now) ? F_NOERR : F_NXDOMAIN;
}

/** domain-match.c: make_local_answer() + rfc1035.c: setup_reply() */
function makeLocalAnswer(
  flags: number, gotname: number, q: Uint8Array, qu: Question, matched: ServerEntry[], limit: number, cfg: DnsConfig,
  ctx: AnswerContext, name: string, ede: number,
): Uint8Array {
  const r = new Reply(q, qu.end, limit);
  let hb3 = (q[2]! & ~0x06) | 0x80;
  let hb4 = (q[3]! & 0x50) | 0x80;
  if (flags & (F_NXDOMAIN | F_NOERR)) {
    const f = flags | gotname;
    logLine(ctx, "config", name, f & F_NXDOMAIN ? "NXDOMAIN" : f & F_IPV4 ? "NODATA-IPv4" : f & F_IPV6 ? "NODATA-IPv6" : "NODATA");
  }
  if (flags === F_NOERR) hb4 |= 0;
  else if (flags === F_NXDOMAIN) hb4 |= 3;
  else if (flags & (F_IPV4 | F_IPV6)) hb3 |= 0x04;
  else {
    hb4 |= 5;
    logLine(ctx, "config", "error", `REFUSED${ede === EDE_NOT_READY ? " (EDE: not ready)" : ""}`);
  }
  if (flags & gotname & F_IPV4) {
    for (const s of matched) {
      const a = s.flags & SERV_ALL_ZEROS ? new Uint8Array(4) : s.addr!;
      r.add(T_A, cfg.localTtl, a);
      logLine(ctx, "config", name, addrText(a));
    }
  }
  if (flags & gotname & F_IPV6) {
    for (const s of matched) {
      const a = s.flags & SERV_ALL_ZEROS ? new Uint8Array(16) : s.addr!;
      r.add(T_AAAA, cfg.localTtl, a);
      logLine(ctx, "config", name, addrText(a));
    }
  }
  return r.build(hb3, hb4);
}

/** network.c: check_servers()'s log of the local domains */
export function serverLogLines(cfg: DnsConfig): string[] {
  const out: string[] = [];
  let count = 0;
  let locals = 0;
  for (const s of cfg.servers) {
    if (++count > 30) continue;
    if (s.domain !== "" || s.flags & SERV_FOR_NODOTS) {
      const what = s.flags & SERV_FOR_NODOTS ? "unqualified names" : `domain ${s.flags & SERV_WILDCARD ? "*" : ""}${s.domain}`;
      out.push(`using nameserver ${s.server} for ${what} `);
    } else out.push(`using nameserver ${s.server}`);
  }
  count = 0;
  for (const s of cfg.localDomains) {
    if (++count > 30) continue;
    if (s.flags & SERV_LITERAL_ADDRESS && !(s.flags & SERV_LOCAL_ADDRESS) && s.domain.length) {
      count--;
      if (++locals <= 8) out.push(`using only locally-known addresses for ${s.domain}`);
    } else if (s.flags & SERV_USE_RESOLV) out.push(`using standard nameservers for ${s.domain}`);
  }
  if (locals > 8) out.push(`using ${locals - 8} more local addresses`);
  return out;
}
