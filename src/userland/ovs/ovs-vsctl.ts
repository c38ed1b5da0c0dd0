/**
 * utilities/ovs-vsctl.c (Open vSwitch 3.1): parse the options and the `--`-separated commands
 * (db-ctl-base.c: ctl_parse_commands/parse_command), run them all on a copy of the database,
 * commit the transaction (the switch model reconfigures, like ovs-vswitchd does before
 * ovs-vsctl returns) and print the outputs in order. Errors are ctl_fatal(): "ovs-vsctl: MSG",
 * exit 1, nothing committed.
 */
import type { Process } from "../process.ts";
import { isKErr } from "../../kernel/uapi/errno.ts";
import type { OvsDb, OvsdbBridge, OvsdbInterface, OvsdbPort } from "../../kernel/uapi/openvswitch.ts";
import {
  atomStr, clearColumn, CtlError, ctlFatal, datumStr, getColumn, getRow, getTable, isDefault, SCHEMA, setColumn,
  type Row, type TableName,
} from "./db.ts";

const PROG = "ovs-vsctl";
const OVS_VERSION = "3.1.0";
const DB_SCHEMA_VERSION = "8.3.1";

interface Ctx {
  p: Process;
  db: OvsDb;
  argv: string[];
  options: Map<string, string | undefined>;
  out: string[];
  /** interfaces created by this transaction (post_db_reload_expect_iface) */
  neoteric: string[];
  wrote: boolean;
  exitCode?: number;
}

interface Syntax {
  name: string;
  min: number;
  max: number;
  options: string;
  rw: boolean;
  run: (c: Ctx) => void;
}

// ---------------------------------------------------------------------- the cache (vsctl_context)

interface VBridge {
  name: string;
  row: OvsdbBridge;
}
interface VPort {
  row: OvsdbPort;
  bridge: VBridge;
}
interface VIface {
  row: OvsdbInterface;
  port: VPort;
}

interface Cache {
  bridges: Map<string, VBridge>;
  ports: Map<string, VPort>;
  ifaces: Map<string, VIface>;
}

/** vsctl_context_populate_cache() */
function populateCache(db: OvsDb): Cache {
  const c: Cache = { bridges: new Map(), ports: new Map(), ifaces: new Map() };
  for (const bu of db.bridges) {
    const br = db.bridge[bu];
    if (!br || c.bridges.has(br.name)) continue;
    const vb: VBridge = { name: br.name, row: br };
    c.bridges.set(br.name, vb);
    for (const pu of br.ports) {
      const port = db.port[pu];
      if (!port || c.ports.has(port.name)) continue;
      const vp: VPort = { row: port, bridge: vb };
      c.ports.set(port.name, vp);
      for (const iu of port.interfaces) {
        const iface = db.interface[iu];
        if (!iface || c.ifaces.has(iface.name)) continue;
        c.ifaces.set(iface.name, { row: iface, port: vp });
      }
    }
  }
  return c;
}

/** check_conflicts() */
function checkConflicts(c: Cache, name: string, msg: string): void {
  if (c.bridges.has(name)) ctlFatal(`${msg} because a bridge named ${name} already exists`);
  const port = c.ports.get(name);
  if (port) ctlFatal(`${msg} because a port named ${name} already exists on bridge ${port.bridge.name}`);
  const iface = c.ifaces.get(name);
  if (iface) ctlFatal(`${msg} because an interface named ${name} already exists on bridge ${iface.port.bridge.name}`);
}

function findBridge(c: Cache, name: string, mustExist: boolean): VBridge | undefined {
  const br = c.bridges.get(name);
  if (mustExist && !br) ctlFatal(`no bridge named ${name}`);
  return br;
}

function findPort(c: Cache, name: string, mustExist: boolean): VPort | undefined {
  let port = c.ports.get(name);
  if (port && name === port.bridge.name) port = undefined;
  if (mustExist && !port) ctlFatal(`no port named ${name}`);
  return port;
}

function findIface(c: Cache, name: string, mustExist: boolean): VIface | undefined {
  let iface = c.ifaces.get(name);
  if (iface && name === iface.port.bridge.name) iface = undefined;
  if (mustExist && !iface) ctlFatal(`no interface named ${name}`);
  return iface;
}

