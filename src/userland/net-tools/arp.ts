/**
 * net-tools 2.10 arp.c: show the ARP cache (/proc/net/arp) and set/delete entries with the
 * SIOCSARP / SIOCDARP ioctls (arp_show, arp_disp, arp_disp_2, arp_set, arp_del, arp_file, main).
 *
 * The ioctl request carries struct arpreq as {arp_pa (host-order IPv4), arp_ha (Uint8Array),
 * arp_ha_family (ARPHRD_*), arp_flags (ATF_*), arp_netmask (host-order, with ATF_NETMASK),
 * arp_dev ("" when not given)}.
 */
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import { StdioOut } from "../lib/stdio.ts";
import { getAftype } from "./lib/af.ts";
import { getHwntype, getHwtype, printHwlist, type HwType } from "./lib/hw.ts";
import { Resolver, inetNtoa } from "./lib/inet.ts";
import { hostBuf, E_OPTERR, E_USAGE, E_VERSION, features, FLAG_NUM, RELEASE, getoptLong, perror, type LongOpt } from "./lib/util.ts";
import { ioctl } from "./lib/sockets.ts";

const DFLT_HW = "ether";
const DFLT_AF = "inet";
const ATF_COM = 0x02;
const ATF_PERM = 0x04;
const ATF_PUBL = 0x08;
const ATF_USETRAILERS = 0x10;
const ATF_NETMASK = 0x20;
const ATF_DONTPUB = 0x40;
const ATF_MAGIC = 0x80;

class Arp extends StdioOut {
  optN = 0;
  optV = 0;
  optA = 0;
  optE = 0;
  optD = 0;
  hw: HwType = getHwtype(DFLT_HW)!;
  hwSet = false;
  device = "";
  title = 0;

  constructor(
    p: Process,
    readonly res: Resolver,
  ) {
    super(p);
  }

  usage(rc: number): never {
    const s =
      "Usage:\n  arp [-vn]  [<HW>] [-i <if>] [-a] [<hostname>]             <-Display ARP cache\n" +
      "  arp [-v]          [-i <if>] -d  <host> [pub]               <-Delete ARP entry\n" +
      "  arp [-vnD] [<HW>] [-i <if>] -f  [<filename>]            <-Add entry from file\n" +
      "  arp [-v]   [<HW>] [-i <if>] -s  <host> <hwaddr> [temp]            <-Add entry\n" +
      "  arp [-v]   [<HW>] [-i <if>] -Ds <host> <if> [netmask <nm>] pub          <-''-\n\n" +
      "        -a                       display (all) hosts in alternative (BSD) style\n" +
      "        -e                       display (all) hosts in default (Linux) style\n" +
      "        -s, --set                set a new ARP entry\n" +
      "        -d, --delete             delete a specified entry\n" +
      "        -v, --verbose            be verbose\n" +
      "        -n, --numeric            don't resolve names\n" +
      "        -i, --device             specify network interface (e.g. eth0)\n" +
      "        -D, --use-device         read <hwaddr> from given device\n" +
      "        -A, -p, --protocol       specify protocol family\n" +
      "        -f, --file               read new entries from file or from /etc/ethers\n\n" +
      `  <HW>=Use '-H <hw>' to specify hardware address type. Default: ${DFLT_HW}\n` +
      "  List of possible hardware types (which support ARP):\n";
    if (rc) this.err(s);
    else this.printf(s);
    this.flush();
    printHwlist(this.p, 1);
    throw new Exit(rc);
  }

  /** INET_input(0, host): the address, or undefined after herror() */
  async input(arg: string): Promise<number | undefined> {
    const host = hostBuf(arg);
    const r = await this.res.inetInput(this.p, 0, host);
    if (r.rc < 0) {
      this.flush();
      this.res.herror(this.p, host);
      return undefined;
    }
    return r.addr;
  }

