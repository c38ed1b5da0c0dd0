/**
 * tcpdump 4.99.3 (libpcap 1.10.3), Debian 12's `tcpdump`: tcpdump.c main() (getopt_long loop,
 * the -r / live-capture paths, open_interface()'s messages, the "verbose output suppressed" and
 * "listening on" lines, pcap_loop with -c, info() at the end and on SIGTERM/SIGINT, print_usage,
 * print_version) over an AF_PACKET socket, with libpcap's savefile writer/reader (-w / -r,
 * wire/pcap.ts) and filter language (gencode.ts, compiled once into a predicate).
 *
 * Kernel contract: socket(AF_PACKET, SOCK_RAW, ETH_P_ALL) bound to one interface (or to none
 * for `-i any`, where frames are given the LINUX_SLL2 header libpcap builds), recvfrom()
 * yielding whole frames with `stamp`, `ifindex`, `from.pkttype`; onReadable wakes the loop.
 */
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import type { Socket, SockAddrLl, RecvMsg } from "../../kernel/uapi/socket.ts";
import { SOCK_RAW } from "../../kernel/uapi/socket.ts";
/** AF_NETLINK, NETLINK_NETFILTER (linux/netlink.h) */
const AF_NETLINK = 16;
const NETLINK_NETFILTER = 12;
import type { LinkMsg } from "../../kernel/uapi/rtnetlink.ts";
import { AF_UNSPEC } from "../../kernel/uapi/rtnetlink.ts";
import { ARPHRD_ETHER, IFF_UP } from "../../kernel/uapi/if.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import {
  LINKTYPE_DOCSIS,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_IPV4,
  LINKTYPE_NFLOG,
  parsePcap,
  pcapFileHeader,
  pcapRecord,
  bytesToLatin1,
  latin1ToBytes,
  type PcapRecord,
} from "../../wire/pcap.ts";
import { SERVICES } from "../iptables/services.ts";
import { NameCache, WallClock, procTimer } from "../iputils/common.ts";
import { compileFilter, FilterError, type Pkt } from "./gencode.ts";
import { printPacket, tsFormat, type Ndo } from "./print.ts";
import { dltByName, type Dlt } from "./dlt.ts";
import { CStdout } from "../lib/stdio.ts";
import { atoi } from "../lib/utils.ts";

const AF_PACKET = 17;
const ETH_P_ALL = 0x0003;
const MAXIMUM_SNAPLEN = 262144;
/** how long after the last counted packet the capture socket stays open (µs) */
const LINGER_US = 1000;

const VERSION = "tcpdump version 4.99.3\nlibpcap version 1.10.3 (with TPACKET_V3)\nOpenSSL 3.0.19 27 Jan 2026\n";

const USAGE =
  VERSION +
  "Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]\n" +
  "\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]\n" +
  "\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]\n" +
  "\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]\n" +
  "\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]\n" +
  "\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]\n" +
  "\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]\n" +
  "\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]\n";

/** what activating libpcap's non-network devices of -D answers on a machine without D-Bus or
 * Bluetooth (pcap-dbus.c, pcap-bt-monitor-linux.c) */
const PSEUDO_OPEN_ERRORS: Record<string, string> = {
  "dbus-session": "Failed to get session bus: Unable to autolaunch a dbus-daemon without a $DISPLAY for X11",
  "dbus-system": "Failed to get system bus: Failed to connect to socket /run/dbus/system_bus_socket: No such file or directory",
  "bluetooth-monitor": "Can't create raw socket: Address family not supported by protocol",
};

/** SHORTOPTS of tcpdump.c on Linux (B, D, I, j, J, Q available) */
const SHORTOPTS = "aAbB:c:C:dDeE:fF:G:hHi:Ij:JKlLm:M:nNOpqQ:r:s:StT:uUvV:w:W:xXy:Yz:Z:#";

/** pcap.c: tstamp_type_choices[] (name, description), by PCAP_TSTAMP_* value */
const TSTAMP_TYPES: [string, string][] = [
  ["host", "Host"],
  ["host_lowprec", "Host, low precision"],
  ["host_hiprec", "Host, high precision"],
  ["adapter", "Adapter"],
  ["adapter_unsynced", "Adapter, not synced with system time"],
  ["host_hiprec_unsynced", "Host, high precision, not synced with system time"],
];

const LONGOPTS: Record<string, { arg: boolean; id: string }> = {
  "buffer-size": { arg: true, id: "B" },
  "list-interfaces": { arg: false, id: "D" },
  "list-data-link-types": { arg: false, id: "L" },
  linktype: { arg: true, id: "y" },
  "list-time-stamp-types": { arg: false, id: "J" },
  interface: { arg: true, id: "i" },
  "monitor-mode": { arg: false, id: "I" },
  "time-stamp-type": { arg: true, id: "j" },
  "no-promiscuous-mode": { arg: false, id: "p" },
  snapshot_length: { arg: true, id: "s" },
  "snapshot-length": { arg: true, id: "s" },
  "relinquish-privileges": { arg: true, id: "Z" },
  "immediate-mode": { arg: false, id: "immediate" },
  count: { arg: false, id: "count" },
  number: { arg: false, id: "#" },
  print: { arg: false, id: "print" },
  version: { arg: false, id: "version" },
  help: { arg: false, id: "h" },
  direction: { arg: true, id: "Q" },
  micro: { arg: false, id: "micro" },
  nano: { arg: false, id: "nano" },
};

