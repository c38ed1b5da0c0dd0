/** iptables/xshared.c + libxtables: the error exits every iptables command shares. */
import { Exit } from "../process.ts";

/** enum xtables_exittype */
export const OTHER_PROBLEM = 1;
export const PARAMETER_PROBLEM = 2;
export const VERSION_PROBLEM = 3;
export const RESOURCE_PROBLEM = 4;

export const IPTABLES_VERSION = "1.8.9";
export const IPTABLES_VARIANT = "nf_tables";

/** thrown by xtablesError(); the command's main renders it */
export class XtablesError extends Error {
  constructor(public readonly status: number, public readonly text: string) {
    super(text);
  }
}

/** libxtables: xtables_error() -> xtables_exit_error() */
export function xtablesError(status: number, msg: string): never {
  throw new XtablesError(status, msg);
}

/** render an XtablesError as iptables-nft does (prefix, message, try-help for parameter problems) */
export function renderXtablesError(prog: string, e: XtablesError, err: { write(s: string): void }): number {
  let s = `${prog} v${IPTABLES_VERSION} (${IPTABLES_VARIANT}): ${e.text}\n`;
  if (e.status === PARAMETER_PROBLEM) s += `Try \`${prog} -h' or '${prog} --help' for more information.\n`;
  err.write(s);
  return e.status;
}

export { Exit };
