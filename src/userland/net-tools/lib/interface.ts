/**
 * net-tools lib/interface.c: the interface list (/proc/net/dev plus SIOCGIFCONF, kept sorted by
 * nstrcmp), if_fetch() through the SIOCGIF* ioctls, and the two printers ifconfig and
 * `netstat -i` use (ife_print_long, ife_print_short).
 */
import type { Process } from "../../process.ts";
import type { Syscalls } from "../../../kernel/uapi/syscalls.ts";
import { isKErr, strerror } from "../../../kernel/uapi/errno.ts";
import {
  IFF_ALLMULTI, IFF_BROADCAST, IFF_DEBUG, IFF_DYNAMIC, IFF_LOOPBACK, IFF_MASTER, IFF_MULTICAST,
  IFF_NOARP, IFF_NOTRAILERS, IFF_POINTOPOINT, IFF_PORTSEL, IFF_PROMISC, IFF_RUNNING, IFF_SLAVE, IFF_UP,
} from "../../../kernel/uapi/if.ts";
import { inetNtop6 } from "../../lib/utils.ts";
import { getHwntype, hwNullAddress } from "./hw.ts";
import { inetNtoa } from "./inet.ts";
import { siocgifconf, siocgifflags, siocgifhwaddr, siocgifnum } from "./sockets.ts";
import { isdigit, isspace, nstrcmp, sprintf } from "./util.ts";

export interface IfStats {
  rx_packets: number;
  tx_packets: number;
  rx_bytes: number;
  tx_bytes: number;
  rx_errors: number;
  tx_errors: number;
  rx_dropped: number;
  tx_dropped: number;
  rx_multicast: number;
  rx_compressed: number;
  tx_compressed: number;
  collisions: number;
  rx_fifo_errors: number;
  rx_frame_errors: number;
  tx_fifo_errors: number;
  tx_carrier_errors: number;
}

/** include/interface.h: struct interface */
export interface Interface {
  name: string;
  type: number;
  flags: number;
  mtu: number;
  txQueueLen: number;
  hwaddr: Uint8Array;
  hasIp: boolean;
  addr: number;
  dstaddr: number;
  broadaddr: number;
  netmask: number;
  statisticsValid: boolean;
  stats: IfStats;
}

function newInterface(name: string): Interface {
  return {
    name,
    type: 0,
    flags: 0,
    mtu: 0,
    txQueueLen: -1,
    hwaddr: new Uint8Array(32),
    hasIp: false,
    addr: 0,
    dstaddr: 0,
    broadaddr: 0,
    netmask: 0,
    statisticsValid: false,
    stats: {
      rx_packets: 0, tx_packets: 0, rx_bytes: 0, tx_bytes: 0, rx_errors: 0, tx_errors: 0,
      rx_dropped: 0, tx_dropped: 0, rx_multicast: 0, rx_compressed: 0, tx_compressed: 0,
      collisions: 0, rx_fifo_errors: 0, rx_frame_errors: 0, tx_fifo_errors: 0, tx_carrier_errors: 0,
    },
  };
}

const PATH_PROCNET_DEV = "/proc/net/dev";
const PATH_PROCNET_IFINET6 = "/proc/net/if_inet6";

/** the include/uapi/linux/ipv6.h scope bits /proc/net/if_inet6 reports */
const IPV6_ADDR_LOOPBACK = 0x0010;
const IPV6_ADDR_LINKLOCAL = 0x0020;
const IPV6_ADDR_SITELOCAL = 0x0040;
const IPV6_ADDR_COMPATv4 = 0x0080;

/** The interface cache of one run (the globals int_list/if_list_all of interface.c). */
export class IfList {
  list: Interface[] = [];
  listAll = false;
  procnetdevVsn = 1;
  /** ife_short: netstat -i / ifconfig -s */
  short = false;

  constructor(
    readonly p: Process,
    readonly sys: Syscalls,
  ) {}

  /** if_cache_add(): insert keeping the list sorted by nstrcmp (walking back from the end) */
  cacheAdd(name: string): Interface {
    let k = this.list.length - 1;
    for (; k >= 0; k--) {
      const n = nstrcmp(this.list[k]!.name, name);
      if (n === 0) return this.list[k]!;
      if (n < 0) break;
    }
    const ife = newInterface(name);
    this.list.splice(k + 1, 0, ife);
    return ife;
  }

  /** lookup_interface() */
  lookup(name: string): Interface | undefined {
    if (this.listAll) return this.cacheAdd(name);
    if (this.readlistProc(name) < 0) return undefined;
    return this.cacheAdd(name);
  }

