/**
 * labtool.py's `ip` shim (SHIM_IP): in a lab, `ip link add NAME … type KIND` for a kind whose
 * driver draws a random MAC gets `address <lab MAC>` appended to the part before `type`, and a
 * veth peer with a `name` gets `address <lab MAC>` right after `peer`. The rewritten command is
 * what the real `ip` parses, so its parse errors follow (`ip link add a type veth peer name b`:
 * "a" abbreviates `address`, and the inserted word becomes the bad lladdr).
 * Names are counted (LabMacs.commit) only once `ip` succeeded — the caller does that.
 */

const RANDOM_KINDS = new Set(["veth", "vxlan", "macvlan", "macvtap", "dummy", "geneve", "ifb", "netkit"]);

const isDigits = (s: string): boolean => /^[0-9]+$/.test(s);

/**
 * SHIM_IP main(): the argv the real ip runs. `nextMac(netns, ifname)` is the shim's next_mac()
 * (the MAC the next device of that name gets; it records the name as used); `currentNetns()` is
 * `ip netns identify` of the caller.
 */
export function labIpArgv(
  argv: string[],
  nextMac: (netns: string, ifname: string) => string,
  currentNetns: () => string,
): string[] {
  const args = argv.slice(1);
  const opts: string[] = [];
  let netns: string | undefined;
  let i = 0;
  while (i < args.length && args[i]!.startsWith("-")) {
    const a = args[i]!;
    if ((a === "-n" || a === "-netns" || a === "--netns") && i + 1 < args.length) {
      netns = args[i + 1]!;
      opts.push(a, args[i + 1]!);
      i += 2;
      continue;
    }
    if (["-b", "-batch", "-rc", "-rcvbuf", "-l", "-loops", "-c", "-color"].includes(a)) break;
    opts.push(a);
    i++;
  }
  let rest = args.slice(i);
  if (netns === undefined) netns = currentNetns();
  if (rest.length >= 2 && rest[0] !== "" && "link".startsWith(rest[0]!) && rest[1] === "add" && rest.includes("type")) {
    const t = rest.indexOf("type");
    const kind = t + 1 < rest.length ? rest[t + 1]! : "";
    let head = rest.slice(0, t);
    let tail = rest.slice(t);
    if (RANDOM_KINDS.has(kind) && !head.includes("address")) {
      let name: string | undefined;
      let ns: string | undefined = netns;
      let j = 2;
      while (j < head.length) {
        const w = head[j]!;
        if ((w === "name" || w === "dev") && j + 1 < head.length) {
          name = head[j + 1]!;
          j += 2;
          continue;
        }
        if (w === "netns" && j + 1 < head.length) {
          ns = head[j + 1]!;
          j += 2;
          continue;
        }
        if (["link", "txqueuelen", "txqlen", "mtu", "numtxqueues", "numrxqueues", "group", "index", "alias", "broadcast", "brd"].includes(w)) {
          j += 2;
          continue;
        }
        if (name === undefined && !w.startsWith("-")) name = w;
        j++;
      }
      if (ns && isDigits(ns)) ns = undefined;
      if (name) head = [...head, "address", nextMac(ns ?? "", name)];
      if (kind === "veth" && tail.includes("peer")) {
        const p = tail.indexOf("peer");
        const peer = tail.slice(p + 1);
        let pname: string | undefined;
        let pns: string | undefined = netns;
        let k = 0;
        while (k < peer.length) {
          if (peer[k] === "name" && k + 1 < peer.length) {
            pname = peer[k + 1]!;
            k += 2;
            continue;
          }
          if (peer[k] === "netns" && k + 1 < peer.length) {
            pns = peer[k + 1]!;
            k += 2;
            continue;
          }
          if (peer[k] === "address") {
            pname = undefined;
            break;
          }
          k++;
        }
        if (pns && isDigits(pns)) pns = undefined;
        if (pname) tail = [...tail.slice(0, p + 1), "address", nextMac(pns ?? "", pname), ...peer];
      }
      rest = [...head, ...tail];
    }
  }
  return [argv[0]!, ...opts, ...rest];
}
