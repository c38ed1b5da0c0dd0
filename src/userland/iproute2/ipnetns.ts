/**
 * ip/ipnetns.c: `ip netns` (list, add, attach, set, delete, identify, pids, exec, list-id) and
 * the nsid helpers print_linkinfo uses (`link-netns NAME`).
 */
import type { ProcProcess } from "../procps/ps.ts";
import type { IpCtx } from "../lib/context.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import { SPAWN_EACCES, SPAWN_ENOENT } from "../process.ts";
import { PRINT_ANY, PRINT_FP } from "../lib/json_print.ts";
import { duparg, getInteger, invarg, matches } from "../lib/utils.ts";

const NETNS_RUN_DIR = "/run/netns";

/** ip/ipnetns.c: get_netnsid_from_name() — RTM_GETNSID with NETNSA_FD of /run/netns/NAME */
export function getNetnsidFromName(ctx: IpCtx, name: string): number {
  const s = ctx.sys;
  if (!s.netnsId) return -1;
  if (!s.netnsExists(name)) return -1;
  return s.netnsId(name);
}

/** ip/ipnetns.c: set_netnsid_from_name() — RTM_NEWNSID; rtnl_talk() prints the kernel's
 * extack ("Error: %s.") when it has one, else "RTNETLINK answers: %s" */
export function setNetnsidFromName(ctx: IpCtx, name: string, nsid: number): number {
  const s = ctx.sys;
  if (!s.netnsSetId) return -1;
  const e = s.netnsSetId(name, nsid);
  if (e) {
    if (e.extack) ctx.err("Error: %s.\n", e.extack);
    else ctx.err("RTNETLINK answers: %s\n", strerror(e.errno));
    return -2;
  }
  return 0;
}

/** ip/ipnetns.c: get_name_from_nsid(): the map netns_map_init() fills once per process from
 * /run/netns (the first name in readdir order keeps an nsid; netns_map_add() refuses the rest) */
export function getNameFromNsid(ctx: IpCtx, nsid: number): string | undefined {
  if (nsid < 0) return undefined;
  let m = ctx.nsidNames;
  if (!m) {
    m = ctx.nsidNames = new Map();
    for (const name of ctx.sys.netnsList()) {
      const id = getNetnsidFromName(ctx, name);
      if (id >= 0 && !m.has(id)) m.set(id, name);
    }
  }
  return m.get(nsid);
}

/** ip/ipnetns.c: usage() */
function usage(ctx: IpCtx): never {
  ctx.err(
    "Usage:\tip netns list\n" +
      "\tip netns add NAME\n" +
      "\tip netns attach NAME PID\n" +
      "\tip netns set NAME NETNSID\n" +
      "\tip [-all] netns delete [NAME]\n" +
      "\tip netns identify [PID]\n" +
      "\tip netns pids NAME\n" +
      "\tip [-all] netns exec [NAME] cmd ...\n" +
      "\tip netns monitor\n" +
      "\tip netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]\n" +
      "NETNSID := auto | POSITIVE-INT\n",
  );
  return ctx.exit(-1);
}

/** ip/ipnetns.c: netns_list() */
function netnsList(ctx: IpCtx): number {
  ctx.newJsonObj(ctx.json);
  for (const name of ctx.sys.netnsList()) {
    ctx.openJsonObject(null);
    ctx.printString(PRINT_ANY, "name", "%s", name);
    const id = getNetnsidFromName(ctx, name);
    if (id >= 0) ctx.printInt(PRINT_ANY, "id", " (id: %d)", id);
    ctx.printString(PRINT_FP, null, "\n", null);
    ctx.closeJsonObject();
  }
  ctx.deleteJsonObj();
  return 0;
}

