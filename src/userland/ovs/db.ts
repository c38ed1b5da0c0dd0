/**
 * lib/db-ctl-base.c + lib/ovsdb-data.c, reduced to the Open_vSwitch schema tables the tools
 * use (Open_vSwitch, Bridge, Port, Interface): table/row lookup, column parsing (`set`),
 * datum formatting (`get`, `show`). The database itself lives in the host's switch model
 * (kernel/openvswitch/vswitchd.ts); ovs-vsctl works on a copy and commits it.
 */
import type { OvsDb } from "../../kernel/uapi/openvswitch.ts";

export class CtlError extends Error {}

/** ctl_fatal() */
export function ctlFatal(msg: string): never {
  throw new CtlError(msg);
}

/** lib/uuid.c: uuid_from_string() */
export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}

/** lib/ovsdb-data.c: string_needs_quotes() */
function stringNeedsQuotes(s: string): boolean {
  if (!/^[A-Za-z_]/.test(s)) return true;
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s)) return true;
  if (s === "true" || s === "false") return true;
  return isUuid(s);
}

/** ovsdb_atom_to_string() for a string atom */
export function atomStr(s: string): string {
  return stringNeedsQuotes(s) ? JSON.stringify(s) : s;
}

type ColType =
  | { kind: "string"; optional?: boolean; enum?: string[] }
  | { kind: "int"; optional?: boolean; min?: number; max?: number }
  | { kind: "intset"; min: number; max: number; nmax: number }
  | { kind: "map" }
  | { kind: "refset"; ro: true }
  | { kind: "uuid"; ro: true };

export type TableName = "Open_vSwitch" | "Bridge" | "Port" | "Interface";

/** vswitch.ovsschema, the columns modelled */
export const SCHEMA: Record<TableName, Record<string, ColType>> = {
  Open_vSwitch: {
    _uuid: { kind: "uuid", ro: true }, bridges: { kind: "refset", ro: true }, ovs_version: { kind: "string", optional: true },
  },
  Bridge: {
    _uuid: { kind: "uuid", ro: true }, name: { kind: "string" }, ports: { kind: "refset", ro: true },
    datapath_type: { kind: "string" }, fail_mode: { kind: "string", optional: true, enum: ["standalone", "secure"] },
    other_config: { kind: "map" }, external_ids: { kind: "map" },
  },
  Port: {
    _uuid: { kind: "uuid", ro: true }, name: { kind: "string" }, interfaces: { kind: "refset", ro: true },
    tag: { kind: "int", optional: true, min: 0, max: 4095 }, trunks: { kind: "intset", min: 0, max: 4095, nmax: 4096 },
    vlan_mode: { kind: "string", optional: true, enum: ["access", "native-tagged", "native-untagged", "trunk", "dot1q-tunnel"] },
    other_config: { kind: "map" }, external_ids: { kind: "map" },
  },
  Interface: {
    _uuid: { kind: "uuid", ro: true }, name: { kind: "string" }, type: { kind: "string" }, options: { kind: "map" },
    ofport: { kind: "int", optional: true }, ofport_request: { kind: "int", optional: true, min: 1, max: 65279 },
    error: { kind: "string", optional: true }, mac_in_use: { kind: "string", optional: true },
    other_config: { kind: "map" }, external_ids: { kind: "map" },
  },
};

/** db-ctl-base.c: get_table(): a case-insensitive, unique prefix of a table name */
export function getTable(name: string): TableName {
  const tables = Object.keys(SCHEMA) as TableName[];
  const exact = tables.find((t) => t.toLowerCase() === name.toLowerCase());
  if (exact) return exact;
  const m = tables.filter((t) => t.toLowerCase().startsWith(name.toLowerCase()));
  if (m.length === 1) return m[0]!;
  if (m.length > 1) ctlFatal(`multiple table names match "${name}"`);
  ctlFatal(`unknown table "${name}"`);
}

export type Row = Record<string, unknown> & { uuid: string };

export function tableRows(db: OvsDb, t: TableName): Row[] {
  if (t === "Open_vSwitch") return [db as unknown as Row];
  const key = t === "Bridge" ? "bridge" : t === "Port" ? "port" : "interface";
  return Object.values(db[key]) as unknown as Row[];
}

/** db-ctl-base.c: ctl_get_row(): by name, by uuid, "." for the single Open_vSwitch row */
export function getRow(db: OvsDb, t: TableName, id: string, mustExist: boolean): Row | undefined {
  const rows = tableRows(db, t);
  if (t === "Open_vSwitch" && (id === "." || id === db.uuid)) return rows[0];
  const byUuid = rows.find((r) => r.uuid === id);
  if (byUuid) return byUuid;
  const byName = rows.filter((r) => r.name === id);
  if (byName.length > 1) ctlFatal(`multiple rows in ${t} match "${id}"`);
  if (byName.length === 1) return byName[0];
  if (mustExist) ctlFatal(`no row "${id}" in table ${t}`);
  return undefined;
}

