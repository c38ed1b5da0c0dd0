/**
 * Route messages as bytes: struct nlmsghdr + struct rtmsg + rtattrs, in the order the kernel's
 * fib_dump_info() puts them (RTA_TABLE, RTA_DST, RTA_PRIORITY, RTA_METRICS, RTA_PREFSRC, RTA_NH_ID,
 * then the next hop: RTA_GATEWAY and RTA_OIF, or RTA_MULTIPATH). `ip route save` writes a dump so,
 * `ip route restore` and `showdump` read it back (rtnl_from_file()).
 */
import type { RouteMsg, RtaAttrs, RtaMetrics, RtNexthop } from "../../kernel/uapi/rtnetlink.ts";
import { RTAX as RTAX_NUM } from "../../kernel/uapi/rtnetlink.ts";
import { ByteBuf } from "./bytebuf.ts";

const RTM_NEWROUTE = 24;
const RTM_DELROUTE = 25;
const NLM_F_MULTI = 0x2;
/** NLM_F_DUMP_FILTERED: the kernel applied the request's filter (strict checking) */
export const NLM_F_DUMP_FILTERED = 0x20;

const RTA = { DST: 1, SRC: 2, IIF: 3, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, METRICS: 8, MULTIPATH: 9, CACHEINFO: 12, TABLE: 15, MARK: 16, PREF: 20, EXPIRES: 23, UID: 25, NH_ID: 30 };
/** the u32 metrics, each with its number (RTAX_CC_ALGO, a string, on its own) */
const RTAX_U32 = (Object.entries(RTAX_NUM) as [keyof RtaMetrics, number][]).filter(([k]) => k !== "RTAX_CC_ALGO") as [Exclude<keyof RtaMetrics, "RTAX_CC_ALGO">, number][];

class Writer extends ByteBuf {
  u16(v: number): void {
    this.room(2);
    this.b[this.n++] = v & 0xff;
    this.b[this.n++] = (v >>> 8) & 0xff;
  }
  u32(v: number): void {
    this.u16(v & 0xffff);
    this.u16(v >>> 16);
  }
  pad(): void {
    while (this.n & 3) this.u8(0);
  }
  setU16(at: number, v: number): void {
    this.b[at] = v & 0xff;
    this.b[at + 1] = (v >>> 8) & 0xff;
  }
  /** an attribute whose payload `fill` writes; its length is patched in after */
  attr(type: number, fill: () => void): void {
    const at = this.n;
    this.u16(0);
    this.u16(type);
    fill();
    this.setU16(at, this.n - at);
    this.pad();
  }
}

