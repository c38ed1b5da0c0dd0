/**
 * ip/ip.c: the `ip` front end — global options, the ordered object table (its order defines
 * the abbreviations: `ip a` is address, `ip r` route, `ip n` neighbor, `ip l` link), usage.
 */
import { doIptunnel } from "./iptunnel.ts";
import { doIptuntap } from "./iptuntap.ts";
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import { AF_BRIDGE, AF_INET, AF_INET6, AF_PACKET, AF_UNSPEC } from "../../kernel/uapi/rtnetlink.ts";
import { isKErr, strerror } from "../../kernel/uapi/errno.ts";
import { IpCtx } from "../lib/context.ts";
import { matchesColorOpt } from "../lib/json_print.ts";
import { AF_MPLS, getUnsigned, invarg, matches, readFamily } from "../lib/utils.ts";
import { doIpaddr } from "./ipaddress.ts";
import { doIplink } from "./iplink.ts";
import { doIproute } from "./iproute.ts";
import { doIpneigh } from "./ipneigh.ts";
import { doNetns } from "./ipnetns.ts";
import { doIprule } from "./iprule.ts";
import { doMultiaddr } from "./ipmaddr.ts";
import { doIpnetconf } from "./ipnetconf.ts";
import { doIpaddrlabel } from "./ipaddrlabel.ts";
import { doIptoken } from "./iptoken.ts";
import { doIpnh } from "./ipnexthop.ts";
import { doIpntable } from "./ipntable.ts";
import { doIpmonitor } from "./ipmonitor.ts";
import { doMultiroute } from "./ipmroute.ts";
import { doIpstats } from "./ipstats.ts";

export const VERSION = "6.1.0";

/** ip/ip.c: usage() */
export function ipUsage(ctx: IpCtx): never {
  ctx.err(
    "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n" +
      "       ip [ -force ] -batch filename\n" +
      "where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |\n" +
      "                   link | macsec | maddress | monitor | mptcp | mroute | mrule |\n" +
      "                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n" +
      "                   ntbl | route | rule | sr | tap | tcpmetrics |\n" +
      "                   token | tunnel | tuntap | vrf | xfrm }\n" +
      "       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n" +
      "                    -h[uman-readable] | -iec | -j[son] | -p[retty] |\n" +
      "                    -f[amily] { inet | inet6 | mpls | bridge | link } |\n" +
      "                    -4 | -6 | -M | -B | -0 |\n" +
      "                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |\n" +
      "                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |\n" +
      "                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |\n" +
      "                    -c[olor]}\n",
  );
  return ctx.exit(-1);
}

type IpCmd = (ctx: IpCtx, argv: string[]) => Promise<number> | number;

/** objects this port does not model: the real table keeps them so abbreviations resolve alike */
function notModelled(name: string): IpCmd {
  return (ctx) => {
    ctx.err("ip %s: not supported by this emulator\n", name);
    return -1;
  };
}

/**
 * ip/ipxfrm.c: do_xfrm(): anything but an object (state/sa, policy, monitor) is usage();
 * the objects' commands need the kernel's xfrm, which is not modelled
 */
function doXfrm(ctx: IpCtx, argv: string[]): number {
  const a = argv[0];
  if (a !== undefined && (a === "state" || a === "sa" || !matches(a, "policy") || !matches(a, "monitor"))) return notModelled("xfrm")(ctx, argv) as number;
  ctx.err("Usage: ip xfrm XFRM-OBJECT { COMMAND | help }\nwhere  XFRM-OBJECT := state | policy | monitor\n");
  return ctx.exit(-1);
}

/** ip/ip.c: cmds[] */
const cmds: [string, IpCmd][] = [
  ["address", doIpaddr],
  ["addrlabel", doIpaddrlabel],
  ["maddress", doMultiaddr],
  ["route", doIproute],
  ["rule", doIprule],
  ["neighbor", doIpneigh],
  ["neighbour", doIpneigh],
  ["ntable", doIpntable],
  ["ntbl", doIpntable],
  ["link", doIplink],
  ["l2tp", notModelled("l2tp")],
  ["fou", notModelled("fou")],
  ["ila", notModelled("ila")],
  ["macsec", notModelled("macsec")],
  ["tunnel", doIptunnel],
  ["tunl", doIptunnel],
  ["tuntap", doIptuntap],
  ["tap", doIptuntap],
  ["token", doIptoken],
  ["tcpmetrics", notModelled("tcpmetrics")],
  ["tcp_metrics", notModelled("tcp_metrics")],
  ["monitor", doIpmonitor],
  ["xfrm", doXfrm],
  ["mroute", doMultiroute],
  ["mrule", notModelled("mrule")],
  ["netns", doNetns],
  ["netconf", doIpnetconf],
  ["vrf", notModelled("vrf")],
  ["sr", notModelled("sr")],
  ["nexthop", doIpnh],
  ["mptcp", notModelled("mptcp")],
  ["ioam", notModelled("ioam")],
  ["help", (ctx) => ipUsage(ctx)],
  ["stats", doIpstats],
];

