/**
 * nc — netcat-openbsd 1.219 (Debian 12's `netcat-openbsd`): netcat.c main() (option parsing,
 * the "cruft" checks and their messages), build_ports()/strtoport(), remote_connect(),
 * timeout_connect(), local_listen(), udptest(), connection_info(), report_sock() and the
 * readwrite() poll loop, for AF_INET and AF_INET6 (numeric IPv6 addresses; names resolve to
 * IPv4 only) over the emulated kernel's sockets.
 *
 * Kernel contract: socket(AF_INET, SOCK_DGRAM|SOCK_STREAM, 0), bind, connect, sendto,
 * recvfrom, onReadable. A pending socket error (what read(2)/poll(2) report as POLLERR after
 * an ICMP port unreachable) is taken from the error queue: the socket is opened with
 * IP_RECVERR so that the uapi's recvErr() shows it (read(2)'s ECONNREFUSED on a UDP socket).
 * TCP follows the uapi's stream contract: connect() answers EINPROGRESS, poll + SO_ERROR /
 * getpeername() finish it, a zero-length recvfrom() is end of stream, -N is shutdown(SHUT_WR).
 * Sends wait SYSCALL_US so that what they trigger (an ICMP error, an ACK) is back before the
 * next syscall, as on Linux where those softirqs run inside the send.
 */
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import type { Socket, SockAddr, SockAddrIn, SockAddrIn6, RecvMsg } from "../../kernel/uapi/socket.ts";
import { SOCK_DGRAM, SOCK_STREAM } from "../../kernel/uapi/socket.ts";
import { AF_INET, AF_INET6 } from "../../kernel/uapi/rtnetlink.ts";
import { inetNtop6, inetPton6 } from "../lib/utils.ts";
import { isKErr, errnoNumbers, strerrorText, type Errno, type KErr } from "../../kernel/uapi/errno.ts";
import { SERVICES } from "../iptables/services.ts";
import { getaddrinfo, ntoa, procTimer, NameCache, EAI_ADDRFAMILY, EAI_NONAME } from "../iputils/common.ts";
import { inetAtonExact } from "../lib/inet_addr.ts";
import { gaiService, getservbyname } from "../lib/etc_files.ts";

const PORT_MAX = 65535;
const BUFSIZE = 16384;
const UDP_SCAN_TIMEOUT = 3;

/** the errno name of a number (SO_ERROR, ee_errno) */
function errnoName(n: number): Errno | undefined {
  for (const [k, v] of Object.entries(errnoNumbers)) if (v === n) return k as Errno;
  return undefined;
}
/** simulated duration of a send (see yieldNow) */
const SYSCALL_US = 50;

const USAGE =
  "usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n" +
  "\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n" +
  "\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n" +
  "\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n" +
  "\t  [destination] [port]\n";

/** help(): the header and the command summary around USAGE (nc -h, on stderr, exit 0) */
const HELP_HEAD = "OpenBSD netcat (Debian patchlevel 1.219-1)\n";
const HELP_SUMMARY = `	Command Summary:
		-4		Use IPv4
		-6		Use IPv6
		-b		Allow broadcast
		-C		Send CRLF as line-ending
		-D		Enable the debug socket option
		-d		Detach from stdin
		-F		Pass socket fd
		-h		This help text
		-I length	TCP receive buffer length
		-i interval	Delay interval for lines sent, ports scanned
		-k		Keep inbound sockets open for multiple connects
		-l		Listen mode, for inbound connects
		-M ttl		Outgoing TTL / Hop Limit
		-m minttl	Minimum incoming TTL / Hop Limit
		-N		Shutdown the network socket after EOF on stdin
		-n		Suppress name/port resolutions
		-O length	TCP send buffer length
		-P proxyuser	Username for proxy authentication
		-p port		Specify local port for remote connects
		-q secs		quit after EOF on stdin and delay of secs
		-r		Randomize remote ports
		-S		Enable the TCP MD5 signature option
		-s sourceaddr	Local source address
		-T keyword	TOS value
		-t		Answer TELNET negotiation
		-U		Use UNIX domain socket
		-u		UDP mode
		-V rtable	Specify alternate routing table
		-v		Verbose
		-W recvlimit	Terminate after receiving a number of packets
		-w timeout	Timeout for connects and final net reads
		-X proto	Proxy protocol: "4", "5" (SOCKS) or "connect"
		-x addr[:port]	Specify proxy address and port
		-Z		DCCP mode
		-z		Zero-I/O mode [used for scanning]
	Port numbers can be individual or ranges: lo-hi [inclusive]
`;

