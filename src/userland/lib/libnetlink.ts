/**
 * lib/libnetlink.c: talking to rtnetlink, and how its errors reach the user:
 * an extack message becomes "Error: <msg>." (or "Warning: <msg>." on success), a bare errno
 * becomes "RTNETLINK answers: <strerror>".
 */
import type { IpCtx } from "./context.ts";
import type { NlAck, RtnlListener, RtnlMsg } from "../../kernel/uapi/rtnetlink.ts";
import { strerror, errnoNumbers, type Errno, type KErr } from "../../kernel/uapi/errno.ts";

/** lib/libnetlink.c: print_ext_ack_msg() */
function printExtAckMsg(ctx: IpCtx, isErr: boolean, msg: string): void {
  ctx.err("%s: %s%s\n", isErr ? "Error" : "Warning", msg, msg.endsWith(".") ? "" : ".");
}

/** lib/libnetlink.c: nl_dump_ext_ack(): 1 when an error message was printed */
export function nlDumpExtAck(ctx: IpCtx, ack: NlAck): number {
  const msg = ack.ok ? ack.warning : ack.extack;
  if (msg !== undefined && msg !== "") {
    printExtAckMsg(ctx, !ack.ok, msg);
    return ack.ok ? 0 : 1;
  }
  return 0;
}

/** lib/libnetlink.c: rtnl_talk_error() */
function rtnlTalkError(ctx: IpCtx, ack: NlAck & { ok: false }): void {
  if (nlDumpExtAck(ctx, ack)) return;
  ctx.err("RTNETLINK answers: %s\n", strerror(ack.errno));
}

export interface TalkResult {
  /** 0 or -1 as rtnl_talk() returns */
  ret: number;
  errno?: Errno;
  answer?: RtnlMsg;
}

/** lib/libnetlink.c: rtnl_talk() — errors are printed here; `suppress` is rtnl_talk_suppress_rtnl_errmsg() */
export function rtnlTalk(ctx: IpCtx, req: RtnlMsg, suppress = false): TalkResult {
  const { ack, answer } = ctx.rtnl.talk(req);
  if (!ack.ok) {
    if (!suppress) rtnlTalkError(ctx, ack);
    return { ret: -1, errno: ack.errno };
  }
  nlDumpExtAck(ctx, ack);
  return answer ? { ret: 0, answer } : { ret: 0 };
}

/** rtnl_*dump_req() + rtnl_dump_filter(): the dump's messages */
export function rtnlDump(ctx: IpCtx, req: RtnlMsg): RtnlMsg[] {
  return ctx.rtnl.dump(req);
}

/**
 * A dump the kernel ended with an error (netlink_dump_done() with a negative status and maybe
 * an extack). PROPOSED uapi addition: `Rtnetlink.dump()` may return its array with an
 * `error` property `{errno, extack?}`; a kernel that never sets it is unaffected.
 */
export type DumpResult = RtnlMsg[] & { error?: KErr };

/** lib/libnetlink.c: rtnl_dump_done() for an error status: prints as iproute2 does */
function rtnlDumpDone(ctx: IpCtx, e: KErr): void {
  if (e.extack !== undefined && e.extack !== "") {
    ctx.err("Error: %s%s\n", e.extack, e.extack.endsWith(".") ? "" : ".");
    return;
  }
  switch (e.errno) {
    case "ENOENT":
    case "EOPNOTSUPP":
      return;
    case "EMSGSIZE":
      ctx.err("Error: Buffer too small for object.\n");
      return;
    default:
      ctx.err("RTNETLINK answers: %s\n", strerror(e.errno));
  }
}

/**
 * rtnl_dump_filter(): the messages, or undefined when the dump failed (the error is printed;
 * the caller prints "Dump terminated" and exits as its C counterpart does).
 */
export function rtnlDumpFilter(ctx: IpCtx, req: RtnlMsg): RtnlMsg[] | undefined {
  const msgs = ctx.rtnl.dump(req) as DumpResult;
  if (msgs.error) {
    rtnlDumpDone(ctx, msgs.error);
    return undefined;
  }
  return msgs;
}

export function errnoValue(e: Errno): number {
  return errnoNumbers[e];
}

/**
 * A monitor's socket (ip monitor, bridge monitor): with `file`, rtnl_from_file() of a saved
 * stream, not modelled (a missing file is fopen()'s error); else rtnl_open() bound to `groups`.
 * The listener, or the status `prog` returns with.
 */
export async function rtnlMonitorOpen(ctx: IpCtx, prog: string, file: string | undefined, groups: number[]): Promise<RtnlListener | number> {
  if (file !== undefined) {
    if ((await ctx.p.readFile(file)) === undefined) {
      ctx.err("Cannot fopen: No such file or directory\n");
      ctx.exit(-1);
    }
    ctx.err("%s file: not supported by this emulator\n", prog);
    return -1;
  }
  const rtnl = ctx.rtnl;
  if (!rtnl.listen) {
    ctx.err("Cannot open netlink socket: Protocol not supported\n");
    ctx.exit(1);
  }
  return rtnl.listen(groups);
}
