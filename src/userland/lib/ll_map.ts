/**
 * lib/ll_map.c: the ifindex <-> name cache, filled from RTM_GETLINK answers (ll_remember_index)
 * and refreshed from the kernel on a miss (ll_link_get), plus lib/ll_types.c: ll_type_n2a().
 */
import type { IpCtx } from "./context.ts";
import type { LinkMsg, RtnlMsg } from "../../kernel/uapi/rtnetlink.ts";
import { AF_UNSPEC } from "../../kernel/uapi/rtnetlink.ts";
import { sprintf } from "./printf.ts";

interface LlCache {
  index: number;
  name: string;
  type: number;
  flags: number;
}

export class LlMap {
  private byIndex = new Map<number, LlCache>();
  private byName = new Map<string, LlCache>();

  constructor(private readonly ctx: IpCtx) {}

  reset(): void {
    this.byIndex.clear();
    this.byName.clear();
  }

  /** lib/ll_map.c: ll_remember_index() */
  llRememberIndex(m: RtnlMsg): void {
    if (m.type !== "RTM_NEWLINK" && m.type !== "RTM_DELLINK") return;
    const old = this.byIndex.get(m.ifi.index);
    if (old) {
      this.byIndex.delete(old.index);
      if (this.byName.get(old.name) === old) this.byName.delete(old.name);
    }
    if (m.type === "RTM_DELLINK" || m.attrs.IFLA_IFNAME === undefined) return;
    const e: LlCache = { index: m.ifi.index, name: m.attrs.IFLA_IFNAME, type: m.ifi.type, flags: m.ifi.flags };
    this.byIndex.set(e.index, e);
    this.byName.set(e.name, e);
  }

  /** lib/ll_map.c: ll_init_map() */
  llInitMap(): void {
    const msgs = this.ctx.rtnl.dump({
      type: "RTM_GETLINK",
      flags: {},
      ifi: { family: AF_UNSPEC, type: 0, index: 0, flags: 0, change: 0 },
      attrs: {},
    });
    for (const m of msgs) this.llRememberIndex(m);
  }

  /** lib/ll_map.c: ll_link_get() — one device from the kernel, by name or index */
  private llLinkGet(name: string | null, index: number): number {
    const r = this.ctx.rtnl.talk({
      type: "RTM_GETLINK",
      flags: {},
      ifi: { family: AF_UNSPEC, type: 0, index, flags: 0, change: 0 },
      attrs: name !== null ? { IFLA_IFNAME: name } : {},
    });
    if (!r.ack.ok || !r.answer) return 0;
    this.llRememberIndex(r.answer);
    return (r.answer as LinkMsg).ifi.index;
  }

  /** lib/ll_map.c: ll_idx_n2a() */
  llIdxN2a(idx: number): string {
    return sprintf("if%u", idx);
  }

  /** lib/ll_map.c: ll_index_to_name() */
  llIndexToName(idx: number): string {
    if (idx === 0) return "*";
    const im = this.byIndex.get(idx);
    if (im) return im.name;
    if (this.llLinkGet(null, idx) === idx) {
      const im2 = this.byIndex.get(idx);
      if (im2) return im2.name;
    }
    return this.llIdxN2a(idx);
  }

  /** lib/ll_map.c: ll_index_to_type() */
  llIndexToType(idx: number): number {
    if (idx === 0) return -1;
    return this.byIndex.get(idx)?.type ?? -1;
  }

  /** lib/ll_map.c: ll_index_to_flags() */
  llIndexToFlags(idx: number): number {
    if (idx === 0) return 0;
    // an index not in the cache gives -1 (all flags), so the caller prints no M-DOWN
    return this.byIndex.get(idx)?.flags ?? -1;
  }

  /** lib/ll_map.c: ll_name_to_index() */
  llNameToIndex(name: string | undefined): number {
    if (name === undefined) return 0;
    // as iproute2: the cache holds only what earlier dumps remembered; otherwise ask the
    // kernel for this one link (an RTM_GETLINK request, which also syncs its link watch)
    const im = this.byName.get(name);
    if (im) return im.index;
    let idx = this.llLinkGet(name, 0);
    if (idx === 0) {
      const m = /^if(\d+)$/.exec(name);
      if (m) idx = Number(m[1]) >>> 0;
    }
    return idx;
  }

