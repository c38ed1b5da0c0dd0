/** net-tools lib/af.c: the address families of Debian's build, for the usage texts and -A. */
import type { Process } from "../../process.ts";

export interface AfType {
  name: string;
  title: string;
  af: number;
  routeable: boolean;
}

/** lib/af.c: aftypes[] in order (those compiled into Debian's net-tools 2.10) */
export const aftypes: AfType[] = [
  { name: "unix", title: "UNIX Domain", af: 1, routeable: false },
  { name: "inet", title: "DARPA Internet", af: 2, routeable: true },
  { name: "inet6", title: "IPv6", af: 10, routeable: true },
  { name: "ax25", title: "AMPR AX.25", af: 3, routeable: true },
  { name: "netrom", title: "AMPR NET/ROM", af: 6, routeable: true },
  { name: "rose", title: "AMPR ROSE", af: 11, routeable: true },
  { name: "ipx", title: "Novell IPX", af: 4, routeable: true },
  { name: "ddp", title: "Appletalk DDP", af: 5, routeable: true },
  { name: "ec", title: "Econet", af: 19, routeable: false },
  { name: "ash", title: "Ash", af: 18, routeable: false },
  { name: "x25", title: "CCITT X.25", af: 9, routeable: true },
];

/** lib/af.c: get_aftype(name); with the process, a list of names is also said to be one too many */
export function getAftype(name: string, p?: Process): AfType | undefined {
  const a = aftypes.find((x) => x.name === name);
  if (!a && p && name.includes(",")) p.stderr.write("Please don't supply more than one address family.\n");
  return a;
}

/** lib/af.c: print_aflist(type) — 0: all, 1: routeable; always to stderr */
export function printAflist(p: Process, type: number): void {
  let s = "";
  let count = 0;
  for (const a of aftypes) {
    if (type === 1 && !a.routeable) continue;
    if (count % 3 === 0) s += count ? "\n    " : "    ";
    s += `${a.name} (${a.title}) `;
    count++;
  }
  p.stderr.write(s + "\n");
}

/** lib/af.c: aftrans[] — the names -A/--<af> accept, and the family each stands for */
const aftrans: [string, string][] = [
  ["ax25", "ax25"], ["ip", "inet"], ["ip6", "inet6"], ["ipx", "ipx"], ["rose", "rose"],
  ["appletalk", "ddp"], ["netrom", "netrom"], ["inet", "inet"], ["inet6", "inet6"], ["ddp", "ddp"],
  ["unix", "unix"], ["tcpip", "inet"], ["econet", "ec"], ["x25", "x25"], ["ash", "ash"],
  ["bluetooth", "bluetooth"],
];

/** the long options every tool accepts for a family (AFTRANS_OPTS) */
export const aftransLongNames = aftrans.map((a) => a[0]);

/** would aftrans_opt() take every family of "a,b,…"? (a tool exits at one it does not) */
export function aftransKnown(arg: string): boolean {
  return arg.split(",").every((n) => aftrans.some((a) => a[0] === n));
}

/** the family an option names, for getopt_long()'s -A ARG, -4, -6 and --<af> */
export function afOptName(opt: string, arg: string | undefined): string | undefined {
  if (opt.startsWith("\u0001")) return opt.slice(1);
  if (opt === "A") return arg ?? "";
  if (opt === "4") return "inet";
  if (opt === "6") return "inet6";
  return undefined;
}

/**
 * lib/af.c: aftrans_opt() — appends each family of "a,b,…" to afname. Returns the new afname,
 * or undefined after "Unknown address family `x'." (the caller exits 1).
 */
export function aftransOpt(p: Process, afname: string, arg: string): string | undefined {
  let out = afname;
  for (const n of arg.split(",")) {
    const t = aftrans.find((a) => a[0] === n);
    if (!t) {
      p.stderr.write(`Unknown address family \`${n}'.\n`);
      return undefined;
    }
    if (t[1].length + out.length + 1 >= 256) {
      p.stderr.write("Too much address family arguments.\n");
      return out;
    }
    out = out ? `${out},${t[1]}` : t[1];
  }
  return out;
}