class Tcpdump {
  ndo: Ndo;
  cnt = -1;
  device: string | undefined;
  /** -j: the time stamp type asked for (an index of TSTAMP_TYPES) */
  jflag = -1;
  /** -J: list the time stamp types and exit */
  Jflag = false;
  /** -y: the data link type asked for (pcap_datalink_name_to_val) */
  ydlt: Dlt | undefined;
  /** -L: list the device's data link types and exit */
  listDlts = false;
  /** -D: list the devices once the options are all read (show_devices_and_exit()) */
  Dflag = false;
  /** -d: dump the compiled filter (not modelled: refused once the filter compiled) */
  dflag = 0;
  rfile: string | undefined;
  wfile: string | undefined;
  snaplen = 0;
  tflag = 0;
  lflag = false;
  print = false;
  countOnly = false;
  numberFlag = false;
  direction: "in" | "out" | "inout" = "inout";
  names = new NameCache();
  packetsCaptured = 0;
  packetNumber = 0;
  recvByFilter = 0;
  dropped = 0;
  out = "";
  /** the -w savefile */
  pf: PcapFile | undefined;
  firstTs: number | undefined;
  prevTs: number | undefined;
  ifnames = new Map<number, string>();
  /** /etc/hosts, for filter host names (pcap_nametoaddr: gethostbyname over files; no DNS here) */
  hostsByName = new Map<string, number>();
  async loadHosts(): Promise<void> {
    const text = (await this.p.readFile("/etc/hosts")) ?? "";
    for (const raw of text.split("\n")) {
      const f = raw.replace(/#.*/, "").trim().split(/\s+/);
      const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(f[0] ?? "");
      if (!m || f.length < 2) continue;
      const a = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
      for (const n of f.slice(1)) if (!this.hostsByName.has(n.toLowerCase())) this.hostsByName.set(n.toLowerCase(), a);
    }
  }
  /** the capture's DLT (EN10MB, LINUX_SLL, LINUX_SLL2) */
  linktype = LINKTYPE_ETHERNET;
  /** handlep->lo_ifindex */
  loIndex = 0;

  constructor(readonly p: Process) {
    this.ndo = {
      eflag: 0,
      vflag: 0,
      qflag: 0,
      nflag: 0,
      Kflag: false,
      hostName: (a) => this.names.lookup(a) || undefined,
      servName: (proto, port) => SERVICES[proto]?.[port],
    };
  }

  /** error(): "tcpdump: msg" and exit 1 */
  error(msg: string): never {
    this.flush();
    this.p.stderr.write(`tcpdump: ${msg}\n`);
    throw new Exit(1);
  }
  warning(msg: string): void {
    this.p.stderr.write(`tcpdump: WARNING: ${msg}\n`);
  }
  flush(): void {
    if (this.out) this.p.stdout.write(this.out);
    this.out = "";
  }

  usage(code: number): never {
    this.p.stderr.write(USAGE);
    throw new Exit(code);
  }

  // ------------------------------------------------------------------ options

  parseArgs(): string[] {
    const args = this.p.argv.slice(1);
    const operands: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "--") {
        operands.push(...args.slice(i + 1));
        break;
      }
      if (a.startsWith("--")) {
        const eq = a.indexOf("=");
        const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
        const matches = Object.keys(LONGOPTS).filter((k) => k.startsWith(name));
        const exact = LONGOPTS[name] ? name : matches.length === 1 ? matches[0] : undefined;
        if (!exact) {
          this.p.stderr.write(
            matches.length > 1 ? `tcpdump: option '${a}' is ambiguous\n` : `tcpdump: unrecognized option '${a}'\n`,
          );
          this.usage(1);
        }
        const o = LONGOPTS[exact]!;
        let arg = "";
        if (o.arg) {
          if (eq >= 0) arg = a.slice(eq + 1);
          else if (i + 1 < args.length) arg = args[++i]!;
          else {
            this.p.stderr.write(`tcpdump: option '--${exact}' requires an argument\n`);
            this.usage(1);
          }
        } else if (eq >= 0) {
          this.p.stderr.write(`tcpdump: option '--${exact}' doesn't allow an argument\n`);
          this.usage(1);
        }
        this.option(o.id, arg);
        continue;
      }
      if (a.length < 2 || a[0] !== "-") {
        operands.push(a);
        continue;
      }
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const k = SHORTOPTS.indexOf(c);
        if (k < 0 || c === ":") {
          this.p.stderr.write(`tcpdump: invalid option -- '${c}'\n`);
          this.usage(1);
        }
        let arg = "";
        if (SHORTOPTS[k + 1] === ":") {
          if (j + 1 < a.length) arg = a.slice(j + 1);
          else if (i + 1 < args.length) arg = args[++i]!;
          else {
            this.p.stderr.write(`tcpdump: option requires an argument -- '${c}'\n`);
            this.usage(1);
          }
          j = a.length;
        }
        this.option(c, arg);
      }
    }
    return operands;
  }

  option(c: string, arg: string): void {
    const ndo = this.ndo;
    switch (c) {
      case "c": {
        const n = atoi(arg);
        if (n <= 0) this.error(`invalid packet count ${arg}`);
        this.cnt = n;
        break;
      }
      case "e":
        ndo.eflag++;
        break;
      case "i":
        this.device = arg;
        break;
      case "K":
        ndo.Kflag = true;
        break;
      case "S":
        ndo.Sflag = true;
        break;
      case "x":
        ndo.xflag = (ndo.xflag ?? 0) + 1;
        break;
      case "X":
        ndo.Xflag = (ndo.Xflag ?? 0) + 1;
        break;
      case "A":
        ndo.Aflag = true;
        break;
      case "l":
        this.lflag = true;
        break;
      case "n":
        ndo.nflag++;
        break;
      case "q":
        ndo.qflag++;
        break;
      case "r":
        this.rfile = arg;
        break;
      case "s": {
        const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(arg.trim());
        const v = m ? Number(arg.trim().startsWith("0") && !/^0[xX]/.test(arg.trim()) && arg.trim() !== "0" ? parseInt(arg.trim(), 8) : Number(arg.trim())) : NaN;
        if (!m || v < 0 || v > MAXIMUM_SNAPLEN) this.error(`invalid snaplen ${arg} (must be >= 0 and <= ${MAXIMUM_SNAPLEN})`);
        this.snaplen = v;
        break;
      }
      case "t":
        this.tflag++;
        break;
      case "v":
        ndo.vflag++;
        break;
      case "w":
        this.wfile = arg;
        break;
      case "Q":
        if (arg === "in" || arg === "out" || arg === "inout") this.direction = arg;
        else this.error(`unknown capture direction '${arg}'`);
        break;
      case "#":
        this.numberFlag = true;
        break;
      case "print":
        this.print = true;
        break;
      case "count":
        this.countOnly = true;
        break;
      case "version":
        this.p.stdout.write(VERSION);
        throw new Exit(0);
      case "h":
        this.p.stdout.write(USAGE);
        throw new Exit(0);
      case "D":
        this.Dflag = true;
        break;
      case "L":
        this.listDlts = true;
        break;
      case "y": {
        this.ydlt = dltByName(arg);
        if (!this.ydlt) this.error(`invalid data link type ${arg}`);
        break;
      }
      case "j": {
        // pcap_tstamp_type_name_to_val(): names compared without case
        const v = TSTAMP_TYPES.findIndex(([n]) => n === arg.toLowerCase());
        if (v < 0) this.error(`invalid time stamp type ${arg}`);
        this.jflag = v;
        break;
      }
      case "J":
        this.Jflag = true;
        break;
      case "d":
        // -d/-dd/-ddd print the compiled BPF program, then exit; the emulator compiles
        // filters to predicates, not to libpcap's optimized BPF: once the filter compiled
        // (its errors are libpcap's), it says so instead
        this.dflag++;
        break;
      default:
        // accepted without effect: -A -b -B -C -E -f -F -G -H -I -m -M -N -O -p -S
        // -T -u -U -V -W -x -X -Y -z -Z --immediate-mode --micro --nano
        break;
    }
  }

  // ------------------------------------------------------------------ interfaces

  links(): LinkMsg[] {
    const r = this.p.sys.rtnl.dump({
      type: "RTM_GETLINK",
      flags: {},
      ifi: { family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 },
      attrs: {},
    });
    return isKErr(r) ? [] : (r as LinkMsg[]);
  }

  /**
   * pcap_findalldevs() (pcap-linux.c + pcap.c add_dev()): the netdevices, "any" and the
   * pseudo-devices of Debian's libpcap, kept sorted by get_figure_of_merit() (equal ones in
   * the order they were added).
   */
  findAllDevs(): { name: string; desc: string; flags: string[] }[] {
    type Dev = { name: string; desc: string; flags: string[]; merit: number };
    const devs: Dev[] = [];
    const add = (d: Omit<Dev, "merit">, up: boolean, running: boolean, lo: boolean, disconnected: boolean) => {
      // Debian's libpcap 1.10.3 keeps netdevices of equal standing in ifindex order (no unit
      // numbers: a veth pair's v2, registered first, lists before v1)
      let n = d.name === "any" ? 0x1fffffff : 0;
      if (!running) n |= 0x80000000;
      if (!up) n |= 0x40000000;
      if (lo) n |= 0x20000000;
      if (disconnected) n |= 0x10000000;
      n >>>= 0;
      let k = devs.length;
      while (k > 0 && devs[k - 1]!.merit > n) k--;
      devs.splice(k, 0, { ...d, merit: n });
    };
    for (const l of this.links()) {
      const f = l.ifi.flags;
      const up = (f & IFF_UP) !== 0;
      const running = (f & 0x40) !== 0;
      const lo = (f & 0x8) !== 0;
      const flags = [up ? "Up" : "", running ? "Running" : "", lo ? "Loopback" : ""].filter(Boolean);
      // connection status (ETHTOOL_GLINK): the carrier, none on a device that is down; n/a for lo
      let disconnected = false;
      if (!lo) {
        if (!flags.length) flags.push("none");
        if (running) flags.push("Connected");
        else {
          flags.push("Disconnected");
          disconnected = true;
        }
      }
      add({ name: String(l.attrs.IFLA_IFNAME), desc: "", flags }, up, running, lo, disconnected);
    }
    add({ name: "any", desc: "Pseudo-device that captures on all interfaces", flags: ["Up", "Running"] }, true, true, false, false);
    add({ name: "bluetooth-monitor", desc: "Bluetooth Linux Monitor", flags: ["Wireless"] }, false, false, false, false);
    add({ name: "nflog", desc: "Linux netfilter log (NFLOG) interface", flags: [] }, false, false, false, false);
    add({ name: "nfqueue", desc: "Linux netfilter queue (NFQUEUE) interface", flags: [] }, false, false, false, false);
    add({ name: "dbus-system", desc: "D-Bus system bus", flags: [] }, false, false, false, false);
    add({ name: "dbus-session", desc: "D-Bus session bus", flags: [] }, false, false, false, false);
    return devs;
  }

  /** tcpdump.c: show_devices_and_exit() */
  listInterfaces(): void {
    let i = 1;
    for (const d of this.findAllDevs()) {
      this.p.stdout.write(`${i++}.${d.name}${d.desc ? ` (${d.desc})` : ""} [${d.flags.length ? d.flags.join(", ") : "none"}]\n`);
    }
  }

  // ------------------------------------------------------------------ printing

  tsString(sec: number, usec: number): string {
    const us = sec * 1e6 + usec;
    switch (this.tflag) {
      case 1:
        return "";
      case 2:
        return `${sec}.${String(usec).padStart(6, "0")} `;
      case 3: {
        const d = this.prevTs === undefined ? 0 : us - this.prevTs;
        this.prevTs = us;
        return tsFormat(Math.floor(d / 1e6), d % 1e6);
      }
      case 4:
        return `${civilDate(Math.floor(sec / 86400))} ${tsFormat(sec, usec)}`;
      case 5: {
        if (this.firstTs === undefined) this.firstTs = us;
        const d = us - this.firstTs;
        return tsFormat(Math.floor(d / 1e6), d % 1e6);
      }
      default:
        return tsFormat(sec, usec);
    }
  }

  /** print_packet(): one line per packet */
  printOne(dlt: number, rec: PcapRecord): void {
    this.packetNumber++;
    if (this.countOnly) return;
    let line = "";
    if (this.numberFlag) line += `${String(this.packetNumber).padStart(5)}  `;
    line += this.tsString(rec.tsSec, rec.tsUsec);
    line += printPacket(this.ndo, dlt, rec.data, rec.len, (i) => this.ifnames.get(i) ?? `[${i}]`);
    this.out += line + "\n";
    if (this.lflag) this.flush();
  }

  // ------------------------------------------------------------------ -r

  async readFile(rfile: string, filterExpr: string): Promise<number> {
    // ADAPTER: Process has text files only; a shell that offers readFileBytes gets exact bytes
    const bin = this.p as Process & { readFileBytes?: (path: string) => Promise<Uint8Array | undefined> };
    let bytes: Uint8Array | undefined;
    if (bin.readFileBytes) bytes = await bin.readFileBytes(rfile);
    else {
      const text = await this.p.readFile(rfile);
      if (text !== undefined) bytes = latin1ToBytes(text);
    }
    if (bytes === undefined) this.error(`${rfile}: No such file or directory`);
    const f = parsePcap(bytes);
    if ("error" in f) this.error(f.error);
    const dlt = f.linktype;
    const dltName = DLT_NAMES[dlt];
    this.p.stderr.write(`reading from file ${rfile}${dltName ? `, link-type ${dltName}` : `, link-type ${dlt}`}, snapshot length ${f.snaplen}\n`);
    if (dlt === LINKTYPE_LINUX_SLL2) this.p.stderr.write("Warning: interface names might be incorrect\n");
    const match = this.compile(filterExpr);
    if (this.dflag) this.bpfDump();
    if (this.wfile) await this.dumpOpen(dlt, f.snaplen);
    // pcap_loop(): -1 when a record is cut short before cnt packets were seen
    let status = f.truncated === undefined ? 0 : -1;
    for (const r of f.records) {
      if (!match(this.pktView(dlt, r.data, r.len))) continue;
      this.packetsCaptured++;
      this.pf?.add(pcapRecord(r));
      if (!this.wfile || this.print) this.printOne(dlt, r);
      if (this.cnt > 0 && this.packetsCaptured >= this.cnt) {
        status = 0;
        break;
      }
    }
    this.flush();
    if (status === -1) this.p.stderr.write(`tcpdump: pcap_loop: ${f.truncated}\n`);
    if (this.countOnly) this.p.stdout.write(`${this.packetsCaptured} packet${this.packetsCaptured === 1 ? "" : "s"}\n`);
    await this.dumpClose();
    return status === -1 ? 1 : 0;
  }

  pktView(dlt: number, b: Uint8Array, len: number): Pkt {
    if (dlt === LINKTYPE_LINUX_SLL2) return { b, len, typeOff: 0, nlOff: 20 };
    if (dlt === LINKTYPE_LINUX_SLL) return { b, len, typeOff: 14, nlOff: 16 };
    return { b, len, typeOff: 12, nlOff: 14 };
  }

  /** bpf_dump(): not modelled */
  bpfDump(): never {
    this.error(`option -${"d".repeat(Math.min(this.dflag, 3))} is not supported by this emulator`);
  }

  compile(expr: string): (p: Pkt) => boolean {
    try {
      return compileFilter(expr, {
        host: (name) => this.hostsByName.get(name.toLowerCase()),
        service: (name, proto) => {
          const t = SERVICES[proto] ?? {};
          for (const [k, v] of Object.entries(t)) if (v === name) return Number(k);
          return undefined;
        },
      });
    } catch (e) {
      if (e instanceof FilterError) this.error(e.message);
      throw e;
    }
  }

  /** pcap_dump_open(): create the savefile; its header waits in the stdio buffer */
  async dumpOpen(linktype: number, snaplen: number): Promise<void> {
    const pf = new PcapFile(this.p, this.wfile!);
    if (!(await pf.open())) this.error(`${this.wfile}: No such file or directory`);
    pf.add(pcapFileHeader(snaplen, linktype));
    this.pf = pf;
  }

  /** pcap_dump_close() at exit: what the buffer holds reaches the file */
  async dumpClose(): Promise<void> {
    this.pf?.flush();
    await this.pf?.done();
  }

  // ------------------------------------------------------------------ live capture

  async main(): Promise<number> {
    const operands = this.parseArgs();
    if (this.Dflag) {
      this.listInterfaces();
      throw new Exit(0);
    }
    if (this.tflag > 5) this.error("only -t, -tt, -ttt, -tttt and -ttttt are supported");
    const filterExpr = operands.join(" ");
    if (!this.ndo.nflag) await this.names.load(this.p);
    if (filterExpr) await this.loadHosts();
    if (this.dflag && !this.device && !this.rfile) {
      // pcap_open_dead(): no device to take the link type from
      if (!this.ydlt) this.p.stderr.write("Warning: assuming Ethernet\n");
      this.compile(filterExpr);
      this.bpfDump();
    }
    if (this.rfile) return this.readFile(this.rfile, filterExpr);

    const links = this.links();
    for (const l of links) {
      this.ifnames.set(l.ifi.index, String(l.attrs.IFLA_IFNAME));
      if (l.ifi.flags & 0x8) this.loIndex = l.ifi.index;
    }
    let device = this.device;
    // "-i any" asks for LINUX_SLL2 (tcpdump.c sets it for the name "any"); "any" reached by
    // an interface number keeps libpcap's default, LINUX_SLL
    let linktype = device === "any" ? LINKTYPE_LINUX_SLL2 : LINKTYPE_ETHERNET;
    if (device === undefined) {
      // pcap_lookupdev(): the first device of pcap_findalldevs()
      device = this.findAllDevs()[0]!.name;
    }
    // open_interface(): pcap_create() takes any name; -J lists before activation. Devices here
    // have no hardware time stamps: pcap_list_tstamp_types() is "host" alone, and
    // pcap_set_tstamp_type() refuses the others with a warning
    if (this.Jflag) {
      this.p.stderr.write(`Time stamp types for ${device} (use option -j to set):\n  ${TSTAMP_TYPES[0]![0]} (${TSTAMP_TYPES[0]![1]})\n`);
      throw new Exit(0);
    }
    if (this.jflag > 0) {
      this.warning(`When trying to set timestamp type '${TSTAMP_TYPES[this.jflag]![0]}' on ${device}: That type of time stamp is not supported by that device`);
    }
    if (device !== "any" && !links.some((x) => x.attrs.IFLA_IFNAME === device) && /^[ \t\n\v\f\r]*[+-]?\d+$/.test(device)) {
      // parse_interface_number() (strtol() of all of it) + find_interface_by_number(): the Nth
      // device of -D
      const n = Number(device.trim());
      const devs = this.findAllDevs();
      if (n < 1 || n > devs.length) this.error(`Invalid adapter index`);
      device = devs[n - 1]!.name;
      if (device === "any") linktype = LINKTYPE_LINUX_SLL;
    }
    // pcap-netfilter-linux.c: "nflog[:GROUP[,GROUP...]]" and "nfqueue[:QUEUE[,...]]" are
    // libpcap's netfilter devices
    if (/^nf(log|queue)(:|$)/.test(device)) return this.netfilterMain(device, filterExpr);
    const any = device === "any";
    let ifindex = 0;
    let dlts = [LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2];
    if (!any) {
      const l = links.find((x) => x.attrs.IFLA_IFNAME === device);
      // libpcap's D-Bus and Bluetooth modules: the emulated machine runs no D-Bus daemon and
      // has no Bluetooth sockets
      const pseudo = l ? undefined : PSEUDO_OPEN_ERRORS[device];
      if (pseudo) this.error(pseudo);
      if (!l) this.error(`${device}: No such device exists\n(No such device exists)`);
      if (!(l.ifi.flags & IFF_UP)) this.error(`${device}: That device is not up`);
      ifindex = l.ifi.index;
      // pcap-linux.c: map_arphrd_to_dlt() — an Ethernet device offers DOCSIS too
      dlts = l.ifi.type === ARPHRD_ETHER ? [LINKTYPE_ETHERNET, LINKTYPE_DOCSIS] : [LINKTYPE_ETHERNET];
    }
    if (this.listDlts) {
      // show_dlts_and_exit(): the list goes to stderr
      let out = `Data link types for ${device} (use option -y to set):\n`;
      for (const d of dlts) out += `  ${DLT_NAMES[d]}${d === LINKTYPE_DOCSIS ? " (printing not supported)" : ""}\n`;
      this.p.stderr.write(out);
      throw new Exit(0);
    }
    // -y: pcap_set_datalink(); tcpdump names the type it set
    let dltNote = linktype === LINKTYPE_LINUX_SLL2 ? "LINUX_SLL2" : undefined;
    if (this.ydlt) {
      if (!dlts.includes(this.ydlt.value)) this.error(`${this.ydlt.name} is not one of the DLTs supported by this device`);
      linktype = this.ydlt.value;
      dltNote = this.ydlt.name;
    }
    this.linktype = linktype;
    const dlt = linktype;
    const snaplen = this.snaplen === 0 ? MAXIMUM_SNAPLEN : this.snaplen;
    const match = this.compile(filterExpr);
    if (this.dflag) this.bpfDump();

    const s = this.p.sys.socket(AF_PACKET, SOCK_RAW, ETH_P_ALL);
    if (isKErr(s)) this.error(`${device}: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)`);
    const be = s.bind({ family: 17, ifindex, protocol: ETH_P_ALL });
    if (be) this.error(`${device}: ${be.errno}`);

    if (this.wfile) await this.dumpOpen(linktype, snaplen);
    // on "any" tcpdump asks for DLT_LINUX_SLL2 and reports it (the -y path)
    if (dltNote) this.p.stderr.write(`tcpdump: data link type ${dltNote}\n`);
    this.listening(device, linktype, snaplen);
    const clock = new WallClock(this.p.sys);
    const done = await this.loop(s, (m) => {
      let data = m.data;
      const from = m.from as SockAddrLl;
      if (any) data = cookedHeader(linktype, data, from, m.ifindex ?? from.ifindex);
      const origLen = data.length;
      if (!match(this.pktView(linktype, data, origLen))) return false;
      this.recvByFilter++;
      // pcap-linux.c: an outgoing frame on the loopback device comes back as incoming; the
      // kernel counted it, libpcap skips it
      if (m.outgoing && this.loIndex && (m.ifindex ?? from.ifindex) === this.loIndex) return false;
      // pcap_setdirection(): also a userland check in libpcap on Linux
      if (this.direction === "in" && m.outgoing) return false;
      if (this.direction === "out" && !m.outgoing) return false;
      const us = clock.us(m.stamp);
      const rec: PcapRecord = { tsSec: Math.floor(us / 1e6), tsUsec: us % 1e6, len: origLen, data: data.length > snaplen ? data.slice(0, snaplen) : data };
      this.packetsCaptured++;
      this.pf?.add(pcapRecord(rec));
      if (!this.wfile || this.print) this.printOne(dlt, rec);
      return this.cnt > 0 && this.packetsCaptured >= this.cnt;
    });
    if (done) await this.linger(s, match, any);
    s.close();
    return this.loopEnd(done);
  }

  /**
   * The netfilter devices (pcap-netfilter-linux.c, netfilter_activate()): a NETLINK_NETFILTER
   * socket bound to each nflog group or nfqueue queue, the packet copied up to the snapshot
   * length. An nflog message is a DLT_NFLOG packet (or, with -y IPV4, its payload alone); a
   * queued packet is DLT_IPV4. Each is stamped when read; libpcap keeps the counts itself: what
   * it read is what the filter received.
   */
  async netfilterMain(device: string, filterExpr: string): Promise<number> {
    const queue = device.startsWith("nfqueue");
    const groups: number[] = [];
    const colon = device.indexOf(":");
    if (colon >= 0) {
      let rest = device.slice(colon + 1);
      while (rest) {
        if (groups.length === 32) this.error(`Maximum 32 netfilter groups! dev: ${device}`);
        const m = /^[ \t\n\v\f\r]*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(rest);
        if (m) {
          const t = m[0].trim();
          const neg = t.startsWith("-");
          const d = t.replace(/^[+-]/, "");
          let v = /^0[xX]/.test(d) ? parseInt(d.slice(2), 16) : d.length > 1 && d[0] === "0" ? parseInt(d, 8) : Number(d);
          if (neg) v = -v;
          if (v < 0 || v > 65535) this.error(`Netfilter group range from 0 to 65535 (got ${v})`);
          groups.push(v);
          rest = rest.slice(m[0].length);
        }
        if (rest[0] !== ",") break;
        rest = rest.slice(1);
      }
      if (rest) this.error(`Can't get netfilter group(s) index from ${device}`);
    }
    if (!groups.length) groups.push(0);
    const dlts = queue ? [LINKTYPE_IPV4] : [LINKTYPE_NFLOG, LINKTYPE_IPV4];
    if (this.listDlts) {
      let out = `Data link types for ${device} (use option -y to set):\n`;
      for (const d of dlts) out += `  ${DLT_NAMES[d]}\n`;
      this.p.stderr.write(out);
      throw new Exit(0);
    }
    let linktype = dlts[0]!;
    if (this.ydlt) {
      if (!dlts.includes(this.ydlt.value)) this.error(`${this.ydlt.name} is not one of the DLTs supported by this device`);
      linktype = this.ydlt.value;
    }
    this.linktype = linktype;
    const snaplen = this.snaplen === 0 ? MAXIMUM_SNAPLEN : this.snaplen;
    // gen_linktype() has no case for DLT_NFLOG: any filter that needs the protocol is refused
    let match: (p: Pkt) => boolean = () => true;
    if (filterExpr) {
      try {
        match = compileFilter(filterExpr, { host: (name) => this.hostsByName.get(name.toLowerCase()), service: () => undefined });
      } catch (e) {
        if (!(e instanceof FilterError)) throw e;
        if (/syntax error/.test(e.message)) this.error(e.message);
      }
      if (linktype === LINKTYPE_NFLOG) this.error("NFLOG link-layer type filtering not implemented");
    }
    if (this.dflag) this.bpfDump();
    const s = this.p.sys.socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
    if (isKErr(s)) this.error(`Can't create netfilter socket: ${s.errno}`);
    for (const g of groups) {
      const e = s.bind(queue ? { family: AF_NETLINK, nfqueueNum: g, copyRange: snaplen } : { family: AF_NETLINK, nflogGroup: g, copyRange: snaplen });
      if (e) this.error(`Can't listen on group index: ${strerror(e.errno)}`);
    }
    if (this.wfile) await this.dumpOpen(linktype, snaplen);
    this.listening(device, linktype, snaplen);
    const clock = new WallClock(this.p.sys);
    const done = await this.loop(s, (m) => {
      let data = m.data;
      // NFQA_PAYLOAD (10) of a queued packet, NFULA_PAYLOAD (9) of a logged one
      if (linktype === LINKTYPE_IPV4) data = nfnlAttr(data, queue ? 10 : 9) ?? new Uint8Array(0);
      // (-y IPV4: the filter reads the payload as behind an Ethernet header)
      if (filterExpr && !match(this.pktView(LINKTYPE_ETHERNET, ipv4AsEthernet(data), data.length + 14))) return false;
      this.recvByFilter++;
      const us = clock.us(m.stamp);
      const rec: PcapRecord = { tsSec: Math.floor(us / 1e6), tsUsec: us % 1e6, len: data.length, data: data.length > snaplen ? data.slice(0, snaplen) : data };
      this.packetsCaptured++;
      this.pf?.add(pcapRecord(rec));
      if (!this.wfile || this.print) this.printOne(linktype, rec);
      return this.cnt > 0 && this.packetsCaptured >= this.cnt;
    });
    s.close();
    return this.loopEnd(done);
  }

  /** what tcpdump says once the capture is open, and its signal handlers: SIGNAL_REQ_INFO
   * (SIGUSR1 on Linux) the counts so far, SIGNAL_FLUSH_PCAP (SIGUSR2) the savefile's buffer */
  listening(device: string, linktype: number, snaplen: number): void {
    if (!this.ndo.vflag && !this.wfile) {
      this.p.stderr.write("tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n");
    } else this.p.stderr.write("tcpdump: ");
    this.p.stderr.write(`listening on ${device}, link-type ${DLT_NAMES[linktype]}, snapshot length ${snaplen} bytes\n`);
    this.p.onSignal?.(10, () => this.info(false));
    this.p.onSignal?.(12, () => this.pf?.flush());
  }

  /** the end of a capture: pcap_loop() returned -2 (pcap_breakloop from the signal handler)
   * adds a newline when printing (not with -w); then the savefile and the statistics */
  async loopEnd(done: boolean): Promise<number> {
    if (!done && !this.wfile) this.out += "\n";
    this.flush();
    await this.dumpClose();
    this.info();
    return 0;
  }

  /** info(verbose): the statistics on stderr — three lines at the end, one (SIGUSR1) meanwhile */
  info(verbose = true): void {
    const pl = (n: number) => (n === 1 ? "" : "s");
    const sep = verbose ? "\n" : ", ";
    this.p.stderr.write(
      `${verbose ? "" : "tcpdump: "}${this.packetsCaptured} packet${pl(this.packetsCaptured)} captured${sep}` +
        `${this.recvByFilter} packet${pl(this.recvByFilter)} received by filter${sep}` +
        `${this.dropped} packet${pl(this.dropped)} dropped by kernel\n`,
    );
  }

  /**
   * After the count is reached tcpdump still takes a moment to close the socket; packets that
   * pass the filter meanwhile show in "received by filter" (the ring's tp_packets) but are not
   * printed.
   */
  async linger(s: Socket, match: (p: Pkt) => boolean, any: boolean): Promise<void> {
    const end = this.p.sys.now() + LINGER_US;
    for (;;) {
      let m = s.recvfrom();
      while (m) {
        const data = any ? cookedHeader(this.linktype, m.data, m.from as SockAddrLl, m.ifindex ?? 0) : m.data;
        if (match(this.pktView(this.linktype, data, data.length))) this.recvByFilter++;
        m = s.recvfrom();
      }
      const left = end - this.p.sys.now();
      if (left <= 0 || this.p.signal.aborted) return;
      const b = this.p.sys.block();
      const t = procTimer(this.p.sys, () => b.unblock(), "tcpdump");
      t.mod(end);
      s.onReadable(() => b.unblock());
      await b.promise;
      s.onReadable(undefined);
      t.cancel();
    }
  }

  /** pcap_loop(): handle packets until `handle` says the count is reached or a signal comes */
  async loop(s: Socket, handle: (m: RecvMsg) => boolean): Promise<boolean> {
    const sys = this.p.sys;
    for (;;) {
      let m = s.recvfrom();
      while (m) {
        if (handle(m)) return true;
        m = s.recvfrom();
      }
      if (this.p.signal.aborted) return false;
      const b = sys.block();
      const onAbort = () => b.unblock();
      this.p.signal.addEventListener("abort", onAbort);
      s.onReadable(() => b.unblock());
      await b.promise;
      s.onReadable(undefined);
      this.p.signal.removeEventListener("abort", onAbort);
    }
  }
}

