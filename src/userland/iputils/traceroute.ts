/**
 * traceroute — "Modern traceroute for Linux" 2.1.2 by Dmitry Butskoy (Debian's `traceroute`
 * package): traceroute/traceroute.c (options, the do_it() probe loop, printing), poll.c,
 * mod-udp.c (the default method and -U), mod-icmp.c (-I), and libsupp/clif.c (its option
 * parser, whose messages it prints), for IPv4 and IPv6 (traceroute -6, traceroute6: numeric IPv6
 * addresses; names resolve to IPv4 only, and IPv6 addresses are printed without a name).
 *
 * do_it() is a poll() loop in C; here the loop body runs in simulator context on a timer and on
 * the probe sockets' readiness callbacks, while the process waits on one Block.
 */
import { writeU32 } from "../../wire/addr.ts";
import { strtoNum } from "../lib/utils.ts";
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import type { Socket, SockAddr, SockAddrIn, SockAddrIn6, SockExtendedErr, RecvMsg } from "../../kernel/uapi/socket.ts";
import {
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IP_PMTUDISC_DONT,
  IP_PMTUDISC_DO,
  IP_PMTUDISC_PROBE,
  SO_EE_ORIGIN_ICMP,
  SO_EE_ORIGIN_ICMP6,
  SO_EE_ORIGIN_LOCAL,
} from "../../kernel/uapi/socket.ts";
import { AF_INET, AF_INET6 } from "../../kernel/uapi/rtnetlink.ts";
import { isKErr, errnoNumbers, type Errno } from "../../kernel/uapi/errno.ts";
import { inetNtop6, inetPton6 } from "../lib/utils.ts";
import { getaddrinfo, inCksum, ntoa, procTimer, strerr, strtod, EAI_ADDRFAMILY, NameCache, WallClock, type ProcTimer } from "./common.ts";

const MAX_HOPS = 255;
const MAX_PROBES = 10;
const MAX_GATEWAYS_4 = 8;
const MAX_GATEWAYS_6 = 127;
const IPV6_RTHDR_TYPE_0 = 0;
const DEF_HOPS = 30;
const DEF_SIM_PROBES = 16;
const DEF_NUM_PROBES = 3;
const DEF_WAIT_SECS = 5.0;
const DEF_HERE_FACTOR = 3;
const DEF_NEAR_FACTOR = 10;
const DEF_WAIT_PREC_US = 1000; /* +1 ms to avoid precision issues */
const DEF_DATA_LEN = 40;
const MAX_PACKET_LEN = 65000;
const DEF_START_PORT = 33434;
const DEF_UDP_PORT = 53;
const DEF_TCP_PORT = 80;

const ICMP_ECHOREPLY = 0;
const ICMP_DEST_UNREACH = 3;
const ICMP_SOURCE_QUENCH = 4;
const ICMP_REDIRECT = 5;
const ICMP_ECHO = 8;
const ICMP_TIME_EXCEEDED = 11;
const ICMP6_DST_UNREACH = 1;
const ICMP6_PACKET_TOO_BIG = 2;
const ICMP6_TIME_EXCEEDED = 3;
const ICMP6_ECHO_REQUEST = 128;
const ICMP6_ECHO_REPLY = 129;

const ttl2hops = (x: number): number => (x <= 64 ? 65 : x <= 128 ? 129 : 256) - x;

const VERSION_STRING = "Modern traceroute for Linux, version 2.1.2\nCopyright (c) 2016  Dmitry Butskoy,   License: GPL v2 or any later";

/** the usage CLIF_current_help() prints for traceroute's option table (after "Usage:\n  PROG") */
const HELP_USAGE_TAIL =
  " [ -46dFITnreAUDV ] [ -f first_ttl ] [ -g gate,... ] [ -i device ] [ -m max_ttl ] [ -N squeries ] [ -p port ] [ -t tos ] [ -l flow_label ] [ -w MAX,HERE,NEAR ] [ -q nqueries ] [ -s src_addr ] [ -z sendwait ] [ --fwmark=num ] host [ packetlen ]\n";
const HELP_OPTIONS = `Options:
  -4                          Use IPv4
  -6                          Use IPv6
  -d  --debug                 Enable socket level debugging
  -F  --dont-fragment         Do not fragment packets
  -f first_ttl  --first=first_ttl
                              Start from the first_ttl hop (instead from 1)
  -g gate,...  --gateway=gate,...
                              Route packets through the specified gateway
                              (maximum 8 for IPv4 and 127 for IPv6)
  -I  --icmp                  Use ICMP ECHO for tracerouting
  -T  --tcp                   Use TCP SYN for tracerouting (default port is 80)
  -i device  --interface=device
                              Specify a network interface to operate with
  -m max_ttl  --max-hops=max_ttl
                              Set the max number of hops (max TTL to be
                              reached). Default is 30
  -N squeries  --sim-queries=squeries
                              Set the number of probes to be tried
                              simultaneously (default is 16)
  -n                          Do not resolve IP addresses to their domain names
  -p port  --port=port        Set the destination port to use. It is either
                              initial udp port value for "default" method
                              (incremented by each probe, default is 33434), or
                              initial seq for "icmp" (incremented as well,
                              default from 1), or some constant destination
                              port for other methods (with default of 80 for
                              "tcp", 53 for "udp", etc.)
  -t tos  --tos=tos           Set the TOS (IPv4 type of service) or TC (IPv6
                              traffic class) value for outgoing packets
  -l flow_label  --flowlabel=flow_label
                              Use specified flow_label for IPv6 packets
  -w MAX,HERE,NEAR  --wait=MAX,HERE,NEAR
                              Wait for a probe no more than HERE (default 3)
                              times longer than a response from the same hop,
                              or no more than NEAR (default 10) times than some
                              next hop, or MAX (default 5.0) seconds (float
                              point values allowed too)
  -q nqueries  --queries=nqueries
                              Set the number of probes per each hop. Default is
                              3
  -r                          Bypass the normal routing and send directly to a
                              host on an attached network
  -s src_addr  --source=src_addr
                              Use source src_addr for outgoing packets
  -z sendwait  --sendwait=sendwait
                              Minimal time interval between probes (default 0).
                              If the value is more than 10, then it specifies a
                              number in milliseconds, else it is a number of
                              seconds (float point values allowed too)
  -e  --extensions            Show ICMP extensions (if present), including MPLS
  -A  --as-path-lookups       Perform AS path lookups in routing registries and
                              print results directly after the corresponding
                              addresses
  -M name  --module=name      Use specified module (either builtin or external)
                              for traceroute operations. Most methods have
                              their shortcuts (\`-I' means \`-M icmp' etc.)
  -O OPTS,...  --options=OPTS,...
                              Use module-specific option OPTS for the
                              traceroute module. Several OPTS allowed,
                              separated by comma. If OPTS is "help", print info
                              about available options
  --sport=num                 Use source port num for outgoing packets. Implies
                              \`-N 1'
  --fwmark=num                Set firewall mark for outgoing packets
  -U  --udp                   Use UDP to particular port for tracerouting
                              (instead of increasing the port per each probe),
                              default port is 53
  -UL                         Use UDPLITE for tracerouting (default dest port
                              is 53)
  -D  --dccp                  Use DCCP Request for tracerouting (default port
                              is 33434)
  -P prot  --protocol=prot    Use raw packet of protocol prot for tracerouting
  --mtu                       Discover MTU along the path being traced. Implies
                              \`-F -N 1'
  --back                      Guess the number of hops in the backward path and
                              print if it differs
  -V  --version               Print version info and exit
  --help                      Read this help and exit

Arguments:
+     host          The host to traceroute to
      packetlen     The full packet length (default is the length of an IP
                    header plus 40). Can be ignored or increased to a minimal
                    allowed value
`;

/** struct probe */
interface Probe {
  done: boolean;
  final: boolean;
  /** the address that answered (undefined = none): IPv4's as a number, IPv6's in its
   * numeric form */
  res: number | string | undefined;
  ext: string | undefined;
  seq: number;
  sk: Socket | undefined;
  /** epoch µs; 0 = not sent */
  sendTime: number;
  recvTime: number;
  recvTtl: number;
  errStr: string;
}

function newProbe(): Probe {
  return { done: false, final: false, res: undefined, ext: undefined, seq: 0, sk: undefined, sendTime: 0, recvTime: 0, recvTtl: 0, errStr: "" };
}

/** thrown by the CLIF parser and by error()/ex_error() to exit with a status */
class TrExit extends Exit {}

interface ClifOption {
  short?: string;
  long?: string;
  argName?: string;
  flags: number;
  fn: (arg: string) => number;
}

const CLIF_EXIT = 1;
const CLIF_ABBREV = 2;
const CLIF_SEVERAL = 4;
const CLIF_ONEDASH = 8;
const CLIF_EXCL = 16;

/** clif.c's strtoul(arg, &q, 0) acceptance */
function clifUint(arg: string): number | undefined {
  const s = arg.trim();
  let m: RegExpExecArray | null;
  let v: number;
  if ((m = /^([+-]?)0[xX]([0-9a-fA-F]+)$/.exec(s))) v = parseInt(m[2]!, 16) * (m[1] === "-" ? -1 : 1);
  else if ((m = /^([+-]?)(0[0-7]*)$/.exec(s))) v = parseInt(m[2]!, 8) * (m[1] === "-" ? -1 : 1);
  else if ((m = /^([+-]?)([1-9]\d*)$/.exec(s))) v = Number(m[2]) * (m[1] === "-" ? -1 : 1);
  else return undefined;
  return v >>> 0;
}