/** ip/ip.c: do_cmd() */
async function doCmd(ctx: IpCtx, argv0: string, argv: string[], final: boolean): Promise<number> {
  for (let i = 0; i < cmds.length; i++) {
    const name = cmds[i]![0];
    const func = cmds[i]![1];
    if (matches(argv0, name)) continue;
    // iproute2 reads its names databases on first use (rtnl_*_initialize()); `ip netns` uses
    // none, so neither reads them nor reports them corrupt (and `ip netns exec` in a loop
    // is spared six file reads)
    if (func !== doNetns) await ctx.names.load();
    return -(await func(ctx, argv.slice(1)));
  }
  if (final) ctx.err('Object "%s" is unknown, try "ip help".\n', argv0);
  return 1;
}

/** ip/ip.c: main() */
async function ipMain(ctx: IpCtx, argvIn: string[]): Promise<number> {
  let argv = argvIn;
  const a0 = argv[0] ?? "ip";
  const basename = a0.slice(a0.lastIndexOf("/") + 1);
  let argc = argv.length;
  let batchFile: string | undefined;
  /* CONF_COLOR: Debian's iproute2 is built with color off unless asked for */
  let color: "always" | "auto" | "never" = "never";
  while (argc > 1) {
    let opt = argv[1]!;
    if (opt === "--") {
      argc--;
      argv = argv.slice(1);
      break;
    }
    if (opt[0] !== "-") break;
    if (opt[1] === "-") opt = opt.slice(1);
    if (!matches(opt, "-loops")) {
      argc--;
      argv = argv.slice(1);
      if (argc <= 1) ipUsage(ctx);
      ctx.maxFlushLoops = parseInt(argv[1]!, 10) || 0;
    } else if (!matches(opt, "-family")) {
      argc--;
      argv = argv.slice(1);
      if (argc <= 1) ipUsage(ctx);
      if (argv[1] === "help") ipUsage(ctx);
      else ctx.preferredFamily = readFamily(argv[1]!);
      if (ctx.preferredFamily === AF_UNSPEC) invarg(ctx, "invalid protocol family", argv[1]!);
    } else if (opt === "-4") ctx.preferredFamily = AF_INET;
    else if (opt === "-6") ctx.preferredFamily = AF_INET6;
    else if (opt === "-0") ctx.preferredFamily = AF_PACKET;
    else if (opt === "-M") ctx.preferredFamily = AF_MPLS;
    else if (opt === "-B") ctx.preferredFamily = AF_BRIDGE;
    else if (!matches(opt, "-human") || !matches(opt, "-human-readable")) ++ctx.humanReadable;
    else if (!matches(opt, "-iec")) ++ctx.useIec;
    else if (!matches(opt, "-stats") || !matches(opt, "-statistics")) ++ctx.showStats;
    else if (!matches(opt, "-details")) ++ctx.showDetails;
    else if (!matches(opt, "-resolve")) ++ctx.resolveHosts;
    else if (!matches(opt, "-oneline")) ++ctx.oneline;
    else if (!matches(opt, "-timestamp")) ++ctx.timestamp;
    else if (!matches(opt, "-tshort")) {
      ++ctx.timestamp;
      ctx.timestampShort = true;
    }
    else if (!matches(opt, "-Version")) {
      ctx.printf("ip utility, iproute2-%s, libbpf 1.1.2\n", VERSION);
      return 0;
    } else if (!matches(opt, "-force")) ++ctx.force;
    else if (!matches(opt, "-batch")) {
      argc--;
      argv = argv.slice(1);
      if (argc <= 1) ipUsage(ctx);
      batchFile = argv[1]!;
    } else if (!matches(opt, "-brief")) ++ctx.brief;
    else if (!matches(opt, "-json")) ++ctx.json;
    else if (!matches(opt, "-pretty")) ++ctx.pretty;
    else if (!matches(opt, "-rcvbuf")) {
      argc--;
      argv = argv.slice(1);
      if (argc <= 1) ipUsage(ctx);
      if (getUnsigned(argv[1], 0) === undefined) {
        ctx.err("Invalid rcvbuf size '%s'\n", argv[1]);
        ctx.exit(-1);
      }
    } else if (matchesColorOpt(opt)) {
      color = matchesColorOpt(opt)!;
    } else if (!matches(opt, "-help")) ipUsage(ctx);
    else if (!matches(opt, "-netns")) {
      // NEXT_ARG() counts argv[0] too: with nothing after -netns it goes on with argv[1]
      // NULL, which netns_switch() prints (and opens) as "(null)"
      argv = argv.slice(1);
      if (--argc <= 0) {
        ctx.err('Command line is not complete. Try option "help"\n');
        ctx.exit(-1);
      }
      if (netnsSwitch(ctx, argv[1] ?? "(null)")) ctx.exit(-1);
    } else if (!matches(opt, "-Numeric")) ++ctx.numeric;
    else if (!matches(opt, "-all")) ctx.doAll = true;
    else if (opt === "-echo") ++ctx.echoRequest;
    else {
      ctx.err('Option "%s" is unknown, try "ip -help".\n', opt);
      ctx.exit(-1);
    }
    argc--;
    argv = argv.slice(1);
  }
  ctx.SL = ctx.oneline ? "\\" : "\n";
  ctx.checkEnableColor(color, ctx.json > 0, ctx.p.isatty, ctx.p.env["COLORFGBG"]);
  if (batchFile !== undefined) return batch(ctx, batchFile);
  if (basename.length > 2 && basename.startsWith("ip")) {
    const ret = await doCmd(ctx, basename.slice(2), argv, false);
    if (ret !== 1) return ret;
  }
  if (argc > 1) return doCmd(ctx, argv[1]!, argv.slice(1), true);
  return ipUsage(ctx);
}

