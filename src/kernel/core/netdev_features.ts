/**
 * include/linux/netdev_features.h + net/ethtool/common.c: netdev_features_strings[] and the
 * feature words of a device (hw_features, wanted_features, features), with
 * net/core/dev.c: netdev_fix_features() / __netdev_update_features() and
 * net/ethtool/features.c: ethnl_set_features() — what `ethtool -k/-K` reads and changes.
 *
 * The default words of veth, lo and a bridge are the reference kernel's (Linux 6.18,
 * ETHTOOL_GFEATURES right after creation); other drivers have none modelled (EOPNOTSUPP).
 */
import { kerr, type KErr } from "../uapi/errno.ts";
import { IFF_LOOPBACK } from "../uapi/if.ts";
import type { NetDevice } from "./netdevice.ts";

/** netdev_features_strings[], by NETIF_F_*_BIT (Linux 6.18); "" for the unnamed bits */
export const NETDEV_FEATURE_STRINGS: readonly string[] = [
  "tx-scatter-gather", "tx-checksum-ipv4", "", "tx-checksum-ip-generic", "tx-checksum-ipv6", "highdma",
  "tx-scatter-gather-fraglist", "tx-vlan-hw-insert", "rx-vlan-hw-parse", "rx-vlan-filter", "vlan-challenged",
  "tx-generic-segmentation", "", "", "rx-gro", "rx-lro", "tx-tcp-segmentation", "tx-gso-robust",
  "tx-tcp-ecn-segmentation", "tx-tcp-mangleid-segmentation", "tx-tcp6-segmentation", "tx-fcoe-segmentation",
  "tx-gre-segmentation", "tx-gre-csum-segmentation", "tx-ipxip4-segmentation", "tx-ipxip6-segmentation",
  "tx-udp_tnl-segmentation", "tx-udp_tnl-csum-segmentation", "tx-gso-partial", "tx-tunnel-remcsum-segmentation",
  "tx-sctp-segmentation", "tx-esp-segmentation", "", "tx-udp-segmentation", "tx-gso-list",
  "tx-tcp-accecn-segmentation", "tx-checksum-fcoe-crc", "tx-checksum-sctp", "rx-ntuple-filter", "rx-hashing",
  "rx-checksum", "tx-nocache-copy", "loopback", "rx-fcs", "rx-all", "tx-vlan-stag-hw-insert",
  "rx-vlan-stag-hw-parse", "rx-vlan-stag-filter", "l2-fwd-offload", "hw-tc-offload", "esp-hw-offload",
  "esp-tx-csum-hw-offload", "rx-udp_tunnel-port-offload", "tls-hw-tx-offload", "tls-hw-rx-offload",
  "rx-gro-hw", "tls-hw-record", "rx-gro-list", "macsec-hw-offload", "rx-udp-gro-forwarding",
  "hsr-tag-ins-offload", "hsr-tag-rm-offload", "hsr-fwd-offload", "hsr-dup-offload",
];

export const NETDEV_FEATURE_COUNT = NETDEV_FEATURE_STRINGS.length;

const F = (bit: number): bigint => 1n << BigInt(bit);
const bitsOf = (...bits: number[]): bigint => bits.reduce((m, b) => m | F(b), 0n);

export const NETIF_F_SG = F(0);
export const NETIF_F_IP_CSUM = F(1);
export const NETIF_F_HW_CSUM = F(3);
export const NETIF_F_IPV6_CSUM = F(4);
export const NETIF_F_VLAN_CHALLENGED = F(10);
export const NETIF_F_GSO = F(11);
export const NETIF_F_GRO = F(14);
export const NETIF_F_LRO = F(15);
export const NETIF_F_TSO = F(16);
export const NETIF_F_TSO_ECN = F(18);
export const NETIF_F_TSO_MANGLEID = F(19);
export const NETIF_F_TSO6 = F(20);
export const NETIF_F_GSO_PARTIAL = F(28);
export const NETIF_F_GSO_UDP_L4 = F(33);
export const NETIF_F_RXCSUM = F(40);
export const NETIF_F_RXFCS = F(43);
export const NETIF_F_HW_TLS_TX = F(53);
export const NETIF_F_HW_TLS_RX = F(54);
export const NETIF_F_GRO_HW = F(55);
/** NETIF_F_ALL_TSO: TSO | TSO6 | TSO_ECN | TSO_MANGLEID */
const NETIF_F_ALL_TSO = NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN | NETIF_F_TSO_MANGLEID;
/** NETIF_F_NEVER_CHANGE (6.18: only VLAN_CHALLENGED is left in it) */
export const NETIF_F_NEVER_CHANGE = NETIF_F_VLAN_CHALLENGED;
const ALL = (1n << BigInt(NETDEV_FEATURE_COUNT)) - 1n;
/** NETIF_F_ETHTOOL_BITS */
const NETIF_F_ETHTOOL_BITS = ALL & ~NETIF_F_NEVER_CHANGE;

