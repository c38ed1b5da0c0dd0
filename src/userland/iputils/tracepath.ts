/**
 * iputils 20221126 tracepath (tracepath.c), IPv4 and IPv6: UDP probes to base_port + slot with TTL 1, 2
 * … sent with IP_PMTUDISC_DO and the path MTU as their size, each answer read from the error
 * queue (IP_RECVERR, IP_RECVTTL): a local EMSGSIZE or an ICMP frag-needed lowers the MTU and
 * the probe is sent again, time exceeded names a hop, port unreachable is "reached".
 */
import type { Command, Process } from "../process.ts";
import { Exit } from "../process.ts";
import { SOCK_DGRAM, SO_EE_ORIGIN_ICMP, SO_EE_ORIGIN_ICMP6, SO_EE_ORIGIN_LOCAL, IP_PMTUDISC_DO, type Socket } from "../../kernel/uapi/socket.ts";
import { AF_INET, AF_INET6, AF_UNSPEC } from "../../kernel/uapi/rtnetlink.ts";
import { inetNtop6, inetPton6 } from "../lib/utils.ts";
import { EAI_ADDRFAMILY } from "./common.ts";
import { errnoNumbers, isKErr } from "../../kernel/uapi/errno.ts";
import { NameCache, WallClock, error, getaddrinfo, getopt, strtolOrErr } from "./common.ts";

const MAX_PROBES = 10;
const MAX_HOPS_DEFAULT = 30;
const MAX_HOPS_LIMIT = 255;
const HOST_COLUMN_SIZE = 52;
const HIS_ARRAY_SIZE = 64;
const OVERHEAD = 28;
const DEFAULT_MTU = 65535;
const DEFAULT_OVERHEAD_IPV6 = 48;
const DEFAULT_MTU_IPV6 = 128000;
const DEFAULT_BASEPORT = 44444;
/** sizeof(struct probehdr): a u32 ttl, padding, a struct timespec */
const PROBEHDR = 24;

const USAGE =
  "\nUsage\n" +
  "  tracepath [options] <destination>\n" +
  "\nOptions:\n" +
  "  -4             use IPv4\n" +
  "  -6             use IPv6\n" +
  "  -b             print both name and ip\n" +
  "  -l <length>    use packet <length>\n" +
  "  -m <hops>      use maximum <hops>\n" +
  "  -n             no dns name resolution\n" +
  "  -p <port>      use destination <port>\n" +
  "  -V             print version and exit\n" +
  "  <destination>  dns name or ip address\n" +
  "\nFor more details see tracepath(8).\n";

class Tracepath {
  his: { hops: number; sendtime: number }[] = Array.from({ length: HIS_ARRAY_SIZE }, () => ({ hops: 0, sendtime: 0 }));
  hisptr = 0;
  ttl = 0;
  mtu = 0;
  hopsTo = -1;
  hopsFrom = -1;
  overhead = OVERHEAD;
  private out = "";
  private readonly names = new NameCache();
  private readonly clock: WallClock;
  constructor(
    readonly p: Process,
    readonly s: Socket,
    readonly target: number,
    /** the IPv6 destination (undefined: IPv4's target) */
    readonly target6: Uint8Array | undefined,
    readonly basePort: number,
    readonly noResolve: boolean,
    readonly showBoth: boolean,
  ) {
    this.clock = new WallClock(p.sys);
  }

  printf(s: string): void {
    this.p.stdout.write(s);
  }

  /** gettimeofday() in µs: what the probe header carries and the RTT is measured with */
  now(): number {
    return this.clock.us();
  }

  /** print_host() */
  private printHost(a: string, b: string): void {
    let s = a;
    if (this.showBoth) s += ` (${b})`;
    const plen = Math.min(s.length, HOST_COLUMN_SIZE - 1);
    this.printf(s + " ".repeat(HOST_COLUMN_SIZE - plen));
  }

