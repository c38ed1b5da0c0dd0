/**
 * ebtables 1.8.9 (nf_tables), as Debian 12 ships it: iptables/xtables-eb.c do_commandeb()
 * (its getopt_long loop, the order of its checks, the commands), nft-bridge.c (rule listing,
 * MAC names), the extensions of ext.ts, libxtables getethertype.c. The kernel side is
 * kernel/netfilter/ebtables.ts, reached with EBT_SO_GET_ENTRIES / EBT_SO_SET_ENTRIES: the
 * tool edits a copy of the table and writes it back whole, as ebtables-nft commits one batch;
 * the kernel's checks give the nft errors ("RULE_APPEND failed (Invalid argument)").
 */
import type { Process } from "../process.ts";
import { isKErr, strerror, type Errno } from "../../kernel/uapi/errno.ts";
import {
  EBT_802_3, EBT_DESTMAC, EBT_IDEST, EBT_IIN, EBT_ILOGICALIN, EBT_ILOGICALOUT, EBT_IOUT, EBT_IPROTO, EBT_ISOURCE,
  EBT_NOPROTO, EBT_SOURCEMAC, type EbtChain, type EbtEntry, type EbtMatch, type EbtTableInfo, type EbtTargetExt,
} from "../../kernel/uapi/ebtables.ts";
import { ethertypeByName, ethertypeByNumber } from "./ethertypes.ts";
import { EbGetopt, type EbOption } from "./getopt.ts";
import { EbError, EXTENSIONS, parseMacAndMask, printMacAndMask, extByName, PARAMETER_PROBLEM, STANDARD_TARGETS, strtoul, xtError, type Extension } from "./ext.ts";

const PROG = "ebtables";
const VERSION = "1.8.9";
const OTHER_PROBLEM = 1;
const VERSION_PROBLEM = 3;
const RESOURCE_PROBLEM = 4;

/** the libiptc-style errors ebtables-nft prints as "ebtables: <msg>" (nft_strerror) */
function nftError(msg: string): never {
  throw new EbError(OTHER_PROBLEM, msg, true);
}

/** nft_table_builtin_find(): the bridge tables ebtables-nft 1.8.9 knows */
const BUILTIN_TABLES = ["filter", "nat"];

/** NF_BR_* hooks of ebt_get_current_chain() */
const NF_BR_PRE_ROUTING = 0;
const NF_BR_LOCAL_IN = 1;
const NF_BR_FORWARD = 2;
const NF_BR_LOCAL_OUT = 3;
const NF_BR_POST_ROUTING = 4;
const NF_BR_BROUTING = 5;
const NF_BR_NUMHOOKS = 6;

function ebtGetCurrentChain(chain: string | undefined): number {
  if (chain === undefined) return -1;
  const i = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"].indexOf(chain);
  return i < 0 ? NF_BR_NUMHOOKS : [NF_BR_PRE_ROUTING, NF_BR_LOCAL_IN, NF_BR_FORWARD, NF_BR_LOCAL_OUT, NF_BR_POST_ROUTING][i]!;
}

/** the flags of do_commandeb() (xshared.h OPT_*, nft-bridge.h LIST_*) */
const OPT_COMMAND = 0x01;
const LIST_N = 0x04;
const LIST_C = 0x08;
const LIST_X = 0x10;
const LIST_MAC2 = 0x20;
const OPT_ZERO = 0x100;
const OPT_VERBOSE = 1 << 9;
const OPT_PROTOCOL = 1 << 10;
const OPT_SOURCE = 1 << 11;
const OPT_DESTINATION = 1 << 12;
const OPT_JUMP = 1 << 13;
const OPT_VIANAMEIN = 1 << 14;
const OPT_VIANAMEOUT = 1 << 15;
const OPT_LOGICALIN = 1 << 16;
const OPT_LOGICALOUT = 1 << 17;
const OPT_COUNTERS = 1 << 18;

/** a match or watcher of the rule being built (cs->match_list) */
interface MatchNode {
  ext: Extension<any>;
  data: any;
  st: { flags: number };
}

/** what the command line asks for */
interface Cmd {
  command: string;
  chain?: string;
  newName?: string;
  policy?: string;
  ruleNum: number;
  ruleEnd: number;
  table: string;
  flags: number;
  entry: EbtEntry;
  jumpto: string;
  target?: MatchNode;
  matchList: MatchNode[];
  /** -N and -X run while parsing (queued into the batch) */
  queued: ({ op: "N"; chain: string } | { op: "X"; chain?: string } | { op: "init" })[];
}

function emptyEntry(): EbtEntry {
  return {
    bitmask: EBT_NOPROTO, invflags: 0, ethproto: 0, in: "", logicalIn: "", out: "", logicalOut: "",
    sourcemac: [0, 0, 0, 0, 0, 0], sourcemsk: [0, 0, 0, 0, 0, 0], destmac: [0, 0, 0, 0, 0, 0], destmsk: [0, 0, 0, 0, 0, 0],
    matches: [], target: "CONTINUE", pcnt: 0, bcnt: 0,
  };
}

