/**
 * bridge-utils 1.7.1 brctl (brctl.c, brctl_cmd.c, brctl_disp.c, libbridge). The real tool reads
 * /sys/class/net/<br>/bridge/* and brif/ and the binary brforward; this port asks rtnetlink for
 * the same kernel values (IFLA_BR_*, IFLA_BRPORT_*, the AF_BRIDGE fdb dump) and uses the
 * SIOCBR* ioctls for addbr/delbr/addif/delif as libbridge does. Output and messages are 1.7.1's.
 */
import type { Command, CommandTable, Process } from "../process.ts";
import { isKErr, strerror, type KErr } from "../../kernel/uapi/errno.ts";
import { AF_BRIDGE, AF_UNSPEC, type InfoData, type LinkMsg, type NeighMsg, NTF_SELF, NUD_NOARP, NUD_PERMANENT } from "../../kernel/uapi/rtnetlink.ts";
import { sprintf } from "../lib/printf.ts";
import { getoptLong } from "../net-tools/lib/util.ts";

interface BrInfo {
  link: LinkMsg;
  data: InfoData;
}

function num(v: unknown): number {
  return typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : Number(v ?? 0);
}

function links(p: Process): LinkMsg[] {
  return p.sys.rtnl.dump({
    type: "RTM_GETLINK", flags: {}, ifi: { family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 }, attrs: {},
  }) as LinkMsg[];
}

function bridges(p: Process): Map<string, BrInfo> {
  const m = new Map<string, BrInfo>();
  for (const l of links(p)) {
    const li = l.attrs.IFLA_LINKINFO;
    if (li?.IFLA_INFO_KIND === "bridge") m.set(l.attrs.IFLA_IFNAME ?? "", { link: l, data: li.IFLA_INFO_DATA ?? {} });
  }
  return m;
}

/** ports of a bridge, by name (scandir of brif/ with alphasort) */
function ports(p: Process, br: BrInfo): LinkMsg[] {
  return links(p)
    .filter((l) => l.attrs.IFLA_MASTER === br.link.ifi.index)
    .sort((a, b) => ((a.attrs.IFLA_IFNAME ?? "") < (b.attrs.IFLA_IFNAME ?? "") ? -1 : 1));
}

/** libbridge: br_dump_bridge_id() — "8000.aae153d64f92" */
function dumpBridgeId(id: unknown): string {
  const o = (id ?? {}) as { prio?: number; addr?: Uint8Array };
  let s = sprintf("%.2x%.2x.", ((o.prio ?? 0) >> 8) & 0xff, (o.prio ?? 0) & 0xff);
  for (const b of o.addr ?? new Uint8Array(6)) s += sprintf("%.2x", b);
  return s;
}

/** br_show_timer(): clock_t centiseconds as "%4i.%.2i" */
function showTimer(c: number): string {
  return sprintf("%4i.%.2i", Math.floor(c / 100), c % 100);
}

/**
 * libbridge_devif.c: fetch_int() — fscanf("%i") of a sysfs attribute into an int (strtol,
 * then the int's low 32 bits); 0 when the file cannot be opened, -1 when nothing scans
 */
function fetchInt(p: Process, path: string): number {
  const r = p.sys.fs.read(path);
  if (isKErr(r)) return 0;
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(r);
  if (!m) return -1;
  const t = m[2]!;
  let v = BigInt(/^0[0-7]/.test(t) ? "0o" + t.slice(1) : t);
  if (m[1] === "-") v = -v;
  // strtol() saturates at LONG_MIN / LONG_MAX
  const LMAX = (1n << 63n) - 1n;
  if (v > LMAX) v = LMAX;
  else if (v < -LMAX - 1n) v = -LMAX - 1n;
  return Number(BigInt.asIntN(32, v));
}

