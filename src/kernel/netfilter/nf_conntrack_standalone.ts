/**
 * net/netfilter/nf_conntrack_standalone.c + nf_log.c: /proc/sys/net/netfilter of every
 * namespace (nf_conntrack is loaded at boot on the lab machines): the conntrack counters,
 * limits and per-protocol timeouts (which the conntrack core reads), and nf_log/<pf>.
 */
import type { Net } from "../core/net_namespace.ts";
import { registerPernetOps } from "../core/net_namespace.ts";
import { procDointvec, registerNetSysctl, type CtlTable } from "../core/sysctl.ts";
import { ctNet } from "./nf_conntrack.ts";
import { NF_CT_SYSCTL_DEFAULTS } from "./nf_conntrack_defaults.ts";
import { nfLogSysctlTable } from "./nf_log.ts";
import { registerProcNetStat, NR_POSSIBLE_CPUS } from "../core/procfs.ts";

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, "0");

/**
 * ct_cpu_seq_show(): /proc/net/stat/nf_conntrack, one line per possible CPU, each with the
 * namespace's entry count (nf_conntrack_count()). The per-CPU event counters (found, insert,
 * drop, early_drop…) are not modelled: 0.
 */
function ctCpuSeqShow(net: Net): string {
  const n = ctNet(net).conns().length;
  let out = "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n";
  const z = hex8(0);
  for (let cpu = 0; cpu < NR_POSSIBLE_CPUS; cpu++) {
    out += `${hex8(n)}  ${Array(12).fill(z).join(" ")}  ${Array(4).fill(z).join(" ")}\n`;
  }
  return out;
}

/**
 * net/netfilter/nf_synproxy_core.c: synproxy_cpu_seq_show(): /proc/net/stat/synproxy (the
 * SYNPROXY target's cookie counters are not modelled: 0)
 */
function synproxyCpuSeqShow(): string {
  let out = "entries\t\tsyn_received\tcookie_invalid\tcookie_valid\tcookie_retrans\tconn_reopened\n";
  for (let cpu = 0; cpu < NR_POSSIBLE_CPUS; cpu++) out += `${Array(6).fill(hex8(0)).join("\t")}\n`;
  return out;
}


function nfConntrackPernetInit(net: Net): void {
  const c = ctNet(net);
  const table = (): CtlTable[] => NF_CT_SYSCTL_DEFAULTS.map(([name]) => {
    if (name === "nf_conntrack_count") {
      return { procname: name, mode: 0o444, read: () => `${c.conns().length}\n` };
    }
    return procDointvec(name, () => c.sysctl[name]!, (v) => {
      c.sysctl[name] = v;
    });
  });
  registerNetSysctl(net, "net/netfilter", table);
  registerNetSysctl(net, "net/netfilter/nf_log", () => nfLogSysctlTable(net));
}

let done = false;

/** module init: every namespace gets the tables (register_pernet_subsys) */
export function nfConntrackStandaloneInit(): void {
  if (done) return;
  done = true;
  registerPernetOps({ init: nfConntrackPernetInit });
  registerProcNetStat("nf_conntrack", ctCpuSeqShow);
  registerProcNetStat("synproxy", synproxyCpuSeqShow);
}
