/**
 * net-tools 2.10 ifconfig.c: show interfaces (all, one, -a, -s) and configure one with the
 * legacy SIOCSIF* ioctls, in the order and with the messages of the original.
 */
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import type { KErr } from "../../kernel/uapi/errno.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import {
  IFF_ALLMULTI, IFF_BROADCAST, IFF_DYNAMIC, IFF_MULTICAST, IFF_NOARP, IFF_NOTRAILERS, IFF_POINTOPOINT,
  IFF_PROMISC, IFF_RUNNING, IFF_UP,
} from "../../kernel/uapi/if.ts";
import { AF_INET6 } from "../../kernel/uapi/rtnetlink.ts";
import { inetPton6 } from "../lib/utils.ts";
import { getAftype, printAflist } from "./lib/af.ts";
import { getHwtype, printHwlist } from "./lib/hw.ts";
import { herrorLine, inetGetnetmask, Resolver } from "./lib/inet.ts";
import { Inet6Names } from "./lib/inet6.ts";
import { IfList } from "./lib/interface.ts";
import { devPart, siocgifflags, siocgifnum, siocsif, siocsifflags } from "./lib/sockets.ts";
import { atoi, hostBuf, E_OPTERR, E_USAGE, E_VERSION, RELEASE, strtoul0 } from "./lib/util.ts";

const DFLT_AF = "inet";
/** AF_INET: the family of an address set without naming one */
const AF_INET_NUM = 2;

class Ifconfig {
  optA = false;
  optV = false;
  goterr = 0;
  readonly sys: Syscalls;
  readonly ifl: IfList;

  constructor(
    readonly p: Process,
    readonly res: Resolver,
  ) {
    this.sys = p.sys;
    this.ifl = new IfList(p, p.sys);
  }

  err(s: string): void {
    this.p.stderr.write(s);
  }

  /** if_print() */
  ifPrint(ifname: string | undefined): number {
    if (this.ifl.short) this.p.stdout.write("Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n");
    if (ifname === undefined) return this.ifl.forAll((ife) => this.ifl.doPrint(ife, this.optA));
    const ife = this.ifl.lookup(ifname);
    if (!ife) return -1;
    const res = this.ifl.doFetch(ife);
    if (res >= 0) this.ifl.print(ife);
    return res;
  }

  /** set_flag() */
  setFlag(ifname: string, flag: number): number {
    return this.chgFlags(ifname, (fl) => fl | flag);
  }

  /** clr_flag() */
  clrFlag(ifname: string, flag: number): number {
    return this.chgFlags(ifname, (fl) => fl & ~flag);
  }

  /** the SIOCGIFFLAGS, SIOCSIFFLAGS round trip that set_flag() and clr_flag() both make */
  private chgFlags(ifname: string, change: (flags: number) => number): number {
    const fl = siocgifflags(this.sys, ifname);
    if (isKErr(fl)) {
      this.err(`${ifname}: ERROR while getting interface flags: ${strerror(fl.errno)}\n`);
      return -1;
    }
    const e = siocsifflags(this.sys, ifname, change(fl));
    if (e) {
      this.err(`SIOCSIFFLAGS: ${strerror(e.errno)}\n`);
      return -1;
    }
    return 0;
  }

  /** `if (ioctl(skfd, REQUEST, &ifr) < 0) { perror("REQUEST"); goterr = 1; }` */
  siocsifOrErr(request: string, ifname: string, fields: Record<string, unknown>): void {
    const e = siocsif(this.sys, request, ifname, fields);
    if (e) {
      this.err(`${request}: ${strerror(e.errno)}\n`);
      this.goterr = 1;
    }
  }

  /** `if (ap->input(0, host, &sa) < 0) { ap->herror(host); goterr = 1; }` */
  async resolveOrErr(host: string): Promise<number | undefined> {
    const addr = await this.resolve(host);
    if (addr === undefined) {
      this.res.herror(this.p, hostBuf(host));
      this.goterr = 1;
    }
    return addr;
  }

  /** test_flag() */
  testFlag(ifname: string, flags: number): number {
    const fl = siocgifflags(this.sys, ifname);
    if (isKErr(fl)) {
      this.err(`${ifname}: ERROR while testing interface flags: ${strerror(fl.errno)}\n`);
      return -1;
    }
    return fl & flags;
  }