  /** if_readlist_proc(target) */
  readlistProc(target: string | undefined): number {
    const text = this.sys.fs.read(PATH_PROCNET_DEV);
    if (isKErr(text)) {
      this.p.stderr.write(`Warning: cannot open ${PATH_PROCNET_DEV} (${strerror(text.errno)}). Limited output.\n`);
      return -2;
    }
    const lines = text.split("\n");
    const hdr = lines[1] ?? "";
    this.procnetdevVsn = hdr.includes("compressed") ? 3 : hdr.includes("bytes") ? 2 : 1;
    for (let i = 2; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === "" && i === lines.length - 1) break;
      const { name, rest } = getName(line);
      const ife = this.cacheAdd(name);
      this.getDevFields(rest, ife);
      ife.statisticsValid = true;
      if (target !== undefined && target === name) break;
    }
    return 0;
  }

  /** get_dev_fields() */
  private getDevFields(bp: string, ife: Interface): void {
    const v = bp.trim().split(/\s+/).map((x) => Number(x) || 0);
    const s = ife.stats;
    const at = (i: number): number => v[i] ?? 0;
    switch (this.procnetdevVsn) {
      case 3:
        s.rx_bytes = at(0); s.rx_packets = at(1); s.rx_errors = at(2); s.rx_dropped = at(3);
        s.rx_fifo_errors = at(4); s.rx_frame_errors = at(5); s.rx_compressed = at(6); s.rx_multicast = at(7);
        s.tx_bytes = at(8); s.tx_packets = at(9); s.tx_errors = at(10); s.tx_dropped = at(11);
        s.tx_fifo_errors = at(12); s.collisions = at(13); s.tx_carrier_errors = at(14); s.tx_compressed = at(15);
        break;
      case 2:
        s.rx_bytes = at(0); s.rx_packets = at(1); s.rx_errors = at(2); s.rx_dropped = at(3);
        s.rx_fifo_errors = at(4); s.rx_frame_errors = at(5);
        s.tx_bytes = at(6); s.tx_packets = at(7); s.tx_errors = at(8); s.tx_dropped = at(9);
        s.tx_fifo_errors = at(10); s.collisions = at(11); s.tx_carrier_errors = at(12); s.rx_multicast = 0;
        break;
      default:
        s.rx_packets = at(0); s.rx_errors = at(1); s.rx_dropped = at(2); s.rx_fifo_errors = at(3);
        s.rx_frame_errors = at(4); s.tx_packets = at(5); s.tx_errors = at(6); s.tx_dropped = at(7);
        s.tx_fifo_errors = at(8); s.collisions = at(9); s.tx_carrier_errors = at(10);
        s.rx_bytes = 0; s.tx_bytes = 0; s.rx_multicast = 0;
    }
  }

  /** if_readconf(): SIOCGIFCONF adds the labelled (alias) interfaces */
  readconf(): number {
    const names = siocgifconf(this.sys);
    if (isKErr(names)) {
      this.p.stderr.write(`SIOCGIFCONF: ${strerror(names.errno)}\n`);
      return -1;
    }
    for (const n of names) this.cacheAdd(n);
    return 0;
  }

  /** if_readlist() */
  readlist(): number {
    const procErr = this.readlistProc(undefined);
    const confErr = this.readconf();
    this.listAll = true;
    return procErr < 0 && confErr < 0 ? -1 : 0;
  }

  /** for_all_interfaces() */
  forAll(doit: (ife: Interface) => number): number {
    if (!this.listAll && this.readlist() < 0) return -1;
    for (const ife of [...this.list]) {
      const err = doit(ife);
      if (err) return err;
    }
    return 0;
  }

  /** if_fetch(): -1 and the errno when SIOCGIFFLAGS fails */
  fetch(ife: Interface): { rc: number; errno?: string } {
    const name = ife.name;
    const fl = siocgifflags(this.sys, name);
    if (isKErr(fl)) return { rc: -1, errno: fl.errno };
    ife.flags = fl;
    const hw = siocgifhwaddr(this.sys, name);
    ife.hwaddr = new Uint8Array(32);
    if (!isKErr(hw)) {
      ife.hwaddr.set(hw.hwaddr.subarray(0, 8));
      ife.type = hw.family;
    }
    const mtu = siocgifnum(this.sys, "SIOCGIFMTU", name, "mtu");
    ife.mtu = isKErr(mtu) ? 0 : mtu;
    const q = siocgifnum(this.sys, "SIOCGIFTXQLEN", name, "qlen");
    ife.txQueueLen = isKErr(q) ? -1 : q;
    const a = siocgifnum(this.sys, "SIOCGIFADDR", name, "addr");
    if (!isKErr(a)) {
      ife.hasIp = true;
      ife.addr = a;
      const d = siocgifnum(this.sys, "SIOCGIFDSTADDR", name, "dstaddr");
      ife.dstaddr = isKErr(d) ? 0 : d;
      const b = siocgifnum(this.sys, "SIOCGIFBRDADDR", name, "broadaddr");
      ife.broadaddr = isKErr(b) ? 0 : b;
      const m = siocgifnum(this.sys, "SIOCGIFNETMASK", name, "netmask");
      ife.netmask = isKErr(m) ? 0 : m;
    } else {
      ife.hasIp = false;
      ife.addr = 0;
    }
    return { rc: 0 };
  }

  /** do_if_fetch() */
  doFetch(ife: Interface): number {
    const r = this.fetch(ife);
    if (r.rc < 0) {
      const msg = r.errno === "ENODEV" ? "Device not found" : strerror(r.errno as never);
      this.p.stderr.write(`${ife.name}: error fetching interface information: ${msg}\n`);
      return -1;
    }
    return 0;
  }

  /** do_if_print() */
  doPrint(ife: Interface, all: boolean): number {
    const res = this.doFetch(ife);
    if (res >= 0 && (ife.flags & IFF_UP || all)) this.print(ife);
    return res;
  }

  /** ife_print() */
  print(ife: Interface): void {
    this.p.stdout.write(this.short ? ifePrintShort(ife) : ifePrintLong(this.sys, ife));
  }
}