  /** arp_del() */
  async arpDel(argsIn: string[]): Promise<number> {
    let args = argsIn;
    if (args[0] === undefined) {
      this.err("arp: need host name\n");
      return -1;
    }
    const host = args[0];
    const pa = await this.input(host);
    if (pa === undefined) return -1;
    const req: Record<string, unknown> = { arp_pa: pa, arp_flags: ATF_PERM };
    if (this.hwSet) req["arp_ha_family"] = this.hw.type;
    let flags = 0;
    args = args.slice(1);
    while (args[0] !== undefined) {
      const a = args[0];
      if (this.optV) this.err(`args=${a}\n`);
      if (a === "pub") flags |= 1;
      else if (a === "priv") flags |= 2;
      else if (a === "temp") req["arp_flags"] = (req["arp_flags"] as number) & ~ATF_PERM;
      else if (a === "trail") req["arp_flags"] = (req["arp_flags"] as number) | ATF_USETRAILERS;
      else if (a === "dontpub") req["arp_flags"] = (req["arp_flags"] as number) | ATF_DONTPUB;
      else if (a === "auto") req["arp_flags"] = (req["arp_flags"] as number) | ATF_MAGIC;
      else if (a === "dev") {
        args = args.slice(1);
        if (args[0] === undefined) this.usage(E_OPTERR);
        this.device = args[0].slice(0, 15);
      } else if (a === "netmask") {
        args = args.slice(1);
        if (args[0] === undefined) this.usage(E_OPTERR);
        if (args[0] !== "255.255.255.255") {
          const m = await this.input(args[0]);
          if (m === undefined) return -1;
          req["arp_netmask"] = m;
          req["arp_flags"] = (req["arp_flags"] as number) | ATF_NETMASK;
        }
      } else this.usage(E_OPTERR);
      args = args.slice(1);
    }
    if (flags === 0) flags = 3;
    req["arp_dev"] = this.device;
    let deleted = false;
    let tryPub = false;
    if (flags & 2) {
      if (this.optV) this.err("arp: SIOCDARP(dontpub)\n");
      const r = ioctl(this.p.sys, "SIOCDARP", req);
      if (isKErr(r)) {
        if (r.errno === "ENXIO" || r.errno === "ENOENT") {
          if (flags & 1) tryPub = true;
          else {
            this.printf("No ARP entry for %s\n", host);
            return -1;
          }
        } else {
          this.flush();
          perror(this.p, "SIOCDARP(dontpub)", r);
          return -1;
        }
      } else deleted = true;
    }
    if (tryPub || (!deleted && flags & 1)) {
      req["arp_flags"] = (req["arp_flags"] as number) | ATF_PUBL;
      if (this.optV) this.err("arp: SIOCDARP(pub)\n");
      const r = ioctl(this.p.sys, "SIOCDARP", req);
      if (isKErr(r)) {
        if (r.errno === "ENXIO" || r.errno === "ENOENT") {
          this.printf("No ARP entry for %s\n", host);
          return -1;
        }
        this.flush();
        perror(this.p, "SIOCDARP(pub)", r);
        return -1;
      }
    }
    return 0;
  }

  /** arp_getdevhw() */
  arpGetdevhw(ifname: string, hw: HwType | undefined): { ha: Uint8Array; family: number } | undefined {
    const r = ioctl(this.p.sys, "SIOCGIFHWADDR", { ifname });
    if (isKErr(r)) {
      this.err(`arp: cant get HW-Address for \`${ifname}': ${strerror(r.errno)}.\n`);
      return undefined;
    }
    const family = typeof r["family"] === "number" ? r["family"] : 0;
    if (hw && family !== hw.type) {
      this.err("arp: protocol type mismatch.\n");
      return undefined;
    }
    const ha = r["hwaddr"] instanceof Uint8Array ? r["hwaddr"] : new Uint8Array(6);
    if (this.optV) {
      const xhw = getHwntype(family);
      this.err(`arp: device \`${ifname}' has HW address ${xhw?.name ?? "unspec"} \`${xhw?.print ? xhw.print(ha) : ""}'.\n`);
    }
    return { ha, family };
  }

