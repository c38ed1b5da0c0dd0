/**
 * The kernel side of the iptables extensions (other matches): time, socket, cgroup, bpf, cluster, nfacct, osf, ipvs, set
 * (net/netfilter/xt_*.c, net/netfilter/nf_socket_ipv4.c, the classic BPF of net/core/filter.c),
 * registered with x_tables.
 */
import type { SkBuff } from "../core/skbuff.ts";
import type { Net } from "../core/net_namespace.ts";
import { netSched } from "../core/dev_path.ts";
import { kerr } from "../uapi/errno.ts";
import { InetSock } from "../socket/sock.ts";
import { inetLookupEstablished, inetLookupListener } from "../ipv4/inet_hashtables.ts";
import { udp4LibLookup } from "../ipv4/udp.ts";
import { NFPROTO_IPV4, HOOK_PRE as PRE, HOOK_IN as IN, HOOK_FWD as FWD } from "./core.ts";
import { ipHdrOff } from "./ip_tables.ts";
import { xtRegisterMatch, type XtActionParam, type XtChkParam } from "./x_tables.ts";
import { nfCtNetnsGet, nfCtNetnsPut } from "./nf_conntrack.ts";
import { XT_TIME_ALL_FLAGS, XT_TIME_ALL_MONTHDAYS, XT_TIME_CONTIGUOUS, XT_TIME_LOCAL_TZ, XT_TIME_MAX_DAYTIME } from "../uapi/xt_time.ts";

const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;

const rd16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const rd32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

// ---- xt_time.c ----
const SECONDS_PER_DAY = 86400;
const DAYS_SINCE_YEAR = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const DAYS_SINCE_LEAPYEAR = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];
const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/** ktime_get_real_seconds(): the world's wall clock */
function realSeconds(net: Net): number {
  const world = (net.host as unknown as { world: { epoch: number } }).world;
  return world.epoch + Math.floor(netSched(net).now / 1_000_000);
}
/** localtime_3(): the day of the month of a day since the epoch */
function monthday(dse: number): number {
  let year = 1970;
  let w = dse;
  for (;;) {
    const len = isLeap(year) ? 366 : 365;
    if (w < len) break;
    w -= len;
    year++;
  }
  const t = isLeap(year) ? DAYS_SINCE_LEAPYEAR : DAYS_SINCE_YEAR;
  let i = t.length - 1;
  while (i > 0 && t[i]! > w) i--;
  return w - t[i]! + 1;
}
function timeMt(_skb: SkBuff, par: XtActionParam, d: any): boolean {
  // the kernel timezone (sys_tz) is UTC here
  let stamp = realSeconds(par.net);
  if (stamp < d.date_start || stamp > d.date_stop) return false;
  const packetTime = stamp % SECONDS_PER_DAY;
  if (d.daytime_start < d.daytime_stop) {
    if (packetTime < d.daytime_start || packetTime > d.daytime_stop) return false;
  } else {
    if (packetTime < d.daytime_start && packetTime > d.daytime_stop) return false;
    if (d.flags & XT_TIME_CONTIGUOUS && packetTime <= d.daytime_stop) stamp -= SECONDS_PER_DAY;
  }
  const dse = Math.floor(stamp / SECONDS_PER_DAY);
  const weekday = ((4 + dse - 1) % 7) + 1;
  if (!((d.weekdays_match >>> weekday) & 1)) return false;
  if (d.monthdays_match !== XT_TIME_ALL_MONTHDAYS && !((d.monthdays_match >>> monthday(dse)) & 1)) return false;
  return true;
}
function timeCheck(_p: XtChkParam, d: Record<string, unknown>) {
  if (Number(d["daytime_start"]) > XT_TIME_MAX_DAYTIME || Number(d["daytime_stop"]) > XT_TIME_MAX_DAYTIME) return kerr("EDOM");
  const flags = Number(d["flags"]);
  if (flags & ~XT_TIME_ALL_FLAGS) return kerr("EINVAL");
  if (flags & XT_TIME_CONTIGUOUS && Number(d["daytime_start"]) < Number(d["daytime_stop"])) return kerr("EINVAL");
  return undefined;
}

// ---- xt_set.c (no ipset here: no set has an index) ----
const setCheck = () => kerr("ENOENT");