function clifInt(arg: string): number | undefined {
  const s = arg.trim();
  let m: RegExpExecArray | null;
  if ((m = /^([+-]?)0[xX]([0-9a-fA-F]+)$/.exec(s))) return (parseInt(m[2]!, 16) * (m[1] === "-" ? -1 : 1)) | 0;
  if ((m = /^([+-]?)(0[0-7]*)$/.exec(s))) return (parseInt(m[2]!, 8) * (m[1] === "-" ? -1 : 1)) | 0;
  if ((m = /^([+-]?)([1-9]\d*)$/.exec(s))) return (Number(m[2]) * (m[1] === "-" ? -1 : 1)) | 0;
  return undefined;
}

function clifDouble(arg: string): number | undefined {
  const [v, rest] = strtod(arg);
  if (rest === arg || rest !== "") return undefined;
  return v;
}

/** strtoul(arg, &q, 0) as CLIF_set_uint() takes it: any leading number (q != arg), as an
 * unsigned int */
function strtoulPrefix(arg: string): number | undefined {
  const r = strtoNum(arg, 0);
  return r && Number(BigInt.asUintN(32, r.v));
}

/** a module's option (CLIF_option of a tr_module's options, parsed as keywords) */
interface ModOption {
  name: string;
  argName?: string;
  help: string;
  flags: number;
  fn: (arg: string | undefined) => number;
}

/** clif.c: box_output(): a help string from column `left`, cut at spaces to `width` */
function boxOutput(start: number, left: number, width: number, str: string, argName: string | undefined): string {
  let out = left - start > 0 ? " ".repeat(left - start) : "\n" + " ".repeat(left);
  const text = argName === undefined ? str : str.replace(/%([%s])/g, (_m, c: string) => (c === "%" ? "%" : argName));
  let rest = text;
  while (rest.length >= width) {
    const cut = rest.lastIndexOf(" ", width - 1);
    if (cut <= 0) return out;
    out += rest.slice(0, cut) + "\n" + " ".repeat(left);
    rest = rest.slice(cut + 1);
  }
  return out + rest;
}

/** clif.c: CLIF_print_options(NULL, options) of keyword options */
function clifPrintKeywords(options: ModOption[]): string {
  let out = "";
  for (const o of options) {
    const head = `  ${o.name}${o.argName ? `=${o.argName}` : ""}`;
    out += head;
    if (o.help) out += boxOutput(head.length, 30, 50, o.help, o.argName);
    out += "\n";
  }
  const excl = options.filter((o) => o.flags & CLIF_EXCL).map((o) => o.name);
  if (excl.length > 1) out += `Only one of these may be specified:\n    ${excl.join(" | ")}\n`;
  return out;
}

/** clif.c's CLIF_MIN_ABBREV */
const CLIF_MIN_ABBREV = 2;

/** clif.c: find_long() for a keyword: [name, its `=` argument] */
function findKeyword(options: ModOption[], arg: string): [ModOption, string | undefined] | undefined {
  let abbrev: [ModOption, string | undefined] | undefined;
  let found = false;
  for (const o of options) {
    let a = 0;
    while (a < o.name.length && a < arg.length && arg[a] === o.name[a]) a++;
    const end = a === arg.length;
    if (!end && !(arg[a] === "=" && o.argName)) continue;
    const value = end ? undefined : arg.slice(a + 1);
    if (a === o.name.length) return [o, value];
    if (o.flags & CLIF_ABBREV && a >= CLIF_MIN_ABBREV) {
      if (!found) {
        found = true;
        abbrev = [o, value];
      } else abbrev = undefined;
    }
  }
  return abbrev;
}

class Traceroute {
  // option state (traceroute.c statics)
  debug = false;
  firstHop = 1;
  maxHops = DEF_HOPS;
  simProbes = DEF_SIM_PROBES;
  probesPerHop = DEF_NUM_PROBES;
  gateways: string[] = [];
  headerLen = 0;
  dataLen = 0;
  dontfrag = false;
  noresolve = false;
  extension = false;
  asLookups = false;
  dstPortSeq = 0;
  tos = 0;
  flowLabel = 0;
  noroute = false;
  fwmark = 0;
  packetLen = -1;
  waitSecs = DEF_WAIT_SECS;
  hereFactor = DEF_HERE_FACTOR;
  nearFactor = DEF_NEAR_FACTOR;
  sendSecs = 0;
  mtudisc = false;
  backward = false;
  dstAddr = 0;
  /** the IPv6 destination (af AF_INET6) */
  dstAddr6: Uint8Array = new Uint8Array(16);
  dstName = "";
  device: string | undefined;
  srcAddr: number | undefined;
  srcAddr6: Uint8Array | undefined;
  srcPort = 0;
  module = "default";
  /** the -O arguments, for the module's own options */
  modOpts: string[] = [];
  af = 0;
  probes: Probe[] = [];
  numProbes = 0;

  // run state
  private clock!: WallClock;
  private names = new NameCache();
  private timer!: ProcTimer;
  private block: { unblock(): void } | undefined;
  private done = false;
  private exitCode = 0;
  private inService = false;
  private again = false;
  private start = 0;
  private end = 0;
  private lastSend = 0;
  private mod!: TrModule;

  constructor(readonly p: Process) {}

  private out(s: string): void {
    this.p.stdout.write(s);
  }

  /** traceroute.c: ex_error() */
  exError(msg: string): never {
    this.p.stderr.write(msg + "\n");
    throw new TrExit(2);
  }

  /** traceroute.c: error() — perror() after a newline, exit 1 */
  error(str: string, errno: Errno | number): never {
    this.p.stderr.write(`\n${str}: ${strerr(errno)}\n`);
    throw new TrExit(1);
  }

  /** traceroute.c: error_or_perm() */
  errorOrPerm(str: string, errno: Errno): never {
    if (errno === "EPERM") this.p.stderr.write("You do not have enough privileges to use this traceroute method.");
    this.error(str, errno);
  }

  // ------------------------------------------------------------------ command line (clif.c)

  private optionList(): ClifOption[] {
    const flag = (set: () => void) => (): number => {
      set();
      return 0;
    };
    const uint = (set: (v: number) => void) => (a: string): number => {
      const v = clifUint(a);
      if (v === undefined) return -1;
      set(v);
      return 0;
    };
    const setModule = (m: string) => (): number => {
      this.module = m;
      return 0;
    };
    const setPort = (set: (v: number) => void) => (a: string): number => {
      const v = clifUint(a);
      if (v === undefined) {
        const svc: Record<string, number> = { domain: 53, http: 80, https: 443, ssh: 22, telnet: 23, smtp: 25, ntp: 123 };
        if (!(a in svc)) return -1;
        set(svc[a]!);
        return 0;
      }
      set(v);
      return 0;
    };
    return [
      { short: "4", flags: 0, fn: flag(() => (this.af = AF_INET)) },
      { short: "6", flags: 0, fn: flag(() => (this.af = AF_INET6)) },
      { short: "d", long: "debug", flags: 0, fn: flag(() => (this.debug = true)) },
      { short: "F", long: "dont-fragment", flags: CLIF_ABBREV, fn: flag(() => (this.dontfrag = true)) },
      { short: "f", long: "first", argName: "first_ttl", flags: 0, fn: uint((v) => (this.firstHop = v)) },
      {
        short: "g",
        long: "gateway",
        argName: "gate",
        flags: CLIF_SEVERAL,
        fn: (a) => {
          if (this.gateways.length >= 127) {
            this.p.stderr.write("Too many gateways specified.");
            return -1;
          }
          this.gateways.push(a);
          return 0;
        },
      },
      { short: "I", long: "icmp", flags: 0, fn: setModule("icmp") },
      { short: "T", long: "tcp", flags: 0, fn: setModule("tcp") },
      {
        short: "i",
        long: "interface",
        argName: "device",
        flags: 0,
        fn: (a) => {
          this.device = a;
          return 0;
        },
      },
      { short: "m", long: "max-hops", argName: "max_ttl", flags: 0, fn: uint((v) => (this.maxHops = v)) },
      { short: "N", long: "sim-queries", argName: "squeries", flags: 0, fn: uint((v) => (this.simProbes = v)) },
      { short: "n", flags: 0, fn: flag(() => (this.noresolve = true)) },
      { short: "p", long: "port", argName: "port", flags: 0, fn: setPort((v) => (this.dstPortSeq = v)) },
      { short: "t", long: "tos", argName: "tos", flags: 0, fn: uint((v) => (this.tos = v)) },
      { short: "l", long: "flowlabel", argName: "flow_label", flags: 0, fn: uint((v) => (this.flowLabel = v)) },
      { short: "w", long: "wait", argName: "MAX,HERE,NEAR", flags: 0, fn: (a) => this.setWaitSpecs(a) },
      { short: "q", long: "queries", argName: "nqueries", flags: 0, fn: uint((v) => (this.probesPerHop = v)) },
      { short: "r", flags: 0, fn: flag(() => (this.noroute = true)) },
      { short: "s", long: "source", argName: "src_addr", flags: 0, fn: (a) => this.setSource(a) },
      {
        short: "z",
        long: "sendwait",
        argName: "sendwait",
        flags: 0,
        fn: (a) => {
          const v = clifDouble(a);
          if (v === undefined) return -1;
          this.sendSecs = v;
          return 0;
        },
      },
      { short: "e", long: "extensions", flags: CLIF_ABBREV, fn: flag(() => (this.extension = true)) },
      { short: "A", long: "as-path-lookups", flags: 0, fn: flag(() => (this.asLookups = true)) },
      {
        short: "M",
        long: "module",
        argName: "name",
        flags: 0,
        fn: (a) => {
          this.module = a;
          return 0;
        },
      },
      {
        short: "O",
        long: "options",
        argName: "OPTS",
        flags: CLIF_SEVERAL,
        fn: (a) => {
          // set_mod_option(): the options of the module chosen so far
          if (a === "help") {
            const mod = MODULES[this.module];
            const options = mod ? new mod(this).options : undefined;
            if (options) this.p.stderr.write(clifPrintKeywords(options));
            else this.p.stderr.write(`No options for module \`${this.module}'\n`);
            throw new TrExit(0);
          }
          this.modOpts.push(a);
          return 0;
        },
      },
      { long: "sport", argName: "num", flags: 0, fn: setPort((v) => (this.srcPort = v)) },
      { long: "fwmark", argName: "num", flags: 0, fn: uint((v) => (this.fwmark = v)) },
      { short: "U", long: "udp", flags: 0, fn: setModule("udp") },
      { long: "UL", flags: CLIF_ONEDASH, fn: setModule("udplite") },
      { short: "D", long: "dccp", flags: 0, fn: setModule("dccp") },
      {
        short: "P",
        long: "protocol",
        argName: "prot",
        flags: 0,
        fn: () => {
          this.module = "raw";
          return 0;
        },
      },
      { long: "mtu", flags: 0, fn: flag(() => (this.mtudisc = true)) },
      { long: "back", flags: 0, fn: flag(() => (this.backward = true)) },
      {
        short: "V",
        long: "version",
        flags: CLIF_EXIT,
        fn: () => {
          this.p.stderr.write(VERSION_STRING + "\n");
          return 0;
        },
      },
      {
        long: "help",
        flags: CLIF_EXIT,
        fn: () => {
          this.printHelp();
          return 0;
        },
      },
    ];
  }

