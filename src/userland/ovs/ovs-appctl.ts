/**
 * utilities/ovs-appctl.c talking to ovs-vswitchd's unixctl server, for the commands of
 * ofproto-dpif.c it models: fdb/show BRIDGE, fdb/flush [BRIDGE], version. A server-side error
 * is printed to stderr followed by "ovs-appctl: ovs-vswitchd: server returned an error", exit 2.
 */
import type { Process } from "../process.ts";
import { isKErr } from "../../kernel/uapi/errno.ts";
import { OFPP_LOCAL } from "../../kernel/uapi/openvswitch.ts";

const PROG = "ovs-appctl";
const TARGET = "ovs-vswitchd";

function serverError(p: Process, msg: string): number {
  p.stderr.write(`${msg}\n`);
  p.stderr.write(`${PROG}: ${TARGET}: server returned an error\n`);
  return 2;
}

export async function ovsAppctl(p: Process): Promise<number> {
  const args = p.argv.slice(1);
  let i = 0;
  for (; i < args.length && args[i]!.startsWith("-"); i++) {
    const a = args[i]!;
    if (a === "-t" || a === "--target" || a === "-T" || a === "--timeout") i++;
    else if (!/^--(target|timeout)=/.test(a)) {
      p.stderr.write(`${PROG}: unrecognized option '${a}'\n`);
      return 1;
    }
  }
  const cmd = args[i];
  const rest = args.slice(i + 1);
  if (cmd === undefined) {
    p.stderr.write(`${PROG}: at least one non-option argument is required (use --help for help)\n`);
    return 1;
  }
  switch (cmd) {
    case "version":
      p.stdout.write("ovs-vswitchd (Open vSwitch) 3.1.0\n");
      return 0;
    case "fdb/show": {
      if (rest.length !== 1) return serverError(p, `"fdb/show" command requires at least 1 arguments`);
      const r = p.sys.ioctl({ request: "OVS_FDB_SHOW", bridge: rest[0] });
      if (isKErr(r)) return serverError(p, "no such bridge");
      let out = " port  VLAN  MAC                Age\n";
      for (const e of r.entries as { port: number; vlan: number; mac: string; age: number }[]) {
        const name = e.port === OFPP_LOCAL ? "LOCAL" : String(e.port);
        out += `${name.padStart(5)}  ${String(e.vlan).padStart(4)}  ${e.mac}  ${String(e.age).padStart(3)}\n`;
      }
      p.stdout.write(out);
      return 0;
    }
    case "fdb/flush": {
      const r = p.sys.ioctl({ request: "OVS_FDB_FLUSH", bridge: rest[0] });
      if (isKErr(r)) return serverError(p, "no such bridge");
      p.stdout.write("table successfully flushed\n");
      return 0;
    }
    default:
      return serverError(p, `"${cmd}" is not a valid command (use "list-commands" to see a list of valid commands)`);
  }
}