  /** arp_set() */
  async arpSet(argsIn: string[]): Promise<number> {
    let args = argsIn;
    if (args[0] === undefined) {
      this.err("arp: need host name\n");
      return -1;
    }
    let host = args[0];
    args = args.slice(1);
    const pa = await this.input(host);
    if (pa === undefined) return -1;
    const req: Record<string, unknown> = { arp_pa: pa };
    if (args[0] === undefined) {
      this.err("arp: need hardware address\n");
      return -1;
    }
    if (this.optD) {
      const d = this.arpGetdevhw(args[0], this.hwSet ? this.hw : undefined);
      if (!d) return -1;
      req["arp_ha"] = d.ha;
      req["arp_ha_family"] = d.family;
    } else {
      const ha = this.hw.input ? this.hw.input(args[0]) : undefined;
      if (!ha) {
        this.err("arp: invalid hardware address\n");
        return -1;
      }
      req["arp_ha"] = ha;
      req["arp_ha_family"] = this.hw.type;
    }
    args = args.slice(1);
    let flags = ATF_PERM | ATF_COM;
    while (args[0] !== undefined) {
      const a = args[0];
      if (a === "temp") flags &= ~ATF_PERM;
      else if (a === "pub") flags |= ATF_PUBL;
      else if (a === "priv") flags &= ~ATF_PUBL;
      else if (a === "trail") flags |= ATF_USETRAILERS;
      else if (a === "dontpub") flags |= ATF_DONTPUB;
      else if (a === "auto") flags |= ATF_MAGIC;
      else if (a === "dev") {
        args = args.slice(1);
        if (args[0] === undefined) this.usage(E_OPTERR);
        this.device = args[0].slice(0, 15);
      } else if (a === "netmask") {
        args = args.slice(1);
        if (args[0] === undefined) this.usage(E_OPTERR);
        if (args[0] !== "255.255.255.255") {
          host = args[0];
          const m = await this.input(host);
          if (m === undefined) return -1;
          req["arp_netmask"] = m;
          flags |= ATF_NETMASK;
        }
      } else this.usage(E_OPTERR);
      args = args.slice(1);
    }
    req["arp_flags"] = flags;
    req["arp_dev"] = this.device;
    if (this.optV) this.err("arp: SIOCSARP()\n");
    const r = ioctl(this.p.sys, "SIOCSARP", req);
    if (isKErr(r)) {
      this.flush();
      perror(this.p, "SIOCSARP", r);
      return -1;
    }
    return 0;
  }

  /** arp_file() */
  async arpFile(name: string): Promise<number> {
    const text = await this.p.readFile(name);
    if (text === undefined) {
      this.err(`arp: cannot open etherfile ${name} !\n`);
      return -1;
    }
    let linenr = 0;
    for (const raw of text.split("\n").slice(0, text.endsWith("\n") ? -1 : undefined)) {
      linenr++;
      if (this.optV === 1) this.err(`>> ${raw}\n`);
      if (raw[0] === "#" || raw === "") continue;
      const args = raw.split(/[ \t]+/).filter((s) => s !== "");
      if (args.length < 2) {
        this.err(`arp: format error on line ${linenr} of etherfile ${name} !\n`);
        continue;
      }
      if (args[0]!.includes(":")) [args[0], args[1]] = [args[1]!, args[0]!];
      if ((await this.arpSet(args)) !== 0) this.err(`arp: cannot set entry on line ${linenr} of etherfile ${name} !\n`);
    }
    return 0;
  }