/** a new row's UUID: ovsdb-server assigns it (ovsdb_execute_insert(): uuid_generate()) */
function uuid(c: Ctx): string {
  const r = c.p.sys.ioctl({ request: "OVSDB_UUID" });
  if (isKErr(r)) ctlFatal("transaction error: {\"error\":\"I/O error\"}");
  return r.uuid as string;
}

function newIface(c: Ctx, name: string, type = ""): OvsdbInterface {
  const row: OvsdbInterface = {
    uuid: uuid(c), name, type, options: {}, ofport: undefined, ofport_request: undefined, error: undefined,
    mac_in_use: undefined, external_ids: {}, other_config: {},
  };
  c.db.interface[row.uuid] = row;
  c.neoteric.push(row.uuid);
  return row;
}

function newPort(c: Ctx, name: string, ifaces: OvsdbInterface[]): OvsdbPort {
  const row: OvsdbPort = {
    uuid: uuid(c), name, interfaces: ifaces.map((i) => i.uuid), tag: undefined, trunks: [], vlan_mode: undefined,
    external_ids: {}, other_config: {},
  };
  c.db.port[row.uuid] = row;
  return row;
}

// ---------------------------------------------------------------------- bridge commands

/** cmd_add_br() */
function cmdAddBr(c: Ctx): void {
  const mayExist = c.options.has("--may-exist");
  const brName = c.argv[1]!;
  if (!brName) ctlFatal("bridge name must not be empty string");
  let parent: string | undefined;
  let vlan = 0;
  if (c.argv.length === 4) {
    parent = c.argv[2]!;
    vlan = parseInt(c.argv[3]!, 10) || 0;
    if (vlan < 0 || vlan > 4095) ctlFatal(`${c.argv[0]}: vlan must be between 0 and 4095`);
  } else if (c.argv.length !== 2) {
    ctlFatal(`'${c.argv[0]}' command takes exactly 1 or 3 arguments`);
  }
  const cache = populateCache(c.db);
  if (mayExist && findBridge(cache, brName, false)) {
    if (parent) ctlFatal(`"--may-exist add-br ${brName} ${parent} ${vlan}" but ${brName} is not a VLAN bridge`);
    return;
  }
  checkConflicts(cache, brName, `cannot create a bridge named ${brName}`);
  if (parent) ctlFatal(`fake bridges are not supported by this emulator`);
  const iface = newIface(c, brName, "internal");
  const port = newPort(c, brName, [iface]);
  const br: OvsdbBridge = {
    uuid: uuid(c), name: brName, ports: [port.uuid], datapath_type: "", fail_mode: undefined, other_config: {}, external_ids: {},
  };
  c.db.bridge[br.uuid] = br;
  c.db.bridges.push(br.uuid);
}

function delPort(c: Ctx, port: VPort): void {
  const br = port.bridge.row;
  br.ports = br.ports.filter((u) => u !== port.row.uuid);
  for (const iu of port.row.interfaces) delete c.db.interface[iu];
  delete c.db.port[port.row.uuid];
}

/** cmd_del_br() */
function cmdDelBr(c: Ctx): void {
  const mustExist = !c.options.has("--if-exists");
  const cache = populateCache(c.db);
  const br = findBridge(cache, c.argv[1]!, mustExist);
  if (!br) return;
  for (const vp of cache.ports.values()) if (vp.bridge === br) delPort(c, vp);
  c.db.bridges = c.db.bridges.filter((u) => u !== br.row.uuid);
  delete c.db.bridge[br.row.uuid];
}

function outputSorted(c: Ctx, names: string[]): void {
  for (const n of names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) c.out.push(`${n}\n`);
}

function cmdListBr(c: Ctx): void {
  const cache = populateCache(c.db);
  outputSorted(c, [...cache.bridges.keys()]);
}

/** cmd_br_exists(): exit 2 when it does not */
function cmdBrExists(c: Ctx): void {
  const cache = populateCache(c.db);
  if (!findBridge(cache, c.argv[1]!, false)) c.exitCode = 2;
}