  private printHelp(): void {
    this.p.stderr.write(`Usage:\n  ${this.p.argv[0]}${HELP_USAGE_TAIL}${HELP_OPTIONS}`);
  }

  /** traceroute.c: set_wait_specs() */
  private setWaitSpecs(arg: string): number {
    this.hereFactor = this.nearFactor = 0;
    let [v, q] = strtod(arg);
    if (q === arg) return -1;
    this.waitSecs = v;
    if (q === "") return 0;
    let p = q.slice(1);
    [v, q] = strtod(p);
    if (q === p) return -1;
    this.hereFactor = v;
    if (q === "") return 0;
    p = q.slice(1);
    [v, q] = strtod(p);
    if (q === p || q !== "") return -1;
    this.nearFactor = v;
    return 0;
  }

  private pendingSource: string | undefined;

  /** traceroute.c: set_source() (resolved once the options are parsed: getaddr is async here) */
  private setSource(arg: string): number {
    this.pendingSource = arg;
    return 0;
  }

  private showShort(o: ClifOption, withArg: boolean): string {
    let s = `-${o.short}`;
    if (withArg && o.argName) s += ` ${o.argName}${o.flags & CLIF_SEVERAL ? ",..." : ""}`;
    return s;
  }

  private showLong(o: ClifOption, withArg: boolean): string {
    let s = o.flags & CLIF_ONEDASH ? `-${o.long}` : `--${o.long}`;
    if (withArg && o.argName) s += `=${o.argName}${o.flags & CLIF_SEVERAL ? ",..." : ""}`;
    return s;
  }

  private callFunction(o: ClifOption, arg: string | undefined): number {
    if (arg !== undefined && o.flags & CLIF_SEVERAL) {
      for (const part of arg.split(/[ \t,]+/)) {
        if (part === "") continue;
        if (o.fn(part) < 0) return -1;
      }
      return 0;
    }
    return o.fn(arg ?? "");
  }

  /** clif.c: find_long() */
  private findLong(list: ClifOption[], arg: string, onedash: boolean): { o: ClifOption; arg: string | undefined } | undefined {
    let abbrev: { o: ClifOption; arg: string | undefined } | undefined;
    let abbrevFound = false;
    for (const o of list) {
      if (!o.long) continue;
      if (onedash && !(o.flags & CLIF_ONEDASH)) continue;
      if (!onedash && o.flags & CLIF_ONEDASH) continue;
      let i = 0;
      while (i < o.long.length && i < arg.length && arg[i] === o.long[i]) i++;
      const atEnd = i === arg.length;
      const atEq = arg[i] === "=" && !!o.argName;
      if (atEnd || atEq) {
        if (i === o.long.length) return { o, arg: atEq ? arg.slice(i + 1) : undefined };
        if (o.flags & CLIF_ABBREV && i >= 2) {
          if (!abbrevFound) {
            abbrevFound = true;
            abbrev = { o, arg: atEq ? arg.slice(i + 1) : undefined };
          } else abbrev = undefined;
        }
      }
    }
    return abbrev;
  }

  /** clif.c: CLIF_parse_cmdline() with CLIF_MAY_JOIN_ARG | CLIF_HELP_EMPTY; returns the args */
  parseCmdline(argv: string[]): string[] {
    const list = this.optionList();
    const err = (s: string): never => {
      this.p.stderr.write(s + "\n");
      throw new TrExit(2);
    };
    if (argv.length <= 1) {
      this.printHelp();
      throw new TrExit(0);
    }
    const args: { s: string; i: number }[] = [];
    let options = true;
    for (let i = 1; i < argv.length; i++) {
      const full = argv[i]!;
      if (!options || full[0] !== "-") {
        args.push({ s: full, i });
        continue;
      }
      let found: { o: ClifOption; arg: string | undefined } | undefined;
      if (full[1] === "-") {
        const a = full.slice(2);
        if (a[0] === "-") {
          args.push({ s: full, i });
          continue;
        }
        found = this.findLong(list, a, false);
        if (!found) {
          if (a === "") {
            options = false;
            continue;
          }
          const eq = full.indexOf("=");
          if (eq >= 0) err(`Bad option \`${full}' (with arg \`${full.slice(eq + 1)}') (argc ${i})`);
          err(`Bad option \`${full}' (argc ${i})`);
        }
        const o = found!.o;
        let optArg = found!.arg;
        if (o.argName && optArg === undefined) {
          err(`Option \`${this.showLong(o, false)}' (argc ${i}) requires an argument: \`${this.showLong(o, true)}'`);
        }
        if (this.callFunction(o, optArg) < 0) {
          if (o.argName) err(`Cannot handle \`${this.showLong(o, false)}' option with arg \`${optArg}' (argc ${i})`);
          err(`Cannot handle \`${this.showLong(o, false)}' option (argc ${i})`);
        }
        if (o.flags & CLIF_EXIT) throw new TrExit(0);
        continue;
      }
      // one dash: a one-dash long option (-UL), else short options
      const rest = full.slice(1);
      found = this.findLong(list, rest, true);
      if (found) {
        if (this.callFunction(found.o, found.arg) < 0) err(`Cannot handle \`${this.showLong(found.o, false)}' option (argc ${i})`);
        continue;
      }
      if (rest === "") {
        args.push({ s: full, i });
        continue;
      }
      let j = 0;
      for (;;) {
        const c = rest[j]!;
        const o = list.find((x) => x.short === c);
        if (!o) err(`Bad option \`-${c}' (argc ${i})`);
        let optArg: string | undefined;
        if (o!.argName) {
          if (j + 1 >= rest.length) {
            if (++i >= argv.length) {
              i--;
              err(`Option \`${this.showShort(o!, false)}' (argc ${i}) requires an argument: \`${this.showShort(o!, true)}'`);
            }
            optArg = argv[i]!;
          } else if (j === 0) {
            optArg = rest.slice(1);
          } else {
            err(`Option \`${this.showShort(o!, false)}' (argc ${i}) requires an argument: \`${this.showShort(o!, true)}'`);
          }
        }
        if (this.callFunction(o!, optArg) < 0) {
          if (o!.argName) err(`Cannot handle \`${this.showShort(o!, false)}' option with arg \`${optArg}' (argc ${i})`);
          err(`Cannot handle \`${this.showShort(o!, false)}' option (argc ${i})`);
        }
        if (o!.flags & CLIF_EXIT) throw new TrExit(0);
        if (optArg !== undefined) break;
        if (++j >= rest.length) break;
      }
    }
    if (args.length < 1) err('Specify "host" missing argument.');
    if (args.length > 2) err(`Extra arg \`${args[2]!.s}' (position 3, argc ${args[2]!.i})`);
    this.argIdx = args.map((a) => a.i);
    return args.map((a) => a.s);
  }

  argIdx: number[] = [];

  // ------------------------------------------------------------------ main()

