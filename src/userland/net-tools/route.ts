/** net-tools 2.10 route.c: show and manipulate the IPv4 routing table (main). */
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import { afOptName, aftransKnown, aftransLongNames, aftransOpt, printAflist } from "./lib/af.ts";
import { Resolver } from "./lib/inet.ts";
import { routeInfo } from "./lib/inet_gr.ts";
import { RTACTION_ADD, RTACTION_DEL, RTACTION_FLUSH, RTACTION_HELP, RTACTION_SHOW, routeEdit } from "./lib/inet_sr.ts";
import {
  E_OPTERR, E_USAGE, E_VERSION, features, FLAG_CACHE, FLAG_EXT, FLAG_FIB, FLAG_NUM, FLAG_SYM, FLAG_VERBOSE, RELEASE,
  getoptLong, type LongOpt,
} from "./lib/util.ts";

const DFLT_AF = "inet";

/** route.c: usage() */
function usage(p: Process, rc: number): never {
  const s =
    "Usage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables\n" +
    "       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF.\n\n" +
    "       route {-h|--help} [<AF>]              Detailed usage syntax for specified AF.\n" +
    "       route {-V|--version}                  Display version/author and exit.\n\n" +
    "        -v, --verbose            be verbose\n" +
    "        -n, --numeric            don't resolve names\n" +
    "        -e, --extend             display other/more information\n" +
    "        -F, --fib                display Forwarding Information Base (default)\n" +
    "        -C, --cache              display routing cache instead of FIB\n\n" +
    `  <AF>=Use -4, -6, '-A <af>' or '--<af>'; default: ${DFLT_AF}\n` +
    "  List of possible address families (which support routing):\n";
  if (rc) p.stderr.write(s);
  else p.stdout.write(s);
  printAflist(p, 1);
  throw new Exit(rc);
}

async function routeMain(p: Process): Promise<number> {
  let optN = 0;
  let optV = 0;
  let optE = 1;
  let optFc = 0;
  let optH = 0;
  let afname = "";
  let what = 0;
  const longopts: LongOpt[] = [
    ...aftransLongNames.map((name) => ({ name, hasArg: 0 as const, val: `\u0001${name}` })),
    { name: "extend", hasArg: 0, val: "e" },
    { name: "verbose", hasArg: 0, val: "v" },
    { name: "version", hasArg: 0, val: "V" },
    { name: "numeric", hasArg: 0, val: "n" },
    { name: "symbolic", hasArg: 0, val: "N" },
    { name: "protocol", hasArg: 1, val: "A" },
    { name: "cache", hasArg: 0, val: "C" },
    { name: "fib", hasArg: 0, val: "F" },
    { name: "help", hasArg: 0, val: "h" },
  ];
  // getopts and -net wont work :-/
  const argv = p.argv.map((a) => (a === "-net" || a === "-host" ? "#" + a.slice(1) : a));
  const { opts, args } = getoptLong(p, argv, "A:eCFhnN64Vv?", longopts, {
    stopAt: "V",
    // main() acts on -A as getopt_long() returns it: an unknown family exits there
    stopIf: (c, arg) => { const n = afOptName(c, arg); return n !== undefined && !aftransKnown(n); },
  });
  const af = (name: string): void => {
    const r = aftransOpt(p, afname, name);
    if (r === undefined) throw new Exit(1);
    afname = r;
  };
  for (const [c, optarg] of opts) {
    if (c.startsWith("\u0001")) {
      af(c.slice(1));
      continue;
    }
    switch (c) {
      case "n":
        optN |= FLAG_NUM;
        break;
      case "N":
        optN |= FLAG_SYM;
        break;
      case "v":
        optV |= FLAG_VERBOSE;
        break;
      case "e":
        optE++;
        break;
      case "C":
        optFc |= FLAG_CACHE;
        break;
      case "F":
        optFc |= FLAG_FIB;
        break;
      case "A":
        af(optarg ?? "");
        break;
      case "6":
        af("inet6");
        break;
      case "4":
        af("inet");
        break;
      case "V":
        p.stdout.write(`${RELEASE}\n${features("route")}\n`);
        return E_VERSION;
      case "h":
      case "?":
        optH++;
        break;
      default:
        usage(p, E_OPTERR);
    }
  }
  if (optH) {
    if (!afname) usage(p, E_USAGE);
    what = RTACTION_HELP;
  } else {
    if (!afname) afname = DFLT_AF;
    if (args[0] === undefined) what = RTACTION_SHOW;
    else if (args[0] === "add") what = RTACTION_ADD;
    else if (args[0] === "del" || args[0] === "delete") what = RTACTION_DEL;
    else if (args[0] === "flush") what = RTACTION_FLUSH;
    else usage(p, E_OPTERR);
  }
  let options = (optE & FLAG_EXT) | optN | optFc | optV;
  if (!optFc) options |= FLAG_FIB;
  const res = await Resolver.load(p);
  if (what === RTACTION_SHOW) return routeInfo(p, res, afname, options);
  return routeEdit(p, res, what, afname, options, args.slice(1));
}

/** the `route` command */
export async function route(p: Process): Promise<number> {
  try {
    return (await routeMain(p)) & 0xff;
  } catch (e) {
    if (e instanceof Exit) return e.code & 0xff;
    throw e;
  }
}
