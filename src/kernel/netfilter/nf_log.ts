/**
 * net/netfilter/nf_log.c: the loggers of each protocol family and the one a namespace has
 * bound to it. The lab machines load nf_log_syslog (the LOG target's loggers for IPv4, ARP,
 * netdev, bridge and IPv6, each bound in every new namespace) and nfnetlink_log (the ULOG
 * logger of every family; libpcap's nflog device binds it for AF_INET). Shown by
 * /proc/net/netfilter/nf_log and set by net.netfilter.nf_log.<pf>.
 */
import { NetGeneric, type Net } from "../core/net_namespace.ts";
import { kerr, type KErr } from "../uapi/errno.ts";
import type { CtlTable } from "../core/sysctl.ts";

/** NFPROTO_NUMPROTO */
const NFPROTO_NUMPROTO = 11;
/** loggers[pf][NF_LOG_TYPE_LOG], as nf_log_syslog registers them */
const LOG_LOGGERS: (string | undefined)[] = [undefined, undefined, "nf_log_ipv4", "nf_log_arp", undefined, "nf_log_netdev", undefined, "nf_log_bridge", undefined, undefined, "nf_log_ipv6"];
/** loggers[pf][NF_LOG_TYPE_ULOG]: nfnetlink_log registers for NFPROTO_UNSPEC, i.e. all */
const ULOG_LOGGER = "nfnetlink_log";

const bound = new NetGeneric<(string | undefined)[]>();
/** net->nf.nf_loggers: nf_log_syslog's pernet init binds its loggers (nf_log_set) */
function boundOf(net: Net): (string | undefined)[] {
  let b = bound.get(net);
  if (!b) bound.set(net, (b = LOG_LOGGERS.slice()));
  return b;
}

/** nf_log_bind_pf() / nf_log_unbind_pf() */
export function nfLogBindPf(net: Net, pf: number, name: string | undefined): void {
  if (pf >= 0 && pf < NFPROTO_NUMPROTO) boundOf(net)[pf] = name;
}

/** __find_logger(): a logger registered for pf, by name regardless of case */
function findLogger(pf: number, name: string): string | undefined {
  for (const l of [LOG_LOGGERS[pf], ULOG_LOGGER]) if (l && l.toLowerCase() === name.toLowerCase()) return l;
  return undefined;
}

/** nf_log.c: seq_show() — the bound logger, then the registered ones */
export function nfLogSeqShow(net: Net): string {
  const b = boundOf(net);
  let out = "";
  for (let pf = 0; pf < NFPROTO_NUMPROTO; pf++) {
    const regs = [LOG_LOGGERS[pf], ULOG_LOGGER].filter((x): x is string => x !== undefined);
    out += `${String(pf).padStart(2)} ${b[pf] ?? "NONE"} (${regs.join(",")})\n`;
  }
  return out;
}

/** nf_log_sysctl_table: net.netfilter.nf_log.<pf> (nf_log_proc_dostring) */
export function nfLogSysctlTable(net: Net): CtlTable[] {
  const b = boundOf(net);
  return Array.from({ length: NFPROTO_NUMPROTO }, (_, pf) => ({
    procname: String(pf),
    mode: 0o644,
    read: () => `${b[pf] ?? "NONE"}\n`,
    write: (data: string): KErr | undefined => {
      // proc_dostring(): up to the first newline, at most NFLOGGER_NAME_LEN - 1 bytes
      const v = data.split("\n")[0]!.slice(0, 63);
      if (v === "NONE") {
        b[pf] = undefined;
        return undefined;
      }
      const l = findLogger(pf, v);
      if (!l) return kerr("ENOENT");
      b[pf] = l;
      return undefined;
    },
  }));
}