  /** usage() */
  usage(rc: number): never {
    const out = rc ? this.p.stderr : this.p.stdout;
    out.write(
      "Usage:\n  ifconfig [-a] [-v] [-s] <interface> [[<AF>] <address>]\n" +
        "  [add <address>[/<prefixlen>]]\n" +
        "  [del <address>[/<prefixlen>]]\n" +
        "  [[-]broadcast [<address>]]  [[-]pointopoint [<address>]]\n" +
        "  [netmask <address>]  [dstaddr <address>]  [tunnel <address>]\n" +
        "  [outfill <NN>] [keepalive <NN>]\n" +
        "  [hw <HW> <address>]  [mtu <NN>]\n" +
        "  [[-]trailers]  [[-]arp]  [[-]allmulti]\n" +
        "  [multicast]  [[-]promisc]\n" +
        "  [mem_start <NN>]  [io_addr <NN>]  [irq <NN>]  [media <type>]\n" +
        "  [txqueuelen <NN>]\n" +
        "  [name <newname>]\n" +
        "  [[-]dynamic]\n" +
        "  [up|down] ...\n\n" +
        "  <HW>=Hardware Type.\n" +
        "  List of possible hardware types:\n",
    );
    printHwlist(this.p, 0);
    out.write(`  <AF>=Address family. Default: ${DFLT_AF}\n  List of possible address families:\n`);
    printAflist(this.p, 0);
    throw new Exit(rc);
  }

  /** set_netmask() */
  setNetmask(ifname: string, mask: number): number {
    const e = siocsif(this.sys, "SIOCSIFNETMASK", ifname, { netmask: mask });
    if (e) {
      this.err(`SIOCSIFNETMASK: ${strerror(e.errno)}\n`);
      return 1;
    }
    return 0;
  }

  /** get_nmbc_parent(): netmask and broadcast of the parent, for `add` */
  getNmbcParent(parent: string): { nm: number; bc: number } | number {
    const i = this.ifl.lookup(parent);
    if (!i) return -1;
    if (this.ifl.doFetch(i) < 0) return { nm: 0, bc: 0 };
    return { nm: i.netmask, bc: i.broadaddr };
  }

  /** set_ifstate(): `add`/`del` of an IPv4 alias address as PARENT:N */
  setIfstate(parent: string, ip: number, nm: number, bc: number, flag: boolean, af = AF_INET_NUM): number {
    const searcher = new Uint8Array(256);
    let found = 0;
    const r = this.ifl.forAll((x) => {
      // do_ifcmd()
      if (this.ifl.doFetch(x) < 0) return 0;
      if (!x.name.startsWith(parent)) return 0;
      const c = x.name.indexOf(":");
      if (c < 0) return 0;
      const z = x.name.slice(c + 1);
      if (z.includes("-")) return 0;
      const i = atoi(z);
      if (i < 0 || i > 255) return 0;
      searcher[i] = 1;
      if (x.dstaddr !== ip) return 0;
      const rc = flag ? this.setFlag(x.name, IFF_UP | IFF_RUNNING) : this.clrFlag(x.name, IFF_UP);
      if (rc === -1) return -1;
      found = 1;
      return 1;
    });
    if (r === -1) return -1;
    if (r === 1 || found) return 0;
    let i = 0;
    for (; i < 256; i++) if (searcher[i] === 0) break;
    if (i === 256) return -1;
    const buf = `${parent}:${i}`;
    if (buf.length >= 16) return -1;
    if (af === AF_INET6) {
      // set_ip_using() asks skfd, the socket of the family named on the command line: on an
      // AF_INET6 socket SIOCSIFADDR is addrconf_add_ifaddr(), which reads the struct ifreq as
      // an in6_ifreq — the name as the address, sin_family (2) as the prefix length, the
      // IPv4 address's bytes as the ifindex — and the netmask that would follow is no
      // request inet6_ioctl() knows
      const name = new Uint8Array(16);
      for (let j = 0; j < buf.length; j++) name[j] = buf.charCodeAt(j);
      const ifindex = ((ip >>> 24) | ((ip >>> 8) & 0xff00) | ((ip & 0xff00) << 8) | ((ip & 0xff) << 24)) | 0;
      inet6Ioctl(this.sys, "SIOCSIFADDR", ifindex, name, 2);
      return -1;
    }
    if (siocsif(this.sys, "SIOCSIFADDR", buf, { addr: ip })) return -1;
    if (siocsif(this.sys, "SIOCSIFNETMASK", buf, { netmask: nm })) return -1;
    if (siocsif(this.sys, "SIOCSIFBRDADDR", buf, { broadaddr: bc })) return -1;
    if (this.setFlag(buf, IFF_BROADCAST) === -1) return -1;
    return 0;
  }