/**
 * fetch_tv() then br_show_timer(): the int as unsigned long jiffies (centiseconds),
 * __jiffies_to_tv()'s 10000ULL * jiffies µs (wrapping at 2^64), printed as
 * "%4i.%.2i" of (int)tv_sec and (int)tv_usec / 10000
 */
function showTv(jiffies: number): string {
  if (jiffies >= 0) return showTimer(jiffies);
  const us = BigInt.asUintN(64, 10000n * BigInt.asUintN(64, BigInt(jiffies)));
  const sec = us / 1000000n;
  const usec = us - sec * 1000000n;
  return sprintf("%4i.%.2i", Number(BigInt.asIntN(32, sec)), Math.trunc(Number(usec) / 10000));
}

function ifindexOf(p: Process, name: string): number {
  return links(p).find((l) => l.attrs.IFLA_IFNAME === name)?.ifi.index ?? 0;
}

const stateNames = ["disabled", "listening", "learning", "forwarding", "blocking"];

type Sub = (p: Process, args: string[]) => number;

const cmdAddbr: Sub = (p, [name]) => {
  const r = p.sys.ioctl({ request: "SIOCBRADDBR", ifname: name });
  if (isKErr(r)) {
    if (r.errno === "EEXIST") p.stderr.write(`device ${name} already exists; can't create bridge with the same name\n`);
    else p.stderr.write(`add bridge failed: ${strerror(r.errno)}\n`);
    return 1;
  }
  return 0;
};

const cmdDelbr: Sub = (p, [name]) => {
  const r = p.sys.ioctl({ request: "SIOCBRDELBR", ifname: name });
  if (isKErr(r)) {
    if (r.errno === "ENXIO") p.stderr.write(`bridge ${name} doesn't exist; can't delete it\n`);
    else if (r.errno === "EBUSY") p.stderr.write(`bridge ${name} is still up; can't delete it\n`);
    else p.stderr.write(`can't delete bridge ${name}: ${strerror(r.errno)}\n`);
    return 1;
  }
  return 0;
};

/**
 * the loop br_cmd_addif() and br_cmd_delif() share: `request` (SIOCBRADDIF / SIOCBRDELIF) for
 * each interface named, ending at the first that fails (libbridge: ENODEV when the interface
 * does not exist, else the ioctl's error on the bridge), `failed` writing the message of an error
 */
function brIfEach(p: Process, brname: string, ifs: string[], request: string, failed: (ifname: string, e: KErr) => void): number {
  for (const ifname of ifs) {
    const idx = ifindexOf(p, ifname);
    const r = idx ? p.sys.ioctl({ request, ifname: brname, ifindex: idx }) : undefined;
    if (idx && !isKErr(r)) continue;
    if (!idx) p.stderr.write(`interface ${ifname} does not exist!\n`);
    else if (isKErr(r) && r.errno === "ENODEV") p.stderr.write(`bridge ${brname} does not exist!\n`);
    else failed(ifname, r as KErr);
    return 1;
  }
  return 0;
}

const cmdAddif: Sub = (p, [brname, ...ifs]) =>
  brIfEach(p, brname!, ifs, "SIOCBRADDIF", (ifname, r) => {
    if (r.errno === "EBUSY") p.stderr.write(`device ${ifname} is already a member of a bridge; can't add it to bridge ${brname}.\n`);
    else if (r.errno === "ELOOP") p.stderr.write(`device ${ifname} is a bridge device itself; can't add a bridge device to a bridge device.\n`);
    else p.stderr.write(`can't add ${ifname} to bridge ${brname}: ${strerror(r.errno)}\n`);
  });

const cmdDelif: Sub = (p, [brname, ...ifs]) =>
  brIfEach(p, brname!, ifs, "SIOCBRDELIF", (ifname, r) => {
    if (r.errno === "EINVAL") p.stderr.write(`device ${ifname} is not a port of ${brname}\n`);
    else p.stderr.write(`can't delete ${ifname} from ${brname}: ${strerror(r.errno)}\n`);
  });