  async main(): Promise<number> {
    const p = this.p;
    const a0 = p.argv[0] ?? "traceroute";
    const base = a0.slice(a0.lastIndexOf("/") + 1);
    if (base.endsWith("6")) this.af = AF_INET6;
    else if (base.endsWith("4")) this.af = AF_INET;
    if (base.startsWith("tcp")) this.module = "tcp";
    if (base.startsWith("tracert")) this.module = "icmp";

    const args = this.parseCmdline(p.argv);

    // the arguments are handled after all the options, as clif does
    if (this.pendingSource !== undefined) {
      // set_source() runs as its option is seen (getaddr() with the family given so far);
      // report as clif does on failure
      const src = this.pendingSource;
      const r = await this.getaddr(src);
      if (typeof r === "string") {
        p.stderr.write(`${src}: ${r}\n`);
        const idx = p.argv.indexOf(src);
        this.exError(`Cannot handle \`-s' option with arg \`${src}' (argc ${idx})`);
      }
      if (typeof r === "number") this.srcAddr = r;
      else this.srcAddr6 = r;
      // the source's family is the one the destination must have
      if (!this.af) this.af = typeof r === "number" ? AF_INET : AF_INET6;
    }
    const host = args[0]!;
    const r = await this.getaddr(host);
    if (typeof r === "string") {
      p.stderr.write(`${host}: ${r}\n`);
      this.exError(`Cannot handle "host" cmdline arg \`${host}' on position 1 (argc ${this.argIdx[0]})`);
    }
    if (typeof r === "number") this.dstAddr = r;
    else this.dstAddr6 = r as Uint8Array;
    this.dstName = host;
    if (!this.af) this.af = typeof r === "number" ? AF_INET : AF_INET6;
    if (args.length > 1) {
      const v = clifInt(args[1]!);
      if (v === undefined)
        this.exError(`Cannot handle "packetlen" cmdline arg \`${args[1]}' on position 2 (argc ${this.argIdx[1]})`);
      this.packetLen = v!;
    }

    const mod = MODULES[this.module];
    if (!mod) this.exError(`Unknown traceroute module ${this.module}`);
    this.mod = new mod!(this);

    if (!this.firstHop || this.firstHop > this.maxHops) this.exError("first hop out of range");
    if (this.maxHops > MAX_HOPS) this.exError(`max hops cannot be more than ${MAX_HOPS}`);
    if (!this.probesPerHop || this.probesPerHop > MAX_PROBES) this.exError(`no more than ${MAX_PROBES} probes per hop`);
    if (this.waitSecs < 0 || this.hereFactor < 0 || this.nearFactor < 0)
      this.exError(`bad wait specifications \`${gfmt(this.waitSecs)},${gfmt(this.hereFactor)},${gfmt(this.nearFactor)}' used`);
    if (this.packetLen > MAX_PACKET_LEN) this.exError(`too big packetlen ${this.packetLen} specified`);
    if (this.sendSecs < 0) this.exError(`bad sendtime \`${gfmt(this.sendSecs)}' specified`);
    if (this.sendSecs >= 10) this.sendSecs /= 1000;

    if (this.srcPort || this.mod.onePerTime) {
      this.simProbes = 1;
      this.hereFactor = this.nearFactor = 0;
    }

    // init_ip_options(): loose source routing through -g gateways (IPv6: a routing header,
    // its type first when the first gateway is a number)
    if (this.gateways.length && this.af === AF_INET6) {
      let rthdrType = IPV6_RTHDR_TYPE_0;
      if (this.gateways.length > 1 && /^[0-9]+$/.test(this.gateways[0]!)) rthdrType = Number(this.gateways.shift()!) >>> 0;
      if (this.gateways.length > MAX_GATEWAYS_6) this.exError(`Too many gateways specified. No more than ${MAX_GATEWAYS_6}`);
      const gates: Uint8Array[] = [];
      for (const g of this.gateways) {
        const gr = await this.getaddr(g);
        if (typeof gr === "string") {
          p.stderr.write(`${g}: ${gr}\n`);
          this.exError("");
        }
        if (typeof gr === "number") this.exError("IP versions mismatch in gateway addresses");
        gates.push(gr as Uint8Array);
      }
      // inet6_rth_init() + inet6_rth_add(): 8 bytes, then the addresses (segments left 0 +n)
      const n = gates.length;
      const rtbuf = new Uint8Array(8 + n * 16);
      rtbuf[1] = n * 2;
      rtbuf[2] = rthdrType;
      rtbuf[3] = n;
      gates.forEach((a, i) => rtbuf.set(a, 8 + i * 16));
      this.rtbuf = rtbuf;
    } else if (this.gateways.length) {
      if (this.gateways.length > MAX_GATEWAYS_4) this.exError(`Too many gateways specified. No more than ${MAX_GATEWAYS_4}`);
      const gates: number[] = [];
      for (const g of this.gateways) {
        const gr = await getaddrinfo(p, g);
        if (typeof gr === "string") {
          p.stderr.write(`${g}: ${gr}\n`);
          this.exError("");
        }
        gates.push((gr as { addr: number }).addr);
      }
      // NOP, LSRR through the gateways and on to the destination
      const n = gates.length + 1;
      const rtbuf = new Uint8Array(4 + n * 4);
      rtbuf[0] = 1; // IPOPT_NOP
      rtbuf[1] = 131; // IPOPT_LSRR
      rtbuf[2] = n * 4 + 3;
      rtbuf[3] = 4; // IPOPT_MINOFF
      [...gates, this.dstAddr].forEach((a, i) => writeU32(rtbuf, 4 + i * 4, a));
      this.rtbuf = rtbuf;
    }
    const rtbufLen = this.rtbuf.length;

    this.headerLen = (this.af === AF_INET6 ? 40 : 20) + rtbufLen + this.mod.headerLen;
    if (this.mtudisc) {
      this.dontfrag = true;
      this.simProbes = 1;
      if (this.packetLen < 0) this.packetLen = MAX_PACKET_LEN;
    }
    if (this.packetLen < 0) {
      if (DEF_DATA_LEN >= this.mod.headerLen) this.dataLen = DEF_DATA_LEN - this.mod.headerLen;
    } else if (this.packetLen >= this.headerLen) this.dataLen = this.packetLen - this.headerLen;

    this.numProbes = this.maxHops * this.probesPerHop;
    this.probes = [];
    for (let i = 0; i < this.numProbes; i++) this.probes.push(newProbe());

    this.clock = new WallClock(p.sys);
    if (!this.noresolve) await this.names.load(p);

    const options = this.mod.options;
    if (options && this.modOpts.length) this.parseModOptions(options);
    await this.mod.init(this.dstAddr, this.dstPortSeq);

    return this.doIt();
  }

  /** rtbuf: the IP options of -g (a loose source route) */
  rtbuf = new Uint8Array(0);

  /** traceroute.c: getaddr(): getaddrinfo() with ai_family = af (AF_UNSPEC until -4/-6 or
   * the program's name set it): an IPv6 literal, else IPv4's lookup */
  private async getaddr(name: string): Promise<number | Uint8Array | string> {
    const a6 = inetPton6(name);
    if (a6) return this.af === AF_INET ? EAI_ADDRFAMILY : a6;
    const r = await getaddrinfo(this.p, name);
    if (typeof r === "string") return r;
    if (this.af === AF_INET6) return EAI_ADDRFAMILY;
    return r.addr;
  }

  /** the destination as a socket address */
  destSockaddr(port: number): SockAddr {
    if (this.af === AF_INET6) return { family: AF_INET6, addr6: this.dstAddr6, port, scopeId: 0 };
    return { family: AF_INET, addr: this.dstAddr, port };
  }

  // ------------------------------------------------------------------ printing

  private addr2str(a: number | string): string {
    return typeof a === "string" ? a : ntoa(a);
  }

  /** traceroute.c: print_header() — without the ending newline */
  private printHeader(): void {
    this.out(
      `traceroute to ${this.dstName} (${this.af === AF_INET6 ? inetNtop6(this.dstAddr6) : this.addr2str(this.dstAddr)}), ${this.maxHops} hops max, ${this.headerLen + this.dataLen} byte packets`,
    );
  }

  /** traceroute.c: print_addr() */
  private printAddr(res: number | string | undefined): void {
    if (res === undefined) return;
    const str = this.addr2str(res);
    if (this.noresolve) this.out(` ${str}`);
    else {
      const name = typeof res === "string" ? "" : this.names.lookup(res);
      this.out(` ${name || str} (${str})`);
    }
    if (this.asLookups) this.out(" [*]");
  }

  /** traceroute.c: print_probe() */
  private printProbe(idx: number): void {
    const pb = this.probes[idx]!;
    const ttl = Math.trunc(idx / this.probesPerHop) + 1;
    let np = idx % this.probesPerHop;
    if (np === 0) this.out(`\n${String(ttl).padStart(2)} `);
    if (pb.res === undefined) this.out(" *");
    else {
      let prn = !np;
      if (np) {
        let q = idx - 1;
        for (; np && this.probes[q]!.res === undefined; q--, np--);
        const prev = this.probes[q]!;
        if (!np || prev.res !== pb.res || (prev.ext !== pb.ext) || (this.backward && prev.recvTtl !== pb.recvTtl)) prn = true;
      }
      if (prn) {
        this.printAddr(pb.res);
        if (pb.ext) this.out(` <${pb.ext}>`);
        if (this.backward && pb.recvTtl) {
          const hops = ttl2hops(pb.recvTtl);
          if (hops !== ttl) this.out(` '-${hops}'`);
        }
      }
    }
    if (pb.recvTime) {
      const diff = pb.recvTime - pb.sendTime;
      this.out(`  ${(diff / 1000).toFixed(3)} ms`);
    }
    if (pb.errStr) this.out(` ${pb.errStr}`);
  }

  // ------------------------------------------------------------------ timeouts and expiry

  /** traceroute.c: get_timeout(), in µs */
  private getTimeout(idx: number): number {
    const pb = this.probes[idx]!;
    const waitUs = Math.round(this.waitSecs * 1e6);
    if (this.hereFactor) {
      const base = idx - (idx % this.probesPerHop);
      for (let i = 0; i < this.probesPerHop; i++) {
        const q = this.probes[base + i]!;
        let value: number;
        if (q.done && (value = q.recvTime - q.sendTime) > 0) {
          value = Math.round((value + DEF_WAIT_PREC_US) * this.hereFactor);
          return value < waitUs ? value : waitUs;
        }
      }
    }
    if (this.nearFactor) {
      for (let k = idx + 1; k < this.numProbes && this.probes[k]!.sendTime; k++) {
        const q = this.probes[k]!;
        let value: number;
        if (q.done && (value = q.recvTime - q.sendTime) > 0) {
          value = Math.round((value + DEF_WAIT_PREC_US) * this.nearFactor);
          return value < waitUs ? value : waitUs;
        }
      }
    }
    void pb;
    return waitUs;
  }