/** get_name(): the name before ':' in a /proc/net/dev line ("eth0:1:" keeps its alias) */
function getName(line: string): { name: string; rest: string } {
  let i = 0;
  while (isspace(line[i])) i++;
  let name = "";
  while (i < line.length) {
    const c = line[i]!;
    if (isspace(c)) break;
    if (c === ":") {
      let j = i + 1;
      while (j < line.length && isdigit(line[j])) j++;
      if (line[j] === ":") {
        name += line.slice(i, j);
        i = j + 1;
      } else i++;
      break;
    }
    name += c;
    i++;
  }
  return { name, rest: line.slice(i) };
}

/** the flag letters of ife_print_short(), in its order */
export function shortFlags(flags: number): string {
  let s = "";
  if (flags === 0) s += "[NO FLAGS]";
  if (flags & IFF_ALLMULTI) s += "A";
  if (flags & IFF_BROADCAST) s += "B";
  if (flags & IFF_DEBUG) s += "D";
  if (flags & IFF_LOOPBACK) s += "L";
  if (flags & IFF_MULTICAST) s += "M";
  if (flags & IFF_DYNAMIC) s += "d";
  if (flags & IFF_PROMISC) s += "P";
  if (flags & IFF_NOTRAILERS) s += "N";
  if (flags & IFF_NOARP) s += "O";
  if (flags & IFF_POINTOPOINT) s += "P";
  if (flags & IFF_SLAVE) s += "s";
  if (flags & IFF_MASTER) s += "m";
  if (flags & IFF_RUNNING) s += "R";
  if (flags & IFF_UP) s += "U";
  return s;
}

/** ife_print_short() */
export function ifePrintShort(ptr: Interface): string {
  let s = sprintf("%-15.15s ", ptr.name);
  s += sprintf("%5d ", ptr.mtu);
  if (ptr.statisticsValid) {
    const st = ptr.stats;
    s += sprintf("%8llu %6lu %6lu %-6lu ", st.rx_packets, st.rx_errors, st.rx_dropped, st.rx_fifo_errors);
    s += sprintf("%8llu %6lu %6lu %6lu ", st.tx_packets, st.tx_errors, st.tx_dropped, st.tx_fifo_errors);
  } else {
    s += sprintf("%-56s", "     - no statistics available -");
  }
  return s + shortFlags(ptr.flags) + "\n";
}

/** the flags=NNNN<…> part of ife_print_long() */
export function longFlags(flags: number): string {
  let s = `flags=${flags}<`;
  if (flags === 0) s += ">";
  const names: [number, string][] = [
    [IFF_UP, "UP"], [IFF_BROADCAST, "BROADCAST"], [IFF_DEBUG, "DEBUG"], [IFF_LOOPBACK, "LOOPBACK"],
    [IFF_POINTOPOINT, "POINTOPOINT"], [IFF_NOTRAILERS, "NOTRAILERS"], [IFF_RUNNING, "RUNNING"],
    [IFF_NOARP, "NOARP"], [IFF_PROMISC, "PROMISC"], [IFF_ALLMULTI, "ALLMULTI"], [IFF_SLAVE, "SLAVE"],
    [IFF_MASTER, "MASTER"], [IFF_MULTICAST, "MULTICAST"], [IFF_DYNAMIC, "DYNAMIC"],
  ];
  for (const [f, n] of names) if (flags & f) s += n + ",";
  if (s.endsWith(",")) s = s.slice(0, -1) + ">";
  else s = s.slice(0, -1);
  return s;
}