  /** recverr(): the error queue, until EAGAIN (the progress: -1 nothing, else the MTU or 0) */
  async recverr(): Promise<number> {
    let progress = -1;
    for (;;) {
      let ts = this.now();
      const e = this.s.recvErr();
      if (!e) return progress;
      // gettimeofday() after poll() woke: never before the error landed (it is queued inside
      // the probe's sendto(), stamped with the end of its flight)
      if (e.stamp !== undefined && this.clock.us(e.stamp) > ts) ts = this.clock.us(e.stamp);
      progress = this.mtu;
      let sndhops = -1;
      let retts: number | undefined;
      let broken = false;
      // the slot of the probe: its destination port
      const slot = (e.port ?? 0) - this.basePort;
      if (slot >= 0 && slot < HIS_ARRAY_SIZE - 1 && this.his[slot]!.hops) {
        sndhops = this.his[slot]!.hops;
        retts = this.his[slot]!.sendtime;
        this.his[slot]!.hops = 0;
      }
      if (e.payload.length >= PROBEHDR) {
        const v = new DataView(e.payload.buffer, e.payload.byteOffset, PROBEHDR);
        const t = v.getUint32(0, true);
        const sec = Number(v.getBigUint64(8, true));
        const nsec = Number(v.getBigUint64(16, true));
        if (t === 0 || sec === 0) broken = true;
        else {
          sndhops = t;
          retts = sec * 1e6 + Math.floor(nsec / 1000);
        }
      }
      let rethops = e.ttl ?? -1;
      if (e.ee_origin === SO_EE_ORIGIN_LOCAL) this.printf(`${String(this.ttl).padStart(2)}?: ${"[LOCALHOST]".padEnd(32)} `);
      else if (e.ee_origin === SO_EE_ORIGIN_ICMP || e.ee_origin === SO_EE_ORIGIN_ICMP6) {
        this.printf(sndhops > 0 ? `${String(sndhops).padStart(2)}:  ` : `${String(this.ttl).padStart(2)}?: `);
        const v6 = e.ee_origin === SO_EE_ORIGIN_ICMP6;
        const addr = e.offender ?? 0;
        const numeric = v6 ? inetNtop6(e.offender6 ?? new Uint8Array(16)) : `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
        let name = "";
        // (IPv6 addresses have no names here: getnameinfo() fails, "???")
        if (!this.noResolve || this.showBoth) {
          if (!v6) await this.names.ensure(this.p, addr);
          name = (v6 ? "" : this.names.lookup(addr)) || "???";
        }
        if (this.noResolve) this.printHost(numeric, name);
        else this.printHost(name, numeric);
      }
      if (retts !== undefined) {
        const us = Math.max(0, ts - retts);
        this.printf(`${String(Math.floor(us / 1000)).padStart(3)}.${String(us % 1000).padStart(3, "0")}ms `);
        if (broken) this.printf("(This broken router returned corrupted payload) ");
      }
      if (rethops <= 64) rethops = 65 - rethops;
      else if (rethops <= 128) rethops = 129 - rethops;
      else rethops = 256 - rethops;
      switch (e.ee_errno) {
        case errnoNumbers.ETIMEDOUT:
          this.printf("\n");
          break;
        case errnoNumbers.EMSGSIZE:
          this.printf(`pmtu ${e.ee_info}\n`);
          this.mtu = e.ee_info;
          progress = this.mtu;
          break;
        case errnoNumbers.ECONNREFUSED:
          this.printf("reached\n");
          this.hopsTo = sndhops < 0 ? this.ttl : sndhops;
          this.hopsFrom = rethops;
          return 0;
        case errnoNumbers.EPROTO:
          this.printf("!P\n");
          return 0;
        case errnoNumbers.EHOSTUNREACH:
          if ((e.ee_origin === SO_EE_ORIGIN_ICMP && e.ee_type === 11 && e.ee_code === 0) ||
            (e.ee_origin === SO_EE_ORIGIN_ICMP6 && e.ee_type === 3 && e.ee_code === 0)) {
            if (rethops >= 0) {
              if (sndhops >= 0 && rethops !== sndhops) this.printf(`asymm ${String(rethops).padStart(2)} `);
              if (sndhops < 0 && rethops !== this.ttl) this.printf(`asymm ${String(rethops).padStart(2)} `);
            }
            this.printf("\n");
            break;
          }
          this.printf("!H\n");
          return 0;
        case errnoNumbers.ENETUNREACH:
          this.printf("!N\n");
          return 0;
        case errnoNumbers.EACCES:
          this.printf("!A\n");
          return 0;
        default:
          this.printf("\n");
          error(this.p, 0, e.ee_errno, "NET ERROR");
          return 0;
      }
    }
  }

  /** data_wait(): select() for a second on the socket */
  async dataWait(): Promise<void> {
    const sys = this.p.sys;
    const b = sys.block();
    const t = sys.timer?.(() => b.unblock(), "tracepath");
    t?.mod(sys.now() + 1_000_000);
    const onAbort = () => b.unblock();
    this.p.signal.addEventListener("abort", onAbort);
    this.s.onReadable(() => b.unblock());
    await b.promise;
    this.s.onReadable(undefined);
    t?.cancel();
    this.p.signal.removeEventListener("abort", onAbort);
    if (this.p.signal.aborted) throw new Exit(130);
  }

  /** probe_ttl() */
  async probeTtl(): Promise<number> {
    let i: number;
    restart: for (;;) {
      for (i = 0; i < MAX_PROBES; i++) {
        const pkt = new Uint8Array(this.mtu - this.overhead);
        const v = new DataView(pkt.buffer);
        const now = this.now();
        if (pkt.length >= PROBEHDR) {
          v.setUint32(0, this.ttl, true);
          v.setBigUint64(8, BigInt(Math.floor(now / 1e6)), true);
          v.setBigUint64(16, BigInt((now % 1e6) * 1000), true);
        }
        const h = this.his[this.hisptr]!;
        h.hops = this.ttl;
        h.sendtime = now;
        const port = this.basePort + this.hisptr;
        const r = this.s.sendto(pkt, this.target6 ? { family: AF_INET6, addr6: this.target6, port, scopeId: 0 } : { family: AF_INET, addr: this.target, port });
        if (!isKErr(r)) break;
        const res = await this.recverr();
        h.hops = 0;
        if (res === 0) return 0;
        if (res > 0) continue restart;
      }
      break;
    }
    this.hisptr = (this.hisptr + 1) & (HIS_ARRAY_SIZE - 1);
    if (i < MAX_PROBES) {
      await this.dataWait();
      if (this.s.recvfrom()) {
        this.printf(`${String(this.ttl).padStart(2)}?: reply received 8)\n`);
        return 0;
      }
      return this.recverr();
    }
    this.printf(`${String(this.ttl).padStart(2)}:  send failed\n`);
    return 0;
  }
}

export const tracepath: Command = async (p) => {
  try {
    return await main(p);
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  }
};

async function main(p: Process): Promise<number> {
  const g = getopt(p, p.argv.slice(1), "46nbh?l:m:p:V");
  let noResolve = false;
  let showBoth = false;
  let mtu = 0;
  let maxHops = MAX_HOPS_DEFAULT;
  let basePort = 0;
  // called as tracepath4 / tracepath6
  const a0 = p.argv[0] ?? "tracepath";
  let family = a0.endsWith("4") ? AF_INET : a0.endsWith("6") ? AF_INET6 : AF_UNSPEC;
  const usage = (): number => {
    p.stderr.write(USAGE);
    return 255;
  };
  for (const o of g.opts) {
    switch (o.opt) {
      case "?":
        if (o.msg) p.stderr.write(o.msg);
        return usage();
      case "4":
        if (family === AF_INET6) error(p, 2, 0, "Only one -4 or -6 option may be specified");
        family = AF_INET;
        break;
      case "6":
        if (family === AF_INET) error(p, 2, 0, "Only one -4 or -6 option may be specified");
        family = AF_INET6;
        break;
      case "n":
        noResolve = true;
        break;
      case "b":
        showBoth = true;
        break;
      case "l":
        mtu = strtolOrErr(p, o.arg, "invalid argument", 0, 2147483647);
        break;
      case "m":
        maxHops = strtolOrErr(p, o.arg, "invalid argument", 0, MAX_HOPS_LIMIT);
        break;
      case "p":
        basePort = strtolOrErr(p, o.arg, "invalid argument", 0, 65535);
        break;
      case "V":
        p.stdout.write("tracepath from iputils 20221126\nlibcap: yes, IDN: yes, NLS: no, error.h: yes, getrandom(): yes, __fpending(): yes\n");
        return 0;
      default:
        return usage();
    }
  }
  if (g.operands.length !== 1) return usage();
  let dest = g.operands[0]!;
  if (!basePort) {
    const slash = dest.indexOf("/");
    if (slash >= 0) {
      basePort = strtolOrErr(p, dest.slice(slash + 1), "invalid argument", 0, 65535);
      dest = dest.slice(0, slash);
    } else basePort = DEFAULT_BASEPORT;
  }
  // getaddrinfo() with hints.ai_family: an IPv6 literal is AF_INET6's; IPv4 (literals, names)
  // is AF_INET's only
  let target = 0;
  let target6 = inetPton6(dest);
  if (target6) {
    if (family === AF_INET) error(p, 1, 0, `${dest}: ${EAI_ADDRFAMILY}`);
  } else {
    const ai = await getaddrinfo(p, dest);
    if (typeof ai === "string") error(p, 1, 0, `${dest}: ${ai}`);
    if (family === AF_INET6) error(p, 1, 0, `${dest}: ${EAI_ADDRFAMILY}`);
    target = (ai as { addr: number }).addr;
  }
  const v6 = target6 !== undefined;
  const s = p.sys.socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 17);
  if (isKErr(s)) error(p, 1, s.errno, "socket/connect");
  const sock = s as Socket;
  const overhead = v6 ? DEFAULT_OVERHEAD_IPV6 : OVERHEAD;
  if (!mtu) mtu = v6 ? DEFAULT_MTU_IPV6 : DEFAULT_MTU;
  if (mtu <= overhead) error(p, 1, 0, `pktlen must be within: ${overhead} < value <= 2147483647`);
  if (v6) {
    let e = sock.setsockopt("IPV6_MTU_DISCOVER", IP_PMTUDISC_DO);
    if (e) error(p, 1, e.errno, "IPV6_MTU_DISCOVER");
    e = sock.setsockopt("IPV6_RECVERR", 1);
    if (e) error(p, 1, e.errno, "IPV6_RECVERR");
    // IPV6_HOPLIMIT, else IPV6_2292HOPLIMIT: the hop limit of what comes back
    e = sock.setsockopt("IPV6_RECVHOPLIMIT", 1);
    if (e) error(p, 1, e.errno, "IPV6_HOPLIMIT");
  } else {
    sock.setsockopt("IP_MTU_DISCOVER", IP_PMTUDISC_DO);
    sock.setsockopt("IP_RECVERR", 1);
    sock.setsockopt("IP_RECVTTL", 1);
  }
  const t = new Tracepath(p, sock, target, target6, basePort, noResolve, showBoth);
  t.mtu = mtu;
  t.overhead = overhead;
  try {
    let done = false;
    for (t.ttl = 1; t.ttl <= maxHops && !done; t.ttl++) {
      let res = -1;
      if (v6) {
        const e = sock.setsockopt("IPV6_UNICAST_HOPS", t.ttl);
        if (e) error(p, 1, e.errno, "IPV6_UNICAST_HOPS");
      } else sock.setsockopt("IP_TTL", t.ttl);
      restart: for (;;) {
        for (let i = 0; i < 3; i++) {
          const old = t.mtu;
          res = await t.probeTtl();
          if (t.mtu !== old) continue restart;
          if (res === 0) {
            done = true;
            break;
          }
          if (res > 0) break;
        }
        break;
      }
      if (done) break;
      if (res < 0) t.printf(`${String(t.ttl).padStart(2)}:  no reply\n`);
    }
    if (!done) t.printf(`     Too many hops: pmtu ${t.mtu}\n`);
    let resume = `     Resume: pmtu ${t.mtu} `;
    if (t.hopsTo >= 0) resume += `hops ${t.hopsTo} `;
    if (t.hopsFrom >= 0) resume += `back ${t.hopsFrom} `;
    t.printf(resume + "\n");
    return 0;
  } finally {
    sock.close();
  }
}


