/** /etc/ethertypes as the lab machines have it (libxtables getethertypebyname/number) */
export const ETHERTYPES: [string, number, string[]][] = [
  ["IPv4", 0x0800, ["ip", "ip4"]],
  ["X25", 0x0805, []],
  ["ARP", 0x0806, ["ether-arp"]],
  ["FR_ARP", 0x0808, []],
  ["BPQ", 0x08ff, []],
  ["TRILL", 0x22f3, []],
  ["L2-IS-IS", 0x22f4, []],
  ["TEB", 0x6558, []],
  ["RAW_FR", 0x6559, []],
  ["RARP", 0x8035, []],
  ["ATALK", 0x809b, []],
  ["AARP", 0x80f3, []],
  ["802_1Q", 0x8100, ["8021q", "1q", "802.1q", "dot1q"]],
  ["IPX", 0x8137, []],
  ["NetBEUI", 0x8191, []],
  ["IPv6", 0x86dd, ["ip6"]],
  ["PPP", 0x880b, []],
  ["MPLS", 0x8847, []],
  ["MPLS_MULTI", 0x8848, []],
  ["ATMMPOA", 0x884c, []],
  ["PPP_DISC", 0x8863, []],
  ["PPP_SES", 0x8864, []],
  ["ATMFATE", 0x8884, []],
  ["EAPOL", 0x888e, []],
  ["S-TAG", 0x88a8, []],
  ["EAP_PREAUTH", 0x88c7, []],
  ["LLDP", 0x88cc, []],
  ["MACSEC", 0x88e5, []],
  ["PBB", 0x88e7, ["macinmac"]],
  ["MVRP", 0x88f5, []],
  ["PTP", 0x88f7, []],
  ["FCOE", 0x8906, []],
  ["FIP", 0x8914, []],
  ["ROCE", 0x8915, []],
  ["LoWPAN", 0xa0ed, []],
];

/** getethertypebyname(): names and aliases, case-insensitive */
export function ethertypeByName(s: string): number | undefined {
  const l = s.toLowerCase();
  for (const [n, v, al] of ETHERTYPES) if (n.toLowerCase() === l || al.includes(l)) return v;
  return undefined;
}

/** getethertypebynumber() */
export function ethertypeByNumber(v: number): string | undefined {
  return ETHERTYPES.find(([, x]) => x === v)?.[0];
}
