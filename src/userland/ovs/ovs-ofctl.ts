/**
 * utilities/ovs-ofctl.c (Open vSwitch 3.1), the flow-table commands: add-flow, add-flows,
 * mod-flows, del-flows, dump-flows, dump-ports-desc. Flow text is parsed as lib/ofp-flow.c
 * parse_ofp_str__() does and printed as ofputil_flow_stats_format() / match_format() /
 * ofpacts_format() do. The switch is reached through the ioctls of uapi/openvswitch.ts (the
 * bridge's mgmt socket); ovs-ofctl speaks OpenFlow 1.0 + NXM, so dump-flows prints the
 * "NXST_FLOW reply" header and idle_age.
 */
import type { Process } from "../process.ts";
import { isKErr } from "../../kernel/uapi/errno.ts";
import type { OfpAction, OfpFlowMod, OfpFlowStats, OfpMatch, OfpPortDesc } from "../../kernel/uapi/openvswitch.ts";
import { OFPP_ALL, OFPP_CONTROLLER, OFPP_FLOOD, OFPP_IN_PORT, OFPP_LOCAL, OFPP_MAX, OFPP_NONE, OFPP_NORMAL, OFPP_TABLE } from "../../kernel/uapi/openvswitch.ts";

const PROG = "ovs-ofctl";
const OFP_DEFAULT_PRIORITY = 0x8000;

class OvsFatal extends Error {}
function ovsFatal(msg: string): never {
  throw new OvsFatal(msg);
}

const RESERVED_PORTS: [string, number][] = [
  ["IN_PORT", OFPP_IN_PORT], ["TABLE", OFPP_TABLE], ["NORMAL", OFPP_NORMAL], ["FLOOD", OFPP_FLOOD],
  ["ALL", OFPP_ALL], ["CONTROLLER", OFPP_CONTROLLER], ["LOCAL", OFPP_LOCAL], ["NONE", OFPP_NONE],
];

/** lib/ofp-port.c: ofputil_port_from_string() */
function portFromString(s: string, ports: OfpPortDesc[] | undefined): number | undefined {
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n < 0xffff ? n : undefined;
  }
  const r = RESERVED_PORTS.find(([n]) => n.toLowerCase() === s.toLowerCase());
  if (r) return r[1];
  const p = ports?.find((x) => x.name === s);
  return p?.ofport;
}

/** ofputil_format_port() */
function formatPort(n: number): string {
  const r = RESERVED_PORTS.find(([, v]) => v === n);
  return r ? r[0] : String(n);
}

function parseMac(name: string, v: string): string {
  if (!/^([0-9a-fA-F]{1,2}:){5}[0-9a-fA-F]{1,2}$/.test(v)) ovsFatal(`${v}: invalid Ethernet address`);
  return v.split(":").map((h) => h.toLowerCase().padStart(2, "0")).join(":");
  void name;
}

function parseIp(name: string, v: string): [number, number] {
  const [a, m] = v.split("/");
  const parts = a!.split(".");
  if (parts.length !== 4 || parts.some((x) => !/^\d+$/.test(x) || Number(x) > 255)) ovsFatal(`${name}: could not convert to IPv4 address`);
  const addr = parts.reduce((acc, x) => ((acc << 8) | Number(x)) >>> 0, 0);
  let plen = 32;
  if (m !== undefined) {
    if (/^\d+$/.test(m)) plen = Number(m);
    else {
      const mp = m.split(".").reduce((acc, x) => ((acc << 8) | Number(x)) >>> 0, 0);
      plen = mp.toString(2).replace(/0+$/, "").length;
    }
  }
  return [plen === 0 ? 0 : (addr & ((~0 << (32 - plen)) >>> 0)) >>> 0, plen];
}

function parseUint(name: string, v: string, max: number): number {
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : /^\d+$/.test(v) ? Number(v) : NaN;
  if (Number.isNaN(n) || n > max) ovsFatal(`${v}: could not convert to integer`);
  void name;
  return n;
}

/** lib/ofp-protocol.c: ofp_parse_protocol() shorthands */
const PROTOCOLS: Record<string, { dl_type: number; nw_proto?: number }> = {
  ip: { dl_type: 0x0800 }, ipv6: { dl_type: 0x86dd }, icmp: { dl_type: 0x0800, nw_proto: 1 },
  tcp: { dl_type: 0x0800, nw_proto: 6 }, udp: { dl_type: 0x0800, nw_proto: 17 }, sctp: { dl_type: 0x0800, nw_proto: 132 },
  arp: { dl_type: 0x0806 }, rarp: { dl_type: 0x8035 },
};

