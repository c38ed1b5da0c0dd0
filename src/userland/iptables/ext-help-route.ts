/**
 * What `iptables -h` prints for the extensions of ext_route.ts: each extension's help function
 * of iptables 1.8.9, as printed.
 */

/** libxt_rpfilter.c: rpfilter_help() */
export const RPFILTER_HELP =
  "rpfilter match options:\n" +
  "    --loose          permit reverse path via any interface\n" +
  "    --validmark      use skb nfmark when performing route lookup\n" +
  "    --accept-local   do not reject packets with a local source address\n" +
  "    --invert         match packets that failed the reverse path test\n";

/** libxt_u32.c: u32_help() */
export const U32_HELP =
  "u32 match options:\n" +
  "[!] --u32 tests\n" +
  '\t\ttests := location "=" value | tests "&&" location "=" value\n' +
  '\t\tvalue := range | value "," range\n' +
  '\t\trange := number | number ":" number\n' +
  "\t\tlocation := number | location operator number\n" +
  '\t\toperator := "&" | "<<" | ">>" | "@"\n';

/** libxt_ecn.c: ecn_help() */
export const ECN_HELP =
  "ECN match options\n" +
  "[!] --ecn-tcp-cwr \t\tMatch CWR bit of TCP header\n" +
  "[!] --ecn-tcp-ece\t\tMatch ECE bit of TCP header\n" +
  "[!] --ecn-ip-ect [0..3]\tMatch ECN codepoint in IPv4/IPv6 header\n";

/** libxt_devgroup.c: devgroup_help() */
export const DEVGROUP_HELP =
  "devgroup match options:\n" +
  "[!] --src-group value[/mask]\tMatch device group of incoming device\n" +
  "[!] --dst-group value[/mask]\tMatch device group of outgoing device\n";

/** libipt_realm.c: realm_help() */
export const REALM_HELP =
  "realm match options:\n" +
  "[!] --realm value[/mask]\n" +
  "\t\t\t\tMatch realm\n";

/** libxt_cpu.c: cpu_help() */
export const CPU_HELP =
  "cpu match options:\n" +
  "[!] --cpu number   Match CPU number\n";

/** libipt_ah.c: ah_help() */
export const AH_HELP =
  "ah match options:\n" +
  "[!] --ahspi spi[:spi]\n" +
  "\t\t\t\tmatch spi (range)\n";

/** libxt_esp.c: esp_help() */
export const ESP_HELP =
  "esp match options:\n" +
  "[!] --espspi spi[:spi]\n" +
  "\t\t\t\tmatch spi (range)\n";

/** libxt_policy.c: policy_help() */
export const POLICY_HELP =
  "policy match options:\n" +
  "  --dir in|out\t\t\tmatch policy applied during decapsulation/\n" +
  "\t\t\t\tpolicy to be applied during encapsulation\n" +
  "  --pol none|ipsec\t\tmatch policy\n" +
  "  --strict \t\t\tmatch entire policy instead of single element\n" +
  "\t\t\t\tat any position\n" +
  "These options may be used repeatedly, to describe policy elements:\n" +
  "[!] --reqid reqid\t\tmatch reqid\n" +
  "[!] --spi spi\t\t\tmatch SPI\n" +
  "[!] --proto proto\t\tmatch protocol (ah/esp/ipcomp)\n" +
  "[!] --mode mode \t\tmatch mode (transport/tunnel)\n" +
  "[!] --tunnel-src addr/mask\tmatch tunnel source\n" +
  "[!] --tunnel-dst addr/mask\tmatch tunnel destination\n" +
  "  --next \t\t\tbegin next element in policy\n";