/** lib/utils.c: getcmdline() over a whole text: [line number, command line] */
function getcmdlines(ctx: IpCtx, text: string): [number, string][] {
  const raw = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out: [number, string][] = [];
  let no = 0;
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!;
    no++;
    const hash = line.indexOf("#");
    if (hash >= 0) line = line.slice(0, hash);
    while (line.includes("\\\n")) {
      if (i + 1 >= raw.length) {
        ctx.err("Missing continuation line\n");
        return out;
      }
      let l1 = raw[++i]!;
      no++;
      const h1 = l1.indexOf("#");
      if (h1 >= 0) l1 = l1.slice(0, h1);
      line = line.slice(0, line.indexOf("\\\n")) + l1;
    }
    out.push([no, line]);
  }
  return out;
}

/** lib/utils.c: makeargs() */
function makeargs(ctx: IpCtx, line: string): string[] {
  const ws = " \t\r\n";
  const argv: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && ws.includes(line[i]!)) i++;
    if (i >= line.length) break;
    if (argv.length >= 100 - 1) {
      ctx.err("Too many arguments to command\n");
      ctx.exit(1);
    }
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) {
        ctx.err("Unterminated quoted string\n");
        ctx.exit(1);
      }
      argv.push(line.slice(i + 1, end));
      i = end + 1;
    } else {
      let j = i;
      while (j < line.length && !ws.includes(line[j]!)) j++;
      argv.push(line.slice(i, j));
      i = j + 1;
    }
  }
  return argv;
}

/** ip/ip.c: batch() with ip_batch_cmd() */
function batch(ctx: IpCtx, name: string): Promise<number> {
  const origFamily = ctx.preferredFamily;
  return doBatch(ctx, name, (argv) => {
    ctx.preferredFamily = origFamily;
    return doCmd(ctx, argv[0]!, argv, true);
  });
}

/** lib/utils.c: do_batch(): each line of the file (`-`: stdin) run by `cmd`, stopping at the
 * first that fails unless -force */
export async function doBatch(ctx: IpCtx, name: string, cmd: (argv: string[]) => Promise<number>): Promise<number> {
  ctx.batchMode = 1;
  let text: string | undefined;
  if (name === "-") text = ctx.p.stdin;
  else {
    text = await ctx.p.readFile(name);
    if (text === undefined) {
      ctx.err('Cannot open file "%s" for reading: %s\n', name, "No such file or directory");
      return 1;
    }
  }
  let ret = 0;
  for (const [no, line] of getcmdlines(ctx, text)) {
    const largv = makeargs(ctx, line);
    if (!largv.length) continue;
    if (await cmd(largv)) {
      ctx.err("Command failed %s:%d\n", name, no);
      ret = 1;
      if (!ctx.force) break;
    }
  }
  return ret;
}

/** lib/namespace.c: netns_switch(): 0, or -1 after printing the error */
export function netnsSwitch(ctx: IpCtx, name: string): number {
  // open("/run/netns/NAME") of a directory ("", ".", "..") succeeds; setns() refuses it
  const parts: string[] = ["run", "netns"];
  for (const seg of name.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== "" && seg !== ".") parts.push(seg);
  }
  const path = parts.join("/");
  if (path === "" || path === "run" || path === "run/netns") {
    ctx.err('setting the network namespace "%s" failed: %s\n', name, strerror("EINVAL"));
    return -1;
  }
  const r = ctx.sys.netnsEnter(name);
  if (isKErr(r)) {
    ctx.err('Cannot open network namespace "%s": %s\n', name, strerror(r.errno));
    return -1;
  }
  ctx.switchNetns(r);
  return 0;
}

/** run an iproute2 main with exit handling and stdout buffering */
export async function runTool(p: Process, main: (ctx: IpCtx, argv: string[]) => Promise<number>, prog: string): Promise<number> {
  const ctx = new IpCtx(p, prog);
  let code: number;
  try {
    code = (await main(ctx, p.argv)) & 0xff;
  } catch (e) {
    if (e instanceof Exit) code = e.code & 0xff;
    else {
      ctx.flush();
      throw e;
    }
  }
  ctx.flush();
  return code;
}

/** the `ip` command */
export function ip(p: Process): Promise<number> {
  return runTool(p, ipMain, "ip");
}