function cmdListPorts(c: Ctx): void {
  const cache = populateCache(c.db);
  const br = findBridge(cache, c.argv[1]!, true)!;
  const names = [...cache.ports.values()].filter((p) => p.bridge === br && p.row.name !== br.name).map((p) => p.row.name);
  outputSorted(c, names);
}

function cmdListIfaces(c: Ctx): void {
  const cache = populateCache(c.db);
  const br = findBridge(cache, c.argv[1]!, true)!;
  const names = [...cache.ifaces.values()].filter((i) => i.port.bridge === br && i.row.name !== br.name).map((i) => i.row.name);
  outputSorted(c, names);
}

// ---------------------------------------------------------------------- port commands

/** add_port() */
function addPort(c: Ctx, brName: string, portName: string, mayExist: boolean, ifaceNames: string[], settings: string[]): void {
  if (!portName) ctlFatal("port name must not be empty string");
  for (const n of ifaceNames) if (!n) ctlFatal("interface name must not be empty string");
  const cache = populateCache(c.db);
  if (mayExist) {
    const vp = findPort(cache, portName, false);
    if (vp) {
      const want = [...ifaceNames].sort();
      const have = vp.row.interfaces.map((u) => c.db.interface[u]!.name).sort();
      const command = c.argv.join(" ");
      if (vp.bridge.name !== brName) ctlFatal(`"${command}" but ${portName} is actually attached to bridge ${vp.bridge.name}`);
      if (want.join(",") !== have.join(",")) ctlFatal(`"${command}" but ${portName} actually has interface(s) ${have.join(", ")}`);
      return;
    }
  }
  checkConflicts(cache, portName, `cannot create a port named ${portName}`);
  for (const n of ifaceNames) checkConflicts(cache, n, `cannot create an interface named ${n}`);
  const br = findBridge(cache, brName, true)!;
  const ifaces = ifaceNames.map((n) => newIface(c, n));
  const port = newPort(c, portName, ifaces);
  for (const s of settings) setColumn("Port", port as unknown as Row, s);
  br.row.ports.push(port.uuid);
}

function cmdAddPort(c: Ctx): void {
  addPort(c, c.argv[1]!, c.argv[2]!, c.options.has("--may-exist"), [c.argv[2]!], c.argv.slice(3));
}

function cmdAddBond(c: Ctx): void {
  const args = c.argv.slice(3);
  const ifaces: string[] = [];
  const settings: string[] = [];
  for (const a of args) (a.includes("=") ? settings : ifaces).push(a);
  if (ifaces.length < 2) ctlFatal(`add-bond requires at least 2 interfaces, but only ${ifaces.length} were specified`);
  addPort(c, c.argv[1]!, c.argv[2]!, c.options.has("--may-exist"), ifaces, settings);
}

/** cmd_del_port() */
function cmdDelPort(c: Ctx): void {
  const mustExist = !c.options.has("--if-exists");
  const withIface = c.options.has("--with-iface");
  const target = c.argv[c.argv.length - 1]!;
  const cache = populateCache(c.db);
  let port: VPort | undefined;
  if (findBridge(cache, target, false)) {
    if (mustExist)
      ctlFatal(`cannot delete port ${target} because it is the local port for bridge ${target} (deleting this port requires deleting the entire bridge)`);
  } else if (!withIface) {
    port = findPort(cache, target, mustExist);
  } else {
    port = findPort(cache, target, false) ?? findIface(cache, target, false)?.port;
    if (mustExist && !port) ctlFatal(`no port or interface named ${target}`);
  }
  if (!port) return;
  if (c.argv.length === 3) {
    const br = findBridge(cache, c.argv[1]!, true)!;
    if (port.bridge !== br) ctlFatal(`bridge ${c.argv[1]} does not have a port ${c.argv[2]}`);
  }
  delPort(c, port);
}

function cmdPortToBr(c: Ctx): void {
  const cache = populateCache(c.db);
  const port = findPort(cache, c.argv[1]!, true)!;
  c.out.push(`${port.bridge.name}\n`);
}

function cmdIfaceToBr(c: Ctx): void {
  const cache = populateCache(c.db);
  const iface = findIface(cache, c.argv[1]!, true)!;
  c.out.push(`${iface.port.bridge.name}\n`);
}