interface ParsedFlow {
  mod: OfpFlowMod;
  hasActions: boolean;
}

/** lib/ofp-flow.c: parse_ofp_str__() */
function parseOfpStr(str: string, command: OfpFlowMod["command"], ports: OfpPortDesc[] | undefined, wantActions: boolean): ParsedFlow {
  const mod: OfpFlowMod = {
    command, table: command.startsWith("delete") ? 0xff : 0, priority: OFP_DEFAULT_PRIORITY, cookie: 0,
    idle_timeout: 0, hard_timeout: 0, match: {}, actions: [],
  };
  let matchStr = str;
  let actStr: string | undefined;
  const ai = str.search(/(^|[\s,])(actions|apply_actions)\s*[=:]/);
  if (ai >= 0) {
    const rest = str.slice(ai);
    const eq = rest.search(/[=:]/);
    actStr = rest.slice(eq + 1);
    matchStr = str.slice(0, ai);
    if (!wantActions) ovsFatal(`unknown keyword actions`);
  } else if (wantActions) ovsFatal("must specify an action");
  const m: OfpMatch = mod.match;
  for (const tok of matchStr.split(/[\s,]+/).filter(Boolean)) {
    const eq = tok.search(/[=:]/);
    const name = eq >= 0 ? tok.slice(0, eq) : tok;
    const value = eq >= 0 ? tok.slice(eq + 1) : "";
    const proto = PROTOCOLS[name];
    if (proto && eq < 0) {
      m.dl_type = proto.dl_type;
      if (proto.nw_proto !== undefined) m.nw_proto = proto.nw_proto;
      continue;
    }
    if (["duration", "n_packets", "n_bytes", "idle_age", "hard_age"].includes(name)) continue;
    if (!value) ovsFatal(`field ${name} missing value`);
    switch (name) {
      case "in_port": {
        const p = portFromString(value, ports);
        if (p === undefined) ovsFatal(`${value}: port ${value} is not a valid port`);
        m.in_port = p;
        break;
      }
      case "dl_src": case "eth_src": m.dl_src = parseMac(name, value); break;
      case "dl_dst": case "eth_dst": m.dl_dst = parseMac(name, value); break;
      case "dl_vlan": case "vlan_vid": m.dl_vlan = parseUint(name, value, 0xffff); break;
      case "dl_vlan_pcp": case "vlan_pcp": m.dl_vlan_pcp = parseUint(name, value, 7); break;
      case "dl_type": case "eth_type": m.dl_type = parseUint(name, value, 0xffff); break;
      case "nw_src": case "ip_src": case "arp_spa": m.nw_src = parseIp(name, value); break;
      case "nw_dst": case "ip_dst": case "arp_tpa": m.nw_dst = parseIp(name, value); break;
      case "nw_proto": case "ip_proto": case "arp_op": m.nw_proto = parseUint(name, value, 255); break;
      case "nw_tos": m.nw_tos = parseUint(name, value, 255) & 0xfc; break;
      case "tp_src": case "tcp_src": case "udp_src": case "icmp_type": m.tp_src = parseUint(name, value, 0xffff); break;
      case "tp_dst": case "tcp_dst": case "udp_dst": case "icmp_code": m.tp_dst = parseUint(name, value, 0xffff); break;
      case "table": {
        if (value === "all") mod.table = 0xff;
        else {
          const t = Number(value);
          if (!/^\d+$/.test(value) || t > 254) ovsFatal(`unknown table "${value}"`);
          mod.table = t;
        }
        break;
      }
      case "priority": mod.priority = parseUint(name, value, 0xffff); break;
      case "idle_timeout": mod.idle_timeout = parseUint(name, value, 0xffff); break;
      case "hard_timeout": mod.hard_timeout = parseUint(name, value, 0xffff); break;
      case "cookie": {
        if (value.includes("/")) {
          if (command === "add") ovsFatal("flow additions cannot use a cookie mask");
        } else {
          if (command !== "add" && !command.startsWith("modify"))
            ovsFatal(`cannot set cookie (to match on a cookie, specify a mask, e.g. cookie=${value}/-1)`);
          mod.cookie = parseUint(name, value, Number.MAX_SAFE_INTEGER);
        }
        break;
      }
      case "out_port": {
        const p = portFromString(value, ports);
        if (p === undefined) ovsFatal(`${value} is not a valid OpenFlow port`);
        mod.out_port = p;
        break;
      }
      default:
        ovsFatal(`unknown keyword ${name}`);
    }
  }
  if (actStr !== undefined) mod.actions = parseActions(actStr, ports);
  if (mod.table === 0xff && command === "add") mod.table = 0;
  return { mod, hasActions: actStr !== undefined };
}