  /** arp_disp_2(): the default (Linux) style */
  arpDisp2(name: string, type: number, arpFlags: number, hwa: string, maskIn: string, dev: string): void {
    const xhw = getHwntype(type) ?? getHwtype(DFLT_HW)!;
    if (this.title++ === 0) this.printf("Address                  HWtype  HWaddress           Flags Mask            Iface\n");
    let flags = "";
    if (arpFlags & ATF_COM) flags += "C";
    if (arpFlags & ATF_PERM) flags += "M";
    if (arpFlags & ATF_PUBL) flags += "P";
    if (arpFlags & ATF_MAGIC) flags += "A";
    if (arpFlags & ATF_DONTPUB) flags += "!";
    if (arpFlags & ATF_USETRAILERS) flags += "T";
    const mask = arpFlags & ATF_NETMASK ? maskIn : "";
    this.printf("%-23.23s  ", name);
    if (!(arpFlags & ATF_COM)) {
      if (arpFlags & ATF_PUBL) this.printf("%-8.8s%-20.20s", "*", "<from_interface>");
      else this.printf("%-8.8s%-20.20s", "", "(incomplete)");
    } else this.printf("%-8.8s%-20.20s", xhw.name, hwa);
    this.printf("%-6.6s%-15.15s %s\n", flags, mask, dev);
  }

  /** arp_disp(): the BSD style (-a) */
  arpDisp(name: string, ip: string, type: number, arpFlags: number, hwa: string, mask: string, dev: string): void {
    const xhw = getHwntype(type) ?? getHwtype(DFLT_HW)!;
    this.printf("%s (%s) at ", name, ip);
    if (!(arpFlags & ATF_COM)) {
      if (arpFlags & ATF_PUBL) this.printf("<from_interface> ");
      else this.printf("<incomplete> ");
    } else this.printf("%s [%s] ", hwa, xhw.name);
    if (arpFlags & ATF_NETMASK) this.printf("netmask %s ", mask);
    if (arpFlags & ATF_PERM) this.printf("PERM ");
    if (arpFlags & ATF_PUBL) this.printf("PUB ");
    if (arpFlags & ATF_MAGIC) this.printf("AUTO ");
    if (arpFlags & ATF_DONTPUB) this.printf("DONTPUB ");
    if (arpFlags & ATF_USETRAILERS) this.printf("TRAIL ");
    this.printf("on %s\n", dev);
  }

  /** arp_show() */
  async arpShow(name: string | undefined): Promise<number> {
    let host = "";
    if (name !== undefined) {
      const a = await this.input(name);
      if (a === undefined) return -1;
      host = inetNtoa(a);
    }
    const text = this.p.sys.fs.read("/proc/net/arp");
    if (isKErr(text)) {
      this.flush();
      perror(this.p, "/proc/net/arp", text);
      return -1;
    }
    const lines = text.split("\n");
    let entries = 0;
    let showed = 0;
    if (lines.length > 0) {
      for (const line of lines.slice(1)) {
        const f = line.split(/\s+/).filter((s) => s !== "");
        if (f.length < 4 || !/^0x/i.test(f[1]!) || !/^0x/i.test(f[2]!)) break;
        const ip = f[0]!;
        const type = parseInt(f[1]!.slice(2), 16);
        const flags = parseInt(f[2]!.slice(2), 16);
        let hwa = f[3]!;
        let mask = f[4] ?? "-";
        let dev = f[5] ?? "-";
        if (f.length === 5) {
          hwa = "";
          mask = f[3]!;
          dev = f[4]!;
        }
        entries++;
        if (this.hwSet && type !== this.hw.type) continue;
        if (host && ip !== host) continue;
        if (this.device && dev !== this.device) continue;
        showed++;
        let hostname: string;
        if (this.optN) hostname = "?";
        else {
          const r = await this.res.inetInput(this.p, 0, ip);
          if (r.rc >= 0) await this.res.prefetchRresolve(this.p, r.addr, this.optN | 0x8000, 0xffffff00);
          hostname = r.rc < 0 ? ip : this.res.inetSprint(r.addr, this.optN | 0x8000);
          if (hostname === ip) hostname = "?";
        }
        if (this.optE) this.arpDisp2(hostname[0] === "?" ? ip : hostname, type, flags, hwa, mask, dev);
        else this.arpDisp(hostname, ip, type, flags, hwa, mask, dev);
      }
    }
    if (this.optV) this.printf("Entries: %d\tSkipped: %d\tFound: %d\n", entries, entries - showed, showed);
    if (!showed) {
      if (host && !this.optA) this.printf("%s (%s) -- no entry\n", name, host);
      else if (this.hwSet || host || this.device) this.printf("arp: in %d entries no match found.\n", entries);
    }
    return 0;
  }