/** the feature words of a device */
export interface NetdevFeatures {
  hw: bigint;
  wanted: bigint;
  features: bigint;
}

/** ETHTOOL_GFEATURES of the reference kernel right after creation: [hw, wanted, active] */
const DEFAULTS: Record<string, [bigint, bigint, bigint]> = {
  veth: (() => {
    const active = bitsOf(0, 3, 5, 6, 7, 8, 11, 16, 18, 19, 20, 22, 23, 24, 25, 26, 27, 30, 33, 34, 35, 37, 40, 45, 46);
    return [active | bitsOf(14, 41, 57, 59), active, active];
  })(),
  loopback: (() => {
    const wanted = bitsOf(11, 14, 16, 18, 19, 20, 30, 33, 34, 35);
    return [wanted | bitsOf(57, 59), wanted, wanted | bitsOf(0, 3, 5, 6, 10, 37, 40, 42)];
  })(),
  bridge: (() => {
    let active = bitsOf(0, 3, 5, 6, 7, 11, 14, 45);
    for (let b = 16; b <= 35; b++) active |= F(b);
    return [active | bitsOf(41, 57, 59), active, active];
  })(),
};

const state = new WeakMap<NetDevice, NetdevFeatures>();

function kindOf(dev: NetDevice): string | undefined {
  if (dev.flags & IFF_LOOPBACK) return "loopback";
  return dev.linkOps?.kind;
}

/** dev->hw_features / wanted_features / features, or undefined for a driver not modelled */
export function netdevFeatures(dev: NetDevice): NetdevFeatures | undefined {
  let s = state.get(dev);
  if (!s) {
    const k = kindOf(dev);
    const d = k !== undefined ? DEFAULTS[k] : undefined;
    if (!d) return undefined;
    s = { hw: d[0], wanted: d[1], features: d[2] };
    state.set(dev, s);
  }
  return s;
}

/** netdev_has_ip_or_hw_csum() */
function hasIpOrHwCsum(f: bigint): boolean {
  const ipCsum = (f & (NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM)) === (NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM);
  return ipCsum || (f & NETIF_F_HW_CSUM) !== 0n;
}

/** net/core/dev.c: netdev_fix_features() */
export function netdevFixFeatures(features: bigint): bigint {
  let f = features;
  /* Fix illegal checksum combinations */
  if (f & NETIF_F_HW_CSUM && f & (NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM)) f &= ~(NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM);
  /* TSO requires that SG is present as well. */
  if (f & NETIF_F_ALL_TSO && !(f & NETIF_F_SG)) f &= ~NETIF_F_ALL_TSO;
  if (f & NETIF_F_TSO && !(f & NETIF_F_HW_CSUM) && !(f & NETIF_F_IP_CSUM)) f &= ~(NETIF_F_TSO | NETIF_F_TSO_ECN);
  if (f & NETIF_F_TSO6 && !(f & NETIF_F_HW_CSUM) && !(f & NETIF_F_IPV6_CSUM)) f &= ~NETIF_F_TSO6;
  /* TSO with IPv4 ID mangling requires IPv4 TSO be enabled */
  if (f & NETIF_F_TSO_MANGLEID && !(f & NETIF_F_TSO)) f &= ~NETIF_F_TSO_MANGLEID;
  /* TSO ECN requires that TSO is present as well. */
  if ((f & NETIF_F_ALL_TSO) === NETIF_F_TSO_ECN) f &= ~NETIF_F_TSO_ECN;
  /* Software GSO depends on SG. */
  if (f & NETIF_F_GSO && !(f & NETIF_F_SG)) f &= ~NETIF_F_GSO;
  /* (GSO partial: no device here has gso_partial_features) */
  if (!(f & NETIF_F_RXCSUM) && f & NETIF_F_GRO_HW) f &= ~NETIF_F_GRO_HW;
  /* LRO/HW-GRO features cannot be combined with RX-FCS */
  if (f & NETIF_F_RXFCS) f &= ~(NETIF_F_LRO | NETIF_F_GRO_HW);
  if (f & NETIF_F_GRO_HW && f & NETIF_F_LRO) f &= ~NETIF_F_LRO;
  if (f & NETIF_F_HW_TLS_TX && !hasIpOrHwCsum(f)) f &= ~NETIF_F_HW_TLS_TX;
  if (f & NETIF_F_HW_TLS_RX && !(f & NETIF_F_RXCSUM)) f &= ~NETIF_F_HW_TLS_RX;
  if (f & NETIF_F_GSO_UDP_L4 && !hasIpOrHwCsum(f)) f &= ~NETIF_F_GSO_UDP_L4;
  return f;
}