const OPTSTRING = "46bCDdFhI:i:klM:m:NnO:P:p:q:rSs:T:tUuV:vW:w:X:x:Zz";


const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
const UINT_MAX = 4294967295;

/** OpenBSD strtonum(3): a decimal (blanks and a sign before it) within [min, max] */
function strtonum(s: string, min: number, max: number): { value?: number; error?: "invalid" | "too small" | "too large" } {
  if (min > max || !/^[ \t\n\v\f\r]*[+-]?\d+$/.test(s)) return { error: "invalid" };
  const v = Number(s.trim());
  if (v < min) return { error: "too small" };
  if (v > max) return { error: "too large" };
  return { value: v };
}

/** netcat.c: process_tos_opt()'s keywords (IPTOS_* / DSCP values) */
const TOS_KEYWORDS: Record<string, number> = {
  af11: 0x28, af12: 0x30, af13: 0x38, af21: 0x48, af22: 0x50, af23: 0x58, af31: 0x68, af32: 0x70, af33: 0x78,
  af41: 0x88, af42: 0x90, af43: 0x98, critical: 0xa0, cs0: 0x00, cs1: 0x20, cs2: 0x40, cs3: 0x60, cs4: 0x80,
  cs5: 0xa0, cs6: 0xc0, cs7: 0xe0, ef: 0xb8, inetcontrol: 0xc0, lowcost: 0x02, lowdelay: 0x10, netcontrol: 0xe0,
  reliability: 0x04, throughput: 0x08, va: 0xb0,
};

class Nc {
  lflag = false;
  kflag = false;
  nflag = false;
  uflag = false;
  vflag = 0;
  zflag = false;
  dflag = false;
  Nflag = false;
  pflag: string | undefined;
  sflag: string | undefined;
  /** poll timeout in ms, -1 = forever */
  timeout = -1;
  /** -4 / -6: hints.ai_family (AF_UNSPEC until given) */
  family = 0;
  /** -T: IP_TOS for the sockets (set_common_sockopts()), -1 when not given */
  Tflag = -1;
  qflag = -1;
  recvlimit = 0;
  recvcount = 0;
  stdin: Uint8Array;
  stdinPos = 0;

  constructor(readonly p: Process) {
    this.stdin = p.stdinBytes ?? new TextEncoder().encode(p.stdin);
  }

  /** write(1, buf): the network's bytes, unchanged */
  writeOut(data: Uint8Array): void {
    if (this.p.stdout.writeBytes) this.p.stdout.writeBytes(data);
    else this.p.stdout.write(new TextDecoder().decode(data));
  }

  /** err(3) / warn(3): "nc: msg: strerror" */
  warn(msg: string, e?: Errno): void {
    this.p.stderr.write(`nc: ${msg}${e ? `: ${strerrorText[e]}` : ""}\n`);
  }
  errx(code: number, msg: string): never {
    this.p.stderr.write(`nc: ${msg}\n`);
    throw new Exit(code);
  }
  err(code: number, msg: string, e: Errno): never {
    this.warn(msg, e);
    throw new Exit(code);
  }
  usage(ret: number): never {
    this.p.stderr.write(USAGE);
    if (ret) throw new Exit(ret);
    throw new Exit(0);
  }

  /** set_common_sockopts(): -T's IP_TOS (the other options it sets have no effect here) */
  setCommonSockopts(s: Socket): void {
    if (this.Tflag !== -1) s.setsockopt(s.family === AF_INET6 ? "IPV6_TCLASS" : "IP_TOS", this.Tflag);
  }

  /** strtonum(3) of an option's value, or errx(1, what(errstr)) */
  num(s: string, min: number, max: number, what: (errstr: string) => string): number {
    const r = strtonum(s, min, max);
    if (r.error) this.errx(1, what(r.error));
    return r.value!;
  }

