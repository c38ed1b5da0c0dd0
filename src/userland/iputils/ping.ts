/**
 * ping — iputils 20221126 (ping/ping.c, ping/ping_common.c, ping/ping.h), IPv4.
 *
 * The structure follows the C: main() parses options and creates the sockets, ping4_run()
 * resolves the target, picks the source with a connected UDP probe socket and sets the socket
 * options, setup() + main_loop() send and receive, finish() prints the statistics.
 *
 * main_loop() is a poll() loop in C. Here it is driven by the simulator: the socket's readiness
 * callback and one timer run `mainLoop()` in simulator context, and the process itself holds a
 * single Block for the whole run, so a flood of a million pings allocates no promise per packet.
 * The clock is the simulated one: gettimeofday() is WallClock, SO_TIMESTAMP is RecvMsg.stamp.
 */
import { writeU32 } from "../../wire/addr.ts";
import { allocBytes } from "../../wire/bytes.ts";
import { CStdout, fflush } from "../lib/stdio.ts";
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import type { Socket, SockAddrIn, SockAddrIn6, SockExtendedErr, RecvMsg } from "../../kernel/uapi/socket.ts";
import { inetPton6, inetNtop6 } from "../lib/utils.ts";
import {
  SOCK_DGRAM,
  SOCK_RAW,
  IPPROTO_ICMP,
  IP_PMTUDISC_DO,
  IP_PMTUDISC_DONT,
  IP_PMTUDISC_WANT,
  SO_EE_ORIGIN_LOCAL,
  SO_EE_ORIGIN_ICMP,
  SO_EE_ORIGIN_ICMP6,
} from "../../kernel/uapi/socket.ts";
import { AF_INET, AF_INET6, AF_UNSPEC } from "../../kernel/uapi/rtnetlink.ts";
import { isKErr, errnoNumbers, type KErr, type Errno } from "../../kernel/uapi/errno.ts";
import type { Micros } from "../../sim/scheduler.ts";
import {
  error,
  getopt,
  getaddrinfo,
  EAI_ADDRFAMILY,
  EAI_NONAME,
  inetAton,
  inetPton4,
  inCksum,
  ntoa,
  procTimer,
  strerr,
  strtod,
  strtolOrErr,
  strtoulOrErr,
  NameCache,
  WallClock,
  type ProcTimer,
  type AddrInfo,
} from "./common.ts";

const IPPROTO_ICMPV6 = 58;
const ICMP6_ECHO_REQUEST = 128;
const ICMP6_ECHO_REPLY = 129;

const DEFDATALEN = 64 - 8;
const MAXWAIT = 10;
const MININTERVAL = 10;
const MINUSERINTERVAL = 2;
const IDENTIFIER_MAX = 0xffff;
const MAX_DUP_CHK = 0x10000;
const MAXIPLEN = 60;
const MAXICMPLEN = 76;
const TOS_MAX = 255;
const INT_MAX = 2147483647;
const LONG_MAX = 9223372036854775807n;
/** CONFIG_HZ as sysconf(_SC_CLK_TCK) reports it to ping */
const HZ = 100;
/** sizeof(struct timeval) on x86_64 */
const TIMEVAL_SIZE = 16;

const ICMP_ECHOREPLY = 0;
const ICMP_DEST_UNREACH = 3;
const ICMP_SOURCE_QUENCH = 4;
const ICMP_REDIRECT = 5;
const ICMP_ECHO = 8;
const ICMP_TIME_EXCEEDED = 11;
const ICMP_PARAMETERPROB = 12;
const ICMP_TIMESTAMP = 13;
const ICMP_TIMESTAMPREPLY = 14;
const ICMP_INFO_REQUEST = 15;
const ICMP_INFO_REPLY = 16;
const ICMP_ADDRESS = 17;
const ICMP_ADDRESSREPLY = 18;

const IPOPT_EOL = 0;
const IPOPT_NOP = 1;
const IPOPT_RR = 7;
const IPOPT_TS = 68;
const IPOPT_LSRR = 131;
const IPOPT_SSRR = 137;
const IPOPT_MINOFF = 4;
/** what one turn of main_loop()'s send loop takes (sendmsg() of a raw ICMP socket): ping -i -1
 * sent ~770,000 echo requests in 2 s on the lab machine */
const SPIN_SEND_US = 3;
/** ping.c: NROUTES, the addresses a record route option holds */
const NROUTES = 9;
const IPOPT_TS_TSONLY = 0;
const IPOPT_TS_TSANDADDR = 1;
const IPOPT_TS_PRESPEC = 3;

const SCHINT = (a: number): number => (a <= MININTERVAL ? MININTERVAL : a);

const USAGE =
  "\nUsage\n" +
  "  ping [options] <destination>\n" +
  "\nOptions:\n" +
  "  <destination>      dns name or ip address\n" +
  "  -a                 use audible ping\n" +
  "  -A                 use adaptive ping\n" +
  "  -B                 sticky source address\n" +
  "  -c <count>         stop after <count> replies\n" +
  "  -C                 call connect() syscall on socket creation\n" +
  "  -D                 print timestamps\n" +
  "  -d                 use SO_DEBUG socket option\n" +
  "  -e <identifier>    define identifier for ping session, default is random for\n" +
  "                     SOCK_RAW and kernel defined for SOCK_DGRAM\n" +
  "                     Imply using SOCK_RAW (for IPv4 only for identifier 0)\n" +
  "  -f                 flood ping\n" +
  "  -h                 print help and exit\n" +
  "  -I <interface>     either interface name or address\n" +
  "  -i <interval>      seconds between sending each packet\n" +
  "  -L                 suppress loopback of multicast packets\n" +
  "  -l <preload>       send <preload> number of packages while waiting replies\n" +
  "  -m <mark>          tag the packets going out\n" +
  "  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>\n" +
  "  -n                 no dns name resolution\n" +
  "  -O                 report outstanding replies\n" +
  "  -p <pattern>       contents of padding byte\n" +
  "  -q                 quiet output\n" +
  "  -Q <tclass>        use quality of service <tclass> bits\n" +
  "  -s <size>          use <size> as number of data bytes to be sent\n" +
  "  -S <size>          use <size> as SO_SNDBUF socket option value\n" +
  "  -t <ttl>           define time to live\n" +
  "  -U                 print user-to-user latency\n" +
  "  -v                 verbose output\n" +
  "  -V                 print version and exit\n" +
  "  -w <deadline>      reply wait <deadline> in seconds\n" +
  "  -W <timeout>       time to wait for response\n" +
  "\nIPv4 options:\n" +
  "  -4                 use IPv4\n" +
  "  -b                 allow pinging broadcast\n" +
  "  -R                 record route\n" +
  "  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>\n" +
  "\nIPv6 options:\n" +
  "  -6                 use IPv6\n" +
  "  -F <flowlabel>     define flow label, default is random\n" +
  "  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument\n" +
  "\nFor more details see ping(8).\n";

/** ping_common.c: usage() */
function usage(p: Process): never {
  p.stderr.write(USAGE);
  throw new Exit(2);
}

interface SocketSt {
  sock: Socket | undefined;
  socktype: number;
  fd: number;
}

/** struct ping_rts: the runtime state */
class PingRts {
  mark = 0;
  outpack = new Uint8Array(0);
  /** rcvd_tbl: a bit per sequence number mod MAX_DUP_CHK; grown as the sequence numbers
   * reach it, up to its 8 KiB (most pings send a handful of probes) */
  rcvdTbl = new Uint8Array(8);
  datalen = DEFDATALEN;
  hostname = "";
  uid = 0;
  /** the echo id as it appears on the wire (big-endian value); -1 = kernel-chosen */
  ident = -1;
  sndbuf = 0;
  ttl = 0;
  npackets = 0;
  nreceived = 0;
  nrepeats = 0;
  ntransmitted = 0;
  nchecksum = 0;
  nerrors = 0;
  interval = 1000;
  preload = 1;
  deadline = 0;
  lingertime = MAXWAIT * 1000;
  startTime = 0;
  curTime = 0;
  curTimeSet = false;
  exiting = false;
  confirm = 0;
  confirmFlag = 0;
  device: string | undefined;
  pmtudisc = -1;
  timing = false;
  tmin = Number.MAX_SAFE_INTEGER;
  tmax = 0;
  tsum = 0;
  tsum2 = 0;
  rtt = 0;
  rttAddend = 0;
  acked = 0;
  pipesize = -1;
  multicast = false;
  tsType = 0;
  nroute = 0;
  route: number[] = [];
  whereto = 0;
  optlen = 0;
  settos = 0;
  broadcastPings = false;
  source = 0;
  screenWidth = INT_MAX;
  /** ping6: the target (whereto6, its sin6_scope_id) and source (source6) */
  v6 = false;
  whereto6: Uint8Array = new Uint8Array(16);
  whereto6Scope = 0;
  source6: Uint8Array = new Uint8Array(16);
  subnetRouterAnycast = false;

  optAdaptive = false;
  optAudible = false;
  optFlood = false;
  optFloodPoll = false;
  optInterval = false;
  optLatency = false;
  optMark = false;
  optNoloop = false;
  optNumeric = false;
  optOutstanding = false;
  optPingfilled = false;
  optPtimeofday = false;
  optQuiet = false;
  optRroute = false;
  optSoDebug = false;
  optSoDontroute = false;
  optSourceroute = false;
  optStrictsource = false;
  optTimestamp = false;
  optTtl = false;
  optVerbose = false;
  optConnectSk = false;

  // ping.h inlines
  rcvdSet(seq: number): void {
    const bit = seq % MAX_DUP_CHK;
    let t = this.rcvdTbl;
    if (bit >> 3 >= t.length) {
      let n = t.length;
      while (bit >> 3 >= n) n *= 2;
      t = new Uint8Array(n);
      t.set(this.rcvdTbl);
      this.rcvdTbl = t;
    }
    t[bit >> 3]! |= 1 << (bit & 7);
  }
  rcvdClear(seq: number): void {
    const bit = seq % MAX_DUP_CHK;
    const t = this.rcvdTbl;
    if (bit >> 3 < t.length) t[bit >> 3]! &= ~(1 << (bit & 7));
  }
  rcvdTest(seq: number): boolean {
    const bit = seq % MAX_DUP_CHK;
    const t = this.rcvdTbl;
    return bit >> 3 < t.length && (t[bit >> 3]! & (1 << (bit & 7))) !== 0;
  }
  /** ping.h: in_flight() */
  inFlight(): number {
    const diff = ((this.ntransmitted & 0xffff) - this.acked) & 0xffff;
    return diff <= 0x7fff ? diff : this.ntransmitted - this.nreceived - this.nerrors;
  }
  /** ping.h: acknowledge() */
  acknowledge(seq: number): void {
    const diff = ((this.ntransmitted & 0xffff) - seq) & 0xffff;
    if (diff <= 0x7fff) {
      if (diff + 1 > this.pipesize) this.pipesize = diff + 1;
      const s16 = ((seq - this.acked) << 16) >> 16;
      if (s16 > 0 || (((this.ntransmitted & 0xffff) - this.acked) & 0xffff) > 0x7fff) this.acked = seq;
    }
  }
  /** ping.h: advance_ntransmitted() */
  advanceNtransmitted(): void {
    this.ntransmitted++;
    if ((((this.ntransmitted & 0xffff) - this.acked) & 0xffff) > 0x7fff) this.acked = ((this.ntransmitted & 0xffff) + 1) & 0xffff;
  }
}