/** the units below EiB of the RX/TX bytes lines, largest first */
const SHORT_UNITS: readonly (readonly [bigint, string])[] = [
  [1125899906842624n, "PiB"], [1099511627776n, "TiB"], [1073741824n, "GiB"], [1048576n, "MiB"], [1024n, "KiB"],
];

/** the "(x.x KiB)" of the RX/TX bytes lines */
function shortBytes(n: number): [number, number, string] {
  // C does this in unsigned 64-bit integer arithmetic
  const b = BigInt(Math.trunc(n));
  let short = b * 10n;
  let ext = "B";
  if (b > 1152921504606846976n) {
    short = b / 115292150460684697n; // sic: net-tools divides the bytes, not bytes*10, for EiB
    ext = "EiB";
  } else {
    for (const [unit, name] of SHORT_UNITS) {
      if (b > unit) {
        short /= unit;
        ext = name;
        break;
      }
    }
  }
  return [Number(short / 10n), Number(short % 10n), ext];
}

/** the inet6 lines of ife_print_long(), from /proc/net/if_inet6 */
function inet6Lines(sys: Syscalls, name: string): string {
  const text = sys.fs.read(PATH_PROCNET_IFINET6);
  if (isKErr(text)) return "";
  let out = "";
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const [hex, , plenS, scopeS, , dev] = f as [string, string, string, string, string, string];
    if (dev !== name || hex.length !== 32) continue;
    const a = new Uint8Array(16);
    for (let i = 0; i < 16; i++) a[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    const plen = parseInt(plenS, 16);
    let scope = parseInt(scopeS, 16);
    out += `        inet6 ${inetNtop6(a)}  prefixlen ${plen}`;
    out += `  scopeid 0x${scope.toString(16)}`;
    let fl = "<";
    if (scope & IPV6_ADDR_COMPATv4) {
      fl += "compat,";
      scope -= IPV6_ADDR_COMPATv4;
    }
    if (scope === 0) fl += "global,";
    if (scope & IPV6_ADDR_LINKLOCAL) fl += "link,";
    if (scope & IPV6_ADDR_SITELOCAL) fl += "site,";
    if (scope & IPV6_ADDR_LOOPBACK) fl += "host,";
    fl = fl.endsWith(",") ? fl.slice(0, -1) + ">" : fl.slice(0, -1);
    out += fl + "\n";
  }
  return out;
}

/** ife_print_long() */
export function ifePrintLong(sys: Syscalls, ptr: Interface): string {
  const hw = getHwntype(ptr.type) ?? getHwntype(-1)!;
  let s = `${ptr.name}: ${longFlags(ptr.flags)}  mtu ${ptr.mtu}\n`;
  if (ptr.hasIp) {
    s += `        inet ${inetNtoa(ptr.addr)}`;
    s += `  netmask ${inetNtoa(ptr.netmask)}`;
    if (ptr.flags & IFF_BROADCAST) s += `  broadcast ${inetNtoa(ptr.broadaddr)}`;
    if (ptr.flags & IFF_POINTOPOINT) s += `  destination ${inetNtoa(ptr.dstaddr)}`;
    s += "\n";
  }
  s += inet6Lines(sys, ptr.name);
  if (hw.print !== undefined && !(hwNullAddress(hw, ptr.hwaddr) && hw.suppressNullAddr)) s += `        ${hw.name} ${hw.print(ptr.hwaddr)}`;
  else s += `        ${hw.name}`;
  if (ptr.txQueueLen !== -1) s += `  txqueuelen ${ptr.txQueueLen}`;
  s += `  (${hw.title})\n`;
  if (ptr.flags & IFF_PORTSEL) s += "        media \n";
  if (ptr.statisticsValid) {
    const st = ptr.stats;
    const [r1, r2, rext] = shortBytes(st.rx_bytes);
    const [t1, t2, text] = shortBytes(st.tx_bytes);
    s += `        RX packets ${st.rx_packets}  bytes ${st.rx_bytes} (${r1}.${r2} ${rext})\n`;
    s += `        RX errors ${st.rx_errors}  dropped ${st.rx_dropped}  overruns ${st.rx_fifo_errors}  frame ${st.rx_frame_errors}\n`;
    s += `        TX packets ${st.tx_packets}  bytes ${st.tx_bytes} (${t1}.${t2} ${text})\n`;
    s += `        TX errors ${st.tx_errors}  dropped ${st.tx_dropped} overruns ${st.tx_fifo_errors}  carrier ${st.tx_carrier_errors}  collisions ${st.collisions}\n`;
  }
  return s + "\n";
}
