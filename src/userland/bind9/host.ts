/**
 * BIND 9.18 host (bin/dig/host.c): `host [-t TYPE] NAME [SERVER]` — A, AAAA and MX of a name
 * (the search list of /etc/resolv.conf applied), or the PTR of a dotted quad, one line a record
 * and one a failure.
 */
import type { Command } from "../process.ts";
import {
  RCODE_NAMES, T_A, T_AAAA, T_ANY, T_CNAME, T_MX, T_PTR, TYPE_NAMES, ipStr, parseIpv4, parseIpv6, query, resolvConf, reverseName,
  reverseName6, searchNames, serverAddress,
} from "./dnsclient.ts";

/** host.c: show_usage() */
const USAGE = `Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]
            [-R number] [-m flag] [-p port] hostname [server]
       -a is equivalent to -v -t ANY
       -A is like -a but omits RRSIG, NSEC, NSEC3
       -c specifies query class for non-IN data
       -C compares SOA records on authoritative nameservers
       -d is equivalent to -v
       -l lists all hosts in a domain, using AXFR
       -m set memory debugging flag (trace|record|usage)
       -N changes the number of dots allowed before root lookup is done
       -p specifies the port on the server to query
       -r disables recursive processing
       -R specifies number of retries for UDP packets
       -s a SERVFAIL response should stop query
       -t specifies the query type
       -T enables TCP/IP mode
       -U enables UDP mode
       -v enables verbose output
       -V print version number and exit
       -w specifies to wait forever for a reply
       -W specifies how long to wait for a reply
       -4 use IPv4 query transport only
       -6 use IPv6 query transport only
`;


export const host: Command = async (p) => {
  let types: number[] | undefined;
  let timeoutMs = 2000;
  const args: string[] = [];
  const argv = p.argv.slice(1);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-t" || a === "-W") {
      const v = argv[++i];
      if (v === undefined) {
        p.stderr.write(`host: option requires an argument -- ${a[1]}\n${USAGE}`);
        return 1;
      }
      if (a === "-W") timeoutMs = Math.max(1, Number(v) || 1) * 1000;
      else {
        const t = TYPE_NAMES[v.toUpperCase()];
        if (t === undefined) {
          // fatal(): the message, a blank line, exit 2
          p.stderr.write(`host: invalid type: ${v}\n\n`);
          return 2;
        }
        types = [t];
      }
      continue;
    }
    args.push(a);
  }
  if (!args.length) {
    p.stderr.write(USAGE);
    return 1;
  }
  const conf = await resolvConf(p);
  let server = conf.servers[0]!;
  let out = "";
  if (args[1] !== undefined) {
    const s = await serverAddress(p, args[1]);
    if (typeof s === "string") {
      p.stderr.write(`host: couldn't get address for '${args[1]}': ${s}\n`);
      return 1;
    }
    server = s;
  }
  // an explicit server is named once it answered
  let header = args[1] !== undefined ? `Using domain server:\nName: ${args[1]}\nAddress: ${ipStr(server)}#53\nAliases: \n\n` : "";
  const target = args[0]!;
  const rev4 = parseIpv4(target);
  const rev6 = rev4 === undefined ? parseIpv6(target) : undefined;
  const revName = rev4 !== undefined ? reverseName(rev4) : rev6 ? reverseName6(rev6) : undefined;
  const rev = revName !== undefined;
  let names = revName !== undefined ? [revName] : searchNames(target, conf.search, conf.ndots);
  let failed = false;
  // dighost.c: the lookup's textname — what was typed (a reverse name with its final dot), and
  // for the AAAA and MX lookups host adds after the A one, the name that answered
  let textname = revName !== undefined ? `${revName}.` : target;
  for (const type of types ?? (rev ? [T_PTR] : [T_A, T_AAAA, T_MX])) {
    let name = names[0]!;
    let r: Awaited<ReturnType<typeof query>> = "unreachable";
    for (const n of names) {
      name = n;
      r = await query(p, server, n, type, {
        timeoutMs, tries: 2, tcp: type === T_ANY,
        onTryFailed: (why) => {
          out += `;; communications error to ${ipStr(server)}#53: ${why}\n`;
        },
      });
      if (r === "unreachable" || r.rcode !== 3) break;
    }
    if (r === "unreachable") {
      out += ";; no servers could be reached\n";
      failed = true;
      break;
    }
    out += header;
    header = "";
    if (r.rcode !== 0) {
      out += `Host ${r.rcode === 3 ? textname : name} not found: ${r.rcode}(${RCODE_NAMES[r.rcode] ?? r.rcode})\n`;
      failed = true;
      // the first lookup failing ends it
      if (type === (types?.[0] ?? (rev ? T_PTR : T_A))) break;
      continue;
    }
    // the AAAA and MX lookups printmessage() adds ask for the name that answered, at the end of
    // its CNAME chain (chase_cnamechain()), as it is
    let chased = name;
    for (let i = 0; i < 16; i++) {
      const cn = r.answers.find((a) => a.type === T_CNAME && a.name.toLowerCase() === chased.toLowerCase());
      if (!cn) break;
      chased = cn.data.replace(/\.$/, "");
    }
    textname = chased;
    names = [chased];
    // -t TYPE: a lookup with no answer says so
    if (types && !r.answers.length) out += `${name} has no ${Object.keys(TYPE_NAMES).find((k) => TYPE_NAMES[k] === type) ?? `TYPE${type}`} record\n`;
    for (const a of r.answers) {
      if (a.type === T_A) out += `${a.name} has address ${a.data}\n`;
      else if (a.type === T_AAAA) out += `${a.name} has IPv6 address ${a.data}\n`;
      else if (a.type === T_MX) out += `${a.name} mail is handled by ${a.data}\n`;
      else if (a.type === T_PTR) out += `${a.name} domain name pointer ${a.data}\n`;
      else if (a.type === T_CNAME) out += `${a.name} is an alias for ${a.data}\n`;
    }
  }
  p.stdout.write(out);
  return failed ? 1 : 0;
};