/** one dumped route as the kernel sends it (nlmsg_seq/pid of the dump request) */
export function encodeRoute(m: RouteMsg, seq: number, pid: number, flags = NLM_F_MULTI): Uint8Array {
  const w = new Writer();
  w.u32(0);
  w.u16(m.type === "RTM_DELROUTE" ? RTM_DELROUTE : RTM_NEWROUTE);
  w.u16(flags);
  w.u32(seq);
  w.u32(pid);
  const r = m.rtm;
  for (const v of [r.family, r.dst_len, r.src_len, r.tos, r.table, r.protocol, r.scope, r.type]) w.u8(v);
  w.u32(r.flags);
  const a = m.attrs;
  const u32 = (t: number, v: number | undefined) => v !== undefined && w.attr(t, () => w.u32(v));
  const addr = (t: number, v: Uint8Array | undefined) => v !== undefined && w.attr(t, () => w.bytes(v));
  const metrics = (): void => {
    const mx = a.RTA_METRICS;
    if (!mx || !Object.values(mx).some((v) => v !== undefined)) return;
    w.attr(RTA.METRICS, () => {
      for (const [k, t] of RTAX_U32) {
        if (mx[k] !== undefined) w.attr(t, () => w.u32(mx[k]!));
        if (t === RTAX_NUM.RTAX_QUICKACK && mx.RTAX_CC_ALGO !== undefined) w.attr(RTAX_NUM.RTAX_CC_ALGO, () => w.bytes(new TextEncoder().encode(mx.RTAX_CC_ALGO)));
      }
    });
  };
  const v6 = r.family === 10;
  u32(RTA.TABLE, a.RTA_TABLE);
  addr(RTA.DST, a.RTA_DST);
  addr(RTA.SRC, a.RTA_SRC);
  u32(RTA.IIF, a.RTA_IIF);
  if (v6) {
    // rt6_fill_node(): the source, the metrics, then the priority
    addr(RTA.PREFSRC, a.RTA_PREFSRC);
    metrics();
    u32(RTA.PRIORITY, a.RTA_PRIORITY);
  } else {
    // fib_dump_info(): the priority, the metrics, then the source
    u32(RTA.PRIORITY, a.RTA_PRIORITY);
    metrics();
    addr(RTA.PREFSRC, a.RTA_PREFSRC);
  }
  // fib_dump_info(): the nexthop object's id, then (nexthop_compat_mode) its nexthop as well
  u32(RTA.NH_ID, a.RTA_NH_ID);
  if (a.RTA_MULTIPATH) {
    const hops = a.RTA_MULTIPATH;
    w.attr(RTA.MULTIPATH, () => {
      for (const h of hops) {
        const at = w.n;
        w.u16(0);
        w.u8(h.rtnh_flags);
        w.u8(h.rtnh_hops);
        w.u32(h.rtnh_ifindex);
        if (h.RTA_GATEWAY) addr(RTA.GATEWAY, h.RTA_GATEWAY);
        w.setU16(at, w.n - at);
      }
    });
  } else {
    addr(RTA.GATEWAY, a.RTA_GATEWAY);
    u32(RTA.OIF, a.RTA_OIF);
  }
  u32(RTA.MARK, a.RTA_MARK);
  u32(RTA.UID, a.RTA_UID);
  const ci = a.RTA_CACHEINFO;
  if (ci) {
    w.attr(RTA.CACHEINFO, () => {
      for (const v of [ci.rta_clntref, ci.rta_lastuse, ci.rta_expires, ci.rta_error, ci.rta_used, ci.rta_id, ci.rta_ts, ci.rta_tsage]) w.u32(v >>> 0);
    });
  }
  if (a.RTA_PREF !== undefined) w.attr(RTA.PREF, () => w.u8(a.RTA_PREF!));
  const out = w.b.slice(0, w.n);
  out[0] = w.n & 0xff;
  out[1] = (w.n >>> 8) & 0xff;
  out[2] = (w.n >>> 16) & 0xff;
  out[3] = (w.n >>> 24) & 0xff;
  return out;
}

const rd16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const rd32 = (b: Uint8Array, o: number): number => (rd16(b, o) | (rd16(b, o + 2) << 16)) >>> 0;

/** parse_rtattr(): the attributes of b[from, to) by type (the last of a type wins) */
function parseAttrs(b: Uint8Array, from: number, to: number): Map<number, Uint8Array> {
  const tb = new Map<number, Uint8Array>();
  let o = from;
  while (o + 4 <= to) {
    const len = rd16(b, o);
    if (len < 4 || o + len > to) break;
    tb.set(rd16(b, o + 2) & 0x3fff, b.subarray(o + 4, o + len));
    o += (len + 3) & ~3;
  }
  return tb;
}

