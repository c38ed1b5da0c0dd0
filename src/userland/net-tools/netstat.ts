/**
 * net-tools 2.10 netstat.c: the interface table (-i, from /proc/net/dev + SIOCGIF*) and the
 * routing table (-r, lib/inet_gr.c over /proc/net/route). Socket listings, -s and -g are not
 * modelled yet (they print what the real tool prints when the kernel has nothing to show).
 */
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import { nap } from "../lib/unistd.ts";
import { afOptName, aftransKnown, aftransLongNames, aftransOpt, printAflist } from "./lib/af.ts";
import { Resolver } from "./lib/inet.ts";
import { procHexAddr, routeInfo } from "./lib/inet_gr.ts";
import { sprintf } from "../lib/printf.ts";
import { inetNtop6 } from "../lib/utils.ts";
import { parsesnmp, parsesnmp6 } from "./statistics.ts";
import { IfList } from "./lib/interface.ts";
import {
  E_OPTERR, E_USAGE, E_VERSION, features, FLAG_CACHE, FLAG_EXT, FLAG_FIB, FLAG_NUM, FLAG_NUM_HOST, FLAG_NUM_PORT,
  FLAG_NUM_USER, FLAG_SYM, FLAG_VERBOSE, RELEASE, getoptLong, type LongOpt,
} from "./lib/util.ts";

const DFLT_AF = "inet";

/** netstat.c: usage() */
function usage(p: Process, rc: number): never {
  const s =
    "usage: netstat [-vWeenNcCF] [<Af>] -r         netstat {-V|--version|-h|--help}\n" +
    "       netstat [-vWnNcaeol] [<Socket> ...]\n" +
    "       netstat { [-vWeenNac] -i | [-cnNe] -M | -s [-6tuw] }\n\n" +
    "        -r, --route              display routing table\n" +
    "        -i, --interfaces         display interface table\n" +
    "        -g, --groups             display multicast group memberships\n" +
    "        -s, --statistics         display networking statistics (like SNMP)\n" +
    "        -M, --masquerade         display masqueraded connections\n\n" +
    "        -v, --verbose            be verbose\n" +
    "        -W, --wide               don't truncate IP addresses\n" +
    "        -n, --numeric            don't resolve names\n" +
    "        --numeric-hosts          don't resolve host names\n" +
    "        --numeric-ports          don't resolve port names\n" +
    "        --numeric-users          don't resolve user names\n" +
    "        -N, --symbolic           resolve hardware names\n" +
    "        -e, --extend             display other/more information\n" +
    "        -p, --programs           display PID/Program name for sockets\n" +
    "        -o, --timers             display timers\n" +
    "        -c, --continuous         continuous listing\n\n" +
    "        -l, --listening          display listening server sockets\n" +
    "        -a, --all                display all sockets (default: connected)\n" +
    "        -F, --fib                display Forwarding Information Base (default)\n" +
    "        -C, --cache              display routing cache instead of FIB\n" +
    "        -Z, --context            display SELinux security context for sockets\n" +
    "\n  <Socket>={-t|--tcp} {-u|--udp} {-U|--udplite} {-S|--sctp} {-w|--raw}\n" +
    "           {-x|--unix} --ax25 --ipx --netrom\n" +
    `  <AF>=Use '-6|-4' or '-A <af>' or '--<af>'; default: ${DFLT_AF}\n` +
    "  List of possible address families (which support routing):\n";
  if (rc) p.stderr.write(s);
  else p.stdout.write(s);
  printAflist(p, 1);
  throw new Exit(rc);
}

/** netstat.c: iface_info() */
function ifaceInfo(p: Process, flagExp: number, flagAll: number, first: boolean): number {
  const ifl = new IfList(p, p.sys);
  // (the title comes with the socket iface_info() opens once; -c keeps it open)
  if (first) p.stdout.write("Kernel Interface table\n");
  if (flagExp < 2) {
    ifl.short = true;
    p.stdout.write("Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n");
  }
  if (ifl.forAll((ife) => ifl.doPrint(ife, flagAll > 0)) < 0) {
    p.stderr.write("missing interface information");
    throw new Exit(1);
  }
  return 0;
}