/** lib/ofp-actions.c: ofpacts_parse() */
function parseActions(s: string, ports: OfpPortDesc[] | undefined): OfpAction[] {
  const out: OfpAction[] = [];
  const toks = s.split(/[\s,]+/).filter(Boolean);
  for (const tok of toks) {
    const i = tok.search(/[:=(]/);
    const key = (i >= 0 ? tok.slice(0, i) : tok).toLowerCase();
    const arg = i >= 0 ? tok.slice(i + 1).replace(/\)$/, "") : "";
    if (key === "drop") {
      if (toks.length > 1) ovsFatal("\"drop\" must not be accompanied by any other action or instruction");
      continue;
    }
    switch (key) {
      case "output": {
        const p = portFromString(arg, ports);
        if (p === undefined) ovsFatal(`${arg}: output to unknown port`);
        out.push({ type: "output", port: p });
        continue;
      }
      case "mod_vlan_vid": case "set_vlan_vid": out.push({ type: "mod_vlan_vid", vid: parseUint(key, arg, 4095) }); continue;
      case "mod_vlan_pcp": case "set_vlan_pcp": out.push({ type: "mod_vlan_pcp", pcp: parseUint(key, arg, 7) }); continue;
      case "strip_vlan": case "pop_vlan": out.push({ type: "strip_vlan" }); continue;
      case "mod_dl_src": case "set_dl_src": out.push({ type: "mod_dl_src", mac: parseMac(key, arg) }); continue;
      case "mod_dl_dst": case "set_dl_dst": out.push({ type: "mod_dl_dst", mac: parseMac(key, arg) }); continue;
    }
    const p = i < 0 ? portFromString(tok, ports) : undefined;
    if (p !== undefined) {
      out.push({ type: "output", port: p });
      continue;
    }
    ovsFatal(`unknown action ${i >= 0 ? tok.slice(0, i) : tok}`);
  }
  return out;
}