// ---- xt_socket.c + nf_socket_ipv4.c ----
const XT_SOCKET_TRANSPARENT = 1;
const XT_SOCKET_NOWILDCARD = 2;
const XT_SOCKET_RESTORESKMARK = 4;
const XT_SOCKET_FLAGS_V3 = 7;
/** nf_sk_lookup_slow_v4(): the local socket a packet (or the packet an ICMP error quotes) is for */
function nfSkLookupSlowV4(net: Net, skb: SkBuff, par: XtActionParam): InetSock | undefined {
  const b = skb.buf;
  const nh = ipHdrOff(skb);
  const ihl = (b[nh]! & 0x0f) * 4;
  let protocol = b[nh + 9]!;
  let saddr: number, daddr: number, sport: number, dport: number;
  if (protocol === IPPROTO_TCP || protocol === IPPROTO_UDP) {
    if (nh + ihl + (protocol === IPPROTO_UDP ? 8 : 20) > skb.tail) return undefined;
    saddr = rd32(b, nh + 12);
    daddr = rd32(b, nh + 16);
    sport = rd16(b, nh + ihl);
    dport = rd16(b, nh + ihl + 2);
  } else if (protocol === IPPROTO_ICMP) {
    // extract_icmp4_fields()
    const ic = nh + ihl;
    if (ic + 8 > skb.tail) return undefined;
    if (![3, 4, 5, 11, 12].includes(b[ic]!)) return undefined;
    const inner = ic + 8;
    if (inner + 20 > skb.tail) return undefined;
    const iproto = b[inner + 9]!;
    if (iproto !== IPPROTO_TCP && iproto !== IPPROTO_UDP) return undefined;
    const ip = inner + (b[inner]! & 0x0f) * 4;
    if (ip + 8 > skb.tail) return undefined;
    protocol = iproto;
    saddr = rd32(b, inner + 16);
    daddr = rd32(b, inner + 12);
    sport = rd16(b, ip + 2);
    dport = rd16(b, ip);
  } else return undefined;
  const dif = par.in?.ifindex ?? 0;
  if (protocol === IPPROTO_TCP) return inetLookupEstablished(net, saddr, sport, daddr, dport) ?? inetLookupListener(net, daddr, dport, dif);
  return udp4LibLookup(net, saddr, sport, daddr, dport, dif);
}
function socketMt(skb: SkBuff, par: XtActionParam, d: any): boolean {
  let sk = skb.sk instanceof InetSock && skb.sk.net === par.net ? skb.sk : undefined;
  if (!sk) sk = nfSkLookupSlowV4(par.net, skb, par);
  if (!sk) return false;
  const wildcard = !(d.flags & XT_SOCKET_NOWILDCARD) && sk.inetRcvSaddr === 0;
  // IP_TRANSPARENT is never set on the sockets here
  const transparent = !(d.flags & XT_SOCKET_TRANSPARENT);
  if (d.flags & XT_SOCKET_RESTORESKMARK && !wildcard && transparent) skb.mark = sk.mark >>> 0;
  return !wildcard && transparent;
}

// ---- xt_cgroup.c (every process is in the cgroup2 root, net_cls classid 0) ----
/** cgroup_get_from_path(): only the root directory exists */
function cgroupPathExists(path: string): boolean {
  return path.split("/").every((c) => c === "");
}
function cgroupCheck(_p: XtChkParam, d: Record<string, unknown>) {
  if (Number(d["invert_path"]) & ~1 || Number(d["invert_classid"]) & ~1) return kerr("EINVAL");
  if (!d["has_path"] && !d["has_classid"]) return kerr("EINVAL");
  if (d["has_path"] && d["has_classid"]) return kerr("EINVAL");
  if (d["has_path"]) {
    const path = String(d["path"]);
    if (path.length >= 512) return kerr("ENAMETOOLONG");
    if (!cgroupPathExists(path)) return kerr("EINVAL");
  }
  return undefined;
}
function cgroupMt(skb: SkBuff, par: XtActionParam, d: any): boolean {
  const sk = skb.sk;
  if (!(sk instanceof InetSock) || sk.net !== par.net) return false;
  if (d.has_path) return true !== !!d.invert_path;
  return (d.classid === 0) !== !!d.invert_classid;
}