  /** the INET6 half of add/del/tunnel: SIOCSIFADDR/SIOCDIFADDR on an AF_INET6 socket */
  inet6Addr(ifname: string, arg: string, del: boolean, what: string): void {
    let host = arg;
    let plen = 128;
    const slash = host.indexOf("/");
    if (slash >= 0) {
      plen = atoi(host.slice(slash + 1));
      if (plen < 0 || plen > 128) this.usage(E_OPTERR);
      host = host.slice(0, slash);
    }
    // inet6_aftype.input(1, …): inet_pton alone; its herror() says what h_errno holds
    const a = inetPton6(host);
    if (!a) {
      this.err(herrorLine(host, this.res.hErrno));
      this.goterr = 1;
      return;
    }
    const idx = siocgifnum(this.sys, "SIOCGIFINDEX", ifname, "ifindex");
    if (isKErr(idx)) {
      this.err(`SIOGIFINDEX: ${strerror(idx.errno)}\n`);
      this.goterr = 1;
      return;
    }
    if (del && this.optV) this.err(`now deleting: ioctl(SIOCDIFADDR,{ifindex=${idx},prefixlen=${plen}})\n`);
    const request = del ? "SIOCDIFADDR" : what === "tunnel" ? "SIOCSIFDSTADDR" : "SIOCSIFADDR";
    const e = inet6Ioctl(this.sys, request, idx, a, plen);
    if (e) {
      this.err(`${request}: ${strerror(e.errno)}\n`);
      this.goterr = 1;
    }
  }

  /** the hostname/address argument, resolved as ap->input(0, …) does */
  async resolve(host: string): Promise<number | undefined> {
    const r = await this.res.inetInput(this.p, 0, hostBuf(host));
    return r.rc < 0 ? undefined : r.addr;
  }