/** ebt_original_options, then each loaded extension's options */
function buildOptions(): EbOption[] {
  const o: [string, 0 | 1 | 2, string | number][] = [
    ["append", 1, "A"], ["insert", 1, "I"], ["delete", 1, "D"], ["list", 2, "L"], ["Lc", 0, 4], ["Ln", 0, 5],
    ["Lx", 0, 6], ["Lmac2", 0, 12], ["zero", 2, "Z"], ["flush", 2, "F"], ["policy", 1, "P"], ["in-interface", 1, "i"],
    ["in-if", 1, "i"], ["logical-in", 1, 2], ["logical-out", 1, 3], ["out-interface", 1, "o"], ["out-if", 1, "o"],
    ["version", 0, "V"], ["verbose", 0, "v"], ["help", 0, "h"], ["jump", 1, "j"], ["set-counters", 1, "c"],
    ["change-counters", 1, "C"], ["proto", 1, "p"], ["protocol", 1, "p"], ["db", 1, "b"], ["source", 1, "s"],
    ["src", 1, "s"], ["destination", 1, "d"], ["dst", 1, "d"], ["table", 1, "t"], ["modprobe", 1, "M"],
    ["new-chain", 1, "N"], ["rename-chain", 1, "E"], ["delete-chain", 2, "X"], ["init-table", 0, 11],
    ["concurrent", 0, 13], ["check", 1, 14],
  ];
  const opts: EbOption[] = o.map(([name, hasArg, val]) => ({ name, hasArg, val }));
  for (const e of EXTENSIONS) for (const x of e.opts) opts.push({ name: x.name, hasArg: x.hasArg, val: `${e.name}:${x.code}` });
  return opts;
}

const EBT_OPTSTRING = "A:C:D:E:F::I:L::M:N:P:VX::Z::c:d:i:j:o:p:s:t:hv";

/** xtables_strtoui(s, NULL, &v, min, max) */
function strtouiFull(s: string, min: number, max: number): number | undefined {
  if (/^\s*-/.test(s)) return undefined;
  const [v, end] = strtoul(s, 0);
  if (end === 0 || end !== s.length) return undefined;
  if (v < BigInt(min) || v > BigInt(max)) return undefined;
  return Number(v);
}

/** strtol(s, &end, 10) with *end == '\0' */
function strtol10(s: string): number | undefined {
  const [v, end] = strtoul(s, 10);
  if (end !== s.length || end === 0) return undefined;
  const n = v >= 1n << 63n ? v - (1n << 64n) : v;
  return Number(BigInt.asIntN(32, n));
}

/** parse_rule_range(); the text cut at its colon, as the C code leaves argv */
function parseRuleRange(arg: string): { nr: number; end: number } | { bad: string } {
  const colon = arg.indexOf(":");
  let nr = 0;
  let end = 0;
  const head = colon >= 0 ? arg.slice(0, colon) : arg;
  if (colon >= 0) {
    const tail = arg.slice(colon + 1);
    if (tail === "") end = -1;
    else {
      const v = strtol10(tail);
      if (v === undefined || v === 0) return { bad: head };
      end = v;
    }
  }
  if (colon === 0) nr = 1;
  else {
    const v = strtol10(head);
    if (v === undefined || v === 0) return { bad: head };
    nr = v;
  }
  if (colon < 0) end = nr;
  return { nr, end };
}

/** strtoull(s, &end, 10) with *end == '\0' */
function counterValue(s: string): number | undefined {
  const [v, end] = strtoul(s, 10);
  if (end !== s.length) return undefined;
  return Number(v);
}

/** xtables_parse_interface() + ebtables_parse_interface() */
function parseInterface(arg: string): string {
  if (arg.length + 1 > 16) xtError(PARAMETER_PROBLEM, `interface name \`${arg}' must be shorter than IFNAMSIZ (15)`);
  const c = arg.indexOf("+");
  if (c >= 0 && c + 1 < arg.length) xtError(PARAMETER_PROBLEM, "Spurious characters after '+' wildcard");
  return arg;
}

/** the -p argument */
function parseProto(e: EbtEntry, val: string): void {
  e.bitmask &= ~EBT_NOPROTO;
  const [v, end] = strtoul(val, 16);
  if (end === val.length && end > 0) {
    const i = BigInt.asIntN(32, v >= 1n << 63n ? v - (1n << 64n) : v);
    if (i < 0n || i > 0xffffn) xtError(PARAMETER_PROBLEM, "Problem with the specified protocol");
    e.ethproto = Number(i);
  } else {
    if (val.toLowerCase() === "length") {
      e.bitmask |= EBT_802_3;
      return;
    }
    const n = ethertypeByName(val);
    if (n === undefined) xtError(PARAMETER_PROBLEM, `Problem with the specified Ethernet protocol '${val}', perhaps /etc/ethertypes is missing`);
    e.ethproto = n;
  }
  if (e.ethproto < 0x0600) xtError(PARAMETER_PROBLEM, "Sorry, protocols have values above or equal to 0x0600");
}

class Exit {
  constructor(public readonly status: number) {}
}