// ---- xt_bpf.c: classic BPF (net/core/filter.c) ----
const BPF_LD = 0x00, BPF_LDX = 0x01, BPF_ST = 0x02, BPF_STX = 0x03, BPF_ALU = 0x04, BPF_JMP = 0x05, BPF_RET = 0x06, BPF_MISC = 0x07;
const BPF_W = 0x00, BPF_H = 0x08, BPF_B = 0x10;
const BPF_IMM = 0x00, BPF_ABS = 0x20, BPF_IND = 0x40, BPF_MEM = 0x60, BPF_LEN = 0x80, BPF_MSH = 0xa0;
const BPF_ADD = 0x00, BPF_SUB = 0x10, BPF_MUL = 0x20, BPF_DIV = 0x30, BPF_OR = 0x40, BPF_AND = 0x50, BPF_LSH = 0x60, BPF_RSH = 0x70, BPF_NEG = 0x80, BPF_MOD = 0x90, BPF_XOR = 0xa0;
const BPF_JA = 0x00, BPF_JEQ = 0x10, BPF_JGT = 0x20, BPF_JGE = 0x30, BPF_JSET = 0x40;
const BPF_K = 0x00, BPF_X = 0x08, BPF_A = 0x10;
const BPF_TAX = 0x00, BPF_TXA = 0x80;
const BPF_MEMWORDS = 16;
const SKF_AD_OFF = -0x1000;
const SKF_NET_OFF = -0x100000;
const SKF_LL_OFF = -0x200000;
/** bpf_anc_helper(): the ancillary loads this kernel knows (SKF_AD_PROTOCOL … SKF_AD_VLAN_TPID) */
const SKF_AD_MAX = 64;
const ALLOWED = new Set<number>([
  ...[BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH].flatMap((op) => [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X]),
  BPF_ALU | BPF_NEG,
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS, BPF_LD | BPF_W | BPF_LEN,
  BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND, BPF_LD | BPF_IMM, BPF_LD | BPF_MEM,
  BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH, BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM,
  BPF_ST, BPF_STX, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_RET | BPF_K, BPF_RET | BPF_A, BPF_JMP | BPF_JA,
  ...[BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET].flatMap((op) => [BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X]),
]);
type Insn = [number, number, number, number];
const isCondJmp = (code: number): boolean => (code & 0x07) === BPF_JMP && (code & 0xf0) !== BPF_JA;
/** bpf_check_classic() + check_load_and_stores(): true when the program is valid */
export function bpfCheckClassic(f: Insn[]): boolean {
  const flen = f.length;
  if (flen === 0 || flen > 4096) return false;
  for (let pc = 0; pc < flen; pc++) {
    const [code, jt, jf, k] = f[pc]!;
    if (!ALLOWED.has(code)) return false;
    switch (code) {
      case BPF_ALU | BPF_DIV | BPF_K:
      case BPF_ALU | BPF_MOD | BPF_K:
        if (k === 0) return false;
        break;
      case BPF_ALU | BPF_LSH | BPF_K:
      case BPF_ALU | BPF_RSH | BPF_K:
        if (k >= 32) return false;
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
      case BPF_ST:
      case BPF_STX:
        if (k >= BPF_MEMWORDS) return false;
        break;
      case BPF_JMP | BPF_JA:
        if (k >= flen - pc - 1) return false;
        break;
      case BPF_LD | BPF_W | BPF_ABS:
      case BPF_LD | BPF_H | BPF_ABS:
      case BPF_LD | BPF_B | BPF_ABS: {
        const sk = k | 0;
        const anc = sk >= SKF_AD_OFF && sk < SKF_AD_OFF + SKF_AD_MAX && (sk - SKF_AD_OFF) % 4 === 0;
        if (!anc && k >= (SKF_AD_OFF >>> 0)) return false;
        break;
      }
      default:
        if (isCondJmp(code) && (pc + jt + 1 >= flen || pc + jf + 1 >= flen)) return false;
    }
  }
  const last = f[flen - 1]![0];
  if (last !== (BPF_RET | BPF_K) && last !== (BPF_RET | BPF_A)) return false;
  // check_load_and_stores()
  const masks = new Array<number>(flen).fill(0xffff);
  let memvalid = 0;
  for (let pc = 0; pc < flen; pc++) {
    memvalid &= masks[pc]!;
    const [code, jt, jf, k] = f[pc]!;
    if (code === BPF_ST || code === BPF_STX) memvalid |= 1 << k;
    else if (code === (BPF_LD | BPF_MEM) || code === (BPF_LDX | BPF_MEM)) {
      if (!(memvalid & (1 << k))) return false;
    } else if (code === (BPF_JMP | BPF_JA)) {
      masks[pc + 1 + k] = masks[pc + 1 + k]! & memvalid;
      memvalid = 0xffff;
    } else if (isCondJmp(code)) {
      masks[pc + 1 + jt] = masks[pc + 1 + jt]! & memvalid;
      masks[pc + 1 + jf] = masks[pc + 1 + jf]! & memvalid;
      memvalid = 0xffff;
    }
  }
  return true;
}
/** the classic BPF interpreter (as __bpf_prog_run() runs the converted program) over the
 * packet from its network header */
