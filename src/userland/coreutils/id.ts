/**
 * GNU coreutils 9.1 id, groups and whoami (src/id.c, src/groups.c, src/whoami.c) for the
 * emulated machines' one user: every process runs as root (uid 0, gid 0, no supplementary
 * groups), the only account the user database holds.
 */
import type { Command, CommandTable, Process } from "../process.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";

/** the password and group databases: root alone */
const USERS = [{ name: "root", uid: 0, gid: 0 }];
const GROUPS = [{ name: "root", gid: 0 }];

/** getpwnam(), then a numeric uid as id.c's parse_user_spec() takes it */
function findUser(spec: string): (typeof USERS)[number] | undefined {
  return USERS.find((u) => u.name === spec) ?? (/^\+?\d+$/.test(spec) ? USERS.find((u) => u.uid === Number(spec)) : undefined);
}

const groupName = (gid: number): string => GROUPS.find((g) => g.gid === gid)?.name ?? String(gid);
const userName = (uid: number): string => USERS.find((u) => u.uid === uid)?.name ?? String(uid);

function tryHelp(p: Process, prog: string): number {
  p.stderr.write(`Try '${prog} --help' for more information.\n`);
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
  const users = r.args.length ? r.args : [""];
  let ok = true;
  const end = zero ? "\0" : "\n";
  for (const spec of users) {
    const u = spec === "" ? USERS[0]! : findUser(spec);
    if (!u) {
      p.stderr.write(`id: '${spec}': no such user\n`);
      ok = false;
      continue;
    }
    if (justUser) p.stdout.write((useName ? userName(u.uid) : String(u.uid)) + end);
    else if (justGroup) p.stdout.write((useName ? groupName(u.gid) : String(u.gid)) + end);
    else if (justGroupList) p.stdout.write((useName ? groupName(u.gid) : String(u.gid)) + (zero ? "\0\0" : "\n"));
    else p.stdout.write(`uid=${u.uid}(${userName(u.uid)}) gid=${u.gid}(${groupName(u.gid)}) groups=${u.gid}(${groupName(u.gid)})\n`);
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
  if (!r.args.length) {
    p.stdout.write(groupName(USERS[0]!.gid) + "\n");
    return 0;
  }
  let ok = true;
  for (const spec of r.args) {
    const u = USERS.find((x) => x.name === spec);
    if (!u) {
      p.stderr.write(`groups: '${spec}': no such user\n`);
      ok = false;
      continue;
    }
    p.stdout.write(`${spec} : ${groupName(u.gid)}\n`);
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
    p.stderr.write(`whoami: extra operand '${r.args[0]}'\n`);
    return tryHelp(p, "whoami");
  }
  p.stdout.write(userName(0) + "\n");
  return 0;
};

export const idCommands: CommandTable = { id, groups, whoami };