  /** lib/ll_map.c: ll_drop_by_index() */
  llDropByIndex(idx: number): void {
    const im = this.byIndex.get(idx);
    if (!im) return;
    this.byIndex.delete(idx);
    if (this.byName.get(im.name) === im) this.byName.delete(im.name);
  }
}

const llTypes: [number, string][] = [
  [0, "netrom"], [1, "ether"], [2, "eether"], [3, "ax25"], [4, "pronet"], [5, "chaos"],
  [6, "ieee802"], [7, "arcnet"], [8, "atalk"], [15, "dlci"], [19, "atm"], [23, "metricom"],
  [24, "ieee1394"], [32, "infiniband"], [256, "slip"], [257, "cslip"], [258, "slip6"],
  [259, "cslip6"], [260, "rsrvd"], [264, "adapt"], [270, "rose"], [271, "x25"], [272, "hwx25"],
  [280, "can"], [512, "ppp"], [513, "hdlc"], [516, "lapb"], [517, "ddcmp"], [518, "rawhdlc"],
  [519, "rawip"], [768, "ipip"], [769, "tunnel6"], [770, "frad"], [771, "skip"], [772, "loopback"],
  [773, "localtlk"], [774, "fddi"], [775, "bif"], [776, "sit"], [777, "ip/ddp"], [778, "gre"],
  [779, "pimreg"], [780, "hippi"], [781, "ash"], [782, "econet"], [783, "irda"], [784, "fcpp"],
  [785, "fcal"], [786, "fcpl"], [787, "fcfb"], [800, "tr"], [801, "tr+"], [802, "ieee802.11/prism"],
  [803, "ieee802.11/radiotap"], [804, "ieee802.15.4"], [805, "ieee802.15.4/monitor"],
  [820, "phonet"], [821, "phonet_pipe"], [822, "caif"], [823, "ip6gre"], [824, "netlink"],
  [825, "6lowpan"], [826, "vsockmon"], [0xfffe, "none"], [0xffff, "void"],
];
const llTypeNames = new Map(llTypes);

/** lib/ll_types.c: ll_type_n2a() (`ip -N`: the number alone) */
export function llTypeN2a(type: number, numeric = false): string {
  return (numeric ? undefined : llTypeNames.get(type)) ?? sprintf("[%d]", type);
}

const llProtoNames: [number, string][] = [
  [0x0004, "802.2"], [0x0005, "snap"], [0x0060, "loop"], [0x0200, "pup"], [0x0201, "pupat"],
  [0x0800, "ip"], [0x0805, "x25"], [0x0806, "arp"], [0x08ff, "bpq"], [0x0a00, "ieeepup"],
  [0x0a01, "ieeepupat"], [0x6000, "dec"], [0x6001, "dna_dl"], [0x6002, "dna_rc"], [0x6003, "dna_rt"],
  [0x6004, "lat"], [0x6005, "diag"], [0x6006, "cust"], [0x6007, "sca"], [0x8035, "rarp"],
  [0x809b, "atalk"], [0x80f3, "aarp"], [0x8137, "ipx"], [0x86dd, "ipv6"], [0x0001, "802_3"],
  [0x0002, "ax25"], [0x0003, "all"], [0x8100, "802.1Q"], [0x88a8, "802.1ad"], [0x8847, "mpls_uc"],
  [0x8848, "mpls_mc"], [0x88cc, "lldp"], [0x22f0, "tsn"],
];

/** lib/ll_proto.c: ll_proto_n2a() — `id` in host byte order here */
export function llProtoN2a(id: number): string {
  for (const [n, s] of llProtoNames) if (n === id) return s;
  return sprintf("[%d]", id);
}

/** lib/ll_proto.c: ll_proto_a2n() */
export function llProtoA2n(buf: string): number | undefined {
  for (const [n, s] of llProtoNames) if (s.toLowerCase() === buf.toLowerCase()) return n;
  const m = /^(0[xX][0-9a-fA-F]+|\d+)$/.exec(buf);
  if (!m) return undefined;
  const v = Number(buf);
  return v > 0xffff ? undefined : v;
}