  /**
   * strtoport(): strtonum(3) from 1 to 65535 ("port number too large: 70000"), and what is
   * not a number at all a service name of the protocol (Debian keeps strtonum's "invalid"
   * message when there is none)
   */
  strtoport(s: string, services = true): number {
    const m = /^\s*[+-]?\d+$/.exec(s);
    if (!m) {
      const sv = services ? getservbyname(s, this.uflag ? "udp" : "tcp") : undefined;
      if (sv === undefined) this.errx(1, `port number invalid: ${s}`);
      return sv;
    }
    const v = Number(s.trim());
    if (v < 1) this.errx(1, `port number too small: ${s}`);
    if (v > PORT_MAX) this.errx(1, `port number too large: ${s}`);
    return v;
  }

  /** build_ports(): "lo-hi" ranges (that start with a digit; numbers only, the high end read
   * first) or one port, as numbers */
  buildPorts(p: string): string[] {
    const dash = p.indexOf("-");
    if (/^\d/.test(p) && dash > 0) {
      let hi = this.strtoport(p.slice(dash + 1), false);
      let lo = this.strtoport(p.slice(0, dash), false);
      if (lo > hi) [lo, hi] = [hi, lo];
      const out: string[] = [];
      for (let i = lo; i <= hi; i++) out.push(String(i));
      return out;
    }
    return [String(this.strtoport(p))];
  }

  /** getaddrinfo()'s service with nc's socket type: a port, or its EAI_SERVICE error */
  service(port: string): number {
    const n = gaiService(port, this.uflag ? "udp" : "tcp");
    if (n === undefined) this.errx(1, "getaddrinfo: Servname not supported for ai_socktype");
    return n;
  }

  // ---------------------------------------------------------------- waiting

  /** poll(2) on one socket (and nothing else): resolves when readable, on timeout (ms) or abort */
  async waitReadable(sk: Socket, ms: number): Promise<"ready" | "timeout" | "abort"> {
    const sys = this.p.sys;
    if (this.p.signal.aborted) return "abort";
    const b = sys.block();
    let why: "ready" | "timeout" | "abort" = "ready";
    const t = procTimer(sys, () => {
      why = "timeout";
      b.unblock();
    }, "nc");
    if (ms >= 0) t.mod(sys.now() + ms * 1000);
    const onAbort = () => {
      why = "abort";
      b.unblock();
    };
    this.p.signal.addEventListener("abort", onAbort);
    sk.onReadable(() => b.unblock());
    await b.promise;
    sk.onReadable(undefined);
    t.cancel();
    this.p.signal.removeEventListener("abort", onAbort);
    return why;
  }

  /**
   * The time one write(2) takes: on Linux the softirqs a send triggers (veth peers, a router,
   * the ICMP error coming back) run before the syscall returns; here they are scheduler events
   * a few µs apart (NET_RX_DELAY_US per hop), so the process lets them run first.
   */
  async yieldNow(): Promise<void> {
    await this.p.sys.sleep(SYSCALL_US);
  }

  // ---------------------------------------------------------------- sockets

  async resolve(host: string, port: string): Promise<SockAddrIn | SockAddrIn6> {
    const a = await this.getaddrinfo(host);
    if (typeof a === "string") this.errx(1, `getaddrinfo for host "${host}" port ${port}: ${a}`);
    if (a.addr6) return { family: AF_INET6, addr6: a.addr6, port: Number(port), scopeId: a.scopeId ?? 0 };
    return { family: 2, addr: a.addr, port: Number(port) };
  }