/** ip/ipnetns.c: netns_list_id() — from the names we can map (nsids of unnamed peers are not visible) */
function netnsListId(ctx: IpCtx, argvIn: string[]): number {
  let argv = argvIn;
  let targetNsid = -1;
  let nsid = -1;
  while (argv.length > 0) {
    const a = argv[0]!;
    if (a === "target-nsid") {
      if (targetNsid >= 0) duparg(ctx, "target-nsid", a);
      argv = argv.slice(1);
      const v = argv[0];
      const x = getInteger(v, 0);
      if (x === undefined) invarg(ctx, '"target-nsid" value is invalid', v ?? "");
      else if (x < 0) invarg(ctx, '"target-nsid" value should be >= 0', argv[1] ?? "");
      targetNsid = x;
    } else if (a === "nsid") {
      if (nsid >= 0) duparg(ctx, "nsid", a);
      argv = argv.slice(1);
      const v = argv[0];
      const x = getInteger(v, 0);
      if (x === undefined) invarg(ctx, '"nsid" value is invalid', v ?? "");
      else if (x < 0) invarg(ctx, '"nsid" value should be >= 0', argv[1] ?? "");
      nsid = x;
    } else usage(ctx);
    argv = argv.slice(1);
  }
  const entries: [number, string][] = [];
  for (const name of ctx.sys.netnsList()) {
    const id = getNetnsidFromName(ctx, name);
    if (id >= 0 && (nsid < 0 || id === nsid)) entries.push([id, name]);
  }
  entries.sort((x, y) => x[0] - y[0]);
  ctx.newJsonObj(ctx.json);
  for (const [id, name] of entries) {
    ctx.openJsonObject(null);
    ctx.printInt(PRINT_ANY, "nsid", "nsid %d ", id);
    ctx.printString(PRINT_ANY, "name", "(iproute2 netns name: %s)", name);
    ctx.printString(PRINT_FP, null, "\n", null);
    ctx.closeJsonObject();
  }
  ctx.deleteJsonObj();
  return 0;
}

/** lib/namespace.c: netns_switch() for a child: the Syscalls of NAME, or undefined after the error */
function nsEnter(ctx: IpCtx, name: string): Syscalls | undefined {
  const r = ctx.sys.netnsEnter(name);
  if (isKErr(r)) {
    ctx.err('Cannot open network namespace "%s": %s\n', name, strerror(r.errno));
    return undefined;
  }
  return r;
}

/** lib/exec.c: cmd_exec() — the child's exit status, or -1 when the setup failed */
async function cmdExec(ctx: IpCtx, argv: string[], nsname: string): Promise<number> {
  ctx.flush();
  const sys = nsEnter(ctx, nsname);
  if (!sys) return -1;
  // without -batch/-all ip execs the program itself; for each namespace of -all it forks
  const rc = await ctx.p.spawn(argv, sys, { exec: true, fork: ctx.doAll });
  if (rc === SPAWN_ENOENT || rc === SPAWN_EACCES) {
    // the child's execvp() failed: it prints and _exit(1)s
    ctx.err('exec of "%s" failed: %s\n', argv[0] ?? "", strerror(rc === SPAWN_ENOENT ? "ENOENT" : "EACCES"));
    return 1;
  }
  return rc;
}

/** ip/ipnetns.c: netns_exec() */
async function netnsExec(ctx: IpCtx, argv: string[]): Promise<number> {
  if (argv.length < 1 && !ctx.doAll) {
    ctx.err("No netns name specified\n");
    return -1;
  }
  if ((argv.length < 2 && !ctx.doAll) || (argv.length < 1 && ctx.doAll)) {
    ctx.err("No command specified\n");
    return -1;
  }
  if (ctx.doAll) {
    // lib/namespace.c: netns_foreach(on_netns_exec): the parent waits for each child
    for (const name of ctx.sys.netnsList()) {
      ctx.printf("\nnetns: %s\n", name);
      await cmdExec(ctx, argv, name);
    }
    return 0;
  }
  return -(await cmdExec(ctx, argv.slice(1), argv[0]!));
}

/** ip/ipnetns.c: netns_delete() / on_netns_del() */
function netnsDelete(ctx: IpCtx, argv: string[]): number {
  if (argv.length < 1 && !ctx.doAll) {
    ctx.err("No netns name specified\n");
    return -1;
  }
  const del = (name: string): number => {
    const e = ctx.sys.netnsDel(name);
    if (e) {
      ctx.err('Cannot remove namespace file "%s/%s": %s\n', NETNS_RUN_DIR, name, strerror(e.errno));
      return -1;
    }
    return 0;
  };
  if (ctx.doAll) {
    for (const name of ctx.sys.netnsList()) if (del(name)) break;
    return 0;
  }
  return del(argv[0]!);
}

/** ip/ipnetns.c: netns_add() */
function netnsAdd(ctx: IpCtx, argv: string[], create: boolean): number {
  if (create) {
    if (argv.length < 1) {
      ctx.err("No netns name specified\n");
      return -1;
    }
  } else {
    if (argv.length < 2) {
      ctx.err("No netns name and PID specified\n");
      return -1;
    }
    const pid = getInteger(argv[1], 0);
    if (pid === undefined || !pid) {
      ctx.err("Invalid PID: %s\n", argv[1]);
      return -1;
    }
    ctx.err('Cannot create namespace file "%s/%s": %s\n', NETNS_RUN_DIR, argv[0], "Operation not supported");
    return -1;
  }
  const e = ctx.sys.netnsAdd(argv[0]!);
  if (e) {
    ctx.err('Cannot create namespace file "%s/%s": %s\n', NETNS_RUN_DIR, argv[0], strerror(e.errno));
    return -1;
  }
  return 0;
}