/** C's %g (6 significant digits) */
export function fmtG(x: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  const exp = Math.floor(Math.log10(Math.abs(x)));
  let s = x.toPrecision(6);
  let e = exp;
  // toPrecision may round up into the next decade (e.g. 999999.5)
  const m = /e([+-]\d+)$/.exec(s);
  if (m) e = Number(m[1]);
  else if (Math.abs(Number(s)) >= 10 ** (exp + 1)) e = exp + 1;
  if (e < -4 || e >= 6) {
    let [mant, ex] = x.toExponential(5).split("e") as [string, string];
    if (mant.includes(".")) mant = mant.replace(/0+$/, "").replace(/\.$/, "");
    const n = Number(ex);
    return `${mant}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  if (s.includes("e")) s = Number(s).toString();
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");
const pad3 = (n: number): string => String(n).padStart(3, "0");
const pad6 = (n: number): string => String(n).padStart(6, "0");
const hex2 = (n: number): string => n.toString(16).padStart(2, "0");
const hex4 = (n: number): string => n.toString(16).padStart(4, "0");

/** The running ping: ping4_run() onwards. */
class Ping4 {
  readonly sys: Syscalls;
  readonly out: Process["stdout"];
  private readonly clock: WallClock;
  private readonly names = new NameCache();
  /** a message received while its sender's name is being looked up, and that lookup */
  private stashMsg: RecvMsg | undefined;
  private stashErr: SockExtendedErr | undefined;
  private pendingLookup: number | undefined;
  private timer!: ProcTimer;
  private alarm!: ProcTimer;
  private waittime = 0;
  private tokens = 0;
  private oomCount = 0;
  private block: { unblock(): void } | undefined;
  private exitCode = 0;
  private done = false;
  private inService = false;
  private again = false;
  private filterSet = false;
  private readonly ping4Sock: SocketSt;
  /** the ICMP echo request being built (header + data) */
  private readonly packetHdr: Uint8Array;

  constructor(
    readonly p: Process,
    readonly rts: PingRts,
    sock: SocketSt,
  ) {
    this.sys = p.sys;
    this.out = p.stdout;
    this.clock = new WallClock(p.sys);
    this.ping4Sock = sock;
    this.packetHdr = rts.outpack;
  }

  private printf(s: string): void {
    this.out.write(s);
  }

  // ---------------------------------------------------------------- ping4_run()

  /** ping.c: bind_to_device() */
  private bindToDevice(s: Socket, addr: number): void {
    const rts = this.rts;
    const rc = s.setsockopt("SO_BINDTODEVICE", rts.device!);
    if (!rc) return;
    if ((addr >>> 28) === 0xe) {
      const idx = this.ifaceName2index();
      const e = s.setsockopt("IP_MULTICAST_IF", idx);
      if (e) error(this.p, 2, e.errno, "IP_MULTICAST_IF");
    } else {
      error(this.p, 2, rc.errno, `SO_BINDTODEVICE ${rts.device}`);
    }
  }

  /** ping.c: iface_name2index() */
  private ifaceName2index(): number {
    const r = this.sys.ioctl({ request: "SIOCGIFINDEX", ifname: this.rts.device });
    if (isKErr(r)) error(this.p, 2, 0, `unknown iface: ${this.rts.device}`);
    return Number((r as Record<string, unknown>)["ifindex"] ?? 0);
  }

  /** ping.c: ping4_run() */
  async run(targets: string[], ai: AddrInfo): Promise<number> {
    const rts = this.rts;
    const p = this.p;
    const sock = this.ping4Sock.sock!;
    let argc = targets.length;
    if (argc > 1) {
      if (rts.optRroute) usage(p);
      else if (rts.optTimestamp) {
        if (rts.tsType !== IPOPT_TS_PRESPEC) usage(p);
        if (argc > 5) usage(p);
      } else {
        if (argc > 10) usage(p);
        rts.optSourceroute = true;
      }
    }
    for (const target of targets) {
      const a = inetAton(target);
      if (a !== undefined) {
        rts.whereto = a;
        rts.hostname = target;
        if (argc === 1) rts.optNumeric = true;
      } else {
        let result = ai;
        if (argc > 1) {
          // ping4_run(): the hops are looked up with hints.ai_family = AF_INET
          const r = await getaddrinfo(p, target, "inet", true);
          if (typeof r === "string") error(p, 2, 0, `${target}: ${r}`);
          result = r as AddrInfo;
        }
        rts.whereto = result.addr;
        rts.hostname = result.canonname;
      }
      if (argc > 1) rts.route[rts.nroute++] = rts.whereto;
      argc--;
    }

    let dst = rts.whereto;
    if (rts.source === 0) {
      const probe = this.sys.socket(AF_INET, SOCK_DGRAM, 0);
      if (isKErr(probe)) error(p, 2, probe.errno, "socket");
      const probeFd = probe as Socket;
      try {
        if (rts.device !== undefined) {
          this.bindToDevice(probeFd, dst);
          this.bindToDevice(sock, dst);
        }
        if (rts.settos) {
          const e = probeFd.setsockopt("IP_TOS", rts.settos);
          if (e) error(p, 0, e.errno, "warning: QOS sockopts");
        }
        if (rts.optMark) sockSetmark(p, rts.mark, probeFd);
        if (rts.nroute) dst = rts.route[0]!;
        let e = probeFd.connect({ family: AF_INET, addr: dst, port: 1025 });
        if (e) {
          if (e.errno === "EACCES") {
            if (!rts.broadcastPings)
              error(p, 2, 0, "Do you want to ping broadcast? Then -b. If not, check your local firewall rules");
            p.stderr.write("WARNING: pinging broadcast address\n");
            const e2 = probeFd.setsockopt("SO_BROADCAST", 1);
            if (e2) error(p, 2, e2.errno, "cannot set broadcasting");
            e = probeFd.connect({ family: AF_INET, addr: dst, port: 1025 });
            if (e) error(p, 2, e.errno, "connect");
          } else {
            error(p, 2, e.errno, "connect");
          }
        }
        const name = probeFd.getsockname();
        if (isKErr(name)) error(p, 2, name.errno, "getsockname");
        rts.source = (name as SockAddrIn).addr >>> 0;
        if (rts.device !== undefined) {
          if (!this.deviceHasAddress(rts.device, rts.source))
            error(p, 0, 0, `Warning: source address might be selected on device other than: ${rts.device}`);
        }
      } finally {
        probeFd.close();
      }
    } else if (rts.device !== undefined) {
      this.bindToDevice(sock, rts.whereto);
    }

    if (rts.whereto === 0) rts.whereto = rts.source;

    if (rts.broadcastPings || (rts.whereto >>> 28) === 0xe) {
      rts.multicast = true;
      if (rts.uid) {
        if (rts.interval < 1000) error(p, 2, 0, `broadcast ping with too short interval: ${rts.interval}`);
        if (rts.pmtudisc >= 0 && rts.pmtudisc !== IP_PMTUDISC_DO) error(p, 2, 0, "broadcast ping does not fragment");
      }
      if (rts.pmtudisc < 0) rts.pmtudisc = IP_PMTUDISC_DO;
    }

    if (rts.pmtudisc >= 0) {
      const e = sock.setsockopt("IP_MTU_DISCOVER", rts.pmtudisc);
      if (e) error(p, 2, e.errno, "IP_MTU_DISCOVER");
    }

    const setIdent = rts.ident > 0 && this.ping4Sock.socktype === SOCK_DGRAM;
    let bindPort = 0;
    if (setIdent) bindPort = rts.ident;
    if (rts.optStrictsource || setIdent) {
      const e = sock.bind({ family: AF_INET, addr: rts.source, port: bindPort });
      if (e) error(p, 2, e.errno, "bind");
    }

    if (this.ping4Sock.socktype === SOCK_RAW) {
      const filt =
        ~((1 << ICMP_SOURCE_QUENCH) |
          (1 << ICMP_DEST_UNREACH) |
          (1 << ICMP_TIME_EXCEEDED) |
          (1 << ICMP_PARAMETERPROB) |
          (1 << ICMP_REDIRECT) |
          (1 << ICMP_ECHOREPLY)) >>> 0;
      const e = sock.setsockopt("ICMP_FILTER", filt);
      if (e) error(p, 0, e.errno, "WARNING: setsockopt(ICMP_FILTER)");
    }

    if (sock.setsockopt("IP_RECVERR", 1)) error(p, 0, 0, "WARNING: your kernel is veeery old. No problems.");

    if (this.ping4Sock.socktype === SOCK_DGRAM) {
      let e = sock.setsockopt("IP_RECVTTL", 1);
      if (e) error(p, 0, e.errno, "WARNING: setsockopt(IP_RECVTTL)");
      e = sock.setsockopt("IP_RETOPTS", 1);
      if (e) error(p, 0, e.errno, "WARNING: setsockopt(IP_RETOPTS)");
    }

    /* record route option */
    if (rts.optRroute) {
      const rspace = new Uint8Array(3 + 4 * NROUTES + 1);
      rspace[0] = IPOPT_NOP;
      rspace[1] = IPOPT_RR;
      rspace[2] = rspace.length - 1;
      rspace[3] = IPOPT_MINOFF;
      rts.optlen = 40;
      const e = sock.setsockopt("IP_OPTIONS", rspace);
      if (e) error(p, 2, e.errno, "record route");
    }
    if (rts.optTimestamp) {
      const rspace = new Uint8Array(3 + 4 * NROUTES + 1);
      rspace[0] = IPOPT_TS;
      rspace[1] = rts.tsType === IPOPT_TS_TSONLY ? 40 : 36;
      rspace[2] = 5;
      rspace[3] = rts.tsType;
      if (rts.tsType === IPOPT_TS_PRESPEC) {
        rspace[1] = 4 + rts.nroute * 8;
        for (let i = 0; i < rts.nroute; i++) writeU32(rspace, 4 + i * 8, rts.route[i]!);
      }
      if (sock.setsockopt("IP_OPTIONS", rspace.subarray(0, rspace[1]))) {
        rspace[3] = 2;
        const e = sock.setsockopt("IP_OPTIONS", rspace.subarray(0, rspace[1]));
        if (e) error(p, 2, e.errno, "ts option");
      }
      rts.optlen = 40;
    }
    if (rts.optSourceroute) {
      const rspace = new Uint8Array(3 + 4 * NROUTES + 1);
      rspace[0] = IPOPT_NOP;
      rspace[1] = rts.optSoDontroute ? IPOPT_SSRR : IPOPT_LSRR;
      rspace[2] = 3 + rts.nroute * 4;
      rspace[3] = IPOPT_MINOFF;
      for (let i = 0; i < rts.nroute; i++) writeU32(rspace, 4 + i * 4, rts.route[i]!);
      const e = sock.setsockopt("IP_OPTIONS", rspace.subarray(0, 4 + rts.nroute * 4));
      if (e) error(p, 2, e.errno, "record route");
      rts.optlen = 40;
    }

    let hold = rts.datalen + 8;
    hold += Math.trunc((hold + 511) / 512) * (rts.optlen + 20 + 16 + 64 + 160);
    sockSetbufs(p, rts, sock, hold);

    if (rts.broadcastPings) {
      const e = sock.setsockopt("SO_BROADCAST", 1);
      if (e) error(p, 2, e.errno, "cannot set broadcasting");
    }
    if (rts.optNoloop) {
      const e = sock.setsockopt("IP_MULTICAST_LOOP", 0);
      if (e) error(p, 2, e.errno, "cannot disable multicast loopback");
    }
    if (rts.optTtl) {
      let e = sock.setsockopt("IP_MULTICAST_TTL", rts.ttl);
      if (e) error(p, 2, e.errno, "cannot set multicast time-to-live");
      e = sock.setsockopt("IP_TTL", rts.ttl);
      if (e) error(p, 2, e.errno, "cannot set unicast time-to-live");
    }

    if (rts.datalen >= TIMEVAL_SIZE) rts.timing = true;

    let hdr = `PING ${rts.hostname} (${ntoa(rts.whereto)}) `;
    if (rts.device !== undefined || rts.optStrictsource) hdr += `from ${ntoa(rts.source)} ${rts.device ?? ""}: `;
    hdr += `${rts.datalen}(${rts.datalen + 8 + rts.optlen + 20}) bytes of data.\n`;
    this.printf(hdr);

    if (!rts.optNumeric) await this.names.load(p);

    this.setup();
    if (rts.optConnectSk) {
      const e = sock.connect({ family: AF_INET, addr: dst, port: 0 });
      if (e) error(p, 2, e.errno, "connect failed");
    }

    return this.mainLoop();
  }

  /** ping6_common.c: ping6_run() */
  async run6(targets: string[]): Promise<number> {
    const rts = this.rts;
    const p = this.p;
    const sock = this.ping4Sock.sock!;
    if (targets.length > 1) usage(p);
    const target = targets[0]!;
    if (target.includes(":")) rts.optNumeric = true;
    const firsthop = rts.whereto6;
    let firstScope = rts.whereto6Scope;
    rts.hostname = target;
    const ll = (a: Uint8Array): boolean => (a[0] === 0xfe && (a[1]! & 0xc0) === 0x80) || (a[0] === 0xff && (a[1]! & 0x0f) === 2);
    let sourceScope = 0;
    if (!rts.source6.some((x) => x)) {
      const probe = this.sys.socket(AF_INET6, SOCK_DGRAM, 0);
      if (isKErr(probe)) error(p, 2, probe.errno, "socket");
      const probeFd = probe as Socket;
      try {
        if (rts.device !== undefined) {
          const iface = this.ifNametoindex6();
          if (ll(firsthop)) firstScope = iface;
          let e = probeFd.setsockopt("IPV6_PKTINFO", iface) ?? sock.setsockopt("IPV6_PKTINFO", iface);
          if (e) error(p, 2, e.errno, "setsockopt(IPV6_PKTINFO)");
          e = probeFd.setsockopt("SO_BINDTODEVICE", rts.device) ?? sock.setsockopt("SO_BINDTODEVICE", rts.device);
          if (e) error(p, 2, e.errno, `setsockopt(SO_BINDTODEVICE) ${rts.device}`);
        }
        if (rts.optMark) sockSetmark(p, rts.mark, probeFd);
        // firsthop.sin6_family is set to AF_INET6 only for an address that is not link-local:
        // a link-local one is "connected" as AF_UNSPEC, which disconnects, and the source stays ::
        const fam = (ll(firsthop) ? 0 : 10) as 10;
        const e = probeFd.connect({ family: fam, addr6: firsthop, port: 1025, scopeId: firstScope });
        if (e) error(p, 2, e.errno, "connect");
        const name = probeFd.getsockname();
        if (isKErr(name)) error(p, 2, name.errno, "getsockname");
        rts.source6 = (name as SockAddrIn6).addr6;
        sourceScope = (name as SockAddrIn6).scopeId;
        if (rts.device !== undefined && !this.deviceHasAddress6(rts.device, rts.source6)) {
          error(p, 0, 0, `Warning: source address might be selected on device other than: ${rts.device}`);
        }
      } finally {
        probeFd.close();
      }
    } else if (rts.device !== undefined && ll(rts.source6)) {
      sourceScope = this.ifNametoindex6();
    }
    if (rts.device !== undefined && rts.optStrictsource) {
      // (the IPV6_PKTINFO cmsg each probe carries names the device too)
      this.ifNametoindex6();
      const e = sock.setsockopt("SO_BINDTODEVICE", rts.device);
      if (e) error(p, 2, e.errno, `SO_BINDTODEVICE ${rts.device}`);
    }
    if (rts.whereto6[0] === 0xff) {
      rts.multicast = true;
      if (rts.uid) {
        if (rts.interval < 1000) error(p, 2, 0, `multicast ping with too short interval: ${rts.interval}`);
        if (rts.pmtudisc >= 0 && rts.pmtudisc !== IP_PMTUDISC_DO) error(p, 2, 0, "multicast ping does not fragment");
      }
      if (rts.pmtudisc < 0) rts.pmtudisc = IP_PMTUDISC_DO;
    }
    // detect Subnet-Router anycast at least for the default prefix 64
    rts.subnetRouterAnycast = rts.whereto6.subarray(8).every((x) => x === 0);
    if (rts.pmtudisc >= 0) {
      const e = sock.setsockopt("IPV6_MTU_DISCOVER", rts.pmtudisc);
      if (e) error(p, 2, e.errno, "IPV6_MTU_DISCOVER");
    }
    const setIdent = rts.ident > 0 && this.ping4Sock.socktype === SOCK_DGRAM;
    if (rts.optStrictsource || setIdent) {
      const e = sock.bind({ family: 10, addr6: rts.source6, port: setIdent ? rts.ident : 0, scopeId: sourceScope });
      if (e) error(p, 2, e.errno, "bind icmp socket");
    }
    if (rts.datalen >= TIMEVAL_SIZE) rts.timing = true;
    let e = sock.setsockopt("IPV6_RECVERR", 1);
    if (e) error(p, 2, e.errno, "IPV6_RECVERR");
    let hold = rts.datalen + 8;
    hold += Math.trunc((hold + 511) / 512) * (40 + 16 + 64 + 160);
    sockSetbufs(p, rts, sock, hold);
    if (rts.optNoloop) {
      e = sock.setsockopt("IPV6_MULTICAST_LOOP", 0);
      if (e) error(p, 2, e.errno, "can't disable multicast loopback");
    }
    if (rts.optTtl) {
      e = sock.setsockopt("IPV6_MULTICAST_HOPS", rts.ttl);
      if (e) error(p, 2, e.errno, "can't set multicast hop limit");
      e = sock.setsockopt("IPV6_UNICAST_HOPS", rts.ttl);
      if (e) error(p, 2, e.errno, "can't set unicast hop limit");
    }
    if (this.ping4Sock.socktype === SOCK_RAW) {
      // IPV6_CHECKSUM at SOL_RAW (offset 2): ICMPv6 is always checksummed by the kernel
      // select icmp echo reply as icmp type to receive (ICMP6_FILTER_SETBLOCKALL + SETPASS)
      const filter = new Uint8Array(32).fill(0xff);
      filter[ICMP6_ECHO_REPLY >> 3]! &= ~(1 << (ICMP6_ECHO_REPLY & 7));
      e = sock.setsockopt("ICMP6_FILTER", filter);
      if (e) error(p, 2, e.errno, "setsockopt(ICMP6_FILTER)");
    }
    e = sock.setsockopt("IPV6_RECVHOPLIMIT", 1);
    if (e) error(p, 2, e.errno, "can't receive hop limit");
    if (rts.settos) {
      e = sock.setsockopt("IPV6_TCLASS", rts.settos);
      if (e) error(p, 2, e.errno, "setsockopt(IPV6_TCLASS)");
    }

    let hdr = `PING ${rts.hostname}(${this.prAddr6(rts.whereto6, rts.whereto6Scope)}) `;
    if (rts.device !== undefined || rts.optStrictsource) hdr += `from ${this.prAddr6(rts.source6, sourceScope)} ${rts.device ?? ""}: `;
    hdr += `${rts.datalen} data bytes\n`;
    this.printf(hdr);

    this.setup();
    return this.mainLoop();
  }

  /** ping6_common.c: if_name2index() */
  private ifNametoindex6(): number {
    const r = this.sys.ioctl({ request: "SIOCGIFINDEX", ifname: this.rts.device });
    if (isKErr(r)) error(this.p, 2, 0, `unknown iface: ${this.rts.device}`);
    return Number((r as Record<string, unknown>)["ifindex"] ?? 0);
  }

  /** getifaddrs(): does `dev` carry the IPv6 address `addr`? */
  private deviceHasAddress6(dev: string, addr: Uint8Array): boolean {
    let idx = -1;
    for (const m of this.sys.rtnl.dump({ type: "RTM_GETLINK", flags: {}, ifi: { family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 }, attrs: {} })) {
      if ("ifi" in m && m.attrs.IFLA_IFNAME === dev) idx = m.ifi.index;
    }
    for (const m of this.sys.rtnl.dump({ type: "RTM_GETADDR", flags: {}, ifa: { family: AF_INET6, prefixlen: 0, flags: 0, scope: 0, index: 0 }, attrs: {} })) {
      if (!("ifa" in m) || m.ifa.family !== AF_INET6 || m.ifa.index !== idx) continue;
      const a = m.attrs.IFA_ADDRESS ?? m.attrs.IFA_LOCAL;
      if (a && a.length === 16 && a.every((x, i) => x === addr[i])) return true;
    }
    return false;
  }

  /** getifaddrs(): does `dev` (by label) carry the address `addr`? */
  private deviceHasAddress(dev: string, addr: number): boolean {
    const names = new Map<number, string>();
    for (const m of this.sys.rtnl.dump({ type: "RTM_GETLINK", flags: {}, ifi: { family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 }, attrs: {} })) {
      if ("ifi" in m && m.attrs.IFLA_IFNAME) names.set(m.ifi.index, m.attrs.IFLA_IFNAME);
    }
    for (const m of this.sys.rtnl.dump({ type: "RTM_GETADDR", flags: {}, ifa: { family: AF_INET, prefixlen: 0, flags: 0, scope: 0, index: 0 }, attrs: {} })) {
      if (!("ifa" in m) || m.ifa.family !== AF_INET) continue;
      const a = m.attrs.IFA_LOCAL ?? m.attrs.IFA_ADDRESS;
      if (!a || a.length !== 4) continue;
      const v = ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
      const label = m.attrs.IFA_LABEL ?? names.get(m.ifa.index);
      if (label === dev && v === addr) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- setup()

  /** ping_common.c: setup() */
  private setup(): void {
    const rts = this.rts;
    const p = this.p;
    const sock = this.ping4Sock.sock!;
    if (rts.optFlood && !rts.optInterval) rts.interval = 0;
    if (rts.uid && rts.interval < MINUSERINTERVAL)
      error(p, 2, 0, `cannot flood; minimal interval allowed for user is ${MINUSERINTERVAL}ms`);
    if (rts.interval >= Math.trunc(INT_MAX / rts.preload)) error(p, 2, 0, `illegal preload and/or interval: ${rts.interval}`);
    if (rts.optSoDebug) sock.setsockopt("SO_DEBUG", 1);
    // SO_TIMESTAMP: the emulated sockets always stamp what they queue (RecvMsg.stamp)
    if (!rts.optLatency) sock.setsockopt("SO_TIMESTAMP", 1);
    if (rts.optMark) sockSetmark(p, rts.mark, sock);
    // SO_SNDTIMEO / SO_RCVTIMEO: the loop below waits with the simulator timer instead

    if (!rts.optPingfilled) {
      const o = rts.outpack;
      for (let i = 0; i < rts.datalen; i++) o[8 + i] = i & 0xff;
    }
    if (this.ping4Sock.socktype === SOCK_RAW && rts.ident === -1) rts.ident = this.sys.random32() & IDENTIFIER_MAX;

    p.signal.addEventListener("abort", this.sigexit);
    // ping_common.c: sigstatus() on SIGQUIT: the main loop prints status() at once
    p.onSignal?.(3, () => this.status());

    rts.startTime = this.sys.now();
    this.timer = procTimer(this.sys, this.onTimer, "ping");
    this.alarm = procTimer(this.sys, this.sigexit, "ping:alarm");
    if (rts.deadline) this.alarm.mod(rts.startTime + rts.deadline * 1_000_000);

    if (p.isatty) {
      const cols = Number(p.env["COLUMNS"] ?? "80");
      if (cols > 0) rts.screenWidth = cols;
    }
  }

  /** ping_common.c: status() — the one-line summary SIGQUIT asks for, on stderr */
  private status(): void {
    const rts = this.rts;
    const loss = rts.ntransmitted ? Math.trunc(((rts.ntransmitted - rts.nreceived) * 100) / rts.ntransmitted) : 0;
    let s = `\r${rts.nreceived}/${rts.ntransmitted} packets, ${loss}% loss`;
    if (rts.nreceived && rts.timing) {
      const tavg = Math.trunc(rts.tsum / (rts.nreceived + rts.nrepeats));
      const ms = (us: number) => `${Math.trunc(us / 1000)}.${pad3(us % 1000)}`;
      s += `, min/avg/ewma/max = ${ms(rts.tmin)}/${ms(tavg)}/${Math.trunc(rts.rtt / 8000)}.${pad3(Math.trunc(rts.rtt / 8) % 1000)}/${ms(rts.tmax)} ms`;
    }
    this.p.stderr.write(s + "\n");
  }

  /** ping_common.c: sigexit() (SIGINT, SIGALRM) */
  private readonly sigexit = (): void => {
    this.rts.exiting = true;
    if (!this.done) this.service(false);
  };

  private readonly onTimer = (): void => {
    this.service(false);
  };

  private readonly onReadable = (): void => {
    this.service(true);
  };

  /** the process's side of main_loop(): wait for the simulator-driven loop to finish */
  private async mainLoop(): Promise<number> {
    const sock = this.ping4Sock.sock!;
    sock.onReadable(this.onReadable);
    for (;;) {
      const b = this.sys.block();
      this.block = b;
      this.service(true);
      await b.promise;
      if (this.done || this.pendingLookup === undefined) return this.exitCode;
      // pr_addr()'s getnameinfo(), in the process: its queries wait on the simulator
      await this.names.ensure(this.p, this.pendingLookup);
      this.pendingLookup = undefined;
      if (this.done) return this.exitCode;
    }
  }

  /**
   * ping_common.c: main_loop(), one turn: read what is queued, check the exit conditions,
   * send the probes due, then arm the timer for the next poll() timeout.
   */
  private service(readable: boolean): void {
    if (this.done) return;
    if (this.inService || this.pendingLookup !== undefined || (this.spinning && readable && !this.rts.exiting)) {
      this.again ||= readable;
      return;
    }
    this.inService = true;
    try {
      let read = readable;
      // back in the send loop it spins in: the exit checks come after it, and the reads
      let spun = this.spinning;
      for (;;) {
        let more = false;
        if (read) {
          const r = this.receive();
          if (r === "blocked") return;
          more = r;
        }
        read = false;
        const rts = this.rts;
        if (spun) spun = false;
        else if (rts.exiting || (rts.npackets && rts.nreceived + rts.nerrors >= rts.npackets) || (rts.deadline && rts.nerrors)) {
          this.finishNow(finish(this.p, rts));
          return;
        }
        let next: number;
        do {
          next = this.pinger();
          next = this.scheduleExit(next);
          // a negative interval never waits: C spins in this loop, sending, until a signal
          // (the deadline's SIGALRM) sets exiting; each turn costs it a sendmsg()
          if (next <= 0 && rts.interval < 0 && !rts.exiting && !this.done) {
            this.spinning = true;
            this.timer.mod(this.sys.now() + SPIN_SEND_US);
            return;
          }
        } while (next <= 0);
        this.spinning = false;
        if (this.done) return;

        let wait = next;
        if (rts.optAdaptive || rts.optFloodPoll || next < SCHINT(rts.interval)) {
          const recvExpected = rts.inFlight();
          if (1000 % HZ === 0 ? next <= 1000 / HZ : next < INT_MAX / HZ && next * HZ <= 1000) {
            // C spins on a non-blocking recvmsg(); simulated time only moves on events
            if (recvExpected) wait = MININTERVAL;
          }
        } else {
          // recvmsg() blocks with SO_RCVTIMEO = interval
          wait = Math.min(next, SCHINT(rts.interval));
        }
        if (more || this.again) {
          this.again = false;
          read = true;
          continue;
        }
        this.timer.mod(this.sys.now() + wait * 1000);
        return;
      }
    } catch (e) {
      if (e instanceof Exit) this.finishNow(e.code);
      else throw e;
    } finally {
      this.inService = false;
    }
  }

  /** in the do-while of main_loop() that a negative interval never leaves */
  private spinning = false;

  private finishNow(code: number): void {
    if (this.done) return;
    this.done = true;
    this.exitCode = code;
    this.timer?.cancel();
    this.alarm?.cancel();
    this.p.signal.removeEventListener("abort", this.sigexit);
    const s = this.ping4Sock.sock!;
    s.onReadable(undefined);
    this.block?.unblock();
  }

  /**
   * The receive half of main_loop(): the error queue first (a pending socket error is what
   * recvmsg() reports first), then the data; stops when nothing is in flight any more and says
   * whether more may be queued.
   */
  private receive(): boolean | "blocked" {
    const sock = this.ping4Sock.sock!;
    const rts = this.rts;
    for (;;) {
      const ee = this.stashErr ?? (this.stashMsg ? undefined : sock.recvErr());
      this.stashErr = undefined;
      if (ee) {
        const a = ee.ee_origin === SO_EE_ORIGIN_ICMP ? this.nameToLookUp(ee.offender ?? 0, ee.payload, true) : undefined;
        if (a !== undefined) {
          this.stashErr = ee;
          this.lookUp(a);
          return "blocked";
        }
        this.receiveErrorMsg(ee);
        if (rts.inFlight() === 0) return true;
        continue;
      }
      const m = this.stashMsg ?? sock.recvfrom();
      this.stashMsg = undefined;
      if (!m) return false;
      const a = m.from.family === AF_INET ? this.nameToLookUp((m.from as SockAddrIn).addr >>> 0, m.data, false) : undefined;
      if (a !== undefined) {
        this.stashMsg = m;
        this.lookUp(a);
        return "blocked";
      }
      this.parseReply(m);
      if (rts.inFlight() === 0) return true;
    }
  }

  /**
   * The address pr_addr() will name for this message, when its name is not known yet: the
   * sender of an echo reply of ours or of an ICMP error (the error queue's offender). Its
   * getnameinfo() blocks ping while the query goes out (lookUp()).
   */
  private nameToLookUp(addr: number, data: Uint8Array, queued: boolean): number | undefined {
    const rts = this.rts;
    if (rts.optNumeric || rts.exiting || this.names.known(addr)) return undefined;
    if (queued) {
      if (data.length < 8 || data[0] !== ICMP_ECHO || !this.isOurs(((data[4]! << 8) | data[5]!) >>> 0)) return undefined;
      return addr;
    }
    const hlen = this.ping4Sock.socktype === SOCK_RAW ? (data[0]! & 0x0f) * 4 : 0;
    const type = data[hlen];
    if (type === ICMP_ECHOREPLY) return data.length >= hlen + 8 && this.isOurs((data[hlen + 4]! << 8) | data[hlen + 5]!) ? addr : undefined;
    return type === ICMP_DEST_UNREACH || type === ICMP_TIME_EXCEEDED || type === ICMP_SOURCE_QUENCH || type === ICMP_REDIRECT ? addr : undefined;
  }

  /**
   * getnameinfo() of `addr` blocks main_loop(): the process itself (mainLoop()) runs the
   * query, then carries on with the stashed message
   */
  private lookUp(addr: number): void {
    this.pendingLookup = addr;
    this.block?.unblock();
  }

  // ---------------------------------------------------------------- pinger()

  /** ping.h: schedule_exit() / ping_common.c: __schedule_exit() */
  private scheduleExit(next: number): number {
    const rts = this.rts;
    if (rts.npackets && rts.ntransmitted >= rts.npackets && !rts.deadline) {
      if (this.waittime) return next;
      if (rts.nreceived) {
        this.waittime = 2 * rts.tmax;
        if (this.waittime < 1000 * rts.interval) this.waittime = 1000 * rts.interval;
      } else this.waittime = rts.lingertime * 1000;
      if (next < 0 || next < Math.trunc(this.waittime / 1000)) next = Math.trunc(this.waittime / 1000);
      // setitimer() with a zero it_value disarms: no SIGALRM will end a ping lingering 0 s
      // for replies that do not come (-W 0)
      if (this.waittime) this.alarm.mod(this.sys.now() + this.waittime);
      else this.alarm.cancel();
    }
    return next;
  }

  /** ping_common.c: pinger() */
  private pinger(): number {
    const rts = this.rts;
    if (rts.exiting || (rts.npackets && rts.ntransmitted >= rts.npackets && !rts.deadline)) return 1000;

    const now = this.sys.now();
    if (!rts.curTimeSet) {
      rts.curTimeSet = true;
      rts.curTime = now;
      this.tokens = rts.interval * (rts.preload - 1);
    } else {
      let ntokens = elapsedMs(now, rts.curTime);
      if (!rts.interval) {
        if (ntokens < MININTERVAL && rts.inFlight() >= rts.preload) return MININTERVAL - ntokens;
      }
      ntokens += this.tokens;
      const tmp = rts.interval * rts.preload;
      if (tmp < ntokens) ntokens = tmp;
      if (ntokens < rts.interval) return rts.interval - ntokens;
      rts.curTime = now;
      this.tokens = ntokens - rts.interval;
    }

    if (rts.optOutstanding) {
      if (rts.ntransmitted > 0 && !rts.rcvdTest(rts.ntransmitted)) {
        this.printTimestamp();
        this.printf(`no answer yet for icmp_seq=${rts.ntransmitted % MAX_DUP_CHK}\n`);
        fflush(this.p);
      }
    }

    let i: number;
    let err: Errno | undefined;
    for (;;) {
      const r = this.sendProbe();
      if (r === 0) {
        this.oomCount = 0;
        rts.advanceNtransmitted();
        if (!rts.optQuiet && rts.optFlood) {
          if ((rts.preload < rts.screenWidth && rts.pipesize < rts.screenWidth) || rts.inFlight() < rts.screenWidth)
            this.printf(".");
        }
        return rts.interval - this.tokens;
      }
      err = r.errno;
      if (err === "ENOBUFS" || err === "ENOMEM") {
        this.tokens = 0;
        rts.rttAddend += rts.rtt < 8 * 50000 ? Math.trunc(rts.rtt / 8) : 50000;
        if (rts.optAdaptive) updateInterval(rts);
        let noresInterval = SCHINT(Math.trunc(rts.interval / 2));
        if (noresInterval > 500) noresInterval = 500;
        this.oomCount++;
        if (this.oomCount * noresInterval < rts.lingertime) return noresInterval;
        i = 0;
        break;
      } else if (err === "EAGAIN") {
        this.tokens += rts.interval;
        return MININTERVAL;
      } else {
        const ee = this.ping4Sock.sock!.recvErr();
        i = ee ? this.receiveErrorMsg(ee) : -1;
        if (i > 0) {
          i = 0;
          break;
        }
        break;
      }
    }

    // hard_local_error: pretend we sent the packet
    rts.advanceNtransmitted();
    if (i === 0 && !rts.optQuiet) {
      if (rts.optFlood) this.printf("E");
      else error(this.p, 0, err!, "sendmsg");
    }
    this.tokens = 0;
    return SCHINT(rts.interval);
  }

  /** ping.c: ping4_send_probe() / ping6_common.c: ping6_send_probe(): the echo header and
   * its time stamp (an ICMPv6 datagram socket's checksum is the kernel's) */
  private sendProbe(): 0 | KErr {
    const rts = this.rts;
    const icp = this.packetHdr;
    const seq = (rts.ntransmitted + 1) & 0xffff;
    icp[0] = rts.v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
    icp.fill(0, 1, 6);
    icp[6] = seq >> 8;
    icp[7] = seq & 0xff;
    if (rts.ident !== -1) {
      icp[4] = (rts.ident >> 8) & 0xff;
      icp[5] = rts.ident & 0xff;
    }
    rts.rcvdClear(rts.ntransmitted + 1);
    const cc = rts.datalen + 8;
    // struct timeval (little-endian tv_sec, tv_usec), written at send time
    if (rts.timing) writeTimeval(icp, 8, this.clock.us());
    let r: number | KErr;
    if (rts.v6) {
      r = this.ping4Sock.sock!.sendto(icp.subarray(0, cc), { family: 10, addr6: rts.whereto6, port: 0, scopeId: rts.whereto6Scope });
    } else {
      const ck = inCksum(icp, 0, cc);
      icp[2] = ck >> 8;
      icp[3] = ck & 0xff;
      r = this.ping4Sock.sock!.sendto(icp.subarray(0, cc), { family: AF_INET, addr: rts.whereto, port: 0 });
    }
    if (isKErr(r)) return r;
    return r === cc ? 0 : { errno: "EIO" };
  }

  // ---------------------------------------------------------------- receive

  /** the receive_error_msg()s' local error (ping4 writes "mtu=", ping6 "mtu: "): quiet (true)
   * counts it only, flood prints an E, else its message */
  private localError(e: SockExtendedErr, mtuSep: string): boolean {
    const rts = this.rts;
    if (rts.optQuiet) return true;
    if (rts.optFlood) this.printf("E");
    else if (e.ee_errno !== errnoNumbers.EMSGSIZE) error(this.p, 0, 0, `local error: ${strerr(e.ee_errno)}`);
    else error(this.p, 0, 0, `local error: message too long, mtu${mtuSep}${e.ee_info >>> 0}`);
    rts.nerrors++;
    return false;
  }

  /** ping6_common.c: ping6_receive_error_msg(); returns net errors (> 0) or -local errors */
  private receiveErrorMsg6(e: SockExtendedErr): number {
    const rts = this.rts;
    let netErrors = 0;
    let localErrors = 0;
    if (e.ee_origin === SO_EE_ORIGIN_LOCAL) {
      if (this.localError(e, ": ")) return -1;
      localErrors++;
    } else if (e.ee_origin === SO_EE_ORIGIN_ICMP6) {
      const icmph = e.payload;
      if (icmph.length < 8 || icmph[0] !== ICMP6_ECHO_REQUEST || !this.isOurs(((icmph[4]! << 8) | icmph[5]!) >>> 0)) {
        return 0; // not our error, not an error at all
      }
      netErrors++;
      rts.nerrors++;
      if (rts.optQuiet) return netErrors;
      if (rts.optFlood) {
        this.printf("\bE");
      } else {
        this.printTimestamp();
        const seq = (icmph[6]! << 8) | icmph[7]!;
        this.printf(`From ${this.prAddr6(e.offender6 ?? new Uint8Array(16), e.offenderScope ?? 0)} icmp_seq=${seq} `);
        this.printf(printIcmp6(e.ee_type, e.ee_code, e.ee_info >>> 0) + "\n");
        fflush(this.p);
      }
    }
    return netErrors ? netErrors : -localErrors;
  }

  /** ping.c: ping4_receive_error_msg(); returns net errors (> 0) or -local errors */
  private receiveErrorMsg(e: SockExtendedErr): number {
    const rts = this.rts;
    if (rts.v6) return this.receiveErrorMsg6(e);
    let netErrors = 0;
    let localErrors = 0;
    if (e.ee_origin === SO_EE_ORIGIN_LOCAL) {
      if (this.localError(e, "=")) return -1;
      localErrors++;
    } else if (e.ee_origin === SO_EE_ORIGIN_ICMP) {
      const icmph = e.payload;
      if (icmph.length < 8 || icmph[0] !== ICMP_ECHO || !this.isOurs(((icmph[4]! << 8) | icmph[5]!) >>> 0)) {
        return 0; // not our error, not an error at all
      }
      const seq = (icmph[6]! << 8) | icmph[7]!;
      rts.acknowledge(seq);
      if (this.ping4Sock.socktype === SOCK_RAW && !this.filterSet) {
        this.filterSet = true;
        const filt = ~((1 << ICMP_SOURCE_QUENCH) | (1 << ICMP_REDIRECT) | (1 << ICMP_ECHOREPLY)) >>> 0;
        const r = this.ping4Sock.sock!.setsockopt("ICMP_FILTER", filt);
        if (r) error(this.p, 2, r.errno, "setsockopt(ICMP_FILTER)");
      }
      netErrors++;
      rts.nerrors++;
      if (rts.optQuiet) return netErrors;
      if (rts.optFlood) {
        this.printf("\bE");
      } else {
        this.printTimestamp();
        this.printf(`From ${this.prAddr(e.offender ?? 0)} icmp_seq=${seq} `);
        this.prIcmph(e.ee_type, e.ee_code, e.ee_info >>> 0, undefined);
        fflush(this.p);
      }
    }
    return netErrors ? netErrors : -localErrors;
  }

  /** ping_common.c: is_ours() */
  private isOurs(id: number): boolean {
    return this.ping4Sock.socktype === SOCK_DGRAM || id === this.rts.ident;
  }

  /** ping6_common.c: ping6_parse_reply(): the hop limit from its IPV6_HOPLIMIT cmsg */
  private parseReply6(m: RecvMsg): number {
    const rts = this.rts;
    const icp = m.data;
    const cc = icp.length;
    const from = m.from as SockAddrIn6;
    const hops = m.ttl ?? -1;
    if (cc < 8) {
      if (rts.optVerbose) error(this.p, 0, 0, `packet too short: ${cc} bytes`);
      return 1;
    }
    const type = icp[0]!;
    if (type === ICMP6_ECHO_REPLY) {
      if (!this.isOurs((icp[4]! << 8) | icp[5]!)) return 1;
      const wrongSource = !rts.multicast && !rts.subnetRouterAnycast && !from.addr6.every((x, i) => x === rts.whereto6[i]);
      const seq = (icp[6]! << 8) | icp[7]!;
      const recvUs = rts.optLatency ? this.clock.us() : this.clock.us(m.stamp);
      if (this.gatherStatistics(icp, 8, cc, seq, hops, false, recvUs, this.prAddr6(from.addr6, from.scopeId), wrongSource)) {
        fflush(this.p);
        return 0;
      }
    } else {
      // errors come through IPV6_RECVERR; anything else is not ours
      return 1;
    }
    if (rts.optAudible) this.printf("\x07");
    if (!rts.optFlood) {
      this.printf("\n");
      fflush(this.p);
    }
    return 0;
  }

  /** ping.c: pr_addr() of a sockaddr_in6: getnameinfo(NI_NUMERICHOST), with the scope's
   * device after a link-local address */
  prAddr6(a: Uint8Array, scope: number): string {
    let s = inetNtop6(a);
    const ll = (a[0] === 0xfe && (a[1]! & 0xc0) === 0x80) || (a[0] === 0xff && (a[1]! & 0x0f) === 2);
    if (scope && ll) s += `%${this.ifIndexName(scope) ?? String(scope)}`;
    return s;
  }

  /** if_indextoname() */
  private ifIndexName(ifindex: number): string | undefined {
    for (const m of this.sys.rtnl.dump({ type: "RTM_GETLINK", flags: {}, ifi: { family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 }, attrs: {} })) {
      if ("ifi" in m && m.ifi.index === ifindex) return m.attrs.IFLA_IFNAME;
    }
    return undefined;
  }

  /** ping.c: ping4_parse_reply(); returns 1 when the packet was not ours */
  private parseReply(m: RecvMsg): number {
    const rts = this.rts;
    if (rts.v6) return this.parseReply6(m);
    const buf = m.data;
    let cc = buf.length;
    const from = m.from.family === AF_INET ? (m.from as SockAddrIn).addr >>> 0 : 0;
    let hlen: number;
    let replyTtl: number;
    let opts: Uint8Array;
    if (this.ping4Sock.socktype === SOCK_RAW) {
      const ihl = cc > 0 ? buf[0]! & 0x0f : 0;
      hlen = ihl * 4;
      if (cc < hlen + 8 || ihl < 5) {
        if (rts.optVerbose) error(this.p, 0, 0, `packet too short (${cc} bytes) from ${this.prAddr(from)}`);
        return 1;
      }
      replyTtl = buf[8]!;
      opts = buf.subarray(20, hlen);
    } else {
      hlen = 0;
      replyTtl = m.ttl ?? 0;
      opts = new Uint8Array(0);
    }
    cc -= hlen;
    const icp = buf.subarray(hlen);
    const csfailed = inCksum(icp, 0, cc) !== 0;
    const type = icp[0]!;
    if (type === ICMP_ECHOREPLY) {
      const id = (icp[4]! << 8) | icp[5]!;
      if (!this.isOurs(id)) return 1;
      const wrongSource = !rts.broadcastPings && !rts.multicast && from !== rts.whereto;
      const seq = (icp[6]! << 8) | icp[7]!;
      const recvUs = rts.optLatency ? this.clock.us() : this.clock.us(m.stamp);
      if (this.gatherStatistics(icp, 8, cc, seq, replyTtl, csfailed, recvUs, this.prAddr(from), wrongSource)) {
        fflush(this.p);
        return 0;
      }
    } else {
      switch (type) {
        case ICMP_ECHO:
          return 1;
        case ICMP_SOURCE_QUENCH:
        case ICMP_REDIRECT:
        case ICMP_DEST_UNREACH:
        case ICMP_TIME_EXCEEDED:
        case ICMP_PARAMETERPROB: {
          if (cc < 8 + 20 + 8) return 1;
          const iph = icp.subarray(8);
          const ihl = (iph[0]! & 0x0f) * 4;
          if (cc < 8 + ihl + 8) return 1;
          const icp1 = iph.subarray(ihl);
          const daddr = ((iph[16]! << 24) | (iph[17]! << 16) | (iph[18]! << 8) | iph[19]!) >>> 0;
          if (icp1[0] !== ICMP_ECHO || daddr !== rts.whereto || !this.isOurs((icp1[4]! << 8) | icp1[5]!)) return 1;
          const seq1 = (icp1[6]! << 8) | icp1[7]!;
          const errorPkt = type !== ICMP_REDIRECT && type !== ICMP_SOURCE_QUENCH;
          if (errorPkt) {
            rts.acknowledge(seq1);
            return 0;
          }
          if (rts.optQuiet || rts.optFlood) return 1;
          this.printTimestamp();
          this.printf(`From ${this.prAddr(from)}: icmp_seq=${seq1} `);
          if (csfailed) this.printf("(BAD CHECKSUM)");
          this.prIcmph(type, icp[1]!, readU32(icp, 4), icp);
          return 1;
        }
        default:
          break;
      }
      if (rts.optFlood && !(rts.optVerbose || rts.optQuiet)) {
        this.printf(csfailed ? "!EC" : "!E");
        return 0;
      }
      if (!rts.optVerbose || rts.uid) return 0;
      if (rts.optPtimeofday) {
        const us = this.clock.us();
        this.printf(`${Math.floor(us / 1e6)}.${pad6(us % 1e6)} `);
      }
      this.printf(`From ${this.prAddr(from)}: `);
      if (csfailed) {
        this.printf("(BAD CHECKSUM)\n");
        return 0;
      }
      this.prIcmph(type, icp[1]!, readU32(icp, 4), icp);
      return 0;
    }

    if (rts.optAudible) this.printf("\x07");
    if (!rts.optFlood) {
      this.prOptions(opts, opts.length + 20);
      this.printf("\n");
      fflush(this.p);
    }
    return 0;
  }

  /** ping_common.c: gather_statistics(); nonzero when nothing more is to be printed */
  private gatherStatistics(
    icmph: Uint8Array,
    icmplen: number,
    cc: number,
    seq: number,
    hops: number,
    csfailed: boolean,
    recvUs: number,
    from: string,
    wrongSource: boolean,
  ): number {
    const rts = this.rts;
    let dupflag = false;
    let triptime = 0;
    rts.nreceived++;
    if (!csfailed) rts.acknowledge(seq);

    if (rts.timing && cc >= 8 + TIMEVAL_SIZE) {
      const sent = readTimeval(icmph, icmplen);
      triptime = recvUs - sent;
      if (triptime < 0) {
        error(this.p, 0, 0, `Warning: time of day goes back (${triptime}us), taking countermeasures`);
        triptime = 0;
        if (!rts.optLatency) rts.optLatency = true;
      }
      if (!csfailed) {
        rts.tsum += triptime;
        rts.tsum2 += triptime * triptime;
        if (triptime < rts.tmin) rts.tmin = triptime;
        if (triptime > rts.tmax) rts.tmax = triptime;
        if (!rts.rtt) rts.rtt = triptime * 8;
        else rts.rtt += triptime - Math.trunc(rts.rtt / 8);
        if (rts.optAdaptive) updateInterval(rts);
      }
    }

    if (csfailed) {
      ++rts.nchecksum;
      --rts.nreceived;
    } else if (rts.rcvdTest(seq)) {
      ++rts.nrepeats;
      --rts.nreceived;
      dupflag = true;
    } else {
      rts.rcvdSet(seq);
    }
    rts.confirm = rts.confirmFlag;

    if (rts.optQuiet) return 1;

    if (rts.optFlood) {
      this.printf(!csfailed ? "\b \b" : "\bC");
      return 0;
    }
    let s = "";
    if (rts.optPtimeofday) s += this.timestampStr();
    s += `${cc} bytes from ${from}:`;
    s += ` icmp_seq=${seq}`;
    if (rts.optVerbose && rts.ident !== -1) s += ` ident=${rts.ident}`;
    if (hops >= 0) s += ` ttl=${hops}`;
    if (cc < rts.datalen + 8) {
      this.printf(s + " (truncated)\n");
      return 1;
    }
    if (rts.timing) {
      if (triptime >= 100000 - 50) s += ` time=${Math.trunc((triptime + 500) / 1000)} ms`;
      else if (triptime >= 10000 - 5)
        s += ` time=${Math.trunc((triptime + 50) / 1000)}.${Math.trunc(((triptime + 50) % 1000) / 100)} ms`;
      else if (triptime >= 1000)
        s += ` time=${Math.trunc((triptime + 5) / 1000)}.${pad2(Math.trunc(((triptime + 5) % 1000) / 10))} ms`;
      else s += ` time=${Math.trunc(triptime / 1000)}.${pad3(triptime % 1000)} ms`;
    }
    if (dupflag && (!rts.multicast || rts.optVerbose)) s += " (DUP!)";
    if (csfailed) s += " (BAD CHECKSUM!)";
    if (wrongSource) s += " (DIFFERENT ADDRESS!)";

    // check the data
    const ptr = icmplen;
    const dp = rts.outpack;
    for (let i = TIMEVAL_SIZE; i < rts.datalen; i++) {
      const c = icmph[ptr + i];
      const d = dp[8 + i]!;
      if (c !== d) {
        s += `\nwrong data byte #${i} should be 0x${d.toString(16)} but was 0x${(c ?? 0).toString(16)}`;
        for (let j = TIMEVAL_SIZE; j < rts.datalen; j++) {
          if (j % 32 === TIMEVAL_SIZE) s += `\n#${j}\t`;
          s += `${(icmph[ptr + j] ?? 0).toString(16)} `;
        }
        break;
      }
    }
    this.printf(s);
    return 0;
  }

  private timestampStr(): string {
    const us = this.clock.us();
    return `[${Math.floor(us / 1e6)}.${pad6(us % 1e6)}] `;
  }

  /** ping_common.c: print_timestamp() */
  private printTimestamp(): void {
    if (this.rts.optPtimeofday) this.printf(this.timestampStr());
  }

  /** ping.c: pr_addr() */
  private prAddr(a: number): string {
    const address = ntoa(a);
    if (this.rts.exiting || this.rts.optNumeric) return address;
    const name = this.names.lookup(a);
    return name ? `${name} (${address})` : address;
  }

  /** ping.c: pr_icmph() */
  private prIcmph(type: number, code: number, info: number, icp: Uint8Array | undefined): void {
    const rts = this.rts;
    const pf = (s: string): void => this.printf(s);
    switch (type) {
      case ICMP_ECHOREPLY:
        pf("Echo Reply\n");
        break;
      case ICMP_DEST_UNREACH:
        pf(destUnreachText(code, info));
        if (icp && rts.optVerbose) this.prIph(icp.subarray(8));
        break;
      case ICMP_SOURCE_QUENCH:
        pf("Source Quench\n");
        if (icp && rts.optVerbose) this.prIph(icp.subarray(8));
        break;
      case ICMP_REDIRECT: {
        const t = ["Redirect Network", "Redirect Host", "Redirect Type of Service and Network", "Redirect Type of Service and Host"][code];
        pf(t ?? `Redirect, Bad Code: ${code}`);
        const gw = icp ? readU32(icp, 4) : info;
        pf(`(New nexthop: ${this.prAddr(gw)})\n`);
        if (icp && rts.optVerbose) this.prIph(icp.subarray(8));
        break;
      }
      case ICMP_ECHO:
        pf("Echo Request\n");
        break;
      case ICMP_TIME_EXCEEDED:
        if (code === 0) pf("Time to live exceeded\n");
        else if (code === 1) pf("Frag reassembly time exceeded\n");
        else pf(`Time exceeded, Bad Code: ${code}\n`);
        if (icp && rts.optVerbose) this.prIph(icp.subarray(8));
        break;
      case ICMP_PARAMETERPROB:
        pf(`Parameter problem: pointer = ${icp ? readU32(icp, 4) >>> 24 : info}\n`);
        if (icp && rts.optVerbose) this.prIph(icp.subarray(8));
        break;
      case ICMP_TIMESTAMP:
        pf("Timestamp\n");
        break;
      case ICMP_TIMESTAMPREPLY:
        pf("Timestamp Reply\n");
        break;
      case ICMP_INFO_REQUEST:
        pf("Information Request\n");
        break;
      case ICMP_INFO_REPLY:
        pf("Information Reply\n");
        break;
      case ICMP_ADDRESS:
        pf("Address Mask Request\n");
        break;
      case ICMP_ADDRESSREPLY:
        pf("Address Mask Reply\n");
        break;
      default:
        pf(`Bad ICMP type: ${type}\n`);
    }
  }

  /** ping.c: pr_iph() — fields printed from the raw header bytes as ping reads them */
  private prIph(ip: Uint8Array): void {
    if (ip.length < 20) return;
    const hlen = (ip[0]! & 0x0f) << 2;
    // the struct fields are read in host (little-endian) order, as the C does
    const le16 = (o: number): number => ip[o]! | (ip[o + 1]! << 8);
    const fragOff = le16(6);
    this.printf("Vr HL TOS  Len   ID Flg  off TTL Pro  cks      Src      Dst Data\n");
    this.printf(` ${(ip[0]! >> 4).toString(16)}  ${(ip[0]! & 0xf).toString(16)}  ${hex2(ip[1]!)} ${hex4(le16(2))} ${hex4(le16(4))}`);
    this.printf(`   ${((fragOff & 0xe000) >> 13).toString(16)} ${hex4(fragOff & 0x1fff)}`);
    this.printf(`  ${hex2(ip[8]!)}  ${hex2(ip[9]!)} ${hex4(le16(10))}`);
    this.printf(` ${ntoa(readU32(ip, 12))} `);
    this.printf(` ${ntoa(readU32(ip, 16))} `);
    this.printf("\n");
    this.prOptions(ip.subarray(20, hlen), hlen);
  }

  private oldRr: Uint8Array | undefined;

  /** ping.c: pr_options() */
  private prOptions(opts: Uint8Array, hlen: number): void {
    let totlen = hlen - 20;
    let o = 0;
    const pf = (s: string): void => this.printf(s);
    while (totlen > 0) {
      if (o >= opts.length) break;
      const optv = opts[o]!;
      if (optv === IPOPT_EOL) break;
      if (optv === IPOPT_NOP) {
        totlen--;
        o++;
        pf("\nNOP");
        continue;
      }
      const olen = opts[o + 1] ?? 0;
      if (olen < 2 || olen > totlen) break;
      let cp = o;
      switch (optv) {
        case IPOPT_SSRR:
        case IPOPT_LSRR: {
          pf(`\n${optv === IPOPT_SSRR ? "S" : "L"}SRR: `);
          let j = opts[++cp]!;
          cp++;
          if (j > IPOPT_MINOFF) {
            for (;;) {
              const a = readU32(opts, cp);
              cp += 4;
              pf(a === 0 ? "\t0.0.0.0" : `\t${this.prAddr(a)}`);
              j -= 4;
              pf("\n");
              if (j <= IPOPT_MINOFF) break;
            }
          }
          break;
        }
        case IPOPT_RR: {
          const j = opts[++cp]!;
          let i = opts[++cp]!;
          if (i > j) i = j;
          i -= IPOPT_MINOFF;
          if (i <= 0) break;
          const cur = opts.slice(cp, cp + i);
          if (this.oldRr && this.oldRr.length === i && this.oldRr.every((v, k) => v === cur[k]) && !this.rts.optFlood) {
            pf("\t(same route)");
            break;
          }
          this.oldRr = cur;
          pf("\nRR: ");
          cp++;
          for (;;) {
            const a = readU32(opts, cp);
            cp += 4;
            pf(a === 0 ? "\t0.0.0.0" : `\t${this.prAddr(a)}`);
            i -= 4;
            pf("\n");
            if (i <= 0) break;
          }
          break;
        }
        case IPOPT_TS: {
          let stdtime = 0;
          let nonstdtime = 0;
          const j = opts[++cp]!;
          let i = opts[++cp]!;
          if (i > j) i = j;
          i -= 5;
          if (i <= 0) break;
          const flags = opts[++cp]!;
          pf("\nTS: ");
          cp++;
          for (;;) {
            if ((flags & 0xf) !== IPOPT_TS_TSONLY) {
              const a = readU32(opts, cp);
              cp += 4;
              pf(a === 0 ? "\t0.0.0.0" : `\t${this.prAddr(a)}`);
              i -= 4;
              if (i <= 0) break;
            }
            const l = readU32(opts, cp);
            cp += 4;
            if (l & 0x80000000) {
              if (nonstdtime === 0) pf(`\t${l & 0x7fffffff} absolute not-standard`);
              else pf(`\t${(l & 0x7fffffff) - nonstdtime} not-standard`);
              nonstdtime = l & 0x7fffffff;
            } else {
              if (stdtime === 0) pf(`\t${l} absolute`);
              else pf(`\t${l - stdtime}`);
              stdtime = l;
            }
            i -= 4;
            pf("\n");
            if (i <= 0) break;
          }
          if (flags >> 4) pf(`Unrecorded hops: ${flags >> 4}\n`);
          break;
        }
        default:
          pf(`\nunknown option ${optv.toString(16)}`);
          break;
      }
      totlen -= olen;
      o += olen;
    }
  }
}