function showBridge(p: Process, name: string, br: BrInfo): void {
  let s = `${name}\t\t${dumpBridgeId(br.data.IFLA_BR_BRIDGE_ID)}\t${num(br.data.IFLA_BR_STP_STATE) ? "yes" : "no"}\t\t`;
  const ps = ports(p, br);
  if (!ps.length) s += "\n";
  ps.forEach((l, i) => {
    if (i) s += "\t\t\t\t\t\t\t";
    s += `${l.attrs.IFLA_IFNAME}\n`;
  });
  p.stdout.write(s);
}

const header = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n";

/**
 * libbridge: what br_get_bridge_info() / br_read_fdb() fall back to when NAME has no
 * /sys/class/net/NAME/bridge: the old SIOCDEVPRIVATE call, whose errno tells a missing
 * device (ENODEV) from one that is no bridge (EOPNOTSUPP)
 */
function oldIoctlErrno(p: Process, name: string, code: number): KErr["errno"] {
  const r = p.sys.ioctl({ request: "SIOCDEVPRIVATE", ifname: name.slice(0, 15), args: [code, 0, 0, 0] });
  return isKErr(r) ? r.errno : "EOPNOTSUPP";
}
const BRCTL_GET_BRIDGE_INFO = 6;
const BRCTL_GET_FDB_ENTRIES = 7;

/** show_bridge() / br_cmd_showstp(): why br_get_bridge_info() failed */
function noBridge(p: Process, name: string): void {
  if (oldIoctlErrno(p, name, BRCTL_GET_BRIDGE_INFO) === "ENODEV") p.stderr.write(`bridge ${name} does not exist!\n`);
  else p.stderr.write(`device ${name} is not a bridge!\n`);
}

const cmdShow: Sub = (p, args) => {
  const all = bridges(p);
  if (!args.length) {
    /* show_bridge() prints the header before the first bridge: none, no header */
    const names = [...all.keys()].sort();
    if (names.length) p.stdout.write(header);
    for (const name of names) showBridge(p, name, all.get(name)!);
    return 0;
  }
  let errs = 0;
  let first = true;
  for (const name of args) {
    const br = all.get(name);
    if (!br) {
      noBridge(p, name);
      errs++;
      continue;
    }
    if (first) p.stdout.write(header);
    first = false;
    showBridge(p, name, br);
  }
  return errs > 0 ? 1 : 0;
};

const cmdShowmacs: Sub = (p, [brname]) => {
  const br = bridges(p).get(brname!);
  if (!br) {
    p.stderr.write(`read of forward table failed: ${strerror(oldIoctlErrno(p, brname!, BRCTL_GET_FDB_ENTRIES))}\n`);
    return 1;
  }
  const portNo = new Map<number, number>();
  for (const l of p.sys.rtnl.dump({
    type: "RTM_GETLINK", flags: {}, ifi: { family: AF_BRIDGE, type: 0, index: 0, flags: 0, change: 0 }, attrs: {},
  }) as LinkMsg[]) {
    if (l.attrs.IFLA_MASTER === br.link.ifi.index) portNo.set(l.ifi.index, num(l.attrs.IFLA_PROTINFO?.IFLA_BRPORT_NO));
  }
  const fdb = (p.sys.rtnl.dump({
    type: "RTM_GETNEIGH", flags: {}, ndm: { family: AF_BRIDGE, ifindex: 0, state: 0, flags: 0, type: 0 },
    attrs: { NDA_MASTER: br.link.ifi.index },
  }) as NeighMsg[]).filter((n) => !(n.ndm.flags & NTF_SELF) && portNo.has(n.ndm.ifindex) && n.attrs.NDA_LLADDR);
  const rows = fdb.map((n) => ({
    port: portNo.get(n.ndm.ifindex)!,
    mac: n.attrs.NDA_LLADDR!,
    local: (n.ndm.state & NUD_PERMANENT) !== 0,
    timer: n.ndm.state & (NUD_PERMANENT | NUD_NOARP) ? 0 : (n.attrs.NDA_CACHEINFO?.ndm_updated ?? 0),
  }));
  rows.sort((a, b) => {
    if (a.port !== b.port) return a.port - b.port;
    for (let i = 0; i < 6; i++) if (a.mac[i] !== b.mac[i]) return a.mac[i]! - b.mac[i]!;
    return 0;
  });
  let s = "port no\tmac addr\t\tis local?\tageing timer\n";
  for (const r of rows) {
    s += sprintf("%3i\t", r.port);
    s += `${[...r.mac].map((b) => sprintf("%.2x", b)).join(":")}\t`;
    s += `${r.local ? "yes" : "no"}\t\t`;
    s += `${showTimer(r.timer)}\n`;
  }
  p.stdout.write(s);
  return 0;
};