/** ip/ipnetns.c: netns_set() */
function netnsSet(ctx: IpCtx, argv: string[]): number {
  if (argv.length < 1) {
    ctx.err("No netns name specified\n");
    return -1;
  }
  if (argv.length < 2) {
    ctx.err("No nsid specified\n");
    return -1;
  }
  const name = argv[0]!;
  let nsid: number;
  if (argv[1] === "auto") nsid = -1;
  else {
    const x = getInteger(argv[1], 0);
    if (x === undefined) invarg(ctx, 'Invalid "netnsid" value', argv[1]!);
    if (x < 0) invarg(ctx, '"netnsid" value should be >= 0', argv[1]!);
    nsid = x;
  }
  if (!ctx.sys.netnsExists(name)) {
    ctx.err('Cannot open network namespace "%s": %s\n', name, "No such file or directory");
    return -1;
  }
  return setNetnsidFromName(ctx, name, nsid);
}

/** ip/ipnetns.c: netns_identify() */
function netnsIdentify(ctx: IpCtx, argv: string[]): number {
  if (argv.length > 1) {
    ctx.err("extra arguments specified\n");
    return -1;
  }
  if (argv.length === 1) {
    if (!/^\d*$/.test(argv[0]!)) {
      ctx.err("Specified string '%s' is not a pid\n", argv[0]);
      return -1;
    }
    // netns_identify_pid(): /proc/PID/ns/net against each /run/netns entry (the last match)
    const s = argv[0] ? (ctx.p as ProcProcess).procs?.netnsOf?.(Number(argv[0])) : undefined;
    if (!s) {
      ctx.err("Cannot open network namespace: %s\n", "No such file or directory");
      return -1;
    }
    const found = s.netnsIdentify();
    ctx.printf("%s\n", found.length ? found[found.length - 1] : "");
    return 0;
  }
  const names = ctx.sys.netnsIdentify();
  ctx.printf("%s\n", names.length ? names[names.length - 1] : "");
  return 0;
}

/** ip/ipnetns.c: netns_pids() — every process whose /proc/PID/ns/net is that namespace */
function netnsPids(ctx: IpCtx, argv: string[]): number {
  if (argv.length < 1) {
    ctx.err("No netns name specified\n");
    return -1;
  }
  if (argv.length > 1) {
    ctx.err("extra arguments specified\n");
    return -1;
  }
  const ns = ctx.sys.netnsExists(argv[0]!) ? ctx.sys.netnsEnter(argv[0]!) : undefined;
  if (!ns || "errno" in ns) {
    ctx.err("Cannot open network namespace: %s\n", "No such file or directory");
    return -1;
  }
  const procs = (ctx.p as ProcProcess).procs;
  for (const pr of procs?.list() ?? []) if (procs?.netnsOf?.(pr.pid) === ns) ctx.printf("%d\n", pr.pid);
  return 0;
}

/** ip/ipnetns.c: invalid_name() */
function invalidName(name: string): boolean {
  return !name || name.length > 255 || name.includes("/") || name === "." || name === "..";
}

/** ip/ipnetns.c: do_netns() */
export async function doNetns(ctx: IpCtx, argv: string[]): Promise<number> {
  if (argv.length < 1) return netnsList(ctx);
  if (!ctx.doAll && argv.length > 1 && invalidName(argv[1]!)) {
    ctx.err('Invalid netns name "%s"\n', argv[1]);
    ctx.exit(-1);
  }
  const a = argv[0]!;
  const rest = argv.slice(1);
  if (!matches(a, "list") || !matches(a, "show") || !matches(a, "lst")) return netnsList(ctx);
  if (!matches(a, "list-id")) return netnsListId(ctx, rest);
  if (!matches(a, "help")) return usage(ctx);
  if (!matches(a, "add")) return netnsAdd(ctx, rest, true);
  if (!matches(a, "set")) return netnsSet(ctx, rest);
  if (!matches(a, "delete")) return netnsDelete(ctx, rest);
  if (!matches(a, "identify")) return netnsIdentify(ctx, rest);
  if (!matches(a, "pids")) return netnsPids(ctx, rest);
  if (!matches(a, "exec")) return netnsExec(ctx, rest);
  if (!matches(a, "monitor")) {
    ctx.err("ip netns monitor: not supported by this emulator\n");
    return -1;
  }
  if (!matches(a, "attach")) return netnsAdd(ctx, rest, false);
  ctx.err('Command "%s" is unknown, try "ip netns help".\n', a);
  return ctx.exit(-1);
}