/** ping6_common.c: print_icmp() */
function printIcmp6(type: number, code: number, info: number): string {
  switch (type) {
    case 1: {
      const t = ["No route", "Administratively prohibited", "Beyond scope of source address", "Address unreachable", "Port unreachable"][code];
      return `Destination unreachable: ${t ?? `Unknown code ${code}`}`;
    }
    case 2:
      return `Packet too big: mtu=${info}` + (code ? `, code=${code}` : "");
    case 3:
      return `Time exceeded: ${code === 0 ? "Hop limit" : code === 1 ? "Defragmentation failure" : `code ${code}`}`;
    case 4: {
      const t = code === 0 ? "Wrong header field " : code === 1 ? "Unknown header " : code === 2 ? "Unknown option " : `code ${code} `;
      return `Parameter problem: ${t}at ${info}`;
    }
    case 128:
      return "Echo request";
    case 129:
      return "Echo reply";
    case 130:
      return "MLD Query";
    case 131:
      return "MLD Report";
    case 132:
      return "MLD Reduction";
    default:
      return `unknown icmp type: ${type}`;
  }
}

/** ping.c: pr_icmph(), the ICMP_DEST_UNREACH texts */
function destUnreachText(code: number, info: number): string {
  switch (code) {
    case 0:
      return "Destination Net Unreachable\n";
    case 1:
      return "Destination Host Unreachable\n";
    case 2:
      return "Destination Protocol Unreachable\n";
    case 3:
      return "Destination Port Unreachable\n";
    case 4:
      return `Frag needed and DF set (mtu = ${info >>> 0})\n`;
    case 5:
      return "Source Route Failed\n";
    case 6:
      return "Destination Net Unknown\n";
    case 7:
      return "Destination Host Unknown\n";
    case 8:
      return "Source Host Isolated\n";
    case 9:
      return "Destination Net Prohibited\n";
    case 10:
      return "Destination Host Prohibited\n";
    case 11:
      return "Destination Net Unreachable for Type of Service\n";
    case 12:
      return "Destination Host Unreachable for Type of Service\n";
    case 13:
      return "Packet filtered\n";
    case 14:
      return "Precedence Violation\n";
    case 15:
      return "Precedence Cutoff\n";
    default:
      return `Dest Unreachable, Bad Code: ${code}\n`;
  }
}

