/**
 * BIND 9.18 nslookup (bin/dig/nslookup.c) in its non-interactive form: `nslookup NAME
 * [SERVER]` looks up A then AAAA (a dotted quad: its PTR), through the search list of
 * /etc/resolv.conf, and prints the server, the answers and each failure.
 */
import type { Command } from "../process.ts";
import {
  RCODE_NAMES, T_A, T_AAAA, T_ANY, T_CNAME, T_MX, T_PTR, TYPE_NAMES, ipStr, parseIpv4, parseIpv6, query, resolvConf, reverseName,
  reverseName6, searchNames, serverAddress, type Reply,
} from "./dnsclient.ts";

export const nslookup: Command = async (p) => {
  let types: number[] | undefined;
  let timeoutMs = 5000;
  let tries = 3;
  const args: string[] = [];
  for (const a of p.argv.slice(1)) {
    const m = /^-(type|query|q|ty|querytype|timeout|retry)=(.*)$/.exec(a);
    if (m) {
      if (m[1] === "timeout") timeoutMs = Math.max(1, Number(m[2]) || 0) * 1000;
      else if (m[1] === "retry") tries = Math.max(1, Number(m[2]) || 1);
      else {
        const t = TYPE_NAMES[m[2]!.toUpperCase()];
        if (t === undefined) {
          p.stdout.write(`unknown query type: ${m[2]}\n`);
          continue;
        }
        types = [t];
      }
      continue;
    }
    args.push(a);
  }
  if (!args.length) return 0; // interactive mode: stdin holds no commands here
  const conf = await resolvConf(p);
  let servers = conf.servers;
  if (args[1] !== undefined) {
    const s = await serverAddress(p, args[1]);
    if (typeof s === "string") {
      p.stderr.write(`nslookup: couldn't get address for '${args[1]}': ${s}\n`);
      return 1;
    }
    servers = [s];
  }
  const target = args[0]!;
  const rev4 = parseIpv4(target);
  const rev6 = rev4 === undefined ? parseIpv6(target) : undefined;
  let out = "";
  let failed = false;
  let header = false;
  const server = servers[0]!;
  /** one lookup of one type through the search list: the reply of the last name tried */
  const lookup = async (names: string[], type: number): Promise<{ name: string; r: Reply } | "unreachable"> => {
    let last: { name: string; r: Reply } | undefined;
    for (const n of names) {
      const r = await query(p, server, n, type, {
        timeoutMs, tries, tcp: type === T_ANY,
        onTryFailed: (why) => {
          out += `;; communications error to ${ipStr(server)}#53: ${why}\n`;
        },
      });
      if (r === "unreachable") return r;
      last = { name: n, r };
      // NXDOMAIN: the next name of the search list; anything else ends the search
      if (r.rcode !== 3) break;
    }
    return last!;
  };
  if ((rev4 !== undefined || rev6) && !types) {
    const name = rev4 !== undefined ? reverseName(rev4) : reverseName6(rev6!);
    const res = await lookup([name], T_PTR);
    if (res === "unreachable") {
      out += ";; no servers could be reached\n\n";
      p.stdout.write(out);
      return 1;
    }
    if (res.r.rcode !== 0) {
      out += `** server can't find ${name}: ${RCODE_NAMES[res.r.rcode] ?? res.r.rcode}\n`;
      failed = true;
    }
    for (const a of res.r.answers) if (a.type === T_PTR) out += `${a.name}\tname = ${a.data}\n`;
    p.stdout.write(out + "\n");
    return failed ? 1 : 0;
  }
  let names = searchNames(target, conf.search, conf.ndots);
  /** nslookup.c: printmessage()'s a_noanswer: the A lookup had no answer */
  let aNoAnswer = false;
  const defaultLookups = !types;
  for (const type of types ?? [T_A, T_AAAA]) {
    const res = await lookup(names, type);
    if (res === "unreachable") {
      out += ";; no servers could be reached\n";
      failed = true;
      break;
    }
    if (!header) {
      out += `Server:\t\t${ipStr(server)}\nAddress:\t${ipStr(server)}#53\n\n`;
      header = true;
    }
    if (res.r.rcode !== 0) {
      out += `** server can't find ${res.name}: ${RCODE_NAMES[res.r.rcode] ?? res.r.rcode}\n`;
      failed = true;
      // the name itself failing (the first lookup) ends it
      if (type === (types?.[0] ?? T_A)) break;
      continue;
    }
    // the AAAA lookup printmessage() adds asks for the name that answered, at the end of its
    // CNAME chain (chase_cnamechain()), as it is
    let chased = res.name;
    for (let i = 0; i < 16; i++) {
      const cn = res.r.answers.find((a) => a.type === T_CNAME && a.name.toLowerCase() === chased.toLowerCase());
      if (!cn) break;
      chased = cn.data.replace(/\.$/, "");
    }
    names = [chased];
    if (!res.r.aa && (!defaultLookups || type === T_A)) out += "Non-authoritative answer:\n";
    for (const a of res.r.answers) {
      if (a.type === T_A || a.type === T_AAAA) out += `Name:\t${a.name}\nAddress: ${a.data}\n`;
      else if (a.type === T_PTR) out += `${a.name}\tname = ${a.data}\n`;
      else if (a.type === T_CNAME) out += `${a.name}\tcanonical name = ${a.data}\n`;
      else if (a.type === T_MX) out += `${a.name}\tmail exchanger = ${a.data}\n`;
    }
    if (!res.r.answers.length) {
      if (defaultLookups && type === T_A) aNoAnswer = true;
      else if (!defaultLookups || (type === T_AAAA && aNoAnswer)) out += `*** Can't find ${res.name}: No answer\n`;
    }
    // (the authority and additional sections: dnsmasq sends none)
    if (!res.r.aa && type !== T_A && type !== T_AAAA) out += "\nAuthoritative answers can be found from:\n";
  }
  p.stdout.write(out + "\n");
  return failed ? 1 : 0;
};