/** lib/masq_info.c: ip_masq_info(): the kernel has had no /proc/net/ip_masquerade since 2.4 */
async function ipMasqInfo(p: Process): Promise<number> {
  const path = "/proc/net/ip_masquerade";
  if ((await p.readFile(path)) !== undefined) return 0;
  const why = (p.readError ? await p.readError(path) : undefined) ?? "No such file or directory";
  if (why !== "No such file or directory") {
    p.stderr.write(`${path}: ${why}\n`);
    return -1;
  }
  /* ESYSNOT("netstat", "ip_masquerade") */
  p.stderr.write("netstat: no support for `ip_masquerade' on this system.\n");
  return 1;
}

async function netstatMain(p: Process): Promise<number> {
  let afname = "";
  const f = { all: 0, lst: 0, cnt: 0, exp: 1, int: 0, rou: 0, sta: 0, mas: 0, not: 0, cf: 0, ver: 0, tcp: 0, udp: 0, udplite: 0, raw: 0, unx: 0, sctp: 0, igmp: 0, prg: 0 };
  const longopts: LongOpt[] = [
    ...aftransLongNames.map((name) => ({ name, hasArg: 0 as const, val: `\u0001${name}` })),
    { name: "version", hasArg: 0, val: "V" }, { name: "interfaces", hasArg: 0, val: "i" },
    { name: "help", hasArg: 0, val: "h" }, { name: "route", hasArg: 0, val: "r" },
    { name: "masquerade", hasArg: 0, val: "M" }, { name: "protocol", hasArg: 1, val: "A" },
    { name: "tcp", hasArg: 0, val: "t" }, { name: "sctp", hasArg: 0, val: "S" }, { name: "udp", hasArg: 0, val: "u" },
    { name: "udplite", hasArg: 0, val: "U" }, { name: "raw", hasArg: 0, val: "w" }, { name: "unix", hasArg: 0, val: "x" },
    { name: "l2cap", hasArg: 0, val: "2" }, { name: "rfcomm", hasArg: 0, val: "f" },
    { name: "listening", hasArg: 0, val: "l" }, { name: "all", hasArg: 0, val: "a" },
    { name: "timers", hasArg: 0, val: "o" }, { name: "continuous", hasArg: 0, val: "c" },
    { name: "extend", hasArg: 0, val: "e" }, { name: "programs", hasArg: 0, val: "p" },
    { name: "verbose", hasArg: 0, val: "v" }, { name: "statistics", hasArg: 0, val: "s" },
    { name: "wide", hasArg: 0, val: "W" }, { name: "numeric", hasArg: 0, val: "n" },
    { name: "numeric-hosts", hasArg: 0, val: "!" }, { name: "numeric-ports", hasArg: 0, val: "@" },
    { name: "numeric-users", hasArg: 0, val: "#" }, { name: "symbolic", hasArg: 0, val: "N" },
    { name: "cache", hasArg: 0, val: "C" }, { name: "fib", hasArg: 0, val: "F" },
    { name: "groups", hasArg: 0, val: "g" }, { name: "context", hasArg: 0, val: "Z" },
  ];
  const { opts } = getoptLong(p, p.argv, "A:CFMacdeghilnNoprsStuUvVWw2fx64?Z", longopts, {
    stopAtError: true,
    stopAt: "hVZ",
    // an unknown family (-A, --<af>) exits as getopt_long() returns it
    stopIf: (c, arg) => { const n = afOptName(c, arg); return n !== undefined && !aftransKnown(n); },
  });
  const af = (name: string): void => {
    const r = aftransOpt(p, afname, name);
    if (r === undefined) throw new Exit(1);
    afname = r;
  };
  for (const [c, optarg] of opts) {
    if (c.startsWith("\u0001")) {
      af(c.slice(1));
      continue;
    }
    switch (c) {
      case "A":
        af(optarg ?? "");
        break;
      case "M":
        f.mas++;
        break;
      case "a":
        f.all++;
        break;
      case "l":
        f.lst++;
        break;
      case "c":
        f.cnt++;
        break;
      case "e":
        f.exp++;
        break;
      case "i":
        f.int++;
        break;
      case "n":
        f.not |= FLAG_NUM;
        break;
      case "!":
        f.not |= FLAG_NUM_HOST;
        break;
      case "@":
        f.not |= FLAG_NUM_PORT;
        break;
      case "#":
        f.not |= FLAG_NUM_USER;
        break;
      case "N":
        f.not |= FLAG_SYM;
        break;
      case "C":
        f.cf |= FLAG_CACHE;
        break;
      case "F":
        f.cf |= FLAG_FIB;
        break;
      case "6":
        af("inet6");
        break;
      case "4":
        af("inet");
        break;
      case "V":
        // netstat.c: version(): the release, its authors, the features
        p.stdout.write(`${RELEASE}\nFred Baumgarten, Alan Cox, Bernd Eckenfels, Phil Blundell, Tuan Hoang, Brian Micek and others\n${features("netstat")}\n`);
        return E_VERSION;
      case "v":
        f.ver |= FLAG_VERBOSE;
        break;
      case "r":
        f.rou++;
        break;
      case "t":
        f.tcp++;
        break;
      case "S":
        f.sctp++;
        break;
      case "u":
        f.udp++;
        break;
      case "U":
        f.udplite++;
        break;
      case "w":
        f.raw++;
        break;
      case "x":
        af("unix");
        break;
      case "Z":
        p.stderr.write("SELinux is not enabled on this machine.\n");
        return 1;
      case "?":
        usage(p, E_OPTERR);
        break;
      case "h":
        usage(p, E_USAGE);
        break;
      case "s":
        f.sta++;
        break;
      case "g":
        f.igmp++;
        break;
      case "p":
        f.prg++;
        break;
      default:
        break;
    }
  }
  // lib/af.c: aftrans_opt() counts each family it adds (flag_inet, flag_inet6, flag_unx)
  const fams = afname ? afname.split(",") : [];
  let inet = fams.filter((a) => a === "inet").length;
  let inet6 = fams.filter((a) => a === "inet6").length;
  f.unx = fams.filter((a) => a === "unix").length;
  if (f.int + f.rou + f.mas + f.sta > 1) usage(p, E_OPTERR);
  /* each listing once, or with -c every second until killed (wait_continous()); a listing
   * that fails ends it */
  const rounds = async (list: (first: boolean) => Promise<number> | number): Promise<number> => {
    for (let first = true; ; first = false) {
      const i = await list(first);
      if (i || !f.cnt || p.signal.aborted) return i;
      await nap(p, 1_000_000);
      if (p.signal.aborted) return i;
    }
  };
  // a family without a protocol means all of its protocols; a protocol without a family, both
  let noprot = false;
  if ((inet || inet6 || f.sta) && !(f.tcp || f.sctp || f.udp || f.udplite || f.raw)) {
    noprot = true;
    f.tcp = f.sctp = f.udp = f.udplite = f.raw = 1;
  }
  if ((f.tcp || f.sctp || f.udp || f.udplite || f.raw || f.igmp) && !(inet || inet6)) inet = inet6 = 1;
  if (f.mas) return rounds(() => ipMasqInfo(p));
  if (f.rou) {
    if (!afname) afname = DFLT_AF;
    if (f.exp === 2) f.exp = 1;
    else if (f.exp === 1) f.exp = 2;
    let options = (f.exp & FLAG_EXT) | f.not | f.cf | f.ver;
    if (!f.cf) options |= FLAG_FIB;
    const res = await Resolver.load(p);
    return rounds(() => routeInfo(p, res, afname, options));
  }
  if (f.int) return rounds((first) => ifaceInfo(p, f.exp, f.all, first));
  if (f.sta) {
    if (!afname) afname = DFLT_AF;
    if (afname === "inet") parsesnmp(p, f.raw > 0, f.tcp > 0, f.udp > 0, f.sctp > 0);
    else if (afname === "inet6") parsesnmp6(p, f.raw > 0, f.tcp > 0, f.udp > 0);
    else {
      p.stdout.write(`netstat: No statistics support for specified address family: ${afname}\n`);
      return 1;
    }
    return 0;
  }
  const flagArg = f.tcp + f.sctp + f.udplite + f.udp + f.raw + f.unx + f.igmp + fams.filter((a) => OTHER_FAMILIES.some(([o]) => o === a)).length;
  // INFO_GUTS6(): the IPv4 file with flag_inet, the IPv6 one with flag_inet6
  const v4 = !flagArg || inet > 0;
  const v6 = !flagArg || inet6 > 0;
  const res = await Resolver.load(p);
  const services = await loadServices(p);
  return rounds(async () => {
    const mode = f.all ? "(servers and established)" : f.lst ? "(only servers)" : "(w/o servers)";
    let out = "";
    if (!flagArg || f.tcp || f.sctp || f.udp || f.udplite || f.raw) {
      out += `Active Internet connections ${mode}`;
      out += "\nProto Recv-Q Send-Q Local Address           Foreign Address         State      ";
      if (f.exp > 1) out += " User       Inode     ";
      /* print_progname_banner() */
      if (f.prg) out += sprintf(" %-20s", "PID/Program name");
      out += "\n";
      const prgs = f.prg ? prgCacheLoad(p) : undefined;
      const sockets = { res, services, numHost: (f.not & FLAG_NUM_HOST) !== 0, numPort: (f.not & FLAG_NUM_PORT) !== 0, all: f.all, lst: f.lst, exp: f.exp, prgs };
      if (v4 && (!flagArg || f.tcp)) out += inetRows(p, "/proc/net/tcp", "tcp", sockets);
      if (v6 && (!flagArg || f.tcp)) out += inet6Rows(p, "/proc/net/tcp6", "tcp6", sockets);
      // sctp_info(): no SCTP in the kernel, so no /proc/net/sctp/eps: INFO_GUTS1 reports it when
      // SCTP was asked for (by -S, or -v), not when a family chose every protocol (flag_noprot)
      if (v4 && (!flagArg || f.sctp) && !noprot && (flagArg || f.ver)) {
        p.stderr.write("netstat: no support for `AF INET (sctp)' on this system.\n");
        if (flagArg) {
          p.stdout.write(out);
          return 1;
        }
      }
      if (v4 && (!flagArg || f.udp)) out += inetRows(p, "/proc/net/udp", "udp", sockets);
      if (v6 && (!flagArg || f.udp)) out += inet6Rows(p, "/proc/net/udp6", "udp6", sockets);
      // (udplite_info(): /proc/net/udplite is there and empty: no UDP-Lite sockets)
      if (v4 && (!flagArg || f.raw)) out += inetRows(p, "/proc/net/raw", "raw", sockets);
    }
    if (f.igmp) {
      out += "IPv6/IPv4 Group Memberships\n";
      out += "Interface       RefCnt Group\n";
      out += "--------------- ------ ---------------------\n";
      out += await igmpInfo(p, res, (f.not & FLAG_NUM_HOST) !== 0, v4, v6);
    }
    if (!flagArg || f.unx) {
      out += `Active UNIX domain sockets ${mode}\n`;
      out += "Proto RefCnt Flags       Type       State         I-Node   Path\n";
    }
    // ipx_info(), ax25_info(), x25_info(), netrom_info(), rose_info(): none of these families
    // is in the kernel, so each has no /proc/net file; said when asked for (or -v)
    for (const [fam, label] of OTHER_FAMILIES) {
      const asked = fams.includes(fam);
      if (flagArg && !asked) continue;
      if (flagArg || f.ver) p.stderr.write(`netstat: no support for \`${label}' on this system.\n`);
      if (flagArg) break;
    }
    p.stdout.write(out);
    return flagArg && OTHER_FAMILIES.some(([fam]) => fams.includes(fam)) ? 1 : 0;
  });
}