  async main(argv: string[]): Promise<number> {
    let what = 0;
    const longopts: LongOpt[] = [
      { name: "verbose", hasArg: 0, val: "v" },
      { name: "version", hasArg: 0, val: "V" },
      { name: "all", hasArg: 0, val: "a" },
      { name: "delete", hasArg: 0, val: "d" },
      { name: "file", hasArg: 0, val: "f" },
      { name: "numeric", hasArg: 0, val: "n" },
      { name: "set", hasArg: 0, val: "s" },
      { name: "protocol", hasArg: 1, val: "A" },
      { name: "hw-type", hasArg: 1, val: "H" },
      { name: "device", hasArg: 1, val: "i" },
      { name: "help", hasArg: 0, val: "h" },
      { name: "use-device", hasArg: 0, val: "D" },
      { name: "symbolic", hasArg: 0, val: "N" },
    ];
    // -h, -V and an invalid option end the run where getopt_long() returns them
    const { opts, args } = getoptLong(this.p, argv, "A:H:adfp:nsei:t:vh?DNV", longopts, { stopAtError: true, stopAt: "hV" });
    let ap = getAftype(DFLT_AF)!;
    for (const [c, optarg] of opts) {
      switch (c) {
        case "a":
          what = 1;
          this.optA = 1;
          break;
        case "f":
          what = 2;
          break;
        case "d":
          what = 3;
          break;
        case "s":
          what = 4;
          break;
        case "e":
          this.optE = 1;
          break;
        case "n":
          this.optN = FLAG_NUM;
          break;
        case "D":
          this.optD = 1;
          break;
        case "N":
          this.err("arp: -N not yet supported.\n");
          break;
        case "v":
          this.optV = 1;
          break;
        case "A":
        case "p": {
          const a = getAftype(optarg ?? "");
          if (!a) {
            this.err(`arp: ${optarg}: unknown address family.\n`);
            throw new Exit(255);
          }
          ap = a;
          break;
        }
        case "H":
        case "t": {
          const h = getHwtype(optarg ?? "");
          if (!h) {
            this.err(`arp: ${optarg}: unknown hardware type.\n`);
            throw new Exit(255);
          }
          this.hw = h;
          this.hwSet = true;
          break;
        }
        case "i":
          this.device = (optarg ?? "").slice(0, 15);
          break;
        case "V":
          this.printf("%s\n%s\n", RELEASE, features("arp"));
          return E_VERSION;
        case "h":
          this.usage(E_USAGE);
          break;
        default:
          this.usage(E_OPTERR);
      }
    }
    if (ap.af !== 2) {
      this.err(`arp: ${ap.name}: kernel only supports 'inet'.\n`);
      throw new Exit(255);
    }
    if (this.hw.alen <= 0) {
      this.err(`arp: ${this.hw.name}: hardware type without ARP support.\n`);
      throw new Exit(255);
    }
    switch (what) {
      case 0:
        this.optE = 1;
        return this.arpShow(args[0]);
      case 1:
        return this.arpShow(args[0]);
      case 2:
        return this.arpFile(args[0] ?? "/etc/ethers");
      case 3:
        return this.arpDel(args);
      case 4:
        return this.arpSet(args);
    }
    return this.usage(E_OPTERR);
  }
}

/** the `arp` command */
export async function arp(p: Process): Promise<number> {
  const a = new Arp(p, await Resolver.load(p));
  let code: number;
  try {
    code = await a.main(p.argv);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    code = e.code;
  }
  a.flush();
  return code & 0xff;
}
