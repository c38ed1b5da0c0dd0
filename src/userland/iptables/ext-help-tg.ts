/**
 * What `iptables -j NAME -h` prints for the targets of ext_tg.ts (and the rateest match): the
 * help function of the revision iptables 1.8.9 picks, as printed.
 */

/** libxt_CHECKSUM.c: CHECKSUM_help() */
export const CHECKSUM_HELP =
  "CHECKSUM target options\n" +
  "  --checksum-fill\t\t\tFill in packet checksum.\n";

/** libxt_CLASSIFY.c: CLASSIFY_help() */
export const CLASSIFY_HELP =
  "CLASSIFY target options:\n" +
  "--set-class MAJOR:MINOR    Set skb->priority value (always hexadecimal!)\n";

/** libxt_TEE.c: tee_tg_help() */
export const TEE_HELP =
  "TEE target options:\n" +
  "  --gateway IPADDR    Route packet via the gateway given by address\n" +
  "  --oif NAME          Include oif in route calculation\n" +
  "\n";

/** libxt_AUDIT.c: audit_help() */
export const AUDIT_HELP =
  "AUDIT target options\n" +
  "  --type TYPE\t\tAction type to be recorded.\n";

/** libxt_HMARK.c: HMARK_help() */
export const HMARK_HELP =
  "HMARK target options, i.e. modify hash calculation by:\n" +
  "  --hmark-tuple [src|dst|sport|dport|spi|proto|ct][,...]\n" +
  "  --hmark-mod value\t\t    nfmark modulus value\n" +
  "  --hmark-offset value\t\t    Last action add value to nfmark\n\n" +
  "  --hmark-rnd\t\t\t    Random see for hashing\n" +
  " Alternatively, fine tuning of what will be included in hash calculation\n" +
  "  --hmark-src-prefix length\t    Source address mask CIDR prefix\n" +
  "  --hmark-dst-prefix length\t    Dest address mask CIDR prefix\n" +
  "  --hmark-sport-mask value\t    Mask src port with value\n" +
  "  --hmark-dport-mask value\t    Mask dst port with value\n" +
  "  --hmark-spi-mask value\t    For esp and ah AND spi with value\n" +
  "  --hmark-sport value\t\t    OR src port with value\n" +
  "  --hmark-dport value\t\t    OR dst port with value\n" +
  "  --hmark-spi value\t\t    For esp and ah OR spi with value\n" +
  "  --hmark-proto-mask value\t    Mask Protocol with value\n";

/** libxt_IDLETIMER.c: idletimer_tg_help_v1() (revision 1) */
export const IDLETIMER_HELP_V1 =
  "IDLETIMER target options:\n" +
  " --timeout time\tTimeout until the notification is sent (in seconds)\n" +
  " --label string\tUnique rule identifier\n" +
  " --alarm\tUse alarm instead of default timer\n" +
  "\n";

/** libxt_LED.c: LED_help() */
export const LED_HELP =
  "LED target options:\n" +
  "--led-trigger-id name           suffix for led trigger name\n" +
  "--led-delay ms                  leave the LED on for this number of\n" +
  "                                milliseconds after triggering.\n" +
  "--led-always-blink              blink on arriving packets, even if\n" +
  "                                the LED is already on.\n";

/** libxt_RATEEST.c: RATEEST_help() */
export const RATEEST_HELP =
  "RATEEST target options:\n" +
  "  --rateest-name name\t\tRate estimator name\n" +
  "  --rateest-interval sec\tRate measurement interval in seconds\n" +
  "  --rateest-ewmalog value\tRate measurement averaging time constant\n";

/** libxt_rateest.c: rateest_help() */
export const RATEEST_MT_HELP =
  "rateest match options:\n" +
  " --rateest1 name\t\tRate estimator name\n" +
  " --rateest2 name\t\tRate estimator name\n" +
  " --rateest-delta\t\tCompare difference(s) to given rate(s)\n" +
  " --rateest-bps1 [bps]\t\tCompare bps\n" +
  " --rateest-pps1 [pps]\t\tCompare pps\n" +
  " --rateest-bps2 [bps]\t\tCompare bps\n" +
  " --rateest-pps2 [pps]\t\tCompare pps\n" +
  " [!] --rateest-lt\t\tMatch if rate is less than given rate/estimator\n" +
  " [!] --rateest-gt\t\tMatch if rate is greater than given rate/estimator\n" +
  " [!] --rateest-eq\t\tMatch if rate is equal to given rate/estimator\n";

/** libxt_SYNPROXY.c: SYNPROXY_help() */
export const SYNPROXY_HELP =
  "SYNPROXY target options:\n" +
  "  --sack-perm                        Set SACK_PERM\n" +
  "  --timestamp                        Set TIMESTAMP\n" +
  "  --wscale value                     Set window scaling factor\n" +
  "  --mss value                        Set MSS value\n" +
  "  --ecn                              Set ECN\n";

/** libxt_TPROXY.c: tproxy_tg_help() */
export const TPROXY_HELP =
  "TPROXY target options:\n" +
  "  --on-port port\t\t    Redirect connection to port, or the original port if 0\n" +
  "  --on-ip ip\t\t\t    Optionally redirect to the given IP\n" +
  "  --tproxy-mark value[/mask]\t    Mark packets with the given value/mask\n\n";
