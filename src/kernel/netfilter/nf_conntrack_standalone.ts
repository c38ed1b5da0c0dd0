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
}