/** do_commandeb()'s option loop and final checks */
function parseArgs(p: Process, argv: string[], files: Map<string, string>): Cmd {
  const o: Cmd = {
    command: "h", table: "filter", flags: 0, entry: emptyEntry(), jumpto: "", matchList: [], queued: [],
    ruleNum: 0, ruleEnd: 0,
  };
  const g = new EbGetopt(argv, EBT_OPTSTRING, buildOptions());
  const argc = argv.length;
  let invert = false;
  let tableSet = false;
  let selectedChain = -1;
  let optarg: string | undefined;
  const OPT_COMMANDS = () => (o.flags & OPT_COMMAND) !== 0 || (o.flags & OPT_ZERO) !== 0;
  const checkOption = (mask: number) => {
    if (o.flags & mask) xtError(PARAMETER_PROBLEM, "Multiple use of same option not allowed");
    o.flags |= mask;
  };
  /** ebt_check_inverse2() */
  const checkInverse = (): boolean => {
    if (optarg === undefined) return invert;
    if (optarg === "!") {
      if (invert) xtError(PARAMETER_PROBLEM, "Double use of '!' not allowed");
      optarg = g.optind >= argc ? undefined : argv[g.optind];
      g.optind++;
      invert = true;
      return true;
    }
    return invert;
  };
  const arg = (): string => {
    // the C code hands a NULL optarg on (and crashes); no such input is modelled
    if (optarg === undefined) xtError(PARAMETER_PROBLEM, "Unknown argument: '(null)'");
    return optarg;
  };
  for (;;) {
    const c = g.next();
    if (c === -1) break;
    optarg = g.optarg;
    let doneInvert = true;
    switch (c) {
      case "A":
      case "D":
      case "C":
      case "P":
      case "I":
      case "N":
      case "E":
      case "X":
      case 14: {
        if (o.command === "N" && c === "P") {
          o.command = "P";
          g.optind--;
          handleP();
          break;
        }
        if (OPT_COMMANDS()) xtError(PARAMETER_PROBLEM, "Multiple commands are not allowed");
        o.command = String(c);
        if (optarg !== undefined && (optarg[0] === "-" || optarg === "!")) xtError(PARAMETER_PROBLEM, "No chain name specified");
        o.chain = optarg;
        selectedChain = ebtGetCurrentChain(o.chain);
        o.flags |= OPT_COMMAND;
        if (c === "N") {
          o.queued.push({ op: "N", chain: o.chain! });
          break;
        }
        if (c === "X") {
          if (o.chain === undefined && g.optind < argc && argv[g.optind]![0] !== "-") o.chain = argv[g.optind++];
          o.queued.push({ op: "X", chain: o.chain });
          break;
        }
        if (c === "E") {
          const n = argv[g.optind];
          if (g.optind >= argc) xtError(PARAMETER_PROBLEM, "No new chain name specified");
          else if (g.optind < argc - 1) xtError(PARAMETER_PROBLEM, "No extra options allowed with -E");
          else if (n!.length >= 256) xtError(PARAMETER_PROBLEM, "Chain name length can't exceed 255 characters");
          else if (n!.includes(" ")) xtError(PARAMETER_PROBLEM, "Use of ' ' not allowed in chain names");
          o.newName = n;
          g.optind++;
          break;
        }
        const next = argv[g.optind];
        const digitDash = (a: string) => a[0] !== "-" || (a[1] !== undefined && a[1] >= "0" && a[1] <= "9");
        if (c === "D" && g.optind < argc && digitDash(next!)) {
          if (g.optind !== argc - 1) xtError(PARAMETER_PROBLEM, "No extra options allowed with -D start_nr[:end_nr]");
          const r = parseRuleRange(next!);
          if ("bad" in r) xtError(PARAMETER_PROBLEM, `Problem with the specified rule number(s) '${r.bad}'`);
          o.ruleNum = r.nr;
          o.ruleEnd = r.end;
          g.optind++;
        } else if (c === "C") {
          parseChangeCounters();
        } else if (c === "I") {
          if (g.optind >= argc || (next![0] === "-" && !(next![1] !== undefined && next![1] >= "0" && next![1] <= "9"))) o.ruleNum = 1;
          else {
            const n = strtouiFull(next!, 1, 0x7fffffff);
            if (n === undefined) xtError(PARAMETER_PROBLEM, `Invalid rule number \`${next}'`);
            o.ruleNum = n;
            g.optind++;
          }
        } else if (c === "P") handleP();
        break;
      }
      case "L":
      case "F":
      case "Z":
        if (c === "Z") {
          if (o.flags & OPT_ZERO || (o.flags & OPT_COMMAND && o.command !== "L"))
            xtError(PARAMETER_PROBLEM, "Command -Z only allowed together with command -L");
          o.flags |= OPT_ZERO;
        } else {
          if (o.flags & OPT_COMMAND) xtError(PARAMETER_PROBLEM, "Multiple commands are not allowed");
          o.command = c;
          o.flags |= OPT_COMMAND;
          if (o.flags & OPT_ZERO && c !== "L") xtError(PARAMETER_PROBLEM, "Command -Z only allowed together with command -L");
        }
        if (g.optind < argc && argv[g.optind]![0] !== "-") o.chain = argv[g.optind++];
        break;
      case "v":
        o.flags |= OPT_VERBOSE;
        break;
      case "V":
        if (OPT_COMMANDS()) xtError(PARAMETER_PROBLEM, "Multiple commands are not allowed");
        p.stdout.write(`${PROG} ${VERSION} (nf_tables)\n`);
        throw new Exit(0);
      case "h":
        if (OPT_COMMANDS()) xtError(PARAMETER_PROBLEM, "Multiple commands are not allowed");
        o.command = "h";
        // the other arguments name target extensions; only the unknown ones are modelled (their
        // help texts are not: ebtables 1.8.9's `-h mark` aborts on a double free anyway)
        while (g.optind < argc) {
          const n = argv[g.optind]!;
          if (!["ACCEPT", "DROP", "RETURN", "CONTINUE", ""].includes(n) && !EXTENSIONS.some((e) => e.kind === "target" && e.name === n))
            xtError(PARAMETER_PROBLEM, `Extension '${n}' not found`);
          g.optind++;
        }
        break;
      case "t":
        if (tableSet) xtError(PARAMETER_PROBLEM, "Multiple use of same option not allowed");
        if (!BUILTIN_TABLES.includes(arg())) xtError(VERSION_PROBLEM, `table '${optarg}' does not exist`);
        o.table = optarg!;
        tableSet = true;
        break;
      case "i":
      case 2:
      case "o":
      case 3:
      case "j":
      case "p":
      case "s":
      case "d":
      case "c": {
        if (!OPT_COMMANDS()) xtError(PARAMETER_PROBLEM, "No command specified");
        if (!["A", "D", "I", "C", "14"].includes(o.command)) xtError(PARAMETER_PROBLEM, "Command and option do not match");
        const e = o.entry;
        if (c === "i" || c === 2) {
          checkOption(c === "i" ? OPT_VIANAMEIN : OPT_LOGICALIN);
          if (selectedChain > 2 && selectedChain < NF_BR_BROUTING)
            xtError(PARAMETER_PROBLEM, `Use ${c === "i" ? "-i" : "--logical-in"} only in INPUT, FORWARD, PREROUTING and BROUTING chains`);
          const inv = checkInverse();
          if (c === "i") {
            if (inv) e.invflags |= EBT_IIN;
            e.in = parseInterface(arg());
          } else {
            if (inv) e.invflags |= EBT_ILOGICALIN;
            e.logicalIn = parseInterface(arg());
          }
        } else if (c === "o" || c === 3) {
          checkOption(c === "o" ? OPT_VIANAMEOUT : OPT_LOGICALOUT);
          if (selectedChain < 2 || selectedChain === NF_BR_BROUTING)
            xtError(PARAMETER_PROBLEM, `Use ${c === "o" ? "-o" : "--logical-out"} only in OUTPUT, FORWARD and POSTROUTING chains`);
          const inv = checkInverse();
          if (c === "o") {
            if (inv) e.invflags |= EBT_IOUT;
            e.out = parseInterface(arg());
          } else {
            if (inv) e.invflags |= EBT_ILOGICALOUT;
            e.logicalOut = parseInterface(arg());
          }
        } else if (c === "j") {
          checkOption(OPT_JUMP);
          const t = arg();
          if (t !== "CONTINUE") commandJump(t);
        } else if (c === "s" || c === "d") {
          checkOption(c === "s" ? OPT_SOURCE : OPT_DESTINATION);
          const inv = checkInverse();
          const r = parseMacAndMask(arg());
          if (c === "s") {
            if (inv) e.invflags |= EBT_ISOURCE;
            if ("bad" in r) xtError(PARAMETER_PROBLEM, `Problem with specified source mac '${r.bad}'`);
            [e.sourcemac, e.sourcemsk] = r;
            e.bitmask |= EBT_SOURCEMAC;
          } else {
            if (inv) e.invflags |= EBT_IDEST;
            if ("bad" in r) xtError(PARAMETER_PROBLEM, `Problem with specified destination mac '${r.bad}'`);
            [e.destmac, e.destmsk] = r;
            e.bitmask |= EBT_DESTMAC;
          }
        } else if (c === "c") {
          checkOption(OPT_COUNTERS);
          if (checkInverse()) xtError(PARAMETER_PROBLEM, "Unexpected '!' after -c");
          const a = arg();
          if (g.optind >= argc || a[0] === "-" || argv[g.optind]![0] === "-") xtError(PARAMETER_PROBLEM, "Option -c needs 2 arguments");
          const pc = counterValue(a);
          if (pc === undefined) xtError(PARAMETER_PROBLEM, `Packet counter '${a}' invalid`);
          const bc = counterValue(argv[g.optind]!);
          if (bc === undefined) xtError(PARAMETER_PROBLEM, `Packet counter '${argv[g.optind]}' invalid`);
          e.pcnt = pc;
          e.bcnt = bc;
          g.optind++;
        } else {
          checkOption(OPT_PROTOCOL);
          if (checkInverse()) e.invflags |= EBT_IPROTO;
          parseProto(e, arg());
        }
        break;
      }
      case 4:
        checkOption(LIST_C);
        if (o.command !== "L") xtError(PARAMETER_PROBLEM, "Use --Lc with -L");
        break;
      case 5:
        checkOption(LIST_N);
        if (o.command !== "L") xtError(PARAMETER_PROBLEM, "Use --Ln with -L");
        if (o.flags & LIST_X) xtError(PARAMETER_PROBLEM, "--Lx is not compatible with --Ln");
        break;
      case 6:
        checkOption(LIST_X);
        if (o.command !== "L") xtError(PARAMETER_PROBLEM, "Use --Lx with -L");
        if (o.flags & LIST_N) xtError(PARAMETER_PROBLEM, "--Lx is not compatible with --Ln");
        break;
      case 12:
        checkOption(LIST_MAC2);
        if (o.command !== "L") xtError(PARAMETER_PROBLEM, "Use --Lmac2 with -L");
        break;
      case 11:
        o.queued.push({ op: "init" });
        o.command = "init";
        return o;
      case 13:
      case "M":
        break;
      case 1:
        if (optarg === "!") checkInverse();
        else xtError(PARAMETER_PROBLEM, `Bad argument : '${optarg}'`);
        g.optind--;
        doneInvert = false;
        break;
      default: {
        const inv = checkInverse();
        if (!commandDefault(c, inv)) xtError(PARAMETER_PROBLEM, `Unknown argument: '${argv[g.optind] ?? "(null)"}'`);
        if (!["A", "I", "D", "C", "14"].includes(o.command)) xtError(PARAMETER_PROBLEM, "Extensions only for -A, -I, -D and -C");
      }
    }
    if (doneInvert) invert = false;
  }

  if (["A", "I", "D", "C", "14"].includes(o.command)) {
    for (const m of o.matchList) if (m.ext.kind === "match") m.ext.finalCheck?.(m.st.flags);
    for (const m of o.matchList) if (m.ext.kind === "target") m.ext.finalCheck?.(m.st.flags);
    if (o.target) o.target.ext.finalCheck?.(o.target.st.flags);
  }
  return o;

  function handleP(): void {
    if (g.optind >= argc) xtError(PARAMETER_PROBLEM, "No policy specified");
    const pol = argv[g.optind]!;
    const i = STANDARD_TARGETS.indexOf(pol);
    if (i < 0) xtError(PARAMETER_PROBLEM, `Unknown policy '${pol}'`);
    if (pol === "CONTINUE") xtError(PARAMETER_PROBLEM, `Wrong policy '${pol}'`);
    o.policy = pol;
    g.optind++;
  }

  /** parse_change_counters_rule() */
  function parseChangeCounters(): void {
    const at = (k: number) => argv[g.optind + k];
    if (g.optind + 1 >= argc || at(0)![0] === "-" || at(1)![0] === "-") xtError(PARAMETER_PROBLEM, "The command -C needs at least 2 arguments");
    if (g.optind + 2 < argc && (at(2)![0] !== "-" || (at(2)![1]! >= "0" && at(2)![1]! <= "9"))) {
      if (g.optind + 3 !== argc) xtError(PARAMETER_PROBLEM, "No extra options allowed with -C start_nr[:end_nr] pcnt bcnt");
      const r = parseRuleRange(at(0)!);
      if ("bad" in r) xtError(PARAMETER_PROBLEM, `Something is wrong with the rule number specification '${r.bad}'`);
      o.ruleNum = r.nr;
      o.ruleEnd = r.end;
      g.optind++;
    }
    for (let k = 0; k < 2; k++) {
      const a = at(0)!;
      const v = counterValue(a[0] === "+" || a[0] === "-" ? a.slice(1) : a);
      if (v === undefined) xtError(PARAMETER_PROBLEM, `Packet counter '${a}' invalid`);
      g.optind++;
    }
  }

  /** command_jump(): a target extension, or a chain's name */
  function commandJump(t: string): void {
    if (t.length < 1) xtError(PARAMETER_PROBLEM, "Invalid target name (too short)");
    if (t.length >= 29) xtError(PARAMETER_PROBLEM, `Invalid target name \`${t}' (28 chars max)`);
    if (/\s/.test(t)) xtError(PARAMETER_PROBLEM, `Invalid target name \`${t}'`);
    o.jumpto = t;
    const ext = EXTENSIONS.find((e) => e.kind === "target" && e.name === t);
    if (ext) o.target = { ext, data: ext.init(), st: { flags: 0 } };
  }

  /** ebt_command_default(): the extension an option belongs to parses it */
  function commandDefault(c: string | number, inv: boolean): boolean {
    if (typeof c !== "string" || !c.includes(":")) return false;
    const k = c.indexOf(":");
    const ext = extByName(c.slice(0, k));
    const code = c.slice(k + 1);
    if (!ext) return false;
    const val = optarg ?? "";
    if (o.target && o.target.ext === ext) return ext.parse(code, val, inv, o.target.st, o.target.data, files);
    for (const m of o.matchList) if (m.ext === ext) return ext.parse(code, val, inv, m.st, m.data, files);
    // a target's option outside its target: the watchers' parse() see it first, and the
    // nflog watcher (before log in the list) refuses any '!'
    if (ext.kind === "target" && inv && ext.name === "log") xtError(PARAMETER_PROBLEM, "The use of '!' makes no sense for the nflog watcher");
    const node: MatchNode = { ext, data: ext.init(), st: { flags: 0 } };
    if (!ext.parse(code, val, inv, node.st, node.data, files)) return false;
    o.matchList.push(node);
    return true;
  }
}
/** nft-bridge.c: the rule as ebtables-nft reads it back (nft_rule_to_ebtables_command_state) and prints it */
function ruleText(e: EbtEntry, withCounters: "" | "L" | "save"): string {
  let s = "";
  const inv = (f: number) => (e.invflags & f ? "! " : "");
  if (!(e.bitmask & EBT_NOPROTO)) {
    if (e.bitmask & EBT_802_3) s += `-p ${inv(EBT_IPROTO)}Length `;
    else {
      const n = ethertypeByNumber(e.ethproto);
      s += `-p ${inv(EBT_IPROTO)}${n ?? `0x${e.ethproto.toString(16)}`} `;
    }
  }
  if (e.bitmask & EBT_SOURCEMAC) s += `-s ${inv(EBT_ISOURCE)}${printMacAndMask(e.sourcemac, e.sourcemsk)} `;
  if (e.bitmask & EBT_DESTMAC) s += `-d ${inv(EBT_IDEST)}${printMacAndMask(e.destmac, e.destmsk)} `;
  const iface = (opt: string, name: string, f: number) => (name ? `${opt}${e.invflags & f ? " !" : ""} ${name} ` : "");
  s += iface("-i", e.in, EBT_IIN);
  s += iface("--logical-in", e.logicalIn, EBT_ILOGICALIN);
  s += iface("-o", e.out, EBT_IOUT);
  s += iface("--logical-out", e.logicalOut, EBT_ILOGICALOUT);
  // parse_watcher() links each new match or watcher after the first one, dropping the one there before
  let list: EbtMatch[] = [];
  let jumpto = e.target === "CONTINUE" ? "" : e.target;
  let target: EbtMatch | undefined = e.targetInfo;
  for (const m of e.matches) {
    const x = extByName(m.name);
    if (x?.kind === "target" && !x.watcher) {
      target = m;
      if (!jumpto) jumpto = m.name;
      continue;
    }
    list = list.length === 0 ? [m] : [list[0]!, m];
  }
  for (const m of list) s += extByName(m.name)!.print(m.data);
  s += `-j ${jumpto || "CONTINUE"}`;
  if (target) s += ` ${extByName(target.name)!.print(target.data)}`;
  if (withCounters === "L") s += ` , pcnt = ${e.pcnt} -- bcnt = ${e.bcnt}`;
  else if (withCounters === "save") s += ` -c ${e.pcnt} ${e.bcnt}`;
  return s;
}

