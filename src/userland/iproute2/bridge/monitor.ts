/**
 * iproute2 6.1 bridge/monitor.c: `bridge monitor [file | link | fdb | mdb | vlan | vni | all]` —
 * a NETLINK_ROUTE socket bound to every group but RTNLGRP_TC (or to those asked for), each
 * notification printed by the printer `bridge OBJECT show` uses (print_linkinfo, print_fdb,
 * print_mdb_mon), after print_headers()'s timestamp (-t) and, with `all`, its `[LABEL]`.
 *
 * stdout is a stdio stream: print_linkinfo() and print_fdb() fflush() it, print_mdb_mon() does
 * not, so an mdb line reaches a file only with the next link or fdb one, and a signal ending
 * the monitor loses what is still buffered. The kernel modelled here has no
 * CONFIG_BRIDGE_VLAN_FILTERING and no vxlan vnifilter, so `vlan` and `vni` hear nothing.
 */
import { rtnlMonitorOpen } from "../../lib/libnetlink.ts";
import { waitReadable } from "../../lib/unistd.ts";
import type { IpCtx } from "../../lib/context.ts";
import { PRINT_FP } from "../../lib/json_print.ts";
import { incompleteCommand, matches, printTimestamp } from "../../lib/utils.ts";
import {
  RTNLGRP_BRVLAN, RTNLGRP_LINK, RTNLGRP_MDB, RTNLGRP_NEIGH, RTNLGRP_TC, RTNLGRP_TUNNEL, type LinkMsg, type MdbMsg,
  type NeighMsg, type RtnlEvent,
} from "../../../kernel/uapi/rtnetlink.ts";
import { printFdb, printLinkinfo } from "./bridge.ts";
import { printMdbMon } from "./mdb.ts";

function usage(ctx: IpCtx): never {
  ctx.err("Usage: bridge monitor [file | link | fdb | mdb | vlan | vni | all]\n");
  return ctx.exit(-1);
}

/** accept_msg(); true when the printer fflush()es */
function acceptMsg(ctx: IpCtx, ev: RtnlEvent, headers: (label: string) => void): boolean {
  const n = ev.msg;
  switch (n.type) {
    case "RTM_NEWLINK":
    case "RTM_DELLINK": {
      const l = n as LinkMsg;
      if (!(l.ifi.family === 7 || l.ifi.family === 0)) return false;
      printLinkinfo(ctx, l, 0, headers);
      return true;
    }
    case "RTM_NEWNEIGH":
    case "RTM_DELNEIGH": {
      const m = n as NeighMsg;
      if (m.ndm.family !== 7) return false;
      printFdb(ctx, m, { index: 0, state: 0, vlan: 0, dynamic: false }, headers);
      return true;
    }
    case "RTM_NEWMDB":
    case "RTM_DELMDB":
      printMdbMon(ctx, n as MdbMsg, headers);
      return false;
    default:
      return false;
  }
}

/** do_monitor() */
export async function doMonitor(ctx: IpCtx, argv: string[]): Promise<number> {
  let file: string | undefined;
  let allGroups = true;
  let llink = false;
  let lneigh = false;
  let lmdb = false;
  let lvlan = false;
  let lvni = false;
  let prefixBanner = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!matches(a, "file")) {
      if (++i >= argv.length) incompleteCommand(ctx);
      file = argv[i]!;
    } else if (!matches(a, "link")) {
      llink = true;
      allGroups = false;
    } else if (!matches(a, "fdb")) {
      lneigh = true;
      allGroups = false;
    } else if (!matches(a, "mdb")) {
      lmdb = true;
      allGroups = false;
    } else if (!matches(a, "vlan")) {
      lvlan = true;
      allGroups = false;
    } else if (a === "vni") {
      lvni = true;
      allGroups = false;
    } else if (a === "all") {
      allGroups = true;
      lvlan = true;
      lvni = true;
      prefixBanner = true;
    } else if (!matches(a, "help")) usage(ctx);
    else {
      ctx.err('Argument "%s" is unknown, try "bridge monitor help".\n', a);
      ctx.exit(-1);
    }
  }

  // groups = ~RTMGRP_TC: the 32 groups of the bind() mask but TC
  const groups: number[] = [];
  if (allGroups) for (let g = 1; g <= 32; g++) if (g !== RTNLGRP_TC) groups.push(g);
  if (llink) groups.push(RTNLGRP_LINK);
  if (lneigh) groups.push(RTNLGRP_NEIGH);
  if (lmdb) groups.push(RTNLGRP_MDB);

  const l = await rtnlMonitorOpen(ctx, "bridge monitor", file, groups);
  if (typeof l === "number") return l;
  if (lvlan) l.addGroup(RTNLGRP_BRVLAN);
  if (lvni) l.addGroup(RTNLGRP_TUNNEL);
  ctx.ll.llInitMap();
  // the earlier output of bridge(8) is written before the stream is the monitor's
  ctx.flush();

  /* print_headers() */
  const headers = (label: string): void => {
    if (ctx.timestamp) printTimestamp(ctx);
    if (prefixBanner) ctx.printString(PRINT_FP, null, "%s", label);
  };

  const p = ctx.p;
  try {
    // rtnl_listen() until a signal ends it
    for (;;) {
      for (let ev = l.read(); ev; ev = l.read()) {
        if (acceptMsg(ctx, ev, headers)) ctx.flush();
      }
      if (p.signal.aborted) break;
      await waitReadable(p, l);
    }
  } finally {
    l.close();
  }
  // killed: what stdio still holds is lost
  ctx.takeOutput();
  return 0;
}