export function bpfRunClassic(f: Insn[], skb: SkBuff, nh: number): number {
  const b = skb.buf;
  const len = skb.tail - nh;
  const mem = new Uint32Array(BPF_MEMWORDS);
  let A = 0;
  let X = 0;
  /** bpf_skb_load_helper: undefined when out of the packet (the program returns 0) */
  const load = (off: number, size: number): number | undefined => {
    let base = nh;
    let o = off;
    if (off < 0) {
      if (off >= SKF_NET_OFF && off < SKF_AD_OFF) o = off - SKF_NET_OFF;
      else if (off >= SKF_LL_OFF && off < SKF_NET_OFF) {
        if (skb.macHeader < 0) return undefined;
        base = skb.macHeader;
        o = off - SKF_LL_OFF;
      } else return undefined;
    }
    const p = base + o;
    if (o < 0 || p + size > skb.tail) return undefined;
    return size === 4 ? rd32(b, p) : size === 2 ? rd16(b, p) : b[p]!;
  };
  const anc = (k: number): number => {
    switch (k - SKF_AD_OFF) {
      case 0: return skb.protocol & 0xffff;
      case 4: return skb.pktType & 7;
      case 8: return skb.dev?.ifindex ?? 0;
      case 20: return skb.mark >>> 0;
      case 28: return skb.dev?.type ?? 0;
      default: return 0;
    }
  };
  for (let pc = 0; pc < f.length; pc++) {
    const [code, jt, jf, k] = f[pc]!;
    const cls = code & 0x07;
    switch (cls) {
      case BPF_LD:
      case BPF_LDX: {
        const mode = code & 0xe0;
        const size = code & 0x18;
        const bytes = size === BPF_W ? 4 : size === BPF_H ? 2 : 1;
        let v: number | undefined;
        if (mode === BPF_IMM) v = k;
        else if (mode === BPF_LEN) v = len;
        else if (mode === BPF_MEM) v = mem[k]!;
        else if (mode === BPF_ABS) {
          const sk = k | 0;
          v = sk >= SKF_AD_OFF && sk < SKF_AD_OFF + SKF_AD_MAX ? anc(sk) : load(sk, bytes);
        } else if (mode === BPF_IND) v = load((X + k) | 0, bytes);
        else if (mode === BPF_MSH) {
          const x = load(k | 0, 1);
          v = x === undefined ? undefined : (x & 0xf) << 2;
        }
        if (v === undefined) return 0;
        if (cls === BPF_LD) A = v >>> 0;
        else X = v >>> 0;
        break;
      }
      case BPF_ST:
        mem[k] = A;
        break;
      case BPF_STX:
        mem[k] = X;
        break;
      case BPF_ALU: {
        const src = code & BPF_X ? X : k >>> 0;
        switch (code & 0xf0) {
          case BPF_ADD: A = (A + src) >>> 0; break;
          case BPF_SUB: A = (A - src) >>> 0; break;
          case BPF_MUL: A = Number((BigInt(A) * BigInt(src)) & 0xffffffffn); break;
          case BPF_DIV: if (src === 0) return 0; A = Math.floor(A / src) >>> 0; break;
          case BPF_MOD: A = src === 0 ? A : A % src; break;
          case BPF_OR: A = (A | src) >>> 0; break;
          case BPF_AND: A = (A & src) >>> 0; break;
          case BPF_XOR: A = (A ^ src) >>> 0; break;
          case BPF_LSH: A = src >= 32 ? 0 : (A << src) >>> 0; break;
          case BPF_RSH: A = src >= 32 ? 0 : A >>> src; break;
          case BPF_NEG: A = -A >>> 0; break;
        }
        break;
      }
      case BPF_JMP: {
        const op = code & 0xf0;
        if (op === BPF_JA) {
          pc += k;
          break;
        }
        const src = code & BPF_X ? X : k >>> 0;
        const t = op === BPF_JEQ ? A === src : op === BPF_JGT ? A > src : op === BPF_JGE ? A >= src : (A & src) !== 0;
        pc += t ? jt : jf;
        break;
      }
      case BPF_RET:
        return ((code & 0x18) === BPF_A ? A : k) >>> 0;
      case BPF_MISC:
        if ((code & 0xf8) === BPF_TAX) X = A;
        else if ((code & 0xf8) === BPF_TXA) A = X;
        break;
    }
  }
  return 0;
}
const XT_BPF_MAX_NUM_INSTR = 64;
const XT_BPF_MODE_BYTECODE = 0;
function bpfCheck(_p: XtChkParam, d: Record<string, unknown>) {
  if (Number(d["mode"]) !== XT_BPF_MODE_BYTECODE) return kerr("ENOENT");
  const n = Number(d["bpf_program_num_elem"]);
  if (n > XT_BPF_MAX_NUM_INSTR) return kerr("EINVAL");
  const prog = ((d["bpf_program"] as Insn[]) ?? []).slice(0, n);
  return bpfCheckClassic(prog) ? undefined : kerr("EINVAL");
}
function bpfMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  return bpfRunClassic((d.bpf_program as Insn[]).slice(0, d.bpf_program_num_elem), skb, ipHdrOff(skb)) !== 0;
}