// ---------------------------------------------------------------------- show

/** db-ctl-base.c: cmd_show() over ovs-vsctl's cmd_show_tables[] */
function cmdShow(c: Ctx): void {
  const db = c.db;
  const ind = (n: number) => " ".repeat(n * 4);
  const out: string[] = [`${db.uuid}\n`];
  for (const bu of [...db.bridges].sort()) {
    const br = db.bridge[bu];
    if (!br) continue;
    const brRow = br as unknown as Row;
    out.push(`${ind(1)}Bridge ${atomStr(br.name)}\n`);
    for (const col of ["fail_mode", "datapath_type"]) {
      if (!isDefault("Bridge", brRow, col)) out.push(`${ind(2)}${col}: ${datumStr("Bridge", brRow, col)}\n`);
    }
    for (const pu of [...br.ports].sort()) {
      const port = db.port[pu];
      if (!port) continue;
      const pRow = port as unknown as Row;
      out.push(`${ind(2)}Port ${atomStr(port.name)}\n`);
      for (const col of ["tag", "trunks"]) {
        if (!isDefault("Port", pRow, col)) out.push(`${ind(3)}${col}: ${datumStr("Port", pRow, col)}\n`);
      }
      for (const iu of [...port.interfaces].sort()) {
        const iface = db.interface[iu];
        if (!iface) continue;
        const iRow = iface as unknown as Row;
        out.push(`${ind(3)}Interface ${atomStr(iface.name)}\n`);
        for (const col of ["type", "options", "error"]) {
          if (!isDefault("Interface", iRow, col)) out.push(`${ind(4)}${col}: ${datumStr("Interface", iRow, col)}\n`);
        }
      }
    }
  }
  out.push(`${ind(1)}ovs_version: ${atomStr(db.ovs_version)}\n`);
  c.out.push(out.join(""));
}

// ---------------------------------------------------------------------- database commands

/** cmd_get(): COLUMN[:KEY] values, one per line */
function cmdGet(c: Ctx): void {
  const mustExist = !c.options.has("--if-exists");
  const t = getTable(c.argv[1]!);
  const row = getRow(c.db, t, c.argv[2]!, mustExist);
  if (!row) return;
  for (const arg of c.argv.slice(3)) {
    const [colName, key] = splitColKey(arg);
    const col = getColumn(t, colName);
    if (key !== undefined) {
      const m = row[col] as Record<string, string> | undefined;
      if (!m || typeof m !== "object" || Array.isArray(m)) ctlFatal(`cannot specify key to get for non-map column ${col}`);
      const v = m[key];
      if (v === undefined) {
        if (!c.options.has("--if-exists")) ctlFatal(`no key "${key}" in ${t} record "${c.argv[2]}" column ${col}`);
        c.out.push("\n");
        continue;
      }
      c.out.push(`${atomStr(v)}\n`);
    } else {
      c.out.push(`${datumStr(t, row, col)}\n`);
    }
  }
}

function splitColKey(arg: string): [string, string | undefined] {
  const i = arg.indexOf(":");
  if (i < 0) return [arg, undefined];
  let key = arg.slice(i + 1);
  if (key.startsWith('"') && key.endsWith('"')) key = JSON.parse(key) as string;
  return [arg.slice(0, i), key];
}

function cmdSet(c: Ctx): void {
  const mustExist = !c.options.has("--if-exists");
  const t = getTable(c.argv[1]!);
  const row = getRow(c.db, t, c.argv[2]!, mustExist);
  if (!row) return;
  for (const arg of c.argv.slice(3)) setColumn(t, row, arg);
}

function cmdClear(c: Ctx): void {
  const mustExist = !c.options.has("--if-exists");
  const t = getTable(c.argv[1]!);
  const row = getRow(c.db, t, c.argv[2]!, mustExist);
  if (!row) return;
  for (const col of c.argv.slice(3)) clearColumn(t, row, col);
}