function dumpInfo(p: Process, name: string, br: BrInfo): string {
  const d = br.data;
  let s = `${name}\n`;
  s += ` bridge id\t\t${dumpBridgeId(d.IFLA_BR_BRIDGE_ID)}\n`;
  s += ` designated root\t${dumpBridgeId(d.IFLA_BR_ROOT_ID)}\n`;
  s += sprintf(" root port\t\t%4u\t\t\t", num(d.IFLA_BR_ROOT_PORT));
  s += sprintf("path cost\t\t%4u\n", num(d.IFLA_BR_ROOT_PATH_COST));
  // br_get_bridge_info(): the times are fetch_tv() of /sys/class/net/BR/bridge/* (an int each:
  // an ageing time past 2^31 centiseconds shows its low 32 bits, as the real brctl does)
  const tv = (attr: string) => showTv(fetchInt(p, `/sys/class/net/${name}/bridge/${attr}`));
  s += ` max age\t\t${tv("max_age")}\t\t\tbridge max age\t\t${tv("max_age")}`;
  s += `\n hello time\t\t${tv("hello_time")}\t\t\tbridge hello time\t${tv("hello_time")}`;
  s += `\n forward delay\t\t${tv("forward_delay")}\t\t\tbridge forward delay\t${tv("forward_delay")}`;
  s += `\n ageing time\t\t${tv("ageing_time")}`;
  s += `\n hello timer\t\t${tv("hello_timer")}\t\t\ttcn timer\t\t${tv("tcn_timer")}`;
  s += `\n topology change timer\t${tv("topology_change_timer")}\t\t\tgc timer\t\t${tv("gc_timer")}`;
  s += "\n flags\t\t\t";
  if (num(d.IFLA_BR_TOPOLOGY_CHANGE)) s += "TOPOLOGY_CHANGE ";
  if (num(d.IFLA_BR_TOPOLOGY_CHANGE_DETECTED)) s += "TOPOLOGY_CHANGE_DETECTED ";
  s += "\n\n\n";
  for (const l of ports(p, br)) {
    const t = l.attrs.IFLA_LINKINFO?.IFLA_INFO_SLAVE_DATA ?? {};
    const st = num(t.IFLA_BRPORT_STATE);
    s += `${l.attrs.IFLA_IFNAME} (${num(t.IFLA_BRPORT_NO)})\n`;
    s += sprintf(" port id\t\t%.4x", num(t.IFLA_BRPORT_ID));
    s += sprintf("\t\t\tstate\t\t%15s\n", stateNames[st] ?? "<INVALID STATE>");
    s += ` designated root\t${dumpBridgeId(t.IFLA_BRPORT_ROOT_ID)}`;
    s += sprintf("\tpath cost\t\t%4i\n", num(t.IFLA_BRPORT_COST));
    s += ` designated bridge\t${dumpBridgeId(t.IFLA_BRPORT_BRIDGE_ID)}`;
    s += `\tmessage age timer\t${showTimer(num(t.IFLA_BRPORT_MESSAGE_AGE_TIMER))}`;
    s += sprintf("\n designated port\t%.4x", num(t.IFLA_BRPORT_DESIGNATED_PORT));
    s += `\t\t\tforward delay timer\t${showTimer(num(t.IFLA_BRPORT_FORWARD_DELAY_TIMER))}`;
    s += sprintf("\n designated cost\t%4i", num(t.IFLA_BRPORT_DESIGNATED_COST));
    s += `\t\t\thold timer\t\t${showTimer(num(t.IFLA_BRPORT_HOLD_TIMER))}`;
    s += "\n flags\t\t\t";
    if (num(t.IFLA_BRPORT_CONFIG_PENDING)) s += "CONFIG_PENDING ";
    if (num(t.IFLA_BRPORT_TOPOLOGY_CHANGE_ACK)) s += "TOPOLOGY_CHANGE_ACK ";
    if (num(t.IFLA_BRPORT_MODE)) s += sprintf("\n hairpin mode\t\t%4i", num(t.IFLA_BRPORT_MODE));
    s += "\n\n";
  }
  return s;
}