  async run(argv: string[]): Promise<number> {
    let k = 1;
    while (k < argv.length && argv[k]![0] === "-") {
      const a = argv[k]!;
      if (a === "-a") this.optA = true;
      else if (a === "-s") this.ifl.short = true;
      else if (a === "-v") this.optV = true;
      else if (a === "-V" || a === "-version" || a === "--version") {
        this.p.stdout.write(`${RELEASE}\n`);
        throw new Exit(E_VERSION);
      } else if (a === "-?" || a === "-h" || a === "-help" || a === "--help") this.usage(E_USAGE);
      else {
        this.err(`ifconfig: option \`${a}' not recognised.\n`);
        this.err("ifconfig: `--help' gives usage information.\n");
        throw new Exit(1);
      }
      k++;
    }
    if (k >= argv.length) return this.ifPrint(undefined) < 0 ? 1 : 0;

    const ifname = argv[k++]!.slice(0, 15);
    if (k >= argv.length) return this.ifPrint(ifname) < 0 ? 1 : 0;

    // the next argument is either an address family name, or an option
    let ap = getAftype(argv[k]!, this.p);
    if (ap) k++;
    else ap = getAftype(DFLT_AF)!;
    const inet = ap.name === "inet";

    let didnetmask = 0;
    let neednetmask = false;
    let samask = 0;
    const next = (): string => {
      if (++k >= argv.length) this.usage(E_OPTERR);
      return argv[k]!;
    };
    const flagOp = (set: boolean, flag: number, still?: string): void => {
      this.goterr |= set ? this.setFlag(ifname, flag) : this.clrFlag(ifname, flag);
      if (still && this.testFlag(ifname, flag) > 0) this.err(`Warning: Interface ${ifname} still in ${still}\n`);
      k++;
    };

    while (k < argv.length) {
      const a = argv[k]!;
      switch (a) {
        case "arp":
          flagOp(false, IFF_NOARP);
          continue;
        case "-arp":
          flagOp(true, IFF_NOARP);
          continue;
        case "media":
        case "port": {
          next();
          this.err(`port: SIOCSIFMAP: ${strerror("EOPNOTSUPP")}\n`);
          this.goterr = 1;
          k++;
          continue;
        }
        case "trailers":
          flagOp(false, IFF_NOTRAILERS);
          continue;
        case "-trailers":
          flagOp(true, IFF_NOTRAILERS);
          continue;
        case "promisc":
          flagOp(true, IFF_PROMISC);
          continue;
        case "-promisc":
          flagOp(false, IFF_PROMISC, "promisc mode... maybe other application is running?");
          continue;
        case "multicast":
          flagOp(true, IFF_MULTICAST);
          continue;
        case "-multicast":
          flagOp(false, IFF_MULTICAST, "MULTICAST mode.");
          continue;
        case "allmulti":
          flagOp(true, IFF_ALLMULTI);
          continue;
        case "-allmulti":
          flagOp(false, IFF_ALLMULTI, "ALLMULTI mode.");
          continue;
        case "up":
          flagOp(true, IFF_UP | IFF_RUNNING);
          continue;
        case "down":
          flagOp(false, IFF_UP);
          continue;
        case "dynamic":
          flagOp(true, IFF_DYNAMIC);
          continue;
        case "-dynamic":
          flagOp(false, IFF_DYNAMIC, "DYNAMIC mode.");
          continue;
        case "mtu": {
          const mtu = atoi(next());
          this.siocsifOrErr("SIOCSIFMTU", ifname, { mtu });
          k++;
          continue;
        }
        case "keepalive":
        case "outfill": {
          next();
          const req = a === "keepalive" ? "SIOCSKEEPALIVE" : "SIOCSOUTFILL";
          this.err(`${req}: ${strerror("EOPNOTSUPP")}\n`);
          this.goterr = 1;
          k++;
          continue;
        }
        case "-broadcast":
          flagOp(false, IFF_BROADCAST, "BROADCAST mode.");
          continue;
        case "broadcast": {
          if (k + 1 < argv.length) {
            const addr = await this.resolveOrErr(argv[++k]!);
            k++;
            if (addr === undefined) continue;
            this.siocsifOrErr("SIOCSIFBRDADDR", ifname, { broadaddr: addr });
          } else k++;
          this.goterr |= this.setFlag(ifname, IFF_BROADCAST);
          continue;
        }
        case "dstaddr": {
          const addr = await this.resolveOrErr(next());
          k++;
          if (addr !== undefined) this.siocsifOrErr("SIOCSIFDSTADDR", ifname, { dstaddr: addr });
          continue;
        }
        case "netmask": {
          if (k + 1 >= argv.length || didnetmask) this.usage(E_OPTERR);
          const addr = await this.resolveOrErr(argv[++k]!);
          if (addr === undefined) {
            k++;
            continue;
          }
          didnetmask++;
          this.goterr |= this.setNetmask(ifname, addr);
          k++;
          continue;
        }
        case "txqueuelen": {
          const qlen = strtoul0(next());
          this.siocsifOrErr("SIOCSIFTXQLEN", ifname, { qlen });
          k++;
          continue;
        }
        case "name": {
          const newname = next().slice(0, 15);
          this.siocsifOrErr("SIOCSIFNAME", ifname, { newname });
          k++;
          continue;
        }
        case "mem_start":
        case "io_addr":
        case "irq": {
          next();
          // SIOCGIFMAP reads zeros; SIOCSIFMAP needs ndo_set_config, which virtual devices lack
          this.err(`${a}: SIOCSIFMAP: ${strerror("EOPNOTSUPP")}\n`);
          this.goterr = 1;
          k++;
          continue;
        }
        case "-pointopoint":
        case "-pointtopoint":
          flagOp(false, IFF_POINTOPOINT, "POINTOPOINT mode.");
          continue;
        case "pointopoint":
        case "pointtopoint": {
          if (k + 1 < argv.length) {
            const addr = await this.resolveOrErr(argv[++k]!);
            if (addr === undefined) {
              k++;
              continue;
            }
            this.siocsifOrErr("SIOCSIFDSTADDR", ifname, { dstaddr: addr });
          }
          this.goterr |= this.setFlag(ifname, IFF_POINTOPOINT);
          k++;
          continue;
        }
        case "hw": {
          const hwname = next();
          const hw = getHwtype(hwname);
          if (!hw) this.usage(E_OPTERR);
          if (!hw.input) {
            this.err(`hw address type \`${hwname}' has no handler to set address. failed.\n`);
            k += 2;
            this.goterr = 1;
            continue;
          }
          const host = next();
          const mac = hw.input(host);
          if (!mac) {
            this.err(`${host}: invalid ${hw.name} address.\n`);
            this.goterr = 1;
            k++;
            continue;
          }
          const e = siocsif(this.sys, "SIOCSIFHWADDR", ifname, { hwaddr: mac, family: hw.type });
          if (e) {
            if (e.errno === "EBUSY") this.err(`SIOCSIFHWADDR: ${strerror(e.errno)} - you may need to down the interface\n`);
            else this.err(`SIOCSIFHWADDR: ${strerror(e.errno)}\n`);
            this.goterr = 1;
          }
          k++;
          continue;
        }
        case "add":
        case "del": {
          const arg = next();
          if (arg.includes(":")) {
            this.inet6Addr(ifname, arg, a === "del", a);
            k++;
            continue;
          }
          const addr = await this.resolveOrErr(arg);
          if (addr === undefined) {
            k++;
            continue;
          }
          const nmbc = this.getNmbcParent(ifname);
          if (typeof nmbc === "number") {
            this.err(`Interface ${ifname} not initialized\n`);
            this.goterr = 1;
            k++;
            continue;
          }
          this.setIfstate(ifname, addr, nmbc.nm, nmbc.bc, a === "add", ap.af);
          k++;
          continue;
        }
        case "tunnel": {
          const arg = next();
          this.inet6Addr(ifname, arg, false, "tunnel");
          k++;
          continue;
        }
      }

      // If the next argument is a valid hostname, assume OK.
      let host = a;
      if (inet) {
        const m = inetGetnetmask(host);
        if (m.rc === -1) this.usage(E_OPTERR);
        if (m.rc === 1) {
          if (didnetmask) this.usage(E_OPTERR);
          neednetmask = true;
          samask = m.mask;
          host = m.addr;
        }
      }
      if (ap.name === "inet6") {
        // inet6_aftype.input(0, …) is INET6_resolve(): getaddrinfo(); an address it finds is
        // still none ifconfig can set without add (its switch knows AF_INET alone)
        const i6 = new Inet6Names(this.p, this.res);
        if (!(await i6.input(0, host))) {
          i6.herror(host);
          this.err("ifconfig: `--help' gives usage information.\n");
          throw new Exit(1);
        }
        this.err(`Don't know how to set addresses for family ${ap.af}.\n`);
        throw new Exit(1);
      }
      if (!inet) {
        this.err(`Don't know how to set addresses for family ${ap.af}.\n`);
        throw new Exit(1);
      }
      const r = await this.res.inetInput(this.p, 0, hostBuf(host));
      if (r.rc < 0) {
        this.res.herror(this.p, hostBuf(host));
        this.err("ifconfig: `--help' gives usage information.\n");
        throw new Exit(1);
      }
      this.siocsifOrErr("SIOCSIFADDR", ifname, { addr: r.addr });
      // no set_flag() for an alias set to 0.0.0.0 or ending in '-' (it is deleted already)
      let bringUp = true;
      if (ifname.includes(":")) {
        if (ifname.endsWith("-")) bringUp = false;
        else if (r.addr === 0) bringUp = false;
      }
      if (bringUp) this.goterr |= this.setFlag(ifname, IFF_UP | IFF_RUNNING);
      k++;
    }

    if (neednetmask) {
      this.goterr |= this.setNetmask(ifname, samask);
      didnetmask++;
    }
    if (this.optV && this.goterr) this.err(`WARNING: at least one error occured. (${this.goterr})\n`);
    return this.goterr;
  }
}

