/**
 * The per-run state of an iproute2 tool: what ip.c/bridge.c keep in globals (preferred_family,
 * show_stats, show_details, oneline, brief, json, numeric, …, the rtnetlink handle `rth`),
 * the ll_map cache, the rt_names databases and the json_print state. One object per process,
 * so concurrent runs (background jobs, `ip netns exec ip …`) never share state.
 */
import type { Process } from "../process.ts";
import { Exit } from "../process.ts";
import type { Syscalls } from "../../kernel/uapi/syscalls.ts";
import type { Rtnetlink } from "../../kernel/uapi/rtnetlink.ts";
import { AF_UNSPEC } from "../../kernel/uapi/rtnetlink.ts";
import { JsonPrint } from "./json_print.ts";
import { sprintf } from "./printf.ts";
import { LlMap } from "./ll_map.ts";
import { RtNames } from "./rt_names.ts";

export class IpCtx extends JsonPrint {
  preferredFamily = AF_UNSPEC;
  humanReadable = 0;
  useIec = 0;
  showStats = 0;
  showDetails = 0;
  oneline = 0;
  brief = 0;
  json = 0;
  timestamp = 0;
  /** timestamp_short: ip's -ts[hort] */
  timestampShort = false;
  echoRequest = 0;
  force = 0;
  maxFlushLoops = 10;
  batchMode = 0;
  doAll = false;
  resolveHosts = 0;
  /** rt_names.c: numeric (-N) */
  numeric = 0;
  /** bridge -c */
  compressVlans = 0;
  /** ipnetns.c: the nsid -> name map netns_map_init() builds once per process */
  nsidNames: Map<number, string> | undefined;
  readonly ll: LlMap;
  readonly names: RtNames;
  sys: Syscalls;

  constructor(
    readonly p: Process,
    readonly prog: string,
  ) {
    super();
    this.sys = p.sys;
    this.ll = new LlMap(this);
    this.names = new RtNames(this);
  }

  /** `rth`: rtnetlink of the current namespace (changes with -netns) */
  get rtnl(): Rtnetlink {
    return this.sys.rtnl;
  }

  /** stdout is flushed first, so that a terminal sees both in order */
  flush(): void {
    const s = this.takeOutput();
    if (s) this.p.stdout.write(s);
  }

  /** fprintf(stderr, …) */
  err(fmt: string, ...args: unknown[]): void {
    this.flush();
    this.p.stderr.write(args.length ? sprintf(fmt, ...args) : fmt);
  }

  /** exit(n): status as the shell sees it (exit(-1) is 255) */
  exit(code: number): never {
    throw new Exit(code & 0xff);
  }

  /** switch to another namespace's kernel (ip -n, netns_switch) */
  switchNetns(sys: Syscalls): void {
    this.sys = sys;
    this.ll.reset();
  }
}