// ---- xt_cluster.c ----
const XT_CLUSTER_NODES_MAX = 32;
const XT_CLUSTER_F_INV = 1;
/** jhash_1word() */
function jhash1word(a: number, initval: number): number {
  const rol = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  let aa = (a + 0xdeadbeef + 4 + initval) >>> 0;
  let bb = (0xdeadbeef + 4 + initval) >>> 0;
  let c = bb;
  aa = (aa + 0) >>> 0;
  // __jhash_final(a, b, c)
  c ^= bb; c = (c - rol(bb, 14)) >>> 0;
  aa ^= c; aa = (aa - rol(c, 11)) >>> 0;
  bb ^= aa; bb = (bb - rol(aa, 25)) >>> 0;
  c ^= bb; c = (c - rol(bb, 16)) >>> 0;
  aa ^= c; aa = (aa - rol(c, 4)) >>> 0;
  bb ^= aa; bb = (bb - rol(aa, 14)) >>> 0;
  c ^= bb; c = (c - rol(bb, 24)) >>> 0;
  return c >>> 0;
}
function clusterMt(skb: SkBuff, _par: XtActionParam, d: any): boolean {
  const ct = skb.nfct as { tuplehash?: { src: number }[]; master?: unknown } | undefined;
  if (!ct || !ct.tuplehash) return false;
  const ip = Number(ct.tuplehash[0]!.src) >>> 0;
  const hash = Number((BigInt(jhash1word(ip, d.hash_seed)) * BigInt(d.total_nodes)) >> 32n);
  return (((d.node_mask >>> hash) & 1) === 1) !== !!(d.flags & XT_CLUSTER_F_INV);
}
function clusterCheck(p: XtChkParam, d: Record<string, unknown>) {
  const total = Number(d["total_nodes"]);
  if (total > XT_CLUSTER_NODES_MAX) return kerr("EINVAL");
  if (BigInt(Number(d["node_mask"]) >>> 0) >= 1n << BigInt(total)) return kerr("EDOM");
  nfCtNetnsGet(p.net);
  return undefined;
}

let done = false;

export function xtMiscInit(): void {
  if (done) return;
  done = true;
  const F = NFPROTO_IPV4;
  xtRegisterMatch({ name: "time", revision: 0, family: F, match: timeMt, checkentry: timeCheck });
  for (const revision of [0, 1, 2, 3, 4]) xtRegisterMatch({ name: "set", revision, family: F, match: () => false, checkentry: setCheck });
  xtRegisterMatch({
    name: "socket", revision: 3, family: F, hooks: PRE | IN, match: socketMt,
    checkentry: (_p, d) => (Number(d["flags"]) & ~XT_SOCKET_FLAGS_V3 ? kerr("EINVAL") : undefined),
  });
  xtRegisterMatch({ name: "cgroup", revision: 2, family: F, match: cgroupMt, checkentry: cgroupCheck });
  xtRegisterMatch({ name: "bpf", revision: 1, family: F, match: bpfMt, checkentry: bpfCheck });
  xtRegisterMatch({ name: "cluster", revision: 0, family: F, match: clusterMt, checkentry: clusterCheck, destroy: (p) => nfCtNetnsPut(p.net) });
  // nfnl_acct_find_get(): no nfacct object exists (there is no nfacct tool here)
  for (const revision of [0, 1]) xtRegisterMatch({ name: "nfacct", revision, family: F, match: () => true, checkentry: () => kerr("ENOENT") });
  // xt_osf.c: no fingerprint is loaded, so nothing matches (an inverted genre matches)
  xtRegisterMatch({ name: "osf", revision: 0, family: F, proto: IPPROTO_TCP, hooks: IN | PRE | FWD, match: (_s, _p, d: any) => !!(Number(d.flags) & 8) });
  // (no xt_ipvs: the 6.18 kernel here has no IPVS modules, so "ipvs" rules are refused with ENOENT)
}