  /** traceroute.c: check_expired() */
  private checkExpired(idx: number): void {
    const pb = this.probes[idx]!;
    if (!pb.done) return;
    let fp = -1;
    let pfp = -1;
    for (let k = idx - (idx % this.probesPerHop); k < idx; k++) {
      const q = this.probes[k]!;
      if (!q.done || !q.final) return;
      pfp = k;
    }
    for (let k = idx + 1; k < this.numProbes && this.probes[k]!.sendTime; k++) {
      const q = this.probes[k]!;
      if (q.done) {
        if (!q.final) return;
        fp = k;
        break;
      }
    }
    if (fp < 0) return;
    const f = this.probes[fp]!;
    if (!f.errStr) return;
    const replace = (): void => {
      this.probes[idx] = { ...f };
      const z = newProbe();
      z.sendTime = 1;
      this.probes[fp] = z;
    };
    if (pfp >= 0 || (idx % this.probesPerHop) + (fp - idx) < this.probesPerHop) return replace();
    for (let k = idx - 1; k >= 0; k--) {
      const q = this.probes[k]!;
      if (q.res !== undefined && q.res === f.res) return replace();
    }
    if (f.recvTtl) {
      let backHops = ttl2hops(f.recvTtl);
      for (let k = idx - 1; k >= 0; k--) {
        const q = this.probes[k]!;
        if (q.done && !q.final && q.recvTtl) {
          const hops = ttl2hops(q.recvTtl);
          if (hops < backHops) {
            const ttl = Math.trunc(k / this.probesPerHop) + 1;
            backHops = backHops - hops + ttl;
            break;
          }
        }
      }
      const ttl = Math.trunc(idx / this.probesPerHop) + 1;
      if (backHops === ttl || backHops < ttl) return replace();
    }
  }

  /** traceroute.c: probe_by_seq() */
  probeBySeq(seq: number): Probe | undefined {
    if (seq <= 0) return undefined;
    return this.probes.find((pb) => pb.seq === seq);
  }

  /** traceroute.c: probe_by_sk() */
  probeBySk(sk: Socket): Probe | undefined {
    return this.probes.find((pb) => pb.sk === sk);
  }

  // ------------------------------------------------------------------ the probe loop

  /** get_time() in epoch µs */
  now(): number {
    return this.clock.us();
  }

  /** traceroute.c: do_it() — the process's side: wait for the loop to end */
  private doIt(): Promise<number> {
    this.start = (this.firstHop - 1) * this.probesPerHop;
    this.end = this.numProbes;
    this.printHeader();
    this.timer = procTimer(this.p.sys, () => this.service(), "traceroute");
    this.p.signal.addEventListener("abort", this.onAbort);
    const b = this.p.sys.block();
    this.block = b;
    this.service();
    return b.promise.then(() => this.exitCode);
  }

  private readonly onAbort = (): void => {
    // SIGINT: the default action, no output
    this.finish(130);
  };

  /** a probe socket became readable: drain every socket, then run the loop */
  readonly onReadable = (): void => {
    this.service();
  };

  private finish(code: number): void {
    if (this.done) return;
    this.done = true;
    this.exitCode = code;
    this.timer?.cancel();
    this.p.signal.removeEventListener("abort", this.onAbort);
    this.mod.cleanup();
    for (const pb of this.probes) {
      if (pb.sk) {
        pb.sk.onReadable(undefined);
        pb.sk.close();
        pb.sk = undefined;
      }
    }
    this.block?.unblock();
  }

  private service(): void {
    if (this.done) return;
    if (this.inService) {
      this.again = true;
      return;
    }
    this.inService = true;
    try {
      do {
        this.again = false;
        this.mod.drain();
        if (this.loop()) {
          this.out("\n");
          this.finish(0);
          return;
        }
      } while (this.again);
    } catch (e) {
      if (e instanceof Exit) {
        this.finish(e.code);
        return;
      }
      throw e;
    } finally {
      this.inService = false;
    }
  }

  /** the body of do_it()'s while loop, until it must poll; true when the trace is over */
  private loop(): boolean {
    while (this.start < this.end) {
      let nextTime = 0;
      const nowTime = this.now();
      let num = 0;
      for (let n = this.start; n < this.end; n++) {
        let pb = this.probes[n]!;
        if (n === this.start && !pb.done && pb.sendTime) {
          const expireTime = pb.sendTime + this.getTimeout(n);
          if (expireTime > nowTime) nextTime = expireTime;
          else {
            this.mod.expireProbe(pb);
            this.checkExpired(n);
            pb = this.probes[n]!;
          }
        }
        if (pb.done) {
          if (n === this.start) {
            this.printProbe(n);
            this.start++;
          }
          if (pb.final) this.end = (Math.trunc(n / this.probesPerHop) + 1) * this.probesPerHop;
          continue;
        }
        if (!pb.sendTime) {
          if (this.sendSecs) {
            const next = this.lastSend + Math.round(this.sendSecs * 1e6);
            if (next > nowTime) {
              nextTime = next;
              break;
            }
          }
          const ttl = Math.trunc(n / this.probesPerHop) + 1;
          this.mod.sendProbe(pb, ttl);
          if (!pb.sendTime) {
            if (nextTime) break;
            this.error("send probe", this.lastErrno ?? "EIO");
          }
          this.lastSend = pb.sendTime;
        }
        if (!nextTime) nextTime = pb.sendTime + this.getTimeout(n);
        num++;
        if (num >= this.simProbes) break;
      }
      if (nextTime) {
        let timeout = nextTime - this.now();
        if (timeout < 0) timeout = 0;
        // poll() takes ceil(timeout * 1000) milliseconds
        const ms = Math.ceil(timeout / 1000);
        this.timer.mod(this.p.sys.now() + ms * 1000);
        return false;
      }
    }
    return true;
  }

