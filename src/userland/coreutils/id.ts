/**
 * GNU coreutils 9.1 id, groups and whoami (src/id.c, src/groups.c, src/whoami.c): every
 * process runs as root (uid 0, gid 0, no supplementary groups); the accounts named are looked
 * up in /etc/passwd and /etc/group.
 */
import type { Command, CommandTable, Process } from "../process.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";
import { quote } from "../lib/quotearg.ts";
import { coreutilsTryHelp } from "./gnu_text.ts";

interface User {
  name: string;
  uid: number;
  gid: number;
}

interface Db {
  users: User[];
  groups: { name: string; gid: number; members: string[] }[];
}

/** the password and group databases: /etc/passwd and /etc/group (nsswitch's `files`) */
async function loadDb(p: Process): Promise<Db> {
  const lines = async (path: string) => ((await p.readFile(path)) ?? "").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(":"));
  return {
    users: (await lines("/etc/passwd")).filter((f) => f.length >= 4).map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) })),
    groups: (await lines("/etc/group")).filter((f) => f.length >= 3).map((f) => ({ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? "").split(",").filter(Boolean) })),
  };
}

/** getpwnam(), then a numeric uid as id.c's parse_user_spec() takes it */
function findUser(db: Db, spec: string): User | undefined {
  return db.users.find((u) => u.name === spec) ?? (/^\+?\d+$/.test(spec) ? db.users.find((u) => u.uid === Number(spec)) : undefined);
}

/** getgrouplist(): the primary group, then the groups listing the user as a member */
function groupList(db: Db, u: User): number[] {
  const out = [u.gid];
  for (const g of db.groups) if (g.members.includes(u.name) && !out.includes(g.gid)) out.push(g.gid);
  return out;
}

/** a group's name, or its number when the database has none (print_group()) */
const groupName = (db: Db, gid: number): string => db.groups.find((g) => g.gid === gid)?.name ?? String(gid);
const userName = (db: Db, uid: number): string => db.users.find((u) => u.uid === uid)?.name ?? String(uid);
/** "N(name)", or "N" alone for an id without a name */
const withName = (id: number, name: string) => (name === String(id) ? name : `${id}(${name})`);

/** the calling process: root, whose only group is root's */
const SELF: User = { name: "root", uid: 0, gid: 0 };

function tryHelp(p: Process, prog: string): number {
  p.stderr.write(coreutilsTryHelp(prog));
  return 1;
}

const ID_LONG: LongOpt[] = (
  [["context", "Z"], ["group", "g"], ["groups", "G"], ["name", "n"], ["real", "r"], ["user", "u"], ["zero", "z"],
    ["help", "H"], ["version", "V"]] as const
).map(([name, val]) => ({ name, hasArg: 0, val }));

/** id.c: main() */
export const id: Command = async (p) => {
  const r = getoptLong(p, p.argv, "agnruzGZ", ID_LONG, { stopAtError: true });
  let justUser = false;
  let justGroup = false;
  let justGroupList = false;
  let useName = false;
  let useReal = false;
  let zero = false;
  for (const [c] of r.opts) {
    switch (c) {
      case "?":
        return tryHelp(p, "id");
      case "H":
        p.stdout.write("Usage: id [OPTION]... [USER]...\n");
        return 0;
      case "V":
        p.stdout.write("id (GNU coreutils) 9.1\n");
        return 0;
      case "a":
        break;
      case "Z":
        p.stderr.write("id: --context (-Z) works only on an SELinux-enabled kernel\n");
        return 1;
      case "u": justUser = true; break;
      case "g": justGroup = true; break;
      case "G": justGroupList = true; break;
      case "n": useName = true; break;
      case "r": useReal = true; break;
      case "z": zero = true; break;
    }
  }
  void useReal;
  const n = (justUser ? 1 : 0) + (justGroup ? 1 : 0) + (justGroupList ? 1 : 0);
  if (n > 1) {
    p.stderr.write("id: cannot print \"only\" of more than one choice\n");
    return 1;
  }
  if (n === 0 && (useReal || useName)) {
    p.stderr.write("id: cannot print only names or real IDs in default format\n");
    return 1;
  }
  if (n === 0 && zero) {
    p.stderr.write("id: option --zero not permitted in default format\n");
    return 1;
  }
  const db = await loadDb(p);
  const users = r.args.length ? r.args : [""];
  let ok = true;
  const end = zero ? "\0" : "\n";
  for (const spec of users) {
    const u = spec === "" ? SELF : findUser(db, spec);
    if (!u) {
      p.stderr.write(`id: '${spec}': no such user\n`);
      ok = false;
      continue;
    }
    const gids = spec === "" ? [SELF.gid] : groupList(db, u);
    if (justUser) p.stdout.write((useName ? userName(db, u.uid) : String(u.uid)) + end);
    else if (justGroup) p.stdout.write((useName ? groupName(db, u.gid) : String(u.gid)) + end);
    else if (justGroupList) p.stdout.write(gids.map((g) => (useName ? groupName(db, g) : String(g))).join(zero ? "\0" : " ") + (zero ? "\0\0" : "\n"));
    else {
      const list = gids.map((g) => withName(g, groupName(db, g))).join(",");
      p.stdout.write(`uid=${withName(u.uid, userName(db, u.uid))} gid=${withName(u.gid, groupName(db, u.gid))} groups=${list}\n`);
    }
  }
  return ok ? 0 : 1;
};

/** groups.c: main() (the user's groups; with operands, "USER : GROUPS" each) */
export const groups: Command = async (p) => {
  const r = getoptLong(p, p.argv, "", [{ name: "help", hasArg: 0, val: "H" }, { name: "version", hasArg: 0, val: "V" }], { stopAtError: true });
  for (const [c] of r.opts) {
    if (c === "?") return tryHelp(p, "groups");
    if (c === "H") {
      p.stdout.write("Usage: groups [OPTION]... [USERNAME]...\n");
      return 0;
    }
    if (c === "V") {
      p.stdout.write("groups (GNU coreutils) 9.1\n");
      return 0;
    }
  }
  const db = await loadDb(p);
  if (!r.args.length) {
    p.stdout.write(groupName(db, SELF.gid) + "\n");
    return 0;
  }
  let ok = true;
  for (const spec of r.args) {
    const u = db.users.find((x) => x.name === spec);
    if (!u) {
      p.stderr.write(`groups: '${spec}': no such user\n`);
      ok = false;
      continue;
    }
    p.stdout.write(`${spec} : ${groupList(db, u).map((g) => groupName(db, g)).join(" ")}\n`);
  }
  return ok ? 0 : 1;
};

/** whoami.c: main() */
export const whoami: Command = async (p) => {
  const r = getoptLong(p, p.argv, "", [{ name: "help", hasArg: 0, val: "H" }, { name: "version", hasArg: 0, val: "V" }], { stopAtError: true });
  for (const [c] of r.opts) {
    if (c === "?") return tryHelp(p, "whoami");
    if (c === "H") {
      p.stdout.write("Usage: whoami [OPTION]...\n");
      return 0;
    }
    if (c === "V") {
      p.stdout.write("whoami (GNU coreutils) 9.1\n");
      return 0;
    }
  }
  if (r.args.length) {
    p.stderr.write(`whoami: extra operand ${quote(r.args[0]!)}\n`);
    return tryHelp(p, "whoami");
  }
  p.stdout.write(userName(await loadDb(p), SELF.uid) + "\n");
  return 0;
};

export const idCommands: CommandTable = { id, groups, whoami };