/** nft_chain_foreach() after nft_cache_sort_chains(): base chains by hook, then the others by name */
function sortedChains(t: EbtTableInfo): EbtChain[] {
  const user = t.chains.filter((c) => !isBuiltin(c)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...t.chains.filter(isBuiltin), ...user];
}

function printChain(c: EbtChain, flags: number): string {
  // (a user chain is no base chain to nftables: -L says RETURN whatever -P set, which
  // ebtables-save shows)
  let s = `Bridge chain: ${c.name}, entries: ${c.entries.length}, policy: ${isBuiltin(c) ? c.policy : "RETURN"}\n`;
  c.entries.forEach((e, k) => {
    s += `${flags & LIST_N ? `${k + 1} ` : ""}${ruleText(e, flags & LIST_C ? "L" : "")}\n`;
  });
  return s;
}

function jsonOf(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
}

/** the target a rule reads back as: -j's extension, else a target met among the matches */
function readTarget(e: EbtEntry): EbtMatch | undefined {
  return e.targetInfo ?? e.matches.find((m) => { const x = extByName(m.name); return x?.kind === "target" && !x.watcher; });
}

/**
 * nft_rule_cmp() with nft_bridge_is_same(): the protocol, inversions, MACs (not their masks)
 * and interfaces; the matches (compare_matches()); the target's data, or else the verdict.
 * The watchers are not compared.
 */