/** the families netstat.c lists after UNIX (flag_ipx, flag_ax25, flag_x25, flag_netrom,
 * flag_rose), in its order, with the names ESYSNOT gives them */
const OTHER_FAMILIES: [string, string][] = [["ipx", "AF IPX"], ["ax25", "AF AX25"], ["x25", "AF X25"], ["netrom", "AF NETROM"], ["rose", "AF ROSE"]];

const TCP_STATES = ["", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"];

interface SockOpts {
  res: Resolver;
  services: Map<string, string>;
  numHost: boolean;
  numPort: boolean;
  all: number;
  lst: number;
  exp: number;
  /** prg_cache: socket inode -> "PID/name" (-p) */
  prgs: Map<string, string> | undefined;
}

/** netstat.c: PROGNAME_WIDTH, the size of "PID/name" with its NUL */
const PROGNAME_WIDTH = 20;

/** netstat.c: extract_type_1_socket_inode() ("socket:[12345]") and _type_2_ ("[0000]:12345") */
function socketInode(lname: string): string | undefined {
  let digits: string | undefined;
  if (lname.length >= "socket:[".length + 3 && lname.startsWith("socket:[") && lname.endsWith("]")) digits = lname.slice(8, -1);
  else if (lname.length >= "[0000]:".length + 1 && lname.startsWith("[0000]:")) digits = lname.slice(7);
  if (digits === undefined) return undefined;
  /* strtoul(s, &end, 0): the whole string must be a number, in any base C accepts */
  const m = /^\s*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(digits);
  if (!m) return undefined;
  const v = m[1]!.length > 1 && m[1]![0] === "0" ? (/^0[xX]/.test(m[1]!) ? parseInt(m[1]!.slice(2), 16) : parseInt(m[1]!, 8)) : Number(m[1]);
  return String(v);
}

/**
 * netstat.c: prg_cache_load(): every /proc/PID/fd/N that links to a socket, by inode, to
 * "PID/name" — name being argv[0] of /proc/PID/cmdline (its basename when it is a path); the
 * first process found keeps an inode
 */
function prgCacheLoad(p: Process): Map<string, string> {
  const cache = new Map<string, string>();
  const fs = p.sys.fs;
  const pids = fs.readdir("/proc");
  if (!Array.isArray(pids)) return cache;
  for (const pid of pids) {
    if (!/^\d*$/.test(pid)) continue;
    const fds = fs.readdir(`/proc/${pid}/fd`);
    if (!Array.isArray(fds)) continue;
    let cmdlp: string | undefined;
    for (const fd of fds) {
      if (!/^\d/.test(fd)) continue;
      const lname = fs.readlink?.(`/proc/${pid}/fd/${fd}`);
      if (typeof lname !== "string") continue;
      /* readlink() into lname[30] */
      const inode = socketInode(lname.slice(0, 29));
      if (inode === undefined) continue;
      if (cmdlp === undefined) {
        const cmd = fs.read(`/proc/${pid}/cmdline`);
        if (typeof cmd !== "string") continue;
        /* cmdlbuf[512]: argv[0], as a C string */
        const argv0 = cmd.slice(0, 511).split("\0")[0]!;
        cmdlp = argv0.startsWith("/") ? argv0.slice(argv0.lastIndexOf("/") + 1) : argv0;
      }
      /* snprintf(finbuf[PROGNAME_WIDTH], "%s/%s") */
      if (!cache.has(inode)) cache.set(inode, `${pid}/${cmdlp}`.slice(0, PROGNAME_WIDTH - 1));
    }
  }
  return cache;
}

/** /etc/services: "port/proto" -> name */
async function loadServices(p: Process): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  const text = (await p.readFile("/etc/services")) ?? "";
  for (const line of text.split("\n")) {
    const f = line.replace(/#.*$/, "").trim().split(/\s+/);
    if (f.length < 2 || !/^\d+\/\w+$/.test(f[1]!)) continue;
    if (!m.has(f[1]!)) m.set(f[1]!, f[0]!);
  }
  return m;
}

/** netstat.c: addr_do_one(): "address:port" of either family (`saddr` already printed), cut
 * to 22 characters at the address's end; the port's service name looked up for `proto` */
function addrDoOne(o: SockOpts, saddr: string, port: number, proto: string): string {
  const sport = port === 0 ? "*" : o.numPort ? String(port) : o.services.get(`${port}/${proto}`) ?? String(port);
  let addrLen = saddr.length;
  let portLen = sport.length;
  if (addrLen + portLen > 22) {
    portLen = Math.min(portLen, 22 - 4);
    addrLen = 22 - portLen;
    return `${saddr.slice(0, addrLen)}:${sport.slice(0, portLen)}`;
  }
  return `${saddr}:${sport}`;
}

/** netstat.c: tcp_do_one() / udp_do_one() / raw_do_one() for the IPv4 lines of a /proc/net table */
function inetRows(p: Process, path: string, prot: string, o: SockOpts): string {
  const text = p.sys.fs.read(path);
  if (typeof text !== "string") return "";
  let out = "";
  for (const line of text.split("\n").slice(1)) {
    const m = /^\s*\d+:\s+([0-9A-Fa-f]{8}):([0-9A-Fa-f]+)\s+([0-9A-Fa-f]{8}):([0-9A-Fa-f]+)\s+([0-9A-Fa-f]+)\s+([0-9A-Fa-f]+):([0-9A-Fa-f]+)\s+\S+\s+\S+\s+(\d+)\s+\d+\s+(\d+)/.exec(line);
    if (!m) continue;
    const local = procHexAddr(m[1]!);
    const lport = parseInt(m[2]!, 16);
    const rem = procHexAddr(m[3]!);
    const rport = parseInt(m[4]!, 16);
    const state = parseInt(m[5]!, 16);
    const txq = parseInt(m[6]!, 16);
    const rxq = parseInt(m[7]!, 16);
    const uid = m[8]!;
    const inode = m[9]!;
    let st: string;
    if (prot === "tcp") {
      if (!o.all && ((o.lst && rport) || (!o.lst && !rport))) continue;
      st = TCP_STATES[state] ?? "UNKNOWN";
    } else {
      const notnull = rem !== 0 || rport !== 0;
      if (!(o.all || (notnull && !o.lst) || (!notnull && o.lst))) continue;
      st = prot === "udp" ? (state === 1 ? "ESTABLISHED" : "") : String(state);
    }
    const l = addrDoOne(o, o.res.inetSprint(local, o.numHost ? 4 : 0), lport, prot);
    const r = addrDoOne(o, o.res.inetSprint(rem, o.numHost ? 4 : 0), rport, prot);
    out += sprintf("%-4s  %6ld %6ld %-*s %-*s %-11s", prot, rxq, txq, Math.max(23, l.length), l, Math.max(23, r.length), r, st);
    if (o.exp > 1) out += sprintf(" %-10s %-10s", uid, inode);
    /* finish_this_one(): prg_cache_get() */
    if (o.prgs) out += sprintf(" %-20s", o.prgs.get(String(Number(inode))) ?? "-");
    out += "\n";
  }
  return out;
}

/** lib/inet6.c: INET6_sprint() of a /proc/net/*6 address (32 hex digits, each 32-bit word
 * as the machine wrote it): the number with -n, else "[::]" for the unspecified address and
 * the number for the others (no IPv6 names are looked up) */
function inet6Sprint(hex: string, numeric: boolean): string {
  const a = new Uint8Array(16);
  for (let w = 0; w < 4; w++) for (let i = 0; i < 4; i++) a[w * 4 + 3 - i] = parseInt(hex.slice(w * 8 + i * 2, w * 8 + i * 2 + 2), 16);
  if (!numeric && a.every((x) => x === 0)) return "[::]";
  return inetNtop6(a);
}

/** netstat.c: tcp_do_one() / udp_do_one() for the lines of /proc/net/tcp6 and /proc/net/udp6 */
function inet6Rows(p: Process, path: string, prot: string, o: SockOpts): string {
  const text = p.sys.fs.read(path);
  if (typeof text !== "string") return "";
  let out = "";
  for (const line of text.split("\n").slice(1)) {
    const m = /^\s*\d+:\s+([0-9A-Fa-f]{32}):([0-9A-Fa-f]+)\s+([0-9A-Fa-f]{32}):([0-9A-Fa-f]+)\s+([0-9A-Fa-f]+)\s+([0-9A-Fa-f]+):([0-9A-Fa-f]+)\s+\S+\s+\S+\s+(\d+)\s+\d+\s+(\d+)/.exec(line);
    if (!m) continue;
    const lport = parseInt(m[2]!, 16);
    const rport = parseInt(m[4]!, 16);
    const state = parseInt(m[5]!, 16);
    let st: string;
    if (prot === "tcp6") {
      /* tcp_do_one() */
      if (!o.all && ((o.lst && rport) || (!o.lst && !rport))) continue;
      st = TCP_STATES[state] ?? "UNKNOWN";
    } else {
      const notnull = !/^0+$/.test(m[3]!) || rport !== 0;
      if (!(o.all || (notnull && !o.lst) || (!notnull && o.lst))) continue;
      st = state === 1 ? "ESTABLISHED" : "";
    }
    // (tcp_do_one() and udp_do_one() name the port by "tcp"/"udp" for either family)
    const l = addrDoOne(o, inet6Sprint(m[1]!, o.numHost), lport, prot.replace(/6$/, ""));
    const r = addrDoOne(o, inet6Sprint(m[3]!, o.numHost), rport, prot.replace(/6$/, ""));
    out += sprintf("%-4s  %6ld %6ld %-*s %-*s %-11s", prot, parseInt(m[7]!, 16), parseInt(m[6]!, 16), Math.max(23, l.length), l, Math.max(23, r.length), r, st);
    if (o.exp > 1) out += sprintf(" %-10s %-10s", m[8]!, m[9]!);
    if (o.prgs) out += sprintf(" %-20s", o.prgs.get(String(Number(m[9]!))) ?? "-");
    out += "\n";
  }
  return out;
}

/** netstat.c: igmp_info() — INFO_GUTS6(/proc/net/igmp, /proc/net/igmp6, igmp_do_one) */
async function igmpInfo(p: Process, res: Resolver, numHost: boolean, inet: boolean, inet6: boolean): Promise<string> {
  let out = "";
  const v4 = inet ? p.sys.fs.read("/proc/net/igmp") : undefined;
  if (typeof v4 === "string") {
    let idxFlag = false;
    let device = "";
    for (const [lnr, line] of v4.split("\n").entries()) {
      if (line === "") continue;
      if (lnr === 0) {
        idxFlag = line.startsWith("Idx");
        continue;
      }
      if (line[0] !== "\t") {
        /* sscanf("%d\t%15c"): the device column, cut at the last ':' */
        const m = idxFlag ? /^\s*-?\d+\t(.{0,15})/.exec(line) : /^(.{0,15})/.exec(line);
        if (!m) {
          p.stderr.write(`warning, got bogus igmp line ${lnr}.\n`);
          continue;
        }
        device = m[1]!;
        const c = device.lastIndexOf(":");
        if (c >= 0) device = device.slice(0, c);
        continue;
      }
      const m = /^\s+([0-9A-Fa-f]{1,8})\s+(-?\d+)/.exec(line); /* "\t%8[0-9A-Fa-f] %d": \t skips any white space */
      if (!m) {
        p.stderr.write(`warning, got bogus igmp line ${lnr}.\n`);
        continue;
      }
      const addr = procHexAddr(m[1]!);
      // INET_sprint() → INET_rresolve(): a PTR query unless numeric or cached
      await res.prefetchRresolve(p, addr, numHost ? 4 : 0, 0xffffff00);
      out += sprintf("%-15s %-6d %s\n", device, Number(m[2]), res.inetSprint(addr, numHost ? 4 : 0));
    }
  }
  const v6 = inet6 ? p.sys.fs.read("/proc/net/igmp6") : undefined;
  if (typeof v6 === "string") {
    for (const [lnr, line] of v6.split("\n").entries()) {
      if (line === "") continue;
      const m = /^\s*(-?\d+)\s+(\S{1,15})\s+([0-9A-Fa-f]{1,64})\s+(-?\d+)/.exec(line);
      if (!m) {
        p.stderr.write(`warning, got bogus igmp6 line ${lnr}.\n`);
        continue;
      }
      const a = new Uint8Array(16);
      for (let i = 0; i < 16; i++) a[i] = parseInt(m[3]!.slice(2 * i, 2 * i + 2) || "0", 16);
      // INET6_sprint() → INET6_rresolve(): getnameinfo() asks DNS (no cache) unless numeric
      const name = numHost ? undefined : await res.gethostbyaddr6(p, a);
      out += sprintf("%-15s %-6d %s\n", m[2]!, Number(m[4]), name ?? inetNtop6(a));
    }
  }
  return out;
}

/** the `netstat` command */
export async function netstat(p: Process): Promise<number> {
  try {
    return (await netstatMain(p)) & 0xff;
  } catch (e) {
    if (e instanceof Exit) return e.code & 0xff;
    throw e;
  }
}