  /** remote_connect() */
  async remoteConnect(host: string, port: string): Promise<Socket | undefined> {
    const dst = await this.resolve(host, port);
    const v6 = dst.family === AF_INET6;
    this.ipaddr = v6 ? inetNtop6(dst.addr6) + this.scopeSuffix(dst) : ntoa(dst.addr);
    const s = this.p.sys.socket(dst.family, this.uflag ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (isKErr(s)) return undefined;
    if (this.sflag !== undefined || this.pflag !== undefined) {
      let addr = 0;
      let addr6: Uint8Array = new Uint8Array(16);
      // getaddrinfo(sflag, pflag): the service is resolved before the host
      const sport = this.pflag !== undefined ? this.service(this.pflag) : 0;
      if (this.sflag !== undefined) {
        // (the source's hints: AI_PASSIVE and the destination's family — a source of the other
        // family is EAI_ADDRFAMILY; a name is looked up even under -n)
        if (v6) {
          const a6 = inetPton6(this.sflag);
          if (!a6) {
            const a = await getaddrinfo(this.p, this.sflag, "inet");
            this.errx(1, `getaddrinfo: ${typeof a === "string" && a !== EAI_ADDRFAMILY ? a : EAI_ADDRFAMILY}`);
          }
          addr6 = a6!;
        } else {
          const a = await getaddrinfo(this.p, this.sflag, "inet");
          if (typeof a === "string") this.errx(1, `getaddrinfo: ${a}`);
          addr = (a as { addr: number }).addr;
        }
      }
      const e = s.bind(v6 ? { family: AF_INET6, addr6, port: sport, scopeId: 0 } : { family: 2, addr, port: sport });
      if (e) this.err(1, "bind failed", e.errno);
    }
    if (this.uflag) s.setsockopt(v6 ? "IPV6_RECVERR" : "IP_RECVERR", 1);
    this.setCommonSockopts(s);
    const e = await this.timeoutConnect(s, dst);
    if (!e) return s;
    if (this.vflag) {
      // only print the IP if there is something to report
      const h = this.nflag || host === this.ipaddr ? host : `${host} (${this.ipaddr})`;
      this.warn(`connect to ${h} port ${port} (${this.uflag ? "udp" : "tcp"}) ${e.timedOut ? "timed out" : "failed"}`, e.errno);
    }
    s.close();
    return undefined;
  }

  /**
   * timeout_connect(): connect(); a stream socket answers EINPROGRESS and poll() waits (up to
   * -w) for the handshake, then SO_ERROR says how it went. A poll timeout leaves errno at
   * EINPROGRESS, which is what Debian's message prints ("timed out: Operation now in progress").
   */
  async timeoutConnect(s: Socket, dst: SockAddr): Promise<(KErr & { timedOut?: boolean }) | undefined> {
    const e = s.connect(dst);
    if (!e) return undefined;
    if (e.errno !== "EINPROGRESS") return e;
    for (;;) {
      const r = await this.waitReadable(s, this.timeout);
      if (r === "timeout") return { errno: "EINPROGRESS", timedOut: true };
      if (r === "abort") throw new Exit(1);
      const pn = s.getpeername();
      if (!isKErr(pn)) return undefined;
      const so = s.getsockopt("SO_ERROR");
      if (typeof so === "number" && so) return { errno: errnoName(so) ?? "ECONNREFUSED" };
      if (isKErr(so)) return so;
    }
  }

  /**
   * udptest(): two writes (the second fails with ECONNREFUSED once the port unreachable came
   * back), then one write a second for the -w timeout (UDP_SCAN_TIMEOUT, 3 s, without -w).
   */
  async udptest(s: Socket): Promise<number> {
    const write = async (): Promise<KErr | undefined> => {
      const r = s.sendto(new Uint8Array([0x58]));
      await this.yieldNow();
      return isKErr(r) ? r : undefined;
    };
    if (await write()) return -1;
    const e2 = await write();
    if (e2 && e2.errno === "ECONNREFUSED") return -1;
    const t = this.timeout === -1 ? UDP_SCAN_TIMEOUT : Math.floor(this.timeout / 1000);
    for (let i = 0; i < t; i++) {
      await this.p.sys.sleep(1_000_000);
      const e = await write();
      if (e && e.errno === "ECONNREFUSED") return -1;
    }
    return 1;
  }

  /** connection_info() */
  connectionInfo(host: string, port: string, proto: "udp" | "tcp", ipaddr: string): void {
    const service = this.nflag ? "*" : (SERVICES[proto]?.[Number(port)] ?? "*");
    // if there is something to report, print the IP
    const ip = !this.nflag && host !== ipaddr ? ` (${ipaddr})` : "";
    this.p.stderr.write(`Connection to ${host}${ip} ${port} port [${proto}/${service}] succeeded!\n`);
  }

  /**
   * report_sock(): getnameinfo(NI_NUMERICSERV, + NI_NUMERICHOST with -n); a name that the
   * files do not know fails as glibc fails without a reachable DNS server (EAI_AGAIN), which
   * Debian's nc reports with warnx and goes on.
   */
  reportSock(msg: string, sa: SockAddr): void {
    if (sa.family !== AF_INET && sa.family !== AF_INET6) return;
    const a = sa as SockAddrIn | SockAddrIn6;
    let host = a.family === AF_INET6 ? inetNtop6(a.addr6) : ntoa(a.addr);
    // glibc's gethostbyaddr_r() answers HOST_NOT_FOUND for :: at once, and getnameinfo()
    // falls back to the numeric form
    const v6Any = a.family === AF_INET6 && !a.addr6.some((x) => x);
    if (!this.nflag && !v6Any) {
      const n = a.family === AF_INET6 ? "" : this.names.lookup(a.addr);
      if (!n) {
        this.p.stderr.write("nc: getnameinfo: Temporary failure in name resolution\n");
        return;
      }
      host = n;
    }
    this.p.stderr.write(`${msg} on ${host} ${a.port}\n`);
  }

  /** getnameinfo(NI_NUMERICHOST)'s scope of a link-local address: %name (if_indextoname()),
   * else %number */
  scopeSuffix(a: SockAddrIn6): string {
    if (!a.scopeId) return "";
    const ll = (a.addr6[0] === 0xfe && (a.addr6[1]! & 0xc0) === 0x80) || (a.addr6[0] === 0xff && (a.addr6[1]! & 0x0f) === 2);
    if (ll) {
      const r = this.p.sys.ioctl({ request: "SIOCGIFNAME", ifindex: a.scopeId });
      if (!isKErr(r)) return `%${String((r as Record<string, unknown>)["ifname"])}`;
    }
    return `%${a.scopeId}`;
  }

  readonly names = new NameCache();
  /** remote_connect()'s ipaddr: the numeric form of the address connected to */
  ipaddr = "";

  /** getaddrinfo() with nc's hints (-4/-6: ai_family; -n is AI_NUMERICHOST, a name is
   * EAI_NONAME): an IPv6 literal is AF_INET6's, a literal of the other family EAI_ADDRFAMILY */
  async getaddrinfo(host: string): Promise<{ addr: number; addr6?: Uint8Array; scopeId?: number } | string> {
    const pct = host.indexOf("%");
    if (pct >= 0) {
      // gaih_inet_parse_numeric() / __inet6_scopeid_pton(): ADDR%SCOPE — a link-local
      // address's scope may be an interface name, any one a number; else EAI_NONAME
      const a6 = inetPton6(host.slice(0, pct));
      if (a6) {
        const scope = host.slice(pct + 1);
        const ll = (a6[0] === 0xfe && (a6[1]! & 0xc0) === 0x80) || (a6[0] === 0xff && (a6[1]! & 0x0f) === 2);
        let idx: number | undefined;
        if (ll) {
          const r = this.p.sys.ioctl({ request: "SIOCGIFINDEX", ifname: scope });
          if (!isKErr(r)) idx = Number((r as Record<string, unknown>)["ifindex"] ?? 0);
        }
        if (idx === undefined && /^[0-9]+$/.test(scope) && Number(scope) <= 0xffffffff) idx = Number(scope);
        if (idx === undefined) return EAI_NONAME;
        return this.family === AF_INET ? EAI_ADDRFAMILY : { addr: 0, addr6: a6, scopeId: idx };
      }
    }
    const a6 = inetPton6(host);
    if (a6) return this.family === AF_INET ? EAI_ADDRFAMILY : { addr: 0, addr6: a6 };
    if (this.family === AF_INET6 && inetAtonExact(host) !== undefined) return EAI_ADDRFAMILY;
    if (!this.nflag) return getaddrinfo(this.p, host);
    const a = inetAtonExact(host);
    return a === undefined ? EAI_NONAME : { addr: a };
  }

  /** local_listen(): getaddrinfo(AI_PASSIVE) of the host given (even an empty one) */
  async localListen(host: string | undefined, port: string): Promise<Socket | Errno> {
    let addr = 0;
    // AI_PASSIVE without a host: the wildcard of the family asked for (IPv4's first)
    let addr6: Uint8Array | undefined = this.family === AF_INET6 ? new Uint8Array(16) : undefined;
    let scopeId = 0;
    // getaddrinfo(host, port, AI_PASSIVE): the service first, then the host
    const lport = this.service(port);
    if (host !== undefined) {
      const a = await this.getaddrinfo(host);
      if (typeof a === "string") this.errx(1, `getaddrinfo: ${a}`);
      addr = a.addr;
      addr6 = a.addr6;
      scopeId = a.scopeId ?? 0;
    }
    const s = this.p.sys.socket(addr6 ? AF_INET6 : AF_INET, this.uflag ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (isKErr(s)) return s.errno;
    s.setsockopt("SO_REUSEPORT", 1);
    if (this.uflag) s.setsockopt(addr6 ? "IPV6_RECVERR" : "IP_RECVERR", 1);
    this.setCommonSockopts(s);
    const e = s.bind(addr6 ? { family: AF_INET6, addr6, port: lport, scopeId } : { family: 2, addr, port: lport });
    if (e) {
      s.close();
      return e.errno;
    }
    if (!this.uflag && s.listen) {
      const le = s.listen(1);
      if (le) this.err(1, "listen", le.errno);
    }
    if (this.vflag) {
      const sn = s.getsockname();
      if (!isKErr(sn)) this.reportSock(this.uflag ? "Bound" : "Listening", sn);
    }
    return s;
  }

  // ---------------------------------------------------------------- readwrite()

  /**
   * readwrite(): stdin -> network, network -> stdout, until both directions are done, the
   * -w timeout passes with nothing to do, or a socket error (POLLERR).
   * `first` is a datagram already taken off the socket (the UDP listener's MSG_PEEK).
   */
  async readwrite(s: Socket, first?: RecvMsg): Promise<void> {
    let stdinOpen = !this.dflag;
    /** Debian's quit timer: when -q's alarm() after EOF on stdin goes off (µs) */
    let quitAt: number | undefined;
    let netOut = true;
    let netIn = true;
    let stdoutOpen = true;
    if (first) {
      this.writeOut(first.data);
      if (this.recvlimit > 0 && ++this.recvcount >= this.recvlimit) return;
    }
    for (;;) {
      if (!stdinOpen && !netIn) return;
      if (!netOut && !stdoutOpen) return;
      if (this.lflag && !netIn) return;
      // stdin: all of it is available at once; write it out in BUFSIZE reads
      if (stdinOpen && netOut) {
        while (this.stdinPos < this.stdin.length) {
          const chunk = this.stdin.subarray(this.stdinPos, this.stdinPos + BUFSIZE);
          this.stdinPos += chunk.length;
          const r = s.sendto(chunk);
          if (isKErr(r)) {
            netOut = false;
            break;
          }
          await this.yieldNow();
        }
        stdinOpen = false;
        // stdin gone and queue empty: -N shuts the connection down for writing
        if (netOut && this.Nflag && s.type === SOCK_STREAM) s.shutdown?.(1);
        netOut = false;
        // -q: quit (exit 0) that many seconds after EOF on stdin, at once with -q 0
        if (this.qflag === 0) throw new Quit();
        if (this.qflag > 0) quitAt = this.p.sys.now() + this.qflag * 1_000_000;
        continue;
      }
      if (!stdinOpen) netOut = false;
      // network in: data, end of stream (a zero-length read) or an error (POLLERR)
      let m = s.recvfrom();
      let err = m ? undefined : s.recvErr();
      if (!m && !err) {
        const left = quitAt === undefined ? -1 : Math.max(0, Math.ceil((quitAt - this.p.sys.now()) / 1000));
        const ms = left >= 0 && (this.timeout < 0 || left < this.timeout) ? left : this.timeout;
        const r = await this.waitReadable(s, ms);
        if (r === "timeout" && quitAt !== undefined && this.p.sys.now() >= quitAt) throw new Quit();
        if (r !== "ready") return;
        m = s.recvfrom();
        if (!m) err = s.recvErr();
        if (!m && !err) continue;
      }
      if (!m || (s.type === SOCK_STREAM && m.data.length === 0)) {
        netIn = false;
        if (!m) stdoutOpen = false;
        continue;
      }
      this.writeOut(m.data);
      if (this.recvlimit > 0 && ++this.recvcount >= this.recvlimit) {
        netIn = false;
        stdinOpen = false;
      }
    }
  }

  // ---------------------------------------------------------------- main

  async main(): Promise<number> {
    const args = this.p.argv.slice(1);
    // getopt(3), stopping at the first bad option as the C loop does (usage after the message)
    let i = 0;
    const operands: string[] = [];
    while (i < args.length) {
      const a = args[i]!;
      if (a === "--") {
        operands.push(...args.slice(i + 1));
        break;
      }
      if (a.length < 2 || a[0] !== "-") {
        operands.push(a);
        i++;
        continue;
      }
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const k = OPTSTRING.indexOf(c);
        if (k < 0 || c === ":") {
          this.p.stderr.write(`nc: invalid option -- '${c}'\n`);
          this.usage(1);
        }
        let optarg = "";
        if (OPTSTRING[k + 1] === ":") {
          if (j + 1 < a.length) optarg = a.slice(j + 1);
          else if (i + 1 < args.length) optarg = args[++i]!;
          else {
            this.p.stderr.write(`nc: option requires an argument -- '${c}'\n`);
            this.usage(1);
          }
          j = a.length;
        }
        this.option(c, optarg);
      }
      i++;
    }

    // "Cruft to make sure options are clean, and used properly."
    let host: string | undefined;
    let ports: (string | undefined)[] | undefined;
    const argc = operands.length;
    if (argc === 0 && this.lflag) {
      ports = [this.pflag];
      host = this.sflag;
    } else if (argc === 1 && this.pflag === undefined && this.sflag === undefined) {
      if (this.lflag) ports = [operands[0]];
    } else if (argc >= 2) {
      if (this.lflag && (this.pflag !== undefined || this.sflag !== undefined || argc > 2)) this.usage(1); // conflict
      host = operands[0];
      ports = operands.slice(1);
    } else this.usage(1);
    if (!ports || ports[0] === undefined) this.errx(1, "missing port number");
    if (this.lflag && this.zflag) this.errx(1, "cannot use -z and -l");
    if (!this.lflag && this.kflag) this.errx(1, "must use -l with -k");
    const uport = ports[0];

    if (this.lflag) {
      if (this.vflag && !this.nflag) await this.names.load(this.p);
      return this.listenLoop(host, uport);
    }

    // Debian: every operand after the host is a port (or range); all are read before the first
    // connect ("port number invalid" stops it there)
    const portlist = (ports as string[]).flatMap((p) => this.buildPorts(p));
    let ret = 1;
    let s: Socket | undefined;
    for (const port of portlist) {
      s?.close();
      s = await this.remoteConnect(host!, port);
      if (!s) continue;
      ret = 0;
      // (Debian tests a UDP port, and reports, only under -v: a bare -z succeeds on connect)
      if (this.vflag) {
        let printInfo = 1;
        if (this.uflag) {
          printInfo = await this.udptest(s);
          if (printInfo === -1) {
            ret = 1;
            continue;
          }
        }
        // Debian: the success line is verbose output
        if (printInfo === 1) this.connectionInfo(host!, port, this.uflag ? "udp" : "tcp", this.ipaddr);
      }
      if (!this.zflag) await this.readwrite(s);
    }
    s?.close();
    return ret;
  }

  option(c: string, optarg: string): void {
    switch (c) {
      case "l":
        this.lflag = true;
        break;
      case "4":
        this.family = 2;
        break;
      case "6":
        this.family = 10;
        break;
      case "k":
        this.kflag = true;
        break;
      case "n":
        this.nflag = true;
        break;
      case "u":
        this.uflag = true;
        break;
      case "v":
        this.vflag++;
        break;
      case "z":
        this.zflag = true;
        break;
      case "d":
        this.dflag = true;
        break;
      case "N":
        this.Nflag = true;
        break;
      case "p":
        this.pflag = optarg;
        break;
      case "s":
        this.sflag = optarg;
        break;
      case "h":
        this.p.stderr.write(HELP_HEAD + USAGE + HELP_SUMMARY);
        throw new Exit(0);
      case "w":
        this.timeout = this.num(optarg, 0, Math.floor(INT_MAX / 1000), (e) => `timeout ${e}: ${optarg}`) * 1000;
        break;
      case "q":
        this.qflag = this.num(optarg, INT_MIN, INT_MAX, (e) => `quit timer ${e}: ${optarg}`);
        break;
      case "W":
        this.recvlimit = this.num(optarg, 1, INT_MAX, (e) => `receive limit ${e}: ${optarg}`);
        break;
      case "i":
        this.num(optarg, 0, UINT_MAX, (e) => `interval ${e}: ${optarg}`);
        break;
      case "M":
        this.num(optarg, 0, 255, (e) => `ttl is ${e}`);
        break;
      case "m":
        this.num(optarg, 0, 255, (e) => `minttl is ${e}`);
        break;
      case "I":
        this.num(optarg, 1, 65536 << 14, (e) => `TCP receive window ${e}: ${optarg}`);
        break;
      case "O":
        this.num(optarg, 1, 65536 << 14, (e) => `TCP send window ${e}: ${optarg}`);
        break;
      case "T": {
        // process_tos_opt(), else "0x.." (strtol base 16), else strtonum(0, 255)
        const kw = TOS_KEYWORDS[optarg];
        let v: number;
        if (kw !== undefined) v = kw;
        else if (optarg.length > 1 && optarg.startsWith("0x")) {
          const m = /^\s*[+-]?(0x)?[0-9a-fA-F]*/.exec(optarg)![0];
          v = Number.parseInt(m, 16) || 0;
        } else v = strtonum(optarg, 0, 255).value ?? -1;
        if (v < 0 || v > 255 || (kw === undefined && !optarg.startsWith("0x") && strtonum(optarg, 0, 255).error)) this.errx(1, `illegal tos value ${optarg}`);
        this.Tflag = v;
        break;
      }
      case "X":
        if (optarg.toLowerCase() !== "connect" && optarg !== "4" && optarg !== "5") this.errx(1, "unsupported proxy protocol");
        break;
      case "V":
        // RT_TABLEID_MAX is OpenBSD's
        this.errx(1, "no alternate routing table support available");
        break;
      case "S":
        // readpassphrase(RPP_REQUIRE_TTY): no terminal here
        this.errx(1, "Unable to read TCP MD5SIG password");
        break;
      default:
        // accepted, without effect here (-b -C -D -F -P -r -t -U -x -Z)
        break;
    }
  }

  /** the listen half of main(): one peer (or several with -k) */
  async listenLoop(host: string | undefined, uport: string): Promise<number> {
    for (;;) {
      const s = await this.localListen(host, uport);
      // err(1, NULL): "nc: <strerror>"
      if (typeof s === "string") {
        this.p.stderr.write(`nc: ${strerrorText[s]}\n`);
        throw new Exit(1);
      }
      if (this.uflag) {
        if (this.kflag) {
          await this.readwrite(s);
        } else {
          // recvfrom(MSG_PEEK) waits for a caller, then connect() to it
          let m = s.recvfrom();
          while (!m) {
            const r = await this.waitReadable(s, -1);
            if (r === "abort") {
              s.close();
              return 1;
            }
            m = s.recvfrom();
            s.recvErr();
          }
          const from = m.from;
          const e = s.connect(from);
          if (e) this.err(1, "connect", e.errno);
          if (this.vflag) this.reportSock("Connection received", from);
          await this.readwrite(s, m);
        }
      } else {
        // stream: accept() a connection, then talk to it
        let c = s.accept?.();
        while (!c) {
          const r = await this.waitReadable(s, -1);
          if (r === "abort") {
            s.close();
            return 1;
          }
          c = s.accept?.();
        }
        if (this.vflag) {
          const pn = c.getpeername();
          if (!isKErr(pn)) this.reportSock("Connection received", pn);
        }
        await this.readwrite(c);
        c.close();
      }
      s.close();
      if (!this.kflag) break;
    }
    return 0;
  }
}

/** Debian's quit(): the -q alarm's SIGALRM handler, exit(0) */
class Quit extends Error {}

export async function nc(p: Process): Promise<number> {
  try {
    return await new Nc(p).main();
  } catch (e) {
    if (e instanceof Quit) return 0;
    throw e;
  }
}