function sameEntry(a: EbtEntry, b: EbtEntry): boolean {
  const matches = (e: EbtEntry) => jsonOf(e.matches.filter((m) => extByName(m.name)?.kind === "match"));
  if (matches(a) !== matches(b)) return false;
  if (a.ethproto !== b.ethproto || a.invflags !== b.invflags) return false;
  if (jsonOf(a.sourcemac) !== jsonOf(b.sourcemac) || jsonOf(a.destmac) !== jsonOf(b.destmac)) return false;
  if (a.logicalIn !== b.logicalIn || a.logicalOut !== b.logicalOut || a.in !== b.in || a.out !== b.out) return false;
  const ta = readTarget(a);
  const tb = readTarget(b);
  if (ta || tb) {
    if (!ta || !tb || ta.name !== tb.name || jsonOf(ta.data) !== jsonOf(tb.data)) return false;
  }
  const jump = (e: EbtEntry) => (e.targetInfo ? e.target : e.target === "CONTINUE" ? (readTarget(e)?.name ?? "") : e.target);
  if ((!ta || !tb) && jump(a) !== jump(b)) return false;
  return true;
}

const HELP = `ebtables ${VERSION} (nf_tables)
Usage:
ebtables -[ADI] chain rule-specification [options]
ebtables -P chain target
ebtables -[LFZ] [chain]
ebtables -[NX] [chain]
ebtables -E old-chain-name new-chain-name

Commands:
--append -A chain             : append to chain
--delete -D chain             : delete matching rule from chain
--delete -D chain rulenum     : delete rule at position rulenum from chain
--change-counters -C chain
          [rulenum] pcnt bcnt : change counters of existing rule
--insert -I chain rulenum     : insert rule at position rulenum in chain
--list   -L [chain]           : list the rules in a chain or in all chains
--flush  -F [chain]           : delete all rules in chain or in all chains
--init-table                  : replace the kernel table with the initial table
--zero   -Z [chain]           : put counters on zero in chain or in all chains
--policy -P chain target      : change policy on chain to target
--new-chain -N chain          : create a user defined chain
--rename-chain -E old new     : rename a chain
--delete-chain -X [chain]     : delete a user defined chain
Options:
--proto  -p [!] proto         : protocol hexadecimal, by name or LENGTH
--src    -s [!] address[/mask]: source mac address
--dst    -d [!] address[/mask]: destination mac address
--in-if  -i [!] name[+]       : network input interface name
--out-if -o [!] name[+]       : network output interface name
--logical-in  [!] name[+]     : logical bridge input interface name
--logical-out [!] name[+]     : logical bridge output interface name
--set-counters -c chain
          pcnt bcnt           : set the counters of the to be added rule
--modprobe -M program         : try to insert modules using this program
--concurrent                  : use a file lock to support concurrent scripts
--verbose -v                  : verbose mode
--version -V                  : print package version

Environment variable:


`;