  /** clif.c: CLIF_parse(opts_idx, opts, ops->options, 0, CLIF_KEYWORD), exit 2 on an error */
  private parseModOptions(options: ModOption[]): void {
    const fail = (msg: string): never => {
      this.p.stderr.write(msg + "\n");
      throw new TrExit(2);
    };
    let exclusive = options.some((o) => o.flags & CLIF_EXCL) ? 1 : 0;
    const argv = [this.module, ...this.modOpts];
    for (let i = 1; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg[0] === "-" && arg.length > 1 && arg[1] !== "-") fail(`Bad option \`-${arg[1]}' (argc ${i})`);
      const hit = arg[0] === "-" ? undefined : findKeyword(options, arg);
      if (!hit) fail(`\`${arg}' (argc ${i}): arguments are not allowed`);
      const [o, value] = hit!;
      if (o.flags & CLIF_EXCL) {
        if (!exclusive) {
          const all = options.filter((x) => x.flags & CLIF_EXCL).map((x) => x.name).join(" | ");
          fail(`Keyword \`${o.name}' (argc ${i}): Only one of:\n    ${all}\nmay be specified.`);
        }
        exclusive--;
      }
      if (o.argName && value === undefined) fail(`Keyword \`${o.name}' (argc ${i}) requires an argument: \`${o.name}=${o.argName}'`);
      if (o.fn(value) < 0) {
        if (o.argName) fail(`Cannot handle \`${o.name}' keyword with arg \`${value}' (argc ${i})`);
        fail(`Cannot handle \`${o.name}' keyword (argc ${i})`);
      }
    }
  }

  lastErrno: Errno | undefined;

  // ------------------------------------------------------------------ shared socket helpers

  /** traceroute.c: tune_socket() */
  tuneSocket(sk: Socket): void {
    if (this.debug) {
      const e = sk.setsockopt("SO_DEBUG", 1);
      if (e) this.error("setsockopt SO_DEBUG", e.errno);
    }
    if (this.fwmark) {
      const e = sk.setsockopt("SO_MARK", this.fwmark);
      if (e) this.error("setsockopt SO_MARK", e.errno);
    }
    if (this.rtbuf.length) {
      const v6 = this.af === AF_INET6;
      const e = sk.setsockopt(v6 ? "IPV6_RTHDR" : "IP_OPTIONS", this.rtbuf);
      if (e) this.error(v6 ? "setsockopt IPV6_RTHDR" : "setsockopt IP_OPTIONS", e.errno);
    }
    this.bindSocket(sk);
    if (this.af === AF_INET6) {
      let i = this.dontfrag ? IP_PMTUDISC_PROBE : IP_PMTUDISC_DONT;
      let e = sk.setsockopt("IPV6_MTU_DISCOVER", i);
      if (e && this.dontfrag) {
        i = IP_PMTUDISC_DO;
        e = sk.setsockopt("IPV6_MTU_DISCOVER", i);
      }
      if (e) this.error("setsockopt IPV6_MTU_DISCOVER", e.errno);
      if (this.tos) {
        const e2 = sk.setsockopt("IPV6_TCLASS", this.tos);
        if (e2) this.error("setsockopt IPV6_TCLASS", e2.errno);
      }
      sk.setsockopt("SO_TIMESTAMP", 1);
      sk.setsockopt("IPV6_RECVHOPLIMIT", 1);
      return;
    }
    let i = this.dontfrag ? IP_PMTUDISC_PROBE : IP_PMTUDISC_DONT;
    let e = sk.setsockopt("IP_MTU_DISCOVER", i);
    if (e && this.dontfrag) {
      i = IP_PMTUDISC_DO;
      e = sk.setsockopt("IP_MTU_DISCOVER", i);
    }
    if (e) this.error("setsockopt IP_MTU_DISCOVER", e.errno);
    if (this.tos) {
      const e2 = sk.setsockopt("IP_TOS", this.tos);
      if (e2) this.error("setsockopt IP_TOS", e2.errno);
    }
    // SO_DONTROUTE (-r): not in the emulated socket options; routing is used as is
    sk.setsockopt("SO_TIMESTAMP", 1);
    sk.setsockopt("IP_RECVTTL", 1);
  }

  /** traceroute.c: bind_socket() */
  bindSocket(sk: Socket): void {
    if (this.device) {
      const e = sk.setsockopt("SO_BINDTODEVICE", this.device);
      if (e) this.error("setsockopt SO_BINDTODEVICE", e.errno);
    }
    const e = sk.bind(this.af === AF_INET6
      ? { family: AF_INET6, addr6: this.srcAddr6 ?? new Uint8Array(16), port: this.srcPort, scopeId: 0 }
      : { family: AF_INET, addr: this.srcAddr ?? 0, port: this.srcPort });
    if (e) this.error("bind", e.errno);
  }

  /** traceroute.c: use_recverr() */
  useRecverr(sk: Socket): void {
    const v6 = this.af === AF_INET6;
    const e = sk.setsockopt(v6 ? "IPV6_RECVERR" : "IP_RECVERR", 1);
    if (e) this.error(v6 ? "setsockopt IPV6_RECVERR" : "setsockopt IP_RECVERR", e.errno);
  }

  /** traceroute.c: set_ttl() */
  setTtl(sk: Socket, ttl: number): void {
    const v6 = this.af === AF_INET6;
    const e = sk.setsockopt(v6 ? "IPV6_UNICAST_HOPS" : "IP_TTL", ttl);
    if (e) this.error(v6 ? "setsockopt IPV6_UNICAST_HOPS" : "setsockopt IP_TTL", e.errno);
  }

  /** traceroute.c: do_send(); < 0 on a transient failure */
  doSend(sk: Socket, data: Uint8Array, addr: SockAddr | undefined): number {
    const r = sk.sendto(data, addr);
    if (isKErr(r)) {
      this.lastErrno = r.errno;
      if (r.errno === "ENOBUFS" || r.errno === "EAGAIN") return -1;
      if (r.errno === "EMSGSIZE") return 0;
      this.error("send", r.errno);
    }
    return r as number;
  }

  /** traceroute.c: parse_icmp_res() */
  parseIcmpRes(pb: Probe, type: number, code: number, info: number): void {
    let str: string | undefined;
    if (this.af === AF_INET6) {
      if (type === ICMP6_TIME_EXCEEDED) {
        if (code === 0) return;
      } else if (type === ICMP6_DST_UNREACH) {
        switch (code) {
          case 0:
            str = "!N";
            break;
          case 2:
          case 3:
            str = "!H";
            break;
          case 1:
            str = "!X";
            break;
          case 4:
            str = "";
            break;
          default:
            str = `!<${code}>`;
        }
      } else if (type === ICMP6_PACKET_TOO_BIG) str = `!F-${info | 0}`;
    } else if (type === ICMP_TIME_EXCEEDED) {
      if (code === 0) return;
    } else if (type === ICMP_DEST_UNREACH) {
      switch (code) {
        case 0:
        case 6:
        case 8:
        case 11:
          str = "!N";
          break;
        case 1:
        case 7:
        case 12:
          str = "!H";
          break;
        case 9:
        case 10:
        case 13:
          str = "!X";
          break;
        case 3:
          str = "";
          break;
        case 2:
          str = "!P";
          break;
        case 4:
          str = `!F-${info | 0}`;
          break;
        case 5:
          str = "!S";
          break;
        case 14:
          str = "!V";
          break;
        case 15:
          str = "!C";
          break;
        default:
          str = `!<${code}>`;
      }
    }
    if (str === undefined) str = `!<${type}-${code}>`;
    if (str) pb.errStr = str.slice(0, 15);
    pb.final = true;
  }

  /** traceroute.c: parse_local_res() */
  parseLocalRes(pb: Probe, eeErrno: number, info: number): void {
    if (eeErrno === errnoNumbers.EMSGSIZE && info !== 0) {
      pb.errStr = `!F-${info}`;
      pb.final = true;
      return;
    }
    this.error("local recverr", eeErrno);
  }

  /** traceroute.c: probe_done() */
  probeDone(pb: Probe): void {
    if (pb.sk) {
      pb.sk.onReadable(undefined);
      pb.sk.close();
      pb.sk = undefined;
    }
    pb.seq = 0;
    pb.done = true;
  }

  /**
   * traceroute.c: recv_reply() for one message: `m` from the receive queue or `ee` from the
   * error queue of `sk`.
   */
  recvReply(
    sk: Socket,
    m: RecvMsg | undefined,
    ee: SockExtendedErr | undefined,
    checkReply: CheckReply,
  ): void {
    const err = !!ee;
    let buf: Uint8Array;
    let from: SockAddrIn | SockAddrIn6 | undefined;
    let recvTime = 0;
    let recvTtl = 0;
    if (m) {
      buf = m.data;
      from = m.from.family === AF_INET || m.from.family === AF_INET6 ? (m.from as SockAddrIn | SockAddrIn6) : undefined;
      if (this.mod.headerLen === 0 && sk.type === SOCK_RAW && this.af === AF_INET) {
        // raw sockets return the full IPv4 header (IPv6's, the message alone)
        if (buf.length < 20) return;
        const hlen = (buf[0]! & 0x0f) << 2;
        if (buf.length < hlen) return;
        if (m.ttl === undefined) recvTtl = buf[8]!;
        buf = buf.subarray(hlen);
      }
      if (m.ttl !== undefined) recvTtl = m.ttl;
      recvTime = this.clock.us(m.stamp);
    } else {
      buf = ee!.payload;
      if (ee!.stamp !== undefined) recvTime = this.clock.us(ee!.stamp);
    }
    let pb = checkReply(sk, err, from, buf);
    if (!pb) {
      if (!buf.length && err && this.dontfrag) {
        pb = this.probes[(this.firstHop - 1) * this.probesPerHop]!;
        if (pb.done) return;
      } else return;
    }
    if (ee) {
      if (ee.ee_origin !== SO_EE_ORIGIN_ICMP && ee.ee_origin !== SO_EE_ORIGIN_ICMP6 && ee.ee_origin !== SO_EE_ORIGIN_LOCAL) return;
      if (ee.ee_origin === SO_EE_ORIGIN_ICMP && (ee.ee_type === ICMP_SOURCE_QUENCH || ee.ee_type === ICMP_REDIRECT)) return;
    }
    if (!recvTime) recvTime = this.now();
    if (!err && from) pb.res = from.family === AF_INET6 ? inetNtop6(from.addr6) : from.addr >>> 0;
    pb.recvTime = recvTime;
    pb.recvTtl = recvTtl;
    if (ee && ee.ee_origin !== SO_EE_ORIGIN_LOCAL) {
      pb.res = ee.ee_origin === SO_EE_ORIGIN_ICMP6 ? inetNtop6(ee.offender6 ?? new Uint8Array(16)) : (ee.offender ?? 0) >>> 0;
      this.parseIcmpRes(pb, ee.ee_type, ee.ee_code, ee.ee_info);
    }
    if (ee && ee.ee_origin === SO_EE_ORIGIN_LOCAL) this.parseLocalRes(pb, ee.ee_errno, ee.ee_info);
    if (ee && this.mtudisc && ee.ee_info >= this.headerLen && ee.ee_info < this.headerLen + this.dataLen) {
      this.dataLen = ee.ee_info - this.headerLen;
      this.probeDone(pb);
      const idx = this.probes.indexOf(pb);
      const z = newProbe();
      z.errStr = `F=${ee.ee_info}`;
      this.probes[idx] = z;
      return;
    }
    this.probeDone(pb);
  }
}