const cmdShowstp: Sub = (p, [brname]) => {
  const br = bridges(p).get(brname!);
  if (!br) {
    noBridge(p, brname!);
    return 1;
  }
  p.stdout.write(dumpInfo(p, brname!, br));
  return 0;
};

/**
 * libbridge_devif.c: br_set() — write /sys/class/net/BRIDGE/bridge/NAME ("%lu"), and when
 * that fails the old SIOCDEVPRIVATE ioctl on the bridge (ENODEV for no such device,
 * EOPNOTSUPP for one that is not a bridge)
 */
function brSet(p: Process, bridge: string, name: string, value: number, oldcode: number): KErr | undefined {
  const e = p.sys.fs.write(`/sys/class/net/${bridge}/bridge/${name}`, `${BigInt.asUintN(64, BigInt(value))}\n`);
  if (!e) return undefined;
  const r = p.sys.ioctl({ request: "SIOCDEVPRIVATE", ifname: bridge.slice(0, 15), args: [oldcode, value, 0, 0] });
  return isKErr(r) ? r : undefined;
}

/** br_cmd_set*(): the value parsed (sscanf) first, then br_set() */
function setter(name: string, oldcode: number, scale: (v: number) => number, what: string, bad = `bad ${what} value`): Sub {
  return (p, [brname, val]) => {
    const v = name === "priority" ? scanI(val!) : scanF(val!);
    if (v === undefined) {
      p.stderr.write(`${bad}\n`);
      return 1;
    }
    const e = brSet(p, brname!, name, scale(v), oldcode);
    if (e) {
      p.stderr.write(`set ${what} failed: ${strerror(e.errno)}\n`);
      return 1;
    }
    return 0;
  };
}

/** libbridge __tv_to_jiffies(): seconds (as a struct timeval) to centiseconds */
/**
 * libbridge_devif.c: port_set() — write /sys/class/net/PORT/brport/NAME; when that fails,
 * get_portno() (the bridge's port list by the old SIOCDEVPRIVATE ioctl: ENODEV for a port or
 * bridge that does not exist; a port not on the list keeps the errno of the sysfs write) and
 * the old ioctl on the bridge with that port number
 */
function portSet(p: Process, bridge: string, ifname: string, name: string, value: number, oldcode: number): KErr | undefined {
  const e = p.sys.fs.write(`/sys/class/net/${ifname}/brport/${name}`, `${value}\n`);
  if (!e) return undefined;
  const ifindex = ifindexOf(p, ifname);
  if (!ifindex) return { errno: "ENODEV" };
  const list = p.sys.ioctl({ request: "SIOCDEVPRIVATE", ifname: bridge.slice(0, 15), args: [BRCTL_GET_PORT_LIST, 0, BR_MAX_PORTS, 0] });
  if (isKErr(list)) return list;
  const index = ((list.ifindices as number[] | undefined) ?? []).indexOf(ifindex);
  if (index < 0) return e;
  const r = p.sys.ioctl({ request: "SIOCDEVPRIVATE", ifname: bridge.slice(0, 15), args: [oldcode, index, value, 0] });
  return isKErr(r) ? r : undefined;
}

