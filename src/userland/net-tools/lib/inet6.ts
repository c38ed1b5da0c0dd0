/**
 * net-tools 2.10 lib/inet6.c, the input half: INET6_input() (1: inet_pton alone; else
 * INET6_resolve(): getaddrinfo(AF_INET6), its error printed as a number) and INET6_reserror()
 * (herror(): h_errno as the process's last lookup left it).
 */
import type { Process } from "../../process.ts";
import { isKErr } from "../../../kernel/uapi/errno.ts";
import { inetPton6 } from "../../lib/utils.ts";
import { inetAton } from "../../lib/inet_addr.ts";
import { StubResolver } from "../../lib/resolv.ts";
import { HOST_NOT_FOUND, NO_DATA, NO_RECOVERY, TRY_AGAIN, herrorLine } from "./inet.ts";
import { ioctl } from "./sockets.ts";

/** where h_errno lives: the process's one (net-tools' inet Resolver keeps it too) */
export interface HErrno {
  hErrno: number;
}

/** getaddrinfo(3) error codes INET6_resolve prints as numbers */
const EAI_NONAME = -2;
const EAI_AGAIN = -3;
const EAI_NODATA = -5;
const EAI_ADDRFAMILY = -9;

/** the name lookups of one process: h_errno as glibc leaves it for herror() */
export class Inet6Names {
  constructor(
    private readonly p: Process,
    private readonly h: HErrno = { hErrno: 0 },
  ) {}

  /** lib/inet6.c: INET6_input(type, bufp): 1 is inet_pton() alone, else INET6_resolve() */
  async input(type: number, name: string): Promise<Uint8Array | undefined> {
    if (type === 1) return inetPton6(name);
    return this.resolve(name);
  }

  /** lib/inet6.c: INET6_resolve(): getaddrinfo(name, NULL, {ai_family = AF_INET6}) */
  private async resolve(name: string): Promise<Uint8Array | undefined> {
    const r = await this.getaddrinfo(name);
    if (typeof r === "number") {
      this.p.stderr.write(`getaddrinfo: ${name}: ${r}\n`);
      return undefined;
    }
    return r;
  }

  /**
   * glibc getaddrinfo() for AF_INET6 without flags: an IPv4 literal is EAI_ADDRFAMILY, an IPv6
   * one is itself; a scoped literal needs a link-local address and an interface; then
   * `hosts: files dns` — /etc/hosts' IPv6 lines, an AAAA query (a name that fails
   * check_name() is HOST_NOT_FOUND)
   */
  private async getaddrinfo(name: string): Promise<Uint8Array | number> {
    if (inetAton(name) !== undefined) return EAI_ADDRFAMILY;
    const numeric = inetPton6(name);
    if (numeric) return numeric;
    const pct = name.indexOf("%");
    if (pct >= 0) {
      const a = inetPton6(name.slice(0, pct));
      if (a) {
        const ll = a[0] === 0xfe && (a[1]! & 0xc0) === 0x80;
        const scope = name.slice(pct + 1);
        if (ll && scope !== "" && (/^\d+$/.test(scope) || !isKErr(ioctl(this.p.sys, "SIOCGIFINDEX", { ifname: scope })))) return a;
        return EAI_NONAME;
      }
    }
    const hosts = (await this.p.readFile("/etc/hosts")) ?? "";
    const want = name.toLowerCase();
    for (const raw of hosts.split("\n")) {
      const f = raw.replace(/#.*/, "").trim().split(/\s+/);
      if (f.length < 2 || !f[0]!.includes(":")) continue;
      const a = inetPton6(f[0]!);
      if (a && f.slice(1).some((n) => n.toLowerCase() === want)) return a;
    }
    // an empty name reaches no server: the dns backend leaves NO_RECOVERY
    if (name === "") {
      this.h.hErrno = NO_RECOVERY;
      return EAI_NONAME;
    }
    const r = await (await StubResolver.load(this.p)).gethostbyname6(name, true);
    if (r === "HOST_NOT_FOUND") {
      this.h.hErrno = HOST_NOT_FOUND;
      return EAI_NONAME;
    }
    if (r === "NO_DATA") {
      this.h.hErrno = NO_DATA;
      return EAI_NODATA;
    }
    this.h.hErrno = TRY_AGAIN;
    return EAI_AGAIN;
  }

  /** lib/inet6.c: INET6_reserror(): herror() */
  herror(text: string): void {
    this.p.stderr.write(herrorLine(text, this.h.hErrno));
  }
}