/** the built-in chains of a table (the kernel marks them with their hook) */
function isBuiltin(c: EbtChain): boolean {
  return c.hook !== undefined;
}

/** an nft operation's failure: "<OP> failed (<strerror>): <what>" */
function opFailed(op: string, errno: Errno, what: string): never {
  xtError(RESOURCE_PROBLEM, ` ${op} failed (${strerror(errno)}): ${what}`);
}

function readTable(p: Process, table: string): EbtTableInfo {
  const got = p.sys.ioctl({ request: "EBT_SO_GET_ENTRIES", table });
  if (isKErr(got)) xtError(VERSION_PROBLEM, `table '${table}' does not exist`);
  return got as unknown as EbtTableInfo;
}

function doCommand(p: Process, o: Cmd): number {
  const sys = p.sys;
  const t = readTable(p, o.table);
  // what is written back is the table (it exists from then on, as an nft table would)
  t.exists = true;
  const find = (n: string | undefined) => (n === undefined ? undefined : t.chains.find((c) => c.name === n));
  const commit = (op: string, what: string) => {
    const r = sys.ioctl({ request: "EBT_SO_SET_ENTRIES", replace: t });
    if (isKErr(r)) opFailed(op, r.errno, what);
  };

  // the commands queued while parsing (-N, -X, --init-table), in the batch's order
  for (const q of o.queued) {
    if (q.op === "init") {
      t.exists = false;
      const r = sys.ioctl({ request: "EBT_SO_SET_ENTRIES", replace: t });
      if (isKErr(r)) opFailed("TABLE_FLUSH", r.errno, `table ${t.name}`);
      return 0;
    }
    if (q.op === "N") {
      if (find(q.chain)) nftError("Chain already exists");
      if (STANDARD_TARGETS.includes(q.chain)) xtError(PARAMETER_PROBLEM, "Use -N to create a chain, not a target");
      t.chains.push({ name: q.chain, policy: "RETURN", entries: [] });
      if (o.command === "N") commit("CHAIN_ADD", `chain ${q.chain}`);
      continue;
    }
    const del = (c: EbtChain) => {
      t.chains = t.chains.filter((x) => x !== c);
      const r = sys.ioctl({ request: "EBT_SO_SET_ENTRIES", replace: t });
      if (isKErr(r)) opFailed("CHAIN_DEL", r.errno, `chain ${c.name}`);
    };
    if (q.chain !== undefined) {
      const c = find(q.chain);
      if (!c) nftError("No chain/target/match by that name");
      if (isBuiltin(c)) nftError("Operation not permitted");
      // nf_tables refuses to delete a chain that still has rules
      if (c.entries.length) opFailed("CHAIN_DEL", "EBUSY", `chain ${c.name}`);
      del(c);
    } else {
      for (const c of sortedChains(t).filter((x) => !isBuiltin(x))) {
        if (c.entries.length) opFailed("CHAIN_DEL", "EBUSY", `chain ${c.name}`);
        del(c);
      }
    }
  }

  if (o.command === "h" && !(o.flags & OPT_ZERO)) {
    p.stdout.write(HELP);
    return 0;
  }

  const e = o.entry;
  if (["A", "I", "D", "14"].includes(o.command)) {
    e.matches = o.matchList.map((m) => ({ name: m.ext.name, data: m.data }) as EbtMatch);
    if (o.target?.ext.watcher) {
      // a watcher given as -j: its expression follows the rule's counter, read back as a watcher
      e.matches.push({ name: o.target.ext.name, data: o.target.data } as EbtMatch);
      e.target = "CONTINUE";
    } else if (o.target) {
      e.target = o.target.ext.name;
      e.targetInfo = { name: o.target.ext.name, data: o.target.data } as EbtTargetExt;
    } else e.target = o.jumpto || "CONTINUE";
    if (o.jumpto && !o.target && !STANDARD_TARGETS.includes(o.jumpto) && !find(o.jumpto))
      xtError(PARAMETER_PROBLEM, `Chain '${o.jumpto}' does not exist`);
  }

  if (o.command === "P") {
    const c = find(o.chain);
    if (ebtGetCurrentChain(o.chain) < NF_BR_NUMHOOKS && o.policy === "RETURN")
      xtError(PARAMETER_PROBLEM, "Policy RETURN only allowed for user defined chains");
    if (!c) nftError("No chain/target/match by that name");
    if (o.policy === "RETURN" && isBuiltin(c)) xtError(PARAMETER_PROBLEM, "Policy RETURN only allowed for user defined chains");
    c.policy = o.policy!;
    commit("CHAIN_UPDATE", `chain ${c.name}`);
  } else if (o.command === "L") {
    let chains = sortedChains(t);
    if (o.chain !== undefined) {
      const c = find(o.chain);
      if (!c) xtError(OTHER_PROBLEM, `chain \`${o.chain}' in table \`${o.table}' is incompatible, use 'nft' tool.`);
      chains = [c];
    }
    let s = `Bridge table: ${o.table}\n\n`;
    s += chains.map((c) => printChain(c, o.flags)).join("\n");
    p.stdout.write(s);
  }
  if (o.flags & OPT_ZERO) {
    // nft_chain_zero_counters(): each rule whose counters are not zero is replaced by a copy
    // with zeroed counters, built from the rule as the kernel dumped it, without the protocol
    // (NFTA_RULE_COMPAT) the kernel's ip, arp and vlan matches check: those the kernel refuses
    let chains = sortedChains(t);
    if (o.chain !== undefined) {
      const c = find(o.chain);
      if (!c) nftError("No chain/target/match by that name");
      chains = [c];
    }
    const needsProto = (x: EbtEntry) => x.matches.some((m) => m.name === "ip" || m.name === "arp" || m.name === "vlan");
    for (const c of chains)
      if (c.entries.some((x) => (x.pcnt || x.bcnt) && needsProto(x))) opFailed("RULE_REPLACE", "EINVAL", `rule in chain ${c.name}`);
    for (const c of chains) for (const x of c.entries) x.pcnt = x.bcnt = 0;
    commit("RULE_REPLACE", "zero");
    return 0;
  }
  switch (o.command) {
    case "F": {
      if (o.chain !== undefined) {
        const c = find(o.chain);
        if (!c) nftError("No chain/target/match by that name");
        c.entries = [];
      } else for (const c of t.chains) c.entries = [];
      commit("RULE_DELETE", "flush");
      return 0;
    }
    case "A":
    case "I": {
      const c = find(o.chain);
      if (!c) nftError("No chain/target/match by that name");
      if (o.command === "A") c.entries.push(e);
      else {
        const n = o.ruleNum;
        if (n < 1 || n > c.entries.length + 1) nftError("Index of insertion too big");
        c.entries.splice(n - 1, 0, e);
      }
      commit(o.command === "A" ? "RULE_APPEND" : "RULE_INSERT", `rule in chain ${c.name}`);
      return 0;
    }
    case "D": {
      const c = find(o.chain);
      if (!c) nftError("No chain/target/match by that name");
      if (o.ruleNum !== 0) {
        // delete_entry(): the rule at index nr-1 of the chain as each deletion leaves it, while
        // the index stays below the range's end (a range "a:b" so takes every other rule)
        let k = o.ruleNum - 1;
        do {
          if (k < 0 || k >= c.entries.length) nftError("Index of deletion too big");
          c.entries.splice(k, 1);
          k++;
        } while (k < o.ruleEnd);
      } else {
        // the rule built to find it adds the among match's anonymous sets to the batch, which
        // the kernel refuses, found or not
        if (e.matches.some((m) => m.name === "among")) nftError("Invalid argument");
        const k = c.entries.findIndex((x) => sameEntry(x, e));
        if (k < 0) nftError("Bad rule (does a matching rule exist in that chain?)");
        c.entries.splice(k, 1);
      }
      commit("RULE_DELETE", `rule in chain ${c.name}`);
      return 0;
    }
    case "14": {
      const c = find(o.chain);
      if (!c) nftError("No chain/target/match by that name");
      if (!c.entries.some((x) => sameEntry(x, e))) nftError("Bad rule (does a matching rule exist in that chain?)");
      return 0;
    }
    case "E": {
      // the new name is looked up first: taken, it is "File exists" whatever the old one is
      if (find(o.newName)) nftError("File exists");
      const c = find(o.chain);
      if (!c || isBuiltin(c)) nftError("No chain/target/match by that name");
      for (const x of t.chains) for (const r of x.entries) if (r.target === c.name) r.target = o.newName!;
      c.name = o.newName!;
      commit("CHAIN_RENAME", `chain ${o.chain}`);
      return 0;
    }
    case "C":
      // -C is parsed but not carried out (its code is commented out in 1.8.9): the command
      // fails with the errno left by the extension loading before it
      nftError("No chain/target/match by that name");
  }
  return 0;
}