function readU32(b: Uint8Array, o: number): number {
  return (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
}

/** struct timeval, x86_64 little-endian: 8 bytes tv_sec, 8 bytes tv_usec */
function writeTimeval(b: Uint8Array, o: number, us: number): void {
  const sec = Math.floor(us / 1e6);
  const usec = us - sec * 1e6;
  writeLe64(b, o, sec);
  writeLe64(b, o + 8, usec);
}

function writeLe64(b: Uint8Array, o: number, v: number): void {
  let lo = v % 0x100000000;
  let hi = Math.floor(v / 0x100000000);
  for (let i = 0; i < 4; i++) {
    b[o + i] = lo & 0xff;
    lo = Math.floor(lo / 256);
  }
  for (let i = 4; i < 8; i++) {
    b[o + i] = hi & 0xff;
    hi = Math.floor(hi / 256);
  }
}

function readLe64(b: Uint8Array, o: number): number {
  let lo = 0;
  let hi = 0;
  for (let i = 3; i >= 0; i--) lo = lo * 256 + (b[o + i] ?? 0);
  for (let i = 7; i >= 4; i--) hi = hi * 256 + (b[o + i] ?? 0);
  return hi * 0x100000000 + lo;
}

function readTimeval(b: Uint8Array, o: number): number {
  return readLe64(b, o) * 1e6 + readLe64(b, o + 8);
}

/** the millisecond count pinger() derives from two CLOCK_MONOTONIC_RAW timespecs */
function elapsedMs(now: Micros, then: Micros): number {
  const s1 = Math.floor(now / 1e6);
  const s0 = Math.floor(then / 1e6);
  const ns1 = (now - s1 * 1e6) * 1000;
  const ns0 = (then - s0 * 1e6) * 1000;
  return (s1 - s0) * 1000 + Math.trunc((ns1 - ns0) / 1000000);
}

/** ping_common.c: update_interval() */
function updateInterval(rts: PingRts): void {
  const est = rts.rtt ? Math.trunc(rts.rtt / 8) : rts.interval * 1000;
  rts.interval = Math.trunc((est + rts.rttAddend + 500) / 1000);
  if (rts.uid && rts.interval < MINUSERINTERVAL) rts.interval = MINUSERINTERVAL;
}

/** ping_common.c: sock_setbufs() */
function sockSetbufs(p: Process, rts: PingRts, sock: Socket, alloc: number): void {
  if (!rts.sndbuf) rts.sndbuf = alloc;
  sock.setsockopt("SO_SNDBUF", rts.sndbuf);
  const rcvbuf = alloc * rts.preload;
  let hold = rcvbuf;
  if (hold < 65536) hold = 65536;
  sock.setsockopt("SO_RCVBUF", hold);
  const got = sock.getsockopt("SO_RCVBUF");
  if (typeof got === "number" && got < rcvbuf) error(p, 0, 0, "WARNING: probably, rcvbuf is not enough to hold preload");
}

/** ping_common.c: sock_setmark() */
function sockSetmark(p: Process, mark: number, sock: Socket): void {
  const e = sock.setsockopt("SO_MARK", mark);
  if (e) error(p, 0, e.errno, `WARNING: failed to set mark: ${mark}`);
}

/** ping_common.c: llsqrt() */
function llsqrt(a: number): number {
  let prev = Number.MAX_SAFE_INTEGER;
  let x = a;
  if (x > 0) {
    while (x < prev) {
      prev = x;
      x = Math.trunc((x + Math.trunc(a / x)) / 2);
    }
  }
  return x;
}

/** ping_common.c: finish() — the statistics; returns the exit status */
function finish(p: Process, rts: PingRts): number {
  const tv = rts.curTime - rts.startTime;
  const tvSec = Math.floor(tv / 1e6);
  const tvNsec = (tv - tvSec * 1e6) * 1000;
  let comma = "";
  p.stdout.write("\n");
  fflush(p);
  let s = `--- ${rts.hostname} ping statistics ---\n`;
  s += `${rts.ntransmitted} packets transmitted, `;
  s += `${rts.nreceived} received`;
  if (rts.nrepeats) s += `, +${rts.nrepeats} duplicates`;
  if (rts.nchecksum) s += `, +${rts.nchecksum} corrupted`;
  if (rts.nerrors) s += `, +${rts.nerrors} errors`;
  if (rts.ntransmitted) {
    const loss = Math.fround(((rts.ntransmitted - rts.nreceived) * 100.0) / rts.ntransmitted);
    s += `, ${fmtG(loss)}% packet loss`;
    s += `, time ${1000 * tvSec + Math.trunc((tvNsec + 500000) / 1000000)}ms`;
  }
  s += "\n";
  if (rts.nreceived && rts.timing) {
    const total = rts.nreceived + rts.nrepeats;
    const tmavg = Math.trunc(rts.tsum / total);
    let tmvar: number;
    if (rts.tsum < INT_MAX) tmvar = Math.trunc((rts.tsum2 - (rts.tsum * rts.tsum) / total) / total);
    else tmvar = Math.trunc(rts.tsum2 / total) - tmavg * tmavg;
    const tmdev = llsqrt(tmvar);
    const f = (v: number): string => `${Math.trunc(v / 1000)}.${pad3(Math.trunc(v % 1000))}`;
    s += `rtt min/avg/max/mdev = ${f(rts.tmin)}/${f(tmavg)}/${f(rts.tmax)}/${f(tmdev)} ms`;
    comma = ", ";
  }
  if (rts.pipesize > 1) {
    s += `${comma}pipe ${rts.pipesize}`;
    comma = ", ";
  }
  if (rts.nreceived && (!rts.interval || rts.optFlood || rts.optAdaptive) && rts.ntransmitted > 1) {
    const ipg = Math.trunc((1000000 * tvSec + Math.trunc(tvNsec / 1000)) / (rts.ntransmitted - 1));
    s += `${comma}ipg/ewma ${Math.trunc(ipg / 1000)}.${pad3(ipg % 1000)}/${Math.trunc(rts.rtt / 8000)}.${pad3(Math.trunc(rts.rtt / 8) % 1000)} ms`;
  }
  s += "\n";
  p.stdout.write(s);
  return !rts.nreceived || (rts.deadline && rts.nreceived < rts.npackets) ? 1 : 0;
}

/** ping.c: parsetos() */
function parsetos(p: Process, str: string): number {
  let tos: number;
  let rest: string;
  if (str[0] === "0" && (str[1] === "x" || str[1] === "X")) {
    const m = /^[+-]?[0-9a-fA-F]*/.exec(str.slice(2))![0];
    tos = m === "" || m === "+" || m === "-" ? 0 : parseInt(m, 16);
    rest = str.slice(2 + m.length);
  } else {
    const m = /^\s*[+-]?\d*/.exec(str)![0];
    tos = /\d/.test(m) ? parseInt(m, 10) : 0;
    rest = /\d/.test(m) ? str.slice(m.length) : str;
  }
  if (rest !== "") error(p, 2, 0, `bad TOS value: ${str}`);
  if (tos > TOS_MAX) error(p, 2, 0, `the decimal value of TOS bits must be in range 0-255: ${tos}`);
  return tos;
}

/** ping.c: ping_strtod() */
function pingStrtod(p: Process, str: string, errMsg: string): number {
  if (str === "") error(p, 2, 0, `${errMsg}: ${str}`);
  const [num, end] = strtod(str);
  if (end === str || end !== "") {
    error(p, 0, 0, `option argument contains garbage: ${end}`);
    error(p, 0, 0, "this will become fatal error in the future");
  }
  if (!Number.isFinite(num)) error(p, 2, "ERANGE", `${errMsg}: ${str}`);
  return num;
}

/** ping_common.c: fill() */
function fill(p: Process, rts: PingRts, patp: string): void {
  for (let i = 0; i < patp.length; i++) {
    if (!/[0-9a-fA-F]/.test(patp[i]!)) error(p, 2, 0, `patterns must be specified as hex digits: ${patp.slice(i)}`);
  }
  const pat: number[] = [];
  for (let i = 0; i < patp.length && pat.length < 16; i += 2) pat.push(parseInt(patp.slice(i, i + 2), 16));
  const ii = pat.length;
  const bp = rts.outpack;
  if (ii > 0) {
    const size = rts.datalen;
    const max = size < ii + 8 ? 0 : size - ii + 8;
    for (let kk = 0; kk <= max; kk += ii) for (let jj = 0; jj < ii; jj++) if (8 + jj + kk < bp.length) bp[8 + jj + kk] = pat[jj]!;
  }
  if (!rts.optQuiet) {
    let s = "PATTERN: 0x";
    for (let jj = 0; jj < ii; jj++) s += hex2(bp[8 + jj]!);
    p.stdout.write(s + "\n");
  }
}

/** ping.c: create_socket() */
function createSocket(p: Process, rts: PingRts, family: number, socktype: number, protocol: number, requisite: boolean): SocketSt {
  let s: Socket | KErr | undefined;
  let doFallback = false;
  let err: Errno | undefined;
  if (socktype === SOCK_DGRAM) {
    s = p.sys.socket(family, socktype, protocol);
    if (isKErr(s)) {
      err = s.errno;
      if (err === "EAFNOSUPPORT" && family === AF_INET) doFallback = true;
      if (err === "EPROTONOSUPPORT") doFallback = true;
      if (err === "EACCES") doFallback = true;
    }
  }
  if (socktype === SOCK_RAW || doFallback) {
    socktype = SOCK_RAW;
    s = p.sys.socket(family, SOCK_RAW, protocol);
    err = isKErr(s) ? s.errno : undefined;
  }
  if (s && !isKErr(s)) {
    // limit_capabilities(): ping works without CAP_NET_RAW in its effective set; only the
    // socket() above raised it (enable_capability_raw())
    s.capNetRaw = false;
    return { sock: s, socktype, fd: 0 };
  }
  if (requisite || rts.optVerbose) {
    error(p, 0, 0, `socktype: ${strSocktype(socktype)}`);
    error(p, 0, err ?? 0, "socket");
  }
  if (requisite) throw new Exit(2);
  return { sock: undefined, socktype, fd: -1 };
}

function strSocktype(t: number): string {
  if (!t) return "0";
  if (t === SOCK_DGRAM) return "SOCK_DGRAM";
  if (t === SOCK_RAW) return "SOCK_RAW";
  return String(t);
}

function strFamily(f: number): string {
  if (f === AF_UNSPEC) return "AF_UNSPEC";
  if (f === AF_INET) return "AF_INET";
  if (f === AF_INET6) return "AF_INET6";
  return String(f);
}

/** getaddrinfo() of an IPv6 literal with AI_NUMERICHOST's parsing: the address and its scope
 * (after %, a device name or a number; -1 for a name no device has) */
function inet6Literal(p: Process, s: string): { addr: Uint8Array; scope: number } | undefined {
  const pct = s.indexOf("%");
  const addr = inetPton6(pct >= 0 ? s.slice(0, pct) : s);
  if (!addr) return undefined;
  if (pct < 0) return { addr, scope: 0 };
  const name = s.slice(pct + 1);
  if (/^[0-9]+$/.test(name)) return { addr, scope: Number(name) };
  const r = p.sys.ioctl({ request: "SIOCGIFINDEX", ifname: name });
  return { addr, scope: isKErr(r) ? -1 : Number((r as Record<string, unknown>)["ifindex"] ?? 0) };
}

/** ping.c: main() */
export async function ping(p: Process): Promise<number> {
  // its stdout through stdio: block-buffered on a pipe, flushed where ping_common.c fflush()es
  // and at exit (a SIGTERM before the first reply leaves nothing, not even the PING line)
  // (the process's own stdout is swapped for the time it runs: an object chained to the
  // process as its prototype made every property read of ping's a prototype walk)
  const raw = p.stdout;
  const out = new CStdout(raw, p.isatty);
  p.stdout = out;
  try {
    return await pingMain(p);
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  } finally {
    out.flush();
    p.stdout = raw;
  }
}

async function pingMain(p: Process): Promise<number> {
  const rts = new PingRts();
  let family = AF_UNSPEC;
  let socktype = SOCK_DGRAM;
  let outpackFill: string | undefined;
  const a0 = p.argv[0] ?? "ping";
  if (a0.endsWith("4")) family = AF_INET;
  else if (a0.endsWith("6")) family = AF_INET6;

  const { opts, operands } = getopt(p, p.argv.slice(1), "h?4bRT:6F:N:aABc:CdDe:fi:I:l:Lm:M:nOp:qQ:rs:S:t:UvVw:W:");
  for (const { opt, arg, msg } of opts) {
    switch (opt) {
      case "4":
        if (family === AF_INET6) error(p, 2, 0, "only one -4 or -6 option may be specified");
        family = AF_INET;
        break;
      case "b":
        rts.broadcastPings = true;
        break;
      case "e":
        rts.ident = strtoulOrErr(p, arg, "invalid argument", 0, IDENTIFIER_MAX);
        break;
      case "R":
        if (rts.optTimestamp) error(p, 2, 0, "only one of -T or -R may be used");
        rts.optRroute = true;
        break;
      case "T":
        if (rts.optRroute) error(p, 2, 0, "only one of -T or -R may be used");
        rts.optTimestamp = true;
        if (arg === "tsonly") rts.tsType = IPOPT_TS_TSONLY;
        else if (arg === "tsandaddr") rts.tsType = IPOPT_TS_TSANDADDR;
        else if (arg === "tsprespec") rts.tsType = IPOPT_TS_PRESPEC;
        else error(p, 2, 0, `invalid timestamp type: ${arg}`);
        break;
      case "6":
        if (family === AF_INET) error(p, 2, 0, "only one -4 or -6 option may be specified");
        family = AF_INET6;
        break;
      case "F":
      case "N":
        // IPv6 flow label / node information queries: IPv6 ping is not emulated
        break;
      case "a":
        rts.optAudible = true;
        break;
      case "A":
        rts.optAdaptive = true;
        break;
      case "B":
        rts.optStrictsource = true;
        break;
      case "c":
        rts.npackets = strtolOrErr(p, arg, "invalid argument", 1, LONG_MAX);
        break;
      case "C":
        rts.optConnectSk = true;
        break;
      case "d":
        rts.optSoDebug = true;
        break;
      case "D":
        rts.optPtimeofday = true;
        break;
      case "i": {
        const optval = pingStrtod(p, arg, "bad timing interval");
        if (optval > INT_MAX / 1000) error(p, 2, 0, `bad timing interval: ${arg}`);
        rts.interval = Math.trunc(optval * 1000);
        rts.optInterval = true;
        break;
      }
      case "I":
        if (arg.includes(":")) {
          // an IPv6 source, its %device after it
          const pct = arg.indexOf("%");
          const a6 = inetPton6(pct >= 0 ? arg.slice(0, pct) : arg);
          if (pct >= 0) rts.device = arg.slice(pct + 1);
          if (!a6) error(p, 2, 0, `invalid source address: ${arg}`);
          rts.source6 = a6!;
          rts.optStrictsource = true;
        } else {
          const a = inetPton4(arg);
          if (a !== undefined) {
            rts.source = a;
            rts.optStrictsource = true;
          } else rts.device = arg;
        }
        break;
      case "l":
        rts.preload = strtolOrErr(p, arg, "invalid argument", 1, MAX_DUP_CHK);
        if (rts.uid && rts.preload > 3) error(p, 2, 0, `cannot set preload to value greater than 3: ${rts.preload}`);
        break;
      case "L":
        rts.optNoloop = true;
        break;
      case "m":
        rts.mark = strtoulOrErr(p, arg, "invalid argument", 0, 0xffffffff);
        rts.optMark = true;
        break;
      case "M":
        if (arg === "do") rts.pmtudisc = IP_PMTUDISC_DO;
        else if (arg === "dont") rts.pmtudisc = IP_PMTUDISC_DONT;
        else if (arg === "want") rts.pmtudisc = IP_PMTUDISC_WANT;
        else error(p, 2, 0, `invalid -M argument: ${arg}`);
        break;
      case "n":
        rts.optNumeric = true;
        break;
      case "O":
        rts.optOutstanding = true;
        break;
      case "f":
        rts.optFlood = true;
        rts.optNumeric = true;
        if (p.stdout instanceof CStdout) p.stdout.unbuffered();
        break;
      case "p":
        rts.optPingfilled = true;
        outpackFill = arg;
        break;
      case "q":
        rts.optQuiet = true;
        break;
      case "Q":
        rts.settos = parsetos(p, arg);
        break;
      case "r":
        rts.optSoDontroute = true;
        break;
      case "s":
        rts.datalen = strtolOrErr(p, arg, "invalid argument", 0, INT_MAX);
        break;
      case "S":
        rts.sndbuf = strtolOrErr(p, arg, "invalid argument", 1, INT_MAX);
        break;
      case "t":
        rts.ttl = strtolOrErr(p, arg, "invalid argument", 0, 255);
        rts.optTtl = true;
        break;
      case "U":
        rts.optLatency = true;
        break;
      case "v":
        rts.optVerbose = true;
        break;
      case "V":
        p.stdout.write(
          "ping from iputils 20221126\n" +
            "libcap: yes, IDN: yes, NLS: no, error.h: yes, getrandom(): yes, __fpending(): yes\n",
        );
        return 0;
      case "w":
        rts.deadline = strtolOrErr(p, arg, "invalid argument", 0, INT_MAX);
        break;
      case "W": {
        const optval = pingStrtod(p, arg, "bad linger time");
        if (optval < 0 || optval > INT_MAX / 1000) error(p, 2, 0, `bad linger time: ${arg}`);
        rts.lingertime = Math.trunc(optval * 1000);
        break;
      }
      default:
        if (msg) p.stderr.write(msg);
        usage(p);
    }
  }

  if (!operands.length) error(p, 1, 0, "usage error: Destination address required");

  const target = operands[operands.length - 1]!;
  rts.outpack = allocBytes(rts.datalen + 28);
  if (outpackFill !== undefined) fill(p, rts, outpackFill);

  if (rts.ident === 0) {
    if (rts.optVerbose) error(p, 0, 0, "WARNING: ident 0 => forcing raw socket");
    socktype = SOCK_RAW;
  }

  let sock4: SocketSt = { sock: undefined, socktype: 0, fd: -1 };
  let sock6: SocketSt = { sock: undefined, socktype: 0, fd: -1 };
  let nextFd = 3;
  if (family !== AF_INET6) {
    sock4 = createSocket(p, rts, AF_INET, socktype, IPPROTO_ICMP, family === AF_INET);
    if (sock4.sock) sock4.fd = nextFd++;
  }
  if (family !== AF_INET) {
    // (the emulator has no ICMPv6 socket; where a machine's socket() succeeds and the lookup
    // then fails — an IPv4 literal asked for as AF_INET6, EAI_ADDRFAMILY — that is all ping says)
    if (family === AF_INET6 && !rts.optVerbose && inetAton(target) !== undefined) error(p, 2, 0, `${target}: ${EAI_ADDRFAMILY}`);
    sock6 = createSocket(p, rts, AF_INET6, socktype, IPPROTO_ICMPV6, !sock4.sock);
    if (sock6.sock) sock6.fd = nextFd++;
  }
  // the family asked for: the lookup's (the emulator has no ICMPv6 socket, so an unspecified
  // family falls back to AF_INET below where a real machine keeps AF_UNSPEC)
  const askedFamily = family;
  try {
    if (family === AF_UNSPEC) {
      if (!sock4.sock) family = AF_INET6;
      else if (!sock6.sock) family = AF_INET;
    }
    if (rts.optVerbose)
      error(
        p,
        0,
        0,
        `sock4.fd: ${sock4.fd} (socktype: ${strSocktype(sock4.socktype)}), sock6.fd: ${sock6.fd} (socktype: ${strSocktype(sock6.socktype)}), hints.ai_family: ${strFamily(family)}\n`,
      );
    if (rts.settos && sock4.sock) {
      const e = sock4.sock.setsockopt("IP_TOS", rts.settos);
      if (e) error(p, 2, e.errno, "setsockopt");
    }

    // an IPv6 literal: ping6_run() (getaddrinfo() of a numeric host, its %scope a device)
    const lit6 = askedFamily !== AF_INET ? inet6Literal(p, target) : undefined;
    if (lit6) {
      if (!target.includes("%") && sock6.socktype === SOCK_DGRAM && (lit6.addr[0] === 0xfe && (lit6.addr[1]! & 0xc0) === 0x80 || lit6.addr[0] === 0xff && (lit6.addr[1]! & 0x0f) === 2)) {
        error(p, 0, 0, "Warning: IPv6 link-local address on ICMP datagram socket may require ifname or scope-id => use: address%<ifname|scope-id>");
      }
      if (lit6.scope < 0) error(p, 2, 0, `${target}: ${EAI_NONAME}`);
      if (rts.optVerbose) p.stdout.write(`ai->ai_family: AF_INET6, ai->ai_canonname: '${target}'\n`);
      if (!sock6.sock) error(p, 2, "EBADF", "setsockopt");
      rts.v6 = true;
      rts.whereto6 = lit6.addr;
      rts.whereto6Scope = lit6.scope;
      const run6 = new Ping4(p, rts, sock6);
      return await run6.run6(operands);
    }
    const ai = await getaddrinfo(p, target, askedFamily === AF_INET ? "inet" : "unspec");
    if (typeof ai === "string") error(p, 2, 0, `${target}: ${ai}`);
    const res = ai as AddrInfo;
    if (rts.optVerbose) p.stdout.write(`ai->ai_family: AF_INET, ai->ai_canonname: '${res.canonname}'\n`);
    if (family === AF_INET6) error(p, 2, 0, `${target}: ${EAI_ADDRFAMILY}`);
    if (!sock4.sock) error(p, 2, "EBADF", "setsockopt");

    const run = new Ping4(p, rts, sock4);
    return await run.run(operands, res);
  } finally {
    sock4.sock?.close();
    sock6.sock?.close();
  }
}