function ipStr(a: number): string {
  return [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join(".");
}

/** lib/match.c: match_format() for the fields modelled */
export function matchFormat(m: OfpMatch, priority: number): string {
  let s = "";
  if (priority !== OFP_DEFAULT_PRIORITY) s += `priority=${priority},`;
  let skipType = false;
  let skipProto = false;
  if (m.dl_type !== undefined) {
    skipType = true;
    if (m.dl_type === 0x0800) {
      const named: Record<number, string> = { 1: "icmp", 6: "tcp", 17: "udp", 132: "sctp" };
      if (m.nw_proto !== undefined && named[m.nw_proto]) {
        skipProto = true;
        s += `${named[m.nw_proto]},`;
      } else s += "ip,";
    } else if (m.dl_type === 0x86dd) s += "ipv6,";
    else if (m.dl_type === 0x0806) s += "arp,";
    else if (m.dl_type === 0x8035) s += "rarp,";
    else skipType = false;
  }
  if (m.in_port !== undefined) s += `in_port=${formatPort(m.in_port)},`;
  if (m.dl_vlan !== undefined) s += m.dl_vlan === 0xffff ? "vlan_tci=0x0000," : `dl_vlan=${m.dl_vlan},`;
  if (m.dl_vlan_pcp !== undefined) s += `dl_vlan_pcp=${m.dl_vlan_pcp},`;
  if (m.dl_src !== undefined) s += `dl_src=${m.dl_src},`;
  if (m.dl_dst !== undefined) s += `dl_dst=${m.dl_dst},`;
  if (!skipType && m.dl_type !== undefined) s += `dl_type=0x${m.dl_type.toString(16).padStart(4, "0")},`;
  const arp = m.dl_type === 0x0806 || m.dl_type === 0x8035;
  const ip = (name: string, v: [number, number] | undefined) => {
    if (!v) return;
    s += v[1] === 32 ? `${name}=${ipStr(v[0])},` : `${name}=${ipStr(v[0])}/${v[1]},`;
  };
  ip(arp ? "arp_spa" : "nw_src", m.nw_src);
  ip(arp ? "arp_tpa" : "nw_dst", m.nw_dst);
  if (!skipProto && m.nw_proto !== undefined) s += arp ? `arp_op=${m.nw_proto},` : `nw_proto=${m.nw_proto},`;
  if (m.nw_tos !== undefined) s += `nw_tos=${m.nw_tos},`;
  const icmp = m.dl_type === 0x0800 && m.nw_proto === 1;
  if (m.tp_src !== undefined) s += icmp ? `icmp_type=${m.tp_src},` : `tp_src=${m.tp_src},`;
  if (m.tp_dst !== undefined) s += icmp ? `icmp_code=${m.tp_dst},` : `tp_dst=${m.tp_dst},`;
  return s.replace(/,$/, "");
}

/** lib/ofp-actions.c: ofpacts_format() */
export function actionsFormat(acts: OfpAction[]): string {
  if (!acts.length) return "drop";
  return acts.map((a) => {
    switch (a.type) {
      case "output": return a.port < OFPP_MAX ? `output:${a.port}` : formatPort(a.port);
      case "mod_vlan_vid": return `mod_vlan_vid:${a.vid}`;
      case "mod_vlan_pcp": return `mod_vlan_pcp:${a.pcp}`;
      case "strip_vlan": return "strip_vlan";
      case "mod_dl_src": return `mod_dl_src:${a.mac}`;
      case "mod_dl_dst": return `mod_dl_dst:${a.mac}`;
    }
  }).join(",");
}

/** lib/ofp-print.c: ofp_print_duration() */
function formatDuration(us: number): string {
  const sec = Math.floor(us / 1e6);
  const msec = Math.floor((us % 1e6) / 1000);
  return msec ? `${sec}.${String(msec).padStart(3, "0")}s` : `${sec}s`;
}

/** lib/ofp-flow.c: ofputil_flow_stats_format() with show_stats, NXST (idle_age) */
export function flowStatsFormat(f: OfpFlowStats, idleAge: number): string {
  let s = `cookie=0x${f.cookie.toString(16)}, duration=${formatDuration(f.duration)}, table=${f.table}, `;
  s += `n_packets=${f.n_packets}, n_bytes=${f.n_bytes}, `;
  if (f.idle_timeout) s += `idle_timeout=${f.idle_timeout}, `;
  if (f.hard_timeout) s += `hard_timeout=${f.hard_timeout}, `;
  s += `idle_age=${idleAge}, `;
  const m = matchFormat(f.match, f.priority);
  if (m) s += `${m} `;
  return `${s}actions=${actionsFormat(f.actions)}`;
}

/** lib/ofp-print.c: ofp_print_phy_ports() (sorted by number) + ofputil_phy_port_format() */
export function phyPortsFormat(ports: OfpPortDesc[]): string {
  const bits = (names: string[]) => (names.length ? names.join(" ") : "0");
  let out = "";
  for (const d of [...ports].sort((a, b) => a.ofport - b.ofport)) {
    out += ` ${formatPort(d.ofport)}(${d.name}): addr:${d.hwaddr}\n`;
    out += `     config:     ${bits(d.config)}\n`;
    out += `     state:      ${bits(d.state)}\n`;
    if (d.curr.length) out += `     current:    ${d.curr.join(" ")}\n`;
    out += `     speed: ${Math.floor(d.curr_speed / 1000)} Mbps now, ${Math.floor(d.max_speed / 1000)} Mbps max\n`;
  }
  return out;
}

function openVconn(p: Process, name: string): OfpPortDesc[] {
  const r = p.sys.ioctl({ request: "OFPST_PORT_DESC", bridge: name });
  if (isKErr(r)) ovsFatal(`${name} is not a bridge or a socket`);
  return r.ports as OfpPortDesc[];
}

function flowMod(p: Process, br: string, mod: OfpFlowMod): void {
  const r = p.sys.ioctl({ request: "OFPT_FLOW_MOD", bridge: br, mod });
  if (isKErr(r)) ovsFatal(`${br} is not a bridge or a socket`);
}

interface Opts {
  strict: boolean;
}

async function readFlowFile(p: Process, file: string): Promise<string[]> {
  const text = file === "-" ? p.stdin : await p.readFile(file);
  if (text === undefined) ovsFatal(`${file}: open failed (No such file or directory)`);
  return text.split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter(Boolean);
}

export async function ovsOfctl(p: Process): Promise<number> {
  const args: string[] = [];
  const opts: Opts = { strict: false };
  try {
    const argv = p.argv.slice(1);
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (!a.startsWith("-") || a === "-") {
        args.push(...argv.slice(i));
        break;
      }
      if (a === "--strict") opts.strict = true;
      else if (a === "-V" || a === "--version") {
        p.stdout.write(`${PROG} (Open vSwitch) 3.1.0\nOpenFlow versions 0x1:0x6\n`);
        return 0;
      } else if (a === "-h" || a === "--help") {
        p.stdout.write(`${PROG}: OpenFlow switch management utility\nusage: ${PROG} [OPTIONS] COMMAND [ARG...]\n`);
        return 0;
      } else if (a === "-O" || a === "--protocols" || a === "-F" || a === "--flow-format") i++;
      else if (/^(--protocols|--flow-format|-O.|-F.)/.test(a) || a === "--names" || a === "--no-names" || a === "--no-stats" || a === "--read-only" || a === "--readd") {
        /* accepted, not modelled */
      } else {
        p.stderr.write(`${PROG}: unrecognized option '${a}'\n`);
        return 1;
      }
    }
    if (!args.length) ovsFatal(`missing command name; use --help for help`);
    const [cmd, ...rest] = args as [string, ...string[]];
    const need = (min: number, max: number) => {
      if (rest.length < min) ovsFatal(`'${cmd}' command requires at least ${min} arguments`);
      if (rest.length > max) ovsFatal(`'${cmd}' command takes at most ${max} arguments`);
    };
    switch (cmd) {
      case "add-flow":
      case "mod-flows":
      case "del-flows": {
        if (cmd === "del-flows") need(1, 3);
        else need(2, 3);
        const br = rest[0]!;
        const command: OfpFlowMod["command"] =
          cmd === "add-flow" ? "add" : cmd === "mod-flows" ? (opts.strict ? "modify_strict" : "modify") : opts.strict ? "delete_strict" : "delete";
        const str = rest[1] ?? "";
        const ports = openVconn(p, br);
        const { mod } = parseOfpStr(str, command, ports, cmd !== "del-flows");
        flowMod(p, br, mod);
        return 0;
      }
      case "add-flows": {
        need(2, 2);
        const br = rest[0]!;
        const lines = await readFlowFile(p, rest[1]!);
        const ports = openVconn(p, br);
        const mods = lines.map((l) => parseOfpStr(l, "add", ports, true).mod);
        for (const m of mods) flowMod(p, br, m);
        return 0;
      }
      case "dump-flows": {
        need(1, 2);
        const br = rest[0]!;
        const ports = openVconn(p, br);
        const filter = rest[1] ? parseOfpStr(rest[1], "delete", ports, false).mod : undefined;
        const r = p.sys.ioctl({
          request: "OFPST_FLOW", bridge: br,
          table: filter && filter.table !== 0xff ? filter.table : undefined, match: filter?.match,
        });
        if (isKErr(r)) ovsFatal(`${br} is not a bridge or a socket`);
        const flows = r.flows as OfpFlowStats[];
        let out = "NXST_FLOW reply (xid=0x4):\n";
        for (const f of flows) out += ` ${flowStatsFormat(f, f.idle_age)}\n`;
        p.stdout.write(out);
        return 0;
      }
      case "show": {
        need(1, 1);
        const r = p.sys.ioctl({ request: "OFPST_PORT_DESC", bridge: rest[0]! });
        if (isKErr(r)) ovsFatal(`${rest[0]} is not a bridge or a socket`);
        let out = `OFPT_FEATURES_REPLY (xid=0x2): dpid:${r.dpid as string}\n`;
        out += "n_tables:254, n_buffers:0\n";
        out += "capabilities: FLOW_STATS TABLE_STATS PORT_STATS QUEUE_STATS ARP_MATCH_IP\n";
        out += "actions: output enqueue set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst\n";
        out += phyPortsFormat(r.ports as OfpPortDesc[]);
        out += "OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal miss_send_len=0\n";
        p.stdout.write(out);
        return 0;
      }
      case "dump-ports-desc": {
        need(1, 2);
        const ports = openVconn(p, rest[0]!);
        p.stdout.write(`OFPST_PORT_DESC reply (xid=0x2):\n${phyPortsFormat(ports)}`);
        return 0;
      }
      default:
        ovsFatal(`unknown command '${cmd}'; use --help for help`);
    }
  } catch (e) {
    if (e instanceof OvsFatal) {
      p.stderr.write(`${PROG}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
