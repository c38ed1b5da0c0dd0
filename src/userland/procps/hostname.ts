/**
 * Debian hostname 3.23 hostname.c: show or set the system's host name (the lab machines have
 * no resolver, so the FQDN/IP lookups fail as getaddrinfo() does: EAI_AGAIN).
 */
import type { Process } from "../process.ts";
import type { AddrMsg, LinkMsg } from "../../kernel/uapi/rtnetlink.ts";
import { AF_INET, AF_INET6, AF_UNSPEC } from "../../kernel/uapi/rtnetlink.ts";
import { IFF_LOOPBACK, IFF_UP } from "../../kernel/uapi/if.ts";
import { inetNtop4, inetNtop6 } from "../lib/utils.ts";
import { getoptLong, type LongOpt } from "../net-tools/lib/util.ts";

const VERSION = "hostname 3.23";

function usage(p: Process, toStderr: boolean): number {
  const s =
    "Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n" +
    "       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name\n" +
    "       hostname                                 display host name\n" +
    "\n" +
    "       {yp,nis,}domainname {nisdomain|-F file}  set NIS domain name (from file)\n" +
    "       {yp,nis,}domainname                      display NIS domain name\n" +
    "\n" +
    "       dnsdomainname                            display dns domain name\n" +
    "\n" +
    "       hostname -V|--version|-h|--help          print info and exit\n" +
    "\n" +
    "Program name:\n" +
    "       {yp,nis,}domainname=hostname -y\n" +
    "       dnsdomainname=hostname -d\n" +
    "\n" +
    "Program options:\n" +
    "    -a, --alias            alias names\n" +
    "    -A, --all-fqdns        all long host names (FQDNs)\n" +
    "    -b, --boot             set default hostname if none available\n" +
    "    -d, --domain           DNS domain name\n" +
    "    -f, --fqdn, --long     long host name (FQDN)\n" +
    "    -F, --file             read host name or NIS domain name from given file\n" +
    "    -i, --ip-address       addresses for the host name\n" +
    "    -I, --all-ip-addresses all addresses for the host\n" +
    "    -s, --short            short host name\n" +
    "    -y, --yp, --nis        NIS/YP domain name\n" +
    "\n" +
    "Description:\n" +
    "   This command can get or set the host name or the NIS domain name. You can\n" +
    "   also get the DNS domain or the FQDN (fully qualified domain name).\n" +
    "   Unless you are using bind or NIS for host lookups you can change the\n" +
    "   FQDN (Fully Qualified Domain Name) and the DNS domain name (which is\n" +
    "   part of the FQDN) in the /etc/hosts file.\n";
  // usage(stream): exit(-1) either way
  if (toStderr) p.stderr.write(s);
  else p.stdout.write(s);
  return 255;
}

/** show_all_addrs(): getifaddrs() order — IPv4 addresses, then IPv6, of up non-loopback links */
function allIpAddresses(p: Process): string {
  const links = p.sys.rtnl.dump({
    type: "RTM_GETLINK",
    flags: {},
    ifi: { family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 },
    attrs: {},
  }) as LinkMsg[];
  const flags = new Map(links.map((l) => [l.ifi.index, l.ifi.flags]));
  let out = "";
  for (const family of [AF_INET, AF_INET6]) {
    const addrs = p.sys.rtnl.dump({
      type: "RTM_GETADDR",
      flags: {},
      ifa: { family, prefixlen: 0, flags: 0, scope: 0, index: 0 },
      attrs: {},
    }) as AddrMsg[];
    for (const a of addrs) {
      if (a.ifa.family !== family) continue;
      const fl = flags.get(a.ifa.index) ?? 0;
      if (!(fl & IFF_UP) || fl & IFF_LOOPBACK) continue;
      const addr = family === AF_INET ? a.attrs.IFA_LOCAL ?? a.attrs.IFA_ADDRESS : a.attrs.IFA_ADDRESS;
      if (!addr) continue;
      if (family === AF_INET6) {
        // IN6_IS_ADDR_LINKLOCAL / IN6_IS_ADDR_MC_LINKLOCAL
        if (addr[0] === 0xfe && (addr[1]! & 0xc0) === 0x80) continue;
        if (addr[0] === 0xff && (addr[1]! & 0x0f) === 0x02) continue;
        out += inetNtop6(addr) + " ";
      } else out += inetNtop4(addr) + " ";
    }
  }
  return out + "\n";
}

/** the `hostname` command */
export async function hostname(p: Process): Promise<number> {
  const longopts: LongOpt[] = [
    { name: "domain", hasArg: 0, val: "d" },
    { name: "boot", hasArg: 0, val: "b" },
    { name: "file", hasArg: 1, val: "F" },
    { name: "fqdn", hasArg: 0, val: "f" },
    { name: "all-fqdns", hasArg: 0, val: "A" },
    { name: "help", hasArg: 0, val: "h" },
    { name: "long", hasArg: 0, val: "f" },
    { name: "short", hasArg: 0, val: "s" },
    { name: "version", hasArg: 0, val: "V" },
    { name: "verbose", hasArg: 0, val: "v" },
    { name: "alias", hasArg: 0, val: "a" },
    { name: "ip-address", hasArg: 0, val: "i" },
    { name: "all-ip-addresses", hasArg: 0, val: "I" },
    { name: "nis", hasArg: 0, val: "y" },
    { name: "yp", hasArg: 0, val: "y" },
  ];
  const { opts, args } = getoptLong(p, ["hostname", ...p.argv.slice(1)], "aAdfbF:h?iIsVyv", longopts, { stopAtError: true, stopAt: "Vh" });
  let what: string | undefined;
  let file: string | undefined;
  for (const [c, arg] of opts) {
    switch (c) {
      case "a":
      case "A":
      case "d":
      case "f":
      case "i":
      case "I":
      case "s":
      case "y":
        what = c;
        break;
      case "b":
      case "v":
        break;
      case "F":
        file = arg;
        break;
      case "V":
        p.stdout.write(`${VERSION}\n`);
        return 0;
      case "h":
      default:
        return usage(p, false);
    }
  }
  if (args.length > 1) return usage(p, true);
  if (file !== undefined || args.length > 0) {
    if (what !== undefined && file === undefined) return usage(p, true);
    let name: string | undefined = args[0];
    if (file !== undefined) {
      const text = await p.readFile(file);
      if (text === undefined) {
        p.stderr.write("hostname: No such file or directory\n");
        return 1;
      }
      name = text.split("\n").map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#"));
      if (name === undefined) return 0;
    }
    const n = name!;
    if (n.length > 64) {
      p.stderr.write("hostname: name too long\n");
      return 1;
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(n) || n.endsWith("-") || n.includes("..")) {
      p.stderr.write("hostname: the specified hostname is invalid\n");
      return 1;
    }
    p.sys.sethostname(n);
    return 0;
  }
  const host = p.sys.hostname();
  switch (what) {
    case undefined:
      p.stdout.write(`${host}\n`);
      return 0;
    case "s": {
      const dot = host.indexOf(".");
      p.stdout.write(`${dot >= 0 ? host.slice(0, dot) : host}\n`);
      return 0;
    }
    case "I":
      p.stdout.write(allIpAddresses(p));
      return 0;
    case "y":
      // getdomainname() is "(none)": hostname prints its complaint on stdout
      p.stdout.write("hostname: Local domain name not set\n");
      return 1;
    case "A":
      p.stdout.write("\n");
      return 0;
    default:
      // getaddrinfo(host, AI_CANONNAME) without a resolver
      p.stderr.write("hostname: Temporary failure in name resolution\n");
      return 1;
  }
}