/** SIOCSIFADDR/SIOCDIFADDR/SIOCSIFDSTADDR with a struct in6_ifreq */
function inet6Ioctl(sys: Syscalls, request: string, ifindex: number, addr: Uint8Array, prefixlen: number): KErr | undefined {
  const r = sys.ioctl({ request, family: AF_INET6, ifr6_ifindex: ifindex, ifr6_addr: addr, ifr6_prefixlen: prefixlen });
  if (isKErr(r) && (r.errno === "ENOTTY" || r.errno === "ENOSYS")) {
    // ADAPTER: addrconf_add_ifaddr()/addrconf_del_ifaddr() are inet6_addr_add/del, as rtnl does them
    const a = sys.rtnl.talk({
      type: request === "SIOCDIFADDR" ? "RTM_DELADDR" : "RTM_NEWADDR",
      flags: request === "SIOCDIFADDR" ? {} : { create: true, excl: true },
      ifa: { family: AF_INET6, prefixlen, flags: 0, scope: 0, index: ifindex },
      attrs: { IFA_LOCAL: addr, IFA_ADDRESS: addr },
    });
    return a.ack.ok ? undefined : { errno: a.ack.errno };
  }
  return isKErr(r) ? r : undefined;
}

/** ifconfig(8) */
export async function ifconfig(p: Process): Promise<number> {
  const res = await Resolver.load(p);
  const ic = new Ifconfig(p, res);
  const rc = await ic.run(p.argv);
  return rc & 0xff;
}

export { devPart };