/** linux/if_bridge.h: the old BRCTL_* ioctl codes libbridge falls back to */
const BRCTL_SET_PORT_PRIORITY = 16;
const BRCTL_SET_PATH_COST = 17;
const BRCTL_SET_BRIDGE_HAIRPIN = 0; /* hairpin has no old ioctl: libbridge passes 0 */
const BRCTL_SET_BRIDGE_STP_STATE = 14;
const BRCTL_GET_PORT_LIST = 3;
const BR_MAX_PORTS = 1024;

/** sscanf("%lf") */
function scanF(s: string): number | undefined {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s);
  return m ? Number.parseFloat(m[0]) : undefined;
}

/** sscanf("%i"): decimal, 0x hex or 0 octal, with a sign */
function scanI(s: string): number | undefined {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return undefined;
  const t = m[2]!;
  const v = /^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : t.length > 1 && t[0] === "0" ? parseInt(t, 8) : parseInt(t, 10);
  return m[1] === "-" ? -v : v;
}

const cmdHairpin: Sub = (p, [brname, ifname, mode]) => {
  let hairpin: number;
  if (mode === "on" || mode === "yes" || mode === "1") hairpin = 1;
  else if (mode === "off" || mode === "no" || mode === "0") hairpin = 0;
  else {
    p.stderr.write("expect on/off for argument\n");
    return 1;
  }
  if (!ifindexOf(p, ifname!)) {
    p.stderr.write(`interface ${ifname} does not exist!\n`);
    return 1;
  }
  if (!ifindexOf(p, brname!)) {
    p.stderr.write(`bridge ${brname} does not exist!\n`);
    return 1;
  }
  const e = portSet(p, brname!, ifname!, "hairpin_mode", hairpin, BRCTL_SET_BRIDGE_HAIRPIN);
  if (e) {
    p.stderr.write(`can't set ${ifname} to hairpin on bridge ${brname}: ${strerror(e.errno)}\n`);
    return 1;
  }
  return 0;
};

/** br_cmd_setpathcost() / br_cmd_setportprio(): sscanf("%i"), then the port's sysfs value */
function portSetCmd(p: Process, bridge: string, ifname: string, val: string, attr: string, legacy: number, bad: string, failed: string): number {
  const v = scanI(val);
  if (v === undefined) {
    p.stderr.write(`${bad}\n`);
    return 1;
  }
  const e = portSet(p, bridge, ifname, attr, v >>> 0, legacy);
  if (e) {
    p.stderr.write(`${failed}: ${strerror(e.errno)}\n`);
    return 1;
  }
  return 0;
}

const cmdSetpathcost: Sub = (p, [bridge, ifname, val]) =>
  portSetCmd(p, bridge!, ifname!, val!, "path_cost", BRCTL_SET_PATH_COST, "bad path cost value", "set path cost failed");

const cmdSetportprio: Sub = (p, [bridge, ifname, val]) =>
  portSetCmd(p, bridge!, ifname!, val!, "priority", BRCTL_SET_PORT_PRIORITY, "bad path priority value", "set port priority failed");

const cs = (v: number) => {
  const sec = Math.trunc(v);
  const usec = Math.trunc(1000000 * (v - sec));
  return Math.trunc((1000000 * sec + usec) / 10000);
};