/** cmd_remove() for map keys and set values */
function cmdRemove(c: Ctx): void {
  const mustExist = !c.options.has("--if-exists");
  const t = getTable(c.argv[1]!);
  const row = getRow(c.db, t, c.argv[2]!, mustExist);
  if (!row) return;
  const col = getColumn(t, c.argv[3]!);
  const v = row[col];
  for (const arg of c.argv.slice(4)) {
    if (Array.isArray(v)) row[col] = (row[col] as number[]).filter((x) => String(x) !== arg);
    else if (v && typeof v === "object") {
      const eq = arg.indexOf("=");
      const k = eq < 0 ? arg : arg.slice(0, eq);
      const m = row[col] as Record<string, string>;
      if (eq < 0 || m[k] === arg.slice(eq + 1)) delete m[k];
    } else if (v !== undefined && String(v) === arg) row[col] = undefined;
  }
}

/** cmd_list(): every column of the rows, "%-20s: %s" */
function cmdList(c: Ctx): void {
  const t = getTable(c.argv[1]!);
  const ids = c.argv.slice(2);
  const rows = ids.length
    ? ids.map((id) => getRow(c.db, t, id, !c.options.has("--if-exists"))).filter((r): r is Row => !!r)
    : t === "Open_vSwitch" ? [c.db as unknown as Row] : sortedRows(c.db, t);
  const colsOpt = c.options.get("--columns");
  const cols = colsOpt ? colsOpt.split(",").map((x) => getColumn(t, x)) : ["_uuid", ...Object.keys(SCHEMA[t]).filter((x) => x !== "_uuid").sort()];
  const blocks: string[] = [];
  for (const r of rows) {
    blocks.push(cols.map((col) => `${col.padEnd(20)}: ${datumStr(t, r, col)}\n`).join(""));
  }
  c.out.push(blocks.join("\n"));
}


function sortedRows(db: OvsDb, t: TableName): Row[] {
  const key = t === "Bridge" ? "bridge" : t === "Port" ? "port" : "interface";
  return (Object.values(db[key]) as unknown as Row[]).sort((a, b) => (a.uuid < b.uuid ? -1 : 1));
}

/** cmd_get_fail_mode() */
function cmdGetFailMode(c: Ctx): void {
  const cache = populateCache(c.db);
  const br = findBridge(cache, c.argv[1]!, true)!;
  if (br.row.fail_mode) c.out.push(`${br.row.fail_mode}\n`);
}

/** cmd_set_fail_mode() */
function cmdSetFailMode(c: Ctx): void {
  const cache = populateCache(c.db);
  const br = findBridge(cache, c.argv[1]!, true)!;
  const mode = c.argv[2]!;
  if (mode !== "standalone" && mode !== "secure") ctlFatal('fail-mode must be "standalone" or "secure"');
  br.row.fail_mode = mode;
}

/** cmd_del_fail_mode() */
function cmdDelFailMode(c: Ctx): void {
  const cache = populateCache(c.db);
  const br = findBridge(cache, c.argv[1]!, true)!;
  br.row.fail_mode = undefined;
}

function cmdInit(_c: Ctx): void {
  /* the database is always initialised */
}

// ---------------------------------------------------------------------- the command table

const RW = true;
const RO = false;
const COMMANDS: Syntax[] = [
  { name: "init", min: 0, max: 0, options: "", rw: RW, run: cmdInit },
  { name: "show", min: 0, max: 0, options: "", rw: RO, run: cmdShow },
  { name: "add-br", min: 1, max: 3, options: "--may-exist", rw: RW, run: cmdAddBr },
  { name: "del-br", min: 1, max: 1, options: "--if-exists", rw: RW, run: cmdDelBr },
  { name: "list-br", min: 0, max: 0, options: "--real,--fake", rw: RO, run: cmdListBr },
  { name: "br-exists", min: 1, max: 1, options: "", rw: RO, run: cmdBrExists },
  { name: "list-ports", min: 1, max: 1, options: "", rw: RO, run: cmdListPorts },
  { name: "add-port", min: 2, max: Infinity, options: "--may-exist", rw: RW, run: cmdAddPort },
  { name: "add-bond", min: 4, max: Infinity, options: "--may-exist,--fake-iface", rw: RW, run: cmdAddBond },
  { name: "del-port", min: 1, max: 2, options: "--if-exists,--with-iface", rw: RW, run: cmdDelPort },
  { name: "port-to-br", min: 1, max: 1, options: "", rw: RO, run: cmdPortToBr },
  { name: "list-ifaces", min: 1, max: 1, options: "", rw: RO, run: cmdListIfaces },
  { name: "iface-to-br", min: 1, max: 1, options: "", rw: RO, run: cmdIfaceToBr },
  { name: "get-fail-mode", min: 1, max: 1, options: "", rw: RO, run: cmdGetFailMode },
  { name: "del-fail-mode", min: 1, max: 1, options: "", rw: RW, run: cmdDelFailMode },
  { name: "set-fail-mode", min: 2, max: 2, options: "", rw: RW, run: cmdSetFailMode },
  { name: "get", min: 2, max: Infinity, options: "--if-exists,--id=", rw: RO, run: cmdGet },
  { name: "list", min: 1, max: Infinity, options: "--if-exists,--columns=", rw: RO, run: cmdList },
  { name: "set", min: 3, max: Infinity, options: "--if-exists", rw: RW, run: cmdSet },
  { name: "remove", min: 4, max: Infinity, options: "--if-exists", rw: RW, run: cmdRemove },
  { name: "clear", min: 3, max: Infinity, options: "--if-exists", rw: RW, run: cmdClear },
];