/** net/core/dev.c: __netdev_update_features(): features = fix(netdev_get_wanted_features()) */
export function netdevUpdateFeatures(dev: NetDevice, s: NetdevFeatures): boolean {
  const wanted = (s.features & ~s.hw) | s.wanted;
  const f = netdevFixFeatures(wanted);
  if (f === s.features) return false;
  s.features = f;
  return true;
}

function toBools(m: bigint): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < NETDEV_FEATURE_COUNT; i++) out.push((m & F(i)) !== 0n);
  return out;
}

/** net/ethtool/features.c: features_prepare_data() — hw, wanted, active, nochange */
export function ethnlFeaturesGet(dev: NetDevice): Record<string, unknown> | KErr {
  const s = netdevFeatures(dev);
  if (!s) return kerr("EOPNOTSUPP");
  return { hw: toBools(s.hw), wanted: toBools(s.wanted), active: toBools(s.features), nochange: toBools(NETIF_F_NEVER_CHANGE) };
}

/**
 * net/ethtool/features.c: ethnl_set_features() + features_send_reply(). `bits` are the
 * ETHTOOL_A_BITSET_BITS entries by name; the reply is the requested wanted bits with the mask of
 * those that did not end up active as requested, and the new active bits with the mask of those
 * that changed.
 */
export function ethnlSetFeatures(dev: NetDevice, bits: [string, boolean][]): Record<string, unknown> | KErr {
  const s = netdevFeatures(dev);
  if (!s) return kerr("EOPNOTSUPP");
  const oldActive = s.features;
  const oldWanted = s.wanted;
  /* ethnl_parse_bitset() by name */
  let reqWanted = 0n;
  let reqMask = 0n;
  for (let i = 0; i < bits.length; i++) {
    const [name, on] = bits[i]!;
    const idx = name === "" ? -1 : NETDEV_FEATURE_STRINGS.indexOf(name);
    if (idx < 0) return { errno: "EOPNOTSUPP", extack: "bit name not found", bit: i } as KErr;
    reqMask |= F(idx);
    if (on) reqWanted |= F(idx);
    else reqWanted &= ~F(idx);
  }
  if (reqMask & ~NETIF_F_ETHTOOL_BITS) return kerr("EINVAL", "attempt to change non-ethtool features");
  /* set req_wanted bits not in req_mask from old_wanted */
  reqWanted = (reqWanted & reqMask) | (oldWanted & ~reqMask);
  if (reqWanted !== oldWanted) {
    s.wanted &= ~s.hw;
    s.wanted |= reqWanted & s.hw;
    netdevUpdateFeatures(dev, s);
  }
  const newActive = s.features;
  return {
    wanted_val: toBools(reqWanted),
    wanted_mask: toBools((reqWanted ^ newActive) & reqMask),
    active_val: toBools(newActive),
    active_mask: toBools(oldActive ^ newActive),
  };
}

/**
 * Can the device finish a CHECKSUM_PARTIAL checksum (NETIF_F_HW_CSUM / IP_CSUM)? The
 * modelled drivers' feature words say; of the rest, every virtual device offloads it
 * (dummy, vlan, macvlan, vxlan, ip tunnels, OVS ports) but tun/tap, which hands its frames
 * to a program.
 */
export function netdevCsumOffload(dev: NetDevice): boolean {
  const s = netdevFeatures(dev);
  if (s) return (s.features & (NETIF_F_HW_CSUM | NETIF_F_IP_CSUM)) !== 0n;
  return dev.linkOps?.kind !== "tun";
}