/** one message read back: its rtmsg and attributes (the ones tuxnet's rtnetlink knows) */
export function decodeRoute(msg: Uint8Array): RouteMsg {
  const type = rd16(msg, 4);
  const rtm = {
    family: msg[16] ?? 0, dst_len: msg[17] ?? 0, src_len: msg[18] ?? 0, tos: msg[19] ?? 0, table: msg[20] ?? 0,
    protocol: msg[21] ?? 0, scope: msg[22] ?? 0, type: msg[23] ?? 0, flags: msg.length >= 28 ? rd32(msg, 24) : 0,
  };
  const tb = parseAttrs(msg, 28, rd32(msg, 0));
  const attrs: RtaAttrs = {};
  const u32 = (t: number): number | undefined => {
    const v = tb.get(t);
    return v && v.length >= 4 ? rd32(v, 0) : undefined;
  };
  const copy = (t: number): Uint8Array | undefined => {
    const v = tb.get(t);
    return v ? v.slice() : undefined;
  };
  const set = <K extends keyof RtaAttrs>(k: K, v: RtaAttrs[K] | undefined): void => {
    if (v !== undefined) attrs[k] = v;
  };
  set("RTA_TABLE", u32(RTA.TABLE));
  set("RTA_DST", copy(RTA.DST));
  set("RTA_SRC", copy(RTA.SRC));
  set("RTA_IIF", u32(RTA.IIF));
  set("RTA_PRIORITY", u32(RTA.PRIORITY));
  const mx = tb.get(RTA.METRICS);
  if (mx) {
    const mt = parseAttrs(mx, 0, mx.length);
    const metrics: RtaMetrics = {};
    for (const [k, t] of RTAX_U32) {
      const v = mt.get(t);
      if (v && v.length >= 4) metrics[k] = rd32(v, 0);
    }
    const cc = mt.get(RTAX_NUM.RTAX_CC_ALGO);
    if (cc) metrics.RTAX_CC_ALGO = new TextDecoder().decode(cc).replace(/\0.*$/, "");
    attrs.RTA_METRICS = metrics;
  }
  set("RTA_PREFSRC", copy(RTA.PREFSRC));
  set("RTA_NH_ID", u32(RTA.NH_ID));
  set("RTA_GATEWAY", copy(RTA.GATEWAY));
  set("RTA_OIF", u32(RTA.OIF));
  const mp = tb.get(RTA.MULTIPATH);
  if (mp) {
    const hops: RtNexthop[] = [];
    let o = 0;
    while (o + 8 <= mp.length) {
      const len = rd16(mp, o);
      if (len < 8 || o + len > mp.length) break;
      const h: RtNexthop = { rtnh_flags: mp[o + 2]!, rtnh_hops: mp[o + 3]!, rtnh_ifindex: rd32(mp, o + 4) };
      const gw = parseAttrs(mp, o + 8, o + len).get(RTA.GATEWAY);
      if (gw) h.RTA_GATEWAY = gw.slice();
      hops.push(h);
      o += (len + 3) & ~3;
    }
    attrs.RTA_MULTIPATH = hops;
  }
  const ci = tb.get(RTA.CACHEINFO);
  if (ci && ci.length >= 32) {
    const f = (i: number): number => rd32(ci, i * 4);
    attrs.RTA_CACHEINFO = { rta_clntref: f(0), rta_lastuse: f(1), rta_expires: f(2) | 0, rta_error: f(3), rta_used: f(4), rta_id: f(5), rta_ts: f(6), rta_tsage: f(7) };
  }
  set("RTA_MARK", u32(RTA.MARK));
  set("RTA_UID", u32(RTA.UID));
  const pref = tb.get(RTA.PREF);
  if (pref && pref.length >= 1) attrs.RTA_PREF = pref[0]!;
  return { type: type === RTM_DELROUTE ? "RTM_DELROUTE" : "RTM_NEWROUTE", flags: {}, rtm, attrs };
}

/** the raw attribute payloads a message carries, by type (restore_handler() compares them) */
export function routeAttrBytes(msg: Uint8Array): Map<number, Uint8Array> {
  return parseAttrs(msg, 28, rd32(msg, 0));
}

export const RTA_GATEWAY = RTA.GATEWAY;
export const RTA_PREFSRC = RTA.PREFSRC;
export const RTA_DST = RTA.DST;

/**
 * lib/libnetlink.c: rtnl_from_file(): each message of the stream in turn; stops at the first
 * short one with its message, or when `handle` says so (a negative return)
 */
export function rtnlFromFile(b: Uint8Array, pos: number, handle: (msg: Uint8Array) => number, err: (s: string) => void): number {
  let o = pos;
  for (;;) {
    if (o >= b.length) return 0;
    if (o + 16 > b.length) {
      err("rtnl-from_file: truncated message\n");
      return -1;
    }
    const len = rd32(b, o);
    const l = len - 16;
    if (l < 0 || len > 16384) {
      err(`!!!malformed message: len=${len} @${o + 16}\n`);
      return -1;
    }
    const al = (l + 3) & ~3;
    if (o + 16 + al > b.length) {
      err("rtnl-from_file: truncated message\n");
      return -1;
    }
    const r = handle(b.subarray(o, o + 16 + al));
    if (r < 0) return r;
    o += 16 + al;
  }
}
