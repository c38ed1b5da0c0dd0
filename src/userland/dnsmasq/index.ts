/** dnsmasq 2.89 (Debian package dnsmasq-base) */
export { dnsmasqCommands } from "./dnsmasq.ts";