interface Parsed {
  syntax: Syntax;
  argv: string[];
  options: Map<string, string | undefined>;
}

/** db-ctl-base.c: parse_command() */
function parseCommand(args: string[], local: Map<string, string | undefined>): Parsed {
  const options = new Map(local);
  local.clear();
  let i = 0;
  for (; i < args.length; i++) {
    const opt = args[i]!;
    if (!opt.startsWith("-")) break;
    const eq = opt.indexOf("=");
    const key = eq >= 0 ? opt.slice(0, eq) : opt;
    if (options.has(key)) ctlFatal(`'${opt}' option specified multiple times`);
    options.set(key, eq >= 0 ? opt.slice(eq + 1) : undefined);
  }
  if (i === args.length) ctlFatal("missing command name (use --help for help)");
  const syntax = COMMANDS.find((s) => s.name === args[i]);
  if (!syntax) ctlFatal(`unknown command '${args[i]}'; use --help for help`);
  for (const [name, value] of options) {
    const s = syntax.options.indexOf(name);
    const end = s < 0 ? undefined : syntax.options[s + name.length];
    if (s < 0 || !(end === undefined || "=,? ".includes(end))) ctlFatal(`'${args[i]}' command has no '${name}' option`);
    if (end !== "?" && (end === "=") !== (value !== undefined)) {
      if (end === "=") ctlFatal(`missing argument to '${name}' option on '${args[i]}' command`);
      ctlFatal(`'${name}' option on '${args[i]}' does not accept an argument`);
    }
  }
  const nArg = args.length - i - 1;
  if (nArg < syntax.min) ctlFatal(`'${syntax.name}' command requires at least ${syntax.min} arguments`);
  if (nArg > syntax.max) {
    if (args.slice(i + 1).some((a) => a.startsWith("-")))
      ctlFatal(`'${syntax.name}' command takes at most ${syntax.max} arguments (note that options must precede command names and follow a "--" argument)`);
    ctlFatal(`'${syntax.name}' command takes at most ${syntax.max} arguments`);
  }
  return { syntax, argv: args.slice(i), options };
}

/** ctl_parse_commands(): split at "--" */
function parseCommands(args: string[], local: Map<string, string | undefined>): Parsed[] {
  const cmds: Parsed[] = [];
  let start = 0;
  for (let i = 0; i <= args.length; i++) {
    if (i === args.length || args[i] === "--") {
      if (i > start) cmds.push(parseCommand(args.slice(start, i), local));
      else if (local.size) ctlFatal("missing command name (use --help for help)");
      start = i + 1;
    }
  }
  if (!cmds.length) ctlFatal("missing command name (use --help for help)");
  return cmds;
}

const LOCAL_OPTIONS = new Set(COMMANDS.flatMap((s) => s.options.split(",").filter(Boolean).map((o) => o.replace(/[=?]$/, ""))));
const GLOBAL_NOARG = new Set(["--no-wait", "--dry-run", "--oneline", "--no-syslog", "--retry", "-v", "--verbose"]);