const cmdStp: Sub = (p, [brname, val]) => {
  let stp: number;
  if (val === "on" || val === "yes" || val === "1") stp = 1;
  else if (val === "off" || val === "no" || val === "0") stp = 0;
  else {
    p.stderr.write("expect on/off for argument\n");
    return 1;
  }
  const e = brSet(p, brname!, "stp_state", stp, BRCTL_SET_BRIDGE_STP_STATE);
  if (e) {
    p.stderr.write(`set stp status failed: ${strerror(e.errno)}\n`);
    return 1;
  }
  return 0;
};

/** brctl_cmd.c: command_table (name, nargs, func, help) */
const commands: [string, number, Sub, string][] = [
  ["addbr", 1, cmdAddbr, "<bridge>\t\tadd bridge"],
  ["delbr", 1, cmdDelbr, "<bridge>\t\tdelete bridge"],
  ["addif", 2, cmdAddif, "<bridge> <device>\tadd interface to bridge"],
  ["delif", 2, cmdDelif, "<bridge> <device>\tdelete interface from bridge"],
  ["hairpin", 3, cmdHairpin, "<bridge> <port> {on|off}\tturn hairpin on/off"],
  ["setageing", 2, setter("ageing_time", 11, cs, "ageing time"), "<bridge> <time>\t\tset ageing time"],
  ["setbridgeprio", 2, setter("priority", 15, (v) => v, "bridge priority", "bad priority"), "<bridge> <prio>\t\tset bridge priority"],
  ["setfd", 2, setter("forward_delay", 8, cs, "forward delay"), "<bridge> <time>\t\tset bridge forward delay"],
  ["sethello", 2, setter("hello_time", 9, cs, "hello timer"), "<bridge> <time>\t\tset hello time"],
  ["setmaxage", 2, setter("max_age", 10, cs, "max age"), "<bridge> <time>\t\tset max message age"],
  ["setpathcost", 3, cmdSetpathcost, "<bridge> <port> <cost>\tset path cost"],
  ["setportprio", 3, cmdSetportprio, "<bridge> <port> <prio>\tset port priority"],
  ["show", 0, cmdShow, "[ <bridge> ]\t\tshow a list of bridges"],
  ["showmacs", 1, cmdShowmacs, "<bridge>\t\tshow a list of mac addrs"],
  ["showstp", 1, cmdShowstp, "<bridge>\t\tshow bridge stp info"],
  ["stp", 2, cmdStp, "<bridge> {on|off}\tturn stp on/off"],
];

function help(p: Process): void {
  let s = "Usage: brctl [commands]\ncommands:\n";
  for (const [name, , , h] of commands) s += `\t${name.padEnd(10)}\t${h}\n`;
  p.stdout.write(s);
}

/** brctl.c: main() — getopt_long("Vh") over the whole command line (GNU permutes: an option
 * anywhere is taken), each option ending the run */
export const brctl: Command = async (p) => {
  const { opts, args: argv } = getoptLong(p, ["brctl", ...p.argv.slice(1)], "Vh", [
    { name: "help", hasArg: 0, val: "h" },
    { name: "version", hasArg: 0, val: "V" },
  ], { firstOnly: true });
  const f = opts[0]?.[0];
  if (f === "h") {
    help(p);
    return 0;
  }
  if (f === "V") {
    p.stdout.write("bridge-utils, 1.7\n");
    return 0;
  }
  if (f !== undefined) p.stderr.write(`Unknown option '${f}'\n`);
  if (f !== undefined || !argv.length) {
    help(p);
    return 1;
  }
  const cmd = commands.find((c) => c[0] === argv[0]);
  if (!cmd) {
    p.stderr.write(`never heard of command [${argv[0]}]\n`);
    help(p);
    return 1;
  }
  const args = argv.slice(1);
  if (args.length < cmd[1]) {
    p.stdout.write(`Incorrect number of arguments for command\nUsage: brctl ${cmd[0]} ${cmd[3]}\n`);
    return 1;
  }
  return cmd[2](p, args);
};

export const bridgeUtilsCommands: CommandTable = { brctl };