/** `%g` for the few error messages that print doubles */
function gfmt(x: number): string {
  if (x === 0) return "0";
  const s = x.toPrecision(6);
  return s.includes("e") ? s : s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** struct tr_module */
abstract class TrModule {
  abstract readonly headerLen: number;
  readonly onePerTime: boolean = false;
  /** the module's -O keywords (undefined: none, and -O arguments are ignored) */
  readonly options: ModOption[] | undefined = undefined;
  constructor(readonly tr: Traceroute) {}
  abstract init(dest: number, portSeq: number): void | Promise<void>;
  abstract sendProbe(pb: Probe, ttl: number): void;
  /** mod-*.c: the expire_probe()s: probe_done() */
  expireProbe(pb: Probe): void {
    this.tr.probeDone(pb);
  }
  /** do_poll(): read everything pending on the module's sockets */
  abstract drain(): void;
  cleanup(): void {}

  /** an option keyword without an argument that sets something (CLIF_set_flag and the like) */
  protected keyword(name: string, help: string, set: () => unknown, flags = 0): ModOption {
    return {
      name,
      help,
      flags,
      fn: () => {
        set();
        return 0;
      },
    };
  }

  /** the module's recv_probe(): every error and reply queued on `sk` through recv_reply()
   * (while `live()`: a reply may end the probe that owns the socket) */
  protected drainSocket(sk: Socket, check: CheckReply, live: () => boolean = () => true): void {
    while (live()) {
      const ee = sk.recvErr();
      if (ee) {
        this.tr.recvReply(sk, undefined, ee, check);
        continue;
      }
      const m = sk.recvfrom();
      if (!m) break;
      this.tr.recvReply(sk, m, undefined, check);
    }
  }
}

/** a module's check_reply(): the probe a reply or error answers */
type CheckReply = (sk: Socket, err: boolean, from: SockAddrIn | SockAddrIn6 | undefined, buf: Uint8Array) => Probe | undefined;

/** the modules that send and receive on one socket of their own (icmp, tcp) */
abstract class OneSocketModule extends TrModule {
  protected sk: Socket | undefined;
  protected abstract readonly checkReply: CheckReply;

  drain(): void {
    if (this.sk) this.drainSocket(this.sk, this.checkReply);
  }

  override cleanup(): void {
    if (this.sk) {
      this.sk.onReadable(undefined);
      this.sk.close();
      this.sk = undefined;
    }
  }
}

/** mod-udp.c: the "default" (port per probe), "udp" (-U) and "udplite" methods */
class UdpModule extends TrModule {
  readonly headerLen = 8;
  private destAddr = 0;
  private destPort = 0;
  private currPort = 0;
  private data = new Uint8Array(0);
  constructor(
    tr: Traceroute,
    private readonly kind: "default" | "udp" | "udplite",
  ) {
    super(tr);
  }

  /** mod-udp.c: fill_data() */
  private fillData(): void {
    const len = this.tr.dataLen;
    this.data = new Uint8Array(len);
    for (let i = 0; i < len; i++) this.data[i] = 0x40 + (i & 0x3f);
  }

  /** mod-udp.c: udp_default_init() / udp_init() / udplite_init() */
  init(dest: number, portSeq: number): void {
    this.destAddr = dest;
    if (this.kind === "default") {
      this.currPort = portSeq ? portSeq : DEF_START_PORT;
      this.destPort = this.currPort & 0xffff;
    } else {
      this.destPort = (portSeq || DEF_UDP_PORT) & 0xffff;
    }
    this.fillData();
  }

  /** mod-udp.c: udp_send_probe() */
  sendProbe(pb: Probe, ttl: number): void {
    const tr = this.tr;
    const proto = this.kind === "udplite" ? 136 : IPPROTO_UDP;
    const s = tr.p.sys.socket(tr.af, SOCK_DGRAM, proto);
    if (isKErr(s)) tr.error("socket", s.errno);
    const sk = s as Socket;
    try {
      tr.tuneSocket(sk);
      tr.setTtl(sk, ttl);
      const e = sk.connect(tr.destSockaddr(this.destPort));
      if (e) tr.error("connect", e.errno);
      tr.useRecverr(sk);
    } catch (x) {
      sk.close();
      throw x;
    }
    pb.sendTime = tr.now();
    // do_send(data, data_len): --mtu shrinks data_len as the path MTU comes back
    if (tr.doSend(sk, this.data.subarray(0, tr.dataLen), undefined) < 0) {
      sk.close();
      pb.sendTime = 0;
      return;
    }
    pb.sk = sk;
    sk.onReadable(tr.onReadable);
    pb.seq = this.destPort;
    if (this.currPort) {
      this.currPort++;
      this.destPort = this.currPort & 0xffff;
    }
  }

  /** mod-udp.c: udp_check_reply() */
  private readonly checkReply = (sk: Socket, err: boolean, from: SockAddrIn | SockAddrIn6 | undefined): Probe | undefined => {
    const pb = this.tr.probeBySk(sk);
    if (!pb) return undefined;
    // the error queue reports the probe's own destination (port) as msg_name
    if (!err && from && pb.seq !== from.port) return undefined;
    if (!err) pb.final = true;
    return pb;
  };

  drain(): void {
    for (const pb of this.tr.probes) {
      const sk = pb.sk;
      if (sk) this.drainSocket(sk, this.checkReply, () => pb.sk === sk);
    }
  }
}

/** mod-icmp.c: the "icmp" method (-I) */
class IcmpModule extends OneSocketModule {
  readonly headerLen = 0;
  private destAddr = 0;
  private seq = 1;
  private ident = 0;
  private data = new Uint8Array(0);
  private lastTtl = 0;
  private dgram = false;
  private rawOnly = false;

  /** mod-icmp.c: icmp_options[] */
  override readonly options: ModOption[] = [
    this.keyword(
      "raw",
      "Use raw sockets way only. Default is try this way first (probably not allowed for unprivileged users), then try dgram",
      () => (this.rawOnly = true),
      CLIF_EXCL,
    ),
    this.keyword(
      "dgram",
      "Use dgram sockets way only. May be not implemented by old kernels or restricted by sysadmins",
      () => (this.dgram = true),
      CLIF_EXCL,
    ),
  ];

  /** mod-icmp.c: icmp_init() */
  init(dest: number, portSeq: number): void {
    const tr = this.tr;
    this.destAddr = dest;
    if (portSeq) this.seq = portSeq & 0xffff;
    if (tr.dataLen < 8) tr.dataLen = 8;
    this.data = new Uint8Array(tr.dataLen);
    for (let i = 8; i < tr.dataLen; i++) this.data[i] = 0x40 + (i & 0x3f);
    const sys = tr.p.sys;
    let icmpSk: Socket | undefined;
    // -O raw / -O dgram: that way only; by default raw, then dgram
    const v6 = tr.af === AF_INET6;
    const proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    if (!this.rawOnly) {
      const d = sys.socket(tr.af, SOCK_DGRAM, proto);
      if (!isKErr(d)) icmpSk = d;
      else if (this.dgram) tr.error("socket", d.errno);
    }
    if (!this.dgram) {
      const r = sys.socket(tr.af, SOCK_RAW, proto);
      if (isKErr(r)) {
        if (this.rawOnly || !icmpSk) tr.errorOrPerm("socket", r.errno);
        this.dgram = true;
      } else {
        icmpSk?.close();
        icmpSk = r;
      }
    }
    this.sk = icmpSk!;
    tr.tuneSocket(this.sk);
    const e = this.sk.connect(tr.destSockaddr(0));
    if (e) tr.error("connect", e.errno);
    tr.useRecverr(this.sk);
    void dest;
    if (this.dgram) {
      const a = this.sk.getsockname();
      if (isKErr(a)) tr.error("getsockname", a.errno);
      this.ident = (a as SockAddrIn).port & 0xffff;
    } else {
      this.ident = sys.random32() & 0xffff;
    }
    this.sk.onReadable(tr.onReadable);
  }

  /** mod-icmp.c: icmp_send_probe() */
  sendProbe(pb: Probe, ttl: number): void {
    const tr = this.tr;
    const sk = this.sk!;
    if (ttl !== this.lastTtl) {
      tr.setTtl(sk, ttl);
      this.lastTtl = ttl;
    }
    const d = this.data.subarray(0, tr.dataLen);
    const v6 = tr.af === AF_INET6;
    d[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
    d[1] = 0;
    d[2] = 0;
    d[3] = 0;
    d[4] = this.ident >> 8;
    d[5] = this.ident & 0xff;
    d[6] = this.seq >> 8;
    d[7] = this.seq & 0xff;
    // (the kernel checksums ICMPv6)
    if (!v6) {
      const ck = inCksum(d, 0, d.length);
      d[2] = ck >> 8;
      d[3] = ck & 0xff;
    }
    pb.sendTime = tr.now();
    if (tr.doSend(sk, d, tr.destSockaddr(0)) < 0) {
      pb.sendTime = 0;
      return;
    }
    pb.seq = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
  }

  /** mod-icmp.c: icmp_check_reply() */
  protected readonly checkReply = (_sk: Socket, err: boolean, _from: SockAddrIn | SockAddrIn6 | undefined, buf: Uint8Array): Probe | undefined => {
    if (buf.length < 8) return undefined;
    const echoReply = this.tr.af === AF_INET6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
    const type = buf[0]!;
    const recvId = (buf[4]! << 8) | buf[5]!;
    const recvSeq = (buf[6]! << 8) | buf[7]!;
    if (recvId !== this.ident) return undefined;
    const pb = this.tr.probeBySeq(recvSeq);
    if (!pb) return undefined;
    if (!err) {
      if (type !== echoReply) return undefined;
      pb.final = true;
    }
    return pb;
  };

}

/** tcp flags (mod-tcp.c's TH_*) and the probe options it adds */
const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;
const TH_PSH = 0x08;
const TH_ACK = 0x10;
const TH_URG = 0x20;
const TH_ECE = 0x40;
const TH_CWR = 0x80;
const FL_FLAGS = 0x0100;
const FL_ECN = 0x0200;
const FL_SACK = 0x0400;
const FL_TSTAMP = 0x0800;
const FL_WSCALE = 0x1000;
const TCP_FLAG_NAMES: [string, number][] = [
  ["fin", TH_FIN], ["syn", TH_SYN], ["rst", TH_RST], ["psh", TH_PSH], ["ack", TH_ACK], ["urg", TH_URG], ["ece", TH_ECE], ["cwr", TH_CWR],
];

/** the tcp flag keywords and their help, in tcp_options[]'s order */
const TCP_FLAG_OPTIONS: [string, string][] = [
  ["syn", "Set tcp flag SYN (default if no other tcp flags specified)"],
  ["ack", "Set tcp flag ACK,"],
  ["fin", "FIN,"],
  ["rst", "RST,"],
  ["psh", "PSH,"],
  ["urg", "URG,"],
  ["ece", "ECE,"],
  ["cwr", "CWR"],
];

/** mod-tcp.c: names_by_flags() */
function namesByFlags(flags: number): string {
  return TCP_FLAG_NAMES.filter(([, f]) => flags & f).map(([n]) => n).join(",");
}

/**
 * mod-tcp.c: the "tcp" method (-T, tcptraceroute): a SYN (by default) from a raw TCP socket,
 * its source port held by a bound stream socket of its own per probe (half-open: the kernel
 * answers a SYN+ACK with a reset, the target's reset needs nothing); the target is reached when
 * any TCP segment comes back from it for that port.
 */
class TcpModule extends OneSocketModule {
  readonly headerLen = 0;
  private destAddr = 0;
  private destPort = 0;
  private lastTtl = 0;
  /** the pseudo header (saddr, daddr, length, protocol) and the tcp header with its options */
  private buf = new Uint8Array(0);
  /** where the tcp header starts in `buf` */
  private readonly th = 12;
  private flags = 0;
  private sysctl = false;
  private reuse = false;
  private mss = 0;
  private info = false;

  /** mod-tcp.c: tcp_options[] */
  override readonly options: ModOption[] = [
    ...TCP_FLAG_OPTIONS.map(([name, help]) => this.flagOption(name, help, TCP_FLAG_NAMES.find(([n]) => n === name)![1], 0)),
    {
      name: "flags",
      argName: "NUM",
      help: "Set tcp flags exactly to value %s",
      flags: CLIF_ABBREV,
      fn: (a) => {
        const v = a === undefined ? undefined : strtoulPrefix(a);
        if (v === undefined) return -1;
        this.flags = (this.flags & ~0xff) | (v & 0xff) | FL_FLAGS;
        return 0;
      },
    },
    this.flagOption("ecn", "Send syn packet with tcp flags ECE and CWR (for Explicit Congestion Notification, rfc3168)", FL_ECN, 0),
    this.flagOption("sack", "Use sack,", FL_SACK, 0),
    this.flagOption("timestamps", "timestamps,", FL_TSTAMP, CLIF_ABBREV),
    this.flagOption("window_scaling", "window_scaling option for tcp", FL_WSCALE, CLIF_ABBREV),
    this.keyword("sysctl", 'Use current sysctl (/proc/sys/net/*) setting for the tcp options and ecn. Always set by default (with "syn") if nothing else specified', () => (this.sysctl = true)),
    this.keyword("reuse", "Allow to reuse local port numbers for the huge workloads (SO_REUSEADDR)", () => (this.reuse = true)),
    {
      name: "mss",
      argName: "NUM",
      help: "Use value of %s for maxseg tcp option (when syn)",
      flags: 0,
      fn: (a) => {
        const v = a === undefined ? undefined : strtoulPrefix(a);
        if (v === undefined) return -1;
        this.mss = v;
        return 0;
      },
    },
    this.keyword("info", "Print tcp flags of final tcp replies when target host is reached. Useful to determine whether an application listens the port etc.", () => (this.info = true)),
  ];

  /** mod-tcp.c: set_flag(): a probe option bit */
  private flagOption(name: string, help: string, bit: number, flags: number): ModOption {
    return this.keyword(name, help, () => (this.flags |= bit), flags);
  }


  /** mod-tcp.c: check_sysctl(): /proc/sys/net/ipv4/tcp_NAME starts with '1' */
  private async checkSysctl(name: string): Promise<boolean> {
    const v = await this.tr.p.readFile(`/proc/sys/net/ipv4/tcp_${name}`);
    return v !== undefined && v[0] === "1";
  }

  /** mod-tcp.c: tcp_init() */
  async init(dest: number, portSeq: number): Promise<void> {
    const tr = this.tr;
    this.destAddr = dest;
    this.destPort = (portSeq || DEF_TCP_PORT) & 0xffff;
    const s = tr.p.sys.socket(tr.af, SOCK_RAW, IPPROTO_TCP);
    if (isKErr(s)) tr.errorOrPerm("socket", s.errno);
    const sk = s as Socket;
    this.sk = sk;
    tr.tuneSocket(sk);
    const e = sk.connect({ family: AF_INET, addr: dest, port: 0 });
    if (e) tr.error("connect", e.errno);
    const src = sk.getsockname();
    if (isKErr(src)) tr.error("getsockname", src.errno);
    const m = sk.getsockopt("IP_MTU");
    let mtu = isKErr(m) || typeof m !== "number" || m < 576 ? 576 : m;
    mtu -= 20 + 20;
    tr.useRecverr(sk);
    sk.onReadable(tr.onReadable);

    let flags = this.flags;
    if (!flags) this.sysctl = true;
    if (this.sysctl) {
      if (await this.checkSysctl("ecn")) flags |= FL_ECN;
      if (await this.checkSysctl("sack")) flags |= FL_SACK;
      if (await this.checkSysctl("timestamps")) flags |= FL_TSTAMP;
      if (await this.checkSysctl("window_scaling")) flags |= FL_WSCALE;
    }
    if (!(flags & (FL_FLAGS | 0xff))) {
      flags |= TH_SYN;
      if (flags & FL_ECN) flags |= TH_ECE | TH_CWR;
    }
    this.flags = flags;

    const opts: number[] = [];
    if (flags & TH_SYN) {
      const v = this.mss || mtu;
      opts.push(2, 4, (v >> 8) & 0xff, v & 0xff); // TCPOPT_MAXSEG
    }
    const u32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    if (flags & FL_TSTAMP) {
      if (flags & FL_SACK) opts.push(4, 2); // TCPOPT_SACK_PERMITTED
      else opts.push(1, 1);
      opts.push(8, 10, ...u32(tr.p.sys.random32()), ...u32(flags & TH_ACK ? tr.p.sys.random32() : 0));
    } else if (flags & FL_SACK) opts.push(1, 1, 4, 2);
    if (flags & FL_WSCALE) opts.push(1, 3, 3, 2);

    const len = 20 + opts.length;
    const b = new Uint8Array(this.th + len);
    writeU32(b, 0, (src as SockAddrIn).addr);
    writeU32(b, 4, dest);
    b[8] = len >> 8;
    b[9] = len & 0xff;
    b[10] = 0;
    b[11] = IPPROTO_TCP;
    const th = this.th;
    b[th + 2] = this.destPort >> 8;
    b[th + 3] = this.destPort & 0xff;
    b[th + 12] = (len >> 2) << 4;
    b[th + 13] = flags & 0xff;
    const win = (4 * mtu) & 0xffff;
    b[th + 14] = win >> 8;
    b[th + 15] = win & 0xff;
    b.set(opts, th + 20);
    this.buf = b;
    tr.dataLen = len;
  }

  /** mod-tcp.c: tcp_send_probe() */
  sendProbe(pb: Probe, ttl: number): void {
    const tr = this.tr;
    const raw = this.sk!;
    const s = tr.p.sys.socket(AF_INET, SOCK_STREAM, 0);
    if (isKErr(s)) tr.error("socket", s.errno);
    const sk = s as Socket;
    if (this.reuse) {
      const e = sk.setsockopt("SO_REUSEADDR", 1);
      if (e) tr.error("setsockopt SO_REUSEADDR", e.errno);
    }
    tr.bindSocket(sk);
    const a = sk.getsockname();
    if (isKErr(a)) tr.error("getsockname", a.errno);
    const sport = (a as SockAddrIn).port & 0xffff;
    const b = this.buf;
    const th = this.th;
    b[th] = sport >> 8;
    b[th + 1] = sport & 0xff;
    writeU32(b, th + 4, tr.p.sys.random32());
    b[th + 16] = 0;
    b[th + 17] = 0;
    const ck = inCksum(b, 0, b.length);
    b[th + 16] = ck >> 8;
    b[th + 17] = ck & 0xff;
    if (ttl !== this.lastTtl) {
      tr.setTtl(raw, ttl);
      this.lastTtl = ttl;
    }
    pb.sendTime = tr.now();
    if (tr.doSend(raw, b.slice(th), { family: AF_INET, addr: this.destAddr, port: 0 }) < 0) {
      sk.close();
      pb.sendTime = 0;
      return;
    }
    pb.seq = sport;
    pb.sk = sk;
  }

  /** mod-tcp.c: tcp_check_reply() */
  protected readonly checkReply = (_sk: Socket, err: boolean, from: SockAddrIn | SockAddrIn6 | undefined, buf: Uint8Array): Probe | undefined => {
    if (buf.length < 8) return undefined;
    const src = (buf[0]! << 8) | buf[1]!;
    const dst = (buf[2]! << 8) | buf[3]!;
    const sport = err ? src : dst;
    const dport = err ? dst : src;
    if (dport !== this.destPort) return undefined;
    // the error queue names the probe's own destination; a reply, its sender
    if (!err && (!from || from.family !== AF_INET || from.addr >>> 0 !== this.destAddr >>> 0)) return undefined;
    const pb = this.tr.probeBySeq(sport);
    if (!pb) return undefined;
    if (!err) {
      pb.final = true;
      if (this.info && buf.length > 13) pb.ext = namesByFlags(buf[13]!);
    }
    return pb;
  };

}

/** the methods the emulated kernel can carry (dccp and raw need raw IP sockets of those protocols) */
const MODULES: Record<string, new (tr: Traceroute) => TrModule> = {
  default: class extends UdpModule {
    constructor(tr: Traceroute) {
      super(tr, "default");
    }
  },
  udp: class extends UdpModule {
    constructor(tr: Traceroute) {
      super(tr, "udp");
    }
  },
  udplite: class extends UdpModule {
    constructor(tr: Traceroute) {
      super(tr, "udplite");
    }
  },
  icmp: IcmpModule,
  tcp: TcpModule,
};

/** traceroute.c: main() */
export async function traceroute(p: Process): Promise<number> {
  const tr = new Traceroute(p);
  try {
    return await tr.main();
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  }
}