export async function ovsVsctl(p: Process): Promise<number> {
  const argv = p.argv.slice(1);
  const local = new Map<string, string | undefined>();
  let i = 0;
  let noWait = false;
  let dryRun = false;
  let oneline = false;
  try {
    /* parse_options(): getopt_long stops at the first non-option */
    for (; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === "--" || !a.startsWith("-") || a === "-") break;
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(0, eq) : a;
      if (name === "-h" || name === "--help") {
        p.stdout.write(`${PROG}: Open vSwitch utility for querying and configuring ovs-vswitchd\nusage: ${PROG} [OPTIONS] COMMAND [ARG...]\n`);
        return 0;
      }
      if (name === "-V" || name === "--version") {
        p.stdout.write(`${PROG} (Open vSwitch) ${OVS_VERSION}\nDB Schema ${DB_SCHEMA_VERSION}\n`);
        return 0;
      }
      if (name === "--no-wait") noWait = true;
      else if (name === "--dry-run") dryRun = true;
      else if (name === "--oneline") oneline = true;
      else if (GLOBAL_NOARG.has(name)) { /* accepted */ }
      else if (name === "--db" || name === "-t" || name === "--timeout" || name === "-f" || name === "--format") {
        if (eq < 0) i++;
        const v = eq >= 0 ? a.slice(eq + 1) : argv[i];
        if (v === undefined) {
          p.stderr.write(`${PROG}: option '${name}' requires an argument\n`);
          return 1;
        }
        if ((name === "-t" || name === "--timeout") && !/^\d+$/.test(v)) ctlFatal(`value ${v} on -t or --timeout is invalid`);
      } else if (LOCAL_OPTIONS.has(name)) {
        if (local.has(name)) ctlFatal(`'${name}' option specified multiple times`);
        local.set(name, eq >= 0 ? a.slice(eq + 1) : undefined);
      } else {
        p.stderr.write(`${PROG}: unrecognized option '${a}'\n`);
        return 1;
      }
    }
    const cmds = parseCommands(argv.slice(i), local);

    const got = p.sys.ioctl({ request: "OVSDB_GET" });
    if (isKErr(got)) ctlFatal(`unix:/var/run/openvswitch/db.sock: database connection failed (No such file or directory)`);
    const db = got.db as OvsDb;
    const neoteric: string[] = [];
    const outputs: string[] = [];
    let wrote = false;
    let exitCode = 0;
    for (const cmd of cmds) {
      const c: Ctx = { p, db, argv: cmd.argv, options: cmd.options, out: [], neoteric, wrote: false };
      cmd.syntax.run(c);
      if (cmd.syntax.rw) wrote = true;
      let text = c.out.join("");
      if (oneline) text = text.replace(/\\/g, "\\\\").replace(/\n(?!$)/g, "\\n");
      outputs.push(text);
      if (c.exitCode !== undefined) {
        exitCode = c.exitCode;
        break;
      }
    }
    let final = db;
    if (wrote && !dryRun && exitCode === 0) {
      const r = p.sys.ioctl({ request: "OVSDB_TRANSACT", db });
      if (isKErr(r)) ctlFatal("transaction error: {\"error\":\"I/O error\"}");
      final = r.db as OvsDb;
    }
    for (const o of outputs) p.stdout.write(o);
    /* post_db_reload_do_checks(): new interfaces vswitchd could not add */
    if (wrote && !noWait && !dryRun) {
      let printError = false;
      for (const u of neoteric) {
        const iface = final.interface[u];
        if (iface && (iface.ofport === undefined || iface.ofport === -1)) {
          if (iface.error) p.stderr.write(`${PROG}: Error detected while setting up '${iface.name}': ${iface.error}.  See ovs-vswitchd log for details.\n`);
          else p.stderr.write(`${PROG}: Error detected while setting up '${iface.name}'.  See ovs-vswitchd log for details.\n`);
          printError = true;
        }
      }
      if (printError) p.stderr.write(`${PROG}: The default log directory is "/var/log/openvswitch".\n`);
    }
    return exitCode;
  } catch (e) {
    if (e instanceof CtlError) {
      p.stderr.write(`${PROG}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