/**
 * The savefile as pcap_dump() writes it, through a stdio FILE (CStdout's full buffering, the
 * bytes as latin1 text): they reach the file a 4096-byte block at a time as the buffer fills,
 * the rest at fflush (SIGUSR2) or close; a reader meanwhile sees only whole blocks (at first
 * not even the header).
 */
class PcapFile {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly file: CStdout;

  constructor(
    private readonly p: Process,
    private readonly path: string,
  ) {
    this.file = new CStdout({ write: (s: string) => void (this.chain = this.chain.then(() => this.write(latin1ToBytes(s), true))) }, false);
  }

  private write(data: Uint8Array, append: boolean): Promise<boolean> {
    const bin = this.p as Process & { writeFileBytes?: (path: string, data: Uint8Array, append?: boolean) => Promise<boolean> };
    return bin.writeFileBytes ? bin.writeFileBytes(this.path, data, append) : this.p.writeFile(this.path, bytesToLatin1(data), append);
  }

  /** fopen(path, "w"): the file exists, empty */
  open(): Promise<boolean> {
    return this.write(new Uint8Array(0), false);
  }

  add(b: Uint8Array): void {
    this.file.write(bytesToLatin1(b));
  }

  /** fflush() */
  flush(): void {
    this.file.flush();
  }