/** ebtables main() (xtables-eb-standalone.c) */
export async function ebtablesMain(p: Process): Promise<number> {
  try {
    // the files an option may name (among's lists), read before the parse as it reads them
    const files = new Map<string, string>();
    for (const a of p.argv.slice(1)) {
      const t = a.length ? await p.readFile(a) : undefined;
      if (t !== undefined) files.set(a, t);
    }
    const o = parseArgs(p, p.argv, files);
    return doCommand(p, o);
  } catch (e) {
    if (e instanceof Exit) return e.status;
    if (e instanceof EbError) {
      p.stderr.write(errorText(e));
      return e.status;
    }
    throw e;
  }
}

function errorText(e: EbError): string {
  if (e.plain) return `${PROG}: ${e.text}\n`;
  let s = `${PROG} v${VERSION} (nf_tables): ${e.text}\n`;
  if (e.status === PARAMETER_PROBLEM) s += `Try \`${PROG} -h' or '${PROG} --help' for more information.\n`;
  if (e.status === VERSION_PROBLEM) s += `Perhaps ${PROG} or your kernel needs to be upgraded.\n`;
  return s;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ctime() without the newline, UTC */
function ctime(sec: number): string {
  const d = new Date(Math.floor(sec) * 1000);
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** ebtables-save (xtables-save.c xtables_save_main() for NFPROTO_BRIDGE) */
export async function ebtablesSaveMain(p: Process): Promise<number> {
  const prog = "ebtables-save";
  const g = new EbGetopt(p.argv, "ct:M:V", [
    { name: "counters", hasArg: 0, val: "c" }, { name: "version", hasArg: 0, val: "V" },
    { name: "table", hasArg: 1, val: "t" }, { name: "modprobe", hasArg: 1, val: "M" },
  ], (msg) => p.stderr.write(`${prog}: ${msg}\n`), true);
  let counters: "" | "prefix" | "save" = "";
  let table: string | undefined;
  for (;;) {
    const c = g.next();
    if (c === -1) break;
    if (c === "c") counters = "prefix";
    else if (c === "t") table = g.optarg;
    else if (c === "M") continue;
    else if (c === "V") {
      p.stdout.write(`${prog} v${VERSION} (nf_tables)\n`);
      return 0;
    } else {
      p.stderr.write(`Look at manual page \`${prog}.8' for more information.\n`);
      return 1;
    }
  }
  if (g.operands.length) {
    p.stderr.write("Unknown arguments found on commandline\n");
    return 1;
  }
  if (counters === "" && p.env["EBTABLES_SAVE_COUNTER"] === "yes") counters = "save";
  const tables = table !== undefined ? [table] : BUILTIN_TABLES;
  if (table !== undefined && !BUILTIN_TABLES.includes(table)) {
    p.stderr.write(`Table \`${table}' does not exist\n`);
    return 1;
  }
  let out = "";
  for (const name of tables) {
    const got = p.sys.ioctl({ request: "EBT_SO_GET_ENTRIES", table: name });
    if (isKErr(got)) continue;
    const t = got as unknown as EbtTableInfo;
    if (!t.exists && table === undefined) continue;
    const when = ctime(p.sys.wallclock());
    out += `# Generated by ${prog} v${VERSION} (nf_tables) on ${when}\n*${name}\n`;
    const chains = sortedChains(t);
    // a user chain's policy as -P set it (RETURN, the one it starts with, as ACCEPT)
    for (const c of chains) out += `:${c.name} ${isBuiltin(c) || c.policy !== "RETURN" ? c.policy : "ACCEPT"}\n`;
    for (const c of chains)
      for (const e of c.entries) out += `${counters === "prefix" ? `[${e.pcnt}:${e.bcnt}] ` : ""}-A ${c.name} ${ruleText(e, counters === "save" ? "save" : "")}\n`;
    out += `# Completed on ${when}\n`;
  }
  p.stdout.write(out);
  return 0;
}