/** db-ctl-base.c: get_column(): exact or unique prefix */
export function getColumn(t: TableName, name: string): string {
  const cols = Object.keys(SCHEMA[t]);
  if (cols.includes(name)) return name;
  const m = cols.filter((c) => c.startsWith(name));
  if (m.length === 1) return m[0]!;
  if (m.length > 1) ctlFatal(`${t} contains more than one column whose name matches "${name}"`);
  ctlFatal(`${t} does not contain a column whose name matches "${name}"`);
}

function unquote(s: string): string {
  s = s.trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  return s;
}

function splitList(s: string): string[] {
  s = s.trim();
  if ((s.startsWith("[") && s.endsWith("]")) || (s.startsWith("{") && s.endsWith("}"))) s = s.slice(1, -1);
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (const c of s) {
    if (c === '"') q = !q;
    if (!q && (c === "," || c === " ")) {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function parseInt64(s: string): number {
  if (!/^[+-]?\d+$/.test(s.trim())) ctlFatal(`"${s}" is not a valid integer or range`);
  return Number(s.trim());
}

function checkRange(v: number, min?: number, max?: number): void {
  if (min !== undefined && max !== undefined && (v < min || v > max))
    ctlFatal(`constraint violation: ${v} is not in the valid range ${min} to ${max} (inclusive)`);
}

/** db-ctl-base.c: set_column(): COLUMN[:KEY]=VALUE */
export function setColumn(t: TableName, row: Row, arg: string): void {
  const m = /^([^:=]+)(?::("(?:[^"\\]|\\.)*"|[^=]*))?=(.*)$/s.exec(arg);
  if (!m) ctlFatal(`${arg}: argument does not end in "=" followed by a value.`);
  const col = getColumn(t, m[1]!);
  const type = SCHEMA[t][col]!;
  const key = m[2];
  const value = m[3]!;
  if ("ro" in type || col === "ofport" || col === "error" || col === "mac_in_use")
    ctlFatal(`cannot modify read-only column ${col} in table ${t}`);
  if (key !== undefined) {
    if (type.kind !== "map") ctlFatal(`cannot specify key to set for non-map column ${col}`);
    (row[col] as Record<string, string>)[unquote(key)] = unquote(value);
    return;
  }
  switch (type.kind) {
    case "string": {
      const v = value.trim();
      if (type.optional && (v === "[]" || v === "")) {
        if (v === "[]") { row[col] = undefined; return; }
      }
      const s = unquote(v);
      if (type.enum && !type.enum.includes(s))
        ctlFatal(`constraint violation: ${s} is not one of the allowed values ([${type.enum.join(", ")}])`);
      row[col] = s;
      return;
    }
    case "int": {
      const v = value.trim();
      if (type.optional && v === "[]") { row[col] = undefined; return; }
      const n = parseInt64(unquote(v.replace(/^\[(.*)\]$/, "$1")));
      checkRange(n, type.min, type.max);
      row[col] = n;
      return;
    }
    case "intset": {
      const vals = splitList(value).map((x) => parseInt64(x));
      for (const v of vals) checkRange(v, type.min, type.max);
      row[col] = [...new Set(vals)].sort((a, b) => a - b);
      return;
    }
    case "map": {
      const out: Record<string, string> = {};
      for (const kv of splitList(value)) {
        const i = kv.indexOf("=");
        if (i < 0) ctlFatal(`"${kv}": syntax error at end of input`);
        out[unquote(kv.slice(0, i))] = unquote(kv.slice(i + 1));
      }
      row[col] = out;
      return;
    }
  }
}

/** db-ctl-base.c: clear: the column's default */
export function clearColumn(t: TableName, row: Row, colName: string): void {
  const col = getColumn(t, colName);
  const type = SCHEMA[t][col]!;
  if ("ro" in type) ctlFatal(`cannot modify read-only column ${col} in table ${t}`);
  if (type.kind === "map") row[col] = {};
  else if (type.kind === "intset") row[col] = [];
  else if (type.kind === "string" && !type.optional) row[col] = "";
  else row[col] = undefined;
}

function mapStr(m: Record<string, string>): string {
  const keys = Object.keys(m).sort();
  return `{${keys.map((k) => `${atomStr(k)}=${atomStr(m[k]!)}`).join(", ")}}`;
}

/** ovsdb_datum_to_string() of a column */
export function datumStr(t: TableName, row: Row, colName: string): string {
  const type = SCHEMA[t][colName]!;
  const v = colName === "_uuid" ? row.uuid : row[colName];
  switch (type.kind) {
    case "uuid":
      return String(v);
    case "refset":
      return `[${[...(v as string[])].sort().join(", ")}]`;
    case "string":
      if (type.optional) return v === undefined ? "[]" : atomStr(String(v));
      return atomStr(String(v ?? ""));
    case "int":
      return v === undefined ? "[]" : String(v);
    case "intset":
      return `[${(v as number[]).join(", ")}]`;
    case "map":
      return mapStr((v as Record<string, string>) ?? {});
  }
}

export function isDefault(t: TableName, row: Row, colName: string): boolean {
  const type = SCHEMA[t][colName]!;
  const v = row[colName];
  switch (type.kind) {
    case "string":
      return type.optional ? v === undefined : !v;
    case "int":
      return v === undefined;
    case "intset":
    case "refset":
      return !(v as unknown[]).length;
    case "map":
      return !Object.keys((v as object) ?? {}).length;
    default:
      return false;
  }
}