  async done(): Promise<void> {
    await this.chain;
  }
}

/** libpcap pcap-linux.c: the struct sll_header / sll2_header it puts before a frame on "any" */
function cookedHeader(linktype: number, frame: Uint8Array, from: SockAddrLl, ifindex: number): Uint8Array {
  const proto = frame.length >= 14 ? (frame[12]! << 8) | frame[13]! : 0;
  const payload = frame.subarray(Math.min(14, frame.length));
  if (linktype === LINKTYPE_LINUX_SLL) {
    const out = new Uint8Array(16 + payload.length);
    const v = new DataView(out.buffer);
    v.setUint16(0, from.pkttype ?? 0);
    v.setUint16(2, from.hatype ?? 1);
    v.setUint16(4, 6);
    out.set(frame.subarray(6, 12), 6);
    v.setUint16(14, proto);
    out.set(payload, 16);
    return out;
  }
  const out = new Uint8Array(20 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, proto);
  v.setUint16(2, 0);
  v.setUint32(4, ifindex);
  v.setUint16(8, from.hatype ?? 1);
  out[10] = from.pkttype ?? 0;
  out[11] = 6;
  out.set(frame.subarray(6, 12), 12);
  out.set(payload, 20);
  return out;
}

const DLT_NAMES: Record<number, string> = {
  [LINKTYPE_NFLOG]: "NFLOG (Linux netfilter log messages)",
  [LINKTYPE_IPV4]: "IPV4 (Raw IPv4)",
  [LINKTYPE_ETHERNET]: "EN10MB (Ethernet)",
  [LINKTYPE_DOCSIS]: "DOCSIS (DOCSIS)",
  [LINKTYPE_LINUX_SLL]: "LINUX_SLL (Linux cooked v1)",
  [LINKTYPE_LINUX_SLL2]: "LINUX_SLL2 (Linux cooked v2)",
};

/** an attribute of an nfnetlink message after its nfgenmsg (headers little-endian, 4-aligned) */
function nfnlAttr(b: Uint8Array, want: number): Uint8Array | undefined {
  let o = 4;
  while (o + 4 <= b.length) {
    const len = b[o]! | (b[o + 1]! << 8);
    const type = b[o + 2]! | (b[o + 3]! << 8);
    if (len < 4) return undefined;
    if (type === want) return b.subarray(o + 4, Math.min(b.length, o + len));
    o += (len + 3) & ~3;
  }
  return undefined;
}

/** an IPv4 packet behind a blank Ethernet header, for the filter's offsets */
function ipv4AsEthernet(ip: Uint8Array): Uint8Array {
  const b = new Uint8Array(14 + ip.length);
  b[12] = 0x08;
  b.set(ip, 14);
  return b;
}

/** days since 1970-01-01 -> "YYYY-MM-DD" (UTC, proleptic Gregorian; days_from_civil inverse) */
function civilDate(z: number): string {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}


export async function tcpdump(p: Process): Promise<number> {
  return new Tcpdump(p).main();
}

